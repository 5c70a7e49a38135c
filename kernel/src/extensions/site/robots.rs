//! robots.txt as the site rules need it: the validation of seo-rules.md §3.1 (`site.robots_txt.invalid`, after
//! Lighthouse's list) and the RFC 9309 verdict behind `site.robots-allows(user-agent, path)`: the group naming the
//! user agent (case-insensitive), else `*`; within it the longest matching pattern wins, `Allow` on ties; `*`
//! matches any run of characters and a final `$` anchors the end.

use super::model::{RobotsError, RobotsFacts};

/// Directives Lighthouse accepts (seo-rules.md §3.1).
const KNOWN: [&str; 11] = [
    "user-agent",
    "disallow",
    "allow",
    "sitemap",
    "crawl-delay",
    "clean-param",
    "host",
    "request-rate",
    "visit-time",
    "noindex",
    "content-signal",
];

/// Google reads the first 500 KiB of a robots.txt; the kernel keeps no more.
pub const MAX_BODY_BYTES: usize = 500 * 1024;

impl RobotsFacts {
    /// The facts of a fetched robots.txt: `status` of the final response (`None` when it timed out or failed),
    /// the body cut to 500 KiB, its invalid lines and its `Sitemap:` values.
    pub fn from_response(status: Option<u16>, timed_out: bool, body: &str) -> RobotsFacts {
        let body = super::super::page::cut(body, MAX_BODY_BYTES).to_string();
        let ok = status.is_some_and(|s| (200..300).contains(&s));
        let (errors, sitemaps) = if ok {
            validate(&body)
        } else {
            (Vec::new(), Vec::new())
        };
        RobotsFacts {
            status,
            timed_out,
            body,
            errors,
            sitemaps,
        }
    }

    /// Whether `user_agent` may fetch `path` (path and query). True unless robots.txt answered 2xx and a rule of
    /// the selected group disallows it (4xx means "no robots.txt"; 5xx and timeouts are judged by
    /// `site.robots_txt.unreachable`, not here).
    pub fn allows(&self, user_agent: &str, path: &str) -> bool {
        if !self.status.is_some_and(|s| (200..300).contains(&s)) {
            return true;
        }
        allows(&self.body, user_agent, path)
    }
}

/// The content of a line without its comment, trimmed.
fn content(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}

/// `(key lowercased, value trimmed)` of a `key: value` line.
fn split(line: &str) -> Option<(String, &str)> {
    let (k, v) = line.split_once(':')?;
    Some((k.trim().to_ascii_lowercase(), v.trim()))
}

/// The invalid lines and the `Sitemap:` values of a robots.txt body.
pub fn validate(body: &str) -> (Vec<RobotsError>, Vec<String>) {
    let mut errors = Vec::new();
    let mut sitemaps = Vec::new();
    let mut seen_agent = false;
    for (i, raw) in body.lines().enumerate() {
        let line = content(raw.trim_start_matches('\u{feff}'));
        if line.is_empty() {
            continue;
        }
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let mut bad = |reason: &str| {
            errors.push(RobotsError {
                line: n,
                reason: reason.to_string(),
            })
        };
        let Some((key, value)) = split(line) else {
            bad("no colon");
            continue;
        };
        if !KNOWN.contains(&key.as_str()) {
            bad("unknown directive");
            continue;
        }
        match key.as_str() {
            "user-agent" => {
                if value.is_empty() {
                    bad("empty user-agent");
                }
                seen_agent = true;
            }
            "allow" | "disallow" => {
                if !seen_agent {
                    bad("rule before any user-agent");
                } else if !value.is_empty() && !value.starts_with('/') && !value.starts_with('*') {
                    bad("pattern must start with / or *");
                } else if value.find('$').is_some_and(|p| p + 1 != value.len()) {
                    bad("$ before the end of the pattern");
                }
            }
            "sitemap" => match url::Url::parse(value) {
                Ok(u) if matches!(u.scheme(), "http" | "https" | "ftp") && u.has_host() => {
                    sitemaps.push(value.to_string())
                }
                _ => bad("sitemap is not an absolute http, https or ftp URL"),
            },
            _ => {}
        }
    }
    (errors, sitemaps)
}

struct Group {
    agents: Vec<String>,
    rules: Vec<(bool, String)>,
}

fn groups(body: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut open = false; // the last group still takes user-agent lines
    for raw in body.lines() {
        let Some((key, value)) = split(content(raw.trim_start_matches('\u{feff}'))) else {
            continue;
        };
        match key.as_str() {
            "user-agent" => {
                if !open {
                    groups.push(Group {
                        agents: Vec::new(),
                        rules: Vec::new(),
                    });
                    open = true;
                }
                if let Some(g) = groups.last_mut() {
                    g.agents.push(value.to_ascii_lowercase());
                }
            }
            "allow" | "disallow" => {
                open = false;
                if let Some(g) = groups.last_mut() {
                    g.rules.push((key == "allow", value.to_string()));
                }
            }
            _ => {}
        }
    }
    groups
}

/// Whether `pattern` matches a prefix of `path` (`*` any run, a final `$` the end).
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    // Positions in `path` where the match so far can end.
    let mut ends: Vec<usize> = vec![0];
    for (i, part) in parts.iter().enumerate() {
        let mut next = Vec::new();
        for &at in &ends {
            if i == 0 {
                if path[at..].starts_with(part) {
                    next.push(at + part.len());
                }
            } else {
                let mut from = at;
                while let Some(found) = path[from..].find(part) {
                    next.push(from + found + part.len());
                    if part.is_empty() {
                        break;
                    }
                    from += found + 1;
                    while !path.is_char_boundary(from) {
                        from += 1;
                    }
                }
                if part.is_empty() {
                    // A trailing `*` can stretch to the end.
                    next.push(path.len());
                }
            }
        }
        next.sort_unstable();
        next.dedup();
        if next.is_empty() {
            return false;
        }
        ends = next;
    }
    !anchored || ends.contains(&path.len())
}

/// RFC 9309 verdict over a robots.txt body.
pub fn allows(body: &str, user_agent: &str, path: &str) -> bool {
    let agent = user_agent.trim().to_ascii_lowercase();
    let groups = groups(body);
    let named: Vec<&Group> = groups
        .iter()
        .filter(|g| g.agents.contains(&agent))
        .collect();
    let selected = if named.is_empty() {
        groups
            .iter()
            .filter(|g| g.agents.iter().any(|a| a == "*"))
            .collect()
    } else {
        named
    };
    let path = if path.is_empty() { "/" } else { path };
    let mut best: Option<(usize, bool)> = None;
    for (allow, pattern) in selected.iter().flat_map(|g| &g.rules) {
        if pattern.is_empty() || !matches(pattern, path) {
            continue;
        }
        let len = pattern.chars().count();
        best = match best {
            Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
            _ => Some((len, *allow)),
        };
    }
    best.is_none_or(|(_, allow)| allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = "# Northwind Bikes\nUser-agent: *\nDisallow: /cart/\nDisallow: /wp-admin/\n\
                           Allow: /wp-admin/admin-ajax.php\n\nSitemap: https://northwind-bikes.example/sitemap.xml\n";

    #[test]
    fn group_selection_longest_match_and_allow_on_ties() {
        assert!(allows(FIXTURE, "Googlebot", "/"));
        assert!(!allows(FIXTURE, "Googlebot", "/cart/"));
        assert!(!allows(FIXTURE, "googlebot", "/wp-admin/x"));
        assert!(allows(FIXTURE, "googlebot", "/wp-admin/admin-ajax.php"));
        let named = "User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nDisallow: /private\n";
        assert!(allows(named, "googlebot", "/"));
        assert!(!allows(named, "googlebot", "/private/a"));
        assert!(!allows(named, "siloqbot", "/"));
        let tie = "User-agent: *\nDisallow: /page\nAllow: /page\n";
        assert!(allows(tie, "x", "/page"));
        let wild = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /a*c\n";
        assert!(!allows(wild, "x", "/files/a.pdf"));
        assert!(allows(wild, "x", "/files/a.pdf?x=1"));
        assert!(!allows(wild, "x", "/abc"));
        assert!(allows(wild, "x", "/ab"));
        assert!(allows("User-agent: *\nDisallow:\n", "x", "/"));
    }

    #[test]
    fn lighthouse_validation() {
        let (errors, sitemaps) = validate(FIXTURE);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(sitemaps, ["https://northwind-bikes.example/sitemap.xml"]);
        let body = "Disallow: /early\nUser-agent:\nfoo: bar\nno colon here\nDisallow: relative\n\
                    Disallow: /a$b\nSitemap: /sitemap.xml\nAllow: *ok\n";
        let lines: Vec<u32> = validate(body).0.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn only_a_2xx_answer_restricts() {
        let mut facts =
            RobotsFacts::from_response(Some(200), false, "User-agent: *\nDisallow: /\n");
        assert!(!facts.allows("googlebot", "/"));
        facts.status = Some(404);
        assert!(facts.allows("googlebot", "/"));
        assert!(
            RobotsFacts::from_response(Some(503), false, "garbage")
                .errors
                .is_empty()
        );
    }
}
