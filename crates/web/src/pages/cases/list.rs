//! `GET /permohonan`, the list of requests (an OPD operator sees its own OPD's), with the draft
//! maintenance requests of the register above it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use pelihara_domain::{Actor, Role};

use super::when;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

pub(super) struct CaseRow {
    pub(super) id: String,
    pub(super) tracking_code: String,
    pub(super) agenda_number: String,
    pub(super) subject: String,
    pub(super) opd_name: String,
    pub(super) app_name: String,
    pub(super) status_code: String,
    pub(super) status_label: String,
    pub(super) step_no: u32,
    pub(super) submitted: String,
    pub(super) overdue: bool,
}

#[derive(Template)]
#[template(path = "cases_partial.html")]
struct CasesPartial {
    tr: Tr,
    rows: Vec<CaseRow>,
    may_submit: bool,
    /// Draft periodic-maintenance requests (the register's), shown above the list.
    drafts: Vec<crate::pages::register::maintenance::DraftRow>,
    notice: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct CasesQuery {
    #[serde(default)]
    draf: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    shell: Shell,
    tr: Tr,
    partial: CasesPartial,
}

pub(super) async fn case_rows(
    services: &Services,
    tr: Tr,
    actor: &Actor,
) -> Result<Vec<CaseRow>, WebError> {
    let opd = match actor.user.role {
        Role::OpdOperator => Some(actor.user.opd_id.ok_or(WebError::Forbidden)?),
        _ => None,
    };
    let now = services.clock.now();
    let cases = services.store.list_cases(opd, 500).await?;
    Ok(cases
        .into_iter()
        .map(|case| CaseRow {
            id: case.id.to_string(),
            tracking_code: case.tracking_code,
            agenda_number: case.agenda_number.unwrap_or_default(),
            subject: case.subject,
            opd_name: case.opd_name,
            app_name: case.app_name,
            status_code: case.status.code().to_owned(),
            status_label: tr.t(&format!("status-{}", case.status.code())),
            step_no: case.current_step,
            submitted: when(services, tr.lang(), case.submitted_at),
            overdue: case.due_at.is_some_and(|due| due < now),
        })
        .collect())
}

pub(crate) async fn view_permohonan_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<CasesQuery>,
) -> Result<Response, WebError> {
    let rows = case_rows(state.services(), shell.tr, &user.actor).await?;
    let drafts =
        crate::pages::register::maintenance::draft_rows(state.services(), shell.tr, &user.actor)
            .await?;
    let partial = CasesPartial {
        tr: shell.tr,
        rows,
        may_submit: user.actor.user.role == Role::OpdOperator,
        drafts,
        notice: if query.draf == "buang" {
            shell.tr.t("register-draft-discarded")
        } else {
            String::new()
        },
    };
    page_or_partial(shell, partial, |shell, partial| CasesPage {
        tr: shell.tr,
        shell,
        partial,
    })
}
