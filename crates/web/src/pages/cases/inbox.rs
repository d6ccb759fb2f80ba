//! `GET /tugas`, the inbox "Tugas saya": the tasks waiting for this person, with their SLA
//! badges.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use pelihara_domain::{Role, TaskStage, effective_positions};

use super::{badge, when};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

struct TaskRow {
    case_id: String,
    tracking_code: String,
    subject: String,
    opd_name: String,
    app_name: String,
    step_no: u32,
    activity: String,
    stage: String,
    opened: String,
    due: String,
    sla_code: String,
    sla_label: String,
}

#[derive(Template)]
#[template(path = "inbox_partial.html")]
struct InboxPartial {
    tr: Tr,
    rows: Vec<TaskRow>,
    overdue: usize,
    due_soon: usize,
    /// Whether the person may start a case of some SOP (the "new request" button).
    may_submit: bool,
}

pub(crate) async fn view_inbox_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let services = state.services();
    let now = services.clock.now();
    let positions = effective_positions(&user.actor, now);
    let opd = match user.actor.user.role {
        Role::OpdOperator => user.actor.user.opd_id,
        _ => None,
    };
    let items = services
        .store
        .inbox(&positions, opd, Some(user.actor.user.id), 200)
        .await?;
    let tr = shell.tr;
    let mut rows = Vec::new();
    for item in items {
        // Each task is measured and named by its own case's SOP version.
        let sop = services
            .catalog
            .version(&services.store, &item.sop_code, item.sop_version)
            .await?
            .ok_or(WebError::NotFound)?;
        let (sla_code, sla_label) = badge(services, &sop, tr, &item.task);
        let activity = sop
            .step(item.task.step_no)
            .map(|step| step.activity.clone())
            .unwrap_or_default();
        rows.push(TaskRow {
            case_id: item.task.case_id.to_string(),
            tracking_code: item.tracking_code,
            subject: item.subject,
            opd_name: item.opd_name,
            app_name: item.app_name,
            step_no: item.task.step_no,
            activity,
            stage: tr.t(&format!("web-stage-{}", stage_code(item.task.stage))),
            opened: when(services, tr.lang(), item.task.opened_at),
            due: item
                .task
                .due_at
                .map(|due| when(services, tr.lang(), due))
                .unwrap_or_else(|| tr.t("web-no-due")),
            sla_code,
            sla_label,
        });
    }
    let overdue = rows.iter().filter(|row| row.sla_code == "overdue").count();
    let due_soon = rows.iter().filter(|row| row.sla_code == "due_soon").count();
    let partial = InboxPartial {
        tr,
        rows,
        overdue,
        due_soon,
        may_submit: !super::new_request::startable_sops(services, &user.actor).is_empty(),
    };
    page_or_partial(shell, partial, |tr, _| tr.t("web-title-inbox"))
}

fn stage_code(stage: TaskStage) -> &'static str {
    match stage {
        TaskStage::Perform => "perform",
        TaskStage::Decide => "decide",
        TaskStage::Complete => "complete",
    }
}
