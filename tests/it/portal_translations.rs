//! The owner's translations page (`/achievements/{id}/translations`): adding and editing a
//! translation through the portal's forms, and what everyone else gets (anonymous readers are
//! sent to sign in, another organisation's member finds nothing and changes nothing, malformed
//! and enormous posts get a 4xx page, never a 5xx).

use integration_tests::db_test;
use integration_tests::http::USER_PASSWORD;
use integration_tests::listings::achievement_body;
use integration_tests::TestApp;
use serde_json::Value;

/// The stored translations of an achievement, as its owner reads them through the API.
async fn translations(app: &TestApp, id: &str, token: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/achievements/{id}/translations"),
        Some(token),
    )
    .await
    .assert_status(200)
    .as_array()
    .expect("a list")
    .clone()
}

db_test! {
    async fn the_owner_adds_and_edits_a_translation_and_nobody_else_can(app: TestApp) {
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (id, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let owner = app.portal_login("tto@uni.test", USER_PASSWORD).await;
        let page_path = format!("/achievements/{id}/translations");

        // The listing page links to it; the page offers the languages without a text.
        let listing = app.page(&format!("/achievements/{id}"), Some(&owner)).await;
        assert!(listing.text.contains(&format!("href=\"{page_path}\"")), "{}", listing.text);
        let page = app.page(&page_path, Some(&owner)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(page.text.contains("data-testid=\"no-translations\""));
        assert!(page.text.contains("<option value=\"vi\">vi</option>"));

        // Add a Vietnamese machine translation.
        let add = [
            ("language", "vi"),
            ("title", "Công nghệ điều khiển chiều cao cắt của máy thu hoạch mía"),
            ("summary", "Tự động điều chỉnh chiều cao cắt để giảm tạp chất."),
            ("description", ""),
            ("keywords", "mía, máy thu hoạch，tạp chất"),
            ("provenance", "machine"),
        ];
        let res = app.submit(&page_path, Some(&owner), &add).await;
        assert_eq!(res.status, 303, "{}", res.text);
        assert_eq!(res.location(), format!("{page_path}?flash=saved"));
        let stored = translations(&app, &id, &uni).await;
        assert_eq!(stored.len(), 1, "{stored:?}");
        assert_eq!(stored[0]["language"], "vi");
        assert_eq!(stored[0]["provenance"], "machine");
        assert_eq!(stored[0]["keywords"].as_array().map(Vec::len), Some(3), "both commas split");
        let version = stored[0]["version"].as_i64().expect("version").to_string();

        // Edit it: a human now stands behind it.
        let page = app.page(&page_path, Some(&owner)).await;
        assert!(page.text.contains("data-language=\"vi\""), "{}", page.text);
        let edit = [
            ("language", "vi"),
            ("version", version.as_str()),
            ("title", "Kiểm soát chiều cao cắt cho máy thu hoạch mía"),
            ("summary", "Tự động điều chỉnh chiều cao cắt để giảm tạp chất."),
            ("keywords", "mía"),
            ("provenance", "human"),
        ];
        let res = app.submit(&page_path, Some(&owner), &edit).await;
        assert_eq!(res.status, 303, "{}", res.text);
        let stored = translations(&app, &id, &uni).await;
        assert_eq!(stored[0]["title"], "Kiểm soát chiều cao cắt cho máy thu hoạch mía");
        assert_eq!(stored[0]["provenance"], "human");
        // The same stale version again is a conflict, shown as a page, not a crash (refused
        // forms answer 200 with the explanation: see the portal's `refused_forms_are_pages`).
        let res = app.submit(&page_path, Some(&owner), &edit).await;
        assert_eq!(res.status, 200, "{}", res.text);
        assert!(res.text.contains("(409)"), "{}", res.text);

        // Anonymous: sent to sign in, for the page and for a post.
        let res = app.page(&page_path, None).await;
        assert_eq!(res.status, 303);
        assert!(res.location().starts_with("/login"), "{}", res.location());
        let res = app.submit(&page_path, None, &add).await;
        assert!(res.status == 303 && res.location().starts_with("/login"), "{}", res.status);

        // Another organisation's member: not found, and nothing changes.
        app.sign_up("university", "tto@other.test").await;
        let other = app.portal_login("tto@other.test", USER_PASSWORD).await;
        assert_eq!(app.page(&page_path, Some(&other)).await.status, 404);
        let mut hostile = add;
        hostile[0] = ("language", "th");
        assert_eq!(app.submit(&page_path, Some(&other), &hostile).await.status, 404);
        assert_eq!(translations(&app, &id, &uni).await.len(), 1, "nothing added by a stranger");

        // Malformed and enormous posts: 4xx pages, nothing stored.
        let mut bad_language = add;
        bad_language[0] = ("language", "../../orgs");
        let res = app.submit(&page_path, Some(&owner), &bad_language).await;
        assert!(res.status == 200 && res.text.contains("(422)"), "{}: {}", res.status, res.text);
        let huge = "长".repeat(30_000);
        let mut enormous = add;
        enormous[0] = ("language", "th");
        enormous[2] = ("summary", huge.as_str());
        assert_eq!(app.submit(&page_path, Some(&owner), &enormous).await.status, 413);
        let mut no_title = add;
        no_title[0] = ("language", "th");
        no_title[1] = ("title", "");
        let res = app.submit(&page_path, Some(&owner), &no_title).await;
        assert!(res.text.contains("(422)") || res.status.is_client_error(), "{}: {}", res.status, res.text);
        let res = app.submit(&page_path, Some(&owner), &[("language", "th")]).await;
        assert!(res.status.is_client_error(), "missing fields: {}", res.status);
        assert_eq!(app.page("/achievements/not-a-uuid/translations", Some(&owner)).await.status, 404);
        assert_eq!(translations(&app, &id, &uni).await.len(), 1, "nothing else stored");
    }
}
