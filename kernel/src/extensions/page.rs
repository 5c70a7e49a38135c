//! The host side of the `page` resource (extensions.md §2.2 `document`, §4.4, §5.1 step 1).
//!
//! A [`PreparedPage`] is the document model converted into the binding records once per page, with the input
//! caps of §4.6 applied and the cut getters named in `page-info.truncated`. It is shared through an `Arc` by
//! every call of the page's pipeline; a getter only clones what the guest asked for, nothing is recomputed per
//! call. Facts of seo-rules.md §4.7 that have no typed getter are serialised to JSON here, also once.

use super::limits;
use super::wit::v1_0_0::document::{
    self, HeadData, Heading, HttpFacts, Image, JsonLdBlock, Keyphrase, Link, LinkKind, LinkTag,
    Location, MainSource, MetaTag, PageInfo, Paragraph, ResourceKind, Robots, RobotsDirective,
    RobotsSource, Sentence, Source, Subresource, TextStats, TitleTag, UrlParts, WordpressInfo,
};
use super::wit::v1_0_0::types::Capability;
use crate::analysis::{self, Alt, Mode, PageDoc, ParseInput};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmtime::component::Resource;

/// What the kernel knows about a page besides its document model. Everything is optional; a scanned page
/// without HTTP facts simply lacks the `http` capability.
#[derive(Debug, Clone, Default)]
pub struct PageContext {
    pub page_id: Option<i64>,
    pub site_id: Option<i64>,
    /// The URL that was asked for (before redirects); the document's URL when `None`.
    pub requested_url: Option<String>,
    /// The raw HTML (scan) or `post_content` (WordPress), lent through `page.html()` up to 1 MiB.
    pub html: Option<String>,
    pub http: Option<HttpFacts>,
    pub wordpress: Option<WordpressInfo>,
    /// Further hosts of the site and its staging hosts (fact `analysis.site_settings`).
    pub own_hosts: Vec<String>,
    pub staging_hosts: Vec<String>,
    /// What the caller knows of the page's internal link targets, `{url: {first, final, timed_out}}` (fact
    /// `analysis.link_checks`); present = the `link-status` capability.
    pub link_checks: Option<Value>,
}

/// A page ready to be lent to extensions. Cheap to share (`Arc`); immutable.
#[derive(Debug)]
pub struct PreparedPage {
    pub(crate) mode: Mode,
    pub(crate) capabilities: Vec<Capability>,
    pub(crate) info: PageInfo,
    pub(crate) wordpress: Option<WordpressInfo>,
    pub(crate) keyphrase: Option<Keyphrase>,
    pub(crate) http: Option<HttpFacts>,
    pub(crate) head: HeadData,
    pub(crate) json_ld: Vec<JsonLdBlock>,
    pub(crate) headings: Vec<Heading>,
    pub(crate) links: Vec<Link>,
    pub(crate) images: Vec<Image>,
    pub(crate) resources: Vec<Subresource>,
    pub(crate) forms: Vec<document::Form>,
    pub(crate) paragraphs: Vec<Paragraph>,
    pub(crate) sentences: Vec<Sentence>,
    pub(crate) text_stats: TextStats,
    pub(crate) text: String,
    pub(crate) html: String,
    pub(crate) language: Option<String>,
    pub(crate) facts: BTreeMap<&'static str, String>,
}

/// The page handle stored in a call's resource table: the shared prepared page.
#[derive(Debug, Clone)]
pub struct PageRef(pub(crate) Arc<PreparedPage>);

impl PreparedPage {
    /// Prepares a parsed page with what else is known about it.
    pub fn new(doc: &PageDoc, ctx: PageContext) -> Arc<PreparedPage> {
        Arc::new(prepare(doc, ctx))
    }

    /// Parses `html` as a scanned page at `url` and prepares it (tests, benchmarks, previews).
    pub fn from_html(url: &str, html: &str) -> Arc<PreparedPage> {
        let doc = analysis::parse(&ParseInput::scan(url, html));
        Self::new(
            &doc,
            PageContext {
                html: Some(html.to_string()),
                ..PageContext::default()
            },
        )
    }

    /// Whether the page has a capability (a check requiring one it lacks is not applicable).
    pub fn has(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }

    /// `wordpress` pages are judged content-only; scanned pages as full pages (seo-rules.md §1.4).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The lent `page-info` record.
    pub fn info(&self) -> &PageInfo {
        &self.info
    }

    /// A documented fact as JSON text, as `page.fact(name)` answers it.
    pub fn fact(&self, name: &str) -> Option<&str> {
        self.facts.get(name).map(String::as_str)
    }
}

/// `s` cut at a character boundary at or below `max` bytes.
pub(crate) fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn sat32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn location(in_head: bool) -> Location {
    if in_head {
        Location::Head
    } else {
        Location::Body
    }
}

/// Keeps at most `cap` items; names the getter in `truncated` when the list (or the document's own count of
/// it) was longer.
fn capped<T, U>(
    items: &[T],
    total: u32,
    cap: usize,
    name: &'static str,
    truncated: &mut Vec<String>,
    map: impl Fn(&T) -> U,
) -> Vec<U> {
    if items.len() > cap || total as usize > items.len().min(cap) {
        truncated.push(name.to_string());
    }
    items.iter().take(cap).map(map).collect()
}

fn prepare(doc: &PageDoc, ctx: PageContext) -> PreparedPage {
    let scan = doc.info.mode == Mode::Scan;
    let mut truncated: Vec<String> = Vec::new();
    let totals = &doc.totals;

    let mut capabilities = Vec::new();
    if scan {
        capabilities.push(Capability::FullDocument);
    }
    if ctx.http.is_some() {
        capabilities.push(Capability::Http);
    }
    if ctx.http.as_ref().is_some_and(|h| h.ttfb_ms.is_some()) {
        capabilities.push(Capability::Timing);
    }
    if scan {
        capabilities.push(Capability::Resources);
    }
    if doc.keyphrase.is_some() {
        capabilities.push(Capability::Keyphrase);
    }
    if !scan {
        capabilities.push(Capability::Wordpress);
    }
    if ctx.link_checks.is_some() {
        capabilities.push(Capability::LinkStatus);
    }

    let head = HeadData {
        titles: capped(
            &doc.head.titles,
            totals.titles,
            limits::PAGE_META_TAGS,
            "head",
            &mut truncated,
            |t| TitleTag {
                text: t.text.clone(),
                location: location(t.in_head),
            },
        ),
        metas: capped(
            &doc.head.metas,
            totals.metas,
            limits::PAGE_META_TAGS,
            "head",
            &mut truncated,
            |m| MetaTag {
                name: m.name.clone(),
                property: m.property.clone(),
                http_equiv: m.http_equiv.clone(),
                content: m.content.clone().unwrap_or_default(),
                location: location(m.in_head),
            },
        ),
        links: capped(
            &doc.head.links,
            totals.head_links,
            limits::PAGE_META_TAGS,
            "head",
            &mut truncated,
            |l| LinkTag {
                rel: l.rel.join(" "),
                href: l.href.clone().unwrap_or_default(),
                href_abs: l.href_abs.clone(),
                hreflang: l.hreflang.clone(),
                location: location(l.in_head),
            },
        ),
        viewport: doc.head.viewport.clone(),
        charset: None,
    };
    truncated.dedup();

    let json_ld = capped(
        &doc.json_ld,
        totals.json_ld,
        limits::PAGE_JSON_LD_BLOCKS,
        "json-ld",
        &mut truncated,
        |b| JsonLdBlock {
            raw: cut(&b.raw, limits::PAGE_JSON_LD_BYTES).to_string(),
            types: b.types.clone(),
            error: b.error.clone(),
        },
    );
    let headings = capped(
        &doc.headings,
        totals.headings,
        limits::PAGE_HEADINGS,
        "headings",
        &mut truncated,
        |h| Heading {
            level: h.level,
            text: h.text.clone(),
            in_main: h.in_main,
            word_offset: h.word_offset.unwrap_or(0),
        },
    );
    let links = capped(
        &doc.links,
        totals.links,
        limits::PAGE_LINKS,
        "links",
        &mut truncated,
        |l| Link {
            href: l.href.clone().unwrap_or_default(),
            href_abs: l.href_abs.clone(),
            text: l.text.clone(),
            accessible_name: l.accessible_name.clone(),
            rel: l.rel.clone(),
            kind: match l.kind {
                analysis::LinkKind::Web => LinkKind::Web,
                analysis::LinkKind::Fragment => LinkKind::Fragment,
                analysis::LinkKind::Mailto => LinkKind::Mailto,
                analysis::LinkKind::Tel => LinkKind::Tel,
                analysis::LinkKind::Javascript => LinkKind::Javascript,
                analysis::LinkKind::Other => LinkKind::Other,
            },
            internal: l.internal,
            crawlable: l.crawlable,
            inline_handler: l.inline_handler,
            in_main: l.in_main,
            generic_text: l.generic_text,
            target_status: None,
        },
    );
    let images = capped(
        &doc.images,
        totals.images,
        limits::PAGE_IMAGES,
        "images",
        &mut truncated,
        |i| Image {
            src: i.src.clone().unwrap_or_default(),
            src_abs: i.src_abs.clone(),
            alt: match &i.alt {
                Alt::Absent => None,
                Alt::Empty => Some(String::new()),
                Alt::Text(t) => Some(t.clone()),
            },
            decorative: i.decorative,
            aria_label: i.aria_label.clone(),
            width: i.width.as_deref().and_then(|w| w.trim().parse().ok()),
            height: i.height.as_deref().and_then(|h| h.trim().parse().ok()),
            bytes: None,
            in_main: i.in_main,
            in_picture: i.in_picture,
            in_link: i.in_link,
        },
    );
    let resources = capped(
        &doc.resources,
        totals.resources,
        limits::PAGE_SUBRESOURCES,
        "resources",
        &mut truncated,
        |r| Subresource {
            url: r.url.clone(),
            kind: match r.kind {
                analysis::ResourceKind::Script => ResourceKind::Script,
                analysis::ResourceKind::Stylesheet => ResourceKind::Style,
                analysis::ResourceKind::Image => ResourceKind::Image,
                analysis::ResourceKind::Iframe => ResourceKind::Iframe,
                analysis::ResourceKind::Media | analysis::ResourceKind::Source => {
                    ResourceKind::Media
                }
                analysis::ResourceKind::Embed | analysis::ResourceKind::Object => {
                    ResourceKind::Other
                }
            },
            insecure: r.insecure,
            bytes: None,
        },
    );
    let forms = capped(
        &doc.forms,
        totals.forms,
        limits::PAGE_FORMS,
        "forms",
        &mut truncated,
        |f| document::Form {
            action: f.action.clone().unwrap_or_default(),
            method: f.method.clone(),
        },
    );
    let paragraphs = capped(
        &doc.paragraphs,
        totals.paragraphs,
        limits::PAGE_PARAGRAPHS,
        "paragraphs",
        &mut truncated,
        |p| Paragraph {
            words: p.words,
            first_sentence: p.first_sentence.unwrap_or(0),
            sentence_count: p.sentence_count,
        },
    );
    let sentences = capped(
        &doc.sentences,
        totals.sentences,
        limits::PAGE_SENTENCES,
        "sentences",
        &mut truncated,
        |s| Sentence {
            text: cut(&s.text, limits::PAGE_SENTENCE_BYTES).to_string(),
            words: s.words,
            first_word: s.first_word.clone(),
            paragraph: s.paragraph,
            passive: None,
            transition: None,
        },
    );
    let english = doc.info.language.as_deref().is_none_or(|l| l == "en");
    let text_stats = TextStats {
        words: doc.text_stats.words,
        sentences: doc.text_stats.sentences,
        paragraphs: doc.text_stats.paragraphs,
        syllables: sat32(doc.text_stats.syllables),
        flesch: doc
            .text_stats
            .flesch_reading_ease
            .filter(|_| english)
            .map(|f| f as f32),
    };
    if doc.main_text_truncated {
        truncated.push("text".into());
    }
    let raw_html = ctx.html.as_deref().unwrap_or("");
    let html = cut(raw_html, limits::PAGE_HTML_BYTES).to_string();
    if html.len() < raw_html.len() || doc.info.input_truncated {
        truncated.push("html".into());
    }

    let wordpress = ctx.wordpress.map(|mut wp| {
        if wp.meta.len() > limits::PAGE_WP_META {
            truncated.push("wordpress".into());
            wp.meta.truncate(limits::PAGE_WP_META);
        }
        for (_, value) in &mut wp.meta {
            if value.len() > limits::PAGE_WP_META_BYTES {
                *value = cut(value, limits::PAGE_WP_META_BYTES).to_string();
            }
        }
        wp
    });
    let http = ctx.http.map(|mut h| {
        if h.headers.len() > limits::PAGE_HEADERS {
            truncated.push("http".into());
            h.headers.truncate(limits::PAGE_HEADERS);
        }
        h
    });
    let keyphrase = doc.keyphrase.as_ref().map(|k| Keyphrase {
        text: k.raw.clone(),
        normalized: k.folded.clone(),
        words: k.content_words.clone(),
    });

    let parts = doc.info.url_parts.as_ref();
    let robots = &doc.info.robots;
    let robots_source = if scan {
        RobotsSource::Meta
    } else {
        RobotsSource::Wordpress
    };
    let mut directives: Vec<RobotsDirective> = robots
        .directives
        .iter()
        .map(|d| RobotsDirective {
            user_agent: None,
            directive: d.clone(),
            source: robots_source,
        })
        .collect();
    if robots.noindex && directives.iter().all(|d| d.directive != "noindex") {
        directives.push(RobotsDirective {
            user_agent: None,
            directive: "noindex".into(),
            source: robots_source,
        });
    }
    let info = PageInfo {
        page_id: ctx.page_id,
        site_id: ctx.site_id,
        source: if scan {
            Source::Scan
        } else {
            Source::Wordpress
        },
        capabilities: capabilities.clone(),
        requested_url: ctx
            .requested_url
            .clone()
            .unwrap_or_else(|| doc.info.url.clone()),
        final_url: UrlParts {
            url: doc.info.url.clone(),
            scheme: parts.map(|p| p.scheme.clone()).unwrap_or_default(),
            host: parts.map(|p| p.host.clone()).unwrap_or_default(),
            path: parts.map(|p| p.path.clone()).unwrap_or_default(),
            query: parts.and_then(|p| p.query.clone()),
            slug: doc.info.slug.clone(),
        },
        is_homepage: doc.info.is_homepage,
        lang_declared: doc.head.html_lang.clone(),
        lang: doc.info.language.clone(),
        seo_title: (!doc.info.seo_title.is_empty()).then(|| doc.info.seo_title.clone()),
        seo_title_width_px: doc.info.title_width_px,
        title_template_leftovers: doc.info.title_leftovers.clone(),
        meta_description: doc.info.description.clone(),
        canonical: doc.info.canonical.clone(),
        robots: Robots {
            noindex: robots.noindex,
            nofollow: robots.nofollow,
            directives,
        },
        main_source: match doc.info.main_source {
            analysis::MainSource::Main => MainSource::MainElement,
            analysis::MainSource::Article => MainSource::Article,
            analysis::MainSource::RoleMain => MainSource::RoleMain,
            analysis::MainSource::Body => MainSource::WholeDocument,
            analysis::MainSource::Content | analysis::MainSource::PlainText => {
                MainSource::WordpressContent
            }
        },
        word_count_main: doc.info.word_count_main,
        word_count_all: doc.text_stats.words.max(doc.info.word_count_main),
        char_count_main: doc.info.char_count_main,
        element_count: doc.info.element_count,
        html_bytes: sat32(doc.info.html_bytes),
        inline_script_bytes: 0,
        pictures_without_img: 0,
        truncated: {
            truncated.dedup();
            truncated
        },
    };
    let mut facts = facts(doc, &ctx.own_hosts, &ctx.staging_hosts);
    if let Some(checks) = &ctx.link_checks {
        let text = checks.to_string();
        if text.len() <= limits::PAGE_FACT_BYTES {
            facts.insert("analysis.link_checks", text);
        }
    }
    PreparedPage {
        mode: doc.info.mode,
        capabilities,
        info,
        wordpress,
        keyphrase,
        http,
        head,
        json_ld,
        headings,
        links,
        images,
        resources,
        forms,
        paragraphs,
        sentences,
        text_stats,
        text: doc.main_text.clone(),
        html,
        language: doc.info.language.clone(),
        facts,
    }
}

/// Well-formed BCP 47 for the purposes of seo-rules.md §4.3: a 2-3 letter primary subtag, an optional 4-letter
/// script and an optional region (2 letters or 3 digits), separated by hyphens. (The kernel has no copy of the
/// IANA registry yet, so a well-formed but unregistered subtag passes.)
fn valid_language_tag(tag: &str) -> bool {
    if tag.eq_ignore_ascii_case("x-default") {
        return true;
    }
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    let mut i = 0;
    if rest
        .get(i)
        .is_some_and(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        i += 1;
    }
    if let Some(region) = rest.get(i) {
        let ok = (region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic()))
            || (region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return false;
        }
        i += 1;
    }
    i == rest.len()
}

/// The page facts of seo-rules.md §4.7 without a typed getter, as JSON text.
fn facts(
    doc: &PageDoc,
    own_hosts: &[String],
    staging_hosts: &[String],
) -> BTreeMap<&'static str, String> {
    let mut facts = BTreeMap::new();
    let mut put = |name: &'static str, value: Value| {
        let text = value.to_string();
        if text.len() <= limits::PAGE_FACT_BYTES {
            facts.insert(name, text);
        }
    };
    put("analysis.capabilities", json!(doc.capabilities.names()));
    put(
        "analysis.canonicals",
        Value::Array(
            doc.head
                .canonicals
                .iter()
                .map(|c| json!({"href": c.href, "href_abs": c.href_abs, "absolute": c.absolute, "valid": c.valid, "source": "head"}))
                .collect(),
        ),
    );
    put(
        "analysis.hreflang",
        Value::Array(
            doc.head
                .hreflang
                .iter()
                .map(|h| {
                    json!({"value": h.value, "valid_tag": valid_language_tag(&h.value), "href": h.href,
                           "href_abs": h.href_abs, "absolute": h.absolute, "source": "head"})
                })
                .collect(),
        ),
    );
    put(
        "analysis.lang_valid",
        doc.head
            .html_lang
            .as_deref()
            .map_or(Value::Null, |l| Value::Bool(valid_language_tag(l.trim()))),
    );
    put(
        "analysis.microdata",
        Value::Bool(doc.head.has_microdata || doc.head.has_rdfa),
    );
    put(
        "analysis.description_sentences",
        json!(doc.info.description_sentences),
    );
    put(
        "analysis.site_settings",
        json!({"own_hosts": own_hosts, "staging_hosts": staging_hosts}),
    );
    put("analysis.mode", json!(doc.info.mode.wire_name()));
    put(
        "analysis.robots",
        json!({"noindex": doc.info.robots.noindex, "nofollow": doc.info.robots.nofollow,
               "nosnippet": doc.info.robots.nosnippet, "sources": doc.info.robots.sources}),
    );
    put(
        "analysis.text",
        json!({"heading_words": doc.text_stats.heading_words, "longest_paragraph_words": doc.text_stats.longest_paragraph_words,
               "sentence_words": doc.text_stats.sentence_words, "main_text_truncated": doc.main_text_truncated}),
    );
    put(
        "analysis.totals",
        serde_json::to_value(doc.totals).unwrap_or(Value::Null),
    );
    put(
        "analysis.document",
        json!({"input_truncated": doc.info.input_truncated, "depth_limited": doc.info.depth_limited,
               "base_href": doc.head.base_href, "html_lang": doc.head.html_lang}),
    );
    facts
}

impl PageRef {
    pub(crate) fn page(&self) -> &PreparedPage {
        &self.0
    }
}

/// Reads helper input the way §2.3 says: at most 64 KiB, cut at a character boundary.
pub(crate) fn helper_input(text: &str) -> &str {
    cut(text, limits::HELPER_INPUT_BYTES)
}

/// `text(max-bytes)` and `html(max-bytes)`: the smaller of the guest's and the kernel's cap.
pub(crate) fn lend_text(text: &str, max_bytes: u32, kernel_cap: usize) -> String {
    cut(text, (max_bytes as usize).min(kernel_cap)).to_string()
}

/// The page getters: each clones what the prepared page holds (§4.4); the helpers read at most 64 KiB.
impl document::HostPage for super::ctx::CallCtx {
    fn info(&mut self, page: Resource<PageRef>) -> wasmtime::Result<PageInfo> {
        Ok(self.table.get(&page)?.page().info.clone())
    }
    fn wordpress(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Option<WordpressInfo>> {
        Ok(self.table.get(&page)?.page().wordpress.clone())
    }
    fn keyphrase(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Option<Keyphrase>> {
        Ok(self.table.get(&page)?.page().keyphrase.clone())
    }
    fn http(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Option<HttpFacts>> {
        Ok(self.table.get(&page)?.page().http.clone())
    }
    fn head(&mut self, page: Resource<PageRef>) -> wasmtime::Result<HeadData> {
        Ok(self.table.get(&page)?.page().head.clone())
    }
    fn json_ld(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Vec<JsonLdBlock>> {
        Ok(self.table.get(&page)?.page().json_ld.clone())
    }
    fn headings(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Vec<Heading>> {
        Ok(self.table.get(&page)?.page().headings.clone())
    }
    fn links(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Vec<Link>> {
        Ok(self.table.get(&page)?.page().links.clone())
    }
    fn images(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Vec<Image>> {
        Ok(self.table.get(&page)?.page().images.clone())
    }
    fn resources(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Vec<Subresource>> {
        Ok(self.table.get(&page)?.page().resources.clone())
    }
    fn forms(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Vec<document::Form>> {
        Ok(self.table.get(&page)?.page().forms.clone())
    }
    fn paragraphs(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Vec<Paragraph>> {
        Ok(self.table.get(&page)?.page().paragraphs.clone())
    }
    fn sentences(&mut self, page: Resource<PageRef>) -> wasmtime::Result<Vec<Sentence>> {
        Ok(self.table.get(&page)?.page().sentences.clone())
    }
    fn text_stats(&mut self, page: Resource<PageRef>) -> wasmtime::Result<TextStats> {
        Ok(self.table.get(&page)?.page().text_stats)
    }
    fn text(&mut self, page: Resource<PageRef>, max_bytes: u32) -> wasmtime::Result<String> {
        let page = self.table.get(&page)?.page();
        Ok(lend_text(&page.text, max_bytes, limits::PAGE_TEXT_BYTES))
    }
    fn html(&mut self, page: Resource<PageRef>, max_bytes: u32) -> wasmtime::Result<String> {
        let page = self.table.get(&page)?.page();
        Ok(lend_text(&page.html, max_bytes, limits::PAGE_HTML_BYTES))
    }
    fn fact(&mut self, page: Resource<PageRef>, name: String) -> wasmtime::Result<Option<String>> {
        Ok(self
            .table
            .get(&page)?
            .page()
            .fact(&name)
            .map(str::to_string))
    }
    fn normalize(&mut self, _page: Resource<PageRef>, text: String) -> wasmtime::Result<String> {
        Ok(analysis::fold(helper_input(&text)))
    }
    fn content_words(
        &mut self,
        page: Resource<PageRef>,
        text: String,
    ) -> wasmtime::Result<Vec<String>> {
        let language = self.table.get(&page)?.page().language.clone();
        Ok(analysis::content_words(
            helper_input(&text),
            language.as_deref(),
        ))
    }
    fn text_width_px(
        &mut self,
        _page: Resource<PageRef>,
        text: String,
        font_size_px: u8,
    ) -> wasmtime::Result<u32> {
        Ok(analysis::text_width_px(
            helper_input(&text),
            u32::from(font_size_px),
        ))
    }
    fn drop(&mut self, page: Resource<PageRef>) -> wasmtime::Result<()> {
        self.table.delete(page)?;
        Ok(())
    }
}

impl document::Host for super::ctx::CallCtx {}
impl super::wit::v1_0_0::types::Host for super::ctx::CallCtx {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["en", "en-GB", "zh-Hant-TW", "es-419", "x-default", "de"] {
            assert!(valid_language_tag(ok), "{ok}");
        }
        for bad in ["en_US", "english", "e", "en-", "en-GB-x", ""] {
            assert!(!valid_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn cut_respects_character_boundaries() {
        assert_eq!(cut("héllo", 2), "h");
        assert_eq!(cut("héllo", 3), "hé");
        assert_eq!(cut("abc", 10), "abc");
    }

    #[test]
    fn a_scanned_page_is_prepared_once_with_its_capabilities() {
        let page = PreparedPage::from_html(
            "https://example.com/a/",
            "<html lang=en><head><title>T</title></head><body><main><h1>H</h1><p>Hello world.</p>\
             <a href=/b>b</a><img src=x.png></main></body></html>",
        );
        assert!(page.has(Capability::FullDocument));
        assert!(!page.has(Capability::Wordpress));
        assert_eq!(page.info.seo_title.as_deref(), Some("T"));
        assert_eq!(page.headings.len(), 1);
        assert_eq!(page.links.len(), 1);
        assert_eq!(page.images[0].alt, None);
        assert_eq!(page.fact("analysis.lang_valid"), Some("true"));
        assert!(page.info.truncated.is_empty());
    }
}
