//! `PageView`: the read-only page every extension call receives. The wasm page resource and
//! `testing::MockPage` both implement it, so the same `evaluate` runs in the component and in native tests.

use crate::types::*;

/// One method per getter of the WIT `page` resource (extensions.md §2.2). Each call crosses the component
/// boundary and copies its data, so call each getter once per evaluation and keep the result.
pub trait PageView {
    fn info(&self) -> PageInfo;
    fn wordpress(&self) -> Option<WordpressInfo>;
    fn keyphrase(&self) -> Option<Keyphrase>;
    fn http(&self) -> Option<HttpFacts>;
    fn head(&self) -> HeadData;
    fn json_ld(&self) -> Vec<JsonLdBlock>;
    fn headings(&self) -> Vec<Heading>;
    fn links(&self) -> Vec<Link>;
    fn images(&self) -> Vec<Image>;
    fn resources(&self) -> Vec<Subresource>;
    fn forms(&self) -> Vec<Form>;
    fn paragraphs(&self) -> Vec<Paragraph>;
    fn sentences(&self) -> Vec<Sentence>;
    fn text_stats(&self) -> TextStats;
    fn text(&self, max_bytes: u32) -> String;
    fn html(&self, max_bytes: u32) -> String;
    fn fact(&self, name: &str) -> Option<String>;
    fn normalize(&self, text: &str) -> String;
    fn content_words(&self, text: &str) -> Vec<String>;
    fn text_width_px(&self, text: &str, font_size_px: u8) -> u32;
    fn has(&self, capability: Capability) -> bool {
        self.info().capabilities.contains(&capability)
    }
}

/// The host resource: every method is a plain forward to the generated import.
impl PageView for Page {
    fn info(&self) -> PageInfo {
        Page::info(self)
    }
    fn wordpress(&self) -> Option<WordpressInfo> {
        Page::wordpress(self)
    }
    fn keyphrase(&self) -> Option<Keyphrase> {
        Page::keyphrase(self)
    }
    fn http(&self) -> Option<HttpFacts> {
        Page::http(self)
    }
    fn head(&self) -> HeadData {
        Page::head(self)
    }
    fn json_ld(&self) -> Vec<JsonLdBlock> {
        Page::json_ld(self)
    }
    fn headings(&self) -> Vec<Heading> {
        Page::headings(self)
    }
    fn links(&self) -> Vec<Link> {
        Page::links(self)
    }
    fn images(&self) -> Vec<Image> {
        Page::images(self)
    }
    fn resources(&self) -> Vec<Subresource> {
        Page::resources(self)
    }
    fn forms(&self) -> Vec<Form> {
        Page::forms(self)
    }
    fn paragraphs(&self) -> Vec<Paragraph> {
        Page::paragraphs(self)
    }
    fn sentences(&self) -> Vec<Sentence> {
        Page::sentences(self)
    }
    fn text_stats(&self) -> TextStats {
        Page::text_stats(self)
    }
    fn text(&self, max_bytes: u32) -> String {
        Page::text(self, max_bytes)
    }
    fn html(&self, max_bytes: u32) -> String {
        Page::html(self, max_bytes)
    }
    fn fact(&self, name: &str) -> Option<String> {
        Page::fact(self, name)
    }
    fn normalize(&self, text: &str) -> String {
        Page::normalize(self, text)
    }
    fn content_words(&self, text: &str) -> Vec<String> {
        Page::content_words(self, text)
    }
    fn text_width_px(&self, text: &str, font_size_px: u8) -> u32 {
        Page::text_width_px(self, text, font_size_px)
    }
}
