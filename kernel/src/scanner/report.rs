//! The scan's verdict and report (api.md §4.9, §11.5; seo-rules §2.8, §2.9): site health over the eligible
//! pages (plus the site-rule part when site rules ran), page issues aggregated per rule with their health
//! impact, category details, keyword cannibalisation groups and the plugin's lead-generation fields.

use crate::scoring;
use crate::sites::health::{self, CATEGORIES, CategoryScores, PageCard};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Wire names of the per-category detail objects, in category order.
const DETAIL_KEYS: [&str; 5] = [
    "technical_details",
    "content_details",
    "structure_details",
    "performance_details",
    "seo_details",
];
/// Most URLs listed on an aggregated issue.
const MAX_URLS: usize = 10;

/// The site-level judgement (site rules), when it ran.
#[derive(Debug, Clone, Default)]
pub struct SitePart {
    /// `B_c` per category (seo-rules §2.8 step 4).
    pub categories: CategoryScores,
    /// Issue items of the fired site rules (api.md §4.6), `points_lost` = health points.
    pub issues: Vec<Value>,
    /// Recommendation items of the fired site rules.
    pub recommendations: Vec<Value>,
    /// A health cap from site rules (robots.txt blocks everything: 20, unreachable: 40).
    pub cap: Option<f64>,
    /// The site health computed by the site-rule runtime (score and rounded category scores), which then
    /// replaces the page-only figure.
    pub health: Option<(i64, Value)>,
}

/// The computed verdict of a scan.
pub struct Verdict {
    pub score: i64,
    pub grade: &'static str,
    pub category_scores: Value,
    pub report: Value,
}

/// Builds the verdict from the analysed pages (crawl order) and the optional site part.
pub fn build(scan_type: &str, url: &str, pages: &[Value], site: Option<&SitePart>) -> Verdict {
    let quick = scan_type == "quick";
    let eligible: Vec<&Value> = pages.iter().filter(|p| is_eligible(p, quick)).collect();
    let cards: Vec<PageCard> = eligible
        .iter()
        .filter(|p| p["seo_score"].is_i64())
        .map(|p| PageCard {
            score: p["seo_score"].as_i64().unwrap_or(0),
            categories: categories_of(p),
        })
        .collect();
    let site_categories = site.map(|s| s.categories).unwrap_or([None; 5]);
    let mut verdict = health::site_health(&cards, &site_categories);
    // Caps of §2.8 step 7.
    let homepage = pages.iter().find(|p| p["is_homepage"] == json!(true));
    let mut cap: Option<f64> = site.and_then(|s| s.cap);
    if homepage.is_some_and(|h| h["hard_failure"] == json!(true) || !is_success(h)) {
        cap = Some(0.0);
    } else if homepage.is_some_and(|h| h["index_gate"] == json!(true)) {
        cap = Some(cap.map_or(20.0, |c| c.min(20.0)));
    }
    if let Some(cap) = cap {
        verdict.score = verdict.score.min(cap as i64);
    }
    let (score, category_scores) = match site.and_then(|s| s.health.clone()) {
        Some((score, categories)) => (score, categories),
        None => (verdict.score, verdict.categories_json()),
    };

    // Page issues aggregated per rule; impact = alpha_c x mean over E of the page's points_lost (§2.9).
    let both: [bool; 5] = std::array::from_fn(|c| {
        site_categories[c].is_some() && cards.iter().any(|p| p.categories[c].is_some())
    });
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for page in pages {
        let url = page["url"].as_str().unwrap_or("").to_string();
        let in_e = eligible.iter().any(|e| std::ptr::eq(*e, page));
        for issue in page["issues"].as_array().into_iter().flatten() {
            let Some(kind) = issue["type"].as_str() else {
                continue;
            };
            let g = groups
                .entry(kind.to_string())
                .or_insert_with(|| Group::new(issue));
            g.urls.push(url.clone());
            if in_e {
                g.points_sum += issue["points_lost"].as_f64().unwrap_or(0.0);
            }
        }
        for rec in page["recommendations"].as_array().into_iter().flatten() {
            if let Some(kind) = rec["type"].as_str()
                && let Some(g) = groups.get_mut(kind)
                && g.action.is_empty()
            {
                g.action = rec["action"].as_str().unwrap_or("").to_string();
            }
        }
    }
    let e_count = eligible.len().max(1) as f64;
    let mut issues: Vec<Value> = Vec::new();
    let mut recommendations: Vec<Value> = Vec::new();
    for (kind, g) in &groups {
        let c = CATEGORIES
            .iter()
            .position(|n| *n == g.category)
            .unwrap_or(0);
        let alpha = if both[c] { 0.7 } else { 1.0 };
        let impact = round2(alpha * g.points_sum / e_count);
        let n = g.urls.len();
        let message = if n == 1 {
            g.message.clone()
        } else {
            format!("{n} pages: {}", g.message)
        };
        let mut details = Map::new();
        details.insert("affected_pages".into(), json!(n));
        details.insert(
            "urls".into(),
            json!(g.urls.iter().take(MAX_URLS).collect::<Vec<_>>()),
        );
        issues.push(
            json!({"type": kind, "category": g.category, "severity": g.severity, "message": message,
            "points_lost": impact, "details": details}),
        );
        recommendations.push(json!({"type": kind, "category": g.category, "priority": priority(&g.severity),
            "message": message, "issue": message, "action": g.action, "impact": impact, "affected_pages": n}));
    }
    let site_issues: Vec<Value> = site.map(|s| s.issues.clone()).unwrap_or_default();
    issues.extend(site_issues.iter().cloned());
    if let Some(s) = site {
        recommendations.extend(s.recommendations.iter().cloned());
    }
    issues.sort_by(|a, b| order(a, b, "points_lost", "severity"));
    recommendations.sort_by(|a, b| order(a, b, "impact", "priority"));

    let mut results = Map::new();
    for (name, wire) in CATEGORIES.iter().zip([
        "technical_score",
        "content_score",
        "structure_score",
        "performance_score",
        "seo_score",
    ]) {
        results.insert(wire.into(), category_scores[*name].clone());
    }
    results.insert("issues".into(), json!(issues));
    results.insert("recommendations".into(), json!(recommendations));

    let mut report = Map::new();
    for (c, key) in DETAIL_KEYS.iter().enumerate() {
        let of_category: Vec<&Value> = issues
            .iter()
            .filter(|i| i["category"] == json!(CATEGORIES[c]))
            .collect();
        report.insert(
            (*key).into(),
            json!({"score": category_scores[CATEGORIES[c]], "issue_count": of_category.len(),
            "issues": of_category}),
        );
    }
    let page_items: Vec<Value> = pages
        .iter()
        .map(|p| json!({"url": p["url"], "status_code": p["status_code"], "seo_score": p["seo_score"], "grade": p["grade"],
            "issue_count": p["issue_count"], "category_scores": p["category_scores"], "issues": p["issues"]}))
        .collect();
    let groups = cannibalization(pages);
    let sentences: Vec<String> = groups
        .iter()
        .map(|g| {
            format!(
                "Give each of these {} pages its own title and topic, or merge them: \"{}\".",
                g["conflicting_urls"].as_array().map_or(0, Vec::len),
                g["keyword"].as_str().unwrap_or("")
            )
        })
        .collect();
    let risk = match groups.len() {
        0 => "Low",
        1 | 2 => "Medium",
        _ => "High",
    };
    let locked: Vec<Value> = recommendations
        .iter()
        .skip(3)
        .map(|r| r["issue"].clone())
        .collect();
    report.insert("results".into(), Value::Object(results));
    report.insert("recommendations".into(), json!(recommendations));
    report.insert("site_issues".into(), json!(site_issues));
    report.insert("pages".into(), json!(page_items));
    report.insert(
        "keyword_cannibalization".into(),
        json!({"issues_found": groups.len(), "recommendations": sentences}),
    );
    report.insert("keyword_cannibalization_details".into(), json!(groups));
    report.insert(
        "scan_summary".into(),
        json!({"website_url": url, "total_pages_analyzed": pages.len(),
        "total_cannibalization_conflicts": groups.len(), "overall_risk_level": risk}),
    );
    report.insert("educational_explanation".into(), json!({"title": "What is keyword cannibalization?",
        "body": "When several pages of one site target the same search phrase, they compete with each other and search engines may rank none of them well."}));
    report.insert("locked_recommendations".into(), json!(locked));
    report.insert("pages_scored".into(), json!(cards.len()));
    Verdict {
        score,
        grade: scoring::grade(score),
        category_scores,
        report: Value::Object(report),
    }
}

struct Group {
    category: String,
    severity: String,
    message: String,
    action: String,
    urls: Vec<String>,
    points_sum: f64,
}

impl Group {
    fn new(issue: &Value) -> Self {
        Self {
            category: issue["category"]
                .as_str()
                .unwrap_or("technical")
                .to_string(),
            severity: issue["severity"].as_str().unwrap_or("low").to_string(),
            message: issue["message"].as_str().unwrap_or("").to_string(),
            action: String::new(),
            urls: Vec::new(),
            points_sum: 0.0,
        }
    }
}

fn is_success(page: &Value) -> bool {
    page["status_code"]
        .as_u64()
        .is_some_and(|s| (200..300).contains(&s))
}

/// Eligible pages E (§2.8 step 1).
fn is_eligible(page: &Value, quick: bool) -> bool {
    if !is_success(page) || page["failed"].is_string() {
        return false;
    }
    if quick {
        return true;
    }
    let url = page["url"].as_str().unwrap_or("");
    let canonical_ok = page["canonicals"].as_array().is_none_or(|cs| {
        cs.iter()
            .all(|c| c.as_str().is_some_and(|c| same_url(c, url)))
    });
    page["index_gate"] != json!(true) && canonical_ok
}

fn same_url(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        url::Url::parse(s).map_or_else(
            |_| s.to_string(),
            |mut u| {
                u.set_fragment(None);
                u.to_string()
            },
        )
    };
    norm(a) == norm(b)
}

fn categories_of(page: &Value) -> CategoryScores {
    let mut out = [None; 5];
    for (slot, name) in out.iter_mut().zip(CATEGORIES) {
        *slot = page["category_scores"][name].as_f64();
    }
    out
}

fn priority(severity: &str) -> &'static str {
    match severity {
        "critical" | "high" => "high",
        "medium" => "medium",
        _ => "low",
    }
}

fn rank(word: &str) -> u8 {
    match word {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        _ => 3,
    }
}

fn order(a: &Value, b: &Value, number: &str, level: &str) -> std::cmp::Ordering {
    let (x, y) = (
        a[number].as_f64().unwrap_or(0.0),
        b[number].as_f64().unwrap_or(0.0),
    );
    y.total_cmp(&x)
        .then_with(|| {
            rank(a[level].as_str().unwrap_or("")).cmp(&rank(b[level].as_str().unwrap_or("")))
        })
        .then_with(|| a["type"].as_str().cmp(&b["type"].as_str()))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Lowercased, whitespace collapsed, the site-name suffix after the last ` | ` or ` - ` removed.
pub fn normalize_title(text: &str) -> String {
    let collapsed = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let cut = [" | ", " - ", " – "]
        .iter()
        .filter_map(|sep| collapsed.rfind(sep))
        .max();
    match cut {
        Some(at) if at > 0 => collapsed[..at].trim().to_string(),
        _ => collapsed,
    }
}

/// Groups of two or more analysed pages sharing a normalised title, else a normalised first H1 (api.md §11.5).
fn cannibalization(pages: &[Value]) -> Vec<Value> {
    let ok: Vec<&Value> = pages.iter().filter(|p| is_success(p)).collect();
    let mut by_title: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in &ok {
        let title = normalize_title(p["title"].as_str().unwrap_or(""));
        if !title.is_empty() {
            by_title
                .entry(title)
                .or_default()
                .push(p["url"].as_str().unwrap_or("").to_string());
        }
    }
    let mut groups = Vec::new();
    let mut grouped: Vec<String> = Vec::new();
    for (keyword, urls) in by_title.into_iter().filter(|(_, u)| u.len() >= 2) {
        grouped.extend(urls.iter().cloned());
        groups.push(json!({"keyword": keyword, "conflicting_urls": urls, "conflict_type": "duplicate_title", "severity": "high"}));
    }
    let mut by_h1: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in ok.iter().filter(|p| {
        !grouped
            .iter()
            .any(|u| Some(u.as_str()) == p["url"].as_str())
    }) {
        let h1 = normalize_title(p["h1_folded"].as_str().unwrap_or(""));
        if !h1.is_empty() {
            by_h1
                .entry(h1)
                .or_default()
                .push(p["url"].as_str().unwrap_or("").to_string());
        }
    }
    for (keyword, urls) in by_h1.into_iter().filter(|(_, u)| u.len() >= 2) {
        groups.push(json!({"keyword": keyword, "conflicting_urls": urls, "conflict_type": "duplicate_h1", "severity": "medium"}));
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str, score: i64, title: &str, issues: Value) -> Value {
        json!({"url": url, "status_code": 200, "seo_score": score, "grade": "B", "issue_count": 1, "title": title,
            "category_scores": {"technical": score, "content": score, "structure": score, "performance": score, "onpage": score},
            "issues": issues, "recommendations": [{"type": "meta.description.missing", "action": "Write one."}],
            "is_homepage": url.ends_with(".example/"), "index_gate": false, "hard_failure": false, "canonicals": []})
    }

    #[test]
    fn pages_aggregate_into_health_issues_and_cannibalisation_groups() {
        let issue = json!([{"type": "meta.description.missing", "category": "onpage", "severity": "high",
            "message": "The page has no meta description.", "points_lost": 4.0, "details": {}}]);
        let pages = vec![
            page(
                "https://a.example/",
                80,
                "Drain cleaning | Acme",
                issue.clone(),
            ),
            page("https://a.example/b/", 90, "Drain  Cleaning - Acme", issue),
            page("https://a.example/c/", 100, "Contact", json!([])),
        ];
        let v = build("full", "https://a.example", &pages, None);
        assert_eq!(v.score, 90);
        assert_eq!(v.grade, "A");
        let issues = v.report["results"]["issues"].as_array().expect("issues");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0]["details"]["affected_pages"], 2);
        // Mean over the three eligible pages of (4 + 4 + 0).
        assert_eq!(issues[0]["points_lost"], 2.67);
        assert_eq!(v.report["recommendations"][0]["action"], "Write one.");
        assert_eq!(v.report["keyword_cannibalization"]["issues_found"], 1);
        assert_eq!(
            v.report["keyword_cannibalization_details"][0]["keyword"],
            "drain cleaning"
        );
        assert_eq!(v.report["scan_summary"]["overall_risk_level"], "Medium");
        assert_eq!(v.report["seo_details"]["issue_count"], 1);
    }

    #[test]
    fn a_failed_homepage_caps_health_at_zero() {
        let mut home = page("https://a.example/", 0, "Home", json!([]));
        home["status_code"] = json!(500);
        home["hard_failure"] = json!(true);
        let v = build("quick", "https://a.example", &[home], None);
        assert_eq!(v.score, 0);
        assert_eq!(v.grade, "F");
    }
}
