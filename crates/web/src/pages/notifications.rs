//! The notification pages: the bell in the top bar and its polled fragment
//! (`/notifikasi/lonceng`), the user's notification list (`/notifikasi`, newest first, paged,
//! mark one or all read, open one), the user's channel settings (`/akun/notifikasi`) and the
//! delivery log for the admin and the auditors (`/admin/notifikasi`). It must never show or
//! touch another user's notification: someone else's is a 404, exactly like one that does not
//! exist, and changes nothing. Text of a notification comes from `pelihara-notify`, so the bell,
//! the email and the webhook say the same thing.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pelihara_domain::Role;
use pelihara_i18n::format_datetime;
use pelihara_store::notifications::{
    Channel, ChannelPreferences, DeliveryFilter, DeliveryLogRow, DeliveryStatus, Notification,
    NotificationId,
};
use serde::Deserialize;

use super::admin::{AdminTab, FormData, tabs};
use crate::auth::CurrentUser;
use crate::bell::Bell;
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::{page_or_partial, render};
use crate::shell::Shell;
use crate::state::{AppState, Services};

/// Notifications per page of `/notifikasi`.
const PAGE_SIZE: i64 = 20;
/// Deliveries per page of the admin log.
const LOG_PAGE_SIZE: i64 = 100;
/// The longest gateway handle accepted (a phone number, a chat id, a @username).
const HANDLE_MAX: usize = 64;

// ---------------------------------------------------------------------------------------------
// The bell

#[derive(Template)]
#[template(path = "notifications_bell_fragment.html")]
struct BellFragment {
    bell: Bell,
}

/// `GET /notifikasi/lonceng`: the bell alone, with a fresh count (one count query; the shell
/// made it). A guest (the session ended) gets nothing: the bell leaves the page and stops
/// asking, and the next thing the user does leads to the sign-in page.
/// With `?n=`, the count the page shows: the same count is a 204 and nothing is swapped, so
/// the live region around the bell speaks only of a change.
pub(crate) async fn view_notifikasi_lonceng_get(
    shell: Shell,
    Query(shown): Query<BellQuery>,
) -> Result<Response, WebError> {
    match shell.bell() {
        Some(bell) if shown.n.is_some() && bell.count() == shown.n => {
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Some(bell) => render(&BellFragment { bell }),
        None => Ok(Html(String::new()).into_response()),
    }
}

/// The bell poll's query: the count the page shows.
#[derive(Debug, Deserialize)]
pub(crate) struct BellQuery {
    #[serde(default)]
    n: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// The list

struct NotificationRow {
    id: String,
    title: String,
    body: String,
    created: String,
    unread: bool,
    read_at: Option<String>,
    /// Opens the notification's page and marks it read; `None` when it links nowhere.
    open_href: Option<String>,
}

#[derive(Template)]
#[template(path = "notifications_partial.html")]
struct ListPartial {
    tr: Tr,
    rows: Vec<NotificationRow>,
    unread: usize,
    page: i64,
    has_prev: bool,
    has_next: bool,
    notice: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    halaman: Option<String>,
    #[serde(default)]
    ok: Option<String>,
}

/// A page number from the address: 1 when absent or not a positive number (an old bookmark
/// should still open the list).
fn page_number(text: Option<&str>) -> i64 {
    text.and_then(|text| text.trim().parse::<i64>().ok())
        .filter(|page| (1..=100_000).contains(page))
        .unwrap_or(1)
}

fn when(services: &Services, tr: Tr, instant: chrono::DateTime<chrono::Utc>) -> String {
    format_datetime(tr.lang(), services.calendar.snapshot().time_zone, instant)
}

fn row(services: &Services, tr: Tr, notification: &Notification) -> NotificationRow {
    let tz = services.calendar.snapshot().time_zone;
    NotificationRow {
        id: notification.id.to_string(),
        title: pelihara_notify::title(tr.lang(), tz, notification),
        body: pelihara_notify::body(tr.lang(), tz, notification),
        created: when(services, tr, notification.created_at),
        unread: notification.read_at.is_none(),
        read_at: notification.read_at.map(|at| when(services, tr, at)),
        open_href: (!notification.link_path.trim().is_empty())
            .then(|| format!("/notifikasi/{}/buka", notification.id)),
    }
}

/// The message for a `?ok=` code; unknown codes show nothing (the text is never taken from
/// the address).
fn list_notice(tr: Tr, code: Option<&str>) -> Option<String> {
    let key = match code? {
        "read" => "notif-notice-read",
        "all-read" => "notif-notice-all-read",
        _ => return None,
    };
    Some(tr.t(key))
}

/// `GET /notifikasi`: the signed-in user's own notifications, newest first, paged.
pub(crate) async fn view_notifikasi_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let store = &services.store;
    let me = user.actor.user.id;
    let page = page_number(query.halaman.as_deref());
    // One more than a page tells whether there is a next page without counting them all.
    let mut notifications = store
        .notifications_for(me, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
        .await?;
    let has_next = notifications.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX);
    notifications.truncate(usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX));
    let unread = store.unread_count(me).await?;
    let tr = shell.tr;
    let partial = ListPartial {
        tr,
        rows: notifications
            .iter()
            .map(|notification| row(services, tr, notification))
            .collect(),
        unread: usize::try_from(unread).unwrap_or(0),
        page,
        has_prev: page > 1,
        has_next,
        notice: list_notice(tr, query.ok.as_deref()),
    };
    page_or_partial(shell, partial, |tr, _| tr.t("notif-title"))
}

/// The user's own notification `id`; anyone else's, or an id that is no id, is a 404.
async fn own_notification(
    services: &Services,
    user: &CurrentUser,
    id: &str,
) -> Result<Notification, WebError> {
    let id = NotificationId::parse(id).ok_or(WebError::NotFound)?;
    services
        .store
        .notification(id)
        .await?
        .filter(|notification| notification.recipient == user.actor.user.id)
        .ok_or(WebError::NotFound)
}

/// `GET /notifikasi/{id}/buka`: marks the notification read and goes to what it is about.
pub(crate) async fn view_notifikasi_buka_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    let notification = own_notification(services, &user, &id).await?;
    if notification.read_at.is_none() {
        services
            .store
            .mark_notification_read(user.actor.user.id, notification.id, services.clock.now())
            .await?;
    }
    // Only a path on this site: a stored link never sends the user elsewhere.
    let target = crate::lang::local_path(notification.link_path.trim());
    Ok(Redirect::to(target).into_response())
}

/// `POST /notifikasi/{id}/baca`: marks one of the user's own notifications read and comes
/// back to the page of the list it was on.
pub(crate) async fn view_notifikasi_baca_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    let notification = own_notification(services, &user, &id).await?;
    services
        .store
        .mark_notification_read(user.actor.user.id, notification.id, services.clock.now())
        .await?;
    let page = page_number(Some(&FormData(data).text("halaman")));
    let path = if page > 1 {
        format!("/notifikasi?halaman={page}&ok=read")
    } else {
        "/notifikasi?ok=read".to_owned()
    };
    Ok(Redirect::to(&path).into_response())
}

/// `POST /notifikasi/baca-semua`: marks all of the user's own notifications read.
pub(crate) async fn view_notifikasi_baca_semua_post(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let services = state.services();
    services
        .store
        .mark_all_notifications_read(user.actor.user.id, services.clock.now())
        .await?;
    Ok(Redirect::to("/notifikasi?ok=all-read").into_response())
}

// ---------------------------------------------------------------------------------------------
// Channel settings

#[derive(Template)]
#[template(path = "notifications_settings_partial.html")]
struct SettingsPartial {
    tr: Tr,
    notice: Option<String>,
    errors: FormErrors,
    email_on: bool,
    /// Where email goes; `None` when the account has no address (email cannot be on).
    email_address: Option<String>,
    webhook_on: bool,
    webhook_handle: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SettingsQuery {
    #[serde(default)]
    ok: Option<String>,
}

/// Where the user's email goes: the address on their account, if any.
async fn email_address(
    services: &Services,
    user: &CurrentUser,
) -> Result<Option<String>, WebError> {
    let stored = services.store.user(user.actor.user.id).await?;
    Ok(stored
        .and_then(|stored| stored.email)
        .map(|address| address.trim().to_owned())
        .filter(|address| !address.is_empty()))
}

fn render_settings(
    shell: Shell,
    status: StatusCode,
    partial: SettingsPartial,
) -> Result<Response, WebError> {
    let response = page_or_partial(shell, partial, |tr, _| tr.t("notif-settings-title"))?;
    Ok((status, response).into_response())
}

/// `GET /akun/notifikasi`: the user's channel choices.
pub(crate) async fn view_akun_notifikasi_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<SettingsQuery>,
) -> Result<Response, WebError> {
    let services = state.services();
    let preferences = services
        .store
        .channel_preferences(user.actor.user.id)
        .await?;
    let tr = shell.tr;
    let email_address = email_address(services, &user).await?;
    let partial = SettingsPartial {
        tr,
        notice: (query.ok.as_deref() == Some("saved")).then(|| tr.t("notif-notice-saved")),
        errors: FormErrors::new(),
        // Without an address email cannot go anywhere, whatever was stored.
        email_on: preferences.email && email_address.is_some(),
        email_address,
        webhook_on: preferences.webhook,
        webhook_handle: preferences.webhook_handle,
    };
    render_settings(shell, StatusCode::OK, partial)
}

/// A switch's value: absent is off, `on` is on, anything else is not a choice we offered.
fn switch(data: &FormData, name: &str) -> Result<bool, ()> {
    let values: Vec<&str> = data
        .0
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .collect();
    match values.as_slice() {
        [] => Ok(false),
        ["on"] => Ok(true),
        _ => Err(()),
    }
}

/// The gateway handle as stored: spaces and dashes people type in phone numbers removed.
/// `None` when it is neither a phone number (`+62 812-3456-7890`, `081234567890`), a numeric
/// chat id (`-1001234567`) nor a @username.
pub(crate) fn normalize_handle(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let digits = |s: &str, range: std::ops::RangeInclusive<usize>| {
        range.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    if let Some(name) = trimmed.strip_prefix('@') {
        let valid = (5..=32).contains(&name.chars().count())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        return valid.then(|| trimmed.to_owned());
    }
    if let Some(chat) = trimmed.strip_prefix('-') {
        return digits(chat, 5..=20).then(|| trimmed.to_owned());
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let number = compact.strip_prefix('+').unwrap_or(&compact);
    digits(number, 8..=15).then_some(compact)
}

/// `POST /akun/notifikasi`: saves the choices, or shows the form again with what is wrong
/// and changes nothing.
pub(crate) async fn view_akun_notifikasi_post(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let data = FormData(data);
    let address = email_address(services, &user).await?;
    let handle_typed = data.text("webhook_handle");
    let mut errors = FormErrors::new();
    let email = switch(&data, "email").unwrap_or_else(|()| {
        errors.form(tr.t("notif-error-bad-choice"));
        false
    });
    let webhook = switch(&data, "webhook").unwrap_or_else(|()| {
        errors.form(tr.t("notif-error-bad-choice"));
        false
    });
    if email && address.is_none() {
        errors.field("email", tr.t("notif-error-no-email"));
    }
    let handle = if handle_typed.is_empty() {
        if webhook {
            errors.field("webhook_handle", tr.t("notif-error-handle-required"));
        }
        String::new()
    } else if handle_typed.chars().count() > HANDLE_MAX {
        errors.field(
            "webhook_handle",
            tr.t1("notif-error-handle-too-long", "max", HANDLE_MAX),
        );
        String::new()
    } else {
        normalize_handle(&handle_typed).unwrap_or_else(|| {
            errors.field("webhook_handle", tr.t("notif-error-handle-format"));
            String::new()
        })
    };
    if errors.is_empty() {
        services
            .store
            .set_channel_preferences(
                user.actor.user.id,
                &ChannelPreferences {
                    email,
                    webhook,
                    webhook_handle: handle,
                },
                &user.audit_source(),
                services.clock.now(),
            )
            .await?;
        return Ok(Redirect::to("/akun/notifikasi?ok=saved").into_response());
    }
    let partial = SettingsPartial {
        tr,
        notice: None,
        errors,
        email_on: email && address.is_some(),
        email_address: address,
        webhook_on: webhook,
        webhook_handle: handle_typed,
    };
    render_settings(shell, StatusCode::UNPROCESSABLE_ENTITY, partial)
}

// ---------------------------------------------------------------------------------------------
// The admin's delivery log

struct StatusChoice {
    value: &'static str,
    label: String,
    selected: bool,
}

struct LogRow {
    what: String,
    link: String,
    to: String,
    channel: String,
    status_code: &'static str,
    status: String,
    /// Attempts at sending; `None` for in-app, which is stored, not sent.
    attempts: Option<usize>,
    created: String,
    delivered: Option<String>,
    next_attempt: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_notifications_partial.html")]
struct LogPartial {
    tr: Tr,
    /// The admin tab bar; empty for an auditor, who reads this log but no other admin page.
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    statuses: Vec<StatusChoice>,
    status: &'static str,
    channels: Vec<StatusChoice>,
    channel: &'static str,
    rows: Vec<LogRow>,
    page: i64,
    has_prev: bool,
    has_next: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LogQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    saluran: Option<String>,
    #[serde(default)]
    halaman: Option<String>,
}

fn log_row(services: &Services, tr: Tr, row: DeliveryLogRow) -> LogRow {
    let pending = row.status == DeliveryStatus::Pending;
    LogRow {
        what: tr.t(&format!("notif-kind-{}", row.kind.code())),
        // Stored links are paths of this site; anything else is not shown as a link.
        link: if row.link_path.trim().is_empty() {
            String::new()
        } else {
            crate::lang::local_path(row.link_path.trim()).to_owned()
        },
        to: row.recipient_name,
        channel: tr.t(&format!("notif-channel-name-{}", row.channel.code())),
        status_code: row.status.code(),
        status: tr.t(&format!("notif-status-{}", row.status.code())),
        attempts: (row.channel != Channel::InApp)
            .then(|| usize::try_from(row.attempts).unwrap_or(usize::MAX)),
        created: when(services, tr, row.created_at),
        delivered: row.delivered_at.map(|at| when(services, tr, at)),
        next_attempt: pending.then(|| when(services, tr, row.next_attempt_at)),
        error: row.last_error.filter(|error| !error.trim().is_empty()),
    }
}

/// `GET /admin/notifikasi`: every delivery, newest first, filtered by status and channel. Admins see it
/// among the admin pages; auditors read it too (and nothing else of the admin pages);
/// anyone else gets 403.
pub(crate) async fn view_admin_notifikasi_get(
    State(state): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<LogQuery>,
) -> Result<Response, WebError> {
    let is_admin = match user.role() {
        Role::Admin => true,
        Role::Auditor => false,
        Role::Staff | Role::OpdOperator => return Err(WebError::Forbidden),
    };
    let status_code = query.status.as_deref().map(str::trim).unwrap_or_default();
    let status = if status_code.is_empty() {
        None
    } else {
        Some(
            DeliveryStatus::from_code(status_code)
                .ok_or_else(|| WebError::bad_request("notif-error-bad-status"))?,
        )
    };
    let channel_code = query.saluran.as_deref().map(str::trim).unwrap_or_default();
    let channel = if channel_code.is_empty() {
        None
    } else {
        Some(
            Channel::from_code(channel_code)
                .ok_or_else(|| WebError::bad_request("notif-error-bad-channel"))?,
        )
    };
    let page = page_number(query.halaman.as_deref());
    let services = state.services();
    let mut rows = services
        .store
        .delivery_log(&DeliveryFilter {
            status,
            channel,
            limit: LOG_PAGE_SIZE + 1,
            offset: (page - 1) * LOG_PAGE_SIZE,
            ..DeliveryFilter::default()
        })
        .await?;
    let has_next = rows.len() > usize::try_from(LOG_PAGE_SIZE).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(LOG_PAGE_SIZE).unwrap_or(usize::MAX));
    let tr = shell.tr;
    let selected = status.map(DeliveryStatus::code).unwrap_or_default();
    let mut statuses = vec![StatusChoice {
        value: "",
        label: tr.t("notif-admin-filter-all"),
        selected: selected.is_empty(),
    }];
    statuses.extend(DeliveryStatus::ALL.into_iter().map(|status| StatusChoice {
        value: status.code(),
        label: tr.t(&format!("notif-status-{}", status.code())),
        selected: status.code() == selected,
    }));
    let selected_channel = channel.map(Channel::code).unwrap_or_default();
    let mut channels = vec![StatusChoice {
        value: "",
        label: tr.t("notif-admin-filter-all"),
        selected: selected_channel.is_empty(),
    }];
    channels.extend(Channel::ALL.into_iter().map(|channel| StatusChoice {
        value: channel.code(),
        label: tr.t(&format!("notif-channel-name-{}", channel.code())),
        selected: channel.code() == selected_channel,
    }));
    let partial = LogPartial {
        tr,
        tabs: if is_admin {
            tabs(tr, "/admin/notifikasi")
        } else {
            Vec::new()
        },
        notice: None,
        statuses,
        status: selected,
        channels,
        channel: selected_channel,
        rows: rows
            .into_iter()
            .map(|row| log_row(services, tr, row))
            .collect(),
        page,
        has_prev: page > 1,
        has_next,
    };
    page_or_partial(shell, partial, |tr, _| tr.t("notif-admin-title"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_handles() {
        let good = [
            ("+62 812-3456-7890", "+6281234567890"),
            ("081234567890", "081234567890"),
            ("-1001234567", "-1001234567"),
            ("@dinkominfo_demak", "@dinkominfo_demak"),
        ];
        for (typed, stored) in good {
            assert_eq!(normalize_handle(typed).as_deref(), Some(stored), "{typed}");
        }
        for bad in [
            "",
            "0812",
            "+62 812 3456 7890 1234",
            "@abc",
            "@1abcdef",
            "halo dunia",
            "https://evil.example",
            "-12",
            "08123456789a",
        ] {
            assert_eq!(normalize_handle(bad), None, "{bad}");
        }
    }

    #[test]
    fn page_numbers_from_the_address() {
        assert_eq!(page_number(None), 1);
        assert_eq!(page_number(Some("3")), 3);
        for bad in ["0", "-2", "x", "", "99999999999"] {
            assert_eq!(page_number(Some(bad)), 1, "{bad}");
        }
    }
}
