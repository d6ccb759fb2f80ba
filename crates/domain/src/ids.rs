//! Identifiers of Pelihara's records: UUIDs behind one newtype each, so a case id can never be
//! passed where a user id is expected. Random (v4), or for the rows the engine creates by the
//! thousand (cases, tasks, entries) time-ordered (v7) from the engine's clock, never the
//! system's, so that clock travel in tests still decides everything.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new random identifier.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            /// A new identifier that sorts by `now` (UUIDv7: milliseconds, then 74 random
            /// bits, still unguessable). A new row then lands at the end of its id index
            /// instead of on a random page: under load every random page is one more page
            /// each commit writes to the WAL and each checkpoint copies back.
            pub fn at(now: chrono::DateTime<chrono::Utc>) -> Self {
                let millis = u64::try_from(now.timestamp_millis()).unwrap_or_default();
                Self(Uuid::new_v7(uuid::Timestamp::from_unix(
                    uuid::NoContext,
                    millis / 1_000,
                    u32::try_from(millis % 1_000).unwrap_or_default() * 1_000_000,
                )))
            }

            /// Reads the textual form; `None` for anything that is not a UUID.
            pub fn parse(text: &str) -> Option<Self> {
                Uuid::parse_str(text.trim()).ok().map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A request (permohonan) and everything that happens to it.
    CaseId
);
id_type!(
    /// One task of one step of a case.
    TaskId
);
id_type!(
    /// A person who signs in.
    UserId
);
id_type!(
    /// An agency (Organisasi Perangkat Daerah).
    OpdId
);
id_type!(
    /// An application or website in the register.
    AppId
);
id_type!(
    /// A dated delegation of a position to an acting official.
    DelegationId
);
id_type!(
    /// One entry of a case's record (a registration, a disposition, a report...).
    EntryId
);
id_type!(
    /// A draft maintenance request the register prepared for an OPD to confirm.
    DraftId
);

/// The characters of a tracking number: digits and capitals without look-alikes (no 0, 1,
/// I, O), 32 of them, so each carries 5 bits.
const TRACKING_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A public tracking number: `PLH-` and ten characters of an alphabet without look-alikes
/// (32^10 = 2^50, about 10^15 numbers): unguessable behind the public tracking page's limit
/// on misses (ARCHITECTURE.md, "Public tracking"), short enough to read over the phone.
pub fn new_tracking_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let code: String = (0..10)
        .map(|_| char::from(TRACKING_ALPHABET[rng.gen_range(0..TRACKING_ALPHABET.len())]))
        .collect();
    format!("PLH-{}-{}", &code[..5], &code[5..])
}

/// The longest text read as a tracking number: more is refused before it is looked at.
pub const TRACKING_CODE_INPUT_MAX: usize = 40;

/// A tracking number as people type or read it out, in the shape [`new_tracking_code`]
/// makes: case, spaces, dashes and the `PLH` prefix do not matter ("plh abcde fghjk",
/// "ABCDEFGHJK", "PLH-ABCDE-FGHJK" are one number). `None` for anything longer than
/// [`TRACKING_CODE_INPUT_MAX`] or not ten characters of the alphabet after that, so a
/// malformed number never reaches the database.
pub fn parse_tracking_code(text: &str) -> Option<String> {
    if text.len() > TRACKING_CODE_INPUT_MAX {
        return None;
    }
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let code = compact.strip_prefix("PLH").unwrap_or(&compact);
    let valid = code.len() == 10 && code.bytes().all(|byte| TRACKING_ALPHABET.contains(&byte));
    valid.then(|| format!("PLH-{}-{}", &code[..5], &code[5..]))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::{Duration, TimeZone, Utc};

    use super::*;

    /// Ids made later sort later, as UUIDs and as the text the databases index; ids made at
    /// the same moment still differ; and the time in them is the engine's clock, not the
    /// system's (a moment years away is what the id carries).
    #[test]
    fn ids_made_at_a_moment_sort_by_it_and_stay_unique() {
        let earlier = Utc.with_ymd_and_hms(2031, 2, 3, 4, 5, 6).unwrap();
        let later = earlier + Duration::milliseconds(1);
        let first = TaskId::at(earlier);
        let twin = TaskId::at(earlier);
        let second = TaskId::at(later);
        assert!(first < second && twin < second);
        assert!(first.to_string() < second.to_string());
        assert_ne!(first, twin);
        let (seconds, _) = first.0.get_timestamp().unwrap().to_unix();
        assert_eq!(i64::try_from(seconds).unwrap(), earlier.timestamp());
    }

    /// Case, spaces, dashes and the prefix are forgiven; anything else is no number at all.
    #[test]
    fn tracking_numbers_are_read_as_people_type_them() {
        let cases = [
            ("PLH-ABCDE-FGHJK", Some("PLH-ABCDE-FGHJK")),
            (" plh-abcde-fghjk ", Some("PLH-ABCDE-FGHJK")),
            ("abcde fghjk", Some("PLH-ABCDE-FGHJK")),
            ("ABCDEFGHJK", Some("PLH-ABCDE-FGHJK")),
            ("PLH ABC-DE FG_HJK", Some("PLH-ABCDE-FGHJK")),
            ("PLH-23456-789XZ", Some("PLH-23456-789XZ")),
            // 0, 1, I and O are never in a number.
            ("PLH-ABCDE-FGHJ0", None),
            ("PLH-ABCDE-FGHJI", None),
            ("PLH-ABCDE-FGHJ", None),
            ("PLH-ABCDE-FGHJKL", None),
            ("", None),
            ("PLH-", None),
            ("PLH-ÄBCDE-FGHJK", None),
            ("PLH-ABCDE-FGHJK' or 1=1 --", None),
            (&"-".repeat(41), None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_tracking_code(text).as_deref(), expected, "{text:?}");
        }
        for _ in 0..100 {
            let code = new_tracking_code();
            assert_eq!(parse_tracking_code(&code), Some(code.clone()));
        }
    }
}
