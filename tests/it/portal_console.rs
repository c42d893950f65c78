//! The operator console and the statistics dashboard of the portal over HTTP, as a browser
//! without JavaScript uses them: only operators get the console; publishing a submitted listing
//! from the review queue makes it public; organisations awaiting verification are listed (by the
//! listing service's `GET /api/v1/orgs`, operators only) and verified from the console; a
//! submitted contract is registered from the console and its registration number shown; the
//! dashboard shows the seeded 1200 亿元 target and turnover figures equal to the API's, to the
//! fen. The session cookie of these pages is the API token (as the portal's login sets it).

use integration_tests::db_test;
use integration_tests::deals::{contract_body, days_ago, Org};
use integration_tests::http::USER_PASSWORD;
use integration_tests::listings::achievement_body;
use integration_tests::TestApp;
use serde_json::{json, Value};

/// `1234567` → `1,234,567`, as the portal prints amounts.
fn grouped(n: i64) -> String {
    portal::format::group_thousands(n)
}

/// Fen as yuan with two decimals, the way the dashboard's exact figures read: `1,234,567.89`.
fn yuan(fen: i64) -> String {
    format!("{}.{:02}", grouped(fen / 100), (fen % 100).abs())
}

/// The text of the element carrying `data-testid="{id}"` (no nested markup).
#[track_caller]
fn testid_text(html: &str, id: &str) -> String {
    let marker = format!("data-testid=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {id} in page: {html}"))
        + marker.len();
    let end = html[start..].find('<').expect("element closes") + start;
    html[start..end].trim().to_owned()
}

/// A contract of `seller` (Guangxi) with `buyer`, signed on `signed_on`, submitted for
/// registration by the seller; returns (registration id, version, contract number).
async fn submitted_registration(
    app: &TestApp,
    seller: &Org,
    buyer: &Org,
    signed_on: chrono::NaiveDate,
    fen: i64,
) -> (String, i64, String) {
    let body = contract_body(&seller.id, &buyer.id, signed_on, fen, fen);
    let number = body["contract_number"].as_str().expect("number").to_owned();
    let key = format!("console-{}", uuid::Uuid::now_v7().simple());
    let contract = app
        .post_with_key("/api/v1/contracts", &seller.token, &key, &body)
        .await;
    let contract_id = contract.assert_status(201)["id"]
        .as_str()
        .expect("contract id")
        .to_owned();
    let reg = app
        .post(
            "/api/v1/registrations",
            Some(&seller.token),
            &json!({"contract_id": contract_id}),
        )
        .await;
    let reg = reg.assert_status(201);
    assert_eq!(reg["status"], "submitted");
    (
        reg["id"].as_str().expect("registration id").to_owned(),
        reg["version"].as_i64().expect("version"),
        number,
    )
}

db_test! {
    async fn only_operators_get_the_console(app: TestApp) {
        // Anonymous readers are sent to sign in.
        let anon = app.page("/console", None).await;
        assert_eq!(anon.status.as_u16(), 303);
        assert!(anon.location().starts_with("/login?next="), "{}", anon.location());

        // A signed-in member of an organisation gets the 403 page on every section and action.
        app.sign_up("enterprise", "rd@ent.test").await;
        let member = app.portal_login("rd@ent.test", USER_PASSWORD).await;
        for path in ["/console", "/console/orgs", "/console/brokers", "/console/registrations", "/console/targets"] {
            let res = app.page(path, Some(&member)).await;
            assert_eq!(res.status.as_u16(), 403, "{path}: {}", res.text);
            assert!(res.text.contains("没有权限"), "{path} shows the forbidden page: {}", res.text);
        }
        let post = app.submit("/console/orgs/01a00000-0000-7000-8000-000000000000", Some(&member), &[("decision", "verify"), ("version", "1")]).await;
        assert_eq!(post.status.as_u16(), 403);
        // The navigation offers the console to operators only.
        let home = app.page("/", Some(&member)).await;
        assert!(!home.text.contains("href=\"/console\""));
        let op = app.operator_token().await;
        let home = app.page("/", Some(&op)).await;
        assert!(home.text.contains("href=\"/console\""));
        let console = app.page("/console", Some(&op)).await;
        assert_eq!(console.status.as_u16(), 200, "{}", console.text);
        assert!(console.text.contains("没有等待审核的成果或需求。"), "the empty queue says so: {}", console.text);
    }
}

db_test! {
    async fn publishing_from_the_review_queue_makes_a_listing_public(app: TestApp) {
        let op = app.operator_token().await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (id, version) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let submitted = app.post(&format!("/api/v1/achievements/{id}/submit"), Some(&uni), &json!({"version": version})).await;
        let version = submitted.assert_status(200)["version"].as_i64().expect("version");
        assert_eq!(app.get(&format!("/api/v1/achievements/{id}"), None).await.status.as_u16(), 404, "not public before review");

        // The queue lists it with its title, link, organisation and language.
        let queue = app.page("/console", Some(&op)).await;
        assert_eq!(queue.status.as_u16(), 200, "{}", queue.text);
        assert!(queue.text.contains("基于深度学习的甘蔗收割机智能控制系统"), "{}", queue.text);
        assert!(queue.text.contains(&format!("href=\"/achievements/{id}\"")));
        assert!(queue.text.contains("测试机构"), "the organisation's name is shown");
        assert!(queue.text.contains(&format!("action=\"/console/reviews/achievement/{id}\"")));

        // Rejecting without a reason is refused beside the reason field; nothing changes.
        let action = format!("/console/reviews/achievement/{id}");
        let v = version.to_string();
        let refused = app.submit(&action, Some(&op), &[("decision", "reject"), ("reason", " "), ("version", &v), ("page", "1")]).await;
        assert_eq!(refused.status.as_u16(), 200, "{}", refused.text);
        assert!(refused.text.contains(&format!("id=\"reason-{id}-error\">请填写退回原因。")), "{}", refused.text);
        assert!(refused.text.contains("aria-invalid=\"true\""));
        assert!(refused.text.contains("data-confirm="), "rejecting asks for confirmation");
        // A stale version is refused on the item too.
        let stale = app.submit(&action, Some(&op), &[("decision", "publish"), ("version", "1"), ("page", "1")]).await;
        assert_eq!(stale.status.as_u16(), 200, "{}", stale.text);
        assert!(stale.text.contains("在您操作期间，此内容已被修改"), "{}", stale.text);

        // Publish.
        let done = app.submit(&action, Some(&op), &[("decision", "publish"), ("version", &v), ("page", "1")]).await;
        assert_eq!(done.status.as_u16(), 303, "{}", done.text);
        assert_eq!(done.location(), "/console?flash=published");
        app.run_jobs().await;
        let public = app.get(&format!("/api/v1/achievements/{id}"), None).await;
        assert_eq!(public.assert_status(200)["status"], "published");
        let after = app.page(done.location(), Some(&op)).await;
        assert!(after.text.contains("已发布。"), "the confirmation shows");
        assert!(!after.text.contains(&format!("href=\"/achievements/{id}\"")), "it left the queue");
    }
}

db_test! {
    async fn organisations_awaiting_verification_are_listed_and_verified(app: TestApp) {
        let op = app.operator_token().await;
        let (member, org_id) = app.sign_up("enterprise", "rd@ent.test").await;
        let org = app.get(&format!("/api/v1/orgs/{org_id}"), Some(&member)).await.assert_status(200).clone();
        let name = org["name"].as_str().expect("name").to_owned();

        // The list endpoint: operators only, filtered by state, paged.
        app.get("/api/v1/orgs?verification_status=pending", None).await.assert_problem(401, "unauthorized");
        app.get("/api/v1/orgs?verification_status=pending", Some(&member)).await.assert_problem(403, "forbidden");
        app.get("/api/v1/orgs?verification_status=maybe", Some(&op)).await.assert_problem(400, "bad_request");
        let pending = app.get("/api/v1/orgs?verification_status=pending&per_page=5", Some(&op)).await;
        let pending = pending.assert_status(200);
        assert_eq!(pending["per_page"], 5);
        assert!(pending["items"].as_array().expect("items").iter().any(|o| o["id"] == org_id.as_str()));
        let doc = app.get("/api/v1/openapi.json", None).await;
        assert!(doc.assert_status(200)["paths"]["/api/v1/orgs"]["get"].is_object(), "the list is documented");
        let verified = app.get("/api/v1/orgs?verification_status=verified", Some(&op)).await;
        assert!(!verified.assert_status(200)["items"].as_array().expect("items").iter().any(|o| o["id"] == org_id.as_str()));

        // The console lists it; a rejection needs a reason; verifying works.
        let page = app.page("/console/orgs", Some(&op)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains(&name), "{}", page.text);
        let action = format!("/console/orgs/{org_id}");
        let refused = app.submit(&action, Some(&op), &[("decision", "reject"), ("note", ""), ("version", "1")]).await;
        assert_eq!(refused.status.as_u16(), 200);
        assert!(refused.text.contains(&format!("id=\"note-{org_id}-error\">请填写退回原因。")), "{}", refused.text);
        // A form without the version it was drawn from is not sent on with a made-up one.
        let versionless = app.submit(&action, Some(&op), &[("decision", "verify")]).await;
        assert_eq!(versionless.status.as_u16(), 400, "{}", versionless.text);
        assert_eq!(app.get(&format!("/api/v1/orgs/{org_id}"), Some(&op)).await.assert_status(200)["verification_status"], "pending");
        let done = app.submit(&action, Some(&op), &[("decision", "verify"), ("version", "1")]).await;
        assert_eq!(done.status.as_u16(), 303, "{}", done.text);
        assert_eq!(done.location(), "/console/orgs?flash=verified");
        let org = app.get(&format!("/api/v1/orgs/{org_id}"), None).await;
        assert_eq!(org.assert_status(200)["verification_status"], "verified", "verified organisations are public");
        let after = app.page(done.location(), Some(&op)).await;
        assert!(after.text.contains("已认证。"));
        assert!(!after.text.contains(&name), "it left the list");
    }
}

db_test! {
    async fn a_submitted_contract_is_registered_from_the_console(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450200", false).await;
        let (reg_id, version, number) = submitted_registration(&app, &uni, &ent, days_ago(3), 123_456_789).await;

        let page = app.page("/console/registrations", Some(&op)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains(&number), "{}", page.text);
        assert!(page.text.contains("甘蔗收割机智能控制系统专利实施许可合同"));
        assert!(page.text.contains("123.46 万元"), "amounts in CNY: {}", page.text);
        assert!(page.text.contains("测试机构"), "the parties are named");

        // A registration date in the future is refused beside the date field.
        let action = format!("/console/registrations/{reg_id}");
        let v = version.to_string();
        let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
        let refused = app
            .submit(&action, Some(&op), &[("decision", "register"), ("registered_on", &tomorrow), ("registration_number", ""), ("version", &v)])
            .await;
        assert_eq!(refused.status.as_u16(), 200, "{}", refused.text);
        assert!(refused.text.contains(&format!("id=\"registered_on-{reg_id}-error\"")), "{}", refused.text);
        assert!(refused.text.contains(&format!("value=\"{tomorrow}\"")), "what was typed is kept");

        let today = chrono::Utc::now().date_naive().to_string();
        let done = app
            .submit(&action, Some(&op), &[("decision", "register"), ("registered_on", &today), ("registration_number", ""), ("version", &v)])
            .await;
        assert_eq!(done.status.as_u16(), 303, "{}", done.text);
        assert_eq!(done.location(), format!("/console/registrations?registered={reg_id}"));
        let reg = app.get(&format!("/api/v1/registrations/{reg_id}"), Some(&op)).await.assert_status(200).clone();
        assert_eq!(reg["status"], "registered");
        let reg_number = reg["registration_number"].as_str().expect("registration number");
        let after = app.page(done.location(), Some(&op)).await;
        assert_eq!(testid_text(&after.text, "registration-number"), reg_number, "the number is shown after registering");
        assert!(!after.text.contains(&format!("action=\"{action}\"")), "it left the queue");

        // Rejecting another one needs a reason, then works.
        let (other, version, _) = submitted_registration(&app, &uni, &ent, days_ago(2), 5_000_000).await;
        let action = format!("/console/registrations/{other}");
        let v = version.to_string();
        let refused = app.submit(&action, Some(&op), &[("decision", "reject"), ("reason", ""), ("version", &v)]).await;
        assert_eq!(refused.status.as_u16(), 200);
        assert!(refused.text.contains(&format!("id=\"reason-{other}-error\">请填写退回原因。")), "{}", refused.text);
        let rejected = app.submit(&action, Some(&op), &[("decision", "reject"), ("reason", "技术交易额与合同附件不符"), ("version", &v)]).await;
        assert_eq!(rejected.status.as_u16(), 303, "{}", rejected.text);
        assert_eq!(rejected.location(), "/console/registrations?flash=rejected");
        let reg = app.get(&format!("/api/v1/registrations/{other}"), Some(&op)).await;
        assert_eq!(reg.assert_status(200)["rejection_reason"], "技术交易额与合同附件不符");
    }
}

db_test! {
    async fn the_dashboard_shows_the_target_and_the_apis_turnover_to_the_fen(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450200", false).await;
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());

        // Before any registration: zero, and the empty state.
        let before = app.page("/dashboard", None).await;
        assert_eq!(before.status.as_u16(), 200, "{}", before.text);
        assert_eq!(testid_text(&before.text, "turnover-actual"), "0.00");
        assert!(before.text.contains("还没有登记的技术合同"));

        // This year: one contract registered today.
        let (reg, version, _) = submitted_registration(&app, &uni, &ent, days_ago(1), 123_456_789).await;
        let today = chrono::Utc::now().date_naive();
        app.post(&format!("/api/v1/registrations/{reg}/decision"), Some(&op), &json!({"version": version, "decision": "register", "registered_on": today}))
            .await
            .assert_status(200);
        // In 2025 (the seeded target's year): one contract registered in July.
        let signed = chrono::NaiveDate::from_ymd_opt(2025, 6, 2).expect("date");
        let (reg25, version, _) = submitted_registration(&app, &uni, &ent, signed, 98_765_432_101).await;
        app.post(&format!("/api/v1/registrations/{reg25}/decision"), Some(&op), &json!({"version": version, "decision": "register", "registered_on": "2025-07-15"}))
            .await
            .assert_status(200);
        app.run_jobs().await;

        // The current year's figure equals the API's total for the year, to the fen.
        let stats: Value = app.turnover(&format!("group_by=&year={year}")).await;
        let total = stats["total_amount_cny_minor"].as_i64().expect("total");
        assert_eq!(total, 123_456_789);
        let page = app.page("/dashboard", None).await;
        assert_eq!(testid_text(&page.text, "turnover-actual"), yuan(total));
        assert_eq!(testid_text(&page.text, "turnover-actual"), "1,234,567.89");
        assert!(page.text.contains("123.46 万元"), "the 万元 figure is beside it");
        // One contract: the public sees the year's total but no group of it (each group would
        // be that contract's amount); operators see the charts.
        assert!(!page.text.contains("id=\"chart-by-city\" role=\"img\""), "no public chart of one contract");
        assert!(page.text.contains("data-testid=\"withheld\""), "the page says why groups are missing");
        let page = app.page("/dashboard", Some(&op)).await;
        for id in ["chart-by-month", "chart-by-city", "chart-by-type", "chart-by-industry"] {
            assert!(page.text.contains(&format!("id=\"{id}\" role=\"img\"")), "{id} is drawn: {}", page.text);
        }
        let by_city = app.turnover(&format!("group_by=city&year={year}")).await;
        assert_eq!(by_city["rows"][0]["keys"]["city"], "450100");
        assert!(page.text.contains("南宁"), "the city is named");
        let kpis = app.get("/api/v1/stats/kpis", None).await.assert_status(200).clone();
        assert_eq!(kpis["contracts_registered"], 2);

        // 2025: the seeded 1200 亿元 target, the actual and the progress as the API reports them.
        let targets = app.get("/api/v1/stats/targets?year=2025", None).await.assert_status(200).clone();
        let turnover = targets["indicators"]
            .as_array()
            .expect("indicators")
            .iter()
            .find(|i| i["indicator"] == "contract_turnover")
            .expect("turnover target")
            .clone();
        assert_eq!(turnover["target_value"], 12_000_000_000_000_i64);
        let page = app.page("/dashboard?year=2025", None).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert_eq!(testid_text(&page.text, "turnover-target"), "1,200.00 亿元");
        let actual = turnover["actual"].as_i64().expect("actual");
        assert_eq!(actual, 98_765_432_101);
        assert_eq!(testid_text(&page.text, "turnover-actual"), yuan(actual));
        assert!(page.text.contains("9.88 亿元"), "{}", page.text);
        let percent = format!("{}%", turnover["progress_percent"].as_str().expect("percent"));
        assert!(page.text.contains(&percent), "progress {percent}: {}", page.text);
        assert!(page.text.contains("<option value=\"2025\" selected>"), "the year selector offers the target's year");
        assert!(page.text.contains("id=\"chart-target\" role=\"img\""));
        // The July row of the monthly table carries the exact amount, for operators: to the
        // public one contract's month is withheld, shown as unknown rather than zero.
        assert!(page.text.contains("<th scope=\"row\">2025-07</th><td class=\"num\">—</td>"), "{}", page.text);
        let page = app.page("/dashboard?year=2025", Some(&op)).await;
        assert!(page.text.contains(&format!("<th scope=\"row\">2025-07</th><td class=\"num\">1</td><td class=\"num\">9.88 亿元</td><td class=\"num\">{}</td>", yuan(actual))), "{}", page.text);

        // In English the same figures read in millions/billions of yuan.
        let en = app.page("/dashboard?year=2025&lang=en", None).await;
        assert_eq!(testid_text(&en.text, "turnover-target"), "CNY 120.00 bn");
        assert_eq!(testid_text(&en.text, "turnover-actual"), yuan(actual));
    }
}

db_test! {
    async fn targets_are_edited_and_added_in_yuan_from_the_console(app: TestApp) {
        let op = app.operator_token().await;
        let list = app.page("/console/targets?year=2025", Some(&op)).await;
        assert_eq!(list.status.as_u16(), 200, "{}", list.text);
        assert!(list.text.contains("1,200.00 亿元"), "{}", list.text);
        let seeded = app.get("/api/v1/targets?year=2025", None).await.assert_status(200).clone();
        let target = seeded["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|t| t["indicator"] == "contract_turnover")
            .expect("seeded turnover target")
            .clone();
        let id = target["id"].as_str().expect("id");
        let version = target["version"].to_string();
        assert!(list.text.contains("value=\"120,000,000,000.00\""), "the edit form shows yuan: {}", list.text);

        // Three decimals of a yuan are refused beside the field, keeping what was typed.
        let action = format!("/console/targets/{id}");
        let fields = |value: &'static str| {
            vec![("target_value", value), ("source", "调整后的年度目标"), ("money", "true"), ("shown_year", "2025")]
        };
        let mut bad = fields("130,000,000,000.001");
        bad.push(("version", &version));
        let refused = app.submit(&action, Some(&op), &bad).await;
        assert_eq!(refused.status.as_u16(), 200, "{}", refused.text);
        assert!(refused.text.contains(&format!("id=\"target_value-{id}-error\">请填写以元为单位的金额")), "{}", refused.text);
        assert!(refused.text.contains("value=\"130,000,000,000.001\""));

        let mut good = fields("130,000,000,000.01");
        good.push(("version", &version));
        let done = app.submit(&action, Some(&op), &good).await;
        assert_eq!(done.status.as_u16(), 303, "{}", done.text);
        assert_eq!(done.location(), "/console/targets?year=2025&flash=updated");
        let progress = app.get("/api/v1/stats/targets?year=2025", None).await.assert_status(200).clone();
        let turnover = progress["indicators"]
            .as_array()
            .expect("indicators")
            .iter()
            .find(|i| i["indicator"] == "contract_turnover")
            .expect("turnover")
            .clone();
        assert_eq!(turnover["target_value"], 13_000_000_000_001_i64, "yuan became fen exactly");
        let dash = app.page("/dashboard?year=2025", None).await;
        assert_eq!(testid_text(&dash.text, "turnover-target"), "1,300.00 亿元");

        // A new year's target, then the dashboard of that year reads it.
        let created = app
            .submit(
                "/console/targets",
                Some(&op),
                &[
                    ("year", "2031"),
                    ("indicator", "contract_turnover"),
                    ("target_value", "150000000000"),
                    ("baseline_value", ""),
                    ("baseline_year", ""),
                    ("source", "测试用目标"),
                ],
            )
            .await;
        assert_eq!(created.status.as_u16(), 303, "{}", created.text);
        assert_eq!(created.location(), "/console/targets?year=2031&flash=saved");
        let dash = app.page("/dashboard?year=2031", None).await;
        assert_eq!(testid_text(&dash.text, "turnover-target"), "1,500.00 亿元");
        // The API refuses a duplicate; the create form shows it and keeps the input.
        let again = app
            .submit(
                "/console/targets",
                Some(&op),
                &[("year", "2031"), ("indicator", "contract_turnover"), ("target_value", "1"), ("source", "重复的目标")],
            )
            .await;
        assert_eq!(again.status.as_u16(), 200, "{}", again.text);
        assert!(again.text.contains("id=\"form-errors\""), "{}", again.text);
        assert!(again.text.contains("value=\"重复的目标\""));
    }
}

db_test! {
    async fn brokers_awaiting_verification_are_verified_from_the_console(app: TestApp) {
        let op = app.operator_token().await;
        let (agent, _) = app.sign_up("broker_agency", "agent@agency.test").await;
        let created = app
            .post(
                "/api/v1/brokers",
                Some(&agent),
                &json!({"display_name": "韦经纪", "certification_level": "senior", "certificate_number": "GX-TM-0099", "fields": ["modern_agriculture"], "regions": ["450100"], "languages": ["zh"]}),
            )
            .await;
        let broker = created.assert_status(201).clone();
        let id = broker["id"].as_str().expect("broker id");

        let page = app.page("/console/brokers", Some(&op)).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.text);
        assert!(page.text.contains("韦经纪") && page.text.contains("GX-TM-0099"), "{}", page.text);
        assert!(page.text.contains("测试机构"), "the agency is named");
        let action = format!("/console/brokers/{id}");
        let version = broker["version"].to_string();
        let done = app.submit(&action, Some(&op), &[("decision", "verify"), ("version", &version)]).await;
        assert_eq!(done.status.as_u16(), 303, "{}", done.text);
        assert_eq!(done.location(), "/console/brokers?flash=verified");
        let now = app.get(&format!("/api/v1/brokers/{id}"), None).await;
        assert_eq!(now.assert_status(200)["verification_status"], "verified");
        assert!(!app.page("/console/brokers", Some(&op)).await.text.contains("韦经纪"));
    }
}

db_test! {
    async fn an_operator_records_an_exchange_rate_and_a_bad_one_is_refused_beside_its_field(app: TestApp) {
        let op = app.operator_token().await;
        let res = app
            .submit("/console/fx-rates", Some(&op), &[("currency", "THB"), ("rate_date", "2026-03-02"), ("cny_per_unit", "0.2011"), ("source", "CFETS central parity")])
            .await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.text);
        let rates = app.get("/api/v1/fx-rates?currency=THB", Some(&op)).await;
        assert!(rates.text.contains("\"cny_per_unit\":\"0.2011\"") && rates.text.contains("2026-03-02"), "{}", rates.text);
        let page = app.page("/console/fx-rates", Some(&op)).await;
        assert!(page.text.contains("0.2011") && page.text.contains("CFETS central parity"));
        let bad = app.submit("/console/fx-rates", Some(&op), &[("currency", "THB"), ("rate_date", "2026-03-03"), ("cny_per_unit", "abc"), ("source", "x")]).await;
        assert_eq!(bad.status.as_u16(), 200, "the form comes back");
        assert!(bad.text.contains("id=\"e-cny_per_unit\""), "{}", bad.text);
        let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
        assert_eq!(app.page("/console/fx-rates", Some(&firm)).await.status.as_u16(), 403);
    }
}
