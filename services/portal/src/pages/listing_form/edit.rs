//! Editing a listing: load it for its owner, show it, save a merge patch at the version read.

use super::*;

/// Which form edits a listing: achievements have a TRL and no kind; needs say theirs.
pub(super) fn kind_of(l: &ListingView) -> Kind {
    match l.kind {
        None => Kind::Achievement,
        Some(NeedKind::OpenCall) => Kind::OpenCall,
        Some(NeedKind::Need) => Kind::Need,
    }
}

/// Reads a listing for editing: its owner's members only (the API decides on saving, the
/// portal does not show a form nobody could save).
pub(super) async fn load_for_edit(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
) -> Result<ListingView, PageError> {
    require_member(viewer)?;
    let id = path_id(id).ok_or_else(|| viewer.not_found())?;
    let path = format!("/api/v1/{collection}/{}", crate::api::urlencode(&id));
    let kind = if collection == Kind::Achievement.collection() {
        ListingKind::Achievement
    } else {
        ListingKind::Need
    };
    let listing = ListingView::get(&portal.api, viewer.caller(), kind, &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    if viewer.organisation_id().map(|o| o.0) != Some(listing.organisation_id) {
        return Err(viewer.error_page(
            StatusCode::FORBIDDEN,
            Tr::new(viewer.lang).t("form.not_owner").to_owned(),
        ));
    }
    Ok(listing)
}

pub(super) fn editing_of(l: &ListingView) -> Editing {
    Editing {
        id: l.id.to_string(),
        status: l.status,
        version: l.version,
        completeness: l.completeness.clone(),
        revision: l.pending_revision.clone(),
    }
}

pub(super) async fn edit_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    edit(&portal, &viewer, "achievements", &id).await
}

pub(super) async fn edit_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    edit(&portal, &viewer, "needs", &id).await
}

pub(super) async fn edit(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
) -> PageResult {
    let listing = load_for_edit(portal, viewer, collection, id).await?;
    // A published listing's form starts from the changes waiting for review, if any.
    let form = ListingForm::from_listing(&listing.clone().with_pending_changes());
    Ok(form_page(
        portal,
        viewer,
        kind_of(&listing),
        form,
        Shown {
            editing: Some(editing_of(&listing)),
            ..Shown::default()
        },
        StatusCode::OK,
    )
    .await)
}

pub(super) async fn update_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    update(&portal, &viewer, "achievements", &id, pairs).await
}

pub(super) async fn update_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    update(&portal, &viewer, "needs", &id, pairs).await
}

/// Saves an edit as a merge patch at the version the form was made from: load the listing,
/// read the form, send the patch, then go on to the listing or show the form again with why.
pub(super) async fn update(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
    pairs: Vec<(String, String)>,
) -> PageResult {
    let current = load_for_edit(portal, viewer, collection, id).await?;
    let kind = kind_of(&current);
    let t = Tr::new(viewer.lang);
    let mut form = ListingForm::from_pairs(kind, pairs);
    let (body, local) = patch_body(&form, kind, current.version, &t);
    let path = format!(
        "/api/v1/{collection}/{}",
        crate::api::urlencode(&current.id.to_string())
    );
    let sent = ListingView::send(
        &portal.api,
        viewer.caller(),
        kind.listing_kind(),
        Method::PATCH,
        &path,
        &body,
    )
    .await;
    let refused = match sent {
        Ok(saved) => return Ok(after_save(kind, &saved)),
        Err(err) => err,
    };
    let (shown, status) =
        refusal(refused, local, &current, &mut form, &t).map_err(|e| viewer.fail(e))?;
    Ok(form_page(portal, viewer, kind, form, shown, status).await)
}

/// The merge patch of a form, at the version it was made from (else the version just read).
fn patch_body(form: &ListingForm, kind: Kind, current: i32, t: &Tr) -> (Value, FormErrors) {
    let (mut body, local) = form.to_body(kind, false, t);
    let version: i32 = form.version.trim().parse().unwrap_or(current);
    if let Value::Object(map) = &mut body {
        map.insert("version".into(), json!(version));
    }
    (body, local)
}

/// Back to the edit page, saying what became of the edit.
fn after_save(kind: Kind, saved: &ListingView) -> Response {
    // A published listing's edit is stored as changes waiting for review, not published.
    let flash = if saved
        .pending_revision
        .as_ref()
        .is_some_and(RevisionView::is_pending)
    {
        "sent_for_review"
    } else {
        "saved"
    };
    done(&kind.edit_href(&saved.id.to_string()), flash)
}

/// What the form shows again when the API refused the edit: field errors (422) or the
/// conflict with a newer version (409); any other error is the caller's to show.
pub(super) fn refusal(
    err: ApiError,
    local: FormErrors,
    current: &ListingView,
    form: &mut ListingForm,
    t: &Tr,
) -> Result<(Shown, StatusCode), ApiError> {
    let editing = Some(editing_of(current));
    match err {
        ApiError::Problem(p) if p.status == 422 => Ok((
            Shown {
                errors: merge_errors(form_errors(&p), local, t),
                editing,
                conflict: None,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        ApiError::Problem(p) if p.status == 409 => {
            // Keep what was typed; the reader compares with the current version and saves again.
            let message = if p.code == "stale_version" {
                t.t("form.conflict").to_owned()
            } else {
                p.detail.clone()
            };
            // Saving again is a deliberate overwrite of the version just read.
            form.version = current.version.to_string();
            Ok((
                Shown {
                    errors: FormErrors::default(),
                    editing,
                    conflict: Some(message),
                },
                StatusCode::CONFLICT,
            ))
        }
        err => Err(err),
    }
}
