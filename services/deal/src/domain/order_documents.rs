//! Documents attached to service orders (issue #16): the quote, test reports, the delivery
//! note. Either side of the order — a member of the provider or of the requester — attaches
//! them and both download them; operators, who see every order, may read them too. Everyone
//! else gets the order's 404 ([`service_orders::find_visible`] is the one rule: a document has
//! none of its own).
//!
//! The bytes go through the one document path (`platform::documents::store_then_record`: the
//! store's sniffing allow-list, size limit, hashing, and no bytes left without a row) under
//! `service_orders/<order>/<document>` keys, deal's own namespace, which the retention job
//! sweeps like `contracts/`. Each upload is a row of the order's history (`document`) and of
//! the audit log; each download is audited.

use std::sync::Arc;

use docstore::{ByteStream, DocumentKey, DocumentStore};
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::documents::{display_name, read_error, stored_key};
use platform::entity::service_order_documents;
use platform::error::{ApiError, ApiResult};
use platform::ids::new_uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use wire::services::OrderDocumentOut;
use wire::OrderDocumentKind;

use super::service_orders::{self, is_party};
use super::{now, paging, Page};
use crate::SERVICE;

/// The store namespace of order documents: keys are `service_orders/<order>/<document>`.
pub const NAMESPACE: &str = "service_orders";

/// Audited as this entity type.
const ENTITY: &str = "service_order_document";

/// The kind of the order's history row an upload writes.
pub const EVENT: &str = "document";

/// What describes an upload (query parameters; the body is the file itself).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// What the document is: `quote`, `test_report`, `delivery_note` or `other`.
    pub kind: OrderDocumentKind,
    /// The file's name, shown in lists and suggested on download; only its last path part is
    /// kept, and never as part of where the file is stored. Default: `document.<type>`.
    pub file_name: Option<String>,
}

/// A response value for a stored row.
pub fn to_out(m: service_order_documents::Model) -> ApiResult<OrderDocumentOut> {
    let kind = m
        .kind
        .parse::<OrderDocumentKind>()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("service order document {}: {e}", m.id)))?;
    Ok(OrderDocumentOut {
        download_url: format!("/api/v1/service-orders/{}/documents/{}", m.order_id, m.id),
        id: m.id,
        order_id: m.order_id,
        kind,
        file_name: m.file_name,
        content_type: m.content_type,
        size_bytes: m.size_bytes,
        sha256: m.sha256,
        uploaded_by: m.uploaded_by,
        uploaded_by_organisation_id: m.uploaded_by_organisation_id,
        created_at: m.created_at,
    })
}

fn audit<'a>(caller: &'a AuthUser, action: &'static str, id: Uuid) -> AuditEntry<'a> {
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action,
        entity_type: ENTITY,
        entity_id: id,
    }
}

/// The organisation of the side the caller acts for on `order`: 404 when the caller may not
/// see the order, 403 when it sees it without being a side (an operator).
#[tracing::instrument(skip_all, fields(order.id = %order_id))]
pub async fn side_of(
    db: &DatabaseConnection,
    caller: &AuthUser,
    order_id: Uuid,
) -> ApiResult<(Uuid, Uuid)> {
    let order = service_orders::find_visible(db, caller, order_id).await?;
    if !is_party(caller, &order) {
        return Err(ApiError::Forbidden(
            "only the provider and the requester attach documents to an order".to_owned(),
        ));
    }
    let side = if caller.belongs_to(order.provider_organisation_id.into()) {
        order.provider_organisation_id
    } else {
        order.requester_organisation_id
    };
    Ok((order.id, side))
}

/// Stores `body` as a document of the order and records it, with a row of the order's history.
///
/// The write and the rows run on a task of their own (`store_then_record`): a dropped request
/// still either finishes both or cleans up.
#[tracing::instrument(skip_all, fields(order.id = %order_id))]
pub async fn upload(
    db: &DatabaseConnection,
    store: &Arc<dyn DocumentStore>,
    caller: &AuthUser,
    order_id: Uuid,
    params: UploadParams,
    body: ByteStream,
    max_bytes: u64,
) -> ApiResult<OrderDocumentOut> {
    let (order_id, side) = side_of(db, caller, order_id).await?;
    let id = new_uuid();
    let key = DocumentKey::new(NAMESPACE, order_id, id)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    let db = db.clone();
    let caller = caller.clone();
    platform::documents::store_then_record(
        store,
        key.clone(),
        body,
        max_bytes,
        move |stored| async move {
            let file_name =
                display_name(params.file_name.as_deref(), stored.content_type.extension());
            let row = service_order_documents::ActiveModel {
                id: Set(id),
                order_id: Set(order_id),
                kind: Set(params.kind.as_str().to_owned()),
                file_name: Set(file_name.clone()),
                content_type: Set(stored.content_type.mime().to_owned()),
                size_bytes: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
                sha256: Set(stored.sha256.clone()),
                storage_key: Set(key.to_string()),
                uploaded_by: Set(caller.user_id.0),
                uploaded_by_organisation_id: Set(side),
                created_at: Set(now()),
            };
            let txn = db.begin().await?;
            let m = row.insert(&txn).await?;
            service_orders::record_event(
                &txn,
                order_id,
                EVENT,
                caller.user_id.0,
                Some(format!("{}: {file_name}", params.kind.as_str())),
                None,
            )
            .await?;
            audit(&caller, "service_order_document.uploaded", m.id)
                .record(&txn, None::<&()>, Some(&m))
                .await?;
            txn.commit().await?;
            to_out(m)
        },
    )
    .await
}

/// An order's documents, newest first (whoever sees the order).
#[tracing::instrument(skip_all, fields(order.id = %order_id))]
pub async fn list(
    db: &DatabaseConnection,
    caller: &AuthUser,
    order_id: Uuid,
    page: Option<u64>,
    per_page: Option<u64>,
) -> ApiResult<Page<OrderDocumentOut>> {
    service_orders::find_visible(db, caller, order_id).await?;
    platform::paging::fetch_page(
        db,
        service_order_documents::Entity::find()
            .filter(service_order_documents::Column::OrderId.eq(order_id))
            .order_by_desc(service_order_documents::Column::CreatedAt)
            .order_by_desc(service_order_documents::Column::Id),
        paging(page, per_page),
        to_out,
    )
    .await
}

/// A document being downloaded: its row and its bytes.
pub struct Download {
    pub document: OrderDocumentOut,
    pub body: ByteStream,
}

/// Opens a document for download (whoever sees the order; 404 for anyone else, whichever part
/// is missing or hidden), and audits that the caller read it.
#[tracing::instrument(skip_all, fields(order.id = %order_id, document.id = %document_id))]
pub async fn download(
    db: &DatabaseConnection,
    store: &Arc<dyn DocumentStore>,
    caller: &AuthUser,
    order_id: Uuid,
    document_id: Uuid,
) -> ApiResult<Download> {
    service_orders::find_visible(db, caller, order_id).await?;
    let m = service_order_documents::Entity::find_by_id(document_id)
        .filter(service_order_documents::Column::OrderId.eq(order_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("document {document_id}")))?;
    let key = stored_key(&m.storage_key)?;
    let stored = store.get(&key).await.map_err(read_error)?;
    audit(caller, "service_order_document.downloaded", m.id)
        .record(
            db,
            None::<&()>,
            Some(&serde_json::json!({"sha256": m.sha256, "size_bytes": m.size_bytes})),
        )
        .await?;
    Ok(Download {
        document: to_out(m)?,
        body: stored.body,
    })
}

/// Removes the order documents' bytes no row points at, written before `cutoff` (see
/// [`platform::documents::sweep_orphans`]). Returns how many were removed.
pub async fn sweep_orphans(
    db: &impl sea_orm::ConnectionTrait,
    store: &Arc<dyn DocumentStore>,
    cutoff: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<u64> {
    platform::documents::sweep_orphans(store, NAMESPACE, cutoff, |names| async move {
        Ok(service_order_documents::Entity::find()
            .filter(service_order_documents::Column::StorageKey.is_in(names))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.storage_key)
            .collect())
    })
    .await
}
