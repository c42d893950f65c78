//! Files attached to an achievement (issue #15): the confidential dossier's documents, the
//! inventors' grant document (赋权) and third-party evaluation reports (成果评价).
//!
//! Who may read a file is the rule of what it belongs to, never a rule of its own:
//! - **dossier**: the dossier's readers ([`disclosure::dossier_for_reader`]: the owning
//!   organisation, and organisations whose access is granted); anyone else gets the dossier's
//!   404, before a grant and after a revocation alike. Every download is written to the owner's
//!   read log (action `download`, naming the file).
//! - **grant**: who may see the inventors (members of the owning organisation and operators):
//!   the grant names people and their shares, which are not part of the public listing.
//! - **evaluation report**: whoever may see the achievement, as the evaluation itself: the
//!   report backs the value shown beside the price on the listing and on the publicity board,
//!   where a state-funded transfer's price may be challenged.
//!
//! Uploading and deleting are for members of the owning organisation only.
//!
//! The bytes go to the document store under `listings/<achievement>/<document>`, a namespace
//! of listing's own (deal's sweep lists only `contracts/`, this one only `listings/`); the
//! store streams, limits, types by content and hashes; the shared upload task
//! (`platform::documents::store_then_record`) writes the row after the bytes and removes the
//! bytes again if the row fails. The search document builder (`domain::index`) never reads
//! this table: no file name or byte reaches the search index or matching.

use std::sync::Arc;

use chrono::Utc;
use docstore::{ByteStream, DocumentKey, DocumentStore};
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::documents::{display_name, read_error, store_then_record, stored_key};
use platform::entity::{achievement_evaluations, achievements, listing_documents};
use platform::error::{ApiError, ApiResult};
use platform::ids::{new_uuid, AchievementId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use wire::documents::ListingDocumentOut;
use wire::{DossierAction, ListingDocumentKind};

use super::achievements::find;
use super::disclosure;
use super::listings::{ensure_visible, Header};
use crate::SERVICE;

/// The store namespace of achievements' files: keys are `listings/<achievement>/<document>`.
pub const NAMESPACE: &str = "listings";

/// Most live files of one kind on one achievement (an upload past it is a 409).
pub const FILES_MAX: u64 = 50;

/// Audited as this entity type.
const ENTITY: &str = "listing_document";

/// What describes an upload (query parameters; the body is the file itself).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// What the file is: `dossier`, `grant` or `evaluation_report`.
    pub kind: ListingDocumentKind,
    /// The evaluation a report belongs to (required for `evaluation_report`, refused otherwise).
    pub evaluation_id: Option<Uuid>,
    /// The file's name, shown in lists and suggested on download; only its last path part is
    /// kept, and never as part of where the file is stored.
    pub file_name: Option<String>,
}

/// Which files to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `dossier`, `grant` or `evaluation_report`.
    pub kind: ListingDocumentKind,
}

/// A response value for a stored row.
pub fn to_out(m: listing_documents::Model) -> ApiResult<ListingDocumentOut> {
    Ok(ListingDocumentOut {
        download_url: format!(
            "/api/v1/achievements/{}/documents/{}",
            m.achievement_id, m.id
        ),
        kind: m.kind.parse()?,
        id: m.id,
        achievement_id: m.achievement_id,
        evaluation_id: m.evaluation_id,
        file_name: m.file_name,
        content_type: m.content_type,
        size_bytes: m.size_bytes,
        sha256: m.sha256,
        uploaded_by: m.uploaded_by,
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

/// The achievement, when the caller may read its files of `kind` (the kind's rule, above);
/// the 404 of a thing that is not there otherwise.
async fn for_reader(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    id: AchievementId,
    kind: ListingDocumentKind,
) -> ApiResult<achievements::Model> {
    let hidden = || ApiError::not_found(format!("files of achievement {id}"));
    match kind {
        ListingDocumentKind::Dossier => {
            let caller = caller.ok_or_else(|| disclosure_not_found(id))?;
            disclosure::dossier_for_reader(db, caller, id).await
        }
        ListingDocumentKind::Grant => {
            let m = find(db, id).await?;
            let member = caller.is_some_and(|c| c.belongs_to(m.organisation_id.into()));
            if member
                || platform::city_scope::operator_covers(db, caller, m.organisation_id).await?
            {
                Ok(m)
            } else {
                Err(hidden())
            }
        }
        ListingDocumentKind::EvaluationReport => {
            let m = find(db, id).await?;
            ensure_visible(db, &Header::from(&m), caller).await?;
            Ok(m)
        }
    }
}

fn disclosure_not_found(id: AchievementId) -> ApiError {
    ApiError::not_found(format!("dossier of achievement {id}"))
}

/// Stores `body` as a file of achievement `id` and records it (members of the owning
/// organisation; anyone else gets a 404).
#[tracing::instrument(skip_all, fields(achievement.id = %id, kind = %params.kind))]
pub async fn upload(
    db: &DatabaseConnection,
    store: &Arc<dyn DocumentStore>,
    caller: &AuthUser,
    id: AchievementId,
    params: UploadParams,
    body: ByteStream,
    max_bytes: u64,
) -> ApiResult<ListingDocumentOut> {
    let m = find(db, id).await?;
    if !caller.belongs_to(m.organisation_id.into()) {
        return Err(ApiError::not_found(format!("files of achievement {id}")));
    }
    // The evaluation a report names must be one of this achievement's.
    match (params.kind, params.evaluation_id) {
        (ListingDocumentKind::EvaluationReport, Some(e)) => {
            achievement_evaluations::Entity::find_by_id(e)
                .filter(achievement_evaluations::Column::AchievementId.eq(m.id))
                .one(db)
                .await?
                .ok_or_else(|| {
                    ApiError::field("evaluation_id", "not an evaluation of this achievement")
                })?;
        }
        (ListingDocumentKind::EvaluationReport, None) => {
            return Err(ApiError::field(
                "evaluation_id",
                "required for an evaluation report",
            ))
        }
        (_, Some(_)) => {
            return Err(ApiError::field(
                "evaluation_id",
                "only an evaluation report names an evaluation",
            ))
        }
        (_, None) => {}
    }
    let live = listing_documents::Entity::find()
        .filter(listing_documents::Column::AchievementId.eq(m.id))
        .filter(listing_documents::Column::Kind.eq(params.kind.as_str()))
        .filter(listing_documents::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    if live >= FILES_MAX {
        return Err(ApiError::conflict(
            "too_many_files",
            format!("an achievement keeps at most {FILES_MAX} files of one kind: delete one first"),
        ));
    }
    let doc_id = new_uuid();
    let achievement_id = m.id;
    let key = DocumentKey::new(NAMESPACE, achievement_id, doc_id)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    let db = db.clone();
    let caller = caller.clone();
    let storage_key = key.to_string();
    store_then_record(store, key, body, max_bytes, move |stored| async move {
        let row = listing_documents::ActiveModel {
            id: Set(doc_id),
            achievement_id: Set(achievement_id),
            kind: Set(params.kind.as_str().to_owned()),
            evaluation_id: Set(params.evaluation_id),
            file_name: Set(display_name(
                params.file_name.as_deref(),
                stored.content_type.extension(),
            )),
            content_type: Set(stored.content_type.mime().to_owned()),
            size_bytes: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
            sha256: Set(stored.sha256.clone()),
            storage_key: Set(storage_key),
            uploaded_by: Set(caller.user_id.0),
            uploaded_by_organisation_id: Set(caller.organisation_id.map(|o| o.0)),
            created_at: Set(Utc::now().into()),
            deleted_at: Set(None),
            deleted_by: Set(None),
        };
        let txn = db.begin().await?;
        let row = row.insert(&txn).await?;
        audit(&caller, "listing_document.uploaded", row.id)
            .record(&txn, None::<&()>, Some(&row))
            .await?;
        txn.commit().await?;
        to_out(row)
    })
    .await
}

/// An achievement's live files of `kind`, newest first (the kind's readers).
#[tracing::instrument(skip_all, fields(achievement.id = %id, kind = %kind))]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    id: AchievementId,
    kind: ListingDocumentKind,
) -> ApiResult<Vec<ListingDocumentOut>> {
    let m = for_reader(db, caller, id, kind).await?;
    listing_documents::Entity::find()
        .filter(listing_documents::Column::AchievementId.eq(m.id))
        .filter(listing_documents::Column::Kind.eq(kind.as_str()))
        .filter(listing_documents::Column::DeletedAt.is_null())
        .order_by_desc(listing_documents::Column::CreatedAt)
        .order_by_desc(listing_documents::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_out)
        .collect()
}

/// A live file of the achievement, whatever its kind; 404 when there is none. Its kind's rule
/// is checked by the caller.
async fn find_live(
    db: &impl ConnectionTrait,
    id: AchievementId,
    document_id: Uuid,
) -> ApiResult<listing_documents::Model> {
    listing_documents::Entity::find_by_id(document_id)
        .filter(listing_documents::Column::AchievementId.eq(id.0))
        .filter(listing_documents::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("file {document_id}")))
}

/// A file being downloaded: its row and its bytes.
pub struct Download {
    pub document: ListingDocumentOut,
    pub body: ByteStream,
}

/// Opens a file for download, for the readers of its kind; a dossier file's download is
/// written to the owner's read log (committed before a byte is sent), any other is audited.
/// A file the caller may not read is the same 404 as one that does not exist.
#[tracing::instrument(skip_all, fields(achievement.id = %id, document.id = %document_id))]
pub async fn download(
    db: &DatabaseConnection,
    store: &Arc<dyn DocumentStore>,
    caller: Option<&AuthUser>,
    id: AchievementId,
    document_id: Uuid,
    client_addr: Option<String>,
) -> ApiResult<Download> {
    let hidden = || ApiError::not_found(format!("file {document_id}"));
    let doc = find_live(db, id, document_id).await?;
    let kind: ListingDocumentKind = doc.kind.parse()?;
    for_reader(db, caller, id, kind)
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => hidden(),
            other => other,
        })?;
    let key = stored_key(&doc.storage_key)?;
    let stored = store.get(&key).await.map_err(read_error)?;
    match (kind, caller) {
        (ListingDocumentKind::Dossier, Some(c)) => {
            disclosure::log_read(
                db,
                c,
                doc.achievement_id,
                DossierAction::Download,
                Some(doc.id),
                client_addr,
            )
            .await?;
        }
        (_, Some(c)) => {
            audit(c, "listing_document.downloaded", doc.id)
                .record(
                    db,
                    None::<&()>,
                    Some(&serde_json::json!({"sha256": doc.sha256, "size_bytes": doc.size_bytes})),
                )
                .await?;
        }
        // An anonymous reader of a public evaluation report: nothing to attribute.
        (_, None) => {}
    }
    Ok(Download {
        document: to_out(doc)?,
        body: stored.body,
    })
}

/// Deletes a file: members of the owning organisation. Readers of the file who are not
/// owners get a 403, everyone else the 404. The row stays, marked deleted, so the read log
/// still names what was read; the bytes are removed after the row is.
#[tracing::instrument(skip_all, fields(achievement.id = %id, document.id = %document_id))]
pub async fn delete(
    db: &DatabaseConnection,
    store: &Arc<dyn DocumentStore>,
    caller: &AuthUser,
    id: AchievementId,
    document_id: Uuid,
) -> ApiResult<()> {
    let doc = find_live(db, id, document_id).await?;
    let kind: ListingDocumentKind = doc.kind.parse()?;
    let m = for_reader(db, Some(caller), id, kind)
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::not_found(format!("file {document_id}")),
            other => other,
        })?;
    if !caller.belongs_to(m.organisation_id.into()) {
        return Err(ApiError::Forbidden(
            "only the owning organisation may delete an achievement's files".to_owned(),
        ));
    }
    let key = stored_key(&doc.storage_key)?;
    let txn = db.begin().await?;
    let deleted_at: chrono::DateTime<chrono::FixedOffset> = Utc::now().into();
    // Only a live row: of two deletions at once, one wins and the other gets the 404.
    let changed = listing_documents::Entity::update_many()
        .col_expr(
            listing_documents::Column::DeletedAt,
            Expr::value(deleted_at),
        )
        .col_expr(
            listing_documents::Column::DeletedBy,
            Expr::value(caller.user_id.0),
        )
        .filter(listing_documents::Column::Id.eq(doc.id))
        .filter(listing_documents::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(ApiError::not_found(format!("file {document_id}")));
    }
    let after = listing_documents::Model {
        deleted_at: Some(deleted_at),
        deleted_by: Some(caller.user_id.0),
        ..doc.clone()
    };
    audit(caller, "listing_document.deleted", doc.id)
        .record(&txn, Some(&doc), Some(&after))
        .await?;
    txn.commit().await?;
    platform::documents::remove_bytes(store.as_ref(), &key).await;
    Ok(())
}

/// Removes the bytes under `listings/` that no live row points at, written before `cutoff`
/// (see [`platform::documents::sweep_orphans`]). Returns how many were removed.
pub async fn sweep_orphans(
    db: &impl ConnectionTrait,
    store: &Arc<dyn DocumentStore>,
    cutoff: chrono::DateTime<Utc>,
) -> anyhow::Result<u64> {
    platform::documents::sweep_orphans(store, NAMESPACE, cutoff, |names| async move {
        Ok(listing_documents::Entity::find()
            .filter(listing_documents::Column::StorageKey.is_in(names))
            .filter(listing_documents::Column::DeletedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.storage_key)
            .collect())
    })
    .await
}
