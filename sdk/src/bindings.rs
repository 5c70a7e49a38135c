//! Generated guest bindings for `siloq:rules@1.0.0` (hidden: authors use the re-exports and traits).
//!
//! The `rule` world generates the shared `types`, `document` and `host` interfaces; the `scorer` and
//! `recommender` worlds reuse them through `with`, so all three worlds share one set of Rust types.
//! `pub_export_macro` places each world's export metadata inside its export macro: a component contains only
//! the world it actually exports although the SDK compiles all three.
//! `runtime_path` points at the SDK's re-export so author crates need no direct `wit-bindgen` dependency.

#![allow(unsafe_code, missing_docs, clippy::all)]

pub mod rule {
    wit_bindgen::generate!({
        path: "wit/v1.0.0",
        world: "siloq:rules/rule@1.0.0",
        pub_export_macro: true,
        export_macro_name: "export_rule_world",
        default_bindings_module: "siloq_sdk::bindings::rule",
        runtime_path: "siloq_sdk::__private::wit_bindgen::rt",
        additional_derives: [serde::Serialize, serde::Deserialize, Clone, PartialEq],
        generate_unused_types: true,
    });
}

pub mod scorer {
    wit_bindgen::generate!({
        path: "wit/v1.0.0",
        world: "siloq:rules/scorer@1.0.0",
        pub_export_macro: true,
        export_macro_name: "export_scorer_world",
        default_bindings_module: "siloq_sdk::bindings::scorer",
        runtime_path: "siloq_sdk::__private::wit_bindgen::rt",
        with: {
            "siloq:rules/types@1.0.0": crate::bindings::rule::siloq::rules::types,
            "siloq:rules/document@1.0.0": crate::bindings::rule::siloq::rules::document,
            "siloq:rules/host@1.0.0": crate::bindings::rule::siloq::rules::host,
        },
    });
}

pub mod recommender {
    wit_bindgen::generate!({
        path: "wit/v1.0.0",
        world: "siloq:rules/recommender@1.0.0",
        pub_export_macro: true,
        export_macro_name: "export_recommender_world",
        default_bindings_module: "siloq_sdk::bindings::recommender",
        runtime_path: "siloq_sdk::__private::wit_bindgen::rt",
        with: {
            "siloq:rules/types@1.0.0": crate::bindings::rule::siloq::rules::types,
            "siloq:rules/document@1.0.0": crate::bindings::rule::siloq::rules::document,
            "siloq:rules/host@1.0.0": crate::bindings::rule::siloq::rules::host,
        },
    });
}

/// The `site-rule` world (wit/v1.0.0/site.wit): generates the `site` interface; `types` and `host` are the
/// `rule` world's. Site records derive serde so `testing::MockSite` snapshots load from JSON.
pub mod site_rule {
    wit_bindgen::generate!({
        path: "wit/v1.0.0",
        world: "siloq:rules/site-rule@1.0.0",
        pub_export_macro: true,
        export_macro_name: "export_site_rule_world",
        default_bindings_module: "siloq_sdk::bindings::site_rule",
        runtime_path: "siloq_sdk::__private::wit_bindgen::rt",
        additional_derives: [serde::Serialize, serde::Deserialize, Clone, PartialEq],
        with: {
            "siloq:rules/types@1.0.0": crate::bindings::rule::siloq::rules::types,
            "siloq:rules/host@1.0.0": crate::bindings::rule::siloq::rules::host,
        },
    });
}
