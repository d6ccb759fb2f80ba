//! A report as a printable PDF (issue 15: Mutu Baku compliance, maintenance coverage): its
//! title and period, a few headline figures, then titled tables, laid out by typst in
//! landscape with the letterhead. Printed on demand, not an issued document (no number, no
//! QR code). Pure like the rest of the crate: the caller words every cell as the page shows
//! it; this module only lays them out and never builds typst markup from user text.

use std::sync::OnceLock;

use typst::foundations::Value;
use typst_as_lib::TypstEngine;

use crate::error::DocsError;
use crate::model::Setting;
use crate::printed::{self, Heading, dict, pairs, text, texts};
use crate::render::engine_over;

/// One titled table, worded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportTableDoc {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A whole report, worded in the reader's language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportDoc {
    /// "Kepatuhan Mutu Baku".
    pub title: String,
    /// Label and value: the period, the scope, the SOP.
    pub facts: Vec<(String, String)>,
    /// Label and value of each headline figure.
    pub figures: Vec<(String, String)>,
    pub tables: Vec<ReportTableDoc>,
    /// What a table with no row says.
    pub empty: String,
    /// A note under the tables (how the figures are counted).
    pub note: String,
    /// "Dicetak 27 November 2026 09.15 WIB oleh ...".
    pub printed: String,
    /// The footer's word before the page number ("Halaman").
    pub footer: String,
}

fn engine() -> &'static TypstEngine {
    static ENGINE: OnceLock<TypstEngine> = OnceLock::new();
    ENGINE.get_or_init(|| engine_over([("laporan.typ", include_str!("../templates/laporan.typ"))]))
}

/// Renders the report as PDF bytes on `setting`'s paper (landscape) with its letterhead.
pub fn render_report(report: &ReportDoc, setting: &Setting) -> Result<Vec<u8>, DocsError> {
    let tables = report
        .tables
        .iter()
        .map(|table| {
            dict(vec![
                ("title", text(&table.title)),
                ("headers", texts(&table.headers)),
                ("rows", Value::Array(table.rows.iter().map(texts).collect())),
            ])
        })
        .collect();
    let doc = dict(vec![
        ("facts", pairs(&report.facts)),
        ("figures", pairs(&report.figures)),
        ("tables", Value::Array(tables)),
        ("empty", text(&report.empty)),
        ("note", text(&report.note)),
    ]);
    printed::compile(
        engine(),
        "laporan.typ",
        setting,
        Heading {
            title: &report.title,
            footer: &report.footer,
            printed: &report.printed,
        },
        doc,
        format!("laporan-{}", report.title),
    )
}
