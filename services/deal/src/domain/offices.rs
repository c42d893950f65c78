//! Registration offices (技术合同登记机构): the provincial office and the cities' 登记点, each
//! with its operators. An office works the contracts of its area; the office is recorded on
//! every registration.
//!
//! Authority comes from who the caller is: an office's operators (`office_operators`) act for
//! it. A platform operator listed in no office is the platform's own registry staff and acts
//! for the provincial office (so a platform run without city offices works as before); one
//! listed in an office acts for the offices that list them, and no other. Offices and their
//! operators are administered by those who act for the provincial office as platform
//! operators.

use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{office_operators, registration_offices, users};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use wire::OfficeKind;

use super::now;
use super::stats::{city_of, in_guangxi};
use crate::SERVICE;

pub use wire::office::{OfficeOperatorOut, OfficeOut};

/// The provincial office's code (Guangxi's GB/T 2260 code).
pub const PROVINCIAL_CODE: &str = "450000";

/// A new office.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeIn {
    /// Unique; by convention the region's GB/T 2260 code.
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: OfficeKind,
    /// The city (or, for the provincial office, the region) whose contracts it works.
    pub region_code: String,
}

/// Adds an operator to an office.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorIn {
    pub user_id: Uuid,
}

/// An office as the API shows it.
pub fn office_out(m: registration_offices::Model) -> ApiResult<OfficeOut> {
    Ok(OfficeOut {
        id: m.id,
        code: m.code,
        name: m.name,
        name_en: m.name_en,
        kind: m.kind.parse()?,
        region_code: m.region_code,
        active: m.active,
        version: m.version,
        created_at: m.created_at,
    })
}

/// Reads an office or 404.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<registration_offices::Model> {
    registration_offices::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("office {id}")))
}

/// The provincial office (seeded by the migration).
pub async fn provincial(db: &impl ConnectionTrait) -> ApiResult<registration_offices::Model> {
    registration_offices::Entity::find()
        .filter(registration_offices::Column::Code.eq(PROVINCIAL_CODE))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the provincial office is missing")))
}

/// The ids of the offices that list `user` as an operator.
pub async fn memberships(db: &impl ConnectionTrait, user: Uuid) -> ApiResult<Vec<Uuid>> {
    Ok(office_operators::Entity::find()
        .filter(office_operators::Column::UserId.eq(user))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.office_id)
        .collect())
}

/// The offices the caller acts for (see the module comment).
#[tracing::instrument(skip_all, fields(user.id = %caller.user_id.0))]
pub async fn acting_for(db: &impl ConnectionTrait, caller: &AuthUser) -> ApiResult<Vec<Uuid>> {
    let mut ids = memberships(db, caller.user_id.0).await?;
    if ids.is_empty() && caller.is_operator {
        ids.push(provincial(db).await?.id);
    }
    Ok(ids)
}

/// Whose office figures a caller reads: the statistics by registration office and an office's
/// reports. The same memberships as `platform::city_scope` decide it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeFigures {
    /// Platform operators in no office and the provincial office's operators: every office.
    Any,
    /// A city office's operators: the (active) offices that list them, and no other.
    Own(Vec<Uuid>),
    /// Signed in but acting for no office: none.
    Refused,
}

/// The office figures `caller` reads (see [`OfficeFigures`]).
#[tracing::instrument(skip_all, fields(user.id = %caller.user_id.0))]
pub async fn office_figures(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
) -> ApiResult<OfficeFigures> {
    let ids = memberships(db, caller.user_id.0).await?;
    if ids.is_empty() {
        return Ok(if caller.is_operator {
            OfficeFigures::Any
        } else {
            OfficeFigures::Refused
        });
    }
    let offices = registration_offices::Entity::find()
        .filter(registration_offices::Column::Id.is_in(ids))
        .filter(registration_offices::Column::Active.eq(true))
        .all(db)
        .await?;
    if offices
        .iter()
        .any(|o| o.kind == OfficeKind::Provincial.as_str())
    {
        return Ok(OfficeFigures::Any);
    }
    Ok(OfficeFigures::Own(
        offices.into_iter().map(|o| o.id).collect(),
    ))
}

/// 403 unless the caller reads `office`'s figures (its statistics, its reports).
pub async fn ensure_reads_figures_of(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    office: Uuid,
) -> ApiResult<()> {
    match office_figures(db, caller).await? {
        OfficeFigures::Any => Ok(()),
        OfficeFigures::Own(ids) if ids.contains(&office) => Ok(()),
        OfficeFigures::Own(_) => Err(ApiError::Forbidden(
            "your office reads its own figures only".to_owned(),
        )),
        OfficeFigures::Refused => Err(ApiError::Forbidden(
            "only registration offices' operators and platform operators read office figures"
                .to_owned(),
        )),
    }
}

/// 403 unless the caller acts for `office`.
pub async fn ensure_acts_for(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    office: Uuid,
) -> ApiResult<()> {
    if acting_for(db, caller).await?.contains(&office) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only the operators of this registration's office may do this".to_owned(),
        ))
    }
}

/// 403 unless the caller administers offices: a platform operator acting for the provincial
/// office.
pub async fn ensure_administers(db: &impl ConnectionTrait, caller: &AuthUser) -> ApiResult<()> {
    caller.require_operator()?;
    let provincial = provincial(db).await?;
    ensure_acts_for(db, caller, provincial.id).await
}

/// The office whose area a contract is in: the city office of the Guangxi party (the seller's
/// for output, else the buyer's), else the provincial office.
pub async fn office_for_area(
    db: &impl ConnectionTrait,
    seller: (&str, &str),
    buyer: (&str, &str),
) -> ApiResult<registration_offices::Model> {
    let region = if in_guangxi(seller.0, seller.1) {
        Some(seller.1)
    } else if in_guangxi(buyer.0, buyer.1) {
        Some(buyer.1)
    } else {
        None
    };
    if let Some(region) = region {
        let city = registration_offices::Entity::find()
            .filter(registration_offices::Column::Kind.eq(OfficeKind::City.as_str()))
            .filter(registration_offices::Column::Active.eq(true))
            .filter(registration_offices::Column::RegionCode.eq(city_of(region)))
            .order_by_asc(registration_offices::Column::CreatedAt)
            .one(db)
            .await?;
        if let Some(city) = city {
            return Ok(city);
        }
    }
    provincial(db).await
}

/// Every office, provincial first.
pub async fn list(db: &impl ConnectionTrait) -> ApiResult<Vec<OfficeOut>> {
    registration_offices::Entity::find()
        .order_by_asc(registration_offices::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(office_out)
        .collect()
}

/// The offices the caller acts for, as the console lists them.
pub async fn mine(db: &impl ConnectionTrait, caller: &AuthUser) -> ApiResult<Vec<OfficeOut>> {
    let ids = acting_for(db, caller).await?;
    registration_offices::Entity::find()
        .filter(registration_offices::Column::Id.is_in(ids))
        .order_by_asc(registration_offices::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(office_out)
        .collect()
}

/// Creates an office (administrators).
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    input: OfficeIn,
) -> ApiResult<registration_offices::Model> {
    ensure_administers(db, caller).await?;
    let mut v = Validator::new();
    v.length(&input.code, "code", 2, 16);
    v.length(&input.name, "name", 2, 200);
    if let Some(en) = &input.name_en {
        v.length(en, "name_en", 2, 200);
    }
    v.check(
        platform::identifiers::is_gbt2260_code(&input.region_code)
            && input.region_code.starts_with("45"),
        "region_code",
        "must be a Guangxi GB/T 2260 code (450000 or a city's, e.g. 450100)",
    );
    if input.kind == OfficeKind::City {
        v.check(
            input.region_code != PROVINCIAL_CODE
                && city_of(&input.region_code) == input.region_code,
            "region_code",
            "a city office's region is a city (e.g. 450100 Nanning)",
        );
    }
    v.finish()?;
    if input.kind == OfficeKind::Provincial {
        return Err(ApiError::conflict(
            "provincial_office_exists",
            "there is one provincial office",
        ));
    }
    let at = now();
    let office = registration_offices::ActiveModel {
        id: Set(new_uuid()),
        code: Set(input.code.trim().to_owned()),
        name: Set(input.name.trim().to_owned()),
        name_en: Set(input.name_en.map(|s| s.trim().to_owned())),
        kind: Set(input.kind.as_str().to_owned()),
        region_code: Set(input.region_code),
        active: Set(true),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(db)
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict { .. } => {
            ApiError::conflict("office_code_taken", "an office with this code exists")
        }
        other => other,
    })?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "office.create",
        entity_type: "registration_office",
        entity_id: office.id,
    }
    .record(db, None::<&()>, Some(&office))
    .await?;
    Ok(office)
}

/// An office's operators (its own operators and administrators).
pub async fn operators(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    office_id: Uuid,
) -> ApiResult<Vec<OfficeOperatorOut>> {
    find(db, office_id).await?;
    if ensure_acts_for(db, caller, office_id).await.is_err() {
        ensure_administers(db, caller).await?;
    }
    let members = office_operators::Entity::find()
        .filter(office_operators::Column::OfficeId.eq(office_id))
        .order_by_asc(office_operators::Column::CreatedAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(members
        .into_iter()
        .filter_map(|m| {
            people
                .iter()
                .find(|u| u.id == m.user_id)
                .map(|u| OfficeOperatorOut {
                    office_id: m.office_id,
                    user_id: m.user_id,
                    email: u.email.clone(),
                    display_name: u.display_name.clone(),
                    created_at: m.created_at,
                })
        })
        .collect())
}

/// Lists a person as an operator of an office (administrators).
#[tracing::instrument(skip_all, fields(office.id = %office_id))]
pub async fn add_operator(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    office_id: Uuid,
    input: OperatorIn,
) -> ApiResult<office_operators::Model> {
    ensure_administers(db, caller).await?;
    find(db, office_id).await?;
    users::Entity::find_by_id(input.user_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::field("user_id", "no such user"))?;
    let row = office_operators::ActiveModel {
        id: Set(new_uuid()),
        office_id: Set(office_id),
        user_id: Set(input.user_id),
        created_at: Set(now()),
    }
    .insert(db)
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict { .. } => {
            ApiError::conflict("already_operator", "this person already works this office")
        }
        other => other,
    })?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "office.add_operator",
        entity_type: "registration_office",
        entity_id: office_id,
    }
    .record(db, None::<&()>, Some(&row))
    .await?;
    Ok(row)
}

/// Removes a person from an office's operators (administrators).
#[tracing::instrument(skip_all, fields(office.id = %office_id))]
pub async fn remove_operator(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    office_id: Uuid,
    user_id: Uuid,
) -> ApiResult<()> {
    ensure_administers(db, caller).await?;
    let row = office_operators::Entity::find()
        .filter(office_operators::Column::OfficeId.eq(office_id))
        .filter(office_operators::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("operator {user_id} of office {office_id}")))?;
    office_operators::Entity::delete_by_id(row.id)
        .exec(db)
        .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "office.remove_operator",
        entity_type: "registration_office",
        entity_id: office_id,
    }
    .record(db, Some(&row), None::<&()>)
    .await?;
    Ok(())
}

/// A certificate's verification code: 20 characters of an alphabet without look-alikes from
/// the operating system's generator (about 100 bits), so a certificate cannot be forged by
/// guessing, unlike its sequential registration number.
pub fn new_verification_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}
