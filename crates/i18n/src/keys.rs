//! Both languages say everything: each Fluent file has the same message keys in Indonesian and
//! English, so no page falls back to a raw key or to the other language. Test-only: it reads the
//! Fluent files from the source tree, which Pelihara itself never does at run time.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is the failure report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The message keys (`key = ...` at the start of a line) of each Fluent file of a language.
fn keys_by_file(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang);
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "ftl") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let keys: BTreeSet<String> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter_map(|line| line.split_once('=').map(|(key, _)| key.trim().to_owned()))
            .collect();
        files.insert(name, keys);
    }
    files
}

#[test]
fn indonesian_and_english_have_the_same_files_and_keys() {
    let indonesian = keys_by_file("id");
    let english = keys_by_file("en");
    assert!(
        indonesian.values().map(BTreeSet::len).sum::<usize>() > 500,
        "the messages are read"
    );
    assert_eq!(
        indonesian.keys().collect::<Vec<_>>(),
        english.keys().collect::<Vec<_>>(),
        "the Fluent files differ between id and en"
    );
    let mut differences = Vec::new();
    for (file, id_keys) in &indonesian {
        let en_keys = &english[file];
        for key in id_keys.difference(en_keys) {
            differences.push(format!("{file}: {key} has no English"));
        }
        for key in en_keys.difference(id_keys) {
            differences.push(format!("{file}: {key} has no Indonesian"));
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
}
