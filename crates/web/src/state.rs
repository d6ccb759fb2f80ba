//! What every handler shares: the web configuration and the asset table, built once at start-up.
//! It must never hold per-request or per-user data, and never read the environment or files:
//! the binary builds a `WebConfig` and hands it over.

use std::sync::{Arc, OnceLock, Weak};

use axum::extract::FromRef;
use pelihara_store::{BlobStore, SharedCalendar, SharedCatalog, SharedIdentity, Store};

/// The clock the pages read (one type with the scheduler's: `pelihara_store::Clock`).
pub use pelihara_store::Clock;

use crate::assets::AssetTable;
use crate::document_queue::{DocumentLocks, DocumentQueue, InFlight, RequestsInFlight};

/// Settings of the web front, cloned into every request through [`AppState`].
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The office's name the top bar shows while no identity names one (the SOPs' office), e.g.
    /// "Dinas Komunikasi dan Informatika Kabupaten Demak".
    pub office_name: String,
    /// Where users reach Pelihara, e.g. `https://pelihara.demakkab.go.id`. Its origin is trusted
    /// by the cross-site request check even when a reverse proxy rewrites `Host`, and an
    /// `https` address makes the cookies `Secure`.
    pub public_base_url: String,
    /// The largest request body accepted, in bytes (uploads of request letters are the largest).
    pub upload_limit_bytes: usize,
    /// The reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: crate::client_address::TrustedProxies,
}

/// An origin as browsers send it: lower case, without the scheme's default port.
pub(crate) fn normalized_origin(origin: &str) -> String {
    let origin = origin.trim().to_ascii_lowercase();
    origin
        .strip_suffix(":443")
        .filter(|_| origin.starts_with("https://"))
        .or_else(|| {
            origin
                .strip_suffix(":80")
                .filter(|_| origin.starts_with("http://"))
        })
        .map(str::to_owned)
        .unwrap_or(origin)
}

impl WebConfig {
    /// 12 MiB: a scanned request letter of several pages fits, a denial of service does not.
    pub const DEFAULT_UPLOAD_LIMIT_BYTES: usize = 12 * 1024 * 1024;

    /// The origin (`scheme://host[:port]`) of `public_base_url`, without path or trailing slash.
    pub fn public_origin(&self) -> Option<String> {
        let url = self.public_base_url.trim();
        let (scheme, rest) = url.split_once("://")?;
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.is_empty() {
            return None;
        }
        Some(format!("{scheme}://{authority}"))
    }

    /// Whether users reach Pelihara over TLS, so cookies may carry the `Secure` flag.
    pub fn behind_tls(&self) -> bool {
        self.public_base_url.trim().starts_with("https://")
    }
}

/// Why the web front could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("public base URL {0:?} is not an http(s) address with a host")]
    PublicBaseUrl(String),
    #[error("upload limit must be at least 1 byte")]
    UploadLimit,
}

/// What pages work with: the store, the SOP versions cases follow, the working calendar, the
/// office's identity (its name and rules: the agenda number format), the document store and
/// the clock.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub catalog: SharedCatalog,
    /// The working calendar, rebuilt when a holiday edit (here or on another node) changed
    /// it: read `calendar.snapshot()` once per request.
    pub calendar: SharedCalendar,
    /// The office's identity, reread when it was stored again (here or on another node): read
    /// `identity.snapshot()` once per request.
    pub identity: SharedIdentity,
    pub blobs: BlobStore,
    pub clock: Clock,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Services")
    }
}

/// The state shared by all handlers. Cheap to clone: everything sits behind one `Arc`.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: WebConfig,
    assets: Arc<AssetTable>,
    /// The origin state-changing requests must come from (`security::same_origin`).
    public_origin: String,
    services: Services,
    /// Official documents issued after case actions, in the background (one render at a time).
    documents: Arc<DocumentQueue>,
    /// Requests being served now; the document worker yields to them.
    requests: Arc<RequestsInFlight>,
    /// One lock per document, so the worker and a download never issue the same one twice.
    document_locks: Arc<DocumentLocks>,
    /// The SMTP client password-recovery mail goes out by, once the binary configured one.
    mailer: OnceLock<pelihara_notify::Mailer>,
    /// The single sign-on provider, once the binary configured one (`sso.rs`).
    sso: OnceLock<crate::sso::Sso>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The worker holds only a weak reference and the queue: end it with the state.
        self.documents.stop();
    }
}

/// An [`AppState`] that does not keep the state alive: the document worker holds one, so it
/// ends when the last handler's state is gone instead of keeping it forever.
#[derive(Debug, Clone)]
pub(crate) struct WeakAppState(Weak<Inner>);

impl WeakAppState {
    pub(crate) fn upgrade(&self) -> Option<AppState> {
        self.0.upgrade().map(|inner| AppState { inner })
    }
}

impl AppState {
    /// Checks the configuration and hashes the embedded assets (once, at start-up).
    pub fn new(config: WebConfig, services: Services) -> Result<AppState, SetupError> {
        let public_origin = config
            .public_origin()
            .ok_or_else(|| SetupError::PublicBaseUrl(config.public_base_url.clone()))?;
        let public_origin = normalized_origin(&public_origin);
        if config.upload_limit_bytes == 0 {
            return Err(SetupError::UploadLimit);
        }
        let requests = Arc::new(RequestsInFlight::default());
        Ok(AppState {
            inner: Arc::new(Inner {
                assets: Arc::new(AssetTable::build()),
                public_origin,
                services,
                documents: Arc::new(DocumentQueue::new(
                    DocumentQueue::CAPACITY,
                    Arc::clone(&requests),
                )),
                requests,
                document_locks: Arc::new(DocumentLocks::default()),
                mailer: OnceLock::new(),
                sso: OnceLock::new(),
                config,
            }),
        })
    }

    /// Counts a request as in flight until the returned guard is dropped.
    pub(crate) fn request_started(&self) -> InFlight {
        self.inner.requests.start()
    }

    pub fn services(&self) -> &Services {
        &self.inner.services
    }

    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// The office's name as the page header shows it now: the stored identity's, else the
    /// configured one. Every node follows a new identity within seconds (`SharedIdentity`).
    pub fn office_name(&self) -> String {
        self.inner
            .services
            .identity
            .snapshot()
            .office_name()
            .unwrap_or_else(|| self.inner.config.office_name.clone())
    }

    pub fn assets(&self) -> &Arc<AssetTable> {
        &self.inner.assets
    }

    pub(crate) fn downgrade(&self) -> WeakAppState {
        WeakAppState(Arc::downgrade(&self.inner))
    }

    pub(crate) fn document_queue(&self) -> &Arc<DocumentQueue> {
        &self.inner.documents
    }

    /// Gives the web front an SMTP client for its own mail (password recovery); without one
    /// the recovery page says to ask the administrator. Only the first call counts.
    pub fn set_mailer(&self, mailer: pelihara_notify::Mailer) {
        let _ = self.inner.mailer.set(mailer);
    }

    pub(crate) fn mailer(&self) -> Option<&pelihara_notify::Mailer> {
        self.inner.mailer.get()
    }

    /// Configures single sign-on with `settings` (checked, nobody contacted yet): the sign-in
    /// page offers it from the next request on. Only the first call counts.
    pub fn set_sso(
        &self,
        settings: crate::sso::SsoSettings,
    ) -> Result<(), crate::sso::SsoSetupError> {
        let sso = crate::sso::Sso::new(settings, &self.inner.public_origin)?;
        let _ = self.inner.sso.set(sso);
        Ok(())
    }

    /// The single sign-on provider, when one is configured.
    pub(crate) fn sso(&self) -> Option<&crate::sso::Sso> {
        self.inner.sso.get()
    }

    pub(crate) fn document_locks(&self) -> &Arc<DocumentLocks> {
        &self.inner.document_locks
    }

    /// Waits until every document queued by a case action so far has been issued (or its
    /// failure logged): tests and the benchmark read issued documents after this.
    pub async fn documents_settled(&self) {
        self.inner.documents.settled().await;
    }

    /// At shutdown, once no request runs any more: lets the document being issued finish and
    /// leaves the cases still waiting to the download path.
    pub async fn finish_documents(&self) {
        self.inner.documents.wind_down().await;
    }

    /// Holds the background issuing (the render in progress finishes): tests show that an
    /// action answers without waiting for its documents.
    #[cfg(any(test, feature = "testing"))]
    pub fn pause_documents(&self) {
        self.inner.documents.set_paused(true);
    }

    /// Lets background issuing go on after [`AppState::pause_documents`].
    #[cfg(any(test, feature = "testing"))]
    pub fn resume_documents(&self) {
        self.inner.documents.set_paused(false);
    }

    /// The cross-site request check, with the public origin trusted.
    pub(crate) fn public_origin(&self) -> &str {
        &self.inner.public_origin
    }
}

/// The asset table alone, for the static file handler (which needs nothing else of the state).
impl FromRef<AppState> for Arc<AssetTable> {
    fn from_ref(state: &AppState) -> Arc<AssetTable> {
        Arc::clone(state.assets())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> WebConfig {
        WebConfig {
            office_name: "Dinkominfo".to_owned(),
            public_base_url: url.to_owned(),
            upload_limit_bytes: WebConfig::DEFAULT_UPLOAD_LIMIT_BYTES,
            trusted_proxies: Default::default(),
        }
    }

    #[test]
    fn reads_the_public_origin() {
        let cases = [
            (
                "https://pelihara.demakkab.go.id",
                Some("https://pelihara.demakkab.go.id"),
            ),
            (
                "https://pelihara.demakkab.go.id/",
                Some("https://pelihara.demakkab.go.id"),
            ),
            (
                "http://10.1.2.3:8080/pelihara?x=1",
                Some("http://10.1.2.3:8080"),
            ),
            ("ftp://example.org", None),
            ("https://", None),
            ("pelihara.local", None),
        ];
        for (url, expected) in cases {
            assert_eq!(config(url).public_origin().as_deref(), expected, "{url}");
        }
    }

    #[tokio::test]
    async fn refuses_a_bad_configuration() {
        let test = crate::testing::services().await;
        assert!(matches!(
            AppState::new(config("pelihara.local"), test.services.clone()),
            Err(SetupError::PublicBaseUrl(_))
        ));
        let mut zero = config("http://localhost");
        zero.upload_limit_bytes = 0;
        assert!(matches!(
            AppState::new(zero, test.services.clone()),
            Err(SetupError::UploadLimit)
        ));
    }
}
