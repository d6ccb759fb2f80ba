//! The register as a spreadsheet: CSV for Indonesian Excel (`;`, byte-order mark, formula
//! cells guarded), XLSX read back with calamine, and imports of good and bad sheets (a bad
//! one returns every error with row and column, and no rows at all).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use pelihara_domain::OpdId;
use pelihara_domain::register::{AppFields, DueState};
use pelihara_register::sheet::{
    CsvOptions, ExportRow, ImportError, SheetOpd, export_csv, export_xlsx, guard_formula, headers,
    import_csv, import_xlsx,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn opds() -> (HashMap<String, SheetOpd>, OpdId, OpdId) {
    let dinkes = OpdId::random();
    let disdik = OpdId::random();
    let map = HashMap::from([
        ("DINKES".to_owned(), dinkes.into()),
        ("DISDIK".to_owned(), disdik.into()),
    ]);
    (map, dinkes, disdik)
}

fn rows() -> Vec<ExportRow> {
    vec![
        ExportRow {
            opd_code: "DINKES".into(),
            opd_name: "Dinas Kesehatan".into(),
            fields: AppFields {
                name: "SIMPUS".into(),
                url: "https://simpus.demakkab.go.id".into(),
                domain: "simpus.demakkab.go.id".into(),
                hosting: "srv-01".into(),
                hosting_location: "DC Dinkominfo".into(),
                hosting_environment: "produksi".into(),
                stack: "PHP / MySQL".into(),
                opd_contact_name: "Rina".into(),
                opd_contact_phone: "+62 812 1111".into(),
                opd_contact_email: "rina@dinkes.demakkab.go.id".into(),
                status: "active".into(),
                maintenance_interval_months: Some(6),
                notes: "=HYPERLINK(\"http://evil\",\"klik\")".into(),
                ..AppFields::default()
            },
            last_maintained: Some(date(2026, 2, 28)),
            due: Some(date(2026, 8, 28)),
            due_state: Some(DueState::Overdue),
        },
        ExportRow {
            opd_code: "DISDIK".into(),
            opd_name: "Dinas Pendidikan".into(),
            fields: AppFields {
                name: "Rapor; \"Digital\"".into(),
                status: "retired".into(),
                notes: "@SUM(A1:A9)\nbaris kedua".into(),
                ..AppFields::default()
            },
            last_maintained: None,
            due: None,
            due_state: None,
        },
    ]
}

#[test]
fn guards_formula_cells() {
    for (cell, expected) in [
        ("=1+1", "'=1+1"),
        ("+62 812", "'+62 812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("SIMPUS", "SIMPUS"),
        ("", ""),
        ("a=b", "a=b"),
    ] {
        assert_eq!(guard_formula(cell), expected, "{cell:?}");
    }
}

#[test]
fn csv_for_indonesian_excel_round_trips() {
    let bytes = export_csv(&rows(), CsvOptions::default()).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "byte-order mark");
    let text = String::from_utf8(bytes.clone()).unwrap();
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(
        header.starts_with("\"No\";\"Nama Aplikasi\";\"Kode OPD\";\"Nama OPD\";\"URL\""),
        "{header}"
    );
    assert!(header.contains("Jatuh Tempo"));
    assert!(text.contains(";\"2026-08-28\";\"Terlambat\";"), "{text}");
    assert!(text.contains("'=HYPERLINK"), "formula guarded: {text}");
    assert!(text.contains("'+62 812 1111"));
    assert!(text.contains("\"'@SUM(A1:A9)\nbaris kedua\""));
    assert!(
        text.contains("\"Rapor; \"\"Digital\"\"\""),
        "quoted: {text}"
    );
    assert!(text.contains(";\"Tidak aktif\";"));

    let without_bom = export_csv(
        &rows(),
        CsvOptions {
            delimiter: b',',
            bom: false,
        },
    )
    .unwrap();
    assert!(without_bom.starts_with(b"\"No\",\"Nama Aplikasi\","));

    // What was exported imports again, guards removed; computed columns are ignored.
    let (map, dinkes, disdik) = opds();
    for file in [bytes, without_bom] {
        let imported = import_csv(&file, &map).unwrap();
        assert_eq!(imported.len(), 2);
        assert_eq!(imported[0].0, dinkes);
        assert_eq!(imported[0].1, rows()[0].fields);
        assert_eq!(imported[1].0, disdik);
        assert_eq!(imported[1].1, rows()[1].fields);
    }
}

#[test]
fn xlsx_export_reads_back_with_calamine() {
    let bytes = export_xlsx(&rows()).unwrap();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["Data Pemeliharaan".to_owned()]);
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    let grid: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(grid.len(), 3);
    let titles: Vec<String> = grid[0].iter().map(|cell| cell.to_string()).collect();
    assert_eq!(titles, headers());
    let column = |title: &str| headers().iter().position(|h| *h == title).unwrap();
    let simpus = &grid[1];
    assert_eq!(simpus[column("No")], Data::Float(1.0));
    assert_eq!(
        simpus[column("Nama Aplikasi")],
        Data::String("SIMPUS".into())
    );
    assert_eq!(simpus[column("Status")], Data::String("Aktif".into()));
    assert_eq!(
        simpus[column("Interval Pemeliharaan (bulan)")],
        Data::Float(6.0)
    );
    // Text in XLSX is text: the formula is kept as a string, not run.
    assert_eq!(
        simpus[column("Catatan")],
        Data::String("=HYPERLINK(\"http://evil\",\"klik\")".into())
    );
    let Data::DateTime(due) = &simpus[column("Jatuh Tempo")] else {
        panic!("due date is a date: {:?}", simpus[column("Jatuh Tempo")]);
    };
    assert_eq!(due.as_datetime().unwrap().date(), date(2026, 8, 28));
    let Data::DateTime(last) = &simpus[column("Pemeliharaan Terakhir")] else {
        panic!()
    };
    assert_eq!(last.as_datetime().unwrap().date(), date(2026, 2, 28));
    assert_eq!(
        simpus[column("Status Jatuh Tempo")],
        Data::String("Terlambat".into())
    );
    assert_eq!(grid[2][column("Jatuh Tempo")], Data::Empty);

    // And it imports again.
    let (map, _, disdik) = opds();
    let imported = import_xlsx(&bytes, &map).unwrap();
    assert_eq!(imported.len(), 2);
    assert_eq!(imported[0].1, rows()[0].fields);
    assert_eq!(imported[1], (disdik, rows()[1].fields.clone()));
}

#[test]
fn a_bad_csv_names_every_row_and_column_and_returns_nothing() {
    let (map, _, _) = opds();
    let file = "Nama Aplikasi;Kode OPD;Surel Kontak OPD;Interval Pemeliharaan (bulan);Status\n\
                SIMPUS;dinkes;it@dinkes.demakkab.go.id;12;aktif\n\
                SIAK;DISPENDUK;;;\n\
                ;DISDIK;bukan-surel;abc;hilang\n\
                simpus;DINKES;;;\n";
    let errors = import_csv(file.as_bytes(), &map).unwrap_err();
    let found: Vec<(usize, Option<&str>, &str)> = errors
        .iter()
        .map(|e| (e.row, e.column.as_deref(), e.key))
        .collect();
    assert_eq!(
        found,
        vec![
            (3, Some("Kode OPD"), "register-error-opd"),
            (
                4,
                Some("Interval Pemeliharaan (bulan)"),
                "register-error-interval"
            ),
            (4, Some("Status"), "register-error-status"),
            (4, Some("Nama Aplikasi"), "register-error-name-required"),
            (4, Some("Surel Kontak OPD"), "register-error-email"),
            (5, Some("Nama Aplikasi"), "register-import-duplicate-app"),
        ]
    );
}

#[test]
fn a_row_naming_a_deactivated_opd_is_refused_and_nothing_is_imported() {
    let (mut map, dinkes, _) = opds();
    let file = "Nama Aplikasi;Kode OPD\nSIMPUS;DINKES\nSIDIK;disdik\n";
    // While DISDIK is active both rows are read.
    assert_eq!(import_csv(file.as_bytes(), &map).unwrap().len(), 2);
    let disdik = map.get_mut("DISDIK").unwrap();
    disdik.active = false;
    let errors = import_csv(file.as_bytes(), &map).unwrap_err();
    assert_eq!(
        errors,
        vec![ImportError {
            row: 3,
            column: Some("Kode OPD".into()),
            key: "register-import-opd-inactive",
            limit: None,
        }]
    );
    // The other way round: only DINKES's row is refused.
    map.insert(
        "DINKES".into(),
        SheetOpd {
            id: dinkes,
            active: false,
        },
    );
    map.get_mut("DISDIK").unwrap().active = true;
    let errors = import_csv(file.as_bytes(), &map).unwrap_err();
    assert_eq!(
        errors.iter().map(|e| (e.row, e.key)).collect::<Vec<_>>(),
        vec![(2, "register-import-opd-inactive")]
    );
}

#[test]
fn headers_are_checked_before_rows() {
    let (map, _, _) = opds();
    let errors = import_csv("Nama;Kode OPD\nSIMPUS;DINKES\n".as_bytes(), &map).unwrap_err();
    assert_eq!(
        errors,
        vec![
            ImportError {
                row: 1,
                column: Some("Nama".into()),
                key: "register-import-unknown-column",
                limit: None,
            },
            ImportError {
                row: 1,
                column: Some("Nama Aplikasi".into()),
                key: "register-import-missing-column",
                limit: None,
            },
        ]
    );
    let errors = import_csv("Nama Aplikasi;Kode OPD\n".as_bytes(), &map).unwrap_err();
    assert_eq!(errors[0].key, "register-import-empty");
    let errors = import_csv(&[0xff, 0xfe, 0x00], &map).unwrap_err();
    assert_eq!(errors[0].key, "register-import-not-utf8");
    let errors = import_xlsx(b"Nama Aplikasi;Kode OPD\n", &map).unwrap_err();
    assert_eq!(errors[0].key, "register-import-not-xlsx");
}

#[test]
fn a_bad_xlsx_row_is_named_by_its_spreadsheet_row() {
    let (map, dinkes, _) = opds();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    // Two empty lines above the header: spreadsheet rows keep their numbers.
    for (col, title) in ["Nama Aplikasi", "Kode OPD", "URL"].iter().enumerate() {
        sheet.write_string(2, col as u16, *title).unwrap();
    }
    sheet.write_string(3, 0, "SIMPUS").unwrap();
    sheet.write_string(3, 1, "DINKES").unwrap();
    sheet
        .write_string(3, 2, "https://simpus.demakkab.go.id")
        .unwrap();
    sheet.write_string(4, 0, "SIAK").unwrap();
    sheet.write_string(4, 1, "DINKES").unwrap();
    sheet.write_string(4, 2, "siak dot go dot id").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let errors = import_xlsx(&bytes, &map).unwrap_err();
    assert_eq!(
        errors,
        vec![ImportError {
            row: 5,
            column: Some("URL".into()),
            key: "register-error-url",
            limit: None,
        }]
    );

    sheet_fixed(&map, dinkes);
}

/// The same sheet with the address fixed imports both rows.
fn sheet_fixed(map: &HashMap<String, SheetOpd>, dinkes: OpdId) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, title) in ["Nama Aplikasi", "Kode OPD", "URL"].iter().enumerate() {
        sheet.write_string(2, col as u16, *title).unwrap();
    }
    for (row, name) in [(3, "SIMPUS"), (4, "SIAK")] {
        sheet.write_string(row, 0, name).unwrap();
        sheet.write_string(row, 1, "dinkes").unwrap();
        sheet
            .write_string(
                row,
                2,
                format!("https://{}.demakkab.go.id", name.to_lowercase()),
            )
            .unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let rows = import_xlsx(&bytes, map).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|(opd, _)| *opd == dinkes));
    assert_eq!(rows[1].1.url, "https://siak.demakkab.go.id");
    assert_eq!(rows[1].1.status, "active");
}

/// An XLSX whose cells sit far apart: a header, one app, and one cell at `(row, column)`.
fn sparse_xlsx(row: u32, column: u16) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Nama Aplikasi").unwrap();
    sheet.write_string(0, 1, "Kode OPD").unwrap();
    sheet.write_string(1, 0, "SIMPUS").unwrap();
    sheet.write_string(1, 1, "DINKES").unwrap();
    sheet.write_string(row, column, "x").unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_sheet_whose_cells_span_the_whole_grid_is_refused_by_its_limit_without_filling_it() {
    let (map, _, _) = opds();
    // XFD1048576: the last cell of a sheet. Read as a dense range this was rows x columns,
    // 23 GB, and the server was killed; read cell by cell it is three cells.
    let bomb = sparse_xlsx(1_048_575, 16_383);
    assert!(bomb.len() < 10_000, "{} bytes", bomb.len());
    let errors = import_xlsx(&bomb, &map).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].key, "register-import-too-many-columns");
    assert_eq!(errors[0].limit, Some(64));
    // Far down in a column of the sheet: the limit of rows.
    let errors = import_xlsx(&sparse_xlsx(1_048_575, 1), &map).unwrap_err();
    assert_eq!(errors[0].key, "register-import-too-many-rows");
    assert_eq!(errors[0].limit, Some(5_000));
    // Within the limits the same shape is read as a sheet: the stray cell is a row of its
    // own (sheet row 41) that lacks a name and an OPD.
    let errors = import_xlsx(&sparse_xlsx(40, 3), &map).unwrap_err();
    assert!(errors.iter().all(|error| error.row == 41), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|error| error.key == "register-error-name-required")
    );
}

#[test]
fn an_import_longer_than_the_limit_is_refused_whole() {
    let (map, _, _) = opds();
    let mut file = String::from("Nama Aplikasi;Kode OPD\n");
    for line in 0..5_000 {
        file.push_str(&format!("App {line};DINKES\n"));
    }
    assert_eq!(import_csv(file.as_bytes(), &map).unwrap().len(), 5_000);
    file.push_str("Satu lagi;DINKES\n");
    let errors = import_csv(file.as_bytes(), &map).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].key, "register-import-too-many-rows");
    assert_eq!(errors[0].limit, Some(5_000));
    let wide = format!("Nama Aplikasi;Kode OPD{}\nSIMPUS;DINKES\n", ";x".repeat(70));
    let errors = import_csv(wide.as_bytes(), &map).unwrap_err();
    assert_eq!(errors[0].key, "register-import-too-many-columns");
}

#[test]
fn a_field_with_the_other_separator_stays_one_quoted_field() {
    // An operator's description "catatan,=1+1" in a `;` file: opened with `,` as separator,
    // an unquoted field split into a cell "=1+1" that ran as a formula.
    let mut row = rows().remove(0);
    row.fields.notes = "catatan,=1+1".into();
    let text = String::from_utf8(export_csv(&[row], CsvOptions::default()).unwrap()).unwrap();
    assert!(text.contains(";\"catatan,=1+1\""), "{text}");
    assert!(!text.contains(";catatan,=1+1"), "{text}");
}

#[test]
fn a_cell_with_a_control_character_is_refused_by_row_and_column() {
    // PostgreSQL refuses a NUL in text (the import ended in a 500 there) and SQLite stored it.
    let (map, _, _) = opds();
    let file = "Nama Aplikasi;Kode OPD\nSIM\u{0}PUS;DINKES\nSIAK;DIN\u{1b}KES\nSIMPEG;DINKES\n";
    let errors = import_csv(file.as_bytes(), &map).unwrap_err();
    let found: Vec<(usize, Option<&str>, &str)> = errors
        .iter()
        .map(|error| (error.row, error.column.as_deref(), error.key))
        .collect();
    assert_eq!(
        found,
        [
            (
                2,
                Some("Nama Aplikasi"),
                "register-import-control-character"
            ),
            (3, Some("Kode OPD"), "register-import-control-character"),
        ]
    );
    // Tabs and line breaks inside a quoted cell are text.
    let file = "Nama Aplikasi;Kode OPD;Catatan\nSIMPUS;DINKES;\"baris satu\nbaris\tdua\"\n";
    assert_eq!(import_csv(file.as_bytes(), &map).unwrap().len(), 1);
}

#[test]
fn an_xlsx_that_unpacks_past_the_limit_is_refused_whatever_it_declares() {
    use std::io::Write;
    let (map, _, _) = opds();
    // A worksheet of 60 MB (one repeated row), its size in both zip headers rewritten to 2 KB.
    let mut xml = String::from(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let row = r#"<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>"#;
    while xml.len() < 60 << 20 {
        xml.push_str(row);
    }
    xml.push_str("</sheetData></worksheet>");
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    let mut archive = zip.finish().unwrap().into_inner();
    let name = b"xl/worksheets/sheet1.xml";
    for at in 0..archive.len().saturating_sub(46 + name.len()) {
        let (size_at, name_at) = match &archive[at..at + 4] {
            b"PK\x03\x04" => (at + 22, at + 30),
            b"PK\x01\x02" => (at + 24, at + 46),
            _ => continue,
        };
        if &archive[name_at..name_at + name.len()] == name {
            archive[size_at..size_at + 4].copy_from_slice(&2_048u32.to_le_bytes());
        }
    }
    let errors = import_xlsx(&archive, &map).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        matches!(
            errors[0].key,
            "register-import-not-xlsx" | "register-import-unpacks-too-large"
        ),
        "{errors:?}"
    );
}
