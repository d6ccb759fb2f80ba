//! `/admin/pengguna`: the users, a form to create one (role, positions of the loaded SOPs,
//! OPD for operators, initial password) and enabling or disabling an account. It must never
//! show or log a password or its hash, and never let an admin disable their own account.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pelihara_domain::{OpdId, Role, UserId};
use pelihara_store::people::NewUser;
use serde::Deserialize;

use super::{AdminTab, FormData, done, notice, tabs, too_long};
use crate::auth::{AdminUser, hash_password};
use crate::error::{UserMessage, WebError};
use crate::forms::FormErrors;
use crate::pages::page_or_partial;
use crate::people::{position_label, role_label, sop_positions};
use crate::shell::{Shell, Tr};
use crate::state::AppState;

const PATH: &str = "/admin/pengguna";
/// A new user's first password is at least this long (they may be told it on the phone).
pub const PASSWORD_MIN: usize = 10;
const PASSWORD_MAX: usize = 256;
const ROLES: [Role; 4] = [Role::Staff, Role::OpdOperator, Role::Auditor, Role::Admin];

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    shell: Shell,
    tr: Tr,
    partial: UsersPartial,
}

#[derive(Template)]
#[template(path = "admin_users_partial.html")]
struct UsersPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    rows: Vec<UserRow>,
    form: UserForm,
    roles: Vec<Choice>,
    positions: Vec<Choice>,
    opds: Vec<Choice>,
    errors: FormErrors,
}

struct UserRow {
    id: String,
    full_name: String,
    username: String,
    role: String,
    /// Positions for staff, the OPD for operators.
    detail: String,
    nip: String,
    active: bool,
    is_self: bool,
}

/// An option of a select or a checkbox group.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// What was typed, shown again when the form comes back with errors (never the password).
#[derive(Default)]
struct UserForm {
    username: String,
    full_name: String,
    nip: String,
    email: String,
    role: String,
    positions: Vec<String>,
    opd: String,
}

impl UserForm {
    fn read(data: &FormData) -> UserForm {
        UserForm {
            username: data.text("username").to_lowercase(),
            full_name: data.text("full_name"),
            nip: data.text("nip").replace(' ', ""),
            email: data.text("email"),
            role: data.text("role"),
            positions: data.all("positions"),
            opd: data.text("opd"),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    ok: Option<String>,
}

async fn render(
    shell: Shell,
    state: &AppState,
    admin: &AdminUser,
    status: StatusCode,
    form: UserForm,
    errors: FormErrors,
    notice_text: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let users = services
        .store
        .list_users()
        .await
        .map_err(WebError::internal)?;
    let opds = services
        .store
        .list_opds()
        .await
        .map_err(WebError::internal)?;
    let rows = users
        .into_iter()
        .map(|stored| {
            let user = stored.user;
            let detail = match user.role {
                Role::Staff => user
                    .positions
                    .iter()
                    .map(|position| position_label(tr, &services.catalog, position))
                    .collect::<Vec<_>>()
                    .join(", "),
                Role::OpdOperator => user
                    .opd_id
                    .and_then(|id| opds.iter().find(|opd| opd.id == id))
                    .map(|opd| opd.name.clone())
                    .unwrap_or_default(),
                Role::Admin | Role::Auditor => String::new(),
            };
            UserRow {
                id: user.id.to_string(),
                is_self: user.id == admin.0.actor.user.id,
                full_name: user.full_name,
                username: user.username,
                role: role_label(tr, user.role),
                detail,
                nip: user.nip.unwrap_or_default(),
                active: user.active,
            }
        })
        .collect();
    let roles = ROLES
        .iter()
        .map(|role| Choice {
            value: role.code().to_owned(),
            label: role_label(tr, *role),
            selected: form.role == role.code(),
        })
        .collect();
    let positions = sop_positions(&services.catalog)
        .into_iter()
        .map(|position| Choice {
            label: position_label(tr, &services.catalog, &position),
            selected: form.positions.contains(&position),
            value: position,
        })
        .collect();
    let opds = opds
        .iter()
        .filter(|opd| opd.active)
        .map(|opd| Choice {
            value: opd.id.to_string(),
            label: format!("{} ({})", opd.name, opd.code),
            selected: form.opd == opd.id.to_string(),
        })
        .collect();
    let partial = UsersPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice_text,
        rows,
        form,
        roles,
        positions,
        opds,
        errors,
    };
    let response = page_or_partial(shell, partial, |shell, partial| UsersPage {
        tr: shell.tr,
        shell,
        partial,
    })?;
    Ok((status, response).into_response())
}

/// `GET /admin/pengguna`: the users and an empty form.
pub(crate) async fn view_admin_users_get(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let notice_text = notice(shell.tr, query.ok.as_deref());
    let form = UserForm {
        role: Role::Staff.code().to_owned(),
        ..UserForm::default()
    };
    render(
        shell,
        &state,
        &admin,
        StatusCode::OK,
        form,
        FormErrors::new(),
        notice_text,
    )
    .await
}

fn valid_username(username: &str) -> bool {
    let length = username.chars().count();
    (3..=40).contains(&length)
        && username
            .chars()
            .next()
            .is_some_and(|first| first.is_ascii_lowercase() || first.is_ascii_digit())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

/// A NIP (civil servant number) has 18 digits.
fn valid_nip(nip: &str) -> bool {
    nip.len() == 18 && nip.chars().all(|c| c.is_ascii_digit())
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Checks the form against the rules; the user to create when it passes.
fn check(
    tr: Tr,
    form: &UserForm,
    password: &str,
    known_positions: &[String],
    opds: &[pelihara_store::people::Opd],
    errors: &mut FormErrors,
) -> Option<(Role, Option<OpdId>)> {
    let required = || tr.t("admin-error-required");
    let too_long_message = |max: usize| tr.t1("admin-error-too-long", "max", max);
    if form.username.is_empty() {
        errors.field("username", required());
    } else if !valid_username(&form.username) {
        errors.field("username", tr.t("admin-error-username-format"));
    }
    if form.full_name.is_empty() {
        errors.field("full_name", required());
    } else if too_long(&form.full_name, 120) {
        errors.field("full_name", too_long_message(120));
    }
    if !form.nip.is_empty() && !valid_nip(&form.nip) {
        errors.field("nip", tr.t("admin-error-nip-format"));
    }
    if !form.email.is_empty() && (too_long(&form.email, 254) || !valid_email(&form.email)) {
        errors.field("email", tr.t("admin-error-email-format"));
    }
    let role = Role::from_code(&form.role);
    if role.is_none() {
        errors.field("role", tr.t("admin-error-choose"));
    }
    if form
        .positions
        .iter()
        .any(|position| !known_positions.contains(position))
    {
        errors.field("positions", tr.t("admin-error-choose"));
    }
    match role {
        Some(Role::Staff) if form.positions.is_empty() => {
            errors.field("positions", tr.t("admin-error-positions-required"));
        }
        Some(role) if role != Role::Staff && !form.positions.is_empty() => {
            errors.field("positions", tr.t("admin-error-positions-staff-only"));
        }
        _ => {}
    }
    let opd = if form.opd.is_empty() {
        None
    } else {
        let found =
            OpdId::parse(&form.opd).filter(|id| opds.iter().any(|opd| opd.id == *id && opd.active));
        if found.is_none() {
            errors.field("opd", tr.t("admin-error-choose"));
        }
        found
    };
    match role {
        Some(Role::OpdOperator) if form.opd.is_empty() => {
            errors.field("opd", tr.t("admin-error-opd-required"));
        }
        Some(role) if role != Role::OpdOperator && !form.opd.is_empty() => {
            errors.field("opd", tr.t("admin-error-opd-operator-only"));
        }
        _ => {}
    }
    if password.chars().count() < PASSWORD_MIN {
        errors.field(
            "password",
            tr.t1("admin-error-password-short", "min", PASSWORD_MIN),
        );
    } else if too_long(password, PASSWORD_MAX) {
        errors.field("password", too_long_message(PASSWORD_MAX));
    }
    if errors.is_empty() {
        role.map(|role| (role, opd))
    } else {
        None
    }
}

/// `POST /admin/pengguna`: creates a user, or shows the form again with what is wrong.
pub(crate) async fn view_admin_users_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let data = FormData(data);
    let tr = shell.tr;
    let services = state.services();
    let form = UserForm::read(&data);
    let password = data.raw("password");
    let opds = services
        .store
        .list_opds()
        .await
        .map_err(WebError::internal)?;
    let mut errors = FormErrors::new();
    let known_positions = sop_positions(&services.catalog);
    let Some((role, opd_id)) = check(tr, &form, &password, &known_positions, &opds, &mut errors)
    else {
        return render(
            shell,
            &state,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
            None,
        )
        .await;
    };
    let new = NewUser {
        username: form.username.clone(),
        full_name: form.full_name.clone(),
        nip: (!form.nip.is_empty()).then(|| form.nip.clone()),
        email: (!form.email.is_empty()).then(|| form.email.clone()),
        role,
        positions: form.positions.clone(),
        opd_id,
        password_hash: hash_password(password).await?,
    };
    match services
        .store
        .create_user(new, &admin.0.audit_source(), services.clock.now())
        .await
    {
        Ok(_) => Ok(done(PATH, "user-created")),
        Err(error) if error.is_unique_violation() => {
            errors.field("username", tr.t("admin-error-username-taken"));
            render(
                shell,
                &state,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                form,
                errors,
                None,
            )
            .await
        }
        Err(error) => Err(WebError::internal(error)),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ActiveForm {
    /// `1` to enable, `0` to disable.
    active: String,
}

/// `POST /admin/pengguna/{id}/aktif`: enables or disables an account (disabling ends its
/// sessions at once).
pub(crate) async fn view_admin_user_active_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, WebError> {
    let services = state.services();
    let id = UserId::parse(&id).ok_or(WebError::NotFound)?;
    let active = match form.active.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(WebError::bad_request("web-error-bad-request")),
    };
    if !active && id == admin.0.actor.user.id {
        return Err(WebError::BadRequest(UserMessage::new(
            "admin-error-disable-self",
        )));
    }
    if services
        .store
        .user(id)
        .await
        .map_err(WebError::internal)?
        .is_none()
    {
        return Err(WebError::NotFound);
    }
    services
        .store
        .set_user_active(id, active, &admin.0.audit_source(), services.clock.now())
        .await
        .map_err(WebError::internal)?;
    Ok(done(
        PATH,
        if active {
            "user-enabled"
        } else {
            "user-disabled"
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_emails() {
        for good in ["budi", "op.dinkes", "pelaksana_2", "a-b", "123"] {
            assert!(valid_username(good), "{good}");
        }
        for bad in [
            "",
            "ab",
            ".budi",
            "Budi",
            "budi santoso",
            "budi@x",
            &"a".repeat(41),
        ] {
            assert!(!valid_username(bad), "{bad}");
        }
        for good in ["budi@demakkab.go.id", "a.b+c@x.id"] {
            assert!(valid_email(good), "{good}");
        }
        for bad in [
            "budi",
            "@x.id",
            "budi@x",
            "budi@.x",
            "budi@x.",
            "b udi@x.id",
            "a@b@c.id",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
