//! The contract of the first run and the bulk set-up, on both backends: a setup link is
//! valid, expired, spent or unknown by its token's hash, and every link is done once an
//! administrator exists; completing the setup writes the administrator, the office's setting,
//! the spent link and one event in one write, exactly once of two racing links; an import of
//! OPDs and users is written whole or not at all, each user with an invitation link that sets
//! their password once and is never taken for a recovery link.

use chrono::Duration;
use pelihara_domain::Role;
use pelihara_store::people::NewUser;
use pelihara_store::people_import::{ImportedUser, NO_PASSWORD_YET, NewOpdRow, PeopleImport};
use pelihara_store::recovery::{LinkKind, ResetLink};
use pelihara_store::setup::{OfficeSetting, SetupLink};
use pelihara_store::{AuditSource, StoreError};

use super::{Harness, harness, wib};

contract!(
    workers = 4;
    the_setup_link_creates_the_first_administrator_once,
    an_import_is_written_whole_or_not_at_all,
    an_import_adds_inactive_opds_and_accounts_as_inactive,
);

fn admin(username: &str) -> NewUser {
    NewUser {
        username: username.to_owned(),
        full_name: format!("Admin {username}"),
        nip: None,
        email: Some(format!("{username}@semarangkota.go.id")),
        role: Role::Admin,
        positions: Vec::new(),
        opd_id: None,
        password_hash: "$argon2id$not-a-real-hash".to_owned(),
    }
}

fn office(name: &str) -> OfficeSetting {
    OfficeSetting {
        key: "office.identity".to_owned(),
        value: serde_json::json!({ "government": "Pemerintah Kota Semarang", "office": name })
            .to_string(),
    }
}

async fn the_setup_link_creates_the_first_administrator_once(h: Harness) {
    let now = wib(2026, 12, 7, 8, 0);
    let cli = AuditSource::cli("serve");
    let guest = AuditSource {
        actor_id: None,
        actor_name: "Admin (penyiapan)".to_owned(),
        address: "203.0.113.9".to_owned(),
    };
    assert!(h.store.needs_setup().await.unwrap());
    let valid_until = now + Duration::hours(24);
    for hash in ["link-node-a", "link-node-b", "link-old"] {
        let expires = if hash == "link-old" {
            now + Duration::minutes(1)
        } else {
            valid_until
        };
        h.store
            .issue_setup_link(hash, expires, &cli, now)
            .await
            .unwrap();
    }
    assert_eq!(
        h.store.setup_link("link-node-a", now).await.unwrap(),
        SetupLink::Valid
    );
    assert_eq!(
        h.store.setup_link("nope", now).await.unwrap(),
        SetupLink::Unknown
    );
    let later = now + Duration::minutes(5);
    assert_eq!(
        h.store.setup_link("link-old", later).await.unwrap(),
        SetupLink::Expired
    );
    // An expired link writes nothing.
    let before = h.store.recent_events(1).await.unwrap()[0].seq;
    assert_eq!(
        h.store
            .complete_setup("link-old", admin("telat"), office("X"), &guest, later)
            .await
            .unwrap(),
        Err(SetupLink::Expired)
    );
    assert_eq!(h.store.recent_events(1).await.unwrap()[0].seq, before);
    assert!(h.store.user_by_username("telat").await.unwrap().is_none());

    // Two nodes printed a link each; both are opened at once: exactly one administrator.
    let (a, b) = tokio::join!(
        h.store.complete_setup(
            "link-node-a",
            admin("admin.a"),
            office("Dinas A"),
            &guest,
            later
        ),
        h.store.complete_setup(
            "link-node-b",
            admin("admin.b"),
            office("Dinas B"),
            &guest,
            later
        ),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        usize::from(a.is_ok()) + usize::from(b.is_ok()),
        1,
        "{a:?} {b:?}"
    );
    let loser = if a.is_ok() { b } else { a };
    assert_eq!(loser, Err(SetupLink::Done));
    let admins: Vec<_> = h
        .store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .filter(|stored| stored.user.role == Role::Admin)
        .collect();
    assert_eq!(admins.len(), 1);
    let winner = &admins[0].user;
    let kop = h.store.setting("office.identity").await.unwrap().unwrap();
    let expected_office = if winner.username == "admin.a" {
        "Dinas A"
    } else {
        "Dinas B"
    };
    assert!(kop.contains(expected_office), "{kop}");

    // One event for the setup, with the client's address and both halves.
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "setup.complete");
    assert_eq!(event.source, "203.0.113.9");
    assert_eq!(event.detail["username"], winner.username.as_str());
    assert_eq!(event.detail["office"]["value"]["office"], expected_office);

    // Done: every link is refused, `needs_setup` is false, `create_first_admin` refuses.
    assert!(!h.store.needs_setup().await.unwrap());
    for hash in ["link-node-a", "link-node-b", "link-old", "nope"] {
        let worth = h.store.setup_link(hash, later).await.unwrap();
        let expected = if hash == "nope" {
            SetupLink::Unknown
        } else {
            SetupLink::Done
        };
        assert_eq!(worth, expected, "{hash}");
    }
    assert!(matches!(
        h.store
            .create_first_admin(admin("cli"), &AuditSource::cli("admin create"), later)
            .await,
        Err(StoreError::Duplicate("administrator"))
    ));
    assert!(h.store.verify_audit().await.unwrap().first_bad.is_none());
}

fn imported(username: &str, opd_code: Option<&str>, hash: &str) -> ImportedUser {
    ImportedUser {
        user: NewUser {
            username: username.to_owned(),
            full_name: format!("Pengguna {username}"),
            nip: None,
            email: None,
            role: if opd_code.is_some() {
                Role::OpdOperator
            } else {
                Role::Auditor
            },
            positions: Vec::new(),
            opd_id: None,
            password_hash: String::new(),
        },
        opd_code: opd_code.map(str::to_owned),
        phone: "081234567890".to_owned(),
        invitation_hash: Some(hash.to_owned()),
        active: true,
    }
}

/// The sheet's Status column: an OPD and an account added inactive are stored deactivated,
/// and nobody is invited to the inactive account; the audit event says so.
async fn an_import_adds_inactive_opds_and_accounts_as_inactive(h: Harness) {
    let now = wib(2026, 12, 7, 9, 0);
    let admin_source = AuditSource::cli("admin");
    let mut retired = imported("staf.lama", None, "unused");
    retired.invitation_hash = None;
    retired.active = false;
    let written = h
        .store
        .import_people(
            PeopleImport {
                opds: vec![
                    NewOpdRow {
                        code: "DISARSIP".into(),
                        name: "Dinas Arsip".into(),
                        active: false,
                    },
                    NewOpdRow {
                        code: "DISPERKIM".into(),
                        name: "Dinas Perumahan".into(),
                        active: true,
                    },
                ],
                users: vec![retired, imported("auditor.baru", None, "inv-9")],
                invitations_expire_at: now + Duration::days(7),
            },
            &admin_source,
            now,
        )
        .await
        .unwrap();
    let archive = h.store.opd(written.opds[0]).await.unwrap().unwrap();
    assert!(!archive.active);
    assert!(h.store.opd(written.opds[1]).await.unwrap().unwrap().active);
    let old = h
        .store
        .user_by_username("staf.lama")
        .await
        .unwrap()
        .unwrap();
    assert!(!old.user.active);
    assert!(!old.may_sign_in());
    let new = h
        .store
        .user_by_username("auditor.baru")
        .await
        .unwrap()
        .unwrap();
    assert!(new.user.active);
    // Only the active account has an invitation.
    assert!(matches!(
        h.store
            .password_link(LinkKind::Invitation, "inv-9", now)
            .await
            .unwrap(),
        ResetLink::Valid(_)
    ));
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "people.import");
    assert_eq!(event.detail["opds"][0]["active"], false);
    assert_eq!(event.detail["users"][0]["active"], false);
    assert_eq!(event.detail["users"][0]["invited"], false);
    assert_eq!(event.detail["users"][1]["invited"], true);
}

async fn an_import_is_written_whole_or_not_at_all(h: Harness) {
    let now = wib(2026, 12, 7, 9, 0);
    let admin_source = AuditSource {
        actor_id: None,
        actor_name: "Admin".to_owned(),
        address: "198.51.100.4".to_owned(),
    };
    let expires = now + Duration::days(7);
    let opds_before = h.store.list_opds().await.unwrap().len();
    let users_before = h.store.list_users().await.unwrap().len();
    let before = h.store.recent_events(1).await.unwrap()[0].seq;

    // A user name taken by an existing account in the last row: nothing of it is written.
    let taken = h.pelaksana.user.username.clone();
    let refused = h
        .store
        .import_people(
            PeopleImport {
                opds: vec![NewOpdRow {
                    code: "DISKOMINFO".into(),
                    name: "Dinas Kominfo".into(),
                    active: true,
                }],
                users: vec![
                    imported("op.kominfo", Some("diskominfo"), "inv-1"),
                    imported(&taken, None, "inv-2"),
                ],
                invitations_expire_at: expires,
            },
            &admin_source,
            now,
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Duplicate("username"))),
        "{refused:?}"
    );
    // An OPD code nobody has: refused as well.
    let unknown = h
        .store
        .import_people(
            PeopleImport {
                opds: Vec::new(),
                users: vec![imported("op.x", Some("TIDAKADA"), "inv-3")],
                invitations_expire_at: expires,
            },
            &admin_source,
            now,
        )
        .await;
    assert!(
        matches!(unknown, Err(StoreError::Refused(_))),
        "{unknown:?}"
    );
    assert_eq!(h.store.list_opds().await.unwrap().len(), opds_before);
    assert_eq!(h.store.list_users().await.unwrap().len(), users_before);
    assert_eq!(h.store.recent_events(1).await.unwrap()[0].seq, before);
    assert_eq!(
        h.store
            .password_link(LinkKind::Invitation, "inv-1", now)
            .await
            .unwrap(),
        ResetLink::Unknown
    );

    // A whole import: a new OPD, its operator, an operator of an existing OPD, an auditor.
    let written = h
        .store
        .import_people(
            PeopleImport {
                opds: vec![NewOpdRow {
                    code: "DISKOMINFO".into(),
                    name: "Dinas Kominfo".into(),
                    active: true,
                }],
                users: vec![
                    imported("op.kominfo", Some("diskominfo"), "inv-1"),
                    imported("op.dinkes2", Some("dinkes"), "inv-2"),
                    imported("auditor.baru", None, "inv-3"),
                ],
                invitations_expire_at: expires,
            },
            &admin_source,
            now,
        )
        .await
        .unwrap();
    assert_eq!(written.opds.len(), 1);
    assert_eq!(written.users.len(), 3);
    let kominfo = h.store.opd(written.opds[0]).await.unwrap().unwrap();
    assert_eq!(kominfo.code, "DISKOMINFO");
    let operator = h
        .store
        .user_by_username("op.kominfo")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(operator.user.opd_id, Some(kominfo.id));
    assert_eq!(operator.password_hash, NO_PASSWORD_YET);
    let dinkes2 = h
        .store
        .user_by_username("op.dinkes2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dinkes2.user.opd_id, Some(h.opd));
    let phones = h.store.webhook_handles().await.unwrap();
    assert_eq!(phones.get(&operator.user.id).unwrap(), "081234567890");
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "people.import");
    assert_eq!(event.source, "198.51.100.4");
    assert_eq!(event.detail["users"].as_array().unwrap().len(), 3);
    assert!(!event.detail.to_string().contains("inv-1"));

    // The invitation: not a recovery link, valid for its user, used once, refused after.
    assert_eq!(
        h.store.password_reset_link("inv-1", now).await.unwrap(),
        ResetLink::Unknown
    );
    assert_eq!(
        h.store
            .password_link(LinkKind::Invitation, "inv-1", now + Duration::days(7))
            .await
            .unwrap(),
        ResetLink::Expired
    );
    // Invitations are not recoveries: the per-account recovery limit does not count them.
    assert_eq!(
        h.store
            .password_resets_since(operator.user.id, now - Duration::hours(1))
            .await
            .unwrap(),
        0
    );
    let at = now + Duration::hours(1);
    let source = AuditSource {
        actor_id: Some(operator.user.id),
        actor_name: operator.user.full_name.clone(),
        address: "192.0.2.7".to_owned(),
    };
    let (first, second) = tokio::join!(
        h.store.set_password_by_link(
            LinkKind::Invitation,
            "inv-1",
            "$argon2id$first",
            &source,
            at
        ),
        h.store.set_password_by_link(
            LinkKind::Invitation,
            "inv-1",
            "$argon2id$second",
            &source,
            at
        ),
    );
    let outcomes = [first.unwrap(), second.unwrap()];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == ResetLink::Valid(operator.user.id))
            .count(),
        1,
        "{outcomes:?}"
    );
    assert!(outcomes.contains(&ResetLink::Spent), "{outcomes:?}");
    let after = h
        .store
        .user_by_username("op.kominfo")
        .await
        .unwrap()
        .unwrap();
    assert!(after.password_hash.starts_with("$argon2id$"));
    assert_eq!(
        h.store.recent_events(1).await.unwrap()[0].action,
        "user.invitation_accepted"
    );
    // A recovery link's use is no invitation's either.
    assert_eq!(
        h.store
            .recover_password("inv-2", "$argon2id$x", &source, at)
            .await
            .unwrap(),
        ResetLink::Unknown
    );
    assert!(h.store.verify_audit().await.unwrap().first_bad.is_none());
}
