//! Fetch errors and indexing conflicts (seo-rules.md §3.1): `site.error_pages` over every internal URL the crawl
//! fetched, `index.noindex_conflict` over every URL excluded from search.

use crate::Config;
use crate::util::{Ctx, examples, path_and_query, share_credit};
use siloq_sdk::prelude::*;
use std::collections::BTreeSet;

pub const ERROR_PAGES: &str = "site.error_pages";
pub const NOINDEX_CONFLICT: &str = "index.noindex_conflict";

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            ERROR_PAGES,
            Category::Technical,
            Severity::High,
            "Internal URLs return errors",
        ),
        Check::new(
            NOINDEX_CONFLICT,
            Category::Technical,
            Severity::High,
            "Excluded URL is linked as important",
        ),
    ]
}

pub fn check(ctx: &Ctx<'_, impl SiteView>, config: &Config, out: &mut Report) {
    error_pages(ctx, out);
    noindex_conflict(ctx, config, out);
}

fn error_pages(ctx: &Ctx<'_, impl SiteView>, out: &mut Report) {
    // URLs Siloq's crawler may not fetch are not counted; robots.txt and sitemap files are not in `fetches`.
    let fetched: Vec<_> = ctx.fetches.iter().filter(|f| !f.siloq_disallowed).collect();
    if fetched.is_empty() {
        out.not_applicable(ERROR_PAGES);
        return;
    }
    let errors: Vec<&str> = fetched
        .iter()
        .filter(|f| f.timed_out || f.final_status.is_none_or(|s| s >= 400))
        .map(|f| f.url.as_str())
        .collect();
    if errors.is_empty() {
        out.pass(ERROR_PAGES);
        return;
    }
    let (n, m) = (errors.len(), fetched.len());
    let finding = out
        .partial(
            ERROR_PAGES,
            share_credit(n, m),
            format!(
                "{n} of {m} internal URLs return errors ({}).",
                examples(&errors, 3)
            ),
        )
        .action("Restore or redirect them, and fix the links and sitemap entries that lead there.")
        .detail("errors", n)
        .detail("fetched", m)
        .detail("affected_total", n);
    for url in errors {
        finding.affected(url);
    }
}

fn noindex_conflict(ctx: &Ctx<'_, impl SiteView>, config: &Config, out: &mut Report) {
    if ctx.pages.is_empty() && ctx.fetches.is_empty() {
        out.not_applicable(NOINDEX_CONFLICT);
        return;
    }
    // Excluded from search: noindex pages, and URLs robots.txt disallows for Googlebot.
    let mut excluded: BTreeSet<&str> = BTreeSet::new();
    for p in &ctx.pages {
        if p.noindex || p.googlebot_disallowed {
            excluded.insert(&p.url);
        }
    }
    for f in &ctx.fetches {
        if f.googlebot_disallowed {
            excluded.insert(&f.url);
        }
    }
    let listed: BTreeSet<&str> = ctx
        .found_sitemaps()
        .flat_map(|s| s.entries.iter().map(String::as_str))
        .collect();
    if ctx.robots.as_ref().is_some_and(|r| r.status == Some(200)) {
        for url in &listed {
            if !ctx.allows(&config.googlebot, &path_and_query(url)) {
                excluded.insert(*url);
            }
        }
    }
    let mut conflicts: Vec<(&str, &'static str)> = Vec::new();
    for url in excluded {
        let reason = if ctx.is_homepage(url) {
            "is the homepage"
        } else if listed.contains(url) {
            "is listed in the sitemap"
        } else if ctx
            .pages
            .iter()
            .any(|p| p.url != url && p.canonicals.iter().any(|c| c == url))
        {
            "is the canonical target of another page"
        } else {
            continue;
        };
        conflicts.push((url, reason));
    }
    let Some((url, reason)) = conflicts.first() else {
        out.pass(NOINDEX_CONFLICT);
        return;
    };
    let n = conflicts.len();
    let message = if n == 1 {
        format!("{url} is excluded from search, yet it {reason}.")
    } else {
        format!(
            "{url} is excluded from search, yet it {reason} ({} more URLs conflict).",
            n - 1
        )
    };
    let finding = out
        .fail(NOINDEX_CONFLICT, message)
        .action(
            "Decide whether the page should be indexed; then remove the noindex or Disallow, or take it out \
             of the sitemap and canonicals.",
        )
        .detail("conflicts", n)
        .detail("affected_total", n);
    for (url, _) in conflicts {
        finding.affected(url);
    }
}
