//! Matches follow the listings: publishing makes them, withdrawing or expiring retires them;
//! each party sees its own, brokers what their area covers; feedback reaches the owner.

use integration_tests::db_test;
use integration_tests::listings::{achievement_body, need_body};
use serde_json::json;

/// A published need and a published fitting achievement (the queue has run).
async fn need_and_achievement(
    app: &integration_tests::TestApp,
) -> (String, String, String, String, String) {
    let op = app.operator_token().await;
    let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
    let (uni, _) = app.sign_up("university", "tto@uni.test").await;
    let (need, _) = app.create_listing("needs", &firm, &need_body()).await;
    app.publish_listing("needs", &need, &firm, &op).await;
    let (ach, _) = app
        .create_listing("achievements", &uni, &achievement_body())
        .await;
    app.publish_listing("achievements", &ach, &uni, &op).await;
    (firm, uni, op, need, ach)
}

db_test! {
    async fn publishing_an_achievement_makes_it_a_match_of_a_fitting_need_with_reasons(app: TestApp) {
        let (firm, uni, _op, need, ach) = need_and_achievement(&app).await;
        let res = app.get(&format!("/api/v1/needs/{need}/matches"), Some(&firm)).await;
        let list = res.assert_status(200).as_array().expect("list").clone();
        assert_eq!(list.len(), 1, "{}", res.text);
        let m = &list[0];
        assert_eq!(m["achievement_id"], ach.as_str());
        assert!(m["score"].as_f64().expect("score") > 0.4, "{m}");
        let reasons: Vec<String> = m["reasons"].as_array().expect("reasons").iter().map(|r| r["en"].as_str().unwrap_or("").to_owned()).collect();
        assert!(reasons.iter().any(|r| r.contains("shares IPC main group A01D45")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r == "TRL 6 ≥ required 5"), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("budget 40–90 万元 covers asking 50–80 万元")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("same industry field")), "{reasons:?}");
        let zh: Vec<String> = m["reasons"].as_array().expect("reasons").iter().map(|r| r["zh"].as_str().unwrap_or("").to_owned()).collect();
        assert!(zh.iter().any(|r| r.contains("技术成熟度 6 ≥ 要求 5")), "{zh:?}");
        assert_eq!(m["engine_version"], matching::engine::ENGINE_VERSION);
        // The achievement's side sees which need it fits.
        let other_side = app.get(&format!("/api/v1/achievements/{ach}/matches"), Some(&uni)).await;
        assert_eq!(other_side.assert_status(200).as_array().map(Vec::len), Some(1));
        // The need's owners were told.
        let notes = app.get("/api/v1/notifications", Some(&firm)).await;
        assert!(notes.assert_status(200).as_array().expect("list").iter().any(|n| n["kind"] == "new_matches"), "{}", notes.text);
    }
}

db_test! {
    async fn withdrawing_or_expiring_the_achievement_removes_the_match(app: TestApp) {
        let (firm, uni, op, need, ach) = need_and_achievement(&app).await;
        let path = format!("/api/v1/needs/{need}/matches");
        assert_eq!(app.get(&path, Some(&firm)).await.body.as_array().map(Vec::len), Some(1));
        let v = app.get(&format!("/api/v1/achievements/{ach}"), Some(&uni)).await.body["version"].as_i64().expect("v");
        app.post(&format!("/api/v1/achievements/{ach}/withdraw"), Some(&uni), &json!({"version": v})).await.assert_status(200);
        app.run_jobs().await;
        assert_eq!(app.get(&path, Some(&firm)).await.body.as_array().map(Vec::len), Some(0), "withdrawn: match retired");

        // A second achievement that expires.
        let (ach2, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        app.publish_listing("achievements", &ach2, &uni, &op).await;
        assert_eq!(app.get(&path, Some(&firm)).await.body.as_array().map(Vec::len), Some(1));
        use sea_orm::{ActiveModelTrait, EntityTrait, Set};
        let m = platform::entity::achievements::Entity::find_by_id(uuid::Uuid::parse_str(&ach2).expect("uuid")).one(&app.db).await.expect("read").expect("row");
        let mut a: platform::entity::achievements::ActiveModel = m.into();
        a.valid_until = Set(Some(chrono::Utc::now().date_naive() - chrono::Duration::days(1)));
        a.update(&app.db).await.expect("backdate");
        listing::domain::lifecycle::sweep_expiry(&app.db, chrono::Utc::now().date_naive()).await.expect("sweep");
        app.run_jobs().await;
        assert_eq!(app.get(&path, Some(&firm)).await.body.as_array().map(Vec::len), Some(0), "expired: match retired");
    }
}

db_test! {
    async fn matches_are_shown_to_their_parties_operators_and_area_brokers_only(app: TestApp) {
        let (firm, _uni, op, need, _ach) = need_and_achievement(&app).await;
        let path = format!("/api/v1/needs/{need}/matches");
        let (stranger, _) = app.sign_up("enterprise", "other@firm2.test").await;
        app.get(&path, Some(&stranger)).await.assert_problem(403, "forbidden");
        app.get(&path, None).await.assert_problem(401, "unauthorized");
        app.get(&path, Some(&op)).await.assert_status(200);
        app.get(&path, Some(&firm)).await.assert_status(200);
        // A verified broker in modern agriculture for Guangxi sees it and has it on the worklist;
        // one for biomedicine does not.
        let (agri, _) = app.sign_up("broker_agency", "agri@broker.test").await;
        let (bio, _) = app.sign_up("broker_agency", "bio@broker.test").await;
        for (token, field) in [(&agri, "modern_agriculture"), (&bio, "biomedicine")] {
            let me = app.get("/api/v1/me", Some(token)).await;
            let user_id = uuid::Uuid::parse_str(me.body["user_id"].as_str().expect("id")).expect("uuid");
            integration_tests::matching::make_broker(&app, user_id, field, "450000").await;
        }
        app.get(&path, Some(&agri)).await.assert_status(200);
        app.get(&path, Some(&bio)).await.assert_problem(403, "forbidden");
        let work = app.get("/api/v1/brokers/me/worklist", Some(&agri)).await;
        assert_eq!(work.assert_status(200).as_array().map(Vec::len), Some(1));
        let none = app.get("/api/v1/brokers/me/worklist", Some(&bio)).await;
        assert_eq!(none.assert_status(200).as_array().map(Vec::len), Some(0));
        app.get("/api/v1/brokers/me/worklist", Some(&firm)).await.assert_problem(403, "forbidden");
    }
}

db_test! {
    async fn a_declined_match_sends_typed_feedback_to_the_listing_owner(app: TestApp) {
        let (firm, uni, _op, need, _ach) = need_and_achievement(&app).await;
        let list = app.get(&format!("/api/v1/needs/{need}/matches"), Some(&firm)).await;
        let m = list.body[0].clone();
        let id = m["id"].as_str().expect("id");
        app.post(&format!("/api/v1/matches/{id}/feedback"), Some(&firm), &json!({"verdict": "poor"})).await.assert_problem(422, "validation_failed");
        app.post(&format!("/api/v1/matches/{id}/feedback"), Some(&firm), &json!({"verdict": "poor", "reason": "astrology"})).await.assert_problem(422, "validation_failed");
        let fb = app.post(&format!("/api/v1/matches/{id}/feedback"), Some(&firm), &json!({"verdict": "poor", "reason": "price", "comment": "报价高于预算"})).await;
        assert_eq!(fb.assert_status(201)["party"], "need_owner");
        let s = app.post(&format!("/api/v1/matches/{id}/status"), Some(&firm), &json!({"status": "dismissed", "version": m["version"]})).await;
        assert_eq!(s.assert_status(200)["need_side_status"], "dismissed");
        app.post(&format!("/api/v1/matches/{id}/status"), Some(&firm), &json!({"status": "shortlisted", "version": m["version"]})).await.assert_problem(409, "stale_version");
        let notes = app.get("/api/v1/notifications?unread=true", Some(&uni)).await;
        let fb_note = notes.assert_status(200).as_array().expect("list").iter().find(|n| n["kind"] == "match_feedback").cloned().expect("feedback notification");
        assert_eq!(fb_note["payload"]["reason"], "price");
        assert_eq!(fb_note["payload"]["comment"], "报价高于预算");
        let nid = fb_note["id"].as_str().expect("id");
        app.post(&format!("/api/v1/notifications/{nid}/read"), Some(&uni), &json!({})).await.assert_status(204);
        app.post(&format!("/api/v1/notifications/{nid}/read"), Some(&firm), &json!({})).await.assert_problem(404, "not_found");
    }
}

db_test! {
    async fn a_preview_ranks_published_achievements_for_unsaved_text(app: TestApp) {
        let (firm, _uni, _op, _need, ach) = need_and_achievement(&app).await;
        let res = app.post("/api/v1/matches/preview", Some(&firm), &json!({"text": "我们需要甘蔗收割机的切割高度自动控制技术", "industry": "modern_agriculture", "min_trl": 4})).await;
        let list = res.assert_status(200).as_array().expect("list").clone();
        assert_eq!(list[0]["achievement_id"], ach.as_str(), "{}", res.text);
        app.post("/api/v1/matches/preview", Some(&firm), &json!({"text": ""})).await.assert_problem(422, "validation_failed");
        app.post("/api/v1/matches/preview", Some(&firm), &json!({"text": "长".repeat(5001)})).await.assert_problem(422, "validation_failed");
        app.post("/api/v1/matches/preview", Some(&firm), &json!({"text": "甘蔗", "ipc_codes": ["nonsense"]})).await.assert_problem(422, "validation_failed");
        app.post("/api/v1/matches/preview", None, &json!({"text": "甘蔗"})).await.assert_problem(401, "unauthorized");
        app.get("/api/v1/needs/00000000-0000-0000-0000-000000000000/matches", Some(&firm)).await.assert_problem(404, "not_found");
    }
}

/// An English achievement that shares no word with [`need_body`]: only a lexicon links them.
fn english_achievement_body() -> serde_json::Value {
    let mut body = achievement_body();
    body["language"] = json!("en");
    body["title"] = json!("Sugarcane harvester with automatic cutting height control");
    body["summary"] = json!("Machine vision keeps the harvester on the row and sets the cutting height, which lowers trash content.");
    body["description"] = json!("Stereo cameras, an embedded controller and hydraulic actuators; tested over two crushing seasons.");
    body["keywords"] = json!(["sugarcane harvester", "cutting height", "machine vision"]);
    body["ipc_codes"] = json!(["G05B 13/02"]);
    body
}

db_test! {
    async fn a_chinese_need_finds_an_english_achievement_through_the_lexicon(app: TestApp) {
        let backend = app.backend;
        drop(app);
        for lexicon in [true, false] {
            let app = integration_tests::TestApp::spawn_with(backend, |c| c.matching.set("lexicon", lexicon)).await;
            let op = app.operator_token().await;
            let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
            let (uni, _) = app.sign_up("university", "tto@uni.test").await;
            let (need, _) = app.create_listing("needs", &firm, &need_body()).await;
            app.publish_listing("needs", &need, &firm, &op).await;
            let (ach, _) = app.create_listing("achievements", &uni, &english_achievement_body()).await;
            app.publish_listing("achievements", &ach, &uni, &op).await;
            let res = app.get(&format!("/api/v1/needs/{need}/matches"), Some(&firm)).await;
            let found = res.assert_status(200).as_array().expect("list").iter().any(|m| m["achievement_id"] == ach.as_str());
            // No translation is attached to either listing: with the lexicon the need's words
            // (甘蔗, 收割机, 切割…) reach the English text; without it nothing does.
            assert_eq!(found, lexicon, "lexicon {lexicon}: {}", res.text);
        }
    }
}

db_test! {
    async fn saved_searches_alert_in_app_and_by_email(app: TestApp) {
        // The same database kind, with email on and pointed at a real SMTP server.
        let backend = app.backend;
        drop(app);
        let smtp = integration_tests::smtp::SmtpServer::start();
        let app = integration_tests::TestApp::spawn_with(backend, |c| {
            c.email.enabled = true;
            c.email.smtp_host = "127.0.0.1".to_owned();
            c.email.smtp_port = smtp.port;
            c.email.from = "TechMarket <alerts@techmarket.test>".to_owned();
        })
        .await;
        let op = app.operator_token().await;
        let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (watcher, _) = app.sign_up("enterprise", "watch@other.test").await;
        // Bad alerts are refused.
        app.post("/api/v1/saved-searches", Some(&firm), &json!({"name": "x", "alert_kind": "sometimes"})).await.assert_problem(422, "validation_failed");
        app.post("/api/v1/saved-searches", Some(&firm), &json!({"name": "x", "alert_kind": "search", "query": "甘蔗", "filters": {"colour": "red"}})).await.assert_problem(422, "validation_failed");
        app.post("/api/v1/saved-searches", Some(&firm), &json!({"name": "我的需求的新匹配", "alert_kind": "new_matches", "email_enabled": true})).await.assert_status(201);
        app.post("/api/v1/saved-searches", Some(&watcher), &json!({"name": "甘蔗机械", "alert_kind": "search", "query": "甘蔗", "filters": {"kind": "achievement"}})).await.assert_status(201);
        let (need, _) = app.create_listing("needs", &firm, &need_body()).await;
        app.publish_listing("needs", &need, &firm, &op).await;
        let (ach, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        app.publish_listing("achievements", &ach, &uni, &op).await;

        let mails = smtp.messages();
        assert_eq!(mails.len(), 1, "one email, to the need owner who asked for it: {mails:?}");
        assert!(mails[0].contains("rd@firm.test"), "{}", mails[0]);
        assert!(mails[0].contains("alerts@techmarket.test"), "{}", mails[0]);
        let seen = app.get("/api/v1/notifications", Some(&watcher)).await;
        let seen = seen.assert_status(200).as_array().expect("list").clone();
        assert!(seen.iter().any(|n| n["kind"] == "saved_search" && n["link"] == format!("/achievements/{ach}")), "{seen:?}");
        let mine = app.get("/api/v1/saved-searches", Some(&watcher)).await;
        let id = mine.assert_status(200)[0]["id"].as_str().expect("id").to_owned();
        assert!(mine.body[0]["last_notified_at"].is_string());
        app.request(reqwest::Method::DELETE, &format!("/api/v1/saved-searches/{id}"), Some(&firm), None).await.assert_problem(404, "not_found");
        app.request(reqwest::Method::DELETE, &format!("/api/v1/saved-searches/{id}"), Some(&watcher), None).await.assert_status(204);
    }
}
