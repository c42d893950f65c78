//! A technology-transfer office's records (issue #15): inventors and the grant to them (赋权),
//! the distribution rule and the ledger every paid payment splits into (收益分配), statements
//! (each inventor sees only their own lines), exports, the annual report, evaluations and the
//! price on the publicity board — and what strangers, anonymous callers and bad numbers get.

use integration_tests::db_test;
use integration_tests::deals::{contract_body, days_ago, Org};
use integration_tests::http::{TestApp, USER_PASSWORD};
use reqwest::Method;
use serde_json::{json, Value};

/// Invites `email` into `org` as a plain member and accepts; returns (token, user id).
async fn join(app: &TestApp, admin: &str, org: &str, email: &str, name: &str) -> (String, String) {
    let inv = app
        .post(
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(admin),
            &json!({"email": email, "org_role": "member"}),
        )
        .await;
    let secret = inv.assert_status(201)["token"]
        .as_str()
        .expect("secret")
        .to_owned();
    let joined = app
        .post(
            "/api/v1/invitations/accept",
            None,
            &json!({"token": secret, "display_name": name, "password": USER_PASSWORD}),
        )
        .await;
    let body = joined.assert_status(201);
    (
        body["token"].as_str().expect("token").to_owned(),
        body["user"]["id"].as_str().expect("id").to_owned(),
    )
}

async fn put(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> integration_tests::TestResponse {
    app.request(Method::PUT, path, token, Some(body)).await
}

/// A university with two inventors (members), a published achievement listing them 60/40 and
/// a 50/20/15/15 rule; an enterprise buyer with a contract for the achievement.
struct Setup {
    uni: Org,
    ent: Org,
    op: String,
    achievement: String,
    contract: String,
    inventor_a: (String, String),
    inventor_b: (String, String),
}

async fn setup(app: &TestApp) -> Setup {
    let uni = app
        .org_in("university", "tto@uni.test", "450100", true)
        .await;
    let ent = app
        .org_in("enterprise", "rd@ent.test", "450200", false)
        .await;
    let op = app.operator_token().await;
    let inventor_a = join(app, &uni.token, &uni.id, "zhang@uni.test", "张三").await;
    let inventor_b = join(app, &uni.token, &uni.id, "li@uni.test", "李四").await;
    let achievement = app.published_achievement(&uni.token, &op).await;
    let inventors = json!({
        "inventors": [
            {"name": "张三", "user_id": inventor_a.1, "affiliation": "机械工程学院", "share_bp": 6000},
            {"name": "李四", "user_id": inventor_b.1, "affiliation": "机械工程学院", "share_bp": 4000}
        ],
        "grant": {"kind": "ownership", "share_bp": 7000, "granted_on": days_ago(30)}
    });
    let res = put(
        app,
        &format!("/api/v1/achievements/{achievement}/inventors"),
        Some(&uni.token),
        &inventors,
    )
    .await;
    let body = res.assert_status(200);
    assert_eq!(body["inventors"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["grant"]["kind"], "ownership");
    let rule = json!({"inventors_bp": 5000, "college_bp": 2000, "transfer_office_bp": 1500, "university_bp": 1500, "broker_bp": 0});
    put(app, "/api/v1/distribution/rule", Some(&uni.token), &rule)
        .await
        .assert_status(200);
    // Room for a payment of 1,000,000.01 CNY and one more fen.
    let mut body = contract_body(&uni.id, &ent.id, days_ago(5), 100_000_002, 100_000_002);
    body["achievement_id"] = json!(achievement);
    let created = app
        .post_with_key("/api/v1/contracts", &uni.token, "tto-contract", &body)
        .await;
    let contract = created.assert_status(201)["id"]
        .as_str()
        .expect("id")
        .to_owned();
    Setup {
        uni,
        ent,
        op,
        achievement,
        contract,
        inventor_a,
        inventor_b,
    }
}

fn amounts(statement: &Value) -> Vec<(String, Option<String>, i64)> {
    statement["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["recipient"].as_str().unwrap_or_default().to_owned(),
                l["inventor_name"].as_str().map(str::to_owned),
                l["amount_minor"].as_i64().expect("amount"),
            )
        })
        .collect()
}

db_test! {
    async fn tto_a_paid_payment_splits_exactly_to_the_fen_and_inventors_see_only_their_own_lines(app: TestApp) {
        let s = setup(&app).await;
        let pay = json!({"contract_id": s.contract, "amount_minor": 100_000_001, "paid_on": days_ago(1)});
        app.post_with_key("/api/v1/payments", &s.uni.token, "pay-1", &pay).await.assert_status(201);
        // Replaying the same request neither records nor splits the payment again.
        let replay = app.post_with_key("/api/v1/payments", &s.uni.token, "pay-1", &pay).await;
        replay.assert_status(201);

        let all = app.get("/api/v1/distribution/statement", Some(&s.uni.token)).await;
        let all = all.assert_status(200).clone();
        assert_eq!(all["totals_minor"]["CNY"], 100_000_001, "{all}");
        let lines = amounts(&all);
        assert_eq!(lines.iter().map(|l| l.2).sum::<i64>(), 100_000_001);
        // 50% = 50,000,000.5 fen → 50,000,001 (largest remainder), then 60/40 among inventors.
        assert_eq!(
            lines,
            vec![
                ("inventor".to_owned(), Some("张三".to_owned()), 30_000_001),
                ("inventor".to_owned(), Some("李四".to_owned()), 20_000_000),
                ("college".to_owned(), None, 20_000_000),
                ("transfer_office".to_owned(), None, 15_000_000),
                ("university".to_owned(), None, 15_000_000),
            ]
        );

        // Each inventor sees their own line and nothing else; the buyer sees nothing.
        let a = app.get("/api/v1/distribution/statement", Some(&s.inventor_a.0)).await;
        assert_eq!(amounts(a.assert_status(200)), vec![("inventor".to_owned(), Some("张三".to_owned()), 30_000_001)]);
        let b = app.get("/api/v1/distribution/statement", Some(&s.inventor_b.0)).await;
        assert_eq!(amounts(b.assert_status(200)), vec![("inventor".to_owned(), Some("李四".to_owned()), 20_000_000)]);
        let buyer = app.get("/api/v1/distribution/statement", Some(&s.ent.token)).await;
        assert!(amounts(buyer.assert_status(200)).is_empty());

        // A due payment is split when it is marked paid.
        let due = app.post_with_key("/api/v1/payments", &s.ent.token, "pay-2", &json!({"contract_id": s.contract, "amount_minor": 1, "due_on": days_ago(0)})).await;
        let due = due.assert_status(201).clone();
        let before = amounts(app.get("/api/v1/distribution/statement", Some(&s.uni.token)).await.assert_status(200)).len();
        assert_eq!(before, 5, "a due payment is not income yet");
        app.post(&format!("/api/v1/payments/{}/paid", due["id"].as_str().expect("id")), Some(&s.uni.token), &json!({"version": due["version"], "paid_on": days_ago(0)}))
            .await
            .assert_status(200);
        let after = app.get("/api/v1/distribution/statement", Some(&s.uni.token)).await;
        let after = after.assert_status(200).clone();
        assert_eq!(after["totals_minor"]["CNY"], 100_000_002);
        // One fen: its whole goes to the largest remainder, the inventors' part, then 张三.
        assert!(amounts(&after).contains(&("inventor".to_owned(), Some("张三".to_owned()), 1)), "{after}");

        // Exports: CSV with the names, the statement as XLSX, the annual report as XLSX.
        let csv = app.get("/api/v1/distribution/statement?format=csv", Some(&s.inventor_a.0)).await;
        assert_eq!(csv.status, 200);
        assert!(csv.content_type().starts_with("text/csv"), "{}", csv.content_type());
        assert!(csv.text.contains("张三") && !csv.text.contains("李四"), "{}", csv.text);
        let sheet = reqwest::Client::new()
            .get(format!("{}/api/v1/distribution/statement?format=xlsx", app.base_url))
            .bearer_auth(&s.uni.token)
            .send()
            .await
            .expect("statement");
        assert_eq!(sheet.status(), 200);
        let sheet = sheet.bytes().await.expect("bytes");
        assert!(zip::ZipArchive::new(std::io::Cursor::new(sheet.to_vec())).is_ok(), "the statement as XLSX is a workbook");
        let year = chrono::Utc::now().date_naive().format("%Y").to_string();
        let xlsx = reqwest::Client::new()
            .get(format!("{}/api/v1/distribution/report?year={year}", app.base_url))
            .bearer_auth(&s.uni.token)
            .send()
            .await
            .expect("report");
        assert_eq!(xlsx.status(), 200);
        let bytes = xlsx.bytes().await.expect("bytes");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("an XLSX is a zip");
        let mut shared = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").expect("strings"), &mut shared).expect("read");
        assert!(shared.contains("甘蔗收割机智能控制系统专利实施许可合同") && shared.contains("张三"), "{shared}");
        // The report is the office's: a plain member (an inventor) may not have it.
        app.get(&format!("/api/v1/distribution/report?year={year}"), Some(&s.inventor_a.0))
            .await
            .assert_problem(403, "forbidden");
        let _ = (&s.op, &s.achievement);
    }
}

db_test! {
    async fn tto_an_achievement_rule_overrides_the_organisations(app: TestApp) {
        let s = setup(&app).await;
        let path = format!("/api/v1/distribution/achievements/{}/rule", s.achievement);
        app.get(&path, Some(&s.uni.token)).await.assert_problem(404, "not_found");
        let rule = json!({"inventors_bp": 7000, "college_bp": 0, "transfer_office_bp": 1000, "university_bp": 1000, "broker_bp": 1000});
        let set = put(&app, &path, Some(&s.uni.token), &rule).await;
        assert_eq!(set.assert_status(200)["version"], 1);
        // Changing it needs the version read.
        put(&app, &path, Some(&s.uni.token), &rule).await.assert_problem(422, "validation_failed");
        let mut stale = rule.clone();
        stale["version"] = json!(7);
        put(&app, &path, Some(&s.uni.token), &stale).await.assert_problem(409, "stale_version");

        app.post_with_key("/api/v1/payments", &s.uni.token, "pay", &json!({"contract_id": s.contract, "amount_minor": 1_000, "paid_on": days_ago(0)}))
            .await
            .assert_status(201);
        let st = app.get("/api/v1/distribution/statement", Some(&s.uni.token)).await;
        let lines = amounts(st.assert_status(200));
        assert_eq!(
            lines,
            vec![
                ("inventor".to_owned(), Some("张三".to_owned()), 420),
                ("inventor".to_owned(), Some("李四".to_owned()), 280),
                ("transfer_office".to_owned(), None, 100),
                ("university".to_owned(), None, 100),
                ("broker".to_owned(), None, 100),
            ]
        );
    }
}

db_test! {
    async fn tto_bad_shares_are_422_and_strangers_get_404_and_change_nothing(app: TestApp) {
        let s = setup(&app).await;
        let inventors_path = format!("/api/v1/achievements/{}/inventors", s.achievement);
        let one = |bp: Value| json!({"inventors": [{"name": "王五", "share_bp": bp}], "grant": null});
        for bad in [json!(9_999), json!(-1), json!(i64::MAX), json!(1e30), json!("10000")] {
            let res = put(&app, &inventors_path, Some(&s.uni.token), &one(bad.clone())).await;
            res.assert_problem(422, "validation_failed");
        }
        let two = json!({"inventors": [{"name": "甲", "share_bp": i64::MAX}, {"name": "乙", "share_bp": i64::MAX}]});
        put(&app, &inventors_path, Some(&s.uni.token), &two).await.assert_problem(422, "validation_failed");
        let unknown_user = json!({"inventors": [{"name": "丙", "user_id": uuid::Uuid::now_v7(), "share_bp": 10000}]});
        put(&app, &inventors_path, Some(&s.uni.token), &unknown_user).await.assert_problem(422, "validation_failed");

        for bad in [
            json!({"inventors_bp": 5000, "college_bp": 2000, "transfer_office_bp": 1500, "university_bp": 1499, "broker_bp": 0}),
            json!({"inventors_bp": -5000, "college_bp": 10000, "transfer_office_bp": 5000, "university_bp": 0, "broker_bp": 0}),
            json!({"inventors_bp": i64::MAX, "college_bp": i64::MAX, "transfer_office_bp": 2, "university_bp": 0, "broker_bp": 0}),
            json!({"inventors_bp": 1e300, "college_bp": 0, "transfer_office_bp": 0, "university_bp": 0, "broker_bp": 0}),
        ] {
            put(&app, "/api/v1/distribution/rule", Some(&s.uni.token), &bad).await.assert_problem(422, "validation_failed");
        }

        // Anonymous callers.
        app.get(&inventors_path, None).await.assert_problem(401, "unauthorized");
        put(&app, &inventors_path, None, &one(json!(10000))).await.assert_problem(401, "unauthorized");
        app.get("/api/v1/distribution/statement", None).await.assert_problem(401, "unauthorized");
        put(&app, "/api/v1/distribution/rule", None, &one(json!(1))).await.assert_problem(401, "unauthorized");

        // A member of another organisation: 404, and nothing changed.
        app.get(&inventors_path, Some(&s.ent.token)).await.assert_problem(404, "not_found");
        put(&app, &inventors_path, Some(&s.ent.token), &one(json!(10000))).await.assert_problem(404, "not_found");
        let rule = json!({"inventors_bp": 10000, "college_bp": 0, "transfer_office_bp": 0, "university_bp": 0, "broker_bp": 0});
        put(&app, &format!("/api/v1/distribution/achievements/{}/rule", s.achievement), Some(&s.ent.token), &rule)
            .await
            .assert_problem(404, "not_found");
        app.post(&format!("/api/v1/achievements/{}/evaluations", s.achievement), Some(&s.ent.token),
            &json!({"evaluator": "某评估公司", "method": "income", "evaluated_on": days_ago(3), "grade": "A"}))
            .await
            .assert_problem(404, "not_found");
        let now = app.get(&inventors_path, Some(&s.uni.token)).await;
        let now = now.assert_status(200);
        assert_eq!(now["inventors"][0]["name"], "张三");
        assert_eq!(now["inventors"].as_array().map(Vec::len), Some(2));
        assert!(app.get(&format!("/api/v1/distribution/achievements/{}/rule", s.achievement), Some(&s.uni.token)).await.status == 404);
        let _ = (&s.op, &s.contract, &s.inventor_b);
    }
}

db_test! {
    async fn tto_an_evaluation_shows_on_the_listing_and_beside_the_price_on_the_publicity_board(app: TestApp) {
        let s = setup(&app).await;
        let eval_path = format!("/api/v1/achievements/{}/evaluations", s.achievement);
        app.post(&eval_path, Some(&s.uni.token), &json!({"evaluator": "广西某资产评估有限公司", "method": "income", "evaluated_on": days_ago(10), "value_min_minor": 90_000_000, "value_max_minor": 60_000_000, "currency": "CNY"}))
            .await
            .assert_problem(422, "validation_failed");
        let e = app.post(&eval_path, Some(&s.uni.token), &json!({"evaluator": "广西某资产评估有限公司", "method": "income", "evaluated_on": days_ago(10), "value_min_minor": 60_000_000, "value_max_minor": 90_000_000, "currency": "CNY", "summary": "收益法评估"}))
            .await;
        let e = e.assert_status(201).clone();
        let public = app.get(&eval_path, None).await;
        assert_eq!(public.assert_status(200)[0]["value_max_minor"], 90_000_000);

        // A negotiated deal with a state-funded university goes on the publicity board.
        let deal = app.open_inquiry(&s.ent.token, &s.achievement, json!({})).await;
        let deal_id = deal["id"].as_str().expect("deal id");
        let price_path = format!("/api/v1/deals/{deal_id}/price");
        put(&app, &price_path, Some(&s.uni.token), &json!({"amount_minor": 75_000_000, "currency": "CNY", "method": "evaluated"}))
            .await
            .assert_problem(422, "validation_failed");
        put(&app, &price_path, Some(&s.ent.token), &json!({"amount_minor": 75_000_000, "currency": "CNY", "method": "negotiated"}))
            .await
            .assert_problem(403, "forbidden");
        let set = put(&app, &price_path, Some(&s.uni.token), &json!({"amount_minor": 75_000_000, "currency": "CNY", "method": "evaluated", "evaluation_id": e["id"]})).await;
        assert_eq!(set.assert_status(200)["method"], "evaluated");

        // Open the publicity window the way the deal flow does, then read the board.
        let agreed = app.post(&format!("/api/v1/deals/{deal_id}/stage"), Some(&s.uni.token), &json!({"stage": "agreed", "version": deal["version"]})).await;
        agreed.assert_status(200);
        let board = app.get("/api/v1/deals/publicity", None).await;
        let board = board.assert_status(200).clone();
        let entry = board["items"].as_array().expect("items").iter().find(|n| n["deal_id"] == deal_id).cloned().expect("the deal is on the board");
        assert_eq!(entry["price"]["amount_minor"], 75_000_000, "{entry}");
        assert_eq!(entry["price"]["method"], "evaluated");
        assert_eq!(entry["evaluation"]["evaluator"], "广西某资产评估有限公司");
        let _ = (&s.op, &s.contract, &s.inventor_a, &s.inventor_b);
    }
}

db_test! {
    async fn tto_portal_pages_set_the_rule_show_statements_and_edit_inventors(app: TestApp) {
        let s = setup(&app).await;
        let admin = app.portal_login("tto@uni.test", USER_PASSWORD).await;
        let inventor = app.portal_login("zhang@uni.test", USER_PASSWORD).await;
        let buyer = app.portal_login("rd@ent.test", USER_PASSWORD).await;

        // The rule form (version 1 is the rule the setup made): 60/20/10/10.
        let saved = app
            .submit("/my/distribution/rule", Some(&admin), &[("inventors_bp", "6000"), ("college_bp", "2000"), ("transfer_office_bp", "1000"), ("university_bp", "1000"), ("broker_bp", "0"), ("version", "1")])
            .await;
        assert_eq!(saved.status, 303, "{}", saved.text);
        assert!(saved.location().starts_with("/my/distribution"));
        let bad = app
            .submit("/my/distribution/rule", Some(&admin), &[("inventors_bp", "6000"), ("college_bp", "2000"), ("transfer_office_bp", "1000"), ("university_bp", "999"), ("broker_bp", "0"), ("version", "2")])
            .await;
        // A refused form is a page that says why (the portal answers it 200, see
        // `refused_forms_are_pages`), and the rule is unchanged.
        assert!(bad.text.contains("(422)") && bad.text.contains("sum to 10000"), "{}", bad.text);
        let rule = app.get("/api/v1/distribution/rule", Some(&s.uni.token)).await;
        assert_eq!(rule.assert_status(200)["inventors_bp"], 6000);

        app.post_with_key("/api/v1/payments", &s.uni.token, "portal-pay", &json!({"contract_id": s.contract, "amount_minor": 100_000_001, "paid_on": days_ago(0)}))
            .await
            .assert_status(201);
        let office = app.page("/my/distribution", Some(&admin)).await;
        assert_eq!(office.status, 200);
        assert!(office.text.contains("张三") && office.text.contains("李四"), "{}", office.text);
        assert!(office.text.contains("360,000.01"), "60% × 60% of 1,000,000.01 with the fen to 张三: {}", office.text);
        let own = app.page("/my/distribution", Some(&inventor)).await;
        assert_eq!(own.status, 200);
        assert!(own.text.contains("张三") && !own.text.contains("李四"), "{}", own.text);
        let csv = app.page("/my/distribution/export?format=csv", Some(&inventor)).await;
        assert_eq!(csv.status, 200);
        assert!(csv.text.contains("张三") && !csv.text.contains("李四"));

        // The owner's page lists the inventors and edits them; the buyer gets a 404 page.
        let manage = format!("/achievements/{}/disclosure", s.achievement);
        let page = app.page(&manage, Some(&admin)).await;
        assert_eq!(page.status, 200);
        assert!(page.text.contains("张三"), "{}", page.text);
        assert_eq!(app.page(&manage, Some(&buyer)).await.status, 404);
        let edited = app
            .submit(&format!("{manage}/inventors"), Some(&admin), &[("inventors", "王五 | 10000 | 农学院"), ("grant_kind", "long_term_use"), ("grant_share_bp", "10000"), ("grant_date", &days_ago(1).to_string())])
            .await;
        assert_eq!(edited.status, 303, "{}", edited.text);
        let now = app.get(&format!("/api/v1/achievements/{}/inventors", s.achievement), Some(&s.uni.token)).await;
        let now = now.assert_status(200);
        assert_eq!(now["inventors"][0]["name"], "王五");
        assert_eq!(now["grant"]["kind"], "long_term_use");
        let _ = (&s.op, &s.inventor_a, &s.inventor_b, &s.ent);
    }
}
