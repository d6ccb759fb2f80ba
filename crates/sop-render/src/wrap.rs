//! Line wrapping of cell text by character count. SVG has no text flow, so the layout
//! estimates widths with a fixed average character width; this module only splits text and
//! must never measure fonts or decide widths.

/// One piece of a word: the text, and whether it continues the previous piece with no space.
struct Piece<'a> {
    text: &'a str,
    joined: bool,
}

/// Splits `text` into lines of at most `max_chars` characters. Breaks at spaces; a word that
/// does not fit may break after a `/` (as in "Aplikasi/Website") and, when nothing else
/// fits, inside the word. Runs of whitespace count as one space.
pub fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let max_chars = max_chars.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_chars = 0;
    for word in text.split_whitespace() {
        for piece in pieces(word, max_chars) {
            let piece_chars = piece.text.chars().count();
            let space = usize::from(!piece.joined && line_chars > 0);
            if line_chars > 0 && line_chars + space + piece_chars > max_chars {
                lines.push(std::mem::take(&mut line));
                line_chars = 0;
            } else if space == 1 {
                line.push(' ');
                line_chars += 1;
            }
            line.push_str(piece.text);
            line_chars += piece_chars;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The pieces a word may break into: after each `/`, then into chunks of `max_chars`.
fn pieces(word: &str, max_chars: usize) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut first = true;
    for segment in word.split_inclusive('/') {
        let mut rest = segment;
        while !rest.is_empty() {
            let cut = rest
                .char_indices()
                .nth(max_chars)
                .map_or(rest.len(), |(index, _)| index);
            let (head, tail) = rest.split_at(cut);
            out.push(Piece {
                text: head,
                joined: !first,
            });
            first = false;
            rest = tail;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces_within_the_limit() {
        let lines = wrap("Disposisi Kepala Dinas ke Sekretaris", 16);
        assert_eq!(lines, ["Disposisi Kepala", "Dinas ke", "Sekretaris"]);
        assert!(lines.iter().all(|line| line.chars().count() <= 16));
    }

    #[test]
    fn keeps_slashed_words_together_when_they_fit_and_breaks_after_the_slash_otherwise() {
        assert_eq!(
            wrap("Pemeliharaan Aplikasi/Website", 40),
            ["Pemeliharaan Aplikasi/Website"]
        );
        assert_eq!(
            wrap("Pemeliharaan Aplikasi/Website", 20),
            ["Pemeliharaan", "Aplikasi/Website"]
        );
        assert_eq!(
            wrap("Persyaratan/Kelengkapan", 14),
            ["Persyaratan/", "Kelengkapan"]
        );
    }

    #[test]
    fn breaks_inside_words_only_when_nothing_else_fits() {
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), Vec::<String>::new());
        assert_eq!(wrap("  a   b  ", 10), ["a b"]);
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(wrap("ééé ééé", 3), ["ééé", "ééé"]);
    }
}
