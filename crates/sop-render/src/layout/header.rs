//! The heading rows of the step table (No, Uraian Kegiatan, Pelaksana, Mutu Baku,
//! Keterangan, then the column numbers) and the table's vertical rules.

use std::collections::HashSet;

use pelihara_i18n::{Lang, t};
use pelihara_sop::SopDefinition;

use super::grid::{CELL_PADDING, Grid, MARGIN, Span, span_over};
use super::page::{Page, Rect, Segment, TextBlock, TextLine};
use super::text::chars_fitting;
use crate::wrap::wrap;

/// Column heading text size and line pitch (bold).
const HEADER_FONT_SIZE: f64 = 10.0;
const HEADER_LINE_HEIGHT: f64 = 12.5;

const GROUP_ROW_HEIGHT: f64 = 22.0;
const NUMBER_ROW_HEIGHT: f64 = 16.0;

/// The three heading rows of the step table, repeated on every page.
pub(super) struct Header {
    no: String,
    activity: String,
    actors_group: String,
    quality_group: String,
    remarks: String,
    actor_names: Vec<String>,
    quality_names: [String; 3],
    names_height: f64,
}

impl Header {
    pub(super) fn new(def: &SopDefinition, grid: &Grid, lang: Lang) -> Header {
        let mut actor_names: Vec<String> = def.columns().map(|actor| actor.name.clone()).collect();
        if actor_names.is_empty() {
            actor_names.push(String::new());
        }
        let quality_names = [
            t(lang, "render-column-requirements"),
            t(lang, "render-column-time"),
            t(lang, "render-column-output"),
        ];
        let quality_spans = [grid.requirements, grid.time, grid.output];
        let lines = actor_names
            .iter()
            .zip(&grid.actors)
            .chain(quality_names.iter().zip(&quality_spans))
            .map(|(name, span)| wrap(name, chars_fitting(span.width, HEADER_FONT_SIZE, true)).len())
            .max()
            .unwrap_or(1)
            .max(1);
        Header {
            no: t(lang, "render-column-no"),
            activity: t(lang, "render-column-activity"),
            actors_group: t(lang, "render-column-actors"),
            quality_group: t(lang, "render-column-quality"),
            remarks: t(lang, "render-column-remarks"),
            actor_names,
            quality_names,
            names_height: lines as f64 * HEADER_LINE_HEIGHT + 2.0 * CELL_PADDING,
        }
    }

    /// Draws the heading rows; returns where the step rows start.
    pub(super) fn draw(&self, grid: &Grid, page: &mut Page) -> f64 {
        let top = MARGIN;
        let names_top = top + GROUP_ROW_HEIGHT;
        let numbers_top = names_top + self.names_height;
        let bottom = numbers_top + NUMBER_ROW_HEIGHT;
        let left = grid.no.x;
        let right = grid.remarks.right();
        page.header_fill = Rect {
            x: left,
            y: top,
            width: right - left,
            height: numbers_top - top,
        };

        let heading =
            |class: &'static str, span: Span, text: &str, cell_top: f64, cell_height: f64| {
                let lines: Vec<TextLine> =
                    wrap(text, chars_fitting(span.width, HEADER_FONT_SIZE, true))
                        .into_iter()
                        .map(|text| TextLine {
                            text,
                            x: span.center(),
                            italic: false,
                        })
                        .collect();
                let height = lines.len() as f64 * HEADER_LINE_HEIGHT;
                TextBlock {
                    class,
                    step: None,
                    top: cell_top + (cell_height - height) / 2.0,
                    size: HEADER_FONT_SIZE,
                    line_height: HEADER_LINE_HEIGHT,
                    middle: true,
                    bold: true,
                    lines,
                }
            };
        let both_rows = GROUP_ROW_HEIGHT + self.names_height;
        let actors_span = span_over(&grid.actors);
        let quality_span = span_over(&[grid.requirements, grid.time, grid.output]);
        page.texts
            .push(heading("heading", grid.no, &self.no, top, both_rows));
        page.texts.push(heading(
            "heading",
            grid.activity,
            &self.activity,
            top,
            both_rows,
        ));
        page.texts.push(heading(
            "heading",
            actors_span,
            &self.actors_group,
            top,
            GROUP_ROW_HEIGHT,
        ));
        page.texts.push(heading(
            "heading",
            quality_span,
            &self.quality_group,
            top,
            GROUP_ROW_HEIGHT,
        ));
        page.texts.push(heading(
            "heading",
            grid.remarks,
            &self.remarks,
            top,
            both_rows,
        ));
        for (name, span) in self.actor_names.iter().zip(&grid.actors) {
            page.texts.push(heading(
                "heading heading-actor",
                *span,
                name,
                names_top,
                self.names_height,
            ));
        }
        let quality_spans = [grid.requirements, grid.time, grid.output];
        for (name, span) in self.quality_names.iter().zip(quality_spans) {
            page.texts
                .push(heading("heading", span, name, names_top, self.names_height));
        }
        for (number, span) in grid.columns().into_iter().enumerate() {
            page.texts.push(TextBlock {
                class: "column-number",
                step: None,
                top: numbers_top + (NUMBER_ROW_HEIGHT - 11.0) / 2.0,
                size: 9.0,
                line_height: 11.0,
                middle: true,
                bold: false,
                lines: vec![TextLine {
                    text: (number + 1).to_string(),
                    x: span.center(),
                    italic: false,
                }],
            });
        }
        let rule = |x1, y1, x2, y2| Segment { x1, y1, x2, y2 };
        page.rules.push(rule(left, top, right, top));
        page.rules.push(rule(
            actors_span.x,
            names_top,
            quality_span.right(),
            names_top,
        ));
        page.rules.push(rule(left, numbers_top, right, numbers_top));
        page.rules.push(rule(left, bottom, right, bottom));
        bottom
    }

    /// The vertical rules of the whole table, once its bottom is known. Lines inside the
    /// "Pelaksana" and "Mutu Baku" groups start under the group heading.
    pub(super) fn draw_columns(&self, grid: &Grid, page: &mut Page, bottom: f64) {
        let top = MARGIN;
        let names_top = top + GROUP_ROW_HEIGHT;
        let columns = grid.columns();
        let mut inner = HashSet::new();
        for span in grid.actors.iter().skip(1) {
            inner.insert(span.x.to_bits());
        }
        for span in [grid.time, grid.output] {
            inner.insert(span.x.to_bits());
        }
        for span in &columns {
            let y1 = if inner.contains(&span.x.to_bits()) {
                names_top
            } else {
                top
            };
            page.rules.push(Segment {
                x1: span.x,
                y1,
                x2: span.x,
                y2: bottom,
            });
        }
        let right = grid.remarks.right();
        page.rules.push(Segment {
            x1: right,
            y1: top,
            x2: right,
            y2: bottom,
        });
    }
}
