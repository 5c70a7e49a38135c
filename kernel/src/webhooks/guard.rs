//! Where a webhook delivery may connect (api.md §12.1: endpoint URLs follow the scanner's egress policy of §11.7,
//! at registration and at every delivery).
//!
//! Deliveries go through the [`EgressGuard`] trait so the scanner's guarded client (`kernel/src/egress*`, the one
//! guard for every outbound request, security.md §9) can replace [`AddressPolicy`] without touching delivery
//! code. [`AddressPolicy`] applies the same rules: blocked host names, every resolved address global unicast,
//! `webhooks.allow_hosts` exact `host:port` exemptions for tests against local receivers.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EgressError {
    /// The policy refuses the destination (`destination_blocked`).
    #[error("destination_blocked")]
    Blocked,
    /// The name does not resolve (`dns_error`).
    #[error("dns_error")]
    Dns,
}

impl EgressError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Blocked => "destination_blocked",
            Self::Dns => "dns_error",
        }
    }
}

/// Checks a destination and returns the addresses a request may connect to (it must use one of these and not
/// resolve the name again).
#[async_trait::async_trait]
pub trait EgressGuard: Send + Sync {
    async fn resolve(&self, url: &url::Url) -> Result<Vec<SocketAddr>, EgressError>;
}

/// The address rules of api.md §11.7.
pub struct AddressPolicy {
    /// Exact `host:port` pairs exempt from the address checks.
    pub allow_hosts: Vec<String>,
}

const BLOCKED_SUFFIXES: &[&str] = &[
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".home.arpa",
    ".lan",
];

#[async_trait::async_trait]
impl EgressGuard for AddressPolicy {
    async fn resolve(&self, url: &url::Url) -> Result<Vec<SocketAddr>, EgressError> {
        let host = url.host().ok_or(EgressError::Blocked)?;
        let port = url.port_or_known_default().ok_or(EgressError::Blocked)?;
        let host_text = match &host {
            url::Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
            url::Host::Ipv4(ip) => ip.to_string(),
            url::Host::Ipv6(ip) => format!("[{ip}]"),
        };
        let exempt = self
            .allow_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&format!("{host_text}:{port}")));
        let addrs: Vec<SocketAddr> = match host {
            url::Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            url::Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            url::Host::Domain(_) => {
                if !exempt
                    && (host_text == "localhost"
                        || BLOCKED_SUFFIXES.iter().any(|s| host_text.ends_with(s)))
                {
                    return Err(EgressError::Blocked);
                }
                let lookup = tokio::net::lookup_host((host_text.as_str(), port));
                match tokio::time::timeout(Duration::from_secs(2), lookup).await {
                    Ok(Ok(found)) => found.collect(),
                    _ => return Err(EgressError::Dns),
                }
            }
        };
        if addrs.is_empty() {
            return Err(EgressError::Dns);
        }
        if !exempt && addrs.iter().any(|a| !is_global(a.ip())) {
            return Err(EgressError::Blocked);
        }
        Ok(addrs)
    }
}

/// Global unicast only: no loopback, private, shared, link-local, unique-local, multicast, broadcast,
/// unspecified, documentation, benchmarking or reserved address; IPv4-mapped and NAT64 addresses are judged by
/// the IPv4 address inside.
pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_global_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_global_v4(v4);
            }
            let s = v6.segments();
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let o = v6.octets();
                return is_global_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || v6 == Ipv6Addr::UNSPECIFIED)
        }
    }
}

fn is_global_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.is_documentation()
        || ip.is_multicast()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        || o[0] >= 240)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> AddressPolicy {
        AddressPolicy {
            allow_hosts: vec!["127.0.0.1:9999".into()],
        }
    }

    async fn check(url: &str) -> Result<Vec<SocketAddr>, EgressError> {
        policy().resolve(&url::Url::parse(url).unwrap()).await
    }

    #[tokio::test]
    async fn internal_destinations_are_blocked_in_every_notation() {
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://169.254.169.254/",
            "http://100.64.0.1/",
            "http://localhost/",
            "http://printer.local/",
            "http://db.internal/",
            "http://127.0.0.1:9998/",
        ] {
            assert_eq!(check(url).await, Err(EgressError::Blocked), "{url}");
        }
    }

    #[tokio::test]
    async fn allow_hosts_exempts_one_exact_host_and_port() {
        let addrs = check("http://127.0.0.1:9999/hook").await.unwrap();
        assert_eq!(addrs, vec!["127.0.0.1:9999".parse().unwrap()]);
    }

    #[test]
    fn public_addresses_are_global() {
        assert!(is_global("93.184.216.34".parse().unwrap()));
        assert!(is_global("2606:4700::1111".parse().unwrap()));
        assert!(!is_global("192.168.1.1".parse().unwrap()));
        assert!(!is_global("fd00::1".parse().unwrap()));
    }
}
