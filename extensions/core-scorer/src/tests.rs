//! Every worked example of seo-rules.md §2.10, reproduced to the decimal through the scorer's native run.

use super::*;
use siloq_sdk::scoring::site::{self, PerCategory, SiteCap};
use siloq_sdk::scoring::{Breakdown, breakdown, grade};
use siloq_sdk::testing::{MockPage, run_scorer, sourced};

use Category::*;
use Severity::*;

fn f(check: &str, category: Category, severity: Severity, credit: f32) -> SourcedFinding {
    sourced("siloq.core-rules", check, category, severity, Some(credit))
}

fn close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual} != {expected}"
    );
}

/// Scores through the exported entry point (config parsing included) and cross-checks the breakdown.
fn run(page: &MockPage, findings: &[SourcedFinding]) -> (ScoreResult, Breakdown) {
    let result = run_scorer::<CoreScorer>(page, findings, "").expect("scores");
    let detail = breakdown(Mode::of(&page.info), findings);
    assert_eq!(result, detail.result());
    (result, detail)
}

fn points(findings: &[SourcedFinding], result: &ScoreResult, check: &str) -> f32 {
    let i = findings
        .iter()
        .position(|s| s.finding.check == check)
        .expect("a finding");
    result.points_lost[i]
}

fn category(result: &ScoreResult, c: Category) -> Option<f32> {
    result
        .card
        .categories
        .iter()
        .find(|s| s.category == c)
        .and_then(|s| s.score)
}

#[test]
fn example_1_wordpress_page_content_only() {
    let page = MockPage::new("https://example.test/a-post/").wordpress("42");
    let mut findings = vec![
        f("meta.title.missing", Onpage, High, 1.0),
        f("meta.description.missing", Onpage, High, 1.0),
        f("url.underscore", Onpage, Low, 1.0),
        f("url.too_long", Onpage, Low, 1.0),
        f("meta.title.too_long", Onpage, Medium, 0.0),
        f("meta.description.too_short", Onpage, Medium, 0.5),
        f("content.empty", Content, High, 1.0),
        f("readability.paragraph_length", Content, Low, 1.0),
        f("readability.repeated_starts", Content, Low, 1.0),
        f("readability.later_1", Content, Low, 1.0),
        f("readability.later_2", Content, Low, 1.0),
        f("readability.later_3", Content, Low, 1.0),
        f("content.thin", Content, Medium, 0.5),
        f("readability.sentence_length", Content, Low, 0.0),
        f("headings.h1.in_content", Structure, Medium, 1.0),
        f("headings.subheading_distribution", Structure, Medium, 1.0),
        f("headings.skipped_level", Structure, Low, 1.0),
        f("links.text.generic", Structure, Medium, 1.0),
        f("images.none", Structure, Low, 1.0),
        f("images.alt.too_long", Structure, Low, 1.0),
        f("links.internal.none", Structure, Medium, 0.0),
        f("links.outbound.none", Structure, Low, 0.0),
        f("images.alt.missing", Structure, Medium, 0.0),
    ];
    // Technical and performance findings of a content-only page are never scored.
    findings.push(f("https.not_used", Technical, Critical, 0.0));
    findings.push(f("performance.ttfb", Performance, High, 0.0));
    let (result, detail) = run(&page, &findings);

    close(detail.category(Onpage).unwrap(), 81.250, 5e-4, "S_onpage");
    close(detail.category(Content).unwrap(), 84.615, 5e-4, "S_content");
    close(
        detail.category(Structure).unwrap(),
        64.286,
        5e-4,
        "S_structure",
    );
    assert_eq!(category(&result, Technical), None);
    assert_eq!(category(&result, Performance), None);
    close(detail.base, 76.305, 5e-4, "P");
    assert_eq!(detail.cap, None);
    assert_eq!(detail.score, 76);
    assert_eq!(grade(detail.score), "C");
    close(
        f64::from(result.card.score),
        76.305,
        5e-4,
        "card.score (unrounded)",
    );
    assert!(result.card.indexable);

    let table = [
        ("links.internal.none", 5.1948, 5.26),
        ("images.alt.missing", 5.1948, 5.26),
        ("meta.title.too_long", 3.4091, 3.45),
        ("content.thin", 2.7972, 2.84),
        ("readability.sentence_length", 2.7972, 2.83),
        ("links.outbound.none", 2.5974, 2.63),
        ("meta.description.too_short", 1.7045, 1.73),
    ];
    for (check, raw, lost) in table {
        let i = findings
            .iter()
            .position(|s| s.finding.check == check)
            .unwrap();
        close(detail.raw[i], raw, 5e-5, check);
        assert_eq!(
            detail.hundredths[i],
            (lost * 100.0_f64).round() as i64,
            "{check}"
        );
        close(
            f64::from(points(&findings, &result, check)),
            lost,
            1e-6,
            check,
        );
    }
    close(
        detail.raw.iter().sum(),
        23.6950,
        1e-4,
        "sum of raw shares (printed to 4 places)",
    );
    close(
        detail.raw.iter().sum(),
        100.0 - detail.base,
        1e-9,
        "raw shares = 100 - P",
    );
    assert_eq!(detail.hundredths.iter().sum::<i64>(), 2400);
    assert_eq!(result.points_lost.iter().filter(|p| **p > 0.0).count(), 7);
}

#[test]
fn example_2_scanned_page_missing_title_binds_the_high_cap() {
    let page = MockPage::new("https://example.test/03-missing-title");
    let mut findings = vec![
        f("meta.title.missing", Onpage, High, 0.0),
        f("meta.description.missing", Onpage, High, 1.0),
        f("url.underscore", Onpage, Low, 1.0),
        f("technical.ok", Technical, High, 1.0),
        f("content.ok", Content, High, 1.0),
        f("structure.ok", Structure, High, 1.0),
        f("performance.ok", Performance, Medium, 1.0),
    ];
    for i in 0..9 {
        findings.push(f(&format!("onpage.medium_{i}"), Onpage, Medium, 1.0));
    }
    let (result, detail) = run(&page, &findings);
    close(detail.category(Onpage).unwrap(), 82.759, 5e-4, "S_onpage");
    close(detail.base, 97.414, 5e-4, "P");
    assert_eq!(detail.cap, Some(scoring::Cap::High));
    close(detail.capped, 89.0, 0.0, "capped");
    assert_eq!(detail.score, 89);
    assert_eq!(grade(89), "B");
    close(
        detail.raw[0],
        2.586 + (97.414 - 89.0),
        5e-4,
        "raw + cap excess",
    );
    assert_eq!(detail.hundredths[0], 1100);
    assert_eq!(points(&findings, &result, "meta.title.missing"), 11.0);
    assert_eq!(result.card.score, 89.0);
}

#[test]
fn example_3_noindex_caps_at_40() {
    let page = MockPage::new("https://example.test/").noindex();
    let mut gate = f("index.noindex", Technical, Critical, 0.0);
    gate.finding.blocking = Some(Blocking::NotIndexable);
    let findings = vec![
        gate,
        f("content.ok", Content, High, 1.0),
        f("meta.title.missing", Onpage, High, 1.0),
    ];
    let (result, detail) = run(&page, &findings);
    close(detail.base, 100.0, 0.0, "P");
    assert_eq!(detail.score, 40);
    assert!(!result.card.indexable);
    assert_eq!(points(&findings, &result, "index.noindex"), 60.0);
    assert_eq!(result.points_lost[1..], [0.0, 0.0]);
    // The page keeps its category scores for the dashboard.
    assert_eq!(category(&result, Content), Some(100.0));
}

#[test]
fn example_4_site_health_of_a_crawl() {
    let site_rule = |check: &str, category: Category, severity: Severity, credit: f32| {
        f(check, category, severity, credit).finding
    };
    let site_findings = vec![
        site_rule("site.robots_txt.unreachable", Technical, Critical, 1.0),
        site_rule("site.robots_txt.blocks_all", Technical, Critical, 1.0),
        site_rule("site.robots_txt.invalid", Technical, Medium, 1.0),
        site_rule("site.robots_txt.missing", Technical, Low, 1.0),
        site_rule("site.sitemap.missing", Technical, Medium, 1.0),
        site_rule("site.sitemap.invalid", Technical, Medium, 1.0),
        site_rule("site.noindex_conflict", Technical, High, 1.0),
        site_rule("site.sitemap.bad_urls", Technical, High, 1.0 - 3.0 / 60.0),
        site_rule("site.error_pages", Technical, High, 1.0 - 2.0 / 42.0),
        site_rule("site.duplicate.titles", Onpage, Medium, 1.0 - 6.0 / 40.0),
        site_rule(
            "site.duplicate.descriptions",
            Onpage,
            Medium,
            1.0 - 10.0 / 40.0,
        ),
        site_rule("content.duplicate", Content, High, 1.0),
        site_rule("site.orphans", Structure, Medium, 1.0 - 4.0 / 40.0),
        site_rule("site.depth", Structure, Low, 1.0 - 5.0 / 40.0),
    ];
    let page_part: PerCategory = [
        (Technical, Some(85.0)),
        (Content, Some(68.0)),
        (Structure, Some(62.0)),
        (Performance, Some(74.0)),
        (Onpage, Some(70.0)),
    ];
    let weighted_mean: f64 = page_part
        .iter()
        .map(|(c, a)| scoring::category_weight(*c) * a.unwrap())
        .sum::<f64>()
        / 100.0;
    close(weighted_mean, 72.55, 1e-9, "mean of the page part");

    let site_part = site::site_part(&site_findings);
    let b = |c: Category| site_part[c as usize].1;
    close(b(Technical).unwrap(), 98.838, 5e-4, "B_technical");
    close(b(Onpage).unwrap(), 80.000, 5e-4, "B_onpage");
    close(b(Content).unwrap(), 100.0, 5e-4, "B_content");
    close(b(Structure).unwrap(), 89.167, 5e-4, "B_structure");
    assert_eq!(b(Performance), None);

    let caps = SiteCap::active(&site_findings, None);
    assert!(caps.is_empty());
    let health = site::health(&page_part, &site_part, &caps);
    let h = |c: Category| health.categories[c as usize].1.unwrap();
    close(h(Technical), 89.151, 5e-4, "H_technical");
    close(h(Onpage), 73.000, 5e-4, "H_onpage");
    close(h(Content), 77.600, 5e-4, "H_content");
    close(h(Structure), 70.150, 5e-4, "H_structure");
    close(h(Performance), 74.000, 5e-4, "H_performance");
    close(health.capped, 77.588, 5e-4, "H");
    assert_eq!(health.score, 78);
    assert_eq!(grade(health.score), "C");

    let impact = |check: &str| {
        let finding = site_findings.iter().find(|f| f.check == check).unwrap();
        site::site_rule_impact(finding, &site_findings, &page_part, &site_part)
    };
    close(
        impact("site.duplicate.descriptions"),
        0.5625,
        1e-6,
        "duplicate descriptions",
    );
    assert_eq!(
        format!("{:.2}", impact("site.duplicate.descriptions")),
        "0.56"
    );
    close(
        impact("site.error_pages"),
        0.25 * 0.3 * (100.0 * 5.0 * (2.0 / 42.0) / 42.0),
        1e-6,
        "error pages",
    );
    assert_eq!(format!("{:.2}", impact("site.error_pages")), "0.04");
}

#[test]
fn describe_declares_a_scorer() {
    let info = siloq_sdk::__private::describe_scorer::<CoreScorer>(env!("CARGO_PKG_VERSION"));
    assert_eq!(info.id, "siloq.core-scorer");
    assert_eq!(info.kind, ExtensionKind::Scorer);
    assert!(info.checks.is_empty());
    assert_eq!(info.default_config, "{}");
}

#[test]
fn invalid_config_is_an_operator_error() {
    let page = MockPage::new("https://example.test/");
    let err = run_scorer::<CoreScorer>(&page, &[], "not json").unwrap_err();
    assert!(matches!(err, ExtensionError::InvalidConfig(_)));
}
