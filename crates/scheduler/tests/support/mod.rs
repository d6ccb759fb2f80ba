//! A scheduler test bench: a fresh SQLite file or PostgreSQL database with the Demak SOP,
//! one OPD and app, the officials of the escalation chain (with email addresses), a working
//! calendar with a test holiday, and a clock the test moves.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;
use pelihara_calendar::{Holiday, HolidayKind, WorkingCalendar};
use pelihara_domain::agenda::AgendaFormat;
use pelihara_domain::*;
use pelihara_notify::Sender;
use pelihara_scheduler::{Clock, Context, Scheduler, SchedulerConfig};
use pelihara_store::notifications::{Notification, NotificationKind};
use pelihara_store::people::NewUser;
use pelihara_store::register::NewApp;
use pelihara_store::{AuditSource, BlobStore, SharedCatalog, SopCatalog, Store};

pub const SOP_TEXT: &str = include_str!("../../../../sop/pemeliharaan-aplikasi-website.toml");

pub fn wib(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Jakarta
        .with_ymd_and_hms(y, m, d, h, min, s)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// A clock the test sets.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn new(at: DateTime<Utc>) -> TestClock {
        TestClock(Arc::new(Mutex::new(at)))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap() = at;
    }
    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    pub fn clock(&self) -> Clock {
        let inner = self.0.clone();
        Clock::from_fn(move || *inner.lock().unwrap())
    }
}

pub struct Bench {
    pub store: Store,
    pub url: String,
    pub dir: tempfile::TempDir,
    pub blobs: BlobStore,
    pub catalog: SharedCatalog,
    pub sop: Arc<pelihara_sop::SopDefinition>,
    pub calendar: Arc<WorkingCalendar>,
    pub opd: OpdId,
    pub app: AppId,
    pub operator: Actor,
    pub pelaksana: Actor,
    pub kadis: Actor,
    pub sekretaris: Actor,
    pub kabid: Actor,
    pub subkoor: Actor,
}

/// The test holiday: Monday 7 December 2026.
pub fn test_holiday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
}

/// A fresh database on the PostgreSQL test server, or `None` without one (outside CI).
pub async fn postgres_url() -> Option<String> {
    pelihara_store::testing::fresh_postgres_url().await
}

pub async fn bench(backend: &str) -> Option<Bench> {
    let dir = tempfile::tempdir().unwrap();
    let url = match backend {
        "sqlite" => format!("sqlite://{}", dir.path().join("pelihara.db").display()),
        _ => postgres_url().await?,
    };
    let store = Store::open(&url).await.unwrap();
    let now = wib(2026, 11, 2, 8, 0, 0);
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
                    email: Some(format!("{username}@demakkab.go.id")),
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
    let mut calendar = WorkingCalendar::indonesia_default().unwrap();
    let mut holidays: Vec<Holiday> = store.holidays().await.unwrap();
    holidays.push(Holiday {
        date: test_holiday(),
        kind: HolidayKind::CutiBersama,
        name: "Libur uji".into(),
    });
    calendar.set_holidays(holidays);
    let mut people = people.into_iter();
    let mut next = || people.next().unwrap();
    Some(Bench {
        blobs: BlobStore::for_store(&store, dir.path().join("documents")),
        url,
        dir,
        store,
        catalog: SharedCatalog::fixed(catalog),
        sop,
        calendar: Arc::new(calendar),
        opd,
        app,
        operator: next(),
        pelaksana: next(),
        kadis: next(),
        sekretaris: next(),
        kabid: next(),
        subkoor: next(),
    })
}

impl Bench {
    pub fn source(&self, actor: &Actor) -> AuditSource {
        AuditSource {
            actor_id: Some(actor.user.id),
            actor_name: actor.user.full_name.clone(),
            address: "127.0.0.1".into(),
        }
    }

    /// Submits a request at `now`: step 2 (Pelaksana, 5 working minutes) opens.
    pub async fn submit(&self, now: DateTime<Utc>) -> CaseState {
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
                now,
                &self.source(&self.operator),
            )
            .await
            .unwrap()
    }

    pub async fn register_letter(&self, case: CaseId, now: DateTime<Utc>) -> CaseState {
        let register = Command::RegisterLetter(RegistrationInput {
            classification: "000.5.2.3".into(),
            urgency: Urgency::Biasa,
            confidentiality: Confidentiality::Biasa,
            letter_number: "440/123/2026".into(),
            letter_date: NaiveDate::from_ymd_opt(2026, 10, 30).unwrap(),
        });
        self.act(case, &self.pelaksana, register, now).await
    }

    /// One action on a case by `actor` at `now`.
    pub async fn act(
        &self,
        case: CaseId,
        actor: &Actor,
        command: Command,
        now: DateTime<Utc>,
    ) -> CaseState {
        self.store
            .act(
                &self.catalog.snapshot(),
                &self.calendar,
                &AgendaFormat::default(),
                case,
                actor,
                None,
                command,
                now,
                &self.source(actor),
            )
            .await
            .unwrap()
    }

    /// Submits a request at `now` and walks it through every step to the OPD's acceptance,
    /// all at that moment: the case is done and its survey invitation written.
    pub async fn accepted(&self, now: DateTime<Utc>) -> CaseId {
        let case = self.submit(now).await.case.id;
        self.register_letter(case, now).await;
        for actor in [&self.kadis, &self.sekretaris, &self.kabid] {
            let dispose = Command::Dispose {
                instructions: vec!["Tindak lanjuti".into()],
                note: "Mohon segera".into(),
            };
            self.act(case, actor, dispose, now).await;
        }
        let steps = [
            (
                &self.subkoor,
                Command::Analyse {
                    findings: "Query lambat".into(),
                    verdict: Verdict::Maintainable,
                    recommendation: String::new(),
                },
            ),
            (
                &self.pelaksana,
                Command::Maintain {
                    work_log: "Indeks ditambah".into(),
                    result: "Laporan cepat".into(),
                    version: "1.4".into(),
                },
            ),
            (
                &self.pelaksana,
                Command::Host(HostingRecord {
                    server: "srv-01".into(),
                    domain: "simpus.example.org".into(),
                    network_officer: "Joko".into(),
                    deployed: true,
                    ..HostingRecord::default()
                }),
            ),
            (
                &self.subkoor,
                Command::Present {
                    held_at: now,
                    place: "Ruang rapat".into(),
                    attendees: "Dinkes".into(),
                    summary: "Dipaparkan".into(),
                },
            ),
            (
                &self.operator,
                Command::Accept {
                    note: "Terima kasih".into(),
                },
            ),
        ];
        for (actor, command) in steps {
            self.act(case, actor, command, now).await;
        }
        case
    }

    pub fn config(&self, node: &str) -> SchedulerConfig {
        let mut config = SchedulerConfig::new(node);
        // Nothing leaves this machine in tests unless a test says so.
        config.health_checks_every = None;
        config
    }

    pub fn scheduler(&self, config: SchedulerConfig, sender: Sender, clock: Clock) -> Scheduler {
        Scheduler::new(
            Context {
                store: self.store.clone(),
                catalog: self.catalog.clone(),
                calendar: pelihara_store::SharedCalendar::fixed((*self.calendar).clone()),
                sender,
                config,
            },
            clock,
        )
    }

    /// A sender with no email or webhook (in-app only).
    pub fn in_app_only(&self, node: &str) -> Sender {
        Sender::new(None, None, "https://pelihara.test", node).unwrap()
    }

    /// Every notification of `user`, oldest first.
    pub async fn notifications(&self, user: &Actor) -> Vec<Notification> {
        let mut all = self
            .store
            .notifications_for(user.user.id, 1000, 0)
            .await
            .unwrap();
        all.reverse();
        all
    }

    pub async fn kinds(&self, user: &Actor) -> Vec<NotificationKind> {
        self.notifications(user)
            .await
            .into_iter()
            .map(|n| n.kind)
            .collect()
    }
}
