//! The contract of issued documents on both backends: a re-issue supersedes the earlier issue
//! and both stay verifiable (lookup by id, the PDF by its hash, the audit event carrying the
//! hash), another paper size is another document, and many issues of one document at once
//! leave exactly one current with every other one superseded along a single chain. On
//! PostgreSQL the PDFs themselves are in the database: another node, with a data folder of its
//! own, reads the same bytes.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::Duration;
use pelihara_store::NewIssuedDocument;

use super::{Harness, harness, wib};

async fn new_issue(
    h: &Harness,
    id: &str,
    subject: &str,
    paper: &str,
    pdf: &[u8],
) -> NewIssuedDocument {
    NewIssuedDocument {
        id: id.to_owned(),
        kind: "kartu-kendali".to_owned(),
        case_id: None,
        subject: subject.to_owned(),
        paper: paper.to_owned(),
        number: "0001/000.5.2.3/2026".to_owned(),
        sha256: h.blobs.put(pdf).await.unwrap(),
        source_version: 1,
    }
}

async fn issue_supersede_and_both_verify(h: Harness) {
    let t0 = wib(2026, 11, 3, 9, 0);
    let case = h.submit(t0).await.case;
    let subject = format!("{}:id", case.id);
    let source = h.source(&h.pelaksana);
    let events_before = h.store.verify_audit().await.unwrap().events;

    let mut first = new_issue(&h, "a1", &subject, "a4", b"%PDF-1.7 kartu kendali v1").await;
    first.case_id = Some(case.id);
    h.store.issue_document(&source, &first, t0).await.unwrap();
    // The same card on folio paper is a document of its own.
    let mut folio = new_issue(&h, "f1", &subject, "f4", b"%PDF-1.7 kartu kendali folio").await;
    folio.case_id = Some(case.id);
    h.store.issue_document(&source, &folio, t0).await.unwrap();
    let t1 = t0 + Duration::minutes(30);
    let mut second = new_issue(&h, "a2", &subject, "a4", b"%PDF-1.7 kartu kendali v2").await;
    second.case_id = Some(case.id);
    second.source_version = 2;
    h.store.issue_document(&source, &second, t1).await.unwrap();

    let old = h.store.issued_document("a1").await.unwrap().unwrap();
    assert_eq!(old.superseded_by.as_deref(), Some("a2"));
    assert_eq!(old.case_id, Some(case.id));
    assert_eq!(old.issued_at, t0);
    assert_eq!(old.issued_by, Some(h.pelaksana.user.id));
    assert_eq!(old.source_version, 1);
    let new = h.store.issued_document("a2").await.unwrap().unwrap();
    assert_eq!(new.superseded_by, None);
    assert_eq!(new.source_version, 2);
    assert_eq!(new.issued_at, t1);
    assert_ne!(old.sha256, new.sha256);
    // Both stay verifiable: each id still leads to its own PDF, byte for byte.
    assert_eq!(
        h.blobs.get(&old.sha256).await.unwrap().unwrap(),
        b"%PDF-1.7 kartu kendali v1"
    );
    assert_eq!(
        h.blobs.get(&new.sha256).await.unwrap().unwrap(),
        b"%PDF-1.7 kartu kendali v2"
    );
    let current = h
        .store
        .current_issued_document("kartu-kendali", &subject, "a4")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.id, "a2");
    let folio = h.store.issued_document("f1").await.unwrap().unwrap();
    assert_eq!(folio.superseded_by, None);
    let history = h
        .store
        .issued_document_history("kartu-kendali", &subject, "a4")
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["a1", "a2"]
    );
    assert!(h.store.issued_document("a3").await.unwrap().is_none());

    // Each issue is one audit event carrying the PDF's hash and the verification id.
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.events, events_before + 3);
    assert_eq!(report.first_bad, None);
    let events = h.store.recent_events(3).await.unwrap();
    let issued: Vec<(String, String)> = events
        .iter()
        .map(|event| {
            assert_eq!(event.action, "document.issue");
            (
                event.detail["id"].as_str().unwrap().to_owned(),
                event.detail["sha256"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        issued,
        [
            ("a2".to_owned(), new.sha256.clone()),
            ("f1".to_owned(), folio.sha256.clone()),
            ("a1".to_owned(), old.sha256.clone()),
        ]
    );
}

async fn simultaneous_issues_leave_exactly_one_current(h: Harness) {
    let t = wib(2026, 11, 3, 10, 0);
    let subject = "race:id";
    let events_before = h.store.verify_audit().await.unwrap().events;
    // One issue exists already; twenty more race to supersede it.
    let seed = new_issue(&h, "r00", subject, "a4", b"%PDF-1.7 race 0").await;
    h.store
        .issue_document(&h.source(&h.pelaksana), &seed, t)
        .await
        .unwrap();
    let h = Arc::new(h);
    let mut handles = Vec::new();
    for n in 1..=20 {
        let h = h.clone();
        handles.push(tokio::spawn(async move {
            let pdf = format!("%PDF-1.7 race {n}").into_bytes();
            let issue = new_issue(&h, &format!("r{n:02}"), subject, "a4", &pdf).await;
            h.store
                .issue_document(&h.source(&h.pelaksana), &issue, t)
                .await
        }));
    }
    for handle in handles {
        handle.await.unwrap().unwrap();
    }

    let history = h
        .store
        .issued_document_history("kartu-kendali", subject, "a4")
        .await
        .unwrap();
    assert_eq!(history.len(), 21);
    let current: Vec<&str> = history
        .iter()
        .filter(|d| d.superseded_by.is_none())
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(current.len(), 1, "current issues: {current:?}");
    let current = current[0];
    assert_eq!(
        h.store
            .current_issued_document("kartu-kendali", subject, "a4")
            .await
            .unwrap()
            .unwrap()
            .id,
        current
    );
    // Every other issue was superseded by a different one, each by exactly one successor:
    // following the links from the oldest visits all 21 and ends at the current one.
    let next: HashMap<&str, &str> = history
        .iter()
        .filter_map(|d| d.superseded_by.as_deref().map(|by| (d.id.as_str(), by)))
        .collect();
    let successors: HashSet<&str> = next.values().copied().collect();
    assert_eq!(successors.len(), 20, "two issues name one successor");
    let mut at = "r00";
    let mut seen = HashSet::from([at]);
    while let Some(by) = next.get(at) {
        assert!(seen.insert(by), "the chain loops at {by}");
        at = by;
    }
    assert_eq!((at, seen.len()), (current, 21));
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.events, events_before + 21);
    assert_eq!(report.first_bad, None);
}

/// A second node on the same database with a data folder of its own (another machine): on
/// PostgreSQL it reads every document the first stored, byte for byte, with no shared disk;
/// on SQLite (one node) the documents are files in the data folder.
async fn another_node_reads_the_documents(h: Harness) {
    let letter = b"%PDF-1.7 surat permohonan".to_vec();
    let digest = h.blobs.put(&letter).await.unwrap();
    let other_folder = tempfile::tempdir().unwrap();
    let other = pelihara_store::Store::open(&h.url).await.unwrap();
    let other_blobs = pelihara_store::BlobStore::for_store(&other, other_folder.path());
    match h.store.backend() {
        pelihara_store::Backend::Postgres => {
            assert!(other_blobs.in_database());
            assert_eq!(
                other_blobs.get(&digest).await.unwrap(),
                Some(letter.clone())
            );
            assert_eq!(other_blobs.digests().await.unwrap(), vec![digest.clone()]);
            // Stored twice (both nodes at once): one row, the same bytes.
            assert_eq!(other_blobs.put(&letter).await.unwrap(), digest);
            assert_eq!(h.blobs.digests().await.unwrap(), vec![digest.clone()]);
            // Nothing was written to either folder.
            assert_eq!(std::fs::read_dir(other_folder.path()).unwrap().count(), 0);
            // A data folder that still holds documents (kept there before the database held
            // them) hands them over once: the second start copies nothing.
            let old_folder = tempfile::tempdir().unwrap();
            let folder = pelihara_store::BlobStore::new(old_folder.path());
            let old_letter = b"%PDF-1.7 surat lama".to_vec();
            let old_digest = folder.put(&old_letter).await.unwrap();
            folder.put(&letter).await.unwrap();
            assert_eq!(other_blobs.adopt(&folder).await.unwrap(), 1);
            assert_eq!(other_blobs.adopt(&folder).await.unwrap(), 0);
            assert_eq!(h.blobs.get(&old_digest).await.unwrap(), Some(old_letter));
        }
        pelihara_store::Backend::Sqlite => {
            assert!(!other_blobs.in_database());
            assert_eq!(h.blobs.get(&digest).await.unwrap(), Some(letter.clone()));
            assert_eq!(other_blobs.get(&digest).await.unwrap(), None);
        }
    }
    other.close().await;
}

contract!(
    another_node_reads_the_documents,
    issue_supersede_and_both_verify,
    simultaneous_issues_leave_exactly_one_current,
);
