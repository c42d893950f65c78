//! Innovation vouchers that pay technology contracts (issue #16), over HTTP on both databases:
//! a programme that pays contracts lets the buyer of a signed contract redeem a voucher against
//! it, for the programme's rule on the contract amount and never more than is left unpaid;
//! twenty redemptions of one voucher at once give one; two vouchers at once never pay a
//! contract beyond its amount; the seller claims; the ledger names the contract and the report
//! counts it by region and on a `technology_contract` line — and the refusals (not the buyer,
//! not signed, a programme for orders only, a seller out of region, an expired voucher, a
//! stranger, anonymous callers, malformed and enormous bodies) change nothing.

use axum::http::Method;
use futures::future::join_all;
use integration_tests::db_test;
use integration_tests::deals::{contract_body, days_ago, Org};
use integration_tests::http::TestApp;
use integration_tests::TestResponse;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

fn id(res: &TestResponse, status: u16) -> String {
    res.assert_status(status)["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

fn days_ahead(days: i64) -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() + chrono::Duration::days(days)
}

/// A Guangxi programme open today: `rule` is its value rule (`face_value_minor`, or
/// `share_bp` with `cap_minor`).
fn programme(pays_contracts: bool, rule: Value) -> Value {
    let mut body = json!({
        "name": "广西科技创新券（技术合同）",
        "issuer": "广西科技厅",
        "budget_minor": 1_000_000,
        "currency": "CNY",
        "eligible_org_kinds": ["enterprise"],
        "eligible_service_kinds": ["pilot_scale"],
        "valid_from": days_ahead(-1),
        "valid_until": days_ahead(30),
        "cross_region": false,
        "home_region": "450000",
        "pays_contracts": pays_contracts
    });
    for (k, v) in rule.as_object().expect("rule").iter() {
        body[k] = v.clone();
    }
    body
}

async fn new_programme(app: &TestApp, op: &str, body: &Value) -> String {
    id(
        &app.post("/api/v1/voucher-programmes", Some(op), body).await,
        201,
    )
}

async fn issued(app: &TestApp, op: &str, ent: &Org, programme: &str) -> String {
    let applied = app
        .post(
            &format!("/api/v1/voucher-programmes/{programme}/applications"),
            Some(&ent.token),
            &json!({"purpose": "技术许可费"}),
        )
        .await;
    let voucher = id(&applied, 201);
    app.post(
        &format!("/api/v1/vouchers/{voucher}/decision"),
        Some(op),
        &json!({"approve": true, "version": 1}),
    )
    .await
    .assert_status(200);
    voucher
}

/// A signed CNY contract for `amount` fen, created by the seller.
async fn contract(app: &TestApp, seller: &Org, buyer: &Org, amount: i64, key: &str) -> Value {
    let body = contract_body(&seller.id, &buyer.id, days_ago(2), amount, amount);
    app.post_with_key("/api/v1/contracts", &seller.token, key, &body)
        .await
        .assert_status(201)
        .clone()
}

async fn paid_of(app: &TestApp, token: &str, contract: &str) -> i64 {
    app.get(&format!("/api/v1/contracts/{contract}"), Some(token))
        .await
        .assert_status(200)["voucher_paid_minor"]
        .as_i64()
        .expect("voucher_paid_minor")
}

fn redeem_path(voucher: &str) -> String {
    format!("/api/v1/vouchers/{voucher}/contract-redemptions")
}

db_test! {
    async fn vouchers_pay_a_signed_contract_once_within_its_amount_and_the_seller_claims(app: TestApp) {
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@sugar.test", "450200", false).await;
        let stranger = app.org_in("enterprise", "nosy@other.test", "450300", false).await;
        let op = app.operator_token().await;
        // Half the price up to 500 yuan; a 400-yuan face value; another 400-yuan face value.
        let share = new_programme(&app, &op, &programme(true, json!({"share_bp": 5000, "cap_minor": 50_000}))).await;
        let face = new_programme(&app, &op, &programme(true, json!({"face_value_minor": 40_000}))).await;
        let face2 = new_programme(&app, &op, &programme(true, json!({"face_value_minor": 40_000}))).await;
        let v_share = issued(&app, &op, &ent, &share).await;
        let v_face = issued(&app, &op, &ent, &face).await;
        let v_face2 = issued(&app, &op, &ent, &face2).await;
        // A 600-yuan licence the enterprise buys from the university.
        let c = contract(&app, &uni, &ent, 60_000, "c1").await;
        let cid = c["id"].as_str().expect("id").to_owned();
        assert_eq!(c["voucher_paid_minor"], 0);

        // Anonymous callers, strangers, and the seller cannot spend the buyer's voucher.
        let body = json!({"contract_id": cid});
        app.post(&redeem_path(&v_share), None, &body).await.assert_problem(401, "unauthorized");
        app.post(&redeem_path(&v_share), Some(&stranger.token), &body).await.assert_problem(404, "not_found");
        app.post(&redeem_path(&v_share), Some(&uni.token), &body).await.assert_problem(404, "not_found");
        app.post(&redeem_path(&v_share), Some(&op), &body).await.assert_problem(403, "forbidden");
        // Malformed and enormous bodies.
        app.post(&redeem_path(&v_share), Some(&ent.token), &json!({"contract_id": "not-a-uuid"})).await.assert_problem(422, "validation_failed");
        app.post(&redeem_path(&v_share), Some(&ent.token), &json!({"contract_id": cid, "amount_minor": 1})).await.assert_problem(422, "validation_failed");
        let mut huge = br#"{"contract_id": ""#.to_vec();
        huge.extend(std::iter::repeat_n(b'a', app.state.config.server.body_limit_bytes + 10));
        huge.extend(br#""}"#);
        app.client_request(Method::POST, &redeem_path(&v_share), &ent.token, "application/json", huge).await.assert_problem(413, "payload_too_large");
        assert_eq!(paid_of(&app, &ent.token, &cid).await, 0, "refusals change nothing");

        // Twenty at once with one voucher: one pays half the amount (300 yuan, under the cap),
        // nineteen are told it was spent.
        let share_path = redeem_path(&v_share);
        let results = join_all((0..20).map(|_| app.post(&share_path, Some(&ent.token), &body))).await;
        let ok: Vec<&TestResponse> = results.iter().filter(|r| r.status.as_u16() == 200).collect();
        assert_eq!(ok.len(), 1, "{:?}", results.iter().map(|r| r.status.as_u16()).collect::<Vec<_>>());
        for r in results.iter().filter(|r| r.status.as_u16() != 200) {
            r.assert_problem(409, "voucher_already_redeemed");
        }
        assert_eq!((ok[0].body["redeemed_minor"].as_i64(), ok[0].body["contract_id"].as_str(), ok[0].body["order_id"].as_str()), (Some(30_000), Some(cid.as_str()), None));
        assert_eq!(paid_of(&app, &ent.token, &cid).await, 30_000);

        // Two more vouchers at once, 400 yuan each, with 300 yuan left: one pays the 300 (and
        // releases its other 100), the other finds the contract paid. Never beyond the amount.
        let (face_path, face2_path) = (redeem_path(&v_face), redeem_path(&v_face2));
        let (a, b) = tokio::join!(
            app.post(&face_path, Some(&ent.token), &body),
            app.post(&face2_path, Some(&ent.token), &body)
        );
        let (won, lost, winner_programme, loser_voucher) = if a.status.as_u16() == 200 { (&a, &b, &face, &v_face2) } else { (&b, &a, &face2, &v_face) };
        assert_eq!(won.assert_status(200)["redeemed_minor"], 30_000, "{} / {}", a.text, b.text);
        lost.assert_problem(409, "contract_paid");
        assert_eq!(paid_of(&app, &ent.token, &cid).await, 60_000);
        let t = app.get(&format!("/api/v1/voucher-programmes/{winner_programme}"), None).await.assert_status(200).clone();
        assert_eq!((t["issued_minor"].as_i64(), t["redeemed_minor"].as_i64(), t["released_minor"].as_i64()), (Some(40_000), Some(30_000), Some(10_000)));
        let loser = app.get(&format!("/api/v1/vouchers/{loser_voucher}"), Some(&ent.token)).await;
        assert_eq!(loser.assert_status(200)["state"], "issued", "the refused voucher is still the holder's to spend");

        // The seller sees and claims the voucher, once; the buyer and strangers cannot.
        let claim = format!("/api/v1/vouchers/{v_share}/claim");
        app.get(&format!("/api/v1/vouchers/{v_share}"), Some(&uni.token)).await.assert_status(200);
        app.post(&claim, Some(&ent.token), &json!({})).await.assert_problem(403, "forbidden");
        app.post(&claim, Some(&stranger.token), &json!({})).await.assert_problem(404, "not_found");
        app.post(&claim, None, &json!({})).await.assert_problem(401, "unauthorized");
        let empty = json!({});
        // A contract its parties recorded between themselves pays out nothing until the office
        // registered it (认定登记); and once vouchers paid it, it cannot be cancelled.
        app.post(&claim, Some(&uni.token), &empty).await.assert_problem(409, "contract_not_registered");
        let version = app.get(&format!("/api/v1/contracts/{cid}"), Some(&ent.token)).await.assert_status(200)["version"].clone();
        app.post(&format!("/api/v1/contracts/{cid}/cancel"), Some(&ent.token), &json!({"version": version, "reason": "合同解除"})).await.assert_problem(409, "voucher_paid");
        assert_eq!(paid_of(&app, &ent.token, &cid).await, 60_000);
        app.register_contract(&uni.token, &op, &cid, None).await;
        let (a, b) = tokio::join!(app.post(&claim, Some(&uni.token), &empty), app.post(&claim, Some(&uni.token), &empty));
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);

        // The seller lists the vouchers that paid its contract; a stranger sees none of them.
        let paid_by = |token: String| { let app = &app; let cid = cid.clone(); async move { app.get(&format!("/api/v1/vouchers?contract_id={cid}"), Some(&token)).await.assert_status(200)["total"].as_u64() } };
        assert_eq!(paid_by(uni.token.clone()).await, Some(2));
        assert_eq!(paid_by(ent.token.clone()).await, Some(2));
        assert_eq!(paid_by(stranger.token.clone()).await, Some(0));

        // The ledger names the contract; the report counts it by region and on its own line.
        let lines = app.get(&format!("/api/v1/voucher-programmes/{share}/ledger"), Some(&op)).await.assert_status(200).clone();
        let lines = lines["items"].as_array().expect("items");
        for l in lines.iter().filter(|l| l["kind"] != "issue") {
            assert_eq!((l["contract_id"].as_str(), l["order_id"].as_str(), l["service_kind"].as_str()), (Some(cid.as_str()), None, None), "{l}");
        }
        assert_eq!(lines.iter().filter(|l| l["kind"] == "redeem" || l["kind"] == "claim").count(), 2);
        let report = app.get(&format!("/api/v1/voucher-programmes/{share}/report"), Some(&op)).await.assert_status(200).clone();
        assert_eq!(report["by_service_kind"], json!([{"key": "technology_contract", "issued_minor": 0, "redeemed_minor": 30_000, "claimed_minor": 30_000, "redemptions": 1}]));
        assert_eq!(report["by_region"], json!([{"key": "450200", "issued_minor": 50_000, "redeemed_minor": 30_000, "claimed_minor": 30_000, "redemptions": 1}]));
        let p = &report["programme"];
        for (ledger, total) in [("ledger_issued_minor", "issued_minor"), ("ledger_redeemed_minor", "redeemed_minor"), ("ledger_released_minor", "released_minor"), ("ledger_claimed_minor", "claimed_minor")] {
            assert_eq!(report[ledger], p[total], "{ledger} = {total}: {report}");
        }
        assert_eq!(p["pays_contracts"], true);
        // Every redemption and claim is audited on the voucher.
        let audited = platform::entity::audit_log::Entity::find()
            .filter(platform::entity::audit_log::Column::EntityId.eq(v_share.parse::<uuid::Uuid>().expect("uuid")))
            .all(&app.db)
            .await
            .expect("audit");
        let actions: Vec<&str> = audited.iter().map(|a| a.action.as_str()).collect();
        assert!(actions.contains(&"voucher.redeem") && actions.contains(&"voucher.claim"), "{actions:?}");
    }
}

db_test! {
    async fn vouchers_refuse_contracts_not_bought_not_signed_out_of_region_expired_or_not_covered(app: TestApp) {
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let gd = app.org_in("university", "tto@gd.test", "440100", false).await;
        let ent = app.org_in("enterprise", "rd@sugar.test", "450200", false).await;
        let other = app.org_in("enterprise", "rd@other.test", "450300", false).await;
        let op = app.operator_token().await;
        let pays = new_programme(&app, &op, &programme(true, json!({"face_value_minor": 40_000}))).await;
        let orders_only = new_programme(&app, &op, &programme(false, json!({"face_value_minor": 40_000}))).await;
        let voucher = issued(&app, &op, &ent, &pays).await;
        let orders_voucher = issued(&app, &op, &ent, &orders_only).await;
        let mine = contract(&app, &uni, &ent, 60_000, "mine").await;
        let mine_id = mine["id"].as_str().expect("id").to_owned();
        let before = app.get(&format!("/api/v1/voucher-programmes/{pays}"), None).await.assert_status(200).clone();

        // Not the holder's to buy: a contract it sells (visible: 403), one between others (404).
        let sold = contract(&app, &ent, &other, 60_000, "sold").await;
        app.post(&redeem_path(&voucher), Some(&ent.token), &json!({"contract_id": sold["id"]})).await.assert_problem(403, "forbidden");
        let theirs = contract(&app, &uni, &other, 60_000, "theirs").await;
        app.post(&redeem_path(&voucher), Some(&ent.token), &json!({"contract_id": theirs["id"]})).await.assert_problem(404, "not_found");
        app.post(&redeem_path(&voucher), Some(&ent.token), &json!({"contract_id": uuid::Uuid::now_v7()})).await.assert_problem(404, "not_found");
        // A programme that pays service orders only.
        app.post(&redeem_path(&orders_voucher), Some(&ent.token), &json!({"contract_id": mine_id})).await.assert_problem(409, "contract_not_eligible");
        // A cancelled contract.
        let cancelled = contract(&app, &uni, &ent, 60_000, "cancelled").await;
        let cancelled_id = cancelled["id"].as_str().expect("id");
        app.post(&format!("/api/v1/contracts/{cancelled_id}/cancel"), Some(&uni.token), &json!({"version": cancelled["version"], "reason": "合同解除"}))
            .await
            .assert_status(200);
        app.post(&redeem_path(&voucher), Some(&ent.token), &json!({"contract_id": cancelled_id})).await.assert_problem(409, "contract_not_signed");
        // A seller outside Guangxi, cross-region use not allowed.
        let far = contract(&app, &gd, &ent, 60_000, "far").await;
        app.post(&redeem_path(&voucher), Some(&ent.token), &json!({"contract_id": far["id"]})).await.assert_problem(409, "voucher_out_of_region");
        // Past its validity.
        let pid: uuid::Uuid = pays.parse().expect("uuid");
        use platform::entity::voucher_programmes as vp;
        vp::Entity::update_many()
            .col_expr(vp::Column::ValidUntil, sea_orm::sea_query::Expr::value(days_ago(1)))
            .filter(vp::Column::Id.eq(pid))
            .exec(&app.db)
            .await
            .expect("expire the programme");
        app.post(&redeem_path(&voucher), Some(&ent.token), &json!({"contract_id": mine_id})).await.assert_problem(409, "voucher_expired");

        // Nothing moved anywhere.
        let mut after = app.get(&format!("/api/v1/voucher-programmes/{pays}"), None).await.assert_status(200).clone();
        after["valid_until"] = before["valid_until"].clone();
        assert_eq!(before, after, "refusals change nothing");
        assert_eq!(paid_of(&app, &ent.token, &mine_id).await, 0);
        for v in [&voucher, &orders_voucher] {
            let seen = app.get(&format!("/api/v1/vouchers/{v}"), Some(&ent.token)).await;
            assert_eq!(seen.assert_status(200)["state"], "issued");
        }
        let lines = app.get(&format!("/api/v1/voucher-programmes/{pays}/ledger"), Some(&op)).await.assert_status(200).clone();
        assert_eq!(lines["total"], 1, "the issue line only: {lines}");
    }
}
