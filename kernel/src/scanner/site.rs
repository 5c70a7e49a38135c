//! Site-level judgement over the crawl (seo-rules §2.8, §4.4): the crawl's facts become a [`SiteSnapshot`] that
//! the site rules judge (`Runtime::judge_site`); the verdict's health replaces the page-only figure and its fired
//! findings become the scan's site issues.

use super::crawl::{Crawler, Via};
use super::report::SitePart;
use crate::db::ScanRow;
use crate::extensions::site::{
    Discovery, RobotsFacts, ScoredSitePage, SiteEdge, SiteFetch, SiteInfo, SiteKind, SitePage,
    SiteSnapshot, SitemapFacts, crawl_eligible,
};
use crate::http::AppState;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

const CATEGORIES: [&str; 5] = ["technical", "content", "structure", "performance", "onpage"];
const MAX_URLS: usize = 10;

/// Judges the site; `None` when no site rule applied.
pub async fn judge(
    state: &AppState,
    scan: &ScanRow,
    crawler: &Crawler<'_>,
    pages: &[Value],
) -> Option<SitePart> {
    let snapshot = snapshot(scan, crawler, pages);
    let scored: Vec<ScoredSitePage> = pages
        .iter()
        .filter_map(|p| serde_json::from_value(p["scored"].clone()).ok())
        .collect();
    let verdict = state.extensions.judge_site(snapshot, scored).await;
    // No site rule applied (none in the ruleset, or the runtime is off): the scan is scored from its pages.
    if verdict.findings.is_empty() {
        return None;
    }
    if verdict.degraded {
        tracing::info!(
            scan_id = scan.id,
            diagnostics = verdict.diagnostics.len(),
            "site judged with degraded results"
        );
    }
    let mut b = [None; 5];
    for (c, slot) in b.iter_mut().enumerate() {
        let weighted: Vec<_> = verdict
            .findings
            .iter()
            .filter(|f| f.category == CATEGORIES[c] && f.weight > 0.0)
            .collect();
        let total: f64 = weighted.iter().map(|f| f.weight).sum();
        if total > 0.0 {
            *slot = Some(100.0 * weighted.iter().map(|f| f.weight * f.credit).sum::<f64>() / total);
        }
    }
    let mut issues = Vec::new();
    let mut recommendations = Vec::new();
    for f in verdict
        .findings
        .iter()
        .filter(|f| f.fired() && f.weight > 0.0)
    {
        let impact = (f.impact * 100.0).round() / 100.0;
        let mut details: Map<String, Value> = f.details.clone();
        let affected = details
            .get("affected_total")
            .and_then(Value::as_u64)
            .unwrap_or(f.affected.len() as u64);
        details.insert("affected_pages".into(), json!(affected));
        details.insert(
            "urls".into(),
            json!(f.affected.iter().take(MAX_URLS).collect::<Vec<_>>()),
        );
        issues.push(json!({"type": f.check, "category": f.category, "severity": f.severity, "message": f.message,
            "points_lost": impact, "details": details}));
        let priority = match f.severity.as_str() {
            "critical" | "high" => "high",
            "medium" => "medium",
            _ => "low",
        };
        recommendations.push(json!({"type": f.check, "category": f.category, "priority": priority, "message": f.message,
            "issue": f.message, "action": f.action.clone().unwrap_or_default(), "impact": impact, "affected_pages": affected}));
    }
    let categories: Map<String, Value> = CATEGORIES
        .iter()
        .map(|c| {
            (
                (*c).to_string(),
                json!(verdict.health.category_scores.get(*c).copied().flatten()),
            )
        })
        .collect();
    Some(SitePart {
        categories: b,
        issues,
        recommendations,
        cap: None,
        health: Some((verdict.health.score, Value::Object(categories))),
    })
}

fn snapshot(scan: &ScanRow, crawler: &Crawler<'_>, pages: &[Value]) -> SiteSnapshot {
    let crawl = &crawler.crawl;
    let rules = crawler.robots();
    let homepage = crawl.final_url.clone().unwrap_or_else(|| scan.url.clone());
    let origin = url::Url::parse(&homepage)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    // Final URL of every requested URL, to resolve link targets through redirects.
    let resolved: BTreeMap<&str, &str> = crawl
        .fetches
        .iter()
        .filter_map(|f| f.final_url.as_deref().map(|to| (f.url.as_str(), to)))
        .collect();
    let in_sitemap: BTreeSet<String> = crawl
        .sitemaps
        .iter()
        .filter(|s| s.root == "urlset")
        .flat_map(|s| s.entries.iter())
        .filter_map(|e| url::Url::parse(e).ok().map(|u| super::crawl::normalize(&u)))
        .collect();
    let depth: BTreeMap<&str, u32> = crawl
        .fetches
        .iter()
        .filter(|f| f.via != Some(Via::Sitemap))
        .filter_map(|f| f.final_url.as_deref().map(|u| (u, f.depth)))
        .collect();
    let mut edges = Vec::new();
    for page in pages {
        let from = page["url"].as_str().unwrap_or("").to_string();
        for link in page["links"].as_array().into_iter().flatten() {
            let to = link["to"].as_str().unwrap_or("");
            edges.push(SiteEdge {
                from: from.clone(),
                to: resolved.get(to).copied().unwrap_or(to).to_string(),
                text: link["text"].as_str().unwrap_or("").to_string(),
                follow: link["follow"].as_bool().unwrap_or(true),
                in_main: link["in_main"].as_bool().unwrap_or(false),
            });
        }
    }
    let site_pages = pages
        .iter()
        .map(|p| {
            let url = p["url"].as_str().unwrap_or("").to_string();
            let status = p["status_code"].as_u64().unwrap_or(0) as u16;
            let canonicals: Vec<String> = p["canonicals"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect();
            let index_gate = p["index_gate"] == json!(true);
            let noindex = p["issues"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|i| i["type"] == "index.noindex");
            let eligible = if scan.scan_type == "quick" {
                (200..300).contains(&status)
            } else {
                crawl_eligible(status, index_gate, &url, &canonicals)
            };
            let inlinks = edges
                .iter()
                .filter(|e| e.follow && e.to == url && e.from != url)
                .count() as u32;
            let non_empty = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
            SitePage {
                status,
                eligible,
                noindex,
                googlebot_disallowed: !rules.allows_googlebot(&url),
                canonicals,
                lang: non_empty(&p["language"]),
                title: non_empty(&p["title_folded"]),
                description: non_empty(&p["description_folded"]),
                text_hash: (p["char_count_main"].as_u64().unwrap_or(0) > 0)
                    .then(|| p["text_hash"].as_str().unwrap_or("").to_string()),
                char_count_main: p["char_count_main"].as_u64().unwrap_or(0) as u32,
                depth: depth.get(url.as_str()).copied(),
                inlinks,
                in_sitemap: in_sitemap.contains(&url),
                is_homepage: p["is_homepage"] == json!(true),
                provisional: false,
                url,
            }
        })
        .collect();
    let fetches = crawl
        .fetches
        .iter()
        .map(|f| SiteFetch {
            url: f.url.clone(),
            via: match f.via {
                Some(Via::Link) => Discovery::Link,
                Some(Via::Sitemap) => Discovery::Sitemap,
                _ => Discovery::Seed,
            },
            first_status: f.first_status,
            final_url: f.final_url.clone(),
            final_status: f.final_status,
            redirects: f.redirects,
            timed_out: f.timed_out,
            siloq_disallowed: f.disallowed,
            googlebot_disallowed: f.disallowed_googlebot,
        })
        .collect();
    // Line validation (seo-rules §3.1 `site.robots_txt.invalid`) belongs to the site-rule runtime; the crawl
    // hands over the body and the `Sitemap:` values it read.
    let robots_txt = crawl.robots.as_ref().map(|r| RobotsFacts {
        status: r.status,
        timed_out: r.timed_out,
        body: r.body.clone().unwrap_or_default(),
        errors: Vec::new(),
        sitemaps: rules.sitemaps(),
    });
    let sitemaps = crawl
        .sitemaps
        .iter()
        .map(|s| SitemapFacts {
            url: s.url.clone(),
            status: s.status,
            timed_out: s.parse_error.as_deref() == Some("timeout"),
            parse_error: s.parse_error.clone(),
            root: (!s.root.is_empty()).then(|| s.root.clone()),
            url_count: s.url_count as u32,
            uncompressed_bytes: s.uncompressed_bytes as u64,
            entries: s.entries.clone(),
        })
        .collect();
    SiteSnapshot {
        info: SiteInfo {
            origin,
            homepage_url: homepage,
            kind: if scan.scan_type == "quick" {
                SiteKind::QuickScan
            } else {
                SiteKind::Crawl
            },
            page_limit: Some(scan.max_pages.max(1) as u32),
            cut_short: crawl.cut_short || !crawl.frontier.is_empty(),
        },
        pages: site_pages,
        fetches,
        edges,
        robots_txt,
        sitemaps,
        probes: Vec::new(),
    }
}
