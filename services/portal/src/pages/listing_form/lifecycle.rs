//! Sending a listing for review and withdrawing it.

use super::*;

#[derive(Debug, Deserialize)]
pub(super) struct VersionForm {
    pub(super) version: i64,
}

pub(super) async fn submit_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> PageResult {
    submit(&portal, &viewer, "achievements", &id, f.version).await
}

pub(super) async fn submit_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> PageResult {
    submit(&portal, &viewer, "needs", &id, f.version).await
}

/// Sends a draft for the operator's review; a listing the API will not send (no `valid_until`)
/// comes back as its edit form with the reason beside the field.
pub(super) async fn submit(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
    version: i64,
) -> PageResult {
    let current = load_for_edit(portal, viewer, collection, id).await?;
    let kind = kind_of(&current);
    let path = format!(
        "/api/v1/{collection}/{}/submit",
        crate::api::urlencode(&current.id.to_string())
    );
    let sent = portal
        .api
        .post::<ListingState>(viewer.caller(), &path, &json!({ "version": version }))
        .await;
    let refused = match sent {
        Ok(state) => return Ok(done(&kind.view_href(&state.id.to_string()), "submitted")),
        Err(err) => err,
    };
    // Refused like an edit: field errors (422) or a newer version (409), shown on the form.
    let mut form = ListingForm::from_listing(&current);
    let t = Tr::new(viewer.lang);
    let (shown, status) = refusal(refused, FormErrors::default(), &current, &mut form, &t)
        .map_err(|e| viewer.fail(e))?;
    Ok(form_page(portal, viewer, kind, form, shown, status).await)
}

pub(super) async fn withdraw_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> PageResult {
    withdraw(&portal, &viewer, "achievements", &id, f.version).await
}

pub(super) async fn withdraw_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> PageResult {
    withdraw(&portal, &viewer, "needs", &id, f.version).await
}

/// Takes a listing off the market; back to "my organisation", where it shows as withdrawn.
pub(super) async fn withdraw(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
    version: i64,
) -> PageResult {
    require_member(viewer)?;
    let id = path_id(id).ok_or_else(|| viewer.not_found())?;
    let path = format!(
        "/api/v1/{collection}/{}/withdraw",
        crate::api::urlencode(&id)
    );
    match portal
        .api
        .post::<ListingState>(viewer.caller(), &path, &json!({ "version": version }))
        .await
    {
        Ok(_) => Ok(done("/my", "withdrawn")),
        Err(err) => Err(viewer.fail(err)),
    }
}
