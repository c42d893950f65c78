//! Helpers for deal-service tests: organisations with a chosen region, verified brokers, a
//! published achievement, contract bodies, FX rates and requests with an `Idempotency-Key`.

use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::http::{signup_body, TestResponse};
use crate::listings::achievement_body;
use crate::TestApp;

/// A signed-up organisation: its admin's token and its id.
#[derive(Debug, Clone)]
pub struct Org {
    pub token: String,
    pub id: String,
}

/// A verified broker: the token of their login, their broker id and organisation.
#[derive(Debug, Clone)]
pub struct Broker {
    pub token: String,
    pub id: String,
    pub org_id: String,
}

impl TestApp {
    /// Signs up a Chinese organisation of `kind` in `region` (`state_funded` for universities
    /// and institutes whose negotiated deals need publicity).
    pub async fn org_in(&self, kind: &str, email: &str, region: &str, state_funded: bool) -> Org {
        let mut body = signup_body(kind, email);
        body["organisation"]["region_code"] = json!(region);
        body["organisation"]["state_funded"] = json!(state_funded);
        let res = self.post("/api/v1/auth/signup", None, &body).await;
        let b = res.assert_status(201);
        Org {
            token: b["token"].as_str().expect("token").to_owned(),
            id: b["organisation"]["id"].as_str().expect("id").to_owned(),
        }
    }

    /// Signs up an ASEAN organisation.
    pub async fn asean_org(&self, kind: &str, country: &str, email: &str) -> Org {
        let (token, id) = self.sign_up_asean(kind, country, email).await;
        Org { token, id }
    }

    /// A broker agency member with a broker profile an operator has verified.
    pub async fn verified_broker(&self, email: &str, name: &str, operator: &str) -> Broker {
        let (token, org_id) = self.sign_up("broker_agency", email).await;
        let created = self
            .post(
                "/api/v1/brokers",
                Some(&token),
                &json!({
                    "display_name": name,
                    "certification_level": "中级",
                    "certificate_number": format!("GX-TM-{}", uuid::Uuid::now_v7().simple()),
                    "fields": ["modern_agriculture"],
                    "regions": ["450100", "VN"],
                    "languages": ["zh", "vi"]
                }),
            )
            .await;
        let b = created.assert_status(201);
        let id = b["id"].as_str().expect("broker id").to_owned();
        let verified = self
            .post(
                &format!("/api/v1/brokers/{id}/verification"),
                Some(operator),
                &json!({"version": 1, "decision": "verify"}),
            )
            .await;
        assert_eq!(
            verified.assert_status(200)["verification_status"],
            "verified"
        );
        Broker { token, id, org_id }
    }

    /// A published achievement of `owner`; returns its id.
    pub async fn published_achievement(&self, owner: &str, operator: &str) -> String {
        let (id, _) = self
            .create_listing("achievements", owner, &achievement_body())
            .await;
        self.publish_listing("achievements", &id, owner, operator)
            .await;
        id
    }

    /// Opens an inquiry deal on `achievement` as `buyer` (their own organisation buys).
    pub async fn open_inquiry(&self, buyer: &str, achievement: &str, extra: Value) -> Value {
        let mut body = json!({"origin": "inquiry", "achievement_id": achievement});
        if let (Some(obj), Some(more)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in more {
                obj.insert(k.clone(), v.clone());
            }
        }
        let res = self.post("/api/v1/deals", Some(buyer), &body).await;
        res.assert_status(201).clone()
    }

    /// Adds an FX rate as `operator`.
    pub async fn fx_rate(&self, operator: &str, currency: &str, date: NaiveDate, rate: &str) {
        self.post(
            "/api/v1/fx-rates",
            Some(operator),
            &json!({"currency": currency, "rate_date": date, "cny_per_unit": rate, "source": "test rate, not official"}),
        )
        .await
        .assert_status(201);
    }

    /// POSTs `body` with an `Idempotency-Key` header.
    pub async fn post_with_key(
        &self,
        path: &str,
        token: &str,
        key: &str,
        body: &Value,
    ) -> TestResponse {
        let res = reqwest::Client::new()
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .expect("request reached the server");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        TestResponse {
            status,
            headers,
            body,
            text,
        }
    }

    /// Submits a contract for registration and has an operator register it on `on`; returns
    /// the registration body.
    pub async fn register_contract(
        &self,
        submitter: &str,
        operator: &str,
        contract: &str,
        on: Option<NaiveDate>,
    ) -> Value {
        let sub = self
            .post(
                "/api/v1/registrations",
                Some(submitter),
                &json!({"contract_id": contract}),
            )
            .await;
        let sub = sub.assert_status(201).clone();
        let id = sub["id"].as_str().expect("registration id");
        let mut decision = json!({"version": sub["version"], "decision": "register"});
        if let Some(on) = on {
            decision["registered_on"] = json!(on);
        }
        let res = self
            .post(
                &format!("/api/v1/registrations/{id}/decision"),
                Some(operator),
                &decision,
            )
            .await;
        res.assert_status(200).clone()
    }

    /// Turnover figures (`query` after `?`) as an operator sees them: every cell, however few
    /// contracts it sums (the public view withholds small cells; see `turnover_public`).
    pub async fn turnover(&self, query: &str) -> Value {
        let op = self
            .stats_operator
            .get_or_init(|| self.operator_token())
            .await;
        self.get(&format!("/api/v1/stats/turnover?{query}"), Some(op))
            .await
            .assert_status(200)
            .clone()
    }
}

/// A valid CNY contract body between `seller` and `buyer` signed on `signed_on`.
pub fn contract_body(
    seller: &str,
    buyer: &str,
    signed_on: NaiveDate,
    contract_minor: i64,
    tech_minor: i64,
) -> Value {
    let mut lines = Vec::new();
    if contract_minor > tech_minor {
        lines.push(json!({"kind": "equipment", "description": "收割机样机 prototype harvester", "amount_minor": contract_minor - tech_minor}));
    }
    json!({
        "contract_number": format!("GX-{}", uuid::Uuid::now_v7().simple()),
        "title": "甘蔗收割机智能控制系统专利实施许可合同",
        "contract_type": "licence",
        "subtype": "patent_licence",
        "licence_scope": "non_exclusive",
        "seller_organisation_id": seller,
        "buyer_organisation_id": buyer,
        "signed_on": signed_on,
        "valid_from": signed_on,
        "valid_until": signed_on + chrono::Duration::days(3 * 365),
        "currency": "CNY",
        "contract_amount_minor": contract_minor,
        "tech_amount_minor": tech_minor,
        "cost_lines": lines,
        "industry_code": "modern_agriculture",
        "ip_type": "invention_patent"
    })
}

/// Today minus `days`.
pub fn days_ago(days: i64) -> NaiveDate {
    chrono::Utc::now().date_naive() - chrono::Duration::days(days)
}
