//! Pelihara's official documents as PDFs: lembar disposisi, kartu kendali, tanda terima,
//! berita acara pemeliharaan, the SOP document and the signed SOP monitoring form, laid out by typst (used as a library, with
//! bundled fonts) on A4 or F4 paper, each with a QR code to its public verification page.
//!
//! Pure: inputs are plain structs ([`model`]); this crate never reads a store, a file, the
//! environment or the clock, and never builds typst markup out of user text (every text goes
//! in as a value). Typst stays inside this crate.

mod error;
mod logo;
pub mod model;
mod printed;
mod qr;
mod record;
mod render;
mod report;
mod skm;
mod values;
mod words;

pub use error::DocsError;
pub use logo::{LOGO_MAX_BYTES, LogoError, LogoFormat, check_logo};
pub use model::*;
pub use qr::qr_svg;
pub use record::{MaintenanceRecordDoc, RecordCaseDoc, RecordStepRow, render_maintenance_record};
pub use render::Rendered;
pub use report::{ReportDoc, ReportTableDoc, render_report};
pub use skm::{SkmReportDoc, SkmRow, render_skm_report};
pub use words::terbilang;

use pelihara_i18n::Lang;
use pelihara_sop::SopDefinition;
use sha2::{Digest, Sha256};

/// The kinds of documents Pelihara issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    DispositionSheet,
    ControlCard,
    Receipt,
    MaintenanceReport,
    Sop,
    /// The SOP monitoring form of PermenPAN-RB 35/2012, signed by its assessor.
    MonitoringForm,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::DispositionSheet,
        DocumentKind::ControlCard,
        DocumentKind::Receipt,
        DocumentKind::MaintenanceReport,
        DocumentKind::Sop,
        DocumentKind::MonitoringForm,
    ];

    /// The stable code (database, URLs).
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::DispositionSheet => "lembar-disposisi",
            DocumentKind::ControlCard => "kartu-kendali",
            DocumentKind::Receipt => "tanda-terima",
            DocumentKind::MaintenanceReport => "berita-acara",
            DocumentKind::Sop => "sop",
            DocumentKind::MonitoringForm => "monitoring-sop",
        }
    }

    pub fn from_code(code: &str) -> Option<DocumentKind> {
        DocumentKind::ALL
            .into_iter()
            .find(|kind| kind.code() == code)
    }

    /// The document's name as people say it ("Lembar Disposisi").
    pub fn label(self, lang: Lang) -> String {
        pelihara_i18n::t(lang, &format!("docs-kind-{}", self.code()))
    }
}

/// A document to render, with its inputs.
#[derive(Debug, Clone, Copy)]
pub enum Document<'a> {
    DispositionSheet(&'a DispositionSheet),
    ControlCard(&'a ControlCard),
    Receipt(&'a Receipt),
    MaintenanceReport(&'a MaintenanceReport),
    Sop(&'a SopDefinition),
    MonitoringForm(&'a MonitoringFormDoc),
}

impl Document<'_> {
    pub fn kind(&self) -> DocumentKind {
        match self {
            Document::DispositionSheet(_) => DocumentKind::DispositionSheet,
            Document::ControlCard(_) => DocumentKind::ControlCard,
            Document::Receipt(_) => DocumentKind::Receipt,
            Document::MaintenanceReport(_) => DocumentKind::MaintenanceReport,
            Document::Sop(_) => DocumentKind::Sop,
            Document::MonitoringForm(_) => DocumentKind::MonitoringForm,
        }
    }
}

/// Renders a document as PDF bytes. Typst's memo cache is evicted after every compile, so
/// memory stays bounded however many documents are made.
pub fn render(
    document: Document<'_>,
    setting: &Setting,
    issue: &Issue,
) -> Result<Rendered, DocsError> {
    render::render(document, setting, issue)
}

/// A fresh verification id: 128 random bits from the operating system's generator, as 32
/// lowercase hex digits, so ids cannot be guessed or enumerated.
pub fn new_verification_id() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// Whether `text` has the shape of a verification id (before any lookup).
pub fn is_verification_id(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase())
}

/// The verification address a QR code carries: `{base}/verifikasi/{id}`.
pub fn verify_url(public_base_url: &str, id: &str) -> String {
    format!(
        "{}/verifikasi/{id}",
        public_base_url.trim().trim_end_matches('/')
    )
}

/// The public tracking page of a request: `{base}/lacak/{tracking_code}`.
pub fn tracking_url(public_base_url: &str, tracking_code: &str) -> String {
    format!(
        "{}/lacak/{tracking_code}",
        public_base_url.trim().trim_end_matches('/')
    )
}

/// Lowercase hex SHA-256 of bytes (a PDF's identity in the audit trail).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
