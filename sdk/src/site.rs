//! Site rules (extensions.md §5.5; seo-rules.md §4.4): checks over a whole site, the crawl or the synced pages,
//! lent read-only as the `site` resource. A site rule is a [`SiteRule`] registered with
//! [`export_site_rule!`](crate::export_site_rule); it reports findings through the same [`Report`] as a page
//! rule, and runs natively on a [`MockSite`](crate::testing::MockSite).
//!
//! Site rules that measure a share report proportional credit, `1 − affected / eligible` (seo-rules.md §2.2).
//!
//! ```
//! use siloq_sdk::prelude::*;
//! use siloq_sdk::site::{SiteRule, SiteView};
//!
//! pub struct Orphans;
//!
//! impl SiteRule for Orphans {
//!     type Config = NoConfig;
//!
//!     fn info() -> RuleInfo {
//!         RuleInfo::new("acme.orphans", "Orphan pages")
//!             .check(Check::new("acme.links.orphan", Category::Structure, Severity::Medium, "Orphan pages"))
//!     }
//!
//!     fn check(site: &impl SiteView, _: &NoConfig, out: &mut Report) -> Result<(), ExtensionError> {
//!         let pages: Vec<_> = site.pages().into_iter().filter(|p| p.eligible).collect();
//!         if pages.is_empty() {
//!             out.not_applicable("acme.links.orphan");
//!             return Ok(());
//!         }
//!         let orphans: Vec<_> = pages.iter().filter(|p| !p.is_homepage && p.inlinks == 0).collect();
//!         if orphans.is_empty() {
//!             out.pass("acme.links.orphan");
//!             return Ok(());
//!         }
//!         let credit = 1.0 - orphans.len() as f32 / pages.len() as f32;
//!         let finding = out.partial("acme.links.orphan", credit, format!("No page links to {}.", orphans[0].url));
//!         for page in &orphans {
//!             finding.affected(page.url.clone());
//!         }
//!         Ok(())
//!     }
//! }
//!
//! siloq_sdk::export_site_rule!(Orphans);
//!
//! // Natively:
//! use siloq_sdk::testing::{MockSite, run_site_rule};
//! let site = MockSite::new("https://example.test")
//!     .page("https://example.test/", |p| p.is_homepage = true)
//!     .page("https://example.test/a/", |p| p.inlinks = 1)
//!     .page("https://example.test/lost/", |_| {});
//! let out = run_site_rule::<Orphans>(&site, "{}").unwrap();
//! assert!((out.credit("acme.links.orphan").unwrap() - 2.0 / 3.0).abs() < 1e-6);
//! ```

use crate::info::RuleInfo;
use crate::report::Report;
use crate::types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The wasm site resource the kernel lends for one call (implements [`SiteView`]).
pub use crate::bindings::site_rule::siloq::rules::site::Site;
pub use crate::bindings::site_rule::siloq::rules::site::{
    Discovery, Probe, ProbeKind, RobotsError, RobotsFacts, SiteEdge, SiteFetch, SiteInfo, SiteKind,
    SitePage, SitemapFacts,
};

/// One method per getter of the WIT `site` resource. Each call crosses the component boundary and copies its
/// data, so call each getter once per check and keep the result.
pub trait SiteView {
    fn info(&self) -> SiteInfo;
    fn pages(&self) -> Vec<SitePage>;
    fn fetches(&self) -> Vec<SiteFetch>;
    fn edges(&self) -> Vec<SiteEdge>;
    fn robots_txt(&self) -> Option<RobotsFacts>;
    /// Whether robots.txt lets `user_agent` fetch `path` (the kernel's RFC 9309 verdict).
    fn robots_allows(&self, user_agent: &str, path: &str) -> bool;
    fn sitemaps(&self) -> Vec<SitemapFacts>;
    fn probes(&self) -> Vec<Probe>;
    fn fact(&self, name: &str) -> Option<String>;
}

impl SiteView for Site {
    fn info(&self) -> SiteInfo {
        Site::info(self)
    }
    fn pages(&self) -> Vec<SitePage> {
        Site::pages(self)
    }
    fn fetches(&self) -> Vec<SiteFetch> {
        Site::fetches(self)
    }
    fn edges(&self) -> Vec<SiteEdge> {
        Site::edges(self)
    }
    fn robots_txt(&self) -> Option<RobotsFacts> {
        Site::robots_txt(self)
    }
    fn robots_allows(&self, user_agent: &str, path: &str) -> bool {
        Site::robots_allows(self, user_agent, path)
    }
    fn sitemaps(&self) -> Vec<SitemapFacts> {
        Site::sitemaps(self)
    }
    fn probes(&self) -> Vec<Probe> {
        Site::probes(self)
    }
    fn fact(&self, name: &str) -> Option<String> {
        Site::fact(self, name)
    }
}

/// Issue detection over a whole site: one finding per declared check it evaluated.
pub trait SiteRule {
    /// Parsed from the operator's JSON; an empty string means `Default`.
    type Config: DeserializeOwned + Serialize + Default;
    /// JSON Schema (draft 2020-12) documenting the config.
    const CONFIG_SCHEMA: Option<&'static str> = None;
    /// Declared like a page rule's (its `describe()` reports kind `rule`; the export makes it a site rule).
    fn info() -> RuleInfo;
    fn check(
        site: &impl SiteView,
        config: &Self::Config,
        out: &mut Report,
    ) -> Result<(), ExtensionError>;
}

#[doc(hidden)]
pub fn describe_site_rule<T: SiteRule>(version: &'static str) -> ExtensionInfo {
    T::info().extension_info(crate::export::meta::<T::Config>(version, T::CONFIG_SCHEMA))
}

#[doc(hidden)]
pub fn check_site<T: SiteRule>(
    site: &impl SiteView,
    config: &str,
) -> Result<Vec<Finding>, ExtensionError> {
    let config = crate::export::parse_config::<T::Config>(config)?;
    let mut report = Report::new(T::info().checks());
    T::check(site, &config, &mut report)?;
    Ok(report.finish())
}

/// Registers a [`SiteRule`] as the component's `siloq:rules/site-rule-api@1.0.0` export.
///
/// Expands to nothing outside `wasm32`, so the crate also builds natively for its unit tests. The extension
/// version in `describe()` is the invoking crate's `CARGO_PKG_VERSION`.
#[macro_export]
macro_rules! export_site_rule {
    ($ty:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct __SiloqSiteRuleExport;
            impl $crate::bindings::site_rule::exports::siloq::rules::site_rule_api::Guest
                for __SiloqSiteRuleExport
            {
                fn describe() -> $crate::ExtensionInfo {
                    $crate::site::describe_site_rule::<$ty>(env!("CARGO_PKG_VERSION"))
                }
                fn check(
                    site: &$crate::site::Site,
                    config: ::std::string::String,
                ) -> ::core::result::Result<::std::vec::Vec<$crate::Finding>, $crate::ExtensionError> {
                    $crate::site::check_site::<$ty>(site, &config)
                }
            }
            $crate::bindings::site_rule::export_site_rule_world!(
                __SiloqSiteRuleExport with_types_in $crate::bindings::site_rule
            );
        };
    };
}
