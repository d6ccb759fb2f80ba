//! Reading and writing the holiday table (`tanggal,jenis,nama`), the form an admin edits and
//! the form shipped in `data/hari-libur-indonesia.csv`, and the default calendar built on the
//! shipped table. It only turns text into holidays and back; it must never touch files or
//! decide what a holiday means for the clock.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::error::CalendarError;
use crate::model::{Holiday, HolidayKind, WeekSchedule, WorkingCalendar};

/// The holiday table shipped with Pelihara (2024-2028), compiled in so a fresh install works
/// offline and without setup.
pub const SHIPPED_HOLIDAYS_CSV: &str = include_str!("../../../data/hari-libur-indonesia.csv");

const HEADER: [&str; 3] = ["tanggal", "jenis", "nama"];

impl WorkingCalendar {
    /// Asia/Jakarta (WIB), Monday to Friday 07:30-16:00, and the holiday table shipped in
    /// `data/hari-libur-indonesia.csv`. An error here means the shipped table is broken (a test
    /// guards against that). It lives beside the table so the calendar model need not know
    /// where holidays come from.
    pub fn indonesia_default() -> Result<WorkingCalendar, CalendarError> {
        Ok(WorkingCalendar::new(
            chrono_tz::Asia::Jakarta,
            WeekSchedule::default(),
            parse_holidays_csv(SHIPPED_HOLIDAYS_CSV)?,
        ))
    }
}

/// Reads a holiday table: optional `#` comment lines and blank lines, then the header
/// `tanggal,jenis,nama`, then one row per date (`YYYY-MM-DD`, `libur_nasional` or
/// `cuti_bersama`, a name). Fields may be quoted (RFC 4180) and are trimmed; a line starting
/// with `#` is a comment. Each error names the line (1 =
/// first line of `text`), the row as written and what is wrong with it; a date listed twice is
/// an error, because the admin most likely meant to change one of the two rows.
pub fn parse_holidays_csv(text: &str) -> Result<Vec<Holiday>, CalendarError> {
    // Spreadsheet programs like to start the file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The reader's own line count skips blank and comment lines, but the admin needs the line
    // their editor shows: count it from the record's byte offset instead. That offset can point
    // at blank or comment lines the reader skipped before the record, so skip them here too.
    let lines: Vec<(usize, &str)> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .map(|start| {
            (
                start,
                text[start..].lines().next().unwrap_or_default().trim(),
            )
        })
        .collect();
    let line_at = |byte: u64| -> (u64, String) {
        let first = lines
            .partition_point(|&(start, _)| u64::try_from(start).is_ok_and(|start| start <= byte))
            .saturating_sub(1);
        let index = (first..lines.len())
            .find(|&index| {
                let row = lines[index].1;
                !row.is_empty() && !row.starts_with('#')
            })
            .unwrap_or(first);
        let row = lines.get(index).map_or("", |line| line.1).to_owned();
        (
            u64::try_from(index).map_or(u64::MAX, |index| index + 1),
            row,
        )
    };

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .comment(Some(b'#'))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let mut header_seen = false;
    let mut holidays = Vec::new();
    let mut first_line_of: BTreeMap<NaiveDate, u64> = BTreeMap::new();

    for record in reader.records() {
        let record = record.map_err(|error| CalendarError::UnreadableRow {
            line: error
                .position()
                .map_or(0, |position| line_at(position.byte()).0),
            message: error.to_string(),
        })?;
        let (line, row) = line_at(record.position().map_or(0, csv::Position::byte));

        if !header_seen {
            let names: Vec<String> = record.iter().map(str::to_lowercase).collect();
            if names != HEADER {
                return Err(CalendarError::BadHeader { line, found: row });
            }
            header_seen = true;
            continue;
        }

        let [date_text, kind_text, name] = [0, 1, 2].map(|index| record.get(index));
        let (Some(date_text), Some(kind_text), Some(name), 3) =
            (date_text, kind_text, name, record.len())
        else {
            return Err(CalendarError::WrongFieldCount {
                line,
                row,
                found: record.len(),
            });
        };
        let Ok(date) = NaiveDate::parse_from_str(date_text, "%Y-%m-%d") else {
            return Err(CalendarError::BadDate {
                line,
                row,
                value: date_text.to_owned(),
            });
        };
        let Some(kind) = HolidayKind::from_code(kind_text) else {
            return Err(CalendarError::UnknownKind {
                line,
                row,
                value: kind_text.to_owned(),
            });
        };
        if name.is_empty() {
            return Err(CalendarError::EmptyName { line, row });
        }
        if let Some(first_line) = first_line_of.insert(date, line) {
            return Err(CalendarError::DuplicateDate {
                line,
                row,
                date,
                first_line,
            });
        }
        holidays.push(Holiday {
            date,
            kind,
            name: name.to_owned(),
        });
    }

    if header_seen {
        Ok(holidays)
    } else {
        Err(CalendarError::MissingHeader)
    }
}

/// Writes holidays as a table [`parse_holidays_csv`] reads back (header, then one row each, in
/// the order given), for the admin's download.
pub fn holidays_to_csv(holidays: &[Holiday]) -> Result<String, CalendarError> {
    let failed = |message: String| CalendarError::WriteFailed { message };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(HEADER)
        .map_err(|error| failed(error.to_string()))?;
    for holiday in holidays {
        writer
            .write_record([
                holiday.date.format("%Y-%m-%d").to_string().as_str(),
                holiday.kind.code(),
                holiday.name.as_str(),
            ])
            .map_err(|error| failed(error.to_string()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| failed(error.to_string()))?;
    String::from_utf8(bytes).map_err(|error| failed(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses_with_known_rows() {
        let holidays = parse_holidays_csv(SHIPPED_HOLIDAYS_CSV).unwrap();
        assert!(holidays.len() > 100, "{}", holidays.len());
        let nyepi = holidays
            .iter()
            .find(|h| h.date == NaiveDate::from_ymd_opt(2026, 3, 19).unwrap())
            .unwrap();
        assert_eq!(nyepi.kind, HolidayKind::LiburNasional);
        assert_eq!(nyepi.name, "Hari Suci Nyepi");
        let first = &holidays[0];
        assert_eq!(first.date, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert_eq!(first.name, "Tahun Baru Masehi");
    }

    /// (table text, expected error). Line numbers count comment lines too, because the admin
    /// looks the line up in an editor.
    #[test]
    fn errors_name_the_line_the_row_and_the_fault() {
        let cases: Vec<(&str, CalendarError)> = vec![
            (
                "# komentar\ntanggal,jenis,nama\n2026-01-01,libur_nasional,Tahun Baru\n2026-02-30,libur_nasional,Tidak Ada\n",
                CalendarError::BadDate {
                    line: 4,
                    row: "2026-02-30,libur_nasional,Tidak Ada".to_owned(),
                    value: "2026-02-30".to_owned(),
                },
            ),
            (
                "tanggal,jenis,nama\n2026-01-01,libur_daerah,Hari Jadi\n",
                CalendarError::UnknownKind {
                    line: 2,
                    row: "2026-01-01,libur_daerah,Hari Jadi".to_owned(),
                    value: "libur_daerah".to_owned(),
                },
            ),
            (
                "# a\n# b\ntanggal,jenis,nama\n2026-01-01,libur_nasional\n",
                CalendarError::WrongFieldCount {
                    line: 4,
                    row: "2026-01-01,libur_nasional".to_owned(),
                    found: 2,
                },
            ),
            (
                "tanggal,jenis,nama\n2026-01-01,cuti_bersama,\n",
                CalendarError::EmptyName {
                    line: 2,
                    row: "2026-01-01,cuti_bersama,".to_owned(),
                },
            ),
            (
                "tanggal,jenis,nama\n2026-01-01,libur_nasional,A\n\n2026-01-01,cuti_bersama,B\n",
                CalendarError::DuplicateDate {
                    line: 4,
                    row: "2026-01-01,cuti_bersama,B".to_owned(),
                    date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    first_line: 2,
                },
            ),
            (
                "# only\ndate,kind,name\n",
                CalendarError::BadHeader {
                    line: 2,
                    found: "date,kind,name".to_owned(),
                },
            ),
            ("# only comments\n\n", CalendarError::MissingHeader),
            (
                "tanggal,jenis,nama\n# 2026\n\n2026-01-01,libur_nasional,A\n\n# lagi\n\n2026-13-01,libur_nasional,B\n",
                CalendarError::BadDate {
                    line: 8,
                    row: "2026-13-01,libur_nasional,B".to_owned(),
                    value: "2026-13-01".to_owned(),
                },
            ),
            (
                "tanggal,jenis,nama\n01/01/2026,libur_nasional,Tahun Baru\n",
                CalendarError::BadDate {
                    line: 2,
                    row: "01/01/2026,libur_nasional,Tahun Baru".to_owned(),
                    value: "01/01/2026".to_owned(),
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_holidays_csv(text).unwrap_err(), expected, "{text:?}");
        }
    }

    #[test]
    fn error_messages_show_line_and_row() {
        let error =
            parse_holidays_csv("tanggal,jenis,nama\n2026-13-01,libur_nasional,X\n").unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("line 2:"), "{message}");
        assert!(message.contains("2026-13-01,libur_nasional,X"), "{message}");
        assert_eq!(error.message_key(), "calendar-error-bad-date");
        assert!(error.message_args().contains(&("line", "2".to_owned())));
    }

    #[test]
    fn quoting_trimming_crlf_and_bom_are_accepted() {
        let text = "\u{feff}# komentar\r\nTanggal, Jenis, Nama\r\n 2026-12-24 , cuti_bersama ,\"Cuti Bersama, Natal\"\r\n";
        let holidays = parse_holidays_csv(text).unwrap();
        assert_eq!(
            holidays,
            vec![Holiday {
                date: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
                kind: HolidayKind::CutiBersama,
                name: "Cuti Bersama, Natal".to_owned(),
            }]
        );
    }

    #[test]
    fn written_tables_read_back_the_same() {
        let holidays = parse_holidays_csv(SHIPPED_HOLIDAYS_CSV).unwrap();
        let text = holidays_to_csv(&holidays).unwrap();
        assert!(text.starts_with("tanggal,jenis,nama\n"));
        assert_eq!(parse_holidays_csv(&text).unwrap(), holidays);
    }
}
