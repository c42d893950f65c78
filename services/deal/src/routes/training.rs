//! `/api/v1/brokers/training/*` and `/api/v1/brokers/{id}/training|certificates`: broker
//! training courses, classes, attendance and certificates.

use crate::DealState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::training::{
    AttendanceIn, AttendanceOut, BrokerTrainingOut, CertificateIn, CertificateOut, ClassIn,
    ClassOut, CourseIn, CourseOut,
};

use crate::domain::training;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_courses, create_course))
        .routes(routes!(list_classes, create_class))
        .routes(routes!(record_attendance))
        .routes(routes!(broker_training))
        .routes(routes!(issue_certificate))
}

/// Training courses for brokers, newest first.
#[utoipa::path(get, path = "/api/v1/brokers/training/courses", tag = "training",
    responses((status = 200, body = Vec<CourseOut>)))]
async fn list_courses(State(state): State<DealState>) -> ApiResult<AppJson<Vec<CourseOut>>> {
    training::list_courses(&state.db).await.map(AppJson)
}

/// Record a course (operators).
#[utoipa::path(post, path = "/api/v1/brokers/training/courses", tag = "training",
    security(("bearer" = [])), request_body = CourseIn,
    responses(
        (status = 201, body = CourseOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_course(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<CourseIn>,
) -> ApiResult<(StatusCode, AppJson<CourseOut>)> {
    let out = training::create_course(&state.db, &caller, &input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// The classes of a course.
#[utoipa::path(get, path = "/api/v1/brokers/training/courses/{id}/classes", tag = "training",
    params(("id" = Uuid, Path, description = "Course id")),
    responses(
        (status = 200, body = Vec<ClassOut>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_classes(
    State(state): State<DealState>,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<Vec<ClassOut>>> {
    training::list_classes(&state.db, id).await.map(AppJson)
}

/// Record a class of a course (operators).
#[utoipa::path(post, path = "/api/v1/brokers/training/courses/{id}/classes", tag = "training",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Course id")),
    request_body = ClassIn,
    responses(
        (status = 201, body = ClassOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_class(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<ClassIn>,
) -> ApiResult<(StatusCode, AppJson<ClassOut>)> {
    let out = training::create_class(&state.db, &caller, id, &input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// Record a broker's attendance of a class (operators; once per class and broker).
#[utoipa::path(post, path = "/api/v1/brokers/training/classes/{id}/attendance", tag = "training",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Class id")),
    request_body = AttendanceIn,
    responses(
        (status = 201, body = AttendanceOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already recorded", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn record_attendance(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<AttendanceIn>,
) -> ApiResult<(StatusCode, AppJson<AttendanceOut>)> {
    let out = training::record_attendance(&state.db, &caller, id, &input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// A broker's training: classes attended with hours, and certificates (as visible as the
/// broker's profile).
#[utoipa::path(get, path = "/api/v1/brokers/{id}/training", tag = "training",
    security((), ("bearer" = [])), params(("id" = Uuid, Path, description = "Broker id")),
    responses(
        (status = 200, body = BrokerTrainingOut),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
async fn broker_training(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<BrokerTrainingOut>> {
    training::broker_training(&state.db, caller.as_ref(), id)
        .await
        .map(AppJson)
}

/// Record a certificate a broker holds (operators); the number is unique.
#[utoipa::path(post, path = "/api/v1/brokers/{id}/certificates", tag = "training",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Broker id")),
    request_body = CertificateIn,
    responses(
        (status = 201, body = CertificateOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Number already recorded", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn issue_certificate(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<CertificateIn>,
) -> ApiResult<(StatusCode, AppJson<CertificateOut>)> {
    let out = training::issue_certificate(&state.db, &caller, id, &input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}
