//! `SeaORM` Entity for `listing_revisions` (written by hand to match
//! `m20261202_000008_listing_revisions`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, Serialize, Deserialize)]
#[sea_orm(table_name = "listing_revisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub listing_kind: String,
    pub listing_id: Uuid,
    pub organisation_id: Uuid,
    pub status: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub proposed: Json,
    pub base_version: i32,
    pub proposed_by: Uuid,
    pub reviewed_by: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
    pub reviewed_at: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
