//! `GET /api/v1/lacak/{code}` in the API's description: the public tracking of a request by its
//! number, without a token (the page `pages::tracking` answers it; this module only describes
//! it, so the description holds every `/api/v1` route).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::auth::ClientAddress;
use crate::error::WebError;
use crate::shell::Shell;
use crate::state::AppState;

/// A request's progress by its tracking number: the SOP, the status and each step's state and
/// dates, nothing else (no names, notes or documents). Public; limited per client.
#[utoipa::path(
    get,
    path = "/api/v1/lacak/{code}",
    tag = "tracking",
    params(("code" = String, Path, description = "The tracking number printed on the receipt, e.g. PLH-ABCDE-FGHJK")),
    responses(
        (status = 200, description = "The request's steps, their state and dates", body = Object),
        (status = 404, description = "No request has this number (a malformed number answers the same)", content_type = "application/problem+json"),
        (status = 429, description = "Too many lookups from this client; see Retry-After", content_type = "application/problem+json"),
    )
)]
pub async fn track_request(
    state: State<AppState>,
    shell: Shell,
    client: ClientAddress,
    code: Path<String>,
) -> Result<Response, WebError> {
    crate::pages::tracking::api_lacak_get(state, shell, client, code).await
}
