//! Technical checks (seo-rules.md §3).

use crate::ctx::Ctx;
use serde::{Deserialize, Serialize};
use siloq_sdk::prelude::*;

/// Thresholds of the technical checks; defaults are the catalogue's.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {}

pub fn checks() -> Vec<Check> {
    Vec::new()
}

pub fn evaluate<P: PageView>(_ctx: &Ctx<'_, P>, _config: &Config, _out: &mut Report) {}
