//! Pauses of an SLA clock (a case waiting on the OPD): when the clock is stopped and how much
//! of a stretch of time is left once pauses are taken out. It must never decide when a pause
//! starts or ends; the case engine passes them in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A stretch of time in which the clock is stopped: `[from, until)`, or from `from` on while
/// `until` is `None` (still paused). A pause with `until <= from` stops nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

impl Pause {
    /// A pause that has ended.
    pub fn closed(from: DateTime<Utc>, until: DateTime<Utc>) -> Pause {
        Pause {
            from,
            until: Some(until),
        }
    }

    /// A pause still running.
    pub fn open(from: DateTime<Utc>) -> Pause {
        Pause { from, until: None }
    }
}

/// Pauses as sorted, disjoint Unix-second intervals; at most the last one is open.
#[derive(Debug, Clone, Default)]
pub(crate) struct PauseSet {
    closed: Vec<(i64, i64)>,
    open_from: Option<i64>,
}

impl PauseSet {
    pub(crate) fn new(pauses: &[Pause]) -> PauseSet {
        let open_from = pauses
            .iter()
            .filter(|pause| pause.until.is_none())
            .map(|pause| pause.from.timestamp())
            .min();
        let mut intervals: Vec<(i64, i64)> = pauses
            .iter()
            .filter_map(|pause| Some((pause.from.timestamp(), pause.until?.timestamp())))
            .filter(|(from, until)| from < until)
            .map(|(from, until)| match open_from {
                // Whatever lies past the start of the open pause is covered by it anyway.
                Some(open) => (from.min(open), until.min(open)),
                None => (from, until),
            })
            .filter(|(from, until)| from < until)
            .collect();
        intervals.sort_unstable();
        let mut closed: Vec<(i64, i64)> = Vec::with_capacity(intervals.len());
        for (from, until) in intervals {
            match closed.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(until),
                _ => closed.push((from, until)),
            }
        }
        // A closed pause that reaches the open one merges into it.
        let open_from = match (open_from, closed.last()) {
            (Some(open), Some(&(from, until))) if until >= open => {
                closed.pop();
                Some(from.min(open))
            }
            (open, _) => open,
        };
        PauseSet { closed, open_from }
    }

    /// Where the open pause starts, if the clock is stopped for good.
    pub(crate) fn open_from(&self) -> Option<i64> {
        self.open_from
    }

    /// The parts of `[from, until)` outside every pause, in order.
    pub(crate) fn free_parts(&self, from: i64, until: i64) -> Vec<(i64, i64)> {
        let until = match self.open_from {
            Some(open) => until.min(open),
            None => until,
        };
        let mut parts = Vec::new();
        let mut cursor = from;
        // Skip pauses that end before the stretch; the rest are in order.
        let first = self.closed.partition_point(|&(_, end)| end <= from);
        for &(pause_from, pause_until) in &self.closed[first..] {
            if pause_from >= until {
                break;
            }
            if pause_from > cursor {
                parts.push((cursor, pause_from));
            }
            cursor = cursor.max(pause_until);
        }
        if cursor < until {
            parts.push((cursor, until));
        }
        parts
    }

    /// Where the last closed pause ends.
    pub(crate) fn last_end(&self) -> Option<i64> {
        self.closed.last().map(|&(_, until)| until)
    }

    /// Seconds of `[from, until)` outside every pause.
    pub(crate) fn free_seconds(&self, from: i64, until: i64) -> i64 {
        self.free_parts(from, until)
            .iter()
            .map(|(a, b)| b - a)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn overlapping_pauses_merge_and_empty_ones_vanish() {
        let set = PauseSet::new(&[
            Pause::closed(at(50), at(60)),
            Pause::closed(at(10), at(20)),
            Pause::closed(at(15), at(30)),
            Pause::closed(at(40), at(40)),
            Pause::closed(at(45), at(41)),
        ]);
        assert_eq!(set.closed, vec![(10, 30), (50, 60)]);
        assert_eq!(set.open_from(), None);
        assert_eq!(set.free_parts(0, 100), vec![(0, 10), (30, 50), (60, 100)]);
        assert_eq!(set.free_parts(12, 55), vec![(30, 50)]);
        assert_eq!(set.free_seconds(0, 100), 10 + 20 + 40);
        assert_eq!(set.free_parts(20, 25), vec![]);
    }

    #[test]
    fn an_open_pause_stops_everything_after_it_and_absorbs_touching_ones() {
        let set = PauseSet::new(&[
            Pause::closed(at(10), at(20)),
            Pause::closed(at(30), at(45)),
            Pause::open(at(40)),
            Pause::open(at(70)),
        ]);
        assert_eq!(set.closed, vec![(10, 20)]);
        assert_eq!(set.open_from(), Some(30));
        assert_eq!(set.free_parts(0, 1000), vec![(0, 10), (20, 30)]);
    }
}
