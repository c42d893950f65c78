//! Documents attached to contracts: the signed contract, annexes, invoices.
//!
//! Who may see, upload and download them is exactly who may see the contract
//! ([`super::access::ensure_contract_visible`], through [`contracts::get`]): there is no rule of
//! their own, so a change to who sees contracts (registration offices, say) carries over. Anyone
//! else gets the contract's 404. Deleting is for the uploader and operators.
//!
//! The bytes go to the document store (`docstore`) under a key made of the contract's and the
//! document's ids; the store refuses a type off its allow-list (415) or a body over
//! `documents.max_bytes` (413), and hashes what it keeps. The row is written only after the
//! bytes are safely stored, and the bytes are removed again when the row cannot be written, so
//! a row never points at nothing and a failed upload leaves nothing behind. Upload, download
//! and delete are each audited.

use std::sync::Arc;

use docstore::{ByteStream, DocumentKey, DocumentStore};
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::documents::{display_name, read_error, stored_key};
use platform::entity::contract_documents;
use platform::error::{ApiError, ApiResult};
use platform::ids::new_uuid;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use wire::vocabulary::deal::ContractDocumentKind;

pub use wire::documents::ContractDocumentOut;

use super::{contracts, now, paging, Page};
use crate::SERVICE;

/// The store namespace of contract documents: keys are `contracts/<contract>/<document>`.
pub const NAMESPACE: &str = "contracts";

/// Audited as this entity type.
const ENTITY: &str = "contract_document";

/// What describes an upload (query parameters; the body is the file itself).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// What the document is: `signed_contract`, `annex`, `invoice` or `other`.
    pub kind: ContractDocumentKind,
    /// The file's name, shown in lists and suggested on download; only its last path part is
    /// kept, and never as part of where the file is stored. Default: `document.<type>`.
    pub file_name: Option<String>,
}

/// A response value for a stored row.
pub fn to_out(m: contract_documents::Model) -> ApiResult<ContractDocumentOut> {
    let kind = m
        .kind
        .parse::<ContractDocumentKind>()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("contract document {}: {e}", m.id)))?;
    Ok(ContractDocumentOut {
        download_url: format!("/api/v1/contracts/{}/documents/{}", m.contract_id, m.id),
        id: m.id,
        contract_id: m.contract_id,
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

/// Stores `body` as a document of contract `contract_id` and records it.
///
/// The write and the row run on a task of their own: if the request is dropped midway (the
/// client goes away, the request times out), the task still either finishes both or cleans up,
/// so a dropped request cannot leave bytes without a row.
#[tracing::instrument(skip_all, fields(contract.id = %contract_id))]
pub async fn upload(
    db: &DatabaseConnection,
    store: &Arc<dyn DocumentStore>,
    caller: &AuthUser,
    contract_id: Uuid,
    params: UploadParams,
    body: ByteStream,
    max_bytes: u64,
) -> ApiResult<ContractDocumentOut> {
    let contract = contracts::get(db, caller, contract_id).await?;
    let id = new_uuid();
    let key = DocumentKey::new(NAMESPACE, contract.id, id)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    let db = db.clone();
    let caller = caller.clone();
    platform::documents::store_then_record(
        store,
        key.clone(),
        body,
        max_bytes,
        move |stored| async move {
            let row = contract_documents::ActiveModel {
                id: Set(id),
                contract_id: Set(contract.id),
                kind: Set(params.kind.as_str().to_owned()),
                file_name: Set(display_name(
                    params.file_name.as_deref(),
                    stored.content_type.extension(),
                )),
                content_type: Set(stored.content_type.mime().to_owned()),
                size_bytes: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
                sha256: Set(stored.sha256.clone()),
                storage_key: Set(key.to_string()),
                uploaded_by: Set(caller.user_id.0),
                uploaded_by_organisation_id: Set(caller.organisation_id.map(|o| o.0)),
                created_at: Set(now()),
                deleted_at: Set(None),
                deleted_by: Set(None),
            };
            let txn = db.begin().await?;
            let m = row.insert(&txn).await?;
            audit(&caller, "contract_document.uploaded", m.id)
                .record(&txn, None::<&()>, Some(&m))
                .await?;
            txn.commit().await?;
            to_out(m)
        },
    )
    .await
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

/// A contract's documents (not deleted ones), newest first.
pub async fn list(
    db: &DatabaseConnection,
    caller: &AuthUser,
    contract_id: Uuid,
    page: Option<u64>,
    per_page: Option<u64>,
) -> ApiResult<Page<ContractDocumentOut>> {
    contracts::get(db, caller, contract_id).await?;
    let (page, per_page) = paging(page, per_page);
    platform::paging::fetch_page(
        db,
        contract_documents::Entity::find()
            .filter(contract_documents::Column::ContractId.eq(contract_id))
            .filter(contract_documents::Column::DeletedAt.is_null())
            .order_by_desc(contract_documents::Column::CreatedAt)
            .order_by_desc(contract_documents::Column::Id),
        (page, per_page),
        to_out,
    )
    .await
}

/// A live document of a contract the caller may see; 404 otherwise (whichever part is
/// missing or hidden).
async fn find_visible(
    db: &DatabaseConnection,
    caller: &AuthUser,
    contract_id: Uuid,
    document_id: Uuid,
) -> ApiResult<contract_documents::Model> {
    contracts::get(db, caller, contract_id).await?;
    contract_documents::Entity::find_by_id(document_id)
        .filter(contract_documents::Column::ContractId.eq(contract_id))
        .filter(contract_documents::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("document {document_id}")))
}

/// A document being downloaded: its row and its bytes.
pub struct Download {
    pub document: ContractDocumentOut,
    pub body: ByteStream,
}

/// Opens a document for download, and audits that the caller read it.
#[tracing::instrument(skip_all, fields(contract.id = %contract_id, document.id = %document_id))]
pub async fn download(
    db: &DatabaseConnection,
    store: &Arc<dyn DocumentStore>,
    caller: &AuthUser,
    contract_id: Uuid,
    document_id: Uuid,
) -> ApiResult<Download> {
    let m = find_visible(db, caller, contract_id, document_id).await?;
    let key = stored_key(&m.storage_key)?;
    let stored = store.get(&key).await.map_err(read_error)?;
    audit(caller, "contract_document.downloaded", m.id)
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

/// Deletes a document: its uploader or an operator (others who see the contract get a 403).
/// The row stays, marked deleted, for the record; the bytes are removed after the row is.
#[tracing::instrument(skip_all, fields(contract.id = %contract_id, document.id = %document_id))]
pub async fn delete(
    db: &DatabaseConnection,
    store: &Arc<dyn DocumentStore>,
    caller: &AuthUser,
    contract_id: Uuid,
    document_id: Uuid,
) -> ApiResult<()> {
    let m = find_visible(db, caller, contract_id, document_id).await?;
    if !(caller.is_operator || m.uploaded_by == caller.user_id.0) {
        return Err(ApiError::Forbidden(
            "only the uploader or an operator may delete a document".to_owned(),
        ));
    }
    let key = stored_key(&m.storage_key)?;
    let txn = db.begin().await?;
    let deleted_at = now();
    // Only a live row: of two deletions at once, one wins and the other gets the 404.
    let changed = contract_documents::Entity::update_many()
        .col_expr(
            contract_documents::Column::DeletedAt,
            Expr::value(deleted_at),
        )
        .col_expr(
            contract_documents::Column::DeletedBy,
            Expr::value(caller.user_id.0),
        )
        .filter(contract_documents::Column::Id.eq(m.id))
        .filter(contract_documents::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(ApiError::not_found(format!("document {document_id}")));
    }
    let after = contract_documents::Model {
        deleted_at: Some(deleted_at),
        deleted_by: Some(caller.user_id.0),
        ..m.clone()
    };
    audit(caller, "contract_document.deleted", m.id)
        .record(&txn, Some(&m), Some(&after))
        .await?;
    txn.commit().await?;
    platform::documents::remove_bytes(store.as_ref(), &key).await;
    Ok(())
}

/// Removes the contract documents' bytes no live row points at, written before `cutoff`
/// (see [`platform::documents::sweep_orphans`]). Returns how many were removed.
pub async fn sweep_orphans(
    db: &impl sea_orm::ConnectionTrait,
    store: &Arc<dyn DocumentStore>,
    cutoff: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<u64> {
    platform::documents::sweep_orphans(store, NAMESPACE, cutoff, |names| async move {
        Ok(contract_documents::Entity::find()
            .filter(contract_documents::Column::StorageKey.is_in(names))
            .filter(contract_documents::Column::DeletedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.storage_key)
            .collect())
    })
    .await
}
