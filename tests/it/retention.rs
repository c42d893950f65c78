//! The periodic purges: what has served its purpose goes, what is still live stays, and each
//! purge schedules exactly one next run.

use chrono::{Duration, Utc};
use integration_tests::{db_test, TestApp};
use platform::entity::{api_tokens, idempotency_keys, jobs, notifications};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

async fn purge_now(app: &TestApp) {
    listing::schedule_periodic_jobs(&app.db)
        .await
        .expect("schedule listing");
    matching::schedule_periodic_jobs(&app.db)
        .await
        .expect("schedule matching");
    deal::schedule_periodic_jobs(&app.db)
        .await
        .expect("schedule deal");
    app.run_jobs().await;
}

async fn idempotency_key(app: &TestApp, user: uuid::Uuid, key: &str, expires_in: Duration) {
    idempotency_keys::ActiveModel {
        id: Set(platform::ids::new_uuid()),
        user_id: Set(user),
        key: Set(key.to_owned()),
        method: Set("POST".to_owned()),
        path: Set("/api/v1/deals".to_owned()),
        request_hash: Set("0".repeat(64)),
        response_status: Set(Some(201)),
        response_body: Set(Some(json!({}))),
        created_at: Set((Utc::now() - Duration::days(2)).into()),
        expires_at: Set((Utc::now() + expires_in).into()),
    }
    .insert(&app.db)
    .await
    .expect("idempotency key");
}

fn purge_everything_ended(c: &mut platform::config::Config) {
    c.retention.ended_tokens_days = 0;
    c.retention.read_notifications_days = 0;
    c.retention.unfinished_imports_days = 0;
}

mod ended_records_are_purged_and_live_ones_kept {
    use super::*;

    async fn run(app: TestApp) {
        let (live, _) = app.sign_up("university", "tto@uni.test").await;
        let ended = app
            .login("tto@uni.test", integration_tests::http::USER_PASSWORD)
            .await;
        app.post("/api/v1/auth/logout", Some(&ended), &json!({}))
            .await
            .assert_status(204);
        let me = app.get("/api/v1/me", Some(&live)).await;
        let user: uuid::Uuid = me.assert_status(200)["user_id"]
            .as_str()
            .expect("id")
            .parse()
            .expect("uuid");

        let note = |title: &'static str| matching::domain::alerts::Notice {
            kind: matching::domain::alerts::NotificationKind::NewMatches,
            title,
            body: title,
            link: None,
            payload: json!({}),
            email: false,
        };
        let read = matching::domain::alerts::notify(&app.db, user, note("read one"))
            .await
            .expect("notify");
        matching::domain::alerts::notify(&app.db, user, note("unread one"))
            .await
            .expect("notify");
        app.post(
            &format!("/api/v1/notifications/{read}/read"),
            Some(&live),
            &json!({}),
        )
        .await
        .assert_status(204);

        idempotency_key(&app, user, "expired", -Duration::hours(1)).await;
        idempotency_key(&app, user, "live", Duration::hours(1)).await;

        let import = app
            .client_request(
                reqwest::Method::POST,
                "/api/v1/imports?kind=achievements&mode=all_or_nothing&file_name=list.csv",
                &live,
                "text/csv",
                "成果名称,成果简介\n木薯淀粉,简介\n".as_bytes().to_vec(),
            )
            .await;
        let import_id = import.assert_status(202)["id"]
            .as_str()
            .expect("id")
            .to_owned();
        // Its job is lost (parked, or a queue nobody consumes): the import would wait forever.
        use platform::jobs::Job as _;
        jobs::Entity::delete_many()
            .filter(jobs::Column::JobType.eq(listing::domain::imports::ProcessImport::NAME))
            .exec(&app.db)
            .await
            .expect("drop the import's job");

        purge_now(&app).await;

        let tokens = api_tokens::Entity::find()
            .filter(api_tokens::Column::UserId.eq(user))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(
            tokens, 1,
            "the logged-out token is gone, the live one stays"
        );
        app.get("/api/v1/me", Some(&live)).await.assert_status(200);
        app.get("/api/v1/me", Some(&ended))
            .await
            .assert_problem(401, "unauthorized");

        let titles: Vec<String> = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(user))
            .all(&app.db)
            .await
            .expect("notifications")
            .into_iter()
            .map(|n| n.title)
            .collect();
        assert_eq!(
            titles,
            ["unread one"],
            "read notifications go, unread ones stay"
        );

        let keys: Vec<String> = idempotency_keys::Entity::find()
            .all(&app.db)
            .await
            .expect("keys")
            .into_iter()
            .map(|k| k.key)
            .collect();
        assert_eq!(keys, ["live"]);

        let import = app
            .get(&format!("/api/v1/imports/{import_id}"), Some(&live))
            .await;
        let import = import.assert_status(200);
        assert_eq!(import["status"], "failed", "{import}");
        assert!(
            import["failure"]
                .as_str()
                .unwrap_or_default()
                .contains("abandoned"),
            "{import}"
        );

        // Each purge scheduled its next run, once; purging again changes nothing.
        for name in [
            "purge_listing_records.v1",
            "purge_matching_records.v1",
            "purge_deal_records.v1",
        ] {
            let waiting = jobs::Entity::find()
                .filter(jobs::Column::JobType.eq(name))
                .count(&app.db)
                .await
                .expect("jobs");
            assert_eq!(waiting, 1, "{name}");
        }
        purge_now(&app).await;
        app.get("/api/v1/me", Some(&live)).await.assert_status(200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(TestApp::spawn_with(integration_tests::Backend::Sqlite, purge_everything_ended).await)
            .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(
            TestApp::spawn_with(integration_tests::Backend::Postgres, purge_everything_ended).await,
        )
        .await;
    }
}

db_test! {
    async fn with_the_default_settings_nothing_recent_is_purged(app: TestApp) {
        let (live, _) = app.sign_up("university", "keep@uni.test").await;
        let ended = app.login("keep@uni.test", integration_tests::http::USER_PASSWORD).await;
        app.post("/api/v1/auth/logout", Some(&ended), &json!({})).await.assert_status(204);
        purge_now(&app).await;
        assert_eq!(api_tokens::Entity::find().count(&app.db).await.expect("count"), 2, "a token revoked today is kept 30 days");
        app.get("/api/v1/me", Some(&live)).await.assert_status(200);
    }
}
