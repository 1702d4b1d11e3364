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
//! Coefficients are designed in `f64` and run in direct form I in `f64`, two channels as the
//! lanes of one pair of `f64` (one vector register, `mix/pair.rs`), compiled for AVX2 and FMA
//! where the CPU has them. The network runs chunk by chunk (64 frames, in `f64` from input to
//! bands), crossover by crossover; each crossover's loop also runs its all-pass on the bands
//! below it (their compensation), so one loop holds several independent recursions for the
//! CPU to overlap, with their memory in registers. Mixing layer: the multiband compressor
//! (mastering) uses it.

use alloc::vec;
use alloc::vec::Vec;

use super::biquad::{Coeffs, FilterKind, cookbook};
use super::pair::{self, CHUNK, Pair, PairState};
use crate::cpu::dispatch;

/// Most bands.
pub const MAX_BANDS: usize = 5;
const MAX_X: usize = MAX_BANDS - 1;
/// Sections of one channel pair's network: per crossover, two low-pass and one all-pass; then
/// per crossover `c`, `c` compensating all-passes (one per band below it).
const SECTIONS: usize = 3 * MAX_X + MAX_X * (MAX_X - 1) / 2;

/// A Linkwitz–Riley crossover network for any number of channels.
#[derive(Debug, Clone)]
pub struct Crossover {
    bands: usize,
    lp: [Coeffs; MAX_X],
    ap: [Coeffs; MAX_X],
    /// Per pair of channels (`2p`, `2p + 1`).
    state: Vec<[PairState; SECTIONS]>,
    channels: usize,
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
            channels: 0,
        }
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// Sizes the state for `channels` (allocates) and clears it.
    pub fn prepare(&mut self, channels: usize) {
        self.state = vec![[PairState::default(); SECTIONS]; channels.div_ceil(2)];
        self.channels = channels;
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        for s in self.state.iter_mut() {
            *s = [PairState::default(); SECTIONS];
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
    /// `ch` goes to `out[b·stride + ch·m..][..n]`, with `stride = channels·m`. Non-finite
    /// input reads as silence. (`_tmp` is no longer needed: the network runs in registers.)
    pub fn split_block(
        &mut self,
        input: &[&[f32]],
        out: &mut [f32],
        m: usize,
        n: usize,
        _tmp: &mut [f32],
    ) {
        let k = self.bands;
        let channels = input.len().min(self.channels);
        let stride = channels * m;
        if out.len() < k * stride || n > m || input.iter().any(|x| x.len() < n) {
            return;
        }
        let mut ch = 0;
        while ch < channels {
            let x0 = &input[ch][..n];
            let x1 = input
                .get(ch + 1)
                .filter(|_| ch + 1 < channels)
                .map(|x| &x[..n]);
            // Band b's lanes: channel ch, and ch + 1 when there is one.
            let mut outs: [[&mut [f32]; 2]; MAX_BANDS] = Default::default();
            for (lanes, buf) in outs.iter_mut().zip(out.chunks_mut(stride)).take(k) {
                let (_, t) = buf.split_at_mut(ch * m);
                let (a, t) = t.split_at_mut(m);
                lanes[0] = &mut a[..n];
                if x1.is_some() {
                    lanes[1] = &mut t[..n];
                }
            }
            split_pair(
                &self.lp,
                &self.ap,
                k,
                &mut self.state[ch / 2],
                x0,
                x1,
                &mut outs,
            );
            ch += 2;
        }
    }
}

/// Crossover `c` over a chunk of frames: `rest` in, its high part out (in place), its low part
/// into `low`; and the `B` bands below it through its all-pass (their compensation), in the
/// same loop so the CPU overlaps all those recursions. `st`: low-pass, low-pass, all-pass.
#[inline(always)]
fn stage<const B: usize, const FMA: bool>(
    (lp, ap): (&Coeffs, &Coeffs),
    st: &mut [PairState; 3],
    comp: &mut [PairState; B],
    rest: &mut [Pair; CHUNK],
    low: &mut [Pair; CHUNK],
    lower: &mut [[Pair; CHUNK]; B],
    len: usize,
) {
    let (mut s, mut t) = (*st, *comp);
    // The first low-pass and the all-pass read the same input: one step of four lanes.
    let (mut quad, quad_c) = pair::Quad::join(&s[0], &s[2], lp, ap);
    for i in 0..len.min(CHUNK) {
        let x = rest[i];
        let [l0, l1, a0, a1] = quad.step::<FMA>(&quad_c, [x[0], x[1], x[0], x[1]]);
        let l = pair::step::<FMA>(lp, &mut s[1], [l0, l1]);
        low[i] = l;
        rest[i] = pair::sub([a0, a1], l);
        for b in 0..B {
            lower[b][i] = pair::step::<FMA>(ap, &mut t[b], lower[b][i]);
        }
    }
    (s[0], s[2]) = quad.split();
    *st = s;
    *comp = t;
}

/// The network of `K` bands over one pair of lanes: `outs[b][l]` receives band `b` of lane
/// `l` (an empty lane 1 when `x1` is `None`). Chunk by chunk, crossover by crossover from the
/// bottom ([`stage`]); the rest left after the top crossover is the top band.
fn split_generic<const K: usize, const FMA: bool>(
    lp: &[Coeffs; MAX_X],
    ap: &[Coeffs; MAX_X],
    state: &mut [PairState; SECTIONS],
    x0: &[f32],
    x1: Option<&[f32]>,
    outs: &mut [[&mut [f32]; 2]; MAX_BANDS],
) {
    let mut bands = [[[0.0f64; 2]; CHUNK]; K];
    let n = x0.len();
    let (xs, comps) = state.split_at_mut(3 * MAX_X);
    let mut pos = 0;
    while pos < n {
        let len = CHUNK.min(n - pos);
        let (lower, hi) = bands.split_at_mut(K - 1);
        let rest = &mut hi[0];
        pair::load(
            &mut rest[..len],
            &x0[pos..pos + len],
            x1.map(|x| &x[pos..pos + len]),
        );
        for c in 0..K - 1 {
            let (below, at) = lower.split_at_mut(c);
            let low = &mut at[0];
            let Ok(st) = <&mut [PairState; 3]>::try_from(&mut xs[3 * c..3 * c + 3]) else {
                return;
            };
            // Compensation sections: c of them for crossover c, after those of the ones below.
            let first = c * c.saturating_sub(1) / 2;
            macro_rules! run {
                ($b:literal) => {{
                    let (Ok(comp), Ok(below)) = (
                        <&mut [PairState; $b]>::try_from(&mut comps[first..first + $b]),
                        <&mut [[Pair; CHUNK]; $b]>::try_from(&mut *below),
                    ) else {
                        return;
                    };
                    stage::<$b, FMA>((&lp[c], &ap[c]), st, comp, rest, low, below, len)
                }};
            }
            match c {
                0 => run!(0),
                1 => run!(1),
                2 => run!(2),
                _ => run!(3),
            }
        }
        for (lanes, rows) in outs.iter_mut().zip(&bands) {
            let [y0, y1] = lanes;
            let y1 = if y1.is_empty() {
                None
            } else {
                Some(&mut y1[pos..pos + len])
            };
            pair::store(&rows[..len], &mut y0[pos..pos + len], y1);
        }
        pos += len;
    }
}

/// [`split_generic`] for `k` bands.
fn split_pair_generic<const FMA: bool>(
    lp: &[Coeffs; MAX_X],
    ap: &[Coeffs; MAX_X],
    k: usize,
    state: &mut [PairState; SECTIONS],
    x0: &[f32],
    x1: Option<&[f32]>,
    outs: &mut [[&mut [f32]; 2]; MAX_BANDS],
) {
    match k {
        2 => split_generic::<2, FMA>(lp, ap, state, x0, x1, outs),
        3 => split_generic::<3, FMA>(lp, ap, state, x0, x1, outs),
        4 => split_generic::<4, FMA>(lp, ap, state, x0, x1, outs),
        _ => split_generic::<5, FMA>(lp, ap, state, x0, x1, outs),
    }
}

dispatch! {
    /// The network over one pair of channels (see `split_generic`).
    fn split_pair(
        lp: &[Coeffs; MAX_X],
        ap: &[Coeffs; MAX_X],
        k: usize,
        state: &mut [PairState; SECTIONS],
        x0: &[f32],
        x1: Option<&[f32]>,
        outs: &mut [[&mut [f32]; 2]; MAX_BANDS],
    ) => split_pair_generic
}
