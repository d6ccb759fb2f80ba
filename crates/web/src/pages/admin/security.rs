//! `/admin/keamanan`: which roles must sign in with a second step (TOTP). Administrators by
//! default; the administrator chooses per role. A user of a chosen role without TOTP enrols
//! right after their password at their next sign-in and can do nothing else before. Never
//! writes but through the store's audited function (`auth.totp_requirement_changed`).

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pelihara_domain::Role;
use serde::Deserialize;

use super::users::Choice;
use super::{AdminTab, FormData, done, notice, tabs};
use crate::auth::AdminUser;
use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::people::role_label;
use crate::shell::Shell;
use crate::state::AppState;

pub(crate) const PATH: &str = "/admin/keamanan";

/// Every role, in the order the form lists them.
const ROLES: [Role; 4] = [Role::Admin, Role::Staff, Role::OpdOperator, Role::Auditor];

#[derive(Template)]
#[template(path = "admin_security.html")]
struct SecurityPage {
    shell: Shell,
    tr: Tr,
    partial: SecurityPartial,
}

#[derive(Template)]
#[template(path = "admin_security_partial.html")]
struct SecurityPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    roles: Vec<Choice>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SecurityQuery {
    #[serde(default)]
    ok: Option<String>,
}

/// `GET /admin/keamanan`.
pub(crate) async fn view_admin_keamanan_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<SecurityQuery>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let required = state.services().store.totp_required_roles().await?;
    let roles = ROLES
        .into_iter()
        .map(|role| Choice {
            value: role.code().to_owned(),
            label: role_label(tr, role),
            selected: required.contains(&role),
        })
        .collect();
    let partial = SecurityPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice(tr, query.ok.as_deref()),
        roles,
    };
    let response = page_or_partial(shell, partial, |shell, partial| SecurityPage {
        tr: shell.tr,
        shell,
        partial,
    })?;
    Ok((StatusCode::OK, response).into_response())
}

/// `POST /admin/keamanan`: the roles ticked must use TOTP (unknown values are ignored: the
/// form offers only roles). Saved, and audited, only when it changes something.
pub(crate) async fn view_admin_keamanan_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    let ticked = FormData(data).all("totp_roles");
    let roles: Vec<Role> = ROLES
        .into_iter()
        .filter(|role| ticked.iter().any(|code| code == role.code()))
        .collect();
    let before = services.store.totp_required_roles().await?;
    let unchanged = before.len() == roles.len() && roles.iter().all(|role| before.contains(role));
    let stored_default = services
        .store
        .setting(pelihara_store::TOTP_REQUIRED_ROLES_SETTING)
        .await?
        .is_none();
    if !unchanged || stored_default {
        services
            .store
            .set_totp_required_roles(&roles, &admin.0.audit_source(), services.clock.now())
            .await?;
    }
    Ok(done(PATH, "security-saved"))
}
