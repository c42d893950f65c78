//! The service directory (issue #16): services an organisation publishes — pilot-scale
//! production (中试), proof of concept, testing, evaluation, IP agency, consulting — with their
//! industry fields, capacity, lead time, price range, accreditation and region; listed and
//! filtered by anyone, published by a member of the providing organisation, who may also edit
//! it (checked as on publishing) and withdraw it: a withdrawn service leaves the directory and
//! takes no new requests (`service_orders::create` refuses them), while the orders already
//! placed on it finish as usual.

use std::collections::HashMap;

use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{organisations, service_fields, services};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use platform::money::Currency;
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;
use wire::services::{ServiceIn, ServiceListParams, ServiceOut, ServicePatch, ServiceWithdrawIn};
use wire::Page;

use super::{clean_opt, next_version, now, paging, stale};
use crate::SERVICE;

/// Most industry fields one service names.
const MAX_FIELDS: usize = 10;
/// Longest lead time accepted, in days (ten years).
const MAX_LEAD_DAYS: i64 = 3650;

/// The prefix of region codes a region covers: `450000` (Guangxi) covers `45…`, `450100`
/// (Nanning) covers `4501…`; a country code covers only itself.
pub fn region_prefix(region: &str) -> &str {
    if region.len() == 6 && region.bytes().all(|b| b.is_ascii_digit()) {
        let mut end = 6;
        while end > 2 && region[..end].ends_with("00") {
            end -= 2;
        }
        &region[..end]
    } else {
        region
    }
}

/// True when `code` lies within `region` (itself or one of its cities).
pub fn region_covers(region: &str, code: &str) -> bool {
    code.starts_with(region_prefix(region))
}

/// A Chinese region or an ASEAN country, as the taxonomy knows them.
pub fn is_region(code: &str) -> bool {
    platform::taxonomy::is_chinese_region(code) || platform::taxonomy::asean(code).is_some()
}

fn validate(input: &ServiceIn) -> ApiResult<()> {
    let mut v = Validator::new();
    v.length(input.title.trim(), "title", 2, 200);
    v.length(input.description.trim(), "description", 1, 5000);
    v.check(
        !input.industry_codes.is_empty() && input.industry_codes.len() <= MAX_FIELDS,
        "industry_codes",
        "name 1 to 10 industry fields",
    );
    for (i, code) in input.industry_codes.iter().enumerate() {
        v.check(
            platform::taxonomy::is_industry(code),
            &format!("industry_codes[{i}]"),
            "not an industry code of the taxonomy",
        );
    }
    if let Some(c) = &input.capacity {
        v.length(c, "capacity", 0, 500);
    }
    if let Some(a) = &input.accreditation {
        v.length(a, "accreditation", 0, 200);
    }
    v.check(
        (0..=MAX_LEAD_DAYS).contains(&input.lead_time_days),
        "lead_time_days",
        "between 0 and 3650 days",
    );
    v.check(
        input.price_min_minor >= 0,
        "price_min_minor",
        "must not be negative",
    );
    v.check(
        input.price_max_minor >= input.price_min_minor,
        "price_max_minor",
        "must not be below price_min_minor",
    );
    v.check(
        Currency::parse(&input.currency).is_some(),
        "currency",
        "unknown ISO 4217 currency",
    );
    v.check(
        is_region(&input.region_code),
        "region_code",
        "unknown region code",
    );
    v.finish()
}

/// Industry codes of each service, in the order the provider gave them.
async fn fields_of(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, Vec<String>>> {
    let mut out: HashMap<Uuid, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = service_fields::Entity::find()
        .filter(service_fields::Column::ServiceId.is_in(ids))
        .order_by_asc(service_fields::Column::ServiceId)
        .order_by_asc(service_fields::Column::Position)
        .all(db)
        .await?;
    for r in rows {
        out.entry(r.service_id).or_default().push(r.industry_code);
    }
    Ok(out)
}

async fn names_of(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// The answers for rows of `services`, with their fields and provider names.
async fn to_outs(
    db: &impl ConnectionTrait,
    rows: Vec<services::Model>,
) -> ApiResult<Vec<ServiceOut>> {
    let mut fields = fields_of(db, rows.iter().map(|r| r.id).collect()).await?;
    let names = names_of(db, rows.iter().map(|r| r.organisation_id).collect()).await?;
    rows.into_iter()
        .map(|m| {
            Ok(ServiceOut {
                id: m.id,
                provider_organisation_id: m.organisation_id,
                provider_name: names.get(&m.organisation_id).cloned().unwrap_or_default(),
                kind: m.kind.parse()?,
                title: m.title,
                description: m.description,
                industry_codes: fields.remove(&m.id).unwrap_or_default(),
                capacity: m.capacity,
                lead_time_days: m.lead_time_days,
                price_min_minor: m.price_min_minor,
                price_max_minor: m.price_max_minor,
                currency: m.currency,
                accreditation: m.accreditation,
                region_code: m.region_code,
                sample: m.sample,
                version: m.version,
                created_at: m.created_at,
                updated_at: m.updated_at,
                withdrawn_at: m.withdrawn_at,
            })
        })
        .collect()
}

/// Publishes a service of the caller's organisation (any member; a user without an
/// organisation, an operator acting as such, is refused).
#[tracing::instrument(skip_all)]
pub async fn publish(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: ServiceIn,
) -> ApiResult<ServiceOut> {
    let org = caller.require_organisation()?;
    validate(&input)?;
    let mut codes: Vec<String> = Vec::new();
    for c in &input.industry_codes {
        if !codes.contains(c) {
            codes.push(c.clone());
        }
    }
    let lead = i32::try_from(input.lead_time_days)
        .map_err(|_| ApiError::field("lead_time_days", "out of range"))?;
    let txn = db.begin().await?;
    let id = new_uuid();
    let row = services::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.0),
        kind: Set(input.kind.as_str().to_owned()),
        title: Set(input.title.trim().to_owned()),
        description: Set(input.description.trim().to_owned()),
        capacity: Set(clean_opt(input.capacity)),
        lead_time_days: Set(lead),
        price_min_minor: Set(input.price_min_minor),
        price_max_minor: Set(input.price_max_minor),
        currency: Set(input.currency),
        accreditation: Set(clean_opt(input.accreditation)),
        region_code: Set(input.region_code),
        sample: Set(false),
        created_by: Set(caller.user_id.0),
        version: Set(1),
        created_at: Set(now()),
        updated_at: Set(now()),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
    }
    .insert(&txn)
    .await?;
    for (position, code) in (0i32..).zip(codes) {
        service_fields::ActiveModel {
            service_id: Set(id),
            industry_code: Set(code),
            position: Set(position),
        }
        .insert(&txn)
        .await?;
    }
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "service.publish",
        entity_type: "service",
        entity_id: id,
    }
    .record(&txn, None::<&()>, Some(&row))
    .await?;
    let out = to_outs(&txn, vec![row]).await?;
    txn.commit().await?;
    out.into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("service {id}")))
}

/// One service (public).
#[tracing::instrument(skip_all, fields(service.id = %id))]
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<ServiceOut> {
    let row = find(db, id).await?;
    to_outs(db, vec![row])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("service {id}")))
}

/// The stored row of a service, or 404.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<services::Model> {
    services::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("service {id}")))
}

/// The directory: filtered by kind, industry field, region (a province covers its cities),
/// provider and words of the title; newest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    params: ServiceListParams,
) -> ApiResult<Page<ServiceOut>> {
    // A withdrawn service has left the directory (its page still answers, for its orders).
    let mut q = services::Entity::find().filter(services::Column::WithdrawnAt.is_null());
    if let Some(kind) = params.kind {
        q = q.filter(services::Column::Kind.eq(kind.as_str()));
    }
    if let Some(code) = params.industry.as_deref().filter(|c| !c.is_empty()) {
        q = q.filter(
            services::Column::Id.in_subquery(
                Query::select()
                    .column(service_fields::Column::ServiceId)
                    .from(service_fields::Entity)
                    .and_where(Expr::col(service_fields::Column::IndustryCode).eq(code))
                    .to_owned(),
            ),
        );
    }
    if let Some(region) = params.region.as_deref().filter(|r| !r.is_empty()) {
        if !is_region(region) {
            return Err(ApiError::field("region", "unknown region code"));
        }
        q = q.filter(services::Column::RegionCode.starts_with(region_prefix(region)));
    }
    if let Some(provider) = params.provider {
        q = q.filter(services::Column::OrganisationId.eq(provider));
    }
    if let Some(words) = params.q.as_deref() {
        // LIKE's own wildcards are taken out: the words are matched as written, in any case.
        let words: String = words
            .chars()
            .filter(|c| !matches!(c, '%' | '_' | '\\'))
            .take(100)
            .collect::<String>()
            .trim()
            .to_lowercase();
        if !words.is_empty() {
            q = q.filter(
                Expr::expr(Func::lower(Expr::col(services::Column::Title)))
                    .like(format!("%{words}%")),
            );
        }
    }
    let (page, per_page) = paging(params.page, params.per_page);
    let q = q
        .order_by_desc(services::Column::CreatedAt)
        .order_by_desc(services::Column::Id);
    let rows = platform::paging::fetch_page(db, q, (page, per_page), Ok).await?;
    Ok(Page {
        items: to_outs(db, rows.items).await?,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    })
}

/// The service, when a member of its provider asks to change it: 404 when there is none, 403
/// for anyone else (the service is public, so its existence is no secret), 409 when it was
/// withdrawn or the caller's `version` is stale.
async fn find_to_change(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
    version: i32,
) -> ApiResult<services::Model> {
    let row = find(db, id).await?;
    if !caller.belongs_to(row.organisation_id.into()) {
        return Err(ApiError::Forbidden(
            "only the provider's members change its service".to_owned(),
        ));
    }
    if row.withdrawn_at.is_some() {
        return Err(ApiError::conflict(
            "service_withdrawn",
            "the service was withdrawn: it can no longer be changed",
        ));
    }
    if row.version != version {
        return Err(stale("service"));
    }
    Ok(row)
}

/// The service as it stands, with what `patch` gives laid over it, as a `ServiceIn` so that it
/// is checked by the same [`validate`] as a new one.
fn merged(row: &services::Model, fields: Vec<String>, patch: ServicePatch) -> ApiResult<ServiceIn> {
    Ok(ServiceIn {
        kind: match patch.kind {
            Some(k) => k,
            None => row.kind.parse()?,
        },
        title: patch.title.unwrap_or_else(|| row.title.clone()),
        description: patch.description.unwrap_or_else(|| row.description.clone()),
        industry_codes: patch.industry_codes.unwrap_or(fields),
        capacity: patch.capacity.or_else(|| row.capacity.clone()),
        lead_time_days: patch
            .lead_time_days
            .unwrap_or_else(|| i64::from(row.lead_time_days)),
        price_min_minor: patch.price_min_minor.unwrap_or(row.price_min_minor),
        price_max_minor: patch.price_max_minor.unwrap_or(row.price_max_minor),
        currency: patch.currency.unwrap_or_else(|| row.currency.clone()),
        accreditation: patch.accreditation.or_else(|| row.accreditation.clone()),
        region_code: patch.region_code.unwrap_or_else(|| row.region_code.clone()),
    })
}

/// Changes a service (a member of its provider): the fields given replace the stored ones and
/// the whole is checked as on publishing; an empty `capacity` or `accreditation` clears it.
/// The version guards the UPDATE itself, so of two edits from one version one wins and the
/// other is a 409. Orders already placed keep their quote and currency.
#[tracing::instrument(skip_all, fields(service.id = %id))]
pub async fn update(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    patch: ServicePatch,
) -> ApiResult<ServiceOut> {
    let txn = db.begin().await?;
    let before = find_to_change(&txn, caller, id, patch.version).await?;
    let fields = fields_of(&txn, vec![id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let codes_changed = patch.industry_codes.is_some();
    let input = merged(&before, fields, patch)?;
    validate(&input)?;
    let lead = i32::try_from(input.lead_time_days)
        .map_err(|_| ApiError::field("lead_time_days", "out of range"))?;
    let version = next_version(before.version, "service")?;
    let changed = services::Entity::update_many()
        .col_expr(services::Column::Kind, Expr::value(input.kind.as_str()))
        .col_expr(services::Column::Title, Expr::value(input.title.trim()))
        .col_expr(
            services::Column::Description,
            Expr::value(input.description.trim()),
        )
        .col_expr(
            services::Column::Capacity,
            Expr::value(clean_opt(input.capacity)),
        )
        .col_expr(services::Column::LeadTimeDays, Expr::value(lead))
        .col_expr(
            services::Column::PriceMinMinor,
            Expr::value(input.price_min_minor),
        )
        .col_expr(
            services::Column::PriceMaxMinor,
            Expr::value(input.price_max_minor),
        )
        .col_expr(services::Column::Currency, Expr::value(input.currency))
        .col_expr(
            services::Column::Accreditation,
            Expr::value(clean_opt(input.accreditation)),
        )
        .col_expr(services::Column::RegionCode, Expr::value(input.region_code))
        .col_expr(services::Column::Version, Expr::value(version))
        .col_expr(services::Column::UpdatedAt, Expr::value(now()))
        .filter(services::Column::Id.eq(id))
        .filter(services::Column::Version.eq(before.version))
        .filter(services::Column::WithdrawnAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(stale("service"));
    }
    if codes_changed {
        service_fields::Entity::delete_many()
            .filter(service_fields::Column::ServiceId.eq(id))
            .exec(&txn)
            .await?;
        for (position, code) in (0i32..).zip(input.industry_codes) {
            service_fields::ActiveModel {
                service_id: Set(id),
                industry_code: Set(code),
                position: Set(position),
            }
            .insert(&txn)
            .await?;
        }
    }
    let after = find(&txn, id).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "service.update",
        entity_type: "service",
        entity_id: id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    let out = to_outs(&txn, vec![after]).await?;
    txn.commit().await?;
    out.into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("service {id}")))
}

/// Withdraws a service from the directory (a member of its provider): new requests are
/// refused from now on; orders already placed carry on. Once: a second withdrawal is a 409.
#[tracing::instrument(skip_all, fields(service.id = %id))]
pub async fn withdraw(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: ServiceWithdrawIn,
) -> ApiResult<ServiceOut> {
    let txn = db.begin().await?;
    let before = find_to_change(&txn, caller, id, input.version).await?;
    let changed = services::Entity::update_many()
        .col_expr(services::Column::WithdrawnAt, Expr::value(now()))
        .col_expr(services::Column::WithdrawnBy, Expr::value(caller.user_id.0))
        .col_expr(
            services::Column::Version,
            Expr::value(next_version(before.version, "service")?),
        )
        .col_expr(services::Column::UpdatedAt, Expr::value(now()))
        .filter(services::Column::Id.eq(id))
        .filter(services::Column::Version.eq(before.version))
        .filter(services::Column::WithdrawnAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(ApiError::conflict(
            "service_withdrawn",
            "the service was withdrawn or changed meanwhile: reload it",
        ));
    }
    let after = find(&txn, id).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "service.withdraw",
        entity_type: "service",
        entity_id: id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    let out = to_outs(&txn, vec![after]).await?;
    txn.commit().await?;
    out.into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("service {id}")))
}
