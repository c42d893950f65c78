//! `SeaORM` Entity for `voucher_ledger` (issue #16; written by the deal service).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "voucher_ledger")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub programme_id: Uuid,
    pub voucher_id: Uuid,
    pub kind: String,
    pub amount_minor: i64,
    pub currency: String,
    pub order_id: Option<Uuid>,
    /// The technology contract the line's voucher paid (migration 110).
    pub contract_id: Option<Uuid>,
    pub region_code: String,
    pub service_kind: Option<String>,
    pub actor_id: Uuid,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
