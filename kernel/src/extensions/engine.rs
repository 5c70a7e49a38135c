//! The process-wide wasmtime engine (extensions.md §4.2) and its epoch ticker.

use super::host::HostOptions;
use super::limits;
use std::time::Duration;
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig,
};

/// Bytes of each linear-memory slot kept mapped between instances when dirty pages can be scanned: enough
/// for the default extensions' heaps on a typical page (they touch about 1.2 MiB), small next to the 64 MiB cap.
const KEEP_RESIDENT_BYTES: usize = 2 << 20;
/// Bytes of each table slot kept mapped under the same condition.
const KEEP_RESIDENT_TABLE_BYTES: usize = 64 << 10;

/// Builds the engine: fuel and epochs on (tests may switch either off), a pooling allocator sized for
/// `options.threads` concurrent jobs, memory capped by the pool as well as by each store's limiter.
pub(crate) fn build(options: &HostOptions) -> wasmtime::Result<Engine> {
    let limits = &options.limits;
    let threads = options.threads.max(1);
    let mut config = Config::new();
    config.epoch_interruption(options.epochs);
    config.consume_fuel(options.fuel);
    config.max_wasm_stack(limits.stack_bytes);
    config.cranelift_opt_level(OptLevel::Speed);
    config.parallel_compilation(true);
    // Diagnostics name the trap, not the frames; capturing a backtrace would only slow every failing call.
    config.wasm_backtrace_max_frames(None);
    // Proposals beyond what the Rust wasm32-wasip2 target emits stay off (threads, GC and component-model async
    // are not compiled into this wasmtime build).
    config.wasm_memory64(false);

    // Never fewer slots than jobs that can run at once (N interactive + N/2 background), so instantiation never
    // fails for lack of a slot.
    let slots = u32::try_from((4 * threads).max(64)).unwrap_or(u32::MAX);
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(slots)
        .total_core_instances(4 * slots)
        .total_memories(2 * slots)
        .total_tables(4 * slots)
        .max_memory_size(limits.memory_bytes)
        .max_core_instances_per_component(limits::INSTANCES_PER_STORE as u32)
        .max_memories_per_component(limits::MEMORIES_PER_STORE as u32)
        .max_tables_per_component(8)
        .table_elements(limits::TABLE_ELEMENTS);
    // Resetting a slot is the dominant cost of a fresh instance. With the PAGEMAP_SCAN ioctl (Linux 6.7+)
    // wasmtime resets only the pages a call dirtied and keeps them mapped, so the next instance in that slot
    // takes no page faults: instantiate p99 fell from 91 us to 21 us in the B1 benchmark. Without the ioctl,
    // keeping pages resident means a blind memset of the whole kept range, which measured slower than
    // madvise, so residency stays off there.
    if PoolingAllocationConfig::is_pagemap_scan_available() {
        pool.pagemap_scan(Enabled::Yes)
            .linear_memory_keep_resident(KEEP_RESIDENT_BYTES)
            .table_keep_resident(KEEP_RESIDENT_TABLE_BYTES);
    } else {
        pool.linear_memory_keep_resident(0).table_keep_resident(0);
    }
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config)
}

/// Starts the thread that advances the engine's epoch every 10 ms. It holds only a weak reference and ends when
/// the engine is dropped.
pub(crate) fn start_epoch_ticker(engine: &Engine) -> std::io::Result<()> {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("siloq-epoch".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(limits::EPOCH_TICK_MS));
                match weak.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => break,
                }
            }
        })
        .map(|_| ())
}
