//! `GET /lacak` (the form and, with `?nomor=`, its answer) and `GET /lacak/{code}` (what the
//! receipt's QR code opens): public tracking of a request by its tracking number, signed in or
//! not. The lookup and what the public may see are shared with the API's
//! `GET /api/v1/lacak/{code}` (`api::tracking`).
//!
//! It must never show more than the request's SOP, its status and each step's number,
//! activity (from the SOP version the case follows), state and dates: no names, OPD, app,
//! subject, notes, records or documents. An unknown and a malformed number get one answer, and
//! a client's misses are limited in the database (`throttle_events`), so the ~50 bits of a
//! number cannot be guessed by asking (ARCHITECTURE.md, "Public tracking").

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use pelihara_domain::{CaseState, parse_tracking_code};
use pelihara_i18n::format_datetime;
use pelihara_sop::SopDefinition;
use serde::Deserialize;

use crate::auth::{self, ClientAddress};
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::cases::case_page::step_standing;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

/// The kind of `throttle_events` row a miss records.
const MISS_KIND: &str = "tracking-miss";
/// At most this many lookups of numbers that do not exist, per client, within [`MISS_WINDOW`];
/// then every lookup from that client is refused (found or not, so the refusal itself tells
/// nothing) until the oldest miss leaves the window. A person who mistypes a few times is
/// never stopped; a guesser gets 20 tries a quarter of an hour.
pub const MISS_LIMIT: usize = 20;
/// The window misses are counted in.
pub const MISS_WINDOW: Duration = Duration::minutes(15);

/// One step as the public sees it.
pub(crate) struct PublicStep {
    pub no: u32,
    pub activity: String,
    /// done | current | returned | waiting | skipped
    pub status: &'static str,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
}

/// Everything the public may learn of a request.
pub(crate) struct PublicProgress {
    pub tracking_code: String,
    pub sop_title: String,
    pub sop_version: u32,
    pub status: &'static str,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub steps: Vec<PublicStep>,
}

pub(crate) enum Lookup {
    Found(Box<PublicProgress>),
    NotFound,
    /// Too many misses: wait this long.
    Limited(Duration),
}

/// Reads what the public may see of the case with the tracking number typed as `typed`, under
/// the client's limit on misses.
pub(crate) async fn lookup(
    state: &AppState,
    typed: &str,
    address: &str,
) -> Result<Lookup, WebError> {
    let services = state.services();
    let store = &services.store;
    let now = services.clock.now();
    let client = auth::network_key(address);
    let misses = store
        .throttle_events_since(MISS_KIND, &client, now - MISS_WINDOW, MISS_LIMIT as i64)
        .await?;
    if let Some(wait) = auth::throttled_for(&misses, MISS_LIMIT, MISS_WINDOW, now) {
        return Ok(Lookup::Limited(wait));
    }
    // A malformed number never reaches the database, and answers like an unknown one.
    let Some(code) = parse_tracking_code(typed) else {
        return Ok(Lookup::NotFound);
    };
    let case = match store.case_id_by_tracking_code(&code).await? {
        Some(id) => store.case_state(id).await?,
        None => None,
    };
    let progress = match case {
        Some(case) => services
            .catalog
            .version(store, &case.case.sop_code, case.case.sop_version)
            .await?
            .map(|sop| public_progress(&sop, &case)),
        None => None,
    };
    match progress {
        Some(progress) => Ok(Lookup::Found(Box::new(progress))),
        None => {
            store
                .record_throttle_event(MISS_KIND, &client, now, now - auth::THROTTLE_RETENTION)
                .await?;
            if misses.len() + 1 >= MISS_LIMIT {
                tracing::warn!(client = %client, "tracking lookups limited after {MISS_LIMIT} misses");
            }
            Ok(Lookup::NotFound)
        }
    }
}

/// The public view of a case on the SOP version it follows.
fn public_progress(sop: &SopDefinition, case: &CaseState) -> PublicProgress {
    let steps = sop
        .steps
        .iter()
        .map(|step| {
            let standing = step_standing(case, step);
            let task = standing.task;
            let completed_at = match task {
                Some(task) => task.completed_at,
                // The end step of a finished case has no task: it ended when the case closed.
                None if standing.status == "done" => case.case.closed_at,
                None => None,
            };
            PublicStep {
                no: step.no,
                activity: step.activity.clone(),
                status: standing.status,
                started_at: task.map(|task| task.opened_at),
                completed_at,
                due_at: task
                    .filter(|task| task.state.is_active())
                    .and_then(|task| task.due_at),
            }
        })
        .collect();
    PublicProgress {
        tracking_code: case.case.tracking_code.clone(),
        sop_title: sop.header.title.clone(),
        sop_version: sop.header.version,
        status: case.case.status.code(),
        submitted_at: case.case.submitted_at,
        closed_at: case.case.closed_at,
        steps,
    }
}

/// A step as the page prints it: dates in the office's format and zone.
struct StepRow {
    no: u32,
    activity: String,
    status: &'static str,
    status_label: String,
    /// (label, date) pairs: started, finished, target.
    dates: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "tracking_partial.html")]
struct TrackingPartial {
    tr: Tr,
    /// What was typed (bounded), to show it again in the form.
    typed: String,
    /// `form` (nothing asked yet), `found`, `not_found` or `limited`.
    outcome: &'static str,
    message: String,
    tracking_code: String,
    sop_title: String,
    status_code: &'static str,
    status_label: String,
    submitted: String,
    closed: String,
    steps: Vec<StepRow>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TrackingQuery {
    #[serde(default)]
    nomor: Option<String>,
}

/// What was typed, cut to a length worth showing again.
fn bounded(typed: &str) -> String {
    typed
        .trim()
        .chars()
        .take(pelihara_domain::TRACKING_CODE_INPUT_MAX)
        .collect()
}

fn render_page(
    state: &AppState,
    shell: Shell,
    typed: &str,
    lookup: Option<Lookup>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let zone = state.services().calendar.snapshot().time_zone;
    let when = |at: DateTime<Utc>| format_datetime(tr.lang(), zone, at);
    let mut partial = TrackingPartial {
        tr,
        typed: bounded(typed),
        outcome: "form",
        message: String::new(),
        tracking_code: String::new(),
        sop_title: String::new(),
        status_code: "",
        status_label: String::new(),
        submitted: String::new(),
        closed: String::new(),
        steps: Vec::new(),
    };
    let mut status = StatusCode::OK;
    let mut retry_after = None;
    match lookup {
        None => {}
        Some(Lookup::NotFound) => {
            partial.outcome = "not_found";
            partial.message = tr.t("track-not-found");
            status = StatusCode::NOT_FOUND;
        }
        Some(Lookup::Limited(wait)) => {
            let minutes = auth::minutes_to_wait(wait);
            partial.outcome = "limited";
            partial.message = pelihara_i18n::t_args(
                tr.lang(),
                "track-limited",
                &[("minutes", pelihara_i18n::num(minutes as f64))],
            );
            status = StatusCode::TOO_MANY_REQUESTS;
            retry_after = Some(wait);
        }
        Some(Lookup::Found(progress)) => {
            partial.outcome = "found";
            partial.typed = progress.tracking_code.clone();
            partial.tracking_code = progress.tracking_code.clone();
            partial.sop_title = progress.sop_title.clone();
            partial.status_code = progress.status;
            partial.status_label = tr.t(&format!("status-{}", progress.status));
            partial.submitted = when(progress.submitted_at);
            partial.closed = progress.closed_at.map(&when).unwrap_or_default();
            partial.steps = progress
                .steps
                .iter()
                .map(|step| {
                    let mut dates = Vec::new();
                    let mut date = |key: &str, at: Option<DateTime<Utc>>| {
                        if let Some(at) = at {
                            dates.push((tr.t(key), when(at)));
                        }
                    };
                    date("track-started", step.started_at);
                    date("track-finished", step.completed_at);
                    date("track-target", step.due_at);
                    StepRow {
                        no: step.no,
                        activity: step.activity.clone(),
                        status: step.status,
                        status_label: tr.t(&format!("web-step-{}", step.status)),
                        dates,
                    }
                })
                .collect();
        }
    }
    let mut response = page_or_partial(shell, partial, |_, _| String::new())?;
    *response.status_mut() = status;
    if let Some(wait) = retry_after {
        set_retry_after(&mut response, wait);
    }
    Ok(response)
}

fn set_retry_after(response: &mut Response, wait: Duration) {
    let seconds = wait.num_seconds().max(1);
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}

/// `GET /lacak`: the form; with `?nomor=`, the answer under it.
pub(crate) async fn view_lacak_get(
    State(state): State<AppState>,
    shell: Shell,
    ClientAddress(address): ClientAddress,
    Query(query): Query<TrackingQuery>,
) -> Result<Response, WebError> {
    let typed = query.nomor.unwrap_or_default();
    if typed.trim().is_empty() {
        return render_page(&state, shell, "", None);
    }
    let found = lookup(&state, &typed, &address).await?;
    render_page(&state, shell, &typed, Some(found))
}

/// `GET /lacak/{code}`: the answer for one number (the receipt's QR code opens this).
pub(crate) async fn view_lacak_code_get(
    State(state): State<AppState>,
    shell: Shell,
    ClientAddress(address): ClientAddress,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let found = lookup(&state, &code, &address).await?;
    render_page(&state, shell, &code, Some(found))
}
