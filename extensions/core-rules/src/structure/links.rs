//! Link checks: internal and outbound links of the main region, link text, crawlability, development hosts,
//! link counts and the statuses of internal link targets.

use super::Config;
use super::urls::{self, HostPattern};
use crate::content::credit;
use crate::content::text::AffectedAll;
use crate::content::text::{examples, pl};
use crate::ctx::Ctx;
use crate::judge;
use serde::Deserialize;
use siloq_sdk::prelude::*;
use std::collections::BTreeMap;

const INTERNAL_NONE: &str = "links.internal.none";
const INTERNAL_ALL_NOFOLLOW: &str = "links.internal.all_nofollow";
const OUTBOUND_NONE: &str = "links.outbound.none";
const TEXT_GENERIC: &str = "links.text.generic";
const EMPTY_ANCHOR: &str = "links.empty_anchor";
const NOT_CRAWLABLE: &str = "links.not_crawlable";
const LOCALHOST: &str = "links.localhost";
const TOO_MANY: &str = "links.too_many";
const BROKEN_INTERNAL: &str = "links.broken_internal";
const TO_REDIRECT: &str = "links.to_redirect";
const DEAD_END: &str = "links.dead_end";

/// How many examples a message lists.
const EXAMPLES: usize = 3;

pub fn checks() -> Vec<Check> {
    use Capability::{FullDocument, LinkStatus};
    use Category::Structure;
    use Severity::*;
    vec![
        Check::new(
            INTERNAL_NONE,
            Structure,
            Medium,
            "No internal links in the content",
        ),
        Check::new(
            INTERNAL_ALL_NOFOLLOW,
            Structure,
            Medium,
            "All internal links are nofollow",
        ),
        Check::new(
            OUTBOUND_NONE,
            Structure,
            Low,
            "No outbound links in the content",
        ),
        Check::new(TEXT_GENERIC, Structure, Medium, "Vague link text"),
        Check::new(
            EMPTY_ANCHOR,
            Structure,
            Medium,
            "Links without readable text",
        ),
        Check::new(
            NOT_CRAWLABLE,
            Structure,
            Medium,
            "Links crawlers cannot follow",
        )
        .requires(FullDocument),
        Check::new(
            LOCALHOST,
            Structure,
            High,
            "Links to a development or private host",
        ),
        Check::new(TOO_MANY, Structure, Low, "Too many links").requires(FullDocument),
        Check::new(BROKEN_INTERNAL, Structure, High, "Broken internal links").requires(LinkStatus),
        Check::new(
            TO_REDIRECT,
            Structure,
            Low,
            "Internal links to redirecting URLs",
        )
        .requires(LinkStatus),
        Check::new(DEAD_END, Structure, Low, "Page links nowhere").requires(FullDocument),
    ]
}

fn is_web(link: &Link) -> bool {
    link.kind == LinkKind::Web
}

fn nofollow(link: &Link) -> bool {
    link.rel.iter().any(|r| r == "nofollow")
}

/// An `<a>` with an href attribute (the WIT gives an empty href for an `<a>` without one).
fn has_href(link: &Link) -> bool {
    !link.href.is_empty() || is_web(link)
}

/// The link as an `affected` reference.
fn link_ref(link: &Link) -> &str {
    link.href_abs
        .as_deref()
        .filter(|h| !h.is_empty())
        .unwrap_or(&link.href)
}

pub fn evaluate<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    if !ctx.flag("links") {
        for id in [
            INTERNAL_NONE,
            INTERNAL_ALL_NOFOLLOW,
            OUTBOUND_NONE,
            TEXT_GENERIC,
            EMPTY_ANCHOR,
            NOT_CRAWLABLE,
            LOCALHOST,
            TOO_MANY,
            BROKEN_INTERNAL,
            TO_REDIRECT,
            DEAD_END,
        ] {
            out.not_applicable(id);
        }
        return;
    }
    let links = ctx.links();
    let page = urls::normalize(&ctx.info().final_url.url);
    main_region(ctx, links, &page, out);
    text_generic(links, out);
    empty_anchor(ctx, links, out);
    localhost(ctx, config, links, out);
    targets(ctx, links, &page, out);
    if ctx.is_scan() {
        document(config, links, out);
    } else {
        for id in [NOT_CRAWLABLE, TOO_MANY, DEAD_END] {
            out.not_applicable(id);
        }
    }
}

/// `links.internal.none`, `links.internal.all_nofollow` and `links.outbound.none`: http(s) links of the
/// main region other than same-page fragments.
fn main_region<P: PageView>(ctx: &Ctx<'_, P>, links: &[Link], page: &str, out: &mut Report) {
    let in_main = || links.iter().filter(|l| l.in_main && is_web(l));
    // A link back to the page itself is not a link to another page.
    let internal: Vec<&Link> = in_main()
        .filter(|l| {
            l.internal
                && l.href_abs
                    .as_deref()
                    .is_none_or(|h| urls::normalize(h) != page)
        })
        .collect();
    let external = in_main().filter(|l| !l.internal).count();

    if ctx.flag("text") {
        judge!(
            out,
            INTERNAL_NONE,
            credit(!internal.is_empty()),
            "Add two or three contextual links to related pages.",
            "The content does not link to any other page on the site."
        )
        .detail("internal_links", internal.len());
        judge!(
            out,
            OUTBOUND_NONE,
            credit(external > 0),
            "Link to authoritative sources where they help the reader.",
            "The content does not cite any external source."
        )
        .detail("external_links", external);
    } else {
        out.not_applicable(INTERNAL_NONE);
        out.not_applicable(OUTBOUND_NONE);
    }

    if ctx.flag("markup") && !internal.is_empty() {
        let n = internal.len();
        let all = internal.iter().all(|l| nofollow(l));
        judge!(
            out,
            INTERNAL_ALL_NOFOLLOW,
            credit(!all),
            "Remove nofollow from links to your own pages.",
            "{}",
            if n == 1 {
                "The only internal link in the content is nofollow.".to_owned()
            } else {
                format!("All {n} internal links in the content are nofollow.")
            }
        )
        .detail("internal_links", n)
        .detail("nofollow", internal.iter().filter(|l| nofollow(l)).count());
    } else {
        out.not_applicable(INTERNAL_ALL_NOFOLLOW);
    }
}

/// `links.text.generic`: every link of the page (the whole document when scanned, the content otherwise)
/// with an href that leads somewhere, followed, whose text is on the generic list.
fn text_generic(links: &[Link], out: &mut Report) {
    if links.is_empty() {
        out.not_applicable(TEXT_GENERIC);
        return;
    }
    let generic: Vec<&Link> = links
        .iter()
        .filter(|l| {
            l.generic_text
                && has_href(l)
                && matches!(l.kind, LinkKind::Web | LinkKind::Other)
                && !nofollow(l)
        })
        .collect();
    let n = generic.len();
    let example = generic.first().map(|l| l.text.trim()).unwrap_or_default();
    judge!(
        out,
        TEXT_GENERIC,
        credit(n == 0),
        "Use link text that says where the link goes.",
        "{n} {} vague text such as \"{example}\".",
        pl(n, "link uses", "links use")
    )
    .detail("generic_links", n)
    .affected_all(generic.iter().map(|l| link_ref(l)));
}

/// `links.empty_anchor`: an `<a href>` without an accessible name.
fn empty_anchor<P: PageView>(ctx: &Ctx<'_, P>, links: &[Link], out: &mut Report) {
    let with_href = links.iter().filter(|l| has_href(l));
    if !ctx.flag("markup") || with_href.clone().next().is_none() {
        out.not_applicable(EMPTY_ANCHOR);
        return;
    }
    let empty: Vec<&Link> = with_href
        .filter(|l| l.accessible_name.trim().is_empty())
        .collect();
    let n = empty.len();
    judge!(
        out,
        EMPTY_ANCHOR,
        credit(n == 0),
        "Add text, an image alt or an aria-label to icon and image links.",
        "{n} {} no readable text.",
        pl(n, "link has", "links have")
    )
    .detail("empty_links", n)
    .affected_all(empty.iter().map(|l| link_ref(l)));
}

/// `links.localhost`: http(s) links to a development or private host.
fn localhost<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, links: &[Link], out: &mut Report) {
    if links.is_empty() {
        out.not_applicable(LOCALHOST);
        return;
    }
    let mut bad: Vec<(&Link, String)> = Vec::new();
    if links.iter().any(is_web) {
        let mut patterns: Vec<HostPattern> = config
            .dev_hosts
            .iter()
            .filter_map(|p| HostPattern::parse(p))
            .collect();
        patterns.extend(
            staging_hosts(ctx)
                .iter()
                .filter_map(|p| HostPattern::parse(p)),
        );
        for link in links.iter().filter(|l| is_web(l)) {
            let Some(host) = link.href_abs.as_deref().and_then(urls::host) else {
                continue;
            };
            let ip = urls::ip_of(&host);
            if patterns.iter().any(|p| p.matches(&host, ip)) {
                bad.push((link, host));
            }
        }
    }
    let n = bad.len();
    let mut hosts: Vec<&str> = bad.iter().map(|(_, h)| h.as_str()).collect();
    hosts.sort_unstable();
    hosts.dedup();
    let list = examples(hosts.iter().copied(), EXAMPLES);
    judge!(
        out,
        LOCALHOST,
        credit(n == 0),
        "Replace them with the live production URLs.",
        "{n} {} to a development or private host ({list}).",
        pl(n, "link points", "links point")
    )
    .detail("dev_links", n)
    .detail(
        "hosts",
        hosts
            .iter()
            .map(|h| (*h).to_owned())
            .collect::<Vec<String>>(),
    )
    .affected_all(bad.iter().map(|(l, _)| link_ref(l)));
}

/// The site's staging hosts (fact `analysis.site_settings`).
fn staging_hosts<P: PageView>(ctx: &Ctx<'_, P>) -> Vec<String> {
    #[derive(Deserialize)]
    struct SiteSettings {
        #[serde(default)]
        staging_hosts: Vec<String>,
    }
    ctx.page
        .fact("analysis.site_settings")
        .and_then(|json| serde_json::from_str::<SiteSettings>(&json).ok())
        .map(|s| s.staging_hosts)
        .unwrap_or_default()
}

/// What the link checks know about one internal target (fact `analysis.link_checks`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LinkCheck {
    first: Option<u16>,
    #[serde(rename = "final")]
    last: Option<u16>,
    timed_out: bool,
}

/// `links.broken_internal` and `links.to_redirect`: distinct internal targets (the page itself and fragments
/// excluded) with a known status.
fn targets<P: PageView>(ctx: &Ctx<'_, P>, links: &[Link], page: &str, out: &mut Report) {
    if !ctx.has(Capability::LinkStatus) {
        out.not_applicable(BROKEN_INTERNAL);
        out.not_applicable(TO_REDIRECT);
        return;
    }
    // Distinct targets in document order, with the first status the link list carries.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut distinct: Vec<(String, Option<u16>)> = Vec::new();
    for link in links.iter().filter(|l| is_web(l) && l.internal) {
        let Some(href) = link.href_abs.as_deref() else {
            continue;
        };
        let target = urls::normalize(href);
        if target == page {
            continue;
        }
        match seen.get(&target) {
            Some(&i) => {
                let status = &mut distinct[i].1;
                *status = status.or(link.target_status);
            }
            None => {
                seen.insert(target.clone(), distinct.len());
                distinct.push((target, link.target_status));
            }
        }
    }
    let checks: BTreeMap<String, LinkCheck> = if distinct.is_empty() {
        BTreeMap::new()
    } else {
        ctx.page
            .fact("analysis.link_checks")
            .and_then(|json| serde_json::from_str::<BTreeMap<String, LinkCheck>>(&json).ok())
            .map(|m| {
                m.into_iter()
                    .map(|(url, check)| (urls::normalize(&url), check))
                    .collect()
            })
            .unwrap_or_default()
    };

    let mut known = 0usize;
    let mut broken: Vec<&str> = Vec::new();
    let mut redirecting: Vec<&str> = Vec::new();
    for (target, status) in &distinct {
        let check = checks.get(target);
        let first = check.and_then(|c| c.first).or(*status);
        let timed_out = check.is_some_and(|c| c.timed_out) || first == Some(0);
        if first.is_none() && !timed_out {
            continue;
        }
        known += 1;
        let redirect = first.is_some_and(|s| (300..400).contains(&s));
        // Without the final status, a redirect's outcome is unknown: it counts as a redirect only.
        let last = check
            .and_then(|c| c.last)
            .or(if redirect { None } else { first });
        if timed_out || last.is_some_and(|s| (400..600).contains(&s)) {
            broken.push(target);
        }
        if redirect {
            redirecting.push(target);
        }
    }
    if known == 0 {
        out.not_applicable(BROKEN_INTERNAL);
        out.not_applicable(TO_REDIRECT);
        return;
    }
    let n = broken.len();
    let list = examples(broken.iter().copied(), EXAMPLES);
    judge!(
        out,
        BROKEN_INTERNAL,
        credit(n == 0),
        "Fix or remove them; redirect dead URLs that still get visits.",
        "{n} internal {} broken ({list}).",
        pl(n, "link is", "links are")
    )
    .detail("broken_targets", n)
    .detail("checked_targets", known)
    .affected_all(broken.iter().copied());
    let n = redirecting.len();
    let list = examples(redirecting.iter().copied(), EXAMPLES);
    judge!(
        out,
        TO_REDIRECT,
        credit(n == 0),
        "Link straight to the final URL.",
        "{n} internal {} ({list}).",
        pl(
            n,
            "link points at a URL that redirects",
            "links point at URLs that redirect"
        )
    )
    .detail("redirecting_targets", n)
    .detail("checked_targets", known)
    .affected_all(redirecting.iter().copied());
}

/// Whole-document checks of a scanned page: `links.not_crawlable`, `links.too_many`, `links.dead_end`.
fn document(config: &Config, links: &[Link], out: &mut Report) {
    if links.is_empty() {
        out.not_applicable(NOT_CRAWLABLE);
    } else {
        let blocked: Vec<&Link> = links.iter().filter(|l| !l.crawlable).collect();
        let n = blocked.len();
        let shown = |l: &&Link| -> String {
            if l.href.is_empty() {
                "onclick without href".to_owned()
            } else {
                l.href.clone()
            }
        };
        let list = examples(
            blocked
                .iter()
                .map(shown)
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
            EXAMPLES,
        );
        judge!(
            out,
            NOT_CRAWLABLE,
            credit(n == 0),
            "Use real href URLs instead of javascript:, file: links or click handlers.",
            "{n} {} be followed by crawlers ({list}).",
            pl(n, "link cannot", "links cannot")
        )
        .detail("uncrawlable_links", n)
        .affected_all(blocked.iter().map(shown));
    }

    let n = links.iter().filter(|l| has_href(l)).count();
    judge!(
        out,
        TOO_MANY,
        credit(n <= config.max_links as usize),
        "Trim long navigation and footer lists; keep the links that matter.",
        "The page has {n} links."
    )
    .detail("links", n)
    .detail("max_links", config.max_links);

    let web = links.iter().filter(|l| is_web(l)).count();
    judge!(
        out,
        DEAD_END,
        credit(web > 0),
        "Add navigation or links to related pages.",
        "This page does not link anywhere."
    )
    .detail("web_links", web);
}
