//! Parsing and validating SOP definitions through the public API: the shipped Demak file, one
//! malformed file per validation rule (kind, position and the Indonesian message), malformed
//! TOML, and random mutations that must never make the parser panic.

// clippy.toml allows these in `#[test]` functions only; the helpers below are test code too,
// and a panic there is the failure report we want.
#![allow(clippy::expect_used, clippy::panic)]

use pelihara_i18n::Lang;
use pelihara_sop::{SopError, SopErrorKind, StepKind, Target, TimeUnit, parse_definition};
use proptest::prelude::*;

const SHIPPED: &str = include_str!("../../../sop/pemeliharaan-aplikasi-website.toml");
const NAME: &str = "sop/x.toml";

/// The shipped file with the single occurrence of `from` replaced by `to`.
fn edit(from: &str, to: &str) -> String {
    edit_text(SHIPPED, from, to)
}

fn edit_text(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must occur exactly once"
    );
    text.replacen(from, to, 1)
}

/// The shipped file with `from` replaced by `to` inside the `[[steps]]` table of step `no`.
fn edit_step(no: u32, from: &str, to: &str) -> String {
    let start = SHIPPED.find(&step_header(no)).expect("step exists");
    let end = SHIPPED[start + 1..]
        .find("\n[")
        .map_or(SHIPPED.len(), |offset| start + 1 + offset);
    let block = edit_text(&SHIPPED[start..end], from, to);
    format!("{}{}{}", &SHIPPED[..start], block, &SHIPPED[end..])
}

fn step_header(no: u32) -> String {
    format!("[[steps]]\nno = {no}\n")
}

/// 1-based line and column (in characters) where the only occurrence of `marker` starts,
/// counted here independently of the crate's own position code.
fn at(text: &str, marker: &str) -> (usize, usize) {
    assert_eq!(
        text.matches(marker).count(),
        1,
        "{marker:?} must occur exactly once"
    );
    at_offset(text, text.find(marker).expect("marker present"))
}

fn at_offset(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// Where `marker` starts inside the table of step `no`.
fn at_in_step(text: &str, no: u32, marker: &str) -> (usize, usize) {
    let start = text.find(&step_header(no)).expect("step exists");
    let offset = text[start..].find(marker).expect("marker in step");
    at_offset(text, start + offset)
}

fn errors(text: &str) -> Vec<SopError> {
    match parse_definition(NAME, text) {
        Ok(_) => panic!("expected errors, the definition was accepted"),
        Err(errors) => {
            for error in &errors {
                // Every message exists in both languages (a missing one renders as its key).
                for lang in [Lang::Id, Lang::En] {
                    let message = error.message(lang);
                    assert!(!message.contains("sop-error"), "untranslated: {message}");
                }
            }
            errors
        }
    }
}

/// The only error of `text` whose kind matches `wanted`.
fn the_error(text: &str, wanted: impl Fn(&SopErrorKind) -> bool) -> SopError {
    let all = errors(text);
    let matching: Vec<&SopError> = all.iter().filter(|error| wanted(&error.kind)).collect();
    assert_eq!(matching.len(), 1, "expected one matching error in {all:#?}");
    matching[0].clone()
}

fn assert_error(
    error: &SopError,
    kind: SopErrorKind,
    (line, column): (usize, usize),
    step: Option<u32>,
    message: &str,
) {
    assert_eq!(error.kind, kind);
    assert_eq!(
        (error.line, error.column),
        (line, column),
        "position of {kind:?}"
    );
    assert_eq!(error.step, step);
    assert_eq!(error.message(Lang::Id), message);
    assert_eq!(error.source_name, NAME);
}

const ACTORS: &str =
    "opd, pelaksana, subkoor_spa, kabid_aptika, sekretaris, kepala_dinas, tim_jaringan";

fn actor_ids() -> Vec<String> {
    ACTORS.split(", ").map(str::to_owned).collect()
}

fn step_numbers() -> Vec<u32> {
    (1..=10).collect()
}

#[test]
fn the_shipped_definition_is_valid() {
    let definition = parse_definition(NAME, SHIPPED).expect("shipped file is valid");
    assert_eq!(definition.steps.len(), 10);
    let numbers: Vec<u32> = definition.steps.iter().map(|step| step.no).collect();
    assert_eq!(numbers, step_numbers());
    let columns: Vec<&str> = definition
        .columns()
        .map(|actor| actor.name.as_str())
        .collect();
    assert_eq!(
        columns,
        [
            "OPD",
            "Pelaksana / Pranata",
            "Sub Koor SPA",
            "Kabid Aptika",
            "Sekretaris",
            "Kepala Dinas"
        ]
    );
    assert_eq!(
        definition.actors.last().map(|actor| actor.id.as_str()),
        Some("tim_jaringan")
    );
    let totals = definition.total_time();
    assert_eq!((totals.minutes, totals.hours), (105, 0));
    assert_eq!((totals.working_days, totals.calendar_days), (34, 0));
    assert_eq!(definition.start_step().no, 1);
    assert_eq!(definition.header.version, 1);
    assert_eq!(definition.header.approver.nip, "19680903 199302 2 001");
    assert_eq!(definition.layout.page_breaks, [7]);
    assert_eq!(definition.errata.len(), 3);
    assert_eq!(definition.settings.disposition_instructions.len(), 8);
}

#[test]
fn decisions_default_to_the_first_actor() {
    let definition = parse_definition(NAME, SHIPPED).expect("valid");
    let step6 = definition
        .step(6)
        .and_then(|step| step.decision.clone())
        .expect("decision");
    assert_eq!(step6.decided_by, "subkoor_spa");
    assert_eq!(step6.if_no, Target::Reject);
    let step9 = definition
        .step(9)
        .and_then(|step| step.decision.clone())
        .expect("decision");
    assert_eq!(step9.decided_by, "opd");
    assert_eq!(step9.if_no, Target::Step(7));
    assert_eq!(
        definition.step(10).map(|step| step.kind),
        Some(StepKind::End)
    );
}

const MINIMAL: &str = r#"format = 1
[header]
code = "contoh"
version = 1
number = "1"
title = "Contoh"
office = "Dinas"

[[actors]]
id = "a"
name = "A"
position = "a"

[[actors]]
id = "b"
name = "B"
position = "b"
column = false

[[steps]]
no = 1
kind = "start"
form = "submit"
actors = ["a", "b"]
activity = "Mulai"
time = { value = 1, unit = "hours" }
next = 2

[[steps]]
no = 2
kind = "end"
form = "none"
actors = ["a"]
activity = "Selesai"
"#;

#[test]
fn settings_layout_and_flags_have_defaults() {
    let definition = parse_definition(NAME, MINIMAL).expect("minimal file is valid");
    let settings = &definition.settings;
    assert_eq!(settings.days, pelihara_sop::DayCount::Working);
    assert_eq!(settings.time_zone, "Asia/Jakarta");
    assert_eq!(settings.maintenance_interval_months, 12);
    assert_eq!(settings.due_soon_percent, 25);
    assert!(settings.opd_may_withdraw);
    assert!(settings.disposition_instructions.is_empty());
    assert!(definition.layout.page_breaks.is_empty());
    assert!(definition.actors[0].column);
    assert!(!definition.actors[1].column);
    let step = &definition.steps[0];
    assert!(!step.may_return && !step.may_reject && !step.may_skip);
    assert_eq!(
        step.time.as_ref().map(|time| time.as_written.clone()),
        Some(None)
    );
    assert_eq!(definition.total_time().hours, 1);
}

#[test]
fn all_errors_are_collected_in_order() {
    let text = edit_step(7, "unit = \"days\"", "unit = \"bulan\"");
    let text = edit_text(&text, "due_soon_percent = 25", "due_soon_percent = 101");
    let text = edit_text(
        &text,
        "reports_to = \"kepala_dinas\"",
        "reports_to = \"kadis\"",
    );
    let found = errors(&text);
    let kinds: Vec<&str> = found.iter().map(|error| error.kind.message_key()).collect();
    assert_eq!(
        kinds,
        [
            "sop-error-due-soon-percent",
            "sop-error-unknown-reports-to",
            "sop-error-unknown-time-unit"
        ]
    );
}

#[test]
fn rule_unsupported_format() {
    let text = edit("format = 1", "format = 2");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnsupportedFormat { .. })
    });
    assert_error(
        &error,
        SopErrorKind::UnsupportedFormat {
            found: 2,
            supported: 1,
        },
        (9, 10),
        None,
        "sop/x.toml:9:10: format 2 tidak didukung; tulis format = 1",
    );
}

#[test]
fn rule_required_header_fields() {
    for (field, line) in [
        ("code", "code = \"pemeliharaan-aplikasi-website\""),
        ("number", "number = \"Dinkominfo / 9 / 1 / 23\""),
        ("title", "title = \"Pemeliharaan Aplikasi/Website\""),
        ("office", "office = \"Dinas Komunikasi dan Informatika\""),
    ] {
        let empty = format!("{field} = \"  \"");
        let text = edit(line, &empty);
        let error = the_error(&text, |kind| {
            matches!(kind, SopErrorKind::EmptyHeaderField { .. })
        });
        let (row, column) = at(&text, &empty);
        let position = (row, column + field.len() + 3);
        let message = format!(
            "sop/x.toml:{}:{}: header.{field} kosong atau tidak ada; isi dengan nilai seperti pada dokumen SOP",
            position.0, position.1
        );
        assert_error(
            &error,
            SopErrorKind::EmptyHeaderField { field },
            position,
            None,
            &message,
        );

        // A missing field points at its table.
        let text = edit(&format!("{line}\n"), "");
        let error = the_error(&text, |kind| {
            matches!(kind, SopErrorKind::EmptyHeaderField { .. })
        });
        assert_eq!((error.line, error.column), at(&text, "[header]\n"));
    }
}

#[test]
fn rule_version_at_least_one() {
    let text = edit("version = 1", "version = 0");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::InvalidVersion { .. })
    });
    let (line, column) = at(&text, "version = 0");
    assert_error(
        &error,
        SopErrorKind::InvalidVersion { found: 0 },
        (line, column + 10),
        None,
        &format!(
            "sop/x.toml:{line}:11: header.version 0 tidak sah; tulis nomor versi mulai dari 1"
        ),
    );
}

#[test]
fn rule_empty_actor_field() {
    let text = edit("name = \"Sekretaris\"", "name = \"\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::EmptyActorField { .. })
    });
    let (line, _) = at(&text, "name = \"\"");
    assert_error(
        &error,
        SopErrorKind::EmptyActorField { field: "name" },
        (line, 8),
        None,
        &format!("sop/x.toml:{line}:8: name aktor kosong; isi name setiap [[actors]]"),
    );
}

#[test]
fn rule_duplicate_actor() {
    let text = edit("id = \"tim_jaringan\"", "id = \"opd\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::DuplicateActor { .. })
    });
    let first_line = at(&text, "id = \"opd\"\nname = \"OPD\"").0;
    let (line, _) = at(&text, "id = \"opd\"\nname = \"Tim Jaringan\"");
    assert_error(
        &error,
        SopErrorKind::DuplicateActor {
            id: "opd".into(),
            first_line,
        },
        (line, 6),
        None,
        &format!(
            "sop/x.toml:{line}:6: aktor \"opd\" sudah didefinisikan pada baris {first_line}; gunakan id yang unik untuk setiap aktor"
        ),
    );
}

#[test]
fn rule_unknown_reports_to() {
    let text = edit("reports_to = \"kepala_dinas\"", "reports_to = \"kadis\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownReportsTo { .. })
    });
    let (line, _) = at(&text, "reports_to = \"kadis\"");
    assert_error(
        &error,
        SopErrorKind::UnknownReportsTo {
            actor: "sekretaris".into(),
            reports_to: "kadis".into(),
            known: actor_ids(),
        },
        (line, 14),
        None,
        &format!(
            "sop/x.toml:{line}:14: aktor \"sekretaris\" melapor ke \"kadis\" yang tidak dikenal; gunakan salah satu dari: {ACTORS}"
        ),
    );
}

#[test]
fn rule_reports_to_cycle() {
    let text = edit(
        "position = \"kepala_dinas\"\n",
        "position = \"kepala_dinas\"\nreports_to = \"pelaksana\"\n",
    );
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::ReportsToCycle { .. })
    });
    let (line, _) = at(&text, "reports_to = \"subkoor_spa\"");
    let cycle =
        "pelaksana -> subkoor_spa -> kabid_aptika -> sekretaris -> kepala_dinas -> pelaksana";
    assert_error(
        &error,
        SopErrorKind::ReportsToCycle {
            cycle: cycle.split(" -> ").map(str::to_owned).collect(),
        },
        (line, 14),
        None,
        &format!(
            "sop/x.toml:{line}:14: rantai reports_to berputar: {cycle}; putuskan lingkaran agar eskalasi berakhir pada satu pimpinan"
        ),
    );
}

#[test]
fn rule_self_report_is_a_cycle() {
    let text = edit(
        "reports_to = \"kepala_dinas\"",
        "reports_to = \"sekretaris\"",
    );
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::ReportsToCycle { .. })
    });
    assert_eq!(
        error.kind,
        SopErrorKind::ReportsToCycle {
            cycle: vec!["sekretaris".into(), "sekretaris".into()]
        }
    );
}

#[test]
fn rule_duplicate_step() {
    let text = edit_step(10, "no = 10", "no = 9");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::DuplicateStep { .. })
    });
    let first_line = at(&text, "[[steps]]\nno = 9\nkind = \"decision\"").0 + 1;
    let (line, _) = at(&text, "no = 9\nkind = \"end\"");
    assert_error(
        &error,
        SopErrorKind::DuplicateStep { no: 9, first_line },
        (line, 6),
        Some(9),
        &format!(
            "sop/x.toml:{line}:6: langkah 9: nomor langkah 9 sudah dipakai pada baris {first_line}; beri setiap langkah nomor yang unik"
        ),
    );
}

#[test]
fn rule_step_numbers_consecutive() {
    let text = edit_step(10, "no = 10", "no = 11");
    let text = edit_text(&text, "next = 10", "next = 11");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::MissingStepNumber { .. })
    });
    let (line, _) = at(&text, "no = 11");
    assert_error(
        &error,
        SopErrorKind::MissingStepNumber {
            missing: 10,
            count: 10,
        },
        (line, 6),
        Some(11),
        &format!(
            "sop/x.toml:{line}:6: langkah 11: nomor langkah tidak berurutan, langkah 10 tidak ada; nomori langkah 1 sampai 10 tanpa lompatan"
        ),
    );
}

#[test]
fn rule_empty_activity() {
    let text = edit_step(10, "activity = \"Selesai\"", "activity = \"\"");
    let error = the_error(&text, |kind| *kind == SopErrorKind::EmptyActivity);
    let (line, _) = at(&text, "activity = \"\"");
    assert_error(
        &error,
        SopErrorKind::EmptyActivity,
        (line, 12),
        Some(10),
        &format!(
            "sop/x.toml:{line}:12: langkah 10: kegiatan (activity) kosong; tuliskan kegiatan langkah ini seperti pada dokumen SOP"
        ),
    );
    // A missing activity points at the step's table.
    let text = edit_step(10, "activity = \"Selesai\"\n", "");
    let error = the_error(&text, |kind| *kind == SopErrorKind::EmptyActivity);
    assert_eq!((error.line, error.column), at(&text, &step_header(10)));
}

#[test]
fn rule_step_without_actors() {
    let text = edit_step(10, "actors = [\"opd\"]", "actors = []");
    let error = the_error(&text, |kind| *kind == SopErrorKind::NoActors);
    let (line, _) = at(&text, "actors = []");
    assert_error(
        &error,
        SopErrorKind::NoActors,
        (line, 10),
        Some(10),
        &format!(
            "sop/x.toml:{line}:10: langkah 10: langkah tanpa pelaksana; isi actors dengan minimal satu aktor"
        ),
    );
    let text = edit_step(10, "actors = [\"opd\"]\n", "");
    let error = the_error(&text, |kind| *kind == SopErrorKind::NoActors);
    assert_eq!((error.line, error.column), at(&text, &step_header(10)));
}

#[test]
fn rule_unknown_actor_in_step() {
    let text = edit_step(
        6,
        "[\"subkoor_spa\", \"pelaksana\"]",
        "[\"subkor\", \"pelaksana\"]",
    );
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownActor { .. })
    });
    let (line, _) = at(&text, "\"subkor\"");
    assert_error(
        &error,
        SopErrorKind::UnknownActor {
            actor: "subkor".into(),
            known: actor_ids(),
        },
        (line, 11),
        Some(6),
        &format!(
            "sop/x.toml:{line}:11: langkah 6: aktor \"subkor\" tidak dikenal; gunakan salah satu dari: {ACTORS}"
        ),
    );
}

#[test]
fn rule_first_actor_needs_a_column() {
    let text = edit_step(
        8,
        "[\"pelaksana\", \"tim_jaringan\"]",
        "[\"tim_jaringan\", \"pelaksana\"]",
    );
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::FirstActorNotColumn { .. })
    });
    let (line, _) = at(&text, "[\"tim_jaringan\"");
    assert_error(
        &error,
        SopErrorKind::FirstActorNotColumn {
            actor: "tim_jaringan".into(),
        },
        (line, 11),
        Some(8),
        &format!(
            "sop/x.toml:{line}:11: langkah 8: aktor pertama \"tim_jaringan\" tidak memiliki kolom (column = false), padahal bagan alir menggambar langkah di kolom aktor pertama; letakkan aktor yang memiliki kolom di urutan pertama"
        ),
    );
}

#[test]
fn rule_no_start_step() {
    let text = edit_step(1, "kind = \"start\"", "kind = \"activity\"");
    let error = the_error(&text, |kind| *kind == SopErrorKind::NoStartStep);
    let (line, column) = at(&text, &step_header(1));
    assert_error(
        &error,
        SopErrorKind::NoStartStep,
        (line, column),
        None,
        &format!(
            "sop/x.toml:{line}:1: tidak ada langkah awal; tandai tepat satu langkah dengan kind = \"start\""
        ),
    );
}

#[test]
fn rule_more_than_one_start_step() {
    let text = edit_step(2, "kind = \"activity\"", "kind = \"start\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::ExtraStartStep { .. })
    });
    let (line, _) = at_in_step(&text, 2, "kind");
    assert_error(
        &error,
        SopErrorKind::ExtraStartStep { first: 1 },
        (line, 8),
        Some(2),
        &format!(
            "sop/x.toml:{line}:8: langkah 2: langkah awal lebih dari satu (langkah 1 sudah langkah awal); tandai tepat satu langkah dengan kind = \"start\""
        ),
    );
}

#[test]
fn rule_no_end_step() {
    let text = edit_step(10, "kind = \"end\"", "kind = \"activity\"");
    let error = the_error(&text, |kind| *kind == SopErrorKind::NoEndStep);
    let (line, _) = at(&text, &step_header(10));
    assert_error(
        &error,
        SopErrorKind::NoEndStep,
        (line, 1),
        None,
        &format!(
            "sop/x.toml:{line}:1: tidak ada langkah akhir; tandai minimal satu langkah dengan kind = \"end\""
        ),
    );
}

#[test]
fn rule_end_step_without_next() {
    let text = edit_step(
        10,
        "activity = \"Selesai\"\n",
        "activity = \"Selesai\"\nnext = 1\n",
    );
    let error = the_error(&text, |kind| *kind == SopErrorKind::EndStepWithNext);
    let (line, _) = at(&text, "next = 1\n");
    assert_error(
        &error,
        SopErrorKind::EndStepWithNext,
        (line, 8),
        Some(10),
        &format!(
            "sop/x.toml:{line}:8: langkah 10: langkah akhir tidak boleh memiliki next; hapus next atau ubah kind"
        ),
    );
}

#[test]
fn rule_other_steps_need_next() {
    let text = edit_step(7, "next = 8\n", "");
    let error = the_error(&text, |kind| *kind == SopErrorKind::MissingNext);
    let (line, _) = at(&text, &step_header(7));
    assert_error(
        &error,
        SopErrorKind::MissingNext,
        (line, 1),
        Some(7),
        &format!(
            "sop/x.toml:{line}:1: langkah 7: next tidak diisi; tulis nomor langkah berikutnya, atau ubah kind menjadi \"end\""
        ),
    );
    // A broken flow is not also reported as unreachable steps.
    assert!(
        !errors(&text)
            .iter()
            .any(|error| error.kind == SopErrorKind::Unreachable)
    );
}

#[test]
fn rule_next_points_to_an_existing_step() {
    let text = edit_step(7, "next = 8", "next = 12");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownNext { .. })
    });
    let (line, _) = at(&text, "next = 12");
    assert_error(
        &error,
        SopErrorKind::UnknownNext {
            target: 12,
            known: step_numbers(),
        },
        (line, 8),
        Some(7),
        &format!(
            "sop/x.toml:{line}:8: langkah 7: next menunjuk ke langkah 12 yang tidak ada; gunakan nomor langkah yang ada: 1-10"
        ),
    );
}

#[test]
fn rule_if_no_points_to_an_existing_step() {
    let text = edit_step(9, "if_no = 7", "if_no = 17");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownIfNo { .. })
    });
    let (line, column) = at(&text, "17");
    assert_error(
        &error,
        SopErrorKind::UnknownIfNo {
            target: 17,
            known: step_numbers(),
        },
        (line, column),
        Some(9),
        &format!(
            "sop/x.toml:{line}:{column}: langkah 9: if_no menunjuk ke langkah 17 yang tidak ada; gunakan nomor langkah yang ada (1-10) atau \"reject\""
        ),
    );

    let text = edit_step(6, "if_no = \"reject\"", "if_no = \"tolak\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownIfNoWord { .. })
    });
    let (line, column) = at(&text, "\"tolak\"");
    assert_error(
        &error,
        SopErrorKind::UnknownIfNoWord {
            found: "tolak".into(),
        },
        (line, column),
        Some(6),
        &format!(
            "sop/x.toml:{line}:{column}: langkah 6: if_no \"tolak\" tidak dikenal; tulis nomor langkah, \"reject\" atau \"return\""
        ),
    );
}

#[test]
fn rule_decision_step_needs_decision() {
    let text = edit_step(
        6,
        "decision = { question = \"Aplikasi/Website dapat dipelihara?\", if_no = \"reject\" }\n",
        "",
    );
    let error = the_error(&text, |kind| *kind == SopErrorKind::MissingDecision);
    let (line, _) = at_in_step(&text, 6, "kind");
    assert_error(
        &error,
        SopErrorKind::MissingDecision,
        (line, 8),
        Some(6),
        &format!(
            "sop/x.toml:{line}:8: langkah 6: langkah keputusan tanpa decision; tambahkan decision dengan question dan if_no"
        ),
    );
}

#[test]
fn rule_decision_only_on_decision_steps() {
    let text = edit_step(
        7,
        "next = 8\n",
        "next = 8\ndecision = { question = \"Selesai?\", if_no = 7 }\n",
    );
    let error = the_error(&text, |kind| *kind == SopErrorKind::UnexpectedDecision);
    let (line, _) = at(&text, "{ question = \"Selesai?\"");
    assert_error(
        &error,
        SopErrorKind::UnexpectedDecision,
        (line, 12),
        Some(7),
        &format!(
            "sop/x.toml:{line}:12: langkah 7: decision hanya untuk langkah dengan kind = \"decision\"; hapus decision atau ubah kind"
        ),
    );
}

#[test]
fn rule_empty_question() {
    let text = edit_step(
        9,
        "question = \"Hasil pemeliharaan diterima OPD?\"",
        "question = \" \"",
    );
    let error = the_error(&text, |kind| *kind == SopErrorKind::EmptyQuestion);
    let (line, column) = at(&text, "\" \"");
    assert_error(
        &error,
        SopErrorKind::EmptyQuestion,
        (line, column),
        Some(9),
        &format!(
            "sop/x.toml:{line}:{column}: langkah 9: pertanyaan keputusan (question) kosong; tuliskan pertanyaan yang dijawab ya atau tidak"
        ),
    );
}

#[test]
fn rule_decided_by_known_actor() {
    let text = edit_step(9, "decided_by = \"opd\"", "decided_by = \"pemohon\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownDecider { .. })
    });
    let (line, column) = at(&text, "\"pemohon\"");
    assert_error(
        &error,
        SopErrorKind::UnknownDecider {
            actor: "pemohon".into(),
            known: actor_ids(),
        },
        (line, column),
        Some(9),
        &format!(
            "sop/x.toml:{line}:{column}: langkah 9: decided_by \"pemohon\" tidak dikenal; gunakan salah satu dari: {ACTORS}"
        ),
    );
}

#[test]
fn rule_time_required_except_on_end_steps() {
    let text = edit_step(
        7,
        "time = { value = 30, unit = \"days\", as_written = \"30 hari\" }\n",
        "",
    );
    let error = the_error(&text, |kind| *kind == SopErrorKind::MissingTime);
    let (line, _) = at(&text, &step_header(7));
    assert_error(
        &error,
        SopErrorKind::MissingTime,
        (line, 1),
        Some(7),
        &format!(
            "sop/x.toml:{line}:1: langkah 7: waktu (time) tidak diisi; tambahkan mutu baku waktu dengan value dan unit"
        ),
    );
}

#[test]
fn rule_known_time_unit() {
    let text = edit_step(7, "unit = \"days\"", "unit = \"bulan\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownTimeUnit { .. })
    });
    let (line, column) = at(&text, "\"bulan\"");
    assert_error(
        &error,
        SopErrorKind::UnknownTimeUnit {
            found: "bulan".into(),
            allowed: vec![
                "minutes",
                "hours",
                "days",
                "working_days",
                "calendar_days",
                "menit",
                "jam",
                "hari",
                "hari kerja",
            ],
        },
        (line, column),
        Some(7),
        &format!(
            "sop/x.toml:{line}:{column}: langkah 7: satuan waktu \"bulan\" tidak dikenal; gunakan salah satu dari: minutes, hours, days, working_days, calendar_days, menit, jam, hari, hari kerja"
        ),
    );
}

/// The Mutu Baku column as the documents write it reads as the same units as the file-format
/// names: "hari" follows `[settings] days`, "hari kerja" is always working days.
#[test]
fn indonesian_time_units_are_accepted() {
    let mut text = SHIPPED.to_owned();
    for (no, from, to) in [
        (2, "unit = \"minutes\"", "unit = \"menit\""),
        (3, "unit = \"minutes\"", "unit = \"jam\""),
        (6, "unit = \"days\"", "unit = \"hari\""),
        (7, "unit = \"days\"", "unit = \"hari kerja\""),
    ] {
        let start = text.find(&step_header(no)).expect("step exists");
        let offset = text[start..].find(from).expect("unit in step");
        text.replace_range(start + offset..start + offset + from.len(), to);
    }
    let definition = parse_definition(NAME, &text).expect("Indonesian units are valid");
    let unit = |no: u32| {
        definition
            .step(no)
            .and_then(|step| step.time.as_ref())
            .map(|time| time.unit)
    };
    assert_eq!(unit(2), Some(TimeUnit::Minutes));
    assert_eq!(unit(3), Some(TimeUnit::Hours));
    assert_eq!(unit(6), Some(TimeUnit::Days));
    assert_eq!(unit(7), Some(TimeUnit::WorkingDays));
    // Nothing else moved: the rest of the file reads exactly as the shipped one.
    let shipped = parse_definition(NAME, SHIPPED).expect("shipped file is valid");
    assert_eq!(
        shipped
            .step(3)
            .and_then(|step| step.time.as_ref())
            .map(|time| time.unit),
        Some(TimeUnit::Minutes)
    );
    assert_eq!(definition.steps.len(), shipped.steps.len());
}

#[test]
fn indonesian_units_are_whole_words() {
    for written in ["Menit", "harikerja", "hari  kerja", "jam "] {
        let text = edit_step(7, "unit = \"days\"", &format!("unit = {written:?}"));
        let error = the_error(&text, |kind| {
            matches!(kind, SopErrorKind::UnknownTimeUnit { .. })
        });
        assert_eq!(error.step, Some(7), "{written:?}");
    }
}

/// The "Keterangan" column: kept as written per step, absent when left out or blank.
#[test]
fn remarks_are_kept_per_step() {
    let text = edit_step(
        4,
        "next = 5\n",
        "next = 5\nremarks = \"Dikembalikan ke OPD bila berkas belum lengkap\"\n",
    );
    let text = edit_text(&text, "no = 5\nkind", "no = 5\nremarks = \"  \"\nkind");
    let definition = parse_definition(NAME, &text).expect("remarks are valid");
    let remarks = |no: u32| definition.step(no).and_then(|step| step.remarks.clone());
    assert_eq!(
        remarks(4).as_deref(),
        Some("Dikembalikan ke OPD bila berkas belum lengkap")
    );
    assert_eq!(remarks(5), None, "a blank Keterangan is none");
    assert_eq!(remarks(6), None, "a step without remarks has none");
}

#[test]
fn remarks_must_be_text() {
    let text = edit_step(4, "next = 5\n", "next = 5\nremarks = 3\n");
    assert!(parse_definition(NAME, &text).is_err());
}

#[test]
fn rule_time_not_zero() {
    let text = edit_step(7, "value = 30", "value = 0");
    let error = the_error(&text, |kind| *kind == SopErrorKind::ZeroTime);
    let (line, column) = at(&text, "value = 0");
    assert_error(
        &error,
        SopErrorKind::ZeroTime,
        (line, column + 8),
        Some(7),
        &format!(
            "sop/x.toml:{line}:{}: langkah 7: waktu bernilai 0; tulis mutu baku waktu lebih dari 0",
            column + 8
        ),
    );
}

#[test]
fn rule_known_kind() {
    let text = edit_step(7, "kind = \"activity\"", "kind = \"aktivitas\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownKind { .. })
    });
    let (line, _) = at(&text, "\"aktivitas\"");
    assert_error(
        &error,
        SopErrorKind::UnknownKind {
            found: "aktivitas".into(),
            allowed: vec!["start", "activity", "decision", "end"],
        },
        (line, 8),
        Some(7),
        &format!(
            "sop/x.toml:{line}:8: langkah 7: jenis langkah \"aktivitas\" tidak dikenal; gunakan salah satu dari: start, activity, decision, end"
        ),
    );
}

#[test]
fn rule_known_form() {
    let text = edit_step(7, "form = \"maintenance\"", "form = \"pemeliharaan\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownForm { .. })
    });
    let (line, _) = at(&text, "\"pemeliharaan\"");
    assert_error(
        &error,
        SopErrorKind::UnknownForm {
            found: "pemeliharaan".into(),
            allowed: vec![
                "submit",
                "register",
                "dispose",
                "analysis",
                "maintenance",
                "hosting",
                "handover",
                "record",
                "decision",
                "paraf",
                "none",
            ],
        },
        (line, 8),
        Some(7),
        &format!(
            "sop/x.toml:{line}:8: langkah 7: form \"pemeliharaan\" tidak dikenal; gunakan salah satu dari: submit, register, dispose, analysis, maintenance, hosting, handover, record, decision, paraf, none"
        ),
    );
}

#[test]
fn rule_every_step_reachable_from_the_start() {
    let text = edit_step(7, "next = 8", "next = 9");
    let error = the_error(&text, |kind| *kind == SopErrorKind::Unreachable);
    let (line, _) = at(&text, &step_header(8));
    assert_error(
        &error,
        SopErrorKind::Unreachable,
        (line, 1),
        Some(8),
        &format!(
            "sop/x.toml:{line}:1: langkah 8: langkah ini tidak dapat dicapai dari langkah awal; hubungkan dengan next atau if_no dari langkah lain, atau hapus langkah ini"
        ),
    );
}

#[test]
fn rule_end_reachable_from_every_step() {
    // 7 -> 8 -> 7 for ever; steps 1-6 can still end, by the rejection at step 6.
    let text = edit_step(8, "next = 9", "next = 7");
    let found = errors(&text);
    let stuck: Vec<(Option<u32>, usize, usize)> = found
        .iter()
        .filter(|error| error.kind == SopErrorKind::EndUnreachable)
        .map(|error| (error.step, error.line, error.column))
        .collect();
    let (line7, _) = at_in_step(&text, 7, "next = 8");
    let (line8, _) = at_in_step(&text, 8, "next = 7");
    assert_eq!(stuck, [(Some(7), line7, 8), (Some(8), line8, 8)]);
    assert_eq!(
        found
            .iter()
            .find(|error| error.step == Some(7))
            .map(|error| error.message(Lang::Id)),
        Some(format!(
            "sop/x.toml:{line7}:8: langkah 7: dari langkah ini langkah akhir tidak dapat dicapai, sehingga permohonan dapat tertahan selamanya; periksa next dan if_no agar alur berakhir"
        ))
    );
    // Step 9 is now out of the flow too.
    assert!(
        found
            .iter()
            .any(|error| error.kind == SopErrorKind::Unreachable && error.step == Some(9))
    );
}

#[test]
fn rule_start_step_cannot_return_or_reject() {
    for flag in ["may_return", "may_reject"] {
        let text = edit_step(1, "next = 2\n", &format!("next = 2\n{flag} = true\n"));
        let error = the_error(&text, |kind| {
            matches!(kind, SopErrorKind::StartStepFlag { .. })
        });
        let (line, column) = at_in_step(&text, 1, &format!("{flag} = true"));
        let column = column + flag.len() + 3;
        let expected = if flag == "may_return" {
            SopErrorKind::StartStepFlag { flag: "may_return" }
        } else {
            SopErrorKind::StartStepFlag { flag: "may_reject" }
        };
        assert_error(
            &error,
            expected,
            (line, column),
            Some(1),
            &format!(
                "sop/x.toml:{line}:{column}: langkah 1: {flag} tidak berlaku pada langkah awal (belum ada permohonan yang dapat dikembalikan atau ditolak); hapus {flag} dari langkah ini"
            ),
        );
    }
}

#[test]
fn rule_page_breaks_name_existing_steps() {
    let text = edit("page_breaks = [7]", "page_breaks = [11]");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownPageBreak { .. })
    });
    let (line, _) = at(&text, "page_breaks = [11]");
    assert_error(
        &error,
        SopErrorKind::UnknownPageBreak {
            step: 11,
            known: step_numbers(),
        },
        (line, 16),
        None,
        &format!(
            "sop/x.toml:{line}:16: layout.page_breaks menyebut langkah 11 yang tidak ada; gunakan nomor langkah yang ada: 1-10"
        ),
    );
}

#[test]
fn rule_errata_name_existing_steps() {
    let text = edit("step = 9\n", "step = 19\n");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownErratumStep { .. })
    });
    let (line, _) = at(&text, "step = 19");
    assert_error(
        &error,
        SopErrorKind::UnknownErratumStep {
            step: 19,
            known: step_numbers(),
        },
        (line, 8),
        None,
        &format!(
            "sop/x.toml:{line}:8: errata menyebut langkah 19 yang tidak ada; gunakan nomor langkah yang ada: 1-10"
        ),
    );
}

#[test]
fn rule_errata_name_known_fields() {
    let text = edit("field = \"time\"", "field = \"waktu\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownErratumField { .. })
    });
    let (line, _) = at(&text, "field = \"waktu\"");
    assert_error(
        &error,
        SopErrorKind::UnknownErratumField {
            found: "waktu".into(),
            allowed: vec![
                "activity",
                "actors",
                "requirements",
                "time",
                "outputs",
                "decision",
            ],
        },
        (line, 9),
        Some(1),
        &format!(
            "sop/x.toml:{line}:9: langkah 1: errata field \"waktu\" tidak dikenal; gunakan salah satu dari: activity, actors, requirements, time, outputs, decision"
        ),
    );
}

#[test]
fn rule_known_time_zone() {
    let text = edit(
        "time_zone = \"Asia/Jakarta\"",
        "time_zone = \"Asia/Jakrta\"",
    );
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownTimeZone { .. })
    });
    let (line, _) = at(&text, "\"Asia/Jakrta\"");
    assert_error(
        &error,
        SopErrorKind::UnknownTimeZone {
            found: "Asia/Jakrta".into(),
        },
        (line, 13),
        None,
        &format!(
            "sop/x.toml:{line}:13: zona waktu \"Asia/Jakrta\" tidak dikenal; gunakan nama IANA seperti Asia/Jakarta, Asia/Makassar atau Asia/Jayapura"
        ),
    );
}

#[test]
fn rule_known_day_count() {
    let text = edit("days = \"working\"", "days = \"kerja\"");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownDayCount { .. })
    });
    let (line, _) = at(&text, "\"kerja\"");
    assert_error(
        &error,
        SopErrorKind::UnknownDayCount {
            found: "kerja".into(),
            allowed: vec!["working", "calendar"],
        },
        (line, 8),
        None,
        &format!(
            "sop/x.toml:{line}:8: settings.days \"kerja\" tidak dikenal; gunakan salah satu dari: working, calendar"
        ),
    );
}

#[test]
fn rule_due_soon_percent_at_most_100() {
    let text = edit("due_soon_percent = 25", "due_soon_percent = 120");
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::DueSoonPercentTooHigh { .. })
    });
    let (line, _) = at(&text, "due_soon_percent = 120");
    assert_error(
        &error,
        SopErrorKind::DueSoonPercentTooHigh { found: 120 },
        (line, 20),
        None,
        &format!(
            "sop/x.toml:{line}:20: settings.due_soon_percent 120 lebih dari 100; gunakan nilai 0 sampai 100"
        ),
    );
    // 100 itself is allowed.
    assert!(
        parse_definition(
            NAME,
            &edit("due_soon_percent = 25", "due_soon_percent = 100")
        )
        .is_ok()
    );
}

#[test]
fn rule_maintenance_interval_not_zero() {
    let text = edit(
        "maintenance_interval_months = 12",
        "maintenance_interval_months = 0",
    );
    let error = the_error(&text, |kind| *kind == SopErrorKind::ZeroMaintenanceInterval);
    let (line, _) = at(&text, "maintenance_interval_months = 0");
    assert_error(
        &error,
        SopErrorKind::ZeroMaintenanceInterval,
        (line, 31),
        None,
        &format!(
            "sop/x.toml:{line}:31: settings.maintenance_interval_months bernilai 0; tulis jarak pemeliharaan berkala dalam bulan, minimal 1"
        ),
    );
}

#[test]
fn english_messages_say_the_same() {
    let text = edit_step(
        6,
        "[\"subkoor_spa\", \"pelaksana\"]",
        "[\"subkor\", \"pelaksana\"]",
    );
    let error = the_error(&text, |kind| {
        matches!(kind, SopErrorKind::UnknownActor { .. })
    });
    assert_eq!(
        error.message(Lang::En),
        format!(
            "sop/x.toml:{}:11: step 6: actor \"subkor\" is unknown; use one of: {ACTORS}",
            error.line
        )
    );
    // Display is the Indonesian message, for logs and `?` in the binary.
    assert_eq!(error.to_string(), error.message(Lang::Id));
}

#[test]
fn malformed_toml_gives_a_position() {
    // An unclosed string.
    let text = edit(
        "title = \"Pemeliharaan Aplikasi/Website\"",
        "title = \"Pemeliharaan",
    );
    let error = the_error(&text, |kind| matches!(kind, SopErrorKind::Toml { .. }));
    // The parser notices at the end of the line, where the closing quote should be.
    let (line, column) = at(&text, "title = \"Pemeliharaan\n");
    let column = column + "title = \"Pemeliharaan".len();
    assert_eq!((error.line, error.column), (line, column));
    let message = error.message(Lang::Id);
    assert!(
        message.starts_with(&format!(
            "sop/x.toml:{line}:{column}: TOML tidak dapat dibaca: "
        )),
        "{message}"
    );
    assert!(
        message.ends_with("; perbaiki penulisan pada posisi ini"),
        "{message}"
    );
    assert!(!message.contains('\n'));
}

#[test]
fn a_wrong_type_gives_the_value_position() {
    let text = edit_step(7, "next = 8", "next = \"8\"");
    let error = the_error(&text, |kind| matches!(kind, SopErrorKind::Toml { .. }));
    let (line, column) = at(&text, "\"8\"");
    assert_eq!((error.line, error.column), (line, column));
    assert_eq!(
        error.message(Lang::Id),
        format!(
            "sop/x.toml:{line}:{column}: TOML tidak dapat dibaca: invalid type: string \"8\", expected u32; perbaiki penulisan pada posisi ini"
        )
    );
}

#[test]
fn a_misspelt_key_is_caught() {
    let text = edit_step(7, "activity = ", "activty = ");
    let error = the_error(&text, |kind| matches!(kind, SopErrorKind::Toml { .. }));
    assert_eq!((error.line, error.column), at(&text, "activty"));
    match &error.kind {
        SopErrorKind::Toml { detail } => {
            assert!(detail.contains("unknown field `activty`"), "{detail}")
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// Feeds `text` to the parser and renders whatever comes back, in both languages.
fn parse_and_render(text: &str) {
    if let Err(errors) = parse_definition(NAME, text) {
        assert!(!errors.is_empty());
        for error in errors {
            assert!(error.line >= 1 && error.column >= 1);
            let _ = error.message(Lang::Id);
            let _ = error.message(Lang::En);
        }
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    SetByte(usize, u8),
    DeleteByte(usize),
    InsertByte(usize, u8),
    DeleteLine(usize),
    DuplicateLine(usize),
    /// Replaces a digit with another, which keeps the TOML valid and exercises validation.
    ChangeDigit(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::SetByte(at, byte)),
        any::<usize>().prop_map(Mutation::DeleteByte),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::InsertByte(at, byte)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), 0u8..10).prop_map(|(at, digit)| Mutation::ChangeDigit(at, digit)),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let line_bounds = |bytes: &Vec<u8>, at: usize| {
        let lines = bytes.iter().filter(|&&byte| byte == b'\n').count() + 1;
        let wanted = at % lines;
        let mut start = 0;
        for _ in 0..wanted {
            start += bytes[start..]
                .iter()
                .position(|&byte| byte == b'\n')
                .map_or(0, |p| p + 1);
        }
        let end = bytes[start..]
            .iter()
            .position(|&byte| byte == b'\n')
            .map_or(bytes.len(), |p| start + p + 1);
        (start, end)
    };
    match *mutation {
        Mutation::SetByte(at, byte) => {
            let len = bytes.len();
            bytes[at % len] = byte;
        }
        Mutation::DeleteByte(at) => {
            let len = bytes.len();
            bytes.remove(at % len);
        }
        Mutation::InsertByte(at, byte) => {
            let len = bytes.len();
            bytes.insert(at % (len + 1), byte);
        }
        Mutation::DeleteLine(at) => {
            let (start, end) = line_bounds(bytes, at);
            bytes.drain(start..end);
        }
        Mutation::DuplicateLine(at) => {
            let (start, end) = line_bounds(bytes, at);
            let line = bytes[start..end].to_vec();
            bytes.splice(end..end, line);
        }
        Mutation::ChangeDigit(at, digit) => {
            let digits: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|(_, byte)| byte.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            if !digits.is_empty() {
                bytes[digits[at % digits.len()]] = b'0' + digit;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn mutations_of_the_shipped_file_never_panic(mutations in prop::collection::vec(mutation(), 1..8)) {
        let mut bytes = SHIPPED.as_bytes().to_vec();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        parse_and_render(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn every_single_line_deletion_is_handled() {
    // Deterministic companion of the property test: removing any one line either still parses
    // or gives positioned errors.
    let lines: Vec<&str> = SHIPPED.split_inclusive('\n').collect();
    let mut rejected = 0;
    for skip in 0..lines.len() {
        let text: String = lines
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != skip)
            .map(|(_, line)| *line)
            .collect();
        if parse_definition(NAME, &text).is_err() {
            rejected += 1;
        }
        parse_and_render(&text);
    }
    // Most lines carry something required; comments and optional values do not.
    assert!(rejected > 40, "only {rejected} deletions were rejected");
}
