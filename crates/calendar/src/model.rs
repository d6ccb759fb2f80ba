//! The working calendar as data: the office time zone, office hours per weekday and the holiday
//! table (libur nasional and cuti bersama). It answers which days are working days and when their
//! office hours are; it must never read the clock or a file at run time.

use std::collections::BTreeMap;

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Timelike,
    Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::CalendarError;

/// Office hours of one weekday: `(open, close)` in the office's local time.
pub type OfficeHours = (NaiveTime, NaiveTime);

const fn time(hour: u32, minute: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, minute, 0) {
        Some(value) => value,
        None => NaiveTime::MIN,
    }
}

/// The Indonesian civil-service day (Demak regency): 07:30-16:00.
const DEFAULT_OPEN: NaiveTime = time(7, 30);
const DEFAULT_CLOSE: NaiveTime = time(16, 0);

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Office hours per weekday; `None` means the office is closed that weekday.
///
/// **Invariant:** every open day opens strictly before it closes, and both times are whole
/// minutes (so day lengths are whole minutes, which keeps day fractions exact and small).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "[Option<OfficeHours>; 7]",
    into = "[Option<OfficeHours>; 7]"
)]
pub struct WeekSchedule {
    /// Indexed by `Weekday::num_days_from_monday`.
    days: [Option<OfficeHours>; 7],
}

impl WeekSchedule {
    /// A schedule from office hours Monday (index 0) to Sunday (index 6).
    pub fn new(days: [Option<OfficeHours>; 7]) -> Result<WeekSchedule, CalendarError> {
        for (weekday, hours) in WEEKDAYS.iter().zip(days.iter()) {
            if let Some((open, close)) = hours {
                let whole_minutes = |t: &NaiveTime| t.second() == 0 && t.nanosecond() == 0;
                if open >= close || !whole_minutes(open) || !whole_minutes(close) {
                    return Err(CalendarError::BadOfficeHours {
                        weekday: *weekday,
                        open: *open,
                        close: *close,
                    });
                }
            }
        }
        Ok(WeekSchedule { days })
    }

    /// A week with every day closed (a starting point for [`WeekSchedule::with_day`]).
    pub fn closed() -> WeekSchedule {
        WeekSchedule { days: [None; 7] }
    }

    /// This schedule with `weekday` set to `hours`.
    pub fn with_day(
        &self,
        weekday: Weekday,
        hours: Option<OfficeHours>,
    ) -> Result<WeekSchedule, CalendarError> {
        let mut days = self.days;
        days[weekday.num_days_from_monday() as usize] = hours;
        WeekSchedule::new(days)
    }

    /// The office hours of `weekday`, if the office opens that day.
    pub fn hours(&self, weekday: Weekday) -> Option<OfficeHours> {
        self.days[weekday.num_days_from_monday() as usize]
    }

    /// Office hours Monday (index 0) to Sunday (index 6).
    pub fn days(&self) -> [Option<OfficeHours>; 7] {
        self.days
    }

    /// Whether the office opens on at least one weekday; without that no working standard can
    /// ever be used up.
    pub fn has_open_day(&self) -> bool {
        self.days.iter().any(Option::is_some)
    }
}

impl Default for WeekSchedule {
    /// Monday to Friday 07:30-16:00, Saturday and Sunday closed.
    fn default() -> WeekSchedule {
        let open = Some((DEFAULT_OPEN, DEFAULT_CLOSE));
        WeekSchedule {
            days: [open, open, open, open, open, None, None],
        }
    }
}

impl TryFrom<[Option<OfficeHours>; 7]> for WeekSchedule {
    type Error = CalendarError;

    fn try_from(days: [Option<OfficeHours>; 7]) -> Result<WeekSchedule, CalendarError> {
        WeekSchedule::new(days)
    }
}

impl From<WeekSchedule> for [Option<OfficeHours>; 7] {
    fn from(week: WeekSchedule) -> [Option<OfficeHours>; 7] {
        week.days
    }
}

/// What kind of day off a holiday is. Both are days off for the office; the kind is kept so
/// the admin page and reports can tell a decreed holiday from collective leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A national public holiday.
    LiburNasional,
    /// Collective leave decreed for civil servants (SKB 3 Menteri).
    CutiBersama,
}

impl HolidayKind {
    /// The code used in the holiday table: `libur_nasional` or `cuti_bersama`.
    pub fn code(self) -> &'static str {
        match self {
            HolidayKind::LiburNasional => "libur_nasional",
            HolidayKind::CutiBersama => "cuti_bersama",
        }
    }

    /// The `pelihara-i18n` key of this kind's name (area file `calendar.ftl`).
    pub fn message_key(self) -> &'static str {
        match self {
            HolidayKind::LiburNasional => "calendar-holiday-kind-libur-nasional",
            HolidayKind::CutiBersama => "calendar-holiday-kind-cuti-bersama",
        }
    }

    /// The kind named by a table code (exact, lowercase).
    pub fn from_code(code: &str) -> Option<HolidayKind> {
        match code {
            "libur_nasional" => Some(HolidayKind::LiburNasional),
            "cuti_bersama" => Some(HolidayKind::CutiBersama),
            _ => None,
        }
    }
}

/// A day the office is closed although its weekday is open.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    pub name: String,
}

/// The calendar a time standard is measured in.
///
/// `holidays` is keyed by date; [`WorkingCalendar::new`] and [`WorkingCalendar::set_holidays`]
/// keep each key equal to its holiday's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    pub time_zone: Tz,
    pub week: WeekSchedule,
    pub holidays: BTreeMap<NaiveDate, Holiday>,
}

impl WorkingCalendar {
    /// A calendar from its parts; when two holidays share a date, the later one is kept (the
    /// date is a day off either way).
    pub fn new(
        time_zone: Tz,
        week: WeekSchedule,
        holidays: impl IntoIterator<Item = Holiday>,
    ) -> WorkingCalendar {
        let mut calendar = WorkingCalendar {
            time_zone,
            week,
            holidays: BTreeMap::new(),
        };
        calendar.set_holidays(holidays);
        calendar
    }

    /// Replaces the holiday table (an admin edited it; the store loads it).
    pub fn set_holidays(&mut self, holidays: impl IntoIterator<Item = Holiday>) {
        self.holidays = holidays
            .into_iter()
            .map(|holiday| (holiday.date, holiday))
            .collect();
    }

    /// The holiday on `date`, if there is one.
    pub fn holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        self.holidays.get(&date)
    }

    /// Whether the office opens on `date`: its weekday has office hours and it is neither a
    /// libur nasional nor a cuti bersama.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.week.hours(date.weekday()).is_some() && !self.holidays.contains_key(&date)
    }

    /// The office hours of `date` as instants, `[open, close)`, or `None` on a day off.
    pub fn office_hours(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (open, close) = self.office_window(date)?;
        Some((from_seconds(open)?, from_seconds(close)?))
    }

    /// The office's local date at instant `t`.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.time_zone).date_naive()
    }

    /// The first instant of local day `date`: `local_date(t) < date` exactly when `t` is
    /// before it.
    pub fn start_of_day(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        from_seconds(self.local_midnight(date)?)
    }

    /// Office hours of `date` as Unix seconds, `[open, close)`.
    pub(crate) fn office_window(&self, date: NaiveDate) -> Option<(i64, i64)> {
        if !self.is_working_day(date) {
            return None;
        }
        let (open, close) = self.week.hours(date.weekday())?;
        let open = self.local_to_seconds(date.and_time(open))?;
        let close = self.local_to_seconds(date.and_time(close))?;
        // A time-zone change inside office hours could in theory swallow the whole day.
        (open < close).then_some((open, close))
    }

    /// The whole local day `date` as Unix seconds, `[midnight, next midnight)`.
    pub(crate) fn day_window(&self, date: NaiveDate) -> Option<(i64, i64)> {
        let from = self.local_to_seconds(date.and_time(NaiveTime::MIN))?;
        let until = self.local_to_seconds(date.succ_opt()?.and_time(NaiveTime::MIN))?;
        (from < until).then_some((from, until))
    }

    /// The start of local day `date` as Unix seconds.
    pub(crate) fn local_midnight(&self, date: NaiveDate) -> Option<i64> {
        self.local_to_seconds(date.and_time(NaiveTime::MIN))
    }

    /// The local date at Unix second `seconds`.
    pub(crate) fn local_date_at(&self, seconds: i64) -> Option<NaiveDate> {
        Some(self.local_date(from_seconds(seconds)?))
    }

    /// A local wall-clock time as Unix seconds. A time that occurs twice (clocks set back)
    /// means its first occurrence; a time skipped by clocks set forward is read with the offset
    /// in force before the jump, which lands just after the gap.
    fn local_to_seconds(&self, local: NaiveDateTime) -> Option<i64> {
        match self.time_zone.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.timestamp()),
            LocalResult::Ambiguous(earliest, _) => Some(earliest.timestamp()),
            LocalResult::None => {
                let before = local.checked_sub_signed(TimeDelta::days(1))?;
                let offset = self
                    .time_zone
                    .offset_from_utc_datetime(&before)
                    .fix()
                    .local_minus_utc();
                Some(local.and_utc().timestamp() - i64::from(offset))
            }
        }
    }
}

/// Unix seconds as an instant (`None` only outside chrono's range).
pub(crate) fn from_seconds(seconds: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wib(date: &str, hm: &str) -> DateTime<Utc> {
        let naive =
            NaiveDateTime::parse_from_str(&format!("{date} {hm}"), "%Y-%m-%d %H:%M").unwrap();
        chrono_tz::Asia::Jakarta
            .from_local_datetime(&naive)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn default_week_is_monday_to_friday_half_past_seven_to_four() {
        let week = WeekSchedule::default();
        for weekday in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ] {
            assert_eq!(
                week.hours(weekday),
                Some((time(7, 30), time(16, 0))),
                "{weekday}"
            );
        }
        assert_eq!(week.hours(Weekday::Sat), None);
        assert_eq!(week.hours(Weekday::Sun), None);
    }

    #[test]
    fn office_hours_are_wib_instants_and_holidays_have_none() {
        let calendar = WorkingCalendar::indonesia_default().unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 1, 12).unwrap();
        assert_eq!(
            calendar.office_hours(monday),
            Some((wib("2026-01-12", "07:30"), wib("2026-01-12", "16:00")))
        );
        // Hari Suci Nyepi 2026 (Thursday) and its cuti bersama (Wednesday).
        for day in [18, 19] {
            let date = NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
            assert!(!calendar.is_working_day(date), "{date}");
            assert_eq!(calendar.office_hours(date), None);
        }
        let saturday = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        assert!(!calendar.is_working_day(saturday));
        assert_eq!(
            calendar
                .holiday(NaiveDate::from_ymd_opt(2026, 3, 18).unwrap())
                .map(|h| h.kind),
            Some(HolidayKind::CutiBersama)
        );
    }

    #[test]
    fn week_schedule_refuses_backwards_or_sub_minute_hours() {
        let bad = [
            (time(16, 0), time(7, 30)),
            (time(8, 0), time(8, 0)),
            (NaiveTime::from_hms_opt(7, 30, 15).unwrap(), time(16, 0)),
        ];
        for hours in bad {
            let error = WeekSchedule::default()
                .with_day(Weekday::Sat, Some(hours))
                .unwrap_err();
            assert!(
                matches!(
                    error,
                    CalendarError::BadOfficeHours {
                        weekday: Weekday::Sat,
                        ..
                    }
                ),
                "{error}"
            );
        }
        let saturday_morning = WeekSchedule::default()
            .with_day(Weekday::Sat, Some((time(8, 0), time(12, 0))))
            .unwrap();
        assert_eq!(
            saturday_morning.hours(Weekday::Sat),
            Some((time(8, 0), time(12, 0)))
        );
        assert!(!WeekSchedule::closed().has_open_day());
    }

    #[test]
    fn holidays_can_be_replaced_at_run_time() {
        let mut calendar = WorkingCalendar::indonesia_default().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 1, 13).unwrap();
        assert!(calendar.is_working_day(date));
        calendar.set_holidays(vec![Holiday {
            date,
            kind: HolidayKind::CutiBersama,
            name: "Hari Jadi Kabupaten (contoh)".to_owned(),
        }]);
        assert!(!calendar.is_working_day(date));
        // The replaced table no longer holds Nyepi.
        assert!(calendar.is_working_day(NaiveDate::from_ymd_opt(2026, 3, 19).unwrap()));
    }

    #[test]
    fn daylight_saving_days_have_their_real_length() {
        // Europe/Berlin springs forward on 2026-03-29 (23-hour day) and falls back on
        // 2026-10-25 (25-hour day); Jakarta has no such days.
        let calendar = WorkingCalendar::new(
            chrono_tz::Europe::Berlin,
            WeekSchedule::default(),
            Vec::new(),
        );
        let length = |y, m, d| {
            let (from, until) = calendar
                .day_window(NaiveDate::from_ymd_opt(y, m, d).unwrap())
                .unwrap();
            until - from
        };
        assert_eq!(length(2026, 3, 29), 23 * 3600);
        assert_eq!(length(2026, 10, 25), 25 * 3600);
        assert_eq!(length(2026, 6, 1), 24 * 3600);
    }

    #[test]
    fn week_schedule_array_form_round_trips_and_validates_on_the_way_in() {
        // The array form is what serde reads and writes.
        let week = WeekSchedule::default();
        let days: [Option<OfficeHours>; 7] = week.clone().into();
        assert_eq!(WeekSchedule::try_from(days).unwrap(), week);
        let mut backwards = days;
        backwards[2] = Some((time(9, 0), time(8, 0)));
        assert!(WeekSchedule::try_from(backwards).is_err());
    }
}
