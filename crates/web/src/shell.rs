//! The page shell every template renders into: the language and its translate helper (`Tr`),
//! the office name, asset URLs, navigation and the user-menu slot. Handlers get it as an
//! extractor (`shell: Shell`). It must never hold anything a page did not ask for; its one
//! lookup is the signed-in user (shared with `CurrentUser`, once per request), for the user
//! menu and the links that user's role sees.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use pelihara_domain::Role;
use pelihara_i18n::Lang;

use crate::assets::AssetTable;
use crate::bell::Bell;
use crate::htmx::{HX_BOOSTED, HX_REQUEST, header_is_true};
use crate::lang::{Tr, request_lang};
use crate::people::UserMenu;
use crate::state::AppState;

/// The request id header, set by the request-id layer when the client sent none.
pub const REQUEST_ID: &str = "x-request-id";

/// A link in the navigation bar.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: String,
    pub label: String,
    pub active: bool,
}

/// Everything `base.html` needs, extracted from the request and the app state.
#[derive(Debug, Clone)]
pub struct Shell {
    pub lang: Lang,
    pub tr: Tr,
    pub office_name: String,
    /// The path and query of this request, for the language switch to come back to.
    pub current_path: String,
    /// The request id, shown on error pages so a user can quote it to the help desk.
    pub request_id: String,
    /// Whether htmx made this request (and wants a partial rather than a whole page).
    pub htmx: bool,
    pub nav: Vec<NavLink>,
    pub user: Option<UserMenu>,
    /// The signed-in user's unread notifications, for the bell; `None` when not looked up.
    unread: Option<i64>,
    assets: Arc<AssetTable>,
}

impl Shell {
    /// Reads the shell from request parts; used by the extractor and by the error renderer,
    /// which has no handler to extract for it.
    pub fn from_parts(parts: &Parts, state: &AppState) -> Shell {
        let lang = request_lang(parts);
        let tr = Tr::new(lang);
        let path = parts.uri.path();
        let current_path = path_without_lang(path, parts.uri.query());
        let request_id = parts
            .headers
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-")
            .to_owned();
        Shell {
            lang,
            tr,
            office_name: state.office_name(),
            current_path,
            request_id,
            htmx: header_is_true(parts, HX_REQUEST) && !header_is_true(parts, HX_BOOSTED),
            nav: nav_links(tr, path, None),
            user: None,
            unread: None,
            assets: Arc::clone(state.assets()),
        }
    }

    /// Shows `user` in the top bar, with the links their role sees.
    pub fn show_user(&mut self, user: &crate::auth::CurrentUser, state: &AppState) {
        let services = state.services();
        self.user = Some(crate::people::user_menu(
            self.tr,
            &services.catalog.snapshot(),
            user,
            services.clock.now(),
        ));
        let path = self.current_path.split('?').next().unwrap_or_default();
        self.nav = nav_links(self.tr, path, Some(user.role()));
    }

    /// The notification bell, for a signed-in user only.
    pub fn bell(&self) -> Option<Bell> {
        self.user.as_ref().map(|_| Bell::new(self.tr, self.unread))
    }

    /// The hashed URL of an embedded asset: `{{ shell.asset_url("pelihara.css") }}`.
    pub fn asset_url(&self, name: &str) -> String {
        self.assets.url(name)
    }

    /// Whether this page is shown in the language `code` (`id` or `en`).
    pub fn is_lang(&self, code: &str) -> bool {
        self.lang.code() == code
    }

    /// The URL that switches to `code` (`id` or `en`) and comes back to this page.
    pub fn lang_switch_url(&self, code: &str) -> String {
        let mut next = String::new();
        for byte in self.current_path.bytes() {
            // Percent-encode everything but unreserved characters and `/`, so the query string
            // of the current page survives as one `next` value.
            if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
                next.push(char::from(byte));
            } else {
                next.push_str(&format!("%{byte:02X}"));
            }
        }
        format!("/bahasa?lang={code}&next={next}")
    }
}

/// The path and query of a request without its `lang` parameter, so that switching language
/// from a page opened as `?lang=en` does not land on English again.
fn path_without_lang(path: &str, query: Option<&str>) -> String {
    let kept: Vec<&str> = query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("lang"))
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// The navigation bar for a guest (`role` is `None`) or a signed-in user's role. Pages add
/// their links here by role.
fn nav_links(tr: Tr, path: &str, role: Option<Role>) -> Vec<NavLink> {
    let link = |href: &str, key: &str| NavLink {
        href: href.to_owned(),
        label: tr.t(key),
        active: path == href,
    };
    let mut links = vec![link("/", "web-nav-home")];
    // Guests track a request by its number; signed-in people have their request pages.
    if role.is_none() {
        links.push(NavLink {
            active: path.starts_with("/lacak"),
            ..link("/lacak", "track-nav")
        });
    }
    // The request pages: everyone signed in has tasks and requests; the dashboard is for
    // Dinkominfo and the auditors, not for OPD operators.
    if role.is_some() {
        links.push(link("/tugas", "web-title-inbox"));
        links.push(NavLink {
            active: path.starts_with("/permohonan"),
            ..link("/permohonan", "web-title-cases")
        });
    }
    // The dashboard and the reports: everyone signed in sees figures, an OPD's operator only
    // their OPD's (`pelihara_domain::report::report_scope`).
    if role.is_some() {
        links.push(link("/dasbor", "web-title-dashboard"));
        links.push(NavLink {
            active: path.starts_with("/laporan") && !is_skm_report(path),
            ..link("/laporan/mutu-baku", "report-nav")
        });
    }
    // The satisfaction survey: its report for the office, its invitations for an OPD.
    if matches!(role, Some(Role::Staff | Role::Auditor | Role::Admin)) {
        links.push(NavLink {
            active: is_skm_report(path),
            ..link("/laporan/skm", "skm-nav")
        });
    }
    if role == Some(Role::OpdOperator) {
        links.push(link("/survei", "skm-invitations-nav"));
    }
    if role.is_some() {
        links.push(NavLink {
            active: path.starts_with("/aplikasi"),
            ..link("/aplikasi", "register-nav")
        });
    }
    if role == Some(Role::Auditor) {
        // Auditors read the notification delivery log and the audit trail, the admin pages
        // open to them.
        links.push(link("/admin/notifikasi", "notif-admin-nav"));
        links.push(link("/admin/jejak-audit", "audit-nav"));
    }
    if role == Some(Role::Admin) {
        // One entry for the admin pages; they share a tab bar of their own.
        links.push(NavLink {
            active: path.starts_with("/admin/"),
            ..link("/admin/pengguna", "admin-nav")
        });
    }
    links
}

impl FromRequestParts<AppState> for Shell {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Shell, Infallible> {
        let mut shell = Shell::from_parts(parts, state);
        // A fault while looking the user up shows the page as to a guest; a page that needs
        // the user takes `CurrentUser`, which reports the fault.
        if let Ok(Some(user)) = crate::auth::signed_in(parts, state).await {
            shell.show_user(&user, state);
            // One count query for the bell; a fault leaves it to the bell's own request. A
            // form post mostly answers with a redirect and no page: it leaves the count to
            // the bell too (an error page it renders shows a bell that asks at once).
            if parts.method != axum::http::Method::GET && parts.method != axum::http::Method::HEAD {
                return Ok(shell);
            }
            shell.unread = state
                .services()
                .store
                .unread_count(user.actor.user.id)
                .await
                .ok();
        }
        Ok(shell)
    }
}

/// The SKM report has a tab of its own beside the other reports.
fn is_skm_report(path: &str) -> bool {
    path == "/laporan/skm" || path.starts_with("/laporan/skm/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_tab_is_marked_on_each_report() {
        let tr = Tr::new(Lang::Id);
        for (path, active) in [
            ("/laporan/skm", "/laporan/skm"),
            ("/laporan/mutu-baku", "/laporan/mutu-baku"),
            ("/laporan/monitoring-sop", "/laporan/mutu-baku"),
            ("/laporan/pemeliharaan", "/laporan/mutu-baku"),
            ("/dasbor", "/dasbor"),
        ] {
            let marked: Vec<String> = nav_links(tr, path, Some(Role::Staff))
                .into_iter()
                .filter(|link| link.active)
                .map(|link| link.href)
                .collect();
            assert_eq!(marked, [active], "{path}");
        }
    }

    #[test]
    fn drops_only_the_lang_parameter() {
        let cases = [
            ("/", None, "/"),
            ("/", Some("lang=en"), "/"),
            (
                "/tugas",
                Some("page=2&lang=en&sort=due"),
                "/tugas?page=2&sort=due",
            ),
            ("/tugas", Some("language=x"), "/tugas?language=x"),
        ];
        for (path, query, expected) in cases {
            assert_eq!(path_without_lang(path, query), expected);
        }
    }
}
