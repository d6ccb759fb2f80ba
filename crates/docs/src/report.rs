//! A report as a printable PDF (issue 15: Mutu Baku compliance, maintenance coverage): its
//! title and period, a few headline figures, then titled tables, laid out by typst in
//! landscape with the letterhead. Printed on demand, not an issued document (no number, no
//! QR code). Pure like the rest of the crate: the caller words every cell as the page shows
//! it; this module only lays them out and never builds typst markup from user text.

use std::sync::OnceLock;

use typst::foundations::{Array, Dict, IntoValue, Smart, Value};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::model::Setting;
use crate::render::{DocsError, LIBERATION_SANS};

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
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .with_static_source_file_resolver([(
                "laporan.typ",
                include_str!("../templates/laporan.typ"),
            )])
            .fonts(LIBERATION_SANS.into_iter().chain(typst_assets::fonts()))
            .comemo_evict_max_age(Some(0))
            .build()
    })
}

fn text(value: &str) -> Value {
    value.into_value()
}

fn texts(values: &[String]) -> Value {
    Value::Array(values.iter().map(|value| text(value)).collect())
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

/// Renders the report as PDF bytes on `setting`'s paper (landscape) with its letterhead.
pub fn render_report(report: &ReportDoc, setting: &Setting) -> Result<Vec<u8>, DocsError> {
    let (width, height) = setting.paper.size_mm();
    let letterhead = &setting.letterhead;
    let tables = report
        .tables
        .iter()
        .map(|table| {
            dict(vec![
                ("title", text(&table.title)),
                ("headers", texts(&table.headers)),
                (
                    "rows",
                    Value::Array(table.rows.iter().map(|row| texts(row)).collect()),
                ),
            ])
        })
        .collect();
    let mut inputs = Dict::new();
    for (key, value) in [
        ("lang", text(setting.lang.code())),
        ("title", text(&report.title)),
        ("footer", text(&report.footer)),
        ("printed", text(&report.printed)),
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
                ("facts", pairs(&report.facts)),
                ("figures", pairs(&report.figures)),
                ("tables", Value::Array(tables)),
                ("empty", text(&report.empty)),
                ("note", text(&report.note)),
            ]),
        ),
    ] {
        inputs.insert(key.into(), value);
    }
    let compiled = engine().compile_with_input::<_, _, PagedDocument>("laporan.typ", inputs);
    let paged = compiled
        .output
        .map_err(|error| DocsError::Typst(error.to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("laporan-{}", report.title)),
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
