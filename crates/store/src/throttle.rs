//! Per-client limits of public pages, recorded in the database so they hold across nodes:
//! each counted request is a row (`throttle_events`, migration 0020) of a kind (which limit)
//! and a client key. It must never decide the limit: the caller says what counts and how many
//! are too many; this module only remembers and counts.
//!
//! Rows are bookkeeping like sessions and failed sign-ins: no audit event each (a guesser
//! would otherwise fill the audit trail); the caller records what matters as an event.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::codec::{instant, millis};
use crate::{Result, Store};

impl Store {
    /// The moments of `kind` events from `client` at or after `since`, oldest first; at most
    /// `limit` of the newest (a limit needs no more than its own size to decide).
    pub async fn throttle_events_since(
        &self,
        kind: &str,
        client: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DateTime<Utc>>> {
        let rows = sqlx::query(
            "select at from throttle_events where kind = $1 and client = $2 and at >= $3 \
             order by at desc limit $4",
        )
        .bind(kind.to_owned())
        .bind(client.to_owned())
        .bind(millis(since))
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        let mut moments = rows
            .iter()
            .map(|row| instant(row.try_get("at")?))
            .collect::<Result<Vec<_>>>()?;
        moments.reverse();
        Ok(moments)
    }

    /// Records one `kind` event from `client` at `now`, and forgets every event (of any kind)
    /// before `forget_before`, which no limit counts any more, in one transaction.
    pub async fn record_throttle_event(
        &self,
        kind: &str,
        client: &str,
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("insert into throttle_events (kind, client, at) values ($1, $2, $3)")
            .bind(kind.to_owned())
            .bind(client.to_owned())
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from throttle_events where at < $1")
            .bind(millis(forget_before))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
