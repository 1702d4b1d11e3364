//! [`Filter`]: runs a biquad or a cascade of them (see [`super::biquad`] for the designs).
//!
//! Structure: direct form I in `f64` (input and output `f32`). Direct form I keeps no internal
//! state that depends on the coefficients, so coefficients can move under it without the
//! transients a transposed form shows, and `f64` keeps low cutoffs at high sample rates clean.
//! Two channels are run in one loop so their recursions overlap in the CPU.
//!
//! Parameter changes ramp (frequency on a log scale, Q on a log scale, gain in dB) and the
//! coefficients are recomputed every [`COEFF_UPDATE_FRAMES`] frames while they move, on a grid
//! counted from `prepare`, so the output is the same whatever the block size. The memory is
//! flushed of denormal-range and non-finite values on the same count, every
//! [`FLUSH_FRAMES`](denormal::FLUSH_FRAMES) frames ([`denormal::FlushGrid`]), so that too is
//! independent of the blocks.

use alloc::vec;
use alloc::vec::Vec;

use super::biquad::{self, Coeffs, Design, FilterKind, MAX_SECTIONS};
use crate::cpu::{dispatch, mul_add};
use crate::denormal::{self, FlushGrid, FlushGuard};
use crate::error::{Error, Range, Result};
use crate::math;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings, Variant};
use crate::smooth::{COEFF_UPDATE_FRAMES, DEFAULT_FILTER_RAMP_S, Smoothed};
use crate::validate;

/// Direct-form-I memory of one section on one channel (also used by processors that embed a
/// filter, such as the compressor's sidechain high-pass).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SectionState {
    x1: f64,
    x2: f64,
    y1: f64,
    y2: f64,
}

impl SectionState {
    /// Runs one sample through `c`.
    #[inline(always)]
    pub fn step(&mut self, c: &Coeffs, x: f64) -> f64 {
        df1_step(c, self, x)
    }

    /// The memory `(x1, x2, y1, y2)`: the last two inputs and outputs.
    #[inline(always)]
    pub fn memory(&self) -> (f64, f64, f64, f64) {
        (self.x1, self.x2, self.y1, self.y2)
    }

    /// A state from its memory `(x1, x2, y1, y2)`.
    #[inline(always)]
    pub fn from_memory(x1: f64, x2: f64, y1: f64, y2: f64) -> Self {
        SectionState { x1, x2, y1, y2 }
    }

    /// Zeroes tiny or non-finite memory (denormals, and NaN that must not stick).
    pub fn sanitize(&mut self) {
        self.x1 = denormal::flush(self.x1);
        self.x2 = denormal::flush(self.x2);
        self.y1 = denormal::flush(self.y1);
        self.y2 = denormal::flush(self.y2);
    }
}

#[inline(always)]
fn df1_step(c: &Coeffs, s: &mut SectionState, x: f64) -> f64 {
    df1_step_fma::<false>(c, s, x)
}

/// One DF-I step; the feedback term `a1·y1` comes last, so the recursion's critical path is one
/// multiply-add.
#[inline(always)]
pub(crate) fn df1_step_fma<const FMA: bool>(c: &Coeffs, s: &mut SectionState, x: f64) -> f64 {
    let t = mul_add::<FMA>(c.b1, s.x1, c.b0 * x);
    let t = mul_add::<FMA>(c.b2, s.x2, t);
    let t = mul_add::<FMA>(-c.a2, s.y2, t);
    let y = mul_add::<FMA>(-c.a1, s.y1, t);
    s.x2 = s.x1;
    s.x1 = x;
    s.y2 = s.y1;
    s.y1 = y;
    y
}

/// Sections run together in one pass: each sample goes through all of them before the next
/// sample starts, so the CPU overlaps the sections' recursions (a section's feedback path is
/// about 8 cycles long; one after another, a cascade of `N` costs `N` times that per sample).
/// Between sections the signal is rounded to `f32`, as when they run one by one, so the results
/// are identical either way.
const GROUP: usize = 4;

fn cascade_one<const N: usize, const FMA: bool>(
    c: &[Coeffs; N],
    s: &mut [SectionState; N],
    x: &mut [f32],
) {
    let mut st = *s;
    for v in x.iter_mut() {
        let mut y = *v;
        for k in 0..N {
            y = df1_step_fma::<FMA>(&c[k], &mut st[k], y as f64) as f32;
        }
        *v = y;
    }
    *s = st;
}

fn cascade_two<const N: usize, const FMA: bool>(
    c: &[Coeffs; N],
    s0: &mut [SectionState; N],
    s1: &mut [SectionState; N],
    x0: &mut [f32],
    x1: &mut [f32],
) {
    let (mut a, mut b) = (*s0, *s1);
    for (u, v) in x0.iter_mut().zip(x1.iter_mut()) {
        let (mut p, mut q) = (*u, *v);
        for k in 0..N {
            p = df1_step_fma::<FMA>(&c[k], &mut a[k], p as f64) as f32;
            q = df1_step_fma::<FMA>(&c[k], &mut b[k], q as f64) as f32;
        }
        *u = p;
        *v = q;
    }
    *s0 = a;
    *s1 = b;
}

/// Runs up to [`GROUP`] sections on one channel (`two = None`) or two channels.
fn cascade<const FMA: bool>(
    c: &[Coeffs],
    s0: &mut [SectionState],
    x0: &mut [f32],
    two: Option<(&mut [SectionState], &mut [f32])>,
) {
    macro_rules! run {
        ($n:literal) => {{
            let c: &[Coeffs; $n] = c.try_into().unwrap_or(&[Coeffs::IDENTITY; $n]);
            let Ok(s0) = <&mut [SectionState; $n]>::try_from(s0) else {
                return;
            };
            match two {
                None => cascade_one::<$n, FMA>(c, s0, x0),
                Some((s1, x1)) => {
                    let Ok(s1) = <&mut [SectionState; $n]>::try_from(s1) else {
                        return;
                    };
                    cascade_two::<$n, FMA>(c, s0, s1, x0, x1)
                }
            }
        }};
    }
    match c.len() {
        1 => run!(1),
        2 => run!(2),
        3 => run!(3),
        4 => run!(4),
        _ => {}
    }
}

/// The body of [`run_cascade`], for either build.
fn run_cascade_generic<const FMA: bool>(
    sections: &[Coeffs],
    state0: &mut [SectionState],
    x0: &mut [f32],
    mut two: Option<(&mut [SectionState], &mut [f32])>,
) {
    for (g, c) in sections.chunks(GROUP).enumerate() {
        let r = g * GROUP..g * GROUP + c.len();
        let t = two.as_mut().map(|(s1, x1)| (&mut s1[r.clone()], &mut **x1));
        cascade::<FMA>(c, &mut state0[r], x0, t);
    }
}

dispatch! {
    /// Runs a cascade of `sections` (any number) over one or two channels, in groups of
    /// [`GROUP`]; `state0[k]` (and `state1[k]`) hold section `k`'s memory per channel.
    pub(crate) fn run_cascade(
        sections: &[Coeffs],
        state0: &mut [SectionState],
        x0: &mut [f32],
        two: Option<(&mut [SectionState], &mut [f32])>,
    ) => run_cascade_generic
}

/// Runs `sections` over the frames `range` of every channel, with per-channel `state`.
pub(crate) fn run_sections(
    sections: &[Coeffs],
    state: &mut [[SectionState; MAX_SECTIONS]],
    block: &mut [&mut [f32]],
    range: core::ops::Range<usize>,
) {
    let n = sections.len();
    let mut ch = 0;
    while ch < block.len() {
        if ch + 1 < block.len() {
            let (lo, hi) = block.split_at_mut(ch + 1);
            let (sl, sh) = state.split_at_mut(ch + 1);
            let (x0, x1) = (&mut lo[ch][range.clone()], &mut hi[0][range.clone()]);
            run_cascade(sections, &mut sl[ch][..n], x0, Some((&mut sh[0][..n], x1)));
            ch += 2;
        } else {
            run_cascade(
                sections,
                &mut state[ch][..n],
                &mut block[ch][range.clone()],
                None,
            );
            ch += 1;
        }
    }
}

crate::params! { Filter {
    frequency_hz: [biquad::MIN_FREQUENCY_HZ, 768_000.0] = 1000.0, "Hz", "Cutoff or centre frequency; below Nyquist.",
        set = Filter::set_frequency, get = |f| f.design.frequency_hz;
    q: [biquad::MIN_Q, biquad::MAX_Q] = core::f64::consts::FRAC_1_SQRT_2, "", "Quality factor: resonance of pass filters, width of bells and notches.",
        set = Filter::set_q, get = |f| f.design.q;
    gain_db: [-biquad::MAX_EQ_GAIN_DB, biquad::MAX_EQ_GAIN_DB] = 0.0, "dB", "Boost or cut of peaking and shelving filters.",
        set = Filter::set_gain_db, get = |f| f.design.gain_db;
} }

/// A biquad or a cascade of biquads, for any number of channels.
///
/// Construction: [`Filter::new`] (returns a `Result`: invalid arguments are errors naming them), [`Filter::from_design`] (returns a `Result`: invalid arguments are errors naming them), [`Filter::with_q`] (returns a `Result`: invalid arguments are errors naming them), [`Filter::with_gain_db`] (returns a `Result`: invalid arguments are errors naming them).
/// Setters: [`Filter::set_frequency`], [`Filter::set_q`], [`Filter::set_gain_db`], [`Filter::set_kind`] validate and return a `Result` naming the parameter and its range.
/// By name: [`Processor::set_param`] over [`Filter::PARAMS`], or the
/// [registry](crate::registry) as kind `"filter"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct Filter {
    design: Design,
    log2_freq: Smoothed,
    ln_q: Smoothed,
    gain_db: Smoothed,
    sections: [Coeffs; MAX_SECTIONS],
    n_sections: usize,
    state: Vec<[SectionState; MAX_SECTIONS]>,
    /// Frames since `prepare`/`reset`: the flush grid, and modulo [`COEFF_UPDATE_FRAMES`] the
    /// coefficient grid.
    grid: FlushGrid,
    spec: Option<ProcessSpec>,
}

impl Filter {
    /// A filter of `kind` at `frequency_hz` with Q 0.7071 and 0 dB gain. The frequency is checked
    /// against Nyquist at `prepare`.
    pub fn new(kind: FilterKind, frequency_hz: f64) -> Result<Self> {
        Self::from_design(Design::new(kind, frequency_hz))
    }

    /// A filter from a full design.
    pub fn from_design(design: Design) -> Result<Self> {
        // Validate everything but Nyquist (no sample rate yet): use the largest rate.
        design.validate(1_536_000.0)?;
        let mut f = Filter {
            design,
            log2_freq: Smoothed::new(math::log2(design.frequency_hz)),
            ln_q: Smoothed::new(math::ln(design.q)),
            gain_db: Smoothed::new(design.gain_db),
            sections: [Coeffs::IDENTITY; MAX_SECTIONS],
            n_sections: 1,
            state: Vec::new(),
            grid: FlushGrid::new(),
            spec: None,
        };
        f.n_sections =
            design.sections_unchecked(48_000.0_f64.max(design.frequency_hz * 2.5), &mut f.sections);
        Ok(f)
    }

    /// Builder: sets Q.
    pub fn with_q(mut self, q: f64) -> Result<Self> {
        self.set_q(q)?;
        Ok(self)
    }

    /// Builder: sets the gain in dB.
    pub fn with_gain_db(mut self, gain_db: f64) -> Result<Self> {
        self.set_gain_db(gain_db)?;
        Ok(self)
    }

    /// The target design.
    pub fn design(&self) -> Design {
        self.design
    }

    /// Sets the cutoff or centre frequency (ramped). Must be below Nyquist once prepared.
    pub fn set_frequency(&mut self, hz: f64) -> Result<()> {
        let fs = self.spec.map_or(1_536_000.0, |s| s.sample_rate);
        biquad::check_frequency(hz, fs)?;
        self.design.frequency_hz = hz;
        self.retarget();
        Ok(())
    }

    /// Sets Q (ramped), in (0, 100].
    pub fn set_q(&mut self, q: f64) -> Result<()> {
        biquad::check_q(q)?;
        self.design.q = q;
        self.retarget();
        Ok(())
    }

    /// Sets the gain in dB (ramped), in [−36, 36]; used by peaking and shelves.
    pub fn set_gain_db(&mut self, gain_db: f64) -> Result<()> {
        validate::in_range(
            "gain_db",
            gain_db,
            Range::closed(-biquad::MAX_EQ_GAIN_DB, biquad::MAX_EQ_GAIN_DB),
        )?;
        self.design.gain_db = gain_db;
        self.retarget();
        Ok(())
    }

    /// Changes the type (takes effect at once; the memory is kept).
    pub fn set_kind(&mut self, kind: FilterKind) -> Result<()> {
        let mut d = self.design;
        d.kind = kind;
        d.validate(self.spec.map_or(1_536_000.0, |s| s.sample_rate))?;
        self.design = d;
        self.redesign_now();
        Ok(())
    }

    /// Magnitude in dB and phase in radians of the target design at `frequency_hz` (for plots).
    /// Before `prepare`, 48 kHz is assumed.
    pub fn response(&self, frequency_hz: f64) -> (f64, f64) {
        let fs = self.spec.map_or(48_000.0, |s| s.sample_rate);
        let mut s = [Coeffs::IDENTITY; MAX_SECTIONS];
        let n = self.design.sections_unchecked(fs, &mut s);
        biquad::cascade_response(&s[..n], frequency_hz, fs)
    }

    /// The sections in use right now (which may be mid-ramp).
    pub fn current_sections(&self) -> &[Coeffs] {
        &self.sections[..self.n_sections]
    }

    fn retarget(&mut self) {
        let (f, q, g) = (
            math::log2(self.design.frequency_hz),
            math::ln(self.design.q),
            self.design.gain_db,
        );
        if self.spec.is_some() {
            self.log2_freq.set_target(f);
            self.ln_q.set_target(q);
            self.gain_db.set_target(g);
        } else {
            self.log2_freq.set_immediate(f);
            self.ln_q.set_immediate(q);
            self.gain_db.set_immediate(g);
        }
    }

    /// Settled (prepared, no parameter moving): the sections stay constant for any block, so
    /// they may run together with other filters' (the [`super::Equalizer`] does, then calls
    /// [`Filter::advance_grid`]).
    pub(crate) fn settled(&self) -> bool {
        !self.smoothing() && self.spec.is_some()
    }

    /// Frames to the next flush point (see [`Filter::advance_grid`]).
    pub(crate) fn until_flush(&self) -> usize {
        self.grid.until_flush()
    }

    /// Advances the grids by `frames` (at most [`Filter::until_flush`]) processed elsewhere, as
    /// `process_block` would have: flushes the memory when that reaches a flush point, and
    /// later parameter moves land on the same coefficient grid whatever the block sizes.
    pub(crate) fn advance_grid(&mut self, frames: usize) {
        debug_assert!(frames <= self.grid.until_flush());
        if self.grid.advance(frames) {
            self.sanitize();
        }
    }

    fn sanitize(&mut self) {
        for ch in self.state.iter_mut() {
            for s in ch.iter_mut() {
                s.sanitize();
            }
        }
    }

    /// The sections in use and the per-channel state, for running in a larger cascade.
    pub(crate) fn cascade_parts(&mut self) -> (&[Coeffs], &mut [[SectionState; MAX_SECTIONS]]) {
        (&self.sections[..self.n_sections], &mut self.state)
    }

    fn smoothing(&self) -> bool {
        self.log2_freq.is_smoothing() || self.ln_q.is_smoothing() || self.gain_db.is_smoothing()
    }

    fn compute(&mut self) {
        let Some(spec) = self.spec else { return };
        let d = Design {
            kind: self.design.kind,
            frequency_hz: math::powf(2.0, self.log2_freq.value()).min(spec.sample_rate * 0.4999),
            q: math::exp(self.ln_q.value()),
            gain_db: self.gain_db.value(),
        };
        self.n_sections = d.sections_unchecked(spec.sample_rate, &mut self.sections);
    }

    fn redesign_now(&mut self) {
        self.log2_freq
            .set_immediate(math::log2(self.design.frequency_hz));
        self.ln_q.set_immediate(math::ln(self.design.q));
        self.gain_db.set_immediate(self.design.gain_db);
        self.compute();
    }
}

impl Processor for Filter {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        self.design.validate(spec.sample_rate)?;
        self.spec = Some(spec);
        for s in [&mut self.log2_freq, &mut self.ln_q, &mut self.gain_db] {
            s.set_ramp(DEFAULT_FILTER_RAMP_S, spec.sample_rate);
        }
        self.state = vec![[SectionState::default(); MAX_SECTIONS]; spec.channels];
        self.grid.reset();
        self.redesign_now();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let _ftz = FlushGuard::new();
        let frames = block.first().map_or(0, |c| c.len());
        let mut pos = 0;
        while pos < frames {
            let g = self.grid.phase() % COEFF_UPDATE_FRAMES;
            let n = if self.smoothing() || g != 0 {
                if g == 0 {
                    for s in [&mut self.log2_freq, &mut self.ln_q, &mut self.gain_db] {
                        s.advance(COEFF_UPDATE_FRAMES);
                    }
                    self.compute();
                }
                (COEFF_UPDATE_FRAMES - g).min(frames - pos)
            } else {
                // Settled and on the coefficient grid: run to the next flush point (a multiple
                // of the coefficient grid).
                self.grid.until_flush().min(frames - pos)
            };
            run_sections(
                &self.sections[..self.n_sections],
                &mut self.state,
                block,
                pos..pos + n,
            );
            pos += n;
            if self.grid.advance(n) {
                self.sanitize();
            }
        }
    }

    fn reset(&mut self) {
        for ch in self.state.iter_mut() {
            *ch = [SectionState::default(); MAX_SECTIONS];
        }
        self.grid.reset();
        self.redesign_now();
    }
}

/// The filter types by name, as session files and bindings spell them.
pub const KIND_NAMES: &[&str] = &[
    "low_pass",
    "high_pass",
    "band_pass",
    "notch",
    "all_pass",
    "peaking",
    "low_shelf",
    "high_shelf",
    "low_pass_1",
    "high_pass_1",
    "butterworth_low_pass",
    "butterworth_high_pass",
    "linkwitz_riley_low_pass",
    "linkwitz_riley_high_pass",
];

/// Other spellings accepted for the filter types.
const KIND_ALIASES: &[(&str, &str)] = &[
    ("lowpass", "low_pass"),
    ("lpf", "low_pass"),
    ("highpass", "high_pass"),
    ("hpf", "high_pass"),
    ("bandpass", "band_pass"),
    ("allpass", "all_pass"),
    ("bell", "peaking"),
    ("peak", "peaking"),
    ("lowshelf", "low_shelf"),
    ("highshelf", "high_shelf"),
];

const KIND_OPTION: OptionInfo = OptionInfo::choice(
    "kind",
    KIND_NAMES,
    "peaking",
    "Filter type (Audio EQ Cookbook, Butterworth, Linkwitz-Riley).",
);
const ORDER_OPTION: OptionInfo = OptionInfo::integer(
    "order",
    1.0,
    8.0,
    2.0,
    "Slope of pass filters: low_pass/high_pass of order 1 are first-order, 2 the cookbook (with Q), 3 to 8 Butterworth; Linkwitz-Riley takes 2, 4, 6 or 8.",
);

/// The fields of one band table (of the [`Equalizer`](super::Equalizer) and the linear-phase
/// EQ): a filter's type, order, frequency, Q and gain.
pub const BAND_FIELDS: &[OptionInfo] = &[
    KIND_OPTION,
    ORDER_OPTION,
    OptionInfo::number(
        "frequency_hz",
        1.0,
        768_000.0,
        1000.0,
        "Hz",
        "Cutoff or centre frequency; below Nyquist.",
    ),
    OptionInfo::number(
        "q",
        0.001,
        biquad::MAX_Q,
        core::f64::consts::FRAC_1_SQRT_2,
        "",
        "Quality factor.",
    ),
    OptionInfo::number(
        "gain_db",
        -biquad::MAX_EQ_GAIN_DB,
        biquad::MAX_EQ_GAIN_DB,
        0.0,
        "dB",
        "Boost or cut of peaking and shelving bands.",
    ),
];

/// The filter type named by the `kind` and `order` options.
fn kind_from_options(o: &mut Options<'_>) -> Result<FilterKind> {
    let name = o.choice_with_aliases("kind", KIND_ALIASES)?;
    let order = o.number("order")? as u8;
    let pass =
        |first: FilterKind, cookbook: FilterKind, butterworth: fn(u8) -> FilterKind| match order {
            1 => first,
            2 => cookbook,
            n => butterworth(n),
        };
    let kind = match name {
        "low_pass" => pass(
            FilterKind::LowPass1,
            FilterKind::LowPass,
            FilterKind::ButterworthLowPass,
        ),
        "high_pass" => pass(
            FilterKind::HighPass1,
            FilterKind::HighPass,
            FilterKind::ButterworthHighPass,
        ),
        other => FilterKind::from_name(other, order).ok_or(Error::Unsupported {
            what: "unknown filter kind",
        })?,
    };
    let uses_order = matches!(
        kind,
        FilterKind::LowPass
            | FilterKind::HighPass
            | FilterKind::LowPass1
            | FilterKind::HighPass1
            | FilterKind::ButterworthLowPass(_)
            | FilterKind::ButterworthHighPass(_)
            | FilterKind::LinkwitzRileyLowPass(_)
            | FilterKind::LinkwitzRileyHighPass(_)
    );
    let first_order = matches!(name, "low_pass_1" | "high_pass_1");
    if first_order && order > 2 {
        return Err(Error::Parameter {
            name: "order",
            value: f64::from(order),
            range: Range::closed(1.0, 1.0),
            note: "low_pass_1 and high_pass_1 are first-order (or use low_pass/high_pass with an order)",
        });
    }
    if !uses_order && order != 2 {
        return Err(Error::Parameter {
            name: "order",
            value: f64::from(order),
            range: Range::closed(2.0, 2.0),
            note: "only low/high-pass filters have an order",
        });
    }
    Ok(kind)
}

/// The `kind` and `order` options that name `kind`.
fn kind_settings(kind: FilterKind) -> (&'static str, u8) {
    match kind {
        FilterKind::LowPass => ("low_pass", 2),
        FilterKind::HighPass => ("high_pass", 2),
        FilterKind::BandPass => ("band_pass", 2),
        FilterKind::Notch => ("notch", 2),
        FilterKind::AllPass => ("all_pass", 2),
        FilterKind::Peaking => ("peaking", 2),
        FilterKind::LowShelf => ("low_shelf", 2),
        FilterKind::HighShelf => ("high_shelf", 2),
        FilterKind::LowPass1 => ("low_pass", 1),
        FilterKind::HighPass1 => ("high_pass", 1),
        FilterKind::ButterworthLowPass(n) => ("butterworth_low_pass", n),
        FilterKind::ButterworthHighPass(n) => ("butterworth_high_pass", n),
        FilterKind::LinkwitzRileyLowPass(n) => ("linkwitz_riley_low_pass", n),
        FilterKind::LinkwitzRileyHighPass(n) => ("linkwitz_riley_high_pass", n),
    }
}

/// A design from one band table (fields [`BAND_FIELDS`]), checked as far as it can be without
/// a sample rate.
pub fn design_from_options(o: &mut Options<'_>) -> Result<Design> {
    let mut d = Design::new(kind_from_options(o)?, o.number("frequency_hz")?);
    d.q = o.number("q")?;
    d.gain_db = o.number("gain_db")?;
    d.validate(1_536_000.0)?;
    Ok(d)
}

/// The band table of a design (fields [`BAND_FIELDS`]).
pub fn design_settings(d: &Design) -> Settings {
    let (kind, order) = kind_settings(d.kind);
    Settings::new()
        .with("kind", kind)
        .with("order", u32::from(order))
        .with("frequency_hz", d.frequency_hz)
        .with("q", d.q)
        .with("gain_db", d.gain_db)
}

const fn variant(
    name: &'static str,
    class_name: &'static str,
    kind: &'static str,
    summary: &'static str,
) -> Variant {
    Variant {
        name,
        class_name,
        summary,
        fixed: match kind.as_bytes() {
            b"low_pass" => &[("kind", "low_pass")],
            b"high_pass" => &[("kind", "high_pass")],
            b"band_pass" => &[("kind", "band_pass")],
            b"notch" => &[("kind", "notch")],
            b"all_pass" => &[("kind", "all_pass")],
            b"peaking" => &[("kind", "peaking")],
            b"low_shelf" => &[("kind", "low_shelf")],
            _ => &[("kind", "high_shelf")],
        },
    }
}

impl Describe for Filter {
    const DESCRIPTION: &'static Description = &Description {
        kind: "filter",
        aliases: &[],
        class_name: "Filter",
        summary: "One biquad filter or a cascade: cookbook types, Butterworth and Linkwitz-Riley up to 8th order.",
        channels: "any",
        params: Filter::PARAMS,
        options: &[KIND_OPTION, ORDER_OPTION],
        variants: &[
            variant(
                "low_pass",
                "LowPass",
                "low_pass",
                "Low-pass filter (order 1 to 8; Q for order 2).",
            ),
            variant(
                "high_pass",
                "HighPass",
                "high_pass",
                "High-pass filter (order 1 to 8; Q for order 2).",
            ),
            variant(
                "band_pass",
                "BandPass",
                "band_pass",
                "Band-pass filter with 0 dB peak gain.",
            ),
            variant("notch", "Notch", "notch", "Notch (band-stop) filter."),
            variant(
                "all_pass",
                "AllPass",
                "all_pass",
                "All-pass filter: phase only.",
            ),
            variant(
                "peak_filter",
                "PeakFilter",
                "peaking",
                "Peaking (bell) EQ band.",
            ),
            variant("low_shelf", "LowShelf", "low_shelf", "Low-shelf EQ band."),
            variant(
                "high_shelf",
                "HighShelf",
                "high_shelf",
                "High-shelf EQ band.",
            ),
        ],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        Filter::new(kind_from_options(o)?, 1000.0)
    }

    fn options(&self) -> Settings {
        let (kind, order) = kind_settings(self.design.kind);
        Settings::new()
            .with("kind", kind)
            .with("order", u32::from(order))
    }
}
