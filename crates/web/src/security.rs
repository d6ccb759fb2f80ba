//! The security headers every response carries, and the cross-site request check. It must never
//! loosen the Content-Security-Policy for a page's convenience: no inline script or style, so
//! htmx takes its configuration from a meta tag and our behaviour lives in `pelihara.js`.

use axum::http::{HeaderName, HeaderValue, header};
use tower_http::csrf::{ConfigError, CsrfLayer};
use tower_http::set_header::SetResponseHeaderLayer;

/// Only our own files; images may also be `data:` URLs (Bootstrap draws its icons that way);
/// nobody may frame a page (clickjacking), and forms post only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Pages hold personal data and case details: no browser or proxy may keep them. Static files
/// set their own (immutable) header, which this one does not override.
pub const NO_STORE: &str = "no-store";

/// Headers set on every response, replacing any a handler set.
pub(crate) fn security_header_layers() -> [SetResponseHeaderLayer<HeaderValue>; 4] {
    let overriding = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    [
        overriding(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        overriding(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // For browsers that do not know `frame-ancestors`.
        overriding(header::X_FRAME_OPTIONS, "DENY"),
        overriding(header::REFERRER_POLICY, "same-origin"),
    ]
}

/// `Cache-Control: no-store` unless the response already says how to cache (static files).
pub(crate) fn no_store_layer() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static(NO_STORE),
    )
}

/// Refuses cross-site state-changing requests (403) from `Sec-Fetch-Site` and `Origin`, as
/// tower-http implements it. The public origin is trusted explicitly so the check holds behind
/// a reverse proxy that rewrites `Host`.
pub(crate) fn csrf_layer(public_origin: &str) -> Result<CsrfLayer, ConfigError> {
    CsrfLayer::new().add_trusted_origin(public_origin)
}
