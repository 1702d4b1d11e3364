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
//! the block size. Every band's sections run as one cascade, per channel.

use alloc::vec;
use alloc::vec::Vec;

use super::biquad::{Coeffs, Design, FilterKind, MAX_SECTIONS, cookbook};
use super::filter::{BAND_FIELDS, SectionState, design_from_options, design_settings, run_cascade};
use crate::db;
use crate::denormal::{FLUSH_FRAMES, FlushGrid, FlushGuard};
use crate::error::{Error, Range, Result};
use crate::math;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::validate;

/// Frames per control period (the dynamic gains and the dynamic bands' coefficients move once
/// per period).
pub const CONTROL_FRAMES: usize = 16;

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
        let (cs, alpha) = (self.cs, self.alpha);
        let norm = |b0: f64, b1: f64, b2: f64, a0: f64, a1: f64, a2: f64| {
            let inv = 1.0 / a0;
            Coeffs {
                b0: b0 * inv,
                b1: b1 * inv,
                b2: b2 * inv,
                a1: a1 * inv,
                a2: a2 * inv,
            }
        };
        match self.design.kind {
            FilterKind::LowShelf => {
                let sa = 2.0 * db::fast_db_to_gain(0.25 * gain_db) as f64 * alpha;
                norm(
                    a * ((a + 1.0) - (a - 1.0) * cs + sa),
                    2.0 * a * ((a - 1.0) - (a + 1.0) * cs),
                    a * ((a + 1.0) - (a - 1.0) * cs - sa),
                    (a + 1.0) + (a - 1.0) * cs + sa,
                    -2.0 * ((a - 1.0) + (a + 1.0) * cs),
                    (a + 1.0) + (a - 1.0) * cs - sa,
                )
            }
            FilterKind::HighShelf => {
                let sa = 2.0 * db::fast_db_to_gain(0.25 * gain_db) as f64 * alpha;
                norm(
                    a * ((a + 1.0) + (a - 1.0) * cs + sa),
                    -2.0 * a * ((a - 1.0) + (a + 1.0) * cs),
                    a * ((a + 1.0) + (a - 1.0) * cs - sa),
                    (a + 1.0) - (a - 1.0) * cs + sa,
                    2.0 * ((a - 1.0) - (a + 1.0) * cs),
                    (a + 1.0) - (a - 1.0) * cs - sa,
                )
            }
            _ => norm(
                1.0 + alpha * a,
                -2.0 * cs,
                1.0 - alpha * a,
                1.0 + alpha / a,
                -2.0 * cs,
                1.0 - alpha / a,
            ),
        }
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
    /// Section memory, `channels × sections` (all enabled bands' sections in order).
    state: Vec<SectionState>,
    sections: usize,
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
        let channels = spec.channels;
        let mut coeffs = [Coeffs::IDENTITY; MAX_BANDS * MAX_SECTIONS];
        let mut pos = 0;
        while pos < frames {
            let phase = self.grid.phase();
            let n = (CONTROL_FRAMES - phase % CONTROL_FRAMES).min(frames - pos);
            let end_of_period = (phase + n) % CONTROL_FRAMES == 0;
            let flush = n == self.grid.until_flush();
            // 1. Detectors, on the input before the EQ.
            for b in self.bands.iter_mut().filter(|b| b.enabled && b.dynamic) {
                let det = b.det;
                let mut peak = b.peak;
                for ch in 0..channels {
                    let st = &mut b.det_state[ch];
                    let src: &[f32] = match key {
                        Some(k) if b.dynamics.sidechain => {
                            let kc = k[if k.len() == channels { ch } else { 0 }];
                            let a = kc.len().min(pos);
                            let e = kc.len().min(pos + n);
                            &kc[a..e]
                        }
                        _ => &block[ch][pos..pos + n],
                    };
                    for v in src {
                        let x = if v.is_finite() { *v as f64 } else { 0.0 };
                        let y = st.step(&det, x) as f32;
                        peak = math::max_f32(y.abs(), peak);
                    }
                    // (Missing key frames are silence: they leave the peak as it is, but still
                    // run through the filter.)
                    for _ in src.len()..n {
                        st.step(&det, 0.0);
                    }
                    if flush {
                        st.sanitize();
                    }
                }
                b.peak = math::min_f32(peak, 1e6);
            }
            // 2. The EQ: every enabled band's sections as one cascade.
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
            let mut ch = 0;
            while ch < channels {
                if ch + 1 < channels {
                    let (lo, hi) = block.split_at_mut(ch + 1);
                    let (sl, sh) = self.state.split_at_mut((ch + 1) * s);
                    run_cascade(
                        &coeffs[..k],
                        &mut sl[ch * s..(ch + 1) * s],
                        &mut lo[ch][pos..pos + n],
                        Some((&mut sh[..s], &mut hi[0][pos..pos + n])),
                    );
                    ch += 2;
                } else {
                    run_cascade(
                        &coeffs[..k],
                        &mut self.state[ch * s..(ch + 1) * s],
                        &mut block[ch][pos..pos + n],
                        None,
                    );
                    ch += 1;
                }
            }
            if flush {
                for st in self.state.iter_mut() {
                    st.sanitize();
                }
            }
            // 3. At the end of a control period: new gains and sections.
            if end_of_period {
                for b in self.bands.iter_mut().filter(|b| b.enabled && b.dynamic) {
                    b.control();
                }
            }
            self.grid.advance(n);
            pos += n;
        }
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
        self.state = vec![SectionState::default(); self.sections * spec.channels];
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
        self.state.fill(SectionState::default());
        self.grid.reset();
    }
}
