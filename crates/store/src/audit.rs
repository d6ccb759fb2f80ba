//! The audit trail: every change appends one event holding the SHA-256 of the previous event
//! and of its own canonical content; the database refuses UPDATE and DELETE on events (see
//! the migrations), and `verify` walks the chain and names the first bad event. Never edits
//! or removes an event.

use chrono::{DateTime, Utc};
use pelihara_domain::{Acting, UserId};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::codec::{millis, opt_to_json};
use crate::write_conn::WriteConn;
use crate::{Backend, Result, Store, WriteTx};

/// Who acted, and from where (the client address, or `cli`).
#[derive(Debug, Clone)]
pub struct AuditSource {
    pub actor_id: Option<UserId>,
    pub actor_name: String,
    pub address: String,
}

impl AuditSource {
    /// The command line, acting as the system.
    pub fn cli(what: &str) -> AuditSource {
        AuditSource {
            actor_id: None,
            actor_name: format!("sistem ({what})"),
            address: "cli".into(),
        }
    }
}

/// The content an event's hash covers, in a fixed field order.
#[derive(Serialize)]
struct Canonical<'a> {
    seq: i64,
    at: i64,
    actor_id: Option<&'a str>,
    actor_name: &'a str,
    acting: Option<&'a str>,
    action: &'a str,
    case_id: Option<&'a str>,
    step_no: Option<i64>,
    detail: &'a str,
    source: &'a str,
    prev_hash: &'a str,
}

fn event_hash(canonical: &Canonical<'_>) -> String {
    // Serialising strings and integers cannot fail.
    let bytes = serde_json::to_vec(canonical).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

/// An event to append.
pub struct NewEvent<'a> {
    pub at: DateTime<Utc>,
    pub source: &'a AuditSource,
    pub acting: &'a Option<Acting>,
    pub action: &'a str,
    pub case_id: Option<String>,
    pub step_no: Option<u32>,
    pub detail: &'a serde_json::Value,
}

/// Appends an event inside the caller's transaction; returns its sequence number. Comes
/// after the action's own writes: on PostgreSQL every writer takes its rows first and the
/// head's lock last, so two transactions never take them the other way round (no deadlock).
pub(crate) async fn append(
    conn: &mut WriteConn<'_>,
    backend: Backend,
    event: NewEvent<'_>,
) -> Result<i64> {
    // On PostgreSQL several nodes write: the head row lock orders them. On SQLite the write
    // transaction already holds the database lock. The bound id lets sqlx keep the statement
    // prepared (it prepares statements without parameters anew each time).
    let head_query = match backend {
        Backend::Postgres => "select seq, hash from audit_head where id = $1 for update",
        Backend::Sqlite => "select seq, hash from audit_head where id = $1",
    };
    let head = conn.fetch_one(head_query, vec![1_i64.into()]).await?;
    let prev_seq = head.int(0)?;
    let prev_hash = head.text(1)?;
    let seq = prev_seq + 1;
    let actor_id = event.source.actor_id.map(|id| id.to_string());
    let acting = opt_to_json(event.acting)?;
    let detail = serde_json::to_string(event.detail)?;
    let at = millis(event.at);
    let step_no = event.step_no.map(i64::from);
    let hash = event_hash(&Canonical {
        seq,
        at,
        actor_id: actor_id.as_deref(),
        actor_name: &event.source.actor_name,
        acting: acting.as_deref(),
        action: event.action,
        case_id: event.case_id.as_deref(),
        step_no,
        detail: &detail,
        source: &event.source.address,
        prev_hash: &prev_hash,
    });
    conn.execute(
        "insert into audit_events (seq, at, actor_id, actor_name, acting_json, action, case_id, \
         step_no, detail_json, source, prev_hash, hash) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        vec![
            seq.into(),
            at.into(),
            actor_id.into(),
            event.source.actor_name.clone().into(),
            acting.into(),
            event.action.into(),
            event.case_id.into(),
            step_no.into(),
            detail.into(),
            event.source.address.clone().into(),
            prev_hash.into(),
            hash.clone().into(),
        ],
    )
    .await?;
    conn.execute(
        "update audit_head set seq = $1, hash = $2 where id = 1",
        vec![seq.into(), hash.into()],
    )
    .await?;
    Ok(seq)
}

/// An event as stored (without its hashes).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor_name: String,
    pub action: String,
    pub detail: serde_json::Value,
    /// Where the actor acted from: the client address, or `cli`.
    pub source: String,
}

/// What is wrong with the first bad event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyProblem {
    /// An event's content no longer matches its hash (changed).
    ContentChanged,
    /// An event does not follow the one before it (inserted, removed or swapped).
    ChainBroken,
    /// Sequence numbers skip (an event was removed).
    Missing,
    /// The chain ends before the recorded head (the tail was cut), or runs past it.
    HeadMismatch { head_seq: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: i64,
    pub head_seq: i64,
    /// The first bad event's sequence number and what is wrong with it.
    pub first_bad: Option<(i64, VerifyProblem)>,
}

/// A change that is not a case action (an OPD, a user, a setting): who made it, when, and
/// what its audit event records.
pub struct Change<'a> {
    pub source: &'a AuditSource,
    pub at: DateTime<Utc>,
    pub action: &'a str,
    pub detail: serde_json::Value,
}

impl Store {
    /// Runs `write` and appends the change's audit event in one write transaction: either
    /// both are stored or neither.
    pub(crate) async fn write_with_event<T>(
        &self,
        change: Change<'_>,
        write: impl AsyncFnOnce(&mut WriteTx) -> Result<T>,
    ) -> Result<T> {
        let mut tx = self.begin_write().await?;
        let value = write(&mut tx).await?;
        append(
            &mut WriteConn::Sqlx(&mut tx),
            self.backend,
            NewEvent {
                at: change.at,
                source: change.source,
                acting: &None,
                action: change.action,
                case_id: None,
                step_no: None,
                detail: &change.detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(value)
    }

    /// Appends an event that changes nothing else (a sign-in, an export).
    pub async fn record_event(
        &self,
        source: &AuditSource,
        action: &str,
        detail: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let change = Change {
            source,
            at,
            action,
            detail,
        };
        self.write_with_event(change, async |_tx| Ok(())).await
    }

    /// The last `limit` events, newest first (what just happened: tests, an admin's view).
    pub async fn recent_events(&self, limit: i64) -> Result<Vec<StoredEvent>> {
        self.events_before(None, limit).await
    }

    /// At most `limit` events older than the one numbered `before` (the newest when `None`),
    /// newest first: a page of the audit trail, read by its primary key.
    pub async fn events_before(&self, before: Option<i64>, limit: i64) -> Result<Vec<StoredEvent>> {
        let rows = match before {
            Some(before) => {
                sqlx::query(
                    "select seq, at, actor_id, actor_name, action, detail_json, source \
                     from audit_events where seq < $1 order by seq desc limit $2",
                )
                .bind(before)
                .bind(limit)
                .fetch_all(self.reader())
                .await?
            }
            None => {
                sqlx::query(
                    "select seq, at, actor_id, actor_name, action, detail_json, source \
                     from audit_events order by seq desc limit $1",
                )
                .bind(limit)
                .fetch_all(self.reader())
                .await?
            }
        };
        rows.iter()
            .map(|row| {
                let actor_id: Option<String> = row.try_get("actor_id")?;
                let detail: String = row.try_get("detail_json")?;
                Ok(StoredEvent {
                    seq: row.try_get("seq")?,
                    at: crate::codec::instant(row.try_get("at")?)?,
                    actor_id: actor_id.as_deref().and_then(UserId::parse),
                    actor_name: row.try_get("actor_name")?,
                    action: row.try_get("action")?,
                    detail: serde_json::from_str(&detail)?,
                    source: row.try_get("source")?,
                })
            })
            .collect()
    }

    /// Walks the whole chain in order and names the first bad event.
    pub async fn verify_audit(&self) -> Result<VerifyReport> {
        let head = sqlx::query("select seq, hash from audit_head where id = 1")
            .fetch_one(self.reader())
            .await?;
        let head_seq: i64 = head.try_get("seq")?;
        let head_hash: String = head.try_get("hash")?;
        let rows = sqlx::query(
            "select seq, at, actor_id, actor_name, acting_json, action, case_id, step_no, \
             detail_json, source, prev_hash, hash from audit_events order by seq",
        )
        .fetch_all(self.reader())
        .await?;
        let mut expected_seq = 1_i64;
        let mut previous_hash = String::new();
        let mut count = 0_i64;
        for row in rows {
            count += 1;
            let seq: i64 = row.try_get("seq")?;
            let actor_id: Option<String> = row.try_get("actor_id")?;
            let actor_name: String = row.try_get("actor_name")?;
            let acting: Option<String> = row.try_get("acting_json")?;
            let action: String = row.try_get("action")?;
            let case_id: Option<String> = row.try_get("case_id")?;
            let step_no: Option<i64> = row.try_get("step_no")?;
            let detail: String = row.try_get("detail_json")?;
            let source: String = row.try_get("source")?;
            let prev_hash: String = row.try_get("prev_hash")?;
            let hash: String = row.try_get("hash")?;
            let at: i64 = row.try_get("at")?;
            let report = |problem| {
                Ok(VerifyReport {
                    events: count,
                    head_seq,
                    first_bad: Some((problem_seq(seq, expected_seq, &problem), problem)),
                })
            };
            if seq != expected_seq {
                return report(VerifyProblem::Missing);
            }
            if prev_hash != previous_hash {
                return report(VerifyProblem::ChainBroken);
            }
            let recomputed = event_hash(&Canonical {
                seq,
                at,
                actor_id: actor_id.as_deref(),
                actor_name: &actor_name,
                acting: acting.as_deref(),
                action: &action,
                case_id: case_id.as_deref(),
                step_no,
                detail: &detail,
                source: &source,
                prev_hash: &prev_hash,
            });
            if recomputed != hash {
                return report(VerifyProblem::ContentChanged);
            }
            previous_hash = hash;
            expected_seq += 1;
        }
        let last_seq = expected_seq - 1;
        let first_bad = if last_seq != head_seq || previous_hash != head_hash {
            // The first event that should be there and is not (or the first one too many).
            Some((
                last_seq.min(head_seq) + 1,
                VerifyProblem::HeadMismatch { head_seq },
            ))
        } else {
            None
        };
        Ok(VerifyReport {
            events: count,
            head_seq,
            first_bad,
        })
    }
}

/// The sequence number to name: for a gap, the first missing one.
fn problem_seq(seq: i64, expected: i64, problem: &VerifyProblem) -> i64 {
    match problem {
        VerifyProblem::Missing => expected.min(seq),
        _ => seq,
    }
}
