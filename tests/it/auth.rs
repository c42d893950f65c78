//! Sign-up, login and token lifecycle.

use integration_tests::db_test;
use platform::ids::UserId;
use serde_json::json;

db_test! {
    async fn signing_up_returns_a_session_for_the_new_organisation_admin(app: TestApp) {
        let res = app.post("/api/v1/auth/signup", None, &integration_tests::http::signup_body("university", "a@uni.test")).await;
        let body = res.assert_status(201);
        let token = body["token"].as_str().expect("token");
        assert_eq!(body["organisation"]["verification_status"], "pending");
        let me = app.get("/api/v1/me", Some(token)).await;
        let me = me.assert_status(200);
        assert_eq!(me["email"], "a@uni.test");
        assert_eq!(me["org_role"], "admin");
        assert_eq!(me["org_kind"], "university");
        assert_eq!(me["organisation_id"], body["organisation"]["id"]);
    }
}

db_test! {
    async fn login_with_the_right_password_gives_a_working_token(app: TestApp) {
        app.sign_up("enterprise", "Boss@Firm.test").await;
        // Email is case-insensitive.
        let token = app.login("boss@firm.test", integration_tests::http::USER_PASSWORD).await;
        app.get("/api/v1/me", Some(&token)).await.assert_status(200);
    }
}

db_test! {
    async fn login_with_a_wrong_password_or_unknown_email_is_401_alike(app: TestApp) {
        app.sign_up("enterprise", "boss@firm.test").await;
        let wrong = app.post("/api/v1/auth/login", None, &json!({"email": "boss@firm.test", "password": "not-the-password"})).await;
        wrong.assert_problem(401, "unauthorized");
        let unknown = app.post("/api/v1/auth/login", None, &json!({"email": "nobody@firm.test", "password": "not-the-password"})).await;
        unknown.assert_problem(401, "unauthorized");
        assert_eq!(wrong.body["detail"], unknown.body["detail"], "responses must not reveal who has an account");
    }
}

db_test! {
    async fn an_expired_token_is_refused(app: TestApp) {
        let (token, _) = app.sign_up("enterprise", "e@firm.test").await;
        let me = app.get("/api/v1/me", Some(&token)).await;
        let user_id: UserId = serde_json::from_value(me.body["user_id"].clone()).expect("user id");
        let expired = platform::auth::issue_token(&app.db, user_id, "session", chrono::Duration::seconds(-1))
            .await
            .expect("issue");
        let res = app.get("/api/v1/me", Some(&expired.token)).await;
        res.assert_problem(401, "unauthorized");
        assert!(res.body["detail"].as_str().unwrap_or("").contains("expired"), "{}", res.text);
    }
}

db_test! {
    async fn a_revoked_token_is_refused_after_logout(app: TestApp) {
        let (token, _) = app.sign_up("enterprise", "e@firm.test").await;
        let other = app.login("e@firm.test", integration_tests::http::USER_PASSWORD).await;
        app.post("/api/v1/auth/logout", Some(&token), &json!({})).await.assert_status(204);
        let res = app.get("/api/v1/me", Some(&token)).await;
        res.assert_problem(401, "unauthorized");
        assert!(res.body["detail"].as_str().unwrap_or("").contains("revoked"), "{}", res.text);
        // Logging out one session leaves the others alone.
        app.get("/api/v1/me", Some(&other)).await.assert_status(200);
    }
}

db_test! {
    async fn changing_the_password_revokes_other_sessions_and_old_password(app: TestApp) {
        let (token, _) = app.sign_up("enterprise", "e@firm.test").await;
        let other = app.login("e@firm.test", integration_tests::http::USER_PASSWORD).await;
        let wrong = app.post("/api/v1/me/password", Some(&token), &json!({"current_password": "nope-nope-nope", "new_password": "a-new-password-1"})).await;
        wrong.assert_problem(422, "validation_failed");
        assert_eq!(wrong.body["fields"][0]["path"], "current_password");
        app.post("/api/v1/me/password", Some(&token), &json!({"current_password": integration_tests::http::USER_PASSWORD, "new_password": "a-new-password-1"}))
            .await
            .assert_status(204);
        app.get("/api/v1/me", Some(&token)).await.assert_status(200);
        app.get("/api/v1/me", Some(&other)).await.assert_problem(401, "unauthorized");
        app.post("/api/v1/auth/login", None, &json!({"email": "e@firm.test", "password": integration_tests::http::USER_PASSWORD}))
            .await
            .assert_problem(401, "unauthorized");
        app.login("e@firm.test", "a-new-password-1").await;
    }
}

db_test! {
    async fn anonymous_and_garbage_tokens_get_401(app: TestApp) {
        app.get("/api/v1/me", None).await.assert_problem(401, "unauthorized");
        app.get("/api/v1/me", Some("tm_not-a-real-token")).await.assert_problem(401, "unauthorized");
        app.get("/api/v1/me", Some("something else")).await.assert_problem(401, "unauthorized");
    }
}

db_test! {
    async fn sign_up_validates_every_field_and_writes_nothing(app: TestApp) {
        let mut body = integration_tests::http::signup_body("enterprise", "not-an-email");
        body["password"] = json!("short");
        body["organisation"]["credit_code"] = json!("91450100MA0000001A");
        body["organisation"]["country"] = json!("FR");
        let res = app.post("/api/v1/auth/signup", None, &body).await;
        res.assert_problem(422, "validation_failed");
        let paths: Vec<&str> = res.body["fields"].as_array().expect("fields").iter().filter_map(|f| f["path"].as_str()).collect();
        for expected in ["email", "password", "organisation.country", "organisation.credit_code"] {
            assert!(paths.contains(&expected), "{expected} not reported: {paths:?}");
        }
        use sea_orm::{EntityTrait, PaginatorTrait};
        assert_eq!(platform::entity::organisations::Entity::find().count(&app.db).await.expect("count"), 0);
        assert_eq!(platform::entity::users::Entity::find().count(&app.db).await.expect("count"), 0);
    }
}

db_test! {
    async fn a_second_account_with_the_same_email_is_refused(app: TestApp) {
        app.sign_up("enterprise", "dup@firm.test").await;
        let res = app.post("/api/v1/auth/signup", None, &integration_tests::http::signup_body("enterprise", "DUP@firm.test")).await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(res.body["fields"][0]["path"], "email");
    }
}
