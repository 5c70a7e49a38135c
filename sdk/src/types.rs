//! Curated re-exports of the generated WIT types, plus conversions that make the builders pleasant to call.

pub use crate::bindings::rule::siloq::rules::document::{
    Form, HeadData, Header, Heading, HttpFacts, Image, JsonLdBlock, Keyphrase, Link, LinkKind,
    LinkTag, Location, MainSource, MetaTag, PageInfo, Paragraph, RedirectHop, ResourceKind, Robots,
    RobotsDirective, RobotsSource, Sentence, Source, Subresource, TextStats, TitleTag, UrlParts,
    WordpressInfo,
};
pub use crate::bindings::rule::siloq::rules::types::{
    Blocking, Capability, Category, CategoryScore, CheckInfo, Detail, DetailValue, ExtensionError,
    ExtensionInfo, ExtensionKind, Finding, Priority, Recommendation, ScoreCard, ScoreResult,
    ScoredIssue, Severity, SourcedFinding,
};

/// The wasm page resource the kernel lends for one call (implements [`crate::PageView`]).
pub use crate::bindings::rule::siloq::rules::document::Page;

impl From<&str> for DetailValue {
    fn from(v: &str) -> Self {
        DetailValue::Text(v.to_owned())
    }
}

impl From<String> for DetailValue {
    fn from(v: String) -> Self {
        DetailValue::Text(v)
    }
}

impl From<&String> for DetailValue {
    fn from(v: &String) -> Self {
        DetailValue::Text(v.clone())
    }
}

impl From<bool> for DetailValue {
    fn from(v: bool) -> Self {
        DetailValue::Boolean(v)
    }
}

impl From<f64> for DetailValue {
    fn from(v: f64) -> Self {
        DetailValue::Number(v)
    }
}

impl From<f32> for DetailValue {
    fn from(v: f32) -> Self {
        DetailValue::Number(f64::from(v))
    }
}

impl From<Vec<String>> for DetailValue {
    fn from(v: Vec<String>) -> Self {
        DetailValue::Texts(v)
    }
}

impl From<Vec<&str>> for DetailValue {
    fn from(v: Vec<&str>) -> Self {
        DetailValue::Texts(v.into_iter().map(str::to_owned).collect())
    }
}

impl From<&[String]> for DetailValue {
    fn from(v: &[String]) -> Self {
        DetailValue::Texts(v.to_vec())
    }
}

/// Integers that always fit in the WIT `s64`.
macro_rules! integer_detail {
    ($($t:ty),*) => {$(
        impl From<$t> for DetailValue {
            fn from(v: $t) -> Self {
                DetailValue::Integer(i64::from(v))
            }
        }
    )*};
}
integer_detail!(i8, i16, i32, i64, u8, u16, u32);

/// Integers that may exceed `s64` saturate rather than wrap, so a detail never changes sign.
macro_rules! wide_integer_detail {
    ($($t:ty),*) => {$(
        impl From<$t> for DetailValue {
            fn from(v: $t) -> Self {
                DetailValue::Integer(i64::try_from(v).unwrap_or(i64::MAX))
            }
        }
    )*};
}
wide_integer_detail!(u64, usize, isize);

/// Wire names (the public API's spelling), used in messages and by the scoring model.
impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

impl Category {
    /// In the order of the WIT enum (and of `ScoreCard::categories`).
    pub const ALL: [Category; 5] = [
        Category::Technical,
        Category::Content,
        Category::Structure,
        Category::Performance,
        Category::Onpage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Technical => "technical",
            Category::Content => "content",
            Category::Structure => "structure",
            Category::Performance => "performance",
            Category::Onpage => "onpage",
        }
    }
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
}
