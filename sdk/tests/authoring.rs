//! The SDK as an author sees it: a rule, a recommender and the caps `Report` and `Advice` enforce.

use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;
use siloq_sdk::testing::{MockPage, run_recommender, run_rule, sourced};
use siloq_sdk::{DetailValue, MAX_AFFECTED, MAX_DETAILS, MAX_FINDINGS, MAX_MESSAGE_BYTES, limits};

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
struct Config {
    min_words: u32,
}

/// A rule whose behaviour is picked by the page's URL slug, so one type covers every case below.
struct Probe;

impl Rule for Probe {
    type Config = Config;

    fn info() -> RuleInfo {
        let mut info = RuleInfo::new("acme.probe", "Probe")
            .summary("Test rule.")
            .check(Check::new(
                "probe.words",
                Category::Content,
                Severity::Medium,
                "Words",
            ))
            .check(
                Check::new(
                    "probe.keyphrase",
                    Category::Onpage,
                    Severity::Low,
                    "Keyphrase",
                )
                .requires(Capability::Keyphrase),
            )
            .check(
                Check::new(
                    "probe.status",
                    Category::Technical,
                    Severity::Critical,
                    "Status",
                )
                .blocking(Blocking::HardFailure),
            );
        for i in 0..=MAX_FINDINGS {
            info = info.check(Check::new(
                format!("probe.many_{i}"),
                Category::Content,
                Severity::Low,
                "Many",
            ));
        }
        info
    }

    fn evaluate(
        page: &impl PageView,
        config: &Config,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let info = page.info();
        match info.final_url.slug.as_str() {
            "internal" => return Err(ExtensionError::Internal("boom".into())),
            "undeclared" => {
                out.pass("probe.nope");
            }
            "twice" => {
                out.pass("probe.words");
                out.pass("probe.words");
            }
            "reserved" => {
                out.fail("probe.words", "x").detail("credit", 1);
            }
            "many" => {
                for i in 0..=MAX_FINDINGS {
                    out.pass(&format!("probe.many_{i}"));
                }
            }
            "caps" => {
                let finding = out.fail("probe.words", "é".repeat(MAX_MESSAGE_BYTES));
                finding
                    .action("a".repeat(5000))
                    .detail("k".repeat(100), "v".repeat(600));
                for i in 0..40 {
                    finding.detail(format!("d{i}"), i);
                    finding.affected(format!("#a{i}"));
                }
                finding
                    .detail("texts", vec!["x".repeat(600), "y".into()])
                    .severity(Severity::High)
                    .weight(250.0);
            }
            "bulky" => {
                let finding = out.fail("probe.words", "bulky");
                for i in 0..20 {
                    finding.detail(format!("t{i}"), "z".repeat(400));
                }
            }
            _ => {
                let words = info.word_count_main;
                if words >= config.min_words {
                    out.pass("probe.words");
                } else {
                    out.partial("probe.words", 0.5, format!("The page has {words} words."))
                        .action("Write more.")
                        .detail("words", words)
                        .detail("ratio", words as f64 / config.min_words as f64)
                        .detail("thin", true);
                }
                out.fail("probe.keyphrase", "No keyphrase in the title.");
                match page.http() {
                    Some(http) if http.status >= 400 => {
                        out.fail("probe.status", format!("HTTP {}", http.status));
                    }
                    _ => {
                        out.pass("probe.status");
                    }
                }
            }
        }
        Ok(())
    }
}

fn page(slug: &str) -> MockPage {
    MockPage::new(format!("https://example.test/{slug}"))
}

#[test]
fn a_rule_runs_natively_with_typed_config() {
    let p = page("post").words(120);
    let out = run_rule::<Probe>(&p, "").unwrap();
    assert_eq!(out.credit("probe.words"), Some(1.0));
    let out = run_rule::<Probe>(&p, r#"{"min_words": 300}"#).unwrap();
    let words = out.finding("probe.words").unwrap();
    assert_eq!(words.credit, Some(0.5));
    assert_eq!(words.category, Category::Content);
    assert_eq!(words.severity, Severity::Medium);
    assert_eq!(words.message, "The page has 120 words.");
    assert_eq!(words.action.as_deref(), Some("Write more."));
    assert_eq!(words.details[0].value, DetailValue::Integer(120));
    assert_eq!(words.details[1].value, DetailValue::Number(0.4));
    assert_eq!(words.details[2].value, DetailValue::Boolean(true));
    assert_eq!(
        out.issues().len(),
        1,
        "the keyphrase check does not apply without the capability"
    );
    assert_eq!(out.credit("probe.status"), Some(1.0));
    assert_eq!(
        out.finding("probe.status").unwrap().blocking,
        Some(Blocking::HardFailure)
    );
}

#[test]
fn a_check_needing_a_missing_capability_is_not_applicable() {
    let out = run_rule::<Probe>(&page("post"), "").unwrap();
    assert!(out.is_reported("probe.keyphrase"));
    assert_eq!(out.credit("probe.keyphrase"), None);
    let out = run_rule::<Probe>(&page("post").keyphrase("blue shoes"), "").unwrap();
    assert_eq!(out.credit("probe.keyphrase"), Some(0.0));
}

#[test]
fn config_errors_are_operator_errors_and_rule_errors_pass_through() {
    let err = run_rule::<Probe>(&page("post"), r#"{"min_words": "many"}"#).unwrap_err();
    assert!(matches!(err, ExtensionError::InvalidConfig(_)), "{err:?}");
    let err = run_rule::<Probe>(&page("post"), r#"{"other": 1}"#).unwrap_err();
    assert!(matches!(err, ExtensionError::InvalidConfig(_)));
    let err = run_rule::<Probe>(&page("internal"), "{}").unwrap_err();
    assert_eq!(err, ExtensionError::Internal("boom".into()));
}

#[test]
#[should_panic(expected = "\"probe.nope\" is not declared")]
fn an_undeclared_check_panics_natively() {
    let _ = run_rule::<Probe>(&page("undeclared"), "");
}

#[test]
#[should_panic(expected = "\"probe.words\" is reported twice")]
fn a_duplicate_check_panics_natively() {
    let _ = run_rule::<Probe>(&page("twice"), "");
}

#[test]
#[should_panic(expected = "reserved")]
fn a_reserved_detail_key_panics_natively() {
    let _ = run_rule::<Probe>(&page("reserved"), "");
}

#[test]
#[should_panic(expected = "more than 200 findings")]
fn more_than_200_findings_panics_natively() {
    let _ = run_rule::<Probe>(&page("many"), "");
}

#[test]
fn strings_counts_and_details_are_cut_to_the_kernel_caps() {
    let out = run_rule::<Probe>(&page("caps"), "").unwrap();
    let f = out.finding("probe.words").unwrap();
    assert_eq!(
        f.message.len(),
        MAX_MESSAGE_BYTES,
        "512 two-byte characters fit exactly"
    );
    assert_eq!(f.action.as_ref().unwrap().len(), MAX_MESSAGE_BYTES);
    assert_eq!(f.details.len(), MAX_DETAILS);
    assert_eq!(f.details[0].key.len(), limits::MAX_DETAIL_KEY_BYTES);
    assert_eq!(
        f.details[0].value,
        DetailValue::Text("v".repeat(limits::MAX_DETAIL_TEXT_BYTES))
    );
    assert!(
        f.details.iter().all(|d| d.key != "texts"),
        "the 33rd detail is dropped"
    );
    assert_eq!(f.affected.len(), MAX_AFFECTED);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.weight, Some(100.0));
}

#[test]
fn details_stop_at_4_kib() {
    let out = run_rule::<Probe>(&page("bulky"), "").unwrap();
    let f = out.finding("probe.words").unwrap();
    let bytes: usize = f.details.iter().map(limits::detail_bytes).sum();
    assert!(bytes <= limits::MAX_DETAILS_BYTES);
    assert_eq!(
        f.details.len(),
        10,
        "ten details of 402 bytes fit in 4 KiB, the eleventh does not"
    );
}

#[test]
fn a_repeated_detail_key_replaces_the_value() {
    let mut report = Report::new(Probe::info().checks());
    report
        .fail("probe.words", "x")
        .detail("n", 1)
        .detail("n", "two");
    let findings = report.finish();
    assert_eq!(findings[0].details.len(), 1);
    assert_eq!(
        findings[0].details[0].value,
        DetailValue::Text("two".into())
    );
}

#[test]
fn partial_credit_is_clamped() {
    let mut report = Report::new(Probe::info().checks());
    report.partial("probe.words", 1.5, "x");
    assert_eq!(report.finish()[0].credit, Some(1.0));
}

#[test]
fn no_config_accepts_any_object() {
    let parse = siloq_sdk::__private::parse_config::<NoConfig>;
    assert!(parse("").is_ok());
    assert!(parse("{}").is_ok());
    assert!(parse(r#"{"anything": [1, 2]}"#).is_ok());
    assert!(parse("nope").is_err());
}

#[test]
fn describe_is_filled_from_info_and_the_crate() {
    let info = siloq_sdk::__private::describe_rule::<Probe>("0.3.1");
    assert_eq!(info.id, "acme.probe");
    assert_eq!(info.version, "0.3.1");
    assert_eq!(info.kind, ExtensionKind::Rule);
    assert_eq!(info.sdk_version, siloq_sdk::SDK_VERSION);
    assert_eq!(info.default_config, r#"{"min_words":0}"#);
    assert_eq!(info.checks[1].requires, vec![Capability::Keyphrase]);
    assert_eq!(siloq_sdk::API_VERSION, "1.0.0");
    siloq_sdk::validate::describe(&info).unwrap();
}

struct Advisor;

impl Recommender for Advisor {
    type Config = NoConfig;

    fn info() -> RecommenderInfo {
        RecommenderInfo::new("acme.advisor", "Advisor").check(Check::new(
            "advice.site_audit",
            Category::Technical,
            Severity::Low,
            "Audit",
        ))
    }

    fn recommend(
        _page: &impl PageView,
        card: &ScoreCard,
        issues: &[ScoredIssue],
        _config: &NoConfig,
        out: &mut Advice,
    ) -> Result<(), ExtensionError> {
        for issue in issues {
            out.for_issue(issue);
        }
        if card.score < 50.0 {
            out.recommend("advice.site_audit", Priority::High, "Book an audit.")
                .impact(f32::NAN);
        }
        if issues.is_empty() {
            out.recommend("not.an_issue", Priority::Low, "x");
        }
        Ok(())
    }
}

#[test]
fn advice_names_issues_or_declared_checks() {
    let s = sourced(
        "acme.probe",
        "probe.words",
        Category::Content,
        Severity::Critical,
        Some(0.0),
    );
    let issue = ScoredIssue {
        extension: s.extension,
        finding: s.finding,
        points_lost: 12.5,
    };
    let card = ScoreCard {
        score: 40.0,
        categories: Vec::new(),
        indexable: true,
    };
    let recs = run_recommender::<Advisor>(&MockPage::default(), &card, &[issue], "").unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].priority, Priority::High);
    assert_eq!(recs[0].impact, 12.5);
    assert_eq!(recs[0].action, siloq_sdk::DEFAULT_ACTION);
    assert_eq!(recs[1].category, Category::Technical);
    assert_eq!(recs[1].impact, 0.0);
}

#[test]
#[should_panic(expected = "neither an issue on this page nor declared")]
fn advice_for_an_unknown_check_panics_natively() {
    let card = ScoreCard {
        score: 90.0,
        categories: Vec::new(),
        indexable: true,
    };
    let _ = run_recommender::<Advisor>(&MockPage::default(), &card, &[], "");
}

#[test]
fn log_macros_format() {
    siloq_sdk::log::info!("scored {} findings", 3);
    siloq_sdk::log::debug!("{:?}", Severity::High);
    siloq_sdk::log::warn!("w");
    siloq_sdk::log::error!("e");
}
