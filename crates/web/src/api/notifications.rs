//! `/api/v1/notifications`: the calling token's user's notifications (newest first, with
//! their title and body in the language asked for) and their unread count. It must never show
//! anyone else's: the store reads by recipient.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use pelihara_store::TokenScope;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::ApiCaller;
use super::cases::ApiResult;
use super::problem::{Problem, ProblemKind};
use crate::state::AppState;

/// The most notifications one page holds.
const MAX_LIMIT: i64 = 100;

/// One notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationJson {
    pub id: String,
    /// `task_arrived`, `due_soon`, `overdue`, `escalated`, ...
    pub kind: String,
    pub case_id: Option<String>,
    pub task_id: Option<String>,
    pub app_id: Option<String>,
    /// One line, in the language asked for.
    pub title: String,
    /// The text, in the language asked for.
    pub body: String,
    /// The page it is about, on this site.
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A page of notifications and the unread count.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationListJson {
    pub items: Vec<NotificationJson>,
    /// How many of all the user's notifications are unread.
    pub unread: i64,
    /// The `offset` of the next page; absent on the last page.
    pub next_offset: Option<i64>,
}

/// The unread count alone (what a bell polls).
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadJson {
    pub unread: i64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// How many (1 to 100, 20 when absent).
    pub limit: Option<i64>,
    /// How many to skip (the previous page's `next_offset`).
    pub offset: Option<i64>,
}

/// `GET /api/v1/notifications`: the caller's notifications, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    tag = "notifications",
    params(NotificationQuery),
    responses(
        (status = 200, description = "A page of notifications", body = NotificationListJson),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`limit` or `offset` out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn list_notifications(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<NotificationQuery>,
) -> ApiResult<Json<NotificationListJson>> {
    caller.require(TokenScope::Read)?;
    let lang = caller.lang;
    let limit = query.limit.unwrap_or(20);
    let offset = query.offset.unwrap_or(0);
    let mut problem = None::<Problem>;
    if !(1..=MAX_LIMIT).contains(&limit) {
        problem = Some(
            caller
                .problem(ProblemKind::Validation)
                .with_field("limit", pelihara_i18n::t(lang, "api-error-limit")),
        );
    }
    if !(0..=1_000_000).contains(&offset) {
        problem = Some(
            problem
                .unwrap_or_else(|| caller.problem(ProblemKind::Validation))
                .with_field("offset", pelihara_i18n::t(lang, "api-error-limit")),
        );
    }
    if let Some(problem) = problem {
        return Err(problem.into());
    }
    let services = state.services();
    let user = caller.user.actor.user.id;
    // One more than the page: whether there is a next one, without counting.
    let mut rows = services
        .store
        .notifications_for(user, limit + 1, offset)
        .await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let unread = services.store.unread_count(user).await?;
    let tz = services.calendar.snapshot().time_zone;
    let items = rows
        .iter()
        .map(|notification| NotificationJson {
            id: notification.id.to_string(),
            kind: serde_json::to_value(notification.kind)
                .ok()
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_default(),
            case_id: notification.case_id.map(|id| id.to_string()),
            task_id: notification.task_id.map(|id| id.to_string()),
            app_id: notification.app_id.map(|id| id.to_string()),
            title: pelihara_notify::title(lang, tz, notification),
            body: pelihara_notify::body(lang, tz, notification),
            link: notification.link_path.clone(),
            created_at: notification.created_at,
            read_at: notification.read_at,
        })
        .collect();
    Ok(Json(NotificationListJson {
        items,
        unread,
        next_offset: more.then_some(offset + limit),
    }))
}

/// `GET /api/v1/notifications/unread-count`: how many of the caller's notifications are unread.
#[utoipa::path(
    get,
    path = "/api/v1/notifications/unread-count",
    tag = "notifications",
    responses(
        (status = 200, description = "The unread count", body = UnreadJson),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn unread_count(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<UnreadJson>> {
    caller.require(TokenScope::Read)?;
    let unread = state
        .services()
        .store
        .unread_count(caller.user.actor.user.id)
        .await?;
    Ok(Json(UnreadJson { unread }))
}
