//! Identifiers of Pelihara's records: random UUIDs behind one newtype each, so a case id can
//! never be passed where a user id is expected. Never derives anything from the clock.

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
