//! The contract of single sign-on's policy and account matching, on both backends: the policy
//! defaults to NIP with passwords allowed and is audited when changed; a claim finds its
//! account by NIP, by email whatever its case, or by username, never a service account; an
//! unknown value finds none and an ambiguous one is returned as two (the caller refuses both).

use pelihara_domain::Role;
use pelihara_store::AuditSource;
use pelihara_store::people::{NewServiceAccount, NewUser};
use pelihara_store::sso::{SsoBinding, SsoClaim, SsoPolicy};

use super::{Harness, harness, wib};

async fn the_policy_defaults_and_is_audited(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let admin = AuditSource::cli("test");
    assert_eq!(h.store.sso_policy().await.unwrap(), SsoPolicy::default());
    assert_eq!(SsoPolicy::default().claim, SsoClaim::Nip);
    assert!(SsoPolicy::default().staff_password);
    let chosen = SsoPolicy {
        claim: SsoClaim::Email,
        staff_password: false,
    };
    h.store.set_sso_policy(chosen, &admin, now).await.unwrap();
    assert_eq!(h.store.sso_policy().await.unwrap(), chosen);
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "auth.sso_policy_changed");
    assert_eq!(event.detail["before"]["claim"], "nip");
    assert_eq!(event.detail["before"]["staff_password"], "on");
    assert_eq!(event.detail["claim"], "email");
    assert_eq!(event.detail["staff_password"], "off");
}

async fn a_claim_names_an_account_or_none(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    let new_user = |username: &str, nip: &str, email: &str| NewUser {
        username: username.into(),
        full_name: format!("Pegawai {username}"),
        nip: Some(nip.into()),
        email: Some(email.into()),
        role: Role::Staff,
        positions: vec!["pelaksana".into()],
        opd_id: None,
        password_hash: "not-a-real-hash".into(),
    };
    h.store
        .create_user(
            new_user("sari", "198703122010012001", "Sari@Example.go.id"),
            &system,
            now,
        )
        .await
        .unwrap();
    // Two accounts share an email: it names neither.
    for username in ["pegawai-a", "pegawai-b"] {
        h.store
            .create_user(
                new_user(username, &format!("nip-{username}"), "budi@example.go.id"),
                &system,
                now,
            )
            .await
            .unwrap();
    }
    h.store
        .create_service_account(
            NewServiceAccount {
                username: "sistem-lain".into(),
                full_name: "Sistem lain".into(),
                role: Role::Staff,
                positions: vec!["pelaksana".into()],
                opd_id: None,
            },
            &system,
            now,
        )
        .await
        .unwrap();

    let ids = async |claim, value: &str| -> Vec<String> {
        h.store
            .users_by_sso_claim(claim, value)
            .await
            .unwrap()
            .into_iter()
            .map(|user| user.user.username)
            .collect()
    };
    assert_eq!(ids(SsoClaim::Nip, "198703122010012001").await, ["sari"]);
    assert_eq!(ids(SsoClaim::Email, "sari@example.go.id").await, ["sari"]);
    assert_eq!(ids(SsoClaim::Email, " SARI@EXAMPLE.GO.ID ").await, ["sari"]);
    assert_eq!(ids(SsoClaim::Username, "Sari").await, ["sari"]);
    assert_eq!(ids(SsoClaim::Email, "budi@example.go.id").await.len(), 2);
    assert!(ids(SsoClaim::Nip, "000").await.is_empty());
    assert!(ids(SsoClaim::Nip, "").await.is_empty());
    assert!(ids(SsoClaim::Username, "sistem-lain").await.is_empty());
    // The NIP of one is not the username of another.
    assert!(
        ids(SsoClaim::Username, "198703122010012001")
            .await
            .is_empty()
    );
}

/// The provider's subject is bound at an account's first sign-in (audited), the same subject
/// is accepted afterwards and another refused; one subject names one account; two first
/// sign-ins at once bind one subject; the administrator's removal is audited and lets the next
/// sign-in bind again.
async fn the_first_subject_is_bound_to_the_account(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let issuer = "https://sso.example.go.id/realms/kantor";
    let sari = h.pelaksana.user.id;
    let source = AuditSource {
        actor_id: Some(sari),
        actor_name: "Sari".into(),
        address: "198.51.100.7".into(),
    };
    assert_eq!(h.store.sso_subject(sari).await.unwrap(), None);
    assert_eq!(
        h.store
            .bind_sso_subject(sari, issuer, "sub-sari", &source, now)
            .await
            .unwrap(),
        SsoBinding::Bound
    );
    let bound = h.store.sso_subject(sari).await.unwrap().unwrap();
    assert_eq!(bound.issuer, issuer);
    assert_eq!(bound.subject, "sub-sari");
    assert_eq!(bound.bound_at, now);
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "auth.sso_bound");
    assert_eq!(event.detail["subject"], "sub-sari");
    assert_eq!(event.source, "198.51.100.7");
    let seq = event.seq;

    // Afterwards: the same subject is this account, nothing written; another one is not.
    let later = now + chrono::Duration::hours(1);
    let check = |subject: &'static str, issuer: &'static str| {
        let store = h.store.clone();
        let source = source.clone();
        async move {
            store
                .bind_sso_subject(sari, issuer, subject, &source, later)
                .await
                .unwrap()
        }
    };
    assert_eq!(check("sub-sari", issuer).await, SsoBinding::Same);
    assert_eq!(check("sub-lain", issuer).await, SsoBinding::Other);
    assert_eq!(
        check("sub-sari", "https://lain.example.go.id").await,
        SsoBinding::Other
    );
    assert_eq!(h.store.recent_events(1).await.unwrap()[0].seq, seq);
    // The subject belongs to Sari: it names no other account.
    let other = h.kadis.user.id;
    assert_eq!(
        h.store
            .bind_sso_subject(other, issuer, "sub-sari", &source, later)
            .await
            .unwrap(),
        SsoBinding::Other
    );
    assert_eq!(h.store.sso_subject(other).await.unwrap(), None);

    // Removed by the administrator (audited); the next sign-in binds anew.
    let admin = AuditSource::cli("admin");
    assert!(
        h.store
            .unbind_sso_subject(sari, &admin, later)
            .await
            .unwrap()
    );
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "auth.sso_unbound");
    assert_eq!(event.detail["subject"], "sub-sari");
    assert!(
        !h.store
            .unbind_sso_subject(sari, &admin, later)
            .await
            .unwrap()
    );
    assert_eq!(check("sub-baru", issuer).await, SsoBinding::Bound);

    // Two first sign-ins of one account at once: one subject is bound, the other refused.
    let (a, b) = tokio::join!(
        h.store
            .bind_sso_subject(other, issuer, "sub-x", &source, later),
        h.store
            .bind_sso_subject(other, issuer, "sub-y", &source, later),
    );
    let mut outcomes = vec![a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|outcome| format!("{outcome:?}"));
    assert_eq!(outcomes, vec![SsoBinding::Bound, SsoBinding::Other]);
    assert!(h.store.verify_audit().await.unwrap().first_bad.is_none());
}

contract!(
    the_policy_defaults_and_is_audited,
    a_claim_names_an_account_or_none,
    the_first_subject_is_bound_to_the_account,
);
