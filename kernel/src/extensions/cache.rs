//! The local compiled-artifact cache (extensions.md §6.9): `<cache_dir>/<engine_key>/<sha256 of wasm>.cwasm`
//! with a sidecar `<sha256>.tag`. A miss compiles with `Engine::precompile_component`, writes both files under
//! temporary names (mode 0600, directories 0700) and renames them into place; every load, hit or miss, goes
//! through `siloq_artifact_cache::load_verified`, which checks place, owner, mode and tag before the only
//! `unsafe` deserialization. A rejected artifact is deleted and compiled again from the (already validated)
//! `.wasm`. Compiled code is only ever read from here.

use super::host::HostOptions;
use sha2::{Digest, Sha256};
use siloq_artifact_cache::{CacheKey, check_dir, effective_uid, load_verified};
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use wasmtime::Engine;
use wasmtime::component::Component;

/// The wasmtime release the workspace pins (Cargo.toml); part of the engine key.
const WASMTIME_VERSION: &str = "48.0.8";

/// Where a host keeps compiled artifacts and the key that tags them. Never prints the key.
#[derive(Clone)]
pub struct CacheOptions {
    pub dir: PathBuf,
    pub key: CacheKey,
}

impl CacheOptions {
    /// The cache in `dir`, keyed from the server secret.
    pub fn new(dir: impl Into<PathBuf>, secret: &[u8]) -> CacheOptions {
        CacheOptions {
            dir: dir.into(),
            key: CacheKey::derive(secret),
        }
    }
}

impl std::fmt::Debug for CacheOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheOptions")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// How loads went since the host started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Artifacts loaded from the cache without compiling.
    pub hits: u64,
    /// Components compiled and written to the cache.
    pub misses: u64,
    /// Cached artifacts that failed a check and were deleted (then compiled again, counted in `misses`).
    pub rejected: u64,
}

pub(crate) struct Cache {
    /// Canonical `<cache_dir>`.
    root: PathBuf,
    engine_key: String,
    key: CacheKey,
    euid: u32,
    hits: AtomicU64,
    misses: AtomicU64,
    rejected: AtomicU64,
}

/// The engine key: wasmtime's version, its precompile-compatibility hash and the Siloq settings that shape code.
fn engine_key(engine: &Engine, options: &HostOptions) -> String {
    let mut compat = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut compat);
    let mut h = Sha256::new();
    h.update(format!(
        "wasmtime {WASMTIME_VERSION}\ncompat {:016x}\nfuel {}\nepochs {}\nstack {}\nmemory {}\n",
        compat.finish(),
        options.fuel,
        options.epochs,
        options.limits.stack_bytes,
        options.limits.memory_bytes,
    ));
    hex::encode(&h.finalize()[..16])
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    // An existing directory keeps its mode; tighten it (a directory of another user fails here or in the
    // ownership check).
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

impl Cache {
    /// Creates (0700) and checks the cache directory and this engine's subdirectory; removes the directories
    /// of other engine keys.
    pub(crate) fn open(
        engine: &Engine,
        host: &HostOptions,
        cache: &CacheOptions,
    ) -> io::Result<Cache> {
        create_private_dir(&cache.dir)?;
        let root = fs::canonicalize(&cache.dir)?;
        let euid = effective_uid(&root)?;
        check_dir(&root, euid).map_err(io::Error::other)?;
        let engine_key = engine_key(engine, host);
        for entry in fs::read_dir(&root)? {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_str() != Some(engine_key.as_str()) && entry.file_type()?.is_dir() {
                tracing::info!(dir = %entry.path().display(), "removing extension artifacts of another engine");
                if let Err(e) = fs::remove_dir_all(entry.path()) {
                    tracing::warn!(dir = %entry.path().display(), error = %e, "cannot remove old artifacts");
                }
            }
        }
        let dir = root.join(&engine_key);
        create_private_dir(&dir)?;
        check_dir(&dir, euid).map_err(io::Error::other)?;
        Ok(Cache {
            root,
            engine_key,
            key: cache.key.clone(),
            euid,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
        })
    }

    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
        }
    }

    /// The artifact and tag paths of a component whose bytes hash to `sha256` (hex).
    pub(crate) fn paths(&self, sha256: &str) -> (PathBuf, PathBuf) {
        let dir = self.root.join(&self.engine_key);
        (
            dir.join(format!("{sha256}.cwasm")),
            dir.join(format!("{sha256}.tag")),
        )
    }

    fn load(&self, engine: &Engine, artifact: &Path, tag: &Path) -> Result<Component, String> {
        let tag = fs::read(tag).map_err(|e| format!("cannot read its tag: {e}"))?;
        load_verified(engine, &self.root, artifact, &tag, &self.key, self.euid)
            .map_err(|e| e.to_string())
    }

    /// The compiled component for `wasm` (already validated by the loader), from the cache or compiled now.
    pub(crate) fn component(&self, engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Component> {
        let sha = hex::encode(Sha256::digest(wasm));
        let (artifact, tag) = self.paths(&sha);
        if fs::symlink_metadata(&artifact).is_ok() {
            match self.load(engine, &artifact, &tag) {
                Ok(component) => {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    return Ok(component);
                }
                Err(why) => {
                    self.rejected.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(artifact = %artifact.display(), reason = %why,
                        "cached extension artifact rejected; deleting it and compiling again");
                    let _ = fs::remove_file(&artifact);
                    let _ = fs::remove_file(&tag);
                }
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let compiled = engine.precompile_component(wasm)?;
        let name = format!("{}/{sha}.cwasm", self.engine_key);
        let stored = write_private(&tag, &self.key.tag(&name, &compiled))
            .and_then(|()| write_private(&artifact, &compiled));
        if let Err(e) = stored {
            tracing::warn!(artifact = %artifact.display(), error = %e,
                "cannot write the extension artifact cache; compiling without it");
            return Component::new(engine, wasm);
        }
        self.load(engine, &artifact, &tag)
            .map_err(|why| wasmtime::format_err!("the freshly cached artifact was rejected: {why}"))
    }
}

/// Writes `bytes` to a temporary name beside `path` with mode 0600, then renames it into place.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension(format!(
        "tmp-{}-{:016x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
