//! Site rules (extensions.md §5.5; seo-rules.md §2.8, §2.9, §4.4) through the real bundled component
//! `siloq.core-site-rules`, called by the kernel's host with production limits.
//!
//! There is no HTTP route for site judgements yet (the scanner brings one), so these tests use the kernel as a
//! library: the site fixture of `tests/fixtures/seo/site/` is crawled in memory from its route table (breadth
//! first from `/` in document order, then the sitemap URLs links did not reach, as seo-rules.md §1.3 says), each
//! page is prepared and judged by the bundled page ruleset, and the site snapshot goes through
//! [`Runtime::judge_site`] and [`site::judge`].

use serde_json::Value;
use siloq_kernel::analysis::{self, Mode, ParseInput};
use siloq_kernel::extensions::site::{
    self, Discovery, RobotsFacts, ScoredSitePage, SiteEdge, SiteFetch, SiteInfo, SiteKind,
    SitePage, SiteRuleEntry, SiteSnapshot, SiteVerdict, SitemapFacts,
};
use siloq_kernel::extensions::wit::v1_0_0::document::{Header, HttpFacts};
use siloq_kernel::extensions::{PageContext, PreparedPage, Runtime, bundled};
use siloq_tests::guests::lab::{Lab, Plan};
use siloq_tests::{fixtures_dir, test_config};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The check ids `siloq.core-site-rules` declares, from its `describe()`.
fn site_checks(rules: &[SiteRuleEntry]) -> BTreeSet<String> {
    rules
        .iter()
        .flat_map(|r| r.ext.info().checks.iter().map(|c| c.id.clone()))
        .collect()
}

fn bundled_site_rules(lab: &Lab) -> Vec<SiteRuleEntry> {
    bundled::load_site_rules(lab.host())
        .expect("the bundled site rules load")
        .into_iter()
        .map(SiteRuleEntry::with_defaults)
        .collect()
}

/// What the in-memory crawl of the site fixture produced.
struct Crawl {
    snapshot: SiteSnapshot,
    pages: Vec<ScoredSitePage>,
}

fn read(name: &str) -> String {
    let path = fixtures_dir().join("seo/site").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `<loc>` values of a sitemap, in file order.
fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|part| part.split("</loc>").next())
        .map(|s| s.trim().to_string())
        .collect()
}

/// Crawls the fixture's route table: robots.txt first, links breadth first, then sitemap URLs.
fn crawl_fixture(lab: &Lab) -> Crawl {
    let routes: Value = serde_json::from_str(&read("routes.json")).expect("routes.json");
    let origin = routes["origin"].as_str().expect("origin").to_string();
    let route = |path: &str| routes["routes"].get(path).cloned();
    let ruleset = lab.load(&Plan::bundled()).expect("bundled ruleset");

    let robots_body = read("robots.txt");
    let robots = RobotsFacts::from_response(Some(200), false, &robots_body);
    let sitemap_url = robots.sitemaps.first().cloned().expect("a Sitemap line");
    let sitemap_path = sitemap_url.strip_prefix(&origin).expect("same origin");
    let sitemap_body = read(
        route(sitemap_path).expect("sitemap route")["file"]
            .as_str()
            .unwrap(),
    );
    let entries = locs(&sitemap_body);
    let sitemaps = vec![SitemapFacts {
        url: sitemap_url.clone(),
        status: Some(200),
        timed_out: false,
        parse_error: None,
        root: Some("urlset".into()),
        url_count: entries.len() as u32,
        uncompressed_bytes: sitemap_body.len() as u64,
        entries: entries.clone(),
    }];

    let mut queue: VecDeque<(String, Discovery, u32)> = VecDeque::new();
    queue.push_back((format!("{origin}/"), Discovery::Seed, 0));
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut fetches = Vec::new();
    let mut pages: Vec<SitePage> = Vec::new();
    let mut scored = Vec::new();
    let mut links: Vec<SiteEdge> = Vec::new();
    let mut sitemap_queued = false;
    loop {
        let Some((url, via, depth)) = queue.pop_front() else {
            if sitemap_queued {
                break;
            }
            sitemap_queued = true;
            for entry in &entries {
                queue.push_back((entry.clone(), Discovery::Sitemap, u32::MAX));
            }
            continue;
        };
        if !seen.insert(url.clone()) {
            continue;
        }
        let path = url.strip_prefix(&origin).unwrap_or("/").to_string();
        let googlebot_disallowed = !robots.allows("googlebot", &path);
        let Some(r) = route(&path) else {
            fetches.push(SiteFetch {
                url: url.clone(),
                via,
                first_status: Some(404),
                final_url: Some(url.clone()),
                final_status: Some(404),
                redirects: 0,
                timed_out: false,
                siloq_disallowed: !robots.allows("siloqbot", &path),
                googlebot_disallowed,
            });
            continue;
        };
        fetches.push(SiteFetch {
            url: url.clone(),
            via,
            first_status: Some(200),
            final_url: Some(url.clone()),
            final_status: Some(200),
            redirects: 0,
            timed_out: false,
            siloq_disallowed: false,
            googlebot_disallowed,
        });
        let html = read(r["file"].as_str().expect("file"));
        let doc = analysis::parse(&ParseInput::scan(&url, &html));
        let headers: Vec<Header> = routes["defaults"]["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| Header {
                name: k.clone(),
                value: v.as_str().unwrap_or_default().to_string(),
            })
            .collect();
        let http = HttpFacts {
            status: 200,
            headers,
            content_type: Some("text/html".into()),
            charset: Some("utf-8".into()),
            content_encoding: Some("br".into()),
            redirects: Vec::new(),
            ttfb_ms: Some(
                r["ttfb_ms"]
                    .as_u64()
                    .or(routes["defaults"]["ttfb_ms"].as_u64())
                    .unwrap_or(180) as u32,
            ),
            download_ms: None,
            bytes_raw: html.len() as u32,
            bytes_transferred: None,
            timed_out: false,
            error: None,
        };
        let prepared = PreparedPage::new(
            &doc,
            PageContext {
                html: Some(html.clone()),
                http: Some(http),
                ..PageContext::default()
            },
        );
        let result = lab.run(&ruleset, &prepared);
        let page_score = ScoredSitePage::from_pipeline(&url, &result.raw, Mode::Scan, false);
        let mut page = SitePage::from_doc(&doc);
        page.url = url.clone();
        page.depth = (depth != u32::MAX).then_some(depth);
        page.googlebot_disallowed = googlebot_disallowed;
        page.noindex = page_score.issues.iter().any(|i| i.check == "index.noindex");
        page.eligible =
            site::crawl_eligible(200, page_score.index_gate, &page.url, &page.canonicals);
        page.in_sitemap = entries.contains(&url);
        page.is_homepage = path == "/";
        // Followed internal links, in document order, without fragments.
        for link in &doc.links {
            let Some(target) = link.href_abs.as_deref() else {
                continue;
            };
            let target = target.split('#').next().unwrap_or(target).to_string();
            if !link.internal || target == url {
                continue;
            }
            let follow = !link.rel.iter().any(|r| r == "nofollow");
            links.push(SiteEdge {
                from: url.clone(),
                to: target.clone(),
                text: link.accessible_name.clone(),
                follow,
                in_main: link.in_main,
            });
            if follow && depth != u32::MAX {
                queue.push_back((target, Discovery::Link, depth + 1));
            }
        }
        pages.push(page);
        scored.push(page_score);
    }
    // Edges between analysed pages only; inlinks from other pages.
    let analysed: BTreeSet<String> = pages.iter().map(|p| p.url.clone()).collect();
    let edges: Vec<SiteEdge> = links
        .into_iter()
        .filter(|e| analysed.contains(&e.to))
        .collect();
    for page in &mut pages {
        page.inlinks = edges
            .iter()
            .filter(|e| e.follow && e.to == page.url && e.from != page.url)
            .count() as u32;
    }
    Crawl {
        snapshot: SiteSnapshot {
            info: SiteInfo {
                origin: origin.clone(),
                homepage_url: format!("{origin}/"),
                kind: SiteKind::Crawl,
                page_limit: Some(25),
                cut_short: false,
            },
            pages,
            fetches,
            edges,
            robots_txt: Some(robots),
            sitemaps,
            probes: Vec::new(),
        },
        pages: scored,
    }
}

/// Fired site findings as `check` and `check@/path/` for each affected URL of the origin.
fn fired(verdict: &SiteVerdict, origin: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in verdict.findings.iter().filter(|f| f.fired()) {
        out.insert(f.check.clone());
        for url in &f.affected {
            if let Some(path) = url.strip_prefix(origin) {
                out.insert(format!("{}@{path}", f.check));
            }
        }
    }
    out
}

#[test]
fn the_site_fixture_meets_its_site_rule_expectations() {
    let lab = Lab::shared();
    let rules = bundled_site_rules(lab);
    let declared = site_checks(&rules);
    assert_eq!(declared.len(), 14, "the 14 R1 site rules: {declared:?}");
    let crawl = crawl_fixture(lab);
    assert_eq!(crawl.snapshot.pages.len(), 9, "nine pages answer 200");
    let verdict = site::judge(lab.host(), &rules, &crawl.snapshot, &crawl.pages);
    assert!(
        verdict.diagnostics.is_empty() && !verdict.degraded,
        "{:?}",
        verdict.diagnostics
    );
    assert_eq!(
        verdict.findings.len(),
        14,
        "every site check applies to a crawl"
    );

    let expect: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures_dir().join("seo/site.expect.json")).unwrap(),
    )
    .unwrap();
    let origin = &crawl.snapshot.info.origin;
    let fired = fired(&verdict, origin);
    let is_site_check = |entry: &str| declared.contains(entry.split('@').next().unwrap_or(entry));
    let mut problems = Vec::new();
    for entry in expect["must_fire"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
    {
        if is_site_check(entry) && !fired.contains(entry) {
            problems.push(format!("{entry} must fire"));
        }
    }
    for entry in expect["must_not_fire"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
    {
        if is_site_check(entry) && fired.contains(entry) {
            problems.push(format!("{entry} must not fire"));
        }
    }
    let range = expect["score_range"].as_array().unwrap();
    let (lo, hi) = (range[0].as_i64().unwrap(), range[1].as_i64().unwrap());
    if !(lo..=hi).contains(&verdict.health.score) {
        problems.push(format!(
            "health {} outside {lo}..={hi}",
            verdict.health.score
        ));
    }
    assert!(
        problems.is_empty(),
        "{problems:?}\nfired: {fired:?}\nhealth: {:#?}",
        verdict.health
    );

    // The two duplicate titles share 2 of 9 eligible pages; /team/ is the one error among the fetched URLs.
    let title = verdict
        .findings
        .iter()
        .find(|f| f.check == "meta.title.duplicate")
        .unwrap();
    assert!((title.credit - 7.0 / 9.0).abs() < 1e-6, "{}", title.credit);
    assert_eq!(title.details["scope"], "site");
    assert_eq!(title.details["extension"], "siloq.core-site-rules");
    let errors = verdict
        .findings
        .iter()
        .find(|f| f.check == "site.error_pages")
        .unwrap();
    assert_eq!(errors.affected, [format!("{origin}/team/")]);
    assert_eq!(verdict.health.pages_scored, 9);
    assert_eq!(
        verdict.health.grade,
        siloq_kernel::scoring::grade(verdict.health.score)
    );
    assert!(verdict.health.top_issues.len() <= 10);
    assert!(
        verdict
            .site_issues_for(&format!("{origin}/pricing/"))
            .any(|f| f.check == "meta.title.duplicate")
    );
}

#[test]
fn judging_is_deterministic() {
    let lab = Lab::shared();
    let rules = bundled_site_rules(lab);
    let crawl = crawl_fixture(lab);
    let a = site::judge(lab.host(), &rules, &crawl.snapshot, &crawl.pages);
    let b = site::judge(lab.host(), &rules, &crawl.snapshot, &crawl.pages);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

#[tokio::test]
async fn the_runtime_judges_a_site_on_its_evaluation_threads() {
    let config = test_config("sqlite::memory:");
    let runtime = Runtime::shared(&config.extensions, None).expect("runtime");
    let lab = Lab::shared();
    let crawl = crawl_fixture(lab);
    let direct = site::judge(
        lab.host(),
        &bundled_site_rules(lab),
        &crawl.snapshot,
        &crawl.pages,
    );
    let verdict = runtime.judge_site(crawl.snapshot, crawl.pages).await;
    assert!(!verdict.degraded, "{:?}", verdict.diagnostics);
    assert_eq!(verdict.health, direct.health);
    assert_eq!(verdict.findings, direct.findings);

    // A runtime without extensions still reports the health of the pages, marked degraded.
    let off = Runtime::disabled();
    let crawl = crawl_fixture(lab);
    let verdict = off.judge_site(crawl.snapshot, crawl.pages).await;
    assert!(verdict.degraded && verdict.findings.is_empty());
    assert_eq!(verdict.health.pages_scored, 9);
}

#[test]
fn a_failing_site_rule_becomes_a_diagnostic_and_the_pages_still_count() {
    let lab = Lab::shared();
    let mut rules = bundled_site_rules(lab);
    rules[0].config = r#"{"max_depth": "very deep"}"#.into();
    let crawl = crawl_fixture(lab);
    let verdict = site::judge(lab.host(), &rules, &crawl.snapshot, &crawl.pages);
    assert!(verdict.degraded);
    assert!(verdict.findings.is_empty());
    assert_eq!(verdict.diagnostics.len(), 1, "{:?}", verdict.diagnostics);
    let d = &verdict.diagnostics[0];
    assert_eq!(d.extension, "siloq.core-site-rules");
    assert_eq!(d.reason.as_str(), "invalid_config");
    assert_eq!(verdict.health.pages_scored, 9);
    assert!(verdict.health.score > 0);
}

/// 40 eligible pages with the page-part means of seo-rules.md §2.10 example 4, and a crawl whose site facts
/// give its on-page and structure credits: duplicate titles 6 of 40, duplicate descriptions 10 of 40, 4
/// orphans, 5 pages deeper than 4 clicks; plus 2 errors among 42 fetched URLs.
fn example_4() -> (SiteSnapshot, Vec<ScoredSitePage>) {
    let origin = "https://example-4.example";
    let url = |i: usize| {
        if i == 0 {
            format!("{origin}/")
        } else {
            format!("{origin}/p{i}/")
        }
    };
    let categories: BTreeMap<String, Option<f64>> = [
        ("technical", 85.0),
        ("onpage", 70.0),
        ("content", 68.0),
        ("structure", 62.0),
        ("performance", 74.0),
    ]
    .into_iter()
    .map(|(c, v)| (c.to_string(), Some(v)))
    .collect();
    let base = (25.0 * 85.0 + 15.0 * 70.0 + 20.0 * 68.0 + 20.0 * 62.0 + 20.0 * 74.0) / 100.0;
    let mut pages = Vec::new();
    let mut scored = Vec::new();
    let mut fetches = Vec::new();
    let mut edges = Vec::new();
    for i in 0..40 {
        let mut p = SitePage {
            url: url(i),
            status: 200,
            eligible: true,
            is_homepage: i == 0,
            title: Some(if (1..=6).contains(&i) {
                format!("shared {}", i % 3)
            } else {
                format!("title {i}")
            }),
            description: Some(if (1..=10).contains(&i) {
                "shared".to_string()
            } else {
                format!("description {i}")
            }),
            text_hash: Some(format!("{i:064x}")),
            char_count_main: 1_000,
            depth: Some(if (35..40).contains(&i) { 5 } else { 1 }),
            in_sitemap: true,
            ..SitePage::default()
        };
        if i > 0 && !(36..40).contains(&i) {
            edges.push(SiteEdge {
                from: url(0),
                to: url(i),
                text: format!("page {i}"),
                follow: true,
                in_main: true,
            });
            p.inlinks = 1;
        }
        fetches.push(SiteFetch {
            url: url(i),
            via: Discovery::Link,
            first_status: Some(200),
            final_url: Some(url(i)),
            final_status: Some(200),
            ..SiteFetch::default()
        });
        pages.push(p);
        scored.push(ScoredSitePage {
            url: url(i),
            score: 73,
            base,
            capped: base,
            categories: categories.clone(),
            ..ScoredSitePage::default()
        });
    }
    for gone in ["/gone-1/", "/gone-2/"] {
        fetches.push(SiteFetch {
            url: format!("{origin}{gone}"),
            via: Discovery::Link,
            first_status: Some(404),
            final_url: Some(format!("{origin}{gone}")),
            final_status: Some(404),
            ..SiteFetch::default()
        });
    }
    let snapshot = SiteSnapshot {
        info: SiteInfo {
            origin: origin.into(),
            homepage_url: url(0),
            kind: SiteKind::Crawl,
            page_limit: Some(50),
            cut_short: false,
        },
        pages,
        fetches,
        edges,
        robots_txt: Some(RobotsFacts::from_response(
            Some(200),
            false,
            "User-agent: *\nAllow: /\n",
        )),
        sitemaps: vec![SitemapFacts {
            url: format!("{origin}/sitemap.xml"),
            status: Some(200),
            root: Some("urlset".into()),
            url_count: 40,
            uncompressed_bytes: 4_000,
            entries: (0..40).map(url).collect(),
            ..SitemapFacts::default()
        }],
        probes: Vec::new(),
    };
    (snapshot, scored)
}

#[test]
fn worked_example_4_site_credits_and_costs_through_the_component() {
    let lab = Lab::shared();
    let (snapshot, pages) = example_4();
    let verdict = site::judge(lab.host(), &bundled_site_rules(lab), &snapshot, &pages);
    assert!(verdict.diagnostics.is_empty(), "{:?}", verdict.diagnostics);
    let credit = |id: &str| {
        verdict
            .findings
            .iter()
            .find(|f| f.check == id)
            .map(|f| f.credit)
    };
    let near = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-6);
    assert!(
        near(credit("meta.title.duplicate"), 0.85),
        "{:?}",
        credit("meta.title.duplicate")
    );
    assert!(near(credit("meta.description.duplicate"), 0.75));
    assert!(near(credit("links.orphan"), 0.9));
    assert!(near(credit("crawl.depth"), 0.875));
    assert!(near(credit("site.error_pages"), 1.0 - 2.0 / 42.0));
    assert!(near(credit("content.duplicate"), 1.0));

    let h = &verdict.health;
    // B_onpage = 80.000 and B_structure = 89.167 as in the example: H_onpage 73.000, H_structure 70.150.
    assert_eq!(h.category_scores["onpage"], Some(73));
    assert_eq!(h.category_scores["structure"], Some(70));
    assert_eq!(h.category_scores["content"], Some(78));
    assert_eq!(h.category_scores["performance"], Some(74));
    // The duplicate descriptions cost 0.15 x 0.3 x 12.5 = 0.5625 health points.
    let descriptions = verdict
        .findings
        .iter()
        .find(|f| f.check == "meta.description.duplicate")
        .unwrap();
    assert!(
        (descriptions.impact - 0.5625).abs() < 1e-6,
        "{}",
        descriptions.impact
    );
    assert_eq!(h.pages_scored, 40);
    assert_eq!(h.mean_page_score, Some(73.0));
    // Issues: the fired site rules, each once (no page issues in this example).
    assert_eq!(h.total_issues, 5);
    assert_eq!(h.issues_by_severity["medium"], 3);
}
