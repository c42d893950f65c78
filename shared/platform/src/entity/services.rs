//! `SeaORM` Entity for `services` (issue #16; written by the deal service).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "services")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub kind: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub capacity: Option<String>,
    pub lead_time_days: i32,
    pub price_min_minor: i64,
    pub price_max_minor: i64,
    pub currency: String,
    pub accreditation: Option<String>,
    pub region_code: String,
    pub sample: bool,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
    /// When the provider withdrew it from the directory (migration 110).
    pub withdrawn_at: Option<DateTimeWithTimeZone>,
    pub withdrawn_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
