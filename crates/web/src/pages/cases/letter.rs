//! The request letter that a new request or a resubmission uploads: the limit of the form it
//! comes in, and storing the PDF.

use axum::extract::Multipart;
use pelihara_domain::DocumentRef;

use crate::error::WebError;
use crate::forms::{MultipartForm, Upload, read_multipart};
use crate::lang::Tr;
use crate::state::Services;

/// The largest letter accepted; a scanned letter of several pages fits.
const LETTER_MAX_BYTES: usize = 10 * 1024 * 1024;

/// Reads the form a letter comes with (the new request, a case action), letters within
/// [`LETTER_MAX_BYTES`].
pub(super) async fn read_form(multipart: Multipart) -> Result<MultipartForm, WebError> {
    read_multipart(multipart, LETTER_MAX_BYTES, "web-error-bad-form").await
}

/// A file name fit to keep as metadata: no path, no control characters, bounded length.
fn sanitise_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?') {
                '_'
            } else {
                c
            }
        })
        .take(120)
        .collect();
    if cleaned.trim().is_empty() || cleaned.starts_with('.') {
        "surat.pdf".to_owned()
    } else {
        cleaned
    }
}

/// Checks an upload is a PDF by its content, and stores it durably.
pub(super) fn store_letter(
    services: &Services,
    upload: Option<&Upload>,
    oversized: bool,
    tr: Tr,
    errors: &mut Vec<String>,
) -> Result<Option<DocumentRef>, WebError> {
    if oversized {
        errors.push(tr.t1(
            "web-error-letter-too-large",
            "mb",
            LETTER_MAX_BYTES / (1024 * 1024),
        ));
        return Ok(None);
    }
    let Some(Upload {
        file_name: name,
        bytes,
    }) = upload
    else {
        return Ok(None);
    };
    // A PDF starts with "%PDF-" (within its first KiB, per the specification) and carries an
    // end-of-file marker near its end; anything else is refused whatever its name says.
    let head = &bytes[..bytes.len().min(1024)];
    let is_pdf = head.windows(5).any(|window| window == b"%PDF-")
        && bytes[bytes.len().saturating_sub(2048)..]
            .windows(5)
            .any(|window| window == b"%%EOF");
    if !is_pdf {
        errors.push(tr.t("web-error-letter-not-pdf"));
        return Ok(None);
    }
    let sha256 = services.blobs.put(bytes).map_err(WebError::internal)?;
    Ok(Some(DocumentRef {
        sha256,
        file_name: sanitise_file_name(name),
        size: bytes.len() as u64,
        media_type: "application/pdf".to_owned(),
    }))
}
