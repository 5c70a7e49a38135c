//! Native tests of every site check on `MockSite`s.

use crate::CoreSiteRules;
use siloq_sdk::site::{RobotsError, SiteKind};
use siloq_sdk::testing::{MockSite, run_site_rule};

const O: &str = "https://shop.example";

fn url(path: &str) -> String {
    format!("{O}{path}")
}

/// A healthy crawled site: homepage linking to /a/ and /b/, robots.txt and a sitemap listing all three.
fn healthy() -> MockSite {
    let (h, a, b) = (url("/"), url("/a/"), url("/b/"));
    MockSite::new(O)
        .robots(Some(200))
        .sitemap(&url("/sitemap.xml"), &[&h, &a, &b])
        .page(&h, |p| {
            p.is_homepage = true;
            p.depth = Some(0);
            p.title = Some("home".into());
            p.in_sitemap = true;
        })
        .page(&a, |p| {
            p.depth = Some(1);
            p.inlinks = 1;
            p.title = Some("a".into());
            p.in_sitemap = true;
        })
        .page(&b, |p| {
            p.depth = Some(1);
            p.inlinks = 1;
            p.title = Some("b".into());
            p.in_sitemap = true;
        })
        .fetch(&h, 200)
        .fetch(&a, 200)
        .fetch(&b, 200)
        .edge(&h, &a)
        .edge(&h, &b)
}

fn credit(site: &MockSite, check: &str) -> Option<f32> {
    run_site_rule::<CoreSiteRules>(site, "{}")
        .unwrap()
        .credit(check)
}

fn near(a: Option<f32>, b: f32) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

#[test]
fn a_healthy_site_passes_every_check() {
    let out = run_site_rule::<CoreSiteRules>(&healthy(), "{}").unwrap();
    assert_eq!(out.findings().len(), 14);
    for f in out.findings() {
        assert_eq!(
            f.credit,
            Some(1.0),
            "{} should pass: {}",
            f.check,
            f.message
        );
    }
}

#[test]
fn robots_unreachable_missing_and_blocking() {
    let site = healthy().robots(Some(503));
    assert_eq!(credit(&site, "site.robots_txt.unreachable"), Some(0.0));
    assert_eq!(credit(&site, "site.robots_txt.blocks_all"), None);
    assert_eq!(credit(&site, "site.robots_txt.missing"), Some(1.0));
    let site = healthy().robots(None);
    assert_eq!(credit(&site, "site.robots_txt.unreachable"), Some(0.0));
    let site = healthy().robots(Some(404));
    assert_eq!(credit(&site, "site.robots_txt.missing"), Some(0.0));
    assert_eq!(credit(&site, "site.robots_txt.unreachable"), Some(1.0));
    assert_eq!(credit(&site, "site.robots_txt.invalid"), None);
    let site = healthy().disallow("*", "/");
    assert_eq!(credit(&site, "site.robots_txt.blocks_all"), Some(0.0));
    let site = healthy().disallow("googlebot", "/");
    assert_eq!(credit(&site, "site.robots_txt.blocks_all"), Some(0.0));
    let site = healthy().disallow("*", "/cart/");
    assert_eq!(credit(&site, "site.robots_txt.blocks_all"), Some(1.0));
}

#[test]
fn robots_invalid_lines_are_listed() {
    let site = healthy().with(|s| {
        s.robots_txt.as_mut().unwrap().errors = vec![RobotsError {
            line: 3,
            reason: "no colon".into(),
        }];
    });
    let out = run_site_rule::<CoreSiteRules>(&site, "{}").unwrap();
    let f = out.finding("site.robots_txt.invalid").unwrap();
    assert_eq!(f.credit, Some(0.0));
    assert_eq!(f.affected, ["line 3: no colon"]);
    assert!(f.message.contains("1 invalid line ("), "{}", f.message);
}

#[test]
fn sitemap_missing_invalid_and_bad_urls() {
    let site = healthy().with(|s| s.sitemaps.clear());
    assert_eq!(credit(&site, "site.sitemap.missing"), Some(0.0));
    assert_eq!(credit(&site, "site.sitemap.invalid"), None);
    let site = healthy().with(|s| s.sitemaps[0].parse_error = Some("unexpected end".into()));
    assert_eq!(credit(&site, "site.sitemap.invalid"), Some(0.0));
    let site = healthy().with(|s| s.sitemaps[0].url_count = 50_001);
    assert_eq!(credit(&site, "site.sitemap.invalid"), Some(0.0));

    // One listed URL redirects and one is disallowed for Googlebot: 2 of 4 checked are bad.
    let (moved, blocked) = (url("/old/"), url("/private/x"));
    let site = healthy()
        .with(|s| {
            s.sitemaps[0].entries.push(moved.clone());
            s.sitemaps[0].entries.push(blocked.clone());
            s.sitemaps[0]
                .entries
                .push("https://elsewhere.example/".into());
            s.sitemaps[0].entries.push(url("/never-fetched/"));
        })
        .fetch(&moved, 301)
        .disallow("googlebot", "/private/");
    let out = run_site_rule::<CoreSiteRules>(&site, "{}").unwrap();
    let f = out.finding("site.sitemap.bad_urls").unwrap();
    assert!(near(f.credit, 1.0 - 2.0 / 5.0), "{:?}", f.credit);
    assert_eq!(f.affected, [moved.as_str(), blocked.as_str()]);

    let noindexed = healthy().with(|s| s.pages[1].noindex = true);
    assert!(near(credit(&noindexed, "site.sitemap.bad_urls"), 2.0 / 3.0));
    let canonical_elsewhere = healthy().with(|s| s.pages[2].canonicals = vec![url("/a/")]);
    assert!(near(
        credit(&canonical_elsewhere, "site.sitemap.bad_urls"),
        2.0 / 3.0
    ));
}

#[test]
fn error_pages_share_and_disallowed_urls_not_counted() {
    let site = healthy().fetch(&url("/team/"), 404).with(|s| {
        let mut f = s.fetches[0].clone();
        f.url = url("/slow/");
        f.final_status = None;
        f.first_status = None;
        f.timed_out = true;
        s.fetches.push(f);
        let mut f = s.fetches[0].clone();
        f.url = url("/cart/");
        f.siloq_disallowed = true;
        f.final_status = None;
        s.fetches.push(f);
    });
    let out = run_site_rule::<CoreSiteRules>(&site, "{}").unwrap();
    let f = out.finding("site.error_pages").unwrap();
    assert!(near(f.credit, 1.0 - 2.0 / 5.0), "{:?}", f.credit);
    assert_eq!(f.affected, [url("/team/"), url("/slow/")]);
    let synced = MockSite::new(O).kind(SiteKind::Synced);
    assert_eq!(credit(&synced, "site.error_pages"), None);
}

#[test]
fn noindex_conflicts() {
    // A noindex page listed in the sitemap.
    let site = healthy().with(|s| s.pages[1].noindex = true);
    let out = run_site_rule::<CoreSiteRules>(&site, "{}").unwrap();
    let f = out.finding("index.noindex_conflict").unwrap();
    assert_eq!(f.credit, Some(0.0));
    assert_eq!(f.affected, [url("/a/")]);
    assert!(f.message.contains("listed in the sitemap"), "{}", f.message);
    // The canonical target of another page, not in any sitemap.
    let site = healthy().with(|s| {
        s.sitemaps.clear();
        s.pages[2].noindex = true;
        s.pages[1].canonicals = vec![url("/b/")];
    });
    let out = run_site_rule::<CoreSiteRules>(&site, "{}").unwrap();
    assert!(
        out.finding("index.noindex_conflict")
            .unwrap()
            .message
            .contains("canonical target")
    );
    // A noindex page nothing points at is not a conflict.
    let site = healthy().with(|s| {
        s.sitemaps.clear();
        s.pages[2].noindex = true;
    });
    assert_eq!(credit(&site, "index.noindex_conflict"), Some(1.0));
    // The homepage disallowed for Googlebot.
    let site = healthy().with(|s| s.pages[0].googlebot_disallowed = true);
    let out = run_site_rule::<CoreSiteRules>(&site, "{}").unwrap();
    assert!(
        out.finding("index.noindex_conflict")
            .unwrap()
            .message
            .contains("homepage")
    );
}

#[test]
fn duplicate_titles_per_language_descriptions_and_text() {
    let site = healthy().with(|s| {
        s.pages[1].title = Some("bikes".into());
        s.pages[2].title = Some("bikes".into());
    });
    let out = run_site_rule::<CoreSiteRules>(&site, "{}").unwrap();
    let f = out.finding("meta.title.duplicate").unwrap();
    assert!(near(f.credit, 1.0 / 3.0));
    assert_eq!(f.affected, [url("/a/"), url("/b/")]);
    assert_eq!(f.message, "2 pages share the title \"bikes\".");
    // The same title in two declared languages is not a duplicate.
    let site = site.with(|s| {
        s.pages[1].lang = Some("en".into());
        s.pages[2].lang = Some("de".into());
    });
    assert_eq!(credit(&site, "meta.title.duplicate"), Some(1.0));
    // Ineligible pages do not count, and fewer than two eligible pages make the checks N/A.
    let site = healthy().with(|s| {
        s.pages[1].title = Some("bikes".into());
        s.pages[2].title = Some("bikes".into());
        s.pages[2].eligible = false;
    });
    assert_eq!(credit(&site, "meta.title.duplicate"), Some(1.0));
    let lonely = MockSite::new(O).page(&url("/"), |_| {});
    assert_eq!(credit(&lonely, "meta.title.duplicate"), None);

    let site = healthy().with(|s| {
        for p in &mut s.pages {
            p.description = Some("same".into());
        }
    });
    assert_eq!(credit(&site, "meta.description.duplicate"), Some(0.0));

    let site = healthy().with(|s| {
        for p in &mut s.pages[1..] {
            p.text_hash = Some("abc".into());
            p.char_count_main = 400;
        }
    });
    assert!(near(credit(&site, "content.duplicate"), 1.0 / 3.0));
    let short = site.with(|s| s.pages[2].char_count_main = 49);
    assert_eq!(credit(&short, "content.duplicate"), Some(1.0));
}

#[test]
fn orphans_and_depth() {
    let lost = url("/lost/");
    let site = healthy().page(&lost, |p| p.in_sitemap = true);
    let out = run_site_rule::<CoreSiteRules>(&site, "{}").unwrap();
    let f = out.finding("links.orphan").unwrap();
    assert!(near(f.credit, 0.75));
    assert_eq!(f.affected, [lost.as_str()]);
    assert_eq!(f.message, format!("No page links to {lost}."));
    // A nofollow link does not rescue it; a followed edge does, even without the kernel's count.
    let nofollow = site
        .clone()
        .edge(&url("/a/"), &lost)
        .with(|s| s.edges[2].follow = false);
    assert!(near(credit(&nofollow, "links.orphan"), 0.75));
    let linked = site.edge(&url("/a/"), &lost);
    assert_eq!(credit(&linked, "links.orphan"), Some(1.0));

    let deep = healthy().with(|s| s.pages[2].depth = Some(5));
    assert!(near(credit(&deep, "crawl.depth"), 2.0 / 3.0));
    let four = healthy().with(|s| s.pages[2].depth = Some(4));
    assert_eq!(credit(&four, "crawl.depth"), Some(1.0));
    let config = r#"{"max_depth": 3}"#;
    let out = run_site_rule::<CoreSiteRules>(&four, config).unwrap();
    assert!(near(out.credit("crawl.depth"), 2.0 / 3.0));
    let synced = healthy().kind(SiteKind::Synced);
    assert_eq!(credit(&synced, "crawl.depth"), None);
    assert_eq!(credit(&synced, "site.sitemap.missing"), None);
}

#[test]
fn a_synced_site_without_crawl_facts() {
    let site = MockSite::new(O)
        .kind(SiteKind::Synced)
        .page(&url("/"), |p| p.is_homepage = true)
        .page(&url("/x/"), |p| p.title = Some("t".into()))
        .page(&url("/y/"), |p| p.title = Some("t".into()));
    let out = run_site_rule::<CoreSiteRules>(&site, "{}").unwrap();
    assert_eq!(out.credit("site.robots_txt.unreachable"), None);
    assert_eq!(out.credit("site.error_pages"), None);
    assert!(near(out.credit("meta.title.duplicate"), 1.0 / 3.0));
    assert!(near(out.credit("links.orphan"), 1.0 / 3.0));
}

#[test]
fn bad_config_is_an_operator_error() {
    let err = run_site_rule::<CoreSiteRules>(&healthy(), r#"{"max_depth": "deep"}"#).unwrap_err();
    assert!(matches!(err, siloq_sdk::ExtensionError::InvalidConfig(_)));
}
