//! City sub-markets: which cities a person who works a city's registration office may act in.
//!
//! A city office (登记点) lists its operators in `office_operators`. The same membership that
//! decides whose registrations an office works confines what its people read and do: an
//! operator listed only in city offices reviews, verifies, moderates and reads the listings,
//! organisations, deals and contracts of those cities and no other, and reads those cities'
//! statistics. A platform operator in no office, and anyone listed in the provincial office,
//! works the whole platform as before.
//!
//! Both the listing service (review queue, verification, listing lists) and the deal service
//! (deals, contracts, registrations, statistics, operator administration) ask this module, so
//! the rule has one home. It reads the deal service's office tables: it never writes them.
//!
//! What is "in a city": an organisation registered in China under a region code of the city
//! (`450103` is in `450100` Nanning); a contract whose seller or buyer is recorded there; a deal
//! whose seller or buyer organisation is. Another city's object is answered as if it did not
//! exist (404), so a city's staff learn nothing about their neighbours' queues.

use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;
use wire::OfficeKind;

use crate::auth::AuthUser;
use crate::entity::{office_operators, organisations, registration_offices};
use crate::error::{ApiError, ApiResult};

/// The prefecture-level city of a Chinese region code (`450103` → `450100`); anything that is
/// not a six-character code is its own city.
pub fn city_of(region: &str) -> String {
    if region.len() == 6 && region.is_ascii() {
        format!("{}00", &region[..4])
    } else {
        region.to_owned()
    }
}

/// The `LIKE` pattern of the region codes in `city` (`450100` → `4501__`), or `None` for a code
/// that names no prefecture-level city (those match exactly).
fn region_pattern(city: &str) -> Option<String> {
    (city.len() == 6 && city.is_ascii() && city.ends_with("00") && !city.ends_with("0000"))
        .then(|| format!("{}__", &city[..4]))
}

/// The cities of the city offices that list `caller`, or `None` when the caller reads the
/// statistics as before: anonymous readers, people in no office (a platform operator among
/// them), anyone listed in the provincial office, and the people of inactive offices only
/// (who read as the public does).
#[tracing::instrument(skip_all)]
pub async fn cities(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
) -> ApiResult<Option<Vec<String>>> {
    let Some(caller) = caller else {
        return Ok(None);
    };
    Ok(office_cities(db, caller)
        .await?
        .filter(|cities| !cities.is_empty()))
}

/// The cities of the active city offices that list `caller`; `None` for someone in no office
/// or in the provincial office. An empty list: listed only in inactive offices.
async fn office_cities(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
) -> ApiResult<Option<Vec<String>>> {
    let ids: Vec<Uuid> = office_operators::Entity::find()
        .filter(office_operators::Column::UserId.eq(caller.user_id.0))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.office_id)
        .collect();
    if ids.is_empty() {
        return Ok(None);
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
        return Ok(None);
    }
    let mut cities: Vec<String> = offices.iter().map(|o| city_of(&o.region_code)).collect();
    cities.sort();
    cities.dedup();
    Ok(Some(cities))
}

/// True when the caller is an operator whose scope holds the organisation `org`: what the
/// "operators may see it too" half of a members-and-operators rule asks.
pub async fn operator_covers(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    org: Uuid,
) -> ApiResult<bool> {
    match OperatorScope::of_operator(db, caller).await? {
        Some(scope) => scope.covers_organisation(db, org).await,
        None => Ok(false),
    }
}

/// Where an operator may act: everywhere, or only in some cities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorScope {
    /// A platform operator in no city office (or in the provincial office).
    Everywhere,
    /// A platform operator listed in city offices: these cities only.
    Cities(Vec<String>),
}

impl OperatorScope {
    /// The scope of an operator; 403 for a caller who is no platform operator.
    #[tracing::instrument(skip_all, fields(user.id = %caller.user_id.0))]
    pub async fn of(db: &impl ConnectionTrait, caller: &AuthUser) -> ApiResult<OperatorScope> {
        caller.require_operator()?;
        // An operator whose city offices were all closed acts nowhere (an empty list covers
        // nothing) rather than everywhere: closing an office never widens its people.
        Ok(match office_cities(db, caller).await? {
            Some(cities) => OperatorScope::Cities(cities),
            None => OperatorScope::Everywhere,
        })
    }

    /// The scope of the caller if they are an operator, `None` for everyone else (who get no
    /// operator's view at all).
    pub async fn of_operator(
        db: &impl ConnectionTrait,
        caller: Option<&AuthUser>,
    ) -> ApiResult<Option<OperatorScope>> {
        match caller {
            Some(c) if c.is_operator => Ok(Some(Self::of(db, c).await?)),
            _ => Ok(None),
        }
    }

    /// True when a place (country, region code) is in the scope.
    pub fn covers(&self, country: &str, region: &str) -> bool {
        match self {
            OperatorScope::Everywhere => true,
            OperatorScope::Cities(cities) => {
                country == "CN" && cities.iter().any(|c| *c == city_of(region))
            }
        }
    }

    /// True when a Chinese region code (a programme's home region, a voucher's region) is in
    /// the scope.
    pub fn covers_region(&self, region: &str) -> bool {
        self.covers("CN", region)
    }

    /// True when the organisation `id` is in the scope (a missing one is in no city).
    pub async fn covers_organisation(
        &self,
        db: &impl ConnectionTrait,
        id: Uuid,
    ) -> ApiResult<bool> {
        if *self == OperatorScope::Everywhere {
            return Ok(true);
        }
        let n = organisations::Entity::find()
            .filter(organisations::Column::Id.eq(id))
            .filter(self.place_condition(
                organisations::Column::Country,
                organisations::Column::RegionCode,
            ))
            .count(db)
            .await?;
        Ok(n > 0)
    }

    /// True when any of the organisations is in the scope.
    pub async fn covers_any_organisation(
        &self,
        db: &impl ConnectionTrait,
        ids: &[Uuid],
    ) -> ApiResult<bool> {
        if *self == OperatorScope::Everywhere {
            return Ok(true);
        }
        let n = organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(ids.iter().copied()))
            .filter(self.place_condition(
                organisations::Column::Country,
                organisations::Column::RegionCode,
            ))
            .count(db)
            .await?;
        Ok(n > 0)
    }

    /// 404 (as for a row that does not exist) unless the organisation `id` is in the scope;
    /// `what` names the object the caller asked for.
    pub async fn ensure_organisation(
        &self,
        db: &impl ConnectionTrait,
        id: Uuid,
        what: impl FnOnce() -> String,
    ) -> ApiResult<()> {
        if self.covers_organisation(db, id).await? {
            Ok(())
        } else {
            Err(ApiError::not_found(what()))
        }
    }

    /// The SQL condition "this (country, region) column pair is in the scope"; everywhere is a
    /// condition every row meets.
    pub fn place_condition(
        &self,
        country: impl ColumnTrait,
        region: impl ColumnTrait,
    ) -> Condition {
        match self {
            OperatorScope::Everywhere => Condition::all(),
            OperatorScope::Cities(cities) => {
                // An empty `any` adds nothing to a query (every row), so no city at all is
                // spelled as a condition no row meets.
                let mut any = Condition::any().add(Expr::val(1).eq(0));
                for city in cities {
                    any = any.add(match region_pattern(city) {
                        Some(p) => region.like(p),
                        None => region.eq(city.clone()),
                    });
                }
                Condition::all().add(country.eq("CN")).add(any)
            }
        }
    }

    /// `SELECT id FROM organisations WHERE <in the scope>`, for `column IN (…)` filters; `None`
    /// for everywhere (no filter).
    pub fn organisations_in(&self) -> Option<SelectStatement> {
        match self {
            OperatorScope::Everywhere => None,
            OperatorScope::Cities(_) => Some(
                Query::select()
                    .column(organisations::Column::Id)
                    .from(organisations::Entity)
                    .cond_where(self.place_condition(
                        organisations::Column::Country,
                        organisations::Column::RegionCode,
                    ))
                    .to_owned(),
            ),
        }
    }

    /// The condition "the organisation in any of `columns` is in the scope" (a deal's seller
    /// or buyer); every row for everywhere.
    pub fn organisation_condition<C: ColumnTrait>(&self, columns: &[C]) -> Condition {
        match self.organisations_in() {
            None => Condition::all(),
            Some(orgs) => {
                let mut any = Condition::any().add(Expr::val(1).eq(0));
                for c in columns {
                    any = any.add(c.in_subquery(orgs.clone()));
                }
                any
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_is_in_its_city_and_nowhere_else() {
        let nanning = OperatorScope::Cities(vec!["450100".to_owned()]);
        assert!(nanning.covers("CN", "450103"));
        assert!(nanning.covers("CN", "450100"));
        assert!(!nanning.covers("CN", "450300"));
        assert!(
            !nanning.covers("CN", "450000"),
            "the province is in no city"
        );
        assert!(
            !nanning.covers("VN", "450103"),
            "a code is Chinese only in China"
        );
        assert!(OperatorScope::Everywhere.covers("TH", "TH-10"));
        assert!(
            !OperatorScope::Cities(vec![]).covers("CN", "450103"),
            "closed offices cover nothing"
        );
        assert_eq!(region_pattern("450100").as_deref(), Some("4501__"));
        assert_eq!(region_pattern("450000"), None);
        assert_eq!(city_of("450103"), "450100");
    }
}
