//! What a laid-out page holds: symbols, arrows, connectors, text blocks and rules, in SVG
//! user units, for the writer to draw as they are.

use pelihara_sop::StepKind;

/// Symbol sizes, per shape.
const SYMBOL_WIDTH: f64 = 56.0;
const RECTANGLE_HEIGHT: f64 = 28.0;
const CAPSULE_HEIGHT: f64 = 26.0;
const DIAMOND_WIDTH: f64 = 58.0;
const DIAMOND_HEIGHT: f64 = 40.0;

/// Free height above and below a symbol, for the arrows that enter and leave it.
pub(super) const SYMBOL_CLEARANCE: f64 = 18.0;
/// Gap between a connector or reject capsule and the row's edge.
pub(super) const EDGE_GAP: f64 = 6.0;
/// Shortest arrow between a symbol and a connector or reject capsule below or above it.
pub(super) const SHORT_ARROW: f64 = 16.0;
/// How far an arrow leaving a symbol's bottom drops before it turns into a channel.
pub(super) const BOTTOM_DROP: f64 = 12.0;

/// The reject capsule and the off-page connector.
pub const REJECT_WIDTH: f64 = 50.0;
pub const REJECT_HEIGHT: f64 = 20.0;
pub const CONNECTOR_WIDTH: f64 = 22.0;
pub const CONNECTOR_HEIGHT: f64 = 24.0;
/// Height of the connector's square part; the point takes the rest.
pub const CONNECTOR_SHOULDER: f64 = 14.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
    Top,
    Bottom,
}

impl Side {
    pub(super) fn index(self) -> usize {
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
    pub(super) fn point(&self, side: Side, shift: f64) -> (f64, f64) {
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

pub(super) fn symbol_size(kind: StepKind) -> (f64, f64) {
    match kind {
        StepKind::Start | StepKind::End => (SYMBOL_WIDTH, CAPSULE_HEIGHT),
        StepKind::Activity => (SYMBOL_WIDTH, RECTANGLE_HEIGHT),
        StepKind::Decision => (DIAMOND_WIDTH, DIAMOND_HEIGHT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
