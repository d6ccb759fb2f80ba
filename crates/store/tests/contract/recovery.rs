//! The contract of password recovery, on both backends: a link is found by its token's hash
//! (valid, expired, spent, unknown, or unknown once its user is disabled); using it sets the
//! password, ends every session of the user, spends every other link of theirs and appends
//! one event, in one write, exactly once; and accounts are found by email. An invitation
//! issued again spends the old one, and only for a user who has no password yet.

use chrono::Duration;
use pelihara_domain::Role;
use pelihara_store::AuditSource;
use pelihara_store::people::NewUser;
use pelihara_store::recovery::ResetLink;

use super::{Harness, harness, wib};

async fn a_link_sets_the_password_once_and_spends_the_others(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    let user = h.pelaksana.user.id;
    let later = now + Duration::hours(8);
    for id in ["s1", "s2"] {
        h.store
            .insert_session(id, Some(user), "{}", later)
            .await
            .unwrap();
    }
    h.store
        .insert_session("other", Some(h.kadis.user.id), "{}", later)
        .await
        .unwrap();
    let valid_until = now + Duration::minutes(30);
    for hash in ["hash-one", "hash-two"] {
        h.store
            .create_password_reset(user, hash, valid_until, &system, now)
            .await
            .unwrap();
    }
    h.store
        .create_password_reset(h.kadis.user.id, "hash-kadis", valid_until, &system, now)
        .await
        .unwrap();
    assert_eq!(
        h.store
            .password_resets_since(user, now - Duration::hours(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        h.store
            .password_resets_since(user, now + Duration::seconds(1))
            .await
            .unwrap(),
        0
    );
    let link = |hash: &'static str, at| {
        let store = h.store.clone();
        async move { store.password_reset_link(hash, at).await.unwrap() }
    };
    assert_eq!(link("hash-one", now).await, ResetLink::Valid(user));
    assert_eq!(link("hash-one", valid_until).await, ResetLink::Expired);
    assert_eq!(link("nope", now).await, ResetLink::Unknown);
    // Too late: nothing is written.
    let events_before = h.store.recent_events(1).await.unwrap()[0].seq;
    assert_eq!(
        h.store
            .recover_password("hash-one", "$argon2id$late", &system, valid_until)
            .await
            .unwrap(),
        ResetLink::Expired
    );
    assert_eq!(
        h.store.recent_events(1).await.unwrap()[0].seq,
        events_before
    );

    let at = now + Duration::minutes(10);
    assert_eq!(
        h.store
            .recover_password("hash-one", "$argon2id$new", &system, at)
            .await
            .unwrap(),
        ResetLink::Valid(user)
    );
    let stored = h.store.user(user).await.unwrap().unwrap();
    assert_eq!(stored.password_hash, "$argon2id$new");
    assert_eq!(h.store.session_count(user).await.unwrap(), 0);
    assert_eq!(h.store.session_count(h.kadis.user.id).await.unwrap(), 1);
    let events = h.store.recent_events(5).await.unwrap();
    assert_eq!(events[0].seq, events_before + 1, "one event");
    assert_eq!(events[0].action, "user.password_recovered");
    assert_eq!(events[0].detail["user_id"], user.to_string());
    // Used once; the user's other link is spent with it; another user's is not.
    assert_eq!(link("hash-one", at).await, ResetLink::Spent);
    assert_eq!(link("hash-two", at).await, ResetLink::Spent);
    assert_eq!(
        link("hash-kadis", at).await,
        ResetLink::Valid(h.kadis.user.id)
    );
    assert_eq!(
        h.store
            .recover_password("hash-two", "$argon2id$again", &system, at)
            .await
            .unwrap(),
        ResetLink::Spent
    );
    assert_eq!(
        h.store.user(user).await.unwrap().unwrap().password_hash,
        "$argon2id$new"
    );
    // A disabled user's link is worth nothing.
    h.store
        .set_user_active(h.kadis.user.id, false, &system, at)
        .await
        .unwrap();
    assert_eq!(link("hash-kadis", at).await, ResetLink::Unknown);
}

async fn two_uses_of_one_link_set_one_password(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    let user = h.pelaksana.user.id;
    h.store
        .create_password_reset(user, "hash-race", now + Duration::minutes(30), &system, now)
        .await
        .unwrap();
    let mut racers = Vec::new();
    for n in 0..8 {
        let store = h.store.clone();
        let system = system.clone();
        racers.push(tokio::spawn(async move {
            store
                .recover_password("hash-race", &format!("$argon2id${n}"), &system, now)
                .await
                .unwrap()
        }));
    }
    let mut won = 0;
    for racer in racers {
        match racer.await.unwrap() {
            ResetLink::Valid(_) => won += 1,
            other => assert_eq!(other, ResetLink::Spent),
        }
    }
    assert_eq!(won, 1);
    let events = h.store.recent_events(20).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|event| event.action == "user.password_recovered")
            .count(),
        1
    );
}

async fn accounts_are_found_by_email(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    for (username, email, active) in [
        ("rec.budi", "Budi@Contoh.go.id", true),
        ("rec.budi.dua", "budi@contoh.go.id", true),
        ("rec.budi.lama", "budi@contoh.go.id", false),
        ("rec.siti", "siti@contoh.go.id", true),
    ] {
        let id = h
            .store
            .create_user(
                NewUser {
                    username: username.into(),
                    full_name: username.into(),
                    nip: None,
                    email: Some(email.into()),
                    role: Role::Staff,
                    positions: Vec::new(),
                    opd_id: None,
                    password_hash: "$argon2id$x".into(),
                },
                &system,
                now,
            )
            .await
            .unwrap();
        if !active {
            h.store
                .set_user_active(id, false, &system, now)
                .await
                .unwrap();
        }
    }
    let names = |list: Vec<pelihara_store::people::StoredUser>| -> Vec<String> {
        list.into_iter().map(|user| user.user.username).collect()
    };
    assert_eq!(
        names(
            h.store
                .users_by_email(" BUDI@contoh.go.id ", 5)
                .await
                .unwrap()
        ),
        ["rec.budi", "rec.budi.dua"]
    );
    assert_eq!(
        names(
            h.store
                .users_by_email("budi@contoh.go.id", 1)
                .await
                .unwrap()
        ),
        ["rec.budi"]
    );
    assert!(h.store.users_by_email("", 5).await.unwrap().is_empty());
    assert!(
        h.store
            .users_by_email("tidak@ada.id", 5)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn an_invitation_issued_again_spends_the_old_one(h: Harness) {
    use pelihara_store::people_import::NO_PASSWORD_YET;
    use pelihara_store::recovery::LinkKind;
    let now = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    let invited = h
        .store
        .create_user(
            NewUser {
                username: "diundang".into(),
                full_name: "Pegawai Diundang".into(),
                nip: None,
                email: None,
                role: Role::Staff,
                positions: vec!["pelaksana".into()],
                opd_id: None,
                password_hash: NO_PASSWORD_YET.into(),
            },
            &system,
            now,
        )
        .await
        .unwrap();
    let week = now + Duration::days(7);
    assert!(
        h.store
            .reissue_invitation(invited, "first", week, &system, now)
            .await
            .unwrap()
    );
    let later = now + Duration::days(8);
    assert_eq!(
        h.store
            .password_link(LinkKind::Invitation, "first", later)
            .await
            .unwrap(),
        ResetLink::Expired
    );
    assert!(
        h.store
            .reissue_invitation(invited, "second", later + Duration::days(7), &system, later)
            .await
            .unwrap()
    );
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "user.invitation_reissued");
    assert_eq!(
        h.store
            .password_link(LinkKind::Invitation, "first", later)
            .await
            .unwrap(),
        ResetLink::Spent
    );
    assert_eq!(
        h.store
            .password_link(LinkKind::Invitation, "second", later)
            .await
            .unwrap(),
        ResetLink::Valid(invited)
    );
    // Accepted: nothing left to issue again, nothing written.
    assert_eq!(
        h.store
            .set_password_by_link(LinkKind::Invitation, "second", "a-hash", &system, later)
            .await
            .unwrap(),
        ResetLink::Valid(invited)
    );
    assert!(
        !h.store
            .reissue_invitation(invited, "third", later + Duration::days(7), &system, later)
            .await
            .unwrap()
    );
    // Nor for someone with a password, or nobody.
    assert!(
        !h.store
            .reissue_invitation(h.pelaksana.user.id, "fourth", week, &system, now)
            .await
            .unwrap()
    );
    assert_eq!(
        h.store.recent_events(1).await.unwrap()[0].action,
        "user.invitation_accepted"
    );
}

contract!(
    a_link_sets_the_password_once_and_spends_the_others,
    accounts_are_found_by_email,
    an_invitation_issued_again_spends_the_old_one,
);

mod racing {
    use super::*;

    contract!(workers = 4; two_uses_of_one_link_set_one_password);
}
