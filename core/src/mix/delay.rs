//! [`Delay`]: a fractional delay line with damped feedback, wet/dry mix and stereo ping-pong.
//!
//! Reads use 4-point, 3rd-order Hermite interpolation (exact at integer delays). The delay
//! time ramps per sample when changed, so a change glides like tape instead of clicking. The
//! feedback path runs through a one-pole low-pass (`damping_hz`). Non-finite input is written
//! into the line as silence, so it can never circulate in the feedback loop.
//!
//! The shortest delay is 2 frames (the interpolator reads one frame on each side of the tap).

use alloc::vec;
use alloc::vec::Vec;

use crate::denormal::{self, FlushGrid, FlushGuard};
use crate::error::{Range, Result};
use crate::math;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::smooth::{DEFAULT_GAIN_RAMP_S, Smoothed};
use crate::validate;

/// Ramp time of a delay-time change, in seconds.
pub const TIME_RAMP_S: f64 = 0.1;

/// The longest delay, in ms.
pub const MAX_DELAY_MS: f64 = 60_000.0;

crate::params! { Delay {
    time_ms: [0.0, MAX_DELAY_MS] = 250.0, "ms", "Delay time, up to max_ms (ramped, so changes glide).",
        set = Delay::set_time_ms, get = |d| d.time_ms;
    feedback: [0.0, 0.99] = 0.3, "", "Share of the delayed signal fed back.",
        set = Delay::set_feedback, get = |d| d.feedback;
    damping_hz: [100.0, 40_000.0] = 8000.0, "Hz", "Low-pass in the feedback path (repeats get darker).",
        set = Delay::set_damping_hz, get = |d| d.damping_hz;
    mix: [0.0, 1.0] = 0.5, "", "Wet/dry mix.",
        set = Delay::set_mix, get = |d| d.mix;
} }

/// 4-point 3rd-order Hermite interpolation between `x0` and `x1`; `xm1` precedes, `x2` follows.
#[inline(always)]
pub fn hermite(t: f32, xm1: f32, x0: f32, x1: f32, x2: f32) -> f32 {
    let c1 = 0.5 * (x1 - xm1);
    let c2 = xm1 - 2.5 * x0 + 2.0 * x1 - 0.5 * x2;
    let c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
    ((c3 * t + c2) * t + c1) * t + x0
}

/// The four weights of [`hermite`] at a fixed `t`: applied to `(xm1, x0, x1, x2)` they give the
/// same value, as a 4-tap FIR (the steady-state path).
#[inline]
pub fn hermite_weights(t: f32) -> [f32; 4] {
    let (t2, t3) = (t * t, t * t * t);
    [
        -0.5 * t + t2 - 0.5 * t3,
        1.0 - 2.5 * t2 + 1.5 * t3,
        0.5 * t + 2.0 * t2 - 1.5 * t3,
        -0.5 * t2 + 0.5 * t3,
    ]
}

#[inline(always)]
fn read_fir(line: &[f32], mask: usize, write: usize, d: usize, w: &[f32; 4]) -> f32 {
    let i = write.wrapping_sub(d);
    w[0] * line[i.wrapping_add(1) & mask]
        + w[1] * line[i & mask]
        + w[2] * line[i.wrapping_sub(1) & mask]
        + w[3] * line[i.wrapping_sub(2) & mask]
}

/// A delay for one or two channels (ping-pong needs two).
///
/// Construction: [`Delay::new`] (returns a `Result`: invalid arguments are errors naming them).
/// Setters: [`Delay::set_time_ms`], [`Delay::set_feedback`], [`Delay::set_damping_hz`], [`Delay::set_mix`] validate and return a `Result` naming the parameter and its range; [`Delay::set_ping_pong`] cannot fail.
/// By name: [`Processor::set_param`] over [`Delay::PARAMS`], or the
/// [registry](crate::registry) as kind `"delay"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct Delay {
    max_ms: f64,
    time_ms: f64,
    feedback: f64,
    damping_hz: f64,
    mix: f64,
    ping_pong: bool,
    /// Delay in frames, ramped.
    time: Smoothed,
    fb: Smoothed,
    wet: Smoothed,
    damp_coef: f32,
    lines: Vec<Vec<f32>>,
    mask: usize,
    write: usize,
    damp_state: [f32; 2],
    /// Flush grid of the damping state.
    grid: FlushGrid,
    spec: Option<ProcessSpec>,
}

impl Delay {
    /// A delay whose time can go up to `max_ms` (allocated at `prepare`), set to
    /// `min(250, max_ms)` ms, feedback 0.3, damping 8 kHz, mix 0.5.
    pub fn new(max_ms: f64) -> Result<Self> {
        validate::in_range("max_ms", max_ms, Range::open_closed(0.0, MAX_DELAY_MS))?;
        let time_ms = max_ms.min(250.0);
        Ok(Delay {
            max_ms,
            time_ms,
            feedback: 0.3,
            damping_hz: 8000.0,
            mix: 0.5,
            ping_pong: false,
            time: Smoothed::new(0.0),
            fb: Smoothed::new(0.3),
            wet: Smoothed::new(0.5),
            damp_coef: 0.0,
            lines: Vec::new(),
            mask: 0,
            write: 0,
            damp_state: [0.0; 2],
            grid: FlushGrid::new(),
            spec: None,
        })
    }

    /// Sets the delay time in ms, [0, max_ms] (ramped over 100 ms).
    pub fn set_time_ms(&mut self, ms: f64) -> Result<()> {
        self.time_ms = validate::in_range_note(
            "time_ms",
            ms,
            Range::closed(0.0, self.max_ms),
            "at most max_ms given to new()",
        )?;
        self.retarget();
        Ok(())
    }
    /// Sets the feedback gain, [0, 0.99].
    pub fn set_feedback(&mut self, g: f64) -> Result<()> {
        self.feedback = validate::in_range("feedback", g, Range::closed(0.0, 0.99))?;
        self.retarget();
        Ok(())
    }
    /// Sets the cutoff of the low-pass in the feedback path, [100, 40000] Hz (capped below
    /// Nyquist).
    pub fn set_damping_hz(&mut self, hz: f64) -> Result<()> {
        self.damping_hz = validate::in_range("damping_hz", hz, Range::closed(100.0, 40_000.0))?;
        self.retarget();
        Ok(())
    }
    /// Sets the wet/dry mix, [0, 1] (0 dry only, 1 wet only).
    pub fn set_mix(&mut self, mix: f64) -> Result<()> {
        self.mix = validate::unit("mix", mix)?;
        self.retarget();
        Ok(())
    }
    /// Ping-pong: echoes alternate between left and right (stereo only).
    pub fn set_ping_pong(&mut self, on: bool) {
        self.ping_pong = on;
    }

    fn frames_for(&self, ms: f64) -> f64 {
        let fs = self.spec.map_or(48_000.0, |s| s.sample_rate);
        (ms * 0.001 * fs).max(2.0)
    }

    fn retarget(&mut self) {
        let t = self.frames_for(self.time_ms);
        let fs = self.spec.map_or(48_000.0, |s| s.sample_rate);
        let fc = self.damping_hz.min(fs * 0.45);
        self.damp_coef = math::exp(-2.0 * core::f64::consts::PI * fc / fs) as f32;
        if self.spec.is_some() {
            self.time.set_target(t);
            self.fb.set_target(self.feedback);
            self.wet.set_target(self.mix);
        } else {
            self.time.set_immediate(t);
            self.fb.set_immediate(self.feedback);
            self.wet.set_immediate(self.mix);
        }
    }

    #[inline(always)]
    fn read(line: &[f32], mask: usize, write: usize, delay: f64) -> f32 {
        // delay >= 2, so truncation is floor.
        let d = delay as usize;
        let t = (delay - d as f64) as f32;
        let i = write.wrapping_sub(d);
        // The tap lies between i and i - 1 (older); Hermite wants x[-1] newer ... x[2] older.
        let xm1 = line[i.wrapping_add(1) & mask];
        let x0 = line[i & mask];
        let x1 = line[i.wrapping_sub(1) & mask];
        let x2 = line[i.wrapping_sub(2) & mask];
        hermite(t, xm1, x0, x1, x2)
    }
}

#[inline(always)]
fn finite_or_zero(x: f32) -> f32 {
    if x.is_finite() { x } else { 0.0 }
}

impl Delay {
    /// Processes a piece of a block (between flush points).
    fn run(&mut self, block: &mut [&mut [f32]]) {
        let mask = self.mask;
        let a = self.damp_coef;
        let steady =
            !(self.time.is_smoothing() || self.fb.is_smoothing() || self.wet.is_smoothing());
        match block {
            [left, right] if self.ping_pong => {
                let [ll, rl] = &mut self.lines[..] else {
                    return;
                };
                let mut w = self.write;
                let [mut sl, mut sr] = self.damp_state;
                for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                    let (t, fb, mix) = (
                        self.time.tick(),
                        self.fb.tick() as f32,
                        self.wet.tick() as f32,
                    );
                    w = (w + 1) & mask;
                    let yl = Self::read(ll, mask, w, t);
                    let yr = Self::read(rl, mask, w, t);
                    sl = yl + a * (sl - yl);
                    sr = yr + a * (sr - yr);
                    let xin = 0.5 * (finite_or_zero(*l) + finite_or_zero(*r));
                    ll[w] = xin + fb * sr;
                    rl[w] = fb * sl;
                    *l += mix * (yl - *l);
                    *r += mix * (yr - *r);
                }
                self.write = w;
                self.damp_state = [sl, sr];
            }
            [left, right] if steady => {
                // Both channels in one loop: their damping recursions overlap in the CPU.
                let t = self.time.value();
                let d = t as usize;
                let wts = hermite_weights((t - d as f64) as f32);
                let (fb, mix) = (self.fb.value() as f32, self.wet.value() as f32);
                let [ll, rl] = &mut self.lines[..] else {
                    return;
                };
                let mut w = self.write;
                let [mut sl, mut sr] = self.damp_state;
                for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                    w = (w + 1) & mask;
                    let yl = read_fir(ll, mask, w, d, &wts);
                    let yr = read_fir(rl, mask, w, d, &wts);
                    sl = yl + a * (sl - yl);
                    sr = yr + a * (sr - yr);
                    ll[w] = finite_or_zero(*l) + fb * sl;
                    rl[w] = finite_or_zero(*r) + fb * sr;
                    *l += mix * (yl - *l);
                    *r += mix * (yr - *r);
                }
                self.write = w;
                self.damp_state = [sl, sr];
            }
            _ => {
                let start = (self.time, self.fb, self.wet);
                let channels = block.len();
                for (ch, x) in block.iter_mut().enumerate() {
                    let line = &mut self.lines[ch];
                    let (mut tm, mut fbs, mut wet) = start;
                    let mut w = self.write;
                    let mut s = self.damp_state[ch];
                    if steady {
                        let (t, fb, mix) = (tm.value(), fbs.value() as f32, wet.value() as f32);
                        let d = t as usize;
                        let wts = hermite_weights((t - d as f64) as f32);
                        for v in x.iter_mut() {
                            w = (w + 1) & mask;
                            let y = read_fir(line, mask, w, d, &wts);
                            s = y + a * (s - y);
                            line[w] = finite_or_zero(*v) + fb * s;
                            *v += mix * (y - *v);
                        }
                    } else {
                        for v in x.iter_mut() {
                            let (t, fb, mix) = (tm.tick(), fbs.tick() as f32, wet.tick() as f32);
                            w = (w + 1) & mask;
                            let y = Self::read(line, mask, w, t);
                            s = y + a * (s - y);
                            line[w] = finite_or_zero(*v) + fb * s;
                            *v += mix * (y - *v);
                        }
                    }
                    self.damp_state[ch] = s;
                    (self.time, self.fb, self.wet) = (tm, fbs, wet);
                    if ch + 1 == channels {
                        self.write = w;
                    }
                }
            }
        }
    }
}

impl Processor for Delay {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate_channels("delay", |c| c <= 2, "1 or 2")?;
        self.spec = Some(spec);
        let len = math::ceil(self.max_ms * 0.001 * spec.sample_rate) as usize + 4;
        let size = len.next_power_of_two();
        self.lines = vec![vec![0.0; size]; spec.channels];
        self.mask = size - 1;
        for s in [&mut self.time, &mut self.fb, &mut self.wet] {
            s.set_ramp(DEFAULT_GAIN_RAMP_S, spec.sample_rate);
        }
        self.time.set_ramp(TIME_RAMP_S, spec.sample_rate);
        self.retarget();
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
                self.damp_state = self.damp_state.map(denormal::flush_f32);
            }
        });
        self.grid = grid;
    }

    fn reset(&mut self) {
        for l in &mut self.lines {
            l.fill(0.0);
        }
        self.write = 0;
        self.damp_state = [0.0; 2];
        self.grid.reset();
        for s in [&mut self.time, &mut self.fb, &mut self.wet] {
            s.finish();
        }
    }

    fn tail_frames(&self) -> usize {
        // Echoes fall below −120 dB after k repeats with feedback^k < 1e-6.
        let t = self.frames_for(self.time_ms);
        let repeats = if self.feedback <= 1e-6 {
            1.0
        } else {
            1.0 + math::ceil(-6.0 / math::log10(self.feedback))
        };
        (t * repeats).min(usize::MAX as f64 / 2.0) as usize
    }
}

impl Describe for Delay {
    const DESCRIPTION: &'static Description = &Description {
        kind: "delay",
        aliases: &[],
        class_name: "Delay",
        summary: "Fractional delay with damped feedback and optional ping-pong.",
        channels: "any",
        params: Delay::PARAMS,
        options: &[
            OptionInfo::number(
                "max_ms",
                1.0,
                60_000.0,
                2000.0,
                "ms",
                "Longest delay time (sets the memory allocated at prepare).",
            ),
            OptionInfo::switch(
                "ping_pong",
                false,
                "Feedback crosses between left and right (stereo).",
            ),
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let mut d = Delay::new(o.number("max_ms")?)?;
        d.set_ping_pong(o.switch("ping_pong")?);
        Ok(d)
    }

    fn options(&self) -> Settings {
        Settings::new()
            .with("max_ms", self.max_ms)
            .with("ping_pong", self.ping_pong)
    }
}
