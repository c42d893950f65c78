//! Translations of a listing's text (title, summary, description, keywords) with their
//! provenance, and the choice of the text a reader sees.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use shared::entity::listing_translations;
use shared::error::{ApiError, ApiResult, Validator};
use shared::ids::new_uuid;
use shared::taxonomy;
use utoipa::ToSchema;
use uuid::Uuid;

use super::listings::{clean_keywords, strings, validate_keywords, ListingKind, SUMMARY_MAX, TITLE_MAX, DESCRIPTION_MAX};

/// How a text came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Written by the owner in this language.
    Original,
    /// Translated by a person.
    Human,
    /// Machine-translated: shown with a mark and a link to the original.
    Machine,
}

impl Provenance {
    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Original => "original",
            Provenance::Human => "human",
            Provenance::Machine => "machine",
        }
    }

    fn parse(s: &str) -> Provenance {
        match s {
            "machine" => Provenance::Machine,
            "human" => Provenance::Human,
            _ => Provenance::Original,
        }
    }
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
    /// The version read when replacing an existing translation (409 if stale).
    pub version: Option<i32>,
}

/// One language's text of a listing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LocalizedText {
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub provenance: Provenance,
    /// Version of the translation row (absent for the original).
    pub version: Option<i32>,
}

impl From<listing_translations::Model> for LocalizedText {
    fn from(m: listing_translations::Model) -> Self {
        LocalizedText {
            language: m.language,
            title: m.title,
            summary: m.summary,
            description: m.description,
            keywords: strings(&m.keywords),
            provenance: Provenance::parse(&m.provenance),
            version: Some(m.version),
        }
    }
}

/// Every translation of a listing, ordered by language.
pub async fn list(db: &impl ConnectionTrait, kind: ListingKind, id: Uuid) -> ApiResult<Vec<LocalizedText>> {
    let rows = listing_translations::Entity::find()
        .filter(listing_translations::Column::ListingKind.eq(kind.as_str()))
        .filter(listing_translations::Column::ListingId.eq(id))
        .order_by_asc(listing_translations::Column::Language)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(LocalizedText::from).collect())
}

/// Validates and stores a translation (insert or replace).
pub async fn upsert(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
    original_language: &str,
    language: &str,
    input: TranslationIn,
    translated_by: Uuid,
) -> ApiResult<LocalizedText> {
    let mut v = Validator::new();
    v.check(taxonomy::is_language(language), "language", "must be a supported language code");
    v.check(language != original_language, "language", "is the listing's original language: edit the listing instead");
    v.check(input.provenance != Provenance::Original, "provenance", "a translation is `human` or `machine`");
    v.length(&input.title, "title", 2, TITLE_MAX);
    v.length(&input.summary, "summary", 2, SUMMARY_MAX);
    v.length(&input.description, "description", 0, DESCRIPTION_MAX);
    validate_keywords(&input.keywords, "keywords", &mut v);
    v.finish()?;
    let existing = listing_translations::Entity::find()
        .filter(listing_translations::Column::ListingKind.eq(kind.as_str()))
        .filter(listing_translations::Column::ListingId.eq(id))
        .filter(listing_translations::Column::Language.eq(language))
        .one(db)
        .await?;
    let now = Utc::now();
    let keywords = serde_json::json!(clean_keywords(&input.keywords));
    let row = match existing {
        Some(row) => {
            if let Some(expected) = input.version {
                if expected != row.version {
                    return Err(ApiError::StaleVersion(format!(
                        "the {language} translation is at version {}, you sent {expected}",
                        row.version
                    )));
                }
            }
            let version = row.version;
            let mut active: listing_translations::ActiveModel = row.into();
            active.title = Set(input.title.trim().to_owned());
            active.summary = Set(input.summary.trim().to_owned());
            active.description = Set(input.description.trim().to_owned());
            active.keywords = Set(keywords);
            active.provenance = Set(input.provenance.as_str().to_owned());
            active.translated_by = Set(Some(translated_by));
            active.version = Set(version + 1);
            active.updated_at = Set(now.into());
            active.update(db).await?
        }
        None => {
            listing_translations::ActiveModel {
                id: Set(new_uuid()),
                listing_kind: Set(kind.as_str().to_owned()),
                listing_id: Set(id),
                language: Set(language.to_owned()),
                title: Set(input.title.trim().to_owned()),
                summary: Set(input.summary.trim().to_owned()),
                description: Set(input.description.trim().to_owned()),
                keywords: Set(keywords),
                provenance: Set(input.provenance.as_str().to_owned()),
                translated_by: Set(Some(translated_by)),
                version: Set(1),
                created_at: Set(now.into()),
                updated_at: Set(now.into()),
            }
            .insert(db)
            .await?
        }
    };
    Ok(row.into())
}

/// Removes a translation; 404 if there is none in that language.
pub async fn delete(db: &impl ConnectionTrait, kind: ListingKind, id: Uuid, language: &str) -> ApiResult<()> {
    let result = listing_translations::Entity::delete_many()
        .filter(listing_translations::Column::ListingKind.eq(kind.as_str()))
        .filter(listing_translations::Column::ListingId.eq(id))
        .filter(listing_translations::Column::Language.eq(language))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::not_found(format!("{language} translation")));
    }
    Ok(())
}

/// The text a reader gets: the first preferred language available, else the original.
pub fn choose<'a>(original: &'a LocalizedText, translations: &'a [LocalizedText], preferred: &[String]) -> &'a LocalizedText {
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
