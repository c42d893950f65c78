//! The parties of a contract: an organisation on the platform or a party recorded off it
//! (`recorded_parties`: name, unified social credit code checked with its check character or
//! a foreign registration number, country, region, kind). A recorded party whose credit code
//! belongs to an organisation on the platform is that organisation; one that joins later is
//! linked by [`link_organisation`] (the `organisation_joined.v1` job, enqueued by listing when
//! an organisation is created or verified with a credit code; it links once the organisation
//! is verified), and its contracts then name the organisation too, so its members see them
//! through the usual access rule.

use platform::auth::AuthUser;
use platform::entity::{contracts, organisations, recorded_parties};
use platform::error::{ApiError, ApiResult, Validator};
use platform::identifiers::{is_gbt2260_code, parse_credit_code};
use platform::ids::new_uuid;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wire::{OrgKind, PartyRole};

use super::now;

pub use wire::office::PartyOut;

/// A party off the platform, as the registration form records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordedPartyIn {
    pub name: String,
    /// 统一社会信用代码 (18 characters with its check character); required for Chinese parties.
    pub credit_code: Option<String>,
    /// A foreign party's registration number; required for parties outside China.
    pub foreign_registration_number: Option<String>,
    /// ISO 3166 code; `CN` for China.
    pub country: String,
    /// GB/T 2260 code for Chinese parties; defaults to the country for others.
    pub region_code: Option<String>,
    pub kind: Option<OrgKind>,
}

/// A recorded party checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedParty {
    pub name: String,
    pub credit_code: Option<String>,
    pub foreign_registration_number: Option<String>,
    pub country: String,
    pub region_code: String,
    pub kind: Option<OrgKind>,
}

/// Checks a recorded party; field errors go under `path`.
pub fn check(input: &RecordedPartyIn, path: &str, v: &mut Validator) -> Option<CheckedParty> {
    let before = v.is_empty();
    v.length(&input.name, &format!("{path}.name"), 2, 200);
    let country = input.country.trim().to_ascii_uppercase();
    v.check(
        country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()),
        &format!("{path}.country"),
        "must be an ISO 3166 two-letter code",
    );
    let mut credit_code = None;
    let mut foreign = None;
    let region;
    if country == "CN" {
        match input.credit_code.as_deref().map(parse_credit_code) {
            None => {
                v.push(
                    &format!("{path}.credit_code"),
                    "a Chinese party is recorded with its unified social credit code",
                );
            }
            Some(Err(e)) => {
                v.push(&format!("{path}.credit_code"), e.to_string());
            }
            Some(Ok(code)) => credit_code = Some(code),
        }
        region = input.region_code.clone().unwrap_or_default();
        v.check(
            is_gbt2260_code(&region),
            &format!("{path}.region_code"),
            "a Chinese party's region is a GB/T 2260 code (e.g. 450100)",
        );
    } else {
        match input.foreign_registration_number.as_deref().map(str::trim) {
            Some(n) if (1..=64).contains(&n.chars().count()) => foreign = Some(n.to_owned()),
            _ => {
                v.push(
                    &format!("{path}.foreign_registration_number"),
                    "a foreign party is recorded with its registration number (1 to 64 characters)",
                );
            }
        }
        v.check(
            input.credit_code.is_none(),
            &format!("{path}.credit_code"),
            "only Chinese parties have a unified social credit code",
        );
        region = input.region_code.clone().unwrap_or_else(|| country.clone());
        v.length(&region, &format!("{path}.region_code"), 2, 16);
    }
    if !before || !v.is_empty() {
        return None;
    }
    Some(CheckedParty {
        name: input.name.trim().to_owned(),
        credit_code,
        foreign_registration_number: foreign,
        country,
        region_code: region,
        kind: input.kind,
    })
}

/// One side of a contract as stored: the organisation, the recorded party, or both once
/// linked; with the country and region its turnover counts under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub organisation_id: Option<Uuid>,
    pub party_id: Option<Uuid>,
    pub country: String,
    pub region_code: String,
}

impl Side {
    /// A side that is an organisation on the platform.
    pub fn organisation(o: &organisations::Model) -> Side {
        Side {
            organisation_id: Some(o.id),
            party_id: None,
            country: o.country.clone(),
            region_code: o.region_code.clone(),
        }
    }

    /// The identity duplicates are judged by.
    pub fn key(&self) -> Option<Uuid> {
        self.organisation_id.or(self.party_id)
    }
}

/// Records a party (or finds the one already recorded under its code); a credit code of a
/// verified organisation on the platform makes the side that organisation as well.
#[tracing::instrument(skip_all)]
pub async fn resolve(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    party: &CheckedParty,
) -> ApiResult<Side> {
    let org = match &party.credit_code {
        Some(code) => {
            organisations::Entity::find()
                .filter(organisations::Column::CreditCode.eq(code.as_str()))
                .filter(
                    organisations::Column::VerificationStatus
                        .eq(wire::VerificationStatus::Verified.as_str()),
                )
                .one(db)
                .await?
        }
        None => None,
    };
    let existing = match (&party.credit_code, &party.foreign_registration_number) {
        (Some(code), _) => {
            recorded_parties::Entity::find()
                .filter(recorded_parties::Column::CreditCode.eq(code.as_str()))
                .one(db)
                .await?
        }
        (None, Some(number)) => {
            recorded_parties::Entity::find()
                .filter(recorded_parties::Column::ForeignRegistrationNumber.eq(number.as_str()))
                .filter(recorded_parties::Column::Country.eq(party.country.as_str()))
                .one(db)
                .await?
        }
        (None, None) => None,
    };
    let row = match existing {
        Some(row) => row,
        None => {
            let at = now();
            recorded_parties::ActiveModel {
                id: Set(new_uuid()),
                name: Set(party.name.clone()),
                credit_code: Set(party.credit_code.clone()),
                foreign_registration_number: Set(party.foreign_registration_number.clone()),
                country: Set(party.country.clone()),
                region_code: Set(party.region_code.clone()),
                kind: Set(party.kind.map(|k| k.as_str().to_owned())),
                organisation_id: Set(org.as_ref().map(|o| o.id)),
                created_by: Set(caller.user_id.0),
                created_at: Set(at),
                updated_at: Set(at),
            }
            .insert(db)
            .await?
        }
    };
    Ok(match org {
        Some(o) => Side {
            organisation_id: Some(o.id),
            party_id: Some(row.id),
            country: o.country,
            region_code: o.region_code,
        },
        None => Side {
            organisation_id: row.organisation_id,
            party_id: Some(row.id),
            country: row.country,
            region_code: row.region_code,
        },
    })
}

/// Links the parties recorded under the organisation's credit code to it, and names it on
/// their contracts. Idempotent: run again, it finds nothing left to link.
#[tracing::instrument(skip_all, fields(organisation.id = %organisation_id))]
pub async fn link_organisation(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
) -> anyhow::Result<u64> {
    let Some(org) = organisations::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    // Only an organisation the operators verified holds its credit code for sure: anyone can
    // sign up claiming a code, and linking would show them the party's contracts.
    if org.verification_status != wire::VerificationStatus::Verified.as_str() {
        return Ok(0);
    }
    let Some(code) = org.credit_code else {
        return Ok(0);
    };
    let parties: Vec<Uuid> = recorded_parties::Entity::find()
        .filter(recorded_parties::Column::CreditCode.eq(code.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if parties.is_empty() {
        return Ok(0);
    }
    recorded_parties::Entity::update_many()
        .col_expr(
            recorded_parties::Column::OrganisationId,
            Expr::value(Some(org.id)),
        )
        .col_expr(recorded_parties::Column::UpdatedAt, Expr::value(now()))
        .filter(recorded_parties::Column::Id.is_in(parties.clone()))
        .exec(db)
        .await?;
    let mut linked = 0;
    for (party_col, org_col) in [
        (
            contracts::Column::SellerPartyId,
            contracts::Column::SellerOrganisationId,
        ),
        (
            contracts::Column::BuyerPartyId,
            contracts::Column::BuyerOrganisationId,
        ),
        (
            contracts::Column::IntermediaryPartyId,
            contracts::Column::IntermediaryOrganisationId,
        ),
    ] {
        let res = contracts::Entity::update_many()
            .col_expr(org_col, Expr::value(Some(org.id)))
            .filter(party_col.is_in(parties.clone()))
            .filter(org_col.is_null())
            .exec(db)
            .await?;
        linked += res.rows_affected;
    }
    tracing::info!(contracts.linked = linked, "recorded parties linked");
    Ok(linked)
}

/// The parties of a contract as the registration file shows them.
pub async fn parties_of(
    db: &impl ConnectionTrait,
    c: &contracts::Model,
) -> ApiResult<Vec<PartyOut>> {
    let sides = [
        (
            PartyRole::Seller,
            c.seller_organisation_id,
            c.seller_party_id,
            &c.seller_country,
            &c.seller_region_code,
        ),
        (
            PartyRole::Buyer,
            c.buyer_organisation_id,
            c.buyer_party_id,
            &c.buyer_country,
            &c.buyer_region_code,
        ),
        (
            PartyRole::Intermediary,
            c.intermediary_organisation_id,
            c.intermediary_party_id,
            &String::new(),
            &String::new(),
        ),
    ];
    let mut out = Vec::new();
    for (role, org_id, party_id, country, region) in sides {
        if org_id.is_none() && party_id.is_none() {
            continue;
        }
        let org = match org_id {
            Some(id) => organisations::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        let party = match party_id {
            Some(id) => recorded_parties::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        let name = org
            .as_ref()
            .map(|o| o.name.clone())
            .or_else(|| party.as_ref().map(|p| p.name.clone()))
            .unwrap_or_default();
        out.push(PartyOut {
            role,
            organisation_id: org_id,
            recorded_party_id: party_id,
            name,
            credit_code: org
                .as_ref()
                .and_then(|o| o.credit_code.clone())
                .or_else(|| party.as_ref().and_then(|p| p.credit_code.clone())),
            foreign_registration_number: party
                .as_ref()
                .and_then(|p| p.foreign_registration_number.clone()),
            country: if country.is_empty() {
                org.as_ref()
                    .map(|o| o.country.clone())
                    .or_else(|| party.as_ref().map(|p| p.country.clone()))
                    .unwrap_or_default()
            } else {
                country.clone()
            },
            region_code: if region.is_empty() {
                org.as_ref()
                    .map(|o| o.region_code.clone())
                    .or_else(|| party.as_ref().map(|p| p.region_code.clone()))
                    .unwrap_or_default()
            } else {
                region.clone()
            },
            kind: org
                .as_ref()
                .and_then(|o| OrgKind::parse(&o.kind))
                .or_else(|| {
                    party
                        .as_ref()
                        .and_then(|p| p.kind.as_deref())
                        .and_then(OrgKind::parse)
                }),
        });
    }
    Ok(out)
}

/// The display name of one side (organisation or recorded party).
pub async fn name_of(
    db: &impl ConnectionTrait,
    org: Option<Uuid>,
    party: Option<Uuid>,
) -> ApiResult<String> {
    if let Some(id) = org {
        if let Some(o) = organisations::Entity::find_by_id(id).one(db).await? {
            return Ok(o.name);
        }
    }
    if let Some(id) = party {
        if let Some(p) = recorded_parties::Entity::find_by_id(id).one(db).await? {
            return Ok(p.name);
        }
    }
    Ok(String::new())
}

/// 422 for a side named twice or not at all.
pub fn one_of(org: Option<Uuid>, party: bool, path: &str) -> ApiResult<()> {
    match (org.is_some(), party) {
        (true, true) => Err(ApiError::field(
            path,
            "name the party either as an organisation on the platform or as a recorded party",
        )),
        _ => Ok(()),
    }
}
