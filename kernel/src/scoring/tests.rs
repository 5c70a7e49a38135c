//! The worked examples of seo-rules.md §2.10, reproduced to the decimal.

use super::*;

fn f(rule: &str, category: Category, severity: Severity, credit: f64) -> Finding {
    Finding::new(rule, category, severity, Some(credit))
}

fn points(card: &ScoreCard, rule: &str) -> f64 {
    card.issues
        .iter()
        .find(|i| i.rule == rule)
        .unwrap_or_else(|| panic!("{rule} not an issue"))
        .points_lost
}

#[test]
fn example_1_wordpress_page_content_only() {
    use Category::*;
    use Severity::*;
    let mut findings = vec![
        f("meta.title.missing", Onpage, High, 1.0),
        f("meta.description.missing", Onpage, High, 1.0),
        f("url.underscore", Onpage, Low, 1.0),
        f("url.too_long", Onpage, Low, 1.0),
        f("meta.title.too_long", Onpage, Medium, 0.0),
        f("meta.description.too_short", Onpage, Medium, 0.5),
        f("content.empty", Content, High, 1.0),
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
    for i in 0..5 {
        findings.push(f(&format!("readability.low_{i}"), Content, Low, 1.0));
    }
    let card = score(Mode::ContentOnly, &findings);
    assert!((card.category_scores["onpage"].unwrap() - 81.25).abs() < 1e-9);
    assert!((card.category_scores["content"].unwrap() - 84.615).abs() < 1e-3);
    assert!((card.category_scores["structure"].unwrap() - 64.286).abs() < 1e-3);
    assert_eq!(card.category_scores["technical"], None);
    assert!((card.base - 76.305).abs() < 1e-3, "P = {}", card.base);
    assert_eq!(card.score, 76);
    assert_eq!(grade(card.score), "C");
    let expected = [
        ("links.internal.none", 5.26),
        ("images.alt.missing", 5.26),
        ("meta.title.too_long", 3.45),
        ("content.thin", 2.84),
        ("readability.sentence_length", 2.83),
        ("links.outbound.none", 2.63),
        ("meta.description.too_short", 1.73),
    ];
    for (rule, lost) in expected {
        assert!(
            (points(&card, rule) - lost).abs() < 1e-9,
            "{rule}: {}",
            points(&card, rule)
        );
    }
    let total: f64 = card.issues.iter().map(|i| i.points_lost).sum();
    assert!((total - 24.0).abs() < 1e-9);
    assert_eq!(card.issues.len(), 7);
    assert_eq!(
        card.issues[0].rule, "images.alt.missing",
        "ties on points order by severity then type"
    );
}

#[test]
fn example_2_missing_title_binds_the_high_cap() {
    use Category::*;
    use Severity::*;
    // Onpage weights: 5 + 5 + 9 x 2 + 1 = 29; only the missing title (5) fails.
    let mut findings = vec![
        f("meta.title.missing", Onpage, High, 0.0),
        f("meta.description.missing", Onpage, High, 1.0),
        f("url.underscore", Onpage, Low, 1.0),
        f("tech.ok", Technical, High, 1.0),
        f("content.ok", Content, High, 1.0),
        f("structure.ok", Structure, High, 1.0),
        f("perf.ok", Performance, Medium, 1.0),
    ];
    for i in 0..9 {
        findings.push(f(&format!("onpage.medium_{i}"), Onpage, Medium, 1.0));
    }
    let card = score(Mode::FullPage, &findings);
    assert!((card.category_scores["onpage"].unwrap() - 82.759).abs() < 1e-3);
    assert!((card.base - 97.414).abs() < 1e-3);
    assert_eq!(card.score, 89);
    assert_eq!(grade(89), "B");
    assert!((points(&card, "meta.title.missing") - 11.0).abs() < 1e-9);
}

#[test]
fn example_3_noindex_caps_at_40() {
    let mut gate = Finding::new(
        "index.noindex",
        Category::Technical,
        Severity::Critical,
        Some(0.0),
    );
    gate.gate = Some(Gate::NotIndexable);
    let findings = vec![
        gate,
        f("content.ok", Category::Content, Severity::High, 1.0),
    ];
    let card = score(Mode::FullPage, &findings);
    assert_eq!(card.score, 40);
    assert!(card.index_gate_fired);
    assert!((points(&card, "index.noindex") - 60.0).abs() < 1e-9);
}

#[test]
fn hard_gate_scores_zero_with_one_issue() {
    let mut gate = Finding::new(
        "http.status.error",
        Category::Technical,
        Severity::Critical,
        Some(0.0),
    );
    gate.gate = Some(Gate::HardFailure);
    let card = score(
        Mode::FullPage,
        &[
            gate,
            f("meta.title.missing", Category::Onpage, Severity::High, 0.0),
        ],
    );
    assert_eq!(card.score, 0);
    assert_eq!(card.issues.len(), 1);
    assert!((card.issues[0].points_lost - 100.0).abs() < 1e-9);
}

#[test]
fn no_applicable_rule_scores_100_and_advisories_are_notes() {
    let card = score(
        Mode::ContentOnly,
        &[f(
            "keyphrase.missing",
            Category::Onpage,
            Severity::Advisory,
            0.0,
        )],
    );
    assert_eq!(card.score, 100);
    assert!(card.issues.is_empty());
    assert_eq!(card.notes.len(), 1);
    assert_eq!(card.recommendations.len(), 1);
    assert_eq!(card.recommendations[0].priority, "low");
}

#[test]
fn points_always_sum_to_100_minus_score() {
    use Category::*;
    use Severity::*;
    let severities = [Critical, High, Medium, Low];
    let categories = [Technical, Content, Structure, Performance, Onpage];
    // A deterministic sweep of mixed outcomes.
    for seed in 0..200u32 {
        let findings: Vec<Finding> = (0..12)
            .map(|i| {
                let x = seed.wrapping_mul(2654435761).wrapping_add(i * 40503);
                let credit = [0.0, 0.5, 1.0][(x % 3) as usize];
                f(
                    &format!("r{i}"),
                    categories[(x / 3 % 5) as usize],
                    severities[(x / 15 % 4) as usize],
                    credit,
                )
            })
            .collect();
        for mode in [Mode::FullPage, Mode::ContentOnly] {
            let card = score(mode, &findings);
            assert!((0..=100).contains(&card.score));
            let total: f64 = card.issues.iter().map(|i| i.points_lost).sum();
            assert!(
                (total - (100 - card.score) as f64).abs() < 1e-6 || card.issues.is_empty(),
                "seed {seed}: {total} vs {}",
                card.score
            );
        }
    }
}
