//! The whole SOP as one standalone, printable HTML page in the official form's order: the
//! header block, the flowchart table pages, the approver's signature block. Self-contained
//! (inline CSS and SVG, no external assets); every piece of text goes through `escape`.

use std::fmt::Write;

use pelihara_i18n::{Lang, arg, t, t_args};
use pelihara_sop::SopDefinition;

use crate::cells::document_date;
use crate::escape::escape;

/// A4 landscape, with each flowchart page on its own sheet. On screen the sheets sit on a
/// grey desk so the page breaks are visible before printing.
const STYLE: &str = r#"
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
html { background: #d9d9d9; }
body { margin: 0; padding: 8mm 0; color: #000; font-family: "DejaVu Sans", Verdana, Arial, Helvetica, sans-serif; font-size: 9pt; line-height: 1.3; }
.sheet { width: 297mm; min-height: 210mm; margin: 0 auto 8mm; padding: 10mm; background: #fff; box-shadow: 0 1px 5px rgba(0, 0, 0, 0.35); }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #000; padding: 1.2mm 2mm; vertical-align: top; text-align: left; }
.identity > tbody > tr > td { padding: 0; }
.kop { width: 42%; text-align: center; vertical-align: middle; font-weight: bold; font-size: 12pt; line-height: 1.5; padding: 4mm; }
.kop div { text-transform: uppercase; }
.fields { height: 100%; }
.fields th, .fields td { border-width: 0 0 1px 1px; }
.fields th { border-left: 0; }
.fields tr:last-child th, .fields tr:last-child td { border-bottom: 0; }
.fields th { width: 34%; font-weight: normal; }
.fields .title { font-weight: bold; font-size: 11pt; }
.approver .position { margin-bottom: 9mm; }
.approver .name { font-weight: bold; text-decoration: underline; }
.summary { border-top: 0; }
.summary th { width: 50%; background: #eee; text-align: center; font-weight: bold; }
.summary tr:first-child th { border-top: 0; }
ol { margin: 0; padding-left: 5.5mm; }
ol.short-items { columns: 2; column-gap: 8mm; }
p { margin: 0; }
.flowchart svg { display: block; width: 100%; height: auto; max-height: 186mm; }
.signature { width: 95mm; margin: 8mm 0 0 auto; text-align: center; break-inside: avoid; page-break-inside: avoid; }
.signature .position { font-weight: bold; text-transform: uppercase; margin-bottom: 20mm; }
.signature .name { font-weight: bold; text-decoration: underline; }
.page-number { margin-top: 2mm; text-align: right; font-size: 8pt; color: #444; }
@media print {
  html { background: none; }
  body { padding: 0; }
  .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; break-after: page; page-break-after: always; }
  .sheet:last-child { break-after: auto; page-break-after: auto; }
}
"#;

/// The document as an HTML page.
pub fn document(def: &SopDefinition, svg_pages: &[String], lang: Lang) -> String {
    let header = &def.header;
    let mut out =
        String::with_capacity(64 * 1024 + svg_pages.iter().map(String::len).sum::<usize>());
    let title = t_args(
        lang,
        "render-document-title",
        &[("title", arg(&header.title))],
    );
    let _ = writeln!(out, "<!DOCTYPE html>");
    let _ = writeln!(out, r#"<html lang="{}">"#, lang.code());
    let _ = writeln!(out, "<head>");
    let _ = writeln!(out, r#"<meta charset="utf-8">"#);
    let _ = writeln!(
        out,
        r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    let _ = writeln!(out, "<style>{STYLE}</style>");
    let _ = writeln!(out, "</head>");
    let _ = writeln!(out, "<body>");

    let total_pages = svg_pages.len() + 1;
    out.push_str(r#"<section class="sheet identity-sheet">"#);
    write_identity(&mut out, def, lang);
    write_page_number(&mut out, 1, total_pages, lang);
    out.push_str("</section>\n");

    for (index, svg) in svg_pages.iter().enumerate() {
        let _ = write!(
            out,
            r#"<section class="sheet flowchart" data-page="{}">"#,
            index + 1
        );
        out.push('\n');
        out.push_str(svg);
        if index + 1 == svg_pages.len() {
            write_signature(&mut out, def, lang);
        }
        write_page_number(&mut out, index + 2, total_pages, lang);
        out.push_str("</section>\n");
    }
    let _ = writeln!(out, "</body>");
    let _ = writeln!(out, "</html>");
    out
}

/// The identity block: the "kop" on the left, the SOP's particulars on the right, and the
/// two-by-two summary below.
fn write_identity(out: &mut String, def: &SopDefinition, lang: Lang) {
    let header = &def.header;
    let approver = &header.approver;
    out.push_str(r#"<table class="identity"><tbody><tr>"#);
    let _ = write!(
        out,
        r#"<td class="kop"><div>{}</div><div>{}</div></td>"#,
        escape(&header.government),
        escape(&header.office)
    );
    out.push_str(r#"<td><table class="fields"><tbody>"#);
    let field = |out: &mut String, key: &str, value: &str| {
        let _ = write!(
            out,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(&t(lang, key)),
            value
        );
    };
    field(out, "render-header-number", &escape(&header.number));
    field(
        out,
        "render-header-created",
        &escape(&document_date(lang, &header.created)),
    );
    field(
        out,
        "render-header-revised",
        &escape(&document_date(lang, &header.revised)),
    );
    field(
        out,
        "render-header-effective",
        &escape(&document_date(lang, &header.effective)),
    );
    let approved = format!(
        r#"<div class="approver"><div class="position">{}</div><div class="name">{}</div><div>{}</div><div>{}</div></div>"#,
        escape(&approver.position),
        escape(&approver.name),
        escape(&approver.rank),
        escape(&nip(lang, &approver.nip)),
    );
    field(out, "render-header-approved-by", &approved);
    field(
        out,
        "render-header-title",
        &format!(r#"<span class="title">{}</span>"#, escape(&header.title)),
    );
    out.push_str("</tbody></table></td></tr></tbody></table>\n");

    out.push_str(r#"<table class="summary"><tbody>"#);
    let pairs: [(&str, String, &str, String); 3] = [
        (
            "render-header-legal-basis",
            list(&header.legal_basis),
            "render-header-qualifications",
            list(&header.qualifications),
        ),
        (
            "render-header-related",
            list(&header.related),
            "render-header-equipment",
            list(&header.equipment),
        ),
        (
            "render-header-warning",
            paragraph(&header.warning),
            "render-header-records",
            list(&header.records),
        ),
    ];
    for (left_key, left, right_key, right) in pairs {
        let _ = write!(
            out,
            "<tr><th>{}</th><th>{}</th></tr><tr><td>{left}</td><td>{right}</td></tr>",
            escape(&t(lang, left_key)),
            escape(&t(lang, right_key)),
        );
    }
    out.push_str("</tbody></table>\n");
}

/// The approver's signature block closing the document, as the last page of the official
/// form ends.
fn write_signature(out: &mut String, def: &SopDefinition, lang: Lang) {
    let approver = &def.header.approver;
    let _ = writeln!(
        out,
        r#"<div class="signature"><div class="position">{}</div><div class="name">{}</div><div>{}</div><div>{}</div></div>"#,
        escape(&approver.position),
        escape(&approver.name),
        escape(&approver.rank),
        escape(&nip(lang, &approver.nip)),
    );
}

fn write_page_number(out: &mut String, page: usize, pages: usize, lang: Lang) {
    let text = t_args(
        lang,
        "render-page",
        &[("page", arg(page)), ("pages", arg(pages))],
    );
    let _ = writeln!(out, r#"<div class="page-number">{}</div>"#, escape(&text));
}

fn nip(lang: Lang, nip: &str) -> String {
    if nip.trim().is_empty() {
        String::new()
    } else {
        t_args(lang, "render-nip", &[("nip", arg(nip))])
    }
}

/// A numbered list as the form writes several items; one item stands alone.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => paragraph(only),
        items => {
            let entries: String = items
                .iter()
                .map(|item| format!("<li>{}</li>", escape(item)))
                .collect();
            // A long list of short items (the equipment) takes two columns, so the identity
            // block still fits one landscape sheet.
            let short = items.len() > 5 && items.iter().all(|item| item.chars().count() <= 40);
            let class = if short { r#" class="short-items""# } else { "" };
            format!("<ol{class}>{entries}</ol>")
        }
    }
}

fn paragraph(text: &str) -> String {
    format!("<p>{}</p>", escape(text))
}
