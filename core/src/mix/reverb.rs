//! [`Reverb`]: a stereo feedback-delay-network reverb.
//!
//! Structure: stereo pre-delay → three Schroeder all-pass diffusers per input channel → an
//! 8-line feedback delay network with a normalised Hadamard matrix (unitary, so the network
//! itself neither gains nor loses energy) → per-line absorption → stereo output taps → width
//! and wet/dry mix.
//!
//! Decay follows Jot: a line of `L` frames gets the gain `10^(−3 L / (fs · RT60))`, which makes
//! every mode of the network decay by 60 dB in RT60 seconds. High-frequency damping is a
//! one-pole low-pass per line whose gain at Nyquist matches a shorter RT60,
//! `RT60 · (1 − 0.9 · damping)`. Line lengths are given in milliseconds (scaled by `size`) and
//! rounded to distinct primes at the current sample rate, so the reverb sounds and decays the
//! same at any rate.

use alloc::vec;
use alloc::vec::Vec;

use crate::denormal::{self, FlushGrid, FlushGuard};
use crate::error::{Range, Result};
use crate::math;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, Options, Settings};
use crate::smooth::{DEFAULT_FILTER_RAMP_S, DEFAULT_GAIN_RAMP_S, Smoothed};
use crate::validate;

const LINES: usize = 8;
/// Line lengths at size 1, in ms.
const BASE_MS: [f64; LINES] = [29.7, 37.1, 41.1, 43.7, 47.9, 53.3, 59.3, 67.1];
/// Diffuser lengths in ms, and their gain.
const DIFFUSER_MS: [f64; 3] = [4.771, 3.595, 2.734];
const DIFFUSER_GAIN: f32 = 0.6;
const MAX_SIZE: f64 = 2.0;
const MIN_SIZE: f64 = 0.25;
const MAX_PREDELAY_MS: f64 = 500.0;

crate::params! { Reverb {
    decay_s: [0.05, 60.0] = 2.0, "s", "Reverberation time RT60 at low frequencies.",
        set = Reverb::set_decay_s, get = |r| r.decay_s;
    predelay_ms: [0.0, MAX_PREDELAY_MS] = 10.0, "ms", "Delay before the reverberation starts.",
        set = Reverb::set_predelay_ms, get = |r| r.predelay_ms;
    damping: [0.0, 1.0] = 0.5, "", "How much faster high frequencies decay (0 = not at all).",
        set = Reverb::set_damping, get = |r| r.damping;
    size: [MIN_SIZE, MAX_SIZE] = 1.0, "", "Room size: scales the delay lines.",
        set = Reverb::set_size, get = |r| r.size;
    width: [0.0, 1.0] = 1.0, "", "Stereo width of the reverberation (0 = mono).",
        set = Reverb::set_width, get = |r| r.width;
    mix: [0.0, 1.0] = 0.3, "", "Wet/dry mix (1 on an aux bus).",
        set = Reverb::set_mix, get = |r| r.mix;
} }

/// A circular buffer with a power-of-two size.
///
/// Invariant: `buf.len() == mask + 1`, set in [`Ring::new`] and never changed afterwards (only
/// filled), so `i & mask` is always in bounds: `at` and `set` rely on it to skip the bounds
/// check on the reverb's hottest path.
#[derive(Debug, Clone, Default)]
struct Ring {
    buf: Vec<f32>,
    mask: usize,
}

impl Ring {
    fn new(min_len: usize) -> Self {
        let size = (min_len + 2).next_power_of_two();
        Ring {
            buf: vec![0.0; size],
            mask: size - 1,
        }
    }
    #[inline(always)]
    fn at(&self, i: usize) -> f32 {
        debug_assert_eq!(self.buf.len(), self.mask + 1);
        // SAFETY: `i & mask <= mask < buf.len()` by the struct invariant.
        unsafe { *self.buf.get_unchecked(i & self.mask) }
    }
    #[inline(always)]
    fn set(&mut self, i: usize, v: f32) {
        debug_assert_eq!(self.buf.len(), self.mask + 1);
        let m = self.mask;
        // SAFETY: as in `at`.
        unsafe { *self.buf.get_unchecked_mut(i & m) = v }
    }

    /// A fixed delay of `d` frames (`d <` the ring's size): writes `x` (non-finite samples as
    /// silence) from ring position `start` on and reads each frame back `d` frames later into
    /// `out`; the same as `set(p, x)` then `out = at(p − d)` frame by frame, in runs that
    /// neither wrap around the ring's end nor overwrite what they still have to read.
    fn delay(&mut self, start: usize, d: usize, x: &[f32], out: &mut [f32]) {
        let size = self.mask + 1;
        let len = x.len().min(out.len());
        let mut n = 0;
        while n < len {
            let w = start.wrapping_add(n) & self.mask;
            let r = start.wrapping_add(n).wrapping_sub(d) & self.mask;
            let k = (len - n).min(size - d).min(size - w).min(size - r).max(1);
            for (o, v) in self.buf[w..w + k].iter_mut().zip(&x[n..n + k]) {
                *o = if v.is_finite() { *v } else { 0.0 };
            }
            out[n..n + k].copy_from_slice(&self.buf[r..r + k]);
            n += k;
        }
    }

    /// A Schroeder all-pass of delay `m` (`2m ≤` the ring's size for long runs; any `m` below
    /// the size is correct) over `u`, in place, whose
    /// first frame is written at ring position `start`: per frame `d = at(p − m)`,
    /// `w = x + g·d`, `set(p, w)`, `y = d − g·w`. Done in runs of at most `m` frames, which
    /// read only what earlier runs wrote, so each run is two disjoint slices of the ring and
    /// vectorises.
    fn allpass(&mut self, start: usize, m: usize, g: f32, u: &mut [f32]) {
        let size = self.mask + 1;
        let mut n = 0;
        while n < u.len() {
            let w = start.wrapping_add(n) & self.mask;
            let r = start.wrapping_add(n).wrapping_sub(m) & self.mask;
            // Up to the delay and to the ring's size less the delay (so what a run reads and
            // what it writes cannot overlap), and neither range wrapping around the ring's end.
            let k = (u.len() - n)
                .min(m)
                .min(size - m)
                .min(size - w)
                .min(size - r)
                .max(1);
            let (read, write) = if r < w {
                let (lo, hi) = self.buf.split_at_mut(w);
                (&lo[r..r + k], &mut hi[..k])
            } else {
                let (lo, hi) = self.buf.split_at_mut(r);
                (&hi[..k], &mut lo[w..w + k])
            };
            for ((x, d), o) in u[n..n + k].iter_mut().zip(read).zip(write.iter_mut()) {
                let wv = *x + g * *d;
                *o = wv;
                *x = *d - g * wv;
            }
            n += k;
        }
    }
}

/// Scale that makes [`hadamard8`] unitary; folded into the absorption gains.
const HADAMARD_SCALE: f32 = core::f32::consts::FRAC_1_SQRT_2 * 0.5; // 1/sqrt(8)

/// In-place 8-point Hadamard transform, unscaled (multiply by [`HADAMARD_SCALE`] for unitary).
#[inline(always)]
fn hadamard8(v: &mut [f32; LINES]) {
    let mut h = 1;
    while h < LINES {
        let mut i = 0;
        while i < LINES {
            for j in i..i + h {
                let (a, b) = (v[j], v[j + h]);
                v[j] = a + b;
                v[j + h] = a - b;
            }
            i += 2 * h;
        }
        h *= 2;
    }
}

fn is_prime(n: usize) -> bool {
    if n < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= n {
        if n % d == 0 {
            return false;
        }
        d += 1;
    }
    true
}

/// A stereo (or mono) algorithmic reverb.
///
/// Construction: [`Reverb::new`] (never fails).
/// Setters: [`Reverb::set_decay_s`], [`Reverb::set_predelay_ms`], [`Reverb::set_damping`], [`Reverb::set_size`], [`Reverb::set_width`], [`Reverb::set_mix`] validate and return a `Result` naming the parameter and its range.
/// By name: [`Processor::set_param`] over [`Reverb::PARAMS`], or the
/// [registry](crate::registry) as kind `"reverb"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct Reverb {
    decay_s: f64,
    predelay_ms: f64,
    damping: f64,
    size: f64,
    width: f64,
    mix: f64,
    /// The network's delay lines.
    lines: [Ring; LINES],
    /// Line lengths in frames, ramped when `size` changes.
    len: [Smoothed; LINES],
    gain_dc: [f32; LINES],
    pole: [f32; LINES],
    absorb: [f32; LINES],
    /// Flush grid of the absorption filters' state.
    grid: FlushGrid,
    pre: Vec<Ring>,
    pre_frames: Smoothed,
    diff: Vec<Ring>,
    diff_len: [usize; 3],
    pos: usize,
    width_s: Smoothed,
    mix_s: Smoothed,
    /// Per-block scratch: the diffused input, then the wet output, per side.
    scratch_l: Vec<f32>,
    scratch_r: Vec<f32>,
    spec: Option<ProcessSpec>,
}

impl Default for Reverb {
    fn default() -> Self {
        Reverb::new()
    }
}

impl Reverb {
    /// Decay 2 s, pre-delay 10 ms, damping 0.5, size 1, width 1, mix 0.3.
    pub fn new() -> Self {
        Reverb {
            decay_s: 2.0,
            predelay_ms: 10.0,
            damping: 0.5,
            size: 1.0,
            width: 1.0,
            mix: 0.3,
            lines: Default::default(),
            len: [Smoothed::new(0.0); LINES],
            gain_dc: [0.0; LINES],
            pole: [0.0; LINES],
            absorb: [0.0; LINES],
            grid: FlushGrid::new(),
            pre: Vec::new(),
            pre_frames: Smoothed::new(0.0),
            diff: Vec::new(),
            diff_len: [1; 3],
            pos: 0,
            width_s: Smoothed::new(1.0),
            mix_s: Smoothed::new(0.3),
            scratch_l: Vec::new(),
            scratch_r: Vec::new(),
            spec: None,
        }
    }

    /// Decay time RT60 in seconds, [0.05, 60].
    pub fn set_decay_s(&mut self, v: f64) -> Result<()> {
        self.decay_s = validate::in_range("decay_s", v, Range::closed(0.05, 60.0))?;
        self.update();
        Ok(())
    }
    /// Pre-delay in ms, [0, 500].
    pub fn set_predelay_ms(&mut self, v: f64) -> Result<()> {
        self.predelay_ms =
            validate::in_range("predelay_ms", v, Range::closed(0.0, MAX_PREDELAY_MS))?;
        self.update();
        Ok(())
    }
    /// High-frequency damping, [0, 1]: 0 decays evenly, 1 decays the top ten times faster.
    pub fn set_damping(&mut self, v: f64) -> Result<()> {
        self.damping = validate::unit("damping", v)?;
        self.update();
        Ok(())
    }
    /// Room size, [0.25, 2]: scales the line lengths (echo density and colour).
    pub fn set_size(&mut self, v: f64) -> Result<()> {
        self.size = validate::in_range("size", v, Range::closed(MIN_SIZE, MAX_SIZE))?;
        self.update();
        Ok(())
    }
    /// Stereo width of the wet signal, [0, 1].
    pub fn set_width(&mut self, v: f64) -> Result<()> {
        self.width = validate::unit("width", v)?;
        self.update();
        Ok(())
    }
    /// Wet/dry mix, [0, 1].
    pub fn set_mix(&mut self, v: f64) -> Result<()> {
        self.mix = validate::unit("mix", v)?;
        self.update();
        Ok(())
    }

    fn fs(&self) -> f64 {
        self.spec.map_or(48_000.0, |s| s.sample_rate)
    }

    fn line_lengths(&self, size: f64) -> [usize; LINES] {
        let fs = self.fs();
        let mut out = [0usize; LINES];
        for i in 0..LINES {
            let mut n = math::round(BASE_MS[i] * size * 0.001 * fs).max(3.0) as usize;
            while !is_prime(n) || out[..i].contains(&n) {
                n += 1;
            }
            out[i] = n;
        }
        out
    }

    fn update(&mut self) {
        let fs = self.fs();
        let prepared = self.spec.is_some();
        let lens = self.line_lengths(self.size);
        let rt_hf = self.decay_s * (1.0 - 0.9 * self.damping);
        #[allow(clippy::needless_range_loop)]
        for i in 0..LINES {
            if prepared {
                self.len[i].set_target(lens[i] as f64);
            } else {
                self.len[i].set_immediate(lens[i] as f64);
            }
            let l = lens[i] as f64;
            let g_dc = math::powf(10.0, -3.0 * l / (fs * self.decay_s));
            let g_hf = math::powf(10.0, -3.0 * l / (fs * rt_hf));
            let r = g_hf / g_dc;
            self.gain_dc[i] = g_dc as f32;
            self.pole[i] = ((1.0 - r) / (1.0 + r)) as f32;
        }
        let pre = math::round(self.predelay_ms * 0.001 * fs);
        for (s, v) in [
            (&mut self.pre_frames, pre),
            (&mut self.width_s, self.width),
            (&mut self.mix_s, self.mix),
        ] {
            if prepared {
                s.set_target(v)
            } else {
                s.set_immediate(v)
            }
        }
    }
}

impl Reverb {
    /// Processes a piece of a block (between flush points).
    fn run(&mut self, block: &mut [&mut [f32]]) {
        let frames = block.first().map_or(0, |c| c.len());
        let pos0 = self.pos;
        let mut ul_buf = core::mem::take(&mut self.scratch_l);
        let mut ur_buf = core::mem::take(&mut self.scratch_r);
        let (ul, ur) = (&mut ul_buf[..frames], &mut ur_buf[..frames]);

        // Pass 1: pre-delay and diffusion, per input channel, over the whole block.
        let pre_moving = self.pre_frames.is_smoothing();
        for (c, u) in [&mut *ul, &mut *ur].into_iter().enumerate() {
            let src = &block[c.min(block.len() - 1)];
            let ring = &mut self.pre[c];
            let mut pf = self.pre_frames;
            if pre_moving {
                for (n, (d, x)) in u.iter_mut().zip(src.iter()).enumerate() {
                    let p = pos0.wrapping_add(n + 1);
                    ring.set(p, if x.is_finite() { *x } else { 0.0 });
                    *d = ring.at(p.wrapping_sub(pf.tick() as usize));
                }
            } else {
                ring.delay(pos0.wrapping_add(1), pf.value() as usize, src, u);
            }
            if c == 1 {
                self.pre_frames = pf;
            }
            for k in 0..3 {
                let m = self.diff_len[k];
                self.diff[c * 3 + k].allpass(pos0.wrapping_add(1), m, DIFFUSER_GAIN, u);
            }
        }

        // Pass 2: the network. Reads `u`, overwrites it with the wet stereo output.
        let moving = self.len.iter().any(|s| s.is_smoothing());
        let mut len_i = [0usize; LINES];
        for (d, s) in len_i.iter_mut().zip(&self.len) {
            *d = s.value() as usize;
        }
        let (gain_dc, pole) = (self.gain_dc, self.pole);
        let mut in_gain = [0.0f32; LINES];
        let mut fb_gain = [0.0f32; LINES];
        for i in 0..LINES {
            // The state is kept pre-scaled by the Hadamard normalisation (the filter is linear).
            in_gain[i] = (1.0 - pole[i]) * gain_dc[i] * HADAMARD_SCALE;
            fb_gain[i] = pole[i];
        }
        let mut absorb = self.absorb;
        let lines = &mut self.lines;
        for (n, (a, b)) in ul.iter_mut().zip(ur.iter_mut()).enumerate() {
            let p = pos0.wrapping_add(n + 1);
            let mut y = [0.0f32; LINES];
            if moving {
                for (i, s) in self.len.iter_mut().enumerate() {
                    let v = s.tick();
                    let li = v as usize;
                    let f = (v - li as f64) as f32;
                    let x0 = lines[i].at(p.wrapping_sub(li));
                    let x1 = lines[i].at(p.wrapping_sub(li + 1));
                    y[i] = x0 + f * (x1 - x0);
                }
            } else {
                for ((yi, line), li) in y.iter_mut().zip(lines.iter()).zip(len_i) {
                    *yi = line.at(p.wrapping_sub(li));
                }
            }
            for i in 0..LINES {
                absorb[i] = in_gain[i] * y[i] + fb_gain[i] * absorb[i];
            }
            let mut v = absorb;
            hadamard8(&mut v);
            let u = [*a, *b];
            for (i, (line, vi)) in lines.iter_mut().zip(v).enumerate() {
                line.set(p, vi + u[i % 2]);
            }
            *a = 0.5 * (y[0] - y[2] + y[4] - y[6] + y[1] + y[5]);
            *b = 0.5 * (y[1] - y[3] + y[5] - y[7] + y[2] + y[6]);
        }
        self.absorb = absorb;
        self.pos = pos0.wrapping_add(frames);

        // Pass 3: width and wet/dry mix (a loop without the ramps when neither moves).
        let smoothing = self.width_s.is_smoothing() || self.mix_s.is_smoothing();
        let (mut ws, mut ms) = (self.width_s, self.mix_s);
        let (width0, mix0) = (ws.value() as f32, ms.value() as f32);
        #[inline(always)]
        fn mix_frame(width: f32, mix: f32, wl: f32, wr: f32) -> (f32, f32, f32) {
            let (mid, side) = (0.5 * (wl + wr), 0.5 * (wl - wr) * width);
            (mid, side, mix)
        }
        match block {
            [l, r] => {
                let frames = l.iter_mut().zip(r.iter_mut()).zip(ul.iter()).zip(ur.iter());
                if smoothing {
                    for (((l, r), wl), wr) in frames {
                        let (w, m) = (ws.tick() as f32, ms.tick() as f32);
                        let (mid, side, mix) = mix_frame(w, m, *wl, *wr);
                        *l = *l * (1.0 - mix) + (mid + side) * mix;
                        *r = *r * (1.0 - mix) + (mid - side) * mix;
                    }
                } else {
                    for (((l, r), wl), wr) in frames {
                        let (mid, side, mix) = mix_frame(width0, mix0, *wl, *wr);
                        *l = *l * (1.0 - mix) + (mid + side) * mix;
                        *r = *r * (1.0 - mix) + (mid - side) * mix;
                    }
                }
            }
            [x, ..] => {
                for ((x, wl), wr) in x.iter_mut().zip(ul.iter()).zip(ur.iter()) {
                    let (w, m) = if smoothing {
                        (ws.tick() as f32, ms.tick() as f32)
                    } else {
                        (width0, mix0)
                    };
                    let (mid, _, mix) = mix_frame(w, m, *wl, *wr);
                    *x = *x * (1.0 - mix) + mid * mix;
                }
            }
            [] => {}
        }
        self.width_s = ws;
        self.mix_s = ms;
        self.scratch_l = ul_buf;
        self.scratch_r = ur_buf;
    }
}

impl Processor for Reverb {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate_channels("reverb", |c| c <= 2, "1 or 2")?;
        self.spec = Some(spec);
        let fs = spec.sample_rate;
        let longest = self.line_lengths(MAX_SIZE);
        for (line, n) in self.lines.iter_mut().zip(longest) {
            *line = Ring::new(n + 2);
        }
        let pre_max = math::ceil(MAX_PREDELAY_MS * 0.001 * fs) as usize + 2;
        self.pre = vec![Ring::new(pre_max); 2];
        for (i, ms) in DIFFUSER_MS.iter().enumerate() {
            self.diff_len[i] = (math::round(ms * 0.001 * fs) as usize).max(1);
        }
        // Twice the delay, so the all-passes run in blocks as long as their delay.
        self.diff = (0..6)
            .map(|k| Ring::new(2 * self.diff_len[k % 3]))
            .collect();
        self.scratch_l = vec![0.0; spec.max_block_frames];
        self.scratch_r = vec![0.0; spec.max_block_frames];
        for s in self.len.iter_mut() {
            s.set_ramp(DEFAULT_FILTER_RAMP_S, fs);
        }
        self.pre_frames.set_ramp(DEFAULT_FILTER_RAMP_S, fs);
        self.width_s.set_ramp(DEFAULT_GAIN_RAMP_S, fs);
        self.mix_s.set_ramp(DEFAULT_GAIN_RAMP_S, fs);
        self.update();
        self.reset();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let _ftz = FlushGuard::new();
        let mut grid = self.grid;
        denormal::for_each_piece(&mut grid, block, |piece, flush| {
            self.run(piece);
            if flush {
                self.absorb = self.absorb.map(denormal::flush_f32);
            }
        });
        self.grid = grid;
    }

    fn reset(&mut self) {
        for r in self
            .lines
            .iter_mut()
            .chain(self.pre.iter_mut())
            .chain(self.diff.iter_mut())
        {
            r.buf.fill(0.0);
        }
        self.absorb = [0.0; LINES];
        self.grid.reset();
        self.pos = 0;
        for s in self.len.iter_mut() {
            s.finish();
        }
        for s in [&mut self.pre_frames, &mut self.width_s, &mut self.mix_s] {
            s.finish();
        }
    }

    fn tail_frames(&self) -> usize {
        // To −90 dB, plus the pre-delay.
        ((1.5 * self.decay_s + self.predelay_ms * 0.001) * self.fs()) as usize
    }
}

impl Describe for Reverb {
    const DESCRIPTION: &'static Description = &Description {
        kind: "reverb",
        aliases: &[],
        class_name: "Reverb",
        summary: "Algorithmic reverb: an 8-line feedback delay network with RT60 and damping.",
        channels: "1 or 2",
        params: Reverb::PARAMS,
        options: &[],
        variants: &[],
    };

    fn from_options(_: &mut Options<'_>) -> Result<Self> {
        Ok(Reverb::new())
    }

    fn options(&self) -> Settings {
        Settings::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                s as f32 / u32::MAX as f32 - 0.5
            })
            .collect()
    }

    /// The run-based all-pass and delay equal their frame-by-frame definitions, for delays from
    /// 1 to the ring's size less one, from any start (wrapping), in uneven blocks.
    #[test]
    fn runs_equal_the_frame_by_frame_definitions() {
        let x = signal(3000, 7);
        for (ring_len, delays) in [(40usize, [1usize, 5, 20, 41]), (300, [1, 150, 299, 37])] {
            for d in delays {
                let mut fast = Ring::new(ring_len);
                let mut slow = fast.clone();
                if d > slow.mask {
                    continue;
                }
                let (mut a, mut b) = (x.clone(), x.clone());
                let mut delayed = vec![0.0f32; x.len()];
                let mut pos = usize::MAX - 100; // wraps during the run
                let mut fast_d = fast.clone();
                let mut slow_d = fast.clone();
                let mut start = 0;
                let mut k = 0;
                while start < x.len() {
                    let n = [1, 64, 7, 333][k % 4].min(x.len() - start);
                    fast.allpass(pos, d, 0.6, &mut a[start..start + n]);
                    fast_d.delay(pos, d, &x[start..start + n], &mut delayed[start..start + n]);
                    for i in 0..n {
                        let p = pos.wrapping_add(i);
                        let old = slow.at(p.wrapping_sub(d));
                        let w = b[start + i] + 0.6 * old;
                        slow.set(p, w);
                        b[start + i] = old - 0.6 * w;
                        slow_d.set(p, x[start + i]);
                        let want = slow_d.at(p.wrapping_sub(d));
                        assert_eq!(delayed[start + i], want, "delay {d}, frame {}", start + i);
                    }
                    pos = pos.wrapping_add(n);
                    start += n;
                    k += 1;
                }
                assert!(a == b, "all-pass of {d} frames in a ring of {ring_len}");
            }
        }
    }
}
