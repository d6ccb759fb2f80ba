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
    /// ISO 8601 and weekdays are numbered 1 (Monday) to 7 (Sunday), so the message file can
    /// name them in its own language.
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
                ("weekday", weekday.number_from_monday().to_string()),
                ("open", open.format("%H:%M").to_string()),
                ("close", close.format("%H:%M").to_string()),
            ],
            CalendarError::WriteFailed { message } => vec![("message", message.clone())],
        }
    }
}
