//! `analysis::parse` on a typical (~30 KB) and a large (~1 MB) scanned page, built deterministically from the
//! `01-good-article` fixture by repeating its `<main>` content. Target: a typical page in under 1 ms.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use siloq_kernel::analysis::{ParseInput, parse};
use std::hint::black_box;
use std::path::PathBuf;

fn fixture() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/seo/01-good-article.html");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture with its `<main>` content repeated until the page reaches `target` bytes.
fn page_of_size(target: usize) -> String {
    let html = fixture();
    let open = html
        .find("<main")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
        .expect("<main>");
    let close = html.find("</main>").expect("</main>");
    let (before, inner, after) = (&html[..open], &html[open..close], &html[close..]);
    let mut page = String::with_capacity(target + html.len());
    page.push_str(before);
    while page.len() + inner.len() + after.len() <= target {
        page.push_str(inner);
    }
    page.push_str(after);
    page
}

fn bench(c: &mut Criterion) {
    let url = "https://crumbandco.example/guides/sourdough-starter/";
    let mut group = c.benchmark_group("analysis_parse");
    for (name, size) in [("typical_30k", 30 * 1024), ("large_1m", 1024 * 1024)] {
        let page = page_of_size(size);
        group.throughput(Throughput::Bytes(page.len() as u64));
        if size > 100 * 1024 {
            group.sample_size(20);
        }
        // Baseline: html5ever building scraper's tree alone, so the cost of the analysis on top of parsing
        // stays visible on a loaded machine.
        group.bench_function(format!("{name}_html5ever_only"), |b| {
            b.iter(|| scraper::Html::parse_document(black_box(&page)))
        });
        group.bench_function(name, |b| {
            b.iter(|| {
                parse(black_box(&ParseInput {
                    focus_keyphrase: "sourdough starter",
                    ..ParseInput::scan(url, &page)
                }))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
