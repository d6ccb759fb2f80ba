//! Escaping of text placed in SVG and HTML markup. It must never be skipped for text that
//! comes from an SOP definition: activity texts are written by people and may hold `&`, `<`
//! or quotes. It does not build markup itself.

/// `text` made safe for XML/HTML character data and for quoted attribute values. Control
/// characters that XML 1.0 forbids even when escaped are dropped, so a stray one pasted into a
/// definition cannot make the SVG unreadable.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(character),
            control
                if (control as u32) < 0x20 || control == '\u{FFFE}' || control == '\u{FFFF}' => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_characters_and_drops_forbidden_controls() {
        assert_eq!(
            escape("A & B <c> \"d\" 'e'"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &#39;e&#39;"
        );
        assert_eq!(escape("bell\u{7}ed\u{0}"), "belled");
        assert_eq!(
            escape("Surat Permohonan & Lampiran"),
            "Surat Permohonan &amp; Lampiran"
        );
        assert_eq!(escape("plain"), "plain");
    }
}
