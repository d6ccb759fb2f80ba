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
    let paragraphs: Vec<String> = message.body.split("\n\n").map(str::to_owned).collect();
    html_page(
        lang,
        &HtmlParts {
            subject: &message.subject,
            greeting: &t_args(
                lang,
                "notify-mail-greeting",
                &[("name", arg(recipient_name))],
            ),
            before_link: &paragraphs,
            link: &message.link,
            button: &t(lang, "notify-mail-open-button"),
            after_link: &[],
            footer: &t(lang, "notify-mail-footer"),
        },
    )
}

/// The words of an HTML mail, unescaped.
struct HtmlParts<'a> {
    subject: &'a str,
    greeting: &'a str,
    /// Paragraphs before the button; lines within one are kept.
    before_link: &'a [String],
    link: &'a str,
    button: &'a str,
    after_link: &'a [String],
    footer: &'a str,
}

/// One layout for every mail Pelihara sends: greeting, paragraphs, the link as a button and
/// as text, more paragraphs, footer; every text escaped.
fn html_page(lang: Lang, parts: &HtmlParts<'_>) -> String {
    let paragraphs = |list: &[String]| -> String {
        list.iter()
            .map(|paragraph| {
                let lines: Vec<String> = paragraph.lines().map(escape).collect();
                format!("<p>{}</p>\n", lines.join("<br>\n"))
            })
            .collect()
    };
    let link = escape(parts.link);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{subject}</title></head>\n\
         <body style=\"font-family: Arial, sans-serif; color: #212529; line-height: 1.5\">\n\
         <div style=\"max-width: 600px\">\n<p>{greeting}</p>\n{before}\
         <p><a href=\"{link}\" style=\"display: inline-block; padding: 8px 16px; background: #0d6efd; \
         color: #ffffff; text-decoration: none; border-radius: 4px\">{button}</a></p>\n\
         <p style=\"font-size: 13px; color: #495057\">{link}</p>\n{after}\
         <hr>\n<p style=\"font-size: 12px; color: #6c757d\">{footer}</p>\n</div>\n</body>\n</html>\n",
        lang = lang.code(),
        subject = escape(parts.subject),
        greeting = escape(parts.greeting),
        before = paragraphs(parts.before_link),
        button = escape(parts.button),
        after = paragraphs(parts.after_link),
        footer = escape(parts.footer),
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
        let mail = Composed {
            subject: message.subject.clone(),
            plain: plain_text(lang, recipient_name, message),
            html: html(lang, recipient_name, message),
        };
        self.send_composed(recipient_name, address, &mail, delivery_id)
            .await
    }

    /// Sends a mail whose words are already composed (a password-recovery link, which is no
    /// notification) to one person; `message_key` makes its Message-ID as in [`Mailer::send`].
    pub async fn send_composed(
        &self,
        recipient_name: &str,
        address: &str,
        mail: &Composed,
        message_key: &str,
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
                "<{message_key}@{}>",
                self.from.email.domain()
            )))
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(mail.plain.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(mail.html.clone()),
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

/// A mail ready to send: subject, plain text and its HTML rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub plain: String,
    pub html: String,
}

/// The password-recovery mail: who asked is told where to set a new password, for how long
/// the link works, and that they may ignore the mail if they did not ask. Every text escaped
/// in the HTML part; the link is the only thing in it that is not Pelihara's own words.
pub fn password_reset_mail(lang: Lang, recipient_name: &str, link: &str, minutes: i64) -> Composed {
    let greeting = t_args(
        lang,
        "notify-mail-greeting",
        &[("name", arg(recipient_name))],
    );
    let body = t(lang, "recovery-mail-body");
    let valid = t_args(
        lang,
        "recovery-mail-valid",
        &[("minutes", pelihara_i18n::num(minutes as f64))],
    );
    let ignore = t(lang, "recovery-mail-ignore");
    let footer = t(lang, "recovery-mail-footer");
    let plain = format!("{greeting}\n\n{body}\n\n{link}\n\n{valid} {ignore}\n\n-- \n{footer}\n");
    let subject = t(lang, "recovery-mail-subject");
    let html = html_page(
        lang,
        &HtmlParts {
            subject: &subject,
            greeting: &greeting,
            before_link: &[body],
            link,
            button: &t(lang, "recovery-mail-button"),
            after_link: &[format!("{valid} {ignore}")],
            footer: &footer,
        },
    );
    Composed {
        subject,
        plain,
        html,
    }
}

/// The invitation of an imported user: the office named, where to set their first password,
/// for how many days the link works. Built like [`password_reset_mail`].
pub fn invitation_mail(
    lang: Lang,
    recipient_name: &str,
    office: &str,
    username: &str,
    link: &str,
    days: i64,
) -> Composed {
    let greeting = t_args(
        lang,
        "notify-mail-greeting",
        &[("name", arg(recipient_name))],
    );
    let body = t_args(
        lang,
        "invitation-mail-body",
        &[("office", arg(office)), ("username", arg(username))],
    );
    let valid = t_args(
        lang,
        "invitation-mail-valid",
        &[("days", pelihara_i18n::num(days as f64))],
    );
    let footer = t(lang, "recovery-mail-footer");
    let plain = format!("{greeting}\n\n{body}\n\n{link}\n\n{valid}\n\n-- \n{footer}\n");
    let subject = t(lang, "invitation-mail-subject");
    let html = html_page(
        lang,
        &HtmlParts {
            subject: &subject,
            greeting: &greeting,
            before_link: &[body],
            link,
            button: &t(lang, "invitation-mail-button"),
            after_link: &[valid],
            footer: &footer,
        },
    );
    Composed {
        subject,
        plain,
        html,
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
    fn the_recovery_mail_carries_the_link_and_its_lifetime() {
        let link = "https://x.test/lupa-sandi/atur?token=ab&c=1";
        let mail = password_reset_mail(Lang::Id, "Budi <Kadis>", link, 30);
        assert_eq!(mail.subject, "Atur ulang kata sandi Pelihara");
        assert!(mail.plain.starts_with("Yth. Budi <Kadis>,\n\n"));
        assert!(mail.plain.contains(&format!("\n{link}\n")));
        assert!(mail.plain.contains("berlaku 30 menit"));
        assert!(mail.html.contains("Yth. Budi &lt;Kadis&gt;,"));
        assert!(
            mail.html
                .contains("href=\"https://x.test/lupa-sandi/atur?token=ab&amp;c=1\"")
        );
        let english = password_reset_mail(Lang::En, "Budi", link, 1);
        assert!(
            english.plain.contains("works for 1 minute and"),
            "{}",
            english.plain
        );
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
