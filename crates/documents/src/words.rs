//! Numbers in Indonesian words (terbilang), as a berita acara writes its date: "dua puluh
//! tujuh". Only the range a date needs is exact-tested; larger numbers follow the same rules.

const UNITS: [&str; 12] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
];

/// `n` in Indonesian words.
pub fn terbilang(n: u64) -> String {
    match n {
        0..=11 => UNITS[n as usize].to_owned(),
        12..=19 => format!("{} belas", UNITS[(n - 10) as usize]),
        20..=99 => join(format!("{} puluh", UNITS[(n / 10) as usize]), n % 10),
        100..=199 => join("seratus".to_owned(), n - 100),
        200..=999 => join(format!("{} ratus", terbilang(n / 100)), n % 100),
        1000..=1999 => join("seribu".to_owned(), n - 1000),
        2000..=999_999 => join(format!("{} ribu", terbilang(n / 1000)), n % 1000),
        _ => join(format!("{} juta", terbilang(n / 1_000_000)), n % 1_000_000),
    }
}

fn join(head: String, rest: u64) -> String {
    if rest == 0 {
        head
    } else {
        format!("{head} {}", terbilang(rest))
    }
}

#[cfg(test)]
mod tests {
    use super::terbilang;

    #[test]
    fn writes_dates_in_words() {
        let cases = [
            (0, "nol"),
            (1, "satu"),
            (10, "sepuluh"),
            (11, "sebelas"),
            (12, "dua belas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (27, "dua puluh tujuh"),
            (31, "tiga puluh satu"),
            (100, "seratus"),
            (115, "seratus lima belas"),
            (999, "sembilan ratus sembilan puluh sembilan"),
            (1000, "seribu"),
            (1945, "seribu sembilan ratus empat puluh lima"),
            (2026, "dua ribu dua puluh enam"),
            (12_000, "dua belas ribu"),
        ];
        for (n, words) in cases {
            assert_eq!(terbilang(n), words, "{n}");
        }
    }
}
