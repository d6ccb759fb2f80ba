//! Form errors shown next to their fields: handlers collect one translated message per field
//! (or for the whole form), templates ask for a field's message and its Bootstrap class. It
//! must never hold what the user typed: forms keep their own values to show them again.

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
}
