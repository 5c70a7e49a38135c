//! Turning component bytes into a [`LoadedExtension`] (extensions.md §6.2 steps 1, 3-8), cheapest checks first:
//! size, kind of binary, full validation with wasmparser (before wasmtime sees the bytes), imports and exports by
//! name against the allow-list, compile, link (`instantiate_pre`, which type-checks every import and export),
//! and `describe()` under production limits, twice.

use super::diagnostic::Kind;
use super::host::ExtensionHost;
use super::linker::ALLOWED_WASI_IMPORTS;
use super::validate;
use super::wit::SUPPORTED_API_VERSIONS;
use super::wit::v1_0_0::recommender::RecommenderPre;
use super::wit::v1_0_0::rule::RulePre;
use super::wit::v1_0_0::scorer::ScorerPre;
use super::wit::v1_0_0::types::{CheckInfo, ExtensionInfo};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use wasmparser::{Parser, Payload, Validator};

/// Why a component was refused. [`LoadError::code`] is the API's error code (§6.2).
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// Larger than `extensions.limits.max_upload_bytes` (`payload_too_large`).
    TooLarge { size: usize, limit: usize },
    /// Not a component, malformed, two or no rule exports, failed to compile or link, or a bad `describe()`
    /// (`invalid_component`).
    InvalidComponent(String),
    /// Imports outside the allow-list, each named (`forbidden_import`).
    ForbiddenImport(Vec<String>),
    /// Built against a `siloq:rules` version this kernel does not run (`unsupported_api_version`).
    UnsupportedApiVersion { found: String },
    /// The upload's conformance run failed (`conformance_failed`, §6.2 step 9); the report says where.
    ConformanceFailed {
        message: String,
        report: Box<super::conformance::ConformanceReport>,
    },
}

impl LoadError {
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::TooLarge { .. } => "payload_too_large",
            LoadError::InvalidComponent(_) => "invalid_component",
            LoadError::ForbiddenImport(_) => "forbidden_import",
            LoadError::UnsupportedApiVersion { .. } => "unsupported_api_version",
            LoadError::ConformanceFailed { .. } => "conformance_failed",
        }
    }
}

/// "a, b and c"
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::TooLarge { size, limit } => {
                write!(
                    f,
                    "the component has {size} bytes; at most {limit} are accepted."
                )
            }
            LoadError::InvalidComponent(why) => write!(f, "{why}"),
            LoadError::ConformanceFailed { message, .. } => write!(f, "{message}"),
            LoadError::ForbiddenImport(names) => write!(
                f,
                "imports {}, which extensions may not use.",
                and_list(names)
            ),
            LoadError::UnsupportedApiVersion { found } => write!(
                f,
                "built against siloq:rules@{found}; this server runs {}.",
                SUPPORTED_API_VERSIONS
                    .iter()
                    .map(|v| format!("siloq:rules@{v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// The typed, pre-linked instantiator of one component.
pub(crate) enum Pre {
    Rule(RulePre<super::ctx::CallCtx>),
    Scorer(ScorerPre<super::ctx::CallCtx>),
    Recommender(RecommenderPre<super::ctx::CallCtx>),
}

pub(crate) struct Loaded {
    pub info: ExtensionInfo,
    pub kind: Kind,
    pub api_version: String,
    pub sha256: String,
    pub size: usize,
    pub checks: HashMap<String, CheckInfo>,
    pub default_config: serde_json::Map<String, serde_json::Value>,
    pub pre: Pre,
}

/// A compiled, linked and described component, ready to be called. Cheap to clone.
#[derive(Clone)]
pub struct LoadedExtension(pub(crate) Arc<Loaded>);

impl fmt::Debug for LoadedExtension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedExtension")
            .field("id", &self.id())
            .field("version", &self.version())
            .field("kind", &self.kind())
            .field("sha256", &self.sha256())
            .finish_non_exhaustive()
    }
}

impl LoadedExtension {
    /// `describe().id`, e.g. `siloq.core-rules`.
    pub fn id(&self) -> &str {
        &self.0.info.id
    }
    pub fn version(&self) -> &str {
        &self.0.info.version
    }
    pub fn kind(&self) -> Kind {
        self.0.kind
    }
    /// The whole `describe()` record.
    pub fn info(&self) -> &ExtensionInfo {
        &self.0.info
    }
    /// The `siloq:rules` version of its export, e.g. `1.0.0`.
    pub fn api_version(&self) -> &str {
        &self.0.api_version
    }
    /// SHA-256 of the component bytes, lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.0.sha256
    }
    pub fn size(&self) -> usize {
        self.0.size
    }
    /// The declared check with this id.
    pub fn check(&self, id: &str) -> Option<&CheckInfo> {
        self.0.checks.get(id)
    }
    /// `default-config`, parsed (always a JSON object).
    pub fn default_config(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.0.default_config
    }
    /// Ids beginning `siloq.` are reserved for the bundled extensions.
    pub fn has_reserved_id(&self) -> bool {
        self.id().starts_with("siloq.")
    }
}

/// Top-level import and export names of a component.
pub(crate) fn top_level_names(bytes: &[u8]) -> Result<(Vec<String>, Vec<String>), String> {
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| e.to_string())? {
            Payload::Version { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 1 => {
                for import in reader {
                    imports.push(import.map_err(|e| e.to_string())?.name.name.to_string());
                }
            }
            Payload::ComponentExportSection(reader) if depth == 1 => {
                for export in reader {
                    exports.push(export.map_err(|e| e.to_string())?.name.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok((imports, exports))
}

/// `wasi:io/streams@0.2.6` -> (`wasi:io/streams`, `0.2.6`).
pub(crate) fn split_version(name: &str) -> (&str, Option<&str>) {
    match name.split_once('@') {
        Some((base, version)) => (base, Some(version)),
        None => (name, None),
    }
}

/// The kind and API version of the one rule export; checks every import against the allow-list.
fn check_names(imports: &[String], exports: &[String]) -> Result<(Kind, String), LoadError> {
    let ours: Vec<(Kind, &str)> = exports
        .iter()
        .filter_map(|name| {
            let (base, version) = split_version(name);
            let kind = match base {
                "siloq:rules/rule-api" => Kind::Rule,
                "siloq:rules/scorer-api" => Kind::Scorer,
                "siloq:rules/recommender-api" => Kind::Recommender,
                _ => return None,
            };
            Some((kind, version.unwrap_or("")))
        })
        .collect();
    let (kind, version) = match ours.as_slice() {
        [] => {
            return Err(LoadError::InvalidComponent(
                "the component exports none of siloq:rules/rule-api, siloq:rules/scorer-api and \
                 siloq:rules/recommender-api."
                    .into(),
            ));
        }
        [one] => *one,
        _ => {
            return Err(LoadError::InvalidComponent(
                "the component exports more than one of siloq:rules/rule-api, siloq:rules/scorer-api and \
                 siloq:rules/recommender-api; an extension is exactly one kind."
                    .into(),
            ));
        }
    };
    if !SUPPORTED_API_VERSIONS.contains(&version) {
        return Err(LoadError::UnsupportedApiVersion {
            found: version.to_string(),
        });
    }
    let mut forbidden = Vec::new();
    for name in imports {
        let (base, v) = split_version(name);
        if let Some(interface) = base.strip_prefix("siloq:rules/") {
            if !matches!(interface, "types" | "document" | "host") {
                forbidden.push(name.clone());
            } else if v != Some(version) {
                return Err(LoadError::UnsupportedApiVersion {
                    found: v.unwrap_or("").to_string(),
                });
            }
            continue;
        }
        let allowed =
            ALLOWED_WASI_IMPORTS.contains(&base) && v.is_some_and(|v| v.starts_with("0.2."));
        if !allowed {
            forbidden.push(name.clone());
        }
    }
    if !forbidden.is_empty() {
        return Err(LoadError::ForbiddenImport(forbidden));
    }
    Ok((kind, version.to_string()))
}

/// `describe()` as validation wants it (extensions.md §6.2): called twice through `call`, the first answer
/// valid for `kind`, both the same.
pub(crate) fn describe_twice(
    kind: Kind,
    call: impl Fn() -> Result<ExtensionInfo, String>,
) -> Result<ExtensionInfo, String> {
    let info = call()?;
    validate::describe(&info, kind)?;
    if !same_describe(&info, &call()?) {
        return Err("describe() returned different values on two calls.".into());
    }
    Ok(info)
}

/// The described checks by id.
pub(crate) fn checks_by_id(info: &ExtensionInfo) -> HashMap<String, CheckInfo> {
    info.checks
        .iter()
        .map(|c| (c.id.clone(), c.clone()))
        .collect()
}

/// Calls `describe()` once in a fresh store.
fn describe(host: &ExtensionHost, ext: &LoadedExtension) -> Result<ExtensionInfo, String> {
    host.call_describe(ext)
        .outcome
        .map_err(|f| format!("describe() failed ({}): {}", f.reason.as_str(), f.detail))
}

pub(crate) fn placeholder_info() -> ExtensionInfo {
    ExtensionInfo {
        id: String::new(),
        name: String::new(),
        version: String::new(),
        kind: super::wit::v1_0_0::types::ExtensionKind::Rule,
        summary: String::new(),
        sdk_version: String::new(),
        checks: Vec::new(),
        config_schema: None,
        default_config: "{}".into(),
    }
}

fn same_describe(a: &ExtensionInfo, b: &ExtensionInfo) -> bool {
    // The generated records have no `PartialEq`; their Debug text covers every field.
    format!("{a:?}") == format!("{b:?}")
}

pub(crate) fn load(host: &ExtensionHost, bytes: &[u8]) -> Result<LoadedExtension, LoadError> {
    let limit = host.limits().max_upload_bytes;
    if bytes.len() > limit {
        return Err(LoadError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    if Parser::is_core_wasm(bytes) {
        return Err(LoadError::InvalidComponent(
            "this is a core module; build with `--target wasm32-wasip2`.".into(),
        ));
    }
    if !Parser::is_component(bytes) {
        return Err(LoadError::InvalidComponent(
            "not a WebAssembly component.".into(),
        ));
    }
    let features = host.engine().get_wasm_features();
    Validator::new_with_features(features)
        .validate_all(bytes)
        .map_err(|e| LoadError::InvalidComponent(format!("the component is malformed: {e}")))?;
    let (imports, exports) = top_level_names(bytes)
        .map_err(|e| LoadError::InvalidComponent(format!("the component is malformed: {e}")))?;
    let (kind, api_version) = check_names(&imports, &exports)?;

    let component = host
        .compile(bytes)
        .map_err(|e| LoadError::InvalidComponent(format!("the component does not compile: {e}")))?;
    let linked = host
        .linker()
        .instantiate_pre(&component)
        .map_err(|e| LoadError::InvalidComponent(format!("the component does not link: {e:#}")))?;
    let typed = |e: wasmtime::Error| {
        LoadError::InvalidComponent(format!(
            "the component's exports do not match siloq:rules: {e:#}"
        ))
    };
    let pre = match kind {
        Kind::Rule => Pre::Rule(RulePre::new(linked).map_err(typed)?),
        Kind::Scorer => Pre::Scorer(ScorerPre::new(linked).map_err(typed)?),
        Kind::Recommender => Pre::Recommender(RecommenderPre::new(linked).map_err(typed)?),
    };

    // A first, provisional handle to call describe() through; the real one carries what it returned.
    let mut ext = LoadedExtension(Arc::new(Loaded {
        kind,
        api_version,
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len(),
        checks: HashMap::new(),
        default_config: serde_json::Map::new(),
        pre,
        info: placeholder_info(),
    }));
    let info =
        describe_twice(kind, || describe(host, &ext)).map_err(LoadError::InvalidComponent)?;
    let loaded = Arc::get_mut(&mut ext.0).ok_or_else(|| {
        LoadError::InvalidComponent(
            "internal: the extension handle is shared during loading".into(),
        )
    })?;
    loaded.default_config = match serde_json::from_str(&info.default_config) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    loaded.checks = checks_by_id(&info);
    loaded.info = info;
    Ok(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_rule_export_at_a_supported_version() {
        let exports = names(&["siloq:rules/rule-api@1.0.0"]);
        let imports = names(&[
            "siloq:rules/types@1.0.0",
            "siloq:rules/document@1.0.0",
            "wasi:cli/stderr@0.2.6",
            "wasi:io/streams@0.2.6",
        ]);
        assert_eq!(
            check_names(&imports, &exports),
            Ok((Kind::Rule, "1.0.0".into()))
        );
        let two = names(&["siloq:rules/rule-api@1.0.0", "siloq:rules/scorer-api@1.0.0"]);
        assert_eq!(
            check_names(&[], &two).unwrap_err().code(),
            "invalid_component"
        );
        assert_eq!(
            check_names(&[], &[]).unwrap_err().code(),
            "invalid_component"
        );
        let future = names(&["siloq:rules/rule-api@2.0.0"]);
        assert_eq!(
            check_names(&[], &future).unwrap_err().code(),
            "unsupported_api_version"
        );
    }

    #[test]
    fn forbidden_imports_are_all_named() {
        let exports = names(&["siloq:rules/rule-api@1.0.0"]);
        let imports = names(&[
            "wasi:clocks/wall-clock@0.2.6",
            "wasi:filesystem/types@0.2.6",
            "wasi:cli/stderr@0.2.6",
            "wasi:random/random@0.2.6",
        ]);
        let err = check_names(&imports, &exports).unwrap_err();
        assert_eq!(err.code(), "forbidden_import");
        assert_eq!(
            err.to_string(),
            "imports wasi:clocks/wall-clock@0.2.6, wasi:filesystem/types@0.2.6 and wasi:random/random@0.2.6, \
             which extensions may not use."
        );
    }
}
