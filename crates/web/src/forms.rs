//! Forms: the errors shown next to their fields (handlers collect one translated message per
//! field, or for the whole form; templates ask for a field's message and its Bootstrap class),
//! and the one reader of multipart forms (uploads), with a limit per file. `FormErrors` must
//! never hold what the user typed: forms keep their own values to show them again.

use std::collections::HashMap;

use axum::extract::Multipart;

use crate::error::WebError;

/// The errors of one form submission, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    fields: Vec<(String, String)>,
    form: Vec<String>,
}

impl FormErrors {
    pub fn new() -> FormErrors {
        FormErrors::default()
    }

    /// Records the message for `field`; the first message of a field is the one shown.
    pub fn field(&mut self, field: &str, message: String) {
        if self.of(field).is_none() {
            self.fields.push((field.to_owned(), message));
        }
    }

    /// Records a message about the whole form (shown above it).
    pub fn form(&mut self, message: String) {
        self.form.push(message);
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.form.is_empty()
    }

    /// How many messages were recorded (a check can tell whether it added any).
    pub fn len(&self) -> usize {
        self.fields.len() + self.form.len()
    }

    /// The message for `field`, if any: `{% if let Some(message) = errors.of("name") %}`.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }

    /// ` is-invalid` for a field with a message, so Bootstrap marks it and shows the message.
    pub fn class(&self, field: &str) -> &'static str {
        if self.of(field).is_some() {
            " is-invalid"
        } else {
            ""
        }
    }

    /// The messages about the whole form.
    pub fn general(&self) -> &[String] {
        &self.form
    }
}

/// A file sent with a multipart form.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the browser gave, as sent (callers clean it before keeping it).
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The fields and files of a multipart form, read with [`read_multipart`].
#[derive(Debug, Default)]
pub struct MultipartForm {
    /// Text fields in the order sent; a name repeats for checkboxes.
    fields: Vec<(String, String)>,
    /// Non-empty files within the limit, by field name.
    files: HashMap<String, Upload>,
    /// A file was larger than the limit (and was left out).
    oversized: bool,
}

impl MultipartForm {
    /// The first value of the text field `name`, as sent; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    /// Every value of the text field `name`, in order (checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    /// The text fields whose name starts with `prefix`, in the order sent.
    pub fn fields_starting_with(&self, prefix: &str) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|(key, _)| key.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// The file sent as `name`, if one was chosen and it was within the limit.
    pub fn file(&self, name: &str) -> Option<&Upload> {
        self.files.get(name)
    }

    /// Whether a file was larger than the limit (it is not in [`MultipartForm::file`]).
    pub fn oversized(&self) -> bool {
        self.oversized
    }
}

/// Reads a multipart form whole: text fields, and files of at most `max_file_bytes` each (an
/// empty file counts as none chosen; a larger one is left out and marks the form oversized).
/// A malformed body is a 400 with the message `unreadable` (a key of the `.ftl` files); a text
/// field with a control character is a 400 naming it.
pub async fn read_multipart(
    mut multipart: Multipart,
    max_file_bytes: usize,
    unreadable: &'static str,
) -> Result<MultipartForm, WebError> {
    let bad = |_| WebError::bad_request(unreadable);
    let mut form = MultipartForm::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            let bytes = field.bytes().await.map_err(bad)?;
            if bytes.is_empty() {
                continue;
            }
            if bytes.len() > max_file_bytes {
                form.oversized = true;
                continue;
            }
            let bytes = bytes.to_vec();
            form.files.insert(name, Upload { file_name, bytes });
        } else {
            let value = field.text().await.map_err(bad)?;
            // As for url-encoded forms (`input_guard`): no field takes a control character.
            if crate::input_guard::has_control_characters(&name)
                || crate::input_guard::has_control_characters(&value)
            {
                return Err(crate::input_guard::refused(&name));
            }
            form.fields.push((name, value));
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_message_per_field() {
        let mut errors = FormErrors::new();
        assert!(errors.is_empty());
        errors.field("username", "wajib diisi".into());
        errors.field("username", "terlalu panjang".into());
        errors.form("gagal".into());
        assert_eq!(errors.of("username"), Some("wajib diisi"));
        assert_eq!(errors.class("username"), " is-invalid");
        assert_eq!(errors.class("password"), "");
        assert_eq!(errors.general(), ["gagal".to_owned()]);
        assert!(!errors.is_empty());
    }

    async fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Multipart {
        use axum::extract::FromRequest;
        let mut body = Vec::new();
        for (name, file_name, value) in parts {
            body.extend_from_slice(b"--XX\r\n");
            let disposition = match file_name {
                Some(file) => format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\r\n"
                ),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XX--\r\n");
        let request = axum::http::Request::builder()
            .method("POST")
            .header("content-type", "multipart/form-data; boundary=XX")
            .body(axum::body::Body::from(body))
            .expect("request");
        Multipart::from_request(request, &())
            .await
            .expect("multipart")
    }

    #[tokio::test]
    async fn reads_fields_in_order_and_files_within_the_limit() {
        let form = read_multipart(
            multipart(&[
                ("aksi", None, b"dispose"),
                ("instructions", None, b"a"),
                ("instructions", None, b"b"),
                ("letter", Some("surat.pdf"), b"%PDF-1"),
                ("empty", Some(""), b""),
                ("big", Some("big.pdf"), b"0123456789"),
            ])
            .await,
            8,
            "web-error-bad-form",
        )
        .await
        .expect("read");
        assert_eq!(form.text("aksi"), "dispose");
        assert_eq!(form.text("instructions"), "a");
        assert_eq!(form.all("instructions"), ["a", "b"]);
        assert_eq!(form.text("missing"), "");
        let letter = form.file("letter").expect("letter");
        assert_eq!(
            (letter.file_name.as_str(), &letter.bytes[..]),
            ("surat.pdf", &b"%PDF-1"[..])
        );
        assert!(form.file("empty").is_none(), "an empty file is no file");
        assert!(
            form.file("big").is_none() && form.oversized(),
            "over the limit: left out"
        );
    }

    #[tokio::test]
    async fn a_malformed_body_is_a_bad_request_with_the_callers_message() {
        let request = axum::http::Request::builder()
            .method("POST")
            .header("content-type", "multipart/form-data; boundary=XX")
            .body(axum::body::Body::from("--XX\r\nnot a part"))
            .expect("request");
        let multipart = <Multipart as axum::extract::FromRequest<()>>::from_request(request, &())
            .await
            .expect("multipart");
        let error = read_multipart(multipart, 8, "register-import-unreadable")
            .await
            .expect_err("malformed");
        assert!(
            matches!(&error, WebError::BadRequest(message) if message.key() == "register-import-unreadable"),
            "{error:?}"
        );
    }
}
