//! The one error type of the web front, and the layer that turns every error response into a
//! page in the user's language: a full page for a page load, a toast for an htmx request. It must
//! never send error details to the client: internal errors are logged with the request id, and
//! the body shows only a generic message and that id.

use std::sync::Arc;

use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use pelihara_i18n::{Lang, arg, t_args};

use crate::shell::{Shell, Tr};
use crate::state::AppState;

/// The htmx response header that sends the swap somewhere else than the request's target.
const HX_RETARGET: &str = "hx-retarget";
/// The htmx response header that says how to swap.
const HX_RESWAP: &str = "hx-reswap";
/// The element of `base.html` that collects toasts.
const TOAST_CONTAINER: &str = "#toasts";

/// A message for the user: a key of the `.ftl` files and its arguments, translated when the
/// error is rendered (the handler that fails need not know the language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMessage {
    key: String,
    args: Vec<(String, String)>,
}

impl UserMessage {
    pub fn new(key: impl Into<String>) -> UserMessage {
        UserMessage {
            key: key.into(),
            args: Vec::new(),
        }
    }

    /// Adds the argument `$name` of the message.
    pub fn arg(mut self, name: impl Into<String>, value: impl ToString) -> UserMessage {
        self.args.push((name.into(), value.to_string()));
        self
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn translate(&self, lang: Lang) -> String {
        let args: Vec<_> = self
            .args
            .iter()
            .map(|(name, value)| (name.as_str(), arg(value)))
            .collect();
        t_args(lang, &self.key, &args)
    }
}

impl std::fmt::Display for UserMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key)
    }
}

/// What a handler returns when it cannot answer with its page.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// 404: no such page or object (also for objects the user may not know exist).
    #[error("not found")]
    NotFound,
    /// 403: the user may not do this.
    #[error("forbidden")]
    Forbidden,
    /// 400: the request cannot be carried out; the message tells the user why.
    #[error("bad request: {0}")]
    BadRequest(UserMessage),
    /// 500: a fault on our side. The source is logged with the request id, never shown.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl WebError {
    pub fn bad_request(key: impl Into<String>) -> WebError {
        WebError::BadRequest(UserMessage::new(key))
    }

    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> WebError {
        WebError::Internal(source.into())
    }
}

impl From<askama::Error> for WebError {
    fn from(error: askama::Error) -> WebError {
        WebError::internal(error)
    }
}

/// What kind of error page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    NotFound,
    Forbidden,
    BadRequest,
    Internal,
}

/// Travels in the extensions of an error response from [`WebError::into_response`] (or from a
/// response some layer produced) to [`render_errors`], which has the request to render it for.
#[derive(Debug, Clone)]
struct ErrorReport {
    kind: ErrorKind,
    message: Option<UserMessage>,
    /// The error and its sources as text, for the log only.
    detail: Option<Arc<str>>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, report) = match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, report(ErrorKind::NotFound, None)),
            WebError::Forbidden => (StatusCode::FORBIDDEN, report(ErrorKind::Forbidden, None)),
            WebError::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                report(ErrorKind::BadRequest, Some(message)),
            ),
            WebError::Internal(source) => {
                let mut detail = source.to_string();
                let mut next = source.source();
                while let Some(cause) = next {
                    detail.push_str(": ");
                    detail.push_str(&cause.to_string());
                    next = cause.source();
                }
                let mut report = report(ErrorKind::Internal, None);
                report.detail = Some(detail.into());
                (StatusCode::INTERNAL_SERVER_ERROR, report)
            }
        };
        // The body is replaced by `render_errors`; this one only shows if a handler runs
        // outside the router, and says no more than the status.
        let mut response = (status, status.canonical_reason().unwrap_or("error")).into_response();
        response.extensions_mut().insert(report);
        response
    }
}

fn report(kind: ErrorKind, message: Option<UserMessage>) -> ErrorReport {
    ErrorReport {
        kind,
        message,
        detail: None,
    }
}

/// A report for an error response that did not come from a `WebError`: axum's rejections
/// (malformed form, wrong method), the body limit, the cross-site check, a caught panic.
fn report_for_status(status: StatusCode) -> ErrorReport {
    let message = |key: &str| Some(UserMessage::new(key));
    match status {
        StatusCode::NOT_FOUND => report(ErrorKind::NotFound, None),
        StatusCode::FORBIDDEN => report(ErrorKind::Forbidden, None),
        StatusCode::PAYLOAD_TOO_LARGE => {
            report(ErrorKind::BadRequest, message("web-error-too-large"))
        }
        StatusCode::METHOD_NOT_ALLOWED => {
            report(ErrorKind::BadRequest, message("web-error-method"))
        }
        status if status.is_client_error() => {
            report(ErrorKind::BadRequest, message("web-error-bad-request"))
        }
        status => ErrorReport {
            kind: ErrorKind::Internal,
            message: None,
            detail: Some(format!("{status} from a layer, without details").into()),
        },
    }
}

/// Whether an error response still needs our page: ours always, others when they carry no HTML
/// of their own (plain-text rejections, empty bodies). A later JSON API keeps its JSON.
fn needs_rendering(response: &Response) -> bool {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return false;
    }
    match response.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(value) => value.as_bytes().starts_with(b"text/plain"),
    }
}

/// The error page: `error.html` around `error_partial.html`.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    shell: Shell,
    tr: Tr,
    partial: ErrorPartial,
}

/// The body of the error page, also what an htmx swap of the main area would show.
#[derive(Template)]
#[template(path = "error_partial.html")]
struct ErrorPartial {
    tr: Tr,
    status: u16,
    title: String,
    message: String,
    request_id: String,
}

/// The toast that an htmx request's error becomes, appended to `#toasts`.
#[derive(Template)]
#[template(path = "error_toast.html")]
struct ErrorToast {
    tr: Tr,
    title: String,
    message: String,
    request_id: String,
}

/// Middleware: renders every error response for the request it answers (language, htmx or not,
/// request id) and logs internal errors. Runs inside the request-id layer and outside the
/// cross-site check and the body limit, so their refusals get pages too.
pub(crate) async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let mut shell = Shell::from_parts(&parts, &state);
    let session = parts.extensions.get::<tower_sessions::Session>().cloned();
    let address = crate::auth::client_address(&parts);
    let method = parts.method.clone();
    let response = next.run(Request::from_parts(parts, body)).await;

    let report = match response.extensions().get::<ErrorReport>() {
        Some(report) => report.clone(),
        None if needs_rendering(&response) => report_for_status(response.status()),
        None => return response,
    };
    let status = response.status();
    // Error pages show who is signed in too (a 403 makes more sense with the name beside it).
    if let Some(session) = session
        && let Ok(Some(actor)) = crate::auth::user_of_session(&session, &state, true).await
    {
        shell.show_user(&crate::auth::CurrentUser { actor, address }, &state);
    }
    match report.kind {
        ErrorKind::Internal => tracing::error!(
            request_id = %shell.request_id,
            %method,
            path = %shell.current_path,
            status = status.as_u16(),
            error = report.detail.as_deref().unwrap_or("-"),
            "internal error"
        ),
        _ => tracing::info!(
            request_id = %shell.request_id,
            %method,
            path = %shell.current_path,
            status = status.as_u16(),
            "refused"
        ),
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut rendered = render_report(shell, status, &report);
    if let Some(allow) = allow {
        rendered.headers_mut().insert(header::ALLOW, allow);
    }
    rendered
}

fn render_report(shell: Shell, status: StatusCode, report: &ErrorReport) -> Response {
    let tr = shell.tr;
    let (title_key, default_message_key) = match report.kind {
        ErrorKind::NotFound => ("web-error-not-found-title", "web-error-not-found"),
        ErrorKind::Forbidden => ("web-error-forbidden-title", "web-error-forbidden"),
        ErrorKind::BadRequest => ("web-error-bad-request-title", "web-error-bad-request"),
        ErrorKind::Internal => ("web-error-internal-title", "web-error-internal"),
    };
    let title = tr.t(title_key);
    let message = match &report.message {
        Some(message) => message.translate(tr.lang()),
        None => tr.t(default_message_key),
    };
    let request_id = shell.request_id.clone();

    let rendered = if shell.htmx {
        ErrorToast {
            tr,
            title,
            message,
            request_id,
        }
        .render()
        .map(|html| {
            let mut response = (status, Html(html)).into_response();
            let headers = response.headers_mut();
            headers.insert(HX_RETARGET, HeaderValue::from_static(TOAST_CONTAINER));
            headers.insert(HX_RESWAP, HeaderValue::from_static("beforeend"));
            response
        })
    } else {
        ErrorPage {
            tr,
            partial: ErrorPartial {
                tr,
                status: status.as_u16(),
                title,
                message,
                request_id,
            },
            shell,
        }
        .render()
        .map(|html| (status, Html(html)).into_response())
    };
    rendered.unwrap_or_else(|error| {
        tracing::error!(%error, "error page failed to render");
        let mut response = Response::new(Body::from("Error"));
        *response.status_mut() = status;
        response
    })
}
