//! In-memory rate limits (security.md RL-1, RL-2, RL-4, RL-6; api.md §2.9), GCRA via `governor`:
//!
//! * before authentication, on every request: per client IP ([`per_ip`] middleware), plus the per-IP budgets of
//!   registration, token refresh and `/auth/verify`;
//! * after authentication: per site-key id (the site-key check) and per user id (the JWT check). They are keyed by
//!   the id of a credential that passed, never by what was presented, so invalid credentials create no state.
//!
//! Over a limit the answer is 429 `throttled` with `Retry-After: N` ([`ApiError::throttled`]). The per-email login
//! limit lives in the database and the per-IP login limit in `auth::throttle`; both read the same [`ClientIp`].
//! State is per instance and pruned periodically ([`prune_loop`]), so memory follows the number of clients active
//! in the last moments, not the number ever seen.

use super::client_ip::{ClientIp, NetList};
use super::{ApiError, AppState};
use crate::config::Config;
use crate::db::{ApiKeyId, UserId};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Above this many tracked keys in one limiter, a check prunes idle entries itself (at most once a second), so a
/// flood of distinct addresses between two periodic prunes stays bounded too.
const PRUNE_ABOVE: usize = 100_000;

/// The key of a per-IP limit: the address for IPv4, its /64 network for IPv6 (one subscriber's allocation, so an
/// IPv6 client cannot mint fresh budgets by rotating addresses inside its own prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpKey(IpAddr);

impl IpKey {
    /// The address (IPv4) or the /64 network address (IPv6) counted.
    pub fn ip(self) -> IpAddr {
        self.0
    }
}

impl From<IpAddr> for IpKey {
    fn from(ip: IpAddr) -> Self {
        let ip = ip.to_canonical();
        Self(if ip.is_ipv6() {
            super::client_ip::mask(ip, 64)
        } else {
            ip
        })
    }
}

/// One keyed GCRA limit; `None` inside when switched off (a rate of 0).
pub struct Limiter<K: Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
    clock: DefaultClock,
    last_inline_prune: Mutex<Instant>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    pub fn new(quota: Option<Quota>) -> Self {
        Self {
            limiter: quota.map(DefaultKeyedRateLimiter::dashmap),
            clock: DefaultClock::default(),
            last_inline_prune: Mutex::new(Instant::now()),
        }
    }

    /// `rate` per second sustained, `burst` at once (a burst of 0 means "as many as the rate").
    pub fn per_second(rate: u32, burst: u32) -> Self {
        Self::new(NonZeroU32::new(rate).map(|rate| {
            let burst = NonZeroU32::new(burst).unwrap_or(rate);
            Quota::per_second(rate).allow_burst(burst)
        }))
    }

    /// `n` per minute, all of them usable at once.
    pub fn per_minute(n: u32) -> Self {
        Self::new(NonZeroU32::new(n).map(Quota::per_minute))
    }

    /// `n` per hour, all of them usable at once.
    pub fn per_hour(n: u32) -> Self {
        Self::new(NonZeroU32::new(n).map(Quota::per_hour))
    }

    /// Counts one request for `key`; `Err(n)` when over the limit, `n` the whole seconds until the next request
    /// would pass, rounded up and at least 1 (RL-2).
    pub fn check(&self, key: &K) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if limiter.len() > PRUNE_ABOVE
            && let Ok(mut last) = self.last_inline_prune.try_lock()
            && last.elapsed() >= Duration::from_secs(1)
        {
            *last = Instant::now();
            limiter.retain_recent();
        }
        limiter
            .check_key(key)
            .map_err(|not_until| retry_after_secs(not_until.wait_time_from(self.clock.now())))
    }

    /// Drops keys whose state is indistinguishable from a fresh one (RL-6).
    pub fn prune(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// Keys currently tracked.
    pub fn len(&self) -> usize {
        self.limiter.as_ref().map_or(0, |l| l.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whole seconds, rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// Every in-memory limit of an instance, with the address lists they depend on.
pub struct Limits {
    /// Peers whose forwarding headers are believed (RL-5).
    pub trusted_proxies: NetList,
    /// Clients that skip every per-IP limit.
    pub exempt: NetList,
    pub ip: Limiter<IpKey>,
    pub register: Limiter<IpKey>,
    pub refresh: Limiter<IpKey>,
    pub verify: Limiter<IpKey>,
    pub key: Limiter<ApiKeyId>,
    pub user: Limiter<UserId>,
}

impl Limits {
    /// Address lists are checked when the configuration is loaded; an entry that still fails to parse here (a
    /// configuration built in code) is reported and leaves the list empty: nobody trusted, nobody exempt.
    pub fn new(config: &Config) -> Self {
        let list = |name: &str, entries: &[String]| {
            NetList::parse(entries).unwrap_or_else(|bad| {
                tracing::error!(setting = name, entry = %bad, "not an IP address or CIDR; list ignored");
                NetList::default()
            })
        };
        let r = &config.rate_limits;
        Self {
            trusted_proxies: list("server.trusted_proxies", &config.server.trusted_proxies),
            exempt: list("rate_limits.exempt_ips", &r.exempt_ips),
            ip: Limiter::per_second(r.ip_per_second, r.ip_burst),
            register: Limiter::per_hour(r.register_per_ip_per_hour),
            refresh: Limiter::per_minute(r.refresh_per_ip_per_minute),
            verify: Limiter::per_minute(r.verify_per_ip_per_minute),
            key: Limiter::per_second(r.key_per_second, r.key_burst),
            user: Limiter::per_second(r.user_per_second, r.user_burst),
        }
    }

    pub fn is_exempt(&self, ip: IpAddr) -> bool {
        self.exempt.contains(ip)
    }

    /// The per-IP limits of one request: the global one, then the budget of its route, if it has one. `path` is
    /// the normalised path (no trailing slash).
    pub fn check_ip(&self, ip: IpAddr, method: &Method, path: &str) -> Result<(), u64> {
        if self.is_exempt(ip) {
            return Ok(());
        }
        let key = IpKey::from(ip);
        self.ip.check(&key)?;
        let route = match (method, path.strip_prefix("/api/v1")) {
            (&Method::POST, Some("/auth/register")) => &self.register,
            (&Method::POST, Some("/auth/token/refresh" | "/auth/refresh")) => &self.refresh,
            (&Method::GET | &Method::HEAD | &Method::POST, Some("/auth/verify")) => &self.verify,
            _ => return Ok(()),
        };
        route.check(&key)
    }

    /// The per-key limit, after the key passed authentication.
    pub fn check_key(&self, key: ApiKeyId) -> Result<(), u64> {
        self.key.check(&key)
    }

    /// The per-user limit, after the access token passed authentication.
    pub fn check_user(&self, user: UserId) -> Result<(), u64> {
        self.user.check(&user)
    }

    /// Drops idle state from every limiter.
    pub fn prune(&self) {
        for limiter in [&self.ip, &self.register, &self.refresh, &self.verify] {
            limiter.prune();
        }
        self.key.prune();
        self.user.prune();
    }

    /// Keys tracked across all limiters (for tests and diagnostics).
    pub fn tracked(&self) -> usize {
        [&self.ip, &self.register, &self.refresh, &self.verify]
            .iter()
            .map(|l| l.len())
            .sum::<usize>()
            + self.key.len()
            + self.user.len()
    }
}

/// Middleware: the per-IP limits, before routing and authentication.
pub async fn per_ip(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ip = ClientIp::of(req.extensions()).0;
    if let Err(wait) = state.limits.check_ip(ip, req.method(), req.uri().path()) {
        tracing::debug!(client_ip = %ip, retry_after = wait, "per-IP rate limit hit");
        return ApiError::throttled(wait).into_response();
    }
    next.run(req).await
}

/// Prunes every limiter (the login limiter included) each `rate_limits.prune_interval_secs`, until aborted.
pub async fn prune_loop(state: AppState) {
    let every = Duration::from_secs(state.config.rate_limits.prune_interval_secs.max(1));
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        ticker.tick().await;
        state.limits.prune();
        state.login_ip_limiter.prune();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds_and_never_says_zero() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(36)), 36);
    }

    #[test]
    fn a_burst_passes_then_the_next_request_waits() {
        let limiter = Limiter::per_second(1, 3);
        for _ in 0..3 {
            assert!(limiter.check(&1u8).is_ok());
        }
        assert_eq!(limiter.check(&1u8), Err(1));
        assert!(limiter.check(&2u8).is_ok(), "keys are independent");
        let hourly = Limiter::per_hour(2);
        assert!(hourly.check(&1u8).is_ok() && hourly.check(&1u8).is_ok());
        let wait = hourly.check(&1u8).unwrap_err();
        assert!((1700..=1800).contains(&wait), "{wait}");
        let off = Limiter::per_second(0, 5);
        assert!((0..100).all(|_| off.check(&1u8).is_ok()));
        assert!(off.is_empty());
    }

    #[test]
    fn ipv6_clients_share_their_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(IpKey::from(a), IpKey::from(b));
        assert_ne!(IpKey::from(a), IpKey::from(c));
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(IpKey::from(v4), IpKey::from(mapped));
    }

    #[test]
    fn route_budgets_apply_to_their_routes_only_and_exempt_addresses_skip_them() {
        let mut config = Config::default();
        config.rate_limits.register_per_ip_per_hour = 1;
        config.rate_limits.exempt_ips = vec!["10.0.0.0/8".into()];
        let limits = Limits::new(&config);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(
            limits
                .check_ip(ip, &Method::POST, "/api/v1/auth/register")
                .is_ok()
        );
        assert!(
            limits
                .check_ip(ip, &Method::POST, "/api/v1/auth/register")
                .is_err()
        );
        assert!(
            limits
                .check_ip(ip, &Method::GET, "/api/v1/auth/register")
                .is_ok()
        );
        assert!(
            limits
                .check_ip(ip, &Method::POST, "/api/v1/auth/login")
                .is_ok()
        );
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(
            limits
                .check_ip(other, &Method::POST, "/api/v1/auth/register")
                .is_ok()
        );
        let inside: IpAddr = "10.1.1.1".parse().unwrap();
        for _ in 0..3 {
            assert!(
                limits
                    .check_ip(inside, &Method::POST, "/api/v1/auth/register")
                    .is_ok()
            );
        }
    }

    #[test]
    fn pruning_forgets_idle_clients() {
        let limiter = Limiter::per_second(1000, 1);
        for i in 0..50u32 {
            assert!(limiter.check(&i).is_ok());
        }
        assert_eq!(limiter.len(), 50);
        std::thread::sleep(Duration::from_millis(5));
        limiter.prune();
        assert_eq!(limiter.len(), 0);
    }
}
