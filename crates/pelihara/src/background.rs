//! The scheduler inside the server: its settings from flags and the environment (SMTP,
//! webhook, reminder thresholds, node id) and its start on the server's services. The only
//! place that gives the scheduler the real clock; it must never decide who is told what.

use std::time::Duration;

use anyhow::Context as _;
use pelihara_notify::{EmailSettings, Sender, SmtpSecurity, WebhookSettings};
use pelihara_scheduler::{Clock, Context, Scheduler, SchedulerConfig};
use pelihara_web::Services;

/// Notification and scheduler settings of `pelihara serve`.
#[derive(clap::Args, Debug, Clone)]
pub struct NotifyArgs {
    /// This process's name as holder of job leases; unique per process sharing a database.
    /// Default: host name, process id and a random suffix.
    #[arg(long, env = "PELIHARA_NODE_ID")]
    pub node_id: Option<String>,
    /// Run no background jobs on this node (reminders, delivery, health checks, digest).
    #[arg(long, env = "PELIHARA_NO_SCHEDULER")]
    pub no_scheduler: bool,
    /// SMTP server for email notifications (none: no email).
    #[arg(long, env = "PELIHARA_SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, env = "PELIHARA_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// none, starttls or tls.
    #[arg(long, env = "PELIHARA_SMTP_SECURITY", default_value = "starttls")]
    pub smtp_security: String,
    #[arg(long, env = "PELIHARA_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    #[arg(long, env = "PELIHARA_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The sender of notification mail, e.g. `Pelihara Diskominfo <pelihara@example.go.id>`;
    /// required with --smtp-host (the office's own address: none is built in).
    #[arg(long, env = "PELIHARA_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// URL that receives each notification as signed JSON (none: no webhook).
    #[arg(long, env = "PELIHARA_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// Secret of the webhook's HMAC-SHA256 signature (header X-Pelihara-Signature).
    #[arg(long, env = "PELIHARA_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// "Due soon" when less than this percentage of a task's time standard is left.
    #[arg(long, env = "PELIHARA_DUE_SOON_PERCENT", default_value_t = 25)]
    pub due_soon_percent: u32,
    /// Working minutes past the due moment before escalating to the next position up (and
    /// between further levels).
    #[arg(long, env = "PELIHARA_ESCALATION_GRACE_MINUTES", default_value_t = 60)]
    pub escalation_grace_minutes: u32,
    /// Hours between scheduled health checks of the register's apps (0: none).
    #[arg(long, env = "PELIHARA_HEALTH_CHECK_HOURS", default_value_t = 6)]
    pub health_check_hours: u32,
    /// Local time (HH:MM) of the daily digest for leadership on working days.
    #[arg(long, env = "PELIHARA_DIGEST_AT", default_value = "07:00")]
    pub digest_at: String,
}

impl NotifyArgs {
    /// The demo's settings: in-app only, no health checks of the made-up addresses.
    pub fn demo() -> NotifyArgs {
        NotifyArgs {
            node_id: None,
            no_scheduler: false,
            smtp_host: None,
            smtp_port: 587,
            smtp_security: "starttls".into(),
            smtp_username: None,
            smtp_password: None,
            smtp_from: None,
            webhook_url: None,
            webhook_secret: None,
            due_soon_percent: 25,
            escalation_grace_minutes: 60,
            health_check_hours: 0,
            digest_at: "07:00".into(),
        }
    }
}

fn node_id(args: &NotifyArgs) -> String {
    args.node_id.clone().unwrap_or_else(|| {
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|name| name.trim().to_owned())
            .ok()
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "node".to_owned());
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        format!("{host}-{}-{}", std::process::id(), &suffix[..8])
    })
}

fn digest_at(text: &str) -> anyhow::Result<(u32, u32)> {
    let (hour, minute) = text
        .trim()
        .split_once(':')
        .with_context(|| format!("--digest-at {text:?}: expected HH:MM"))?;
    let (hour, minute): (u32, u32) = (hour.parse()?, minute.parse()?);
    anyhow::ensure!(
        hour < 24 && minute < 60,
        "--digest-at {text:?}: not a time of day"
    );
    Ok((hour, minute))
}

/// The SMTP settings of `--smtp-*` (and their environment variables), `None` without
/// `--smtp-host`: the scheduler's notifications and the web front's own mail (password
/// recovery) both send with them.
pub fn email_settings(args: &NotifyArgs) -> anyhow::Result<Option<EmailSettings>> {
    Ok(match &args.smtp_host {
        Some(host) => Some(EmailSettings {
            host: host.clone(),
            port: args.smtp_port,
            security: SmtpSecurity::from_code(&args.smtp_security).with_context(|| {
                format!(
                    "--smtp-security {:?}: use none, starttls or tls",
                    args.smtp_security
                )
            })?,
            username: args.smtp_username.clone(),
            password: args.smtp_password.clone(),
            from: args
                .smtp_from
                .clone()
                .context("--smtp-from (PELIHARA_SMTP_FROM) is required with --smtp-host")?,
            timeout: pelihara_notify::DEFAULT_TIMEOUT,
        }),
        None => None,
    })
}

/// Starts the scheduler on the server's services; `None` when switched off on this node.
pub fn start(
    args: &NotifyArgs,
    services: &Services,
    public_url: &str,
) -> anyhow::Result<Option<pelihara_scheduler::Running>> {
    if args.no_scheduler {
        return Ok(None);
    }
    let node = node_id(args);
    let email = email_settings(args)?;
    let webhook = match (&args.webhook_url, &args.webhook_secret) {
        (Some(url), Some(secret)) => Some(WebhookSettings {
            url: url.clone(),
            secret: secret.clone(),
            timeout: Duration::from_secs(10),
        }),
        (Some(_), None) => anyhow::bail!("--webhook-url needs --webhook-secret"),
        _ => None,
    };
    let mut sender = Sender::new(email.as_ref(), webhook, public_url, &node)
        .context("setting up the notification channels")?;
    sender.time_zone = services.calendar.snapshot().time_zone;
    let mut config = SchedulerConfig::new(&node);
    config.due_soon_percent = args.due_soon_percent;
    config.escalation_grace_minutes = args.escalation_grace_minutes;
    config.health_checks_every = (args.health_check_hours > 0)
        .then(|| chrono::Duration::hours(i64::from(args.health_check_hours)));
    config.digest_at = digest_at(&args.digest_at)?;
    let context = Context {
        store: services.store.clone(),
        catalog: services.catalog.clone(),
        calendar: services.calendar.clone(),
        sender,
        config,
    };
    tracing::info!(node = %node, "scheduler started");
    let scheduler = Scheduler::new(context, Clock::system());
    Ok(Some(scheduler.spawn()))
}
