//! Notifications and users' channel choices: it records what was told to whom, with one
//! delivery per channel to send (`deliveries`), and keeps the leases of background jobs
//! (`job_leases`). It must never compose the text people read (crates/notify does) nor send
//! anything. The notification model itself is `pelihara_domain::notification`.
//!
//! Idempotence lives here: a notification is inserted only if no notification with the same
//! (recipient, dedupe key) exists, in the same transaction that creates its deliveries, so a
//! second node or a restarted scheduler that repeats a sweep writes nothing new.
//!
//! Notification rows are bookkeeping of the scheduler, like sessions: they are written without
//! an audit event (a busy day makes hundreds and the audit chain is one serial head). A user's
//! change of channel preferences is a change of record and appends `notification.preferences`.

mod deliveries;
mod job_leases;

use chrono::{DateTime, Utc};
use pelihara_domain::{AppId, CaseId, CaseStatus, TaskId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::audit::{AuditSource, Change};
use crate::codec::{code, from_json, instant, millis, opt_instant, to_json, uuid};
use crate::writer::{JobFuture, Keep};
use crate::{Result, Store, StoreError};

pub use crate::reminders::ReminderTask;
pub use deliveries::{ClaimedDelivery, DeliveryFilter, DeliveryLogRow, Recipient};
pub use job_leases::JobLease;
pub use pelihara_domain::notification::{
    Channel, ChannelPreferences, DeliveryId, DeliveryStatus, DigestFigures, DigestStep,
    NewNotification, Notification, NotificationDetail, NotificationId, NotificationKind,
    RetryPolicy,
};

pub(crate) const NOTIFICATION_COLUMNS: &str = "n.id, n.recipient_id, n.dedupe_key, n.kind, n.case_id, \
     n.task_id, n.app_id, n.link_path, n.detail_json, n.created_at, n.read_at";

fn opt_id<T>(text: Option<String>, make: fn(Uuid) -> T) -> Result<Option<T>> {
    text.as_deref().map(|text| uuid(text).map(make)).transpose()
}

pub(crate) fn notification_from_row(row: &AnyRow) -> Result<Notification> {
    let kind: String = row.try_get("kind")?;
    Ok(Notification {
        id: NotificationId(uuid(&row.try_get::<String, _>("id")?)?),
        recipient: UserId(uuid(&row.try_get::<String, _>("recipient_id")?)?),
        dedupe_key: row.try_get("dedupe_key")?,
        kind: NotificationKind::from_code(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("notification kind {kind:?}")))?,
        case_id: opt_id(row.try_get("case_id")?, CaseId)?,
        task_id: opt_id(row.try_get("task_id")?, TaskId)?,
        app_id: opt_id(row.try_get("app_id")?, AppId)?,
        link_path: row.try_get("link_path")?,
        detail: from_json(&row.try_get::<String, _>("detail_json")?)?,
        created_at: instant(row.try_get("created_at")?)?,
        read_at: opt_instant(row.try_get("read_at")?)?,
    })
}

pub(crate) fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

pub(crate) fn preferences_from_row(row: &AnyRow) -> Result<ChannelPreferences> {
    // Left joins give NULLs for users without a row: the defaults.
    let email: Option<i64> = row.try_get("pref_email")?;
    let webhook: Option<i64> = row.try_get("pref_webhook")?;
    let handle: Option<String> = row.try_get("pref_webhook_handle")?;
    let defaults = ChannelPreferences::default();
    Ok(ChannelPreferences {
        email: email.map_or(defaults.email, |value| value != 0),
        webhook: webhook.map_or(defaults.webhook, |value| value != 0),
        webhook_handle: handle.unwrap_or_default(),
    })
}

impl Store {
    /// Records a notification and its deliveries unless the recipient already has one with
    /// the same dedupe key. `channels` are the channels this server can send through (in-app
    /// is always recorded, as delivered); of those, a delivery is made for each the
    /// recipient's preferences allow. Returns the new id, or `None` when it already existed.
    pub async fn record_notification(
        &self,
        new: &NewNotification,
        channels: &[Channel],
        now: DateTime<Utc>,
    ) -> Result<Option<NotificationId>> {
        let id = NotificationId(Uuid::new_v4());
        let detail = to_json(&new.detail)?;
        let (new, channels) = (new.clone(), channels.to_vec());
        // A write job: the scheduler records thousands of these under load, and each one in
        // a transaction (and fsync) of its own took turns with the case actions' batches.
        self.write_job(move |mut conn| -> JobFuture<'_, Option<NotificationId>> {
            Box::pin(async move {
                // Insert-if-absent under the unique (recipient, key): of two nodes racing, one.
                let inserted = conn
                    .execute(
                        "insert into notifications (id, recipient_id, dedupe_key, kind, case_id, \
                         task_id, app_id, link_path, detail_json, created_at) \
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         on conflict (recipient_id, dedupe_key) do nothing",
                        vec![
                            id.to_string().into(),
                            new.recipient.to_string().into(),
                            new.dedupe_key.clone().into(),
                            new.kind.code().into(),
                            new.case_id.map(|id| id.to_string()).into(),
                            new.task_id.map(|id| id.to_string()).into(),
                            new.app_id.map(|id| id.to_string()).into(),
                            new.link_path.clone().into(),
                            detail.into(),
                            millis(now).into(),
                        ],
                    )
                    .await?;
                if inserted == 0 {
                    return Ok(Keep::Discard(None));
                }
                let preferences = match conn
                    .fetch_all(
                        "select email, webhook, webhook_handle from notification_preferences \
                         where user_id = $1",
                        vec![new.recipient.to_string().into()],
                    )
                    .await?
                    .first()
                {
                    Some(row) => {
                        let defaults = ChannelPreferences::default();
                        ChannelPreferences {
                            email: row.opt_int(0)?.map_or(defaults.email, |value| value != 0),
                            webhook: row.opt_int(1)?.map_or(defaults.webhook, |value| value != 0),
                            webhook_handle: row.opt_text(2)?.unwrap_or_default(),
                        }
                    }
                    None => ChannelPreferences::default(),
                };
                for channel in Channel::ALL {
                    let in_app = channel == Channel::InApp;
                    let wanted =
                        in_app || (channels.contains(&channel) && preferences.wants(channel));
                    if !wanted {
                        continue;
                    }
                    let (status, delivered_at) = if in_app {
                        (DeliveryStatus::Sent, Some(millis(now)))
                    } else {
                        (DeliveryStatus::Pending, None)
                    };
                    conn.execute(
                        "insert into notification_deliveries (id, notification_id, channel, \
                         status, attempts, next_attempt_at, delivered_at, created_at) \
                         values ($1, $2, $3, $4, 0, $5, $6, $5)",
                        vec![
                            Uuid::new_v4().to_string().into(),
                            id.to_string().into(),
                            channel.code().into(),
                            status.code().into(),
                            millis(now).into(),
                            delivered_at.into(),
                        ],
                    )
                    .await?;
                }
                Ok(Keep::Commit(Some(id)))
            })
        })
        .await
    }

    /// One notification, if it exists.
    pub async fn notification(&self, id: NotificationId) -> Result<Option<Notification>> {
        let query = format!("select {NOTIFICATION_COLUMNS} from notifications n where n.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(id.to_string())
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(notification_from_row).transpose()
    }

    /// A user's notifications, newest first: `limit` of them after skipping `offset`.
    pub async fn notifications_for(
        &self,
        user: UserId,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Notification>> {
        let query = format!(
            "select {NOTIFICATION_COLUMNS} from notifications n where n.recipient_id = $1 \
             order by n.created_at desc, n.id desc limit $2 offset $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(user.to_string())
            .bind(limit.max(0))
            .bind(offset.max(0))
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(notification_from_row).collect()
    }

    /// How many of a user's notifications are unread (the bell's figure).
    pub async fn unread_count(&self, user: UserId) -> Result<i64> {
        // On every page (the bell): a short read (see `read`), over the recipient's index.
        let counted = self
            .read_optional::<crate::read::Count>(
                "select count(*) as n from notifications where recipient_id = $1 \
                 and read_at is null",
                vec![user.to_string().into()],
            )
            .await?;
        Ok(counted.map_or(0, |count| count.0))
    }

    /// Marks one notification read, only if `user` is its recipient and it was unread;
    /// `false` otherwise (someone else's, unknown, already read).
    pub async fn mark_notification_read(
        &self,
        user: UserId,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "update notifications set read_at = $1 \
             where id = $2 and recipient_id = $3 and read_at is null",
        )
        .bind(millis(now))
        .bind(id.to_string())
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Marks every unread notification of `user` read; returns how many.
    pub async fn mark_all_notifications_read(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "update notifications set read_at = $1 where recipient_id = $2 and read_at is null",
        )
        .bind(millis(now))
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(updated.rows_affected())
    }

    /// A user's channel choices (the defaults when never set).
    pub async fn channel_preferences(&self, user: UserId) -> Result<ChannelPreferences> {
        let row = sqlx::query(
            "select email as pref_email, webhook as pref_webhook, \
             webhook_handle as pref_webhook_handle \
             from notification_preferences where user_id = $1",
        )
        .bind(user.to_string())
        .fetch_optional(self.reader())
        .await?;
        match row {
            Some(row) => preferences_from_row(&row),
            None => Ok(ChannelPreferences::default()),
        }
    }

    /// Stores a user's channel choices, with the audit event `notification.preferences`.
    /// Deliveries already pending for a channel turned off are skipped when their turn comes.
    pub async fn set_channel_preferences(
        &self,
        user: UserId,
        preferences: &ChannelPreferences,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let handle = preferences.webhook_handle.trim().to_owned();
        let change = Change {
            source,
            at: now,
            action: "notification.preferences",
            detail: serde_json::json!({
                "user_id": user,
                "email": preferences.email,
                "webhook": preferences.webhook,
                "webhook_handle": handle,
            }),
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into notification_preferences (user_id, email, webhook, webhook_handle, \
                 updated_at) values ($1, $2, $3, $4, $5) \
                 on conflict (user_id) do update set email = excluded.email, \
                 webhook = excluded.webhook, webhook_handle = excluded.webhook_handle, \
                 updated_at = excluded.updated_at",
            )
            .bind(user.to_string())
            .bind(i64::from(preferences.email))
            .bind(i64::from(preferences.webhook))
            .bind(handle.clone())
            .bind(millis(now))
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// For the digest: how many cases were submitted, and how many were finished (done), in
    /// `[from, until)`.
    pub async fn case_counts_between(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<(u32, u32)> {
        let row = sqlx::query(
            "select \
             (select count(*) from cases where submitted_at >= $1 and submitted_at < $2) as new_cases, \
             (select count(*) from cases where status = $3 and closed_at >= $1 and closed_at < $2) \
             as done_cases",
        )
        .bind(millis(from))
        .bind(millis(until))
        .bind(code(&CaseStatus::Done)?)
        .fetch_one(self.reader())
        .await?;
        Ok((
            count(row.try_get("new_cases")?),
            count(row.try_get("done_cases")?),
        ))
    }
}
