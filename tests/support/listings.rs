//! Builders for listing bodies and the steps to publish one, so tests say what they test.

use serde_json::{json, Value};

use crate::TestApp;

/// A valid achievement body (Chinese, Liuzhou, agriculture machinery).
pub fn achievement_body() -> Value {
    let valid_until = (chrono::Utc::now().date_naive() + chrono::Duration::days(180)).to_string();
    json!({
        "language": "zh",
        "title": "基于深度学习的甘蔗收割机智能控制系统",
        "summary": "利用视觉识别与深度学习实现甘蔗收割机的自动对行与切割高度控制，减少含杂率。",
        "description": "该系统由双目相机、嵌入式控制器和液压执行机构组成，已在柳州蔗区完成两个榨季的试验。",
        "keywords": ["甘蔗收割机", "深度学习", "智能控制"],
        "industry": "modern_agriculture",
        "ipc_codes": ["A01D 45/10", "G06N 3/08"],
        "ip_type": "invention_patent",
        "ip_numbers": ["ZL202310123456.7"],
        "patent_status": "granted",
        "trl": 6,
        "cooperation_modes": ["transfer", "licence_non_exclusive"],
        "price": {"min_minor": 50_000_000, "max_minor": 80_000_000, "currency": "CNY"},
        "region_code": "450200",
        "cross_border": true,
        "valid_until": valid_until,
        "contact_name": "王老师",
        "contact_email": "wang@uni.test"
    })
}

/// A valid need body (Chinese, Nanning).
pub fn need_body() -> Value {
    let valid_until = (chrono::Utc::now().date_naive() + chrono::Duration::days(120)).to_string();
    json!({
        "language": "zh",
        "title": "甘蔗机械化收获含杂率控制技术需求",
        "summary": "寻求降低甘蔗机收含杂率的切割与清选技术，适用于丘陵蔗区。",
        "description": "企业现有收割机在丘陵地区含杂率超过12%，希望合作开发自动切割高度控制。",
        "keywords": ["甘蔗", "收割机", "含杂率"],
        "industry": "modern_agriculture",
        "ipc_codes": ["A01D 45/10"],
        "min_trl": 5,
        "budget": {"min_minor": 40_000_000, "max_minor": 90_000_000, "currency": "CNY"},
        "cooperation_modes": ["joint_development", "transfer"],
        "deadline": (chrono::Utc::now().date_naive() + chrono::Duration::days(60)).to_string(),
        "region_code": "450100",
        "valid_until": valid_until
    })
}

impl TestApp {
    /// Creates a listing from `body` as `token`; returns (id, version).
    pub async fn create_listing(&self, kind: &str, token: &str, body: &Value) -> (String, i64) {
        let res = self
            .post(&format!("/api/v1/{kind}"), Some(token), body)
            .await;
        let b = res.assert_status(201);
        (
            b["id"].as_str().expect("id").to_owned(),
            b["version"].as_i64().expect("version"),
        )
    }

    /// Submits, has an operator publish, and runs the queue; returns the final version.
    pub async fn publish_listing(&self, kind: &str, id: &str, owner: &str, operator: &str) -> i64 {
        let version = self
            .get(&format!("/api/v1/{kind}/{id}"), Some(owner))
            .await
            .assert_status(200)["version"]
            .as_i64()
            .expect("version");
        let submitted = self
            .post(
                &format!("/api/v1/{kind}/{id}/submit"),
                Some(owner),
                &json!({"version": version}),
            )
            .await;
        let v = submitted.assert_status(200)["version"]
            .as_i64()
            .expect("version");
        let published = self
            .post(
                &format!("/api/v1/{kind}/{id}/review"),
                Some(operator),
                &json!({"decision": "publish", "version": v}),
            )
            .await;
        let v = published.assert_status(200)["version"]
            .as_i64()
            .expect("version");
        self.run_jobs().await;
        v
    }
}
