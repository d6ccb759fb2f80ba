//! The security headers every response carries (HSTS on https), and the cross-site request
//! check. It must never
//! loosen the Content-Security-Policy for a page's convenience: no inline script or style, so
//! htmx takes its configuration from a meta tag and our behaviour lives in `pelihara.js`.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::WebError;
use crate::state::{AppState, normalized_origin};

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

/// `Strict-Transport-Security` for a public URL on https: browsers then never try plain http
/// for a year (sub-domains are the office's other sites, not ours: not included).
pub(crate) fn hsts_layer(behind_tls: bool) -> Option<SetResponseHeaderLayer<HeaderValue>> {
    behind_tls.then(|| {
        SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        )
    })
}

/// Whether a request may change something, by where it comes from. Reading methods always
/// may. A state-changing request with an `Origin` must come from exactly the public origin
/// (scheme, host and port: `https://host` is not `http://host`); without one, `Sec-Fetch-Site`
/// must say `same-origin`; with neither header, a request carrying a session cookie is refused
/// (every browser that sends cookies sends one of them), one without is not a browser's
/// and has no session to abuse.
pub(crate) fn same_origin(
    method: &Method,
    headers: &axum::http::HeaderMap,
    public_origin: &str,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let text = |name: HeaderName| {
        headers
            .get(name)
            .map(|value| value.to_str().unwrap_or("\u{0}").to_owned())
    };
    if let Some(origin) = text(header::ORIGIN) {
        return normalized_origin(&origin) == public_origin;
    }
    if let Some(site) = text(HeaderName::from_static("sec-fetch-site")) {
        return site == "same-origin";
    }
    let session_prefix = format!("{}=", crate::session_store::SESSION_COOKIE);
    !headers.get_all(header::COOKIE).iter().any(|value| {
        value
            .to_str()
            .unwrap_or_default()
            .split(';')
            .any(|cookie| cookie.trim().starts_with(&session_prefix))
    })
}

/// Refuses (403) a state-changing request from anywhere but the public origin (see
/// [`same_origin`]); the public origin is configured, so the check holds behind a reverse
/// proxy that rewrites `Host`.
pub(crate) async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if same_origin(request.method(), request.headers(), state.public_origin()) {
        next.run(request).await
    } else {
        WebError::Forbidden.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn only_the_exact_public_origin_may_change_things() {
        let ours = "https://pelihara.example.go.id";
        let post = Method::POST;
        assert!(same_origin(&post, &headers(&[("origin", ours)]), ours));
        assert!(same_origin(
            &post,
            &headers(&[("origin", "https://PELIHARA.example.go.id:443")]),
            ours
        ));
        // Another scheme, port or host is another origin.
        for other in [
            "http://pelihara.example.go.id",
            "https://pelihara.example.go.id:8443",
            "https://evil.example",
            "null",
        ] {
            assert!(
                !same_origin(&post, &headers(&[("origin", other)]), ours),
                "{other}"
            );
        }
        assert!(same_origin(
            &post,
            &headers(&[("sec-fetch-site", "same-origin")]),
            ours
        ));
        assert!(!same_origin(
            &post,
            &headers(&[("sec-fetch-site", "same-site")]),
            ours
        ));
        // Neither header: refused with our session cookie, allowed without one.
        let cookie = format!("lang=id; {}=abc", crate::session_store::SESSION_COOKIE);
        assert!(!same_origin(&post, &headers(&[("cookie", &cookie)]), ours));
        assert!(same_origin(&post, &headers(&[("cookie", "lang=id")]), ours));
        assert!(same_origin(
            &Method::GET,
            &headers(&[("origin", "https://evil.example")]),
            ours
        ));
    }
}
