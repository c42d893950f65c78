//! What achievements and needs have in common: the status machine, validation of the shared
//! fields, who may see a listing, versioned state transitions, translations and the choice of
//! language for a reader.

use chrono::{NaiveDate, Utc};
use platform::auth::AuthUser;
use platform::city_scope::OperatorScope;
use platform::entity::{achievements, needs, organisations};
use platform::error::{ApiError, ApiResult, Validator};
use platform::money::Currency;
use platform::taxonomy;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{Condition, ConnectionTrait, EntityTrait, Value};
use serde::Deserialize;
use uuid::Uuid;

pub use search::ListingKind;

/// Longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest summary, in characters.
pub const SUMMARY_MAX: usize = 1000;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 20_000;
/// Most keywords a listing may carry.
pub const KEYWORDS_MAX: usize = 20;

pub use wire::ListingStatus;

pub fn table(kind: ListingKind) -> &'static str {
    match kind {
        ListingKind::Achievement => "achievements",
        ListingKind::Need => "needs",
    }
}

/// The fields both kinds share, as stored: enough to decide visibility and transitions.
#[derive(Debug, Clone)]
pub struct Header {
    pub kind: ListingKind,
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// The broker agency that posted it for its client (the owner), if any.
    pub posted_by_organisation_id: Option<Uuid>,
    pub status: ListingStatus,
    pub version: i32,
    pub valid_until: Option<NaiveDate>,
    pub original_language: String,
}

impl From<&achievements::Model> for Header {
    fn from(m: &achievements::Model) -> Self {
        Header {
            kind: ListingKind::Achievement,
            id: m.id,
            organisation_id: m.organisation_id,
            posted_by_organisation_id: m.posted_by_organisation_id,
            status: ListingStatus::parse(&m.status).unwrap_or(ListingStatus::Draft),
            version: m.version,
            valid_until: m.valid_until,
            original_language: m.original_language.clone(),
        }
    }
}

impl From<&needs::Model> for Header {
    fn from(m: &needs::Model) -> Self {
        Header {
            kind: ListingKind::Need,
            id: m.id,
            organisation_id: m.organisation_id,
            posted_by_organisation_id: m.posted_by_organisation_id,
            status: ListingStatus::parse(&m.status).unwrap_or(ListingStatus::Draft),
            version: m.version,
            valid_until: m.valid_until,
            original_language: m.original_language.clone(),
        }
    }
}

/// Reads the shared header of a listing, or 404.
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn header(db: &impl ConnectionTrait, kind: ListingKind, id: Uuid) -> ApiResult<Header> {
    let not_found = || ApiError::not_found(format!("{} {id}", kind.as_str()));
    match kind {
        ListingKind::Achievement => achievements::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| Header::from(&m))
            .ok_or_else(not_found),
        ListingKind::Need => needs::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| Header::from(&m))
            .ok_or_else(not_found),
    }
}

/// Published listings are public; every other state only to the owner's members, the
/// members of the agency that posted it for the owner (they keep reading what they posted
/// after a withdrawn consent, but no longer change it: [`ensure_owner`]) and operators (a city
/// office's operators: their cities' organisations' listings, `platform::city_scope`).
/// Anyone else gets the same 404 as for a listing that does not exist.
pub async fn ensure_visible(
    db: &impl ConnectionTrait,
    header: &Header,
    caller: Option<&AuthUser>,
) -> ApiResult<()> {
    let public = header.status == ListingStatus::Published;
    let member = caller.is_some_and(|c| {
        c.belongs_to(header.organisation_id.into())
            || header
                .posted_by_organisation_id
                .is_some_and(|agency| c.belongs_to(agency.into()))
    });
    if public || member {
        return Ok(());
    }
    if let Some(scope) = OperatorScope::of_operator(db, caller).await? {
        if scope
            .covers_organisation(db, header.organisation_id)
            .await?
        {
            return Ok(());
        }
    }
    Err(ApiError::not_found(format!(
        "{} {}",
        header.kind.as_str(),
        header.id
    )))
}

/// Only members of the owning organisation may change a listing, and members of the broker
/// agency that posted it for the owner while the owner's consent stands
/// (`agencies::acts_for`, checked at each change, so a withdrawn consent ends it; an agency
/// never manages the listings its client posted itself). Callers who may not even see it get a 404, those who may see it
/// (published, or posted by their agency) a 403.
pub async fn ensure_owner(
    db: &impl ConnectionTrait,
    header: &Header,
    caller: &AuthUser,
) -> ApiResult<()> {
    let posted_by_callers_agency = header
        .posted_by_organisation_id
        .is_some_and(|agency| caller.belongs_to(agency.into()));
    if caller.belongs_to(header.organisation_id.into())
        || (posted_by_callers_agency
            && super::agencies::acts_for(db, caller, header.organisation_id, header.kind).await?)
    {
        return Ok(());
    }
    ensure_visible(db, header, Some(caller)).await?;
    Err(ApiError::Forbidden(format!(
        "only members of the organisation that owns this {} may change it",
        header.kind.as_str()
    )))
}

/// Checks that the version the caller read is still current (409 otherwise).
pub fn ensure_version(header: &Header, expected: i32) -> ApiResult<()> {
    if header.version == expected {
        Ok(())
    } else {
        Err(ApiError::StaleVersion(format!(
            "{} {} is at version {}, you sent {expected}: reload and retry",
            header.kind.as_str(),
            header.id,
            header.version
        )))
    }
}

/// Moves a listing to `to`, bumping its version, with the version check inside the UPDATE so
/// concurrent changes cannot both win. `extra` sets further columns in the same statement.
#[tracing::instrument(skip_all)]
pub async fn transition(
    db: &impl ConnectionTrait,
    header: &Header,
    expected_version: i32,
    to: ListingStatus,
    extra: Vec<(&'static str, Value)>,
) -> ApiResult<()> {
    // A client's version of i32::MAX matches no row: stale, not an overflow.
    let next = expected_version.checked_add(1).ok_or_else(|| {
        ApiError::StaleVersion(format!(
            "{} {} is not at version {expected_version}",
            header.kind.as_str(),
            header.id
        ))
    })?;
    let mut stmt = Query::update();
    stmt.table(Alias::new(table(header.kind)))
        .value(Alias::new("status"), to.as_str())
        .value(Alias::new("version"), next)
        .value(
            Alias::new("updated_at"),
            Value::from(chrono::DateTime::<chrono::FixedOffset>::from(Utc::now())),
        );
    for (col, value) in extra {
        stmt.value(Alias::new(col), value);
    }
    stmt.and_where(Expr::col(Alias::new("id")).eq(header.id))
        .and_where(Expr::col(Alias::new("version")).eq(expected_version));
    let result = db.execute(db.get_database_backend().build(&stmt)).await?;
    if result.rows_affected() == 0 {
        return Err(ApiError::StaleVersion(format!(
            "{} {} changed meanwhile: reload and retry",
            header.kind.as_str(),
            header.id
        )));
    }
    Ok(())
}

/// For whom a new listing is posted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PostParams {
    /// A client organisation whose standing consent your broker agency holds: the listing is
    /// the client's, posted by your agency. Without it, the listing is your organisation's.
    pub for_client: Option<Uuid>,
}

/// Which listings a list request wants.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this organisation's.
    pub organisation_id: Option<Uuid>,
    /// Filter by status (owners and operators; everyone else sees published only).
    pub status: Option<ListingStatus>,
    /// Only the caller's organisation's listings, in every status.
    #[serde(default)]
    pub mine: bool,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Page size, at most 100 (default 20).
    pub per_page: Option<u64>,
    /// Preferred language of the text (overrides `Accept-Language`).
    pub lang: Option<String>,
}

pub use wire::Page;

/// The columns a listing table shares, so one query builder serves both.
pub struct ListColumns<C> {
    pub organisation_id: C,
    pub status: C,
    pub updated_at: C,
    pub id: C,
}

/// Lists the listings of `query` the caller may see: published ones for everybody, every
/// status for the owner's members (`mine` or their own `organisation_id`) and operators (a city
/// office's operators: every status of their cities' organisations' listings only).
#[tracing::instrument(skip_all)]
pub async fn list_page<E>(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    params: &ListParams,
    mut query: sea_orm::Select<E>,
    cols: ListColumns<E::Column>,
) -> ApiResult<(Vec<E::Model>, u64, u64, u64)>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder};
    let (page, per_page) = platform::paging::paging(params.page, params.per_page);
    let mut own_org = None;
    if params.mine {
        let caller = caller.ok_or_else(|| {
            ApiError::Unauthorized("sign in to list your own listings".to_owned())
        })?;
        let org = caller.require_organisation()?;
        own_org = Some(org.0);
        query = query.filter(cols.organisation_id.eq(org.0));
    }
    if let Some(org) = params.organisation_id {
        query = query.filter(cols.organisation_id.eq(org));
        if caller.is_some_and(|c| c.belongs_to(org.into())) {
            own_org = Some(org);
        }
    }
    let operator = OperatorScope::of_operator(db, caller).await?;
    let privileged = operator.is_some() || own_org.is_some();
    if let (None, Some(scope @ OperatorScope::Cities(_))) = (own_org, &operator) {
        // A city office's operator lists any city's published listings, as everyone does, and
        // the unpublished ones of their cities' organisations only.
        query = query.filter(
            Condition::any()
                .add(cols.status.eq(ListingStatus::Published.as_str()))
                .add(scope.organisation_condition(&[cols.organisation_id])),
        );
    }
    match (params.status, privileged) {
        (Some(status), true) => query = query.filter(cols.status.eq(status.as_str())),
        (Some(status), false) if status != ListingStatus::Published => {
            return Err(ApiError::Forbidden(
                "only owners and operators may list unpublished listings".to_owned(),
            ));
        }
        (_, false) => query = query.filter(cols.status.eq(ListingStatus::Published.as_str())),
        (None, true) => {}
    }
    let paginator = query
        .order_by_desc(cols.updated_at)
        .order_by_desc(cols.id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page - 1).await?;
    Ok((items, total, page, per_page))
}

/// The timestamp type of our columns, for `extra` values.
pub fn now_value() -> Value {
    Value::from(chrono::DateTime::<chrono::FixedOffset>::from(Utc::now()))
}

pub use wire::listing::PriceRange;

/// The text and classification fields both kinds share, borrowed for validation.
pub struct CommonFields<'a> {
    pub language: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub description: &'a str,
    pub keywords: &'a [String],
    pub industry: &'a str,
    pub ipc_codes: &'a [String],
    pub cooperation_modes: &'a [String],
    pub country: &'a str,
    pub region_code: &'a str,
    pub valid_until: Option<NaiveDate>,
    pub price: Option<&'a PriceRange>,
    pub price_path: &'a str,
    pub contact_email: Option<&'a str>,
}

/// Where a listing is filed: the country and region it names, or else its organisation's
/// (country codes upper-cased).
pub fn filed_under(
    country: Option<&str>,
    region_code: Option<&str>,
    org: &organisations::Model,
) -> (String, String) {
    (
        country.unwrap_or(&org.country).to_ascii_uppercase(),
        region_code.unwrap_or(&org.region_code).to_owned(),
    )
}

/// Validates the shared fields, recording every problem in `v`.
pub fn validate_common(f: &CommonFields<'_>, v: &mut Validator) {
    v.check(
        taxonomy::is_language(f.language),
        "language",
        "must be a supported language code (zh, en, vi, th, ms, id, …)",
    );
    v.length(f.title, "title", 4, TITLE_MAX);
    v.length(f.summary, "summary", 10, SUMMARY_MAX);
    v.length(f.description, "description", 0, DESCRIPTION_MAX);
    validate_keywords(f.keywords, "keywords", v);
    v.check(
        taxonomy::is_industry(f.industry),
        "industry",
        "must be an industry code from /api/v1/taxonomies/industries",
    );
    for (i, code) in f.ipc_codes.iter().enumerate() {
        v.check(
            taxonomy::is_ipc_code(code),
            &format!("ipc_codes[{i}]"),
            "must be an IPC code like A01D or A01D 45/10",
        );
    }
    for (i, mode) in f.cooperation_modes.iter().enumerate() {
        v.check(
            taxonomy::is_cooperation_mode(mode),
            &format!("cooperation_modes[{i}]"),
            "must be a cooperation mode from /api/v1/taxonomies/cooperation-modes",
        );
    }
    if f.country == "CN" {
        v.check(
            taxonomy::is_chinese_region(f.region_code),
            "region_code",
            "must be a GB/T 2260 code of a Chinese region",
        );
    } else if taxonomy::asean(f.country).is_some() {
        v.check(
            f.region_code == f.country,
            "region_code",
            "must be the country code for listings outside China",
        );
    } else {
        v.push("country", "must be CN or an ASEAN member's ISO code");
    }
    if let Some(date) = f.valid_until {
        v.check(
            date > Utc::now().date_naive(),
            "valid_until",
            "must be in the future",
        );
    }
    if let Some(price) = f.price {
        validate_price(price, f.price_path, v);
    }
    if let Some(email) = f.contact_email {
        v.check(
            email.contains('@') && email.len() <= 254,
            "contact_email",
            "must be an email address",
        );
    }
}

pub fn validate_keywords(keywords: &[String], path: &str, v: &mut Validator) {
    v.check(
        keywords.len() <= KEYWORDS_MAX,
        path,
        format!("at most {KEYWORDS_MAX} keywords"),
    );
    for (i, k) in keywords.iter().enumerate() {
        v.length(k, &format!("{path}[{i}]"), 1, 60);
    }
}

pub fn validate_price(price: &PriceRange, path: &str, v: &mut Validator) {
    v.check(
        Currency::parse(&price.currency).is_some(),
        &format!("{path}.currency"),
        "must be an ISO 4217 code the platform knows (CNY, USD, THB, VND, …)",
    );
    for (bound, value) in [
        ("min_minor", price.min_minor),
        ("max_minor", price.max_minor),
    ] {
        if let Some(x) = value {
            v.check(x >= 0, &format!("{path}.{bound}"), "must not be negative");
        }
    }
    if let (Some(min), Some(max)) = (price.min_minor, price.max_minor) {
        v.check(
            min <= max,
            &format!("{path}.min_minor"),
            "must not be greater than max_minor",
        );
    }
    v.check(
        price.min_minor.is_some() || price.max_minor.is_some(),
        path,
        "give at least one bound, or leave the range out for a negotiable price",
    );
}

/// Keywords trimmed, empty ones dropped, duplicates removed (order kept).
pub fn clean_keywords(keywords: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in keywords {
        let k = k.trim().to_owned();
        if !k.is_empty() && !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// IPC codes normalised to `A01D 45/10` form, deduplicated.
pub fn clean_ipc(codes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in codes {
        let c = taxonomy::normalise_ipc(c);
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

pub use platform::json_column::strings;

/// Languages in the reader's order of preference, from `?lang=` or `Accept-Language`
/// (`zh-CN,zh;q=0.9,en;q=0.8` → `["zh", "en"]`).
pub fn preferred_languages(query_lang: Option<&str>, accept_language: Option<&str>) -> Vec<String> {
    if let Some(lang) = query_lang.filter(|l| !l.is_empty()) {
        return vec![primary(lang)];
    }
    let Some(header) = accept_language else {
        return Vec::new();
    };
    let mut weighted: Vec<(String, f32)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            if tag.is_empty() || tag == "*" {
                return None;
            }
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            Some((primary(tag), q))
        })
        .filter(|(_, q)| *q > 0.0)
        .collect();
    // Stable sort keeps header order among equal weights.
    weighted.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
    let mut out: Vec<String> = Vec::new();
    for (lang, _) in weighted {
        if !out.contains(&lang) {
            out.push(lang);
        }
    }
    out
}

fn primary(tag: &str) -> String {
    tag.split(['-', '_']).next().unwrap_or(tag).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_orders_by_weight() {
        assert_eq!(
            preferred_languages(None, Some("vi;q=0.5, zh-CN, en;q=0.8")),
            vec!["zh", "en", "vi"]
        );
        assert_eq!(preferred_languages(Some("th"), Some("zh")), vec!["th"]);
        assert!(preferred_languages(None, None).is_empty());
    }
}
