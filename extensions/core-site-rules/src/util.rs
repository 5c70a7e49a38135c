//! What every site check shares: the site's lists, each fetched once (getters copy data into the guest), and
//! small URL helpers. URLs arrive normalised by the kernel, so comparing them as strings is exact.

use siloq_sdk::prelude::*;
use siloq_sdk::site::{
    RobotsFacts, SiteEdge, SiteFetch, SiteInfo, SiteKind, SitePage, SitemapFacts,
};

/// The site's lists, fetched once.
pub struct Ctx<'a, S: SiteView> {
    site: &'a S,
    pub info: SiteInfo,
    pub pages: Vec<SitePage>,
    pub fetches: Vec<SiteFetch>,
    pub edges: Vec<SiteEdge>,
    pub robots: Option<RobotsFacts>,
    pub sitemaps: Vec<SitemapFacts>,
}

impl<'a, S: SiteView> Ctx<'a, S> {
    pub fn new(site: &'a S) -> Self {
        Ctx {
            info: site.info(),
            pages: site.pages(),
            fetches: site.fetches(),
            edges: site.edges(),
            robots: site.robots_txt(),
            sitemaps: site.sitemaps(),
            site,
        }
    }

    /// E of seo-rules.md §2.8 (the kernel marks eligibility; provisional pages never count).
    pub fn eligible(&self) -> Vec<&SitePage> {
        self.pages
            .iter()
            .filter(|p| p.eligible && !p.provisional)
            .collect()
    }

    /// A crawl (full or quick scan), as opposed to the synced pages of a site.
    pub fn crawled(&self) -> bool {
        self.info.kind != SiteKind::Synced
    }

    /// The kernel's robots.txt verdict for `path`.
    pub fn allows(&self, agent: &str, path: &str) -> bool {
        self.site.robots_allows(agent, path)
    }

    /// The sitemaps that answered 200.
    pub fn found_sitemaps(&self) -> impl Iterator<Item = &SitemapFacts> {
        self.sitemaps.iter().filter(|s| s.status == Some(200))
    }

    pub fn is_homepage(&self, url: &str) -> bool {
        url == self.info.homepage_url || self.pages.iter().any(|p| p.is_homepage && p.url == url)
    }
}

/// The lowercase host (with port) of an absolute URL; `None` for anything else.
pub fn host(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Path and query of an absolute URL (`/` when empty), as robots.txt rules match it.
pub fn path_and_query(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('#').next().unwrap_or("");
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => format!("/{}", &rest[i..]),
        Some(i) => rest[i..].to_string(),
        None => "/".into(),
    }
}

/// `"a, b and 3 more"`: at most `max` items named.
pub fn examples(items: &[&str], max: usize) -> String {
    let named: Vec<&str> = items.iter().take(max).copied().collect();
    let more = items.len().saturating_sub(max);
    if more > 0 {
        format!("{} and {more} more", named.join(", "))
    } else {
        named.join(", ")
    }
}

/// `1 − affected / eligible`.
pub fn share_credit(affected: usize, eligible: usize) -> f32 {
    if eligible == 0 {
        1.0
    } else {
        (1.0 - affected as f64 / eligible as f64) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts() {
        assert_eq!(
            host("https://Example.com:8443/a?b").as_deref(),
            Some("example.com:8443")
        );
        assert_eq!(host("/relative"), None);
        assert_eq!(path_and_query("https://x.example"), "/");
        assert_eq!(path_and_query("https://x.example/a/b?c=1#f"), "/a/b?c=1");
        assert_eq!(path_and_query("https://x.example?q"), "/?q");
        assert_eq!(examples(&["a", "b", "c"], 2), "a, b and 1 more");
    }
}
