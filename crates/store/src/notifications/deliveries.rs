//! Deliveries: a notification through one channel (email, webhook), leased to one sender at a
//! time, retried on failure per the `RetryPolicy`, and listed in the admin's delivery log. It
//! hands out what to send and records the outcome; it must never send anything itself.

use chrono::{DateTime, Duration, Utc};
use pelihara_domain::UserId;
use pelihara_domain::notification::{
    Channel, ChannelPreferences, DeliveryId, DeliveryStatus, Notification, NotificationId,
    NotificationKind, RetryPolicy,
};
use sqlx::Row;

use super::{NOTIFICATION_COLUMNS, count, notification_from_row, preferences_from_row};
use crate::codec::{instant, millis, opt_instant, uuid};
use crate::{Backend, Result, Store, StoreError};

/// Who a claimed delivery goes to, as the sender needs them.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    /// `id` or `en`: the user's language.
    pub lang: String,
    /// Whether the user may sign in: enabled, and their OPD (if any) active. Nothing is sent
    /// to anyone else.
    pub active: bool,
    pub preferences: ChannelPreferences,
}

/// A delivery a sender has leased: send it, then mark it sent, failed or skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedDelivery {
    pub id: DeliveryId,
    pub channel: Channel,
    /// Attempts made before this one.
    pub attempts: u32,
    pub notification: Notification,
    pub recipient: Recipient,
}

/// A row of the admin's delivery log.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryLogRow {
    pub id: DeliveryId,
    pub notification_id: NotificationId,
    pub channel: Channel,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub kind: NotificationKind,
    pub dedupe_key: String,
    pub link_path: String,
    pub recipient: UserId,
    pub recipient_name: String,
}

/// Which deliveries the admin's log shows; newest first.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatus>,
    pub channel: Option<Channel>,
    pub recipient: Option<UserId>,
    /// At most this many rows (0 means 100).
    pub limit: i64,
    pub offset: i64,
}

fn channel_from(text: &str) -> Result<Channel> {
    Channel::from_code(text).ok_or_else(|| StoreError::Corrupt(format!("channel {text:?}")))
}

fn status_from(text: &str) -> Result<DeliveryStatus> {
    DeliveryStatus::from_code(text)
        .ok_or_else(|| StoreError::Corrupt(format!("delivery status {text:?}")))
}

impl Store {
    /// Leases up to `limit` pending deliveries of `channel` whose next attempt is due at
    /// `now` to `node` for `lease`: no other node gets them until the lease runs out. Each is
    /// returned with its notification and recipient; send it, then mark it.
    pub async fn claim_due_deliveries(
        &self,
        channel: Channel,
        node: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<ClaimedDelivery>> {
        let mut tx = self.begin_write().await?;
        // On PostgreSQL the candidates are locked as they are read and rows another node has
        // locked are passed over, so two nodes claiming at once share the due deliveries
        // instead of both picking the same first ones (SQLite has one writer at a time).
        let lock = match self.backend {
            Backend::Postgres => " for update skip locked",
            Backend::Sqlite => "",
        };
        let select = format!(
            "select id from notification_deliveries \
             where status = 'pending' and channel = $1 and next_attempt_at <= $2 \
             and (claimed_until is null or claimed_until <= $2) \
             order by next_attempt_at, id limit $3{lock}"
        );
        let candidates = sqlx::query(sqlx::AssertSqlSafe(select))
            .bind(channel.code())
            .bind(millis(now))
            .bind(limit.max(0))
            .fetch_all(&mut *tx)
            .await?;
        let mut claimed = Vec::new();
        for row in &candidates {
            let id: String = row.try_get("id")?;
            // The condition is checked again by the update itself: on PostgreSQL a row another
            // node claimed after our select no longer matches, so it is not claimed twice.
            let updated = sqlx::query(
                "update notification_deliveries set claimed_by = $1, claimed_until = $2 \
                 where id = $3 and status = 'pending' \
                 and (claimed_until is null or claimed_until <= $4)",
            )
            .bind(node.to_owned())
            .bind(millis(now + lease))
            .bind(id.clone())
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 1 {
                claimed.push(id);
            }
        }
        tx.commit().await?;
        let mut deliveries = Vec::with_capacity(claimed.len());
        for id in claimed {
            let query = format!(
                "select d.id as delivery_id, d.channel, d.attempts, {NOTIFICATION_COLUMNS}, \
                 u.username, u.full_name, u.email, u.lang, u.active, \
                 coalesce(o.active, 1) as opd_active, \
                 p.email as pref_email, p.webhook as pref_webhook, \
                 p.webhook_handle as pref_webhook_handle \
                 from notification_deliveries d \
                 join notifications n on n.id = d.notification_id \
                 join users u on u.id = n.recipient_id \
                 left join opds o on o.id = u.opd_id \
                 left join notification_preferences p on p.user_id = n.recipient_id \
                 where d.id = $1"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(query))
                .bind(id)
                .fetch_one(&self.write)
                .await?;
            let notification = notification_from_row(&row)?;
            deliveries.push(ClaimedDelivery {
                id: DeliveryId(uuid(&row.try_get::<String, _>("delivery_id")?)?),
                channel: channel_from(&row.try_get::<String, _>("channel")?)?,
                attempts: count(row.try_get("attempts")?),
                recipient: Recipient {
                    id: notification.recipient,
                    username: row.try_get("username")?,
                    full_name: row.try_get("full_name")?,
                    email: row
                        .try_get::<Option<String>, _>("email")?
                        .filter(|email| !email.trim().is_empty()),
                    lang: row.try_get("lang")?,
                    active: row.try_get::<i64, _>("active")? != 0
                        && row.try_get::<i64, _>("opd_active")? != 0,
                    preferences: preferences_from_row(&row)?,
                },
                notification,
            });
        }
        Ok(deliveries)
    }

    /// Marks a claimed delivery sent. `false` if it was not pending any more (another node
    /// finished it after this node's lease ran out).
    pub async fn mark_delivery_sent(&self, id: DeliveryId, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "update notification_deliveries set status = 'sent', attempts = attempts + 1, \
             delivered_at = $1, claimed_by = null, claimed_until = null, last_error = null \
             where id = $2 and status = 'pending'",
        )
        .bind(millis(now))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Records a failed attempt: the delivery waits for its next attempt per `policy`, or is
    /// failed for good after the last one. Returns the status it is left in (`None` if it was
    /// not pending any more).
    pub async fn mark_delivery_failed(
        &self,
        id: DeliveryId,
        error: &str,
        now: DateTime<Utc>,
        policy: &RetryPolicy,
    ) -> Result<Option<DeliveryStatus>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "select attempts from notification_deliveries where id = $1 and status = 'pending'",
        )
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        let attempts = count(row.try_get("attempts")?).saturating_add(1);
        let status = if attempts >= policy.max_attempts {
            DeliveryStatus::Failed
        } else {
            DeliveryStatus::Pending
        };
        let next = now + policy.delay_after(attempts);
        // Errors can quote a whole server reply; the log needs the gist.
        let error: String = error.chars().take(1000).collect();
        sqlx::query(
            "update notification_deliveries set status = $1, attempts = $2, \
             next_attempt_at = $3, last_error = $4, claimed_by = null, claimed_until = null \
             where id = $5 and status = 'pending'",
        )
        .bind(status.code())
        .bind(i64::from(attempts))
        .bind(millis(next))
        .bind(error)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(status))
    }

    /// Moves this node's pending claims on `channel` on to `until` while it still sends them
    /// (a claim lease is short so that a dead node's are taken soon); returns how many.
    pub async fn renew_delivery_claims(
        &self,
        channel: Channel,
        node: &str,
        until: DateTime<Utc>,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "update notification_deliveries set claimed_until = $1 \
             where claimed_by = $2 and channel = $3 and status = 'pending' \
             and claimed_until is not null",
        )
        .bind(millis(until))
        .bind(node.to_owned())
        .bind(channel.code())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(updated.rows_affected())
    }

    /// Hands a claimed delivery back untried: due again at once, no attempt counted. `false`
    /// when this node no longer holds it.
    pub async fn release_delivery(&self, id: DeliveryId, node: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "update notification_deliveries set claimed_by = null, claimed_until = null \
             where id = $1 and claimed_by = $2 and status = 'pending'",
        )
        .bind(id.to_string())
        .bind(node.to_owned())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Marks a claimed delivery skipped on purpose (channel turned off, no address), with
    /// the reason. `false` if it was not pending any more.
    pub async fn mark_delivery_skipped(&self, id: DeliveryId, reason: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "update notification_deliveries set status = 'skipped', last_error = $1, \
             claimed_by = null, claimed_until = null where id = $2 and status = 'pending'",
        )
        .bind(reason.to_owned())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
    }

    /// The delivery log for the admin, newest first.
    pub async fn delivery_log(&self, filter: &DeliveryFilter) -> Result<Vec<DeliveryLogRow>> {
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        if let Some(status) = filter.status {
            binds.push(status.code().to_owned());
            conditions.push(format!("d.status = ${}", binds.len()));
        }
        if let Some(channel) = filter.channel {
            binds.push(channel.code().to_owned());
            conditions.push(format!("d.channel = ${}", binds.len()));
        }
        if let Some(user) = filter.recipient {
            binds.push(user.to_string());
            conditions.push(format!("n.recipient_id = ${}", binds.len()));
        }
        let condition = if conditions.is_empty() {
            String::new()
        } else {
            format!("where {}", conditions.join(" and "))
        };
        let limit = if filter.limit <= 0 { 100 } else { filter.limit };
        let query = format!(
            "select d.id, d.notification_id, d.channel, d.status, d.attempts, d.next_attempt_at, \
             d.last_error, d.delivered_at, d.created_at, n.kind, n.dedupe_key, n.link_path, \
             n.recipient_id, u.full_name \
             from notification_deliveries d \
             join notifications n on n.id = d.notification_id \
             join users u on u.id = n.recipient_id {condition} \
             order by d.created_at desc, d.id desc limit {limit} offset {offset}",
            offset = filter.offset.max(0)
        );
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(query));
        for bind in binds {
            statement = statement.bind(bind);
        }
        let rows = statement.fetch_all(self.reader()).await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                Ok(DeliveryLogRow {
                    id: DeliveryId(uuid(&row.try_get::<String, _>("id")?)?),
                    notification_id: NotificationId(uuid(
                        &row.try_get::<String, _>("notification_id")?,
                    )?),
                    channel: channel_from(&row.try_get::<String, _>("channel")?)?,
                    status: status_from(&row.try_get::<String, _>("status")?)?,
                    attempts: count(row.try_get("attempts")?),
                    next_attempt_at: instant(row.try_get("next_attempt_at")?)?,
                    last_error: row.try_get("last_error")?,
                    delivered_at: opt_instant(row.try_get("delivered_at")?)?,
                    created_at: instant(row.try_get("created_at")?)?,
                    kind: NotificationKind::from_code(&kind).ok_or_else(|| {
                        StoreError::Corrupt(format!("notification kind {kind:?}"))
                    })?,
                    dedupe_key: row.try_get("dedupe_key")?,
                    link_path: row.try_get("link_path")?,
                    recipient: UserId(uuid(&row.try_get::<String, _>("recipient_id")?)?),
                    recipient_name: row.try_get("full_name")?,
                })
            })
            .collect()
    }
}
