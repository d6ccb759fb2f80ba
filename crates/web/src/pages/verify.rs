//! `GET/POST /verifikasi/{id}`: the public page a document's QR code opens. Without login it
//! shows only what is safe to show: the document's type, number, date, issuing office, status
//! (valid, superseded by a newer version, unknown) and SHA-256; and it checks whether an
//! uploaded PDF is byte-identical to the issued one. It must never show case content, names
//! or anything the id does not already carry, and never keep the uploaded file.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pelihara_documents::DocumentKind;
use pelihara_i18n::format_datetime;
use pelihara_store::IssuedDocument;

use crate::error::WebError;
use crate::lang::Tr;
use crate::pages::documents::LetterheadSetting;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

/// What the page shows; every field is public by design.
#[derive(Template)]
#[template(path = "verify_partial.html")]
struct VerifyPartial {
    tr: Tr,
    id: String,
    /// `valid`, `superseded` or `unknown`.
    status: &'static str,
    kind: String,
    number: String,
    issued_at: String,
    office: String,
    sha256: String,
    /// The id of the document's current issue, when this one was superseded: the newest
    /// version, however many came between (not merely the next one).
    latest: String,
    /// After an upload: `identical` or `different`; empty before.
    check: &'static str,
    uploaded_sha256: String,
}

async fn lookup(state: &AppState, id: &str) -> Result<Option<IssuedDocument>, WebError> {
    // Malformed ids never reach the database.
    if !pelihara_documents::is_verification_id(id) {
        return Ok(None);
    }
    state
        .services()
        .store
        .issued_document(id)
        .await
        .map_err(WebError::internal)
}

/// The current issue of the same document (kind, subject, paper) when `document` was
/// superseded; the issue that replaced it if none is current (cannot happen while issues
/// only ever supersede each other, but the link then still leads somewhere true).
async fn latest_issue(
    state: &AppState,
    document: Option<&IssuedDocument>,
) -> Result<String, WebError> {
    let Some(document) = document else {
        return Ok(String::new());
    };
    let Some(next) = &document.superseded_by else {
        return Ok(String::new());
    };
    let current = state
        .services()
        .store
        .current_issued_document(&document.kind, &document.subject, &document.paper)
        .await
        .map_err(WebError::internal)?;
    Ok(current.map_or_else(|| next.clone(), |current| current.id))
}

/// The issuing office as the letterhead the admin set on `/admin/kop` names it (office and
/// government, the way the documents print it); the configured office name when the
/// letterhead leaves the office empty. The issue row does not record the letterhead it was
/// printed with, so this is the current one.
async fn issuing_office(state: &AppState) -> Result<String, WebError> {
    let letterhead_setting = LetterheadSetting::load(state.services()).await?;
    let office = letterhead_setting.office.trim();
    let government = letterhead_setting.government.trim();
    Ok(match (office.is_empty(), government.is_empty()) {
        (true, _) => state.office_name(),
        (false, true) => office.to_owned(),
        (false, false) => format!("{office}, {government}"),
    })
}

fn partial(
    state: &AppState,
    tr: Tr,
    id: &str,
    document: Option<&IssuedDocument>,
    office: String,
    latest: String,
) -> VerifyPartial {
    let Some(document) = document else {
        return VerifyPartial {
            tr,
            id: String::new(),
            status: "unknown",
            kind: String::new(),
            number: String::new(),
            issued_at: String::new(),
            office: String::new(),
            sha256: String::new(),
            latest: String::new(),
            check: "",
            uploaded_sha256: String::new(),
        };
    };
    VerifyPartial {
        tr,
        id: id.to_owned(),
        status: if document.superseded_by.is_some() {
            "superseded"
        } else {
            "valid"
        },
        kind: DocumentKind::from_code(&document.kind)
            .map(|kind| kind.label(tr.lang()))
            .unwrap_or_else(|| document.kind.clone()),
        number: document.number.clone(),
        issued_at: format_datetime(
            tr.lang(),
            state.services().calendar.snapshot().time_zone,
            document.issued_at,
        ),
        office,
        sha256: document.sha256.clone(),
        latest,
        check: "",
        uploaded_sha256: String::new(),
    }
}

fn respond(shell: Shell, partial: VerifyPartial) -> Result<Response, WebError> {
    let status = if partial.status == "unknown" {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    let response = page_or_partial(shell, partial, |_, _| String::new())?;
    Ok((status, response).into_response())
}

pub(crate) async fn view_verifikasi_get(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let document = lookup(&state, &id).await?;
    let office = issuing_office(&state).await?;
    let latest = latest_issue(&state, document.as_ref()).await?;
    let partial = partial(&state, shell.tr, &id, document.as_ref(), office, latest);
    respond(shell, partial)
}

/// Compares an uploaded PDF with the issued one by SHA-256 (byte identity).
pub(crate) async fn view_verifikasi_post(
    State(state): State<AppState>,
    shell: Shell,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let document = lookup(&state, &id).await?;
    let mut uploaded: Option<String> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::bad_request("docs-verify-upload-failed"))?
    {
        if field.name() == Some("pdf") {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| WebError::bad_request("docs-verify-upload-failed"))?;
            uploaded = Some(pelihara_documents::sha256_hex(&bytes));
        }
    }
    let office = issuing_office(&state).await?;
    let latest = latest_issue(&state, document.as_ref()).await?;
    let mut partial = partial(&state, shell.tr, &id, document.as_ref(), office, latest);
    if let (Some(document), Some(uploaded)) = (document, uploaded) {
        partial.check = if uploaded == document.sha256 {
            "identical"
        } else {
            "different"
        };
        partial.uploaded_sha256 = uploaded;
    }
    respond(shell, partial)
}
