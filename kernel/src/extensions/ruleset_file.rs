//! The format of `extensions.ruleset_file` (extensions.md §6.11): the whole ruleset as TOML.
//!
//! ```toml
//! comment = "Acme scoring"
//!
//! [[rules]]
//! extension = "siloq.core-rules"      # a registered version (version optional: the bundled or newest one)
//! [rules.config.content]
//! min_words = 400
//! [rules.overrides."links.outbound.none"]
//! disabled = true
//!
//! [[rules]]
//! path = "extensions/acme-local-seo.wasm"   # relative to this file
//! [rules.config]
//! city = "Berlin"
//!
//! [scorer]                            # optional; the built-in scorer when absent
//! extension = "siloq.core-scorer"
//!
//! [[recommenders]]
//! extension = "siloq.core-recommender"
//! ```
//!
//! This module only reads the file ([`parse`]) into [`FileSpec`]. A server turns it into a stored, activated
//! revision in `crate::rulesets::file` (validation like an upload, registration, revision, activation, hot
//! reload). [`load`] builds a ruleset from the file without any database, for tools and tests: `extension` then
//! names a bundled component only, and a `path` component that fails the conformance run is used with a warning.
//! The optional `revision` key only numbers such an offline ruleset; servers number revisions in the database.

use super::bundled;
use super::host::ExtensionHost;
use super::load::LoadedExtension;
use super::ruleset::{Override, Ruleset, RulesetError, relative_to};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    comment: String,
    revision: Option<i64>,
    #[serde(default)]
    rules: Vec<FileEntry>,
    scorer: Option<FileEntry>,
    #[serde(default)]
    recommenders: Vec<FileEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    extension: Option<String>,
    version: Option<String>,
    path: Option<PathBuf>,
    #[serde(default)]
    config: Option<Value>,
    #[serde(default)]
    overrides: Map<String, Value>,
}

/// Where an item's component comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemSource {
    /// A registered version by id (`version` absent: the bundled one for bundled ids, else the newest).
    Registered {
        extension: String,
        version: Option<String>,
    },
    /// A component file, resolved against the ruleset file's directory.
    Path(PathBuf),
}

/// One entry of a ruleset file, in file order: rules, then the scorer, then recommenders.
#[derive(Debug, Clone, PartialEq)]
pub struct FileItem {
    /// `rules[0]`, `scorer`, `recommenders[1]`: how messages name the entry.
    pub what: String,
    /// `rule`, `scorer` or `recommender`.
    pub kind: &'static str,
    pub source: ItemSource,
    /// A version the file pins for a `path` component (checked against `describe()`).
    pub version: Option<String>,
    /// Merged into the extension's `default-config`.
    pub config: Value,
    /// Per-check overrides as written (checked when the revision is built).
    pub overrides: Map<String, Value>,
}

/// A parsed ruleset file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSpec {
    pub comment: String,
    /// The `revision` key (offline rulesets only).
    pub revision: Option<i64>,
    pub items: Vec<FileItem>,
}

impl FileSpec {
    /// The component files the ruleset names, in file order.
    pub fn component_paths(&self) -> impl Iterator<Item = &Path> {
        self.items.iter().filter_map(|i| match &i.source {
            ItemSource::Path(p) => Some(p.as_path()),
            ItemSource::Registered { .. } => None,
        })
    }
}

/// Reads the text of the ruleset file at `path` (the path resolves relative component paths). Messages name the
/// file and the entry.
pub fn parse(path: &Path, text: &str) -> Result<FileSpec, RulesetError> {
    let file: File = toml::from_str(text).map_err(|e| {
        RulesetError(format!(
            "{} is not a valid ruleset file: {e}",
            path.display()
        ))
    })?;
    let mut items = Vec::new();
    let entries = file
        .rules
        .into_iter()
        .enumerate()
        .map(|(i, e)| (format!("rules[{i}]"), "rule", e))
        .chain(file.scorer.map(|e| ("scorer".to_string(), "scorer", e)))
        .chain(
            file.recommenders
                .into_iter()
                .enumerate()
                .map(|(i, e)| (format!("recommenders[{i}]"), "recommender", e)),
        );
    for (what, kind, entry) in entries {
        let source = match (entry.extension, entry.path) {
            (Some(extension), None) => ItemSource::Registered {
                extension,
                version: entry.version.clone(),
            },
            (None, Some(p)) => ItemSource::Path(relative_to(path, &p)),
            _ => {
                return Err(RulesetError(format!(
                    "{}: {what}: give exactly one of `extension` (a registered id) and `path`",
                    path.display()
                )));
            }
        };
        let config = entry.config.unwrap_or_else(|| Value::Object(Map::new()));
        if !config.is_object() {
            return Err(RulesetError(format!(
                "{}: {what}: `config` must be a table",
                path.display()
            )));
        }
        items.push(FileItem {
            what,
            kind,
            version: matches!(source, ItemSource::Path(_))
                .then_some(entry.version)
                .flatten(),
            source,
            config,
            overrides: entry.overrides,
        });
    }
    Ok(FileSpec {
        comment: file.comment,
        revision: file.revision,
        items,
    })
}

/// The overrides of an item in the form the ruleset builder takes.
pub fn overrides(file: &Path, item: &FileItem) -> Result<BTreeMap<String, Override>, RulesetError> {
    serde_json::from_value(Value::Object(item.overrides.clone()))
        .map_err(|e| RulesetError(format!("{}: {}: overrides: {e}", file.display(), item.what)))
}

struct Resolver<'a> {
    host: &'a ExtensionHost,
    file: &'a Path,
    bundled: Option<bundled::Loaded>,
}

impl Resolver<'_> {
    fn resolve(&mut self, item: &FileItem) -> Result<LoadedExtension, RulesetError> {
        let what = &item.what;
        let err = |m: String| RulesetError(format!("{}: {what}: {m}", self.file.display()));
        match &item.source {
            ItemSource::Registered {
                extension: id,
                version,
            } => {
                if self.bundled.is_none() {
                    self.bundled = Some(bundled::load(self.host)?);
                }
                let ext = self
                    .bundled
                    .as_ref()
                    .and_then(|b| b.by_id(id))
                    .ok_or_else(|| {
                        err(format!(
                            "no registered extension {id}; only the bundled siloq.core-rules, siloq.core-scorer \
                             and siloq.core-recommender can be named by id (use `path` for others)"
                        ))
                    })?;
                if let Some(version) = version
                    && version != ext.version()
                {
                    return Err(err(format!(
                        "{id} {version} is not available; this binary bundles {}",
                        ext.version()
                    )));
                }
                Ok(ext.clone())
            }
            ItemSource::Path(full) => {
                let bytes = std::fs::read(full)
                    .map_err(|e| err(format!("cannot read {}: {e}", full.display())))?;
                let ext = self.host.load(&bytes).map_err(|e| {
                    err(format!("{} is refused ({}): {e}", full.display(), e.code()))
                })?;
                if ext.has_reserved_id() {
                    return Err(err(format!(
                        "{} declares the id {}; ids beginning with `siloq.` are reserved for bundled extensions",
                        full.display(),
                        ext.id()
                    )));
                }
                // Offline, a failed conformance run is reported, not refused (a server refuses it, §6.2).
                let report = self.host.conformance(&ext);
                if !report.passed() {
                    tracing::warn!(
                        extension = ext.id(),
                        file = %full.display(),
                        problems = %report.problems().join("; "),
                        "a ruleset-file component fails the conformance run; it is used anyway"
                    );
                }
                if let Some(version) = &item.version
                    && version != ext.version()
                {
                    return Err(err(format!(
                        "{} is version {}, the file asks for {version}",
                        full.display(),
                        ext.version()
                    )));
                }
                Ok(ext)
            }
        }
    }
}

/// Builds a ruleset from the file without a database (tools and tests); see the module documentation.
pub(crate) fn load(host: &ExtensionHost, path: &Path) -> Result<Ruleset, RulesetError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RulesetError(format!("cannot read {}: {e}", path.display())))?;
    let spec = parse(path, &text)?;
    let mut resolver = Resolver {
        host,
        file: path,
        bundled: None,
    };
    let mut builder = Ruleset::builder()
        .revision(spec.revision.unwrap_or(super::ruleset::FILE_REVISION))
        .comment(&spec.comment);
    for item in &spec.items {
        let ext = resolver.resolve(item)?;
        let config = item.config.clone();
        builder = match item.kind {
            "rule" => builder.rule_with_overrides(ext, config, overrides(path, item)?),
            "scorer" => builder.scorer(ext, config),
            _ => builder.recommender(ext, config),
        };
    }
    builder
        .build(host)
        .map_err(|e| RulesetError(format!("{}: {}", path.display(), e.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_ruleset_file_parses_into_items_in_file_order_with_resolved_paths() {
        let file = Path::new("/etc/siloq/ruleset.toml");
        let spec = parse(
            file,
            r#"
comment = "winter"
[[rules]]
extension = "siloq.core-rules"
version = "1.0.0"
[rules.config.content]
min_words = 400
[rules.overrides."links.outbound.none"]
disabled = true
[[rules]]
path = "ext/acme.wasm"
[[recommenders]]
path = "/abs/rec.wasm"
[scorer]
extension = "siloq.core-scorer"
"#,
        )
        .unwrap();
        assert_eq!(spec.comment, "winter");
        let whats: Vec<_> = spec
            .items
            .iter()
            .map(|i| (i.what.as_str(), i.kind))
            .collect();
        assert_eq!(
            whats,
            [
                ("rules[0]", "rule"),
                ("rules[1]", "rule"),
                ("scorer", "scorer"),
                ("recommenders[0]", "recommender")
            ]
        );
        assert_eq!(
            spec.items[0].source,
            ItemSource::Registered {
                extension: "siloq.core-rules".into(),
                version: Some("1.0.0".into())
            }
        );
        assert_eq!(spec.items[0].config, json!({"content": {"min_words": 400}}));
        assert_eq!(
            Value::Object(spec.items[0].overrides.clone()),
            json!({"links.outbound.none": {"disabled": true}})
        );
        assert_eq!(
            spec.component_paths().collect::<Vec<_>>(),
            [
                Path::new("/etc/siloq/ext/acme.wasm"),
                Path::new("/abs/rec.wasm")
            ]
        );
        assert_eq!(spec.items[1].config, json!({}));
    }

    #[test]
    fn a_ruleset_file_with_both_or_neither_source_or_a_bad_config_is_refused() {
        let file = Path::new("r.toml");
        for (text, says) in [
            (
                "[[rules]]\nextension = \"a\"\npath = \"b.wasm\"\n",
                "exactly one",
            ),
            ("[[rules]]\nconfig = {}\n", "exactly one"),
            (
                "[[rules]]\npath = \"b.wasm\"\nconfig = 3\n",
                "must be a table",
            ),
            ("[[rulez]]\n", "not a valid ruleset file"),
            ("comment = \n", "not a valid ruleset file"),
        ] {
            let err = parse(file, text).unwrap_err();
            assert!(err.0.contains(says), "{text}: {err}");
        }
    }
}
