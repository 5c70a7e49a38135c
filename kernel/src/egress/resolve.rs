//! The resolver behind the guarded client (SSRF-1 step 7): it looks a name up, drops every blocked address and
//! hands the client only what is left, so the address that was checked is the address that is connected to.
//! The lookup itself is a trait so tests can put a fake resolver *behind* the guard (SSRF-5).

use super::address;
use futures_util::future::BoxFuture;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// How long a lookup may take.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Name to addresses, without any policy.
pub trait Lookup: Send + Sync {
    fn lookup(&self, host: String) -> BoxFuture<'static, std::io::Result<Vec<IpAddr>>>;
}

/// The operating system's resolver (through tokio's blocking pool).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: String) -> BoxFuture<'static, std::io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

/// Fixed addresses for some names, asked before the inner lookup (`scanner.resolve`, as curl's `--resolve`):
/// for staging hosts without public DNS and for the suite's HTTPS fixture sites under their corpus names. What
/// a pinned name resolves to still goes through the guard like any lookup result.
pub struct PinnedLookup {
    pinned: HashMap<String, Vec<IpAddr>>,
    inner: Arc<dyn Lookup>,
}

impl PinnedLookup {
    pub fn new(pinned: HashMap<String, Vec<IpAddr>>, inner: Arc<dyn Lookup>) -> Self {
        Self { pinned, inner }
    }

    /// Parses `name=address` entries (one address per entry; repeat a name for more).
    pub fn parse(entries: &[String]) -> Result<HashMap<String, Vec<IpAddr>>, String> {
        let mut pinned: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for entry in entries {
            let (name, ip) = entry
                .split_once('=')
                .ok_or_else(|| format!("{entry:?} is not name=address"))?;
            let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
            let ip: IpAddr = ip
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse()
                .map_err(|_| format!("{entry:?}: {ip:?} is not an IP address"))?;
            if name.is_empty() {
                return Err(format!("{entry:?} has no name"));
            }
            pinned.entry(name).or_default().push(ip);
        }
        Ok(pinned)
    }
}

impl Lookup for PinnedLookup {
    fn lookup(&self, host: String) -> BoxFuture<'static, std::io::Result<Vec<IpAddr>>> {
        match self.pinned.get(&host) {
            Some(ips) => {
                let ips = ips.clone();
                Box::pin(async move { Ok(ips) })
            }
            None => self.inner.lookup(host),
        }
    }
}

/// The lookup failed or timed out (`dns_error`).
#[derive(Debug, thiserror::Error)]
#[error("name resolution failed")]
pub struct DnsFailed;

/// Every address of the name is blocked (`destination_blocked`).
#[derive(Debug, thiserror::Error)]
#[error("destination blocked")]
pub struct DestinationBlocked;

/// A [`Lookup`] with the SSRF-2 filter in front of the client.
#[derive(Clone)]
pub struct GuardedResolver {
    inner: Arc<dyn Lookup>,
    /// Allow-listed names (SSRF-4); the policy only lets them through on their listed ports.
    exempt: Arc<HashSet<String>>,
}

impl GuardedResolver {
    pub fn new(inner: Arc<dyn Lookup>, exempt: HashSet<String>) -> Self {
        Self {
            inner,
            exempt: Arc::new(exempt),
        }
    }

    /// The addresses of `host` that may be connected to, in the resolver's order.
    pub async fn resolve_checked(
        &self,
        host: &str,
    ) -> Result<Vec<IpAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if super::policy::is_blocked_name(&host) && !self.exempt.contains(&host) {
            return Err(Box::new(DestinationBlocked));
        }
        let found =
            match tokio::time::timeout(LOOKUP_TIMEOUT, self.inner.lookup(host.clone())).await {
                Ok(Ok(found)) if !found.is_empty() => found,
                _ => return Err(Box::new(DnsFailed)),
            };
        if self.exempt.contains(&host) {
            return Ok(found);
        }
        let allowed: Vec<IpAddr> = found
            .into_iter()
            .filter(|ip| !address::is_blocked(*ip))
            .collect();
        if allowed.is_empty() {
            return Err(Box::new(DestinationBlocked));
        }
        Ok(allowed)
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let ips = this.resolve_checked(&host).await?;
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A fixed name table, for tests.
    pub(crate) struct FakeLookup(pub HashMap<String, Vec<IpAddr>>);

    impl Lookup for FakeLookup {
        fn lookup(&self, host: String) -> BoxFuture<'static, std::io::Result<Vec<IpAddr>>> {
            let found = self.0.get(&host).cloned();
            Box::pin(async move {
                found.ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such name")
                })
            })
        }
    }

    pub(crate) fn fake(entries: &[(&str, &[&str])]) -> Arc<dyn Lookup> {
        Arc::new(FakeLookup(
            entries
                .iter()
                .map(|(name, ips)| {
                    (
                        name.to_string(),
                        ips.iter().map(|ip| ip.parse().expect("ip")).collect(),
                    )
                })
                .collect(),
        ))
    }

    #[tokio::test]
    async fn blocked_addresses_are_dropped_before_the_client_sees_them() {
        let resolver = GuardedResolver::new(
            fake(&[
                ("loopback.test", &["127.0.0.1"]),
                (
                    "mixed.test",
                    &["93.184.216.34", "127.0.0.1", "::1", "10.0.0.2"],
                ),
                ("mapped.test", &["::ffff:127.0.0.1"]),
                ("public.test", &["93.184.216.34"]),
            ]),
            HashSet::new(),
        );
        let err = resolver
            .resolve_checked("loopback.test")
            .await
            .expect_err("blocked");
        assert!(err.is::<DestinationBlocked>());
        let err = resolver
            .resolve_checked("mapped.test")
            .await
            .expect_err("blocked");
        assert!(err.is::<DestinationBlocked>());
        let mixed = resolver
            .resolve_checked("mixed.test")
            .await
            .expect("one public address");
        assert_eq!(mixed, vec!["93.184.216.34".parse::<IpAddr>().expect("ip")]);
        let err = resolver
            .resolve_checked("nowhere.test")
            .await
            .expect_err("unknown");
        assert!(err.is::<DnsFailed>());
        let err = resolver
            .resolve_checked("localhost")
            .await
            .expect_err("local name");
        assert!(err.is::<DestinationBlocked>());
    }

    #[tokio::test]
    async fn allow_listed_names_resolve_to_anything() {
        let resolver = GuardedResolver::new(
            fake(&[("fixture.test", &["127.0.0.1"])]),
            HashSet::from(["fixture.test".to_string()]),
        );
        assert_eq!(
            resolver
                .resolve_checked("fixture.test")
                .await
                .expect("exempt")
                .len(),
            1
        );
    }
}
