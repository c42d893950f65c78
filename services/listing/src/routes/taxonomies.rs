//! `/api/v1/taxonomies/*`: the read-only code lists forms and filters use.

use axum::http::header;
use axum::response::IntoResponse;
use platform::taxonomy::{self, terms_out};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::partners;
use crate::ListingState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::countries::Served;
use platform::error::{ApiResult, Problem};
use platform::extract::AppJson;
use wire::partners::{PartnerCountryIn, ServedCountry};
use wire::taxonomy::{Regions, Term};

pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::new()
        .routes(routes!(industries))
        .routes(routes!(regions))
        .routes(routes!(ip_types))
        .routes(routes!(cooperation_modes))
        .routes(routes!(trl_levels))
        .routes(routes!(languages))
        .routes(routes!(served_countries, add_partner_country))
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

/// The countries organisations may register from: the configured ones and those operators
/// added, each with its partner group. Not cached: operators add countries at run time.
#[utoipa::path(get, path = "/api/v1/taxonomies/countries", tag = "taxonomies",
    responses((status = 200, body = Vec<ServedCountry>)))]
async fn served_countries(
    State(state): State<ListingState>,
) -> ApiResult<AppJson<Vec<ServedCountry>>> {
    Ok(AppJson(
        Served::load(&state.db, &state.config.countries)
            .await?
            .list(),
    ))
}

/// Add a partner country (operators): organisations from it may register from now on, and
/// statistics count it in its partner group.
#[utoipa::path(post, path = "/api/v1/taxonomies/countries", tag = "taxonomies",
    security(("bearer" = [])),
    request_body = PartnerCountryIn,
    responses(
        (status = 201, body = ServedCountry),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already served", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_partner_country(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppJson(input): AppJson<PartnerCountryIn>,
) -> ApiResult<(StatusCode, AppJson<ServedCountry>)> {
    let out = partners::add(&state.db, &caller, &state.config.countries, &input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}
