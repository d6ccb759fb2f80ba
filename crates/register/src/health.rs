//! Health checks of an app's address: HTTP status, response time, the TLS certificate's issuer
//! and expiry, and the redirects on the way. Safe against server-side request forgery: every
//! hop's host is resolved here, every resolved address is checked (private, loopback,
//! link-local, unspecified, multicast and other non-public ranges are refused unless an
//! allow-listed network holds them), and the connection goes only to the addresses checked,
//! so a second DNS answer cannot swap them. Redirects are followed by hand, one checked hop
//! at a time; the whole check has one deadline and reads a bounded part of the body.
//! Never follows a proxy, never sends credentials, never records the body.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use ipnet::IpNet;
use pelihara_domain::register::HealthCheck;
use reqwest::Url;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::time::Instant;

/// The setting (key of the store's settings) listing networks an admin allows health checks
/// to reach although they are not public, e.g. `10.20.0.0/16, 192.168.5.10` for intranet apps.
pub const ALLOWED_NETWORKS_SETTING: &str = "health_check_allowed_networks";

/// Limits and trust of health checks.
#[derive(Debug, Clone)]
pub struct CheckPolicy {
    /// Non-public networks that may be checked anyway (see [`ALLOWED_NETWORKS_SETTING`]).
    pub allowed_networks: Vec<IpNet>,
    /// The whole check, every hop included.
    pub timeout: Duration,
    pub max_redirects: usize,
    /// At most this much of the final body is read (and then dropped).
    pub max_body_bytes: usize,
    /// Certificate authorities trusted beyond the system's (an intranet CA).
    pub extra_roots: Vec<CertificateDer<'static>>,
}

impl Default for CheckPolicy {
    fn default() -> Self {
        CheckPolicy {
            allowed_networks: Vec::new(),
            timeout: Duration::from_secs(15),
            max_redirects: 5,
            max_body_bytes: 256 * 1024,
            extra_roots: Vec::new(),
        }
    }
}

/// Reads the allow-list setting: networks (`10.0.0.0/8`) or single addresses, separated by
/// commas, spaces or new lines. `Err` names the first entry that is neither.
pub fn parse_allowed_networks(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| entry.to_owned())
        })
        .collect()
}

/// Why an address is not public, or `None` for a public address.
pub fn non_public_reason(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(a: Ipv4Addr) -> Option<&'static str> {
    let [first, second, ..] = a.octets();
    if a.is_unspecified() || first == 0 {
        Some("unspecified")
    } else if a.is_loopback() {
        Some("loopback")
    } else if a.is_private() {
        Some("private")
    } else if a.is_link_local() {
        Some("link-local")
    } else if a.is_multicast() {
        Some("multicast")
    } else if a.is_broadcast() || first >= 240 {
        Some("reserved")
    } else if first == 100 && (64..128).contains(&second) {
        // 100.64.0.0/10: carrier-grade NAT, inside someone's network.
        Some("shared")
    } else if first == 192 && second == 0 && a.octets()[2] == 0 {
        Some("reserved")
    } else if first == 198 && (second == 18 || second == 19) {
        // 198.18.0.0/15: benchmarking, used inside networks.
        Some("reserved")
    } else {
        None
    }
}

fn v6_reason(a: Ipv6Addr) -> Option<&'static str> {
    // An IPv4 address in IPv6 clothing is judged as IPv4: mapped (::ffff:a.b.c.d), and the
    // NAT64 prefix 64:ff9b::/96 that translates to it.
    if let Some(v4) = a.to_ipv4_mapped() {
        return v4_reason(v4);
    }
    let segments = a.segments();
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., high, low] = segments;
        let v4 = Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
        return v4_reason(v4);
    }
    if a.is_unspecified() {
        Some("unspecified")
    } else if a.is_loopback() {
        Some("loopback")
    } else if a.is_multicast() {
        Some("multicast")
    } else if segments[0] & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if segments[0] & 0xffc0 == 0xfec0 || segments[0] & 0xfe00 == 0xfc00 {
        // Site-local (deprecated) and unique local addresses: private networks.
        Some("private")
    } else if segments[..6] == [0, 0, 0, 0, 0, 0] {
        // IPv4-compatible (deprecated) addresses.
        Some("reserved")
    } else {
        None
    }
}

/// Whether `address` may be checked: public, or inside an allowed network.
fn refusal(address: IpAddr, allowed: &[IpNet]) -> Option<&'static str> {
    let reason = non_public_reason(address)?;
    let canonical = match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(address),
        v4 => v4,
    };
    if allowed
        .iter()
        .any(|net| net.contains(&address) || net.contains(&canonical))
    {
        None
    } else {
        Some(reason)
    }
}

/// What went wrong; the code is stable (stored, and translated as
/// `register-health-error-<code>`), the detail is technical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: &'static str,
    pub detail: String,
}

impl Failure {
    fn new(code: &'static str, detail: impl Into<String>) -> Failure {
        Failure {
            code,
            detail: detail.into(),
        }
    }

    /// The form kept in the history: `code: detail`.
    pub fn stored(&self) -> String {
        format!("{}: {}", self.code, self.detail)
    }
}

/// The code of a stored failure text (see [`Failure::stored`]).
pub fn failure_code(stored: &str) -> &str {
    stored.split(':').next().unwrap_or(stored)
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("TLS setup: {0}")]
    Tls(#[from] rustls::Error),
}

/// Checks addresses under one policy. Build once (it loads the trusted roots), check often.
#[derive(Debug, Clone)]
pub struct Checker {
    policy: CheckPolicy,
    provider: Arc<CryptoProvider>,
    verifier: Arc<dyn ServerCertVerifier>,
}

/// Keeps the last server certificate seen, whether or not it verifies, so that a check that
/// fails on an expired certificate can still say who issued it and when it expired.
#[derive(Debug)]
struct Recording {
    inner: Arc<dyn ServerCertVerifier>,
    last: Mutex<Option<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(end_entity.clone().into_owned());
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The issuer (as an RFC 4514 name) and the end of validity of a DER certificate.
fn certificate_facts(der: &[u8]) -> Option<(String, Option<DateTime<Utc>>)> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let issuer = cert.issuer().to_string();
    let expires = DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0);
    Some((issuer, expires))
}

enum Host<'a> {
    Address(IpAddr),
    Name(&'a str),
}

/// The host of an address: an IP literal (IPv6 without its brackets) or a name.
fn host_of(url: &Url) -> Option<Host<'_>> {
    let host = url.host_str()?;
    let bare = host
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(host);
    Some(match bare.parse::<IpAddr>() {
        Ok(address) => Host::Address(address),
        Err(_) => Host::Name(host),
    })
}

/// What one hop answered.
enum Hop {
    Redirect(Url),
    Final { status: u16 },
}

impl Checker {
    pub fn new(policy: CheckPolicy) -> Result<Checker, SetupError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
            policy.extra_roots.iter().cloned(),
            Arc::clone(&provider),
        )?;
        Ok(Checker {
            policy,
            provider,
            verifier: Arc::new(verifier),
        })
    }

    pub fn policy(&self) -> &CheckPolicy {
        &self.policy
    }

    /// Checks `url`, following redirects; `now` is the moment recorded as the check's.
    pub async fn check(&self, url: &str, now: DateTime<Utc>) -> HealthCheck {
        let started = Instant::now();
        let deadline = started + self.policy.timeout;
        let recording = Arc::new(Recording {
            inner: Arc::clone(&self.verifier),
            last: Mutex::new(None),
        });
        let mut redirects = Vec::new();
        let outcome = self.follow(url, deadline, &recording, &mut redirects).await;
        let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let certificate = recording.last.lock().ok().and_then(|last| last.clone());
        let facts = certificate.as_deref().and_then(certificate_facts);
        let (tls_issuer, tls_expires_at) = match facts {
            Some((issuer, expires)) => (Some(issuer), expires),
            None => (None, None),
        };
        let (ok, http_status, error) = match outcome {
            Ok(status) if (200..300).contains(&status) => (true, Some(status), None),
            Ok(status) => (
                false,
                Some(status),
                Some(Failure::new("http-status", status.to_string()).stored()),
            ),
            Err(failure) => (false, None, Some(failure.stored())),
        };
        HealthCheck {
            checked_at: now,
            url: url.to_owned(),
            ok,
            http_status,
            response_ms: http_status.map(|_| elapsed),
            tls_issuer,
            tls_expires_at,
            error,
            redirects,
        }
    }

    async fn follow(
        &self,
        url: &str,
        deadline: Instant,
        recording: &Arc<Recording>,
        redirects: &mut Vec<String>,
    ) -> Result<u16, Failure> {
        let mut current = Url::parse(url.trim())
            .map_err(|error| Failure::new("invalid-url", error.to_string()))?;
        loop {
            let hop = tokio::time::timeout_at(deadline, self.hop(&current, recording)).await;
            match hop {
                Err(_) => {
                    return Err(Failure::new(
                        "timeout",
                        format!("{} ms", self.policy.timeout.as_millis()),
                    ));
                }
                Ok(Err(failure)) => return Err(failure),
                Ok(Ok(Hop::Final { status })) => return Ok(status),
                Ok(Ok(Hop::Redirect(next))) => {
                    if redirects.len() >= self.policy.max_redirects {
                        return Err(Failure::new(
                            "too-many-redirects",
                            self.policy.max_redirects.to_string(),
                        ));
                    }
                    redirects.push(next.to_string());
                    current = next;
                }
            }
        }
    }

    /// Resolves and checks the host of `url`; the addresses to connect to.
    async fn checked_addresses(&self, url: &Url) -> Result<Vec<SocketAddr>, Failure> {
        let port = url
            .port_or_known_default()
            .ok_or_else(|| Failure::new("invalid-url", "no port"))?;
        let addresses: Vec<SocketAddr> = match host_of(url) {
            Some(Host::Address(address)) => vec![SocketAddr::new(address, port)],
            Some(Host::Name(name)) => tokio::net::lookup_host((name, port))
                .await
                .map_err(|error| Failure::new("dns", format!("{name}: {error}")))?
                .collect(),
            None => return Err(Failure::new("invalid-url", "no host")),
        };
        if addresses.is_empty() {
            return Err(Failure::new("dns", "no address"));
        }
        // Every address must pass: a name that resolves to one public and one private
        // address is refused rather than raced.
        for address in &addresses {
            if let Some(reason) = refusal(address.ip(), &self.policy.allowed_networks) {
                return Err(Failure::new(
                    "refused-address",
                    format!("{} ({reason})", address.ip()),
                ));
            }
        }
        Ok(addresses)
    }

    async fn hop(&self, url: &Url, recording: &Arc<Recording>) -> Result<Hop, Failure> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Failure::new("invalid-url", url.scheme().to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Failure::new("invalid-url", "credentials in the address"));
        }
        let addresses = self.checked_addresses(url).await?;
        let mut tls = rustls::ClientConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_safe_default_protocol_versions()
            .map_err(|error| Failure::new("tls", error.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::clone(recording) as Arc<dyn ServerCertVerifier>)
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .tls_backend_preconfigured(tls)
            .user_agent(concat!(
                "Pelihara/",
                env!("CARGO_PKG_VERSION"),
                " (cek kesehatan)"
            ));
        if let Some(Host::Name(name)) = host_of(url) {
            // Connect only to the addresses just checked.
            builder = builder.resolve_to_addrs(name, &addresses);
        }
        let client = builder
            .build()
            .map_err(|error| Failure::new("tls", error.to_string()))?;
        let mut response = client
            .get(url.clone())
            .send()
            .await
            .map_err(|error| request_failure(&error))?;
        let status = response.status();
        if status.is_redirection()
            && let Some(location) = response.headers().get(reqwest::header::LOCATION)
        {
            let location = location
                .to_str()
                .map_err(|_| Failure::new("invalid-url", "Location is not text"))?;
            let next = url
                .join(location)
                .map_err(|error| Failure::new("invalid-url", error.to_string()))?;
            return Ok(Hop::Redirect(next));
        }
        // Read a bounded part of the body: a server that answers its headers and then
        // stalls or streams forever is caught by the deadline or the limit.
        let mut read = 0usize;
        while read < self.policy.max_body_bytes {
            match response.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                Ok(None) => break,
                Err(error) => return Err(request_failure(&error)),
            }
        }
        Ok(Hop::Final {
            status: status.as_u16(),
        })
    }
}

/// A request error as a failure: TLS problems, timeouts and connection problems apart.
fn request_failure(error: &reqwest::Error) -> Failure {
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    let mut tls = false;
    while let Some(cause) = source {
        detail = format!("{detail}: {cause}");
        if cause.downcast_ref::<rustls::Error>().is_some() {
            tls = true;
        }
        source = cause.source();
    }
    let code = if tls || detail.contains("certificate") {
        "tls"
    } else if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else {
        "http"
    };
    Failure::new(code, detail)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn classifies_addresses() {
        let cases: [(&str, Option<&str>); 24] = [
            ("8.8.8.8", None),
            ("103.10.20.30", None),
            ("127.0.0.1", Some("loopback")),
            ("127.255.0.9", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("172.16.0.1", Some("private")),
            ("172.32.0.1", None),
            ("192.168.1.1", Some("private")),
            ("169.254.169.254", Some("link-local")),
            ("0.0.0.0", Some("unspecified")),
            ("0.1.2.3", Some("unspecified")),
            ("224.0.0.1", Some("multicast")),
            ("255.255.255.255", Some("reserved")),
            ("100.64.0.1", Some("shared")),
            ("100.128.0.1", None),
            ("2001:4860:4860::8888", None),
            ("::1", Some("loopback")),
            ("::", Some("unspecified")),
            ("fe80::1", Some("link-local")),
            ("fd12:3456::1", Some("private")),
            ("ff02::1", Some("multicast")),
            ("::ffff:127.0.0.1", Some("loopback")),
            ("::ffff:10.0.0.1", Some("private")),
            ("64:ff9b::a9fe:a9fe", Some("link-local")), // NAT64 of 169.254.169.254
        ];
        for (text, expected) in cases {
            let address: IpAddr = text.parse().unwrap();
            assert_eq!(non_public_reason(address), expected, "{text}");
        }
    }

    #[test]
    fn allow_list_lets_named_networks_through() {
        let allowed = parse_allowed_networks("10.20.0.0/16, 127.0.0.1\n::1").unwrap();
        assert_eq!(allowed.len(), 3);
        assert_eq!(refusal("10.20.5.5".parse().unwrap(), &allowed), None);
        assert_eq!(
            refusal("10.21.5.5".parse().unwrap(), &allowed),
            Some("private")
        );
        assert_eq!(refusal("127.0.0.1".parse().unwrap(), &allowed), None);
        assert_eq!(refusal("::ffff:127.0.0.1".parse().unwrap(), &allowed), None);
        assert_eq!(
            refusal("127.0.0.2".parse().unwrap(), &allowed),
            Some("loopback")
        );
        assert_eq!(refusal("::1".parse().unwrap(), &allowed), None);
        assert_eq!(
            parse_allowed_networks("10.0.0.0/8, intranet").unwrap_err(),
            "intranet"
        );
        assert!(parse_allowed_networks("  ").unwrap().is_empty());
    }
}
