//! One fetched page through the analysis and the active ruleset in scanned-page mode (seo-rules §1.2): the
//! crawl keeps each page's response and follows its links; once the crawl ends, every page is judged with the
//! link checks of the whole crawl. The document model is built off the executor, the pipeline runs on the
//! background lane of the evaluation threads, and what the report and the site rules need is kept as one JSON
//! entry per page.

use crate::analysis::{self, LinkKind, Mode, ParseInput};
use crate::egress::{Fetched, Hop};
use crate::extensions::pool::Lane;
use crate::extensions::site::ScoredSitePage;
use crate::extensions::wit::v1_0_0::document::{Header, HttpFacts, RedirectHop};
use crate::extensions::{PageContext, PreparedPage};
use crate::http::AppState;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A page's link to another page of the crawled host.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Edge {
    pub to: String,
    /// Anchor text (accessible name).
    #[serde(default)]
    pub text: String,
    pub follow: bool,
    pub in_main: bool,
}

/// A fetched page waiting to be judged: the response as the crawl received it (HTML as text). It is kept in
/// the page's `scan_pages` row while the crawl runs, because the page rules that read link checks
/// (`links.broken_internal`, `links.to_redirect`) need the statuses of every internal URL the crawl fetched;
/// once the crawl ends, the judged entry replaces it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PageFetch {
    pub final_url: String,
    pub requested_url: String,
    pub is_homepage: bool,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
    pub charset: Option<String>,
    pub redirects: Vec<Hop>,
    pub ttfb_ms: u32,
    pub download_ms: u32,
    pub bytes_raw: u32,
    pub html: String,
}

impl PageFetch {
    pub fn new(fetched: &Fetched, requested: &str, is_homepage: bool) -> PageFetch {
        PageFetch {
            final_url: fetched.final_url.to_string(),
            requested_url: requested.to_string(),
            is_homepage,
            status: fetched.status,
            headers: fetched.headers.clone(),
            content_type: fetched.content_type.clone(),
            charset: fetched.charset.clone(),
            redirects: fetched.redirects.clone(),
            ttfb_ms: fetched.ttfb_ms,
            download_ms: fetched.download_ms,
            bytes_raw: fetched.body.len().min(u32::MAX as usize) as u32,
            html: String::from_utf8_lossy(&fetched.body).into_owned(),
        }
    }

    /// The entry stored while the page waits for judgement.
    pub fn pending_entry(&self) -> Value {
        json!({"url": self.final_url, "requested_url": self.requested_url, "status_code": self.status,
            "is_homepage": self.is_homepage, "fetch": self})
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the crawl knows of one requested URL (fact `analysis.link_checks`, seo-rules §4.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LinkCheck {
    pub first: Option<u16>,
    #[serde(rename = "final")]
    pub last: Option<u16>,
    pub timed_out: bool,
}

/// The same-host links of a fetched page (the crawl follows them before any page is judged).
pub async fn links_of(fetch: &PageFetch, site_host: &str) -> Vec<Edge> {
    let (fetch, host) = (fetch.clone(), site_host.to_string());
    tokio::task::spawn_blocking(move || {
        let doc = analysis::parse(&ParseInput {
            is_homepage: fetch.is_homepage,
            ..ParseInput::scan(&fetch.final_url, &fetch.html)
        });
        page_facts(&doc, &host).1
    })
    .await
    .unwrap_or_default()
}

/// Judges a fetched page through the analysis and the active ruleset. `link_checks` (full scans) holds what
/// the crawl knows of every URL it requested; the page gets the entries of its own internal link targets.
pub async fn judge(
    state: &AppState,
    fetch: PageFetch,
    site_host: &str,
    link_checks: Option<Arc<BTreeMap<String, LinkCheck>>>,
) -> Value {
    let final_url = fetch.final_url.clone();
    let failed = failed_entry(&fetch, "analysis_failed");
    let host = site_host.to_string();
    let prepared = tokio::task::spawn_blocking(move || {
        let http = http_facts(&fetch);
        let doc = analysis::parse(&ParseInput {
            is_homepage: fetch.is_homepage,
            ..ParseInput::scan(&fetch.final_url, &fetch.html)
        });
        let (facts, links) = page_facts(&doc, &host);
        let link_checks = link_checks.map(|all| {
            let own: BTreeMap<&str, &LinkCheck> = links
                .iter()
                .filter_map(|l| all.get_key_value(l.to.as_str()))
                .map(|(url, check)| (url.as_str(), check))
                .collect();
            json!(own)
        });
        let prepared = PreparedPage::new(
            &doc,
            PageContext {
                requested_url: Some(fetch.requested_url.clone()),
                html: Some(fetch.html),
                http: Some(http),
                link_checks,
                ..PageContext::default()
            },
        );
        (
            prepared,
            facts,
            fetch.requested_url,
            fetch.status,
            fetch.is_homepage,
        )
    })
    .await;
    let Ok((prepared, facts, requested, status, is_homepage)) = prepared else {
        return failed;
    };
    let result = match state.extensions.evaluate(prepared, Lane::Background).await {
        Ok(result) => result,
        Err(e) => {
            tracing::warn!(url = %final_url, error = %e, "scanned page not scored");
            let mut entry = failed;
            entry["failed"] = json!("scoring_failed");
            return entry;
        }
    };
    let issues: Vec<Value> = result.issues.iter().map(|i| i.to_json()).collect();
    let recommendations: Vec<Value> = result.recommendations.iter().map(|r| r.to_json()).collect();
    let (score, raw_score, categories, indexable) = match &result.card {
        Some(card) => (
            card.score,
            f64::from(card.raw_score),
            card.categories_json(),
            card.indexable,
        ),
        None => (0, 0.0, crate::pages::views::null_categories(), true),
    };
    let hard_failure = result.issues.iter().any(|i| {
        matches!(
            i.check.as_str(),
            "http.status.error" | "http.timeout" | "http.redirect.loop"
        )
    });
    let index_gate = result
        .issues
        .iter()
        .any(|i| matches!(i.check.as_str(), "index.noindex" | "index.robots_blocked"));
    let mut entry = json!({
        "url": final_url,
        "requested_url": requested,
        "status_code": status,
        "seo_score": score,
        "raw_score": raw_score,
        "grade": crate::scoring::grade(score),
        "issue_count": issues.len(),
        "category_scores": categories,
        "issues": issues,
        "recommendations": recommendations,
        "indexable": indexable && !index_gate,
        "hard_failure": hard_failure,
        "index_gate": index_gate,
        "is_homepage": is_homepage,
        "ruleset_revision": result.revision,
        "degraded": result.degraded,
        // What the site health needs of the page (P, the capped value, S_c, points lost), for `judge_site`.
        "scored": serde_json::to_value(ScoredSitePage::from_pipeline(&final_url, &result, Mode::Scan, false))
            .unwrap_or(Value::Null),
    });
    if let (Value::Object(map), Value::Object(more)) = (&mut entry, facts) {
        map.extend(more);
    }
    entry
}

/// An entry for a page that could not be judged (the scan goes on, JOB-6).
fn failed_entry(fetch: &PageFetch, reason: &str) -> Value {
    json!({
        "url": fetch.final_url, "requested_url": fetch.requested_url, "status_code": fetch.status,
        "seo_score": null, "grade": null, "issue_count": 0, "category_scores": crate::pages::views::null_categories(),
        "issues": [], "recommendations": [], "indexable": false, "hard_failure": false, "index_gate": false,
        "is_homepage": fetch.is_homepage, "failed": reason, "links": [],
    })
}

fn http_facts(f: &PageFetch) -> HttpFacts {
    HttpFacts {
        status: f.status,
        headers: f
            .headers
            .iter()
            .map(|(name, value)| Header {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
        content_type: f.content_type.clone(),
        charset: f.charset.clone(),
        content_encoding: f.header("content-encoding").map(str::to_string),
        redirects: f
            .redirects
            .iter()
            .map(|h| RedirectHop {
                url: h.url.clone(),
                status: h.status,
                location: h.location.clone(),
            })
            .collect(),
        ttfb_ms: Some(f.ttfb_ms),
        download_ms: Some(f.download_ms),
        bytes_raw: f.bytes_raw,
        bytes_transferred: None,
        timed_out: false,
        error: None,
    }
}

/// The per-page facts of seo-rules §4.4 `pages()` and the same-host links (fragment removed).
fn page_facts(doc: &analysis::PageDoc, site_host: &str) -> (Value, Vec<Edge>) {
    let mut links = Vec::new();
    for link in doc.links.iter().filter(|l| l.kind == LinkKind::Web) {
        let Some(href) = &link.href_abs else { continue };
        let Ok(mut url) = url::Url::parse(href) else {
            continue;
        };
        url.set_fragment(None);
        if !same_site(&url, site_host) {
            continue;
        }
        let follow = !link.rel.iter().any(|r| r.eq_ignore_ascii_case("nofollow"));
        links.push(Edge {
            to: url.to_string(),
            text: link.accessible_name.clone(),
            follow,
            in_main: link.in_main,
        });
    }
    let h1 = doc
        .headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| analysis::fold(&h.text));
    let text_hash = hex::encode(Sha256::digest(analysis::fold(&doc.main_text).as_bytes()));
    let facts = json!({
        "title": doc.info.seo_title,
        "title_folded": analysis::fold(&doc.info.seo_title),
        "h1_folded": h1,
        "description_folded": doc.info.description.as_deref().map(analysis::fold),
        "canonicals": doc.head.canonicals.iter().filter_map(|c| c.href_abs.clone()).collect::<Vec<_>>(),
        "noindex": doc.info.robots.noindex,
        "language": doc.info.language,
        "text_hash": text_hash,
        "char_count_main": doc.info.char_count_main,
        "links": links,
    });
    (facts, links)
}

/// The host of `url` equals the crawled host, a leading `www.` ignored on both.
pub fn same_site(url: &url::Url, site_host: &str) -> bool {
    url.host_str()
        .is_some_and(|h| strip_www(h) == strip_www(site_host))
        && matches!(url.scheme(), "http" | "https")
}

/// Lowercased host without a leading `www.` (the quota key of api.md §2.9 too).
pub fn strip_www(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host.strip_prefix("www.")
        .map(str::to_string)
        .unwrap_or(host)
}
