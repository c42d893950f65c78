//! `/api/v1/taxonomies/*`: the read-only code lists forms and filters use.

use axum::http::header;
use axum::response::IntoResponse;
use platform::taxonomy::{self, terms_out};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::ListingState;
use wire::taxonomy::{Regions, Term};

pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::new()
        .routes(routes!(industries))
        .routes(routes!(regions))
        .routes(routes!(ip_types))
        .routes(routes!(cooperation_modes))
        .routes(routes!(trl_levels))
        .routes(routes!(languages))
}

/// Taxonomies change with releases only: let browsers and proxies cache them for a day.
fn cached<T: Serialize>(value: T) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=86400")],
        axum::Json(value),
    )
}

/// Industry fields (codes with zh and en labels).
#[utoipa::path(get, path = "/api/v1/taxonomies/industries", tag = "taxonomies", responses((status = 200, body = Vec<Term>)))]
async fn industries() -> impl IntoResponse {
    cached(terms_out(taxonomy::INDUSTRIES))
}

/// Regions: Guangxi's cities, China's provinces and the ASEAN members.
#[utoipa::path(get, path = "/api/v1/taxonomies/regions", tag = "taxonomies", responses((status = 200, body = Regions)))]
async fn regions() -> impl IntoResponse {
    cached(Regions {
        guangxi: Term {
            code: "450000".to_owned(),
            zh: "广西壮族自治区".to_owned(),
            en: "Guangxi Zhuang Autonomous Region".to_owned(),
        },
        guangxi_cities: terms_out(taxonomy::GUANGXI_CITIES),
        provinces: terms_out(taxonomy::PROVINCES),
        asean: taxonomy::ASEAN.iter().map(Into::into).collect(),
    })
}

/// IP types.
#[utoipa::path(get, path = "/api/v1/taxonomies/ip-types", tag = "taxonomies", responses((status = 200, body = Vec<Term>)))]
async fn ip_types() -> impl IntoResponse {
    cached(terms_out(taxonomy::IP_TYPES))
}

/// Cooperation modes.
#[utoipa::path(get, path = "/api/v1/taxonomies/cooperation-modes", tag = "taxonomies", responses((status = 200, body = Vec<Term>)))]
async fn cooperation_modes() -> impl IntoResponse {
    cached(terms_out(taxonomy::COOPERATION_MODES))
}

/// Technology readiness levels 1–9.
#[utoipa::path(get, path = "/api/v1/taxonomies/trl", tag = "taxonomies", responses((status = 200, body = Vec<Term>)))]
async fn trl_levels() -> impl IntoResponse {
    cached(terms_out(taxonomy::TRL_LEVELS))
}

/// Languages listings may be written in.
#[utoipa::path(get, path = "/api/v1/taxonomies/languages", tag = "taxonomies", responses((status = 200, body = Vec<Term>)))]
async fn languages() -> impl IntoResponse {
    cached(terms_out(taxonomy::LANGUAGES))
}
