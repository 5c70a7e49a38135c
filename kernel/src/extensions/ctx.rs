//! The data of one call's store (extensions.md §4.4): the resource table that holds the lent page, the WASI
//! context (no arguments, no environment, closed standard input, standard output discarded, standard error
//! captured), the memory limiter, and the guest's log lines.

use super::io::Stderr;
use super::limits;
use super::wit::v1_0_0::host::{self, LogLevel};
use wasmtime::ResourceLimiter;
use wasmtime::component::{HasData, ResourceTable};
use wasmtime_wasi::WasiCtx;
use wasmtime_wasi::p2::bindings::random::insecure_seed;

/// Store data of one call.
pub(crate) struct CallCtx {
    pub(crate) table: ResourceTable,
    pub(crate) wasi: WasiCtx,
    pub(crate) limiter: Limiter,
    pub(crate) logs: Logs,
    pub(crate) stderr: Stderr,
    pub(crate) seed: FixedSeed,
}

impl CallCtx {
    pub(crate) fn new(memory_bytes: usize) -> Self {
        let stderr = Stderr::default();
        // The builder's defaults are what §4.3 wants: no arguments, no environment, no preopens, a closed
        // standard input and a standard output that discards everything. Only standard error is replaced.
        let wasi = WasiCtx::builder().stderr(stderr.clone()).build();
        Self {
            table: ResourceTable::new(),
            wasi,
            limiter: Limiter::new(memory_bytes),
            logs: Logs::default(),
            stderr,
            seed: FixedSeed,
        }
    }
}

/// Allows memory growth up to the cap, records the high-water mark and whether growth was ever denied, and
/// caps instances, memories, tables and table elements.
pub(crate) struct Limiter {
    memory_cap: usize,
    pub(crate) peak_memory: usize,
    pub(crate) memory_denied: bool,
}

impl Limiter {
    fn new(memory_cap: usize) -> Self {
        Self {
            memory_cap,
            peak_memory: 0,
            memory_denied: false,
        }
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_cap || maximum.is_some_and(|m| desired > m) {
            self.memory_denied = true;
            return Ok(false);
        }
        self.peak_memory = self.peak_memory.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= limits::TABLE_ELEMENTS)
    }

    fn instances(&self) -> usize {
        limits::INSTANCES_PER_STORE
    }

    fn tables(&self) -> usize {
        limits::TABLES_PER_STORE
    }

    fn memories(&self) -> usize {
        limits::MEMORIES_PER_STORE
    }
}

/// The guest's log lines of one call: at most 20 lines of 512 bytes; the rest is dropped and noted once.
#[derive(Debug, Default)]
pub(crate) struct Logs {
    pub(crate) lines: Vec<(LogLevel, String)>,
    pub(crate) truncated: bool,
}

impl host::Host for CallCtx {
    fn log(&mut self, level: LogLevel, message: String) -> wasmtime::Result<()> {
        if self.logs.lines.len() >= limits::LOG_LINES {
            self.logs.truncated = true;
            return Ok(());
        }
        let line = super::page::cut(&message, limits::LOG_LINE_BYTES);
        if line.len() < message.len() {
            self.logs.truncated = true;
        }
        self.logs.lines.push((level, line.to_string()));
        Ok(())
    }
}

/// `wasi:random/insecure-seed` returns this fixed value: the only entropy a guest can see (§4.9 determinism).
pub(crate) struct FixedSeed;

/// The seed, arbitrary but fixed.
const SEED: (u64, u64) = (0x5110_9a5e_ed00_0001, 0x5110_9a5e_ed00_0002);

impl insecure_seed::Host for FixedSeed {
    fn insecure_seed(&mut self) -> wasmtime::Result<(u64, u64)> {
        Ok(SEED)
    }
}

/// `HasData` for [`FixedSeed`].
pub(crate) struct Seed;

impl HasData for Seed {
    type Data<'a> = &'a mut FixedSeed;
}
