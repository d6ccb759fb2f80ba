//! Checks of the words themselves in the Indonesian messages: one spelling per word, the one
//! the KBBI (Kamus Besar Bahasa Indonesia) gives, wherever users read it. Test-only: it reads
//! the Fluent files from the source tree, which Pelihara itself never does at run time.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is the failure report.

use std::path::Path;

/// Every message line of the Indonesian Fluent files, with its file name.
fn indonesian_lines() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/id");
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "ftl") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                // Comments are for translators, not users.
                if !line.trim_start().starts_with('#') {
                    lines.push((name.clone(), line.to_owned()));
                }
            }
        }
    }
    assert!(lines.len() > 100, "the Indonesian messages are read");
    lines
}

/// "Analisis" is the KBBI's word; "analisa" is the everyday slip the berita acara does not
/// make, so the screens do not make it either (the SOP's own text, quoted as written, lives in
/// the SOP file, not here).
#[test]
fn indonesian_messages_write_analisis_never_analisa() {
    let slips: Vec<_> = indonesian_lines()
        .into_iter()
        .filter(|(_, line)| line.to_lowercase().contains("analisa"))
        .collect();
    assert!(slips.is_empty(), "{slips:#?}");
}

/// A position is a title: "Operator OPD", as the role list writes it, also where a document
/// prints "Jabatan: ...".
#[test]
fn positions_are_written_as_titles() {
    for (file, line) in indonesian_lines() {
        if let Some((key, value)) = line.split_once(" = ")
            && key.starts_with("position-")
        {
            let first = value.chars().next().unwrap();
            assert!(first.is_uppercase(), "{file}: {line}");
        }
    }
}
