//! Renders every document from a demo-like case and reads it back with poppler's
//! `pdftotext` and `pdfinfo`: every field present and correct, the paper size right, memory
//! bounded over many renders. Set `PELIHARA_DOCS_OUT=<dir>` to keep the PDFs for a look.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixture;

use std::process::Command;

use pelihara_documents::*;

fn keep(name: &str, pdf: &[u8]) -> std::path::PathBuf {
    let dir = match std::env::var_os("PELIHARA_DOCS_OUT") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::env::temp_dir().join(format!("pelihara-documents-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    path
}

fn tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{program} (poppler-utils) must be installed: {error}"));
    assert!(output.status.success(), "{program} failed: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// The PDF's text with runs of whitespace made single spaces, so wrapped lines still match.
fn text_of(path: &std::path::Path) -> String {
    // `-raw`: content-stream order, which is typst's reading order (cell after cell).
    let raw = tool("pdftotext", &["-raw", path.to_str().unwrap(), "-"]);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_has(text: &str, expected: &[&str]) {
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|part| !text.contains(**part))
        .collect();
    assert!(missing.is_empty(), "missing {missing:?} in:\n{text}");
}

fn render_to(
    name: &str,
    document: Document<'_>,
    paper: Paper,
    number: &str,
) -> (Rendered, String, Issue) {
    let issue = fixture::issue(number);
    let rendered = render(document, &fixture::setting(paper), &issue).unwrap();
    assert!(rendered.pdf.starts_with(b"%PDF-"));
    assert_eq!(rendered.sha256, sha256_hex(&rendered.pdf));
    eprintln!(
        "{name}: {} pages, {} bytes, {:?}",
        rendered.pages,
        rendered.pdf.len(),
        rendered.elapsed
    );
    let path = keep(name, &rendered.pdf);
    (rendered, text_of(&path), issue)
}

/// Every document carries its number, issue moment and verification address.
fn assert_issue(text: &str, issue: &Issue) {
    assert_has(
        text,
        &[
            &format!("Nomor dokumen: {}", issue.number),
            &issue.verify_url,
            "Diterbitkan: 27 November 2026 09.15 WIB",
        ],
    );
}

/// Letters, cards, receipts and reports carry the letterhead (the SOP has its own block).
fn assert_common(text: &str, issue: &Issue) {
    assert_issue(text, issue);
    assert_has(
        text,
        &[
            "PEMERINTAH KABUPATEN DEMAK DINAS KOMUNIKASI DAN INFORMATIKA \
             Jalan Kyai Singkil Nomor 7, Demak, Jawa Tengah 59511 \
             Telepon (0291) 685877, Pos-el dinkominfo@demakkab.go.id, \
             Laman dinkominfo.demakkab.go.id",
        ],
    );
}

#[test]
fn disposition_sheet_has_every_field() {
    let sheet = fixture::disposition_sheet();
    let (_, text, issue) = render_to(
        "lembar-disposisi.pdf",
        Document::DispositionSheet(&sheet),
        Paper::A4,
        "0042/000.5.2.3/2026",
    );
    assert_common(&text, &issue);
    assert_has(
        &text,
        &[
            "LEMBAR DISPOSISI",
            "Surat dari: Dinas Kesehatan",
            "Nomor surat: 400.7/1234/2026",
            "Tanggal surat: 24 November 2026",
            "Diterima tanggal: 25 November 2026 08.40 WIB",
            "Nomor agenda: 0042/000.5.2.3/2026",
            "Kode klasifikasi: 000.5.2.3",
            "Perihal: Permohonan pemeliharaan aplikasi SIMPUS (perbaikan modul rujukan)",
            // The chosen urgency and class are ticked, the others not.
            "Sangat Segera ✓ Segera Biasa",
            "Sangat Rahasia Rahasia ✓ Terbatas Biasa",
            "Disposisi 1 dari Kepala Dinas",
            "diteruskan kepada Sekretaris",
            "✓ Tindak lanjuti",
            "✓ Koordinasikan",
            "Mohon segera ditangani, SIMPUS dipakai 27 puskesmas.",
            "Dra. ENDAH CAHYA RINI, MM",
            "25 November 2026 10.05 WIB",
            // The paraf's hash, named for what it does.
            "Kode pengaman: 3f2a9c0d5e6b7a8c",
            "Disposisi 2 dari Sekretaris",
            "diteruskan kepada Kepala Bidang Aplikasi Informatika",
            "✓ Proses sesuai ketentuan",
            "✓ Laporkan hasilnya paling lambat Jumat",
            "Libatkan tim jaringan untuk hosting.",
            "Plh. Sekretaris",
            "Budi Santoso, S.Kom",
            "menggantikan Siti Aminah, SH",
            "25 November 2026 13.30 WIB",
        ],
    );
    // Unchosen standard instructions are printed unticked.
    assert!(text.contains("Pelajari dan laporkan"));
    assert!(!text.contains("✓ Pelajari dan laporkan"), "{text}");
    assert!(!text.contains("✓ Arsipkan"), "{text}");
    // Ticks: one urgency, one class, two + two instructions.
    assert_eq!(text.matches('✓').count(), 6, "{text}");
    // What a paraf and its code are, in words, once under the levels; no bare "#hash".
    assert_has(
        &text,
        &[
            "Paraf elektronik dibubuhkan di Pelihara oleh pejabat yang masuk dengan akunnya \
           sendiri. Kode pengaman dihitung dari berkas surat dan isi disposisi",
        ],
    );
    assert!(!text.contains("#3f2a"), "{text}");
}

#[test]
fn control_card_has_every_field() {
    let card = fixture::control_card();
    let (_, text, issue) = render_to(
        "kartu-kendali.pdf",
        Document::ControlCard(&card),
        Paper::A4,
        "KK-0042/000.5.2.3/2026",
    );
    assert_common(&text, &issue);
    assert_has(
        &text,
        &[
            "KARTU KENDALI",
            "Indeks SIMPUS",
            "Kode 000.5.2.3",
            "Nomor urut (agenda) 0042/000.5.2.3/2026",
            "Isi ringkas Permohonan pemeliharaan aplikasi SIMPUS (perbaikan modul rujukan)",
            "Lampiran 1 berkas (surat-permohonan.pdf)",
            "Dari Dinas Kesehatan",
            "Kepada Kepala Bidang Aplikasi Informatika",
            "Tanggal surat 24 November 2026",
            "Nomor surat 400.7/1234/2026",
            // Who processes the request: the disposition's final recipient and who did the work.
            "Pengolah Kepala Bidang Aplikasi Informatika dikerjakan oleh Agus Prasetyo, Dwi Hartono",
            "Plh. Sekretaris",
            "Budi Santoso, S.Kom",
            "Kode pengaman: aa11bb22cc33dd44",
            // Every disposition's note, as on the disposition sheet, not only the last.
            "Catatan Disposisi 1 (Kepala Dinas): Mohon segera ditangani, SIMPUS dipakai 27 \
             puskesmas. Disposisi 2 (Sekretaris): Libatkan tim jaringan untuk hosting.",
        ],
    );
}

#[test]
fn an_undisposed_control_card_says_so_and_skips_empty_notes() {
    let mut card = fixture::control_card();
    card.handler = String::new();
    card.handled_by = Vec::new();
    card.notes[0].note = String::new();
    let (_, text, _) = render_to(
        "kartu-kendali-empty.pdf",
        Document::ControlCard(&card),
        Paper::A4,
        "KK-1",
    );
    assert_has(
        &text,
        &[
            "Pengolah —",
            "Catatan Disposisi 2 (Sekretaris): Libatkan tim jaringan untuk hosting.",
        ],
    );
    assert!(!text.contains("dikerjakan oleh"), "{text}");
    assert!(!text.contains("Disposisi 1 ("), "{text}");
}

#[test]
fn receipt_has_every_field() {
    let receipt = fixture::receipt();
    let (_, text, issue) = render_to(
        "tanda-terima.pdf",
        Document::Receipt(&receipt),
        Paper::A4,
        "PLH-7Q4K-9XWD",
    );
    assert_common(&text, &issue);
    assert_has(
        &text,
        &[
            "TANDA TERIMA PERMOHONAN",
            "Nomor pelacakan : PLH-7Q4K-9XWD",
            "Perangkat Daerah : Dinas Kesehatan",
            "Aplikasi/Website : SIMPUS",
            "Perihal : Permohonan pemeliharaan aplikasi SIMPUS (perbaikan modul rujukan)",
            "Diajukan oleh : Rina Wulandari",
            "Diterima pada : 25 November 2026 08.40 WIB",
            "Berkas surat permohonan : surat-permohonan.pdf",
            "9b1d0c3e5f7a9b1d0c3e5f7a9b1d0c3e5f7a9b1d0c3e5f7a9b1d0c3e5f7a9b1d",
            "Demak, 25 November 2026",
            // The way to the public tracking page, beside its own QR code; the footer's QR
            // still verifies the paper (assert_common).
            "Pantau perkembangan permohonan dengan memindai kode QR ini atau membuka:",
            "https://pelihara.demakkab.go.id/lacak/PLH-7Q4K-9XWD",
        ],
    );
}

#[test]
fn report_has_every_field_and_both_parafs() {
    let report = fixture::report();
    let (_, text, issue) = render_to(
        "berita-acara.pdf",
        Document::MaintenanceReport(&report),
        Paper::A4,
        "BA-0042/000.5.2.3/2026",
    );
    assert_common(&text, &issue);
    assert_has(
        &text,
        &[
            "BERITA ACARA PEMELIHARAAN APLIKASI/WEBSITE",
            "Nomor: BA-0042/000.5.2.3/2026",
            // 27 November 2026 is a Friday.
            "Pada hari ini Jumat tanggal dua puluh tujuh bulan November tahun dua ribu dua puluh enam (27-11-2026), bertempat di Demak",
            // Signed by electronic paraf, and the sentence says so.
            "kami yang membubuhkan paraf elektronik di bawah ini:",
            "Hendra Kurniawan, S.T.",
            "Sub Koordinator Sistem dan Program Aplikasi",
            "selanjutnya disebut PIHAK PERTAMA",
            "Rina Wulandari",
            "selanjutnya disebut PIHAK KEDUA",
            "aplikasi/website SIMPUS milik Dinas Kesehatan",
            "Nomor pelacakan : PLH-7Q4K-9XWD",
            // The OPD's survey invitation, with its link in full.
            "Survei Kepuasan Masyarakat untuk OPD (kode QR kanan; berlaku sampai 27 Desember 2026, sekali isi):",
            &format!("https://pelihara.demakkab.go.id/survei/{}", "ab".repeat(16)),
            "Temuan : Modul rujukan gagal menyimpan data pasien BPJS.",
            "Kesimpulan : Dapat dipelihara",
            "Rekomendasi : Perbaiki validasi nomor kartu dan perbarui pustaka PHP.",
            "Pekerjaan : Validasi nomor kartu diperbaiki; pustaka diperbarui.",
            "Hasil : Modul rujukan menyimpan data dengan benar.",
            "Versi : 2.4.1",
            "Server : srv-app-02",
            "Domain : simpus.demakkab.go.id",
            "Alamat : https://simpus.demakkab.go.id",
            "DNS dikonfigurasi : Ya",
            "Petugas jaringan : Dwi Hartono",
            "Sertifikat Let's Encrypt diperpanjang.",
            "Waktu : 27 November 2026 10.00 WIB",
            "Tempat : Ruang Rapat Dinkominfo",
            "Modul rujukan diperagakan dan diuji bersama.",
            "Catatan OPD : Hasil sesuai permintaan.",
            "Hasil pemeliharaan telah diterima oleh Dinas Kesehatan.",
            "Demak, 27 November 2026",
            "PIHAK KEDUA",
            "PIHAK PERTAMA",
            "27 November 2026 10.45 WIB",
            "27 November 2026 11.00 WIB",
        ],
    );
    assert!(!text.contains("bertanda tangan"), "{text}");
    assert!(!text.contains("nalisa"), "{text}");
}

#[test]
fn sop_document_has_header_and_flowchart() {
    let def = fixture::sop();
    let (rendered, text, issue) = render_to(
        "sop.pdf",
        Document::Sop(&def),
        Paper::A4,
        "Dinkominfo / 9 / 1 / 23",
    );
    assert_issue(&text, &issue);
    assert_has(
        &text,
        &[
            "Nomor SOP Dinkominfo / 9 / 1 / 23",
            "Tanggal Pembuatan Mei 2018",
            "Tanggal Revisi Februari 2022",
            "Dra. ENDAH CAHYA RINI, MM",
            "NIP. 19680903 199302 2 001",
            "PEMELIHARAAN APLIKASI/WEBSITE",
            "Dasar Hukum",
            "UU Nomor 25 Tahun 2009 tentang Pelayanan Publik",
            "Kualifikasi Pelaksana",
            "Peralatan/Perlengkapan",
            "Lemari kartu kendali",
            "Peringatan",
            "Pencatatan dan Pendataan",
        ],
    );
    // One sheet for the header block, then the flowchart pages.
    let svg_pages = pelihara_sop_render::flowchart_svg(&def, pelihara_i18n::Lang::Id).len();
    assert_eq!(rendered.pages, 1 + svg_pages);
}

fn page_sizes(pdf: &[u8], name: &str) -> Vec<String> {
    let path = keep(name, pdf);
    let info = tool("pdfinfo", &["-f", "1", "-l", "99", path.to_str().unwrap()]);
    info.lines()
        .filter(|line| line.starts_with("Page") && line.contains("size:"))
        .map(|line| line.split_once("size:").unwrap().1.trim().to_owned())
        .collect()
}

#[test]
fn a4_and_f4_paper() {
    let sheet = fixture::disposition_sheet();
    let a4 = render(
        Document::DispositionSheet(&sheet),
        &fixture::setting(Paper::A4),
        &fixture::issue("1"),
    )
    .unwrap();
    let f4 = render(
        Document::DispositionSheet(&sheet),
        &fixture::setting(Paper::F4),
        &fixture::issue("1"),
    )
    .unwrap();
    keep("lembar-disposisi-f4.pdf", &f4.pdf);
    // 210 × 297 mm and 215 × 330 mm in points (1 mm = 72 / 25.4 pt).
    assert!(page_sizes(&a4.pdf, "a4.pdf")[0].starts_with("595.276 x 841.89 pts"));
    assert!(page_sizes(&f4.pdf, "f4.pdf")[0].starts_with("609.449 x 935.433 pts"));
    // The SOP puts its flowchart pages in landscape on the same paper.
    let def = fixture::sop();
    let sop = render(
        Document::Sop(&def),
        &fixture::setting(Paper::F4),
        &fixture::issue("1"),
    )
    .unwrap();
    keep("sop-f4.pdf", &sop.pdf);
    let sizes = page_sizes(&sop.pdf, "sop-f4-sizes.pdf");
    assert!(sizes[0].starts_with("609.449 x 935.433 pts"), "{sizes:?}");
    assert!(sizes[1].starts_with("935.433 x 609.449 pts"), "{sizes:?}");
}

#[test]
fn text_is_never_markup() {
    // A subject written like typst markup prints as written.
    let mut sheet = fixture::disposition_sheet();
    sheet.letter.subject = "*tebal* _miring_ #eval(\"1+1\") $x^2$ <label> @ref \\".to_owned();
    let (_, text, _) = render_to(
        "markup.pdf",
        Document::DispositionSheet(&sheet),
        Paper::A4,
        "x",
    );
    assert_has(
        &text,
        &["*tebal* _miring_ #eval(\"1+1\") $x^2$ <label> @ref \\"],
    );
}

#[test]
fn english_labels() {
    let receipt = fixture::receipt();
    let mut setting = fixture::setting(Paper::A4);
    setting.lang = pelihara_i18n::Lang::En;
    let issue = fixture::issue("PLH-7Q4K-9XWD");
    let rendered = render(Document::Receipt(&receipt), &setting, &issue).unwrap();
    let text = text_of(&keep("receipt-en.pdf", &rendered.pdf));
    assert_has(
        &text,
        &[
            "Tracking number : PLH-7Q4K-9XWD",
            "25 November 2026 08:40 WIB",
        ],
    );
}

/// A stand-in emblem (a shield with a star), so the layout can be looked at with a logo.
const EMBLEM: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 120" width="100" height="120">
  <path d="M5 5 H95 V60 C95 90 70 108 50 116 C30 108 5 90 5 60 Z" fill="#1f6f3f" stroke="#c9a227" stroke-width="5"/>
  <polygon points="50,22 57,44 80,44 61,57 68,79 50,66 32,79 39,57 20,44 43,44" fill="#c9a227"/>
  <rect x="25" y="88" width="50" height="8" fill="#ffffff"/>
</svg>"##;

#[test]
fn every_document_prints_with_a_logo_on_a4_and_f4() {
    assert_eq!(check_logo(EMBLEM.as_bytes()), Ok(LogoFormat::Svg));
    let sheet = fixture::disposition_sheet();
    let card = fixture::control_card();
    let receipt = fixture::receipt();
    let report = fixture::report();
    let def = fixture::sop();
    let monitoring = monitoring_form();
    for paper in [Paper::A4, Paper::F4] {
        let mut setting = fixture::setting(paper);
        setting.letterhead.logo = Some(EMBLEM.as_bytes().to_vec());
        for document in [
            Document::DispositionSheet(&sheet),
            Document::ControlCard(&card),
            Document::Receipt(&receipt),
            Document::MaintenanceReport(&report),
            Document::Sop(&def),
            Document::MonitoringForm(&monitoring),
        ] {
            let name = format!("logo-{}-{}.pdf", document.kind().code(), paper.code());
            let issue = fixture::issue("7");
            let rendered = render(document, &setting, &issue).unwrap();
            let text = text_of(&keep(&name, &rendered.pdf));
            assert_has(&text, &["PEMERINTAH KABUPATEN DEMAK", &issue.verify_url]);
            // The logo is drawn: the same document without it is smaller.
            let mut plain = setting.clone();
            plain.letterhead.logo = None;
            let without = render(document, &plain, &issue).unwrap();
            assert!(rendered.pdf.len() > without.pdf.len(), "{name}");
        }
    }
}

/// `pdfinfo`'s page count, and the text of one page.
fn pages_of(path: &std::path::Path) -> usize {
    let info = tool("pdfinfo", &[path.to_str().unwrap()]);
    let line = info
        .lines()
        .find(|line| line.starts_with("Pages:"))
        .unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn page_text(path: &std::path::Path, page: usize) -> String {
    let page = page.to_string();
    let raw = tool(
        "pdftotext",
        &[
            "-raw",
            "-f",
            &page,
            "-l",
            &page,
            path.to_str().unwrap(),
            "-",
        ],
    );
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_typical_report_fits_one_sheet_of_a4_and_of_f4() {
    let report = fixture::report();
    for paper in [Paper::A4, Paper::F4] {
        // With the emblem, as offices print it (the kop is then at its tallest).
        let mut setting = fixture::setting(paper);
        setting.letterhead.logo = Some(EMBLEM.as_bytes().to_vec());
        let issue = fixture::issue("BA-0042/000.5.2.3/2026");
        let rendered = render(Document::MaintenanceReport(&report), &setting, &issue).unwrap();
        let path = keep(
            &format!("berita-acara-one-{}.pdf", paper.code()),
            &rendered.pdf,
        );
        assert_eq!(pages_of(&path), 1, "{}", paper.code());
        assert_eq!(rendered.pages, 1);
        // The English labels are longer; the sheet still holds it.
        let mut english = setting.clone();
        english.lang = pelihara_i18n::Lang::En;
        let rendered = render(Document::MaintenanceReport(&report), &english, &issue).unwrap();
        let en = keep(
            &format!("berita-acara-one-en-{}.pdf", paper.code()),
            &rendered.pdf,
        );
        assert_eq!(pages_of(&en), 1, "en {}", paper.code());
        // Everything is on it: the last section and both signatures.
        assert_has(
            &text_of(&path),
            &[
                "6. Penerimaan oleh OPD",
                "Demak, 27 November 2026",
                "PIHAK KEDUA",
                "PIHAK PERTAMA",
                "Rina Wulandari",
                "Hendra Kurniawan, S.T.",
                "Halaman 1 dari 1",
            ],
        );
    }
}

#[test]
fn the_last_section_and_the_signatures_never_part() {
    // Reports of every length around a page break: findings from one sentence to a page's
    // worth, with the hosting done or skipped (nine rows fewer). Wherever the sheet ends,
    // the page that carries the signatures also carries section 6 and the closing.
    let sentence = "Modul rujukan gagal menyimpan data pasien BPJS pada jam sibuk. ";
    let mut breaks = 0;
    for skipped in [false, true] {
        for repeats in (1..=44).step_by(3) {
            let mut report = fixture::report();
            report.analysis.as_mut().unwrap().findings = sentence.repeat(repeats);
            if skipped {
                report.hosting = Some(HostingPart::Skipped {
                    reason: "Tidak ada perubahan server.".to_owned(),
                });
            }
            let issue = fixture::issue("BA-0042/000.5.2.3/2026");
            let rendered = render(
                Document::MaintenanceReport(&report),
                &fixture::setting(Paper::A4),
                &issue,
            )
            .unwrap();
            let name = format!("berita-acara-long-{skipped}-{repeats}.pdf");
            let path = keep(&name, &rendered.pdf);
            let pages = pages_of(&path);
            if pages > 1 {
                breaks += 1;
            }
            let last = page_text(&path, pages);
            assert_has(
                &last,
                &[
                    "6. Penerimaan oleh OPD",
                    "Catatan OPD : Hasil sesuai permintaan.",
                    "Demikian berita acara ini dibuat",
                    "PIHAK KEDUA DINAS KESEHATAN",
                    "Rina Wulandari",
                    "Hendra Kurniawan, S.T.",
                ],
            );
            for page in 1..pages {
                let text = page_text(&path, page);
                assert!(!text.contains("6. Penerimaan oleh OPD"), "{name}: {text}");
                // The signature's heading (the parties' introduction also names them).
                assert!(
                    !text.contains("PIHAK KEDUA DINAS KESEHATAN"),
                    "{name}: {text}"
                );
                assert!(!text.contains("Demikian berita acara"), "{name}: {text}");
            }
        }
    }
    assert!(
        breaks > 4,
        "the lengths cross the page break ({breaks} long reports)"
    );
}

/// A word as `pdftotext -bbox` places it on its page, in points from the top left.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    x_min: f64,
    y_min: f64,
    x_max: f64,
    y_max: f64,
}

fn words_on(path: &std::path::Path, page: usize) -> Vec<Word> {
    let page = page.to_string();
    let html = tool(
        "pdftotext",
        &[
            "-bbox",
            "-f",
            &page,
            "-l",
            &page,
            path.to_str().unwrap(),
            "-",
        ],
    );
    let attribute = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + line[start..].find('"').unwrap();
        line[start..end].parse().unwrap()
    };
    html.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("<word "))
        .map(|line| {
            let start = line.find('>').unwrap() + 1;
            let end = line.rfind("</word>").unwrap();
            Word {
                text: line[start..end].replace("&amp;", "&"),
                x_min: attribute(line, "xMin"),
                y_min: attribute(line, "yMin"),
                x_max: attribute(line, "xMax"),
                y_max: attribute(line, "yMax"),
            }
        })
        .collect()
}

fn word<'a>(words: &'a [Word], text: &str) -> &'a Word {
    words
        .iter()
        .find(|word| word.text == text)
        .unwrap_or_else(|| panic!("no word {text:?} in {words:?}"))
}

/// The lines of `pdftotext -layout` for one page, as a person reads the sheet.
fn layout_lines(path: &std::path::Path, page: usize) -> Vec<String> {
    let page = page.to_string();
    tool(
        "pdftotext",
        &[
            "-layout",
            "-f",
            &page,
            "-l",
            &page,
            path.to_str().unwrap(),
            "-",
        ],
    )
    .lines()
    .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
    .collect()
}

#[test]
fn the_sop_identity_block_shows_the_whole_title_and_an_unbroken_nip() {
    let def = fixture::sop();
    for paper in [Paper::A4, Paper::F4] {
        let rendered = render(
            Document::Sop(&def),
            &fixture::setting(paper),
            &fixture::issue("Dinkominfo / 9 / 1 / 23"),
        )
        .unwrap();
        let path = keep(&format!("sop-identity-{}.pdf", paper.code()), &rendered.pdf);
        // The title's last line ends inside its cell: the two cells' insets (1.4 mm each)
        // less the font's descent lie between it and the next row's heading. Before, a
        // negative spacing drew the next row over it, 1 pt below the text.
        let words = words_on(&path, 1);
        let last_title_line = word(&words, "APLIKASI/WEBSITE");
        let next_row = word(&words, "Dasar");
        let gap = next_row.y_min - last_title_line.y_max;
        assert!(
            gap >= 4.0,
            "{}: the title ends {gap:.1} pt above the next row",
            paper.code()
        );
        // The NIP is one number on one line, and so is the approver's name.
        let lines = layout_lines(&path, 1);
        for expected in ["NIP. 19680903 199302 2 001", "Dra. ENDAH CAHYA RINI, MM"] {
            assert!(
                lines.iter().any(|line| line.ends_with(expected)),
                "{}: {expected:?} is not on one line in {lines:#?}",
                paper.code()
            );
        }
    }
}

/// A page rendered in grey levels by poppler's `pdftoppm`: width, height and one byte a pixel
/// (0 black, 255 white), at `dpi`.
fn grey_page(path: &std::path::Path, page: usize, dpi: u32) -> (usize, usize, Vec<u8>) {
    let root = path.with_extension(format!("p{page}"));
    let page = page.to_string();
    let dpi = dpi.to_string();
    tool(
        "pdftoppm",
        &[
            "-gray",
            "-singlefile",
            "-r",
            &dpi,
            "-f",
            &page,
            "-l",
            &page,
            path.to_str().unwrap(),
            root.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(root.with_extension(format!("p{page}.pgm"))).unwrap();
    // Binary PGM: "P5\n<width> <height>\n255\n" then the pixels.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(bytes[start..at].to_vec()).unwrap());
        at += 1;
    }
    assert_eq!(fields[0], "P5");
    let width: usize = fields[1].parse().unwrap();
    let height: usize = fields[2].parse().unwrap();
    (width, height, bytes[at..].to_vec())
}

#[test]
fn the_signatories_names_are_underlined_below_the_letters_in_one_line() {
    let report = fixture::report();
    let rendered = render(
        Document::MaintenanceReport(&report),
        &fixture::setting(Paper::A4),
        &fixture::issue("BA-0042/000.5.2.3/2026"),
    )
    .unwrap();
    let path = keep("berita-acara-underline.pdf", &rendered.pdf);
    let words = words_on(&path, 1);
    const DPI: u32 = 288;
    let scale = f64::from(DPI) / 72.0;
    let (width, _, pixels) = grey_page(&path, 1, DPI);
    // The signature block's names are the last line with them on the page (the parties'
    // introduction above also names them).
    for name in [
        &["Rina", "Wulandari"][..],
        &["Hendra", "Kurniawan,", "S.T."][..],
    ] {
        let first = words
            .iter()
            .filter(|word| word.text == name[0])
            .max_by(|a, b| a.y_min.total_cmp(&b.y_min))
            .unwrap();
        let last = words
            .iter()
            .rfind(|word| word.text == name[name.len() - 1] && word.y_min == first.y_min)
            .unwrap();
        // The rows from the top of the letters to 6 pt below their box: the underline is
        // the row that is dark along the whole name (letters never are).
        let (left, right) = (
            ((first.x_min + 1.0) * scale) as usize,
            ((last.x_max - 1.0) * scale) as usize,
        );
        let rows = (first.y_min * scale) as usize..((first.y_max + 6.0) * scale) as usize;
        let underline = rows
            .clone()
            .find(|row| (left..right).all(|column| pixels[row * width + column] < 160));
        let Some(row) = underline else {
            let best = rows
                .map(|row| {
                    (left..right)
                        .filter(|column| pixels[row * width + *column] < 160)
                        .count()
                })
                .max()
                .unwrap();
            panic!(
                "{name:?}: no unbroken underline (at best {best} of {} pixels dark)",
                right - left
            );
        };
        // Below the descenders (the bottom of the word's box), not through them.
        let at = row as f64 / scale;
        assert!(
            at > first.y_max,
            "{name:?}: the underline at {at:.1} pt crosses the letters (box ends {:.1} pt)",
            first.y_max
        );
    }
}

/// A signed SOP monitoring form, worded as the web layer words it.
fn monitoring_form() -> MonitoringFormDoc {
    let row = |no: u32, procedure: &str, good: bool, note: &str, action: &str| MonitoringRowDoc {
        no: no.to_string(),
        procedure: procedure.into(),
        good,
        not_good: !good,
        note: note.into(),
        action: action.into(),
        paraf: "AP".into(),
    };
    MonitoringFormDoc {
        title: "Formulir Monitoring SOP".into(),
        facts: vec![
            ("Nama SOP".into(), "Pemeliharaan Aplikasi/Website".into()),
            ("Periode".into(), "Semester I 2026".into()),
        ],
        headers: MonitoringHeaders {
            no: "No".into(),
            procedure: "Prosedur".into(),
            assessment: "Penilaian".into(),
            good: "Berjalan dengan baik".into(),
            not_good: "Tidak berjalan dengan baik".into(),
            note: "Catatan hasil penilaian".into(),
            action: "Tindakan yang harus diambil".into(),
            paraf: "Paraf penilai".into(),
        },
        rows: vec![
            row(1, "Membuat surat permohonan", true, "12 tugas selesai", ""),
            row(
                2,
                "Disposisi Kepala Dinas ke Sekretaris",
                false,
                "*tebal* #eval(\"1+1\") $x$",
                "Percepat disposisi",
            ),
        ],
        place_date: "Demak, 1 Juli 2026".into(),
        assessor_label: "Penilai".into(),
        assessor_name: "Agus Prasetyo, S.Kom".into(),
        assessor_nip: "NIP. 197805122005011003".into(),
        signed: "Dinilai dan diparaf secara elektronik".into(),
        seal: "Kode segel: 0123456789abcdef".into(),
    }
}

#[test]
fn the_monitoring_form_is_landscape_with_its_rows_and_verification() {
    let form = monitoring_form();
    let (rendered, text, issue) = render_to(
        "monitoring-sop.pdf",
        Document::MonitoringForm(&form),
        Paper::A4,
        "800/9/1/23 / MON / I / 2026",
    );
    assert_common(&text, &issue);
    assert_has(
        &text,
        &[
            "FORMULIR MONITORING SOP",
            "Semester I 2026",
            "Berjalan dengan baik",
            "Tidak berjalan dengan baik",
            "Membuat surat permohonan",
            "*tebal* #eval(\"1+1\") $x$",
            "Percepat disposisi",
            "Agus Prasetyo, S.Kom",
            "NIP. 197805122005011003",
            "Kode segel: 0123456789abcdef",
        ],
    );
    // A4 landscape: wider than tall.
    let sizes = page_sizes(&rendered.pdf, "monitoring-sop-size.pdf");
    assert!(!sizes.is_empty());
    for size in sizes {
        assert!(size.starts_with("841.89 x 595.276"), "{size}");
    }
    assert_eq!(
        DocumentKind::from_code("monitoring-sop"),
        Some(DocumentKind::MonitoringForm)
    );
}
