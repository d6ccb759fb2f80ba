//! The headers htmx and the server tell each other with: which requests htmx made, and how an
//! answer asks htmx to swap or to load another page. Names only: what to do with them is
//! decided by `shell` (partial or page), `auth` (where to sign in) and `error_page` (toasts).

use axum::http::request::Parts;

/// The request header htmx sets on every request it makes.
pub const HX_REQUEST: &str = "hx-request";
/// The request header htmx sets when a boosted link or form asks for a whole page.
pub const HX_BOOSTED: &str = "hx-boosted";
/// The response header that makes htmx load another page as a whole page.
pub const HX_REDIRECT: &str = "hx-redirect";
/// The response header that sends the swap somewhere else than the request's target.
pub const HX_RETARGET: &str = "hx-retarget";
/// The response header that says how to swap.
pub const HX_RESWAP: &str = "hx-reswap";

/// Whether the request header `name` says `true` (htmx's boolean headers).
pub fn header_is_true(parts: &Parts, name: &str) -> bool {
    parts
        .headers
        .get(name)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"true"))
}
