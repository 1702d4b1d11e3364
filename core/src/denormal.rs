//! Denormal protection.
//!
//! Recursive filters and feedback loops decay towards zero after the signal stops; on x86 the
//! last stretch of that decay runs through subnormal numbers, which can be a hundred times
//! slower. Two defences, used together:
//!
//! * [`FlushGuard`]: a scoped guard that sets the SSE flush-to-zero and denormals-are-zero bits
//!   for the duration of a `process` call and restores the caller's mode afterwards (x86 and
//!   x86_64 with SSE; a no-op elsewhere).
//! * [`flush`]: processors zero state values below [`FLUSH_THRESHOLD`] at the end of each block,
//!   which also covers targets without such a mode (wasm, Arm without the guard).

/// State values smaller than this in magnitude are set to zero at block ends.
pub const FLUSH_THRESHOLD: f64 = 1e-25;

/// Zeroes `x` if it is tiny, and also if it is not finite (so a NaN cannot poison the state).
#[inline]
pub fn flush(x: f64) -> f64 {
    if x.abs() < FLUSH_THRESHOLD || !x.is_finite() {
        0.0
    } else {
        x
    }
}

/// `f32` version of [`flush`].
#[inline]
pub fn flush_f32(x: f32) -> f32 {
    if x.abs() < FLUSH_THRESHOLD as f32 || !x.is_finite() {
        0.0
    } else {
        x
    }
}

/// Sets flush-to-zero and denormals-are-zero while alive; restores the previous mode on drop.
pub struct FlushGuard {
    #[cfg(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse"
    ))]
    saved: u32,
}

#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse"
))]
mod imp {
    #[cfg(target_arch = "x86")]
    use core::arch::x86 as arch;
    #[cfg(target_arch = "x86_64")]
    use core::arch::x86_64 as arch;

    const FTZ_DAZ: u32 = 0x8040;

    #[allow(deprecated)]
    pub fn enter() -> u32 {
        // SAFETY: reading and writing MXCSR only changes how this thread rounds subnormals; SSE is
        // present (checked by the cfg above). Exceptions stay masked as the caller had them.
        unsafe {
            let saved = arch::_mm_getcsr();
            arch::_mm_setcsr(saved | FTZ_DAZ);
            saved
        }
    }

    #[allow(deprecated)]
    pub fn leave(saved: u32) {
        // SAFETY: restores the mode read in `enter`.
        unsafe { arch::_mm_setcsr(saved) }
    }
}

impl FlushGuard {
    /// Enters flush-to-zero mode for the current thread.
    #[inline]
    pub fn new() -> Self {
        #[cfg(all(
            any(target_arch = "x86", target_arch = "x86_64"),
            target_feature = "sse"
        ))]
        {
            FlushGuard {
                saved: imp::enter(),
            }
        }
        #[cfg(not(all(
            any(target_arch = "x86", target_arch = "x86_64"),
            target_feature = "sse"
        )))]
        {
            FlushGuard {}
        }
    }
}

impl Default for FlushGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for FlushGuard {
    #[inline]
    fn drop(&mut self) {
        #[cfg(all(
            any(target_arch = "x86", target_arch = "x86_64"),
            target_feature = "sse"
        ))]
        imp::leave(self.saved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flush_zeroes_tiny_and_non_finite() {
        assert_eq!(flush(1e-30), 0.0);
        assert_eq!(flush(f64::NAN), 0.0);
        assert_eq!(flush(f64::INFINITY), 0.0);
        assert_eq!(flush(0.5), 0.5);
        assert_eq!(flush_f32(-1e-30), 0.0);
    }

    #[test]
    fn guard_restores_mode() {
        let tiny = core::hint::black_box(f32::MIN_POSITIVE);
        {
            let _g = FlushGuard::new();
            #[cfg(target_arch = "x86_64")]
            assert_eq!(core::hint::black_box(tiny) * 0.5, 0.0);
        }
        assert!(core::hint::black_box(tiny) * 0.5 > 0.0);
    }
}
