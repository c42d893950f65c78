//! The organisation's income distribution: its rule (admins set it), the statement (all lines
//! for admins, an inventor's own lines for everyone else — the API decides), CSV/XLSX exports
//! and the annual 成果转化 report.

use askama::Template;
use axum::extract::{Query, State};
use axum::Form;
use chrono::Datelike;
use http::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::{with_query, ApiError};
use crate::page::{done, render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::tto::{DistributionLineOut, DistributionRuleOut, StatementOut};
use wire::OrgRole;

#[derive(Template)]
#[template(path = "tto_distribution.html")]
struct DistributionPage {
    ctx: Ctx,
    admin: bool,
    rule: Option<DistributionRuleOut>,
    statement: StatementOut,
    year: i32,
}

impl DistributionPage {
    fn bp(&self, pick: fn(&DistributionRuleOut) -> i32) -> String {
        self.rule
            .as_ref()
            .map(|r| pick(r).to_string())
            .unwrap_or_default()
    }

    fn inventors_bp(&self) -> String {
        self.bp(|r| r.inventors_bp)
    }
    fn college_bp(&self) -> String {
        self.bp(|r| r.college_bp)
    }
    fn transfer_office_bp(&self) -> String {
        self.bp(|r| r.transfer_office_bp)
    }
    fn university_bp(&self) -> String {
        self.bp(|r| r.university_bp)
    }
    fn broker_bp(&self) -> String {
        self.bp(|r| r.broker_bp)
    }
    fn version(&self) -> String {
        self.rule
            .as_ref()
            .map(|r| r.version.to_string())
            .unwrap_or_default()
    }

    fn recipient(&self, l: &DistributionLineOut) -> String {
        let word = super::word(&self.ctx.t, "recipient", l.recipient.as_str());
        match &l.inventor_name {
            Some(n) => format!("{word} · {n}"),
            None => word,
        }
    }

    fn share(&self, l: &DistributionLineOut) -> String {
        super::percent(l.share_bp)
    }

    fn amount(&self, l: &DistributionLineOut) -> String {
        crate::money::exact(&self.ctx.t, l.amount_minor, &l.currency)
    }

    fn totals(&self) -> Vec<String> {
        self.statement
            .totals_minor
            .iter()
            .map(|(cur, v)| crate::money::exact(&self.ctx.t, *v, cur))
            .collect()
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct YearQuery {
    year: Option<i32>,
    format: Option<String>,
}

pub(super) async fn page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let me = viewer.require_login()?;
    let admin = me.org_role == Some(OrgRole::Admin);
    let year = q.year.unwrap_or_else(|| chrono::Utc::now().year());
    let caller = viewer.caller();
    let statement_path = with_query(
        "/api/v1/distribution/statement",
        &[("year", year.to_string())],
    );
    let (rule, statement) = tokio::join!(
        portal
            .api
            .get::<DistributionRuleOut>(caller, "/api/v1/distribution/rule"),
        portal.api.get::<StatementOut>(caller, &statement_path),
    );
    let rule = match rule {
        Ok(r) => Some(r),
        // No rule yet, or no organisation: the form starts empty.
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 404) => None,
        Err(e) => return Err(viewer.fail(e)),
    };
    Ok(render(&DistributionPage {
        ctx: Ctx::new(&viewer, "my"),
        admin,
        rule,
        statement: statement.map_err(|e| viewer.fail(e))?,
        year,
    }))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RuleForm {
    #[serde(default)]
    inventors_bp: String,
    #[serde(default)]
    college_bp: String,
    #[serde(default)]
    transfer_office_bp: String,
    #[serde(default)]
    university_bp: String,
    #[serde(default)]
    broker_bp: String,
    #[serde(default)]
    version: String,
}

/// A number as typed; unreadable text goes through as text so the API names the field.
fn number(text: &str) -> Value {
    let t = text.trim();
    t.parse::<i64>().map_or_else(|_| json!(t), |n| json!(n))
}

pub(super) async fn save_rule(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<RuleForm>,
) -> PageResult {
    viewer.require_login()?;
    let body = json!({
        "inventors_bp": number(&form.inventors_bp),
        "college_bp": number(&form.college_bp),
        "transfer_office_bp": number(&form.transfer_office_bp),
        "university_bp": number(&form.university_bp),
        "broker_bp": number(&form.broker_bp),
        "version": form.version.trim().parse::<i32>().ok(),
    });
    portal
        .api
        .json::<Value>(
            viewer.caller(),
            Method::PUT,
            "/api/v1/distribution/rule",
            &body,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/my/distribution", "saved"))
}

pub(super) async fn export(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<YearQuery>,
) -> PageResult {
    viewer.require_login()?;
    let format = match q.format.as_deref() {
        Some("xlsx") => "xlsx",
        _ => "csv",
    };
    let mut pairs = vec![("format", format.to_owned())];
    if let Some(y) = q.year {
        pairs.push(("year", y.to_string()));
    }
    super::pass_file(
        &portal,
        &viewer,
        &with_query("/api/v1/distribution/statement", &pairs),
    )
    .await
}

pub(super) async fn report(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<YearQuery>,
) -> PageResult {
    viewer.require_login()?;
    let year = q.year.unwrap_or_else(|| chrono::Utc::now().year());
    super::pass_file(
        &portal,
        &viewer,
        &with_query("/api/v1/distribution/report", &[("year", year.to_string())]),
    )
    .await
}
