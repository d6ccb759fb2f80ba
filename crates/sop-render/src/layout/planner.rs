//! The route of every link, decided before row heights are known: routes depend only on which
//! page, row and column each step is in.

use std::collections::HashSet;

use pelihara_sop::{SopDefinition, StepKind, Target};

use super::grid::{Grid, Position};
use super::page::{
    BOTTOM_DROP, Branch, CONNECTOR_HEIGHT, EDGE_GAP, REJECT_HEIGHT, SHORT_ARROW, Side,
};

/// How far above the centre an arrow enters a side another arrow already leaves from.
const SHARED_SIDE_SHIFT: f64 = -8.0;
/// Distance of an edge lane from its column's rule.
const LANE_INSET: f64 = 6.0;

/// Where a channel runs: down the middle of an actor column, or along one of its edges (a
/// lane, beside the symbols) when no column is empty over the rows it spans.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Track {
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

    pub(super) fn x(self, grid: &Grid) -> f64 {
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
pub(super) struct Placement {
    pub(super) side: Side,
    pub(super) column: usize,
}

#[derive(Debug, Clone)]
pub(super) enum Plan {
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
pub(super) struct Planner {
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
    pub(super) top_extra: Vec<f64>,
    pub(super) bottom_extra: Vec<f64>,
    pub(super) plans: Vec<Plan>,
    connectors: usize,
}

impl Planner {
    pub(super) fn new(
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
    pub(super) fn plan_all(&mut self, def: &SopDefinition) {
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
pub(super) fn columns_between(from: usize, to: usize) -> impl Iterator<Item = usize> {
    let (low, high) = if from < to {
        (from + 1, to)
    } else {
        (to, from.saturating_sub(1))
    };
    let empty = from == to;
    (low..=high).filter(move |_| !empty)
}

/// A, B, ..., Z, then AA, AB, ...
pub(super) fn connector_label(index: usize) -> String {
    let letter = |n: usize| char::from(b'A' + (n % 26) as u8);
    if index < 26 {
        letter(index).to_string()
    } else {
        format!("{}{}", letter(index / 26 - 1), letter(index))
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
}
