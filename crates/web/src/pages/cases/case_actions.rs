//! Which action forms the case page offers this person on this case now.

use pelihara_domain::{
    Actor, CaseState, CaseStatus, OPD_POSITION, Role, TaskStage, TaskState, may_take,
};
use pelihara_sop::{SopDefinition, StepForm, Target};

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
    pub(super) next_position: String,
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
    let now = services.clock.now();
    let mut actions = Actions::default();
    let is_operator =
        actor.user.role == Role::OpdOperator && actor.user.opd_id == Some(state.case.opd_id);
    if state.case.status.is_closed() {
        return actions;
    }
    if is_operator && sop.settings.opd_may_withdraw {
        actions.withdraw = true;
    }
    if state.case.status == CaseStatus::Returned {
        actions.resubmit = is_operator;
        if let Some(task) = state.completion_task() {
            actions.task_id = task.id.to_string();
        }
        return actions;
    }
    let Some(task) = state.active_task() else {
        return actions;
    };
    actions.task_id = task.id.to_string();
    // A disposition of this person whose recipient has not opened it can be taken back.
    let last_done = state
        .tasks
        .iter()
        .filter(|task| task.state == TaskState::Done)
        .max_by_key(|task| task.completed_at);
    actions.recall = last_done.is_some_and(|done| {
        done.completed_by == Some(actor.user.id)
            && sop
                .step(done.step_no)
                .is_some_and(|step| step.form == StepForm::Dispose)
            && task.seen_at.is_none()
            && task.claimed_by.is_none()
    });
    if may_take(actor, task, now).is_err() {
        return actions;
    }
    let claimed_by_other = task
        .claimed_by
        .is_some_and(|claimer| claimer != actor.user.id);
    actions.claim = task.claimed_by.is_none() && task.position != OPD_POSITION;
    actions.release = task.claimed_by == Some(actor.user.id);
    if claimed_by_other {
        return actions;
    }
    let Some(step) = sop.step(task.step_no) else {
        return actions;
    };
    match task.stage {
        TaskStage::Perform => {
            actions.form = form_code(step.form).to_owned();
            actions.may_return = step.may_return;
            actions.may_reject = step.may_reject;
            actions.may_skip = step.may_skip;
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
            }
        }
        TaskStage::Decide => {
            actions.decide = true;
            actions.question = step
                .decision
                .as_ref()
                .map(|decision| decision.question.clone())
                .unwrap_or_default();
            if let Some(Target::Reject) = step.decision.as_ref().map(|decision| decision.if_no) {
                actions.may_reject = false;
            }
        }
        TaskStage::Complete => {}
    }
    actions
}

fn form_code(form: StepForm) -> &'static str {
    match form {
        StepForm::None => "",
        other => other.name(),
    }
}
