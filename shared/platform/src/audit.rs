//! The audit log: every write records who did what to which row, with before and after, and
//! the id of the HTTP request that did it (`x-request-id`), so an entry can be matched with the
//! request's log lines. The table is append-only: database triggers refuse UPDATE and DELETE.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::Serialize;
use tower_http::request_id::RequestId;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::entity::audit_log;
use crate::ids::new_uuid;

tokio::task_local! {
    /// The id of the request being handled. A task-local rather than a parameter: every
    /// domain function that writes an audit entry runs inside the request's future, and
    /// threading the id through all of them (in every service) would touch each signature
    /// for a value only the audit row needs.
    static REQUEST_ID: Option<String>;
}

/// Middleware: runs the rest of the request inside a scope that knows its request id (set by
/// `SetRequestIdLayer`, which must be outside this layer).
pub async fn scope_request_id(req: Request, next: Next) -> Response {
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        // The column holds 64 characters; a client-sent id may be longer.
        .map(|s| s.chars().take(64).collect::<String>());
    REQUEST_ID.scope(id, next.run(req)).await
}

/// The current request's id, `None` outside a request (jobs, commands).
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok().flatten()
}

/// Runs `fut` knowing `request_id`: for work a request hands to a task of its own (a task-local
/// does not cross `tokio::spawn`), so its audit entries still name the request.
pub async fn with_request_id<F: std::future::Future>(
    request_id: Option<String>,
    fut: F,
) -> F::Output {
    REQUEST_ID.scope(request_id, fut).await
}

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
        let actor_user = self.actor.map(|a| a.user_id.0);
        let actor_org = self.actor.and_then(|a| a.organisation_id.map(|o| o.0));
        self.record_by(db, actor_user, actor_org, before, after)
            .await
    }

    /// Like [`AuditEntry::record`], for an actor known only by id (a login, before there is a
    /// session). `actor` is ignored.
    pub async fn record_by<B: Serialize, A: Serialize>(
        self,
        db: &impl ConnectionTrait,
        actor_user_id: Option<Uuid>,
        actor_organisation_id: Option<Uuid>,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<(), DbErr> {
        let to_json = |v: Option<serde_json::Value>| v.filter(|v| !v.is_null());
        audit_log::ActiveModel {
            id: Set(new_uuid()),
            actor_user_id: Set(actor_user_id),
            actor_organisation_id: Set(actor_organisation_id),
            service: Set(self.service.to_owned()),
            action: Set(self.action.to_owned()),
            entity_type: Set(self.entity_type.to_owned()),
            entity_id: Set(self.entity_id),
            before: Set(to_json(before.and_then(|b| serde_json::to_value(b).ok()))),
            after: Set(to_json(after.and_then(|a| serde_json::to_value(a).ok()))),
            request_id: Set(current_request_id()),
            created_at: Set(Utc::now().into()),
        }
        .insert(db)
        .await?;
        Ok(())
    }
}

/// Many audited changes of one kind by one actor, written together: the batch intake audits
/// each row it registers without paying one INSERT per row. One multi-row INSERT per
/// [`BATCH_ROWS`] entries, on the connection given (pass the transaction that makes the
/// changes, so the entries commit or vanish with them).
pub struct AuditBatch {
    pub actor_user_id: Option<Uuid>,
    pub actor_organisation_id: Option<Uuid>,
    pub service: &'static str,
    pub action: &'static str,
    pub entity_type: &'static str,
}

/// Entries per INSERT of an [`AuditBatch`]: 11 columns each, far below the bound-parameter
/// limits of SQLite (32,766) and PostgreSQL (65,535).
pub const BATCH_ROWS: usize = 500;

impl AuditBatch {
    /// Writes one entry per `(entity_id, after)`; returns how many.
    pub async fn record(
        &self,
        db: &impl ConnectionTrait,
        entries: impl IntoIterator<Item = (Uuid, serde_json::Value)>,
    ) -> Result<usize, DbErr> {
        use sea_orm::EntityTrait;
        let request_id = current_request_id();
        let at: chrono::DateTime<chrono::FixedOffset> = Utc::now().into();
        let rows: Vec<audit_log::ActiveModel> = entries
            .into_iter()
            .map(|(entity_id, after)| audit_log::ActiveModel {
                id: Set(new_uuid()),
                actor_user_id: Set(self.actor_user_id),
                actor_organisation_id: Set(self.actor_organisation_id),
                service: Set(self.service.to_owned()),
                action: Set(self.action.to_owned()),
                entity_type: Set(self.entity_type.to_owned()),
                entity_id: Set(entity_id),
                before: Set(None),
                after: Set(Some(after).filter(|v| !v.is_null())),
                request_id: Set(request_id.clone()),
                created_at: Set(at),
            })
            .collect();
        for chunk in rows.chunks(BATCH_ROWS) {
            audit_log::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        Ok(rows.len())
    }
}
