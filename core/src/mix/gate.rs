//! [`Gate`]: a noise gate and downward expander with hysteresis, hold, optional lookahead, an
//! external sidechain (key) input with a band-pass on the key, and stereo link.
//!
//! Per frame:
//!
//! 1. key: the block itself or the external key, through the optional sidechain high-pass and
//!    low-pass (second order each); linked channels use the largest `|key|`;
//! 2. detector level `ℓ`: the largest `|key|` over the last 10 to 12.5 ms
//!    ([`DETECTOR_WINDOW_MS`], kept as four bucket maxima of a quarter of it plus the current
//!    bucket), so a steady or slowly changing tone of 100 Hz or more reads as its amplitude
//!    without ripple, and the level falls 10 to 12.5 ms after the key stops;
//! 3. state: the gate opens when `ℓ ≥ threshold` and closes when `ℓ` has stayed below
//!    `threshold − hysteresis` for `hold_ms`;
//! 4. target gain: open, 0 dB; closed, `−range` for a gate (ratio 100, which stands for ∞), or
//!    for an expander the downward curve `(ratio − 1)·(ℓ_dB − threshold)` (never below
//!    `−range`);
//! 5. gain: rises linearly in amplitude (fully closed to open in exactly `attack_ms`) and falls
//!    linearly in dB (open to fully closed in exactly `release_ms`);
//! 6. the (optionally delayed by the lookahead) block times the gain.
//!
//! No parameter needs a ramp: the gain moves at its attack and release rates whatever changes.

use alloc::vec;
use alloc::vec::Vec;

use super::sidechain::{KeyFilter, KeySource, load_key};
use crate::db;
use crate::denormal::{self, FlushGrid, FlushGuard};
use crate::error::{Range, Result};
use crate::math;
use crate::processor::{MAX_CHANNELS, ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::validate;

/// The detector reads the peak of the key over this window (to a quarter more), in ms.
pub const DETECTOR_WINDOW_MS: f64 = 10.0;

/// Buckets of the detector window.
const BUCKETS: usize = 4;

/// The ratio that stands for ∞ (a gate: fully closed below the threshold).
pub const GATE_RATIO: f64 = 100.0;

/// Largest lookahead, in ms.
pub const MAX_LOOKAHEAD_MS: f64 = 20.0;

crate::params! { Gate {
    threshold_db: [-100.0, 0.0] = -40.0, "dB", "Level (peak of the key) at which the gate opens.",
        set = Gate::set_threshold_db, get = |g| g.threshold_db;
    range_db: [0.0, 100.0] = 60.0, "dB", "How far the gate closes (attenuation when closed).",
        set = Gate::set_range_db, get = |g| g.range_db;
    ratio: [1.0, GATE_RATIO] = GATE_RATIO, ":1", "Expansion below the threshold: dB of attenuation per dB under it, plus one (100 = ∞: a gate).",
        set = Gate::set_ratio, get = |g| g.ratio;
    attack_ms: [0.01, 500.0] = 1.0, "ms", "Time to open from fully closed to fully open (linear in amplitude).",
        set = Gate::set_attack_ms, get = |g| g.attack_ms;
    hold_ms: [0.0, 2000.0] = 20.0, "ms", "Time the gate stays open after the key falls below threshold − hysteresis.",
        set = Gate::set_hold_ms, get = |g| g.hold_ms;
    release_ms: [1.0, 5000.0] = 100.0, "ms", "Time to close from fully open to fully closed (linear in dB).",
        set = Gate::set_release_ms, get = |g| g.release_ms;
    hysteresis_db: [0.0, 24.0] = 3.0, "dB", "The gate closes only this far below the threshold (prevents chatter).",
        set = Gate::set_hysteresis_db, get = |g| g.hysteresis_db;
    sidechain_hpf_hz: [0.0, 20_000.0] = 0.0, "Hz", "High-pass on the key (0 = off).",
        set = Gate::set_sidechain_hpf_hz, get = |g| g.sidechain_hpf_hz;
    sidechain_lpf_hz: [20.0, 20_000.0] = 20_000.0, "Hz", "Low-pass on the key (20000 = off).",
        set = Gate::set_sidechain_lpf_hz, get = |g| g.sidechain_lpf_hz;
} }

/// Per-detector state.
#[derive(Debug, Clone, Copy, Default)]
struct DetState {
    /// Largest |key| in the current bucket.
    cur: f32,
    /// Largest |key| of each of the last buckets.
    prev: [f32; BUCKETS],
    /// The largest of `prev`.
    prev_max: f32,
    /// Frames left in the current bucket.
    left: u32,
    /// Next slot of `prev`.
    slot: usize,
    /// Frames left of the gate's hold.
    hold: u32,
    open: bool,
    /// Current gain (linear).
    gain: f32,
}

/// Per-sample constants, derived from the parameters and the sample rate.
#[derive(Debug, Clone, Copy)]
struct Coefs {
    open_lin: f32,
    close_lin: f32,
    threshold_db: f32,
    floor: f32,
    /// `ratio − 1`, or negative for a gate.
    expand: f32,
    up: f32,
    down: f32,
    hold: u32,
    bucket: u32,
}

/// A noise gate / downward expander for any number of channels.
///
/// Construction: [`Gate::new`] (never fails).
/// Setters: [`Gate::set_threshold_db`], [`Gate::set_range_db`], [`Gate::set_ratio`],
/// [`Gate::set_attack_ms`], [`Gate::set_hold_ms`], [`Gate::set_release_ms`],
/// [`Gate::set_hysteresis_db`], [`Gate::set_sidechain_hpf_hz`], [`Gate::set_sidechain_lpf_hz`],
/// [`Gate::set_lookahead_ms`] validate and return a `Result` naming the parameter and its range;
/// [`Gate::set_linked`] cannot fail.
/// By name: [`Processor::set_param`] over [`Gate::PARAMS`], or the
/// [registry](crate::registry) as kind `"gate"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct Gate {
    threshold_db: f64,
    range_db: f64,
    ratio: f64,
    attack_ms: f64,
    hold_ms: f64,
    release_ms: f64,
    hysteresis_db: f64,
    sidechain_hpf_hz: f64,
    sidechain_lpf_hz: f64,
    lookahead_ms: f64,
    linked: bool,
    linked_prepared: bool,
    c: Coefs,
    key_filter: KeyFilter,
    det: Vec<DetState>,
    /// Key per channel, `max_block_frames` each.
    key: Vec<f32>,
    /// Gain per frame per detector.
    gains: Vec<f32>,
    /// Lookahead delay lines, `lookahead` frames per channel.
    delay: Vec<f32>,
    lookahead: usize,
    delay_pos: usize,
    grid: FlushGrid,
    spec: Option<ProcessSpec>,
}

impl Default for Gate {
    fn default() -> Self {
        Gate::new()
    }
}

impl Gate {
    /// Threshold −40 dB, range 60 dB, a gate (ratio ∞), attack 1 ms, hold 20 ms, release
    /// 100 ms, hysteresis 3 dB, no key filter, no lookahead, linked.
    pub fn new() -> Self {
        let mut g = Gate {
            threshold_db: -40.0,
            range_db: 60.0,
            ratio: GATE_RATIO,
            attack_ms: 1.0,
            hold_ms: 20.0,
            release_ms: 100.0,
            hysteresis_db: 3.0,
            sidechain_hpf_hz: 0.0,
            sidechain_lpf_hz: 20_000.0,
            lookahead_ms: 0.0,
            linked: true,
            linked_prepared: true,
            c: Coefs {
                open_lin: 0.0,
                close_lin: 0.0,
                threshold_db: 0.0,
                floor: 0.0,
                expand: -1.0,
                up: 0.0,
                down: 0.0,
                hold: 0,
                bucket: 1,
            },
            key_filter: KeyFilter::new(),
            det: Vec::new(),
            key: Vec::new(),
            gains: Vec::new(),
            delay: Vec::new(),
            lookahead: 0,
            delay_pos: 0,
            grid: FlushGrid::new(),
            spec: None,
        };
        g.update();
        g
    }

    /// Threshold in dBFS, [−100, 0].
    pub fn set_threshold_db(&mut self, v: f64) -> Result<()> {
        self.threshold_db = validate::in_range("threshold_db", v, Range::closed(-100.0, 0.0))?;
        self.update();
        Ok(())
    }
    /// Range (attenuation when closed) in dB, [0, 100].
    pub fn set_range_db(&mut self, v: f64) -> Result<()> {
        self.range_db = validate::in_range("range_db", v, Range::closed(0.0, 100.0))?;
        self.update();
        Ok(())
    }
    /// Expansion ratio, [1, 100]; 100 stands for ∞ (a gate), 1 does nothing.
    pub fn set_ratio(&mut self, v: f64) -> Result<()> {
        self.ratio = validate::in_range_note(
            "ratio",
            v,
            Range::closed(1.0, GATE_RATIO),
            "100 stands for ∞ (a gate)",
        )?;
        self.update();
        Ok(())
    }
    /// Attack (opening) time in ms, [0.01, 500].
    pub fn set_attack_ms(&mut self, v: f64) -> Result<()> {
        self.attack_ms = validate::in_range("attack_ms", v, Range::closed(0.01, 500.0))?;
        self.update();
        Ok(())
    }
    /// Hold time in ms, [0, 2000].
    pub fn set_hold_ms(&mut self, v: f64) -> Result<()> {
        self.hold_ms = validate::time_ms("hold_ms", v, 2000.0)?;
        self.update();
        Ok(())
    }
    /// Release (closing) time in ms, [1, 5000].
    pub fn set_release_ms(&mut self, v: f64) -> Result<()> {
        self.release_ms = validate::in_range("release_ms", v, Range::closed(1.0, 5000.0))?;
        self.update();
        Ok(())
    }
    /// Hysteresis in dB, [0, 24].
    pub fn set_hysteresis_db(&mut self, v: f64) -> Result<()> {
        self.hysteresis_db = validate::in_range("hysteresis_db", v, Range::closed(0.0, 24.0))?;
        self.update();
        Ok(())
    }
    /// Key high-pass in Hz, [0, 20000] (0 is off; capped at 0.45 × the sample rate).
    pub fn set_sidechain_hpf_hz(&mut self, v: f64) -> Result<()> {
        self.sidechain_hpf_hz =
            validate::in_range("sidechain_hpf_hz", v, Range::closed(0.0, 20_000.0))?;
        self.update();
        Ok(())
    }
    /// Key low-pass in Hz, [20, 20000] (20000 is off; off above 0.45 × the sample rate).
    pub fn set_sidechain_lpf_hz(&mut self, v: f64) -> Result<()> {
        self.sidechain_lpf_hz =
            validate::in_range("sidechain_lpf_hz", v, Range::closed(20.0, 20_000.0))?;
        self.update();
        Ok(())
    }
    /// Lookahead in ms, [0, 20]: the audio is delayed (latency reported) so the gate opens
    /// before a transient. Takes effect at the next `prepare`.
    pub fn set_lookahead_ms(&mut self, v: f64) -> Result<()> {
        self.lookahead_ms =
            validate::in_range("lookahead_ms", v, Range::closed(0.0, MAX_LOOKAHEAD_MS))?;
        Ok(())
    }
    /// Stereo (all-channel) link: one gain for all channels from the loudest key. Takes effect
    /// at the next `prepare`.
    pub fn set_linked(&mut self, linked: bool) {
        self.linked = linked;
    }

    /// The current gain in dB (0 open, −range closed; the lowest over channels when unlinked).
    pub fn gain_db(&self) -> f64 {
        let g = self.det.iter().fold(1.0f32, |a, d| a.min(d.gain));
        db::gain_to_db(g as f64)
    }

    /// Whether the gate is open (any channel when unlinked).
    pub fn is_open(&self) -> bool {
        self.det.iter().any(|d| d.open)
    }

    fn update(&mut self) {
        let fs = self.spec.map_or(48_000.0, |s| s.sample_rate);
        let frames = |ms: f64| (ms * 0.001 * fs).max(1.0);
        let floor = db::db_to_gain(-self.range_db) as f32;
        self.c = Coefs {
            open_lin: db::db_to_gain(self.threshold_db) as f32,
            close_lin: db::db_to_gain(self.threshold_db - self.hysteresis_db) as f32,
            threshold_db: self.threshold_db as f32,
            floor,
            expand: if self.ratio >= GATE_RATIO {
                -1.0
            } else {
                (self.ratio - 1.0) as f32
            },
            up: ((1.0 - floor as f64) / frames(self.attack_ms)) as f32,
            down: db::db_to_gain(-self.range_db / frames(self.release_ms)) as f32,
            hold: math::round(self.hold_ms * 0.001 * fs) as u32,
            bucket: (math::round(DETECTOR_WINDOW_MS * 0.001 * fs / BUCKETS as f64) as u32).max(1),
        };
        self.key_filter
            .design(fs, self.sidechain_hpf_hz, self.sidechain_lpf_hz, 20_000.0);
    }

    fn detectors(&self) -> usize {
        let c = self.spec.map_or(1, |s| s.channels);
        if self.linked_prepared { 1 } else { c }
    }

    /// Processes `block` with the detector fed from `key` (external sidechain): one channel for
    /// all, or one per block channel; missing frames count as silence.
    pub fn process_with_sidechain(&mut self, block: &mut [&mut [f32]], key: &[&[f32]]) {
        let Some(spec) = self.spec else { return };
        if block.len() != spec.channels || key.is_empty() {
            return;
        }
        let frames = block.iter().map(|c| c.len()).min().unwrap_or(0);
        let mut pos = 0;
        while pos < frames {
            let n = (frames - pos).min(spec.max_block_frames);
            let mut parts: [&mut [f32]; MAX_CHANNELS] = Default::default();
            for (d, ch) in parts.iter_mut().zip(block.iter_mut()) {
                *d = &mut ch[pos..pos + n];
            }
            self.run(&mut parts[..spec.channels], n, Some((key, pos)));
            pos += n;
        }
    }

    /// Key, detector, gain, application over `n` frames; the key is `external` (with the
    /// block's offset in it) or the block itself.
    fn run(&mut self, block: &mut [&mut [f32]], n: usize, external: Option<(&[&[f32]], usize)>) {
        let Some(spec) = self.spec else { return };
        let _ftz = FlushGuard::new();
        let m = spec.max_block_frames;
        let channels = spec.channels;
        {
            let block_ro: &[&mut [f32]] = block;
            let src = match external {
                Some((k, offset)) => KeySource::External(k, offset),
                None => KeySource::Block(block_ro),
            };
            for ch in 0..channels {
                let k = &mut self.key[ch * m..ch * m + n];
                load_key(src, ch, channels, k);
                self.key_filter.run(ch, k, &self.grid);
            }
        }
        let det = self.detectors();
        let c = self.c;
        for d in 0..det {
            // The key level per frame: the largest |key| over the detector's channels.
            let g = &mut self.gains[d * m..d * m + n];
            if det == 1 {
                g.copy_from_slice(&self.key[..n]);
                for v in g.iter_mut() {
                    *v = v.abs();
                }
                for ch in 1..channels {
                    for (v, k) in g.iter_mut().zip(&self.key[ch * m..ch * m + n]) {
                        *v = math::max_f32(k.abs(), *v);
                    }
                }
            } else {
                for (v, k) in g.iter_mut().zip(&self.key[d * m..d * m + n]) {
                    *v = k.abs();
                }
            }
            let mut s = self.det[d];
            for (a, b, flush) in self.grid.pieces(n) {
                for v in g[a..b].iter_mut() {
                    *v = step(&c, &mut s, *v);
                }
                if flush {
                    s.cur = denormal::flush_f32(s.cur);
                    s.prev_max = denormal::flush_f32(s.prev_max);
                    for p in s.prev.iter_mut() {
                        *p = denormal::flush_f32(*p);
                    }
                }
            }
            self.det[d] = s;
        }
        // Apply, through the lookahead delay.
        let l = self.lookahead;
        for (ch, x) in block.iter_mut().enumerate() {
            let d = if det == 1 { 0 } else { ch };
            let g = &self.gains[d * m..d * m + n];
            if l == 0 {
                for (v, g) in x[..n].iter_mut().zip(g) {
                    *v *= *g;
                }
            } else {
                let line = &mut self.delay[ch * l..(ch + 1) * l];
                let mut p = self.delay_pos;
                for (v, g) in x[..n].iter_mut().zip(g) {
                    let y = line[p];
                    // Non-finite input leaves the delay line as silence (so it cannot outlast
                    // a block of finite input behind a long lookahead).
                    line[p] = if v.is_finite() { *v } else { 0.0 };
                    *v = y * *g;
                    p += 1;
                    if p == l {
                        p = 0;
                    }
                }
            }
        }
        if l > 0 {
            self.delay_pos = (self.delay_pos + n) % l;
        }
        self.grid.advance(n);
    }
}

/// One frame of detector, state and gain for key level `k` (linear); returns the gain.
#[inline(always)]
fn step(c: &Coefs, s: &mut DetState, k: f32) -> f32 {
    // Detector: the peak over the window.
    s.cur = math::max_f32(k, s.cur);
    let l = math::max_f32(s.cur, s.prev_max);
    if s.left <= 1 {
        s.prev[s.slot] = s.cur;
        s.slot = (s.slot + 1) % BUCKETS;
        s.prev_max = s.prev.iter().fold(0.0, |a, &b| math::max_f32(b, a));
        s.cur = 0.0;
        s.left = c.bucket;
    } else {
        s.left -= 1;
    }
    // State, with hysteresis and hold.
    if s.open {
        if l >= c.close_lin {
            s.hold = c.hold;
        } else if s.hold > 0 {
            s.hold -= 1;
        } else {
            s.open = false;
        }
    } else if l >= c.open_lin {
        s.open = true;
        s.hold = c.hold;
    }
    let target = if s.open {
        1.0
    } else if c.expand < 0.0 {
        c.floor
    } else {
        let under = db::fast_gain_to_db(l) - c.threshold_db;
        let g = db::fast_db_to_gain(math::min_f32(c.expand * under, 0.0));
        math::max_f32(g, c.floor)
    };
    s.gain = if target > s.gain {
        math::min_f32(s.gain + c.up, target)
    } else {
        math::max_f32(s.gain * c.down, target)
    };
    s.gain
}

impl Processor for Gate {
    crate::described!();

    fn has_sidechain(&self) -> bool {
        true
    }

    fn process_sidechain(&mut self, block: &mut [&mut [f32]], key: &[&[f32]]) {
        self.process_with_sidechain(block, key);
    }

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        self.spec = Some(spec);
        self.linked_prepared = self.linked;
        let det = self.detectors();
        self.key_filter.prepare(spec.channels);
        self.det = vec![DetState::default(); det];
        self.key = vec![0.0; spec.max_block_frames * spec.channels];
        self.gains = vec![0.0; spec.max_block_frames * det];
        self.lookahead = math::round(self.lookahead_ms * 0.001 * spec.sample_rate) as usize;
        self.delay = vec![0.0; self.lookahead * spec.channels];
        self.update();
        self.reset();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let n = block.first().map_or(0, |c| c.len());
        self.run(block, n, None);
    }

    fn reset(&mut self) {
        let floor = self.c.floor;
        for d in self.det.iter_mut() {
            *d = DetState {
                gain: floor,
                ..DetState::default()
            };
        }
        self.key_filter.reset();
        self.delay.fill(0.0);
        self.delay_pos = 0;
        self.grid.reset();
    }

    fn latency_frames(&self) -> usize {
        self.lookahead
    }
}

impl Describe for Gate {
    const DESCRIPTION: &'static Description = &Description {
        kind: "gate",
        aliases: &["expander"],
        class_name: "Gate",
        summary: "Noise gate / downward expander: range, ratio, hysteresis, hold, lookahead, sidechain band-pass, stereo link.",
        channels: "any",
        params: Gate::PARAMS,
        options: &[
            OptionInfo::switch(
                "linked",
                true,
                "Channels share one gain (from the loudest key) instead of one each.",
            ),
            OptionInfo::number(
                "lookahead_ms",
                0.0,
                MAX_LOOKAHEAD_MS,
                0.0,
                "ms",
                "Delay of the audio against the key, so the gate is open when a transient arrives (reported as latency).",
            ),
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let mut g = Gate::new();
        g.set_linked(o.switch("linked")?);
        g.set_lookahead_ms(o.number("lookahead_ms")?)?;
        Ok(g)
    }

    fn options(&self) -> Settings {
        Settings::new()
            .with("linked", self.linked)
            .with("lookahead_ms", self.lookahead_ms)
    }
}
