//! `SeaORM` Entity for `voucher_programmes` (issue #16; written by the deal service).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "voucher_programmes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub issuer: String,
    pub budget_minor: i64,
    pub currency: String,
    pub eligible_org_kinds: Json,
    pub eligible_service_kinds: Json,
    pub face_value_minor: Option<i64>,
    pub share_bp: Option<i32>,
    pub cap_minor: Option<i64>,
    pub valid_from: Date,
    pub valid_until: Date,
    pub cross_region: bool,
    pub home_region: String,
    pub issued_minor: i64,
    pub redeemed_minor: i64,
    pub released_minor: i64,
    pub claimed_minor: i64,
    pub sample: bool,
    pub created_by: Uuid,
    pub created_at: DateTimeWithTimeZone,
    /// Whether its vouchers may pay technology contracts too (migration 110).
    pub pays_contracts: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
