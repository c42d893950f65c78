//! `SeaORM` Entity for `vouchers` (issue #16; written by the deal service).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "vouchers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub programme_id: Uuid,
    pub organisation_id: Uuid,
    pub region_code: String,
    pub state: String,
    #[sea_orm(column_type = "Text")]
    pub purpose: String,
    pub reserved_minor: i64,
    pub redeemed_minor: i64,
    pub currency: String,
    pub order_id: Option<Uuid>,
    /// The technology contract it paid (migration 110), if it paid one instead of an order.
    pub contract_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_note: Option<String>,
    pub applied_by: Uuid,
    pub applied_at: DateTimeWithTimeZone,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeWithTimeZone>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
