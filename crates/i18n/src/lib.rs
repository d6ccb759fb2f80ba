//! What users read, in Bahasa Indonesia (the default) or English. Messages live in Fluent
//! files under `locales/<lang>/*.ftl`, compiled into the binary; one file per area
//! (`sop.ftl`, `web.ftl`, ...) so each part of Pelihara keeps its own words. Nothing here
//! reads files or the clock at run time.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Datelike, Timelike, Utc};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "id",
        // Unicode isolation marks around arguments would show up in plain text, CSV and PDFs.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[cfg(test)]
mod keys;
#[cfg(test)]
mod wording;

static INDONESIAN: LanguageIdentifier = langid!("id");
static ENGLISH: LanguageIdentifier = langid!("en");

/// A language a user can read Pelihara in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    /// Reads a language code such as `id`, `en`, `en-US`; anything else is Indonesian.
    pub fn from_code(code: &str) -> Lang {
        if code.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Id
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    fn identifier(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Id => &INDONESIAN,
            Lang::En => &ENGLISH,
        }
    }
}

/// An argument value for a message.
pub type Args<'a> = [(&'a str, FluentValue<'a>)];

/// The message `key` in `lang`, falling back to Indonesian, then to the key itself (so a
/// missing translation shows up in review rather than as an empty string).
pub fn t(lang: Lang, key: &str) -> String {
    LOCALES
        .try_lookup(lang.identifier(), key)
        .unwrap_or_else(|| key.to_owned())
}

/// The message `key` in `lang` with arguments.
pub fn t_args(lang: Lang, key: &str, args: &Args<'_>) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| (Cow::Owned((*name).to_owned()), value.clone()))
        .collect();
    LOCALES
        .try_lookup_with_args(lang.identifier(), key, &map)
        .unwrap_or_else(|| key.to_owned())
}

/// Converts anything displayable into a Fluent argument value.
pub fn arg<'a>(value: impl ToString) -> FluentValue<'a> {
    FluentValue::from(value.to_string())
}

/// Converts a number into a Fluent argument value (for plural rules).
pub fn num<'a>(value: impl Into<f64>) -> FluentValue<'a> {
    FluentValue::from(value.into())
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The abbreviation of the Indonesian time zone an offset belongs to.
fn zone_abbreviation(tz: chrono_tz::Tz, instant: DateTime<Utc>) -> String {
    use chrono::Offset;
    let offset = instant.with_timezone(&tz).offset().fix().local_minus_utc();
    match offset {
        25_200 => "WIB".to_owned(),
        28_800 => "WITA".to_owned(),
        32_400 => "WIT".to_owned(),
        other => format!("UTC{:+}", other / 3600),
    }
}

fn month_name(lang: Lang, month0: u32) -> &'static str {
    let months = match lang {
        Lang::Id => &MONTHS_ID,
        Lang::En => &MONTHS_EN,
    };
    months.get(month0 as usize).copied().unwrap_or("")
}

/// A date as Indonesians write it: "27 November 2026".
pub fn format_date(lang: Lang, date: chrono::NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        month_name(lang, date.month0()),
        date.year()
    )
}

/// A month as written in a report's period: "November 2026".
pub fn format_month(lang: Lang, year: i32, month: u32) -> String {
    format!("{} {year}", month_name(lang, month.saturating_sub(1)))
}

/// A month's first three letters, for a chart's axis: "Nov", "Agu" ("Aug").
pub fn month_abbreviation(lang: Lang, month: u32) -> String {
    month_name(lang, month.saturating_sub(1))
        .chars()
        .take(3)
        .collect()
}

/// An instant in the office's zone: "27 November 2026 09.15 WIB" (Indonesian uses a dot
/// between hours and minutes; English a colon).
pub fn format_datetime(lang: Lang, tz: chrono_tz::Tz, instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&tz);
    let separator = match lang {
        Lang::Id => '.',
        Lang::En => ':',
    };
    format!(
        "{} {:02}{}{:02} {}",
        format_date(lang, local.date_naive()),
        local.hour(),
        separator,
        local.minute(),
        zone_abbreviation(tz, instant)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_dates_the_indonesian_way() {
        let instant = Utc.with_ymd_and_hms(2026, 11, 27, 2, 15, 0).unwrap();
        let tz = chrono_tz::Asia::Jakarta;
        assert_eq!(
            format_datetime(Lang::Id, tz, instant),
            "27 November 2026 09.15 WIB"
        );
        assert_eq!(
            format_datetime(Lang::En, tz, instant),
            "27 November 2026 09:15 WIB"
        );
        assert_eq!(
            format_datetime(Lang::Id, chrono_tz::Asia::Makassar, instant),
            "27 November 2026 10.15 WITA"
        );
    }

    #[test]
    fn looks_up_messages_with_fallback() {
        assert_eq!(t(Lang::Id, "app-name"), "Pelihara");
        assert_eq!(t(Lang::En, "language-name"), "English");
        assert_eq!(t(Lang::Id, "language-name"), "Bahasa Indonesia");
        assert_eq!(t(Lang::En, "no-such-key"), "no-such-key");
    }
}
