//! `GET/POST /aplikasi/impor`: importing a register sheet; one bad row changes nothing.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_register::sheet::{self, ImportError};
use pelihara_store::StoreError;

use super::editor_only;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::forms::read_multipart;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

/// The largest import file read (a register of a few thousand apps is far smaller).
const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;

struct ImportErrorView {
    row: usize,
    column: String,
    message: String,
}

#[derive(Template)]
#[template(path = "register_import_partial.html")]
struct ImportPartial {
    tr: Tr,
    headers: Vec<&'static str>,
    errors: Vec<ImportErrorView>,
    problem: String,
}

fn render_import(
    shell: Shell,
    errors: Vec<ImportError>,
    problem: Option<&str>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let failed = !errors.is_empty() || problem.is_some();
    let partial = ImportPartial {
        tr,
        headers: sheet::headers(),
        errors: errors
            .into_iter()
            .map(|error| ImportErrorView {
                row: error.row,
                column: error.column.unwrap_or_default(),
                message: match error.limit {
                    Some(max) => tr.t1(error.key, "max", max),
                    None => tr.t(error.key),
                },
            })
            .collect(),
        problem: problem.map(|key| tr.t(key)).unwrap_or_default(),
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("register-title-import"))?;
    let status = if failed {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, response).into_response())
}

pub(crate) async fn view_aplikasi_impor_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    editor_only(state.services(), &user)?;
    render_import(shell, Vec::new(), None)
}

pub(crate) async fn view_aplikasi_impor_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let services = state.services();
    editor_only(services, &user)?;
    let form = read_multipart(multipart, IMPORT_MAX_BYTES, "register-import-unreadable").await?;
    // A file over the limit is left out of the form: ask about it first.
    if form.oversized() {
        return render_import(shell, Vec::new(), Some("register-import-too-large"));
    }
    let Some(upload) = form.file("file") else {
        return render_import(shell, Vec::new(), Some("register-import-no-file"));
    };
    let name = upload.file_name.to_lowercase();
    let bytes = &upload.bytes;
    // Deactivated OPDs are listed too, so a row naming one says why it is refused.
    let opds: HashMap<String, sheet::SheetOpd> = services
        .store
        .list_opds()
        .await?
        .into_iter()
        .map(|opd| {
            let found = sheet::SheetOpd {
                id: opd.id,
                active: opd.active,
            };
            (opd.code.to_uppercase(), found)
        })
        .collect();
    // XLSX files are zip archives: "PK" first, whatever the name says. Parsing is CPU work
    // bounded by the sheet limits, done off the async threads.
    let is_xlsx = bytes.starts_with(b"PK") || name.ends_with(".xlsx");
    let bytes = bytes.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        if is_xlsx {
            sheet::import_xlsx(&bytes, &opds)
        } else {
            sheet::import_csv(&bytes, &opds)
        }
    })
    .await
    .map_err(WebError::internal)?;
    let rows = match parsed {
        Ok(rows) => rows,
        Err(errors) => return render_import(shell, errors, None),
    };
    match services
        .store
        .import_apps(&rows, &user.audit_source(), services.clock.now())
        .await
    {
        Ok(_) => {}
        // An OPD was deactivated between reading the sheet and writing it: nothing was
        // imported; uploading again names the rows.
        Err(StoreError::Refused(pelihara_domain::Refusal::Invalid {
            field: "opd_id", ..
        })) => {
            return render_import(shell, Vec::new(), Some("register-import-opd-changed"));
        }
        Err(error) => return Err(error.into()),
    }
    Ok(Redirect::to(&format!("/aplikasi?impor={}", rows.len())).into_response())
}
