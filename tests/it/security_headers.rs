//! Security headers on every response of every service and the portal (`platform::http`): no
//! MIME sniffing, no framing, a Content-Security-Policy the portal's pages and the API reference
//! still work under, a referrer policy, and HSTS plus a `Secure` session cookie only when the
//! public URL is https.

use integration_tests::{db_test, Backend, TestApp, TestResponse};

/// Asserts the headers every response carries; returns its Content-Security-Policy.
#[track_caller]
fn assert_security_headers<'a>(what: &str, res: &'a TestResponse) -> &'a str {
    let header = |name: &str| res.headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(header("referrer-policy"), Some("same-origin"), "{what}");
    let csp = header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
    csp
}

/// Pages a CSP without inline script would break: any `<script>` without `src`, any inline
/// event handler (`onclick=` …) or `javascript:` URL.
#[track_caller]
fn assert_no_inline_script(what: &str, html: &str) {
    let lower = html.to_lowercase();
    for (i, _) in lower.match_indices("<script") {
        let tag_end = lower[i..].find('>').map_or(lower.len(), |e| i + e);
        assert!(
            lower[i..tag_end].contains(" src="),
            "{what}: inline <script> at byte {i}"
        );
    }
    for handler in [
        " onclick=",
        " onload=",
        " onsubmit=",
        " onchange=",
        " oninput=",
        " onerror=",
        "javascript:",
    ] {
        assert!(
            !lower.contains(handler),
            "{what}: `{handler}` would be blocked by the CSP"
        );
    }
    assert!(
        !lower.contains("<style"),
        "{what}: a <style> element would be blocked by the CSP"
    );
}

db_test!(
    async fn every_response_carries_the_security_headers(app: TestApp) {
        let (token, _) = app.sign_up("enterprise", "headers@firm.test").await;
        // API answers: JSON, problems (404, 401, 405), health, metrics, the OpenAPI document.
        for (what, res) in [
            ("taxonomies", app.get("/api/v1/taxonomies", None).await),
            ("me", app.get("/api/v1/me", Some(&token)).await),
            (
                "unknown route",
                app.get("/api/v1/no-such-thing", None).await,
            ),
            ("anonymous me", app.get("/api/v1/me", None).await),
            (
                "method not allowed",
                app.request(reqwest::Method::DELETE, "/api/v1/taxonomies", None, None)
                    .await,
            ),
            ("healthz", app.get("/healthz", None).await),
            ("openapi", app.get("/api/v1/openapi.json", None).await),
        ] {
            let csp = assert_security_headers(what, &res);
            assert_eq!(
                csp,
                platform::http::CSP_NONE,
                "{what}: not a page, nothing may load"
            );
            assert!(
                res.headers.get("strict-transport-security").is_none(),
                "{what}: no HSTS over http"
            );
        }
        // Portal pages and assets.
        for path in [
            "/",
            "/login",
            "/signup",
            "/brokers",
            "/publicity",
            "/dashboard",
        ] {
            let res = app.page(path, None).await;
            assert_eq!(res.status, 200, "{path}: {}", res.text);
            let csp = assert_security_headers(path, &res);
            assert_eq!(csp, platform::http::CSP_PAGES, "{path}");
            assert!(
                csp.contains("script-src 'self'")
                    && !csp.contains("script-src 'self' 'unsafe-inline'"),
                "{path}: {csp}"
            );
            assert_no_inline_script(path, &res.text);
        }
        let session = app
            .portal_login("headers@firm.test", integration_tests::http::USER_PASSWORD)
            .await;
        for path in ["/my", "/notifications", "/saved-searches"] {
            let res = app.page(path, Some(&session)).await;
            assert_eq!(res.status, 200, "{path}: {}", res.text);
            assert_security_headers(path, &res);
            assert_no_inline_script(path, &res.text);
        }
        for path in ["/assets/style.css", "/assets/app.js", "/assets/favicon.svg"] {
            let res = app.page(path, None).await;
            assert_eq!(res.status, 200, "{path}");
            assert_security_headers(path, &res);
        }
        // The API reference: its page and every script and stylesheet it loads are same-origin.
        let docs = app.page("/api/docs/", None).await;
        assert_eq!(docs.status, 200, "{}", docs.text);
        let csp = assert_security_headers("/api/docs/", &docs);
        assert_eq!(csp, platform::http::CSP_API_DOCS);
        assert_no_inline_script("/api/docs/", &docs.text);
        for src in docs
            .text
            .split("src=\"")
            .skip(1)
            .chain(docs.text.split("href=\"").skip(1))
        {
            let url = src.split('"').next().unwrap_or("");
            assert!(
                !url.starts_with("http") && !url.starts_with("//"),
                "the API reference loads {url} from another origin"
            );
            if url.ends_with(".js") || url.ends_with(".css") {
                let res = app
                    .page(&format!("/api/docs/{}", url.trim_start_matches("./")), None)
                    .await;
                assert_eq!(res.status, 200, "/api/docs/{url}");
            }
        }
        let init = app.page("/api/docs/swagger-initializer.js", None).await;
        assert_eq!(init.status, 200);
        assert!(
            !init.text.contains("https://"),
            "the Swagger UI initializer points at another origin: {}",
            init.text
        );
    }
);

/// Behind an https public URL: HSTS on every response, and the portal's session cookie is
/// `Secure` (the browser never sends it over plain http).
mod an_https_public_url_turns_on_hsts_and_secure_cookies {
    use super::*;

    async fn run(app: TestApp) {
        app.sign_up("university", "https@uni.test").await;
        for path in [
            "/api/v1/taxonomies",
            "/api/v1/no-such-thing",
            "/",
            "/api/docs/",
        ] {
            let res = app.page(path, None).await;
            assert_security_headers(path, &res);
            assert_eq!(
                res.headers
                    .get("strict-transport-security")
                    .and_then(|v| v.to_str().ok()),
                Some(platform::http::HSTS),
                "{path}"
            );
        }
        let cookie = session_cookie(&app, "https@uni.test").await;
        assert!(cookie.contains("Secure"), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
    }

    async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |c| {
            c.server.public_url = Some("https://techmarket.example.cn".to_owned())
        })
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(spawn(Backend::Sqlite).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(spawn(Backend::Postgres).await).await;
    }
}

db_test!(
    async fn over_plain_http_the_session_cookie_is_not_secure(app: TestApp) {
        app.sign_up("university", "plain@uni.test").await;
        let cookie = session_cookie(&app, "plain@uni.test").await;
        assert!(
            !cookie.contains("Secure"),
            "a Secure cookie over http would never come back: {cookie}"
        );
    }
);

/// Signs in through the portal's login form; returns the whole `Set-Cookie` of the session,
/// attributes included.
async fn session_cookie(app: &TestApp, email: &str) -> String {
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}/login", app.base_url))
        .form(&[
            ("email", email),
            ("password", integration_tests::http::USER_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303);
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tm_session="))
        .expect("session cookie")
        .to_owned()
}
