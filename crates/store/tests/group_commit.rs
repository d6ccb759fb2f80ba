//! Group commit on SQLite, through the public API: concurrent case actions share
//! transactions (commits are counted), and inside a batch a stale action rolls back alone --
//! its agenda number returns, the others commit, the audit chain stays whole.

// A failed unwrap is the failure report a test wants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pelihara_calendar::WorkingCalendar;
use pelihara_domain::agenda::AgendaFormat;
use pelihara_domain::*;
use pelihara_store::people::NewUser;
use pelihara_store::register::NewApp;
use pelihara_store::{AuditSource, BlobStore, SopCatalog, Store, StoreError};
use sqlx::{Connection, Executor};

const SOP_TEXT: &str = include_str!("../../../sop/pemeliharaan-aplikasi-website.toml");

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
    app: AppId,
    operator: Actor,
    pelaksana: Actor,
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap()
}

async fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("pelihara.db").display());
    let store = Store::open(&url).await.unwrap();
    let system = AuditSource::cli("test");
    let sop = pelihara_sop::parse_definition("demak.toml", SOP_TEXT).unwrap();
    store.load_sop(&sop, SOP_TEXT, &system, at()).await.unwrap();
    let mut catalog = SopCatalog::default();
    catalog.insert(sop);
    let sop = catalog.current("pemeliharaan-aplikasi-website").unwrap();
    let opd = store
        .create_opd("DINKES", "Dinas Kesehatan", &system, at())
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
            at(),
        )
        .await
        .unwrap();
    let mut people = Vec::new();
    for (username, role, positions, user_opd) in [
        ("op.dinkes", Role::OpdOperator, vec![], Some(opd)),
        ("budi", Role::Staff, vec!["pelaksana".to_owned()], None),
    ] {
        let id = store
            .create_user(
                NewUser {
                    username: username.into(),
                    full_name: format!("Pengguna {username}"),
                    nip: None,
                    email: None,
                    role,
                    positions,
                    opd_id: user_opd,
                    password_hash: "not-a-real-hash".into(),
                },
                &system,
                at(),
            )
            .await
            .unwrap();
        people.push(store.actor(id).await.unwrap().unwrap());
    }
    let pelaksana = people.pop().unwrap();
    let operator = people.pop().unwrap();
    Harness {
        blobs: BlobStore::new(dir.path().join("documents")),
        url,
        _dir: dir,
        store,
        catalog,
        sop,
        calendar: WorkingCalendar::indonesia_default().unwrap(),
        agenda: AgendaFormat::default(),
        opd,
        app,
        operator,
        pelaksana,
    }
}

fn source(actor: &Actor) -> AuditSource {
    AuditSource {
        actor_id: Some(actor.user.id),
        actor_name: actor.user.full_name.clone(),
        address: "127.0.0.1".into(),
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

impl Harness {
    async fn submit(&self) -> CaseId {
        let bytes = format!("%PDF-1.7 surat {}", uuid::Uuid::new_v4()).into_bytes();
        let sha256 = self.blobs.put(&bytes).await.unwrap();
        let input = SubmitInput {
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
        };
        self.store
            .submit_case(
                &self.sop,
                &self.calendar,
                &self.operator,
                input,
                at(),
                &source(&self.operator),
            )
            .await
            .unwrap()
            .case
            .id
    }

    /// Registers `case`, as a form shown for its step-2 task would (read when called).
    async fn register_letter(&self, case: CaseId) -> Result<CaseState, StoreError> {
        let state = self.store.case_state(case).await.unwrap().unwrap();
        let step_2 = state.active_task().map(|task| task.id);
        self.store
            .act(
                &self.catalog,
                &self.calendar,
                &self.agenda,
                case,
                &self.pelaksana,
                step_2,
                register_letter(),
                at(),
                &source(&self.pelaksana),
            )
            .await
    }

    /// Holds SQLite's write lock from another connection for `hold`, so that every action
    /// started meanwhile queues at the writer and the next batch takes them together.
    async fn hold_write_lock(&self, hold: Duration) -> tokio::task::JoinHandle<()> {
        let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
        conn.execute("begin immediate").await.unwrap();
        tokio::spawn(async move {
            tokio::time::sleep(hold).await;
            conn.execute("commit").await.unwrap();
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_actions_share_one_commit() {
    let h = Arc::new(harness().await);
    let mut cases = Vec::new();
    for _ in 0..40 {
        cases.push(h.submit().await);
    }
    let before = h.store.group_commit_stats().unwrap();
    let events_before = h.store.verify_audit().await.unwrap().events;
    let holder = h.hold_write_lock(Duration::from_millis(600)).await;
    let mut actions = Vec::new();
    for case in cases.clone() {
        let h = h.clone();
        actions.push(tokio::spawn(async move { h.register_letter(case).await }));
    }
    for action in actions {
        action.await.unwrap().unwrap();
    }
    holder.await.unwrap();
    let after = h.store.group_commit_stats().unwrap();
    assert_eq!(after.jobs - before.jobs, 40);
    // The first job may be taken alone before the lock is seen; the rest wait together.
    assert!(
        after.commits - before.commits <= 3,
        "40 actions took {} commits",
        after.commits - before.commits
    );
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.first_bad, None);
    assert_eq!(report.events, events_before + 40);
    let mut sequences = Vec::new();
    for case in cases {
        let state = h.store.case_state(case).await.unwrap().unwrap();
        sequences.push(state.case.agenda.unwrap().sequence);
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=40).collect::<Vec<u32>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_action_in_a_batch_rolls_back_alone() {
    let h = Arc::new(harness().await);
    let mut cases = Vec::new();
    for _ in 0..20 {
        cases.push(h.submit().await);
    }
    let contested = h.submit().await;
    let events_before = h.store.verify_audit().await.unwrap().events;
    let holder = h.hold_write_lock(Duration::from_millis(600)).await;
    let mut actions = Vec::new();
    // Ten attempts on one case land in the same batch as twenty other actions: one wins,
    // nine find the version moved, roll back (agenda number included) and hear who won.
    for index in 0..30 {
        let h = h.clone();
        let case = cases.get(index).copied().unwrap_or(contested);
        actions.push(tokio::spawn(async move {
            (case, h.register_letter(case).await)
        }));
    }
    let (mut won, mut already_done) = (0, 0);
    for action in actions {
        let (case, outcome) = action.await.unwrap();
        match outcome {
            Ok(_) => won += 1,
            Err(StoreError::Refused(Refusal::AlreadyDone { by_name, .. })) => {
                assert_eq!(case, contested);
                assert_eq!(by_name, "Pengguna budi");
                already_done += 1;
            }
            Err(other) => panic!("unexpected answer: {other:?}"),
        }
    }
    holder.await.unwrap();
    assert_eq!((won, already_done), (21, 9));
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.first_bad, None);
    assert_eq!(report.events, events_before + 21);
    let mut sequences = Vec::new();
    for case in cases.into_iter().chain([contested]) {
        let state = h.store.case_state(case).await.unwrap().unwrap();
        sequences.push(state.case.agenda.unwrap().sequence);
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=21).collect::<Vec<u32>>());
    assert!(h.store.integrity_ok().await.unwrap());
}

/// The reminder sweep's read (`due_reminders`, the scheduler's real path) sees the tasks the
/// group-commit writer opened, earliest first, and forgets a task once it is done: the
/// schedule rows follow the writer's commits (by the database's triggers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reminder_schedule_follows_the_writers_tasks() {
    let h = harness().await;
    let (first, second) = (h.submit().await, h.submit().await);
    let before = at() - chrono::Duration::milliseconds(1);
    assert!(
        h.store
            .due_reminders(before, None, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let later = at() + chrono::Duration::days(30);
    let due = h.store.due_reminders(later, None, 100).await.unwrap();
    assert_eq!(due.len(), 2);
    assert!(
        due.iter()
            .all(|row| row.item.task.step_no == 2 && row.item.task.position == "pelaksana")
    );
    assert!(due[0].next_at <= due[1].next_at);
    h.register_letter(first).await.unwrap();
    let due = h.store.due_reminders(later, None, 100).await.unwrap();
    // Registering opens the Head's disposition and closes step 2.
    let steps = |case| {
        due.iter()
            .filter(|row| row.item.task.case_id == case)
            .map(|row| row.item.task.step_no)
            .collect::<Vec<_>>()
    };
    assert_eq!(steps(first), [3]);
    assert_eq!(steps(second), [2]);
}
