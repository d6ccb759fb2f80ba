//! The health-check allow-list as an admin edits it: which non-public networks (intranet
//! hosts and CIDRs) may be checked despite the SSRF rules. Reads and checks the text an admin
//! typed and writes it back in one canonical form. Never widens what is allowed beyond what
//! was typed, and never allows a network that would expose the server itself (loopback) or a
//! cloud metadata service, nor one so broad it switches the SSRF rules off.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use crate::health::non_public_reason;

/// The most entries the list keeps (an intranet has a handful of server networks).
pub const MAX_ENTRIES: usize = 64;

/// One entry of the typed list that cannot be allowed, and why (a stable code, translated as
/// `register-allow-error-<code>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowListProblem {
    pub entry: String,
    pub code: &'static str,
}

/// The narrowest prefix accepted: an IPv4 /8 (10.0.0.0/8) or the IPv6 unique-local /7.
fn too_broad(net: &IpNet) -> bool {
    match net {
        IpNet::V4(v4) => v4.prefix_len() < 8,
        IpNet::V6(v6) => v6.prefix_len() < 7,
    }
}

/// Addresses no intranet app lives at and an attacker wants: the host's own loopback and the
/// link-local metadata services of cloud platforms.
fn forbidden(net: &IpNet) -> Option<&'static str> {
    let loopback = [
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ];
    let metadata = [
        IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
        IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
    ];
    if loopback.iter().any(|address| net.contains(address)) {
        Some("loopback")
    } else if metadata.iter().any(|address| net.contains(address)) {
        Some("metadata")
    } else {
        None
    }
}

/// Reads a list separated by commas, spaces or new lines; each entry an address or a CIDR.
/// All or nothing: any bad entry makes the whole list an error, with every problem named.
pub fn check_allowed_networks(text: &str) -> Result<Vec<IpNet>, Vec<AllowListProblem>> {
    let mut networks: Vec<IpNet> = Vec::new();
    let mut problems = Vec::new();
    let entries: Vec<&str> = text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|entry| !entry.is_empty())
        .collect();
    if entries.len() > MAX_ENTRIES {
        problems.push(AllowListProblem {
            entry: entries.len().to_string(),
            code: "too-many",
        });
    }
    for entry in entries {
        let parsed = entry
            .parse::<IpNet>()
            .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from));
        let problem = match parsed {
            Err(_) => Some("unreadable"),
            Ok(net) if too_broad(&net) => Some("too-broad"),
            Ok(net) => forbidden(&net).or_else(|| {
                // A public network needs no allowance; listing it hides a typo.
                non_public_reason(net.network())
                    .is_none()
                    .then_some("public")
            }),
        };
        match (problem, parsed) {
            (Some(code), _) => problems.push(AllowListProblem {
                entry: entry.to_owned(),
                code,
            }),
            (None, Ok(net)) => {
                // Stored as the network it denotes (10.20.3.4/16 -> 10.20.0.0/16).
                let net = net.trunc();
                if !networks.contains(&net) {
                    networks.push(net);
                }
            }
            (None, Err(_)) => {}
        }
    }
    if problems.is_empty() {
        Ok(networks)
    } else {
        Err(problems)
    }
}

/// The canonical text of a list: one network per line (a single address keeps its /32 or
/// /128 off), as the setting stores it and the form shows it.
pub fn format_allowed_networks(networks: &[IpNet]) -> String {
    networks
        .iter()
        .map(|net| {
            if net.prefix_len() == net.max_prefix_len() {
                net.addr().to_string()
            } else {
                net.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn intranet_networks_are_read_and_written_canonically() {
        let networks = check_allowed_networks(
            "10.20.3.4/16, 192.168.5.10\n172.16.0.0/12; fd12:3456::/48 10.20.0.0/16",
        )
        .unwrap();
        assert_eq!(
            format_allowed_networks(&networks),
            "10.20.0.0/16\n192.168.5.10\n172.16.0.0/12\nfd12:3456::/48"
        );
        assert_eq!(check_allowed_networks("  \n ").unwrap(), Vec::new());
    }

    #[test]
    fn every_bad_entry_is_named_and_nothing_is_kept() {
        let problems = check_allowed_networks(
            "10.0.0.0/8 0.0.0.0/0 ::/0 127.0.0.1 169.254.0.0/16 8.8.8.8 10.1.2.300 fc00::/7 ::1",
        )
        .unwrap_err();
        let codes: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.entry.as_str(), p.code))
            .collect();
        assert_eq!(
            codes,
            [
                ("0.0.0.0/0", "too-broad"),
                ("::/0", "too-broad"),
                ("127.0.0.1", "loopback"),
                ("169.254.0.0/16", "metadata"),
                ("8.8.8.8", "public"),
                ("10.1.2.300", "unreadable"),
                // The whole unique-local range holds AWS's IPv6 metadata address.
                ("fc00::/7", "metadata"),
                ("::1", "loopback"),
            ]
        );
        let many = (0..=MAX_ENTRIES)
            .map(|i| format!("10.0.{i}.1"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            check_allowed_networks(&many).unwrap_err()[0].code,
            "too-many"
        );
    }
}
