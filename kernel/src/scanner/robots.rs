//! robots.txt of the start host (api.md §11.7): fetched before any page, parsed with `texting_robots` for the
//! `SiloqBot` token (falling back to `*`), `Crawl-delay` honoured up to 10 s. Googlebot's view is kept too,
//! for the site rules (seo-rules §4.4 `robots_allows`).

use serde::{Deserialize, Serialize};
use texting_robots::Robot;

/// The crawler's robots.txt token.
pub const AGENT: &str = "SiloqBot";
/// Longest `Crawl-delay` honoured.
pub const MAX_CRAWL_DELAY_MS: u64 = 10_000;

/// robots.txt as fetched (kept in the crawl state, so a resumed attempt parses the same text).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RobotsFacts {
    /// HTTP status; `None` when no answer arrived.
    pub status: Option<u16>,
    pub timed_out: bool,
    /// The body when the answer was 2xx text (capped by the fetch).
    pub body: Option<String>,
}

/// A parsed robots.txt for the crawler and for Googlebot.
pub struct Rules {
    siloq: Option<Robot>,
    google: Option<Robot>,
}

impl Rules {
    /// No robots.txt (4xx, unreachable or unparseable): everything is allowed, as crawlers commonly do.
    pub fn from_facts(facts: &RobotsFacts) -> Self {
        let Some(body) = facts.body.as_deref() else {
            return Self {
                siloq: None,
                google: None,
            };
        };
        Self {
            siloq: Robot::new(AGENT, body.as_bytes()).ok(),
            google: Robot::new("Googlebot", body.as_bytes()).ok(),
        }
    }

    pub fn allows(&self, url: &str) -> bool {
        self.siloq.as_ref().is_none_or(|r| r.allowed(url))
    }

    pub fn allows_googlebot(&self, url: &str) -> bool {
        self.google.as_ref().is_none_or(|r| r.allowed(url))
    }

    /// `Crawl-delay` for the crawler, capped.
    pub fn crawl_delay_ms(&self) -> u64 {
        self.siloq.as_ref().and_then(|r| r.delay).map_or(0, |d| {
            ((f64::from(d) * 1000.0) as u64).min(MAX_CRAWL_DELAY_MS)
        })
    }

    /// `Sitemap:` lines.
    pub fn sitemaps(&self) -> Vec<String> {
        self.siloq
            .as_ref()
            .map(|r| r.sitemaps.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(body: &str) -> RobotsFacts {
        RobotsFacts {
            status: Some(200),
            timed_out: false,
            body: Some(body.into()),
        }
    }

    #[test]
    fn the_siloqbot_group_wins_over_the_wildcard() {
        let rules = Rules::from_facts(&facts(
            "User-agent: *\nDisallow: /\n\nUser-agent: SiloqBot\nDisallow: /private/\nCrawl-delay: 30\n\nSitemap: https://a.example/s.xml\n",
        ));
        assert!(rules.allows("https://a.example/"));
        assert!(!rules.allows("https://a.example/private/x"));
        assert!(!rules.allows_googlebot("https://a.example/"));
        assert_eq!(rules.crawl_delay_ms(), MAX_CRAWL_DELAY_MS);
        assert_eq!(
            rules.sitemaps(),
            vec!["https://a.example/s.xml".to_string()]
        );
    }

    #[test]
    fn the_wildcard_applies_without_a_siloqbot_group_and_no_file_allows_all() {
        let rules = Rules::from_facts(&facts("User-agent: *\nDisallow: /cart/\n"));
        assert!(!rules.allows("https://a.example/cart/1"));
        assert!(rules.allows("https://a.example/shop"));
        assert!(Rules::from_facts(&RobotsFacts::default()).allows("https://a.example/cart/"));
    }
}
