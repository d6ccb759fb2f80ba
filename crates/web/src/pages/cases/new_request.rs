//! `GET/POST /permohonan/baru`, the new request form of an OPD operator, with its letter.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_domain::{Actor, Role, SubmitInput};
use pelihara_store::StoreError;

use super::letter::{read_form, store_letter};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::{AppState, Services};

/// The SOP an OPD operator's request starts on: the first running SOP whose requester is an
/// OPD (by code; a retired or never published one starts nothing).
fn opd_request_sop(services: &Services) -> Option<std::sync::Arc<pelihara_sop::SopDefinition>> {
    services
        .catalog
        .snapshot()
        .current_all()
        .into_iter()
        .find(|sop| sop.intake.requester == pelihara_sop::Requester::Opd)
}

struct AppOption {
    id: String,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "request_new_partial.html")]
struct RequestNewPartial {
    tr: Tr,
    apps: Vec<AppOption>,
    subject: String,
    description: String,
    errors: Vec<String>,
    /// The draft being confirmed (empty: a new request) and what the page says about it.
    draft_id: String,
    draft_notice: String,
    /// "Aplikasi belum terdaftar": the app is proposed with the request.
    propose: crate::pages::register::maintenance::Proposal,
}

#[derive(Template)]
#[template(path = "request_new.html")]
struct RequestNewPage {
    shell: Shell,
    tr: Tr,
    partial: RequestNewPartial,
}

async fn app_options(
    services: &Services,
    actor: &Actor,
    selected: &str,
) -> Result<Vec<AppOption>, WebError> {
    let opd = actor.user.opd_id.ok_or(WebError::NotFound)?;
    let apps = services.store.list_apps(Some(opd)).await?;
    Ok(apps
        .into_iter()
        .filter(|app| app.status == "active")
        .map(|app| AppOption {
            selected: app.id.to_string() == selected,
            id: app.id.to_string(),
            name: app.name,
        })
        .collect())
}

fn operator_only(user: &CurrentUser) -> Result<(), WebError> {
    if user.actor.user.role == Role::OpdOperator && user.actor.user.opd_id.is_some() {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct NewRequestQuery {
    #[serde(default)]
    draf: String,
}

pub(crate) async fn view_permohonan_baru_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<NewRequestQuery>,
) -> Result<Response, WebError> {
    operator_only(&user)?;
    let services = state.services();
    let tr = shell.tr;
    // Confirming a draft: the form comes filled in for its app; the OPD adds the letter.
    let draft = if query.draf.is_empty() {
        None
    } else {
        Some(
            crate::pages::register::maintenance::operator_draft(services, &user.actor, &query.draf)
                .await?,
        )
    };
    let (selected, subject, description, draft_notice) = match &draft {
        Some(draft) => {
            let (subject, description, notice) =
                crate::pages::register::maintenance::draft_texts(tr, draft);
            (draft.app_id.to_string(), subject, description, notice)
        }
        None => Default::default(),
    };
    let partial = RequestNewPartial {
        tr,
        apps: app_options(services, &user.actor, &selected).await?,
        subject,
        description,
        errors: Vec::new(),
        draft_id: draft.map(|draft| draft.id.to_string()).unwrap_or_default(),
        draft_notice,
        propose: crate::pages::register::maintenance::Proposal::default(),
    };
    page_or_partial(shell, partial, |shell, partial| RequestNewPage {
        tr: shell.tr,
        shell,
        partial,
    })
}

pub(crate) async fn view_permohonan_baru_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    operator_only(&user)?;
    let services = state.services();
    let tr = shell.tr;
    let form = read_form(multipart).await?;
    let app_id = form.text("app_id");
    let mut errors = Vec::new();
    let apps = app_options(services, &user.actor, &app_id).await?;
    // A draft being confirmed must still be this OPD's and open; a stale one is a 404.
    let draft_id = form.text("draft_id");
    let draft = if draft_id.is_empty() {
        None
    } else {
        Some(
            crate::pages::register::maintenance::operator_draft(services, &user.actor, &draft_id)
                .await?,
        )
    };
    let draft_notice = draft
        .as_ref()
        .map(|draft| crate::pages::register::maintenance::draft_texts(tr, draft).2)
        .unwrap_or_default();
    // "Aplikasi belum terdaftar": checked now, created only once everything else is right.
    // Proposing: the "not registered" choice, or no app chosen but a new app's name typed.
    let proposal = crate::pages::register::maintenance::Proposal::read(
        tr,
        draft.is_none()
            && (app_id == crate::pages::register::maintenance::PROPOSE_VALUE
                || (app_id.is_empty() && !form.text("new_app_name").trim().is_empty())),
        &form.text("new_app_name"),
        &form.text("new_app_url"),
        &form.text("new_app_description"),
    );
    let app = if proposal.active {
        // A placeholder: the store gives the proposed app its own id in the same write.
        Some(pelihara_domain::AppId::random())
    } else {
        apps.iter()
            .find(|app| app.id == app_id)
            .and_then(|app| pelihara_domain::AppId::parse(&app.id))
    };
    if app.is_none() {
        errors.push(tr.t("web-error-choose-app"));
    }
    errors.extend(proposal.errors.iter().cloned());
    if form.file("letter").is_none() && !form.oversized() {
        errors.push(tr.t("web-error-letter-required"));
    }
    let letter = store_letter(
        services,
        form.file("letter"),
        form.oversized(),
        tr,
        &mut errors,
    )?;
    let rerender = |errors: Vec<String>, apps: Vec<AppOption>, shell: Shell| {
        let partial = RequestNewPartial {
            tr,
            apps,
            subject: form.text("subject"),
            description: form.text("description"),
            errors,
            draft_id: draft_id.clone(),
            draft_notice: draft_notice.clone(),
            propose: proposal.clone(),
        };
        let response = page_or_partial(shell, partial, |shell, partial| RequestNewPage {
            tr: shell.tr,
            shell,
            partial,
        })?;
        Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
    };
    let (Some(app_id), Some(letter)) = (app, letter) else {
        return rerender(errors, apps, shell);
    };
    if !errors.is_empty() {
        return rerender(errors, apps, shell);
    }
    let sop = opd_request_sop(services).ok_or(WebError::NotFound)?;
    let opd_id = user.actor.user.opd_id.ok_or(WebError::NotFound)?;
    let input = SubmitInput {
        opd_id,
        app_id,
        subject: form.text("subject"),
        description: form.text("description"),
        letter,
        tracking_code: pelihara_domain::new_tracking_code(),
    };
    // The proposed app and the draft's closing are written with the case in one write: bad
    // input (the engine judges it first) or a failure creates none of them.
    let with = pelihara_store::SubmitWith {
        proposed_app: proposal.active.then(|| proposal.fields()),
        draft: draft.as_ref().map(|draft| draft.id),
    };
    let now = services.clock.now();
    match services
        .store
        .submit_request(
            &sop,
            &services.calendar,
            &user.actor,
            input,
            with,
            now,
            &user.audit_source(),
        )
        .await
    {
        Ok(submitted) => {
            // The receipt is issued in the background; the link on the page the OPD lands on
            // issues it itself should the worker not have got to it yet.
            crate::pages::documents::issue_after_action(&state, &submitted, &user.audit_source());
            Ok(Redirect::to(&format!("/permohonan/{}?baru=1", submitted.case.id)).into_response())
        }
        Err(StoreError::Refused(refusal)) => {
            rerender(vec![refusal.message(tr.lang())], apps, shell)
        }
        Err(other) => Err(WebError::internal(other)),
    }
}
