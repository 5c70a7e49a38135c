//! Site health (seo-rules.md §2.8), a pure function of stored page score cards and optional site-rule parts.
//!
//! Pages store their rounded, capped `seo_score` and their category scores, not the base score `P`. `P` is the
//! weighted mean of the category scores (§2.5 step 2), so it is recomputed here; a cap bound when the stored score
//! lies at least half a point below `P` (caps are whole numbers, and an uncapped score is `P` rounded).

use serde_json::{Map, Value};

/// Category ids in wire order, with their weights (§2.1).
pub const CATEGORIES: [&str; 5] = ["technical", "content", "structure", "performance", "onpage"];
pub const WEIGHTS: [f64; 5] = [25.0, 20.0, 20.0, 20.0, 15.0];

/// One value per category of [`CATEGORIES`]; `None` where the category does not apply.
pub type CategoryScores = [Option<f64>; 5];

/// What site health needs of one eligible page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageCard {
    /// The stored page score (capped, rounded).
    pub score: i64,
    pub categories: CategoryScores,
}

/// The health figure and its rounded category values (`category_scores` of the overview).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteHealth {
    pub score: i64,
    pub categories: [Option<i64>; 5],
}

impl SiteHealth {
    /// `{technical, content, structure, performance, onpage}` with null for absent categories.
    pub fn categories_json(&self) -> Value {
        let map: Map<String, Value> = CATEGORIES
            .iter()
            .zip(self.categories)
            .map(|(name, value)| ((*name).to_string(), value.map_or(Value::Null, Value::from)))
            .collect();
        Value::Object(map)
    }
}

/// Reads a stored `category_scores` object leniently: anything but a finite number in 0–100 counts as absent, so
/// malformed stored data never fails a request.
pub fn parse_category_scores(text: Option<&str>) -> CategoryScores {
    let parsed = text.and_then(|t| serde_json::from_str::<Value>(t).ok());
    let mut scores = [None; 5];
    if let Some(Value::Object(map)) = parsed {
        for (slot, name) in scores.iter_mut().zip(CATEGORIES) {
            *slot = map
                .get(name)
                .and_then(Value::as_f64)
                .filter(|v| v.is_finite() && (0.0..=100.0).contains(v));
        }
    }
    scores
}

/// `P` of §2.5 step 2 (100 when no category applies).
fn base_score(categories: &CategoryScores) -> f64 {
    let (sum, weight) = weighted(categories);
    if weight == 0.0 { 100.0 } else { sum / weight }
}

/// `f_p = capped_p / P_p` (§2.8 step 2), 1 when `P_p = 0` or no cap bound.
fn cap_factor(page: &PageCard) -> f64 {
    let base = base_score(&page.categories);
    let score = page.score as f64;
    if base <= 0.0 || score > base - 0.5 {
        1.0
    } else {
        score / base
    }
}

fn weighted(values: &CategoryScores) -> (f64, f64) {
    values
        .iter()
        .zip(WEIGHTS)
        .filter_map(|(v, w)| v.map(|v| (v * w, w)))
        .fold((0.0, 0.0), |(s, t), (vw, w)| (s + vw, t + w))
}

/// Site health over the eligible pages `pages` (§2.8 steps 2–8) with the site-rule parts `site` (`B_c`; all
/// `None` for a synced site, which has no crawl rules). No eligible page and no site part: 0.
pub fn site_health(pages: &[PageCard], site: &CategoryScores) -> SiteHealth {
    let factors: Vec<f64> = pages.iter().map(cap_factor).collect();
    let mut health = [None; 5];
    for (c, slot) in health.iter_mut().enumerate() {
        let effective: Vec<f64> = pages
            .iter()
            .zip(&factors)
            .filter_map(|(p, f)| p.categories[c].map(|s| s * f))
            .collect();
        let page_part =
            (!effective.is_empty()).then(|| effective.iter().sum::<f64>() / effective.len() as f64);
        *slot = match (page_part, site[c]) {
            (Some(a), Some(b)) => Some(0.7 * a + 0.3 * b),
            (a, b) => a.or(b),
        };
    }
    let (sum, weight) = weighted(&health);
    let score = if weight == 0.0 {
        0
    } else {
        round(sum / weight)
    };
    SiteHealth {
        score,
        categories: health.map(|h| h.map(round)),
    }
}

/// `floor(x + 0.5)`, clamped to the score range.
fn round(x: f64) -> i64 {
    ((x + 0.5).floor() as i64).clamp(0, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(score: i64, cats: CategoryScores) -> PageCard {
        PageCard {
            score,
            categories: cats,
        }
    }

    const NONE: CategoryScores = [None; 5];

    #[test]
    fn no_pages_no_site_rules_is_zero_with_null_categories() {
        let h = site_health(&[], &NONE);
        assert_eq!(h.score, 0);
        assert_eq!(h.categories, [None; 5]);
        assert_eq!(
            h.categories_json(),
            serde_json::json!({"technical":null,"content":null,"structure":null,"performance":null,"onpage":null})
        );
    }

    #[test]
    fn one_uncapped_page_gives_its_own_score() {
        // seo-rules.md §2.10 example 1: P = 76.305, score 76.
        let p = page(76, [None, Some(84.615), Some(64.286), None, Some(81.25)]);
        let h = site_health(&[p], &NONE);
        assert_eq!(h.score, 76);
        assert_eq!(h.categories, [None, Some(85), Some(64), None, Some(81)]);
    }

    #[test]
    fn a_capped_page_contributes_its_capped_score() {
        // Example 2: every category 100 except onpage 82.759; P = 97.414, the high cap binds at 89.
        let p = page(
            89,
            [
                Some(100.0),
                Some(100.0),
                Some(100.0),
                Some(100.0),
                Some(82.759),
            ],
        );
        assert_eq!(site_health(std::slice::from_ref(&p), &NONE).score, 89);
        // With two uncapped perfect pages: (89 + 100 + 100) / 3 = 96.33; without the cap factor it would be 99.
        let perfect = page(100, [Some(100.0); 5]);
        assert_eq!(site_health(&[p, perfect.clone(), perfect], &NONE).score, 96);
    }

    #[test]
    fn categories_absent_on_a_page_are_skipped_not_zero() {
        let a = page(80, [None, Some(80.0), None, None, None]);
        let b = page(60, [None, None, Some(60.0), None, None]);
        let h = site_health(&[a, b], &NONE);
        assert_eq!(h.categories, [None, Some(80), Some(60), None, None]);
        assert_eq!(h.score, 70);
    }

    #[test]
    fn site_parts_blend_seventy_thirty() {
        // Example 4: page means A and site parts B give H = 77.588, health 78.
        let a = page(
            73,
            [Some(85.0), Some(68.0), Some(62.0), Some(74.0), Some(70.0)],
        );
        let b = [
            Some(100.0 * (32.0 + 4.75 + 4.761905) / 42.0),
            Some(100.0),
            Some(89.167),
            None,
            Some(80.0),
        ];
        let h = site_health(&[a], &b);
        assert_eq!(h.score, 78);
        assert_eq!(
            h.categories,
            [Some(89), Some(78), Some(70), Some(74), Some(73)]
        );
    }

    #[test]
    fn stored_category_scores_are_read_leniently() {
        assert_eq!(
            parse_category_scores(Some(
                r#"{"technical":null,"content":78,"onpage":81.5,"structure":"x"}"#
            )),
            [None, Some(78.0), None, None, Some(81.5)]
        );
        assert_eq!(parse_category_scores(Some("not json")), NONE);
        assert_eq!(parse_category_scores(Some(r#"{"content":1000}"#)), NONE);
        assert_eq!(parse_category_scores(None), NONE);
    }
}
