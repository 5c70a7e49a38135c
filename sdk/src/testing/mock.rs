//! `MockPage`: an in-memory page for native tests, built with chained setters or loaded from a snapshot.
//!
//! The snapshot format is the serde form of this struct: one key per getter (`info`, `wordpress`, `keyphrase`,
//! `http`, `head`, `json_ld`, `headings`, `links`, `images`, `resources`, `forms`, `paragraphs`, `sentences`,
//! `text_stats`, `text`, `html`, `facts`), each holding the serde form of the generated WIT type (Rust field
//! names, enum cases as written in Rust, e.g. `"FullDocument"`; variants externally tagged, e.g.
//! `{"Text": "x"}`). Missing keys take the values of `MockPage::default()`.
//!
//! The text helpers (`normalize`, `content_words`, `text_width_px`) are simple approximations of the kernel's
//! (lowercase and collapse whitespace; split on non-alphanumerics and drop a few English stop words; an Arial
//! width table by character class): enough to test rule logic, not to reproduce the kernel's numbers.

use crate::limits::cut;
use crate::page::PageView;
use crate::types::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A page whose getters return its public fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MockPage {
    pub info: PageInfo,
    pub wordpress: Option<WordpressInfo>,
    pub keyphrase: Option<Keyphrase>,
    pub http: Option<HttpFacts>,
    pub head: HeadData,
    pub json_ld: Vec<JsonLdBlock>,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub images: Vec<Image>,
    pub resources: Vec<Subresource>,
    pub forms: Vec<Form>,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub text_stats: TextStats,
    pub text: String,
    pub html: String,
    /// Named facts as JSON text (`page.fact(name)`).
    pub facts: BTreeMap<String, String>,
}

impl Default for MockPage {
    fn default() -> Self {
        MockPage::new("https://example.test/")
    }
}

/// Words of the generated body text, with their syllable counts (for `text_stats`).
const VOCABULARY: [(&str, u32); 12] = [
    ("garden", 2),
    ("river", 2),
    ("people", 2),
    ("often", 2),
    ("visit", 2),
    ("the", 1),
    ("quiet", 2),
    ("town", 1),
    ("market", 2),
    ("near", 1),
    ("old", 1),
    ("bridge", 1),
];
const WORDS_PER_SENTENCE: u32 = 15;
const SENTENCES_PER_PARAGRAPH: u32 = 5;
const STOP_WORDS: [&str; 16] = [
    "a", "an", "and", "are", "at", "for", "in", "is", "it", "of", "on", "or", "the", "to", "was",
    "with",
];

impl MockPage {
    /// An empty scanned page at `url`: source `scan`, capabilities `full-document` and `http`, HTTP 200 HTML.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        let final_url = url_parts(&url);
        MockPage {
            info: PageInfo {
                page_id: None,
                site_id: None,
                source: Source::Scan,
                capabilities: vec![Capability::FullDocument, Capability::Http],
                requested_url: url.clone(),
                is_homepage: final_url.path == "/",
                final_url,
                lang_declared: None,
                lang: Some("en".into()),
                seo_title: None,
                seo_title_width_px: 0,
                title_template_leftovers: Vec::new(),
                meta_description: None,
                canonical: None,
                robots: Robots {
                    noindex: false,
                    nofollow: false,
                    directives: Vec::new(),
                },
                main_source: MainSource::WholeDocument,
                word_count_main: 0,
                word_count_all: 0,
                char_count_main: 0,
                element_count: 0,
                html_bytes: 0,
                inline_script_bytes: 0,
                pictures_without_img: 0,
                truncated: Vec::new(),
            },
            wordpress: None,
            keyphrase: None,
            http: Some(HttpFacts {
                status: 200,
                headers: vec![Header {
                    name: "content-type".into(),
                    value: "text/html; charset=utf-8".into(),
                }],
                content_type: Some("text/html".into()),
                charset: Some("utf-8".into()),
                content_encoding: None,
                redirects: Vec::new(),
                ttfb_ms: None,
                download_ms: None,
                bytes_raw: 0,
                bytes_transferred: None,
                timed_out: false,
                error: None,
            }),
            head: HeadData {
                titles: Vec::new(),
                metas: Vec::new(),
                links: Vec::new(),
                viewport: None,
                charset: None,
            },
            json_ld: Vec::new(),
            headings: Vec::new(),
            links: Vec::new(),
            images: Vec::new(),
            resources: Vec::new(),
            forms: Vec::new(),
            paragraphs: Vec::new(),
            sentences: Vec::new(),
            text_stats: TextStats {
                words: 0,
                sentences: 0,
                paragraphs: 0,
                syllables: 0,
                flesch: None,
            },
            text: String::new(),
            html: String::new(),
            facts: BTreeMap::new(),
        }
    }

    /// Loads a page snapshot (see the module docs for the format).
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The snapshot form of this page.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a MockPage always serializes")
    }

    /// Any change the setters do not cover.
    pub fn with(mut self, change: impl FnOnce(&mut MockPage)) -> Self {
        change(&mut self);
        self
    }

    /// The effective SEO title (and one `<title>` in the head).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        let title = title.into();
        self.info.seo_title_width_px = width_px(&title, 20);
        self.head.titles = vec![TitleTag {
            text: title.clone(),
            location: Location::Head,
        }];
        self.info.seo_title = Some(title);
        self
    }

    /// The meta description (and its `<meta name="description">`).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        let description = description.into();
        self.head
            .metas
            .retain(|m| m.name.as_deref() != Some("description"));
        self.head.metas.push(MetaTag {
            name: Some("description".into()),
            property: None,
            http_equiv: None,
            content: description.clone(),
            location: Location::Head,
        });
        self.info.meta_description = Some(description);
        self
    }

    /// A heading in the main content, after the words added so far.
    pub fn heading(mut self, level: u8, text: impl Into<String>) -> Self {
        self.headings.push(Heading {
            level,
            text: text.into(),
            in_main: true,
            word_offset: self.info.word_count_main,
        });
        self
    }

    /// A link in the main content; internal when relative or on the page's host.
    pub fn link(mut self, href: impl Into<String>, text: impl Into<String>) -> Self {
        let href = href.into();
        let text = text.into();
        let kind = link_kind(&href);
        let href_abs = (kind == LinkKind::Web).then(|| self.absolute(&href));
        let internal = href_abs
            .as_deref()
            .is_some_and(|abs| url_parts(abs).host == self.info.final_url.host);
        self.links.push(Link {
            href,
            href_abs,
            accessible_name: text.clone(),
            text,
            rel: Vec::new(),
            kind,
            internal,
            crawlable: kind == LinkKind::Web,
            inline_handler: false,
            in_main: true,
            generic_text: false,
            target_status: None,
        });
        self
    }

    /// An image in the main content; `alt` `None` means no alt attribute, `Some("")` decorative.
    pub fn image(mut self, src: impl Into<String>, alt: Option<&str>) -> Self {
        let src = src.into();
        let src_abs = Some(self.absolute(&src));
        self.images.push(Image {
            src,
            src_abs,
            alt: alt.map(str::to_owned),
            decorative: false,
            aria_label: None,
            width: None,
            height: None,
            bytes: None,
            in_main: true,
            in_picture: false,
            in_link: false,
        });
        self
    }

    /// `n` words of main text in sentences of 15 words and paragraphs of 5 sentences, with counts, sentences,
    /// paragraphs and text statistics to match (replacing any earlier text).
    pub fn words(mut self, n: u32) -> Self {
        let words: Vec<(&str, u32)> = (0..n as usize)
            .map(|i| VOCABULARY[i % VOCABULARY.len()])
            .collect();
        self.sentences.clear();
        self.paragraphs.clear();
        let mut text = String::new();
        for (index, chunk) in words.chunks(WORDS_PER_SENTENCE as usize).enumerate() {
            let index = index as u32;
            let paragraph = index / SENTENCES_PER_PARAGRAPH;
            let mut sentence = chunk.iter().map(|w| w.0).collect::<Vec<_>>().join(" ");
            sentence.push('.');
            if !text.is_empty() {
                text.push_str(if index.is_multiple_of(SENTENCES_PER_PARAGRAPH) {
                    "\n\n"
                } else {
                    " "
                });
            }
            text.push_str(&sentence);
            if index.is_multiple_of(SENTENCES_PER_PARAGRAPH) {
                self.paragraphs.push(Paragraph {
                    words: 0,
                    first_sentence: index,
                    sentence_count: 0,
                });
            }
            let p = self.paragraphs.last_mut().expect("pushed above");
            p.words += chunk.len() as u32;
            p.sentence_count += 1;
            self.sentences.push(Sentence {
                first_word: chunk[0].0.to_owned(),
                text: sentence,
                words: chunk.len() as u32,
                paragraph: Some(paragraph),
                passive: Some(false),
                transition: Some(false),
            });
        }
        let syllables: u32 = words.iter().map(|w| w.1).sum();
        let sentences = self.sentences.len() as u32;
        let flesch = (n > 0).then(|| {
            206.835 - 1.015 * (n as f32 / sentences as f32) - 84.6 * (syllables as f32 / n as f32)
        });
        self.text_stats = TextStats {
            words: n,
            sentences,
            paragraphs: self.paragraphs.len() as u32,
            syllables,
            flesch,
        };
        self.info.word_count_main = n;
        self.info.word_count_all = n;
        self.info.char_count_main = text.chars().count() as u32;
        self.text = text;
        self
    }

    /// Turns the page into a synced WordPress post (content only): source `wordpress`, capability `wordpress`
    /// only, no HTTP facts.
    pub fn wordpress(mut self, post_id: impl Into<String>) -> Self {
        self.info.source = Source::Wordpress;
        self.info.capabilities = vec![Capability::Wordpress];
        self.http = None;
        self.wordpress = Some(WordpressInfo {
            post_id: post_id.into(),
            post_type: Some("page".into()),
            status: Some("publish".into()),
            page_builder: None,
            is_cornerstone: false,
            meta: Vec::new(),
        });
        self
    }

    /// A synced post meta entry (call after [`MockPage::wordpress`]).
    pub fn wordpress_meta(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        if let Some(wp) = &mut self.wordpress {
            wp.meta.push((key.into(), value.into()));
        }
        self
    }

    pub fn capability(mut self, capability: Capability) -> Self {
        if !self.info.capabilities.contains(&capability) {
            self.info.capabilities.push(capability);
        }
        self
    }

    pub fn without(mut self, capability: Capability) -> Self {
        self.info.capabilities.retain(|c| *c != capability);
        self
    }

    /// A focus keyphrase (adds the `keyphrase` capability).
    pub fn keyphrase(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.keyphrase = Some(Keyphrase {
            normalized: normalize(&text),
            words: content_words(&text),
            text,
        });
        self.capability(Capability::Keyphrase)
    }

    /// The final HTTP status (adds HTTP facts if the page had none).
    pub fn status(mut self, status: u16) -> Self {
        match &mut self.http {
            Some(http) => http.status = status,
            None => {
                self.http = MockPage::new(&self.info.requested_url).http;
                return self.status(status);
            }
        }
        self
    }

    /// A `<meta name="robots" content="noindex">`.
    pub fn noindex(mut self) -> Self {
        self.info.robots.noindex = true;
        self.info.robots.directives.push(RobotsDirective {
            user_agent: None,
            directive: "noindex".into(),
            source: RobotsSource::Meta,
        });
        self
    }

    pub fn canonical(mut self, url: impl Into<String>) -> Self {
        self.info.canonical = Some(url.into());
        self
    }

    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        let lang = lang.into();
        self.info.lang_declared = Some(lang.clone());
        self.info.lang = Some(lang);
        self
    }

    /// The raw HTML (`html()` and `info.html-bytes`).
    pub fn html(mut self, html: impl Into<String>) -> Self {
        self.html = html.into();
        self.info.html_bytes = u32::try_from(self.html.len()).unwrap_or(u32::MAX);
        self
    }

    /// A named fact, as JSON text.
    pub fn fact(mut self, name: impl Into<String>, json: impl Into<String>) -> Self {
        self.facts.insert(name.into(), json.into());
        self
    }

    fn absolute(&self, href: &str) -> String {
        let base = &self.info.final_url;
        if href.contains("://") {
            href.to_owned()
        } else if let Some(rest) = href.strip_prefix("//") {
            format!("{}://{rest}", base.scheme)
        } else if href.starts_with('/') {
            format!("{}://{}{href}", base.scheme, base.host)
        } else {
            let dir = base.path.rsplit_once('/').map_or("", |(d, _)| d);
            format!("{}://{}{dir}/{href}", base.scheme, base.host)
        }
    }
}

impl PageView for MockPage {
    fn info(&self) -> PageInfo {
        self.info.clone()
    }
    fn wordpress(&self) -> Option<WordpressInfo> {
        self.wordpress.clone()
    }
    fn keyphrase(&self) -> Option<Keyphrase> {
        self.keyphrase.clone()
    }
    fn http(&self) -> Option<HttpFacts> {
        self.http.clone()
    }
    fn head(&self) -> HeadData {
        self.head.clone()
    }
    fn json_ld(&self) -> Vec<JsonLdBlock> {
        self.json_ld.clone()
    }
    fn headings(&self) -> Vec<Heading> {
        self.headings.clone()
    }
    fn links(&self) -> Vec<Link> {
        self.links.clone()
    }
    fn images(&self) -> Vec<Image> {
        self.images.clone()
    }
    fn resources(&self) -> Vec<Subresource> {
        self.resources.clone()
    }
    fn forms(&self) -> Vec<Form> {
        self.forms.clone()
    }
    fn paragraphs(&self) -> Vec<Paragraph> {
        self.paragraphs.clone()
    }
    fn sentences(&self) -> Vec<Sentence> {
        self.sentences.clone()
    }
    fn text_stats(&self) -> TextStats {
        self.text_stats
    }
    fn text(&self, max_bytes: u32) -> String {
        cut(self.text.clone(), max_bytes as usize)
    }
    fn html(&self, max_bytes: u32) -> String {
        cut(self.html.clone(), max_bytes as usize)
    }
    fn fact(&self, name: &str) -> Option<String> {
        self.facts.get(name).cloned()
    }
    fn normalize(&self, text: &str) -> String {
        normalize(text)
    }
    fn content_words(&self, text: &str) -> Vec<String> {
        content_words(text)
    }
    fn text_width_px(&self, text: &str, font_size_px: u8) -> u32 {
        width_px(text, font_size_px)
    }
}

fn normalize(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn content_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// Arial advance widths in em, by character class.
fn width_px(text: &str, font_size_px: u8) -> u32 {
    let em: f32 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.23,
            ' ' | 'f' | 't' | 'r' | '-' | '(' | ')' => 0.31,
            'm' | 'w' | 'M' | 'W' => 0.83,
            c if c.is_uppercase() => 0.68,
            _ => 0.55,
        })
        .sum();
    (em * f32::from(font_size_px)).round() as u32
}

fn link_kind(href: &str) -> LinkKind {
    let lower = href.trim().to_ascii_lowercase();
    if lower.starts_with('#') {
        LinkKind::Fragment
    } else if lower.starts_with("mailto:") {
        LinkKind::Mailto
    } else if lower.starts_with("tel:") {
        LinkKind::Tel
    } else if lower.starts_with("javascript:") {
        LinkKind::Javascript
    } else if lower.starts_with("http://") || lower.starts_with("https://") || !lower.contains(':')
    {
        LinkKind::Web
    } else {
        LinkKind::Other
    }
}

/// Splits an absolute URL without a URL library (the SDK keeps its dependencies to the three of §3.1).
fn url_parts(url: &str) -> UrlParts {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (rest, _fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q.to_owned())),
        None => (rest, None),
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_owned()),
        None => (rest, "/".to_owned()),
    };
    let slug = path
        .split('/')
        .rfind(|s| !s.is_empty())
        .unwrap_or("")
        .to_owned();
    UrlParts {
        url: url.to_owned(),
        scheme: scheme.to_ascii_lowercase(),
        host: host.to_ascii_lowercase(),
        path,
        query,
        slug,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts_split() {
        let p = url_parts("https://Example.test/blog/my-post/?a=1#x");
        assert_eq!(p.host, "example.test");
        assert_eq!(p.path, "/blog/my-post/");
        assert_eq!(p.query.as_deref(), Some("a=1"));
        assert_eq!(p.slug, "my-post");
    }

    #[test]
    fn words_build_consistent_text() {
        let page = MockPage::new("https://example.test/").words(80);
        assert_eq!(page.text.split_whitespace().count(), 80);
        assert_eq!(page.text_stats.sentences, 6);
        assert_eq!(page.text_stats.paragraphs, 2);
        assert_eq!(page.sentences.iter().map(|s| s.words).sum::<u32>(), 80);
    }

    #[test]
    fn snapshot_round_trips_and_defaults_missing_keys() {
        let page = MockPage::new("https://example.test/a")
            .title("Hello")
            .link("/b", "B")
            .image("x.png", None);
        let back = MockPage::from_json(&page.to_json()).unwrap();
        assert_eq!(back, page);
        let partial = MockPage::from_json(r#"{"text": "hi"}"#).unwrap();
        assert_eq!(partial.text, "hi");
        assert!(partial.links.is_empty());
    }

    #[test]
    fn links_are_classified() {
        let page = MockPage::new("https://example.test/a/b")
            .link("/x", "x")
            .link("https://other.test/", "o")
            .link("mailto:a@b", "m");
        assert!(page.links[0].internal);
        assert_eq!(
            page.links[0].href_abs.as_deref(),
            Some("https://example.test/x")
        );
        assert!(!page.links[1].internal);
        assert_eq!(page.links[2].kind, LinkKind::Mailto);
    }
}
