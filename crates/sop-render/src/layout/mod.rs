//! Where everything of the flowchart table goes: columns, wrapped cell text, row heights,
//! symbols, arrows and off-page connectors, page by page, in SVG user units. Pure geometry:
//! it must never write markup (`svg` does) and reads nothing but the definition and the
//! texts `cells` gives it.
//!
//! Routing rules, so that arrows never run through a symbol:
//! - a step's symbol sits in the column of its first actor that is a column, centred in
//!   the room its row leaves free;
//! - `next` into the following row leaves the symbol's bottom (same column) or its side
//!   (another column), turning once down into the target's top;
//! - a link that would cross a symbol (a loop back up, a skip over rows) runs in a vertical
//!   "channel" through an actor column that is empty over those rows, entering the target
//!   from the side;
//! - a link to another page ends in an off-page connector (the "home plate" pentagon) and
//!   restarts from one with the same letter on the target's page;
//! - a decision's "no" to `reject` ends in a small capsule beside the diamond.

mod drawing;
mod grid;
mod header;
mod page;
mod planner;
mod text;

use pelihara_i18n::Lang;
use pelihara_sop::SopDefinition;

use crate::cells::{StepTexts, step_texts};

use drawing::{Geometry, draw_plan};
pub use grid::FONT_SIZE;
use grid::{CELL_PADDING, Grid, MARGIN};
use grid::{paginate, positions};
use header::Header;
pub use page::{
    Arrow, CONNECTOR_HEIGHT, CONNECTOR_SHOULDER, CONNECTOR_WIDTH, Connector, Page, REJECT_HEIGHT,
    REJECT_WIDTH, RejectBox, Shape, SymbolBox, TextBlock,
};
use page::{Rect, SYMBOL_CLEARANCE, Segment, symbol_size};
use planner::Planner;
use text::cell_blocks;

/// Lays the flowchart table of `def` out, one `Page` per page of the official document.
pub fn layout(def: &SopDefinition, lang: Lang) -> Vec<Page> {
    let column_ids: Vec<&str> = def.columns().map(|actor| actor.id.as_str()).collect();
    let grid = Grid::new(column_ids.len().max(1));
    let pages = paginate(def);
    let positions = positions(def, &pages, &column_ids);
    let mut planner = Planner::new(def, &pages, &positions, grid.actors.len());
    planner.plan_all(def);
    let header = Header::new(def, &grid, lang);
    let texts: Vec<StepTexts> = def
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let drawn = column_ids.get(positions[index].column).copied();
            step_texts(def, step, drawn, lang)
        })
        .collect();

    let mut out = Vec::with_capacity(pages.len());
    let mut geometry = Geometry::default();
    for (page_index, rows) in pages.iter().enumerate() {
        let mut page = Page {
            number: page_index + 1,
            width: grid.width(),
            height: 0.0,
            header_fill: Rect {
                x: 0.0,
                y: 0.0,
                width: 0.0,
                height: 0.0,
            },
            rules: Vec::new(),
            texts: Vec::new(),
            symbols: Vec::new(),
            rejects: Vec::new(),
            connectors: Vec::new(),
            arrows: Vec::new(),
            labels: Vec::new(),
            steps: rows.iter().map(|&index| def.steps[index].no).collect(),
        };
        let mut y = header.draw(&grid, &mut page);
        for &index in rows {
            let step = &def.steps[index];
            let blocks = cell_blocks(&grid, step.no, &texts[index], y);
            let text_height = blocks
                .iter()
                .map(|block| block.height() + 2.0 * CELL_PADDING)
                .fold(0.0, f64::max);
            let (width, height) = symbol_size(step.kind);
            let top_extra = planner.top_extra[index];
            let bottom_extra = planner.bottom_extra[index];
            let band = top_extra + height + 2.0 * SYMBOL_CLEARANCE + bottom_extra;
            let row_height = text_height.max(band).ceil();
            let column = positions[index].column;
            let symbol = SymbolBox {
                step: step.no,
                kind: step.kind,
                column,
                cx: grid.actors[column].center(),
                cy: y + top_extra + (row_height - top_extra - bottom_extra) / 2.0,
                width,
                height,
            };
            geometry.rows.insert(index, (y, row_height));
            geometry.symbols.insert(index, symbol.clone());
            page.symbols.push(symbol);
            page.texts.extend(blocks);
            y += row_height;
            page.rules.push(Segment {
                x1: grid.no.x,
                y1: y,
                x2: grid.remarks.right(),
                y2: y,
            });
        }
        header.draw_columns(&grid, &mut page, y);
        page.height = y + MARGIN;
        out.push(page);
    }
    for plan in &planner.plans {
        draw_plan(plan, def, &grid, &positions, &geometry, lang, &mut out);
    }
    out
}
