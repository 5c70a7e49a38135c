//! `[rate_limits]` (security.md RL-1, RL-4, RL-6; api.md §2.9) and the checks of the address lists that the
//! client-IP rule (RL-5) and the exemptions rely on. `config/default.toml` documents every key.

use super::{Config, ConfigError};
use serde::{Deserialize, Serialize};

/// In-memory GCRA limits, kept per instance. A rate of 0 switches that limit off.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Every request, before authentication, per client IP: sustained rate and burst.
    pub ip_per_second: u32,
    pub ip_burst: u32,
    /// Plugin requests after site-key authentication, per key id.
    pub key_per_second: u32,
    pub key_burst: u32,
    /// Dashboard requests after JWT authentication, per user id.
    pub user_per_second: u32,
    pub user_burst: u32,
    /// `POST /auth/register/` per client IP.
    pub register_per_ip_per_hour: u32,
    /// `GET|POST /auth/verify/` per client IP.
    pub verify_per_ip_per_minute: u32,
    /// `POST /auth/token/refresh/` (and `/auth/refresh/`) per client IP.
    pub refresh_per_ip_per_minute: u32,
    /// Addresses or CIDRs that skip every per-IP limit (the login one included); per-key, per-user and per-email
    /// limits still apply. Meant for the dashboard's server, which sends all its users' traffic from one address.
    #[serde(deserialize_with = "super::env::string_list")]
    pub exempt_ips: Vec<String>,
    /// How often idle limiter state is dropped (RL-6).
    pub prune_interval_secs: u64,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            ip_per_second: 100,
            ip_burst: 1000,
            key_per_second: 50,
            key_burst: 500,
            user_per_second: 20,
            user_burst: 200,
            register_per_ip_per_hour: 100,
            verify_per_ip_per_minute: 120,
            refresh_per_ip_per_minute: 120,
            exempt_ips: Vec::new(),
            prune_interval_secs: 60,
        }
    }
}

/// Start-up checks of the address lists and the connection timeouts: a typo must stop the process, not silently
/// trust (or exempt) nobody.
pub(super) fn validate(config: &Config) -> Result<(), ConfigError> {
    use crate::http::client_ip::NetList;
    NetList::parse(&config.server.trusted_proxies).map_err(|bad| {
        ConfigError::Invalid(format!(
            "server.trusted_proxies: {bad:?} is not an IP address or CIDR"
        ))
    })?;
    NetList::parse(&config.rate_limits.exempt_ips).map_err(|bad| {
        ConfigError::Invalid(format!(
            "rate_limits.exempt_ips: {bad:?} is not an IP address or CIDR"
        ))
    })?;
    if config.server.header_read_timeout_secs == 0 || config.server.idle_timeout_secs == 0 {
        return Err(ConfigError::Invalid(
            "server.header_read_timeout_secs and server.idle_timeout_secs must be at least 1"
                .into(),
        ));
    }
    if config.rate_limits.prune_interval_secs == 0 {
        return Err(ConfigError::Invalid(
            "rate_limits.prune_interval_secs must be at least 1".into(),
        ));
    }
    crate::egress::PinnedLookup::parse(&config.scanner.resolve)
        .map_err(|why| ConfigError::Invalid(format!("scanner.resolve: {why}")))?;
    for file in &config.scanner.extra_ca_files {
        if !std::path::Path::new(file).is_file() {
            return Err(ConfigError::Invalid(format!(
                "scanner.extra_ca_files: {file} is not a readable file"
            )));
        }
    }
    // Heartbeats renew a lease every quarter of it; below 4 s they would fire more than once a second.
    if config.jobs.lease_secs < 4 {
        return Err(ConfigError::Invalid(
            "jobs.lease_secs must be at least 4".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![expect(
        clippy::result_large_err,
        reason = "figment::Jail closures must return figment::Error, a large type"
    )]

    use super::super::{Sources, figment, from_figment};
    use figment::Jail;

    fn load(jail: &Jail) -> Result<super::Config, super::ConfigError> {
        from_figment(figment(&Sources {
            file: None,
            base_dir: Some(jail.directory().to_path_buf()),
        }))
    }

    #[test]
    fn address_lists_come_from_the_environment_and_typos_stop_start_up() {
        Jail::expect_with(|jail| {
            jail.set_env("SILOQ_SERVER__TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1");
            jail.set_env("SILOQ_RATE_LIMITS__EXEMPT_IPS", "192.0.2.10");
            jail.set_env("SILOQ_RATE_LIMITS__KEY_BURST", "900");
            let config = load(jail).unwrap();
            assert_eq!(config.server.trusted_proxies, ["10.0.0.0/8", "127.0.0.1"]);
            assert_eq!(config.rate_limits.exempt_ips, ["192.0.2.10"]);
            assert_eq!(config.rate_limits.key_burst, 900);

            jail.set_env("SILOQ_SERVER__TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal");
            let err = load(jail).unwrap_err().to_string();
            assert!(err.contains("server.trusted_proxies"), "{err}");
            assert!(err.contains("proxy.internal"), "{err}");

            jail.set_env("SILOQ_SERVER__TRUSTED_PROXIES", "");
            jail.set_env("SILOQ_RATE_LIMITS__EXEMPT_IPS", "10.0.0.0/40");
            assert!(load(jail).unwrap_err().to_string().contains("exempt_ips"));

            jail.set_env("SILOQ_RATE_LIMITS__EXEMPT_IPS", "");
            jail.set_env("SILOQ_SERVER__HEADER_READ_TIMEOUT_SECS", "0");
            assert!(
                load(jail)
                    .unwrap_err()
                    .to_string()
                    .contains("header_read_timeout_secs")
            );
            Ok(())
        });
    }
}
