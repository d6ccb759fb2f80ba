//! The admin pages (role Admin only, through the `AdminUser` extractor): users, delegations
//! to acting officials, OPDs, the holiday table, the letterhead (kop) of documents, the
//! SOPs the office runs, which roles must sign in with TOTP (`security`), the service
//! accounts other systems act as (`service_accounts`) and the audit trail (`audit`, read by the
//! auditor too). Each
//! page lists and has a form; a form with bad input is shown again with what was typed and a
//! message next to each wrong field, and changes nothing. They must never write anything but through the store's audited functions.

pub(crate) mod audit;
pub(crate) mod delegations;
pub(crate) mod holidays;
pub(crate) mod letterhead;
pub(crate) mod opds;
pub(crate) mod people;
pub(crate) mod register_settings;
pub(crate) mod security;
pub(crate) mod service_accounts;
pub(crate) mod sops;
pub(crate) mod users;

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;

/// A tab of the admin pages' own tab bar.
pub(crate) struct AdminTab {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

/// The admin tabs, `current` marked.
pub(crate) fn tabs(tr: Tr, current: &str) -> Vec<AdminTab> {
    [
        ("/admin/pengguna", "admin-tab-users"),
        ("/admin/delegasi", "admin-tab-delegations"),
        ("/admin/opd", "admin-tab-opds"),
        ("/admin/impor", "admin-tab-import"),
        ("/admin/libur", "admin-tab-holidays"),
        ("/admin/pemeliharaan", "admin-tab-register"),
        ("/admin/notifikasi", "notif-admin-tab"),
        ("/admin/jejak-audit", "audit-tab"),
        ("/admin/kop", "admin-tab-letterhead"),
        ("/admin/sop", "admin-tab-sops"),
        ("/admin/keamanan", "admin-tab-security"),
        ("/admin/akun-layanan", "admin-tab-service-accounts"),
    ]
    .into_iter()
    .map(|(href, key)| AdminTab {
        href,
        label: tr.t(key),
        active: href == current,
    })
    .collect()
}

/// A submitted form as name/value pairs, so that a field may repeat (checkboxes).
#[derive(Debug, Default)]
pub(crate) struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `name`, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    }

    /// The first value of `name` as sent (passwords keep their spaces).
    pub fn raw(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    /// Every non-empty value of `name`, trimmed, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .filter(|value| !value.is_empty())
            .collect()
    }
}

/// After a change: back to the list (a GET, so reloading does not send the form again), with
/// the code of the message that says what was done.
pub(crate) fn done(path: &str, notice: &str) -> Response {
    Redirect::to(&format!("{path}?ok={notice}")).into_response()
}

/// The message for a `?ok=` code; unknown codes show nothing (the text is never taken from
/// the address).
pub(crate) fn notice(tr: Tr, code: Option<&str>) -> Option<String> {
    let key = match code? {
        "user-created" => "admin-notice-user-created",
        "user-enabled" => "admin-notice-user-enabled",
        "assessor-granted" => "admin-notice-assessor-granted",
        "assessor-revoked" => "admin-notice-assessor-revoked",
        "user-disabled" => "admin-notice-user-disabled",
        "delegation-created" => "admin-notice-delegation-created",
        "delegation-revoked" => "admin-notice-delegation-revoked",
        "opd-created" => "admin-notice-opd-created",
        "opd-enabled" => "admin-notice-opd-enabled",
        "opd-disabled" => "admin-notice-opd-disabled",
        "user-saved" => "admin-notice-user-saved",
        "user-saved-signed-out" => "admin-notice-user-saved-signed-out",
        "password-reset" => "admin-notice-password-reset",
        "totp-reset" => "admin-notice-totp-reset",
        "invitation-mailed" => "admin-notice-invitation-mailed",
        "totp-none" => "admin-notice-totp-none",
        "sso-unbound" => "admin-notice-sso-unbound",
        "sso-none" => "admin-notice-sso-none",
        "holiday-added" => "admin-notice-holiday-added",
        "holiday-removed" => "admin-notice-holiday-removed",
        "sop-loaded" => "admin-notice-sop-loaded",
        "sop-published" => "admin-notice-sop-published",
        "sop-retired" => "admin-notice-sop-retired",
        "register-policy-saved" => "register-policy-saved",
        "register-networks-saved" => "register-networks-saved",
        "kop-saved" => "admin-notice-letterhead-saved",
        "security-saved" => "totp-admin-saved",
        "sso-saved" => "sso-admin-saved",
        "service-account-created" => "admin-notice-service-account-created",
        "service-token-revoked" => "admin-notice-service-token-revoked",
        _ => return None,
    };
    Some(tr.t(key))
}

/// How many characters `text` has (not bytes: names carry Indonesian and Javanese letters).
pub(crate) fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

/// A step before an action that cannot simply be taken back (disabling an account, revoking
/// a delegation, deactivating an OPD): what will happen, said plainly, then a form that
/// POSTs the action. It works without JavaScript.
#[derive(Template)]
#[template(path = "admin_confirm_partial.html")]
pub(crate) struct ConfirmPartial {
    pub tr: Tr,
    pub tabs: Vec<AdminTab>,
    /// Always `None` here; the shared tab bar shows it on list pages.
    pub notice: Option<String>,
    pub title: String,
    /// What the action will do, one sentence a line.
    pub consequences: Vec<String>,
    pub action: String,
    /// Hidden fields the action's form sends (besides `confirm=1`).
    pub fields: Vec<(&'static str, &'static str)>,
    pub confirm_label: String,
    pub cancel_href: &'static str,
}

/// Renders a confirmation step (see [`ConfirmPartial`]).
pub(crate) fn confirm_page(shell: Shell, partial: ConfirmPartial) -> Result<Response, WebError> {
    page_or_partial(shell, partial, |_, partial| partial.title.clone())
}

/// Whether a form carries the confirmation field its confirmation step adds: a POST without
/// it (a stale form, a forged link) is sent to the confirmation step instead of acting.
pub(crate) fn confirmed(data: &FormData) -> bool {
    data.text("confirm") == "1"
}
