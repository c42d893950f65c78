//! Driving the portal's pages as a browser without JavaScript would: GET a page, POST a form,
//! with the session cookie the portal sets at login. Redirects are not followed, so a test
//! sees the portal's `303 See Other` and where it points.

use reqwest::header::{COOKIE, LOCATION};

use crate::{TestApp, TestResponse};

impl TestApp {
    fn no_redirects() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client")
    }

    /// Signs in through the portal's login form; returns the session cookie's value.
    pub async fn portal_login(&self, email: &str, password: &str) -> String {
        let res = Self::no_redirects()
            .post(format!("{}/login", self.base_url))
            .form(&[("email", email), ("password", password), ("next", "/")])
            .send()
            .await
            .expect("login form reached the portal");
        assert_eq!(res.status().as_u16(), 303, "login should redirect");
        let cookie = res
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.strip_prefix("tm_session=")
                    .and_then(|rest| rest.split(';').next())
            })
            .expect("session cookie set at login")
            .to_owned();
        cookie
    }

    /// GETs a portal page, signed in when `session` is given.
    pub async fn page(&self, path: &str, session: Option<&str>) -> TestResponse {
        let mut req = Self::no_redirects().get(format!("{}{path}", self.base_url));
        if let Some(s) = session {
            req = req.header(COOKIE, format!("tm_session={s}"));
        }
        Self::read_response(req.send().await.expect("page request reached the portal")).await
    }

    /// POSTs a form to the portal as a same-origin browser would.
    pub async fn submit(
        &self,
        path: &str,
        session: Option<&str>,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut req = Self::no_redirects()
            .post(format!("{}{path}", self.base_url))
            .header("origin", self.base_url.clone())
            .form(fields);
        if let Some(s) = session {
            req = req.header(COOKIE, format!("tm_session={s}"));
        }
        Self::read_response(req.send().await.expect("form post reached the portal")).await
    }
}

impl TestResponse {
    /// Where a `303 See Other` points.
    #[track_caller]
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| {
                panic!(
                    "no Location header; status {}, body: {}",
                    self.status, self.text
                )
            })
    }
}
