//! The web front of Pelihara: the axum router, the askama page shell, embedded assets and the
//! security layers every response passes through. It must never hold SQL or case rules: pages
//! call the store and the case engine, and only render.
//!
//! Entry point: [`router`]. The crate has two floors, and the lower never imports the upper.
//! The shell, below: `state` (config and shared state), `document_queue` (the background
//! issuing of documents the state holds), `assets` (hashed static files), `lang` (language
//! choice and `Tr`), `security` (headers and the cross-site check), `client_address` (the client's address, through
//! trusted reverse proxies), `session_store` (sessions
//! in the database), `auth` (who is signed in: `CurrentUser`, `AdminUser`, passwords, the
//! failed-login limit, the sign-in waiting for its second step), `totp` (TOTP codes and
//! recovery codes), `sso` (the OpenID Connect provider: discovery, PKCE, token checks), `people` (position and role names, the user menu), `bell` (the
//! notification bell of the top bar), `htmx` (its headers), `shell` (what every template gets:
//! `Shell`), `error` (`WebError`), `error_page` (the layer that renders errors), `exports` (every
//! exported file recorded in the audit trail before it is handed out) and `forms` (field errors). The pages, above: `pages` (one module per page or route family), and beside
//! them the JSON API, `api` (`/api/v1`, tokens, problems, the OpenAPI description).

pub mod api;
pub mod assets;
pub mod auth;
pub(crate) mod bell;
pub mod client_address;
pub(crate) mod document_queue;
pub(crate) mod download;
pub mod error;
pub(crate) mod error_page;
pub mod exports;
pub mod forms;
pub(crate) mod htmx;
pub(crate) mod input_guard;
pub mod lang;
pub(crate) mod page;
pub mod pages;
pub mod people;
pub mod security;
pub mod session_store;
pub mod shell;
pub mod sso;
pub mod state;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod totp;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::middleware;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use auth::CurrentUser;
pub use error::{UserMessage, WebError};
pub use lang::Tr;
/// The letterhead setting documents print (the demo seeds it; `/admin/kop` edits it).
pub use pages::documents::{LETTERHEAD_SETTING, LetterheadSetting};
pub use pages::reports::monitoring::{monitoring_proposal, sign_and_issue};
pub use people::UserMenu;
pub use shell::{NavLink, Shell};
pub use state::{AppState, Clock, Services, SetupError, WebConfig};

/// The whole web front: every route with every layer, ready for `axum::serve`.
pub fn router(state: AppState) -> Router {
    with_layers(routes(), state)
}

/// The routes, without layers. New pages add their routes here.
fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::landing::view_landing_get))
        .route(
            "/bahasa",
            get(lang::view_bahasa_get).post(lang::view_bahasa_post),
        )
        .route("/static/{*path}", get(assets::view_static_get))
        .route("/healthz", get(pages::health::view_healthz_get))
        .route(
            "/masuk",
            get(pages::sign_in::view_sign_in_get).post(pages::sign_in::view_sign_in_post),
        )
        .route(
            "/masuk/kode",
            get(pages::two_factor::view_masuk_kode_get)
                .post(pages::two_factor::view_masuk_kode_post),
        )
        .route(
            "/masuk/atur-kode",
            get(pages::two_factor::view_masuk_atur_kode_get)
                .post(pages::two_factor::view_masuk_atur_kode_post),
        )
        .route("/masuk/sso", get(pages::sso::view_masuk_sso_get))
        // `sso::CALLBACK_PATH`, spelled out for the route matrix that reads this file.
        .route(
            "/masuk/sso/kembali",
            get(pages::sso::view_masuk_sso_kembali_get),
        )
        .route("/keluar", post(pages::sign_in::view_sign_out_post))
        .route(
            "/lupa-sandi",
            get(pages::recovery::view_lupa_sandi_get).post(pages::recovery::view_lupa_sandi_post),
        )
        .route(
            "/lupa-sandi/atur",
            get(pages::recovery::view_lupa_sandi_atur_get)
                .post(pages::recovery::view_lupa_sandi_atur_post),
        )
        .route(
            "/undangan",
            get(pages::recovery::view_undangan_get).post(pages::recovery::view_undangan_post),
        )
        .route(
            "/pasang",
            get(pages::setup::view_pasang_get).post(pages::setup::view_pasang_post),
        )
        .route(
            "/admin/impor",
            get(pages::admin::people::view_admin_impor_get)
                .post(pages::admin::people::view_admin_impor_post),
        )
        .route(
            "/admin/ekspor/{file}",
            get(pages::admin::people::view_admin_ekspor_get),
        )
        .route(
            "/admin/pengguna",
            get(pages::admin::users::view_admin_users_get)
                .post(pages::admin::users::view_admin_users_post),
        )
        .route(
            "/admin/pengguna/{id}/aktif",
            post(pages::admin::users::view_admin_user_active_post),
        )
        .route(
            "/admin/pengguna/{id}/penilai",
            post(pages::admin::users::view_admin_user_assessor_post),
        )
        .route(
            "/admin/pengguna/{id}",
            get(pages::admin::users::view_admin_user_get)
                .post(pages::admin::users::view_admin_user_post),
        )
        .route(
            "/admin/pengguna/{id}/sandi",
            post(pages::admin::users::view_admin_user_password_post),
        )
        .route(
            "/admin/pengguna/{id}/undangan",
            post(pages::admin::users::view_admin_user_undangan_post),
        )
        .route(
            "/admin/pengguna/{id}/sso-lepas",
            post(pages::admin::users::view_admin_user_sso_lepas_post),
        )
        .route(
            "/admin/pengguna/{id}/dua-langkah",
            get(pages::admin::users::view_admin_user_dua_langkah_get)
                .post(pages::admin::users::view_admin_user_dua_langkah_post),
        )
        .route(
            "/admin/pengguna/{id}/nonaktifkan",
            get(pages::admin::users::view_admin_user_disable_get),
        )
        .route(
            "/admin/delegasi",
            get(pages::admin::delegations::view_admin_delegations_get)
                .post(pages::admin::delegations::view_admin_delegations_post),
        )
        .route(
            "/admin/delegasi/pejabat",
            get(pages::admin::delegations::view_admin_delegation_official_get),
        )
        .route(
            "/admin/delegasi/{id}/cabut",
            get(pages::admin::delegations::view_admin_delegation_revoke_get)
                .post(pages::admin::delegations::view_admin_delegation_revoke_post),
        )
        .route(
            "/admin/opd",
            get(pages::admin::opds::view_admin_opds_get)
                .post(pages::admin::opds::view_admin_opds_post),
        )
        .route(
            "/admin/opd/{id}/aktif",
            post(pages::admin::opds::view_admin_opd_active_post),
        )
        .route(
            "/admin/opd/{id}/nonaktifkan",
            get(pages::admin::opds::view_admin_opd_disable_get),
        )
        .route(
            "/admin/libur",
            get(pages::admin::holidays::view_admin_holidays_get)
                .post(pages::admin::holidays::view_admin_holidays_post),
        )
        .route(
            "/admin/libur/hapus",
            post(pages::admin::holidays::view_admin_holiday_remove_post),
        )
        .route(
            "/admin/kop",
            get(pages::admin::letterhead::view_admin_letterhead_get)
                .post(pages::admin::letterhead::view_admin_letterhead_post),
        )
        .route(
            "/admin/sop",
            get(pages::admin::sops::view_admin_sop_get)
                .post(pages::admin::sops::view_admin_sop_post),
        )
        .route(
            "/admin/akun-layanan",
            get(pages::admin::service_accounts::view_admin_akun_layanan_get)
                .post(pages::admin::service_accounts::view_admin_akun_layanan_post),
        )
        .route(
            "/admin/akun-layanan/{id}",
            get(pages::admin::service_accounts::view_admin_akun_layanan_one_get),
        )
        .route(
            "/admin/akun-layanan/{id}/token",
            post(pages::admin::service_accounts::view_admin_akun_layanan_token_post),
        )
        .route(
            "/admin/akun-layanan/{id}/token/{token}/cabut",
            post(pages::admin::service_accounts::view_admin_akun_layanan_revoke_post),
        )
        .route(
            "/admin/sop/{code}/{version}",
            get(pages::admin::sops::view_admin_sop_version_get),
        )
        .route(
            "/admin/sop/{code}/{version}/bagan/{page}",
            get(pages::admin::sops::view_admin_sop_flowchart_get),
        )
        .route(
            "/admin/sop/{code}/{version}/terbitkan",
            post(pages::admin::sops::view_admin_sop_publish_post),
        )
        .route(
            "/admin/sop/{code}/hentikan",
            get(pages::admin::sops::view_admin_sop_retire_get)
                .post(pages::admin::sops::view_admin_sop_retire_post),
        )
        .route(
            "/admin/notifikasi",
            get(pages::notifications::view_admin_notifikasi_get),
        )
        .route(
            "/notifikasi",
            get(pages::notifications::view_notifikasi_get),
        )
        .route(
            bell::BELL_PATH,
            get(pages::notifications::view_notifikasi_lonceng_get),
        )
        .route(
            "/notifikasi/baca-semua",
            post(pages::notifications::view_notifikasi_baca_semua_post),
        )
        .route(
            "/notifikasi/{id}/baca",
            post(pages::notifications::view_notifikasi_baca_post),
        )
        .route(
            "/notifikasi/{id}/buka",
            get(pages::notifications::view_notifikasi_buka_get),
        )
        .route(
            "/akun/notifikasi",
            get(pages::notifications::view_akun_notifikasi_get)
                .post(pages::notifications::view_akun_notifikasi_post),
        )
        .route(
            "/akun/sandi",
            get(pages::account::view_akun_sandi_get).post(pages::account::view_akun_sandi_post),
        )
        .route(
            "/akun/dua-langkah",
            get(pages::account_totp::view_akun_dua_langkah_get),
        )
        .route(
            "/akun/dua-langkah/aktifkan",
            post(pages::account_totp::view_akun_dua_langkah_aktifkan_post),
        )
        .route(
            "/akun/dua-langkah/kode-pemulihan",
            post(pages::account_totp::view_akun_dua_langkah_kode_pemulihan_post),
        )
        .route(
            "/akun/dua-langkah/nonaktifkan",
            post(pages::account_totp::view_akun_dua_langkah_nonaktifkan_post),
        )
        .route(
            "/admin/keamanan",
            get(pages::admin::security::view_admin_keamanan_get)
                .post(pages::admin::security::view_admin_keamanan_post),
        )
        .route(
            "/admin/keamanan/sso",
            post(pages::admin::security::view_admin_keamanan_sso_post),
        )
        .route(
            "/akun/token",
            get(pages::account_tokens::view_akun_token_get)
                .post(pages::account_tokens::view_akun_token_post),
        )
        .route(
            "/akun/token/{id}/cabut",
            post(pages::account_tokens::view_akun_token_revoke_post),
        )
        .route("/tugas", get(pages::cases::inbox::view_inbox_get))
        .route("/dasbor", get(pages::cases::dashboard::view_dashboard_get))
        .route(
            "/laporan/mutu-baku",
            get(pages::reports::compliance::view_laporan_mutu_baku_get),
        )
        .route(
            "/laporan/mutu-baku/tugas",
            get(pages::reports::drill::view_laporan_mutu_baku_tugas_get),
        )
        .route(
            "/laporan/mutu-baku/permohonan",
            get(pages::reports::drill::view_laporan_mutu_baku_permohonan_get),
        )
        .route(
            "/laporan/pemeliharaan",
            get(pages::reports::coverage::view_laporan_pemeliharaan_get),
        )
        .route(
            "/laporan/monitoring-sop",
            get(pages::reports::monitoring::view_laporan_monitoring_sop_get)
                .post(pages::reports::monitoring::view_laporan_monitoring_sop_post),
        )
        .route(
            "/laporan/monitoring-sop/paraf",
            post(pages::reports::monitoring::view_laporan_monitoring_sop_paraf_post),
        )
        .route(
            "/laporan/monitoring-sop/ambang",
            post(pages::reports::monitoring::view_laporan_monitoring_sop_ambang_post),
        )
        .route(
            "/laporan/monitoring-sop/{id}/ekspor/{format}",
            get(pages::reports::monitoring::view_laporan_monitoring_sop_ekspor_get),
        )
        .route("/permohonan", get(pages::cases::list::view_case_list_get))
        .route(
            "/permohonan/baru",
            get(pages::cases::new_request::view_new_request_get)
                .post(pages::cases::new_request::view_new_request_post),
        )
        .route(
            "/permohonan/{id}",
            get(pages::cases::case_page::view_case_get),
        )
        .route(
            "/permohonan/{id}/surat",
            get(pages::cases::case_page::view_case_letter_get),
        )
        .route(
            "/permohonan/{id}/aksi",
            post(pages::cases::action::view_case_action_post),
        )
        .route(
            "/permohonan/{id}/dokumen/{kind}",
            get(pages::documents::view_permohonan_dokumen_get),
        )
        .route(
            "/verifikasi/{id}",
            get(pages::verify::view_verifikasi_get).post(pages::verify::view_verifikasi_post),
        )
        .route("/lacak", get(pages::tracking::view_lacak_get))
        .route("/lacak/{code}", get(pages::tracking::view_lacak_code_get))
        .route("/aplikasi", get(pages::register::list::view_aplikasi_get))
        .route(
            "/aplikasi/ekspor",
            get(pages::register::export::view_aplikasi_ekspor_get),
        )
        .route(
            "/aplikasi/impor",
            get(pages::register::import::view_aplikasi_impor_get)
                .post(pages::register::import::view_aplikasi_impor_post),
        )
        .route(
            "/aplikasi/baru",
            get(pages::register::form::view_aplikasi_baru_get)
                .post(pages::register::form::view_aplikasi_baru_post),
        )
        .route(
            "/aplikasi/{id}",
            get(pages::register::app_page::view_aplikasi_detail_get),
        )
        .route(
            "/aplikasi/{id}/ubah",
            get(pages::register::form::view_aplikasi_ubah_get)
                .post(pages::register::form::view_aplikasi_ubah_post),
        )
        .route(
            "/aplikasi/{id}/cek",
            post(pages::register::app_page::view_aplikasi_cek_post),
        )
        .route(
            "/aplikasi/{id}/pemeliharaan/{tahun}",
            get(pages::register::record::view_aplikasi_pemeliharaan_get),
        )
        .route(
            "/aplikasi/{id}/draf",
            post(pages::register::maintenance::view_aplikasi_draf_post),
        )
        .route(
            "/aplikasi/{id}/konfirmasi",
            post(pages::register::maintenance::view_aplikasi_konfirmasi_post),
        )
        .route(
            "/permohonan/draf/{id}/buang",
            post(pages::register::maintenance::view_permohonan_draf_buang_post),
        )
        .route(
            "/admin/jejak-audit",
            get(pages::admin::audit::view_admin_jejak_audit_get),
        )
        .route(
            "/admin/pemeliharaan",
            get(pages::admin::register_settings::view_admin_pemeliharaan_get)
                .post(pages::admin::register_settings::view_admin_pemeliharaan_post),
        )
        .route(
            "/admin/pemeliharaan/jaringan",
            post(pages::admin::register_settings::view_admin_pemeliharaan_jaringan_post),
        )
        .merge(api::routes())
        .merge(pages::skm::routes())
        .fallback(pages::view_not_found)
}

/// Counts the request as in flight while it is served (see `DocumentQueue`).
async fn count_in_flight(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let _in_flight = state.request_started();
    next.run(request).await
}

/// Wraps routes in the layers, innermost first (the last `.layer` sees the request first).
/// Separate from [`routes`] so tests can add a failing route under the very same layers.
fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let upload_limit = state.config().upload_limit_bytes;
    let [csp, nosniff, frame_options, referrer_policy] = security::security_header_layers();
    routes
        // A panicking handler becomes a 500 that `render_errors` turns into the generic page.
        .layer(CatchPanicLayer::new())
        // Extractors (Form, Multipart) default to 2 MB; the limit layer refuses larger bodies
        // before they are read, by Content-Length or while streaming.
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(RequestBodyLimitLayer::new(upload_limit))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::refuse_cross_site,
        ))
        // Inside the error renderer, so its 400 is shown as a page; it reads url-encoded
        // bodies within the upload limit itself.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            input_guard::refuse_control_characters,
        ))
        // Inside the error renderer and outside the guards and limits: every error of an
        // `/api` path becomes a problem (JSON), which the renderer leaves alone.
        .layer(middleware::from_fn(api::problem::problems_for_api))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error_page::render_errors,
        ))
        // Outside the error renderer, so that error pages can show who is signed in.
        .layer(session_store::session_layer(
            state.services().store.clone(),
            state.config(),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            lang::remember_query_lang,
        ))
        .layer(CompressionLayer::new().gzip(true))
        // Before anything that counts or records by address (sign-in, audit, error pages).
        .layer(middleware::from_fn_with_state(
            state.config().trusted_proxies.clone(),
            client_address::remember_client_address,
        ))
        // Outside everything that does work: the document worker yields while this counts.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_in_flight,
        ))
        .layer(security::no_store_layer())
        .layer(tower::util::option_layer(security::hsts_layer(
            state.config().behind_tls(),
        )))
        .layer(referrer_policy)
        .layer(frame_options)
        .layer(nosniff)
        .layer(csp)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let request_id = request
                    .headers()
                    .get(shell::REQUEST_ID)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or("-");
                // The path only: query strings may carry tokens one day.
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    request_id,
                )
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

#[cfg(test)]
mod tests;
