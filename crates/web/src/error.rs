//! The one error type of the web front, `WebError`, and what its response carries to the layer
//! that renders it (`error_page`): the kind of page and the message for the user. It must never
//! send error details to the client: an internal error's source travels only as far as the log.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pelihara_domain::Refusal;
use pelihara_i18n::{Lang, arg, t_args};
use pelihara_store::StoreError;

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

/// A store error: a refusal because the object does not exist is a 404 (for objects the user
/// may not know exist too), anything else is our fault.
impl From<StoreError> for WebError {
    fn from(error: StoreError) -> WebError {
        match error {
            StoreError::Refused(Refusal::NotFound) => WebError::NotFound,
            other => WebError::internal(other),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(error: askama::Error) -> WebError {
        WebError::internal(error)
    }
}

/// What kind of error page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    NotFound,
    Forbidden,
    BadRequest,
    Internal,
}

/// Travels in the extensions of an error response from [`WebError::into_response`] (or from a
/// response some layer produced) to `error_page::render_errors`, which has the request to render it for.
#[derive(Debug, Clone)]
pub(crate) struct ErrorReport {
    pub(crate) kind: ErrorKind,
    pub(crate) message: Option<UserMessage>,
    /// The error and its sources as text, for the log only.
    pub(crate) detail: Option<Arc<str>>,
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

pub(crate) fn report(kind: ErrorKind, message: Option<UserMessage>) -> ErrorReport {
    ErrorReport {
        kind,
        message,
        detail: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_refusal_of_a_missing_object_is_a_404_and_other_store_errors_are_ours() {
        assert!(matches!(
            WebError::from(StoreError::Refused(Refusal::NotFound)),
            WebError::NotFound
        ));
        assert!(matches!(
            WebError::from(StoreError::Corrupt("x".to_owned())),
            WebError::Internal(_)
        ));
        assert!(matches!(
            WebError::from(StoreError::Refused(Refusal::Conflict)),
            WebError::Internal(_)
        ));
    }
}
