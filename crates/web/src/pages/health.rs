//! `GET /healthz` for load balancers and monitoring. It must never need a login, and never say
//! more than whether this node can serve.

/// Answers `ok` while the process serves requests. Once the store lands, it also checks that the
/// database answers, and says 503 when it does not.
pub(crate) async fn view_healthz_get() -> &'static str {
    "ok"
}
