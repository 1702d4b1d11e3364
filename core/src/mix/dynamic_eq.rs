//! [`DynamicEq`]: an equalizer whose peaking and shelving bands move their gain with the level
//! in their own band; pass, notch and all-pass bands are static. With every ratio at 1 it is
//! exactly the static [`Equalizer`](super::Equalizer) of the same bands.
//!
//! Each dynamic band:
//!
//! 1. detector: the band's region of the EQ's input (or of the sidechain key, for a band keyed
//!    from it): a band-pass at the band's frequency and Q for a peaking band, a second-order
//!    low-pass (high-pass) at its frequency for a low (high) shelf; the peak over the channels
//!    (stereo linked) and over each [`CONTROL_FRAMES`]-frame control period;
//! 2. gain computer: over = `peak_dB − threshold`; the dynamic gain is
//!    `sign(range)·min(|range|, (1 − 1/ratio)·max(over, 0))`: above the threshold the band's
//!    gain moves towards `gain_db + range_db` (a cut for a negative range, a boost for a
//!    positive one), at most by `range_db`; ratio 1 leaves it static;
//! 3. the dynamic gain smoothed in dB by attack and release one-poles (time constants), at the
//!    control rate;
//! 4. the band's biquad redesigned at every control period from `gain_db + dynamic gain` (the
//!    cookbook formulas with the sine and cosine cached); when the dynamic gain is zero the
//!    band runs the exact static design.
//!
//! The control periods lie on a grid counted from `prepare`, so the output does not depend on
//! the block size. Every band's sections run as one cascade, two channels at a time as the lanes
//! of one pair of `f64` (`mix/pair.rs`); the detectors yield one peak per control period.

use alloc::vec;
use alloc::vec::Vec;

use super::biquad::{self, Coeffs, Design, FilterKind, MAX_SECTIONS, cookbook};
use super::filter::{BAND_FIELDS, SectionState, design_from_options, design_settings};
use super::pair::{PairState, run_cascade};
use crate::cpu::{dispatch, mul_add};
use crate::db;
use crate::denormal::{FLUSH_FRAMES, FlushGrid, FlushGuard};
use crate::error::{Error, Range, Result};
use crate::math;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::validate;

/// Frames per control period (the dynamic gains and the dynamic bands' coefficients move once
/// per period).
pub const CONTROL_FRAMES: usize = crate::smooth::COEFF_UPDATE_FRAMES;

const _: () = assert!(FLUSH_FRAMES % CONTROL_FRAMES == 0);

/// Most bands.
pub const MAX_BANDS: usize = 16;

/// The dynamics of one band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dynamics {
    /// Level of the band (peak, dBFS) above which its gain moves, [−80, 0].
    pub threshold_db: f64,
    /// Input dB over the threshold per dB of gain change, plus one, [1, 100]: 1 is static.
    pub ratio: f64,
    /// Attack time constant in ms, [0.1, 500].
    pub attack_ms: f64,
    /// Release time constant in ms, [1, 5000].
    pub release_ms: f64,
    /// The largest gain change in dB, [−36, 36]: negative cuts, positive boosts.
    pub range_db: f64,
    /// Whether the band's detector listens to the sidechain key (when one is given).
    pub sidechain: bool,
}

impl Default for Dynamics {
    fn default() -> Self {
        Dynamics {
            threshold_db: -30.0,
            ratio: 1.0,
            attack_ms: 10.0,
            release_ms: 100.0,
            range_db: -6.0,
            sidechain: false,
        }
    }
}

impl Dynamics {
    /// Checks every field; errors name it.
    pub fn validate(&self) -> Result<()> {
        validate::in_range("threshold_db", self.threshold_db, Range::closed(-80.0, 0.0))?;
        validate::in_range("ratio", self.ratio, Range::closed(1.0, 100.0))?;
        validate::in_range("attack_ms", self.attack_ms, Range::closed(0.1, 500.0))?;
        validate::in_range("release_ms", self.release_ms, Range::closed(1.0, 5000.0))?;
        validate::in_range("range_db", self.range_db, Range::closed(-36.0, 36.0))?;
        Ok(())
    }
}

/// One band of a [`DynamicEq`].
#[derive(Debug, Clone)]
struct Band {
    design: Design,
    dynamics: Dynamics,
    enabled: bool,
    /// Prepared: the static sections.
    sections: [Coeffs; MAX_SECTIONS],
    n: usize,
    /// Whether the gain moves (a peaking or shelving band, ratio above 1).
    dynamic: bool,
    det: Coeffs,
    det_state: Vec<SectionState>,
    /// Cached `cos w0`, `alpha` of the design.
    cs: f64,
    alpha: f64,
    attack: f32,
    release: f32,
    /// Smoothed dynamic gain in dB (signed).
    gain: f32,
    /// Peak |detector| over the control period so far.
    peak: f32,
    /// The section in use this control period (dynamic bands).
    current: Coeffs,
}

impl Band {
    fn new(design: Design, dynamics: Dynamics, enabled: bool) -> Self {
        Band {
            design,
            dynamics,
            enabled,
            sections: [Coeffs::IDENTITY; MAX_SECTIONS],
            n: 0,
            dynamic: false,
            det: Coeffs::IDENTITY,
            det_state: Vec::new(),
            cs: 1.0,
            alpha: 0.0,
            attack: 0.0,
            release: 0.0,
            gain: 0.0,
            peak: 0.0,
            current: Coeffs::IDENTITY,
        }
    }

    fn prepare(&mut self, spec: ProcessSpec) {
        let fs = spec.sample_rate;
        let mut d = self.design;
        d.frequency_hz = d.frequency_hz.min(fs * 0.4999);
        self.n = d.sections_unchecked(fs, &mut self.sections);
        let kind = d.kind;
        self.dynamic = matches!(
            kind,
            FilterKind::Peaking | FilterKind::LowShelf | FilterKind::HighShelf
        ) && self.dynamics.ratio > 1.0;
        let q = core::f64::consts::FRAC_1_SQRT_2;
        let f = d.frequency_hz;
        self.det = match kind {
            FilterKind::LowShelf => cookbook(FilterKind::LowPass, fs, f, q, 0.0),
            FilterKind::HighShelf => cookbook(FilterKind::HighPass, fs, f, q, 0.0),
            _ => cookbook(FilterKind::BandPass, fs, f, d.q, 0.0),
        };
        let w0 = 2.0 * core::f64::consts::PI * f / fs;
        self.cs = math::cos(w0);
        self.alpha = math::sin(w0) / (2.0 * d.q);
        let period = CONTROL_FRAMES as f64;
        self.attack = math::exp(-period / (self.dynamics.attack_ms * 0.001 * fs)) as f32;
        self.release = math::exp(-period / (self.dynamics.release_ms * 0.001 * fs)) as f32;
        self.det_state = vec![SectionState::default(); spec.channels];
        self.reset();
    }

    fn reset(&mut self) {
        self.det_state.fill(SectionState::default());
        self.gain = 0.0;
        self.peak = 0.0;
        self.current = self.sections[0];
    }

    /// The cookbook section of this band's kind at `gain_db`, from the cached `cos w0` and
    /// `alpha` (`A = 10^(gain/40)` by the fast exponential).
    fn section_at(&self, gain_db: f32) -> Coeffs {
        let a = db::fast_db_to_gain(0.5 * gain_db) as f64;
        let sqrt_a = db::fast_db_to_gain(0.25 * gain_db) as f64;
        biquad::gain_section(self.design.kind, a, sqrt_a, self.cs, self.alpha)
    }

    /// End of a control period: the gain computer and smoothing on the period's peak, and the
    /// section for the next period.
    fn control(&mut self) {
        let dy = self.dynamics;
        let over = db::fast_gain_to_db(self.peak) - dy.threshold_db as f32;
        let slope = (1.0 - 1.0 / dy.ratio) as f32;
        let range = dy.range_db as f32;
        let amount = math::min_f32(math::max_f32(over, 0.0) * slope, range.abs());
        let want = if range < 0.0 { -amount } else { amount };
        // Attack while the change grows in size.
        let k = if want.abs() > self.gain.abs() {
            self.attack
        } else {
            self.release
        };
        let mut g = want + k * (self.gain - want);
        if g.abs() < 1e-4 || !g.is_finite() {
            g = 0.0;
        }
        self.gain = g;
        self.peak = 0.0;
        self.current = if g == 0.0 {
            self.sections[0]
        } else {
            let total = (self.design.gain_db as f32 + g).clamp(-48.0, 48.0);
            self.section_at(total)
        };
    }
}

/// A dynamic equalizer for any number of channels (the dynamics are linked across channels).
///
/// Construction: [`DynamicEq::new`] (never fails), then [`DynamicEq::add_band`] (returns a
/// `Result`: invalid designs or dynamics are errors naming the field).
/// By name: the [registry](crate::registry) as kind `"dynamic_eq"` (see docs/processors.md):
/// its bands are a list option.
#[derive(Debug, Clone, Default)]
pub struct DynamicEq {
    bands: Vec<Band>,
    /// Section memory, `pairs × sections` (all enabled bands' sections in order; channels
    /// `2p` and `2p + 1` share pair `p`'s lanes).
    state: Vec<PairState>,
    sections: usize,
    /// Detector peaks per dynamic band and channel, one per control period of the piece
    /// ([`DynamicEq::periods`] each).
    peaks: Vec<f32>,
    grid: FlushGrid,
    spec: Option<ProcessSpec>,
}

crate::params! { DynamicEq {} }

impl DynamicEq {
    /// An equalizer with no bands.
    pub fn new() -> Self {
        DynamicEq::default()
    }

    /// Adds a band (allocates: not for the audio thread; prepare again after adding).
    pub fn add_band(&mut self, design: Design, dynamics: Dynamics) -> Result<usize> {
        design.validate(1_536_000.0)?;
        dynamics.validate()?;
        if self.bands.len() >= MAX_BANDS {
            return Err(Error::Parameter {
                name: "bands",
                value: (self.bands.len() + 1) as f64,
                range: Range::closed(0.0, MAX_BANDS as f64),
                note: "too many bands",
            });
        }
        self.bands.push(Band::new(design, dynamics, true));
        self.spec = None;
        Ok(self.bands.len() - 1)
    }

    /// The dynamic gain of band `index` now, in dB (0 for static bands).
    pub fn band_gain_db(&self, index: usize) -> f64 {
        self.bands.get(index).map_or(0.0, |b| b.gain as f64)
    }

    /// Processes `block` with the detectors of the bands keyed from the sidechain reading
    /// `key` (one channel for all, or one per block channel; missing frames are silence).
    pub fn process_with_sidechain(&mut self, block: &mut [&mut [f32]], key: &[&[f32]]) {
        let Some(spec) = self.spec else { return };
        if block.len() != spec.channels || key.is_empty() {
            return;
        }
        self.run(block, Some(key));
    }

    fn run(&mut self, block: &mut [&mut [f32]], key: Option<&[&[f32]]>) {
        let Some(spec) = self.spec else { return };
        let _ftz = FlushGuard::new();
        let frames = block.iter().map(|c| c.len()).min().unwrap_or(0);
        let m = spec.max_block_frames;
        let mut pos = 0;
        while pos < frames {
            // Pieces of at most `max_block_frames` (the detector peaks) ending at flush
            // points.
            let n = (frames - pos).min(m).min(self.grid.until_flush());
            let flush = n == self.grid.until_flush();
            self.detect(block, key, pos, n, flush);
            self.equalize(block, pos, n, flush);
            pos += n;
        }
    }

    /// Control periods a piece of at most `max_block_frames` frames touches (the first may
    /// be partial).
    fn periods(spec: ProcessSpec) -> usize {
        spec.max_block_frames / CONTROL_FRAMES + 2
    }

    /// The detectors of the dynamic bands over frames `pos..pos + n`: the peak |band signal|
    /// of every control period the piece touches, per band and channel, into `peaks`. Every
    /// (band, channel) pair is a lane; eight lanes run side by side in one loop
    /// ([`detect_lanes`]), so their recursions share the vector unit.
    fn detect(
        &mut self,
        block: &[&mut [f32]],
        key: Option<&[&[f32]]>,
        pos: usize,
        n: usize,
        flush: bool,
    ) {
        let Some(spec) = self.spec else { return };
        let (m, channels) = (Self::periods(spec), spec.channels);
        let first = CONTROL_FRAMES - self.grid.phase() % CONTROL_FRAMES;
        let silence = [0.0f32; 0];
        // (band index, channel) of every lane.
        let mut lanes: [(usize, usize); LANES] = [(0, 0); LANES];
        let mut count = 0;
        let dynamic: usize = self.bands.iter().filter(|b| b.enabled && b.dynamic).count();
        let mut slot_of = [0usize; MAX_BANDS];
        let mut band_of = [0usize; MAX_BANDS];
        let mut slot = 0;
        for (i, b) in self.bands.iter().enumerate() {
            if b.enabled && b.dynamic {
                slot_of[i] = slot;
                band_of[slot] = i;
                slot += 1;
            }
        }
        let total = dynamic * channels;
        let mut next = 0;
        for idx in 0..total {
            let (i, ch) = (band_of[idx / channels], idx % channels);
            lanes[count] = (i, ch);
            count += 1;
            next += 1;
            if count < LANES && next < total {
                continue;
            }
            // Run this group of `count` lanes.
            let mut c = LaneCoeffs::IDENTITY;
            let mut st = [[0.0f64; LANES]; 4];
            let mut inputs: [&[f32]; LANES] = [&silence; LANES];
            for (l, &(bi, ch)) in lanes[..count].iter().enumerate() {
                let b = &self.bands[bi];
                let d = b.det;
                (c.b0[l], c.b1[l], c.b2[l], c.a1[l], c.a2[l]) = (d.b0, d.b1, d.b2, d.a1, d.a2);
                (st[0][l], st[1][l], st[2][l], st[3][l]) = b.det_state[ch].memory();
                inputs[l] = match key {
                    Some(k) if b.dynamics.sidechain => {
                        let kc = k[if k.len() == channels { ch } else { 0 }];
                        let a = kc.len().min(pos);
                        &kc[a..kc.len().min(pos + n)]
                    }
                    _ => &block[ch][pos..pos + n],
                };
            }
            let mut outs: [&mut [f32]; LANES] = Default::default();
            {
                let mut rest: &mut [f32] = &mut self.peaks;
                let mut taken = 0;
                // Hand out the lanes' output regions in scratch order.
                let mut order: [(usize, usize); LANES] = [(usize::MAX, 0); LANES];
                for (l, &(bi, ch)) in lanes[..count].iter().enumerate() {
                    order[l] = ((slot_of[bi] * channels + ch) * m, l);
                }
                order[..count].sort_unstable();
                for &(start, l) in order[..count].iter() {
                    let tail = core::mem::take(&mut rest);
                    let (_, t) = tail.split_at_mut(start - taken);
                    let (mine, t) = t.split_at_mut(m);
                    outs[l] = mine;
                    rest = t;
                    taken = start + m;
                }
            }
            detect_lanes(&c, &mut st, &inputs, &mut outs, first, n);
            for (l, &(bi, ch)) in lanes[..count].iter().enumerate() {
                let mut s = SectionState::from_memory(st[0][l], st[1][l], st[2][l], st[3][l]);
                if flush {
                    s.sanitize();
                }
                self.bands[bi].det_state[ch] = s;
            }
            count = 0;
        }
    }

    /// The EQ over frames `pos..pos + n`, control period by control period: the period's
    /// detector peaks, the cascade (two channels per pass as the lanes of one pair), and at
    /// each period's end the new gains.
    fn equalize(&mut self, block: &mut [&mut [f32]], pos: usize, n: usize, flush: bool) {
        let Some(spec) = self.spec else { return };
        let (periods, channels) = (Self::periods(spec), spec.channels);
        let mut coeffs = [Coeffs::IDENTITY; MAX_BANDS * MAX_SECTIONS];
        let mut off = 0;
        let mut period = 0;
        while off < n {
            let phase = (self.grid.phase() + off) % CONTROL_FRAMES;
            let len = (CONTROL_FRAMES - phase).min(n - off);
            let end_of_period = phase + len == CONTROL_FRAMES;
            let dynamic = self.bands.iter_mut().filter(|b| b.enabled && b.dynamic);
            for (slot, b) in dynamic.enumerate() {
                let mut peak = b.peak;
                for ch in 0..channels {
                    let p = self.peaks[(slot * channels + ch) * periods + period];
                    peak = math::max_f32(p, peak);
                }
                b.peak = math::min_f32(peak, 1e6);
            }
            let mut k = 0;
            for b in self.bands.iter().filter(|b| b.enabled) {
                if b.dynamic {
                    coeffs[k] = b.current;
                    k += 1;
                } else {
                    coeffs[k..k + b.n].copy_from_slice(&b.sections[..b.n]);
                    k += b.n;
                }
            }
            let s = self.sections;
            let r = pos + off..pos + off + len;
            let mut ch = 0;
            while ch < channels {
                let state = &mut self.state[ch / 2 * s..(ch / 2 + 1) * s];
                let (lo, hi) = block.split_at_mut(ch + 1);
                let x1 = hi.first_mut().map(|x| &mut x[r.clone()]);
                run_cascade(&coeffs[..k], state, &mut lo[ch][r.clone()], x1);
                ch += 2;
            }
            if end_of_period {
                for b in self.bands.iter_mut().filter(|b| b.enabled && b.dynamic) {
                    b.control();
                }
            }
            off += len;
            period += 1;
        }
        if flush {
            for st in self.state.iter_mut() {
                st.sanitize();
            }
        }
        self.grid.advance(n);
    }
}

/// The fields of one dynamic EQ band: a filter band's, its dynamics, and whether it runs.
const DYN_BAND_FIELDS: &[OptionInfo] = &[
    BAND_FIELDS[0],
    BAND_FIELDS[1],
    BAND_FIELDS[2],
    BAND_FIELDS[3],
    BAND_FIELDS[4],
    OptionInfo::number(
        "threshold_db",
        -80.0,
        0.0,
        -30.0,
        "dB",
        "Level (peak of the band) above which the gain moves.",
    ),
    OptionInfo::number(
        "ratio",
        1.0,
        100.0,
        1.0,
        ":1",
        "dB over the threshold per dB of gain change, plus one (1 = static).",
    ),
    OptionInfo::number(
        "attack_ms",
        0.1,
        500.0,
        10.0,
        "ms",
        "Time constant of the gain moving away from its static value.",
    ),
    OptionInfo::number(
        "release_ms",
        1.0,
        5000.0,
        100.0,
        "ms",
        "Time constant of the gain returning.",
    ),
    OptionInfo::number(
        "range_db",
        -36.0,
        36.0,
        -6.0,
        "dB",
        "Largest gain change: negative cuts above the threshold, positive boosts.",
    ),
    OptionInfo::switch(
        "sidechain",
        false,
        "The band's detector listens to the sidechain key (when one is given).",
    ),
    OptionInfo::switch("enabled", true, "Whether the band runs."),
];

impl Describe for DynamicEq {
    const DESCRIPTION: &'static Description = &Description {
        kind: "dynamic_eq",
        aliases: &[],
        class_name: "DynamicEQ",
        summary: "Equalizer whose peaking and shelving bands move their gain with the level in their band (threshold, ratio, attack, release, range, sidechain).",
        channels: "any",
        params: DynamicEq::PARAMS,
        options: &[OptionInfo::list(
            "bands",
            DYN_BAND_FIELDS,
            "The bands, in order: a filter band (kind, order, frequency_hz, q, gain_db) with threshold_db, ratio, attack_ms, release_ms, range_db, sidechain, enabled.",
        )],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let bands = o.list("bands", |b| {
            let d = design_from_options(b)?;
            let dy = Dynamics {
                threshold_db: b.number("threshold_db")?,
                ratio: b.number("ratio")?,
                attack_ms: b.number("attack_ms")?,
                release_ms: b.number("release_ms")?,
                range_db: b.number("range_db")?,
                sidechain: b.switch("sidechain")?,
            };
            Ok((d, dy, b.switch("enabled")?))
        })?;
        let mut eq = DynamicEq::new();
        for (d, dy, enabled) in bands {
            let i = eq.add_band(d, dy)?;
            eq.bands[i].enabled = enabled;
        }
        Ok(eq)
    }

    fn options(&self) -> Settings {
        let bands = self
            .bands
            .iter()
            .map(|b| {
                let dy = b.dynamics;
                design_settings(&b.design)
                    .with("threshold_db", dy.threshold_db)
                    .with("ratio", dy.ratio)
                    .with("attack_ms", dy.attack_ms)
                    .with("release_ms", dy.release_ms)
                    .with("range_db", dy.range_db)
                    .with("sidechain", dy.sidechain)
                    .with("enabled", b.enabled)
            })
            .collect::<Vec<_>>();
        Settings::new().with("bands", bands)
    }
}

impl Processor for DynamicEq {
    crate::described!();

    fn has_sidechain(&self) -> bool {
        true
    }

    fn process_sidechain(&mut self, block: &mut [&mut [f32]], key: &[&[f32]]) {
        self.process_with_sidechain(block, key);
    }

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        for b in &self.bands {
            b.design.validate(spec.sample_rate)?;
        }
        for b in self.bands.iter_mut() {
            b.prepare(spec);
        }
        self.sections = self
            .bands
            .iter()
            .filter(|b| b.enabled)
            .map(|b| if b.dynamic { 1 } else { b.n })
            .sum();
        self.state = vec![PairState::default(); self.sections * spec.channels.div_ceil(2)];
        let dynamic = self.bands.iter().filter(|b| b.enabled && b.dynamic).count();
        self.peaks = vec![0.0; dynamic * spec.channels * Self::periods(spec)];
        self.spec = Some(spec);
        self.reset();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        self.run(block, None);
    }

    fn reset(&mut self) {
        for b in self.bands.iter_mut() {
            b.reset();
        }
        self.state.fill(PairState::default());
        self.grid.reset();
    }
}

/// Detector lanes run side by side.
const LANES: usize = 8;

/// One detector section's coefficients for every lane.
#[derive(Clone, Copy)]
struct LaneCoeffs {
    b0: [f64; LANES],
    b1: [f64; LANES],
    b2: [f64; LANES],
    a1: [f64; LANES],
    a2: [f64; LANES],
}

impl LaneCoeffs {
    const IDENTITY: Self = LaneCoeffs {
        b0: [1.0; LANES],
        b1: [0.0; LANES],
        b2: [0.0; LANES],
        a1: [0.0; LANES],
        a2: [0.0; LANES],
    };
}

/// Lane `l`: the peaks of `|section(inputs[l])|` (rounded to `f32`; non-finite values are
/// skipped) over the control periods of the `n` frames, the first `first` frames long and the
/// others [`CONTROL_FRAMES`] long, into `outs[l][0..]` (an input shorter than `n` is followed
/// by silence; non-finite input counts as silence). `st` holds `x1, x2, y1, y2` per lane. The
/// arithmetic per lane is the filter module's direct form I.
fn detect_lanes_generic<const FMA: bool>(
    c: &LaneCoeffs,
    st: &mut [[f64; LANES]; 4],
    inputs: &[&[f32]; LANES],
    outs: &mut [&mut [f32]; LANES],
    first: usize,
    n: usize,
) {
    let [mut x1, mut x2, mut y1, mut y2] = *st;
    let mut rows = [[0.0f64; LANES]; CONTROL_FRAMES];
    let mut pos = 0;
    let mut period = 0;
    while pos < n {
        let len = if period == 0 { first } else { CONTROL_FRAMES }.min(n - pos);
        for (l, x) in inputs.iter().enumerate() {
            let have = x.len().saturating_sub(pos).min(len);
            let src = x.get(pos..pos + have).unwrap_or(&[]);
            for (row, v) in rows[..have].iter_mut().zip(src) {
                row[l] = if v.is_finite() { *v as f64 } else { 0.0 };
            }
            for row in rows[have..len].iter_mut() {
                row[l] = 0.0;
            }
        }
        let mut peak = [0.0f32; LANES];
        for row in rows[..len].iter() {
            let x = *row;
            let mut y = [0.0f64; LANES];
            for l in 0..LANES {
                let t = mul_add::<FMA>(c.b1[l], x1[l], c.b0[l] * x[l]);
                let t = mul_add::<FMA>(c.b2[l], x2[l], t);
                let t = mul_add::<FMA>(-c.a2[l], y2[l], t);
                y[l] = mul_add::<FMA>(-c.a1[l], y1[l], t);
                let a = (y[l] as f32).abs();
                // False for NaN and infinity alike.
                let finite = a < f32::INFINITY;
                peak[l] = if finite && a > peak[l] { a } else { peak[l] };
            }
            x2 = x1;
            x1 = x;
            y2 = y1;
            y1 = y;
        }
        for (o, p) in outs.iter_mut().zip(peak) {
            if let Some(d) = o.get_mut(period) {
                *d = p;
            }
        }
        pos += len;
        period += 1;
    }
    *st = [x1, x2, y1, y2];
}

dispatch! {
    /// Eight detector lanes side by side (see `detect_lanes_generic`).
    fn detect_lanes(c: &LaneCoeffs, st: &mut [[f64; LANES]; 4], inputs: &[&[f32]; LANES], outs: &mut [&mut [f32]; LANES], first: usize, n: usize) => detect_lanes_generic
}
