//! Issue 16, partners, agencies and training: the countries served are configuration plus
//! what operators add (an organisation from Japan registers once Japan is served, and not
//! before), turnover by partner group, a broker agency posting for a client only with the
//! client's standing consent, and broker training with the "brokers trained" indicator
//! counting certificate holders. Hostile: anonymous callers, members of other organisations,
//! malformed and enormous input, the same request twice at once.

use integration_tests::deals::{contract_body, days_ago};
use integration_tests::http::USER_PASSWORD;
use integration_tests::listings::{achievement_body, need_body};
use integration_tests::{db_test, Backend, TestApp};
use platform::entity::{agency_consents, needs, partner_countries};
use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

/// A sign-up body for an organisation outside China.
fn foreign_signup(country: &str, email: &str) -> Value {
    json!({
        "email": email,
        "password": USER_PASSWORD,
        "display_name": "Partner",
        "organisation": {"name": format!("Sample partner {country} {}", uuid::Uuid::now_v7().simple()),
                         "kind": "enterprise", "country": country, "region_code": country}
    })
}

/// Japan is not served by a configuration of China and ASEAN only, until an operator adds it;
/// then a Japanese organisation registers. Two operators adding Israel at once: one wins.
async fn japan_registers_once_served(app: TestApp) {
    let op = app.operator_token().await;
    let (member, _) = app.sign_up("enterprise", "member@gx.test").await;

    let refused = app
        .post(
            "/api/v1/auth/signup",
            None,
            &foreign_signup("JP", "a@jp.test"),
        )
        .await;
    let body = refused.assert_problem(422, "validation_failed");
    assert_eq!(body["fields"][0]["path"], "organisation.country");
    let countries = app.get("/api/v1/taxonomies/countries", None).await;
    let list = countries
        .assert_status(200)
        .as_array()
        .expect("list")
        .clone();
    assert!(list
        .iter()
        .any(|c| c["code"] == "VN" && c["partner_group"] == "asean"));
    assert!(list
        .iter()
        .any(|c| c["code"] == "CN" && c["partner_group"] == "domestic"));
    assert!(
        !list.iter().any(|c| c["code"] == "JP"),
        "the test configuration does not serve Japan"
    );

    let japan =
        json!({"code": "JP", "partner_group": "rcep", "name_zh": "日本", "name_en": "Japan"});
    // Anonymous, a member, malformed and wrong input: refused, nothing stored.
    app.post("/api/v1/taxonomies/countries", None, &japan)
        .await
        .assert_problem(401, "unauthorized");
    app.post("/api/v1/taxonomies/countries", Some(&member), &japan)
        .await
        .assert_problem(403, "forbidden");
    for bad in [
        json!({"code": "jpn", "partner_group": "rcep", "name_zh": "日本", "name_en": "Japan"}),
        json!({"code": "JP", "partner_group": "belt_and_road", "name_zh": "日本", "name_en": "Japan"}),
        json!({"code": "TH", "partner_group": "asean", "name_zh": "泰国", "name_en": "Thailand"}),
        json!({"code": "IL", "partner_group": "rcep", "name_zh": "以色列", "name_en": "Israel"}),
        json!({"code": "IL", "partner_group": "belt_and_road", "name_zh": "", "name_en": "Israel"}),
        json!({"code": "IL", "partner_group": "belt_and_road", "name_zh": "以色列", "name_en": "Israel", "admin": true}),
    ] {
        app.post("/api/v1/taxonomies/countries", Some(&op), &bad)
            .await
            .assert_problem(422, "validation_failed");
    }
    app.post("/api/v1/taxonomies/countries", Some(&op), &json!({"code": "IL", "partner_group": "silk_road", "name_zh": "以色列", "name_en": "Israel"}))
        .await.assert_problem(422, "validation_failed");
    app.client_request(
        Method::POST,
        "/api/v1/taxonomies/countries",
        &op,
        "application/json",
        b"{\"code\":".to_vec(),
    )
    .await
    .assert_problem(400, "bad_request");
    let huge = "以".repeat(app.state.config.server.body_limit_bytes / 3 + 10);
    app.post("/api/v1/taxonomies/countries", Some(&op), &json!({"code": "IL", "partner_group": "belt_and_road", "name_zh": huge, "name_en": "Israel"}))
        .await.assert_problem(413, "payload_too_large");
    app.post(
        "/api/v1/taxonomies/countries",
        Some(&op),
        &json!({"code": "VN", "partner_group": "other", "name_zh": "越南", "name_en": "Vietnam"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert_eq!(
        partner_countries::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0,
        "nothing stored"
    );

    let added = app
        .post("/api/v1/taxonomies/countries", Some(&op), &japan)
        .await;
    let added = added.assert_status(201);
    assert_eq!(added["partner_group"], "rcep");
    assert_eq!(added["added_by_operator"], true);
    app.post("/api/v1/taxonomies/countries", Some(&op), &japan)
        .await
        .assert_problem(409, "country_already_served");

    let ok = app
        .post(
            "/api/v1/auth/signup",
            None,
            &foreign_signup("JP", "a@jp.test"),
        )
        .await;
    assert_eq!(ok.assert_status(201)["organisation"]["country"], "JP");

    // Israel, as a Belt and Road partner, by two operators at once: exactly one is stored.
    let op2 = app.operator_token().await;
    let israel = json!({"code": "IL", "partner_group": "belt_and_road", "name_zh": "以色列", "name_en": "Israel"});
    let (a, b) = tokio::join!(
        app.post("/api/v1/taxonomies/countries", Some(&op), &israel),
        app.post("/api/v1/taxonomies/countries", Some(&op2), &israel),
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "{} / {}", a.text, b.text);
    for r in [&a, &b] {
        if r.status.as_u16() == 409 {
            r.assert_problem(409, "country_already_served");
        }
    }
    assert_eq!(
        partner_countries::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        2
    );
    let list = app.get("/api/v1/taxonomies/countries", None).await;
    let list = list.assert_status(200).as_array().expect("list").clone();
    let il = list
        .iter()
        .find(|c| c["code"] == "IL")
        .expect("Israel served");
    assert_eq!(il["partner_group"], "belt_and_road");
    assert_eq!(il["name_en"], "Israel");
    app.post(
        "/api/v1/auth/signup",
        None,
        &foreign_signup("IL", "a@il.test"),
    )
    .await
    .assert_status(201);
    // A country nobody serves stays refused.
    app.post(
        "/api/v1/auth/signup",
        None,
        &foreign_signup("FR", "a@fr.test"),
    )
    .await
    .assert_problem(422, "validation_failed");
}

/// Served by configuration: China and ASEAN only.
fn china_and_asean(config: &mut platform::config::Config) {
    config.countries.served = std::iter::once("CN")
        .chain(platform::identifiers::ASEAN_COUNTRIES)
        .map(str::to_owned)
        .collect();
}

mod japan_registers_once_an_operator_serves_it {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        japan_registers_once_served(TestApp::spawn_with(Backend::Sqlite, china_and_asean).await)
            .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        japan_registers_once_served(TestApp::spawn_with(Backend::Postgres, china_and_asean).await)
            .await;
    }
}

db_test! {
    /// The default configuration serves the other RCEP members; turnover is grouped by the
    /// counterpart's partner group, and the groups sum to the whole.
    async fn turnover_by_partner_group_sums_to_the_total(app: TestApp) {
        let op = app.operator_token().await;
        let seller = app.org_in("university", "tto@gx.test", "450300", false).await;
        let hunan = app.org_in("enterprise", "buyer@hunan.test", "430100", false).await;
        let thai = app.asean_org("enterprise", "TH", "buyer@th.test").await;
        let japan = app.post("/api/v1/auth/signup", None, &foreign_signup("JP", "buyer@jp.test")).await;
        let japan = japan.assert_status(201)["organisation"]["id"].as_str().expect("id").to_owned();
        app.post("/api/v1/taxonomies/countries", Some(&op), &json!({"code": "IL", "partner_group": "belt_and_road", "name_zh": "以色列", "name_en": "Israel"}))
            .await.assert_status(201);
        let israel = app.post("/api/v1/auth/signup", None, &foreign_signup("IL", "buyer@il.test")).await;
        let israel = israel.assert_status(201)["organisation"]["id"].as_str().expect("id").to_owned();

        let amounts = [(&hunan.id, 1_000_000_i64), (&thai.id, 2_000_000), (&japan, 3_000_000), (&israel, 4_000_001)];
        for (buyer, amount) in amounts {
            let body = contract_body(&seller.id, buyer, days_ago(10), amount, amount);
            let key = uuid::Uuid::now_v7().to_string();
            let c = app.post_with_key("/api/v1/contracts", &seller.token, &key, &body).await;
            let id = c.assert_status(201)["id"].as_str().expect("id").to_owned();
            app.register_contract(&seller.token, &op, &id, Some(days_ago(2))).await;
        }
        app.run_jobs().await;

        let out = app.get("/api/v1/stats/partner-groups", Some(&op)).await;
        let out = out.assert_status(200).clone();
        let group = |code: &str| out["groups"].as_array().expect("groups").iter().find(|g| g["partner_group"] == code).expect("group").clone();
        assert_eq!(group("domestic")["output_cny_minor"], 1_000_000);
        assert_eq!(group("asean")["output_cny_minor"], 2_000_000);
        assert_eq!(group("asean")["countries"], json!(["TH"]));
        assert_eq!(group("rcep")["output_cny_minor"], 3_000_000);
        assert_eq!(group("rcep")["label_zh"], "其他RCEP成员");
        assert_eq!(group("belt_and_road")["output_cny_minor"], 4_000_001);
        assert_eq!(group("belt_and_road")["countries"], json!(["IL"]));
        assert_eq!(group("other")["output_contracts"], 0);
        let sum: i64 = out["groups"].as_array().expect("groups").iter().map(|g| g["output_cny_minor"].as_i64().expect("amount")).sum();
        assert_eq!(sum, out["total_output_cny_minor"].as_i64().expect("total"));
        assert_eq!(sum, 10_000_001, "to the fen");
        assert_eq!(out["withheld"], false);
        // The public sees no single contract's amount: every cell here sums one contract.
        let public = app.get("/api/v1/stats/partner-groups", None).await;
        let public = public.assert_status(200);
        assert_eq!(public["withheld"], true);
        assert!(public["groups"].as_array().expect("groups").iter().all(|g| g["output_cny_minor"] == 0));
        app.get("/api/v1/stats/partner-groups?basis=sideways", None).await.assert_problem(400, "bad_request");
    }
}

db_test! {
    /// An agency without consent cannot post for a client; with consent it posts and edits,
    /// the client owns the listing and both are shown; after withdrawal it is refused again
    /// and the listing stays the client's.
    async fn an_agency_posts_for_a_client_only_with_its_standing_consent(app: TestApp) {
        let (client, client_id) = app.sign_up("enterprise", "admin@client.test").await;
        let (agency, agency_id) = app.sign_up("broker_agency", "agent@agency.test").await;
        let (stranger, stranger_id) = app.sign_up("broker_agency", "agent@other.test").await;
        let (_, other_enterprise) = app.sign_up("enterprise", "admin@other.test").await;
        let needs_of_client = || async {
            app.get("/api/v1/needs?mine=true", Some(&client)).await.assert_status(200)["total"].as_i64().expect("total")
        };

        // No consent: refused, nothing created.
        let path = format!("/api/v1/needs?for_client={client_id}");
        app.post(&path, Some(&agency), &need_body()).await.assert_problem(403, "forbidden");
        assert_eq!(needs_of_client().await, 0);
        assert_eq!(needs::Entity::find().count(&app.db).await.expect("count"), 0);
        app.post("/api/v1/needs?for_client=not-a-uuid", Some(&agency), &need_body()).await.assert_problem(400, "bad_request");
        app.post(&format!("/api/v1/needs?for_client={client_id}&as=admin"), Some(&agency), &need_body()).await.assert_problem(400, "bad_request");

        // Who may grant: the client's admin only; to a broker agency only.
        let consents = format!("/api/v1/orgs/{client_id}/agency-consents");
        let grant = json!({"agency_organisation_id": agency_id, "scope": "needs"});
        app.post(&consents, None, &grant).await.assert_problem(401, "unauthorized");
        app.post(&consents, Some(&agency), &grant).await.assert_problem(403, "forbidden");
        app.post(&consents, Some(&client), &json!({"agency_organisation_id": other_enterprise, "scope": "needs"}))
            .await.assert_problem(422, "validation_failed");
        app.post(&consents, Some(&client), &json!({"agency_organisation_id": client_id, "scope": "needs"}))
            .await.assert_problem(422, "validation_failed");
        app.post(&consents, Some(&client), &json!({"agency_organisation_id": agency_id, "scope": "everything"}))
            .await.assert_problem(422, "validation_failed");
        let huge = "x".repeat(app.state.config.server.body_limit_bytes + 10);
        app.post(&consents, Some(&client), &json!({"agency_organisation_id": agency_id, "scope": "needs", "pad": huge}))
            .await.assert_problem(413, "payload_too_large");
        assert_eq!(agency_consents::Entity::find().count(&app.db).await.expect("count"), 0, "nothing recorded");

        // The same grant twice at once: one consent.
        let (a, b) = tokio::join!(app.post(&consents, Some(&client), &grant), app.post(&consents, Some(&client), &grant));
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409], "{} / {}", a.text, b.text);
        let consent = if a.status.as_u16() == 201 { a.body.clone() } else { b.body.clone() };
        assert_eq!(consent["active"], true);
        assert_eq!(consent["client_organisation_id"], client_id.as_str());
        assert_eq!(agency_consents::Entity::find().count(&app.db).await.expect("count"), 1);
        let consent_id = consent["id"].as_str().expect("id").to_owned();
        // Both sides see it; a stranger does not.
        let seen = app.get(&format!("/api/v1/orgs/{agency_id}/agency-consents"), Some(&agency)).await;
        assert_eq!(seen.assert_status(200)[0]["id"], consent_id.as_str());
        app.get(&consents, Some(&stranger)).await.assert_problem(404, "not_found");

        // With consent: the need is the client's, posted by the agency.
        let created = app.post(&path, Some(&agency), &need_body()).await;
        let created = created.assert_status(201).clone();
        assert_eq!(created["organisation_id"], client_id.as_str());
        assert_eq!(created["posted_by_organisation_id"], agency_id.as_str());
        let need = created["id"].as_str().expect("id").to_owned();
        assert_eq!(needs_of_client().await, 1);
        // The scope is needs: no achievements for the client.
        app.post(&format!("/api/v1/achievements?for_client={client_id}"), Some(&agency), &achievement_body())
            .await.assert_problem(403, "forbidden");
        // Another agency, without consent, cannot post for the client nor see the draft.
        app.post(&path, Some(&stranger), &need_body()).await.assert_problem(403, "forbidden");
        let need_path = format!("/api/v1/needs/{need}");
        app.request(Method::PATCH, &need_path, Some(&stranger), Some(&json!({"version": 1, "title": "别人的修改示例标题"})))
            .await.assert_problem(404, "not_found");
        // The agency edits what it posted.
        let edited = app.request(Method::PATCH, &need_path, Some(&agency), Some(&json!({"version": 1, "title": "经纪机构代为修改的需求标题"}))).await;
        assert_eq!(edited.assert_status(200)["version"], 2);

        // The client withdraws; withdrawing again is a 409; a stranger cannot withdraw.
        let withdraw = format!("{consents}/{consent_id}/withdraw");
        app.post(&withdraw, Some(&agency), &json!({})).await.assert_problem(403, "forbidden");
        let done = app.post(&withdraw, Some(&client), &json!({})).await;
        assert_eq!(done.assert_status(200)["active"], false);
        app.post(&withdraw, Some(&client), &json!({})).await.assert_problem(409, "consent_not_active");
        let _ = stranger_id;

        // Refused again: no new listing, no edit; the need stays the client's.
        app.post(&path, Some(&agency), &need_body()).await.assert_problem(403, "forbidden");
        app.request(Method::PATCH, &need_path, Some(&agency), Some(&json!({"version": 2, "title": "撤回后的修改示例标题"})))
            .await.assert_problem(403, "forbidden");
        assert_eq!(needs_of_client().await, 1);
        let kept = app.get(&need_path, Some(&client)).await;
        let kept = kept.assert_status(200);
        assert_eq!(kept["organisation_id"], client_id.as_str());
        assert_eq!(kept["title"], "经纪机构代为修改的需求标题");
        // The client still edits its own listing.
        app.request(Method::PATCH, &need_path, Some(&client), Some(&json!({"version": 2, "title": "客户自己修改的需求标题"})))
            .await.assert_status(200);

        // Granted again after the withdrawal: the same consent row, active.
        let again = app.post(&consents, Some(&client), &json!({"agency_organisation_id": agency_id, "scope": "all"})).await;
        let again = again.assert_status(201);
        assert_eq!(again["id"], consent_id.as_str());
        assert_eq!(again["scope"], "all");
        app.post(&format!("/api/v1/achievements?for_client={client_id}"), Some(&agency), &achievement_body())
            .await.assert_status(201);
    }
}

db_test! {
    /// Operators record courses, classes, attendance and certificates; the directory shows a
    /// broker's hours and certificates, and "brokers trained" counts certificate holders, not
    /// verified profiles.
    async fn brokers_trained_counts_certificate_holders(app: TestApp) {
        let op = app.operator_token().await;
        let trained = app.verified_broker("trained@agency.test", "示例经纪人甲", &op).await;
        let untrained = app.verified_broker("untrained@agency.test", "示例经纪人乙", &op).await;
        let kpis = app.get("/api/v1/stats/kpis", None).await;
        let kpis = kpis.assert_status(200).clone();
        assert_eq!(kpis["brokers_verified"], 2);
        assert_eq!(kpis["brokers_trained"], 0, "verified is not trained");

        let course = json!({"title": "技术经理人中级培训（示例）", "provider": "示例培训机构", "hours": 48});
        app.post("/api/v1/brokers/training/courses", None, &course).await.assert_problem(401, "unauthorized");
        app.post("/api/v1/brokers/training/courses", Some(&trained.token), &course).await.assert_problem(403, "forbidden");
        app.post("/api/v1/brokers/training/courses", Some(&op), &json!({"title": "x", "provider": "y", "hours": 0}))
            .await.assert_problem(422, "validation_failed");
        let huge = "课".repeat(app.state.config.server.body_limit_bytes / 3 + 10);
        app.post("/api/v1/brokers/training/courses", Some(&op), &json!({"title": huge, "provider": "y", "hours": 8}))
            .await.assert_problem(413, "payload_too_large");
        app.client_request(Method::POST, "/api/v1/brokers/training/courses", &op, "application/json", b"{\"title\":".to_vec())
            .await.assert_problem(400, "bad_request");
        app.post("/api/v1/brokers/training/courses", Some(&op), &json!({"title": "x", "provider": "y", "hours": 8, "approved": true}))
            .await.assert_problem(422, "validation_failed");
        assert!(app.get("/api/v1/brokers/training/courses", None).await.assert_status(200).as_array().expect("courses").is_empty(), "nothing stored");
        let course = app.post("/api/v1/brokers/training/courses", Some(&op), &course).await;
        let course_id = course.assert_status(201)["id"].as_str().expect("id").to_owned();
        let classes = format!("/api/v1/brokers/training/courses/{course_id}/classes");
        app.post(&classes, Some(&op), &json!({"starts_on": "2026-05-10", "ends_on": "2026-05-01", "place": "南宁"}))
            .await.assert_problem(422, "validation_failed");
        app.post(&format!("/api/v1/brokers/training/courses/{}/classes", uuid::Uuid::now_v7()), Some(&op), &json!({"starts_on": "2026-05-01", "ends_on": "2026-05-06", "place": "南宁"}))
            .await.assert_problem(404, "not_found");
        let class = app.post(&classes, Some(&op), &json!({"starts_on": "2026-05-01", "ends_on": "2026-05-06", "place": "南宁"})).await;
        let class_id = class.assert_status(201)["id"].as_str().expect("id").to_owned();
        assert_eq!(app.get(&classes, None).await.assert_status(200).as_array().expect("classes").len(), 1);

        let attendance = format!("/api/v1/brokers/training/classes/{class_id}/attendance");
        app.post(&attendance, Some(&trained.token), &json!({"broker_id": trained.id, "hours": 40}))
            .await.assert_problem(403, "forbidden");
        app.post(&attendance, Some(&op), &json!({"broker_id": trained.id, "hours": 49}))
            .await.assert_problem(422, "validation_failed");
        // The same attendance twice at once: recorded once.
        let body = json!({"broker_id": trained.id, "hours": 40});
        let (a, b) = tokio::join!(app.post(&attendance, Some(&op), &body), app.post(&attendance, Some(&op), &body));
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409], "{} / {}", a.text, b.text);

        let certs = format!("/api/v1/brokers/{}/certificates", trained.id);
        let cert = json!({"number": "GX-JSJLR-2026-0001", "issued_on": "2026-05-06", "issuer": "广西技术市场管理办公室（示例）", "course_id": course_id});
        app.post(&certs, None, &cert).await.assert_problem(401, "unauthorized");
        app.post(&certs, Some(&untrained.token), &cert).await.assert_problem(403, "forbidden");
        app.post(&certs, Some(&op), &json!({"number": "", "issued_on": "2026-05-06", "issuer": "x"}))
            .await.assert_problem(422, "validation_failed");
        app.post(&certs, Some(&op), &json!({"number": "GX-1", "issued_on": "2999-01-01", "issuer": "x"}))
            .await.assert_problem(422, "validation_failed");
        app.post(&certs, Some(&op), &cert).await.assert_status(201);
        // The same number for another broker: 409.
        app.post(&format!("/api/v1/brokers/{}/certificates", untrained.id), Some(&op), &cert)
            .await.assert_problem(409, "certificate_number_taken");

        let record = app.get(&format!("/api/v1/brokers/{}/training", trained.id), None).await;
        let record = record.assert_status(200);
        assert_eq!(record["hours_total"], 40);
        assert_eq!(record["certificates"][0]["number"], "GX-JSJLR-2026-0001");
        app.get(&format!("/api/v1/brokers/{}/training", uuid::Uuid::now_v7()), None).await.assert_problem(404, "not_found");
        let directory = app.get("/api/v1/brokers", None).await;
        let directory = directory.assert_status(200);
        let row = directory["items"].as_array().expect("items").iter().find(|b| b["id"] == trained.id.as_str()).expect("listed");
        assert_eq!(row["training_hours"], 40);
        assert_eq!(row["certificates"][0]["issuer"], "广西技术市场管理办公室（示例）");

        let kpis = app.get("/api/v1/stats/kpis", None).await;
        assert_eq!(kpis.assert_status(200)["brokers_trained"], 1);
        // The indicator against its target reads the same count.
        app.post("/api/v1/targets", Some(&op), &json!({"year": 2026, "indicator": "brokers_trained", "target_value": 1500, "source": "test plan 2026"}))
            .await.assert_status(201);
        let targets = app.get("/api/v1/stats/targets?year=2026", None).await;
        let targets = targets.assert_status(200);
        let ind = targets["indicators"].as_array().expect("indicators").iter().find(|i| i["indicator"] == "brokers_trained").expect("indicator");
        assert_eq!(ind["actual"], 1);
        // The certificate was issued in 2026: the 2025 target (seeded) counted none by then.
        let y2025 = app.get("/api/v1/stats/targets?year=2025", None).await;
        let y2025 = y2025.assert_status(200);
        let ind = y2025["indicators"].as_array().expect("indicators").iter().find(|i| i["indicator"] == "brokers_trained").expect("seeded");
        assert_eq!(ind["actual"], 0);
    }
}

db_test! {
    /// A city sub-market: the operators of a city's registration office read that city's
    /// statistics, drill-down included, and are refused another city's; the provincial
    /// operator still reads the whole region.
    async fn a_city_office_reads_its_own_city_statistics_only(app: TestApp) {
        let op = app.operator_token().await;
        let liuzhou = app.org_in("enterprise", "seller@liuzhou.test", "450203", false).await;
        let nanning = app.org_in("university", "seller@nanning.test", "450103", false).await;
        let buyer = app.org_in("enterprise", "buyer@hunan.test", "430100", false).await;
        for (seller, amount) in [(&liuzhou, 7_000_000_i64), (&nanning, 5_000_000)] {
            let body = contract_body(&seller.id, &buyer.id, days_ago(10), amount, amount);
            let key = uuid::Uuid::now_v7().to_string();
            let c = app.post_with_key("/api/v1/contracts", &seller.token, &key, &body).await;
            let id = c.assert_status(201)["id"].as_str().expect("id").to_owned();
            app.register_contract(&seller.token, &op, &id, Some(days_ago(2))).await;
        }
        app.run_jobs().await;

        // Liuzhou's office, with a clerk on no organisation's staff but the office's.
        let office = app.post("/api/v1/offices", Some(&op), &json!({"code": "450200", "name": "柳州市技术合同登记点（示例）", "kind": "city", "region_code": "450200"})).await;
        let office = office.assert_status(201)["id"].as_str().expect("office").to_owned();
        let (clerk, _) = app.sign_up("government", "clerk@liuzhou.test").await;
        let clerk_id = app.get("/api/v1/me", Some(&clerk)).await.assert_status(200)["user_id"].as_str().expect("user").to_owned();
        app.post(&format!("/api/v1/offices/{office}/operators"), Some(&op), &json!({"user_id": clerk_id})).await.assert_status(201);

        // The clerk reads Liuzhou's figures as an operator does, and no other city's.
        let mine = app.get("/api/v1/stats/turnover?group_by=", Some(&clerk)).await;
        let mine = mine.assert_status(200);
        assert_eq!(mine["total_amount_cny_minor"], 7_000_000, "Liuzhou's only, unwithheld: {mine}");
        assert_eq!(mine["total_contract_count"], 1);
        let named = app.get("/api/v1/stats/turnover?group_by=&city=450200", Some(&clerk)).await;
        assert_eq!(named.assert_status(200)["total_amount_cny_minor"], 7_000_000);
        app.get("/api/v1/stats/turnover?city=450100", Some(&clerk)).await.assert_problem(403, "forbidden");
        let drill = app.get("/api/v1/stats/turnover/contracts", Some(&clerk)).await;
        let drill = drill.assert_status(200);
        assert_eq!(drill["total_contract_count"], 1);
        assert_eq!(drill["total_amount_cny_minor"], 7_000_000);
        app.get("/api/v1/stats/turnover/contracts?city=450100", Some(&clerk)).await.assert_problem(403, "forbidden");
        app.get("/api/v1/stats/turnover/export?format=csv&city=450100", Some(&clerk)).await.assert_problem(403, "forbidden");
        let groups = app.get("/api/v1/stats/partner-groups", Some(&clerk)).await;
        let groups = groups.assert_status(200);
        assert_eq!(groups["total_output_cny_minor"], 7_000_000);
        app.get("/api/v1/stats/asean?city=450100", Some(&clerk)).await.assert_problem(403, "forbidden");

        // The provincial operator reads both cities; a member of an organisation no drill-down.
        let all = app.get("/api/v1/stats/turnover?group_by=", Some(&op)).await;
        assert_eq!(all.assert_status(200)["total_amount_cny_minor"], 12_000_000);
        app.get("/api/v1/stats/turnover/contracts", Some(&buyer.token)).await.assert_problem(403, "forbidden");
        app.get("/api/v1/stats/turnover/contracts", None).await.assert_problem(401, "unauthorized");
    }
}
