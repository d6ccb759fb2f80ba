//! What can be wrong with a definition file, where, and how to say it to the person fixing it
//! (Indonesian or English, through pelihara-i18n). Never decides whether something is wrong:
//! that is validation's job.

use std::ops::Range;

use pelihara_i18n::{Lang, arg, t_args};

/// One problem in one definition file, at a 1-based line and column (in characters) of the
/// offending value, or of the table that lacks it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::Id))]
pub struct SopError {
    /// The name the file was given to the parser as (usually its path).
    pub source_name: String,
    pub line: usize,
    pub column: usize,
    /// The `no` of the step the problem is in, when it is in one.
    pub step: Option<u32>,
    pub kind: SopErrorKind,
}

/// What is wrong, with what a message needs to say it. Lists of allowed or known values are
/// kept so that the message can tell what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SopErrorKind {
    /// The text is not valid TOML, or a value has the wrong type or an unknown key; `detail`
    /// is the TOML parser's own (English) description.
    Toml {
        detail: String,
    },
    UnsupportedFormat {
        found: i64,
        supported: u32,
    },
    /// A required `[header]` field is missing or empty.
    EmptyHeaderField {
        field: &'static str,
    },
    InvalidVersion {
        found: i64,
    },
    /// An actor's `id`, `name` or `position` is empty.
    EmptyActorField {
        field: &'static str,
    },
    DuplicateActor {
        id: String,
        first_line: usize,
    },
    UnknownReportsTo {
        actor: String,
        reports_to: String,
        known: Vec<String>,
    },
    /// Escalation would go round for ever; `cycle` starts and ends with the same actor.
    ReportsToCycle {
        cycle: Vec<String>,
    },
    UnknownDayCount {
        found: String,
        allowed: Vec<&'static str>,
    },
    UnknownTimeZone {
        found: String,
    },
    ZeroMaintenanceInterval,
    DueSoonPercentTooHigh {
        found: u32,
    },
    DuplicateStep {
        no: u32,
        first_line: usize,
    },
    /// Step numbers must be exactly 1..=count; `missing` is one that is not used.
    MissingStepNumber {
        missing: u32,
        count: usize,
    },
    UnknownKind {
        found: String,
        allowed: Vec<&'static str>,
    },
    UnknownForm {
        found: String,
        allowed: Vec<&'static str>,
    },
    EmptyActivity,
    NoActors,
    UnknownActor {
        actor: String,
        known: Vec<String>,
    },
    /// The first actor draws the step in the flowchart, so it needs a column.
    FirstActorNotColumn {
        actor: String,
    },
    NoStartStep,
    ExtraStartStep {
        first: u32,
    },
    NoEndStep,
    EndStepWithNext,
    MissingNext,
    UnknownNext {
        target: u32,
        known: Vec<u32>,
    },
    UnknownIfNo {
        target: u32,
        known: Vec<u32>,
    },
    UnknownIfNoWord {
        found: String,
    },
    MissingDecision,
    UnexpectedDecision,
    EmptyQuestion,
    UnknownDecider {
        actor: String,
        known: Vec<String>,
    },
    MissingTime,
    UnknownTimeUnit {
        found: String,
        allowed: Vec<&'static str>,
    },
    ZeroTime,
    /// `may_return` or `may_reject` on the start step, where there is nothing to return yet.
    StartStepFlag {
        flag: &'static str,
    },
    Unreachable,
    EndUnreachable,
    UnknownPageBreak {
        step: u32,
        known: Vec<u32>,
    },
    UnknownErratumStep {
        step: u32,
        known: Vec<u32>,
    },
    UnknownErratumField {
        found: String,
        allowed: Vec<&'static str>,
    },
    /// A value of `[intake]`, or a step's `joint`, that is not one of the words allowed.
    UnknownWord {
        field: &'static str,
        found: String,
        allowed: Vec<&'static str>,
    },
    RequesterPositionMissing,
    RequesterPositionUnexpected,
    MaintenanceWithoutApp,
    InvalidFieldId {
        id: String,
    },
    DuplicateField {
        id: String,
    },
    EmptyFieldLabel,
    ChoicesMissing,
    ChoicesUnexpected,
    /// An actor that is neither the requester nor has a position.
    ActorWithoutPosition {
        actor: String,
    },
    ExtraRequesterActor {
        first: String,
    },
    /// `[intake]` says an OPD or an employee asks, but no actor stands for them.
    NoRequesterActor,
    /// The start step is performed by the requester: its first actor must be that actor.
    StartActorNotRequester {
        actor: String,
        requester: String,
    },
    StartFormNotSubmit,
    /// A step after the start whose form gives nobody a way to complete it.
    StepCannotComplete {
        form: &'static str,
    },
    DecisionFormNotOnDecision,
    DecisionBranchesSame {
        target: u32,
    },
    DeciderNotOnStep {
        actor: String,
    },
    ReturnWithoutRequester,
    /// A flag or value that means nothing on an end step.
    EndStepFlag {
        flag: &'static str,
    },
    JointWithOneActor,
    JointAllForm {
        form: &'static str,
    },
    /// `joint = "any"` on a decision answered on its own: only its decider answers it.
    JointAnyDecision,
}

impl SopErrorKind {
    /// The Fluent key of the message body (the part after "file:line:column: step N: ").
    pub fn message_key(&self) -> &'static str {
        match self {
            SopErrorKind::Toml { .. } => "sop-error-toml",
            SopErrorKind::UnsupportedFormat { .. } => "sop-error-unsupported-format",
            SopErrorKind::EmptyHeaderField { .. } => "sop-error-empty-header-field",
            SopErrorKind::InvalidVersion { .. } => "sop-error-invalid-version",
            SopErrorKind::EmptyActorField { .. } => "sop-error-empty-actor-field",
            SopErrorKind::DuplicateActor { .. } => "sop-error-duplicate-actor",
            SopErrorKind::UnknownReportsTo { .. } => "sop-error-unknown-reports-to",
            SopErrorKind::ReportsToCycle { .. } => "sop-error-reports-to-cycle",
            SopErrorKind::UnknownDayCount { .. } => "sop-error-unknown-day-count",
            SopErrorKind::UnknownTimeZone { .. } => "sop-error-unknown-time-zone",
            SopErrorKind::ZeroMaintenanceInterval => "sop-error-zero-maintenance-interval",
            SopErrorKind::DueSoonPercentTooHigh { .. } => "sop-error-due-soon-percent",
            SopErrorKind::DuplicateStep { .. } => "sop-error-duplicate-step",
            SopErrorKind::MissingStepNumber { .. } => "sop-error-missing-step-number",
            SopErrorKind::UnknownKind { .. } => "sop-error-unknown-kind",
            SopErrorKind::UnknownForm { .. } => "sop-error-unknown-form",
            SopErrorKind::EmptyActivity => "sop-error-empty-activity",
            SopErrorKind::NoActors => "sop-error-no-actors",
            SopErrorKind::UnknownActor { .. } => "sop-error-unknown-actor",
            SopErrorKind::FirstActorNotColumn { .. } => "sop-error-first-actor-not-column",
            SopErrorKind::NoStartStep => "sop-error-no-start-step",
            SopErrorKind::ExtraStartStep { .. } => "sop-error-extra-start-step",
            SopErrorKind::NoEndStep => "sop-error-no-end-step",
            SopErrorKind::EndStepWithNext => "sop-error-end-step-with-next",
            SopErrorKind::MissingNext => "sop-error-missing-next",
            SopErrorKind::UnknownNext { .. } => "sop-error-unknown-next",
            SopErrorKind::UnknownIfNo { .. } => "sop-error-unknown-if-no",
            SopErrorKind::UnknownIfNoWord { .. } => "sop-error-unknown-if-no-word",
            SopErrorKind::MissingDecision => "sop-error-missing-decision",
            SopErrorKind::UnexpectedDecision => "sop-error-unexpected-decision",
            SopErrorKind::EmptyQuestion => "sop-error-empty-question",
            SopErrorKind::UnknownDecider { .. } => "sop-error-unknown-decider",
            SopErrorKind::MissingTime => "sop-error-missing-time",
            SopErrorKind::UnknownTimeUnit { .. } => "sop-error-unknown-time-unit",
            SopErrorKind::ZeroTime => "sop-error-zero-time",
            SopErrorKind::StartStepFlag { .. } => "sop-error-start-step-flag",
            SopErrorKind::Unreachable => "sop-error-unreachable",
            SopErrorKind::EndUnreachable => "sop-error-end-unreachable",
            SopErrorKind::UnknownPageBreak { .. } => "sop-error-unknown-page-break",
            SopErrorKind::UnknownErratumStep { .. } => "sop-error-unknown-erratum-step",
            SopErrorKind::UnknownErratumField { .. } => "sop-error-unknown-erratum-field",
            SopErrorKind::UnknownWord { .. } => "sop-error-unknown-word",
            SopErrorKind::RequesterPositionMissing => "sop-error-requester-position-missing",
            SopErrorKind::RequesterPositionUnexpected => "sop-error-requester-position-unexpected",
            SopErrorKind::MaintenanceWithoutApp => "sop-error-maintenance-without-app",
            SopErrorKind::InvalidFieldId { .. } => "sop-error-invalid-field-id",
            SopErrorKind::DuplicateField { .. } => "sop-error-duplicate-field",
            SopErrorKind::EmptyFieldLabel => "sop-error-empty-field-label",
            SopErrorKind::ChoicesMissing => "sop-error-choices-missing",
            SopErrorKind::ChoicesUnexpected => "sop-error-choices-unexpected",
            SopErrorKind::ActorWithoutPosition { .. } => "sop-error-actor-without-position",
            SopErrorKind::ExtraRequesterActor { .. } => "sop-error-extra-requester-actor",
            SopErrorKind::NoRequesterActor => "sop-error-no-requester-actor",
            SopErrorKind::StartActorNotRequester { .. } => "sop-error-start-actor-not-requester",
            SopErrorKind::StartFormNotSubmit => "sop-error-start-form-not-submit",
            SopErrorKind::StepCannotComplete { .. } => "sop-error-step-cannot-complete",
            SopErrorKind::DecisionFormNotOnDecision => "sop-error-decision-form-not-on-decision",
            SopErrorKind::DecisionBranchesSame { .. } => "sop-error-decision-branches-same",
            SopErrorKind::DeciderNotOnStep { .. } => "sop-error-decider-not-on-step",
            SopErrorKind::ReturnWithoutRequester => "sop-error-return-without-requester",
            SopErrorKind::EndStepFlag { .. } => "sop-error-end-step-flag",
            SopErrorKind::JointWithOneActor => "sop-error-joint-with-one-actor",
            SopErrorKind::JointAllForm { .. } => "sop-error-joint-all-form",
            SopErrorKind::JointAnyDecision => "sop-error-joint-any-decision",
        }
    }

    /// The message body in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        let key = self.message_key();
        match self {
            SopErrorKind::Toml { detail } => t_args(lang, key, &[("detail", arg(detail))]),
            SopErrorKind::UnsupportedFormat { found, supported } => t_args(
                lang,
                key,
                &[("found", arg(found)), ("supported", arg(supported))],
            ),
            SopErrorKind::EmptyHeaderField { field } | SopErrorKind::EmptyActorField { field } => {
                t_args(lang, key, &[("field", arg(field))])
            }
            SopErrorKind::InvalidVersion { found } => t_args(lang, key, &[("found", arg(found))]),
            SopErrorKind::DuplicateActor { id, first_line } => t_args(
                lang,
                key,
                &[("id", arg(id)), ("first_line", arg(first_line))],
            ),
            SopErrorKind::UnknownReportsTo {
                actor,
                reports_to,
                known,
            } => t_args(
                lang,
                key,
                &[
                    ("actor", arg(actor)),
                    ("reports_to", arg(reports_to)),
                    ("known", arg(known.join(", "))),
                ],
            ),
            SopErrorKind::ReportsToCycle { cycle } => {
                t_args(lang, key, &[("cycle", arg(cycle.join(" -> ")))])
            }
            SopErrorKind::UnknownDayCount { found, allowed }
            | SopErrorKind::UnknownKind { found, allowed }
            | SopErrorKind::UnknownForm { found, allowed }
            | SopErrorKind::UnknownTimeUnit { found, allowed }
            | SopErrorKind::UnknownErratumField { found, allowed } => t_args(
                lang,
                key,
                &[("found", arg(found)), ("allowed", arg(allowed.join(", ")))],
            ),
            SopErrorKind::UnknownTimeZone { found } | SopErrorKind::UnknownIfNoWord { found } => {
                t_args(lang, key, &[("found", arg(found))])
            }
            SopErrorKind::DueSoonPercentTooHigh { found } => {
                t_args(lang, key, &[("found", arg(found))])
            }
            SopErrorKind::DuplicateStep { no, first_line } => t_args(
                lang,
                key,
                &[("no", arg(no)), ("first_line", arg(first_line))],
            ),
            SopErrorKind::MissingStepNumber { missing, count } => t_args(
                lang,
                key,
                &[("missing", arg(missing)), ("count", arg(count))],
            ),
            SopErrorKind::UnknownActor { actor, known }
            | SopErrorKind::UnknownDecider { actor, known } => t_args(
                lang,
                key,
                &[("actor", arg(actor)), ("known", arg(known.join(", ")))],
            ),
            SopErrorKind::FirstActorNotColumn { actor } => {
                t_args(lang, key, &[("actor", arg(actor))])
            }
            SopErrorKind::ExtraStartStep { first } => t_args(lang, key, &[("first", arg(first))]),
            SopErrorKind::UnknownNext { target, known }
            | SopErrorKind::UnknownIfNo { target, known } => t_args(
                lang,
                key,
                &[("target", arg(target)), ("known", arg(join_numbers(known)))],
            ),
            SopErrorKind::StartStepFlag { flag } => t_args(lang, key, &[("flag", arg(flag))]),
            SopErrorKind::UnknownPageBreak { step, known }
            | SopErrorKind::UnknownErratumStep { step, known } => t_args(
                lang,
                key,
                &[("step", arg(step)), ("known", arg(join_numbers(known)))],
            ),
            SopErrorKind::UnknownWord {
                field,
                found,
                allowed,
            } => t_args(
                lang,
                key,
                &[
                    ("field", arg(field)),
                    ("found", arg(found)),
                    ("allowed", arg(allowed.join(", "))),
                ],
            ),
            SopErrorKind::InvalidFieldId { id } | SopErrorKind::DuplicateField { id } => {
                t_args(lang, key, &[("id", arg(id))])
            }
            SopErrorKind::ActorWithoutPosition { actor }
            | SopErrorKind::DeciderNotOnStep { actor } => {
                t_args(lang, key, &[("actor", arg(actor))])
            }
            SopErrorKind::ExtraRequesterActor { first } => {
                t_args(lang, key, &[("first", arg(first))])
            }
            SopErrorKind::StartActorNotRequester { actor, requester } => t_args(
                lang,
                key,
                &[("actor", arg(actor)), ("requester", arg(requester))],
            ),
            SopErrorKind::StepCannotComplete { form } | SopErrorKind::JointAllForm { form } => {
                t_args(lang, key, &[("form", arg(form))])
            }
            SopErrorKind::DecisionBranchesSame { target } => {
                t_args(lang, key, &[("target", arg(target))])
            }
            SopErrorKind::EndStepFlag { flag } => t_args(lang, key, &[("flag", arg(flag))]),
            SopErrorKind::RequesterPositionMissing
            | SopErrorKind::RequesterPositionUnexpected
            | SopErrorKind::MaintenanceWithoutApp
            | SopErrorKind::EmptyFieldLabel
            | SopErrorKind::ChoicesMissing
            | SopErrorKind::ChoicesUnexpected
            | SopErrorKind::NoRequesterActor
            | SopErrorKind::StartFormNotSubmit
            | SopErrorKind::DecisionFormNotOnDecision
            | SopErrorKind::ReturnWithoutRequester
            | SopErrorKind::JointWithOneActor
            | SopErrorKind::JointAnyDecision
            | SopErrorKind::ZeroMaintenanceInterval
            | SopErrorKind::EmptyActivity
            | SopErrorKind::NoActors
            | SopErrorKind::NoStartStep
            | SopErrorKind::NoEndStep
            | SopErrorKind::EndStepWithNext
            | SopErrorKind::MissingNext
            | SopErrorKind::MissingDecision
            | SopErrorKind::UnexpectedDecision
            | SopErrorKind::EmptyQuestion
            | SopErrorKind::MissingTime
            | SopErrorKind::ZeroTime
            | SopErrorKind::Unreachable
            | SopErrorKind::EndUnreachable => t_args(lang, key, &[]),
        }
    }
}

impl SopError {
    /// The whole message: `file:line:column: langkah N: what is wrong; what to do`.
    pub fn message(&self, lang: Lang) -> String {
        let mut message = format!("{}:{}:{}: ", self.source_name, self.line, self.column);
        if let Some(step) = self.step {
            message.push_str(&t_args(lang, "sop-error-step", &[("step", arg(step))]));
            message.push_str(": ");
        }
        message.push_str(&self.kind.describe(lang));
        message
    }
}

/// "1, 2, 3" for short lists; "1-10" when the numbers are consecutive, which they usually are.
fn join_numbers(numbers: &[u32]) -> String {
    let consecutive = numbers
        .windows(2)
        .all(|pair| pair[0].checked_add(1) == Some(pair[1]));
    match (numbers.first(), numbers.last()) {
        (Some(first), Some(last)) if consecutive && numbers.len() > 2 => format!("{first}-{last}"),
        _ => numbers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Turns byte offsets of one text into 1-based lines and columns.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(offset, _)| offset + 1))
            .collect();
        LineIndex { text, line_starts }
    }

    /// The 1-based line and column (counted in characters) of byte `offset`; offsets past the
    /// end or inside a character are moved back to the nearest character start.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line.max(1), column)
    }

    pub(crate) fn line(&self, span: &Range<usize>) -> usize {
        self.position(span.start).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let index = LineIndex::new("ab\nçd = 1\n");
        assert_eq!(index.position(0), (1, 1));
        assert_eq!(index.position(2), (1, 3));
        assert_eq!(index.position(3), (2, 1));
        // 'ç' is two bytes: "d" starts at byte 5 and is the second character.
        assert_eq!(index.position(5), (2, 2));
        // Inside 'ç' moves back to its start; past the end stays on the last line.
        assert_eq!(index.position(4), (2, 1));
        assert_eq!(index.position(100), (3, 1));
    }

    #[test]
    fn joins_step_numbers_compactly() {
        assert_eq!(join_numbers(&[1, 2, 3, 4]), "1-4");
        assert_eq!(join_numbers(&[1, 3, 4]), "1, 3, 4");
        assert_eq!(join_numbers(&[1, 2]), "1, 2");
        assert_eq!(join_numbers(&[]), "");
    }
}
