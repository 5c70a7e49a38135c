//! On-page checks, "SEO factors" (seo-rules.md §3.2): title, description and meta elements, the page URL,
//! Open Graph, structured data and the focus keyphrase.

mod keyphrase;
#[cfg(test)]
mod tests;

use crate::content::credit;
use crate::content::text::{self, char_count};
use crate::ctx::Ctx;
use crate::judge;
use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;

pub(crate) const TITLE_MISSING: &str = "meta.title.missing";
const TITLE_TOO_LONG: &str = "meta.title.too_long";
const TITLE_TOO_SHORT: &str = "meta.title.too_short";
const TITLE_LEFTOVER: &str = "meta.title.template_leftover";
const TITLE_MULTIPLE: &str = "meta.title.multiple";
const DESCRIPTION_MISSING: &str = "meta.description.missing";
const DESCRIPTION_TOO_SHORT: &str = "meta.description.too_short";
const DESCRIPTION_TOO_LONG: &str = "meta.description.too_long";
const DESCRIPTION_MULTIPLE: &str = "meta.description.multiple";
const KEYWORDS_PRESENT: &str = "meta.keywords.present";
const URL_SPACES: &str = "url.spaces";
const URL_DOUBLE_SLASH: &str = "url.double_slash";
const URL_UNDERSCORE: &str = "url.underscore";
const URL_UPPERCASE: &str = "url.uppercase";
const URL_TOO_LONG: &str = "url.too_long";
const OG_INCOMPLETE: &str = "social.og.incomplete";
const SCHEMA_INVALID: &str = "schema.invalid";
const SCHEMA_NONE: &str = "schema.none";

/// Thresholds of the on-page checks; defaults are the catalogue's.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    /// `meta.title.too_long`: widest title in px (Arial, 20 px).
    pub title_max_px: u32,
    /// `meta.title.too_short`: fewer characters fail.
    pub title_min_chars: u32,
    /// `meta.description.too_short`: fewer characters fail; fewer than `description_short_chars` get half
    /// credit.
    pub description_min_chars: u32,
    pub description_short_chars: u32,
    /// `meta.description.too_long`: more characters fail.
    pub description_max_chars: u32,
    /// `url.too_long`: longest path plus `?query`, in characters.
    pub url_max_chars: u32,
    /// `keyphrase.density` and `keyphrase.stuffing` apply from this many words of main text.
    pub keyphrase_min_words: u32,
    /// `keyphrase.density`: weighted density band (percent) and fewest matches for full credit.
    pub density_min_pct: f64,
    pub density_max_pct: f64,
    pub density_min_matches: u32,
    /// `keyphrase.stuffing`: higher weighted density fails.
    pub stuffing_pct: f64,
    /// `keyphrase.in_description`: more sentences with the keyphrase fail (repetition).
    pub description_max_keyphrase_sentences: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title_max_px: 600,
            title_min_chars: 20,
            description_min_chars: 70,
            description_short_chars: 120,
            description_max_chars: 160,
            url_max_chars: 75,
            keyphrase_min_words: 100,
            density_min_pct: 0.5,
            density_max_pct: 3.0,
            density_min_matches: 2,
            stuffing_pct: 4.0,
            description_max_keyphrase_sentences: 2,
        }
    }
}

pub fn checks() -> Vec<Check> {
    use Capability::{FullDocument, Wordpress};
    use Category::Onpage;
    use Severity::*;
    let mut checks = vec![
        Check::new(TITLE_MISSING, Onpage, High, "Title missing"),
        Check::new(
            TITLE_TOO_LONG,
            Onpage,
            Medium,
            "Title likely truncated in results",
        ),
        Check::new(TITLE_TOO_SHORT, Onpage, Medium, "Title too short"),
        Check::new(
            TITLE_LEFTOVER,
            Onpage,
            Medium,
            "Unfilled template variable in the title",
        )
        .requires(Wordpress),
        Check::new(
            TITLE_MULTIPLE,
            Onpage,
            Medium,
            "More than one title element",
        )
        .requires(FullDocument),
        Check::new(
            DESCRIPTION_MISSING,
            Onpage,
            High,
            "Meta description missing",
        ),
        Check::new(
            DESCRIPTION_TOO_SHORT,
            Onpage,
            Medium,
            "Meta description too short",
        ),
        Check::new(
            DESCRIPTION_TOO_LONG,
            Onpage,
            Medium,
            "Meta description likely truncated",
        ),
        Check::new(
            DESCRIPTION_MULTIPLE,
            Onpage,
            Medium,
            "More than one meta description",
        )
        .requires(FullDocument),
        Check::new(
            KEYWORDS_PRESENT,
            Onpage,
            Low,
            "Meta keywords tag present (advisory)",
        )
        .requires(FullDocument),
        Check::new(URL_SPACES, Onpage, Medium, "Spaces in the URL"),
        Check::new(
            URL_DOUBLE_SLASH,
            Onpage,
            Medium,
            "Double slash in the URL path",
        )
        .requires(FullDocument),
        Check::new(URL_UNDERSCORE, Onpage, Low, "Underscores in the URL"),
        Check::new(URL_UPPERCASE, Onpage, Low, "Capital letters in the URL"),
        Check::new(URL_TOO_LONG, Onpage, Low, "URL too long"),
        Check::new(OG_INCOMPLETE, Onpage, Low, "Open Graph tags incomplete").requires(FullDocument),
        Check::new(SCHEMA_INVALID, Onpage, Medium, "Invalid structured data")
            .requires(FullDocument),
        Check::new(SCHEMA_NONE, Onpage, Low, "No structured data").requires(FullDocument),
    ];
    checks.extend(keyphrase::checks());
    checks
}

pub fn evaluate<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    title(ctx, config, out);
    description(ctx, config, out);
    document_metas(ctx, out);
    url(ctx, config, out);
    structured_data(ctx, out);
    keyphrase::evaluate(ctx, config, out);
}

/// The effective title, trimmed; `None` when the title is not known or empty.
pub(crate) fn effective_title<'c, P: PageView>(ctx: &'c Ctx<'_, P>) -> Option<&'c str> {
    ctx.info()
        .seo_title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The effective description, trimmed; `None` when there is none or it is blank.
pub(crate) fn effective_description<'c, P: PageView>(ctx: &'c Ctx<'_, P>) -> Option<&'c str> {
    ctx.info()
        .meta_description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
}

fn title<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    if !ctx.flag("title") {
        for id in [
            TITLE_MISSING,
            TITLE_TOO_LONG,
            TITLE_TOO_SHORT,
            TITLE_LEFTOVER,
        ] {
            out.not_applicable(id);
        }
    } else if let Some(title) = effective_title(ctx) {
        out.pass(TITLE_MISSING);
        let info = ctx.info();
        let chars = char_count(title);
        let px = info.seo_title_width_px;
        judge!(
            out,
            TITLE_TOO_LONG,
            credit(px <= config.title_max_px),
            "Shorten it to roughly 50–60 characters with the important words first.",
            "The title is {px} px wide ({chars} characters) and will likely be cut off in results."
        )
        .detail("px", px)
        .detail("chars", chars)
        .detail("max_px", config.title_max_px);
        judge!(
            out,
            TITLE_TOO_SHORT,
            credit(chars >= config.title_min_chars as usize),
            "Add the topic and a distinguishing detail, plus the brand if there is room.",
            "The title has only {chars} {}.",
            text::pl(chars, "character", "characters")
        )
        .detail("chars", chars)
        .detail("min_chars", config.title_min_chars);
        if ctx.is_scan() {
            out.not_applicable(TITLE_LEFTOVER);
        } else {
            let vars = &info.title_template_leftovers;
            let list = text::examples(vars.iter().map(String::as_str), 20);
            judge!(
                out,
                TITLE_LEFTOVER,
                credit(vars.is_empty()),
                "Fix the SEO plugin's title template, or set a custom title for this page.",
                "The title contains an unfilled template variable ({list})."
            )
            .detail("variables", vars.clone());
        }
    } else {
        out.fail(TITLE_MISSING, "The page has no title.")
            .action("Write a unique title that leads with the page's main topic.");
        for id in [TITLE_TOO_LONG, TITLE_TOO_SHORT, TITLE_LEFTOVER] {
            out.not_applicable(id);
        }
    }

    if ctx.is_scan() {
        let n = ctx.head().titles.len();
        judge!(
            out,
            TITLE_MULTIPLE,
            credit(n <= 1),
            "Keep one title in the head; often a theme and a plugin each print one.",
            "The page has {n} title elements."
        )
        .detail("titles", n);
    } else {
        out.not_applicable(TITLE_MULTIPLE);
    }
}

fn description<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    if !ctx.flag("description") {
        for id in [
            DESCRIPTION_MISSING,
            DESCRIPTION_TOO_SHORT,
            DESCRIPTION_TOO_LONG,
        ] {
            out.not_applicable(id);
        }
        return;
    }
    let Some(description) = effective_description(ctx) else {
        out.fail(
            DESCRIPTION_MISSING,
            "No meta description is set, so search engines pick the snippet text themselves.",
        )
        .action("Write a 120–160 character summary that invites the click.");
        out.not_applicable(DESCRIPTION_TOO_SHORT);
        out.not_applicable(DESCRIPTION_TOO_LONG);
        return;
    };
    out.pass(DESCRIPTION_MISSING);
    let chars = char_count(description);
    let short = if chars < config.description_min_chars as usize {
        0.0
    } else if chars < config.description_short_chars as usize {
        0.5
    } else {
        1.0
    };
    judge!(
        out,
        DESCRIPTION_TOO_SHORT,
        short,
        "Use the space: about 120–160 characters.",
        "The meta description has only {chars} {}.",
        text::pl(chars, "character", "characters")
    )
    .detail("chars", chars)
    .detail("min_chars", config.description_short_chars);
    judge!(
        out,
        DESCRIPTION_TOO_LONG,
        credit(chars <= config.description_max_chars as usize),
        "Trim it to about 155 characters with the key message first.",
        "The meta description has {chars} characters and will likely be truncated."
    )
    .detail("chars", chars)
    .detail("max_chars", config.description_max_chars);
}

/// `meta.description.multiple`, `meta.keywords.present` and `social.og.incomplete`: head elements of a
/// scanned document.
fn document_metas<P: PageView>(ctx: &Ctx<'_, P>, out: &mut Report) {
    if !ctx.is_scan() {
        for id in [DESCRIPTION_MULTIPLE, KEYWORDS_PRESENT, OG_INCOMPLETE] {
            out.not_applicable(id);
        }
        return;
    }
    let metas = &ctx.head().metas;
    let named = |wanted: &str| {
        metas
            .iter()
            .filter(|m| {
                m.name
                    .as_deref()
                    .is_some_and(|n| n.trim().eq_ignore_ascii_case(wanted))
            })
            .count()
    };

    let descriptions = named("description");
    judge!(
        out,
        DESCRIPTION_MULTIPLE,
        credit(descriptions <= 1),
        "Keep a single meta description.",
        "The page has {descriptions} meta descriptions."
    )
    .detail("descriptions", descriptions);

    // Advisory: reported with weight 0 whatever the outcome.
    let keywords = named("keywords");
    judge!(
        out,
        KEYWORDS_PRESENT,
        credit(keywords == 0),
        "Optional: remove it, since it only shows competitors what you target.",
        "A meta keywords tag is present; Google ignores it."
    )
    .weight(0.0);

    let mut missing: Vec<&str> = Vec::new();
    for property in ["og:title", "og:description", "og:image"] {
        let present = metas.iter().any(|m| {
            m.property
                .as_deref()
                .is_some_and(|p| p.trim().eq_ignore_ascii_case(property))
                && !m.content.trim().is_empty()
        });
        if !present {
            missing.push(property);
        }
    }
    let list = missing.join(", ");
    judge!(
        out,
        OG_INCOMPLETE,
        credit(missing.is_empty()),
        "Add og:title, og:description and og:image (1200 × 630 works well).",
        "Open Graph tags are missing ({list}); shared links may look bare."
    )
    .detail(
        "missing",
        missing
            .iter()
            .map(|p| (*p).to_owned())
            .collect::<Vec<String>>(),
    );
}

fn url<P: PageView>(ctx: &Ctx<'_, P>, config: &Config, out: &mut Report) {
    let parts = &ctx.info().final_url;
    if parts.url.trim().is_empty() {
        for id in [
            URL_SPACES,
            URL_DOUBLE_SLASH,
            URL_UNDERSCORE,
            URL_UPPERCASE,
            URL_TOO_LONG,
        ] {
            out.not_applicable(id);
        }
        return;
    }
    let path = parts.path.as_str();

    judge!(
        out,
        URL_SPACES,
        credit(!(path.contains(' ') || path.contains("%20"))),
        "Use hyphens between words.",
        "The URL contains spaces."
    )
    .detail("path", path);
    if ctx.is_scan() {
        judge!(
            out,
            URL_DOUBLE_SLASH,
            credit(!path.contains("//")),
            "Fix the link or route that produces it.",
            "The URL path contains a double slash."
        )
        .detail("path", path);
    } else {
        out.not_applicable(URL_DOUBLE_SLASH);
    }
    judge!(
        out,
        URL_UNDERSCORE,
        credit(!path.contains('_')),
        "Prefer hyphens; change a live URL only together with a 301 redirect.",
        "The URL uses underscores."
    )
    .detail("path", path);
    judge!(
        out,
        URL_UPPERCASE,
        credit(!has_uppercase_outside_escapes(path)),
        "Use lowercase URLs to avoid duplicate addresses.",
        "The URL contains capital letters."
    )
    .detail("path", path);
    let n = path.chars().count() + parts.query.as_deref().map_or(0, |q| 1 + q.chars().count());
    judge!(
        out,
        URL_TOO_LONG,
        credit(n <= config.url_max_chars as usize),
        "Use a shorter, readable slug.",
        "The URL is {n} characters long."
    )
    .detail("chars", n)
    .detail("max_chars", config.url_max_chars);
}

/// A–Z in the path, ignoring the hex digits of `%XX` escapes.
fn has_uppercase_outside_escapes(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            i += 3;
            continue;
        }
        if bytes[i].is_ascii_uppercase() {
            return true;
        }
        i += 1;
    }
    false
}

fn structured_data<P: PageView>(ctx: &Ctx<'_, P>, out: &mut Report) {
    if !ctx.is_scan() {
        out.not_applicable(SCHEMA_INVALID);
        out.not_applicable(SCHEMA_NONE);
        return;
    }
    let blocks = ctx.json_ld();
    if blocks.is_empty() {
        out.not_applicable(SCHEMA_INVALID);
        let microdata = ctx
            .page
            .fact("analysis.microdata")
            .is_some_and(|json| json.trim() == "true");
        judge!(out, SCHEMA_NONE, credit(microdata),
            "Add Organization or WebSite on the homepage, and Article, Product or LocalBusiness where they fit.",
            "No structured data was found.")
        .detail("json_ld_blocks", 0u32)
        .detail("microdata", microdata);
        return;
    }
    out.pass(SCHEMA_NONE).detail("json_ld_blocks", blocks.len());
    let invalid: Vec<&JsonLdBlock> = blocks
        .iter()
        .filter(|b| b.error.is_some() || b.types.is_empty())
        .collect();
    let n = invalid.len();
    let error = invalid
        .first()
        .map(|b| b.error.clone().unwrap_or_else(|| "no @type".to_owned()))
        .unwrap_or_default();
    let builder = judge!(
        out,
        SCHEMA_INVALID,
        credit(n == 0),
        "Fix the JSON-LD and check it with a rich results validator.",
        "{n} structured data {} invalid ({error}).",
        text::pl(n, "block is", "blocks are")
    )
    .detail("invalid_blocks", n)
    .detail("blocks", blocks.len());
    if n > 0 {
        builder.detail("error", error);
    }
}
