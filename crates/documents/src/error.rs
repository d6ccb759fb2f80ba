//! Why a document could not be made: the one error type of the crate, kept apart so that the
//! value builders and the typst renderer can both use it without importing each other.

#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("the QR code could not be made: {0}")]
    Qr(String),
    #[error("typst: {0}")]
    Typst(String),
    #[error("PDF export: {0}")]
    Pdf(String),
}
