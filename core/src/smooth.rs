//! Parameter smoothing: the one place that ramps a parameter towards a new value.
//!
//! [`Smoothed`] ramps linearly over a fixed number of frames. Its value after `k` frames is
//! computed as `target - step * remaining` (not by repeated addition), so advancing one frame at
//! a time and advancing by a whole chunk give bit-identical values: smoothing never makes the
//! output depend on the block size.
//!
//! Gains, pans and mixes advance per sample. Filter coefficients are recomputed every
//! [`COEFF_UPDATE_FRAMES`] frames while a filter parameter moves, on a grid counted from
//! `prepare`/`reset`, not from the start of each block.

/// While a filter parameter moves, coefficients are recomputed every this many frames.
pub const COEFF_UPDATE_FRAMES: usize = 32;

/// Default ramp for gains, pans and mixes, in seconds.
pub const DEFAULT_GAIN_RAMP_S: f64 = 0.02;

/// Default ramp for filter parameters, in seconds.
pub const DEFAULT_FILTER_RAMP_S: f64 = 0.03;

/// A value that ramps linearly to its target over a fixed number of frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Smoothed {
    target: f64,
    step: f64,
    remaining: u32,
    ramp_frames: u32,
}

impl Smoothed {
    /// A value that starts settled at `value`, with a ramp of zero frames (set it in `prepare`).
    pub const fn new(value: f64) -> Self {
        Smoothed {
            target: value,
            step: 0.0,
            remaining: 0,
            ramp_frames: 0,
        }
    }

    /// Sets the ramp length from seconds and a sample rate; a ramp in progress is finished.
    pub fn set_ramp(&mut self, seconds: f64, sample_rate: f64) {
        let frames = crate::math::round(seconds * sample_rate).clamp(0.0, u32::MAX as f64) as u32;
        self.set_ramp_frames(frames);
    }

    /// Sets the ramp length in frames; a ramp in progress is finished.
    pub fn set_ramp_frames(&mut self, frames: u32) {
        self.ramp_frames = frames;
        self.finish();
    }

    /// The current value.
    #[inline]
    pub fn value(&self) -> f64 {
        self.target - self.step * self.remaining as f64
    }

    /// The value the ramp is heading for.
    #[inline]
    pub fn target(&self) -> f64 {
        self.target
    }

    /// Whether a ramp is in progress.
    #[inline]
    pub fn is_smoothing(&self) -> bool {
        self.remaining > 0
    }

    /// Frames left in the current ramp.
    #[inline]
    pub fn remaining(&self) -> u32 {
        self.remaining
    }

    /// Starts a ramp from the current value to `target`.
    pub fn set_target(&mut self, target: f64) {
        if target == self.target && self.remaining == 0 {
            return;
        }
        let current = self.value();
        self.target = target;
        if self.ramp_frames == 0 {
            self.remaining = 0;
            self.step = 0.0;
        } else {
            self.remaining = self.ramp_frames;
            self.step = (target - current) / self.ramp_frames as f64;
        }
    }

    /// Jumps to `value` with no ramp.
    pub fn set_immediate(&mut self, value: f64) {
        self.target = value;
        self.finish();
    }

    /// Ends any ramp at its target.
    pub fn finish(&mut self) {
        self.remaining = 0;
        self.step = 0.0;
    }

    /// Advances one frame and returns the new value.
    #[inline]
    pub fn tick(&mut self) -> f64 {
        if self.remaining > 0 {
            self.remaining -= 1;
        }
        self.value()
    }

    /// Advances `frames` frames at once and returns the new value.
    #[inline]
    pub fn advance(&mut self, frames: usize) -> f64 {
        self.remaining = self
            .remaining
            .saturating_sub(frames.min(u32::MAX as usize) as u32);
        self.value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_reaches_target_exactly_and_linearly() {
        let mut s = Smoothed::new(0.0);
        s.set_ramp_frames(4);
        s.set_target(1.0);
        let v: [f64; 5] = core::array::from_fn(|_| s.tick());
        assert_eq!(v, [0.25, 0.5, 0.75, 1.0, 1.0]);
        assert!(!s.is_smoothing());
    }

    #[test]
    fn advance_equals_repeated_next() {
        let mut a = Smoothed::new(0.3);
        a.set_ramp_frames(1000);
        a.set_target(-2.7);
        let mut b = a;
        for _ in 0..333 {
            a.tick();
        }
        b.advance(333);
        assert_eq!(a.value().to_bits(), b.value().to_bits());
    }

    #[test]
    fn retarget_mid_ramp_starts_from_current_value() {
        let mut s = Smoothed::new(0.0);
        s.set_ramp_frames(10);
        s.set_target(10.0);
        s.advance(5);
        s.set_target(0.0);
        assert!((s.value() - 5.0).abs() < 1e-12);
        s.advance(10);
        assert_eq!(s.value(), 0.0);
    }
}
