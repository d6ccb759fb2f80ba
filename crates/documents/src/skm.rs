//! "Laporan Survei Kepuasan Masyarakat" as a printable PDF: one period's SKM result in the
//! layout offices publish (NRR per unsur, IKM, conversion, mutu and kinerja, the weakest
//! unsur, the suggestions), with the letterhead. A report printed on demand, not an issued
//! document. Pure: the caller words and rounds every value (the arithmetic is
//! `pelihara_domain::skm`); this module only lays them out and never builds markup from text.

use std::sync::OnceLock;

use typst::foundations::{Array, Value};
use typst_as_lib::TypstEngine;

use crate::error::DocsError;
use crate::model::Setting;
use crate::printed::{self, Heading, dict, pairs, text, texts};
use crate::render::engine_over;

/// One unsur's line: no, code (U1), name, sum of scores, NRR, weighted NRR.
pub type SkmRow = [String; 6];

/// The whole report, worded in the reader's language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkmReportDoc {
    pub title: String,
    /// Label and value: the unit, the period, the respondents.
    pub facts: Vec<(String, String)>,
    pub headers: [String; 6],
    pub rows: Vec<SkmRow>,
    /// The label and value of the table's last line (the IKM as the sum of weighted NRR).
    pub total: (String, String),
    /// Label and value: IKM, converted IKM, mutu, kinerja, weakest unsur.
    pub summary: Vec<(String, String)>,
    pub method: String,
    pub bands: String,
    pub suggestions_title: String,
    pub suggestions: Vec<String>,
    pub no_suggestions: String,
    pub printed: String,
    pub footer: String,
}

fn engine() -> &'static TypstEngine {
    static ENGINE: OnceLock<TypstEngine> = OnceLock::new();
    ENGINE.get_or_init(|| engine_over([("skm.typ", include_str!("../templates/skm.typ"))]))
}

/// Renders the report as PDF bytes on `setting`'s paper with its letterhead.
pub fn render_skm_report(report: &SkmReportDoc, setting: &Setting) -> Result<Vec<u8>, DocsError> {
    let doc = dict(vec![
        ("facts", pairs(&report.facts)),
        ("headers", texts(&report.headers)),
        (
            "rows",
            Value::Array(report.rows.iter().map(texts).collect()),
        ),
        (
            "total",
            Value::Array(Array::from_iter([
                text(&report.total.0),
                text(&report.total.1),
            ])),
        ),
        ("summary", pairs(&report.summary)),
        ("method", text(&report.method)),
        ("bands", text(&report.bands)),
        ("suggestions_title", text(&report.suggestions_title)),
        ("suggestions", texts(&report.suggestions)),
        ("no_suggestions", text(&report.no_suggestions)),
    ]);
    printed::compile(
        engine(),
        "skm.typ",
        setting,
        Heading {
            title: &report.title,
            footer: &report.footer,
            printed: &report.printed,
        },
        doc,
        format!("skm-{}", report.title),
    )
}
