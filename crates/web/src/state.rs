//! What every handler shares: the web configuration and the asset table, built once at start-up.
//! It must never hold per-request or per-user data, and never read the environment or files:
//! the binary builds a `WebConfig` and hands it over.

use std::sync::Arc;

use tower_http::csrf::CsrfLayer;

use crate::assets::AssetTable;

/// Settings of the web front, cloned into every request through [`AppState`].
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The office that runs Pelihara, shown in the top bar, e.g.
    /// "Dinas Komunikasi dan Informatika Kabupaten Demak".
    pub office_name: String,
    /// Where users reach Pelihara, e.g. `https://pelihara.demakkab.go.id`. Its origin is trusted
    /// by the cross-site request check even when a reverse proxy rewrites `Host`, and an
    /// `https` address makes the cookies `Secure`.
    pub public_base_url: String,
    /// The largest request body accepted, in bytes (uploads of request letters are the largest).
    pub upload_limit_bytes: usize,
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

/// The state shared by all handlers. Cheap to clone: everything sits behind one `Arc`.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: WebConfig,
    assets: Arc<AssetTable>,
    csrf: CsrfLayer,
    // The store handle (pelihara-store) goes here once that crate lands, so that handlers reach
    // it as `state.store()`; the case engine (pelihara-domain) is called through it.
}

impl AppState {
    /// Checks the configuration and hashes the embedded assets (once, at start-up).
    pub fn new(config: WebConfig) -> Result<AppState, SetupError> {
        let public_origin = config
            .public_origin()
            .ok_or_else(|| SetupError::PublicBaseUrl(config.public_base_url.clone()))?;
        // tower-http has its own, stricter reading of an origin (punycode hosts only): check
        // it here so a bad address fails at start-up rather than weakening the check later.
        let csrf = crate::security::csrf_layer(&public_origin)
            .map_err(|_| SetupError::PublicBaseUrl(config.public_base_url.clone()))?;
        if config.upload_limit_bytes == 0 {
            return Err(SetupError::UploadLimit);
        }
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                assets: Arc::new(AssetTable::build()),
                csrf,
            }),
        })
    }

    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    pub fn assets(&self) -> &Arc<AssetTable> {
        &self.inner.assets
    }

    /// The cross-site request check, with the public origin trusted.
    pub(crate) fn csrf_layer(&self) -> CsrfLayer {
        self.inner.csrf.clone()
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

    #[test]
    fn refuses_a_bad_configuration() {
        assert!(matches!(
            AppState::new(config("pelihara.local")),
            Err(SetupError::PublicBaseUrl(_))
        ));
        let mut zero = config("http://localhost");
        zero.upload_limit_bytes = 0;
        assert!(matches!(AppState::new(zero), Err(SetupError::UploadLimit)));
    }
}
