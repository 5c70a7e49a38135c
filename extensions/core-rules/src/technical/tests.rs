//! Fail, pass and not-applicable paths of every technical check, run through the whole extension.

use super::*;
use crate::CoreRules;
use siloq_sdk::testing::{MockPage, Outcome, run_rule};

const URL: &str = "https://shop.example/products/tea/";

const ALL: [&str; 21] = [
    STATUS_ERROR,
    TIMEOUT,
    REDIRECT_LOOP,
    REDIRECT_CHAIN,
    NOINDEX,
    ROBOTS_BLOCKED,
    CANONICAL_MULTIPLE,
    CANONICAL_INVALID,
    CANONICAL_RELATIVE,
    CANONICAL_TO_HOMEPAGE,
    CANONICAL_MISSING,
    HREFLANG_INVALID,
    HREFLANG_SELF_MISSING,
    HREFLANG_X_DEFAULT_MISSING,
    LANG_MISSING,
    LANG_INVALID,
    VIEWPORT_MISSING,
    HTTPS_NOT_USED,
    HTTPS_MIXED_CONTENT,
    HTTPS_INSECURE_FORM,
    HTTPS_HTTP_INTERNAL_LINKS,
];

fn head_link(rel: &str, href: &str, hreflang: Option<&str>, location: Location) -> LinkTag {
    LinkTag {
        rel: rel.into(),
        href: href.into(),
        href_abs: None,
        hreflang: hreflang.map(str::to_owned),
        location,
    }
}

fn meta(name: &str, content: &str) -> MetaTag {
    MetaTag {
        name: Some(name.into()),
        property: None,
        http_equiv: None,
        content: content.into(),
        location: Location::Head,
    }
}

fn hop(url: &str, location: &str) -> RedirectHop {
    RedirectHop {
        url: url.into(),
        status: 301,
        location: Some(location.into()),
    }
}

fn header(name: &str, value: &str) -> Header {
    Header {
        name: name.into(),
        value: value.into(),
    }
}

fn http(page: &mut MockPage) -> &mut HttpFacts {
    page.http.as_mut().expect("a scanned page has HTTP facts")
}

/// A scanned https page that passes every technical check.
fn clean_at(url: &str) -> MockPage {
    MockPage::new(url)
        .lang("en-GB")
        .with(|p| {
            p.head
                .metas
                .push(meta("viewport", "width=device-width, initial-scale=1"));
            p.head
                .links
                .push(head_link("canonical", url, None, Location::Head));
            p.forms.push(Form {
                action: "https://shop.example/newsletter".into(),
                method: "post".into(),
            });
            p.resources.push(Subresource {
                url: "https://cdn.example/app.js".into(),
                kind: ResourceKind::Script,
                insecure: false,
                bytes: None,
            });
        })
        .link("/about/", "About the shop")
        .link("https://other.example/tea", "Tea growers")
}

fn clean() -> MockPage {
    clean_at(URL)
}

fn run(page: &MockPage) -> Outcome {
    run_rule::<CoreRules>(page, "{}").expect("evaluate succeeds")
}

fn message(outcome: &Outcome, check: &str) -> String {
    outcome.finding(check).expect("reported").message.clone()
}

#[test]
fn every_check_is_declared_with_its_category() {
    let checks = checks();
    assert_eq!(checks.len(), ALL.len());
    for (check, id) in checks.iter().zip(ALL) {
        assert_eq!(check.id(), id);
        assert_eq!(check.info().category, Category::Technical);
    }
    let blocking = |id: &str| {
        checks
            .iter()
            .find(|c| c.id() == id)
            .unwrap()
            .info()
            .blocking
    };
    for gate in [STATUS_ERROR, TIMEOUT, REDIRECT_LOOP] {
        assert_eq!(blocking(gate), Some(Blocking::HardFailure));
    }
    for gate in [NOINDEX, ROBOTS_BLOCKED] {
        assert_eq!(blocking(gate), Some(Blocking::NotIndexable));
    }
}

#[test]
fn clean_page_passes_and_reports_every_check() {
    let out = run(&clean());
    for id in ALL {
        assert!(out.is_reported(id), "{id} not reported");
        let expected = match id {
            ROBOTS_BLOCKED
            | HREFLANG_INVALID
            | HREFLANG_SELF_MISSING
            | HREFLANG_X_DEFAULT_MISSING => None,
            _ => Some(1.0),
        };
        assert_eq!(out.credit(id), expected, "{id}");
    }
}

type Case = (
    &'static str,
    fn(MockPage) -> MockPage,
    &'static str,
    Option<f32>,
);

fn check_cases(cases: &[Case]) {
    for (name, change, check, expected) in cases {
        let out = run(&change(clean()));
        assert_eq!(out.credit(check), *expected, "{name}: {check}");
    }
}

#[test]
fn http_gates() {
    check_cases(&[
        ("404", |p| p.status(404), STATUS_ERROR, Some(0.0)),
        ("503", |p| p.status(503), STATUS_ERROR, Some(0.0)),
        ("399", |p| p.status(399), STATUS_ERROR, Some(1.0)),
        (
            "404 stops the rest",
            |p| p.status(404),
            CANONICAL_MISSING,
            None,
        ),
        (
            "404 stops noindex",
            |p| p.status(404).noindex(),
            NOINDEX,
            None,
        ),
        (
            "404 stops performance",
            |p| p.status(404),
            crate::performance::DOM_SIZE,
            None,
        ),
        (
            "timeout",
            |p| p.with(|p| http(p).timed_out = true),
            TIMEOUT,
            Some(0.0),
        ),
        (
            "timeout has no status",
            |p| p.with(|p| http(p).timed_out = true),
            STATUS_ERROR,
            None,
        ),
        (
            "timeout stops the rest",
            |p| p.with(|p| http(p).timed_out = true),
            LANG_MISSING,
            None,
        ),
        (
            "loop revisits a URL",
            |p| {
                p.status(301).with(|p| {
                    http(p).redirects = vec![
                        hop("https://shop.example/a", "/b"),
                        hop("https://shop.example/b", "/a"),
                        hop("https://SHOP.example:443/a", "/b"),
                    ]
                })
            },
            REDIRECT_LOOP,
            Some(0.0),
        ),
        (
            "loop stops on a redirect back",
            |p| {
                p.status(301).with(|p| {
                    http(p).redirects = vec![
                        hop("https://shop.example/a", "/b"),
                        hop("https://shop.example/b", "/a"),
                    ]
                })
            },
            REDIRECT_LOOP,
            Some(0.0),
        ),
        (
            "more than 10 hops",
            |p| {
                p.with(|p| {
                    http(p).redirects = (0..11)
                        .map(|i| hop(&format!("https://shop.example/{i}"), &format!("/{}", i + 1)))
                        .collect()
                })
            },
            REDIRECT_LOOP,
            Some(0.0),
        ),
        (
            "10 distinct hops",
            |p| {
                p.with(|p| {
                    http(p).redirects = (0..10)
                        .map(|i| hop(&format!("https://shop.example/{i}"), &format!("/{}", i + 1)))
                        .collect()
                })
            },
            REDIRECT_LOOP,
            Some(1.0),
        ),
        (
            "no http facts",
            |p| p.with(|p| p.http = None),
            STATUS_ERROR,
            None,
        ),
        (
            "without the http capability",
            |p| p.without(Capability::Http),
            TIMEOUT,
            None,
        ),
    ]);
    let out = run(&clean().status(410));
    assert_eq!(
        message(&out, STATUS_ERROR),
        "The page answered with HTTP 410."
    );
    let out = run(&clean().with(|p| http(p).timed_out = true));
    assert_eq!(
        message(&out, TIMEOUT),
        "The server did not finish responding within 10 s."
    );
}

fn hops(n: usize) -> fn(MockPage) -> MockPage {
    match n {
        1 => |p| p.with(|p| http(p).redirects = vec![hop("http://shop.example/tea", URL)]),
        2 => |p| {
            p.with(|p| {
                http(p).redirects = vec![
                    hop("http://shop.example/tea", "https://shop.example/tea"),
                    hop("https://shop.example/tea", URL),
                ]
            })
        },
        _ => |p| {
            p.with(|p| {
                http(p).redirects = (0..5)
                    .map(|i| hop(&format!("https://shop.example/{i}"), &format!("/{}", i + 1)))
                    .collect()
            })
        },
    }
}

#[test]
fn redirect_chain() {
    check_cases(&[
        ("one hop", hops(1), REDIRECT_CHAIN, Some(1.0)),
        ("two hops", hops(2), REDIRECT_CHAIN, Some(0.5)),
        ("five hops", hops(5), REDIRECT_CHAIN, Some(0.0)),
    ]);
    let out = run(&hops(2)(clean()));
    assert_eq!(
        message(&out, REDIRECT_CHAIN),
        format!(
            "It takes 2 redirects to reach this page (http://shop.example/tea → https://shop.example/tea → {URL})."
        )
    );
    let out = run_rule::<CoreRules>(
        &hops(2)(clean()),
        r#"{"technical": {"redirect_chain_pass_max": 2}}"#,
    )
    .unwrap();
    assert_eq!(out.credit(REDIRECT_CHAIN), Some(1.0));
}

#[test]
fn noindex() {
    check_cases(&[
        ("meta robots", |p| p.noindex(), NOINDEX, Some(0.0)),
        (
            "meta robots: canonical.missing does not apply",
            |p| p.noindex(),
            CANONICAL_MULTIPLE,
            Some(1.0),
        ),
        (
            "X-Robots-Tag",
            |p| {
                p.with(|p| {
                    http(p)
                        .headers
                        .push(header("X-Robots-Tag", "noindex, nofollow"))
                })
            },
            NOINDEX,
            Some(0.0),
        ),
        (
            "X-Robots-Tag for googlebot",
            |p| {
                p.with(|p| {
                    http(p)
                        .headers
                        .push(header("x-robots-tag", "googlebot: none"))
                })
            },
            NOINDEX,
            Some(0.0),
        ),
        (
            "X-Robots-Tag for another crawler",
            |p| {
                p.with(|p| {
                    http(p)
                        .headers
                        .push(header("x-robots-tag", "otherbot: noindex"))
                })
            },
            NOINDEX,
            Some(1.0),
        ),
        (
            "X-Robots-Tag with other directives",
            |p| {
                p.with(|p| {
                    http(p).headers.push(header(
                        "x-robots-tag",
                        "unavailable_after: 2030-01-01, nosnippet",
                    ))
                })
            },
            NOINDEX,
            Some(1.0),
        ),
        (
            "WordPress",
            |p| p.wordpress("7").noindex(),
            NOINDEX,
            Some(0.0),
        ),
        (
            "WordPress indexable",
            |p| p.wordpress("7"),
            NOINDEX,
            Some(1.0),
        ),
    ]);
    let out = run(&clean().noindex().with(|p| {
        p.head.links.clear();
        http(p).headers.push(header("X-Robots-Tag", "noindex"));
    }));
    assert_eq!(
        message(&out, NOINDEX),
        "Search engines are told not to index this page (meta robots, X-Robots-Tag header)."
    );
    assert_eq!(out.credit(CANONICAL_MISSING), None);

    // A directive for another crawler neither fires nor names a source.
    let other = |p: &mut MockPage| {
        p.info.robots.directives.push(RobotsDirective {
            user_agent: Some("bingbot".into()),
            directive: "noindex".into(),
            source: RobotsSource::Meta,
        })
    };
    assert_eq!(run(&clean().with(other)).credit(NOINDEX), Some(1.0));
    let out = run(&clean().wordpress("4").with(other).with(|p| {
        p.info.robots.noindex = true;
        p.info.robots.directives.push(RobotsDirective {
            user_agent: None,
            directive: "noindex".into(),
            source: RobotsSource::Wordpress,
        });
    }));
    assert_eq!(
        message(&out, NOINDEX),
        "Search engines are told not to index this page (WordPress SEO setting)."
    );
}

#[test]
fn robots_txt() {
    check_cases(&[
        ("not fetched", |p| p, ROBOTS_BLOCKED, None),
        (
            "fetch failed",
            |p| p.fact("analysis.robots_txt", r#"{"fetched": false}"#),
            ROBOTS_BLOCKED,
            None,
        ),
        (
            "allowed",
            |p| {
                p.fact(
                    "analysis.robots_txt",
                    r#"{"fetched": true, "googlebot_allowed": true, "rule": null}"#,
                )
            },
            ROBOTS_BLOCKED,
            Some(1.0),
        ),
        (
            "disallowed",
            |p| {
                p.fact("analysis.robots_txt", r#"{"fetched": true, "googlebot_allowed": false, "rule": "Disallow: /products/"}"#)
            },
            ROBOTS_BLOCKED,
            Some(0.0),
        ),
        (
            "garbage",
            |p| p.fact("analysis.robots_txt", "not json"),
            ROBOTS_BLOCKED,
            None,
        ),
    ]);
    let out = run(&clean().fact(
        "analysis.robots_txt",
        r#"{"fetched": true, "googlebot_allowed": false, "rule": "Disallow: /products/"}"#,
    ));
    assert_eq!(
        message(&out, ROBOTS_BLOCKED),
        "robots.txt stops Google from crawling this URL (rule Disallow: /products/)."
    );
}

#[test]
fn wordpress_pages_only_judge_noindex() {
    let out = run(&MockPage::new(URL).wordpress("12").lang("xx_YY"));
    for id in ALL {
        let expected = if id == NOINDEX { Some(1.0) } else { None };
        assert_eq!(out.credit(id), expected, "{id}");
    }
}

#[test]
fn https() {
    check_cases(&[
        (
            "http page",
            |p| p.with(|p| p.info.final_url.scheme = "http".into()),
            HTTPS_NOT_USED,
            Some(0.0),
        ),
        (
            "mixed content",
            |p| {
                p.with(|p| {
                    p.resources.push(Subresource {
                        url: "http://cdn.example/font.css".into(),
                        kind: ResourceKind::Style,
                        insecure: true,
                        bytes: None,
                    })
                })
            },
            HTTPS_MIXED_CONTENT,
            Some(0.0),
        ),
        (
            "mixed content is judged on https pages only",
            |p| p.with(|p| p.info.final_url.scheme = "http".into()),
            HTTPS_MIXED_CONTENT,
            None,
        ),
        (
            "form to http",
            |p| p.with(|p| p.forms[0].action = "http://shop.example/newsletter".into()),
            HTTPS_INSECURE_FORM,
            Some(0.0),
        ),
        (
            "form on an http page",
            |p| p.with(|p| p.info.final_url.scheme = "http".into()),
            HTTPS_INSECURE_FORM,
            Some(0.0),
        ),
        (
            "no form",
            |p| p.with(|p| p.forms.clear()),
            HTTPS_INSECURE_FORM,
            None,
        ),
        (
            "http internal link",
            |p| p.link("http://shop.example/cart/", "Cart"),
            HTTPS_HTTP_INTERNAL_LINKS,
            Some(0.0),
        ),
        (
            "http internal link on the www host",
            |p| {
                p.link("http://www.shop.example/cart/", "Cart")
                    .with(|p| p.links[2].internal = true)
            },
            HTTPS_HTTP_INTERNAL_LINKS,
            Some(0.0),
        ),
        (
            "http external link",
            |p| p.link("http://other.example/", "Other"),
            HTTPS_HTTP_INTERNAL_LINKS,
            Some(1.0),
        ),
        (
            "internal links on an http page",
            |p| p.with(|p| p.info.final_url.scheme = "http".into()),
            HTTPS_HTTP_INTERNAL_LINKS,
            None,
        ),
    ]);
    let out = run(&clean()
        .link("http://shop.example/cart/", "Cart")
        .link("http://shop.example/faq/", "FAQ"));
    assert_eq!(
        message(&out, HTTPS_HTTP_INTERNAL_LINKS),
        "2 links to this site use http://."
    );
    let finding = out.finding(HTTPS_HTTP_INTERNAL_LINKS).unwrap();
    assert_eq!(
        run(&clean().link("http://shop.example/cart/", "Cart"))
            .finding(HTTPS_HTTP_INTERNAL_LINKS)
            .unwrap()
            .message,
        "1 link to this site uses http://."
    );
    assert_eq!(
        finding.affected,
        ["http://shop.example/cart/", "http://shop.example/faq/"]
    );
}

#[test]
fn language_and_viewport() {
    check_cases(&[
        (
            "no lang",
            |p| p.with(|p| p.info.lang_declared = None),
            LANG_MISSING,
            Some(0.0),
        ),
        (
            "no lang: validity does not apply",
            |p| p.with(|p| p.info.lang_declared = None),
            LANG_INVALID,
            None,
        ),
        (
            "blank lang",
            |p| p.with(|p| p.info.lang_declared = Some("  ".into())),
            LANG_MISSING,
            Some(0.0),
        ),
        ("underscore", |p| p.lang("en_US"), LANG_INVALID, Some(0.0)),
        (
            "underscore is declared",
            |p| p.lang("en_US"),
            LANG_MISSING,
            Some(1.0),
        ),
        (
            "unregistered region",
            |p| p.lang("en-UK"),
            LANG_INVALID,
            Some(0.0),
        ),
        (
            "script and region",
            |p| p.lang("zh-Hant-TW"),
            LANG_INVALID,
            Some(1.0),
        ),
        (
            "no viewport",
            |p| p.with(|p| p.head.metas.clear()),
            VIEWPORT_MISSING,
            Some(0.0),
        ),
        (
            "viewport without device width",
            |p| p.with(|p| p.head.metas[0].content = "width=1024".into()),
            VIEWPORT_MISSING,
            Some(0.0),
        ),
        (
            "viewport with spaces and capitals",
            |p| {
                p.with(|p| {
                    p.head.metas[0] = meta("Viewport", "initial-scale=1, Width = Device-Width")
                })
            },
            VIEWPORT_MISSING,
            Some(1.0),
        ),
        (
            "viewport from the head summary",
            |p| {
                p.with(|p| {
                    p.head.metas.clear();
                    p.head.viewport = Some("width=device-width".into());
                })
            },
            VIEWPORT_MISSING,
            Some(1.0),
        ),
    ]);
    let out = run(&clean().lang("en_US"));
    assert_eq!(
        message(&out, LANG_INVALID),
        "\"en_US\" is not a valid language tag."
    );
}

fn canonicals(hrefs: &'static [&'static str]) -> impl Fn(MockPage) -> MockPage {
    move |p| {
        p.with(|p| {
            p.head.links = hrefs
                .iter()
                .map(|h| head_link("canonical", h, None, Location::Head))
                .collect();
        })
    }
}

#[test]
fn canonical_checks() {
    let cases: [(&str, &[&str], &str, Option<f32>); 22] = [
        ("none", &[], CANONICAL_MISSING, Some(0.0)),
        ("none: invalid does not apply", &[], CANONICAL_INVALID, None),
        (
            "none: relative does not apply",
            &[],
            CANONICAL_RELATIVE,
            None,
        ),
        (
            "none: to_homepage does not apply",
            &[],
            CANONICAL_TO_HOMEPAGE,
            None,
        ),
        ("none: multiple passes", &[], CANONICAL_MULTIPLE, Some(1.0)),
        (
            "two different",
            &[URL, "https://shop.example/tea/"],
            CANONICAL_MULTIPLE,
            Some(0.0),
        ),
        (
            "same one twice",
            &[URL, "/products/tea/"],
            CANONICAL_MULTIPLE,
            Some(1.0),
        ),
        (
            "same one with other host case",
            &[URL, "https://SHOP.example:443/products/tea/#x"],
            CANONICAL_MULTIPLE,
            Some(1.0),
        ),
        (
            "relative",
            &["/products/tea/"],
            CANONICAL_RELATIVE,
            Some(0.0),
        ),
        (
            "protocol-relative",
            &["//shop.example/products/tea/"],
            CANONICAL_RELATIVE,
            Some(0.0),
        ),
        (
            "relative resolves",
            &["/products/tea/"],
            CANONICAL_INVALID,
            Some(1.0),
        ),
        ("absolute", &[URL], CANONICAL_RELATIVE, Some(1.0)),
        (
            "javascript",
            &["javascript:void(0)"],
            CANONICAL_INVALID,
            Some(0.0),
        ),
        ("no host", &["https://"], CANONICAL_INVALID, Some(0.0)),
        (
            "ftp",
            &["ftp://shop.example/tea"],
            CANONICAL_INVALID,
            Some(0.0),
        ),
        (
            "homepage",
            &["https://shop.example/"],
            CANONICAL_TO_HOMEPAGE,
            Some(0.0),
        ),
        (
            "homepage on www",
            &["https://www.shop.example"],
            CANONICAL_TO_HOMEPAGE,
            Some(0.0),
        ),
        (
            "homepage relative",
            &["/"],
            CANONICAL_TO_HOMEPAGE,
            Some(0.0),
        ),
        (
            "homepage with a query",
            &["https://shop.example/?p=12"],
            CANONICAL_TO_HOMEPAGE,
            Some(1.0),
        ),
        (
            "another site's homepage",
            &["https://other.example/"],
            CANONICAL_TO_HOMEPAGE,
            Some(1.0),
        ),
        ("self", &[URL], CANONICAL_TO_HOMEPAGE, Some(1.0)),
        ("self", &[URL], CANONICAL_MISSING, Some(1.0)),
    ];
    for (name, hrefs, check, expected) in cases {
        let out = run(&canonicals(hrefs)(clean()));
        assert_eq!(out.credit(check), expected, "{name}: {check}");
    }

    // Another of the site's own hosts.
    let page = canonicals(&["https://teashop.example/"])(clean());
    assert_eq!(run(&page).credit(CANONICAL_TO_HOMEPAGE), Some(1.0));
    let page = page.fact(
        "analysis.site_settings",
        r#"{"own_hosts": ["www.TeaShop.example"], "staging_hosts": []}"#,
    );
    assert_eq!(run(&page).credit(CANONICAL_TO_HOMEPAGE), Some(0.0));

    // The homepage itself may name itself.
    let home = canonicals(&["https://shop.example/"])(clean_at("https://shop.example/"));
    assert_eq!(run(&home).credit(CANONICAL_TO_HOMEPAGE), None);

    check_cases(&[
        (
            "Link header only",
            |p| {
                p.with(|p| {
                    p.head.links.clear();
                    http(p)
                        .headers
                        .push(header("Link", &format!("<{URL}>; rel=\"canonical\"")));
                })
            },
            CANONICAL_MISSING,
            Some(1.0),
        ),
        (
            "Link header disagrees with the head",
            |p| {
                p.with(|p| {
                    http(p)
                        .headers
                        .push(header("link", "<https://shop.example/tea>; rel=canonical"))
                })
            },
            CANONICAL_MULTIPLE,
            Some(0.0),
        ),
        (
            "canonical in the body is ignored",
            |p| {
                p.with(|p| {
                    p.head.links = vec![head_link("canonical", URL, None, Location::Body)];
                })
            },
            CANONICAL_MISSING,
            Some(0.0),
        ),
        (
            "the kernel's effective canonical",
            |p| p.with(|p| p.head.links.clear()).canonical(URL),
            CANONICAL_MISSING,
            Some(1.0),
        ),
    ]);

    let out = run(&canonicals(&[URL, "https://shop.example/tea/"])(clean()));
    assert_eq!(
        message(&out, CANONICAL_MULTIPLE),
        format!("The page declares 2 different canonical URLs ({URL}, https://shop.example/tea/).")
    );
    let out = run(&canonicals(&["/products/tea/"])(clean()));
    assert_eq!(
        message(&out, CANONICAL_RELATIVE),
        "The canonical URL \"/products/tea/\" is relative."
    );
}

fn alternates(set: &'static [(&'static str, &'static str)]) -> impl Fn(MockPage) -> MockPage {
    move |p| {
        p.with(|p| {
            for (lang, href) in set {
                p.head
                    .links
                    .push(head_link("alternate", href, Some(lang), Location::Head));
            }
        })
    }
}

#[test]
fn hreflang_checks() {
    const GOOD: &[(&str, &str)] = &[
        ("en-GB", URL),
        ("de", "https://shop.example/de/tee/"),
        ("x-default", "https://shop.example/products/tea/"),
    ];
    type Set = &'static [(&'static str, &'static str)];
    let cases: [(&str, Set, &str, Option<f32>); 12] = [
        ("complete set", GOOD, HREFLANG_INVALID, Some(1.0)),
        ("complete set", GOOD, HREFLANG_SELF_MISSING, Some(1.0)),
        ("complete set", GOOD, HREFLANG_X_DEFAULT_MISSING, Some(1.0)),
        ("underscore", &[("en_GB", URL)], HREFLANG_INVALID, Some(0.0)),
        (
            "unknown language",
            &[("english", URL)],
            HREFLANG_INVALID,
            Some(0.0),
        ),
        (
            "relative href",
            &[("en", "/products/tea/")],
            HREFLANG_INVALID,
            Some(0.0),
        ),
        ("empty href", &[("en", "")], HREFLANG_INVALID, Some(0.0)),
        (
            "relative href still names the page",
            &[("en", "/products/tea/")],
            HREFLANG_SELF_MISSING,
            Some(1.0),
        ),
        (
            "others only",
            &[("de", "https://shop.example/de/tee/")],
            HREFLANG_SELF_MISSING,
            Some(0.0),
        ),
        (
            "X-Default in capitals",
            &[("X-Default", URL)],
            HREFLANG_X_DEFAULT_MISSING,
            Some(1.0),
        ),
        (
            "no x-default",
            &[("en", URL), ("de", "https://shop.example/de/tee/")],
            HREFLANG_X_DEFAULT_MISSING,
            Some(0.0),
        ),
        ("none", &[], HREFLANG_SELF_MISSING, None),
    ];
    for (name, set, check, expected) in cases {
        let out = run(&alternates(set)(clean()));
        assert_eq!(out.credit(check), expected, "{name}: {check}");
    }

    // Self through a canonical: the page was reached with tracking parameters.
    let tracked = canonicals(&[URL])(clean_at("https://shop.example/products/tea/?utm=x"));
    let page = alternates(&[("en", URL), ("x-default", URL)])(tracked.clone());
    assert_eq!(run(&page).credit(HREFLANG_SELF_MISSING), Some(1.0));
    let page =
        alternates(&[("en", URL), ("x-default", URL)])(tracked.with(|p| p.head.links.truncate(0)));
    assert_eq!(run(&page).credit(HREFLANG_SELF_MISSING), Some(0.0));

    // Annotations from a Link header count.
    let page = clean().with(|p| {
        http(p).headers.push(header(
            "Link",
            &format!("<{URL}>; rel=\"alternate\"; hreflang=\"en\", <https://shop.example/de/tee/>; rel=alternate; hreflang=de_DE"),
        ))
    });
    let out = run(&page);
    assert_eq!(out.credit(HREFLANG_INVALID), Some(0.0));
    assert_eq!(out.credit(HREFLANG_SELF_MISSING), Some(1.0));
    assert_eq!(out.credit(HREFLANG_X_DEFAULT_MISSING), Some(0.0));
}

/// The technical must-fire and must-not-fire lists of fixture 12-broken-hreflang, on the document model the
/// kernel builds from its head.
#[test]
fn fixture_broken_hreflang() {
    let page = MockPage::new("https://globex.example/en/pricing/")
        .lang("en_US")
        .with(|p| {
            p.head
                .metas
                .push(meta("viewport", "width=device-width, initial-scale=1"));
            p.head.links = vec![
                head_link("canonical", "/en/pricing/", None, Location::Head),
                head_link(
                    "alternate",
                    "https://globex.example/uk/pricing/",
                    Some("en_GB"),
                    Location::Head,
                ),
                head_link("alternate", "/fr/tarifs/", Some("fr"), Location::Head),
                head_link(
                    "alternate",
                    "https://globex.example/de/preise/",
                    Some("de"),
                    Location::Head,
                ),
                head_link(
                    "stylesheet",
                    "https://globex.example/assets/css/marketing.css",
                    None,
                    Location::Head,
                ),
            ];
            p.resources.push(Subresource {
                url: "https://globex.example/assets/css/marketing.css".into(),
                kind: ResourceKind::Style,
                insecure: false,
                bytes: None,
            });
        });
    let out = run(&page);
    for id in [
        LANG_INVALID,
        HREFLANG_INVALID,
        HREFLANG_SELF_MISSING,
        HREFLANG_X_DEFAULT_MISSING,
        CANONICAL_RELATIVE,
    ] {
        assert_eq!(out.credit(id), Some(0.0), "{id} must fire");
    }
    for id in [
        LANG_MISSING,
        CANONICAL_MISSING,
        CANONICAL_MULTIPLE,
        CANONICAL_INVALID,
        CANONICAL_TO_HOMEPAGE,
        HTTPS_MIXED_CONTENT,
    ] {
        assert_ne!(out.credit(id), Some(0.0), "{id} must not fire");
    }
    assert_eq!(
        message(&out, HREFLANG_INVALID),
        "2 hreflang annotations are invalid (hreflang=\"en_GB\" is not a language tag, hreflang=\"fr\" has the relative href /fr/tarifs/)."
    );
}

/// Fixture 11-mixed-content: http stylesheet, script, image and iframe, an http form action and http links
/// to the site itself, on an https page.
#[test]
fn fixture_mixed_content() {
    let resource = |url: &str, kind| Subresource {
        url: url.into(),
        kind,
        insecure: true,
        bytes: None,
    };
    let page = clean_at("https://copperkettle.example/private-dining/")
        .with(|p| {
            p.resources = vec![
                resource(
                    "http://fonts.legacycdn.example/css?family=Lora:400,700",
                    ResourceKind::Style,
                ),
                resource(
                    "http://stats.oldtracker.example/track.js",
                    ResourceKind::Script,
                ),
                resource(
                    "http://copperkettle.example/images/private-room-long-table.jpg",
                    ResourceKind::Image,
                ),
                resource(
                    "http://maps.oldmapembed.example/embed?q=Low+Petergate+York",
                    ResourceKind::Iframe,
                ),
            ];
            p.forms = vec![Form {
                action: "http://copperkettle.example/enquiry-handler.php".into(),
                method: "post".into(),
            }];
        })
        .link(
            "http://copperkettle.example/private-dining/",
            "Private dining",
        )
        .link("http://copperkettle.example/menus/", "food and drink page");
    let out = run(&page);
    for id in [
        HTTPS_MIXED_CONTENT,
        HTTPS_INSECURE_FORM,
        HTTPS_HTTP_INTERNAL_LINKS,
    ] {
        assert_eq!(out.credit(id), Some(0.0), "{id} must fire");
    }
    assert_eq!(out.credit(HTTPS_NOT_USED), Some(1.0));
    assert_eq!(
        message(&out, HTTPS_MIXED_CONTENT),
        "4 resources load over plain http (http://fonts.legacycdn.example/css?family=Lora:400,700, http://stats.oldtracker.example/track.js, http://copperkettle.example/images/private-room-long-table.jpg and 1 more)."
    );
    assert_eq!(
        message(&out, HTTPS_INSECURE_FORM),
        "A form sends data without encryption (http://copperkettle.example/enquiry-handler.php)."
    );
}
