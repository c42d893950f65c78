//! City sub-markets (issue #16): a platform operator listed in a city's registration office
//! works that city only — its review queue, verification queue, listings, deals, contracts,
//! registrations and voucher administration — and another city's object is a 404 that changes
//! nothing. A platform operator in no office still sees both cities. Hostile: anonymous callers
//! and members of organisations are refused; the same approval twice at once has one winner.

use integration_tests::deals::{contract_body, days_ago, Org};
use integration_tests::http::OPERATOR_PASSWORD;
use integration_tests::listings::{achievement_body, need_body};
use integration_tests::{db_test, TestApp};
use platform::entity::registration_offices;
use reqwest::Method;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

/// A city office for `region` with one platform operator in it; returns that operator's token.
async fn city_operator(app: &TestApp, admin: &str, region: &str, name: &str) -> String {
    city_operator_with_email(app, admin, region, name).await.0
}

/// As [`city_operator`]; also returns the operator's e-mail (to sign in to the portal).
async fn city_operator_with_email(
    app: &TestApp,
    admin: &str,
    region: &str,
    name: &str,
) -> (String, String) {
    let office = app
        .post(
            "/api/v1/offices",
            Some(admin),
            &json!({"code": region, "name": name, "kind": "city", "region_code": region}),
        )
        .await;
    let office = office.assert_status(201)["id"]
        .as_str()
        .expect("office id")
        .to_owned();
    let email = format!(
        "clerk-{}@{region}.office.test",
        uuid::Uuid::now_v7().simple()
    );
    listing::domain::accounts::create_operator(&app.db, &email, "City operator", OPERATOR_PASSWORD)
        .await
        .expect("create operator");
    let op = app.login(&email, OPERATOR_PASSWORD).await;
    let me = app.get("/api/v1/me", Some(&op)).await;
    let user = me.assert_status(200)["user_id"]
        .as_str()
        .expect("user id")
        .to_owned();
    app.post(
        &format!("/api/v1/offices/{office}/operators"),
        Some(admin),
        &json!({"user_id": user}),
    )
    .await
    .assert_status(201);
    (op, email)
}

/// The ids in a page (`items`) or a plain array.
fn ids(v: &Value) -> Vec<String> {
    let items = v["items"].as_array().or_else(|| v.as_array());
    items
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn listed(app: &TestApp, path: &str, token: &str) -> Vec<String> {
    ids(app.get(path, Some(token)).await.assert_status(200))
}

/// Creates and submits an achievement of `owner`; returns (id, version after submitting).
async fn submitted_achievement(app: &TestApp, owner: &str) -> (String, i64) {
    let (id, v) = app
        .create_listing("achievements", owner, &achievement_body())
        .await;
    let res = app
        .post(
            &format!("/api/v1/achievements/{id}/submit"),
            Some(owner),
            &json!({"version": v}),
        )
        .await;
    let v = res.assert_status(200)["version"].as_i64().expect("version");
    (id, v)
}

/// A contract between `seller` and `buyer`, submitted for registration; returns (contract id,
/// registration id, registration version).
async fn submitted_contract(app: &TestApp, seller: &Org, buyer: &Org) -> (String, String, i64) {
    let body = contract_body(&seller.id, &buyer.id, days_ago(5), 3_000_000, 3_000_000);
    let key = uuid::Uuid::now_v7().to_string();
    let c = app
        .post_with_key("/api/v1/contracts", &seller.token, &key, &body)
        .await;
    let contract = c.assert_status(201)["id"].as_str().expect("id").to_owned();
    let r = app
        .post(
            "/api/v1/registrations",
            Some(&seller.token),
            &json!({"contract_id": contract}),
        )
        .await;
    let r = r.assert_status(201);
    (
        contract,
        r["id"].as_str().expect("registration").to_owned(),
        r["version"].as_i64().expect("version"),
    )
}

db_test! {
    async fn a_city_operator_sees_and_decides_only_their_own_citys_listings_and_organisations(app: TestApp) {
        let admin = app.operator_token().await;
        let (nn_op, nn_email) = city_operator_with_email(&app, &admin, "450100", "南宁市技术合同登记点（示例）").await;
        let gl_op = city_operator(&app, &admin, "450300", "桂林市技术合同登记点（示例）").await;
        let nn = app.org_in("university", "uni@nanning.test", "450103", false).await;
        let gl = app.org_in("university", "uni@guilin.test", "450305", false).await;

        // The verification queue: each city its own pending organisations; the platform both.
        let pending = "/api/v1/orgs?verification_status=pending&per_page=100";
        let nn_queue = listed(&app, pending, &nn_op).await;
        assert!(nn_queue.contains(&nn.id) && !nn_queue.contains(&gl.id), "{nn_queue:?}");
        let gl_queue = listed(&app, pending, &gl_op).await;
        assert!(gl_queue.contains(&gl.id) && !gl_queue.contains(&nn.id), "{gl_queue:?}");
        let all = listed(&app, pending, &admin).await;
        assert!(all.contains(&nn.id) && all.contains(&gl.id));
        // Another city's pending organisation does not exist for them, and deciding it changes
        // nothing.
        app.get(&format!("/api/v1/orgs/{}", gl.id), Some(&nn_op)).await.assert_problem(404, "not_found");
        let verify = json!({"decision": "verified", "version": 1});
        app.post(&format!("/api/v1/orgs/{}/verification", gl.id), Some(&nn_op), &verify).await.assert_problem(404, "not_found");
        let gl_org = app.get(&format!("/api/v1/orgs/{}", gl.id), Some(&admin)).await;
        let gl_org = gl_org.assert_status(200);
        assert_eq!(gl_org["verification_status"], "pending");
        assert_eq!(gl_org["version"], 1);
        // Their own city's they verify.
        let ok = app.post(&format!("/api/v1/orgs/{}/verification", nn.id), Some(&nn_op), &verify).await;
        assert_eq!(ok.assert_status(200)["verification_status"], "verified");
        app.post(&format!("/api/v1/orgs/{}/verification", gl.id), Some(&gl_op), &verify).await.assert_status(200);

        // The review queue and the listings' unpublished states.
        let (nn_ach, nn_v) = submitted_achievement(&app, &nn.token).await;
        let (gl_ach, gl_v) = submitted_achievement(&app, &gl.token).await;
        let (nn_need, _) = app.create_listing("needs", &nn.token, &need_body()).await;
        let reviews = listed(&app, "/api/v1/reviews", &nn_op).await;
        assert_eq!(reviews, vec![nn_ach.clone()], "Nanning's queue");
        let reviews = listed(&app, "/api/v1/reviews", &gl_op).await;
        assert_eq!(reviews, vec![gl_ach.clone()], "Guilin's queue");
        let reviews = listed(&app, "/api/v1/reviews", &admin).await;
        assert!(reviews.contains(&nn_ach) && reviews.contains(&gl_ach), "{reviews:?}");
        // The operator of an office that was closed acts nowhere, not everywhere.
        let lz_op = city_operator(&app, &admin, "450200", "柳州市技术合同登记点（示例）").await;
        registration_offices::Entity::update_many()
            .col_expr(registration_offices::Column::Active, Expr::value(false))
            .filter(registration_offices::Column::Code.eq("450200"))
            .exec(&app.db)
            .await
            .expect("close the office");
        assert!(listed(&app, "/api/v1/reviews", &lz_op).await.is_empty());
        // Nor does it read the region's figures as an operator: the contracts behind them are
        // refused, and the tables are the public's (no raw aggregation).
        app.get("/api/v1/stats/turnover/contracts?year=2026", Some(&lz_op)).await.assert_problem(403, "forbidden");
        app.get("/api/v1/stats/turnover?source=raw&group_by=city", Some(&lz_op)).await.assert_problem(403, "forbidden");
        app.get("/api/v1/stats/turnover/contracts?year=2026", Some(&admin)).await.assert_status(200);
        app.post(&format!("/api/v1/achievements/{nn_ach}/review"), Some(&lz_op), &json!({"decision": "publish", "version": nn_v})).await.assert_problem(404, "not_found");
        let submitted = listed(&app, "/api/v1/achievements?status=submitted&per_page=100", &nn_op).await;
        assert!(submitted.contains(&nn_ach) && !submitted.contains(&gl_ach), "{submitted:?}");
        let every = listed(&app, "/api/v1/achievements?per_page=100", &nn_op).await;
        assert!(every.contains(&nn_ach) && !every.contains(&gl_ach), "{every:?}");
        app.get(&format!("/api/v1/achievements/{gl_ach}"), Some(&nn_op)).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/achievements/{gl_ach}"), Some(&gl_op)).await.assert_status(200);
        app.get(&format!("/api/v1/needs/{nn_need}"), Some(&gl_op)).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/needs/{nn_need}"), Some(&nn_op)).await.assert_status(200);
        // The console reads the same answers: Nanning's operator is offered Nanning's listing
        // to review and not Guilin's.
        let session = app.portal_login(&nn_email, OPERATOR_PASSWORD).await;
        let console = app.page("/console", Some(&session)).await;
        assert_eq!(console.status.as_u16(), 200, "{}", console.text);
        assert!(console.text.contains(&nn_ach), "Nanning's submission is in the console");
        assert!(!console.text.contains(&gl_ach), "Guilin's is not");

        // Deciding another city's listing: 404 either way, and it stays submitted.
        for decision in [json!({"decision": "publish", "version": gl_v}), json!({"decision": "reject", "reason": "不符合要求", "version": gl_v})] {
            app.post(&format!("/api/v1/achievements/{gl_ach}/review"), Some(&nn_op), &decision).await.assert_problem(404, "not_found");
        }
        let still = app.get(&format!("/api/v1/achievements/{gl_ach}"), Some(&gl.token)).await;
        let still = still.assert_status(200);
        assert_eq!(still["status"], "submitted");
        assert_eq!(still["version"], gl_v);

        // The same approval twice at once by the right operator: one wins, one is refused.
        let path = format!("/api/v1/achievements/{nn_ach}/review");
        let publish = json!({"decision": "publish", "version": nn_v});
        let (a, b) = tokio::join!(app.post(&path, Some(&nn_op), &publish), app.post(&path, Some(&nn_op), &publish));
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
        let published = app.get(&format!("/api/v1/achievements/{nn_ach}"), None).await;
        assert_eq!(published.assert_status(200)["version"], nn_v + 1, "published once");
        // The Guilin operator publishes Guilin's; published listings are public to everyone.
        app.post(&format!("/api/v1/achievements/{gl_ach}/review"), Some(&gl_op), &json!({"decision": "publish", "version": gl_v})).await.assert_status(200);
        app.get(&format!("/api/v1/achievements/{gl_ach}"), Some(&nn_op)).await.assert_status(200);
        assert!(listed(&app, "/api/v1/reviews", &nn_op).await.is_empty());

        // Malformed and enormous input is a 4xx problem and changes nothing, whoever's it is.
        let review_gl = format!("/api/v1/achievements/{gl_ach}/review");
        let broken = app.client_request(Method::POST, &review_gl, &gl_op, "application/json", b"{\"decision\": ".to_vec()).await;
        assert_eq!(broken.status.as_u16(), 400, "{}", broken.text);
        assert!(broken.content_type().starts_with("application/problem+json"));
        app.post("/api/v1/achievements/not-an-id/review", Some(&nn_op), &json!({"decision": "publish", "version": 1})).await.assert_problem(400, "bad_request");
        let essay = json!({"decision": "reject", "reason": "理由".repeat(50_000), "version": gl_v});
        app.post(&review_gl, Some(&gl_op), &essay).await.assert_problem(422, "validation_failed");
        let after = app.get(&format!("/api/v1/achievements/{gl_ach}"), Some(&gl.token)).await;
        let after = after.assert_status(200);
        assert_eq!(after["status"], "published", "still as the Guilin operator left it");
        assert_eq!(after["version"], gl_v + 1);

        // Anonymous callers and members of organisations have no queue at all.
        app.get("/api/v1/reviews", None).await.assert_problem(401, "unauthorized");
        app.get("/api/v1/reviews", Some(&nn.token)).await.assert_problem(403, "forbidden");
        app.get(pending, Some(&gl.token)).await.assert_problem(403, "forbidden");
        app.post(&format!("/api/v1/orgs/{}/verification", nn.id), None, &verify).await.assert_problem(401, "unauthorized");
    }
}

db_test! {
    async fn a_city_operator_sees_only_their_own_citys_deals_contracts_registrations_and_vouchers(app: TestApp) {
        let admin = app.operator_token().await;
        let nn_op = city_operator(&app, &admin, "450100", "南宁市技术合同登记点（示例）").await;
        let gl_op = city_operator(&app, &admin, "450300", "桂林市技术合同登记点（示例）").await;
        let nn_uni = app.org_in("university", "uni@nanning.test", "450103", false).await;
        let nn_ent = app.org_in("enterprise", "ent@nanning.test", "450102", false).await;
        let gl_uni = app.org_in("university", "uni@guilin.test", "450305", false).await;
        let gl_ent = app.org_in("enterprise", "ent@guilin.test", "450302", false).await;

        // A deal in each city.
        let nn_ach = app.published_achievement(&nn_uni.token, &admin).await;
        let gl_ach = app.published_achievement(&gl_uni.token, &admin).await;
        let nn_deal = app.open_inquiry(&nn_ent.token, &nn_ach, json!({})).await["id"].as_str().expect("deal").to_owned();
        let gl_deal = app.open_inquiry(&gl_ent.token, &gl_ach, json!({})).await["id"].as_str().expect("deal").to_owned();
        let deals = listed(&app, "/api/v1/deals?per_page=100", &nn_op).await;
        assert_eq!(deals, vec![nn_deal.clone()]);
        let deals = listed(&app, "/api/v1/deals?per_page=100", &gl_op).await;
        assert_eq!(deals, vec![gl_deal.clone()]);
        let deals = listed(&app, "/api/v1/deals?per_page=100", &admin).await;
        assert!(deals.contains(&nn_deal) && deals.contains(&gl_deal));
        app.get(&format!("/api/v1/deals/{gl_deal}"), Some(&nn_op)).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/deals/{nn_deal}"), Some(&nn_op)).await.assert_status(200);
        // An operator opens deals only where one side is in their city.
        let open = json!({"origin": "inquiry", "achievement_id": gl_ach, "buyer_organisation_id": gl_ent.id});
        app.post("/api/v1/deals", Some(&nn_op), &open).await.assert_problem(403, "forbidden");
        let across = json!({"origin": "inquiry", "achievement_id": gl_ach, "buyer_organisation_id": nn_ent.id});
        let across = app.post("/api/v1/deals", Some(&nn_op), &across).await;
        let across = across.assert_status(201)["id"].as_str().expect("deal").to_owned();
        app.get(&format!("/api/v1/deals/{across}"), Some(&gl_op)).await.assert_status(200);

        // A contract in each city, submitted: each goes to its city's office.
        let (nn_c, nn_reg, nn_reg_v) = submitted_contract(&app, &nn_uni, &nn_ent).await;
        let (gl_c, gl_reg, gl_reg_v) = submitted_contract(&app, &gl_uni, &gl_ent).await;
        assert_eq!(listed(&app, "/api/v1/contracts?per_page=100", &nn_op).await, vec![nn_c.clone()]);
        assert_eq!(listed(&app, "/api/v1/contracts?per_page=100", &gl_op).await, vec![gl_c.clone()]);
        let all = listed(&app, "/api/v1/contracts?per_page=100", &admin).await;
        assert!(all.contains(&nn_c) && all.contains(&gl_c));
        app.get(&format!("/api/v1/contracts/{gl_c}"), Some(&nn_op)).await.assert_problem(404, "not_found");
        assert_eq!(listed(&app, "/api/v1/registrations?per_page=100", &nn_op).await, vec![nn_reg.clone()]);
        app.get(&format!("/api/v1/registrations/{gl_reg}"), Some(&nn_op)).await.assert_problem(404, "not_found");

        // Registering another city's contract: 404, and it stays submitted.
        let register = |v: i64| json!({"version": v, "decision": "register"});
        app.post(&format!("/api/v1/registrations/{gl_reg}/decision"), Some(&nn_op), &register(gl_reg_v)).await.assert_problem(404, "not_found");
        let gl_now = app.get(&format!("/api/v1/registrations/{gl_reg}"), Some(&gl_uni.token)).await;
        let gl_now = gl_now.assert_status(200);
        assert_eq!(gl_now["status"], "submitted");
        assert_eq!(gl_now["version"], gl_reg_v);
        // Their own they register, and their city's turnover shows it.
        app.post(&format!("/api/v1/registrations/{nn_reg}/decision"), Some(&nn_op), &register(nn_reg_v)).await.assert_status(200);
        app.post(&format!("/api/v1/registrations/{gl_reg}/decision"), Some(&gl_op), &register(gl_reg_v)).await.assert_status(200);
        app.run_jobs().await;
        let stats = app.get("/api/v1/stats/turnover?group_by=", Some(&nn_op)).await;
        assert_eq!(stats.assert_status(200)["total_amount_cny_minor"], 3_000_000, "Nanning's only");
        app.get("/api/v1/stats/turnover?city=450300", Some(&nn_op)).await.assert_problem(403, "forbidden");

        // Vouchers: each city's operator decides its own city's applications only.
        let programme = json!({
            "name": "广西科技创新券（测试）", "issuer": "广西科技厅", "budget_minor": 100_000,
            "currency": "CNY", "eligible_org_kinds": ["enterprise"],
            "eligible_service_kinds": ["pilot_scale", "testing"], "share_bp": 5000, "cap_minor": 50_000,
            "valid_from": days_ago(1), "valid_until": days_ago(-30), "cross_region": false,
            "home_region": "450000"
        });
        let p = app.post("/api/v1/voucher-programmes", Some(&admin), &programme).await;
        let p = p.assert_status(201)["id"].as_str().expect("programme").to_owned();
        let apply = |org: Org| {
            let app = &app;
            let p = p.clone();
            async move {
                let res = app.post(&format!("/api/v1/voucher-programmes/{p}/applications"), Some(&org.token), &json!({"purpose": "中试"})).await;
                res.assert_status(201)["id"].as_str().expect("voucher").to_owned()
            }
        };
        let nn_v = apply(nn_ent.clone()).await;
        let gl_v = apply(gl_ent.clone()).await;
        assert_eq!(listed(&app, "/api/v1/vouchers?per_page=100", &nn_op).await, vec![nn_v.clone()]);
        let approve = json!({"approve": true, "version": 1});
        app.post(&format!("/api/v1/vouchers/{gl_v}/decision"), Some(&nn_op), &approve).await.assert_problem(404, "not_found");
        let gl_voucher = app.get(&format!("/api/v1/vouchers/{gl_v}"), Some(&gl_ent.token)).await;
        assert_eq!(gl_voucher.assert_status(200)["state"], "applied");
        let issued = app.post(&format!("/api/v1/vouchers/{nn_v}/decision"), Some(&nn_op), &approve).await;
        assert_eq!(issued.assert_status(200)["state"], "issued");
        // The provincial programme's books are the province's; a city runs its own.
        app.get(&format!("/api/v1/voucher-programmes/{p}/report"), Some(&nn_op)).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/voucher-programmes/{p}/report"), Some(&admin)).await.assert_status(200);
        let mut guilin = programme.clone();
        guilin["home_region"] = json!("450300");
        app.post("/api/v1/voucher-programmes", Some(&nn_op), &guilin).await.assert_problem(403, "forbidden");
        let mut nanning = programme.clone();
        nanning["home_region"] = json!("450100");
        let own = app.post("/api/v1/voucher-programmes", Some(&nn_op), &nanning).await;
        let own = own.assert_status(201)["id"].as_str().expect("programme").to_owned();
        app.get(&format!("/api/v1/voucher-programmes/{own}/report"), Some(&nn_op)).await.assert_status(200);

        // Members of organisations are not operators anywhere.
        let mine = listed(&app, "/api/v1/deals?per_page=100", &gl_ent.token).await;
        assert_eq!(mine, vec![gl_deal.clone()]);
        app.get("/api/v1/deals", None).await.assert_problem(401, "unauthorized");
        app.post(&format!("/api/v1/vouchers/{gl_v}/decision"), Some(&nn_ent.token), &approve).await.assert_problem(403, "forbidden");
    }
}
