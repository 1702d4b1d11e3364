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
//! Coefficients are designed in `f64` and run in direct form I in `f64` (the filter module's
//! dispatched cascade kernel). Mixing layer: the
//! multiband compressor (mastering) uses it.

use alloc::vec;
use alloc::vec::Vec;

use super::biquad::{Coeffs, FilterKind, cookbook};
use super::filter::{SectionState, run_cascade};

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

    /// Splits the `n` frames of each channel of `input` into the bands: band `b` of channel
    /// `ch` goes to `out[b·stride + ch·m..][..n]`, with `stride = channels·m`. `tmp` holds
    /// `channels·m` samples of scratch. Stage by stage over the whole piece (each stage's
    /// loop is bound by its own recursion only, which the CPU overlaps across samples), two
    /// channels at a time through the dispatched cascade kernel; the signal is rounded to
    /// `f32` between stages.
    pub fn split_block(
        &mut self,
        input: &[&[f32]],
        out: &mut [f32],
        m: usize,
        n: usize,
        tmp: &mut [f32],
    ) {
        let k = self.bands;
        let channels = input.len().min(self.state.len());
        let stride = channels * m;
        if out.len() < k * stride || tmp.len() < stride {
            return;
        }
        let top = (k - 1) * stride;
        for (ch, x) in input.iter().take(channels).enumerate() {
            for (d, v) in out[top + ch * m..][..n].iter_mut().zip(x.iter()) {
                *d = if v.is_finite() { *v } else { 0.0 };
            }
        }
        let mut j = 0;
        for c in 0..k - 1 {
            let (lo, hi) = out.split_at_mut(top);
            let low = &mut lo[c * stride..(c + 1) * stride];
            let rest = &mut hi[..stride];
            for ch in 0..channels {
                let r = ch * m..ch * m + n;
                low[r.clone()].copy_from_slice(&rest[r.clone()]);
                tmp[r.clone()].copy_from_slice(&rest[r]);
            }
            run_pairs(&[self.lp[c], self.lp[c]], &mut self.state, j, low, m, n);
            run_pairs(&[self.ap[c]], &mut self.state, j + 2, tmp, m, n);
            for ch in 0..channels {
                let r = ch * m..ch * m + n;
                for ((d, a), l) in rest[r.clone()].iter_mut().zip(&tmp[r.clone()]).zip(&low[r]) {
                    *d = *a - *l;
                }
            }
            j += 3;
        }
        // Compensation: band c through the all-passes of the crossovers above it.
        for c in 0..k.saturating_sub(2) {
            let aps = &self.ap[c + 1..k - 1];
            run_pairs(
                aps,
                &mut self.state,
                j,
                &mut out[c * stride..(c + 1) * stride],
                m,
                n,
            );
            j += aps.len();
        }
    }
}

/// Runs `sections` (memory from index `first` of each channel's state) over the first `n`
/// frames of each channel of `buf` (channel `ch` at `ch·m`), two channels at a time.
fn run_pairs(
    sections: &[Coeffs],
    state: &mut [[SectionState; SECTIONS]],
    first: usize,
    buf: &mut [f32],
    m: usize,
    n: usize,
) {
    let s = sections.len();
    let channels = state.len();
    let mut ch = 0;
    while ch < channels {
        let len = buf.len() - ch * m;
        let (b0, b1) = buf[ch * m..].split_at_mut(m.min(len));
        if ch + 1 < channels {
            let (st0, st1) = state.split_at_mut(ch + 1);
            run_cascade(
                sections,
                &mut st0[ch][first..first + s],
                &mut b0[..n],
                Some((&mut st1[0][first..first + s], &mut b1[..n])),
            );
            ch += 2;
        } else {
            run_cascade(
                sections,
                &mut state[ch][first..first + s],
                &mut b0[..n],
                None,
            );
            ch += 1;
        }
    }
}
