//! The deal service through HTTP on both databases: from an inquiry or a match to a registered
//! contract in the turnover, attribution through reassignment, cross-border money exact to the
//! fen, what counts in official turnover, idempotent creation under concurrency, who sees what,
//! publicity before signing, and bad input.

use integration_tests::db_test;
use integration_tests::deals::{contract_body, days_ago};
use integration_tests::listings::need_body;
use platform::entity::{contracts, deals, turnover_rollups};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

/// Moves a deal through `stages`, returning the last body.
async fn advance(
    app: &integration_tests::TestApp,
    token: &str,
    deal: &Value,
    stages: &[&str],
) -> Value {
    let id = deal["id"].as_str().expect("deal id");
    let mut version = deal["version"].as_i64().expect("version");
    let mut last = deal.clone();
    for stage in stages {
        let res = app
            .post(
                &format!("/api/v1/deals/{id}/stage"),
                Some(token),
                &json!({"version": version, "stage": stage}),
            )
            .await;
        last = res.assert_status(200).clone();
        assert_eq!(last["stage"], *stage);
        version = last["version"].as_i64().expect("version");
    }
    last
}

/// Every grouping and basis answered from the rollups equals the raw sums, to the fen.
async fn assert_rollups_match_raw(app: &integration_tests::TestApp) {
    for basis in ["output", "absorption"] {
        for amount in ["contract", "technology"] {
            for group in [
                "year",
                "month",
                "city",
                "contract_type",
                "industry",
                "country",
                "city,month",
                "",
            ] {
                let q = format!("basis={basis}&amount={amount}&group_by={group}");
                let rollup = app.turnover(&q).await;
                let raw = app.turnover(&format!("{q}&source=raw")).await;
                assert_eq!(rollup["rows"], raw["rows"], "rollup and raw differ for {q}");
                assert_eq!(
                    rollup["total_amount_cny_minor"], raw["total_amount_cny_minor"],
                    "{q}"
                );
                assert_eq!(
                    rollup["total_contract_count"], raw["total_contract_count"],
                    "{q}"
                );
            }
        }
    }
}

db_test! {
    async fn an_inquiry_becomes_a_registered_contract_that_counts_in_turnover(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450203", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450100", false).await;
        let broker = app.verified_broker("huang@agency.test", "黄经理", &op).await;
        let achievement = app.published_achievement(&uni.token, &op).await;

        let deal = app.open_inquiry(&ent.token, &achievement, json!({"broker_id": broker.id, "note": "企业希望许可使用"})).await;
        assert_eq!(deal["origin"], "inquiry");
        assert_eq!(deal["mode"], "negotiated");
        assert_eq!(deal["seller_organisation_id"], uni.id.as_str());
        assert_eq!(deal["buyer_organisation_id"], ent.id.as_str());
        assert_eq!(deal["attributions"][0]["role"], "introducer");
        assert_eq!(deal["publicity"]["required"], false, "not state-funded");
        let deal = advance(&app, &broker.token, &deal, &["contacted", "nda", "negotiating", "agreed"]).await;
        let deal_id = deal["id"].as_str().expect("id").to_owned();

        // The broker records the contract of the deal: parties and listing come from the deal.
        let mut body = contract_body(&uni.id, &ent.id, days_ago(3), 80_000_000, 60_000_000);
        body["deal_id"] = json!(deal_id);
        body.as_object_mut().expect("object").remove("seller_organisation_id");
        body.as_object_mut().expect("object").remove("buyer_organisation_id");
        let created = app.post_with_key("/api/v1/contracts", &broker.token, "flow-1", &body).await;
        let contract = created.assert_status(201).clone();
        let contract_id = contract["id"].as_str().expect("contract id").to_owned();
        assert_eq!(contract["achievement_id"], achievement.as_str());
        assert_eq!(contract["amounts"]["contract_amount_cny_minor"], 80_000_000);
        assert_eq!(contract["brokers"][0]["broker_id"], broker.id.as_str());
        let deal_now = app.get(&format!("/api/v1/deals/{deal_id}"), Some(&ent.token)).await;
        assert_eq!(deal_now.assert_status(200)["stage"], "signed");

        // Not registered yet: nothing counts.
        app.run_jobs().await;
        assert_eq!(app.turnover("group_by=").await["total_amount_cny_minor"], 0);

        let reg = app.register_contract(&ent.token, &op, &contract_id, None).await;
        assert_eq!(reg["status"], "registered");
        let number = reg["registration_number"].as_str().expect("number");
        assert_eq!(number.len(), 16, "default format {{year}}450000{{seq:06}}: {number}");
        assert!(number.ends_with("000001"), "{number}");
        let deal_now = app.get(&format!("/api/v1/deals/{deal_id}"), Some(&ent.token)).await;
        assert_eq!(deal_now.assert_status(200)["stage"], "registered");

        app.run_jobs().await;
        let by_city = app.turnover("basis=output&group_by=city").await;
        assert_eq!(by_city["rows"].as_array().expect("rows").len(), 1, "{by_city}");
        assert_eq!(by_city["rows"][0]["keys"]["city"], "450200", "a county code rolls up to its city");
        assert_eq!(by_city["rows"][0]["labels"]["city"], "柳州");
        assert_eq!(by_city["rows"][0]["amount_cny_minor"], 80_000_000);
        let tech = app.turnover("basis=output&amount=technology&group_by=contract_type").await;
        assert_eq!(tech["rows"][0]["keys"]["contract_type"], "licence");
        assert_eq!(tech["rows"][0]["amount_cny_minor"], 60_000_000);
        // The buyer is in Guangxi too: the contract counts in absorption, in Nanning.
        let absorbed = app.turnover("basis=absorption&group_by=city").await;
        assert_eq!(absorbed["rows"][0]["keys"]["city"], "450100");

        // The figure drills down to the contract (operators).
        let drill = app.get("/api/v1/stats/turnover/contracts?basis=output&city=450200", Some(&op)).await;
        let drill = drill.assert_status(200);
        assert_eq!(drill["total_amount_cny_minor"], 80_000_000);
        assert_eq!(drill["contracts"]["items"][0]["contract_id"], contract_id.as_str());
        assert_eq!(drill["contracts"]["items"][0]["registration_number"], number);
        app.get("/api/v1/stats/turnover/contracts?city=450200", Some(&ent.token)).await.assert_problem(403, "forbidden");

        // The broker's record.
        let perf = app.get("/api/v1/stats/brokers", None).await;
        let perf = perf.assert_status(200);
        let mine = perf["items"].as_array().expect("items").iter().find(|b| b["broker_id"] == broker.id.as_str()).expect("broker listed");
        assert_eq!(mine["deals_closed"], 1);
        assert_eq!(mine["contracts_registered"], 1);
        assert_eq!(mine["registered_turnover_cny_minor"], 80_000_000);
        assert!(mine["median_days_to_contract"].is_i64());

        let kpis = app.get("/api/v1/stats/kpis", None).await;
        assert_eq!(kpis.assert_status(200)["registered_output_cny_minor"], 80_000_000);

        // Exports carry the same figures.
        let csv = app.get("/api/v1/stats/turnover/export?group_by=city&format=csv", Some(&op)).await;
        assert_eq!(csv.status.as_u16(), 200);
        assert!(csv.content_type().starts_with("text/csv"));
        assert!(csv.text.contains("450200,柳州,1,800000.00,80000000"), "{}", csv.text);
        let xlsx = app.get("/api/v1/stats/turnover/export?group_by=city&format=xlsx", Some(&op)).await;
        assert_eq!(xlsx.status.as_u16(), 200);
        assert!(xlsx.content_type().contains("spreadsheetml"));

        // The timeline tells the story.
        let events = app.get(&format!("/api/v1/deals/{deal_id}/events?per_page=100"), Some(&broker.token)).await;
        let kinds: Vec<String> = events.assert_status(200)["items"].as_array().expect("items").iter().map(|e| e["kind"].as_str().unwrap_or("").to_owned()).collect();
        for kind in ["deal_opened", "broker_assigned", "stage_changed", "contract_signed", "contract_registered"] {
            assert!(kinds.contains(&kind.to_owned()), "{kind} missing from {kinds:?}");
        }
        assert_rollups_match_raw(&app).await;
    }
}

db_test! {
    async fn a_match_opens_a_deal_between_the_need_owner_and_the_achievement_owner(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450300", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450100", false).await;
        let broker = app.verified_broker("li@agency.test", "李经理", &op).await;
        let achievement = app.published_achievement(&uni.token, &op).await;
        let (need, _) = app.create_listing("needs", &ent.token, &need_body()).await;
        app.publish_listing("needs", &need, &ent.token, &op).await;
        app.run_jobs().await;
        let match_id = app.match_between(&need, &achievement).await;

        let res = app.post("/api/v1/deals", Some(&broker.token), &json!({"origin": "match", "match_id": match_id})).await;
        let deal = res.assert_status(201);
        assert_eq!(deal["match_id"], match_id.to_string());
        assert_eq!(deal["seller_organisation_id"], uni.id.as_str());
        assert_eq!(deal["buyer_organisation_id"], ent.id.as_str());
        assert_eq!(deal["need_id"], need.as_str());
        assert_eq!(deal["brokers"][0]["broker_id"], broker.id.as_str(), "the broker who opens is assigned");
        assert_eq!(deal["attributions"][0]["introduced_organisation_id"], ent.id.as_str());
        // A deal nobody asked for: to an unrelated enterprise the match does not exist.
        let stranger = app.org_in("enterprise", "x@other.test", "450100", false).await;
        app.post("/api/v1/deals", Some(&stranger.token), &json!({"origin": "match", "match_id": match_id}))
            .await
            .assert_problem(422, "validation_failed");
        app.post("/api/v1/deals", Some(&broker.token), &json!({"origin": "match", "match_id": uuid::Uuid::now_v7()}))
            .await
            .assert_problem(422, "validation_failed");
    }
}

db_test! {
    async fn attribution_survives_broker_reassignment_and_names_both_brokers_in_the_contract(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450100", false).await;
        let first = app.verified_broker("first@agency.test", "First broker", &op).await;
        let second = app.verified_broker("second@agency.test", "Second broker", &op).await;
        let achievement = app.published_achievement(&uni.token, &op).await;
        let res = app.post("/api/v1/deals", Some(&first.token), &json!({"origin": "inquiry", "achievement_id": achievement, "buyer_organisation_id": ent.id})).await;
        let deal = res.assert_status(201).clone();
        let id = deal["id"].as_str().expect("id").to_owned();

        // Reassign: the second broker joins as closer, the first leaves.
        let assigned = app.post(&format!("/api/v1/deals/{id}/brokers"), Some(&op), &json!({"broker_id": second.id, "role": "closer"})).await;
        assigned.assert_status(200);
        app.post(&format!("/api/v1/deals/{id}/brokers"), Some(&op), &json!({"broker_id": second.id}))
            .await
            .assert_problem(409, "broker_already_assigned");
        let removed = app.request(reqwest::Method::DELETE, &format!("/api/v1/deals/{id}/brokers/{}", first.id), Some(&op), None).await;
        let removed = removed.assert_status(200).clone();
        let current: Vec<&Value> = removed["brokers"].as_array().expect("brokers").iter().filter(|b| b["unassigned_at"].is_null()).collect();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0]["broker_id"], second.id.as_str());

        // The ledger still says who introduced whom.
        let ledger = app.get(&format!("/api/v1/deals/{id}/attributions"), Some(&second.token)).await;
        let ledger = ledger.assert_status(200).clone();
        assert_eq!(ledger["total"], 2);
        assert_eq!(ledger["items"][0]["broker_id"], first.id.as_str());
        assert_eq!(ledger["items"][0]["role"], "introducer");
        assert_eq!(ledger["items"][1]["broker_id"], second.id.as_str());
        assert_eq!(ledger["items"][1]["role"], "closer");

        // The first broker no longer sees the deal; the second does.
        app.get(&format!("/api/v1/deals/{id}"), Some(&first.token)).await.assert_problem(404, "not_found");
        let listed = app.get("/api/v1/deals", Some(&first.token)).await;
        assert_eq!(listed.assert_status(200)["total"], 0);

        let deal = app.get(&format!("/api/v1/deals/{id}"), Some(&second.token)).await.assert_status(200).clone();
        let deal = advance(&app, &second.token, &deal, &["negotiating", "agreed"]).await;
        let mut body = contract_body(&uni.id, &ent.id, days_ago(1), 5_000_000, 5_000_000);
        body["deal_id"] = deal["id"].clone();
        let contract = app.post_with_key("/api/v1/contracts", &second.token, "reassign-1", &body).await;
        let contract = contract.assert_status(201).clone();
        let named: Vec<(String, String)> = contract["brokers"]
            .as_array()
            .expect("brokers")
            .iter()
            .map(|b| (b["broker_id"].as_str().unwrap_or("").to_owned(), b["role"].as_str().unwrap_or("").to_owned()))
            .collect();
        assert!(named.contains(&(first.id.clone(), "introducer".to_owned())), "{named:?}");
        assert!(named.contains(&(second.id.clone(), "closer".to_owned())), "{named:?}");
        // Named on the contract, the first broker sees the contract (but not the deal).
        app.get(&format!("/api/v1/contracts/{}", contract["id"].as_str().expect("id")), Some(&first.token)).await.assert_status(200);
    }
}

db_test! {
    async fn a_thb_contract_converts_at_its_signing_date_rate_exact_to_the_fen(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450300", false).await;
        let thai = app.asean_org("enterprise", "TH", "buyer@thai.test").await;
        let signed = days_ago(20);
        app.fx_rate(&op, "THB", signed - chrono::Duration::days(1), "0.1999").await;
        app.fx_rate(&op, "THB", signed, "0.2016").await;
        app.fx_rate(&op, "THB", signed + chrono::Duration::days(1), "0.2100").await;
        let rates = app.get("/api/v1/fx-rates?currency=THB", None).await;
        assert_eq!(rates.assert_status(200)["total"], 3);
        // A second rate for the same currency and day is refused.
        app.post("/api/v1/fx-rates", Some(&op), &json!({"currency": "THB", "rate_date": signed, "cny_per_unit": "0.3", "source": "x source"}))
            .await
            .assert_problem(409, "fx_rate_exists");

        // 1,234,567.89 THB of which 1,000,000.01 THB is technology.
        let mut body = contract_body(&uni.id, &thai.id, signed, 123_456_789, 100_000_001);
        body["currency"] = json!("THB");
        let c = app.post_with_key("/api/v1/contracts", &uni.token, "thb-1", &body).await;
        let c = c.assert_status(201).clone();
        let a = &c["amounts"];
        assert_eq!(a["currency"], "THB");
        assert_eq!(a["fx_rate"], "0.2016");
        assert_eq!(a["fx_rate_date"], signed.to_string());
        // 1,234,567.89 × 0.2016 = 248,888.886624 CNY → 248,888.89; 1,000,000.01 × 0.2016 = 201,600.002016 → 201,600.00
        assert_eq!(a["contract_amount_cny_minor"], 24_888_889);
        assert_eq!(a["tech_amount_cny_minor"], 20_160_000);

        // Signed on a day without a rate: the latest earlier rate (within a week) applies.
        let later = signed + chrono::Duration::days(4);
        let mut body2 = contract_body(&uni.id, &thai.id, later, 1_000_001, 1_000_001);
        body2["currency"] = json!("THB");
        let c2 = app.post_with_key("/api/v1/contracts", &uni.token, "thb-2", &body2).await;
        let c2 = c2.assert_status(201).clone();
        assert_eq!(c2["amounts"]["fx_rate"], "0.21");
        // 10,000.01 × 0.21 = 2,100.0021 → 2,100.00
        assert_eq!(c2["amounts"]["contract_amount_cny_minor"], 210_000);
        // No rate within a week before the signing date: refused, naming the field.
        let mut body3 = contract_body(&uni.id, &thai.id, signed - chrono::Duration::days(15), 1_000, 1_000);
        body3["currency"] = json!("THB");
        let r = app.post("/api/v1/contracts", Some(&uni.token), &body3).await;
        assert_eq!(r.assert_problem(422, "validation_failed")["fields"][0]["path"], "signed_on");

        let on = days_ago(2);
        app.register_contract(&uni.token, &op, c["id"].as_str().expect("id"), Some(on)).await;
        app.register_contract(&uni.token, &op, c2["id"].as_str().expect("id"), Some(on)).await;
        app.run_jobs().await;
        let t = app.turnover("basis=output&group_by=country").await;
        assert_eq!(t["rows"][0]["keys"]["country"], "TH");
        assert_eq!(t["total_amount_cny_minor"], 24_888_889 + 210_000, "CNY totals are sums of the stored fen");
        let tech = app.turnover("basis=output&amount=technology&group_by=").await;
        assert_eq!(tech["total_amount_cny_minor"], 20_160_000 + 210_000);
        assert_rollups_match_raw(&app).await;
    }
}

db_test! {
    async fn a_guangxi_seller_with_a_vietnamese_buyer_counts_in_output_not_absorption(app: TestApp) {
        let op = app.operator_token().await;
        let seller = app.org_in("enterprise", "gx@seller.test", "450500", false).await;
        let vn = app.asean_org("enterprise", "VN", "buyer@vn.test").await;
        let signed = days_ago(5);
        app.fx_rate(&op, "VND", signed, "0.000285").await;
        let mut body = contract_body(&seller.id, &vn.id, signed, 1_000_000_000, 1_000_000_000);
        body["currency"] = json!("VND");
        body["contract_type"] = json!("service");
        body["subtype"] = json!("training");
        body.as_object_mut().expect("object").remove("licence_scope");
        let c = app.post_with_key("/api/v1/contracts", &seller.token, "vnd-1", &body).await;
        let c = c.assert_status(201).clone();
        assert_eq!(c["buyer_country"], "VN");
        assert_eq!(c["amounts"]["contract_amount_cny_minor"], 28_500_000, "1e9 VND × 0.000285 = 285,000.00 CNY");
        app.register_contract(&seller.token, &op, c["id"].as_str().expect("id"), None).await;
        app.run_jobs().await;

        let output = app.turnover("basis=output&group_by=country").await;
        assert_eq!(output["rows"][0]["keys"]["country"], "VN");
        assert_eq!(output["rows"][0]["labels"]["country"], "越南");
        assert_eq!(output["total_amount_cny_minor"], 28_500_000);
        let absorption = app.turnover("basis=absorption&group_by=country").await;
        assert_eq!(absorption["total_amount_cny_minor"], 0);
        assert!(absorption["rows"].as_array().expect("rows").is_empty());

        // The public does not see one contract's amount by country; operators do.
        let public = app.get("/api/v1/stats/asean", None).await;
        let public = public.assert_status(200);
        let vn_public = public["countries"].as_array().expect("countries").iter().find(|r| r["country"] == "VN").expect("VN");
        assert_eq!(vn_public["withheld"], true);
        assert_eq!(vn_public["output_cny_minor"], 0);
        assert_eq!(public["asean_output_cny_minor"], 0, "nor as the ASEAN sum");
        let asean = app.get("/api/v1/stats/asean", Some(&op)).await;
        let asean = asean.assert_status(200);
        let vn_row = asean["countries"].as_array().expect("countries").iter().find(|r| r["country"] == "VN").expect("VN");
        assert_eq!(vn_row["withheld"], false);
        assert_eq!(vn_row["output_cny_minor"], 28_500_000);
        assert_eq!(vn_row["output_share_percent"], "100.00");
        assert_eq!(vn_row["absorption_cny_minor"], 0);
        assert_eq!(asean["asean_share_of_output_percent"], "100.00");
        assert_eq!(asean["countries"].as_array().expect("countries").len(), 11, "eleven ASEAN members");
    }
}

db_test! {
    async fn rejected_unregistered_and_cancelled_contracts_do_not_count(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450900", false).await;
        let mut ids = Vec::new();
        for (i, amount) in [100_000_i64, 200_000, 400_000, 800_000, 1_600_000].into_iter().enumerate() {
            let c = app.post_with_key("/api/v1/contracts", &uni.token, &format!("count-{i}"), &contract_body(&uni.id, &ent.id, days_ago(10), amount, amount)).await;
            ids.push((c.assert_status(201)["id"].as_str().expect("id").to_owned(), c.body["version"].as_i64().expect("version")));
        }
        // 0: registered — counts.
        app.register_contract(&uni.token, &op, &ids[0].0, None).await;
        // 1: submitted only.
        app.post("/api/v1/registrations", Some(&uni.token), &json!({"contract_id": ids[1].0})).await.assert_status(201);
        // 2: rejected (a reason is required).
        let sub = app.post("/api/v1/registrations", Some(&uni.token), &json!({"contract_id": ids[2].0})).await;
        let reg2 = sub.assert_status(201)["id"].as_str().expect("id").to_owned();
        app.post(&format!("/api/v1/registrations/{reg2}/decision"), Some(&op), &json!({"version": 1, "decision": "reject"}))
            .await
            .assert_problem(422, "validation_failed");
        app.post(&format!("/api/v1/registrations/{reg2}/decision"), Some(&uni.token), &json!({"version": 1, "decision": "register"}))
            .await
            .assert_problem(403, "forbidden");
        let rej = app.post(&format!("/api/v1/registrations/{reg2}/decision"), Some(&op), &json!({"version": 1, "decision": "reject", "reason": "非技术合同"})).await;
        assert_eq!(rej.assert_status(200)["status"], "rejected");
        // 3: registered, then cancelled (注销).
        let reg3 = app.register_contract(&uni.token, &op, &ids[3].0, None).await;
        app.run_jobs().await;
        assert_eq!(app.turnover("group_by=").await["total_amount_cny_minor"], 100_000 + 800_000);
        let reg3_id = reg3["id"].as_str().expect("id");
        app.post(&format!("/api/v1/registrations/{reg3_id}/cancel"), Some(&op), &json!({"version": 1, "reason": "stale"}))
            .await
            .assert_problem(409, "stale_version");
        let cancelled = app.post(&format!("/api/v1/registrations/{reg3_id}/cancel"), Some(&op), &json!({"version": reg3["version"], "reason": "合同解除"})).await;
        assert_eq!(cancelled.assert_status(200)["status"], "cancelled");
        // 4: the contract itself cancelled before registration.
        let c4 = app.post(&format!("/api/v1/contracts/{}/cancel", ids[4].0), Some(&uni.token), &json!({"version": ids[4].1, "reason": "双方协商解除"})).await;
        assert_eq!(c4.assert_status(200)["status"], "cancelled");
        app.post("/api/v1/registrations", Some(&uni.token), &json!({"contract_id": ids[4].0})).await.assert_problem(409, "contract_cancelled");
        // A contract with an active registration cannot simply be cancelled.
        app.post(&format!("/api/v1/contracts/{}/cancel", ids[0].0), Some(&uni.token), &json!({"version": ids[0].1, "reason": "x y"}))
            .await
            .assert_problem(409, "registration_active");

        let outcomes = app.run_jobs().await;
        assert!(!outcomes.is_empty(), "the statistics queue ran");
        let total = app.turnover("group_by=").await;
        assert_eq!(total["total_amount_cny_minor"], 100_000, "only the registered contract counts");
        assert_eq!(total["total_contract_count"], 1);
        let targets = app.get("/api/v1/stats/kpis", None).await;
        assert_eq!(targets.assert_status(200)["contracts_registered"], 1);

        // A change (变更) of the registered contract's amounts reaches the figures.
        let reg0 = app.get(&format!("/api/v1/registrations?contract_id={}", ids[0].0), Some(&op)).await;
        let reg0 = reg0.assert_status(200)["items"][0].clone();
        let changed = app
            .post(
                &format!("/api/v1/registrations/{}/change", reg0["id"].as_str().expect("id")),
                Some(&op),
                &json!({"version": reg0["version"], "note": "补充协议增加设备款", "amounts": {"contract_amount_minor": 150_000, "tech_amount_minor": 100_000, "cost_lines": [{"kind": "equipment", "description": "设备", "amount_minor": 50_000}]}}),
            )
            .await;
        changed.assert_status(200);
        let history = app.get(&format!("/api/v1/registrations/{}/history", reg0["id"].as_str().expect("id")), Some(&uni.token)).await;
        let actions: Vec<String> = history.assert_status(200)["items"].as_array().expect("items").iter().map(|h| h["action"].as_str().unwrap_or("").to_owned()).collect();
        assert_eq!(actions, ["registration.submit", "registration.decide", "registration.change"]);
        assert_eq!(history.body["items"][2]["note"], "补充协议增加设备款");
        app.run_jobs().await;
        assert_eq!(app.turnover("group_by=").await["total_amount_cny_minor"], 150_000);
        assert_eq!(app.turnover("group_by=&amount=technology").await["total_amount_cny_minor"], 100_000);
        assert_rollups_match_raw(&app).await;

        // Rollups are derived data: dropping them and rebuilding gives the same rows.
        let before = app.turnover("group_by=city,month,contract_type").await;
        turnover_rollups::Entity::delete_many().exec(&app.db).await.expect("clear");
        deal::domain::stats::rebuild_all(&app.db).await.expect("rebuild");
        assert_eq!(app.turnover("group_by=city,month,contract_type").await["rows"], before["rows"]);
    }
}

db_test! {
    async fn twenty_concurrent_posts_with_one_key_create_one_contract(app: TestApp) {
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450100", false).await;
        let body = contract_body(&uni.id, &ent.id, days_ago(1), 9_999_999, 9_000_000);
        let number = body["contract_number"].as_str().expect("number").to_owned();
        let mut handles = Vec::new();
        for _ in 0..20 {
            let url = format!("{}/api/v1/contracts", app.base_url);
            let token = uni.token.clone();
            let body = body.clone();
            handles.push(tokio::spawn(async move {
                let res = reqwest::Client::new()
                    .post(url)
                    .bearer_auth(token)
                    .header("Idempotency-Key", "same-key-20")
                    .json(&body)
                    .send()
                    .await
                    .expect("request");
                let status = res.status().as_u16();
                let replayed = res.headers().get("idempotent-replayed").is_some();
                let json: Value = res.json().await.expect("json");
                (status, replayed, json)
            }));
        }
        let mut ids = std::collections::HashSet::new();
        let mut fresh = 0;
        for h in handles {
            let (status, replayed, json) = h.await.expect("task");
            assert_eq!(status, 201, "{json}");
            if !replayed {
                fresh += 1;
            }
            ids.insert(json["id"].as_str().expect("id").to_owned());
        }
        assert_eq!(ids.len(), 1, "every response names the same contract");
        assert_eq!(fresh, 1, "one request did the work, the others replayed it");
        let stored = contracts::Entity::find().filter(contracts::Column::ContractNumber.eq(number.as_str())).count(&app.db).await.expect("count");
        assert_eq!(stored, 1);

        // Same key, different body: refused.
        let mut other = body.clone();
        other["contract_amount_minor"] = json!(10_000_000);
        other["cost_lines"] = json!([{"kind": "equipment", "description": "设备", "amount_minor": 1_000_000}]);
        let r = app.post_with_key("/api/v1/contracts", &uni.token, "same-key-20", &other).await;
        assert_eq!(r.assert_problem(422, "validation_failed")["fields"][0]["path"], "Idempotency-Key");
        // Without a key, a second POST of the same number is a conflict, never a duplicate.
        app.post("/api/v1/contracts", Some(&uni.token), &body).await.assert_problem(409, "contract_number_taken");

        // Payments are idempotent too.
        let contract = ids.into_iter().next().expect("id");
        let pay = json!({"contract_id": contract, "amount_minor": 3_000_000, "due_on": days_ago(0)});
        let p1 = app.post_with_key("/api/v1/payments", &ent.token, "pay-1", &pay).await;
        let p2 = app.post_with_key("/api/v1/payments", &ent.token, "pay-1", &pay).await;
        assert_eq!(p1.assert_status(201)["id"], p2.assert_status(201)["id"]);
        assert!(p2.headers.get("idempotent-replayed").is_some());
        let list = app.get(&format!("/api/v1/payments?contract_id={contract}"), Some(&uni.token)).await;
        assert_eq!(list.assert_status(200)["total"], 1);
        let too_much = json!({"contract_id": contract, "amount_minor": 7_000_000});
        app.post_with_key("/api/v1/payments", &ent.token, "pay-2", &too_much).await.assert_problem(409, "payments_exceed_contract");
        let paid = app.post(&format!("/api/v1/payments/{}/paid", p1.body["id"].as_str().expect("id")), Some(&ent.token), &json!({"version": 1, "paid_on": days_ago(0), "reference": "BANK-1"})).await;
        assert_eq!(paid.assert_status(200)["status"], "paid");
    }
}

db_test! {
    async fn brokers_see_their_deals_organisations_theirs_and_operators_everything(app: TestApp) {
        let op = app.operator_token().await;
        let uni_a = app.org_in("university", "a@uni.test", "450100", false).await;
        let ent_a = app.org_in("enterprise", "a@ent.test", "450100", false).await;
        let uni_b = app.org_in("university", "b@uni.test", "450200", false).await;
        let ent_b = app.org_in("enterprise", "b@ent.test", "450200", false).await;
        let broker_a = app.verified_broker("a@agency.test", "Broker A", &op).await;
        let broker_b = app.verified_broker("b@agency.test", "Broker B", &op).await;
        let ach_a = app.published_achievement(&uni_a.token, &op).await;
        let ach_b = app.published_achievement(&uni_b.token, &op).await;
        let deal_a = app.open_inquiry(&ent_a.token, &ach_a, json!({"broker_id": broker_a.id})).await;
        let deal_b = app.open_inquiry(&ent_b.token, &ach_b, json!({"broker_id": broker_b.id})).await;
        let (a, b) = (deal_a["id"].as_str().expect("id"), deal_b["id"].as_str().expect("id"));

        let ids = |v: &Value| -> Vec<String> { v["items"].as_array().expect("items").iter().map(|d| d["id"].as_str().unwrap_or("").to_owned()).collect() };
        let seen = app.get("/api/v1/deals", Some(&broker_a.token)).await;
        assert_eq!(ids(seen.assert_status(200)), vec![a.to_owned()]);
        let seen = app.get("/api/v1/deals", Some(&uni_b.token)).await;
        assert_eq!(ids(seen.assert_status(200)), vec![b.to_owned()]);
        let seen = app.get("/api/v1/deals?per_page=100", Some(&op)).await;
        let all = ids(seen.assert_status(200));
        assert!(all.contains(&a.to_owned()) && all.contains(&b.to_owned()));
        app.get(&format!("/api/v1/deals/{b}"), Some(&broker_a.token)).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/deals/{a}"), Some(&ent_b.token)).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/deals/{a}/events"), Some(&ent_b.token)).await.assert_problem(404, "not_found");
        app.post(&format!("/api/v1/deals/{a}/events"), Some(&broker_b.token), &json!({"body": "hello"})).await.assert_problem(404, "not_found");
        app.get("/api/v1/deals", None).await.assert_problem(401, "unauthorized");
        // The public broker directory filters by field, region and language.
        let found = app.get("/api/v1/brokers?field=modern_agriculture&region=VN&language=vi", None).await;
        assert_eq!(found.assert_status(200)["total"], 2);
        let none = app.get("/api/v1/brokers?field=marine", None).await;
        assert_eq!(none.assert_status(200)["total"], 0);
        // A broker may not assign themself to someone else's deal.
        app.post(&format!("/api/v1/deals/{a}/brokers"), Some(&broker_b.token), &json!({"broker_id": broker_b.id})).await.assert_problem(404, "not_found");

        // Contracts follow the same rule.
        let deal_a = advance(&app, &broker_a.token, &deal_a, &["agreed"]).await;
        let mut body = contract_body(&uni_a.id, &ent_a.id, days_ago(1), 10_000, 10_000);
        body["deal_id"] = deal_a["id"].clone();
        let c = app.post_with_key("/api/v1/contracts", &broker_a.token, "vis-1", &body).await;
        let cid = c.assert_status(201)["id"].as_str().expect("id").to_owned();
        app.get(&format!("/api/v1/contracts/{cid}"), Some(&ent_a.token)).await.assert_status(200);
        app.get(&format!("/api/v1/contracts/{cid}"), Some(&op)).await.assert_status(200);
        app.get(&format!("/api/v1/contracts/{cid}"), Some(&ent_b.token)).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/contracts/{cid}"), Some(&broker_b.token)).await.assert_problem(404, "not_found");
        let listed = app.get("/api/v1/contracts", Some(&uni_b.token)).await;
        assert_eq!(listed.assert_status(200)["total"], 0);
        let listed = app.get("/api/v1/registrations", Some(&uni_b.token)).await;
        assert_eq!(listed.assert_status(200)["total"], 0);
        // Recording a contract between other organisations is not allowed.
        let foreign = contract_body(&uni_a.id, &ent_a.id, days_ago(1), 10_000, 10_000);
        app.post("/api/v1/contracts", Some(&ent_b.token), &foreign).await.assert_problem(403, "forbidden");
        app.post("/api/v1/registrations", Some(&ent_b.token), &json!({"contract_id": cid})).await.assert_problem(404, "not_found");
    }
}

db_test! {
    async fn a_state_funded_universitys_negotiated_deal_cannot_be_signed_before_publicity_ends(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450100", true).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450200", false).await;
        let achievement = app.published_achievement(&uni.token, &op).await;
        let deal = app.open_inquiry(&ent.token, &achievement, json!({})).await;
        assert_eq!(deal["mode"], "negotiated");
        assert_eq!(deal["publicity"]["required"], true);
        let id = deal["id"].as_str().expect("id").to_owned();
        let deal = advance(&app, &ent.token, &deal, &["negotiating"]).await;
        // Skipping `agreed` would skip publicity.
        let skip = app.post(&format!("/api/v1/deals/{id}/stage"), Some(&ent.token), &json!({"version": deal["version"], "stage": "signed"})).await;
        skip.assert_problem(409, "publicity_required");
        // Only operators may shorten the window.
        let short = app.post(&format!("/api/v1/deals/{id}/stage"), Some(&ent.token), &json!({"version": deal["version"], "stage": "agreed", "publicity_days": 3})).await;
        short.assert_problem(422, "validation_failed");
        let deal = advance(&app, &ent.token, &deal, &["agreed"]).await;
        let today = chrono::Utc::now().date_naive();
        assert_eq!(deal["publicity"]["starts_on"], today.to_string());
        assert_eq!(deal["publicity"]["ends_on"], (today + chrono::Duration::days(14)).to_string(), "15 days, first and last included");
        assert_eq!(deal["publicity"]["open"], true);

        let early = app.post(&format!("/api/v1/deals/{id}/stage"), Some(&ent.token), &json!({"version": deal["version"], "stage": "signed"})).await;
        early.assert_problem(409, "publicity_window_open");
        let mut body = contract_body(&uni.id, &ent.id, today, 50_000_000, 50_000_000);
        body["deal_id"] = json!(id);
        app.post("/api/v1/contracts", Some(&uni.token), &body).await.assert_problem(409, "publicity_window_open");

        // Anyone signed in may object while the notice is up; objections are shown.
        let public = app.get("/api/v1/deals/publicity", None).await;
        assert_eq!(public.assert_status(200)["items"][0]["deal_id"], id.as_str());
        let rival = app.org_in("enterprise", "rival@ent.test", "450100", false).await;
        let obj = app.post(&format!("/api/v1/deals/{id}/objections"), Some(&rival.token), &json!({"body": "成交价格明显低于评估价值"})).await;
        assert_eq!(obj.assert_status(201)["kind"], "objection");
        let shown = app.get(&format!("/api/v1/deals/{id}"), Some(&uni.token)).await;
        assert_eq!(shown.assert_status(200)["publicity"]["objections"][0]["body"], "成交价格明显低于评估价值");
        let public = app.get("/api/v1/deals/publicity", None).await;
        assert_eq!(public.assert_status(200)["items"][0]["objection_count"], 1);

        // Once the window has passed (moved back in time here), the deal can be signed.
        deals::Entity::update_many()
            .col_expr(deals::Column::PublicityStartsOn, sea_orm::sea_query::Expr::value(Some(today - chrono::Duration::days(20))))
            .col_expr(deals::Column::PublicityEndsOn, sea_orm::sea_query::Expr::value(Some(today - chrono::Duration::days(6))))
            .filter(deals::Column::Id.eq(uuid::Uuid::parse_str(&id).expect("uuid")))
            .exec(&app.db)
            .await
            .expect("move window");
        app.post(&format!("/api/v1/deals/{id}/objections"), Some(&rival.token), &json!({"body": "too late to object"}))
            .await
            .assert_problem(409, "publicity_not_open");
        let c = app.post_with_key("/api/v1/contracts", &uni.token, "after-publicity", &body).await;
        c.assert_status(201);
        let signed = app.get(&format!("/api/v1/deals/{id}"), Some(&uni.token)).await;
        assert_eq!(signed.assert_status(200)["stage"], "signed");
        assert_eq!(signed.body["publicity"]["satisfied"], true);
    }
}

db_test! {
    async fn targets_are_seeded_editable_and_measured(app: TestApp) {
        let op = app.operator_token().await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450100", false).await;
        let list = app.get("/api/v1/targets?year=2025", None).await;
        let list = list.assert_status(200).clone();
        assert_eq!(list["total"], 4);
        let turnover = list["items"].as_array().expect("items").iter().find(|t| t["indicator"] == "contract_turnover").expect("turnover").clone();
        assert_eq!(turnover["target_value"], 12_000_000_000_000_i64, "1200 亿元 in fen");
        assert_eq!(turnover["baseline_value"], 5_657_100_000_000_i64, "565.71 亿元 in fen");
        assert_eq!(turnover["baseline_year"], 2020);

        let progress = app.get("/api/v1/stats/targets?year=2025&as_of=2025-06-30", None).await;
        let progress = progress.assert_status(200).clone();
        let t = progress["indicators"].as_array().expect("indicators").iter().find(|t| t["indicator"] == "contract_turnover").expect("turnover").clone();
        assert_eq!(t["months_elapsed"], 6);
        assert_eq!(t["months_remaining"], 6);
        assert_eq!(t["needed_monthly_rate"], 2_000_000_000_000_i64, "1200 亿元 over six months is 200 亿元 a month");
        assert_eq!(t["progress_percent"], "0.00");
        assert_eq!(t["on_track"], false);

        let id = turnover["id"].as_str().expect("id");
        let path = format!("/api/v1/targets/{id}");
        app.request(reqwest::Method::PATCH, &path, Some(&ent.token), Some(&json!({"version": 1, "target_value": 1}))).await.assert_problem(403, "forbidden");
        let edited = app.request(reqwest::Method::PATCH, &path, Some(&op), Some(&json!({"version": 1, "target_value": 12_500_000_000_000_i64}))).await;
        assert_eq!(edited.assert_status(200)["version"], 2);
        app.request(reqwest::Method::PATCH, &path, Some(&op), Some(&json!({"version": 1, "target_value": 1}))).await.assert_problem(409, "stale_version");
        let next = app.post("/api/v1/targets", Some(&op), &json!({"year": 2030, "indicator": "contract_turnover", "target_value": 20_000_000_000_000_i64, "baseline_value": 12_000_000_000_000_i64, "baseline_year": 2025, "source": "planning draft"})).await;
        assert_eq!(next.assert_status(201)["unit"], "fen");
        app.post("/api/v1/targets", Some(&op), &json!({"year": 2030, "indicator": "contract_turnover", "target_value": 1, "source": "again"})).await.assert_problem(409, "target_exists");
        app.post("/api/v1/targets", Some(&op), &json!({"year": 2030, "indicator": "happiness", "target_value": 1, "source": "again"})).await.assert_problem(422, "validation_failed");
    }
}

db_test! {
    async fn bad_deal_and_contract_input_is_a_problem_not_a_crash(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450100", false).await;
        let good = contract_body(&uni.id, &ent.id, days_ago(1), 10_000, 8_000);
        let field_of = |r: &integration_tests::TestResponse| -> Vec<String> {
            r.body["fields"].as_array().map(|a| a.iter().map(|f| f["path"].as_str().unwrap_or("").to_owned()).collect()).unwrap_or_default()
        };
        let cases: Vec<(&str, Value, &str)> = vec![
            ("tech_amount_minor", json!({"tech_amount_minor": 20_000}), "technology amount above the contract amount"),
            ("subtype", json!({"subtype": "commissioned"}), "a development subtype on a licence"),
            ("buyer_organisation_id", json!({"buyer_organisation_id": uni.id}), "seller and buyer the same"),
            ("valid_from", json!({"valid_from": days_ago(0), "valid_until": days_ago(1)}), "validity dates reversed"),
            ("currency", json!({"currency": "XYZ"}), "unknown currency"),
            ("cost_lines", json!({"cost_lines": []}), "difference not explained"),
            ("licence_scope", json!({"licence_scope": null}), "a licence without scope"),
            ("signed_on", json!({"signed_on": days_ago(-5), "valid_from": days_ago(-5)}), "signed in the future"),
            ("industry_code", json!({"industry_code": "nope"}), "unknown industry"),
        ];
        for (path, patch, why) in cases {
            let mut body = good.clone();
            for (k, v) in patch.as_object().expect("object") {
                body[k] = v.clone();
            }
            let r = app.post("/api/v1/contracts", Some(&uni.token), &body).await;
            r.assert_problem(422, "validation_failed");
            assert!(field_of(&r).contains(&path.to_owned()), "{why}: expected a problem at {path}, got {}", r.text);
        }
        // Wrong shapes and malformed JSON.
        app.post("/api/v1/contracts", Some(&uni.token), &json!({"contract_number": 5})).await.assert_problem(422, "validation_failed");
        let raw = app.client_request(reqwest::Method::POST, "/api/v1/contracts", &uni.token, "application/json", b"{not json".to_vec()).await;
        raw.assert_problem(400, "bad_request");
        app.post("/api/v1/contracts", None, &good).await.assert_problem(401, "unauthorized");
        app.get("/api/v1/contracts/not-a-uuid", Some(&uni.token)).await.assert_problem(400, "bad_request");
        app.get(&format!("/api/v1/contracts/{}", uuid::Uuid::now_v7()), Some(&uni.token)).await.assert_problem(404, "not_found");

        // Deals.
        app.post("/api/v1/deals", Some(&ent.token), &json!({"origin": "inquiry"})).await.assert_problem(422, "validation_failed");
        app.post("/api/v1/deals", Some(&ent.token), &json!({"origin": "barter", "achievement_id": uuid::Uuid::now_v7()})).await.assert_problem(422, "validation_failed");
        let achievement = app.published_achievement(&uni.token, &op).await;
        // The seller cannot inquire on its own listing.
        app.post("/api/v1/deals", Some(&uni.token), &json!({"origin": "inquiry", "achievement_id": achievement})).await.assert_problem(422, "validation_failed");
        let deal = app.open_inquiry(&ent.token, &achievement, json!({})).await;
        let id = deal["id"].as_str().expect("id");
        app.post(&format!("/api/v1/deals/{id}/stage"), Some(&ent.token), &json!({"version": 1, "stage": "closed"})).await.assert_problem(409, "deal_not_signed");
        app.post(&format!("/api/v1/deals/{id}/stage"), Some(&ent.token), &json!({"version": 1, "stage": "sold"})).await.assert_problem(422, "validation_failed");
        app.post(&format!("/api/v1/deals/{id}/stage"), Some(&ent.token), &json!({"version": 9, "stage": "contacted"})).await.assert_problem(409, "stale_version");
        app.post(&format!("/api/v1/deals/{id}/stage"), Some(&ent.token), &json!({"version": 1, "stage": "lost"})).await.assert_problem(422, "validation_failed");
        let lost = app.post(&format!("/api/v1/deals/{id}/stage"), Some(&ent.token), &json!({"version": 1, "stage": "lost", "reason": "预算不足"})).await;
        assert_eq!(lost.assert_status(200)["lost_reason"], "预算不足");
        app.post(&format!("/api/v1/deals/{id}/stage"), Some(&ent.token), &json!({"version": 2, "stage": "contacted"})).await.assert_problem(409, "deal_finished");

        // Brokers, FX rates, statistics.
        let (agency, _) = app.sign_up("broker_agency", "new@agency.test").await;
        app.post("/api/v1/brokers", Some(&agency), &json!({"display_name": "X", "certification_level": "expert"})).await.assert_problem(422, "validation_failed");
        let r = app.post("/api/v1/brokers", Some(&agency), &json!({"display_name": "X", "certification_level": "junior", "fields": ["nope"], "regions": ["999999"]})).await;
        assert_eq!(r.assert_problem(422, "validation_failed")["fields"].as_array().expect("fields").len(), 2);
        let b = app.post("/api/v1/brokers", Some(&agency), &json!({"display_name": "X", "certification_level": "高级"})).await;
        assert_eq!(b.assert_status(201)["certification_label"], "高级");
        app.post("/api/v1/brokers", Some(&agency), &json!({"display_name": "X", "certification_level": "junior"})).await.assert_problem(409, "broker_exists");
        let pending = app.get("/api/v1/brokers", None).await;
        assert_eq!(pending.assert_status(200)["total"], 0, "unverified brokers are not listed publicly");
        app.post("/api/v1/fx-rates", Some(&uni.token), &json!({"currency": "THB", "rate_date": "2026-01-05", "cny_per_unit": "0.2", "source": "x source"})).await.assert_problem(403, "forbidden");
        let r = app.post("/api/v1/fx-rates", Some(&op), &json!({"currency": "CNY", "rate_date": "2026-01-05", "cny_per_unit": "-1", "source": "x source"})).await;
        assert_eq!(r.assert_problem(422, "validation_failed")["fields"].as_array().expect("fields").len(), 2);
        app.get("/api/v1/stats/turnover?group_by=planet", None).await.assert_problem(400, "bad_request");
        app.get("/api/v1/stats/turnover?from=2026-13", None).await.assert_problem(400, "bad_request");
        app.get("/api/v1/stats/turnover?basis=inside", None).await.assert_problem(400, "bad_request");
        app.get("/api/v1/stats/turnover/export?format=pdf", None).await.assert_problem(400, "bad_request");
    }
}

db_test! {
    async fn sample_deals_fill_the_dashboard_once_and_skip_without_sample_organisations(app: TestApp) {
        use sea_orm::TransactionTrait;
        let today = chrono::Utc::now().date_naive();
        // Without the sample organisations there is nothing to build on: no error, no rows.
        let txn = app.db.begin().await.expect("begin");
        deal::sample::load(&txn, today).await.expect("load on an empty database");
        txn.commit().await.expect("commit");
        assert_eq!(contracts::Entity::find().count(&app.db).await.expect("count"), 0);

        techmarket::sample::load(&app.db).await.expect("platform sample data");
        for _ in 0..2 {
            let txn = app.db.begin().await.expect("begin");
            deal::sample::load(&txn, today).await.expect("deal sample data");
            txn.commit().await.expect("commit");
        }
        assert_eq!(contracts::Entity::find().count(&app.db).await.expect("count"), 3, "loading twice adds nothing");
        let total = app.turnover("group_by=").await;
        assert_eq!(total["total_contract_count"], 2, "two sample contracts are registered");
        let vn = app.turnover("group_by=country").await;
        assert!(vn["rows"].as_array().expect("rows").iter().any(|r| r["keys"]["country"] == "VN"), "{vn}");
        let notices = app.get("/api/v1/deals/publicity", None).await;
        assert_eq!(notices.assert_status(200)["total"], 1, "one sample deal is in its publicity window");
        let rates = app.get("/api/v1/fx-rates?currency=VND", None).await;
        assert!(rates.assert_status(200)["items"][0]["source"].as_str().expect("source").contains("not official"));
        assert_rollups_match_raw(&app).await;
    }
}

db_test! {
    async fn the_deal_api_is_in_the_openapi_document(app: TestApp) {
        let doc = app.get("/api/v1/openapi.json", None).await;
        let doc = doc.assert_status(200);
        for path in [
            "/api/v1/brokers", "/api/v1/brokers/{id}/verification", "/api/v1/deals", "/api/v1/deals/{id}/stage",
            "/api/v1/deals/{id}/attributions", "/api/v1/deals/publicity", "/api/v1/contracts", "/api/v1/contracts/{id}/milestones",
            "/api/v1/payments", "/api/v1/registrations/{id}/decision", "/api/v1/registrations/{id}/history", "/api/v1/fx-rates",
            "/api/v1/targets", "/api/v1/stats/turnover", "/api/v1/stats/turnover/contracts", "/api/v1/stats/turnover/export",
            "/api/v1/stats/targets", "/api/v1/stats/asean", "/api/v1/stats/brokers", "/api/v1/stats/kpis",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
        }
        let list = &doc["paths"]["/api/v1/contracts"]["get"]["parameters"];
        assert!(list.as_array().expect("parameters").iter().any(|p| p["name"] == "per_page"), "lists are paginated");
    }
}

mod registration_numbers_follow_the_configured_format {
    use integration_tests::deals::{contract_body, days_ago};

    async fn run(backend: integration_tests::Backend) {
        let app = integration_tests::TestApp::spawn_with(backend, |c| {
            c.deal.registration_number_format = "桂技登{year}-{seq:04}号".to_owned();
            c.deal.registration_office = "南宁市技术市场办公室".to_owned();
        })
        .await;
        let op = app.operator_token().await;
        let seller = app
            .org_in("university", "tto@uni.test", "450100", false)
            .await;
        let buyer = app
            .org_in("enterprise", "rd@firm.test", "450200", false)
            .await;
        let mut numbers = Vec::new();
        for key in ["n-1", "n-2"] {
            let created = app
                .post_with_key(
                    "/api/v1/contracts",
                    &seller.token,
                    key,
                    &contract_body(&seller.id, &buyer.id, days_ago(2), 10_000_000, 10_000_000),
                )
                .await;
            let id = created.assert_status(201)["id"]
                .as_str()
                .expect("id")
                .to_owned();
            let reg = app.register_contract(&seller.token, &op, &id, None).await;
            assert_eq!(reg["office"], "南宁市技术市场办公室");
            numbers.push(
                reg["registration_number"]
                    .as_str()
                    .expect("number")
                    .to_owned(),
            );
        }
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
        assert_eq!(
            numbers,
            vec![
                format!("桂技登{year}-0001号"),
                format!("桂技登{year}-0002号")
            ]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(integration_tests::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(integration_tests::Backend::Postgres).await;
    }
}

mod the_publicity_window_length_is_configuration {
    use serde_json::json;

    async fn run(backend: integration_tests::Backend) {
        let app =
            integration_tests::TestApp::spawn_with(backend, |c| c.deal.publicity_days = 20).await;
        let op = app.operator_token().await;
        let uni = app
            .org_in("university", "tto@uni.test", "450100", true)
            .await;
        let ent = app
            .org_in("enterprise", "rd@ent.test", "450200", false)
            .await;
        let achievement = app.published_achievement(&uni.token, &op).await;
        let deal = app.open_inquiry(&ent.token, &achievement, json!({})).await;
        let deal = super::advance(&app, &ent.token, &deal, &["negotiating", "agreed"]).await;
        let today = chrono::Utc::now().date_naive();
        assert_eq!(
            deal["publicity"]["ends_on"],
            (today + chrono::Duration::days(19)).to_string(),
            "20 days, first and last included"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(integration_tests::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(integration_tests::Backend::Postgres).await;
    }
}

db_test! {
    async fn the_public_sees_no_turnover_figure_of_fewer_than_three_contracts(app: TestApp) {
        let op = app.operator_token().await;
        let nanning = app.org_in("university", "tto@uni.test", "450100", false).await;
        let liuzhou = app.org_in("institute", "lab@inst.test", "450200", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450300", false).await;
        // One contract from Liuzhou (its amount is private), three from Nanning.
        let mut amounts = Vec::new();
        for (i, (seller, amount)) in [(&liuzhou, 77_000_000_i64), (&nanning, 10_000_000), (&nanning, 20_000_000), (&nanning, 30_000_000)].into_iter().enumerate() {
            let body = contract_body(&seller.id, &ent.id, days_ago(3), amount, amount);
            let c = app.post_with_key("/api/v1/contracts", &seller.token, &format!("c{i}"), &body).await;
            let id = c.assert_status(201)["id"].as_str().expect("id").to_owned();
            app.register_contract(&seller.token, &op, &id, None).await;
            amounts.push(amount);
        }
        app.run_jobs().await;

        let public = app.get("/api/v1/stats/turnover?basis=output&group_by=city", None).await;
        let public = public.assert_status(200);
        let rows = public["rows"].as_array().expect("rows");
        assert!(rows.iter().all(|r| r["contract_count"].as_i64().expect("count") >= 3), "{public}");
        assert!(!public.to_string().contains("77000000"), "the lone contract's amount is not published: {public}");
        // The one small cell is not recoverable as total minus the rest: a second cell goes too.
        assert_eq!(public["withheld_cells"], 2);
        assert_eq!(public["total_amount_cny_minor"], 137_000_000, "the region's total is published");
        // Narrowing the query to the lone contract gives nothing away either.
        let narrowed = app.get("/api/v1/stats/turnover?basis=output&city=450200&group_by=", None).await;
        let narrowed = narrowed.assert_status(200);
        assert_eq!(narrowed["total_withheld"], true);
        assert_eq!(narrowed["total_amount_cny_minor"], 0);
        let export = app.get("/api/v1/stats/turnover/export?basis=output&city=450200&group_by=city&format=csv", None).await;
        assert!(!export.text.contains("770000"), "{}", export.text);
        // The raw aggregation is an operator's check.
        app.get("/api/v1/stats/turnover?source=raw", None).await.assert_problem(403, "forbidden");
        app.get("/api/v1/stats/turnover?source=raw", Some(&ent.token)).await.assert_problem(403, "forbidden");
        // Operators see every cell.
        let all = app.turnover("basis=output&group_by=city").await;
        let liuzhou_row = all["rows"].as_array().expect("rows").iter().find(|r| r["keys"]["city"] == "450200").expect("Liuzhou row");
        assert_eq!(liuzhou_row["amount_cny_minor"], 77_000_000);
        assert_eq!(all["withheld_cells"], 0);
    }
}

db_test! {
    async fn a_stored_stage_outside_the_vocabulary_is_a_500_problem_not_a_panic(app: TestApp) {
        // A row written by a newer version (or by hand) may carry a stage this build does not
        // know: reading it must be an ordinary internal error in our envelope, and the service
        // must keep answering, not panic or drop the connection.
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450203", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450100", false).await;
        let achievement = app.published_achievement(&uni.token, &op).await;
        let deal = app.open_inquiry(&ent.token, &achievement, json!({"note": "询价"})).await;
        let id = deal["id"].as_str().expect("deal id");
        let uuid: uuid::Uuid = id.parse().expect("deal id is a uuid");

        let written = deals::Entity::update_many()
            .col_expr(deals::Column::Stage, sea_orm::sea_query::Expr::value("teleported"))
            .filter(deals::Column::Id.eq(uuid))
            .exec(&app.db)
            .await
            .expect("write an unknown stage");
        assert_eq!(written.rows_affected, 1);

        let res = app.get(&format!("/api/v1/deals/{id}"), Some(&op)).await;
        res.assert_problem(500, "internal_error");
        assert!(!res.text.contains("teleported"), "500s say no more than internal error: {}", res.text);
        // The service still answers.
        app.get("/api/v1/brokers", Some(&op)).await.assert_status(200);
    }
}
