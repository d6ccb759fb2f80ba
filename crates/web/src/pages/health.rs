//! `GET /healthz` for load balancers and monitoring. It must never need a login, and never say
//! more than whether this node can serve.

use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// `200 ok` while this node serves requests and its database answers; `503` otherwise, so a
/// load balancer stops sending users to a node that would only show them errors. The reason
/// goes to the log, never into the answer (the error layer turns the 503 into its generic page).
pub(crate) async fn view_healthz_get(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.services().store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    }
}
