use crate::CoreRules;
use siloq_sdk::prelude::*;
use siloq_sdk::testing::{MockPage, Outcome, run_rule};

fn run(page: &MockPage) -> Outcome {
    run_rule::<CoreRules>(page, "{}").expect("evaluates")
}

fn scan() -> MockPage {
    MockPage::new("https://bakery.example/guides/starter/")
}

const GOOD_TITLE: &str = "Sourdough Starter: A Simple 7-Day Guide";
const GOOD_DESCRIPTION: &str = "Make a lively sourdough starter at home in seven days with just flour and water. \
                                Daily feeding steps, jar tips and fixes.";

fn meta(name: Option<&str>, property: Option<&str>, content: &str) -> MetaTag {
    MetaTag {
        name: name.map(str::to_owned),
        property: property.map(str::to_owned),
        http_equiv: None,
        content: content.to_owned(),
        location: Location::Head,
    }
}

fn json_ld(types: &[&str], error: Option<&str>) -> JsonLdBlock {
    JsonLdBlock {
        raw: "{}".into(),
        types: types.iter().map(|t| (*t).to_owned()).collect(),
        error: error.map(str::to_owned),
    }
}

/// A WordPress page whose payload carried a description field (possibly empty).
fn wordpress_with_description_field() -> MockPage {
    scan().wordpress("5").fact(
        "analysis.capabilities",
        r#"["markup", "text", "headings", "links", "images", "title", "description"]"#,
    )
}

fn assert_credits(cases: Vec<(&str, MockPage, &str, Option<f32>)>) {
    for (name, page, check, expected) in cases {
        assert_eq!(run(&page).credit(check), expected, "{name}: {check}");
    }
}

#[test]
fn title_checks() {
    let leftover = scan()
        .wordpress("1")
        .title("Summer Sale %%page%% - Acme")
        .with(|p| {
            p.info.title_template_leftovers = vec!["%%page%%".into()];
        });
    let two_titles = scan().title(GOOD_TITLE).with(|p| {
        let second = p.head.titles[0].clone();
        p.head.titles.push(second);
    });
    assert_credits(vec![
        ("no title", scan(), "meta.title.missing", Some(0.0)),
        ("no title", scan(), "meta.title.too_long", None),
        ("no title", scan(), "meta.title.too_short", None),
        (
            "blank title",
            scan().title("   "),
            "meta.title.missing",
            Some(0.0),
        ),
        (
            "good",
            scan().title(GOOD_TITLE),
            "meta.title.missing",
            Some(1.0),
        ),
        (
            "good",
            scan().title(GOOD_TITLE),
            "meta.title.too_long",
            Some(1.0),
        ),
        (
            "good",
            scan().title(GOOD_TITLE),
            "meta.title.too_short",
            Some(1.0),
        ),
        (
            "good",
            scan().title(GOOD_TITLE),
            "meta.title.multiple",
            Some(1.0),
        ),
        (
            "short",
            scan().title("Starter guide"),
            "meta.title.too_short",
            Some(0.0),
        ),
        (
            "wide",
            scan().title("W".repeat(60)),
            "meta.title.too_long",
            Some(0.0),
        ),
        (
            "leftover",
            leftover.clone(),
            "meta.title.template_leftover",
            Some(0.0),
        ),
        ("leftover", leftover, "meta.title.multiple", None),
        (
            "wp clean",
            scan().wordpress("1").title(GOOD_TITLE),
            "meta.title.template_leftover",
            Some(1.0),
        ),
        (
            "scan",
            scan().title(GOOD_TITLE),
            "meta.title.template_leftover",
            None,
        ),
        ("two titles", two_titles, "meta.title.multiple", Some(0.0)),
    ]);
    let out = run(&scan().title("W".repeat(60)));
    let f = out.finding("meta.title.too_long").unwrap();
    assert!(
        f.message.starts_with("The title is ") && f.message.contains("(60 characters)"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .ends_with("and will likely be cut off in results.")
    );
}

#[test]
fn description_checks() {
    let two = scan()
        .description(GOOD_DESCRIPTION)
        .with(|p| p.head.metas.push(meta(Some("Description"), None, "")));
    assert_credits(vec![
        ("scan none", scan(), "meta.description.missing", Some(0.0)),
        ("scan none", scan(), "meta.description.too_short", None),
        ("scan none", scan(), "meta.description.too_long", None),
        ("scan none", scan(), "meta.description.multiple", Some(1.0)),
        (
            "wp no field",
            scan().wordpress("2"),
            "meta.description.missing",
            None,
        ),
        (
            "wp empty field",
            wordpress_with_description_field(),
            "meta.description.missing",
            Some(0.0),
        ),
        (
            "wp empty field",
            wordpress_with_description_field(),
            "meta.description.multiple",
            None,
        ),
        (
            "50",
            scan().description("d".repeat(50)),
            "meta.description.too_short",
            Some(0.0),
        ),
        (
            "95",
            scan().description("d".repeat(95)),
            "meta.description.too_short",
            Some(0.5),
        ),
        (
            "130",
            scan().description("d".repeat(130)),
            "meta.description.too_short",
            Some(1.0),
        ),
        (
            "130",
            scan().description("d".repeat(130)),
            "meta.description.too_long",
            Some(1.0),
        ),
        (
            "200",
            scan().description("d".repeat(200)),
            "meta.description.too_long",
            Some(0.0),
        ),
        ("two", two, "meta.description.multiple", Some(0.0)),
    ]);
    let out = run(&scan().description("d".repeat(95)));
    assert_eq!(
        out.finding("meta.description.too_short").unwrap().message,
        "The meta description has only 95 characters."
    );
}

#[test]
fn meta_keywords_is_advisory() {
    let out = run(&scan().with(|p| {
        p.head
            .metas
            .push(meta(Some("keywords"), None, "bread, starter"))
    }));
    let f = out.finding("meta.keywords.present").unwrap();
    assert_eq!((f.credit, f.weight), (Some(0.0), Some(0.0)));
    let f = run(&scan())
        .finding("meta.keywords.present")
        .cloned()
        .unwrap();
    assert_eq!((f.credit, f.weight), (Some(1.0), Some(0.0)));
    assert_eq!(
        run(&scan().wordpress("3")).credit("meta.keywords.present"),
        None
    );
}

#[test]
fn url_checks() {
    let bad = MockPage::new("https://shop.example/Summer_Sale%20now//tents/?ref=1");
    let escaped = MockPage::new("https://shop.example/caf%C3%A9-menu/");
    let long = MockPage::new(format!(
        "https://shop.example/{}/?q={}",
        "a".repeat(61),
        "b".repeat(10)
    ));
    assert_credits(vec![
        ("bad", bad.clone(), "url.spaces", Some(0.0)),
        ("bad", bad.clone(), "url.double_slash", Some(0.0)),
        ("bad", bad.clone(), "url.underscore", Some(0.0)),
        ("bad", bad.clone(), "url.uppercase", Some(0.0)),
        ("bad", bad.clone().wordpress("4"), "url.double_slash", None),
        ("escaped", escaped.clone(), "url.uppercase", Some(1.0)),
        ("escaped", escaped.clone(), "url.spaces", Some(1.0)),
        ("escaped", escaped, "url.too_long", Some(1.0)),
        ("long", long.clone(), "url.too_long", Some(0.0)),
        ("clean", scan(), "url.underscore", Some(1.0)),
        ("clean", scan(), "url.double_slash", Some(1.0)),
        ("no url", MockPage::new(""), "url.spaces", None),
    ]);
    assert_eq!(
        run(&long).finding("url.too_long").unwrap().message,
        "The URL is 76 characters long."
    );
}

#[test]
fn open_graph_and_structured_data() {
    let og = |props: &[(&str, &str)]| {
        let metas: Vec<MetaTag> = props.iter().map(|(p, c)| meta(None, Some(p), c)).collect();
        scan().with(move |p| p.head.metas = metas)
    };
    let full = og(&[
        ("og:title", "T"),
        ("og:description", "D"),
        ("og:image", "https://x.example/i.jpg"),
    ]);
    let blank_image = og(&[
        ("og:title", "T"),
        ("og:description", "D"),
        ("og:image", " "),
    ]);
    let with_blocks = |blocks: Vec<JsonLdBlock>| scan().with(move |p| p.json_ld = blocks);
    assert_credits(vec![
        ("og full", full, "social.og.incomplete", Some(1.0)),
        (
            "og blank image",
            blank_image.clone(),
            "social.og.incomplete",
            Some(0.0),
        ),
        ("og wp", scan().wordpress("1"), "social.og.incomplete", None),
        ("no schema", scan(), "schema.none", Some(0.0)),
        ("no schema", scan(), "schema.invalid", None),
        (
            "microdata",
            scan().fact("analysis.microdata", "true"),
            "schema.none",
            Some(1.0),
        ),
        (
            "valid",
            with_blocks(vec![json_ld(&["Article"], None)]),
            "schema.invalid",
            Some(1.0),
        ),
        (
            "valid",
            with_blocks(vec![json_ld(&["Article"], None)]),
            "schema.none",
            Some(1.0),
        ),
        (
            "trailing comma",
            with_blocks(vec![json_ld(
                &[],
                Some("trailing comma at line 3 column 1"),
            )]),
            "schema.invalid",
            Some(0.0),
        ),
        (
            "trailing comma",
            with_blocks(vec![json_ld(&[], Some("x"))]),
            "schema.none",
            Some(1.0),
        ),
        (
            "no @type",
            with_blocks(vec![json_ld(&["Article"], None), json_ld(&[], None)]),
            "schema.invalid",
            Some(0.0),
        ),
        ("wp", scan().wordpress("1"), "schema.none", None),
    ]);
    let out = run(&blank_image);
    assert_eq!(
        out.finding("social.og.incomplete").unwrap().message,
        "Open Graph tags are missing (og:image); shared links may look bare."
    );
    let out = run(&with_blocks(vec![json_ld(&[], None)]));
    assert_eq!(
        out.finding("schema.invalid").unwrap().message,
        "1 structured data block is invalid (no @type)."
    );
}

/// A page of 200 generated words whose sentences at the given indexes are replaced by `texts`.
fn text_page(texts: &[(usize, &str)]) -> MockPage {
    let texts: Vec<(usize, String)> = texts.iter().map(|(i, t)| (*i, (*t).to_owned())).collect();
    scan().words(200).with(move |p| {
        for (i, text) in texts {
            p.sentences[i].text = text;
        }
    })
}

#[test]
fn keyphrase_missing_is_advisory() {
    let out = run(&scan());
    let f = out.finding("keyphrase.missing").unwrap();
    assert_eq!((f.credit, f.weight), (Some(0.0), Some(0.0)));
    for id in [
        "keyphrase.in_title",
        "keyphrase.in_description",
        "keyphrase.in_intro",
        "keyphrase.density",
    ] {
        assert_eq!(out.credit(id), None, "{id}");
    }
    let f = run(&scan().keyphrase("sourdough starter"))
        .finding("keyphrase.missing")
        .cloned()
        .unwrap();
    assert_eq!((f.credit, f.weight), (Some(1.0), Some(0.0)));
}

#[test]
fn keyphrase_in_title() {
    let kp = |title: &str, keyphrase: &str| scan().title(title).keyphrase(keyphrase);
    assert_credits(vec![
        (
            "at start",
            kp(GOOD_TITLE, "sourdough starter"),
            "keyphrase.in_title",
            Some(1.0),
        ),
        (
            "after function word",
            kp("The Sourdough Starter Guide", "sourdough starter"),
            "keyphrase.in_title",
            Some(1.0),
        ),
        (
            "later",
            kp("How to make a Sourdough Starter", "sourdough starter"),
            "keyphrase.in_title",
            Some(0.5),
        ),
        (
            "spread",
            kp("Starter for sourdough bread", "sourdough starter"),
            "keyphrase.in_title",
            Some(0.5),
        ),
        (
            "absent",
            kp("Bread baking classes", "sourdough starter"),
            "keyphrase.in_title",
            Some(0.0),
        ),
        (
            "exact spread",
            kp("Starter for sourdough bread", "\"sourdough starter\""),
            "keyphrase.in_title",
            Some(0.0),
        ),
        (
            "exact later",
            kp("Make a sourdough starter", "\"sourdough starter\""),
            "keyphrase.in_title",
            Some(0.5),
        ),
        (
            "no title",
            scan().keyphrase("sourdough starter"),
            "keyphrase.in_title",
            None,
        ),
    ]);
    let out = run(&kp("How to make a Sourdough Starter", "Sourdough Starter"));
    assert_eq!(
        out.finding("keyphrase.in_title").unwrap().message,
        "The focus keyphrase \"Sourdough Starter\" is not at the start of the title."
    );
    let out = run(&kp("Bread baking classes", "sourdough starter"));
    assert_eq!(
        out.finding("keyphrase.in_title").unwrap().message,
        "The focus keyphrase \"sourdough starter\" is missing from the title."
    );
}

#[test]
fn keyphrase_in_description() {
    let kp = |description: &str| {
        scan()
            .description(description)
            .keyphrase("sourdough starter")
    };
    let three = kp(GOOD_DESCRIPTION).fact(
        "analysis.description_sentences",
        r#"["A sourdough starter.", "Your starter, sourdough style.", "Sourdough starter tips."]"#,
    );
    assert_credits(vec![
        (
            "once",
            kp(GOOD_DESCRIPTION),
            "keyphrase.in_description",
            Some(1.0),
        ),
        (
            "absent",
            kp("Bread classes in Bristol for every level."),
            "keyphrase.in_description",
            Some(0.0),
        ),
        (
            "three sentences",
            three.clone(),
            "keyphrase.in_description",
            Some(0.0),
        ),
        (
            "no description",
            scan().keyphrase("sourdough starter"),
            "keyphrase.in_description",
            None,
        ),
    ]);
    assert_eq!(
        run(&three)
            .finding("keyphrase.in_description")
            .unwrap()
            .message,
        "The meta description repeats the keyphrase (3 sentences)."
    );
}

#[test]
fn keyphrase_in_intro() {
    let kp = |page: MockPage| page.keyphrase("sourdough starter");
    assert_credits(vec![
        (
            "first sentence",
            kp(text_page(&[(1, "A sourdough starter is alive.")])),
            "keyphrase.in_intro",
            Some(1.0),
        ),
        (
            "spread",
            kp(text_page(&[
                (0, "Sourdough is old."),
                (2, "A starter needs flour."),
            ])),
            "keyphrase.in_intro",
            Some(0.5),
        ),
        (
            "second paragraph",
            kp(text_page(&[(6, "A sourdough starter.")])),
            "keyphrase.in_intro",
            Some(0.0),
        ),
        ("no paragraphs", kp(scan()), "keyphrase.in_intro", None),
    ]);
}

#[test]
fn keyphrase_density_and_stuffing() {
    let kp = |page: MockPage, keyphrase: &str| page.keyphrase(keyphrase);
    // Two matches in 200 words: d = 2 / 200 × 100 × (0.7 + 1/3) ≈ 1.03.
    let two = kp(
        text_page(&[(1, "Sourdough needs time."), (7, "Feed the sourdough.")]),
        "sourdough",
    );
    // "garden" and "river" each come every 12 words of the generated text: about 16 matches, d ≈ 11.
    let stuffed = kp(scan().words(200), "garden river");
    let heading =
        kp(text_page(&[(1, "Sourdough needs time.")]), "sourdough").heading(2, "Sourdough basics");
    assert_credits(vec![
        ("two matches", two.clone(), "keyphrase.density", Some(1.0)),
        ("two matches", two, "keyphrase.stuffing", Some(1.0)),
        (
            "one match",
            kp(text_page(&[(1, "Sourdough needs time.")]), "sourdough"),
            "keyphrase.density",
            Some(0.0),
        ),
        ("heading unit", heading, "keyphrase.density", Some(1.0)),
        (
            "none",
            kp(scan().words(200), "sourdough"),
            "keyphrase.density",
            Some(0.0),
        ),
        (
            "none",
            kp(scan().words(200), "sourdough"),
            "keyphrase.stuffing",
            Some(1.0),
        ),
        ("stuffed", stuffed.clone(), "keyphrase.density", Some(0.0)),
        ("stuffed", stuffed.clone(), "keyphrase.stuffing", Some(0.0)),
        (
            "99 words",
            kp(scan().words(99), "garden"),
            "keyphrase.density",
            None,
        ),
        (
            "99 words",
            kp(scan().words(99), "garden"),
            "keyphrase.stuffing",
            None,
        ),
    ]);
    let f = run(&stuffed)
        .finding("keyphrase.stuffing")
        .cloned()
        .unwrap();
    assert!(
        f.message.starts_with("The keyphrase appears "),
        "{}",
        f.message
    );
    assert!(
        f.message.ends_with(" %), which reads as keyword stuffing."),
        "{}",
        f.message
    );
    assert_eq!(
        run(&stuffed)
            .finding("keyphrase.density")
            .unwrap()
            .action
            .as_deref(),
        Some("Too many: cut repetitions.")
    );
}
