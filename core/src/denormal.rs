//! Denormal protection.
//!
//! Recursive filters and feedback loops decay towards zero after the signal stops; on x86 the
//! last stretch of that decay runs through subnormal numbers, which can be a hundred times
//! slower. Two defences, used together:
//!
//! * [`FlushGuard`]: a scoped guard that sets the SSE flush-to-zero and denormals-are-zero bits
//!   for the duration of a `process` call and restores the caller's mode afterwards (x86 and
//!   x86_64 with SSE; a no-op elsewhere).
//! * [`flush`]: processors zero state values below [`FLUSH_THRESHOLD`] (and non-finite ones)
//!   every [`FLUSH_FRAMES`] frames, which also covers targets without such a mode (wasm, Arm
//!   without the guard).
//!
//! The flush happens on a grid of frames counted from `prepare`/`reset` ([`FlushGrid`]), not at
//! block ends: a processor splits a block at the grid points it contains. Flushing changes the
//! state (a value of 1e-26 becomes 0), so flushing at block ends would make the output of a
//! decay depend on the block size; on the grid it does not.

/// State values smaller than this in magnitude are set to zero at the flush points.
pub const FLUSH_THRESHOLD: f64 = 1e-25;

/// State is flushed every this many frames, counted from `prepare`/`reset`. A multiple of
/// [`crate::smooth::COEFF_UPDATE_FRAMES`], so a filter's coefficient grid and its flush grid
/// share one counter. Short enough that state which was at least 1e-25 at one flush point
/// cannot reach the subnormal range before the next unless it decays faster than about
/// 10^(−13/256) per frame (and then it passes that range in a few frames); short enough too
/// that non-finite state is cleared within this many frames.
pub const FLUSH_FRAMES: usize = 256;

const _: () = assert!(FLUSH_FRAMES % crate::smooth::COEFF_UPDATE_FRAMES == 0);

/// A processor's position on the flush grid: frames processed since `prepare`/`reset`, modulo
/// [`FLUSH_FRAMES`]. State is flushed whenever the count reaches a multiple of
/// [`FLUSH_FRAMES`], whatever the block sizes were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlushGrid {
    phase: usize,
}

impl FlushGrid {
    /// At a grid point (as after `prepare`).
    pub const fn new() -> Self {
        FlushGrid { phase: 0 }
    }

    /// Back to a grid point (for `reset`).
    #[inline]
    pub fn reset(&mut self) {
        self.phase = 0;
    }

    /// Frames since the last grid point, in `0..FLUSH_FRAMES`.
    #[inline]
    pub fn phase(&self) -> usize {
        self.phase
    }

    /// Frames to the next grid point, in `1..=FLUSH_FRAMES`.
    #[inline]
    pub fn until_flush(&self) -> usize {
        FLUSH_FRAMES - self.phase
    }

    /// Advances by `frames` (any number); returns whether the count now sits on a grid point.
    /// With `frames <= self.until_flush()`, that is whether a flush is due now.
    #[inline]
    pub fn advance(&mut self, frames: usize) -> bool {
        self.phase = (self.phase + frames % FLUSH_FRAMES) % FLUSH_FRAMES;
        self.phase == 0
    }

    /// The pieces of a block of `frames` frames starting at the current count, cut at grid
    /// points: `(start, end, flush)`, with `flush` true when `end` is a grid point. Does not
    /// advance (call [`FlushGrid::advance`] with the whole block afterwards), so a processor
    /// with several passes over a block can cut each the same way.
    #[inline]
    pub fn pieces(&self, frames: usize) -> Pieces {
        Pieces {
            pos: 0,
            frames,
            next: self.until_flush(),
        }
    }
}

/// Iterator of [`FlushGrid::pieces`].
#[derive(Debug, Clone)]
pub struct Pieces {
    pos: usize,
    frames: usize,
    next: usize,
}

impl Iterator for Pieces {
    type Item = (usize, usize, bool);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.frames {
            return None;
        }
        let start = self.pos;
        let end = self.next.min(self.frames);
        let flush = end == self.next;
        if flush {
            self.next += FLUSH_FRAMES;
        }
        self.pos = end;
        Some((start, end, flush))
    }
}

/// Runs `f` over the pieces of `block` cut at the grid points of `grid` (frames `start..end`
/// of every channel, and whether a flush is due after it), then advances `grid` by the block.
/// For processors that are block-size independent apart from their flush: they process each
/// piece as a block and flush their state when told.
#[inline]
pub fn for_each_piece(
    grid: &mut FlushGrid,
    block: &mut [&mut [f32]],
    mut f: impl FnMut(&mut [&mut [f32]], bool),
) {
    let frames = block.iter().map(|c| c.len()).min().unwrap_or(0);
    let channels = block.len().min(crate::processor::MAX_CHANNELS);
    for (start, end, flush) in grid.pieces(frames) {
        if start == 0 && end == frames {
            f(&mut block[..channels], flush);
        } else {
            let mut parts: [&mut [f32]; crate::processor::MAX_CHANNELS] = Default::default();
            for (d, ch) in parts.iter_mut().zip(block.iter_mut()) {
                *d = &mut ch[start..end];
            }
            f(&mut parts[..channels], flush);
        }
    }
    grid.advance(frames);
}

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
    use alloc::vec::Vec;

    #[test]
    fn flush_zeroes_tiny_and_non_finite() {
        assert_eq!(flush(1e-30), 0.0);
        assert_eq!(flush(f64::NAN), 0.0);
        assert_eq!(flush(f64::INFINITY), 0.0);
        assert_eq!(flush(0.5), 0.5);
        assert_eq!(flush_f32(-1e-30), 0.0);
    }

    #[test]
    fn pieces_end_on_the_grid_whatever_the_blocks() {
        for sizes in [&[1usize][..], &[7], &[255, 2, 300], &[256], &[1000, 24]] {
            let mut grid = FlushGrid::new();
            let mut flushes = Vec::new();
            let mut pos = 0;
            for &n in sizes.iter().cycle().take(40) {
                for (a, b, flush) in grid.pieces(n) {
                    assert!(a < b && b <= n);
                    if flush {
                        flushes.push(pos + b);
                    }
                }
                grid.advance(n);
                pos += n;
            }
            let want: Vec<usize> = (1..=pos / FLUSH_FRAMES).map(|k| k * FLUSH_FRAMES).collect();
            assert_eq!(flushes, want, "block sizes {sizes:?}");
            assert_eq!(grid.phase(), pos % FLUSH_FRAMES);
        }
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
