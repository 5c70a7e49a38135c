//! The plain-Rust site model (seo-rules.md §1.3, §4.4; extensions.md §5.5): what the scanner (or the synced-site
//! view) records about a whole site, lent read-only to site-rule extensions as the `site` resource, and what
//! judging it produces ([`SiteVerdict`]: the site findings and the site health of §2.8 with the impacts of §2.9).
//!
//! The kernel measures and the site rules judge: every field here is a fact (a status, a folded title, a hash, a
//! sitemap entry), never a verdict. Lists are in crawl order (breadth-first in document order, then sitemap URLs
//! in file order, §5.7), which is also the order the guests see.

use super::super::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Everything known about one site at the time of judging. The scanner fills it from a crawl; a synced site fills
/// it from its stored pages (no fetches, robots.txt or sitemaps).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteSnapshot {
    pub info: SiteInfo,
    /// One entry per analysed page (a distinct final URL that answered 2xx HTML, or a synced page).
    pub pages: Vec<SitePage>,
    /// One entry per requested URL (seed, links, sitemap URLs); robots.txt and sitemap files are not listed.
    pub fetches: Vec<SiteFetch>,
    /// Internal links between analysed pages, `to` resolved through redirects.
    pub edges: Vec<SiteEdge>,
    /// `None` when robots.txt was not requested (synced sites).
    pub robots_txt: Option<RobotsFacts>,
    /// Every sitemap file requested, in discovery order (robots.txt `Sitemap:` lines, else the default paths).
    pub sitemaps: Vec<SitemapFacts>,
    /// Extra probes (http -> https redirect, host variants, a page that must not exist); none in release 1.
    pub probes: Vec<SiteProbe>,
}

/// How the site's data was gathered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// A full scan: the crawl of §1.3.
    #[default]
    Crawl,
    /// A quick scan: one page plus the site checks (robots.txt, sitemaps).
    QuickScan,
    /// The synced WordPress pages of a site; links are in-content links between synced pages.
    Synced,
}

/// `site.info()`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// `https://host[:port]`, no path.
    pub origin: String,
    /// The homepage URL after redirects (the crawl's seed answer).
    pub homepage_url: String,
    pub kind: SiteKind,
    /// The crawl's page limit; `None` for synced sites.
    pub page_limit: Option<u32>,
    /// The crawl stopped early (page limit or time limit) with URLs still queued.
    pub cut_short: bool,
}

/// `site.pages()`: one analysed page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SitePage {
    /// Final URL (after redirects), normalised as seo-rules.md §4.1.
    pub url: String,
    /// Final HTTP status (200 for synced pages).
    pub status: u16,
    /// In the eligible set E of §2.8 step 1 (see [`crawl_eligible`]).
    pub eligible: bool,
    /// `index.noindex` fired on the page.
    pub noindex: bool,
    /// robots.txt disallows the URL for Googlebot.
    pub googlebot_disallowed: bool,
    /// Every declared canonical, resolved to absolute URLs (head and `Link` header), deduplicated.
    pub canonicals: Vec<String>,
    /// The declared language (`<html lang>`, else the site locale), as written.
    pub lang: Option<String>,
    /// The effective title, folded (seo-rules.md terms); `None` when empty or absent.
    pub title: Option<String>,
    /// The meta description, folded; `None` when empty or absent.
    pub description: Option<String>,
    /// Lowercase hex SHA-256 of the folded main text; `None` when there is no main text.
    pub text_hash: Option<String>,
    /// Characters of main text (seo-rules.md §4.1).
    pub char_count_main: u32,
    /// Fewest followed-link clicks from the homepage; `None` when not reached through links (sitemap only,
    /// synced sites).
    pub depth: Option<u32>,
    /// Followed internal links from other analysed pages (links through redirects count for the final URL).
    pub inlinks: u32,
    /// Listed in a sitemap (after normalisation).
    pub in_sitemap: bool,
    pub is_homepage: bool,
    /// Not published (synced drafts): left out of site health and counts.
    pub provisional: bool,
}

/// How a requested URL was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discovery {
    /// The URL the scan was asked for.
    #[default]
    Seed,
    /// A followed internal `<a href>` of an analysed page.
    Link,
    /// A `<loc>` of a sitemap that links did not reach.
    Sitemap,
}

/// `site.fetches()`: one requested URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteFetch {
    pub url: String,
    pub via: Discovery,
    /// Status of the first response; `None` when it timed out, failed, or was not fetched (disallowed).
    pub first_status: Option<u16>,
    /// URL of the final response after redirects; `None` when none arrived.
    pub final_url: Option<String>,
    pub final_status: Option<u16>,
    /// Redirect hops between the request and the final response.
    pub redirects: u32,
    /// No complete response within the fetch timeout.
    pub timed_out: bool,
    /// robots.txt forbids Siloq's crawler to fetch it: not fetched, not counted by `site.error_pages`.
    pub siloq_disallowed: bool,
    pub googlebot_disallowed: bool,
}

/// `site.edges()`: one internal link between analysed pages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteEdge {
    pub from: String,
    /// The target, resolved through redirects to its final URL.
    pub to: String,
    /// Anchor text (accessible name), collapsed.
    pub text: String,
    /// Not `nofollow`.
    pub follow: bool,
    /// In the main region of `from`.
    pub in_main: bool,
}

/// One invalid robots.txt line (seo-rules.md §3.1 `site.robots_txt.invalid`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RobotsError {
    /// 1-based line number.
    pub line: u32,
    pub reason: String,
}

/// `site.robots-txt()`: robots.txt as fetched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RobotsFacts {
    /// Final status; `None` when it timed out or failed.
    pub status: Option<u16>,
    pub timed_out: bool,
    /// The body (kept so `robots_allows` can answer; at most 500 KiB, as Google reads).
    pub body: String,
    /// Validation errors, computed by the kernel with the list of §3.1.
    pub errors: Vec<RobotsError>,
    /// The `Sitemap:` values, in file order.
    pub sitemaps: Vec<String>,
}

/// `site.sitemaps()`: one sitemap file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SitemapFacts {
    pub url: String,
    /// Final status; `None` when it timed out or failed.
    pub status: Option<u16>,
    pub timed_out: bool,
    /// Why it did not parse as XML, when it did not.
    pub parse_error: Option<String>,
    /// Local name of the root element (`urlset`, `sitemapindex`, ...).
    pub root: Option<String>,
    /// `<loc>` entries in the file (all of them, even beyond `entries`).
    pub url_count: u32,
    pub uncompressed_bytes: u64,
    /// The `<loc>` values in file order (the kernel keeps at most 50 000).
    pub entries: Vec<String>,
}

/// Which probe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeKind {
    /// `http://host/`: should redirect to the https origin.
    #[default]
    HttpToHttps,
    /// The www or apex twin of the host.
    HostVariant,
    /// A path that cannot exist: should answer 404.
    MissingPage,
}

/// `site.probes()`: one extra request the crawler made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteProbe {
    pub kind: ProbeKind,
    pub url: String,
    pub status: Option<u16>,
    pub location: Option<String>,
    pub timed_out: bool,
}

/// Whether a crawled page belongs to E (seo-rules.md §2.8 step 1): it answered 2xx HTML, fired no index gate, and
/// declares no canonical or only canonicals that resolve to its own URL. (Quick scans take their page whenever it
/// answered 2xx HTML; synced sites take published pages without noindex.)
pub fn crawl_eligible(status: u16, index_gate: bool, url: &str, canonicals: &[String]) -> bool {
    (200..300).contains(&status) && !index_gate && canonicals.iter().all(|c| c == url)
}

/// What site health needs of one analysed page's pipeline result (seo-rules.md §2.8 steps 2-3, §2.9).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoredSitePage {
    /// The page's final URL, as in [`SitePage::url`].
    pub url: String,
    /// The rounded page score.
    pub score: i64,
    /// `P`, the base score before caps.
    pub base: f64,
    /// The score after caps, before rounding.
    pub capped: f64,
    /// `S_c` by category id (`technical`, `content`, `structure`, `performance`, `onpage`), unrounded; `None`
    /// (or absent) when N/A on the page.
    pub categories: BTreeMap<String, Option<f64>>,
    /// The page's issues (not its notes), with their points lost.
    pub issues: Vec<ScoredPageIssue>,
    /// An index gate fired (`index.noindex`, `index.robots_blocked`).
    pub index_gate: bool,
    /// A hard gate fired (`http.status.error`, `http.timeout`, `http.redirect.loop`).
    pub hard_failure: bool,
    /// Unpublished: left out of site health.
    pub provisional: bool,
}

/// One issue of an analysed page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoredPageIssue {
    pub check: String,
    pub category: String,
    pub severity: String,
    pub message: String,
    pub action: Option<String>,
    pub points_lost: f64,
}

/// The judgement of a site: the site rules' findings, the health of §2.8 and whatever went wrong.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteVerdict {
    /// Every site-rule finding that applied (credit set), in check-id order; fired ones have credit below 1.
    pub findings: Vec<SiteFinding>,
    pub health: SiteHealth,
    /// One per failed site-rule call or dropped finding.
    pub diagnostics: Vec<Diagnostic>,
    /// Some site-rule output was lost: health stands on what remained.
    pub degraded: bool,
}

impl SiteVerdict {
    /// The fired site findings whose affected pages include `url` (a page's `site_issues`).
    pub fn site_issues_for<'a>(
        &'a self,
        url: &'a str,
    ) -> impl Iterator<Item = &'a SiteFinding> + 'a {
        self.findings
            .iter()
            .filter(move |f| f.fired() && f.affected.iter().any(|a| a == url))
    }
}

/// One site-rule outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteFinding {
    /// The rule id, e.g. `meta.title.duplicate`.
    pub check: String,
    /// Category id.
    pub category: String,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: String,
    /// 1 passed, 0 failed, between: proportional credit (`1 − affected/eligible`).
    pub credit: f64,
    /// The severity weight (or the finding's override); 0 for advisory checks.
    pub weight: f64,
    /// Empty when the check passed.
    pub message: String,
    pub action: Option<String>,
    /// Affected page URLs (at most 20; the full count is `details.affected_total`).
    pub affected: Vec<String>,
    /// The measured values plus `scope: "site"`, `credit`, `extension`.
    pub details: Map<String, Value>,
    pub extension: String,
    /// Health points the rule costs (seo-rules.md §2.9, site view), unrounded.
    pub impact: f64,
}

impl SiteFinding {
    /// Evaluated with credit below 1.
    pub fn fired(&self) -> bool {
        self.credit < 1.0
    }
}

/// Site health (seo-rules.md §2.8) with what is reported next to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteHealth {
    /// `floor(H + 0.5)` after the caps of step 7; 0 when nothing applies.
    pub score: i64,
    /// `A+` .. `F` (§2.7).
    pub grade: String,
    /// `good`, `needs_work` or `poor`.
    pub status_band: String,
    /// `H` after caps, unrounded.
    pub raw: f64,
    /// Rounded `H_c` by category id (all five keys; `None` when absent).
    pub category_scores: BTreeMap<String, Option<i64>>,
    /// Share of E (0..=1) with no critical or high issue; 0 when E is empty.
    pub clean_pages: f64,
    /// Page issues of E plus fired site rules (each once), by severity (all four keys).
    pub issues_by_severity: BTreeMap<String, u64>,
    pub total_issues: u64,
    /// `|E|`.
    pub pages_scored: u64,
    /// Mean page score over E; `None` when E is empty.
    pub mean_page_score: Option<f64>,
    /// The ten recommendations with the highest site-view impact (§2.9).
    pub top_issues: Vec<SiteRecommendation>,
}

/// A recommendation in the site view: `{type, category, priority, message, action, impact}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteRecommendation {
    /// The rule id (`type` on the wire).
    pub check: String,
    pub category: String,
    pub priority: String,
    pub message: String,
    pub action: String,
    /// Health points, rounded to one decimal.
    pub impact: f64,
    /// `site` for site rules, `page` for page rules aggregated over E.
    pub scope: String,
}
