//! Build-script helper for Siloq's WebAssembly components (extensions.md §9).
