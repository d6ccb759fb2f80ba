//! `pelihara sop ...`: checking SOP definition files and showing their step table in the
//! terminal. Reads the files named on the command line, then works on their text in memory
//! and returns what to print as values, so tests need no process. Never writes files, except
//! the documents `sop render` is asked to write (see `render`). Loading, publishing and
//! retiring versions in a database is `versions`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use pelihara_i18n::{Lang, arg, num, t, t_args};
use pelihara_sop::text::{describe_time, describe_totals};
use pelihara_sop::{SopDefinition, Step, Target, parse_definition};

mod render;
pub mod versions;

/// The `sop` commands. `render` (the official table and flowchart) is drawn by
/// pelihara-sop-render; its file handling is in the `render` submodule.
#[derive(Debug, Subcommand)]
pub enum SopCommand {
    /// Check SOP definition files; exit status 1 when any of them has an error.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show the step table of one SOP definition and its total standard time.
    Show { file: PathBuf },
    /// Load, publish, retire and list the SOP versions of a database.
    #[command(flatten)]
    Versions(versions::VersionsCommand),
    /// Render one SOP definition as the official PermenPAN-RB 35/2012 document: `html` writes
    /// the whole SOP as one printable A4-landscape page to OUT; `svg` writes the flowchart
    /// table, one SVG per page of the document: OUT, then STEM-2.svg, STEM-3.svg, ... beside
    /// it (STEM: OUT's name without its extension).
    Render {
        /// The SOP definition file (TOML).
        file: PathBuf,
        #[arg(long, value_enum, default_value = "html")]
        format: render::RenderFormat,
        /// The file to write (the first page, for svg).
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: PathBuf,
    },
}

/// A file as named on the command line: its text, or why it could not be read.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub text: Result<String, String>,
}

impl Input {
    pub fn read(path: &Path) -> Input {
        Input {
            name: path.display().to_string(),
            text: std::fs::read_to_string(path).map_err(|error| error.to_string()),
        }
    }
}

/// What a command prints and whether it succeeded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
}

impl Outcome {
    fn out(&mut self, line: &str) {
        self.stdout.push_str(line);
        self.stdout.push('\n');
    }

    fn err(&mut self, line: &str) {
        self.stderr.push_str(line);
        self.stderr.push('\n');
    }
}

/// Runs a `sop` command on files: reads them, prints its outcome, and gives the exit status.
pub fn run(command: SopCommand, lang: Lang) -> anyhow::Result<ExitCode> {
    let outcome = match command {
        SopCommand::Check { files } => {
            let inputs: Vec<Input> = files.iter().map(|path| Input::read(path)).collect();
            check(&inputs, lang)
        }
        SopCommand::Show { file } => show(&Input::read(&file), lang),
        SopCommand::Render {
            file,
            format,
            output,
        } => render::render(&Input::read(&file), format, &output, lang),
        // Needs the database and so the async runtime: `main` sends it to `versions::run`.
        SopCommand::Versions(_) => anyhow::bail!("SOP version commands run in the async runtime"),
    };
    outcome.print()
}

impl Outcome {
    /// Writes what the command printed and gives its exit status.
    fn print(&self) -> anyhow::Result<ExitCode> {
        // Written rather than print!ed, so that a closed pipe is an error, not a panic.
        std::io::stdout()
            .lock()
            .write_all(self.stdout.as_bytes())
            .context("writing to standard output")?;
        std::io::stderr()
            .lock()
            .write_all(self.stderr.as_bytes())
            .context("writing to standard error")?;
        Ok(if self.success {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        })
    }
}

/// `sop check`: every error of every file on its own line (stderr), a line per valid file
/// (stdout), and a summary; succeeds only when every file is valid.
pub fn check(inputs: &[Input], lang: Lang) -> Outcome {
    let mut outcome = Outcome::default();
    let mut valid = 0usize;
    let mut errors = 0usize;
    for input in inputs {
        match parse_input(input, lang, &mut outcome) {
            Ok(definition) => {
                valid += 1;
                outcome.out(&t_args(
                    lang,
                    "sop-check-valid",
                    &[
                        ("file", arg(&input.name)),
                        ("steps", num(count(definition.steps.len()))),
                    ],
                ));
            }
            Err(found) => errors += found,
        }
    }
    let invalid = inputs.len() - valid;
    let summary = t_args(
        lang,
        "sop-check-summary",
        &[
            ("files", num(count(inputs.len()))),
            ("valid", num(count(valid))),
            ("invalid", num(count(invalid))),
            ("errors", num(count(errors))),
        ],
    );
    outcome.success = invalid == 0;
    if outcome.success {
        outcome.out(&summary);
    } else {
        outcome.err(&summary);
    }
    outcome
}

/// A count as a Fluent number (so messages can choose singular or plural).
fn count(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// `sop show`: the step table as the terminal can show it, and the total standard time.
pub fn show(input: &Input, lang: Lang) -> Outcome {
    let mut outcome = Outcome::default();
    if let Ok(definition) = parse_input(input, lang, &mut outcome) {
        outcome.stdout = step_table(&definition, lang);
        outcome.success = true;
    }
    outcome
}

/// The definition of `input`, or the number of errors found after writing each of them (an
/// unreadable file counts as one) to `outcome.stderr`, one per line.
pub(crate) fn parse_input(
    input: &Input,
    lang: Lang,
    outcome: &mut Outcome,
) -> Result<SopDefinition, usize> {
    let text = match &input.text {
        Ok(text) => text,
        Err(reason) => {
            outcome.err(&t_args(
                lang,
                "sop-check-unreadable",
                &[("file", arg(&input.name)), ("reason", arg(reason))],
            ));
            return Err(1);
        }
    };
    parse_definition(&input.name, text).map_err(|errors| {
        for error in &errors {
            outcome.err(&error.message(lang));
        }
        errors.len()
    })
}

/// Column widths in characters; the table fits a 130-column terminal, and long cells wrap.
const WIDTHS: [usize; 6] = [3, 36, 20, 10, 14, 30];

fn step_table(definition: &SopDefinition, lang: Lang) -> String {
    let header = &definition.header;
    let mut lines = vec![t_args(
        lang,
        "sop-show-heading",
        &[
            ("title", arg(&header.title)),
            ("number", arg(&header.number)),
            ("version", arg(header.version)),
        ],
    )];
    let office: Vec<&str> = [header.office.as_str(), header.government.as_str()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    lines.push(office.join(", "));
    lines.push(String::new());

    let rule = WIDTHS
        .iter()
        .map(|width| "-".repeat(*width))
        .collect::<Vec<_>>()
        .join("-+-");
    let titles = [
        "sop-show-col-no",
        "sop-show-col-activity",
        "sop-show-col-actors",
        "sop-show-col-written",
        "sop-show-col-read",
        "sop-show-col-outputs",
    ]
    .map(|key| t(lang, key));
    lines.extend(table_row(&titles));
    lines.push(rule.clone());
    for step in &definition.steps {
        lines.extend(table_row(&step_cells(definition, step, lang)));
        lines.push(rule.clone());
    }
    lines.push(t_args(
        lang,
        "sop-show-total",
        &[(
            "total",
            arg(describe_totals(lang, &definition.total_time())),
        )],
    ));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn step_cells(definition: &SopDefinition, step: &Step, lang: Lang) -> [String; 6] {
    let mut activity = step.activity.clone();
    if let Some(decision) = &step.decision {
        let if_no = match decision.if_no {
            Target::Reject => t(lang, "sop-show-decision-reject"),
            Target::Return => t(lang, "sop-show-decision-return"),
            Target::Step(no) => t_args(lang, "sop-show-decision-step", &[("step", arg(no))]),
        };
        activity = format!("{activity}\n{}\n{if_no}", decision.question);
    }
    let actors: Vec<&str> = step
        .actors
        .iter()
        .map(|id| {
            definition
                .actor(id)
                .map_or(id.as_str(), |actor| actor.name.as_str())
        })
        .collect();
    let (written, read) = match &step.time {
        Some(time) => (
            time.as_written.clone().unwrap_or_else(|| "-".to_owned()),
            describe_time(lang, time, definition.settings.days),
        ),
        None => (String::new(), String::new()),
    };
    let outputs: Vec<String> = step
        .outputs
        .iter()
        .map(|output| format!("- {output}"))
        .collect();
    [
        step.no.to_string(),
        activity,
        actors.join(", "),
        written,
        read,
        outputs.join("\n"),
    ]
}

/// One table row, as many lines high as its tallest wrapped cell.
fn table_row(cells: &[String; 6]) -> Vec<String> {
    let wrapped: Vec<Vec<String>> = cells
        .iter()
        .zip(WIDTHS)
        .map(|(cell, width)| wrap(cell, width))
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
    (0..height)
        .map(|line| {
            let parts: Vec<String> = wrapped
                .iter()
                .zip(WIDTHS)
                .map(|(cell, width)| {
                    let text = cell.get(line).map_or("", String::as_str);
                    format!("{text:<width$}")
                })
                .collect();
            parts.join(" | ").trim_end().to_owned()
        })
        .collect()
}

/// Greedy word wrap to `width` characters; paragraphs (lines of `text`) stay apart, a list item
/// ("- ...") continues indented under its text, and a word longer than the width is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        match paragraph.strip_prefix("- ") {
            Some(item) if width > 4 => {
                let wrapped = wrap_paragraph(item, width - 2);
                let marks = std::iter::once("- ").chain(std::iter::repeat("  "));
                lines.extend(
                    marks
                        .zip(wrapped)
                        .map(|(mark, line)| format!("{mark}{line}")),
                );
            }
            _ => lines.extend(wrap_paragraph(paragraph, width)),
        }
    }
    lines
}

fn wrap_paragraph(paragraph: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in paragraph.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let rest = word.split_off(width);
            lines.push(word.into_iter().collect());
            word = rest;
        }
        let line_len = line.chars().count();
        if line_len > 0 && line_len + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.extend(word);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../sop/pemeliharaan-aplikasi-website.toml");
    const NAME: &str = "sop/pemeliharaan-aplikasi-website.toml";

    fn shipped() -> Input {
        Input {
            name: NAME.to_owned(),
            text: Ok(SHIPPED.to_owned()),
        }
    }

    fn broken() -> Input {
        let text = SHIPPED.replacen(
            "actors = [\"subkoor_spa\", \"pelaksana\"]",
            "actors = [\"subkor\"]",
            1,
        );
        Input {
            name: "sop/rusak.toml".to_owned(),
            text: Ok(text),
        }
    }

    #[test]
    fn check_accepts_the_shipped_file() {
        let outcome = check(&[shipped()], Lang::Id);
        assert!(outcome.success);
        assert_eq!(
            outcome.stdout,
            format!(
                "{NAME}: valid (10 langkah)\n1 berkas diperiksa: 1 valid, 0 tidak valid, 0 kesalahan\n"
            )
        );
        assert_eq!(outcome.stderr, "");
        let english = check(&[shipped()], Lang::En);
        assert_eq!(
            english.stdout,
            format!("{NAME}: valid (10 steps)\n1 file checked: 1 valid, 0 invalid, 0 errors\n")
        );
    }

    #[test]
    fn check_reports_errors_and_fails() {
        let outcome = check(&[broken(), shipped()], Lang::Id);
        assert!(!outcome.success);
        assert_eq!(outcome.stdout, format!("{NAME}: valid (10 langkah)\n"));
        let lines: Vec<&str> = outcome.stderr.lines().collect();
        let line = SHIPPED
            .lines()
            .position(|line| line.contains("actors = [\"subkoor_spa\", \"pelaksana\"]"))
            .map(|index| index + 1)
            .unwrap_or_default();
        assert_eq!(
            lines,
            [
                format!(
                    "sop/rusak.toml:{line}:11: langkah 6: aktor \"subkor\" tidak dikenal; gunakan salah satu dari: opd, pelaksana, subkoor_spa, kabid_aptika, sekretaris, kepala_dinas, tim_jaringan"
                )
                .as_str(),
                "2 berkas diperiksa: 1 valid, 1 tidak valid, 1 kesalahan",
            ]
        );
        let english = check(&[broken()], Lang::En);
        assert!(
            english
                .stderr
                .contains("step 6: actor \"subkor\" is unknown"),
            "{}",
            english.stderr
        );
        assert!(
            english
                .stderr
                .ends_with("1 file checked: 0 valid, 1 invalid, 1 error\n")
        );
    }

    #[test]
    fn check_counts_every_error_of_every_file() {
        let two_errors = SHIPPED
            .replacen("due_soon_percent = 25", "due_soon_percent = 101", 1)
            .replacen("time_zone = \"Asia/Jakarta\"", "time_zone = \"Jakarta\"", 1);
        let inputs = [
            broken(),
            Input {
                name: "b.toml".to_owned(),
                text: Ok(two_errors),
            },
            Input {
                name: "c.toml".to_owned(),
                text: Err("tidak ada".to_owned()),
            },
        ];
        let outcome = check(&inputs, Lang::Id);
        assert!(!outcome.success);
        assert_eq!(outcome.stdout, "");
        assert_eq!(
            outcome
                .stderr
                .lines()
                .filter(|line| line.starts_with("b.toml:"))
                .count(),
            2
        );
        assert!(
            outcome
                .stderr
                .contains("c.toml: berkas tidak dapat dibaca: tidak ada\n")
        );
        assert!(
            outcome
                .stderr
                .ends_with("3 berkas diperiksa: 0 valid, 3 tidak valid, 4 kesalahan\n"),
            "{}",
            outcome.stderr
        );
    }

    #[test]
    fn reads_real_files_and_reports_missing_ones() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../sop/pemeliharaan-aplikasi-website.toml");
        let input = Input::read(&path);
        assert_eq!(input.text.as_deref(), Ok(SHIPPED));
        let missing = Input::read(Path::new("/nonexistent/sop.toml"));
        assert!(missing.text.is_err());
        assert!(!check(&[missing], Lang::Id).success);
    }

    #[test]
    fn show_prints_the_step_table_and_total() {
        let outcome = show(&shipped(), Lang::Id);
        assert!(outcome.success, "{}", outcome.stderr);
        let text = &outcome.stdout;
        assert!(text.starts_with(
            "Pemeliharaan Aplikasi/Website (nomor Dinkominfo / 9 / 1 / 23, versi 1)\nDinas Komunikasi dan Informatika, Pemerintah Kabupaten Demak\n"
        ));
        assert!(
            text.ends_with("\nTotal: 105 menit + 34 hari kerja\n"),
            "{text}"
        );
        let max_width: usize = WIDTHS.iter().sum::<usize>() + 3 * (WIDTHS.len() - 1);
        assert!(
            text.lines()
                .all(|line| line.chars().count() <= max_width.max(80))
        );
        // One row per step: the rows start with the step number in the first column.
        let rows: Vec<&str> = text
            .lines()
            .filter(|line| {
                line.split(" | ")
                    .next()
                    .is_some_and(|no| no.trim().parse::<u32>().is_ok())
            })
            .collect();
        assert_eq!(rows.len(), 10, "{text}");
        let step6 = rows[5];
        assert!(
            step6.starts_with("6   | Menganalisa dan verifikasi"),
            "{step6}"
        );
        assert!(step6.contains("| Sub Koor SPA, "), "{step6}");
        assert!(step6.contains("| 2 hari     | 2 hari kerja "), "{step6}");
        assert!(text.contains("Tidak: ditolak"));
        assert!(text.contains("Tidak: ke langkah 7"));
        assert!(text.contains("| - Hasil Hosting dan domain"));

        let english = show(&shipped(), Lang::En);
        assert!(
            english
                .stdout
                .ends_with("\nTotal: 105 minutes + 34 working days\n")
        );
        assert!(english.stdout.contains("No: to step 7"));
    }

    #[test]
    fn show_of_an_invalid_file_prints_its_errors() {
        let outcome = show(&broken(), Lang::Id);
        assert!(!outcome.success);
        assert_eq!(outcome.stdout, "");
        assert!(
            outcome.stderr.starts_with("sop/rusak.toml:"),
            "{}",
            outcome.stderr
        );
    }

    #[test]
    fn wraps_words_and_cuts_long_ones() {
        assert_eq!(wrap("satu dua tiga", 8), ["satu dua", "tiga"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(wrap("- satu dua tiga", 10), ["- satu dua", "  tiga"]);
    }
}
