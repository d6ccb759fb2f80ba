//! What the printed records and reports without a QR share (Data Pemeliharaan, the reports'
//! tables, the SKM report): typst values from plain text, the inputs every such template reads
//! (language, title, footer, print line, page size, kop) and the compile to PDF.

use typst::foundations::{Array, Dict, IntoValue, Smart, Value};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::error::DocsError;
use crate::model::Setting;

pub(crate) fn text(value: &str) -> Value {
    value.into_value()
}

pub(crate) fn texts<'a>(items: impl IntoIterator<Item = &'a String>) -> Value {
    Value::Array(items.into_iter().map(|item| text(item)).collect())
}

/// (label, value) pairs as two-element arrays.
pub(crate) fn pairs(facts: &[(String, String)]) -> Value {
    Value::Array(
        facts
            .iter()
            .map(|(label, value)| Value::Array(Array::from_iter([text(label), text(value)])))
            .collect(),
    )
}

pub(crate) fn dict(entries: Vec<(&str, Value)>) -> Value {
    let mut dict = Dict::new();
    for (key, value) in entries {
        dict.insert(key.into(), value);
    }
    Value::Dict(dict)
}

/// The heading and footing of a printed document.
pub(crate) struct Heading<'a> {
    pub title: &'a str,
    pub footer: &'a str,
    pub printed: &'a str,
}

/// Compiles `main` of `engine` with the shared inputs and `doc` (the document's own values)
/// into PDF bytes named `ident`.
pub(crate) fn compile(
    engine: &TypstEngine,
    main: &str,
    setting: &Setting,
    heading: Heading<'_>,
    doc: Value,
    ident: String,
) -> Result<Vec<u8>, DocsError> {
    let (width, height) = setting.paper.size_mm();
    let letterhead = &setting.letterhead;
    let mut inputs = Dict::new();
    for (key, value) in [
        ("lang", text(setting.lang.code())),
        ("title", text(heading.title)),
        ("footer", text(heading.footer)),
        ("printed", text(heading.printed)),
        (
            "page",
            dict(vec![
                ("width", width.into_value()),
                ("height", height.into_value()),
            ]),
        ),
        (
            "letterhead",
            dict(vec![
                ("government", text(&letterhead.government)),
                ("office", text(&letterhead.office)),
                ("address", text(&letterhead.address)),
            ]),
        ),
        ("doc", doc),
    ] {
        inputs.insert(key.into(), value);
    }
    let compiled = engine.compile_with_input::<_, _, PagedDocument>(main, inputs);
    let paged = compiled
        .output
        .map_err(|error| DocsError::Typst(error.to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom(ident),
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
