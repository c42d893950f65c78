//! `/api/v1/deals`: the broker pipeline, its timeline, brokers, attribution ledger and
//! publicity (公示).

use crate::DealState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::entity::attributions;
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::domain::access::ensure_deal_visible;
use crate::domain::deals::{
    self, AssignIn, AttributionIn, AttributionOut, DealIn, DealListParams, DealOut, EventOut,
    NoteIn, PageParams, PublicityNotice, StageIn,
};
use crate::domain::{paging, Page};

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_deals, open_deal))
        .routes(routes!(publicity_notices))
        .routes(routes!(get_deal))
        .routes(routes!(change_stage))
        .routes(routes!(list_events, add_note))
        .routes(routes!(object))
        .routes(routes!(assign_broker))
        .routes(routes!(unassign_broker))
        .routes(routes!(list_attributions, record_attribution))
}

/// Deals you may see: your organisation's, those you are assigned to as a broker, or all
/// (operators).
#[utoipa::path(get, path = "/api/v1/deals", tag = "deals", security(("bearer" = [])), params(DealListParams),
    responses((status = 200, body = Page<DealOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn list_deals(
    State(state): State<DealState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<DealListParams>,
) -> ApiResult<AppJson<Page<DealOut>>> {
    deals::list(&state.db, &caller, &params).await.map(AppJson)
}

/// Open a deal from a match, an inquiry on a published listing or an awarded open-call
/// application.
#[utoipa::path(post, path = "/api/v1/deals", tag = "deals", security(("bearer" = [])), request_body = DealIn,
    responses((status = 201, body = DealOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn open_deal(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<DealIn>,
) -> ApiResult<(StatusCode, AppJson<DealOut>)> {
    let deal = deals::open(&state.db, &caller, input).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(deals::to_out(&state.db, deal).await?),
    ))
}

/// Deals in their publicity window today (public notice board, 公示).
#[utoipa::path(get, path = "/api/v1/deals/publicity", tag = "deals", params(PageParams),
    responses((status = 200, body = Page<PublicityNotice>)))]
async fn publicity_notices(
    State(state): State<DealState>,
    AppQuery(params): AppQuery<PageParams>,
) -> ApiResult<AppJson<Page<PublicityNotice>>> {
    deals::publicity_notices(&state.db, &params)
        .await
        .map(AppJson)
}

/// One deal with its brokers, attribution ledger, publicity and contracts.
#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Deal id")),
    responses((status = 200, body = DealOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_deal(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<DealOut>> {
    let deal = deals::find(&state.db, id).await?;
    ensure_deal_visible(&state.db, &caller, &deal).await?;
    deals::to_out(&state.db, deal).await.map(AppJson)
}

/// Move a deal forward (or to `lost` with a reason); `version` required. Reaching `agreed`
/// opens the publicity window when it applies; `signed` waits for it to end.
#[utoipa::path(post, path = "/api/v1/deals/{id}/stage", tag = "deals", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Deal id")),
    request_body = StageIn,
    responses((status = 200, body = DealOut), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn change_stage(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<StageIn>,
) -> ApiResult<AppJson<DealOut>> {
    let deal = deals::change_stage(
        &state.db,
        state.config.deal.publicity_days,
        &caller,
        id,
        input,
    )
    .await?;
    deals::to_out(&state.db, deal).await.map(AppJson)
}

/// The deal's timeline, newest first.
#[utoipa::path(get, path = "/api/v1/deals/{id}/events", tag = "deals", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Deal id"), PageParams),
    responses((status = 200, body = Page<EventOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_events(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<PageParams>,
) -> ApiResult<AppJson<Page<EventOut>>> {
    deals::events(&state.db, &caller, id, &params)
        .await
        .map(AppJson)
}

/// Add a note to the timeline.
#[utoipa::path(post, path = "/api/v1/deals/{id}/events", tag = "deals", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Deal id")),
    request_body = NoteIn,
    responses((status = 201, body = EventOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_note(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<NoteIn>,
) -> ApiResult<(StatusCode, AppJson<EventOut>)> {
    let e = deals::add_note(&state.db, &caller, id, input).await?;
    Ok((StatusCode::CREATED, AppJson(e)))
}

/// Object to a deal during its publicity window (anyone signed in).
#[utoipa::path(post, path = "/api/v1/deals/{id}/objections", tag = "deals", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Deal id")),
    request_body = NoteIn,
    responses((status = 201, body = EventOut), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn object(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<NoteIn>,
) -> ApiResult<(StatusCode, AppJson<EventOut>)> {
    let e = deals::object(&state.db, &caller, id, input).await?;
    Ok((StatusCode::CREATED, AppJson(e)))
}

/// Assign a verified broker; the ledger gets an entry.
#[utoipa::path(post, path = "/api/v1/deals/{id}/brokers", tag = "deals", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Deal id")),
    request_body = AssignIn,
    responses((status = 200, body = DealOut), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn assign_broker(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<AssignIn>,
) -> ApiResult<AppJson<DealOut>> {
    let deal = deals::assign_broker(&state.db, &caller, id, input).await?;
    deals::to_out(&state.db, deal).await.map(AppJson)
}

/// End a broker's assignment; their ledger entries stay.
#[utoipa::path(delete, path = "/api/v1/deals/{id}/brokers/{broker_id}", tag = "deals", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Deal id"), ("broker_id" = Uuid, Path, description = "Broker id")),
    responses((status = 200, body = DealOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn unassign_broker(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath((id, broker_id)): AppPath<(Uuid, Uuid)>,
) -> ApiResult<AppJson<DealOut>> {
    let deal = deals::unassign_broker(&state.db, &caller, id, broker_id).await?;
    deals::to_out(&state.db, deal).await.map(AppJson)
}

/// The append-only attribution ledger, oldest first.
#[utoipa::path(get, path = "/api/v1/deals/{id}/attributions", tag = "deals", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Deal id"), PageParams),
    responses((status = 200, body = Page<AttributionOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_attributions(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<PageParams>,
) -> ApiResult<AppJson<Page<AttributionOut>>> {
    let deal = deals::find(&state.db, id).await?;
    ensure_deal_visible(&state.db, &caller, &deal).await?;
    let (page, per_page) = paging(params.page, params.per_page);
    let paginator = attributions::Entity::find()
        .filter(attributions::Column::DealId.eq(id))
        .order_by_asc(attributions::Column::CreatedAt)
        .order_by_asc(attributions::Column::Id)
        .paginate(&state.db, per_page);
    let total = paginator.num_items().await?;
    let items = paginator
        .fetch_page(page - 1)
        .await?
        .into_iter()
        .map(deals::attribution_out)
        .collect::<ApiResult<_>>()?;
    Ok(AppJson(Page {
        items,
        total,
        page,
        per_page,
    }))
}

/// Append an entry to the ledger (operators, the deal's brokers).
#[utoipa::path(post, path = "/api/v1/deals/{id}/attributions", tag = "deals", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Deal id")),
    request_body = AttributionIn,
    responses((status = 201, body = AttributionOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn record_attribution(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<AttributionIn>,
) -> ApiResult<(StatusCode, AppJson<AttributionOut>)> {
    let a = deals::record_attribution(&state.db, &caller, id, input).await?;
    Ok((StatusCode::CREATED, AppJson(a)))
}
