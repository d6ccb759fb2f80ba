//! `/admin/impor`: the bulk set-up of an office. An administrator uploads an OPD sheet, a user
//! sheet, or both (CSV or XLSX, read by `pelihara_register::people` off the async threads and
//! bounded there), every row is checked with the rules of the admin forms, and either every
//! OPD and user is written in one audited transaction or nothing is and every error is listed
//! by sheet, row and column. Each new user gets a one-time invitation link (valid
//! [`INVITATION_VALID`]) to set their own password: mailed when this server sends mail and
//! the user has an address, otherwise shown on the result page, once, for the administrator
//! to hand over. `/admin/ekspor/{opd,pengguna}.{csv,xlsx}` writes the same sheets. It must
//! never write but through the store's audited functions, and never show a link twice.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pelihara_domain::Role;
use pelihara_register::grid::ImportError;
use pelihara_register::people::{
    self as sheets, OPD_CODE, OPD_NAME, OpdExportRow, OpdRow, USER_EMAIL, USER_NAME, USER_NIP,
    USER_OPD, USER_PHONE, USER_POSITIONS, USER_USERNAME, UserExportRow, UserRow,
};
use pelihara_store::StoreError;
use pelihara_store::people::NewUser;
use pelihara_store::people_import::{ImportedUser, NewOpdRow, PeopleImport};

use super::opds::valid_code;
use super::users::{INVITATION_VALID, valid_email, valid_nip, valid_username};
use super::{AdminTab, tabs, too_long};
use crate::auth::AdminUser;
use crate::auth::{new_token, token_hash};
use crate::error::WebError;
use crate::forms::read_multipart;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::people::sop_positions;
use crate::shell::Shell;
use crate::state::AppState;

const PATH: &str = "/admin/impor";
/// The largest sheet file read (a regency's staff fit in far less).
const SHEET_MAX_BYTES: usize = 5 * 1024 * 1024;

/// Which sheet an error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sheet {
    Opds,
    Users,
}

struct ErrorView {
    sheet: String,
    row: usize,
    column: String,
    message: String,
}

/// A new user on the result page: the link to hand over, or where it was mailed.
struct InvitedView {
    full_name: String,
    username: String,
    /// The link, when the administrator hands it over.
    link: Option<String>,
    /// The address it was mailed to.
    mailed_to: Option<String>,
    /// Added inactive (the sheet's Status): nobody is invited until an administrator
    /// activates the account.
    inactive: bool,
}

#[derive(Template)]
#[template(path = "admin_people_partial.html")]
struct PeoplePartial {
    tr: Tr,
    tabs: Vec<AdminTab>,
    /// The tab bar's notice slot (this page shows its outcome itself).
    notice: Option<String>,
    opd_headers: Vec<&'static str>,
    user_headers: Vec<&'static str>,
    problem: String,
    errors: Vec<ErrorView>,
    /// After an import: how many OPDs were added, and the invited users.
    imported_opds: Option<usize>,
    invited: Vec<InvitedView>,
    invitation_days: i64,
}

fn render(
    shell: Shell,
    status: StatusCode,
    problem: Option<String>,
    errors: Vec<(Sheet, ImportError)>,
    imported: Option<(usize, Vec<InvitedView>)>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let (imported_opds, invited) = match imported {
        Some((opds, invited)) => (Some(opds), invited),
        None => (None, Vec::new()),
    };
    let partial = PeoplePartial {
        tr,
        tabs: tabs(tr, PATH),
        notice: None,
        opd_headers: sheets::opd_headers(),
        user_headers: sheets::user_headers(),
        problem: problem.unwrap_or_default(),
        errors: errors
            .into_iter()
            .map(|(sheet, error)| ErrorView {
                sheet: tr.t(match sheet {
                    Sheet::Opds => "people-sheet-opds",
                    Sheet::Users => "people-sheet-users",
                }),
                row: error.row,
                column: error.column.unwrap_or_default(),
                message: match error.limit {
                    Some(max) => tr.t1(error.key, "max", max),
                    None => tr.t(error.key),
                },
            })
            .collect(),
        imported_opds,
        invited,
        invitation_days: INVITATION_VALID.num_days(),
    };
    let response = page_or_partial(shell, partial, |tr, _| tr.t("admin-title-people"))?;
    Ok((status, response).into_response())
}

/// `GET /admin/impor`: the upload form, the sheets' columns and the export links.
pub(crate) async fn view_admin_impor_get(
    shell: Shell,
    _admin: AdminUser,
) -> Result<Response, WebError> {
    render(shell, StatusCode::OK, None, Vec::new(), None)
}

/// What the sheets hold once read, before the rules of an account are checked.
struct Read {
    opds: Vec<OpdRow>,
    users: Vec<UserRow>,
}

/// Checks the rows against the rules of the admin forms and what the database holds: codes
/// and user names not taken, positions the SOPs know, an OPD for (and only for) an operator,
/// one that exists and is active or that the OPD sheet adds.
fn check_rows(
    read: &Read,
    existing_opds: &HashMap<String, bool>,
    existing_usernames: &HashSet<String>,
    known_positions: &[String],
) -> Vec<(Sheet, ImportError)> {
    let mut errors = Vec::new();
    let mut opd = |row: usize, column: &str, key: &'static str| {
        errors.push((Sheet::Opds, ImportError::cell(row, column, key)));
    };
    let mut new_codes = HashSet::new();
    for row in &read.opds {
        let code = row.code.to_uppercase();
        if !valid_code(&code) {
            opd(row.row, OPD_CODE, "admin-error-opd-code");
        } else if existing_opds.contains_key(&code) {
            opd(row.row, OPD_CODE, "admin-error-opd-code-taken");
        }
        if too_long(&row.name, 150) {
            opd(row.row, OPD_NAME, "people-import-too-long");
        }
        new_codes.insert(code);
    }
    for row in &read.users {
        let mut user = |column: &str, key: &'static str| {
            errors.push((Sheet::Users, ImportError::cell(row.row, column, key)));
        };
        if !valid_username(&row.username) {
            user(USER_USERNAME, "admin-error-username-format");
        } else if existing_usernames.contains(&row.username) {
            user(USER_USERNAME, "admin-error-username-taken");
        }
        if too_long(&row.full_name, 120) {
            user(USER_NAME, "people-import-too-long");
        }
        if !row.nip.is_empty() && !valid_nip(&row.nip) {
            user(USER_NIP, "admin-error-nip-format");
        }
        if !row.email.is_empty() && (too_long(&row.email, 254) || !valid_email(&row.email)) {
            user(USER_EMAIL, "admin-error-email-format");
        }
        if too_long(&row.phone, 60) {
            user(USER_PHONE, "people-import-too-long");
        }
        if row
            .positions
            .iter()
            .any(|position| !known_positions.contains(position))
        {
            user(USER_POSITIONS, "people-import-unknown-position");
        } else if row.role == Role::Staff && row.positions.is_empty() {
            user(USER_POSITIONS, "admin-error-positions-required");
        } else if row.role != Role::Staff && !row.positions.is_empty() {
            user(USER_POSITIONS, "admin-error-positions-staff-only");
        }
        let code = row.opd_code.to_uppercase();
        match row.role {
            Role::OpdOperator if code.is_empty() => user(USER_OPD, "admin-error-opd-required"),
            Role::OpdOperator => match existing_opds.get(&code) {
                Some(true) => {}
                Some(false) => user(USER_OPD, "register-import-opd-inactive"),
                None if new_codes.contains(&code) => {}
                None => user(USER_OPD, "register-error-opd"),
            },
            _ if !code.is_empty() => user(USER_OPD, "admin-error-opd-operator-only"),
            _ => {}
        }
    }
    errors
}

/// `POST /admin/impor` (multipart, `opd_file` and/or `user_file`): checks both sheets whole,
/// then writes everything or nothing; the result page lists the invitations.
pub(crate) async fn view_admin_impor_post(
    shell: Shell,
    admin: AdminUser,
    State(state): State<AppState>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let form = read_multipart(multipart, SHEET_MAX_BYTES, "register-import-unreadable").await?;
    if form.oversized() {
        let problem = tr.t("people-import-too-large");
        return render(shell, unprocessable, Some(problem), Vec::new(), None);
    }
    let opd_file = form
        .file("opd_file")
        .map(|u| (u.bytes.clone(), u.file_name.clone()));
    let user_file = form
        .file("user_file")
        .map(|u| (u.bytes.clone(), u.file_name.clone()));
    if opd_file.is_none() && user_file.is_none() {
        let problem = tr.t("people-import-no-file");
        return render(shell, unprocessable, Some(problem), Vec::new(), None);
    }
    // Reading is CPU work bounded by the sheet limits: off the async threads.
    let parsed = tokio::task::spawn_blocking(move || {
        let opds = opd_file.map(|(bytes, name)| sheets::read_opds(&bytes, &name));
        let users = user_file.map(|(bytes, name)| sheets::read_users(&bytes, &name));
        (opds, users)
    })
    .await
    .map_err(WebError::internal)?;
    let mut errors: Vec<(Sheet, ImportError)> = Vec::new();
    let mut read = Read {
        opds: Vec::new(),
        users: Vec::new(),
    };
    match parsed.0 {
        Some(Ok(rows)) => read.opds = rows,
        Some(Err(found)) => errors.extend(found.into_iter().map(|e| (Sheet::Opds, e))),
        None => {}
    }
    match parsed.1 {
        Some(Ok(rows)) => read.users = rows,
        Some(Err(found)) => errors.extend(found.into_iter().map(|e| (Sheet::Users, e))),
        None => {}
    }
    let services = state.services();
    let existing_opds: HashMap<String, bool> = services
        .store
        .list_opds()
        .await?
        .into_iter()
        .map(|opd| (opd.code.to_uppercase(), opd.active))
        .collect();
    let existing_usernames: HashSet<String> = services
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|stored| stored.user.username)
        .collect();
    let known_positions = sop_positions(&services.catalog.snapshot());
    errors.extend(check_rows(
        &read,
        &existing_opds,
        &existing_usernames,
        &known_positions,
    ));
    if !errors.is_empty() {
        errors.sort_by_key(|(sheet, error)| (*sheet == Sheet::Users, error.row));
        return render(shell, unprocessable, None, errors, None);
    }

    let now = services.clock.now();
    // Only accounts added active are invited.
    let tokens: Vec<Option<String>> = read
        .users
        .iter()
        .map(|row| row.active.then(new_token))
        .collect();
    let import = PeopleImport {
        opds: read
            .opds
            .iter()
            .map(|row| NewOpdRow {
                code: row.code.to_uppercase(),
                name: row.name.clone(),
                active: row.active,
            })
            .collect(),
        users: read
            .users
            .iter()
            .zip(&tokens)
            .map(|(row, token)| ImportedUser {
                user: NewUser {
                    username: row.username.clone(),
                    full_name: row.full_name.clone(),
                    nip: (!row.nip.is_empty()).then(|| row.nip.clone()),
                    email: (!row.email.is_empty()).then(|| row.email.clone()),
                    role: row.role,
                    positions: row.positions.clone(),
                    opd_id: None,
                    password_hash: String::new(),
                },
                opd_code: (!row.opd_code.is_empty()).then(|| row.opd_code.to_uppercase()),
                phone: row.phone.clone(),
                invitation_hash: token.as_deref().map(token_hash),
                active: row.active,
            })
            .collect(),
        invitations_expire_at: now + INVITATION_VALID,
    };
    match services
        .store
        .import_people(import, &admin.0.audit_source(), now)
        .await
    {
        Ok(_) => {}
        // Someone took a code or a user name, or deactivated an OPD, between the check and the
        // write: nothing was imported; uploading again names the rows.
        Err(StoreError::Duplicate(_) | StoreError::Refused(_)) => {
            let problem = tr.t("people-import-changed");
            return render(shell, unprocessable, Some(problem), Vec::new(), None);
        }
        Err(error) => return Err(error.into()),
    }
    let base = state
        .config()
        .public_base_url
        .trim()
        .trim_end_matches('/')
        .to_owned();
    let office = state.office_name();
    let mailer = state.mailer().cloned();
    let mut invited = Vec::new();
    for (row, token) in read.users.iter().zip(tokens) {
        let Some(token) = token else {
            invited.push(InvitedView {
                full_name: row.full_name.clone(),
                username: row.username.clone(),
                link: None,
                mailed_to: None,
                inactive: true,
            });
            continue;
        };
        let link = format!("{base}/undangan?token={token}");
        match (&mailer, row.email.is_empty()) {
            (Some(mailer), false) => {
                let mail = pelihara_notify::invitation_mail(
                    tr.lang(),
                    &row.full_name,
                    &office,
                    &row.username,
                    &link,
                    INVITATION_VALID.num_days(),
                );
                let (mailer, name, email) =
                    (mailer.clone(), row.full_name.clone(), row.email.clone());
                let key = format!("invitation-{}", &token_hash(&token)[..16]);
                // In the background: a slow mail server does not hold the page. A failure is
                // logged; the administrator sees the address and can invite again by reset.
                tokio::spawn(async move {
                    if let Err(error) = mailer.send_composed(&name, &email, &mail, &key).await {
                        tracing::warn!(%error, "invitation mail not sent");
                    }
                });
                invited.push(InvitedView {
                    full_name: row.full_name.clone(),
                    username: row.username.clone(),
                    link: None,
                    mailed_to: Some(row.email.clone()),
                    inactive: false,
                });
            }
            _ => invited.push(InvitedView {
                full_name: row.full_name.clone(),
                username: row.username.clone(),
                link: Some(link),
                mailed_to: None,
                inactive: false,
            }),
        }
    }
    let mut response = render(
        shell,
        StatusCode::OK,
        None,
        Vec::new(),
        Some((read.opds.len(), invited)),
    )?;
    // The links are shown once: never kept by a cache.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /admin/ekspor/{file}`: `opd.csv`, `opd.xlsx`, `pengguna.csv` or `pengguna.xlsx`, the
/// sheets an import reads; recorded in the audit trail (`people.export`).
pub(crate) async fn view_admin_ekspor_get(
    admin: AdminUser,
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let services = state.services();
    let opds = services.store.list_opds().await?;
    let internal = WebError::internal;
    let (bytes, extension) = match file.as_str() {
        "opd.csv" | "opd.xlsx" => {
            let rows: Vec<OpdExportRow> = opds
                .iter()
                .map(|opd| OpdExportRow {
                    code: opd.code.clone(),
                    name: opd.name.clone(),
                    active: opd.active,
                })
                .collect();
            if file.ends_with(".csv") {
                (sheets::export_opds_csv(&rows).map_err(internal)?, "csv")
            } else {
                (sheets::export_opds_xlsx(&rows).map_err(internal)?, "xlsx")
            }
        }
        "pengguna.csv" | "pengguna.xlsx" => {
            let codes: HashMap<_, _> = opds.iter().map(|opd| (opd.id, opd.code.clone())).collect();
            let phones = services.store.webhook_handles().await?;
            let rows: Vec<UserExportRow> = services
                .store
                .list_users()
                .await?
                .into_iter()
                .map(|stored| UserExportRow {
                    phone: phones.get(&stored.user.id).cloned().unwrap_or_default(),
                    full_name: stored.user.full_name,
                    username: stored.user.username,
                    nip: stored.user.nip.unwrap_or_default(),
                    role: stored.user.role,
                    positions: stored.user.positions,
                    opd_code: stored
                        .user
                        .opd_id
                        .and_then(|id| codes.get(&id).cloned())
                        .unwrap_or_default(),
                    email: stored.email.unwrap_or_default(),
                    active: stored.user.active,
                })
                .collect();
            if file.ends_with(".csv") {
                (sheets::export_users_csv(&rows).map_err(internal)?, "csv")
            } else {
                (sheets::export_users_xlsx(&rows).map_err(internal)?, "xlsx")
            }
        }
        _ => return Err(WebError::NotFound),
    };
    services
        .store
        .record_event(
            &admin.0.audit_source(),
            "people.export",
            serde_json::json!({ "file": file }),
            services.clock.now(),
        )
        .await?;
    let media_type = if extension == "csv" {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    let today = services
        .calendar
        .snapshot()
        .local_date(services.clock.now());
    let stem = file.split('.').next().unwrap_or("data");
    let disposition = format!(
        "attachment; filename=\"{stem}-{}.{extension}\"",
        today.format("%Y-%m-%d")
    );
    Ok(crate::download::file_response(
        bytes,
        media_type,
        &disposition,
    ))
}
