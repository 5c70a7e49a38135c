//! Which IP addresses outbound requests may reach (security.md SSRF-2): global unicast only. One table per
//! family; IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are judged by the
//! embedded address as well.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Blocked IPv4 ranges: `(network, prefix length)`.
const BLOCKED_V4: &[([u8; 4], u8)] = &[
    ([0, 0, 0, 0], 8),       // "this network", unspecified
    ([10, 0, 0, 0], 8),      // private (RFC 1918)
    ([100, 64, 0, 0], 10),   // shared address space (carrier-grade NAT)
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local, cloud metadata (169.254.169.254)
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // documentation (TEST-NET-1)
    ([192, 88, 99, 0], 24),  // 6to4 relay anycast
    ([192, 168, 0, 0], 16),  // private
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation (TEST-NET-2)
    ([203, 0, 113, 0], 24),  // documentation (TEST-NET-3)
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, and the broadcast address 255.255.255.255
];

/// Blocked IPv6 ranges besides "not in 2000::/3": `(network, prefix length)`. Everything outside global
/// unicast (2000::/3) is blocked anyway (loopback, unspecified, unique-local, link-local, site-local,
/// multicast, discard); these are the non-global parts inside it.
const BLOCKED_V6_IN_GLOBAL: &[(u128, u8)] = &[
    (0x2001_0db8 << 96, 32), // documentation
    (0x2001_0002 << 96, 48), // benchmarking
];

fn in_v4(ip: Ipv4Addr, net: [u8; 4], len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    };
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(ip: u128, net: u128, len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len))
    };
    ip & mask == net & mask
}

/// True when an IPv4 address must not be reached.
pub fn is_blocked_v4(ip: Ipv4Addr) -> bool {
    BLOCKED_V4.iter().any(|(net, len)| in_v4(ip, *net, *len))
}

/// The IPv4 address an IPv6 address carries, for the forms that route to it.
pub fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(ip);
    let low32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if in_v6(bits, 0xffff_0000_0000, 96) || (in_v6(bits, 0, 96) && bits > 1) {
        // IPv4-mapped ::ffff:a.b.c.d and the deprecated IPv4-compatible ::a.b.c.d.
        return Some(low32);
    }
    if in_v6(bits, 0x0064_ff9b << 96, 96) || in_v6(bits, 0x0064_ff9b_0001 << 80, 48) {
        return Some(low32); // NAT64, well-known and local-use prefixes
    }
    if in_v6(bits, 0x2002 << 112, 16) {
        return Some(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32)); // 6to4
    }
    if in_v6(bits, 0x2001_0000 << 96, 32) {
        return Some(Ipv4Addr::from(!((bits & 0xffff_ffff) as u32))); // Teredo client (obfuscated)
    }
    None
}

/// True when an IPv6 address must not be reached.
pub fn is_blocked_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    if let Some(v4) = embedded_v4(ip)
        && is_blocked_v4(v4)
    {
        return true;
    }
    // NAT64 and mapped forms with a public IPv4 inside are routable.
    if in_v6(bits, 0xffff_0000_0000, 96)
        || in_v6(bits, 0x0064_ff9b << 96, 96)
        || in_v6(bits, 0x0064_ff9b_0001 << 80, 48)
    {
        return false;
    }
    if !in_v6(bits, 0x2000 << 112, 3) {
        return true;
    }
    BLOCKED_V6_IN_GLOBAL
        .iter()
        .any(|(net, len)| in_v6(bits, *net, *len))
}

/// True when an address must not be reached (SSRF-2).
pub fn is_blocked(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_blocked_v4(v4),
        IpAddr::V6(v6) => is_blocked_v6(v6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(s: &str) -> bool {
        is_blocked(s.parse().expect("address"))
    }

    #[test]
    fn every_blocked_ipv4_range_is_refused_at_both_ends() {
        for (net, len) in BLOCKED_V4 {
            let first = u32::from(Ipv4Addr::from(*net));
            let last = first | (u32::MAX >> u32::from(*len));
            assert!(is_blocked_v4(Ipv4Addr::from(first)), "{net:?}/{len} first");
            assert!(is_blocked_v4(Ipv4Addr::from(last)), "{net:?}/{len} last");
        }
        for s in [
            "127.0.0.1",
            "10.1.2.3",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "198.19.0.1",
            "240.0.0.1",
            "192.0.2.10",
            "198.51.100.7",
            "203.0.113.9",
            "192.0.0.170",
            "192.88.99.1",
        ] {
            assert!(blocked(s), "{s} must be blocked");
        }
    }

    #[test]
    fn global_ipv4_addresses_pass() {
        for s in [
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "198.20.0.1",
        ] {
            assert!(!blocked(s), "{s} must pass");
        }
    }

    #[test]
    fn non_global_ipv6_is_refused() {
        for s in [
            "::",
            "::1",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "100::1",
            "2001:db8::1",
            "2001:2::1",
        ] {
            assert!(blocked(s), "{s} must be blocked");
        }
        assert!(!blocked("2606:4700:4700::1111"));
        assert!(!blocked("2a00:1450:4001:80b::200e"));
    }

    #[test]
    fn ipv6_forms_embedding_ipv4_are_judged_by_the_embedded_address() {
        for s in [
            "::ffff:127.0.0.1",
            "::ffff:7f00:1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::10.0.0.1",
            "2002:7f00:1::1",
            "2002:a00:1::",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
        ] {
            assert!(blocked(s), "{s} must be blocked");
        }
        // Teredo with client 127.0.0.1: the last 32 bits are the inverted client address.
        assert_eq!(
            embedded_v4("2001:0:4136:e378:8000:63bf:80ff:fffe".parse().expect("v6")),
            Some(Ipv4Addr::new(127, 0, 0, 1))
        );
        for s in ["::ffff:93.184.216.34", "64:ff9b::8.8.8.8"] {
            assert!(!blocked(s), "{s} must pass");
        }
    }
}
