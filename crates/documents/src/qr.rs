//! The QR code of a document's verification address, as SVG for typst to place. Encoding is
//! the `qrcode` crate's; this only chooses the error-correction level and the look.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG QR code for `text`, black on white with the standard quiet zone. Level M survives
/// a stamp or a fold across a printed code.
pub fn qr_svg(text: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}
