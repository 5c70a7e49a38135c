//! `memory-bomb` (extensions.md §10 case 2): allocates 1 MiB blocks until the allocator fails. The kernel's
//! limiter denies growth at the memory cap and the call ends with `memory_limit`.
//!
//! By default the blocks are only reserved (the allocator grows linear memory, nothing is written), which is
//! what reaches the cap fastest. With `{"touch": true}` every block is filled, so its pages are really resident:
//! the variant for checking that the host gives that memory back after the call.

use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;
use std::hint::black_box;

#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    touch: bool,
}

pub struct MemoryBomb;

impl Rule for MemoryBomb {
    type Config = Config;

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
        config: &Config,
        out: &mut Report,
    ) -> Result<(), ExtensionError> {
        let mut blocks: Vec<Vec<u8>> = Vec::new();
        // Without a limit this would never end; 4 GiB (the whole 32-bit address space) is the natural bound.
        for i in 0..4096u32 {
            let block = if config.touch {
                vec![i as u8 | 1; 1 << 20]
            } else {
                let mut block = Vec::with_capacity(1 << 20);
                block.push(i as u8);
                block
            };
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
