//! [`Compressor`]: a feed-forward compressor with soft knee, peak or RMS detection, stereo link,
//! an external sidechain (key) input with a high-pass, makeup gain, wet/dry mix and a
//! gain-reduction read-out.
//!
//! Signal flow per frame (after Giannoulis, Massberg and Reiss, "Digital Dynamic Range
//! Compressor Design", JAES 2012, the smooth decoupled log-domain design):
//!
//! 1. detector input: the block itself or the key, through the optional sidechain high-pass;
//! 2. level `x` in dB: instantaneous peak `|s|`, or RMS over a one-pole window;
//!    linked channels use the largest peak or the mean power;
//! 3. static curve with a knee of width `W` around threshold `T`:
//!    `y = x` below the knee, `y = T + (x − T)/R` above it, and in the knee
//!    `y = x + (1/R − 1)(x − T + W/2)² / (2W)`;
//! 4. gain reduction `x − y` smoothed in dB with separate attack and release one-poles
//!    (time constant τ: the reduction reaches 63 % of a step in τ);
//! 5. gain `makeup − reduction`, mixed with the dry signal per sample.
//!
//! The per-sample dB conversions use [`crate::db::fast_gain_to_db`] and
//! [`crate::db::fast_db_to_gain`] (error below 0.001 dB).

use alloc::vec;
use alloc::vec::Vec;

use super::biquad::{Coeffs, FilterKind, cookbook};
use super::filter::SectionState;
use crate::cpu::{dispatch, mul_add_f32};
use crate::db;
use crate::denormal::{self, FLUSH_FRAMES, FlushGrid, FlushGuard};
use crate::error::{Range, Result};
use crate::math;
use crate::processor::{MAX_CHANNELS, ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::smooth::{DEFAULT_GAIN_RAMP_S, Smoothed};
use crate::validate;

/// How the detector measures level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detector {
    /// Instantaneous absolute value.
    #[default]
    Peak,
    /// Root mean square over a one-pole window (`rms_window_ms`).
    Rms,
}

crate::params! { Compressor {
    threshold_db: [-80.0, 0.0] = -18.0, "dB", "Level where gain reduction starts (middle of the knee).",
        set = Compressor::set_threshold_db, get = |c| c.threshold_db;
    ratio: [1.0, 100.0] = 4.0, ":1", "Input dB over the threshold per output dB (1 = no compression).",
        set = Compressor::set_ratio, get = |c| c.ratio;
    knee_db: [0.0, 24.0] = 6.0, "dB", "Width of the soft knee around the threshold (0 = hard knee).",
        set = Compressor::set_knee_db, get = |c| c.knee_db;
    attack_ms: [0.01, 500.0] = 10.0, "ms", "Time constant of the gain reduction rising.",
        set = Compressor::set_attack_ms, get = |c| c.attack_ms;
    release_ms: [1.0, 5000.0] = 100.0, "ms", "Time constant of the gain reduction falling.",
        set = Compressor::set_release_ms, get = |c| c.release_ms;
    makeup_db: [-24.0, 48.0] = 0.0, "dB", "Gain after compression.",
        set = Compressor::set_makeup_db, get = |c| c.makeup_db;
    mix: [0.0, 1.0] = 1.0, "", "Wet/dry mix (parallel compression below 1).",
        set = Compressor::set_mix, get = |c| c.mix;
    sidechain_hpf_hz: [0.0, 2000.0] = 0.0, "Hz", "High-pass on the detector input (0 = off).",
        set = Compressor::set_sidechain_hpf_hz, get = |c| c.sidechain_hpf_hz;
    rms_window_ms: [0.1, 1000.0] = 10.0, "ms", "Averaging time of the RMS detector.",
        set = Compressor::set_rms_window_ms, get = |c| c.rms_window_ms;
} }

/// The static curve: output level for input level `x` (dB).
#[inline]
pub fn static_curve(x: f32, threshold: f32, ratio: f32, knee: f32) -> f32 {
    let over = x - threshold;
    if 2.0 * over < -knee {
        x
    } else if knee > 0.0 && 2.0 * over.abs() <= knee {
        let t = over + knee * 0.5;
        x + (1.0 / ratio - 1.0) * t * t / (2.0 * knee)
    } else {
        threshold + over / ratio
    }
}

#[derive(Debug, Clone, Copy)]
struct Coefs {
    threshold: f32,
    knee: f32,
    /// `1 − 1/R`: the share of the level over the threshold that is taken away.
    slope: f32,
    /// `1/(2W)`, 0 for a hard knee.
    inv_2knee: f32,
    /// Linear level below which the curve does nothing (knee start).
    quiet_lin: f32,
    attack: f32,
    release: f32,
    rms: f32,
}

impl Coefs {
    /// The reduction in dB the static curve asks for at level `x` (dB): `x − static_curve(x)`
    /// written without divisions (`0` below the knee, `(1 − 1/R)·t²/(2W)` with `t = x − T + W/2`
    /// in it, `(1 − 1/R)(x − T)` above), so the per-sample pass vectorises cheaply.
    #[inline(always)]
    fn reduction(&self, x: f32) -> f32 {
        let over = x - self.threshold;
        let t = over + 0.5 * self.knee;
        let above = if 2.0 * over <= self.knee {
            t * t * self.inv_2knee
        } else {
            over
        };
        let red = if 2.0 * over < -self.knee { 0.0 } else { above };
        math::max_f32(red * self.slope, 0.0)
    }
}

/// A feed-forward compressor for any number of channels.
///
/// Construction: [`Compressor::new`] (never fails).
/// Setters: [`Compressor::set_threshold_db`], [`Compressor::set_ratio`], [`Compressor::set_knee_db`], [`Compressor::set_attack_ms`], [`Compressor::set_release_ms`], [`Compressor::set_makeup_db`], [`Compressor::set_mix`], [`Compressor::set_sidechain_hpf_hz`], [`Compressor::set_rms_window_ms`] validate and return a `Result` naming the parameter and its range; [`Compressor::set_detector`], [`Compressor::set_linked`] cannot fail.
/// By name: [`Processor::set_param`] over [`Compressor::PARAMS`], or the
/// [registry](crate::registry) as kind `"compressor"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct Compressor {
    threshold_db: f64,
    ratio: f64,
    knee_db: f64,
    attack_ms: f64,
    release_ms: f64,
    makeup_db: f64,
    mix: f64,
    sidechain_hpf_hz: f64,
    rms_window_ms: f64,
    detector: Detector,
    linked: bool,
    /// `linked` as of the last `prepare` (the scratch buffers are sized for it).
    linked_prepared: bool,
    c: Coefs,
    makeup: Smoothed,
    mix_s: Smoothed,
    hpf: Coeffs,
    hpf_state: Vec<SectionState>,
    /// Smoothed gain reduction in dB (positive) per detector (1 when linked).
    reduction: Vec<f32>,
    /// RMS mean-square state per detector.
    power: Vec<f32>,
    /// Detector signal scratch, `max_block_frames` per channel.
    key_scratch: Vec<f32>,
    /// Gain per frame (and per channel when unlinked).
    gain_scratch: Vec<f32>,
    max_reduction_block: f32,
    /// Flush grid of the state (sidechain filter, RMS power, reduction).
    grid: FlushGrid,
    spec: Option<ProcessSpec>,
}

impl Default for Compressor {
    fn default() -> Self {
        Compressor::new()
    }
}

impl Compressor {
    /// Threshold −18 dB, ratio 4, knee 6 dB, attack 10 ms, release 100 ms, peak, linked.
    pub fn new() -> Self {
        Compressor {
            threshold_db: -18.0,
            ratio: 4.0,
            knee_db: 6.0,
            attack_ms: 10.0,
            release_ms: 100.0,
            makeup_db: 0.0,
            mix: 1.0,
            sidechain_hpf_hz: 0.0,
            rms_window_ms: 10.0,
            detector: Detector::Peak,
            linked: true,
            linked_prepared: true,
            c: Coefs {
                threshold: -18.0,
                knee: 6.0,
                slope: 0.75,
                inv_2knee: 1.0 / 12.0,
                quiet_lin: 0.0,
                attack: 0.0,
                release: 0.0,
                rms: 0.0,
            },
            makeup: Smoothed::new(1.0),
            mix_s: Smoothed::new(1.0),
            hpf: Coeffs::IDENTITY,
            hpf_state: Vec::new(),
            reduction: Vec::new(),
            power: Vec::new(),
            key_scratch: Vec::new(),
            gain_scratch: Vec::new(),
            max_reduction_block: 0.0,
            grid: FlushGrid::new(),
            spec: None,
        }
    }

    /// Threshold in dBFS, [−80, 0].
    pub fn set_threshold_db(&mut self, v: f64) -> Result<()> {
        self.threshold_db = validate::in_range("threshold_db", v, Range::closed(-80.0, 0.0))?;
        self.update();
        Ok(())
    }
    /// Ratio, [1, 100] (1 is no compression; 100 is a limiter in all but name).
    pub fn set_ratio(&mut self, v: f64) -> Result<()> {
        self.ratio = validate::in_range_note(
            "ratio",
            v,
            Range::closed(1.0, 100.0),
            "a ratio below 1 would expand",
        )?;
        self.update();
        Ok(())
    }
    /// Knee width in dB, [0, 24] (0 is a hard knee).
    pub fn set_knee_db(&mut self, v: f64) -> Result<()> {
        self.knee_db = validate::in_range("knee_db", v, Range::closed(0.0, 24.0))?;
        self.update();
        Ok(())
    }
    /// Attack time constant in ms, [0.01, 500].
    pub fn set_attack_ms(&mut self, v: f64) -> Result<()> {
        self.attack_ms = validate::in_range("attack_ms", v, Range::closed(0.01, 500.0))?;
        self.update();
        Ok(())
    }
    /// Release time constant in ms, [1, 5000].
    pub fn set_release_ms(&mut self, v: f64) -> Result<()> {
        self.release_ms = validate::in_range("release_ms", v, Range::closed(1.0, 5000.0))?;
        self.update();
        Ok(())
    }
    /// Makeup gain in dB, [−24, 48] (smoothed).
    pub fn set_makeup_db(&mut self, v: f64) -> Result<()> {
        self.makeup_db = validate::in_range("makeup_db", v, Range::closed(-24.0, 48.0))?;
        self.update();
        Ok(())
    }
    /// Wet/dry mix, [0, 1]: 1 is fully compressed, values between give parallel compression.
    pub fn set_mix(&mut self, v: f64) -> Result<()> {
        self.mix = validate::unit("mix", v)?;
        self.update();
        Ok(())
    }
    /// Sidechain high-pass cutoff in Hz, 0 (off) or [10, 2000].
    pub fn set_sidechain_hpf_hz(&mut self, v: f64) -> Result<()> {
        if v != 0.0 {
            validate::in_range_note(
                "sidechain_hpf_hz",
                v,
                Range::closed(10.0, 2000.0),
                "0 turns it off",
            )?;
        }
        self.sidechain_hpf_hz = v;
        self.update();
        Ok(())
    }
    /// RMS window in ms, [0.1, 1000].
    pub fn set_rms_window_ms(&mut self, v: f64) -> Result<()> {
        self.rms_window_ms = validate::in_range("rms_window_ms", v, Range::closed(0.1, 1000.0))?;
        self.update();
        Ok(())
    }
    /// Peak or RMS detection.
    pub fn set_detector(&mut self, d: Detector) {
        self.detector = d;
    }
    /// Stereo (all-channel) link: one gain for all channels from the loudest. Changing it after
    /// `prepare` takes effect at the next `prepare`.
    pub fn set_linked(&mut self, linked: bool) {
        self.linked = linked;
    }

    /// The current gain reduction in dB (positive; the largest over channels when unlinked).
    pub fn gain_reduction_db(&self) -> f64 {
        self.reduction.iter().fold(0.0f32, |a, &b| a.max(b)) as f64
    }

    /// The largest gain reduction during the last block, in dB (for meters).
    pub fn max_gain_reduction_db(&self) -> f64 {
        self.max_reduction_block as f64
    }

    fn one_pole(ms: f64, fs: f64) -> f32 {
        math::exp(-1.0 / (ms * 0.001 * fs)) as f32
    }

    fn update(&mut self) {
        let fs = self.spec.map_or(48_000.0, |s| s.sample_rate);
        let knee = self.knee_db as f32;
        self.c = Coefs {
            threshold: self.threshold_db as f32,
            knee,
            slope: (1.0 - 1.0 / self.ratio) as f32,
            inv_2knee: if knee > 0.0 { 0.5 / knee } else { 0.0 },
            quiet_lin: db::db_to_gain(self.threshold_db - self.knee_db * 0.5 - 0.01) as f32,
            attack: Self::one_pole(self.attack_ms, fs),
            release: Self::one_pole(self.release_ms, fs),
            rms: Self::one_pole(self.rms_window_ms, fs),
        };
        if self.sidechain_hpf_hz > 0.0 && self.sidechain_hpf_hz < fs * 0.45 {
            self.hpf = cookbook(
                FilterKind::HighPass,
                fs,
                self.sidechain_hpf_hz,
                core::f64::consts::FRAC_1_SQRT_2,
                0.0,
            );
        } else {
            self.hpf = Coeffs::IDENTITY;
        }
        let (mk, mx) = (db::db_to_gain(self.makeup_db), self.mix);
        if self.spec.is_some() {
            self.makeup.set_target(mk);
            self.mix_s.set_target(mx);
        } else {
            self.makeup.set_immediate(mk);
            self.mix_s.set_immediate(mx);
        }
    }

    fn detectors(&self) -> usize {
        let c = self.spec.map_or(1, |s| s.channels);
        if self.linked_prepared { 1 } else { c }
    }

    /// Processes `block` with its level measured from `key` instead of from itself (external
    /// sidechain, "ducking"). `key` has one channel (used for all) or as many as the block; its
    /// frames past the block's are ignored, missing frames count as silence.
    pub fn process_with_sidechain(&mut self, block: &mut [&mut [f32]], key: &[&[f32]]) {
        let Some(spec) = self.spec else { return };
        if block.len() != spec.channels || key.is_empty() {
            return;
        }
        let frames = block.iter().map(|c| c.len()).min().unwrap_or(0);
        let mut pos = 0;
        while pos < frames {
            let n = (frames - pos).min(spec.max_block_frames);
            self.load_key(KeySource::External(key), pos, n);
            let mut parts: [&mut [f32]; MAX_CHANNELS] = Default::default();
            for (d, ch) in parts.iter_mut().zip(block.iter_mut()) {
                *d = &mut ch[pos..pos + n];
            }
            run(self, &mut parts[..spec.channels], n, true);
            pos += n;
        }
    }

    /// Copies the detector signal into `key_scratch` (through the high-pass), `n` frames per
    /// channel, channel-major with stride `max_block_frames`.
    fn load_key(&mut self, src: KeySource<'_, '_>, offset: usize, n: usize) {
        let Some(spec) = self.spec else { return };
        let m = spec.max_block_frames;
        for ch in 0..spec.channels {
            let dst = &mut self.key_scratch[ch * m..ch * m + n];
            match src {
                KeySource::Block(b) => dst.copy_from_slice(&b[ch][..n]),
                KeySource::External(k) => {
                    let kc = k[if k.len() == spec.channels { ch } else { 0 }];
                    let avail = kc.len().saturating_sub(offset).min(n);
                    dst[..avail].copy_from_slice(&kc[offset..offset + avail]);
                    dst[avail..].fill(0.0);
                }
            }
            if self.hpf != Coeffs::IDENTITY {
                let st = &mut self.hpf_state[ch];
                for (a, b, flush) in self.grid.pieces(n) {
                    for v in dst[a..b].iter_mut() {
                        let x = if v.is_finite() { *v as f64 } else { 0.0 };
                        *v = st.step(&self.hpf, x) as f32;
                    }
                    if flush {
                        st.sanitize();
                    }
                }
            }
        }
    }

    /// Level per frame into `levels`: peak (largest |x| over the detector's channels) or power
    /// (mean square over them). NaN is ignored by `max`, infinity is capped, so a bad sample
    /// cannot reach the envelope.
    #[inline(always)]
    fn measure(&self, key: &[&[f32]], levels: &mut [f32]) {
        match self.detector {
            Detector::Peak => {
                levels.fill(0.0);
                for ch in key {
                    for (l, x) in levels.iter_mut().zip(ch.iter()) {
                        *l = math::max_f32(x.abs(), *l);
                    }
                }
                for l in levels.iter_mut() {
                    let p = math::min_f32(*l, 1e6);
                    *l = p * p;
                }
            }
            Detector::Rms => {
                levels.fill(0.0);
                for ch in key {
                    for (l, x) in levels.iter_mut().zip(ch.iter()) {
                        let v = math::min_f32(x.abs(), 1e6);
                        *l += v * v;
                    }
                }
                let inv = 1.0 / key.len() as f32;
                for l in levels.iter_mut() {
                    *l = if l.is_nan() { 0.0 } else { *l * inv };
                }
            }
        }
    }

    /// Detector, curve and gain over `n` frames, applied to `block`. The key is `key_scratch`
    /// when `from_scratch`, otherwise the block itself.
    fn run_generic<const FMA: bool>(
        &mut self,
        block: &mut [&mut [f32]],
        n: usize,
        from_scratch: bool,
    ) {
        let _ftz = FlushGuard::new();
        if self.spec.is_none() {
            return;
        }
        let mut max_red = 0.0f32;
        for d in 0..self.detectors() {
            self.wanted(block, n, from_scratch, d);
            max_red = max_red.max(self.smooth::<FMA>(d, n));
        }
        self.apply(block, n, max_red);
        self.grid.advance(n);
    }

    /// Passes 1 and 2 for detector `d`: its level per frame, then the reduction the static curve
    /// wants, into `gain_scratch[d·m..d·m + n]`.
    #[inline(always)]
    fn wanted(&mut self, block: &[&mut [f32]], n: usize, from_scratch: bool, d: usize) {
        let Some(spec) = self.spec else { return };
        let m = spec.max_block_frames;
        let channels = spec.channels;
        let c = self.c;
        let det = self.detectors();
        let quiet_sq = c.quiet_lin * c.quiet_lin;
        let chans = if det == 1 { 0..channels } else { d..d + 1 };
        let mut gains = core::mem::take(&mut self.gain_scratch);
        let levels = &mut gains[d * m..d * m + n];
        {
            let mut keys: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
            for (k, ch) in keys.iter_mut().zip(chans.clone()) {
                *k = if from_scratch {
                    &self.key_scratch[ch * m..ch * m + n]
                } else {
                    &block[ch][..n]
                };
            }
            self.measure(&keys[..chans.len()], levels);
        }
        // Pass 1 (serial only for RMS): the one-pole power average.
        if self.detector == Detector::Rms {
            let mut pw = self.power[d];
            for (a, b, flush) in self.grid.pieces(n) {
                for l in levels[a..b].iter_mut() {
                    pw = *l + c.rms * (pw - *l);
                    *l = pw;
                }
                if flush {
                    pw = denormal::flush_f32(pw);
                }
            }
            self.power[d] = pw;
        }
        // Pass 2 (vectorisable): wanted gain reduction in dB from the static curve.
        for l in levels.iter_mut() {
            let x = 0.5 * db::fast_gain_to_db(*l);
            let want = c.reduction(x);
            *l = if *l <= quiet_sq { 0.0 } else { want };
        }
        self.gain_scratch = gains;
    }

    /// Pass 3 (serial) for detector `d`: attack/release smoothing of the wanted reduction in
    /// dB, in place; returns the largest reduction. Attack applies while the wanted reduction
    /// exceeds the current one. Both candidates `k·red + (1 − k)·want` are computed and the
    /// larger (release coefficient ≥ attack) or smaller one kept: it is the attack one exactly
    /// when `want > red`, and the compare stays off the feedback path, which is what limits
    /// this loop. [`smooth_lanes`] runs the same arithmetic for several compressors at once.
    #[inline(always)]
    fn smooth<const FMA: bool>(&mut self, d: usize, n: usize) -> f32 {
        let m = self.spec.map_or(0, |s| s.max_block_frames);
        let c = self.c;
        let levels = &mut self.gain_scratch[d * m..d * m + n];
        let mut red = self.reduction[d];
        let (a, r) = (c.attack, c.release);
        let (a1, r1) = (1.0 - a, 1.0 - r);
        for (i, j, flush) in self.grid.pieces(n) {
            if r >= a {
                for l in levels[i..j].iter_mut() {
                    let (x, y) = (
                        mul_add_f32::<FMA>(a, red, a1 * *l),
                        mul_add_f32::<FMA>(r, red, r1 * *l),
                    );
                    red = if x > y { x } else { y };
                    *l = red;
                }
            } else {
                for l in levels[i..j].iter_mut() {
                    let (x, y) = (
                        mul_add_f32::<FMA>(a, red, a1 * *l),
                        mul_add_f32::<FMA>(r, red, r1 * *l),
                    );
                    red = if x < y { x } else { y };
                    *l = red;
                }
            }
            if flush {
                red = denormal::flush_f32(red);
            }
        }
        self.reduction[d] = red;
        math::max_nonneg(levels)
    }

    /// Passes 4 and 5: gain = 1 − mix + mix · makeup · 10^(−red/20), applied to `block`.
    #[inline(always)]
    fn apply(&mut self, block: &mut [&mut [f32]], n: usize, max_red: f32) {
        let Some(spec) = self.spec else { return };
        let m = spec.max_block_frames;
        let det = self.detectors();
        self.max_reduction_block = max_red;
        let smoothing = self.makeup.is_smoothing() || self.mix_s.is_smoothing();
        for d in 0..det {
            let (mut mk, mut mx) = (self.makeup, self.mix_s);
            let gains = &mut self.gain_scratch[d * m..d * m + n];
            if smoothing {
                for g in gains.iter_mut() {
                    let (makeup, mix) = (mk.tick() as f32, mx.tick() as f32);
                    *g = 1.0 - mix + mix * makeup * db::fast_db_to_gain(-*g);
                }
            } else {
                let (makeup, mix) = (mk.value() as f32, mx.value() as f32);
                for g in gains.iter_mut() {
                    *g = 1.0 - mix + mix * makeup * db::fast_db_to_gain(-*g);
                }
            }
            if d + 1 == det {
                self.makeup = mk;
                self.mix_s = mx;
            }
        }
        for (ch, x) in block.iter_mut().enumerate() {
            let d = if det == 1 { 0 } else { ch };
            let gains = &self.gain_scratch[d * m..d * m + n];
            for (v, g) in x[..n].iter_mut().zip(gains) {
                *v *= *g;
            }
        }
    }

    /// Whether [`process_lanes`] can take this compressor: prepared for `channels` channels
    /// with one detector (mono, or stereo linked).
    pub(crate) fn lane_ready(&self, channels: usize) -> bool {
        self.spec
            .is_some_and(|s| s.channels == channels && channels <= 2)
            && self.detectors() == 1
    }
}

/// Runs four compressors of `channels` channels each (1, or 2 when linked) over their own
/// blocks, the serial envelope pass of all of them in one loop (lane `l` is compressor `l`), so
/// their recursions share the vector unit. `blocks[l][c]` is channel `c` of compressor `l` (the
/// second is ignored for mono). Each lane's arithmetic is exactly that of
/// [`Processor::process_block`] on its own; callers check [`Compressor::lane_ready`] first.
fn process_lanes_generic<const FMA: bool>(
    comps: [&mut Compressor; 4],
    blocks: [[&mut [f32]; 2]; 4],
    channels: usize,
) {
    let _ftz = FlushGuard::new();
    let channels = channels.clamp(1, 2);
    let n = blocks
        .iter()
        .flat_map(|b| b[..channels].iter().map(|c| c.len()))
        .min()
        .unwrap_or(0);
    let mut comps = comps;
    let mut blocks = blocks;
    for (c, b) in comps.iter_mut().zip(blocks.iter_mut()) {
        let [b0, b1] = b;
        let m1 = n.min(b1.len());
        let parts: [&mut [f32]; 2] = [&mut b0[..n], &mut b1[..m1]];
        let filtered = c.hpf != Coeffs::IDENTITY;
        if filtered {
            c.load_key(KeySource::Block(&parts[..channels]), 0, n);
        }
        c.wanted(&parts[..channels], n, filtered, 0);
    }
    let reds = smooth_lanes_generic::<4, FMA>(&mut comps, n);
    for ((c, b), red) in comps.iter_mut().zip(blocks.iter_mut()).zip(reds) {
        let [b0, b1] = b;
        let m1 = n.min(b1.len());
        let mut parts: [&mut [f32]; 2] = [&mut b0[..n], &mut b1[..m1]];
        c.apply(&mut parts[..channels], n, red);
        c.grid.advance(n);
    }
}

dispatch! {
    /// Four compressors side by side (see `process_lanes_generic`).
    pub(crate) fn process_lanes(comps: [&mut Compressor; 4], blocks: [[&mut [f32]; 2]; 4], channels: usize) => process_lanes_generic
}

#[inline(always)]
// Frames outer, lanes inner: indexing by frame is the point (the lanes become one vector).
#[allow(clippy::needless_range_loop)]
fn smooth_lanes_generic<const L: usize, const FMA: bool>(
    comps: &mut [&mut Compressor; L],
    n: usize,
) -> [f32; L] {
    let mut a = [0.0f32; L];
    let mut r = [0.0f32; L];
    let mut red = [0.0f32; L];
    let mut up = [false; L];
    let mut phases = [0usize; L];
    for (l, c) in comps.iter().enumerate() {
        (a[l], r[l], red[l]) = (c.c.attack, c.c.release, c.reduction[0]);
        up[l] = r[l] >= a[l];
        phases[l] = c.grid.phase();
    }
    let a1: [f32; L] = core::array::from_fn(|l| 1.0 - a[l]);
    let r1: [f32; L] = core::array::from_fn(|l| 1.0 - r[l]);
    {
        let levels: [&mut [f32]; L] = comps.each_mut().map(|c| &mut c.gain_scratch[..n]);
        // One loop per pick (largest, smallest, per lane), so the common cases carry no select
        // on the recursion.
        macro_rules! run {
            ($range:expr, |$x:ident, $y:ident, $l:ident| $pick:expr) => {
                for i in $range {
                    for $l in 0..L {
                        let v = levels[$l][i];
                        let $x = mul_add_f32::<FMA>(a[$l], red[$l], a1[$l] * v);
                        let $y = mul_add_f32::<FMA>(r[$l], red[$l], r1[$l] * v);
                        red[$l] = $pick;
                        levels[$l][i] = red[$l];
                    }
                }
            };
        }
        // In pieces that end where some lane's flush grid has a point; each lane's reduction
        // is flushed at its own points, as `process_block` would.
        let mut until = phases.map(|p| FLUSH_FRAMES - p);
        let mut pos = 0;
        while pos < n {
            let end = until.iter().copied().min().unwrap_or(n).min(n);
            if up.iter().all(|u| *u) {
                run!(pos..end, |x, y, l| if x > y { x } else { y });
            } else if up.iter().all(|u| !*u) {
                run!(pos..end, |x, y, l| if x < y { x } else { y });
            } else {
                run!(pos..end, |x, y, l| {
                    let hi = if x > y { x } else { y };
                    let lo = if x < y { x } else { y };
                    if up[l] { hi } else { lo }
                });
            }
            for (u, rd) in until.iter_mut().zip(red.iter_mut()) {
                if *u == end {
                    *rd = denormal::flush_f32(*rd);
                    *u += FLUSH_FRAMES;
                }
            }
            pos = end;
        }
    }
    let mut out = [0.0f32; L];
    for (l, c) in comps.iter_mut().enumerate() {
        c.reduction[0] = red[l];
        out[l] = math::max_nonneg(&c.gain_scratch[..n]);
    }
    out
}

fn run_generic<const FMA: bool>(
    c: &mut Compressor,
    block: &mut [&mut [f32]],
    n: usize,
    from_scratch: bool,
) {
    c.run_generic::<FMA>(block, n, from_scratch);
}

dispatch! {
    /// Detector, curve and gain over `n` frames, applied to `block` (see `Compressor::run_generic`).
    fn run(c: &mut Compressor, block: &mut [&mut [f32]], n: usize, from_scratch: bool) => run_generic
}

#[derive(Clone, Copy)]
enum KeySource<'a, 'b> {
    Block(&'a [&'b mut [f32]]),
    External(&'a [&'a [f32]]),
}

impl Processor for Compressor {
    fn as_any_mut(&mut self) -> Option<&mut dyn core::any::Any> {
        Some(self)
    }

    fn has_sidechain(&self) -> bool {
        true
    }

    fn process_sidechain(&mut self, block: &mut [&mut [f32]], key: &[&[f32]]) {
        self.process_with_sidechain(block, key);
    }

    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        self.spec = Some(spec);
        self.linked_prepared = self.linked;
        let det = self.detectors();
        self.hpf_state = vec![SectionState::default(); spec.channels];
        self.reduction = vec![0.0; det];
        self.power = vec![0.0; det];
        self.key_scratch = vec![0.0; spec.max_block_frames * spec.channels];
        self.gain_scratch = vec![0.0; spec.max_block_frames * det];
        self.makeup.set_ramp(DEFAULT_GAIN_RAMP_S, spec.sample_rate);
        self.mix_s.set_ramp(DEFAULT_GAIN_RAMP_S, spec.sample_rate);
        self.update();
        self.reset();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let n = block.first().map_or(0, |c| c.len());
        let filtered = self.hpf != Coeffs::IDENTITY;
        if filtered {
            self.load_key(KeySource::Block(block), 0, n);
        }
        run(self, block, n, filtered);
    }

    fn reset(&mut self) {
        self.reduction.fill(0.0);
        self.power.fill(0.0);
        self.hpf_state.fill(SectionState::default());
        self.grid.reset();
        self.makeup.finish();
        self.mix_s.finish();
        self.max_reduction_block = 0.0;
    }
}

impl Describe for Compressor {
    const DESCRIPTION: &'static Description = &Description {
        kind: "compressor",
        aliases: &[],
        class_name: "Compressor",
        summary: "Feed-forward compressor: soft knee, peak or RMS detection, stereo link, sidechain high-pass, makeup and mix.",
        channels: "any",
        params: Compressor::PARAMS,
        options: &[
            OptionInfo::choice(
                "detector",
                &["peak", "rms"],
                "peak",
                "How the level is measured: instantaneous peak or RMS over rms_window_ms.",
            ),
            OptionInfo::switch(
                "linked",
                true,
                "Channels share one gain (largest peak or mean power) instead of one each.",
            ),
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let mut c = Compressor::new();
        c.set_detector(match o.choice("detector")? {
            "rms" => Detector::Rms,
            _ => Detector::Peak,
        });
        c.set_linked(o.switch("linked")?);
        Ok(c)
    }

    fn options(&self) -> Settings {
        Settings::new()
            .with(
                "detector",
                match self.detector {
                    Detector::Peak => "peak",
                    Detector::Rms => "rms",
                },
            )
            .with("linked", self.linked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_is_the_level_minus_the_static_curve() {
        for (t, r, w) in [
            (-18.0, 4.0, 6.0),
            (-30.0, 1.5, 0.0),
            (-6.0, 100.0, 24.0),
            (0.0, 1.0, 3.0),
        ] {
            let mut c = Compressor::new();
            c.set_threshold_db(t).unwrap();
            c.set_ratio(r).unwrap();
            c.set_knee_db(w).unwrap();
            let mut x = -100.0f32;
            while x < 30.0 {
                let want = (x - static_curve(x, t as f32, r as f32, w as f32)).max(0.0);
                let got = c.c.reduction(x);
                assert!(
                    (got - want).abs() < 1e-4,
                    "T {t} R {r} W {w} x {x}: {got} vs {want}"
                );
                x += 0.013;
            }
        }
    }
}
