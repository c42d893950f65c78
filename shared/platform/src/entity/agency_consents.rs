//! `SeaORM` Entity, written to match `m20261203_000060_training_agencies_partners`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "agency_consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agency_organisation_id: Uuid,
    pub client_organisation_id: Uuid,
    pub scope: String,
    pub granted_by: Uuid,
    pub granted_at: DateTimeWithTimeZone,
    pub withdrawn_by: Option<Uuid>,
    pub withdrawn_at: Option<DateTimeWithTimeZone>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
