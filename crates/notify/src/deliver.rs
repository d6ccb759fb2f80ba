//! Sending what is pending: takes due deliveries from the store under a short lease, sends
//! each through its channel, and records the outcome (sent; failed with the next attempt per
//! the retry policy; skipped because the recipient turned the channel off or has no address).
//! It must never hold a delivery without a lease or drop one: every claimed delivery ends
//! marked, and a node that dies mid-way leaves the lease to run out. The lease is short
//! (`claim_lease`) and renewed every third of it while the channel sends, so a killed node's
//! deliveries are taken by another within seconds. Delivery is therefore at least once: a
//! message in flight when its node died is sent again, with the same delivery id (the
//! webhook's `delivery_id`, the email's Message-ID) for the receiver to drop the repeat.

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use pelihara_i18n::{Lang, t};
use pelihara_store::notifications::{Channel, ClaimedDelivery, DeliveryStatus, RetryPolicy};
use pelihara_store::{Store, StoreError};
use serde::Serialize;

use crate::compose::{self, Message};
use crate::email::Mailer;
use crate::webhook::Webhook;
use crate::{ChannelError, EmailSettings, WebhookSettings};

/// The channels this server sends through and how.
#[derive(Clone, Debug)]
pub struct Sender {
    pub mailer: Option<Mailer>,
    pub webhook: Option<Webhook>,
    /// The public base URL links point under, e.g. `https://pelihara.demakkab.go.id`.
    pub base_url: String,
    pub time_zone: Tz,
    /// This process, as lease holder.
    pub node: String,
    pub retry: RetryPolicy,
    /// How long a claimed delivery is this node's before another may take it; renewed every
    /// third of it while the node sends.
    pub claim_lease: chrono::Duration,
    /// At most this many deliveries per channel per sweep.
    pub batch: i64,
}

impl Sender {
    /// A sender with the configured channels (either may be absent: in-app only).
    pub fn new(
        email: Option<&EmailSettings>,
        webhook: Option<WebhookSettings>,
        base_url: &str,
        node: &str,
    ) -> Result<Sender, ChannelError> {
        Ok(Sender {
            mailer: email.map(Mailer::new).transpose()?,
            webhook: webhook.map(Webhook::new).transpose()?,
            base_url: base_url.to_owned(),
            time_zone: chrono_tz::Asia::Jakarta,
            node: node.to_owned(),
            retry: RetryPolicy::default(),
            claim_lease: chrono::Duration::seconds(15),
            batch: 50,
        })
    }

    /// The channels notifications should get deliveries for (in-app always).
    pub fn channels(&self) -> Vec<Channel> {
        let mut channels = vec![Channel::InApp];
        if self.mailer.is_some() {
            channels.push(Channel::Email);
        }
        if self.webhook.is_some() {
            channels.push(Channel::Webhook);
        }
        channels
    }
}

/// What one delivery sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: u32,
    /// Failed this time, to be tried again.
    pub retrying: u32,
    /// Failed for good (the retry policy ran out).
    pub failed: u32,
    pub skipped: u32,
    /// Not tried this time: their channel's server did not answer an earlier one of the
    /// sweep, so they were handed back, due again at the next sweep (no attempt counted).
    pub deferred: u32,
}

/// The JSON document the webhook receives.
#[derive(Debug, Clone, Serialize)]
pub struct WebhookPayload {
    /// Always `notification`.
    pub event: &'static str,
    pub delivery_id: String,
    pub notification_id: String,
    pub kind: &'static str,
    pub created_at: DateTime<Utc>,
    pub lang: &'static str,
    pub recipient: WebhookRecipient,
    pub title: String,
    pub body: String,
    pub link: String,
    pub case_id: Option<String>,
    pub task_id: Option<String>,
    pub app_id: Option<String>,
    pub tracking_code: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WebhookRecipient {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    /// The address the gateway uses (phone number, chat id) as the user gave it.
    pub handle: String,
}

fn payload(sender: &Sender, delivery: &ClaimedDelivery, lang: Lang) -> WebhookPayload {
    let notification = &delivery.notification;
    let recipient = &delivery.recipient;
    WebhookPayload {
        event: "notification",
        delivery_id: delivery.id.to_string(),
        notification_id: notification.id.to_string(),
        kind: notification.kind.code(),
        created_at: notification.created_at,
        lang: lang.code(),
        recipient: WebhookRecipient {
            id: recipient.id.to_string(),
            username: recipient.username.clone(),
            full_name: recipient.full_name.clone(),
            email: recipient.email.clone(),
            handle: recipient.preferences.webhook_handle.clone(),
        },
        title: compose::title(lang, sender.time_zone, notification),
        body: compose::body(lang, sender.time_zone, notification),
        link: compose::link(&sender.base_url, notification),
        case_id: notification.case_id.map(|id| id.to_string()),
        task_id: notification.task_id.map(|id| id.to_string()),
        app_id: notification.app_id.map(|id| id.to_string()),
        tracking_code: notification.detail.tracking_code.clone(),
    }
}

/// Why a delivery is not sent at all (its reason key), or `None` to send it.
fn skip_reason(delivery: &ClaimedDelivery) -> Option<&'static str> {
    let recipient = &delivery.recipient;
    if !recipient.active {
        return Some("notify-skip-inactive");
    }
    match delivery.channel {
        Channel::InApp => None,
        Channel::Email if !recipient.preferences.email => Some("notify-skip-email-off"),
        Channel::Email if recipient.email.is_none() => Some("notify-skip-no-address"),
        Channel::Email => None,
        Channel::Webhook if !recipient.preferences.webhook => Some("notify-skip-webhook-off"),
        Channel::Webhook => None,
    }
}

async fn send_one(sender: &Sender, delivery: &ClaimedDelivery) -> Result<(), ChannelError> {
    let lang = Lang::from_code(&delivery.recipient.lang);
    match delivery.channel {
        Channel::InApp => Ok(()),
        Channel::Email => {
            let (Some(mailer), Some(address)) = (&sender.mailer, &delivery.recipient.email) else {
                return Err(ChannelError::Smtp("email is not configured".into()));
            };
            let message: Message = compose::message(
                lang,
                sender.time_zone,
                &sender.base_url,
                &delivery.notification,
            );
            mailer
                .send(
                    lang,
                    &delivery.recipient.full_name,
                    address,
                    &message,
                    &delivery.id.to_string(),
                )
                .await
        }
        Channel::Webhook => {
            let Some(webhook) = &sender.webhook else {
                return Err(ChannelError::Webhook(
                    "the webhook is not configured".into(),
                ));
            };
            webhook.post(&payload(sender, delivery, lang)).await
        }
    }
}

/// Sends every due delivery of the configured channels once; `now` is the injected clock's.
/// Each channel runs on its own, at the same time as the others: an SMTP server that never
/// answers delays email only, never the webhook. A channel that fails is recorded per
/// delivery and never stops the others.
pub async fn deliver_due(
    store: &Store,
    sender: &Sender,
    now: DateTime<Utc>,
) -> Result<DeliveryReport, StoreError> {
    let mut channels = tokio::task::JoinSet::new();
    for channel in sender.channels() {
        if channel == Channel::InApp {
            continue;
        }
        let (store, sender) = (store.clone(), sender.clone());
        channels.spawn(async move { deliver_channel(&store, &sender, channel, now).await });
    }
    let mut report = DeliveryReport::default();
    while let Some(finished) = channels.join_next().await {
        let channel = finished.map_err(|error| StoreError::NotCommitted(error.to_string()))??;
        report.sent += channel.sent;
        report.retrying += channel.retrying;
        report.failed += channel.failed;
        report.skipped += channel.skipped;
        report.deferred += channel.deferred;
    }
    Ok(report)
}

/// Sends every due delivery of one configured channel once (nothing for in-app or a channel
/// this server lacks): what the server's per-channel delivery loops run, so a channel whose
/// server never answers holds up only its own loop.
pub async fn deliver_channel_due(
    store: &Store,
    sender: &Sender,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<DeliveryReport, StoreError> {
    if channel == Channel::InApp || !sender.channels().contains(&channel) {
        return Ok(DeliveryReport::default());
    }
    deliver_channel(store, sender, channel, now).await
}

/// One channel's due deliveries, one after another.
async fn deliver_channel(
    store: &Store,
    sender: &Sender,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<DeliveryReport, StoreError> {
    let mut report = DeliveryReport::default();
    let claimed = store
        .claim_due_deliveries(channel, &sender.node, now, sender.claim_lease, sender.batch)
        .await?;
    let _renewing = (!claimed.is_empty()).then(|| renew_claims(store, sender, channel, now));
    // A failure that took the channel's whole timeout means its server does not answer: the
    // rest of the batch would each wait as long (a batch of 50 took half an hour), so they
    // are handed back untried for the next sweep.
    let patience = match channel {
        Channel::Email => sender.mailer.as_ref().map(Mailer::timeout),
        Channel::Webhook => sender.webhook.as_ref().map(Webhook::timeout),
        Channel::InApp => None,
    };
    let mut unanswered = false;
    for delivery in claimed {
        if unanswered {
            store.release_delivery(delivery.id, &sender.node).await?;
            report.deferred += 1;
            continue;
        }
        if let Some(reason) = skip_reason(&delivery) {
            // The log is read by the admin, in Indonesian.
            store
                .mark_delivery_skipped(delivery.id, &t(Lang::Id, reason))
                .await?;
            report.skipped += 1;
            continue;
        }
        let started = std::time::Instant::now();
        match send_one(sender, &delivery).await {
            Ok(()) => {
                store.mark_delivery_sent(delivery.id, now).await?;
                report.sent += 1;
            }
            Err(error) => {
                unanswered = patience.is_some_and(|patience| started.elapsed() >= patience);
                tracing::warn!(
                    delivery = %delivery.id,
                    channel = channel.code(),
                    %error,
                    "delivery failed; will retry"
                );
                let status = store
                    .mark_delivery_failed(delivery.id, &error.to_string(), now, &sender.retry)
                    .await?;
                match status {
                    Some(DeliveryStatus::Failed) => report.failed += 1,
                    _ => report.retrying += 1,
                }
            }
        }
    }
    Ok(report)
}

/// Ends a background task when dropped (however the sweep ends).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Keeps this node's claims on `channel` alive while it sends: every third of the claim
/// lease they are moved on to a full lease from then (the sweep's `now` plus the time spent).
fn renew_claims(
    store: &Store,
    sender: &Sender,
    channel: Channel,
    now: DateTime<Utc>,
) -> AbortOnDrop {
    let (store, node, lease) = (store.clone(), sender.node.clone(), sender.claim_lease);
    let every = (lease / 3)
        .to_std()
        .unwrap_or(Duration::from_secs(5))
        .max(Duration::from_millis(100));
    let started = std::time::Instant::now();
    AbortOnDrop(tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let spent = chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
            if let Err(error) = store
                .renew_delivery_claims(channel, &node, now + spent + lease)
                .await
            {
                tracing::warn!(channel = channel.code(), %error, "renewing delivery claims");
            }
        }
    }))
}

/// A default SMTP deadline for settings read from flags.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
