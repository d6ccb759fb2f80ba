//! Periodic maintenance on the pages: preparing a draft request for a due app (admin,
//! Pelaksana, Sub-coordinator), the drafts an OPD sees on /permohonan and discards or confirms
//! through the new-request form, confirming an app an OPD proposed, and the due apps on the
//! dashboard. Never holds SQL or the due rule (the store and `pelihara_domain::register`), and
//! never turns a draft into a case except through the normal submit path with the letter.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_domain::register::{AppStatus, DueState};
use pelihara_domain::{Actor, AppId, DraftId, Role};
use pelihara_i18n::format_date;
use pelihara_store::maintenance::{DraftOrigin, DraftOutcome, MaintenanceDraft};
use pelihara_store::register::RegisterFilter;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::state::{AppState, Services};

use super::{due_css, due_of, may_prepare, policy};

/// `POST /aplikasi/{id}/draf`: prepares a draft maintenance request for a due app. Twenty
/// clicks make one draft (the store guarantees it); the page says what happened.
pub(crate) async fn view_aplikasi_draf_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    if !may_prepare(services, &user.actor) {
        return Err(WebError::Forbidden);
    }
    let app = AppId::parse(&id).ok_or(WebError::NotFound)?;
    if services.store.app(app).await?.is_none() {
        return Err(WebError::NotFound);
    }
    let policy = policy(services).await?;
    let outcome = services
        .store
        .prepare_maintenance_draft(
            app,
            &services.calendar.snapshot(),
            &policy,
            services.clock.now(),
            DraftOrigin::Manual,
            &user.audit_source(),
        )
        .await?;
    let code = match outcome {
        DraftOutcome::Prepared(_) => "draf",
        DraftOutcome::AlreadyOpen(_) => "draf-ada",
        DraftOutcome::OpenCase(_) => "draf-kasus",
        DraftOutcome::NotDue => "draf-belum",
    };
    Ok(Redirect::to(&format!("/aplikasi/{app}?saved={code}")).into_response())
}

/// The message of a `?saved=` code of the app page that this module sets.
pub(crate) fn notice_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "draf" => "register-draft-prepared",
        "draf-ada" => "register-draft-already",
        "draf-kasus" => "register-draft-open-case",
        "draf-belum" => "register-draft-not-due",
        "usulan" => "register-proposal-confirmed",
        _ => return None,
    })
}

/// `POST /aplikasi/{id}/konfirmasi`: admin or Pelaksana accepts an app an OPD proposed into
/// the register (it becomes active and starts counting towards its maintenance).
pub(crate) async fn view_aplikasi_konfirmasi_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    if !super::may_edit(services, &user.actor) {
        return Err(WebError::Forbidden);
    }
    let app_id = AppId::parse(&id).ok_or(WebError::NotFound)?;
    let app = services
        .store
        .app(app_id)
        .await?
        .ok_or(WebError::NotFound)?;
    if app.status != AppStatus::Proposed.code() {
        return Ok(Redirect::to(&format!("/aplikasi/{app_id}")).into_response());
    }
    let mut fields = super::fields_of(&app);
    fields.status = AppStatus::Active.code().to_owned();
    services
        .store
        .update_app(
            app_id,
            app.opd_id,
            &fields,
            &user.audit_source(),
            services.clock.now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/aplikasi/{app_id}?saved=usulan")).into_response())
}

/// A draft as the request list shows it.
pub(crate) struct DraftRow {
    pub id: String,
    pub app_id: String,
    pub app_name: String,
    pub opd_name: String,
    pub due: String,
    pub due_css: &'static str,
    pub due_label: String,
    pub prepared: String,
    /// The OPD operator confirms (with the letter) or discards; others only see it.
    pub may_confirm: bool,
    pub may_discard: bool,
}

fn draft_row(services: &Services, tr: Tr, actor: &Actor, draft: MaintenanceDraft) -> DraftRow {
    let operator = actor.user.role == Role::OpdOperator && actor.user.opd_id == Some(draft.opd_id);
    let who = match draft.origin {
        DraftOrigin::Manual => draft.created_by_name.clone(),
        DraftOrigin::Scheduler => tr.t("register-draft-by-system"),
    };
    DraftRow {
        id: draft.id.to_string(),
        app_id: draft.app_id.to_string(),
        app_name: draft.app_name,
        opd_name: draft.opd_name,
        due: format_date(tr.lang(), draft.due_date),
        due_css: due_css(draft.due_state),
        due_label: tr.t(draft.due_state.message_key()),
        prepared: pelihara_i18n::t_args(
            tr.lang(),
            "register-draft-prepared-by",
            &[
                (
                    "date",
                    pelihara_i18n::arg(format_date(
                        tr.lang(),
                        services.calendar.snapshot().local_date(draft.created_at),
                    )),
                ),
                ("who", pelihara_i18n::arg(who)),
            ],
        ),
        may_confirm: operator,
        may_discard: operator || may_prepare(services, actor),
    }
}

/// The open drafts a person sees: an OPD operator its own OPD's, Dinkominfo all of them.
pub(crate) async fn draft_rows(
    services: &Services,
    tr: Tr,
    actor: &Actor,
) -> Result<Vec<DraftRow>, WebError> {
    let opd = match actor.user.role {
        Role::OpdOperator => Some(actor.user.opd_id.ok_or(WebError::NotFound)?),
        _ => None,
    };
    Ok(services
        .store
        .open_drafts(opd)
        .await?
        .into_iter()
        .map(|draft| draft_row(services, tr, actor, draft))
        .collect())
}

/// The open draft `id` if this OPD operator may confirm it; anything else is a 404.
pub(crate) async fn operator_draft(
    services: &Services,
    actor: &Actor,
    id: &str,
) -> Result<MaintenanceDraft, WebError> {
    let id = DraftId::parse(id).ok_or(WebError::NotFound)?;
    let draft = services
        .store
        .open_drafts(actor.user.opd_id)
        .await?
        .into_iter()
        .find(|draft| draft.id == id)
        .ok_or(WebError::NotFound)?;
    if actor.user.role != Role::OpdOperator || actor.user.opd_id != Some(draft.opd_id) {
        return Err(WebError::NotFound);
    }
    Ok(draft)
}

/// `POST /permohonan/draf/{id}/buang`: the OPD (or whoever may prepare drafts) discards it.
pub(crate) async fn view_permohonan_draf_buang_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    let draft_id = DraftId::parse(&id).ok_or(WebError::NotFound)?;
    let draft = services
        .store
        .maintenance_draft(draft_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let operator =
        user.actor.user.role == Role::OpdOperator && user.actor.user.opd_id == Some(draft.opd_id);
    if !operator && !may_prepare(services, &user.actor) {
        return Err(WebError::NotFound);
    }
    services
        .store
        .close_maintenance_draft(draft_id, None, &user.audit_source(), services.clock.now())
        .await?;
    Ok(Redirect::to("/permohonan?draf=buang").into_response())
}

/// An app due soon or overdue, for the dashboard.
pub(crate) struct DueAppRow {
    pub id: String,
    pub name: String,
    pub opd_name: String,
    pub due: String,
    pub due_css: &'static str,
    pub due_label: String,
    pub has_draft: bool,
    pub has_case: bool,
}

/// The register's figures for the dashboard: overdue apps first, then due soon.
pub(crate) struct DueApps {
    pub overdue: usize,
    pub due_soon: usize,
    pub rows: Vec<DueAppRow>,
}

pub(crate) async fn due_apps(services: &Services, tr: Tr) -> Result<DueApps, WebError> {
    let policy = policy(services).await?;
    let rows = services.store.register(&RegisterFilter::default()).await?;
    let drafts = services.store.open_drafts(None).await?;
    let mut due: Vec<(DueState, i64, DueAppRow)> = rows
        .iter()
        .filter_map(|row| {
            let due = due_of(services, &policy, row)?;
            (due.state != DueState::Current).then(|| {
                (
                    due.state,
                    due.days_left,
                    DueAppRow {
                        id: row.app.id.to_string(),
                        name: row.app.name.clone(),
                        opd_name: row.opd_name.clone(),
                        due: format_date(tr.lang(), due.due),
                        due_css: due_css(due.state),
                        due_label: tr.t(due.state.message_key()),
                        has_draft: drafts.iter().any(|draft| draft.app_id == row.app.id),
                        has_case: row.open_cases > 0,
                    },
                )
            })
        })
        .collect();
    due.sort_by_key(|(state, days_left, _)| (std::cmp::Reverse(*state as u8), *days_left));
    Ok(DueApps {
        overdue: due
            .iter()
            .filter(|(state, ..)| *state == DueState::Overdue)
            .count(),
        due_soon: due
            .iter()
            .filter(|(state, ..)| *state == DueState::DueSoon)
            .count(),
        rows: due.into_iter().map(|(_, _, row)| row).collect(),
    })
}

/// The subject, description and notice a confirming request starts with.
pub(crate) fn draft_texts(tr: Tr, draft: &MaintenanceDraft) -> (String, String, String) {
    let due = format_date(tr.lang(), draft.due_date);
    let args = [
        ("app", pelihara_i18n::arg(draft.app_name.as_str())),
        ("date", pelihara_i18n::arg(due.as_str())),
    ];
    (
        tr.t1("register-draft-subject", "app", &draft.app_name),
        pelihara_i18n::t_args(tr.lang(), "register-draft-description", &args),
        tr.t1("register-draft-confirming", "app", &draft.app_name),
    )
}

/// The value of the app choice that means "not registered yet: propose it".
pub(crate) const PROPOSE_VALUE: &str = "usulan";

/// An app proposed with a new request ("aplikasi belum terdaftar"), as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Proposal {
    /// The OPD chose to propose an app.
    pub active: bool,
    pub name: String,
    pub url: String,
    pub description: String,
    /// What is wrong, as messages (shown above the form, with the fields kept).
    pub errors: Vec<String>,
}

impl Proposal {
    /// Reads and checks a proposal with the register's own field rules.
    pub fn read(tr: Tr, active: bool, name: &str, url: &str, description: &str) -> Proposal {
        let mut proposal = Proposal {
            active,
            name: name.trim().to_owned(),
            url: url.trim().to_owned(),
            description: description.trim().to_owned(),
            errors: Vec::new(),
        };
        if active {
            let problems = proposal.fields().problems();
            for (field, key) in problems.0 {
                let label = match field {
                    "name" => tr.t("register-propose-name"),
                    "url" => tr.t("register-propose-url"),
                    _ => tr.t("register-propose-description"),
                };
                proposal.errors.push(format!("{label}: {}", tr.t(key)));
            }
        }
        proposal
    }

    /// The register entry the proposal becomes: status "proposed", the description as notes.
    pub fn fields(&self) -> pelihara_domain::register::AppFields {
        pelihara_domain::register::AppFields {
            name: self.name.clone(),
            url: self.url.clone(),
            status: AppStatus::Proposed.code().to_owned(),
            notes: self.description.clone(),
            ..Default::default()
        }
        .trimmed()
    }
}
