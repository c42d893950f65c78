//! Accounts hardening: login throttling, off-boarding (member removal, disabled users,
//! invitation revocation), the last-admin rule under concurrency, and the audit log
//! (request ids, auth events, append-only at the database).

use integration_tests::db_test;
use integration_tests::http::{TestApp, USER_PASSWORD};
use platform::entity::audit_log;
use reqwest::Method;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// Invites `email` into `org` as `role` and accepts; returns (token, user id).
async fn join(app: &TestApp, admin: &str, org: &str, email: &str, role: &str) -> (String, String) {
    let inv = app
        .post(
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(admin),
            &json!({"email": email, "org_role": role}),
        )
        .await;
    let secret = inv.assert_status(201)["token"]
        .as_str()
        .expect("secret")
        .to_owned();
    let joined = app
        .post(
            "/api/v1/invitations/accept",
            None,
            &json!({"token": secret, "display_name": "Colleague", "password": USER_PASSWORD}),
        )
        .await;
    let body = joined.assert_status(201);
    (
        body["token"].as_str().expect("token").to_owned(),
        body["user"]["id"].as_str().expect("id").to_owned(),
    )
}

async fn user_id(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", Some(token)).await.assert_status(200)["user_id"]
        .as_str()
        .expect("user id")
        .to_owned()
}

async fn login_raw(
    app: &TestApp,
    email: &str,
    password: &str,
) -> integration_tests::http::TestResponse {
    app.post(
        "/api/v1/auth/login",
        None,
        &json!({"email": email, "password": password}),
    )
    .await
}

async fn admins_of(app: &TestApp, org: &str) -> usize {
    let org: uuid::Uuid = org.parse().expect("org id");
    platform::entity::users::Entity::find()
        .filter(platform::entity::users::Column::OrganisationId.eq(org))
        .filter(platform::entity::users::Column::OrgRole.eq("admin"))
        .all(&app.db)
        .await
        .expect("read users")
        .len()
}

mod throttled_logins {
    use super::*;

    async fn run(app: TestApp) {
        app.sign_up("enterprise", "boss@firm.test").await;
        app.sign_up("enterprise", "other@firm.test").await;
        for _ in 0..3 {
            login_raw(&app, "boss@firm.test", "wrong-password-1")
                .await
                .assert_problem(401, "unauthorized");
        }
        let limited = login_raw(&app, "boss@firm.test", "wrong-password-1").await;
        limited.assert_problem(429, "too_many_attempts");
        let retry: u64 = limited.headers["retry-after"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
        assert!(
            (1..=900).contains(&retry),
            "Retry-After within the 15-minute window: {retry}"
        );
        // The right password does not get through while the account is throttled.
        login_raw(&app, "boss@firm.test", USER_PASSWORD)
            .await
            .assert_problem(429, "too_many_attempts");
        // Case and spaces do not make a new account key.
        login_raw(&app, " BOSS@firm.test", USER_PASSWORD)
            .await
            .assert_problem(429, "too_many_attempts");
        // Another account from the same address is not affected (the address limit is higher).
        let other = app.login("other@firm.test", USER_PASSWORD).await;
        // A session cannot be used to guess the password through the password change either.
        let change =
            json!({"current_password": "wrong-password-1", "new_password": "a-new-password-1"});
        for _ in 0..3 {
            app.post("/api/v1/me/password", Some(&other), &change)
                .await
                .assert_problem(422, "validation_failed");
        }
        app.post("/api/v1/me/password", Some(&other), &change)
            .await
            .assert_problem(429, "too_many_attempts");
        login_raw(&app, "other@firm.test", USER_PASSWORD)
            .await
            .assert_problem(429, "too_many_attempts");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(
            TestApp::spawn_with(integration_tests::Backend::Sqlite, |c| {
                c.auth.login_max_failures = 3
            })
            .await,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(
            TestApp::spawn_with(integration_tests::Backend::Postgres, |c| {
                c.auth.login_max_failures = 3
            })
            .await,
        )
        .await;
    }
}

mod a_successful_login_does_not_reset_the_address_counter {
    use super::*;

    async fn run(app: TestApp) {
        app.sign_up("enterprise", "a@firm.test").await;
        app.sign_up("enterprise", "b@firm.test").await;
        for _ in 0..3 {
            login_raw(&app, "a@firm.test", "wrong-password-1")
                .await
                .assert_problem(401, "unauthorized");
        }
        // A valid login on another account from the same address...
        app.login("b@firm.test", USER_PASSWORD).await;
        // ...leaves the address's three failures counted: one more reaches the limit of four.
        login_raw(&app, "nobody@firm.test", "wrong-password-1")
            .await
            .assert_problem(401, "unauthorized");
        login_raw(&app, "b@firm.test", USER_PASSWORD)
            .await
            .assert_problem(429, "too_many_attempts");
    }

    fn adjust(c: &mut platform::config::Config) {
        c.auth.login_max_failures = 100;
        c.auth.login_max_failures_per_address = 4;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(TestApp::spawn_with(integration_tests::Backend::Sqlite, adjust).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(TestApp::spawn_with(integration_tests::Backend::Postgres, adjust).await).await;
    }
}

mod guesses_sent_all_at_once_get_no_more_password_checks_than_the_limit {
    use super::*;

    async fn run(app: TestApp) {
        app.sign_up("enterprise", "target@firm.test").await;
        let app = std::sync::Arc::new(app);
        let mut tasks = Vec::new();
        for _ in 0..30 {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                login_raw(&app, "target@firm.test", "wrong-password-1").await
            }));
        }
        let mut checked = 0;
        for t in tasks {
            let res = t.await.expect("task");
            match res.status.as_u16() {
                401 => checked += 1,
                429 => assert_eq!(res.body["code"], "too_many_attempts", "{}", res.text),
                other => panic!("only 401 or 429: {other} {}", res.text),
            }
        }
        assert!(
            (1..=3).contains(&checked),
            "30 simultaneous guesses on an account limited to 3 got {checked} password checks"
        );
        // The account is locked now, even for its owner.
        login_raw(&app, "target@firm.test", USER_PASSWORD)
            .await
            .assert_problem(429, "too_many_attempts");
    }

    fn adjust(c: &mut platform::config::Config) {
        c.auth.login_max_failures = 3;
        c.auth.password_hash_wait_ms = 30_000;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(TestApp::spawn_with(integration_tests::Backend::Sqlite, adjust).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(TestApp::spawn_with(integration_tests::Backend::Postgres, adjust).await).await;
    }
}

mod a_failed_login_is_held_for_the_configured_delay_and_a_good_one_is_not {
    use super::*;
    use std::time::{Duration, Instant};

    const HOLD: Duration = Duration::from_millis(600);

    async fn run(app: TestApp) {
        app.sign_up("enterprise", "held@firm.test").await;
        // Wrong password, unknown account, and a throttled refusal: each held at least HOLD.
        for (email, password, status) in [
            ("held@firm.test", "wrong-password-1", 401),
            ("nobody@firm.test", "wrong-password-1", 401),
            ("held@firm.test", "wrong-password-1", 429),
        ] {
            let started = Instant::now();
            let res = login_raw(&app, email, password).await;
            assert_eq!(res.status.as_u16(), status, "{email}: {}", res.text);
            assert!(
                started.elapsed() >= HOLD,
                "{email} answered {status} after {:?}, before the hold",
                started.elapsed()
            );
        }
        // The refusal held the connection, not the server: a flood of 40 concurrent wrong
        // logins is answered in a few holds, not 40 of them one after another.
        let app = std::sync::Arc::new(app);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..40 {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                login_raw(&app, &format!("flood{i}@firm.test"), "wrong-password-1")
                    .await
                    .status
                    .as_u16()
            }));
        }
        for t in tasks {
            let status = t.await.expect("task");
            assert!(matches!(status, 401 | 429), "{status}");
        }
        assert!(
            started.elapsed() < HOLD * 20,
            "40 held refusals took {:?}: the hold is serialised",
            started.elapsed()
        );
    }

    fn adjust(c: &mut platform::config::Config) {
        c.auth.failed_login_delay_ms = u64::try_from(HOLD.as_millis()).unwrap_or(u64::MAX);
        c.auth.login_max_failures = 1;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(TestApp::spawn_with(integration_tests::Backend::Sqlite, adjust).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(TestApp::spawn_with(integration_tests::Backend::Postgres, adjust).await).await;
    }
}

mod a_login_flood_is_answered_busy_not_queued_and_health_stays_up {
    use super::*;

    async fn run(app: TestApp) {
        app.sign_up("enterprise", "boss@firm.test").await;
        let app = std::sync::Arc::new(app);
        let mut tasks = Vec::new();
        for i in 0..40 {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                login_raw(&app, &format!("user{i}@firm.test"), "wrong-password-1")
                    .await
                    .status
                    .as_u16()
            }));
        }
        let health = app.get("/healthz", None).await;
        health.assert_status(200);
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.expect("task"));
        }
        assert!(
            statuses.iter().all(|s| matches!(s, 401 | 429)),
            "only 401 or 429, never 5xx: {statuses:?}"
        );
        assert!(
            statuses.contains(&429),
            "with one hashing slot and no wait, some are told to retry: {statuses:?}"
        );
    }

    fn adjust(c: &mut platform::config::Config) {
        c.auth.password_hash_concurrency = 1;
        c.auth.password_hash_wait_ms = 0;
        c.auth.login_max_failures_per_address = 1000;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(TestApp::spawn_with(integration_tests::Backend::Sqlite, adjust).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(TestApp::spawn_with(integration_tests::Backend::Postgres, adjust).await).await;
    }
}

db_test! {
    async fn a_removed_member_loses_their_sessions_and_the_organisations_drafts(app: TestApp) {
        let (admin, org) = app.sign_up("university", "admin@uni.test").await;
        let (member, member_id) = join(&app, &admin, &org, "leaver@uni.test", "member").await;
        let (draft, _) = app.create_listing("achievements", &admin, &integration_tests::listings::achievement_body()).await;
        app.get(&format!("/api/v1/achievements/{draft}"), Some(&member)).await.assert_status(200);

        app.request(Method::DELETE, &format!("/api/v1/orgs/{org}/members/{member_id}"), Some(&admin), None).await.assert_status(204);
        app.get("/api/v1/me", Some(&member)).await.assert_problem(401, "unauthorized");
        // Signing in again gives a person without the organisation: its drafts are hidden.
        let again = app.login("leaver@uni.test", USER_PASSWORD).await;
        let me = app.get("/api/v1/me", Some(&again)).await;
        assert!(me.assert_status(200)["organisation_id"].is_null(), "{}", me.text);
        app.get(&format!("/api/v1/achievements/{draft}"), Some(&again)).await.assert_problem(404, "not_found");
        app.get(&format!("/api/v1/orgs/{org}/members"), Some(&again)).await.assert_problem(403, "forbidden");
        let members = app.get(&format!("/api/v1/orgs/{org}/members"), Some(&admin)).await;
        assert_eq!(members.assert_status(200).as_array().map(Vec::len), Some(1));
        // Removing them again: they are no member any more.
        app.request(Method::DELETE, &format!("/api/v1/orgs/{org}/members/{member_id}"), Some(&admin), None).await.assert_problem(404, "not_found");
        // The last admin cannot remove themselves.
        let admin_id = user_id(&app, &admin).await;
        app.request(Method::DELETE, &format!("/api/v1/orgs/{org}/members/{admin_id}"), Some(&admin), None).await.assert_problem(409, "last_admin");
    }
}

db_test! {
    async fn a_disabled_user_cannot_sign_in_and_their_token_is_dead_until_re_enabled(app: TestApp) {
        let (token, _) = app.sign_up("enterprise", "gone@firm.test").await;
        let id = user_id(&app, &token).await;
        let operator = app.operator_token().await;
        // Only operators disable; nobody disables a user that does not exist; not oneself.
        app.post(&format!("/api/v1/users/{id}/disable"), Some(&token), &json!({})).await.assert_problem(403, "forbidden");
        app.post(&format!("/api/v1/users/{}/disable", uuid::Uuid::now_v7()), Some(&operator), &json!({})).await.assert_problem(404, "not_found");
        let op_id = user_id(&app, &operator).await;
        app.post(&format!("/api/v1/users/{op_id}/disable"), Some(&operator), &json!({})).await.assert_problem(409, "cannot_disable_self");

        let disabled = app.post(&format!("/api/v1/users/{id}/disable"), Some(&operator), &json!({})).await;
        assert_eq!(disabled.assert_status(200)["status"], "disabled");
        app.get("/api/v1/me", Some(&token)).await.assert_problem(401, "unauthorized");
        let refused = login_raw(&app, "gone@firm.test", USER_PASSWORD).await;
        refused.assert_problem(403, "forbidden");
        assert!(refused.body["detail"].as_str().unwrap_or("").contains("disabled"), "{}", refused.text);
        // A wrong password still says only "wrong email or password".
        login_raw(&app, "gone@firm.test", "wrong-password-1").await.assert_problem(401, "unauthorized");

        let enabled = app.post(&format!("/api/v1/users/{id}/enable"), Some(&operator), &json!({})).await;
        assert_eq!(enabled.assert_status(200)["status"], "active");
        let back = app.login("gone@firm.test", USER_PASSWORD).await;
        app.get("/api/v1/me", Some(&back)).await.assert_status(200);
        // The old token stays dead.
        app.get("/api/v1/me", Some(&token)).await.assert_problem(401, "unauthorized");
    }
}

db_test! {
    async fn admins_list_and_revoke_invitations_and_revoked_or_used_ones_are_refused(app: TestApp) {
        let (admin, org) = app.sign_up("university", "admin@uni.test").await;
        let path = format!("/api/v1/orgs/{org}/invitations");
        let a = app.post(&path, Some(&admin), &json!({"email": "a@uni.test"})).await.assert_status(201).clone();
        let b = app.post(&path, Some(&admin), &json!({"email": "b@uni.test", "org_role": "admin"})).await.assert_status(201).clone();
        let list = app.get(&path, Some(&admin)).await;
        let items = list.assert_status(200).as_array().expect("array").clone();
        assert_eq!(items.len(), 2);
        assert!(!list.text.contains(a["token"].as_str().expect("secret")), "the list never shows secrets");
        assert!(items.iter().all(|i| i.get("token").is_none()));

        let a_id = a["id"].as_str().expect("id");
        app.request(Method::DELETE, &format!("{path}/{a_id}"), Some(&admin), None).await.assert_status(204);
        // Revoking twice is harmless.
        app.request(Method::DELETE, &format!("{path}/{a_id}"), Some(&admin), None).await.assert_status(204);
        let list = app.get(&path, Some(&admin)).await;
        assert_eq!(list.assert_status(200).as_array().map(Vec::len), Some(1));
        let revoked = app.post("/api/v1/invitations/accept", None, &json!({"token": a["token"], "display_name": "A", "password": USER_PASSWORD})).await;
        revoked.assert_problem(422, "validation_failed");
        assert_eq!(revoked.body["fields"][0]["path"], "token");

        // Used once, then refused; a used invitation cannot be revoked.
        app.post("/api/v1/invitations/accept", None, &json!({"token": b["token"], "display_name": "B", "password": USER_PASSWORD}))
            .await
            .assert_status(201);
        app.post("/api/v1/invitations/accept", None, &json!({"token": b["token"], "display_name": "B2", "password": USER_PASSWORD}))
            .await
            .assert_problem(422, "validation_failed");
        let b_id = b["id"].as_str().expect("id");
        app.request(Method::DELETE, &format!("{path}/{b_id}"), Some(&admin), None).await.assert_problem(409, "invitation_used");
        assert_eq!(app.get(&path, Some(&admin)).await.assert_status(200).as_array().map(Vec::len), Some(0));

        // Expired invitations are refused too.
        let c = app.post(&path, Some(&admin), &json!({"email": "c@uni.test"})).await.assert_status(201).clone();
        let c_id: uuid::Uuid = c["id"].as_str().expect("id").parse().expect("uuid");
        let past: chrono::DateTime<chrono::FixedOffset> = (chrono::Utc::now() - chrono::Duration::days(1)).into();
        platform::entity::invitations::Entity::update_many()
            .col_expr(platform::entity::invitations::Column::ExpiresAt, sea_orm::sea_query::Expr::value(past))
            .filter(platform::entity::invitations::Column::Id.eq(c_id))
            .exec(&app.db)
            .await
            .expect("expire");
        app.post("/api/v1/invitations/accept", None, &json!({"token": c["token"], "display_name": "C", "password": USER_PASSWORD}))
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(app.get(&path, Some(&admin)).await.assert_status(200).as_array().map(Vec::len), Some(0));
    }
}

db_test! {
    async fn invitation_secrets_are_long_random_and_never_accepted_from_a_url(app: TestApp) {
        let (admin, org) = app.sign_up("university", "admin@uni.test").await;
        let path = format!("/api/v1/orgs/{org}/invitations");
        let one = app.post(&path, Some(&admin), &json!({"email": "a@uni.test"})).await.assert_status(201)["token"].as_str().expect("s").to_owned();
        let two = app.post(&path, Some(&admin), &json!({"email": "b@uni.test"})).await.assert_status(201)["token"].as_str().expect("s").to_owned();
        // 32 random bytes, base64url: 43 characters after the prefix.
        assert!(one.starts_with("inv_") && one.len() == 4 + 43, "{one}");
        assert_ne!(one[4..14], two[4..14], "no shared (time-based) prefix");
        // The database holds only the hash.
        let stored = platform::entity::invitations::Entity::find().all(&app.db).await.expect("read");
        assert!(stored.iter().all(|i| i.token_hash != one && i.token_hash.len() == 64));

        let in_url = format!("/api/v1/invitations/accept?token={one}");
        app.post(&in_url, None, &json!({"token": one, "display_name": "A", "password": USER_PASSWORD})).await.assert_problem(400, "bad_request");
        let only_in_url = app.post(&in_url, None, &json!({"display_name": "A", "password": USER_PASSWORD})).await;
        assert!(matches!(only_in_url.status.as_u16(), 400 | 422), "{}", only_in_url.text);
        app.get(&in_url, None).await.assert_problem(405, "method_not_allowed");
        // Still unused: the body form works.
        app.post("/api/v1/invitations/accept", None, &json!({"token": one, "display_name": "A", "password": USER_PASSWORD}))
            .await
            .assert_status(201);
        // An enormous secret is refused without a 5xx.
        let huge = "x".repeat(100_000);
        let res = app.post("/api/v1/invitations/accept", None, &json!({"token": huge, "display_name": "A", "password": USER_PASSWORD})).await;
        assert!(res.status.is_client_error(), "{}", res.status);
    }
}

db_test! {
    async fn two_admins_removing_or_demoting_each_other_at_once_leave_an_admin(app: TestApp) {
        for round in 0..3 {
            let (first, org) = app.sign_up("university", &format!("first{round}@uni.test")).await;
            let (second, second_id) = join(&app, &first, &org, &format!("second{round}@uni.test"), "admin").await;
            let first_id = user_id(&app, &first).await;
            let demote = json!({"org_role": "member"});
            let (p1, p2) = if round == 1 {
                (format!("/api/v1/orgs/{org}/members/{second_id}/role"), format!("/api/v1/orgs/{org}/members/{first_id}/role"))
            } else {
                (format!("/api/v1/orgs/{org}/members/{second_id}"), format!("/api/v1/orgs/{org}/members/{first_id}"))
            };
            // Round 1 demotes each other, the others remove each other.
            let (method, body) = if round == 1 { (Method::POST, Some(&demote)) } else { (Method::DELETE, None) };
            let (a, b) = tokio::join!(
                app.request(method.clone(), &p1, Some(&first), body),
                app.request(method.clone(), &p2, Some(&second), body),
            );
            let statuses = [a.status.as_u16(), b.status.as_u16()];
            assert!(statuses.iter().all(|s| matches!(s, 200 | 204 | 401 | 403 | 409)), "{statuses:?}: {} / {}", a.text, b.text);
            assert!(statuses.iter().filter(|s| matches!(s, 200 | 204)).count() <= 1, "both cannot win: {statuses:?}");
            assert_eq!(admins_of(&app, &org).await, 1, "round {round}: {statuses:?}");
        }
    }
}

db_test! {
    async fn offboarding_endpoints_refuse_anonymous_outsiders_and_non_admins(app: TestApp) {
        let (admin, org) = app.sign_up("university", "admin@uni.test").await;
        let (member, member_id) = join(&app, &admin, &org, "member@uni.test", "member").await;
        let (outsider, other_org) = app.sign_up("enterprise", "boss@firm.test").await;
        let inv = app.post(&format!("/api/v1/orgs/{org}/invitations"), Some(&admin), &json!({"email": "c@uni.test"})).await;
        let inv_id = inv.assert_status(201)["id"].as_str().expect("id").to_owned();
        let admin_id = user_id(&app, &admin).await;
        let remove = format!("/api/v1/orgs/{org}/members/{admin_id}");
        let list = format!("/api/v1/orgs/{org}/invitations");
        let revoke = format!("/api/v1/orgs/{org}/invitations/{inv_id}");
        for token in [Some(member.as_str()), Some(outsider.as_str()), None] {
            let expected = if token.is_some() { (403, "forbidden") } else { (401, "unauthorized") };
            app.request(Method::DELETE, &remove, token, None).await.assert_problem(expected.0, expected.1);
            app.get(&list, token).await.assert_problem(expected.0, expected.1);
            app.request(Method::DELETE, &revoke, token, None).await.assert_problem(expected.0, expected.1);
            app.post(&format!("/api/v1/users/{member_id}/disable"), token, &json!({})).await.assert_problem(expected.0, expected.1);
            app.post(&format!("/api/v1/users/{member_id}/enable"), token, &json!({})).await.assert_problem(expected.0, expected.1);
        }
        // An admin of another organisation cannot reach this one's members or invitations
        // through their own organisation's path either.
        app.request(Method::DELETE, &format!("/api/v1/orgs/{other_org}/members/{member_id}"), Some(&outsider), None)
            .await
            .assert_problem(404, "not_found");
        app.request(Method::DELETE, &format!("/api/v1/orgs/{other_org}/invitations/{inv_id}"), Some(&outsider), None)
            .await
            .assert_problem(404, "not_found");
        // Malformed ids are a 400, not a 5xx.
        app.request(Method::DELETE, &format!("/api/v1/orgs/{org}/members/not-an-id"), Some(&admin), None).await.assert_problem(400, "bad_request");
        // Nothing changed.
        assert_eq!(app.get(&list, Some(&admin)).await.assert_status(200).as_array().map(Vec::len), Some(1));
        app.get("/api/v1/me", Some(&member)).await.assert_status(200);
        assert_eq!(admins_of(&app, &org).await, 1);
    }
}

db_test! {
    async fn auth_and_invitation_events_are_audited_with_the_request_id(app: TestApp) {
        let (admin, org) = app.sign_up("university", "admin@uni.test").await;
        let client = reqwest::Client::new();
        let send = |path: &str, token: Option<&str>, body: serde_json::Value, id: &str| {
            let mut req = client.post(format!("{}{path}", app.base_url)).header("x-request-id", id).json(&body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            req.send()
        };
        let res = send("/api/v1/auth/login", None, json!({"email": "admin@uni.test", "password": "wrong-password-1"}), "req-failed-login").await.expect("send");
        assert_eq!(res.status().as_u16(), 401);
        let res = send("/api/v1/auth/login", None, json!({"email": "admin@uni.test", "password": USER_PASSWORD}), "req-login").await.expect("send");
        let session: serde_json::Value = res.json().await.expect("json");
        let token = session["token"].as_str().expect("token").to_owned();
        let res = send(&format!("/api/v1/orgs/{org}/invitations"), Some(&admin), json!({"email": "x@uni.test"}), "req-invite").await.expect("send");
        let inv: serde_json::Value = res.json().await.expect("json");
        let res = send("/api/v1/invitations/accept", None, json!({"token": inv["token"], "display_name": "X", "password": USER_PASSWORD}), "req-accept").await.expect("send");
        assert_eq!(res.status().as_u16(), 201);
        let res = send("/api/v1/auth/logout", Some(&token), json!({}), "req-logout").await.expect("send");
        assert_eq!(res.status().as_u16(), 204);

        let rows = audit_log::Entity::find().all(&app.db).await.expect("audit");
        for (action, request_id) in [
            ("auth.login_failed", "req-failed-login"),
            ("auth.login", "req-login"),
            ("invitation.create", "req-invite"),
            ("invitation.accept", "req-accept"),
            ("auth.logout", "req-logout"),
        ] {
            let row = rows.iter().find(|r| r.action == action).unwrap_or_else(|| panic!("no {action} entry: {rows:?}"));
            assert_eq!(row.request_id.as_deref(), Some(request_id), "{action}");
        }
        let login = rows.iter().find(|r| r.action == "auth.login").expect("login");
        assert!(login.actor_user_id.is_some());
        // A generated request id when the client sends none; never a secret in the entry.
        let register = rows.iter().find(|r| r.action == "organisation.register").expect("register");
        assert!(register.request_id.as_deref().is_some_and(|id| !id.is_empty()));
        let all = serde_json::to_string(&rows).expect("json");
        assert!(!all.contains(inv["token"].as_str().expect("secret")), "secrets stay out of the audit log");
        assert!(!all.contains(&token));
        // The operator made from the command line is audited too.
        app.operator_token().await;
        let rows = audit_log::Entity::find().filter(audit_log::Column::Action.eq("user.create_operator")).all(&app.db).await.expect("audit");
        assert_eq!(rows.len(), 1);
    }
}

db_test! {
    async fn the_audit_log_refuses_update_and_delete_at_the_database(app: TestApp) {
        app.sign_up("university", "admin@uni.test").await;
        let before = audit_log::Entity::find().all(&app.db).await.expect("audit");
        assert!(!before.is_empty());
        let update = app.db.execute_unprepared("UPDATE audit_log SET action = 'forged'").await;
        assert!(update.is_err(), "UPDATE must fail: {update:?}");
        assert!(format!("{:?}", update.err()).contains("append-only"));
        let delete = app.db.execute_unprepared("DELETE FROM audit_log").await;
        assert!(delete.is_err(), "DELETE must fail: {delete:?}");
        if app.backend == integration_tests::Backend::Postgres {
            let truncate = app.db.execute_unprepared("TRUNCATE audit_log").await;
            assert!(truncate.is_err(), "TRUNCATE must fail: {truncate:?}");
        }
        let after = audit_log::Entity::find().all(&app.db).await.expect("audit");
        assert_eq!(before, after);
        // Appending still works.
        let (admin, org) = app.sign_up("enterprise", "boss@firm.test").await;
        app.post(&format!("/api/v1/orgs/{org}/invitations"), Some(&admin), &json!({"email": "y@firm.test"})).await.assert_status(201);
        assert!(audit_log::Entity::find().all(&app.db).await.expect("audit").len() > after.len());
    }
}

mod the_client_address_comes_from_x_forwarded_for_only_when_trusted {
    use super::*;

    async fn login_from(app: &TestApp, forwarded_for: &str) -> u16 {
        reqwest::Client::new()
            .post(format!("{}/api/v1/auth/login", app.base_url))
            .header("x-forwarded-for", forwarded_for)
            .json(&json!({"email": format!("{}@firm.test", uuid::Uuid::now_v7().simple()), "password": "wrong-password-1"}))
            .send()
            .await
            .expect("send")
            .status()
            .as_u16()
    }

    async fn run(backend: integration_tests::Backend) {
        // Trusted: the last entry (written by our proxy) is the client; earlier ones are not.
        let app = TestApp::spawn_with(backend, |c| {
            c.auth.trust_forwarded_for = true;
            c.auth.login_max_failures_per_address = 2;
        })
        .await;
        assert_eq!(login_from(&app, "198.51.100.7, 10.0.0.1").await, 401);
        assert_eq!(login_from(&app, "203.0.113.9, 10.0.0.1").await, 401);
        assert_eq!(
            login_from(&app, "10.0.0.1").await,
            429,
            "same last entry, same address"
        );
        assert_eq!(
            login_from(&app, "10.0.0.1, 10.0.0.2").await,
            401,
            "another client"
        );
        drop(app);

        // Not trusted (the default): a client cannot escape the limit by inventing headers.
        let app = TestApp::spawn_with(backend, |c| c.auth.login_max_failures_per_address = 2).await;
        assert_eq!(login_from(&app, "10.0.0.1").await, 401);
        assert_eq!(login_from(&app, "10.0.0.2").await, 401);
        assert_eq!(login_from(&app, "10.0.0.3").await, 429);
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
