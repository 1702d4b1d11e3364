//! The detector input of the dynamics processors that take a key (gate, de-esser, dynamic EQ):
//! copying the key, from the block itself or from an external sidechain, into a scratch
//! buffer, optionally through a band-pass made of a high-pass and a low-pass
//! ([`KeyFilter`]).
//!
//! Mixing layer, below the processors that use it; the compressor keeps its own high-pass.

use alloc::vec;
use alloc::vec::Vec;

use super::biquad::{Coeffs, FilterKind, cookbook};
use super::filter::SectionState;
use crate::denormal::FlushGrid;

/// Where the detector signal comes from.
#[derive(Clone, Copy)]
pub(crate) enum KeySource<'a, 'b> {
    /// The block being processed.
    Block(&'a [&'b mut [f32]]),
    /// An external key: one channel for all, or one per block channel; frames past its end
    /// count as silence. `offset` is the position of the block within it.
    External(&'a [&'a [f32]], usize),
}

/// Copies `n` frames of channel `ch` (of `channels`) of `src` into `dst`, non-finite samples
/// as zero (so a NaN cannot reach a detector's state).
pub(crate) fn load_key(src: KeySource<'_, '_>, ch: usize, channels: usize, dst: &mut [f32]) {
    let n = dst.len();
    match src {
        KeySource::Block(b) => dst.copy_from_slice(&b[ch][..n]),
        KeySource::External(k, offset) => {
            let kc = k[if k.len() == channels { ch } else { 0 }];
            let avail = kc.len().saturating_sub(offset).min(n);
            dst[..avail].copy_from_slice(&kc[offset..offset + avail]);
            dst[avail..].fill(0.0);
        }
    }
    for v in dst.iter_mut() {
        if !v.is_finite() {
            *v = 0.0;
        }
    }
}

/// A band-pass on the key: a second-order high-pass and a second-order low-pass (Butterworth
/// Q), either of which may be off, per channel.
#[derive(Debug, Clone)]
pub(crate) struct KeyFilter {
    hpf: Coeffs,
    lpf: Coeffs,
    state: Vec<[SectionState; 2]>,
}

impl KeyFilter {
    pub(crate) fn new() -> Self {
        KeyFilter {
            hpf: Coeffs::IDENTITY,
            lpf: Coeffs::IDENTITY,
            state: Vec::new(),
        }
    }

    /// Allocates the state for `channels`.
    pub(crate) fn prepare(&mut self, channels: usize) {
        self.state = vec![[SectionState::default(); 2]; channels];
    }

    /// Designs the filters: a high-pass at `hpf_hz` (0 is off) and a low-pass at `lpf_hz`
    /// (`lpf_off_at` or more is off), both capped at 0.45 × `fs`.
    pub(crate) fn design(&mut self, fs: f64, hpf_hz: f64, lpf_hz: f64, lpf_off_at: f64) {
        let q = core::f64::consts::FRAC_1_SQRT_2;
        let top = fs * 0.45;
        self.hpf = if hpf_hz > 0.0 {
            cookbook(FilterKind::HighPass, fs, hpf_hz.min(top), q, 0.0)
        } else {
            Coeffs::IDENTITY
        };
        self.lpf = if lpf_hz < lpf_off_at && lpf_hz < top {
            cookbook(FilterKind::LowPass, fs, lpf_hz, q, 0.0)
        } else {
            Coeffs::IDENTITY
        };
    }

    /// Whether either filter is on.
    pub(crate) fn active(&self) -> bool {
        self.hpf != Coeffs::IDENTITY || self.lpf != Coeffs::IDENTITY
    }

    /// Filters channel `ch` of the key in place; flushes its memory at the grid points.
    pub(crate) fn run(&mut self, ch: usize, x: &mut [f32], grid: &FlushGrid) {
        if !self.active() {
            return;
        }
        let Some(st) = self.state.get_mut(ch) else {
            return;
        };
        let (h, l) = (self.hpf, self.lpf);
        for (a, b, flush) in grid.pieces(x.len()) {
            for v in x[a..b].iter_mut() {
                let y = st[0].step(&h, *v as f64);
                *v = st[1].step(&l, y) as f32;
            }
            if flush {
                st[0].sanitize();
                st[1].sanitize();
            }
        }
    }

    /// Clears the memory.
    pub(crate) fn reset(&mut self) {
        for s in self.state.iter_mut() {
            *s = [SectionState::default(); 2];
        }
    }
}
