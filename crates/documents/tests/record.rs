//! "Data Pemeliharaan" as a PDF, read back with `pdftotext`: the title, the letterhead, each
//! case and each step with its time against the standard, a subject that looks like typst
//! markup printed as written, and landscape A4/F4 paper. Reports (Mutu Baku compliance,
//! maintenance coverage) the same way: every figure and cell as the caller worded it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixture;

use std::process::Command;

use pelihara_documents::{
    MaintenanceRecordDoc, Paper, RecordCaseDoc, ReportDoc, ReportTableDoc, Setting,
    render_maintenance_record, render_report,
};
use pelihara_i18n::Lang;

fn setting(paper: Paper) -> Setting {
    Setting {
        letterhead: fixture::demak_letterhead(),
        lang: Lang::Id,
        time_zone: chrono_tz::Asia::Jakarta,
        paper,
    }
}

fn record() -> MaintenanceRecordDoc {
    let step = |no: &str, activity: &str, who: &str, time: &str, standard: &str, ok: &str| {
        [no, activity, who, time, standard, ok].map(str::to_owned)
    };
    MaintenanceRecordDoc {
        title: "Data Pemeliharaan Aplikasi/Website 2026".into(),
        facts: vec![
            ("Aplikasi/website".into(), "SIMPUS".into()),
            ("OPD".into(), "Dinas Kesehatan".into()),
        ],
        headers: [
            "Langkah",
            "Kegiatan",
            "Pelaksana",
            "Waktu kerja",
            "Mutu baku",
            "Sesuai",
        ]
        .map(str::to_owned),
        cases: vec![RecordCaseDoc {
            subject: "Perbaikan *modul* #eval(\"1\") laporan".into(),
            line: "PLH-ABCDE-FGHJK · 0003/000.5.2.3/2026 · diajukan 19 Oktober 2026".into(),
            facts: vec![
                ("Hasil analisis".into(), "Dapat dipelihara".into()),
                (
                    "Hosting/domain".into(),
                    "srv-02 · simpus.demakkab.go.id".into(),
                ),
            ],
            steps: vec![
                step(
                    "2",
                    "Registrasi surat",
                    "Budi Santoso",
                    "2 jam 0 menit",
                    "5 menit kerja",
                    "melebihi",
                ),
                step(
                    "7",
                    "Pemeliharaan Aplikasi/Website",
                    "Rina Wulandari",
                    "3,0 hari",
                    "30 hari kerja",
                    "sesuai",
                ),
            ],
        }],
        empty: "Tidak ada permohonan.".into(),
        printed: "Dicetak 27 November 2026 09.15 WIB".into(),
        footer: "Halaman".into(),
    }
}

fn tool(name: &str, args: &[&str]) -> String {
    let output = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{name} must be installed: {error}"));
    assert!(output.status.success(), "{name} failed");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_record_prints_every_case_and_step_as_written() {
    // Kept after the run, so the PDFs can be looked at (pdftoppm).
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("data-pemeliharaan");
    std::fs::create_dir_all(&dir).unwrap();
    for paper in [Paper::A4, Paper::F4] {
        let pdf = render_maintenance_record(&record(), &setting(paper)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let path = dir.join(format!("record-{}.pdf", paper.code()));
        std::fs::write(&path, &pdf).unwrap();
        let text = tool("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
        for expected in [
            "DATA PEMELIHARAAN APLIKASI/WEBSITE 2026",
            "PEMERINTAH KABUPATEN DEMAK",
            "SIMPUS",
            "Dinas Kesehatan",
            "Perbaikan *modul* #eval(\"1\") laporan",
            "0003/000.5.2.3/2026",
            "Dapat dipelihara",
            "srv-02 · simpus.demakkab.go.id",
            "Registrasi surat",
            "2 jam 0 menit",
            "5 menit kerja",
            "melebihi",
            "30 hari kerja",
            "Dicetak 27 November 2026 09.15 WIB",
            "Halaman 1 / 1",
        ] {
            assert!(text.contains(expected), "{expected:?} missing:\n{text}");
        }
        // Landscape: wider than tall, on the chosen paper.
        let info = tool("pdfinfo", &[path.to_str().unwrap()]);
        let (w, h) = paper.size_mm();
        let points = |mm: f64| mm / 25.4 * 72.0;
        let size_line = info
            .lines()
            .find(|line| line.starts_with("Page size:"))
            .unwrap()
            .to_owned();
        let numbers: Vec<f64> = size_line
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect();
        assert!(
            (numbers[0] - points(h)).abs() < 1.0 && (numbers[1] - points(w)).abs() < 1.0,
            "{size_line}"
        );
    }
    let empty = MaintenanceRecordDoc {
        cases: Vec::new(),
        ..record()
    };
    let pdf = render_maintenance_record(&empty, &setting(Paper::A4)).unwrap();
    let path = dir.join("empty.pdf");
    std::fs::write(&path, &pdf).unwrap();
    assert!(tool("pdftotext", &[path.to_str().unwrap(), "-"]).contains("Tidak ada permohonan."));
}

#[test]
fn a_report_prints_its_figures_and_tables_as_written() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("laporan");
    std::fs::create_dir_all(&dir).unwrap();
    let report = ReportDoc {
        title: "Kepatuhan Mutu Baku".into(),
        facts: vec![("Periode".into(), "November 2026".into())],
        figures: vec![
            ("Tugas selesai".into(), "1.234".into()),
            ("Sesuai Mutu Baku".into(), "87,5 %".into()),
        ],
        tables: vec![
            ReportTableDoc {
                title: "Per langkah".into(),
                headers: vec!["Langkah".into(), "Selesai".into(), "Median".into()],
                rows: vec![
                    vec!["2 Registrasi surat".into(), "4".into(), "5 menit".into()],
                    vec!["#eval(\"1\") *x*".into(), "0".into(), "".into()],
                ],
            },
            ReportTableDoc {
                title: "Per permohonan".into(),
                headers: vec!["SOP".into()],
                rows: Vec::new(),
            },
        ],
        empty: "Tidak ada data.".into(),
        note: "Persentil: peringkat terdekat.".into(),
        printed: "Dicetak 27 November 2026 09.15 WIB".into(),
        footer: "Halaman".into(),
    };
    let pdf = render_report(&report, &setting(Paper::A4)).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let path = dir.join("report.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = tool("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    for expected in [
        "KEPATUHAN MUTU BAKU",
        "November 2026",
        "1.234",
        "87,5 %",
        "Per langkah",
        "2 Registrasi surat",
        "5 menit",
        "#eval(\"1\") *x*",
        "Tidak ada data.",
        "Persentil: peringkat terdekat.",
        "Halaman 1 / 1",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
}
