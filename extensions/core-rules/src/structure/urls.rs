//! URL pieces the structure checks need: the host of an absolute URL, the 4.1 URL normalisation, and the
//! development-host patterns of §4.3.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The host of an absolute URL (`scheme://[userinfo@]host[:port]/...`), lowercased, without brackets
/// around IPv6 literals and without a trailing dot; `None` when there is none.
pub fn host(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let host = host.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The URL normalised for comparisons (4.1): lowercase scheme and host, default port dropped, empty path
/// `/`, fragment dropped; path case, trailing slash and query kept.
pub fn normalize(url: &str) -> String {
    let url = url.trim();
    let url = url.split('#').next().unwrap_or_default();
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let scheme = scheme.to_ascii_lowercase();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let mut authority = authority.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => Some(":80"),
        "https" => Some(":443"),
        _ => None,
    };
    if let Some(port) = default_port
        && authority.ends_with(port)
    {
        authority.truncate(authority.len() - port.len());
    }
    let slash = if tail.starts_with('/') { "" } else { "/" };
    format!("{scheme}://{authority}{slash}{tail}")
}

/// A development or private host pattern (§4.3): a name, `*.suffix`, an IP literal or an IP network.
pub enum HostPattern {
    Name(String),
    /// `*.suffix`: stored as `.suffix`.
    Suffix(String),
    Net(IpAddr, u8),
}

impl HostPattern {
    /// Parses one pattern; `None` for an unusable one (it is ignored).
    pub fn parse(pattern: &str) -> Option<Self> {
        let pattern = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
        if pattern.is_empty() {
            return None;
        }
        if let Some((addr, bits)) = pattern.split_once('/') {
            let addr: IpAddr = addr.trim_matches(['[', ']']).parse().ok()?;
            let bits: u8 = bits.parse().ok()?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            return (bits <= max).then_some(HostPattern::Net(addr, bits));
        }
        if let Some(suffix) = pattern.strip_prefix('*') {
            return suffix
                .starts_with('.')
                .then(|| HostPattern::Suffix(suffix.to_owned()));
        }
        if let Ok(addr) = pattern.trim_matches(['[', ']']).parse::<IpAddr>() {
            let bits = if addr.is_ipv4() { 32 } else { 128 };
            return Some(HostPattern::Net(addr, bits));
        }
        Some(HostPattern::Name(pattern))
    }

    /// `host` (lowercased, as [`host`] returns it) matches the pattern.
    pub fn matches(&self, host: &str, ip: Option<IpAddr>) -> bool {
        match self {
            HostPattern::Name(name) => host == name,
            HostPattern::Suffix(suffix) => host.ends_with(suffix.as_str()),
            HostPattern::Net(net, bits) => ip.is_some_and(|ip| in_network(ip, *net, *bits)),
        }
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => prefix_eq(
            u128::from(ip.to_bits()) << 96,
            u128::from(net.to_bits()) << 96,
            bits,
        ),
        (IpAddr::V6(ip), IpAddr::V6(net)) => prefix_eq(ip.to_bits(), net.to_bits(), bits),
        (IpAddr::V6(ip), IpAddr::V4(_)) => ip
            .to_ipv4_mapped()
            .is_some_and(|v4| in_network(IpAddr::V4(v4), net, bits)),
        (IpAddr::V4(_), IpAddr::V6(_)) => false,
    }
}

fn prefix_eq(a: u128, b: u128, bits: u8) -> bool {
    if bits == 0 {
        return true;
    }
    let mask = u128::MAX << (128 - u32::from(bits.min(128)));
    a & mask == b & mask
}

/// The IP address a host names, when it is an IP literal.
pub fn ip_of(host: &str) -> Option<IpAddr> {
    host.parse::<Ipv4Addr>()
        .map(IpAddr::V4)
        .or_else(|_| host.parse::<Ipv6Addr>().map(IpAddr::V6))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_normalisation() {
        assert_eq!(
            host("http://user:pw@LocalHost:8080/x?y").as_deref(),
            Some("localhost")
        );
        assert_eq!(host("http://[::1]:3000/").as_deref(), Some("::1"));
        assert_eq!(
            host("https://Example.test./a").as_deref(),
            Some("example.test")
        );
        assert_eq!(host("mailto:x@y"), None);
        assert_eq!(
            normalize("HTTPS://Example.COM:443?q#f"),
            "https://example.com/?q"
        );
        assert_eq!(
            normalize("http://example.com:8080/A/#x"),
            "http://example.com:8080/A/"
        );
    }

    #[test]
    fn patterns() {
        let m = |p: &str, h: &str| HostPattern::parse(p).unwrap().matches(h, ip_of(h));
        assert!(m("localhost", "localhost"));
        assert!(m("*.local", "printer.local"));
        assert!(!m("*.local", "local"));
        assert!(m("127.0.0.0/8", "127.1.2.3"));
        assert!(m("192.168.0.0/16", "192.168.1.20"));
        assert!(!m("172.16.0.0/12", "172.32.0.1"));
        assert!(m("172.16.0.0/12", "172.31.255.1"));
        assert!(m("fc00::/7", "fd12::1"));
        assert!(m("::1", "::1"));
        assert!(m("0.0.0.0", "0.0.0.0"));
        assert!(!m("10.0.0.0/8", "example.com"));
    }
}
