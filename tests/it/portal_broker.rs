//! The broker's pages of the portal over HTTP, as a browser without JavaScript uses them: the
//! workspace's worklist opens a deal, the deal page moves its stage (and shows the publicity
//! window's refusal beside the form), the contract form refuses a wrong cost-line sum next to
//! the field and records a good contract, and the contract page submits it for registration.
//! The session cookie of these pages is the API token (as the portal's login sets it).

use integration_tests::db_test;
use integration_tests::deals::Broker;
use integration_tests::http::USER_PASSWORD;
use integration_tests::listings::need_body;
use integration_tests::TestApp;
use serde_json::{json, Value};

const ACHIEVEMENT_TITLE: &str = "基于深度学习的甘蔗收割机智能控制系统";
const NEED_TITLE: &str = "甘蔗机械化收获含杂率控制技术需求";

/// A verified broker, a university selling (state-funded or not) and an enterprise.
struct World {
    op: String,
    uni: integration_tests::deals::Org,
    ent: integration_tests::deals::Org,
    broker: Broker,
    achievement: String,
}

async fn world(app: &TestApp, state_funded: bool) -> World {
    let op = app.operator_token().await;
    let uni = app
        .org_in("university", "tto@uni.test", "450300", state_funded)
        .await;
    let ent = app
        .org_in("enterprise", "rd@ent.test", "450100", false)
        .await;
    let broker = app
        .verified_broker("huang@agency.test", "黄经理", &op)
        .await;
    let achievement = app.published_achievement(&uni.token, &op).await;
    World {
        op,
        uni,
        ent,
        broker,
        achievement,
    }
}

/// An inquiry deal of the enterprise on the achievement, worked by the broker.
async fn deal_with_broker(app: &TestApp, w: &World) -> String {
    let deal = app
        .open_inquiry(
            &w.ent.token,
            &w.achievement,
            json!({"broker_id": w.broker.id}),
        )
        .await;
    deal["id"].as_str().expect("deal id").to_owned()
}

async fn deal_json(app: &TestApp, token: &str, id: &str) -> Value {
    app.get(&format!("/api/v1/deals/{id}"), Some(token))
        .await
        .assert_status(200)
        .clone()
}

/// Moves the deal to `stage` through the API (the portal's form is tested on its own).
async fn advance(app: &TestApp, token: &str, id: &str, stages: &[&str]) {
    for stage in stages {
        let version = deal_json(app, token, id).await["version"].clone();
        let res = app
            .post(
                &format!("/api/v1/deals/{id}/stage"),
                Some(token),
                &json!({"version": version, "stage": stage}),
            )
            .await;
        res.assert_status(200);
    }
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// The contract form's fields for an 800,000 元 licence with 600,000 元 of technology.
fn contract_fields(cost_amount: &str) -> Vec<(&'static str, String)> {
    vec![
        ("contract_number", "GX-PORTAL-0001".to_owned()),
        ("title", "甘蔗收割机智能控制系统专利实施许可合同".to_owned()),
        ("subtype", "licence:patent_licence".to_owned()),
        ("licence_scope", "non_exclusive".to_owned()),
        ("industry_code", "modern_agriculture".to_owned()),
        ("ip_type", "invention_patent".to_owned()),
        ("signed_on", today()),
        ("valid_from", "".to_owned()),
        ("valid_until", "".to_owned()),
        ("currency", "CNY".to_owned()),
        ("contract_amount", "800,000.00".to_owned()),
        ("tech_amount", "600000".to_owned()),
        ("cost_kind_0", "equipment".to_owned()),
        ("cost_description_0", "收割机样机".to_owned()),
        ("cost_amount_0", cost_amount.to_owned()),
        ("cost_kind_1", "".to_owned()),
        ("cost_description_1", "".to_owned()),
        ("cost_amount_1", "".to_owned()),
    ]
}

fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

db_test! {
    async fn a_broker_opens_a_deal_from_the_worklist_and_lands_on_the_deal_page(app: TestApp) {
        let w = world(&app, false).await;
        let (need, _) = app.create_listing("needs", &w.ent.token, &need_body()).await;
        app.publish_listing("needs", &need, &w.ent.token, &w.op).await;
        let work = app.get("/api/v1/brokers/me/worklist", Some(&w.broker.token)).await;
        let match_id = work.assert_status(200)[0]["id"].as_str().expect("a match on the worklist").to_owned();

        let session = app.portal_login("huang@agency.test", USER_PASSWORD).await;
        let page = app.page("/broker", Some(&session)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains(NEED_TITLE) && page.text.contains(ACHIEVEMENT_TITLE), "worklist shows both sides: {}", page.text);
        assert!(page.text.contains(&format!("href=\"/needs/{need}\"")) && page.text.contains(&format!("href=\"/achievements/{}\"", w.achievement)));
        assert!(page.text.contains("class=\"pro\""), "reasons marked pro/con");
        assert!(page.text.contains(&format!("name=\"match_id\" value=\"{match_id}\"")));
        assert!(page.text.contains("您还没有交易"), "empty board says what to do");

        let opened = app.submit("/deals/from-match", Some(&session), &[("match_id", &match_id)]).await;
        assert_eq!(opened.status.as_u16(), 303, "{}", opened.text);
        let to = opened.location().to_owned();
        assert!(to.starts_with("/deals/") && to.ends_with("?flash=deal_opened"), "{to}");
        let deal_id = to.trim_start_matches("/deals/").trim_end_matches("?flash=deal_opened").to_owned();
        let deal = app.page(&to, Some(&session)).await;
        assert_eq!(deal.status.as_u16(), 200, "{}", deal.text);
        assert!(deal.text.contains(&format!("<h1>{ACHIEVEMENT_TITLE}</h1>")), "the deal's title: {}", deal.text);
        assert!(deal.text.contains("已建立交易。"), "confirmation shown");
        assert!(deal.text.contains("data-stage=\"lead\">线索<"), "a new deal is a lead");
        assert!(deal.text.contains("黄经理") && deal.text.contains("引荐人"), "the broker is the introducer in the ledger");

        // Back in the workspace the match has left the worklist (a deal works it) and the deal
        // sits in the lead column.
        let work = app.get("/api/v1/brokers/me/worklist", Some(&w.broker.token)).await;
        assert!(!work.text.contains(&match_id), "a match in a deal is handled: {}", work.text);
        let again = app.page("/broker", Some(&session)).await;
        assert!(!again.text.contains(&format!("name=\"match_id\" value=\"{match_id}\"")), "no second deal offered");
        assert!(again.text.contains(&format!("href=\"/deals/{deal_id}\"")), "{}", again.text);
        let lead = again.text.split("data-stage=\"lead\"").nth(1).and_then(|s| s.split("data-stage=\"contacted\"").next()).unwrap_or("");
        assert!(lead.contains(ACHIEVEMENT_TITLE), "card in the lead column: {lead}");

        // A match id that is not one is the API's refusal, not a crash.
        let bad = app.submit("/deals/from-match", Some(&session), &[("match_id", "not-a-match")]).await;
        assert_eq!(bad.status.as_u16(), 200);
    }
}

db_test! {
    async fn moving_the_stage_shows_the_new_stage_and_publicity_refuses_signing_beside_the_form(app: TestApp) {
        let w = world(&app, true).await;
        let id = deal_with_broker(&app, &w).await;
        let session = w.broker.token.clone();

        // A stage form without a readable version gets the error page; the deal stays where it was.
        let versionless = app.submit(&format!("/deals/{id}/stage"), Some(&session), &[("version", "x"), ("stage", "contacted")]).await;
        assert_eq!(versionless.status.as_u16(), 400, "{}", versionless.text);
        assert_eq!(deal_json(&app, &session, &id).await["stage"], "lead");

        let moved = app.submit(&format!("/deals/{id}/stage"), Some(&session), &[("version", "1"), ("stage", "contacted")]).await;
        assert_eq!(moved.status.as_u16(), 303, "{}", moved.text);
        assert_eq!(moved.location(), format!("/deals/{id}?flash=updated"));
        let page = app.page(moved.location(), Some(&session)).await;
        assert!(page.text.contains("id=\"deal-stage\" data-stage=\"contacted\">已联系<"), "{}", page.text);
        assert!(page.text.contains("stage_changed") || page.text.contains("线索 → 已联系"), "the timeline tells the move");

        // Reaching `agreed` opens the publicity window (公示) of a state-funded seller.
        let version = deal_json(&app, &session, &id).await["version"].to_string();
        let agreed = app.submit(&format!("/deals/{id}/stage"), Some(&session), &[("version", &version), ("stage", "agreed")]).await;
        assert_eq!(agreed.status.as_u16(), 303, "{}", agreed.text);
        let ends = deal_json(&app, &session, &id).await["publicity"]["ends_on"].as_str().expect("window").to_owned();
        let page = app.page(&format!("/deals/{id}"), Some(&session)).await;
        assert!(page.text.contains(&format!("公示期 {} 至 {ends}", today())), "window dates shown: {}", page.text);

        // Signing before the window ends is refused, next to the stage form, in the reader's words.
        let version = deal_json(&app, &session, &id).await["version"].to_string();
        let early = app.submit(&format!("/deals/{id}/stage"), Some(&session), &[("version", &version), ("stage", "signed")]).await;
        assert_eq!(early.status.as_u16(), 200, "{}", early.text);
        let refusal = early.text.split("id=\"stage-error\"").nth(1).unwrap_or("");
        assert!(refusal.contains(&format!("公示期至 {ends}，公示期满次日起才能签约。")), "{}", early.text);
        assert!(early.text.contains("data-stage=\"agreed\">已达成<"), "the stage did not move");
        assert_eq!(deal_json(&app, &session, &id).await["stage"], "agreed");

        // Lost needs a reason; the refusal shows beside the reason field.
        let version = deal_json(&app, &session, &id).await["version"].to_string();
        let lost = app.submit(&format!("/deals/{id}/stage"), Some(&session), &[("version", &version), ("stage", "lost"), ("reason", "")]).await;
        assert_eq!(lost.status.as_u16(), 200);
        assert!(lost.text.contains("id=\"e-reason\""), "{}", lost.text);

        // A note lands on the timeline.
        let note = app.submit(&format!("/deals/{id}/notes"), Some(&session), &[("body", "买方要求先试用三个月")]).await;
        assert_eq!(note.status.as_u16(), 303);
        assert!(app.page(&format!("/deals/{id}"), Some(&session)).await.text.contains("买方要求先试用三个月"));

        // Someone the deal does not concern gets the error page, not the deal.
        let (stranger, _) = app.sign_up("enterprise", "x@other.test").await;
        let other = app.page(&format!("/deals/{id}"), Some(&stranger)).await;
        assert_eq!(other.status.as_u16(), 404);
        assert!(!other.text.contains(ACHIEVEMENT_TITLE));
    }
}

db_test! {
    async fn a_wrong_cost_line_sum_re_renders_the_contract_form_and_records_nothing(app: TestApp) {
        let w = world(&app, false).await;
        let id = deal_with_broker(&app, &w).await;
        let session = w.broker.token.clone();
        advance(&app, &session, &id, &["negotiating", "agreed"]).await;
        let deal = app.page(&format!("/deals/{id}"), Some(&session)).await;
        assert!(deal.text.contains(&format!("href=\"/deals/{id}/contract/new\"")), "agreed: draft the contract");

        let form = app.page(&format!("/deals/{id}/contract/new"), Some(&session)).await;
        assert_eq!(form.status.as_u16(), 200, "{}", form.text);
        assert!(form.text.contains("value=\"licence:patent_licence\""), "types and subtypes from the API");
        assert!(form.text.contains("黄经理"), "the deal's brokers are named");

        let fields = contract_fields("100000");
        let refused = app.submit(&format!("/deals/{id}/contract/new"), Some(&session), &pairs(&fields)).await;
        assert_eq!(refused.status.as_u16(), 200, "{}", refused.text);
        let beside = refused.text.split("id=\"e-cost_lines\"").nth(1).unwrap_or("");
        assert!(
            beside.contains("非技术费用合计须等于合同成交额减技术交易额（200,000.00 元），当前合计为 100,000.00 元。"),
            "the error is next to the cost lines: {}",
            refused.text
        );
        assert!(refused.text.contains("value=\"800,000.00\"") && refused.text.contains("value=\"GX-PORTAL-0001\""), "what was typed is kept");
        let listed = app.get("/api/v1/contracts", Some(&session)).await;
        assert_eq!(listed.assert_status(200)["total"], 0, "nothing recorded");
        assert_eq!(deal_json(&app, &session, &id).await["stage"], "agreed");

        // An amount that is not one is caught before the API, next to its field.
        let mut typo = contract_fields("200000");
        typo[10].1 = "80万".to_owned();
        let refused = app.submit(&format!("/deals/{id}/contract/new"), Some(&session), &pairs(&typo)).await;
        assert_eq!(refused.status.as_u16(), 200);
        assert!(refused.text.contains("id=\"e-contract_amount\""), "{}", refused.text);
    }
}

db_test! {
    async fn a_recorded_contract_shows_its_amount_and_its_registration_status(app: TestApp) {
        let w = world(&app, false).await;
        let id = deal_with_broker(&app, &w).await;
        let session = w.broker.token.clone();
        advance(&app, &session, &id, &["negotiating", "agreed"]).await;

        let fields = contract_fields("200,000.00");
        let saved = app.submit(&format!("/deals/{id}/contract/new"), Some(&session), &pairs(&fields)).await;
        assert_eq!(saved.status.as_u16(), 303, "{}", saved.text);
        let to = saved.location().to_owned();
        assert!(to.starts_with("/contracts/") && to.ends_with("?flash=contract_saved"), "{to}");
        let contract_id = to.trim_start_matches("/contracts/").trim_end_matches("?flash=contract_saved").to_owned();
        let stored = app.get(&format!("/api/v1/contracts/{contract_id}"), Some(&session)).await;
        let stored = stored.assert_status(200);
        assert_eq!(stored["amounts"]["contract_amount_minor"], 80_000_000, "yuan typed, fen stored");
        assert_eq!(stored["amounts"]["tech_amount_minor"], 60_000_000);
        assert_eq!(stored["cost_lines"][0]["amount_minor"], 20_000_000);
        assert_eq!(deal_json(&app, &session, &id).await["stage"], "signed", "recording the contract signs the deal");

        let page = app.page(&to, Some(&session)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains("id=\"contract-amount\">80.00 万元<"), "{}", page.text);
        assert!(page.text.contains("GX-PORTAL-0001") && page.text.contains("技术许可 · 专利实施许可"));
        assert!(page.text.contains("合同已保存。"));
        assert!(page.text.contains(&format!("action=\"/contracts/{contract_id}/registration\"")), "registration button");
        let list = app.page("/contracts", Some(&session)).await;
        assert!(list.text.contains(&format!("href=\"/contracts/{contract_id}\"")) && list.text.contains("80.00 万元"));

        // Milestones and payments are recorded from the page in yuan.
        let m = app.submit(&format!("/contracts/{contract_id}/milestones"), Some(&session), &[("milestone_title", "样机交付"), ("milestone_amount", "300000"), ("milestone_due_on", "")]).await;
        assert_eq!(m.status.as_u16(), 303, "{}", m.text);
        let p = app.submit(&format!("/contracts/{contract_id}/payments"), Some(&session), &[("payment_amount", "900000"), ("payment_due_on", ""), ("payment_paid_on", ""), ("payment_reference", ""), ("payment_milestone_id", "")]).await;
        assert_eq!(p.status.as_u16(), 200, "more than the contract: refused on the page");
        assert!(p.text.contains("付款合计不能超过合同成交额。"));
        let page = app.page(&format!("/contracts/{contract_id}"), Some(&session)).await;
        assert!(page.text.contains("样机交付") && page.text.contains("30.00 万元"));
        // Amounts are read in the contract's currency: when the contract cannot be read, the
        // error page, not an amount read in a guessed currency.
        let (stranger, _) = app.sign_up("enterprise", "y@other.test").await;
        let guessed = app.submit(&format!("/contracts/{contract_id}/milestones"), Some(&stranger), &[("milestone_title", "猜测"), ("milestone_amount", "1"), ("milestone_due_on", "")]).await;
        assert_eq!(guessed.status.as_u16(), 404, "{}", guessed.text);
        assert!(!guessed.text.contains("name=\"milestone_amount\""), "no form re-rendered");

        // Submitting for registration (认定登记) shows the status; an operator's number follows.
        let sub = app.submit(&format!("/contracts/{contract_id}/registration"), Some(&session), &[]).await;
        assert_eq!(sub.status.as_u16(), 303, "{}", sub.text);
        let page = app.page(sub.location(), Some(&session)).await;
        assert!(page.text.contains("id=\"registration-status\">待认定<"), "{}", page.text);
        assert!(page.text.contains("已提交认定登记。"));
        assert!(!page.text.contains(&format!("action=\"/contracts/{contract_id}/registration\"")), "no second submission");
        let again = app.submit(&format!("/contracts/{contract_id}/registration"), Some(&session), &[]).await;
        assert_eq!(again.status.as_u16(), 200);
        assert!(again.text.contains("此合同已提交认定登记。"));

        let reg = app.get(&format!("/api/v1/registrations?contract_id={contract_id}"), Some(&w.op)).await;
        let reg = reg.assert_status(200)["items"][0].clone();
        let decided = app
            .post(&format!("/api/v1/registrations/{}/decision", reg["id"].as_str().expect("id")), Some(&w.op), &json!({"version": reg["version"], "decision": "register"}))
            .await;
        let number = decided.assert_status(200)["registration_number"].as_str().expect("number").to_owned();
        let page = app.page(&format!("/contracts/{contract_id}"), Some(&w.uni.token)).await;
        assert!(page.text.contains("id=\"registration-status\">已登记<"), "{}", page.text);
        assert!(page.text.contains(&format!("id=\"registration-number\">{number}<")));
        assert!(page.text.contains(&w.uni.id) || page.text.contains("测试机构"), "the seller is named");
    }
}

db_test! {
    async fn a_signed_in_non_broker_learns_how_to_become_one_and_registers(app: TestApp) {
        let (agency, _) = app.sign_up("broker_agency", "new@agency.test").await;
        let page = app.page("/broker", Some(&agency)).await;
        assert_eq!(page.status.as_u16(), 200);
        assert!(page.text.contains("成为技术经理人") && page.text.contains("action=\"/broker/profile\""), "{}", page.text);
        let anonymous = app.page("/broker", None).await;
        assert_eq!(anonymous.status.as_u16(), 303, "sign in first");

        let refused = app.submit("/broker/profile", Some(&agency), &[("display_name", ""), ("certification_level", "junior")]).await;
        assert_eq!(refused.status.as_u16(), 200);
        assert!(refused.text.contains("id=\"e-display_name\""), "{}", refused.text);

        let done = app
            .submit(
                "/broker/profile",
                Some(&agency),
                &[("display_name", "陈经理"), ("certification_level", "senior"), ("certificate_number", "GX-TM-9"), ("fields", "modern_agriculture"), ("regions", "450000"), ("regions", "VN"), ("languages", "zh")],
            )
            .await;
        assert_eq!(done.status.as_u16(), 303, "{}", done.text);
        let pending = app.page("/broker", Some(&agency)).await;
        assert!(pending.text.contains("正在等待平台运营方认证") && pending.text.contains("广西全区"), "{}", pending.text);
        let me = app.get("/api/v1/me", Some(&agency)).await;
        let broker_id = me.assert_status(200)["broker_id"].as_str().expect("profile").to_owned();
        let profile = app.get(&format!("/api/v1/brokers/{broker_id}"), Some(&agency)).await;
        assert_eq!(profile.assert_status(200)["regions"], json!(["450000", "VN"]));
    }
}

db_test! {
    async fn a_contract_form_submitted_twice_records_one_contract(app: TestApp) {
        let w = world(&app, false).await;
        let id = deal_with_broker(&app, &w).await;
        let session = w.broker.token.clone();
        advance(&app, &session, &id, &["negotiating", "agreed"]).await;
        let form = app.page(&format!("/deals/{id}/contract/new"), Some(&session)).await;
        let key = form
            .text
            .split("name=\"idempotency_key\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the form carries an idempotency key")
            .to_owned();
        let mut fields = contract_fields("200,000.00");
        fields.push(("idempotency_key", key));
        let first = app.submit(&format!("/deals/{id}/contract/new"), Some(&session), &pairs(&fields)).await;
        let second = app.submit(&format!("/deals/{id}/contract/new"), Some(&session), &pairs(&fields)).await;
        assert_eq!(first.status.as_u16(), 303, "{}", first.text);
        assert_eq!(second.status.as_u16(), 303, "the repeat lands on the same contract: {}", second.text);
        assert_eq!(first.location(), second.location());
        let list = app.get(&format!("/api/v1/contracts?deal_id={id}"), Some(&session)).await;
        assert_eq!(list.assert_status(200)["total"], 1);
    }
}
