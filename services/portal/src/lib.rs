//! The portal: the web UI over the three services' APIs. It owns no tables.
//!
//! This first cut serves the landing page that points people at the API reference; the
//! listing, broker and operator pages arrive with the portal issue.

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use shared::AppState;

/// Service name, used in logs.
pub const SERVICE: &str = "portal";

/// The portal's pages.
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home() -> Html<&'static str> {
    Html(HOME)
}

const HOME: &str = r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TechMarket 技术市场</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.6; }
  a { color: #0b57d0; }
  a:focus { outline: 3px solid #f9ab00; }
  code { background: #f1f3f4; padding: 0 .25rem; }
</style>
</head>
<body>
<main>
<h1>TechMarket 技术市场</h1>
<p>科技成果、技术需求与揭榜挂帅的对接平台。A technology-transfer marketplace for Guangxi and ASEAN.</p>
<ul>
  <li><a href="/api/docs/">API reference 接口文档</a></li>
  <li><a href="/api/v1/openapi.json">OpenAPI document</a></li>
  <li><a href="/healthz">Health</a> · <a href="/readyz">Readiness</a></li>
</ul>
</main>
</body>
</html>
"#;
