//! The default scoring model (seo-rules.md §2). Placeholder until phase 2.
