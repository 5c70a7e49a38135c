//! Technical checks (seo-rules.md §3.1): the 21 page-level R1 rules. Site-scope rules (`site.*`,
//! `index.noindex_conflict`) run over the `site` resource and are not part of this module.
//!
//! Order of evaluation follows §2.5: the hard gates first; when one fires, every other technical check is not
//! applicable (there is no page to judge). Checks that need the full document or HTTP facts are not applicable
//! on WordPress content-only pages.

mod annotations;
mod lang;
mod lang_tables;
#[cfg(test)]
mod tests;
mod url;

use crate::ctx::Ctx;
use annotations::Annotations;
use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;
use std::cell::OnceCell;
use url::{has_scheme, is_plain_http, site_key, web_url};

pub const STATUS_ERROR: &str = "http.status.error";
pub const TIMEOUT: &str = "http.timeout";
pub const REDIRECT_LOOP: &str = "http.redirect.loop";
pub const REDIRECT_CHAIN: &str = "http.redirect.chain";
pub const NOINDEX: &str = "index.noindex";
pub const ROBOTS_BLOCKED: &str = "index.robots_blocked";
pub const CANONICAL_MULTIPLE: &str = "canonical.multiple";
pub const CANONICAL_INVALID: &str = "canonical.invalid";
pub const CANONICAL_RELATIVE: &str = "canonical.relative";
pub const CANONICAL_TO_HOMEPAGE: &str = "canonical.to_homepage";
pub const CANONICAL_MISSING: &str = "canonical.missing";
pub const HREFLANG_INVALID: &str = "hreflang.invalid";
pub const HREFLANG_SELF_MISSING: &str = "hreflang.self_missing";
pub const HREFLANG_X_DEFAULT_MISSING: &str = "hreflang.x_default_missing";
pub const LANG_MISSING: &str = "lang.missing";
pub const LANG_INVALID: &str = "lang.invalid";
pub const VIEWPORT_MISSING: &str = "viewport.missing";
pub const HTTPS_NOT_USED: &str = "https.not_used";
pub const HTTPS_MIXED_CONTENT: &str = "https.mixed_content";
pub const HTTPS_INSECURE_FORM: &str = "https.insecure_form";
pub const HTTPS_HTTP_INTERNAL_LINKS: &str = "https.http_internal_links";

/// The canonical and hreflang checks (full document and HTTP facts).
const ANNOTATION_CHECKS: [&str; 8] = [
    CANONICAL_MULTIPLE,
    CANONICAL_INVALID,
    CANONICAL_RELATIVE,
    CANONICAL_TO_HOMEPAGE,
    CANONICAL_MISSING,
    HREFLANG_INVALID,
    HREFLANG_SELF_MISSING,
    HREFLANG_X_DEFAULT_MISSING,
];

/// The checks that read the document only.
const DOCUMENT_CHECKS: [&str; 6] = [
    LANG_MISSING,
    LANG_INVALID,
    VIEWPORT_MISSING,
    HTTPS_MIXED_CONTENT,
    HTTPS_INSECURE_FORM,
    HTTPS_HTTP_INTERNAL_LINKS,
];

/// The checks that read the HTTP facts only, after the hard gates.
const HTTP_CHECKS: [&str; 3] = [REDIRECT_CHAIN, ROBOTS_BLOCKED, HTTPS_NOT_USED];

/// Most examples quoted in a message; most references listed as affected (the kernel's cap).
const MAX_EXAMPLES: usize = 3;
const MAX_AFFECTED: usize = 20;

/// Thresholds of the technical checks; defaults are the catalogue's.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    /// `http.redirect.loop`: a chain of more redirects than this never reaches a page (Google follows 10).
    pub redirect_max_hops: u32,
    /// `http.redirect.chain`: full credit up to this many redirects.
    pub redirect_chain_pass_max: u32,
    /// `http.redirect.chain`: half credit up to this many redirects; more fail.
    pub redirect_chain_partial_max: u32,
    /// `http.timeout`: the scanner's fetch timeout in seconds, as quoted in the message.
    pub fetch_timeout_s: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            redirect_max_hops: 10,
            redirect_chain_pass_max: 1,
            redirect_chain_partial_max: 4,
            fetch_timeout_s: 10,
        }
    }
}

pub fn checks() -> Vec<Check> {
    use Capability::{FullDocument, Http};
    use Severity::{Critical, High, Low, Medium};
    let check = |id, severity, title| Check::new(id, Category::Technical, severity, title);
    let annotation = |id, severity, title| {
        check(id, severity, title)
            .requires(FullDocument)
            .requires(Http)
    };
    vec![
        check(STATUS_ERROR, Critical, "Page answers with an HTTP error")
            .requires(Http)
            .blocking(Blocking::HardFailure),
        check(TIMEOUT, Critical, "Page does not respond in time")
            .requires(Http)
            .blocking(Blocking::HardFailure),
        check(REDIRECT_LOOP, Critical, "Redirect loop")
            .requires(Http)
            .blocking(Blocking::HardFailure),
        check(REDIRECT_CHAIN, Medium, "Redirect chain before the page").requires(Http),
        check(NOINDEX, Critical, "Page is set to noindex").blocking(Blocking::NotIndexable),
        check(ROBOTS_BLOCKED, Critical, "robots.txt blocks the page")
            .requires(Http)
            .blocking(Blocking::NotIndexable),
        annotation(CANONICAL_MULTIPLE, High, "Several canonical URLs"),
        annotation(CANONICAL_INVALID, High, "Unusable canonical URL"),
        annotation(CANONICAL_RELATIVE, Medium, "Relative canonical URL"),
        annotation(
            CANONICAL_TO_HOMEPAGE,
            High,
            "Inner page canonicalised to the homepage",
        ),
        annotation(CANONICAL_MISSING, Low, "No canonical URL"),
        annotation(HREFLANG_INVALID, Medium, "Invalid hreflang annotations"),
        annotation(
            HREFLANG_SELF_MISSING,
            Medium,
            "hreflang set does not include the page",
        ),
        annotation(HREFLANG_X_DEFAULT_MISSING, Low, "No x-default hreflang"),
        check(LANG_MISSING, Medium, "Page language not declared").requires(FullDocument),
        check(LANG_INVALID, Medium, "Invalid page language").requires(FullDocument),
        check(VIEWPORT_MISSING, Medium, "No mobile viewport").requires(FullDocument),
        check(HTTPS_NOT_USED, Critical, "Page served without HTTPS").requires(Http),
        check(
            HTTPS_MIXED_CONTENT,
            High,
            "Resources loaded over plain http",
        )
        .requires(FullDocument),
        check(HTTPS_INSECURE_FORM, High, "Form submits without encryption").requires(FullDocument),
        check(HTTPS_HTTP_INTERNAL_LINKS, Medium, "Internal links use http").requires(FullDocument),
    ]
}

pub fn evaluate<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    let info = ctx.info();
    let http = if ctx.has(Capability::Http) {
        ctx.http()
    } else {
        None
    };

    if hard_gates(info, http, config, out) {
        not_applicable(out, &[NOINDEX]);
        not_applicable(out, &HTTP_CHECKS);
        not_applicable(out, &DOCUMENT_CHECKS);
        not_applicable(out, &ANNOTATION_CHECKS);
        return;
    }
    let noindex = index_noindex(info, http, out);
    match http {
        Some(http) => {
            redirect_chain(info, http, config, out);
            robots_blocked(ctx, out);
            https_not_used(info, out);
        }
        None => not_applicable(out, &HTTP_CHECKS),
    }
    if !ctx.has(Capability::FullDocument) {
        not_applicable(out, &DOCUMENT_CHECKS);
        not_applicable(out, &ANNOTATION_CHECKS);
        return;
    }
    page_language(info, out);
    viewport(ctx.head(), out);
    https_document(ctx, out);
    match http {
        Some(http) => {
            let found = Annotations::collect(
                &info.final_url.url,
                info.canonical.as_deref(),
                ctx.head(),
                Some(http),
            );
            canonicals(ctx, &found, noindex, out);
            hreflang(info, &found, out);
        }
        None => not_applicable(out, &ANNOTATION_CHECKS),
    }
}

/// Whether a hard gate fires on the page (for the other modules, which are not applicable then). Uses the
/// default loop threshold.
pub fn hard_failure(http: Option<&HttpFacts>) -> bool {
    http.is_some_and(|h| {
        h.timed_out
            || (400..=599).contains(&h.status)
            || redirect_loop(h, Config::default().redirect_max_hops)
    })
}

fn not_applicable(out: &mut Report, ids: &[&str]) {
    for id in ids {
        out.not_applicable(id);
    }
}

/// `"a", "b" and 3 more`-style list of at most [`MAX_EXAMPLES`] items.
fn examples<'a>(items: impl IntoIterator<Item = &'a str>, total: usize) -> String {
    let mut text = String::new();
    for (i, item) in items.into_iter().take(MAX_EXAMPLES).enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(item);
    }
    if total > MAX_EXAMPLES {
        text.push_str(&format!(" and {} more", total - MAX_EXAMPLES));
    }
    text
}

/// The redirect chain as `a → b → c`, ending at the final URL.
fn chain_text(http: &HttpFacts, final_url: &str) -> String {
    let mut text = String::new();
    for hop in &http.redirects {
        text.push_str(&hop.url);
        text.push_str(" → ");
    }
    text.push_str(final_url);
    text
}

/// The comparison form of a URL, or the URL as written when it is not an http(s) URL.
fn comparable(url: &str) -> String {
    web_url(url).map_or_else(|| url.trim().to_owned(), |u| u.url)
}

/// The chain revisits a URL, or needs more than `max_hops` redirects, or ends on a redirect back into itself.
fn redirect_loop(http: &HttpFacts, max_hops: u32) -> bool {
    let hops = &http.redirects;
    if hops.len() > max_hops as usize {
        return true;
    }
    if hops.is_empty() {
        return false;
    }
    let seen: Vec<String> = hops.iter().map(|h| comparable(&h.url)).collect();
    if seen
        .iter()
        .enumerate()
        .any(|(i, url)| seen[..i].contains(url))
    {
        return true;
    }
    // The fetch stopped on a redirect (3xx final status) whose target was already requested.
    if (300..=399).contains(&http.status)
        && let Some(last) = hops.last()
        && let Some(location) = &last.location
        && let Some(target) = url::resolve(&last.url, location)
    {
        return seen.contains(&comparable(&target));
    }
    false
}

/// The three hard gates of §2.5; returns whether one fired.
fn hard_gates(
    info: &PageInfo,
    http: Option<&HttpFacts>,
    config: &Config,
    out: &mut Report,
) -> bool {
    let Some(http) = http else {
        not_applicable(out, &[STATUS_ERROR, TIMEOUT, REDIRECT_LOOP]);
        return false;
    };
    let mut fired = false;

    if http.timed_out {
        out.not_applicable(STATUS_ERROR);
    } else if (400..=599).contains(&http.status) {
        fired = true;
        out.fail(STATUS_ERROR, format!("The page answered with HTTP {}.", http.status))
            .action("Bring the page back, or 301-redirect it to the closest live page and update links that point here.")
            .detail("status", u32::from(http.status))
            .affected(info.final_url.url.clone());
    } else {
        out.pass(STATUS_ERROR);
    }

    if http.timed_out {
        fired = true;
        out.fail(
            TIMEOUT,
            format!("The server did not finish responding within {} s.", config.fetch_timeout_s),
        )
        .action("Check hosting capacity, caching and slow plugins; crawlers give up on pages that hang.")
        .detail("timeout_s", config.fetch_timeout_s)
        .affected(info.final_url.url.clone());
    } else {
        out.pass(TIMEOUT);
    }

    if redirect_loop(http, config.redirect_max_hops) {
        fired = true;
        let chain = chain_text(http, &info.final_url.url);
        let finding = out
            .fail(
                REDIRECT_LOOP,
                format!("Requesting this URL never reaches a page: the redirects loop ({chain})."),
            )
            .action("Correct the redirect rules so the chain ends at one page that answers 200.")
            .detail("hops", http.redirects.len())
            .detail("affected_total", http.redirects.len())
            .detail("max_hops", config.redirect_max_hops);
        for hop in http.redirects.iter().take(MAX_AFFECTED) {
            finding.affected(hop.url.clone());
        }
    } else {
        out.pass(REDIRECT_LOOP);
    }
    fired
}

fn redirect_chain(info: &PageInfo, http: &HttpFacts, config: &Config, out: &mut Report) {
    let hops = http.redirects.len();
    if hops <= config.redirect_chain_pass_max as usize {
        out.pass(REDIRECT_CHAIN);
        return;
    }
    let chain = chain_text(http, &info.final_url.url);
    let message = format!("It takes {hops} redirects to reach this page ({chain}).");
    let finding = if hops <= config.redirect_chain_partial_max as usize {
        out.partial(REDIRECT_CHAIN, 0.5, message)
    } else {
        out.fail(REDIRECT_CHAIN, message)
    };
    let finding = finding
        .action("Point links and the first redirect straight at the final URL.")
        .detail("hops", hops)
        .detail("affected_total", hops)
        .detail("requested_url", info.requested_url.clone());
    for hop in http.redirects.iter().take(MAX_AFFECTED) {
        finding.affected(hop.url.clone());
    }
}

/// Whether an `X-Robots-Tag` value tells Googlebot not to index: `noindex` or `none`, without a user-agent
/// prefix or with `googlebot:`.
fn x_robots_noindex(value: &str) -> bool {
    const COLON_DIRECTIVES: [&str; 4] = [
        "unavailable_after",
        "max-snippet",
        "max-image-preview",
        "max-video-preview",
    ];
    let mut directives = value;
    if let Some((prefix, rest)) = value.split_once(':') {
        let prefix = prefix.trim();
        let is_directive = prefix.contains(',')
            || COLON_DIRECTIVES
                .iter()
                .any(|d| prefix.eq_ignore_ascii_case(d));
        if !is_directive {
            if !prefix.eq_ignore_ascii_case("googlebot") {
                return false;
            }
            directives = rest;
        }
    }
    directives
        .split(',')
        .map(str::trim)
        .any(is_noindex_directive)
}

fn is_noindex_directive(directive: &str) -> bool {
    directive.eq_ignore_ascii_case("noindex") || directive.eq_ignore_ascii_case("none")
}

/// `index.noindex`; returns whether it fired. The kernel resolves the directives (meta, `X-Robots-Tag`,
/// WordPress fields, `unavailable_after`); `X-Robots-Tag` headers are also read here so that a header is never
/// missed.
fn index_noindex(info: &PageInfo, http: Option<&HttpFacts>, out: &mut Report) -> bool {
    let mut sources: Vec<String> = Vec::new();
    let mut add = |label: String| {
        if !sources.contains(&label) {
            sources.push(label);
        }
    };
    for d in &info.robots.directives {
        let directive = d.directive.trim();
        let expired = directive
            .get(..17)
            .is_some_and(|s| s.eq_ignore_ascii_case("unavailable_after"));
        let for_googlebot = d.user_agent.as_deref().is_none_or(|ua| {
            ua.eq_ignore_ascii_case("googlebot") || ua.eq_ignore_ascii_case("robots")
        });
        let applies =
            for_googlebot && (is_noindex_directive(directive) || (expired && info.robots.noindex));
        if !applies {
            continue;
        }
        let mut label = match d.source {
            RobotsSource::Meta => format!("meta {}", d.user_agent.as_deref().unwrap_or("robots")),
            RobotsSource::XRobotsTag => "X-Robots-Tag header".to_owned(),
            RobotsSource::Wordpress => "WordPress SEO setting".to_owned(),
        };
        if expired {
            label.push_str(": unavailable_after date passed");
        }
        add(label);
    }
    let header = http.is_some_and(|h| {
        h.headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("x-robots-tag") && x_robots_noindex(&h.value))
    });
    if header {
        add("X-Robots-Tag header".to_owned());
    }
    if !info.robots.noindex && !header {
        out.pass(NOINDEX);
        return false;
    }
    if sources.is_empty() {
        sources.push("robots directives".to_owned());
    }
    out.fail(
        NOINDEX,
        format!("Search engines are told not to index this page ({}).", sources.join(", ")),
    )
    .action("If the page should appear in search, remove the noindex directive; otherwise no action is needed, and the page stays out of site health.")
    .detail("sources", sources);
    true
}

/// The kernel's robots.txt verdict for the page (fact `analysis.robots_txt`).
#[derive(Deserialize)]
struct RobotsVerdict {
    #[serde(default)]
    fetched: bool,
    googlebot_allowed: Option<bool>,
    rule: Option<String>,
}

fn robots_blocked<P: PageView>(ctx: &Ctx<'_, P>, out: &mut Report) {
    let verdict = ctx
        .page
        .fact("analysis.robots_txt")
        .and_then(|json| serde_json::from_str::<RobotsVerdict>(&json).ok())
        .filter(|v| v.fetched);
    match verdict.and_then(|v| Some((v.googlebot_allowed?, v.rule))) {
        None => {
            out.not_applicable(ROBOTS_BLOCKED);
        }
        Some((true, _)) => {
            out.pass(ROBOTS_BLOCKED);
        }
        Some((false, rule)) => {
            let rule = rule.unwrap_or_default();
            let message = if rule.is_empty() {
                "robots.txt stops Google from crawling this URL.".to_owned()
            } else {
                format!("robots.txt stops Google from crawling this URL (rule {rule}).")
            };
            out.fail(ROBOTS_BLOCKED, message)
                .action("Remove or narrow that Disallow rule if the page should rank.")
                .detail("rule", rule);
        }
    }
}

fn https_not_used(info: &PageInfo, out: &mut Report) {
    let scheme = &info.final_url.scheme;
    if scheme.eq_ignore_ascii_case("https") {
        out.pass(HTTPS_NOT_USED);
    } else if scheme.eq_ignore_ascii_case("http") {
        out.fail(HTTPS_NOT_USED, "This page is served without HTTPS.")
            .action("Install a certificate and 301-redirect every http URL to https.")
            .affected(info.final_url.url.clone());
    } else {
        out.not_applicable(HTTPS_NOT_USED);
    }
}

fn page_language(info: &PageInfo, out: &mut Report) {
    let declared = info
        .lang_declared
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let Some(tag) = declared else {
        out.fail(LANG_MISSING, "The page does not declare its language.")
            .action("Add a lang attribute to <html>, for example lang=\"en\" or lang=\"de-AT\".");
        out.not_applicable(LANG_INVALID);
        return;
    };
    out.pass(LANG_MISSING);
    if lang::is_valid_tag(tag) {
        out.pass(LANG_INVALID);
    } else {
        out.fail(
            LANG_INVALID,
            format!("\"{tag}\" is not a valid language tag."),
        )
        .action(
            "Use a language code with an optional region, joined by a hyphen: en-US, not en_US.",
        )
        .detail("lang", tag.to_owned());
    }
}

/// A viewport content that, with spaces removed and lowercased, contains `width=device-width`.
fn mobile_viewport(content: &str) -> bool {
    let compact: String = content
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    compact.contains("width=device-width")
}

fn viewport(head: &HeadData, out: &mut Report) {
    let found = head.metas.iter().any(|m| {
        m.name
            .as_deref()
            .is_some_and(|n| n.trim().eq_ignore_ascii_case("viewport"))
            && mobile_viewport(&m.content)
    }) || head.viewport.as_deref().is_some_and(mobile_viewport);
    if found {
        out.pass(VIEWPORT_MISSING);
    } else {
        out.fail(VIEWPORT_MISSING, "The page has no mobile viewport setting.")
            .action(
                "Add <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">.",
            );
    }
}

fn https_document<P: PageView>(ctx: &Ctx<'_, P>, out: &mut Report) {
    let info = ctx.info();
    let page_https = info.final_url.scheme.eq_ignore_ascii_case("https");
    let page_http = info.final_url.scheme.eq_ignore_ascii_case("http");

    // https.mixed_content
    if page_https {
        let resources = ctx.resources();
        let insecure = || {
            resources
                .iter()
                .filter(|r| r.insecure || is_plain_http(&r.url))
        };
        let n = insecure().count();
        if n == 0 {
            out.pass(HTTPS_MIXED_CONTENT);
        } else {
            let list = examples(insecure().map(|r| r.url.as_str()), n);
            let finding = out
                .fail(
                    HTTPS_MIXED_CONTENT,
                    match n {
                        1 => format!("1 resource loads over plain http ({list})."),
                        _ => format!("{n} resources load over plain http ({list})."),
                    },
                )
                .action("Load them over https or remove them.")
                .detail("n", n)
                .detail("affected_total", n);
            for r in insecure().take(MAX_AFFECTED) {
                finding.affected(r.url.clone());
            }
        }
    } else {
        out.not_applicable(HTTPS_MIXED_CONTENT);
    }

    // https.insecure_form
    let forms = ctx.forms();
    if forms.is_empty() {
        out.not_applicable(HTTPS_INSECURE_FORM);
    } else {
        // An http page sends every form unencrypted, whatever its action.
        let insecure = |f: &&Form| page_http || is_plain_http(&f.action);
        let n = forms.iter().filter(insecure).count();
        match forms.iter().find(insecure) {
            None => {
                out.pass(HTTPS_INSECURE_FORM);
            }
            Some(form) => {
                let action = if form.action.trim().is_empty() {
                    info.final_url.url.as_str()
                } else {
                    form.action.as_str()
                };
                let finding = out
                    .fail(
                        HTTPS_INSECURE_FORM,
                        format!("A form sends data without encryption ({action})."),
                    )
                    .action("Submit forms to https endpoints from https pages only.")
                    .detail("n", n)
                    .detail("affected_total", n)
                    .detail("page_https", page_https);
                for f in forms.iter().filter(insecure).take(MAX_AFFECTED) {
                    finding.affected(f.action.clone());
                }
            }
        }
    }

    // https.http_internal_links
    if page_https {
        let links = ctx.links();
        let http_internal = || {
            links
                .iter()
                .filter(|l| l.internal && is_plain_http(l.href_abs.as_deref().unwrap_or(&l.href)))
        };
        let n = http_internal().count();
        if n == 0 {
            out.pass(HTTPS_HTTP_INTERNAL_LINKS);
        } else {
            let finding = out
                .fail(
                    HTTPS_HTTP_INTERNAL_LINKS,
                    match n {
                        1 => "1 link to this site uses http://.".to_owned(),
                        _ => format!("{n} links to this site use http://."),
                    },
                )
                .action("Change them to https to avoid a redirect and a downgrade.")
                .detail("n", n)
                .detail("affected_total", n);
            for l in http_internal().take(MAX_AFFECTED) {
                finding.affected(l.href.clone());
            }
        }
    } else {
        out.not_applicable(HTTPS_HTTP_INTERNAL_LINKS);
    }
}

fn canonicals<P: PageView>(
    ctx: &Ctx<'_, P>,
    found: &Annotations<'_>,
    noindex: bool,
    out: &mut Report,
) {
    let info = ctx.info();
    let canonicals = &found.canonicals;

    // canonical.missing
    if noindex {
        out.not_applicable(CANONICAL_MISSING);
    } else if canonicals.is_empty() {
        out.fail(
            CANONICAL_MISSING,
            "The page does not declare a canonical URL.",
        )
        .action("Add a self-referencing canonical so the preferred address is explicit.");
    } else {
        out.pass(CANONICAL_MISSING);
    }

    // canonical.multiple: distinct targets in comparison form (the href as written when unusable).
    let mut distinct: Vec<&str> = Vec::with_capacity(canonicals.len());
    for c in canonicals {
        let key = c.url.as_ref().map_or(c.href, |u| u.url.as_str());
        if !distinct.contains(&key) {
            distinct.push(key);
        }
    }
    if distinct.len() > 1 {
        let n = distinct.len();
        let finding = out
            .fail(
                CANONICAL_MULTIPLE,
                format!(
                    "The page declares {n} different canonical URLs ({}).",
                    examples(distinct.iter().copied(), n)
                ),
            )
            .action("Keep exactly one canonical, in the head or in the HTTP header.")
            .detail("n", n)
            .detail("affected_total", n);
        for url in distinct.iter().take(MAX_AFFECTED) {
            finding.affected((*url).to_owned());
        }
    } else {
        out.pass(CANONICAL_MULTIPLE);
    }

    if canonicals.is_empty() {
        not_applicable(
            out,
            &[CANONICAL_INVALID, CANONICAL_RELATIVE, CANONICAL_TO_HOMEPAGE],
        );
        return;
    }

    // canonical.invalid
    match canonicals.iter().find(|c| c.url.is_none()) {
        None => {
            out.pass(CANONICAL_INVALID);
        }
        Some(c) => {
            out.fail(
                CANONICAL_INVALID,
                format!("The canonical URL \"{}\" is not a usable URL.", c.href),
            )
            .action("Use a complete URL such as https://example.com/page/.")
            .detail("href", c.href.to_owned())
            .affected(c.href.to_owned());
        }
    }

    // canonical.relative
    match canonicals.iter().find(|c| !has_scheme(c.href)) {
        None => {
            out.pass(CANONICAL_RELATIVE);
        }
        Some(c) => {
            let finding = out
                .fail(
                    CANONICAL_RELATIVE,
                    format!("The canonical URL \"{}\" is relative.", c.href),
                )
                .action("Write the canonical as an absolute URL with scheme and host.")
                .detail("href", c.href.to_owned());
            if let Some(url) = &c.url {
                finding.detail("resolved", url.url.clone());
            }
            finding.affected(c.href.to_owned());
        }
    }

    // canonical.to_homepage
    let path = info.final_url.path.as_str();
    if path.is_empty() || path == "/" {
        out.not_applicable(CANONICAL_TO_HOMEPAGE);
        return;
    }
    let page_site = site_key(&info.final_url.host).to_ascii_lowercase();
    let own_hosts = OnceCell::new();
    let same_site = |host: &str| {
        let key = site_key(host);
        key == page_site
            || own_hosts
                .get_or_init(|| own_site_hosts(ctx))
                .iter()
                .any(|own: &String| site_key(own) == key)
    };
    let to_homepage = canonicals
        .iter()
        .filter_map(|c| c.url.as_ref())
        .find(|u| u.path_and_query() == "/" && same_site(u.host()));
    match to_homepage {
        None => {
            out.pass(CANONICAL_TO_HOMEPAGE);
        }
        Some(url) => {
            out.fail(
                CANONICAL_TO_HOMEPAGE,
                "This inner page names the homepage as its canonical.",
            )
            .action("Point the canonical at this page itself, or at the page it really duplicates.")
            .detail("canonical", url.url.clone())
            .affected(url.url.clone());
        }
    }
}

/// The site's own hosts (fact `analysis.site_settings`), lowercased; read only when a canonical needs them.
fn own_site_hosts<P: PageView>(ctx: &Ctx<'_, P>) -> Vec<String> {
    #[derive(Deserialize)]
    struct SiteSettings {
        #[serde(default)]
        own_hosts: Vec<String>,
    }
    ctx.page
        .fact("analysis.site_settings")
        .and_then(|json| serde_json::from_str::<SiteSettings>(&json).ok())
        .map(|s| {
            s.own_hosts
                .into_iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

fn hreflang(info: &PageInfo, found: &Annotations<'_>, out: &mut Report) {
    let alternates = &found.alternates;
    if alternates.is_empty() {
        not_applicable(
            out,
            &[
                HREFLANG_INVALID,
                HREFLANG_SELF_MISSING,
                HREFLANG_X_DEFAULT_MISSING,
            ],
        );
        return;
    }

    // hreflang.invalid: a value that is neither x-default nor a valid tag, or a missing or relative href.
    #[derive(Clone, Copy)]
    enum Problem {
        Tag,
        NoHref,
        Relative,
    }
    let problem = |a: &annotations::Alternate<'_>| {
        if !a.value.eq_ignore_ascii_case("x-default") && !lang::is_valid_tag(a.value) {
            Some(Problem::Tag)
        } else if a.href.is_empty() {
            Some(Problem::NoHref)
        } else if !has_scheme(a.href) || a.url.is_none() {
            Some(Problem::Relative)
        } else {
            None
        }
    };
    let mut descriptions: Vec<String> = Vec::new();
    let mut n = 0;
    for a in alternates {
        if let Some(problem) = problem(a) {
            n += 1;
            if descriptions.len() < MAX_EXAMPLES {
                let value = a.value;
                descriptions.push(match problem {
                    Problem::Tag => format!("hreflang=\"{value}\" is not a language tag"),
                    Problem::NoHref => format!("hreflang=\"{value}\" has no href"),
                    Problem::Relative => {
                        format!("hreflang=\"{value}\" has the relative href {}", a.href)
                    }
                });
            }
        }
    }
    if n == 0 {
        out.pass(HREFLANG_INVALID);
    } else {
        let list = examples(descriptions.iter().map(String::as_str), n);
        let finding = out
            .fail(
                HREFLANG_INVALID,
                match n {
                    1 => format!("1 hreflang annotation is invalid ({list})."),
                    _ => format!("{n} hreflang annotations are invalid ({list})."),
                },
            )
            .action("Use tags such as en, en-GB or x-default with absolute URLs.")
            .detail("n", n)
            .detail("affected_total", n)
            .detail("total", alternates.len());
        for a in alternates
            .iter()
            .filter(|a| problem(a).is_some())
            .take(MAX_AFFECTED)
        {
            finding.affected(if a.href.is_empty() {
                a.value.to_owned()
            } else {
                a.href.to_owned()
            });
        }
    }

    // hreflang.self_missing: some annotation resolves to the page or to one of its valid canonicals.
    let page = web_url(&info.final_url.url);
    let is_self = |url: &url::WebUrl| {
        page.as_ref().is_some_and(|p| p.url == url.url)
            || found
                .canonicals
                .iter()
                .any(|c| c.url.as_ref().is_some_and(|c| c.url == url.url))
    };
    if alternates
        .iter()
        .filter_map(|a| a.url.as_ref())
        .any(is_self)
    {
        out.pass(HREFLANG_SELF_MISSING);
    } else {
        out.fail(
            HREFLANG_SELF_MISSING,
            "The hreflang set does not include this page itself.",
        )
        .action("Add an hreflang entry that points at this page.")
        .detail("page_url", info.final_url.url.clone())
        .detail("alternates", alternates.len());
    }

    // hreflang.x_default_missing
    if alternates
        .iter()
        .any(|a| a.value.eq_ignore_ascii_case("x-default"))
    {
        out.pass(HREFLANG_X_DEFAULT_MISSING);
    } else {
        out.fail(
            HREFLANG_X_DEFAULT_MISSING,
            "No x-default alternate is declared.",
        )
        .action(
            "Add hreflang=\"x-default\" for visitors whose language matches none of the versions.",
        )
        .detail("alternates", alternates.len());
    }
}
