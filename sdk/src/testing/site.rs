//! `MockSite`: a site for native tests of site rules. Fields are public and builder methods fill what a test
//! needs; `from_json` / `to_json` keep snapshots (the serde form of the generated `site` records).

use super::{DESCRIBE_VERSION, Outcome, valid};
use crate::site::{
    Probe, RobotsFacts, SiteEdge, SiteFetch, SiteInfo, SiteKind, SitePage, SiteRule, SiteView,
    SitemapFacts,
};
use crate::types::*;
use serde::{Deserialize, Serialize};

/// A site in memory. `robots_allows` answers from `disallow` (user agent, path prefix) pairs: a path is
/// disallowed for an agent when a pair names that agent (case-insensitive) and is a prefix of the path. Pairs
/// for `*` apply to agents that have no pair of their own, as the kernel's group selection does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockSite {
    pub info: SiteInfo,
    pub pages: Vec<SitePage>,
    pub fetches: Vec<SiteFetch>,
    pub edges: Vec<SiteEdge>,
    pub robots_txt: Option<RobotsFacts>,
    pub disallow: Vec<(String, String)>,
    pub sitemaps: Vec<SitemapFacts>,
    pub probes: Vec<Probe>,
}

/// An empty page at `url`: status 200, eligible, indexable, no title.
pub fn page(url: &str) -> SitePage {
    SitePage {
        url: url.to_owned(),
        status: 200,
        eligible: true,
        noindex: false,
        googlebot_disallowed: false,
        canonicals: Vec::new(),
        lang: None,
        title: None,
        description: None,
        text_hash: None,
        char_count_main: 0,
        depth: None,
        inlinks: 0,
        in_sitemap: false,
        is_homepage: false,
        provisional: false,
    }
}

impl MockSite {
    /// A crawl of `origin` (`https://host`) with nothing fetched yet; the homepage URL is `origin/`.
    pub fn new(origin: impl Into<String>) -> Self {
        let origin: String = origin.into();
        MockSite {
            info: SiteInfo {
                homepage_url: format!("{}/", origin.trim_end_matches('/')),
                origin,
                kind: SiteKind::Crawl,
                page_limit: Some(25),
                cut_short: false,
            },
            pages: Vec::new(),
            fetches: Vec::new(),
            edges: Vec::new(),
            robots_txt: None,
            disallow: Vec::new(),
            sitemaps: Vec::new(),
            probes: Vec::new(),
        }
    }

    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Any change to the fields.
    pub fn with(mut self, change: impl FnOnce(&mut MockSite)) -> Self {
        change(&mut self);
        self
    }

    pub fn kind(mut self, kind: SiteKind) -> Self {
        self.info.kind = kind;
        self
    }

    /// Adds an analysed page (see [`page`] for its defaults), adjusted by `change`.
    pub fn page(mut self, url: &str, change: impl FnOnce(&mut SitePage)) -> Self {
        let mut p = page(url);
        change(&mut p);
        self.pages.push(p);
        self
    }

    /// Adds a requested URL that answered `status` directly (no redirect), found through a link.
    pub fn fetch(mut self, url: &str, status: u16) -> Self {
        self.fetches.push(SiteFetch {
            url: url.to_owned(),
            via: crate::site::Discovery::Link,
            first_status: Some(status),
            final_url: Some(url.to_owned()),
            final_status: Some(status),
            redirects: 0,
            timed_out: false,
            siloq_disallowed: false,
            googlebot_disallowed: false,
        });
        self
    }

    /// Adds a followed link in the main region.
    pub fn edge(mut self, from: &str, to: &str) -> Self {
        self.edges.push(SiteEdge {
            from: from.to_owned(),
            to: to.to_owned(),
            text: String::new(),
            follow: true,
            in_main: true,
        });
        self
    }

    /// robots.txt answered `status` (`None`: timed out) with no invalid line and no `Sitemap:` line.
    pub fn robots(mut self, status: Option<u16>) -> Self {
        self.robots_txt = Some(RobotsFacts {
            status,
            timed_out: status.is_none(),
            errors: Vec::new(),
            sitemaps: Vec::new(),
        });
        self
    }

    /// robots.txt disallows paths starting with `prefix` for `user_agent` (`*` for every other agent).
    pub fn disallow(mut self, user_agent: &str, prefix: &str) -> Self {
        self.disallow
            .push((user_agent.to_ascii_lowercase(), prefix.to_owned()));
        self
    }

    /// A sitemap that answered 200 and lists `entries` (root `urlset`).
    pub fn sitemap(mut self, url: &str, entries: &[&str]) -> Self {
        self.sitemaps.push(SitemapFacts {
            url: url.to_owned(),
            status: Some(200),
            timed_out: false,
            parse_error: None,
            root: Some("urlset".into()),
            url_count: u32::try_from(entries.len()).unwrap_or(u32::MAX),
            uncompressed_bytes: 100 * entries.len() as u64,
            entries: entries.iter().map(|e| (*e).to_owned()).collect(),
        });
        self
    }
}

impl SiteView for MockSite {
    fn info(&self) -> SiteInfo {
        self.info.clone()
    }
    fn pages(&self) -> Vec<SitePage> {
        self.pages.clone()
    }
    fn fetches(&self) -> Vec<SiteFetch> {
        self.fetches.clone()
    }
    fn edges(&self) -> Vec<SiteEdge> {
        self.edges.clone()
    }
    fn robots_txt(&self) -> Option<RobotsFacts> {
        self.robots_txt.clone()
    }
    fn robots_allows(&self, user_agent: &str, path: &str) -> bool {
        if !self
            .robots_txt
            .as_ref()
            .is_some_and(|r| r.status.is_some_and(|s| (200..300).contains(&s)))
        {
            return true;
        }
        let agent = user_agent.to_ascii_lowercase();
        let own: Vec<&String> = self
            .disallow
            .iter()
            .filter(|(a, _)| *a == agent)
            .map(|(_, p)| p)
            .collect();
        let rules = if own.is_empty() {
            self.disallow
                .iter()
                .filter(|(a, _)| a == "*")
                .map(|(_, p)| p)
                .collect()
        } else {
            own
        };
        !rules.iter().any(|prefix| path.starts_with(prefix.as_str()))
    }
    fn sitemaps(&self) -> Vec<SitemapFacts> {
        self.sitemaps.clone()
    }
    fn probes(&self) -> Vec<Probe> {
        self.probes.clone()
    }
    fn fact(&self, _name: &str) -> Option<String> {
        None
    }
}

/// Runs a site rule natively. Misuse of `Report` (undeclared or duplicate check, reserved detail key) panics;
/// `describe()` is checked against extensions.md §2.3 first and panics when invalid.
#[track_caller]
pub fn run_site_rule<T: SiteRule>(
    site: &impl SiteView,
    config: &str,
) -> Result<Outcome, ExtensionError> {
    valid(crate::site::describe_site_rule::<T>(DESCRIBE_VERSION));
    let findings = crate::site::check_site::<T>(site, config)?;
    Ok(Outcome { findings })
}
