//! Refuses text that no field of Pelihara accepts before any handler sees it: control
//! characters (NUL and the other C0 controls but tab, line feed and carriage return, and DEL)
//! in the query string or in a url-encoded form. PostgreSQL refuses a NUL in text (the
//! request ended in a 500, before sign-in too) and SQLite stored it silently; now the answer
//! is a 400 naming the field, on both databases, and nothing is written. Multipart forms are
//! checked field by field where they are read (`forms::read_multipart`).

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{UserMessage, WebError};
use crate::state::AppState;

/// Whether `text` holds a character no field accepts.
pub fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The first field of url-encoded `pairs` (name or value) with a control character.
fn offending_field(encoded: &[u8]) -> Option<String> {
    form_urlencoded::parse(encoded)
        .find(|(name, value)| has_control_characters(name) || has_control_characters(value))
        .map(|(name, _)| name.chars().filter(|c| !c.is_control()).take(60).collect())
}

/// The 400 for a field with a control character.
pub fn refused(field: &str) -> WebError {
    WebError::BadRequest(UserMessage::new("web-error-control-character").arg("field", field))
}

/// Checks the query and, for url-encoded forms, the body (read within the upload limit and
/// handed on unchanged).
pub(crate) async fn refuse_control_characters(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(field) = request
        .uri()
        .query()
        .and_then(|query| offending_field(query.as_bytes()))
    {
        return refused(&field).into_response();
    }
    let url_encoded = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if !url_encoded {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, state.config().upload_limit_bytes).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if let Some(field) = offending_field(&bytes) {
        return refused(&field).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_other_controls_are_found_by_field_and_ordinary_text_passes() {
        assert_eq!(
            offending_field(b"username=ad%00min&password=x").as_deref(),
            Some("username")
        );
        assert_eq!(offending_field(b"q=a%1Bb").as_deref(), Some("q"));
        assert_eq!(offending_field(b"name=%7F").as_deref(), Some("name"));
        // Tabs and line breaks are text (a textarea sends them).
        assert_eq!(offending_field(b"note=baris+satu%0D%0Abaris%09dua"), None);
        assert_eq!(
            offending_field("q=Dinas Kesehatan – Demak ✓".as_bytes()),
            None
        );
    }
}
