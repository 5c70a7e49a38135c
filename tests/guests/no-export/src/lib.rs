//! `no-export` (extensions.md §10 case 12): a component that imports Siloq's `host` interface but exports none of
//! `rule-api`, `scorer-api` or `recommender-api`. The kernel must refuse it as `invalid_component`.

wit_bindgen::generate!({
    path: "../../../sdk/wit/v1.0.0",
    inline: "
        package siloq-test:guests;
        world no-export {
            import siloq:rules/host@1.0.0;
        }
    ",
    world: "siloq-test:guests/no-export",
    generate_all,
});

/// Never called (nothing is exported); it keeps the `host` import in the component.
#[unsafe(no_mangle)]
pub extern "C" fn siloq_test_no_export_unused() {
    siloq::rules::host::log(siloq::rules::host::LogLevel::Info, "never exported");
}
