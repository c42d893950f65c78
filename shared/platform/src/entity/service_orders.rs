//! `SeaORM` Entity for `service_orders` (issue #16; written by the deal service).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "service_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub service_id: Uuid,
    pub provider_organisation_id: Uuid,
    pub requester_organisation_id: Uuid,
    pub state: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub quote_minor: Option<i64>,
    pub currency: String,
    pub voucher_id: Option<Uuid>,
    pub voucher_minor: i64,
    pub requested_by: Uuid,
    pub version: i32,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
