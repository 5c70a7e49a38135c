//! Site health (seo-rules.md §2.8) and the site view of a recommendation's impact (§2.9). Not part of any WIT
//! call in 1.0 (the kernel aggregates site health); here so the whole scoring model, including the worked
//! example of a crawl, lives and is tested in one place.

use super::{Breakdown, category_weight, fired, is_weighted, round_score, weight};
use crate::types::*;

/// One value per category, in [`Category::ALL`] order; `None` when absent.
pub type PerCategory = [(Category, Option<f64>); 5];

/// Share of the page part when both parts exist (`α_c`); the site part gets `1 − α_c` (`β_c`).
pub const PAGE_PART_SHARE: f64 = 0.7;

fn get(values: &PerCategory, category: Category) -> Option<f64> {
    values[category as usize].1
}

/// `A_c`: the unweighted mean over the eligible pages of their effective category scores `f_p · S_{c,p}`
/// (`f_p = capped_p / P_p`, 1 when `P_p = 0`), skipping pages where `c` is N/A.
pub fn page_part(pages: &[Breakdown]) -> PerCategory {
    Category::ALL.map(|c| {
        let scores: Vec<f64> = pages
            .iter()
            .filter_map(|p| {
                let factor = if p.base == 0.0 {
                    1.0
                } else {
                    p.capped / p.base
                };
                p.category(c).map(|s| factor * s)
            })
            .collect();
        (
            c,
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64),
        )
    })
}

/// `B_c`: the §2.4 formula over the applicable weighted site-scope findings.
pub fn site_part(findings: &[Finding]) -> PerCategory {
    Category::ALL.map(|c| {
        let applicable = || {
            findings
                .iter()
                .filter(|f| f.category == c && f.credit.is_some() && is_weighted(f))
        };
        let total: f64 = applicable().map(weight).sum();
        let earned: f64 = applicable()
            .map(|f| weight(f) * f64::from(f.credit.unwrap_or(1.0)))
            .sum();
        (c, (total > 0.0).then(|| 100.0 * earned / total))
    })
}

/// A site cap (§2.8.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteCap {
    /// The homepage (crawl) or the quick scan's page hard-failed: 0.
    HardFailure,
    /// `site.robots_txt.blocks_all` fired, or the homepage fired an index gate: 20.
    BlocksAll,
    /// `site.robots_txt.unreachable` fired: 40.
    RobotsUnreachable,
}

impl SiteCap {
    pub fn ceiling(self) -> f64 {
        match self {
            SiteCap::HardFailure => 0.0,
            SiteCap::BlocksAll => 20.0,
            SiteCap::RobotsUnreachable => 40.0,
        }
    }

    /// The caps a crawl's site findings and homepage activate.
    pub fn active(site_findings: &[Finding], homepage: Option<&Breakdown>) -> Vec<SiteCap> {
        let rule = |id: &str| site_findings.iter().any(|f| f.check == id && fired(f));
        let mut caps = Vec::new();
        if homepage.is_some_and(|h| h.hard_failure.is_some()) {
            caps.push(SiteCap::HardFailure);
        }
        if rule("site.robots_txt.blocks_all") || homepage.is_some_and(|h| !h.indexable) {
            caps.push(SiteCap::BlocksAll);
        }
        if rule("site.robots_txt.unreachable") {
            caps.push(SiteCap::RobotsUnreachable);
        }
        caps
    }
}

/// The health of a site.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// `H_c`.
    pub categories: PerCategory,
    /// `H` before caps.
    pub uncapped: f64,
    /// `H` after caps, before rounding.
    pub capped: f64,
    /// `floor(H + 0.5)`; 0 when nothing applies.
    pub score: i64,
}

/// `H_c = α·A_c + β·B_c` (or whichever part exists), `H` their `W_c`-weighted mean, capped and rounded.
pub fn health(page_part: &PerCategory, site_part: &PerCategory, caps: &[SiteCap]) -> Health {
    let categories = Category::ALL.map(|c| {
        let value = match (get(page_part, c), get(site_part, c)) {
            (Some(a), Some(b)) => Some(PAGE_PART_SHARE * a + (1.0 - PAGE_PART_SHARE) * b),
            (a, b) => a.or(b),
        };
        (c, value)
    });
    let total: f64 = categories
        .iter()
        .filter(|(_, h)| h.is_some())
        .map(|(c, _)| category_weight(*c))
        .sum();
    if total == 0.0 {
        return Health {
            categories,
            uncapped: 0.0,
            capped: 0.0,
            score: 0,
        };
    }
    let uncapped = categories
        .iter()
        .filter_map(|(c, h)| h.map(|h| category_weight(*c) * h))
        .sum::<f64>()
        / total;
    let capped = caps.iter().map(|c| c.ceiling()).fold(uncapped, f64::min);
    Health {
        categories,
        uncapped,
        capped,
        score: round_score(capped),
    }
}

fn total_category_weight(page_part: &PerCategory, site_part: &PerCategory) -> f64 {
    Category::ALL
        .iter()
        .filter(|c| get(page_part, **c).is_some() || get(site_part, **c).is_some())
        .map(|c| category_weight(*c))
        .sum()
}

/// `(α_c, β_c)`: 0.7 and 0.3 when both parts exist for `c`, else 1 for the part that does.
pub fn shares(category: Category, page_part: &PerCategory, site_part: &PerCategory) -> (f64, f64) {
    match (get(page_part, category), get(site_part, category)) {
        (Some(_), Some(_)) => (PAGE_PART_SHARE, 1.0 - PAGE_PART_SHARE),
        _ => (1.0, 1.0),
    }
}

/// Health points a fired site rule costs (§2.9): `(W_c/ΣW) × β_c × 100 × w_i × (1 − credit_i) / Σ w` over
/// the applicable weighted site rules of its category.
pub fn site_rule_impact(
    finding: &Finding,
    site_findings: &[Finding],
    page_part: &PerCategory,
    site_part: &PerCategory,
) -> f64 {
    let c = finding.category;
    if !fired(finding) || !is_weighted(finding) {
        return 0.0;
    }
    let category_total: f64 = site_findings
        .iter()
        .filter(|f| f.category == c && f.credit.is_some() && is_weighted(f))
        .map(weight)
        .sum();
    let total = total_category_weight(page_part, site_part);
    if category_total == 0.0 || total == 0.0 {
        return 0.0;
    }
    let (_, beta) = shares(c, page_part, site_part);
    (category_weight(c) / total)
        * beta
        * 100.0
        * weight(finding)
        * (1.0 - f64::from(finding.credit.unwrap_or(1.0)))
        / category_total
}

/// Health points a page rule costs (§2.9): `α_c ×` the mean over the eligible pages of its unrounded points
/// lost (pass 0 for pages where it did not fire).
pub fn page_rule_impact(
    category: Category,
    points_lost_per_page: &[f64],
    page_part: &PerCategory,
    site_part: &PerCategory,
) -> f64 {
    if points_lost_per_page.is_empty() {
        return 0.0;
    }
    let (alpha, _) = shares(category, page_part, site_part);
    alpha * points_lost_per_page.iter().sum::<f64>() / points_lost_per_page.len() as f64
}
