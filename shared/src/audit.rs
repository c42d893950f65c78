//! The audit log: every write records who did what to which row, with before and after.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::entity::audit_log;
use crate::ids::new_uuid;

/// One audited change.
pub struct AuditEntry<'a> {
    pub actor: Option<&'a AuthUser>,
    pub service: &'static str,
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: Uuid,
}

impl AuditEntry<'_> {
    /// Writes the entry on `db` (pass the transaction that makes the change).
    pub async fn record<B: Serialize, A: Serialize>(
        self,
        db: &impl ConnectionTrait,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<(), DbErr> {
        let to_json = |v: Option<serde_json::Value>| v.filter(|v| !v.is_null());
        audit_log::ActiveModel {
            id: Set(new_uuid()),
            actor_user_id: Set(self.actor.map(|a| a.user_id.0)),
            actor_organisation_id: Set(self.actor.and_then(|a| a.organisation_id.map(|o| o.0))),
            service: Set(self.service.to_owned()),
            action: Set(self.action.to_owned()),
            entity_type: Set(self.entity_type.to_owned()),
            entity_id: Set(self.entity_id),
            before: Set(to_json(before.and_then(|b| serde_json::to_value(b).ok()))),
            after: Set(to_json(after.and_then(|a| serde_json::to_value(a).ok()))),
            request_id: Set(None),
            created_at: Set(Utc::now().into()),
        }
        .insert(db)
        .await?;
        Ok(())
    }
}
