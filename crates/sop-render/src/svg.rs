//! SVG markup for laid-out flowchart pages. Every piece of text goes through `escape`; it
//! must never decide where anything goes (that is `layout`'s job).
//!
//! Each page is a standalone SVG document. Symbols carry `id="step-N"` and a class naming
//! their kind (`start`, `activity`, `decision`, `end`); connectors `id="connector-A-out"` /
//! `"connector-A-in"`; reject capsules `id="reject-N"`. Ids are unique across all pages of
//! one SOP, so the pages can sit inline in one HTML document. Arrowheads are drawn as
//! polygons rather than markers so that no shared `<defs>` id is needed.

use std::fmt::Write;

use pelihara_i18n::{Lang, arg, t_args};
use pelihara_sop::StepKind;

use crate::escape::escape;
use crate::layout::{
    Arrow, CONNECTOR_HEIGHT, CONNECTOR_SHOULDER, CONNECTOR_WIDTH, Connector, FONT_SIZE, Page,
    REJECT_HEIGHT, REJECT_WIDTH, RejectBox, Shape, SymbolBox, TextBlock,
};

/// The font families named in the SVG, widest first: the layout's width estimate is made
/// for DejaVu Sans, so narrower fallbacks only leave more room.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

const ARROWHEAD_LENGTH: f64 = 7.0;
const ARROWHEAD_HALF_WIDTH: f64 = 3.5;

/// One page as an SVG document.
pub fn page_svg(page: &Page, page_count: usize, title: &str, lang: Lang) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let (width, height) = (num(page.width), num(page.height));
    let steps: Vec<String> = page.steps.iter().map(u32::to_string).collect();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{family}" class="sop-flowchart" data-page="{page_number}" data-pages="{page_count}" data-steps="{steps}">"##,
        family = escape(FONT_FAMILY),
        page_number = page.number,
        steps = steps.join(" "),
    );
    let caption = t_args(
        lang,
        "render-flowchart-title",
        &[
            ("title", arg(title)),
            ("page", arg(page.number)),
            ("pages", arg(page_count)),
        ],
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&caption));
    let _ = writeln!(
        out,
        r##"<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##
    );
    let fill = page.header_fill;
    let _ = writeln!(
        out,
        r##"<rect class="header-fill" x="{}" y="{}" width="{}" height="{}" fill="#eeeeee"/>"##,
        num(fill.x),
        num(fill.y),
        num(fill.width),
        num(fill.height)
    );

    let mut path = String::new();
    for rule in &page.rules {
        let _ = write!(
            path,
            "M{} {}L{} {}",
            num(rule.x1),
            num(rule.y1),
            num(rule.x2),
            num(rule.y2)
        );
    }
    let _ = writeln!(
        out,
        r##"<path class="rules" d="{path}" fill="none" stroke="#000000" stroke-width="0.9" stroke-linecap="square"/>"##
    );

    let _ = writeln!(out, r##"<g class="texts" fill="#000000">"##);
    for block in &page.texts {
        write_text(&mut out, block);
    }
    let _ = writeln!(out, "</g>");

    let _ = writeln!(
        out,
        r##"<g class="arrows" fill="none" stroke="#000000" stroke-width="1.1">"##
    );
    for arrow in &page.arrows {
        write_arrow(&mut out, arrow);
    }
    let _ = writeln!(out, "</g>");

    let _ = writeln!(
        out,
        r##"<g class="symbols" fill="#ffffff" stroke="#000000" stroke-width="1.3">"##
    );
    for symbol in &page.symbols {
        write_symbol(&mut out, symbol);
    }
    for reject in &page.rejects {
        write_reject(&mut out, reject);
    }
    for connector in &page.connectors {
        write_connector(&mut out, connector, lang);
    }
    let _ = writeln!(out, "</g>");

    // The white outline keeps a label readable where it crosses a column rule.
    let _ = writeln!(
        out,
        r##"<g class="branch-labels" fill="#000000" font-size="9.5" font-style="italic" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">"##
    );
    for label in &page.labels {
        let anchor = if label.anchor_end { "end" } else { "start" };
        let _ = writeln!(
            out,
            r##"<text class="branch-label" x="{}" y="{}" text-anchor="{anchor}">{}</text>"##,
            num(label.x),
            num(label.y),
            escape(&label.text)
        );
    }
    let _ = writeln!(out, "</g>");
    out.push_str("</svg>\n");
    out
}

fn write_text(out: &mut String, block: &TextBlock) {
    if block.lines.is_empty() {
        return;
    }
    let anchor = if block.middle { "middle" } else { "start" };
    let weight = if block.bold {
        r#" font-weight="bold""#
    } else {
        ""
    };
    let step = block
        .step
        .map(|no| format!(r#" data-step="{no}""#))
        .unwrap_or_default();
    let _ = write!(
        out,
        r#"<text class="{}"{step} font-size="{}" text-anchor="{anchor}"{weight}>"#,
        block.class,
        num(block.size)
    );
    for (index, line) in block.lines.iter().enumerate() {
        let style = if line.italic {
            r#" font-style="italic""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<tspan x="{}" y="{}"{style}>{}</tspan>"#,
            num(line.x),
            num(block.baseline(index)),
            escape(&line.text)
        );
    }
    out.push_str("</text>\n");
}

fn write_arrow(out: &mut String, arrow: &Arrow) {
    let points: Vec<String> = arrow
        .points
        .iter()
        .map(|&(x, y)| format!("{},{}", num(x), num(y)))
        .collect();
    let to = arrow
        .to
        .map(|no| no.to_string())
        .unwrap_or_else(|| "reject".to_owned());
    let _ = write!(
        out,
        r#"<g class="arrow" data-from="{}" data-to="{to}" data-branch="{}"><polyline points="{}"/>"#,
        arrow.from,
        arrow.branch.name(),
        points.join(" ")
    );
    if let [.., before, tip] = arrow.points.as_slice() {
        let (dx, dy) = (tip.0 - before.0, tip.1 - before.1);
        let length = (dx * dx + dy * dy).sqrt();
        if length > 0.0 {
            let (ux, uy) = (dx / length, dy / length);
            let base = (tip.0 - ux * ARROWHEAD_LENGTH, tip.1 - uy * ARROWHEAD_LENGTH);
            let (px, py) = (-uy * ARROWHEAD_HALF_WIDTH, ux * ARROWHEAD_HALF_WIDTH);
            let _ = write!(
                out,
                r##"<polygon class="arrowhead" points="{},{} {},{} {},{}" fill="#000000" stroke="none"/>"##,
                num(tip.0),
                num(tip.1),
                num(base.0 + px),
                num(base.1 + py),
                num(base.0 - px),
                num(base.1 - py)
            );
        }
    }
    out.push_str("</g>\n");
}

fn kind_class(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Start => "start",
        StepKind::Activity => "activity",
        StepKind::Decision => "decision",
        StepKind::End => "end",
    }
}

fn write_symbol(out: &mut String, symbol: &SymbolBox) {
    let common = format!(
        r#"id="step-{no}" class="{class}" data-step="{no}" data-column="{column}""#,
        no = symbol.step,
        class = kind_class(symbol.kind),
        column = symbol.column
    );
    let (left, top) = (
        symbol.cx - symbol.width / 2.0,
        symbol.cy - symbol.height / 2.0,
    );
    match symbol.shape() {
        Shape::Rectangle | Shape::Capsule => {
            let radius = if symbol.shape() == Shape::Capsule {
                symbol.height / 2.0
            } else {
                0.0
            };
            let _ = writeln!(
                out,
                r#"<rect {common} x="{}" y="{}" width="{}" height="{}" rx="{r}" ry="{r}"/>"#,
                num(left),
                num(top),
                num(symbol.width),
                num(symbol.height),
                r = num(radius)
            );
        }
        Shape::Diamond => {
            let (right, bottom) = (left + symbol.width, top + symbol.height);
            let _ = writeln!(
                out,
                r#"<polygon {common} points="{},{} {},{} {},{} {},{}"/>"#,
                num(symbol.cx),
                num(top),
                num(right),
                num(symbol.cy),
                num(symbol.cx),
                num(bottom),
                num(left),
                num(symbol.cy)
            );
        }
    }
}

fn write_reject(out: &mut String, reject: &RejectBox) {
    let (left, top) = (
        reject.cx - REJECT_WIDTH / 2.0,
        reject.cy - REJECT_HEIGHT / 2.0,
    );
    let _ = writeln!(
        out,
        r##"<g id="reject-{no}" class="reject" data-step="{no}"><rect x="{}" y="{}" width="{}" height="{}" rx="{r}" ry="{r}"/><text x="{}" y="{}" font-size="9" text-anchor="middle" fill="#000000" stroke="none">{}</text></g>"##,
        num(left),
        num(top),
        num(REJECT_WIDTH),
        num(REJECT_HEIGHT),
        num(reject.cx),
        num(reject.cy + 3.2),
        escape(&reject.label),
        no = reject.step,
        r = num(REJECT_HEIGHT / 2.0),
    );
}

fn write_connector(out: &mut String, connector: &Connector, lang: Lang) {
    let half = CONNECTOR_WIDTH / 2.0;
    let (cx, top) = (connector.cx, connector.top);
    let shoulder = top + CONNECTOR_SHOULDER;
    let bottom = top + CONNECTOR_HEIGHT;
    let (direction, title) = if connector.outgoing {
        (
            "out",
            t_args(lang, "render-connector-to", &[("step", arg(connector.to))]),
        )
    } else {
        (
            "in",
            t_args(
                lang,
                "render-connector-from",
                &[("step", arg(connector.from))],
            ),
        )
    };
    let _ = writeln!(
        out,
        r##"<g id="connector-{label}-{direction}" class="connector {direction}" data-label="{label}" data-from="{from}" data-to="{to}"><title>{title}</title><polygon points="{},{} {},{} {},{} {},{} {},{}"/><text x="{}" y="{}" font-size="{}" font-weight="bold" text-anchor="middle" fill="#000000" stroke="none">{label}</text></g>"##,
        num(cx - half),
        num(top),
        num(cx + half),
        num(top),
        num(cx + half),
        num(shoulder),
        num(cx),
        num(bottom),
        num(cx - half),
        num(shoulder),
        num(cx),
        num(top + 12.0),
        num(FONT_SIZE - 1.0),
        label = escape(&connector.label),
        from = connector.from,
        to = connector.to,
        title = escape(&title),
    );
}

/// A coordinate with at most one decimal, without a trailing ".0".
fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn writes_short_coordinates() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(-0.05), "-0.1");
        assert_eq!(num(0.04), "0");
    }
}
