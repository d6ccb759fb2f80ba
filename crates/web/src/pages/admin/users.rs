//! `/admin/pengguna`: the users, a form to create one (role, positions of the loaded SOPs,
//! OPD for operators, initial password) and enabling or disabling an account. It must never
//! show or log a password or its hash, and never let an admin disable their own account.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_domain::{OpdId, Role, UserId};
use pelihara_store::people::{NewUser, Opd, UserEdit};
use serde::Deserialize;

use super::{
    AdminTab, ConfirmPartial, FormData, confirm_page, confirmed, done, notice, tabs, too_long,
};
use crate::auth::{AdminUser, check_password, hash_password};
use crate::auth::{new_token, token_hash};
use crate::error::{UserMessage, WebError};
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::people::{position_label, role_label, sop_positions};
use crate::shell::Shell;
use crate::state::AppState;

/// How long an invitation works: a week, time for the link to reach its owner by hand.
pub const INVITATION_VALID: chrono::Duration = chrono::Duration::days(7);

const PATH: &str = "/admin/pengguna";
const ROLES: [Role; 4] = [Role::Staff, Role::OpdOperator, Role::Auditor, Role::Admin];

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
    /// The NIP is typed when creating a user only (shared fields template).
    nip_editable: bool,
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
    /// An operator whose OPD was deactivated: enabled, but may not sign in.
    opd_inactive: bool,
    is_self: bool,
    /// Holds the SOP monitoring assessor grant (`/laporan/monitoring-sop`).
    assessor: bool,
    /// The grant may be given to this person (staff or an auditor).
    may_assess: bool,
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
    let users = services.store.list_users().await?;
    let opds = services.store.list_opds().await?;
    let assessors = services.store.assessors().await?;
    let rows = users
        .into_iter()
        .map(|stored| {
            let opd_inactive = !stored.opd_active;
            let user = stored.user;
            let detail = match user.role {
                Role::Staff => user
                    .positions
                    .iter()
                    .map(|position| position_label(tr, &services.catalog.snapshot(), position))
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
                assessor: assessors.contains(&user.id),
                may_assess: pelihara_domain::monitoring::may_be_assessor(user.role),
                full_name: user.full_name,
                username: user.username,
                role: role_label(tr, user.role),
                detail,
                nip: user.nip.unwrap_or_default(),
                active: user.active,
                opd_inactive,
            }
        })
        .collect();
    let (roles, positions, opds) = choices(tr, services, &form, &opds, None);
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
        nip_editable: true,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("admin-title-users"))?;
    Ok((status, response).into_response())
}

/// The role, position and OPD choices of a user form, what `form` chose selected. Only
/// active OPDs are offered, and `current_opd` (the OPD a user being edited belongs to, even
/// if it was deactivated since), so saving a name never moves an operator.
fn choices(
    tr: Tr,
    services: &crate::state::Services,
    form: &UserForm,
    opds: &[Opd],
    current_opd: Option<OpdId>,
) -> (Vec<Choice>, Vec<Choice>, Vec<Choice>) {
    let roles = ROLES
        .iter()
        .map(|role| Choice {
            value: role.code().to_owned(),
            label: role_label(tr, *role),
            selected: form.role == role.code(),
        })
        .collect();
    let positions = sop_positions(&services.catalog.snapshot())
        .into_iter()
        .map(|position| Choice {
            label: position_label(tr, &services.catalog.snapshot(), &position),
            selected: form.positions.contains(&position),
            value: position,
        })
        .collect();
    let opds = opds
        .iter()
        .filter(|opd| opd.active || Some(opd.id) == current_opd)
        .map(|opd| Choice {
            value: opd.id.to_string(),
            label: format!("{} ({})", opd.name, opd.code),
            selected: form.opd == opd.id.to_string(),
        })
        .collect();
    (roles, positions, opds)
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

pub(crate) fn valid_username(username: &str) -> bool {
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
pub(crate) fn valid_nip(nip: &str) -> bool {
    nip.len() == 18 && nip.chars().all(|c| c.is_ascii_digit())
}

pub(crate) fn valid_email(email: &str) -> bool {
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

/// Checks what creating and editing share: name, email, role, positions and OPD. An OPD is
/// accepted when it is active or is `current_opd` (the edited user's own). Returns the role
/// and OPD when these fields pass.
fn check_profile(
    tr: Tr,
    form: &UserForm,
    known_positions: &[String],
    opds: &[Opd],
    current_opd: Option<OpdId>,
    errors: &mut FormErrors,
) -> Option<(Role, Option<OpdId>)> {
    let required = || tr.t("admin-error-required");
    if form.full_name.is_empty() {
        errors.field("full_name", required());
    } else if too_long(&form.full_name, 120) {
        errors.field("full_name", tr.t1("admin-error-too-long", "max", 120));
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
        let found = OpdId::parse(&form.opd).filter(|id| {
            opds.iter()
                .any(|opd| opd.id == *id && (opd.active || Some(opd.id) == current_opd))
        });
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
    role.map(|role| (role, opd))
}

/// Checks the creation form against the rules; the user to create when it passes.
fn check(
    tr: Tr,
    form: &UserForm,
    password: &str,
    known_positions: &[String],
    opds: &[Opd],
    errors: &mut FormErrors,
) -> Option<(Role, Option<OpdId>)> {
    if form.username.is_empty() {
        errors.field("username", tr.t("admin-error-required"));
    } else if !valid_username(&form.username) {
        errors.field("username", tr.t("admin-error-username-format"));
    }
    let profile = check_profile(tr, form, known_positions, opds, None, errors);
    if !form.nip.is_empty() && !valid_nip(&form.nip) {
        errors.field("nip", tr.t("admin-error-nip-format"));
    }
    check_password(tr, password, "password", errors);
    if errors.is_empty() { profile } else { None }
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
    let opds = services.store.list_opds().await?;
    let mut errors = FormErrors::new();
    let known_positions = sop_positions(&services.catalog.snapshot());
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

/// `POST /admin/pengguna/{id}/aktif`: enables or disables an account (disabling ends its
/// sessions at once).
pub(crate) async fn view_admin_user_active_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    let data = FormData(data);
    let id = UserId::parse(&id).ok_or(WebError::NotFound)?;
    let active = match data.text("active").as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(WebError::bad_request("web-error-bad-request")),
    };
    if !active && id == admin.0.actor.user.id {
        return Err(WebError::BadRequest(UserMessage::new(
            "admin-error-disable-self",
        )));
    }
    if services.store.user(id).await?.is_none() {
        return Err(WebError::NotFound);
    }
    if !active && !confirmed(&data) {
        return Ok(Redirect::to(&format!("{PATH}/{id}/nonaktifkan")).into_response());
    }
    services
        .store
        .set_user_active(id, active, &admin.0.audit_source(), services.clock.now())
        .await?;
    Ok(done(
        PATH,
        if active {
            "user-enabled"
        } else {
            "user-disabled"
        },
    ))
}

/// `POST /admin/pengguna/{id}/penilai`: gives (`grant=1`) or takes back (`grant=0`) the SOP
/// monitoring assessor grant of a staff member or an auditor, audited. Other roles are
/// refused with a message; nothing changes.
pub(crate) async fn view_admin_user_assessor_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    let data = FormData(data);
    let id = UserId::parse(&id).ok_or(WebError::NotFound)?;
    let granted = match data.text("grant").as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(WebError::bad_request("web-error-bad-request")),
    };
    let stored = services.store.user(id).await?.ok_or(WebError::NotFound)?;
    if granted && !pelihara_domain::monitoring::may_be_assessor(stored.user.role) {
        return Err(WebError::BadRequest(UserMessage::new(
            "admin-error-assessor-role",
        )));
    }
    services
        .store
        .set_assessor(id, granted, &admin.0.audit_source(), services.clock.now())
        .await?;
    Ok(done(
        PATH,
        if granted {
            "assessor-granted"
        } else {
            "assessor-revoked"
        },
    ))
}

/// `GET /admin/pengguna/{id}/nonaktifkan`: what disabling this account does, and the button
/// that does it.
pub(crate) async fn view_admin_user_disable_get(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let id = UserId::parse(&id).ok_or(WebError::NotFound)?;
    let stored = state
        .services()
        .store
        .user(id)
        .await?
        .ok_or(WebError::NotFound)?;
    if id == admin.0.actor.user.id {
        return Err(WebError::BadRequest(UserMessage::new(
            "admin-error-disable-self",
        )));
    }
    let name = format!("{} ({})", stored.user.full_name, stored.user.username);
    confirm_page(
        shell,
        ConfirmPartial {
            tr,
            tabs: tabs(tr, PATH),
            notice: None,
            title: tr.t1("admin-confirm-disable-user-title", "name", &name),
            consequences: vec![
                tr.t("admin-confirm-disable-user-sign-in"),
                tr.t("admin-confirm-disable-user-sessions"),
                tr.t("admin-confirm-disable-user-records"),
            ],
            action: format!("{PATH}/{id}/aktif"),
            fields: vec![("active", "0")],
            confirm_label: tr.t("admin-disable"),
            cancel_href: PATH,
        },
    )
}

#[derive(Template)]
#[template(path = "admin_user_edit_partial.html")]
struct UserEditPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    id: String,
    username: String,
    nip: String,
    active: bool,
    opd_inactive: bool,
    is_self: bool,
    form: UserForm,
    roles: Vec<Choice>,
    positions: Vec<Choice>,
    opds: Vec<Choice>,
    errors: FormErrors,
    /// The password reset form's own errors (it is a separate form on the page).
    password_errors: FormErrors,
    nip_editable: bool,
    /// Whether the user has two-step verification on (the admin may turn it off for them).
    totp_on: bool,
    /// Whether the user was invited and has not set a password yet (the admin may invite them
    /// again).
    invited: bool,
    /// The single sign-on subject the account is bound to: (subject, issuer, since).
    sso_subject: Option<(String, String, String)>,
}

/// What the edit page shows: the stored user, the form as typed and the errors of each form.
struct EditView {
    stored: pelihara_store::people::StoredUser,
    form: UserForm,
    errors: FormErrors,
    password_errors: FormErrors,
}

async fn render_edit(
    shell: Shell,
    state: &AppState,
    admin: &AdminUser,
    status: StatusCode,
    view: EditView,
    notice_text: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let opds = services.store.list_opds().await?;
    let user = &view.stored.user;
    let (roles, positions, opds) = choices(tr, services, &view.form, &opds, user.opd_id);
    let totp_on = services.store.totp(user.id).await?.is_some();
    let time_zone = services.calendar.snapshot().time_zone;
    let sso_subject = services.store.sso_subject(user.id).await?.map(|bound| {
        let since = pelihara_i18n::format_datetime(tr.lang(), time_zone, bound.bound_at);
        (bound.subject, bound.issuer, since)
    });
    let partial = UserEditPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice_text,
        id: user.id.to_string(),
        username: user.username.clone(),
        nip: user.nip.clone().unwrap_or_default(),
        active: user.active,
        opd_inactive: !view.stored.opd_active,
        is_self: user.id == admin.0.actor.user.id,
        form: view.form,
        roles,
        positions,
        opds,
        errors: view.errors,
        password_errors: view.password_errors,
        nip_editable: false,
        totp_on,
        invited: view.stored.password_hash == pelihara_store::people_import::NO_PASSWORD_YET,
        sso_subject,
    };
    let response = page_or_partial(shell, partial, |tr, partial| {
        tr.t1("admin-user-edit-title", "name", &partial.form.full_name)
    })?;
    Ok((status, response).into_response())
}

async fn stored_user(
    state: &AppState,
    id: &str,
) -> Result<pelihara_store::people::StoredUser, WebError> {
    let id = UserId::parse(id).ok_or(WebError::NotFound)?;
    state
        .services()
        .store
        .user(id)
        .await?
        .ok_or(WebError::NotFound)
}

/// The edit form filled with what is stored.
fn form_of(stored: &pelihara_store::people::StoredUser) -> UserForm {
    let user = &stored.user;
    UserForm {
        username: user.username.clone(),
        full_name: user.full_name.clone(),
        nip: user.nip.clone().unwrap_or_default(),
        email: stored.email.clone().unwrap_or_default(),
        role: user.role.code().to_owned(),
        positions: user.positions.clone(),
        opd: user.opd_id.map(|opd| opd.to_string()).unwrap_or_default(),
    }
}

/// `GET /admin/pengguna/{id}`: the user's details to edit, and a password reset.
pub(crate) async fn view_admin_user_get(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let stored = stored_user(&state, &id).await?;
    let notice_text = notice(shell.tr, query.ok.as_deref());
    let view = EditView {
        form: form_of(&stored),
        stored,
        errors: FormErrors::new(),
        password_errors: FormErrors::new(),
    };
    render_edit(shell, &state, &admin, StatusCode::OK, view, notice_text).await
}

/// `POST /admin/pengguna/{id}`: saves the user's details (the same checks as creating one),
/// or shows the form again with what is wrong and changes nothing. A changed role, position
/// or OPD ends the user's sessions.
pub(crate) async fn view_admin_user_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let stored = stored_user(&state, &id).await?;
    let data = FormData(data);
    let mut form = UserForm::read(&data);
    // Not editable here: shown as stored whatever the request says.
    form.username = stored.user.username.clone();
    form.nip = stored.user.nip.clone().unwrap_or_default();
    let opds = services.store.list_opds().await?;
    let mut errors = FormErrors::new();
    let known_positions = sop_positions(&services.catalog.snapshot());
    let profile = check_profile(
        tr,
        &form,
        &known_positions,
        &opds,
        stored.user.opd_id,
        &mut errors,
    );
    let is_self = stored.user.id == admin.0.actor.user.id;
    if is_self && profile.is_some_and(|(role, _)| role != Role::Admin) {
        // An admin who demotes themselves could leave the office without one.
        errors.field("role", tr.t("admin-error-demote-self"));
    }
    let Some((role, opd_id)) = profile.filter(|_| errors.is_empty()) else {
        let view = EditView {
            stored,
            form,
            errors,
            password_errors: FormErrors::new(),
        };
        return render_edit(
            shell,
            &state,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            view,
            None,
        )
        .await;
    };
    let edit = UserEdit {
        full_name: form.full_name.clone(),
        email: (!form.email.is_empty()).then(|| form.email.clone()),
        role,
        positions: form.positions.clone(),
        opd_id,
    };
    let outcome = services
        .store
        .update_user(
            stored.user.id,
            &edit,
            &admin.0.audit_source(),
            services.clock.now(),
        )
        .await?
        .ok_or(WebError::NotFound)?;
    let code = if outcome.sessions_ended {
        "user-saved-signed-out"
    } else {
        "user-saved"
    };
    Ok(done(&format!("{PATH}/{}", stored.user.id), code))
}

/// `POST /admin/pengguna/{id}/sandi`: sets a new password for the user (the same rules as a
/// first password) and ends their sessions. An admin changes their own on the account page.
pub(crate) async fn view_admin_user_password_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let stored = stored_user(&state, &id).await?;
    if stored.user.id == admin.0.actor.user.id {
        return Err(WebError::bad_request("admin-error-reset-self"));
    }
    let data = FormData(data);
    let password = data.raw("new_password");
    let mut password_errors = FormErrors::new();
    check_password(tr, &password, "new_password", &mut password_errors);
    if !password_errors.is_empty() {
        let view = EditView {
            form: form_of(&stored),
            stored,
            errors: FormErrors::new(),
            password_errors,
        };
        return render_edit(
            shell,
            &state,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            view,
            None,
        )
        .await;
    }
    let hash = hash_password(password).await?;
    services
        .store
        .set_password(
            stored.user.id,
            &hash,
            false,
            &admin.0.audit_source(),
            services.clock.now(),
        )
        .await?;
    Ok(done(
        &format!("{PATH}/{}", stored.user.id),
        "password-reset",
    ))
}

/// `GET /admin/pengguna/{id}/dua-langkah`: what turning off this user's two-step verification
/// does, and the button that does it. Not for the admin's own (the account page asks for a
/// password or a code first).
pub(crate) async fn view_admin_user_dua_langkah_get(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let stored = stored_user(&state, &id).await?;
    if stored.user.id == admin.0.actor.user.id {
        return Err(WebError::bad_request("admin-error-totp-self"));
    }
    let name = format!("{} ({})", stored.user.full_name, stored.user.username);
    confirm_page(
        shell,
        ConfirmPartial {
            tr,
            tabs: tabs(tr, PATH),
            notice: None,
            title: tr.t1("admin-confirm-totp-reset-title", "name", &name),
            consequences: vec![
                tr.t("admin-confirm-totp-reset-codes"),
                tr.t("admin-confirm-totp-reset-next"),
                tr.t("admin-confirm-totp-reset-when"),
            ],
            action: format!("{PATH}/{}/dua-langkah", stored.user.id),
            fields: vec![("confirm", "1")],
            confirm_label: tr.t("admin-totp-reset"),
            cancel_href: PATH,
        },
    )
}

/// `POST /admin/pengguna/{id}/dua-langkah`: turns the user's two-step verification off (the
/// store's audited `disable_totp`, as `pelihara admin reset-totp` does), for a user who lost
/// both their authenticator and their recovery codes. Not for the admin's own.
pub(crate) async fn view_admin_user_dua_langkah_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    let stored = stored_user(&state, &id).await?;
    if stored.user.id == admin.0.actor.user.id {
        return Err(WebError::bad_request("admin-error-totp-self"));
    }
    let reset = services
        .store
        .disable_totp(
            stored.user.id,
            &admin.0.audit_source(),
            services.clock.now(),
        )
        .await?;
    Ok(done(
        &format!("{PATH}/{}", stored.user.id),
        if reset { "totp-reset" } else { "totp-none" },
    ))
}

/// `POST /admin/pengguna/{id}/sso-lepas`: removes the single sign-on subject the account is
/// bound to (the store's audited `unbind_sso_subject`), when the person's provider account
/// changed: their next sign-in through the provider binds the new one.
pub(crate) async fn view_admin_user_sso_lepas_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    let stored = stored_user(&state, &id).await?;
    let removed = services
        .store
        .unbind_sso_subject(
            stored.user.id,
            &admin.0.audit_source(),
            services.clock.now(),
        )
        .await?;
    Ok(done(
        &format!("{PATH}/{}", stored.user.id),
        if removed { "sso-unbound" } else { "sso-none" },
    ))
}

/// `POST /admin/pengguna/{id}/undangan`: a new invitation for a user who has not set a
/// password yet (the first one expired or was lost): the old link stops working, the new one
/// works for [`INVITATION_VALID`]. Mailed when SMTP is configured and the user has an email;
/// otherwise the link is shown once on the user's page for the administrator to hand over.
pub(crate) async fn view_admin_user_undangan_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let stored = stored_user(&state, &id).await?;
    let token = new_token();
    let now = services.clock.now();
    if !services
        .store
        .reissue_invitation(
            stored.user.id,
            &token_hash(&token),
            now + INVITATION_VALID,
            &admin.0.audit_source(),
            now,
        )
        .await?
    {
        return Err(WebError::bad_request("admin-error-not-invited"));
    }
    let base = state
        .config()
        .public_base_url
        .trim()
        .trim_end_matches('/')
        .to_owned();
    let link = format!("{base}/undangan?token={token}");
    let email = stored.email.clone().unwrap_or_default();
    if let (Some(mailer), false) = (state.mailer().cloned(), email.trim().is_empty()) {
        let mail = pelihara_notify::invitation_mail(
            tr.lang(),
            &stored.user.full_name,
            &state.office_name(),
            &stored.user.username,
            &link,
            INVITATION_VALID.num_days(),
        );
        let name = stored.user.full_name.clone();
        let key = format!("invitation-{}", &token_hash(&token)[..16]);
        // In the background, as the import does: a slow mail server does not hold the page.
        tokio::spawn(async move {
            if let Err(error) = mailer.send_composed(&name, &email, &mail, &key).await {
                tracing::warn!(%error, "invitation mail not sent");
            }
        });
        return Ok(done(
            &format!("{PATH}/{}", stored.user.id),
            "invitation-mailed",
        ));
    }
    let notice_text = Some(tr.t1("admin-notice-invitation-link", "link", &link));
    let view = EditView {
        form: form_of(&stored),
        stored,
        errors: FormErrors::new(),
        password_errors: FormErrors::new(),
    };
    render_edit(shell, &state, &admin, StatusCode::OK, view, notice_text).await
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
