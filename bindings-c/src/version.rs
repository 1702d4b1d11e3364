//! The library's version and the CPU path it runs, for hosts that check what they loaded.

use core::ffi::c_char;

/// A whole number of a version part, at compile time.
const fn parse(s: &str) -> u32 {
    let b = s.as_bytes();
    let mut v = 0u32;
    let mut i = 0;
    while i < b.len() {
        v = v * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    v
}

const VERSION_NUMBER: u32 = parse(env!("CARGO_PKG_VERSION_MAJOR")) * 10_000
    + parse(env!("CARGO_PKG_VERSION_MINOR")) * 100
    + parse(env!("CARGO_PKG_VERSION_PATCH"));

/// The library's version as text ("0.1.0"), static. Compare with `MM_VERSION_STRING` to check
/// that the library loaded is the one the header describes.
#[unsafe(no_mangle)]
pub extern "C" fn mm_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The library's version as a number: major * 10000 + minor * 100 + patch (`MM_VERSION_NUMBER`
/// in the header it was built with).
#[unsafe(no_mangle)]
pub extern "C" fn mm_version_number() -> u32 {
    VERSION_NUMBER
}

/// Whether this CPU runs the core's AVX2 + FMA code (x86-64). Results are bit-identical
/// between machines that answer the same; between the two paths they differ by float rounding.
#[unsafe(no_mangle)]
pub extern "C" fn mm_cpu_has_avx2_fma() -> bool {
    mixmaster::cpu::has_avx2_fma()
}
