//! `GET /permohonan`, the list of requests (an OPD operator sees its own OPD's), with the draft
//! maintenance requests of the register above it. The list is read a page at a time, filtered
//! by status (and OPD, for staff) in the database (`Store::case_page`); it never loads every
//! case.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use pelihara_domain::{Actor, CaseStatus, OpdId, Role};
use pelihara_store::{CaseCursor, CaseFilter, CaseSummary};

use super::when;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::admin::users::Choice;
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
    /// The filter form: status choices, and OPD choices (empty for an operator).
    statuses: Vec<Choice>,
    opds: Vec<Choice>,
    /// The next page's link (empty on the last page), and whether this is a later page.
    next_link: String,
    later_page: bool,
}

/// How many requests a page shows.
const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct CasesQuery {
    #[serde(default)]
    draf: String,
    /// A status code (`open`, `done`, ...); anything else shows every status.
    #[serde(default)]
    status: String,
    /// An OPD's id (staff only; an operator always sees their own OPD).
    #[serde(default)]
    opd: String,
    /// Where the page starts: the previous page's cursor (`CaseCursor::token`).
    #[serde(default)]
    setelah: String,
}

/// A list row from a case summary.
fn case_row(
    services: &Services,
    tr: Tr,
    now: chrono::DateTime<chrono::Utc>,
    case: CaseSummary,
) -> CaseRow {
    CaseRow {
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
    }
}

/// The OPD an operator is limited to (`None` for staff, who see every OPD's).
pub(crate) fn own_opd(actor: &Actor) -> Result<Option<OpdId>, WebError> {
    match actor.user.role {
        Role::OpdOperator => Ok(Some(actor.user.opd_id.ok_or(WebError::Forbidden)?)),
        _ => Ok(None),
    }
}

pub(crate) async fn view_case_list_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<CasesQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let own = own_opd(&user.actor)?;
    let status = CaseStatus::from_code(query.status.trim());
    // Staff may narrow to one OPD; an operator's list is their OPD's whatever the link says.
    let opd = match own {
        Some(opd) => Some(opd),
        None => pelihara_domain::OpdId::parse(&query.opd),
    };
    let filter = CaseFilter {
        opd,
        status,
        ..CaseFilter::default()
    };
    let after = CaseCursor::parse(&query.setelah);
    let page = services.store.case_page(&filter, after, PAGE_SIZE).await?;
    let now = services.clock.now();
    let next_link = page.next.map_or_else(String::new, |next| {
        let mut link = format!("/permohonan?setelah={}", next.token());
        if let Some(status) = status {
            link.push_str(&format!("&status={}", status.code()));
        }
        if let (None, Some(opd)) = (own, opd) {
            link.push_str(&format!("&opd={opd}"));
        }
        link
    });
    let rows = page
        .cases
        .into_iter()
        .map(|case| case_row(services, tr, now, case))
        .collect();
    let statuses = [
        CaseStatus::Open,
        CaseStatus::Returned,
        CaseStatus::Done,
        CaseStatus::Rejected,
        CaseStatus::Withdrawn,
    ]
    .into_iter()
    .map(|choice| Choice {
        value: choice.code().to_owned(),
        label: tr.t(&format!("status-{}", choice.code())),
        selected: status == Some(choice),
    })
    .collect();
    let opds = match own {
        Some(_) => Vec::new(),
        None => services
            .store
            .list_opds()
            .await?
            .into_iter()
            .map(|choice| Choice {
                value: choice.id.to_string(),
                selected: opd == Some(choice.id),
                label: choice.name,
            })
            .collect(),
    };
    let drafts = crate::pages::register::maintenance::draft_rows(services, tr, &user.actor).await?;
    let partial = CasesPartial {
        tr,
        rows,
        may_submit: !super::new_request::startable_sops(services, &user.actor).is_empty(),
        drafts,
        notice: if query.draf == "buang" {
            shell.tr.t("register-draft-discarded")
        } else {
            String::new()
        },
        statuses,
        opds,
        next_link,
        later_page: after.is_some(),
    };
    page_or_partial(shell, partial, |tr, _| tr.t("web-title-cases"))
}
