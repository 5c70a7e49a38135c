//! Canonical and hreflang annotations of a page, from the head (`<link>` elements inside `<head>`; those in
//! the body are ignored, section 3.1) and from `Link` response headers, collected once for all checks.

use super::url::{WebUrl, resolve, web_url};
use siloq_sdk::prelude::*;

/// A declared canonical.
pub struct Canonical<'a> {
    /// The href as written.
    pub href: &'a str,
    /// Resolved against the page, in comparison form; `None` when it is not a usable http(s) URL.
    pub url: Option<WebUrl>,
}

/// A declared hreflang alternate.
pub struct Alternate<'a> {
    /// The hreflang value as written.
    pub value: &'a str,
    /// The href as written (empty when missing).
    pub href: &'a str,
    /// Resolved against the page, in comparison form.
    pub url: Option<WebUrl>,
}

#[derive(Default)]
pub struct Annotations<'a> {
    pub canonicals: Vec<Canonical<'a>>,
    pub alternates: Vec<Alternate<'a>>,
}

fn has_token(rel: &str, token: &str) -> bool {
    rel.split_ascii_whitespace()
        .any(|t| t.eq_ignore_ascii_case(token))
}

/// The comparison form of an href: the kernel's resolution (against the document base) when it has one,
/// else the href resolved against the page URL.
fn locate(page_url: &str, href: &str, href_abs: Option<&str>) -> Option<WebUrl> {
    match href_abs {
        Some(abs) => web_url(abs),
        None => web_url(&resolve(page_url, href)?),
    }
}

impl<'a> Annotations<'a> {
    pub fn collect(
        page_url: &str,
        canonical: Option<&'a str>,
        head: &'a HeadData,
        http: Option<&'a HttpFacts>,
    ) -> Self {
        let mut found = Annotations::default();
        for tag in head
            .links
            .iter()
            .filter(|t| matches!(t.location, Location::Head))
        {
            if has_token(&tag.rel, "canonical") {
                found.canonicals.push(Canonical {
                    href: tag.href.trim(),
                    url: locate(page_url, &tag.href, tag.href_abs.as_deref()),
                });
            }
            if let Some(value) = &tag.hreflang
                && has_token(&tag.rel, "alternate")
            {
                found.alternates.push(Alternate {
                    value: value.trim(),
                    href: tag.href.trim(),
                    url: locate(page_url, &tag.href, tag.href_abs.as_deref()),
                });
            }
        }
        let headers = http.map_or(&[][..], |h| &h.headers[..]);
        for header in headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("link"))
        {
            for link in LinkHeader::new(&header.value) {
                if has_token(link.rel, "canonical") {
                    found.canonicals.push(Canonical {
                        href: link.target,
                        url: locate(page_url, link.target, None),
                    });
                }
                if let Some(value) = link.hreflang
                    && has_token(link.rel, "alternate")
                {
                    found.alternates.push(Alternate {
                        value,
                        href: link.target,
                        url: locate(page_url, link.target, None),
                    });
                }
            }
        }
        // The kernel's single effective canonical, should the head links not carry it.
        if found.canonicals.is_empty()
            && let Some(canonical) = canonical
        {
            found.canonicals.push(Canonical {
                href: canonical.trim(),
                url: web_url(canonical),
            });
        }
        found
    }
}

/// One link-value of a `Link` header (RFC 8288): `<target>; rel="…"; hreflang=…`.
#[derive(Debug, PartialEq, Eq)]
pub struct LinkValue<'a> {
    pub target: &'a str,
    /// The `rel` parameter, unquoted (empty when absent).
    pub rel: &'a str,
    pub hreflang: Option<&'a str>,
}

/// Iterates the link-values of one `Link` header value; malformed parts are skipped.
pub struct LinkHeader<'a> {
    rest: &'a str,
}

impl<'a> LinkHeader<'a> {
    pub fn new(value: &'a str) -> Self {
        LinkHeader { rest: value }
    }
}

/// Splits `s` at the first `delimiter` outside a quoted string.
fn split_unquoted(s: &str, delimiter: u8) -> (&str, &str) {
    let mut quoted = false;
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            _ if b == delimiter && !quoted => return (&s[..i], &s[i + 1..]),
            _ => {}
        }
    }
    (s, "")
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

impl<'a> Iterator for LinkHeader<'a> {
    type Item = LinkValue<'a>;

    fn next(&mut self) -> Option<LinkValue<'a>> {
        loop {
            let start = self.rest.find('<')?;
            let after = &self.rest[start + 1..];
            let Some(end) = after.find('>') else {
                self.rest = "";
                return None;
            };
            let target = after[..end].trim();
            let (params, rest) = split_unquoted(&after[end + 1..], b',');
            self.rest = rest;
            let mut link = LinkValue {
                target,
                rel: "",
                hreflang: None,
            };
            let mut params = params;
            while !params.is_empty() {
                let (param, more) = split_unquoted(params, b';');
                params = more;
                let Some((name, value)) = param.split_once('=') else {
                    continue;
                };
                let name = name.trim();
                if name.eq_ignore_ascii_case("rel") && link.rel.is_empty() {
                    link.rel = unquote(value);
                } else if name.eq_ignore_ascii_case("hreflang") && link.hreflang.is_none() {
                    link.hreflang = Some(unquote(value));
                }
            }
            if !link.rel.is_empty() {
                return Some(link);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_values() {
        let value = r#"<https://a.example/>; rel="canonical", </de/>; rel=alternate; hreflang="de", <https://x.example/a,b>; title="a, b; c"; rel="preload alternate"; hreflang=x-default, <broken"#;
        let links: Vec<_> = LinkHeader::new(value).collect();
        assert_eq!(
            links,
            vec![
                LinkValue {
                    target: "https://a.example/",
                    rel: "canonical",
                    hreflang: None
                },
                LinkValue {
                    target: "/de/",
                    rel: "alternate",
                    hreflang: Some("de")
                },
                LinkValue {
                    target: "https://x.example/a,b",
                    rel: "preload alternate",
                    hreflang: Some("x-default")
                },
            ]
        );
        assert_eq!(LinkHeader::new("").count(), 0);
        assert_eq!(LinkHeader::new("<https://a.example/>").count(), 0);
    }
}
