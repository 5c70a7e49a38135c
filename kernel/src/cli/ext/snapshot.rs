//! Page snapshots (extensions.md §3.7): the prepared page in the format `siloq_sdk::testing::MockPage::from_json`
//! reads, and back.
//!
//! The SDK's format is the serde form of its generated binding types: one key per page getter, Rust field
//! names, enum cases as Rust names (`"FullDocument"`), `option` as `null` or the value, `tuple` as an array. The
//! kernel never depends on the SDK, and its own (wasmtime) binding types have no serde derives, so this module
//! mirrors each WIT record and enum of the `document` interface with a serde type of the same shape. The
//! conversions destructure and build every record field by field: a field added to the WIT fails to compile
//! here until the snapshot carries it too.

use crate::analysis::Mode;
use crate::extensions::PreparedPage;
use crate::extensions::wit::v1_0_0::{document as d, types as t};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A serde mirror of a kernel binding type.
trait Mirror: Sized {
    type Kernel;
    fn from_kernel(k: &Self::Kernel) -> Self;
    fn into_kernel(self) -> Self::Kernel;
}

macro_rules! same {
    ($($t:ty),* $(,)?) => {$(
        impl Mirror for $t {
            type Kernel = $t;
            fn from_kernel(k: &$t) -> Self {
                k.clone()
            }
            fn into_kernel(self) -> $t {
                self
            }
        }
    )*};
}

same!(String, bool, u8, u16, u32, i64, f32);

impl<T: Mirror> Mirror for Option<T> {
    type Kernel = Option<T::Kernel>;
    fn from_kernel(k: &Self::Kernel) -> Self {
        k.as_ref().map(T::from_kernel)
    }
    fn into_kernel(self) -> Self::Kernel {
        self.map(T::into_kernel)
    }
}

impl<T: Mirror> Mirror for Vec<T> {
    type Kernel = Vec<T::Kernel>;
    fn from_kernel(k: &Self::Kernel) -> Self {
        k.iter().map(T::from_kernel).collect()
    }
    fn into_kernel(self) -> Self::Kernel {
        self.into_iter().map(T::into_kernel).collect()
    }
}

impl<A: Mirror, B: Mirror> Mirror for (A, B) {
    type Kernel = (A::Kernel, B::Kernel);
    fn from_kernel(k: &Self::Kernel) -> Self {
        (A::from_kernel(&k.0), B::from_kernel(&k.1))
    }
    fn into_kernel(self) -> Self::Kernel {
        (self.0.into_kernel(), self.1.into_kernel())
    }
}

/// A WIT record: a serde struct with the same fields, converted field by field.
macro_rules! record {
    ($name:ident = $m:ident :: $k:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, Clone, Serialize, Deserialize)]
        struct $name {
            $($field: $ty),*
        }

        impl Mirror for $name {
            type Kernel = $m::$k;
            fn from_kernel(k: &$m::$k) -> Self {
                let $m::$k { $($field),* } = k;
                $name { $($field: Mirror::from_kernel($field)),* }
            }
            fn into_kernel(self) -> $m::$k {
                $m::$k { $($field: self.$field.into_kernel()),* }
            }
        }
    };
}

/// A WIT enum: a serde enum with the same cases.
macro_rules! enumeration {
    ($name:ident = $m:ident :: $k:ident { $($case:ident),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, Serialize, Deserialize)]
        enum $name {
            $($case),*
        }

        impl Mirror for $name {
            type Kernel = $m::$k;
            fn from_kernel(k: &$m::$k) -> Self {
                match k {
                    $($m::$k::$case => $name::$case),*
                }
            }
            fn into_kernel(self) -> $m::$k {
                match self {
                    $($name::$case => $m::$k::$case),*
                }
            }
        }
    };
}

enumeration!(
    Capability = t::Capability {
        FullDocument,
        Http,
        Timing,
        Resources,
        LinkStatus,
        Keyphrase,
        Wordpress,
    }
);
enumeration!(Source = d::Source { Wordpress, Scan });
enumeration!(
    MainSource = d::MainSource {
        MainElement,
        Article,
        RoleMain,
        Density,
        WordpressContent,
        WholeDocument,
    }
);
enumeration!(Location = d::Location { Head, Body });
enumeration!(
    RobotsSource = d::RobotsSource {
        Meta,
        XRobotsTag,
        Wordpress
    }
);
enumeration!(
    LinkKind = d::LinkKind {
        Web,
        Fragment,
        Mailto,
        Tel,
        Javascript,
        Other
    }
);
enumeration!(
    ResourceKind = d::ResourceKind {
        Script,
        Style,
        Image,
        Iframe,
        Media,
        Font,
        Other
    }
);

record!(UrlParts = d::UrlParts {
    url: String, scheme: String, host: String, path: String, query: Option<String>, slug: String,
});
record!(RobotsDirective = d::RobotsDirective {
    user_agent: Option<String>, directive: String, source: RobotsSource,
});
record!(Robots = d::Robots { noindex: bool, nofollow: bool, directives: Vec<RobotsDirective> });
record!(PageInfo = d::PageInfo {
    page_id: Option<i64>,
    site_id: Option<i64>,
    source: Source,
    capabilities: Vec<Capability>,
    requested_url: String,
    final_url: UrlParts,
    is_homepage: bool,
    lang_declared: Option<String>,
    lang: Option<String>,
    seo_title: Option<String>,
    seo_title_width_px: u32,
    title_template_leftovers: Vec<String>,
    meta_description: Option<String>,
    canonical: Option<String>,
    robots: Robots,
    main_source: MainSource,
    word_count_main: u32,
    word_count_all: u32,
    char_count_main: u32,
    element_count: u32,
    html_bytes: u32,
    inline_script_bytes: u32,
    pictures_without_img: u32,
    truncated: Vec<String>,
});
record!(WordpressInfo = d::WordpressInfo {
    post_id: String,
    post_type: Option<String>,
    status: Option<String>,
    page_builder: Option<String>,
    is_cornerstone: bool,
    meta: Vec<(String, String)>,
});
record!(Keyphrase = d::Keyphrase { text: String, normalized: String, words: Vec<String> });
record!(
    Header = d::Header {
        name: String,
        value: String
    }
);
record!(RedirectHop = d::RedirectHop { url: String, status: u16, location: Option<String> });
record!(HttpFacts = d::HttpFacts {
    status: u16,
    headers: Vec<Header>,
    content_type: Option<String>,
    charset: Option<String>,
    content_encoding: Option<String>,
    redirects: Vec<RedirectHop>,
    ttfb_ms: Option<u32>,
    download_ms: Option<u32>,
    bytes_raw: u32,
    bytes_transferred: Option<u32>,
    timed_out: bool,
    error: Option<String>,
});
record!(
    TitleTag = d::TitleTag {
        text: String,
        location: Location
    }
);
record!(MetaTag = d::MetaTag {
    name: Option<String>, property: Option<String>, http_equiv: Option<String>, content: String, location: Location,
});
record!(LinkTag = d::LinkTag {
    rel: String, href: String, href_abs: Option<String>, hreflang: Option<String>, location: Location,
});
record!(HeadData = d::HeadData {
    titles: Vec<TitleTag>, metas: Vec<MetaTag>, links: Vec<LinkTag>, viewport: Option<String>, charset: Option<String>,
});
record!(JsonLdBlock = d::JsonLdBlock { raw: String, types: Vec<String>, error: Option<String> });
record!(
    Heading = d::Heading {
        level: u8,
        text: String,
        in_main: bool,
        word_offset: u32
    }
);
record!(Link = d::Link {
    href: String,
    href_abs: Option<String>,
    text: String,
    accessible_name: String,
    rel: Vec<String>,
    kind: LinkKind,
    internal: bool,
    crawlable: bool,
    inline_handler: bool,
    in_main: bool,
    generic_text: bool,
    target_status: Option<u16>,
});
record!(Image = d::Image {
    src: String,
    src_abs: Option<String>,
    alt: Option<String>,
    decorative: bool,
    aria_label: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    bytes: Option<u32>,
    in_main: bool,
    in_picture: bool,
    in_link: bool,
});
record!(Subresource = d::Subresource { url: String, kind: ResourceKind, insecure: bool, bytes: Option<u32> });
record!(
    Form = d::Form {
        action: String,
        method: String
    }
);
record!(
    Paragraph = d::Paragraph {
        words: u32,
        first_sentence: u32,
        sentence_count: u32
    }
);
record!(Sentence = d::Sentence {
    text: String,
    words: u32,
    first_word: String,
    paragraph: Option<u32>,
    passive: Option<bool>,
    transition: Option<bool>,
});
record!(TextStats = d::TextStats { words: u32, sentences: u32, paragraphs: u32, syllables: u32, flesch: Option<f32> });

/// The snapshot: one key per getter of the `page` resource, as `MockPage` serializes itself. Reading, only
/// `info` is required; a missing list is empty.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Snapshot {
    info: PageInfo,
    #[serde(default)]
    wordpress: Option<WordpressInfo>,
    #[serde(default)]
    keyphrase: Option<Keyphrase>,
    #[serde(default)]
    http: Option<HttpFacts>,
    #[serde(default)]
    head: Option<HeadData>,
    #[serde(default)]
    json_ld: Vec<JsonLdBlock>,
    #[serde(default)]
    headings: Vec<Heading>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    images: Vec<Image>,
    #[serde(default)]
    resources: Vec<Subresource>,
    #[serde(default)]
    forms: Vec<Form>,
    #[serde(default)]
    paragraphs: Vec<Paragraph>,
    #[serde(default)]
    sentences: Vec<Sentence>,
    #[serde(default)]
    text_stats: Option<TextStats>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    html: String,
    #[serde(default)]
    facts: BTreeMap<String, String>,
}

/// The snapshot of a prepared page, pretty-printed JSON.
pub(super) fn to_json(page: &PreparedPage) -> String {
    let snapshot = Snapshot {
        info: Mirror::from_kernel(&page.info),
        wordpress: Mirror::from_kernel(&page.wordpress),
        keyphrase: Mirror::from_kernel(&page.keyphrase),
        http: Mirror::from_kernel(&page.http),
        head: Some(Mirror::from_kernel(&page.head)),
        json_ld: Mirror::from_kernel(&page.json_ld),
        headings: Mirror::from_kernel(&page.headings),
        links: Mirror::from_kernel(&page.links),
        images: Mirror::from_kernel(&page.images),
        resources: Mirror::from_kernel(&page.resources),
        forms: Mirror::from_kernel(&page.forms),
        paragraphs: Mirror::from_kernel(&page.paragraphs),
        sentences: Mirror::from_kernel(&page.sentences),
        text_stats: Some(Mirror::from_kernel(&page.text_stats)),
        text: page.text.clone(),
        html: page.html.clone(),
        facts: page
            .facts
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect(),
    };
    serde_json::to_string_pretty(&snapshot).expect("a snapshot always serializes")
}

/// A prepared page from a snapshot. Facts the kernel does not know are dropped (their names are returned).
pub(super) fn from_json(json: &str) -> Result<(PreparedPage, Vec<String>), serde_json::Error> {
    let s: Snapshot = serde_json::from_str(json)?;
    let info: d::PageInfo = s.info.into_kernel();
    // Fact names are static in the kernel; a blank page lists every one it knows.
    let blank = PreparedPage::from_html("https://example.test/", "");
    let mut facts = BTreeMap::new();
    let mut unknown = Vec::new();
    for (name, value) in s.facts {
        match blank.facts.keys().find(|k| **k == name) {
            Some(known) => {
                facts.insert(*known, value);
            }
            None => unknown.push(name),
        }
    }
    let mode = match info.source {
        d::Source::Scan => Mode::Scan,
        d::Source::Wordpress => Mode::WordPress,
    };
    let page = PreparedPage {
        mode,
        capabilities: info.capabilities.clone(),
        language: info.lang.clone(),
        wordpress: s.wordpress.into_kernel(),
        keyphrase: s.keyphrase.into_kernel(),
        http: s.http.into_kernel(),
        head: s.head.map_or_else(
            || d::HeadData {
                titles: Vec::new(),
                metas: Vec::new(),
                links: Vec::new(),
                viewport: None,
                charset: None,
            },
            Mirror::into_kernel,
        ),
        json_ld: s.json_ld.into_kernel(),
        headings: s.headings.into_kernel(),
        links: s.links.into_kernel(),
        images: s.images.into_kernel(),
        resources: s.resources.into_kernel(),
        forms: s.forms.into_kernel(),
        paragraphs: s.paragraphs.into_kernel(),
        sentences: s.sentences.into_kernel(),
        text_stats: s.text_stats.map_or(
            d::TextStats {
                words: 0,
                sentences: 0,
                paragraphs: 0,
                syllables: 0,
                flesch: None,
            },
            Mirror::into_kernel,
        ),
        text: s.text,
        html: s.html,
        facts,
        info,
    };
    Ok((page, unknown))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const HTML: &str = "<html lang=en><head><title>Drain cleaning in Springfield</title>\
        <meta name=description content=\"Fast drain cleaning.\"><link rel=canonical href=/drains>\
        <script type=application/ld+json>{\"@type\":\"Service\"}</script></head><body><main>\
        <h1>Drains</h1><p>We clean drains quickly. Call us today.</p><a href=/contact rel=nofollow>Contact</a>\
        <img src=a.png alt=\"\"><form action=/q method=get></form></main></body></html>";

    #[test]
    fn a_snapshot_uses_rust_names_and_reads_back_identically() {
        let page = PreparedPage::from_html("https://example.test/drains", HTML);
        let json = to_json(&page);
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["info"]["source"], "Scan");
        assert_eq!(value["info"]["capabilities"][0], "FullDocument");
        assert_eq!(value["info"]["main_source"], "MainElement");
        assert_eq!(value["info"]["final_url"]["path"], "/drains");
        assert_eq!(value["info"]["seo_title"], "Drain cleaning in Springfield");
        assert_eq!(value["links"][0]["kind"], "Web");
        assert_eq!(value["links"][0]["rel"][0], "nofollow");
        assert_eq!(value["images"][0]["alt"], "");
        assert_eq!(value["head"]["titles"][0]["location"], "Head");
        assert!(value["facts"]["analysis.mode"].is_string());

        let (back, unknown) = from_json(&json).unwrap();
        assert!(unknown.is_empty());
        assert_eq!(to_json(&back), json);
        assert_eq!(back.mode(), Mode::Scan);
        assert_eq!(back.capabilities, page.capabilities);
    }

    #[test]
    fn a_minimal_snapshot_needs_only_info() {
        let page = PreparedPage::from_html("https://example.test/", "<title>T</title>");
        let full: Value = serde_json::from_str(&to_json(&page)).unwrap();
        let minimal = serde_json::json!({"info": full["info"], "facts": {"no.such.fact": "1"}});
        let (back, unknown) = from_json(&minimal.to_string()).unwrap();
        assert_eq!(unknown, vec!["no.such.fact".to_string()]);
        assert!(back.links.is_empty());
        assert_eq!(back.info().seo_title.as_deref(), Some("T"));
        assert!(from_json("{}").is_err());
    }
}
