//! Email through a configured SMTP server (lettre): a multipart/alternative message with the
//! plain text and an HTML rendering of the same words, addressed to one person. It must never
//! retry by itself or wait without a deadline: the delivery sweep records the failure and
//! the store schedules the next attempt.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use pelihara_i18n::{Lang, arg, t, t_args};

use crate::ChannelError;
use crate::compose::Message;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain SMTP (a relay on the same host or a test sink).
    None,
    /// STARTTLS required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl SmtpSecurity {
    /// Reads `none`, `starttls` or `tls`.
    pub fn from_code(code: &str) -> Option<SmtpSecurity> {
        match code.trim().to_lowercase().as_str() {
            "none" | "plain" => Some(SmtpSecurity::None),
            "starttls" => Some(SmtpSecurity::StartTls),
            "tls" | "smtps" => Some(SmtpSecurity::Tls),
            _ => None,
        }
    }
}

/// Where and how to send email.
#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `Pelihara Diskominfo Demak <pelihara@demakkab.go.id>`.
    pub from: String,
    /// The whole conversation with the server must end within this.
    pub timeout: Duration,
}

/// A configured SMTP client. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// The plain-text part: greeting, body, link, footer.
pub fn plain_text(lang: Lang, recipient_name: &str, message: &Message) -> String {
    format!(
        "{}\n\n{}\n\n{}\n\n-- \n{}\n",
        t_args(
            lang,
            "notify-mail-greeting",
            &[("name", arg(recipient_name))]
        ),
        message.body,
        t_args(lang, "notify-mail-open", &[("link", arg(&message.link))]),
        t(lang, "notify-mail-footer"),
    )
}

/// The HTML part: the same words, every text escaped, the link as a button.
pub fn html(lang: Lang, recipient_name: &str, message: &Message) -> String {
    let paragraphs: String = message
        .body
        .split("\n\n")
        .map(|paragraph| {
            let lines: Vec<String> = paragraph.lines().map(escape).collect();
            format!("<p>{}</p>\n", lines.join("<br>\n"))
        })
        .collect();
    let link = escape(&message.link);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{subject}</title></head>\n\
         <body style=\"font-family: Arial, sans-serif; color: #212529; line-height: 1.5\">\n\
         <div style=\"max-width: 600px\">\n<p>{greeting}</p>\n{paragraphs}\
         <p><a href=\"{link}\" style=\"display: inline-block; padding: 8px 16px; background: #0d6efd; \
         color: #ffffff; text-decoration: none; border-radius: 4px\">{button}</a></p>\n\
         <p style=\"font-size: 13px; color: #495057\">{link}</p>\n\
         <hr>\n<p style=\"font-size: 12px; color: #6c757d\">{footer}</p>\n</div>\n</body>\n</html>\n",
        lang = lang.code(),
        subject = escape(&message.subject),
        greeting = escape(&t_args(
            lang,
            "notify-mail-greeting",
            &[("name", arg(recipient_name))]
        )),
        button = escape(&t(lang, "notify-mail-open-button")),
        footer = escape(&t(lang, "notify-mail-footer")),
    )
}

impl Mailer {
    pub fn new(settings: &EmailSettings) -> Result<Mailer, ChannelError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|error| ChannelError::Address(settings.from.clone(), format!("{error}")))?;
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned())
                .map_err(|error| ChannelError::Smtp(error.to_string()))
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
                .port(settings.port)
                .timeout(Some(settings.timeout));
        builder = match settings.security {
            SmtpSecurity::None => builder.tls(Tls::None),
            SmtpSecurity::StartTls => builder.tls(Tls::Required(tls(&settings.host)?)),
            SmtpSecurity::Tls => builder.tls(Tls::Wrapper(tls(&settings.host)?)),
        };
        if let (Some(username), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            timeout: settings.timeout,
        })
    }

    /// How long the server may take to answer one read or write.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends `message` to one person, in `lang`, as plain text with an HTML alternative.
    /// `delivery_id` makes its Message-ID: the same on every retry, so a receiver that got
    /// a message twice (delivery is at least once) can drop the repeat.
    pub async fn send(
        &self,
        lang: Lang,
        recipient_name: &str,
        address: &str,
        message: &Message,
        delivery_id: &str,
    ) -> Result<(), ChannelError> {
        let to = Mailbox::new(
            Some(recipient_name.to_owned()),
            address
                .trim()
                .parse()
                .map_err(|error| ChannelError::Address(address.to_owned(), format!("{error}")))?,
        );
        let email = lettre::Message::builder()
            .message_id(Some(format!(
                "<{delivery_id}@{}>",
                self.from.email.domain()
            )))
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(plain_text(lang, recipient_name, message)),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(html(lang, recipient_name, message)),
                    ),
            )
            .map_err(|error| ChannelError::Build(error.to_string()))?;
        // lettre's own timeout covers each read and write; this one bounds the whole exchange.
        match tokio::time::timeout(self.timeout * 2, self.transport.send(email)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(ChannelError::Smtp(error.to_string())),
            Err(_) => Err(ChannelError::Smtp("timed out".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_people_typed() {
        let message = Message {
            subject: "S".into(),
            body: "Permohonan <b>X</b> & \"Y\"\n\nBaris dua".into(),
            link: "https://x.test/permohonan/1?a=1&b=2".into(),
        };
        let html = html(Lang::Id, "Budi <Kadis>", &message);
        assert!(html.contains("<p>Permohonan &lt;b&gt;X&lt;/b&gt; &amp; &quot;Y&quot;</p>"));
        assert!(html.contains("<p>Baris dua</p>"));
        assert!(html.contains("Yth. Budi &lt;Kadis&gt;,"));
        assert!(html.contains("href=\"https://x.test/permohonan/1?a=1&amp;b=2\""));
        let plain = plain_text(Lang::Id, "Budi", &message);
        assert!(plain.starts_with("Yth. Budi,\n\nPermohonan <b>X</b>"));
        assert!(plain.contains("Buka tugas: https://x.test/permohonan/1?a=1&b=2"));
    }

    #[test]
    fn security_codes() {
        assert_eq!(
            SmtpSecurity::from_code("STARTTLS"),
            Some(SmtpSecurity::StartTls)
        );
        assert_eq!(SmtpSecurity::from_code("none"), Some(SmtpSecurity::None));
        assert_eq!(SmtpSecurity::from_code("tls"), Some(SmtpSecurity::Tls));
        assert_eq!(SmtpSecurity::from_code("ssl3"), None);
    }
}
