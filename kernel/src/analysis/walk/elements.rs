//! What individual elements contribute while the walk passes them: head elements, JSON-LD, forms and
//! subresources anywhere in the document, and headings, links, images and line breaks in the body.

use super::super::collect::{self, OpenLink};
use super::super::model::{Alt, TitleElement};
use super::super::text::{collapse, push_collapsed};
use super::super::{MAX_HEAD_ITEMS, MAX_ITEMS};
use super::{HEADING, LINK, OpenHeading, Walker, child_text};
use scraper::Node;
use scraper::node::Element;

impl Walker<'_> {
    /// Element-specific collection; returns the frame flags for headings and links it opened.
    pub(super) fn element(
        &mut self,
        el: &Element,
        name: &str,
        node: ego_tree::NodeRef<'_, Node>,
    ) -> u16 {
        let in_head = self.in_head > 0;
        let mut resources = Vec::new();
        collect::resources(el, name, self.urls, &mut |r| resources.push(r));
        for r in resources {
            self.out.totals.resources += 1;
            if self.out.resources.len() < MAX_ITEMS {
                self.out.resources.push(r);
            }
        }
        match name {
            "title" => {
                self.out.totals.titles += 1;
                if self.out.head.titles.len() < MAX_HEAD_ITEMS {
                    let text = collapse(&child_text(node));
                    self.out.head.titles.push(TitleElement { text, in_head });
                }
            }
            "meta" => {
                let meta = collect::meta(el, in_head);
                if meta.name.as_deref() == Some("viewport") && self.out.head.viewport.is_none() {
                    self.out.head.viewport = Some(meta.content.clone().unwrap_or_default());
                }
                self.out.totals.metas += 1;
                if self.out.head.metas.len() < MAX_HEAD_ITEMS {
                    self.out.head.metas.push(meta);
                }
            }
            "link" => {
                let link = collect::link_element(el, self.urls, in_head);
                if in_head {
                    let head = &mut self.out.head;
                    if let Some(c) = collect::canonical(&link, self.urls)
                        .filter(|_| head.canonicals.len() < MAX_HEAD_ITEMS)
                    {
                        head.canonicals.push(c);
                    }
                    if let Some(h) =
                        collect::hreflang(&link).filter(|_| head.hreflang.len() < MAX_HEAD_ITEMS)
                    {
                        head.hreflang.push(h);
                    }
                }
                self.out.totals.head_links += 1;
                if self.out.head.links.len() < MAX_HEAD_ITEMS {
                    self.out.head.links.push(link);
                }
            }
            "script" if collect::is_json_ld(el) => {
                self.out.totals.json_ld += 1;
                if self.out.json_ld.len() < MAX_HEAD_ITEMS {
                    self.out.json_ld.push(collect::json_ld(&child_text(node)));
                }
            }
            "form" => {
                self.out.totals.forms += 1;
                if self.out.forms.len() < MAX_ITEMS {
                    self.out.forms.push(collect::form(el, self.urls));
                }
            }
            _ => {}
        }
        if self.in_body == 0 {
            return 0;
        }
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name.as_bytes()[1] - b'0';
                let in_main = self.in_region > 0 && self.excluded == 0;
                let word_offset = in_main.then_some(self.out.text.non_heading_words);
                self.headings.push(OpenHeading {
                    level,
                    text: String::new(),
                    in_main,
                    word_offset,
                });
                HEADING
            }
            "a" => {
                self.links
                    .push(OpenLink::new(el, self.in_region > 0 && self.excluded == 0));
                LINK
            }
            "img" => {
                let in_main = self.in_region > 0 && self.excluded == 0;
                let image = collect::image(
                    el,
                    self.urls,
                    in_main,
                    self.in_picture > 0,
                    !self.links.is_empty(),
                );
                if let Alt::Text(alt) = &image.alt {
                    for h in &mut self.headings {
                        push_collapsed(&mut h.text, &format!(" {alt} "));
                    }
                    for l in &mut self.links {
                        l.alts.push(' ');
                        l.alts.push_str(alt);
                    }
                }
                self.out.totals.images += 1;
                if self.out.images.len() < MAX_ITEMS {
                    self.out.images.push(image);
                }
                0
            }
            "br" => {
                if self.region_visible() {
                    self.buf.push(' ');
                }
                for h in &mut self.headings {
                    push_collapsed(&mut h.text, " ");
                }
                for l in &mut self.links {
                    l.text.push(' ');
                }
                0
            }
            _ => 0,
        }
    }
}
