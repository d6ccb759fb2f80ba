//! The agenda number of an incoming letter: a configurable format over a yearly sequence.
//! The store hands out the sequence inside the registering transaction (so there are no gaps
//! and no duplicates); this module only formats and checks formats.

/// A format such as `{seq:4}/{kode}/{bulan}/{tahun}`. Placeholders: `{seq}` (the sequence, or
/// `{seq:N}` zero-padded to N digits), `{kode}` (classification code), `{tahun}` (year),
/// `{bulan}` (month in Roman numerals, as Indonesian letters write it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaFormat(String);

/// Why a format was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgendaFormatError {
    #[error("the format has no {{seq}}: numbers would repeat")]
    MissingSequence,
    #[error("unknown placeholder {{{0}}}")]
    UnknownPlaceholder(String),
    #[error("unclosed placeholder")]
    Unclosed,
}

const ROMAN_MONTHS: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

enum Piece<'a> {
    Text(&'a str),
    Sequence { width: usize },
    Code,
    Year,
    Month,
}

fn pieces(format: &str) -> Result<Vec<Piece<'_>>, AgendaFormatError> {
    let mut result = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            result.push(Piece::Text(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(AgendaFormatError::Unclosed)?;
        let name = &after[..close];
        let piece = match name {
            "seq" => Piece::Sequence { width: 0 },
            "kode" => Piece::Code,
            "tahun" => Piece::Year,
            "bulan" => Piece::Month,
            other => match other.strip_prefix("seq:").map(str::parse::<usize>) {
                Some(Ok(width)) if width <= 10 => Piece::Sequence { width },
                _ => return Err(AgendaFormatError::UnknownPlaceholder(other.to_owned())),
            },
        };
        result.push(piece);
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        result.push(Piece::Text(rest));
    }
    Ok(result)
}

impl AgendaFormat {
    pub fn parse(format: &str) -> Result<AgendaFormat, AgendaFormatError> {
        let parsed = pieces(format)?;
        if !parsed
            .iter()
            .any(|piece| matches!(piece, Piece::Sequence { .. }))
        {
            return Err(AgendaFormatError::MissingSequence);
        }
        Ok(AgendaFormat(format.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number for `sequence` in `year` and `month` (1-12) under `code`.
    pub fn render(&self, sequence: u32, code: &str, year: i32, month: u32) -> String {
        // The format was checked by `parse`, so `pieces` cannot fail here.
        let parsed = pieces(&self.0).unwrap_or_default();
        let mut out = String::new();
        for piece in parsed {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Sequence { width } => out.push_str(&format!("{sequence:0width$}")),
                Piece::Code => out.push_str(code),
                Piece::Year => out.push_str(&year.to_string()),
                Piece::Month => out.push_str(
                    ROMAN_MONTHS
                        .get(month.saturating_sub(1) as usize)
                        .copied()
                        .unwrap_or(""),
                ),
            }
        }
        out
    }
}

impl Default for AgendaFormat {
    fn default() -> Self {
        AgendaFormat("{seq:4}/{kode}/{tahun}".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_formats() {
        let cases = [
            (
                "{seq}/{kode}/{tahun}",
                7,
                "000.5.2.3",
                2026,
                11,
                "7/000.5.2.3/2026",
            ),
            (
                "{seq:4}/{kode}/{tahun}",
                42,
                "005",
                2026,
                1,
                "0042/005/2026",
            ),
            (
                "B-{seq:3}/Dinkominfo/{bulan}/{tahun}",
                5,
                "x",
                2026,
                11,
                "B-005/Dinkominfo/XI/2026",
            ),
        ];
        for (format, seq, code, year, month, expected) in cases {
            let parsed = AgendaFormat::parse(format).unwrap();
            assert_eq!(parsed.render(seq, code, year, month), expected, "{format}");
        }
    }

    #[test]
    fn refuses_bad_formats() {
        assert_eq!(
            AgendaFormat::parse("{kode}/{tahun}"),
            Err(AgendaFormatError::MissingSequence)
        );
        assert_eq!(
            AgendaFormat::parse("{seq}/{year}"),
            Err(AgendaFormatError::UnknownPlaceholder("year".into()))
        );
        assert_eq!(
            AgendaFormat::parse("{seq"),
            Err(AgendaFormatError::Unclosed)
        );
    }
}
