//! Listed-price sales (挂牌) and English auctions (竞价), issue #17: the first commitment wins;
//! 50 bids at once at the same amount — exactly one accepted; bids below the increment, after
//! the end or without deposit refused with a clear problem; a late bid extends the end; the
//! winner's deal opens at exactly the winning price; a reserve not met records no sale; the
//! bid log verifies from its download, no API edits a bid, and a row changed in the database
//! fails verification. Each on SQLite and PostgreSQL.

use integration_tests::db_test;
use integration_tests::http::TestApp;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

/// Sleeps until the auction's current end has passed (a few seconds at most in these tests).
async fn wait_past_end(app: &TestApp, auction: &str) {
    let a = app.get(&format!("/api/v1/auctions/{auction}"), None).await;
    let ends: chrono::DateTime<chrono::Utc> = s(&a.assert_status(200)["ends_at"])
        .parse()
        .expect("ends_at");
    let left = ends - chrono::Utc::now() + chrono::Duration::milliseconds(150);
    if let Ok(left) = left.to_std() {
        assert!(left.as_secs() < 30, "test auction ends too late: {left:?}");
        tokio::time::sleep(left).await;
    }
}

/// Recomputes the chain of a downloaded bid log independently of the platform's code.
fn chain_holds(log: &Value) -> bool {
    let auction = s(&log["auction_id"]);
    let currency = s(&log["currency"]);
    let genesis = hex::encode(Sha256::digest(format!("techmarket-auction\n{auction}")));
    if log["genesis_hash"] != json!(genesis) {
        return false;
    }
    let mut prev = genesis;
    for (i, b) in log["bids"].as_array().expect("bids").iter().enumerate() {
        let canonical = format!(
            "{prev}\n{auction}|{}|{}|{}|{currency}|{}",
            b["seq"],
            b["paddle"],
            b["amount_minor"],
            s(&b["placed_at"])
        );
        let hash = hex::encode(Sha256::digest(canonical));
        if b["seq"] != json!(i + 1) || b["prev_hash"] != json!(prev) || b["hash"] != json!(hash) {
            return false;
        }
        prev = hash;
    }
    log["head_hash"] == json!(prev)
}

db_test! {
    async fn the_first_commitment_at_a_listed_price_wins_and_opens_an_agreed_deal(app: TestApp) {
        let seller = app.seller("tto@list.test").await;
        let op = &seller.operator;
        let a = app.verified_enterprise(op, "a@list.test").await;
        let b = app.verified_enterprise(op, "b@list.test").await;
        let unverified = app.org_in("enterprise", "u@list.test", "450100", false).await;
        let ends = (chrono::Utc::now() + chrono::Duration::days(10)).to_rfc3339();
        let body = json!({"achievement_id": seller.achievement, "price_minor": 12_345_600, "currency": "CNY", "ends_at": ends});

        // Hostile offers: anonymous, a stranger, bad amounts, an unknown currency.
        app.post("/api/v1/price-listings", None, &body).await.assert_problem(401, "unauthorized");
        app.post("/api/v1/price-listings", Some(&a.token), &body).await.assert_problem(403, "forbidden");
        for bad in [json!(-1), json!(0), json!(i64::MAX)] {
            let mut bad_body = body.clone();
            bad_body["price_minor"] = bad;
            app.post("/api/v1/price-listings", Some(&seller.org.token), &bad_body).await.assert_problem(422, "validation_failed");
        }
        let mut wrong_currency = body.clone();
        wrong_currency["currency"] = json!("XXX");
        app.post("/api/v1/price-listings", Some(&seller.org.token), &wrong_currency).await.assert_problem(422, "validation_failed");
        let mut past = body.clone();
        past["ends_at"] = json!((chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339());
        app.post("/api/v1/price-listings", Some(&seller.org.token), &past).await.assert_problem(422, "validation_failed");

        let listing = app.post("/api/v1/price-listings", Some(&seller.org.token), &body).await;
        let listing = listing.assert_status(201).clone();
        let id = s(&listing["id"]);
        assert_eq!(listing["status"], "open");
        assert!(listing["server_time"].is_string());
        // A second offer of the same achievement while the first is open.
        app.post("/api/v1/price-listings", Some(&seller.org.token), &body).await.assert_problem(409, "sale_exists");

        let buy = format!("/api/v1/price-listings/{id}/purchase");
        app.post(&buy, None, &json!({})).await.assert_problem(401, "unauthorized");
        app.post(&buy, Some(&seller.org.token), &json!({})).await.assert_problem(403, "forbidden");
        app.post(&buy, Some(&unverified.token), &json!({})).await.assert_problem(403, "forbidden");
        app.post("/api/v1/price-listings/00000000-0000-0000-0000-000000000000/purchase", Some(&a.token), &json!({}))
            .await
            .assert_problem(404, "not_found");

        // Two verified buyers commit at once: exactly one wins.
        let empty = json!({});
        let (ra, rb) = tokio::join!(app.post(&buy, Some(&a.token), &empty), app.post(&buy, Some(&b.token), &empty));
        let (winner, loser) = match (ra.status.as_u16(), rb.status.as_u16()) {
            (201, _) => ((ra, &a), (rb, &b)),
            (_, 201) => ((rb, &b), (ra, &a)),
            other => panic!("no purchase won: {other:?} {} {}", ra.text, rb.text),
        };
        loser.0.assert_problem(409, "already_sold");
        let sold = winner.0.assert_status(201);
        assert_eq!(sold["status"], "sold");
        assert_eq!(sold["buyer_organisation_id"], json!(winner.1.id));
        let deal_id = s(&sold["deal_id"]);
        // The loser's retry changes nothing either.
        app.post(&buy, Some(&loser.1.token), &json!({})).await.assert_problem(409, "already_sold");

        let deal = app.get(&format!("/api/v1/deals/{deal_id}"), Some(&winner.1.token)).await;
        let deal = deal.assert_status(200);
        assert_eq!(deal["stage"], "agreed");
        assert_eq!(deal["origin"], "listed_price");
        assert_eq!(deal["mode"], "fixed_price");
        assert_eq!(deal["publicity"]["required"], false);
        let price = app.get(&format!("/api/v1/deals/{deal_id}/price"), Some(&winner.1.token)).await;
        let price = price.assert_status(200);
        assert_eq!(price["amount_minor"], 12_345_600);
        assert_eq!(price["method"], "listed");
        app.get(&format!("/api/v1/deals/{deal_id}"), Some(&loser.1.token)).await.assert_problem(404, "not_found");
        let deals: i64 = count(&app, "SELECT COUNT(*) AS n FROM deals").await;
        assert_eq!(deals, 1, "one purchase, one deal");

        // The listing service hears of the sale through the queue and closes the achievement.
        app.run_jobs().await;
        let ach = app.get(&format!("/api/v1/achievements/{}", seller.achievement), Some(&seller.org.token)).await;
        assert_eq!(ach.assert_status(200)["status"], "closed");
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one(Statement::from_string(backend, sql.to_owned()))
        .await
        .expect("query")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("count")
}

db_test! {
    async fn fifty_bids_at_once_at_the_same_amount_one_is_accepted(app: TestApp) {
        let seller = app.seller("tto@race.test").await;
        let op = seller.operator.clone();
        // Hostile schedules: anonymous, a stranger, nonsense amounts and times.
        let stranger = app.verified_enterprise(&op, "stranger@race.test").await;
        let ends = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
        let good = json!({"achievement_id": seller.achievement, "currency": "CNY", "starting_price_minor": 1_000_000,
            "increment_minor": 50_000, "deposit_minor": 100_000, "ends_at": ends, "extension_window_secs": 0, "extension_secs": 0});
        app.post("/api/v1/auctions", None, &good).await.assert_problem(401, "unauthorized");
        app.post("/api/v1/auctions", Some(&stranger.token), &good).await.assert_problem(403, "forbidden");
        for (field, bad) in [("increment_minor", json!(-5)), ("reserve_price_minor", json!(999_999)), ("starting_price_minor", json!(i64::MAX)),
            ("ends_at", json!("2001-01-01T00:00:00Z")), ("starts_at", json!("9999-12-31T23:59:59Z")), ("extension_secs", json!(86_400_000))] {
            let mut body = good.clone();
            body[field] = bad;
            let r = app.post("/api/v1/auctions", Some(&seller.org.token), &body).await;
            assert_eq!(r.assert_problem(422, "validation_failed")["fields"][0]["path"], field, "{}", r.text);
        }
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM auctions").await, 0);
        let auction = app.auction(&seller, 120_000, json!({})).await;
        // A second auction of the same achievement while this one runs.
        app.post("/api/v1/auctions", Some(&seller.org.token), &good).await.assert_problem(409, "already_exists");
        let id = s(&auction["id"]);
        let mut bidders = Vec::new();
        for i in 0..5 {
            let org = app.verified_enterprise(&op, &format!("b{i}@race.test")).await;
            app.deposit(&op, &id, &org.id).await;
            bidders.push(org);
        }
        let path = format!("/api/v1/auctions/{id}/bids");
        let body = json!({"amount_minor": 1_000_000});
        let answers = futures::future::join_all(
            (0..50).map(|i| app.post(&path, Some(&bidders[i % 5].token), &body)),
        )
        .await;
        let accepted = answers.iter().filter(|r| r.status.as_u16() == 201).count();
        assert_eq!(accepted, 1, "exactly one of 50 equal bids is accepted");
        for r in answers.iter().filter(|r| r.status.as_u16() != 201) {
            assert_eq!(r.status.as_u16(), 409, "a losing bid is a 409: {}", r.text);
            assert!(r.content_type().starts_with("application/problem+json"));
            assert!(["bid_too_low", "outbid"].contains(&r.body["code"].as_str().unwrap_or("")), "{}", r.text);
            assert!(r.body["detail"].as_str().unwrap_or("").contains("at least 1050000"), "{}", r.text);
        }
        let after = app.get(&format!("/api/v1/auctions/{id}"), None).await;
        let after = after.assert_status(200);
        assert_eq!(after["bid_count"], 1);
        assert_eq!(after["current_price_minor"], 1_000_000);
        assert_eq!(after["next_minimum_minor"], 1_050_000);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM auction_bids").await, 1);
        // The reserve stays hidden from bidders and the public while the auction runs.
        assert_eq!(after["reserve_price_minor"], Value::Null);
    }
}

db_test! {
    async fn bids_below_the_increment_without_deposit_or_after_the_end_are_refused(app: TestApp) {
        let seller = app.seller("tto@refuse.test").await;
        let op = seller.operator.clone();
        // Everyone signs up first (the slow part), so the auction's few seconds are all left
        // for the calls that need it open.
        let bidder = app.verified_enterprise(&op, "bidder@refuse.test").await;
        let no_deposit = app.verified_enterprise(&op, "nodep@refuse.test").await;
        let unverified = app.org_in("enterprise", "unv@refuse.test", "450100", false).await;
        let auction = app.auction(&seller, 6_000, json!({"reserve_price_minor": 1_500_000})).await;
        let id = s(&auction["id"]);
        let deposits = format!("/api/v1/auctions/{id}/deposits");
        let dep = json!({"organisation_id": bidder.id, "amount_minor": 100_000});
        // Only operators record deposits; not for the unverified, the seller, nor too small.
        app.post(&deposits, Some(&bidder.token), &dep).await.assert_problem(403, "forbidden");
        app.post(&deposits, None, &dep).await.assert_problem(401, "unauthorized");
        app.post(&deposits, Some(&op), &json!({"organisation_id": unverified.id, "amount_minor": 100_000}))
            .await
            .assert_problem(409, "organisation_not_verified");
        app.post(&deposits, Some(&op), &json!({"organisation_id": seller.org.id, "amount_minor": 100_000}))
            .await
            .assert_problem(409, "own_auction");
        app.post(&deposits, Some(&op), &json!({"organisation_id": bidder.id, "amount_minor": 99_999}))
            .await
            .assert_problem(422, "validation_failed");
        let (d1, d2) = tokio::join!(app.post(&deposits, Some(&op), &dep), app.post(&deposits, Some(&op), &dep));
        let statuses = [d1.status.as_u16(), d2.status.as_u16()];
        assert!(statuses.contains(&201) && statuses.iter().filter(|s| **s == 201).count() == 1, "one deposit recorded: {} {}", d1.text, d2.text);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM auction_deposits").await, 1);

        let bids = format!("/api/v1/auctions/{id}/bids");
        app.post(&bids, None, &json!({"amount_minor": 1_000_000})).await.assert_problem(401, "unauthorized");
        app.post(&bids, Some(&no_deposit.token), &json!({"amount_minor": 1_000_000})).await.assert_problem(409, "deposit_required");
        app.post(&bids, Some(&unverified.token), &json!({"amount_minor": 1_000_000})).await.assert_problem(403, "forbidden");
        app.post(&bids, Some(&seller.org.token), &json!({"amount_minor": 1_000_000})).await.assert_problem(403, "forbidden");
        let low = app.post(&bids, Some(&bidder.token), &json!({"amount_minor": 999_999})).await;
        assert!(s(&low.assert_problem(409, "bid_too_low")["detail"]).contains("at least 1000000"));
        app.post(&bids, Some(&bidder.token), &json!({"amount_minor": 1_000_000})).await.assert_status(201);
        let below_increment = app.post(&bids, Some(&bidder.token), &json!({"amount_minor": 1_049_999})).await;
        assert!(s(&below_increment.assert_problem(409, "bid_too_low")["detail"]).contains("at least 1050000"));
        // Malformed and enormous bodies.
        app.post(&bids, Some(&bidder.token), &json!({"amount_minor": "lots"})).await.assert_problem(422, "validation_failed");
        app.post(&bids, Some(&bidder.token), &json!({"amount_minor": i64::MAX})).await.assert_problem(422, "validation_failed");
        app.post(&bids, Some(&bidder.token), &json!({"amount_minor": 1_100_000, "paddle": 1})).await.assert_problem(422, "validation_failed");
        // Just over the body limit (as in bad_input): a far larger body may still be on its way
        // when the server answers 413 and closes, which the client sees as a broken connection.
        let mut huge = br#"{"amount_minor": 1"#.to_vec();
        huge.extend(std::iter::repeat_n(b'0', app.state.config.server.body_limit_bytes + 10));
        huge.push(b'}');
        app.client_request(Method::POST, &bids, &bidder.token, "application/json", huge).await.assert_problem(413, "payload_too_large");
        // A bidder sees its own deposit only; the seller all.
        let mine = app.get(&deposits, Some(&no_deposit.token)).await;
        assert_eq!(mine.assert_status(200).as_array().map(Vec::len), Some(0));
        let all = app.get(&deposits, Some(&seller.org.token)).await;
        assert_eq!(all.assert_status(200).as_array().map(Vec::len), Some(1));

        wait_past_end(&app, &id).await;
        let late = app.post(&bids, Some(&bidder.token), &json!({"amount_minor": 5_000_000})).await;
        late.assert_problem(409, "auction_ended");
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM auction_bids").await, 1);

        // The reserve (1,500,000) was not met: no sale, no deal, deposits to be refunded.
        let close = format!("/api/v1/auctions/{id}/close");
        app.post(&close, Some(&bidder.token), &json!({})).await.assert_problem(403, "forbidden");
        let closed = app.post(&close, Some(&op), &json!({})).await;
        let closed = closed.assert_status(200);
        assert_eq!(closed["status"], "no_sale");
        assert_eq!(closed["reserve_met"], false);
        assert_eq!(closed["reserve_price_minor"], 1_500_000);
        assert_eq!(closed["deal_id"], Value::Null);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM deals").await, 0);
        let deps = app.get(&deposits, Some(&op)).await;
        assert_eq!(deps.assert_status(200)[0]["status"], "refund_due");
        // The close job that comes later finds nothing to do; the achievement stays published.
        app.run_jobs().await;
        let ach = app.get(&format!("/api/v1/achievements/{}", seller.achievement), None).await;
        assert_eq!(ach.assert_status(200)["status"], "published");
        let notices = app.get("/api/v1/notifications", Some(&bidder.token)).await;
        let notices = notices.assert_status(200);
        assert!(notices.as_array().expect("notifications").iter().any(|n| n["kind"] == "auction_ended"), "{notices}");
    }
}

db_test! {
    async fn a_late_bid_extends_the_end_and_the_winner_gets_a_deal_at_exactly_that_price(app: TestApp) {
        let seller = app.seller("tto@win.test").await;
        let op = seller.operator.clone();
        let broker = app.verified_broker("broker@win.test", "竞价经纪人", &op).await;
        let a = app.verified_enterprise(&op, "a@win.test").await;
        let b = app.verified_enterprise(&op, "b@win.test").await;
        let auction = app
            .auction(&seller, 4_000, json!({"extension_window_secs": 3600, "extension_secs": 6, "reserve_price_minor": 1_020_000, "broker_id": broker.id}))
            .await;
        let id = s(&auction["id"]);
        let scheduled: chrono::DateTime<chrono::Utc> = s(&auction["scheduled_ends_at"]).parse().expect("end");
        app.deposit(&op, &id, &a.id).await;
        app.deposit(&op, &id, &b.id).await;
        let bids = format!("/api/v1/auctions/{id}/bids");
        let first = app.post(&bids, Some(&a.token), &json!({"amount_minor": 1_000_000})).await;
        let first = first.assert_status(201).clone();
        let second = app.post(&bids, Some(&b.token), &json!({"amount_minor": 1_234_567})).await;
        let second = second.assert_status(201).clone();
        // In the last minutes: the end moved to 6 s after the bid, past the scheduled end.
        let ends: chrono::DateTime<chrono::Utc> = s(&second["auction"]["ends_at"]).parse().expect("end");
        let placed: chrono::DateTime<chrono::Utc> = s(&second["bid"]["placed_at"]).parse().expect("placed");
        assert!(ends > scheduled, "extended: {ends} > {scheduled}");
        assert_eq!(ends, placed + chrono::Duration::seconds(6));
        assert_eq!(second["auction"]["leading_paddle"], second["bid"]["paddle"]);
        assert_eq!(second["bid"]["prev_hash"], first["bid"]["hash"]);

        // Before the end the close does nothing and the operator's close is refused.
        app.run_jobs().await;
        app.post(&format!("/api/v1/auctions/{id}/close"), Some(&op), &json!({})).await.assert_problem(409, "auction_not_ended");
        wait_past_end(&app, &id).await;
        app.run_jobs().await;
        let closed = app.get(&format!("/api/v1/auctions/{id}"), Some(&b.token)).await;
        let closed = closed.assert_status(200).clone();
        assert_eq!(closed["status"], "sold");
        assert_eq!(closed["reserve_met"], true);
        let deal_id = s(&closed["deal_id"]);
        let deal = app.get(&format!("/api/v1/deals/{deal_id}"), Some(&b.token)).await;
        let deal = deal.assert_status(200);
        assert_eq!(deal["stage"], "agreed");
        assert_eq!(deal["origin"], "auction");
        assert_eq!(deal["mode"], "auction");
        assert_eq!(deal["buyer_organisation_id"], json!(b.id));
        assert_eq!(deal["brokers"][0]["broker_id"], json!(broker.id));
        let price = app.get(&format!("/api/v1/deals/{deal_id}/price"), Some(&b.token)).await;
        let price = price.assert_status(200);
        assert_eq!(price["amount_minor"], 1_234_567, "exactly the winning bid");
        assert_eq!(price["method"], "auction");
        // The broker sees it on their board; the loser does not see the deal.
        let board = app.get("/api/v1/deals", Some(&broker.token)).await;
        assert!(board.assert_status(200)["items"].as_array().expect("items").iter().any(|d| d["id"] == json!(deal_id)));
        app.get(&format!("/api/v1/deals/{deal_id}"), Some(&a.token)).await.assert_problem(404, "not_found");
        // Deposits: the winner's applied, the other's to be refunded.
        let deps = app.get(&format!("/api/v1/auctions/{id}/deposits"), Some(&op)).await;
        for d in deps.assert_status(200).as_array().expect("deposits") {
            let want = if d["organisation_id"] == json!(b.id) { "applied" } else { "refund_due" };
            assert_eq!(d["status"], want, "{d}");
        }
        // Notifications: the outbid bidder heard, everyone heard of the end.
        let notes_a = app.get("/api/v1/notifications", Some(&a.token)).await;
        let kinds: Vec<String> = notes_a.assert_status(200).as_array().expect("notifications").iter().map(|n| s(&n["kind"])).collect();
        assert!(kinds.contains(&"auction_outbid".to_owned()) && kinds.contains(&"auction_ended".to_owned()), "{kinds:?}");
        // Running the queue again opens no second deal; the achievement is closed.
        app.run_jobs().await;
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM deals").await, 1);
        let ach = app.get(&format!("/api/v1/achievements/{}", seller.achievement), Some(&seller.org.token)).await;
        assert_eq!(ach.assert_status(200)["status"], "closed");
        app.post(&bids, Some(&a.token), &json!({"amount_minor": 9_000_000})).await.assert_problem(409, "auction_ended");
    }
}

db_test! {
    async fn the_bid_log_verifies_cannot_be_edited_and_a_changed_row_fails_verification(app: TestApp) {
        let seller = app.seller("tto@chain.test").await;
        let op = seller.operator.clone();
        let auction = app.auction(&seller, 120_000, json!({})).await;
        let id = s(&auction["id"]);
        let a = app.verified_enterprise(&op, "a@chain.test").await;
        let b = app.verified_enterprise(&op, "b@chain.test").await;
        app.deposit(&op, &id, &a.id).await;
        app.deposit(&op, &id, &b.id).await;
        let bids = format!("/api/v1/auctions/{id}/bids");
        for (who, amount) in [(&a, 1_000_000), (&b, 1_050_000), (&a, 1_200_000)] {
            app.post(&bids, Some(&who.token), &json!({"amount_minor": amount})).await.assert_status(201);
        }
        let log = app.get(&format!("/api/v1/auctions/{id}/bid-log"), None).await;
        let log = log.assert_status(200).clone();
        assert_eq!(log["bids"].as_array().map(Vec::len), Some(3));
        assert!(chain_holds(&log), "the downloaded log verifies: {log}");
        let head = log["head_hash"].clone();
        let check = app.get(&format!("/api/v1/auctions/{id}/verification"), None).await;
        assert_eq!(check.assert_status(200)["valid"], true);

        // No API edits or deletes a bid.
        for method in [Method::PUT, Method::PATCH, Method::DELETE] {
            let r = app.request(method.clone(), &bids, Some(&op), Some(&json!({"amount_minor": 1}))).await;
            assert_eq!(r.status.as_u16(), 405, "{method} on bids: {}", r.text);
            let r = app.request(method.clone(), &format!("/api/v1/auctions/{id}/bid-log"), Some(&op), Some(&json!({}))).await;
            assert_eq!(r.status.as_u16(), 405, "{method} on the log: {}", r.text);
        }

        // Someone with database access lowers the second bid.
        let backend = app.db.get_database_backend();
        // (The only auction of this test, so the row is named by its number alone.)
        let sql = "UPDATE auction_bids SET amount_minor = 1000001 WHERE seq = 2".to_owned();
        let changed = app.db.execute(Statement::from_string(backend, sql)).await.expect("update");
        assert_eq!(changed.rows_affected(), 1);
        let check = app.get(&format!("/api/v1/auctions/{id}/verification"), None).await;
        let check = check.assert_status(200);
        assert_eq!(check["valid"], false);
        assert_eq!(check["first_invalid_seq"], 2);
        let tampered = app.get(&format!("/api/v1/auctions/{id}/bid-log"), None).await;
        let tampered = tampered.assert_status(200);
        assert!(!chain_holds(tampered), "a changed row fails the independent check too");
        assert_eq!(tampered["head_hash"], head, "the published head still names the true log");
    }
}

db_test! {
    async fn the_auction_page_works_without_javascript_and_streams_bids(app: TestApp) {
        let seller = app.seller("tto@page.test").await;
        let op = seller.operator.clone();
        let auction = app.auction(&seller, 120_000, json!({})).await;
        let id = s(&auction["id"]);
        let bidder = app.verified_enterprise(&op, "bidder@page.test").await;
        app.deposit(&op, &id, &bidder.id).await;
        let path = format!("/auctions/{id}");

        // Without JavaScript: the page refreshes itself while the auction runs and shows the
        // server's clock; anonymous readers are asked to sign in to bid.
        let anon = app.page(&path, None).await;
        anon.assert_status(200);
        assert!(anon.text.contains(r#"<noscript><meta http-equiv="refresh""#), "{}", anon.text);
        assert!(anon.text.contains(r#"id="server-clock""#));
        assert!(!anon.text.contains(r#"id="place-bid""#));

        let session = app.portal_login("bidder@page.test", integration_tests::http::USER_PASSWORD).await;
        let page = app.page(&path, Some(&session)).await;
        page.assert_status(200);
        assert!(page.text.contains(r#"id="place-bid""#), "the bidder gets the form");
        let bids = format!("{path}/bids");
        let placed = app.submit(&bids, Some(&session), &[("amount", "10,000.00")]).await;
        assert_eq!(placed.status.as_u16(), 303, "{}", placed.text);
        assert_eq!(placed.location(), format!("{path}?flash=bid_placed"));
        // The same amount again: refused with the API's words on the page, nothing bid.
        let again = app.submit(&bids, Some(&session), &[("amount", "10000")]).await;
        again.assert_status(200);
        assert!(again.text.contains("at least 1050000"), "{}", again.text);
        let garbage = app.submit(&bids, Some(&session), &[("amount", "lots")]).await;
        garbage.assert_status(200);
        assert!(garbage.text.contains(r#"id="e-amount""#), "{}", garbage.text);
        let a = app.get(&format!("/api/v1/auctions/{id}"), None).await;
        assert_eq!(a.assert_status(200)["bid_count"], 1);

        // The live stream: server-sent events with the state, the bid and the clock.
        let res = reqwest::Client::new()
            .get(format!("{}{path}/live", app.base_url))
            .send()
            .await
            .expect("stream");
        assert_eq!(res.status().as_u16(), 200);
        let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        let mut stream = res.bytes_stream();
        let mut text = String::new();
        let first = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            use futures::StreamExt;
            while let Some(Ok(chunk)) = stream.next().await {
                text.push_str(&String::from_utf8_lossy(&chunk));
                if text.contains("\n\n") && text.contains("event: auction") {
                    break;
                }
            }
            text
        })
        .await
        .expect("an event within 10 s");
        let data = first
            .lines()
            .find_map(|l| l.strip_prefix("data: "))
            .expect("a data line");
        let state: Value = serde_json::from_str(data).expect("JSON data");
        assert_eq!(state["bid_count"], 1);
        assert_eq!(state["status"], "open");
        assert_eq!(state["bids"][0]["seq"], 1);
        assert!(state["server_time_ms"].as_i64().is_some());

        // Ids that are not auctions are pages that do not exist.
        assert_eq!(app.page("/auctions/not-an-id", None).await.status.as_u16(), 404);
        assert_eq!(app.page("/auctions/00000000-0000-0000-0000-000000000000", None).await.status.as_u16(), 404);
        assert_eq!(app.page("/auctions/00000000-0000-0000-0000-000000000000/live", None).await.status.as_u16(), 404);
    }
}

db_test! {
    async fn owners_schedule_and_operators_record_deposits_on_the_portal(app: TestApp) {
        let seller = app.seller("tto@forms.test").await;
        let session = app.portal_login("tto@forms.test", integration_tests::http::USER_PASSWORD).await;
        let form = app.page(&format!("/auctions/new?achievement_id={}", seller.achievement), Some(&session)).await;
        form.assert_status(200);
        assert!(form.text.contains(&seller.achievement), "the achievement is filled in");
        let ends = (chrono::Utc::now() + chrono::Duration::hours(10)).format("%Y-%m-%dT%H:%M").to_string();
        let mut fields = vec![
            ("achievement_id", seller.achievement.as_str()),
            ("starting_price", "10,000"),
            ("reserve_price", ""),
            ("increment", "100"),
            ("deposit", "1000"),
            ("ends_at", ends.as_str()),
            ("extension_window_minutes", "5"),
            ("extension_minutes", "5"),
        ];
        // Bad amounts and times come back on the form; nothing is scheduled.
        fields[1].1 = "ten thousand";
        let refused = app.submit("/auctions/new", Some(&session), &fields).await;
        refused.assert_status(200);
        assert!(refused.text.contains(r#"id="e-starting_price""#), "{}", refused.text);
        fields[1].1 = "10,000";
        let made = app.submit("/auctions/new", Some(&session), &fields).await;
        assert_eq!(made.status.as_u16(), 303, "{}", made.text);
        let location = made.location().to_owned();
        let id = location
            .strip_prefix("/auctions/")
            .and_then(|rest| rest.split('?').next())
            .expect("auction page")
            .to_owned();
        let a = app.get(&format!("/api/v1/auctions/{id}"), Some(&seller.org.token)).await;
        let a = a.assert_status(200);
        assert_eq!(a["starting_price_minor"], 1_000_000);
        assert_eq!(a["extension_window_secs"], 300);
        // Typed as Beijing time: the stored end is 8 hours earlier in UTC than the digits typed.
        let stored: chrono::DateTime<chrono::Utc> = s(&a["ends_at"]).parse().expect("ends_at");
        let typed = chrono::NaiveDateTime::parse_from_str(&ends, "%Y-%m-%dT%H:%M").expect("typed");
        assert_eq!(stored.naive_utc(), typed - chrono::Duration::hours(8));

        // An operator records a deposit on the auction page; a member cannot.
        let bidder = app.verified_enterprise(&seller.operator, "bidder@forms.test").await;
        let op_email = "op-forms@ops.test";
        listing::domain::accounts::create_operator(&app.db, op_email, "Operator", integration_tests::http::OPERATOR_PASSWORD)
            .await
            .expect("operator");
        let op_session = app.portal_login(op_email, integration_tests::http::OPERATOR_PASSWORD).await;
        let page = app.page(&format!("/auctions/{id}"), Some(&op_session)).await;
        assert!(page.text.contains(&format!(r#"action="/auctions/{id}/deposits""#)), "the operator gets the deposit form");
        let deposits = format!("/auctions/{id}/deposits");
        let bad = app.submit(&deposits, Some(&op_session), &[("organisation_id", "not-an-id"), ("amount", "1000")]).await;
        bad.assert_status(200);
        let by_member = app.submit(&deposits, Some(&session), &[("organisation_id", bidder.id.as_str()), ("amount", "1000")]).await;
        assert_eq!(by_member.status.as_u16(), 200, "refused on the page: {}", by_member.text);
        let ok = app.submit(&deposits, Some(&op_session), &[("organisation_id", bidder.id.as_str()), ("amount", "1000"), ("note", "bank ref 123")]).await;
        assert_eq!(ok.status.as_u16(), 303, "{}", ok.text);
        let list = app.get(&format!("/api/v1/auctions/{id}/deposits"), Some(&seller.operator)).await;
        let list = list.assert_status(200);
        assert_eq!(list.as_array().map(Vec::len), Some(1));
        assert_eq!(list[0]["organisation_id"], json!(bidder.id));
        assert_eq!(list[0]["amount_minor"], 100_000);
    }
}
