//! Site health (seo-rules.md §2.8) and the site view of impact (§2.9), exactly: the analysed pages carry their base
//! score `P` and capped value, so the cap factor `f_p = capped_p / P_p` is exact here (the synced-site overview in
//! `crate::sites::health` has to reconstruct it from stored, rounded values).
//!
//! Arithmetic is `f64` throughout; sums run in ascending category or check-id order; only the health, the category
//! values and the wire impact are rounded.

use super::model::{
    ScoredSitePage, SiteFinding, SiteHealth, SiteKind, SiteRecommendation, SiteSnapshot,
};
use crate::scoring::{self, Category};
use std::collections::{BTreeMap, HashMap, HashSet};

/// `α_c`: the page part's share of a category when the site part exists too.
pub const PAGE_PART_SHARE: f64 = 0.7;
/// `top_issues` keeps this many recommendations.
pub const TOP_ISSUES: usize = 10;

/// One value per category, in [`Category::ALL`] order.
type PerCategory = [Option<f64>; 5];

fn index(c: Category) -> usize {
    Category::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

/// The eligible set E (§2.8 step 1) as the scanner marked it in the snapshot: a scored page counts when its
/// snapshot page is eligible and not provisional. A scored page missing from the snapshot counts when it fired
/// no gate and is published.
pub fn eligible<'a>(
    snapshot: &SiteSnapshot,
    pages: &'a [ScoredSitePage],
) -> Vec<&'a ScoredSitePage> {
    let marked: HashMap<&str, bool> = snapshot
        .pages
        .iter()
        .map(|p| (p.url.as_str(), p.eligible && !p.provisional))
        .collect();
    let mut seen = HashSet::new();
    pages
        .iter()
        .filter(|p| !p.provisional && seen.insert(p.url.as_str()))
        .filter(|p| match marked.get(p.url.as_str()) {
            Some(e) => *e,
            None => !p.index_gate && !p.hard_failure,
        })
        .collect()
}

/// `A_c`: the mean over E of the effective category scores `f_p · S_{c,p}`, skipping pages where `c` is N/A.
pub fn page_part(e: &[&ScoredSitePage]) -> PerCategory {
    Category::ALL.map(|c| {
        let scores: Vec<f64> = e
            .iter()
            .filter_map(|p| {
                let factor = if p.base == 0.0 {
                    1.0
                } else {
                    p.capped / p.base
                };
                p.categories
                    .get(c.id())
                    .copied()
                    .flatten()
                    .map(|s| factor * s)
            })
            .collect();
        (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
    })
}

/// `B_c`: the §2.4 formula over the applicable weighted site findings of `c` (in check-id order).
pub fn site_part(findings: &[SiteFinding]) -> PerCategory {
    Category::ALL.map(|c| {
        let (earned, total) = findings
            .iter()
            .filter(|f| f.category == c.id() && f.weight > 0.0)
            .fold((0.0, 0.0), |(e, t), f| {
                (e + f.weight * f.credit, t + f.weight)
            });
        (total > 0.0).then(|| 100.0 * earned / total)
    })
}

fn shares(c: usize, a: &PerCategory, b: &PerCategory) -> (f64, f64) {
    match (a[c], b[c]) {
        (Some(_), Some(_)) => (PAGE_PART_SHARE, 1.0 - PAGE_PART_SHARE),
        _ => (1.0, 1.0),
    }
}

fn priority(severity: &str) -> &'static str {
    match severity {
        "critical" | "high" => "high",
        "medium" => "medium",
        _ => "low",
    }
}

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        _ => 3,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Computes the health of a site and the impact of every site finding (written into `findings`).
pub fn health(
    snapshot: &SiteSnapshot,
    pages: &[ScoredSitePage],
    findings: &mut [SiteFinding],
) -> SiteHealth {
    let e = eligible(snapshot, pages);
    let a = page_part(&e);
    let b = site_part(findings);
    let h: PerCategory = std::array::from_fn(|c| match (a[c], b[c]) {
        (Some(a), Some(b)) => Some(PAGE_PART_SHARE * a + (1.0 - PAGE_PART_SHARE) * b),
        (a, b) => a.or(b),
    });
    let total_weight: f64 = Category::ALL
        .iter()
        .filter(|c| h[index(**c)].is_some())
        .map(|c| c.weight())
        .sum();
    let uncapped = if total_weight > 0.0 {
        Category::ALL
            .iter()
            .filter_map(|c| h[index(*c)].map(|v| c.weight() * v))
            .sum::<f64>()
            / total_weight
    } else {
        0.0
    };

    // Caps (§2.8 step 7).
    let fired = |id: &str| findings.iter().any(|f| f.check == id && f.fired());
    let homepage_url = snapshot
        .pages
        .iter()
        .find(|p| p.is_homepage)
        .map_or(snapshot.info.homepage_url.as_str(), |p| p.url.as_str());
    let homepage = pages.iter().find(|p| p.url == homepage_url);
    let quick_page = (snapshot.info.kind == SiteKind::QuickScan)
        .then(|| pages.first())
        .flatten();
    let crawl = snapshot.info.kind != SiteKind::Synced;
    let mut ceiling = f64::INFINITY;
    // The homepage hard-failed: its pipeline said so, or it never answered 2xx (no analysed page).
    let homepage_failed = crawl
        && match homepage {
            Some(p) => p.hard_failure,
            None => snapshot.fetches.iter().any(|f| {
                f.url == snapshot.info.homepage_url
                    && (f.timed_out || f.final_status.is_none_or(|s| s >= 400))
            }),
        };
    if homepage_failed || quick_page.is_some_and(|p| p.hard_failure) {
        ceiling = 0.0;
    }
    if fired("site.robots_txt.blocks_all") || homepage.is_some_and(|p| p.index_gate) {
        ceiling = ceiling.min(20.0);
    }
    if fired("site.robots_txt.unreachable") {
        ceiling = ceiling.min(40.0);
    }
    let capped = uncapped.min(ceiling);
    let nothing = e.is_empty() && b.iter().all(Option::is_none);
    let score = if nothing {
        0
    } else {
        scoring::round_half_up(capped).clamp(0, 100)
    };

    // Impact of the site findings (§2.9, site rule).
    for f in findings.iter_mut() {
        f.impact = 0.0;
    }
    let category_totals: BTreeMap<String, f64> =
        findings
            .iter()
            .filter(|f| f.weight > 0.0)
            .fold(BTreeMap::new(), |mut m, f| {
                *m.entry(f.category.clone()).or_insert(0.0) += f.weight;
                m
            });
    for f in findings.iter_mut().filter(|f| f.fired() && f.weight > 0.0) {
        let Some(c) = Category::from_id(&f.category) else {
            continue;
        };
        let sum_w = category_totals.get(&f.category).copied().unwrap_or(0.0);
        if sum_w == 0.0 || total_weight == 0.0 {
            continue;
        }
        let (_, beta) = shares(index(c), &a, &b);
        f.impact = (c.weight() / total_weight) * beta * 100.0 * f.weight * (1.0 - f.credit) / sum_w;
    }

    // Recommendations: fired site rules, and page rules aggregated over E (§2.9, page rule).
    let mut recs: Vec<(SiteRecommendation, f64, String)> = findings
        .iter()
        .filter(|f| f.fired() && f.weight > 0.0)
        .map(|f| {
            (
                SiteRecommendation {
                    check: f.check.clone(),
                    category: f.category.clone(),
                    priority: priority(&f.severity).into(),
                    message: f.message.clone(),
                    action: f
                        .action
                        .clone()
                        .unwrap_or_else(|| "Review this issue.".into()),
                    impact: round1(f.impact),
                    scope: "site".into(),
                },
                f.impact,
                f.severity.clone(),
            )
        })
        .collect();
    let mut by_check: BTreeMap<&str, Vec<&super::model::ScoredPageIssue>> = BTreeMap::new();
    for p in &e {
        for i in &p.issues {
            by_check.entry(i.check.as_str()).or_default().push(i);
        }
    }
    for (check, issues) in by_check {
        let first = issues[0];
        let alpha = Category::from_id(&first.category).map_or(1.0, |c| shares(index(c), &a, &b).0);
        let impact = alpha * issues.iter().map(|i| i.points_lost).sum::<f64>() / e.len() as f64;
        let message = if issues.len() == 1 {
            first.message.clone()
        } else {
            format!("{} (on {} pages)", first.message, issues.len())
        };
        recs.push((
            SiteRecommendation {
                check: check.to_string(),
                category: first.category.clone(),
                priority: priority(&first.severity).into(),
                message,
                action: first
                    .action
                    .clone()
                    .unwrap_or_else(|| "Review this issue.".into()),
                impact: round1(impact),
                scope: "page".into(),
            },
            impact,
            first.severity.clone(),
        ));
    }
    recs.sort_by(|(ra, ia, sa), (rb, ib, sb)| {
        ib.total_cmp(ia)
            .then(severity_rank(sa).cmp(&severity_rank(sb)))
            .then(ra.check.cmp(&rb.check))
    });

    // Counts.
    let mut issues_by_severity: BTreeMap<String, u64> = ["critical", "high", "medium", "low"]
        .iter()
        .map(|s| (s.to_string(), 0))
        .collect();
    for i in e.iter().flat_map(|p| &p.issues) {
        *issues_by_severity.entry(i.severity.clone()).or_insert(0) += 1;
    }
    for f in findings.iter().filter(|f| f.fired() && f.weight > 0.0) {
        *issues_by_severity.entry(f.severity.clone()).or_insert(0) += 1;
    }
    let clean = e
        .iter()
        .filter(|p| {
            !p.issues
                .iter()
                .any(|i| matches!(i.severity.as_str(), "critical" | "high"))
        })
        .count();
    SiteHealth {
        score,
        grade: scoring::grade(score).into(),
        status_band: match score {
            80.. => "good",
            50..=79 => "needs_work",
            _ => "poor",
        }
        .into(),
        raw: capped.max(0.0),
        category_scores: Category::ALL
            .iter()
            .map(|c| {
                (
                    c.id().to_string(),
                    h[index(*c)].map(|v| scoring::round_half_up(v).clamp(0, 100)),
                )
            })
            .collect(),
        clean_pages: if e.is_empty() {
            0.0
        } else {
            clean as f64 / e.len() as f64
        },
        total_issues: issues_by_severity.values().sum(),
        issues_by_severity,
        pages_scored: e.len() as u64,
        mean_page_score: (!e.is_empty())
            .then(|| e.iter().map(|p| p.score as f64).sum::<f64>() / e.len() as f64),
        top_issues: recs
            .into_iter()
            .take(TOP_ISSUES)
            .map(|(r, _, _)| r)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extensions::site::model::{ScoredPageIssue, SitePage};

    fn finding(
        check: &str,
        category: &str,
        severity: &str,
        weight: f64,
        credit: f64,
    ) -> SiteFinding {
        SiteFinding {
            check: check.into(),
            category: category.into(),
            severity: severity.into(),
            credit,
            weight,
            message: format!("{check} fired."),
            ..SiteFinding::default()
        }
    }

    fn page(url: &str, score: i64, base: f64, capped: f64, cats: &[(&str, f64)]) -> ScoredSitePage {
        ScoredSitePage {
            url: url.into(),
            score,
            base,
            capped,
            categories: cats
                .iter()
                .map(|(c, v)| (c.to_string(), Some(*v)))
                .collect(),
            ..ScoredSitePage::default()
        }
    }

    fn snapshot(pages: &[&ScoredSitePage]) -> SiteSnapshot {
        SiteSnapshot {
            pages: pages
                .iter()
                .map(|p| SitePage {
                    url: p.url.clone(),
                    eligible: !p.index_gate && !p.hard_failure,
                    is_homepage: p.url.ends_with(".example/"),
                    ..SitePage::default()
                })
                .collect(),
            ..SiteSnapshot::default()
        }
    }

    /// seo-rules.md §2.10 example 4, to the decimal.
    #[test]
    fn worked_example_4() {
        let cats = [
            ("technical", 85.0),
            ("onpage", 70.0),
            ("content", 68.0),
            ("structure", 62.0),
            ("performance", 74.0),
        ];
        let base = 72.55;
        let pages: Vec<ScoredSitePage> = (0..40)
            .map(|i| page(&format!("https://s.example/p{i}/"), 73, base, base, &cats))
            .collect();
        let snap = snapshot(&pages.iter().collect::<Vec<_>>());
        let mut findings = vec![
            finding(
                "site.robots_txt.unreachable",
                "technical",
                "critical",
                10.0,
                1.0,
            ),
            finding(
                "site.robots_txt.blocks_all",
                "technical",
                "critical",
                10.0,
                1.0,
            ),
            finding("site.robots_txt.invalid", "technical", "medium", 2.0, 1.0),
            finding("site.robots_txt.missing", "technical", "low", 1.0, 1.0),
            finding("site.sitemap.missing", "technical", "medium", 2.0, 1.0),
            finding("site.sitemap.invalid", "technical", "medium", 2.0, 1.0),
            finding("index.noindex_conflict", "technical", "high", 5.0, 1.0),
            finding("site.sitemap.bad_urls", "technical", "high", 5.0, 0.95),
            finding(
                "site.error_pages",
                "technical",
                "high",
                5.0,
                1.0 - 2.0 / 42.0,
            ),
            finding("meta.title.duplicate", "onpage", "medium", 2.0, 0.85),
            finding("meta.description.duplicate", "onpage", "medium", 2.0, 0.75),
            finding("content.duplicate", "content", "high", 5.0, 1.0),
            finding("links.orphan", "structure", "medium", 2.0, 0.9),
            finding("crawl.depth", "structure", "low", 1.0, 0.875),
        ];
        findings.sort_by(|a, b| a.check.cmp(&b.check));
        let b = site_part(&findings);
        assert!((b[index(Category::Technical)].unwrap() - 98.838).abs() < 5e-4);
        assert!((b[index(Category::Onpage)].unwrap() - 80.0).abs() < 1e-9);
        assert!((b[index(Category::Structure)].unwrap() - 89.167).abs() < 5e-4);
        assert_eq!(b[index(Category::Performance)], None);
        let h = health(&snap, &pages, &mut findings);
        assert!((h.raw - 77.588).abs() < 5e-4, "{}", h.raw);
        assert_eq!(h.score, 78);
        assert_eq!(h.grade, "C");
        assert_eq!(h.status_band, "needs_work");
        let cat = |c: &str| h.category_scores[c];
        assert_eq!(
            [
                cat("technical"),
                cat("onpage"),
                cat("content"),
                cat("structure"),
                cat("performance")
            ],
            [Some(89), Some(73), Some(78), Some(70), Some(74)]
        );
        let impact = |id: &str| findings.iter().find(|f| f.check == id).unwrap().impact;
        assert!((impact("meta.description.duplicate") - 0.5625).abs() < 1e-9);
        assert!(
            (impact("site.error_pages") - 0.0425).abs() < 5e-5,
            "{}",
            impact("site.error_pages")
        );
        assert_eq!(impact("content.duplicate"), 0.0);
        // Six fired site rules, no page issues: six issues; top issues by impact.
        assert_eq!(h.total_issues, 6);
        assert_eq!(h.issues_by_severity["high"], 2);
        assert_eq!(h.top_issues[0].check, "meta.description.duplicate");
        assert_eq!(h.top_issues.len(), 6);
        assert_eq!(h.pages_scored, 40);
        assert_eq!(h.clean_pages, 1.0);
    }

    /// Examples 2 and 3: a capped page contributes its capped score; a noindex page is left out.
    #[test]
    fn capped_pages_count_at_their_cap_and_noindex_pages_not_at_all() {
        let all = [
            ("technical", 100.0),
            ("content", 100.0),
            ("structure", 100.0),
            ("performance", 100.0),
            ("onpage", 82.759),
        ];
        // P = 97.414 (example 2), computed from the categories so the cap factor is exact.
        let base = (85.0 * 100.0 + 15.0 * 82.759) / 100.0;
        let mut capped = page("https://s.example/a/", 89, base, 89.0, &all);
        capped.issues.push(ScoredPageIssue {
            check: "meta.title.missing".into(),
            category: "onpage".into(),
            severity: "high".into(),
            message: "The page has no title.".into(),
            action: Some("Write a unique title.".into()),
            points_lost: 11.0,
        });
        // Same categories on both pages, so each contributes exactly its own (capped) score.
        let perfect = all.map(|(c, _)| (c, 100.0));
        let home = page("https://s.example/", 100, 100.0, 100.0, &perfect);
        let mut noindex = page("https://s.example/n/", 40, 100.0, 40.0, &perfect);
        noindex.index_gate = true;
        let pages = vec![home, capped, noindex];
        let snap = snapshot(&pages.iter().collect::<Vec<_>>());
        let h = health(&snap, &pages, &mut []);
        assert_eq!(h.pages_scored, 2);
        // (100 + 89) / 2 = 94.5 -> 95: the capped page counts as 89, not as its base 97.414.
        assert!((h.raw - 94.5).abs() < 1e-3, "{}", h.raw);
        assert_eq!(h.score, 95);
        assert_eq!(h.clean_pages, 0.5);
        assert_eq!(h.mean_page_score, Some(94.5));
        assert_eq!(h.issues_by_severity["high"], 1);
        // Page-rule impact: α = 1 (no site part) × mean over E of points lost = 11 / 2.
        assert_eq!(h.top_issues[0].check, "meta.title.missing");
        assert_eq!(h.top_issues[0].impact, 5.5);
        assert_eq!(h.top_issues[0].scope, "page");
    }

    #[test]
    fn site_caps_and_nothing_to_judge() {
        let perfect = [("technical", 100.0), ("content", 100.0)];
        let pages = vec![page("https://s.example/", 100, 100.0, 100.0, &perfect)];
        let snap = snapshot(&pages.iter().collect::<Vec<_>>());
        let mut blocks = vec![finding(
            "site.robots_txt.blocks_all",
            "technical",
            "critical",
            10.0,
            0.0,
        )];
        assert_eq!(health(&snap, &pages, &mut blocks).score, 20);
        let mut unreachable = vec![finding(
            "site.robots_txt.unreachable",
            "technical",
            "critical",
            10.0,
            0.0,
        )];
        assert_eq!(health(&snap, &pages, &mut unreachable).score, 40);
        let mut failed = pages.clone();
        failed[0].hard_failure = true;
        assert_eq!(health(&snap, &failed, &mut []).score, 0);
        let empty = health(&SiteSnapshot::default(), &[], &mut []);
        assert_eq!(empty.score, 0);
        assert_eq!(empty.category_scores["technical"], None);
        assert_eq!(empty.mean_page_score, None);
    }
}
