//! [`Limiter`]: a brickwall lookahead limiter whose output's true peak stays under a ceiling, on
//! the reconstructed waveform (what a DAC or an encoder's resampler produces), not only on the
//! BS.1770 meter's 4× grid.
//!
//! Per input frame `n` the required gain is `r[n] = ceiling / p[n]` (at most 1), where `p[n]` is
//! the largest of the channels' sample at `n` and two readings of the window of `T` frames
//! ending at `n` (18; 25 from 96 to 192 kHz): the peak of the 16× band-limited reconstruction (over the window's last 18
//! frames, at 4 points per sample period refined parabolically, see [`super::reconstruction`];
//! it reads local peaks at most 0.11 dB low against all 16 phases) and the BS.1770
//! interpolation the meter's standard reading uses (libebur128's) (so standard meters read the output under the ceiling too; the
//! two filters differ near Nyquist). The gain envelope is a trailing minimum of `r` over
//! `M = D + T − 1` frames, a release that only moves up towards that minimum (never above it),
//! and a box average over the lookahead `D`. Every value averaged is at most `r[j]` for each
//! window `j` that touches the output frame, which is the input delayed by `D + T − 2`: the gain
//! under any peak is at most what that peak needs, across the whole window its reconstruction
//! reads. The ceiling used inside is [`MARGIN_DB`] below the one set, for the estimator's error
//! and the small modulation of the gain across a window where it is not flat; the worst case
//! measured (docs/true-peak.md) stays under the ceiling set.
//!
//! Below the ceiling every `r` is exactly 1, the box average of ones is exactly 1, and the
//! output is the input delayed, bit for bit. Everything runs per frame, so the output does not
//! depend on the block size.

use alloc::vec;
use alloc::vec::Vec;

use super::reconstruction::{self, Reconstructor};
use super::true_peak::{CHUNK, HISTORY, Interpolator};
use crate::db;
use crate::denormal::FlushGuard;
use crate::error::{Error, Range, Result};
use crate::math;
use crate::param;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::validate;

/// Safety margin below the set ceiling, in dB.
pub const MARGIN_DB: f64 = 0.1;
/// Points per sample period at which the detector evaluates the reconstruction.
const POINTS: usize = 4;

crate::params! { Limiter {
    ceiling_dbtp: [-30.0, 0.0] = -1.0, "dBTP", "True-peak ceiling the output stays under.",
        set = Limiter::set_ceiling_dbtp, get = |l| l.ceiling_dbtp;
    release_ms: [1.0, 2000.0] = 100.0, "ms", "Time constant of the gain recovering after a peak.",
        set = Limiter::set_release_ms, get = |l| l.release_ms;
    auto_release(toggle): [0.0, 1.0] = 0.0, "", "Programme-dependent release: slower after long, deep limiting (up to 4x).",
        set = |l, v| { l.set_auto_release(param::toggle("auto_release", v)?); Ok(()) },
        get = |l| f64::from(u8::from(l.auto_release));
} }

/// The minimum of the last `len` values pushed, by van Herk and Gil-Werman's blocks: the window
/// is the tail of the previous block of `len` values (its suffix minima, computed once when the
/// block fills) and the head of the current one (a running minimum), so each push costs two
/// compares and no branches but the block change.
#[derive(Debug, Clone, Default)]
struct SlidingMin {
    /// Values of the current block.
    cur: Vec<f32>,
    /// `suffix[k]`: minimum of the previous block's values `k..len`.
    suffix: Vec<f32>,
    pos: usize,
    prefix: f32,
}

impl SlidingMin {
    fn new(len: usize) -> Self {
        let len = len.max(1);
        SlidingMin {
            cur: vec![f32::INFINITY; len],
            suffix: vec![f32::INFINITY; len + 1],
            pos: 0,
            prefix: f32::INFINITY,
        }
    }

    fn clear(&mut self) {
        self.suffix.fill(f32::INFINITY);
        self.pos = 0;
        self.prefix = f32::INFINITY;
    }

    /// The minimum of the current window (`+inf` when empty).
    fn min(&self) -> f32 {
        let tail = self.suffix[self.pos + 1];
        if tail < self.prefix {
            tail
        } else {
            self.prefix
        }
    }

    #[inline]
    fn push(&mut self, v: f32) -> f32 {
        let len = self.cur.len();
        self.cur[self.pos] = v;
        self.prefix = if v < self.prefix { v } else { self.prefix };
        // The window's part in the previous block: its values pos + 1 .. len.
        let tail = self.suffix[self.pos + 1];
        let out = if tail < self.prefix {
            tail
        } else {
            self.prefix
        };
        self.pos += 1;
        if self.pos == len {
            let mut m = f32::INFINITY;
            for k in (0..len).rev() {
                let c = self.cur[k];
                m = if c < m { c } else { m };
                self.suffix[k] = m;
            }
            self.pos = 0;
            self.prefix = f32::INFINITY;
        }
        out
    }
}

/// A true-peak brickwall limiter with lookahead, linked across channels.
///
/// Construction: [`Limiter::new`] (returns a `Result`: invalid arguments are errors naming them).
/// Setters: [`Limiter::set_ceiling_dbtp`], [`Limiter::set_release_ms`] validate and return a `Result` naming the parameter and its range; [`Limiter::set_auto_release`] cannot fail.
/// By name: [`Processor::set_param`] over [`Limiter::PARAMS`], or the
/// [registry](crate::registry) as kind `"limiter"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct Limiter {
    ceiling_dbtp: f64,
    lookahead_ms: f64,
    release_ms: f64,
    auto_release: bool,
    ceiling: f32,
    release_coef: f32,
    slow_coef: f32,
    rec: Reconstructor,
    /// Bound on both estimates over the largest |input| of their window (skips quiet chunks).
    bound: f32,
    interp: Option<Interpolator>,
    /// Frames of the detection window `T`: the longer of the two readings' windows.
    window: usize,
    lookahead: usize,
    /// Per channel: the last `T − 1` inputs, then a chunk (window computation).
    hist: Vec<Vec<f32>>,
    /// Per channel: the reconstruction's left neighbour of the next window's first point.
    carry: Vec<f32>,
    /// Per channel: delay line of `latency` frames (a ring).
    delay: Vec<Vec<f32>>,
    delay_pos: usize,
    hold: SlidingMin,
    boxbuf: Vec<f64>,
    box_sum: f64,
    box_pos: usize,
    env: f32,
    reduction_avg: f32,
    gain_now: f32,
    /// Smallest gain applied since the last `reset` (or since read with `take_max_reduction`).
    gain_min: f32,
    spec: Option<ProcessSpec>,
}

impl Limiter {
    /// A limiter with `ceiling_dbtp` in [−30, 0] and `lookahead_ms` in [0.5, 20]; release 100 ms.
    pub fn new(ceiling_dbtp: f64, lookahead_ms: f64) -> Result<Self> {
        let mut l = Limiter {
            ceiling_dbtp: -1.0,
            lookahead_ms: 5.0,
            release_ms: 100.0,
            auto_release: false,
            ceiling: 0.0,
            release_coef: 0.0,
            slow_coef: 0.0,
            rec: Reconstructor::new(POINTS),
            bound: 0.0,
            interp: None,
            window: reconstruction::TAPS,
            lookahead: 0,
            hist: Vec::new(),
            carry: Vec::new(),
            delay: Vec::new(),
            delay_pos: 0,
            hold: SlidingMin::default(),
            boxbuf: Vec::new(),
            box_sum: 0.0,
            box_pos: 0,
            env: 1.0,
            reduction_avg: 0.0,
            gain_now: 1.0,
            gain_min: 1.0,
            spec: None,
        };
        l.set_ceiling_dbtp(ceiling_dbtp)?;
        l.lookahead_ms =
            validate::in_range("lookahead_ms", lookahead_ms, Range::closed(0.5, 20.0))?;
        Ok(l)
    }

    /// Ceiling in dBTP, [−30, 0]. Changes take effect smoothly through the lookahead.
    pub fn set_ceiling_dbtp(&mut self, v: f64) -> Result<()> {
        self.ceiling_dbtp = validate::in_range_note(
            "ceiling_dbtp",
            v,
            Range::closed(-30.0, 0.0),
            "a true-peak ceiling from -30 to 0 dBTP",
        )?;
        self.ceiling = db::db_to_gain(v - MARGIN_DB) as f32;
        Ok(())
    }

    /// Release time constant in ms, [1, 2000].
    pub fn set_release_ms(&mut self, v: f64) -> Result<()> {
        self.release_ms = validate::in_range("release_ms", v, Range::closed(1.0, 2000.0))?;
        self.update();
        Ok(())
    }

    /// Programme-dependent release: the longer and deeper the limiting over the last second,
    /// the slower the release (up to 4× the set time), so dense material does not pump.
    pub fn set_auto_release(&mut self, on: bool) {
        if on && !self.auto_release {
            self.reduction_avg = 0.0;
        }
        self.auto_release = on;
    }

    /// The ceiling in dBTP.
    pub fn ceiling_dbtp(&self) -> f64 {
        self.ceiling_dbtp
    }

    /// The gain applied to the most recent output frame (linear, ≤ 1).
    pub fn current_gain(&self) -> f32 {
        self.gain_now
    }

    /// The gain reduction of the most recent output frame, dB (positive).
    pub fn gain_reduction_db(&self) -> f64 {
        -db::gain_to_db(self.gain_now as f64)
    }

    /// The largest gain reduction since `prepare` or `reset`, dB (positive).
    pub fn max_gain_reduction_db(&self) -> f64 {
        -db::gain_to_db(self.gain_min as f64)
    }

    fn update(&mut self) {
        let fs = self.spec.map_or(48_000.0, |s| s.sample_rate);
        self.release_coef = math::exp(-1.0 / (self.release_ms * 0.001 * fs)) as f32;
        self.slow_coef = math::exp(-1.0 / fs) as f32;
    }

    fn latency(&self) -> usize {
        self.lookahead + self.window - 2
    }

    /// Processes one chunk of at most `CHUNK` frames.
    fn run_chunk(&mut self, block: &mut [&mut [f32]], off: usize, n: usize) {
        let keep = self.window - 1;
        let Some(interp) = &self.interp else { return };
        let (interp_at, rec_at) = (
            self.window - interp.taps(),
            self.window - reconstruction::TAPS,
        );
        // Required gain per frame, linked over channels.
        let mut r = [1.0f32; CHUNK];
        let mut w = [0.0f32; CHUNK];
        for (c, ch) in block.iter().enumerate() {
            let h = &mut self.hist[c];
            for (d, s) in h[keep..keep + n].iter_mut().zip(&ch[off..off + n]) {
                *d = if s.is_finite() { *s } else { 0.0 };
            }
            let mut abs = [0.0f32; HISTORY];
            for (a, v) in abs.iter_mut().zip(h[..keep + n].iter()) {
                *a = v.abs();
            }
            let local = math::max_nonneg(&abs[..keep + n]);
            if local * self.bound > self.ceiling {
                // Both readings: the 16× reconstruction (over the last 18 frames of the window)
                // and the meter's BS.1770 interpolation, so the output is under the ceiling as
                // playback reconstructs it and as standard meters read it.
                interp.window_peaks(&h[interp_at..keep + n], &mut w[..n]);
                let mut v = [0.0f32; CHUNK];
                self.rec
                    .peaks(&h[rec_at..keep + n], &mut self.carry[c], &mut v[..n]);
                // Values are finite here (sanitised on the way in): plain compares, which
                // vectorise, rather than `f32::max`/`min` and their NaN rules.
                let own = &abs[keep..keep + n];
                for (((r, w), v), s) in r[..n].iter_mut().zip(&w[..n]).zip(&v[..n]).zip(own) {
                    let p = if *w > *s { *w } else { *s };
                    let p = if *v > p { *v } else { p };
                    let need = if p > self.ceiling {
                        self.ceiling / p
                    } else {
                        1.0
                    };
                    *r = if need < *r { need } else { *r };
                }
            } else {
                // Every estimate here is under the ceiling; the next window's left neighbour
                // is too, and zero stands for it without raising any estimate over the ceiling.
                self.carry[c] = 0.0;
            }
            h.copy_within(n..n + keep, 0);
        }
        // Envelope: hold, release, box average; then the delayed output.
        let d = self.lookahead;
        let len = self.delay[0].len();
        let inv_d = 1.0 / d as f64;
        // At rest (no reduction needed, none held, the box full of ones) the envelope stays at
        // exactly 1 through the chunk: push the ones into the hold, advance the box, and skip
        // the per-frame arithmetic, whose result would be the same ones bit for bit.
        let at_rest = self.env == 1.0
            && self.box_sum == d as f64
            && self.hold.min() == 1.0
            && (!self.auto_release || self.reduction_avg == 0.0)
            && r[..n].iter().all(|v| *v == 1.0);
        if at_rest {
            for _ in 0..n {
                self.hold.push(1.0);
            }
            self.box_pos = (self.box_pos + n) % d;
            self.gain_now = 1.0;
            w[..n].fill(1.0);
        }
        for (i, ri) in r[..n].iter().enumerate().filter(|_| !at_rest) {
            let held = self.hold.push(*ri);
            let rel = if self.auto_release {
                let slow = 1.0 + 3.0 * (self.reduction_avg * 4.0).min(1.0);
                math::exp(math::ln(self.release_coef as f64) / slow as f64) as f32
            } else {
                self.release_coef
            };
            self.env = if held < self.env {
                held
            } else {
                // Once a step of the release rounds to no change (within an ulp of `held`, in
                // f32), the release is over: land on `held`, or the gain would stall short of
                // it for good (0.99986 with a 100 ms release at 48 kHz).
                let next = held + (self.env - held) * rel;
                if next == self.env { held } else { next }
            };
            if self.auto_release {
                self.reduction_avg =
                    (1.0 - self.env) + (self.reduction_avg - (1.0 - self.env)) * self.slow_coef;
            }
            self.box_sum += self.env as f64 - self.boxbuf[self.box_pos];
            self.boxbuf[self.box_pos] = self.env as f64;
            self.box_pos = if self.box_pos + 1 == d {
                0
            } else {
                self.box_pos + 1
            };
            // Re-sum each lap so rounding never accumulates.
            if self.box_pos == 0 {
                self.box_sum = self.boxbuf.iter().sum();
            }
            let g = if self.box_sum >= d as f64 {
                1.0
            } else {
                (self.box_sum * inv_d) as f32
            };
            self.gain_now = g;
            self.gain_min = if g < self.gain_min { g } else { self.gain_min };
            w[i] = g;
        }
        // Output: the input delayed through each channel's ring, times the gain, in straight
        // runs of the ring (so the loops vectorise; the ring may be shorter than the chunk).
        let start = self.delay_pos;
        for (c, ch) in block.iter_mut().enumerate() {
            let line = &mut self.delay[c];
            let x = &mut ch[off..off + n];
            let (mut done, mut at) = (0, start);
            while done < n {
                let m = (n - done).min(len - at);
                let run = x[done..done + m].iter_mut().zip(&mut line[at..at + m]);
                for ((v, slot), g) in run.zip(&w[done..done + m]) {
                    let y = *slot;
                    *slot = if v.is_finite() { *v } else { 0.0 };
                    *v = y * g;
                }
                done += m;
                at = if at + m == len { 0 } else { at + m };
            }
        }
        self.delay_pos = (start + n) % len;
    }
}

impl Processor for Limiter {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        if spec.sample_rate < 8_000.0 {
            return Err(Error::Parameter {
                name: "sample_rate",
                value: spec.sample_rate,
                range: Range::closed(8_000.0, 1_536_000.0),
                note: "the true-peak limiter needs at least 8 kHz",
            });
        }
        self.spec = Some(spec);
        let interp = Interpolator::new(spec.sample_rate);
        self.bound = interp.l1_bound().max(self.rec.bound());
        self.window = interp.taps().max(reconstruction::TAPS);
        self.interp = Some(interp);
        self.lookahead =
            (math::round(self.lookahead_ms * 0.001 * spec.sample_rate) as usize).max(2);
        let m = self.lookahead + self.window - 1;
        self.hold = SlidingMin::new(m);
        self.boxbuf = vec![1.0; self.lookahead];
        self.hist = vec![vec![0.0; self.window - 1 + CHUNK]; spec.channels];
        self.carry = vec![0.0; spec.channels];
        self.delay = vec![vec![0.0; self.latency()]; spec.channels];
        self.update();
        self.reset();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let _ftz = FlushGuard::new();
        let frames = block.first().map_or(0, |c| c.len());
        let mut off = 0;
        while off < frames {
            let n = CHUNK.min(frames - off);
            self.run_chunk(block, off, n);
            off += n;
        }
    }

    fn reset(&mut self) {
        for h in &mut self.hist {
            h.fill(0.0);
        }
        self.carry.fill(0.0);
        for d in &mut self.delay {
            d.fill(0.0);
        }
        self.delay_pos = 0;
        self.hold.clear();
        self.boxbuf.fill(1.0);
        self.box_sum = self.boxbuf.len() as f64;
        self.box_pos = 0;
        self.env = 1.0;
        self.reduction_avg = 0.0;
        self.gain_now = 1.0;
        self.gain_min = 1.0;
    }

    fn latency_frames(&self) -> usize {
        if self.spec.is_some() {
            self.latency()
        } else {
            0
        }
    }

    fn tail_frames(&self) -> usize {
        self.latency_frames()
    }
}

impl Describe for Limiter {
    const DESCRIPTION: &'static Description = &Description {
        kind: "limiter",
        aliases: &[],
        class_name: "Limiter",
        summary: "True-peak lookahead limiter: holds the ceiling on the 16x reconstructed waveform and on BS.1770 meters, smooth gain, latency = lookahead + 16 frames (+ 23 from 96 to 192 kHz).",
        channels: "any",
        params: Limiter::PARAMS,
        options: &[OptionInfo::number(
            "lookahead_ms",
            0.5,
            20.0,
            5.0,
            "ms",
            "How far ahead peaks are seen (the latency); longer is smoother.",
        )],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        Limiter::new(-1.0, o.number("lookahead_ms")?)
    }

    fn options(&self) -> Settings {
        Settings::new().with("lookahead_ms", self.lookahead_ms)
    }
}
