//! The typed configuration tree. Defaults here are the built-in layer; `config/default.toml` documents each key.

use super::SecretString;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Debug mode: relaxes only the secret and hashing-cost checks. Env: `DEBUG`, `SILOQ_DEBUG`.
    pub debug: bool,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub auth: AuthConfig,
    pub cors: CorsConfig,
    pub log: LogConfig,
    pub telemetry: TelemetryConfig,
    pub sites: SitesConfig,
    pub extensions: ExtensionsConfig,
    pub rate_limits: super::RateLimitConfig,
    pub scanner: crate::scanner::ScannerConfig,
    pub metrics: MetricsConfig,
    pub jobs: JobsConfig,
    pub webhooks: WebhooksConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    /// Base of absolute URLs in responses (pagination links); empty = scheme and Host of the request.
    pub public_base_url: String,
    /// Accepted `Host` header values; empty accepts any.
    #[serde(deserialize_with = "super::env::string_list")]
    pub allowed_hosts: Vec<String>,
    /// Body limit of ordinary JSON routes, bytes.
    pub body_limit_bytes: usize,
    /// Body limit of the plugin's page routes (`/pages/sync/`, `/pages/{id}/seo-data/`), bytes.
    pub page_body_limit_bytes: usize,
    /// A handler running longer is cancelled and answered 503.
    pub request_timeout_secs: u64,
    /// Upper bound for draining in-flight requests after SIGTERM/SIGINT.
    pub shutdown_grace_secs: u64,
    /// Reverse proxies (addresses or CIDRs) whose `X-Forwarded-For` / `Forwarded` names the client (RL-5).
    #[serde(deserialize_with = "super::env::string_list")]
    pub trusted_proxies: Vec<String>,
    /// A connection without a complete request head this long after it opened (or after the first byte of a
    /// later request) is closed (TR-3).
    pub header_read_timeout_secs: u64,
    /// An idle keep-alive connection (no request in progress, nothing received) is closed after this long (TR-4).
    pub idle_timeout_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` (embedded default) or `postgres://USER:PASS@HOST:PORT/DB`.
    pub url: String,
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
    /// PostgreSQL `statement_timeout`.
    pub statement_timeout_secs: u64,
    /// SQLite `busy_timeout`.
    pub busy_timeout_secs: u64,
    /// How long start-up keeps retrying an unreachable database.
    pub connect_retry_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// JWT signing secret, at least 32 bytes outside debug mode. Env: `SECRET_KEY`, `SILOQ_AUTH__SECRET_KEY`.
    pub secret_key: Option<SecretString>,
    pub issuer: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Concurrent password hash/verify operations; 0 = 2 x CPU cores.
    pub hash_concurrency: usize,
    /// Failed logins per email allowed within the window before 429.
    pub login_failures_per_email: u32,
    pub login_failure_window_secs: i64,
    /// Login attempts per client IP per minute.
    pub login_attempts_per_ip_per_minute: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CorsConfig {
    /// Exact origins; the single entry "*" allows any origin without credentials. Env: `CORS_ALLOWED_ORIGINS`.
    #[serde(deserialize_with = "super::env::string_list")]
    pub allowed_origins: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `pretty` or `json`.
    pub format: String,
    /// A tracing filter directive, e.g. `info` or `siloq_kernel=debug,info`. `RUST_LOG` wins when set.
    pub level: String,
}

/// Trace export (api.md §15): request spans sent over OTLP/HTTP (protobuf) when an endpoint is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetryConfig {
    /// The collector's OTLP/HTTP base URL (e.g. `http://127.0.0.1:4318`; spans go to `/v1/traces` under it);
    /// empty = no export. Env: `SILOQ_TELEMETRY__OTLP_ENDPOINT`.
    pub otlp_endpoint: String,
    /// `service.name` of the exported spans. Env: `SILOQ_TELEMETRY__SERVICE_NAME`.
    pub service_name: String,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            otlp_endpoint: String::new(),
            service_name: "siloq".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SitesConfig {
    /// Sites one user may own (api.md §6.2).
    pub max_sites_per_user: i64,
    /// Active (not revoked, not expired) keys one site may have (api.md §7.3).
    pub max_active_keys_per_site: i64,
}

/// The extension platform (extensions.md §4.5, §4.6, §6.11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtensionsConfig {
    /// Evaluation threads; 0 = number of CPU cores.
    pub threads: usize,
    /// Permits of the background lane (re-scoring); 0 = max(1, threads / 2).
    pub background_threads: usize,
    /// How long a page sync waits for an evaluation thread before its scoring is deferred to a job.
    pub queue_wait_ms: u64,
    /// A TOML file that declares the whole ruleset (extensions.md §6.11); empty = none (the database's active
    /// revision, the bundled one on a fresh database).
    pub ruleset_file: String,
    /// Follow changes of `ruleset_file` and its components while running; false = read it at start-up only.
    pub watch: bool,
    /// Compiled-artifact cache (extensions.md §6.9), created with mode 0700; empty = no cache (compile at every
    /// start).
    pub cache_dir: String,
    pub limits: crate::extensions::Limits,
}

impl Default for ExtensionsConfig {
    fn default() -> Self {
        Self {
            threads: 0,
            background_threads: 0,
            queue_wait_ms: crate::extensions::limits::QUEUE_WAIT_MS,
            ruleset_file: String::new(),
            watch: true,
            cache_dir: "data/extension-cache".into(),
            limits: crate::extensions::Limits::default(),
        }
    }
}

impl Default for SitesConfig {
    fn default() -> Self {
        Self {
            max_sites_per_user: 1000,
            max_active_keys_per_site: 100,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8000,
            public_base_url: String::new(),
            allowed_hosts: Vec::new(),
            body_limit_bytes: 1024 * 1024,
            page_body_limit_bytes: 10 * 1024 * 1024,
            request_timeout_secs: 30,
            shutdown_grace_secs: 25,
            trusted_proxies: Vec::new(),
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://siloq.db".into(),
            max_connections: 10,
            acquire_timeout_secs: 3,
            statement_timeout_secs: 30,
            busy_timeout_secs: 5,
            connect_retry_secs: 60,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            secret_key: None,
            issuer: "siloq".into(),
            access_ttl_secs: 7 * 24 * 3600,
            refresh_ttl_secs: 30 * 24 * 3600,
            argon2_memory_kib: 19456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            hash_concurrency: 0,
            login_failures_per_email: 5,
            login_failure_window_secs: 15 * 60,
            login_attempts_per_ip_per_minute: 30,
        }
    }
}

impl Default for CorsConfig {
    fn default() -> Self {
        Self {
            allowed_origins: [
                "http://localhost:3000",
                "http://127.0.0.1:3000",
                "http://app.siloq.ai",
                "https://app.siloq.ai",
                "https://siloq.ai",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: "pretty".into(),
            level: "info".into(),
        }
    }
}

/// `GET /metrics` (api.md §15.4, security.md EH-8).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// When set, `/metrics` needs `Authorization: Bearer <token>`. Env: `SILOQ_METRICS__TOKEN`.
    pub token: Option<SecretString>,
}

/// The durable job queue (security.md JOB-2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// How long a claimed job stays leased to its worker without a heartbeat; a crashed instance's jobs are
    /// claimed again after this. Heartbeats renew it every quarter of it. Env: `SILOQ_JOBS__LEASE_SECS`.
    pub lease_secs: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self { lease_secs: 60 }
    }
}

/// Outbound webhooks (api.md §12). Destinations follow the scanner's egress policy, including its one test
/// allow-list, `scanner.allow_hosts` (security.md SSRF-4); there is no separate webhook allow-list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Accept `http://` endpoint URLs (development only). Env: `SILOQ_WEBHOOKS__ALLOW_HTTP`.
    pub allow_http: bool,
    /// Delay before each retry, seconds, ±20 % jitter; one attempt more than entries in all (api.md §12.1: 1 min,
    /// 5 min, 30 min, 2 h, 6 h, 12 h). Only tests change it.
    pub retry_schedule_secs: Vec<u64>,
    /// A delivery succeeds on a 2xx within this many seconds.
    pub timeout_secs: u64,
    /// Delivery records are kept this many days.
    pub retention_days: i64,
    /// Endpoints one site may have.
    pub max_endpoints_per_site: i64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            allow_http: false,
            retry_schedule_secs: vec![60, 300, 1800, 7200, 21600, 43200],
            timeout_secs: 10,
            retention_days: 30,
            max_endpoints_per_site: 10,
        }
    }
}
