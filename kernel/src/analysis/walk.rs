//! One iterative pass over the parsed document in document order, collecting the head elements, the text
//! blocks of the main region, and the headings, links, images, subresources and forms of section 4.1.
//!
//! The walk keeps a frame per open element recording which counters that element raised, so leaving it
//! undoes exactly that: no recursion, and no recomputation that could disagree with the way in.

use super::MAX_ITEMS;
use super::blocks::{BlockKind, TextAcc};
use super::collect::OpenLink;
use super::model::{Form, Head, Heading, Image, JsonLd, Link, Resource};
use super::text::{collapse, push_collapsed, trim_end_in_place};
use super::urls::UrlContext;
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use html5ever::{LocalName, local_name, ns};
use scraper::node::Element;
use scraper::{Html, Node};

mod elements;

// Element classes compare interned names (`LocalName` atoms), which is cheaper than string comparison on
// every element of large pages.

/// Elements that start and end a text block (section 4.1).
fn is_block(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("caption")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("header")
            | local_name!("hr")
            | local_name!("li")
            | local_name!("main")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("pre")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("tr")
            | local_name!("ul")
    )
}

/// Elements whose content is not rendered text (section 4.1), plus `title`, which never shows in the page.
fn is_non_rendered(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("audio")
            | local_name!("canvas")
            | local_name!("embed")
            | local_name!("iframe")
            | local_name!("noscript")
            | local_name!("object")
            | local_name!("script")
            | local_name!("select")
            | local_name!("style")
            | local_name!("svg")
            | local_name!("template")
            | local_name!("textarea")
            | local_name!("title")
            | local_name!("video")
    )
}

/// Subtrees of the region left out of main text, links and images.
fn is_excluded_element(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("aside")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("header")
            | local_name!("nav")
    )
}

const EXCLUDED_ROLES: &[&str] = &[
    "banner",
    "complementary",
    "contentinfo",
    "navigation",
    "search",
];

const HEAD: u16 = 1;
const BODY: u16 = 1 << 1;
const REGION: u16 = 1 << 2;
const EXCLUDED: u16 = 1 << 3;
const HIDDEN: u16 = 1 << 4;
const SVG: u16 = 1 << 5;
const TEMPLATE: u16 = 1 << 6;
const PICTURE: u16 = 1 << 7;
const BLOCK: u16 = 1 << 8;
const HEADING: u16 = 1 << 9;
const LINK: u16 = 1 << 10;

/// Everything the walk collects.
#[derive(Default)]
pub(super) struct Collected {
    pub head: Head,
    pub json_ld: Vec<JsonLd>,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub images: Vec<Image>,
    pub resources: Vec<Resource>,
    pub forms: Vec<Form>,
    pub text: TextAcc,
    pub element_count: u32,
    pub totals: super::model::Totals,
}

struct OpenHeading {
    level: u8,
    text: String,
    in_main: bool,
    word_offset: Option<u32>,
}

pub(super) struct Walker<'a> {
    urls: &'a UrlContext<'a>,
    language: Option<&'a str>,
    region: Option<NodeId>,
    out: Collected,
    frames: Vec<u16>,
    in_head: u32,
    in_body: u32,
    in_region: u32,
    excluded: u32,
    hidden: u32,
    in_svg: u32,
    in_template: u32,
    in_picture: u32,
    blocks: Vec<BlockKind>,
    buf: String,
    headings: Vec<OpenHeading>,
    links: Vec<OpenLink>,
}

impl<'a> Walker<'a> {
    pub fn new(
        urls: &'a UrlContext<'a>,
        language: Option<&'a str>,
        region: Option<NodeId>,
    ) -> Self {
        Walker {
            urls,
            language,
            region,
            out: Collected::default(),
            frames: Vec::new(),
            in_head: 0,
            in_body: 0,
            in_region: 0,
            excluded: 0,
            hidden: 0,
            in_svg: 0,
            in_template: 0,
            in_picture: 0,
            blocks: Vec::new(),
            buf: String::new(),
            headings: Vec::new(),
            links: Vec::new(),
        }
    }

    pub fn run(mut self, html: &Html) -> Collected {
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(node) => match node.value() {
                    Node::Element(el) => self.open(node.id(), el, node),
                    Node::Text(text) => self.text(text),
                    _ => {}
                },
                Edge::Close(node) => {
                    if node.value().is_element() {
                        self.close();
                    }
                }
            }
        }
        self.out
    }

    /// Text visible in the body region (not in an excluded subtree, not inside a non-rendered element).
    fn region_visible(&self) -> bool {
        self.in_region > 0 && self.excluded == 0 && self.hidden == 0 && self.in_template == 0
    }

    fn open(&mut self, id: NodeId, el: &Element, node: ego_tree::NodeRef<'_, Node>) {
        let mut frame = 0u16;
        if self.in_template > 0 {
            self.frames.push(frame);
            return;
        }
        self.out.element_count = self.out.element_count.saturating_add(1);
        let name = el.name();
        let html_ns = el.name.ns == ns!(html);
        match name {
            "head" if html_ns => frame |= HEAD,
            "body" if html_ns => frame |= BODY,
            _ => {}
        }
        if Some(id) == self.region {
            frame |= REGION;
            self.in_region += 1;
        }
        let visible_html = html_ns && self.in_svg == 0 && self.hidden == 0;
        if visible_html && self.region_visible() && is_block(&el.name.local) {
            self.flush_block();
            self.blocks.push(match name {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
                "p" => BlockKind::Paragraph,
                _ => BlockKind::Prose,
            });
            frame |= BLOCK;
        }
        if self.in_region > 0 && Some(id) != self.region && is_excluded(el) {
            frame |= EXCLUDED;
        }
        if is_non_rendered(&el.name.local) {
            frame |= HIDDEN;
        }
        match name {
            "svg" => frame |= SVG,
            "template" => frame |= TEMPLATE,
            "picture" => frame |= PICTURE,
            _ => {}
        }
        self.apply(frame, true);
        if el
            .attrs()
            .any(|(k, _)| matches!(k, "itemscope" | "itemtype"))
        {
            self.out.head.has_microdata = true;
        }
        if el.attrs().any(|(k, _)| matches!(k, "typeof" | "vocab")) {
            self.out.head.has_rdfa = true;
        }
        if html_ns && self.in_svg == 0 && (frame & TEMPLATE) == 0 {
            frame |= self.element(el, name, node);
        }
        self.frames.push(frame);
    }

    fn close(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if frame & HEADING != 0
            && let Some(h) = self.headings.pop()
        {
            let mut text = h.text;
            trim_end_in_place(&mut text);
            self.out.totals.headings += 1;
            if self.out.headings.len() < MAX_ITEMS {
                let heading = Heading {
                    level: h.level,
                    text,
                    in_main: h.in_main,
                    word_offset: h.word_offset,
                };
                self.out.headings.push(heading);
            }
        }
        if frame & LINK != 0
            && let Some(open) = self.links.pop()
        {
            self.out.totals.links += 1;
            if self.out.links.len() < MAX_ITEMS {
                self.out.links.push(open.finish(self.urls, self.language));
            }
        }
        self.apply(frame, false);
        if frame & BLOCK != 0 {
            self.flush_block();
            self.blocks.pop();
        }
        if frame & REGION != 0 {
            self.flush_block();
            self.in_region -= 1;
        }
    }

    /// Raises (`enter`) or lowers the counters a frame names; region and block are handled by the caller.
    fn apply(&mut self, frame: u16, enter: bool) {
        let counters: [(u16, &mut u32); 7] = [
            (HEAD, &mut self.in_head),
            (BODY, &mut self.in_body),
            (EXCLUDED, &mut self.excluded),
            (HIDDEN, &mut self.hidden),
            (SVG, &mut self.in_svg),
            (TEMPLATE, &mut self.in_template),
            (PICTURE, &mut self.in_picture),
        ];
        for (flag, counter) in counters {
            if frame & flag != 0 {
                *counter = if enter {
                    counter.saturating_add(1)
                } else {
                    counter.saturating_sub(1)
                };
            }
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_template > 0 || self.hidden > 0 || self.in_svg > 0 || self.in_head > 0 {
            return;
        }
        if self.region_visible() {
            self.buf.push_str(text);
        }
        for h in &mut self.headings {
            push_collapsed(&mut h.text, text);
        }
        for l in &mut self.links {
            l.text.push_str(text);
        }
    }

    /// Ends the current block: its text belongs to the innermost open block element (prose when none).
    fn flush_block(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let kind = self.blocks.last().copied().unwrap_or(BlockKind::Prose);
        let collapsed = collapse(&self.buf);
        self.buf.clear();
        self.out.text.push_block(kind, &collapsed);
    }
}

fn is_excluded(el: &Element) -> bool {
    if el.name.ns == ns!(html) && is_excluded_element(&el.name.local) {
        return true;
    }
    el.attr("role").is_some_and(|role| {
        role.split_whitespace().any(|r| {
            EXCLUDED_ROLES
                .binary_search(&r.to_ascii_lowercase().as_str())
                .is_ok()
        })
    })
}

/// The concatenated text children of an element (`<title>` and `<script>` hold only text).
fn child_text(node: ego_tree::NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    for child in node.children() {
        if let Node::Text(t) = child.value() {
            out.push_str(t);
        }
    }
    out
}
