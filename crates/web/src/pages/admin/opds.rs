//! `/admin/opd`: the agencies (OPD) that send requests, and a form to add one. A code already
//! in use is a form error. It must never delete an OPD: cases and apps keep pointing at it.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{AdminTab, FormData, done, notice, tabs, too_long};
use crate::auth::AdminUser;
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::pages::page_or_partial;
use crate::shell::{Shell, Tr};
use crate::state::AppState;

const PATH: &str = "/admin/opd";

#[derive(Template)]
#[template(path = "admin_opds.html")]
struct OpdsPage {
    shell: Shell,
    tr: Tr,
    partial: OpdsPartial,
}

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
    let opds = store.list_opds().await.map_err(WebError::internal)?;
    let users = store.list_users().await.map_err(WebError::internal)?;
    let rows = opds
        .into_iter()
        .map(|opd| OpdRow {
            operators: users
                .iter()
                .filter(|stored| stored.user.active && stored.user.opd_id == Some(opd.id))
                .count(),
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
    let response = page_or_partial(shell, partial, |shell, partial| OpdsPage {
        tr: shell.tr,
        shell,
        partial,
    })?;
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

fn valid_code(code: &str) -> bool {
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
