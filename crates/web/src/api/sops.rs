//! `/api/v1/sops`: the SOP versions the office keeps (a draft only for an admin, as on the
//! admin page), one version as JSON (the parsed definition cases follow) and its official
//! flowchart as SVG. It must never change an SOP: loading and publishing stay on the admin
//! page and the command line.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use pelihara_domain::Role;
use pelihara_store::{SopVersionState, StoredSop, TokenScope};
use serde::Serialize;
use utoipa::ToSchema;

use super::caller::ApiCaller;
use super::cases::ApiResult;
use super::problem::Problem;
use crate::error::WebError;
use crate::state::AppState;

/// One stored version of an SOP.
#[derive(Debug, Serialize, ToSchema)]
pub struct SopVersionJson {
    pub code: String,
    pub version: u32,
    /// `current` (new cases start on it), `superseded`, `retired`, or `draft` (admins only).
    pub state: String,
    pub title: String,
    pub number: String,
    pub sha256: String,
    pub loaded_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub retired_at: Option<DateTime<Utc>>,
    /// The version as JSON.
    pub href: String,
    /// Its flowchart, page 1 (SVG).
    pub flowchart: String,
}

/// Whether `caller` may see `stored`: a published version is everyone's; a draft is the
/// admin's alone.
fn may_see(caller: &ApiCaller, stored: &StoredSop) -> bool {
    stored.state != SopVersionState::Draft || caller.user.role() == Role::Admin
}

/// The stored version and its definition, if the caller may see it: else a 404.
async fn visible_version(
    state: &AppState,
    caller: &ApiCaller,
    code: &str,
    version: u32,
) -> Result<(StoredSop, std::sync::Arc<pelihara_sop::SopDefinition>), WebError> {
    let services = state.services();
    let stored = services
        .store
        .sop_versions()
        .await?
        .into_iter()
        .find(|stored| stored.code == code && stored.version == version)
        .filter(|stored| may_see(caller, stored))
        .ok_or(WebError::NotFound)?;
    let definition = services
        .catalog
        .version(&services.store, code, version)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((stored, definition))
}

/// `GET /api/v1/sops`: the SOP versions, by code and version.
#[utoipa::path(
    get,
    path = "/api/v1/sops",
    tag = "sops",
    responses(
        (status = 200, description = "The versions", body = Vec<SopVersionJson>),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn list_sops(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<Vec<SopVersionJson>>> {
    caller.require(TokenScope::Read)?;
    let services = state.services();
    let catalog = services.catalog.snapshot();
    let versions = services
        .store
        .sop_versions()
        .await?
        .into_iter()
        .filter(|stored| may_see(&caller, stored))
        .map(|stored| {
            let definition = catalog.get(&stored.code, stored.version);
            let base = format!("/api/v1/sops/{}/{}", stored.code, stored.version);
            SopVersionJson {
                title: definition
                    .as_ref()
                    .map(|sop| sop.header.title.clone())
                    .unwrap_or_default(),
                number: definition
                    .as_ref()
                    .map(|sop| sop.header.number.clone())
                    .unwrap_or_default(),
                state: stored.state.code().to_owned(),
                flowchart: format!("{base}/flowchart.svg"),
                href: base,
                code: stored.code,
                version: stored.version,
                sha256: stored.sha256,
                loaded_at: stored.loaded_at,
                published_at: stored.published_at,
                retired_at: stored.retired_at,
            }
        })
        .collect();
    Ok(Json(versions))
}

/// `GET /api/v1/sops/{code}/{version}`: the version as its parsed definition (header, actors,
/// steps with their Mutu Baku, intake, settings).
#[utoipa::path(
    get,
    path = "/api/v1/sops/{code}/{version}",
    tag = "sops",
    params(
        ("code" = String, Path, description = "The SOP's code"),
        ("version" = u32, Path, description = "The version"),
    ),
    responses(
        (status = 200, description = "The definition", body = Object),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version (or a draft, for anyone but an admin)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn get_sop(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((code, version)): Path<(String, String)>,
) -> ApiResult {
    caller.require(TokenScope::Read)?;
    let version = version.parse::<u32>().map_err(|_| WebError::NotFound)?;
    let (_, definition) = visible_version(&state, &caller, &code, version).await?;
    Ok(Json(serde_json::to_value(&*definition).map_err(WebError::internal)?).into_response())
}

/// `GET /api/v1/sops/{code}/{version}/flowchart.svg`: the official flowchart, page 1 (the
/// first swimlane page), in the language asked for.
#[utoipa::path(
    get,
    path = "/api/v1/sops/{code}/{version}/flowchart.svg",
    tag = "sops",
    params(
        ("code" = String, Path, description = "The SOP's code"),
        ("version" = u32, Path, description = "The version"),
    ),
    responses(
        (status = 200, description = "The flowchart", content_type = "image/svg+xml", body = String),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `read` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["read"]))
)]
pub async fn get_sop_flowchart(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((code, version)): Path<(String, String)>,
) -> ApiResult {
    caller.require(TokenScope::Read)?;
    let version = version.parse::<u32>().map_err(|_| WebError::NotFound)?;
    let (_, definition) = visible_version(&state, &caller, &code, version).await?;
    let svg = pelihara_sop_render::flowchart_svg(&definition, caller.lang)
        .into_iter()
        .next()
        .ok_or(WebError::NotFound)?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}
