//! The contract of SOP versions on both backends: a version is loaded as a draft, published,
//! superseded and retired; a new version published while cases are open leaves them on the
//! version they started on (their tasks keep its time standards, and they finish on it) while
//! new cases start on the new one; every load, publish and retire is an audit event; a
//! shared catalog follows what another node changed.

use pelihara_domain::*;
use pelihara_sop::SopDefinition;
use pelihara_store::{AuditSource, SopCatalog, SopLoad, SopVersionState, StoreError};

use super::{Harness, SOP_TEXT, dispose, harness, register_letter, wib};

const CODE: &str = "pemeliharaan-aplikasi-website";

/// Version 2 of the shipped SOP: registering the letter (step 2) gets 15 minutes, not 5.
fn version_2() -> (SopDefinition, String) {
    let text = SOP_TEXT
        .replacen("\nversion = 1\n", "\nversion = 2\n", 1)
        .replacen(
            "time = { value = 5, unit = \"minutes\", as_written = \"5 Menit\" }",
            "time = { value = 15, unit = \"minutes\", as_written = \"15 Menit\" }",
            1,
        );
    assert_ne!(text, SOP_TEXT, "the edit applies to the shipped SOP");
    let definition = pelihara_sop::parse_definition("demak-v2.toml", &text).unwrap();
    assert_eq!(definition.header.version, 2);
    (definition, text)
}

fn system() -> AuditSource {
    AuditSource::cli("test")
}

/// The standard of the case's open task at step 2 (registration).
fn registration_standard(state: &CaseState) -> Option<TaskStandard> {
    state
        .tasks
        .iter()
        .find(|task| task.step_no == 2 && task.state.is_active())
        .and_then(|task| task.standard)
}

impl Harness {
    async fn submit_on(
        &self,
        catalog: &SopCatalog,
        at: chrono::DateTime<chrono::Utc>,
    ) -> CaseState {
        let sop = catalog.current(CODE).expect("a published version");
        self.store
            .submit_case(
                &sop,
                &self.calendar,
                &self.operator,
                self.submit_input().await,
                at,
                &self.source(&self.operator),
            )
            .await
            .unwrap()
    }

    async fn act_on(
        &self,
        catalog: &SopCatalog,
        case: CaseId,
        actor: &Actor,
        at: chrono::DateTime<chrono::Utc>,
        command: Command,
    ) -> CaseState {
        self.store
            .act(
                catalog,
                &self.calendar,
                &self.agenda,
                case,
                actor,
                None,
                command,
                at,
                &self.source(actor),
            )
            .await
            .unwrap()
    }

    /// Takes a case from registration to done, every actor in turn, on `catalog`.
    async fn finish(
        &self,
        catalog: &SopCatalog,
        case: CaseId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> CaseState {
        self.act_on(catalog, case, &self.pelaksana, at, register_letter())
            .await;
        for actor in [&self.kadis, &self.sekretaris, &self.kabid] {
            self.act_on(catalog, case, actor, at, dispose()).await;
        }
        let analyse = Command::Analyse {
            findings: "Query lambat".into(),
            verdict: Verdict::Maintainable,
            recommendation: String::new(),
        };
        self.act_on(catalog, case, &self.subkoor, at, analyse).await;
        let maintain = Command::Maintain {
            work_log: "Indeks ditambah".into(),
            result: "Laporan cepat".into(),
            version: "1.4".into(),
        };
        self.act_on(catalog, case, &self.pelaksana, at, maintain)
            .await;
        let host = Command::Host(HostingRecord {
            server: "srv-01".into(),
            domain: "simpus.demakkab.go.id".into(),
            network_officer: "Joko".into(),
            deployed: true,
            ..HostingRecord::default()
        });
        self.act_on(catalog, case, &self.pelaksana, at, host).await;
        let present = Command::Present {
            held_at: at,
            place: "Ruang rapat".into(),
            attendees: "Dinkes".into(),
            summary: "Dipaparkan".into(),
        };
        self.act_on(catalog, case, &self.subkoor, at, present).await;
        let accept = Command::Accept {
            note: "Terima kasih".into(),
        };
        self.act_on(catalog, case, &self.operator, at, accept).await
    }
}

async fn a_new_version_leaves_open_cases_on_theirs(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    // The harness loaded version 1 as a draft: nothing starts on it until it is published.
    assert!(h.store.sop_catalog().await.unwrap().current(CODE).is_none());
    h.store.publish_sop(CODE, 1, &system(), t).await.unwrap();
    let catalog = h.store.sop_catalog().await.unwrap();
    let old = h.submit_on(&catalog, t).await;
    assert_eq!(old.case.sop_version, 1);
    assert_eq!(
        registration_standard(&old),
        Some(TaskStandard::WorkingMinutes(5))
    );

    // Version 2 is loaded (a draft: new cases still start on 1), then published.
    let (v2, v2_text) = version_2();
    assert_eq!(
        h.store.load_sop(&v2, &v2_text, &system(), t).await.unwrap(),
        SopLoad::Stored
    );
    let catalog = h.store.sop_catalog().await.unwrap();
    assert_eq!(catalog.current(CODE).unwrap().header.version, 1);
    h.store.publish_sop(CODE, 2, &system(), t).await.unwrap();
    let catalog = h.store.sop_catalog().await.unwrap();
    assert_eq!(catalog.current(CODE).unwrap().header.version, 2);

    let new = h.submit_on(&catalog, t).await;
    assert_eq!(new.case.sop_version, 2);
    assert_eq!(
        registration_standard(&new),
        Some(TaskStandard::WorkingMinutes(15))
    );

    // The open case finishes on version 1; the new one on version 2.
    let old_done = h.finish(&catalog, old.case.id, t).await;
    assert_eq!(old_done.case.status, CaseStatus::Done);
    assert_eq!(old_done.case.sop_version, 1);
    let new_done = h.finish(&catalog, new.case.id, t).await;
    assert_eq!(new_done.case.status, CaseStatus::Done);
    assert_eq!(new_done.case.sop_version, 2);

    let states: Vec<(u32, SopVersionState)> = h
        .store
        .sop_versions()
        .await
        .unwrap()
        .iter()
        .map(|stored| (stored.version, stored.state))
        .collect();
    assert_eq!(
        states,
        [
            (1, SopVersionState::Superseded),
            (2, SopVersionState::Current)
        ]
    );
}

async fn retiring_stops_new_cases_until_a_publication(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    h.store.publish_sop(CODE, 1, &system(), t).await.unwrap();
    let (v2, v2_text) = version_2();
    h.store.load_sop(&v2, &v2_text, &system(), t).await.unwrap();
    h.store.publish_sop(CODE, 2, &system(), t).await.unwrap();

    assert!(h.store.retire_sop(CODE, &system(), t).await.unwrap());
    // Retiring twice changes nothing and says so.
    assert!(!h.store.retire_sop(CODE, &system(), t).await.unwrap());
    assert!(h.store.sop_catalog().await.unwrap().current(CODE).is_none());
    assert!(
        h.store
            .sop_versions()
            .await
            .unwrap()
            .iter()
            .all(|stored| stored.state == SopVersionState::Retired)
    );

    // Publishing version 1 again brings the SOP back on it (a way back from a bad version).
    h.store.publish_sop(CODE, 1, &system(), t).await.unwrap();
    let catalog = h.store.sop_catalog().await.unwrap();
    assert_eq!(catalog.current(CODE).unwrap().header.version, 1);
    assert_eq!(h.submit_on(&catalog, t).await.case.sop_version, 1);

    // An unknown version is refused and changes nothing.
    assert!(matches!(
        h.store.publish_sop(CODE, 9, &system(), t).await,
        Err(StoreError::UnknownSop(_))
    ));

    let actions: Vec<String> = h
        .store
        .recent_events(50)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.action)
        .filter(|action| action.starts_with("sop."))
        .collect();
    // Newest first: publish v1, retire, publish v2, load v2, publish v1, load v1.
    assert_eq!(
        actions,
        [
            "sop.publish",
            "sop.retire",
            "sop.publish",
            "sop.load",
            "sop.publish",
            "sop.load"
        ]
    );
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);
}

async fn a_version_never_changes_once_stored(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    let sop = pelihara_sop::parse_definition("demak.toml", SOP_TEXT).unwrap();
    // The same text again is a no-op.
    assert_eq!(
        h.store
            .load_sop(&sop, SOP_TEXT, &system(), t)
            .await
            .unwrap(),
        SopLoad::AlreadyStored
    );
    // Another text under version 1 is refused; the stored text stays.
    let edited = SOP_TEXT.replacen("5 Menit", "6 Menit", 1);
    let events = h.store.verify_audit().await.unwrap().events;
    assert!(matches!(
        h.store.load_sop(&sop, &edited, &system(), t).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(h.store.verify_audit().await.unwrap().events, events);
    let stored = h.store.sop_versions().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].source, SOP_TEXT);
}

async fn a_shared_catalog_follows_another_node(h: Harness) {
    let t = wib(2026, 11, 2, 8, 0);
    h.store.publish_sop(CODE, 1, &system(), t).await.unwrap();
    let this_node = h.store.shared_catalog().await.unwrap();
    assert_eq!(
        this_node.snapshot().current(CODE).unwrap().header.version,
        1
    );
    // Nothing changed: no rebuild.
    assert!(!this_node.refresh(&h.store).await.unwrap());

    // "Another node" (another store on the same database) loads and publishes version 2.
    let other_node = pelihara_store::Store::open(&h.url).await.unwrap();
    let (v2, v2_text) = version_2();
    other_node
        .load_sop(&v2, &v2_text, &system(), t)
        .await
        .unwrap();
    // A version this node has not seen is read when asked for.
    assert!(this_node.snapshot().get(CODE, 2).is_none());
    assert!(
        this_node
            .version(&h.store, CODE, 2)
            .await
            .unwrap()
            .is_some()
    );
    other_node.publish_sop(CODE, 2, &system(), t).await.unwrap();
    assert!(this_node.refresh(&h.store).await.unwrap());
    assert_eq!(
        this_node.snapshot().current(CODE).unwrap().header.version,
        2
    );
    other_node.close().await;
}

contract!(
    a_new_version_leaves_open_cases_on_theirs,
    retiring_stops_new_cases_until_a_publication,
    a_version_never_changes_once_stored,
    a_shared_catalog_follows_another_node,
);

/// Two nodes started together on an empty database (each opening the store and installing the
/// shipped SOP and holidays at once), five times on five fresh databases: both come up, the
/// SOP is stored and published once. Before the fix one failed with a duplicate key on
/// `sop_versions` or the holidays in 4 of 5 tries on PostgreSQL.
async fn two_nodes_start_together_on_an_empty_database(urls: Vec<String>) {
    let now = wib(2026, 11, 2, 8, 0);
    for url in urls {
        let (first, second) = tokio::join!(
            async {
                let store = pelihara_store::Store::open(&url).await.unwrap();
                store.install_reference_data(now).await.map(|()| store)
            },
            async {
                let store = pelihara_store::Store::open(&url).await.unwrap();
                store.install_reference_data(now).await.map(|()| store)
            },
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        let stored = first.sop_versions().await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].state, SopVersionState::Current);
        assert!(!second.holidays().await.unwrap().is_empty());
        first.close().await;
        second.close().await;
    }
}

mod empty_database {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite_two_nodes_start_together() {
        let dir = tempfile::tempdir().unwrap();
        let urls = (0..5)
            .map(|n| format!("sqlite://{}", dir.path().join(format!("p{n}.db")).display()))
            .collect();
        super::two_nodes_start_together_on_an_empty_database(urls).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres_two_nodes_start_together() {
        let mut urls = Vec::new();
        for _ in 0..5 {
            match super::super::postgres_url().await {
                Some(url) => urls.push(url),
                None => return,
            }
        }
        super::two_nodes_start_together_on_an_empty_database(urls).await;
    }
}
