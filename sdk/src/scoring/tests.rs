//! Properties of the scoring model; the worked examples of seo-rules.md §2.10 are in `siloq-core-scorer`.

use super::*;
use crate::testing::sourced;

fn f(check: &str, category: Category, severity: Severity, credit: f32) -> SourcedFinding {
    sourced("t.rules", check, category, severity, Some(credit))
}

#[test]
fn points_always_add_up_to_100_minus_score() {
    let severities = Severity::ALL;
    for seed in 0..300u32 {
        let findings: Vec<SourcedFinding> = (0..14)
            .map(|i| {
                let x = seed.wrapping_mul(2_654_435_761).wrapping_add(i * 40_503);
                let mut s = f(
                    &format!("r.c{i:02}"),
                    Category::ALL[(x / 3 % 5) as usize],
                    severities[(x / 15 % 4) as usize],
                    [0.0, 0.5, 1.0, 0.75][(x % 4) as usize],
                );
                if x % 37 == 0 {
                    s.finding.blocking = Some(Blocking::NotIndexable);
                }
                if x % 23 == 0 {
                    s.finding.weight = Some(0.0);
                }
                s
            })
            .collect();
        for mode in [Mode::FullPage, Mode::ContentOnly] {
            let b = breakdown(mode, &findings);
            assert!((0..=100).contains(&b.score));
            assert_eq!(
                b.hundredths.iter().sum::<i64>(),
                (100 - b.score) * 100,
                "seed {seed} {mode:?}"
            );
            let result = b.result();
            assert_eq!(result.points_lost.len(), findings.len());
            assert_eq!(round_score(f64::from(result.card.score)), b.score);
            for (s, &h) in findings.iter().zip(&b.hundredths) {
                if h > 0 {
                    assert!(
                        fired(&s.finding),
                        "{} costs points without firing",
                        s.finding.check
                    );
                    assert!(!is_advisory(&s.finding));
                }
            }
        }
    }
}

#[test]
fn hard_gate_zeroes_the_page_and_takes_all_points() {
    let mut timeout = f("http.timeout", Category::Technical, Severity::Critical, 0.0);
    timeout.finding.blocking = Some(Blocking::HardFailure);
    let mut status = f(
        "http.status.error",
        Category::Technical,
        Severity::Critical,
        0.0,
    );
    status.finding.blocking = Some(Blocking::HardFailure);
    let findings = vec![
        f("meta.title.missing", Category::Onpage, Severity::High, 0.0),
        timeout,
        status,
    ];
    let b = breakdown(Mode::FullPage, &findings);
    assert_eq!(b.score, 0);
    assert_eq!(
        b.hard_failure,
        Some(2),
        "http.status.error is evaluated first"
    );
    assert_eq!(b.hundredths, vec![0, 0, 10_000]);
    let result = b.result();
    assert_eq!(result.card.score, 0.0);
    assert!(result.card.categories.iter().all(|c| c.score.is_none()));
}

#[test]
fn advisory_findings_cost_nothing_and_no_applicable_check_scores_100() {
    let mut note = f("keyphrase.missing", Category::Onpage, Severity::Low, 0.0);
    note.finding.weight = Some(0.0);
    let b = breakdown(Mode::ContentOnly, &[note]);
    assert_eq!(b.score, 100);
    assert_eq!(b.hundredths, vec![0]);
    assert!(b.categories.iter().all(|(_, s)| s.is_none()));
}

#[test]
fn weight_override_replaces_the_severity_weight() {
    let mut heavy = f("a.heavy", Category::Content, Severity::Low, 0.0);
    heavy.finding.weight = Some(3.0);
    let b = breakdown(
        Mode::ContentOnly,
        &[heavy, f("a.ok", Category::Content, Severity::Low, 1.0)],
    );
    assert!((b.category(Category::Content).unwrap() - 25.0).abs() < 1e-9);
}

#[test]
fn content_only_ignores_technical_and_performance() {
    let findings = vec![
        f("t.fail", Category::Technical, Severity::High, 0.0),
        f("p.fail", Category::Performance, Severity::Critical, 0.0),
        f("c.ok", Category::Content, Severity::Medium, 1.0),
    ];
    let b = breakdown(Mode::ContentOnly, &findings);
    assert_eq!(b.score, 100);
    assert_eq!(b.cap, None);
    assert_eq!(b.category(Category::Technical), None);
    let b = breakdown(Mode::FullPage, &findings);
    assert_eq!(b.cap, Some(Cap::Critical));
}

#[test]
fn critical_cap_binds_below_high() {
    let findings = vec![
        f(
            "https.not_used",
            Category::Technical,
            Severity::Critical,
            0.0,
        ),
        f("meta.title.missing", Category::Onpage, Severity::High, 0.0),
        f("t.ok", Category::Technical, Severity::Critical, 1.0),
        f("t.ok2", Category::Technical, Severity::Critical, 1.0),
        f("t.ok3", Category::Technical, Severity::Critical, 1.0),
        f("o.ok", Category::Onpage, Severity::Critical, 1.0),
    ];
    let b = breakdown(Mode::FullPage, &findings);
    assert_eq!(b.cap, Some(Cap::Critical));
    assert_eq!(b.score, 59);
    // The excess goes to the critical check only.
    let excess = b.base - 59.0;
    let raw_https = 100.0 * (25.0 / 40.0) * 10.0 / 40.0;
    assert!((b.raw[0] - raw_https - excess).abs() < 1e-9);
}

#[test]
fn apportion_breaks_ties_by_check_id() {
    assert_eq!(
        apportion(&[1.0, 1.0, 1.0], &["c", "a", "b"], 1),
        vec![33, 34, 33]
    );
    assert_eq!(apportion(&[0.0, 2.0], &["a", "b"], 0), vec![0, 0]);
    assert_eq!(apportion(&[0.0, 0.0], &["a", "b"], 5), vec![0, 0]);
}

#[test]
fn score_as_f32_keeps_the_rounding() {
    // 76.49999999 rounds to 76 in f64 but its nearest f32 is 76.5.
    let v = score_as_f32(76.499_999_99, 76);
    assert_eq!(round_score(f64::from(v)), 76);
}

#[test]
fn mode_follows_the_source() {
    let page = crate::testing::MockPage::new("https://example.test/");
    assert_eq!(Mode::of(&page.info), Mode::FullPage);
    assert_eq!(Mode::of(&page.wordpress("1").info), Mode::ContentOnly);
}
