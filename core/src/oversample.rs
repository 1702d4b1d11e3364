//! Polyphase oversampling by 2, 4 or 8: up, process at the high rate, down.
//!
//! One Kaiser-windowed sinc low-pass, designed at the oversampled rate with its passband to
//! 0.42·fs and its stopband from 0.5·fs (about 90 dB), serves both directions. Its length makes
//! the delay of up plus down a whole number of base-rate frames ([`Oversampler::latency`]), so
//! a dry signal can be delayed to line up with the processed one.

use alloc::vec;
use alloc::vec::Vec;

use crate::error::{Error, Range, Result};
use crate::math;

const BETA: f64 = 9.0;
/// Base-rate taps per phase: sets the transition band (0.42–0.5 fs at 90 dB).
const TAPS_PER_PHASE: usize = 72;

fn bessel_i0(x: f64) -> f64 {
    let (mut sum, mut term) = (1.0, 1.0);
    let q = x * x / 4.0;
    for k in 1..80 {
        term *= q / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

/// Dot product with eight partial sums, so it vectorises.
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// Up- and down-sampler state for one channel, plus the shared filter.
#[derive(Debug, Clone)]
pub struct Oversampler {
    factor: usize,
    /// Phase-major, each phase reversed for a forward dot product: `up[p][k]`.
    up: Vec<Vec<f32>>,
    /// The full filter, reversed, for the decimating dot product.
    down: Vec<f32>,
    /// Base-rate input history (the last `TAPS_PER_PHASE − 1` samples, then the block).
    in_hist: Vec<f32>,
    /// Oversampled history (the last `down.len() − 1` samples, then the block).
    os_hist: Vec<f32>,
    max_block: usize,
}

impl Oversampler {
    /// An oversampler by `factor` (2, 4 or 8) for blocks of up to `max_block` base frames.
    pub fn new(factor: usize, max_block: usize) -> Result<Self> {
        if ![2, 4, 8].contains(&factor) {
            return Err(Error::Parameter {
                name: "oversampling",
                value: factor as f64,
                range: Range::closed(2.0, 8.0),
                note: "2, 4 or 8",
            });
        }
        let l = factor;
        // Length L·(T−1) + 1: the total delay of up + down, N − 1 = L·(T−1), is T−1 base frames.
        let n = l * (TAPS_PER_PHASE - 1) + 1;
        let centre = (n - 1) as f64 / 2.0;
        let fc = 0.46 / l as f64; // cycles per oversampled sample
        let i0b = bessel_i0(BETA);
        let mut h = vec![0.0f64; l * TAPS_PER_PHASE];
        for (i, v) in h.iter_mut().enumerate().take(n) {
            let t = i as f64 - centre;
            let sinc = if t == 0.0 {
                2.0 * fc
            } else {
                math::sin(2.0 * core::f64::consts::PI * fc * t) / (core::f64::consts::PI * t)
            };
            let r = t / centre;
            *v = sinc * bessel_i0(BETA * math::sqrt((1.0 - r * r).max(0.0))) / i0b;
        }
        let dc: f64 = h.iter().sum();
        let up = (0..l)
            .map(|p| {
                (0..TAPS_PER_PHASE)
                    .rev()
                    .map(|k| (h[k * l + p] / dc * l as f64) as f32)
                    .collect()
            })
            .collect();
        let down: Vec<f32> = h[..n].iter().rev().map(|v| (v / dc) as f32).collect();
        Ok(Oversampler {
            factor,
            up,
            in_hist: vec![0.0; TAPS_PER_PHASE - 1 + max_block],
            os_hist: vec![0.0; down.len() - 1 + l * max_block],
            down,
            max_block,
        })
    }

    /// The factor.
    pub fn factor(&self) -> usize {
        self.factor
    }

    /// Delay of up + down, in base-rate frames.
    pub fn latency(&self) -> usize {
        TAPS_PER_PHASE - 1
    }

    /// Clears the histories.
    pub fn reset(&mut self) {
        self.in_hist.fill(0.0);
        self.os_hist.fill(0.0);
    }

    /// Upsamples `x` (at most `max_block` frames) into `out` (`factor · x.len()` samples).
    pub fn upsample(&mut self, x: &[f32], out: &mut [f32]) {
        let n = x.len().min(self.max_block);
        let keep = TAPS_PER_PHASE - 1;
        for (d, s) in self.in_hist[keep..keep + n].iter_mut().zip(x) {
            *d = if s.is_finite() { *s } else { 0.0 };
        }
        let l = self.factor;
        for i in 0..n {
            // The window ends at the current input sample.
            let w = &self.in_hist[i..i + TAPS_PER_PHASE];
            for (p, ph) in self.up.iter().enumerate() {
                out[i * l + p] = dot(ph, w);
            }
        }
        self.in_hist.copy_within(n..n + keep, 0);
    }

    /// Filters and decimates `y` (`factor · frames` oversampled samples) into `out` (`frames`).
    pub fn downsample(&mut self, y: &[f32], out: &mut [f32]) {
        let l = self.factor;
        let frames = (y.len() / l).min(self.max_block).min(out.len());
        let keep = self.down.len() - 1;
        self.os_hist[keep..keep + frames * l].copy_from_slice(&y[..frames * l]);
        for (i, o) in out[..frames].iter_mut().enumerate() {
            // Output frame i is the filtered signal at oversampled index i·L, which makes the
            // total delay exactly T − 1 base frames.
            let end = keep + i * l + 1;
            *o = dot(&self.down, &self.os_hist[end - self.down.len()..end]);
        }
        self.os_hist.copy_within(frames * l..frames * l + keep, 0);
    }
}
