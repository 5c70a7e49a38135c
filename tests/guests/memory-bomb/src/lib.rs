//! `memory-bomb` (extensions.md §10 case 2): allocates and touches 1 MiB blocks until the allocator fails. The
//! kernel's limiter denies growth at the memory cap and the call ends with `memory_limit`.

use siloq_sdk::prelude::*;
use std::hint::black_box;

pub struct MemoryBomb;

impl Rule for MemoryBomb {
    type Config = NoConfig;

    fn info() -> RuleInfo {
        RuleInfo::new("test.memory-bomb", "Memory bomb").check(Check::new(
            "test.memory_bomb.ran",
            Category::Technical,
            Severity::Low,
            "Memory bomb ran",
        ))
    }

    fn evaluate(
        _page: &impl PageView,
        _config: &NoConfig,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let mut blocks: Vec<Vec<u8>> = Vec::new();
        // Without a limit this would never end; 4 GiB (the whole 32-bit address space) is the natural bound.
        for i in 0..4096usize {
            let mut block = vec![0u8; 1 << 20];
            block[i % (1 << 20)] = 1;
            blocks.push(black_box(block));
        }
        out.fail(
            "test.memory_bomb.ran",
            format!("Allocated {} MiB without being stopped.", blocks.len()),
        );
        Ok(())
    }
}

export_rule!(MemoryBomb);
