//! Why an action was refused. Every refusal changes nothing and renders as a clear message in
//! the user's language; none carries internal detail.

use chrono::{DateTime, Utc};
use pelihara_i18n::{Lang, arg, t, t_args};

use crate::case::CaseStatus;

/// A form field that failed its check, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    NotAllowedValue,
    InFuture,
    /// Not a number (an intake field of kind `number`).
    NotANumber,
    /// Not a date (an intake field of kind `date`).
    NotADate,
    /// Given although the SOP does not ask for it (a letter or an app where it says "none").
    NotAsked,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("not found")]
    NotFound,
    #[error("not allowed: needs position {needed}")]
    NotAllowed { needed: String },
    #[error("action does not fit step {step}")]
    WrongStep { step: u32 },
    #[error("case is {0:?}")]
    CaseClosed(CaseStatus),
    #[error("case is waiting for the OPD")]
    WaitingOnOpd,
    #[error("already done by {by_name}")]
    AlreadyDone { by_name: String, at: DateTime<Utc> },
    #[error("claimed by {by_name}")]
    ClaimedByOther { by_name: String },
    #[error("step {step} may not return the request")]
    MayNotReturn { step: u32 },
    #[error("step {step} may not reject the request")]
    MayNotReject { step: u32 },
    #[error("step {step} may not be skipped")]
    MayNotSkip { step: u32 },
    #[error("the OPD may not withdraw")]
    MayNotWithdraw,
    #[error("the disposition can no longer be recalled")]
    MayNotRecall,
    #[error("invalid {field}: {problem:?}")]
    Invalid {
        field: &'static str,
        problem: Problem,
    },
    #[error("the case changed meanwhile")]
    Conflict,
    /// The actor is not who the SOP lets start a case (`[intake] requester`).
    #[error("may not start a case of this SOP")]
    MayNotStart,
    /// An extra start-form field of the SOP (`[[intake.fields]]`): its label comes from the
    /// SOP file, so it is named as written there rather than through a message key.
    #[error("invalid intake field {field}: {problem:?}")]
    InvalidIntake {
        field: String,
        label: String,
        problem: Problem,
    },
}

impl Refusal {
    pub fn invalid(field: &'static str, problem: Problem) -> Refusal {
        Refusal::Invalid { field, problem }
    }

    /// The message a user reads.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Refusal::NotFound => t(lang, "refusal-not-found"),
            Refusal::NotAllowed { needed } => t_args(
                lang,
                "refusal-not-allowed",
                &[("position", arg(t(lang, &format!("position-{needed}"))))],
            ),
            Refusal::WrongStep { step } => {
                t_args(lang, "refusal-wrong-step", &[("step", arg(step))])
            }
            Refusal::CaseClosed(status) => t_args(
                lang,
                "refusal-case-closed",
                &[("status", arg(t(lang, &format!("status-{}", status.code()))))],
            ),
            Refusal::WaitingOnOpd => t(lang, "refusal-waiting-on-opd"),
            Refusal::AlreadyDone { by_name, .. } => {
                t_args(lang, "refusal-already-done", &[("name", arg(by_name))])
            }
            Refusal::ClaimedByOther { by_name } => {
                t_args(lang, "refusal-claimed-by-other", &[("name", arg(by_name))])
            }
            Refusal::MayNotReturn { step } => {
                t_args(lang, "refusal-may-not-return", &[("step", arg(step))])
            }
            Refusal::MayNotReject { step } => {
                t_args(lang, "refusal-may-not-reject", &[("step", arg(step))])
            }
            Refusal::MayNotSkip { step } => {
                t_args(lang, "refusal-may-not-skip", &[("step", arg(step))])
            }
            Refusal::MayNotWithdraw => t(lang, "refusal-may-not-withdraw"),
            Refusal::MayNotRecall => t(lang, "refusal-may-not-recall"),
            Refusal::Invalid { field, problem } => {
                problem_message(lang, t(lang, &format!("field-{field}")), *problem)
            }
            Refusal::InvalidIntake { label, problem, .. } => {
                problem_message(lang, label.clone(), *problem)
            }
            Refusal::Conflict => t(lang, "refusal-conflict"),
            Refusal::MayNotStart => t(lang, "refusal-may-not-start"),
        }
    }

    /// The field a refusal is about, for a form to show the message beside it: a message key
    /// suffix (`subject`, `letter`, ...) or an intake field's id.
    pub fn field(&self) -> Option<&str> {
        match self {
            Refusal::Invalid { field, .. } => Some(field),
            Refusal::InvalidIntake { field, .. } => Some(field),
            _ => None,
        }
    }
}

fn problem_message(lang: Lang, field_name: String, problem: Problem) -> String {
    match problem {
        Problem::Required => t_args(lang, "problem-required", &[("field", arg(field_name))]),
        Problem::TooLong { max } => t_args(
            lang,
            "problem-too-long",
            &[("field", arg(field_name)), ("max", arg(max))],
        ),
        Problem::NotAllowedValue => t_args(
            lang,
            "problem-not-allowed-value",
            &[("field", arg(field_name))],
        ),
        Problem::InFuture => t_args(lang, "problem-in-future", &[("field", arg(field_name))]),
        Problem::NotANumber => t_args(lang, "problem-not-a-number", &[("field", arg(field_name))]),
        Problem::NotADate => t_args(lang, "problem-not-a-date", &[("field", arg(field_name))]),
        Problem::NotAsked => t_args(lang, "problem-not-asked", &[("field", arg(field_name))]),
    }
}
