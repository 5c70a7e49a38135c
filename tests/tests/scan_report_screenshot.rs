//! The HTML scan report renders in a real browser (api.md §11.6): headless Chromium (Debian `chromium`,
//! installed by `.ci/run`) loads the saved page with a phone-sized window; the screenshot must not be blank and
//! the rendered DOM must carry the title and the score.

use siloq_tests::TestApp;
use siloq_tests::fixture_site::{FixtureSite, northwind};
use siloq_tests::scans::{allow, quick};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
            let path = Path::new(dir).join(name);
            if path.exists() {
                return path;
            }
        }
    }
    panic!("headless Chromium is required for this test: apt-get install chromium (.ci/run does)");
}

fn headless(browser: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--no-first-run",
        "--window-size=412,900",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// Share of pixels that differ from the top-left pixel (the page background).
fn ink(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).expect("screenshot"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let background = pixels[0];
    pixels.iter().filter(|p| **p != background).count() as f64 / pixels.len() as f64
}

#[tokio::test]
async fn the_html_report_renders_in_headless_chromium() {
    let browser = chromium();
    let site = FixtureSite::start(northwind).await;
    let entries = vec![site.allow_entry()];
    let app = TestApp::spawn_with(allow(&entries)).await;
    let owner = app.user("owner@example.com").await;
    let site_id = app.site(&owner, "https://owner.example").await;
    let key = app.key(site_id).await;
    let scan = app
        .scan_to_end(&key, quick(&format!("{}/", site.base())))
        .await;
    assert_eq!(scan["status"], "completed", "{scan}");
    let score = scan["score"].as_i64().expect("score");
    let html = app
        .get(&format!("/api/v1/scans/{}/report.html", scan["id"]))
        .api_key(&key)
        .send()
        .await
        .expect(200)
        .text;
    app.shutdown().await;

    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).expect("write report");
    let shot = dir.path().join("shot.png");
    let profile = dir.path().join("profile");
    let url = format!("file://{}", page.display());
    let status = headless(&browser, &profile)
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let share = ink(&shot);
    assert!(
        share > 0.02,
        "the screenshot is blank ({share:.4} of pixels differ from the background)"
    );

    let dom = headless(&browser, &profile)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<title>SEO report for"),
        "title missing from the rendered DOM"
    );
    assert!(
        dom.contains(&format!("Overall score: {score}")),
        "score missing from the rendered DOM"
    );
}
