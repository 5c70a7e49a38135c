//! The host against the bundled components: loading, the pipeline on the fixture corpus, determinism.

use super::*;
use std::sync::{Arc, OnceLock};

/// One host and bundled ruleset for the whole test binary: compiling the components is the slow part.
fn bundled() -> &'static (Arc<ExtensionHost>, Ruleset) {
    static BUNDLED: OnceLock<(Arc<ExtensionHost>, Ruleset)> = OnceLock::new();
    BUNDLED.get_or_init(|| {
        let host = ExtensionHost::new(Limits::default()).expect("host");
        let ruleset = Ruleset::bundled(&host).expect("bundled ruleset");
        (host, ruleset)
    })
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../tests/fixtures/seo/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn bundled_extensions_load_with_their_ids() {
    let (_, ruleset) = bundled();
    assert_eq!(ruleset.revision(), 1);
    assert_eq!(ruleset.rules()[0].extension().id(), "siloq.core-rules");
    assert_eq!(
        ruleset.scorer().unwrap().extension().id(),
        "siloq.core-scorer"
    );
    assert_eq!(
        ruleset.recommenders()[0].extension().id(),
        "siloq.core-recommender"
    );
    assert_eq!(ruleset.rules()[0].extension().kind(), Kind::Rule);
}

#[test]
fn good_article_is_scored_by_the_components() {
    let (host, ruleset) = bundled();
    let page = PreparedPage::from_html(
        "https://acme-plumbing.example/blog/drain-care/",
        &fixture("01-good-article.html"),
    );
    let result = run_pipeline(host, ruleset, &page);
    assert!(result.diagnostics.is_empty(), "{:#?}", result.diagnostics);
    assert!(!result.degraded);
    assert!(!result.fallback_scorer && !result.fallback_recommender);
    let card = result.card.as_ref().expect("a card");
    assert!(card.score >= 80, "{card:?} {:#?}", result.issues);
    let lost: f64 = result.issues.iter().map(|i| i.points_lost).sum();
    assert!((lost - (100 - card.score) as f64).abs() < 0.011, "{lost}");
    assert_eq!(result.calls.len(), 3);
    assert!(
        result
            .calls
            .iter()
            .all(|c| c.failure.is_none() && c.fuel.is_some())
    );
}

#[test]
fn the_same_page_gives_the_same_result_and_fuel() {
    let (host, ruleset) = bundled();
    let page = PreparedPage::from_html(
        "https://acme-plumbing.example/missing-title/",
        &fixture("03-missing-title.html"),
    );
    let a = run_pipeline(host, ruleset, &page);
    let b = run_pipeline(host, ruleset, &page);
    assert_eq!(a.card, b.card);
    assert_eq!(a.issues, b.issues);
    assert_eq!(a.recommendations, b.recommendations);
    let fuel = |r: &PipelineResult| r.calls.iter().map(|c| c.fuel).collect::<Vec<_>>();
    assert_eq!(fuel(&a), fuel(&b));
}

#[test]
fn the_fallback_scorer_agrees_with_the_core_scorer() {
    let (host, ruleset) = bundled();
    let without_scorer = Ruleset::builder()
        .rule(
            ruleset.rules()[0].extension().clone(),
            serde_json::json!({}),
        )
        .build(host)
        .unwrap();
    for name in [
        "01-good-article.html",
        "03-missing-title.html",
        "04-duplicate-h1.html",
        "05-no-meta-description.html",
    ] {
        let page = PreparedPage::from_html("https://acme-plumbing.example/p/", &fixture(name));
        let guest = run_pipeline(host, ruleset, &page);
        let native = run_pipeline(host, &without_scorer, &page);
        assert!(native.fallback_scorer && !native.degraded, "{name}");
        assert_eq!(guest.card, native.card, "{name}");
        let points = |r: &PipelineResult| {
            r.issues
                .iter()
                .map(|i| (i.check.clone(), i.points_lost))
                .collect::<Vec<_>>()
        };
        assert_eq!(points(&guest), points(&native), "{name}");
    }
}

#[test]
fn garbage_is_refused_with_a_reason() {
    let (host, _) = bundled();
    assert_eq!(host.load(b"").unwrap_err().code(), "invalid_component");
    assert_eq!(
        host.load(b"\0asm\x01\0\0\0").unwrap_err().code(),
        "invalid_component"
    );
    assert!(
        host.load(b"\0asm\x01\0\0\0")
            .unwrap_err()
            .to_string()
            .contains("core module")
    );
    let half = &bundled::CORE_SCORER.bytes[..bundled::CORE_SCORER.bytes.len() / 2];
    assert_eq!(host.load(half).unwrap_err().code(), "invalid_component");
}

#[test]
fn bundled_extensions_pass_the_conformance_run() {
    let (host, ruleset) = bundled();
    let exts = [
        ruleset.rules()[0].extension(),
        ruleset.scorer().unwrap().extension(),
        ruleset.recommenders()[0].extension(),
    ];
    for ext in exts {
        let report = host.conformance(ext);
        assert!(report.passed(), "{}: {:#?}", ext.id(), report.problems());
        assert!(report.runs.iter().all(|r| r.fuel.is_some()));
    }
    // Bundled ids are reserved: an upload of the same bytes is refused.
    let err = host
        .validate_upload(bundled::CORE_SCORER.bytes)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_component");
    assert!(err.to_string().contains("reserved"), "{err}");
}

#[test]
fn a_ruleset_file_composes_bundled_extensions_with_config_and_overrides() {
    let (host, _) = bundled();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ruleset.toml");
    std::fs::write(
        &path,
        r#"
comment = "test"
revision = 7

[[rules]]
extension = "siloq.core-rules"
[rules.overrides."links.outbound.none"]
disabled = true

[[recommenders]]
extension = "siloq.core-recommender"
"#,
    )
    .unwrap();
    let ruleset = Ruleset::from_file(host, &path).unwrap();
    assert_eq!(ruleset.revision(), 7);
    assert!(ruleset.scorer().is_none(), "no scorer: the built-in one");
    let page = PreparedPage::from_html(
        "https://acme-plumbing.example/p/",
        &fixture("01-good-article.html"),
    );
    let result = run_pipeline(host, &ruleset, &page);
    assert!(result.fallback_scorer && !result.degraded);
    assert!(
        result
            .findings
            .iter()
            .all(|f| f.finding.check != "links.outbound.none")
    );

    for (text, expect) in [
        (
            "[[rules]]\nextension = \"acme.nope\"\n",
            "no registered extension acme.nope",
        ),
        ("[[rules]]\npath = \"missing.wasm\"\n", "cannot read"),
        (
            "[[rules]]\nextension = \"siloq.core-scorer\"\n",
            "is a scorer extension, listed as a rule",
        ),
        ("[[rulez]]\n", "not a valid ruleset file"),
        (
            "[[rules]]\nextension = \"siloq.core-rules\"\n[rules.overrides.\"no.such_check\"]\ndisabled = true\n",
            "does not declare",
        ),
    ] {
        std::fs::write(&path, text).unwrap();
        let err = Ruleset::from_file(host, &path).unwrap_err();
        assert!(err.to_string().contains(expect), "{text}: {err}");
    }
}
