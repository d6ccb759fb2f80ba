//! Notifications as people read them, and the channels that carry them: composing the
//! Indonesian (or English) title and body of a stored notification, email over SMTP with a
//! plain text and an HTML part, and a generic JSON webhook signed with HMAC-SHA256.
//!
//! It must never decide who is told what (the scheduler does) nor write SQL (the store does);
//! a channel that fails reports an error and the caller records it; nothing here blocks a
//! case action.

pub mod compose;
pub mod deliver;
pub mod email;
pub mod webhook;

pub use compose::{Message, body, link, message, title};
pub use deliver::{
    DEFAULT_TIMEOUT, DeliveryReport, Sender, WebhookPayload, deliver_channel_due, deliver_due,
};
pub use email::{
    Composed, EmailSettings, Mailer, SmtpSecurity, invitation_mail, password_reset_mail,
};
pub use webhook::{SIGNATURE_HEADER, Webhook, WebhookSettings, sign, verify_signature};

/// Why a channel could not deliver a message. The text goes into the delivery log.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("email address {0:?}: {1}")]
    Address(String, String),
    #[error("building the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("webhook: {0}")]
    Webhook(String),
    #[error("webhook answered HTTP {0}")]
    WebhookStatus(u16),
}
