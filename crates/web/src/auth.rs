//! Who is signed in. `CurrentUser` is the extractor every private page takes: the person and
//! the delegations they hold, loaded fresh for each request so a disabled user or a revoked
//! delegation stops working at once. Also the password checks (argon2, off the async
//! threads), the failed-login limit that the sign-in page applies, and the sign-in waiting
//! for its second step (`PendingSignIn`: a session that is not signed in). It must never keep a
//! password, and never trust the session cookie beyond the id it carries: the session lives
//! in the database (`session_store`).

use std::net::SocketAddr;
use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash::rand_core::OsRng};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use pelihara_domain::{Actor, Role, UserId};
use pelihara_store::AuditSource;
use tower_sessions::Session;

use crate::bell::BELL_PATH;
use crate::client_address::ResolvedClient;
use crate::error::WebError;
use crate::htmx::{HX_REDIRECT, HX_REQUEST, header_is_true};
use crate::lang::local_path;
use crate::session_store::USER_KEY;
use crate::state::AppState;

/// At most this many failed sign-ins per user name from one client within [`FAILURE_WINDOW`];
/// then that client is refused for that name until the oldest of them leaves the window.
/// Counted per client, so a stranger elsewhere cannot lock a user out.
pub const MAX_FAILURES: usize = 5;
/// At most this many failed sign-ins from one client over every user name within the window:
/// guessing across many accounts is slowed too. Generous, for offices behind one address.
pub const MAX_CLIENT_FAILURES: usize = 30;
/// The shortest password anyone may set (admin forms, the account page, the first admin).
pub const PASSWORD_MIN: usize = 10;
/// The longest password read: argon2 is slow on purpose, and a long one only costs time.
pub const PASSWORD_MAX: usize = 256;
/// The window the failed sign-ins are counted in.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);

/// The session key holding when the session was last extended (epoch ms, system clock).
const REFRESHED_KEY: &str = "refreshed_at";
/// A session in use is extended (written again) at most this often, so that reading pages
/// does not write to the database on every request.
const REFRESH_EVERY_MS: i64 = 10 * 60 * 1000;

/// The signed-in person, as the case engine sees them, and where the request came from
/// (for audit events).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub actor: Actor,
    /// The client's address (`ip:port`), or `-` when the server does not know it.
    pub address: String,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.actor.user.role
    }

    /// Who acted, for the audit event of a change this user makes.
    pub fn audit_source(&self) -> AuditSource {
        AuditSource {
            actor_id: Some(self.actor.user.id),
            actor_name: self.actor.user.full_name.clone(),
            address: self.address.clone(),
        }
    }
}

/// The result of looking the user up, kept in the request so that the shell and the page
/// share one lookup.
#[derive(Clone)]
struct SignedIn(Option<CurrentUser>);

/// The client's address: as resolved by the `client_address` layer (the peer, or the client a
/// trusted reverse proxy names), else the peer of the connection when the server was started
/// with connect info, `-` otherwise.
pub fn client_address(parts: &Parts) -> String {
    if let Some(ResolvedClient(client)) = parts.extensions.get::<ResolvedClient>() {
        return client.clone();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.to_string())
        .unwrap_or_else(|| "-".to_owned())
}

/// The client's address as an extractor (see [`client_address`]), for pages that record who
/// did something before anyone is signed in.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

/// The system clock, not the pages' `Clock`: the refresh stamp is compared with the session's
/// expiry, which tower-sessions sets from the system clock.
fn system_millis() -> i64 {
    pelihara_store::Clock::system_now().timestamp_millis()
}

fn session_error(error: tower_sessions::session::Error) -> WebError {
    WebError::internal(error)
}

/// The signed-in user of this request, or `None`. Looks the user up once per request; a
/// session whose user is gone or disabled is ended (deleted, and its cookie removed). A
/// session in use is extended now and then, so it ends only after the idle timeout.
pub async fn signed_in(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<CurrentUser>, WebError> {
    if let Some(SignedIn(known)) = parts.extensions.get::<SignedIn>() {
        return Ok(known.clone());
    }
    let Some(session) = parts.extensions.get::<Session>().cloned() else {
        return Ok(None);
    };
    // The bell's background poll must not keep an unattended session alive forever.
    let extend = parts.uri.path() != BELL_PATH;
    let actor = user_of_session(&session, state, extend).await?;
    let user = actor.map(|actor| CurrentUser {
        actor,
        address: client_address(parts),
    });
    parts.extensions.insert(SignedIn(user.clone()));
    Ok(user)
}

/// The active user a session belongs to. Ends the session when its user is gone or
/// disabled; extends a session in use unless `extend` is false (background requests the
/// user did not make). Used by [`signed_in`] and by the error pages (which have no extractor).
pub(crate) async fn user_of_session(
    session: &Session,
    state: &AppState,
    extend: bool,
) -> Result<Option<Actor>, WebError> {
    let Some(id) = session
        .get::<String>(USER_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let actor = match UserId::parse(&id) {
        Some(id) => state.services().store.actor(id).await?,
        None => None,
    };
    let Some(actor) = actor.filter(|actor| actor.user.active) else {
        tracing::info!(user_id = %id, "session of a missing or disabled user ended");
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    };
    let refreshed = session
        .get::<i64>(REFRESHED_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or_default();
    let now = system_millis();
    if extend && now - refreshed >= REFRESH_EVERY_MS {
        // Marks the session modified: the session layer saves it with a new expiry and
        // sends the cookie again with a fresh Max-Age.
        session
            .insert(REFRESHED_KEY, now)
            .await
            .map_err(session_error)?;
    }
    Ok(Some(actor))
}

/// The session key holding a sign-in whose password was right but whose second step (a
/// TOTP code, or enrolling an authenticator) is still to come. Such a session is not signed
/// in: [`USER_KEY`] is set only when the second step is done.
const PENDING_KEY: &str = "pending_sign_in";

/// How long the second step of a sign-in may take before the password must be typed again.
pub const PENDING_FOR: Duration = Duration::minutes(5);

/// Wrong codes one password may be followed by; then the password must be typed again.
pub const MAX_CODE_ATTEMPTS: u32 = 5;

/// A sign-in waiting for its second step, bound to this session (its id was renewed when the
/// password was accepted, and is renewed again when the step is done).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct PendingSignIn {
    pub user_id: UserId,
    /// The user has no authenticator but their role needs one: the second step is enrolling.
    pub enrol: bool,
    /// The secret shown for enrolling (never stored until a code confirms it).
    pub secret: Option<String>,
    /// When the password was accepted (the services' clock, epoch ms).
    pub since_ms: i64,
    /// Wrong codes so far.
    pub attempts: u32,
    /// Where to go once signed in.
    pub next: String,
    /// [`password_seal`] of the password hash that was accepted: a password changed meanwhile
    /// (a reset, a recovery) ends the wait, as it ends every session.
    pub password_seal: String,
}

/// A short digest of a stored password hash, to notice a change without keeping the hash in
/// the session.
pub(crate) fn password_seal(password_hash: &str) -> String {
    let mut seal = token_hash(password_hash);
    seal.truncate(16);
    seal
}

impl PendingSignIn {
    /// Whether the second step is still open at `now`.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        let since =
            DateTime::from_timestamp_millis(self.since_ms).unwrap_or(DateTime::<Utc>::MIN_UTC);
        now < since + PENDING_FOR && now >= since - Duration::minutes(1)
    }
}

/// Which second step a sign-in of `stored` needs once its first (a password, or the single
/// sign-on provider) is done: `Some(false)` a code (the user has TOTP), `Some(true)` enrolling
/// (no TOTP but their role needs it), `None` none.
pub(crate) async fn second_step_needed(
    store: &pelihara_store::Store,
    stored: &pelihara_store::people::StoredUser,
) -> Result<Option<bool>, WebError> {
    if store.totp(stored.user.id).await?.is_some() {
        return Ok(Some(false));
    }
    let required = store
        .totp_required_roles()
        .await?
        .contains(&stored.user.role);
    Ok(required.then_some(true))
}

/// Starts the second step [`second_step_needed`] named for `stored` and answers with its page:
/// the session stays signed out until the step is done, then goes to `next`.
pub(crate) async fn begin_second_step(
    session: &Session,
    stored: &pelihara_store::people::StoredUser,
    enrol: bool,
    next: String,
    now: DateTime<Utc>,
) -> Result<Response, WebError> {
    let pending = PendingSignIn {
        user_id: stored.user.id,
        enrol,
        secret: enrol.then(crate::totp::new_secret),
        since_ms: now.timestamp_millis(),
        attempts: 0,
        next,
        password_seal: password_seal(&stored.password_hash),
    };
    begin_pending(session, &pending).await?;
    let page = if enrol {
        "/masuk/atur-kode"
    } else {
        "/masuk/kode"
    };
    Ok(Redirect::to(page).into_response())
}

/// Starts the second step of a sign-in on a new session id; the session stays signed out.
pub(crate) async fn begin_pending(
    session: &Session,
    pending: &PendingSignIn,
) -> Result<(), WebError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .remove::<String>(USER_KEY)
        .await
        .map_err(session_error)?;
    save_pending(session, pending).await
}

/// The sign-in waiting for its second step on this session, if any.
pub(crate) async fn pending(session: &Session) -> Result<Option<PendingSignIn>, WebError> {
    session.get(PENDING_KEY).await.map_err(session_error)
}

/// Writes the waiting sign-in back (after a wrong code was counted).
pub(crate) async fn save_pending(
    session: &Session,
    pending: &PendingSignIn,
) -> Result<(), WebError> {
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(session_error)
}

/// Forgets the waiting sign-in (expired, too many wrong codes): the password comes first again.
pub(crate) async fn clear_pending(session: &Session) -> Result<(), WebError> {
    session
        .remove::<PendingSignIn>(PENDING_KEY)
        .await
        .map_err(session_error)?;
    Ok(())
}

/// Signs `user` in on this session: a new session id first (so an id planted before the
/// sign-in is worthless), then the user's id. A waiting second step is done with.
pub(crate) async fn start_session(session: &Session, user: UserId) -> Result<(), WebError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .remove::<PendingSignIn>(PENDING_KEY)
        .await
        .map_err(session_error)?;
    session
        .insert(USER_KEY, user.to_string())
        .await
        .map_err(session_error)?;
    session
        .insert(REFRESHED_KEY, system_millis())
        .await
        .map_err(session_error)?;
    Ok(())
}

/// Ends the session: deleted from the database, cookie removed.
pub(crate) async fn end_session(session: &Session) -> Result<(), WebError> {
    session.flush().await.map_err(session_error)
}

/// Hashes a new password with argon2 (default parameters, random salt), off the async
/// threads: hashing takes tens of milliseconds on purpose.
pub async fn hash_password(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| WebError::internal(error.to_string()))
    })
    .await
    .map_err(WebError::internal)?
}

/// Whether `password` matches the stored argon2 `hash`; a malformed hash never matches.
pub async fn verify_password(hash: String, password: String) -> Result<bool, WebError> {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .map_err(WebError::internal)
}

/// What every API token starts with, so a leaked one is recognisable (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "plh_";

/// A new API token: the whole token, shown once to its owner and never kept, its public
/// prefix (`plh_` and 8 hex digits, which names it in lists and the audit trail) and the
/// SHA-256 of the whole token, which is all the database keeps.
pub struct MintedToken {
    pub token: String,
    pub prefix: String,
    pub secret_hash: String,
}

/// Draws a new API token: 4 random bytes for its public prefix and 32 for its secret, from
/// the operating system's generator.
pub fn mint_token() -> MintedToken {
    use argon2::password_hash::rand_core::RngCore;
    let mut public = [0_u8; 4];
    let mut secret = [0_u8; 32];
    OsRng.fill_bytes(&mut public);
    OsRng.fill_bytes(&mut secret);
    let prefix = format!("{TOKEN_PREFIX}{}", hex::encode(public));
    let token = format!("{prefix}_{}", hex::encode(secret));
    let secret_hash = token_hash(&token);
    MintedToken {
        token,
        prefix,
        secret_hash,
    }
}

/// The SHA-256 (lowercase hex) of a token as sent: what the database keeps and looks up.
/// A secret of 32 random bytes needs no slow hash: nobody can guess it from its digest.
/// Checks a new password against the rules (the same for a first password, a reset and a
/// change by the user), recording the message under `field`.
pub(crate) fn check_password(
    tr: crate::lang::Tr,
    password: &str,
    field: &str,
    errors: &mut crate::forms::FormErrors,
) {
    if password.chars().count() < PASSWORD_MIN {
        errors.field(
            field,
            tr.t1("admin-error-password-short", "min", PASSWORD_MIN),
        );
    } else if password.chars().count() > PASSWORD_MAX {
        errors.field(field, tr.t1("admin-error-too-long", "max", PASSWORD_MAX));
    }
}

/// A new secret token for a link sent to one person (password reset, invitation, setup): 32
/// random bytes, hex. Only its [`token_hash`] is stored.
pub(crate) fn new_token() -> String {
    use argon2::password_hash::rand_core::RngCore;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// A hash no password matches, verified against for unknown usernames so that they take as
/// long to refuse as a wrong password (the time must not tell whether a username exists).
pub(crate) async fn decoy_hash() -> Result<String, WebError> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DECOY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password(uuid_like_secret()).await?;
    Ok(DECOY.get_or_init(|| hash).clone())
}

/// A throw-away secret for the decoy hash; it is never compared with anything typed.
fn uuid_like_secret() -> String {
    let salt = SaltString::generate(&mut OsRng);
    salt.as_str().to_owned()
}

/// How long sign-ins stay refused, given failed ones within the window (oldest first) at
/// `now`: `None` while fewer than `max`.
pub fn locked_for(failures: &[DateTime<Utc>], max: usize, now: DateTime<Utc>) -> Option<Duration> {
    let oldest_counted = failures.len().checked_sub(max)?;
    let unlocks_at = *failures.get(oldest_counted)? + FAILURE_WINDOW;
    (unlocks_at > now).then(|| unlocks_at - now)
}

/// How long a client must wait before trying `username` again: the longer of the limit of
/// that name from that client and the limit of that client over every name.
pub fn wait_before_trying(
    for_name: &[DateTime<Utc>],
    from_client: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Option<Duration> {
    locked_for(for_name, MAX_FAILURES, now).max(locked_for(from_client, MAX_CLIENT_FAILURES, now))
}

/// Who failed attempts are counted against: the client's IP address without its port (each
/// connection has another port), or the address as given when it is not one.
pub fn client_key(address: &str) -> String {
    address
        .parse::<SocketAddr>()
        .map(|socket| socket.ip().to_string())
        .unwrap_or_else(|_| address.to_owned())
}

/// How long the per-client limits of public pages (`throttle_events`) keep a row: longer than
/// any of their windows.
pub const THROTTLE_RETENTION: Duration = Duration::hours(24);

/// How long a client must wait, given its counted events within `window` (oldest first) at
/// `now`: `None` while fewer than `max`; else until the oldest of the last `max` leaves it.
pub fn throttled_for(
    events: &[DateTime<Utc>],
    max: usize,
    window: Duration,
    now: DateTime<Utc>,
) -> Option<Duration> {
    let oldest_counted = events.len().checked_sub(max)?;
    let frees_at = *events.get(oldest_counted)? + window;
    (frees_at > now).then(|| frees_at - now)
}

/// Who the limits of public pages count against: an IPv4 address, or the /64 network of an
/// IPv6 address (one household or server is given a whole /64, so single addresses would
/// cost a guesser nothing); the address as given when it is not one.
pub fn network_key(address: &str) -> String {
    match address.parse::<SocketAddr>().map(|socket| socket.ip()) {
        Ok(std::net::IpAddr::V6(ip)) if ip.to_ipv4_mapped().is_none() => {
            let s = ip.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(ip)) => ip
            .to_ipv4_mapped()
            .map_or_else(String::new, |v4| v4.to_string()),
        Ok(ip) => ip.to_string(),
        Err(_) => address.to_owned(),
    }
}

/// Whole minutes to tell the user, rounded up and at least one.
pub fn minutes_to_wait(wait: Duration) -> i64 {
    let seconds = wait.num_seconds().max(1);
    (seconds + 59) / 60
}

/// Not signed in (or a fault while finding out).
pub enum AuthRejection {
    /// Pages send the browser to the sign-in page, and back to `next` afterwards.
    SignIn {
        next: Option<String>,
        htmx: bool,
    },
    Error(WebError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::SignIn { next, htmx } => {
                let target = match next {
                    Some(next) => format!("/masuk?next={}", url_encode(&next)),
                    None => "/masuk".to_owned(),
                };
                if htmx {
                    // An htmx request would swap the sign-in page into a fragment; this
                    // header makes htmx load it as a whole page instead.
                    let mut response = StatusCode::NO_CONTENT.into_response();
                    if let Ok(value) = HeaderValue::from_str(&target) {
                        response.headers_mut().insert(HX_REDIRECT, value);
                    }
                    response
                } else {
                    Redirect::to(&target).into_response()
                }
            }
            AuthRejection::Error(error) => error.into_response(),
        }
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Where to come back to after signing in: this page for a GET; for a form sent after the
/// session ended, the page the form was on (the form itself cannot be replayed).
fn come_back_to(parts: &Parts) -> Option<String> {
    let path = if parts.method == Method::GET || parts.method == Method::HEAD {
        parts.uri.path_and_query().map(|pq| pq.as_str().to_owned())
    } else {
        parts
            .headers
            .get(header::REFERER)
            .and_then(|value| value.to_str().ok())
            .and_then(|referer| referer.split_once("://"))
            .and_then(|(_, rest)| rest.find('/').map(|slash| rest[slash..].to_owned()))
    }?;
    let path = local_path(&path);
    (path != "/").then(|| path.to_owned())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match signed_in(parts, state).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err(AuthRejection::SignIn {
                next: come_back_to(parts),
                htmx: header_is_true(parts, HX_REQUEST),
            }),
            Err(error) => Err(AuthRejection::Error(error)),
        }
    }
}

/// `Option<CurrentUser>`: the user when signed in, `None` for a guest (pages open to both).
impl axum::extract::OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        signed_in(parts, state).await
    }
}

/// A signed-in admin: the extractor of the admin pages. Anyone else signed in gets 403.
#[derive(Debug, Clone)]
pub struct AdminUser(pub CurrentUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.role() == Role::Admin {
            Ok(AdminUser(user))
        } else {
            Err(AuthRejection::Error(WebError::Forbidden))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_until_the_oldest_failure_leaves_the_window() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("instant");
        let minutes = |list: &[i64]| -> Vec<DateTime<Utc>> {
            list.iter().map(|m| now - Duration::minutes(*m)).collect()
        };
        assert_eq!(
            locked_for(&minutes(&[10, 8, 6, 4]), MAX_FAILURES, now),
            None
        );
        assert_eq!(
            locked_for(&minutes(&[10, 8, 6, 4, 2]), MAX_FAILURES, now),
            Some(Duration::minutes(5))
        );
        // Six failures: the lock lasts until the second-oldest leaves the window.
        assert_eq!(
            locked_for(&minutes(&[14, 10, 8, 6, 4, 2]), MAX_FAILURES, now),
            Some(Duration::minutes(5))
        );
        assert_eq!(
            locked_for(&minutes(&[15, 8, 6, 4, 2]), MAX_FAILURES, now),
            None
        );
        assert_eq!(minutes_to_wait(Duration::seconds(61)), 2);
        assert_eq!(minutes_to_wait(Duration::seconds(60)), 1);
        assert_eq!(minutes_to_wait(Duration::milliseconds(5)), 1);
    }

    #[test]
    fn public_limits_count_per_address_or_ipv6_network() {
        assert_eq!(network_key("203.0.113.7:5123"), "203.0.113.7");
        assert_eq!(
            network_key("[2001:db8:aa:bb:1:2:3:4]:443"),
            "2001:db8:aa:bb::/64"
        );
        assert_eq!(
            network_key("[2001:db8:aa:bb:ffff::9]:80"),
            "2001:db8:aa:bb::/64"
        );
        assert_eq!(network_key("[::ffff:198.51.100.2]:80"), "198.51.100.2");
        assert_eq!(network_key("-"), "-");
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("instant");
        let at = |m: i64| now - Duration::minutes(m);
        let window = Duration::minutes(15);
        assert_eq!(throttled_for(&[at(10), at(5)], 3, window, now), None);
        assert_eq!(
            throttled_for(&[at(10), at(5), at(1)], 3, window, now),
            Some(Duration::minutes(5))
        );
        assert_eq!(throttled_for(&[at(15), at(5), at(1)], 3, window, now), None);
    }

    #[tokio::test]
    async fn verifies_argon2_passwords() {
        let hash = hash_password("rahasia-sekali".to_owned())
            .await
            .expect("hashed");
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password(hash.clone(), "rahasia-sekali".to_owned())
                .await
                .expect("verified")
        );
        assert!(
            !verify_password(hash, "rahasia-sekalI".to_owned())
                .await
                .expect("verified")
        );
        assert!(
            !verify_password("not a hash".to_owned(), String::new())
                .await
                .expect("verified")
        );
        let decoy = decoy_hash().await.expect("decoy");
        assert!(
            !verify_password(decoy, String::new())
                .await
                .expect("verified")
        );
    }

    #[test]
    fn comes_back_only_to_local_pages() {
        let parts = |method: Method, uri: &str, referer: Option<&str>| {
            let mut builder = axum::http::Request::builder().method(method).uri(uri);
            if let Some(referer) = referer {
                builder = builder.header(header::REFERER, referer);
            }
            builder.body(()).expect("request").into_parts().0
        };
        assert_eq!(
            come_back_to(&parts(Method::GET, "/tugas?page=2", None)).as_deref(),
            Some("/tugas?page=2")
        );
        assert_eq!(come_back_to(&parts(Method::GET, "/", None)), None);
        assert_eq!(
            come_back_to(&parts(
                Method::POST,
                "/permohonan/x/aksi",
                Some("https://pelihara.example/permohonan/x")
            ))
            .as_deref(),
            Some("/permohonan/x")
        );
        assert_eq!(come_back_to(&parts(Method::POST, "/keluar", None)), None);
    }
}
