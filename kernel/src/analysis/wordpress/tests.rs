use super::*;

#[test]
fn comments_and_shortcodes_go_but_enclosed_text_stays() {
    let raw = "<!-- wp:paragraph -->\n<p>Hi [b]bold[/b] and [contact-form-7 id=\"12\" title=\"Q\"] [1] [ x]</p>\n<!-- /wp:paragraph --><!-- open";
    let out = remove_shortcodes(&remove_comments(raw));
    assert_eq!(out, "\n<p>Hi bold and  [1] [ x]</p>\n");
}

#[test]
fn autop_wraps_loose_text_and_keeps_blocks() {
    let raw = "<h2>Head</h2>\n\nFirst line\nsecond line\n\n<ul><li>One</li></ul>\nTail <a href=\"/x\">link</a>";
    let out = normalize_content(raw);
    assert_eq!(
        out,
        "<h2>Head</h2>\n<p>First line<br>\nsecond line</p>\n<ul>\n<li>One</li>\n</ul>\n<p>Tail <a href=\"/x\">link</a></p>\n"
    );
}

#[test]
fn autop_leaves_inline_tags_and_lookalikes_alone() {
    assert_eq!(
        normalize_content("<pre2>x</pre2> <b>y</b>"),
        "<p><pre2>x</pre2> <b>y</b></p>\n"
    );
    assert_eq!(normalize_content("a<hr/>b"), "<p>a</p>\n<hr/>\n<p>b</p>\n");
}

fn vars() -> TitleVars<'static> {
    TitleVars {
        title: "Summer Sale",
        site_name: "Acme",
        separator: "–",
        site_description: "",
        excerpt: "",
    }
}

#[test]
fn title_templates_resolve_known_variables_only() {
    assert_eq!(
        resolve_title("%%title%% %%sep%% %%sitename%%", &vars()).0,
        "Summer Sale – Acme"
    );
    assert_eq!(resolve_title("", &vars()).0, "Summer Sale – Acme");
    let (title, left) = resolve_title(
        "%%title%% %%primary_category%% {{ brand }} 100%% off",
        &vars(),
    );
    assert_eq!(
        title,
        "Summer Sale %%primary_category%% {{ brand }} 100%% off"
    );
    assert_eq!(left, ["%%primary_category%%", "{{ brand }}"]);
    let empty = TitleVars {
        title: " ",
        ..vars()
    };
    assert_eq!(resolve_title("", &empty), (String::new(), vec![]));
}
