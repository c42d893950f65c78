//! No unreviewed text in public: edits to published listings (and their translations) wait for
//! operator review as revisions; translation rows are versioned and audited; open calls keep
//! their promises to applicants; search never shows a listing that has left the market.

use integration_tests::listings::{achievement_body, need_body};
use integration_tests::{db_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

fn version(v: &Value) -> i64 {
    v["version"].as_i64().expect("version")
}

async fn current_version(app: &TestApp, kind: &str, id: &str, token: &str) -> i64 {
    version(
        app.get(&format!("/api/v1/{kind}/{id}"), Some(token))
            .await
            .assert_status(200),
    )
}

/// A published open call of `firm`'s with a 200万元 bounty.
async fn published_open_call(app: &TestApp, firm: &str, op: &str) -> String {
    let mut body = need_body();
    body["kind"] = json!("open_call");
    body["bounty"] = json!({"minor_units": 200_000_000, "currency": "CNY"});
    body["eligibility"] = json!("具有甘蔗机械研发经验的高校、科研院所或企业");
    let (id, _) = app.create_listing("needs", firm, &body).await;
    app.publish_listing("needs", &id, firm, op).await;
    id
}

async fn audit_count(app: &TestApp, entity_type: &str, action: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    platform::entity::audit_log::Entity::find()
        .filter(platform::entity::audit_log::Column::EntityType.eq(entity_type))
        .filter(platform::entity::audit_log::Column::Action.eq(action))
        .count(&app.db)
        .await
        .expect("count audit rows")
}

const NEW_TITLE: &str = "纳米碳酸钙表面改性连续生产工艺";

db_test! {
    async fn an_edit_to_a_published_listing_stays_private_until_an_operator_approves_it(app: TestApp) {
        let op = app.operator_token().await;
        let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (other, _) = app.sign_up("university", "x@other.test").await;
        let (need, _) = app.create_listing("needs", &firm, &need_body()).await;
        app.publish_listing("needs", &need, &firm, &op).await;
        let (ach, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let v = app.publish_listing("achievements", &ach, &uni, &op).await;
        let path = format!("/api/v1/achievements/{ach}");
        let matches_path = format!("/api/v1/needs/{need}/matches");
        let matches_before = app.get(&matches_path, Some(&firm)).await.assert_status(200).clone();
        assert_eq!(matches_before.as_array().map(Vec::len), Some(1), "{matches_before}");

        let edit = json!({
            "version": v,
            "title": NEW_TITLE,
            "summary": "采用硬脂酸湿法改性制备高分散纳米碳酸钙，用于塑料与橡胶填充。",
            "keywords": ["纳米碳酸钙", "表面改性"],
            "industry": "calcium_carbonate",
            "ipc_codes": ["C01F 11/18"],
        });
        let res = app.request(Method::PATCH, &path, Some(&uni), Some(&edit)).await;
        let body = res.assert_status(200);
        assert_eq!(body["title"], "基于深度学习的甘蔗收割机智能控制系统", "the public text did not change");
        assert_eq!(body["status"], "published");
        assert_eq!(body["pending_revision"]["status"], "pending", "{body}");
        assert_eq!(body["pending_revision"]["proposed"]["listing"]["title"], NEW_TITLE);
        let v2 = version(body);
        assert_eq!(v2, v + 1, "the revision bumps the version");
        app.run_jobs().await;

        // The public, another organisation and search see the reviewed text only.
        let public = app.get(&path, None).await;
        assert_eq!(public.assert_status(200)["title"], "基于深度学习的甘蔗收割机智能控制系统");
        assert!(public.body["pending_revision"].is_null(), "{}", public.text);
        let stranger = app.get(&path, Some(&other)).await;
        assert!(stranger.assert_status(200)["pending_revision"].is_null(), "{}", stranger.text);
        assert!(!stranger.text.contains(NEW_TITLE));
        app.post(&format!("{path}/revision/withdraw"), Some(&other), &json!({"version": v2})).await.assert_problem(403, "forbidden");
        app.post(&format!("{path}/revision/withdraw"), None, &json!({"version": v2})).await.assert_problem(401, "unauthorized");
        let listed = app.get("/api/v1/achievements", None).await;
        assert!(!listed.text.contains(NEW_TITLE), "{}", listed.text);
        let found = app.get("/api/v1/search?q=碳酸钙", None).await;
        assert_eq!(found.assert_status(200)["total"], 0, "{}", found.text);
        let old = app.get("/api/v1/search?q=甘蔗收割机", None).await;
        assert_eq!(old.assert_status(200)["total"], 1, "{}", old.text);
        let matches_during = app.get(&matches_path, Some(&firm)).await;
        assert_eq!(matches_during.assert_status(200)[0]["score"], matches_before[0]["score"], "matching still uses the reviewed text");

        // Only operators review, and they see the revision in the queue beside submissions.
        app.post(&format!("{path}/review"), Some(&uni), &json!({"decision": "publish", "version": v2})).await.assert_problem(403, "forbidden");
        let queue = app.get("/api/v1/reviews", Some(&op)).await;
        let item = queue.assert_status(200).as_array().expect("queue").iter().find(|i| i["id"] == ach.as_str()).cloned().expect("revision in the queue");
        assert_eq!(item["revision"]["proposed"]["listing"]["title"], NEW_TITLE);
        assert_eq!(version(&item), v2);
        // A stale operator decision is a 409.
        app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "publish", "version": v})).await.assert_problem(409, "stale_version");
        let approved = app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "publish", "version": v2})).await;
        assert_eq!(approved.assert_status(200)["status"], "published");
        assert_eq!(version(&approved.body), v2 + 1);
        app.run_jobs().await;
        let public = app.get(&path, None).await;
        assert_eq!(public.assert_status(200)["title"], NEW_TITLE);
        assert_eq!(public.body["industry"], "calcium_carbonate");
        let owner = app.get(&path, Some(&uni)).await;
        assert!(owner.assert_status(200)["pending_revision"].is_null(), "{}", owner.text);
        let found = app.get("/api/v1/search?q=碳酸钙", None).await;
        assert_eq!(found.assert_status(200)["total"], 1, "{}", found.text);
        let matches_after = app.get(&matches_path, Some(&firm)).await.assert_status(200).clone();
        assert_ne!(matches_after, matches_before, "matching follows the approved text");
        assert!(app.get("/api/v1/reviews", Some(&op)).await.assert_status(200).as_array().expect("queue").is_empty());
    }
}

db_test! {
    async fn a_rejected_revision_keeps_the_public_text_and_tells_the_owner_why(app: TestApp) {
        let op = app.operator_token().await;
        let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
        let (need, _) = app.create_listing("needs", &firm, &need_body()).await;
        let v = app.publish_listing("needs", &need, &firm, &op).await;
        let path = format!("/api/v1/needs/{need}");
        app.request(Method::PATCH, &path, Some(&firm), Some(&json!({"version": v, "title": "联系我们购买保健品广告"}))).await.assert_status(200);
        let v2 = v + 1;
        app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "reject", "version": v2})).await.assert_problem(422, "validation_failed");
        app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "maybe", "version": v2})).await.assert_problem(422, "validation_failed");
        let rejected = app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "reject", "reason": "标题与技术需求无关", "version": v2})).await;
        assert_eq!(rejected.assert_status(200)["status"], "published");
        app.run_jobs().await;
        let public = app.get(&path, None).await;
        assert_eq!(public.assert_status(200)["title"], "甘蔗机械化收获含杂率控制技术需求");
        assert!(public.body["pending_revision"].is_null());
        let owner = app.get(&path, Some(&firm)).await;
        let owner = owner.assert_status(200);
        assert_eq!(owner["pending_revision"]["status"], "rejected", "{owner}");
        assert_eq!(owner["pending_revision"]["reason"], "标题与技术需求无关");
        assert!(app.get("/api/v1/reviews", Some(&op)).await.assert_status(200).as_array().expect("queue").is_empty());
        // Reviewing again has nothing to decide.
        app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "publish", "version": version(owner)}))
            .await
            .assert_problem(409, "illegal_state_change");
        let found = app.get("/api/v1/search?q=保健品", None).await;
        assert_eq!(found.assert_status(200)["total"], 0);
    }
}

db_test! {
    async fn the_owner_can_replace_or_withdraw_a_pending_revision(app: TestApp) {
        let op = app.operator_token().await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (ach, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let v = app.publish_listing("achievements", &ach, &uni, &op).await;
        let path = format!("/api/v1/achievements/{ach}");
        app.request(Method::PATCH, &path, Some(&uni), Some(&json!({"version": v, "title": "第一版修改后的成果标题"}))).await.assert_status(200);
        let r = app.request(Method::PATCH, &path, Some(&uni), Some(&json!({"version": v + 1, "trl": 7}))).await;
        let r = r.assert_status(200);
        assert_eq!(r["pending_revision"]["proposed"]["listing"]["title"], "第一版修改后的成果标题", "a newer edit builds on the pending one");
        assert_eq!(r["pending_revision"]["proposed"]["listing"]["trl"], 7);
        let queue = app.get("/api/v1/reviews", Some(&op)).await;
        assert_eq!(queue.assert_status(200).as_array().map(Vec::len), Some(1), "one pending revision per listing");
        app.post(&format!("{path}/revision/withdraw"), Some(&uni), &json!({"version": "latest"})).await.assert_problem(422, "validation_failed");
        let w = app.post(&format!("{path}/revision/withdraw"), Some(&uni), &json!({"version": v + 2})).await;
        assert_eq!(version(w.assert_status(200)), v + 3);
        let owner = app.get(&path, Some(&uni)).await;
        assert!(owner.assert_status(200)["pending_revision"].is_null(), "{}", owner.text);
        assert_eq!(owner.body["title"], "基于深度学习的甘蔗收割机智能控制系统");
        assert_eq!(owner.body["trl"], 6);
        app.post(&format!("{path}/revision/withdraw"), Some(&uni), &json!({"version": v + 3})).await.assert_problem(409, "no_pending_revision");
        assert!(app.get("/api/v1/reviews", Some(&op)).await.assert_status(200).as_array().expect("queue").is_empty());
        // A listing taken off the market drops the revision it had pending.
        app.request(Method::PATCH, &path, Some(&uni), Some(&json!({"version": v + 3, "trl": 8}))).await.assert_status(200);
        app.post(&format!("{path}/withdraw"), Some(&uni), &json!({"version": v + 4})).await.assert_status(200);
        let owner = app.get(&path, Some(&uni)).await;
        assert!(owner.assert_status(200)["pending_revision"].is_null(), "{}", owner.text);
    }
}

db_test! {
    async fn two_edits_of_a_published_listing_with_the_same_version_give_one_409(app: TestApp) {
        let op = app.operator_token().await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (ach, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let v = app.publish_listing("achievements", &ach, &uni, &op).await;
        let path = format!("/api/v1/achievements/{ach}");
        let a = json!({"version": v, "title": "并发修改甲的成果标题"});
        let b = json!({"version": v, "title": "并发修改乙的成果标题"});
        let (ra, rb) = tokio::join!(
            app.request(Method::PATCH, &path, Some(&uni), Some(&a)),
            app.request(Method::PATCH, &path, Some(&uni), Some(&b)),
        );
        let mut statuses = [ra.status, rb.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", ra.text, rb.text);
        let loser = if ra.status == 409 { &ra } else { &rb };
        loser.assert_problem(409, "stale_version");
        let owner = app.get(&path, Some(&uni)).await;
        let owner = owner.assert_status(200);
        assert_eq!(owner["version"], v + 1);
        assert_eq!(owner["title"], "基于深度学习的甘蔗收割机智能控制系统", "nothing public changed");
        let winner = if ra.status == 200 { "并发修改甲的成果标题" } else { "并发修改乙的成果标题" };
        assert_eq!(owner["pending_revision"]["proposed"]["listing"]["title"], winner);
    }
}

db_test! {
    async fn translations_are_versioned_audited_and_reviewed_once_published(app: TestApp) {
        let op = app.operator_token().await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (other, _) = app.sign_up("university", "x@other.test").await;
        let (ach, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let t = format!("/api/v1/achievements/{ach}/translations/en");
        let text = |title: &str, version: Option<i64>| {
            let mut b = json!({"title": title, "summary": "Vision-based row following and cutting-height control.", "provenance": "human"});
            if let Some(v) = version {
                b["version"] = json!(v);
            }
            b
        };
        let created = app.request(Method::PUT, &t, Some(&uni), Some(&text("Smart sugarcane harvester control", None))).await;
        assert_eq!(created.assert_status(200)["version"], 1);
        app.request(Method::PUT, &t, Some(&other), Some(&text("Hijacked title here", Some(1)))).await.assert_problem(404, "not_found");
        // Replacing needs the version read: missing is a 422, stale a 409, nothing overwritten.
        app.request(Method::PUT, &t, Some(&uni), Some(&text("No version sent at all", None))).await.assert_problem(422, "validation_failed");
        let updated = app.request(Method::PUT, &t, Some(&uni), Some(&text("Intelligent sugarcane harvester control", Some(1)))).await;
        assert_eq!(updated.assert_status(200)["version"], 2);
        app.request(Method::PUT, &t, Some(&uni), Some(&text("A stale edit of the title", Some(1)))).await.assert_problem(409, "stale_version");
        let list = app.get(&format!("/api/v1/achievements/{ach}/translations"), Some(&uni)).await;
        assert_eq!(list.assert_status(200)[0]["title"], "Intelligent sugarcane harvester control");
        let vi = format!("/api/v1/achievements/{ach}/translations/vi");
        app.request(Method::PUT, &vi, Some(&uni), Some(&json!({"title": "Điều khiển máy thu hoạch mía", "summary": "Điều khiển chiều cao cắt bằng thị giác.", "provenance": "machine"}))).await.assert_status(200);
        let deleted = app.request(Method::DELETE, &vi, Some(&uni), None).await;
        assert_eq!(deleted.status, 204, "{}", deleted.text);
        assert_eq!(audit_count(&app, "listing_translation", "translation.create").await, 2);
        assert_eq!(audit_count(&app, "listing_translation", "translation.update").await, 1);
        assert_eq!(audit_count(&app, "listing_translation", "translation.delete").await, 1);

        // Published: a translation edit is public text, so it waits for review.
        let v = app.publish_listing("achievements", &ach, &uni, &op).await;
        let proposed = app.request(Method::PUT, &t, Some(&uni), Some(&text("Unreviewed English title", Some(2)))).await;
        assert_eq!(proposed.status, 202, "{}", proposed.text);
        let public = app.get(&format!("/api/v1/achievements/{ach}?lang=en"), None).await;
        assert_eq!(public.assert_status(200)["title"], "Intelligent sugarcane harvester control");
        let owner = app.get(&format!("/api/v1/achievements/{ach}"), Some(&uni)).await;
        assert_eq!(owner.assert_status(200)["pending_revision"]["proposed"]["translations"]["en"]["title"], "Unreviewed English title");
        app.run_jobs().await;
        let found = app.get("/api/v1/search?q=Unreviewed", None).await;
        assert_eq!(found.assert_status(200)["total"], 0);
        let approved = app.post(&format!("/api/v1/achievements/{ach}/review"), Some(&op), &json!({"decision": "publish", "version": v + 1})).await;
        approved.assert_status(200);
        app.run_jobs().await;
        let public = app.get(&format!("/api/v1/achievements/{ach}?lang=en"), None).await;
        assert_eq!(public.assert_status(200)["title"], "Unreviewed English title");
        assert_eq!(audit_count(&app, "listing_translation", "translation.update").await, 2);
        let found = app.get("/api/v1/search?q=Unreviewed", None).await;
        assert_eq!(found.assert_status(200)["total"], 1);
        // Removing a published listing's translation waits for review too.
        let removal = app.request(Method::DELETE, &t, Some(&uni), None).await;
        assert_eq!(removal.status, 202, "{}", removal.text);
        let public = app.get(&format!("/api/v1/achievements/{ach}?lang=en"), None).await;
        assert_eq!(public.assert_status(200)["title"], "Unreviewed English title");
        let owner = app.get(&format!("/api/v1/achievements/{ach}"), Some(&uni)).await;
        let pending = &owner.assert_status(200)["pending_revision"]["proposed"]["translations"];
        assert!(pending.get("en").is_some_and(Value::is_null), "{pending}");
        app.request(Method::DELETE, &format!("/api/v1/achievements/{ach}/translations/th"), Some(&uni), None).await.assert_problem(404, "not_found");
    }
}

db_test! {
    async fn an_open_call_cannot_cut_its_bounty_or_deadline_once_applications_arrive(app: TestApp) {
        let op = app.operator_token().await;
        let (firm, _) = app.sign_up("enterprise", "boss@firm.test").await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let id = published_open_call(&app, &firm, &op).await;
        let path = format!("/api/v1/needs/{id}");
        // Before anyone applies, the owner may propose a lower bounty…
        let v = current_version(&app, "needs", &id, &firm).await;
        app.request(Method::PATCH, &path, Some(&firm), Some(&json!({"version": v, "bounty": {"minor_units": 100_000_000, "currency": "CNY"}}))).await.assert_status(200);
        // …but once an application arrives, approving it would cut a promise: refused.
        app.post(&format!("{path}/applications"), Some(&uni), &json!({"proposal": "我们的团队拥有甘蔗收割机视觉控制的授权专利，可在六个月内完成样机。"})).await.assert_status(201);
        let r = app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "publish", "version": v + 1})).await;
        let paths: Vec<String> = r.assert_problem(422, "validation_failed")["fields"].as_array().expect("fields").iter().filter_map(|f| f["path"].as_str().map(str::to_owned)).collect();
        assert_eq!(paths, vec!["bounty.minor_units".to_owned()]);
        let v = current_version(&app, "needs", &id, &firm).await;
        let lower = app.request(Method::PATCH, &path, Some(&firm), Some(&json!({"version": v, "bounty": {"minor_units": 150_000_000, "currency": "CNY"}}))).await;
        assert_eq!(lower.assert_problem(422, "validation_failed")["fields"][0]["path"], "bounty.minor_units");
        let other_currency = app.request(Method::PATCH, &path, Some(&firm), Some(&json!({"version": v, "bounty": {"minor_units": 900_000_000, "currency": "VND"}}))).await;
        assert_eq!(other_currency.assert_problem(422, "validation_failed")["fields"][0]["path"], "bounty.currency");
        let earlier = (chrono::Utc::now().date_naive() + chrono::Duration::days(10)).to_string();
        let early = app.request(Method::PATCH, &path, Some(&firm), Some(&json!({"version": v, "deadline": earlier, "bounty": {"minor_units": 200_000_000, "currency": "CNY"}}))).await;
        assert_eq!(early.assert_problem(422, "validation_failed")["fields"][0]["path"], "deadline", "{}", early.text);
        let removed = app.request(Method::PATCH, &path, Some(&firm), Some(&json!({"version": v, "deadline": null}))).await;
        removed.assert_problem(422, "validation_failed");
        let public = app.get(&path, None).await;
        assert_eq!(public.assert_status(200)["bounty"]["minor_units"], 200_000_000);
        assert_eq!(current_version(&app, "needs", &id, &firm).await, v, "refused edits change nothing");
        // Raising and extending stay allowed (and are reviewed like any edit).
        let later = (chrono::Utc::now().date_naive() + chrono::Duration::days(90)).to_string();
        let raise = app.request(Method::PATCH, &path, Some(&firm), Some(&json!({"version": v, "bounty": {"minor_units": 300_000_000, "currency": "CNY"}, "deadline": later}))).await;
        raise.assert_status(200);
        app.post(&format!("{path}/review"), Some(&op), &json!({"decision": "publish", "version": v + 1})).await.assert_status(200);
        let public = app.get(&path, None).await;
        assert_eq!(public.assert_status(200)["bounty"]["minor_units"], 300_000_000);
        assert_eq!(public.body["deadline"], later.as_str());
    }
}

db_test! {
    async fn an_application_may_only_name_the_applicants_own_achievement(app: TestApp) {
        let op = app.operator_token().await;
        let (firm, _) = app.sign_up("enterprise", "boss@firm.test").await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (rival, _) = app.sign_up("university", "rival@uni2.test").await;
        let id = published_open_call(&app, &firm, &op).await;
        let (theirs, _) = app.create_listing("achievements", &rival, &achievement_body()).await;
        app.publish_listing("achievements", &theirs, &rival, &op).await;
        let (ours, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let apps = format!("/api/v1/needs/{id}/applications");
        let proposal = "我们的团队拥有甘蔗收割机视觉控制的授权专利，可在六个月内完成样机。";
        for bogus in [theirs.clone(), uuid::Uuid::now_v7().to_string()] {
            let r = app.post(&apps, Some(&uni), &json!({"proposal": proposal, "achievement_id": bogus})).await;
            assert_eq!(r.assert_problem(422, "validation_failed")["fields"][0]["path"], "achievement_id");
        }
        assert_eq!(app.get(&apps, Some(&firm)).await.assert_status(200).as_array().map(Vec::len), Some(0), "nothing written");
        assert_eq!(audit_count(&app, "open_call_application", "open_call.apply").await, 0);
        let ok = app.post(&apps, Some(&uni), &json!({"proposal": proposal, "achievement_id": ours})).await;
        assert_eq!(ok.assert_status(201)["achievement_id"], ours.as_str());
    }
}

db_test! {
    async fn search_drops_a_listing_that_left_the_market_before_the_index_caught_up(app: TestApp) {
        let op = app.operator_token().await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (gone, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let (stays, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let v = app.publish_listing("achievements", &gone, &uni, &op).await;
        app.publish_listing("achievements", &stays, &uni, &op).await;
        assert_eq!(app.get("/api/v1/search?q=甘蔗收割机", None).await.assert_status(200)["total"], 2);
        // Withdrawn, and the search-sync job has not run: the index still has it.
        app.post(&format!("/api/v1/achievements/{gone}/withdraw"), Some(&uni), &json!({"version": v})).await.assert_status(200);
        for query in ["/api/v1/search?q=甘蔗收割机", "/api/v1/search", "/api/v1/search?q=甘蔗收割机&per_page=1"] {
            let res = app.get(query, None).await;
            let body = res.assert_status(200);
            let ids: Vec<&str> = body["hits"].as_array().expect("hits").iter().filter_map(|h| h["id"].as_str()).collect();
            assert_eq!(ids, vec![stays.as_str()], "{query}: {body}");
            assert_eq!(body["total"], 1, "{query}: {body}");
        }
        // Once the job runs the index agrees.
        app.run_jobs().await;
        assert_eq!(app.get("/api/v1/search?q=甘蔗收割机", None).await.assert_status(200)["total"], 1);
    }
}

db_test! {
    async fn the_portal_shows_pending_changes_to_their_owner_and_in_the_review_queue(app: TestApp) {
        let op = app.operator_token().await;
        let (uni, _) = app.sign_up("university", "tto@uni.test").await;
        let (other, _) = app.sign_up("university", "x@other.test").await;
        let (ach, _) = app.create_listing("achievements", &uni, &achievement_body()).await;
        let v = app.publish_listing("achievements", &ach, &uni, &op).await;
        let path = format!("/api/v1/achievements/{ach}");
        app.request(Method::PATCH, &path, Some(&uni), Some(&json!({"version": v, "title": NEW_TITLE}))).await.assert_status(200);

        // The owner sees the pending text on the listing page and in the edit form.
        let page = app.page(&format!("/achievements/{ach}"), Some(&uni)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(page.text.contains("data-testid=\"pending-revision\"") && page.text.contains(NEW_TITLE), "{}", page.text);
        assert!(page.text.contains(&format!("action=\"/achievements/{ach}/revision/withdraw\"")));
        let form = app.page(&format!("/achievements/{ach}/edit"), Some(&uni)).await;
        assert_eq!(form.status, 200, "{}", form.text);
        assert!(form.text.contains("data-testid=\"pending-revision\""), "{}", form.text);
        assert!(form.text.contains(&format!("value=\"{NEW_TITLE}\"")), "the form starts from the pending text");
        // Nobody else does.
        for session in [None, Some(other.as_str())] {
            let page = app.page(&format!("/achievements/{ach}"), session).await;
            assert_eq!(page.status, 200, "{}", page.text);
            assert!(!page.text.contains(NEW_TITLE) && !page.text.contains("pending-revision"), "{}", page.text);
        }
        // The operators' queue lists it beside submissions, with what would change.
        let queue = app.page("/console", Some(&op)).await;
        assert_eq!(queue.status, 200, "{}", queue.text);
        assert!(queue.text.contains("data-testid=\"revision-changes\"") && queue.text.contains(NEW_TITLE), "{}", queue.text);
        assert!(queue.text.contains(&format!("action=\"/console/reviews/achievement/{ach}\"")));

        // The owner withdraws it from the page; the public text never changed.
        let w = app.submit(&format!("/achievements/{ach}/revision/withdraw"), Some(&uni), &[("version", &(v + 1).to_string())]).await;
        assert_eq!(w.status, 303, "{}", w.text);
        assert!(app.get(&path, Some(&uni)).await.assert_status(200)["pending_revision"].is_null());

        // A new edit, approved from the console, becomes public.
        app.request(Method::PATCH, &path, Some(&uni), Some(&json!({"version": v + 2, "title": NEW_TITLE}))).await.assert_status(200);
        let done = app.submit(&format!("/console/reviews/achievement/{ach}"), Some(&op), &[("decision", "publish"), ("version", &(v + 3).to_string()), ("page", "1")]).await;
        assert_eq!(done.status, 303, "{}", done.text);
        app.run_jobs().await;
        assert_eq!(app.get(&path, None).await.assert_status(200)["title"], NEW_TITLE);

        // Saving the edit form of a published listing says the changes went to review.
        let valid_until = (chrono::Utc::now().date_naive() + chrono::Duration::days(180)).to_string();
        let version = (v + 4).to_string();
        let fields = [
            ("version", version.as_str()),
            ("language", "zh"),
            ("title", "表单里修改的成果标题示例"),
            ("summary", "利用视觉识别与深度学习实现甘蔗收割机的自动对行与切割高度控制。"),
            ("industry", "modern_agriculture"),
            ("trl", "6"),
            ("ip_type", "invention_patent"),
            ("region_code", "450200"),
            ("country", "CN"),
            ("valid_until", valid_until.as_str()),
        ];
        let saved = app.submit(&format!("/achievements/{ach}/edit"), Some(&uni), &fields).await;
        assert_eq!(saved.status, 303, "{}", saved.text);
        assert!(saved.location().ends_with("flash=sent_for_review"), "{}", saved.location());
        assert_eq!(app.get(&path, None).await.assert_status(200)["title"], NEW_TITLE);
    }
}

db_test! {
    async fn two_operators_deciding_one_revision_at_once_give_one_decision_and_one_409(app: TestApp) {
        let op = app.operator_token().await;
        let op2 = app.operator_token().await;
        let (firm, _) = app.sign_up("enterprise", "rd@firm.test").await;
        let (need, _) = app.create_listing("needs", &firm, &need_body()).await;
        let v = app.publish_listing("needs", &need, &firm, &op).await;
        let path = format!("/api/v1/needs/{need}");
        app.request(Method::PATCH, &path, Some(&firm), Some(&json!({"version": v, "title": "甘蔗收获含杂率在线检测技术需求"}))).await.assert_status(200);
        let review = format!("{path}/review");
        let reject = json!({"decision": "reject", "reason": "请补充检测精度指标", "version": v + 1});
        let approve = json!({"decision": "publish", "version": v + 1});
        let (r, a) = tokio::join!(app.post(&review, Some(&op), &reject), app.post(&review, Some(&op2), &approve));
        let mut statuses = [r.status, a.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", r.text, a.text);
        let owner = app.get(&path, Some(&firm)).await;
        let owner = owner.assert_status(200);
        assert_eq!(owner["version"], v + 2, "exactly one decision was applied");
        if a.status == 200 {
            assert_eq!(owner["title"], "甘蔗收获含杂率在线检测技术需求");
            assert!(owner["pending_revision"].is_null(), "{owner}");
        } else {
            assert_eq!(owner["title"], "甘蔗机械化收获含杂率控制技术需求");
            assert_eq!(owner["pending_revision"]["status"], "rejected", "{owner}");
        }
    }
}
