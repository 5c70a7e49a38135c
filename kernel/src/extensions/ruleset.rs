//! Rulesets: which extensions score pages, in which order, with which configuration and overrides
//! (extensions.md §5.2, §6.4). A [`Ruleset`] is immutable; the kernel serves one active ruleset at a time.
//!
//! A server builds them from stored revisions (`crate::rulesets::entries`), including the revisions that
//! `extensions.ruleset_file` produces (`crate::rulesets::file`); [`Ruleset::bundled`] is what a runtime serves
//! before it has loaded one, and [`Ruleset::from_file`] reads a ruleset file without a database (tools, tests).

use super::diagnostic::Kind;
use super::host::ExtensionHost;
use super::limits::{self, Limits};
use super::load::LoadedExtension;
use super::wit::v1_0_0::types::Severity;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The revision number of the bundled ruleset.
pub const BUNDLED_REVISION: i64 = 1;
/// The revision number a ruleset read without a database ([`Ruleset::from_file`]) gets unless it names one.
pub const FILE_REVISION: i64 = 2;

/// A ruleset that cannot be built. The message names the entry and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ruleset: {0}")]
pub struct RulesetError(pub String);

/// An operator's change to one check of a rule extension (§6.4 `overrides`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Override {
    /// Drop the check's findings.
    pub disabled: bool,
    /// Replace the reported severity: `critical`, `high`, `medium` or `low`.
    pub severity: Option<String>,
    /// Replace the weight (0 to 100).
    pub weight: Option<f32>,
}

impl Override {
    pub(crate) fn severity(&self) -> Option<Severity> {
        match self.severity.as_deref()? {
            "critical" => Some(Severity::Critical),
            "high" => Some(Severity::High),
            "medium" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            _ => None,
        }
    }
}

/// One extension of a ruleset with its effective configuration.
#[derive(Debug, Clone)]
pub struct Entry {
    pub(crate) ext: LoadedExtension,
    /// `default-config` merged with the entry's config (JSON merge patch), as JSON text.
    pub(crate) config: Arc<str>,
    pub(crate) overrides: BTreeMap<String, Override>,
    pub(crate) limits: Limits,
}

impl Entry {
    pub fn extension(&self) -> &LoadedExtension {
        &self.ext
    }
    /// The configuration string the extension receives.
    pub fn config(&self) -> &str {
        &self.config
    }
}

/// An immutable ruleset revision, ready to run.
#[derive(Debug, Clone)]
pub struct Ruleset {
    pub(crate) revision: i64,
    pub(crate) comment: String,
    pub(crate) rules: Vec<Entry>,
    pub(crate) scorer: Option<Entry>,
    pub(crate) recommenders: Vec<Entry>,
}

impl Ruleset {
    /// Starts a ruleset made of already loaded extensions (tests, the file loader, bundled).
    pub fn builder() -> RulesetBuilder {
        RulesetBuilder::default()
    }

    /// Revision 1: the bundled core rules, scorer and recommender with their default configs.
    pub fn bundled(host: &ExtensionHost) -> Result<Ruleset, RulesetError> {
        let b = super::bundled::load(host)?;
        Ruleset::builder()
            .revision(BUNDLED_REVISION)
            .comment("bundled")
            .rule(b.rules, Value::Object(Map::new()))
            .scorer(b.scorer, Value::Object(Map::new()))
            .recommender(b.recommender, Value::Object(Map::new()))
            .build(host)
    }

    /// Reads a ruleset file (§6.11) without a database, for tools and tests. Components named by `path` are loaded
    /// like uploads (reserved `siloq.` ids refused; a failed conformance run only warns here, a server refuses it);
    /// `extension = "siloq.core-rules"` and the other bundled ids name the bundled components.
    pub fn from_file(host: &ExtensionHost, path: &Path) -> Result<Ruleset, RulesetError> {
        super::ruleset_file::load(host, path)
    }

    pub fn revision(&self) -> i64 {
        self.revision
    }
    pub fn comment(&self) -> &str {
        &self.comment
    }
    pub fn rules(&self) -> &[Entry] {
        &self.rules
    }
    /// `None`: the built-in scorer scores (by design, not degraded).
    pub fn scorer(&self) -> Option<&Entry> {
        self.scorer.as_ref()
    }
    pub fn recommenders(&self) -> &[Entry] {
        &self.recommenders
    }
    /// Every extension of the ruleset: rules, scorer, recommenders.
    pub fn extensions(&self) -> impl Iterator<Item = &LoadedExtension> {
        self.rules
            .iter()
            .chain(self.scorer.iter())
            .chain(self.recommenders.iter())
            .map(|e| &e.ext)
    }
}

struct Pending {
    ext: LoadedExtension,
    config: Value,
    overrides: BTreeMap<String, Override>,
}

/// Collects entries; [`RulesetBuilder::build`] checks them as §6.4 says.
#[derive(Default)]
pub struct RulesetBuilder {
    revision: Option<i64>,
    comment: String,
    rules: Vec<Pending>,
    scorer: Option<Pending>,
    recommenders: Vec<Pending>,
}

impl RulesetBuilder {
    pub fn revision(mut self, revision: i64) -> Self {
        self.revision = Some(revision);
        self
    }
    pub fn comment(mut self, comment: &str) -> Self {
        self.comment = comment.to_string();
        self
    }
    /// Appends a rule extension; `config` is merged into its `default-config`.
    pub fn rule(self, ext: LoadedExtension, config: Value) -> Self {
        self.rule_with_overrides(ext, config, BTreeMap::new())
    }
    pub fn rule_with_overrides(
        mut self,
        ext: LoadedExtension,
        config: Value,
        overrides: BTreeMap<String, Override>,
    ) -> Self {
        self.rules.push(Pending {
            ext,
            config,
            overrides,
        });
        self
    }
    pub fn scorer(mut self, ext: LoadedExtension, config: Value) -> Self {
        self.scorer = Some(Pending {
            ext,
            config,
            overrides: BTreeMap::new(),
        });
        self
    }
    pub fn recommender(mut self, ext: LoadedExtension, config: Value) -> Self {
        self.recommenders.push(Pending {
            ext,
            config,
            overrides: BTreeMap::new(),
        });
        self
    }

    /// Checks the composition (§5.2, §6.4): kinds, counts, no version twice, check ids unique across the rules,
    /// configs that are JSON objects of at most 64 KiB, overrides of declared checks only.
    pub fn build(self, host: &ExtensionHost) -> Result<Ruleset, RulesetError> {
        let err = |m: String| Err(RulesetError(m));
        if self.rules.len() > limits::MAX_RULES {
            return err(format!(
                "{} rule extensions; at most {}",
                self.rules.len(),
                limits::MAX_RULES
            ));
        }
        if self.recommenders.len() > limits::MAX_RECOMMENDERS {
            return err(format!(
                "{} recommenders; at most {}",
                self.recommenders.len(),
                limits::MAX_RECOMMENDERS
            ));
        }
        let mut versions = HashSet::new();
        let mut checks: BTreeMap<String, String> = BTreeMap::new();
        let mut entry = |p: Pending, kind: Kind| -> Result<Entry, RulesetError> {
            let name = format!("{}@{}", p.ext.id(), p.ext.version());
            if p.ext.kind() != kind {
                return Err(RulesetError(format!(
                    "{name} is a {} extension, listed as a {}",
                    p.ext.kind().as_str(),
                    kind.as_str()
                )));
            }
            if !versions.insert(name.clone()) {
                return Err(RulesetError(format!("{name} is listed twice")));
            }
            let Value::Object(patch) = p.config else {
                return Err(RulesetError(format!(
                    "the config of {name} is not a JSON object"
                )));
            };
            let mut merged = Value::Object(p.ext.default_config().clone());
            merge_patch(&mut merged, &Value::Object(patch));
            let config = merged.to_string();
            if config.len() > limits::CONFIG_BYTES {
                return Err(RulesetError(format!(
                    "the config of {name} has {} bytes; at most {}",
                    config.len(),
                    limits::CONFIG_BYTES
                )));
            }
            for (check, o) in &p.overrides {
                if p.ext.check(check).is_none() {
                    return Err(RulesetError(format!(
                        "{name} has an override for {check}, which it does not declare"
                    )));
                }
                if o.severity.is_some() && o.severity().is_none() {
                    return Err(RulesetError(format!(
                        "the override of {check} names severity {:?}; use critical, high, medium or low",
                        o.severity.as_deref().unwrap_or("")
                    )));
                }
                if o.weight
                    .is_some_and(|w| !w.is_finite() || !(0.0..=100.0).contains(&w))
                {
                    return Err(RulesetError(format!(
                        "the override of {check} needs a weight between 0 and 100"
                    )));
                }
            }
            if kind == Kind::Rule {
                for check in p.ext.info().checks.iter().map(|c| &c.id) {
                    if let Some(other) = checks.insert(check.clone(), name.clone()) {
                        return Err(RulesetError(format!(
                            "check {check} is declared by both {other} and {name}; check ids must be unique"
                        )));
                    }
                }
            }
            Ok(Entry {
                ext: p.ext,
                config: config.into(),
                overrides: p.overrides,
                limits: host.limits().clone(),
            })
        };
        let rules = self
            .rules
            .into_iter()
            .map(|p| entry(p, Kind::Rule))
            .collect::<Result<Vec<_>, _>>()?;
        let scorer = self.scorer.map(|p| entry(p, Kind::Scorer)).transpose()?;
        let recommenders = self
            .recommenders
            .into_iter()
            .map(|p| entry(p, Kind::Recommender))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Ruleset {
            revision: self.revision.unwrap_or(FILE_REVISION),
            comment: self.comment,
            rules,
            scorer,
            recommenders,
        })
    }
}

/// RFC 7386 JSON merge patch: objects merge key by key, `null` removes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(key);
            } else {
                merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Resolves `path` relative to the directory of `base_file`.
pub(crate) fn relative_to(base_file: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base_file
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1]});
        merge_patch(
            &mut target,
            &json!({"a": null, "b": {"c": 5}, "e": {"x": 1}, "f": "new"}),
        );
        assert_eq!(
            target,
            json!({"b": {"c": 5, "d": 3}, "e": {"x": 1}, "f": "new"})
        );
    }
}
