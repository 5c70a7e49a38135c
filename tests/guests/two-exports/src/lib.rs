//! `two-exports` (extensions.md §10 case 12): a component exporting both `rule-api` and `scorer-api`. The kernel
//! requires exactly one of the three API exports, so it must refuse this as `invalid_component`.

wit_bindgen::generate!({
    path: "../../../sdk/wit/v1.0.0",
    inline: "
        package siloq-test:guests;
        world two-exports {
            import siloq:rules/host@1.0.0;
            export siloq:rules/rule-api@1.0.0;
            export siloq:rules/scorer-api@1.0.0;
        }
    ",
    world: "siloq-test:guests/two-exports",
    with: {
        "siloq:rules/types@1.0.0": raw_kit::rule_bindings::siloq::rules::types,
        "siloq:rules/document@1.0.0": raw_kit::rule_bindings::siloq::rules::document,
        "siloq:rules/host@1.0.0": raw_kit::rule_bindings::siloq::rules::host,
    },
});

use raw_kit::*;

struct Both;

impl exports::siloq::rules::rule_api::Guest for Both {
    fn describe() -> ExtensionInfo {
        info(
            "test.two-exports",
            ExtensionKind::Rule,
            vec![check(
                "test.two_exports.ran",
                Category::Technical,
                Severity::Low,
            )],
        )
    }

    fn evaluate(_page: &Page, _config: String) -> Result<Vec<Finding>, ExtensionError> {
        Ok(Vec::new())
    }
}

impl exports::siloq::rules::scorer_api::Guest for Both {
    fn describe() -> ExtensionInfo {
        info("test.two-exports", ExtensionKind::Scorer, Vec::new())
    }

    fn score(
        _page: &Page,
        findings: Vec<SourcedFinding>,
        _config: String,
    ) -> Result<ScoreResult, ExtensionError> {
        Ok(ScoreResult {
            card: ScoreCard {
                score: 100.0,
                categories: Vec::new(),
                indexable: true,
            },
            points_lost: vec![0.0; findings.len()],
        })
    }
}

export!(Both);
