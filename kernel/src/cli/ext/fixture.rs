//! Fixture pages for `ext test` and `ext page` (extensions.md §8).
//!
//! * `<name>.html`: a scanned page at `https://example.test/<name>` with HTTP status 200, prepared exactly as
//!   the kernel prepares a scanned page. With `--wordpress` it is a content-only WordPress page instead: the
//!   file is the post content, the post title comes from its `<title>`.
//! * `<name>.page.toml` beside it (optional) changes what is known about the page:
//!
//!   ```toml
//!   url = "https://acme.example/services/drains/"
//!   status = 200             # HTTP status (scanned pages)
//!   wordpress = false        # a content-only WordPress page
//!   keyphrase = "drain cleaning"
//!   title = "Drain cleaning" # WordPress post title (default: the file's <title>)
//!   seo_title = "%%title%% %%sep%% %%sitename%%"   # WordPress title template
//!   site_name = "Acme"       # WordPress %%sitename%%
//!   description = "..."      # WordPress SEO description
//!   ttfb_ms = 120            # HTTP timing (adds the `timing` capability)
//!   [headers]
//!   "cache-control" = "max-age=60"
//!   ```
//! * `<name>.page.json`: a page snapshot (what `ext page` prints).

use super::{Failure, Outcome, snapshot};
use crate::analysis::{self, Mode, ParseInput};
use crate::extensions::wit::v1_0_0::document::{Header, HttpFacts, WordpressInfo};
use crate::extensions::{PageContext, PreparedPage};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// The host every fixture URL defaults to.
pub(super) const FIXTURE_ORIGIN: &str = "https://example.test";

/// The optional `<name>.page.toml` sidecar.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    url: Option<String>,
    status: Option<u16>,
    wordpress: Option<bool>,
    keyphrase: Option<String>,
    title: Option<String>,
    seo_title: Option<String>,
    site_name: Option<String>,
    description: Option<String>,
    ttfb_ms: Option<u32>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

/// What kind of file a fixture argument is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FixtureKind {
    Html,
    Snapshot,
}

/// `.html`/`.htm` or `.page.json` (any `.json`); `None` for anything else.
pub(super) fn fixture_kind(path: &Path) -> Option<FixtureKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".html") || name.ends_with(".htm") {
        Some(FixtureKind::Html)
    } else if name.ends_with(".json") {
        Some(FixtureKind::Snapshot)
    } else {
        None
    }
}

/// A fixture ready to run.
#[derive(Debug)]
pub(super) struct Fixture {
    pub path: PathBuf,
    pub page: Arc<PreparedPage>,
    /// Notes for the reader (unknown facts of a snapshot, ...).
    pub notes: Vec<String>,
}

/// The file name without `.html`, `.htm` or `.page.json`.
fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for suffix in [".page.json", ".json", ".html", ".htm"] {
        if name.len() > suffix.len() && name.to_ascii_lowercase().ends_with(suffix) {
            return name[..name.len() - suffix.len()].to_string();
        }
    }
    name
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))
}

fn sidecar(html: &Path) -> Result<Sidecar, Failure> {
    let path = html.with_file_name(format!("{}.page.toml", stem(html)));
    if !path.is_file() {
        return Ok(Sidecar::default());
    }
    toml::from_str(&read(&path)?)
        .map_err(|e| Failure::usage(format!("{} is not a valid sidecar: {e}", path.display())))
}

/// Loads a fixture. `wordpress` (`--wordpress`) makes `.html` fixtures content-only WordPress pages unless the
/// sidecar says otherwise; `url` (`ext page --url`) wins over the sidecar's.
pub(super) fn load(path: &Path, wordpress: bool, url: Option<&str>) -> Result<Fixture, Failure> {
    match fixture_kind(path) {
        Some(FixtureKind::Snapshot) => {
            let (page, unknown) = snapshot::from_json(&read(path)?).map_err(|e| {
                Failure::usage(format!("{} is not a page snapshot: {e}", path.display()))
            })?;
            let notes = unknown
                .into_iter()
                .map(|f| format!("fact {f} is unknown to this kernel and was dropped"))
                .collect();
            Ok(Fixture {
                path: path.to_path_buf(),
                page: Arc::new(page),
                notes,
            })
        }
        Some(FixtureKind::Html) => {
            let html = read(path)?;
            let side = sidecar(path)?;
            let url = url
                .map(str::to_string)
                .or_else(|| side.url.clone())
                .unwrap_or_else(|| format!("{FIXTURE_ORIGIN}/{}", stem(path)));
            let wordpress = side.wordpress.unwrap_or(wordpress);
            Ok(Fixture {
                path: path.to_path_buf(),
                page: prepare(&url, &html, wordpress, &side),
                notes: Vec::new(),
            })
        }
        None => Err(Failure::usage(format!(
            "{} is not a fixture: use .html files or .page.json snapshots",
            path.display()
        ))),
    }
}

fn prepare(url: &str, html: &str, wordpress: bool, side: &Sidecar) -> Arc<PreparedPage> {
    let keyphrase = side.keyphrase.as_deref().unwrap_or("");
    if wordpress {
        let title = side.title.clone().unwrap_or_else(|| {
            analysis::parse(&ParseInput::scan(url, html))
                .info
                .seo_title
                .clone()
        });
        let input = ParseInput {
            mode: Mode::WordPress,
            url,
            content: html,
            post_title: &title,
            seo_title_template: side.seo_title.as_deref().unwrap_or(""),
            seo_description: side.description.as_deref(),
            focus_keyphrase: keyphrase,
            site_name: side.site_name.as_deref().unwrap_or("Example"),
            ..ParseInput::default()
        };
        let doc = analysis::parse(&input);
        return PreparedPage::new(
            &doc,
            PageContext {
                html: Some(html.to_string()),
                wordpress: Some(WordpressInfo {
                    post_id: "1".into(),
                    post_type: Some("page".into()),
                    status: Some("publish".into()),
                    page_builder: None,
                    is_cornerstone: false,
                    meta: Vec::new(),
                }),
                ..PageContext::default()
            },
        );
    }
    let input = ParseInput {
        focus_keyphrase: keyphrase,
        ..ParseInput::scan(url, html)
    };
    let doc = analysis::parse(&input);
    let mut headers = vec![Header {
        name: "content-type".into(),
        value: "text/html; charset=utf-8".into(),
    }];
    headers.extend(side.headers.iter().map(|(name, value)| Header {
        name: name.to_ascii_lowercase(),
        value: value.clone(),
    }));
    let http = HttpFacts {
        status: side.status.unwrap_or(200),
        headers,
        content_type: Some("text/html".into()),
        charset: Some("utf-8".into()),
        content_encoding: None,
        redirects: Vec::new(),
        ttfb_ms: side.ttfb_ms,
        download_ms: None,
        bytes_raw: u32::try_from(html.len()).unwrap_or(u32::MAX),
        bytes_transferred: None,
        timed_out: false,
        error: None,
    };
    PreparedPage::new(
        &doc,
        PageContext {
            html: Some(html.to_string()),
            http: Some(http),
            ..PageContext::default()
        },
    )
}

/// `siloq ext page <fixture.html> [--wordpress] [--url URL]`: the snapshot on standard output.
pub(super) fn print_snapshot(path: &Path, wordpress: bool, url: Option<&str>) -> Outcome {
    if fixture_kind(path) != Some(FixtureKind::Html) {
        return Err(Failure::usage(format!(
            "{} is not an HTML file",
            path.display()
        )));
    }
    let fixture = load(path, wordpress, url)?;
    println!("{}", snapshot::to_json(&fixture.page));
    Ok(ExitCode::SUCCESS)
}

/// The snapshot text of an HTML page at `url` (for `ext new`, which writes the fixtures' snapshots).
pub(super) fn snapshot_of(url: &str, html: &str) -> String {
    snapshot::to_json(&prepare(url, html, false, &Sidecar::default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extensions::wit::v1_0_0::types::Capability;

    #[test]
    fn html_fixtures_are_scanned_pages_at_example_test() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long-title.html");
        std::fs::write(&path, "<title>A title</title><p>Hello there.</p>").unwrap();
        let f = load(&path, false, None).unwrap();
        assert_eq!(
            f.page.info().requested_url,
            "https://example.test/long-title"
        );
        assert!(f.page.has(Capability::Http));
        assert!(f.page.has(Capability::FullDocument));
        assert!(!f.page.has(Capability::Timing));

        let f = load(&path, true, None).unwrap();
        assert_eq!(f.page.mode(), Mode::WordPress);
        assert!(f.page.has(Capability::Wordpress));
        assert_eq!(
            f.page.info().seo_title.as_deref(),
            Some("A title - Example")
        );

        std::fs::write(
            dir.path().join("long-title.page.toml"),
            "url = \"https://acme.example/x/\"\nstatus = 404\nttfb_ms = 80\nkeyphrase = \"title\"\n\
             [headers]\n\"X-Robots-Tag\" = \"noindex\"\n",
        )
        .unwrap();
        let f = load(&path, false, None).unwrap();
        assert_eq!(f.page.info().requested_url, "https://acme.example/x/");
        assert!(f.page.has(Capability::Timing));
        assert!(f.page.has(Capability::Keyphrase));
        let http = f.page.http.as_ref().unwrap();
        assert_eq!(http.status, 404);
        assert!(http.headers.iter().any(|h| h.name == "x-robots-tag"));

        std::fs::write(dir.path().join("long-title.page.toml"), "colour = 1\n").unwrap();
        assert_eq!(load(&path, false, None).unwrap_err().code, 2);
    }

    #[test]
    fn fixture_kinds_and_stems() {
        assert_eq!(fixture_kind(Path::new("a/b.HTML")), Some(FixtureKind::Html));
        assert_eq!(
            fixture_kind(Path::new("b.page.json")),
            Some(FixtureKind::Snapshot)
        );
        assert_eq!(fixture_kind(Path::new("b.wasm")), None);
        assert_eq!(stem(Path::new("x/long-title.page.json")), "long-title");
        assert_eq!(stem(Path::new("x/long-title.html")), "long-title");
    }
}
