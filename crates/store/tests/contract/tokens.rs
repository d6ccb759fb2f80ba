//! The contract of API tokens and idempotency keys on both backends: a token is found by its
//! hash alone, works until it expires or is revoked (only by its owner), notes its last use at
//! most once a minute, and creating and revoking are audited; a submission under a claimed
//! `Idempotency-Key` writes nothing and names the first case.

use chrono::Duration;
use pelihara_domain::Command;
use pelihara_store::{
    ActWith, IdempotencyKey, IdempotencyKind, NewToken, StoreError, SubmitWith, TokenScope,
};

use super::{Harness, harness, register_letter, wib};

fn new_token(h: &Harness, prefix: &str, hash: &str) -> NewToken {
    NewToken {
        user_id: h.operator.user.id,
        prefix: prefix.into(),
        secret_hash: hash.into(),
        name: "Sistem persuratan".into(),
        scopes: vec![TokenScope::Submit, TokenScope::Read, TokenScope::Read],
        expires_at: wib(2026, 12, 2, 9, 0),
    }
}

async fn tokens_work_until_revoked_or_expired(h: Harness) {
    let now = wib(2026, 11, 2, 9, 0);
    let source = h.source(&h.operator);
    let events = h.store.verify_audit().await.unwrap().events;
    let made = h
        .store
        .create_token(new_token(&h, "plh_0000aaaa", &"a".repeat(64)), &source, now)
        .await
        .unwrap();
    // Scopes are kept once each, in their fixed order.
    assert_eq!(made.scopes, [TokenScope::Read, TokenScope::Submit]);
    let found = h
        .store
        .token_by_hash(&"a".repeat(64))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, made);
    assert!(found.is_live(now) && found.has(TokenScope::Read) && !found.has(TokenScope::Act));
    assert!(
        !found.is_live(wib(2026, 12, 2, 9, 0)),
        "expired at its moment"
    );
    assert!(
        h.store
            .token_by_hash(&"b".repeat(64))
            .await
            .unwrap()
            .is_none()
    );
    // A prefix names one token only.
    let clash = h
        .store
        .create_token(new_token(&h, "plh_0000aaaa", &"c".repeat(64)), &source, now)
        .await
        .unwrap_err();
    assert!(matches!(clash, StoreError::Duplicate(_)), "{clash}");
    assert_eq!(
        h.store
            .live_token_count(h.operator.user.id, now)
            .await
            .unwrap(),
        1
    );

    // Last use: written, then not again within the minute.
    h.store.touch_token(&found, now).await.unwrap();
    let used = h
        .store
        .token_by_hash(&"a".repeat(64))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.last_used_at, Some(now));
    h.store
        .touch_token(&used, now + Duration::seconds(30))
        .await
        .unwrap();
    let used = h
        .store
        .token_by_hash(&"a".repeat(64))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.last_used_at, Some(now));
    h.store
        .touch_token(&used, now + Duration::minutes(2))
        .await
        .unwrap();
    let used = h
        .store
        .token_by_hash(&"a".repeat(64))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.last_used_at, Some(now + Duration::minutes(2)));

    // Only its owner revokes it, once.
    let other = h.source(&h.other_operator);
    assert!(
        !h.store
            .revoke_token(h.other_operator.user.id, made.id, &other, now)
            .await
            .unwrap()
    );
    assert!(
        h.store
            .revoke_token(h.operator.user.id, made.id, &source, now)
            .await
            .unwrap()
    );
    assert!(
        !h.store
            .revoke_token(h.operator.user.id, made.id, &source, now)
            .await
            .unwrap()
    );
    let revoked = h
        .store
        .token_by_hash(&"a".repeat(64))
        .await
        .unwrap()
        .unwrap();
    assert!(!revoked.is_live(now));
    assert_eq!(
        h.store
            .live_token_count(h.operator.user.id, now)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        h.store.tokens_of(h.operator.user.id).await.unwrap().len(),
        1
    );
    // One event to create, one to revoke; the refused ones wrote none.
    let report = h.store.verify_audit().await.unwrap();
    assert_eq!(report.events, events + 2);
    assert_eq!(report.first_bad, None);
}

async fn an_idempotency_key_makes_one_case(h: Harness) {
    let now = wib(2026, 11, 2, 9, 0);
    let key = IdempotencyKey {
        owner: h.operator.user.id,
        key: "surat-440-17".into(),
        request_hash: "h1".into(),
        kind: IdempotencyKind::Submission,
    };
    let with = || SubmitWith {
        idempotency: Some(key.clone()),
        ..SubmitWith::default()
    };
    let source = h.source(&h.operator);
    let first = h
        .store
        .submit_request(
            &h.sop,
            &h.calendar,
            &h.operator,
            h.submit_input().await,
            with(),
            now,
            &source,
        )
        .await
        .unwrap();
    let events = h.store.verify_audit().await.unwrap().events;
    let again = h
        .store
        .submit_request(
            &h.sop,
            &h.calendar,
            &h.operator,
            h.submit_input().await,
            with(),
            now,
            &source,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::Duplicate("idempotency key")),
        "{again}"
    );
    assert_eq!(
        h.store.verify_audit().await.unwrap().events,
        events,
        "nothing written"
    );
    assert_eq!(h.store.list_cases(None, 10).await.unwrap().len(), 1);
    let claimed = h
        .store
        .idempotent_submission(h.operator.user.id, "surat-440-17")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.case_id(), first.case.id);
    assert_eq!(claimed.kind, IdempotencyKind::Submission);
    assert_eq!(claimed.request_hash, "h1");
    // Keys are per user: another user's same key is theirs.
    assert!(
        h.store
            .idempotent_submission(h.other_operator.user.id, "surat-440-17")
            .await
            .unwrap()
            .is_none()
    );
}

/// An action pinned to the version the client read is written over that version or not at
/// all: when the case moved on between the client's read and the write, the store does not
/// retry on the newer state (which an unpinned action does), and writes nothing.
async fn a_pinned_action_lands_only_on_the_version_it_named(h: Harness) {
    let t = wib(2026, 11, 2, 9, 0);
    let case = h.submit(t).await;
    let read = h.store.case_state(case.case.id).await.unwrap().unwrap();
    let version = read.case.version;
    // Meanwhile the Pelaksana claims the task: a new version, the registration still open.
    h.act(case.case.id, &h.pelaksana, t, Command::Claim).await;
    let events = h.store.verify_audit().await.unwrap().events;
    let pinned = ActWith {
        expected_version: Some(version),
        idempotency: None,
    };
    let stale = h
        .store
        .act_on_with(
            &h.catalog,
            &h.calendar,
            &h.agenda,
            read.clone(),
            &h.pelaksana,
            None,
            register_letter(),
            pinned,
            t,
            &h.source(&h.pelaksana),
        )
        .await
        .unwrap_err();
    assert!(matches!(stale, StoreError::Stale), "{stale}");
    let now = h.store.case_state(case.case.id).await.unwrap().unwrap();
    assert_eq!(now.case.version, version + 1);
    assert!(now.case.agenda.is_none(), "not registered");
    assert_eq!(h.store.verify_audit().await.unwrap().events, events);
    // Named with the current version, it is taken.
    let current = ActWith {
        expected_version: Some(now.case.version),
        idempotency: None,
    };
    let acted = h
        .store
        .act_on_with(
            &h.catalog,
            &h.calendar,
            &h.agenda,
            now.clone(),
            &h.pelaksana,
            None,
            register_letter(),
            current,
            t,
            &h.source(&h.pelaksana),
        )
        .await
        .unwrap();
    assert!(acted.case.agenda.is_some());
}

/// An action's `Idempotency-Key` is claimed with the action: the same key again acts on
/// nothing (`Duplicate`), names the case, and writes no event.
async fn an_idempotency_key_takes_one_action(h: Harness) {
    let t = wib(2026, 11, 2, 9, 0);
    let case = h.submit(t).await;
    let key = IdempotencyKey {
        owner: h.pelaksana.user.id,
        key: "register-1".into(),
        request_hash: "a1".into(),
        kind: IdempotencyKind::Action,
    };
    let with = || ActWith {
        expected_version: None,
        idempotency: Some(key.clone()),
    };
    let state = h.store.case_state(case.case.id).await.unwrap().unwrap();
    h.store
        .act_on_with(
            &h.catalog,
            &h.calendar,
            &h.agenda,
            state,
            &h.pelaksana,
            None,
            Command::Claim,
            with(),
            t,
            &h.source(&h.pelaksana),
        )
        .await
        .unwrap();
    let events = h.store.verify_audit().await.unwrap().events;
    let state = h.store.case_state(case.case.id).await.unwrap().unwrap();
    let version = state.case.version;
    let again = h
        .store
        .act_on_with(
            &h.catalog,
            &h.calendar,
            &h.agenda,
            state,
            &h.pelaksana,
            None,
            register_letter(),
            with(),
            t,
            &h.source(&h.pelaksana),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::Duplicate("idempotency key")),
        "{again}"
    );
    assert_eq!(h.store.verify_audit().await.unwrap().events, events);
    let after = h.store.case_state(case.case.id).await.unwrap().unwrap();
    assert_eq!(after.case.version, version, "nothing written");
    let claimed = h
        .store
        .idempotent_submission(h.pelaksana.user.id, "register-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.kind, IdempotencyKind::Action);
    assert_eq!(claimed.case_id(), case.case.id);
}

/// A new app of the register claims its key in the same write: the same key again adds
/// nothing and names the first app.
async fn an_idempotency_key_adds_one_app(h: Harness) {
    let t = wib(2026, 11, 2, 9, 0);
    let key = IdempotencyKey {
        owner: h.pelaksana.user.id,
        key: "app-1".into(),
        request_hash: "b1".into(),
        kind: IdempotencyKind::App,
    };
    let fields = pelihara_domain::register::AppFields {
        name: "E-Kinerja".into(),
        status: "active".into(),
        ..Default::default()
    };
    let source = h.source(&h.pelaksana);
    let before = h.store.list_apps(None).await.unwrap().len();
    let first = h
        .store
        .create_register_app_with(h.opd, &fields, Some(key.clone()), &source, t)
        .await
        .unwrap();
    let events = h.store.verify_audit().await.unwrap().events;
    let again = h
        .store
        .create_register_app_with(h.opd, &fields, Some(key), &source, t)
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::Duplicate("idempotency key")),
        "{again}"
    );
    assert_eq!(h.store.verify_audit().await.unwrap().events, events);
    assert_eq!(h.store.list_apps(None).await.unwrap().len(), before + 1);
    let claimed = h
        .store
        .idempotent_submission(h.pelaksana.user.id, "app-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (claimed.kind, claimed.target),
        (IdempotencyKind::App, first.0)
    );
}

/// A service account is a user without a password: no password matches its hash, none can be
/// set, and its creation is audited.
async fn a_service_account_never_has_a_password(h: Harness) {
    let t = wib(2026, 11, 2, 9, 0);
    let admin = h.source(&h.pelaksana);
    let events = h.store.verify_audit().await.unwrap().events;
    let id = h
        .store
        .create_service_account(
            pelihara_store::people::NewServiceAccount {
                username: "sistem.dinkes".into(),
                full_name: "Sistem persuratan Dinkes".into(),
                role: pelihara_domain::Role::OpdOperator,
                positions: Vec::new(),
                opd_id: Some(h.opd),
            },
            &admin,
            t,
        )
        .await
        .unwrap();
    assert_eq!(h.store.verify_audit().await.unwrap().events, events + 1);
    let stored = h.store.user(id).await.unwrap().unwrap();
    assert!(stored.service_account && stored.may_sign_in());
    assert_eq!(stored.password_hash, pelihara_store::people::NO_PASSWORD);
    assert_eq!(stored.email, None);
    let listed = h.store.service_accounts().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].user.id, id);
    // No password is ever set on it; nothing is written.
    let refused = h
        .store
        .set_password(id, "$argon2id$v=19$...", false, &admin, t)
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::Refused(_)), "{refused}");
    assert_eq!(h.store.verify_audit().await.unwrap().events, events + 1);
    // Its name is taken like any user's.
    let clash = h
        .store
        .create_service_account(
            pelihara_store::people::NewServiceAccount {
                username: "sistem.dinkes".into(),
                full_name: "Lain".into(),
                role: pelihara_domain::Role::Staff,
                positions: vec!["pelaksana".into()],
                opd_id: None,
            },
            &admin,
            t,
        )
        .await
        .unwrap_err();
    assert!(matches!(clash, StoreError::Duplicate(_)), "{clash}");
    // An ordinary user is no service account.
    let operator = h.store.user(h.operator.user.id).await.unwrap().unwrap();
    assert!(!operator.service_account);
}

contract!(
    tokens_work_until_revoked_or_expired,
    an_idempotency_key_adds_one_app,
    a_service_account_never_has_a_password,
    an_idempotency_key_makes_one_case,
    a_pinned_action_lands_only_on_the_version_it_named,
    an_idempotency_key_takes_one_action,
);
