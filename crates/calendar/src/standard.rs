//! Time standards (Mutu Baku) and exact amounts of working time in their units. It only says
//! what a unit counts; it must never look at a calendar or an instant.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::ratio::Ratio;

/// A Mutu Baku time standard.
///
/// - `WorkingMinutes` / `WorkingHours` count seconds inside office hours of working days.
/// - `WorkingDays` count whole office days: each working second of day `d` is `1 / len(d)` of
///   a day, `len(d)` being that day's office length.
/// - `CalendarDays` count every second, weekends and holidays included: each second of local
///   day `d` is `1 / len(d)` of a day, `len(d)` being that day's length in the office time zone.
///   In Asia/Jakarta (no daylight saving) every day is 86 400 s, each minute 1/1440 of a day, and
///   "N calendar days" ends at the same clock time N days on; on a 23- or 25-hour day elsewhere
///   the share of that day counts instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum Standard {
    WorkingMinutes(u32),
    WorkingHours(u32),
    WorkingDays(u32),
    CalendarDays(u32),
}

/// The unit a standard is stated in, and in which its elapsed time is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    WorkingMinutes,
    WorkingHours,
    WorkingDays,
    CalendarDays,
}

/// The unit of `standard` (the same as [`Standard::unit`]).
pub fn unit_of(standard: Standard) -> Unit {
    standard.unit()
}

/// What part of time a unit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Window {
    /// Office hours of working days.
    Office,
    /// Every second of every local day.
    WholeDay,
}

/// How a counted second is weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    /// One second is one second.
    Seconds,
    /// One second of day `d` is `1 / len(d)` of a day.
    DayFraction,
}

impl Standard {
    pub fn unit(self) -> Unit {
        match self {
            Standard::WorkingMinutes(_) => Unit::WorkingMinutes,
            Standard::WorkingHours(_) => Unit::WorkingHours,
            Standard::WorkingDays(_) => Unit::WorkingDays,
            Standard::CalendarDays(_) => Unit::CalendarDays,
        }
    }

    /// The number in the standard (10 for "10 menit").
    pub fn amount(self) -> u32 {
        match self {
            Standard::WorkingMinutes(n)
            | Standard::WorkingHours(n)
            | Standard::WorkingDays(n)
            | Standard::CalendarDays(n) => n,
        }
    }

    /// The `pelihara-i18n` key that states this standard (area file `calendar.ftl`), with the
    /// argument `value` = [`Standard::amount`]: "10 menit kerja".
    pub fn message_key(self) -> &'static str {
        match self {
            Standard::WorkingMinutes(_) => "calendar-standard-working-minutes",
            Standard::WorkingHours(_) => "calendar-standard-working-hours",
            Standard::WorkingDays(_) => "calendar-standard-working-days",
            Standard::CalendarDays(_) => "calendar-standard-calendar-days",
        }
    }

    /// The standard as an exact quantity of its unit.
    pub fn quantity(self) -> Quantity {
        Quantity::of(self.unit(), i128::from(self.amount()))
    }
}

impl Unit {
    pub(crate) fn window(self) -> Window {
        match self {
            Unit::WorkingMinutes | Unit::WorkingHours | Unit::WorkingDays => Window::Office,
            Unit::CalendarDays => Window::WholeDay,
        }
    }

    pub(crate) fn scale(self) -> Scale {
        match self {
            Unit::WorkingMinutes | Unit::WorkingHours => Scale::Seconds,
            Unit::WorkingDays | Unit::CalendarDays => Scale::DayFraction,
        }
    }

    /// Base amounts (seconds, or days) in one unit.
    fn base_per_unit(self) -> i128 {
        match self {
            Unit::WorkingMinutes => 60,
            Unit::WorkingHours => 3600,
            Unit::WorkingDays | Unit::CalendarDays => 1,
        }
    }
}

/// An exact amount of time in a unit: elapsed, or remaining (then it may be negative, meaning
/// overdue by that much).
///
/// Working minutes and working hours are both counted in seconds and compare with each other;
/// working days and calendar days compare only with their own kind.
#[derive(Debug, Clone, Copy)]
pub struct Quantity {
    unit: Unit,
    /// Seconds for working minutes and hours, days for working and calendar days.
    base: Ratio,
}

impl Quantity {
    fn of(unit: Unit, amount: i128) -> Quantity {
        Quantity {
            unit,
            base: Ratio::integer(amount.saturating_mul(unit.base_per_unit())),
        }
    }

    /// Nothing, in `unit`.
    pub fn zero(unit: Unit) -> Quantity {
        Quantity::of(unit, 0)
    }

    pub(crate) fn from_base(unit: Unit, base: Ratio) -> Quantity {
        Quantity { unit, base }
    }

    pub(crate) fn base(self) -> Ratio {
        self.base
    }

    pub fn unit(self) -> Unit {
        self.unit
    }

    /// The amount in its unit, for display and for "share left" badges (exact comparisons
    /// use [`Quantity::cmp_standard`] or the ordering instead).
    pub fn value(self) -> f64 {
        self.base.to_f64() / self.unit.base_per_unit() as f64
    }

    /// The amount in its unit as an exact reduced fraction `(numerator, denominator)`, for
    /// storing or printing without rounding.
    pub fn exact(self) -> (i128, i128) {
        let value = Ratio::new(
            self.base.numer(),
            self.base.denom().saturating_mul(self.unit.base_per_unit()),
        );
        (value.numer(), value.denom())
    }

    /// The counted seconds, for working minutes and working hours; `None` for day units (a day
    /// there is a share of an office day, not a number of seconds).
    pub fn working_seconds(self) -> Option<i64> {
        match self.unit.scale() {
            Scale::Seconds => i64::try_from(self.base.numer()).ok(),
            Scale::DayFraction => None,
        }
    }

    pub fn is_zero(self) -> bool {
        self.base.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.base < Ratio::ZERO
    }

    /// How this amount compares with `standard`: `Greater` means past it (overdue), `Equal`
    /// exactly used up. `None` when the units count different things (days against minutes).
    pub fn cmp_standard(self, standard: Standard) -> Option<Ordering> {
        self.partial_cmp(&standard.quantity())
    }

    /// Whether two quantities count the same thing and can be compared.
    fn comparable(self, other: Quantity) -> bool {
        self.unit.window() == other.unit.window() && self.unit.scale() == other.unit.scale()
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.comparable(*other) && self.base == other.base
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        self.comparable(*other).then(|| self.base.cmp(&other.base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_amounts() {
        let cases = [
            (Standard::WorkingMinutes(10), Unit::WorkingMinutes, 10),
            (Standard::WorkingHours(2), Unit::WorkingHours, 2),
            (Standard::WorkingDays(30), Unit::WorkingDays, 30),
            (Standard::CalendarDays(7), Unit::CalendarDays, 7),
        ];
        for (standard, unit, amount) in cases {
            assert_eq!(unit_of(standard), unit);
            assert_eq!(standard.amount(), amount);
            assert_eq!(standard.quantity().value(), f64::from(amount));
            assert_eq!(standard.quantity().exact(), (i128::from(amount), 1));
        }
    }

    #[test]
    fn minutes_and_hours_compare_but_days_do_not_mix() {
        let ninety_minutes = Standard::WorkingMinutes(90).quantity();
        assert_eq!(
            ninety_minutes.cmp_standard(Standard::WorkingHours(1)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            Standard::WorkingMinutes(120).quantity(),
            Standard::WorkingHours(2).quantity()
        );
        assert_eq!(ninety_minutes.working_seconds(), Some(5400));
        assert_eq!(ninety_minutes.cmp_standard(Standard::WorkingDays(1)), None);
        assert_eq!(
            Standard::WorkingDays(1)
                .quantity()
                .cmp_standard(Standard::CalendarDays(1)),
            None
        );
        assert_eq!(Standard::WorkingDays(1).quantity().working_seconds(), None);
    }

    #[test]
    fn a_half_minute_is_exact() {
        let half = Quantity::from_base(Unit::WorkingMinutes, Ratio::integer(30));
        assert_eq!(half.exact(), (1, 2));
        assert_eq!(half.value(), 0.5);
    }
}
