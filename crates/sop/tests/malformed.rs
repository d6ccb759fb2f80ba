//! The corpus of definition files in tests/malformed/: each malformed file breaks one validation
//! rule of a small, otherwise valid SOP and says in its first line which error the validator
//! must give and where; `valid-*.toml` files must be accepted. Also checks that every error a
//! file can cause has a file in the corpus.

// clippy.toml allows these in `#[test]` functions only; the helpers below are test code too,
// and a panic there is the failure report we want.
#![allow(clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pelihara_i18n::Lang;
use pelihara_sop::{SopError, parse_definition};

/// Message keys of `SopErrorKind` no definition file can cause, with why. Empty: every rule
/// of the validator can be broken by some file, and the corpus shows one that does.
const NOT_FROM_A_FILE: &[(&str, &str)] = &[];

/// The fewest files the corpus may have (issue 14: "at least 30 files").
const MIN_FILES: usize = 30;

/// One error a corpus file announces: `# expect: <message_key> at <line>:<column>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    key: String,
    line: usize,
    column: usize,
}

/// What a file's leading comment promises.
#[derive(Debug)]
enum Promise {
    /// `# expect: valid`: the file is accepted.
    Valid,
    /// One `# expect:` line per error, in the order the parser reports them (by position).
    /// The first names the rule the file is about; a further one is an error that rule cannot
    /// come without (a duplicate step number always leaves a gap in 1..=count, for instance).
    Errors(Vec<Expected>),
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed")
}

/// Every `.toml` file of the corpus, sorted so that failures come in a stable order.
fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/malformed is readable")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// Reads the `# expect:` lines at the top of `text`.
fn promise(name: &str, text: &str) -> Promise {
    let lines: Vec<&str> = text
        .lines()
        .map_while(|line| line.strip_prefix("# expect: "))
        .collect();
    assert!(
        !lines.is_empty(),
        "{name}: the first line must be `# expect: <message_key> at <line>:<column>` or `# expect: valid`"
    );
    if lines == ["valid"] {
        return Promise::Valid;
    }
    let expected = lines
        .iter()
        .map(|line| {
            let (key, position) = line
                .split_once(" at ")
                .unwrap_or_else(|| panic!("{name}: `{line}` lacks ` at <line>:<column>`"));
            let (row, column) = position
                .split_once(':')
                .unwrap_or_else(|| panic!("{name}: `{position}` is not <line>:<column>"));
            Expected {
                key: key.trim().to_owned(),
                line: row.trim().parse().expect("a line number"),
                column: column.trim().parse().expect("a column number"),
            }
        })
        .collect();
    Promise::Errors(expected)
}

/// The message keys `SopErrorKind::message_key` can return, read from its source so that a
/// rule added later is missed by this test until the corpus has a file for it.
fn all_message_keys() -> BTreeSet<String> {
    let source = include_str!("../src/error.rs");
    let start = source
        .find("pub fn message_key")
        .expect("message_key in error.rs");
    let end = start
        + source[start..]
            .find("pub fn describe")
            .expect("describe after message_key");
    source[start..end]
        .split('"')
        .filter(|part| part.starts_with("sop-error-"))
        .map(str::to_owned)
        .collect()
}

/// Checks one error's translations: both exist and say different things.
fn check_messages(name: &str, error: &SopError) {
    let id = error.message(Lang::Id);
    let en = error.message(Lang::En);
    let prefix = format!("{}:{}:{}: ", error.source_name, error.line, error.column);
    assert!(
        id.len() > prefix.len(),
        "{name}: empty Indonesian message: {id:?}"
    );
    assert_ne!(id, en, "{name}: the Indonesian message is the English one");
    for message in [&id, &en] {
        assert!(
            !message.contains("sop-error"),
            "{name}: untranslated message: {message}"
        );
    }
}

#[test]
fn every_corpus_file_gives_exactly_the_error_it_announces() {
    let files = corpus_files();
    let mut failures = Vec::new();
    for path in &files {
        let name = file_name(path);
        let text = std::fs::read_to_string(path).expect("corpus file is UTF-8 text");
        let source_name = format!("tests/malformed/{name}");
        let result = parse_definition(&source_name, &text);
        match (promise(&name, &text), result) {
            (Promise::Valid, Ok(_)) => {}
            (Promise::Valid, Err(errors)) => {
                let messages: Vec<String> =
                    errors.iter().map(|error| error.message(Lang::En)).collect();
                failures.push(format!("{name}: expected valid, got {messages:#?}"));
            }
            (Promise::Errors(_), Ok(_)) => {
                failures.push(format!("{name}: expected errors, the file was accepted"));
            }
            (Promise::Errors(expected), Err(errors)) => {
                let found: Vec<Expected> = errors
                    .iter()
                    .map(|error| Expected {
                        key: error.kind.message_key().to_owned(),
                        line: error.line,
                        column: error.column,
                    })
                    .collect();
                if found != expected {
                    let messages: Vec<String> =
                        errors.iter().map(|error| error.message(Lang::En)).collect();
                    failures.push(format!(
                        "{name}: expected {expected:?}, got {found:?}: {messages:#?}"
                    ));
                }
                for error in &errors {
                    assert_eq!(error.source_name, source_name);
                    check_messages(&name, error);
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_covers_every_rule_a_file_can_break() {
    let files = corpus_files();
    assert!(
        files.len() >= MIN_FILES,
        "the corpus has {} files, at least {MIN_FILES} are wanted",
        files.len()
    );
    assert!(
        files
            .iter()
            .any(|path| file_name(path) == "valid-base.toml"),
        "valid-base.toml, the file the others break, is in the corpus"
    );
    // The rule a file is about is its first `# expect:`.
    let mut covered = BTreeSet::new();
    for path in &files {
        let name = file_name(path);
        let text = std::fs::read_to_string(path).expect("corpus file is UTF-8 text");
        if let Promise::Errors(expected) = promise(&name, &text) {
            covered.insert(expected[0].key.clone());
        }
    }
    let all = all_message_keys();
    assert!(
        all.len() > 60,
        "message keys not found in error.rs: {all:?}"
    );
    let impossible: BTreeSet<String> = NOT_FROM_A_FILE
        .iter()
        .map(|(key, _)| (*key).to_owned())
        .collect();
    let missing: Vec<&String> = all
        .iter()
        .filter(|key| !covered.contains(*key) && !impossible.contains(*key))
        .collect();
    assert!(missing.is_empty(), "no corpus file breaks {missing:?}");
    let unknown: Vec<&String> = covered.iter().filter(|key| !all.contains(*key)).collect();
    assert!(
        unknown.is_empty(),
        "corpus files expect unknown keys {unknown:?}"
    );
    for key in &impossible {
        assert!(
            all.contains(key) && !covered.contains(key),
            "{key} is listed as impossible from a file, yet a corpus file causes it or it is unknown"
        );
    }
}
