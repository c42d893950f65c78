//! Translations of a listing's text (title, summary, description, keywords) with their
//! provenance, and the choice of the text a reader sees.
//!
//! Each translation row is versioned (a stale replace is a 409) and every create, update and
//! delete writes an audit entry in the same transaction. A translation of a *published*
//! listing is public text like its title, so editing or removing one goes into the listing's
//! pending revision and waits for operator review ([`super::revisions`]); marking text as
//! machine-translated would not do instead, since the owner chooses the mark.

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::listing_translations;
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use platform::taxonomy;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::listings::{
    self, clean_keywords, strings, validate_keywords, Header, ListingKind, ListingStatus,
    DESCRIPTION_MAX, SUMMARY_MAX, TITLE_MAX,
};
use super::revisions;
use crate::SERVICE;

pub use wire::listing::{LocalizedText, TranslationText};
pub use wire::Provenance;

/// Reads a stored provenance; anything unknown reads as the owner's original text, as it
/// always has (the column predates the vocabulary).
fn provenance_of(code: &str) -> Provenance {
    Provenance::parse(code).unwrap_or(Provenance::Original)
}

/// A translation as submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslationIn {
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// `human` or `machine`.
    pub provenance: Provenance,
    /// The version read when replacing an existing translation: required then (409 if stale).
    pub version: Option<i32>,
}

/// A stored translation as the API shows it.
pub fn localized_text(m: listing_translations::Model) -> LocalizedText {
    LocalizedText {
        language: m.language,
        title: m.title,
        summary: m.summary,
        description: m.description,
        keywords: strings(&m.keywords),
        provenance: provenance_of(&m.provenance),
        version: Some(m.version),
    }
}

/// Every translation of a listing, ordered by language.
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn list(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
) -> ApiResult<Vec<LocalizedText>> {
    let rows = listing_translations::Entity::find()
        .filter(listing_translations::Column::ListingKind.eq(kind.as_str()))
        .filter(listing_translations::Column::ListingId.eq(id))
        .order_by_asc(listing_translations::Column::Language)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(localized_text).collect())
}

/// A proposed translation in one language, as a reader would see it.
fn localized(text: &TranslationText, language: &str, version: Option<i32>) -> LocalizedText {
    LocalizedText {
        language: language.to_owned(),
        title: text.title.clone(),
        summary: text.summary.clone(),
        description: text.description.clone(),
        keywords: text.keywords.clone(),
        provenance: text.provenance,
        version,
    }
}

/// What a translation write did.
pub enum Outcome {
    /// Stored and public (an unpublished listing's translation).
    Applied(LocalizedText),
    /// A published listing's translation: waiting for review as part of its revision.
    Proposed(LocalizedText),
}

fn validate(
    language: &str,
    original_language: &str,
    input: &TranslationIn,
) -> ApiResult<TranslationText> {
    let mut v = Validator::new();
    v.check(
        taxonomy::is_language(language),
        "language",
        "must be a supported language code",
    );
    v.check(
        language != original_language,
        "language",
        "is the listing's original language: edit the listing instead",
    );
    v.check(
        input.provenance != Provenance::Original,
        "provenance",
        "a translation is `human` or `machine`",
    );
    v.length(&input.title, "title", 2, TITLE_MAX);
    v.length(&input.summary, "summary", 2, SUMMARY_MAX);
    v.length(&input.description, "description", 0, DESCRIPTION_MAX);
    validate_keywords(&input.keywords, "keywords", &mut v);
    v.finish()?;
    Ok(TranslationText {
        title: input.title.trim().to_owned(),
        summary: input.summary.trim().to_owned(),
        description: input.description.trim().to_owned(),
        keywords: clean_keywords(&input.keywords),
        provenance: input.provenance,
    })
}

async fn find_row(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
    language: &str,
) -> ApiResult<Option<listing_translations::Model>> {
    Ok(listing_translations::Entity::find()
        .filter(listing_translations::Column::ListingKind.eq(kind.as_str()))
        .filter(listing_translations::Column::ListingId.eq(id))
        .filter(listing_translations::Column::Language.eq(language))
        .one(db)
        .await?)
}

/// Replacing a translation needs the version the caller read (missing → 422, stale → 409).
fn check_version(row: &listing_translations::Model, sent: Option<i32>) -> ApiResult<i32> {
    let expected = sent.ok_or_else(|| {
        ApiError::field(
            "version",
            "is required to replace an existing translation: send the version you read",
        )
    })?;
    if expected != row.version {
        return Err(ApiError::StaleVersion(format!(
            "the {} translation is at version {}, you sent {expected}",
            row.language, row.version
        )));
    }
    Ok(expected)
}

/// Adds or replaces the translation into `language` (owners only). On an unpublished listing
/// it is stored at once, versioned and audited; on a published one it is public text, so it
/// joins the listing's pending revision and waits for review like any other edit.
#[tracing::instrument(skip_all)]
pub async fn put(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    header: &Header,
    language: &str,
    input: TranslationIn,
) -> ApiResult<Outcome> {
    listings::ensure_owner(db, header, caller).await?;
    let text = validate(language, &header.original_language, &input)?;
    let existing = find_row(db, header.kind, header.id, language).await?;
    let expected = existing
        .as_ref()
        .map(|row| check_version(row, input.version))
        .transpose()?;
    if header.status == ListingStatus::Published {
        let mut proposal = revisions::current_proposal(db, header).await?;
        proposal
            .translations
            .insert(language.to_owned(), Some(text.clone()));
        revisions::propose(db, caller, header, header.version, proposal).await?;
        return Ok(Outcome::Proposed(localized(&text, language, expected)));
    }
    let txn = db.begin().await?;
    let row = write(
        &txn,
        caller,
        header.kind,
        header.id,
        language,
        &text,
        existing,
        caller.user_id.0,
    )
    .await?;
    txn.commit().await?;
    Ok(Outcome::Applied(row))
}

/// Stores `text` as the translation into `language` (insert, or replace `existing` with the
/// version check inside the UPDATE), audited on the same connection (the caller's transaction).
#[expect(
    clippy::too_many_arguments,
    reason = "the listing, the language, the text and who wrote it"
)]
async fn write(
    txn: &impl ConnectionTrait,
    caller: &AuthUser,
    kind: ListingKind,
    id: Uuid,
    language: &str,
    text: &TranslationText,
    existing: Option<listing_translations::Model>,
    translated_by: Uuid,
) -> ApiResult<LocalizedText> {
    let now = Utc::now();
    let keywords = serde_json::json!(text.keywords);
    let (row, before, action) = match existing {
        Some(row) => {
            let version = row.version;
            let before = localized_text(row.clone());
            let mut active: listing_translations::ActiveModel = row.clone().into();
            active.title = Set(text.title.clone());
            active.summary = Set(text.summary.clone());
            active.description = Set(text.description.clone());
            active.keywords = Set(keywords);
            active.provenance = Set(text.provenance.as_str().to_owned());
            active.translated_by = Set(Some(translated_by));
            active.version = Set(version + 1);
            active.updated_at = Set(now.into());
            let result = listing_translations::Entity::update_many()
                .set(active)
                .filter(listing_translations::Column::Id.eq(row.id))
                .filter(listing_translations::Column::Version.eq(version))
                .exec(txn)
                .await?;
            if result.rows_affected == 0 {
                return Err(ApiError::StaleVersion(format!(
                    "the {language} translation changed meanwhile: reload and retry"
                )));
            }
            let updated = find_row(txn, kind, id, language)
                .await?
                .ok_or_else(|| ApiError::not_found(format!("{language} translation")))?;
            (updated, Some(before), "translation.update")
        }
        None => {
            let row = listing_translations::ActiveModel {
                id: Set(new_uuid()),
                listing_kind: Set(kind.as_str().to_owned()),
                listing_id: Set(id),
                language: Set(language.to_owned()),
                title: Set(text.title.clone()),
                summary: Set(text.summary.clone()),
                description: Set(text.description.clone()),
                keywords: Set(keywords),
                provenance: Set(text.provenance.as_str().to_owned()),
                translated_by: Set(Some(translated_by)),
                version: Set(1),
                created_at: Set(now.into()),
                updated_at: Set(now.into()),
            }
            .insert(txn)
            .await?;
            (row, None, "translation.create")
        }
    };
    let after = localized_text(row.clone());
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action,
        entity_type: "listing_translation",
        entity_id: row.id,
    }
    .record(txn, before.as_ref(), Some(&after))
    .await?;
    Ok(after)
}

/// Removes the translation into `language` (owners). On a published listing the removal joins
/// the pending revision (a proposed, not yet public translation is simply dropped from it).
/// Returns whether the change waits for review.
#[tracing::instrument(skip_all)]
pub async fn remove(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    header: &Header,
    language: &str,
) -> ApiResult<bool> {
    listings::ensure_owner(db, header, caller).await?;
    let existing = find_row(db, header.kind, header.id, language).await?;
    if header.status == ListingStatus::Published {
        let mut proposal = revisions::current_proposal(db, header).await?;
        match (&existing, proposal.translations.contains_key(language)) {
            (Some(_), _) => {
                proposal.translations.insert(language.to_owned(), None);
            }
            (None, true) => {
                proposal.translations.remove(language);
            }
            (None, false) => return Err(ApiError::not_found(format!("{language} translation"))),
        }
        revisions::propose(db, caller, header, header.version, proposal).await?;
        return Ok(true);
    }
    let row = existing.ok_or_else(|| ApiError::not_found(format!("{language} translation")))?;
    let txn = db.begin().await?;
    delete_row(&txn, caller, row).await?;
    txn.commit().await?;
    Ok(false)
}

async fn delete_row(
    txn: &impl ConnectionTrait,
    caller: &AuthUser,
    row: listing_translations::Model,
) -> ApiResult<()> {
    let result = listing_translations::Entity::delete_many()
        .filter(listing_translations::Column::Id.eq(row.id))
        .filter(listing_translations::Column::Version.eq(row.version))
        .exec(txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::StaleVersion(format!(
            "the {} translation changed meanwhile: reload and retry",
            row.language
        )));
    }
    let id = row.id;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "translation.delete",
        entity_type: "listing_translation",
        entity_id: id,
    }
    .record(txn, Some(&localized_text(row)), None::<&()>)
    .await?;
    Ok(())
}

/// Applies one translation of an approved revision inside the operator's transaction:
/// `Some` stores it (credited to the proposer), `None` removes it.
#[expect(
    clippy::too_many_arguments,
    reason = "the listing, the language, the text and who proposed it"
)]
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn apply_reviewed(
    txn: &impl ConnectionTrait,
    caller: &AuthUser,
    kind: ListingKind,
    id: Uuid,
    original_language: &str,
    language: &str,
    text: Option<TranslationText>,
    proposed_by: Uuid,
) -> ApiResult<()> {
    let existing = find_row(txn, kind, id, language).await?;
    match text {
        Some(text) => {
            if language == original_language {
                return Err(ApiError::field(
                    format!("translations.{language}"),
                    "is now the listing's original language",
                ));
            }
            write(
                txn,
                caller,
                kind,
                id,
                language,
                &text,
                existing,
                proposed_by,
            )
            .await?;
        }
        None => {
            if let Some(row) = existing {
                delete_row(txn, caller, row).await?;
            }
        }
    }
    Ok(())
}

/// The text a reader gets: the first preferred language available, else the original.
pub fn choose<'a>(
    original: &'a LocalizedText,
    translations: &'a [LocalizedText],
    preferred: &[String],
) -> &'a LocalizedText {
    for lang in preferred {
        if *lang == original.language {
            return original;
        }
        if let Some(t) = translations.iter().find(|t| &t.language == lang) {
            return t;
        }
    }
    original
}
