//! Helpers for auction and listed-price tests (and the auction benchmark): a seller with a
//! published achievement, verified bidders, an auction whose end is seconds away, deposits.

use serde_json::{json, Value};

use crate::deals::Org;
use crate::TestApp;

/// A state-funded university with a published achievement, and an operator.
pub struct Seller {
    pub org: Org,
    pub operator: String,
    pub achievement: String,
}

impl TestApp {
    /// Verifies `org` as an operator (from version 1).
    pub async fn verify_org(&self, operator: &str, org: &str) {
        self.post(
            &format!("/api/v1/orgs/{org}/verification"),
            Some(operator),
            &json!({"decision": "verified", "version": 1}),
        )
        .await
        .assert_status(200);
    }

    /// A state-funded university with a published achievement.
    pub async fn seller(&self, email: &str) -> Seller {
        let org = self.org_in("university", email, "450100", true).await;
        let operator = self.operator_token().await;
        self.verify_org(&operator, &org.id).await;
        let achievement = self.published_achievement(&org.token, &operator).await;
        Seller {
            org,
            operator,
            achievement,
        }
    }

    /// An enterprise an operator verified.
    pub async fn verified_enterprise(&self, operator: &str, email: &str) -> Org {
        let org = self.org_in("enterprise", email, "450200", false).await;
        self.verify_org(operator, &org.id).await;
        org
    }

    /// Schedules an auction of the seller's achievement starting now and ending in
    /// `ends_in_ms`; `extra` overrides fields of the body. Returns the auction.
    pub async fn auction(&self, seller: &Seller, ends_in_ms: i64, extra: Value) -> Value {
        let ends = chrono::Utc::now() + chrono::Duration::milliseconds(ends_in_ms);
        let mut body = json!({
            "achievement_id": seller.achievement,
            "currency": "CNY",
            "starting_price_minor": 1_000_000,
            "increment_minor": 50_000,
            "deposit_minor": 100_000,
            "ends_at": ends.to_rfc3339(),
            "extension_window_secs": 0,
            "extension_secs": 0
        });
        if let (Some(obj), Some(more)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in more {
                obj.insert(k.clone(), v.clone());
            }
        }
        self.post("/api/v1/auctions", Some(&seller.org.token), &body)
            .await
            .assert_status(201)
            .clone()
    }

    /// Records `org`'s deposit on `auction` as `operator`; returns the deposit.
    pub async fn deposit(&self, operator: &str, auction: &str, org: &str) -> Value {
        self.post(
            &format!("/api/v1/auctions/{auction}/deposits"),
            Some(operator),
            &json!({"organisation_id": org, "amount_minor": 100_000, "note": "test transfer, not real money"}),
        )
        .await
        .assert_status(201)
        .clone()
    }

    /// Recording a deposit on a cancelled auction is refused as cancelled, and records nothing.
    pub async fn deposit_refused(&self, operator: &str, auction: &str, org: &str) {
        self.post(
            &format!("/api/v1/auctions/{auction}/deposits"),
            Some(operator),
            &json!({"organisation_id": org, "amount_minor": 100_000}),
        )
        .await
        .assert_problem(409, "auction_cancelled");
    }

    /// An auction of another seller's achievement (its id), ending in a minute.
    pub async fn auction_of_another_seller(&self, operator: &str, email: &str) -> String {
        let org = self.org_in("university", email, "450100", true).await;
        self.verify_org(operator, &org.id).await;
        let achievement = self.published_achievement(&org.token, operator).await;
        let seller = Seller {
            org,
            operator: operator.to_owned(),
            achievement,
        };
        let a = self.auction(&seller, 60_000, json!({})).await;
        a["id"].as_str().expect("id").to_owned()
    }

    /// When the auction's one waiting close job is due (panics unless exactly one waits).
    pub async fn close_job_due(&self, auction: &str) -> chrono::DateTime<chrono::Utc> {
        use platform::entity::jobs;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let waiting = jobs::Entity::find()
            .filter(jobs::Column::JobType.eq("close_auction.v1"))
            .filter(jobs::Column::UniqueKey.eq(auction))
            .filter(jobs::Column::LockedBy.is_null())
            .all(&self.db)
            .await
            .expect("jobs");
        assert_eq!(waiting.len(), 1, "one waiting close job: {waiting:?}");
        waiting[0].run_after.to_utc()
    }
}
