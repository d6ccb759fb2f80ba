//! The contract of two-factor sign-in, on both backends: TOTP is stored only when enabled and
//! gone when disabled (with its recovery codes); a time step is accepted only once and never
//! an older one; a recovery code works once, and of several uses of one at once exactly one
//! wins; replacing the codes voids the old ones; the roles' requirement defaults to
//! administrators and is audited when changed.

use chrono::Duration;
use pelihara_domain::Role;
use pelihara_store::AuditSource;

use super::{Harness, harness, wib};

fn hashes(prefix: &str) -> Vec<String> {
    (0..10).map(|n| format!("{prefix}-{n}")).collect()
}

async fn actions(h: &Harness, limit: i64) -> Vec<String> {
    h.store
        .recent_events(limit)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.action)
        .collect()
}

async fn enable_disable_and_the_last_step(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    let user = h.pelaksana.user.id;
    assert_eq!(h.store.totp(user).await.unwrap(), None);
    // Nothing to accept while TOTP is off.
    assert!(!h.store.accept_totp_step(user, 100).await.unwrap());
    assert!(
        !h.store
            .replace_recovery_codes(user, &hashes("x"), &system, now)
            .await
            .unwrap()
    );
    assert!(!h.store.disable_totp(user, &system, now).await.unwrap());

    assert!(
        h.store
            .enable_totp(user, "JBSWY3DPEHPK3PXP", 100, &hashes("a"), &system, now)
            .await
            .unwrap()
    );
    let stored = h.store.totp(user).await.unwrap().unwrap();
    assert_eq!(stored.secret, "JBSWY3DPEHPK3PXP");
    assert_eq!(stored.last_step, 100);
    assert_eq!(stored.enabled_at, now);
    assert_eq!(h.store.unused_recovery_codes(user).await.unwrap(), 10);
    assert_eq!(actions(&h, 1).await, ["auth.totp_enabled"]);
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert!(
        !event.detail.to_string().contains("JBSWY3DPEHPK3PXP"),
        "the secret is never in the audit trail"
    );
    // A second enrolment (another tab) changes nothing.
    assert!(
        !h.store
            .enable_totp(user, "OTHERSECRETOTHER", 200, &hashes("b"), &system, now)
            .await
            .unwrap()
    );
    assert_eq!(
        h.store.totp(user).await.unwrap().unwrap().secret,
        "JBSWY3DPEHPK3PXP"
    );

    // The confirming step and older ones are refused; a later one once.
    assert!(!h.store.accept_totp_step(user, 100).await.unwrap());
    assert!(!h.store.accept_totp_step(user, 99).await.unwrap());
    assert!(h.store.accept_totp_step(user, 101).await.unwrap());
    assert!(!h.store.accept_totp_step(user, 101).await.unwrap());
    // A code of the next step (the window's edge) moves it on: the current step is then old.
    assert!(h.store.accept_totp_step(user, 103).await.unwrap());
    assert!(!h.store.accept_totp_step(user, 102).await.unwrap());
    assert_eq!(h.store.totp(user).await.unwrap().unwrap().last_step, 103);
    // Another user's steps are their own.
    assert!(
        !h.store
            .accept_totp_step(h.kadis.user.id, 500)
            .await
            .unwrap()
    );

    assert!(h.store.disable_totp(user, &system, now).await.unwrap());
    assert_eq!(h.store.totp(user).await.unwrap(), None);
    assert_eq!(h.store.unused_recovery_codes(user).await.unwrap(), 0);
    assert_eq!(actions(&h, 1).await, ["auth.totp_disabled"]);
    assert!(!h.store.disable_totp(user, &system, now).await.unwrap());
    // Enabled again with a new secret: the steps start over from its confirmation.
    assert!(
        h.store
            .enable_totp(user, "NEWSECRETNEWSECR", 50, &hashes("c"), &system, now)
            .await
            .unwrap()
    );
    assert!(h.store.accept_totp_step(user, 51).await.unwrap());
    assert_eq!(h.store.verify_audit().await.unwrap().first_bad, None);
}

async fn recovery_codes_work_once(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    let user = h.pelaksana.user.id;
    h.store
        .enable_totp(user, "JBSWY3DPEHPK3PXP", 1, &hashes("a"), &system, now)
        .await
        .unwrap();
    let later = now + Duration::minutes(5);
    assert!(
        h.store
            .use_recovery_code(user, "a-3", &system, later)
            .await
            .unwrap()
    );
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "auth.totp_recovery_used");
    assert_eq!(event.detail["left"], 9);
    assert_eq!(h.store.unused_recovery_codes(user).await.unwrap(), 9);
    let seq = event.seq;
    // Spent, unknown, or another user's: refused, nothing written.
    assert!(
        !h.store
            .use_recovery_code(user, "a-3", &system, later)
            .await
            .unwrap()
    );
    assert!(
        !h.store
            .use_recovery_code(user, "nope", &system, later)
            .await
            .unwrap()
    );
    assert!(
        !h.store
            .use_recovery_code(h.kadis.user.id, "a-4", &system, later)
            .await
            .unwrap()
    );
    assert_eq!(h.store.recent_events(1).await.unwrap()[0].seq, seq);

    // New codes void every old one, used or not.
    assert!(
        h.store
            .replace_recovery_codes(user, &hashes("b"), &system, later)
            .await
            .unwrap()
    );
    assert_eq!(actions(&h, 1).await, ["auth.totp_recovery_regenerated"]);
    assert_eq!(h.store.unused_recovery_codes(user).await.unwrap(), 10);
    assert!(
        !h.store
            .use_recovery_code(user, "a-4", &system, later)
            .await
            .unwrap()
    );
    assert!(
        h.store
            .use_recovery_code(user, "b-4", &system, later)
            .await
            .unwrap()
    );
}

async fn the_requirement_defaults_to_administrators(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let admin = AuditSource::cli("test");
    assert_eq!(h.store.totp_required_roles().await.unwrap(), [Role::Admin]);
    h.store
        .set_totp_required_roles(&[Role::Admin, Role::Staff], &admin, now)
        .await
        .unwrap();
    assert_eq!(
        h.store.totp_required_roles().await.unwrap(),
        [Role::Admin, Role::Staff]
    );
    let event = &h.store.recent_events(1).await.unwrap()[0];
    assert_eq!(event.action, "auth.totp_requirement_changed");
    assert_eq!(event.detail["before"], "admin");
    assert_eq!(event.detail["roles"], "admin,staff");
    // None at all is a choice too, not the default.
    h.store
        .set_totp_required_roles(&[], &admin, now)
        .await
        .unwrap();
    assert!(h.store.totp_required_roles().await.unwrap().is_empty());
}

contract!(
    enable_disable_and_the_last_step,
    recovery_codes_work_once,
    the_requirement_defaults_to_administrators,
);

async fn one_recovery_code_used_at_once_wins_once(h: Harness) {
    let now = wib(2026, 11, 2, 8, 0);
    let system = AuditSource::cli("test");
    let user = h.pelaksana.user.id;
    h.store
        .enable_totp(user, "JBSWY3DPEHPK3PXP", 1, &hashes("a"), &system, now)
        .await
        .unwrap();
    let mut racers = Vec::new();
    for _ in 0..8 {
        let store = h.store.clone();
        let system = system.clone();
        racers.push(tokio::spawn(async move {
            store
                .use_recovery_code(user, "a-0", &system, now)
                .await
                .unwrap()
        }));
    }
    let mut steps = Vec::new();
    for _ in 0..8 {
        let store = h.store.clone();
        steps.push(tokio::spawn(async move {
            store.accept_totp_step(user, 2).await.unwrap()
        }));
    }
    let mut won = 0;
    for racer in racers {
        if racer.await.unwrap() {
            won += 1;
        }
    }
    assert_eq!(won, 1, "exactly one use of one recovery code wins");
    let mut accepted = 0;
    for step in steps {
        if step.await.unwrap() {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 1, "exactly one use of one code wins");
    let events = h.store.recent_events(30).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|event| event.action == "auth.totp_recovery_used")
            .count(),
        1
    );
    assert_eq!(h.store.unused_recovery_codes(user).await.unwrap(), 9);
}

mod racing {
    use super::*;

    contract!(workers = 4; one_recovery_code_used_at_once_wins_once);
}
