//! `/admin/sop`: the SOPs the office runs. An admin uploads a definition file (checked as
//! `pelihara sop check` does: every error with its line:column in the user's language, and
//! nothing saved); a valid file is stored as a draft version and previewed (the official
//! table with its flowchart, page by page); publishing makes new cases start on it while
//! open cases keep theirs; retiring stops new cases. Each change goes through the store's
//! audited functions, then this server's catalog is refreshed (other nodes follow on their own).

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_i18n::format_datetime;
use pelihara_sop::SopDefinition;
use pelihara_store::{SopLoad, SopVersionState, StoreError, StoredSop};
use serde::Deserialize;

use super::{AdminTab, ConfirmPartial, FormData, confirm_page, confirmed, done, notice, tabs};
use crate::auth::AdminUser;
use crate::error::WebError;
use crate::forms::read_multipart;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

pub(crate) const PATH: &str = "/admin/sop";

/// The largest definition file read: the shipped SOPs are about 20 KiB.
const SOP_MAX_BYTES: usize = 512 * 1024;

#[derive(Template)]
#[template(path = "admin_sops_partial.html")]
struct SopsPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    rows: Vec<VersionRow>,
    /// Why the uploaded file was refused: each error on its own line, with line:column.
    problems: Vec<String>,
}

struct VersionRow {
    code: String,
    version: u32,
    title: String,
    state_code: &'static str,
    state: String,
    loaded: String,
    published: String,
    may_publish: bool,
    may_retire: bool,
}

#[derive(Template)]
#[template(path = "admin_sop_preview_partial.html")]
struct PreviewPartial {
    tr: Tr,
    notice: Option<String>,
    row: VersionRow,
    number: String,
    office: String,
    steps: usize,
    /// The addresses of the flowchart's pages (SVG images).
    pages: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct NoticeQuery {
    #[serde(default)]
    ok: Option<String>,
}

fn version_row(tr: Tr, services: &Services, stored: &StoredSop, title: String) -> VersionRow {
    let when =
        |instant| format_datetime(tr.lang(), services.calendar.snapshot().time_zone, instant);
    VersionRow {
        code: stored.code.clone(),
        version: stored.version,
        title,
        state_code: stored.state.code(),
        state: tr.t(&format!("sop-state-{}", stored.state.code())),
        loaded: when(stored.loaded_at),
        published: stored.published_at.map(when).unwrap_or_default(),
        may_publish: stored.state != SopVersionState::Current,
        may_retire: stored.state == SopVersionState::Current,
    }
}

async fn rows(tr: Tr, services: &Services) -> Result<Vec<VersionRow>, WebError> {
    let stored = services.store.sop_versions().await?;
    let mut rows = Vec::with_capacity(stored.len());
    for version in &stored {
        let title = services
            .catalog
            .version(&services.store, &version.code, version.version)
            .await?
            .map(|sop| sop.header.title.clone())
            .unwrap_or_default();
        rows.push(version_row(tr, services, version, title));
    }
    Ok(rows)
}

async fn render_list(
    shell: Shell,
    state: &AppState,
    status: StatusCode,
    problems: Vec<String>,
    notice_text: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let partial = SopsPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice_text,
        rows: rows(tr, state.services()).await?,
        problems,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("admin-title-sops"))?;
    Ok((status, response).into_response())
}

/// `GET /admin/sop`: the stored versions and the upload form.
pub(crate) async fn view_admin_sop_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let notice_text = notice(shell.tr, query.ok.as_deref());
    render_list(shell, &state, StatusCode::OK, Vec::new(), notice_text).await
}

/// `POST /admin/sop`: loads an uploaded definition as a draft and shows its preview, or shows
/// the list again with every error of the file; nothing is saved then.
pub(crate) async fn view_admin_sop_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let form = read_multipart(multipart, SOP_MAX_BYTES, "admin-sop-unreadable").await?;
    let refuse = |problems: Vec<String>| {
        render_list(
            shell.clone(),
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            problems,
            None,
        )
    };
    if form.oversized() {
        return refuse(vec![tr.t1(
            "admin-sop-too-large",
            "max",
            SOP_MAX_BYTES / 1024,
        )])
        .await;
    }
    let Some(upload) = form.file("file") else {
        return refuse(vec![tr.t("admin-sop-no-file")]).await;
    };
    let Ok(text) = std::str::from_utf8(&upload.bytes) else {
        return refuse(vec![tr.t("admin-sop-not-text")]).await;
    };
    // The name the errors are reported under: the browser's, without any folder.
    let name = upload
        .file_name
        .rsplit(['/', '\\'])
        .next()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or("sop.toml");
    let definition = match pelihara_sop::parse_definition(name, text) {
        Ok(definition) => definition,
        Err(errors) => {
            let problems = errors
                .iter()
                .map(|error| error.message(tr.lang()))
                .collect();
            return refuse(problems).await;
        }
    };
    let now = services.clock.now();
    match services
        .store
        .load_sop(&definition, text, &admin.0.audit_source(), now)
        .await
    {
        Ok(SopLoad::Stored | SopLoad::AlreadyStored) => {}
        Err(StoreError::Duplicate(_)) => {
            let problem = tr.t1(
                "admin-sop-version-taken",
                "version",
                definition.header.version,
            );
            return refuse(vec![problem]).await;
        }
        Err(error) => return Err(WebError::internal(error)),
    }
    services.catalog.refresh(&services.store).await?;
    Ok(done(
        &preview_path(&definition.header.code, definition.header.version),
        "sop-loaded",
    ))
}

fn preview_path(code: &str, version: u32) -> String {
    format!("{PATH}/{code}/{version}")
}

/// The stored version and its definition, or a 404.
async fn stored_version(
    services: &Services,
    code: &str,
    version: u32,
) -> Result<(StoredSop, std::sync::Arc<SopDefinition>), WebError> {
    let stored = services
        .store
        .sop_versions()
        .await?
        .into_iter()
        .find(|stored| stored.code == code && stored.version == version)
        .ok_or(WebError::NotFound)?;
    let definition = services
        .catalog
        .version(&services.store, code, version)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((stored, definition))
}

/// `GET /admin/sop/{code}/{version}`: one version's header, its flowchart table page by page,
/// and what may be done with it.
pub(crate) async fn view_admin_sop_version_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Path((code, version)): Path<(String, u32)>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let (stored, definition) = stored_version(services, &code, version).await?;
    let page_count = pelihara_sop_render::flowchart_svg(&definition, tr.lang()).len();
    let partial = PreviewPartial {
        tr,
        notice: notice(tr, query.ok.as_deref()),
        row: version_row(tr, services, &stored, definition.header.title.clone()),
        number: definition.header.number.clone(),
        office: definition.header.office.clone(),
        steps: definition.steps.len(),
        pages: (1..=page_count)
            .map(|page| format!("{}/bagan/{page}", preview_path(&code, version)))
            .collect(),
    };
    page_or_partial(shell, partial, |_, partial| {
        format!("{} v{}", partial.row.title, partial.row.version)
    })
}

/// `GET /admin/sop/{code}/{version}/bagan/{page}`: one page of the flowchart table as SVG.
pub(crate) async fn view_admin_sop_flowchart_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Path((code, version, page)): Path<(String, u32, usize)>,
) -> Result<Response, WebError> {
    let (_, definition) = stored_version(state.services(), &code, version).await?;
    let svg = pelihara_sop_render::flowchart_svg(&definition, shell.tr.lang())
        .into_iter()
        .nth(page.checked_sub(1).ok_or(WebError::NotFound)?)
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        svg,
    )
        .into_response())
}

/// `POST /admin/sop/{code}/{version}/terbitkan`: new cases start on this version.
pub(crate) async fn view_admin_sop_publish_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path((code, version)): Path<(String, u32)>,
) -> Result<Response, WebError> {
    let services = state.services();
    match services
        .store
        .publish_sop(
            &code,
            version,
            &admin.0.audit_source(),
            services.clock.now(),
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::UnknownSop(_)) => return Err(WebError::NotFound),
        Err(error) => return Err(WebError::internal(error)),
    }
    services.catalog.refresh(&services.store).await?;
    Ok(done(&preview_path(&code, version), "sop-published"))
}

/// `GET /admin/sop/{code}/hentikan`: what retiring the SOP in force does, and the button that
/// does it. An SOP with no version in force is a 404, like one that does not exist.
pub(crate) async fn view_admin_sop_retire_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let sop = state
        .services()
        .catalog
        .snapshot()
        .current(&code)
        .ok_or(WebError::NotFound)?;
    let arg = pelihara_i18n::arg;
    confirm_page(
        shell,
        ConfirmPartial {
            tr,
            tabs: tabs(tr, PATH),
            notice: None,
            title: tr.t("admin-confirm-sop-retire-title"),
            consequences: vec![
                pelihara_i18n::t_args(
                    tr.lang(),
                    "admin-confirm-sop-retire-what",
                    &[
                        ("title", arg(sop.header.title.clone())),
                        ("version", arg(sop.header.version.to_string())),
                    ],
                ),
                tr.t("admin-confirm-sop-retire-open"),
                tr.t("admin-confirm-sop-retire-again"),
            ],
            action: format!("{PATH}/{code}/hentikan"),
            fields: Vec::new(),
            confirm_label: tr.t("admin-sop-retire"),
            cancel_href: PATH,
        },
    )
}

/// `POST /admin/sop/{code}/hentikan`: no new cases of this SOP until a version is published.
/// Only once confirmed (the confirmation step adds `confirm=1`; without it the browser is sent
/// there).
pub(crate) async fn view_admin_sop_retire_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path(code): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    if !confirmed(&FormData(data)) {
        if services.catalog.snapshot().current(&code).is_none() {
            return Err(WebError::NotFound);
        }
        return Ok(Redirect::to(&format!("{PATH}/{code}/hentikan")).into_response());
    }
    if !services
        .store
        .retire_sop(&code, &admin.0.audit_source(), services.clock.now())
        .await?
    {
        return Err(WebError::NotFound);
    }
    services.catalog.refresh(&services.store).await?;
    Ok(done(PATH, "sop-retired"))
}
