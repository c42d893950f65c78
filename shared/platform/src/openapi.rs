//! Pieces of the OpenAPI document every service shares.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::Modify;

/// Declares the `bearer` security scheme the handlers refer to.
pub struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Documents the problem answers that the shared layers give on any route, so the document
/// says what clients really receive (Schemathesis checks every status against it):
///
/// - 400 when a path, query or body cannot be read (a malformed id, a bad query string or JSON);
/// - 401 on routes that take a bearer token: a missing one where it is required, and a sent
///   one that is wrong, expired or revoked (even where anonymous callers are welcome);
/// - 404 on routes with a path parameter: no such object, or not the caller's to see;
/// - 413, 415 and 422 on routes with a request body: too large, not JSON (or not the form the
///   route reads), or fields that fail validation — and 422 on routes with parameters too,
///   whose values may be well-formed but invalid;
/// - 503 on every route: the database did not answer in time, or the request timed out.
///
/// A route's own annotation wins where it documents the same status.
pub fn document_problem_responses(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                crate::error::PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
    };
    for item in openapi.paths.paths.values_mut() {
        let path_params = item.parameters.as_ref().is_some_and(|p| !p.is_empty());
        for op in [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            let params = op.parameters.as_deref().unwrap_or_default();
            let has_path_param = path_params
                || params
                    .iter()
                    .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Path));
            let has_params = has_path_param || !params.is_empty();
            let has_body = op.request_body.is_some();
            let has_auth = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let mut add = |status: &str, description: &str| {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem(description).into());
            };
            if has_params || has_body {
                add(
                    "400",
                    "Malformed request: a path, query or body that cannot be read",
                );
            }
            if has_auth {
                add(
                    "401",
                    "No bearer token where one is required, or a wrong, expired or revoked one",
                );
            }
            if has_path_param {
                add("404", "No such object, or not the caller's to see");
            }
            if has_body {
                add("413", "Request body too large");
                add("415", "Request body not in a media type this route reads");
            }
            if has_body || has_params {
                add("422", "Validation failed; every bad field is listed");
            }
            add(
                "503",
                "The database did not answer in time, or the request took too long",
            );
        }
    }
}
