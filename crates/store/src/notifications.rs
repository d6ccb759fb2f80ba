//! Notifications and their deliveries, users' channel choices, and the leases of background
//! jobs. It records what was told to whom and hands pending deliveries to one sender at a
//! time; it must never compose the text people read (crates/notify does) nor send anything.
//!
//! Idempotence lives here: a notification is inserted only if no notification with the same
//! (recipient, dedupe key) exists, in the same transaction that creates its deliveries, so a
//! second node or a restarted scheduler that repeats a sweep writes nothing new.
//!
//! Notification rows are bookkeeping of the scheduler, like sessions: they are written without
//! an audit event (a busy day makes hundreds and the audit chain is one serial head). A user's
//! change of channel preferences is a change of record and appends `notification.preferences`.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pelihara_domain::{AppId, CaseId, CaseStatus, OpdId, Task, TaskId, UserId};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::audit::{AuditSource, Change};
use crate::codec::{code, from_json, instant, millis, opt_instant, to_json, uuid};
use crate::writer::{JobFuture, Keep};
use crate::{Backend, Result, Store, StoreError};

/// One notification's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NotificationId(pub Uuid);

impl NotificationId {
    /// Reads the textual form (a path segment); `None` for anything that is not a UUID.
    pub fn parse(text: &str) -> Option<Self> {
        Uuid::parse_str(text.trim()).ok().map(Self)
    }
}

impl fmt::Display for NotificationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One delivery's id (a notification through one channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeliveryId(pub Uuid);

impl fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a notification is about. The code (`task_arrived`, ...) is stored and names the
/// message keys in `notify.ftl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A task arrived for the recipient's position.
    TaskArrived,
    /// Little of the task's time standard is left.
    TaskDueSoon,
    /// The task passed its due moment.
    TaskOverdue,
    /// A task of someone below the recipient is overdue past the grace.
    TaskEscalated,
    /// An app of the register is due (or overdue) for maintenance.
    AppMaintenanceDue,
    /// A scheduled health check of an app failed.
    HealthCheckFailed,
    /// The daily digest for leadership.
    Digest,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 7] = [
        NotificationKind::TaskArrived,
        NotificationKind::TaskDueSoon,
        NotificationKind::TaskOverdue,
        NotificationKind::TaskEscalated,
        NotificationKind::AppMaintenanceDue,
        NotificationKind::HealthCheckFailed,
        NotificationKind::Digest,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NotificationKind::TaskArrived => "task_arrived",
            NotificationKind::TaskDueSoon => "task_due_soon",
            NotificationKind::TaskOverdue => "task_overdue",
            NotificationKind::TaskEscalated => "task_escalated",
            NotificationKind::AppMaintenanceDue => "app_maintenance_due",
            NotificationKind::HealthCheckFailed => "health_check_failed",
            NotificationKind::Digest => "digest",
        }
    }

    pub fn from_code(text: &str) -> Option<NotificationKind> {
        Self::ALL.into_iter().find(|kind| kind.code() == text)
    }
}

/// A way of reaching someone. In-app is always on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InApp,
    Email,
    Webhook,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::InApp, Channel::Email, Channel::Webhook];

    pub fn code(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }

    pub fn from_code(text: &str) -> Option<Channel> {
        Self::ALL.into_iter().find(|channel| channel.code() == text)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt (`next_attempt_at`); may have failed before.
    Pending,
    /// Delivered at `delivered_at`.
    Sent,
    /// Given up after the retry policy's last attempt; `last_error` says why.
    Failed,
    /// Not sent on purpose (the user turned the channel off, has no address); `last_error`
    /// says why.
    Skipped,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 4] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Sent,
        DeliveryStatus::Failed,
        DeliveryStatus::Skipped,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Skipped => "skipped",
        }
    }

    pub fn from_code(text: &str) -> Option<DeliveryStatus> {
        Self::ALL.into_iter().find(|status| status.code() == text)
    }
}

/// One row of the leadership digest: open and overdue tasks at one step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestStep {
    pub step_no: u32,
    pub step_name: String,
    pub open: u32,
    pub overdue: u32,
}

/// The figures of a daily digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestFigures {
    /// The working day the digest covers.
    pub date: Option<NaiveDate>,
    pub new_cases: u32,
    pub done_cases: u32,
    pub overdue_tasks: u32,
    pub by_step: Vec<DigestStep>,
}

/// What the message text needs, snapshotted when the notification is made so rendering it
/// later reads nothing else. Every field is optional; each kind uses its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotificationDetail {
    pub tracking_code: Option<String>,
    pub subject: Option<String>,
    pub opd_name: Option<String>,
    pub app_name: Option<String>,
    pub step_no: Option<u32>,
    pub step_name: Option<String>,
    /// The position the task waits on (code) and its name in the SOP.
    pub position: Option<String>,
    pub position_name: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    /// Escalations: 1 for the first position above, 2 for the next, ...
    pub escalation_level: Option<u32>,
    /// Escalations: the names of who holds the overdue task.
    pub assignee_names: Option<String>,
    /// Maintenance: the date the app is due.
    pub maintenance_due_on: Option<NaiveDate>,
    /// Health checks: the error seen.
    pub error: Option<String>,
    pub digest: Option<DigestFigures>,
}

/// A notification to record.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub recipient: UserId,
    /// Names the state change, e.g. `task:{id}:overdue`; one notification per (recipient, key).
    pub dedupe_key: String,
    pub kind: NotificationKind,
    pub case_id: Option<CaseId>,
    pub task_id: Option<TaskId>,
    pub app_id: Option<AppId>,
    /// Path inside the app, e.g. `/permohonan/{case}`; channels prefix the public base URL.
    pub link_path: String,
    pub detail: NotificationDetail,
}

/// A stored notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: NotificationId,
    pub recipient: UserId,
    pub dedupe_key: String,
    pub kind: NotificationKind,
    pub case_id: Option<CaseId>,
    pub task_id: Option<TaskId>,
    pub app_id: Option<AppId>,
    pub link_path: String,
    pub detail: NotificationDetail,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A user's channel choices. In-app is always on; without a stored row these are the
/// defaults: email on, webhook off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelPreferences {
    pub email: bool,
    pub webhook: bool,
    /// What the webhook gateway addresses (a phone number, a chat id); may be empty.
    pub webhook_handle: String,
}

impl Default for ChannelPreferences {
    fn default() -> Self {
        ChannelPreferences {
            email: true,
            webhook: false,
            webhook_handle: String::new(),
        }
    }
}

impl ChannelPreferences {
    pub fn wants(&self, channel: Channel) -> bool {
        match channel {
            Channel::InApp => true,
            Channel::Email => self.email,
            Channel::Webhook => self.webhook,
        }
    }
}

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

/// How failed deliveries are retried: the delay doubles from `first_delay` up to
/// `max_delay`; after `max_attempts` attempts the delivery is failed for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // 1, 2, 4, ... minutes, at most an hour apart, for about a day and a half.
        RetryPolicy {
            first_delay: Duration::minutes(1),
            max_delay: Duration::hours(1),
            max_attempts: 40,
        }
    }
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed attempt (1-based).
    pub fn delay_after(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(30);
        let delay = self
            .first_delay
            .checked_mul(1_i32 << doublings)
            .unwrap_or(self.max_delay);
        delay.min(self.max_delay)
    }
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

/// A background job's lease as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    pub job: String,
    pub holder: Option<String>,
    pub lease_until: DateTime<Utc>,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
}

/// An open task with what reminders say about its case (the scheduler's sweep).
#[derive(Debug, Clone)]
pub struct ReminderTask {
    pub task: Task,
    pub tracking_code: String,
    pub subject: String,
    pub opd_id: OpdId,
    pub opd_name: String,
    pub app_id: AppId,
    pub app_name: String,
    pub sop_code: String,
    pub sop_version: u32,
}

const NOTIFICATION_COLUMNS: &str = "n.id, n.recipient_id, n.dedupe_key, n.kind, n.case_id, \
     n.task_id, n.app_id, n.link_path, n.detail_json, n.created_at, n.read_at";

fn opt_id<T>(text: Option<String>, make: fn(Uuid) -> T) -> Result<Option<T>> {
    text.as_deref().map(|text| uuid(text).map(make)).transpose()
}

fn notification_from_row(row: &AnyRow) -> Result<Notification> {
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

fn channel_from(text: &str) -> Result<Channel> {
    Channel::from_code(text).ok_or_else(|| StoreError::Corrupt(format!("channel {text:?}")))
}

fn status_from(text: &str) -> Result<DeliveryStatus> {
    DeliveryStatus::from_code(text)
        .ok_or_else(|| StoreError::Corrupt(format!("delivery status {text:?}")))
}

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn preferences_from_row(row: &AnyRow) -> Result<ChannelPreferences> {
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

fn lease_from_row(row: &AnyRow) -> Result<JobLease> {
    Ok(JobLease {
        job: row.try_get("job")?,
        holder: row.try_get("holder")?,
        lease_until: instant(row.try_get("lease_until")?)?,
        last_started_at: opt_instant(row.try_get("last_started_at")?)?,
        last_finished_at: opt_instant(row.try_get("last_finished_at")?)?,
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

    /// How many notifications a user has (for paging).
    pub async fn notification_count(&self, user: UserId) -> Result<i64> {
        let row = sqlx::query("select count(*) as n from notifications where recipient_id = $1")
            .bind(user.to_string())
            .fetch_one(self.reader())
            .await?;
        Ok(row.try_get("n")?)
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

    /// Takes the lease of `job` for `node` until `now + ttl` if nobody holds it (or the
    /// holder's lease ran out, or `node` holds it already). `None` when another node holds it.
    pub async fn try_acquire_lease(
        &self,
        job: &str,
        node: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<Option<JobLease>> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into job_leases (job, holder, lease_until) values ($1, null, 0) \
             on conflict (job) do nothing",
        )
        .bind(job.to_owned())
        .execute(&mut *tx)
        .await?;
        // One conditional update decides: on PostgreSQL the second of two racing nodes
        // re-checks the condition after the first commits and finds the lease taken.
        let updated = sqlx::query(
            "update job_leases set holder = $1, lease_until = $2, last_started_at = $3 \
             where job = $4 and (holder is null or lease_until <= $3 or holder = $1)",
        )
        .bind(node.to_owned())
        .bind(millis(now + ttl))
        .bind(millis(now))
        .bind(job.to_owned())
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let row = sqlx::query(
            "select job, holder, lease_until, last_started_at, last_finished_at \
             from job_leases where job = $1",
        )
        .bind(job.to_owned())
        .fetch_one(&mut *tx)
        .await?;
        let lease = lease_from_row(&row)?;
        tx.commit().await?;
        Ok(Some(lease))
    }

    /// Extends `node`'s lease of `job` to `now + ttl`; `false` if `node` no longer holds it
    /// (it ran out and another node took it: stop working on the job).
    pub async fn renew_lease(
        &self,
        job: &str,
        node: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let updated =
            sqlx::query("update job_leases set lease_until = $1 where job = $2 and holder = $3")
                .bind(millis(now + ttl))
                .bind(job.to_owned())
                .bind(node.to_owned())
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Gives up `node`'s lease of `job`. With `finished_at`, the run completed then (the next
    /// run is measured from it); without, the job was not run (not due yet, or abandoned).
    /// `false` if `node` did not hold the lease.
    pub async fn release_lease(
        &self,
        job: &str,
        node: &str,
        finished_at: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "update job_leases set holder = null, lease_until = 0, \
             last_finished_at = coalesce($1, last_finished_at) where job = $2 and holder = $3",
        )
        .bind(finished_at.map(millis))
        .bind(job.to_owned())
        .bind(node.to_owned())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
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

    /// Every job's lease (the admin's view of the scheduler).
    pub async fn job_leases(&self) -> Result<Vec<JobLease>> {
        let rows = sqlx::query(
            "select job, holder, lease_until, last_started_at, last_finished_at \
             from job_leases order by job",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(lease_from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::from_code;

    #[test]
    fn codes_round_trip() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_code(kind.code()), Some(kind));
            assert_eq!(code(&kind).ok().as_deref(), Some(kind.code()));
            assert_eq!(from_code::<NotificationKind>(kind.code()).ok(), Some(kind));
        }
        for channel in Channel::ALL {
            assert_eq!(Channel::from_code(channel.code()), Some(channel));
            assert_eq!(code(&channel).ok().as_deref(), Some(channel.code()));
        }
        for status in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::from_code(status.code()), Some(status));
        }
    }

    #[test]
    fn retry_delays_double_up_to_the_cap() {
        let policy = RetryPolicy {
            first_delay: Duration::seconds(10),
            max_delay: Duration::seconds(70),
            max_attempts: 5,
        };
        let delays: Vec<i64> = (1..=6)
            .map(|attempt| policy.delay_after(attempt).num_seconds())
            .collect();
        assert_eq!(delays, [10, 20, 40, 70, 70, 70]);
        assert_eq!(policy.delay_after(200), Duration::seconds(70));
    }
}
