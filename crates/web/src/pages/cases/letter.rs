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
pub(crate) async fn read_form(multipart: Multipart) -> Result<MultipartForm, WebError> {
    read_multipart(multipart, LETTER_MAX_BYTES, "web-error-bad-form").await
}

/// Characters that change how the text around them is shown (bidirectional overrides and
/// isolates, zero-width marks): "surat\u{202E}fdp.exe" would read as "suratexe.pdf".
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A file name fit to keep as metadata: no path, no control or direction characters, bounded
/// length.
fn sanitise_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_invisible_format(*c))
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
pub(crate) struct CheckedLetter<'a> {
    pub document: DocumentRef,
    bytes: &'a [u8],
}

impl CheckedLetter<'_> {
    /// Stores the letter durably; done before the write that refers to it commits.
    pub(crate) async fn keep(&self, services: &Services) -> Result<(), WebError> {
        services
            .blobs
            .put(self.bytes)
            .await
            .map_err(WebError::internal)?;
        Ok(())
    }
}

/// Checks an upload is a PDF by its content and within the limit; writes nothing.
pub(crate) fn check_letter<'a>(
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

/// Whether a PDF carries what a viewer could run or open (scripts, actions, launches, embedded
/// files, forms that submit) or is also read as a web page (an HTML polyglot). Such a letter
/// is served as a download, never shown in the browser.
pub(crate) fn has_active_content(bytes: &[u8]) -> bool {
    const PDF_NAMES: [&[u8]; 9] = [
        b"/javascript",
        b"/js",
        b"/openaction",
        b"/aa",
        b"/launch",
        b"/embeddedfile",
        b"/richmedia",
        b"/xfa",
        b"/submitform",
    ];
    const HTML: [&[u8]; 4] = [b"<html", b"<script", b"<svg", b"<!doctype"];
    let lower = bytes.to_ascii_lowercase();
    let name_at = |name: &[u8]| {
        lower.windows(name.len()).enumerate().any(|(at, window)| {
            // A PDF name ends at a delimiter: "/JS" but not "/JSX", "/AA" but not "/AAPL".
            window == name
                && lower
                    .get(at + name.len())
                    .is_none_or(|next| !next.is_ascii_alphanumeric())
        })
    };
    PDF_NAMES.iter().any(|name| name_at(name))
        || HTML
            .iter()
            .any(|tag| lower.windows(tag.len()).any(|window| window == *tag))
}

/// The Content-Disposition of a letter: shown in the browser only when it is a plain PDF,
/// with its name as ASCII and as UTF-8 (RFC 6266), so an Indonesian name survives.
pub(crate) fn letter_disposition(file_name: &str, bytes: &[u8]) -> String {
    let kind = if has_active_content(bytes) {
        "attachment"
    } else {
        "inline"
    };
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_characters_leave_file_names() {
        assert_eq!(sanitise_file_name("surat\u{202E}fdp.exe"), "suratfdp.exe");
        assert_eq!(
            sanitise_file_name("Surat Dinas Kesehatan.pdf"),
            "Surat Dinas Kesehatan.pdf"
        );
    }

    #[test]
    fn a_pdf_with_a_script_or_a_web_page_inside_is_a_download() {
        let plain = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n";
        assert!(!has_active_content(plain));
        assert!(letter_disposition("surat.pdf", plain).starts_with("inline;"));
        for active in [
            &b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF"[..],
            b"%PDF-1.4\n<< /AA << /O 3 0 R >> >>\n%%EOF",
            b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF",
            b"%PDF-1.4\n<< /Type /EmbeddedFile >>\n%%EOF",
        ] {
            assert!(
                has_active_content(active),
                "{}",
                String::from_utf8_lossy(active)
            );
            assert!(letter_disposition("surat.pdf", active).starts_with("attachment;"));
        }
        // Names that merely start like one are not.
        assert!(!has_active_content(b"%PDF-1.4 /AAPL /JSX %%EOF"));
        let disposition = letter_disposition("Surat ke Dinas \u{201C}Kominfo\u{201D}.pdf", plain);
        assert!(
            disposition
                .contains("filename*=UTF-8''Surat%20ke%20Dinas%20%E2%80%9CKominfo%E2%80%9D.pdf"),
            "{disposition}"
        );
    }
}
