//! The SOP monitoring form of PermenPAN-RB 35/2012 as an XLSX workbook, in the layout offices
//! publish: the title, the header (SOP name and number, unit, period, assessor and NIP), the
//! table No | Prosedur | Penilaian (berjalan dengan baik / tidak berjalan dengan baik, the
//! chosen one ticked) | Catatan hasil penilaian | Tindakan yang harus diambil | Paraf penilai,
//! and the assessor's signature line. The caller words every cell; this module only lays
//! them out. Text typed by people (notes, actions) is neutralised against formulas.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use crate::sheet::{ExportError, guard_formula};

/// The tick a chosen assessment gets.
pub const TICK: &str = "✓";

/// One row, worded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MonitoringLine {
    pub no: u32,
    pub procedure: String,
    pub good: bool,
    pub not_good: bool,
    pub note: String,
    pub action: String,
    pub paraf: String,
}

/// The whole form, worded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MonitoringSheet {
    pub title: String,
    /// Label and value, in the order printed.
    pub facts: Vec<(String, String)>,
    /// No, Prosedur, Penilaian, its two choices, Catatan, Tindakan, Paraf.
    pub headers: [String; 8],
    pub lines: Vec<MonitoringLine>,
    /// Lines under the table: the place and date, "Penilai", the paraf, the name, the NIP.
    pub signature: Vec<String>,
}

/// The workbook: one sheet, the table's header on two lines (Penilaian over its choices).
pub fn monitoring_xlsx(sheet_data: &MonitoringSheet) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Monitoring SOP")?;
    let title = Format::new().set_bold().set_font_size(13);
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color("DDE5F0")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top)
        .set_text_wrap();
    let centred = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::Top);
    for (col, width) in [6.0, 40.0, 14.0, 14.0, 45.0, 40.0, 12.0]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(col as u16, width)?;
    }
    sheet.merge_range(0, 0, 0, 6, &guard_formula(&sheet_data.title), &title)?;
    let mut line = 2_u32;
    for (label, value) in &sheet_data.facts {
        sheet.write_string_with_format(line, 0, guard_formula(label), &bold)?;
        sheet.merge_range(line, 1, line, 6, &guard_formula(value), &Format::new())?;
        line += 1;
    }
    line += 1;
    let h = &sheet_data.headers;
    let top = line;
    for (col, index) in [(0_u16, 0_usize), (1, 1), (4, 5), (5, 6), (6, 7)] {
        sheet.merge_range(top, col, top + 1, col, &guard_formula(&h[index]), &header)?;
    }
    sheet.merge_range(top, 2, top, 3, &guard_formula(&h[2]), &header)?;
    sheet.write_string_with_format(top + 1, 2, guard_formula(&h[3]), &header)?;
    sheet.write_string_with_format(top + 1, 3, guard_formula(&h[4]), &header)?;
    sheet.set_freeze_panes(top + 2, 0)?;
    line = top + 2;
    for row in &sheet_data.lines {
        sheet.write_number_with_format(line, 0, f64::from(row.no), &centred)?;
        // An empty cell stays blank (bordered), not an empty string.
        let cells = [
            (1, guard_formula(&row.procedure), &cell),
            (
                2,
                if row.good { TICK.into() } else { String::new() },
                &centred,
            ),
            (
                3,
                if row.not_good {
                    TICK.into()
                } else {
                    String::new()
                },
                &centred,
            ),
            (4, guard_formula(&row.note), &cell),
            (5, guard_formula(&row.action), &cell),
            (6, guard_formula(&row.paraf), &centred),
        ];
        for (col, text, format) in cells {
            if text.is_empty() {
                sheet.write_blank(line, col, format)?;
            } else {
                sheet.write_string_with_format(line, col, text, format)?;
            }
        }
        line += 1;
    }
    line += 1;
    for text in &sheet_data.signature {
        sheet.write_string(line, 4, guard_formula(text))?;
        line += 1;
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::*;

    #[test]
    fn the_form_reads_back_with_ticks_and_guarded_text() {
        let headers = [
            "No",
            "Prosedur",
            "Penilaian",
            "Berjalan dengan baik",
            "Tidak berjalan dengan baik",
            "Catatan hasil penilaian",
            "Tindakan yang harus diambil",
            "Paraf penilai",
        ]
        .map(String::from);
        let form = MonitoringSheet {
            title: "FORMULIR MONITORING SOP".into(),
            facts: vec![("Nama SOP".into(), "Pemeliharaan".into())],
            headers,
            lines: vec![
                MonitoringLine {
                    no: 1,
                    procedure: "Menerima surat".into(),
                    good: true,
                    note: "=HYPERLINK(\"x\")".into(),
                    paraf: "AP".into(),
                    ..MonitoringLine::default()
                },
                MonitoringLine {
                    no: 2,
                    procedure: "Disposisi".into(),
                    not_good: true,
                    action: "-Percepat".into(),
                    ..MonitoringLine::default()
                },
            ],
            signature: vec!["Penilai".into()],
        };
        let bytes = monitoring_xlsx(&form).unwrap();
        let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = workbook.worksheet_range("Monitoring SOP").unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        let first = rows
            .iter()
            .find(|row| row.get(1) == Some(&Data::String("Menerima surat".into())))
            .unwrap();
        assert_eq!(first[0], Data::Float(1.0));
        assert_eq!(first[2], Data::String(TICK.into()));
        assert_eq!(first[3], Data::Empty);
        assert_eq!(first[4], Data::String("'=HYPERLINK(\"x\")".into()));
        let second = rows
            .iter()
            .find(|row| row.get(1) == Some(&Data::String("Disposisi".into())))
            .unwrap();
        assert_eq!(second[3], Data::String(TICK.into()));
        assert_eq!(second[5], Data::String("'-Percepat".into()));
        assert!(
            workbook
                .worksheet_formula("Monitoring SOP")
                .unwrap()
                .is_empty()
        );
    }
}
