use super::*;
use siloq_sdk::scoring::{self, Mode};
use siloq_sdk::testing::{MockPage, run_recommender, scored_issues, sourced};

fn issue(check: &str, severity: Severity, points_lost: f32) -> ScoredIssue {
    let s = sourced(
        "siloq.core-rules",
        check,
        Category::Structure,
        severity,
        Some(0.0),
    );
    ScoredIssue {
        extension: s.extension,
        finding: s.finding,
        points_lost,
    }
}

fn card() -> ScoreCard {
    ScoreCard {
        score: 80.0,
        categories: Vec::new(),
        indexable: true,
    }
}

fn run(issues: &[ScoredIssue], config: &str) -> Vec<Recommendation> {
    run_recommender::<CoreRecommender>(&MockPage::default(), &card(), issues, config)
        .expect("recommends")
}

#[test]
fn one_recommendation_per_issue_with_priority_from_severity() {
    let mut with_action = issue("links.internal.none", Severity::Medium, 5.26);
    with_action.finding.action = Some("Link to related pages.".into());
    let issues = [
        issue("a.critical", Severity::Critical, 1.0),
        issue("b.high", Severity::High, 2.0),
        with_action,
        issue("d.low", Severity::Low, 0.5),
    ];
    let recs = run(&issues, "");
    let by = |check: &str| recs.iter().find(|r| r.check == check).unwrap();
    assert_eq!(by("a.critical").priority, Priority::High);
    assert_eq!(by("b.high").priority, Priority::High);
    assert_eq!(by("links.internal.none").priority, Priority::Medium);
    assert_eq!(by("d.low").priority, Priority::Low);
    assert_eq!(by("links.internal.none").action, "Link to related pages.");
    assert_eq!(by("d.low").action, "Review this issue.");
    assert_eq!(by("b.high").impact, 2.0);
    assert_eq!(by("b.high").category, Category::Structure);
    assert_eq!(by("b.high").message, "b.high fired.");
    let order: Vec<&str> = recs.iter().map(|r| r.check.as_str()).collect();
    assert_eq!(
        order,
        ["links.internal.none", "b.high", "a.critical", "d.low"]
    );
}

#[test]
fn ties_order_by_severity_then_check() {
    let issues = [
        issue("z.medium", Severity::Medium, 1.0),
        issue("y.high", Severity::High, 1.0),
        issue("x.critical", Severity::Critical, 1.0),
        issue("a.medium", Severity::Medium, 1.0),
    ];
    let order: Vec<String> = run(&issues, "{}").into_iter().map(|r| r.check).collect();
    assert_eq!(order, ["x.critical", "y.high", "a.medium", "z.medium"]);
}

#[test]
fn priority_order_is_available_by_config() {
    let issues = [
        issue("a.low", Severity::Low, 9.0),
        issue("b.high", Severity::High, 1.0),
    ];
    let order: Vec<String> = run(&issues, r#"{"order": "priority"}"#)
        .into_iter()
        .map(|r| r.check)
        .collect();
    assert_eq!(order, ["b.high", "a.low"]);
}

#[test]
fn at_most_50() {
    let issues: Vec<ScoredIssue> = (0..120)
        .map(|i| issue(&format!("c.n{i:03}"), Severity::Low, i as f32 / 10.0))
        .collect();
    let recs = run(&issues, "");
    assert_eq!(recs.len(), 50);
    assert_eq!(recs[0].check, "c.n119");
    assert_eq!(run(&issues, r#"{"max": 3}"#).len(), 3);
}

#[test]
fn a_hard_failure_is_the_only_recommendation() {
    let mut gate = issue("http.status.error", Severity::Critical, 100.0);
    gate.finding.blocking = Some(Blocking::HardFailure);
    let recs = run(
        &[issue("meta.title.missing", Severity::High, 0.0), gate],
        "",
    );
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].check, "http.status.error");
    assert_eq!(recs[0].impact, 100.0);
}

#[test]
fn passes_and_not_applicable_findings_are_ignored() {
    let mut pass = issue("a.pass", Severity::High, 0.0);
    pass.finding.credit = Some(1.0);
    let mut na = issue("b.na", Severity::High, 0.0);
    na.finding.credit = None;
    assert!(run(&[pass, na], "").is_empty());
}

#[test]
fn worked_example_1_end_to_end() {
    use Category::*;
    use Severity::*;
    let f = |check: &str, category, severity, credit| {
        sourced("siloq.core-rules", check, category, severity, Some(credit))
    };
    let findings = vec![
        f("meta.title.too_long", Onpage, Medium, 0.0),
        f("meta.description.too_short", Onpage, Medium, 0.5),
        f("meta.title.missing", Onpage, High, 1.0),
        f("meta.description.missing", Onpage, High, 1.0),
        f("url.underscore", Onpage, Low, 1.0),
        f("url.too_long", Onpage, Low, 1.0),
        f("content.empty", Content, High, 1.0),
        f("content.thin", Content, Medium, 0.5),
        f("readability.sentence_length", Content, Low, 0.0),
        f("r.1", Content, Low, 1.0),
        f("r.2", Content, Low, 1.0),
        f("r.3", Content, Low, 1.0),
        f("r.4", Content, Low, 1.0),
        f("r.5", Content, Low, 1.0),
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
    let result = scoring::score(Mode::ContentOnly, &findings);
    let issues = scored_issues(&findings, &result);
    let recs = run_recommender::<CoreRecommender>(
        &MockPage::default().wordpress("1"),
        &result.card,
        &issues,
        "",
    )
    .unwrap();
    let got: Vec<(&str, f32)> = recs.iter().map(|r| (r.check.as_str(), r.impact)).collect();
    assert_eq!(
        got,
        [
            ("images.alt.missing", 5.26),
            ("links.internal.none", 5.26),
            ("meta.title.too_long", 3.45),
            ("content.thin", 2.84),
            ("readability.sentence_length", 2.83),
            ("links.outbound.none", 2.63),
            ("meta.description.too_short", 1.73),
        ]
    );
}

#[test]
fn describe_carries_the_schema_and_default_config() {
    let info = siloq_sdk::__private::describe_recommender::<CoreRecommender>("1.0.0");
    assert_eq!(info.kind, ExtensionKind::Recommender);
    let defaults: serde_json::Value = serde_json::from_str(&info.default_config).unwrap();
    assert_eq!(defaults, serde_json::json!({"order": "impact", "max": 50}));
    let schema: serde_json::Value =
        serde_json::from_str(info.config_schema.as_deref().unwrap()).unwrap();
    assert_eq!(schema["type"], "object");
}

#[test]
fn unknown_config_keys_are_an_operator_error() {
    let err =
        run_recommender::<CoreRecommender>(&MockPage::default(), &card(), &[], r#"{"maxx": 3}"#)
            .unwrap_err();
    assert!(matches!(err, ExtensionError::InvalidConfig(_)));
}
