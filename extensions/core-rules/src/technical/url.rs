//! The little URL handling the technical checks need, without a URL crate in the component: the scheme test,
//! RFC 3986 reference resolution (for `Link` header targets, which the kernel does not resolve) and the
//! comparison form of seo-rules.md §4.1 (lowercase scheme and host, no default port, empty path = `/`, no
//! fragment; path case, trailing slash and query kept).

/// Whether `s` starts with a URI scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`): false for
/// relative and protocol-relative references.
pub fn has_scheme(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s.as_bytes()[..colon];
    scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// The parts of a URI reference (RFC 3986 appendix B), borrowed from the input.
struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
}

fn split(s: &str) -> Parts<'_> {
    let (s, _fragment) = s.split_once('#').unwrap_or((s, ""));
    let (scheme, rest) = if has_scheme(s) {
        let (scheme, rest) = s.split_once(':').unwrap_or((s, ""));
        (Some(scheme), rest)
    } else {
        (None, s)
    };
    let (authority, rest) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?']).unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        }
        None => (None, rest),
    };
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
    }
}

/// RFC 3986 §5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." => trailing_slash = i == last,
            ".." => {
                if out.len() > usize::from(absolute) {
                    out.pop();
                }
                trailing_slash = i == last;
            }
            other => {
                out.push(other);
                trailing_slash = false;
            }
        }
    }
    let mut joined = out.join("/");
    if absolute && !joined.starts_with('/') {
        joined.insert(0, '/');
    }
    if trailing_slash && !joined.ends_with('/') {
        joined.push('/');
    }
    joined
}

/// `reference` resolved against the absolute URL `base` (RFC 3986 §5.2.2, with the WHATWG habit of
/// stripping surrounding whitespace). `None` when neither has a scheme.
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    let r = split(reference);
    let b = split(base.trim());
    let (scheme, authority, path, query);
    if let Some(s) = r.scheme {
        scheme = s;
        authority = r.authority;
        path = remove_dot_segments(r.path);
        query = r.query;
    } else {
        scheme = b.scheme?;
        if r.authority.is_some() {
            authority = r.authority;
            path = remove_dot_segments(r.path);
            query = r.query;
        } else {
            authority = b.authority;
            if r.path.is_empty() {
                path = b.path.to_owned();
                query = r.query.or(b.query);
            } else {
                path = if r.path.starts_with('/') {
                    remove_dot_segments(r.path)
                } else if b.authority.is_some() && b.path.is_empty() {
                    remove_dot_segments(&format!("/{}", r.path))
                } else {
                    let dir = b.path.rfind('/').map_or("", |i| &b.path[..=i]);
                    remove_dot_segments(&format!("{dir}{}", r.path))
                };
                query = r.query;
            }
        }
    }
    let mut out = String::with_capacity(reference.len() + base.len());
    out.push_str(scheme);
    out.push(':');
    if let Some(authority) = authority {
        out.push_str("//");
        out.push_str(authority);
    }
    out.push_str(&path);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    Some(out)
}

/// An http(s) URL in the §4.1 comparison form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl {
    /// The whole normalised URL.
    pub url: String,
    host_start: usize,
    host_end: usize,
    path_start: usize,
}

impl WebUrl {
    /// Lowercased host, without port.
    pub fn host(&self) -> &str {
        &self.url[self.host_start..self.host_end]
    }

    /// Path and query (`/a/b?c`).
    pub fn path_and_query(&self) -> &str {
        &self.url[self.path_start..]
    }
}

/// Parses an absolute http(s) URL with a host into its comparison form; `None` for anything else
/// (other schemes, relative references, an empty host).
pub fn web_url(s: &str) -> Option<WebUrl> {
    let p = split(s.trim());
    let scheme = p.scheme?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let authority = p.authority?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rfind(':') {
        Some(i) if !host_port[i..].contains(']') => (&host_port[..i], &host_port[i + 1..]),
        _ => (host_port, ""),
    };
    if host.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let port = port.trim_start_matches('0');
    let mut url = String::with_capacity(s.len() + 1);
    url.push_str(&scheme);
    url.push_str("://");
    let host_start = url.len();
    url.extend(host.chars().map(|c| c.to_ascii_lowercase()));
    let host_end = url.len();
    if !port.is_empty() && port != default_port {
        url.push(':');
        url.push_str(port);
    }
    let path_start = url.len();
    if p.path.is_empty() {
        url.push('/');
    } else {
        url.push_str(&remove_dot_segments(p.path));
    }
    if let Some(query) = p.query {
        url.push('?');
        url.push_str(query);
    }
    Some(WebUrl {
        url,
        host_start,
        host_end,
        path_start,
    })
}

/// The host as a site key: lowercased, without a leading `www.` (section 4.1 "internal").
pub fn site_key(host: &str) -> &str {
    host.strip_prefix("www.").unwrap_or(host)
}

/// Whether `url` uses the `http:` scheme (any case).
pub fn is_plain_http(url: &str) -> bool {
    url.trim_start()
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("http:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert!(has_scheme("https://a.example/"));
        assert!(has_scheme("mailto:x@y"));
        assert!(!has_scheme("/en/pricing/"));
        assert!(!has_scheme("//cdn.example/x"));
        assert!(!has_scheme("1http://x"));
    }

    #[test]
    fn resolution() {
        let base = "https://globex.example/en/pricing/?a=1";
        for (reference, expected) in [
            ("/fr/tarifs/", "https://globex.example/fr/tarifs/"),
            ("../de/", "https://globex.example/en/de/"),
            ("../../de/", "https://globex.example/de/"),
            ("../../../de", "https://globex.example/de"),
            ("x?y", "https://globex.example/en/pricing/x?y"),
            ("?q", "https://globex.example/en/pricing/?q"),
            ("", "https://globex.example/en/pricing/?a=1"),
            ("#frag", "https://globex.example/en/pricing/?a=1"),
            ("//cdn.example/a/./b", "https://cdn.example/a/b"),
            ("HTTP://Other.example", "HTTP://Other.example"),
            ("./", "https://globex.example/en/pricing/"),
        ] {
            assert_eq!(
                resolve(base, reference).as_deref(),
                Some(expected),
                "{reference}"
            );
        }
        assert_eq!(
            resolve("https://a.example", "b").as_deref(),
            Some("https://a.example/b")
        );
        assert_eq!(resolve("not a url", "b"), None);
    }

    #[test]
    fn normalisation() {
        let u = web_url("HTTPS://WWW.Example.COM:443/A/b/../c?Q=1#top").unwrap();
        assert_eq!(u.url, "https://www.example.com/A/c?Q=1");
        assert_eq!(u.host(), "www.example.com");
        assert_eq!(u.path_and_query(), "/A/c?Q=1");
        assert_eq!(site_key(u.host()), "example.com");
        assert_eq!(
            web_url("http://a.example:8080").unwrap().url,
            "http://a.example:8080/"
        );
        assert_eq!(
            web_url("http://a.example:80").unwrap().path_and_query(),
            "/"
        );
        assert_eq!(
            web_url("https://user@a.example/").unwrap().host(),
            "a.example"
        );
        assert_eq!(web_url("http://[::1]:8080/").unwrap().host(), "[::1]");
        for bad in [
            "/relative",
            "//a.example/",
            "ftp://a.example/",
            "https:///x",
            "https://a.example:x/",
            "x",
        ] {
            assert!(web_url(bad).is_none(), "{bad}");
        }
        assert!(is_plain_http(" HTTP://a"));
        assert!(!is_plain_http("https://a"));
    }
}
