//! The generic webhook: one JSON document per delivery POSTed to a configured URL, signed in
//! the `X-Pelihara-Signature: sha256=<hex>` header with HMAC-SHA256 of the exact body under a
//! shared secret, so a WhatsApp or Telegram gateway can check it came from Pelihara. It must
//! never retry by itself: a failure goes back to the delivery sweep, which records it.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::ChannelError;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Pelihara-Signature";

/// Where the webhook goes and the secret it is signed with.
#[derive(Clone)]
pub struct WebhookSettings {
    pub url: String,
    pub secret: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret never goes to a log.
        f.debug_struct("WebhookSettings")
            .field("url", &self.url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// `sha256=<hex of HMAC-SHA256(secret, body)>`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        }
        Err(_) => String::new(),
    }
}

/// Whether `header` is a valid signature of `body` (compared in constant time): what a
/// receiver does.
pub fn verify_signature(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex_part) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_part) else {
        return false;
    };
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            mac.verify_slice(&expected).is_ok()
        }
        Err(_) => false,
    }
}

/// A configured webhook client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Webhook {
    client: reqwest::Client,
    settings: WebhookSettings,
}

impl Webhook {
    /// How long the receiver may take to answer.
    pub fn timeout(&self) -> std::time::Duration {
        self.settings.timeout
    }

    pub fn new(settings: WebhookSettings) -> Result<Webhook, ChannelError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&provider))
            .map_err(|error| ChannelError::Webhook(error.to_string()))?;
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| ChannelError::Webhook(error.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "Pelihara/",
                env!("CARGO_PKG_VERSION"),
                " (webhook)"
            ))
            .build()
            .map_err(|error| ChannelError::Webhook(error.to_string()))?;
        Ok(Webhook { client, settings })
    }

    /// POSTs `payload` as JSON with its signature; any 2xx answer is delivered.
    pub async fn post<T: Serialize>(&self, payload: &T) -> Result<(), ChannelError> {
        let body =
            serde_json::to_vec(payload).map_err(|error| ChannelError::Build(error.to_string()))?;
        let signature = sign(self.settings.secret.as_bytes(), &body);
        let response = self
            .client
            .post(&self.settings.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .map_err(|error| ChannelError::Webhook(error.to_string()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(ChannelError::WebhookStatus(status.as_u16()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_rfc_4231_vector_and_verify() {
        // RFC 4231 test case 2.
        let signature = sign(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            signature,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(verify_signature(
            b"Jefe",
            b"what do ya want for nothing?",
            &signature
        ));
        assert!(!verify_signature(
            b"Jefe",
            b"what do ya want for nothing!",
            &signature
        ));
        assert!(!verify_signature(
            b"jefe",
            b"what do ya want for nothing?",
            &signature
        ));
        assert!(!verify_signature(b"Jefe", b"x", "md5=00"));
    }
}
