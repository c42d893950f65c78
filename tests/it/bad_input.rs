//! Bad input gets a 4xx problem, never a 5xx, and changes nothing.

use integration_tests::db_test;
use reqwest::Method;

db_test! {
    async fn malformed_json_is_400(app: TestApp) {
        let res = app.request_raw(Method::POST, "/api/v1/auth/login", "application/json", b"{\"email\": ".to_vec()).await;
        res.assert_problem(400, "bad_request");
    }
}

db_test! {
    async fn a_wrong_type_is_422_naming_the_field(app: TestApp) {
        let res = app.request_raw(Method::POST, "/api/v1/auth/login", "application/json", br#"{"email": 42, "password": "x"}"#.to_vec()).await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(res.body["fields"][0]["path"], "email");
    }
}

db_test! {
    async fn a_nested_wrong_type_is_422_with_its_path(app: TestApp) {
        let mut body = integration_tests::http::signup_body("enterprise", "x@firm.test");
        body["organisation"]["state_funded"] = serde_json::json!("yes");
        let res = app.post("/api/v1/auth/signup", None, &body).await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(res.body["fields"][0]["path"], "organisation.state_funded");
    }
}

db_test! {
    async fn an_unknown_field_is_422_naming_it(app: TestApp) {
        let res = app.request_raw(Method::POST, "/api/v1/auth/login", "application/json", br#"{"email": "a@b.test", "password": "x", "remember_me": true}"#.to_vec()).await;
        res.assert_problem(422, "validation_failed");
        assert!(res.body["detail"].as_str().unwrap_or("").contains("remember_me"), "{}", res.text);
    }
}

db_test! {
    async fn a_body_over_the_limit_is_413(app: TestApp) {
        let limit = app.state.config.server.body_limit_bytes;
        let mut big = br#"{"email": "a@b.test", "password": ""#.to_vec();
        big.extend(std::iter::repeat_n(b'x', limit + 10));
        big.extend(br#""}"#);
        let res = app.request_raw(Method::POST, "/api/v1/auth/login", "application/json", big).await;
        res.assert_problem(413, "payload_too_large");
    }
}

db_test! {
    async fn a_missing_content_type_is_415(app: TestApp) {
        let res = app.request_raw(Method::POST, "/api/v1/auth/login", "text/plain", br#"{"email": "a@b.test", "password": "x"}"#.to_vec()).await;
        res.assert_problem(415, "unsupported_media_type");
    }
}

db_test! {
    async fn a_bad_uuid_in_the_path_is_400(app: TestApp) {
        let res = app.get("/api/v1/orgs/not-a-uuid", None).await;
        res.assert_problem(400, "bad_request");
        assert!(res.body["detail"].as_str().unwrap_or("").contains("id"), "{}", res.text);
    }
}

db_test! {
    async fn unknown_routes_and_methods_are_problems(app: TestApp) {
        app.get("/api/v1/no-such-thing", None).await.assert_problem(404, "not_found");
        let res = app.request(Method::DELETE, "/api/v1/me", None, None).await;
        res.assert_problem(405, "method_not_allowed");
    }
}

db_test! {
    async fn every_response_carries_a_request_id(app: TestApp) {
        let res = app.get("/healthz", None).await;
        res.assert_status(200);
        assert!(res.headers.get("x-request-id").is_some());
    }
}

db_test! {
    async fn health_readiness_metrics_and_openapi_are_served(app: TestApp) {
        assert_eq!(app.get("/healthz", None).await.assert_status(200)["status"], "ok");
        assert_eq!(app.get("/readyz", None).await.assert_status(200)["database"], "ok");
        let metrics = app.get("/metrics", None).await;
        assert_eq!(metrics.status.as_u16(), 200);
        assert!(metrics.text.contains("http_requests_total"), "{}", metrics.text);
        let doc = app.get("/api/v1/openapi.json", None).await;
        let doc = doc.assert_status(200);
        assert_eq!(doc["openapi"], "3.1.0");
        for path in ["/api/v1/auth/login", "/api/v1/orgs/{id}/members"] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
        }
        let docs_page = app.get("/api/docs/", None).await;
        assert_eq!(docs_page.status.as_u16(), 200);
        assert!(docs_page.text.contains("swagger"), "reference page is served locally");
    }
}

db_test! {
    async fn absurd_page_numbers_give_an_empty_page_not_a_server_error(app: TestApp) {
        for path in ["/api/v1/achievements", "/api/v1/needs", "/api/v1/brokers", "/api/v1/deals/publicity"] {
            let res = app.get(&format!("{path}?page=18446744073709551615&per_page=100000"), None).await;
            let body = res.assert_status(200);
            assert_eq!(body["items"].as_array().map(Vec::len), Some(0), "{path}: {}", res.text);
            assert_eq!(body["per_page"], 100, "{path}: page size is capped");
        }
    }
}
