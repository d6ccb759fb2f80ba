//! `GET/POST /permohonan/baru`, the start form of a case: a chooser of the SOPs the signed-in
//! person may start, then the chosen SOP's form as its `[intake]` says (the letter and the app
//! where it asks for them, its extra fields by kind). The engine judges what is sent.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_domain::{Actor, AppId, Refusal, SubmitInput, may_start};
use pelihara_sop::{FieldKind, Need, Requester, SopDefinition};
use pelihara_store::StoreError;

use super::letter::{check_letter, read_form};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::forms::{FormErrors, MultipartForm};
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::pages::register::maintenance::{PROPOSE_VALUE, Proposal, draft_texts, operator_draft};
use crate::shell::Shell;
use crate::state::{AppState, Services};

/// The SOPs `actor` may start a case of now, by title: the current version of each SOP the
/// office runs (published and not retired). The page reads the catalog for this here and
/// nowhere else.
pub(crate) fn startable_sops(services: &Services, actor: &Actor) -> Vec<Arc<SopDefinition>> {
    let now = services.clock.now();
    let mut sops: Vec<Arc<SopDefinition>> = services
        .catalog
        .snapshot()
        .current_all()
        .into_iter()
        .filter(|sop| may_start(sop, actor, now))
        .collect();
    sops.sort_by(|a, b| a.header.title.cmp(&b.header.title));
    sops
}

/// Which SOP's form a request is for: the one named (`sop=CODE`), else the only one the
/// person may start. A maintenance draft being confirmed is for an SOP whose cases count as
/// maintenance. `None`: there is a choice to make.
pub(crate) fn chosen_sop(
    startable: &[Arc<SopDefinition>],
    code: &str,
    confirming_draft: bool,
) -> Result<Option<Arc<SopDefinition>>, WebError> {
    if startable.is_empty() {
        return Err(WebError::NotFound);
    }
    if !code.is_empty() {
        return startable
            .iter()
            .find(|sop| sop.header.code == code)
            .cloned()
            .map(Some)
            .ok_or(WebError::NotFound);
    }
    if confirming_draft {
        return startable
            .iter()
            .find(|sop| sop.intake.maintenance)
            .cloned()
            .map(Some)
            .ok_or(WebError::NotFound);
    }
    Ok(match startable {
        [only] => Some(only.clone()),
        _ => None,
    })
}

struct SopChoice {
    code: String,
    title: String,
    number: String,
}

#[derive(Template)]
#[template(path = "request_choose_partial.html")]
struct RequestChoosePartial {
    tr: Tr,
    sops: Vec<SopChoice>,
}

pub(crate) struct AppOption {
    pub(crate) id: String,
    name: String,
    selected: bool,
}

/// One extra field of the start form, as the template draws it.
struct FieldView {
    /// The form field's name (`intake_` and the SOP's field id).
    name: String,
    label: String,
    /// `text`, `textarea`, `number`, `date` or `select`.
    kind: &'static str,
    required: bool,
    value: String,
    /// (value, selected) for a `select`.
    choices: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "request_new_partial.html")]
struct RequestNewPartial {
    tr: Tr,
    sop_code: String,
    sop_title: String,
    /// Whether the form asks for an app, and whether it must be given.
    ask_app: bool,
    app_required: bool,
    apps: Vec<AppOption>,
    subject: String,
    description: String,
    /// Whether the form asks for the letter, and whether it must be given.
    ask_letter: bool,
    letter_required: bool,
    fields: Vec<FieldView>,
    /// What is wrong: beside its field (by form field name), or above the form.
    errors: FormErrors,
    /// The draft being confirmed (empty: a new request) and what the page says about it.
    draft_id: String,
    draft_notice: String,
    /// "Aplikasi belum terdaftar": offered to an OPD's operator, the app is proposed with
    /// the request.
    may_propose: bool,
    propose: Proposal,
}

impl RequestNewPartial {
    /// The empty form of `sop`, its app select filled for `actor`.
    async fn new(
        services: &Services,
        tr: Tr,
        sop: &SopDefinition,
        actor: &Actor,
        selected_app: &str,
    ) -> Result<RequestNewPartial, WebError> {
        let intake = &sop.intake;
        let ask_app = intake.app != Need::None;
        let apps = if ask_app {
            app_options(services, sop, actor, selected_app).await?
        } else {
            Vec::new()
        };
        Ok(RequestNewPartial {
            tr,
            sop_code: sop.header.code.clone(),
            sop_title: sop.header.title.clone(),
            ask_app,
            app_required: intake.app == Need::Required,
            apps,
            subject: String::new(),
            description: String::new(),
            ask_letter: intake.letter != Need::None,
            letter_required: intake.letter == Need::Required,
            fields: field_views(sop, None),
            errors: FormErrors::new(),
            draft_id: String::new(),
            draft_notice: String::new(),
            may_propose: ask_app && intake.requester == Requester::Opd,
            propose: Proposal::default(),
        })
    }

    /// Puts the engine's refusal beside the field it is about, or above the form when the
    /// form does not show that field.
    fn place_refusal(&mut self, refusal: &Refusal, tr: Tr) {
        let message = refusal.message(tr.lang());
        match refusal_field(refusal, self.ask_app, self.ask_letter) {
            Some(name) => self.errors.field(&name, message),
            None => self.errors.form(message),
        }
    }
}

/// The form field a refusal of the engine is about (`subject`, `app_id`, `letter`,
/// `intake_<id>`), or `None` when it is about the request as a whole or a field the form
/// does not show. The page and the API name fields alike.
pub(crate) fn refusal_field(refusal: &Refusal, ask_app: bool, ask_letter: bool) -> Option<String> {
    match refusal {
        Refusal::InvalidIntake { field, .. } => Some(intake_name(field)),
        Refusal::Invalid { field, .. } => match *field {
            "subject" | "description" => Some((*field).to_owned()),
            "app" if ask_app => Some("app_id".to_owned()),
            "letter" if ask_letter => Some("letter".to_owned()),
            _ => None,
        },
        _ => None,
    }
}

/// The apps a request may be about: an OPD's own active apps for an OPD's request, else
/// every active app of the register.
pub(crate) async fn app_options(
    services: &Services,
    sop: &SopDefinition,
    actor: &Actor,
    selected: &str,
) -> Result<Vec<AppOption>, WebError> {
    let opd = match sop.intake.requester {
        Requester::Opd => Some(actor.user.opd_id.ok_or(WebError::NotFound)?),
        Requester::Employee | Requester::Position(_) => None,
    };
    let apps = services.store.list_apps(opd).await?;
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

pub(crate) fn intake_name(id: &str) -> String {
    format!("intake_{id}")
}

/// The SOP's extra fields, with the values sent (`form`) where there are some.
fn field_views(sop: &SopDefinition, form: Option<&MultipartForm>) -> Vec<FieldView> {
    sop.intake
        .fields
        .iter()
        .map(|field| {
            let name = intake_name(&field.id);
            let value = form.map(|form| form.text(&name)).unwrap_or_default();
            FieldView {
                kind: match field.kind {
                    FieldKind::Text => "text",
                    FieldKind::LongText => "textarea",
                    FieldKind::Number => "number",
                    FieldKind::Date => "date",
                    FieldKind::Choice => "select",
                },
                choices: field
                    .choices
                    .iter()
                    .map(|choice| (choice.clone(), *choice == value))
                    .collect(),
                name,
                label: field.label.clone(),
                required: field.required,
                value,
            }
        })
        .collect()
}

fn render_form(shell: Shell, partial: RequestNewPartial) -> Result<Response, WebError> {
    page_or_partial(shell, partial, |tr, _| tr.t("web-title-request_new"))
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct NewRequestQuery {
    #[serde(default)]
    draf: String,
    #[serde(default)]
    sop: String,
}

pub(crate) async fn view_new_request_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<NewRequestQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let startable = startable_sops(services, &user.actor);
    let Some(sop) = chosen_sop(&startable, &query.sop, !query.draf.is_empty())? else {
        let partial = RequestChoosePartial {
            tr,
            sops: startable
                .iter()
                .map(|sop| SopChoice {
                    code: sop.header.code.clone(),
                    title: sop.header.title.clone(),
                    number: sop.header.number.clone(),
                })
                .collect(),
        };
        return page_or_partial(shell, partial, |tr, _| tr.t("web-title-request_new"));
    };
    // Confirming a draft: the form comes filled in for its app; the OPD adds the letter.
    let draft = if query.draf.is_empty() {
        None
    } else {
        Some(operator_draft(services, &user.actor, &query.draf).await?)
    };
    let selected = draft
        .as_ref()
        .map(|draft| draft.app_id.to_string())
        .unwrap_or_default();
    let mut partial = RequestNewPartial::new(services, tr, &sop, &user.actor, &selected).await?;
    if let Some(draft) = &draft {
        let (subject, description, notice) = draft_texts(tr, draft);
        partial.subject = subject;
        partial.description = description;
        partial.draft_notice = notice;
        partial.draft_id = draft.id.to_string();
        partial.may_propose = false;
    }
    render_form(shell, partial)
}

pub(crate) async fn view_new_request_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    // Someone who may start nothing gets a 404 before their form is read.
    let startable = startable_sops(services, &user.actor);
    if startable.is_empty() {
        return Err(WebError::NotFound);
    }
    let form = read_form(multipart).await?;
    // A draft being confirmed must still be this OPD's and open; a stale one is a 404.
    let draft_id = form.text("draft_id");
    let sop = chosen_sop(&startable, &form.text("sop"), !draft_id.is_empty())?
        .ok_or(WebError::NotFound)?;
    let draft = if draft_id.is_empty() {
        None
    } else {
        Some(operator_draft(services, &user.actor, &draft_id).await?)
    };
    let app_id = form.text("app_id");
    let mut partial = RequestNewPartial::new(services, tr, &sop, &user.actor, &app_id).await?;
    partial.subject = form.text("subject");
    partial.description = form.text("description");
    partial.fields = field_views(&sop, Some(&form));
    partial.draft_id = draft_id.clone();
    partial.draft_notice = draft
        .as_ref()
        .map(|draft| draft_texts(tr, draft).2)
        .unwrap_or_default();
    partial.may_propose = partial.may_propose && draft.is_none();

    // "Aplikasi belum terdaftar": checked now, created only once everything else is right.
    // Proposing: the "not registered" choice, or no app chosen but a new app's name typed.
    let proposal = Proposal::read(
        tr,
        partial.may_propose
            && (app_id == PROPOSE_VALUE
                || (app_id.is_empty() && !form.text("new_app_name").trim().is_empty())),
        &form.text("new_app_name"),
        &form.text("new_app_url"),
        &form.text("new_app_description"),
    );
    let app = if !partial.ask_app {
        None
    } else if proposal.active {
        // A placeholder: the store gives the proposed app its own id in the same write.
        Some(AppId::random())
    } else {
        partial
            .apps
            .iter()
            .find(|app| app.id == app_id)
            .and_then(|app| AppId::parse(&app.id))
    };
    if app.is_none() && partial.app_required {
        partial.errors.field("app_id", tr.t("web-error-choose-app"));
    }
    for message in &proposal.errors {
        partial.errors.form(message.clone());
    }
    let letter = if partial.ask_letter {
        let mut problems = Vec::new();
        if partial.letter_required && form.file("letter").is_none() && !form.oversized() {
            problems.push(tr.t("web-error-letter-required"));
        }
        let letter = check_letter(form.file("letter"), form.oversized(), tr, &mut problems);
        for message in problems {
            partial.errors.field("letter", message);
        }
        letter
    } else {
        None
    };
    let rerender = |mut partial: RequestNewPartial, shell: Shell| {
        partial.propose = proposal.clone();
        let response = render_form(shell, partial)?;
        Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
    };
    if !partial.errors.is_empty() {
        return rerender(partial, shell);
    }
    let opd_id = match sop.intake.requester {
        Requester::Opd => Some(user.actor.user.opd_id.ok_or(WebError::NotFound)?),
        Requester::Employee | Requester::Position(_) => None,
    };
    let input = SubmitInput {
        opd_id,
        app_id: app,
        subject: form.text("subject"),
        description: form.text("description"),
        letter: letter.as_ref().map(|letter| letter.document.clone()),
        intake: sop
            .intake
            .fields
            .iter()
            .map(|field| (field.id.clone(), form.text(&intake_name(&field.id))))
            .collect(),
        tracking_code: pelihara_domain::new_tracking_code(),
    };
    // The proposed app and the draft's closing are written with the case in one write: bad
    // input (the engine judges it first) or a failure creates none of them.
    let with = pelihara_store::SubmitWith {
        proposed_app: proposal.active.then(|| proposal.fields()),
        draft: draft.as_ref().map(|draft| draft.id),
        idempotency: None,
    };
    let now = services.clock.now();
    // The letter is written only once the engine accepts the request as it is: a refused one
    // leaves no file behind.
    if let Some(letter) = &letter {
        let context = pelihara_domain::Context {
            sop: &sop,
            calendar: &services.calendar.snapshot(),
            now,
        };
        if let Err(refusal) = pelihara_domain::submit(context, &user.actor, input.clone()) {
            partial.place_refusal(&refusal, tr);
            return rerender(partial, shell);
        }
        letter.keep(services).await?;
    }
    match services
        .store
        .submit_request(
            &sop,
            &services.calendar.snapshot(),
            &user.actor,
            input,
            with,
            now,
            &user.audit_source(),
        )
        .await
    {
        Ok(submitted) => {
            // The receipt is issued in the background; the link on the page the requester
            // lands on issues it itself should the worker not have got to it yet.
            crate::pages::documents::issue_after_action(&state, &submitted, &user.audit_source());
            Ok(Redirect::to(&format!("/permohonan/{}?baru=1", submitted.case.id)).into_response())
        }
        Err(StoreError::Refused(refusal)) => {
            partial.place_refusal(&refusal, tr);
            rerender(partial, shell)
        }
        Err(other) => Err(WebError::internal(other)),
    }
}
