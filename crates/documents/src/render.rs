//! The typst engine (built once, with the bundled fonts and the document templates) and the
//! compile of one document to PDF. Every compile is followed by a full eviction of typst's
//! memo cache: documents are rendered one by one, not edited live, so the cache only grows.

use std::sync::OnceLock;
use std::time::Instant;

use typst::diag::SourceDiagnostic;
use typst::foundations::{Dict, Smart};
use typst_as_lib::{TypstAsLibError, TypstEngine};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::error::DocsError;
use crate::model::{Issue, Setting};
use crate::{Document, values};

/// Liberation Sans has Arial's metrics, the face tata naskah dinas asks for; typst's own fonts
/// (Libertinus Serif, New Computer Modern, DejaVu Sans Mono) stay as fallbacks for symbols.
const LIBERATION_SANS: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../fonts/LiberationSans-BoldItalic.ttf"),
];

const TEMPLATES: [(&str, &str); 7] = [
    ("common.typ", include_str!("../templates/common.typ")),
    (
        "lembar-disposisi.typ",
        include_str!("../templates/disposisi.typ"),
    ),
    (
        "kartu-kendali.typ",
        include_str!("../templates/kartu_kendali.typ"),
    ),
    (
        "tanda-terima.typ",
        include_str!("../templates/tanda_terima.typ"),
    ),
    (
        "berita-acara.typ",
        include_str!("../templates/berita_acara.typ"),
    ),
    ("sop.typ", include_str!("../templates/sop.typ")),
    (
        "monitoring-sop.typ",
        include_str!("../templates/monitoring_sop.typ"),
    ),
];

/// A rendered document: the PDF, its SHA-256 and how long it took.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub sha256: String,
    pub pages: usize,
    pub elapsed: std::time::Duration,
}

/// A typst engine over `templates` with the fonts every document is set in. Its caches are
/// evicted after each compile so that a server issuing documents for months holds no more
/// memory than one document needs.
pub(crate) fn engine_over(
    templates: impl IntoIterator<Item = (&'static str, &'static str)>,
) -> TypstEngine {
    TypstEngine::builder()
        .with_static_source_file_resolver(templates)
        .fonts(LIBERATION_SANS.into_iter().chain(typst_assets::fonts()))
        .comemo_evict_max_age(Some(0))
        .build()
}

fn engine() -> &'static TypstEngine {
    static ENGINE: OnceLock<TypstEngine> = OnceLock::new();
    ENGINE.get_or_init(|| engine_over(TEMPLATES))
}

fn diagnostics(list: &[SourceDiagnostic]) -> String {
    list.iter()
        .map(|diagnostic| diagnostic.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

fn typst_error(error: TypstAsLibError) -> DocsError {
    match error {
        TypstAsLibError::TypstSource(list) => DocsError::Typst(diagnostics(&list)),
        other => DocsError::Typst(other.to_string()),
    }
}

pub fn render(
    document: Document<'_>,
    setting: &Setting,
    issue: &Issue,
) -> Result<crate::Rendered, DocsError> {
    let started = Instant::now();
    let inputs: Dict = values::inputs(document, setting, issue)?;
    let main = format!("{}.typ", document.kind().code());
    let compiled = engine().compile_with_input::<_, _, PagedDocument>(main.as_str(), inputs);
    let paged = compiled.output.map_err(typst_error)?;
    let options = PdfOptions {
        // A stable identifier per issue; the content alone decides the rest of the bytes.
        ident: Smart::Custom(issue.id.clone()),
        ..PdfOptions::default()
    };
    let pdf =
        typst_pdf::pdf(&paged, &options).map_err(|list| DocsError::Pdf(diagnostics(&list)))?;
    // typst-as-lib already evicted after compiling; the PDF export memoizes too.
    typst::comemo::evict(0);
    Ok(crate::Rendered {
        sha256: crate::sha256_hex(&pdf),
        pages: paged.pages().len(),
        pdf,
        elapsed: started.elapsed(),
    })
}
