//! The registration office (issue #14): a contract whose buyer is off the platform is
//! submitted, decided and registered, and turnover rises by exactly its amount; a refused one
//! changes nothing; corrections are recorded with reasons; the certificate verifies by its
//! code and a forged one does not; the party that joins later is linked by credit code; an
//! office's batch intake of 5,000 contracts with 5 bad rows reports exactly those rows and, all
//! or nothing, writes nothing. Hostile: anonymous callers, an operator of another office, a
//! party of another organisation, malformed and enormous input, bad credit codes, and the
//! same decision twice at once.

use integration_tests::deals::{contract_body, days_ago};
use integration_tests::http::signup_body;
use integration_tests::{db_test, TestApp};
use platform::entity::{contracts, registrations};
use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

/// A valid credit code from a 17-character prefix.
pub(crate) fn credit_code(prefix17: &str) -> String {
    let check = platform::identifiers::credit_code_check_char(prefix17).expect("valid prefix");
    format!("{prefix17}{check}")
}

/// A unique valid credit code in Liuzhou (450200).
pub(crate) fn fresh_code() -> String {
    let serial = uuid::Uuid::now_v7().as_u128() % 10_000_000;
    let prefix: String = format!("91450200MA{serial:07}").chars().take(17).collect();
    credit_code(&prefix)
}

/// A buyer off the platform, as the registration form records it.
fn recorded_buyer(code: &str) -> Value {
    json!({"name": "柳州某甘蔗机械有限公司", "credit_code": code, "country": "CN",
           "region_code": "450200", "kind": "enterprise"})
}

/// A contract body whose seller is `seller` and whose buyer is off the platform.
pub(crate) fn off_platform_contract(seller: &str, code: &str, amount: i64, tech: i64) -> Value {
    let mut body = contract_body(seller, seller, days_ago(10), amount, tech);
    let obj = body.as_object_mut().expect("object");
    obj.remove("buyer_organisation_id");
    obj.insert("buyer_party".into(), recorded_buyer(code));
    obj.insert("payment_method".into(), json!("instalments"));
    obj.insert("objectives".into(), json!("提高甘蔗收割机械化水平"));
    body
}

/// Total registered turnover (operator's view, every cell).
async fn total(app: &TestApp) -> i64 {
    app.turnover("group_by=").await["total_amount_cny_minor"]
        .as_i64()
        .expect("total")
}

pub(crate) async fn create_contract(app: &TestApp, token: &str, body: &Value) -> Value {
    let key = uuid::Uuid::now_v7().to_string();
    app.post_with_key("/api/v1/contracts", token, &key, body)
        .await
        .assert_status(201)
        .clone()
}

pub(crate) async fn submit(app: &TestApp, token: &str, contract: &str) -> Value {
    app.post(
        "/api/v1/registrations",
        Some(token),
        &json!({"contract_id": contract}),
    )
    .await
    .assert_status(201)
    .clone()
}

pub(crate) fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// A person on no organisation's staff whom an administrator lists as an operator of a new
/// city office; returns (office id, their token).
pub(crate) async fn city_office(
    app: &TestApp,
    admin: &str,
    code: &str,
    region: &str,
) -> (String, String) {
    let office = app
        .post(
            "/api/v1/offices",
            Some(admin),
            &json!({"code": code, "name": format!("{region} 技术合同登记点"), "kind": "city", "region_code": region}),
        )
        .await
        .assert_status(201)
        .clone();
    let email = format!("clerk-{}@office.test", uuid::Uuid::now_v7().simple());
    let (token, _) = {
        let body = signup_body("government", &email);
        let res = app.post("/api/v1/auth/signup", None, &body).await;
        let b = res.assert_status(201).clone();
        (b["token"].as_str().expect("token").to_owned(), b)
    };
    let me = app
        .get("/api/v1/me", Some(&token))
        .await
        .assert_status(200)
        .clone();
    let user_id = me["user_id"].as_str().expect("user id").to_owned();
    app.post(
        &format!("/api/v1/offices/{}/operators", id(&office)),
        Some(admin),
        &json!({"user_id": user_id}),
    )
    .await
    .assert_status(201);
    (id(&office), token)
}

db_test! {
    async fn office_registers_a_contract_with_a_buyer_off_the_platform_and_turnover_rises_by_its_amount(app: TestApp) {
        let op = app.operator_token().await;
        let seller = app.org_in("university", "office-seller@gxu.test", "450100", false).await;
        let code = fresh_code();
        let before = total(&app).await;
        let c = create_contract(&app, &seller.token, &off_platform_contract(&seller.id, &code, 123_456_789, 100_000_000)).await;
        assert!(c["buyer_organisation_id"].is_null(), "the buyer has no account: {c}");
        let reg = submit(&app, &seller.token, &id(&c)).await;
        let reg_id = id(&reg);
        // Submitted is not registered: nothing counts yet.
        app.run_jobs().await;
        assert_eq!(total(&app).await, before);
        let file = app.get(&format!("/api/v1/registrations/{reg_id}/file"), Some(&op)).await.assert_status(200).clone();
        assert_eq!(file["status"], "submitted");
        assert_eq!(file["payment_method"], "instalments");
        assert_eq!(file["deductions_minor"], 23_456_789);
        let buyer = file["parties"].as_array().expect("parties").iter().find(|p| p["role"] == "buyer").expect("buyer").clone();
        assert!(buyer["organisation_id"].is_null());
        assert_eq!(buyer["credit_code"], code.as_str());
        // The provincial office works it (no city office covers Nanning here).
        let mine = app.get("/api/v1/offices/mine", Some(&op)).await.assert_status(200).clone();
        let provincial = id(&mine[0]);
        assert_eq!(file["office_id"], provincial.as_str());
        let queue = app.get(&format!("/api/v1/offices/{provincial}/queue"), Some(&op)).await.assert_status(200).clone();
        assert!(queue["items"].as_array().expect("items").iter().any(|r| r["id"] == reg_id.as_str()));
        // Registered: turnover rises by exactly the contract amount.
        let decided = app.post(&format!("/api/v1/registrations/{reg_id}/decision"), Some(&op),
            &json!({"version": reg["version"], "decision": "register"})).await.assert_status(200).clone();
        assert_eq!(decided["status"], "registered");
        app.run_jobs().await;
        assert_eq!(total(&app).await, before + 123_456_789);
        let file = app.get(&format!("/api/v1/registrations/{reg_id}/file"), Some(&op)).await.assert_status(200).clone();
        assert_eq!(file["decision"], "registered");
        let url = file["verification_url"].as_str().expect("verification link");
        let vcode = url.rsplit('/').next().expect("code");
        // Anyone can check the certificate.
        let cert = app.get(&format!("/api/v1/certificates/{vcode}"), None).await.assert_status(200).clone();
        assert_eq!(cert["registration_number"], decided["registration_number"]);
        assert_eq!(cert["buyer_name"], "柳州某甘蔗机械有限公司");
        assert_eq!(cert["contract_amount_cny_minor"], 123_456_789);
        // A forged certificate does not verify: not its number, not a made-up code.
        let number = decided["registration_number"].as_str().expect("number");
        app.get(&format!("/api/v1/certificates/{number}"), None).await.assert_problem(404, "not_found");
        app.get("/api/v1/certificates/ABCDEFGHJKLMNPQRSTUV", None).await.assert_problem(404, "not_found");
        let mut forged = vcode.to_owned();
        forged.replace_range(0..1, if vcode.starts_with('2') { "3" } else { "2" });
        app.get(&format!("/api/v1/certificates/{forged}"), None).await.assert_problem(404, "not_found");
        // The buyer joins with its credit code; once verified, its records link and its
        // members see the contract.
        let mut body = signup_body("enterprise", "office-buyer@cane.test");
        body["organisation"]["credit_code"] = json!(code);
        body["organisation"]["region_code"] = json!("450200");
        let joined = app.post("/api/v1/auth/signup", None, &body).await.assert_status(201).clone();
        let buyer_token = joined["token"].as_str().expect("token").to_owned();
        let buyer_org = joined["organisation"]["id"].as_str().expect("org").to_owned();
        app.run_jobs().await;
        app.get(&format!("/api/v1/contracts/{}", id(&c)), Some(&buyer_token)).await.assert_problem(404, "not_found");
        app.post(&format!("/api/v1/orgs/{buyer_org}/verification"), Some(&op), &json!({"decision": "verified", "version": 1}))
            .await.assert_status(200);
        app.run_jobs().await;
        let seen = app.get(&format!("/api/v1/contracts/{}", id(&c)), Some(&buyer_token)).await.assert_status(200).clone();
        assert_eq!(seen["buyer_organisation_id"], buyer_org.as_str());
        // Every step is in the history.
        let history = app.get(&format!("/api/v1/registrations/{reg_id}/history"), Some(&op)).await.assert_status(200).clone();
        let actions: Vec<&str> = history["items"].as_array().expect("items").iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(actions, ["registration.submit", "registration.decide"]);
        assert!(app.run_jobs().await.is_empty());
    }
}

db_test! {
    async fn office_refuses_a_contract_and_nothing_changes(app: TestApp) {
        let op = app.operator_token().await;
        let seller = app.org_in("institute", "office-refuse@gxas.test", "450300", false).await;
        let before = total(&app).await;
        let rollups_before = platform::entity::turnover_rollups::Entity::find().count(&app.db).await.expect("count");
        let c = create_contract(&app, &seller.token, &off_platform_contract(&seller.id, &fresh_code(), 5_000_000, 5_000_000)).await;
        let reg = submit(&app, &seller.token, &id(&c)).await;
        let reg_id = id(&reg);
        // A refusal says why.
        app.post(&format!("/api/v1/registrations/{reg_id}/decision"), Some(&op), &json!({"version": reg["version"], "decision": "reject"}))
            .await.assert_problem(422, "validation_failed");
        let refused = app.post(&format!("/api/v1/registrations/{reg_id}/decision"), Some(&op),
            &json!({"version": reg["version"], "decision": "reject", "reason": "设备买卖，非技术合同"})).await.assert_status(200).clone();
        assert_eq!(refused["status"], "rejected");
        let jobs = format!("{:?}", app.run_jobs().await);
        assert!(!jobs.contains("turnover_changed"), "a refusal enqueues no statistics job: {jobs}");
        assert_eq!(total(&app).await, before);
        let rollups_after = platform::entity::turnover_rollups::Entity::find().count(&app.db).await.expect("count");
        assert_eq!(rollups_after, rollups_before);
        let file = app.get(&format!("/api/v1/registrations/{reg_id}/file"), Some(&op)).await.assert_status(200).clone();
        assert_eq!(file["decision"], "refused");
        assert_eq!(file["decision_reasons"], "设备买卖，非技术合同");
        assert!(file["verification_url"].is_null());
        assert!(file["registration_number"].is_null());
    }
}

db_test! {
    async fn office_corrects_type_and_amounts_with_reasons_and_counts_the_corrected_amount(app: TestApp) {
        let op = app.operator_token().await;
        let seller = app.org_in("university", "office-correct@gxu.test", "450100", false).await;
        let before = total(&app).await;
        let c = create_contract(&app, &seller.token, &off_platform_contract(&seller.id, &fresh_code(), 10_000_000, 10_000_000)).await;
        let reg = submit(&app, &seller.token, &id(&c)).await;
        let reg_id = id(&reg);
        // A correction needs its reasons.
        app.post(&format!("/api/v1/registrations/{reg_id}/decision"), Some(&op),
            &json!({"version": reg["version"], "decision": "register", "corrected_type": "service", "corrected_subtype": "service"}))
            .await.assert_problem(422, "validation_failed");
        let decided = app.post(&format!("/api/v1/registrations/{reg_id}/decision"), Some(&op), &json!({
            "version": reg["version"], "decision": "register",
            "corrected_type": "service", "corrected_subtype": "service",
            "corrected_amounts": {"contract_amount_minor": 10_000_000, "tech_amount_minor": 7_000_000,
                "cost_lines": [{"kind": "equipment", "description": "控制柜", "amount_minor": 3_000_000}]},
            "reasons": "实为技术服务；控制柜为设备费用"
        })).await.assert_status(200).clone();
        assert_eq!(decided["tech_amount_cny_minor"], 7_000_000);
        let file = app.get(&format!("/api/v1/registrations/{reg_id}/file"), Some(&op)).await.assert_status(200).clone();
        assert_eq!(file["decision"], "type_and_amounts_corrected");
        assert_eq!(file["contract_type"], "service");
        assert_eq!(file["decision_reasons"], "实为技术服务；控制柜为设备费用");
        app.run_jobs().await;
        assert_eq!(total(&app).await, before + 10_000_000);
        let tech = app.turnover("group_by=&amount=technology").await["total_amount_cny_minor"].as_i64().expect("tech");
        assert!(tech >= 7_000_000);
    }
}

db_test! {
    async fn office_authority_comes_from_membership_and_strangers_change_nothing(app: TestApp) {
        let admin = app.operator_token().await;
        let seller = app.org_in("university", "office-auth@gxu.test", "450100", false).await;
        let stranger = app.org_in("enterprise", "office-stranger@other.test", "450100", false).await;
        // A Liuzhou office with its own clerk (no platform-operator rights).
        let (liuzhou, clerk) = city_office(&app, &admin, "450200", "450200").await;
        // A Nanning contract goes to the provincial office.
        let c = create_contract(&app, &seller.token, &off_platform_contract(&seller.id, &fresh_code(), 2_000_000, 2_000_000)).await;
        let reg = submit(&app, &seller.token, &id(&c)).await;
        let reg_id = id(&reg);
        let decide = format!("/api/v1/registrations/{reg_id}/decision");
        let body = json!({"version": reg["version"], "decision": "register"});
        // Anonymous: 401, and nothing changed.
        app.post(&decide, None, &body).await.assert_problem(401, "unauthorized");
        app.get(&format!("/api/v1/offices/{liuzhou}/queue"), None).await.assert_problem(401, "unauthorized");
        // The Liuzhou clerk does not see Nanning's registration at all.
        app.post(&decide, Some(&clerk), &body).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/registrations/{reg_id}/file"), Some(&clerk)).await.assert_problem(404, "not_found");
        // A member of another organisation neither.
        app.post(&decide, Some(&stranger.token), &body).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/contracts/{}", id(&c)), Some(&stranger.token)).await.assert_problem(404, "not_found");
        // The party itself sees it but may not decide it.
        app.post(&decide, Some(&seller.token), &body).await.assert_problem(403, "forbidden");
        // Nor may the clerk read the provincial office's queue, add operators or make offices.
        let provincial = id(&app.get("/api/v1/offices/mine", Some(&admin)).await.assert_status(200)[0]);
        app.get(&format!("/api/v1/offices/{provincial}/queue"), Some(&clerk)).await.assert_problem(403, "forbidden");
        app.post("/api/v1/offices", Some(&clerk), &json!({"code": "450300", "name": "桂林登记点", "kind": "city", "region_code": "450300"}))
            .await.assert_problem(403, "forbidden");
        let still = registrations::Entity::find_by_id(reg_id.parse::<uuid::Uuid>().expect("uuid")).one(&app.db).await.expect("db").expect("row");
        assert_eq!(still.status, "submitted");
        // A Liuzhou contract goes to the Liuzhou office, whose clerk sees and decides it
        // through the one contract-visibility rule.
        let lz_seller = app.org_in("enterprise", "office-lz@lz.test", "450200", false).await;
        let c2 = create_contract(&app, &lz_seller.token, &off_platform_contract(&lz_seller.id, &fresh_code(), 3_000_000, 3_000_000)).await;
        let reg2 = submit(&app, &lz_seller.token, &id(&c2)).await;
        let file = app.get(&format!("/api/v1/registrations/{}/file", id(&reg2)), Some(&clerk)).await.assert_status(200).clone();
        assert_eq!(file["office_id"], liuzhou.as_str());
        app.get(&format!("/api/v1/contracts/{}", id(&c2)), Some(&clerk)).await.assert_status(200);
        // The platform operator of the provincial office does not decide Liuzhou's.
        app.post(&format!("/api/v1/registrations/{}/decision", id(&reg2)), Some(&admin), &json!({"version": reg2["version"], "decision": "register"}))
            .await.assert_problem(403, "forbidden");
        app.post(&format!("/api/v1/registrations/{}/decision", id(&reg2)), Some(&clerk), &json!({"version": reg2["version"], "decision": "register"}))
            .await.assert_status(200);
        // Documents follow the same contract rule: the seller attaches the signed scan, the
        // Liuzhou clerk reads it, a stranger and another office's clerk get the contract's 404.
        let pdf = b"%PDF-1.4\n% scan\n0123456789\n%%EOF\n".to_vec();
        let docs = format!("/api/v1/contracts/{}/documents", id(&c2));
        let up = app.client_request(Method::POST, &format!("{docs}?kind=signed_contract&file_name=scan.pdf"), &lz_seller.token, "application/pdf", pdf.clone()).await;
        let doc = up.assert_status(201).clone();
        let listed = app.get(&docs, Some(&clerk)).await.assert_status(200).clone();
        assert_eq!(listed["items"][0]["id"], doc["id"]);
        let got = app.get(&format!("{docs}/{}", id(&doc)), Some(&clerk)).await;
        assert_eq!(got.status.as_u16(), 200);
        assert_eq!(got.text.as_bytes(), pdf.as_slice());
        app.get(&docs, Some(&stranger.token)).await.assert_problem(404, "not_found");
        let (_, other_clerk) = city_office(&app, &admin, "450300", "450300").await;
        app.get(&docs, Some(&other_clerk)).await.assert_problem(404, "not_found");
        app.get(&format!("{docs}/{}", id(&doc)), Some(&other_clerk)).await.assert_problem(404, "not_found");
    }
}

db_test! {
    async fn office_input_that_is_malformed_enormous_or_has_a_bad_credit_code_is_a_4xx(app: TestApp) {
        let op = app.operator_token().await;
        let seller = app.org_in("university", "office-bad@gxu.test", "450100", false).await;
        // Wrong check character.
        let good = fresh_code();
        let mut bad = good.clone();
        let last = bad.pop().expect("char");
        bad.push(if last == '0' { '1' } else { '0' });
        let body = off_platform_contract(&seller.id, &bad, 1_000_000, 1_000_000);
        let key = uuid::Uuid::now_v7().to_string();
        let res = app.post_with_key("/api/v1/contracts", &seller.token, &key, &body).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert!(problem["fields"].to_string().contains("buyer_party.credit_code"), "{problem}");
        // Too short, lower-case letters not in the alphabet, a foreign party without its number.
        for party in [
            json!({"name": "某公司", "credit_code": "91450", "country": "CN", "region_code": "450200"}),
            json!({"name": "某公司", "credit_code": "9145020OMA0000000I", "country": "CN", "region_code": "450200"}),
            json!({"name": "Công ty", "country": "VN"}),
            json!({"name": "某公司", "country": "CN", "region_code": "450200"}),
        ] {
            let mut body = off_platform_contract(&seller.id, &good, 1_000_000, 1_000_000);
            body["buyer_party"] = party;
            let key = uuid::Uuid::now_v7().to_string();
            app.post_with_key("/api/v1/contracts", &seller.token, &key, &body).await.assert_problem(422, "validation_failed");
        }
        // Both an organisation and a recorded party for one side.
        let mut body = off_platform_contract(&seller.id, &good, 1_000_000, 1_000_000);
        body["buyer_organisation_id"] = json!(seller.id);
        let key = uuid::Uuid::now_v7().to_string();
        app.post_with_key("/api/v1/contracts", &seller.token, &key, &body).await.assert_problem(422, "validation_failed");
        // Malformed JSON, an unknown field, an enormous body.
        app.client_request(Method::POST, "/api/v1/offices", &op, "application/json", b"{\"code\":".to_vec()).await.assert_problem(400, "bad_request");
        app.post("/api/v1/offices", Some(&op), &json!({"code": "450300", "name": "桂林", "kind": "city", "region_code": "450300", "admin": true}))
            .await.assert_problem(422, "validation_failed");
        // Just over the body limit (as in bad_input): a far larger body may still be on its way
        // when the server answers 413 and closes, which the client sees as a broken connection.
        let huge = "登".repeat(app.state.config.server.body_limit_bytes / 3 + 10);
        app.post("/api/v1/offices", Some(&op), &json!({"code": "450300", "name": huge, "kind": "city", "region_code": "450300"}))
            .await.assert_problem(413, "payload_too_large");
        // A bad office body.
        app.post("/api/v1/offices", Some(&op), &json!({"code": "450300", "name": "桂林", "kind": "city", "region_code": "999999"}))
            .await.assert_problem(422, "validation_failed");
        app.post("/api/v1/offices", Some(&op), &json!({"code": "450000", "name": "第二个自治区", "kind": "provincial", "region_code": "450000"}))
            .await.assert_problem(409, "provincial_office_exists");
        // Bad report periods and uploads.
        let provincial = id(&app.get("/api/v1/offices/mine", Some(&op)).await.assert_status(200)[0]);
        for period in ["2025-13", "20x5", "2025-1", "99999"] {
            app.get(&format!("/api/v1/offices/{provincial}/reports?period={period}"), Some(&op)).await.assert_status(400);
        }
        let res = app.client_request(Method::POST, &format!("/api/v1/offices/{provincial}/imports?file_name=x.xlsx"), &op,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"not a zip at all".to_vec()).await;
        res.assert_problem(422, "validation_failed");
        let res = app.client_request(Method::POST, &format!("/api/v1/offices/{provincial}/imports?file_name=x.pdf"), &op,
            "application/pdf", b"%PDF".to_vec()).await;
        res.assert_status(415);
        // Nothing of the above was recorded.
        let n = contracts::Entity::find().count(&app.db).await.expect("count");
        assert_eq!(n, 0);
    }
}

db_test! {
    async fn office_decides_the_same_registration_twice_at_once_and_exactly_one_wins(app: TestApp) {
        let op = app.operator_token().await;
        let op2 = app.operator_token().await;
        let seller = app.org_in("university", "office-race@gxu.test", "450100", false).await;
        let before = total(&app).await;
        let c = create_contract(&app, &seller.token, &off_platform_contract(&seller.id, &fresh_code(), 4_000_000, 4_000_000)).await;
        let reg = submit(&app, &seller.token, &id(&c)).await;
        let path = format!("/api/v1/registrations/{}/decision", id(&reg));
        let body = json!({"version": reg["version"], "decision": "register"});
        let refuse = json!({"version": reg["version"], "decision": "reject", "reason": "重复"});
        let (a, b) = tokio::join!(app.post(&path, Some(&op), &body), app.post(&path, Some(&op2), &refuse));
        let statuses = [a.status.as_u16(), b.status.as_u16()];
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}: {} {}", a.text, b.text);
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 1, "{statuses:?}");
        app.run_jobs().await;
        let expected = if a.status.as_u16() == 200 { before + 4_000_000 } else { before };
        assert_eq!(total(&app).await, expected);
    }
}

/// The intake template's English header and one valid row (a Nanning seller, a buyer off the
/// platform in Liuzhou, or an ASEAN buyer every tenth row).
pub(crate) fn intake_row(i: usize, registered_on: chrono::NaiveDate) -> String {
    let seller = credit_code(&format!("12450100MB{:07}", i % 97));
    let (buyer_code, buyer_country, buyer_foreign, buyer_region) = if i.is_multiple_of(10) {
        (String::new(), "VN", format!("VN-0{i:06}"), String::new())
    } else {
        (
            credit_code(&format!("91450200MA{:07}", i % 1013)),
            "CN",
            String::new(),
            "450200".to_owned(),
        )
    };
    let amount = 100_000 + (i as i64 % 500) * 1_000;
    let tech = amount - (i as i64 % 3) * 100;
    let signed = registered_on - chrono::Duration::days(5);
    format!(
        "HIST-{i:06},甘蔗机械技术开发合同{i},技术开发,委托开发,,广西大学{},{seller},,CN,450100,高校,某公司{i},{buyer_code},{buyer_foreign},{buyer_country},{buyer_region},企业,,,{signed},{signed},,{}.{:02},{}.{:02},{}.{:02},分期支付,modern_agriculture,促进产业升级,,{registered_on}",
        i % 97,
        amount / 100, amount % 100, tech / 100, tech % 100, (amount - tech) / 100, (amount - tech) % 100,
    )
}

pub(crate) fn intake_header() -> String {
    deal::domain::registration_imports::headers(false).join(",")
}

/// 5,000 rows; rows (spreadsheet numbering) 102, 1003, 2504, 4001 and 5001 are bad: a bad
/// credit code, an unknown type, a technology amount above the contract amount, a future
/// registration date, a repeat of an earlier contract number.
fn intake_csv(registered_on: chrono::NaiveDate) -> (String, Vec<usize>) {
    let mut lines = vec![intake_header()];
    for i in 0..5_000 {
        lines.push(intake_row(i, registered_on));
    }
    // lines[k] is spreadsheet row k + 1 (the header is row 1).
    let seller = credit_code(&format!("12450100MB{:07}", 100 % 97));
    let mut broken = seller.clone();
    let last = broken.pop().expect("char");
    broken.push(if last == '0' { '1' } else { '0' });
    lines[101] = lines[101].replacen(&seller, &broken, 1);
    lines[1002] = lines[1002].replacen("技术开发,委托开发", "设备买卖,委托开发", 1);
    let mut parts: Vec<String> = lines[2503].split(',').map(str::to_owned).collect();
    parts[23] = "99999999.00".to_owned();
    parts[24] = String::new();
    lines[2503] = parts.join(",");
    lines[4000] = lines[4000].replace(&registered_on.to_string(), "2999-01-01");
    lines[5000] = lines[5000].replacen("HIST-004999", "HIST-000007", 1);
    (lines.join("\n"), vec![102, 1003, 2504, 4001, 5001])
}

pub(crate) async fn upload_intake(
    app: &TestApp,
    token: &str,
    office: &str,
    mode: &str,
    csv: &str,
) -> Value {
    let res = app
        .client_request(
            Method::POST,
            &format!("/api/v1/offices/{office}/imports?mode={mode}&file_name=history.csv"),
            token,
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await;
    let started = res.assert_status(202).clone();
    app.run_jobs().await;
    app.get(
        &format!("/api/v1/offices/imports/{}", id(&started)),
        Some(token),
    )
    .await
    .assert_status(200)
    .clone()
}

db_test! {
    async fn office_imports_5000_contracts_with_5_bad_rows_reporting_exactly_those(app: TestApp) {
        let op = app.operator_token().await;
        let provincial = id(&app.get("/api/v1/offices/mine", Some(&op)).await.assert_status(200)[0]);
        let on = days_ago(30);
        let (csv, bad) = intake_csv(on);
        let before = total(&app).await;
        // All or nothing: exactly the bad rows, nothing written.
        let done = upload_intake(&app, &op, &provincial, "all_or_nothing", &csv).await;
        assert_eq!(done["status"], "failed", "{}", done["failure"]);
        let rows: std::collections::BTreeSet<u64> = done["errors"].as_array().expect("errors").iter().filter_map(|e| e["row"].as_u64()).collect();
        assert_eq!(rows.into_iter().collect::<Vec<_>>(), bad.iter().map(|r| *r as u64).collect::<Vec<_>>(), "{}", done["errors"]);
        assert_eq!(done["created_count"], 0);
        assert_eq!(contracts::Entity::find().count(&app.db).await.expect("count"), 0);
        assert_eq!(total(&app).await, before);
        // Valid rows only: the 4,995 others, and turnover rises by their sum to the fen.
        let done = upload_intake(&app, &op, &provincial, "valid_rows_only", &csv).await;
        assert_eq!(done["status"], "succeeded", "{}", done["failure"]);
        assert_eq!(done["created_count"], 4_995);
        assert_eq!(done["total_rows"], 5_000);
        let mut expected = 0i64;
        for (i, line) in csv.lines().enumerate().skip(1) {
            if bad.contains(&(i + 1)) {
                continue;
            }
            let amount: i64 = line.split(',').nth(22).expect("amount").replace('.', "").parse().expect("fen");
            expected += amount;
        }
        assert_eq!(total(&app).await, before + expected);
        // Importing the same file again: every row is a duplicate.
        let again = upload_intake(&app, &op, &provincial, "valid_rows_only", &csv).await;
        assert_eq!(again["created_count"], 0);
        assert!(again["errors"].as_array().expect("errors").iter().any(|e| e["reason"].as_str().is_some_and(|r| r.contains("duplicate"))));
        // The office's report for the month holds the same figure, as XLSX.
        let period = on.format("%Y-%m").to_string();
        let res = app.get(&format!("/api/v1/offices/{provincial}/reports?period={period}"), Some(&op)).await;
        assert_eq!(res.status.as_u16(), 200);
        assert!(res.content_type().contains("spreadsheetml"));
        let res = app.get(&format!("/api/v1/offices/{provincial}/reports?period={period}&format=csv"), Some(&op)).await;
        let total_line = res.text.lines().find(|l| l.contains(",output,total,")).expect("output total line");
        assert!(total_line.contains(&format!(",{expected},")) || total_line.contains(&format!(",{},", expected)), "{total_line}");
        // Another office's clerk cannot see the intake or import into this office.
        let (_, clerk) = city_office(&app, &op, "450500", "450500").await;
        app.get(&format!("/api/v1/offices/imports/{}", id(&done)), Some(&clerk)).await.assert_problem(404, "not_found");
        app.client_request(Method::POST, &format!("/api/v1/offices/{provincial}/imports?file_name=h.csv"), &clerk, "text/csv", csv.as_bytes().to_vec())
            .await.assert_problem(403, "forbidden");
    }
}

db_test! {
    async fn office_intake_reads_xlsx_with_chinese_headers(app: TestApp) {
        let op = app.operator_token().await;
        let provincial = id(&app.get("/api/v1/offices/mine", Some(&op)).await.assert_status(200)[0]);
        let on = days_ago(3);
        let mut table = spreadsheet::Table {
            headers: deal::domain::registration_imports::headers(true),
            rows: Vec::new(),
        };
        for i in 0..3 {
            table.rows.push(intake_row(i + 1, on).split(',').map(str::to_owned).collect());
        }
        let bytes = spreadsheet::write(spreadsheet::Format::Xlsx, &table).expect("xlsx");
        let before = total(&app).await;
        let res = app.client_request(Method::POST, &format!("/api/v1/offices/{provincial}/imports?file_name=h.xlsx"), &op,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes).await;
        let started = res.assert_status(202).clone();
        app.run_jobs().await;
        let done = app.get(&format!("/api/v1/offices/imports/{}", id(&started)), Some(&op)).await.assert_status(200).clone();
        assert_eq!(done["status"], "succeeded", "{}", done["errors"]);
        assert_eq!(done["created_count"], 3);
        assert!(total(&app).await > before);
        let tpl = app.get("/api/v1/offices/import-template?format=csv", None).await;
        assert!(tpl.text.contains("合同编号"));
    }
}

db_test! {
    async fn office_link_is_offered_only_to_office_and_platform_operators(app: TestApp) {
        let op = app.operator_token().await;
        let (_office, clerk) = city_office(&app, &op, "450200", "450200").await;
        let member = app.org_in("enterprise", "rd@nav.test", "450100", false).await;
        let link = "href=\"/office\"";
        let me = app.get("/api/v1/me", Some(&clerk)).await;
        assert_eq!(me.assert_status(200)["works_at_office"], true);
        let me = app.get("/api/v1/me", Some(&member.token)).await;
        assert_eq!(me.assert_status(200)["works_at_office"], false);
        for (who, token, shown) in [("clerk", Some(clerk.as_str()), true), ("operator", Some(op.as_str()), true), ("member", Some(member.token.as_str()), false), ("anonymous", None, false)] {
            let page = app.page("/", token).await;
            assert_eq!(page.status, 200, "{who}: {}", page.text);
            assert_eq!(page.text.contains(link), shown, "{who} sees the office link: {shown}");
        }
    }
}

/// The streams of a PDF, inflated where they are compressed.
fn pdf_streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream") {
        let mut body = &rest[start + b"stream".len()..];
        // `endstream` also contains `stream`: skip it.
        if start >= 3 && &rest[start - 3..start] == b"end" {
            rest = body;
            continue;
        }
        body = body
            .strip_prefix(b"\r\n")
            .or_else(|| body.strip_prefix(b"\n"))
            .unwrap_or(body);
        let Some(end) = find(body, b"endstream") else {
            break;
        };
        let raw = &body[..end];
        let mut inflated = Vec::new();
        if flate2::read::ZlibDecoder::new(raw)
            .read_to_end(&mut inflated)
            .is_ok()
        {
            out.push(inflated);
        } else {
            out.push(raw.to_vec());
        }
        rest = &body[end..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The text a PDF shows: the hex glyph codes of its content streams read back through its
/// ToUnicode maps (`beginbfchar` pairs), as a reader's "copy text" does.
fn pdf_text(pdf: &[u8]) -> String {
    let streams = pdf_streams(pdf);
    let hex = |s: &str| -> Vec<u8> {
        (0..s.len() / 2)
            .filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
            .collect()
    };
    let mut map = std::collections::HashMap::new();
    for s in &streams {
        let text = String::from_utf8_lossy(s);
        if !text.contains("begincmap") {
            continue;
        }
        // Ranges: `<first> <last> <unicode of first>`, consecutive codes to consecutive text.
        for block in text.split("beginbfrange").skip(1) {
            let block = block.split("endbfrange").next().unwrap_or("");
            let parts: Vec<&str> = block
                .split(['<', '>'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect();
            for triple in parts.chunks(3) {
                if let [first, last, uni] = triple {
                    let (Ok(a), Ok(b), Ok(u)) = (
                        u32::from_str_radix(first, 16),
                        u32::from_str_radix(last, 16),
                        u32::from_str_radix(uni, 16),
                    ) else {
                        continue;
                    };
                    for code in a..=b {
                        if let Some(c) = char::from_u32(u + (code - a)) {
                            map.insert(format!("{code:04X}"), c.to_string());
                        }
                    }
                }
            }
        }
        for block in text.split("beginbfchar").skip(1) {
            let block = block.split("endbfchar").next().unwrap_or("");
            let codes: Vec<&str> = block
                .split(['<', '>'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect();
            for pair in codes.chunks(2) {
                if let [code, uni] = pair {
                    let units: Vec<u16> = hex(uni)
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                        .collect();
                    map.insert(code.to_ascii_uppercase(), String::from_utf16_lossy(&units));
                }
            }
        }
    }
    let mut shown = String::new();
    for s in &streams {
        if String::from_utf8_lossy(s).contains("begincmap") {
            continue;
        }
        // Literal strings `( … )` of the text operators: two-byte glyph codes, escaped.
        let mut i = 0;
        while i < s.len() {
            // Hex strings `<…>` (not dictionaries `<<`): four hex digits a glyph code.
            if s[i] == b'<' && s.get(i + 1) != Some(&b'<') {
                let end = s[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(s.len(), |p| i + p);
                let code = String::from_utf8_lossy(&s[i + 1..end]).to_ascii_uppercase();
                for k in (0..code.len()).step_by(4) {
                    if let Some(t) = code.get(k..k + 4).and_then(|c| map.get(c)) {
                        shown.push_str(t);
                    }
                }
                i = end + 1;
                continue;
            }
            if s[i] != b'(' {
                i += 1;
                continue;
            }
            i += 1;
            let mut bytes = Vec::new();
            // Balanced parentheses need no escape inside a literal string.
            let mut depth = 0;
            while i < s.len() && (s[i] != b')' || depth > 0) {
                if s[i] == b'(' {
                    depth += 1;
                } else if s[i] == b')' {
                    depth -= 1;
                }
                if s[i] == b'\\' && i + 1 < s.len() {
                    i += 1;
                    let c = s[i];
                    if c.is_ascii_digit() {
                        let mut v: u32 = 0;
                        let mut n = 0;
                        while n < 3 && i < s.len() && (b'0'..=b'7').contains(&s[i]) {
                            v = v * 8 + u32::from(s[i] - b'0');
                            i += 1;
                            n += 1;
                        }
                        bytes.push(u8::try_from(v & 0xFF).unwrap_or(0));
                        continue;
                    }
                    bytes.push(match c {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'f' => 12,
                        other => other,
                    });
                } else {
                    bytes.push(s[i]);
                }
                i += 1;
            }
            for pair in bytes.chunks(2) {
                if let [a, b] = pair {
                    if let Some(t) = map.get(&format!("{a:02X}{b:02X}")) {
                        shown.push_str(t);
                    }
                }
            }
        }
        shown.push('\n');
    }
    shown
}

db_test! {
    async fn office_certificate_pdf_carries_the_number_code_and_chinese_names_and_strangers_get_404(app: TestApp) {
        let op = app.operator_token().await;
        let seller = app.org_in("university", "pdf-seller@gxu.test", "450100", false).await;
        let stranger = app.org_in("enterprise", "pdf-stranger@x.test", "450300", false).await;
        let c = create_contract(&app, &seller.token, &off_platform_contract(&seller.id, &fresh_code(), 123_456_789, 100_000_000)).await;
        let reg = submit(&app, &seller.token, &id(&c)).await;
        let reg_id = id(&reg);
        let pdf_path = format!("/api/v1/registrations/{reg_id}/certificate.pdf");
        // Not registered yet: no certificate.
        app.get(&pdf_path, Some(&op)).await.assert_problem(409, "not_registered");
        let decided = app.post(&format!("/api/v1/registrations/{reg_id}/decision"), Some(&op),
            &json!({"version": reg["version"], "decision": "register"})).await.assert_status(200).clone();
        let number = decided["registration_number"].as_str().expect("number").to_owned();
        let file = app.get(&format!("/api/v1/registrations/{reg_id}/file"), Some(&op)).await.assert_status(200).clone();
        let vcode = file["verification_url"].as_str().expect("link").rsplit('/').next().expect("code").to_owned();

        for token in [&seller.token, &op] {
            let res = reqwest::Client::new()
                .get(format!("{}{pdf_path}", app.base_url))
                .bearer_auth(token)
                .send()
                .await
                .expect("reached");
            assert_eq!(res.status(), 200);
            assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/pdf"));
            let pdf = res.bytes().await.expect("body").to_vec();
            assert!(pdf.starts_with(b"%PDF"), "a PDF");
            assert!(pdf.len() < 2_000_000, "the font is embedded as a subset: {} bytes", pdf.len());
            let text = pdf_text(&pdf);
            assert!(text.contains(&number), "the registration number is on the page: {text}");
            assert!(text.contains(&vcode), "the verification code is on the page: {text}");
            assert!(text.contains(&format!("/verify/{vcode}")), "the verification link is on the page");
            assert!(text.contains("柳州某甘蔗机械有限公司"), "Chinese names render as text: {text}");
            assert!(text.contains("技术合同登记证明"));
            assert!(text.contains("1234567.89"), "the amount in yuan: {text}");
        }
        // Someone who may not see the registration: the same 404 as for none; anonymous: 401.
        app.get(&pdf_path, Some(&stranger.token)).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/registrations/{}/certificate.pdf", uuid::Uuid::now_v7()), Some(&op)).await.assert_problem(404, "not_found");
        app.get(&pdf_path, None).await.assert_problem(401, "unauthorized");
    }
}

/// No usable font: a clear 503 problem, not a panic or an empty PDF.
async fn certificate_pdf_without_a_font_is_503(backend: integration_tests::Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.documents.pdf_font = Some("/nonexistent/no-font.ttc".into())
    })
    .await;
    let op = app.operator_token().await;
    let seller = app
        .org_in("university", "pdf-nofont@gxu.test", "450100", false)
        .await;
    let c = create_contract(
        &app,
        &seller.token,
        &off_platform_contract(&seller.id, &fresh_code(), 1_000_000, 1_000_000),
    )
    .await;
    let reg = submit(&app, &seller.token, &id(&c)).await;
    app.post(
        &format!("/api/v1/registrations/{}/decision", id(&reg)),
        Some(&op),
        &json!({"version": reg["version"], "decision": "register"}),
    )
    .await
    .assert_status(200);
    app.get(
        &format!("/api/v1/registrations/{}/certificate.pdf", id(&reg)),
        Some(&op),
    )
    .await
    .assert_problem(503, "service_unavailable");
}

mod office_certificate_pdf_without_a_font {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        certificate_pdf_without_a_font_is_503(integration_tests::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        certificate_pdf_without_a_font_is_503(integration_tests::Backend::Postgres).await;
    }
}
