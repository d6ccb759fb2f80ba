//! Reports (issue 15): the period a report covers (a month, quarter, semester, year or two
//! dates, in the office's local dates) and whose figures a person may see. Pure: "today" is a
//! parameter, like `now` everywhere in the domain.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use pelihara_calendar::WorkingCalendar;

use crate::ids::OpdId;
use crate::people::{Actor, Role};

/// The longest period a report covers, in days (bounds the dates a person may type).
pub const MAX_PERIOD_DAYS: i64 = 5 * 366;

/// The years a report may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// How a period was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Month,
    Quarter,
    Semester,
    Year,
    Dates,
}

impl PeriodKind {
    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Month => "bulan",
            PeriodKind::Quarter => "triwulan",
            PeriodKind::Semester => "semester",
            PeriodKind::Year => "tahun",
            PeriodKind::Dates => "tanggal",
        }
    }

    pub fn from_code(code: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    pub const ALL: [PeriodKind; 5] = [
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Semester,
        PeriodKind::Year,
        PeriodKind::Dates,
    ];
}

/// A report's period: local dates `[start, end)` and how it was chosen (`part` is the month
/// 1-12, quarter 1-4 or semester 1-2; 0 for a year or dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
    pub part: u32,
    pub start: NaiveDate,
    /// The day after the last day.
    pub end: NaiveDate,
}

/// Why a chosen period cannot be used (each is a message key `report-period-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodProblem {
    #[error("the year is outside {YEARS:?}")]
    Year,
    #[error("the month, quarter or semester does not exist")]
    Part,
    #[error("a date is not a date (YYYY-MM-DD)")]
    Date,
    #[error("the last date is before the first")]
    Order,
    #[error("the period is longer than {MAX_PERIOD_DAYS} days")]
    TooLong,
}

impl PeriodProblem {
    pub fn code(self) -> &'static str {
        match self {
            PeriodProblem::Year => "year",
            PeriodProblem::Part => "part",
            PeriodProblem::Date => "date",
            PeriodProblem::Order => "order",
            PeriodProblem::TooLong => "too-long",
        }
    }
}

fn first_of(year: i32, month: u32) -> Result<NaiveDate, PeriodProblem> {
    NaiveDate::from_ymd_opt(year, month, 1).ok_or(PeriodProblem::Part)
}

/// The first day of the month `months` after `year`-`month`.
fn months_on(year: i32, month: u32, months: u32) -> Result<NaiveDate, PeriodProblem> {
    let index = month - 1 + months;
    first_of(
        year + i32::try_from(index / 12).unwrap_or(0),
        index % 12 + 1,
    )
}

impl Period {
    /// A period of `kind` in `year`: `part` is the month, quarter or semester (ignored for a
    /// year).
    pub fn of(kind: PeriodKind, year: i32, part: u32) -> Result<Period, PeriodProblem> {
        if !YEARS.contains(&year) {
            return Err(PeriodProblem::Year);
        }
        let (first_month, months, parts) = match kind {
            PeriodKind::Month => (part, 1, 12),
            PeriodKind::Quarter => (part.saturating_sub(1) * 3 + 1, 3, 4),
            PeriodKind::Semester => (part.saturating_sub(1) * 6 + 1, 6, 2),
            PeriodKind::Year | PeriodKind::Dates => (1, 12, 0),
        };
        if parts > 0 && !(1..=parts).contains(&part) {
            return Err(PeriodProblem::Part);
        }
        Ok(Period {
            kind: if kind == PeriodKind::Dates {
                PeriodKind::Year
            } else {
                kind
            },
            year,
            part: if parts > 0 { part } else { 0 },
            start: first_of(year, first_month)?,
            end: months_on(year, first_month, months)?,
        })
    }

    /// The dates `first` to `last`, both included.
    pub fn dates(first: NaiveDate, last: NaiveDate) -> Result<Period, PeriodProblem> {
        if !YEARS.contains(&first.year()) || !YEARS.contains(&last.year()) {
            return Err(PeriodProblem::Year);
        }
        if last < first {
            return Err(PeriodProblem::Order);
        }
        if (last - first).num_days() >= MAX_PERIOD_DAYS {
            return Err(PeriodProblem::TooLong);
        }
        Ok(Period {
            kind: PeriodKind::Dates,
            year: first.year(),
            part: 0,
            start: first,
            end: last + Duration::days(1),
        })
    }

    /// The month holding `today`.
    pub fn month_of(today: NaiveDate) -> Period {
        Period {
            kind: PeriodKind::Month,
            year: today.year(),
            part: today.month(),
            start: today.with_day(1).unwrap_or(today),
            end: months_on(today.year(), today.month(), 1).unwrap_or(today),
        }
    }

    /// The period's code in a link or a form's choice: `bulan-2026-11`, `triwulan-2026-4`,
    /// `semester-2026-2`, `tahun-2026`, or `tanggal` (the dates are separate fields).
    pub fn code(&self) -> String {
        match self.kind {
            PeriodKind::Dates => "tanggal".to_owned(),
            PeriodKind::Year => format!("tahun-{}", self.year),
            kind => format!("{}-{}-{}", kind.code(), self.year, self.part),
        }
    }

    /// Reads a period from its code ([`Period::code`]) and, for `tanggal`, the first and
    /// last dates (`YYYY-MM-DD`); an empty code is the month holding `today`.
    pub fn parse(
        code: &str,
        first: &str,
        last: &str,
        today: NaiveDate,
    ) -> Result<Period, PeriodProblem> {
        let code = code.trim();
        if code.is_empty() {
            return Ok(Period::month_of(today));
        }
        let mut parts = code.splitn(3, '-');
        let kind =
            PeriodKind::from_code(parts.next().unwrap_or_default()).ok_or(PeriodProblem::Part)?;
        if kind == PeriodKind::Dates {
            let date = |text: &str| {
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| PeriodProblem::Date)
            };
            return Period::dates(date(first)?, date(last)?);
        }
        let year = parts
            .next()
            .and_then(|year| year.parse().ok())
            .ok_or(PeriodProblem::Year)?;
        let part = match (kind, parts.next()) {
            (PeriodKind::Year, None) => 0,
            (_, Some(part)) => part.parse().map_err(|_| PeriodProblem::Part)?,
            (_, None) => return Err(PeriodProblem::Part),
        };
        Period::of(kind, year, part)
    }

    /// The last day in the period.
    pub fn last(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }

    /// The period as instants `[from, until)`: local midnights in `calendar`'s time zone.
    pub fn bounds(&self, calendar: &WorkingCalendar) -> (DateTime<Utc>, DateTime<Utc>) {
        (midnight(calendar, self.start), midnight(calendar, self.end))
    }

    /// The query string that chooses this period again (`periode=...`, with the dates).
    pub fn query(&self) -> String {
        match self.kind {
            PeriodKind::Dates => format!(
                "periode=tanggal&dari={}&sampai={}",
                self.start.format("%Y-%m-%d"),
                self.last().format("%Y-%m-%d")
            ),
            _ => format!("periode={}", self.code()),
        }
    }

    /// The calendar months that overlap the period, each as a month period (for a chart).
    pub fn months(&self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut month = Period::month_of(self.start);
        while month.start < self.end && months.len() < 12 * 6 {
            months.push(month);
            month = Period::month_of(month.end);
        }
        months
    }

    /// The `count` months that end with the period's last month (a trend's points).
    pub fn trailing_months(&self, count: u32) -> Vec<Period> {
        let last = Period::month_of(self.last());
        let mut months = vec![last];
        while months.len() < count as usize {
            let previous = months[0].start.pred_opt().map(Period::month_of);
            match previous {
                Some(month) if YEARS.contains(&month.year) => months.insert(0, month),
                _ => break,
            }
        }
        months
    }
}

fn midnight(calendar: &WorkingCalendar, date: NaiveDate) -> DateTime<Utc> {
    let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    calendar
        .time_zone
        .from_local_datetime(&naive)
        .earliest()
        .map_or_else(|| naive.and_utc(), |local| local.with_timezone(&Utc))
}

/// How far the office's clock runs ahead of UTC at `at`, in milliseconds: the days and months
/// the report rollups are counted in, so that a period of the office's dates is whole rows.
/// WIB, WITA and WIT keep no daylight saving; in a zone that does, the periods on the other
/// side of a change are read partly from the tasks, with the same figures.
pub fn office_offset_millis(calendar: &WorkingCalendar, at: DateTime<Utc>) -> i64 {
    use chrono::Offset;
    i64::from(
        calendar
            .time_zone
            .offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc(),
    ) * 1000
}

/// What a standard's working day is worth in working seconds when a whole case's standards
/// are added up (minutes and days together): the office's longest day (07:30-16:00 is
/// 30 600 s); 8 hours when the week has no open day.
pub fn office_day_seconds(calendar: &WorkingCalendar) -> i64 {
    calendar
        .week
        .days()
        .iter()
        .flatten()
        .map(|(open, close)| (*close - *open).num_seconds())
        .max()
        .unwrap_or(8 * 3600)
}

/// Whose figures a person sees in the reports and on the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    /// The whole office's (leadership, the auditor, the administrator, staff).
    Office,
    /// Only their OPD's cases (an OPD's operator).
    Opd(OpdId),
}

impl ReportScope {
    /// The OPD the figures are narrowed to, if any.
    pub fn opd(self) -> Option<OpdId> {
        match self {
            ReportScope::Office => None,
            ReportScope::Opd(opd) => Some(opd),
        }
    }
}

/// The scope of `actor`'s reports; `None` for an inactive person or an operator without an
/// OPD (who sees no report at all).
pub fn report_scope(actor: &Actor) -> Option<ReportScope> {
    if !actor.user.active {
        return None;
    }
    match actor.user.role {
        Role::Admin | Role::Auditor | Role::Staff => Some(ReportScope::Office),
        Role::OpdOperator => actor.user.opd_id.map(ReportScope::Opd),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn periods_cover_their_months() {
        let today = date(2026, 11, 17);
        for (code, first, last) in [
            ("", "2026-11-01", "2026-11-30"),
            ("bulan-2026-2", "2026-02-01", "2026-02-28"),
            ("bulan-2026-12", "2026-12-01", "2026-12-31"),
            ("triwulan-2026-4", "2026-10-01", "2026-12-31"),
            ("semester-2026-1", "2026-01-01", "2026-06-30"),
            ("semester-2025-2", "2025-07-01", "2025-12-31"),
            ("tahun-2024", "2024-01-01", "2024-12-31"),
        ] {
            let period = Period::parse(code, "", "", today).unwrap();
            assert_eq!(period.start.to_string(), first, "{code}");
            assert_eq!(period.last().to_string(), last, "{code}");
            // Its code reads back to the same period.
            assert_eq!(Period::parse(&period.code(), "", "", today), Ok(period));
        }
        let dates = Period::parse("tanggal", "2026-03-05", "2026-04-02", today).unwrap();
        assert_eq!(
            (dates.start, dates.end),
            (date(2026, 3, 5), date(2026, 4, 3))
        );
        assert_eq!(
            dates.query(),
            "periode=tanggal&dari=2026-03-05&sampai=2026-04-02"
        );
        assert_eq!(dates.months().len(), 2);
    }

    #[test]
    fn bad_periods_are_refused() {
        let today = date(2026, 11, 17);
        for (code, first, last, problem) in [
            ("bulan-2026-13", "", "", PeriodProblem::Part),
            ("bulan-2026-0", "", "", PeriodProblem::Part),
            ("bulan-2026", "", "", PeriodProblem::Part),
            ("triwulan-2026-5", "", "", PeriodProblem::Part),
            ("semester-2026-3", "", "", PeriodProblem::Part),
            ("tahun-1999", "", "", PeriodProblem::Year),
            ("tahun-duaribu", "", "", PeriodProblem::Year),
            ("minggu-2026-1", "", "", PeriodProblem::Part),
            ("tanggal", "2026-13-01", "2026-12-01", PeriodProblem::Date),
            ("tanggal", "2026-05-01", "2026-04-01", PeriodProblem::Order),
            (
                "tanggal",
                "2020-01-01",
                "2026-01-01",
                PeriodProblem::TooLong,
            ),
        ] {
            assert_eq!(
                Period::parse(code, first, last, today),
                Err(problem),
                "{code} {first} {last}"
            );
        }
    }

    #[test]
    fn bounds_are_local_midnights() {
        let calendar = WorkingCalendar::indonesia_default().unwrap();
        let period = Period::of(PeriodKind::Month, 2026, 11).unwrap();
        let (from, until) = period.bounds(&calendar);
        // WIB is UTC+7: local midnight is 17:00 UTC the day before.
        assert_eq!(from.to_rfc3339(), "2026-10-31T17:00:00+00:00");
        assert_eq!(until.to_rfc3339(), "2026-11-30T17:00:00+00:00");
        let trend = period.trailing_months(12);
        assert_eq!(trend.len(), 12);
        assert_eq!(trend[0].start, date(2025, 12, 1));
        assert_eq!(trend[11], period);
        assert_eq!(office_day_seconds(&calendar), 30_600);
    }
}
