//! Which action forms the case page offers this person on this case now.

use pelihara_domain::{ActionKind, Actor, CaseState};
use pelihara_sop::{SopDefinition, StepForm};

use crate::state::Services;

/// Which action forms this person may see on this case now.
#[derive(Default)]
pub(super) struct Actions {
    pub(super) task_id: String,
    pub(super) form: String,
    pub(super) may_return: bool,
    pub(super) may_reject: bool,
    pub(super) may_skip: bool,
    pub(super) decide: bool,
    pub(super) resubmit: bool,
    pub(super) withdraw: bool,
    pub(super) recall: bool,
    pub(super) claim: bool,
    pub(super) release: bool,
    pub(super) instructions: Vec<String>,
    pub(super) question: String,
    /// The decision is the step's own question: its buttons say yes and no.
    pub(super) yes_no: bool,
    pub(super) next_position: String,
}

/// A refused action, as the case page shows it again: the message, and the form and field it
/// was about, so that the field is marked (`aria-invalid`, described by the message and
/// focused) and "Tindakan lain", when it holds that form, stays open.
#[derive(Debug, Default)]
pub(crate) struct Refused {
    pub(crate) message: String,
    /// The refused form's `aksi` ("return", "dispose", ...); empty when unknown.
    pub(crate) aksi: String,
    /// The field the refusal names ("reason", "instructions"); empty when it names none.
    pub(crate) field: String,
}

impl Refused {
    /// Whether `field` of the form `aksi` is the one refused.
    pub(crate) fn marks(&self, aksi: impl AsRef<str>, field: &str) -> bool {
        !self.field.is_empty() && self.aksi == aksi.as_ref() && self.field == field
    }

    /// Whether a field is marked, so that focus goes to it rather than to the message.
    pub(crate) fn marks_a_field(&self) -> bool {
        !self.aksi.is_empty() && !self.field.is_empty()
    }

    /// Whether the refused form is one of those "Tindakan lain" folds away.
    pub(crate) fn in_other_actions(&self) -> bool {
        matches!(
            self.aksi.as_str(),
            "return" | "skip" | "reject" | "withdraw" | "recall" | "claim" | "release"
        )
    }
}

impl Actions {
    /// The forms that only need a reason: (action, label key, button style).
    pub(super) fn reason_forms(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        [
            (
                self.may_return,
                "return",
                "web-return-to-opd",
                "btn-outline-warning",
            ),
            (
                self.may_skip,
                "skip",
                "web-skip-step",
                "btn-outline-secondary",
            ),
            (
                self.may_reject,
                "reject",
                "web-reject",
                "btn-outline-danger",
            ),
            (
                self.withdraw,
                "withdraw",
                "web-withdraw",
                "btn-outline-danger",
            ),
            (self.recall, "recall", "web-recall", "btn-outline-secondary"),
        ]
        .into_iter()
        .filter(|(enabled, ..)| *enabled)
        .map(|(_, aksi, label, style)| (aksi, label, style))
        .collect()
    }
}

pub(super) fn actions_for(
    services: &Services,
    sop: &SopDefinition,
    state: &CaseState,
    actor: &Actor,
) -> Actions {
    let ctx = pelihara_domain::Context {
        sop,
        calendar: &services.calendar.snapshot(),
        now: services.clock.now(),
    };
    // The engine says what this person may do; the page only lays it out.
    let offers = pelihara_domain::available_actions(ctx, state, actor);
    let offered = |kind: ActionKind| offers.iter().any(|offer| offer.kind == kind);
    let mut actions = Actions {
        withdraw: offered(ActionKind::Withdraw),
        recall: offered(ActionKind::Recall),
        resubmit: offered(ActionKind::Resubmit),
        may_return: offered(ActionKind::ReturnToOpd),
        may_reject: offered(ActionKind::Reject),
        may_skip: offered(ActionKind::Skip),
        claim: offered(ActionKind::Claim),
        release: offered(ActionKind::Release),
        decide: offered(ActionKind::Accept) && offered(ActionKind::SendBack),
        ..Actions::default()
    };
    let forms = [
        (ActionKind::RegisterLetter, "register"),
        (ActionKind::Dispose, "dispose"),
        (ActionKind::Analyse, "analysis"),
        (ActionKind::Maintain, "maintenance"),
        (ActionKind::Host, "hosting"),
        (ActionKind::Present, "handover"),
        (ActionKind::Record, "record"),
        (ActionKind::Paraf, "paraf"),
    ];
    if let Some((_, code)) = forms.iter().find(|(kind, _)| offered(*kind)) {
        actions.form = (*code).to_owned();
    }
    // The task the forms are for: the one of this person's first offer on a task.
    let Some(offer) = offers.iter().find(|offer| offer.task.is_some()) else {
        return actions;
    };
    actions.task_id = offer.task.map(|id| id.to_string()).unwrap_or_default();
    let Some(step) = sop.step(offer.step_no) else {
        return actions;
    };
    actions.instructions = sop.settings.disposition_instructions.clone();
    actions.next_position = step
        .next
        .and_then(|no| sop.step(no))
        .and_then(|next| next.actors.first())
        .and_then(|id| sop.actor(id))
        .map(|actor| actor.name.clone())
        .unwrap_or_default();
    if let Some(decision) = &step.decision {
        actions.question = decision.question.clone();
        // A question answered on its own reads yes/no; a handover's reads accept/send back.
        actions.yes_no = step.form == StepForm::Decision;
    }
    actions
}
