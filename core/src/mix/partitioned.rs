//! [`PartitionedConvolver`]: convolution of a few input channels with long impulse responses,
//! with no latency, for the convolution reverb.
//!
//! Non-uniform partitioning (Gardner): the first [`HEAD`] taps of each response run as a direct
//! FIR, sample by sample; the rest is cut into tiers of uniformly partitioned overlap-save
//! convolution (FFTs through `realfft`/`rustfft`) whose block grows sixteen-fold from tier to
//! tier: blocks of 64 for taps 64–1023, 1,024 for taps 1,024–16,383, 16,384 beyond. A tier with
//! block `B` starts at tap `B`, so the block it finishes at time `t` (inputs `t − B .. t`) is
//! first heard at `t`: its output goes into an accumulation ring read as time passes, and
//! nothing is late. Costs per sample stay near `64 + O(log B)` multiply-adds per response
//! whatever its length; the big tiers' FFTs run when their blocks complete (every 0.34 s for
//! the 16,384-frame tier at 48 kHz), a burst of work in that one call.
//!
//! Offline ([`PartitionedConvolver::with_latency`]), when the host renders ahead and removes
//! latency: no direct head, one tier of large blocks from tap 0 (as an overlap-save convolution
//! of the whole programme would use), its latency the block; several times less work per
//! sample.
//!
//! Everything works on absolute time counted from [`PartitionedConvolver::reset`], so the
//! output does not depend on how the input is cut into calls. Allocation happens in
//! the constructors only.
//!
//! Sits under [`super::convolution_reverb`]; `std` only (its FFT).

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

/// Taps computed directly, and the block of the first FFT tier.
pub const HEAD: usize = 64;
/// Each tier's block is this many times the previous one's.
const GROWTH: usize = 16;
/// Block of the last (largest) tier.
const MAX_BLOCK: usize = HEAD * GROWTH * GROWTH;

/// One routing: input channel `input` through response `ir` into output channel `output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// Input channel.
    pub input: usize,
    /// Impulse response (index into the responses given to [`PartitionedConvolver::new`]).
    pub ir: usize,
    /// Output channel.
    pub output: usize,
}

/// One tier: responses' taps `start .. end`, in partitions of `block`.
struct Tier {
    block: usize,
    /// Where in the ring (after `now`) the block finished at `now` lands: `start + latency −
    /// block` (0 for the zero-latency tiers, whose `start` is their block).
    offset: usize,
    parts: usize,
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    /// Per input: the overlap-save window (previous block, current block).
    window: Vec<Vec<f32>>,
    /// Per input: the spectra of its last `parts` windows (a ring; `head` is the newest).
    fdl: Vec<Vec<Vec<Complex<f32>>>>,
    head: usize,
    /// Per response: the spectra of its partitions, scaled by 1 / (2 block).
    h: Vec<Vec<Vec<Complex<f32>>>>,
    acc: Vec<Complex<f32>>,
    time: Vec<f32>,
    scratch: Vec<Complex<f32>>,
}

impl Tier {
    fn new(
        planner: &mut RealFftPlanner<f32>,
        block: usize,
        (start, end): (usize, usize),
        offset: usize,
        irs: &[&[f32]],
        inputs: usize,
    ) -> Self {
        let n = 2 * block;
        let forward = planner.plan_fft_forward(n);
        let inverse = planner.plan_fft_inverse(n);
        let parts = (end - start).div_ceil(block).max(1);
        let bins = block + 1;
        let scale = 1.0 / n as f32;
        let mut time = vec![0.0f32; n];
        let mut scratch =
            vec![Complex::default(); forward.get_scratch_len().max(inverse.get_scratch_len())];
        let h = irs
            .iter()
            .map(|ir| {
                (0..parts)
                    .map(|p| {
                        time.fill(0.0);
                        let from = start + p * block;
                        if from < ir.len() {
                            let to = (from + block).min(ir.len()).min(end);
                            for (t, v) in time.iter_mut().zip(&ir[from..to]) {
                                *t = v * scale;
                            }
                        }
                        let mut spec = vec![Complex::default(); bins];
                        // The buffers are the plan's sizes: this cannot fail.
                        let _ = forward.process_with_scratch(&mut time, &mut spec, &mut scratch);
                        spec
                    })
                    .collect()
            })
            .collect();
        Tier {
            block,
            offset,
            parts,
            window: vec![vec![0.0; n]; inputs],
            fdl: vec![vec![vec![Complex::default(); bins]; parts]; inputs],
            head: 0,
            h,
            acc: vec![Complex::default(); bins],
            time,
            scratch,
            forward,
            inverse,
        }
    }

    fn reset(&mut self) {
        self.window.iter_mut().for_each(|w| w.fill(0.0));
        self.fdl
            .iter_mut()
            .flatten()
            .for_each(|s| s.fill(Complex::default()));
        self.head = 0;
    }

    /// The block of inputs ending at `now` is complete: adds its convolution with this tier's
    /// taps into `ring` (outputs `now .. now + block`).
    fn run(&mut self, routes: &[Route], ring: &mut [Vec<f32>], mask: usize, now: u64) {
        let b = self.block;
        self.head = (self.head + 1) % self.parts;
        for (input, win) in self.window.iter_mut().enumerate() {
            self.time.copy_from_slice(win);
            // Slide: the current block becomes the previous one.
            win.copy_within(b.., 0);
            let spec = &mut self.fdl[input][self.head];
            let _ = self
                .forward
                .process_with_scratch(&mut self.time, spec, &mut self.scratch);
        }
        for (output, out) in ring.iter_mut().enumerate() {
            if !routes.iter().any(|r| r.output == output) {
                continue;
            }
            self.acc.fill(Complex::default());
            for r in routes.iter().filter(|r| r.output == output) {
                for p in 0..self.parts {
                    let x = &self.fdl[r.input][(self.head + self.parts - p) % self.parts];
                    let h = &self.h[r.ir][p];
                    for ((a, x), h) in self.acc.iter_mut().zip(x).zip(h) {
                        *a += x * h;
                    }
                }
            }
            self.acc[0].im = 0.0;
            self.acc[b].im = 0.0;
            let _ =
                self.inverse
                    .process_with_scratch(&mut self.acc, &mut self.time, &mut self.scratch);
            // Overlap-save: the second half is the linear convolution of the block.
            let at = now as usize + self.offset;
            for (i, v) in self.time[b..].iter().enumerate() {
                out[(at + i) & mask] += v;
            }
        }
    }
}

/// Zero-latency convolution of `inputs` channels into `outputs` channels along [`Route`]s.
pub struct PartitionedConvolver {
    routes: Vec<Route>,
    /// Per response: its first [`HEAD`] taps, reversed (for a dot product with the history).
    heads: Vec<[f32; HEAD]>,
    /// Per input: the last [`HEAD`] samples, twice (a ring readable as one slice).
    history: Vec<[f32; 2 * HEAD]>,
    tiers: Vec<Tier>,
    /// Per output: the tiers' contributions by time (a power-of-two ring).
    ring: Vec<Vec<f32>>,
    mask: usize,
    now: u64,
    length: usize,
    /// Whether the first taps run directly (zero latency), and the frames of the smallest tier
    /// (calls are cut at its boundaries).
    direct: bool,
    unit: usize,
    latency: usize,
}

impl core::fmt::Debug for PartitionedConvolver {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PartitionedConvolver")
            .field("routes", &self.routes)
            .field("length", &self.length)
            .field("tiers", &self.tiers.len())
            .finish()
    }
}

impl PartitionedConvolver {
    /// A convolver of `inputs` channels through `irs` along `routes` (indices must be valid;
    /// the caller checks them). Allocates everything it will use.
    pub fn new(irs: &[&[f32]], inputs: usize, outputs: usize, routes: &[Route]) -> Self {
        let length = irs.iter().map(|h| h.len()).max().unwrap_or(0);
        let heads = irs
            .iter()
            .map(|ir| {
                let mut h = [0.0f32; HEAD];
                for (k, v) in ir.iter().take(HEAD).enumerate() {
                    h[HEAD - 1 - k] = *v;
                }
                h
            })
            .collect();
        let mut planner = RealFftPlanner::new();
        let mut tiers = Vec::new();
        let mut block = HEAD;
        while block < length {
            let end = if block == MAX_BLOCK {
                length
            } else {
                (block * GROWTH).min(length)
            };
            tiers.push(Tier::new(&mut planner, block, (block, end), 0, irs, inputs));
            if block == MAX_BLOCK {
                break;
            }
            block *= GROWTH;
        }
        let ring_len = (2 * tiers.last().map_or(HEAD, |t| t.block)).next_power_of_two();
        PartitionedConvolver {
            routes: routes.to_vec(),
            heads,
            history: vec![[0.0; 2 * HEAD]; inputs],
            tiers,
            ring: vec![vec![0.0; ring_len]; outputs],
            mask: ring_len - 1,
            now: 0,
            length,
            direct: true,
            unit: HEAD,
            latency: 0,
        }
    }

    /// An offline convolver: one tier of blocks of `block` frames (a power of two, at least
    /// [`HEAD`]) from tap 0, so its output lags by `block` frames ([`Self::latency`]).
    pub fn with_latency(
        irs: &[&[f32]],
        inputs: usize,
        outputs: usize,
        routes: &[Route],
        block: usize,
    ) -> Self {
        let block = block.next_power_of_two().max(HEAD);
        let length = irs.iter().map(|h| h.len()).max().unwrap_or(0);
        let mut planner = RealFftPlanner::new();
        let tier = Tier::new(&mut planner, block, (0, length.max(1)), 0, irs, inputs);
        let ring_len = 2 * block;
        PartitionedConvolver {
            routes: routes.to_vec(),
            heads: Vec::new(),
            history: Vec::new(),
            tiers: vec![tier],
            ring: vec![vec![0.0; ring_len]; outputs],
            mask: ring_len - 1,
            now: 0,
            length,
            direct: false,
            unit: block,
            latency: block,
        }
    }

    /// Frames the output lags the input (0 unless made [`Self::with_latency`]).
    pub fn latency(&self) -> usize {
        self.latency
    }

    /// Taps of the longest response.
    pub fn len(&self) -> usize {
        self.length
    }

    /// Whether there are no taps at all.
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Forgets the input.
    pub fn reset(&mut self) {
        self.history.iter_mut().for_each(|h| h.fill(0.0));
        self.tiers.iter_mut().for_each(Tier::reset);
        self.ring.iter_mut().for_each(|r| r.fill(0.0));
        self.now = 0;
    }

    /// Convolves `input` (one slice per input channel, equal lengths) into `output` (one per
    /// output channel, at least as long), replacing its contents.
    pub fn process(&mut self, input: &[&[f32]], output: &mut [&mut [f32]]) {
        let frames = input.iter().map(|c| c.len()).min().unwrap_or(0);
        let mut pos = 0;
        while pos < frames {
            // Up to the next tier boundary (every tier's block is a multiple of the smallest).
            let n = (self.unit - (self.now as usize % self.unit)).min(frames - pos);
            self.run(input, output, pos, n);
            pos += n;
        }
    }

    fn run(&mut self, input: &[&[f32]], output: &mut [&mut [f32]], pos: usize, n: usize) {
        let start = self.now as usize;
        for (o, out) in output.iter_mut().enumerate() {
            let ring = &mut self.ring[o];
            for (i, y) in out[pos..pos + n].iter_mut().enumerate() {
                let slot = (start + i) & self.mask;
                *y = ring[slot];
                ring[slot] = 0.0;
            }
        }
        for i in 0..n * usize::from(self.direct) {
            let slot = (start + i) % HEAD;
            for (c, x) in input.iter().enumerate() {
                let h = &mut self.history[c];
                h[slot] = x[pos + i];
                h[slot + HEAD] = x[pos + i];
            }
            for r in &self.routes {
                // Chronological window of the last HEAD inputs, newest last.
                let w = &self.history[r.input][slot + 1..slot + 1 + HEAD];
                output[r.output][pos + i] += dot(&self.heads[r.ir], w);
            }
        }
        for t in &mut self.tiers {
            let b = t.block;
            for (c, x) in input.iter().enumerate() {
                let at = b + start % b;
                t.window[c][at..at + n].copy_from_slice(&x[pos..pos + n]);
            }
        }
        self.now += n as u64;
        let now = self.now;
        for t in &mut self.tiers {
            if now % t.block as u64 == 0 {
                t.run(&self.routes, &mut self.ring, self.mask, now);
            }
        }
    }
}

/// `Σ a[k] b[k]` over [`HEAD`] values, in eight lanes (so it vectorises).
#[inline(always)]
fn dot(a: &[f32; HEAD], b: &[f32]) -> f32 {
    let b: &[f32; HEAD] = b.try_into().unwrap_or(&[0.0; HEAD]);
    let mut acc = [0.0f32; 8];
    for (a, b) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for k in 0..8 {
            acc[k] += a[k] * b[k];
        }
    }
    acc.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.max(1);
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                s as f32 / u32::MAX as f32 - 0.5
            })
            .collect()
    }

    fn direct(x: &[f32], h: &[f32]) -> Vec<f64> {
        (0..x.len())
            .map(|n| {
                (0..h.len().min(n + 1))
                    .map(|k| f64::from(x[n - k]) * f64::from(h[k]))
                    .sum()
            })
            .collect()
    }

    /// Offline: the direct convolution delayed by the block, in uneven calls.
    #[test]
    fn offline_equals_direct_convolution_delayed() {
        for (len, block) in [(100, 64), (5_000, 4_096), (20_000, 4_096)] {
            let h = noise(len, 5 + len as u32);
            let x = noise(30_000, 9);
            let want = direct(&x, &h);
            let route = [Route {
                input: 0,
                ir: 0,
                output: 0,
            }];
            let mut c = PartitionedConvolver::with_latency(&[&h], 1, 1, &route, block);
            assert_eq!(c.latency(), block);
            let mut got = vec![0.0f32; x.len()];
            let (mut pos, mut step) = (0, 5);
            while pos < x.len() {
                let n = step.min(x.len() - pos);
                c.process(&[&x[pos..pos + n]], &mut [&mut got[pos..pos + n]]);
                pos += n;
                step = (step * 13 + 1) % 3001 + 1;
            }
            let peak = want.iter().fold(0.0f64, |a, v| a.max(v.abs()));
            let err = got[block..]
                .iter()
                .zip(&want)
                .fold(0.0f64, |a, (g, w)| a.max((f64::from(*g) - w).abs()));
            assert!(got[..block].iter().all(|v| *v == 0.0));
            assert!(err <= 1e-5 * peak, "len {len}: error {err:e} of {peak}");
        }
    }

    /// Equal to the direct convolution (in f64) for responses that end inside each tier and
    /// on its edges, in uneven calls, with no latency.
    #[test]
    fn equals_direct_convolution_across_tier_edges() {
        for len in [1, 63, 64, 65, 1000, 1024, 1100, 16_384, 20_000] {
            let h = noise(len, 7 + len as u32);
            let x = noise(40_000, 3);
            let want = direct(&x, &h);
            let mut c = PartitionedConvolver::new(
                &[&h],
                1,
                1,
                &[Route {
                    input: 0,
                    ir: 0,
                    output: 0,
                }],
            );
            let mut got = vec![0.0f32; x.len()];
            let mut pos = 0;
            let mut step = 1;
            while pos < x.len() {
                let n = step.min(x.len() - pos);
                let (o, _) = got[pos..].split_at_mut(n);
                c.process(&[&x[pos..pos + n]], &mut [o]);
                pos += n;
                step = (step * 7 + 3) % 997 + 1;
            }
            let peak = want.iter().fold(0.0f64, |a, v| a.max(v.abs()));
            let err = got
                .iter()
                .zip(&want)
                .fold(0.0f64, |a, (g, w)| a.max((f64::from(*g) - w).abs()));
            assert!(err <= 1e-5 * peak, "len {len}: error {err:e} of {peak}");
        }
    }
}
