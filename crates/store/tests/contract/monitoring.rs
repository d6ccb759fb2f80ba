//! The SOP monitoring forms on both backends: the assessor grant (given once, taken back,
//! audited), a draft saved and edited at its revision (a stale save changes nothing), one
//! signature that seals it (its hash stored and audited in the same transaction, every later
//! save or signature refused, the row refused by the database itself), and of many signatures
//! at once exactly one stored.

use pelihara_domain::monitoring::{Assessment, HalfYear, MonitoringRow};
use pelihara_store::monitoring::{Assessor, MonitoringDraft, SaveOutcome, SignOutcome};
use pelihara_store::{AuditSource, NewIssuedDocument};
use sqlx::Connection;

use super::{Harness, harness, wib};

fn assessor(h: &Harness) -> Assessor {
    Assessor {
        id: h.kabid.user.id,
        name: h.kabid.user.full_name.clone(),
        nip: "198001012005011001".into(),
    }
}

fn source(h: &Harness) -> AuditSource {
    h.source(&h.kabid)
}

fn draft(h: &Harness, note: &str) -> MonitoringDraft {
    MonitoringDraft {
        sop_code: h.sop.header.code.clone(),
        sop_version: h.sop.header.version,
        half: HalfYear::new(2026, 1).unwrap(),
        sop_title: h.sop.header.title.clone(),
        sop_number: h.sop.header.number.clone(),
        unit: "Dinas Komunikasi dan Informatika".into(),
        threshold_percent: 80,
        rows: vec![
            MonitoringRow {
                no: 1,
                procedure: "Membuat surat permohonan".into(),
                assessment: Some(Assessment::Good),
                note: note.into(),
                action: String::new(),
            },
            MonitoringRow {
                no: 2,
                procedure: "Pelaksana memproses permohonan".into(),
                assessment: Some(Assessment::NotGood),
                note: "Di bawah ambang: 4 tugas selesai; 50,0 % dalam Mutu Baku".into(),
                action: "Percepat registrasi".into(),
            },
        ],
    }
}

async fn actions(h: &Harness, action: &str) -> usize {
    h.store
        .recent_events(200)
        .await
        .unwrap()
        .iter()
        .filter(|event| event.action == action)
        .count()
}

async fn assessor_grants_are_given_once_and_audited(h: Harness) {
    let now = wib(2026, 7, 1, 9, 0);
    let admin = AuditSource::cli("test");
    let kabid = h.kabid.user.id;
    assert!(!h.store.is_assessor(kabid).await.unwrap());
    assert!(
        h.store
            .set_assessor(kabid, true, &admin, now)
            .await
            .unwrap()
    );
    // A second grant changes nothing and records nothing.
    assert!(
        !h.store
            .set_assessor(kabid, true, &admin, now)
            .await
            .unwrap()
    );
    assert!(h.store.is_assessor(kabid).await.unwrap());
    assert_eq!(h.store.assessors().await.unwrap(), vec![kabid]);
    assert_eq!(actions(&h, "monitoring.assessor_grant").await, 1);
    assert!(
        h.store
            .set_assessor(kabid, false, &admin, now)
            .await
            .unwrap()
    );
    assert!(
        !h.store
            .set_assessor(kabid, false, &admin, now)
            .await
            .unwrap()
    );
    assert!(!h.store.is_assessor(kabid).await.unwrap());
    assert!(h.store.assessors().await.unwrap().is_empty());
    assert_eq!(actions(&h, "monitoring.assessor_revoke").await, 1);
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);
}

async fn a_draft_is_saved_edited_and_signed_once(h: Harness) {
    let t0 = wib(2026, 7, 1, 9, 0);
    let half = HalfYear::new(2026, 1).unwrap();
    let code = h.sop.header.code.clone();
    assert_eq!(h.store.monitoring_form(&code, half).await.unwrap(), None);

    // A new draft.
    let saved = h
        .store
        .save_monitoring_draft(&draft(&h, "Baik"), None, &assessor(&h), &source(&h), t0)
        .await
        .unwrap();
    let SaveOutcome::Saved(first) = saved else {
        panic!("not saved: {saved:?}");
    };
    assert_eq!(first.revision, 1);
    assert_eq!(first.rows, draft(&h, "Baik").rows);
    assert_eq!(first.signed_at, None);
    assert_eq!(first.assessor_name, h.kabid.user.full_name);
    // A second "new" draft of the same SOP and half-year is stale: nothing changes.
    let again = h
        .store
        .save_monitoring_draft(&draft(&h, "Lain"), None, &assessor(&h), &source(&h), t0)
        .await
        .unwrap();
    assert_eq!(again, SaveOutcome::Stale);

    // An edit at revision 1 makes revision 2; another edit at revision 1 is stale.
    let t1 = t0 + chrono::Duration::minutes(5);
    let edited = h
        .store
        .save_monitoring_draft(
            &draft(&h, "Diperbaiki"),
            Some(1),
            &assessor(&h),
            &source(&h),
            t1,
        )
        .await
        .unwrap();
    let SaveOutcome::Saved(second) = edited else {
        panic!("not saved: {edited:?}");
    };
    assert_eq!(second.revision, 2);
    assert_eq!(second.rows[0].note, "Diperbaiki");
    assert_eq!(second.updated_at, t1);
    assert_eq!(
        h.store
            .save_monitoring_draft(&draft(&h, "Basi"), Some(1), &assessor(&h), &source(&h), t1)
            .await
            .unwrap(),
        SaveOutcome::Stale
    );
    assert_eq!(
        h.store
            .monitoring_form(&code, half)
            .await
            .unwrap()
            .unwrap()
            .rows[0]
            .note,
        "Diperbaiki"
    );
    assert_eq!(actions(&h, "monitoring.save").await, 2);

    // Signing at an old revision is stale; at the current one it seals.
    let t2 = t1 + chrono::Duration::minutes(5);
    assert_eq!(
        h.store
            .sign_monitoring_form(second.id, 1, &assessor(&h), None, &source(&h), t2)
            .await
            .unwrap(),
        SignOutcome::Stale
    );
    let signed = h
        .store
        .sign_monitoring_form(second.id, 2, &assessor(&h), None, &source(&h), t2)
        .await
        .unwrap();
    let SignOutcome::Signed(sealed) = signed else {
        panic!("not signed: {signed:?}");
    };
    assert_eq!(sealed.signed_at, Some(t2));
    let hash = sealed.content_sha256.clone().unwrap();
    assert_eq!(hash.len(), 64);
    assert!(sealed.seal_holds());
    // The audit event holds the same hash.
    let events = h.store.recent_events(20).await.unwrap();
    let sign = events
        .iter()
        .find(|event| event.action == "monitoring.sign")
        .unwrap();
    assert_eq!(sign.detail["sha256"].as_str(), Some(hash.as_str()));
    assert_eq!(sign.actor_id, Some(h.kabid.user.id));

    // After the signature: no edit, no second signature, nothing changes.
    let t3 = t2 + chrono::Duration::minutes(5);
    assert_eq!(
        h.store
            .save_monitoring_draft(
                &draft(&h, "Sesudah"),
                Some(2),
                &assessor(&h),
                &source(&h),
                t3
            )
            .await
            .unwrap(),
        SaveOutcome::AlreadySigned
    );
    assert_eq!(
        h.store
            .sign_monitoring_form(second.id, 2, &assessor(&h), None, &source(&h), t3)
            .await
            .unwrap(),
        SignOutcome::AlreadySigned
    );
    assert_eq!(
        h.store
            .sign_monitoring_form(
                uuid::Uuid::new_v4(),
                1,
                &assessor(&h),
                None,
                &source(&h),
                t3
            )
            .await
            .unwrap(),
        SignOutcome::Missing
    );
    let stored = h.store.monitoring_form(&code, half).await.unwrap().unwrap();
    assert_eq!(stored, *sealed);
    assert_eq!(actions(&h, "monitoring.sign").await, 1);
    assert_eq!(actions(&h, "monitoring.save").await, 2);

    // The database itself refuses to change or remove a signed form, whoever writes.
    sqlx::any::install_default_drivers();
    let mut connection = sqlx::AnyConnection::connect(&h.url).await.unwrap();
    let changed = sqlx::query("update sop_monitoring_forms set unit = 'Diubah' where id = $1")
        .bind(sealed.id.to_string())
        .execute(&mut connection)
        .await;
    assert!(changed.is_err(), "a signed form was changed: {changed:?}");
    let removed = sqlx::query("delete from sop_monitoring_forms where id = $1")
        .bind(sealed.id.to_string())
        .execute(&mut connection)
        .await;
    assert!(removed.is_err(), "a signed form was removed: {removed:?}");
    connection.close().await.unwrap();
    let stored = h.store.monitoring_form(&code, half).await.unwrap().unwrap();
    assert!(stored.seal_holds());
    assert_eq!(h.store.monitoring_forms(10).await.unwrap(), vec![stored]);
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);
}

async fn of_simultaneous_signatures_exactly_one_wins(h: Harness) {
    let t0 = wib(2026, 7, 1, 9, 0);
    let SaveOutcome::Saved(form) = h
        .store
        .save_monitoring_draft(&draft(&h, "Baik"), None, &assessor(&h), &source(&h), t0)
        .await
        .unwrap()
    else {
        panic!("not saved");
    };
    let (id, revision) = (form.id, form.revision);
    // Each signer brings the PDF it rendered of the form as it would seal it: only the
    // winner's issue is recorded, in the signature's own transaction and event.
    let subject = format!("monitoring-sop:{id}:id");
    let document = |attempt: i64| NewIssuedDocument {
        id: format!("sign-{attempt}"),
        kind: "monitoring-sop".into(),
        case_id: None,
        subject: subject.clone(),
        paper: "a4".into(),
        number: format!("MON {attempt}"),
        sha256: format!("{attempt:064x}"),
        source_version: 0,
    };
    let mut handles = Vec::new();
    for attempt in 0..8_i64 {
        let store = h.store.clone();
        let signer = assessor(&h);
        let source = source(&h);
        let document = document(attempt);
        let at = t0 + chrono::Duration::seconds(attempt + 1);
        handles.push(tokio::spawn(async move {
            let outcome = store
                .sign_monitoring_form(id, revision, &signer, Some(&document), &source, at)
                .await
                .unwrap();
            (outcome, document.id)
        }));
    }
    let mut signed = Vec::new();
    for handle in handles {
        match handle.await.unwrap() {
            (SignOutcome::Signed(_), document) => signed.push(document),
            (SignOutcome::AlreadySigned, _) => {}
            (other, _) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(signed.len(), 1);
    assert_eq!(actions(&h, "monitoring.sign").await, 1);
    let issued = h
        .store
        .current_issued_document("monitoring-sop", &subject, "a4")
        .await
        .unwrap()
        .expect("the signature issued its document");
    assert_eq!(issued.id, signed[0]);
    assert_eq!(
        h.store
            .issued_document_history("monitoring-sop", &subject, "a4")
            .await
            .unwrap()
            .len(),
        1,
        "the losers' documents are not recorded"
    );
    let events = h.store.recent_events(5).await.unwrap();
    let sign = events
        .iter()
        .find(|event| event.action == "monitoring.sign")
        .unwrap();
    assert_eq!(
        sign.detail["document"]["id"].as_str(),
        Some(issued.id.as_str())
    );
    assert_eq!(
        sign.detail["document"]["sha256"].as_str(),
        Some(issued.sha256.as_str())
    );
    assert!(
        events.iter().all(|event| event.action != "document.issue"),
        "one event for the signature and its document"
    );
    let stored = h
        .store
        .monitoring_form_by_id(form.id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.seal_holds());
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);
}

contract!(workers = 4;
    assessor_grants_are_given_once_and_audited,
    a_draft_is_saved_edited_and_signed_once,
    of_simultaneous_signatures_exactly_one_wins,
);
