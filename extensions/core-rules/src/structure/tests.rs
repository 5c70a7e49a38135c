use crate::CoreRules;
use siloq_sdk::prelude::*;
use siloq_sdk::testing::{MockPage, Outcome, run_rule};

fn run(page: &MockPage) -> Outcome {
    run_rule::<CoreRules>(page, "{}").expect("evaluates")
}

fn scan() -> MockPage {
    MockPage::new("https://bakery.example/guides/starter/")
}

/// A generation C WordPress page: plain text, extracted headings and links, no markup and no image list.
fn plain_wordpress() -> MockPage {
    scan().wordpress("6").fact(
        "analysis.capabilities",
        r#"["text", "headings", "links", "title", "description"]"#,
    )
}

fn assert_credits(cases: Vec<(&str, MockPage, &str, Option<f32>)>) {
    for (name, page, check, expected) in cases {
        assert_eq!(run(&page).credit(check), expected, "{name}: {check}");
    }
}

/// Changes the last link added.
fn last_link(page: MockPage, change: impl FnOnce(&mut Link)) -> MockPage {
    page.with(|p| change(p.links.last_mut().expect("a link")))
}

/// Changes the last image added.
fn last_image(page: MockPage, change: impl FnOnce(&mut Image)) -> MockPage {
    page.with(|p| change(p.images.last_mut().expect("an image")))
}

fn levels(levels: &[u8]) -> MockPage {
    levels.iter().fold(scan().words(100), |page, &level| {
        page.heading(level, format!("Heading {level}"))
    })
}

#[test]
fn heading_checks() {
    let wp_h1 = scan()
        .wordpress("1")
        .heading(1, "Summer Sale")
        .heading(2, "Tents");
    assert_credits(vec![
        ("no headings", scan(), "headings.h1.missing", Some(0.0)),
        ("no headings", scan(), "headings.h1.multiple", Some(1.0)),
        ("no headings", scan(), "headings.h1.in_content", None),
        ("no headings", scan(), "headings.empty", None),
        ("no headings", scan(), "headings.skipped_level", None),
        (
            "h1 h2 h3",
            levels(&[1, 2, 3, 2]),
            "headings.h1.missing",
            Some(1.0),
        ),
        (
            "h1 h2 h3",
            levels(&[1, 2, 3, 2]),
            "headings.skipped_level",
            Some(1.0),
        ),
        (
            "h1 h2 h3",
            levels(&[1, 2, 3, 2]),
            "headings.empty",
            Some(1.0),
        ),
        (
            "two h1",
            levels(&[1, 1, 2]),
            "headings.h1.multiple",
            Some(0.0),
        ),
        (
            "h2 to h4",
            levels(&[1, 2, 4]),
            "headings.skipped_level",
            Some(0.0),
        ),
        (
            "first h3",
            levels(&[3]),
            "headings.skipped_level",
            Some(0.0),
        ),
        (
            "first h2",
            levels(&[2, 3]),
            "headings.skipped_level",
            Some(1.0),
        ),
        (
            "empty",
            scan().heading(2, "  ").heading(2, "Tents"),
            "headings.empty",
            Some(0.0),
        ),
        (
            "only punctuation",
            scan().heading(2, "— ·"),
            "headings.empty",
            Some(0.0),
        ),
        ("wp h1", wp_h1.clone(), "headings.h1.in_content", Some(0.0)),
        ("wp h1", wp_h1.clone(), "headings.h1.missing", None),
        ("wp h1", wp_h1, "headings.h1.multiple", None),
        (
            "wp h2",
            scan().wordpress("1").heading(2, "Tents"),
            "headings.h1.in_content",
            Some(1.0),
        ),
        (
            "wp h3 first",
            scan().wordpress("1").heading(3, "Tents"),
            "headings.skipped_level",
            Some(0.0),
        ),
        (
            "withheld",
            scan()
                .wordpress("1")
                .fact("analysis.capabilities", r#"["title"]"#),
            "headings.h1.in_content",
            None,
        ),
    ]);
    let out = run(&levels(&[1, 2, 4]));
    let f = out.finding("headings.skipped_level").unwrap();
    assert_eq!(f.message, "Heading levels jump from H2 to H4.");
    assert_eq!(f.affected, ["H4: Heading 4"]);
    let out = run(&scan().wordpress("1").heading(1, "Sale"));
    assert_eq!(
        out.finding("headings.h1.in_content").unwrap().message,
        "The content contains 1 H1 heading(s); with the theme's title the page shows 2."
    );
}

#[test]
fn subheading_distribution() {
    // 500 words with one H2 (one word) at the given offset of non-heading words.
    let split_at = |offset: u32| {
        scan().words(500).with(move |p| {
            p.headings = vec![Heading {
                level: 2,
                text: "Care".into(),
                in_main: true,
                word_offset: offset,
            }];
        })
    };
    let outside = scan().words(500).with(|p| {
        p.headings = vec![Heading {
            level: 2,
            text: "Footer".into(),
            in_main: false,
            word_offset: 0,
        }];
    });
    assert_credits(vec![
        (
            "no subheading, 250 words",
            scan().words(250),
            "headings.subheading_distribution",
            Some(1.0),
        ),
        (
            "no subheading, 400 words",
            scan().words(400),
            "headings.subheading_distribution",
            Some(0.0),
        ),
        (
            "even",
            split_at(250),
            "headings.subheading_distribution",
            Some(1.0),
        ),
        (
            "340 after",
            split_at(159),
            "headings.subheading_distribution",
            Some(0.5),
        ),
        (
            "400 after",
            split_at(99),
            "headings.subheading_distribution",
            Some(0.0),
        ),
        (
            "400 before",
            split_at(400),
            "headings.subheading_distribution",
            Some(0.0),
        ),
        (
            "outside main",
            outside,
            "headings.subheading_distribution",
            Some(0.0),
        ),
        ("no words", scan(), "headings.subheading_distribution", None),
        (
            "plain text",
            plain_wordpress().words(500),
            "headings.subheading_distribution",
            None,
        ),
    ]);
    let out = run(&split_at(99));
    assert_eq!(
        out.finding("headings.subheading_distribution")
            .unwrap()
            .message,
        "1 section runs longer than 300 words without a subheading (longest 400)."
    );
}

#[test]
fn main_region_links() {
    let both = scan()
        .words(100)
        .link("/classes/", "Sourdough classes")
        .link("https://en.wikipedia.org/wiki/Sourdough", "Wikipedia");
    let self_link = scan()
        .words(100)
        .link("https://bakery.example/guides/starter/#day-one", "Day one")
        .link("https://bakery.example/guides/starter/", "This guide");
    let nofollow = last_link(scan().words(100).link("/classes/", "Classes"), |l| {
        l.rel = vec!["nofollow".into()]
    });
    let outside = last_link(scan().words(100).link("/classes/", "Classes"), |l| {
        l.in_main = false
    });
    assert_credits(vec![
        ("none", scan().words(100), "links.internal.none", Some(0.0)),
        ("none", scan().words(100), "links.outbound.none", Some(0.0)),
        (
            "none",
            scan().words(100),
            "links.internal.all_nofollow",
            None,
        ),
        ("both", both.clone(), "links.internal.none", Some(1.0)),
        ("both", both.clone(), "links.outbound.none", Some(1.0)),
        ("both", both, "links.internal.all_nofollow", Some(1.0)),
        ("self only", self_link, "links.internal.none", Some(0.0)),
        (
            "nofollow",
            nofollow.clone(),
            "links.internal.all_nofollow",
            Some(0.0),
        ),
        ("nofollow", nofollow, "links.internal.none", Some(1.0)),
        ("outside main", outside, "links.internal.none", Some(0.0)),
        (
            "withheld",
            scan()
                .wordpress("1")
                .fact("analysis.capabilities", r#"["title"]"#),
            "links.internal.none",
            None,
        ),
        (
            "plain text",
            plain_wordpress().link("/classes/", "Classes"),
            "links.internal.all_nofollow",
            None,
        ),
    ]);
}

#[test]
fn link_text_and_names() {
    let generic =
        |href: &str| last_link(scan().link(href, "Click here"), |l| l.generic_text = true);
    let generic_nofollow = last_link(generic("/classes/"), |l| {
        l.rel = vec!["sponsored".into(), "nofollow".into()]
    });
    let icon = scan().link("/cart/", "").link("/shop/", "Shop");
    let labelled = last_link(scan().link("/cart/", ""), |l| {
        l.accessible_name = "Cart".into()
    });
    assert_credits(vec![
        ("no links", scan(), "links.text.generic", None),
        (
            "generic",
            generic("/classes/"),
            "links.text.generic",
            Some(0.0),
        ),
        (
            "generic mailto",
            generic("mailto:help@bakery.example"),
            "links.text.generic",
            Some(1.0),
        ),
        (
            "generic fragment",
            generic("#top"),
            "links.text.generic",
            Some(1.0),
        ),
        (
            "generic javascript",
            generic("javascript:void(0)"),
            "links.text.generic",
            Some(1.0),
        ),
        (
            "generic nofollow",
            generic_nofollow,
            "links.text.generic",
            Some(1.0),
        ),
        (
            "descriptive",
            scan().link("/classes/", "Sourdough classes"),
            "links.text.generic",
            Some(1.0),
        ),
        ("no links", scan(), "links.empty_anchor", None),
        ("icon link", icon.clone(), "links.empty_anchor", Some(0.0)),
        ("aria label", labelled, "links.empty_anchor", Some(1.0)),
        (
            "plain text",
            plain_wordpress().link("/cart/", ""),
            "links.empty_anchor",
            None,
        ),
    ]);
    let out = run(&generic("/classes/"));
    let f = out.finding("links.text.generic").unwrap();
    assert_eq!(f.message, "1 link uses vague text such as \"Click here\".");
    assert_eq!(f.affected, ["https://bakery.example/classes/"]);
    let out = run(&icon);
    assert_eq!(
        out.finding("links.empty_anchor").unwrap().message,
        "1 link has no readable text."
    );
}

#[test]
fn development_hosts() {
    let staging = scan()
        .link("https://staging.bakery.example/guides/", "Guides")
        .fact(
            "analysis.site_settings",
            r#"{"own_hosts": [], "staging_hosts": ["staging.bakery.example"]}"#,
        );
    assert_credits(vec![
        ("no links", scan(), "links.localhost", None),
        (
            "live",
            scan().link("https://bakery.example/a/", "A"),
            "links.localhost",
            Some(1.0),
        ),
        (
            "localhost",
            scan().link("http://localhost:8080/wp-admin/", "Edit"),
            "links.localhost",
            Some(0.0),
        ),
        (
            "private ip",
            scan().link("http://192.168.1.20/cam/", "Camera"),
            "links.localhost",
            Some(0.0),
        ),
        (
            "ipv6 loopback",
            scan().link("http://[::1]:3000/", "Dev"),
            "links.localhost",
            Some(0.0),
        ),
        (
            "dot local",
            scan().link("https://shop.local/", "Shop"),
            "links.localhost",
            Some(0.0),
        ),
        (
            "public ip",
            scan().link("http://93.184.216.34/", "IP"),
            "links.localhost",
            Some(1.0),
        ),
        ("staging", staging, "links.localhost", Some(0.0)),
        (
            "mailto only",
            scan().link("mailto:dev@localhost", "Mail"),
            "links.localhost",
            Some(1.0),
        ),
    ]);
    let page = scan()
        .link("http://localhost:8080/a", "A")
        .link("http://10.0.0.5/b", "B")
        .link("http://localhost/c", "C");
    let f = run(&page).finding("links.localhost").cloned().unwrap();
    assert_eq!(
        f.message,
        "3 links point to a development or private host (10.0.0.5, localhost)."
    );
    assert_eq!(f.affected.len(), 3);
}

#[test]
fn document_link_checks() {
    let many = (0..101).fold(scan(), |page, i| {
        page.link(format!("/p{i}/"), format!("Page {i}"))
    });
    let js = last_link(scan().link("javascript:void(0)", "Show all"), |l| {
        l.crawlable = false
    });
    let wp_js = last_link(
        scan().wordpress("1").link("javascript:void(0)", "Show all"),
        |l| l.crawlable = false,
    );
    assert_credits(vec![
        ("none", scan(), "links.not_crawlable", None),
        ("none", scan(), "links.dead_end", Some(0.0)),
        ("none", scan(), "links.too_many", Some(1.0)),
        ("one", scan().link("/a/", "A"), "links.dead_end", Some(1.0)),
        (
            "one",
            scan().link("/a/", "A"),
            "links.not_crawlable",
            Some(1.0),
        ),
        (
            "fragment only",
            scan().link("#top", "Top"),
            "links.dead_end",
            Some(0.0),
        ),
        ("javascript", js, "links.not_crawlable", Some(0.0)),
        ("101 links", many, "links.too_many", Some(0.0)),
        ("wordpress", wp_js, "links.not_crawlable", None),
        ("wordpress", scan().wordpress("1"), "links.dead_end", None),
        ("wordpress", scan().wordpress("1"), "links.too_many", None),
    ]);
}

#[test]
fn link_target_statuses() {
    let checked = |statuses: &[(&str, Option<u16>)]| {
        statuses.iter().fold(
            scan().capability(Capability::LinkStatus),
            |page, (href, status)| {
                last_link(page.link(*href, "Link"), |l| l.target_status = *status)
            },
        )
    };
    let redirect_to_404 = checked(&[("/old/", Some(301))]).fact(
        "analysis.link_checks",
        r#"{"https://bakery.example/old/": {"first": 301, "final": 404, "timed_out": false}}"#,
    );
    assert_credits(vec![
        (
            "all fine",
            checked(&[("/a/", Some(200)), ("/b/", Some(200))]),
            "links.broken_internal",
            Some(1.0),
        ),
        (
            "all fine",
            checked(&[("/a/", Some(200))]),
            "links.to_redirect",
            Some(1.0),
        ),
        (
            "404",
            checked(&[("/a/", Some(200)), ("/team/", Some(404))]),
            "links.broken_internal",
            Some(0.0),
        ),
        (
            "timeout",
            checked(&[("/slow/", Some(0))]),
            "links.broken_internal",
            Some(0.0),
        ),
        (
            "301",
            checked(&[("/old/", Some(301))]),
            "links.to_redirect",
            Some(0.0),
        ),
        (
            "301",
            checked(&[("/old/", Some(301))]),
            "links.broken_internal",
            Some(1.0),
        ),
        (
            "301 to 404",
            redirect_to_404,
            "links.broken_internal",
            Some(0.0),
        ),
        (
            "unknown",
            checked(&[("/a/", None)]),
            "links.broken_internal",
            None,
        ),
        (
            "external only",
            checked(&[("https://other.example/x", Some(404))]),
            "links.broken_internal",
            None,
        ),
        (
            "self",
            checked(&[("https://bakery.example/guides/starter/#x", Some(404))]),
            "links.broken_internal",
            None,
        ),
        (
            "no capability",
            scan().link("/team/", "Team"),
            "links.broken_internal",
            None,
        ),
    ]);
    let out = run(&checked(&[
        ("/team/", Some(404)),
        ("/team/#bio", Some(404)),
        ("/a/", Some(200)),
    ]));
    let f = out.finding("links.broken_internal").unwrap();
    assert_eq!(
        f.message,
        "1 internal link is broken (https://bakery.example/team/)."
    );
}

#[test]
fn image_checks() {
    let gallery = |missing: usize, total: usize| {
        (0..total).fold(scan().words(400), |page, i| {
            page.image(
                format!("/img/{i}.jpg"),
                if i < missing { None } else { Some("A loaf") },
            )
        })
    };
    let hidden = last_image(scan().image("/img/spacer.gif", None), |i| {
        i.decorative = true
    });
    let labelled = last_image(scan().image("/img/logo.svg", None), |i| {
        i.aria_label = Some("Crumb & Co".into())
    });
    let long_alt = "A".repeat(101);
    let shared = scan()
        .image("/a.jpg", Some("Bride and groom"))
        .image("/b.jpg", Some("BRIDE  and groom"));
    let same_src = scan()
        .image("/a.jpg", Some("Bride"))
        .image("/a.jpg", Some("Bride"));
    let sized = last_image(scan().image("/a.jpg", Some("A loaf")), |i| {
        i.width = Some(800);
        i.height = Some(600);
    });
    let no_images_known = plain_wordpress().words(400);
    assert_credits(vec![
        ("no images", scan(), "images.alt.missing", None),
        ("1 of 2", gallery(1, 2), "images.alt.missing", Some(0.0)),
        ("1 of 12", gallery(1, 12), "images.alt.missing", Some(0.5)),
        ("0 of 3", gallery(0, 3), "images.alt.missing", Some(1.0)),
        (
            "decorative alt",
            scan().image("/line.png", Some("")),
            "images.alt.missing",
            Some(1.0),
        ),
        ("hidden", hidden, "images.alt.missing", None),
        ("aria label", labelled, "images.alt.missing", Some(1.0)),
        (
            "long alt",
            scan().image("/a.jpg", Some(&long_alt)),
            "images.alt.too_long",
            Some(0.0),
        ),
        (
            "short alt",
            scan().image("/a.jpg", Some("A loaf")),
            "images.alt.too_long",
            Some(1.0),
        ),
        (
            "empty alt",
            scan().image("/a.jpg", Some("")),
            "images.alt.too_long",
            None,
        ),
        ("shared alt", shared, "images.alt.duplicate", Some(0.0)),
        ("same source", same_src, "images.alt.duplicate", Some(1.0)),
        (
            "one alt",
            scan().image("/a.jpg", Some("Bride")),
            "images.alt.duplicate",
            None,
        ),
        (
            "400 words, none",
            scan().words(400),
            "images.none",
            Some(0.0),
        ),
        ("400 words, one", gallery(0, 1), "images.none", Some(1.0)),
        ("200 words", scan().words(200), "images.none", None),
        ("gen C", no_images_known.clone(), "images.none", None),
        ("gen C", no_images_known, "images.alt.missing", None),
        (
            "no dimensions",
            scan().image("/a.jpg", Some("A loaf")),
            "images.no_dimensions",
            Some(0.0),
        ),
        ("sized", sized, "images.no_dimensions", Some(1.0)),
        ("no images", scan(), "images.no_dimensions", None),
        (
            "wordpress",
            scan().wordpress("1").image("/a.jpg", None),
            "images.no_dimensions",
            None,
        ),
        (
            "wordpress",
            scan().wordpress("1").image("/a.jpg", None),
            "images.alt.missing",
            Some(0.0),
        ),
    ]);
    let f = run(&gallery(1, 12))
        .finding("images.alt.missing")
        .cloned()
        .unwrap();
    assert_eq!(f.message, "1 of 12 images has no alt attribute.");
    assert_eq!(f.affected, ["https://bakery.example/img/0.jpg"]);
}

#[test]
fn every_check_reports_on_every_kind_of_page() {
    let ids: Vec<String> = crate::onpage::checks()
        .into_iter()
        .chain(crate::content::checks())
        .chain(crate::structure::checks())
        .map(|c| c.id().to_owned())
        .collect();
    assert_eq!(ids.len(), 24 + 6 + 22);
    let rich = scan()
        .title("Sourdough Starter: A Simple 7-Day Guide")
        .description("Make a lively sourdough starter at home in seven days with flour and water.")
        .keyphrase("sourdough starter")
        .words(400)
        .heading(2, "Feeding")
        .link("/classes/", "Classes")
        .image("/a.jpg", Some("A jar"))
        .capability(Capability::LinkStatus);
    let pages = [
        ("empty scan", scan()),
        ("rich scan", rich.clone()),
        (
            "rich wordpress",
            rich.wordpress("3").keyphrase("sourdough starter"),
        ),
        ("plain wordpress", plain_wordpress().words(50)),
        (
            "withheld",
            scan()
                .wordpress("4")
                .fact("analysis.capabilities", r#"["title"]"#),
        ),
        ("no url", MockPage::new("")),
    ];
    for (name, page) in pages {
        let out = run(&page);
        for id in &ids {
            assert!(out.is_reported(id), "{name}: {id} not reported");
            if let Some(credit) = out.credit(id) {
                assert!(
                    [0.0, 0.5, 1.0].contains(&credit),
                    "{name}: {id} credit {credit}"
                );
            }
        }
        for finding in out.issues() {
            assert!(
                !finding.message.is_empty(),
                "{name}: {} has no message",
                finding.check
            );
            assert!(
                finding.action.is_some(),
                "{name}: {} has no action",
                finding.check
            );
        }
    }
}
