//! `POST /permohonan/{id}/aksi`: the posted action form, turned into an engine command and
//! carried out; a refusal shows the case page again with the reason.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pelihara_domain::{
    Command, Confidentiality, DocumentRef, HostingRecord, Refusal, RegistrationInput, TaskId,
    Urgency, Verdict,
};
use pelihara_store::StoreError;

use super::case_actions::Refused;
use super::case_page::{Shown, render_case};
use super::letter::{check_letter, read_form};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::forms::MultipartForm;
use crate::pages::load_visible;
use crate::shell::Shell;
use crate::state::{AppState, Services};

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn parse_local_datetime(services: &Services, text: &str) -> Option<DateTime<Utc>> {
    let naive = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").ok()?;
    services
        .calendar
        .snapshot()
        .time_zone
        .from_local_datetime(&naive)
        .single()
        .map(|local| local.with_timezone(&Utc))
}

/// The fields of an action as the page's form and the API's JSON body both give them, so
/// one reading turns either into the engine's command.
pub(crate) trait ActionFields {
    /// The field `name` as text; empty when absent.
    fn text(&self, name: &str) -> String;
    /// Every value of the field `name` (the disposition's instructions).
    fn all(&self, name: &str) -> Vec<String>;
}

impl ActionFields for MultipartForm {
    fn text(&self, name: &str) -> String {
        MultipartForm::text(self, name)
    }

    fn all(&self, name: &str) -> Vec<String> {
        MultipartForm::all(self, name)
    }
}

/// A moment as the form's `datetime-local` field sends it (the office's local time), or as an
/// API client sends it (RFC 3339, with its time zone).
fn parse_moment(services: &Services, text: &str) -> Option<DateTime<Utc>> {
    parse_local_datetime(services, text).or_else(|| {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|moment| moment.with_timezone(&Utc))
    })
}

/// Turns the posted action form (or the API's body) into an engine command; `Err` names what
/// is unreadable.
pub(crate) fn command_from(
    services: &Services,
    form: &impl ActionFields,
    letter: Option<DocumentRef>,
) -> Result<Command, &'static str> {
    let text = |name: &str| form.text(name);
    Ok(match text("aksi").as_str() {
        "register" => Command::RegisterLetter(RegistrationInput {
            classification: text("classification"),
            urgency: match text("urgency").as_str() {
                "segera" => Urgency::Segera,
                "sangat_segera" => Urgency::SangatSegera,
                _ => Urgency::Biasa,
            },
            confidentiality: match text("confidentiality").as_str() {
                "terbatas" => Confidentiality::Terbatas,
                "rahasia" => Confidentiality::Rahasia,
                "sangat_rahasia" => Confidentiality::SangatRahasia,
                _ => Confidentiality::Biasa,
            },
            letter_number: text("letter_number"),
            letter_date: parse_date(&text("letter_date")).ok_or("letter_date")?,
        }),
        "dispose" => Command::Dispose {
            instructions: form.all("instructions"),
            note: text("note"),
        },
        "analysis" => Command::Analyse {
            findings: text("findings"),
            verdict: match text("verdict").as_str() {
                "maintainable" => Verdict::Maintainable,
                "not_maintainable" => Verdict::NotMaintainable,
                _ => return Err("verdict"),
            },
            recommendation: text("recommendation"),
        },
        "maintenance" => Command::Maintain {
            work_log: text("work_log"),
            result: text("result"),
            version: text("version"),
        },
        "hosting" => Command::Host(HostingRecord {
            server: text("server"),
            domain: text("domain"),
            url: text("url"),
            dns_configured: !text("dns_configured").is_empty(),
            certificate_installed: !text("certificate_installed").is_empty(),
            deployed: !text("deployed").is_empty(),
            network_officer: text("network_officer"),
            notes: text("notes"),
        }),
        "handover" => Command::Present {
            held_at: parse_moment(services, &text("held_at")).ok_or("held_at")?,
            place: text("place"),
            attendees: text("attendees"),
            summary: text("summary"),
        },
        "record" => Command::Record { note: text("note") },
        "paraf" => Command::Paraf { note: text("note") },
        "accept" => Command::Accept { note: text("note") },
        "send_back" => Command::SendBack {
            reason: text("reason"),
        },
        "return" => Command::ReturnToOpd {
            reason: text("reason"),
        },
        "reject" => Command::Reject {
            reason: text("reason"),
        },
        "skip" => Command::Skip {
            reason: text("reason"),
        },
        "withdraw" => Command::Withdraw {
            reason: text("reason"),
        },
        "recall" => Command::Recall {
            reason: text("reason"),
        },
        "claim" => Command::Claim,
        "release" => Command::Release,
        "resubmit" => Command::Resubmit {
            note: text("note"),
            letter,
        },
        _ => return Err("aksi"),
    })
}

pub(crate) async fn view_case_action_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let services = state.services();
    let tr = shell.tr;
    let case = load_visible(services, &user, &id).await?;
    let form = read_form(multipart).await?;
    let mut errors = Vec::new();
    let letter = check_letter(form.file("letter"), form.oversized(), tr, &mut errors);
    if !errors.is_empty() {
        let refused = Refused {
            message: errors.join(" "),
            aksi: form.text("aksi"),
            field: "letter".to_owned(),
        };
        return render_case(
            services,
            shell,
            &user,
            case,
            refused,
            Shown::Plain,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let command = match command_from(
        services,
        &form,
        letter.as_ref().map(|letter| letter.document.clone()),
    ) {
        Ok(command) => command,
        Err(field) => {
            let refused = Refused {
                message: tr.t1(
                    "web-error-unreadable-field",
                    "field",
                    tr.t(&format!("field-{field}")),
                ),
                aksi: form.text("aksi"),
                field: field.to_owned(),
            };
            return render_case(
                services,
                shell,
                &user,
                case,
                refused,
                Shown::Plain,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let expected_task = TaskId::parse(&form.text("task_id"));
    let case_id = case.case.id;
    // A letter is written only once the engine accepts the action as it stands now: a
    // refused action (someone without the task, a bad field) leaves no file behind.
    let outcome = if let Some(letter) = &letter {
        let catalog = services.catalog.snapshot();
        let sop = catalog
            .get(&case.case.sop_code, case.case.sop_version)
            .ok_or(WebError::NotFound)?;
        let context = pelihara_domain::Context {
            sop: &sop,
            calendar: &services.calendar.snapshot(),
            now: services.clock.now(),
        };
        match pelihara_domain::apply(context, &case, &user.actor, expected_task, command.clone()) {
            Ok(_) => {
                letter.keep(services).await?;
                None
            }
            Err(refusal) => Some(Err(StoreError::Refused(refusal))),
        }
    } else {
        None
    };
    let outcome = match outcome {
        Some(refused) => refused,
        None => {
            services
                .store
                .act_on(
                    &services.catalog.snapshot(),
                    &services.calendar.snapshot(),
                    &services.identity.snapshot().rules.agenda,
                    case,
                    &user.actor,
                    expected_task,
                    command,
                    services.clock.now(),
                    &user.audit_source(),
                )
                .await
        }
    };
    match outcome {
        Ok(acted) => {
            // Control card and disposition sheet after registering or disposing, the berita
            // acara after acceptance, issued in the background; the action has committed
            // whatever happens to them.
            crate::pages::documents::issue_after_action(&state, &acted, &user.audit_source());
            // The page it lands on says the action was recorded (`role=status`), as the
            // submission's does: a reload alone told nobody anything.
            Ok(Redirect::to(&format!("/permohonan/{case_id}?tersimpan=1")).into_response())
        }
        Err(StoreError::Refused(Refusal::NotFound)) => Err(WebError::NotFound),
        Err(StoreError::Refused(refusal)) => {
            let fresh = load_visible(services, &user, &id).await?;
            let status = match refusal {
                Refusal::AlreadyDone { .. } | Refusal::Conflict => StatusCode::CONFLICT,
                Refusal::NotAllowed { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let refused = Refused {
                message: refusal.message(tr.lang()),
                aksi: form.text("aksi"),
                field: match &refusal {
                    Refusal::Invalid { field, .. } => (*field).to_owned(),
                    _ => String::new(),
                },
            };
            render_case(services, shell, &user, fresh, refused, Shown::Plain, status).await
        }
        Err(other) => Err(WebError::internal(other)),
    }
}
