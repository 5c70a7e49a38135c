//! The client IP of a request (security.md RL-5, api.md §2.9): the TCP peer address, unless the peer is a
//! configured trusted proxy; then the right-most address of `X-Forwarded-For` (or, without it, `Forwarded`) that
//! is not a trusted proxy. Forwarding headers from any other peer change nothing, so a client cannot choose the
//! address its per-IP limits are counted under.
//!
//! [`resolve`] runs outside every other middleware and stores the answer as a [`ClientIp`] extension; per-IP limits,
//! handlers and the request log all read that one value.

use super::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The address a request is attributed to (rate limits, logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ClientIp {
    /// The resolved client IP of a request; the bare peer address when [`resolve`] did not run (a router driven
    /// without the middleware stack), and the unspecified address when there is no socket at all.
    pub fn of(extensions: &axum::http::Extensions) -> Self {
        if let Some(ip) = extensions.get::<ClientIp>() {
            return *ip;
        }
        Self(
            extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| {
                    c.0.ip().to_canonical()
                }),
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(&parts.extensions))
    }
}

/// Middleware: attaches the [`ClientIp`] of the request.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = match peer {
        Some(peer) => client_ip(peer, req.headers(), &state.limits.trusted_proxies),
        None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    };
    req.extensions_mut().insert(ClientIp(ip));
    next.run(req).await
}

/// RL-5 for one request: `peer` is the socket's peer address.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &NetList) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let hops = forwarded_hops(headers);
    // Walk from the proxy nearest to us towards the client. Each trusted proxy vouches for the hop to its left; the
    // first address no trusted proxy owns is the client. An unreadable entry ends the walk: nothing to its left
    // can be vouched for, so the request is attributed to the last trusted hop.
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = hop else { break };
        client = *ip;
        if !trusted.contains(client) {
            break;
        }
    }
    client
}

/// The client chain of `X-Forwarded-For` (every instance, in order), or of `Forwarded` when there is no
/// `X-Forwarded-For`; `None` marks an entry that is not an address (`unknown`, an obfuscated id, garbage).
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or(","))
        .collect();
    if !xff.is_empty() {
        return xff
            .iter()
            .flat_map(|v| v.split(','))
            .map(|entry| parse_addr(entry.trim()))
            .collect();
    }
    headers
        .get_all("forwarded")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or(",").split(','))
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, value)| parse_addr(value.trim().trim_matches('"')))
        })
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:443`, `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:443`.
fn parse_addr(text: &str) -> Option<IpAddr> {
    let ip = text
        .parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            text.strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse().ok())
        })?;
    Some(ip.to_canonical())
}

/// One address block: `10.0.0.0/8`, `2001:db8::/32`, or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    network: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let written = addr.parse::<IpAddr>().ok()?;
        let addr = written.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            // `::ffff:a.b.c.d/n` is an IPv4 block written in IPv6 form: its first 96 bits are the mapping prefix.
            Some(p) if written.is_ipv6() && addr.is_ipv4() => p.checked_sub(96)?,
            Some(p) => p,
            None => max,
        };
        (prefix <= max).then(|| Self {
            network: mask(addr, prefix),
            prefix,
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        ip.is_ipv4() == self.network.is_ipv4() && mask(ip, self.prefix) == self.network
    }
}

/// `ip` with every bit past `prefix` cleared.
pub fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let keep = u32::MAX
                .checked_shl(32 - u32::from(prefix.min(32)))
                .unwrap_or(0);
            IpAddr::V4((bits & keep).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let keep = u128::MAX
                .checked_shl(128 - u32::from(prefix.min(128)))
                .unwrap_or(0);
            IpAddr::V6((bits & keep).into())
        }
    }
}

/// A list of address blocks (trusted proxies, exempt addresses).
#[derive(Debug, Clone, Default)]
pub struct NetList(Vec<IpNet>);

impl NetList {
    /// `Err(entry)` names the first entry that is neither an address nor a CIDR.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|e| IpNet::parse(e).ok_or_else(|| e.clone()))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn list(entries: &[&str]) -> NetList {
        NetList::parse(&entries.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn cidrs_parse_and_match() {
        let nets = list(&[
            "10.0.0.0/8",
            "192.0.2.7",
            "2001:db8::/32",
            "::ffff:198.51.100.0/120",
        ]);
        assert!(nets.contains(ip("10.200.3.4")));
        assert!(nets.contains(ip("192.0.2.7")));
        assert!(!nets.contains(ip("192.0.2.8")));
        assert!(nets.contains(ip("2001:db8:1::5")));
        assert!(!nets.contains(ip("2001:db9::5")));
        assert!(nets.contains(ip("::ffff:10.1.1.1")), "v4-mapped is v4");
        assert!(list(&["0.0.0.0/0"]).contains(ip("203.0.113.9")));
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "example.com",
            "10.0.0/8",
            "1.2.3.4/",
            "",
        ] {
            assert!(IpNet::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            NetList::parse(&["1.2.3.4".into(), "nope".into()]).unwrap_err(),
            "nope"
        );
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_the_headers_say() {
        let trusted = list(&["10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("forwarded", "for=2.2.2.2")]);
        assert_eq!(
            client_ip(ip("203.0.113.5"), &h, &trusted),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_ip(ip("203.0.113.5"), &h, &NetList::default()),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_address_wins() {
        let trusted = list(&["10.0.0.0/8", "127.0.0.1"]);
        let peer = ip("127.0.0.1");
        // The client forged the first entry; the proxies appended the real ones.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.4, 10.1.2.3")]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("198.51.100.4"));
        // Several header instances form one list.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.4:5555"),
        ]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("198.51.100.4"));
        // No header: the proxy itself.
        assert_eq!(client_ip(peer, &HeaderMap::new(), &trusted), peer);
        // Only proxies: the left-most one.
        let h = headers(&[("x-forwarded-for", "10.0.0.9, 10.0.0.8")]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("10.0.0.9"));
        // Garbage ends the walk at the last trusted hop.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, unknown, 10.0.0.8")]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("10.0.0.8"));
        // IPv6 forms.
        let h = headers(&[("x-forwarded-for", "[2001:db8::7]:443")]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("2001:db8::7"));
    }

    #[test]
    fn forwarded_is_read_without_x_forwarded_for() {
        let trusted = list(&["127.0.0.1"]);
        let peer = ip("127.0.0.1");
        let h = headers(&[(
            "forwarded",
            "for=6.6.6.6, for=\"[2001:db8::9]:4711\";proto=https",
        )]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("2001:db8::9"));
        let h = headers(&[("forwarded", "for=_hidden;proto=https")]);
        assert_eq!(client_ip(peer, &h, &trusted), peer);
        let h = headers(&[
            ("forwarded", "for=6.6.6.6"),
            ("x-forwarded-for", "198.51.100.1"),
        ]);
        assert_eq!(client_ip(peer, &h, &trusted), ip("198.51.100.1"));
    }
}
