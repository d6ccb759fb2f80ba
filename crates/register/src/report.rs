//! The reports' sheets (issue 15): tables of worded figures as CSV (one table, every field
//! quoted, formula cells guarded, like the register's) and as an XLSX workbook (one sheet per
//! table, counts as numbers, formula-like text kept as text). The caller words every cell as
//! the page shows it; this module only writes them. Never touches the database.

use rust_xlsxwriter::{Format, Workbook};

use crate::sheet::{CsvOptions, ExportError, csv_writer, guard_formula};

/// One cell: a count (a number in XLSX) or worded text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Count(u64),
    Text(String),
}

impl Cell {
    /// The cell as the page shows it.
    pub fn text(&self) -> String {
        match self {
            Cell::Count(count) => count.to_string(),
            Cell::Text(text) => text.clone(),
        }
    }
}

/// A titled table of a report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// One table as CSV: the headers, then a line a row.
pub fn table_csv(table: &Table, options: CsvOptions) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv_writer(options);
    writer.write_record(table.headers.iter().map(|header| guard_formula(header)))?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|cell| guard_formula(&cell.text())))?;
    }
    writer
        .into_inner()
        .map_err(|error| ExportError::Io(error.into_error()))
}

/// A sheet's name: Excel allows 31 characters and none of `[]:*?/\`.
fn sheet_name(title: &str, index: usize) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\'".contains(c) { ' ' } else { c })
        .take(28)
        .collect();
    format!("{} {}", index + 1, clean.trim())
}

/// The report as an XLSX workbook: a sheet per table, its title on the first line, bold frozen
/// headers on the third and a filter over the rows. Text cells are strings, so a leading `=`
/// stays text; the title of the whole report (`heading`, with its period) on every sheet.
pub fn tables_xlsx(heading: &str, tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_background_color("DDE5F0");
    for (index, table) in tables.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&table.title, index))?;
        sheet.write_string_with_format(0, 0, heading, &bold)?;
        sheet.write_string(1, 0, &table.title)?;
        for (col, title) in table.headers.iter().enumerate() {
            let col = col as u16;
            sheet.write_string_with_format(2, col, guard_formula(title), &header)?;
            sheet.set_column_width(col, (title.chars().count().clamp(10, 40) + 2) as f64)?;
        }
        for (index, row) in table.rows.iter().enumerate() {
            let line = (index + 3) as u32;
            for (col, cell) in row.iter().enumerate() {
                let col = col as u16;
                match cell {
                    Cell::Count(count) => {
                        sheet.write_number(line, col, *count as f64)?;
                    }
                    // Strings stay strings; the guard is for whoever copies the cell into CSV.
                    Cell::Text(text) if !text.is_empty() => {
                        sheet.write_string(line, col, guard_formula(text))?;
                    }
                    Cell::Text(_) => {}
                }
            }
        }
        sheet.set_freeze_panes(3, 0)?;
        if !table.headers.is_empty() {
            sheet.autofilter(
                2,
                0,
                (table.rows.len() + 2) as u32,
                (table.headers.len() - 1) as u16,
            )?;
        }
    }
    if tables.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet.write_string_with_format(0, 0, heading, &bold)?;
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::*;

    fn sample() -> Table {
        Table {
            title: "Per langkah".into(),
            headers: vec!["Langkah".into(), "Selesai".into(), "Sesuai".into()],
            rows: vec![
                vec![
                    Cell::Text("=HYPERLINK(\"x\")".into()),
                    Cell::Count(4),
                    Cell::Text("50,0 %".into()),
                ],
                vec![
                    Cell::Text("-1+2".into()),
                    Cell::Count(0),
                    Cell::Text("@SUM".into()),
                ],
            ],
        }
    }

    #[test]
    fn csv_quotes_every_field_and_guards_formulas() {
        let csv = table_csv(&sample(), CsvOptions::default()).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "\"Langkah\";\"Selesai\";\"Sesuai\"");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"x\"\")\";\"4\";\"50,0 %\"");
        assert_eq!(lines[2], "\"'-1+2\";\"0\";\"'@SUM\"");
    }

    #[test]
    fn xlsx_reads_back_with_counts_as_numbers_and_formulas_as_text() {
        let bytes = tables_xlsx("Laporan Mutu Baku November 2026", &[sample()]).unwrap();
        let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let names = workbook.sheet_names();
        assert_eq!(names, vec!["1 Per langkah".to_owned()]);
        let range = workbook.worksheet_range(&names[0]).unwrap();
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("Laporan Mutu Baku November 2026".into()))
        );
        assert_eq!(range.get_value((3, 1)), Some(&Data::Float(4.0)));
        assert_eq!(
            range.get_value((3, 0)),
            Some(&Data::String("'=HYPERLINK(\"x\")".into()))
        );
        assert_eq!(range.get_value((4, 2)), Some(&Data::String("'@SUM".into())));
        // No cell is a formula.
        assert!(workbook.worksheet_formula(&names[0]).unwrap().is_empty());
    }
}
