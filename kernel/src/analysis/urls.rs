//! URL handling for the document model: resolution against the base, the comparison form of section 4.1,
//! same-site checks, slugs and link kinds.

use super::model::{LinkKind, UrlParts};
use url::Url;

/// The page URL and base of one document, plus the hosts that count as the site's own.
pub(super) struct UrlContext<'a> {
    pub page: Option<Url>,
    /// The document base: the first `<base href>` resolved against the page URL, else the page URL.
    pub base: Option<Url>,
    /// The page's host without `www.`, lowercased.
    site_host: Option<String>,
    own_hosts: &'a [String],
}

impl<'a> UrlContext<'a> {
    pub fn new(page_url: &str, own_hosts: &'a [String]) -> Self {
        let page = Url::parse(page_url.trim()).ok();
        let site_host = page.as_ref().and_then(Url::host_str).map(site_key);
        UrlContext {
            base: page.clone(),
            page,
            site_host,
            own_hosts,
        }
    }

    /// Applies a `<base href>` (only the first one counts; the caller makes sure of that).
    pub fn set_base(&mut self, href: &str) {
        let resolved = match &self.page {
            Some(page) => page.join(href.trim()).ok(),
            None => Url::parse(href.trim()).ok(),
        };
        if let Some(base) = resolved.filter(|u| !u.cannot_be_a_base()) {
            self.base = Some(base);
        }
    }

    /// `href` resolved against the base.
    pub fn resolve(&self, href: &str) -> Option<Url> {
        match &self.base {
            Some(base) => base.join(href).ok(),
            None => Url::parse(href.trim()).ok(),
        }
    }

    /// Whether an http(s) URL belongs to the page's site (host equal ignoring case and a leading `www.`,
    /// or one of the site's own hosts).
    pub fn is_same_site(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let key = site_key(host);
        self.site_host.as_deref() == Some(key.as_str())
            || self.own_hosts.iter().any(|h| site_key(h) == key)
    }

    /// Classifies a link href (section 4.1 and 4.2 `kind`).
    pub fn link_kind(&self, href: &str, resolved: Option<&Url>) -> LinkKind {
        if href.trim_start().starts_with('#') {
            return LinkKind::Fragment;
        }
        let Some(url) = resolved else {
            let lower = href.trim_start().to_ascii_lowercase();
            return if lower.starts_with("javascript:") {
                LinkKind::Javascript
            } else {
                LinkKind::Other
            };
        };
        match url.scheme() {
            "http" | "https" => {
                let same_page = url.fragment().is_some()
                    && self
                        .page
                        .as_ref()
                        .is_some_and(|page| without_fragment(page) == without_fragment(url));
                if same_page {
                    LinkKind::Fragment
                } else {
                    LinkKind::Web
                }
            }
            "mailto" => LinkKind::Mailto,
            "tel" => LinkKind::Tel,
            "javascript" => LinkKind::Javascript,
            _ => LinkKind::Other,
        }
    }
}

/// A host lowercased and without a leading `www.`.
pub(super) fn site_key(host: &str) -> String {
    let lower = host.trim_end_matches('.').to_ascii_lowercase();
    match lower.strip_prefix("www.") {
        Some(rest) => rest.to_owned(),
        None => lower,
    }
}

fn without_fragment(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    u.into()
}

/// The comparison form of section 4.1: scheme and host lowercased, default port dropped, empty path `/`,
/// fragment dropped; path case, trailing slash and query kept. (The `url` crate already does all but the
/// fragment for http(s).)
pub fn normalize_url(url: &Url) -> String {
    without_fragment(url)
}

/// The parts of an absolute page URL.
pub(super) fn url_parts(url: &Url) -> UrlParts {
    UrlParts {
        scheme: url.scheme().to_owned(),
        host: url.host_str().unwrap_or_default().to_owned(),
        port: url.port(),
        path: url.path().to_owned(),
        query: url.query().map(str::to_owned),
        normalized: normalize_url(url),
    }
}

/// The WordPress `slug` field when set, else the last non-empty path segment of the URL.
pub(super) fn slug(slug_field: &str, page: Option<&Url>, raw_url: &str) -> String {
    if !slug_field.trim().is_empty() {
        return slug_field.trim().to_owned();
    }
    let path = match page {
        Some(url) => url.path().to_owned(),
        None => raw_url
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    path.split('/')
        .rev()
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// Whether an href has a scheme of its own (absolute), as opposed to relative or protocol-relative.
pub(super) fn has_scheme(href: &str) -> bool {
    let href = href.trim();
    let Some(colon) = href.find(':') else {
        return false;
    };
    let scheme = &href[..colon];
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The first candidate URL of a `srcset` value.
pub(super) fn first_srcset_candidate(srcset: &str) -> Option<&str> {
    srcset_candidates(srcset).next()
}

/// The candidate URLs of a `srcset` value (URLs may contain commas only when not followed by a space, so
/// splitting on ", " and on descriptors is how browsers read them in practice).
pub(super) fn srcset_candidates(srcset: &str) -> impl Iterator<Item = &str> {
    srcset
        .split(',')
        .map(str::trim)
        .filter_map(|candidate| candidate.split_whitespace().next())
        .filter(|url| !url.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_sites() {
        let ctx = UrlContext::new("https://www.Example.com/a/page?x=1", &[]);
        let kind = |href: &str| ctx.link_kind(href, ctx.resolve(href).as_ref());
        assert_eq!(kind("#top"), LinkKind::Fragment);
        assert_eq!(
            kind("https://www.example.com/a/page?x=1#s"),
            LinkKind::Fragment
        );
        assert_eq!(kind("/other/"), LinkKind::Web);
        assert_eq!(kind("mailto:a@b.example"), LinkKind::Mailto);
        assert_eq!(kind("tel:+1555"), LinkKind::Tel);
        assert_eq!(kind("javascript:void(0)"), LinkKind::Javascript);
        assert_eq!(kind("ftp://x.example/"), LinkKind::Other);
        assert!(ctx.is_same_site(&Url::parse("http://EXAMPLE.com/").unwrap()));
        assert!(!ctx.is_same_site(&Url::parse("https://blog.example.com/").unwrap()));
        assert_eq!(
            normalize_url(&Url::parse("HTTPS://Ex.com:443#f").unwrap()),
            "https://ex.com/"
        );
        assert_eq!(
            slug(
                "",
                Url::parse("https://a.example/x/summer_sale/").ok().as_ref(),
                ""
            ),
            "summer_sale"
        );
        assert!(
            has_scheme("https://a")
                && !has_scheme("//a/b")
                && !has_scheme("/a:b")
                && !has_scheme("a/b")
        );
        assert_eq!(
            srcset_candidates("a.jpg 1x, b.jpg 2x").collect::<Vec<_>>(),
            ["a.jpg", "b.jpg"]
        );
    }
}
