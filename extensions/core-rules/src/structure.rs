//! Structure checks (seo-rules.md §3.4): headings, links and images of the page. Site-scope structure rules
//! (`links.orphan`, `crawl.depth`) are not page checks and live elsewhere.

mod headings;
mod images;
mod links;
#[cfg(test)]
mod tests;
mod urls;

use crate::ctx::Ctx;
use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;

/// Thresholds of the structure checks; defaults are the catalogue's.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    /// `headings.subheading_distribution`: longest stretch of words without a subheading for full credit,
    /// and for half credit.
    pub subheading_max_words: u32,
    pub subheading_partial_words: u32,
    /// `links.too_many`: more `<a href>` elements fail.
    pub max_links: u32,
    /// `images.alt.missing`: share of images without alt (percent) that still gets half credit.
    pub alt_missing_partial_pct: f64,
    /// `images.alt.too_long`: longer alt texts (characters) fail.
    pub alt_max_chars: u32,
    /// `images.none` applies from this many words of main text.
    pub images_min_words: u32,
    /// `links.localhost`: development and private hosts (names, `*.suffix`, IP literals and networks); the
    /// site's staging hosts are added from the page facts.
    pub dev_hosts: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            subheading_max_words: 300,
            subheading_partial_words: 350,
            max_links: 100,
            alt_missing_partial_pct: 10.0,
            alt_max_chars: 100,
            images_min_words: 300,
            dev_hosts: [
                "localhost",
                "*.localhost",
                "*.local",
                "*.test",
                "*.invalid",
                "0.0.0.0",
                "127.0.0.0/8",
                "::1",
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "169.254.0.0/16",
                "fc00::/7",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

pub fn checks() -> Vec<Check> {
    let mut checks = headings::checks();
    checks.extend(links::checks());
    checks.extend(images::checks());
    checks
}

pub fn evaluate<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    headings::evaluate(ctx, config, out);
    links::evaluate(ctx, config, out);
    images::evaluate(ctx, config, out);
}

/// A heading as an `affected` reference: its level and text.
fn heading_ref(heading: &Heading) -> String {
    format!("H{}: {}", heading.level, heading.text)
}
