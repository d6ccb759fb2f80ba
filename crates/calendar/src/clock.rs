//! Measuring time standards on a working calendar: when a standard is used up (the due
//! moment), how much of it has elapsed or remains, and the next moment the office is open.
//! It must never read the clock: `now` is always a parameter.

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::model::{WorkingCalendar, from_seconds};
use crate::pause::{Pause, PauseSet};
use crate::ratio::Ratio;
use crate::standard::{Quantity, Scale, Standard, Unit, Window};

impl WorkingCalendar {
    /// The earliest whole second at or after `t` inside office hours `[open, close)` of a
    /// working day: `t` itself (floored to the second) during office hours, otherwise the next
    /// opening. `None` only when the office never opens (no open weekday) or past chrono's range.
    pub fn next_working_instant(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.week.has_open_day() {
            return None;
        }
        let at = t.timestamp();
        let mut date = self.local_date_at(at)?;
        loop {
            if let Some((open, close)) = self.office_window(date)
                && at < close
            {
                return from_seconds(open.max(at));
            }
            date = date.succ_opt()?;
        }
    }

    /// The moment `standard`, started at `start`, is used up, counting only its kind of time
    /// outside `pauses`.
    ///
    /// The due moment is the first whole second at which the elapsed time reaches the
    /// standard; for working days that can be up to one second past the exact share of a day
    /// when day lengths differ. A standard used up exactly at the close of an office day is due
    /// at that close (16:00), never at the next opening. A zero standard is due at `start`.
    ///
    /// `None` when the clock is stopped by an open pause before the standard is used up (no due
    /// while paused), when the office never opens, or past chrono's range. If the standard was
    /// used up before an open pause began, that earlier moment is returned.
    pub fn due(
        &self,
        start: DateTime<Utc>,
        standard: Standard,
        pauses: &[Pause],
    ) -> Option<DateTime<Utc>> {
        let unit = standard.unit();
        let window = unit.window();
        let scale = unit.scale();
        let start = start.timestamp();
        let mut remaining = standard.quantity().base();
        if remaining.is_zero() {
            return from_seconds(start);
        }
        if window == Window::Office && !self.week.has_open_day() {
            return None;
        }
        let pauses = PauseSet::new(pauses);
        let first_date = self.local_date_at(start)?;
        let mut date = first_date;
        loop {
            if date > first_date {
                (date, remaining) = self.skip_plain_weeks(unit, &pauses, date, remaining)?;
            }
            if let Some((open, close)) = self.window(window, date) {
                let per_second = match scale {
                    Scale::Seconds => 1,
                    Scale::DayFraction => close - open,
                };
                for (from, until) in pauses.free_parts(open.max(start), close) {
                    let capacity = Ratio::new(i128::from(until - from), i128::from(per_second));
                    if remaining <= capacity {
                        // Round up: the standard is used up at the first whole second at which
                        // the counted time reaches it.
                        let seconds = remaining.mul_int(i128::from(per_second)).ceil();
                        return from_seconds(from.checked_add(i64::try_from(seconds).ok()?)?);
                    }
                    remaining = remaining.sub(capacity);
                }
                if pauses.open_from().is_some_and(|paused| paused <= close) {
                    return None;
                }
            }
            date = date.succ_opt()?;
        }
    }

    /// The time counted in `unit` from `start` to `end` outside `pauses`; zero when `end` is not
    /// after `start`. Comparable with a standard of that unit through
    /// [`Quantity::cmp_standard`].
    pub fn elapsed(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        unit: Unit,
        pauses: &[Pause],
    ) -> Quantity {
        let (start, end) = (start.timestamp(), end.timestamp());
        if end <= start {
            return Quantity::zero(unit);
        }
        let pauses = PauseSet::new(pauses);
        let (Some(mut date), Some(last_date)) =
            (self.local_date_at(start), self.local_date_at(end))
        else {
            return Quantity::zero(unit);
        };
        let mut seconds: i128 = 0;
        let mut whole_days: i128 = 0;
        let mut day_parts = Ratio::ZERO;
        while date <= last_date {
            if let Some((open, close)) = self.window(unit.window(), date) {
                let (from, until) = (open.max(start), close.min(end));
                if from < until {
                    let free = pauses.free_seconds(from, until);
                    match unit.scale() {
                        Scale::Seconds => seconds += i128::from(free),
                        // Whole days are kept apart so the fraction only holds partial days.
                        Scale::DayFraction if free == close - open => whole_days += 1,
                        Scale::DayFraction if free > 0 => {
                            day_parts = day_parts
                                .add(Ratio::new(i128::from(free), i128::from(close - open)));
                        }
                        Scale::DayFraction => {}
                    }
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        let base = match unit.scale() {
            Scale::Seconds => Ratio::integer(seconds),
            Scale::DayFraction => day_parts.add(Ratio::integer(whole_days)),
        };
        Quantity::from_base(unit, base)
    }

    /// Seconds of office time of working days from `start` to `end` outside `pauses`.
    pub fn elapsed_working_seconds(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        pauses: &[Pause],
    ) -> i64 {
        self.elapsed(start, end, Unit::WorkingMinutes, pauses)
            .working_seconds()
            .unwrap_or(i64::MAX)
    }

    /// What is left of `standard` at `now`, in its unit: negative when overdue.
    pub fn remaining(
        &self,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
        standard: Standard,
        pauses: &[Pause],
    ) -> Quantity {
        let elapsed = self.elapsed(start, now, standard.unit(), pauses);
        Quantity::from_base(
            standard.unit(),
            standard.quantity().base().sub(elapsed.base()),
        )
    }

    /// The share of `standard` left at `now`: 1.0 at the start, 0.0 at the due moment,
    /// negative when overdue (-0.5 = overdue by half the standard). For the "due soon" badge;
    /// use [`WorkingCalendar::remaining`] for exact comparisons. A zero standard has nothing to
    /// share: it gives 0.0 at the start and minus the elapsed amount (in its unit) after.
    pub fn share_left(
        &self,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
        standard: Standard,
        pauses: &[Pause],
    ) -> f64 {
        let remaining = self.remaining(start, now, standard, pauses);
        match standard.amount() {
            0 => remaining.value(),
            amount => remaining.value() / f64::from(amount),
        }
    }

    fn window(&self, window: Window, date: NaiveDate) -> Option<(i64, i64)> {
        match window {
            Window::Office => self.office_window(date),
            Window::WholeDay => self.day_window(date),
        }
    }

    /// Jumps over whole weeks past the last holiday and every pause, so a standard of years
    /// does not walk day by day. Leaves more than zero remaining, so the caller still finds the
    /// exact moment; `date` must be a day after the start's. `None` when the due lies beyond
    /// chrono's range.
    fn skip_plain_weeks(
        &self,
        unit: Unit,
        pauses: &PauseSet,
        date: NaiveDate,
        remaining: Ratio,
    ) -> Option<(NaiveDate, Ratio)> {
        let unchanged = Some((date, remaining));
        if pauses.open_from().is_some() {
            return unchanged;
        }
        let past_holidays = self
            .holidays
            .last_key_value()
            .is_none_or(|(last, _)| *last < date);
        let Some(week_start) = self.local_midnight(date) else {
            return unchanged;
        };
        if !past_holidays || pauses.last_end().is_some_and(|end| end > week_start) {
            return unchanged;
        }
        match unit.scale() {
            Scale::DayFraction => self.skip_weeks_of_days(unit.window(), date, remaining),
            Scale::Seconds => self.skip_weeks_of_seconds(date, week_start, remaining),
        }
    }

    /// Each open day past the holidays counts exactly one day whatever its length, so the jump
    /// is exact and takes one step.
    fn skip_weeks_of_days(
        &self,
        window: Window,
        date: NaiveDate,
        remaining: Ratio,
    ) -> Option<(NaiveDate, Ratio)> {
        let days_per_week = match window {
            Window::Office => self.open_days_per_week(),
            Window::WholeDay => 7,
        };
        let weeks = (remaining.ceil() - 1) / days_per_week.max(1);
        if weeks < 1 {
            return Some((date, remaining));
        }
        let skipped_days = u64::try_from(weeks.checked_mul(7)?).ok()?;
        Some((
            date.checked_add_days(Days::new(skipped_days))?,
            remaining.sub(Ratio::integer(weeks * days_per_week)),
        ))
    }

    /// A week counts its office hours' wall-clock length unless the clocks change inside
    /// office hours, so weeks are skipped one at a time while their local midnights stay
    /// exactly 7 x 24 h apart (time zones change their clocks at most once a week).
    fn skip_weeks_of_seconds(
        &self,
        mut date: NaiveDate,
        mut week_start: i64,
        mut remaining: Ratio,
    ) -> Option<(NaiveDate, Ratio)> {
        let per_week: i64 = self
            .week
            .days()
            .iter()
            .flatten()
            .map(|(open, close)| (*close - *open).num_seconds())
            .sum();
        if per_week <= 0 {
            return Some((date, remaining));
        }
        // A due beyond chrono's range has no answer; say so at once rather than walk there.
        // A week counts at most its office hours plus two hours of clock changes.
        let fewest_weeks = remaining.ceil() / i128::from(per_week + 7200);
        let fewest_days = u64::try_from(fewest_weeks.saturating_mul(7)).ok()?;
        date.checked_add_days(Days::new(fewest_days))?;

        let per_week = Ratio::integer(i128::from(per_week));
        while remaining > per_week {
            let next = date.checked_add_days(Days::new(7))?;
            let next_start = self.local_midnight(next)?;
            if next_start - week_start != 7 * 86_400 {
                break;
            }
            remaining = remaining.sub(per_week);
            date = next;
            week_start = next_start;
        }
        Some((date, remaining))
    }

    fn open_days_per_week(&self) -> i128 {
        self.week
            .days()
            .iter()
            .flatten()
            .count()
            .try_into()
            .unwrap_or(7)
    }
}
