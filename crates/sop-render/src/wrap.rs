//! Line wrapping of cell text by character count. SVG has no text flow, so the layout
//! estimates widths with a fixed average character width; this module only splits text and
//! must never measure fonts or decide widths.

/// One piece of a word: the text, and whether it continues the previous piece with no space.
struct Piece<'a> {
    text: &'a str,
    joined: bool,
    /// The word goes on after this piece: a hyphen ends it (counted in its length).
    hyphen: bool,
}

/// Splits `text` into lines of at most `max_chars` characters. Breaks at spaces; a word that
/// does not fit may break after a `/` (as in "Aplikasi/Website") and, when nothing else
/// fits, inside the word: between syllables where it can, with a hyphen where the break
/// falls between two letters. Runs of whitespace count as one space.
pub fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let max_chars = max_chars.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_chars = 0;
    for word in text.split_whitespace() {
        for piece in pieces(word, max_chars) {
            let piece_chars = piece.text.chars().count() + usize::from(piece.hyphen);
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
            if piece.hyphen {
                // The rest of the word starts the next line, whatever its length.
                line.push('-');
                lines.push(std::mem::take(&mut line));
                line_chars = 0;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The pieces a word may break into: after each `/`, then into chunks of at most `max_chars`
/// (hyphen included).
fn pieces(word: &str, max_chars: usize) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut first = true;
    for segment in word.split_inclusive('/') {
        let mut rest = segment;
        while !rest.is_empty() {
            let (head, tail, hyphen) = split_once(rest, max_chars);
            out.push(Piece {
                text: head,
                joined: !first,
                hyphen,
            });
            first = false;
            rest = tail;
        }
    }
    out
}

/// The first chunk of `text` that fits `max_chars`, the rest, and whether the chunk needs a
/// hyphen. A reader takes "Kepegawai-an" for one word and "Kepegawai an" for two, so a break
/// between letters is marked; one next to a digit or sign (a number, a code) is not, as a
/// hyphen there could read as part of it.
fn split_once(text: &str, max_chars: usize) -> (&str, &str, bool) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.len() <= max_chars {
        return (text, "", false);
    }
    // With room for a hyphen: the last syllable boundary that fits, else the last letter
    // that fits; a cut next to a digit or sign takes the whole width, unmarked.
    let room = max_chars.saturating_sub(1);
    let between_letters =
        |at: usize| at > 0 && chars[at - 1].1.is_alphabetic() && chars[at].1.is_alphabetic();
    let (cut, hyphen) = (MIN_SYLLABLE_CHARS..=room)
        .rev()
        .find(|&at| chars.len() - at >= MIN_SYLLABLE_CHARS && syllable_starts(&chars, at))
        .or_else(|| between_letters(room).then_some(room))
        .map_or((max_chars, false), |at| (at, true));
    let (head, tail) = text.split_at(chars[cut].0);
    (head, tail, hyphen)
}

/// Fewest letters left on either side of a break inside a word.
const MIN_SYLLABLE_CHARS: usize = 2;

/// Whether a syllable starts at `at`, by the rule Indonesian hyphenation follows: a break
/// goes before the consonant that opens a syllable (consonant then vowel), and "ng", "ny",
/// "kh" and "sy" count as one consonant ("me-nga-ta-kan", "Ke-pe-ga-wai-an").
fn syllable_starts(chars: &[(usize, char)], at: usize) -> bool {
    let letter = |index: usize| chars.get(index).map(|(_, c)| c.to_ascii_lowercase());
    let vowel = |c: Option<char>| matches!(c, Some('a' | 'e' | 'i' | 'o' | 'u'));
    let consonant = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic()) && !vowel(c);
    let digraph = |first: Option<char>, second: Option<char>| {
        matches!(
            (first, second),
            (Some('n'), Some('g' | 'y')) | (Some('k'), Some('h')) | (Some('s'), Some('y'))
        )
    };
    let (before, here, next) = (letter(at - 1), letter(at), letter(at + 1));
    if !before.is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    if digraph(here, next) {
        return vowel(letter(at + 2));
    }
    consonant(here) && vowel(next) && !digraph(before, here)
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
        assert_eq!(wrap("Kepala Kepegawaian", 11), ["Kepala", "Kepegawaian"]);
        assert_eq!(wrap("", 10), Vec::<String>::new());
        assert_eq!(wrap("  a   b  ", 10), ["a b"]);
    }

    /// Issue 18 item 19: a word cut inside is marked with a hyphen, between syllables where
    /// one fits, so "Kesekretariatan" never reads as "Kesekretaria" and "tan".
    #[test]
    fn hyphenates_a_word_broken_inside_between_syllables() {
        assert_eq!(wrap("Kesekretariatan", 11), ["Kesekreta-", "riatan"]);
        assert_eq!(wrap("Kepegawaian", 8), ["Kepega-", "waian"]);
        // "ng" and "ny" are one consonant: never "men-gatakan".
        assert_eq!(wrap("mengatakan", 5), ["me-", "nga-", "takan"]);
        assert_eq!(wrap("menyampaikan", 6), ["me-", "nyam-", "paikan"]);
        // No syllable boundary fits: the hyphen still marks the cut.
        assert_eq!(wrap("abcdefghij", 4), ["abc-", "def-", "ghij"]);
        for line in wrap("Bendaharawan Pengeluaran Kesekretariatan", 9) {
            assert!(line.chars().count() <= 9, "{line:?} is too long");
        }
    }

    #[test]
    fn the_rest_of_a_hyphenated_word_starts_the_next_line() {
        assert_eq!(
            wrap("Sub Kesekretariatan", 11),
            ["Sub", "Kesekreta-", "riatan"]
        );
        assert_eq!(
            wrap("Kesekretariatan Umum", 11),
            ["Kesekreta-", "riatan Umum"]
        );
    }

    #[test]
    fn numbers_and_codes_are_cut_without_a_hyphen() {
        assert_eq!(
            wrap("196809031993022001", 8),
            ["19680903", "19930220", "01"]
        );
        assert_eq!(wrap("NIP.19680903", 6), ["NIP.19", "680903"]);
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(wrap("ééé ééé", 3), ["ééé", "ééé"]);
    }
}
