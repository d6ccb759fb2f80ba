//! `GET /api/v1/lacak/{code}`: the public tracking of a request by its number, without a
//! token, on the API's conventions: the same lookup and limit as the page `/lacak`
//! (`pages::tracking::lookup`), answered as JSON with UTC RFC 3339 instants like every other
//! endpoint, problems of the API's own `urn:pelihara:problem:*` types, and labels in the
//! language of `Accept-Language`. It shows only what the page shows: the SOP, the status and
//! each step's number, activity, state and dates.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use pelihara_i18n::{t, t_args};
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::{ApiResult, Problem, ProblemKind, api_lang};
use crate::auth::{self, ClientAddress};
use crate::pages::tracking::{Lookup, lookup};
use crate::state::AppState;

/// One step of the request's SOP version.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackedStepJson {
    pub no: u32,
    pub activity: String,
    /// `done`, `current`, `returned`, `waiting` or `skipped`.
    pub state: String,
    /// `state` in the language asked for.
    pub state_label: String,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The standard's due moment of a step under way.
    pub due_at: Option<DateTime<Utc>>,
}

/// The SOP a request follows.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackedSopJson {
    pub title: String,
    pub version: u32,
}

/// What anyone with the tracking number may see of a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackedRequestJson {
    pub tracking_code: String,
    pub sop: TrackedSopJson,
    /// `open`, `returned`, `done`, `rejected` or `withdrawn`.
    pub status: String,
    /// `status` in the language asked for.
    pub status_label: String,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub steps: Vec<TrackedStepJson>,
}

/// A request's progress by its tracking number: the SOP, the status and each step's state and
/// dates, nothing else (no names, notes or documents). Public; limited per client.
#[utoipa::path(
    get,
    path = "/api/v1/lacak/{code}",
    tag = "tracking",
    params(("code" = String, Path, description = "The tracking number printed on the receipt, e.g. PLH-ABCDE-FGHJK")),
    responses(
        (status = 200, description = "The request's steps, their state and dates", body = TrackedRequestJson),
        (status = 404, description = "No request has this number (a malformed number answers the same)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many lookups of unknown numbers from this client; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn track_request(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> ApiResult {
    let lang = api_lang(&headers);
    match lookup(&state, &code, &address).await? {
        Lookup::NotFound => Err(Problem::new(ProblemKind::NotFound, lang)
            .with_detail(t(lang, "track-not-found"))
            .into()),
        Lookup::Limited(wait) => {
            let minutes = auth::minutes_to_wait(wait) as f64;
            Err(Problem::new(ProblemKind::TooManyRequests, lang)
                .with_detail(t_args(
                    lang,
                    "track-limited",
                    &[("minutes", pelihara_i18n::num(minutes))],
                ))
                .with_header(header::RETRY_AFTER, &wait.num_seconds().max(1).to_string())
                .into())
        }
        Lookup::Found(progress) => {
            let progress = *progress;
            let body = TrackedRequestJson {
                status_label: t(lang, &format!("status-{}", progress.status)),
                status: progress.status.to_owned(),
                tracking_code: progress.tracking_code,
                sop: TrackedSopJson {
                    title: progress.sop_title,
                    version: progress.sop_version,
                },
                submitted_at: progress.submitted_at,
                closed_at: progress.closed_at,
                steps: progress
                    .steps
                    .into_iter()
                    .map(|step| TrackedStepJson {
                        state_label: t(lang, &format!("web-step-{}", step.status)),
                        state: step.status.to_owned(),
                        no: step.no,
                        activity: step.activity,
                        started_at: step.started_at,
                        completed_at: step.completed_at,
                        due_at: step.due_at,
                    })
                    .collect(),
            };
            Ok(Json(body).into_response())
        }
    }
}
