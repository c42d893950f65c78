//! The `listing_embeddings` table: one int8 vector per listing and language (or passage), with
//! the model that made it. Matching writes it (its embed job); the listing service reads it to
//! send a search document its vectors (`listing::domain::index`).

use sea_orm::entity::prelude::*;
use sea_orm::QueryOrder;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "listing_embeddings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub listing_kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub listing_id: Uuid,
    /// The text's language (`vi`), or a passage of it (`vi/1`, `vi/2`, …).
    #[sea_orm(primary_key, auto_increment = false)]
    pub language: String,
    /// `model@dimensions` (`search::VectorSpace::model`).
    pub model: String,
    /// SHA-256 (hex) of the text embedded, prefix included.
    pub text_sha256: String,
    /// The int8 vector, one byte per component ([`to_bytes`], [`from_bytes`]).
    #[sea_orm(column_type = "Blob")]
    pub vector: Vec<u8>,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// int8 vector → the bytes stored.
pub fn to_bytes(v: &[i8]) -> Vec<u8> {
    v.iter().map(|x| x.to_ne_bytes()[0]).collect()
}

/// The bytes stored → int8 vector.
pub fn from_bytes(b: &[u8]) -> Vec<i8> {
    b.iter().map(|x| i8::from_ne_bytes([*x])).collect()
}

/// The stored vector as floats, for a search backend that takes them (Meilisearch): the int8
/// components as they are, since only the direction counts (cosine).
pub fn as_floats(b: &[u8]) -> Vec<f32> {
    from_bytes(b).into_iter().map(f32::from).collect()
}

/// Whether a row is a passage of a text (`vi/1`) rather than the whole text (`vi`).
///
/// Passages only refine how near a listing already found is (a short need or one sentence meets
/// the sentence that says the same); they are never searched for candidates. So a search reads
/// one vector per text whatever `matching.embed_passages` is, and its memory and time stay
/// those of whole texts.
pub fn is_passage(language: &str) -> bool {
    language.contains('/')
}

/// The passage rows (see [`is_passage`]) of `model` of these listings: `(listing, vector)`.
pub async fn passages_of(
    db: &impl ConnectionTrait,
    kind: &str,
    ids: &[Uuid],
    model: &str,
) -> Result<Vec<(Uuid, Vec<u8>)>, DbErr> {
    use sea_orm::QuerySelect;
    let mut out = Vec::new();
    // A bounded IN list per statement, whatever the number of candidates.
    for chunk in ids.chunks(500) {
        out.extend(
            Entity::find()
                .filter(Column::ListingKind.eq(kind))
                .filter(Column::ListingId.is_in(chunk.iter().copied()))
                .filter(Column::Model.eq(model))
                .filter(Column::Language.like("%/%"))
                .select_only()
                .columns([Column::ListingId, Column::Vector])
                .into_tuple::<(Uuid, Vec<u8>)>()
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The vectors of `model` of one listing (its texts, then passages, in key order).
pub async fn of_listing(
    db: &impl ConnectionTrait,
    kind: &str,
    id: Uuid,
    model: &str,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::ListingKind.eq(kind))
        .filter(Column::ListingId.eq(id))
        .filter(Column::Model.eq(model))
        .order_by_asc(Column::Language)
        .all(db)
        .await
}
