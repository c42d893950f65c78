//! Matching fixtures.

use sea_orm::{ActiveModelTrait, Set};

use crate::TestApp;

/// Gives `user_id` a verified broker profile for one field and region (the deal service's
/// broker API is not what these tests are about).
pub async fn make_broker(app: &TestApp, user_id: uuid::Uuid, field: &str, region: &str) {
    let now = chrono::Utc::now();
    shared::entity::brokers::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        user_id: Set(user_id),
        organisation_id: Set(None),
        display_name: Set("Test broker".to_owned()),
        certification_level: Set("intermediate".to_owned()),
        certificate_number: Set(None),
        fields: Set(serde_json::json!([field])),
        regions: Set(serde_json::json!([region])),
        languages: Set(serde_json::json!(["zh"])),
        bio: Set(None),
        verification_status: Set("verified".to_owned()),
        verification_note: Set(None),
        verified_at: Set(Some(now.into())),
        verified_by: Set(None),
        version: Set(1),
        created_at: Set(now.into()),
        updated_at: Set(now.into()),
    }
    .insert(&app.db)
    .await
    .expect("broker profile");
}
