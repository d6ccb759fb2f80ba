//! The Survei Kepuasan Masyarakat of PermenPAN-RB 14/2017: its nine unsur, the four-point
//! scale, the respondent fields of the regulation's questionnaire, what one answer may hold,
//! and the arithmetic of a period's result (NRR per unsur, IKM, converted IKM, mutu and
//! kinerja). Pure: never does IO; the words live in `skm.ftl`.
//!
//! The arithmetic is exact. NRR of an unsur is the sum of its scores divided by the number
//! of responses; IKM is the sum of the NRR times 0.111 (the regulation's weight, 1/9 rounded
//! to three decimals); the converted IKM is IKM times 25. Every figure is kept as a fraction
//! of integers and shown rounded half up to two decimals, each from its exact value (never
//! from another rounded figure). The grade is read from the converted IKM rounded to two
//! decimals, as the regulation prints it, against its bands in hundredths: so 64.994 (shown
//! 64.99) is D and 64.995 (shown 65.00) is C, and the page never shows a value whose band
//! differs from the grade beside it.

use serde::{Deserialize, Serialize};

/// The nine unsur, in the regulation's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unsur {
    Persyaratan,
    Prosedur,
    Waktu,
    Biaya,
    Produk,
    Kompetensi,
    Perilaku,
    Pengaduan,
    Sarana,
}

impl Unsur {
    pub const ALL: [Unsur; 9] = [
        Unsur::Persyaratan,
        Unsur::Prosedur,
        Unsur::Waktu,
        Unsur::Biaya,
        Unsur::Produk,
        Unsur::Kompetensi,
        Unsur::Perilaku,
        Unsur::Pengaduan,
        Unsur::Sarana,
    ];

    /// Stable code: form field names, columns, message keys (`skm-unsur-{code}`).
    pub fn code(self) -> &'static str {
        match self {
            Unsur::Persyaratan => "persyaratan",
            Unsur::Prosedur => "prosedur",
            Unsur::Waktu => "waktu",
            Unsur::Biaya => "biaya",
            Unsur::Produk => "produk",
            Unsur::Kompetensi => "kompetensi",
            Unsur::Perilaku => "perilaku",
            Unsur::Pengaduan => "pengaduan",
            Unsur::Sarana => "sarana",
        }
    }

    /// U1 .. U9, as the regulation's tables head their columns.
    pub fn number(self) -> usize {
        Unsur::ALL
            .iter()
            .position(|unsur| *unsur == self)
            .map_or(0, |index| index + 1)
    }

    /// The message key of the unsur's name.
    pub fn name_key(self) -> String {
        format!("skm-unsur-{}", self.code())
    }

    /// The message key of the question put to the respondent.
    pub fn question_key(self) -> String {
        format!("skm-question-{}", self.code())
    }

    /// The message key of the wording of `score` (1..=4) on this unsur's scale.
    pub fn answer_key(self, score: Score) -> String {
        format!("skm-answer-{}-{}", self.code(), score.get())
    }
}

/// One answer on the four-point scale: 1 (worst) to 4 (best).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Score(u8);

impl Score {
    pub const ALL: [Score; 4] = [Score(1), Score(2), Score(3), Score(4)];

    pub fn new(value: u8) -> Option<Score> {
        (1..=4).contains(&value).then_some(Score(value))
    }

    /// Reads a form value: exactly "1" to "4".
    pub fn parse(text: &str) -> Option<Score> {
        match text.trim() {
            "1" => Some(Score(1)),
            "2" => Some(Score(2)),
            "3" => Some(Score(3)),
            "4" => Some(Score(4)),
            _ => None,
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Score {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Score::new(value).ok_or_else(|| format!("score {value} is not 1..4"))
    }
}

impl From<Score> for u8 {
    fn from(score: Score) -> u8 {
        score.0
    }
}

/// "Jenis kelamin" of the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "l")]
    Male,
    #[serde(rename = "p")]
    Female,
}

impl Sex {
    pub const ALL: [Sex; 2] = [Sex::Male, Sex::Female];
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "l",
            Sex::Female => "p",
        }
    }
    pub fn from_code(code: &str) -> Option<Sex> {
        Sex::ALL.into_iter().find(|sex| sex.code() == code)
    }
}

/// "Pendidikan" of the questionnaire: SD, SMP, SMA, S1, S2, S3 (and the diplomas offices add).
pub const EDUCATION: [&str; 7] = ["sd", "smp", "sma", "diploma", "s1", "s2", "s3"];
/// "Pekerjaan" of the questionnaire.
pub const OCCUPATION: [&str; 6] = ["pns", "tni", "polri", "swasta", "wirausaha", "lainnya"];
/// The youngest and oldest age accepted (a typo beyond them is refused, not stored).
pub const AGE_RANGE: std::ops::RangeInclusive<u16> = 15..=100;
/// The longest suggestion kept, in characters.
pub const SUGGESTION_MAX: usize = 2000;
/// How long an invitation's link works after the acceptance that made it.
pub const INVITATION_DAYS: i64 = 30;

/// The optional respondent fields of the questionnaire; none is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Respondent {
    pub age: Option<u16>,
    pub sex: Option<Sex>,
    /// One of [`EDUCATION`].
    pub education: Option<String>,
    /// One of [`OCCUPATION`].
    pub occupation: Option<String>,
}

/// One complete answer: a score for each unsur, the respondent, the suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    /// In [`Unsur::ALL`]'s order.
    pub scores: [Score; 9],
    pub respondent: Respondent,
    /// Trimmed; empty when none was written.
    pub suggestion: String,
}

/// What is wrong with a submitted form, per field (the field's name and the message key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerProblems(pub Vec<(String, &'static str)>);

/// The raw fields of the survey form, as text.
#[derive(Debug, Clone, Default)]
pub struct AnswerForm<'a> {
    /// In [`Unsur::ALL`]'s order; `None` when not chosen.
    pub scores: [Option<&'a str>; 9],
    pub age: &'a str,
    pub sex: &'a str,
    pub education: &'a str,
    pub occupation: &'a str,
    pub suggestion: &'a str,
}

impl SurveyAnswer {
    /// Checks a submitted form: every unsur answered on the scale, the optional fields empty
    /// or one of their choices, the suggestion within its length.
    pub fn parse(form: &AnswerForm<'_>) -> Result<SurveyAnswer, AnswerProblems> {
        let mut problems = Vec::new();
        let mut scores = [Score(1); 9];
        for (index, unsur) in Unsur::ALL.into_iter().enumerate() {
            match form.scores[index].and_then(Score::parse) {
                Some(score) => scores[index] = score,
                None => problems.push((unsur.code().to_owned(), "skm-error-score")),
            }
        }
        let age = match form.age.trim() {
            "" => None,
            text => match text.parse::<u16>() {
                Ok(age) if AGE_RANGE.contains(&age) => Some(age),
                _ => {
                    problems.push(("umur".to_owned(), "skm-error-age"));
                    None
                }
            },
        };
        let choice = |text: &str, field: &str, allowed: &[&str], problems: &mut Vec<_>| {
            let text = text.trim();
            if text.is_empty() {
                None
            } else if allowed.contains(&text) {
                Some(text.to_owned())
            } else {
                problems.push((field.to_owned(), "skm-error-choice"));
                None
            }
        };
        let sex = choice(form.sex, "jenis_kelamin", &["l", "p"], &mut problems)
            .and_then(|code| Sex::from_code(&code));
        let education = choice(form.education, "pendidikan", &EDUCATION, &mut problems);
        let occupation = choice(form.occupation, "pekerjaan", &OCCUPATION, &mut problems);
        let suggestion = form.suggestion.trim();
        if suggestion.chars().count() > SUGGESTION_MAX {
            problems.push(("saran".to_owned(), "skm-error-suggestion"));
        }
        if !problems.is_empty() {
            return Err(AnswerProblems(problems));
        }
        Ok(SurveyAnswer {
            scores,
            respondent: Respondent {
                age,
                sex,
                education,
                occupation,
            },
            suggestion: suggestion.to_owned(),
        })
    }
}

/// A fresh survey-link token: 16 random bytes (128 bits), hex, short enough for the printed
/// link to fit on one line of the berita acara. Only its SHA-256 is stored
/// ([`token_sha256`]); the token itself lives in the link printed on the berita acara.
pub fn new_link_token() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// Whether `text` has the shape of a link token (32 lower-case hex digits): anything else
/// never reaches the database.
pub fn is_link_token(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

/// The stored form of a link token.
pub fn token_sha256(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// A value `numerator / denominator` shown to two decimals, rounded half up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    pub numerator: u64,
    pub denominator: u64,
}

impl Fraction {
    /// The value in hundredths, rounded half up (0 for an empty denominator).
    pub fn hundredths(self) -> u64 {
        if self.denominator == 0 {
            return 0;
        }
        (self.numerator * 200 + self.denominator) / (self.denominator * 2)
    }

    /// "64.99": two decimals with a point (the page swaps it for a comma in Indonesian).
    pub fn two_decimals(self) -> String {
        let hundredths = self.hundredths();
        format!("{}.{:02}", hundredths / 100, hundredths % 100)
    }
}

/// Mutu pelayanan with its kinerja unit pelayanan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    /// The message key of the kinerja: sangat baik, baik, kurang baik, tidak baik.
    pub fn kinerja_key(self) -> &'static str {
        match self {
            Grade::A => "skm-kinerja-a",
            Grade::B => "skm-kinerja-b",
            Grade::C => "skm-kinerja-c",
            Grade::D => "skm-kinerja-d",
        }
    }

    /// The regulation's band of a converted IKM in hundredths: D 25.00-64.99, C 65.00-76.60,
    /// B 76.61-88.30, A 88.31-100.00.
    pub fn of_converted_hundredths(hundredths: u64) -> Grade {
        match hundredths {
            0..=6499 => Grade::D,
            6500..=7660 => Grade::C,
            7661..=8830 => Grade::B,
            _ => Grade::A,
        }
    }
}

/// What the store counts over a period: the number of responses and each unsur's sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub responses: u64,
    /// In [`Unsur::ALL`]'s order.
    pub sums: [u64; 9],
}

impl Totals {
    /// Adds one answer (the demo and tests build totals this way; the store sums in SQL).
    pub fn add(&mut self, scores: &[Score; 9]) {
        self.responses += 1;
        for (sum, score) in self.sums.iter_mut().zip(scores) {
            *sum += u64::from(score.get());
        }
    }
}

/// One unsur's line of the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsurResult {
    pub unsur: Unsur,
    pub sum: u64,
    /// Sum / responses.
    pub nrr: Fraction,
    /// NRR x 0.111.
    pub weighted: Fraction,
}

/// A period's result, as the regulation's report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkmResult {
    pub responses: u64,
    pub unsur: Vec<UnsurResult>,
    /// Sum of the weighted NRR.
    pub ikm: Fraction,
    /// IKM x 25.
    pub converted: Fraction,
    /// `None` without responses.
    pub grade: Option<Grade>,
    /// The unsur with the lowest NRR (all of them when several tie); empty without responses.
    pub weakest: Vec<Unsur>,
}

/// The regulation's weight, 0.111, in thousandths.
const WEIGHT_THOUSANDTHS: u64 = 111;

/// The result of a period from its totals.
pub fn result(totals: &Totals) -> SkmResult {
    let n = totals.responses;
    let unsur: Vec<UnsurResult> = Unsur::ALL
        .into_iter()
        .zip(totals.sums)
        .map(|(unsur, sum)| UnsurResult {
            unsur,
            sum,
            nrr: Fraction {
                numerator: sum,
                denominator: n,
            },
            weighted: Fraction {
                numerator: sum * WEIGHT_THOUSANDTHS,
                denominator: n * 1000,
            },
        })
        .collect();
    let all: u64 = totals.sums.iter().sum();
    let ikm = Fraction {
        numerator: all * WEIGHT_THOUSANDTHS,
        denominator: n * 1000,
    };
    let converted = Fraction {
        numerator: all * WEIGHT_THOUSANDTHS * 25,
        denominator: n * 1000,
    };
    let grade = (n > 0).then(|| Grade::of_converted_hundredths(converted.hundredths()));
    // Every unsur has the same number of responses, so the lowest sum is the lowest NRR.
    let weakest = match totals.sums.iter().min() {
        Some(lowest) if n > 0 => unsur
            .iter()
            .filter(|line| line.sum == *lowest)
            .map(|line| line.unsur)
            .collect(),
        _ => Vec::new(),
    };
    SkmResult {
        responses: n,
        unsur,
        ikm,
        converted,
        grade,
        weakest,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn scores(values: [u8; 9]) -> [Score; 9] {
        values.map(|value| Score::new(value).unwrap())
    }

    #[test]
    fn grades_at_every_band_edge() {
        let table = [
            (2500, Grade::D),
            (6499, Grade::D),
            (6500, Grade::C),
            (7660, Grade::C),
            (7661, Grade::B),
            (8830, Grade::B),
            (8831, Grade::A),
            (10000, Grade::A),
        ];
        for (hundredths, grade) in table {
            assert_eq!(
                Grade::of_converted_hundredths(hundredths),
                grade,
                "{hundredths}"
            );
        }
    }

    #[test]
    fn rounds_half_up_to_two_decimals() {
        let value = |numerator, denominator| {
            Fraction {
                numerator,
                denominator,
            }
            .two_decimals()
        };
        assert_eq!(value(64_994, 1000), "64.99");
        assert_eq!(value(64_995, 1000), "65.00");
        assert_eq!(value(1, 3), "0.33");
        assert_eq!(value(2, 3), "0.67");
        assert_eq!(value(7, 2), "3.50");
        assert_eq!(value(5, 0), "0.00");
    }

    /// Two responses worked out by hand:
    /// U1 4+3=7 NRR 3.50; U2 3+3=6 NRR 3.00; U3 2+3=5 NRR 2.50; U4 4+4=8 NRR 4.00;
    /// U5 3+2=5 NRR 2.50; U6 3+3=6 NRR 3.00; U7 4+4=8 NRR 4.00; U8 3+3=6 NRR 3.00;
    /// U9 3+4=7 NRR 3.50. Sum of NRR = 29.00; IKM = 29 x 0.111 = 3.219 (3.22);
    /// converted = 3.219 x 25 = 80.475 (80.48): B, baik. The weakest: waktu and produk (2.50).
    #[test]
    fn a_small_period_by_hand() {
        let mut totals = Totals::default();
        totals.add(&scores([4, 3, 2, 4, 3, 3, 4, 3, 3]));
        totals.add(&scores([3, 3, 3, 4, 2, 3, 4, 3, 4]));
        let result = result(&totals);
        assert_eq!(result.responses, 2);
        let nrr: Vec<String> = result
            .unsur
            .iter()
            .map(|line| line.nrr.two_decimals())
            .collect();
        assert_eq!(
            nrr,
            [
                "3.50", "3.00", "2.50", "4.00", "2.50", "3.00", "4.00", "3.00", "3.50"
            ]
        );
        // 3.50 x 0.111 = 0.3885 -> 0.39
        assert_eq!(result.unsur[0].weighted.two_decimals(), "0.39");
        assert_eq!(result.ikm.two_decimals(), "3.22");
        assert_eq!(
            result.ikm,
            Fraction {
                numerator: 58 * 111,
                denominator: 2000
            }
        );
        assert_eq!(result.converted.two_decimals(), "80.48");
        assert_eq!(result.grade, Some(Grade::B));
        assert_eq!(result.weakest, vec![Unsur::Waktu, Unsur::Produk]);
    }

    /// Totals whose converted IKM lands on each side of each band edge. The converted IKM is
    /// 2.775 x (all scores) / responses; each case below is worked out by hand.
    #[test]
    fn band_edges_from_totals() {
        // (responses, sum of all scores, converted shown, grade)
        let table = [
            // 2.775 x 445 / 19 = 1234.875 / 19 = 64.993... -> 64.99
            (19, 445, "64.99", Grade::D),
            // 2.775 x 609 / 26 = 1689.975 / 26 = 64.999... -> 65.00
            (26, 609, "65.00", Grade::C),
            // 2.775 x 1049 / 38 = 2910.975 / 38 = 76.604... -> 76.60
            (38, 1049, "76.60", Grade::C),
            // 2.775 x 635 / 23 = 1762.125 / 23 = 76.614... -> 76.61
            (23, 635, "76.61", Grade::B),
            // 2.775 x 350 / 11 = 971.25 / 11 = 88.295... -> 88.30
            (11, 350, "88.30", Grade::B),
            // 2.775 x 541 / 17 = 1501.275 / 17 = 88.310... -> 88.31
            (17, 541, "88.31", Grade::A),
            // Everybody answers 4: 2.775 x 36 = 99.90 (0.111 is 1/9 rounded down).
            (5, 180, "99.90", Grade::A),
            // Everybody answers 1: 2.775 x 9 = 24.975 -> 24.98, below the table: D.
            (3, 27, "24.98", Grade::D),
        ];
        for (responses, all, shown, grade) in table {
            let totals = spread(responses, all);
            let result = result(&totals);
            assert_eq!(result.converted.two_decimals(), shown, "{responses} {all}");
            assert_eq!(result.grade, Some(grade), "{responses} {all}");
        }
    }

    /// Totals of `responses` answers whose scores add up to `all`, spread over the unsur.
    pub(crate) fn spread(responses: u64, all: u64) -> Totals {
        let mut left = all;
        let mut totals = Totals::default();
        for index in 0..responses {
            let answers_left = responses - index;
            let mut row = [1u8; 9];
            // Give this answer as much as the others can still leave at least 9 each.
            let mut budget = left - (answers_left - 1) * 9;
            budget = budget.min(36);
            let mut extra = budget - 9;
            for cell in &mut row {
                let add = extra.min(3);
                *cell += u8::try_from(add).unwrap();
                extra -= add;
            }
            left -= budget;
            totals.add(&scores(row));
        }
        assert_eq!(totals.sums.iter().sum::<u64>(), all);
        totals
    }

    #[test]
    fn no_responses_no_grade() {
        let result = result(&Totals::default());
        assert_eq!(result.grade, None);
        assert!(result.weakest.is_empty());
        assert_eq!(result.converted.two_decimals(), "0.00");
    }

    #[test]
    fn the_form_is_checked_field_by_field() {
        let mut form = AnswerForm {
            scores: [Some("4"); 9],
            ..AnswerForm::default()
        };
        let answer = SurveyAnswer::parse(&form).unwrap();
        assert_eq!(answer.respondent, Respondent::default());
        form.scores[2] = None;
        form.scores[3] = Some("5");
        form.age = "7";
        form.sex = "x";
        form.education = "s1";
        form.occupation = "astronot";
        let problems = SurveyAnswer::parse(&form).unwrap_err().0;
        let fields: Vec<&str> = problems.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            ["waktu", "biaya", "umur", "jenis_kelamin", "pekerjaan"]
        );
        let long = "a".repeat(SUGGESTION_MAX + 1);
        let form = AnswerForm {
            scores: [Some("3"); 9],
            suggestion: &long,
            ..AnswerForm::default()
        };
        assert!(SurveyAnswer::parse(&form).is_err());
    }
}
