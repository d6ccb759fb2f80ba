//! The JSON API under `/api/v1`, a floor above the shell beside the pages: the same store,
//! engine and visibility rule as the pages (`load_visible`, the engine's commands), for
//! programs that hold a token instead of a session. `caller` (who calls: `Authorization:
//! Bearer`, scopes, the rate limit), `problem` (RFC 9457 errors), `paging` (the lists'
//! cursor paging and field-by-field validation), `cases`, `apps` (the register),
//! `notifications`, `reports` (the dashboard and Mutu Baku compliance), `sops`, `tracking`
//! (the public tracking by number), and `docs` (the documentation page read from the same
//! description).
//! The OpenAPI 3.1 description is generated from the handlers' own annotations
//! (`utoipa`), so it cannot drift from them, and is served at `/api/openapi.json`. It must
//! never decide a case rule nor hold SQL; the shell never imports it.

pub mod apps;
pub mod caller;
pub mod cases;
pub mod docs;
pub mod notifications;
pub mod paging;
pub mod problem;
pub mod reports;
pub mod sops;
pub mod tracking;

use std::sync::OnceLock;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pelihara_i18n::t;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use self::caller::ApiCaller;
use self::problem::{Problem, ProblemKind};
use crate::state::AppState;

/// Where the OpenAPI description is served.
pub const OPENAPI_PATH: &str = "/api/openapi.json";

/// The largest JSON body an API endpoint reads (an action's fields).
const MAX_JSON_BYTES: usize = 256 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pelihara API",
        description = "The requests (cases), the register of apps and websites, reports and \
            notifications of Pelihara, on the same rules as its pages. Authenticate with \
            `Authorization: Bearer <token>`; create a token on your account page \
            (`/akun/token`), or ask the administrator for a service account's. Errors are \
            `application/problem+json` (RFC 9457) in the language of `Accept-Language` \
            (Indonesian or English). Ids are strings; moments are RFC 3339 in UTC. Every POST \
            takes an `Idempotency-Key`.",
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "cases", description = "Requests: list, read, submit, act"),
        (name = "register", description = "The register of apps and websites: list, read, add, change, maintenance history"),
        (name = "reports", description = "The dashboard's figures and the Mutu Baku compliance per step, for a period"),
        (name = "notifications", description = "The caller's notifications"),
        (name = "sops", description = "The SOP versions, as JSON and as flowcharts"),
        (name = "tracking", description = "Public tracking by the receipt's number (no token)"),
    ),
    components(schemas(problem::Problem, problem::FieldProblem, problem::ActedBy))
)]
struct ApiDoc;

/// Adds the bearer token scheme the operations name.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal access token or a service account's token (`plh_...`), \
                         with the scopes the operation names",
                    ))
                    .build(),
            ),
        );
    }
}

/// The API's routes and their description, from one list: a route here is in the document.
fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(cases::list_cases, cases::submit_case))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::get_letter))
        .routes(routes!(cases::get_document))
        .routes(routes!(cases::act_on_case))
        .routes(routes!(apps::list_apps, apps::create_app))
        .routes(routes!(apps::get_app, apps::update_app))
        .routes(routes!(apps::app_history))
        .routes(routes!(reports::dashboard))
        .routes(routes!(reports::compliance))
        .routes(routes!(notifications::list_notifications))
        .routes(routes!(notifications::unread_count))
        .routes(routes!(sops::list_sops))
        .routes(routes!(sops::get_sop))
        .routes(routes!(sops::get_sop_flowchart))
        .routes(routes!(tracking::track_request))
}

/// The OpenAPI 3.1 description of the API, generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// The description as served (made once).
fn openapi_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| openapi().to_pretty_json().unwrap_or_default())
}

/// `GET /api/openapi.json`: public, like any API's description (it holds no data).
async fn view_openapi_get() -> Response {
    let mut response = openapi_json().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Every `/api` route: the API's, its description, and a problem for any other `/api` path.
pub(crate) fn routes() -> Router<AppState> {
    let (router, _) = api_router().split_for_parts();
    router
        .route(OPENAPI_PATH, get(view_openapi_get))
        .route(docs::DOCS_PATH, get(docs::view_api_dokumentasi_get))
        .route("/api", get(docs::view_api_get))
        .route("/api/{*rest}", axum::routing::any(view_api_not_found))
}

/// A path under `/api` no route claims: a 404 problem (not the HTML page).
async fn view_api_not_found(headers: HeaderMap) -> Problem {
    Problem::new(ProblemKind::NotFound, problem::api_lang(&headers))
}

/// Reads a JSON body: `Content-Type: application/json` and within the limit, or a problem
/// (415, 413, or 400 naming the field serde could not read).
/// The first field (its key, or `within` for a value outside an object) whose key or text
/// holds a control character, anywhere in `value`.
fn field_with_control_character(value: &serde_json::Value, within: &str) -> Option<String> {
    use crate::input_guard::has_control_characters;
    let clean = |key: &str| key.chars().filter(|c| !c.is_control()).take(60).collect();
    match value {
        serde_json::Value::String(text) => has_control_characters(text).then(|| within.to_owned()),
        serde_json::Value::Array(items) => items
            .iter()
            .find_map(|item| field_with_control_character(item, within)),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if has_control_characters(key) {
                Some(clean(key))
            } else {
                field_with_control_character(item, key)
            }
        }),
        _ => None,
    }
}

pub(crate) fn read_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
    caller: &ApiCaller,
) -> Result<T, problem::ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            let essence = value.split(';').next().unwrap_or_default().trim();
            essence.eq_ignore_ascii_case("application/json")
        });
    if !json {
        return Err(caller
            .problem(ProblemKind::UnsupportedMediaType)
            .with_detail(t(caller.lang, "api-error-json-expected"))
            .into());
    }
    if body.len() > MAX_JSON_BYTES {
        return Err(caller.problem(ProblemKind::TooLarge).into());
    }
    // As for forms (`input_guard`): no field takes a control character. PostgreSQL refuses
    // a NUL in text, which ended in a 500 there and was stored on SQLite.
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(field) = field_with_control_character(&value, "body")
    {
        let message = pelihara_i18n::t_args(
            caller.lang,
            "web-error-control-character",
            &[("field", pelihara_i18n::arg(&field))],
        );
        return Err(caller
            .problem(ProblemKind::BadRequest)
            .with_field(field, message)
            .into());
    }
    serde_json::from_slice(body).map_err(|error| {
        // serde names an unknown or mistyped field in its message: name it as the field.
        let text = error.to_string();
        let field = text
            .split('`')
            .nth(1)
            .filter(|_| text.contains("field"))
            .unwrap_or("body")
            .to_owned();
        caller
            .problem(ProblemKind::BadRequest)
            .with_field(
                field,
                pelihara_i18n::t_args(
                    caller.lang,
                    "api-error-json",
                    &[("line", pelihara_i18n::arg(error.line()))],
                ),
            )
            .into()
    })
}
