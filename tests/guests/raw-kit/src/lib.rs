//! Raw bindings of `siloq:rules@1.0.0` for the guests that must produce output the SDK would never let through
//! (over-long strings, too many findings, NaN credits, malformed score results). Each such guest depends on this
//! crate and on `wit-bindgen`, implements the generated `Guest` trait itself and registers it with
//! [`export_rule!`] or [`export_scorer!`]; the helpers below keep the records short to write.

pub mod rule_bindings {
    wit_bindgen::generate!({
        world: "rule",
        path: "../../../sdk/wit/v1.0.0",
        pub_export_macro: true,
        export_macro_name: "export_rule",
        default_bindings_module: "raw_kit::rule_bindings",
    });
}

pub mod scorer_bindings {
    wit_bindgen::generate!({
        world: "scorer",
        path: "../../../sdk/wit/v1.0.0",
        pub_export_macro: true,
        export_macro_name: "export_scorer",
        default_bindings_module: "raw_kit::scorer_bindings",
        with: {
            "siloq:rules/types@1.0.0": crate::rule_bindings::siloq::rules::types,
            "siloq:rules/document@1.0.0": crate::rule_bindings::siloq::rules::document,
            "siloq:rules/host@1.0.0": crate::rule_bindings::siloq::rules::host,
        },
    });
}

pub use rule_bindings::export_rule;
pub use rule_bindings::exports::siloq::rules::rule_api::Guest as RuleGuest;
pub use rule_bindings::siloq::rules::document::Page;
pub use rule_bindings::siloq::rules::host::{LogLevel, log};
pub use rule_bindings::siloq::rules::types::{
    Blocking, Capability, Category, CategoryScore, CheckInfo, Detail, DetailValue, ExtensionError,
    ExtensionInfo, ExtensionKind, Finding, ScoreCard, ScoreResult, Severity, SourcedFinding,
};
pub use scorer_bindings::export_scorer;
pub use scorer_bindings::exports::siloq::rules::scorer_api::Guest as ScorerGuest;

/// A declared check with no capability requirement and no blocking kind.
pub fn check(id: &str, category: Category, severity: Severity) -> CheckInfo {
    CheckInfo {
        id: id.to_string(),
        title: id.to_string(),
        category,
        severity,
        requires: Vec::new(),
        blocking: None,
    }
}

/// What `describe` returns for a test guest: version 0.1.0, `{}` as the default config.
pub fn info(id: &str, kind: ExtensionKind, checks: Vec<CheckInfo>) -> ExtensionInfo {
    ExtensionInfo {
        id: id.to_string(),
        name: id.to_string(),
        version: "0.1.0".to_string(),
        kind,
        summary: "Siloq test guest".to_string(),
        sdk_version: "raw-kit".to_string(),
        checks,
        config_schema: None,
        default_config: "{}".to_string(),
    }
}

/// A finding with the given credit and message, no details.
pub fn finding(
    check: &str,
    category: Category,
    severity: Severity,
    credit: Option<f32>,
    message: &str,
) -> Finding {
    Finding {
        check: check.to_string(),
        category,
        severity,
        credit,
        weight: None,
        message: message.to_string(),
        action: None,
        details: Vec::new(),
        affected: Vec::new(),
        blocking: None,
    }
}

/// The `mode` string of a config such as `{"mode": "findings-201"}`; `default` when absent or unreadable.
pub fn mode(config: &str, default: &str) -> String {
    serde_json::from_str::<serde_json::Value>(config)
        .ok()
        .and_then(|v| v.get("mode").and_then(|m| m.as_str()).map(str::to_string))
        .unwrap_or_else(|| default.to_string())
}
