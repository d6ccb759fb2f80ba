//! Turns each planned route into arrows, reject capsules and connector pairs once the rows'
//! heights and the symbols' places are known.

use pelihara_i18n::{Lang, t};
use pelihara_sop::SopDefinition;

use super::grid::{Grid, Position};
use super::page::{
    Arrow, BOTTOM_DROP, Branch, BranchLabel, CONNECTOR_HEIGHT, CONNECTOR_WIDTH, Connector,
    EDGE_GAP, Page, REJECT_HEIGHT, REJECT_WIDTH, RejectBox, Side, SymbolBox,
};
use super::planner::{Placement, Plan};

/// How far a capsule or connector beside a symbol sits outward from its column's centre,
/// leaving room for a "Tidak" label on the arrow to it.
const SIDE_ITEM_OFFSET: f64 = 8.0;

/// Row extents and symbols of every step, by step index, once heights are known.
#[derive(Default)]
pub(super) struct Geometry {
    pub(super) rows: std::collections::HashMap<usize, (f64, f64)>,
    pub(super) symbols: std::collections::HashMap<usize, SymbolBox>,
}

pub(super) fn draw_plan(
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
pub(super) fn side_item_center(grid: &Grid, place: Placement) -> f64 {
    let outward = if place.side == Side::Left {
        -SIDE_ITEM_OFFSET
    } else {
        SIDE_ITEM_OFFSET
    };
    grid.actors[place.column].center() + outward
}

/// Adds an arrow, and its "Ya"/"Tidak" label beside its first segment for a decision.
pub(super) fn push_arrow(
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
