//! "Data Pemeliharaan Aplikasi/Website" of one app for one year as a spreadsheet (CSV and
//! XLSX): one line per step of each maintenance case, with the case's verdict, what was
//! maintained and hosted, who did each step and its working time against the SOP standard.
//! The rows arrive already worded (the caller reads the store and the SOP); this module only
//! lays them out. Never computes a time or a verdict, and never lets a cell run as a formula.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};

use crate::sheet::{CsvOptions, ExportError, csv_writer, guard_formula};

/// One step of one case, as the record prints it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordStep {
    pub step_no: u32,
    pub activity: String,
    /// Who did it (with "Plh." when acting), empty while open.
    pub performer: String,
    /// Working time spent, worded ("2 jam 15 menit").
    pub time: String,
    /// The SOP's Mutu Baku time, worded ("3 hari kerja").
    pub standard: String,
    /// Within the standard, beyond it, or not measured (open, no standard).
    pub within: Option<bool>,
}

/// One maintenance case of the year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordCase {
    pub tracking_code: String,
    pub agenda_number: String,
    pub subject: String,
    pub submitted: Option<NaiveDate>,
    pub closed: Option<NaiveDate>,
    pub status: String,
    /// Step 6's verdict and findings, worded.
    pub verdict: String,
    pub findings: String,
    /// Step 7: what was maintained, the version, by whom.
    pub result: String,
    pub version: String,
    pub maintained_by: String,
    /// Step 8: where it runs now, worded ("srv-02 · simpus.demakkab.go.id").
    pub hosting: String,
    pub steps: Vec<RecordStep>,
}

/// The column headers, in Indonesian (the sheet is an official record).
pub const RECORD_HEADERS: [&str; 17] = [
    "No",
    "Kode pelacakan",
    "Nomor agenda",
    "Perihal",
    "Diajukan",
    "Selesai",
    "Status",
    "Hasil analisis",
    "Temuan",
    "Hasil pemeliharaan",
    "Versi",
    "Dipelihara oleh",
    "Hosting/domain",
    "Langkah",
    "Kegiatan",
    "Pelaksana",
    "Waktu kerja / mutu baku",
];

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn within_text(step: &RecordStep) -> String {
    let verdict = match step.within {
        Some(true) => " (sesuai)",
        Some(false) => " (melebihi)",
        None => "",
    };
    if step.time.is_empty() && step.standard.is_empty() {
        String::new()
    } else {
        format!("{} / {}{verdict}", step.time, step.standard)
    }
}

/// The lines of the sheet: a case without steps still gets one line.
fn lines(cases: &[RecordCase]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let head = [
            (index + 1).to_string(),
            case.tracking_code.clone(),
            case.agenda_number.clone(),
            case.subject.clone(),
            date_text(case.submitted),
            date_text(case.closed),
            case.status.clone(),
            case.verdict.clone(),
            case.findings.clone(),
            case.result.clone(),
            case.version.clone(),
            case.maintained_by.clone(),
            case.hosting.clone(),
        ];
        if case.steps.is_empty() {
            let mut line = head.to_vec();
            line.extend([String::new(), String::new(), String::new(), String::new()]);
            out.push(line);
        }
        for step in &case.steps {
            let mut line = head.to_vec();
            line.extend([
                step.step_no.to_string(),
                step.activity.clone(),
                step.performer.clone(),
                within_text(step),
            ]);
            out.push(line);
        }
    }
    out
}

/// The record as CSV, every field quoted and formula cells guarded.
pub fn record_csv(cases: &[RecordCase], options: CsvOptions) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv_writer(options);
    writer.write_record(RECORD_HEADERS)?;
    for line in lines(cases) {
        writer.write_record(line.iter().map(|cell| guard_formula(cell)))?;
    }
    writer
        .into_inner()
        .map_err(|error| ExportError::Io(error.into_error()))
}

/// The record as an XLSX workbook with a title line, bold frozen headers and a filter.
pub fn record_xlsx(title: &str, cases: &[RecordCase]) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_background_color("DDE5F0");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Data Pemeliharaan")?;
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (col, title) in RECORD_HEADERS.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(2, col, *title, &header)?;
        sheet.set_column_width(col, (title.chars().count().max(10) + 2) as f64)?;
    }
    let lines = lines(cases);
    for (index, line) in lines.iter().enumerate() {
        let row = (index + 3) as u32;
        for (col, cell) in line.iter().enumerate() {
            if !cell.is_empty() {
                // Strings stay strings: a leading `=` is text in XLSX.
                sheet.write_string(row, col as u16, cell)?;
            }
        }
    }
    sheet.set_freeze_panes(3, 0)?;
    sheet.autofilter(
        2,
        0,
        (lines.len() + 2) as u32,
        (RECORD_HEADERS.len() - 1) as u16,
    )?;
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use calamine::{Reader, Xlsx};

    use super::*;

    fn sample() -> Vec<RecordCase> {
        vec![RecordCase {
            tracking_code: "PLH-ABCDE-FGHJK".into(),
            agenda_number: "005/12/2026".into(),
            subject: "=HYPERLINK(\"x\")".into(),
            submitted: NaiveDate::from_ymd_opt(2026, 3, 2),
            closed: NaiveDate::from_ymd_opt(2026, 3, 20),
            status: "Selesai".into(),
            verdict: "Dapat dipelihara".into(),
            result: "Pembaruan PHP".into(),
            version: "2.1".into(),
            maintained_by: "Budi".into(),
            hosting: "srv-02".into(),
            steps: vec![
                RecordStep {
                    step_no: 2,
                    activity: "Registrasi surat".into(),
                    performer: "Budi".into(),
                    time: "15 menit".into(),
                    standard: "10 menit".into(),
                    within: Some(false),
                },
                RecordStep {
                    step_no: 7,
                    activity: "Pemeliharaan".into(),
                    performer: "Budi".into(),
                    time: "4,0 hari".into(),
                    standard: "30 hari".into(),
                    within: Some(true),
                },
            ],
            ..RecordCase::default()
        }]
    }

    #[test]
    fn the_csv_has_a_line_per_step_and_guards_formulas() {
        let csv = record_csv(&sample(), CsvOptions::default()).unwrap();
        let text = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("\u{feff}\"No\";\"Kode pelacakan\""));
        assert!(lines[1].contains("'=HYPERLINK"));
        assert!(lines[1].contains("15 menit / 10 menit (melebihi)"));
        assert!(lines[2].contains("4,0 hari / 30 hari (sesuai)"));
    }

    #[test]
    fn the_workbook_opens_with_the_title_headers_and_steps() {
        let bytes = record_xlsx("Data Pemeliharaan SIMPUS 2026", &sample()).unwrap();
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = workbook.worksheet_range("Data Pemeliharaan").unwrap();
        let cell = |row: u32, col: u32| {
            range
                .get_value((row, col))
                .map(|value| value.to_string())
                .unwrap_or_default()
        };
        assert_eq!(cell(0, 0), "Data Pemeliharaan SIMPUS 2026");
        assert_eq!(cell(2, 1), "Kode pelacakan");
        assert_eq!(cell(3, 3), "=HYPERLINK(\"x\")");
        assert_eq!(cell(3, 14), "Registrasi surat");
        assert_eq!(cell(4, 16), "4,0 hari / 30 hari (sesuai)");
    }
}
