//! The contract of API tokens and idempotency keys on both backends: a token is found by its
//! hash alone, works until it expires or is revoked (only by its owner), notes its last use at
//! most once a minute, and creating and revoking are audited; a submission under a claimed
//! `Idempotency-Key` writes nothing and names the first case.

use chrono::Duration;
use pelihara_store::{IdempotencyKey, NewToken, StoreError, SubmitWith, TokenScope};

use super::{Harness, harness, wib};

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
            h.submit_input(),
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
            h.submit_input(),
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
    assert_eq!(claimed.case_id, first.case.id);
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

contract!(
    tokens_work_until_revoked_or_expired,
    an_idempotency_key_makes_one_case,
);
