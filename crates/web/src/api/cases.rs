//! `/api/v1/cases`: requests as JSON on the same rules as the pages. The list (filters and
//! cursor paging, narrowed to an operator's OPD as on `/permohonan`), one case with its steps,
//! records and documents (`load_visible`: another OPD's case is a 404), the letter and the
//! issued documents, a new request with its letter (the page's checks, with an
//! `Idempotency-Key` so a retry never makes a second case), and the actions (the page's
//! command, with the case version as ETag and `If-Match`). It must never decide a case rule:
//! the engine does, exactly as for the page.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pelihara_domain::{AppId, CaseState, CaseStatus, OpdId, Refusal, SubmitInput, TaskId};
use pelihara_i18n::t;
use pelihara_sop::{Need, Requester};
use pelihara_store::{
    ActWith, CaseCursor, CaseFilter, CaseSummary, IdempotencyKey, IdempotencyKind, StoreError,
    TokenScope,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::caller::ApiCaller;
use super::paging::{add_field, page_request};
use super::problem::{ActedBy, Problem, ProblemKind};
pub use super::problem::{ApiError, ApiResult};
use crate::error::WebError;
use crate::forms::MultipartForm;
use crate::lang::Tr;
use crate::pages::cases::action::{ActionFields, command_from};
use crate::pages::cases::letter::{check_letter, read_form};
use crate::pages::cases::list::own_opd;
use crate::pages::cases::new_request::{
    app_options, chosen_sop, intake_name, refusal_field, startable_sops,
};
use crate::pages::documents::DocumentQuery;
use crate::pages::load_visible;
use crate::state::{AppState, Services};

/// The longest `Idempotency-Key` accepted.
const MAX_IDEMPOTENCY_KEY: usize = 200;

/// A case in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryJson {
    pub id: String,
    /// The public tracking code the requester was given.
    pub tracking_code: String,
    pub sop_code: String,
    pub sop_version: u32,
    pub subject: String,
    pub opd_id: Option<String>,
    pub opd_name: String,
    pub app_name: String,
    /// `open`, `returned`, `done`, `rejected` or `withdrawn`.
    pub status: String,
    pub current_step: u32,
    pub agenda_number: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The earliest due moment of its open tasks.
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
}

impl CaseSummaryJson {
    fn new(case: CaseSummary, now: DateTime<Utc>) -> CaseSummaryJson {
        CaseSummaryJson {
            id: case.id.to_string(),
            tracking_code: case.tracking_code,
            sop_code: case.sop_code,
            sop_version: case.sop_version,
            subject: case.subject,
            opd_id: case.opd_id.map(|opd| opd.to_string()),
            opd_name: case.opd_name,
            app_name: case.app_name,
            status: case.status.code().to_owned(),
            current_step: case.current_step,
            agenda_number: case.agenda_number,
            submitted_at: case.submitted_at,
            closed_at: case.closed_at,
            due_at: case.due_at,
            overdue: case.due_at.is_some_and(|due| due < now),
        }
    }
}

/// A page of the case list, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseListJson {
    pub items: Vec<CaseSummaryJson>,
    /// The `cursor` of the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The filters of the case list. Every filter is optional; unknown values are refused.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseListQuery {
    /// `open`, `returned`, `done`, `rejected` or `withdrawn`.
    pub status: Option<String>,
    /// The step the case is at.
    pub step: Option<u32>,
    /// An OPD's id (an operator's list is always their own OPD's).
    pub opd: Option<String>,
    /// An app's id.
    pub app: Option<String>,
    /// An SOP's code.
    pub sop: Option<String>,
    /// `true`: only cases with an open task past its due moment now.
    pub overdue: Option<bool>,
    /// Submitted at or after this moment (RFC 3339).
    pub submitted_from: Option<String>,
    /// Submitted before this moment (RFC 3339).
    pub submitted_before: Option<String>,
    /// Where the page starts: the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// How many cases (1 to 200, 50 when absent).
    pub limit: Option<i64>,
}

/// A moment of the query (RFC 3339), or the problem naming the parameter.
fn moment(
    text: Option<&str>,
    name: &str,
    problem: &mut Option<Problem>,
    caller: &ApiCaller,
) -> Option<DateTime<Utc>> {
    let text = text?.trim();
    match DateTime::parse_from_rfc3339(text) {
        Ok(moment) => Some(moment.with_timezone(&Utc)),
        Err(_) => {
            add_field(problem, caller, name, t(caller.lang, "api-error-rfc3339"));
            None
        }
    }
}

/// `GET /api/v1/cases`: the cases the caller may see, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    params(CaseListQuery),
    responses(
        (status = 200, description = "A page of cases", body = CaseListJson),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is not understood", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn list_cases(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<CaseListQuery>,
) -> ApiResult<Json<CaseListJson>> {
    caller.require(TokenScope::Read)?;
    let services = state.services();
    let mut problem = None;
    let status = match query.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            let status = CaseStatus::from_code(code);
            if status.is_none() {
                add_field(
                    &mut problem,
                    &caller,
                    "status",
                    t(caller.lang, "api-error-unknown-value"),
                );
            }
            status
        }
    };
    let mut id_of = |text: Option<&str>, name: &str| -> Option<uuid::Uuid> {
        let text = text?.trim();
        let parsed = uuid::Uuid::parse_str(text).ok();
        if parsed.is_none() {
            add_field(
                &mut problem,
                &caller,
                name,
                t(caller.lang, "api-error-not-an-id"),
            );
        }
        parsed
    };
    let asked_opd = id_of(query.opd.as_deref(), "opd").map(OpdId);
    let app = id_of(query.app.as_deref(), "app").map(AppId);
    let (after, limit) = page_request(
        query.cursor.as_deref(),
        query.limit,
        CaseCursor::parse,
        &mut problem,
        &caller,
    );
    let submitted_from = moment(
        query.submitted_from.as_deref(),
        "submitted_from",
        &mut problem,
        &caller,
    );
    let submitted_before = moment(
        query.submitted_before.as_deref(),
        "submitted_before",
        &mut problem,
        &caller,
    );
    if let Some(problem) = problem {
        return Err(problem.into());
    }
    let now = services.clock.now();
    // As on `/permohonan`: an operator's list is their OPD's whatever the query says.
    let own = own_opd(&caller.user.actor)?;
    let filter = CaseFilter {
        opd: own.or(asked_opd),
        status,
        sop_code: query
            .sop
            .as_deref()
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(str::to_owned),
        app,
        step: query.step,
        submitted_from,
        submitted_before,
        overdue_at: query.overdue.unwrap_or(false).then_some(now),
    };
    let page = services.store.case_page(&filter, after, limit).await?;
    Ok(Json(CaseListJson {
        items: page
            .cases
            .into_iter()
            .map(|case| CaseSummaryJson::new(case, now))
            .collect(),
        next_cursor: page.next.map(|next| next.token()),
    }))
}

/// A task of a case: one position's part in one step.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskJson {
    pub id: String,
    pub step_no: u32,
    /// `perform`, `decide`, `complete`, ...
    pub stage: String,
    /// The position whose holders may take it (`opd` for the requester's tasks).
    pub position: String,
    pub opd_id: Option<String>,
    /// `open`, `paused`, `done` or `cancelled`.
    pub state: String,
    pub opened_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub claimed_by: Option<String>,
    pub claimed_by_name: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
    pub completed_by_name: Option<String>,
}

/// One line of the case record: what happened, at which step, by whom, when.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordJson {
    pub id: String,
    pub step_no: u32,
    pub task_id: Option<String>,
    pub by: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
    /// Who the person acted for (Plh/Plt), when they did.
    #[schema(value_type = Option<Object>)]
    pub acting: Option<serde_json::Value>,
    /// What was recorded, by kind (`{"Registration": {...}}`, `{"Disposition": {...}}`, ...).
    #[schema(value_type = Object)]
    pub record: serde_json::Value,
}

/// The request letter.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterJson {
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    /// Where to download it (with the same token).
    pub href: String,
}

/// An official document the case has reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentJson {
    /// `tanda-terima`, `kartu-kendali`, `lembar-disposisi`, `berita-acara`.
    pub kind: String,
    /// Where to download it (with the same token); `?kertas=f4` for the other paper size.
    pub href: String,
}

/// One case with its steps, records and documents. `version` is also the `ETag`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseJson {
    pub id: String,
    pub tracking_code: String,
    pub sop_code: String,
    pub sop_version: u32,
    pub opd_id: Option<String>,
    pub app_id: Option<String>,
    pub subject: String,
    pub description: String,
    /// The SOP's extra start-form fields, by field id.
    pub intake: BTreeMap<String, String>,
    pub status: String,
    pub current_step: u32,
    /// The agenda entry given at registration.
    #[schema(value_type = Option<Object>)]
    pub agenda: Option<serde_json::Value>,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closing_reason: Option<String>,
    /// Increases with every action; send it back in `If-Match` to act on this state only.
    pub version: i64,
    pub letter: Option<LetterJson>,
    pub tasks: Vec<TaskJson>,
    pub records: Vec<RecordJson>,
    pub documents: Vec<DocumentJson>,
}

/// A value's serde code (`"open"`, `"perform"`): the domain's own names.
pub(crate) fn code_of(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

impl CaseJson {
    pub(crate) fn new(state: &CaseState) -> CaseJson {
        let case = &state.case;
        let id = case.id.to_string();
        CaseJson {
            tracking_code: case.tracking_code.clone(),
            sop_code: case.sop_code.clone(),
            sop_version: case.sop_version,
            opd_id: case.opd_id.map(|opd| opd.to_string()),
            app_id: case.app_id.map(|app| app.to_string()),
            subject: case.subject.clone(),
            description: case.description.clone(),
            intake: case.intake.clone(),
            status: case.status.code().to_owned(),
            current_step: case.current_step,
            agenda: case
                .agenda
                .as_ref()
                .and_then(|agenda| serde_json::to_value(agenda).ok()),
            submitted_by: case.submitted_by.to_string(),
            submitted_at: case.submitted_at,
            closed_at: case.closed_at,
            closing_reason: case.closing_reason.clone(),
            version: case.version,
            letter: case.letter.as_ref().map(|letter| LetterJson {
                file_name: letter.file_name.clone(),
                size: letter.size,
                sha256: letter.sha256.clone(),
                href: format!("/api/v1/cases/{id}/letter"),
            }),
            tasks: state
                .tasks
                .iter()
                .map(|task| TaskJson {
                    id: task.id.to_string(),
                    step_no: task.step_no,
                    stage: code_of(&task.stage),
                    position: task.position.clone(),
                    opd_id: task.opd_id.map(|opd| opd.to_string()),
                    state: code_of(&task.state),
                    opened_at: task.opened_at,
                    due_at: task.due_at,
                    claimed_by: task.claimed_by.map(|user| user.to_string()),
                    claimed_by_name: task.claimed_by_name.clone(),
                    completed_at: task.completed_at,
                    completed_by: task.completed_by.map(|user| user.to_string()),
                    completed_by_name: task.completed_by_name.clone(),
                })
                .collect(),
            records: state
                .entries
                .iter()
                .map(|entry| RecordJson {
                    id: entry.id.to_string(),
                    step_no: entry.step_no,
                    task_id: entry.task_id.map(|task| task.to_string()),
                    by: entry.by.to_string(),
                    by_name: entry.by_name.clone(),
                    at: entry.at,
                    acting: entry
                        .acting
                        .as_ref()
                        .and_then(|acting| serde_json::to_value(acting).ok()),
                    record: serde_json::to_value(&entry.record).unwrap_or_default(),
                })
                .collect(),
            documents: crate::pages::documents::eager_kinds(state)
                .into_iter()
                .map(|kind| DocumentJson {
                    kind: kind.code().to_owned(),
                    href: format!("/api/v1/cases/{id}/documents/{}", kind.code()),
                })
                .collect(),
            id,
        }
    }
}

/// The `ETag` of a case state: its version, quoted (RFC 9110).
fn etag(state: &CaseState) -> String {
    format!("\"{}\"", state.case.version)
}

/// The case as JSON with its `ETag`, with `status`.
fn case_response(state: &CaseState, status: StatusCode) -> Response {
    let mut response = (status, Json(CaseJson::new(state))).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag(state)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// `GET /api/v1/cases/{id}`: one case, if the caller may see it.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    tag = "cases",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "The case; `ETag` is its version", body = CaseJson,
            headers(("ETag" = String, description = "The case version, quoted"))),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or one the caller may not see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn get_case(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(TokenScope::Read)?;
    let case = load_visible(state.services(), &caller.user, &id).await?;
    Ok(case_response(&case, StatusCode::OK))
}

/// `GET /api/v1/cases/{id}/letter`: the request letter (PDF).
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/letter",
    tag = "cases",
    params(("id" = String, Path, description = "The case id")),
    responses(
        (status = 200, description = "The letter", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case or letter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn get_letter(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(TokenScope::Read)?;
    Ok(
        crate::pages::cases::case_page::letter_response(state.services(), &caller.user, &id)
            .await?,
    )
}

/// `GET /api/v1/cases/{id}/documents/{kind}`: an official document (PDF), issued now if it
/// is not current yet.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/documents/{kind}",
    tag = "cases",
    params(
        ("id" = String, Path, description = "The case id"),
        ("kind" = String, Path, description = "`tanda-terima`, `kartu-kendali`, `lembar-disposisi` or `berita-acara`"),
        DocumentQuery,
    ),
    responses(
        (status = 200, description = "The document", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or a document it has not reached", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn get_document(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, kind)): Path<(String, String)>,
    Query(query): Query<DocumentQuery>,
) -> ApiResult {
    caller.require(TokenScope::Read)?;
    let source = caller.audit_source();
    Ok(crate::pages::documents::document_response(
        &state,
        &caller.user,
        &source,
        &id,
        &kind,
        &query,
    )
    .await?)
}

/// The fields of a new request as multipart form data (the same names as the page's form).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Describes the multipart body for the OpenAPI document only.
pub struct SubmitForm {
    /// The SOP's code; may be left out when the caller may start only one SOP.
    sop: Option<String>,
    /// The app of the register the request is about, where the SOP asks for one.
    app_id: Option<String>,
    subject: String,
    description: String,
    /// The request letter (PDF, at most 10 MB), where the SOP asks for one.
    #[schema(value_type = Option<String>, format = Binary)]
    letter: Option<Vec<u8>>,
}

/// A hash of what a submission carried, to tell a retry from another request under the same
/// `Idempotency-Key`: its text fields in order and the SHA-256 of each file.
fn request_hash(form: &MultipartForm, letter_sha256: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    for name in ["sop", "app_id", "subject", "description"] {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(form.text(name).as_bytes());
        hasher.update([0]);
    }
    for (name, value) in form.fields_starting_with("intake_") {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(value.as_bytes());
        hasher.update([0]);
    }
    hasher.update(letter_sha256.unwrap_or_default().as_bytes());
    hex::encode(hasher.finalize())
}

/// The `Idempotency-Key` header, if sent; a problem when it is malformed.
pub(crate) fn idempotency_key(
    headers: &HeaderMap,
    caller: &ApiCaller,
) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty()
        || key.len() > MAX_IDEMPOTENCY_KEY
        || !key.chars().all(|c| c.is_ascii_graphic())
    {
        return Err(caller
            .problem(ProblemKind::BadRequest)
            .with_field(
                "Idempotency-Key",
                t(caller.lang, "api-error-idempotency-key"),
            )
            .into());
    }
    Ok(Some(key.to_owned()))
}

/// `Ok` when what claimed the key is this very request (a retry): the same kind of request
/// with the same hash; otherwise the 422 problem of a key used for another request.
pub(crate) fn same_request(
    caller: &ApiCaller,
    claimed: &pelihara_store::IdempotentSubmission,
    kind: IdempotencyKind,
    request_hash: &str,
) -> Result<(), ApiError> {
    if claimed.kind == kind && claimed.request_hash == request_hash {
        return Ok(());
    }
    Err(caller
        .problem(ProblemKind::IdempotencyKeyReused)
        .with_field(
            "Idempotency-Key",
            t(caller.lang, "api-error-idempotency-reused"),
        )
        .into())
}

/// Marks an answer as the replay of a key's first request.
pub(crate) fn mark_replayed(response: &mut Response) {
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
}

/// The answer to a retry of a submission or an action: the case the key's first request made
/// or acted on, as it is now (201 for a submission, 200 for an action).
async fn replay(
    services: &Services,
    caller: &ApiCaller,
    claimed: pelihara_store::IdempotentSubmission,
    kind: IdempotencyKind,
    request_hash: &str,
) -> ApiResult {
    same_request(caller, &claimed, kind, request_hash)?;
    let case = load_visible(services, &caller.user, &claimed.case_id().to_string()).await?;
    let status = match kind {
        IdempotencyKind::Submission => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    let mut response = case_response(&case, status);
    mark_replayed(&mut response);
    if kind == IdempotencyKind::Submission {
        set_location(&mut response, &case);
    }
    Ok(response)
}

fn set_location(response: &mut Response, case: &CaseState) {
    if let Ok(value) = HeaderValue::from_str(&format!("/api/v1/cases/{}", case.case.id)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
}

/// `POST /api/v1/cases`: submits a new request with its letter, checked exactly as the page's
/// form is. Send an `Idempotency-Key`: a retry with the same key and the same request returns
/// the case the first one made (201, `Idempotent-Replayed: true`) and makes no second one.
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    request_body(content = SubmitForm, content_type = "multipart/form-data",
        description = "The request; an SOP's extra fields as `intake_<field id>`"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique text up to 200 characters; a retry with the same key returns the first result")),
    responses(
        (status = 201, description = "The case made", body = CaseJson,
            headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "The body or a header cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `submit` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The caller may start no request (or not of this SOP)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong (`errors` names it), or the key was used for another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["submit"]))
)]
pub async fn submit_case(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    multipart: Multipart,
) -> ApiResult {
    caller.require(TokenScope::Submit)?;
    let services = state.services();
    let lang = caller.lang;
    let tr = Tr::new(lang);
    let actor = &caller.user.actor;
    let key = idempotency_key(&headers, &caller)?;
    // As the page: someone who may start nothing gets a 404 before their form is read.
    let startable = startable_sops(services, actor);
    if startable.is_empty() {
        return Err(WebError::NotFound.into());
    }
    let form = read_form(multipart).await?;
    let mut problems = Vec::new();
    let letter = check_letter(form.file("letter"), form.oversized(), tr, &mut problems);
    let hash = request_hash(&form, letter.as_ref().map(|l| l.document.sha256.as_str()));
    if let Some(key) = &key
        && let Some(claimed) = services
            .store
            .idempotent_submission(actor.user.id, key)
            .await?
    {
        return replay(
            services,
            &caller,
            claimed,
            IdempotencyKind::Submission,
            &hash,
        )
        .await;
    }
    let sop = chosen_sop(&startable, form.text("sop").trim(), false)?;
    let Some(sop) = sop else {
        return Err(caller
            .problem(ProblemKind::Validation)
            .with_field("sop", t(lang, "api-error-choose-sop"))
            .into());
    };
    let intake = &sop.intake;
    let ask_app = intake.app != Need::None;
    let ask_letter = intake.letter != Need::None;
    let mut problem = caller.problem(ProblemKind::Validation);
    // The apps the page would offer: an OPD's own active apps, else every active app.
    let app = if ask_app {
        let app_id = form.text("app_id");
        let options = app_options(services, &sop, actor, &app_id).await?;
        let app = options
            .iter()
            .find(|app| app.id == app_id.trim())
            .and_then(|app| AppId::parse(&app.id));
        if app.is_none() && (intake.app == Need::Required || !app_id.trim().is_empty()) {
            problem = problem.with_field("app_id", tr.t("web-error-choose-app"));
        }
        app
    } else {
        None
    };
    let letter = if ask_letter {
        if intake.letter == Need::Required && form.file("letter").is_none() && !form.oversized() {
            problems.insert(0, tr.t("web-error-letter-required"));
        }
        for message in problems {
            problem = problem.with_field("letter", message);
        }
        letter
    } else {
        None
    };
    if !problem.errors.is_empty() {
        return Err(problem.into());
    }
    let opd_id = match intake.requester {
        Requester::Opd => Some(actor.user.opd_id.ok_or(WebError::NotFound)?),
        Requester::Employee | Requester::Position(_) => None,
    };
    let input = SubmitInput {
        opd_id,
        app_id: app,
        subject: form.text("subject"),
        description: form.text("description"),
        letter: letter.as_ref().map(|letter| letter.document.clone()),
        intake: intake
            .fields
            .iter()
            .map(|field| (field.id.clone(), form.text(&intake_name(&field.id))))
            .collect(),
        tracking_code: pelihara_domain::new_tracking_code(),
    };
    let refused = |refusal: &Refusal| -> ApiError {
        let message = refusal.message(lang);
        let problem = caller.problem(ProblemKind::Validation);
        match refusal_field(refusal, ask_app, ask_letter) {
            Some(field) => problem.with_field(field, message).into(),
            None => problem.with_detail(message).into(),
        }
    };
    let now = services.clock.now();
    // As the page: the letter is kept only once the engine accepts the request.
    if let Some(letter) = &letter {
        let context = pelihara_domain::Context {
            sop: &sop,
            calendar: &services.calendar.snapshot(),
            now,
        };
        if let Err(refusal) = pelihara_domain::submit(context, actor, input.clone()) {
            return Err(refused(&refusal));
        }
        letter.keep(services).await?;
    }
    let with = pelihara_store::SubmitWith {
        idempotency: key.as_ref().map(|key| IdempotencyKey {
            owner: actor.user.id,
            key: key.clone(),
            request_hash: hash.clone(),
            kind: IdempotencyKind::Submission,
        }),
        ..Default::default()
    };
    let source = caller.audit_source();
    match services
        .store
        .submit_request(
            &sop,
            &services.calendar.snapshot(),
            actor,
            input,
            with,
            now,
            &source,
        )
        .await
    {
        Ok(submitted) => {
            crate::pages::documents::issue_after_action(&state, &submitted, &source);
            let mut response = case_response(&submitted, StatusCode::CREATED);
            set_location(&mut response, &submitted);
            Ok(response)
        }
        Err(StoreError::Refused(refusal)) => Err(refused(&refusal)),
        // Another request under the same key won the race: answer with its case.
        Err(StoreError::Duplicate("idempotency key")) => {
            let key = key.unwrap_or_default();
            let claimed = services
                .store
                .idempotent_submission(actor.user.id, &key)
                .await?
                .ok_or(WebError::NotFound)?;
            replay(
                services,
                &caller,
                claimed,
                IdempotencyKind::Submission,
                &hash,
            )
            .await
        }
        Err(other) => Err(WebError::internal(other).into()),
    }
}

/// An action on a case, as JSON. `action` is the kind; the other fields are those that kind
/// takes (the same names as the case page's forms). Leave out what a kind does not take.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// `register`, `dispose`, `analysis`, `maintenance`, `hosting`, `handover`, `record`,
    /// `paraf`, `accept`, `send_back`, `return`, `reject`, `skip`, `withdraw`, `recall`,
    /// `claim`, `release` or `resubmit`.
    pub action: String,
    /// The task the client acts on (as read from the case); refused if another finished it.
    pub task_id: Option<String>,
    /// `register`: the archive classification code.
    pub classification: Option<String>,
    /// `register`: `biasa`, `segera` or `sangat_segera`.
    pub urgency: Option<String>,
    /// `register`: `biasa`, `terbatas`, `rahasia` or `sangat_rahasia`.
    pub confidentiality: Option<String>,
    /// `register`: the OPD's letter number.
    pub letter_number: Option<String>,
    /// `register`: the letter's date, `YYYY-MM-DD`.
    pub letter_date: Option<String>,
    /// `dispose`: the instructions chosen.
    #[serde(default)]
    pub instructions: Vec<String>,
    /// `dispose`, `record`, `paraf`, `accept`, `resubmit`: a note.
    pub note: Option<String>,
    /// `analysis`.
    pub findings: Option<String>,
    /// `analysis`: `maintainable` or `not_maintainable`.
    pub verdict: Option<String>,
    /// `analysis`.
    pub recommendation: Option<String>,
    /// `maintenance`.
    pub work_log: Option<String>,
    /// `maintenance`.
    pub result: Option<String>,
    /// `maintenance`: the version deployed.
    pub version: Option<String>,
    /// `hosting`.
    pub server: Option<String>,
    /// `hosting`.
    pub domain: Option<String>,
    /// `hosting`.
    pub url: Option<String>,
    /// `hosting`.
    #[serde(default)]
    pub dns_configured: bool,
    /// `hosting`.
    #[serde(default)]
    pub certificate_installed: bool,
    /// `hosting`.
    #[serde(default)]
    pub deployed: bool,
    /// `hosting`.
    pub network_officer: Option<String>,
    /// `hosting`.
    pub notes: Option<String>,
    /// `handover`: when the presentation was held (RFC 3339).
    pub held_at: Option<String>,
    /// `handover`.
    pub place: Option<String>,
    /// `handover`.
    pub attendees: Option<String>,
    /// `handover`.
    pub summary: Option<String>,
    /// `send_back`, `return`, `reject`, `skip`, `withdraw`, `recall`: why.
    pub reason: Option<String>,
}

impl ActionFields for ActionRequest {
    fn text(&self, name: &str) -> String {
        let flag = |on: bool| if on { "1".to_owned() } else { String::new() };
        let field = match name {
            "aksi" => Some(&self.action),
            "task_id" => self.task_id.as_ref(),
            "classification" => self.classification.as_ref(),
            "urgency" => self.urgency.as_ref(),
            "confidentiality" => self.confidentiality.as_ref(),
            "letter_number" => self.letter_number.as_ref(),
            "letter_date" => self.letter_date.as_ref(),
            "instructions" => self.instructions.first(),
            "note" => self.note.as_ref(),
            "findings" => self.findings.as_ref(),
            "verdict" => self.verdict.as_ref(),
            "recommendation" => self.recommendation.as_ref(),
            "work_log" => self.work_log.as_ref(),
            "result" => self.result.as_ref(),
            "version" => self.version.as_ref(),
            "server" => self.server.as_ref(),
            "domain" => self.domain.as_ref(),
            "url" => self.url.as_ref(),
            "network_officer" => self.network_officer.as_ref(),
            "notes" => self.notes.as_ref(),
            "held_at" => self.held_at.as_ref(),
            "place" => self.place.as_ref(),
            "attendees" => self.attendees.as_ref(),
            "summary" => self.summary.as_ref(),
            "reason" => self.reason.as_ref(),
            "dns_configured" => return flag(self.dns_configured),
            "certificate_installed" => return flag(self.certificate_installed),
            "deployed" => return flag(self.deployed),
            _ => None,
        };
        field.cloned().unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        match name {
            "instructions" => self.instructions.clone(),
            other => {
                let value = self.text(other);
                if value.is_empty() {
                    Vec::new()
                } else {
                    vec![value]
                }
            }
        }
    }
}

/// The version an `If-Match` names (`"7"`, `W/"7"` or `*`), or the problem when it is not one.
fn if_match(headers: &HeaderMap, caller: &ApiCaller) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i64>()
        .map(Some)
        .map_err(|_| {
            caller
                .problem(ProblemKind::BadRequest)
                .with_field("If-Match", t(caller.lang, "api-error-if-match"))
                .into()
        })
}

/// The last person who acted on a case, from its record.
fn last_actor(state: &CaseState) -> Option<ActedBy> {
    state
        .entries
        .iter()
        .max_by_key(|entry| entry.at)
        .map(|entry| ActedBy {
            name: entry.by_name.clone(),
            at: entry.at,
        })
}

/// A hash of what an action carried, to tell a retry from another request under the same
/// `Idempotency-Key`: the case, the version named and the body as sent.
fn action_hash(case_id: &str, expected_version: Option<i64>, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"action\0");
    hasher.update(case_id.trim().as_bytes());
    hasher.update([0]);
    hasher.update(expected_version.map(|v| v.to_string()).unwrap_or_default());
    hasher.update([0]);
    hasher.update(body);
    hex::encode(hasher.finalize())
}

/// The 412 of an action on a version that is no longer current, naming who acted meanwhile.
fn stale_problem(caller: &ApiCaller, current: &CaseState) -> ApiError {
    caller
        .problem(ProblemKind::PreconditionFailed)
        .with_detail(t(caller.lang, "api-error-stale"))
        .with_acted_by(last_actor(current))
        .into()
}

/// `POST /api/v1/cases/{id}/actions`: takes an action on the case, exactly as the case page's
/// forms do (the engine decides; a refused action changes nothing). With `If-Match` the
/// action is taken only on that version of the case: 412 with who acted meanwhile otherwise,
/// even when the case changes between the check and the write. With `Idempotency-Key` a
/// retry acts once: it answers with the case as it is now (`Idempotent-Replayed: true`).
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/actions",
    tag = "cases",
    params(
        ("id" = String, Path, description = "The case id"),
        ("If-Match" = Option<String>, Header, description = "The case's `ETag` as read"),
        ("Idempotency-Key" = Option<String>, Header, description = "Any unique text up to 200 characters; a retry with the same key acts once and returns the case"),
    ),
    request_body(content = ActionRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The case after the action", body = CaseJson,
            headers(("ETag" = String))),
        (status = 400, description = "The body or a header cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `act` scope, or the user may not take this action", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or one the caller may not see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone else took the step first (`acted_by`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names a stale version (`acted_by`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, the case rules refuse the action, or the key was used for another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["act"]))
)]
pub async fn act_on_case(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult {
    caller.require(TokenScope::Act)?;
    let services = state.services();
    let lang = caller.lang;
    let expected_version = if_match(&headers, &caller)?;
    let key = idempotency_key(&headers, &caller)?;
    let case = load_visible(services, &caller.user, &id).await?;
    let hash = action_hash(&id, expected_version, &body);
    let owner = caller.user.actor.user.id;
    // A retry of an action taken already: its answer, before the version it named is checked
    // (that version is stale now, by the very action).
    if let Some(key) = &key
        && let Some(claimed) = services.store.idempotent_submission(owner, key).await?
    {
        return replay(services, &caller, claimed, IdempotencyKind::Action, &hash).await;
    }
    let request: ActionRequest = super::read_json(&headers, &body, &caller)?;
    if let Some(expected) = expected_version
        && expected != case.case.version
    {
        return Err(stale_problem(&caller, &case));
    }
    let command = command_from(services, &request, None).map_err(|field| {
        let name = if field == "aksi" { "action" } else { field };
        caller.problem(ProblemKind::Validation).with_field(
            name,
            Tr::new(lang).t1(
                "web-error-unreadable-field",
                "field",
                t(lang, &format!("field-{field}")),
            ),
        )
    })?;
    let expected_task = match request.task_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(TaskId::parse(text).ok_or_else(|| {
            caller
                .problem(ProblemKind::Validation)
                .with_field("task_id", t(lang, "api-error-not-an-id"))
        })?),
    };
    let source = caller.audit_source();
    let with = ActWith {
        expected_version,
        idempotency: key.clone().map(|key| IdempotencyKey {
            owner,
            key,
            request_hash: hash.clone(),
            kind: IdempotencyKind::Action,
        }),
    };
    let case_id = case.case.id;
    let outcome = services
        .store
        .act_on_with(
            &services.catalog.snapshot(),
            &services.calendar.snapshot(),
            &services.identity.snapshot().rules.agenda,
            case,
            &caller.user.actor,
            expected_task,
            command,
            with,
            services.clock.now(),
            &source,
        )
        .await;
    match outcome {
        Ok(acted) => {
            crate::pages::documents::issue_after_action(&state, &acted, &source);
            Ok(case_response(&acted, StatusCode::OK))
        }
        Err(StoreError::Refused(refusal)) => Err(refusal_problem(&caller, &refusal).into()),
        // The case moved on between the check above and the write: nothing was done.
        Err(StoreError::Stale) => {
            let current = services
                .store
                .case_state(case_id)
                .await?
                .ok_or(WebError::NotFound)?;
            Err(stale_problem(&caller, &current))
        }
        // The same key's other request won the race: answer as it did.
        Err(StoreError::Duplicate("idempotency key")) => {
            let key = key.unwrap_or_default();
            let claimed = services
                .store
                .idempotent_submission(owner, &key)
                .await?
                .ok_or(WebError::NotFound)?;
            replay(services, &caller, claimed, IdempotencyKind::Action, &hash).await
        }
        Err(other) => Err(WebError::internal(other).into()),
    }
}

/// The problem of an engine refusal: who acted first for a conflict, the field for a bad
/// value, the reason otherwise; in the caller's language, as the page would say it.
fn refusal_problem(caller: &ApiCaller, refusal: &Refusal) -> Problem {
    let message = refusal.message(caller.lang);
    match refusal {
        Refusal::NotFound => caller.problem(ProblemKind::NotFound),
        Refusal::AlreadyDone { by_name, at } => caller
            .problem(ProblemKind::Conflict)
            .with_detail(message)
            .with_acted_by(Some(ActedBy {
                name: by_name.clone(),
                at: *at,
            })),
        Refusal::ClaimedByOther { .. } | Refusal::Conflict => {
            caller.problem(ProblemKind::Conflict).with_detail(message)
        }
        Refusal::NotAllowed { .. } => caller.problem(ProblemKind::Forbidden).with_detail(message),
        Refusal::Invalid { field, .. } => caller
            .problem(ProblemKind::Validation)
            .with_field(*field, message),
        Refusal::InvalidIntake { field, .. } => caller
            .problem(ProblemKind::Validation)
            .with_field(intake_name(field), message),
        _ => caller.problem(ProblemKind::Validation).with_detail(message),
    }
}
