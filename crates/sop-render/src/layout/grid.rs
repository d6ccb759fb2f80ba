//! The cells of the step table: its columns left to right, and the page, row and column each
//! step is drawn in.

use pelihara_sop::SopDefinition;

/// Space around the table.
pub(super) const MARGIN: f64 = 8.0;
/// Cell text size.
pub const FONT_SIZE: f64 = 11.0;
/// Space between a cell's rules and its text.
pub(super) const CELL_PADDING: f64 = 5.0;

/// Column widths.
const NO_WIDTH: f64 = 34.0;
const ACTIVITY_WIDTH: f64 = 230.0;
const ACTOR_WIDTH: f64 = 80.0;
const REQUIREMENTS_WIDTH: f64 = 150.0;
const TIME_WIDTH: f64 = 64.0;
const OUTPUT_WIDTH: f64 = 160.0;
const REMARKS_WIDTH: f64 = 124.0;

/// A horizontal extent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub x: f64,
    pub width: f64,
}

impl Span {
    pub fn center(self) -> f64 {
        self.x + self.width / 2.0
    }

    pub fn right(self) -> f64 {
        self.x + self.width
    }
}

/// The columns of the step table.
#[derive(Debug, Clone)]
pub struct Grid {
    pub no: Span,
    pub activity: Span,
    pub actors: Vec<Span>,
    pub requirements: Span,
    pub time: Span,
    pub output: Span,
    pub remarks: Span,
}

impl Grid {
    pub fn new(actor_count: usize) -> Grid {
        let mut x = MARGIN;
        let mut take = |width: f64| {
            let span = Span { x, width };
            x += width;
            span
        };
        let no = take(NO_WIDTH);
        let activity = take(ACTIVITY_WIDTH);
        let actors = (0..actor_count).map(|_| take(ACTOR_WIDTH)).collect();
        let requirements = take(REQUIREMENTS_WIDTH);
        let time = take(TIME_WIDTH);
        let output = take(OUTPUT_WIDTH);
        let remarks = take(REMARKS_WIDTH);
        Grid {
            no,
            activity,
            actors,
            requirements,
            time,
            output,
            remarks,
        }
    }

    /// Every column left to right, as the number row counts them.
    pub fn columns(&self) -> Vec<Span> {
        let mut columns = vec![self.no, self.activity];
        columns.extend(self.actors.iter().copied());
        columns.extend([self.requirements, self.time, self.output, self.remarks]);
        columns
    }

    pub fn width(&self) -> f64 {
        self.remarks.right() + MARGIN
    }
}

/// Most steps on one page when the file names no page breaks. The approved Demak document
/// puts seven on its first A4 landscape page; seven rows of the usual height (about 85
/// units) under the headings fit the printed sheet (186 mm high for 277 mm of width) even
/// for a narrow table of four actor columns, and an F4 sheet is as wide for its height.
const ROWS_PER_PAGE: usize = 7;

/// Steps per page: the official document starts a new page after each step in
/// `layout.page_breaks`; a file that names none gets pages of at most `ROWS_PER_PAGE` steps.
pub(super) fn paginate(def: &SopDefinition) -> Vec<Vec<usize>> {
    if def.layout.page_breaks.is_empty() {
        return even_pages(def.steps.len());
    }
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    for (index, step) in def.steps.iter().enumerate() {
        let last = pages.len() - 1;
        pages[last].push(index);
        if def.layout.page_breaks.contains(&step.no) && index + 1 < def.steps.len() {
            pages.push(Vec::new());
        }
    }
    pages
}

/// `count` steps over as few pages as `ROWS_PER_PAGE` allows, as evenly as they go (25 steps
/// as 7, 6, 6, 6), so no last page holds a lone step.
fn even_pages(count: usize) -> Vec<Vec<usize>> {
    let pages = count.div_ceil(ROWS_PER_PAGE).max(1);
    let (size, longer) = (count / pages, count % pages);
    let mut start = 0;
    (0..pages)
        .map(|page| {
            let end = start + size + usize::from(page < longer);
            let rows = (start..end).collect();
            start = end;
            rows
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Position {
    pub(super) page: usize,
    pub(super) row: usize,
    pub(super) column: usize,
}

pub(super) fn positions(
    def: &SopDefinition,
    pages: &[Vec<usize>],
    column_ids: &[&str],
) -> Vec<Position> {
    let mut out = vec![
        Position {
            page: 0,
            row: 0,
            column: 0
        };
        def.steps.len()
    ];
    for (page, rows) in pages.iter().enumerate() {
        for (row, &index) in rows.iter().enumerate() {
            // Validation makes the first actor a column; a definition that names a
            // non-column first still draws, in its first column actor's lane.
            let column = def.steps[index]
                .actors
                .iter()
                .find_map(|id| column_ids.iter().position(|column| column == id))
                .unwrap_or(0);
            out[index] = Position { page, row, column };
        }
    }
    out
}

pub(super) fn span_over(spans: &[Span]) -> Span {
    match (spans.first(), spans.last()) {
        (Some(first), Some(last)) => Span {
            x: first.x,
            width: last.right() - first.x,
        },
        _ => Span { x: 0.0, width: 0.0 },
    }
}

#[cfg(test)]
mod tests {
    use super::even_pages;

    #[test]
    fn spreads_steps_evenly_over_the_fewest_pages() {
        let sizes = |count| even_pages(count).iter().map(Vec::len).collect::<Vec<_>>();
        assert_eq!(sizes(0), [0]);
        assert_eq!(sizes(7), [7]);
        assert_eq!(sizes(8), [4, 4]);
        assert_eq!(sizes(10), [5, 5]);
        assert_eq!(sizes(25), [7, 6, 6, 6]);
        assert_eq!(even_pages(9).concat(), (0..9).collect::<Vec<_>>());
    }
}
