//! The request letter that a new request or a resubmission uploads: the limit of the form it
//! comes in, checking the PDF, and storing it once what it comes with is accepted.

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

/// A letter that passed its checks, not written yet: it is kept only once the engine has
/// accepted what it comes with, so a refused request leaves no file behind.
pub(super) struct CheckedLetter<'a> {
    pub document: DocumentRef,
    bytes: &'a [u8],
}

impl CheckedLetter<'_> {
    /// Stores the letter durably; done before the write that refers to it commits.
    pub(super) fn keep(&self, services: &Services) -> Result<(), WebError> {
        services.blobs.put(self.bytes).map_err(WebError::internal)?;
        Ok(())
    }
}

/// Checks an upload is a PDF by its content and within the limit; writes nothing.
pub(super) fn check_letter<'a>(
    upload: Option<&'a Upload>,
    oversized: bool,
    tr: Tr,
    errors: &mut Vec<String>,
) -> Option<CheckedLetter<'a>> {
    if oversized {
        errors.push(tr.t1(
            "web-error-letter-too-large",
            "mb",
            LETTER_MAX_BYTES / (1024 * 1024),
        ));
        return None;
    }
    let Upload {
        file_name: name,
        bytes,
    } = upload?;
    // A PDF starts with "%PDF-" (within its first KiB, per the specification) and carries an
    // end-of-file marker near its end; anything else is refused whatever its name says.
    let head = &bytes[..bytes.len().min(1024)];
    let is_pdf = head.windows(5).any(|window| window == b"%PDF-")
        && bytes[bytes.len().saturating_sub(2048)..]
            .windows(5)
            .any(|window| window == b"%%EOF");
    if !is_pdf {
        errors.push(tr.t("web-error-letter-not-pdf"));
        return None;
    }
    Some(CheckedLetter {
        document: DocumentRef {
            sha256: pelihara_store::BlobStore::digest(bytes),
            file_name: sanitise_file_name(name),
            size: bytes.len() as u64,
            media_type: "application/pdf".to_owned(),
        },
        bytes,
    })
}
