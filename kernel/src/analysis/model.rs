//! The document model ("PageDoc"): the primitives of seo-rules.md section 4.2, measured once per page by
//! the kernel and read by every rule. Field names follow the spec; lists are in document order.

use super::input::Mode;
use serde::Serialize;

/// The parsed page. Lists are capped at [`MAX_ITEMS`](super::MAX_ITEMS) entries; `totals` has the counts
/// before capping, so rules that only count stay exact on huge pages.
#[derive(Debug, Clone, Serialize)]
pub struct PageDoc {
    pub info: Info,
    pub capabilities: Capabilities,
    pub head: Head,
    pub json_ld: Vec<JsonLd>,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub images: Vec<Image>,
    pub resources: Vec<Resource>,
    pub forms: Vec<Form>,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub text_stats: TextStats,
    /// The focus keyphrase with its folded form and content words; `None` when none is set.
    pub keyphrase: Option<Keyphrase>,
    /// Main-region text: the blocks joined with single spaces, at most 256 KiB (cut at a character boundary).
    pub main_text: String,
    pub main_text_truncated: bool,
    pub totals: Totals,
}

/// Page-level facts (`page.info()`).
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    pub mode: Mode,
    /// The URL as given.
    pub url: String,
    /// Parts of the URL; `None` when it is not an absolute URL.
    pub url_parts: Option<UrlParts>,
    /// WordPress `slug` field, else the last non-empty path segment.
    pub slug: String,
    pub is_homepage: bool,
    /// Primary language subtag, lowercased (`<html lang>` in a scan, else the site locale); `None` when
    /// unknown (English lexicons and limits then apply).
    pub language: Option<String>,
    /// The effective SEO title: the first `<title>` outside `<svg>` (scan) or the resolved template (WordPress).
    pub seo_title: String,
    /// Width of `seo_title` in Arial at 20 px (section 4.3).
    pub title_width_px: u32,
    /// Unresolved `%%name%%` and `{{name}}` variables left in the title, in order of appearance.
    pub title_leftovers: Vec<String>,
    /// The effective description (collapsed); `None` when there is none or it is blank.
    pub description: Option<String>,
    /// The description split into sentences (fact `analysis.description_sentences`).
    pub description_sentences: Vec<String>,
    /// The single effective canonical (normalised) when the head declares exactly one distinct valid one.
    pub canonical: Option<String>,
    pub robots: Robots,
    pub main_source: MainSource,
    pub word_count_main: u32,
    pub char_count_main: u32,
    /// All elements of the parsed document, including `html`, `head` and `body`.
    pub element_count: u32,
    /// Length of the content in bytes, before any cap.
    pub html_bytes: u64,
    /// The content exceeded [`MAX_INPUT_BYTES`](super::MAX_INPUT_BYTES) and only its start was parsed.
    pub input_truncated: bool,
    /// Elements nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH) were flattened into their ancestor.
    pub depth_limited: bool,
}

/// URL parts of the page (`final-url`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlParts {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
    pub path: String,
    pub query: Option<String>,
    /// The URL normalised for comparisons (section 4.1).
    pub normalized: String,
}

/// Where the main region came from (section 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MainSource {
    /// The first `<main>`.
    Main,
    /// The only `<article>`.
    Article,
    /// The first element with `role="main"`.
    RoleMain,
    /// `<body>`.
    Body,
    /// WordPress generation B: the whole normalised content.
    Content,
    /// WordPress generation C: the plain-text lines.
    PlainText,
}

/// Robots directives known from the document (meta `robots` and `googlebot`) or the WordPress fields.
/// `X-Robots-Tag` headers and `unavailable_after` are resolved by the caller, which has the HTTP facts and
/// `analyzed_at`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Robots {
    pub noindex: bool,
    pub nofollow: bool,
    pub nosnippet: bool,
    /// Lowercased directives in document order (`max-snippet:0`, `unavailable_after: ...`).
    pub directives: Vec<String>,
    /// Where a noindex came from: `meta:robots`, `meta:googlebot`, `wordpress`.
    pub sources: Vec<String>,
}

/// The capability flags of section 1.4 that the document itself decides. `http`, `robots_txt`,
/// `link_checks` and `site` are added by the caller that holds those facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    pub document: bool,
    pub markup: bool,
    pub text: bool,
    pub headings: bool,
    pub links: bool,
    pub images: bool,
    pub title: bool,
    pub description: bool,
    pub robots: bool,
    pub keyphrase: bool,
}

impl Capabilities {
    /// The present flags by their 1.4 names, in the table's order (fact `analysis.capabilities`).
    pub fn names(&self) -> Vec<&'static str> {
        let all = [
            (self.document, "document"),
            (self.markup, "markup"),
            (self.text, "text"),
            (self.headings, "headings"),
            (self.links, "links"),
            (self.images, "images"),
            (self.title, "title"),
            (self.description, "description"),
            (self.robots, "robots"),
            (self.keyphrase, "keyphrase"),
        ];
        all.into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| name)
            .collect()
    }
}

/// `page.head()`: elements that matter wherever they sit; `in_head` says whether they are in `<head>`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Head {
    /// `<title>` elements outside `<svg>`, anywhere in the document.
    pub titles: Vec<TitleElement>,
    pub metas: Vec<Meta>,
    pub links: Vec<LinkElement>,
    /// Content of the first `<meta name="viewport">`.
    pub viewport: Option<String>,
    /// The raw `lang` attribute of `<html>`.
    pub html_lang: Option<String>,
    /// The first `<base href>`, as written.
    pub base_href: Option<String>,
    /// `<link rel="canonical">` elements in `<head>` (those in `<body>` are ignored, section 3.1).
    pub canonicals: Vec<Canonical>,
    /// `<link rel="alternate" hreflang>` elements in `<head>`.
    pub hreflang: Vec<Hreflang>,
    /// Any `itemscope`/`itemtype` attribute (microdata).
    pub has_microdata: bool,
    /// Any `typeof`/`vocab` attribute (RDFa).
    pub has_rdfa: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TitleElement {
    pub text: String,
    pub in_head: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// `name`, lowercased.
    pub name: Option<String>,
    pub property: Option<String>,
    pub http_equiv: Option<String>,
    pub content: Option<String>,
    pub in_head: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkElement {
    /// `rel` split into lowercase tokens.
    pub rel: Vec<String>,
    pub href: Option<String>,
    pub href_abs: Option<String>,
    pub hreflang: Option<String>,
    pub in_head: bool,
}

/// A head canonical (fact `analysis.canonicals`, `source` = head).
#[derive(Debug, Clone, Serialize)]
pub struct Canonical {
    pub href: String,
    /// Resolved and normalised; `None` when it cannot be resolved.
    pub href_abs: Option<String>,
    /// The href carries a scheme (not relative or protocol-relative).
    pub absolute: bool,
    /// Resolves to an http(s) URL with a host.
    pub valid: bool,
}

/// A head hreflang annotation (fact `analysis.hreflang`; tag validity is judged against the language
/// registry elsewhere).
#[derive(Debug, Clone, Serialize)]
pub struct Hreflang {
    pub value: String,
    pub href: Option<String>,
    pub href_abs: Option<String>,
    pub absolute: bool,
}

/// A `<script type="application/ld+json">` block.
#[derive(Debug, Clone, Serialize)]
pub struct JsonLd {
    /// The script text, at most 64 KiB.
    pub raw: String,
    /// Every `@type` value found anywhere in the block, in document order.
    pub types: Vec<String>,
    /// The JSON parse error, when the block is not valid JSON.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    /// Collapsed text plus the alt text of images inside.
    pub text: String,
    pub in_main: bool,
    /// Non-heading words of the main region before the heading; `None` outside the region and for
    /// generation C headings (no positions).
    pub word_offset: Option<u32>,
}

/// How a link's href is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// http(s), not a same-page fragment.
    Web,
    /// A same-page fragment.
    Fragment,
    Mailto,
    Tel,
    Javascript,
    /// Anything else, including an `<a>` without href and hrefs that cannot be resolved.
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// The raw href; `None` for an `<a>` without one.
    pub href: Option<String>,
    /// Resolved against the document base, fragment kept.
    pub href_abs: Option<String>,
    pub text: String,
    /// Text, else the non-empty alts of images inside, else `aria-label`, else `title`.
    pub accessible_name: String,
    pub rel: Vec<String>,
    pub kind: LinkKind,
    /// Web link to the page's own site (host equal ignoring case and `www.`, or an own host).
    pub internal: bool,
    /// Web link to another site.
    pub external: bool,
    /// Lighthouse crawlable-anchors logic (section 3.4 `links.not_crawlable`).
    pub crawlable: bool,
    /// Has an `onclick` attribute.
    pub inline_handler: bool,
    /// A web link inside the main region (section 4.1 "links in the main region").
    pub in_main: bool,
    /// The lowercased, collapsed text is on the generic-text list; rules add the href/rel conditions.
    pub generic_text: bool,
}

/// The `alt` attribute of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "text", rename_all = "snake_case")]
pub enum Alt {
    Absent,
    /// `alt=""` (or only whitespace): a decorative image.
    Empty,
    Text(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Image {
    /// The effective source: `data-src`, `data-lazy-src`, `src`, else the first `srcset` candidate.
    pub src: Option<String>,
    pub src_abs: Option<String>,
    pub alt: Alt,
    /// Hidden from assistive technology: `role` presentation/none or `aria-hidden="true"`.
    pub decorative: bool,
    pub aria_label: Option<String>,
    /// Has an `aria-labelledby` attribute.
    pub aria_labelledby: bool,
    pub width: Option<String>,
    pub height: Option<String>,
    pub in_main: bool,
    pub in_picture: bool,
    pub in_link: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Script,
    Stylesheet,
    Image,
    Iframe,
    Media,
    Source,
    Embed,
    Object,
}

/// A subresource the markup itself requests (section 4.1), resolved against the base.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub url: String,
    pub kind: ResourceKind,
    /// Resolves to plain `http:`.
    pub insecure: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Form {
    /// Resolved; the page URL when empty or absent.
    pub action: Option<String>,
    /// Lowercased; `get` when absent.
    pub method: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    pub words: u32,
    /// Index into `sentences` of its first sentence; `None` when it has none or sentences were capped.
    pub first_sentence: Option<u32>,
    pub sentence_count: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sentence {
    pub text: String,
    pub words: u32,
    /// The first word, lowercased, without leading and trailing punctuation.
    pub first_word: String,
    /// Index into `paragraphs`; `None` for prose blocks (list items, table cells, bare text).
    pub paragraph: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TextStats {
    pub words: u32,
    /// Words in heading blocks of the main region.
    pub heading_words: u32,
    pub sentences: u32,
    pub paragraphs: u32,
    /// Words of the longest paragraph.
    pub longest_paragraph_words: u32,
    /// English syllable estimate over the words of paragraph and prose blocks.
    pub syllables: u64,
    /// Words of paragraph and prose blocks (the Flesch word count).
    pub sentence_words: u32,
    /// English Flesch reading ease; `None` without sentences.
    pub flesch_reading_ease: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Keyphrase {
    pub raw: String,
    pub folded: String,
    /// Written in double quotes: to be matched as an exact token sequence.
    pub exact: bool,
    pub tokens: Vec<String>,
    pub content_words: Vec<String>,
}

/// Counts before the list caps.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Totals {
    pub headings: u32,
    pub links: u32,
    pub images: u32,
    pub resources: u32,
    pub forms: u32,
    pub json_ld: u32,
    pub sentences: u32,
    pub paragraphs: u32,
    pub metas: u32,
    pub head_links: u32,
    pub titles: u32,
}
