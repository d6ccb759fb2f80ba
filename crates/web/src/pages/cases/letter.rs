//! The request letter that a new request or a resubmission uploads: the multipart form it
//! comes in, read with limits, and storing the PDF.

use std::collections::HashMap;

use axum::extract::Multipart;
use pelihara_domain::DocumentRef;

use crate::error::WebError;
use crate::lang::Tr;
use crate::state::Services;

/// The largest letter accepted; a scanned letter of several pages fits.
const LETTER_MAX_BYTES: usize = 10 * 1024 * 1024;

/// The fields and files of a multipart form, read with limits.
#[derive(Default)]
pub(super) struct FormData {
    pub(super) fields: HashMap<String, String>,
    pub(super) files: HashMap<String, (String, Vec<u8>)>,
    /// A file was larger than allowed.
    pub(super) oversized: bool,
}

impl FormData {
    pub(super) fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .get(name)
            .map(|joined| joined.split('\u{1f}').map(str::to_owned).collect())
            .unwrap_or_default()
    }
}

pub(super) async fn read_form(mut multipart: Multipart) -> Result<FormData, WebError> {
    let mut form = FormData::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| WebError::bad_request("web-error-bad-form"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| WebError::bad_request("web-error-bad-form"))?;
            if bytes.is_empty() {
                continue;
            }
            if bytes.len() > LETTER_MAX_BYTES {
                form.oversized = true;
                continue;
            }
            form.files.insert(name, (file_name, bytes.to_vec()));
        } else {
            let value = field
                .text()
                .await
                .map_err(|_| WebError::bad_request("web-error-bad-form"))?;
            // Repeated fields (checkboxes) are joined with a unit separator.
            form.fields
                .entry(name)
                .and_modify(|existing| {
                    existing.push('\u{1f}');
                    existing.push_str(&value);
                })
                .or_insert(value);
        }
    }
    Ok(form)
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
    upload: Option<&(String, Vec<u8>)>,
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
    let Some((name, bytes)) = upload else {
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
