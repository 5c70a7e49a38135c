//! The checks a URL must pass before any connection (security.md SSRF-1 steps 1–7, SSRF-4): run at scan
//! creation and again on every hop. The host is classified as parsed by the WHATWG parser (`url`), never as
//! typed: `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` are all the IPv4 address 127.0.0.1 by then.

use super::address;
use std::collections::HashSet;
use url::{Host, Url};

/// Longest URL accepted (SSRF-1 step 1).
pub const MAX_URL_LEN: usize = 2048;

/// Name suffixes that never denote a public host.
const BLOCKED_SUFFIXES: &[&str] = &[
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".home.arpa",
    ".lan",
];

/// Why a URL was refused before any network access. Only the API's generic text ("URL is not allowed.") or
/// `destination_blocked` reach clients; the variant is for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the URL is too long")]
    TooLong,
    #[error("only http and https are allowed")]
    Scheme,
    #[error("user names and passwords are not allowed")]
    Userinfo,
    #[error("the URL has no host")]
    NoHost,
    #[error("the port is not allowed")]
    Port,
    #[error("the host names a local or internal network")]
    BlockedName,
    #[error("the address is not a public unicast address")]
    BlockedAddress,
}

/// The egress policy: the allowed ports and the `host:port` pairs exempt from address checks.
#[derive(Debug, Clone)]
pub struct EgressPolicy {
    ports: Vec<u16>,
    /// Canonical `(host, port)` pairs of `scanner.allow_hosts`.
    allow: HashSet<(String, u16)>,
}

impl Default for EgressPolicy {
    fn default() -> Self {
        Self::new(&[])
    }
}

impl EgressPolicy {
    /// Ports 80 and 443 plus the allow-listed pairs. Entries that do not parse as `host:port` are ignored (the
    /// configuration loader logs them).
    pub fn new(allow_hosts: &[String]) -> Self {
        let allow = allow_hosts
            .iter()
            .filter_map(|entry| canonical_pair(entry))
            .collect();
        Self {
            ports: vec![80, 443],
            allow,
        }
    }

    /// True when the list is non-empty (logged at WARN on start, SSRF-4).
    pub fn has_exemptions(&self) -> bool {
        !self.allow.is_empty()
    }

    /// Names that the resolver may resolve to any address: allow-listed names. [`check`](Self::check) makes sure
    /// such a name is only ever asked for with one of its listed ports.
    pub fn exempt_names(&self) -> HashSet<String> {
        self.allow
            .iter()
            .filter(|(host, _)| {
                !host.starts_with('[') && host.parse::<std::net::Ipv4Addr>().is_err()
            })
            .map(|(host, _)| host.clone())
            .collect()
    }

    /// SSRF-1 steps 1–7 on a parsed URL, without network access. Name resolution happens later, behind the
    /// client, through the guarded resolver.
    pub fn check(&self, url: &Url) -> Result<(), Refusal> {
        if url.as_str().len() > MAX_URL_LEN {
            return Err(Refusal::TooLong);
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refusal::Scheme);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::Userinfo);
        }
        let host = url.host().ok_or(Refusal::NoHost)?;
        let port = url.port_or_known_default().ok_or(Refusal::Port)?;
        let canonical = canonical_host(&host);
        if canonical.is_empty() {
            return Err(Refusal::NoHost);
        }
        if self.allow.contains(&(canonical.clone(), port)) {
            return Ok(());
        }
        if !self.ports.contains(&port) {
            return Err(Refusal::Port);
        }
        match host {
            Host::Ipv4(ip) if address::is_blocked_v4(ip) => Err(Refusal::BlockedAddress),
            Host::Ipv6(ip) if address::is_blocked_v6(ip) => Err(Refusal::BlockedAddress),
            Host::Ipv4(_) | Host::Ipv6(_) => Ok(()),
            Host::Domain(_) => {
                // An allow-listed name resolves to anything; it must not be reachable on other ports.
                if self.allow.iter().any(|(h, _)| *h == canonical) {
                    return Err(Refusal::Port);
                }
                if is_blocked_name(&canonical) {
                    Err(Refusal::BlockedName)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// [`check`](Self::check) on a string: parse failures count as refusals of the scheme kind.
    pub fn check_str(&self, url: &str) -> Result<Url, Refusal> {
        let parsed = Url::parse(url).map_err(|_| Refusal::Scheme)?;
        self.check(&parsed)?;
        Ok(parsed)
    }
}

/// Lowercased, trailing dot removed, IP literals in canonical form (IPv6 bracketed).
pub fn canonical_host(host: &Host<&str>) -> String {
    match host {
        Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
        Host::Ipv4(ip) => ip.to_string(),
        Host::Ipv6(ip) => format!("[{ip}]"),
    }
}

/// `localhost`, its subdomains, private-use suffixes and the cloud metadata name.
pub fn is_blocked_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost"
        || host == "metadata.google.internal"
        || BLOCKED_SUFFIXES.iter().any(|s| host.ends_with(s))
}

/// `host:port` from configuration, canonicalised through the same URL parser as requests.
fn canonical_pair(entry: &str) -> Option<(String, u16)> {
    let url = Url::parse(&format!("http://{}/", entry.trim())).ok()?;
    let port = url.port()?;
    let host = url.host()?;
    Some((canonical_host(&host), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(policy: &EgressPolicy, url: &str) -> Result<(), Refusal> {
        policy.check_str(url).map(|_| ())
    }

    #[test]
    fn odd_ipv4_spellings_are_parsed_before_they_are_judged() {
        let p = EgressPolicy::default();
        for url in [
            "http://2130706433/",
            "http://127.1/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://0x7f000001/",
            "http://127.0.0.1./",
            "http://017700000001/",
            "http://0/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[fd00:ec2::254]/",
            "http://10.0.0.1/",
            "https://192.168.0.1/",
            "http://100.64.1.1/",
            "http://[fe80::1]/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
        ] {
            assert_eq!(check(&p, url), Err(Refusal::BlockedAddress), "{url}");
        }
    }

    #[test]
    fn local_names_are_refused() {
        let p = EgressPolicy::default();
        for url in [
            "http://localhost/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            "http://printer.local/",
            "http://db.internal/",
            "http://metadata.google.internal/",
            "http://nas.home.arpa/",
            "http://router.lan/",
            "http://box.localdomain/",
        ] {
            assert_eq!(check(&p, url), Err(Refusal::BlockedName), "{url}");
        }
        assert_eq!(check(&p, "https://example.com/"), Ok(()));
        assert_eq!(check(&p, "http://93.184.216.34/"), Ok(()));
        assert_eq!(check(&p, "http://[2606:4700:4700::1111]/"), Ok(()));
    }

    #[test]
    fn only_web_ports_schemes_and_anonymous_urls_pass() {
        let p = EgressPolicy::default();
        assert_eq!(check(&p, "http://example.com:8080/"), Err(Refusal::Port));
        assert_eq!(check(&p, "https://example.com:22/"), Err(Refusal::Port));
        assert_eq!(check(&p, "http://example.com:443/"), Ok(()));
        assert_eq!(check(&p, "ftp://example.com/"), Err(Refusal::Scheme));
        assert_eq!(check(&p, "file:///etc/passwd"), Err(Refusal::Scheme));
        assert_eq!(check(&p, "gopher://example.com/"), Err(Refusal::Scheme));
        assert_eq!(
            check(&p, "http://user:pw@example.com/"),
            Err(Refusal::Userinfo)
        );
        assert_eq!(
            check(&p, "http://user@example.com/"),
            Err(Refusal::Userinfo)
        );
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(check(&p, &long), Err(Refusal::TooLong));
    }

    #[test]
    fn allow_hosts_exempt_exactly_their_pair() {
        let p = EgressPolicy::new(&[
            "127.0.0.1:8081".into(),
            "Fixture.Test.:9000".into(),
            "[::1]:7000".into(),
        ]);
        assert!(p.has_exemptions());
        assert_eq!(check(&p, "http://127.0.0.1:8081/page"), Ok(()));
        assert_eq!(
            check(&p, "http://2130706433:8081/"),
            Ok(()),
            "same address, other spelling"
        );
        assert_eq!(check(&p, "http://127.0.0.1:8082/"), Err(Refusal::Port));
        assert_eq!(check(&p, "http://127.0.0.1/"), Err(Refusal::BlockedAddress));
        assert_eq!(check(&p, "http://127.0.0.2:8081/"), Err(Refusal::Port));
        assert_eq!(check(&p, "http://fixture.test:9000/"), Ok(()));
        assert_eq!(
            check(&p, "http://fixture.test/"),
            Err(Refusal::Port),
            "listed name, other port"
        );
        assert_eq!(check(&p, "http://[::1]:7000/"), Ok(()));
        assert_eq!(
            check(&p, "http://u:p@127.0.0.1:8081/"),
            Err(Refusal::Userinfo)
        );
        assert_eq!(
            p.exempt_names(),
            HashSet::from(["fixture.test".to_string()])
        );
    }
}
