//! The one client for user-chosen destinations (security.md SSRF-1, SSRF-6, SSRF-7): redirects are followed
//! here, hop by hop, each hop checked by the policy before it is requested; names go through the guarded
//! resolver; bodies are streamed under a cap and a deadline; failures become one of the §11.7 codes.
//! [`GuardedClient::post`] is the single-hop form for webhook deliveries (api.md §12.1: redirects not followed).

use super::resolve::{DestinationBlocked, DnsFailed, GuardedResolver, Lookup};
use super::{EgressPolicy, FetchError};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// Timeouts, redirect bound and user agent of a client.
#[derive(Debug, Clone)]
pub struct Limits {
    pub connect_timeout: Duration,
    /// Per response, body included (each redirect hop has its own).
    pub request_timeout: Duration,
    pub max_redirects: usize,
    pub user_agent: String,
}

/// One redirect hop (seo-rules §1.2 `redirect_chain[]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hop {
    pub url: String,
    pub status: u16,
    pub location: Option<String>,
}

/// A complete response after redirects.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub final_url: Url,
    pub status: u16,
    /// Response headers, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// The media type without parameters, lowercased.
    pub content_type: Option<String>,
    pub charset: Option<String>,
    pub body: Vec<u8>,
    pub redirects: Vec<Hop>,
    pub ttfb_ms: u32,
    pub download_ms: u32,
}

impl Fetched {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The answer to a [`GuardedClient::post`]: its status and the first bytes of its body.
#[derive(Debug, Clone)]
pub struct Posted {
    pub status: u16,
    /// At most the `cap` given to `post`.
    pub body: Vec<u8>,
}

/// The guarded client. Cheap to clone.
#[derive(Clone)]
pub struct GuardedClient {
    http: reqwest::Client,
    policy: Arc<EgressPolicy>,
    limits: Limits,
}

impl GuardedClient {
    /// A client that resolves names through `lookup` behind the SSRF guard.
    pub fn new(
        policy: EgressPolicy,
        lookup: Arc<dyn Lookup>,
        limits: Limits,
    ) -> Result<Self, FetchError> {
        Self::with_roots(policy, lookup, limits, Vec::new())
    }

    /// As [`GuardedClient::new`], also trusting the given certificate authorities (PEM).
    pub fn with_roots(
        policy: EgressPolicy,
        lookup: Arc<dyn Lookup>,
        limits: Limits,
        extra_roots: Vec<reqwest::Certificate>,
    ) -> Result<Self, FetchError> {
        let resolver = GuardedResolver::new(lookup, policy.exempt_names());
        let mut builder = reqwest::Client::builder();
        for root in extra_roots {
            builder = builder.add_root_certificate(root);
        }
        let http = builder
            // A proxy would resolve names itself, outside the guard.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(resolver))
            .connect_timeout(limits.connect_timeout)
            .user_agent(limits.user_agent.clone())
            .referer(false)
            .pool_max_idle_per_host(2)
            .build()
            .map_err(|_| FetchError::Internal)?;
        Ok(Self {
            http,
            policy: Arc::new(policy),
            limits,
        })
    }

    pub fn policy(&self) -> &EgressPolicy {
        &self.policy
    }

    /// GET `url`, following at most `max_redirects` redirects, each hop checked first. A 2xx response whose media
    /// type is not in `accept` (when `accept` is not empty) fails with `unsupported_content_type` before its body
    /// is read; a body beyond `cap` bytes fails with `response_too_large`.
    pub async fn fetch(
        &self,
        url: &Url,
        accept: &[&str],
        cap: usize,
    ) -> Result<Fetched, FetchError> {
        self.request(reqwest::Method::GET, url, accept, cap).await
    }

    /// HEAD `url`, following redirects like [`GuardedClient::fetch`]; the answer has no body (a link check).
    pub async fn head(&self, url: &Url) -> Result<Fetched, FetchError> {
        self.request(reqwest::Method::HEAD, url, &[], 0).await
    }

    async fn request(
        &self,
        method: reqwest::Method,
        url: &Url,
        accept: &[&str],
        cap: usize,
    ) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        let mut redirects = Vec::new();
        loop {
            self.policy
                .check(&current)
                .map_err(|_| FetchError::Blocked)?;
            let hop = tokio::time::timeout(
                self.limits.request_timeout,
                self.one_hop(method.clone(), &current, accept, cap),
            )
            .await
            .map_err(|_| FetchError::Timeout)??;
            match hop {
                HopOutcome::Redirect {
                    status,
                    location,
                    next,
                } => {
                    redirects.push(Hop {
                        url: current.to_string(),
                        status,
                        location: Some(location),
                    });
                    if redirects.len() > self.limits.max_redirects {
                        return Err(FetchError::TooManyRedirects);
                    }
                    current = next;
                }
                HopOutcome::Done(mut fetched) => {
                    fetched.redirects = redirects;
                    return Ok(*fetched);
                }
            }
        }
    }

    /// POST `body` to `url` once: the policy checks the URL, the name goes through the guarded resolver, and a 3xx
    /// answer is returned as it is (never followed). `request_timeout` bounds the whole exchange; at most `cap`
    /// bytes of the answer's body are read (an error while reading it keeps what arrived).
    pub async fn post(
        &self,
        url: &Url,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        cap: usize,
    ) -> Result<Posted, FetchError> {
        self.policy.check(url).map_err(|_| FetchError::Blocked)?;
        let exchange = async {
            let mut request = self.http.post(url.clone()).body(body);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let mut response = request.send().await.map_err(|e| classify(&e))?;
            let status = response.status().as_u16();
            let mut kept = Vec::new();
            while kept.len() < cap {
                match response.chunk().await {
                    Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
                    Ok(None) | Err(_) => break,
                }
            }
            kept.truncate(cap);
            Ok(Posted { status, body: kept })
        };
        tokio::time::timeout(self.limits.request_timeout, exchange)
            .await
            .map_err(|_| FetchError::Timeout)?
    }

    async fn one_hop(
        &self,
        method: reqwest::Method,
        url: &Url,
        accept: &[&str],
        cap: usize,
    ) -> Result<HopOutcome, FetchError> {
        let started = Instant::now();
        let head = method == reqwest::Method::HEAD;
        let response = self
            .http
            .request(method, url.clone())
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let ttfb_ms = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
        let status = response.status();
        if status.is_redirection()
            && let Some(location) = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
            && let Ok(next) = url.join(location.trim())
        {
            return Ok(HopOutcome::Redirect {
                status: status.as_u16(),
                location: location.to_string(),
                next,
            });
        }
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let raw_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let (content_type, charset) = media_type(raw_type);
        if status.is_success()
            && !accept.is_empty()
            && !content_type.as_deref().is_some_and(|t| accept.contains(&t))
        {
            return Err(FetchError::UnsupportedContentType);
        }
        // A HEAD answer's Content-Length describes the body a GET would get; none is read.
        if !head
            && response
                .content_length()
                .is_some_and(|len| len > cap as u64)
        {
            return Err(FetchError::TooLarge);
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| classify(&e))?;
            if body.len() + chunk.len() > cap {
                return Err(FetchError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let total_ms = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
        let download_ms = total_ms.saturating_sub(ttfb_ms);
        Ok(HopOutcome::Done(Box::new(Fetched {
            final_url: url.clone(),
            status: status.as_u16(),
            headers,
            content_type,
            charset,
            body,
            redirects: Vec::new(),
            ttfb_ms,
            download_ms,
        })))
    }
}

enum HopOutcome {
    Redirect {
        status: u16,
        location: String,
        next: Url,
    },
    Done(Box<Fetched>),
}

/// `text/html; charset=UTF-8` -> (`text/html`, `utf-8`).
fn media_type(raw: &str) -> (Option<String>, Option<String>) {
    let mut parts = raw.split(';');
    let main = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_ascii_lowercase())
    });
    ((!main.is_empty()).then_some(main), charset)
}

/// Maps a client error to a §11.7 code without ever keeping its text (SSRF-7).
fn classify(e: &reqwest::Error) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout;
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<DestinationBlocked>() {
            return FetchError::Blocked;
        }
        if s.is::<DnsFailed>() {
            return FetchError::Dns;
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return FetchError::Timeout;
        }
        let text = s.to_string().to_ascii_lowercase();
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            return FetchError::Tls;
        }
        source = s.source();
    }
    FetchError::Connect
}

#[cfg(test)]
mod tests;
