//! Per-page memo of the host getters: each getter crosses the component boundary (and copies its data) at most
//! once per evaluation, however many checks read it.

use siloq_sdk::prelude::*;
use std::cell::OnceCell;

pub struct Ctx<'a, P: PageView> {
    pub page: &'a P,
    info: PageInfo,
    wordpress: OnceCell<Option<WordpressInfo>>,
    keyphrase: OnceCell<Option<Keyphrase>>,
    http: OnceCell<Option<HttpFacts>>,
    head: OnceCell<HeadData>,
    json_ld: OnceCell<Vec<JsonLdBlock>>,
    headings: OnceCell<Vec<Heading>>,
    links: OnceCell<Vec<Link>>,
    images: OnceCell<Vec<Image>>,
    resources: OnceCell<Vec<Subresource>>,
    forms: OnceCell<Vec<Form>>,
    paragraphs: OnceCell<Vec<Paragraph>>,
    sentences: OnceCell<Vec<Sentence>>,
    text_stats: OnceCell<TextStats>,
    flags: OnceCell<Option<Vec<String>>>,
}

impl<'a, P: PageView> Ctx<'a, P> {
    pub fn new(page: &'a P) -> Self {
        Ctx {
            info: page.info(),
            page,
            wordpress: OnceCell::new(),
            keyphrase: OnceCell::new(),
            http: OnceCell::new(),
            head: OnceCell::new(),
            json_ld: OnceCell::new(),
            headings: OnceCell::new(),
            links: OnceCell::new(),
            images: OnceCell::new(),
            resources: OnceCell::new(),
            forms: OnceCell::new(),
            paragraphs: OnceCell::new(),
            sentences: OnceCell::new(),
            text_stats: OnceCell::new(),
            flags: OnceCell::new(),
        }
    }

    pub fn info(&self) -> &PageInfo {
        &self.info
    }

    pub fn has(&self, capability: Capability) -> bool {
        self.info.capabilities.contains(&capability)
    }

    /// A page fetched by the scanner (full document), as opposed to a WordPress content-only sync.
    pub fn is_scan(&self) -> bool {
        self.has(Capability::FullDocument)
    }

    pub fn wordpress(&self) -> Option<&WordpressInfo> {
        self.wordpress
            .get_or_init(|| self.page.wordpress())
            .as_ref()
    }

    pub fn keyphrase(&self) -> Option<&Keyphrase> {
        self.keyphrase
            .get_or_init(|| self.page.keyphrase())
            .as_ref()
    }

    pub fn http(&self) -> Option<&HttpFacts> {
        self.http.get_or_init(|| self.page.http()).as_ref()
    }

    pub fn head(&self) -> &HeadData {
        self.head.get_or_init(|| self.page.head())
    }

    pub fn json_ld(&self) -> &[JsonLdBlock] {
        self.json_ld.get_or_init(|| self.page.json_ld())
    }

    pub fn headings(&self) -> &[Heading] {
        self.headings.get_or_init(|| self.page.headings())
    }

    pub fn links(&self) -> &[Link] {
        self.links.get_or_init(|| self.page.links())
    }

    pub fn images(&self) -> &[Image] {
        self.images.get_or_init(|| self.page.images())
    }

    pub fn resources(&self) -> &[Subresource] {
        self.resources.get_or_init(|| self.page.resources())
    }

    pub fn forms(&self) -> &[Form] {
        self.forms.get_or_init(|| self.page.forms())
    }

    pub fn paragraphs(&self) -> &[Paragraph] {
        self.paragraphs.get_or_init(|| self.page.paragraphs())
    }

    pub fn sentences(&self) -> &[Sentence] {
        self.sentences.get_or_init(|| self.page.sentences())
    }

    pub fn text_stats(&self) -> &TextStats {
        self.text_stats.get_or_init(|| self.page.text_stats())
    }

    /// A capability flag of seo-rules.md 1.4 by its name there (`text`, `markup`, `headings`, `links`,
    /// `images`, `title`, `description`, ...). The WIT enum only has the coarse flags; the kernel serves the
    /// fine ones as the fact `analysis.capabilities`. Without that fact a scanned page has every document flag
    /// and a WordPress page every body flag.
    pub fn flag(&self, name: &str) -> bool {
        let listed = self.flags.get_or_init(|| {
            let json = self.page.fact("analysis.capabilities")?;
            serde_json::from_str::<Vec<String>>(&json).ok()
        });
        match listed {
            Some(names) => names.iter().any(|n| n == name),
            None => match name {
                "document" | "robots" => self.is_scan(),
                "http" => self.has(Capability::Http),
                "link_checks" => self.has(Capability::LinkStatus),
                "keyphrase" => self.has(Capability::Keyphrase),
                "markup" | "text" | "headings" | "links" | "images" | "title" => true,
                "description" => self.is_scan() || self.info.meta_description.is_some(),
                _ => false,
            },
        }
    }
}
