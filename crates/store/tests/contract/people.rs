//! The contract of the admin's changes to people, on both backends: editing a user (a
//! changed role, position or OPD ends their sessions; a new name does not), setting a
//! password (every session ends, the hash never reaches the audit trail), and deactivating
//! an OPD (its operators' sessions end and they may not sign in or act; others are untouched).

use chrono::Duration;
use pelihara_domain::{Role, UserId};
use pelihara_store::people::UserEdit;
use pelihara_store::{AuditSource, StoreError};

use super::{Harness, harness, wib};

async fn sessions(h: &Harness, user: UserId, ids: &[&str]) {
    let later = wib(2026, 11, 2, 8, 0) + Duration::hours(8);
    for id in ids {
        h.store
            .insert_session(id, Some(user), "{}", later)
            .await
            .unwrap();
    }
}

async fn editing_a_user_ends_sessions_only_when_permissions_change(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let admin = AuditSource::cli("admin");
    let user = h.pelaksana.user.id;
    sessions(&h, user, &["a", "b"]).await;
    let mut edit = UserEdit {
        full_name: "Budi Pelaksana".into(),
        email: Some("budi@demakkab.go.id".into()),
        role: Role::Staff,
        positions: h.pelaksana.user.positions.clone(),
        opd_id: None,
    };
    let outcome = h.store.update_user(user, &edit, &admin, now).await.unwrap();
    assert!(!outcome.unwrap().sessions_ended);
    assert_eq!(h.store.session_count(user).await.unwrap(), 2);
    let stored = h.store.user(user).await.unwrap().unwrap();
    assert_eq!(stored.user.full_name, "Budi Pelaksana");
    assert_eq!(stored.email.as_deref(), Some("budi@demakkab.go.id"));
    let event = h.store.recent_events(1).await.unwrap().remove(0);
    assert_eq!(event.action, "user.update");
    assert_eq!(
        event.detail["before"]["full_name"],
        h.pelaksana.user.full_name
    );

    edit.positions.push("tim_jaringan".into());
    let outcome = h.store.update_user(user, &edit, &admin, now).await.unwrap();
    assert!(outcome.unwrap().sessions_ended);
    assert_eq!(h.store.session_count(user).await.unwrap(), 0);
    let stored = h.store.user(user).await.unwrap().unwrap();
    assert_eq!(stored.user.positions.len(), 2);
    assert!(
        h.store
            .update_user(UserId::random(), &edit, &admin, now)
            .await
            .unwrap()
            .is_none()
    );
}

async fn setting_a_password_ends_every_session(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let user = h.kadis.user.id;
    sessions(&h, user, &["k1", "k2"]).await;
    sessions(&h, h.pelaksana.user.id, &["p1"]).await;
    h.store
        .set_password(
            user,
            "$argon2id$new",
            false,
            &AuditSource::cli("admin"),
            now,
        )
        .await
        .unwrap();
    assert_eq!(h.store.session_count(user).await.unwrap(), 0);
    assert_eq!(h.store.session_count(h.pelaksana.user.id).await.unwrap(), 1);
    let stored = h.store.user(user).await.unwrap().unwrap();
    assert_eq!(stored.password_hash, "$argon2id$new");
    let event = h.store.recent_events(1).await.unwrap().remove(0);
    assert_eq!(event.action, "user.password_reset");
    assert!(!event.detail.to_string().contains("argon2"));
}

async fn a_deactivated_opd_stops_its_operators(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let admin = AuditSource::cli("admin");
    let operator = h.operator.user.id;
    let other = h.other_operator.user.id;
    sessions(&h, operator, &["o1"]).await;
    sessions(&h, other, &["o2"]).await;
    assert!(
        h.store
            .set_opd_active(h.opd, false, &admin, now)
            .await
            .unwrap()
    );
    assert_eq!(h.store.session_count(operator).await.unwrap(), 0);
    assert_eq!(h.store.session_count(other).await.unwrap(), 1);
    let stored = h.store.user(operator).await.unwrap().unwrap();
    assert!(stored.user.active, "the account itself is untouched");
    assert!(!stored.opd_active && !stored.may_sign_in());
    let listed = h.store.list_users().await.unwrap();
    assert!(
        listed
            .iter()
            .find(|user| user.user.id == operator)
            .is_some_and(|user| !user.may_sign_in())
    );
    assert!(
        !h.store.actor(operator).await.unwrap().unwrap().user.active,
        "the engine sees an inactive actor"
    );
    assert!(h.store.actor(other).await.unwrap().unwrap().user.active);
    assert!(
        h.store
            .user(h.pelaksana.user.id)
            .await
            .unwrap()
            .unwrap()
            .may_sign_in(),
        "users without an OPD are unaffected"
    );
    let event = h.store.recent_events(1).await.unwrap().remove(0);
    assert_eq!(event.action, "opd.set_active");
    assert!(
        h.store
            .set_opd_active(h.opd, true, &admin, now)
            .await
            .unwrap()
    );
    assert!(h.store.user(operator).await.unwrap().unwrap().may_sign_in());
    assert!(
        !h.store
            .set_opd_active(pelihara_domain::OpdId::random(), false, &admin, now)
            .await
            .unwrap()
    );
}

contract!(
    the_first_administrator_is_created_once,
    editing_a_user_ends_sessions_only_when_permissions_change,
    setting_a_password_ends_every_session,
    a_deactivated_opd_stops_its_operators,
);

/// Two first administrators at once (two setup commands racing): exactly one is created, on
/// either backend; once one exists every later attempt is refused.
async fn the_first_administrator_is_created_once(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let source = AuditSource::cli("test");
    let new = |username: &str| pelihara_store::people::NewUser {
        username: username.to_owned(),
        full_name: "Admin".into(),
        nip: None,
        email: None,
        role: Role::Admin,
        positions: Vec::new(),
        opd_id: None,
        password_hash: "not-a-real-hash".into(),
    };
    let (first, second) = tokio::join!(
        h.store.create_first_admin(new("satu"), &source, now),
        h.store.create_first_admin(new("dua"), &source, now),
    );
    assert_eq!(
        usize::from(first.is_ok()) + usize::from(second.is_ok()),
        1,
        "{first:?} {second:?}"
    );
    assert!(matches!(
        h.store.create_first_admin(new("tiga"), &source, now).await,
        Err(StoreError::Duplicate("administrator"))
    ));
}
