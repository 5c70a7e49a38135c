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
