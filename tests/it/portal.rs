//! Portal pages over HTTP (see tests/support/portal.rs): search, listing pages with their
//! matches panel, signing in, the language switch, and refusing cross-site form posts.

use integration_tests::db_test;
use integration_tests::listings::{achievement_body, need_body};
use integration_tests::TestApp;
use serde_json::json;

/// A published need (enterprise) and a published fitting achievement (university); the
/// queue has run, so they match. Returns (firm token, uni token, need id, achievement id).
async fn matched_pair(app: &TestApp) -> (String, String, String, String) {
    let op = app.operator_token().await;
    let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
    let (uni, _) = app.sign_up("university", "tto@uni.test").await;
    let (need, _) = app.create_listing("needs", &firm, &need_body()).await;
    app.publish_listing("needs", &need, &firm, &op).await;
    let (ach, _) = app
        .create_listing("achievements", &uni, &achievement_body())
        .await;
    app.publish_listing("achievements", &ach, &uni, &op).await;
    (firm, uni, need, ach)
}

db_test! {
    async fn search_page_finds_a_published_listing_and_links_to_it(app: TestApp) {
        let (_firm, _uni, _need, ach) = matched_pair(&app).await;
        let res = app.page("/?q=%E7%94%98%E8%94%97", None).await;
        assert_eq!(res.status, 200, "{}", res.text);
        assert!(res.text.contains(&format!("href=\"/achievements/{ach}\"")), "the hit links to its page");
        assert!(res.text.contains("找到 2 条结果"), "both listings mention 甘蔗: {}", res.text);
        // Filtering by kind through the facet leaves the achievement only.
        let res = app.page("/?q=%E7%94%98%E8%94%97&kind=achievement", None).await;
        assert!(res.text.contains("找到 1 条结果"), "{}", res.text);
        // Nothing found says what to do next.
        let res = app.page("/?q=zzzzqqqq", None).await;
        assert!(res.text.contains("清除所有条件"), "{}", res.text);
    }
}

db_test! {
    async fn the_need_owner_sees_matches_with_reasons_and_anonymous_readers_do_not(app: TestApp) {
        let (firm, uni, need, ach) = matched_pair(&app).await;
        let page = app.page(&format!("/needs/{need}"), Some(&firm)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(page.text.contains("匹配的科技成果（1）"), "{}", page.text);
        assert!(page.text.contains(&format!("href=\"/achievements/{ach}\"")));
        assert!(page.text.contains("技术成熟度 6 ≥ 要求 5"), "reasons in the reader's language");
        // In English the reasons are English.
        let page_en = app.page(&format!("/needs/{need}?lang=en"), Some(&firm)).await;
        assert!(page_en.text.contains("TRL 6 ≥ required 5"), "{}", page_en.text);
        // Anonymous readers see the listing but no matches.
        let anon = app.page(&format!("/needs/{need}"), None).await;
        assert_eq!(anon.status, 200);
        assert!(anon.text.contains("甘蔗机械化收获含杂率控制技术需求"));
        assert!(!anon.text.contains("data-testid=\"match\""), "no matches for anonymous readers");
        // Another enterprise sees no matches of this need either.
        let (other, _) = app.sign_up("enterprise", "rd@other.test").await;
        let page = app.page(&format!("/needs/{need}"), Some(&other)).await;
        assert!(!page.text.contains("data-testid=\"match\""));
        // The achievement's owner sees which need it fits.
        let page = app.page(&format!("/achievements/{ach}"), Some(&uni)).await;
        assert!(page.text.contains("匹配的技术需求（1）"), "{}", page.text);
    }
}

db_test! {
    async fn dismissing_a_match_with_a_reason_reaches_the_other_owner(app: TestApp) {
        let (firm, uni, need, ach) = matched_pair(&app).await;
        let matches = app.get(&format!("/api/v1/needs/{need}/matches"), Some(&firm)).await;
        let m = &matches.assert_status(200)[0];
        let id = m["id"].as_str().expect("id").to_owned();
        let version = m["version"].as_i64().expect("version").to_string();
        let res = app
            .submit(
                &format!("/matches/{id}/feedback"),
                Some(&firm),
                &[("verdict", "poor"), ("reason", "price"), ("comment", "预算不够"), ("dismiss_version", &version), ("back", &format!("/needs/{need}"))],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.text);
        assert_eq!(res.location(), format!("/needs/{need}?flash=feedback_sent"));
        let page = app.page(&format!("/needs/{need}"), Some(&firm)).await;
        assert!(page.text.contains("已排除"), "the need side is now dismissed: {}", page.text);
        // The achievement's owner reads the feedback on their listing page.
        let page = app.page(&format!("/achievements/{ach}"), Some(&uni)).await;
        assert!(page.text.contains("价格不合适: 预算不够"), "{}", page.text);
        // Without a reason the API refuses, and the portal says so rather than pretending.
        let res = app.submit(&format!("/matches/{id}/feedback"), Some(&firm), &[("verdict", "poor"), ("back", "/")]).await;
        assert_eq!(res.status, 200, "{}", res.text);
        assert!(res.text.contains("say why the match is poor"), "{}", res.text);
    }
}

db_test! {
    async fn signing_in_sets_a_session_and_a_wrong_password_does_not(app: TestApp) {
        app.sign_up("enterprise", "rd@firm.test").await;
        let res = app.submit("/login", None, &[("email", "rd@firm.test"), ("password", "wrong-password-1"), ("next", "/")]).await;
        assert_eq!(res.status, 200);
        assert!(res.text.contains("邮箱或密码不正确"), "{}", res.text);
        assert!(res.headers.get("set-cookie").is_none(), "no session for a wrong password");
        let session = app.portal_login("rd@firm.test", integration_tests::http::USER_PASSWORD).await;
        let page = app.page("/", Some(&session)).await;
        assert!(page.text.contains("Test person"), "the header names the signed-in person");
        // Signing out revokes the token itself, not only the cookie.
        let res = app.submit("/logout", Some(&session), &[]).await;
        assert_eq!(res.status, 303);
        assert_eq!(app.get("/api/v1/me", Some(&session)).await.status, 401);
    }
}

db_test! {
    async fn the_language_choice_is_remembered_and_public_pages_speak_vietnamese_and_thai(app: TestApp) {
        let res = app.page("/lang/en?next=/login", None).await;
        assert_eq!(res.status, 303);
        assert_eq!(res.location(), "/login");
        let cookie = res.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert!(cookie.starts_with("tm_lang=en"), "{cookie}");
        let page = reqwest::Client::new()
            .get(format!("{}/login", app.base_url))
            .header("cookie", "tm_lang=en")
            .send()
            .await
            .expect("page");
        assert!(page.text().await.expect("body").contains("<h1>Sign in</h1>"));
        let vi = app.page("/?lang=vi", None).await;
        assert!(vi.text.contains("lang=\"vi\"") && vi.text.contains("Tìm kiếm"), "{}", vi.text);
        let th = app.page("/?lang=th", None).await;
        assert!(th.text.contains("ค้นหา"));
        // The switcher never offers an open redirect.
        let res = app.page("/lang/en?next=https://evil.example/", None).await;
        assert_eq!(res.location(), "/");
    }
}

db_test! {
    async fn a_translated_listing_is_marked_and_links_to_the_original(app: TestApp) {
        let (_firm, uni, _need, ach) = matched_pair(&app).await;
        let v = app.get(&format!("/api/v1/achievements/{ach}"), Some(&uni)).await.body["version"].as_i64().expect("v");
        let res = app
            .request(
                reqwest::Method::PUT,
                &format!("/api/v1/achievements/{ach}/translations/en"),
                Some(&uni),
                Some(&json!({"title": "Smart control for sugarcane harvesters", "summary": "Vision-guided row following and cutting height.", "provenance": "machine"})),
            )
            .await;
        // The listing is published: its new translation waits for an operator's review.
        res.assert_status(202);
        let op = app.operator_token().await;
        app.post(&format!("/api/v1/achievements/{ach}/review"), Some(&op), &json!({"decision": "publish", "version": v + 1})).await.assert_status(200);
        let page = app.page(&format!("/achievements/{ach}?lang=en"), None).await;
        assert!(page.text.contains("Smart control for sugarcane harvesters"), "{}", page.text);
        assert!(page.text.contains("Machine-translated from Chinese"), "{}", page.text);
        assert!(page.text.contains(&format!("/achievements/{ach}?content=original")));
        let original = app.page(&format!("/achievements/{ach}?lang=en&content=original"), None).await;
        assert!(original.text.contains("基于深度学习的甘蔗收割机智能控制系统"));
    }
}

db_test! {
    async fn a_form_posted_from_another_site_is_refused(app: TestApp) {
        let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .post(format!("{}/logout", app.base_url))
            .header("origin", "https://evil.example")
            .header("cookie", format!("tm_session={firm}"))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 403);
        assert_eq!(app.get("/api/v1/me", Some(&firm)).await.status, 200, "the session survived");
    }
}

db_test! {
    async fn a_search_saved_from_the_search_page_alerts_on_a_new_listing(app: TestApp) {
        let op = app.operator_token().await;
        let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
        let res = app
            .submit("/saved-searches", Some(&firm), &[("name", "甘蔗机械"), ("q", "甘蔗"), ("industry", "modern_agriculture"), ("kind", "achievement")])
            .await;
        assert_eq!(res.status, 303, "{}", res.text);
        let page = app.page("/saved-searches", Some(&firm)).await;
        assert!(page.text.contains("甘蔗机械"), "{}", page.text);
        // A fitting achievement is published: the alert arrives as a notification.
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (ach, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        app.publish_listing("achievements", &ach, &uni, &op).await;
        app.run_jobs().await;
        let notes = app.get("/api/v1/notifications", Some(&firm)).await;
        assert!(notes.text.contains(&ach), "the alert links the new achievement: {}", notes.text);
        // Deleting it asks first (data-confirm) and removes it.
        assert!(page.text.contains("data-confirm"));
        let id = app.get("/api/v1/saved-searches", Some(&firm)).await.body[0]["id"].as_str().expect("id").to_owned();
        let res = app.submit(&format!("/saved-searches/{id}/delete"), Some(&firm), &[]).await;
        assert_eq!(res.status, 303);
        assert_eq!(app.get("/api/v1/saved-searches", Some(&firm)).await.body.as_array().map(Vec::len), Some(0));
    }
}

db_test! {
    async fn the_broker_directory_and_the_publicity_board_are_public(app: TestApp) {
        let res = app.page("/brokers", None).await;
        assert_eq!(res.status, 200);
        assert!(res.text.contains("没有符合条件的技术经理人"), "an empty directory says so: {}", res.text);
        let res = app.page("/publicity", None).await;
        assert_eq!(res.status, 200);
        assert!(res.text.contains("目前没有公示中的交易"), "{}", res.text);
    }
}
