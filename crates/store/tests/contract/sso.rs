//! The contract of single sign-on's policy and account matching, on both backends: the policy
//! defaults to NIP with passwords allowed and is audited when changed; a claim finds its
//! account by NIP, by email whatever its case, or by username, never a service account; an
//! unknown value finds none and an ambiguous one is returned as two (the caller refuses both).

use pelihara_domain::Role;
use pelihara_store::AuditSource;
use pelihara_store::people::{NewServiceAccount, NewUser};
use pelihara_store::sso::{SsoClaim, SsoPolicy};

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

contract!(
    the_policy_defaults_and_is_audited,
    a_claim_names_an_account_or_none,
);
