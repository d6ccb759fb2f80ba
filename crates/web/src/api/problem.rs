//! Errors of the JSON API as `application/problem+json` (RFC 9457): a stable `type` URI per
//! kind of problem, a `title` and `detail` in the language the client asked for
//! (`Accept-Language`), and an `errors` list naming each field that is wrong. Meant to be the
//! one problem type of every `/api` route (the public tracking endpoint too). It must never
//! carry internal detail: a fault on our side is logged with the request id, and the client
//! reads only that it happened.

use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pelihara_i18n::{Lang, t};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ErrorKind, ErrorReport, WebError};
use crate::shell::REQUEST_ID;

/// An API handler's result: its JSON or file, or a problem.
pub type ApiResult<T = Response> = Result<T, ApiError>;

/// What an API handler fails with: a problem it built, or a `WebError` of the shared code
/// (a 404 of `load_visible`, an internal error), which the API layer turns into a problem.
#[derive(Debug)]
pub enum ApiError {
    Problem(Box<Problem>),
    Web(WebError),
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> ApiError {
        ApiError::Problem(Box::new(problem))
    }
}

impl From<WebError> for ApiError {
    fn from(error: WebError) -> ApiError {
        ApiError::Web(error)
    }
}

impl From<pelihara_store::StoreError> for ApiError {
    fn from(error: pelihara_store::StoreError) -> ApiError {
        ApiError::Web(WebError::from(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Problem(problem) => problem.into_response(),
            ApiError::Web(error) => error.into_response(),
        }
    }
}

/// The media type of a problem (RFC 9457 section 3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Where the `type` URIs of our problems start; the kind follows (`...:not-found`). A URN,
/// so no client expects to dereference it.
pub const PROBLEM_TYPE_PREFIX: &str = "urn:pelihara:problem:";

/// A problem's kind: its `type` URI, its HTTP status and the message key of its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// 400: the request cannot be read (malformed JSON or form, a bad header).
    BadRequest,
    /// 401: no token, or one that is unknown, expired, revoked, or whose user may not sign in.
    Unauthorized,
    /// 403: the token lacks the scope, or its user may not do this.
    Forbidden,
    /// 404: nothing there, or nothing this caller may know of (another OPD's case).
    NotFound,
    /// 405: the route exists, not with this method.
    MethodNotAllowed,
    /// 409: someone else acted first (the problem names who).
    Conflict,
    /// 412: `If-Match` names a version of the case that is no longer current.
    PreconditionFailed,
    /// 413: the body is over the limit.
    TooLarge,
    /// 415: the body is not of a media type the endpoint reads.
    UnsupportedMediaType,
    /// 422: the request was read but a field is wrong (`errors` names it), or the case rules
    /// refuse it.
    Validation,
    /// 422: the `Idempotency-Key` was used before for another request.
    IdempotencyKeyReused,
    /// 429: the token sent too many requests; `Retry-After` says when to try again.
    TooManyRequests,
    /// 500: a fault on our side.
    Internal,
}

impl ProblemKind {
    /// The kind's name in its `type` URI and in its message keys.
    pub fn slug(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "bad-request",
            ProblemKind::Unauthorized => "unauthorized",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::NotFound => "not-found",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::Conflict => "conflict",
            ProblemKind::PreconditionFailed => "precondition-failed",
            ProblemKind::TooLarge => "too-large",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::Validation => "validation",
            ProblemKind::IdempotencyKeyReused => "idempotency-key-reused",
            ProblemKind::TooManyRequests => "too-many-requests",
            ProblemKind::Internal => "internal",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ProblemKind::BadRequest => StatusCode::BAD_REQUEST,
            ProblemKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden => StatusCode::FORBIDDEN,
            ProblemKind::NotFound => StatusCode::NOT_FOUND,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::Conflict => StatusCode::CONFLICT,
            ProblemKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ProblemKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::Validation | ProblemKind::IdempotencyKeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ProblemKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The kind an error status of some layer (body limit, method router) stands for.
    pub fn from_status(status: StatusCode) -> ProblemKind {
        match status {
            StatusCode::UNAUTHORIZED => ProblemKind::Unauthorized,
            StatusCode::FORBIDDEN => ProblemKind::Forbidden,
            StatusCode::NOT_FOUND => ProblemKind::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ProblemKind::MethodNotAllowed,
            StatusCode::CONFLICT => ProblemKind::Conflict,
            StatusCode::PRECONDITION_FAILED => ProblemKind::PreconditionFailed,
            StatusCode::PAYLOAD_TOO_LARGE => ProblemKind::TooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemKind::UnsupportedMediaType,
            StatusCode::UNPROCESSABLE_ENTITY => ProblemKind::Validation,
            StatusCode::TOO_MANY_REQUESTS => ProblemKind::TooManyRequests,
            status if status.is_client_error() => ProblemKind::BadRequest,
            _ => ProblemKind::Internal,
        }
    }
}

/// One field that is wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field as the request named it: a form or JSON field (`subject`, `letter`,
    /// `intake_budget`), a query parameter, or a header (`Idempotency-Key`, `If-Match`).
    pub field: String,
    /// What is wrong with it, in the language asked for.
    pub detail: String,
}

/// Who acted first, for a 409 or 412: the client's view of the case is stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ActedBy {
    /// The person's name as the case record shows it.
    pub name: String,
    /// When (RFC 3339, with the time zone).
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A problem details object (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `urn:pelihara:problem:validation`.
    #[serde(rename = "type")]
    pub kind_uri: String,
    /// A short summary of the kind, in the language asked for.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened this time, in the language asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields that are wrong (validation problems).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Who acted first (conflicts and failed preconditions), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acted_by: Option<ActedBy>,
    /// The id of the request, as in the `x-request-id` header (for a report to the office).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip)]
    kind: ProblemKind,
    #[serde(skip)]
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The language of `title` and `detail` (`Content-Language`).
    #[serde(skip)]
    lang: Lang,
}

impl Problem {
    /// A problem of `kind`, its title in `lang`.
    pub fn new(kind: ProblemKind, lang: Lang) -> Problem {
        Problem {
            kind_uri: format!("{PROBLEM_TYPE_PREFIX}{}", kind.slug()),
            title: t(lang, &format!("api-problem-{}", kind.slug())),
            status: kind.status().as_u16(),
            detail: None,
            errors: Vec::new(),
            acted_by: None,
            request_id: None,
            kind,
            headers: Vec::new(),
            lang,
        }
    }

    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    /// Adds a field that is wrong (the first message of a field is kept).
    pub fn with_field(mut self, field: impl Into<String>, detail: impl Into<String>) -> Problem {
        let field = field.into();
        if !self.errors.iter().any(|known| known.field == field) {
            self.errors.push(FieldProblem {
                field,
                detail: detail.into(),
            });
        }
        self
    }

    pub fn with_acted_by(mut self, acted_by: Option<ActedBy>) -> Problem {
        self.acted_by = acted_by;
        self
    }

    /// A header the response carries (`WWW-Authenticate`, `Retry-After`).
    pub fn with_header(mut self, name: HeaderName, value: &str) -> Problem {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }

    /// The problem of an error response some other part produced, e.g. the body limit's 413
    /// or the cross-site check's 403 (see [`problems_for_api`]).
    fn from_response(status: StatusCode, report: Option<&ErrorReport>, lang: Lang) -> Problem {
        let kind = match report.map(|report| report.kind) {
            Some(ErrorKind::NotFound) => ProblemKind::NotFound,
            Some(ErrorKind::Forbidden) => ProblemKind::Forbidden,
            Some(ErrorKind::Internal) => ProblemKind::Internal,
            Some(ErrorKind::BadRequest) | None => ProblemKind::from_status(status),
        };
        let mut problem = Problem::new(kind, lang);
        if let Some(message) = report.and_then(|report| report.message.as_ref()) {
            problem = problem.with_detail(message.translate(lang));
        }
        if kind == ProblemKind::Unauthorized {
            problem = problem.with_header(header::WWW_AUTHENTICATE, "Bearer");
        }
        problem
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(self.lang.code()),
        );
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        response
    }
}

/// The language an API client asked for in `Accept-Language` (the highest-weighted of
/// Indonesian and English; Indonesian when it names neither). Unlike the pages, the API
/// follows the header: a client program states its language on purpose.
pub fn api_lang(headers: &HeaderMap) -> Lang {
    let Some(value) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
    else {
        return Lang::Id;
    };
    let mut best: Option<(f32, Lang)> = None;
    for range in value.split(',').take(20) {
        let mut pieces = range.split(';');
        let tag = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let weight = pieces
            .find_map(|piece| piece.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        let lang = match primary {
            "id" | "in" => Lang::Id,
            "en" => Lang::En,
            _ => continue,
        };
        if weight > 0.0 && best.is_none_or(|(known, _)| weight > known) {
            best = Some((weight, lang));
        }
    }
    best.map_or(Lang::Id, |(_, lang)| lang)
}

/// The language of a request's problems, from its parts.
pub fn parts_lang(parts: &Parts) -> Lang {
    api_lang(&parts.headers)
}

/// Middleware for `/api/...`: every error response becomes a problem, whoever made it (a
/// handler's `WebError`, the body limit, the cross-site check, a rejected extractor, a path no
/// route claims), so an API client never receives an HTML page. A handler's own problem passes
/// unchanged (its `x-request-id` header names the request). Internal errors are logged here with their detail, which the client never
/// sees. Runs inside the layer that renders error pages, which leaves problems alone.
pub(crate) async fn problems_for_api(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") && request.uri().path() != "/api" {
        return next.run(request).await;
    }
    let lang = api_lang(request.headers());
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    let report = response.extensions().get::<ErrorReport>().cloned();
    if is_problem && report.is_none() {
        return response;
    }
    if let Some(detail) = report.as_ref().and_then(|report| report.detail.clone()) {
        tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), %method, path, %detail, "internal error");
    } else if status.is_server_error() {
        tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), %method, path, %status, "internal error from a layer");
    }
    let mut problem = Problem::from_response(status, report.as_ref(), lang);
    problem.request_id = request_id;
    let mut answer = problem.into_response();
    // Headers the original response carried that still hold (e.g. `Allow` on a 405).
    if let Some(allow) = response.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(accept).unwrap_or(HeaderValue::from_static("")),
        );
        headers
    }

    #[test]
    fn the_language_is_the_best_weighted_of_ours() {
        assert_eq!(api_lang(&HeaderMap::new()), Lang::Id);
        assert_eq!(api_lang(&headers("en")), Lang::En);
        assert_eq!(api_lang(&headers("en-US,en;q=0.9")), Lang::En);
        assert_eq!(api_lang(&headers("fr, en;q=0.5, id;q=0.8")), Lang::Id);
        assert_eq!(api_lang(&headers("de, fr")), Lang::Id);
        assert_eq!(api_lang(&headers("en;q=0, id;q=0.1")), Lang::Id);
        assert_eq!(api_lang(&headers("id-ID, en;q=0.9")), Lang::Id);
    }

    #[test]
    fn a_problem_names_its_type_status_and_fields_in_the_language_asked() {
        let problem = Problem::new(ProblemKind::Validation, Lang::En)
            .with_field("subject", "Subject is required.")
            .with_field("subject", "a second message is dropped");
        let json = serde_json::to_value(&problem).unwrap_or_default();
        assert_eq!(json["type"], "urn:pelihara:problem:validation");
        assert_eq!(json["status"], 422);
        assert_eq!(json["title"], "The request has invalid fields");
        assert_eq!(json["errors"][0]["field"], "subject");
        assert_eq!(json["errors"].as_array().map(Vec::len), Some(1));
        assert!(json.get("detail").is_none());
        let response = problem.into_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static(PROBLEM_JSON))
        );
        assert_eq!(
            response.headers().get(header::CONTENT_LANGUAGE),
            Some(&HeaderValue::from_static("en"))
        );
    }
}
