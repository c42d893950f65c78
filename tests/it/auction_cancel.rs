//! Issue #17, the rest: cancelling an auction (the seller before the first bid, an operator at
//! any time with a reason) and a listed-price sale (before a commitment); recording a refund
//! paid, once; one waiting close job per auction however often it is extended. Each on SQLite
//! and PostgreSQL, with the hostile callers: anonymous, another organisation, the same request
//! twice at once, a bid or a purchase racing the cancel, malformed ids and bodies.

use integration_tests::db_test;
use integration_tests::http::{TestApp, TestResponse};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
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

/// Exactly one of two answers is `ok`; the other is the problem `(status, code)`.
fn one_wins(a: &TestResponse, b: &TestResponse, ok: u16, loser: (u16, &str)) {
    let (won, lost) = match (a.status.as_u16() == ok, b.status.as_u16() == ok) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ => panic!("exactly one should win: {} / {}", a.text, b.text),
    };
    won.assert_status(ok);
    lost.assert_problem(loser.0, loser.1);
}

db_test! {
    async fn auctions_are_cancelled_once_by_whom_may_and_no_bid_slips_in_after(app: TestApp) {
        let seller = app.seller("tto@cancel.test").await;
        let op = seller.operator.clone();
        let a = app.verified_enterprise(&op, "a@cancel.test").await;
        let b = app.verified_enterprise(&op, "b@cancel.test").await;
        let stranger = app.verified_enterprise(&op, "c@cancel.test").await;

        // The seller calls an auction off before any bid, without a reason.
        let first = app.auction(&seller, 60_000, json!({})).await;
        let first_id = s(&first["id"]);
        let cancel_first = format!("/api/v1/auctions/{first_id}/cancel");
        app.post(&cancel_first, None, &json!({})).await.assert_problem(401, "unauthorized");
        app.post(&cancel_first, Some(&stranger.token), &json!({})).await.assert_problem(403, "forbidden");
        app.post(&cancel_first, Some(&op), &json!({})).await.assert_problem(422, "validation_failed");
        app.post(&cancel_first, Some(&op), &json!({"reason": "   "})).await.assert_problem(422, "validation_failed");
        app.post(&cancel_first, Some(&op), &json!({"reason": "x".repeat(501)})).await.assert_problem(422, "validation_failed");
        app.post(&cancel_first, Some(&seller.org.token), &json!({"reason": 7})).await.assert_problem(422, "validation_failed");
        app.post(&cancel_first, Some(&seller.org.token), &json!({"why": "no"})).await.assert_problem(422, "validation_failed");
        app.post("/api/v1/auctions/not-a-uuid/cancel", Some(&op), &json!({"reason": "r"})).await.assert_problem(400, "bad_request");
        app.post("/api/v1/auctions/00000000-0000-0000-0000-000000000000/cancel", Some(&op), &json!({"reason": "r"}))
            .await
            .assert_problem(404, "not_found");
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM auctions WHERE status = 'cancelled'").await, 0, "nothing changed");
        let cancelled = app.post(&cancel_first, Some(&seller.org.token), &json!({})).await;
        let cancelled = cancelled.assert_status(200);
        assert_eq!(cancelled["status"], "cancelled");
        assert!(cancelled["cancelled_at"].is_string());
        assert_eq!(cancelled["reserve_met"], Value::Null);
        app.post(&cancel_first, Some(&seller.org.token), &json!({})).await.assert_problem(409, "already_cancelled");
        app.deposit_refused(&op, &first_id, &a.id).await;

        // The achievement is free again: a second auction, two bidders with deposits.
        let auction = app.auction(&seller, 60_000, json!({})).await;
        let id = s(&auction["id"]);
        app.deposit(&op, &id, &a.id).await;
        app.deposit(&op, &id, &b.id).await;
        let bids = format!("/api/v1/auctions/{id}/bids");
        app.post(&bids, Some(&a.token), &json!({"amount_minor": 1_000_000})).await.assert_status(201);
        let cancel = format!("/api/v1/auctions/{id}/cancel");
        // After a bid the seller no longer may; an operator may, with a reason.
        app.post(&cancel, Some(&seller.org.token), &json!({})).await.assert_problem(409, "auction_has_bids");
        app.post(&cancel, Some(&b.token), &json!({"reason": "I am losing"})).await.assert_problem(403, "forbidden");

        // Two operator cancels and a bid, all at once: one cancel; the bid is either before it
        // (accepted, in the log) or refused as cancelled — never accepted after it.
        let reason = json!({"reason": "样例 sample: the seller's rights are disputed"});
        let raise = json!({"amount_minor": 1_050_000});
        let (c1, c2, bid) = tokio::join!(
            app.post(&cancel, Some(&op), &reason),
            app.post(&cancel, Some(&op), &reason),
            app.post(&bids, Some(&b.token), &raise),
        );
        one_wins(&c1, &c2, 200, (409, "already_cancelled"));
        let bid_accepted = match bid.status.as_u16() {
            201 => true,
            _ => {
                bid.assert_problem(409, "auction_cancelled");
                false
            }
        };
        let after = app.get(&format!("/api/v1/auctions/{id}"), None).await;
        let after = after.assert_status(200).clone();
        assert_eq!(after["status"], "cancelled");
        assert_eq!(after["cancel_reason"], "样例 sample: the seller's rights are disputed");
        assert_eq!(after["bid_count"], if bid_accepted { 2 } else { 1 });
        assert_eq!(after["deal_id"], Value::Null);
        // Later bids and deposits are refused with the clear code; nothing is written.
        app.post(&bids, Some(&a.token), &json!({"amount_minor": 9_000_000})).await.assert_problem(409, "auction_cancelled");
        app.deposit_refused(&op, &id, &stranger.id).await;
        // The first auction had no bid: every stored bid is this auction's.
        let stored = count(&app, "SELECT COUNT(*) AS n FROM auction_bids").await;
        assert_eq!(stored, after["bid_count"].as_i64().expect("count"));
        // The bid log still verifies.
        let check = app.get(&format!("/api/v1/auctions/{id}/verification"), None).await;
        let check = check.assert_status(200);
        assert_eq!(check["valid"], true, "{check}");
        assert_eq!(check["bids_checked"], after["bid_count"]);
        // Deposits are due for refund; the bidders were told; the close job does nothing.
        let deps = app.get(&format!("/api/v1/auctions/{id}/deposits"), Some(&op)).await;
        for d in deps.assert_status(200).as_array().expect("deposits") {
            assert_eq!(d["status"], "refund_due", "{d}");
        }
        app.run_jobs().await;
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM deals").await, 0);
        let notes = app.get("/api/v1/notifications", Some(&b.token)).await;
        assert!(
            notes.assert_status(200).as_array().expect("notes").iter().any(|n| n["kind"] == "auction_cancelled"),
            "{}",
            notes.text
        );
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auction.cancel'").await, 2);
        let ach = app.get(&format!("/api/v1/achievements/{}", seller.achievement), None).await;
        assert_eq!(ach.assert_status(200)["status"], "published", "a cancelled auction sells nothing");
    }
}

db_test! {
    async fn a_refund_is_recorded_once_by_an_operator_and_the_bidder_sees_it(app: TestApp) {
        let seller = app.seller("tto@refund.test").await;
        let op = seller.operator.clone();
        let a = app.verified_enterprise(&op, "a@refund.test").await;
        let b = app.verified_enterprise(&op, "b@refund.test").await;
        let auction = app.auction(&seller, 60_000, json!({})).await;
        let id = s(&auction["id"]);
        let dep_a = s(&app.deposit(&op, &id, &a.id).await["id"]);
        let dep_b = s(&app.deposit(&op, &id, &b.id).await["id"]);
        let refund = |dep: &str| format!("/api/v1/auctions/{id}/deposits/{dep}/refund");
        let body = json!({"paid_on": chrono::Utc::now().date_naive().to_string(), "reference": "样例 sample BANK-REF-0001"});
        // While the auction runs the deposit is held, not due.
        app.post(&refund(&dep_a), Some(&op), &body).await.assert_problem(409, "refund_not_due");
        app.post(&format!("/api/v1/auctions/{id}/cancel"), Some(&seller.org.token), &json!({})).await.assert_status(200);

        // Hostile callers and bodies change nothing.
        app.post(&refund(&dep_a), None, &body).await.assert_problem(401, "unauthorized");
        app.post(&refund(&dep_a), Some(&a.token), &body).await.assert_problem(403, "forbidden");
        app.post(&refund(&dep_a), Some(&seller.org.token), &body).await.assert_problem(403, "forbidden");
        app.post(&format!("/api/v1/auctions/{id}/deposits/not-a-uuid/refund"), Some(&op), &body).await.assert_problem(400, "bad_request");
        app.post(&refund("00000000-0000-0000-0000-000000000000"), Some(&op), &body).await.assert_problem(404, "not_found");
        let other = app.auction_of_another_seller(&op, "tto2@refund.test").await;
        app.post(&format!("/api/v1/auctions/{other}/deposits/{dep_a}/refund"), Some(&op), &body)
            .await
            .assert_problem(404, "not_found");
        let tomorrow_plus = (chrono::Utc::now() + chrono::Duration::days(3)).date_naive().to_string();
        for bad in [
            json!({"paid_on": tomorrow_plus, "reference": "r"}),
            json!({"paid_on": "2026-13-01", "reference": "r"}),
            json!({"paid_on": "1999-12-31", "reference": "r"}),
            json!({"paid_on": body["paid_on"], "reference": ""}),
            json!({"paid_on": body["paid_on"], "reference": "r".repeat(201)}),
            json!({"paid_on": body["paid_on"]}),
            json!({"paid_on": body["paid_on"], "reference": "r", "status": "refunded"}),
        ] {
            app.post(&refund(&dep_a), Some(&op), &bad).await.assert_problem(422, "validation_failed");
        }
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM auction_deposits WHERE status = 'refunded'").await, 0);

        // The same refund recorded twice at once: once.
        let refund_a = refund(&dep_a);
        let (r1, r2) = tokio::join!(app.post(&refund_a, Some(&op), &body), app.post(&refund_a, Some(&op), &body));
        one_wins(&r1, &r2, 200, (409, "already_refunded"));
        app.post(&refund(&dep_a), Some(&op), &body).await.assert_problem(409, "already_refunded");
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auction.deposit_refund'").await, 1);

        // The bidder sees its own deposit refunded, with the day and the reference; the other
        // bidder's is still due and invisible to it.
        let mine = app.get(&format!("/api/v1/auctions/{id}/deposits"), Some(&a.token)).await;
        let mine = mine.assert_status(200).clone();
        assert_eq!(mine.as_array().map(Vec::len), Some(1));
        assert_eq!(mine[0]["status"], "refunded");
        assert_eq!(mine[0]["refunded_on"], body["paid_on"]);
        assert_eq!(mine[0]["refund_reference"], "样例 sample BANK-REF-0001");
        let theirs = app.get(&format!("/api/v1/auctions/{id}/deposits"), Some(&b.token)).await;
        assert_eq!(theirs.assert_status(200)[0]["status"], "refund_due");
        assert_eq!(theirs.body[0]["id"], json!(dep_b));
        app.run_jobs().await;
        let notes = app.get("/api/v1/notifications", Some(&a.token)).await;
        assert!(
            notes.assert_status(200).as_array().expect("notes").iter().any(|n| n["kind"] == "deposit_refunded"),
            "{}",
            notes.text
        );
    }
}

db_test! {
    async fn a_price_listing_is_withdrawn_once_and_a_purchase_racing_it_is_one_or_the_other(app: TestApp) {
        let seller = app.seller("tto@withdraw.test").await;
        let op = seller.operator.clone();
        let buyer = app.verified_enterprise(&op, "buyer@withdraw.test").await;
        let stranger = app.verified_enterprise(&op, "c@withdraw.test").await;
        let ends = (chrono::Utc::now() + chrono::Duration::days(10)).to_rfc3339();
        let offer = json!({"achievement_id": seller.achievement, "price_minor": 8_800_000, "currency": "CNY", "ends_at": ends});
        let first = app.post("/api/v1/price-listings", Some(&seller.org.token), &offer).await;
        let first = s(&first.assert_status(201)["id"]);
        let cancel = format!("/api/v1/price-listings/{first}/cancel");
        app.post(&cancel, None, &json!({})).await.assert_problem(401, "unauthorized");
        app.post(&cancel, Some(&stranger.token), &json!({})).await.assert_problem(403, "forbidden");
        app.post(&cancel, Some(&buyer.token), &json!({"reason": "too dear"})).await.assert_problem(403, "forbidden");
        app.post(&cancel, Some(&op), &json!({})).await.assert_problem(422, "validation_failed");
        app.post(&cancel, Some(&seller.org.token), &json!({"reason": ["x"]})).await.assert_problem(422, "validation_failed");
        app.post("/api/v1/price-listings/not-a-uuid/cancel", Some(&op), &json!({"reason": "r"})).await.assert_problem(400, "bad_request");
        app.post("/api/v1/price-listings/00000000-0000-0000-0000-000000000000/cancel", Some(&op), &json!({"reason": "r"}))
            .await
            .assert_problem(404, "not_found");
        // The seller withdraws it twice at once: once.
        let empty = json!({});
        let (c1, c2) = tokio::join!(
            app.post(&cancel, Some(&seller.org.token), &empty),
            app.post(&cancel, Some(&seller.org.token), &empty),
        );
        one_wins(&c1, &c2, 200, (409, "already_cancelled"));
        let buy_first = format!("/api/v1/price-listings/{first}/purchase");
        app.post(&buy_first, Some(&buyer.token), &json!({})).await.assert_problem(409, "sale_cancelled");
        let got = app.get(&format!("/api/v1/price-listings/{first}"), None).await;
        assert_eq!(got.assert_status(200)["status"], "cancelled");
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'price_listing.cancel'").await, 1);

        // Listed again; a purchase and the seller's withdrawal at once: one or the other.
        let second = app.post("/api/v1/price-listings", Some(&seller.org.token), &offer).await;
        let second = s(&second.assert_status(201)["id"]);
        let (buy_path, cancel_path) = (format!("/api/v1/price-listings/{second}/purchase"), format!("/api/v1/price-listings/{second}/cancel"));
        let (buy, withdraw) = tokio::join!(
            app.post(&buy_path, Some(&buyer.token), &empty),
            app.post(&cancel_path, Some(&seller.org.token), &empty),
        );
        let deals = count(&app, "SELECT COUNT(*) AS n FROM deals").await;
        match (buy.status.as_u16(), withdraw.status.as_u16()) {
            (201, _) => {
                withdraw.assert_problem(409, "already_sold");
                assert_eq!(deals, 1);
                // Sold: an operator cannot withdraw it either.
                app.post(&format!("/api/v1/price-listings/{second}/cancel"), Some(&op), &json!({"reason": "late"}))
                    .await
                    .assert_problem(409, "already_sold");
            }
            (_, 200) => {
                buy.assert_problem(409, "sale_cancelled");
                assert_eq!(deals, 0);
            }
            other => panic!("neither won: {other:?} {} {}", buy.text, withdraw.text),
        }
    }
}

db_test! {
    async fn an_auction_extended_three_times_has_one_close_job_and_closes_once_at_the_final_end(app: TestApp) {
        let seller = app.seller("tto@onejob.test").await;
        let op = seller.operator.clone();
        let a = app.verified_enterprise(&op, "a@onejob.test").await;
        let b = app.verified_enterprise(&op, "b@onejob.test").await;
        // Every bid is in the window: each moves the end to 6 s after it, past the end before.
        let auction = app.auction(&seller, 5_000, json!({"extension_window_secs": 3600, "extension_secs": 6})).await;
        let id = s(&auction["id"]);
        app.deposit(&op, &id, &a.id).await;
        app.deposit(&op, &id, &b.id).await;
        let bids = format!("/api/v1/auctions/{id}/bids");
        let waiting = format!(
            "SELECT COUNT(*) AS n FROM jobs WHERE job_type = 'close_auction.v1' AND unique_key = '{id}' AND locked_by IS NULL"
        );
        assert_eq!(count(&app, &waiting).await, 1, "one close at the scheduled end");
        let mut ends = Vec::new();
        for (n, (who, amount)) in [(&a, 1_000_000), (&b, 1_050_000), (&a, 1_100_000)].into_iter().enumerate() {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let res = app.post(&bids, Some(&who.token), &json!({"amount_minor": amount})).await;
            let res = res.assert_status(201).clone();
            let end: chrono::DateTime<chrono::Utc> = s(&res["auction"]["ends_at"]).parse().expect("end");
            if let Some(prev) = ends.last() {
                assert!(end > *prev, "bid {n} extended the end");
            }
            ends.push(end);
            assert_eq!(count(&app, &waiting).await, 1, "still one close job after extension {}", n + 1);
        }
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM jobs WHERE job_type = 'close_auction.v1'").await, 1);
        let job = app.close_job_due(&id).await;
        let final_end = *ends.last().expect("an end");
        assert_eq!(job, final_end, "the one close is due at the final end");
        // Nothing closes at the old ends.
        app.run_jobs().await;
        let open = app.get(&format!("/api/v1/auctions/{id}"), None).await;
        assert_eq!(open.assert_status(200)["status"], "open");
        let left = final_end - chrono::Utc::now() + chrono::Duration::milliseconds(200);
        if let Ok(left) = left.to_std() {
            tokio::time::sleep(left).await;
        }
        app.run_jobs().await;
        let closed = app.get(&format!("/api/v1/auctions/{id}"), None).await;
        let closed = closed.assert_status(200).clone();
        assert_eq!(closed["status"], "sold");
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM deals").await, 1);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auction.close'").await, 1, "closed once");
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM jobs WHERE job_type = 'close_auction.v1'").await, 0);
    }
}
