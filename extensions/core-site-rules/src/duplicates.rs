//! Duplicates across the eligible pages (seo-rules.md §3.2, §3.3): titles and descriptions (folded, grouped per
//! declared language) and main text (by the kernel's hash of the folded text). Credit = 1 − affected / |E|.

use crate::Config;
use crate::util::{Ctx, share_credit};
use siloq_sdk::FindingBuilder;
use siloq_sdk::prelude::*;
use siloq_sdk::site::SitePage;
use std::collections::BTreeMap;

pub const TITLE: &str = "meta.title.duplicate";
pub const DESCRIPTION: &str = "meta.description.duplicate";
pub const CONTENT: &str = "content.duplicate";

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            TITLE,
            Category::Onpage,
            Severity::Medium,
            "Duplicate titles",
        ),
        Check::new(
            DESCRIPTION,
            Category::Onpage,
            Severity::Medium,
            "Duplicate meta descriptions",
        ),
        Check::new(
            CONTENT,
            Category::Content,
            Severity::High,
            "Duplicate content",
        ),
    ]
}

/// Groups of two or more pages sharing a key, in order of their first page.
fn groups<'p>(
    pages: &[&'p SitePage],
    key: impl Fn(&SitePage) -> Option<String>,
) -> Vec<(String, Vec<&'p SitePage>)> {
    let mut by_key: BTreeMap<String, Vec<&SitePage>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for p in pages {
        if let Some(k) = key(p) {
            if !by_key.contains_key(&k) {
                order.push(k.clone());
            }
            by_key.entry(k).or_default().push(p);
        }
    }
    order
        .into_iter()
        .filter_map(|k| {
            let members = by_key.remove(&k)?;
            (members.len() > 1).then_some((k, members))
        })
        .collect()
}

fn lang(p: &SitePage) -> String {
    p.lang.as_deref().unwrap_or("").to_ascii_lowercase()
}

pub fn check(ctx: &Ctx<'_, impl SiteView>, config: &Config, out: &mut Report) {
    let e = ctx.eligible();
    if e.len() < 2 {
        for id in [TITLE, DESCRIPTION, CONTENT] {
            out.not_applicable(id);
        }
        return;
    }

    let titles = groups(&e, |p| {
        p.title
            .as_ref()
            .filter(|t| !t.is_empty())
            .map(|t| format!("{}\u{0}{t}", lang(p)))
    });
    if let Some(f) = report(out, TITLE, &titles, e.len(), |group| {
        let title = group.0.split('\u{0}').nth(1).unwrap_or("");
        format!("{} pages share the title \"{title}\".", group.1.len())
    }) {
        f.action("Give each page its own title.");
    }

    let descriptions = groups(&e, |p| {
        p.description
            .as_ref()
            .filter(|d| !d.is_empty())
            .map(|d| format!("{}\u{0}{d}", lang(p)))
    });
    if let Some(f) = report(out, DESCRIPTION, &descriptions, e.len(), |group| {
        format!("{} pages share the same meta description.", group.1.len())
    }) {
        f.action("Write a description for each page.");
    }

    let texts = groups(&e, |p| {
        p.text_hash
            .clone()
            .filter(|h| !h.is_empty() && p.char_count_main >= config.duplicate_min_chars)
    });
    if let Some(f) = report(out, CONTENT, &texts, e.len(), |group| {
        format!(
            "The main text of {} is identical to {}.",
            group.1[0].url, group.1[1].url
        )
    }) {
        f.action(
            "Consolidate: redirect or canonicalise one page to the other, or rewrite one of them.",
        );
    }
}

/// Reports one duplicate check; the message describes the first group.
fn report<'r>(
    out: &'r mut Report,
    id: &str,
    groups: &[(String, Vec<&SitePage>)],
    eligible: usize,
    message: impl Fn(&(String, Vec<&SitePage>)) -> String,
) -> Option<&'r mut FindingBuilder> {
    let Some(first) = groups.first() else {
        out.pass(id);
        return None;
    };
    let affected: Vec<&str> = groups
        .iter()
        .flat_map(|(_, pages)| pages.iter().map(|p| p.url.as_str()))
        .collect();
    let finding = out
        .partial(id, share_credit(affected.len(), eligible), message(first))
        .detail("groups", groups.len())
        .detail("eligible", eligible)
        .detail("affected_total", affected.len());
    for url in affected {
        finding.affected(url);
    }
    Some(finding)
}
