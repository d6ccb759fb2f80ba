//! The Survei Kepuasan Masyarakat report of one period as a spreadsheet (CSV and XLSX): the
//! unit and period, one line per unsur (sum of scores, NRR, weighted NRR), the IKM, its
//! conversion, mutu and kinerja, the weakest unsur and the suggestions. The values arrive
//! computed and rounded (`pelihara_domain::skm`) and the labels worded; this module only lays
//! them out. Every text cell that a spreadsheet would run as a formula is neutralised, in CSV
//! and in XLSX alike (suggestions are free text typed by the public).

use rust_xlsxwriter::{Format, Workbook};

use crate::sheet::{CsvOptions, ExportError, csv_writer, guard_formula};

/// One unsur's line; figures in hundredths (two decimals, already rounded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkmLine {
    pub no: u32,
    /// "U1".
    pub code: String,
    pub name: String,
    pub sum: u64,
    pub nrr: u64,
    pub weighted: u64,
}

/// A value of the summary block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkmValue {
    /// Two decimals, in hundredths.
    Decimal(u64),
    Count(u64),
    Text(String),
}

/// The whole report, worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkmSheet {
    pub title: String,
    /// Label and value: the unit, the period.
    pub facts: Vec<(String, String)>,
    pub headers: [String; 6],
    pub lines: Vec<SkmLine>,
    /// The label of the table's total line and the IKM in hundredths.
    pub total: (String, u64),
    pub summary: Vec<(String, SkmValue)>,
    pub suggestions_title: String,
    pub suggestions: Vec<String>,
    /// `,` as the decimal separator of CSV text (Indonesian), else `.`.
    pub decimal_comma: bool,
}

fn decimal(hundredths: u64, comma: bool) -> String {
    let separator = if comma { ',' } else { '.' };
    format!("{}{separator}{:02}", hundredths / 100, hundredths % 100)
}

#[allow(clippy::cast_precision_loss)] // Hundredths of figures below 10 000: exact in f64.
fn number(hundredths: u64) -> f64 {
    hundredths as f64 / 100.0
}

/// One line of the CSV: six guarded cells (the csv writer wants lines of one length).
fn record(writer: &mut csv::Writer<Vec<u8>>, cells: Vec<String>) -> Result<(), ExportError> {
    let mut cells: Vec<String> = cells.iter().map(|cell| guard_formula(cell)).collect();
    cells.resize(6, String::new());
    writer.write_record(&cells)?;
    Ok(())
}

/// The report as CSV: blocks of lines separated by an empty line, every field quoted and
/// every text cell guarded.
pub fn skm_csv(sheet: &SkmSheet, options: CsvOptions) -> Result<Vec<u8>, ExportError> {
    let comma = sheet.decimal_comma;
    let mut writer = csv_writer(options);
    record(&mut writer, vec![sheet.title.clone()])?;
    for (label, value) in &sheet.facts {
        record(&mut writer, vec![label.clone(), value.clone()])?;
    }
    record(&mut writer, Vec::new())?;
    record(&mut writer, sheet.headers.to_vec())?;
    for line in &sheet.lines {
        record(
            &mut writer,
            vec![
                line.no.to_string(),
                line.code.clone(),
                line.name.clone(),
                line.sum.to_string(),
                decimal(line.nrr, comma),
                decimal(line.weighted, comma),
            ],
        )?;
    }
    let mut total = vec![String::new(); 5];
    total[2] = sheet.total.0.clone();
    total.push(decimal(sheet.total.1, comma));
    record(&mut writer, total)?;
    record(&mut writer, Vec::new())?;
    for (label, value) in &sheet.summary {
        let value = match value {
            SkmValue::Decimal(hundredths) => decimal(*hundredths, comma),
            SkmValue::Count(count) => count.to_string(),
            SkmValue::Text(text) => text.clone(),
        };
        record(&mut writer, vec![label.clone(), value])?;
    }
    record(&mut writer, Vec::new())?;
    record(&mut writer, vec![sheet.suggestions_title.clone()])?;
    for (index, suggestion) in sheet.suggestions.iter().enumerate() {
        record(
            &mut writer,
            vec![(index + 1).to_string(), suggestion.clone()],
        )?;
    }
    writer
        .into_inner()
        .map_err(|error| ExportError::Io(error.into_error()))
}

/// The report as an XLSX workbook: the figures as numbers with two decimals, the texts as
/// guarded strings.
pub fn skm_xlsx(sheet: &SkmSheet) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color("DDE5F0")
        .set_text_wrap();
    let two = Format::new().set_num_format("0.00");
    let two_bold = Format::new().set_num_format("0.00").set_bold();
    let out = workbook.add_worksheet();
    out.set_name("SKM")?;
    let text = |value: &str| guard_formula(value);
    out.write_string_with_format(0, 0, text(&sheet.title), &bold)?;
    let mut row: u32 = 1;
    for (label, value) in &sheet.facts {
        out.write_string(row, 0, text(label))?;
        out.write_string(row, 2, text(value))?;
        row += 1;
    }
    row += 1;
    for (col, title) in sheet.headers.iter().enumerate() {
        out.write_string_with_format(row, col as u16, text(title), &header)?;
    }
    for (col, width) in [5.0, 7.0, 44.0, 14.0, 10.0, 16.0].into_iter().enumerate() {
        out.set_column_width(col as u16, width)?;
    }
    row += 1;
    for line in &sheet.lines {
        out.write_number(row, 0, f64::from(line.no))?;
        out.write_string(row, 1, text(&line.code))?;
        out.write_string(row, 2, text(&line.name))?;
        #[allow(clippy::cast_precision_loss)] // Sums of a period's scores: far below 2^52.
        out.write_number(row, 3, line.sum as f64)?;
        out.write_number_with_format(row, 4, number(line.nrr), &two)?;
        out.write_number_with_format(row, 5, number(line.weighted), &two)?;
        row += 1;
    }
    out.write_string_with_format(row, 2, text(&sheet.total.0), &bold)?;
    out.write_number_with_format(row, 5, number(sheet.total.1), &two_bold)?;
    row += 2;
    for (label, value) in &sheet.summary {
        out.write_string_with_format(row, 0, text(label), &bold)?;
        match value {
            SkmValue::Decimal(hundredths) => {
                out.write_number_with_format(row, 2, number(*hundredths), &two)?;
            }
            #[allow(clippy::cast_precision_loss)] // Counts of responses.
            SkmValue::Count(count) => {
                out.write_number(row, 2, *count as f64)?;
            }
            SkmValue::Text(value) => {
                out.write_string(row, 2, text(value))?;
            }
        }
        row += 1;
    }
    row += 1;
    out.write_string_with_format(row, 0, text(&sheet.suggestions_title), &bold)?;
    row += 1;
    for (index, suggestion) in sheet.suggestions.iter().enumerate() {
        out.write_number(row, 0, (index + 1) as f64)?;
        out.write_string(row, 2, text(suggestion))?;
        row += 1;
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use calamine::{Data, Reader, Xlsx};

    use super::*;

    fn sample() -> SkmSheet {
        SkmSheet {
            title: "Laporan Survei Kepuasan Masyarakat".into(),
            facts: vec![("Periode".into(), "Triwulan 1 2026".into())],
            headers: [
                "No".into(),
                "Kode".into(),
                "Unsur pelayanan".into(),
                "Jumlah nilai".into(),
                "NRR".into(),
                "NRR tertimbang".into(),
            ],
            lines: vec![SkmLine {
                no: 1,
                code: "U1".into(),
                name: "Persyaratan".into(),
                sum: 7,
                nrr: 350,
                weighted: 39,
            }],
            total: ("Jumlah NRR tertimbang (IKM)".into(), 322),
            summary: vec![
                ("IKM konversi".into(), SkmValue::Decimal(8048)),
                ("Jumlah responden".into(), SkmValue::Count(2)),
                ("Mutu pelayanan".into(), SkmValue::Text("B".into())),
            ],
            suggestions_title: "Saran dan masukan".into(),
            suggestions: vec![
                "=HYPERLINK(\"http://x\")".into(),
                "-1+1".into(),
                "Bagus".into(),
            ],
            decimal_comma: true,
        }
    }

    #[test]
    fn csv_holds_the_figures_and_guards_formulas() {
        let bytes = skm_csv(&sample(), CsvOptions::default()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("\"1\";\"U1\";\"Persyaratan\";\"7\";\"3,50\";\"0,39\""));
        assert!(text.contains("\"Jumlah NRR tertimbang (IKM)\";\"\";\"\";\"3,22\""));
        assert!(text.contains("\"IKM konversi\";\"80,48\""));
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
        assert!(text.contains("\"'-1+1\""));
        assert!(!text.contains(";\"=HYPERLINK"));
    }

    #[test]
    fn xlsx_holds_numbers_and_guards_formulas() {
        let bytes = skm_xlsx(&sample()).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("SKM").unwrap();
        let cells: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        let find = |label: &str| {
            cells
                .iter()
                .find(|row| row.iter().any(|cell| cell == &Data::String(label.into())))
                .cloned()
                .unwrap()
        };
        let line = find("Persyaratan");
        assert_eq!(line[4], Data::Float(3.5));
        assert_eq!(line[5], Data::Float(0.39));
        assert_eq!(find("IKM konversi")[2], Data::Float(80.48));
        assert_eq!(find("Jumlah responden")[2], Data::Float(2.0));
        assert_eq!(find("Mutu pelayanan")[2], Data::String("B".into()));
        assert!(
            cells
                .iter()
                .flatten()
                .any(|cell| cell == &Data::String("'=HYPERLINK(\"http://x\")".into()))
        );
        assert!(
            !cells
                .iter()
                .flatten()
                .any(|cell| matches!(cell, Data::String(text) if text.starts_with('=')))
        );
    }
}
