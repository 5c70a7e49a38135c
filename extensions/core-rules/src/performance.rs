//! Performance checks (seo-rules.md §3.5): the five R1 page rules, scanned pages only (they need HTTP facts,
//! timings or the full document, so a WordPress content-only page gets not applicable throughout). On a page
//! where a hard gate fires every check is not applicable (§2.5).

use crate::ctx::Ctx;
use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;

pub const TTFB: &str = "perf.ttfb";
pub const HTML_SIZE: &str = "perf.html_size";
pub const HTML_OVER_LIMIT: &str = "perf.html_over_limit";
pub const DOM_SIZE: &str = "perf.dom_size";
pub const COMPRESSION: &str = "perf.compression";

const ALL: [&str; 5] = [TTFB, HTML_SIZE, HTML_OVER_LIMIT, DOM_SIZE, COMPRESSION];

/// Content codings that count as compression.
const COMPRESSED: [&str; 4] = ["gzip", "br", "zstd", "deflate"];

/// Thresholds of the performance checks; defaults are the catalogue's.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    /// `perf.ttfb`: full credit up to this many milliseconds (web-vitals "good").
    pub ttfb_good_ms: u32,
    /// `perf.ttfb`: half credit up to this many milliseconds; slower fails.
    pub ttfb_poor_ms: u32,
    /// `perf.html_size`: fails above this many bytes of HTML (1 MiB).
    pub html_max_bytes: u64,
    /// `perf.html_over_limit`: fails above this many bytes, what Googlebot reads of an HTML file (2 MiB).
    pub html_limit_bytes: u64,
    /// `perf.dom_size`: full credit up to this many elements.
    pub dom_good_max: u32,
    /// `perf.dom_size`: half credit up to this many elements; more fail.
    pub dom_poor_max: u32,
    /// `perf.compression`: applies when the HTML is larger than this many bytes.
    pub compression_min_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ttfb_good_ms: 800,
            ttfb_poor_ms: 1800,
            html_max_bytes: 1_048_576,
            html_limit_bytes: 2_097_152,
            dom_good_max: 818,
            dom_poor_max: 1500,
            compression_min_bytes: 1400,
        }
    }
}

pub fn checks() -> Vec<Check> {
    use Capability::{FullDocument, Http, Timing};
    use Severity::{High, Low, Medium};
    let check = |id, severity, title| Check::new(id, Category::Performance, severity, title);
    vec![
        check(TTFB, Medium, "Slow server response (TTFB)")
            .requires(Http)
            .requires(Timing),
        check(HTML_SIZE, Medium, "Large HTML document").requires(Http),
        check(HTML_OVER_LIMIT, High, "HTML beyond what Googlebot reads").requires(Http),
        check(DOM_SIZE, Low, "Too many HTML elements").requires(FullDocument),
        check(COMPRESSION, Low, "HTML sent uncompressed").requires(Http),
    ]
}

pub fn evaluate<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    let http = if ctx.has(Capability::Http) {
        ctx.http()
    } else {
        None
    };
    if crate::technical::hard_failure(http) {
        for id in ALL {
            out.not_applicable(id);
        }
        return;
    }
    let info = ctx.info();
    match http {
        Some(http) => {
            let bytes = u64::from(http.bytes_raw).max(u64::from(info.html_bytes));
            ttfb(http, ctx.has(Capability::Timing), config, out);
            html_size(bytes, config, out);
            compression(http, bytes, config, out);
        }
        None => {
            for id in [TTFB, HTML_SIZE, HTML_OVER_LIMIT, COMPRESSION] {
                out.not_applicable(id);
            }
        }
    }
    if ctx.has(Capability::FullDocument) {
        dom_size(info.element_count, config, out);
    } else {
        out.not_applicable(DOM_SIZE);
    }
}

/// A byte count for people: `840 bytes`, `12.5 KiB`, `1.6 MiB`.
fn size_text(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn ttfb(http: &HttpFacts, timing: bool, config: &Config, out: &mut Report) {
    let Some(ms) = http.ttfb_ms.filter(|_| timing) else {
        out.not_applicable(TTFB);
        return;
    };
    if ms <= config.ttfb_good_ms {
        out.pass(TTFB);
        return;
    }
    let message = format!("The server took {ms} ms to start responding.");
    let finding = if ms <= config.ttfb_poor_ms {
        out.partial(TTFB, 0.5, message)
    } else {
        out.fail(TTFB, message)
    };
    finding
        .action("Add page caching or a CDN, and check slow database queries and plugins.")
        .detail("ttfb_ms", ms)
        .detail("good_ms", config.ttfb_good_ms)
        .detail("poor_ms", config.ttfb_poor_ms);
}

fn html_size(bytes: u64, config: &Config, out: &mut Report) {
    if bytes > config.html_max_bytes {
        out.fail(
            HTML_SIZE,
            format!("The HTML document is {}.", size_text(bytes)),
        )
        .action("Remove inline data, embedded images and duplicated markup.")
        .detail("bytes", bytes)
        .detail("max_bytes", config.html_max_bytes);
    } else {
        out.pass(HTML_SIZE);
    }
    if bytes > config.html_limit_bytes {
        out.fail(
            HTML_OVER_LIMIT,
            format!(
                "The HTML is {}, beyond what Googlebot reads for search; the rest is ignored.",
                size_text(bytes)
            ),
        )
        .action("Bring the document below 2 MB by moving inline data and images out of the HTML.")
        .detail("bytes", bytes)
        .detail("limit_bytes", config.html_limit_bytes);
    } else {
        out.pass(HTML_OVER_LIMIT);
    }
}

fn dom_size(elements: u32, config: &Config, out: &mut Report) {
    if elements <= config.dom_good_max {
        out.pass(DOM_SIZE);
        return;
    }
    let message = format!("The page has {elements} HTML elements.");
    let finding = if elements <= config.dom_poor_max {
        out.partial(DOM_SIZE, 0.5, message)
    } else {
        out.fail(DOM_SIZE, message)
    };
    finding
        .action("Simplify nested page-builder markup and very long lists.")
        .detail("elements", elements)
        .detail("good_max", config.dom_good_max)
        .detail("poor_max", config.dom_poor_max);
}

/// The response's content codings: the `content-encoding` fact, else the `Content-Encoding` headers.
fn is_compressed(http: &HttpFacts) -> bool {
    let compressed = |value: &str| {
        value
            .split(',')
            .map(str::trim)
            .any(|coding| COMPRESSED.iter().any(|c| coding.eq_ignore_ascii_case(c)))
    };
    match http.content_encoding.as_deref() {
        Some(value) if !value.trim().is_empty() => compressed(value),
        _ => http
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("content-encoding"))
            .any(|h| compressed(&h.value)),
    }
}

fn compression(http: &HttpFacts, bytes: u64, config: &Config, out: &mut Report) {
    if bytes <= config.compression_min_bytes {
        out.not_applicable(COMPRESSION);
    } else if is_compressed(http) {
        out.pass(COMPRESSION);
    } else {
        out.fail(
            COMPRESSION,
            format!("The HTML is sent uncompressed ({bytes} bytes)."),
        )
        .action("Turn on gzip or Brotli at the server or CDN.")
        .detail("bytes", bytes)
        .detail(
            "content_encoding",
            http.content_encoding.clone().unwrap_or_default(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CoreRules;
    use siloq_sdk::testing::{MockPage, Outcome, run_rule};

    /// A scanned page that passes every performance check.
    fn clean() -> MockPage {
        MockPage::new("https://shop.example/tea/")
            .capability(Capability::Timing)
            .with(|p| {
                p.info.element_count = 400;
                p.info.html_bytes = 30_000;
                let http = p.http.as_mut().unwrap();
                http.ttfb_ms = Some(200);
                http.bytes_raw = 30_000;
                http.content_encoding = Some("br".into());
            })
    }

    fn http(page: &mut MockPage) -> &mut HttpFacts {
        page.http.as_mut().unwrap()
    }

    fn bytes(n: u32) -> impl Fn(&mut MockPage) {
        move |p| {
            p.info.html_bytes = n;
            http(p).bytes_raw = n;
        }
    }

    fn run(page: &MockPage) -> Outcome {
        run_rule::<CoreRules>(page, "{}").unwrap()
    }

    #[test]
    fn declared() {
        let ids: Vec<_> = checks().iter().map(|c| c.id().to_owned()).collect();
        assert_eq!(ids, ALL);
        assert!(
            checks()
                .iter()
                .all(|c| c.info().category == Category::Performance && c.info().blocking.is_none())
        );
    }

    #[test]
    fn clean_page_passes() {
        let out = run(&clean());
        for id in ALL {
            assert_eq!(out.credit(id), Some(1.0), "{id}");
        }
    }

    #[test]
    fn cases() {
        type Case = (
            &'static str,
            Box<dyn Fn(&mut MockPage)>,
            &'static str,
            Option<f32>,
        );
        let cases: Vec<Case> = vec![
            (
                "800 ms",
                Box::new(|p| http(p).ttfb_ms = Some(800)),
                TTFB,
                Some(1.0),
            ),
            (
                "801 ms",
                Box::new(|p| http(p).ttfb_ms = Some(801)),
                TTFB,
                Some(0.5),
            ),
            (
                "1800 ms",
                Box::new(|p| http(p).ttfb_ms = Some(1800)),
                TTFB,
                Some(0.5),
            ),
            (
                "1801 ms",
                Box::new(|p| http(p).ttfb_ms = Some(1801)),
                TTFB,
                Some(0.0),
            ),
            (
                "unknown ttfb",
                Box::new(|p| http(p).ttfb_ms = None),
                TTFB,
                None,
            ),
            (
                "no timing capability",
                Box::new(|p| p.info.capabilities.retain(|c| *c != Capability::Timing)),
                TTFB,
                None,
            ),
            (
                "exactly 1 MiB",
                Box::new(bytes(1_048_576)),
                HTML_SIZE,
                Some(1.0),
            ),
            (
                "over 1 MiB",
                Box::new(bytes(1_048_577)),
                HTML_SIZE,
                Some(0.0),
            ),
            (
                "over 1 MiB, under 2",
                Box::new(bytes(1_500_000)),
                HTML_OVER_LIMIT,
                Some(1.0),
            ),
            (
                "over 2 MiB",
                Box::new(bytes(2_097_153)),
                HTML_OVER_LIMIT,
                Some(0.0),
            ),
            (
                "over 2 MiB is also large",
                Box::new(bytes(2_097_153)),
                HTML_SIZE,
                Some(0.0),
            ),
            (
                "size from the document",
                Box::new(|p| p.info.html_bytes = 3_000_000),
                HTML_OVER_LIMIT,
                Some(0.0),
            ),
            (
                "818 elements",
                Box::new(|p| p.info.element_count = 818),
                DOM_SIZE,
                Some(1.0),
            ),
            (
                "819 elements",
                Box::new(|p| p.info.element_count = 819),
                DOM_SIZE,
                Some(0.5),
            ),
            (
                "1500 elements",
                Box::new(|p| p.info.element_count = 1500),
                DOM_SIZE,
                Some(0.5),
            ),
            (
                "1501 elements",
                Box::new(|p| p.info.element_count = 1501),
                DOM_SIZE,
                Some(0.0),
            ),
            (
                "uncompressed",
                Box::new(|p| http(p).content_encoding = None),
                COMPRESSION,
                Some(0.0),
            ),
            (
                "identity",
                Box::new(|p| http(p).content_encoding = Some("identity".into())),
                COMPRESSION,
                Some(0.0),
            ),
            (
                "gzip",
                Box::new(|p| http(p).content_encoding = Some("GZIP".into())),
                COMPRESSION,
                Some(1.0),
            ),
            (
                "zstd",
                Box::new(|p| http(p).content_encoding = Some("zstd".into())),
                COMPRESSION,
                Some(1.0),
            ),
            (
                "deflate in the header only",
                Box::new(|p| {
                    http(p).content_encoding = None;
                    http(p).headers.push(Header {
                        name: "Content-Encoding".into(),
                        value: "deflate".into(),
                    });
                }),
                COMPRESSION,
                Some(1.0),
            ),
            (
                "small document",
                Box::new(|p| {
                    bytes(1400)(p);
                    http(p).content_encoding = None;
                }),
                COMPRESSION,
                None,
            ),
            (
                "hard failure",
                Box::new(|p| http(p).status = 500),
                TTFB,
                None,
            ),
            (
                "hard failure",
                Box::new(|p| http(p).status = 500),
                DOM_SIZE,
                None,
            ),
            (
                "no http facts",
                Box::new(|p| p.http = None),
                HTML_SIZE,
                None,
            ),
            (
                "no http facts",
                Box::new(|p| p.http = None),
                DOM_SIZE,
                Some(1.0),
            ),
        ];
        for (name, change, check, expected) in cases {
            let mut page = clean();
            change(&mut page);
            assert_eq!(run(&page).credit(check), expected, "{name}: {check}");
        }
    }

    #[test]
    fn wordpress_pages_are_not_judged() {
        let out = run(&MockPage::new("https://shop.example/tea/").wordpress("3"));
        for id in ALL {
            assert_eq!(out.credit(id), None, "{id}");
        }
    }

    #[test]
    fn messages_and_config() {
        let mut page = clean();
        http(&mut page).ttfb_ms = Some(2400);
        bytes(2_500_000)(&mut page);
        http(&mut page).content_encoding = None;
        page.info.element_count = 2000;
        let out = run(&page);
        let message = |id| out.finding(id).unwrap().message.clone();
        assert_eq!(
            message(TTFB),
            "The server took 2400 ms to start responding."
        );
        assert_eq!(message(HTML_SIZE), "The HTML document is 2.4 MiB.");
        assert_eq!(
            message(HTML_OVER_LIMIT),
            "The HTML is 2.4 MiB, beyond what Googlebot reads for search; the rest is ignored."
        );
        assert_eq!(message(DOM_SIZE), "The page has 2000 HTML elements.");
        assert_eq!(
            message(COMPRESSION),
            "The HTML is sent uncompressed (2500000 bytes)."
        );
        assert!(out.finding(TTFB).unwrap().action.is_some());

        let out = run_rule::<CoreRules>(
            &page,
            r#"{"performance": {"ttfb_poor_ms": 3000, "dom_poor_max": 5000}}"#,
        )
        .unwrap();
        assert_eq!(out.credit(TTFB), Some(0.5));
        assert_eq!(out.credit(DOM_SIZE), Some(0.5));
        assert_eq!(size_text(900), "900 bytes");
        assert_eq!(size_text(12_800), "12.5 KiB");
    }
}
