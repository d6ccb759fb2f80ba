//! The one way a page hands out a file it exports (a report's CSV, XLSX or PDF, the SOP
//! monitoring form, the register's sheets): [`deliver`] records the event `report.export` in
//! the audit trail (who, from where, which report, its period and filters, the format, the
//! file's name, size and SHA-256) and only then answers with the file. An export whose event
//! could not be stored is not delivered. It never decides who may export what (the page has
//! done so before it calls) and never builds a report.

use axum::response::Response;
use chrono::NaiveDate;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::Services;

/// The audit action of every export.
pub const EXPORT_ACTION: &str = "report.export";

/// The media type of an XLSX workbook.
pub(crate) const XLSX_MEDIA: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The longest filter value recorded, in characters.
const FILTER_MAX: usize = 200;

/// What was exported, as the audit event records it.
#[derive(Debug, Clone)]
pub(crate) struct Export {
    /// Which report or sheet: `mutu-baku`, `cakupan-pemeliharaan`, `data-pemeliharaan`,
    /// `skm`, `monitoring-sop`, `register` (the audit page words each).
    pub report: &'static str,
    /// The period the figures cover, when the export has one.
    pub period: Option<ExportPeriod>,
    /// What narrowed it (`sop`, `opd`, `kelompok`, `aplikasi`, `tahun`, `formulir`, ...), in
    /// the order given; empty values are left out.
    pub filters: Vec<(&'static str, String)>,
}

/// A period by its code (`bulan-2026-11`, `tanggal`, ...) and its first and last day.
#[derive(Debug, Clone)]
pub(crate) struct ExportPeriod {
    pub code: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Export {
    pub(crate) fn new(report: &'static str) -> Export {
        Export {
            report,
            period: None,
            filters: Vec::new(),
        }
    }

    pub(crate) fn period(mut self, code: String, first: NaiveDate, last: NaiveDate) -> Export {
        self.period = Some(ExportPeriod { code, first, last });
        self
    }

    /// Adds a filter unless its value is empty; a typed value (a search) is kept to its first
    /// [`FILTER_MAX`] characters.
    pub(crate) fn filter(mut self, name: &'static str, value: impl ToString) -> Export {
        let value: String = value.to_string().chars().take(FILTER_MAX).collect();
        if !value.trim().is_empty() {
            self.filters.push((name, value));
        }
        self
    }

    /// The event's detail (see the module's comment).
    fn detail(&self, file: &ExportFile) -> Value {
        let filters: Map<String, Value> = self
            .filters
            .iter()
            .map(|(name, value)| ((*name).to_owned(), Value::String(value.clone())))
            .collect();
        let period = self.period.as_ref().map(|period| {
            json!({
                "code": period.code,
                "first": period.first.format("%Y-%m-%d").to_string(),
                "last": period.last.format("%Y-%m-%d").to_string(),
            })
        });
        json!({
            "report": self.report,
            "format": file.format,
            "period": period,
            "filters": filters,
            "file": file.name,
            "bytes": file.bytes.len(),
            "sha256": hex::encode(Sha256::digest(&file.bytes)),
        })
    }
}

/// A file to hand out: its bytes, format and name.
pub(crate) struct ExportFile {
    bytes: Vec<u8>,
    /// `csv`, `xlsx` or `pdf`.
    format: &'static str,
    media: &'static str,
    name: String,
    /// Shown in the browser (an issued PDF) rather than saved.
    inline: bool,
}

impl ExportFile {
    /// `{stem}.csv` (UTF-8).
    pub(crate) fn csv(bytes: Vec<u8>, stem: &str) -> ExportFile {
        ExportFile::of(bytes, "csv", "text/csv; charset=utf-8", stem)
    }

    /// `{stem}.xlsx`.
    pub(crate) fn xlsx(bytes: Vec<u8>, stem: &str) -> ExportFile {
        ExportFile::of(bytes, "xlsx", XLSX_MEDIA, stem)
    }

    /// `{stem}.pdf`.
    pub(crate) fn pdf(bytes: Vec<u8>, stem: &str) -> ExportFile {
        ExportFile::of(bytes, "pdf", "application/pdf", stem)
    }

    /// Opens in the browser instead of being saved.
    pub(crate) fn inline(mut self) -> ExportFile {
        self.inline = true;
        self
    }

    fn of(bytes: Vec<u8>, format: &'static str, media: &'static str, stem: &str) -> ExportFile {
        // The name goes into a header: no quote, backslash or control character.
        let stem: String = stem
            .chars()
            .map(|c| {
                if c == '"' || c == '\\' || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        ExportFile {
            bytes,
            format,
            media,
            name: format!("{stem}.{format}"),
            inline: false,
        }
    }
}

/// Records the export of `file` by `user` and answers with it; an error (nothing handed out)
/// when the event cannot be stored.
pub(crate) async fn deliver(
    services: &Services,
    user: &CurrentUser,
    export: Export,
    file: ExportFile,
) -> Result<Response, WebError> {
    services
        .store
        .record_event(
            &user.audit_source(),
            EXPORT_ACTION,
            export.detail(&file),
            services.clock.now(),
        )
        .await?;
    let disposition = if file.inline { "inline" } else { "attachment" };
    let disposition = format!("{disposition}; filename=\"{}\"", file.name);
    Ok(crate::download::file_response(
        file.bytes,
        file.media,
        &disposition,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_detail_names_report_period_filters_format_and_file() {
        let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let export = Export::new("mutu-baku")
            .period("bulan-2026-11".into(), first, last)
            .filter("sop", "sop-a")
            .filter("opd", "");
        let file = ExportFile::xlsx(b"abc".to_vec(), "mutu\"baku");
        let detail = export.detail(&file);
        assert_eq!(detail["report"], "mutu-baku");
        assert_eq!(detail["format"], "xlsx");
        assert_eq!(detail["file"], "mutu_baku.xlsx");
        assert_eq!(detail["period"]["first"], "2026-11-01");
        assert_eq!(detail["period"]["last"], "2026-11-30");
        assert_eq!(detail["filters"], json!({ "sop": "sop-a" }));
        assert_eq!(detail["bytes"], 3);
        assert_eq!(
            detail["sha256"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
