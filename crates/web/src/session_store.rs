//! Server-side sessions: tower-sessions' `SessionStore` on our own database (the `sessions`
//! table of the store crate), and the session layer with the cookie settings Pelihara uses.
//! It must never put anything but the random session id in the cookie, and never hold SQL:
//! the store crate does the reading and writing.
//!
//! Session lifetimes run on the system clock, as tower-sessions computes expiry moments
//! from it; the services' clock (moved by tests) is for case deadlines, not for cookies.

use chrono::{DateTime, Utc};
use pelihara_domain::UserId;
use pelihara_store::Store;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

use crate::state::WebConfig;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "pelihara_sesi";

/// A session unused for this long ends: a working day with room for a long meeting.
pub const IDLE_TIMEOUT: Duration = Duration::hours(8);

/// The session key that holds the signed-in user's id (text).
pub(crate) const USER_KEY: &str = "user_id";

/// The sessions of Pelihara, kept in its database so that every node sees them and a
/// restart signs nobody out.
#[derive(Clone)]
pub struct DbSessionStore {
    store: Store,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

impl DbSessionStore {
    pub fn new(store: Store) -> DbSessionStore {
        DbSessionStore { store }
    }
}

/// The session layer: an HttpOnly, SameSite=Lax cookie holding only the session id, `Secure`
/// when users reach Pelihara over TLS, ending after [`IDLE_TIMEOUT`] without use.
pub fn session_layer(store: Store, config: &WebConfig) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(DbSessionStore::new(store))
        .with_name(SESSION_COOKIE)
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.behind_tls())
        .with_expiry(Expiry::OnInactivity(IDLE_TIMEOUT))
}

fn backend_error(error: pelihara_store::StoreError) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn chrono_instant(moment: OffsetDateTime) -> DateTime<Utc> {
    let millis = moment.unix_timestamp_nanos() / 1_000_000;
    i64::try_from(millis)
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn offset_instant(moment: DateTime<Utc>) -> session_store::Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(moment.timestamp_millis()) * 1_000_000)
        .map_err(|error| session_store::Error::Decode(error.to_string()))
}

/// The system clock, as tower-sessions uses for every record's expiry (a moved test clock
/// would otherwise find every fresh session expired).
fn now() -> DateTime<Utc> {
    pelihara_store::Clock::system_now()
}

/// The user a record belongs to, stored beside it so that disabling a user ends their sessions.
fn record_user(record: &Record) -> Option<UserId> {
    record
        .data
        .get(USER_KEY)
        .and_then(|value| value.as_str())
        .and_then(UserId::parse)
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data)
        .map_err(|error| session_store::Error::Encode(error.to_string()))
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        let expires_at = chrono_instant(record.expiry_date);
        // 128 random bits collide practically never; drawing again keeps the rule exact.
        loop {
            let inserted = self
                .store
                .insert_session(
                    &record.id.to_string(),
                    record_user(record),
                    &data,
                    expires_at,
                )
                .await
                .map_err(backend_error)?;
            if inserted {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store
            .save_session(
                &record.id.to_string(),
                record_user(record),
                &encode(record)?,
                chrono_instant(record.expiry_date),
            )
            .await
            .map_err(backend_error)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(stored) = self
            .store
            .load_session(&id.to_string(), now())
            .await
            .map_err(backend_error)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&stored.data)
            .map_err(|error| session_store::Error::Decode(error.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: offset_instant(stored.expires_at)?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store
            .delete_session(&id.to_string())
            .await
            .map_err(backend_error)
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.store
            .delete_expired_sessions(now())
            .await
            .map(|_| ())
            .map_err(backend_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_round_trip_and_expire() {
        let test = crate::testing::services().await;
        let sessions = DbSessionStore::new(test.services.store.clone());
        let mut record = Record {
            id: Id::default(),
            data: [(USER_KEY.to_owned(), serde_json::json!(UserId::random()))]
                .into_iter()
                .collect(),
            expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
        };
        let first_id = record.id;
        sessions.create(&mut record).await.expect("created");
        assert_eq!(record.id, first_id);
        let loaded = sessions
            .load(&record.id)
            .await
            .expect("loads")
            .expect("found");
        assert_eq!(loaded.data, record.data);
        // Stored at millisecond resolution.
        assert!((loaded.expiry_date - record.expiry_date).abs() < Duration::milliseconds(1));

        // A taken id is drawn again rather than overwritten.
        let mut clash = Record {
            id: record.id,
            data: Default::default(),
            expiry_date: record.expiry_date,
        };
        sessions.create(&mut clash).await.expect("created");
        assert_ne!(clash.id, record.id);
        let kept = sessions
            .load(&record.id)
            .await
            .expect("loads")
            .expect("found");
        assert_eq!(kept.data, record.data);

        let expired = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() - Duration::seconds(1),
        };
        sessions.save(&expired).await.expect("saved");
        assert!(sessions.load(&expired.id).await.expect("loads").is_none());
        sessions.delete_expired().await.expect("swept");

        sessions.delete(&record.id).await.expect("deleted");
        assert!(sessions.load(&record.id).await.expect("loads").is_none());
    }
}
