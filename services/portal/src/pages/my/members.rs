//! Members and invitations: who belongs to the organisation, with which role, and who is
//! invited.

use askama::Template;
use axum::extract::{Path, State};
use axum::Form;
use http::{header, HeaderMap, Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::{is_admin, require_org};
use crate::api::{urlencode, ApiError};
use crate::page::{done, render, Ctx, FormErrors, PageResult};
use crate::pages::path_id;
use crate::session::Viewer;
use crate::Portal;
use wire::accounts::{InvitationOut, PendingInvitation, UserOut};
use wire::OrgRole;

#[derive(Debug, Default, Deserialize)]
pub(super) struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    org_role: String,
}

#[derive(Template)]
#[template(path = "my_members.html")]
pub(super) struct MembersPage {
    ctx: Ctx,
    members: Vec<UserOut>,
    admin: bool,
    me_id: String,
    form: InviteForm,
    errors: FormErrors,
    /// The invitation just made, with the link to pass on (shown once).
    invited: Option<(InvitationOut, String)>,
    /// Pending invitations (admins only), each revocable.
    pending: Vec<PendingInvitation>,
}

impl MembersPage {
    fn role(&self, role: &Option<String>) -> &'static str {
        match role.as_deref() {
            Some(r) if r == OrgRole::Admin.as_str() => self.ctx.t.t("my.role_admin"),
            _ => self.ctx.t.t("my.role_member"),
        }
    }

    fn invitation_role(&self, inv: &PendingInvitation) -> &'static str {
        self.role(&Some(inv.org_role.clone()))
    }

    fn invited_text(&self) -> String {
        match &self.invited {
            Some((inv, _)) => self.ctx.t.f(
                "my.invited_text",
                &[
                    ("email", &inv.email),
                    ("role", self.role(&Some(inv.org_role.clone()))),
                    ("expires", &self.ctx.t.day(&inv.expires_at)),
                ],
            ),
            None => String::new(),
        }
    }
}

pub(super) async fn members(
    portal: &Portal,
    viewer: &Viewer,
    form: InviteForm,
    errors: FormErrors,
    invited: Option<(InvitationOut, String)>,
    status: StatusCode,
) -> PageResult {
    let (me, org_id) = require_org(viewer)?;
    let path = format!("/api/v1/orgs/{}/members", urlencode(&org_id));
    let members = portal
        .api
        .get::<Vec<UserOut>>(viewer.caller(), &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    let admin = is_admin(me);
    let pending = if admin {
        let path = format!("/api/v1/orgs/{}/invitations", urlencode(&org_id));
        portal
            .api
            .get::<Vec<PendingInvitation>>(viewer.caller(), &path)
            .await
            .map_err(|e| viewer.fail(e))?
    } else {
        Vec::new()
    };
    let page = MembersPage {
        ctx: Ctx::new(viewer, "my"),
        members,
        admin,
        me_id: me.user_id.to_string(),
        form,
        errors,
        invited,
        pending,
    };
    let mut resp = render(&page);
    *resp.status_mut() = status;
    Ok(resp)
}

pub(super) async fn members_page(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    members(
        &portal,
        &viewer,
        InviteForm::default(),
        FormErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Invites a person; the API returns the secret once, so the page shows it now, beside the
/// join page's address. The secret is not put in the link: URLs end up in proxy logs and
/// browser histories.
pub(super) async fn invite(
    State(portal): State<Portal>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> PageResult {
    let (_, org_id) = require_org(&viewer)?;
    let role = if form.org_role == OrgRole::Admin.as_str() {
        OrgRole::Admin
    } else {
        OrgRole::Member
    }
    .as_str();
    let body = json!({ "email": form.email.trim(), "org_role": role });
    let path = format!("/api/v1/orgs/{}/invitations", urlencode(&org_id));
    match portal
        .api
        .post::<InvitationOut>(viewer.caller(), &path, &body)
        .await
    {
        Ok(inv) => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            let scheme = if portal.secure_cookies {
                "https"
            } else {
                "http"
            };
            let link = if host.is_empty() {
                "/join".to_owned()
            } else {
                format!("{scheme}://{host}/join")
            };
            members(
                &portal,
                &viewer,
                InviteForm::default(),
                FormErrors::default(),
                Some((inv, link)),
                StatusCode::OK,
            )
            .await
        }
        Err(ApiError::Problem(p)) if matches!(p.status, 409 | 422) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            members(
                &portal,
                &viewer,
                form,
                FormErrors::from_problem(&p),
                None,
                status,
            )
            .await
        }
        Err(err) => Err(viewer.fail(err)),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct RoleForm {
    org_role: String,
}

pub(super) async fn set_role(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(user_id): Path<String>,
    Form(form): Form<RoleForm>,
) -> PageResult {
    let (_, org_id) = require_org(&viewer)?;
    let user_id = path_id(&user_id).ok_or_else(|| viewer.not_found())?;
    let path = format!(
        "/api/v1/orgs/{}/members/{}/role",
        urlencode(&org_id),
        urlencode(&user_id)
    );
    portal
        .api
        .post::<serde_json::Value>(
            viewer.caller(),
            &path,
            &json!({ "org_role": form.org_role }),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/my/members", "updated"))
}

/// Removes a member from the organisation (the API keeps the last admin).
pub(super) async fn remove_member(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(user_id): Path<String>,
) -> PageResult {
    delete_from_org(&portal, &viewer, "members", &user_id).await
}

/// Revokes a pending invitation; its code stops working.
pub(super) async fn revoke_invitation(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    delete_from_org(&portal, &viewer, "invitations", &id).await
}

/// Deletes `/api/v1/orgs/{the viewer's org}/{collection}/{id}` and returns to the members page;
/// an id that is not one answers the page's 404.
async fn delete_from_org(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
) -> PageResult {
    let (_, org_id) = require_org(viewer)?;
    let id = path_id(id).ok_or_else(|| viewer.not_found())?;
    let path = format!(
        "/api/v1/orgs/{}/{collection}/{}",
        urlencode(&org_id),
        urlencode(&id)
    );
    portal
        .api
        .send_empty(viewer.caller(), Method::DELETE, &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/my/members", "updated"))
}
