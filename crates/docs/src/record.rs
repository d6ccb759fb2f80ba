//! "Data Pemeliharaan Aplikasi/Website" as a printable PDF: one app's maintenance record for
//! one year, laid out by typst in landscape, with the letterhead. It is a record printed on
//! demand, not an issued document (no number, no QR code). Pure like the rest of the crate:
//! the caller words every value (dates, times, verdicts) and this module only lays them out;
//! never builds typst markup from user text.

use std::sync::OnceLock;

use typst::foundations::{Array, Dict, IntoValue, Smart, Value};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::model::Setting;
use crate::render::{DocsError, LIBERATION_SANS};

/// One step of one case, worded: step, activity, performer, time, standard, verdict.
pub type RecordStepRow = [String; 6];

/// One maintenance case of the year, worded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordCaseDoc {
    pub subject: String,
    /// Tracking code, agenda number, dates, status on one line.
    pub line: String,
    /// Label and value: verdict, result, hosting.
    pub facts: Vec<(String, String)>,
    pub steps: Vec<RecordStepRow>,
}

/// The whole record, worded in the reader's language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaintenanceRecordDoc {
    /// "Data Pemeliharaan Aplikasi/Website 2026".
    pub title: String,
    /// Label and value: the app, its OPD, its address.
    pub facts: Vec<(String, String)>,
    /// The six column headers of the step table.
    pub headers: [String; 6],
    pub cases: Vec<RecordCaseDoc>,
    /// What the page says when the year has no case.
    pub empty: String,
    /// "Dicetak 27 November 2026 09.15 WIB oleh ...".
    pub printed: String,
    /// The footer's word before the page number ("Halaman").
    pub footer: String,
}

fn engine() -> &'static TypstEngine {
    static ENGINE: OnceLock<TypstEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .with_static_source_file_resolver([(
                "data-pemeliharaan.typ",
                include_str!("../templates/data_pemeliharaan.typ"),
            )])
            .fonts(LIBERATION_SANS.into_iter().chain(typst_assets::fonts()))
            .comemo_evict_max_age(Some(0))
            .build()
    })
}

fn text(value: &str) -> Value {
    value.into_value()
}

fn pairs(facts: &[(String, String)]) -> Value {
    Value::Array(
        facts
            .iter()
            .map(|(label, value)| Value::Array(Array::from_iter([text(label), text(value)])))
            .collect(),
    )
}

fn dict(entries: Vec<(&str, Value)>) -> Value {
    let mut dict = Dict::new();
    for (key, value) in entries {
        dict.insert(key.into(), value);
    }
    Value::Dict(dict)
}

/// Renders the record as PDF bytes on `setting`'s paper (landscape) with its letterhead.
pub fn render_maintenance_record(
    record: &MaintenanceRecordDoc,
    setting: &Setting,
) -> Result<Vec<u8>, DocsError> {
    let (width, height) = setting.paper.size_mm();
    let letterhead = &setting.letterhead;
    let cases = record
        .cases
        .iter()
        .map(|case| {
            dict(vec![
                ("subject", text(&case.subject)),
                ("line", text(&case.line)),
                ("facts", pairs(&case.facts)),
                (
                    "steps",
                    Value::Array(
                        case.steps
                            .iter()
                            .map(|row| Value::Array(row.iter().map(|cell| text(cell)).collect()))
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    let mut inputs = Dict::new();
    for (key, value) in [
        ("lang", text(setting.lang.code())),
        ("title", text(&record.title)),
        ("footer", text(&record.footer)),
        ("printed", text(&record.printed)),
        (
            "page",
            dict(vec![
                ("width", width.into_value()),
                ("height", height.into_value()),
            ]),
        ),
        (
            "kop",
            dict(vec![
                ("government", text(&letterhead.government)),
                ("office", text(&letterhead.office)),
                ("address", text(&letterhead.address)),
            ]),
        ),
        (
            "doc",
            dict(vec![
                ("facts", pairs(&record.facts)),
                (
                    "headers",
                    Value::Array(record.headers.iter().map(|h| text(h)).collect()),
                ),
                ("cases", Value::Array(cases)),
                ("empty", text(&record.empty)),
            ]),
        ),
    ] {
        inputs.insert(key.into(), value);
    }
    let compiled =
        engine().compile_with_input::<_, _, PagedDocument>("data-pemeliharaan.typ", inputs);
    let paged = compiled
        .output
        .map_err(|error| DocsError::Typst(error.to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("data-pemeliharaan-{}", record.title)),
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&paged, &options).map_err(|list| {
        DocsError::Pdf(
            list.iter()
                .map(|d| d.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    typst::comemo::evict(0);
    Ok(pdf)
}
