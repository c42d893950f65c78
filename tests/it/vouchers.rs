//! The service market and innovation vouchers (issue #16), over HTTP on both databases: the
//! provider directory and its filters, an order from request to confirmation with each step
//! taken by its own side, a voucher programme from application to claim, twenty concurrent
//! redemptions of one voucher (one wins), refusals for a voucher out of its validity or region
//! and for an exhausted budget, the ledger's sums equal to the programme's totals and the
//! report — and what anonymous callers, strangers and bad input get.

use futures::future::join_all;
use integration_tests::db_test;
use integration_tests::deals::{days_ago, Org};
use integration_tests::http::TestApp;
use integration_tests::TestResponse;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

fn service_body(kind: &str, region: &str) -> Value {
    json!({
        "kind": kind,
        "title": "蔗糖发酵中试 Pilot fermentation",
        "description": "500 L 发酵罐中试放大，含工艺报告。",
        "industry_codes": ["modern_agriculture", "biomedicine"],
        "capacity": "3 batches a month",
        "lead_time_days": 30,
        "price_min_minor": 5_000_000,
        "price_max_minor": 20_000_000,
        "currency": "CNY",
        "accreditation": "CMA",
        "region_code": region
    })
}

fn id(res: &TestResponse, status: u16) -> String {
    res.assert_status(status)["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

fn days_ahead(days: i64) -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() + chrono::Duration::days(days)
}

/// A programme valid from `from` to `until` days from today (negative: in the past), paying
/// half the price up to 500 yuan, from a 1,000-yuan budget, for Guangxi enterprises.
fn programme_body(from: i64, until: i64, cross_region: bool) -> Value {
    json!({
        "name": "广西科技创新券（测试）",
        "issuer": "广西科技厅",
        "budget_minor": 100_000,
        "currency": "CNY",
        "eligible_org_kinds": ["enterprise"],
        "eligible_service_kinds": ["pilot_scale", "testing"],
        "share_bp": 5000,
        "cap_minor": 50_000,
        "valid_from": days_ahead(from),
        "valid_until": days_ahead(until),
        "cross_region": cross_region,
        "home_region": "450000"
    })
}

/// A provider's service, an enterprise's order for it taken to `accepted` at `price`.
async fn accepted_order(
    app: &TestApp,
    provider: &Org,
    ent: &Org,
    service: &str,
    price: i64,
) -> String {
    let order = app
        .post(
            "/api/v1/service-orders",
            Some(&ent.token),
            &json!({"service_id": service, "description": "中试 200 L"}),
        )
        .await;
    let order = id(&order, 201);
    app.post(
        &format!("/api/v1/service-orders/{order}/quote"),
        Some(&provider.token),
        &json!({"amount_minor": price, "version": 1}),
    )
    .await
    .assert_status(200);
    app.post(
        &format!("/api/v1/service-orders/{order}/accept"),
        Some(&ent.token),
        &json!({"version": 2}),
    )
    .await
    .assert_status(200);
    order
}

/// Applies for a voucher as `ent` and has the operator approve it.
async fn issued_voucher(app: &TestApp, op: &str, ent: &Org, programme: &str) -> String {
    let applied = app
        .post(
            &format!("/api/v1/voucher-programmes/{programme}/applications"),
            Some(&ent.token),
            &json!({"purpose": "中试"}),
        )
        .await;
    let voucher = id(&applied, 201);
    let issued = app
        .post(
            &format!("/api/v1/vouchers/{voucher}/decision"),
            Some(op),
            &json!({"approve": true, "version": 1}),
        )
        .await;
    assert_eq!(issued.assert_status(200)["state"], "issued");
    voucher
}

async fn programme_totals(app: &TestApp, programme: &str) -> Value {
    app.get(&format!("/api/v1/voucher-programmes/{programme}"), None)
        .await
        .assert_status(200)
        .clone()
}

db_test! {
    async fn services_are_published_filtered_and_ordered_step_by_step_by_each_side(app: TestApp) {
        let provider = app.org_in("institute", "pilot@base.test", "450200", false).await;
        let ent = app.org_in("enterprise", "rd@sugar.test", "450100", false).await;
        let stranger = app.org_in("enterprise", "nosy@other.test", "450100", false).await;
        let op = app.operator_token().await;

        // Publishing needs a caller, sensible fields and known codes.
        app.post("/api/v1/services", None, &service_body("pilot_scale", "450200")).await.assert_problem(401, "unauthorized");
        let mut bad = service_body("pilot_scale", "450200");
        bad["industry_codes"] = json!(["no_such_field"]);
        bad["price_min_minor"] = json!(-1);
        bad["title"] = json!("x".repeat(100_000));
        let res = app.post("/api/v1/services", Some(&provider.token), &bad).await;
        let problem = res.assert_problem(422, "validation_failed");
        let paths: Vec<&str> = problem["fields"].as_array().expect("fields").iter().filter_map(|e| e["path"].as_str()).collect();
        assert!(paths.contains(&"industry_codes[0]") && paths.contains(&"price_min_minor") && paths.contains(&"title"), "{problem}");
        let mut bad = service_body("pilot_scale", "450200");
        bad["kind"] = json!("time_travel");
        assert!(app.post("/api/v1/services", Some(&provider.token), &bad).await.status.is_client_error());
        let pilot = id(&app.post("/api/v1/services", Some(&provider.token), &service_body("pilot_scale", "450200")).await, 201);
        let testing = id(&app.post("/api/v1/services", Some(&provider.token), &service_body("testing", "440100")).await, 201);

        // The directory is public and filters by kind, field, region (a province covers its
        // cities) and title words.
        let list = |q: &'static str| { let app = &app; async move { app.get(&format!("/api/v1/services?{q}"), None).await.assert_status(200).clone() } };
        let ids = |v: &Value| v["items"].as_array().expect("items").iter().map(|s| s["id"].as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>();
        assert_eq!(list("kind=pilot_scale").await["total"], 1);
        assert_eq!(ids(&list("kind=pilot_scale").await), vec![pilot.clone()]);
        assert_eq!(ids(&list("region=450000").await), vec![pilot.clone()]);
        assert_eq!(ids(&list("region=440000").await), vec![testing.clone()]);
        assert_eq!(list("industry=biomedicine").await["total"], 2);
        assert_eq!(list("industry=automotive").await["total"], 0);
        assert_eq!(list("q=PILOT%20fermentation").await["total"], 2);
        assert_eq!(list("q=%25").await["total"], 2, "a lone wildcard matches as nothing special");
        assert_eq!(list("per_page=1&page=2").await["items"].as_array().map(Vec::len), Some(1));
        app.get("/api/v1/services?region=nowhere", None).await.assert_problem(422, "validation_failed");
        app.get("/api/v1/services?kind=nonsense", None).await.assert_problem(400, "bad_request");
        let one = app.get(&format!("/api/v1/services/{pilot}"), None).await;
        assert_eq!(one.assert_status(200)["industry_codes"], json!(["modern_agriculture", "biomedicine"]));
        app.get(&format!("/api/v1/services/{}", uuid::Uuid::now_v7()), None).await.assert_problem(404, "not_found");

        // An order: its own provider cannot order, anonymous callers cannot, the enterprise can.
        let body = json!({"service_id": pilot, "description": "中试 200 L 甘蔗渣发酵"});
        app.post("/api/v1/service-orders", None, &body).await.assert_problem(401, "unauthorized");
        app.post("/api/v1/service-orders", Some(&provider.token), &body).await.assert_problem(409, "own_service");
        app.post("/api/v1/service-orders", Some(&ent.token), &json!({"service_id": pilot, "description": ""})).await.assert_problem(422, "validation_failed");
        let order = id(&app.post("/api/v1/service-orders", Some(&ent.token), &body).await, 201);
        let path = |step: &str| format!("/api/v1/service-orders/{order}/{step}");

        // Strangers see nothing; each step belongs to its side only.
        app.get(&format!("/api/v1/service-orders/{order}"), Some(&stranger.token)).await.assert_problem(404, "not_found");
        app.post(&path("quote"), Some(&stranger.token), &json!({"amount_minor": 80_000, "version": 1})).await.assert_problem(404, "not_found");
        app.post(&path("quote"), Some(&ent.token), &json!({"amount_minor": 80_000, "version": 1})).await.assert_problem(403, "forbidden");
        app.post(&path("accept"), Some(&ent.token), &json!({"version": 1})).await.assert_problem(409, "order_state");
        app.post(&path("quote"), Some(&provider.token), &json!({"amount_minor": i64::MAX, "version": 1})).await.assert_problem(422, "validation_failed");
        app.post(&path("quote"), Some(&provider.token), &json!({"amount_minor": 80_000, "version": i32::MAX})).await.assert_problem(409, "stale_version");
        let quoted = app.post(&path("quote"), Some(&provider.token), &json!({"amount_minor": 80_000, "note": "含报告", "version": 1})).await;
        assert_eq!(quoted.assert_status(200)["quote_minor"], 80_000);
        app.post(&path("accept"), Some(&provider.token), &json!({"version": 2})).await.assert_problem(403, "forbidden");

        // The requester accepts twice at once: one wins, the other is a clear 409.
        let (accept, v2) = (path("accept"), json!({"version": 2}));
        let (a, b) = tokio::join!(
            app.post(&accept, Some(&ent.token), &v2),
            app.post(&accept, Some(&ent.token), &v2)
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
        app.post(&path("confirm"), Some(&ent.token), &json!({"version": 3})).await.assert_problem(409, "order_state");
        app.post(&path("deliver"), Some(&provider.token), &json!({"note": "报告已交付", "version": 3})).await.assert_status(200);
        let done = app.post(&path("confirm"), Some(&ent.token), &json!({"version": 4})).await;
        let done = done.assert_status(200);
        assert_eq!(done["state"], "confirmed");
        let kinds: Vec<&str> = done["events"].as_array().expect("events").iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(kinds, vec!["requested", "quoted", "accepted", "delivered", "confirmed"]);

        // Each side lists it; the operator sees it; the audit log has every step.
        let mine = app.get("/api/v1/service-orders", Some(&ent.token)).await;
        assert_eq!(mine.assert_status(200)["total"], 1);
        assert_eq!(app.get("/api/v1/service-orders?side=provider", Some(&provider.token)).await.assert_status(200)["total"], 1);
        assert_eq!(app.get("/api/v1/service-orders?side=provider", Some(&ent.token)).await.assert_status(200)["total"], 0);
        assert_eq!(app.get("/api/v1/service-orders", Some(&stranger.token)).await.assert_status(200)["total"], 0);
        app.get("/api/v1/service-orders?side=everyone", Some(&ent.token)).await.assert_problem(422, "validation_failed");
        app.get(&format!("/api/v1/service-orders/{order}"), Some(&op)).await.assert_status(200);
        let audited = platform::entity::audit_log::Entity::find()
            .filter(platform::entity::audit_log::Column::EntityId.eq(order.parse::<uuid::Uuid>().expect("uuid")))
            .all(&app.db)
            .await
            .expect("audit");
        assert_eq!(audited.len(), 5, "request, quote, accept, deliver, confirm");
    }
}

db_test! {
    async fn vouchers_twenty_concurrent_redemptions_one_wins_and_the_ledger_equals_the_totals(app: TestApp) {
        let provider = app.org_in("institute", "pilot@base.test", "450200", false).await;
        let ent = app.org_in("enterprise", "rd@sugar.test", "450100", false).await;
        let uni = app.org_in("university", "tto@uni.test", "450100", true).await;
        let stranger = app.org_in("enterprise", "nosy@other.test", "450300", false).await;
        let op = app.operator_token().await;

        // Only operators set up programmes, with one value rule.
        app.post("/api/v1/voucher-programmes", Some(&ent.token), &programme_body(-1, 30, false)).await.assert_problem(403, "forbidden");
        app.post("/api/v1/voucher-programmes", None, &programme_body(-1, 30, false)).await.assert_problem(401, "unauthorized");
        let mut both = programme_body(-1, 30, false);
        both["face_value_minor"] = json!(10_000);
        app.post("/api/v1/voucher-programmes", Some(&op), &both).await.assert_problem(422, "validation_failed");
        let mut huge = programme_body(-1, 30, false);
        huge["budget_minor"] = json!(i64::MAX);
        huge["share_bp"] = json!(i64::MAX);
        app.post("/api/v1/voucher-programmes", Some(&op), &huge).await.assert_problem(422, "validation_failed");
        let programme = id(&app.post("/api/v1/voucher-programmes", Some(&op), &programme_body(-1, 30, false)).await, 201);

        // Eligibility is the applicant's organisation kind; one application per organisation.
        let apply = format!("/api/v1/voucher-programmes/{programme}/applications");
        app.post(&apply, Some(&uni.token), &json!({"purpose": "测试"})).await.assert_problem(409, "voucher_not_eligible");
        app.post(&apply, None, &json!({"purpose": "测试"})).await.assert_problem(401, "unauthorized");
        let voucher = issued_voucher(&app, &op, &ent, &programme).await;
        app.post(&apply, Some(&ent.token), &json!({"purpose": "again"})).await.assert_problem(409, "already_exists");
        app.post(&format!("/api/v1/vouchers/{voucher}/decision"), Some(&op), &json!({"approve": true, "version": 2})).await.assert_problem(409, "voucher_decided");
        app.get(&format!("/api/v1/vouchers/{voucher}"), Some(&stranger.token)).await.assert_problem(404, "not_found");
        let t = programme_totals(&app, &programme).await;
        assert_eq!((t["issued_minor"].as_i64(), t["available_minor"].as_i64()), (Some(50_000), Some(50_000)));

        let service = id(&app.post("/api/v1/services", Some(&provider.token), &service_body("pilot_scale", "450200")).await, 201);
        let order = accepted_order(&app, &provider, &ent, &service, 80_000).await;
        // Strangers cannot spend another's voucher, nor on another's order.
        let redeem = format!("/api/v1/vouchers/{voucher}/redemptions");
        app.post(&redeem, Some(&stranger.token), &json!({"order_id": order})).await.assert_problem(404, "not_found");
        app.post(&redeem, Some(&op), &json!({"order_id": order})).await.assert_problem(403, "forbidden");

        // Twenty at once: exactly one succeeds, nineteen are told it was spent.
        let body = json!({"order_id": order});
        let tries = (0..20).map(|_| app.post(&redeem, Some(&ent.token), &body));
        let results = join_all(tries).await;
        let ok: Vec<&TestResponse> = results.iter().filter(|r| r.status.as_u16() == 200).collect();
        assert_eq!(ok.len(), 1, "{:?}", results.iter().map(|r| r.status.as_u16()).collect::<Vec<_>>());
        for r in results.iter().filter(|r| r.status.as_u16() != 200) {
            r.assert_problem(409, "voucher_already_redeemed");
        }
        // Half of 800 yuan is 400, under the 500 cap; the other 100 reserved goes back.
        assert_eq!(ok[0].body["redeemed_minor"], 40_000);
        let t = programme_totals(&app, &programme).await;
        assert_eq!(
            (t["issued_minor"].as_i64(), t["redeemed_minor"].as_i64(), t["released_minor"].as_i64(), t["available_minor"].as_i64()),
            (Some(50_000), Some(40_000), Some(10_000), Some(60_000)),
        );
        let o = app.get(&format!("/api/v1/service-orders/{order}"), Some(&ent.token)).await;
        assert_eq!((o.assert_status(200)["voucher_minor"].as_i64(), o.body["voucher_id"].as_str()), (Some(40_000), Some(voucher.as_str())));

        // The provider claims once the order is confirmed, once.
        let claim = format!("/api/v1/vouchers/{voucher}/claim");
        app.post(&claim, Some(&ent.token), &json!({})).await.assert_problem(403, "forbidden");
        app.post(&claim, Some(&provider.token), &json!({})).await.assert_problem(409, "order_not_confirmed");
        app.post(&format!("/api/v1/service-orders/{order}/deliver"), Some(&provider.token), &json!({"version": 4})).await.assert_status(200);
        app.post(&format!("/api/v1/service-orders/{order}/confirm"), Some(&ent.token), &json!({"version": 5})).await.assert_status(200);
        let empty = json!({});
        let (a, b) = tokio::join!(app.post(&claim, Some(&provider.token), &empty), app.post(&claim, Some(&provider.token), &empty));
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);

        // The report: for operators only; the ledger's sums equal the programme's totals.
        let report_path = format!("/api/v1/voucher-programmes/{programme}/report");
        app.get(&report_path, None).await.assert_problem(401, "unauthorized");
        app.get(&report_path, Some(&ent.token)).await.assert_problem(403, "forbidden");
        let report = app.get(&report_path, Some(&op)).await.assert_status(200).clone();
        let p = &report["programme"];
        for (ledger, total) in [("ledger_issued_minor", "issued_minor"), ("ledger_redeemed_minor", "redeemed_minor"), ("ledger_released_minor", "released_minor"), ("ledger_claimed_minor", "claimed_minor")] {
            assert_eq!(report[ledger], p[total], "{ledger} = {total}: {report}");
        }
        assert_eq!(p["claimed_minor"], 40_000);
        assert_eq!((report["vouchers_issued"].as_u64(), report["vouchers_redeemed"].as_u64(), report["vouchers_claimed"].as_u64()), (Some(1), Some(1), Some(1)));
        assert_eq!(report["by_region"], json!([{"key": "450100", "issued_minor": 50_000, "redeemed_minor": 40_000, "claimed_minor": 40_000, "redemptions": 1}]));
        assert_eq!(report["by_service_kind"], json!([{"key": "pilot_scale", "issued_minor": 0, "redeemed_minor": 40_000, "claimed_minor": 40_000, "redemptions": 1}]));
        // The ledger read line by line adds up to the same, and the database refuses edits.
        let lines = app.get(&format!("/api/v1/voucher-programmes/{programme}/ledger"), Some(&op)).await.assert_status(200).clone();
        let sum = |kind: &str| lines["items"].as_array().expect("items").iter().filter(|l| l["kind"] == kind).map(|l| l["amount_minor"].as_i64().unwrap_or(0)).sum::<i64>();
        assert_eq!((sum("issue"), sum("redeem"), sum("release"), sum("claim")), (50_000, 40_000, 10_000, 40_000));
        assert!(sea_orm::ConnectionTrait::execute_unprepared(&app.db, "UPDATE voucher_ledger SET amount_minor = 1").await.is_err());
        assert!(sea_orm::ConnectionTrait::execute_unprepared(&app.db, "DELETE FROM voucher_ledger").await.is_err());
        app.get(&format!("/api/v1/voucher-programmes/{programme}/ledger"), Some(&ent.token)).await.assert_problem(403, "forbidden");
    }
}

db_test! {
    async fn vouchers_out_of_validity_out_of_region_or_beyond_the_budget_are_refused(app: TestApp) {
        let guangxi = app.org_in("institute", "pilot@base.test", "450200", false).await;
        let guangdong = app.org_in("institute", "lab@gd.test", "440100", false).await;
        let ent = app.org_in("enterprise", "rd@sugar.test", "450100", false).await;
        let ent2 = app.org_in("enterprise", "rd2@sugar.test", "450500", false).await;
        let outsider = app.org_in("enterprise", "rd@yunnan.test", "530100", false).await;
        let op = app.operator_token().await;
        let programme = id(&app.post("/api/v1/voucher-programmes", Some(&op), &programme_body(-1, 30, false)).await, 201);
        app.post(&format!("/api/v1/voucher-programmes/{programme}/applications"), Some(&outsider.token), &json!({"purpose": "x"}))
            .await
            .assert_problem(409, "voucher_out_of_region");
        let voucher = issued_voucher(&app, &op, &ent, &programme).await;
        let redeem = format!("/api/v1/vouchers/{voucher}/redemptions");

        // A provider outside Guangxi, with cross-region use not allowed: refused, nothing moves.
        let far = id(&app.post("/api/v1/services", Some(&guangdong.token), &service_body("testing", "440100")).await, 201);
        let far_order = accepted_order(&app, &guangdong, &ent, &far, 80_000).await;
        let before = programme_totals(&app, &programme).await;
        app.post(&redeem, Some(&ent.token), &json!({"order_id": far_order})).await.assert_problem(409, "voucher_out_of_region");
        // A kind of service the programme does not pay for.
        let ip = id(&app.post("/api/v1/services", Some(&guangxi.token), &service_body("ip_agency", "450200")).await, 201);
        let ip_order = accepted_order(&app, &guangxi, &ent, &ip, 80_000).await;
        app.post(&redeem, Some(&ent.token), &json!({"order_id": ip_order})).await.assert_problem(409, "service_not_eligible");
        // An order not yet accepted.
        let near = id(&app.post("/api/v1/services", Some(&guangxi.token), &service_body("pilot_scale", "450200")).await, 201);
        let pending = id(&app.post("/api/v1/service-orders", Some(&ent.token), &json!({"service_id": near, "description": "x"})).await, 201);
        app.post(&redeem, Some(&ent.token), &json!({"order_id": pending})).await.assert_problem(409, "order_not_accepted");
        app.post(&redeem, Some(&ent.token), &json!({"order_id": "not-a-uuid"})).await.assert_problem(422, "validation_failed");

        // Past its validity: refused with its own code.
        let near_order = accepted_order(&app, &guangxi, &ent, &near, 80_000).await;
        let pid: uuid::Uuid = programme.parse().expect("uuid");
        use platform::entity::voucher_programmes as vp;
        vp::Entity::update_many()
            .col_expr(vp::Column::ValidUntil, sea_orm::sea_query::Expr::value(days_ago(1)))
            .filter(vp::Column::Id.eq(pid))
            .exec(&app.db)
            .await
            .expect("expire the programme");
        app.post(&redeem, Some(&ent.token), &json!({"order_id": near_order})).await.assert_problem(409, "voucher_expired");
        let mut after = programme_totals(&app, &programme).await;
        after["valid_until"] = before["valid_until"].clone();
        assert_eq!(before, after, "refusals change nothing");
        let v = app.get(&format!("/api/v1/vouchers/{voucher}"), Some(&ent.token)).await;
        assert_eq!(v.assert_status(200)["state"], "issued");

        // Not yet valid: a programme that opens next week.
        let later = id(&app.post("/api/v1/voucher-programmes", Some(&op), &programme_body(7, 30, true)).await, 201);
        let early = issued_voucher(&app, &op, &ent, &later).await;
        app.post(&format!("/api/v1/vouchers/{early}/redemptions"), Some(&ent.token), &json!({"order_id": near_order}))
            .await
            .assert_problem(409, "voucher_not_yet_valid");

        // The budget covers two 500-yuan vouchers and no third; a refused one reserves nothing.
        let applied = app.post(&format!("/api/v1/voucher-programmes/{later}/applications"), Some(&ent2.token), &json!({"purpose": "x"})).await;
        let second = id(&applied, 201);
        app.post(&format!("/api/v1/vouchers/{second}/decision"), Some(&ent2.token), &json!({"approve": true, "version": 1})).await.assert_problem(403, "forbidden");
        app.post(&format!("/api/v1/vouchers/{second}/decision"), Some(&op), &json!({"approve": true, "version": 1})).await.assert_status(200);
        let third_org = app.org_in("enterprise", "rd3@sugar.test", "450100", false).await;
        let third = id(&app.post(&format!("/api/v1/voucher-programmes/{later}/applications"), Some(&third_org.token), &json!({"purpose": "x"})).await, 201);
        app.post(&format!("/api/v1/vouchers/{third}/decision"), Some(&op), &json!({"approve": true, "version": 1})).await.assert_problem(409, "budget_exhausted");
        let v = app.get(&format!("/api/v1/vouchers/{third}"), Some(&op)).await;
        assert_eq!(v.assert_status(200)["state"], "applied", "the refused issue rolled back");
        let refused = app.post(&format!("/api/v1/vouchers/{third}/decision"), Some(&op), &json!({"approve": false, "note": "预算已用完", "version": 1})).await;
        assert_eq!(refused.assert_status(200)["state"], "refused");
        let t = programme_totals(&app, &later).await;
        assert_eq!((t["issued_minor"].as_i64(), t["available_minor"].as_i64()), (Some(100_000), Some(0)));
    }
}

db_test! {
    async fn vouchers_sample_services_and_programme_are_labelled_and_load_once(app: TestApp) {
        techmarket::sample::load(&app.db).await.expect("platform sample data");
        let today = chrono::Utc::now().date_naive();
        for _ in 0..2 {
            deal::sample::services::load(&app.db, today).await.expect("sample services");
        }
        let services = app.get("/api/v1/services?per_page=100", None).await.assert_status(200).clone();
        let items = services["items"].as_array().expect("items");
        assert_eq!(items.len(), 4, "{services}");
        assert!(items.iter().all(|s| s["sample"] == true && s["title"].as_str().is_some_and(|t| t.contains("示例"))));
        let programmes = app.get("/api/v1/voucher-programmes", None).await.assert_status(200).clone();
        assert_eq!(programmes["total"], 1);
        assert_eq!(programmes["items"][0]["sample"], true);
        assert_eq!(programmes["items"][0]["available_minor"], 500_000_000);
    }
}
