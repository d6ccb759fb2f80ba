//! Why a holiday table or a week schedule was refused. Every variant names what a person must
//! fix (the line, the row text, the bad value); it must never carry anything but that.

use chrono::{NaiveDate, NaiveTime, Weekday};

/// An error building a working calendar.
///
/// `Display` gives an English sentence for logs; a user interface shows the translated message
/// from [`CalendarError::message_key`] and [`CalendarError::message_args`] (area file
/// `calendar.ftl` of `pelihara-i18n`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the holiday table has no header line `tanggal,jenis,nama`")]
    MissingHeader,

    #[error("line {line}: the header must be `tanggal,jenis,nama`, found `{found}`")]
    BadHeader { line: u64, found: String },

    #[error("line {line}: expected 3 fields (tanggal,jenis,nama), found {found} in `{row}`")]
    WrongFieldCount {
        line: u64,
        row: String,
        found: usize,
    },

    #[error("line {line}: `{value}` is not a date of the form YYYY-MM-DD in `{row}`")]
    BadDate {
        line: u64,
        row: String,
        value: String,
    },

    #[error(
        "line {line}: unknown kind `{value}` (expected `libur_nasional` or `cuti_bersama`) in `{row}`"
    )]
    UnknownKind {
        line: u64,
        row: String,
        value: String,
    },

    #[error("line {line}: the holiday has no name in `{row}`")]
    EmptyName { line: u64, row: String },

    #[error("line {line}: {date} is already listed on line {first_line}, in `{row}`")]
    DuplicateDate {
        line: u64,
        row: String,
        date: NaiveDate,
        first_line: u64,
    },

    #[error("line {line}: the row cannot be read: {message}")]
    UnreadableRow { line: u64, message: String },

    #[error(
        "office hours on {weekday}: {open}-{close} must open before they close, on whole minutes"
    )]
    BadOfficeHours {
        weekday: Weekday,
        open: NaiveTime,
        close: NaiveTime,
    },

    #[error("the holiday table cannot be written: {message}")]
    WriteFailed { message: String },
}

impl CalendarError {
    /// The `pelihara-i18n` message key for this error.
    pub fn message_key(&self) -> &'static str {
        match self {
            CalendarError::MissingHeader => "calendar-error-missing-header",
            CalendarError::BadHeader { .. } => "calendar-error-bad-header",
            CalendarError::WrongFieldCount { .. } => "calendar-error-wrong-field-count",
            CalendarError::BadDate { .. } => "calendar-error-bad-date",
            CalendarError::UnknownKind { .. } => "calendar-error-unknown-kind",
            CalendarError::EmptyName { .. } => "calendar-error-empty-name",
            CalendarError::DuplicateDate { .. } => "calendar-error-duplicate-date",
            CalendarError::UnreadableRow { .. } => "calendar-error-unreadable-row",
            CalendarError::BadOfficeHours { .. } => "calendar-error-bad-office-hours",
            CalendarError::WriteFailed { .. } => "calendar-error-write-failed",
        }
    }

    /// The arguments of [`CalendarError::message_key`], as `(name, value)` pairs. Dates are
    /// ISO 8601 and a weekday is its English three-letter code (`mon` .. `sun`), which the
    /// message file selects on to name it in its own language.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            CalendarError::MissingHeader => Vec::new(),
            CalendarError::BadHeader { line, found } => {
                vec![("line", line.to_string()), ("found", found.clone())]
            }
            CalendarError::WrongFieldCount { line, row, found } => vec![
                ("line", line.to_string()),
                ("row", row.clone()),
                ("found", found.to_string()),
            ],
            CalendarError::BadDate { line, row, value }
            | CalendarError::UnknownKind { line, row, value } => vec![
                ("line", line.to_string()),
                ("row", row.clone()),
                ("value", value.clone()),
            ],
            CalendarError::EmptyName { line, row } => {
                vec![("line", line.to_string()), ("row", row.clone())]
            }
            CalendarError::DuplicateDate {
                line,
                row,
                date,
                first_line,
            } => vec![
                ("line", line.to_string()),
                ("row", row.clone()),
                ("date", date.to_string()),
                ("first_line", first_line.to_string()),
            ],
            CalendarError::UnreadableRow { line, message } => {
                vec![("line", line.to_string()), ("message", message.clone())]
            }
            CalendarError::BadOfficeHours {
                weekday,
                open,
                close,
            } => vec![
                ("weekday", weekday.to_string().to_lowercase()),
                ("open", open.format("%H:%M").to_string()),
                ("close", close.format("%H:%M").to_string()),
            ],
            CalendarError::WriteFailed { message } => vec![("message", message.clone())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDONESIAN: &str = include_str!("../../i18n/locales/id/calendar.ftl");
    const ENGLISH: &str = include_str!("../../i18n/locales/en/calendar.ftl");

    /// The message of `key` in a Fluent file: its first line and any indented lines after it.
    fn message(file: &str, key: &str) -> Option<String> {
        let mut lines = file.lines().skip_while(|line| {
            line.split_once(" =")
                .is_none_or(|(name, _)| name.trim() != key)
        });
        let first = lines.next()?;
        let rest: Vec<&str> = lines.take_while(|line| line.starts_with(' ')).collect();
        Some(
            std::iter::once(first)
                .chain(rest)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }

    #[test]
    fn every_error_has_its_message_and_arguments_in_both_languages() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let time = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        let text = String::from("x");
        let errors = [
            CalendarError::MissingHeader,
            CalendarError::BadHeader {
                line: 1,
                found: text.clone(),
            },
            CalendarError::WrongFieldCount {
                line: 1,
                row: text.clone(),
                found: 2,
            },
            CalendarError::BadDate {
                line: 1,
                row: text.clone(),
                value: text.clone(),
            },
            CalendarError::UnknownKind {
                line: 1,
                row: text.clone(),
                value: text.clone(),
            },
            CalendarError::EmptyName {
                line: 1,
                row: text.clone(),
            },
            CalendarError::DuplicateDate {
                line: 2,
                row: text.clone(),
                date,
                first_line: 1,
            },
            CalendarError::UnreadableRow {
                line: 1,
                message: text.clone(),
            },
            CalendarError::BadOfficeHours {
                weekday: Weekday::Sat,
                open: time,
                close: time,
            },
            CalendarError::WriteFailed { message: text },
        ];
        for error in errors {
            for (language, file) in [("id", INDONESIAN), ("en", ENGLISH)] {
                let key = error.message_key();
                let text =
                    message(file, key).unwrap_or_else(|| panic!("{language}: no message {key}"));
                for (name, _) in error.message_args() {
                    assert!(
                        text.contains(&format!("{{ ${name}")),
                        "{language} {key} does not use ${name}"
                    );
                }
            }
        }
    }

    #[test]
    fn holiday_kinds_and_standards_have_names_in_both_languages() {
        use crate::model::HolidayKind;
        use crate::standard::Standard;
        let keys = [
            HolidayKind::LiburNasional.message_key(),
            HolidayKind::CutiBersama.message_key(),
            Standard::WorkingMinutes(1).message_key(),
            Standard::WorkingHours(1).message_key(),
            Standard::WorkingDays(1).message_key(),
            Standard::CalendarDays(1).message_key(),
        ];
        for key in keys {
            for file in [INDONESIAN, ENGLISH] {
                assert!(message(file, key).is_some(), "{key}");
            }
        }
        assert!(
            message(INDONESIAN, "calendar-standard-working-days")
                .unwrap()
                .contains("{ $value } hari kerja")
        );
    }

    #[test]
    fn weekdays_are_passed_as_the_codes_the_messages_select_on() {
        let time = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        let error = CalendarError::BadOfficeHours {
            weekday: Weekday::Sat,
            open: time,
            close: time,
        };
        assert!(
            error
                .message_args()
                .contains(&("weekday", "sat".to_owned()))
        );
        let text = message(INDONESIAN, error.message_key()).unwrap();
        assert!(text.contains("[sat] Sabtu"), "{text}");
    }
}
