//! Renders an SOP definition as the official PermenPAN-RB 35/2012 document: the flowchart
//! table as SVG (one standalone SVG per page of the document) and the whole SOP as one
//! printable, self-contained HTML page. No IO: every function takes the definition and
//! returns text; it must never read files, the clock or the environment.
//!
//! The SOP's own words come from the definition as written; the few labels that are not SOP
//! text (column headings, "Ya"/"Tidak", notes) come from `pelihara-i18n` (`render.ftl`).

mod cells;
mod escape;
mod html;
mod layout;
mod svg;
mod wrap;

use pelihara_i18n::Lang;
use pelihara_sop::SopDefinition;

/// The flowchart table, one standalone SVG document per page of the official document.
///
/// Pages break after the steps in `layout.page_breaks` or, when the file names none, every
/// seven steps or fewer, spread evenly; each page repeats the table's
/// heading rows, and links between pages end and restart at off-page connectors with the
/// same letter. Every step's symbol carries `id="step-N"` and a class naming its kind
/// (`start`, `activity`, `decision`, `end`); ids are unique across the pages of one SOP.
pub fn flowchart_svg(def: &SopDefinition, lang: Lang) -> Vec<String> {
    let pages = layout::layout(def, lang);
    let count = pages.len();
    pages
        .iter()
        .map(|page| svg::page_svg(page, count, &def.header.title, lang))
        .collect()
}

/// The whole SOP as one HTML page for A4 landscape printing: the header block on the first
/// sheet, then one sheet per flowchart page, the approver's signature block at the end.
pub fn document_html(def: &SopDefinition, lang: Lang) -> String {
    let pages = flowchart_svg(def, lang);
    html::document(def, &pages, lang)
}
