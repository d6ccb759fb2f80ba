//! Who is signed in. `CurrentUser` is the extractor every private page takes: the person and
//! the delegations they hold, loaded fresh for each request so a disabled user or a revoked
//! delegation stops working at once. Sign-in, sessions and the failed-login limit are built
//! on this (see `view_masuk_*`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_domain::Actor;

use crate::state::AppState;

/// The signed-in person, as the case engine sees them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub actor: Actor,
}

/// Not signed in: pages send the browser to the sign-in page and back afterwards.
pub struct SignInRequired {
    next: String,
}

impl IntoResponse for SignInRequired {
    fn into_response(self) -> Response {
        let next: String = url_encode(&self.next);
        Redirect::to(&format!("/masuk?next={next}")).into_response()
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = SignInRequired;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Sessions are not wired yet: nobody is signed in.
        Err(SignInRequired {
            next: parts
                .uri
                .path_and_query()
                .map(|pq| pq.as_str().to_owned())
                .unwrap_or_else(|| "/".to_owned()),
        })
    }
}
