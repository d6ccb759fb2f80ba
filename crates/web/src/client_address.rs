//! Who the client is, by network address: the connection's peer, or, when that peer is a reverse
//! proxy the operator named (`--trusted-proxy`), the address the proxies say they received the
//! request from. Throttling (sign-in, public pages) and the audit trail count by this address, so
//! behind a proxy without it every visitor would share the proxy's one address and one stranger
//! could exhaust everyone's attempts.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The networks whose connections are reverse proxies of this office (from `--trusted-proxy`).
/// Empty by default: then forwarding headers are ignored, since any client can send them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A `--trusted-proxy` value that is neither an address nor a network.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8, ::1)")]
pub struct BadProxy(String);

impl TrustedProxies {
    /// Reads addresses (`127.0.0.1`) and networks (`10.0.0.0/8`).
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Self, BadProxy> {
        values
            .into_iter()
            .map(|value| {
                let value = value.trim();
                IpNet::from_str(value)
                    .or_else(|_| IpAddr::from_str(value).map(IpNet::from))
                    .map_err(|_| BadProxy(value.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client of a request that arrived from `peer` with these headers. Walks
    /// `X-Forwarded-For` from the right (the entry our nearest proxy appended) past every
    /// trusted proxy; the first untrusted address is the client. Entries left of it were written
    /// by the client itself and are never believed. A malformed entry stops the walk at the
    /// proxy that passed it on.
    pub fn client(&self, peer: SocketAddr, headers: &HeaderMap) -> String {
        if !self.trusts(peer.ip()) {
            return peer.to_string();
        }
        let mut client = peer.ip().to_canonical();
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            let Ok(address) = IpAddr::from_str(hop.trim()) else {
                break;
            };
            client = address.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client.to_string()
    }
}

/// The client's address as worked out once per request by [`remember_client_address`].
#[derive(Debug, Clone)]
pub(crate) struct ResolvedClient(pub String);

/// Layer: resolves the client's address once (see [`TrustedProxies::client`]) and keeps it in
/// the request for the sign-in throttle, the audit trail and the logs.
pub(crate) async fn remember_client_address(
    State(proxies): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let client = proxies.client(*peer, request.headers());
        request.extensions_mut().insert(ResolvedClient(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::http::HeaderValue;

    use super::*;

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn peer(address: &str) -> SocketAddr {
        SocketAddr::new(address.parse().unwrap(), 40000)
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(peer("127.0.0.1"), &headers(&["203.0.113.9"])),
            "127.0.0.1:40000"
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_a_client_cannot_choose_its_address() {
        let proxies = TrustedProxies::parse(["127.0.0.1", "10.0.0.0/8"]).unwrap();
        // The proxy appended the address it saw.
        assert_eq!(
            proxies.client(peer("127.0.0.1"), &headers(&["203.0.113.9"])),
            "203.0.113.9"
        );
        // The client sent its own header claiming 1.2.3.4: the proxy appended the real one.
        assert_eq!(
            proxies.client(peer("127.0.0.1"), &headers(&["1.2.3.4, 203.0.113.9"])),
            "203.0.113.9"
        );
        // Two proxies of the office in a row, in two header lines.
        assert_eq!(
            proxies.client(
                peer("127.0.0.1"),
                &headers(&["1.2.3.4, 198.51.100.7", "10.1.2.3"])
            ),
            "198.51.100.7"
        );
        // An untrusted peer cannot use the header at all.
        assert_eq!(
            proxies.client(peer("198.51.100.7"), &headers(&["127.0.0.1"])),
            "198.51.100.7:40000"
        );
        // A malformed entry stops at the proxy that passed it on.
        assert_eq!(
            proxies.client(peer("127.0.0.1"), &headers(&["203.0.113.9, nonsense"])),
            "127.0.0.1"
        );
        // No header: the proxy itself.
        assert_eq!(
            proxies.client(peer("127.0.0.1"), &headers(&[])),
            "127.0.0.1"
        );
        // IPv4 seen through an IPv6 socket is the same address.
        assert_eq!(
            proxies.client(peer("::ffff:127.0.0.1"), &headers(&["203.0.113.9"])),
            "203.0.113.9"
        );
    }

    #[test]
    fn bad_values_are_named() {
        let error = TrustedProxies::parse(["127.0.0.1", "localhost"]).unwrap_err();
        assert!(error.to_string().contains("\"localhost\""), "{error}");
        assert!(TrustedProxies::parse(["::1", "fd00::/8"]).is_ok());
    }
}
