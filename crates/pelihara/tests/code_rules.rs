//! Rules the code keeps, checked by reading it. The SOP files are the only place that knows an
//! SOP: no SOP code, actor id or position code of a shipped SOP is written as a string literal
//! in the web, scheduler, documents or binary crates, outside their tests and the demo. The
//! office is data: no office, government or region a shipped SOP names appears in any crate's
//! code, templates or messages. And time has one source: no crate but the binary reads the
//! system clock except through `pelihara_store::Clock`.

// A failed assertion is the report this test gives.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Crates whose code must not name an SOP.
const CHECKED: &[&str] = &[
    "crates/web",
    "crates/scheduler",
    "crates/documents",
    "crates/pelihara",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every SOP code, actor id and position code of the shipped SOPs (`sop/*.toml`).
fn names_of_shipped_sops() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let folder = workspace().join("sop");
    for entry in std::fs::read_dir(&folder).expect("sop/ exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_none_or(|extension| extension != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable SOP");
        let sop = pelihara_sop::parse_definition(&path.display().to_string(), &text)
            .unwrap_or_else(|errors| panic!("{} does not parse: {errors:?}", path.display()));
        names.insert(sop.header.code.clone());
        for actor in &sop.actors {
            names.insert(actor.id.clone());
            if !actor.position.is_empty() {
                names.insert(actor.position.clone());
            }
        }
    }
    // "opd" names a role and a table as well as Demak's requester actor; the requester's task
    // position is the domain's `OPD_POSITION`, so code never needs the literal for the SOP.
    names.remove("opd");
    names
}

/// Production source files of a crate: `.rs` files and templates, without tests and the demo.
fn production_files(root: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(root).expect("readable folder") {
        let path = entry.expect("readable entry").path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "tests" | "target" | "fixture") {
                production_files(&path, found);
            }
            continue;
        }
        let is_source = name.ends_with(".rs") || name.ends_with(".html") || name.ends_with(".typ");
        let is_test_or_demo = name.ends_with("_tests.rs")
            || matches!(name, "tests.rs" | "testing.rs" | "demo.rs" | "build.rs");
        if is_source && !is_test_or_demo {
            found.push(path);
        }
    }
}

/// The code of a Rust file before its inline `#[cfg(test)] mod ... {` (tests may name the
/// SOP); a `#[cfg(test)] mod tests;` declaration names a file that is skipped by its name.
fn without_test_module(text: &str) -> &str {
    let mut from = 0;
    while let Some(offset) = text[from..].find("#[cfg(test)]") {
        let at = from + offset;
        let rest = text[at + "#[cfg(test)]".len()..].trim_start();
        let line = rest.lines().next().unwrap_or("");
        if line.starts_with("mod ") && line.contains('{') {
            return &text[..at];
        }
        from = at + 1;
    }
    text
}

#[test]
fn no_sop_code_or_position_is_written_in_the_crates_that_run_any_sop() {
    let names = names_of_shipped_sops();
    assert!(names.contains("pemeliharaan-aplikasi-website") && names.contains("kepala_dinas"));
    let root = workspace();
    let mut files = Vec::new();
    for krate in CHECKED {
        production_files(&root.join(krate), &mut files);
    }
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        let code = without_test_module(&text);
        let relative = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for name in &names {
            if code.contains(&format!("\"{name}\"")) {
                found.insert((relative.clone(), name.clone()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "SOP names written in code (put them in the SOP file instead): {found:?}"
    );
}

/// What the shipped SOPs' headers name of a particular office: each government ("Pemerintah
/// Kabupaten Demak"), its region ("Demak"), and the office's own short name where the SOP's
/// number starts with one ("Dinkominfo / 9 / 1 / 23"). Lower case: they are looked for in any
/// case, so "demakkab.go.id" counts too.
fn office_names_of_shipped_sops() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(workspace().join("sop")).expect("sop/ exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_none_or(|extension| extension != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable SOP");
        let sop = pelihara_sop::parse_definition(&path.display().to_string(), &text)
            .unwrap_or_else(|errors| panic!("{} does not parse: {errors:?}", path.display()));
        let government = sop.header.government.trim();
        if !government.is_empty() {
            names.insert(government.to_lowercase());
            let region = government.strip_prefix("Pemerintah ").unwrap_or(government);
            let place = ["Kabupaten ", "Kota ", "Provinsi "]
                .iter()
                .find_map(|kind| region.strip_prefix(kind))
                .unwrap_or(region);
            names.insert(place.trim().to_lowercase());
        }
        let first = sop.header.number.split('/').next().unwrap_or("").trim();
        if first.len() >= 4 && first.chars().all(|c| c.is_alphabetic()) {
            names.insert(first.to_lowercase());
        }
    }
    names
}

/// Every source, template and message file of the workspace's crates, without tests, the demo
/// and test helpers.
fn files_of_every_crate() -> Vec<PathBuf> {
    let root = workspace().join("crates");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&root).expect("crates/ exists") {
        let path = entry.expect("readable entry").path();
        // The browser journeys are tests through and through.
        if path.is_dir() && !path.ends_with("e2e") {
            production_files(&path, &mut files);
            locale_files(&path, &mut files);
        }
    }
    files
}

/// The Fluent message files under a crate (what users read).
fn locale_files(root: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(root).expect("readable folder") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            if !path.ends_with("target") {
                locale_files(&path, found);
            }
        } else if path.extension().is_some_and(|extension| extension == "ftl") {
            found.push(path);
        }
    }
}

/// The lines of a file that are not comments (`//`, `///`, `//!`, Fluent's `#`): comments may
/// say where a rule came from; code, templates and messages may not name the office.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, line)| {
        let line = line.trim_start();
        !(line.starts_with("//") || line.starts_with('#') || line.starts_with("{#"))
    })
}

#[test]
fn no_office_government_or_region_is_named_in_the_crates() {
    let names = office_names_of_shipped_sops();
    assert!(
        names.contains("demak") && names.contains("dinkominfo"),
        "{names:?}"
    );
    let root = workspace();
    let mut found = Vec::new();
    for file in files_of_every_crate() {
        let text = std::fs::read_to_string(&file).expect("readable source");
        let code = without_test_module(&text);
        let relative = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (index, line) in code_lines(code) {
            let lower = line.to_lowercase();
            for name in &names {
                if lower.contains(name.as_str()) {
                    found.push(format!("{relative}:{}: {}", index + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "an office's name written in code (it is data: the SOP header, the letterhead on \
         /admin/kop, the demo): {found:#?}"
    );
}

/// Calls that read the wall clock directly.
const CLOCK_READS: &[&str] = &[
    "Utc::now(",
    "SystemTime::now(",
    "OffsetDateTime::now_utc(",
    "Local::now(",
];

#[test]
fn only_the_one_clock_reads_the_system_time() {
    let root = workspace();
    let clock = root.join("crates/store/src/clock.rs");
    // The binary's commands are the edge where "now" enters (a command runs once, now).
    let binary = root.join("crates/pelihara");
    let mut found = Vec::new();
    for file in files_of_every_crate() {
        if file == clock || file.starts_with(&binary) {
            continue;
        }
        if file.extension().is_none_or(|extension| extension != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (number, line) in code_lines(without_test_module(&text)) {
            if CLOCK_READS.iter().any(|read| line.contains(read)) {
                found.push(format!(
                    "{}:{}: {}",
                    file.strip_prefix(&root).unwrap_or(&file).display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "read the time through pelihara_store::Clock:\n{}",
        found.join("\n")
    );
}
