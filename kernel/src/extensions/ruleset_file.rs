//! `extensions.ruleset_file` (extensions.md §6.11), read once at startup: the whole ruleset as TOML.
//!
//! ```toml
//! comment = "Acme scoring"
//! revision = 7                        # optional; 2 when absent
//!
//! [[rules]]
//! extension = "siloq.core-rules"      # a bundled extension (version optional, must match)
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
//! Components named by `path` are loaded like uploads: the reserved `siloq.` ids are refused, and the
//! conformance run is made but a failure only logs a warning (the file is the operator's decision; the runtime
//! limits contain the component). Any other problem stops startup with a message naming the entry. Not built yet: file watching, the registry rows of §6.11.

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
    overrides: BTreeMap<String, Override>,
}

struct Resolver<'a> {
    host: &'a ExtensionHost,
    file: &'a Path,
    bundled: Option<bundled::Loaded>,
}

impl Resolver<'_> {
    fn resolve(&mut self, what: &str, entry: &FileEntry) -> Result<LoadedExtension, RulesetError> {
        let err = |m: String| RulesetError(format!("{}: {what}: {m}", self.file.display()));
        match (&entry.extension, &entry.path) {
            (Some(_), Some(_)) | (None, None) => Err(err(
                "give exactly one of `extension` (a bundled id) and `path`".into(),
            )),
            (Some(id), None) => {
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
                if let Some(version) = &entry.version
                    && version != ext.version()
                {
                    return Err(err(format!(
                        "{id} {version} is not available; this binary bundles {}",
                        ext.version()
                    )));
                }
                Ok(ext.clone())
            }
            (None, Some(path)) => {
                let full = relative_to(self.file, path);
                let bytes = std::fs::read(&full)
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
                // Checked like an upload, except that a failed conformance run is reported, not refused: the
                // file is the operator's decision, and the runtime limits contain whatever the component does.
                let report = self.host.conformance(&ext);
                if !report.passed() {
                    tracing::warn!(
                        extension = ext.id(),
                        file = %full.display(),
                        problems = %report.problems().join("; "),
                        "a ruleset-file component fails the conformance run; it is used anyway"
                    );
                }
                if let Some(version) = &entry.version
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

fn config(entry: &FileEntry) -> Value {
    entry
        .config
        .clone()
        .unwrap_or_else(|| Value::Object(Map::new()))
}

pub(crate) fn load(host: &ExtensionHost, path: &Path) -> Result<Ruleset, RulesetError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RulesetError(format!("cannot read {}: {e}", path.display())))?;
    let file: File = toml::from_str(&text).map_err(|e| {
        RulesetError(format!(
            "{} is not a valid ruleset file: {e}",
            path.display()
        ))
    })?;
    let mut resolver = Resolver {
        host,
        file: path,
        bundled: None,
    };
    let mut builder = Ruleset::builder()
        .revision(file.revision.unwrap_or(super::ruleset::FILE_REVISION))
        .comment(&file.comment);
    for (i, entry) in file.rules.iter().enumerate() {
        let ext = resolver.resolve(&format!("rules[{i}]"), entry)?;
        builder = builder.rule_with_overrides(ext, config(entry), entry.overrides.clone());
    }
    if let Some(entry) = &file.scorer {
        let ext = resolver.resolve("scorer", entry)?;
        builder = builder.scorer(ext, config(entry));
    }
    for (i, entry) in file.recommenders.iter().enumerate() {
        let ext = resolver.resolve(&format!("recommenders[{i}]"), entry)?;
        builder = builder.recommender(ext, config(entry));
    }
    builder
        .build(host)
        .map_err(|e| RulesetError(format!("{}: {}", path.display(), e.0)))
}
