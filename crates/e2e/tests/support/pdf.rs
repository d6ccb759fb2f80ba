//! A small, valid one-page PDF written by hand (header, four objects, a cross-reference table
//! with exact byte offsets, trailer), standing in for an OPD's scanned request letter. It must
//! never depend on a PDF library: the bytes are what a strict reader checks.

/// A one-page A4 PDF showing `line` (ASCII letters, digits, spaces and simple punctuation).
pub fn letter(line: &str) -> Vec<u8> {
    let text: String = line
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .filter(|c| !matches!(c, '(' | ')' | '\\'))
        .collect();
    let content = format!("BT /F1 14 Tf 72 770 Td ({text}) Tj ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    // The binary comment line tells readers the file is not plain text.
    let mut pdf: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", index + 1).as_bytes());
    }
    let xref_at = pdf.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        // Each entry is exactly 20 bytes: 10-digit offset, space, generation, space, n, EOL.
        xref.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.extend_from_slice(xref.as_bytes());
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn the_letter_has_a_matching_cross_reference_table() {
    let pdf = letter("Surat permohonan (uji)");
    let text = String::from_utf8_lossy(&pdf);
    let startxref: usize = text
        .rsplit("startxref\n")
        .next()
        .and_then(|tail| tail.lines().next())
        .and_then(|line| line.parse().ok())
        .expect("a startxref offset");
    assert!(pdf[startxref..].starts_with(b"xref\n"));
    // Offsets count bytes: the table is read from the bytes, not from the lossy text above
    // (whose replacement characters for the binary comment are longer than the bytes).
    let table = std::str::from_utf8(&pdf[startxref..]).expect("an ASCII table");
    for (number, line) in table.lines().skip(3).take(5).enumerate() {
        let offset: usize = line[..10].parse().expect("a 10-digit offset");
        let header = format!("{} 0 obj", number + 1);
        assert!(
            pdf[offset..].starts_with(header.as_bytes()),
            "object {} at {offset}",
            number + 1
        );
    }
    // Parentheses would end the string operand early: they are dropped.
    assert!(text.contains("(Surat permohonan uji) Tj"));
}
