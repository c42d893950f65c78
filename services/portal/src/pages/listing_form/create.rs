//! A new listing: the blank form, then the draft it saves.

use super::*;

#[derive(Debug, Default, Deserialize)]
pub(super) struct NewParams {
    pub(super) kind: Option<String>,
    /// A broker agency posting for this client organisation.
    pub(super) for_client: Option<String>,
}

/// A blank form, for a client when the query names one (a well-formed id; the API decides).
fn blank_for(viewer: &Viewer, q: &NewParams) -> ListingForm {
    let mut form = ListingForm::blank(viewer.lang.code());
    form.for_client = q
        .for_client
        .as_deref()
        .and_then(crate::pages::path_id)
        .unwrap_or_default();
    form
}

pub(super) async fn new_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<NewParams>,
) -> PageResult {
    require_member(&viewer)?;
    let form = blank_for(&viewer, &q);
    Ok(form_page(
        &portal,
        &viewer,
        Kind::Achievement,
        form,
        Shown::default(),
        StatusCode::OK,
    )
    .await)
}

pub(super) async fn new_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<NewParams>,
) -> PageResult {
    require_member(&viewer)?;
    let kind = Kind::of_need(q.kind.as_deref());
    let form = blank_for(&viewer, &q);
    Ok(form_page(
        &portal,
        &viewer,
        kind,
        form,
        Shown::default(),
        StatusCode::OK,
    )
    .await)
}

pub(super) async fn create_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    create(&portal, &viewer, Kind::Achievement, pairs).await
}

pub(super) async fn create_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let kind = Kind::of_need(
        pairs
            .iter()
            .find(|(k, _)| k == "kind")
            .map(|(_, v)| v.as_str()),
    );
    create(&portal, &viewer, kind, pairs).await
}

/// Creates a draft and goes on to its edit page, where it can be sent for review.
pub(super) async fn create(
    portal: &Portal,
    viewer: &Viewer,
    kind: Kind,
    pairs: Vec<(String, String)>,
) -> PageResult {
    require_member(viewer)?;
    let t = Tr::new(viewer.lang);
    let form = ListingForm::from_pairs(kind, pairs);
    let (body, local) = form.to_body(kind, true, &t);
    let path = match crate::pages::path_id(&form.for_client) {
        Some(client) => format!("/api/v1/{}?for_client={client}", kind.collection()),
        None => format!("/api/v1/{}", kind.collection()),
    };
    match ListingView::send(
        &portal.api,
        viewer.caller(),
        kind.listing_kind(),
        Method::POST,
        &path,
        &body,
    )
    .await
    {
        Ok(created) => {
            if !local.is_empty() {
                tracing::error!(listing.id = %created.id, "the API accepted a value the portal could not read");
            }
            Ok(done(&kind.edit_href(&created.id.to_string()), "saved"))
        }
        Err(ApiError::Problem(p)) if p.status == 422 => {
            let errors = merge_errors(form_errors(&p), local, &t);
            Ok(form_page(
                portal,
                viewer,
                kind,
                form,
                Shown {
                    errors,
                    ..Shown::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await)
        }
        Err(err) => Err(viewer.fail(err)),
    }
}
