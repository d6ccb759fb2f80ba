//! Time standards in words, as a reader of the SOP says them ("2 hari kerja", "105 menit +
//! 34 hari kerja"), for the terminal, the renderers and the web pages alike. Never decides
//! what a unit means beyond `TimeUnit::resolve`.

use pelihara_i18n::{Lang, num, t, t_args};

use crate::model::{DayCount, TimeStandard, TimeTotals, TimeUnit};

/// One amount in words, e.g. "10 menit" / "10 minutes".
pub fn describe_amount(lang: Lang, value: u64, unit: TimeUnit) -> String {
    let key = match unit {
        TimeUnit::Minutes => "sop-time-minutes",
        TimeUnit::Hours => "sop-time-hours",
        TimeUnit::Days => "sop-time-days",
        TimeUnit::WorkingDays => "sop-time-working-days",
        TimeUnit::CalendarDays => "sop-time-calendar-days",
    };
    // Fluent needs a number for plural rules; time standards are far below f64's exact range.
    t_args(lang, key, &[("value", num(value as f64))])
}

/// A step's time standard as Pelihara reads it, with a bare "hari" resolved by `days`.
pub fn describe_time(lang: Lang, time: &TimeStandard, days: DayCount) -> String {
    describe_amount(lang, u64::from(time.value), time.unit.resolve(days))
}

/// A total such as "105 menit + 34 hari kerja"; units with nothing in them are left out.
pub fn describe_totals(lang: Lang, totals: &TimeTotals) -> String {
    let parts: Vec<String> = [
        (totals.minutes, TimeUnit::Minutes),
        (totals.hours, TimeUnit::Hours),
        (totals.working_days, TimeUnit::WorkingDays),
        (totals.calendar_days, TimeUnit::CalendarDays),
    ]
    .into_iter()
    .filter(|(value, _)| *value > 0)
    .map(|(value, unit)| describe_amount(lang, value, unit))
    .collect();
    if parts.is_empty() {
        describe_amount(lang, 0, TimeUnit::Minutes)
    } else {
        parts.join(&format!(" {} ", t(lang, "sop-time-plus")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_times_in_both_languages() {
        let two_days = TimeStandard {
            value: 2,
            unit: TimeUnit::Days,
            as_written: None,
        };
        assert_eq!(
            describe_time(Lang::Id, &two_days, DayCount::Working),
            "2 hari kerja"
        );
        assert_eq!(
            describe_time(Lang::Id, &two_days, DayCount::Calendar),
            "2 hari kalender"
        );
        assert_eq!(
            describe_time(Lang::En, &two_days, DayCount::Working),
            "2 working days"
        );
        let one_minute = TimeStandard {
            value: 1,
            unit: TimeUnit::Minutes,
            as_written: None,
        };
        assert_eq!(
            describe_time(Lang::En, &one_minute, DayCount::Working),
            "1 minute"
        );
        assert_eq!(
            describe_time(Lang::Id, &one_minute, DayCount::Working),
            "1 menit"
        );
    }

    #[test]
    fn describes_totals_without_empty_units() {
        let totals = TimeTotals {
            minutes: 105,
            working_days: 34,
            ..TimeTotals::default()
        };
        assert_eq!(
            describe_totals(Lang::Id, &totals),
            "105 menit + 34 hari kerja"
        );
        assert_eq!(
            describe_totals(Lang::En, &totals),
            "105 minutes + 34 working days"
        );
        assert_eq!(describe_totals(Lang::Id, &TimeTotals::default()), "0 menit");
        let hours = TimeTotals {
            hours: 3,
            calendar_days: 1,
            ..TimeTotals::default()
        };
        assert_eq!(
            describe_totals(Lang::En, &hours),
            "3 hours + 1 calendar day"
        );
    }
}
