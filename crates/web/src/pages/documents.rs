//! `GET /permohonan/{id}/dokumen/{kind}`: the official PDFs of a case (tanda terima, kartu
//! kendali, lembar disposisi, berita acara, the SOP it follows) for whoever may see the case.
//! Another OPD's case is a 404, exactly like the case page. Also the letterhead (kop) setting
//! the documents print, and the rendering pool.
//!
//! Issuing is eager but in the background: after a case action has committed,
//! [`issue_after_action`] queues the case and the action answers at once; the queue's one
//! worker ([`queue`]) issues the documents whose records changed in the case's latest state
//! (the receipt at submission, the control card and the disposition sheet at registration and
//! at every disposition or recall, the control card also whenever its handler changes, the
//! berita acara when the OPD accepts). A rendering failure there is logged and never undoes or
//! fails the action; the download path stays the fallback: it hands out the current issue
//! while it matches the records and otherwise issues a new version that supersedes the old
//! one. Both issue under one lock per document, so they never issue the same one twice.
//! A render someone waits for (a download) runs on the blocking pool, at most one per core at
//! a time, so it never stalls other requests; the background worker's renders run on one
//! thread at the lowest CPU priority, so they use only the CPU that requests leave idle (under
//! a sustained burst they fall behind, and a download issues whatever is still missing). This
//! module never decides case rules and never holds SQL.

use std::sync::{Arc, OnceLock};

use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use pelihara_documents::{
    ActingFor, AnalysisPart, ControlCard, DispositionLevel, DispositionNote, DispositionSheet,
    Document, DocumentKind, HostingPart, Issue, Letter, Letterhead, MaintenancePart,
    MaintenanceReport, Paper, Party, PresentationPart, Receipt, Setting, Signoff,
};
use pelihara_domain::{CaseId, CaseState, CaseStatus, Entry, Record};
use pelihara_i18n::Lang;
use pelihara_store::{AuditSource, NewIssuedDocument};
use tokio::sync::Semaphore;

use crate::auth::CurrentUser;
use crate::document_queue::{DocumentLocks, IssueJob};
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::load_visible;
use crate::state::{AppState, Services};

/// The setting (in the `settings` table, JSON) that holds the letterhead: see [`LetterheadSetting`].
pub const LETTERHEAD_SETTING: &str = pelihara_store::identity::OFFICE_IDENTITY_SETTING;

/// The office's identity an admin sets on `/admin/kop`: the letterhead, the print defaults and
/// the office's rules (time zone, working hours, agenda number format, which the store reads
/// from the same setting: `pelihara_store::identity`), stored as one JSON setting so that a
/// change is one audited write. Until an admin stores one, the office and
/// government named in the header of the SOP in force stand in ([`LetterheadSetting::from_sop_header`]):
/// the code names no office.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LetterheadSetting {
    /// "Pemerintah Kabupaten Demak" (printed in capitals).
    pub government: String,
    /// "Dinas Komunikasi dan Informatika" (printed in capitals).
    pub office: String,
    /// What people call the office ("Diskominfo"); set at setup or on /admin/kop, may be empty.
    pub short_name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    /// Where documents say they are made: "Demak, 27 November 2026".
    pub place: String,
    /// `a4` or `f4`: the paper of eagerly issued documents and of plain download links; an
    /// unknown or empty value prints on A4.
    pub paper: String,
    /// SHA-256 of the emblem (checked PNG or SVG) in the document store.
    pub logo_sha256: Option<String>,
    /// The IANA name of the office's time zone ("Asia/Jakarta"); empty = the default.
    pub time_zone: String,
    /// Office hours Monday to Sunday; `None` = the civil-service week.
    pub week: Option<pelihara_calendar::WeekSchedule>,
    /// The agenda number format (`{seq:4}/{kode}/{tahun}`); empty = the default.
    pub agenda_format: String,
}

impl LetterheadSetting {
    pub fn paper(&self) -> Paper {
        Paper::from_code(&self.paper).unwrap_or(Paper::A4)
    }

    /// The setting's stored text.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// The setting's value.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::json!({
            "government": self.government,
            "office": self.office,
            "short_name": self.short_name,
            "address": self.address,
            "phone": self.phone,
            "email": self.email,
            "website": self.website,
            "place": self.place,
            "paper": self.paper,
            "logo_sha256": self.logo_sha256,
            "time_zone": self.time_zone,
            "week": self.week,
            "agenda_format": self.agenda_format,
        })
    }

    /// The office's rules this identity names (the defaults for what it leaves empty).
    pub fn rules(&self) -> pelihara_store::OfficeRules {
        pelihara_store::OfficeRules::from_identity(&self.to_value())
    }

    /// The stored setting, or, when none is stored, the letterhead the SOP in force names.
    pub async fn load(services: &Services) -> Result<LetterheadSetting, WebError> {
        if let Some(letterhead_setting) = LetterheadSetting::stored(&services.store).await? {
            return Ok(letterhead_setting);
        }
        let sops = services.catalog.snapshot().current_all();
        Ok(sops
            .first()
            .map(|sop| LetterheadSetting::from_sop_header(&sop.header))
            .unwrap_or_default())
    }

    /// The letterhead an SOP's header implies: its office and government, the place the
    /// government's region is named after ("Pemerintah Kabupaten Demak" makes "Demak"), no
    /// address or contacts (only the admin knows them), A4.
    pub fn from_sop_header(header: &pelihara_sop::Header) -> LetterheadSetting {
        let region = header
            .government
            .trim()
            .strip_prefix("Pemerintah ")
            .unwrap_or(header.government.trim());
        let place = ["Kabupaten ", "Kota ", "Provinsi "]
            .iter()
            .find_map(|kind| region.strip_prefix(kind))
            .unwrap_or(region);
        LetterheadSetting {
            government: header.government.trim().to_owned(),
            office: header.office.trim().to_owned(),
            place: place.trim().to_owned(),
            paper: Paper::A4.code().to_owned(),
            ..LetterheadSetting::default()
        }
    }

    /// The office's name for the page header: "Dinas Komunikasi dan Informatika Kabupaten
    /// Demak" (the office "of" its government's region).
    pub fn office_name(&self) -> String {
        pelihara_store::identity::office_display_name(&self.government, &self.office)
    }

    /// The letterhead the admin stored, if any; a setting that cannot be read (edited by
    /// hand) is logged and counts as none, so the defaults print rather than no document.
    pub async fn stored(
        store: &pelihara_store::Store,
    ) -> Result<Option<LetterheadSetting>, WebError> {
        let Some(text) = store.setting(LETTERHEAD_SETTING).await? else {
            return Ok(None);
        };
        Ok(serde_json::from_str(&text)
            .inspect_err(|error| {
                tracing::warn!(%error, "the letterhead setting is unreadable; printing the defaults");
            })
            .ok())
    }

    /// The letterhead as documents print it, with the logo's bytes from the document store.
    pub(crate) async fn letterhead(&self, services: &Services) -> Result<Letterhead, WebError> {
        let logo = match &self.logo_sha256 {
            Some(digest) => services
                .blobs
                .get(digest.trim())
                .await
                .map_err(WebError::internal)?,
            None => None,
        };
        Ok(Letterhead {
            government: self.government.clone(),
            office: self.office.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
            logo,
        })
    }
}

/// Runs CPU-bound work (a typst render) on tokio's blocking pool, at most one job per core at
/// a time: the async workers keep serving requests, and memory stays bounded under a burst.
pub(crate) async fn off_runtime<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WebError> {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    let permits = PERMITS.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
    });
    let _permit = permits.acquire().await.map_err(WebError::internal)?;
    tokio::task::spawn_blocking(job)
        .await
        .map_err(WebError::internal)
}

/// Who waits for a render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// A person (a download): render now, beside the requests.
    Person,
    /// Nobody (the background worker): render with the CPU the requests leave idle.
    Nobody,
}

/// Runs `job` for `waiting`: see [`off_runtime`] and [`in_background`].
async fn render_for<T: Send + 'static>(
    waiting: Waiting,
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WebError> {
    match waiting {
        Waiting::Person => off_runtime(job).await,
        Waiting::Nobody => in_background(job).await,
    }
}

type BackgroundJob = Box<dyn FnOnce() + Send>;

/// The niceness of the background render thread: the lowest priority, so that a request's
/// thread always wins the CPU from it (on a 2-core server, a burst of actions would otherwise
/// have the worker render on one core all along, halving what requests get).
const BACKGROUND_NICENESS: i32 = 19;

/// Runs `job` on the one background render thread, started at the first call, whose CPU
/// priority is the lowest. If the priority cannot be lowered the thread still renders (and
/// says so once in the log).
pub(crate) async fn in_background<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WebError> {
    static THREAD: OnceLock<Option<std::sync::mpsc::Sender<BackgroundJob>>> = OnceLock::new();
    let queue = THREAD.get_or_init(|| {
        let (queue, jobs) = std::sync::mpsc::channel::<BackgroundJob>();
        std::thread::Builder::new()
            .name("pelihara-background-render".into())
            .spawn(move || {
                // Linux: niceness is per thread, so only this thread is lowered.
                if let Err(error) = rustix::process::nice(BACKGROUND_NICENESS) {
                    tracing::warn!(%error, "background renders run at normal priority");
                }
                for job in jobs {
                    job();
                }
            })
            .map_err(|error| tracing::error!(%error, "no background render thread"))
            .ok()
            .map(|_| queue)
    });
    let Some(queue) = queue else {
        return off_runtime(job).await;
    };
    let (reply, answer) = tokio::sync::oneshot::channel();
    queue
        .send(Box::new(move || {
            let _ = reply.send(job());
        }))
        .map_err(|_| WebError::internal("the background render thread has stopped"))?;
    answer.await.map_err(WebError::internal)
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `a4` (default) or `f4`.
    pub(crate) kertas: Option<String>,
    /// `id` (default: official documents are Indonesian) or `en`.
    pub(crate) bahasa: Option<String>,
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
        // A monitoring form is no case's document (`pages/reports/monitoring.rs` issues it).
        DocumentKind::Sop | DocumentKind::MonitoringForm => false,
    };
    let count = state
        .entries
        .iter()
        .filter(|entry| counts(&entry.record))
        .count();
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    if kind != DocumentKind::ControlCard {
        return count;
    }
    // The card also prints its "Pengolah", which gains names as people claim and do the work
    // without a disposition: its revision is a fingerprint of the count and the handler, so
    // the eager issue after any action and the download both re-issue it exactly when it
    // changed.
    let handler = card_handler(state);
    let digest = pelihara_documents::sha256_hex(
        format!(
            "{count}\n{}\n{}",
            handler.position,
            handler.people.join("\n")
        )
        .as_bytes(),
    );
    // 60 bits of the digest: a positive i64 whatever the hash.
    i64::from_str_radix(&digest[..15], 16).unwrap_or(count)
}

/// Who processes the request, as the control card prints it ("Pengolah").
struct CardHandler<'a> {
    /// The position the dispositions ended at: the last standing disposition's recipient;
    /// empty before the first disposition.
    position: &'a str,
    /// Who did the work there since, in the order they first came: who recorded a step's
    /// work, then whoever holds the open task now; never the OPD's operators.
    people: Vec<&'a str>,
}

fn card_handler(state: &CaseState) -> CardHandler<'_> {
    let Some(last) = standing_dispositions(state).pop() else {
        return CardHandler {
            position: "",
            people: Vec::new(),
        };
    };
    let position = match &last.record {
        Record::Disposition(disposition) => disposition.to_position.as_str(),
        _ => "",
    };
    let not_opd = |task_id: Option<pelihara_domain::TaskId>| {
        !state
            .tasks
            .iter()
            .any(|task| Some(task.id) == task_id && task.position == pelihara_domain::OPD_POSITION)
    };
    let mut people: Vec<&str> = Vec::new();
    let since = state
        .entries
        .iter()
        .skip_while(|entry| entry.id != last.id)
        .skip(1);
    let workers = since
        .filter(|entry| {
            matches!(
                entry.record,
                Record::Analysis { .. }
                    | Record::Maintenance { .. }
                    | Record::Hosting(_)
                    | Record::Skipped { .. }
                    | Record::Presentation { .. }
                    | Record::Note { .. }
                    | Record::SentBack { .. }
                    | Record::Returned { .. }
                    | Record::Rejected { .. }
            ) && not_opd(entry.task_id)
        })
        .map(|entry| entry.by_name.as_str());
    let now = state
        .active_task()
        .filter(|task| task.position != pelihara_domain::OPD_POSITION)
        .and_then(|task| task.claimed_by_name.as_deref());
    for name in workers.chain(now) {
        if !people.contains(&name) {
            people.push(name);
        }
    }
    CardHandler { position, people }
}

/// The names a document prints that live outside the case: OPD, app, submitter.
struct Names {
    opd: String,
    app: String,
    submitted_by: String,
}

async fn names(services: &Services, state: &CaseState) -> Result<Names, WebError> {
    let store = &services.store;
    let opd = match state.case.opd_id {
        Some(opd) => store.opd(opd).await?,
        None => None,
    };
    let app = match state.case.app_id {
        Some(app) => store.app(app).await?,
        None => None,
    };
    let user = store.user(state.case.submitted_by).await?;
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
    Card(Box<ControlCard>),
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
    public_base_url: &str,
    now: DateTime<Utc>,
) -> Option<(Inputs, String)> {
    let case = &state.case;
    let sop = services
        .catalog
        .snapshot()
        .get(&case.sop_code, case.sop_version)?;
    match kind {
        DocumentKind::Receipt => Some((
            Inputs::Receipt(Receipt {
                tracking_code: case.tracking_code.clone(),
                tracking_url: pelihara_documents::tracking_url(
                    public_base_url,
                    &case.tracking_code,
                ),
                opd: names.opd.clone(),
                app: names.app.clone(),
                subject: case.subject.clone(),
                submitted_by: names.submitted_by.clone(),
                submitted_at: case.submitted_at,
                // A case without a letter (its SOP asks none) acknowledges the request alone.
                letter_file: case
                    .letter
                    .as_ref()
                    .map(|letter| letter.file_name.clone())
                    .unwrap_or_default(),
                letter_sha256: case
                    .letter
                    .as_ref()
                    .map(|letter| letter.sha256.clone())
                    .unwrap_or_default(),
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
            let handler = card_handler(state);
            Some((
                Inputs::Card(Box::new(ControlCard {
                    index: names.app.clone(),
                    summary: case.subject.clone(),
                    attachments: case
                        .letter
                        .as_ref()
                        .map(|letter| format!("1 berkas ({})", letter.file_name))
                        .unwrap_or_else(|| "-".to_owned()),
                    to: last
                        .map(|disposition| position(tr, &disposition.to_position))
                        .unwrap_or_else(|| office.to_owned()),
                    handler: match handler.position {
                        "" => String::new(),
                        code => position(tr, code),
                    },
                    handled_by: handler
                        .people
                        .iter()
                        .map(|name| (*name).to_owned())
                        .collect(),
                    paraf: last.map(|disposition| signoff(tr, &disposition.paraf)),
                    // Every standing disposition's note, as the disposition sheet prints them.
                    notes: standing_dispositions(state)
                        .into_iter()
                        .filter_map(|entry| match &entry.record {
                            Record::Disposition(disposition) => Some(DispositionNote {
                                from_position: position(tr, &disposition.from_position),
                                note: disposition.note.clone(),
                            }),
                            _ => None,
                        })
                        .collect(),
                    letter,
                })),
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
            // The office signs as the position whose task the presentation completed: the
            // SOP's performer of its handover step, whatever the SOP calls it.
            let presenter_position = presentation
                .and_then(|entry| entry.task_id)
                .and_then(|id| state.tasks.iter().find(|task| task.id == id))
                .map(|task| task.position.clone())
                .unwrap_or_default();
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
                    signoff: presentation
                        .map(|entry| entry_signoff(tr, entry, &presenter_position)),
                },
                second: Party {
                    organisation: names.opd.clone(),
                    signoff: acceptance
                        .map(|entry| entry_signoff(tr, entry, pelihara_domain::OPD_POSITION)),
                },
                survey: None,
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
        // Not a case's document: its download on a case is a 404.
        DocumentKind::MonitoringForm => None,
    }
}

/// The current issue's PDF when it was made from `revision` of the records.
async fn current_bytes(
    services: &Services,
    kind: DocumentKind,
    subject: &str,
    paper: Paper,
    revision: i64,
) -> Result<Option<Vec<u8>>, WebError> {
    let current = services
        .store
        .current_issued_document(kind.code(), subject, paper.code())
        .await?;
    match current {
        Some(current) if current.source_version == revision => services
            .blobs
            .get(&current.sha256)
            .await
            .map_err(WebError::internal),
        _ => Ok(None),
    }
}

/// The document of `kind` for a case: the current issue while it still matches the records
/// it is made from, else a fresh issue (rendered off the runtime, the PDF kept before its
/// issue is recorded, superseding the previous one). `None` when the case has not got that
/// far (no agenda yet for the control card, no analysis for the berita acara).
pub(crate) async fn current_or_issue(
    app: &AppState,
    state: &CaseState,
    kind: DocumentKind,
    paper: Paper,
    lang: Lang,
    source: &AuditSource,
    waiting: Waiting,
) -> Result<Option<Vec<u8>>, WebError> {
    let services = app.services();
    let case = &state.case;
    let subject = match kind {
        DocumentKind::Sop => format!("sop:{}:{}", case.sop_code, case.sop_version),
        _ => format!("{}:{}", case.id, lang.code()),
    };
    let revision = revision(kind, state);
    if let Some(bytes) = current_bytes(services, kind, &subject, paper, revision).await? {
        return Ok(Some(bytes));
    }
    // Whoever comes second (the background worker or a download) waits here and then finds
    // the first one's issue current, instead of rendering and issuing it again.
    let _held = DocumentLocks::lock(
        app.document_locks(),
        format!("{}\n{subject}\n{}", kind.code(), paper.code()),
    )
    .await;
    if let Some(bytes) = current_bytes(services, kind, &subject, paper, revision).await? {
        return Ok(Some(bytes));
    }

    let now = services.clock.now();
    let letterhead_setting = LetterheadSetting::load(services).await?;
    let letterhead = letterhead_setting.letterhead(services).await?;
    let names = names(services, state).await?;
    let tr = Tr::new(lang);
    let Some((mut inputs, number)) = inputs(
        kind,
        services,
        tr,
        state,
        &names,
        &letterhead.office,
        &letterhead_setting.place,
        &app.config().public_base_url,
        now,
    ) else {
        return Ok(None);
    };
    // The berita acara of an accepted case carries the OPD's survey link, a fresh one per
    // issue (only its hash is stored).
    if let Inputs::Report(report) = &mut inputs {
        report.survey = crate::pages::skm::survey::link_for_document(app, case.id, now).await?;
    }
    let verification_id = pelihara_documents::new_verification_id();
    let issue = Issue {
        verify_url: pelihara_documents::verify_url(&app.config().public_base_url, &verification_id),
        id: verification_id.clone(),
        number: number.clone(),
        issued_at: now,
    };
    let setting = Setting {
        letterhead,
        lang,
        time_zone: services.calendar.snapshot().time_zone,
        paper,
    };
    let rendered = render_for(waiting, move || {
        pelihara_documents::render(inputs.document(), &setting, &issue)
    })
    .await?
    .map_err(WebError::internal)?;
    tracing::debug!(
        kind = kind.code(),
        ms = rendered.elapsed.as_millis(),
        "document rendered"
    );
    // Durability before acknowledgement: the PDF is on disk before its issue is recorded.
    let digest = services
        .blobs
        .put(&rendered.pdf)
        .await
        .map_err(WebError::internal)?;
    services
        .store
        .issue_document(
            source,
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
        .await?;
    Ok(Some(rendered.pdf))
}

/// The documents a case has reached and that are issued without waiting for a download.
pub(crate) fn eager_kinds(state: &CaseState) -> Vec<DocumentKind> {
    let mut kinds = vec![DocumentKind::Receipt];
    if state.case.agenda.is_some() {
        kinds.extend([DocumentKind::ControlCard, DocumentKind::DispositionSheet]);
    }
    // The berita acara is made of the analysis and the maintenance: an SOP without them has none.
    let analysed = state
        .entries
        .iter()
        .any(|entry| matches!(entry.record, Record::Analysis { .. }));
    if state.case.status == CaseStatus::Done && analysed {
        kinds.push(DocumentKind::MaintenanceReport);
    }
    kinds
}

/// Called after a case action has committed (submission, registration, disposition, recall,
/// acceptance, ...): queues the case so that the background worker issues its documents, and
/// returns at once. Never fails and never waits for a render: the action stands whatever
/// happens to its documents.
pub(crate) fn issue_after_action(app: &AppState, state: &CaseState, source: &AuditSource) {
    app.document_queue()
        .enqueue(state.case.id, source.clone(), &issuing(app));
}

/// The worker's job, [`issue_latest`], holding the state only weakly: the worker must not keep
/// the application alive (dropping the state stops it).
fn issuing(app: &AppState) -> IssueJob {
    let app = app.downgrade();
    Arc::new(move |case, source| {
        let state = app.upgrade()?;
        Some(Box::pin(async move {
            issue_latest(&state, case, &source).await;
        }))
    })
}

/// The worker's job: issues, in Indonesian on the office's paper, every document whose records
/// changed in the case's latest state (so actions queued together are issued once); the
/// others keep their current issue. A failure is logged; the download path issues it later.
async fn issue_latest(app: &AppState, case: CaseId, source: &AuditSource) {
    let services = app.services();
    let state = match services.store.case_state(case).await {
        Ok(Some(state)) => state,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(%case, %error, "documents not issued: the case could not be read");
            return;
        }
    };
    let paper = match LetterheadSetting::load(services).await {
        Ok(letterhead_setting) => letterhead_setting.paper(),
        Err(error) => {
            tracing::warn!(%case, ?error, "documents not issued: the letterhead could not be read");
            return;
        }
    };
    for kind in eager_kinds(&state) {
        if let Err(error) =
            current_or_issue(app, &state, kind, paper, Lang::Id, source, Waiting::Nobody).await
        {
            tracing::warn!(
                %case,
                kind = kind.code(),
                ?error,
                "document not issued after the action; the next download issues it"
            );
        }
    }
}

pub(crate) async fn view_permohonan_dokumen_get(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(String, String)>,
    Query(query): Query<DocumentQuery>,
) -> Result<Response, WebError> {
    let source = user.audit_source();
    document_response(&app, &user, &source, &id, &kind, &query).await
}

/// The official document `kind` of case `id` as a PDF response, issued now if it is not yet
/// current, if `user` may see the case (the page's link and the API's download alike);
/// `source` is who the issue is recorded for.
pub(crate) async fn document_response(
    app: &AppState,
    user: &CurrentUser,
    source: &AuditSource,
    id: &str,
    kind: &str,
    query: &DocumentQuery,
) -> Result<Response, WebError> {
    let services = app.services();
    let state = load_visible(services, user, id).await?;
    let kind = DocumentKind::from_code(kind).ok_or(WebError::NotFound)?;
    let paper = match query.kertas.as_deref() {
        None | Some("") => LetterheadSetting::load(services).await?.paper(),
        Some(code) => Paper::from_code(code).ok_or(WebError::NotFound)?,
    };
    let lang = Lang::from_code(query.bahasa.as_deref().unwrap_or("id"));
    let file_name = format!(
        "{}-{}-{}.pdf",
        kind.code(),
        state.case.tracking_code,
        paper.code()
    )
    .replace(['"', '\\', '/'], "_");
    let pdf = current_or_issue(app, &state, kind, paper, lang, source, Waiting::Person)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(crate::download::file_response(
        pdf,
        "application/pdf",
        &format!("inline; filename=\"{file_name}\""),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// The background worker's renders run on a thread at the lowest priority, and lowering
    /// it touched only that thread: a download's render still runs at the process's own.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn background_renders_yield_the_cpu_and_downloads_do_not() {
        let niceness = || rustix::process::getpriority_process(None).unwrap();
        let background = render_for(Waiting::Nobody, niceness).await.unwrap();
        let download = render_for(Waiting::Person, niceness).await.unwrap();
        assert_eq!(background, BACKGROUND_NICENESS);
        assert_eq!(download, niceness(), "the process itself is not lowered");
        assert_ne!(download, BACKGROUND_NICENESS);
    }

    /// Before an admin stores a letterhead, the SOP's header names the office, its
    /// government and the place documents are made; the code names none.
    #[test]
    fn the_letterhead_comes_from_the_sop_header_until_one_is_stored() {
        let shipped = pelihara_sop::parse_definition("shipped", pelihara_sop::SHIPPED_SOP).unwrap();
        let mut header = shipped.header;
        for (government, place, name) in [
            (
                "Pemerintah Kabupaten Demak",
                "Demak",
                "Dinas Komunikasi dan Informatika Kabupaten Demak",
            ),
            (
                "Pemerintah Kota Semarang",
                "Semarang",
                "Dinas Komunikasi dan Informatika Kota Semarang",
            ),
            (
                " Pemerintah Provinsi Jawa Tengah ",
                "Jawa Tengah",
                "Dinas Komunikasi dan Informatika Provinsi Jawa Tengah",
            ),
            (
                "Badan Pusat Statistik",
                "Badan Pusat Statistik",
                "Dinas Komunikasi dan Informatika Badan Pusat Statistik",
            ),
        ] {
            header.government = government.to_owned();
            let letterhead_setting = LetterheadSetting::from_sop_header(&header);
            assert_eq!(letterhead_setting.place, place);
            assert_eq!(letterhead_setting.government, government.trim());
            assert_eq!(letterhead_setting.office_name(), name);
            assert_eq!(
                letterhead_setting.address, "",
                "only the admin knows the address"
            );
            assert_eq!(letterhead_setting.paper(), Paper::A4);
        }
    }
}
