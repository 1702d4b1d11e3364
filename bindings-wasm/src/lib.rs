//! `mixmaster-wasm`: the WebAssembly binding of mixmaster, for the npm package `mixmaster-wasm`.
//!
//! A mapping of the core, not a second implementation: processors are built generically from
//! the core's registry ([`processor::RawProcessor`] by kind name and a JS object of settings;
//! the package's JS makes one class per registered kind from [`describe::kinds`]), sessions
//! come from `mixmaster-session`, loudness and normalization from the core's `master` module.
//! The binding holds no per-processor code and no DSP.
//!
//! The exports here are the package's low-level layer (`Raw*` classes and plain functions);
//! the JS modules in `bindings-wasm/js` give them JavaScript-idiomatic names and shapes.
//!
//! Errors: every entry point validates its input first and returns a thrown JS `Error` with a
//! clear message; nothing here panics on bad input, so after any error the next call works.
//! The real-time [`kernel::Kernel`] processes buffers that live in wasm memory, with no
//! allocation and no copy per render quantum.

pub mod alloc_count;
pub mod audio;
pub mod convert;
pub mod describe;
pub mod error;
pub mod kernel;
pub mod loudness;
pub mod processor;
pub mod session;

use wasm_bindgen::prelude::*;

/// The crate version (the package version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The most channels one processor handles.
#[wasm_bindgen(js_name = maxChannels)]
pub fn max_channels() -> usize {
    mixmaster::processor::MAX_CHANNELS
}

/// Bytes of wasm linear memory now (it only grows; the real-time path must leave it unchanged).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) * 65536) as f64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Heap allocations made so far by Rust code in this module (a counter for tests of the
/// real-time path: it must not move while audio runs).
#[wasm_bindgen(js_name = allocationCount)]
pub fn allocation_count() -> f64 {
    alloc_count::count() as f64
}
