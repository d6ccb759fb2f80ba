//! The probe's hostile uploads, against the real binary on the demo's data, on SQLite and on
//! PostgreSQL: a corpus of crafted files made here (XLSX whose cells lie far apart, a zip bomb
//! that declares its size and one that lies about it, a huge shared-strings part, a CSV of
//! 100 000 rows, PDFs with JavaScript and an HTML/PDF polyglot, a name with a right-to-left
//! override, NUL and other control characters, the wrong content, files over the limits) sent
//! through every upload and import route: the register's import `/aplikasi/impor`, the admin's
//! import of OPDs and users `/admin/impor`, the letter of a new request `/permohonan/baru` and
//! of a resubmission (a case action). Each is answered with a 4xx that names the limit or the
//! problem, never a 5xx, and nothing is written (no case, app, OPD, user or file); the two
//! PDFs with active content are letters like any other but are only ever served as downloads.
//! A NUL or an escape in a field of the JSON API is a 400 naming the field too.
//! Beside it, the memory: the server's resident set, read from /proc every few milliseconds
//! while the XLSX bombs, 100 000-row CSVs and a 60 MB upload go in, stays under 200 MB.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

#[path = "client/mod.rs"]
mod client;

use std::collections::HashSet;
use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use client::{Part, Reply, Server};

// --- the corpus ---------------------------------------------------------------------------

/// An XLSX workbook of one worksheet, made part by part so that every part can be hostile.
fn workbook(sheet: &[u8], shared_strings: Option<&[u8]>) -> Vec<u8> {
    let content_types = br#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    let rels = br#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let book = br#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Aplikasi" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let book_rels = br#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", book),
        ("xl/_rels/workbook.xml.rels", book_rels),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(strings) = shared_strings {
        parts.push(("xl/sharedStrings.xml", strings));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, bytes) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A worksheet of inline-string cells at the given references.
fn sheet(dimension: &str, cells: &[(&str, &str)]) -> Vec<u8> {
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>"#
    );
    for (reference, text) in cells {
        let row: String = reference.chars().filter(char::is_ascii_digit).collect();
        xml.push_str(&format!(
            r#"<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c></row>"#
        ));
    }
    xml.push_str("</sheetData></worksheet>");
    xml.into_bytes()
}

/// A worksheet that repeats one row `rows` times (compresses to almost nothing).
fn long_sheet(rows: usize) -> Vec<u8> {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for row in 1..=rows {
        xml.push_str(&format!(
            r#"<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>"#
        ));
    }
    xml.push_str("</sheetData></worksheet>");
    xml.into_bytes()
}

/// A shared-strings part of `count` strings of `length` letters each.
fn shared_strings(count: usize, length: usize) -> Vec<u8> {
    let text = "x".repeat(length);
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">"#
    );
    for _ in 0..count {
        xml.push_str("<si><t>");
        xml.push_str(&text);
        xml.push_str("</t></si>");
    }
    xml.push_str("</sst>");
    xml.into_bytes()
}

/// `archive` with the uncompressed size of `part` rewritten to `declared` in its local header
/// and in the central directory: a bomb whose archive lies about what it unpacks to.
fn lying_about(mut archive: Vec<u8>, part: &str, declared: u32) -> Vec<u8> {
    let name = part.as_bytes();
    let mut at = 0;
    let mut patched = 0;
    while at + 46 < archive.len() {
        let signature: [u8; 4] = archive[at..at + 4].try_into().unwrap();
        // Local file header: name at 30, uncompressed size at 22.
        if &signature == b"PK\x03\x04" {
            let length = u16::from_le_bytes([archive[at + 26], archive[at + 27]]) as usize;
            if archive.get(at + 30..at + 30 + length) == Some(name) {
                archive[at + 22..at + 26].copy_from_slice(&declared.to_le_bytes());
                patched += 1;
            }
        }
        // Central directory entry: name at 46, uncompressed size at 24.
        if &signature == b"PK\x01\x02" {
            let length = u16::from_le_bytes([archive[at + 28], archive[at + 29]]) as usize;
            if archive.get(at + 46..at + 46 + length) == Some(name) {
                archive[at + 24..at + 28].copy_from_slice(&declared.to_le_bytes());
                patched += 1;
            }
        }
        at += 1;
    }
    assert_eq!(patched, 2, "both headers of {part} rewritten");
    archive
}

/// The register import's header line, then `rows` rows.
fn long_csv(rows: usize) -> Vec<u8> {
    let mut csv = String::from("Nama Aplikasi;Kode OPD;Alamat\n");
    for row in 0..rows {
        csv.push_str(&format!(
            "Aplikasi {row};DINKES;https://a{row}.example.org\n"
        ));
    }
    csv.into_bytes()
}

const PLAIN_PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const SCRIPT_PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const POLYGLOT_PDF: &[u8] = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A sheet file sent to an import: (what it is, file name, bytes, what the answer must say).
struct Hostile {
    what: &'static str,
    file_name: &'static str,
    bytes: Vec<u8>,
    /// Words the answer must hold (Indonesian, the demo's language): the limit or the problem.
    says: &'static [&'static str],
}

fn hostile_sheets() -> Vec<Hostile> {
    let far_cells = workbook(
        &sheet(
            "A1:XFD1048576",
            &[("A1", "Nama Aplikasi"), ("A2", "x"), ("XFD1048576", "x")],
        ),
        None,
    );
    let tall_cells = workbook(
        &sheet("A1:Z3000000", &[("A1", "Nama Aplikasi"), ("Z3000000", "x")]),
        None,
    );
    // 60 MB of rows, honest about it: refused before it is opened.
    let honest_bomb = workbook(&long_sheet(500_000), None);
    // The same declared as 2 KB: the declared size cannot be trusted.
    let lying_bomb = lying_about(
        workbook(&long_sheet(500_000), None),
        "xl/worksheets/sheet1.xml",
        2_048,
    );
    // Shared strings of 200 MB declared as 2 KB, referenced by nothing: a reader that loads
    // every shared string up front holds them all.
    let lying_strings = lying_about(
        workbook(
            &sheet("A1:A1", &[("A1", "Nama Aplikasi")]),
            Some(&shared_strings(2_000_000, 100)),
        ),
        "xl/sharedStrings.xml",
        2_048,
    );
    // A million shared strings, honest and within the unpacked limit (about 30 MB).
    let many_strings = workbook(
        &sheet("A1:A1", &[("A1", "Nama Aplikasi")]),
        Some(&shared_strings(1_000_000, 16)),
    );
    let mut executable = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    executable.resize(4096, 0);
    vec![
        Hostile {
            what: "XLSX with cells in A2 and XFD1048576",
            file_name: "aplikasi.xlsx",
            bytes: far_cells,
            says: &["64 kolom"],
        },
        Hostile {
            what: "XLSX with a cell in Z3000000",
            file_name: "aplikasi.xlsx",
            bytes: tall_cells,
            says: &["baris"],
        },
        Hostile {
            what: "XLSX zip bomb that declares 60 MB",
            file_name: "aplikasi.xlsx",
            bytes: honest_bomb,
            says: &["50 MB"],
        },
        Hostile {
            what: "XLSX zip bomb that declares 2 KB and unpacks to 60 MB",
            file_name: "aplikasi.xlsx",
            bytes: lying_bomb,
            // Read no further than it declares, its checksum fails: not a workbook.
            says: &["bukan lembar kerja XLSX"],
        },
        Hostile {
            what: "XLSX with 200 MB of shared strings declared as 2 KB",
            file_name: "aplikasi.xlsx",
            bytes: lying_strings,
            says: &["bukan lembar kerja XLSX"],
        },
        Hostile {
            what: "XLSX with a million shared strings",
            file_name: "aplikasi.xlsx",
            bytes: many_strings,
            says: &[],
        },
        Hostile {
            what: "CSV of 100 000 rows",
            file_name: "aplikasi.csv",
            bytes: long_csv(100_000),
            says: &["lebih dari"],
        },
        Hostile {
            what: "CSV with a NUL and an escape in its cells",
            file_name: "aplikasi.csv",
            bytes: b"Nama Aplikasi;Kode OPD;Alamat\nSIM\x00PUS;DINKES;https://a.example.org\nX\x1b[2J;DINKES;https://b.example.org\n".to_vec(),
            says: &["karakter kendali"],
        },
        Hostile {
            what: "a Windows program named .xlsx",
            file_name: "aplikasi.xlsx",
            bytes: executable,
            says: &["XLSX"],
        },
        Hostile {
            what: "an HTML page named .csv",
            file_name: "aplikasi\u{202E}vsc.html",
            bytes: b"<html><script>alert(1)</script></html>".to_vec(),
            says: &[],
        },
        Hostile {
            what: "a 6 MB sheet (over the import's 5 MB)",
            file_name: "aplikasi.csv",
            bytes: long_csv(10).into_iter().cycle().take(6 << 20).collect(),
            says: &["5 MB"],
        },
    ]
}

// --- the server and what it holds --------------------------------------------------------

/// What the database and the document store hold: cases, apps, OPDs, users, and the files
/// people gave it (every file in the document folder, temporaries included, plus on
/// PostgreSQL the documents stored in the database), leaving out the PDFs Pelihara issued
/// itself: the background worker issues a new case's documents whenever it gets to them,
/// before or after the server stops, so their number is not the test's to predict.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Holdings {
    cases: usize,
    apps: usize,
    opds: usize,
    users: usize,
    files: usize,
}

/// The files under `folder` whose name is not one of `issued`.
fn files_in(folder: &Path, issued: &HashSet<String>) -> usize {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                files_in(&path, issued)
            } else {
                usize::from(!issued.contains(&*entry.file_name().to_string_lossy()))
            }
        })
        .sum()
}

fn holdings(url: &str, data: &Path) -> Holdings {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = pelihara_store::Store::open(url).await.unwrap();
        let documents = data.join("documents");
        let blobs = pelihara_store::BlobStore::for_store(&store, &documents);
        let issued: HashSet<String> = pelihara_store::testing::issued_document_digests(&store)
            .await
            .into_iter()
            .collect();
        let in_database = if blobs.in_database() {
            let stored = blobs.digests().await.unwrap();
            stored
                .iter()
                .filter(|digest| !issued.contains(*digest))
                .count()
        } else {
            0
        };
        let held = Holdings {
            cases: store.list_cases(None, 1_000_000).await.unwrap().len(),
            apps: store
                .register(&pelihara_store::register::RegisterFilter::default())
                .await
                .unwrap()
                .len(),
            opds: store.list_opds().await.unwrap().len(),
            users: store.list_users().await.unwrap().len(),
            files: files_in(&documents, &issued) + in_database,
        };
        store.close().await;
        held
    })
}

struct Site {
    url: String,
    data: std::path::PathBuf,
    args: Vec<String>,
    _work: tempfile::TempDir,
}

/// The demo seeded (on SQLite in its folder, or on `database`) and stopped; `serve` runs it
/// again (the scheduler off, so nothing but the requests writes).
fn demo_site(database: Option<String>) -> Site {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("demo");
    let data_arg = data.to_str().unwrap().to_owned();
    let url = database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", data.join("pelihara.db").display()));
    let with_database = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        if let Some(database) = &database {
            all.extend(["--database".to_owned(), database.clone()]);
        }
        all
    };
    let args = with_database(&["demo", "--port", "0", "--data", &data_arg]);
    let demo = client::start(&args.iter().map(String::as_str).collect::<Vec<_>>(), QUIET);
    // Serving: its answer comes after the signal handler is in place.
    let health = client::request(&demo.address, "GET", "/healthz", None, None);
    assert!(health.is_some_and(|reply| reply.status == 200));
    let status = demo.terminate();
    assert!(status.success(), "the demo stopped with {status:?}");
    Site {
        url,
        data,
        args: with_database(&["serve", "--listen", "127.0.0.1:0", "--data", &data_arg]),
        _work: work,
    }
}

const QUIET: &[(&str, &str)] = &[("PELIHARA_NO_SCHEDULER", "true")];

impl Site {
    fn serve(&self) -> Server {
        client::start(
            &self.args.iter().map(String::as_str).collect::<Vec<_>>(),
            QUIET,
        )
    }
}

fn upload(server: &Server, cookie: &str, path: &str, parts: &[Part<'_>]) -> Reply {
    let (content_type, body) = client::multipart(parts);
    client::request(
        &server.address,
        "POST",
        path,
        Some(cookie),
        Some((&content_type, &body)),
    )
    .unwrap_or_else(|| panic!("no answer from {path}"))
}

/// The answer is a 4xx and says each of `words`.
fn refused(what: &str, route: &str, reply: &Reply, says: &[&str]) {
    let text = reply.text();
    assert!(
        (400..500).contains(&reply.status),
        "{what} to {route}: {} {}",
        reply.status,
        &text[..text.len().min(2000)]
    );
    // What the page says to the person: its main part, without the markup.
    let main = text.split("<main").nth(1).unwrap_or(&text);
    let mut words = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                words.push(' ');
            }
            c if !in_tag => words.push(c),
            _ => {}
        }
    }
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    for word in says {
        assert!(
            words.contains(word),
            "{what} to {route}: the answer does not say {word:?}: {words}"
        );
    }
}

/// A PDF of `size` bytes: a plain letter padded with a comment.
fn big_pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%".to_vec();
    bytes.resize(size - 7, b'a');
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

// --- the corpus through every route -------------------------------------------------------

fn every_route_refuses_the_corpus(database: Option<String>) {
    let site = demo_site(database);
    let before = holdings(&site.url, &site.data);
    let server = site.serve();
    let address = server.address.clone();
    let admin = client::sign_in(&address, "admin").expect("the demo admin signs in");
    let pelaksana = client::sign_in(&address, "pelaksana1").expect("pelaksana1 signs in");
    let operator = client::sign_in(&address, "op.dinkes").expect("op.dinkes signs in");
    let list = client::request(&address, "GET", "/aplikasi", Some(&operator), None).unwrap();
    let app = client::ids_after(&list.text(), "/aplikasi/")
        .into_iter()
        .next()
        .expect("an app of the operator");

    // Sheets: the register's import (a Pelaksana) and both sheets of the admin's import.
    for hostile in hostile_sheets() {
        for (route, cookie, field) in [
            ("/aplikasi/impor", &pelaksana, "file"),
            ("/admin/impor", &admin, "opd_file"),
            ("/admin/impor", &admin, "user_file"),
        ] {
            let reply = upload(
                &server,
                cookie,
                route,
                &[Part::File(
                    field,
                    hostile.file_name,
                    "application/octet-stream",
                    &hostile.bytes,
                )],
            );
            refused(hostile.what, route, &reply, hostile.says);
        }
        eprintln!("refused everywhere: {}", hostile.what);
    }

    // Letters of a new request: the wrong content, over the letter's limit, a control
    // character in a field.
    let html = b"<!doctype html><html><script>alert(1)</script></html>".to_vec();
    // (what, file name, subject, bytes, what the answer says)
    type Letter<'a> = (&'a str, &'a str, &'a str, Vec<u8>, &'a [&'a str]);
    let letters: [Letter; 4] = [
        (
            "an HTML page sent as application/pdf",
            "surat.pdf",
            "Perbaikan",
            html,
            &["PDF"],
        ),
        (
            "a program named .pdf",
            "surat.pdf",
            "Perbaikan",
            b"MZ\x90\x00 not a pdf".to_vec(),
            &["PDF"],
        ),
        (
            "an 11 MB letter",
            "surat.pdf",
            "Perbaikan",
            big_pdf(11 << 20),
            &["10 MB"],
        ),
        (
            "a NUL in the subject",
            "surat.pdf",
            "Perbaikan\u{0}formulir",
            PLAIN_PDF.to_vec(),
            &["karakter kendali"],
        ),
    ];
    for (what, file_name, subject, bytes, says) in letters {
        let reply = upload(
            &server,
            &operator,
            "/permohonan/baru",
            &[
                Part::Text("app_id", &app),
                Part::Text("subject", subject),
                Part::Text("description", "Uji berkas"),
                Part::File("letter", file_name, "application/pdf", &bytes),
            ],
        );
        refused(what, "/permohonan/baru", &reply, says);
    }
    // The same letters with the OPD's resubmission of the demo's returned request (a case
    // action); a control character in its note.
    let returning = client::sign_in(&address, "op.dukcapil").expect("op.dukcapil signs in");
    let cases = client::request(&address, "GET", "/permohonan", Some(&returning), None).unwrap();
    let (case, task) = client::ids_after(&cases.text(), "/permohonan/")
        .into_iter()
        .find_map(|case| {
            let page = client::request(
                &address,
                "GET",
                &format!("/permohonan/{case}"),
                Some(&returning),
                None,
            )?
            .text();
            let form = page.split(r#"value="resubmit""#).nth(1)?;
            let task = client::ids_after(form, r#"name="task_id" value=""#)
                .into_iter()
                .next()?;
            Some((case, task))
        })
        .expect("the demo's returned request, with its resubmission form");
    let action = format!("/permohonan/{case}/aksi");
    let resubmissions: [(&str, &str, Vec<u8>, &[&str]); 3] = [
        (
            "an HTML page as the new letter",
            "Sudah ditandatangani",
            b"<!doctype html><script>alert(1)</script>".to_vec(),
            &["PDF"],
        ),
        (
            "an 11 MB new letter",
            "Sudah ditandatangani",
            big_pdf(11 << 20),
            &["10 MB"],
        ),
        (
            "a NUL in the note",
            "Sudah\u{0}ditandatangani",
            PLAIN_PDF.to_vec(),
            &["karakter kendali"],
        ),
    ];
    for (what, note, bytes, says) in resubmissions {
        let reply = upload(
            &server,
            &returning,
            &action,
            &[
                Part::Text("aksi", "resubmit"),
                Part::Text("task_id", &task),
                Part::Text("note", note),
                Part::File("letter", "surat.pdf", "application/pdf", &bytes),
            ],
        );
        refused(what, &action, &reply, says);
    }
    // Still waiting for its resubmission.
    let page = client::request(
        &address,
        "GET",
        &format!("/permohonan/{case}"),
        Some(&returning),
        None,
    )
    .unwrap()
    .text();
    assert!(page.contains(r#"value="resubmit""#));

    // 60 MB, past the server's body limit, through every upload route.
    let huge = big_pdf(60 << 20);
    for (route, cookie, field) in [
        ("/permohonan/baru", &operator, "letter"),
        (action.as_str(), &returning, "letter"),
        ("/aplikasi/impor", &pelaksana, "file"),
        ("/admin/impor", &admin, "opd_file"),
    ] {
        let reply = upload(
            &server,
            cookie,
            route,
            &[
                Part::Text("app_id", &app),
                Part::File(field, "besar.pdf", "application/pdf", &huge),
            ],
        );
        refused("a 60 MB upload", route, &reply, &["terlalu besar", "MB"]);
    }

    // A PDF with JavaScript under a name with a right-to-left override, and an HTML/PDF
    // polyglot: accepted as letters, served only as downloads under a clean name.
    for (file_name, bytes) in [
        ("surat\u{202E}fdp.exe", SCRIPT_PDF),
        ("surat.pdf", POLYGLOT_PDF),
    ] {
        let reply = upload(
            &server,
            &operator,
            "/permohonan/baru",
            &[
                Part::Text("app_id", &app),
                Part::Text("subject", "Surat aktif"),
                Part::Text("description", "Uji berkas"),
                Part::File("letter", file_name, "application/pdf", bytes),
            ],
        );
        assert_eq!(reply.status, 303, "{}", reply.text());
        let case = client::ids_after(reply.header("location").unwrap(), "/permohonan/")
            .into_iter()
            .next()
            .unwrap();
        let letter = client::request(
            &address,
            "GET",
            &format!("/permohonan/{case}/surat"),
            Some(&operator),
            None,
        )
        .unwrap();
        assert_eq!(letter.status, 200);
        assert_eq!(letter.body, bytes);
        let disposition = letter.header("content-disposition").unwrap();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(!disposition.contains("%E2%80%AE"), "{disposition}");
        assert_eq!(letter.header("x-content-type-options"), Some("nosniff"));
    }

    // The probe's NUL probes, which were 500s on PostgreSQL: the sign-in's user name before
    // anyone signs in, a search of the register, an admin's form.
    let form = |fields: &[(&str, &str)]| client::urlencoded(fields);
    let urlencoded = "application/x-www-form-urlencoded";
    // (method, path, cookie, body, what the answer says)
    type Probe<'a> = (&'a str, &'a str, Option<&'a str>, Option<Vec<u8>>, &'a str);
    let probes: [Probe; 3] = [
        (
            "POST",
            "/masuk",
            None,
            Some(form(&[("username", "ad\u{0}min"), ("password", "x")])),
            "«username»",
        ),
        ("GET", "/aplikasi?q=a%00b", Some(&operator), None, "«q»"),
        (
            "POST",
            "/admin/opd",
            Some(&admin),
            Some(form(&[
                ("code", "DISKOMINFO"),
                ("name", "Dinas\u{1}Kominfo"),
            ])),
            "«name»",
        ),
    ];
    for (method, path, cookie, body, says) in probes {
        let reply = client::request(
            &address,
            method,
            path,
            cookie,
            body.as_deref().map(|body| (urlencoded, body)),
        )
        .unwrap();
        refused("a control character", path, &reply, &[says]);
    }

    // The JSON API: a NUL or an escape in a field is a 400 naming it (PostgreSQL refuses a
    // NUL in text: it was a 500 there, and stored on SQLite).
    let form = client::urlencoded(&[("name", "uji"), ("scopes", "register"), ("validity", "90")]);
    let made = client::request(
        &address,
        "POST",
        "/akun/token",
        Some(&pelaksana),
        Some(("application/x-www-form-urlencoded", &form)),
    )
    .unwrap();
    assert_eq!(made.status, 201, "{}", made.text());
    let page = made.text();
    let secret: String = page
        .split("plh_")
        .nth(1)
        .expect("the secret on the page")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let bearer = format!("Bearer plh_{secret}");
    for (field, body) in [
        ("name", r#"{"name": "SIM\u0000PUS", "opd_code": "DINKES"}"#),
        (
            "notes",
            r#"{"name": "SIMPUS", "notes": ["ok", "\u001b[2J"]}"#,
        ),
    ] {
        let reply = client::request_with(
            &address,
            "POST",
            "/api/v1/apps",
            &[("Authorization", &bearer)],
            Some(("application/json", body.as_bytes())),
        )
        .unwrap();
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
        assert!(reply.text().contains(field), "{body}: {}", reply.text());
    }

    assert!(server.terminate().success());
    let after = holdings(&site.url, &site.data);
    assert_eq!(
        after,
        Holdings {
            cases: before.cases + 2,
            files: before.files + 2,
            ..before
        },
        "only the two accepted letters were written"
    );
}

#[test]
fn hostile_uploads_are_refused_on_every_route_on_sqlite() {
    every_route_refuses_the_corpus(None);
}

#[test]
fn hostile_uploads_are_refused_on_every_route_on_postgres() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = runtime.block_on(pelihara_store::testing::fresh_postgres_url()) else {
        return;
    };
    every_route_refuses_the_corpus(Some(url));
}

// --- memory -------------------------------------------------------------------------------

/// The server's peak resident set while `send` runs, sampled every 2 ms.
fn peak_while(server: &Server, send: impl FnOnce()) -> u64 {
    let pid = server.child.id();
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (done, peak) = (done.clone(), peak.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(rss) = client::rss_of(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    send();
    // What the server still does after answering counts too.
    std::thread::sleep(Duration::from_millis(300));
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    peak.load(Ordering::Relaxed)
}

#[test]
fn the_bombs_a_long_csv_and_a_60_mb_upload_leave_the_server_under_200_mb() {
    const LIMIT: u64 = 200 * 1024 * 1024;
    let site = demo_site(None);
    let server = site.serve();
    let address = server.address.clone();
    let admin = client::sign_in(&address, "admin").unwrap();
    let operator = client::sign_in(&address, "op.dinkes").unwrap();
    let idle = server.rss_bytes().unwrap();
    let sheets = hostile_sheets();
    let mut report = Vec::new();
    let mut sends: Vec<(String, &str, &str, String, Vec<u8>)> = Vec::new();
    for hostile in &sheets {
        for (route, field) in [("/aplikasi/impor", "file"), ("/admin/impor", "user_file")] {
            sends.push((
                hostile.what.to_owned(),
                route,
                field,
                hostile.file_name.to_owned(),
                hostile.bytes.clone(),
            ));
        }
    }
    sends.push((
        "a 60 MB upload".to_owned(),
        "/permohonan/baru",
        "letter",
        "besar.pdf".to_owned(),
        big_pdf(60 << 20),
    ));
    sends.push((
        "a 60 MB upload".to_owned(),
        "/aplikasi/impor",
        "file",
        "besar.csv".to_owned(),
        long_csv(10).into_iter().cycle().take(60 << 20).collect(),
    ));
    for (what, route, field, file_name, bytes) in &sends {
        let cookie = if *route == "/permohonan/baru" {
            &operator
        } else {
            &admin
        };
        let mut status = 0;
        let peak = peak_while(&server, || {
            let reply = upload(
                &server,
                cookie,
                route,
                &[Part::File(
                    field,
                    file_name,
                    "application/octet-stream",
                    bytes,
                )],
            );
            status = reply.status;
        });
        assert!((400..500).contains(&status), "{what} to {route}: {status}");
        report.push(format!(
            "{what} to {route}: {status}, peak {} MB",
            peak >> 20
        ));
        assert!(
            peak < LIMIT,
            "{what} to {route}: the server held {} MB (idle {} MB)",
            peak >> 20,
            idle >> 20
        );
    }
    println!("idle {} MB\n{}", idle >> 20, report.join("\n"));
    assert!(server.terminate().success());
}
