//! Site structure (seo-rules.md §3.4): orphan pages and click depth over the eligible pages.

use crate::Config;
use crate::util::{Ctx, examples, share_credit};
use siloq_sdk::prelude::*;

pub const ORPHAN: &str = "links.orphan";
pub const DEPTH: &str = "crawl.depth";

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            ORPHAN,
            Category::Structure,
            Severity::Medium,
            "Orphan pages",
        ),
        Check::new(
            DEPTH,
            Category::Structure,
            Severity::Low,
            "Pages deep in the site",
        ),
    ]
}

pub fn check(ctx: &Ctx<'_, impl SiteView>, config: &Config, out: &mut Report) {
    let e = ctx.eligible();
    if e.is_empty() {
        out.not_applicable(ORPHAN);
        out.not_applicable(DEPTH);
        return;
    }

    // No followed internal link from another page: the kernel's inlink count, and the edges themselves.
    let orphans: Vec<&str> = e
        .iter()
        .filter(|p| !p.is_homepage && !ctx.is_homepage(&p.url))
        .filter(|p| {
            p.inlinks == 0
                && !ctx
                    .edges
                    .iter()
                    .any(|l| l.follow && l.to == p.url && l.from != p.url)
        })
        .map(|p| p.url.as_str())
        .collect();
    if orphans.is_empty() {
        out.pass(ORPHAN);
    } else {
        let n = orphans.len();
        let message = if n == 1 {
            format!("No page links to {}.", orphans[0])
        } else {
            format!("No page links to {n} pages ({}).", examples(&orphans, 3))
        };
        let finding = out
            .partial(ORPHAN, share_credit(n, e.len()), message)
            .action("Link to it from related content or navigation, or retire it.")
            .detail("orphans", n)
            .detail("eligible", e.len())
            .detail("affected_total", n);
        for url in orphans {
            finding.affected(url);
        }
    }

    if !ctx.crawled() {
        out.not_applicable(DEPTH);
        return;
    }
    let deep: Vec<(&str, u32)> = e
        .iter()
        .filter_map(|p| {
            p.depth
                .filter(|d| *d > config.max_depth)
                .map(|d| (p.url.as_str(), d))
        })
        .collect();
    match deep.iter().max_by_key(|(_, d)| *d) {
        None => {
            out.pass(DEPTH);
        }
        Some((url, depth)) => {
            let n = deep.len();
            let finding = out
                .partial(
                    DEPTH,
                    share_credit(n, e.len()),
                    format!("{url} is {depth} clicks from the homepage."),
                )
                .action("Link important pages from higher-level pages.")
                .detail("deep_pages", n)
                .detail("max_depth", *depth)
                .detail("eligible", e.len())
                .detail("affected_total", n);
            for (url, _) in deep {
                finding.affected(url);
            }
        }
    }
}
