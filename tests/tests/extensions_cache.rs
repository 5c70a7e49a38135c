//! The compiled-artifact cache (extensions.md §6.9) and the tampered-cache case (§10 case 21): a second host
//! loads from the cache; a modified artifact, a group/other-writable artifact and a tag made with another secret
//! are each detected before deserializing, deleted and recompiled from the `.wasm`, and the ruleset still runs.

use siloq_kernel::extensions::{
    CacheOptions, CacheStats, ExtensionHost, HostOptions, PreparedPage, Ruleset, bundled,
    run_pipeline,
};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

const SECRET: &str = "extension-cache-test-secret-0123456789abcdef";

fn host(dir: &Path, secret: &str) -> Arc<ExtensionHost> {
    ExtensionHost::with_options(HostOptions {
        cache: Some(CacheOptions::new(dir, secret.as_bytes())),
        ..HostOptions::default()
    })
    .expect("host")
}

/// Loads the bundled ruleset, runs it on a page and returns the cache statistics of the load.
fn load_and_run(host: &ExtensionHost) -> CacheStats {
    let ruleset = Ruleset::bundled(host).expect("bundled ruleset loads");
    let page = PreparedPage::from_html(
        "https://example.com/",
        "<html><head><title>Hi</title></head><body><p>Hello there.</p></body></html>",
    );
    let result = run_pipeline(host, &ruleset, &page);
    assert!(
        result.diagnostics.is_empty(),
        "the ruleset runs cleanly: {:?}",
        result.diagnostics
    );
    assert!(result.card.is_some(), "the page is scored");
    host.cache_stats().expect("the host has a cache")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn artifacts_are_cached_and_tampering_is_detected_and_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let cache_dir = dir.path().join("extension-cache");
    std::fs::create_dir_all(cache_dir.join("stale-engine-key")).unwrap();
    let n = bundled::ALL.len() as u64;

    // First start: everything is compiled and written; the stale engine directory is gone.
    let first = host(&cache_dir, SECRET);
    assert!(!cache_dir.join("stale-engine-key").exists());
    assert_eq!(
        load_and_run(&first),
        CacheStats {
            hits: 0,
            misses: n,
            rejected: 0
        }
    );
    let (artifact, tag) = first.cache_paths(bundled::CORE_RULES.sha256).unwrap();
    assert!(artifact.is_file() && tag.is_file());
    assert_eq!(mode(&artifact), 0o600);
    assert_eq!(mode(&tag), 0o600);
    assert_eq!(mode(&cache_dir), 0o700);
    assert_eq!(mode(artifact.parent().unwrap()), 0o700);
    let original = std::fs::read(&artifact).unwrap();

    // Second start: everything comes from the cache.
    assert_eq!(
        load_and_run(&host(&cache_dir, SECRET)),
        CacheStats {
            hits: n,
            misses: 0,
            rejected: 0
        }
    );

    // A modified artifact (mode and owner intact) fails its tag: deleted, recompiled, still works.
    let mut tampered = original.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x5a;
    std::fs::write(&artifact, &tampered).unwrap();
    assert_eq!(
        load_and_run(&host(&cache_dir, SECRET)),
        CacheStats {
            hits: n - 1,
            misses: 1,
            rejected: 1
        }
    );
    assert_eq!(std::fs::read(&artifact).unwrap(), original, "rewritten");
    assert_eq!(mode(&artifact), 0o600);

    // A group/other-writable artifact is refused even though its bytes and tag are authentic.
    std::fs::set_permissions(&artifact, std::fs::Permissions::from_mode(0o666)).unwrap();
    assert_eq!(
        load_and_run(&host(&cache_dir, SECRET)),
        CacheStats {
            hits: n - 1,
            misses: 1,
            rejected: 1
        }
    );
    assert_eq!(mode(&artifact), 0o600);

    // Tags made with another secret do not verify: every artifact is replaced.
    assert_eq!(
        load_and_run(&host(
            &cache_dir,
            "another-secret-0123456789abcdef0123456789"
        )),
        CacheStats {
            hits: 0,
            misses: n,
            rejected: n
        }
    );
}

#[test]
fn a_host_without_cache_options_has_no_cache() {
    let host = ExtensionHost::with_options(HostOptions::default()).unwrap();
    assert!(host.cache_stats().is_none());
    assert!(host.cache_paths("00").is_none());
}
