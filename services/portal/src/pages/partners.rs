//! Issue 16's pages: the countries served and partner groups (`/console/countries`), broker
//! training (`/console/training`), the turnover by partner group (`/dashboard/partners`), and
//! an organisation's consents to broker agencies (`/my/agencies`). Every figure and rule comes
//! from the API; these pages only show and submit.

use askama::Template;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::console::{require_operator, tabs, Tab};
use super::path_id;
use crate::api::{urlencode, ApiError};
use crate::page::{done, render, Ctx, FormErrors, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::deal::BrokerOut;
use wire::partners::{AgencyConsentOut, PartnerGroupsOut, ServedCountry};
use wire::training::{ClassOut, CourseOut};
use wire::{AgencyScope, OrgRole, Page, PartnerGroup};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/console/countries", get(countries).post(add_country))
        .route("/console/training", get(training))
        .route("/console/training/courses", post(add_course))
        .route("/console/training/classes", post(add_class))
        .route("/console/training/attendance", post(record_attendance))
        .route("/console/training/certificates", post(issue_certificate))
        .route("/dashboard/partners", get(partner_groups))
        .route("/my/agencies", get(agencies).post(grant))
        .route("/my/agencies/{id}/withdraw", post(withdraw))
}

/// The words of a partner group in the reader's language.
fn group_label(t: crate::i18n::Tr, g: PartnerGroup) -> &'static str {
    t.t(&format!("partners.group.{}", g.as_str()))
}

// ---------------------------------------------------------------------------------------------
// Countries served.

#[derive(Debug, Default, Deserialize)]
struct CountryForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    partner_group: String,
    #[serde(default)]
    name_zh: String,
    #[serde(default)]
    name_en: String,
}

#[derive(Template)]
#[template(path = "console_countries.html")]
struct CountriesPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    countries: Vec<ServedCountry>,
    form: CountryForm,
    errors: FormErrors,
    refusal: super::console::Refusal,
}

impl CountriesPage {
    fn group(&self, g: &PartnerGroup) -> &'static str {
        group_label(self.ctx.t, *g)
    }

    /// The groups an operator may file a country under.
    fn assignable(&self) -> Vec<(&'static str, &'static str)> {
        PartnerGroup::ALL
            .iter()
            .filter(|g| g.operator_may_assign())
            .map(|g| (g.as_str(), group_label(self.ctx.t, *g)))
            .collect()
    }
}

async fn countries(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    require_operator(&viewer)?;
    countries_page(
        &portal,
        &viewer,
        CountryForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn countries_page(
    portal: &Portal,
    viewer: &Viewer,
    form: CountryForm,
    errors: FormErrors,
) -> PageResult {
    let t = crate::i18n::Tr::new(viewer.lang);
    let (list, tabs) = tokio::join!(
        portal
            .api
            .get::<Vec<ServedCountry>>(viewer.caller(), "/api/v1/taxonomies/countries"),
        tabs(&portal.api, viewer.caller(), t, "countries"),
    );
    let countries = list.map_err(|e| viewer.fail(e))?;
    Ok(render(&CountriesPage {
        ctx: Ctx::new(viewer, "console"),
        tabs,
        countries,
        form,
        errors,
        refusal: Default::default(),
    }))
}

async fn add_country(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<CountryForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let body = json!({
        "code": form.code.trim().to_ascii_uppercase(),
        "partner_group": form.partner_group,
        "name_zh": form.name_zh.trim(),
        "name_en": form.name_en.trim(),
    });
    match portal
        .api
        .post::<ServedCountry>(viewer.caller(), "/api/v1/taxonomies/countries", &body)
        .await
    {
        Ok(_) => Ok(done("/console/countries", "saved")),
        Err(ApiError::Problem(p)) if matches!(p.status, 409 | 422) => {
            refused(countries_page(&portal, &viewer, form, FormErrors::from_problem(&p)).await)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

/// A form the API refused, shown again with its errors.
fn refused(page: PageResult) -> PageResult {
    let mut resp = page?;
    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}

// ---------------------------------------------------------------------------------------------
// Broker training.

#[derive(Debug, Default, Deserialize)]
struct TrainingForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    course_id: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    class_id: String,
    #[serde(default)]
    broker_id: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    issuer: String,
}

#[derive(Template)]
#[template(path = "console_training.html")]
struct TrainingPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    courses: Vec<CourseOut>,
    classes: Vec<ClassOut>,
    brokers: Vec<BrokerOut>,
    trained: u64,
    form: TrainingForm,
    errors: FormErrors,
    refusal: super::console::Refusal,
}

async fn training(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    require_operator(&viewer)?;
    training_page(
        &portal,
        &viewer,
        TrainingForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn training_page(
    portal: &Portal,
    viewer: &Viewer,
    form: TrainingForm,
    errors: FormErrors,
) -> PageResult {
    let t = crate::i18n::Tr::new(viewer.lang);
    let caller = viewer.caller();
    let (courses, brokers, kpis, tabs) = tokio::join!(
        portal
            .api
            .get::<Vec<CourseOut>>(caller, "/api/v1/brokers/training/courses"),
        portal
            .api
            .get::<Page<BrokerOut>>(caller, "/api/v1/brokers?status=verified&per_page=100"),
        portal
            .api
            .get::<wire::stats::Kpis>(caller, "/api/v1/stats/kpis"),
        tabs(&portal.api, caller, t, "training"),
    );
    let courses = courses.map_err(|e| viewer.fail(e))?;
    let brokers = brokers.map_err(|e| viewer.fail(e))?.items;
    let trained = kpis.map_err(|e| viewer.fail(e))?.brokers_trained;
    let mut classes = Vec::new();
    for c in &courses {
        let path = format!("/api/v1/brokers/training/courses/{}/classes", c.id);
        classes.extend(
            portal
                .api
                .get::<Vec<ClassOut>>(caller, &path)
                .await
                .map_err(|e| viewer.fail(e))?,
        );
    }
    Ok(render(&TrainingPage {
        ctx: Ctx::new(viewer, "console"),
        tabs,
        courses,
        classes,
        brokers,
        trained,
        form,
        errors,
        refusal: Default::default(),
    }))
}

/// Posts one of the training forms and shows the page again with the API's field errors.
async fn submit_training(
    portal: &Portal,
    viewer: &Viewer,
    path: &str,
    body: serde_json::Value,
    form: TrainingForm,
) -> PageResult {
    require_operator(viewer)?;
    match portal
        .api
        .post::<serde_json::Value>(viewer.caller(), path, &body)
        .await
    {
        Ok(_) => Ok(done("/console/training", "saved")),
        Err(ApiError::Problem(p)) if matches!(p.status, 400 | 404 | 409 | 422) => {
            refused(training_page(portal, viewer, form, FormErrors::from_problem(&p)).await)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

/// A whole number typed in a form, or the text itself (the API then names the field).
fn number(raw: &str) -> serde_json::Value {
    raw.trim()
        .parse::<i64>()
        .map(serde_json::Value::from)
        .unwrap_or_else(|_| serde_json::Value::from(raw.trim()))
}

async fn add_course(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<TrainingForm>,
) -> PageResult {
    let body = json!({"title": form.title.trim(), "provider": form.provider.trim(), "hours": number(&form.hours)});
    submit_training(
        &portal,
        &viewer,
        "/api/v1/brokers/training/courses",
        body,
        form,
    )
    .await
}

async fn add_class(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<TrainingForm>,
) -> PageResult {
    let Some(course) = path_id(&form.course_id) else {
        return Err(viewer.not_found());
    };
    let body = json!({"starts_on": form.starts_on.trim(), "ends_on": form.ends_on.trim(), "place": form.place.trim()});
    let path = format!("/api/v1/brokers/training/courses/{course}/classes");
    submit_training(&portal, &viewer, &path, body, form).await
}

async fn record_attendance(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<TrainingForm>,
) -> PageResult {
    let Some(class) = path_id(&form.class_id) else {
        return Err(viewer.not_found());
    };
    let body = json!({"broker_id": form.broker_id.trim(), "hours": number(&form.hours)});
    let path = format!("/api/v1/brokers/training/classes/{class}/attendance");
    submit_training(&portal, &viewer, &path, body, form).await
}

async fn issue_certificate(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<TrainingForm>,
) -> PageResult {
    let Some(broker) = path_id(&form.broker_id) else {
        return Err(viewer.not_found());
    };
    let course = path_id(&form.course_id);
    let body = json!({"number": form.number.trim(), "issued_on": form.issued_on.trim(), "issuer": form.issuer.trim(), "course_id": course});
    let path = format!("/api/v1/brokers/{broker}/certificates");
    submit_training(&portal, &viewer, &path, body, form).await
}

// ---------------------------------------------------------------------------------------------
// Turnover by partner group (public).

#[derive(Template)]
#[template(path = "dashboard_partners.html")]
struct PartnerGroupsPage {
    ctx: Ctx,
    out: PartnerGroupsOut,
}

impl PartnerGroupsPage {
    fn group(&self, g: &PartnerGroup) -> &'static str {
        group_label(self.ctx.t, *g)
    }

    fn cny(&self, fen: &i64) -> String {
        self.ctx.t.cny(*fen)
    }
}

async fn partner_groups(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    let out = portal
        .api
        .get::<PartnerGroupsOut>(viewer.caller(), "/api/v1/stats/partner-groups")
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(render(&PartnerGroupsPage {
        ctx: Ctx::new(&viewer, "dashboard"),
        out,
    }))
}

// ---------------------------------------------------------------------------------------------
// Consents to agencies.

#[derive(Debug, Default, Deserialize)]
struct GrantForm {
    #[serde(default)]
    agency_organisation_id: String,
    #[serde(default)]
    scope: String,
}

#[derive(Template)]
#[template(path = "my_agencies.html")]
struct AgenciesPage {
    ctx: Ctx,
    org_id: String,
    consents: Vec<AgencyConsentOut>,
    admin: bool,
    form: GrantForm,
    errors: FormErrors,
}

impl AgenciesPage {
    fn scope(&self, s: &AgencyScope) -> &'static str {
        self.ctx.t.t(&format!("partners.scope.{}", s.as_str()))
    }

    fn scopes(&self) -> Vec<(&'static str, &'static str)> {
        AgencyScope::ALL
            .iter()
            .map(|s| (s.as_str(), self.scope(s)))
            .collect()
    }

    /// Whether this organisation is the client of `c` (it may withdraw it).
    fn is_client(&self, c: &AgencyConsentOut) -> bool {
        c.client_organisation_id.to_string() == self.org_id
    }
}

fn member_org(viewer: &Viewer) -> Result<(String, bool), crate::page::PageError> {
    let me = viewer.require_login()?;
    let org = me.organisation_id.ok_or_else(|| {
        viewer.error_page(
            StatusCode::FORBIDDEN,
            crate::i18n::Tr::new(viewer.lang)
                .t("my.no_organisation")
                .to_owned(),
        )
    })?;
    Ok((org.to_string(), me.org_role == Some(OrgRole::Admin)))
}

async fn agencies(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    agencies_page(
        &portal,
        &viewer,
        GrantForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn agencies_page(
    portal: &Portal,
    viewer: &Viewer,
    form: GrantForm,
    errors: FormErrors,
) -> PageResult {
    let (org_id, admin) = member_org(viewer)?;
    let path = format!("/api/v1/orgs/{}/agency-consents", urlencode(&org_id));
    let consents = portal
        .api
        .get::<Vec<AgencyConsentOut>>(viewer.caller(), &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(render(&AgenciesPage {
        ctx: Ctx::new(viewer, "my"),
        org_id,
        consents,
        admin,
        form,
        errors,
    }))
}

async fn grant(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<GrantForm>,
) -> PageResult {
    let (org_id, _) = member_org(&viewer)?;
    let path = format!("/api/v1/orgs/{}/agency-consents", urlencode(&org_id));
    let body =
        json!({"agency_organisation_id": form.agency_organisation_id.trim(), "scope": form.scope});
    match portal
        .api
        .post::<AgencyConsentOut>(viewer.caller(), &path, &body)
        .await
    {
        Ok(_) => Ok(done("/my/agencies", "saved")),
        Err(ApiError::Problem(p)) if matches!(p.status, 400 | 403 | 409 | 422) => {
            refused(agencies_page(&portal, &viewer, form, FormErrors::from_problem(&p)).await)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

async fn withdraw(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let (org_id, _) = member_org(&viewer)?;
    let Some(id) = path_id(&id) else {
        return Err(viewer.not_found());
    };
    let path = format!(
        "/api/v1/orgs/{}/agency-consents/{id}/withdraw",
        urlencode(&org_id)
    );
    portal
        .api
        .post::<AgencyConsentOut>(viewer.caller(), &path, &json!({}))
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/my/agencies", "saved"))
}
