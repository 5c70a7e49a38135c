//! Login throttling (security.md RL-3, api.md §2.9): failed logins per normalised email, counted in the database
//! so the limit holds across instances and restarts, and all attempts per client IP, in memory (GCRA).

use crate::config::AuthConfig;
use crate::db::{SessionStore, StoreResult};
use chrono::{DateTime, Utc};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// Above this many tracked addresses, stale limiter entries are dropped on the next check (RL-6).
const PRUNE_ABOVE: usize = 10_000;

/// Login attempts per client IP. `None` inside when the configured rate is 0 (no per-IP limit).
pub struct IpLimiter {
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    clock: DefaultClock,
}

impl IpLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            limiter: NonZeroU32::new(per_minute)
                .map(|n| DefaultKeyedRateLimiter::dashmap(Quota::per_minute(n))),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt from `ip`; `Err(n)` when over the limit, `n` the whole seconds to wait (at least 1).
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if limiter.len() > PRUNE_ABOVE {
            limiter.retain_recent();
        }
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ceil_secs(wait.as_secs_f64())
        })
    }

    /// Drops addresses whose state is indistinguishable from a fresh one (hourly housekeeping).
    pub fn prune(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
        }
    }
}

fn ceil_secs(secs: f64) -> u64 {
    (secs.ceil() as u64).max(1)
}

/// `Some(n)` when `email` already has `login_failures_per_email` failures within the window: the login is refused
/// for `n` more seconds, until the oldest failure that keeps the count at the limit leaves the window.
pub async fn email_retry_after(
    store: &dyn SessionStore,
    config: &AuthConfig,
    email: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<u64>> {
    let limit = i64::from(config.login_failures_per_email);
    if limit == 0 {
        return Ok(None);
    }
    let window = chrono::Duration::seconds(config.login_failure_window_secs);
    let failures = store
        .recent_login_failures(email, now - window, limit)
        .await?;
    if (failures.len() as i64) < limit {
        return Ok(None);
    }
    // Newest first: the last row is the limit-th newest failure; once it leaves the window an attempt is allowed.
    let frees_at = failures[failures.len() - 1] + window;
    let wait = (frees_at - now).num_milliseconds().max(0) as f64 / 1000.0;
    Ok(Some(ceil_secs(wait)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_limit_allows_the_quota_then_refuses_with_a_wait() {
        let limiter = IpLimiter::new(2);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_ok());
        let wait = limiter.check(ip).unwrap_err();
        assert!((1..=30).contains(&wait), "{wait}");
        assert!(limiter.check("192.0.2.2".parse().unwrap()).is_ok());
        assert!(IpLimiter::new(0).check(ip).is_ok());
    }
}
