//! The background scheduler inside the server: a loop that, on every tick, offers each job
//! (reminders, maintenance due, health checks, digest, delivery) to this node. A job runs only
//! under its lease in the database, so with several nodes on one PostgreSQL exactly one runs
//! it; a run records its completion, and the next run waits for the job's interval.
//!
//! It must never read the clock itself (time comes from the injected [`Clock`]) nor rely on
//! the lease for correctness: every sweep is idempotent on its own (notifications are unique
//! per recipient and dedupe key), the lease only saves work. A node that dies mid-job leaves
//! the lease to run out; another node then takes the job again. Each delivery channel has a
//! loop and a lease of its own, short and renewed often (`delivery_lease_ttl`, renewed every
//! third), so a node killed while it delivers hands the deliveries over within seconds, and
//! neither another job (a health check taking minutes) nor another channel (an SMTP server
//! that never answers) keeps them waiting.

mod digest;
mod maintenance;
mod people;
mod skm;
mod tasks;

use chrono::{DateTime, Utc};
use pelihara_notify::Sender;
use pelihara_sop::SopDefinition;
use pelihara_store::notifications::{Channel, NewNotification};
use pelihara_store::{AuditSource, SharedCalendar, SharedCatalog, Store, StoreError};

/// The clock the scheduler reads (one type with the pages': `pelihara_store::Clock`).
pub use pelihara_store::Clock;
pub use tasks::{ARRIVED, DUE_SOON, OVERDUE, escalation_levels, escalation_moment, next_stage};

/// What can go wrong in a run. A failed run releases its lease without recording completion,
/// so the job is tried again at the next tick.
#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The jobs, each with its own lease and interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// Task arrived, due soon, overdue, escalation.
    Reminders,
    /// Apps due for maintenance.
    Maintenance,
    /// Health checks of register apps.
    HealthChecks,
    /// The daily digest for leadership.
    Digest,
    /// Sending pending email and webhook deliveries, every channel in one run.
    Delivery,
    /// Sending pending email only: the server's email loop, under a lease of its own.
    EmailDelivery,
    /// Sending pending webhooks only: the server's webhook loop, under a lease of its own, so
    /// an SMTP server that never answers never holds up a webhook.
    WebhookDelivery,
}

impl Job {
    pub const ALL: [Job; 5] = [
        Job::Reminders,
        Job::Maintenance,
        Job::HealthChecks,
        Job::Digest,
        Job::Delivery,
    ];

    /// The lease's name in the database.
    pub fn name(self) -> &'static str {
        match self {
            Job::Reminders => "reminders",
            Job::Maintenance => "maintenance",
            Job::HealthChecks => "health_checks",
            Job::Digest => "digest",
            Job::Delivery => "delivery",
            Job::EmailDelivery => "delivery_email",
            Job::WebhookDelivery => "delivery_webhook",
        }
    }
}

/// Timing and thresholds. Durations of waiting are wall time; the escalation grace is
/// working time on the calendar.
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// This process, as lease holder (unique per process).
    pub node: String,
    /// How often the loop offers the jobs.
    pub tick: std::time::Duration,
    /// How long a taken job lease lasts if its holder dies.
    pub lease_ttl: chrono::Duration,
    /// The delivery job's lease: short, so a killed node's deliveries move on within
    /// seconds (renewed every third of it while the node delivers).
    pub delivery_lease_ttl: chrono::Duration,
    /// How often the delivery loop offers the delivery job (beside the other jobs' loop).
    pub delivery_tick: std::time::Duration,
    pub reminders_every: chrono::Duration,
    pub maintenance_every: chrono::Duration,
    /// `None`: no scheduled health checks.
    pub health_checks_every: Option<chrono::Duration>,
    pub digest_check_every: chrono::Duration,
    pub delivery_every: chrono::Duration,
    /// "Due soon" when less than this percentage of the standard is left.
    pub due_soon_percent: u32,
    /// Working minutes after the due moment before the first escalation, and between levels.
    pub escalation_grace_minutes: u32,
    /// A task counts as arrived (and its assignees hear of it) only this long after it opened,
    /// so a first start does not announce every old task.
    pub arrival_window: chrono::Duration,
    /// The digest goes out on working days at this local time (hour, minute).
    pub digest_at: (u32, u32),
}

impl SchedulerConfig {
    pub fn new(node: &str) -> SchedulerConfig {
        SchedulerConfig {
            node: node.to_owned(),
            tick: std::time::Duration::from_secs(15),
            lease_ttl: chrono::Duration::minutes(5),
            delivery_lease_ttl: chrono::Duration::seconds(15),
            delivery_tick: std::time::Duration::from_secs(2),
            reminders_every: chrono::Duration::minutes(1),
            maintenance_every: chrono::Duration::hours(1),
            health_checks_every: Some(chrono::Duration::hours(6)),
            digest_check_every: chrono::Duration::minutes(10),
            delivery_every: chrono::Duration::seconds(15),
            due_soon_percent: 25,
            escalation_grace_minutes: 60,
            arrival_window: chrono::Duration::days(1),
            digest_at: (7, 0),
        }
    }

    /// How long `job`'s lease lasts if its holder dies.
    pub fn lease_ttl_of(&self, job: Job) -> chrono::Duration {
        match job {
            Job::Delivery | Job::EmailDelivery | Job::WebhookDelivery => self.delivery_lease_ttl,
            _ => self.lease_ttl,
        }
    }

    fn interval(&self, job: Job) -> Option<chrono::Duration> {
        match job {
            Job::Reminders => Some(self.reminders_every),
            Job::Maintenance => Some(self.maintenance_every),
            Job::HealthChecks => self.health_checks_every,
            Job::Digest => Some(self.digest_check_every),
            Job::Delivery | Job::EmailDelivery | Job::WebhookDelivery => Some(self.delivery_every),
        }
    }
}

/// The positions every current SOP names in `pick` (its leadership, its register keepers...),
/// each once: the SOP files, not the code, say who they are.
pub(crate) fn positions_named(
    catalog: &SharedCatalog,
    pick: impl Fn(&SopDefinition) -> &[String],
) -> Vec<String> {
    let mut positions: Vec<String> = Vec::new();
    for sop in catalog.snapshot().current_all() {
        for position in sop.positions_of(pick(&sop)) {
            if !positions.contains(&position) {
                positions.push(position);
            }
        }
    }
    positions
}

/// What the sweeps work with.
#[derive(Clone)]
pub struct Context {
    pub store: Store,
    pub catalog: SharedCatalog,
    /// Refreshed at every tick, so a holiday edit on any node reaches the sweeps.
    pub calendar: SharedCalendar,
    pub sender: Sender,
    pub config: SchedulerConfig,
}

impl Context {
    fn source(&self) -> AuditSource {
        AuditSource {
            actor_id: None,
            actor_name: "sistem (penjadwal)".into(),
            address: format!("scheduler:{}", self.config.node),
        }
    }

    /// The sender, writing times in the office's time zone as the calendar has it now: the
    /// administrator may change the zone while the server runs (the office's identity).
    fn current_sender(&self) -> std::borrow::Cow<'_, Sender> {
        let zone = self.calendar.snapshot().time_zone;
        if zone == self.sender.time_zone {
            std::borrow::Cow::Borrowed(&self.sender)
        } else {
            let mut sender = self.sender.clone();
            sender.time_zone = zone;
            std::borrow::Cow::Owned(sender)
        }
    }

    /// Records a notification through the channels this server has; `true` if it was new.
    async fn notify(&self, new: &NewNotification, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let channels = self.sender.channels();
        Ok(self
            .store
            .record_notification(new, &channels, now)
            .await?
            .is_some())
    }
}

/// What one offer of a job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// Another node holds the lease.
    Held,
    /// Not due yet (the last run finished less than an interval ago), or switched off.
    NotDue,
    /// Ran; how many notifications it made (or deliveries it sent, for delivery).
    Ran(u32),
}

/// The scheduler of one process.
#[derive(Clone)]
pub struct Scheduler {
    context: Context,
    clock: Clock,
}

impl Scheduler {
    pub fn new(context: Context, clock: Clock) -> Scheduler {
        Scheduler { context, clock }
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Offers one job to this node at `now`: takes its lease, runs it if it is due, records
    /// completion and gives the lease back.
    pub async fn offer(&self, job: Job, now: DateTime<Utc>) -> Result<JobOutcome, SchedulerError> {
        let config = &self.context.config;
        let Some(interval) = config.interval(job) else {
            return Ok(JobOutcome::NotDue);
        };
        let store = &self.context.store;
        let Some(lease) = store
            .try_acquire_lease(job.name(), &config.node, now, config.lease_ttl_of(job))
            .await?
        else {
            return Ok(JobOutcome::Held);
        };
        if lease
            .last_finished_at
            .is_some_and(|finished| now < finished + interval)
        {
            store.release_lease(job.name(), &config.node, None).await?;
            return Ok(JobOutcome::NotDue);
        }
        // Keep the lease while the job runs (health checks can take minutes): renew it every
        // third of its life on the clock; a node that dies stops renewing and the lease runs out.
        let keepalive = {
            let store = store.clone();
            let clock = self.clock.clone();
            let (node, ttl) = (config.node.clone(), config.lease_ttl_of(job));
            let every = (ttl / 3)
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(60));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    match store.renew_lease(job.name(), &node, clock.now(), ttl).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!(job = job.name(), "job lease lost while running");
                            break;
                        }
                        Err(error) => {
                            tracing::warn!(job = job.name(), %error, "lease renewal failed")
                        }
                    }
                }
            })
        };
        let result = self.run(job, now).await;
        keepalive.abort();
        match result {
            Ok(count) => {
                store
                    .release_lease(job.name(), &config.node, Some(now))
                    .await?;
                Ok(JobOutcome::Ran(count))
            }
            Err(error) => {
                // Not finished: the next tick (here or on another node) tries again.
                store.release_lease(job.name(), &config.node, None).await?;
                Err(error)
            }
        }
    }

    /// Runs a job's sweep at `now` without its lease (tests, and `offer`).
    pub async fn run(&self, job: Job, now: DateTime<Utc>) -> Result<u32, SchedulerError> {
        let context = &self.context;
        Ok(match job {
            // The survey invitations ride on the reminders' lease and minute.
            Job::Reminders => {
                tasks::sweep(context, now).await? + skm::announce(context, now).await?
            }
            Job::Maintenance => maintenance::sweep_due(context, now).await?,
            Job::HealthChecks => maintenance::sweep_health(context, now).await?,
            Job::Digest => digest::sweep(context, now).await?,
            Job::Delivery => {
                let report =
                    pelihara_notify::deliver_due(&context.store, &context.current_sender(), now)
                        .await?;
                report.sent
            }
            Job::EmailDelivery | Job::WebhookDelivery => {
                let channel = if job == Job::EmailDelivery {
                    Channel::Email
                } else {
                    Channel::Webhook
                };
                pelihara_notify::deliver_channel_due(
                    &context.store,
                    &context.current_sender(),
                    channel,
                    now,
                )
                .await?
                .sent
            }
        })
    }

    /// Offers every job once at the clock's now; errors are logged, never stop the others.
    pub async fn tick(&self) -> Vec<(Job, JobOutcome)> {
        self.tick_jobs(&Job::ALL).await
    }

    /// Offers `jobs` once, in order, at the clock's now.
    async fn tick_jobs(&self, jobs: &[Job]) -> Vec<(Job, JobOutcome)> {
        let now = self.clock.now();
        // The jobs that compute due moments follow holiday edits; a delivery loop need not.
        if jobs.contains(&Job::Reminders) {
            self.follow_the_calendar(now).await;
        }
        let mut outcomes = Vec::new();
        for &job in jobs {
            match self.offer(job, now).await {
                Ok(outcome) => outcomes.push((job, outcome)),
                Err(error) => tracing::warn!(job = job.name(), %error, "scheduled job failed"),
            }
        }
        outcomes
    }

    /// Reads the calendar again when a holiday edit (on any node) changed it, and moves the
    /// open tasks' due moments if the node that edited stopped before it did. Errors are
    /// logged: the sweeps go on with the calendar they have.
    pub async fn follow_the_calendar(&self, now: DateTime<Utc>) {
        let context = &self.context;
        if let Err(error) = context.calendar.refresh(&context.store).await {
            tracing::warn!(%error, "refreshing the working calendar");
        }
        match context
            .store
            .move_due_moments_if_behind(&context.source(), now)
            .await
        {
            Ok(Some(moved)) => tracing::info!(moved, "due moments moved after a holiday edit"),
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "moving due moments after a holiday edit"),
        }
    }

    /// Runs the loops in the background until [`Running::stop`]: each channel this server
    /// sends through on a delivery loop of its own (`delivery_tick`, its own lease), the other
    /// jobs on one more (`tick`), so neither a long job nor another channel's silent server
    /// holds up a delivery.
    pub fn spawn(self) -> Running {
        const OTHERS: [Job; 4] = [
            Job::Reminders,
            Job::Maintenance,
            Job::HealthChecks,
            Job::Digest,
        ];
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let channels = self.context.sender.channels();
        let mut loops = vec![(self.context.config.tick, &OTHERS[..])];
        if channels.contains(&Channel::Email) {
            loops.push((self.context.config.delivery_tick, &[Job::EmailDelivery][..]));
        }
        if channels.contains(&Channel::Webhook) {
            loops.push((
                self.context.config.delivery_tick,
                &[Job::WebhookDelivery][..],
            ));
        }
        let tasks = loops
            .into_iter()
            .map(|(every, jobs)| {
                let (scheduler, mut stopped) = (self.clone(), stopped.clone());
                tokio::spawn(async move {
                    let mut interval = tokio::time::interval(every);
                    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    loop {
                        // A stop is seen between ticks only: a tick in progress finishes and
                        // gives its leases back, so another node takes the jobs at once.
                        tokio::select! {
                            _ = interval.tick() => {}
                            _ = stopped.changed() => break,
                        }
                        if *stopped.borrow() {
                            break;
                        }
                        scheduler.tick_jobs(jobs).await;
                    }
                })
            })
            .collect();
        Running { stop, tasks }
    }
}

/// A scheduler loop running in the background.
pub struct Running {
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Ends the loops and waits for them: the ticks in progress, if any, finish first.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            if let Err(error) = task.await {
                tracing::warn!(%error, "the scheduler loop ended abnormally");
            }
        }
    }
}
