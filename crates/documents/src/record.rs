//! "Data Pemeliharaan Aplikasi/Website" as a printable PDF: one app's maintenance record for
//! one year, laid out by typst in landscape, with the letterhead. It is a record printed on
//! demand, not an issued document (no number, no QR code). Pure like the rest of the crate:
//! the caller words every value (dates, times, verdicts) and this module only lays them out;
//! never builds typst markup from user text.

use std::sync::OnceLock;

use typst::foundations::Value;
use typst_as_lib::TypstEngine;

use crate::error::DocsError;
use crate::model::Setting;
use crate::printed::{self, Heading, dict, pairs, text, texts};
use crate::render::engine_over;

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
        engine_over([(
            "data-pemeliharaan.typ",
            include_str!("../templates/data_pemeliharaan.typ"),
        )])
    })
}

/// Renders the record as PDF bytes on `setting`'s paper (landscape) with its letterhead.
pub fn render_maintenance_record(
    record: &MaintenanceRecordDoc,
    setting: &Setting,
) -> Result<Vec<u8>, DocsError> {
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
                    Value::Array(case.steps.iter().map(|row| texts(row.iter())).collect()),
                ),
            ])
        })
        .collect();
    let doc = dict(vec![
        ("facts", pairs(&record.facts)),
        ("headers", texts(&record.headers)),
        ("cases", Value::Array(cases)),
        ("empty", text(&record.empty)),
    ]);
    printed::compile(
        engine(),
        "data-pemeliharaan.typ",
        setting,
        Heading {
            title: &record.title,
            footer: &record.footer,
            printed: &record.printed,
        },
        doc,
        format!("data-pemeliharaan-{}", record.title),
    )
}
