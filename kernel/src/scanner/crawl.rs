//! The crawl of one scan (api.md §11.7, seo-rules §1.3): robots.txt first, then breadth-first over same-host
//! links from the start page, then sitemap URLs the links did not reach; a few requests at a time with a
//! polite pause; bounded by the page limit and the time budget. The state (frontier, fetch records, robots and
//! sitemap facts) is saved after every batch, so another instance resumes where this one stopped (JOB-4).
//! Pages are stored as fetched and judged after the crawl (`job::finish`), when the status of every
//! internal URL the crawl requested is known.

use super::judge::{self, Edge};
use super::robots::{RobotsFacts, Rules};
use super::sitemap::{self, SitemapFacts};
use crate::db::ScanRow;
use crate::egress::{FetchError, GuardedClient};
use crate::http::AppState;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};
use url::Url;

/// Media types analysed as pages.
pub const HTML_TYPES: &[&str] = &["text/html", "application/xhtml+xml"];
const ROBOTS_TYPES: &[&str] = &["text/plain"];
const SITEMAP_TYPES: &[&str] = &["application/xml", "text/xml"];
/// Sitemap files read per scan (an index and its children).
const MAX_SITEMAP_FILES: usize = 5;
/// Internal link targets of the page a quick scan checks with HEAD (seo-rules §1.3 `link_checks`).
const QUICK_LINK_CHECKS: usize = 20;

/// How a URL was found (seo-rules §4.4 `fetches().discovered via`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Seed,
    Link,
    Sitemap,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Queued {
    pub url: String,
    pub via: Via,
    pub depth: u32,
}

/// One requested URL (seo-rules §1.3: first status, final URL, final status, chain).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FetchRecord {
    pub url: String,
    pub via: Option<Via>,
    pub first_status: Option<u16>,
    pub final_url: Option<String>,
    pub final_status: Option<u16>,
    pub timed_out: bool,
    pub disallowed: bool,
    pub disallowed_googlebot: bool,
    pub error: Option<String>,
    pub depth: u32,
    /// Redirect hops between the request and the final response.
    pub redirects: u32,
}

/// Everything a resumed attempt needs, saved with the scan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CrawlState {
    pub started: bool,
    pub frontier: VecDeque<Queued>,
    /// Every URL queued or fetched (normalised, no fragment), and every analysed final URL.
    pub seen: BTreeSet<String>,
    pub analysed_urls: BTreeSet<String>,
    pub fetches: Vec<FetchRecord>,
    pub robots: Option<RobotsFacts>,
    pub sitemaps: Vec<SitemapFacts>,
    pub sitemaps_read: bool,
    pub analysed: i64,
    pub final_url: Option<String>,
    /// Crawl time spent by earlier attempts (the budget spans attempts).
    pub elapsed_ms: u64,
    pub cut_short: bool,
    /// Quick scans: HEAD checks of the start page's internal link targets (not crawled pages).
    #[serde(default)]
    pub head_checks: Vec<FetchRecord>,
}

/// Why a crawl stopped early.
pub enum Stop {
    /// The start page failed: the scan fails with this code.
    Failed(&'static str),
    /// This instance is shutting down: the job is retried elsewhere from the saved state.
    Draining,
    /// The scan belongs to another attempt now.
    LostClaim,
    /// The database failed; retry.
    Store(String),
}

pub struct Crawler<'a> {
    pub state: &'a AppState,
    pub client: &'a GuardedClient,
    pub scan: &'a ScanRow,
    pub token: &'a str,
    pub crawl: CrawlState,
    rules: Rules,
    site_host: String,
    limit: i64,
    budget: Duration,
    started: Instant,
}

impl<'a> Crawler<'a> {
    pub fn new(
        state: &'a AppState,
        client: &'a GuardedClient,
        scan: &'a ScanRow,
        token: &'a str,
    ) -> Self {
        let crawl: CrawlState = scan
            .crawl_state
            .as_ref()
            .and_then(|s| serde_json::from_value(s.0.clone()).ok())
            .unwrap_or_default();
        let config = &state.config.scanner;
        let (limit, budget) = if scan.scan_type == "quick" {
            (1, config.quick_budget_secs)
        } else {
            (scan.max_pages.max(1), config.full_budget_secs)
        };
        let rules = crawl.robots.as_ref().map_or_else(
            || Rules::from_facts(&RobotsFacts::default()),
            Rules::from_facts,
        );
        let site_host = Url::parse(&scan.url)
            .ok()
            .and_then(|u| u.host_str().map(judge::strip_www))
            .unwrap_or_default();
        Self {
            state,
            client,
            scan,
            token,
            crawl,
            rules,
            site_host,
            limit,
            budget: Duration::from_secs(budget),
            started: Instant::now(),
        }
    }

    fn over_budget(&self) -> bool {
        Duration::from_millis(self.crawl.elapsed_ms) + self.started.elapsed() >= self.budget
    }

    /// Runs the crawl to its end (limit, budget or an empty frontier).
    pub async fn run(&mut self) -> Result<(), Stop> {
        let seed = Url::parse(&self.scan.url).map_err(|_| Stop::Failed("destination_blocked"))?;
        if !self.crawl.started {
            self.crawl.started = true;
            let normalized = normalize(&seed);
            self.crawl.seen.insert(normalized.clone());
            self.crawl.frontier.push_back(Queued {
                url: normalized,
                via: Via::Seed,
                depth: 0,
            });
        }
        if self.crawl.robots.is_none() {
            let facts = self.fetch_robots(&seed).await;
            self.rules = Rules::from_facts(&facts);
            self.crawl.robots = Some(facts);
            self.save().await?;
        }
        if self.crawl.analysed == 0 && !self.rules.allows(seed.as_str()) {
            return Err(Stop::Failed("robots_disallowed"));
        }
        let delay = Duration::from_millis(
            self.state
                .config
                .scanner
                .politeness_delay_ms
                .max(self.rules.crawl_delay_ms()),
        );
        let batch_size = self.state.config.scanner.concurrency.max(1);
        loop {
            if self.state.lifecycle.is_draining() {
                return Err(Stop::Draining);
            }
            if self.crawl.analysed >= self.limit {
                break;
            }
            if self.over_budget() {
                self.crawl.cut_short = true;
                break;
            }
            if self.crawl.frontier.is_empty() {
                if self.crawl.sitemaps_read {
                    break;
                }
                self.read_sitemaps(&seed).await;
                self.crawl.sitemaps_read = true;
                self.save().await?;
                continue;
            }
            let room = (self.limit - self.crawl.analysed).max(1) as usize;
            let mut batch = Vec::new();
            while batch.len() < batch_size.min(room) {
                let Some(next) = self.crawl.frontier.pop_front() else {
                    break;
                };
                if !self.rules.allows(&next.url) {
                    self.crawl.fetches.push(FetchRecord {
                        url: next.url.clone(),
                        via: Some(next.via),
                        disallowed: true,
                        disallowed_googlebot: !self.rules.allows_googlebot(&next.url),
                        depth: next.depth,
                        ..FetchRecord::default()
                    });
                    continue;
                }
                batch.push(next);
            }
            if batch.is_empty() {
                continue;
            }
            let cap = self.state.config.scanner.max_page_bytes;
            let client = self.client;
            let fetches = batch.iter().map(|q| async move {
                let url = Url::parse(&q.url).map_err(|_| FetchError::Blocked)?;
                client.fetch(&url, HTML_TYPES, cap).await
            });
            let results = futures_util::future::join_all(fetches).await;
            for (queued, result) in batch.into_iter().zip(results) {
                self.handle(queued, result).await?;
            }
            self.save().await?;
            if !delay.is_zero() && !self.crawl.frontier.is_empty() {
                tokio::time::sleep(delay).await;
            }
        }
        if !self.crawl.sitemaps_read && !self.over_budget() {
            // Quick scans and full scans that reached their limit still read the sitemap for the site checks.
            self.read_sitemaps(&seed).await;
            self.crawl.sitemaps_read = true;
        }
        self.save().await
    }

    async fn handle(
        &mut self,
        queued: Queued,
        result: Result<crate::egress::Fetched, FetchError>,
    ) -> Result<(), Stop> {
        let is_seed = queued.via == Via::Seed;
        let mut record = FetchRecord {
            url: queued.url.clone(),
            via: Some(queued.via),
            disallowed_googlebot: !self.rules.allows_googlebot(&queued.url),
            depth: queued.depth,
            ..FetchRecord::default()
        };
        let fetched = match result {
            Ok(fetched) => fetched,
            Err(e) => {
                if is_seed {
                    return Err(Stop::Failed(e.code()));
                }
                record.timed_out = e == FetchError::Timeout;
                record.error = Some(e.code().to_string());
                self.crawl.fetches.push(record);
                return Ok(());
            }
        };
        record.first_status = Some(
            fetched
                .redirects
                .first()
                .map_or(fetched.status, |h| h.status),
        );
        record.final_status = Some(fetched.status);
        record.redirects = fetched.redirects.len() as u32;
        let final_url = normalize(&fetched.final_url);
        record.final_url = Some(final_url.clone());
        self.crawl.fetches.push(record);
        if is_seed {
            self.crawl.final_url = Some(fetched.final_url.to_string());
            // The crawled host is the start page's host after redirects.
            if let Some(host) = fetched.final_url.host_str() {
                self.site_host = judge::strip_www(host);
            }
        }
        let success = (200..300).contains(&fetched.status);
        let html = fetched
            .content_type
            .as_deref()
            .is_some_and(|t| HTML_TYPES.contains(&t));
        if !(is_seed || (success && html)) {
            return Ok(());
        }
        if !judge::same_site(&fetched.final_url, &self.site_host)
            || !self.crawl.analysed_urls.insert(final_url.clone())
        {
            return Ok(());
        }
        let fetch = judge::PageFetch::new(&fetched, &queued.url, is_seed);
        let links = judge::links_of(&fetch, &self.site_host).await;
        let position = self.crawl.analysed;
        match self
            .state
            .store
            .put_scan_page(
                self.scan.id,
                self.token,
                &final_url,
                position,
                &fetch.pending_entry(),
            )
            .await
        {
            Ok(true) => {}
            Ok(false) => return Err(Stop::LostClaim),
            Err(e) => return Err(Stop::Store(e.to_string())),
        }
        self.crawl.analysed += 1;
        if self.scan.scan_type == "full" {
            self.enqueue_links(&links, queued.depth + 1);
        } else if is_seed {
            self.head_check(&final_url, &links).await;
        }
        Ok(())
    }

    /// Quick scans: HEAD up to [`QUICK_LINK_CHECKS`] distinct internal targets of the start page, a few at a
    /// time, so its link rules know their statuses without the pages being crawled.
    async fn head_check(&mut self, page_url: &str, links: &[Edge]) {
        let mut targets: Vec<Url> = Vec::new();
        for edge in links {
            let Ok(url) = Url::parse(&edge.to) else {
                continue;
            };
            let normalized = normalize(&url);
            if normalized == page_url
                || targets.iter().any(|t| normalize(t) == normalized)
                || !self.rules.allows(&normalized)
                || self.client.policy().check(&url).is_err()
            {
                continue;
            }
            targets.push(url);
            if targets.len() == QUICK_LINK_CHECKS {
                break;
            }
        }
        let client = self.client;
        let delay = Duration::from_millis(self.state.config.scanner.politeness_delay_ms);
        let batch = self.state.config.scanner.concurrency.max(1);
        for (n, chunk) in targets.chunks(batch).enumerate() {
            if n > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let results =
                futures_util::future::join_all(chunk.iter().map(|u| client.head(u))).await;
            for (url, result) in chunk.iter().zip(results) {
                let mut record = FetchRecord {
                    url: normalize(url),
                    via: Some(Via::Link),
                    ..FetchRecord::default()
                };
                match result {
                    Ok(f) => {
                        record.first_status =
                            Some(f.redirects.first().map_or(f.status, |h| h.status));
                        record.final_status = Some(f.status);
                        record.redirects = f.redirects.len() as u32;
                        record.final_url = Some(normalize(&f.final_url));
                    }
                    Err(e) => {
                        record.timed_out = e == FetchError::Timeout;
                        record.error = Some(e.code().to_string());
                    }
                }
                // A server that refuses HEAD says nothing about the link.
                if !matches!(record.final_status, Some(405 | 501)) {
                    self.crawl.head_checks.push(record);
                }
            }
        }
    }

    /// What the crawl knows of the URLs it requested (full scans) or HEAD-checked (quick scans), for the link
    /// checks of the pages' judgement.
    pub fn link_checks(&self) -> Option<BTreeMap<String, judge::LinkCheck>> {
        let records = if self.scan.scan_type == "full" {
            &self.crawl.fetches
        } else {
            &self.crawl.head_checks
        };
        let checks = records
            .iter()
            .filter(|f| f.first_status.is_some() || f.timed_out)
            .map(|f| {
                let check = judge::LinkCheck {
                    first: f.first_status,
                    last: f.final_status,
                    timed_out: f.timed_out,
                };
                (f.url.clone(), check)
            })
            .collect();
        Some(checks)
    }

    /// The crawled host (the start page's host after redirects, without `www.`).
    pub fn site_host(&self) -> &str {
        &self.site_host
    }

    fn enqueue_links(&mut self, links: &[Edge], depth: u32) {
        for edge in links.iter().filter(|e| e.follow) {
            let Ok(url) = Url::parse(&edge.to) else {
                continue;
            };
            let normalized = normalize(&url);
            if self.client.policy().check(&url).is_ok()
                && self.crawl.seen.insert(normalized.clone())
            {
                self.crawl.frontier.push_back(Queued {
                    url: normalized,
                    via: Via::Link,
                    depth,
                });
            }
        }
    }

    async fn fetch_robots(&self, seed: &Url) -> RobotsFacts {
        let Ok(url) = seed.join("/robots.txt") else {
            return RobotsFacts::default();
        };
        let cap = self.state.config.scanner.max_robots_bytes;
        match self.client.fetch(&url, &[], cap).await {
            Ok(f) => {
                let text = (200..300).contains(&f.status)
                    && f.content_type
                        .as_deref()
                        .is_none_or(|t| ROBOTS_TYPES.contains(&t) || t.starts_with("text/"));
                RobotsFacts {
                    status: Some(f.status),
                    timed_out: false,
                    body: text.then(|| String::from_utf8_lossy(&f.body).into_owned()),
                }
            }
            Err(e) => RobotsFacts {
                status: None,
                timed_out: e == FetchError::Timeout,
                body: None,
            },
        }
    }

    /// Sitemaps from robots.txt `Sitemap:` lines, else the usual locations; same-host page URLs the links did not
    /// reach join the frontier (full scans).
    async fn read_sitemaps(&mut self, seed: &Url) {
        let mut queue: VecDeque<String> = self.rules.sitemaps().into_iter().collect();
        let listed = !queue.is_empty();
        if !listed {
            for path in ["/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml"] {
                if let Ok(u) = seed.join(path) {
                    queue.push_back(u.to_string());
                }
            }
        }
        let cap = self.state.config.scanner.max_sitemap_bytes;
        let mut read = 0;
        while let Some(next) = queue.pop_front() {
            if read >= MAX_SITEMAP_FILES || self.over_budget() {
                break;
            }
            let Ok(url) = Url::parse(&next) else { continue };
            if !judge::same_site(&url, &self.site_host) && !listed {
                continue;
            }
            read += 1;
            let mut facts = SitemapFacts {
                url: next.clone(),
                ..SitemapFacts::default()
            };
            match self.client.fetch(&url, SITEMAP_TYPES, cap).await {
                Ok(f) => {
                    facts.status = Some(f.status);
                    if (200..300).contains(&f.status) {
                        sitemap::parse_into(&mut facts, &f.body);
                    }
                }
                Err(e) => facts.parse_error = Some(e.code().to_string()),
            }
            let found = facts.status.is_some_and(|s| (200..300).contains(&s))
                && facts.parse_error.is_none();
            if facts.root == "sitemapindex" {
                queue.extend(facts.entries.iter().cloned());
            } else if self.scan.scan_type == "full" {
                for entry in &facts.entries {
                    let Ok(u) = Url::parse(entry) else { continue };
                    let normalized = normalize(&u);
                    if judge::same_site(&u, &self.site_host)
                        && self.client.policy().check(&u).is_ok()
                        && self.crawl.seen.insert(normalized.clone())
                    {
                        self.crawl.frontier.push_back(Queued {
                            url: normalized,
                            via: Via::Sitemap,
                            depth: 1,
                        });
                    }
                }
            }
            self.crawl.sitemaps.push(facts);
            // Without robots.txt lines, the first usual location that answers is the sitemap.
            if found && !listed {
                queue.clear();
            }
        }
    }

    /// Saves progress and the crawl state under the claim token.
    async fn save(&mut self) -> Result<(), Stop> {
        let elapsed = self.crawl.elapsed_ms;
        let mut snapshot = self.crawl.clone();
        snapshot.elapsed_ms = elapsed + self.started.elapsed().as_millis() as u64;
        let state = serde_json::to_value(&snapshot).map_err(|e| Stop::Store(e.to_string()))?;
        match self
            .state
            .store
            .save_scan_progress(
                self.scan.id,
                self.token,
                self.crawl.seen.len() as i64,
                self.crawl.analysed,
                self.crawl.final_url.as_deref(),
                &state,
            )
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(Stop::LostClaim),
            Err(e) => Err(Stop::Store(e.to_string())),
        }
    }

    /// Time used so far, all attempts included.
    pub fn elapsed(&self) -> Duration {
        Duration::from_millis(self.crawl.elapsed_ms) + self.started.elapsed()
    }

    pub fn robots(&self) -> &Rules {
        &self.rules
    }
}

/// A URL as the crawl keys it: fragment removed (the parser already lowercases scheme and host).
pub fn normalize(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    url.to_string()
}
