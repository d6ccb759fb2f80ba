//! The one way a page answers with a file (a report's export, a document's PDF, an uploaded
//! letter, the people sheet): its media type, and whether the browser shows it or saves it.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// `body` as `media`, with `disposition` (`inline; filename="..."` or `attachment; ...`); a
/// disposition that is not a valid header value (a name the caller failed to clean) is left
/// out rather than failing the download.
pub(crate) fn file_response(
    body: impl IntoResponse,
    media: &'static str,
    disposition: &str,
) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    if let Ok(value) = HeaderValue::from_str(disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
