//! The native document model every SEO rule reads (seo-rules.md section 4): [`parse`] turns a scanned page,
//! a WordPress generation B `post_content` or a generation C plain-text payload into a [`PageDoc`].
//!
//! Contract: [`parse`] never panics and runs in time and memory bounded by the input size: the input is
//! capped at [`MAX_INPUT_BYTES`], nesting at [`MAX_DEPTH`] (see `dom`), every list at [`MAX_ITEMS`] (with
//! the full counts in `PageDoc::totals`) and the main text at [`MAX_MAIN_TEXT_BYTES`]. Every walk over the
//! tree is iterative. The same input always yields the same `PageDoc` (section 5): no clock, no hashing
//! order, no network.
//!
//! Module map: `dom` parses (html5ever + scraper's arena tree, with the nesting guard), `wordpress`
//! normalises generation B content and resolves title templates, `region` finds the main region and the
//! base, `walk` collects in one pass with per-element builders in `collect`, `blocks` and `text` apply the
//! text conventions of 4.1, `plain` handles generation C, `build` assembles the page facts, `fold`,
//! `width` and `lexicon` are the helpers and host data of 4.3.

mod blocks;
mod build;
mod collect;
mod dom;
mod fold;
mod input;
mod lexicon;
mod model;
mod plain;
mod region;
mod text;
mod urls;
mod walk;
mod width;
mod width_table;
mod wordpress;

pub use fold::{content_words, fold, tokens};
pub use input::{ExtractedHeading, ExtractedImage, ExtractedLink, Mode, ParseInput};
pub use lexicon::{ABBREVIATIONS, FUNCTION_WORDS_EN, GENERIC_LINK_TEXT_EN, PLACEHOLDER_PHRASES};
pub use model::{
    Alt, Canonical, Capabilities, Form, Head, Heading, Hreflang, Image, Info, JsonLd, Keyphrase,
    Link, LinkElement, LinkKind, MainSource, Meta, PageDoc, Paragraph, Resource, ResourceKind,
    Robots, Sentence, TextStats, TitleElement, Totals, UrlParts,
};
pub use text::{collapse, count_words, is_word};
pub use urls::normalize_url;
pub use width::text_width_px;

/// Content beyond this many bytes is not parsed (the crawler keeps at most 5 MB of a body).
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;
/// Start tags nesting deeper than this are flattened into their ancestor, as browsers do.
pub const MAX_DEPTH: usize = 512;
/// At most this many headings, links, images, resources, forms, paragraphs and sentences are kept.
pub const MAX_ITEMS: usize = 10_000;
/// At most this many titles, metas, link elements, canonicals, hreflang links and JSON-LD blocks are kept.
pub const MAX_HEAD_ITEMS: usize = 1_000;
/// The main text kept in `PageDoc::main_text` (counts cover the whole text).
pub const MAX_MAIN_TEXT_BYTES: usize = 256 * 1024;

/// Builds the document model of one page. Never panics; see the module documentation for the bounds.
pub fn parse(input: &ParseInput<'_>) -> PageDoc {
    let html_bytes = input.content.len() as u64;
    let content = text::prefix_at_boundary(input.content, MAX_INPUT_BYTES);
    let input_truncated = content.len() < input.content.len();
    let mut urls = urls::UrlContext::new(input.url, input.own_hosts);
    let locale_language = build::primary_language(input.locale);
    let body_present = match input.mode {
        Mode::Scan => true,
        Mode::WordPress if input.plain_text => !content.trim().is_empty(),
        Mode::WordPress => !(input.is_noindex && content.trim().is_empty()),
    };

    if input.mode == Mode::WordPress && input.plain_text {
        let collected = plain::collect(input, content, &urls, locale_language.as_deref());
        let parts = build::Parts {
            collected,
            main_source: MainSource::PlainText,
            language: locale_language,
            html_bytes,
            input_truncated,
            depth_limited: false,
            body_present,
        };
        return build::finish(input, &urls, parts);
    }

    let parsed = match input.mode {
        Mode::Scan => dom::parse_document(content),
        Mode::WordPress => {
            let normalized = wordpress::normalize_content(content);
            dom::parse_document(&format!(
                "<!DOCTYPE html><html><head></head><body>{normalized}"
            ))
        }
    };
    let marks = region::landmarks(&parsed.html);
    let (language, main_source) = match input.mode {
        Mode::Scan => {
            let declared = marks.html_lang.as_deref().and_then(build::primary_language);
            (declared.or(locale_language), marks.source)
        }
        Mode::WordPress => (locale_language, MainSource::Content),
    };
    if input.mode == Mode::Scan
        && let Some(base) = &marks.base_href
    {
        urls.set_base(base);
    }
    let mut collected =
        walk::Walker::new(&urls, language.as_deref(), marks.region).run(&parsed.html);
    collected.head.html_lang = marks.html_lang;
    collected.head.base_href = marks.base_href;
    if input.mode == Mode::WordPress {
        // The synthetic document's html, head and body are not content.
        collected.element_count = collected.element_count.saturating_sub(3);
    }
    let parts = build::Parts {
        collected,
        main_source,
        language,
        html_bytes,
        input_truncated,
        depth_limited: parsed.depth_limited,
        body_present,
    };
    build::finish(input, &urls, parts)
}

/// [`parse`] for raw bytes: invalid UTF-8 is replaced (U+FFFD) rather than rejected. `input.content` is
/// ignored and replaced by the decoded bytes.
pub fn parse_bytes(input: &ParseInput<'_>, bytes: &[u8]) -> PageDoc {
    let capped = &bytes[..bytes.len().min(MAX_INPUT_BYTES)];
    let decoded = String::from_utf8_lossy(capped);
    let mut doc = parse(&ParseInput {
        content: &decoded,
        ..*input
    });
    doc.info.html_bytes = bytes.len() as u64;
    doc.info.input_truncated |= capped.len() < bytes.len();
    doc
}

#[cfg(test)]
mod tests;
