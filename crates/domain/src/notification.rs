//! Notifications as data: who is told what about which state change, through which channels,
//! and how failed deliveries are retried. Plain values with serde (the store keeps them, the
//! notify crate renders them); it never stores, composes text or sends anything.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{AppId, CaseId, TaskId, UserId};

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
    /// The OPD accepted a case's result and is invited to the satisfaction survey (SKM).
    SkmInvited,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 8] = [
        NotificationKind::TaskArrived,
        NotificationKind::TaskDueSoon,
        NotificationKind::TaskOverdue,
        NotificationKind::TaskEscalated,
        NotificationKind::AppMaintenanceDue,
        NotificationKind::HealthCheckFailed,
        NotificationKind::Digest,
        NotificationKind::SkmInvited,
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
            NotificationKind::SkmInvited => "skm_invited",
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The code each value is stored as is its serde name, so the store's generic codec and
    /// `code()` agree.
    fn serde_code<T: Serialize>(value: T) -> String {
        serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn codes_round_trip() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_code(kind.code()), Some(kind));
            assert_eq!(serde_code(kind), kind.code());
        }
        for channel in Channel::ALL {
            assert_eq!(Channel::from_code(channel.code()), Some(channel));
            assert_eq!(serde_code(channel), channel.code());
        }
        for status in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::from_code(status.code()), Some(status));
            assert_eq!(serde_code(status), status.code());
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
