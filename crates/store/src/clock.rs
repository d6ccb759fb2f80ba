//! Where "now" comes from, for every part of Pelihara that runs over time (the pages, the
//! scheduler, sessions, sign-in): the system clock in the server, a fixed or moving clock in
//! tests. The one place outside the binary's commands that reads the system clock; the domain
//! never does (its functions take `now`).

use std::sync::Arc;

use chrono::{DateTime, Utc};

/// A source of the current instant. Cheap to clone.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(Arc::new(Utc::now))
    }

    /// A clock that reads `source` (tests move it).
    pub fn from_fn(source: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(source))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }

    /// The system clock's instant, for what must follow it even where tests move the pages'
    /// clock: session expiry, which tower-sessions stamps from the system clock.
    pub fn system_now() -> DateTime<Utc> {
        Utc::now()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}
