//! `/admin/keamanan`: which roles must sign in with a second step (TOTP), and single sign-on's
//! policy. TOTP: administrators by default; the administrator chooses per role. A user of a
//! chosen role without TOTP enrols right after their password at their next sign-in and can do
//! nothing else before. SSO (`/admin/keamanan/sso`): the provider is the server's
//! configuration, shown here read-only with the redirect URI to register; the administrator
//! chooses the claim that matches accounts and whether office staff keep their passwords.
//! Never writes but through the store's audited functions (`auth.totp_requirement_changed`,
//! `auth.sso_policy_changed`).

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pelihara_domain::Role;
use pelihara_store::sso::{SsoClaim, SsoPolicy};
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
#[template(path = "admin_security_partial.html")]
struct SecurityPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    roles: Vec<Choice>,
    sso: SsoBox,
}

/// The single sign-on part of the page.
struct SsoBox {
    /// The configured provider's issuer, client id and our redirect URI; none: not configured.
    provider: Option<(String, String, String)>,
    claims: Vec<Choice>,
    staff_password: bool,
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
    let policy = state.services().store.sso_policy().await?;
    let claims = SsoClaim::ALL
        .into_iter()
        .map(|claim| Choice {
            value: claim.code().to_owned(),
            label: tr.t(&format!("sso-admin-claim-{}", claim.code())),
            selected: claim == policy.claim,
        })
        .collect();
    let sso = SsoBox {
        provider: state.sso().map(|sso| {
            (
                sso.issuer().to_owned(),
                sso.client_id().to_owned(),
                sso.redirect_uri().to_owned(),
            )
        }),
        claims,
        staff_password: policy.staff_password,
    };
    let partial = SecurityPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice(tr, query.ok.as_deref()),
        roles,
        sso,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("totp-admin-title"))?;
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

/// `POST /admin/keamanan/sso`: the claim chosen (one of the offered; anything else is a bad
/// request, as only a hand-made form sends it) and whether staff keep their passwords. Saved,
/// and audited, only when it changes something.
pub(crate) async fn view_admin_keamanan_sso_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    let data = FormData(data);
    let Some(claim) = data
        .all("claim")
        .first()
        .and_then(|code| SsoClaim::from_code(code))
    else {
        return Err(WebError::bad_request("sso-admin-error-claim"));
    };
    let policy = SsoPolicy {
        claim,
        staff_password: data.all("staff_password").iter().any(|value| value == "on"),
    };
    let store = &services.store;
    let stored = store
        .setting(pelihara_store::sso::SSO_CLAIM_SETTING)
        .await?
        .is_some();
    if !stored || store.sso_policy().await? != policy {
        store
            .set_sso_policy(policy, &admin.0.audit_source(), services.clock.now())
            .await?;
    }
    Ok(done(PATH, "sso-saved"))
}
