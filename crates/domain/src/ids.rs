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

/// A public tracking number: `PLH-` and ten characters of an alphabet without look-alikes
/// (about 50 bits): unguessable, short enough to read over the phone.
pub fn new_tracking_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    let code: String = (0..10)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    format!("PLH-{}-{}", &code[..5], &code[5..])
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
}
