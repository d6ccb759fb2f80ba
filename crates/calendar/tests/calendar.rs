//! The working calendar measured against hand-worked cases on the shipped Indonesian holiday
//! table, and against properties that must hold for any start, standard and pause. These tests
//! only read the compiled-in table; they never read the clock.

// clippy.toml allows unwrap in `#[test]` functions only; the helpers and proptest bodies below
// are test code too, and a panic there is the failure report we want.
#![allow(clippy::unwrap_used)]

use std::cmp::Ordering;

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Asia::Jakarta;
use pelihara_calendar::{Pause, Quantity, Standard, Unit, WeekSchedule, WorkingCalendar, unit_of};
use proptest::prelude::*;

fn calendar() -> WorkingCalendar {
    WorkingCalendar::indonesia_default().unwrap()
}

/// A WIB wall-clock time, "YYYY-MM-DD HH:MM".
fn wib(text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    Jakarta
        .from_local_datetime(&naive)
        .unwrap()
        .with_timezone(&Utc)
}

/// An instant as WIB wall-clock text with the weekday, for readable failures.
fn show(t: DateTime<Utc>) -> String {
    t.with_timezone(&Jakarta)
        .format("%a %Y-%m-%d %H:%M:%S")
        .to_string()
}

fn show_due(due: Option<DateTime<Utc>>) -> String {
    due.map_or_else(|| "no due (paused)".to_owned(), show)
}

// ---------------------------------------------------------------------------------------------
// Hand-worked due moments. Office hours are 07:30-16:00 WIB (8.5 h = 30 600 s), so one working
// day is 30 600 working seconds and a start at 10:00 leaves 6 h = 12/17 of that day.
// ---------------------------------------------------------------------------------------------

#[test]
fn due_moments_worked_out_by_hand() {
    let cases: &[(&str, &str, Standard, &str)] = &[
        (
            "10 minutes from Friday 15:55: 5 on Friday, 5 on Monday",
            "2026-01-09 15:55",
            Standard::WorkingMinutes(10),
            "2026-01-12 07:35",
        ),
        (
            "started on Saturday: the clock starts at Monday's opening",
            "2026-01-10 09:00",
            Standard::WorkingMinutes(10),
            "2026-01-12 07:40",
        ),
        (
            "2 working days from Monday 10:00",
            "2026-01-12 10:00",
            Standard::WorkingDays(2),
            "2026-01-14 10:00",
        ),
        // Started on Nyepi itself. The shipped table for 2026-03-18..24:
        //   Wed 18 cuti bersama Nyepi, Thu 19 Hari Suci Nyepi, Fri 20 cuti bersama Idul Fitri,
        //   Sat 21 Idul Fitri, Sun 22 Idul Fitri day 2, Mon 23 and Tue 24 cuti bersama.
        // Nothing counts until Wed 25 07:30; Wed 25 is working day 1 (whole), Thu 26 working
        // day 2, used up exactly at its close: due Thu 26 16:00, not Fri 27 07:30.
        (
            "2 working days started on Nyepi 2026, before the Idul Fitri break",
            "2026-03-19 10:00",
            Standard::WorkingDays(2),
            "2026-03-26 16:00",
        ),
        // Tue 17 10:00-16:00 is 6 h = 12/17 day; the break (18..24) counts nothing; Wed 25 is a
        // whole day (29/17); the last 5/17 day = 2.5 h runs Thu 26 07:30-10:00.
        (
            "2 working days from the last working day before the 2026 Nyepi/Idul Fitri break",
            "2026-03-17 10:00",
            Standard::WorkingDays(2),
            "2026-03-26 10:00",
        ),
        // Fri 2024-04-05 is the day before Idul Fitri's cuti bersama (Mon 8, Tue 9 cuti; Wed 10,
        // Thu 11 Idul Fitri; Fri 12 and Mon 15 cuti). 30 minutes count on Friday, 30 more from
        // Tue 16 07:30.
        (
            "60 minutes from the afternoon before Idul Fitri's cuti bersama 2024",
            "2024-04-05 15:30",
            Standard::WorkingMinutes(60),
            "2024-04-16 08:00",
        ),
        (
            "1 working day from noon before Idul Fitri's cuti bersama 2024: 4 h then 4.5 h",
            "2024-04-05 12:00",
            Standard::WorkingDays(1),
            "2024-04-16 12:00",
        ),
        // Thu 2026-05-14 Kenaikan Yesus Kristus, Fri 15 its cuti bersama, then the weekend.
        (
            "the night before a holiday",
            "2026-05-13 20:00",
            Standard::WorkingMinutes(10),
            "2026-05-18 07:40",
        ),
        (
            "2 working days from the night before a holiday",
            "2026-05-13 20:00",
            Standard::WorkingDays(2),
            "2026-05-19 16:00",
        ),
        // Mon 2026-12-14 10:00-16:00 is 12/17 day; 29 whole working days follow:
        //   Dec 15-18 (4), 21-23 (7; Thu 24 cuti bersama Natal, Fri 25 Natal), 28-31 (11),
        //   Jan 1 2027 Tahun Baru off, Mon Jan 4 (12), Tue Jan 5 Isra Mikraj off, Jan 6-8 (15),
        //   11-15 (20), 18-22 (25), 25-28 (29);
        // the last 5/17 day = 2.5 h is Fri 2027-01-29 07:30-10:00.
        (
            "30 working days across the year end",
            "2026-12-14 10:00",
            Standard::WorkingDays(30),
            "2027-01-29 10:00",
        ),
        (
            "10 minutes from New Year's Eve 15:55: Jan 1 is off, the rest on Monday",
            "2026-12-31 15:55",
            Standard::WorkingMinutes(10),
            "2027-01-04 07:35",
        ),
        (
            "a start at 16:00 exactly counts from the next opening",
            "2026-01-14 16:00",
            Standard::WorkingMinutes(10),
            "2026-01-15 07:40",
        ),
        (
            "1 working day from 16:00 exactly ends at the next day's close",
            "2026-01-14 16:00",
            Standard::WorkingDays(1),
            "2026-01-15 16:00",
        ),
        (
            "1 working day from 07:30 exactly ends at 16:00 the same day",
            "2026-01-13 07:30",
            Standard::WorkingDays(1),
            "2026-01-13 16:00",
        ),
        (
            "2 working hours from 14:00 end at the close, not the next opening",
            "2026-01-13 14:00",
            Standard::WorkingHours(2),
            "2026-01-13 16:00",
        ),
        (
            "510 working minutes from 07:30 are exactly one office day",
            "2026-01-13 07:30",
            Standard::WorkingMinutes(510),
            "2026-01-13 16:00",
        ),
        (
            "9 working hours from Monday's opening: 8.5 on Monday, 0.5 on Tuesday",
            "2026-01-12 07:30",
            Standard::WorkingHours(9),
            "2026-01-13 08:00",
        ),
        (
            "calendar days count weekends and holidays",
            "2026-12-14 10:00",
            Standard::CalendarDays(30),
            "2027-01-13 10:00",
        ),
        (
            "calendar days started on a Saturday",
            "2026-01-10 09:00",
            Standard::CalendarDays(2),
            "2026-01-12 09:00",
        ),
        (
            "a zero standard is due at once",
            "2026-01-10 09:00",
            Standard::WorkingMinutes(0),
            "2026-01-10 09:00",
        ),
    ];
    let calendar = calendar();
    for (what, start, standard, expected) in cases {
        let due = calendar.due(wib(start), *standard, &[]);
        assert_eq!(
            show_due(due),
            show(wib(expected)),
            "{what}: {standard:?} from {start}"
        );
    }
}

#[test]
fn pauses_worked_out_by_hand() {
    let calendar = calendar();
    let start = wib("2026-01-12 10:00");
    let two_days = Standard::WorkingDays(2);
    let cases: &[(&str, Vec<Pause>, Option<&str>)] = &[
        (
            // Mon 12:00-16:00 (4 h) and Tue 07:30-12:00 (4.5 h): one whole day stopped.
            "paused Monday noon to Tuesday noon shifts the due by one working day",
            vec![Pause::closed(
                wib("2026-01-12 12:00"),
                wib("2026-01-13 12:00"),
            )],
            Some("2026-01-15 10:00"),
        ),
        (
            "a pause still open: no due while paused",
            vec![Pause::open(wib("2026-01-12 12:00"))],
            None,
        ),
        (
            "a pause opened after the standard was used up keeps the due",
            vec![Pause::open(wib("2026-01-14 11:00"))],
            Some("2026-01-14 10:00"),
        ),
        (
            "a pause opened exactly at the due keeps it",
            vec![Pause::open(wib("2026-01-14 10:00"))],
            Some("2026-01-14 10:00"),
        ),
        (
            "a pause outside office hours stops nothing",
            vec![Pause::closed(
                wib("2026-01-12 17:00"),
                wib("2026-01-13 07:00"),
            )],
            Some("2026-01-14 10:00"),
        ),
        (
            // 1 h on Monday and 1 h on Tuesday, overlapping pauses counted once.
            "overlapping pauses count once",
            vec![
                Pause::closed(wib("2026-01-12 11:00"), wib("2026-01-12 11:45")),
                Pause::closed(wib("2026-01-12 11:30"), wib("2026-01-12 12:00")),
                Pause::closed(wib("2026-01-13 15:00"), wib("2026-01-13 16:00")),
            ],
            Some("2026-01-14 12:00"),
        ),
        (
            "a pause that began before the start",
            vec![Pause::closed(
                wib("2026-01-09 08:00"),
                wib("2026-01-12 11:00"),
            )],
            Some("2026-01-14 11:00"),
        ),
    ];
    for (what, pauses, expected) in cases {
        let due = calendar.due(start, two_days, pauses);
        assert_eq!(show_due(due), show_due(expected.map(wib)), "{what}");
    }
}

#[test]
fn elapsed_worked_out_by_hand() {
    let calendar = calendar();
    // (start, end, unit, exact amount as (numerator, denominator))
    let cases: &[(&str, &str, Unit, (i128, i128))] = &[
        (
            "2026-01-09 15:55",
            "2026-01-12 07:35",
            Unit::WorkingMinutes,
            (10, 1),
        ),
        // 6 h on Monday + 6.75 h on Tuesday = 12.75 h = 1.5 office days.
        (
            "2026-01-12 10:00",
            "2026-01-13 14:15",
            Unit::WorkingDays,
            (3, 2),
        ),
        (
            "2026-01-12 10:00",
            "2026-01-12 12:30",
            Unit::WorkingHours,
            (5, 2),
        ),
        (
            "2026-01-10 08:00",
            "2026-01-11 20:00",
            Unit::WorkingMinutes,
            (0, 1),
        ),
        (
            "2026-03-17 07:30",
            "2026-03-25 16:00",
            Unit::WorkingDays,
            (2, 1),
        ),
        (
            "2026-01-10 00:00",
            "2026-01-10 12:00",
            Unit::CalendarDays,
            (1, 2),
        ),
        (
            "2026-01-12 10:00",
            "2026-01-10 10:00",
            Unit::WorkingDays,
            (0, 1),
        ),
        // One minute of an 8.5-hour day.
        (
            "2026-01-12 10:00",
            "2026-01-12 10:01",
            Unit::WorkingDays,
            (1, 510),
        ),
    ];
    for (start, end, unit, expected) in cases {
        let elapsed = calendar.elapsed(wib(start), wib(end), *unit, &[]);
        assert_eq!(elapsed.unit(), *unit);
        assert_eq!(elapsed.exact(), *expected, "{unit:?} from {start} to {end}");
    }
    assert_eq!(
        calendar.elapsed_working_seconds(wib("2026-01-09 15:55"), wib("2026-01-12 07:35"), &[]),
        600
    );
    let paused = [Pause::closed(
        wib("2026-01-12 11:00"),
        wib("2026-01-12 12:00"),
    )];
    assert_eq!(
        calendar.elapsed_working_seconds(wib("2026-01-12 10:00"), wib("2026-01-12 13:00"), &paused),
        2 * 3600
    );
}

#[test]
fn share_left_and_remaining_for_the_due_soon_badge() {
    let calendar = calendar();
    let start = wib("2026-01-12 10:00");
    let standard = Standard::WorkingDays(2);
    let cases = [
        ("2026-01-12 10:00", 1.0),
        ("2026-01-13 10:00", 0.5),
        ("2026-01-14 10:00", 0.0),
        ("2026-01-15 10:00", -0.5),
        // Friday 16 is Isra Mikraj and the weekend does not count: by Saturday Mon 12/17, Tue,
        // Wed and Thu have passed; by Monday 19 10:00 also Mon 5/17, four days in all.
        ("2026-01-17 10:00", 1.0 - (3.0 + 12.0 / 17.0) / 2.0),
        ("2026-01-19 10:00", -1.0),
    ];
    for (now, expected) in cases {
        let share = calendar.share_left(start, wib(now), standard, &[]);
        assert!(
            (share - expected).abs() < 1e-12,
            "{now}: {share} != {expected}"
        );
    }
    let overdue = calendar.remaining(start, wib("2026-01-15 10:00"), standard, &[]);
    assert!(overdue.is_negative());
    assert_eq!(overdue.exact(), (-1, 1));
    let on_time = calendar.remaining(start, wib("2026-01-14 10:00"), standard, &[]);
    assert!(on_time.is_zero());
    // Minutes remaining are whole seconds.
    let minutes = calendar.remaining(
        wib("2026-01-09 15:55"),
        wib("2026-01-12 07:31"),
        Standard::WorkingMinutes(10),
        &[],
    );
    assert_eq!(minutes.working_seconds(), Some(4 * 60));
    assert_eq!(
        calendar.share_left(start, start, Standard::WorkingMinutes(0), &[]),
        0.0
    );
}

#[test]
fn elapsed_compares_with_its_standard() {
    let calendar = calendar();
    let start = wib("2026-01-12 10:00");
    let standard = Standard::WorkingMinutes(90);
    let at = |end: &str| {
        calendar
            .elapsed(start, wib(end), unit_of(standard), &[])
            .cmp_standard(standard)
    };
    assert_eq!(at("2026-01-12 11:29"), Some(Ordering::Less));
    assert_eq!(at("2026-01-12 11:30"), Some(Ordering::Equal));
    assert_eq!(at("2026-01-12 11:31"), Some(Ordering::Greater));
    let elapsed: Quantity =
        calendar.elapsed(start, wib("2026-01-12 11:30"), Unit::WorkingMinutes, &[]);
    assert_eq!(elapsed.cmp_standard(Standard::WorkingDays(1)), None);
}

#[test]
fn next_working_instant_worked_out_by_hand() {
    let calendar = calendar();
    let cases = [
        ("2026-01-09 16:00", "2026-01-12 07:30"),
        ("2026-01-13 10:00", "2026-01-13 10:00"),
        ("2026-01-13 06:00", "2026-01-13 07:30"),
        ("2026-01-13 07:30", "2026-01-13 07:30"),
        ("2026-03-17 20:00", "2026-03-25 07:30"),
        ("2026-12-23 16:30", "2026-12-28 07:30"),
    ];
    for (at, expected) in cases {
        assert_eq!(
            calendar.next_working_instant(wib(at)).map(show),
            Some(show(wib(expected))),
            "{at}"
        );
    }
}

#[test]
fn a_calendar_that_never_opens_has_no_due_for_working_time_but_counts_calendar_days() {
    let closed = WorkingCalendar::new(Jakarta, WeekSchedule::closed(), Vec::new());
    let start = wib("2026-01-12 10:00");
    assert_eq!(closed.due(start, Standard::WorkingMinutes(1), &[]), None);
    assert_eq!(closed.next_working_instant(start), None);
    assert_eq!(
        closed.due(start, Standard::CalendarDays(1), &[]).map(show),
        Some(show(wib("2026-01-13 10:00")))
    );
}

#[test]
fn calendar_days_weigh_each_second_by_the_length_of_its_local_day() {
    // Europe/Berlin springs forward on Sunday 2026-03-29, a 23-hour day. From Saturday noon
    // (CET) half of Saturday remains; the other half day is half of Sunday's 23 hours, 11.5 h
    // after its midnight: 12:30 CEST. In Asia/Jakarta (no daylight saving) every day is 24 h
    // and N calendar days end at the same clock time, which the properties below check.
    let berlin = WorkingCalendar::new(
        chrono_tz::Europe::Berlin,
        WeekSchedule::default(),
        Vec::new(),
    );
    let local = |text: &str| {
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        chrono_tz::Europe::Berlin
            .from_local_datetime(&naive)
            .unwrap()
            .with_timezone(&Utc)
    };
    let start = local("2026-03-28 12:00");
    let due = berlin.due(start, Standard::CalendarDays(1), &[]).unwrap();
    assert_eq!(due, local("2026-03-29 12:30"));
    assert_eq!(due - start, Duration::minutes(23 * 60 + 30));
    let half = berlin.elapsed(
        local("2026-03-29 00:00"),
        local("2026-03-29 12:30"),
        Unit::CalendarDays,
        &[],
    );
    assert_eq!(half.exact(), (1, 2));
    // Office days keep their 8.5 hours: a working day from Friday 07:30 ends at 16:00.
    assert_eq!(
        berlin.due(local("2026-03-27 07:30"), Standard::WorkingDays(1), &[]),
        Some(local("2026-03-27 16:00"))
    );
}

#[test]
fn long_standards_jump_weeks_and_still_land_exactly() {
    let calendar = calendar();
    let start = wib("2026-01-12 10:00");
    // Chaining short standards never takes the week-skipping path (too short to skip).
    let mut chained = start;
    for _ in 0..200 {
        chained = calendar
            .due(chained, Standard::WorkingDays(5), &[])
            .unwrap();
    }
    let direct = calendar
        .due(start, Standard::WorkingDays(1000), &[])
        .unwrap();
    assert_eq!(show(direct), show(chained));
    assert_eq!(
        calendar
            .elapsed(start, direct, Unit::WorkingDays, &[])
            .exact(),
        (1000, 1)
    );
    let far = calendar
        .due(start, Standard::CalendarDays(1_000_000), &[])
        .unwrap();
    let far_local = far.with_timezone(&Jakarta);
    assert_eq!((far_local.hour(), far_local.minute()), (10, 0));
    assert_eq!(
        far_local.date_naive() - NaiveDate::from_ymd_opt(2026, 1, 12).unwrap(),
        Duration::days(1_000_000)
    );
    // Minutes and hours skip weeks too, one week at a time; in Asia/Jakarta and across the
    // daylight-saving changes of Europe/Berlin alike.
    let berlin = WorkingCalendar::new(
        chrono_tz::Europe::Berlin,
        WeekSchedule::default(),
        Vec::new(),
    );
    // Open around the clock, so the clock changes of 29 March and 25 October fall inside
    // office hours and those weeks are an hour shorter or longer.
    let all_day = Some((
        NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
        NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
    ));
    let berlin_all_week = WorkingCalendar::new(
        chrono_tz::Europe::Berlin,
        WeekSchedule::new([all_day; 7]).unwrap(),
        Vec::new(),
    );
    for calendar in [&calendar, &berlin, &berlin_all_week] {
        // 235 x 17 h: past 29 March but not yet 25 October in the round-the-clock calendar,
        // so a week miscounted there would show.
        let mut chained = start;
        for _ in 0..235 {
            // 17 hours is less than a week of office hours (42.5 h): never skipped.
            chained = calendar
                .due(chained, Standard::WorkingHours(17), &[])
                .unwrap();
        }
        let direct = calendar
            .due(start, Standard::WorkingHours(17 * 235), &[])
            .unwrap();
        assert_eq!(direct, chained, "{:?}", calendar.time_zone);
    }
    // The largest standards either land or report no due, and never take long.
    assert!(
        calendar
            .due(start, Standard::WorkingMinutes(u32::MAX), &[])
            .is_some()
    );
    assert!(
        calendar
            .due(start, Standard::WorkingHours(u32::MAX), &[])
            .is_none()
    );
    assert!(
        calendar
            .due(start, Standard::WorkingDays(u32::MAX), &[])
            .is_none()
    );
    assert!(
        calendar
            .due(start, Standard::CalendarDays(u32::MAX), &[])
            .is_none()
    );
}

// ---------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------

/// Any second from 2024-01-01 00:00 WIB over about four years (the table's span).
fn any_start() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4 * 365 * 86_400).prop_map(|offset| wib("2024-01-01 00:00") + Duration::seconds(offset))
}

/// Any whole minute in the same span, so pauses and starts stay on the minute grid of the
/// office hours and a paused stretch is a whole number of working minutes.
fn any_minute() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4 * 365 * 1440).prop_map(|offset| wib("2024-01-01 00:00") + Duration::minutes(offset))
}

fn any_standard() -> impl Strategy<Value = Standard> {
    prop_oneof![
        (1u32..=2_000).prop_map(Standard::WorkingMinutes),
        (1u32..=60).prop_map(Standard::WorkingHours),
        (1u32..=45).prop_map(Standard::WorkingDays),
        (1u32..=45).prop_map(Standard::CalendarDays),
    ]
}

fn is_working(standard: Standard) -> bool {
    !matches!(standard, Standard::CalendarDays(_))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn due_uses_up_the_standard_exactly(start in any_start(), standard in any_standard()) {
        let calendar = calendar();
        let due = calendar.due(start, standard, &[]).unwrap();
        prop_assert!(due >= start);
        let unit = unit_of(standard);
        // Every office day of Asia/Jakarta is 30 600 s long, so the due is exact, not rounded.
        let elapsed = calendar.elapsed(start, due, unit, &[]);
        prop_assert_eq!(elapsed.cmp_standard(standard), Some(Ordering::Equal), "{}", show(due));
        let a_second_before = calendar.elapsed(start, due - Duration::seconds(1), unit, &[]);
        prop_assert_eq!(a_second_before.cmp_standard(standard), Some(Ordering::Less));
        prop_assert_eq!(calendar.share_left(start, due, standard, &[]), 0.0);
        prop_assert_eq!(calendar.share_left(start, start, standard, &[]), 1.0);
    }

    #[test]
    fn a_working_due_lies_within_the_office_hours_of_a_working_day(
        start in any_start(),
        standard in any_standard(),
    ) {
        prop_assume!(is_working(standard));
        let calendar = calendar();
        let due = calendar.due(start, standard, &[]).unwrap();
        let date = calendar.local_date(due);
        prop_assert!(calendar.is_working_day(date), "{}", show(due));
        let weekday = date.weekday().number_from_monday();
        prop_assert!(weekday <= 5, "{}", show(due));
        prop_assert!(calendar.holiday(date).is_none());
        let (open, close) = calendar.office_hours(date).unwrap();
        prop_assert!(open < due && due <= close, "{}", show(due));
    }

    #[test]
    fn calendar_days_end_at_the_same_local_time(start in any_start(), days in 1u32..400) {
        let calendar = calendar();
        let due = calendar.due(start, Standard::CalendarDays(days), &[]).unwrap();
        prop_assert_eq!(due - start, Duration::days(i64::from(days)));
    }

    #[test]
    fn a_pause_shifts_the_due_by_exactly_the_working_time_it_stopped(
        start in any_minute(),
        minutes in 1u32..3_000,
        pause_offset in 0i64..20 * 1440,
        pause_length in 1i64..5 * 1440,
    ) {
        let calendar = calendar();
        let standard = Standard::WorkingMinutes(minutes);
        let from = start + Duration::minutes(pause_offset);
        let until = from + Duration::minutes(pause_length);
        let pause = [Pause::closed(from, until)];
        let plain = calendar.due(start, standard, &[]).unwrap();
        let paused = calendar.due(start, standard, &pause).unwrap();
        // The working time the pause took out before the (paused) due.
        let stopped = calendar.elapsed_working_seconds(from, until.min(paused), &[]);
        prop_assert_eq!(stopped % 60, 0);
        let shifted = Standard::WorkingMinutes(minutes + u32::try_from(stopped / 60).unwrap());
        prop_assert_eq!(show(paused), show(calendar.due(start, shifted, &[]).unwrap()));
        if from >= plain {
            prop_assert_eq!(paused, plain);
        }
        prop_assert!(paused >= plain);
        // Counted with the pause, exactly the standard has elapsed at the due.
        let elapsed = calendar.elapsed(start, paused, Unit::WorkingMinutes, &pause);
        prop_assert_eq!(elapsed.cmp_standard(standard), Some(Ordering::Equal));
    }

    #[test]
    fn paused_working_days_add_up(
        start in any_start(),
        days in 1u32..20,
        pause_offset in 0i64..20 * 86_400,
        pause_length in 1i64..5 * 86_400,
    ) {
        let calendar = calendar();
        let standard = Standard::WorkingDays(days);
        let from = start + Duration::seconds(pause_offset);
        let until = from + Duration::seconds(pause_length);
        let pause = [Pause::closed(from, until)];
        let paused = calendar.due(start, standard, &pause).unwrap();
        let with_pause = calendar.elapsed(start, paused, Unit::WorkingDays, &pause);
        prop_assert_eq!(with_pause.cmp_standard(standard), Some(Ordering::Equal));
        // Without the pause, the same stretch holds the standard plus what the pause stopped.
        let whole = calendar.elapsed(start, paused, Unit::WorkingDays, &[]).exact();
        let stopped = calendar.elapsed(from.max(start), until.min(paused), Unit::WorkingDays, &[]).exact();
        // whole == days + stopped, cross-multiplied.
        prop_assert_eq!(whole.0 * stopped.1, (i128::from(days) * stopped.1 + stopped.0) * whole.1);
    }

    #[test]
    fn an_open_pause_stops_the_clock_unless_the_standard_was_already_used_up(
        start in any_start(),
        standard in any_standard(),
        pause_offset in -86_400i64..30 * 86_400,
    ) {
        let calendar = calendar();
        let from = start + Duration::seconds(pause_offset);
        let plain = calendar.due(start, standard, &[]).unwrap();
        let paused = calendar.due(start, standard, &[Pause::open(from)]);
        if from >= plain {
            prop_assert_eq!(paused, Some(plain));
        } else {
            prop_assert_eq!(paused, None);
        }
    }

    #[test]
    fn elapsed_adds_up_over_consecutive_stretches(
        a in any_start(),
        b_offset in 0i64..40 * 86_400,
        c_offset in 0i64..40 * 86_400,
        unit in prop_oneof![
            Just(Unit::WorkingMinutes),
            Just(Unit::WorkingDays),
            Just(Unit::CalendarDays),
        ],
    ) {
        let calendar = calendar();
        let b = a + Duration::seconds(b_offset);
        let c = b + Duration::seconds(c_offset);
        let (ab, bc, ac) = (
            calendar.elapsed(a, b, unit, &[]).exact(),
            calendar.elapsed(b, c, unit, &[]).exact(),
            calendar.elapsed(a, c, unit, &[]).exact(),
        );
        prop_assert_eq!(ac.0 * ab.1 * bc.1, (ab.0 * bc.1 + bc.0 * ab.1) * ac.1);
    }

    #[test]
    fn the_next_working_instant_is_the_first_counted_second(t in any_start()) {
        let calendar = calendar();
        let next = calendar.next_working_instant(t).unwrap();
        prop_assert!(next >= t);
        prop_assert_eq!(calendar.elapsed_working_seconds(t, next, &[]), 0);
        prop_assert_eq!(calendar.elapsed_working_seconds(next, next + Duration::seconds(1), &[]), 1);
    }
}
