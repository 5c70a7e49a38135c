//! Assembly of the [`PageDoc`]: page-level facts (title, description, robots, canonical, language,
//! capabilities, keyphrase) from the input fields and what the content yielded.

use super::fold::{content_words, fold, tokens};
use super::input::{Mode, ParseInput};
use super::model::{Capabilities, Info, Keyphrase, MainSource, PageDoc, Robots};
use super::text::{collapse, split_sentences};
use super::urls::{UrlContext, slug, url_parts};
use super::walk::Collected;
use super::width::text_width_px;
use super::wordpress::{TitleVars, leftovers, resolve_title};
use std::collections::BTreeSet;

/// What the content path (HTML walk or generation C) produced.
pub(super) struct Parts {
    pub collected: Collected,
    pub main_source: MainSource,
    pub language: Option<String>,
    pub html_bytes: u64,
    pub input_truncated: bool,
    pub depth_limited: bool,
    /// The content yields body capabilities (section 1.1 "withheld or missing content" says when not).
    pub body_present: bool,
}

/// The primary subtag of a language tag or locale (`en_GB` → `en`), lowercased; `None` when empty.
pub(super) fn primary_language(tag: &str) -> Option<String> {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    (!primary.is_empty()).then_some(primary)
}

pub(super) fn finish(input: &ParseInput<'_>, urls: &UrlContext<'_>, parts: Parts) -> PageDoc {
    let Parts {
        collected: c,
        main_source,
        language,
        html_bytes,
        input_truncated,
        depth_limited,
        body_present,
    } = parts;
    let scan = input.mode == Mode::Scan;
    let (seo_title, title_leftovers) = if scan {
        let title = c
            .head
            .titles
            .first()
            .map(|t| t.text.clone())
            .unwrap_or_default();
        let left = leftovers(&title);
        (title, left)
    } else {
        let vars = TitleVars {
            title: input.post_title,
            site_name: input.site_name,
            separator: input.title_separator,
            site_description: input.site_description,
            excerpt: input.excerpt,
        };
        resolve_title(input.seo_title_template, &vars)
    };
    let description = if scan {
        c.head
            .metas
            .iter()
            .filter(|m| m.name.as_deref() == Some("description"))
            .filter_map(|m| m.content.as_deref().map(collapse))
            .find(|d| !d.is_empty())
    } else {
        input
            .seo_description
            .map(collapse)
            .filter(|d| !d.is_empty())
    };
    let mut description_sentences = Vec::new();
    if let Some(d) = &description {
        split_sentences(d, |s| description_sentences.push(s.to_owned()));
    }
    let distinct: BTreeSet<&str> = c
        .head
        .canonicals
        .iter()
        .filter(|k| k.valid)
        .filter_map(|k| k.href_abs.as_deref())
        .collect();
    let canonical = (distinct.len() == 1)
        .then(|| distinct.first().map(|s| (*s).to_owned()))
        .flatten();
    let robots = if scan {
        meta_robots(&c)
    } else {
        wordpress_robots(input)
    };
    let parts_of_url = urls.page.as_ref().map(url_parts);
    let is_homepage = input.is_homepage
        || (scan
            && parts_of_url
                .as_ref()
                .is_some_and(|p| p.path == "/" && p.query.is_none()));
    let keyphrase = keyphrase(input.focus_keyphrase, language.as_deref());
    let plain = main_source == MainSource::PlainText;
    let capabilities = Capabilities {
        document: scan,
        markup: scan || (body_present && !plain),
        text: scan || body_present,
        headings: scan || body_present,
        links: scan || body_present,
        images: scan || (body_present && (!plain || input.images_extracted.is_some())),
        title: true,
        description: scan || input.seo_description.is_some(),
        robots: scan || input.robots_known,
        keyphrase: keyphrase.is_some(),
    };
    let text_stats = c.text.stats();
    let info = Info {
        mode: input.mode,
        url: input.url.to_owned(),
        slug: slug(
            if scan { "" } else { input.slug },
            urls.page.as_ref(),
            input.url,
        ),
        url_parts: parts_of_url,
        is_homepage,
        language,
        title_width_px: text_width_px(&seo_title, 20),
        seo_title,
        title_leftovers,
        description,
        description_sentences,
        canonical,
        robots,
        main_source,
        word_count_main: c.text.words,
        char_count_main: u32::try_from(c.text.chars).unwrap_or(u32::MAX),
        element_count: c.element_count,
        html_bytes,
        input_truncated,
        depth_limited,
    };
    let mut totals = c.totals;
    totals.sentences = c.text.sentence_total;
    totals.paragraphs = c.text.paragraph_total;
    PageDoc {
        info,
        capabilities,
        head: c.head,
        json_ld: c.json_ld,
        headings: c.headings,
        links: c.links,
        images: c.images,
        resources: c.resources,
        forms: c.forms,
        paragraphs: c.text.paragraphs,
        sentences: c.text.sentences,
        text_stats,
        keyphrase,
        main_text: c.text.main_text,
        main_text_truncated: c.text.main_text_truncated,
        totals,
    }
}

/// Directives of `<meta name="robots">` and `<meta name="googlebot">`, wherever they sit.
fn meta_robots(c: &Collected) -> Robots {
    let mut robots = Robots::default();
    for meta in &c.head.metas {
        let Some(name @ ("robots" | "googlebot")) = meta.name.as_deref() else {
            continue;
        };
        let content = meta.content.as_deref().unwrap_or_default();
        for directive in content
            .split(',')
            .map(|d| collapse(d).to_ascii_lowercase())
            .filter(|d| !d.is_empty())
        {
            match directive.as_str() {
                "noindex" | "none" => {
                    robots.noindex = true;
                    let source = format!("meta:{name}");
                    if !robots.sources.contains(&source) {
                        robots.sources.push(source);
                    }
                    robots.nofollow |= directive == "none";
                }
                "nofollow" => robots.nofollow = true,
                "nosnippet" => robots.nosnippet = true,
                d if d.replace(' ', "") == "max-snippet:0" => robots.nosnippet = true,
                _ => {}
            }
            robots.directives.push(directive);
        }
    }
    robots
}

fn wordpress_robots(input: &ParseInput<'_>) -> Robots {
    let mut robots = Robots {
        noindex: input.is_noindex,
        ..Robots::default()
    };
    if input.is_noindex {
        robots.directives.push("noindex".to_owned());
        robots.sources.push("wordpress".to_owned());
    }
    robots
}

fn keyphrase(raw: &str, language: Option<&str>) -> Option<Keyphrase> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    let exact = trimmed.len() >= 2 && trimmed.starts_with('"') && trimmed.ends_with('"');
    let inner = if exact {
        &trimmed[1..trimmed.len() - 1]
    } else {
        trimmed
    };
    Some(Keyphrase {
        raw: raw.to_owned(),
        folded: fold(inner),
        exact,
        tokens: tokens(inner),
        content_words: content_words(inner, language),
    })
}
