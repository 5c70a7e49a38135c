//! `siloq:rules@1.0.0` (sdk/wit/v1.0.0/rules.wit). The `rule` world generates the shared interfaces (`types`,
//! `document` with the page resource mapped to the kernel's [`PageRef`](crate::extensions::page::PageRef), and
//! `host`); `scorer` and `recommender` reuse them through `with`, so one linker serves all three kinds.
//!
//! The generated export accessors contain `unsafe` blocks (typed functions built after wasmtime's own type
//! check), which is why these modules, and nothing else in the kernel, allow `unsafe_code`.
//!
//! Every import is `trappable`: a host function that cannot answer (a stale resource handle) traps the guest
//! instead of panicking the host.

#[allow(unsafe_code, unused_variables, clippy::all)]
pub mod rule {
    wasmtime::component::bindgen!({
        world: "rule",
        path: "../sdk/wit/v1.0.0",
        imports: { default: trappable },
        with: { "siloq:rules/document.page": crate::extensions::page::PageRef },
    });
}

#[allow(unsafe_code, unused_variables, clippy::all)]
pub mod scorer {
    wasmtime::component::bindgen!({
        world: "scorer",
        path: "../sdk/wit/v1.0.0",
        imports: { default: trappable },
        with: {
            "siloq:rules/types": crate::extensions::wit::v1_0_0::rule::siloq::rules::types,
            "siloq:rules/document": crate::extensions::wit::v1_0_0::rule::siloq::rules::document,
            "siloq:rules/host": crate::extensions::wit::v1_0_0::rule::siloq::rules::host,
        },
    });
}

#[allow(unsafe_code, unused_variables, clippy::all)]
pub mod recommender {
    wasmtime::component::bindgen!({
        world: "recommender",
        path: "../sdk/wit/v1.0.0",
        imports: { default: trappable },
        with: {
            "siloq:rules/types": crate::extensions::wit::v1_0_0::rule::siloq::rules::types,
            "siloq:rules/document": crate::extensions::wit::v1_0_0::rule::siloq::rules::document,
            "siloq:rules/host": crate::extensions::wit::v1_0_0::rule::siloq::rules::host,
        },
    });
}

pub use rule::siloq::rules::{document, host, types};

/// The `site-rule` world (sdk/wit/v1.0.0/site.wit, extensions.md §5.5): its `site` resource is mapped to the
/// kernel's [`SiteRef`](crate::extensions::site::SiteRef); `types` and `host` are the `rule` world's.
#[allow(unsafe_code, unused_variables, clippy::all)]
pub mod site_rule {
    wasmtime::component::bindgen!({
        world: "site-rule",
        path: "../sdk/wit/v1.0.0",
        imports: { default: trappable },
        with: {
            "siloq:rules/types": crate::extensions::wit::v1_0_0::rule::siloq::rules::types,
            "siloq:rules/host": crate::extensions::wit::v1_0_0::rule::siloq::rules::host,
            "siloq:rules/site.site": crate::extensions::site::SiteRef,
        },
    });
}
