use crate::CoreRules;
use siloq_sdk::prelude::*;
use siloq_sdk::testing::{MockPage, Outcome, run_rule};

const ALL: [&str; 6] = [
    "content.empty",
    "content.thin",
    "content.placeholder",
    "readability.paragraph_length",
    "readability.sentence_length",
    "readability.repeated_starts",
];

fn run(page: &MockPage) -> Outcome {
    run_rule::<CoreRules>(page, "{}").expect("evaluates")
}

fn scan() -> MockPage {
    MockPage::new("https://bakery.example/guides/starter/")
}

/// Sentences with the given first words and lengths, in one paragraph, on a page with 400 words.
fn sentences(spec: &[(&str, u32)]) -> MockPage {
    scan().words(400).with(|p| {
        p.sentences = spec
            .iter()
            .map(|&(first, words)| Sentence {
                text: format!("{first} ..."),
                words,
                first_word: first.to_owned(),
                paragraph: Some(0),
                passive: None,
                transition: None,
            })
            .collect();
        p.paragraphs = vec![Paragraph {
            words: 100,
            first_sentence: 0,
            sentence_count: spec.len() as u32,
        }];
    })
}

fn paragraphs(words: &[u32]) -> MockPage {
    scan().words(400).with(|p| {
        p.paragraphs = words
            .iter()
            .map(|&words| Paragraph {
                words,
                first_sentence: 0,
                sentence_count: 1,
            })
            .collect();
    })
}

#[test]
fn credits_by_page() {
    let cornerstone = scan().words(500).wordpress("9").with(|p| {
        if let Some(wp) = &mut p.wordpress {
            wp.is_cornerstone = true;
        }
    });
    // Ten sentences, three of them longer than 20 words (but not than 25).
    let long: Vec<(&str, u32)> = (0..10)
        .map(|i| (["x", "y"][i % 2], if i < 3 { 25 } else { 10 }))
        .collect();
    let mut longer = long.clone();
    longer[4].1 = 30;
    let cases: Vec<(&str, MockPage, &str, Option<f32>)> = vec![
        ("empty page", scan(), "content.empty", Some(0.0)),
        ("empty page", scan(), "content.thin", Some(0.0)),
        ("empty page", scan(), "content.placeholder", Some(1.0)),
        ("empty page", scan(), "readability.sentence_length", None),
        ("empty page", scan(), "readability.paragraph_length", None),
        ("empty page", scan(), "readability.repeated_starts", None),
        ("400 words", scan().words(400), "content.empty", Some(1.0)),
        ("400 words", scan().words(400), "content.thin", Some(1.0)),
        (
            "400 words",
            scan().words(400),
            "readability.paragraph_length",
            Some(1.0),
        ),
        (
            "400 words",
            scan().words(400),
            "readability.sentence_length",
            Some(1.0),
        ),
        (
            "400 words",
            scan().words(400),
            "readability.repeated_starts",
            Some(1.0),
        ),
        ("250 words", scan().words(250), "content.thin", Some(0.5)),
        ("199 words", scan().words(199), "content.thin", Some(0.0)),
        ("cornerstone 500", cornerstone, "content.thin", Some(0.5)),
        (
            "japanese",
            scan().words(400).lang("ja"),
            "content.thin",
            None,
        ),
        (
            "japanese",
            scan().words(400).lang("ja-JP"),
            "readability.sentence_length",
            None,
        ),
        (
            "japanese",
            scan().words(400).lang("ja"),
            "content.empty",
            Some(1.0),
        ),
        (
            "paragraph 180",
            paragraphs(&[40, 180]),
            "readability.paragraph_length",
            Some(0.5),
        ),
        (
            "paragraph 201",
            paragraphs(&[201]),
            "readability.paragraph_length",
            Some(0.0),
        ),
        (
            "no paragraphs",
            paragraphs(&[]),
            "readability.paragraph_length",
            None,
        ),
        (
            "3 of 10 long",
            sentences(&long),
            "readability.sentence_length",
            Some(0.5),
        ),
        (
            "4 of 10 long",
            sentences(&longer),
            "readability.sentence_length",
            Some(0.0),
        ),
        (
            "spanish limit 25",
            sentences(&long).lang("es"),
            "readability.sentence_length",
            Some(1.0),
        ),
        (
            "three in a row",
            sentences(&[("the", 5), ("the", 5), ("the", 5), ("a", 5)]),
            "readability.repeated_starts",
            Some(0.0),
        ),
        (
            "interrupted run",
            sentences(&[("the", 5), ("the", 5), ("a", 5), ("the", 5)]),
            "readability.repeated_starts",
            Some(1.0),
        ),
        (
            "two sentences",
            sentences(&[("a", 5), ("a", 5)]),
            "readability.repeated_starts",
            None,
        ),
    ];
    for (name, page, check, expected) in cases {
        assert_eq!(run(&page).credit(check), expected, "{name}: {check}");
    }
}

#[test]
fn messages_and_details() {
    let out = run(&scan().words(250));
    let thin = out.finding("content.thin").unwrap();
    assert_eq!(thin.message, "The page has 250 words of main content.");
    assert!(
        thin.action
            .as_deref()
            .unwrap()
            .starts_with("Expand to at least 300 words")
    );
    let out = run(&sentences(&[
        ("so", 5),
        ("so", 5),
        ("so", 5),
        ("so", 5),
        ("a", 5),
    ]));
    let f = out.finding("readability.repeated_starts").unwrap();
    assert_eq!(f.message, "4 sentences in a row start with \"so\".");
    let out = run(&scan());
    assert_eq!(
        out.finding("content.empty").unwrap().message,
        "The page has almost no text (0 characters)."
    );
}

#[test]
fn placeholder_text_is_found_in_the_folded_main_text() {
    let page = |text: &str| {
        scan().words(300).with(|p| {
            p.text = text.to_owned();
        })
    };
    let out = run(&page(
        "Welcome. Lorem   IPSUM dolor sit amet, consectetur adipiscing.",
    ));
    assert_eq!(out.credit("content.placeholder"), Some(0.0));
    assert_eq!(
        out.finding("content.placeholder").unwrap().message,
        "The page still contains placeholder text (\"lorem ipsum\")."
    );
    // Non-ASCII text goes through the host's normalize.
    let out = run(&page("Crème brûlée. This is your FIRST post."));
    assert_eq!(out.credit("content.placeholder"), Some(0.0));
    let out = run(&page("Crème brûlée for every season."));
    assert_eq!(out.credit("content.placeholder"), Some(1.0));
    let custom = r#"{"content": {"placeholders": ["coming soon"]}}"#;
    let out = run_rule::<CoreRules>(&page("Recipes coming soon."), custom).unwrap();
    assert_eq!(out.credit("content.placeholder"), Some(0.0));
}

#[test]
fn withheld_content_makes_every_content_check_not_applicable() {
    let withheld = scan().wordpress("12").fact(
        "analysis.capabilities",
        r#"["title", "description", "robots"]"#,
    );
    let out = run(&withheld);
    for id in ALL {
        assert!(out.is_reported(id), "{id}");
        assert_eq!(out.credit(id), None, "{id}");
    }
}

#[test]
fn config_changes_thresholds() {
    let config = r#"{"content": {"thin_words": 100, "thin_partial_words": 50}}"#;
    let out = run_rule::<CoreRules>(&scan().words(120), config).unwrap();
    assert_eq!(out.credit("content.thin"), Some(1.0));
}
