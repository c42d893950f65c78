//! Applying to another organisation's open call (揭榜).

use super::*;

/// One of our published achievements, as the apply form's select offers it.
#[derive(Debug, Clone)]
pub(super) struct AchievementBrief {
    pub(super) id: String,
    pub(super) title: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ApplyForm {
    #[serde(default)]
    pub(super) achievement_id: String,
    #[serde(default)]
    pub(super) proposal: String,
}

#[derive(Template)]
#[template(path = "form_apply.html")]
pub(super) struct ApplyPage {
    pub(super) ctx: Ctx,
    pub(super) call: NeedOut,
    pub(super) achievements: Vec<AchievementBrief>,
    /// Our published achievements could not be read (the select offers none until a reload).
    pub(super) achievements_failed: bool,
    /// Our organisation's application, when it has applied already.
    pub(super) existing: Option<ApplicationOut>,
    pub(super) form: ApplyForm,
    pub(super) errors: FormErrors,
    /// Why this organisation cannot apply (its own call, not open…).
    pub(super) blocked: Option<String>,
}

impl ApplyPage {
    pub(super) fn heading(&self) -> String {
        self.ctx
            .t
            .f("form.apply_heading", &[("title", &self.call.title)])
    }

    pub(super) fn call_href(&self) -> String {
        Kind::OpenCall.view_href(&self.call.id.to_string())
    }

    pub(super) fn bounty(&self) -> String {
        self.call
            .bounty
            .as_ref()
            .map(|b| self.ctx.t.money(b.minor_units, &b.currency))
            .unwrap_or_default()
    }

    pub(super) fn deadline(&self) -> String {
        self.ctx.t.opt_date(&self.call.deadline)
    }

    pub(super) fn application_status(&self, status: &ApplicationStatus) -> String {
        self.ctx
            .t
            .t(&format!("form.application_{status}"))
            .to_owned()
    }

    pub(super) fn achievement_title(&self, id: &Option<Uuid>) -> String {
        let Some(id) = id.map(|id| id.to_string()) else {
            return String::new();
        };
        self.achievements
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.title.clone())
            .unwrap_or(id)
    }
}

/// The application form: read the call, our application and our achievements at once, say
/// why we may not apply (if so), and show the form.
pub(super) async fn apply_page(
    portal: &Portal,
    viewer: &Viewer,
    id: &str,
    form: ApplyForm,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    require_member(viewer)?;
    let id = path_id(id).ok_or_else(|| viewer.not_found())?;
    let (call, apps, achievements) = read_call(portal, viewer, &id).await;
    let call = call.map_err(|e| viewer.fail(e))?;
    if call.kind != NeedKind::OpenCall {
        return Err(viewer.not_found());
    }
    let mine = viewer.organisation_id().map(|o| o.0);
    // Without our application the page would offer to apply again: no answer, no page.
    let existing = apps
        .map_err(|e| viewer.fail(e))?
        .into_iter()
        .find(|a| Some(a.organisation_id) == mine);
    let blocked = why_blocked(&call, mine, &Tr::new(viewer.lang));
    let (achievements, achievements_failed) = achievement_choices(achievements);
    let mut resp = render(&ApplyPage {
        ctx: Ctx::new(viewer, "listing"),
        call,
        achievements,
        achievements_failed,
        existing,
        form,
        errors,
        blocked,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

/// The call, its applications and our published achievements, read at once.
async fn read_call(
    portal: &Portal,
    viewer: &Viewer,
    id: &str,
) -> (
    Result<NeedOut, ApiError>,
    Result<Vec<ApplicationOut>, ApiError>,
    Result<Page<AchievementOut>, ApiError>,
) {
    let caller = viewer.caller();
    let id_enc = crate::api::urlencode(id);
    let ach_path = with_query(
        "/api/v1/achievements",
        &[
            ("mine", "true".to_owned()),
            ("status", ListingStatus::Published.as_str().to_owned()),
            ("per_page", "100".to_owned()),
            ("lang", viewer.lang.code().to_owned()),
        ],
    );
    let call_path = format!("/api/v1/needs/{id_enc}?lang={}", viewer.lang.code());
    let apps_path = format!("/api/v1/needs/{id_enc}/applications");
    tokio::join!(
        portal.api.get::<NeedOut>(caller, &call_path),
        portal.api.get::<Vec<ApplicationOut>>(caller, &apps_path),
        portal.api.get::<Page<AchievementOut>>(caller, &ach_path),
    )
}

/// Why our organisation cannot apply to `call`, if it cannot.
fn why_blocked(call: &NeedOut, mine: Option<Uuid>, t: &Tr) -> Option<String> {
    if Some(call.organisation_id) == mine {
        Some(t.t("form.apply_own_call").to_owned())
    } else if call.status != ListingStatus::Published {
        Some(t.t("form.apply_not_open").to_owned())
    } else {
        None
    }
}

/// The select's achievements, and whether they could not be read (the page says so).
fn achievement_choices(
    read: Result<Page<AchievementOut>, ApiError>,
) -> (Vec<AchievementBrief>, bool) {
    match read {
        Ok(page) => (
            page.items
                .into_iter()
                .map(|a| AchievementBrief {
                    id: a.id.to_string(),
                    title: a.title,
                })
                .collect(),
            false,
        ),
        Err(err) => {
            tracing::warn!(error = %err, "apply form: our achievements could not be read");
            (Vec::new(), true)
        }
    }
}

pub(super) async fn apply_form(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    apply_page(
        &portal,
        &viewer,
        &id,
        ApplyForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn apply(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<ApplyForm>,
) -> PageResult {
    require_member(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = json!({
        "achievement_id": typed(&form.achievement_id),
        "proposal": form.proposal.trim(),
    });
    let path = format!("/api/v1/needs/{}/applications", crate::api::urlencode(&id));
    match portal
        .api
        .post::<ApplicationOut>(viewer.caller(), &path, &body)
        .await
    {
        Ok(_) => Ok(done(&format!("/open-calls/{id}/apply"), "saved")),
        Err(ApiError::Problem(p)) if matches!(p.status, 409 | 422) => {
            let errors = FormErrors::from_problem(&p);
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            apply_page(&portal, &viewer, &id, form, errors, status).await
        }
        Err(err) => Err(viewer.fail(err)),
    }
}
