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

use std::collections::HashSet;

use pelihara_i18n::{Lang, t};
use pelihara_sop::{SopDefinition, StepKind, Target};

use crate::cells::{StepTexts, step_texts};
use crate::wrap::wrap;

/// Space around the table.
pub const MARGIN: f64 = 8.0;
/// Cell text size and line pitch.
pub const FONT_SIZE: f64 = 11.0;
const LINE_HEIGHT: f64 = 14.0;
/// Column heading text size and line pitch (bold).
const HEADER_FONT_SIZE: f64 = 10.0;
const HEADER_LINE_HEIGHT: f64 = 12.5;
/// Average advance of one character in ems. DejaVu Sans, the widest of the fonts the SVG
/// names, averages a little under this over Indonesian text, so lines estimated with it fit.
const CHAR_EM: f64 = 0.57;
/// Bold text is wider.
const BOLD_FACTOR: f64 = 1.1;
const CELL_PADDING: f64 = 5.0;

const NO_WIDTH: f64 = 34.0;
const ACTIVITY_WIDTH: f64 = 230.0;
const ACTOR_WIDTH: f64 = 80.0;
const REQUIREMENTS_WIDTH: f64 = 150.0;
const TIME_WIDTH: f64 = 64.0;
const OUTPUT_WIDTH: f64 = 160.0;
const REMARKS_WIDTH: f64 = 124.0;

const GROUP_ROW_HEIGHT: f64 = 22.0;
const NUMBER_ROW_HEIGHT: f64 = 16.0;

pub const SYMBOL_WIDTH: f64 = 56.0;
const RECTANGLE_HEIGHT: f64 = 28.0;
const CAPSULE_HEIGHT: f64 = 26.0;
const DIAMOND_WIDTH: f64 = 58.0;
const DIAMOND_HEIGHT: f64 = 40.0;
/// Free height above and below a symbol, for the arrows that enter and leave it.
const SYMBOL_CLEARANCE: f64 = 18.0;

pub const REJECT_WIDTH: f64 = 50.0;
pub const REJECT_HEIGHT: f64 = 20.0;
pub const CONNECTOR_WIDTH: f64 = 22.0;
pub const CONNECTOR_HEIGHT: f64 = 24.0;
/// Height of the connector's square part; the point takes the rest.
pub const CONNECTOR_SHOULDER: f64 = 14.0;
/// Gap between a connector or reject capsule and the row's edge.
const EDGE_GAP: f64 = 6.0;
/// Shortest arrow between a symbol and a connector or reject capsule below or above it.
const SHORT_ARROW: f64 = 16.0;
/// How far an arrow leaving a symbol's bottom drops before it turns into a channel.
const BOTTOM_DROP: f64 = 12.0;
/// How far above the centre an arrow enters a side another arrow already leaves from.
const SHARED_SIDE_SHIFT: f64 = -8.0;
/// How far a capsule or connector beside a symbol sits outward from its column's centre,
/// leaving room for a "Tidak" label on the arrow to it.
const SIDE_ITEM_OFFSET: f64 = 8.0;
/// Distance of an edge lane from its column's rule.
const LANE_INSET: f64 = 6.0;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
    Top,
    Bottom,
}

impl Side {
    fn index(self) -> usize {
        match self {
            Side::Left => 0,
            Side::Right => 1,
            Side::Top => 2,
            Side::Bottom => 3,
        }
    }
}

/// Which branch of a step an arrow draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// The only way on from a start or activity step.
    Next,
    /// A decision's `next`.
    Yes,
    /// A decision's `if_no`.
    No,
}

impl Branch {
    pub fn name(self) -> &'static str {
        match self {
            Branch::Next => "next",
            Branch::Yes => "yes",
            Branch::No => "no",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Capsule,
    Rectangle,
    Diamond,
}

/// A step's symbol.
#[derive(Debug, Clone)]
pub struct SymbolBox {
    pub step: u32,
    pub kind: StepKind,
    /// Index into `Grid::actors`.
    pub column: usize,
    pub cx: f64,
    pub cy: f64,
    pub width: f64,
    pub height: f64,
}

impl SymbolBox {
    pub fn shape(&self) -> Shape {
        match self.kind {
            StepKind::Start | StepKind::End => Shape::Capsule,
            StepKind::Activity => Shape::Rectangle,
            StepKind::Decision => Shape::Diamond,
        }
    }

    /// Where an arrow meets the outline on `side`, `shift` above (negative) or below the
    /// centre line for the left and right sides.
    fn point(&self, side: Side, shift: f64) -> (f64, f64) {
        let half_width = self.width / 2.0;
        let half_height = self.height / 2.0;
        let reach = match self.shape() {
            Shape::Rectangle => half_width,
            Shape::Diamond => half_width * (1.0 - shift.abs() / half_height).max(0.0),
            Shape::Capsule => {
                let radius = half_height;
                let dy = shift.abs().min(radius);
                half_width - radius + (radius * radius - dy * dy).sqrt()
            }
        };
        match side {
            Side::Left => (self.cx - reach, self.cy + shift),
            Side::Right => (self.cx + reach, self.cy + shift),
            Side::Top => (self.cx, self.cy - half_height),
            Side::Bottom => (self.cx, self.cy + half_height),
        }
    }
}

/// The small end capsule a decision's "no" leads to when it rejects the request.
#[derive(Debug, Clone)]
pub struct RejectBox {
    pub step: u32,
    pub cx: f64,
    pub cy: f64,
    pub label: String,
}

/// One half of an off-page connector pair.
#[derive(Debug, Clone)]
pub struct Connector {
    pub label: String,
    /// True on the page the link leaves, false on the page it arrives at.
    pub outgoing: bool,
    pub from: u32,
    pub to: u32,
    pub cx: f64,
    pub top: f64,
}

#[derive(Debug, Clone)]
pub struct Arrow {
    pub from: u32,
    /// `None` when the arrow ends at a reject capsule.
    pub to: Option<u32>,
    pub branch: Branch,
    /// A polyline of horizontal and vertical segments; the head is at the last point.
    pub points: Vec<(f64, f64)>,
}

/// "Ya"/"Tidak" beside the start of a decision's arrow.
#[derive(Debug, Clone)]
pub struct BranchLabel {
    pub text: String,
    pub x: f64,
    pub y: f64,
    /// Text ends at `x` (it sits left of the arrow) rather than starts there.
    pub anchor_end: bool,
}

#[derive(Debug, Clone)]
pub struct TextLine {
    pub text: String,
    pub x: f64,
    pub italic: bool,
}

/// Lines of one cell.
#[derive(Debug, Clone)]
pub struct TextBlock {
    /// What the cell holds, for the writer's class attribute (e.g. `cell-activity`).
    pub class: &'static str,
    pub step: Option<u32>,
    /// The top of the first line box.
    pub top: f64,
    pub size: f64,
    pub line_height: f64,
    /// Lines are centred on their `x` rather than starting there.
    pub middle: bool,
    pub bold: bool,
    pub lines: Vec<TextLine>,
}

impl TextBlock {
    pub fn height(&self) -> f64 {
        self.lines.len() as f64 * self.line_height
    }

    /// The baseline of line `index`.
    pub fn baseline(&self, index: usize) -> f64 {
        // Puts the text's x-height in the middle of its line box.
        self.top + index as f64 * self.line_height + (self.line_height + self.size * 0.72) / 2.0
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Segment {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// One page of the flowchart table.
#[derive(Debug, Clone)]
pub struct Page {
    /// 1-based.
    pub number: usize,
    pub width: f64,
    pub height: f64,
    pub header_fill: Rect,
    pub rules: Vec<Segment>,
    pub texts: Vec<TextBlock>,
    pub symbols: Vec<SymbolBox>,
    pub rejects: Vec<RejectBox>,
    pub connectors: Vec<Connector>,
    pub arrows: Vec<Arrow>,
    pub labels: Vec<BranchLabel>,
    /// The steps on this page, in order.
    pub steps: Vec<u32>,
}

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

/// Steps per page: the official document starts a new page after each step in
/// `layout.page_breaks`.
fn paginate(def: &SopDefinition) -> Vec<Vec<usize>> {
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

#[derive(Debug, Clone, Copy)]
struct Position {
    page: usize,
    row: usize,
    column: usize,
}

fn positions(def: &SopDefinition, pages: &[Vec<usize>], column_ids: &[&str]) -> Vec<Position> {
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

fn symbol_size(kind: StepKind) -> (f64, f64) {
    match kind {
        StepKind::Start | StepKind::End => (SYMBOL_WIDTH, CAPSULE_HEIGHT),
        StepKind::Activity => (SYMBOL_WIDTH, RECTANGLE_HEIGHT),
        StepKind::Decision => (DIAMOND_WIDTH, DIAMOND_HEIGHT),
    }
}

/// Where a channel runs: down the middle of an actor column, or along one of its edges (a
/// lane, beside the symbols) when no column is empty over the rows it spans.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Track {
    column: usize,
    lane: Option<Side>,
}

impl Track {
    /// Left-to-right order of tracks, in column units.
    fn place(self) -> f64 {
        match self.lane {
            None => self.column as f64,
            Some(Side::Left) => self.column as f64 - 0.4,
            Some(_) => self.column as f64 + 0.4,
        }
    }

    /// The side of a symbol in `column` that faces this track.
    fn entry_side(self, column: usize) -> Side {
        if self.place() > column as f64 {
            Side::Right
        } else {
            Side::Left
        }
    }

    fn x(self, grid: &Grid) -> f64 {
        let span = grid.actors[self.column];
        match self.lane {
            None => span.center(),
            Some(Side::Left) => span.x + LANE_INSET,
            Some(_) => span.right() - LANE_INSET,
        }
    }
}

/// Where one end of an off-page link sits: below/above its step in the same column, or in
/// the column beside it.
#[derive(Debug, Clone, Copy)]
struct Placement {
    side: Side,
    column: usize,
}

#[derive(Debug, Clone)]
enum Plan {
    /// Down the same column into the next symbol's top.
    Straight {
        from: usize,
        to: usize,
        branch: Branch,
    },
    /// Out of a side, across to the target's column, down into its top.
    Elbow {
        from: usize,
        to: usize,
        side: Side,
        branch: Branch,
    },
    /// Out of `exit`, along a vertical channel on `track`, into the
    /// target's `entry` side (`shift` from its centre line).
    Channel {
        from: usize,
        to: usize,
        exit: Side,
        track: Track,
        entry: Side,
        shift: f64,
        branch: Branch,
    },
    /// To a "rejected" capsule beside (or below) a decision.
    Reject {
        from: usize,
        place: Placement,
        branch: Branch,
    },
    /// To another page through a pair of connectors.
    OffPage {
        from: usize,
        to: usize,
        label: String,
        out: Placement,
        into: Placement,
        branch: Branch,
    },
}

/// Decides every link's route before heights are known: routes depend only on which
/// page, row and column each step is in. Cells are (page, actor column, row).
struct Planner {
    positions: Vec<Position>,
    rows_per_page: Vec<usize>,
    actor_count: usize,
    sides: Vec<[bool; 4]>,
    symbols: HashSet<(usize, usize, usize)>,
    verticals: HashSet<(usize, usize, usize)>,
    horizontals: HashSet<(usize, usize, usize)>,
    items: HashSet<(usize, usize, usize)>,
    /// Edge lanes in use: (page, column, side index, row).
    lanes: HashSet<(usize, usize, usize, usize)>,
    top_extra: Vec<f64>,
    bottom_extra: Vec<f64>,
    plans: Vec<Plan>,
    connectors: usize,
}

impl Planner {
    fn new(
        def: &SopDefinition,
        pages: &[Vec<usize>],
        positions: &[Position],
        actor_count: usize,
    ) -> Planner {
        Planner {
            positions: positions.to_vec(),
            rows_per_page: pages.iter().map(Vec::len).collect(),
            actor_count,
            sides: vec![[false; 4]; def.steps.len()],
            symbols: positions
                .iter()
                .map(|p| (p.page, p.column, p.row))
                .collect(),
            verticals: HashSet::new(),
            horizontals: HashSet::new(),
            items: HashSet::new(),
            lanes: HashSet::new(),
            top_extra: vec![0.0; def.steps.len()],
            bottom_extra: vec![0.0; def.steps.len()],
            plans: Vec::new(),
            connectors: 0,
        }
    }

    /// Every `next` first (the main flow gets the straightest routes), then every "no".
    fn plan_all(&mut self, def: &SopDefinition) {
        let index_of = |no: u32| def.steps.iter().position(|step| step.no == no);
        for (index, step) in def.steps.iter().enumerate() {
            let branch = if step.kind == StepKind::Decision {
                Branch::Yes
            } else {
                Branch::Next
            };
            if let Some(target) = step.next.and_then(index_of) {
                self.plan_link(index, target, branch);
            }
        }
        for (index, step) in def.steps.iter().enumerate() {
            match step.decision.as_ref().map(|decision| decision.if_no) {
                Some(Target::Step(no)) => {
                    if let Some(target) = index_of(no) {
                        self.plan_link(index, target, Branch::No);
                    }
                }
                Some(Target::Reject) => self.plan_reject(index),
                // Back to the requester: drawn, as paper SOPs do, as a "no" arrow to the start.
                Some(Target::Return) => {
                    let start = def
                        .steps
                        .iter()
                        .position(|step| step.kind == StepKind::Start);
                    if let Some(target) = start {
                        self.plan_link(index, target, Branch::No);
                    }
                }
                None => {}
            }
        }
    }

    fn side_free(&self, index: usize, side: Side) -> bool {
        !self.sides[index][side.index()]
    }

    fn claim(&mut self, index: usize, side: Side) {
        self.sides[index][side.index()] = true;
    }

    /// Whether a connector or capsule may sit in this cell.
    fn cell_open(&self, page: usize, column: usize, row: usize) -> bool {
        let cell = (page, column, row);
        !self.symbols.contains(&cell)
            && !self.verticals.contains(&cell)
            && !self.horizontals.contains(&cell)
            && !self.items.contains(&cell)
    }

    /// Whether a vertical line may run down `column` over rows `from..=to` (empty when
    /// `from > to`); it may cross horizontal lines, never symbols, items or other verticals.
    fn column_clear(&self, page: usize, column: usize, from: usize, to: usize) -> bool {
        (from..=to).all(|row| {
            let cell = (page, column, row);
            !self.symbols.contains(&cell)
                && !self.verticals.contains(&cell)
                && !self.items.contains(&cell)
        })
    }

    /// Whether a horizontal line may run along `row` from `from` (exclusive) to `to`
    /// (inclusive): no connector or capsule in the way.
    fn row_passable(&self, page: usize, row: usize, from: usize, to: usize) -> bool {
        columns_between(from, to).all(|column| !self.items.contains(&(page, column, row)))
    }

    fn mark_vertical(&mut self, page: usize, column: usize, from: usize, to: usize) {
        for row in from..=to {
            self.verticals.insert((page, column, row));
        }
    }

    fn mark_horizontal(&mut self, page: usize, row: usize, from: usize, to: usize) {
        for column in columns_between(from, to) {
            self.horizontals.insert((page, column, row));
        }
    }

    fn plan_link(&mut self, from: usize, to: usize, branch: Branch) {
        let (source, target) = (self.positions[from], self.positions[to]);
        if source.page != target.page {
            self.plan_off_page(from, to, branch);
            return;
        }
        let page = source.page;
        if target.row > source.row {
            if source.column == target.column
                && self.side_free(from, Side::Bottom)
                && self.column_clear(page, source.column, source.row + 1, target.row - 1)
            {
                self.claim(from, Side::Bottom);
                self.claim(to, Side::Top);
                self.mark_vertical(page, source.column, source.row, target.row);
                self.plans.push(Plan::Straight { from, to, branch });
                return;
            }
            let side = if target.column > source.column {
                Side::Right
            } else {
                Side::Left
            };
            if source.column != target.column
                && self.side_free(from, side)
                && self.row_passable(page, source.row, source.column, target.column)
                && self.column_clear(page, target.column, source.row, target.row - 1)
            {
                self.claim(from, side);
                self.claim(to, Side::Top);
                self.mark_horizontal(page, source.row, source.column, target.column);
                self.mark_vertical(page, target.column, source.row, target.row);
                self.plans.push(Plan::Elbow {
                    from,
                    to,
                    side,
                    branch,
                });
                return;
            }
        }
        self.plan_channel(from, to, branch);
    }

    fn plan_channel(&mut self, from: usize, to: usize, branch: Branch) {
        let (source, target) = (self.positions[from], self.positions[to]);
        let page = source.page;
        let (low, high) = (source.row.min(target.row), source.row.max(target.row));
        let mut tracks = Vec::new();
        for column in 0..self.actor_count {
            tracks.push(Track { column, lane: None });
            tracks.push(Track {
                column,
                lane: Some(Side::Left),
            });
            tracks.push(Track {
                column,
                lane: Some(Side::Right),
            });
        }
        let mut best: Option<(f64, Side, Track)> = None;
        for exit in [Side::Right, Side::Left, Side::Bottom] {
            if !self.side_free(from, exit) {
                continue;
            }
            for &track in &tracks {
                let place = track.place();
                let from_column = source.column as f64;
                let heads_right = match exit {
                    Side::Right => place > from_column,
                    Side::Left => place < from_column,
                    _ => place != from_column,
                };
                if !heads_right || !self.track_clear(page, track, low, high) {
                    continue;
                }
                if !self.row_passable(page, source.row, source.column, track.column)
                    || !self.row_passable(page, target.row, target.column, track.column)
                {
                    continue;
                }
                let entry = track.entry_side(target.column);
                let mut score = (place - from_column).abs() + (place - target.column as f64).abs();
                if track.lane.is_some() {
                    // Edge lanes run close to symbols and rules: only when no column is empty.
                    score += 3.0;
                }
                if exit == Side::Bottom {
                    score += 0.5;
                }
                if !self.side_free(to, entry) {
                    score += 2.0;
                }
                if best.is_none_or(|(best_score, _, _)| score < best_score) {
                    best = Some((score, exit, track));
                }
            }
        }
        // Nothing is free over those rows: run along the chart's left edge anyway; the chart
        // stays complete, if less tidy.
        let (exit, track) = best
            .map(|(_, exit, track)| (exit, track))
            .unwrap_or_else(|| {
                let exit = [Side::Left, Side::Bottom, Side::Right]
                    .into_iter()
                    .find(|&side| self.side_free(from, side))
                    .unwrap_or(Side::Left);
                (
                    exit,
                    Track {
                        column: 0,
                        lane: Some(Side::Left),
                    },
                )
            });
        let entry = track.entry_side(target.column);
        let shift = if self.side_free(to, entry) {
            0.0
        } else {
            SHARED_SIDE_SHIFT
        };
        self.claim(from, exit);
        self.claim(to, entry);
        if exit == Side::Bottom {
            self.bottom_extra[from] = self.bottom_extra[from].max(BOTTOM_DROP + 6.0);
        }
        match track.lane {
            None => self.mark_vertical(page, track.column, low, high),
            Some(side) => {
                for row in low..=high {
                    self.lanes.insert((page, track.column, side.index(), row));
                }
            }
        }
        self.mark_horizontal(page, source.row, source.column, track.column);
        self.mark_horizontal(page, target.row, target.column, track.column);
        self.plans.push(Plan::Channel {
            from,
            to,
            exit,
            track,
            entry,
            shift,
            branch,
        });
    }

    /// Whether a channel may run along `track` over rows `from..=to`.
    fn track_clear(&self, page: usize, track: Track, from: usize, to: usize) -> bool {
        match track.lane {
            None => self.column_clear(page, track.column, from, to),
            Some(side) => (from..=to).all(|row| {
                !self.items.contains(&(page, track.column, row))
                    && !self
                        .lanes
                        .contains(&(page, track.column, side.index(), row))
            }),
        }
    }

    /// A free side of the step with an open cell beside it, from `sides` in order.
    fn side_slot(&self, index: usize, sides: &[Side]) -> Option<Placement> {
        let position = self.positions[index];
        sides.iter().find_map(|&side| {
            let column = match side {
                Side::Right if position.column + 1 < self.actor_count => position.column + 1,
                Side::Left if position.column > 0 => position.column - 1,
                _ => return None,
            };
            (self.side_free(index, side) && self.cell_open(position.page, column, position.row))
                .then_some(Placement { side, column })
        })
    }

    fn place_item(&mut self, index: usize, place: Placement) {
        let position = self.positions[index];
        self.claim(index, place.side);
        self.items
            .insert((position.page, place.column, position.row));
    }

    fn plan_reject(&mut self, from: usize) {
        let column = self.positions[from].column;
        let place = self
            .side_slot(from, &[Side::Right, Side::Left])
            .unwrap_or(Placement {
                side: Side::Bottom,
                column,
            });
        if place.side == Side::Bottom {
            self.bottom_extra[from] =
                self.bottom_extra[from].max(SHORT_ARROW + REJECT_HEIGHT + EDGE_GAP);
        }
        self.place_item(from, place);
        self.plans.push(Plan::Reject {
            from,
            place,
            branch: Branch::No,
        });
    }

    fn plan_off_page(&mut self, from: usize, to: usize, branch: Branch) {
        let (source, target) = (self.positions[from], self.positions[to]);
        let label = connector_label(self.connectors);
        self.connectors += 1;
        let across_break = source.row + 1 == self.rows_per_page[source.page]
            && target.page == source.page + 1
            && target.row == 0;
        let connector_room = EDGE_GAP + CONNECTOR_HEIGHT + SHORT_ARROW;
        let out = if across_break && self.side_free(from, Side::Bottom) {
            Placement {
                side: Side::Bottom,
                column: source.column,
            }
        } else {
            self.side_slot(from, &[Side::Right, Side::Left])
                .unwrap_or(Placement {
                    side: Side::Bottom,
                    column: source.column,
                })
        };
        let into = if across_break && out.side == Side::Bottom && self.side_free(to, Side::Top) {
            Placement {
                side: Side::Top,
                column: target.column,
            }
        } else {
            self.side_slot(to, &[Side::Right, Side::Left])
                .unwrap_or(Placement {
                    side: Side::Top,
                    column: target.column,
                })
        };
        if out.side == Side::Bottom {
            self.bottom_extra[from] = self.bottom_extra[from].max(connector_room);
        }
        if into.side == Side::Top {
            self.top_extra[to] = self.top_extra[to].max(connector_room);
        }
        self.place_item(from, out);
        self.place_item(to, into);
        self.plans.push(Plan::OffPage {
            from,
            to,
            label,
            out,
            into,
            branch,
        });
    }
}

/// Columns strictly after `from` up to and including `to`, in either direction.
fn columns_between(from: usize, to: usize) -> impl Iterator<Item = usize> {
    let (low, high) = if from < to {
        (from + 1, to)
    } else {
        (to, from.saturating_sub(1))
    };
    let empty = from == to;
    (low..=high).filter(move |_| !empty)
}

/// A, B, ..., Z, then AA, AB, ...
fn connector_label(index: usize) -> String {
    let letter = |n: usize| char::from(b'A' + (n % 26) as u8);
    if index < 26 {
        letter(index).to_string()
    } else {
        format!("{}{}", letter(index / 26 - 1), letter(index))
    }
}

/// Row extents and symbols of every step, by step index, once heights are known.
#[derive(Default)]
struct Geometry {
    rows: std::collections::HashMap<usize, (f64, f64)>,
    symbols: std::collections::HashMap<usize, SymbolBox>,
}

fn draw_plan(
    plan: &Plan,
    def: &SopDefinition,
    grid: &Grid,
    positions: &[Position],
    geometry: &Geometry,
    lang: Lang,
    pages: &mut [Page],
) {
    let symbol = |index: usize| geometry.symbols.get(&index);
    let no = |index: usize| def.steps[index].no;
    match plan {
        Plan::Straight { from, to, branch } => {
            let (Some(source), Some(target)) = (symbol(*from), symbol(*to)) else {
                return;
            };
            let points = vec![
                source.point(Side::Bottom, 0.0),
                target.point(Side::Top, 0.0),
            ];
            push_arrow(
                &mut pages[positions[*from].page],
                no(*from),
                Some(no(*to)),
                *branch,
                points,
                lang,
            );
        }
        Plan::Elbow {
            from,
            to,
            side,
            branch,
        } => {
            let (Some(source), Some(target)) = (symbol(*from), symbol(*to)) else {
                return;
            };
            let start = source.point(*side, 0.0);
            let end = target.point(Side::Top, 0.0);
            let points = vec![start, (end.0, start.1), end];
            push_arrow(
                &mut pages[positions[*from].page],
                no(*from),
                Some(no(*to)),
                *branch,
                points,
                lang,
            );
        }
        Plan::Channel {
            from,
            to,
            exit,
            track,
            entry,
            shift,
            branch,
        } => {
            let (Some(source), Some(target)) = (symbol(*from), symbol(*to)) else {
                return;
            };
            let x = track.x(grid);
            let end = target.point(*entry, *shift);
            let start = source.point(*exit, 0.0);
            let mut points = vec![start];
            if *exit == Side::Bottom {
                let drop = start.1 + BOTTOM_DROP;
                points.extend([(start.0, drop), (x, drop)]);
            } else {
                points.push((x, start.1));
            }
            points.extend([(x, end.1), end]);
            push_arrow(
                &mut pages[positions[*from].page],
                no(*from),
                Some(no(*to)),
                *branch,
                points,
                lang,
            );
        }
        Plan::Reject {
            from,
            place,
            branch,
        } => {
            let Some(source) = symbol(*from) else { return };
            let Some(&(row_top, row_height)) = geometry.rows.get(from) else {
                return;
            };
            let (reject, points) = match place.side {
                Side::Bottom => {
                    let cy = row_top + row_height - EDGE_GAP - REJECT_HEIGHT / 2.0;
                    let start = source.point(Side::Bottom, 0.0);
                    (
                        RejectBox {
                            step: no(*from),
                            cx: source.cx,
                            cy,
                            label: String::new(),
                        },
                        vec![start, (start.0, cy - REJECT_HEIGHT / 2.0)],
                    )
                }
                side => {
                    let cx = side_item_center(grid, *place);
                    let start = source.point(side, 0.0);
                    let edge = if side == Side::Right {
                        cx - REJECT_WIDTH / 2.0
                    } else {
                        cx + REJECT_WIDTH / 2.0
                    };
                    (
                        RejectBox {
                            step: no(*from),
                            cx,
                            cy: source.cy,
                            label: String::new(),
                        },
                        vec![start, (edge, start.1)],
                    )
                }
            };
            let page = &mut pages[positions[*from].page];
            page.rejects.push(RejectBox {
                label: t(lang, "render-rejected"),
                ..reject
            });
            push_arrow(page, no(*from), None, *branch, points, lang);
        }
        Plan::OffPage {
            from,
            to,
            label,
            out,
            into,
            branch,
        } => {
            let (Some(source), Some(target)) = (symbol(*from), symbol(*to)) else {
                return;
            };
            let (Some(&(source_top, source_height)), Some(&(target_top, _))) =
                (geometry.rows.get(from), geometry.rows.get(to))
            else {
                return;
            };
            // The leaving half.
            let (cx, top, points) = match out.side {
                Side::Bottom => {
                    let top = source_top + source_height - EDGE_GAP - CONNECTOR_HEIGHT;
                    let start = source.point(Side::Bottom, 0.0);
                    (source.cx, top, vec![start, (source.cx, top)])
                }
                side => {
                    let cx = side_item_center(grid, *out);
                    let start = source.point(side, 0.0);
                    let edge = if side == Side::Right {
                        cx - CONNECTOR_WIDTH / 2.0
                    } else {
                        cx + CONNECTOR_WIDTH / 2.0
                    };
                    (
                        cx,
                        source.cy - CONNECTOR_HEIGHT / 2.0,
                        vec![start, (edge, start.1)],
                    )
                }
            };
            let page = &mut pages[positions[*from].page];
            page.connectors.push(Connector {
                label: label.clone(),
                outgoing: true,
                from: no(*from),
                to: no(*to),
                cx,
                top,
            });
            push_arrow(page, no(*from), Some(no(*to)), *branch, points, lang);
            // The arriving half.
            let (cx, top, points) = match into.side {
                Side::Top => {
                    let top = target_top + EDGE_GAP;
                    let end = target.point(Side::Top, 0.0);
                    (
                        target.cx,
                        top,
                        vec![(target.cx, top + CONNECTOR_HEIGHT), end],
                    )
                }
                side => {
                    let cx = side_item_center(grid, *into);
                    let end = target.point(side, 0.0);
                    let edge = if side == Side::Right {
                        cx - CONNECTOR_WIDTH / 2.0
                    } else {
                        cx + CONNECTOR_WIDTH / 2.0
                    };
                    (
                        cx,
                        target.cy - CONNECTOR_HEIGHT / 2.0,
                        vec![(edge, end.1), end],
                    )
                }
            };
            let page = &mut pages[positions[*to].page];
            page.connectors.push(Connector {
                label: label.clone(),
                outgoing: false,
                from: no(*from),
                to: no(*to),
                cx,
                top,
            });
            // The "Ya"/"Tidak" label stays on the leaving half only.
            page.arrows.push(Arrow {
                from: no(*from),
                to: Some(no(*to)),
                branch: *branch,
                points,
            });
        }
    }
}

/// The centre of a capsule or connector placed beside a symbol.
fn side_item_center(grid: &Grid, place: Placement) -> f64 {
    let outward = if place.side == Side::Left {
        -SIDE_ITEM_OFFSET
    } else {
        SIDE_ITEM_OFFSET
    };
    grid.actors[place.column].center() + outward
}

/// Adds an arrow, and its "Ya"/"Tidak" label beside its first segment for a decision.
fn push_arrow(
    page: &mut Page,
    from: u32,
    to: Option<u32>,
    branch: Branch,
    points: Vec<(f64, f64)>,
    lang: Lang,
) {
    let key = match branch {
        Branch::Next => None,
        Branch::Yes => Some("render-branch-yes"),
        Branch::No => Some("render-branch-no"),
    };
    if let (Some(key), [first, second, ..]) = (key, points.as_slice()) {
        let text = t(lang, key);
        let label = if (second.0 - first.0).abs() < f64::EPSILON {
            // Leaves downwards: label right of the line, just under the symbol.
            BranchLabel {
                text,
                x: first.0 + 4.0,
                y: first.1 + 11.0,
                anchor_end: false,
            }
        } else if second.0 > first.0 {
            BranchLabel {
                text,
                x: first.0 + 3.0,
                y: first.1 - 5.0,
                anchor_end: false,
            }
        } else {
            BranchLabel {
                text,
                x: first.0 - 3.0,
                y: first.1 - 5.0,
                anchor_end: true,
            }
        };
        page.labels.push(label);
    }
    page.arrows.push(Arrow {
        from,
        to,
        branch,
        points,
    });
}

/// The characters of `size`-pixel text that fit in `width` with cell padding.
fn chars_fitting(width: f64, size: f64, bold: bool) -> usize {
    let advance = size * CHAR_EM * if bold { BOLD_FACTOR } else { 1.0 };
    (((width - 2.0 * CELL_PADDING) / advance).floor() as usize).max(1)
}

/// The text blocks of one step row, tops at `top`.
fn cell_blocks(grid: &Grid, no: u32, texts: &StepTexts, top: f64) -> Vec<TextBlock> {
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
        block(
            "cell-remarks",
            false,
            list_lines(grid.remarks, &texts.remarks),
        ),
    ]
}

/// A list as the official form writes it: "- item", wrapped lines hanging under the text.
fn list_lines(span: Span, items: &[String]) -> Vec<TextLine> {
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

/// The three heading rows of the step table, repeated on every page.
struct Header {
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
    fn new(def: &SopDefinition, grid: &Grid, lang: Lang) -> Header {
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
    fn draw(&self, grid: &Grid, page: &mut Page) -> f64 {
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
    fn draw_columns(&self, grid: &Grid, page: &mut Page, bottom: f64) {
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

fn span_over(spans: &[Span]) -> Span {
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
    use super::*;

    #[test]
    fn labels_connectors_with_letters() {
        assert_eq!(connector_label(0), "A");
        assert_eq!(connector_label(25), "Z");
        assert_eq!(connector_label(26), "AA");
        assert_eq!(connector_label(27), "AB");
    }

    #[test]
    fn walks_columns_between_in_both_directions() {
        assert_eq!(columns_between(1, 4).collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(columns_between(4, 1).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(columns_between(2, 2).count(), 0);
    }

    #[test]
    fn finds_where_arrows_meet_each_outline() {
        let mut symbol = SymbolBox {
            step: 1,
            kind: StepKind::Decision,
            column: 0,
            cx: 100.0,
            cy: 50.0,
            width: 60.0,
            height: 40.0,
        };
        assert_eq!(symbol.point(Side::Right, 0.0), (130.0, 50.0));
        assert_eq!(symbol.point(Side::Left, -10.0), (85.0, 40.0));
        assert_eq!(symbol.point(Side::Top, 0.0), (100.0, 30.0));
        symbol.kind = StepKind::Activity;
        assert_eq!(symbol.point(Side::Left, -10.0), (70.0, 40.0));
        assert_eq!(symbol.point(Side::Bottom, 0.0), (100.0, 70.0));
    }
}
