//! One fetched page through the analysis and the active ruleset in scanned-page mode (seo-rules §1.2): the
//! document model is built off the executor, the pipeline runs on the background lane of the evaluation
//! threads, and what the report and the site rules need is kept as one JSON entry per page.

use crate::analysis::{self, LinkKind, Mode, ParseInput};
use crate::egress::Fetched;
use crate::extensions::pool::Lane;
use crate::extensions::site::ScoredSitePage;
use crate::extensions::wit::v1_0_0::document::{Header, HttpFacts, RedirectHop};
use crate::extensions::{PageContext, PreparedPage};
use crate::http::AppState;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

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

/// What analysing a page produced: the stored entry and the same-host links to follow.
pub struct Judged {
    pub entry: Value,
    pub links: Vec<Edge>,
}

/// Analyses a fetched page. `requested` is the URL asked for; `site_host` the crawled host (without `www.`).
pub async fn judge(
    state: &AppState,
    fetched: &Fetched,
    requested: &str,
    is_homepage: bool,
    site_host: &str,
) -> Judged {
    let final_url = fetched.final_url.to_string();
    let http = http_facts(fetched);
    let html = String::from_utf8_lossy(&fetched.body).into_owned();
    let (url, host) = (final_url.clone(), site_host.to_string());
    let requested_url = requested.to_string();
    let prepared = tokio::task::spawn_blocking(move || {
        let doc = analysis::parse(&ParseInput {
            is_homepage,
            ..ParseInput::scan(&url, &html)
        });
        let facts = page_facts(&doc, &host);
        let prepared = PreparedPage::new(
            &doc,
            PageContext {
                requested_url: Some(requested_url),
                html: Some(html),
                http: Some(http),
                ..PageContext::default()
            },
        );
        (prepared, facts)
    })
    .await;
    let (prepared, (facts, links)) = match prepared {
        Ok(ok) => ok,
        Err(_) => {
            return Judged {
                entry: failed_entry(fetched, requested, "analysis_failed"),
                links: Vec::new(),
            };
        }
    };
    let result = match state.extensions.evaluate(prepared, Lane::Background).await {
        Ok(result) => result,
        Err(e) => {
            tracing::warn!(url = %final_url, error = %e, "scanned page not scored");
            return Judged {
                entry: failed_entry(fetched, requested, "scoring_failed"),
                links,
            };
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
        "status_code": fetched.status,
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
    Judged { entry, links }
}

/// An entry for a page that could not be judged (the scan goes on, JOB-6).
pub fn failed_entry(fetched: &Fetched, requested: &str, reason: &str) -> Value {
    json!({
        "url": fetched.final_url.to_string(), "requested_url": requested, "status_code": fetched.status,
        "seo_score": null, "grade": null, "issue_count": 0, "category_scores": crate::pages::views::null_categories(),
        "issues": [], "recommendations": [], "indexable": false, "hard_failure": false, "index_gate": false,
        "failed": reason, "links": [],
    })
}

fn http_facts(f: &Fetched) -> HttpFacts {
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
        bytes_raw: f.body.len().min(u32::MAX as usize) as u32,
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
