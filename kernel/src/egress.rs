//! Outbound HTTP to destinations that users choose (security.md §9, api.md §11.7): the SSRF guard and the one
//! hardened client every such request goes through (scan pages, robots.txt, sitemaps, redirect hops, webhook
//! deliveries).
//!
//! * [`address`] classifies IP addresses: only global unicast passes (SSRF-2), embedded IPv4 included.
//! * [`policy`] checks a parsed URL before anything touches the network (SSRF-1 steps 1–7, SSRF-4 allow-list).
//! * [`resolve`] is the resolver behind the client: it drops blocked addresses, so the connection goes only to an
//!   address that was checked (no second lookup, no DNS rebinding).
//! * [`client`] fetches one URL: no proxy, no cookies, no automatic redirects (each hop is re-checked), timeouts,
//!   a body cap and a content-type check, and one normalised error code per failure (SSRF-7).

pub mod address;
pub mod client;
pub mod policy;
pub mod resolve;

pub use client::{Fetched, GuardedClient, Hop, Limits, Posted};
pub use policy::{EgressPolicy, Refusal};
pub use resolve::{GuardedResolver, Lookup, PinnedLookup, SystemLookup};

/// Why an outbound fetch failed, as the codes of api.md §11.7. OS error text never leaves this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("destination_blocked")]
    Blocked,
    #[error("dns_error")]
    Dns,
    #[error("connect_error")]
    Connect,
    #[error("tls_error")]
    Tls,
    #[error("timeout")]
    Timeout,
    #[error("too_many_redirects")]
    TooManyRedirects,
    #[error("response_too_large")]
    TooLarge,
    #[error("unsupported_content_type")]
    UnsupportedContentType,
    #[error("internal_error")]
    Internal,
}

impl FetchError {
    /// The wire code (`error_message` of a failed scan).
    pub fn code(self) -> &'static str {
        match self {
            FetchError::Blocked => "destination_blocked",
            FetchError::Dns => "dns_error",
            FetchError::Connect => "connect_error",
            FetchError::Tls => "tls_error",
            FetchError::Timeout => "timeout",
            FetchError::TooManyRedirects => "too_many_redirects",
            FetchError::TooLarge => "response_too_large",
            FetchError::UnsupportedContentType => "unsupported_content_type",
            FetchError::Internal => "internal_error",
        }
    }
}

/// A guarded client with the `[scanner]` egress settings every outbound caller shares (scans and webhook
/// deliveries): its allow-list, its `name=address` pins in front of the system resolver, and its extra
/// certificate authorities.
pub fn configured_client(
    config: &crate::scanner::ScannerConfig,
    limits: Limits,
) -> Result<GuardedClient, FetchError> {
    let mut roots = Vec::new();
    for file in &config.extra_ca_files {
        let pem = std::fs::read(file).map_err(|e| {
            tracing::error!(file = %file, error = %e, "scanner.extra_ca_files: unreadable");
            FetchError::Internal
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            tracing::error!(file = %file, error = %e, "scanner.extra_ca_files: not PEM certificates");
            FetchError::Internal
        })?;
        roots.extend(certs);
    }
    // Validated with the configuration; a bad entry cannot get here.
    let pinned = PinnedLookup::parse(&config.resolve).map_err(|_| FetchError::Internal)?;
    GuardedClient::with_roots(
        EgressPolicy::new(&config.allow_hosts),
        std::sync::Arc::new(PinnedLookup::new(pinned, std::sync::Arc::new(SystemLookup))),
        limits,
        roots,
    )
}
