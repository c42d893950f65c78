//! The overview: the organisation, its listings in every status with their matches and
//! applications, and the feedback received.

use askama::Template;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::{
    get_all, import_kind, import_status, panel, require_org, ApplicationOut, ImportOut, ImportView,
    LISTINGS_PER_PAGE,
};
use crate::api::{urlencode, with_query, ApiError};
use crate::page::{render, Ctx, PageResult};
use crate::pages::listing_form::{status_class, Kind};
use crate::pages::{page_param, Pager};
use crate::session::Viewer;
use crate::Portal;
use wire::accounts::{OrganisationOut, UserOut};
use wire::listing::{AchievementOut, NeedOut};
use wire::matching::{MatchOut, NotificationOut};
use wire::Page;
use wire::{ImportKind, ImportStatus};
use wire::{ListingStatus, MatchSideStatus, NeedKind, VerificationStatus};

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
pub(super) struct OverviewPage {
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

    fn import_status(&self, status: &ImportStatus) -> String {
        import_status(&self.ctx.t, *status)
    }

    fn import_kind(&self, kind: &ImportKind) -> String {
        import_kind(&self.ctx.t, *kind)
    }
}

/// Highest page number sent to the API: far past any real list, and small enough that the
/// API's offset (page × per page) cannot overflow.
pub(super) const MAX_API_PAGE: u64 = u32::MAX as u64;

/// One page of my organisation's listings in `collection`. A page past the end (an old link,
/// a typed `?a_page=`) is read again as the last page, as the pager shows it.
pub(super) async fn my_listings<T: serde::de::DeserializeOwned>(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    page: u64,
) -> Result<Page<T>, ApiError> {
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
        async move { portal.api.get::<Page<T>>(viewer.caller(), &path).await }
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

/// An achievement's row, before its matches are added.
fn achievement_row(a: AchievementOut) -> Row {
    Row {
        id: a.id.to_string(),
        kind: Kind::Achievement,
        title: a.title,
        status: a.status.as_str().to_owned(),
        updated_at: a.updated_at.to_rfc3339(),
        matches: None,
        matches_failed: false,
        applications: None,
        applications_failed: false,
        completeness: None,
    }
}

/// A need's (or open call's) row, before its matches and applications are added.
fn need_row(n: NeedOut) -> Row {
    Row {
        id: n.id.to_string(),
        kind: if n.kind == NeedKind::OpenCall {
            Kind::OpenCall
        } else {
            Kind::Need
        },
        title: n.title,
        status: n.status.as_str().to_owned(),
        updated_at: n.updated_at.to_rfc3339(),
        matches: None,
        matches_failed: false,
        applications: None,
        applications_failed: false,
        completeness: Some(i64::from(n.completeness.score)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct OverviewParams {
    a_page: Option<u64>,
    n_page: Option<u64>,
}

pub(super) async fn overview(
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
        my_listings::<AchievementOut>(&portal, &viewer, "achievements", page_param(q.a_page)),
        my_listings::<NeedOut>(&portal, &viewer, "needs", page_param(q.n_page)),
        portal.api.get::<Vec<UserOut>>(caller, &members_path),
        portal.api.get::<Vec<ImportOut>>(caller, "/api/v1/imports"),
        portal
            .api
            .get::<Vec<NotificationOut>>(caller, "/api/v1/notifications?limit=200"),
    );
    let org = org.map_err(|e| viewer.fail(e))?;
    let achievements = achievements.map_err(|e| viewer.fail(e))?;
    let needs = needs.map_err(|e| viewer.fail(e))?;
    let achievement_rows: Vec<Row> = achievements
        .items
        .into_iter()
        .map(achievement_row)
        .collect();
    let need_rows: Vec<Row> = needs.items.into_iter().map(need_row).collect();
    let (imports, imports_failed) = panel(imports, "imports");
    let (members, members_failed) = panel(members, "members");
    let member_count = (!members_failed).then_some(members.len());

    // Matches of published listings and applications to published or closed open calls.
    let mut detail_paths = Vec::new();
    for a in achievement_rows
        .iter()
        .filter(|a| a.status == ListingStatus::Published.as_str())
    {
        detail_paths.push((
            format!("a:{}", a.id),
            format!("/api/v1/achievements/{}/matches", urlencode(&a.id)),
        ));
    }
    for n in need_rows
        .iter()
        .filter(|n| n.status == ListingStatus::Published.as_str())
    {
        detail_paths.push((
            format!("n:{}", n.id),
            format!("/api/v1/needs/{}/matches", urlencode(&n.id)),
        ));
    }
    let app_paths: Vec<(String, String)> = need_rows
        .iter()
        .filter(|n| {
            n.kind == Kind::OpenCall
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
        get_all::<Vec<MatchOut>>(&portal, &viewer, detail_paths),
        get_all::<Vec<ApplicationOut>>(&portal, &viewer, app_paths),
    );
    // What happened to each listing: its matches, and an open call's applications.
    let rows = |rows: Vec<Row>, achievement: bool| -> Vec<Row> {
        rows.into_iter()
            .map(|row| {
                let key = format!("{}:{}", if achievement { "a" } else { "n" }, row.id);
                let matches_failed = matches.failed.contains(&key);
                let matches = matches.answers.get(&key).map(|ms| {
                    let new = ms
                        .iter()
                        .filter(|m| {
                            if achievement {
                                m.achievement_side_status == MatchSideStatus::New
                            } else {
                                m.need_side_status == MatchSideStatus::New
                            }
                        })
                        .count();
                    (ms.len(), new)
                });
                Row {
                    applications: apps.answers.get(&row.id).map(Vec::len),
                    applications_failed: apps.failed.contains(&row.id),
                    matches_failed,
                    matches,
                    ..row
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
        .filter(|n| n.kind == wire::NotificationKind::MatchFeedback.as_str())
        .take(10)
        .map(|n| Feedback {
            good: n.payload.get("verdict").and_then(|v| v.as_str())
                == Some(wire::Verdict::Good.as_str()),
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
        achievements: rows(achievement_rows, true),
        needs: rows(need_rows, false),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Tr};

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
}
