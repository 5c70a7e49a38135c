//! `api-1-9-0` (extensions.md §10 case 11): an otherwise well-formed rule whose WIT (`wit/rules.wit`, a copy of
//! `sdk/wit/v1.0.0/rules.wit` with only the package version changed) says `siloq:rules@1.9.0`, so it exports
//! `siloq:rules/rule-api@1.9.0`. A kernel that supports only 1.0.0 must refuse it by exact version
//! (`unsupported_api_version`).

wit_bindgen::generate!({ world: "rule", path: "wit" });

use exports::siloq::rules::rule_api::Guest;
use siloq::rules::document::Page;
use siloq::rules::types::{
    Category, CheckInfo, ExtensionError, ExtensionInfo, ExtensionKind, Finding, Severity,
};

struct Api;

const CHECK: &str = "test.api_version.ran";

impl Guest for Api {
    fn describe() -> ExtensionInfo {
        ExtensionInfo {
            id: "test.api-1-9-0".to_string(),
            name: "WIT 1.9.0".to_string(),
            version: "0.1.0".to_string(),
            kind: ExtensionKind::Rule,
            summary: "Built against siloq:rules@1.9.0".to_string(),
            sdk_version: "wit-bindgen".to_string(),
            checks: vec![CheckInfo {
                id: CHECK.to_string(),
                title: "Ran".to_string(),
                category: Category::Technical,
                severity: Severity::Low,
                requires: Vec::new(),
                blocking: None,
            }],
            config_schema: None,
            default_config: "{}".to_string(),
        }
    }

    fn evaluate(_page: &Page, _config: String) -> Result<Vec<Finding>, ExtensionError> {
        Ok(vec![Finding {
            check: CHECK.to_string(),
            category: Category::Technical,
            severity: Severity::Low,
            credit: Some(0.0),
            weight: None,
            message: "Built against siloq:rules@1.9.0.".to_string(),
            action: None,
            details: Vec::new(),
            affected: Vec::new(),
            blocking: None,
        }])
    }
}

export!(Api);
