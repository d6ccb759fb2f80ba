//! `/api/v1/apps`: the register of apps and websites as JSON, on the register pages' own rules:
//! the same list and filters (`pages::register::list::visible_rows`), the same visibility (an
//! OPD's token sees only its OPD's apps; another OPD's app is a 404 like one that does not
//! exist), the same checks of a new or changed app (`AppForm::read`, `chosen_opd`) and the
//! same rule of who keeps the register (`may_edit`, from the domain's `RegisterRoles`). Reads
//! need the `read` scope, writes `register`. A new app may carry an `Idempotency-Key`, claimed
//! in the same write as the app. Holds no rule of its own and no SQL.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use pelihara_domain::AppId;
use pelihara_domain::register::{AppStatus, DueState, HealthFilter, MaintenanceDue};
use pelihara_i18n::t;
use pelihara_store::register::{MaintenanceCase, RegisterRow};
use pelihara_store::{IdempotencyKey, IdempotencyKind, StoreError, TokenScope};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::caller::ApiCaller;
use super::cases::{code_of, idempotency_key, mark_replayed, same_request};
use super::paging::{add_field, page_after, page_request};
use super::problem::{ApiError, ApiResult, Problem, ProblemKind};
use crate::error::WebError;
use crate::pages::register::form::{AppForm, chosen_opd};
use crate::pages::register::list::{ListQuery, visible_rows};
use crate::pages::register::{due_of, may_edit, policy, visible_app};
use crate::state::{AppState, Services};

/// An app's next periodic maintenance.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueJson {
    /// The date the maintenance falls due (`YYYY-MM-DD`, the office's calendar).
    pub due: NaiveDate,
    /// The last day it is on time (the next working day when the office is closed on `due`).
    pub effective_due: NaiveDate,
    /// `current`, `due_soon` or `overdue`.
    pub state: String,
}

impl DueJson {
    fn new(due: MaintenanceDue) -> DueJson {
        DueJson {
            due: due.due,
            effective_due: due.effective_due,
            state: due.state.code().to_owned(),
        }
    }
}

/// An app or website of the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppJson {
    pub id: String,
    pub opd_id: String,
    pub opd_code: String,
    pub opd_name: String,
    pub name: String,
    pub url: String,
    pub domain: String,
    pub hosting: String,
    pub hosting_location: String,
    pub hosting_environment: String,
    pub stack: String,
    /// `active`, `retired` or `proposed`.
    pub status: String,
    pub notes: String,
    pub opd_contact_name: String,
    pub opd_contact_phone: String,
    pub opd_contact_email: String,
    pub office_contact_name: String,
    pub office_contact_phone: String,
    pub office_contact_email: String,
    /// The app's own interval in months; absent: the SOP's.
    pub maintenance_interval_months: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    /// When its last maintenance case was done.
    pub last_maintained_at: Option<DateTime<Utc>>,
    /// Its requests still running.
    pub open_cases: u32,
    pub last_check_at: Option<DateTime<Utc>>,
    /// Whether its last health check succeeded; absent: never checked.
    pub last_check_ok: Option<bool>,
    /// Its next periodic maintenance; absent for a retired or proposed app.
    pub maintenance_due: Option<DueJson>,
}

impl AppJson {
    fn new(row: RegisterRow, due: Option<MaintenanceDue>) -> AppJson {
        let app = row.app;
        AppJson {
            id: app.id.to_string(),
            opd_id: app.opd_id.to_string(),
            opd_code: row.opd_code,
            opd_name: row.opd_name,
            name: app.name,
            url: app.url,
            domain: app.domain,
            hosting: app.hosting,
            hosting_location: app.hosting_location,
            hosting_environment: app.hosting_environment,
            stack: app.stack,
            status: app.status,
            notes: app.notes,
            opd_contact_name: app.opd_contact_name,
            opd_contact_phone: app.opd_contact_phone,
            opd_contact_email: app.opd_contact_email,
            office_contact_name: app.office_contact_name,
            office_contact_phone: app.office_contact_phone,
            office_contact_email: app.office_contact_email,
            maintenance_interval_months: app.maintenance_interval_months,
            created_at: app.created_at,
            updated_at: app.updated_at,
            last_maintained_at: row.last_maintained_at,
            open_cases: row.open_cases,
            last_check_at: row.last_check_at,
            last_check_ok: row.last_check_ok,
            maintenance_due: due.map(DueJson::new),
        }
    }
}

/// A page of the register, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppListJson {
    pub items: Vec<AppJson>,
    /// The `cursor` of the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The filters of the register, as on its page. Every filter is optional; unknown values are
/// refused.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppListQuery {
    /// An OPD's id (an OPD's token always lists its own OPD's apps).
    pub opd: Option<String>,
    /// `active`, `retired` or `proposed`.
    pub status: Option<String>,
    /// `current`, `due_soon` or `overdue`: the state of the next periodic maintenance.
    pub due: Option<String>,
    /// `ok`, `failing` or `unchecked`: the last health check.
    pub health: Option<String>,
    /// Words to find in the name, address, domain, technology or OPD.
    pub q: Option<String>,
    /// Where the page starts: the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// How many apps (1 to 200, 50 when absent).
    pub limit: Option<i64>,
}

/// Where a page of the register starts: after this (lowercased name, id).
type AppKey = (String, String);

/// The order of the register's pages: by name regardless of case, then id.
fn app_key(row: &RegisterRow) -> AppKey {
    (row.app.name.to_lowercase(), row.app.id.to_string())
}

/// The cursor as a query value: the key's parts in hex, so any name survives a URL.
fn cursor_token(key: &AppKey) -> String {
    format!("{}.{}", hex::encode(key.0.as_bytes()), key.1)
}

fn parse_cursor(text: &str) -> Option<AppKey> {
    let (name, id) = text.split_once('.')?;
    let name = String::from_utf8(hex::decode(name).ok()?).ok()?;
    AppId::parse(id)?;
    Some((name, id.to_owned()))
}

/// A code of the query: the value, or a field problem when it is not one the filter knows.
fn known_code(
    value: Option<&str>,
    name: &str,
    known: impl Fn(&str) -> bool,
    problem: &mut Option<Problem>,
    caller: &ApiCaller,
) -> String {
    let value = value.map(str::trim).unwrap_or_default();
    if !value.is_empty() && !known(value) {
        add_field(
            problem,
            caller,
            name,
            t(caller.lang, "api-error-unknown-value"),
        );
    }
    value.to_owned()
}

/// `GET /api/v1/apps`: the apps the caller may see, by name, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/apps",
    tag = "register",
    params(AppListQuery),
    responses(
        (status = 200, description = "A page of the register", body = AppListJson),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is not understood", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn list_apps(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<AppListQuery>,
) -> ApiResult<Json<AppListJson>> {
    caller.require(TokenScope::Read)?;
    let services = state.services();
    let mut problem = None;
    let opd = query.opd.as_deref().map(str::trim).unwrap_or_default();
    if !opd.is_empty() && pelihara_domain::OpdId::parse(opd).is_none() {
        add_field(
            &mut problem,
            &caller,
            "opd",
            t(caller.lang, "api-error-not-an-id"),
        );
    }
    let status = known_code(
        query.status.as_deref(),
        "status",
        |code| AppStatus::from_code(code).is_some(),
        &mut problem,
        &caller,
    );
    let due = known_code(
        query.due.as_deref(),
        "due",
        |code| DueState::from_code(code).is_some(),
        &mut problem,
        &caller,
    );
    let health = known_code(
        query.health.as_deref(),
        "health",
        |code| HealthFilter::from_code(code).is_some(),
        &mut problem,
        &caller,
    );
    let q: String = query
        .q
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let (after, limit) = page_request(
        query.cursor.as_deref(),
        query.limit,
        parse_cursor,
        &mut problem,
        &caller,
    );
    if let Some(problem) = problem {
        return Err(problem.into());
    }
    // The page's own list: an operator's is their OPD's whatever the query says.
    let list = ListQuery {
        opd: opd.to_owned(),
        status,
        due,
        health,
        q,
        halaman: None,
    };
    let mut rows = visible_rows(services, &caller.user.actor, &list).await?;
    rows.sort_by_cached_key(|(row, _)| app_key(row));
    let (page, next) = page_after(rows, |(row, _)| app_key(row), after.as_ref(), limit);
    Ok(Json(AppListJson {
        items: page
            .into_iter()
            .map(|(row, due)| AppJson::new(row, due))
            .collect(),
        next_cursor: next.as_ref().map(cursor_token),
    }))
}

/// One app as JSON, if the caller may see it, with `status`.
async fn app_response(
    services: &Services,
    caller: &ApiCaller,
    id: &str,
    status: StatusCode,
) -> ApiResult {
    let row = visible_app(services, &caller.user.actor, id).await?;
    let policy = policy(services).await?;
    let due = due_of(services, &policy, &row);
    let mut response = (status, Json(AppJson::new(row, due))).into_response();
    if status == StatusCode::CREATED
        && let Ok(location) = HeaderValue::from_str(&format!("/api/v1/apps/{}", id.trim()))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `GET /api/v1/apps/{id}`: one app of the register.
#[utoipa::path(
    get,
    path = "/api/v1/apps/{id}",
    tag = "register",
    params(("id" = String, Path, description = "The app id")),
    responses(
        (status = 200, description = "The app", body = AppJson),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such app, or one the caller may not see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn get_app(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    caller.require(TokenScope::Read)?;
    app_response(state.services(), &caller, &id, StatusCode::OK).await
}

/// An app to add, or the fields of an app to change (those left out stay as they are). The
/// names are the register form's.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppRequest {
    /// The OPD that owns the app (required for a new app).
    pub opd_id: Option<String>,
    /// Required for a new app.
    pub name: Option<String>,
    /// `http://` or `https://`.
    pub url: Option<String>,
    pub domain: Option<String>,
    pub hosting: Option<String>,
    pub hosting_location: Option<String>,
    pub hosting_environment: Option<String>,
    pub stack: Option<String>,
    pub opd_contact_name: Option<String>,
    pub opd_contact_phone: Option<String>,
    pub opd_contact_email: Option<String>,
    pub office_contact_name: Option<String>,
    pub office_contact_phone: Option<String>,
    pub office_contact_email: Option<String>,
    /// `active` (the default for a new app), `retired` or `proposed`.
    pub status: Option<String>,
    /// 1 to 120; `null` follows the SOP's interval.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub maintenance_interval_months: Option<Option<i64>>,
    pub notes: Option<String>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`, by `default`).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(deserializer).map(Some)
}

impl AppRequest {
    /// The register form with this request's fields over `form`.
    fn over(self, mut form: AppForm) -> AppForm {
        let set = |slot: &mut String, value: Option<String>| {
            if let Some(value) = value {
                *slot = value;
            }
        };
        set(&mut form.opd_id, self.opd_id);
        set(&mut form.name, self.name);
        set(&mut form.url, self.url);
        set(&mut form.domain, self.domain);
        set(&mut form.hosting, self.hosting);
        set(&mut form.hosting_location, self.hosting_location);
        set(&mut form.hosting_environment, self.hosting_environment);
        set(&mut form.stack, self.stack);
        set(&mut form.opd_contact_name, self.opd_contact_name);
        set(&mut form.opd_contact_phone, self.opd_contact_phone);
        set(&mut form.opd_contact_email, self.opd_contact_email);
        set(&mut form.office_contact_name, self.office_contact_name);
        set(&mut form.office_contact_phone, self.office_contact_phone);
        set(&mut form.office_contact_email, self.office_contact_email);
        set(&mut form.status, self.status);
        set(&mut form.notes, self.notes);
        if let Some(months) = self.maintenance_interval_months {
            form.maintenance_interval_months = months.map(|m| m.to_string()).unwrap_or_default();
        }
        form
    }
}

/// Checks the form as the register page does: the fields and the OPD (an existing active
/// one, or `current`, the OPD of the app being changed). The typed fields and the OPD, or the
/// 422 problem naming every wrong field.
async fn checked(
    services: &Services,
    caller: &ApiCaller,
    form: &AppForm,
    current: Option<pelihara_domain::OpdId>,
) -> Result<(pelihara_domain::register::AppFields, pelihara_domain::OpdId), ApiError> {
    let (fields, problems) = form.read();
    let opd = chosen_opd(services, form, current).await?;
    let mut problem = None;
    if opd.is_none() {
        add_field(
            &mut problem,
            caller,
            "opd_id",
            t(caller.lang, "register-error-opd"),
        );
    }
    for (field, key) in problems {
        add_field(&mut problem, caller, field, t(caller.lang, key));
    }
    match (problem, opd) {
        (None, Some(opd)) => Ok((fields, opd)),
        (Some(problem), _) => Err(problem.into()),
        (None, None) => Err(WebError::NotFound.into()),
    }
}

/// The 403 of a token whose user does not keep the register.
fn not_a_keeper(caller: &ApiCaller) -> ApiError {
    caller
        .problem(ProblemKind::Forbidden)
        .with_detail(t(caller.lang, "api-error-register-keeper"))
        .into()
}

/// `POST /api/v1/apps`: adds an app to the register, checked as the register's form is. Send
/// an `Idempotency-Key`: a retry with the same key and body returns the app the first one made
/// (201, `Idempotent-Replayed: true`) and adds no second one.
#[utoipa::path(
    post,
    path = "/api/v1/apps",
    tag = "register",
    request_body(content = AppRequest, content_type = "application/json"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique text up to 200 characters; a retry with the same key returns the first result")),
    responses(
        (status = 201, description = "The app added", body = AppJson, headers(("Location" = String))),
        (status = 400, description = "The body or a header cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `register` scope, or its user does not keep the register", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong (`errors` names it), or the key was used for another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["register"]))
)]
pub async fn create_app(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult {
    caller.require(TokenScope::Register)?;
    let services = state.services();
    let actor = &caller.user.actor;
    if !may_edit(services, actor) {
        return Err(not_a_keeper(&caller));
    }
    let key = idempotency_key(&headers, &caller)?;
    let hash = hex::encode(
        Sha256::new()
            .chain_update(b"app\0")
            .chain_update(&body)
            .finalize(),
    );
    let owner = actor.user.id;
    if let Some(key) = &key
        && let Some(claimed) = services.store.idempotent_submission(owner, key).await?
    {
        return replay_app(services, &caller, claimed, &hash).await;
    }
    let request: AppRequest = super::read_json(&headers, &body, &caller)?;
    let blank = AppForm {
        status: AppStatus::Active.code().to_owned(),
        ..AppForm::default()
    };
    let form = request.over(blank);
    let (fields, opd) = checked(services, &caller, &form, None).await?;
    let idempotency = key.clone().map(|key| IdempotencyKey {
        owner,
        key,
        request_hash: hash.clone(),
        kind: IdempotencyKind::App,
    });
    let made = services
        .store
        .create_register_app_with(
            opd,
            &fields,
            idempotency,
            &caller.audit_source(),
            services.clock.now(),
        )
        .await;
    match made {
        Ok(id) => app_response(services, &caller, &id.to_string(), StatusCode::CREATED).await,
        Err(StoreError::Duplicate("idempotency key")) => {
            let key = key.unwrap_or_default();
            let claimed = services
                .store
                .idempotent_submission(owner, &key)
                .await?
                .ok_or(WebError::NotFound)?;
            replay_app(services, &caller, claimed, &hash).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The answer to a retry of `POST /api/v1/apps`: the app the first request added, as it is now.
async fn replay_app(
    services: &Services,
    caller: &ApiCaller,
    claimed: pelihara_store::IdempotentSubmission,
    request_hash: &str,
) -> ApiResult {
    same_request(caller, &claimed, IdempotencyKind::App, request_hash)?;
    let mut response = app_response(
        services,
        caller,
        &claimed.target.to_string(),
        StatusCode::CREATED,
    )
    .await?;
    mark_replayed(&mut response);
    Ok(response)
}

/// `PATCH /api/v1/apps/{id}`: changes an app's fields (those sent; the others stay), checked
/// as the register's edit form is.
#[utoipa::path(
    patch,
    path = "/api/v1/apps/{id}",
    tag = "register",
    params(("id" = String, Path, description = "The app id")),
    request_body(content = AppRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The app as changed", body = AppJson),
        (status = 400, description = "The body cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `register` scope, or its user does not keep the register", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such app, or one the caller may not see", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong (`errors` names it)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["register"]))
)]
pub async fn update_app(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult {
    caller.require(TokenScope::Register)?;
    let services = state.services();
    // Another OPD's app is a 404 before anything else is said about it.
    let row = visible_app(services, &caller.user.actor, &id).await?;
    if !may_edit(services, &caller.user.actor) {
        return Err(not_a_keeper(&caller));
    }
    let request: AppRequest = super::read_json(&headers, &body, &caller)?;
    let form = request.over(AppForm::from_app(&row.app));
    let (fields, opd) = checked(services, &caller, &form, Some(row.app.opd_id)).await?;
    services
        .store
        .update_app(
            row.app.id,
            opd,
            &fields,
            &caller.audit_source(),
            services.clock.now(),
        )
        .await?;
    app_response(services, &caller, &row.app.id.to_string(), StatusCode::OK).await
}

/// One request of an app's maintenance history.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaintenanceJson {
    pub case_id: String,
    pub tracking_code: String,
    pub subject: String,
    /// `open`, `returned`, `done`, `rejected` or `withdrawn`.
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The analysis verdict: `maintainable` or `not_maintainable`.
    pub verdict: Option<String>,
    pub findings: Option<String>,
    /// The maintenance result and the version deployed, and who did it.
    pub result: Option<String>,
    pub version: Option<String>,
    pub maintained_by: Option<String>,
    /// The case itself (with the same token).
    pub href: String,
}

impl MaintenanceJson {
    fn new(case: MaintenanceCase) -> MaintenanceJson {
        MaintenanceJson {
            href: format!("/api/v1/cases/{}", case.case_id),
            case_id: case.case_id.to_string(),
            tracking_code: case.tracking_code,
            subject: case.subject,
            status: case.status.code().to_owned(),
            submitted_at: case.submitted_at,
            closed_at: case.closed_at,
            verdict: case.verdict.as_ref().map(code_of),
            findings: case.findings,
            result: case.result,
            version: case.version,
            maintained_by: case.maintained_by,
        }
    }
}

/// An app's maintenance history, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaintenanceHistoryJson {
    pub app_id: String,
    pub items: Vec<MaintenanceJson>,
}

/// `GET /api/v1/apps/{id}/history`: every request about the app, newest first, with the
/// analysis verdict and the maintenance result where the request got that far.
#[utoipa::path(
    get,
    path = "/api/v1/apps/{id}/history",
    tag = "register",
    params(("id" = String, Path, description = "The app id")),
    responses(
        (status = 200, description = "The app's maintenance history", body = MaintenanceHistoryJson),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such app, or one the caller may not see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn app_history(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<MaintenanceHistoryJson>> {
    caller.require(TokenScope::Read)?;
    let services = state.services();
    let row = visible_app(services, &caller.user.actor, &id).await?;
    let history = services.store.maintenance_history(row.app.id).await?;
    Ok(Json(MaintenanceHistoryJson {
        app_id: row.app.id.to_string(),
        items: history.into_iter().map(MaintenanceJson::new).collect(),
    }))
}
