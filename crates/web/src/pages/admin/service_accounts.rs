//! `/admin/akun-layanan`: service accounts, the users another system acts as through the API
//! (an OPD's own application bound to that OPD; an intake system acting for a staff position,
//! e.g. the Pelaksana). The admin creates one (it has no password and cannot sign in), issues
//! its tokens (each secret shown once, on the answer to the form) and revokes them. Every
//! change goes through the store's audited functions (`service_account.create`,
//! `token.create`, `token.revoke`, by the admin). Never shows a secret twice nor keeps one.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pelihara_domain::{OpdId, Role, UserId};
use pelihara_store::people::{NewServiceAccount, StoredUser};
use pelihara_store::{StoreError, TokenScope};
use serde::Deserialize;

use super::users::{Choice, valid_username};
use super::{AdminTab, FormData, done, notice, tabs, too_long};
use crate::auth::AdminUser;
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::account_tokens::{
    MAX_LIVE_TOKENS, TokenForm, TokenRow, mint_for, read_token_form, row, validity_choices,
};
use crate::pages::page_or_partial;
use crate::people::{position_label, sop_positions};
use crate::shell::Shell;
use crate::state::AppState;

const PATH: &str = "/admin/akun-layanan";

/// The scopes a service account's token may carry: everything but administration (a service
/// account is an OPD's operator or a staff position, never an administrator).
const OFFERED: [TokenScope; 4] = [
    TokenScope::Read,
    TokenScope::Submit,
    TokenScope::Act,
    TokenScope::Register,
];

struct AccountRow {
    id: String,
    username: String,
    full_name: String,
    /// The OPD or the position it acts for, worded.
    acts_for: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin_service_accounts_partial.html")]
struct AccountsPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    rows: Vec<AccountRow>,
    username: String,
    full_name: String,
    /// `opd:<id>` or `position:<code>` choices.
    bindings: Vec<Choice>,
    errors: FormErrors,
}

/// What a service account acts as: an OPD's operator, or a staff position's holder.
fn binding_choices(
    tr: Tr,
    state: &AppState,
    opds: &[pelihara_store::people::Opd],
    chosen: &str,
) -> Vec<Choice> {
    let catalog = state.services().catalog.snapshot();
    let mut choices: Vec<Choice> = opds
        .iter()
        .filter(|opd| opd.active)
        .map(|opd| {
            let value = format!("opd:{}", opd.id);
            Choice {
                selected: value == chosen,
                label: tr.t1("admin-service-bind-opd", "name", &opd.name),
                value,
            }
        })
        .collect();
    choices.extend(sop_positions(&catalog).into_iter().map(|position| {
        let value = format!("position:{position}");
        Choice {
            selected: value == chosen,
            label: tr.t1(
                "admin-service-bind-position",
                "name",
                position_label(tr, &catalog, &position),
            ),
            value,
        }
    }));
    choices
}

fn acts_for(
    tr: Tr,
    state: &AppState,
    opds: &[pelihara_store::people::Opd],
    user: &StoredUser,
) -> String {
    let catalog = state.services().catalog.snapshot();
    match user.user.opd_id {
        Some(opd) => opds
            .iter()
            .find(|known| known.id == opd)
            .map(|known| tr.t1("admin-service-bind-opd", "name", &known.name))
            .unwrap_or_default(),
        None => user
            .user
            .positions
            .iter()
            .map(|position| {
                tr.t1(
                    "admin-service-bind-position",
                    "name",
                    position_label(tr, &catalog, position),
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[allow(clippy::too_many_arguments)] // Each is one part of the page as shown.
async fn render_list(
    shell: Shell,
    state: &AppState,
    status: StatusCode,
    username: String,
    full_name: String,
    binding: String,
    errors: FormErrors,
    notice_text: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let store = &state.services().store;
    let opds = store.list_opds().await?;
    let rows = store
        .service_accounts()
        .await?
        .iter()
        .map(|user| AccountRow {
            id: user.user.id.to_string(),
            username: user.user.username.clone(),
            full_name: user.user.full_name.clone(),
            acts_for: acts_for(tr, state, &opds, user),
            active: user.may_sign_in(),
        })
        .collect();
    let partial = AccountsPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice_text,
        rows,
        username,
        full_name,
        bindings: binding_choices(tr, state, &opds, &binding),
        errors,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("admin-title-service-accounts"))?;
    Ok((status, response).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct NoticeQuery {
    #[serde(default)]
    ok: Option<String>,
}

/// `GET /admin/akun-layanan`: the service accounts and the form for a new one.
pub(crate) async fn view_admin_akun_layanan_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let notice_text = notice(shell.tr, query.ok.as_deref());
    render_list(
        shell,
        &state,
        StatusCode::OK,
        String::new(),
        String::new(),
        String::new(),
        FormErrors::new(),
        notice_text,
    )
    .await
}

/// `POST /admin/akun-layanan`: creates a service account, or shows the form again with what
/// is wrong and creates nothing.
pub(crate) async fn view_admin_akun_layanan_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let data = FormData(data);
    let username = data.text("username").to_lowercase();
    let full_name = data.text("full_name");
    let binding = data.text("binding");
    let mut errors = FormErrors::new();
    if username.is_empty() {
        errors.field("username", tr.t("admin-error-required"));
    } else if !valid_username(&username) {
        errors.field("username", tr.t("admin-error-username-format"));
    }
    if full_name.is_empty() {
        errors.field("full_name", tr.t("admin-error-required"));
    } else if too_long(&full_name, 120) {
        errors.field("full_name", tr.t1("admin-error-too-long", "max", 120));
    }
    let opds = services.store.list_opds().await?;
    let positions = sop_positions(&services.catalog.snapshot());
    let bound = match binding.split_once(':') {
        Some(("opd", id)) => OpdId::parse(id)
            .filter(|id| opds.iter().any(|opd| opd.id == *id && opd.active))
            .map(|opd| (Role::OpdOperator, Vec::new(), Some(opd))),
        Some(("position", code)) => positions
            .iter()
            .find(|known| *known == code)
            .map(|code| (Role::Staff, vec![code.clone()], None)),
        _ => None,
    };
    if bound.is_none() {
        errors.field("binding", tr.t("admin-service-error-binding"));
    }
    let again = |errors| {
        render_list(
            shell,
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            username.clone(),
            full_name.clone(),
            binding.clone(),
            errors,
            None,
        )
    };
    let Some((role, positions, opd_id)) = bound.filter(|_| errors.is_empty()) else {
        return again(errors).await;
    };
    let new = NewServiceAccount {
        username: username.clone(),
        full_name: full_name.clone(),
        role,
        positions,
        opd_id,
    };
    match services
        .store
        .create_service_account(new, &admin.0.audit_source(), services.clock.now())
        .await
    {
        Ok(id) => Ok(done(&format!("{PATH}/{id}"), "service-account-created")),
        Err(StoreError::Duplicate(_)) => {
            let mut errors = FormErrors::new();
            errors.field("username", tr.t("admin-error-username-taken"));
            again(errors).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_service_account_partial.html")]
struct AccountPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    id: String,
    username: String,
    full_name: String,
    acts_for: String,
    /// The token just issued: shown this once.
    created: Option<String>,
    rows: Vec<TokenRow>,
    name: String,
    scopes: Vec<Choice>,
    validities: Vec<Choice>,
    errors: FormErrors,
}

/// The service account `id` (any other user, or an unknown id, is a 404).
async fn service_account(state: &AppState, id: &str) -> Result<StoredUser, WebError> {
    let id = uuid::Uuid::parse_str(id).map_err(|_| WebError::NotFound)?;
    state
        .services()
        .store
        .user(UserId(id))
        .await?
        .filter(|user| user.service_account)
        .ok_or(WebError::NotFound)
}

/// What the account page shows besides the account.
struct Shown {
    status: StatusCode,
    notice: Option<String>,
    created: Option<String>,
    form: TokenForm,
    errors: FormErrors,
}

async fn render_account(
    shell: Shell,
    state: &AppState,
    account: &StoredUser,
    shown: Shown,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let now = services.clock.now();
    let opds = services.store.list_opds().await?;
    let tokens = services.store.tokens_of(account.user.id).await?;
    let partial = AccountPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: shown.notice,
        id: account.user.id.to_string(),
        username: account.user.username.clone(),
        full_name: account.user.full_name.clone(),
        acts_for: acts_for(tr, state, &opds, account),
        created: shown.created,
        rows: tokens
            .iter()
            .map(|token| row(tr, state, token, now))
            .collect(),
        name: shown.form.name,
        scopes: OFFERED
            .iter()
            .map(|scope| Choice {
                value: scope.code().to_owned(),
                label: tr.t(&format!("scope-{}", scope.code())),
                selected: shown.form.chosen.iter().any(|code| code == scope.code()),
            })
            .collect(),
        validities: validity_choices(tr, &shown.form.validity),
        errors: shown.errors,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("admin-title-service-accounts"))?;
    Ok((shown.status, response).into_response())
}

/// `GET /admin/akun-layanan/{id}`: a service account, its tokens and the form for a new one.
pub(crate) async fn view_admin_akun_layanan_one_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let account = service_account(&state, &id).await?;
    let notice_text = notice(shell.tr, query.ok.as_deref());
    let form = TokenForm {
        name: String::new(),
        chosen: vec![TokenScope::Read.code().to_owned()],
        validity: "365".to_owned(),
        request: None,
    };
    render_account(
        shell,
        &state,
        &account,
        Shown {
            status: StatusCode::OK,
            notice: notice_text,
            created: None,
            form,
            errors: FormErrors::new(),
        },
    )
    .await
}

/// `POST /admin/akun-layanan/{id}/token`: issues a token for the service account and answers
/// with the page showing its secret once (not a redirect: the secret never travels in a URL).
pub(crate) async fn view_admin_akun_layanan_token_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let account = service_account(&state, &id).await?;
    let services = state.services();
    let data = FormData(data);
    let mut errors = FormErrors::new();
    let mut form = read_token_form(tr, &data, &OFFERED, &mut errors);
    let now = services.clock.now();
    if services
        .store
        .live_token_count(account.user.id, now)
        .await?
        >= MAX_LIVE_TOKENS
    {
        errors.form(tr.t1("account-token-error-too-many", "max", MAX_LIVE_TOKENS));
    }
    let Some(request) = form.request.take().filter(|_| errors.is_empty()) else {
        let shown = Shown {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            notice: None,
            created: None,
            form,
            errors,
        };
        return render_account(shell, &state, &account, shown).await;
    };
    let secret = mint_for(&state, account.user.id, request, &admin.0.audit_source()).await?;
    form.name = String::new();
    let shown = Shown {
        status: StatusCode::CREATED,
        notice: None,
        created: Some(secret),
        form,
        errors: FormErrors::new(),
    };
    render_account(shell, &state, &account, shown).await
}

/// `POST /admin/akun-layanan/{id}/token/{token}/cabut`: revokes one of the service account's
/// tokens (a token of anyone else is a 404).
pub(crate) async fn view_admin_akun_layanan_revoke_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path((id, token)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let account = service_account(&state, &id).await?;
    let token = uuid::Uuid::parse_str(&token).map_err(|_| WebError::NotFound)?;
    let services = state.services();
    let revoked = services
        .store
        .revoke_token(
            account.user.id,
            token,
            &admin.0.audit_source(),
            services.clock.now(),
        )
        .await?;
    if !revoked {
        return Err(WebError::NotFound);
    }
    Ok(done(
        &format!("{PATH}/{}", account.user.id),
        "service-token-revoked",
    ))
}
