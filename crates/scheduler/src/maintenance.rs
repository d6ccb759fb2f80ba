//! The register's sweeps: apps due for maintenance (announced to the OPD's operators and the
//! Sub-coordinator, once per due date and state; drafts prepared when the policy says so) and
//! scheduled health checks (recorded; a change from passing to failing is announced). Never
//! decides when an app is due: the domain's `maintenance_due` and the store do.

use chrono::{DateTime, Utc};
use pelihara_domain::register::AppStatus;
use pelihara_register::health::{
    ALLOWED_NETWORKS_SETTING, CheckPolicy, Checker, parse_allowed_networks,
};
use pelihara_store::StoreError;
use pelihara_store::maintenance::DraftOrigin;
use pelihara_store::notifications::{NewNotification, NotificationDetail, NotificationKind};
use pelihara_store::register::RegisterFilter;

use crate::Context;
use crate::people::People;

/// The maintenance interval for apps without their own, from the SOPs the office runs now.
fn interval_months(context: &Context) -> u32 {
    let sops = context.catalog.snapshot().current_all();
    pelihara_domain::register::maintenance_interval_months(sops.iter().map(|sop| sop.as_ref()))
}

/// Who hears of apps due and failing checks, besides the OPD's operators.
fn register_notified(context: &Context) -> Vec<String> {
    crate::positions_named(&context.catalog, |sop| &sop.settings.register_notified)
}

/// Announces apps that became due soon or overdue; returns how many notifications were new.
pub(crate) async fn sweep_due(context: &Context, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let store = &context.store;
    let calendar = &*context.calendar.snapshot();
    let months = interval_months(context);
    let policy = store.maintenance_policy(months).await?;
    let people = People::load(store).await?;
    let source = context.source();
    let mut made = 0;
    for reminder in store.apps_due_for_reminder(calendar, &policy, now).await? {
        let mut recipients = people.operators(reminder.opd_id);
        for position in &register_notified(context) {
            for user in people.position(position, now) {
                if !recipients.iter().any(|known| known.user.id == user.user.id) {
                    recipients.push(user);
                }
            }
        }
        let key = format!(
            "app:{}:due:{}:{}",
            reminder.app_id,
            reminder.due.due,
            reminder.due.state.code()
        );
        // Notifications first, then the announcement: a crash between them repeats nothing
        // (the keys are unique) and loses nothing.
        for user in recipients {
            let new = NewNotification {
                recipient: user.user.id,
                dedupe_key: key.clone(),
                kind: NotificationKind::AppMaintenanceDue,
                case_id: None,
                task_id: None,
                app_id: Some(reminder.app_id),
                link_path: format!("/aplikasi/{}", reminder.app_id),
                detail: NotificationDetail {
                    app_name: Some(reminder.app_name.clone()),
                    opd_name: Some(reminder.opd_name.clone()),
                    maintenance_due_on: Some(reminder.due.due),
                    ..NotificationDetail::default()
                },
            };
            if context.notify(&new, now).await? {
                made += 1;
            }
        }
        if policy.auto_drafts {
            store
                .prepare_maintenance_draft(
                    reminder.app_id,
                    calendar,
                    &policy,
                    now,
                    DraftOrigin::Scheduler,
                    &source,
                )
                .await?;
        }
        store
            .mark_due_announced(
                reminder.app_id,
                reminder.due.due,
                reminder.due.state,
                &source,
                now,
            )
            .await?;
    }
    Ok(made)
}

/// Checks every active app with an address, records each check, and announces an app that
/// went from passing (or never checked) to failing. Returns how many notifications were new.
pub(crate) async fn sweep_health(context: &Context, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let store = &context.store;
    let allowed = store
        .setting(ALLOWED_NETWORKS_SETTING)
        .await?
        .unwrap_or_default();
    // A broken setting must not open the internal network (as on the check-now button).
    let checker = match Checker::new(CheckPolicy {
        allowed_networks: parse_allowed_networks(&allowed).unwrap_or_default(),
        ..CheckPolicy::default()
    }) {
        Ok(checker) => checker,
        Err(error) => {
            tracing::warn!(%error, "health checks cannot start");
            return Ok(0);
        }
    };
    let people = People::load(store).await?;
    let source = context.source();
    let mut made = 0;
    for row in store.register(&RegisterFilter::default()).await? {
        if row.status() != AppStatus::Active || row.app.url.trim().is_empty() {
            continue;
        }
        let check = checker.check(&row.app.url, now).await;
        store
            .record_health_check(row.app.id, &check, &source)
            .await?;
        if check.ok || row.last_check_ok == Some(false) {
            continue;
        }
        // Keyed by the last passing check: one announcement per failure spell.
        let since = row.last_check_at.map_or_else(
            || "never".to_owned(),
            |at| at.timestamp_millis().to_string(),
        );
        let mut recipients = people.operators(row.app.opd_id);
        for position in &register_notified(context) {
            recipients.extend(people.position(position, now));
        }
        for user in recipients {
            let new = NewNotification {
                recipient: user.user.id,
                dedupe_key: format!("app:{}:health_failed:{since}", row.app.id),
                kind: NotificationKind::HealthCheckFailed,
                case_id: None,
                task_id: None,
                app_id: Some(row.app.id),
                link_path: format!("/aplikasi/{}", row.app.id),
                detail: NotificationDetail {
                    app_name: Some(row.app.name.clone()),
                    opd_name: Some(row.opd_name.clone()),
                    error: check.error.clone(),
                    ..NotificationDetail::default()
                },
            };
            if context.notify(&new, now).await? {
                made += 1;
            }
        }
    }
    Ok(made)
}
