//! The text of the step rows: each cell's lines wrapped to its column, as the official form
//! writes them.

use crate::cells::StepTexts;
use crate::wrap::wrap;

use super::grid::{CELL_PADDING, FONT_SIZE, Grid, Span};
use super::page::{TextBlock, TextLine};

/// Line pitch of cell text.
const LINE_HEIGHT: f64 = 14.0;

/// Average advance of one character in ems. DejaVu Sans, the widest of the fonts the SVG
/// names, averages a little under this over Indonesian text, so lines estimated with it fit.
const CHAR_EM: f64 = 0.57;
/// Bold text is wider.
const BOLD_FACTOR: f64 = 1.1;

/// The characters of `size`-pixel text that fit in `width` with cell padding.
pub(super) fn chars_fitting(width: f64, size: f64, bold: bool) -> usize {
    let advance = size * CHAR_EM * if bold { BOLD_FACTOR } else { 1.0 };
    (((width - 2.0 * CELL_PADDING) / advance).floor() as usize).max(1)
}

/// The text blocks of one step row, tops at `top`.
pub(super) fn cell_blocks(grid: &Grid, no: u32, texts: &StepTexts, top: f64) -> Vec<TextBlock> {
    let cell_top = top + CELL_PADDING;
    let block = |class: &'static str, middle: bool, lines: Vec<TextLine>| TextBlock {
        class,
        step: Some(no),
        top: cell_top,
        size: FONT_SIZE,
        line_height: LINE_HEIGHT,
        middle,
        bold: false,
        lines,
    };
    let plain = |span: Span, text: &str, italic: bool| -> Vec<TextLine> {
        wrap(text, chars_fitting(span.width, FONT_SIZE, false))
            .into_iter()
            .map(|text| TextLine {
                text,
                x: span.x + CELL_PADDING,
                italic,
            })
            .collect()
    };
    let centred = |span: Span, text: &str| -> Vec<TextLine> {
        wrap(text, chars_fitting(span.width, FONT_SIZE, false))
            .into_iter()
            .map(|text| TextLine {
                text,
                x: span.center(),
                italic: false,
            })
            .collect()
    };
    let mut activity = plain(grid.activity, &texts.activity, false);
    // The SOP's own Keterangan as running text, as the official table writes it; Pelihara's
    // notes follow as a list, so the reader can tell the two apart.
    let mut remarks = texts
        .remarks
        .as_deref()
        .map(|text| plain(grid.remarks, text, false))
        .unwrap_or_default();
    remarks.extend(list_lines(grid.remarks, &texts.notes));
    if let Some(question) = &texts.question {
        activity.extend(plain(grid.activity, question, true));
    }
    vec![
        block("cell-no", true, centred(grid.no, &no.to_string())),
        block("cell-activity", false, activity),
        block(
            "cell-requirements",
            false,
            list_lines(grid.requirements, &texts.requirements),
        ),
        block("cell-time", true, centred(grid.time, &texts.time)),
        block(
            "cell-output",
            false,
            list_lines(grid.output, &texts.outputs),
        ),
        block("cell-remarks", false, remarks),
    ]
}

/// A list as the official form writes it: "- item", wrapped lines hanging under the text.
pub(super) fn list_lines(span: Span, items: &[String]) -> Vec<TextLine> {
    let width = chars_fitting(span.width, FONT_SIZE, false)
        .saturating_sub(2)
        .max(1);
    let hanging = FONT_SIZE * 0.7;
    let mut lines = Vec::new();
    for item in items {
        for (index, text) in wrap(item, width).into_iter().enumerate() {
            if index == 0 {
                lines.push(TextLine {
                    text: format!("- {text}"),
                    x: span.x + CELL_PADDING,
                    italic: false,
                });
            } else {
                lines.push(TextLine {
                    text,
                    x: span.x + CELL_PADDING + hanging,
                    italic: false,
                });
            }
        }
    }
    lines
}
