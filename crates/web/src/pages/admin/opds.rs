//! `/admin/opd`: the agencies (OPD) that send requests, a form to add one, and deactivating
//! (after a confirmation step) or reactivating one. A code already in use is a form error.
//! It must never delete an OPD: cases and apps keep pointing at it; a deactivated OPD's
//! operators cannot sign in, and it is not offered in forms.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pelihara_domain::OpdId;
use serde::Deserialize;

use super::{
    AdminTab, ConfirmPartial, FormData, confirm_page, confirmed, done, notice, tabs, too_long,
};
use crate::auth::AdminUser;
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

const PATH: &str = "/admin/opd";

#[derive(Template)]
#[template(path = "admin_opds_partial.html")]
struct OpdsPartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    notice: Option<String>,
    rows: Vec<OpdRow>,
    code: String,
    name: String,
    errors: FormErrors,
}

struct OpdRow {
    id: String,
    code: String,
    name: String,
    operators: usize,
    active: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    ok: Option<String>,
}

async fn render(
    shell: Shell,
    state: &AppState,
    status: StatusCode,
    code: String,
    name: String,
    errors: FormErrors,
    notice_text: Option<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let store = &state.services().store;
    let opds = store.list_opds().await?;
    let users = store.list_users().await?;
    let rows = opds
        .into_iter()
        .map(|opd| OpdRow {
            // Operators who may sign in: none of a deactivated OPD's, however enabled.
            operators: users
                .iter()
                .filter(|stored| stored.may_sign_in() && stored.user.opd_id == Some(opd.id))
                .count(),
            id: opd.id.to_string(),
            code: opd.code,
            name: opd.name,
            active: opd.active,
        })
        .collect();
    let partial = OpdsPartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: notice_text,
        rows,
        code,
        name,
        errors,
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("admin-title-opds"))?;
    Ok((status, response).into_response())
}

/// `GET /admin/opd`: the OPDs and an empty form.
pub(crate) async fn view_admin_opds_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let notice_text = notice(shell.tr, query.ok.as_deref());
    render(
        shell,
        &state,
        StatusCode::OK,
        String::new(),
        String::new(),
        FormErrors::new(),
        notice_text,
    )
    .await
}

pub(crate) fn valid_code(code: &str) -> bool {
    (2..=20).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `POST /admin/opd`: adds an OPD, or shows the form again with what is wrong.
pub(crate) async fn view_admin_opds_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let services = state.services();
    let data = FormData(data);
    let code = data.text("code").to_uppercase();
    let name = data.text("name");
    let mut errors = FormErrors::new();
    if code.is_empty() {
        errors.field("code", tr.t("admin-error-required"));
    } else if !valid_code(&code) {
        errors.field("code", tr.t("admin-error-opd-code"));
    }
    if name.is_empty() {
        errors.field("name", tr.t("admin-error-required"));
    } else if too_long(&name, 150) {
        errors.field("name", tr.t1("admin-error-too-long", "max", 150));
    }
    if errors.is_empty() {
        match services
            .store
            .create_opd(&code, &name, &admin.0.audit_source(), services.clock.now())
            .await
        {
            Ok(_) => return Ok(done(PATH, "opd-created")),
            Err(error) if error.is_unique_violation() => {
                errors.field("code", tr.t("admin-error-opd-code-taken"));
            }
            Err(error) => return Err(WebError::internal(error)),
        }
    }
    render(
        shell,
        &state,
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        name,
        errors,
        None,
    )
    .await
}

/// `GET /admin/opd/{id}/nonaktifkan`: what deactivating this OPD does, and the button that
/// does it.
pub(crate) async fn view_admin_opd_disable_get(
    shell: Shell,
    _admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let store = &state.services().store;
    let id = OpdId::parse(&id).ok_or(WebError::NotFound)?;
    let opd = store.opd(id).await?.ok_or(WebError::NotFound)?;
    let operators = store
        .list_users()
        .await?
        .iter()
        .filter(|stored| stored.user.active && stored.user.opd_id == Some(id))
        .count();
    confirm_page(
        shell,
        ConfirmPartial {
            tr,
            tabs: tabs(tr, PATH),
            notice: None,
            title: tr.t1(
                "admin-confirm-disable-opd-title",
                "name",
                format!("{} ({})", opd.name, opd.code),
            ),
            consequences: vec![
                tr.count("admin-confirm-disable-opd-operators", operators),
                tr.t("admin-confirm-disable-opd-forms"),
                tr.t("admin-confirm-disable-opd-records"),
            ],
            action: format!("{PATH}/{id}/aktif"),
            fields: vec![("active", "0")],
            confirm_label: tr.t("admin-opd-disable"),
            cancel_href: PATH,
        },
    )
}

/// `POST /admin/opd/{id}/aktif`: reactivates an OPD (`active=1`) or, once confirmed,
/// deactivates it (`active=0`, which ends its operators' sessions).
pub(crate) async fn view_admin_opd_active_post(
    admin: AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let services = state.services();
    let data = FormData(data);
    let id = OpdId::parse(&id).ok_or(WebError::NotFound)?;
    let active = match data.text("active").as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(WebError::bad_request("web-error-bad-request")),
    };
    if services.store.opd(id).await?.is_none() {
        return Err(WebError::NotFound);
    }
    if !active && !confirmed(&data) {
        return Ok(Redirect::to(&format!("{PATH}/{id}/nonaktifkan")).into_response());
    }
    services
        .store
        .set_opd_active(id, active, &admin.0.audit_source(), services.clock.now())
        .await?;
    Ok(done(
        PATH,
        if active {
            "opd-enabled"
        } else {
            "opd-disabled"
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opd_codes() {
        for good in ["DINKES", "DPMPTSP", "BPBD-2", "X1"] {
            assert!(valid_code(good), "{good}");
        }
        for bad in ["", "D", "dinkes", "DIN KES", "DINAS.KES", &"A".repeat(21)] {
            assert!(!valid_code(bad), "{bad}");
        }
    }
}
