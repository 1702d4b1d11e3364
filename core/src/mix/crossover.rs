//! [`Crossover`]: splits a signal into 2 to [`MAX_BANDS`] bands with 4th-order Linkwitz–Riley
//! crossovers whose sum is flat in magnitude (an all-pass).
//!
//! Topology: a tree from the bottom. At each crossover `fᵢ` (ascending) the rest of the signal
//! is split into a low part `LPᵢ` (two Butterworth low-pass sections) and a high part taken
//! as `APᵢ − LPᵢ`, where `APᵢ` is the 2nd-order all-pass (Q 1/√2) that the Linkwitz–Riley
//! low- and high-pass sum to, so the high-pass costs one section instead of two. Band `i` then
//! passes through the all-passes of every crossover above its own, so all bands share one
//! phase: their sum is `AP_1·AP_2·…` applied to the input, flat in magnitude.
//!
//! Coefficients are designed in `f64` and run in direct form I in `f64`. Mixing layer: the
//! multiband compressor (mastering) uses it.

use alloc::vec;
use alloc::vec::Vec;

use super::biquad::{Coeffs, FilterKind, cookbook};
use super::filter::SectionState;

/// Most bands.
pub const MAX_BANDS: usize = 5;
const MAX_X: usize = MAX_BANDS - 1;
/// Sections of one channel's network: per crossover, two low-pass and one all-pass; per
/// band, up to `MAX_X - 1` compensating all-passes.
const SECTIONS: usize = 3 * MAX_X + MAX_X * (MAX_X - 1) / 2;

/// A Linkwitz–Riley crossover network for any number of channels.
#[derive(Debug, Clone)]
pub struct Crossover {
    bands: usize,
    lp: [Coeffs; MAX_X],
    ap: [Coeffs; MAX_X],
    state: Vec<[SectionState; SECTIONS]>,
}

impl Crossover {
    /// A network of `bands` bands (2 to [`MAX_BANDS`]) with no state; design it with
    /// [`Crossover::design`] and size it with [`Crossover::prepare`].
    pub fn new(bands: usize) -> Self {
        Crossover {
            bands: bands.clamp(2, MAX_BANDS),
            lp: [Coeffs::IDENTITY; MAX_X],
            ap: [Coeffs::IDENTITY; MAX_X],
            state: Vec::new(),
        }
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// Sizes the state for `channels` (allocates) and clears it.
    pub fn prepare(&mut self, channels: usize) {
        self.state = vec![[SectionState::default(); SECTIONS]; channels];
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        for s in self.state.iter_mut() {
            *s = [SectionState::default(); SECTIONS];
        }
    }

    /// Zeroes tiny or non-finite memory.
    pub fn sanitize(&mut self) {
        for ch in self.state.iter_mut() {
            for s in ch.iter_mut() {
                s.sanitize();
            }
        }
    }

    /// Designs the crossovers at `frequencies` (ascending, the first `bands − 1` are used)
    /// for sample rate `fs`; the memory is kept.
    pub fn design(&mut self, frequencies: &[f64], fs: f64) {
        let q = core::f64::consts::FRAC_1_SQRT_2;
        for (i, f) in frequencies.iter().take(self.bands - 1).enumerate() {
            let f = f.min(fs * 0.45);
            self.lp[i] = cookbook(FilterKind::LowPass, fs, f, q, 0.0);
            self.ap[i] = cookbook(FilterKind::AllPass, fs, f, q, 0.0);
        }
    }

    /// Splits channel `ch`'s `input` into `out[b][..input.len()]` for each band `b`.
    pub fn split(&mut self, ch: usize, input: &[f32], out: &mut [&mut [f32]]) {
        let Some(st) = self.state.get_mut(ch) else {
            return;
        };
        let k = self.bands;
        let mut s = *st;
        let (lp, ap) = (self.lp, self.ap);
        macro_rules! run {
            ($k:literal) => {{
                for (i, x) in input.iter().enumerate() {
                    let mut rest = if x.is_finite() { *x as f64 } else { 0.0 };
                    let mut low = [0.0f64; $k];
                    let mut j = 0;
                    for c in 0..$k - 1 {
                        let l = s[j].step(&lp[c], rest);
                        let l = s[j + 1].step(&lp[c], l);
                        let a = s[j + 2].step(&ap[c], rest);
                        j += 3;
                        low[c] = l;
                        rest = a - l;
                    }
                    low[$k - 1] = rest;
                    // Compensation: band c through the all-passes of the crossovers above.
                    for c in 0..$k - 2 {
                        for d in c + 1..$k - 1 {
                            low[c] = s[j].step(&ap[d], low[c]);
                            j += 1;
                        }
                    }
                    for (o, v) in out.iter_mut().zip(low) {
                        o[i] = v as f32;
                    }
                }
            }};
        }
        match k {
            2 => run!(2),
            3 => run!(3),
            4 => run!(4),
            _ => run!(5),
        }
        *st = s;
    }
}
