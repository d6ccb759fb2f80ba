//! Reading and writing the holiday table (`tanggal,jenis,nama`), the form an admin edits and
//! the form shipped in `data/hari-libur-indonesia.csv`. It only turns text into holidays and back;
//! it must never touch files or decide what a holiday means for the clock.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::error::CalendarError;
use crate::model::{Holiday, HolidayKind};

/// The holiday table shipped with Pelihara (2024-2028), compiled in so a fresh install works
/// offline and without setup.
pub const SHIPPED_HOLIDAYS_CSV: &str = include_str!("../../../data/hari-libur-indonesia.csv");

const HEADER: [&str; 3] = ["tanggal", "jenis", "nama"];

/// Reads a holiday table: optional `#` comment lines and blank lines, then the header
/// `tanggal,jenis,nama`, then one row per date (`YYYY-MM-DD`, `libur_nasional` or
/// `cuti_bersama`, a name). Fields may be quoted and are trimmed; a line whose first non-blank
/// character is `#` is a comment. Each error names the line (1 =
/// first line of `text`), the row as written and what is wrong with it; a date listed twice is
/// an error, because the admin most likely meant to change one of the two rows.
pub fn parse_holidays_csv(text: &str) -> Result<Vec<Holiday>, CalendarError> {
    // Spreadsheet programs like to start the file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let mut header_seen = false;
    let mut holidays = Vec::new();
    let mut first_line_of: BTreeMap<NaiveDate, u64> = BTreeMap::new();

    // Line by line rather than one CSV reader over the whole text, because the reader's own
    // line count skips blank and comment lines and the admin needs the line their editor shows.
    // The price: a quoted field cannot span lines, which no holiday name needs.
    for (index, raw) in text.lines().enumerate() {
        let line = u64::try_from(index).map_or(u64::MAX, |index| index + 1);
        let row = raw.trim();
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let fields =
            split_row(row).map_err(|message| CalendarError::UnreadableRow { line, message })?;

        if !header_seen {
            let names: Vec<String> = fields.iter().map(|field| field.to_lowercase()).collect();
            if names != HEADER {
                return Err(CalendarError::BadHeader {
                    line,
                    found: row.to_owned(),
                });
            }
            header_seen = true;
            continue;
        }

        let [date_text, kind_text, name] = fields.as_slice() else {
            return Err(CalendarError::WrongFieldCount {
                line,
                row: row.to_owned(),
                found: fields.len(),
            });
        };
        let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
            CalendarError::BadDate {
                line,
                row: row.to_owned(),
                value: date_text.clone(),
            }
        })?;
        let kind = HolidayKind::from_code(kind_text).ok_or_else(|| CalendarError::UnknownKind {
            line,
            row: row.to_owned(),
            value: kind_text.clone(),
        })?;
        if name.is_empty() {
            return Err(CalendarError::EmptyName {
                line,
                row: row.to_owned(),
            });
        }
        if let Some(first_line) = first_line_of.insert(date, line) {
            return Err(CalendarError::DuplicateDate {
                line,
                row: row.to_owned(),
                date,
                first_line,
            });
        }
        holidays.push(Holiday {
            date,
            kind,
            name: name.clone(),
        });
    }

    if header_seen {
        Ok(holidays)
    } else {
        Err(CalendarError::MissingHeader)
    }
}

/// The trimmed fields of one CSV row (quotes as RFC 4180 has them).
fn split_row(row: &str) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(row.as_bytes());
    match reader.records().next() {
        Some(Ok(record)) => Ok(record.iter().map(str::to_owned).collect()),
        Some(Err(error)) => Err(error.to_string()),
        None => Ok(Vec::new()),
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
