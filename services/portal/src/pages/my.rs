//! "My organisation": the signed-in member's organisation, its listings in every status with
//! their matches, feedback received, open-call applications, spreadsheet imports (upload,
//! progress, per-row errors), members and invitations, and accepting an invitation.
//!
//! Everything comes from the API as the member sees it. The API has no "feedback on my
//! listings" list, so feedback received is read from the member's `match_feedback`
//! notifications (each names the match, verdict and reason); the per-match feedback is on the
//! listing page's matches panel.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::cookie::CookieJar;
use bytes::BytesMut;
use http::{header, HeaderMap, Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::listing_form::{status_class, Kind};
use super::{page_param, path_id, Pager};
use crate::api::{urlencode, with_query, ApiError, Caller};
use crate::i18n::Tr;
use crate::page::{done, render, Ctx, FormErrors, PageError, PageResult};
use crate::session::{session_cookie, Me, Viewer};
use crate::Portal;
use wire::accounts::{InvitationOut, OrganisationOut, PendingInvitation, SessionOut, UserOut};
use wire::matching::NotificationOut;
use wire::Page;
use wire::{
    ApplicationStatus, ListingKind, ListingStatus, MatchSideStatus, NeedKind, OrgRole,
    VerificationStatus,
};

/// Largest spreadsheet the upload form forwards (the API's default import limit).
const UPLOAD_LIMIT_BYTES: usize = 32 * 1024 * 1024;
/// Largest text field of the upload form (`kind`, `mode`: a word each).
const UPLOAD_TEXT_LIMIT_BYTES: usize = 1024;
const LISTINGS_PER_PAGE: u64 = 10;
const IMPORTS_PER_PAGE: u64 = 20;
const ROW_ERRORS_PER_PAGE: u64 = 50;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/my", get(overview))
        .route("/my/members", get(members_page))
        .route("/my/members/invite", post(invite))
        .route("/my/members/{user_id}/role", post(set_role))
        .route("/my/members/{user_id}/remove", post(remove_member))
        .route(
            "/my/members/invitations/{id}/revoke",
            post(revoke_invitation),
        )
        .route("/my/open-calls/{id}", get(open_call_page))
        .route(
            "/my/open-calls/{id}/applications/{application_id}",
            post(decide),
        )
        .route(
            "/my/imports",
            get(imports_page)
                .post(start_import)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT_BYTES + 64 * 1024)),
        )
        .route("/my/imports/{id}", get(import_page))
        .route("/join", get(join_form).post(join))
}

// ---------------------------------------------------------------------------------------------
// API answers.

#[derive(Debug, Clone, Deserialize)]
struct ListingItem {
    id: String,
    status: String,
    title: String,
    updated_at: String,
    kind: Option<String>,
    completeness: Option<Score>,
}

#[derive(Debug, Clone, Deserialize)]
struct Score {
    score: i64,
}

#[derive(Debug, Clone, Deserialize)]
struct MatchBrief {
    need_side_status: String,
    achievement_side_status: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RowError {
    pub row: i64,
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ImportOut {
    pub id: String,
    pub kind: String,
    pub mode: String,
    pub format: String,
    pub file_name: String,
    pub status: String,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub created_count: i64,
    pub error_count: i64,
    #[serde(default)]
    pub errors: Vec<RowError>,
    pub failure: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

impl ImportOut {
    pub fn running(&self) -> bool {
        matches!(self.status.as_str(), "queued" | "running")
    }

    /// Rows read so far, in percent (0 before the file is parsed).
    pub fn percent(&self) -> i64 {
        if self.total_rows <= 0 {
            if self.running() {
                0
            } else {
                100
            }
        } else {
            (self.processed_rows.clamp(0, self.total_rows) * 100) / self.total_rows
        }
    }

    pub fn status_class(&self) -> &'static str {
        match self.status.as_str() {
            "succeeded" => "ok",
            "failed" => "bad",
            _ => "warn",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Application {
    pub id: String,
    pub organisation_id: String,
    pub achievement_id: Option<String>,
    pub proposal: String,
    pub status: String,
    pub created_at: String,
    pub version: i64,
}

#[derive(Debug, Clone, Deserialize)]
struct OpenCall {
    id: String,
    organisation_id: String,
    title: String,
    status: String,
    kind: Option<String>,
    deadline: Option<String>,
    awarded_application_id: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/// Pages for members of an organisation: sign in first; an account without one is told why.
fn require_org(viewer: &Viewer) -> Result<(&Me, String), PageError> {
    let me = viewer.require_login()?;
    let org = me.organisation_id.clone().ok_or_else(|| {
        viewer.error_page(
            StatusCode::FORBIDDEN,
            Tr::new(viewer.lang).t("my.no_organisation").to_owned(),
        )
    })?;
    Ok((me, org))
}

fn is_admin(me: &Me) -> bool {
    me.org_role.as_deref() == Some(OrgRole::Admin.as_str())
}

/// What [`get_all`] read, by key, and the keys whose read failed (their panel says so).
struct Fetched<T> {
    answers: HashMap<String, T>,
    failed: HashSet<String>,
}

/// Runs one GET per path at once (the API answers independently); results keep their key.
async fn get_all<T>(portal: &Portal, viewer: &Viewer, paths: Vec<(String, String)>) -> Fetched<T>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    let mut tasks = Vec::with_capacity(paths.len());
    for (key, path) in paths {
        let api = portal.api.clone();
        let token = viewer.token.clone();
        let lang = viewer.lang;
        let task = tokio::spawn(async move {
            let caller = Caller {
                token: token.as_deref(),
                lang,
            };
            api.get::<T>(caller, &path).await
        });
        tasks.push((key, task));
    }
    let mut fetched = Fetched {
        answers: HashMap::new(),
        failed: HashSet::new(),
    };
    for (key, task) in tasks {
        match task.await {
            Ok(Ok(value)) => {
                fetched.answers.insert(key, value);
            }
            Ok(Err(err)) => {
                tracing::warn!(error = %err, key = %key, "my organisation: a detail could not be read");
                fetched.failed.insert(key);
            }
            Err(err) => {
                tracing::warn!(error = %err, key = %key, "my organisation: a detail task failed");
                fetched.failed.insert(key);
            }
        }
    }
    fetched
}

/// A side panel's list, and whether it could not be read (the panel then says so, rather
/// than showing an empty list that reads as "nothing here").
fn panel<T>(read: Result<Vec<T>, ApiError>, what: &str) -> (Vec<T>, bool) {
    match read {
        Ok(items) => (items, false),
        Err(err) => {
            tracing::warn!(error = %err, panel = what, "my organisation: a panel could not be read");
            (Vec::new(), true)
        }
    }
}

/// The items of the pager's page. The pager has clamped the page to the last one, so a huge
/// `?page=` shows the last page instead of overflowing.
pub(super) fn page_items<T>(
    items: impl IntoIterator<Item = T>,
    pager: &Pager,
    per_page: u64,
) -> Vec<T> {
    let start = pager.page.saturating_sub(1).saturating_mul(per_page);
    let start = usize::try_from(start).unwrap_or(usize::MAX);
    let per_page = usize::try_from(per_page).unwrap_or(usize::MAX);
    items.into_iter().skip(start).take(per_page).collect()
}

// ---------------------------------------------------------------------------------------------
// Overview.

/// One of my listings, with what happened to it.
pub struct Row {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub status: String,
    pub updated_at: String,
    /// (all live matches, matches still new on my side); published listings only.
    pub matches: Option<(usize, usize)>,
    /// The matches of this published listing could not be read.
    pub matches_failed: bool,
    /// Applications received, for my open calls.
    pub applications: Option<usize>,
    /// The applications to this open call could not be read.
    pub applications_failed: bool,
    pub completeness: Option<i64>,
}

impl Row {
    pub fn view_href(&self) -> String {
        self.kind.view_href(&self.id)
    }

    pub fn edit_href(&self) -> String {
        self.kind.edit_href(&self.id)
    }

    pub fn matches_href(&self) -> String {
        format!("{}#matches", self.view_href())
    }

    pub fn status_class(&self) -> &'static str {
        status_class(&self.status)
    }

    pub fn editable(&self) -> bool {
        ListingStatus::parse(&self.status).is_some_and(ListingStatus::editable)
    }
}

/// Feedback another party gave on a match of one of my listings.
pub struct Feedback {
    pub at: String,
    pub title: String,
    pub good: bool,
    pub reason: Option<String>,
    pub comment: Option<String>,
    pub link: Option<String>,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "my_index.html")]
struct OverviewPage {
    ctx: Ctx,
    org: OrganisationOut,
    posts_achievements: bool,
    posts_needs: bool,
    achievements: Vec<Row>,
    needs: Vec<Row>,
    a_pager: Pager,
    n_pager: Pager,
    a_total: u64,
    n_total: u64,
    feedback: Vec<Feedback>,
    /// The notifications feedback is read from could not be read.
    feedback_failed: bool,
    imports: Vec<ImportOut>,
    imports_failed: bool,
    /// `None` when the members could not be read.
    member_count: Option<usize>,
}

impl OverviewPage {
    fn org_name(&self) -> String {
        match (&self.org.name_en, self.ctx.lang) {
            (Some(en), l) if l != crate::i18n::Lang::Zh && !en.is_empty() => en.clone(),
            _ => self.org.name.clone(),
        }
    }

    fn verification(&self) -> String {
        self.ctx
            .t
            .term("verification", &self.org.verification_status)
    }

    fn verification_class(&self) -> &'static str {
        match VerificationStatus::parse(&self.org.verification_status) {
            Some(VerificationStatus::Verified) => "ok",
            Some(VerificationStatus::Rejected) => "bad",
            _ => "warn",
        }
    }

    fn org_kind(&self) -> String {
        self.ctx.t.term("org_kind", &self.org.kind)
    }

    fn matches_text(&self, total: &usize, new: &usize) -> String {
        self.ctx.t.f(
            "my.matches_count",
            &[("total", &total.to_string()), ("new", &new.to_string())],
        )
    }

    fn applications_text(&self, n: &usize) -> String {
        self.ctx
            .t
            .f("my.applications_count", &[("count", &n.to_string())])
    }

    fn members_text(&self) -> String {
        match self.member_count {
            Some(count) => self
                .ctx
                .t
                .f("my.members_count", &[("count", &count.to_string())]),
            None => self.ctx.t.t("my.members_title").to_owned(),
        }
    }

    fn reason(&self, code: &str) -> String {
        self.ctx.t.term("decline", code)
    }

    fn import_status(&self, status: &str) -> String {
        import_status(&self.ctx.t, status)
    }

    fn import_kind(&self, kind: &str) -> String {
        import_kind(&self.ctx.t, kind)
    }
}

fn import_status(t: &Tr, status: &str) -> String {
    match status {
        "queued" => t.t("my.import_queued").to_owned(),
        "running" => t.t("my.import_running").to_owned(),
        "succeeded" => t.t("my.import_succeeded").to_owned(),
        "failed" => t.t("my.import_failed").to_owned(),
        other => other.to_owned(),
    }
}

fn import_kind(t: &Tr, kind: &str) -> String {
    match kind {
        "needs" => t.term("kind", ListingKind::Need.as_str()),
        _ => t.term("kind", ListingKind::Achievement.as_str()),
    }
}

/// Highest page number sent to the API: far past any real list, and small enough that the
/// API's offset (page × per page) cannot overflow.
const MAX_API_PAGE: u64 = u32::MAX as u64;

/// One page of my organisation's listings in `collection`. A page past the end (an old link,
/// a typed `?a_page=`) is read again as the last page, as the pager shows it.
async fn my_listings(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    page: u64,
) -> Result<Page<ListingItem>, ApiError> {
    let read = |page: u64| {
        let path = with_query(
            &format!("/api/v1/{collection}"),
            &[
                ("mine", "true".to_owned()),
                ("page", page.to_string()),
                ("per_page", LISTINGS_PER_PAGE.to_string()),
                ("lang", viewer.lang.code().to_owned()),
            ],
        );
        async move {
            portal
                .api
                .get::<Page<ListingItem>>(viewer.caller(), &path)
                .await
        }
    };
    let page = page.min(MAX_API_PAGE);
    let first = read(page).await?;
    let last = first.total.div_ceil(LISTINGS_PER_PAGE).max(1);
    if page > last {
        read(last).await
    } else {
        Ok(first)
    }
}

#[derive(Debug, Default, Deserialize)]
struct OverviewParams {
    a_page: Option<u64>,
    n_page: Option<u64>,
}

async fn overview(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<OverviewParams>,
) -> PageResult {
    let (me, org_id) = require_org(&viewer)?;
    let caller = viewer.caller();
    let org_path = format!("/api/v1/orgs/{}", urlencode(&org_id));
    let members_path = format!("/api/v1/orgs/{}/members", urlencode(&org_id));
    let (org, achievements, needs, members, imports, notes) = tokio::join!(
        portal.api.get::<OrganisationOut>(caller, &org_path),
        my_listings(&portal, &viewer, "achievements", page_param(q.a_page)),
        my_listings(&portal, &viewer, "needs", page_param(q.n_page)),
        portal.api.get::<Vec<UserOut>>(caller, &members_path),
        portal.api.get::<Vec<ImportOut>>(caller, "/api/v1/imports"),
        portal
            .api
            .get::<Vec<NotificationOut>>(caller, "/api/v1/notifications?limit=200"),
    );
    let org = org.map_err(|e| viewer.fail(e))?;
    let achievements = achievements.map_err(|e| viewer.fail(e))?;
    let needs = needs.map_err(|e| viewer.fail(e))?;
    let (imports, imports_failed) = panel(imports, "imports");
    let (members, members_failed) = panel(members, "members");
    let member_count = (!members_failed).then_some(members.len());

    // Matches of published listings and applications to published or closed open calls.
    let mut detail_paths = Vec::new();
    for a in achievements
        .items
        .iter()
        .filter(|a| a.status == ListingStatus::Published.as_str())
    {
        detail_paths.push((
            format!("a:{}", a.id),
            format!("/api/v1/achievements/{}/matches", urlencode(&a.id)),
        ));
    }
    for n in needs
        .items
        .iter()
        .filter(|n| n.status == ListingStatus::Published.as_str())
    {
        detail_paths.push((
            format!("n:{}", n.id),
            format!("/api/v1/needs/{}/matches", urlencode(&n.id)),
        ));
    }
    let app_paths: Vec<(String, String)> = needs
        .items
        .iter()
        .filter(|n| {
            n.kind.as_deref() == Some(NeedKind::OpenCall.as_str())
                && matches!(
                    ListingStatus::parse(&n.status),
                    Some(ListingStatus::Published | ListingStatus::Closed | ListingStatus::Expired)
                )
        })
        .map(|n| {
            (
                n.id.clone(),
                format!("/api/v1/needs/{}/applications", urlencode(&n.id)),
            )
        })
        .collect();
    let (matches, apps) = tokio::join!(
        get_all::<Vec<MatchBrief>>(&portal, &viewer, detail_paths),
        get_all::<Vec<Application>>(&portal, &viewer, app_paths),
    );
    let rows = |items: Vec<ListingItem>, achievement: bool| -> Vec<Row> {
        items
            .into_iter()
            .map(|l| {
                let kind = if achievement {
                    Kind::Achievement
                } else if l.kind.as_deref() == Some(NeedKind::OpenCall.as_str()) {
                    Kind::OpenCall
                } else {
                    Kind::Need
                };
                let key = format!("{}:{}", if achievement { "a" } else { "n" }, l.id);
                let matches_failed = matches.failed.contains(&key);
                let matches = matches.answers.get(&key).map(|ms| {
                    let new = ms
                        .iter()
                        .filter(|m| {
                            if achievement {
                                m.achievement_side_status == MatchSideStatus::New.as_str()
                            } else {
                                m.need_side_status == MatchSideStatus::New.as_str()
                            }
                        })
                        .count();
                    (ms.len(), new)
                });
                Row {
                    applications: apps.answers.get(&l.id).map(Vec::len),
                    applications_failed: apps.failed.contains(&l.id),
                    matches_failed,
                    completeness: l.completeness.as_ref().map(|c| c.score),
                    id: l.id,
                    kind,
                    title: l.title,
                    status: l.status,
                    updated_at: l.updated_at,
                    matches,
                }
            })
            .collect()
    };
    let a_pager = Pager::new(
        &viewer.path,
        "a_page",
        achievements.page,
        LISTINGS_PER_PAGE,
        achievements.total,
    );
    let n_pager = Pager::new(
        &viewer.path,
        "n_page",
        needs.page,
        LISTINGS_PER_PAGE,
        needs.total,
    );
    let (notes, feedback_failed) = panel(notes, "notifications");
    let feedback = notes
        .into_iter()
        .filter(|n| n.kind == "match_feedback")
        .take(10)
        .map(|n| Feedback {
            good: n.payload.get("verdict").and_then(|v| v.as_str()) == Some("good"),
            reason: n
                .payload
                .get("reason")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            comment: n
                .payload
                .get("comment")
                .and_then(|v| v.as_str())
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            link: n.link.filter(|l| crate::page::is_local_path(l)),
            unread: n.read_at.is_none(),
            at: n.created_at.to_rfc3339(),
            title: n.title,
        })
        .collect();
    let page = OverviewPage {
        ctx: Ctx::new(&viewer, "my"),
        posts_achievements: me.posts_achievements(),
        posts_needs: me.posts_needs(),
        a_total: achievements.total,
        n_total: needs.total,
        achievements: rows(achievements.items, true),
        needs: rows(needs.items, false),
        a_pager,
        n_pager,
        feedback,
        feedback_failed,
        imports: imports.into_iter().take(3).collect(),
        imports_failed,
        member_count,
        org,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------------
// Members and invitations.

#[derive(Debug, Default, Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    org_role: String,
}

#[derive(Template)]
#[template(path = "my_members.html")]
struct MembersPage {
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

async fn members(
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
        me_id: me.user_id.clone(),
        form,
        errors,
        invited,
        pending,
    };
    let mut resp = render(&page);
    *resp.status_mut() = status;
    Ok(resp)
}

async fn members_page(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
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
async fn invite(
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
struct RoleForm {
    org_role: String,
}

async fn set_role(
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
async fn remove_member(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(user_id): Path<String>,
) -> PageResult {
    let (_, org_id) = require_org(&viewer)?;
    let user_id = path_id(&user_id).ok_or_else(|| viewer.not_found())?;
    let path = format!(
        "/api/v1/orgs/{}/members/{}",
        urlencode(&org_id),
        urlencode(&user_id)
    );
    portal
        .api
        .send_empty(viewer.caller(), Method::DELETE, &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/my/members", "updated"))
}

/// Revokes a pending invitation; its code stops working.
async fn revoke_invitation(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let (_, org_id) = require_org(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let path = format!(
        "/api/v1/orgs/{}/invitations/{}",
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

// ---------------------------------------------------------------------------------------------
// Accepting an invitation.

#[derive(Debug, Default, Deserialize)]
struct JoinForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "my_join.html")]
struct JoinPage {
    ctx: Ctx,
    form: JoinForm,
    errors: FormErrors,
}

/// The join form. It never reads the code from the URL: the invitee pastes it, and it travels
/// only in the POST body. An old-style `/join?token=…` link is redirected to the bare page, so
/// the page (whose language links repeat the current URL) never carries the secret further.
async fn join_form(viewer: Viewer, RawQuery(query): RawQuery) -> Response {
    if query.is_some() {
        return axum::response::Redirect::to("/join").into_response();
    }
    render(&JoinPage {
        ctx: Ctx::new(&viewer, "login"),
        form: JoinForm::default(),
        errors: FormErrors::default(),
    })
}

async fn join(
    State(portal): State<Portal>,
    viewer: Viewer,
    jar: CookieJar,
    Form(form): Form<JoinForm>,
) -> PageResult {
    let caller = Caller {
        token: None,
        lang: viewer.lang,
    };
    let body = json!({ "token": form.token.trim(), "display_name": form.display_name.trim(), "password": form.password });
    match portal
        .api
        .post::<SessionOut>(caller, "/api/v1/invitations/accept", &body)
        .await
    {
        Ok(session) => {
            let jar = jar.add(session_cookie(session.token.token, portal.secure_cookies));
            Ok((jar, done("/my", "signed_in")).into_response())
        }
        Err(ApiError::Problem(p)) if matches!(p.status, 404 | 409 | 422) => {
            let mut errors = FormErrors::from_problem(&p);
            if p.status == 404 {
                errors.fields.insert(
                    "token".to_owned(),
                    Tr::new(viewer.lang).t("my.join_token_unknown").to_owned(),
                );
            }
            let form = JoinForm {
                password: String::new(),
                ..form
            };
            let mut resp = render(&JoinPage {
                ctx: Ctx::new(&viewer, "login"),
                form,
                errors,
            });
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(err) => Err(viewer.fail(err)),
    }
}

// ---------------------------------------------------------------------------------------------
// Applications to my open call.

#[derive(Template)]
#[template(path = "my_open_call.html")]
struct OpenCallPage {
    ctx: Ctx,
    call: OpenCall,
    applications: Vec<Application>,
    orgs: HashMap<String, OrganisationOut>,
}

impl OpenCallPage {
    fn org_name(&self, id: &str) -> String {
        self.orgs
            .get(id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| self.ctx.t.t("my.unknown_org").to_owned())
    }

    fn app_status(&self, status: &str) -> String {
        self.ctx
            .t
            .t(&format!("form.application_{status}"))
            .to_owned()
    }

    fn app_class(&self, status: &str) -> &'static str {
        match ApplicationStatus::parse(status) {
            Some(ApplicationStatus::Awarded) => "ok",
            Some(ApplicationStatus::Shortlisted) => "warn",
            Some(ApplicationStatus::NotSelected) => "bad",
            _ => "",
        }
    }

    fn decidable(&self, status: &str) -> bool {
        self.call.awarded_application_id.is_none()
            && matches!(
                ApplicationStatus::parse(status),
                Some(ApplicationStatus::Submitted | ApplicationStatus::Shortlisted)
            )
    }

    fn can_award(&self) -> bool {
        self.call.status == ListingStatus::Published.as_str()
    }

    fn call_href(&self) -> String {
        Kind::OpenCall.view_href(&self.call.id)
    }

    fn status(&self) -> String {
        self.ctx.t.term("status", &self.call.status)
    }

    fn deadline(&self) -> String {
        self.ctx.t.opt_date(&self.call.deadline)
    }
}

async fn open_call_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let (_, org_id) = require_org(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let caller = viewer.caller();
    let call_path = format!(
        "/api/v1/needs/{}?lang={}",
        urlencode(&id),
        viewer.lang.code()
    );
    let apps_path = format!("/api/v1/needs/{}/applications", urlencode(&id));
    let (call, apps) = tokio::join!(
        portal.api.get::<OpenCall>(caller, &call_path),
        portal.api.get::<Vec<Application>>(caller, &apps_path)
    );
    let call = call.map_err(|e| viewer.fail(e))?;
    if call.kind.as_deref() != Some(NeedKind::OpenCall.as_str()) {
        return Err(viewer.not_found());
    }
    if call.organisation_id != org_id {
        return Err(viewer.error_page(
            StatusCode::FORBIDDEN,
            Tr::new(viewer.lang).t("form.not_owner").to_owned(),
        ));
    }
    let applications = apps.map_err(|e| viewer.fail(e))?;
    let mut org_paths: Vec<(String, String)> = Vec::new();
    for a in &applications {
        if !org_paths.iter().any(|(k, _)| k == &a.organisation_id) {
            org_paths.push((
                a.organisation_id.clone(),
                format!("/api/v1/orgs/{}", urlencode(&a.organisation_id)),
            ));
        }
    }
    let orgs = get_all::<OrganisationOut>(&portal, &viewer, org_paths)
        .await
        .answers;
    Ok(render(&OpenCallPage {
        ctx: Ctx::new(&viewer, "my"),
        call,
        applications,
        orgs,
    }))
}

#[derive(Debug, Deserialize)]
struct DecisionForm {
    decision: String,
    version: i64,
}

async fn decide(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, application_id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_org(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let application_id = path_id(&application_id).ok_or_else(|| viewer.not_found())?;
    let path = format!(
        "/api/v1/needs/{}/applications/{}/decision",
        urlencode(&id),
        urlencode(&application_id)
    );
    portal
        .api
        .post::<Application>(
            viewer.caller(),
            &path,
            &json!({ "decision": form.decision, "version": form.version }),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/my/open-calls/{id}"), "updated"))
}

// ---------------------------------------------------------------------------------------------
// Imports.

#[derive(Debug, Default)]
struct UploadForm {
    kind: String,
    mode: String,
}

#[derive(Template)]
#[template(path = "my_imports.html")]
struct ImportsPage {
    ctx: Ctx,
    imports: Vec<ImportOut>,
    pager: Pager,
    form: UploadForm,
    errors: FormErrors,
}

impl ImportsPage {
    fn import_status(&self, status: &str) -> String {
        import_status(&self.ctx.t, status)
    }

    fn import_kind(&self, kind: &str) -> String {
        import_kind(&self.ctx.t, kind)
    }

    /// Templates with headers in the reader's language (zh, else en).
    fn template_href(&self, kind: &str, format: &str) -> String {
        let headers = if self.ctx.lang == crate::i18n::Lang::Zh {
            "zh"
        } else {
            "en"
        };
        format!("/api/v1/imports/template/{kind}?format={format}&headers={headers}")
    }
}

#[derive(Debug, Default, Deserialize)]
struct PageParam {
    page: Option<u64>,
}

async fn imports(
    portal: &Portal,
    viewer: &Viewer,
    page: u64,
    form: UploadForm,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    require_org(viewer)?;
    let all = portal
        .api
        .get::<Vec<ImportOut>>(viewer.caller(), "/api/v1/imports")
        .await
        .map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(
        &viewer.path,
        "page",
        page,
        IMPORTS_PER_PAGE,
        all.len() as u64,
    );
    let imports = page_items(all, &pager, IMPORTS_PER_PAGE);
    let mut resp = render(&ImportsPage {
        ctx: Ctx::new(viewer, "my"),
        imports,
        pager,
        form,
        errors,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

async fn imports_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    let form = UploadForm {
        kind: "achievements".to_owned(),
        mode: "all_or_nothing".to_owned(),
    };
    imports(
        &portal,
        &viewer,
        page_param(q.page),
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// A spreadsheet as the upload form sent it, read once into memory.
struct UploadedFile {
    name: String,
    content_type: Option<String>,
    data: Bytes,
}

/// Why the upload form's body could not be used.
enum UploadError {
    /// Not `multipart/form-data`, or broken.
    Unreadable,
    /// The file is over [`UPLOAD_LIMIT_BYTES`].
    TooLarge,
}

impl From<MultipartError> for UploadError {
    fn from(err: MultipartError) -> Self {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
            UploadError::TooLarge
        } else {
            tracing::info!(error = %err, "import upload: unreadable multipart body");
            UploadError::Unreadable
        }
    }
}

/// One field's bytes, refused past `limit` (before reading more of it).
async fn read_field(field: &mut Field<'_>, limit: usize) -> Result<Bytes, UploadError> {
    let mut data = BytesMut::new();
    while let Some(chunk) = field.chunk().await? {
        if data.len().saturating_add(chunk.len()) > limit {
            return Err(UploadError::TooLarge);
        }
        data.extend_from_slice(&chunk);
    }
    Ok(data.freeze())
}

/// The form's choices and its file (`None` when no file was chosen: browsers then send the
/// file part empty).
async fn read_upload(
    mut multipart: Multipart,
) -> Result<(UploadForm, Option<UploadedFile>), UploadError> {
    let mut form = UploadForm::default();
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "kind" | "mode" => {
                // A word each: anything longer is not this form's.
                let text = read_field(&mut field, UPLOAD_TEXT_LIMIT_BYTES)
                    .await
                    .map_err(|e| match e {
                        UploadError::TooLarge => UploadError::Unreadable,
                        other => other,
                    })?;
                let text = String::from_utf8_lossy(&text).trim().to_owned();
                if name == "kind" {
                    form.kind = text;
                } else {
                    form.mode = text;
                }
            }
            "file" => {
                // Some browsers send a full path; only the name matters.
                let file_name = field
                    .file_name()
                    .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f).to_owned());
                let content_type = field.content_type().map(str::to_owned);
                let data = read_field(&mut field, UPLOAD_LIMIT_BYTES).await?;
                if !data.is_empty() {
                    file = Some(UploadedFile {
                        name: file_name.unwrap_or_else(|| "upload".to_owned()),
                        content_type,
                        data,
                    });
                }
            }
            // Other fields are not this form's; the next call skips what is left of them.
            _ => {}
        }
    }
    Ok((form, file))
}

/// Forwards an uploaded spreadsheet to the API as it came (its bytes, the file's type) and
/// goes on to the import's progress page.
async fn start_import(
    State(portal): State<Portal>,
    viewer: Viewer,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    require_org(&viewer)?;
    let t = Tr::new(viewer.lang);
    let read = match multipart {
        Ok(multipart) => read_upload(multipart).await,
        Err(rejection) => {
            tracing::info!(error = %rejection, "import upload: not a multipart body");
            Err(UploadError::Unreadable)
        }
    };
    let (form, file) = match read {
        Ok(read) => read,
        Err(UploadError::Unreadable) => {
            let errors = FormErrors {
                summary: Some(t.t("my.upload_unreadable").to_owned()),
                ..FormErrors::default()
            };
            return imports(
                &portal,
                &viewer,
                1,
                UploadForm::default(),
                errors,
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
        Err(UploadError::TooLarge) => {
            let errors = FormErrors::field("file", t.t("my.upload_too_large"));
            let errors = FormErrors {
                summary: Some(t.t("common.form_has_errors").to_owned()),
                ..errors
            };
            return imports(
                &portal,
                &viewer,
                1,
                UploadForm::default(),
                errors,
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await;
        }
    };
    let Some(file) = file else {
        let errors = FormErrors::field("file", t.t("my.upload_choose_file"));
        let errors = FormErrors {
            summary: Some(t.t("common.form_has_errors").to_owned()),
            ..errors
        };
        return imports(
            &portal,
            &viewer,
            1,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let lower = file.name.to_ascii_lowercase();
    let file_type = if lower.ends_with(".csv") {
        "text/csv".to_owned()
    } else if lower.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()
    } else {
        file.content_type
            .unwrap_or_else(|| "application/octet-stream".to_owned())
    };
    let path = with_query(
        "/api/v1/imports",
        &[
            ("kind", form.kind.clone()),
            ("mode", form.mode.clone()),
            ("file_name", file.name),
        ],
    );
    // `Body::from(Bytes)` hands the same buffer on: the file is not copied again.
    let sent = portal
        .api
        .send(
            viewer.caller(),
            Method::POST,
            &path,
            Body::from(file.data),
            Some(&file_type),
        )
        .await;
    match sent {
        Ok(raw) => match serde_json::from_slice::<ImportOut>(&raw.body) {
            Ok(import) => Ok(done(&format!("/my/imports/{}", import.id), "imported")),
            Err(e) => Err(viewer.fail(ApiError::Transport(format!(
                "unreadable import answer: {e}"
            )))),
        },
        Err(ApiError::Problem(p)) if matches!(p.status, 400 | 413 | 415 | 422) => {
            let mut errors = FormErrors::from_problem(&p);
            if matches!(p.status, 413 | 415) {
                errors.fields.insert("file".to_owned(), p.detail.clone());
            }
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            imports(&portal, &viewer, 1, form, errors, status).await
        }
        Err(err) => Err(viewer.fail(err)),
    }
}

#[derive(Template)]
#[template(path = "my_import.html")]
struct ImportPage {
    ctx: Ctx,
    import: ImportOut,
    errors: Vec<RowError>,
    pager: Pager,
}

impl ImportPage {
    fn heading(&self) -> String {
        self.ctx
            .t
            .f("my.import_heading", &[("file", &self.import.file_name)])
    }

    fn status(&self) -> String {
        import_status(&self.ctx.t, &self.import.status)
    }

    fn kind(&self) -> String {
        import_kind(&self.ctx.t, &self.import.kind)
    }

    fn mode(&self) -> &'static str {
        if self.import.mode == "valid_rows_only" {
            self.ctx.t.t("my.mode_valid_rows_only")
        } else {
            self.ctx.t.t("my.mode_all_or_nothing")
        }
    }

    fn progress_text(&self) -> String {
        self.ctx.t.f(
            "my.import_progress",
            &[
                ("done", &self.import.processed_rows.to_string()),
                ("total", &self.import.total_rows.to_string()),
            ],
        )
    }

    fn outcome_text(&self) -> String {
        self.ctx.t.f(
            "my.import_outcome",
            &[
                ("created", &self.import.created_count.to_string()),
                ("errors", &self.import.error_count.to_string()),
            ],
        )
    }

    fn errors_heading(&self) -> String {
        self.ctx.t.f(
            "my.row_errors_heading",
            &[("count", &self.import.errors.len().to_string())],
        )
    }
}

async fn import_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_org(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let path = format!("/api/v1/imports/{}", urlencode(&id));
    let import = portal
        .api
        .get::<ImportOut>(viewer.caller(), &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(
        &viewer.path,
        "page",
        page_param(q.page),
        ROW_ERRORS_PER_PAGE,
        import.errors.len() as u64,
    );
    let errors = page_items(import.errors.iter().cloned(), &pager, ROW_ERRORS_PER_PAGE);
    Ok(render(&ImportPage {
        ctx: Ctx::new(&viewer, "my"),
        import,
        errors,
        pager,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn ctx() -> Ctx {
        Ctx {
            t: Tr::new(Lang::En),
            lang: Lang::En,
            me: None,
            path: "/my".to_owned(),
            flash: None,
            section: "my",
        }
    }

    fn row(matches_failed: bool, applications_failed: bool) -> Row {
        Row {
            id: "0192c6a0-0000-7000-8000-000000000001".to_owned(),
            kind: Kind::OpenCall,
            title: "Sugarcane harvester open call".to_owned(),
            status: ListingStatus::Published.as_str().to_owned(),
            updated_at: "2026-11-01T00:00:00Z".to_owned(),
            matches: None,
            matches_failed,
            applications: None,
            applications_failed,
            completeness: None,
        }
    }

    fn overview(failed: bool) -> OverviewPage {
        OverviewPage {
            ctx: ctx(),
            org: OrganisationOut {
                id: wire::ids::OrganisationId::new(),
                name: "桂江大学".to_owned(),
                name_en: Some("Guijiang University".to_owned()),
                kind: wire::OrgKind::University.as_str().to_owned(),
                country: "CN".to_owned(),
                region_code: "450300".to_owned(),
                credit_code: None,
                state_funded: true,
                website: None,
                description: None,
                verification_status: wire::VerificationStatus::Verified.as_str().to_owned(),
                verification_note: None,
                version: 1,
                created_at: chrono::DateTime::default(),
            },
            posts_achievements: false,
            posts_needs: true,
            achievements: Vec::new(),
            needs: vec![row(failed, failed)],
            a_pager: Pager::new("/my", "a_page", 1, LISTINGS_PER_PAGE, 0),
            n_pager: Pager::new("/my", "n_page", 1, LISTINGS_PER_PAGE, 1),
            a_total: 0,
            n_total: 1,
            feedback: Vec::new(),
            feedback_failed: failed,
            imports: Vec::new(),
            imports_failed: failed,
            member_count: (!failed).then_some(0),
        }
    }

    #[test]
    fn panels_that_could_not_be_read_say_so_instead_of_showing_nothing() {
        let html = overview(true).render().expect("renders");
        for notice in [
            "my.matches_failed",
            "my.applications_failed",
            "my.members_failed",
            "my.feedback_failed",
            "my.imports_failed",
        ] {
            assert!(
                html.contains(Tr::new(Lang::En).t(notice)),
                "{notice}: {html}"
            );
        }
        for empty in ["my.no_feedback", "my.no_imports"] {
            assert!(
                !html.contains(Tr::new(Lang::En).t(empty)),
                "{empty} is not claimed: {html}"
            );
        }
        assert!(!html.contains("Members (0)"), "no made-up member count");

        let html = overview(false).render().expect("renders");
        assert!(
            html.contains(Tr::new(Lang::En).t("my.no_feedback")) && html.contains("Members (0)")
        );
        assert!(!html.contains(Tr::new(Lang::En).t("my.feedback_failed")));
    }

    #[test]
    fn a_page_past_the_end_is_the_last_page() {
        let pager = Pager::new("/my/imports", "page", u64::MAX, 20, 45);
        assert_eq!(page_items(0..45, &pager, 20), (40..45).collect::<Vec<_>>());
        let pager = Pager::new("/my/imports", "page", 2, 20, 45);
        assert_eq!(page_items(0..45, &pager, 20), (20..40).collect::<Vec<_>>());
        assert!(page_items(
            Vec::<u8>::new(),
            &Pager::new("/x", "page", u64::MAX, 20, 0),
            20
        )
        .is_empty());
    }
}
