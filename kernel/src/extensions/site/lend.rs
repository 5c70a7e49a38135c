//! The host side of the `site` resource (sdk/wit/v1.0.0/site.wit; seo-rules.md §4.4). A [`PreparedSite`] is the
//! snapshot converted into the binding records once, with the input caps below applied; every call of a site
//! judgement shares it through an `Arc`, and a getter only clones what the guest asked for.

use super::model::{self, SiteSnapshot};
use crate::extensions::ctx::CallCtx;
use crate::extensions::page::cut;
use crate::extensions::wit::v1_0_0::site_rule::siloq::rules::site as wit;
use std::sync::Arc;
use wasmtime::component::Resource;

/// Input caps of what is lent (a synced site may have many pages; the crawl has 25 by default).
pub const MAX_PAGES: usize = 10_000;
pub const MAX_FETCHES: usize = 20_000;
pub const MAX_EDGES: usize = 100_000;
pub const MAX_SITEMAPS: usize = 100;
/// Google's per-file limit.
pub const MAX_SITEMAP_ENTRIES: usize = 50_000;
pub const MAX_URL_BYTES: usize = 2_048;
pub const MAX_TEXT_BYTES: usize = 512;

/// A site ready to be lent to site rules. Immutable; shared through an `Arc`.
#[derive(Debug)]
pub struct PreparedSite {
    info: wit::SiteInfo,
    pages: Vec<wit::SitePage>,
    fetches: Vec<wit::SiteFetch>,
    edges: Vec<wit::SiteEdge>,
    robots: Option<model::RobotsFacts>,
    robots_lent: Option<wit::RobotsFacts>,
    sitemaps: Vec<wit::SitemapFacts>,
    probes: Vec<wit::Probe>,
}

/// The site handle stored in a call's resource table.
#[derive(Debug, Clone)]
pub struct SiteRef(pub(crate) Arc<PreparedSite>);

fn url(s: &str) -> String {
    cut(s, MAX_URL_BYTES).to_string()
}

fn text(s: &str) -> String {
    cut(s, MAX_TEXT_BYTES).to_string()
}

fn opt(s: &Option<String>, max: usize) -> Option<String> {
    s.as_deref().map(|s| cut(s, max).to_string())
}

impl PreparedSite {
    /// Converts a snapshot once.
    pub fn new(s: &SiteSnapshot) -> Arc<PreparedSite> {
        let info = wit::SiteInfo {
            origin: url(&s.info.origin),
            homepage_url: url(&s.info.homepage_url),
            kind: match s.info.kind {
                model::SiteKind::Crawl => wit::SiteKind::Crawl,
                model::SiteKind::QuickScan => wit::SiteKind::QuickScan,
                model::SiteKind::Synced => wit::SiteKind::Synced,
            },
            page_limit: s.info.page_limit,
            cut_short: s.info.cut_short,
        };
        let pages = s
            .pages
            .iter()
            .take(MAX_PAGES)
            .map(|p| wit::SitePage {
                url: url(&p.url),
                status: p.status,
                eligible: p.eligible,
                noindex: p.noindex,
                googlebot_disallowed: p.googlebot_disallowed,
                canonicals: p.canonicals.iter().take(20).map(|c| url(c)).collect(),
                lang: opt(&p.lang, 64),
                title: opt(&p.title, MAX_TEXT_BYTES),
                description: opt(&p.description, 1024),
                text_hash: opt(&p.text_hash, 128),
                char_count_main: p.char_count_main,
                depth: p.depth,
                inlinks: p.inlinks,
                in_sitemap: p.in_sitemap,
                is_homepage: p.is_homepage,
                provisional: p.provisional,
            })
            .collect();
        let fetches = s
            .fetches
            .iter()
            .take(MAX_FETCHES)
            .map(|f| wit::SiteFetch {
                url: url(&f.url),
                via: match f.via {
                    model::Discovery::Seed => wit::Discovery::Seed,
                    model::Discovery::Link => wit::Discovery::Link,
                    model::Discovery::Sitemap => wit::Discovery::Sitemap,
                },
                first_status: f.first_status,
                final_url: opt(&f.final_url, MAX_URL_BYTES),
                final_status: f.final_status,
                redirects: f.redirects,
                timed_out: f.timed_out,
                siloq_disallowed: f.siloq_disallowed,
                googlebot_disallowed: f.googlebot_disallowed,
            })
            .collect();
        let edges = s
            .edges
            .iter()
            .take(MAX_EDGES)
            .map(|e| wit::SiteEdge {
                from: url(&e.from),
                to: url(&e.to),
                text: text(&e.text),
                follow: e.follow,
                in_main: e.in_main,
            })
            .collect();
        let robots_lent = s.robots_txt.as_ref().map(|r| wit::RobotsFacts {
            status: r.status,
            timed_out: r.timed_out,
            errors: r
                .errors
                .iter()
                .take(1_000)
                .map(|e| wit::RobotsError {
                    line: e.line,
                    reason: text(&e.reason),
                })
                .collect(),
            sitemaps: r
                .sitemaps
                .iter()
                .take(MAX_SITEMAPS)
                .map(|u| url(u))
                .collect(),
        });
        let sitemaps = s
            .sitemaps
            .iter()
            .take(MAX_SITEMAPS)
            .map(|m| wit::SitemapFacts {
                url: url(&m.url),
                status: m.status,
                timed_out: m.timed_out,
                parse_error: opt(&m.parse_error, MAX_TEXT_BYTES),
                root: opt(&m.root, 128),
                url_count: m.url_count,
                uncompressed_bytes: m.uncompressed_bytes,
                entries: m
                    .entries
                    .iter()
                    .take(MAX_SITEMAP_ENTRIES)
                    .map(|u| url(u))
                    .collect(),
            })
            .collect();
        let probes = s
            .probes
            .iter()
            .take(100)
            .map(|p| wit::Probe {
                kind: match p.kind {
                    model::ProbeKind::HttpToHttps => wit::ProbeKind::HttpToHttps,
                    model::ProbeKind::HostVariant => wit::ProbeKind::HostVariant,
                    model::ProbeKind::MissingPage => wit::ProbeKind::MissingPage,
                },
                url: url(&p.url),
                status: p.status,
                location: opt(&p.location, MAX_URL_BYTES),
                timed_out: p.timed_out,
            })
            .collect();
        Arc::new(PreparedSite {
            info,
            pages,
            fetches,
            edges,
            robots: s.robots_txt.clone(),
            robots_lent,
            sitemaps,
            probes,
        })
    }
}

impl SiteRef {
    fn site(&self) -> &PreparedSite {
        &self.0
    }
}

/// The site getters: each clones what the prepared site holds.
impl wit::HostSite for CallCtx {
    fn info(&mut self, site: Resource<SiteRef>) -> wasmtime::Result<wit::SiteInfo> {
        Ok(self.table.get(&site)?.site().info.clone())
    }
    fn pages(&mut self, site: Resource<SiteRef>) -> wasmtime::Result<Vec<wit::SitePage>> {
        Ok(self.table.get(&site)?.site().pages.clone())
    }
    fn fetches(&mut self, site: Resource<SiteRef>) -> wasmtime::Result<Vec<wit::SiteFetch>> {
        Ok(self.table.get(&site)?.site().fetches.clone())
    }
    fn edges(&mut self, site: Resource<SiteRef>) -> wasmtime::Result<Vec<wit::SiteEdge>> {
        Ok(self.table.get(&site)?.site().edges.clone())
    }
    fn robots_txt(
        &mut self,
        site: Resource<SiteRef>,
    ) -> wasmtime::Result<Option<wit::RobotsFacts>> {
        Ok(self.table.get(&site)?.site().robots_lent.clone())
    }
    fn robots_allows(
        &mut self,
        site: Resource<SiteRef>,
        user_agent: String,
        path: String,
    ) -> wasmtime::Result<bool> {
        let site = self.table.get(&site)?.site();
        Ok(site
            .robots
            .as_ref()
            .is_none_or(|r| r.allows(cut(&user_agent, MAX_TEXT_BYTES), cut(&path, MAX_URL_BYTES))))
    }
    fn sitemaps(&mut self, site: Resource<SiteRef>) -> wasmtime::Result<Vec<wit::SitemapFacts>> {
        Ok(self.table.get(&site)?.site().sitemaps.clone())
    }
    fn probes(&mut self, site: Resource<SiteRef>) -> wasmtime::Result<Vec<wit::Probe>> {
        Ok(self.table.get(&site)?.site().probes.clone())
    }
    fn fact(&mut self, site: Resource<SiteRef>, _name: String) -> wasmtime::Result<Option<String>> {
        // No site fact is documented yet; the getter exists so one can be added without a WIT change.
        self.table.get(&site)?;
        Ok(None)
    }
    fn drop(&mut self, site: Resource<SiteRef>) -> wasmtime::Result<()> {
        self.table.delete(site)?;
        Ok(())
    }
}

impl wit::Host for CallCtx {}
