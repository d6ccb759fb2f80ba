//! The office's OPD and user sheets: read from CSV and XLSX with their spreadsheet row
//! numbers, every error of a bad sheet named by row and column with no rows returned, the
//! same limits as the register's import (rows, columns, a sheet spanning the whole grid), and
//! the exports read back by the import (formula cells guarded, NIPs kept as text).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pelihara_domain::Role;
use pelihara_register::grid::ImportError;
use pelihara_register::people::{
    MAX_PEOPLE_ROWS, OpdExportRow, UserExportRow, export_opds_csv, export_opds_xlsx,
    export_users_csv, export_users_xlsx, read_opds, read_users,
};

fn error(row: usize, column: &str, key: &'static str) -> ImportError {
    ImportError::cell(row, column, key)
}

#[test]
fn a_user_sheet_is_read_with_roles_positions_and_row_numbers() {
    let csv = "\u{feff}Nama;Nama Pengguna;NIP;Peran;Kode Jabatan;Kode OPD;Email;Telepon\n\
               Sri Wahyuni;Sri.Wahyuni;198001012005012001;Staf;pelaksana, subkoor_spa;;sri@contoh.go.id;0811\n\
               ;;;;;;;\n\
               Budi;op.dinkes;;Operator OPD;;dinkes;;\n\
               Ani;ani;;auditor;;;;\n";
    let rows = read_users(csv.as_bytes(), "pengguna.csv").unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].row, 2);
    assert_eq!(rows[0].username, "sri.wahyuni");
    assert_eq!(rows[0].role, Role::Staff);
    assert_eq!(rows[0].positions, vec!["pelaksana", "subkoor_spa"]);
    assert_eq!(rows[0].nip, "198001012005012001");
    assert_eq!(rows[0].phone, "0811");
    // The empty line is skipped, and the next row keeps its own number.
    assert_eq!(rows[1].row, 4);
    assert_eq!(rows[1].role, Role::OpdOperator);
    assert_eq!(rows[1].opd_code, "dinkes");
    assert_eq!(rows[2].role, Role::Auditor);
}

#[test]
fn a_bad_sheet_names_every_error_by_row_and_column_and_returns_no_rows() {
    let csv = "Nama,Nama Pengguna,Peran,Jabatan\nA,a.satu,Staf,x\n";
    assert_eq!(
        read_users(csv.as_bytes(), "x.csv").unwrap_err(),
        vec![error(1, "Jabatan", "register-import-unknown-column")]
    );
    let csv = "Nama;Peran\nA;Staf\n";
    assert_eq!(
        read_users(csv.as_bytes(), "x.csv").unwrap_err(),
        vec![error(1, "Nama Pengguna", "register-import-missing-column")]
    );
    let csv = "Nama;Nama Pengguna;Peran\n\
               A;a.satu;Staf\n\
               ;a.dua;Kepala\n\
               C;A.SATU;\n";
    assert_eq!(
        read_users(csv.as_bytes(), "x.csv").unwrap_err(),
        vec![
            error(3, "Nama", "people-import-required"),
            error(3, "Peran", "people-import-unknown-role"),
            error(4, "Nama Pengguna", "people-import-duplicate"),
            error(4, "Peran", "people-import-required"),
        ]
    );
    let csv = "Kode OPD;Nama OPD\nDINKES;Dinas Kesehatan\ndinkes;Lagi\nDISDIK;\n";
    assert_eq!(
        read_opds(csv.as_bytes(), "opd.csv").unwrap_err(),
        vec![
            error(3, "Kode OPD", "people-import-duplicate"),
            error(4, "Nama OPD", "people-import-required"),
        ]
    );
    assert_eq!(
        read_opds(b"Kode OPD;Nama OPD\n", "opd.csv").unwrap_err()[0].key,
        "people-import-empty"
    );
    assert_eq!(
        read_opds(b"\xff\xfe", "opd.csv").unwrap_err()[0].key,
        "register-import-not-utf8"
    );
    assert_eq!(
        read_opds(b"PK\x03\x04 not a zip", "opd.xlsx").unwrap_err()[0].key,
        "register-import-not-xlsx"
    );
}

#[test]
fn sheets_over_the_limits_are_refused_whole() {
    let mut csv = String::from("Kode OPD;Nama OPD\n");
    for line in 0..MAX_PEOPLE_ROWS {
        csv.push_str(&format!("OPD{line};Dinas {line}\n"));
    }
    assert_eq!(
        read_opds(csv.as_bytes(), "opd.csv").unwrap().len(),
        MAX_PEOPLE_ROWS
    );
    csv.push_str("SATU;Satu lagi\n");
    let errors = read_opds(csv.as_bytes(), "opd.csv").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].key, "people-import-too-many-rows");
    assert_eq!(errors[0].limit, Some(MAX_PEOPLE_ROWS));

    // One cell at the last row of the grid: refused by the row limit, never filled in.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Kode OPD").unwrap();
    sheet.write_string(0, 1, "Nama OPD").unwrap();
    sheet.write_string(1, 0, "DINKES").unwrap();
    sheet.write_string(1, 1, "Dinas Kesehatan").unwrap();
    sheet.write_string(1_048_575, 1, "x").unwrap();
    let bomb = workbook.save_to_buffer().unwrap();
    let errors = read_opds(&bomb, "opd.xlsx").unwrap_err();
    assert_eq!(errors[0].key, "people-import-too-many-rows");
}

fn users() -> Vec<UserExportRow> {
    vec![
        UserExportRow {
            full_name: "=HYPERLINK(\"http://x\")".into(),
            username: "sri.wahyuni".into(),
            nip: "198001012005012001".into(),
            role: Role::Staff,
            positions: vec!["pelaksana".into(), "subkoor_spa".into()],
            opd_code: String::new(),
            email: "sri@contoh.go.id".into(),
            phone: "+62811".into(),
            active: true,
        },
        UserExportRow {
            full_name: "Budi".into(),
            username: "op.dinkes".into(),
            nip: String::new(),
            role: Role::OpdOperator,
            positions: Vec::new(),
            opd_code: "DINKES".into(),
            email: String::new(),
            phone: String::new(),
            active: false,
        },
    ]
}

#[test]
fn exports_are_read_back_by_the_import() {
    for (bytes, name) in [
        (export_users_csv(&users()).unwrap(), "pengguna.csv"),
        (export_users_xlsx(&users()).unwrap(), "pengguna.xlsx"),
    ] {
        if name.ends_with(".csv") {
            let text = String::from_utf8(bytes.clone()).unwrap();
            // Guarded: a spreadsheet shows the text, never runs it.
            assert!(text.contains("\"'=HYPERLINK"), "{text}");
            assert!(text.contains("\"'+62811\""), "{text}");
            assert!(text.contains("\"Operator OPD\""), "{text}");
        }
        let rows = read_users(&bytes, name).unwrap();
        assert_eq!(rows.len(), 2, "{name}");
        assert_eq!(rows[0].full_name, "=HYPERLINK(\"http://x\")", "{name}");
        assert_eq!(rows[0].nip, "198001012005012001", "{name}");
        assert_eq!(rows[0].role, Role::Staff, "{name}");
        assert_eq!(
            rows[0].positions,
            vec!["pelaksana", "subkoor_spa"],
            "{name}"
        );
        assert_eq!(rows[0].phone, "+62811", "{name}");
        assert_eq!(rows[1].role, Role::OpdOperator, "{name}");
        assert_eq!(rows[1].opd_code, "DINKES", "{name}");
        // The status is exported and read back.
        assert!(rows[0].active, "{name}");
        assert!(!rows[1].active, "{name}");
    }
    let opds = vec![
        OpdExportRow {
            code: "DINKES".into(),
            name: "@Dinas Kesehatan".into(),
            active: true,
        },
        OpdExportRow {
            code: "DISARSIP".into(),
            name: "Dinas Arsip".into(),
            active: false,
        },
    ];
    for (bytes, name) in [
        (export_opds_csv(&opds).unwrap(), "opd.csv"),
        (export_opds_xlsx(&opds).unwrap(), "opd.xlsx"),
    ] {
        let rows = read_opds(&bytes, name).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].code, "DINKES");
        assert_eq!(rows[0].name, "@Dinas Kesehatan");
        assert!(rows[0].active);
        assert!(!rows[1].active, "{name}");
    }
}

#[test]
fn the_status_column_is_read_in_either_language_and_a_bad_one_is_a_row_error() {
    let csv = "Kode OPD;Nama OPD;Status
               DINKES;Dinas Kesehatan;Aktif
               DISARSIP;Dinas Arsip;nonaktif
               DISDIK;Dinas Pendidikan;Inactive
               DISPERKIM;Dinas Perumahan;
               DPU;Dinas PU;active
";
    let rows = read_opds(csv.as_bytes(), "opd.csv").unwrap();
    let active: Vec<bool> = rows.iter().map(|row| row.active).collect();
    assert_eq!(active, vec![true, false, false, true, true]);

    let csv = "Nama;Nama Pengguna;Peran;Status
               A;a.satu;Auditor;Nonaktif
               B;b.dua;Auditor;Active
";
    let rows = read_users(csv.as_bytes(), "pengguna.csv").unwrap();
    assert!(!rows[0].active);
    assert!(rows[1].active);

    // Anything else names the row and the column, and no row is returned.
    let csv = "Nama;Nama Pengguna;Peran;Status
               A;a.satu;Auditor;Aktif
               B;b.dua;Auditor;Cuti
";
    assert_eq!(
        read_users(csv.as_bytes(), "pengguna.csv").unwrap_err(),
        vec![error(3, "Status", "people-import-unknown-status")]
    );
    let csv = "Kode OPD;Nama OPD;Status
DINKES;Dinas Kesehatan;ya
";
    assert_eq!(
        read_opds(csv.as_bytes(), "opd.csv").unwrap_err(),
        vec![error(2, "Status", "people-import-unknown-status")]
    );
}
