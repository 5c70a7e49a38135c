//! The extension platform's benchmark (extensions.md §11.1), with the bundled components:
//!
//! * B1 `instantiate/noop`: `Store::new`, instantiation from the `InstancePre`, the lightest call there is
//!   (`siloq.core-scorer` scoring no findings) and the drop. Goal: p99 <= 50 µs.
//! * B2 `rule/light` lives in `tests/benches/rule_light.rs`, where the test guests are built.
//! * B3 `pipeline/default/typical`: the default ruleset on the prepared `01-good-article` page, one thread.
//!   Goal: p50 <= 1.5 ms, p99 <= 5 ms.
//! * B5 `pipeline/end-to-end/typical`: document-model preparation from HTML plus B3.
//! * B6 `throughput/default/2-threads`: pages per second of B3 on 2 threads over 5 s. Goal: >= 800 (spec: 1,000).
//!
//! Criterion reports means and medians; because the goals are about tails, every group is also timed sample by
//! sample and p50, p99 and p99.9 go to the console and to `target/criterion/siloq-percentiles.json`.

#[path = "support/percentiles.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use siloq_kernel::extensions::{ExtensionHost, Limits, PreparedPage, Ruleset, run_pipeline};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use support::{percentiles, record, write};

const URL: &str = "https://crumbandco.example/guides/sourdough-starter/";

fn fixture() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/seo/01-good-article.html");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Setup {
    host: Arc<ExtensionHost>,
    ruleset: Ruleset,
    html: String,
    page: Arc<PreparedPage>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let host = ExtensionHost::new(Limits::default()).expect("extension host");
        let ruleset = Ruleset::bundled(&host).expect("bundled ruleset");
        let html = fixture();
        let page = PreparedPage::from_html(URL, &html);
        let check = run_pipeline(&host, &ruleset, &page);
        assert!(
            check.diagnostics.is_empty() && check.card.is_some(),
            "the default pipeline must run cleanly: {:?}",
            check.diagnostics
        );
        Setup {
            host,
            ruleset,
            html,
            page,
        }
    })
}

fn instantiate(c: &mut Criterion) {
    let s = setup();
    let scorer = s.ruleset.scorer().expect("bundled scorer");
    let (ext, config) = (scorer.extension(), scorer.config());
    let noop = || {
        let out = s.host.call_score(ext, &s.page, &[], config);
        assert!(out.outcome.is_ok(), "{:?}", out.outcome);
        black_box(out);
    };
    c.bench_function("instantiate/noop", |b| b.iter(noop));
    percentiles("instantiate/noop", 20_000, noop);
}

fn pipeline(c: &mut Criterion) {
    let s = setup();
    let mut group = c.benchmark_group("pipeline");
    group.bench_function("default/typical", |b| {
        b.iter(|| black_box(run_pipeline(&s.host, &s.ruleset, &s.page)))
    });
    group.bench_function("end-to-end/typical", |b| {
        b.iter(|| {
            let page = PreparedPage::from_html(URL, black_box(&s.html));
            black_box(run_pipeline(&s.host, &s.ruleset, &page))
        })
    });
    group.finish();
    percentiles("pipeline/default/typical", 3_000, || {
        black_box(run_pipeline(&s.host, &s.ruleset, &s.page));
    });
    percentiles("pipeline/end-to-end/typical", 1_000, || {
        let page = PreparedPage::from_html(URL, &s.html);
        black_box(run_pipeline(&s.host, &s.ruleset, &page));
    });
}

fn throughput(_: &mut Criterion) {
    let s = setup();
    let window = Duration::from_secs(5);
    let start = Instant::now();
    let pages: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut n = 0usize;
                    while start.elapsed() < window {
                        black_box(run_pipeline(&s.host, &s.ruleset, &s.page));
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    let rate = pages as f64 / start.elapsed().as_secs_f64();
    println!("throughput/default/2-threads: {rate:.0} pages/s ({pages} pages)");
    record(
        "throughput/default/2-threads",
        json!({"pages_per_second": rate, "pages": pages}),
    );
    write("siloq-percentiles.json");
}

criterion_group!(benches, instantiate, pipeline, throughput);
criterion_main!(benches);
