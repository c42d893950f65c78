//! Matching fixtures.

use sea_orm::{ActiveModelTrait, Set};

use crate::TestApp;

/// Gives `user_id` a verified broker profile for one field and region (the deal service's
/// broker API is not what these tests are about).
pub async fn make_broker(app: &TestApp, user_id: uuid::Uuid, field: &str, region: &str) {
    let now = chrono::Utc::now();
    platform::entity::brokers::ActiveModel {
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

impl TestApp {
    /// The match between a published need and achievement: the one the matching service
    /// computed, or, where it did not (scores below its threshold), the row written here as
    /// it would write it. Deal tests need a match to open a deal from, not a good one.
    pub async fn match_between(&self, need: &str, achievement: &str) -> uuid::Uuid {
        use platform::entity::matches;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let (need_id, achievement_id): (uuid::Uuid, uuid::Uuid) = (
            need.parse().expect("uuid"),
            achievement.parse().expect("uuid"),
        );
        let existing = matches::Entity::find()
            .filter(matches::Column::NeedId.eq(need_id))
            .filter(matches::Column::AchievementId.eq(achievement_id))
            .one(&self.db)
            .await
            .expect("read matches");
        if let Some(m) = existing {
            return m.id;
        }
        let id = uuid::Uuid::now_v7();
        let now: chrono::DateTime<chrono::FixedOffset> = chrono::Utc::now().into();
        matches::ActiveModel {
            id: Set(id),
            need_id: Set(need_id),
            achievement_id: Set(achievement_id),
            score: Set(0.87),
            features: Set(serde_json::json!({})),
            reasons: Set(serde_json::json!(["same IPC subclass A01D"])),
            engine_version: Set("test".to_owned()),
            computed_at: Set(now),
            need_side_status: Set("new".to_owned()),
            achievement_side_status: Set("new".to_owned()),
            retired_at: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await
        .expect("insert match");
        id
    }
}
