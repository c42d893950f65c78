//! Saved searches and alerts: "tell me about new listings like this" and "tell me about new
//! matches of my listings", in-app always, by email when the person asks for it and email is
//! enabled in the configuration.

use chrono::Utc;
use platform::auth::AuthUser;
use platform::entity::{notifications, saved_searches, users};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use platform::jobs::{enqueue, Job};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use search::{Filters, SearchIndex, SearchQuery, SortOrder};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
pub use wire::NotificationKind;
use wire::{AlertKind, ListingKind};

/// Most saved searches per person.
const MAX_PER_USER: usize = 50;

/// A saved search as a person writes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedSearchIn {
    pub name: String,
    /// `search`: new listings matching `query` and `filters`; `new_matches`: new matches of
    /// the listing named by `listing_kind` + `listing_id` (or of all your organisation's needs).
    pub alert_kind: String,
    pub query: Option<String>,
    /// Search filters, as in `GET /api/v1/search` (`kind`, `industry`, `region`, …).
    #[serde(default)]
    pub filters: serde_json::Value,
    pub listing_kind: Option<String>,
    pub listing_id: Option<Uuid>,
    /// Also send these alerts by email.
    #[serde(default)]
    pub email_enabled: bool,
}

pub use wire::matching::SavedSearchOut;

/// A saved search row as its owner sees it.
pub fn out(m: saved_searches::Model) -> SavedSearchOut {
    SavedSearchOut {
        id: m.id,
        name: m.name,
        alert_kind: m.alert_kind,
        query: m.query,
        filters: m.filters,
        listing_kind: m.listing_kind,
        listing_id: m.listing_id,
        email_enabled: m.email_enabled,
        last_notified_at: m.last_notified_at,
        created_at: m.created_at,
    }
}

/// The search filters a saved search keeps; the same names as the search endpoint's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedFilters {
    pub kind: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub trl_min: Option<i16>,
    pub cross_border: Option<bool>,
}

fn list(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn to_filters(f: &SavedFilters) -> Filters {
    Filters {
        kinds: list(&f.kind)
            .iter()
            .filter_map(|k| ListingKind::parse(k))
            .collect(),
        industries: list(&f.industry),
        regions: list(&f.region),
        countries: list(&f.country),
        trl_min: f.trl_min,
        cross_border: f.cross_border,
        ..Filters::default()
    }
}

/// Saves a search for the caller.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    input: SavedSearchIn,
) -> ApiResult<saved_searches::Model> {
    let mut v = Validator::new();
    v.length(&input.name, "name", 1, 120);
    v.check(
        AlertKind::parse(&input.alert_kind).is_some(),
        "alert_kind",
        "must be search or new_matches",
    );
    if input.alert_kind == AlertKind::Search.as_str() {
        v.check(
            input.query.as_deref().is_some_and(|q| !q.trim().is_empty())
                || !input.filters.is_null(),
            "query",
            "a search alert needs a query or filters",
        );
    }
    if let Some(q) = &input.query {
        v.length(q, "query", 0, 500);
    }
    let filters = if input.filters.is_null() {
        serde_json::json!({})
    } else {
        input.filters.clone()
    };
    if let Err(e) = serde_json::from_value::<SavedFilters>(filters.clone()) {
        v.push("filters", e.to_string());
    }
    if let Some(k) = &input.listing_kind {
        v.check(
            ListingKind::parse(k).is_some(),
            "listing_kind",
            "must be achievement or need",
        );
    }
    v.finish()?;
    let existing = saved_searches::Entity::find()
        .filter(saved_searches::Column::UserId.eq(caller.user_id.0))
        .all(db)
        .await?;
    if existing.len() >= MAX_PER_USER {
        return Err(ApiError::conflict(
            "too_many_saved_searches",
            format!("at most {MAX_PER_USER} saved searches per person"),
        ));
    }
    let now = Utc::now();
    Ok(saved_searches::ActiveModel {
        id: Set(new_uuid()),
        user_id: Set(caller.user_id.0),
        name: Set(input.name.trim().to_owned()),
        alert_kind: Set(input.alert_kind),
        query: Set(input
            .query
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty())),
        filters: Set(filters),
        listing_kind: Set(input.listing_kind),
        listing_id: Set(input.listing_id),
        email_enabled: Set(input.email_enabled),
        last_notified_at: Set(None),
        version: Set(1),
        created_at: Set(now.into()),
        updated_at: Set(now.into()),
    }
    .insert(db)
    .await?)
}

/// The caller's saved searches.
#[tracing::instrument(skip_all)]
pub async fn list_mine(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
) -> ApiResult<Vec<saved_searches::Model>> {
    Ok(saved_searches::Entity::find()
        .filter(saved_searches::Column::UserId.eq(caller.user_id.0))
        .order_by_asc(saved_searches::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Deletes one of the caller's saved searches.
#[tracing::instrument(skip_all, fields(saved_search.id = %id))]
pub async fn delete(db: &impl ConnectionTrait, caller: &AuthUser, id: Uuid) -> ApiResult<()> {
    let result = saved_searches::Entity::delete_many()
        .filter(saved_searches::Column::Id.eq(id))
        .filter(saved_searches::Column::UserId.eq(caller.user_id.0))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::not_found(format!("saved search {id}")));
    }
    Ok(())
}

/// Email one notification (queue `notify`). Idempotent: a notification already emailed is
/// not sent again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailNotification {
    pub notification_id: Uuid,
}

impl Job for EmailNotification {
    const NAME: &'static str = "email_notification.v1";
    const QUEUE: &'static str = "notify";
}

/// What a notification says and where it points; `email` asks for an email as well (sent only
/// where email is enabled).
pub struct Notice<'a> {
    pub kind: NotificationKind,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<String>,
    pub payload: serde_json::Value,
    pub email: bool,
}

/// Creates an in-app notification and, when asked and enabled, queues its email.
#[tracing::instrument(skip_all)]
pub async fn notify(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    notice: Notice<'_>,
) -> anyhow::Result<Uuid> {
    let Notice {
        kind,
        title,
        body,
        link,
        payload,
        email,
    } = notice;
    let id = new_uuid();
    notifications::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        kind: Set(kind.as_str().to_owned()),
        title: Set(title.chars().take(300).collect()),
        body: Set(body.to_owned()),
        link: Set(link),
        payload: Set(payload),
        read_at: Set(None),
        emailed_at: Set(None),
        created_at: Set(Utc::now().into()),
    }
    .insert(db)
    .await?;
    if email {
        enqueue(
            db,
            &EmailNotification {
                notification_id: id,
            },
        )
        .await?;
    }
    Ok(id)
}

/// A listing was just indexed: people whose saved search it matches hear of it. Runs the
/// saved query on the index and looks for the listing among the results.
#[tracing::instrument(skip_all)]
pub async fn run_search_alerts(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex,
    email_enabled: bool,
    kind: ListingKind,
    listing_id: Uuid,
    title: &str,
) -> anyhow::Result<usize> {
    let alerts = saved_searches::Entity::find()
        .filter(saved_searches::Column::AlertKind.eq(AlertKind::Search.as_str()))
        .all(db)
        .await?;
    let mut sent = 0;
    for alert in alerts {
        let filters: SavedFilters =
            serde_json::from_value(alert.filters.clone()).unwrap_or_default();
        let query = SearchQuery {
            text: alert.query.clone(),
            filters: to_filters(&filters),
            sort: SortOrder::Newest,
            offset: 0,
            limit: 500,
            facets: false,
            highlight: false,
            match_any: false,
        };
        let hits = index.search(&query).await?;
        if !hits.hits.iter().any(|h| h.id == listing_id) {
            continue;
        }
        // One notification per alert and listing.
        let already = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(alert.user_id))
            .filter(notifications::Column::Kind.eq(NotificationKind::SavedSearch.as_str()))
            .filter(notifications::Column::Link.eq(format!("/{kind}s/{listing_id}")))
            .one(db)
            .await?;
        if already.is_some() {
            continue;
        }
        notify(
            db,
            alert.user_id,
            Notice {
                kind: NotificationKind::SavedSearch,
                title: &format!("新发布 New listing for \"{}\": {title}", alert.name),
                body: &format!("与您保存的搜索“{}”相符的新信息：{title}。A new listing matches your saved search \"{}\": {title}.", alert.name, alert.name),
                link: Some(format!("/{kind}s/{listing_id}")),
                payload: serde_json::json!({"saved_search_id": alert.id, "kind": kind, "id": listing_id}),
                email: email_enabled && alert.email_enabled,
            },
        )
        .await?;
        saved_searches::Entity::update_many()
            .col_expr(
                saved_searches::Column::LastNotifiedAt,
                sea_orm::sea_query::Expr::value(sea_orm::Value::from(chrono::DateTime::<
                    chrono::FixedOffset,
                >::from(
                    Utc::now()
                ))),
            )
            .filter(saved_searches::Column::Id.eq(alert.id))
            .exec(db)
            .await?;
        sent += 1;
    }
    Ok(sent)
}

/// Whether `user` asked to get new-match alerts for this need by email.
#[tracing::instrument(skip_all)]
pub async fn wants_match_email(
    db: &impl ConnectionTrait,
    user: Uuid,
    need_id: Uuid,
) -> anyhow::Result<bool> {
    let alerts = saved_searches::Entity::find()
        .filter(saved_searches::Column::UserId.eq(user))
        .filter(saved_searches::Column::AlertKind.eq(AlertKind::NewMatches.as_str()))
        .filter(saved_searches::Column::EmailEnabled.eq(true))
        .all(db)
        .await?;
    Ok(alerts
        .iter()
        .any(|a| a.listing_id.is_none() || a.listing_id == Some(need_id)))
}

/// Sends a notification's email through the configured SMTP relay.
#[tracing::instrument(skip_all)]
pub async fn send_email(
    db: &impl ConnectionTrait,
    config: &platform::config::EmailConfig,
    notification_id: Uuid,
) -> anyhow::Result<()> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let Some(n) = notifications::Entity::find_by_id(notification_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    if n.emailed_at.is_some() || !config.enabled {
        return Ok(());
    }
    let Some(user) = users::Entity::find_by_id(n.user_id).one(db).await? else {
        return Ok(());
    };
    let message = Message::builder()
        .from(config.from.parse()?)
        .to(user.email.parse()?)
        .subject(n.title.clone())
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(format!(
            "{}\n\n{}\n",
            n.body,
            n.link.clone().unwrap_or_default()
        ))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.smtp_host)
        .port(config.smtp_port)
        .build();
    transport.send(message).await?;
    notifications::Entity::update_many()
        .col_expr(
            notifications::Column::EmailedAt,
            sea_orm::sea_query::Expr::value(sea_orm::Value::from(chrono::DateTime::<
                chrono::FixedOffset,
            >::from(Utc::now()))),
        )
        .filter(notifications::Column::Id.eq(notification_id))
        .exec(db)
        .await?;
    Ok(())
}
