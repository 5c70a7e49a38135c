//! The one audited `unsafe` call of the extension platform (extensions.md §6.9): turning a locally cached,
//! precompiled component back into a [`Component`] without compiling it again.
//!
//! Deserializing precompiled code is unsafe because wasmtime trusts the bytes to be its own output: a crafted
//! artifact is native code execution. Everything in this crate exists so that the bytes handed to wasmtime are
//! provably bytes this server wrote itself:
//!
//! * the artifact lies inside the cache directory (both canonicalized, so neither `..` nor symlinks lead out);
//! * the cache directory and the artifact's own directory are owned by the effective user and not writable by
//!   group or others, so no other local user can place or swap files there;
//! * the artifact is a regular file (not a symlink, device or FIFO) owned by the effective user and not writable
//!   by group or others;
//! * its sidecar tag verifies: HMAC-SHA-256, keyed by [`CacheKey::derive`] from the server secret, over the
//!   artifact's name inside the cache and its bytes. Only a holder of the server secret can produce a tag, and a
//!   tag binds the artifact to its name, so a valid artifact cannot be replayed under another module's name.
//!
//! The bytes are read once from the opened file, verified, and the *same in-memory bytes* are deserialized,
//! so nothing can change between the check and the use.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

type HmacSha256 = Hmac<Sha256>;

/// The label the cache key is derived with.
pub const KEY_LABEL: &[u8] = b"siloq extension cache v1";

/// Mode bits that must be clear on the cache directories and artifacts: group and other write.
const FOREIGN_WRITE: u32 = 0o022;

/// The key that tags cached artifacts: HMAC-SHA-256(server secret, [`KEY_LABEL`]). Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct CacheKey([u8; 32]);

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CacheKey(..)")
    }
}

impl CacheKey {
    /// Derives the cache key from the server secret.
    pub fn derive(secret: &[u8]) -> CacheKey {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
        mac.update(KEY_LABEL);
        CacheKey(mac.finalize().into_bytes().into())
    }

    fn mac(&self, name: &str, artifact: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        // Length-prefixed so that name and bytes cannot be re-split.
        mac.update(&(name.len() as u64).to_be_bytes());
        mac.update(name.as_bytes());
        mac.update(artifact);
        mac
    }

    /// The sidecar tag of `artifact`, stored under `name` (its path relative to the cache directory, with `/`).
    pub fn tag(&self, name: &str, artifact: &[u8]) -> [u8; 32] {
        self.mac(name, artifact).finalize().into_bytes().into()
    }

    fn verify(&self, name: &str, artifact: &[u8], tag: &[u8]) -> bool {
        // `verify_slice` compares in constant time.
        self.mac(name, artifact).verify_slice(tag).is_ok()
    }
}

/// Why a cached artifact was not loaded. Every variant means "delete it and compile from the `.wasm`".
#[derive(Debug)]
pub enum Rejected {
    Io(io::Error),
    /// The artifact (canonicalized) is not inside the cache directory.
    OutsideCacheDir(PathBuf),
    /// Not a regular file (a symlink, directory, device, FIFO...).
    NotRegularFile,
    /// A file or directory owned by another user.
    WrongOwner {
        path: PathBuf,
        uid: u32,
        expected: u32,
    },
    /// A file or directory writable by group or others.
    ForeignWritable {
        path: PathBuf,
        mode: u32,
    },
    /// The sidecar tag does not verify (tampered artifact, or a tag made with another secret).
    BadTag,
    /// wasmtime refused the (authentic) artifact, e.g. after an engine change the key did not capture.
    Deserialize(wasmtime::Error),
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejected::Io(e) => write!(f, "cannot read it: {e}"),
            Rejected::OutsideCacheDir(p) => {
                write!(f, "{} is outside the cache directory", p.display())
            }
            Rejected::NotRegularFile => f.write_str("not a regular file"),
            Rejected::WrongOwner {
                path,
                uid,
                expected,
            } => write!(
                f,
                "{} is owned by uid {uid}, not by the service user {expected}",
                path.display()
            ),
            Rejected::ForeignWritable { path, mode } => write!(
                f,
                "{} has mode {:o}: writable by group or others",
                path.display(),
                mode & 0o7777
            ),
            Rejected::BadTag => f.write_str("its tag does not verify"),
            Rejected::Deserialize(e) => write!(f, "wasmtime refused it: {e}"),
        }
    }
}

impl std::error::Error for Rejected {}

impl From<io::Error> for Rejected {
    fn from(e: io::Error) -> Self {
        Rejected::Io(e)
    }
}

/// The effective uid of this process, without `unsafe`: the second field of `Uid:` in `/proc/self/status`, or
/// else the owner of a file just created in `probe_dir` (files are created with the effective uid).
pub fn effective_uid(probe_dir: &Path) -> io::Result<u32> {
    if let Ok(status) = fs::read_to_string("/proc/self/status")
        && let Some(euid) = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            .and_then(|euid| euid.parse().ok())
    {
        return Ok(euid);
    }
    let probe = probe_dir.join(format!(".uid-probe-{}", std::process::id()));
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    let uid = file.metadata().map(|m| m.uid());
    drop(file);
    let _ = fs::remove_file(&probe);
    uid
}

/// Checks that `meta` (of `path`) is owned by `euid` and not writable by group or others.
fn check_owner_and_mode(path: &Path, meta: &fs::Metadata, euid: u32) -> Result<(), Rejected> {
    if meta.uid() != euid {
        return Err(Rejected::WrongOwner {
            path: path.to_path_buf(),
            uid: meta.uid(),
            expected: euid,
        });
    }
    let mode = meta.permissions().mode();
    if mode & FOREIGN_WRITE != 0 {
        return Err(Rejected::ForeignWritable {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

/// Checks that a cache directory is a directory owned by `euid` and not writable by group or others.
pub fn check_dir(dir: &Path, euid: u32) -> Result<(), Rejected> {
    let meta = fs::symlink_metadata(dir)?;
    if !meta.is_dir() {
        return Err(Rejected::NotRegularFile);
    }
    check_owner_and_mode(dir, &meta, euid)
}

/// Loads the artifact at `artifact` (inside `cache_dir`) whose sidecar tag is `tag`, after the checks of the
/// module documentation, as the effective user `euid`. Any `Err` means the artifact must be deleted and
/// compiled again from the verified `.wasm`.
pub fn load_verified(
    engine: &Engine,
    cache_dir: &Path,
    artifact: &Path,
    tag: &[u8],
    key: &CacheKey,
    euid: u32,
) -> Result<Component, Rejected> {
    // 1. Inside the cache directory, which belongs to us alone.
    let root = fs::canonicalize(cache_dir)?;
    check_dir(&root, euid)?;
    let link = fs::symlink_metadata(artifact)?;
    if !link.file_type().is_file() {
        return Err(Rejected::NotRegularFile);
    }
    let path = fs::canonicalize(artifact)?;
    let name = match path.strip_prefix(&root) {
        Ok(rel) if rel.components().count() > 0 => rel
            .to_str()
            .ok_or_else(|| Rejected::OutsideCacheDir(path.clone()))?
            .to_owned(),
        _ => return Err(Rejected::OutsideCacheDir(path)),
    };
    // Every directory between the root and the file is ours and closed to others as well.
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root {
            break;
        }
        check_dir(d, euid)?;
        dir = d.parent();
    }

    // 2. The opened file is the one checked, a regular file of ours that no one else may write.
    let mut file = File::open(&path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() || meta.dev() != link.dev() || meta.ino() != link.ino() {
        return Err(Rejected::NotRegularFile);
    }
    check_owner_and_mode(&path, &meta, euid)?;

    // 3. Its bytes carry our tag.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    drop(file);
    if !key.verify(&name, &bytes, tag) {
        return Err(Rejected::BadTag);
    }

    // 4. Only now does wasmtime see them.
    #[allow(unsafe_code)]
    // SAFETY: `Component::deserialize` requires bytes produced by `Engine::precompile_component` (or
    // `Component::serialize`) of a compatible engine and not modified since; arbitrary bytes could become native
    // code. The bytes passed here are exactly the in-memory bytes whose HMAC-SHA-256 tag was just verified with
    // a key derived from the server secret, which only this server holds and which it uses only to tag
    // artifacts it has itself produced with `precompile_component` (siloq-kernel, extensions/cache.rs). The tag
    // covers the artifact's name, so an authentic artifact cannot stand in for another module. They were read
    // from a regular file inside the cache directory, which, like the file, is owned by this user and not
    // writable by anyone else. Deserializing the verified buffer, rather than the file, leaves no window in
    // which the file could change between check and use. Engine compatibility (version, settings) is checked
    // by wasmtime itself against the artifact's header, and the caller keys the cache by engine as well.
    let component = unsafe { Component::deserialize(engine, &bytes) };
    component.map_err(Rejected::Deserialize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_derivation_and_tags_depend_on_secret_name_and_bytes() {
        let a = CacheKey::derive(b"secret-a");
        let b = CacheKey::derive(b"secret-b");
        assert_ne!(a, b);
        let tag = a.tag("e/x.cwasm", b"bytes");
        assert!(a.verify("e/x.cwasm", b"bytes", &tag));
        assert!(!b.verify("e/x.cwasm", b"bytes", &tag));
        assert!(!a.verify("e/y.cwasm", b"bytes", &tag));
        assert!(!a.verify("e/x.cwasm", b"bytez", &tag));
        assert!(!a.verify("e/x.cwasm", b"bytes", &tag[..31]));
        assert_eq!(format!("{a:?}"), "CacheKey(..)");
    }

    #[test]
    fn euid_matches_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("f");
        fs::write(&probe, b"").unwrap();
        assert_eq!(
            effective_uid(dir.path()).unwrap(),
            fs::metadata(&probe).unwrap().uid()
        );
    }

    #[test]
    fn rejects_outside_symlinks_modes_and_tags_before_deserializing() {
        let engine = Engine::default();
        let root = tempfile::tempdir().unwrap();
        let euid = effective_uid(root.path()).unwrap();
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o700)).unwrap();
        let key = CacheKey::derive(b"secret");
        // Not a real artifact: any check failing before deserialization proves it never reached wasmtime.
        let good = root.path().join("a.cwasm");
        fs::write(&good, b"not an artifact").unwrap();
        fs::set_permissions(&good, fs::Permissions::from_mode(0o600)).unwrap();
        let tag = key.tag("a.cwasm", b"not an artifact");

        let load = |p: &Path, t: &[u8]| load_verified(&engine, root.path(), p, t, &key, euid);
        assert!(matches!(load(&good, &tag), Err(Rejected::Deserialize(_))));
        assert!(matches!(load(&good, &[0; 32]), Err(Rejected::BadTag)));
        assert!(matches!(
            load_verified(&engine, root.path(), &good, &tag, &key, euid + 1),
            Err(Rejected::WrongOwner { .. })
        ));

        let outside = tempfile::tempdir().unwrap();
        let out = outside.path().join("a.cwasm");
        fs::copy(&good, &out).unwrap();
        assert!(matches!(
            load(&out, &tag),
            Err(Rejected::OutsideCacheDir(_))
        ));
        let link = root.path().join("b.cwasm");
        std::os::unix::fs::symlink(&out, &link).unwrap();
        assert!(matches!(load(&link, &tag), Err(Rejected::NotRegularFile)));

        fs::set_permissions(&good, fs::Permissions::from_mode(0o666)).unwrap();
        assert!(matches!(
            load(&good, &tag),
            Err(Rejected::ForeignWritable { .. })
        ));
        fs::set_permissions(&good, fs::Permissions::from_mode(0o600)).unwrap();
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            load(&good, &tag),
            Err(Rejected::ForeignWritable { .. })
        ));
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o700)).unwrap();
    }
}
