//! "Laporan Survei Kepuasan Masyarakat" as a printable PDF: one period's SKM result in the
//! layout offices publish (NRR per unsur, IKM, conversion, mutu and kinerja, the weakest
//! unsur, the suggestions), with the letterhead. A report printed on demand, not an issued
//! document. Pure: the caller words and rounds every value (the arithmetic is
//! `pelihara_domain::skm`); this module only lays them out and never builds markup from text.

use std::sync::OnceLock;

use typst::foundations::{Array, Dict, IntoValue, Smart, Value};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::model::Setting;
use crate::render::{DocsError, LIBERATION_SANS};

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
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .with_static_source_file_resolver([("skm.typ", include_str!("../templates/skm.typ"))])
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

fn texts<'a>(items: impl IntoIterator<Item = &'a String>) -> Value {
    Value::Array(items.into_iter().map(|item| text(item)).collect())
}

/// Renders the report as PDF bytes on `setting`'s paper with its letterhead.
pub fn render_skm_report(report: &SkmReportDoc, setting: &Setting) -> Result<Vec<u8>, DocsError> {
    let (width, height) = setting.paper.size_mm();
    let letterhead = &setting.letterhead;
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
            ]),
        ),
    ] {
        inputs.insert(key.into(), value);
    }
    let compiled = engine().compile_with_input::<_, _, PagedDocument>("skm.typ", inputs);
    let paged = compiled
        .output
        .map_err(|error| DocsError::Typst(error.to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("skm-{}", report.title)),
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
