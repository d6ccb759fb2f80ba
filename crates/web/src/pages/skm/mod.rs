//! The Survei Kepuasan Masyarakat (PermenPAN-RB 14/2017): the survey the OPD answers after
//! accepting a case's result (`survey`), and the report of a period with its exports
//! (`report`). Its routes are added to the router in one piece ([`routes`]).

pub(crate) mod report;
pub(crate) mod survey;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

/// Every SKM route.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/survei", get(survey::view_survei_get))
        .route(
            "/survei/undangan/{id}",
            get(survey::view_survei_undangan_get).post(survey::view_survei_undangan_post),
        )
        .route(
            "/survei/{token}",
            get(survey::view_survei_token_get).post(survey::view_survei_token_post),
        )
        .route("/laporan/skm", get(report::view_laporan_skm_get))
        .route(
            "/laporan/skm/ekspor/{format}",
            get(report::view_laporan_skm_ekspor_get),
        )
}
