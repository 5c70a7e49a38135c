//! Placeholder ruleset for synced pages: a native subset of the R1 content-only rules of seo-rules.md §3, run
//! until the WASM pipeline (`siloq.core-rules`) replaces it. The scoring itself is the real model (`scoring`).

use crate::analysis::{Alt, LinkKind, PageDoc};
use crate::scoring::{Category, Finding, Gate, Severity};
use serde_json::json;

/// Every rule id this placeholder evaluates (the rest of the catalogue arrives with `siloq.core-rules`).
pub const RULE_IDS: [&str; 28] = [
    "meta.title.missing",
    "meta.title.too_long",
    "meta.title.too_short",
    "meta.title.template_leftover",
    "meta.description.missing",
    "meta.description.too_short",
    "meta.description.too_long",
    "url.spaces",
    "url.underscore",
    "url.uppercase",
    "url.too_long",
    "keyphrase.missing",
    "content.empty",
    "content.thin",
    "readability.paragraph_length",
    "readability.sentence_length",
    "readability.repeated_starts",
    "headings.h1.in_content",
    "headings.empty",
    "headings.skipped_level",
    "links.internal.none",
    "links.outbound.none",
    "links.text.generic",
    "images.alt.missing",
    "images.alt.too_long",
    "images.none",
    "index.noindex",
    "url.too_long",
];

/// A fired (or partially passed) finding with its texts.
fn judged(
    rule: &str,
    category: Category,
    severity: Severity,
    credit: f64,
    message: String,
    action: &str,
    details: serde_json::Value,
) -> Finding {
    let mut f = Finding::new(rule, category, severity, Some(credit));
    if credit < 1.0 {
        f.message = message;
        f.action = action.into();
        f.details = details;
    }
    f
}

fn na(rule: &str, category: Category, severity: Severity) -> Finding {
    Finding::new(rule, category, severity, None)
}

/// Evaluates every placeholder rule on a synced page (content-only mode).
pub fn evaluate(doc: &PageDoc) -> Vec<Finding> {
    let mut out = Vec::new();
    onpage(doc, &mut out);
    content(doc, &mut out);
    structure(doc, &mut out);
    if doc.info.robots.noindex {
        let mut gate = Finding::new(
            "index.noindex",
            Category::Technical,
            Severity::Critical,
            Some(0.0),
        );
        gate.gate = Some(Gate::NotIndexable);
        gate.message = "The page is set to noindex, so search engines will not show it.".into();
        gate.action =
            "Remove the noindex setting if the page should appear in search results.".into();
        gate.details = json!({ "sources": doc.info.robots.sources });
        out.push(gate);
    }
    out
}

fn onpage(doc: &PageDoc, out: &mut Vec<Finding>) {
    use Category::Onpage;
    use Severity::*;
    let title = doc.info.seo_title.trim();
    let chars = title.chars().count();
    out.push(judged(
        "meta.title.missing",
        Onpage,
        High,
        if title.is_empty() { 0.0 } else { 1.0 },
        "The page has no title.".into(),
        "Write a unique title that leads with the page's main topic.",
        json!({}),
    ));
    if title.is_empty() {
        for rule in [
            "meta.title.too_long",
            "meta.title.too_short",
            "meta.title.template_leftover",
        ] {
            out.push(na(rule, Onpage, Medium));
        }
    } else {
        let px = doc.info.title_width_px;
        out.push(judged("meta.title.too_long", Onpage, Medium, if px > 600 { 0.0 } else { 1.0 },
            format!("The title is {px} px wide ({chars} characters) and will likely be cut off in results."),
            "Shorten it to roughly 50–60 characters with the important words first.", json!({"px": px, "chars": chars, "max_px": 600})));
        out.push(judged(
            "meta.title.too_short",
            Onpage,
            Medium,
            if chars < 20 { 0.0 } else { 1.0 },
            format!("The title has only {chars} characters."),
            "Add the topic and a distinguishing detail, plus the brand if there is room.",
            json!({"chars": chars, "min": 20}),
        ));
        let leftovers = &doc.info.title_leftovers;
        out.push(judged(
            "meta.title.template_leftover",
            Onpage,
            Medium,
            if leftovers.is_empty() { 1.0 } else { 0.0 },
            format!(
                "The title contains an unfilled template variable ({}).",
                leftovers.join(", ")
            ),
            "Fix the SEO plugin's title template, or set a custom title for this page.",
            json!({"variables": leftovers}),
        ));
    }
    if doc.capabilities.description {
        let description = doc.info.description.as_deref().unwrap_or("").trim();
        let n = description.chars().count();
        out.push(judged(
            "meta.description.missing",
            Onpage,
            High,
            if n == 0 { 0.0 } else { 1.0 },
            "No meta description is set, so search engines pick the snippet text themselves."
                .into(),
            "Write a 120–160 character summary that invites the click.",
            json!({}),
        ));
        if n == 0 {
            out.push(na("meta.description.too_short", Onpage, Medium));
            out.push(na("meta.description.too_long", Onpage, Medium));
        } else {
            let credit = if n < 70 {
                0.0
            } else if n < 120 {
                0.5
            } else {
                1.0
            };
            out.push(judged(
                "meta.description.too_short",
                Onpage,
                Medium,
                credit,
                format!("The meta description has only {n} characters."),
                "Use the space: about 120–160 characters.",
                json!({"chars": n, "min": 120}),
            ));
            out.push(judged(
                "meta.description.too_long",
                Onpage,
                Medium,
                if n > 160 { 0.0 } else { 1.0 },
                format!("The meta description has {n} characters and will likely be truncated."),
                "Trim it to about 155 characters with the key message first.",
                json!({"chars": n, "max": 160}),
            ));
        }
    }
    if let Some(parts) = &doc.info.url_parts {
        let path = &parts.path;
        let with_query = match &parts.query {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        let uppercase = strip_escapes(path).chars().any(|c| c.is_ascii_uppercase());
        let len = with_query.chars().count();
        let checks: [(&str, Severity, bool, String, &str); 4] = [
            (
                "url.spaces",
                Medium,
                path.contains(' ') || path.contains("%20"),
                "The URL contains spaces.".into(),
                "Use hyphens between words.",
            ),
            (
                "url.underscore",
                Low,
                path.contains('_'),
                "The URL uses underscores.".into(),
                "Prefer hyphens; change a live URL only together with a 301 redirect.",
            ),
            (
                "url.uppercase",
                Low,
                uppercase,
                "The URL contains capital letters.".into(),
                "Use lowercase URLs to avoid duplicate addresses.",
            ),
            (
                "url.too_long",
                Low,
                len > 75,
                format!("The URL is {len} characters long."),
                "Use a shorter, readable slug.",
            ),
        ];
        for (rule, severity, fails, message, action) in checks {
            out.push(judged(
                rule,
                Onpage,
                severity,
                if fails { 0.0 } else { 1.0 },
                message,
                action,
                json!({"path": path}),
            ));
        }
    }
    if doc.keyphrase.is_none() {
        out.push(judged(
            "keyphrase.missing",
            Onpage,
            Advisory,
            0.0,
            "No focus keyphrase is set, so keyphrase checks were skipped.".into(),
            "Set a focus keyphrase (in the SEO plugin or in Siloq) to unlock them.",
            json!({}),
        ));
    }
}

/// The path without `%XX` escapes (their hex digits may be uppercase legitimately).
fn strip_escapes(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            i += 3;
            continue;
        }
        out.push(bytes[i] as char);
        i += 1;
    }
    out
}

fn content(doc: &PageDoc, out: &mut Vec<Finding>) {
    use Category::Content;
    use Severity::*;
    if !doc.capabilities.text {
        for (rule, sev) in [
            ("content.empty", High),
            ("content.thin", Medium),
            ("readability.paragraph_length", Low),
            ("readability.sentence_length", Low),
            ("readability.repeated_starts", Low),
        ] {
            out.push(na(rule, Content, sev));
        }
        return;
    }
    let chars = doc.info.char_count_main;
    let words = doc.info.word_count_main;
    let empty = chars < 50;
    out.push(judged(
        "content.empty",
        Content,
        High,
        if empty { 0.0 } else { 1.0 },
        format!("The page has almost no text ({chars} characters)."),
        "Add content that answers the visitor's question.",
        json!({"chars": chars}),
    ));
    let credit = if words >= 300 {
        1.0
    } else if words >= 200 {
        0.5
    } else {
        0.0
    };
    out.push(judged("content.thin", Content, Medium, credit, format!("The page has {words} words of main content."),
        "Expand to at least 300 words of useful, original text, or merge the page with a related one.", json!({"words": words, "min": 300})));
    if empty {
        for rule in [
            "readability.paragraph_length",
            "readability.sentence_length",
            "readability.repeated_starts",
        ] {
            out.push(na(rule, Content, Low));
        }
        return;
    }
    if doc.paragraphs.is_empty() {
        out.push(na("readability.paragraph_length", Content, Low));
    } else {
        let longest = doc.text_stats.longest_paragraph_words;
        let long = doc.paragraphs.iter().filter(|p| p.words > 150).count();
        let credit = if longest <= 150 {
            1.0
        } else if longest <= 200 {
            0.5
        } else {
            0.0
        };
        out.push(judged(
            "readability.paragraph_length",
            Content,
            Low,
            credit,
            format!("{long} paragraphs are longer than 150 words (longest {longest})."),
            "Split long paragraphs; keep one idea per paragraph.",
            json!({"longest": longest, "long_paragraphs": long}),
        ));
    }
    if doc.sentences.is_empty() {
        out.push(na("readability.sentence_length", Content, Low));
    } else {
        let long = doc.sentences.iter().filter(|s| s.words > 20).count();
        let share = 100.0 * long as f64 / doc.sentences.len() as f64;
        let credit = if share <= 25.0 {
            1.0
        } else if share <= 30.0 {
            0.5
        } else {
            0.0
        };
        out.push(judged(
            "readability.sentence_length",
            Content,
            Low,
            credit,
            format!("{:.0} % of sentences are longer than 20 words.", share),
            "Break long sentences into shorter ones.",
            json!({"percent": (share * 100.0).round() / 100.0, "limit": 20}),
        ));
    }
    if doc.sentences.len() < 3 {
        out.push(na("readability.repeated_starts", Content, Low));
    } else {
        let (mut best, mut run, mut word) = (1, 1, String::new());
        for pair in doc.sentences.windows(2) {
            if !pair[1].first_word.is_empty() && pair[1].first_word == pair[0].first_word {
                run += 1;
                if run > best {
                    best = run;
                    word = pair[1].first_word.clone();
                }
            } else {
                run = 1;
            }
        }
        out.push(judged(
            "readability.repeated_starts",
            Content,
            Low,
            if best >= 3 { 0.0 } else { 1.0 },
            format!("{best} sentences in a row start with \"{word}\"."),
            "Vary how sentences begin.",
            json!({"run": best, "word": word}),
        ));
    }
}

fn structure(doc: &PageDoc, out: &mut Vec<Finding>) {
    use Category::Structure;
    use Severity::*;
    if doc.capabilities.headings {
        let h1 = doc.headings.iter().filter(|h| h.level == 1).count();
        out.push(judged("headings.h1.in_content", Structure, Medium, if h1 > 0 { 0.0 } else { 1.0 },
            format!("The content contains {h1} H1 heading(s); with the theme's title the page shows {}.", h1 + 1),
            "Use H2 and lower for headings inside the content.", json!({"h1": h1})));
        if doc.headings.is_empty() {
            out.push(na("headings.empty", Structure, Medium));
            out.push(na("headings.skipped_level", Structure, Low));
        } else {
            let empty = doc
                .headings
                .iter()
                .filter(|h| !h.text.chars().any(char::is_alphanumeric))
                .count();
            out.push(judged(
                "headings.empty",
                Structure,
                Medium,
                if empty > 0 { 0.0 } else { 1.0 },
                format!("{empty} headings are empty."),
                "Give them text or remove them; page builders often leave empty heading widgets.",
                json!({"empty": empty}),
            ));
            // The theme prints the page title as H1, so the walk starts at level 1.
            let mut previous = 1u8;
            let mut jump = None;
            for h in &doc.headings {
                if h.level > previous + 1 && jump.is_none() {
                    jump = Some((previous, h.level));
                }
                previous = h.level;
            }
            let (from, to) = jump.unwrap_or((0, 0));
            out.push(judged(
                "headings.skipped_level",
                Structure,
                Low,
                if jump.is_some() { 0.0 } else { 1.0 },
                format!("Heading levels jump from H{from} to H{to}."),
                "Nest headings in order: H1, H2, H3.",
                json!({"from": from, "to": to}),
            ));
        }
    }
    if doc.capabilities.links && doc.capabilities.text {
        let main: Vec<_> = doc
            .links
            .iter()
            .filter(|l| l.in_main && l.kind == LinkKind::Web)
            .collect();
        let internal = main.iter().filter(|l| l.internal).count();
        let external = main.iter().filter(|l| l.external).count();
        out.push(judged(
            "links.internal.none",
            Structure,
            Medium,
            if internal == 0 { 0.0 } else { 1.0 },
            "The content does not link to any other page on the site.".into(),
            "Add two or three contextual links to related pages.",
            json!({"internal_links": internal}),
        ));
        out.push(judged(
            "links.outbound.none",
            Structure,
            Low,
            if external == 0 { 0.0 } else { 1.0 },
            "The content does not cite any external source.".into(),
            "Link to authoritative sources where they help the reader.",
            json!({"external_links": external}),
        ));
    }
    if doc.capabilities.links && !doc.links.is_empty() {
        let generic: Vec<_> = doc
            .links
            .iter()
            .filter(|l| {
                l.generic_text && l.kind == LinkKind::Web && !l.rel.iter().any(|r| r == "nofollow")
            })
            .collect();
        let example = generic.first().map(|l| l.text.clone()).unwrap_or_default();
        out.push(judged(
            "links.text.generic",
            Structure,
            Medium,
            if generic.is_empty() { 1.0 } else { 0.0 },
            format!(
                "{} links use vague text such as \"{example}\".",
                generic.len()
            ),
            "Use link text that says where the link goes.",
            json!({"count": generic.len()}),
        ));
    }
    if doc.capabilities.images {
        let visible: Vec<_> = doc.images.iter().filter(|i| !i.decorative).collect();
        if visible.is_empty() {
            out.push(na("images.alt.missing", Structure, Medium));
        } else {
            let missing = visible
                .iter()
                .filter(|i| i.alt == Alt::Absent && i.aria_label.is_none() && !i.aria_labelledby)
                .count();
            let share = missing as f64 / visible.len() as f64;
            let credit = if missing == 0 {
                1.0
            } else if share <= 0.10 {
                0.5
            } else {
                0.0
            };
            out.push(judged(
                "images.alt.missing",
                Structure,
                Medium,
                credit,
                format!(
                    "{missing} of {} images have no alt attribute.",
                    visible.len()
                ),
                "Describe informative images in alt text; use alt=\"\" for purely decorative ones.",
                json!({"images": visible.len(), "missing": missing}),
            ));
        }
        let alts: Vec<&str> = doc
            .images
            .iter()
            .filter_map(|i| {
                if let Alt::Text(t) = &i.alt {
                    Some(t.as_str())
                } else {
                    None
                }
            })
            .collect();
        if alts.is_empty() {
            out.push(na("images.alt.too_long", Structure, Low));
        } else {
            let long = alts.iter().filter(|a| a.chars().count() > 100).count();
            out.push(judged(
                "images.alt.too_long",
                Structure,
                Low,
                if long > 0 { 0.0 } else { 1.0 },
                format!("{long} images have alt text longer than 100 characters."),
                "Keep alt text short and specific.",
                json!({"count": long}),
            ));
        }
        if doc.info.word_count_main >= 300 {
            let in_main = doc.images.iter().any(|i| i.in_main);
            out.push(judged(
                "images.none",
                Structure,
                Low,
                if in_main { 1.0 } else { 0.0 },
                "The content has no images.".into(),
                "Add at least one relevant image or diagram.",
                json!({}),
            ));
        }
    }
}
