//! `/akun/token`: the signed-in user's personal API tokens: the list (prefix, scopes, expiry,
//! last use, status), a form to create one (its secret shown on the answer once, never again)
//! and revoking one. It must never keep, log or show a token's secret after that answer: the
//! store gets only its SHA-256.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use pelihara_domain::Role;
use pelihara_store::{NewToken, StoreError, StoredToken, TokenScope};
use serde::Deserialize;

use crate::auth::{CurrentUser, mint_token};
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::admin::FormData;
use crate::pages::admin::users::Choice;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

const PATH: &str = "/akun/token";

/// The validities a token may be given, in days.
const VALIDITY_DAYS: [i64; 3] = [30, 90, 365];

/// The most tokens one user may hold that still work.
pub const MAX_LIVE_TOKENS: i64 = 20;

/// The longest token name.
const MAX_NAME: usize = 80;

/// A row of a token list (this page's, and a service account's on the admin page).
pub(crate) struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub expires: String,
    pub last_used: String,
    /// `live`, `expired` or `revoked`.
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "account_tokens_partial.html")]
struct TokensPartial {
    tr: Tr,
    notice: Option<String>,
    /// The token just created: shown this once.
    created: Option<String>,
    rows: Vec<TokenRow>,
    name: String,
    scopes: Vec<Choice>,
    validities: Vec<Choice>,
    errors: FormErrors,
}

/// The scopes `role` may give a token: every scope but `admin` for those who are not admins.
fn offered_scopes(role: Role) -> Vec<TokenScope> {
    TokenScope::ALL
        .into_iter()
        .filter(|scope| *scope != TokenScope::Admin || role == Role::Admin)
        .collect()
}

pub(crate) fn row(
    tr: Tr,
    state: &AppState,
    token: &StoredToken,
    now: chrono::DateTime<chrono::Utc>,
) -> TokenRow {
    let tz = state.services().calendar.snapshot().time_zone;
    TokenRow {
        id: token.id.to_string(),
        name: token.name.clone(),
        prefix: token.prefix.clone(),
        scopes: token
            .scopes
            .iter()
            .map(|scope| scope.code())
            .collect::<Vec<_>>()
            .join(" "),
        expires: pelihara_i18n::format_datetime(tr.lang(), tz, token.expires_at),
        last_used: token.last_used_at.map_or_else(
            || tr.t("account-token-never"),
            |at| pelihara_i18n::format_datetime(tr.lang(), tz, at),
        ),
        status: if token.revoked_at.is_some() {
            "revoked"
        } else if token.is_live(now) {
            "live"
        } else {
            "expired"
        },
    }
}

struct Shown {
    status: StatusCode,
    notice: Option<String>,
    created: Option<String>,
    name: String,
    chosen_scopes: Vec<String>,
    validity: String,
    errors: FormErrors,
}

async fn render(
    shell: Shell,
    state: &AppState,
    user: &CurrentUser,
    shown: Shown,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let now = services.clock.now();
    let tokens = services.store.tokens_of(user.actor.user.id).await?;
    let partial = TokensPartial {
        tr,
        notice: shown.notice,
        created: shown.created,
        rows: tokens
            .iter()
            .map(|token| row(tr, state, token, now))
            .collect(),
        name: shown.name,
        scopes: offered_scopes(user.role())
            .into_iter()
            .map(|scope| Choice {
                value: scope.code().to_owned(),
                label: tr.t(&format!("scope-{}", scope.code())),
                selected: shown.chosen_scopes.iter().any(|code| code == scope.code()),
            })
            .collect(),
        validities: validity_choices(tr, &shown.validity),
        errors: shown.errors,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("account-tokens-title"))?;
    Ok((shown.status, response).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct TokensQuery {
    /// The prefix of a token just revoked.
    #[serde(default)]
    dicabut: Option<String>,
}

/// `GET /akun/token`: the tokens and the form for a new one.
pub(crate) async fn view_akun_token_get(
    shell: Shell,
    user: CurrentUser,
    State(state): State<AppState>,
    Query(query): Query<TokensQuery>,
) -> Result<Response, WebError> {
    let notice = query
        .dicabut
        .filter(|prefix| {
            prefix.len() <= 20
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .map(|prefix| shell.tr.t1("account-token-revoked", "prefix", prefix));
    render(
        shell,
        &state,
        &user,
        Shown {
            status: StatusCode::OK,
            notice,
            created: None,
            name: String::new(),
            chosen_scopes: vec![TokenScope::Read.code().to_owned()],
            validity: "90".to_owned(),
            errors: FormErrors::new(),
        },
    )
    .await
}

/// `POST /akun/token`: creates a token with the name, scopes and validity chosen, and answers
/// with the page showing its secret once (not a redirect: the secret must not travel in a
/// URL nor be kept to show it again).
pub(crate) async fn view_akun_token_post(
    shell: Shell,
    user: CurrentUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let data = FormData(data);
    let now = services.clock.now();
    let user_id = user.actor.user.id;
    let mut errors = FormErrors::new();
    let read = read_token_form(tr, &data, &offered_scopes(user.role()), &mut errors);
    if services.store.live_token_count(user_id, now).await? >= MAX_LIVE_TOKENS {
        errors.form(tr.t1("account-token-error-too-many", "max", MAX_LIVE_TOKENS));
    }
    let TokenForm {
        name,
        chosen,
        validity,
        request,
    } = read;
    let shown = |status, errors, created| Shown {
        status,
        notice: None,
        created,
        name: name.clone(),
        chosen_scopes: chosen.clone(),
        validity: validity.clone(),
        errors,
    };
    let Some(request) = request.filter(|_| errors.is_empty()) else {
        return render(
            shell,
            &state,
            &user,
            shown(StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        )
        .await;
    };
    let secret = mint_for(&state, user_id, request, &user.audit_source()).await?;
    let mut shown = shown(StatusCode::CREATED, FormErrors::new(), Some(secret));
    shown.name = String::new();
    render(shell, &state, &user, shown).await
}

/// A token's name, scopes and validity as chosen on a form.
pub(crate) struct TokenRequest {
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub days: i64,
}

/// A token form as sent: what to show again, and the request when it is right.
pub(crate) struct TokenForm {
    pub name: String,
    pub chosen: Vec<String>,
    pub validity: String,
    pub request: Option<TokenRequest>,
}

/// Reads a token form (`name`, `scopes`, `validity`) against the scopes `offered`; what is
/// wrong goes to `errors`, field by field.
pub(crate) fn read_token_form(
    tr: Tr,
    data: &FormData,
    offered: &[TokenScope],
    errors: &mut FormErrors,
) -> TokenForm {
    let name = data.raw("name").trim().to_owned();
    let chosen: Vec<String> = data
        .0
        .iter()
        .filter(|(key, _)| key == "scopes")
        .map(|(_, value)| value.clone())
        .collect();
    let validity = data.raw("validity");
    if name.is_empty() || name.chars().count() > MAX_NAME {
        errors.field("name", tr.t("account-token-error-name"));
    }
    let scopes: Vec<TokenScope> = chosen
        .iter()
        .filter_map(|code| TokenScope::from_code(code))
        .filter(|scope| offered.contains(scope))
        .collect();
    if scopes.is_empty() || scopes.len() != chosen.len() {
        errors.field("scopes", tr.t("account-token-error-scopes"));
    }
    let days = validity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|days| VALIDITY_DAYS.contains(days));
    if days.is_none() {
        errors.field("validity", tr.t("account-token-error-expiry"));
    }
    let request = days.map(|days| TokenRequest {
        name: name.clone(),
        scopes,
        days,
    });
    TokenForm {
        name,
        chosen,
        validity,
        request,
    }
}

/// The validities offered, `chosen` selected.
pub(crate) fn validity_choices(tr: Tr, chosen: &str) -> Vec<Choice> {
    VALIDITY_DAYS
        .iter()
        .map(|days| Choice {
            value: days.to_string(),
            label: tr.t1("account-token-days", "days", days),
            selected: chosen == days.to_string(),
        })
        .collect()
}

/// Makes a token for `user_id` as requested and returns its secret, to be shown once. The
/// store gets only its hash and prefix; `source` is who made it (the user, or an admin for a
/// service account).
pub(crate) async fn mint_for(
    state: &AppState,
    user_id: pelihara_domain::UserId,
    request: TokenRequest,
    source: &pelihara_store::AuditSource,
) -> Result<String, WebError> {
    let services = state.services();
    let now = services.clock.now();
    // A prefix is 32 random bits: a clash is rare, and then another is drawn.
    for _attempt in 0..3 {
        let minted = mint_token();
        let new = NewToken {
            user_id,
            prefix: minted.prefix.clone(),
            secret_hash: minted.secret_hash.clone(),
            name: request.name.clone(),
            scopes: request.scopes.clone(),
            expires_at: now + Duration::days(request.days),
        };
        match services.store.create_token(new, source, now).await {
            Ok(_) => return Ok(minted.token),
            Err(StoreError::Duplicate(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(WebError::internal("no free token prefix after three draws"))
}

/// `POST /akun/token/{id}/cabut`: revokes one of the user's own tokens (another's, or an
/// unknown one, is a 404).
pub(crate) async fn view_akun_token_revoke_post(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    let id = uuid::Uuid::parse_str(&id).map_err(|_| WebError::NotFound)?;
    let user_id = user.actor.user.id;
    let token = services
        .store
        .tokens_of(user_id)
        .await?
        .into_iter()
        .find(|token| token.id == id)
        .ok_or(WebError::NotFound)?;
    services
        .store
        .revoke_token(user_id, id, &user.audit_source(), services.clock.now())
        .await?;
    Ok(Redirect::to(&format!("{PATH}?dicabut={}", token.prefix)).into_response())
}
