//! `GET /permohonan/{id}/dokumen/{kind}`: the official PDFs of a case (tanda terima, kartu
//! kendali, lembar disposisi, berita acara, the SOP it follows) for whoever may see the case.
//! Another OPD's case is a 404, exactly like the case page.
//!
//! Issuing is lazy: the first download issues the document (a random verification id, the
//! PDF kept in the document store, its SHA-256 in the audit trail); a later download returns
//! the same PDF until the records the document is made from change (a registration, a new or
//! recalled disposition, ...), and then issues a new version that supersedes the old one. So
//! the control card and disposition sheet are (re)issued on the next download after the letter
//! is registered or disposed, not by the engine. This module never decides case rules and
//! never holds SQL.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pelihara_docs::{
    ActingFor, AnalysisPart, ControlCard, DispositionLevel, DispositionSheet, Document,
    DocumentKind, HostingPart, Issue, Letter, Letterhead, MaintenancePart, MaintenanceReport,
    Paper, Party, PresentationPart, Receipt, Setting, Signoff,
};
use pelihara_domain::{CaseId, CaseState, Entry, Record, may_view};
use pelihara_i18n::Lang;
use pelihara_store::{AuditSource, NewIssuedDocument, StoreError};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::shell::Tr;
use crate::state::{AppState, Services};

/// Settings that configure the letterhead (the `settings` table); unset keys keep the
/// Dinkominfo Demak defaults of `Letterhead::default()`.
const KOP_GOVERNMENT: &str = "docs.kop.government";
const KOP_OFFICE: &str = "docs.kop.office";
const KOP_ADDRESS: &str = "docs.kop.address";
const KOP_CONTACT: &str = "docs.kop.contact";
/// SHA-256 of the emblem (SVG/PNG) in the document store.
const KOP_LOGO: &str = "docs.kop.logo_sha256";
/// Where documents say they are made: "Demak, 27 November 2026".
const PLACE: &str = "docs.place";

#[derive(serde::Deserialize)]
pub(crate) struct DocumentQuery {
    /// `a4` (default) or `f4`.
    kertas: Option<String>,
    /// `id` (default: official documents are Indonesian) or `en`.
    bahasa: Option<String>,
}

fn internal(error: impl std::error::Error + Send + Sync + 'static) -> WebError {
    WebError::internal(error)
}

fn store_error(error: StoreError) -> WebError {
    internal(error)
}

/// The same visibility rule as the case page: unknown, malformed and not-visible are one 404.
async fn load_visible(
    services: &Services,
    user: &CurrentUser,
    id: &str,
) -> Result<CaseState, WebError> {
    let id = CaseId::parse(id).ok_or(WebError::NotFound)?;
    let state = services
        .store
        .case_state(id)
        .await
        .map_err(store_error)?
        .ok_or(WebError::NotFound)?;
    if !may_view(&user.actor, &state.case) {
        return Err(WebError::NotFound);
    }
    Ok(state)
}

async fn setting_or(services: &Services, key: &str, default: String) -> Result<String, WebError> {
    Ok(services
        .store
        .setting(key)
        .await
        .map_err(store_error)?
        .filter(|value| !value.trim().is_empty())
        .unwrap_or(default))
}

async fn letterhead(services: &Services) -> Result<Letterhead, WebError> {
    let default = Letterhead::default();
    let logo = match services
        .store
        .setting(KOP_LOGO)
        .await
        .map_err(store_error)?
    {
        Some(digest) => services.blobs.get(digest.trim()).map_err(internal)?,
        None => None,
    };
    Ok(Letterhead {
        government: setting_or(services, KOP_GOVERNMENT, default.government).await?,
        office: setting_or(services, KOP_OFFICE, default.office).await?,
        address: setting_or(services, KOP_ADDRESS, default.address).await?,
        contact: setting_or(services, KOP_CONTACT, default.contact).await?,
        logo,
    })
}

fn position(tr: Tr, code: &str) -> String {
    tr.t(&format!("position-{code}"))
}

/// Dispositions still standing: a recall takes back the disposition just before it.
fn standing_dispositions(state: &CaseState) -> Vec<&Entry> {
    let mut standing: Vec<&Entry> = Vec::new();
    for entry in &state.entries {
        match entry.record {
            Record::Disposition(_) => standing.push(entry),
            Record::Recall { .. } => {
                standing.pop();
            }
            _ => {}
        }
    }
    standing
}

fn signoff(tr: Tr, paraf: &pelihara_domain::Paraf) -> Signoff {
    Signoff {
        name: paraf.signer_name.clone(),
        position: position(tr, &paraf.position),
        acting: paraf.acting.as_ref().map(|acting| ActingFor {
            kind: acting.kind,
            official_name: acting.official_name.clone(),
        }),
        at: paraf.at,
        hash: paraf.hash.clone(),
    }
}

fn entry_signoff(tr: Tr, entry: &Entry, default_position: &str) -> Signoff {
    let (position_code, acting) = match &entry.acting {
        Some(acting) => (
            acting.position.as_str(),
            Some(ActingFor {
                kind: acting.kind,
                official_name: acting.official_name.clone(),
            }),
        ),
        None => (default_position, None),
    };
    Signoff {
        name: entry.by_name.clone(),
        position: position(tr, position_code),
        acting,
        at: entry.at,
        hash: String::new(),
    }
}

/// How many of the case's records the document is made from: a new or recalled disposition
/// changes this count and so makes the next download issue a new version.
fn revision(kind: DocumentKind, state: &CaseState) -> i64 {
    let counts = |record: &Record| match kind {
        DocumentKind::Receipt => matches!(
            record,
            Record::Submission { .. }
                | Record::Resubmitted {
                    letter: Some(_),
                    ..
                }
        ),
        DocumentKind::ControlCard | DocumentKind::DispositionSheet => matches!(
            record,
            Record::Registration { .. } | Record::Disposition(_) | Record::Recall { .. }
        ),
        DocumentKind::MaintenanceReport => matches!(
            record,
            Record::Analysis { .. }
                | Record::Maintenance { .. }
                | Record::Hosting(_)
                | Record::Skipped { .. }
                | Record::Presentation { .. }
                | Record::Acceptance { .. }
        ),
        DocumentKind::Sop => false,
    };
    let count = state
        .entries
        .iter()
        .filter(|entry| counts(&entry.record))
        .count();
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// The names a document prints that live outside the case: OPD, app, submitter.
struct Names {
    opd: String,
    app: String,
    submitted_by: String,
}

async fn names(services: &Services, state: &CaseState) -> Result<Names, WebError> {
    let store = &services.store;
    let opd = store.opd(state.case.opd_id).await.map_err(store_error)?;
    let app = store.app(state.case.app_id).await.map_err(store_error)?;
    let user = store
        .user(state.case.submitted_by)
        .await
        .map_err(store_error)?;
    Ok(Names {
        opd: opd.map(|opd| opd.name).unwrap_or_default(),
        app: app.map(|app| app.name).unwrap_or_default(),
        submitted_by: user.map(|user| user.user.full_name).unwrap_or_default(),
    })
}

fn letter(state: &CaseState, names: &Names) -> Option<Letter> {
    let agenda = state.case.agenda.as_ref()?;
    Some(Letter {
        sender: names.opd.clone(),
        letter_number: agenda.letter_number.clone(),
        letter_date: agenda.letter_date,
        received_at: agenda.received_at,
        agenda_number: agenda.number.clone(),
        classification: agenda.classification.clone(),
        urgency: agenda.urgency,
        confidentiality: agenda.confidentiality,
        subject: state.case.subject.clone(),
    })
}

fn last_entry(state: &CaseState, test: impl Fn(&Record) -> bool) -> Option<&Entry> {
    state.entries.iter().rev().find(|entry| test(&entry.record))
}

/// The inputs of one document, owned so the render can borrow them.
enum Inputs {
    Sheet(DispositionSheet),
    Card(ControlCard),
    Receipt(Receipt),
    Report(Box<MaintenanceReport>),
    Sop(std::sync::Arc<pelihara_sop::SopDefinition>),
}

impl Inputs {
    fn document(&self) -> Document<'_> {
        match self {
            Inputs::Sheet(sheet) => Document::DispositionSheet(sheet),
            Inputs::Card(card) => Document::ControlCard(card),
            Inputs::Receipt(receipt) => Document::Receipt(receipt),
            Inputs::Report(report) => Document::MaintenanceReport(report),
            Inputs::Sop(def) => Document::Sop(def),
        }
    }
}

/// Builds a document's inputs and number; `None` when the case has not got that far.
#[allow(clippy::too_many_arguments)] // The case and what is printed around it; a struct would only rename them.
fn inputs(
    kind: DocumentKind,
    services: &Services,
    tr: Tr,
    state: &CaseState,
    names: &Names,
    office: &str,
    place: &str,
    now: DateTime<Utc>,
) -> Option<(Inputs, String)> {
    let case = &state.case;
    let sop = services.catalog.get(&case.sop_code, case.sop_version)?;
    match kind {
        DocumentKind::Receipt => Some((
            Inputs::Receipt(Receipt {
                tracking_code: case.tracking_code.clone(),
                opd: names.opd.clone(),
                app: names.app.clone(),
                subject: case.subject.clone(),
                submitted_by: names.submitted_by.clone(),
                submitted_at: case.submitted_at,
                letter_file: case.letter.file_name.clone(),
                letter_sha256: case.letter.sha256.clone(),
                place: place.to_owned(),
            }),
            case.tracking_code.clone(),
        )),
        DocumentKind::DispositionSheet => {
            let letter = letter(state, names)?;
            let number = letter.agenda_number.clone();
            let levels = standing_dispositions(state)
                .into_iter()
                .filter_map(|entry| match &entry.record {
                    Record::Disposition(disposition) => Some(DispositionLevel {
                        from_position: position(tr, &disposition.from_position),
                        to_position: position(tr, &disposition.to_position),
                        instructions: disposition.instructions.clone(),
                        note: disposition.note.clone(),
                        paraf: signoff(tr, &disposition.paraf),
                    }),
                    _ => None,
                })
                .collect();
            Some((
                Inputs::Sheet(DispositionSheet {
                    letter,
                    standard_instructions: sop.settings.disposition_instructions.clone(),
                    levels,
                }),
                number,
            ))
        }
        DocumentKind::ControlCard => {
            let letter = letter(state, names)?;
            let number = letter.agenda_number.clone();
            let last =
                standing_dispositions(state)
                    .into_iter()
                    .rev()
                    .find_map(|entry| match &entry.record {
                        Record::Disposition(disposition) => Some(disposition),
                        _ => None,
                    });
            let handler = match state.active_task() {
                Some(task) => match &task.claimed_by_name {
                    Some(name) => format!("{name} ({})", position(tr, &task.position)),
                    None => position(tr, &task.position),
                },
                None => String::new(),
            };
            Some((
                Inputs::Card(ControlCard {
                    index: names.app.clone(),
                    summary: case.subject.clone(),
                    attachments: format!("1 berkas ({})", case.letter.file_name),
                    to: last
                        .map(|disposition| position(tr, &disposition.to_position))
                        .unwrap_or_else(|| office.to_owned()),
                    handler,
                    paraf: last.map(|disposition| signoff(tr, &disposition.paraf)),
                    notes: last
                        .map(|disposition| disposition.note.clone())
                        .unwrap_or_default(),
                    letter,
                }),
                number,
            ))
        }
        DocumentKind::MaintenanceReport => {
            let analysis = last_entry(state, |record| matches!(record, Record::Analysis { .. }));
            analysis?;
            let agenda_number = case
                .agenda
                .as_ref()
                .map(|agenda| agenda.number.clone())
                .unwrap_or_default();
            let presentation = last_entry(state, |record| {
                matches!(record, Record::Presentation { .. })
            });
            let acceptance =
                last_entry(state, |record| matches!(record, Record::Acceptance { .. }));
            let hosting = last_entry(state, |record| {
                matches!(record, Record::Hosting(_)) || matches!(record, Record::Skipped { .. })
            });
            let report = MaintenanceReport {
                tracking_code: case.tracking_code.clone(),
                agenda_number: agenda_number.clone(),
                opd: names.opd.clone(),
                app: names.app.clone(),
                subject: case.subject.clone(),
                analysis: analysis.and_then(|entry| match &entry.record {
                    Record::Analysis {
                        findings,
                        verdict,
                        recommendation,
                    } => Some(AnalysisPart {
                        findings: findings.clone(),
                        verdict: *verdict,
                        recommendation: recommendation.clone(),
                        by: entry.by_name.clone(),
                        at: entry.at,
                    }),
                    _ => None,
                }),
                maintenance: last_entry(state, |record| {
                    matches!(record, Record::Maintenance { .. })
                })
                .and_then(|entry| match &entry.record {
                    Record::Maintenance {
                        work_log,
                        result,
                        version,
                    } => Some(MaintenancePart {
                        work_log: work_log.clone(),
                        result: result.clone(),
                        version: version.clone(),
                        by: entry.by_name.clone(),
                        at: entry.at,
                    }),
                    _ => None,
                }),
                hosting: hosting.and_then(|entry| match &entry.record {
                    Record::Hosting(record) => Some(HostingPart::Done {
                        record: record.clone(),
                        by: entry.by_name.clone(),
                        at: entry.at,
                    }),
                    Record::Skipped { reason } => Some(HostingPart::Skipped {
                        reason: reason.clone(),
                    }),
                    _ => None,
                }),
                presentation: presentation.and_then(|entry| match &entry.record {
                    Record::Presentation {
                        held_at,
                        place,
                        attendees,
                        summary,
                    } => Some(PresentationPart {
                        held_at: *held_at,
                        place: place.clone(),
                        attendees: attendees.clone(),
                        summary: summary.clone(),
                    }),
                    _ => None,
                }),
                acceptance: acceptance.and_then(|entry| match &entry.record {
                    Record::Acceptance { note } => Some(note.clone()),
                    _ => None,
                }),
                dated: acceptance.map(|entry| entry.at).unwrap_or(now),
                place: place.to_owned(),
                first: Party {
                    organisation: office.to_owned(),
                    signoff: presentation.map(|entry| entry_signoff(tr, entry, "subkoor_spa")),
                },
                second: Party {
                    organisation: names.opd.clone(),
                    signoff: acceptance
                        .map(|entry| entry_signoff(tr, entry, pelihara_domain::OPD_POSITION)),
                },
            };
            let number = if agenda_number.is_empty() {
                format!("BA/{}", case.tracking_code)
            } else {
                format!("BA/{agenda_number}")
            };
            Some((Inputs::Report(Box::new(report)), number))
        }
        DocumentKind::Sop => {
            let number = sop.header.number.clone();
            Some((Inputs::Sop(sop), number))
        }
    }
}

fn pdf_response(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

pub(crate) async fn view_permohonan_dokumen_get(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(String, String)>,
    Query(query): Query<DocumentQuery>,
) -> Result<Response, WebError> {
    let services = app.services();
    let state = load_visible(services, &user, &id).await?;
    let kind = DocumentKind::from_code(&kind).ok_or(WebError::NotFound)?;
    let paper = match query.kertas.as_deref() {
        None | Some("") => Paper::A4,
        Some(code) => Paper::from_code(code).ok_or(WebError::NotFound)?,
    };
    let lang = Lang::from_code(query.bahasa.as_deref().unwrap_or("id"));
    let tr = Tr::new(lang);
    let case = &state.case;
    let subject = match kind {
        DocumentKind::Sop => format!("sop:{}:{}", case.sop_code, case.sop_version),
        _ => format!("{}:{}", case.id, lang.code()),
    };
    let file_name = format!(
        "{}-{}-{}.pdf",
        kind.code(),
        case.tracking_code,
        paper.code()
    )
    .replace(['"', '\\', '/'], "_");
    let revision = revision(kind, &state);

    // The current issue still matches the records: hand out the very same PDF.
    let current = services
        .store
        .current_issued_document(kind.code(), &subject, paper.code())
        .await
        .map_err(store_error)?;
    if let Some(current) = current
        && current.source_version == revision
        && let Some(bytes) = services.blobs.get(&current.sha256).map_err(internal)?
    {
        return Ok(pdf_response(bytes, &file_name));
    }

    let now = services.clock.now();
    let letterhead = letterhead(services).await?;
    let place = setting_or(services, PLACE, "Demak".to_owned()).await?;
    let names = names(services, &state).await?;
    let (inputs, number) = inputs(
        kind,
        services,
        tr,
        &state,
        &names,
        &letterhead.office,
        &place,
        now,
    )
    .ok_or(WebError::NotFound)?;
    let verification_id = pelihara_docs::new_verification_id();
    let issue = Issue {
        verify_url: pelihara_docs::verify_url(&app.config().public_base_url, &verification_id),
        id: verification_id.clone(),
        number: number.clone(),
        issued_at: now,
    };
    let setting = Setting {
        letterhead,
        lang,
        time_zone: services.calendar.time_zone,
        paper,
    };
    // Rendering takes tens of milliseconds (see crates/docs tests); done inline.
    let rendered = pelihara_docs::render(inputs.document(), &setting, &issue).map_err(internal)?;
    // Durability before acknowledgement: the PDF is on disk before its issue is recorded.
    let digest = services.blobs.put(&rendered.pdf).map_err(internal)?;
    let source = AuditSource {
        actor_id: Some(user.actor.user.id),
        actor_name: user.actor.user.full_name.clone(),
        address: "web".to_owned(),
    };
    services
        .store
        .issue_document(
            &source,
            &NewIssuedDocument {
                id: verification_id,
                kind: kind.code().to_owned(),
                case_id: (kind != DocumentKind::Sop).then_some(case.id),
                subject,
                paper: paper.code().to_owned(),
                number,
                sha256: digest,
                source_version: revision,
            },
            now,
        )
        .await
        .map_err(store_error)?;
    Ok(pdf_response(rendered.pdf, &file_name))
}
