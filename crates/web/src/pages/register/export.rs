//! `GET /aplikasi/ekspor`: the register as the list filters it, in CSV or XLSX, recorded in
//! the audit trail with those filters (`crate::exports`).

use axum::extract::{Query, State};
use axum::response::Response;
use pelihara_register::sheet::{self, CsvOptions, ExportRow};
use serde::Deserialize;

use super::fields_of;
use super::list::{ListQuery, visible_rows};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::exports::{Export, ExportFile, deliver};
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
    let stem = format!("data-pemeliharaan-{}", today.format("%Y-%m-%d"));
    let file = match query.format.as_str() {
        "xlsx" => ExportFile::xlsx(
            sheet::export_xlsx(&export).map_err(WebError::internal)?,
            &stem,
        ),
        "csv" => {
            let options = CsvOptions {
                delimiter: if query.sep == "koma" { b',' } else { b';' },
                bom: true,
            };
            ExportFile::csv(
                sheet::export_csv(&export, options).map_err(WebError::internal)?,
                &stem,
            )
        }
        _ => return Err(WebError::NotFound),
    };
    let list = &query.list;
    let recorded = Export::new("register")
        .filter("opd", &list.opd)
        .filter("status", &list.status)
        .filter("due", &list.due)
        .filter("health", &list.health)
        .filter("q", &list.q);
    deliver(services, &user, recorded, file).await
}
