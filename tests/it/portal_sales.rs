//! The portal's pages for listed-price sales and auctions (issue #17), without JavaScript: the
//! owner lists an achievement at a price from its page; a verified enterprise sees "listed at
//! … buy at this price", confirms, and is sent to its new deal; a second buyer sees the sale
//! refused and "sold"; the public list of auctions filters by state and the achievement's page
//! links its auctions; the seller cancels an auction and an operator records the refund on the
//! auction's page. Each on SQLite and PostgreSQL.

use integration_tests::db_test;
use integration_tests::http::USER_PASSWORD;
use serde_json::{json, Value};

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

/// The id in a redirect to `/<prefix>/<id>?…`.
fn id_in(location: &str, prefix: &str) -> String {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("not {prefix}…: {location}"))
        .to_owned()
}

db_test! {
    async fn an_owner_lists_at_a_price_and_the_first_confirmed_buyer_gets_the_deal_on_the_portal(app: TestApp) {
        let seller = app.seller("tto@shop.test").await;
        let op = seller.operator.clone();
        let _buyer = app.verified_enterprise(&op, "buyer@shop.test").await;
        let _late = app.verified_enterprise(&op, "late@shop.test").await;
        let _unverified = app.org_in("enterprise", "unv@shop.test", "450100", false).await;
        let owner = app.portal_login("tto@shop.test", USER_PASSWORD).await;
        let achievement_page = format!("/achievements/{}", seller.achievement);

        // The owner's achievement page offers the form; a stranger's does not.
        let page = app.page(&achievement_page, Some(&owner)).await;
        page.assert_status(200);
        assert!(page.text.contains(r#"id="list-at-price-form""#), "{}", page.text);
        let anon = app.page(&achievement_page, None).await;
        assert!(!anon.text.contains(r#"id="list-at-price-form""#));

        let ends = (chrono::Utc::now() + chrono::Duration::days(7)).format("%Y-%m-%dT%H:%M").to_string();
        let mut fields = vec![("achievement_id", seller.achievement.as_str()), ("price", "lots"), ("ends_at", ends.as_str())];
        let refused = app.submit("/price-listings/new", Some(&owner), &fields).await;
        refused.assert_status(200);
        assert!(refused.text.contains(r#"id="e-price""#), "{}", refused.text);
        fields[1].1 = "-5";
        let negative = app.submit("/price-listings/new", Some(&owner), &fields).await;
        negative.assert_status(200);
        assert!(negative.text.contains(r#"id="e-price""#), "{}", negative.text);
        let buyer_session = app.portal_login("buyer@shop.test", USER_PASSWORD).await;
        fields[1].1 = "88,000.00";
        // Someone else's achievement: the API's refusal on the form, nothing listed.
        let stranger = app.submit("/price-listings/new", Some(&buyer_session), &fields).await;
        stranger.assert_status(200);
        assert!(stranger.text.contains(r#"id="form-error""#), "{}", stranger.text);
        let none = app.get(&format!("/api/v1/price-listings?achievement_id={}", seller.achievement), None).await;
        assert_eq!(none.assert_status(200)["total"], 0);
        let made = app.submit("/price-listings/new", Some(&owner), &fields).await;
        assert_eq!(made.status.as_u16(), 303, "{}", made.text);
        let listing = id_in(made.location(), "/price-listings/");
        let api = app.get(&format!("/api/v1/price-listings/{listing}"), None).await;
        assert_eq!(api.assert_status(200)["price_minor"], 8_800_000);

        // The public page says "listed at ¥88,000.00 until …"; the anonymous reader is asked to
        // sign in, an unverified enterprise gets no button, a verified one does.
        let anon = app.page(&achievement_page, None).await;
        assert!(anon.text.contains(r#"id="listed-at""#) && anon.text.contains("8.80 万元"), "{}", anon.text);
        assert!(!anon.text.contains(r#"id="buy-at-price""#));
        let unverified = app.portal_login("unv@shop.test", USER_PASSWORD).await;
        let theirs = app.page(&achievement_page, Some(&unverified)).await;
        assert!(!theirs.text.contains(r#"id="buy-at-price""#));
        let confirm_page = app.page(&format!("/price-listings/{listing}"), Some(&unverified)).await;
        assert!(confirm_page.text.contains(r#"id="buy-not-offered""#), "{}", confirm_page.text);
        let mine = app.page(&achievement_page, Some(&buyer_session)).await;
        assert!(mine.text.contains(r#"id="buy-at-price""#), "{}", mine.text);
        // The confirmation step, then the commitment: the buyer lands on the new deal.
        let confirm = app.page(&format!("/price-listings/{listing}"), Some(&buyer_session)).await;
        confirm.assert_status(200);
        assert!(confirm.text.contains(r#"id="confirm-purchase""#), "{}", confirm.text);
        let bought = app.submit(&format!("/price-listings/{listing}/purchase"), Some(&buyer_session), &[]).await;
        assert_eq!(bought.status.as_u16(), 303, "{}", bought.text);
        let deal = id_in(bought.location(), "/deals/");
        let deal_page = app.page(bought.location(), Some(&buyer_session)).await;
        deal_page.assert_status(200);
        assert!(deal_page.text.contains(&deal));

        // Too late: the second buyer sees the refusal; the achievement's page says sold.
        let late = app.portal_login("late@shop.test", USER_PASSWORD).await;
        let again = app.submit(&format!("/price-listings/{listing}/purchase"), Some(&late), &[]).await;
        again.assert_status(200);
        assert!(again.text.contains(r#"id="form-error""#), "{}", again.text);
        assert!(again.text.contains(r#"data-status="sold""#), "{}", again.text);
        let sold = app.page(&achievement_page, None).await;
        assert!(sold.text.contains(r#"id="sold-badge""#), "{}", sold.text);
        let deals: i64 = {
            use sea_orm::{ConnectionTrait, Statement};
            let row = app
                .db
                .query_one(Statement::from_string(app.db.get_database_backend(), "SELECT COUNT(*) AS n FROM deals".to_owned()))
                .await
                .expect("query")
                .expect("row");
            row.try_get("", "n").expect("n")
        };
        assert_eq!(deals, 1);
        // Anonymous and malformed: sign in first; not a page.
        let anon_buy = app.submit(&format!("/price-listings/{listing}/purchase"), None, &[]).await;
        assert_eq!(anon_buy.status.as_u16(), 303, "to the sign-in page: {}", anon_buy.text);
        assert!(anon_buy.location().starts_with("/login"), "{}", anon_buy.location());
        assert_eq!(app.page("/price-listings/not-an-id", None).await.status.as_u16(), 404);
        assert_eq!(app.page("/price-listings/00000000-0000-0000-0000-000000000000", None).await.status.as_u16(), 404);
    }
}

db_test! {
    async fn the_auction_list_filters_by_state_and_the_seller_cancels_and_an_operator_records_the_refund(app: TestApp) {
        let seller = app.seller("tto@alist.test").await;
        let op = seller.operator.clone();
        let bidder = app.verified_enterprise(&op, "bidder@alist.test").await;
        // One auction cancelled (with a deposit), then one running on the same achievement.
        let first = s(&app.auction(&seller, 600_000, json!({})).await["id"]);
        let deposit = s(&app.deposit(&op, &first, &bidder.id).await["id"]);
        let owner = app.portal_login("tto@alist.test", USER_PASSWORD).await;
        let page = app.page(&format!("/auctions/{first}"), Some(&owner)).await;
        assert!(page.text.contains(r#"id="cancel-auction""#), "the seller may cancel before a bid: {}", page.text);
        let anon = app.page(&format!("/auctions/{first}"), None).await;
        assert!(!anon.text.contains(r#"id="cancel-auction""#));
        let bidder_session = app.portal_login("bidder@alist.test", USER_PASSWORD).await;
        let by_bidder = app.submit(&format!("/auctions/{first}/cancel"), Some(&bidder_session), &[("reason", "no")]).await;
        by_bidder.assert_status(200);
        assert!(by_bidder.text.contains(r#"id="form-error""#), "{}", by_bidder.text);
        let cancelled = app.submit(&format!("/auctions/{first}/cancel"), Some(&owner), &[("reason", "样例 sample: withdrawn")]).await;
        assert_eq!(cancelled.status.as_u16(), 303, "{}", cancelled.text);
        assert_eq!(cancelled.location(), format!("/auctions/{first}?flash=auction_cancelled"));
        let shown = app.page(&format!("/auctions/{first}"), None).await;
        assert!(shown.text.contains(r#"id="cancel-note""#) && shown.text.contains("样例 sample: withdrawn"), "{}", shown.text);

        // The operator records the refund on the page; the bidder sees it.
        let op_email = "op-alist@ops.test";
        listing::domain::accounts::create_operator(&app.db, op_email, "Operator", integration_tests::http::OPERATOR_PASSWORD)
            .await
            .expect("operator");
        let op_session = app.portal_login(op_email, integration_tests::http::OPERATOR_PASSWORD).await;
        let refund_path = format!("/auctions/{first}/deposits/{deposit}/refund");
        let op_page = app.page(&format!("/auctions/{first}"), Some(&op_session)).await;
        assert!(op_page.text.contains(&format!(r#"action="{refund_path}""#)), "{}", op_page.text);
        let bad = app.submit(&refund_path, Some(&op_session), &[("paid_on", "yesterday"), ("reference", "x")]).await;
        bad.assert_status(200);
        let today = chrono::Utc::now().date_naive().to_string();
        let by_bidder = app.submit(&refund_path, Some(&bidder_session), &[("paid_on", today.as_str()), ("reference", "mine")]).await;
        by_bidder.assert_status(200);
        let recorded = app.submit(&refund_path, Some(&op_session), &[("paid_on", today.as_str()), ("reference", "样例 sample REF-42")]).await;
        assert_eq!(recorded.status.as_u16(), 303, "{}", recorded.text);
        let seen = app.page(&format!("/auctions/{first}"), Some(&bidder_session)).await;
        assert!(seen.text.contains("样例 sample REF-42"), "{}", seen.text);

        let second = s(&app.auction(&seller, 600_000, json!({})).await["id"]);
        // The list: all, then by state; junk filters list everything rather than fail.
        let all = app.page("/auctions", None).await;
        all.assert_status(200);
        assert!(all.text.contains(&first) && all.text.contains(&second), "{}", all.text);
        let only_cancelled = app.page("/auctions?status=cancelled", None).await;
        assert!(only_cancelled.text.contains(&first) && !only_cancelled.text.contains(&second), "{}", only_cancelled.text);
        let only_open = app.page("/auctions?status=open", None).await;
        assert!(!only_open.text.contains(&first) && only_open.text.contains(&second), "{}", only_open.text);
        let ended = app.page("/auctions?status=sold", None).await;
        assert!(ended.text.contains(r#"id="no-auctions""#), "{}", ended.text);
        for junk in ["/auctions?status=%00%27", "/auctions?page=99999", "/auctions?page=-1"] {
            let res = app.page(junk, None).await;
            assert!(res.status.as_u16() < 500, "{junk}: {}", res.status);
        }
        let api = app.get("/api/v1/auctions?status=closing", None).await;
        assert_eq!(api.assert_status(200)["total"], 0);
        app.get("/api/v1/auctions?status=bogus", None).await.assert_problem(400, "bad_request");
        // The achievement's page links both auctions.
        let ach = app.page(&format!("/achievements/{}", seller.achievement), None).await;
        assert!(ach.text.contains(&format!(r#"href="/auctions/{first}""#)) && ach.text.contains(&format!(r#"href="/auctions/{second}""#)), "{}", ach.text);
    }
}
