//! XML sitemaps (seo-rules.md §3.1): none found, an invalid file, and listed URLs that should not be listed.

use crate::Config;
use crate::util::{Ctx, examples, host, path_and_query, share_credit};
use siloq_sdk::prelude::*;
use std::collections::BTreeSet;

pub const MISSING: &str = "site.sitemap.missing";
pub const INVALID: &str = "site.sitemap.invalid";
pub const BAD_URLS: &str = "site.sitemap.bad_urls";

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            MISSING,
            Category::Technical,
            Severity::Medium,
            "No XML sitemap",
        ),
        Check::new(
            INVALID,
            Category::Technical,
            Severity::Medium,
            "Invalid XML sitemap",
        ),
        Check::new(
            BAD_URLS,
            Category::Technical,
            Severity::High,
            "Sitemap lists bad URLs",
        ),
    ]
}

/// Why a found sitemap is invalid, if it is.
fn problem(s: &siloq_sdk::site::SitemapFacts, config: &Config) -> Option<String> {
    if let Some(e) = &s.parse_error {
        return Some(format!("it does not parse as XML: {e}"));
    }
    match s.root.as_deref() {
        Some("urlset" | "sitemapindex") => {}
        Some(other) => return Some(format!("its root element is <{other}>")),
        None => return Some("it has no root element".into()),
    }
    if s.url_count > config.sitemap_max_urls {
        return Some(format!("it lists {} URLs", s.url_count));
    }
    if s.uncompressed_bytes > config.sitemap_max_bytes {
        return Some(format!(
            "it has {} bytes uncompressed",
            s.uncompressed_bytes
        ));
    }
    None
}

pub fn check(ctx: &Ctx<'_, impl SiteView>, config: &Config, out: &mut Report) {
    if !ctx.crawled() {
        for id in [MISSING, INVALID, BAD_URLS] {
            out.not_applicable(id);
        }
        return;
    }
    let found: Vec<_> = ctx.found_sitemaps().collect();
    if found.is_empty() {
        out.fail(MISSING, "No XML sitemap was found.")
            .action("Publish a sitemap (WordPress or the SEO plugin generates one) and list it in robots.txt.")
            .detail("tried", ctx.sitemaps.len());
        out.not_applicable(INVALID);
        out.not_applicable(BAD_URLS);
        return;
    }
    out.pass(MISSING);

    let invalid: Vec<(&str, String)> = found
        .iter()
        .filter_map(|s| problem(s, config).map(|p| (s.url.as_str(), p)))
        .collect();
    match invalid.first() {
        None => {
            out.pass(INVALID);
        }
        Some((url, reason)) => {
            let finding = out
                .fail(INVALID, format!("The sitemap {url} is invalid ({reason})."))
                .action("Regenerate it; split large sitemaps with a sitemap index.")
                .detail("invalid_files", invalid.len())
                .detail("affected_total", invalid.len());
            for (url, _) in &invalid {
                finding.affected(*url);
            }
        }
    }

    // Same-site URLs listed in valid urlset files, each once, in file order.
    let own = host(&ctx.info.origin);
    let mut seen = BTreeSet::new();
    let listed: Vec<&str> = found
        .iter()
        .filter(|s| problem(s, config).is_none() && s.root.as_deref() == Some("urlset"))
        .flat_map(|s| s.entries.iter())
        .map(String::as_str)
        .filter(|u| own.is_some() && host(u) == own)
        .filter(|u| seen.insert(*u))
        .collect();
    let mut checked = 0usize;
    let mut bad: Vec<&str> = Vec::new();
    for url in listed {
        let disallowed = !ctx.allows(&config.googlebot, &path_and_query(url));
        let fetch = ctx.fetches.iter().find(|f| f.url == url);
        if !disallowed && fetch.is_none_or(|f| f.siloq_disallowed) {
            continue; // not checked: beyond the page limit, or off limits to Siloq's crawler
        }
        checked += 1;
        let page = fetch
            .and_then(|f| f.final_url.as_deref())
            .and_then(|final_url| ctx.pages.iter().find(|p| p.url == final_url));
        let is_bad = disallowed
            || fetch.is_some_and(|f| f.first_status != Some(200))
            || page.is_some_and(|p| {
                p.noindex || p.googlebot_disallowed || p.canonicals.iter().any(|c| *c != p.url)
            });
        if is_bad {
            bad.push(url);
        }
    }
    if checked == 0 {
        out.not_applicable(BAD_URLS);
    } else if bad.is_empty() {
        out.pass(BAD_URLS);
    } else {
        let n = bad.len();
        let finding = out
            .partial(
                BAD_URLS,
                share_credit(n, checked),
                format!(
                    "{n} of {checked} sitemap URLs should not be listed ({}).",
                    examples(&bad, 3)
                ),
            )
            .action("List only live, indexable, canonical URLs.")
            .detail("bad", n)
            .detail("checked", checked)
            .detail("affected_total", n);
        for url in bad {
            finding.affected(url);
        }
    }
}
