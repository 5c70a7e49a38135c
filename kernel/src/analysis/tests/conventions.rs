//! The text and document conventions of section 4.1 on small hand-made pages.

use super::super::{Alt, LinkKind, MainSource, ParseInput, parse, text};

fn scan(html: &str) -> super::PageDoc {
    parse(&ParseInput::scan("https://www.shop.example/dir/page", html))
}

fn sentences(block: &str) -> Vec<String> {
    let mut out = Vec::new();
    text::split_sentences(block, |s| out.push(s.to_owned()));
    out
}

#[test]
fn sentence_boundaries_respect_abbreviations_and_lowercase_continuations() {
    assert_eq!(
        sentences("Dr. Smith arrived at 5 p.m. Then he left! Did he? Yes."),
        [
            "Dr. Smith arrived at 5 p.m. Then he left!",
            "Did he?",
            "Yes."
        ]
    );
    assert_eq!(
        sentences("Prices rose 3.5 percent. see below. J. Doe agreed."),
        ["Prices rose 3.5 percent. see below.", "J. Doe agreed."]
    );
    assert_eq!(
        sentences("He said \"Stop.\" (Really.) \"Then go.\""),
        ["He said \"Stop.\"", "(Really.)", "\"Then go.\""]
    );
    assert_eq!(
        sentences("今日は晴れ。明日は雨！ Done…"),
        ["今日は晴れ。", "明日は雨！", "Done…"]
    );
    assert_eq!(
        sentences("— … !"),
        Vec::<String>::new(),
        "sentences without a word are dropped"
    );
}

#[test]
fn blocks_headings_links_and_images_follow_the_conventions() {
    let doc = scan(
        "<html lang='de-AT'><head><base href='https://cdn.shop.example/base/'><title>T</title></head><body>\
         <header><h1>Logo</h1><nav><a href='/a'>Home</a></nav></header>\
         <div>Intro text<br>line two <p>First para. Second <b>bold</b> sentence.</p> tail</div>\
         <h2>Sub <img src='i.png' alt='icon'></h2>\
         <ul><li>Item one</li><li>Item two</li></ul>\
         <script>var hidden = 'no words here';</script><p>&nbsp;</p>\
         <a href='#x'>here</a> <a href='https://shop.example/p'><img src='x.png' alt='Product'></a>\
         <a href='https://other.example/'>Read more</a> <a>bare</a>\
         <picture><source srcset='a.webp 1x'><img data-src='lazy.jpg' src='ph.gif' alt=''></picture>\
         <img src='n.png' role='presentation'>\
         <footer><p>Footer words</p></footer></body></html>",
    );
    assert_eq!(doc.info.main_source, MainSource::Body);
    assert_eq!(doc.info.language.as_deref(), Some("de"));
    assert_eq!(
        doc.main_text,
        "Intro text line two First para. Second bold sentence. tail Sub Item one Item two here Read more bare"
    );
    assert_eq!(doc.info.word_count_main, 19);
    assert_eq!(doc.text_stats.heading_words, 1);
    assert_eq!(doc.paragraphs.len(), 1);
    assert_eq!(doc.paragraphs[0].sentence_count, 2);
    let firsts: Vec<&str> = doc
        .sentences
        .iter()
        .map(|s| s.first_word.as_str())
        .collect();
    assert_eq!(
        firsts,
        ["intro", "first", "second", "tail", "item", "item", "here"]
    );
    let headings: Vec<_> = doc
        .headings
        .iter()
        .map(|h| (h.level, h.text.as_str(), h.in_main, h.word_offset))
        .collect();
    assert_eq!(
        headings,
        [(1, "Logo", false, None), (2, "Sub icon", true, Some(10))]
    );
    let kinds: Vec<LinkKind> = doc.links.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            LinkKind::Web,
            LinkKind::Fragment,
            LinkKind::Web,
            LinkKind::Web,
            LinkKind::Other
        ]
    );
    assert_eq!(
        doc.links[0].href_abs.as_deref(),
        Some("https://cdn.shop.example/a"),
        "resolved against <base>"
    );
    assert!(
        doc.links[0].external && !doc.links[0].in_main,
        "the base moved it to another host"
    );
    assert_eq!(doc.links[2].accessible_name, "Product");
    assert!(doc.links[2].internal && doc.links[2].in_main);
    assert!(doc.links[3].external && doc.links[3].generic_text);
    assert!(doc.links[4].href.is_none() && doc.links[4].crawlable);
    assert_eq!(doc.images[0].alt, Alt::Text("icon".into()));
    assert_eq!(doc.images[2].src.as_deref(), Some("lazy.jpg"));
    assert_eq!(
        doc.images[2].src_abs.as_deref(),
        Some("https://cdn.shop.example/base/lazy.jpg")
    );
    assert!(doc.images[2].in_picture && doc.images[2].alt == Alt::Empty);
    assert!(doc.images[3].decorative && doc.images[3].alt == Alt::Absent);
    assert!(doc.images[1].in_link);
}

#[test]
fn region_prefers_main_then_single_article_then_role_main() {
    let source = |html: &str| scan(html).info.main_source;
    assert_eq!(
        source("<article>a</article><main>m</main>"),
        MainSource::Main
    );
    assert_eq!(
        source("<article>a</article><div role='main'>m</div>"),
        MainSource::Article
    );
    assert_eq!(
        source("<article>a</article><article>b</article><div role='main'>m</div>"),
        MainSource::RoleMain
    );
    let doc =
        scan("<p>out</p><div role='main'><p>in <span role='navigation'>nav</span> side</p></div>");
    assert_eq!(doc.main_text, "in side");
}

#[test]
fn crawlability_follows_the_lighthouse_rules() {
    let doc = scan(
        "<a href='javascript:void(0)'>a</a><a href='javascript: void 0'>b</a><a href=''>c</a>\
         <a href='file:///x'>d</a><a onclick='go()'>e</a><a onclick='go()' role='button'>f</a>\
         <a href='/ok' onclick='window.location = \"/x\"'>g</a><a href='mailto:'>h</a><a name='top'></a>\
         <a href='javascript:void(0)' role='button'>i</a><a href='http://[bad'>j</a>",
    );
    let crawlable: Vec<bool> = doc.links.iter().map(|l| l.crawlable).collect();
    assert_eq!(
        crawlable,
        [
            false, false, false, false, false, true, false, true, true, true, false
        ]
    );
}

#[test]
fn head_facts_robots_canonical_and_json_ld() {
    let doc = scan(
        "<head><title> A  title </title><meta name='Robots' content='max-snippet:0, NOINDEX'>\
         <meta name='googlebot' content='none'><link rel='canonical' href='https://shop.example/p#x'>\
         <link rel='canonical' href='https://shop.example/p'><script type='application/ld+json'>\
         [{\"@type\":[\"A\",\"B\"],\"x\":{\"@type\":\"C\"}}]</script>\
         <script type='application/ld+json'>{\"a\":1,}</script></head><body><svg><title>icon</title></svg>\
         <meta name='description' content='  '><meta name='description' content='Body description. Two.'></body>",
    );
    assert_eq!(
        doc.head.titles.len(),
        1,
        "titles inside <svg> are not listed"
    );
    assert_eq!(doc.info.seo_title, "A title");
    assert!(doc.info.robots.noindex && doc.info.robots.nofollow && doc.info.robots.nosnippet);
    assert_eq!(doc.info.robots.sources, ["meta:robots", "meta:googlebot"]);
    assert_eq!(
        doc.info.canonical.as_deref(),
        Some("https://shop.example/p"),
        "fragments do not make a second URL"
    );
    assert_eq!(doc.json_ld[0].types, ["A", "B", "C"]);
    assert!(doc.json_ld[1].error.is_some());
    assert_eq!(
        doc.info.description.as_deref(),
        Some("Body description. Two.")
    );
    assert_eq!(
        doc.info.description_sentences,
        ["Body description.", "Two."]
    );
}

#[test]
fn withheld_wordpress_content_removes_body_capabilities() {
    let input = ParseInput {
        is_noindex: true,
        robots_known: true,
        ..ParseInput::wordpress("https://a.example/x/", " ")
    };
    let doc = parse(&input);
    assert!(!doc.capabilities.text && !doc.capabilities.links && !doc.capabilities.images);
    assert!(doc.capabilities.title && doc.capabilities.robots && doc.info.robots.noindex);
    assert!(!doc.capabilities.description && !doc.capabilities.keyphrase);
}
