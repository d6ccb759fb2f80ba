//! The store contract: the same suite on SQLite (a fresh file per test) and on PostgreSQL (a
//! fresh database per test on the server at PELIHARA_TEST_POSTGRES_URL). Walks cases through
//! the whole Demak SOP and its detours, races 100 completions of one task, draws agenda
//! numbers concurrently, and tampers with the audit trail.

// A failed unwrap is the failure report a test wants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;
use pelihara_calendar::WorkingCalendar;
use pelihara_domain::agenda::AgendaFormat;
use pelihara_domain::*;
use pelihara_store::people::NewUser;
use pelihara_store::register::NewApp;
use pelihara_store::{AuditSource, BlobStore, SopCatalog, Store, StoreError, VerifyProblem};
use sqlx::Connection;

/// Declares each named test twice, `sqlite::NAME` and `postgres::NAME`, each running the
/// function `NAME(harness)` of the calling module on a fresh database of that backend (the
/// PostgreSQL one is skipped without a test server, see `postgres_url`). The calling module
/// names `harness` in scope. `workers = N;` gives the runtime more threads, for tests whose
/// racers must really run at once.
macro_rules! contract {
    (workers = $workers:literal; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = $workers)]
                async fn $name() {
                    super::$name(super::harness("sqlite").await.unwrap()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = $workers)]
                async fn $name() {
                    if let Some(harness) = super::harness("postgres").await {
                        super::$name(harness).await;
                    }
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        contract!(workers = 2; $($name),*);
    };
}

// The working calendar read from the database on every node; holiday edits move due moments.
#[path = "contract/calendar.rs"]
mod calendar_contract;
#[path = "contract/case_list.rs"]
mod case_list_contract;
#[path = "contract/compliance.rs"]
mod compliance_contract;
#[path = "contract/documents.rs"]
mod documents_contract;
// Cases of other SOPs: no OPD, no app, no letter, the start form's fields.
// The office's identity (name, time zone, working hours, agenda format) on every node.
#[path = "contract/identity.rs"]
mod identity_contract;
#[path = "contract/intake.rs"]
mod intake_contract;
#[path = "contract/maintenance.rs"]
mod maintenance_contract;
// The SOP monitoring forms: assessor grants, drafts, one seal.
#[path = "contract/monitoring.rs"]
mod monitoring_contract;
#[path = "contract/notifications.rs"]
mod notifications;
#[path = "contract/people.rs"]
mod people_contract;
#[path = "contract/register.rs"]
mod register_contract;
#[path = "contract/reminders.rs"]
mod reminders_contract;
#[path = "contract/sign_in.rs"]
mod sign_in;
#[path = "contract/skm.rs"]
mod skm_contract;
#[path = "contract/sop_versions.rs"]
mod sop_versions_contract;
// Password recovery links.
#[path = "contract/recovery.rs"]
mod recovery_contract;
// The per-client limits of public pages; tracking numbers as typed.
#[path = "contract/throttle.rs"]
mod throttle_contract;
// API tokens and the idempotency keys of API submissions.
#[path = "contract/tokens.rs"]
mod tokens_contract;
// The first run (setup links, the first administrator) and the import of OPDs and users.
#[path = "contract/setup.rs"]
mod setup_contract;
// Two-factor sign-in: TOTP steps used once, recovery codes once, the roles' requirement.
#[path = "contract/sso.rs"]
mod sso_contract;
#[path = "contract/totp.rs"]
mod totp_contract;

const SOP_TEXT: &str = include_str!("../../../sop/pemeliharaan-aplikasi-website.toml");

fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Jakarta
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

struct Harness {
    store: Store,
    url: String,
    _dir: tempfile::TempDir,
    blobs: BlobStore,
    catalog: SopCatalog,
    sop: Arc<pelihara_sop::SopDefinition>,
    calendar: WorkingCalendar,
    agenda: AgendaFormat,
    opd: OpdId,
    other_opd: OpdId,
    app: AppId,
    operator: Actor,
    other_operator: Actor,
    pelaksana: Actor,
    kadis: Actor,
    sekretaris: Actor,
    kabid: Actor,
    subkoor: Actor,
}

/// A fresh database on the PostgreSQL test server, or `None` outside CI without one.
async fn postgres_url() -> Option<String> {
    pelihara_store::testing::fresh_postgres_url().await
}

async fn harness(backend: &str) -> Option<Harness> {
    let dir = tempfile::tempdir().unwrap();
    let url = match backend {
        "sqlite" => format!("sqlite://{}", dir.path().join("pelihara.db").display()),
        _ => postgres_url().await?,
    };
    let store = Store::open(&url).await.unwrap();
    let now = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    let sop = pelihara_sop::parse_definition("demak.toml", SOP_TEXT).unwrap();
    store.load_sop(&sop, SOP_TEXT, &system, now).await.unwrap();
    let mut catalog = SopCatalog::default();
    catalog.insert(sop);
    let sop = catalog.current("pemeliharaan-aplikasi-website").unwrap();
    let opd = store
        .create_opd("DINKES", "Dinas Kesehatan", &system, now)
        .await
        .unwrap();
    let other_opd = store
        .create_opd("DISDIK", "Dinas Pendidikan", &system, now)
        .await
        .unwrap();
    let app = store
        .create_app(
            opd,
            NewApp {
                name: "SIMPUS".into(),
                url: "https://simpus.demakkab.go.id".into(),
                ..NewApp::default()
            },
            &system,
            now,
        )
        .await
        .unwrap();
    let mut people = Vec::new();
    for (username, name, role, positions, user_opd) in [
        (
            "op.dinkes",
            "Operator Dinkes",
            Role::OpdOperator,
            vec![],
            Some(opd),
        ),
        (
            "op.disdik",
            "Operator Disdik",
            Role::OpdOperator,
            vec![],
            Some(other_opd),
        ),
        (
            "budi",
            "Budi Pelaksana",
            Role::Staff,
            vec!["pelaksana"],
            None,
        ),
        (
            "endah",
            "Endah Kadis",
            Role::Staff,
            vec!["kepala_dinas"],
            None,
        ),
        (
            "sri",
            "Sri Sekretaris",
            Role::Staff,
            vec!["sekretaris"],
            None,
        ),
        (
            "agus",
            "Agus Kabid",
            Role::Staff,
            vec!["kabid_aptika"],
            None,
        ),
        (
            "dewi",
            "Dewi Subkoor",
            Role::Staff,
            vec!["subkoor_spa"],
            None,
        ),
    ] {
        let id = store
            .create_user(
                NewUser {
                    username: username.into(),
                    full_name: name.into(),
                    nip: None,
                    email: None,
                    role,
                    positions: positions.into_iter().map(str::to_owned).collect(),
                    opd_id: user_opd,
                    password_hash: "not-a-real-hash".into(),
                },
                &system,
                now,
            )
            .await
            .unwrap();
        people.push(store.actor(id).await.unwrap().unwrap());
    }
    let mut people = people.into_iter();
    let mut next = || people.next().unwrap();
    Some(Harness {
        blobs: BlobStore::for_store(&store, dir.path().join("documents")),
        url,
        _dir: dir,
        store,
        catalog,
        sop,
        calendar: WorkingCalendar::indonesia_default().unwrap(),
        agenda: AgendaFormat::default(),
        opd,
        other_opd,
        app,
        operator: next(),
        other_operator: next(),
        pelaksana: next(),
        kadis: next(),
        sekretaris: next(),
        kabid: next(),
        subkoor: next(),
    })
}

impl Harness {
    fn source(&self, actor: &Actor) -> AuditSource {
        AuditSource {
            actor_id: Some(actor.user.id),
            actor_name: actor.user.full_name.clone(),
            address: "127.0.0.1".into(),
        }
    }

    async fn submit(&self, now: DateTime<Utc>) -> CaseState {
        let input = self.submit_input().await;
        self.store
            .submit_case(
                &self.sop,
                &self.calendar,
                &self.operator,
                input,
                now,
                &self.source(&self.operator),
            )
            .await
            .unwrap()
    }

    /// A request for the harness app with a fresh letter and tracking code.
    async fn submit_input(&self) -> SubmitInput {
        let bytes = format!("%PDF-1.7 surat {}", uuid::Uuid::new_v4()).into_bytes();
        let sha256 = self.blobs.put(&bytes).await.unwrap();
        SubmitInput {
            opd_id: Some(self.opd),
            app_id: Some(self.app),
            subject: "Pemeliharaan SIMPUS".into(),
            description: "Laporan bulanan gagal diunduh".into(),
            letter: Some(DocumentRef {
                sha256,
                file_name: "surat.pdf".into(),
                size: bytes.len() as u64,
                media_type: "application/pdf".into(),
            }),
            intake: Default::default(),
            tracking_code: format!(
                "PLH-{}",
                &uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase()
            ),
        }
    }

    async fn try_act(
        &self,
        case: CaseId,
        actor: &Actor,
        now: DateTime<Utc>,
        command: Command,
    ) -> Result<CaseState, StoreError> {
        self.store
            .act(
                &self.catalog,
                &self.calendar,
                &self.agenda,
                case,
                actor,
                None,
                command,
                now,
                &self.source(actor),
            )
            .await
    }

    async fn act(
        &self,
        case: CaseId,
        actor: &Actor,
        now: DateTime<Utc>,
        command: Command,
    ) -> CaseState {
        self.try_act(case, actor, now, command).await.unwrap()
    }

    /// Runs a case from submission up to the analysis step.
    async fn to_analysis(&self, now: DateTime<Utc>) -> CaseId {
        let case = self.submit(now).await.case.id;
        self.act(case, &self.pelaksana, now, register_letter())
            .await;
        for actor in [&self.kadis, &self.sekretaris, &self.kabid] {
            self.act(case, actor, now, dispose()).await;
        }
        case
    }
}

fn register_letter() -> Command {
    Command::RegisterLetter(RegistrationInput {
        classification: "000.5.2.3".into(),
        urgency: Urgency::Biasa,
        confidentiality: Confidentiality::Biasa,
        letter_number: "440/123/2026".into(),
        letter_date: NaiveDate::from_ymd_opt(2026, 10, 30).unwrap(),
    })
}

fn dispose() -> Command {
    Command::Dispose {
        instructions: vec!["Tindak lanjuti".into()],
        note: "Mohon segera".into(),
    }
}

fn refusal(result: Result<CaseState, StoreError>) -> Refusal {
    match result {
        Err(StoreError::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn whole_sop_walk(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    let case = h.to_analysis(t).await;
    let state = h.store.case_state(case).await.unwrap().unwrap();
    assert_eq!(
        state.case.agenda.as_ref().unwrap().number,
        "0001/000.5.2.3/2026"
    );
    h.act(
        case,
        &h.subkoor,
        t,
        Command::Analyse {
            findings: "Query lambat".into(),
            verdict: Verdict::Maintainable,
            recommendation: String::new(),
        },
    )
    .await;
    h.act(
        case,
        &h.pelaksana,
        t,
        Command::Maintain {
            work_log: "Indeks ditambah".into(),
            result: "Laporan cepat".into(),
            version: "1.4".into(),
        },
    )
    .await;
    h.act(
        case,
        &h.pelaksana,
        t,
        Command::Host(HostingRecord {
            server: "srv-01".into(),
            domain: "simpus.demakkab.go.id".into(),
            network_officer: "Joko".into(),
            deployed: true,
            ..HostingRecord::default()
        }),
    )
    .await;
    h.act(
        case,
        &h.subkoor,
        t,
        Command::Present {
            held_at: t,
            place: "Ruang rapat".into(),
            attendees: "Dinkes".into(),
            summary: "Dipaparkan".into(),
        },
    )
    .await;
    let done = h
        .act(
            case,
            &h.operator,
            t,
            Command::Accept {
                note: "Terima kasih".into(),
            },
        )
        .await;
    assert_eq!(done.case.status, CaseStatus::Done);

    // What was written is what is read back.
    let stored = h.store.case_state(case).await.unwrap().unwrap();
    assert_eq!(stored, done);
    assert_eq!(stored.entries.len(), 11);
    assert!(stored.tasks.iter().all(|task| !task.state.is_active()));
    let Record::Disposition(disposition) = &stored.entries[2].record else {
        panic!()
    };
    assert!(disposition.paraf_is_intact(&stored.case.letter.as_ref().unwrap().sha256));
    // The letter is on disk under its hash.
    assert!(
        h.blobs
            .get(&stored.case.letter.as_ref().unwrap().sha256)
            .await
            .unwrap()
            .is_some()
    );

    // Every action left one event; the chain verifies.
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.first_bad, None);
    // 2 OPDs + 1 app + 7 users + 1 SOP + submit + 9 actions.
    assert_eq!(report.events, 2 + 1 + 7 + 1 + 1 + 9);
    assert!(h.store.integrity_ok().await.unwrap());
}

async fn detours(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    // Return and resubmit with a new letter.
    let case = h.submit(t).await.case.id;
    h.act(
        case,
        &h.pelaksana,
        t,
        Command::ReturnToOpd {
            reason: "Surat belum ditandatangani".into(),
        },
    )
    .await;
    assert_eq!(
        refusal(h.try_act(case, &h.pelaksana, t, register_letter()).await),
        Refusal::WaitingOnOpd
    );
    let bytes = b"%PDF-1.7 surat bertanda tangan".to_vec();
    let sha256 = h.blobs.put(&bytes).await.unwrap();
    let letter = DocumentRef {
        sha256: sha256.clone(),
        file_name: "surat-ttd.pdf".into(),
        size: bytes.len() as u64,
        media_type: "application/pdf".into(),
    };
    let state = h
        .act(
            case,
            &h.operator,
            wib(2026, 11, 3, 8, 0),
            Command::Resubmit {
                note: "Sudah ditandatangani".into(),
                letter: Some(letter),
            },
        )
        .await;
    assert_eq!(state.case.status, CaseStatus::Open);
    assert_eq!(state.case.letter.as_ref().unwrap().sha256, sha256);
    let reread = h.store.case_state(case).await.unwrap().unwrap();
    assert_eq!(reread.case.letter.as_ref().unwrap().sha256, sha256);
    assert_eq!(reread.active_task().unwrap().pauses.len(), 1);

    // Reject.
    h.act(case, &h.pelaksana, t, register_letter()).await;
    let state = h
        .act(
            case,
            &h.kadis,
            t,
            Command::Reject {
                reason: "Di luar kewenangan".into(),
            },
        )
        .await;
    assert_eq!(state.case.status, CaseStatus::Rejected);
    assert_eq!(
        h.store
            .case_state(case)
            .await
            .unwrap()
            .unwrap()
            .case
            .closing_reason
            .as_deref(),
        Some("Di luar kewenangan")
    );

    // Withdraw; another OPD cannot even see the case.
    let case = h.submit(t).await.case.id;
    assert_eq!(
        refusal(
            h.try_act(
                case,
                &h.other_operator,
                t,
                Command::Withdraw { reason: "x".into() }
            )
            .await
        ),
        Refusal::NotFound
    );
    let state = h
        .act(
            case,
            &h.operator,
            t,
            Command::Withdraw {
                reason: "Tidak jadi".into(),
            },
        )
        .await;
    assert_eq!(state.case.status, CaseStatus::Withdrawn);

    // Unmaintainable verdict, skip of step 8 and send-back at step 9.
    let case = h.to_analysis(t).await;
    h.act(
        case,
        &h.subkoor,
        t,
        Command::Analyse {
            findings: "Kode sumber hilang".into(),
            verdict: Verdict::NotMaintainable,
            recommendation: String::new(),
        },
    )
    .await;
    assert_eq!(
        h.store.case_state(case).await.unwrap().unwrap().case.status,
        CaseStatus::Rejected
    );
    let case = h.to_analysis(t).await;
    h.act(
        case,
        &h.subkoor,
        t,
        Command::Analyse {
            findings: "OK".into(),
            verdict: Verdict::Maintainable,
            recommendation: String::new(),
        },
    )
    .await;
    h.act(
        case,
        &h.pelaksana,
        t,
        Command::Maintain {
            work_log: "a".into(),
            result: "b".into(),
            version: String::new(),
        },
    )
    .await;
    h.act(
        case,
        &h.pelaksana,
        t,
        Command::Skip {
            reason: "Tidak ada perubahan hosting".into(),
        },
    )
    .await;
    h.act(
        case,
        &h.subkoor,
        t,
        Command::Present {
            held_at: t,
            place: "Dinkes".into(),
            attendees: "x".into(),
            summary: "y".into(),
        },
    )
    .await;
    let state = h
        .act(
            case,
            &h.operator,
            t,
            Command::SendBack {
                reason: "Masih error".into(),
            },
        )
        .await;
    assert_eq!(state.active_task().unwrap().step_no, 7);

    // An acting Head (Plh) disposes; the record names both.
    let case = h.submit(t).await.case.id;
    h.act(case, &h.pelaksana, t, register_letter()).await;
    let delegation = Delegation {
        id: DelegationId::random(),
        position: "kepala_dinas".into(),
        kind: DelegationKind::Plh,
        delegate: h.sekretaris.user.id,
        official_name: h.kadis.user.full_name.clone(),
        from: wib(2026, 11, 1, 0, 0),
        until: wib(2026, 11, 6, 0, 0),
        revoked: false,
    };
    h.store
        .add_delegation(&delegation, &AuditSource::cli("test"), t)
        .await
        .unwrap();
    let acting_secretary = h.store.actor(h.sekretaris.user.id).await.unwrap().unwrap();
    let state = h.act(case, &acting_secretary, t, dispose()).await;
    let entry = state.entries.last().unwrap();
    assert_eq!(entry.acting.as_ref().unwrap().official_name, "Endah Kadis");
    assert_eq!(entry.by_name, "Sri Sekretaris");
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);
}

async fn exactly_one_of_a_hundred_wins(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    let case = h.submit(t).await.case.id;
    let step_2 = h
        .store
        .case_state(case)
        .await
        .unwrap()
        .unwrap()
        .active_task()
        .unwrap()
        .id;
    let events_before = h.store.verify_audit().await.unwrap().events;
    let h = Arc::new(h);
    let mut handles = Vec::new();
    for _ in 0..100 {
        let h = h.clone();
        handles.push(tokio::spawn(async move {
            h.store
                .act(
                    &h.catalog,
                    &h.calendar,
                    &h.agenda,
                    case,
                    &h.pelaksana,
                    Some(step_2),
                    register_letter(),
                    t,
                    &h.source(&h.pelaksana),
                )
                .await
        }));
    }
    let mut wins = 0;
    let mut already_done = 0;
    for handle in handles {
        match handle.await.unwrap() {
            Ok(_) => wins += 1,
            Err(StoreError::Refused(Refusal::AlreadyDone { by_name, .. })) => {
                assert_eq!(by_name, "Budi Pelaksana");
                already_done += 1;
            }
            Err(other) => panic!("unexpected answer: {other:?}"),
        }
    }
    assert_eq!((wins, already_done), (1, 99));
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.events, events_before + 1);
    assert_eq!(report.first_bad, None);
    // One registration, one agenda number.
    let state = h.store.case_state(case).await.unwrap().unwrap();
    assert_eq!(
        state
            .entries
            .iter()
            .filter(|entry| entry.record.kind() == "registration")
            .count(),
        1
    );
    assert_eq!(state.case.agenda.unwrap().sequence, 1);
}

async fn agenda_numbers_have_no_gaps_or_duplicates(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    let mut cases = Vec::new();
    for _ in 0..20 {
        cases.push(h.submit(t).await.case.id);
    }
    let h = Arc::new(h);
    let mut handles = Vec::new();
    for case in cases.clone() {
        let h = h.clone();
        handles.push(tokio::spawn(async move {
            h.act(case, &h.pelaksana, t, register_letter()).await
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    // A refused registration (bad input) draws no number.
    let extra = h.submit(t).await.case.id;
    let bad = Command::RegisterLetter(RegistrationInput {
        classification: String::new(),
        ..match register_letter() {
            Command::RegisterLetter(input) => input,
            _ => unreachable!(),
        }
    });
    refusal(h.try_act(extra, &h.pelaksana, t, bad).await);
    let mut sequences = Vec::new();
    for case in cases {
        sequences.push(
            h.store
                .case_state(case)
                .await
                .unwrap()
                .unwrap()
                .case
                .agenda
                .unwrap()
                .sequence,
        );
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=20).collect::<Vec<u32>>());
    let state = h.act(extra, &h.pelaksana, t, register_letter()).await;
    assert_eq!(state.case.agenda.unwrap().number, "0021/000.5.2.3/2026");
}

/// Runs raw SQL the way an intruder with database access would.
async fn raw(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    let mut connection = sqlx::AnyConnection::connect(url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut connection)
        .await?;
    connection.close().await?;
    Ok(())
}

async fn audit_trail_detects_tampering(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    h.to_analysis(t).await;
    let clean = h.store.verify_audit().await.unwrap();
    assert_eq!(clean.first_bad, None);
    let total = clean.events;
    assert!(total >= 15);
    // The database itself refuses changes to events.
    assert!(
        raw(&h.url, "update audit_events set action = 'x' where seq = 3")
            .await
            .is_err()
    );
    assert!(
        raw(&h.url, "delete from audit_events where seq = 3")
            .await
            .is_err()
    );
    assert!(
        raw(
            &h.url,
            &format!("update audit_head set seq = {} where id = 1", total - 1)
        )
        .await
        .is_err()
    );

    // An intruder who can switch the guards off is still caught by verification.
    let disable = if h.url.starts_with("sqlite") {
        "drop trigger audit_events_no_update; drop trigger audit_events_no_delete; drop trigger audit_head_forward_only;"
    } else {
        "alter table audit_events disable trigger user; alter table audit_head disable trigger user;"
    };
    raw(&h.url, disable).await.unwrap();

    // Change event 5's content.
    raw(
        &h.url,
        "update audit_events set detail_json = '{}' where seq = 5",
    )
    .await
    .unwrap();
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.first_bad, Some((5, VerifyProblem::ContentChanged)));
}

/// The audit page reads the trail a page at a time, newest first, by sequence number: the
/// pages follow one another without a gap or an overlap and end at the first event.
async fn the_audit_trail_reads_in_pages_newest_first(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    h.to_analysis(t).await;
    let total = h.store.verify_audit().await.unwrap().events;
    assert!(total >= 15);
    let newest = h.store.events_before(None, 4).await.unwrap();
    assert_eq!(
        newest.iter().map(|event| event.seq).collect::<Vec<_>>(),
        (total - 3..=total).rev().collect::<Vec<_>>()
    );
    assert_eq!(newest, h.store.recent_events(4).await.unwrap());
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = h.store.events_before(before, 4).await.unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.seq);
        seen.extend(page.iter().map(|event| event.seq));
    }
    assert_eq!(seen, (1..=total).rev().collect::<Vec<_>>());
    assert!(h.store.events_before(Some(1), 4).await.unwrap().is_empty());
}

async fn audit_trail_detects_deletion_swap_insertion_and_truncation(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    h.to_analysis(t).await;
    let total = h.store.verify_audit().await.unwrap().events;
    let disable = if h.url.starts_with("sqlite") {
        "drop trigger audit_events_no_update; drop trigger audit_events_no_delete; drop trigger audit_head_forward_only;"
    } else {
        "alter table audit_events disable trigger user; alter table audit_head disable trigger user;"
    };
    raw(&h.url, disable).await.unwrap();
    // Keep a copy of the clean table to restore between attacks.
    raw(
        &h.url,
        "create table audit_copy as select * from audit_events",
    )
    .await
    .unwrap();
    let restore = "delete from audit_events; insert into audit_events select * from audit_copy;";

    // Delete event 7: the gap is named.
    raw(&h.url, "delete from audit_events where seq = 7")
        .await
        .unwrap();
    assert_eq!(
        h.store.verify_audit().await.unwrap().first_bad,
        Some((7, VerifyProblem::Missing))
    );
    raw(&h.url, restore).await.unwrap();
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);

    // Swap the contents of events 8 and 9 (sequence numbers kept in place).
    raw(
        &h.url,
        "update audit_events set seq = -8 where seq = 8; update audit_events set seq = 8 where seq = 9; \
         update audit_events set seq = 9 where seq = -8;",
    )
    .await
    .unwrap();
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.first_bad.map(|(seq, _)| seq), Some(8));
    raw(&h.url, restore).await.unwrap();

    // Insert a forged event in the middle: shift the tail up and put one at 10.
    raw(&h.url, "update audit_events set seq = seq + 1000 where seq >= 10; update audit_events set seq = seq - 999 where seq >= 1000;").await.unwrap();
    raw(
        &h.url,
        "insert into audit_events (seq, at, actor_id, actor_name, acting_json, action, case_id, step_no, detail_json, source, prev_hash, hash) \
         select 10, at, actor_id, actor_name, acting_json, 'case.forged', case_id, step_no, detail_json, source, prev_hash, hash from audit_copy where seq = 10",
    )
    .await
    .unwrap();
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.first_bad.map(|(seq, _)| seq), Some(10));
    raw(&h.url, restore).await.unwrap();
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);

    // Cut the tail: the head still names the last event.
    raw(
        &h.url,
        &format!("delete from audit_events where seq > {}", total - 2),
    )
    .await
    .unwrap();
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(
        report.first_bad,
        Some((total - 1, VerifyProblem::HeadMismatch { head_seq: total }))
    );
}

async fn nobody_sees_another_opds_case(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    let case = h.submit(t).await.case.id;
    assert_eq!(
        refusal(h.try_act(case, &h.other_operator, t, Command::Claim).await),
        Refusal::NotFound
    );
    let mine = h.store.list_cases(Some(h.opd), 50).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(
        h.store
            .list_cases(Some(h.other_opd), 50)
            .await
            .unwrap()
            .is_empty()
    );
    // The inbox of the Pelaksana holds the new case; the other OPD's inbox is empty.
    let inbox = h
        .store
        .inbox(&["pelaksana".into()], None, None, 50)
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].opd_name, "Dinas Kesehatan");
    assert!(
        h.store
            .inbox(&[], Some(h.other_opd), None, 50)
            .await
            .unwrap()
            .is_empty()
    );
}

contract!(
    whole_sop_walk,
    detours,
    exactly_one_of_a_hundred_wins,
    agenda_numbers_have_no_gaps_or_duplicates,
    audit_trail_detects_tampering,
    audit_trail_detects_deletion_swap_insertion_and_truncation,
    the_audit_trail_reads_in_pages_newest_first,
    nobody_sees_another_opds_case,
);
