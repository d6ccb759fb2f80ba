//! Checks an uploaded emblem for the letterhead by its content (never by its name or the
//! type the browser claims): PNG by its signature and header, SVG as UTF-8 text whose root is
//! an `<svg>` element. It must never accept a file typst would then fail on silently: the
//! web layer also renders a trial document with the logo before keeping it.

/// The largest emblem accepted: a kop logo is printed 24 mm high; 512 KiB is plenty.
pub const LOGO_MAX_BYTES: usize = 512 * 1024;

/// The largest PNG side accepted, in pixels (a bigger image only costs memory on every render).
const PNG_MAX_SIDE: u32 = 4000;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// What an accepted logo is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Svg,
}

impl LogoFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            LogoFormat::Png => "image/png",
            LogoFormat::Svg => "image/svg+xml",
        }
    }
}

/// Why a logo was refused; each has its own message for the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {LOGO_MAX_BYTES} bytes")]
    TooLarge,
    #[error("the file is neither a PNG nor an SVG image")]
    NotAnImage,
    #[error("the PNG image is damaged or too large")]
    BadPng,
}

impl LogoError {
    /// The i18n key of the message shown next to the upload field.
    pub fn message_key(self) -> &'static str {
        match self {
            LogoError::Empty => "docs-logo-empty",
            LogoError::TooLarge => "docs-logo-too-large",
            LogoError::NotAnImage => "docs-logo-not-image",
            LogoError::BadPng => "docs-logo-bad-png",
        }
    }
}

/// Checks an emblem's bytes and says which format they are.
pub fn check_logo(bytes: &[u8]) -> Result<LogoFormat, LogoError> {
    if bytes.is_empty() {
        return Err(LogoError::Empty);
    }
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(LogoError::TooLarge);
    }
    if bytes.starts_with(&PNG_SIGNATURE) {
        return check_png(bytes).map(|()| LogoFormat::Png);
    }
    if is_svg(bytes) {
        return Ok(LogoFormat::Svg);
    }
    Err(LogoError::NotAnImage)
}

/// The IHDR chunk must come first with a sane width and height.
fn check_png(bytes: &[u8]) -> Result<(), LogoError> {
    let header = bytes.get(8..24).ok_or(LogoError::BadPng)?;
    if &header[4..8] != b"IHDR" {
        return Err(LogoError::BadPng);
    }
    let side = |range: std::ops::Range<usize>| {
        header
            .get(range)
            .and_then(|slice| <[u8; 4]>::try_from(slice).ok())
            .map(u32::from_be_bytes)
    };
    match (side(8..12), side(12..16)) {
        (Some(width), Some(height))
            if (1..=PNG_MAX_SIDE).contains(&width) && (1..=PNG_MAX_SIDE).contains(&height) =>
        {
            Ok(())
        }
        _ => Err(LogoError::BadPng),
    }
}

/// UTF-8 text whose first element (after a BOM, an XML declaration, comments and a doctype)
/// is `<svg`.
fn is_svg(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if rest.starts_with("<svg") {
            return true;
        }
        let skipped = if rest.starts_with("<?") {
            rest.find("?>").map(|end| end + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|end| end + 3)
        } else if rest.starts_with("<!") {
            rest.find('>').map(|end| end + 1)
        } else {
            None
        };
        match skipped {
            Some(end) => rest = rest[end..].trim_start(),
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(&13u32.to_be_bytes());
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 6, 0, 0, 0]);
        bytes
    }

    #[test]
    fn accepts_png_and_svg_by_content() {
        assert_eq!(check_logo(&png(200, 240)), Ok(LogoFormat::Png));
        let svg = "\u{feff}<?xml version=\"1.0\"?>\n<!-- lambang -->\n<!DOCTYPE svg>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(check_logo(svg.as_bytes()), Ok(LogoFormat::Svg));
    }

    #[test]
    fn refuses_everything_else() {
        assert_eq!(check_logo(b""), Err(LogoError::Empty));
        assert_eq!(check_logo(b"%PDF-1.7"), Err(LogoError::NotAnImage));
        assert_eq!(
            check_logo(b"\xff\xd8\xff\xe0JFIF"),
            Err(LogoError::NotAnImage)
        );
        assert_eq!(
            check_logo(b"<html><svg></svg></html>"),
            Err(LogoError::NotAnImage)
        );
        assert_eq!(check_logo(&png(0, 10)), Err(LogoError::BadPng));
        assert_eq!(check_logo(&png(5000, 10)), Err(LogoError::BadPng));
        assert_eq!(check_logo(&PNG_SIGNATURE), Err(LogoError::BadPng));
        let mut big = b"<svg>".to_vec();
        big.resize(LOGO_MAX_BYTES + 1, b' ');
        assert_eq!(check_logo(&big), Err(LogoError::TooLarge));
    }
}
