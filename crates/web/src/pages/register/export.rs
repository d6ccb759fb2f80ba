//! `GET /aplikasi/ekspor`: the register as the list filters it, in CSV or XLSX.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use pelihara_register::sheet::{self, CsvOptions, ExportRow};
use serde::Deserialize;

use super::fields_of;
use super::list::{ListQuery, visible_rows};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ExportQuery {
    #[serde(default)]
    format: String,
    /// `koma` for a comma-separated file (the default is `;` for Indonesian Excel).
    #[serde(default)]
    sep: String,
    #[serde(flatten)]
    list: ListQuery,
}

pub(crate) async fn view_aplikasi_ekspor_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let rows = visible_rows(services, &user.actor, &query.list).await?;
    let export: Vec<ExportRow> = rows
        .into_iter()
        .map(|(row, due)| ExportRow {
            opd_code: row.opd_code.clone(),
            opd_name: row.opd_name.clone(),
            fields: fields_of(&row.app),
            last_maintained: row
                .last_maintained_at
                .map(|at| services.calendar.snapshot().local_date(at)),
            due: due.map(|d| d.due),
            due_state: due.map(|d| d.state),
        })
        .collect();
    let today = services
        .calendar
        .snapshot()
        .local_date(services.clock.now());
    let (bytes, media_type, extension) = match query.format.as_str() {
        "xlsx" => (
            sheet::export_xlsx(&export).map_err(WebError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "csv" => {
            let options = CsvOptions {
                delimiter: if query.sep == "koma" { b',' } else { b';' },
                bom: true,
            };
            (
                sheet::export_csv(&export, options).map_err(WebError::internal)?,
                "text/csv; charset=utf-8",
                "csv",
            )
        }
        _ => return Err(WebError::NotFound),
    };
    let disposition = format!(
        "attachment; filename=\"data-pemeliharaan-{}.{extension}\"",
        today.format("%Y-%m-%d")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
