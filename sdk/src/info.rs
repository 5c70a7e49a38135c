//! What an extension declares about itself. The export macros turn these into the WIT `extension-info`, adding
//! the crate version, the SDK version, the config schema and the default config.

use crate::types::*;

/// One check a rule may report (or a recommendation type a recommender may emit).
#[derive(Debug, Clone, PartialEq)]
pub struct Check(pub(crate) CheckInfo);

impl Check {
    /// `id` follows `^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`; `severity` is the default a report may override.
    pub fn new(
        id: impl Into<String>,
        category: Category,
        severity: Severity,
        title: impl Into<String>,
    ) -> Self {
        Check(CheckInfo {
            id: id.into(),
            title: title.into(),
            category,
            severity,
            requires: Vec::new(),
            blocking: None,
        })
    }

    /// The page must carry `capability` for the check to apply; the kernel makes it N/A otherwise.
    pub fn requires(mut self, capability: Capability) -> Self {
        if !self.0.requires.contains(&capability) {
            self.0.requires.push(capability);
        }
        self
    }

    /// A failing report of this check is a gate (seo-rules.md §2.3): it overrides normal scoring.
    pub fn blocking(mut self, blocking: Blocking) -> Self {
        self.0.blocking = Some(blocking);
        self
    }

    pub fn id(&self) -> &str {
        &self.0.id
    }

    pub fn info(&self) -> &CheckInfo {
        &self.0
    }
}

impl From<Check> for CheckInfo {
    fn from(check: Check) -> Self {
        check.0
    }
}

/// The fields every kind shares.
#[derive(Debug, Clone, PartialEq)]
struct Common {
    id: String,
    name: String,
    summary: String,
    checks: Vec<CheckInfo>,
}

impl Common {
    fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Common {
            id: id.into(),
            name: name.into(),
            summary: String::new(),
            checks: Vec::new(),
        }
    }

    fn extension_info(&self, kind: ExtensionKind, meta: Meta) -> ExtensionInfo {
        ExtensionInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            version: meta.version.to_owned(),
            kind,
            summary: self.summary.clone(),
            sdk_version: crate::SDK_VERSION.to_owned(),
            checks: self.checks.clone(),
            config_schema: meta.config_schema.map(str::to_owned),
            default_config: meta.default_config,
        }
    }
}

/// What `describe()` adds to the declared info: filled by the export macros and the test runners.
#[doc(hidden)]
pub struct Meta {
    pub version: &'static str,
    pub config_schema: Option<&'static str>,
    pub default_config: String,
}

macro_rules! info_builder {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name(Common);

        impl $name {
            /// `id` follows `^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$` (the `siloq.` prefix is reserved).
            pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
                $name(Common::new(id, name))
            }

            /// One or two sentences for operators.
            pub fn summary(mut self, summary: impl Into<String>) -> Self {
                self.0.summary = summary.into();
                self
            }

            pub fn id(&self) -> &str {
                &self.0.id
            }

            pub fn name(&self) -> &str {
                &self.0.name
            }

            /// The declared checks, in declaration order.
            pub fn checks(&self) -> &[CheckInfo] {
                &self.0.checks
            }

            #[doc(hidden)]
            pub fn extension_info(&self, meta: Meta) -> ExtensionInfo {
                self.0.extension_info($kind, meta)
            }
        }
    };
}

info_builder!(
    /// A rule extension: its id, name and every check it can report.
    RuleInfo,
    ExtensionKind::Rule
);
info_builder!(
    /// A scorer extension (declares no checks).
    ScorerInfo,
    ExtensionKind::Scorer
);
info_builder!(
    /// A recommender extension; it may declare extra recommendation types as checks.
    RecommenderInfo,
    ExtensionKind::Recommender
);

impl RuleInfo {
    /// Declares a check; a report of an undeclared check is invalid.
    pub fn check(mut self, check: Check) -> Self {
        self.0.checks.push(check.0);
        self
    }
}

impl RecommenderInfo {
    /// Declares a recommendation type that need not be an issue on the page.
    pub fn check(mut self, check: Check) -> Self {
        self.0.checks.push(check.0);
        self
    }
}
