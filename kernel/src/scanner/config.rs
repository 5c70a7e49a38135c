//! `[scanner]` settings (api.md §11.7, security.md SSRF-4, SSRF-6). Defaults follow the specification; tests
//! lower the budgets and add their fixture servers to `allow_hosts`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScannerConfig {
    /// Exact `host:port` pairs exempt from the address checks (tests against local servers). Empty by default;
    /// a non-empty list is logged at WARN on start.
    pub allow_hosts: Vec<String>,
    /// PEM files of certificate authorities trusted beside the public roots (an internal CA, or the test
    /// suite's own). Empty by default.
    pub extra_ca_files: Vec<String>,
    /// `name=address` pins asked before DNS, as curl's `--resolve` (staging hosts without public DNS; the test
    /// suite's HTTPS fixtures). The egress checks still apply to the pinned address. Empty by default.
    pub resolve: Vec<String>,
    pub user_agent: String,
    /// `max_pages` when a request leaves it out, and its upper bound.
    pub default_max_pages: i64,
    pub max_pages_limit: i64,
    pub connect_timeout_secs: u64,
    /// Per response, body included.
    pub request_timeout_secs: u64,
    pub max_redirects: usize,
    /// Decompressed body caps: pages, robots.txt, sitemaps.
    pub max_page_bytes: usize,
    pub max_robots_bytes: usize,
    pub max_sitemap_bytes: usize,
    /// Requests in flight at once per scan (all on the start host).
    pub concurrency: usize,
    /// Pause between request batches; robots.txt `Crawl-delay` raises it (up to 10 s).
    pub politeness_delay_ms: u64,
    /// Time budget of one scan; when it runs out the scan completes with what it has.
    pub quick_budget_secs: u64,
    pub full_budget_secs: u64,
    /// A scan that has not ended this long after creation is failed with `timeout` (api.md §11.1).
    pub stuck_after_secs: u64,
    /// Attempts of a scan job (a crash or a deploy mid-scan costs one).
    pub max_attempts: i64,
    /// `POST /scans/` quotas (api.md §2.9): per target host and per site, over sliding windows.
    pub per_host_limit: i64,
    pub per_host_window_secs: i64,
    pub per_site_limit: i64,
    pub per_site_window_secs: i64,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        Self {
            allow_hosts: Vec::new(),
            extra_ca_files: Vec::new(),
            resolve: Vec::new(),
            user_agent: "SiloqBot/1.0 (+https://siloq.ai/bot)".into(),
            default_max_pages: 25,
            max_pages_limit: 100,
            connect_timeout_secs: 5,
            request_timeout_secs: 10,
            max_redirects: 5,
            max_page_bytes: 5 * 1024 * 1024,
            max_robots_bytes: 512 * 1024,
            max_sitemap_bytes: 10 * 1024 * 1024,
            concurrency: 2,
            politeness_delay_ms: 250,
            quick_budget_secs: 20,
            full_budget_secs: 60,
            stuck_after_secs: 600,
            max_attempts: 5,
            per_host_limit: 5,
            per_host_window_secs: 600,
            per_site_limit: 60,
            per_site_window_secs: 3600,
        }
    }
}
