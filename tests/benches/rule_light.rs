//! B2 `rule/light` of the extension platform's benchmark (extensions.md §11.1): a fresh instance of the
//! `light` test guest (`tests/guests/light`, reads only `info()` and reports one finding) evaluating the typical
//! page, under production limits. Goal: p50 <= 60 µs, p99 <= 120 µs. It lives here because the test guests are
//! built by this crate; the other groups are in `kernel/benches/extensions.rs`.
//!
//! `cargo bench -p siloq-tests --bench rule_light`; percentiles in `target/criterion/siloq-rule-light.json`.

#[path = "../../kernel/benches/support/percentiles.rs"]
#[allow(
    dead_code,
    reason = "this bench records no figure of its own beside the percentiles"
)]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use siloq_kernel::extensions::{ExtensionHost, Limits, PreparedPage};
use siloq_tests::guests;
use std::hint::black_box;

const URL: &str = "https://crumbandco.example/guides/sourdough-starter/";

fn light(c: &mut Criterion) {
    guests::require_built();
    let html =
        std::fs::read_to_string(siloq_tests::fixtures_dir().join("seo/01-good-article.html"))
            .expect("typical page");
    let page = PreparedPage::from_html(URL, &html);
    let host = ExtensionHost::new(Limits::default()).expect("extension host");
    let rule = host.load(guests::LIGHT).expect("the light guest loads");
    let call = || {
        let out = host.call_evaluate(&rule, &page, "{}");
        let findings = out.outcome.expect("the light rule runs");
        assert_eq!(findings.len(), 1, "one finding");
        black_box(findings);
    };
    c.bench_function("rule/light", |b| b.iter(call));
    support::percentiles("rule/light", 20_000, call);
    support::write("siloq-rule-light.json");
}

criterion_group!(benches, light);
criterion_main!(benches);
