//! Loading a site-rule component and calling it (extensions.md §4.4, §4.7, §5.5). A site rule goes through the
//! same checks as a page rule (size, validation, the import allow-list, compile, link, `describe()` twice) and
//! every call gets a fresh store with the same fuel, epoch deadline, memory and output caps; only the borrowed
//! resource differs. Its `describe()` reports kind `rule`: the export name is what makes it a site rule.

use super::lend::{PreparedSite, SiteRef};
use crate::extensions::call::{self, CallOutcome};
use crate::extensions::diagnostic::Kind;
use crate::extensions::host::ExtensionHost;
use crate::extensions::linker::ALLOWED_WASI_IMPORTS;
use crate::extensions::load::{LoadError, split_version, top_level_names};
use crate::extensions::wit::SUPPORTED_API_VERSIONS;
use crate::extensions::wit::v1_0_0::site_rule::SiteRulePre;
use crate::extensions::wit::v1_0_0::types::{CheckInfo, ExtensionInfo, Finding};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use wasmparser::{Parser, Validator};

/// The export that makes a component a site rule.
pub const SITE_RULE_EXPORT: &str = "siloq:rules/site-rule-api";

struct Loaded {
    info: ExtensionInfo,
    sha256: String,
    checks: HashMap<String, CheckInfo>,
    default_config: String,
    pre: SiteRulePre<crate::extensions::ctx::CallCtx>,
}

/// A compiled, linked and described site-rule component. Cheap to clone.
#[derive(Clone)]
pub struct SiteRuleExtension(Arc<Loaded>);

impl std::fmt::Debug for SiteRuleExtension {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteRuleExtension")
            .field("id", &self.id())
            .field("version", &self.version())
            .field("sha256", &self.sha256())
            .finish_non_exhaustive()
    }
}

impl SiteRuleExtension {
    pub fn id(&self) -> &str {
        &self.0.info.id
    }
    pub fn version(&self) -> &str {
        &self.0.info.version
    }
    pub fn sha256(&self) -> &str {
        &self.0.sha256
    }
    /// The whole `describe()` record.
    pub fn info(&self) -> &ExtensionInfo {
        &self.0.info
    }
    /// The declared check with this id.
    pub fn check(&self, id: &str) -> Option<&CheckInfo> {
        self.0.checks.get(id)
    }
    pub(crate) fn checks(&self) -> &HashMap<String, CheckInfo> {
        &self.0.checks
    }
    /// `default-config` as the component declared it (a JSON object).
    pub fn default_config(&self) -> &str {
        &self.0.default_config
    }

    /// Checks, compiles, links and describes a site-rule component.
    pub fn load(host: &ExtensionHost, bytes: &[u8]) -> Result<SiteRuleExtension, LoadError> {
        load(host, bytes)
    }

    /// Calls `check` once in a fresh store under the host's limits. The findings are returned as the guest sent
    /// them (the §2.3 checks are the caller's job).
    pub fn call_check(
        &self,
        host: &ExtensionHost,
        site: &Arc<PreparedSite>,
        config: &str,
    ) -> CallOutcome<Vec<Finding>> {
        let limits = host.limits();
        let timeout = Duration::from_millis(limits.call_timeout_ms);
        call::run(host, self.id(), limits, None, timeout, |store, _| {
            let lent = store.data_mut().table.push(SiteRef(site.clone()))?;
            self.0
                .pre
                .instantiate(&mut *store)?
                .siloq_rules_site_rule_api()
                .call_check(&mut *store, lent, config)
        })
    }

    fn call_describe(&self, host: &ExtensionHost) -> CallOutcome<ExtensionInfo> {
        let limits = host.limits();
        let timeout = Duration::from_millis(limits.call_timeout_ms);
        call::run(host, self.id(), limits, None, timeout, |store, _| {
            Ok(Ok(self
                .0
                .pre
                .instantiate(&mut *store)?
                .siloq_rules_site_rule_api()
                .call_describe(&mut *store)?))
        })
    }
}

/// The API version of the one site-rule export; every import must be on the allow-list (`siloq:rules/types`,
/// `host` and `site` at that version, or an allowed WASI 0.2 interface).
fn check_names(imports: &[String], exports: &[String]) -> Result<String, LoadError> {
    let ours: Vec<&str> = exports
        .iter()
        .filter_map(|name| match split_version(name) {
            (SITE_RULE_EXPORT, v) => Some(v.unwrap_or("")),
            _ => None,
        })
        .collect();
    let [version] = ours.as_slice() else {
        return Err(LoadError::InvalidComponent(format!(
            "a site rule exports {SITE_RULE_EXPORT} exactly once."
        )));
    };
    if !SUPPORTED_API_VERSIONS.contains(version) {
        return Err(LoadError::UnsupportedApiVersion {
            found: version.to_string(),
        });
    }
    let mut forbidden = Vec::new();
    for name in imports {
        let (base, v) = split_version(name);
        if let Some(interface) = base.strip_prefix("siloq:rules/") {
            if !matches!(interface, "types" | "host" | "site") {
                forbidden.push(name.clone());
            } else if v != Some(*version) {
                return Err(LoadError::UnsupportedApiVersion {
                    found: v.unwrap_or("").to_string(),
                });
            }
            continue;
        }
        if !(ALLOWED_WASI_IMPORTS.contains(&base) && v.is_some_and(|v| v.starts_with("0.2."))) {
            forbidden.push(name.clone());
        }
    }
    if !forbidden.is_empty() {
        return Err(LoadError::ForbiddenImport(forbidden));
    }
    Ok(version.to_string())
}

fn load(host: &ExtensionHost, bytes: &[u8]) -> Result<SiteRuleExtension, LoadError> {
    let limit = host.limits().max_upload_bytes;
    if bytes.len() > limit {
        return Err(LoadError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    if !Parser::is_component(bytes) {
        return Err(LoadError::InvalidComponent(
            "not a WebAssembly component.".into(),
        ));
    }
    Validator::new_with_features(host.engine().get_wasm_features())
        .validate_all(bytes)
        .map_err(|e| LoadError::InvalidComponent(format!("the component is malformed: {e}")))?;
    let (imports, exports) = top_level_names(bytes)
        .map_err(|e| LoadError::InvalidComponent(format!("the component is malformed: {e}")))?;
    check_names(&imports, &exports)?;
    let component = host
        .compile(bytes)
        .map_err(|e| LoadError::InvalidComponent(format!("the component does not compile: {e}")))?;
    let linked = host
        .linker()
        .instantiate_pre(&component)
        .map_err(|e| LoadError::InvalidComponent(format!("the component does not link: {e:#}")))?;
    let pre = SiteRulePre::new(linked).map_err(|e| {
        LoadError::InvalidComponent(format!(
            "the component's exports do not match siloq:rules: {e:#}"
        ))
    })?;
    let mut ext = SiteRuleExtension(Arc::new(Loaded {
        info: super::super::load::placeholder_info(),
        sha256: hex::encode(Sha256::digest(bytes)),
        checks: HashMap::new(),
        default_config: "{}".into(),
        pre,
    }));
    let describe = |ext: &SiteRuleExtension| {
        ext.call_describe(host)
            .outcome
            .map_err(|f| format!("describe() failed ({}): {}", f.reason.as_str(), f.detail))
    };
    let info = super::super::load::describe_twice(Kind::Rule, || describe(&ext))
        .map_err(LoadError::InvalidComponent)?;
    let loaded = Arc::get_mut(&mut ext.0).ok_or_else(|| {
        LoadError::InvalidComponent("internal: the handle is shared during loading".into())
    })?;
    loaded.checks = super::super::load::checks_by_id(&info);
    loaded.default_config = info.default_config.clone();
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
    fn site_rule_names() {
        let exports = names(&["siloq:rules/site-rule-api@1.0.0"]);
        let imports = names(&[
            "siloq:rules/types@1.0.0",
            "siloq:rules/site@1.0.0",
            "wasi:cli/stderr@0.2.6",
        ]);
        assert_eq!(check_names(&imports, &exports), Ok("1.0.0".into()));
        let page_rule = names(&["siloq:rules/rule-api@1.0.0"]);
        assert_eq!(
            check_names(&[], &page_rule).unwrap_err().code(),
            "invalid_component"
        );
        let document = names(&["siloq:rules/document@1.0.0", "wasi:sockets/tcp@0.2.6"]);
        assert_eq!(
            check_names(&document, &exports).unwrap_err().code(),
            "forbidden_import"
        );
    }
}
