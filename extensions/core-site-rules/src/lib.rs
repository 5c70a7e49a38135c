//! `siloq.core-site-rules`: Siloq's first-release site rules (seo-rules.md §3, every R1 row whose scope is
//! `site`), written against `siloq-sdk` like any other extension.
//!
//! One module per concern: `robots` and `sitemaps` (the site's robots.txt and XML sitemaps), `errors`
//! (`site.error_pages`, `index.noindex_conflict`), `duplicates` (titles, descriptions, main text across the
//! eligible pages) and `structure` (orphans, click depth). Every declared check reports once per site: pass,
//! fail, proportional credit (`1 − affected / eligible`) or not applicable.
//!
//! The kernel measures (statuses, folded titles, text hashes, depths, robots.txt verdicts); these rules only
//! compare and count, so the guest needs no URL or XML parser.

use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;

mod duplicates;
mod errors;
mod robots;
mod sitemaps;
mod structure;
#[cfg(test)]
mod tests;
mod util;

/// The whole configuration; `{}` means the defaults of seo-rules.md §3.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    /// The crawler whose view of robots.txt matters for indexing.
    pub googlebot: String,
    /// `crawl.depth`: pages deeper than this many clicks are affected (SEOnaut).
    pub max_depth: u32,
    /// `content.duplicate`: pages with less main text (characters) are not compared.
    pub duplicate_min_chars: u32,
    /// `site.sitemap.invalid`: Google's per-file limits.
    pub sitemap_max_urls: u32,
    pub sitemap_max_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            googlebot: "googlebot".into(),
            max_depth: 4,
            duplicate_min_chars: 50,
            sitemap_max_urls: 50_000,
            sitemap_max_bytes: 50 * 1024 * 1024,
        }
    }
}

/// The bundled site rule set.
pub struct CoreSiteRules;

impl SiteRule for CoreSiteRules {
    type Config = Config;

    fn info() -> RuleInfo {
        robots::checks()
            .into_iter()
            .chain(sitemaps::checks())
            .chain(errors::checks())
            .chain(duplicates::checks())
            .chain(structure::checks())
            .fold(
                RuleInfo::new("siloq.core-site-rules", "Siloq core site rules").summary(
                    "Siloq's default site checks: robots.txt, sitemaps, error pages, indexing conflicts, \
                     duplicate titles, descriptions and content, orphan pages and click depth.",
                ),
                RuleInfo::check,
            )
    }

    fn check(
        site: &impl SiteView,
        config: &Config,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let ctx = util::Ctx::new(site);
        robots::check(&ctx, config, out);
        sitemaps::check(&ctx, config, out);
        errors::check(&ctx, config, out);
        duplicates::check(&ctx, config, out);
        structure::check(&ctx, config, out);
        Ok(())
    }
}

export_site_rule!(CoreSiteRules);
