//! The layer that turns every error response into a page in the user's language: a full page
//! for a page load, a toast for an htmx request. It must never send error details to the
//! client: internal errors are logged with the request id, and the body shows only a generic
//! message and that id.

use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::{CurrentUser, client_address, user_of_session};
use crate::error::{ErrorKind, ErrorReport, UserMessage, report};
use crate::htmx::{HX_RESWAP, HX_RETARGET};
use crate::lang::Tr;
use crate::page::Page;
use crate::shell::Shell;
use crate::state::AppState;

/// The element of `base.html` that collects toasts.
const TOAST_CONTAINER: &str = "#toasts";

/// A report for an error response that did not come from a `WebError`: axum's rejections
/// (malformed form, wrong method), the body limit (whose message names it), the cross-site
/// check, a caught panic.
fn report_for_status(status: StatusCode, upload_limit_bytes: usize) -> ErrorReport {
    let message = |key: &str| Some(UserMessage::new(key));
    match status {
        StatusCode::NOT_FOUND => report(ErrorKind::NotFound, None),
        StatusCode::FORBIDDEN => report(ErrorKind::Forbidden, None),
        StatusCode::PAYLOAD_TOO_LARGE => report(
            ErrorKind::BadRequest,
            Some(
                UserMessage::new("web-error-too-large")
                    .arg("mb", upload_limit_bytes / (1024 * 1024)),
            ),
        ),
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
    let address = client_address(&parts);
    let method = parts.method.clone();
    let response = next.run(Request::from_parts(parts, body)).await;

    let report = match response.extensions().get::<ErrorReport>() {
        Some(report) => report.clone(),
        None if needs_rendering(&response) => {
            report_for_status(response.status(), state.config().upload_limit_bytes)
        }
        None => return response,
    };
    let status = response.status();
    // Error pages show who is signed in too (a 403 makes more sense with the name beside it).
    if let Some(session) = session
        && let Ok(Some(actor)) = user_of_session(&session, &state, true).await
    {
        shell.show_user(&CurrentUser { actor, address }, &state);
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
        let partial = ErrorPartial {
            tr,
            status: status.as_u16(),
            title: title.clone(),
            message,
            request_id,
        };
        Page::new(shell, title, partial)
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
