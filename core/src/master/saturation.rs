//! [`Saturation`]: analog-style soft clipping, oversampled and with antiderivative
//! anti-aliasing, so the harmonics it creates above Nyquist are filtered away instead of
//! folding back as aliases.
//!
//! Curves: [`Curve::Symmetric`] `tanh(g·x)` (odd harmonics, tape-like), [`Curve::Asymmetric`]
//! `tanh(g·x + b) − tanh(b)` (even and odd harmonics, tube-like; the DC it makes is removed by a
//! 5 Hz high-pass). `drive_db` sets `g`, `output_db` trims the level, `mix` blends with the dry
//! signal, which is delayed by the oversampler's latency so the blend is phase-aligned.
//!
//! Aliasing: hard driven, `tanh` is nearly a square wave, whose harmonics fall only as `1/k`;
//! oversampling alone leaves those above half the oversampled rate to fold back (−29 dBc for a
//! 9 kHz sine at full scale and 36 dB of drive with 4x). So the curve is applied with
//! second-order antiderivative anti-aliasing (ADAA, `Adaa2`) at the oversampled rate, whose
//! smoothing takes the folding harmonics down by another 20 to 40 dB, and the decimator undoes
//! its delay and passband droop ([`Oversampler::for_adaa2`]). With
//! 4x (the usual choice) and 8x every alias of a 1, 5 or 9 kHz sine at 48 kHz, at full scale
//! or 12 dB under, stays at least 60 dB under the fundamental over the whole drive range (worst
//! −66.3 dBc at 4x, −87.0 dBc at 8x, both for 9 kHz at full scale and 36 dB); with 2x only up to
//! 12 dB of drive at full scale (24 dB at −12 dBFS), −44 dBc at 36 dB. Measured by
//! `tests/tests/saturation.rs` (`aliasing_table` prints the whole table). The wet passband is
//! flat within 0.03 dB to 20 kHz at 4x and 8x (at 2x: −0.23 dB at 15 kHz, −1.1 dB at 20 kHz).

use alloc::vec;
use alloc::vec::Vec;

use crate::cpu::{dispatch, mul_add};
use crate::db;
use crate::denormal::{self, FlushGrid, FlushGuard};
use crate::error::{Error, Range, Result};
use crate::math;
use crate::mix::biquad::{Coeffs, FilterKind, cookbook};
use crate::mix::filter::SectionState;
use crate::oversample::Oversampler;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::smooth::{DEFAULT_GAIN_RAMP_S, Smoothed};
use crate::validate;

/// Bias of the asymmetric curve.
const BIAS: f64 = 0.35;

/// The curve's input is clamped to ±this (`tanh` is 1 to double precision long before), so
/// the antiderivatives stay well within range whatever the input.
const MAX_INPUT: f64 = 1000.0;

/// Below this difference between inputs, ADAA's divided differences are replaced by their
/// limits (expansions about the midpoint).
const EPS: f64 = 1e-3;

/// Beyond this, `e^(−2a)` is below 4e-17 and `tanh`, `R` and `F₁ − |x|` have their limits to
/// double precision.
const SATURATED: f64 = 19.0;

/// π²/24 = `R(∞)`.
const PI2_24: f64 = 0.411_233_516_712_056_6;

/// `B₂ₖ/(2k + 1)!`, k = 1..8: the dilogarithm's series in `−ln(1 − w)`.
const LI2_SERIES: [f64; 8] = [
    0.027_777_777_777_777_776,
    -0.000_277_777_777_777_777_8,
    4.724_111_866_969_01e-6,
    -9.185_773_074_661_964e-8,
    1.897_886_998_897_1e-9,
    -4.064_761_645_144_225_6e-11,
    8.921_691_020_456_452e-13,
    -1.993_929_586_072_107_4e-14,
];

/// `e^x` for `x` in [−40, 0], in straight-line arithmetic (so loops over it vectorise):
/// `x = k·ln 2 + r`, `|r| ≤ ln 2 / 2`, `e^r` by its Taylor polynomial of degree 13 (error
/// below 1e-17 relative), times `2^k` built in the exponent bits.
#[inline(always)]
fn exp_neg<const FMA: bool>(x: f64) -> f64 {
    const LOG2E: f64 = core::f64::consts::LOG2_E;
    // ln 2 in two parts (fdlibm's): the first has zeros in its low bits, so k·LN2_HI is exact.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1.5·2^52: adding it rounds to an integer, which then sits in the low mantissa bits.
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    let kf = x * LOG2E + MAGIC;
    let k = kf - MAGIC;
    let r = mul_add::<FMA>(-k, LN2_HI, x);
    let r = mul_add::<FMA>(-k, LN2_LO, r);
    let mut p = 1.0 / 6_227_020_800.0;
    for c in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = mul_add::<FMA>(p, r, c);
    }
    let ki = (kf.to_bits() as i64).wrapping_sub(MAGIC.to_bits() as i64);
    p * f64::from_bits(((ki + 1023) as u64) << 52)
}

/// `ln(1 + t)` for `t` in [0, 1], in straight-line arithmetic: `2·atanh(s)`, `s = t/(2 + t)`
/// (at most 1/3), by its series to `s³³` (error below 1e-17 relative).
#[inline(always)]
fn ln_1p_unit<const FMA: bool>(t: f64) -> f64 {
    let s = t / (2.0 + t);
    let s2 = s * s;
    let mut p = 1.0 / 33.0;
    let mut k = 31.0;
    while k > 0.0 {
        p = mul_add::<FMA>(p, s2, 1.0 / k);
        k -= 2.0;
    }
    2.0 * s * p
}

/// For `a ≥ 0`: `(R(a), t, u)` with `t = e^(−2a)`, `u = ln(1 + t)`, and `R(a) = ∫₀ᵃ ln(1 +
/// e^(−2τ)) dτ = π²/24 + ½·Li₂(−t)`. Landen's identity `Li₂(−t) = −Li₂(t/(1 + t)) − ½u²` and
/// the series `Li₂(w) = u − u²/4 + Σ B₂ₖ u^(2k+1)/(2k+1)!` in `u = −ln(1 − w)` (at most ln 2, so
/// eight terms reach double precision) give `R = π²/24 − u/2 − u²/8 − ½ Σ B₂ₖ u^(2k+1)/(2k+1)!`.
/// Beyond [`SATURATED`] the values there are used (the limits, to double precision).
#[inline(always)]
fn r_t_u<const FMA: bool>(a: f64) -> (f64, f64, f64) {
    let a = if a > SATURATED { SATURATED } else { a };
    let t = exp_neg::<FMA>(-2.0 * a);
    let u = ln_1p_unit::<FMA>(t);
    let u2 = u * u;
    let mut p = LI2_SERIES[7];
    for c in LI2_SERIES[..7].iter().rev() {
        p = mul_add::<FMA>(p, u2, *c);
    }
    let r = PI2_24 - 0.5 * u - 0.125 * u2 - 0.5 * p * u2 * u;
    (r, t, u)
}

/// `S(x) = sign(x)·R(|x|)`, the bounded part of `F₂` (see [`Adaa2`]).
#[inline(always)]
fn s_part<const FMA: bool>(x: f64) -> f64 {
    let r = r_t_u::<FMA>(x.abs()).0;
    if x < 0.0 { -r } else { r }
}

/// `F₁(x) = ln cosh x + ln 2 = |x| + ln(1 + e^(−2|x|))` and `tanh′(x) = 1 − tanh²(x)`.
#[inline(always)]
fn f1_and_slope<const FMA: bool>(x: f64) -> (f64, f64) {
    let a = x.abs();
    let (_, t, u) = r_t_u::<FMA>(a);
    (a + u, 4.0 * t / ((1.0 + t) * (1.0 + t)))
}

/// `tanh(x)` as `sign(x)·(1 − t)/(1 + t)`, `t = e^(−2|x|)`.
#[inline(always)]
fn tanh<const FMA: bool>(x: f64) -> f64 {
    let a = x.abs();
    let t = exp_neg::<FMA>(-2.0 * if a > SATURATED { SATURATED } else { a });
    let y = (1.0 - t) / (1.0 + t);
    if x < 0.0 { -y } else { y }
}

/// `D(a, b) = (F₂(a) − F₂(b))/(a − b)` from `S(a)` and `S(b)`, for `a ≠ b`. The quadratic part
/// `(a|a| − b|b|)/(2(a − b))` is `|a + b|/2` for `a`, `b` of one sign and
/// `(a² + b²)/(2|a − b|)` otherwise, both without cancellation; the bounded part is divided
/// directly. In straight-line arithmetic; `a`, `b` closer than [`EPS`] need [`divided_near`].
#[inline(always)]
fn divided(a: f64, b: f64, sa: f64, sb: f64) -> f64 {
    let h = a - b;
    let same = (a < 0.0) == (b < 0.0);
    let quad = if same {
        0.5 * (a + b).abs()
    } else {
        0.5 * (a * a + b * b) / h.abs()
    };
    quad + (sa - sb) / h
}

/// `D(a, b)` for `a`, `b` closer than [`EPS`]: `F₁(m) + h²/24·tanh′(m)` about the midpoint `m`
/// (error of the order of `h⁴`).
#[inline(always)]
fn divided_near<const FMA: bool>(a: f64, b: f64) -> f64 {
    let h = a - b;
    let (f1, slope) = f1_and_slope::<FMA>(0.5 * (a + b));
    f1 + h * h * (1.0 / 24.0) * slope
}

/// `D(a, b)` for any `a`, `b`.
#[inline(always)]
fn divided_any<const FMA: bool>(a: f64, b: f64) -> f64 {
    if (a - b).abs() < EPS {
        divided_near::<FMA>(a, b)
    } else {
        divided(a, b, s_part::<FMA>(a), s_part::<FMA>(b))
    }
}

/// Second-order antiderivative anti-aliasing of `tanh`, one channel at the oversampled rate
/// (Bilbao, Esqueda, Parker and Välimäki, "Antiderivative antialiasing for memoryless
/// nonlinearities", IEEE SPL 2017).
///
/// With `x₀, x₁, x₂` the current and the two previous inputs, the output is `tanh` averaged
/// over the values between them, weighted by the hat function with its corners at the three:
/// twice the second divided difference of the second antiderivative `F₂` of `tanh`,
/// `y = 2/(x₀ − x₂)·(D(x₀, x₁) − D(x₁, x₂))`, `D(a, b) = (F₂(a) − F₂(b))/(a − b)`. That
/// smoothing, a low-pass at the oversampled rate, takes the harmonics that would fold back down
/// by another 20 to 40 dB (measured: a 9 kHz sine at full scale and 36 dB of drive aliases at
/// −29 dBc with plain 4x oversampling, −66.3 dBc with this). It delays by one oversampled
/// sample and, on a straight line, gives the mean of the three inputs (the passband smoothed
/// like `[1/3, 1/3, 1/3]`), which [`Oversampler::for_adaa2`] makes up for.
///
/// `F₁(x) = ln cosh x + ln 2 = |x| + ln(1 + e^(−2|x|))` (`F₁′ = tanh`) and
/// `F₂(x) = x|x|/2 + S(x)` with `S(x) = sign(x)·R(|x|)`, `R(a) = ∫₀ᵃ ln(1 + e^(−2τ)) dτ`, which
/// is bounded by π²/24: the growing part is handled in closed form (see [`divided`]), so the
/// differences stay accurate in `f64` for inputs up to [`MAX_INPUT`]. Where the inputs nearly
/// coincide the differences are replaced by their limits: `x₀ ≈ x₂` gives
/// `y = 2/Δ·(F₁(x̄) − D(x̄, x₁))` with `x̄ = (x₀ + x₂)/2`, `Δ = x̄ − x₁`, and if `Δ` is small too,
/// `tanh(x₁ + 2Δ/3)`, the curve at the mean of the three inputs (on a straight line `y` is that
/// mean). Each limit is good to the square of the differences it neglects or better.
///
/// A block runs in passes (inputs, `S`, first differences, outputs), each a loop the compiler
/// vectorises, with the rare near-coincident samples fixed up after the first-difference and
/// output passes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Adaa2 {
    x1: f64,
    x2: f64,
    /// `S(x₁)`.
    s1: f64,
    /// `D(x₁, x₂)`.
    d12: f64,
}

impl Adaa2 {
    /// The state after a long constant input `x`.
    fn at_rest(x: f64) -> Self {
        Adaa2 {
            x1: x,
            x2: x,
            s1: s_part::<false>(x),
            d12: f1_and_slope::<false>(x).0,
        }
    }
}

/// `x` clamped to ±[`MAX_INPUT`], NaN to 0.
#[inline(always)]
fn clamp_input(x: f64) -> f64 {
    let x = if x > MAX_INPUT { MAX_INPUT } else { x };
    let x = if x < -MAX_INPUT { -MAX_INPUT } else { x };
    if x.is_nan() { 0.0 } else { x }
}

/// Scratch for one channel's block at the oversampled rate.
#[derive(Debug, Clone, Default)]
struct AdaaScratch {
    /// The two previous inputs, then the block's: `u[i + 2]` is input `i`.
    u: Vec<f64>,
    /// `S` of the previous input, then of the block's.
    s: Vec<f64>,
    /// `D` of the previous pair, then of each new one.
    d: Vec<f64>,
}

impl AdaaScratch {
    fn new(len: usize) -> Self {
        AdaaScratch {
            u: vec![0.0; len + 2],
            s: vec![0.0; len + 1],
            d: vec![0.0; len + 1],
        }
    }
}

/// Applies `tanh(g·x + bias) − offset` with second-order ADAA to `x` (one channel, oversampled
/// by `l`), `g` being `gains[i / l]` for sample `i`. Inlined into both builds of [`shape`], so
/// the AVX2 + FMA one compiles it with those features.
#[inline(always)]
fn shape_generic<const FMA: bool>(
    st: &mut Adaa2,
    sc: &mut AdaaScratch,
    x: &mut [f32],
    gains: &[f64],
    l: usize,
    bias: f64,
    offset: f64,
) {
    let n = x.len();
    let (u, s, d) = (&mut sc.u[..n + 2], &mut sc.s[..n + 1], &mut sc.d[..n + 1]);
    (u[0], u[1], s[0], d[0]) = (st.x2, st.x1, st.s1, st.d12);
    // Inputs.
    for ((uc, xc), g) in u[2..].chunks_exact_mut(l).zip(x.chunks_exact(l)).zip(gains) {
        for (u, x) in uc.iter_mut().zip(xc) {
            *u = clamp_input(g * *x as f64) + bias;
        }
    }
    // S of each input.
    for (s, u) in s[1..].iter_mut().zip(&u[2..]) {
        *s = s_part::<FMA>(*u);
    }
    // First differences, then the near pairs again.
    for (i, d) in d[1..].iter_mut().enumerate() {
        *d = divided(u[i + 2], u[i + 1], s[i + 1], s[i]);
    }
    for i in 0..n {
        let (a, b) = (u[i + 2], u[i + 1]);
        if (a - b).abs() < EPS {
            // A run of equal inputs (silence) repeats the last value.
            d[i + 1] = if a == b && i > 0 && u[i] == b {
                d[i]
            } else {
                divided_near::<FMA>(a, b)
            };
        }
    }
    // Outputs, then the near ones again.
    for (i, y) in x.iter_mut().enumerate() {
        *y = (2.0 * (d[i + 1] - d[i]) / (u[i + 2] - u[i]) - offset) as f32;
    }
    let mut last: Option<(f64, f32)> = None;
    for (i, y) in x.iter_mut().enumerate() {
        let (x0, x1, x2) = (u[i + 2], u[i + 1], u[i]);
        if (x0 - x2).abs() < EPS {
            let xb = 0.5 * (x0 + x2);
            let delta = xb - x1;
            *y = if delta.abs() < EPS {
                let m = x1 + delta * (2.0 / 3.0);
                match last {
                    Some((lm, ly)) if lm == m => ly,
                    _ => {
                        let v = (tanh::<FMA>(m) - offset) as f32;
                        last = Some((m, v));
                        v
                    }
                }
            } else {
                let (f1, _) = f1_and_slope::<FMA>(xb);
                (2.0 / delta * (f1 - divided_any::<FMA>(xb, x1)) - offset) as f32
            };
        }
    }
    *st = Adaa2 {
        x1: u[n + 1],
        x2: u[n],
        s1: s[n],
        d12: d[n],
    };
}

dispatch! {
    /// [`shape_generic`], with AVX2 and FMA where the CPU has them.
    fn shape(st: &mut Adaa2, sc: &mut AdaaScratch, x: &mut [f32], gains: &[f64], l: usize, bias: f64, offset: f64) => shape_generic
}

/// Transfer curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Curve {
    /// `tanh(g·x)`.
    #[default]
    Symmetric,
    /// `tanh(g·x + b) − tanh(b)`.
    Asymmetric,
}

crate::params! { Saturation {
    drive_db: [0.0, 36.0] = 6.0, "dB", "Gain into the curve: more drive, more harmonics.",
        set = Saturation::set_drive_db, get = |s| s.drive_db;
    output_db: [-36.0, 12.0] = 0.0, "dB", "Gain after the curve.",
        set = Saturation::set_output_db, get = |s| s.output_db;
    mix: [0.0, 1.0] = 1.0, "", "Wet/dry mix.",
        set = Saturation::set_mix, get = |s| s.mix;
} }

/// Oversampled, anti-aliased soft clipper for any number of channels. Aliases stay 60 dB under
/// the tone over the whole drive range with 4x and 8x oversampling (see the module notes for
/// 2x). Latency: [`Oversampler::latency`] frames (71), the dry path delayed to match.
///
/// Construction: [`Saturation::new`] (returns a `Result`: invalid arguments are errors naming them).
/// Setters: [`Saturation::set_drive_db`], [`Saturation::set_output_db`], [`Saturation::set_mix`] validate and return a `Result` naming the parameter and its range.
/// By name: [`Processor::set_param`] over [`Saturation::PARAMS`], or the
/// [registry](crate::registry) as kind `"saturation"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct Saturation {
    curve: Curve,
    factor: usize,
    drive_db: f64,
    output_db: f64,
    mix: f64,
    drive: Smoothed,
    output: Smoothed,
    mix_s: Smoothed,
    os: Vec<Oversampler>,
    os_buf: Vec<f32>,
    wet: Vec<f32>,
    dry: Vec<Vec<f32>>,
    dry_pos: usize,
    dc: Coeffs,
    dc_state: Vec<SectionState>,
    /// ADAA state per channel.
    adaa: Vec<Adaa2>,
    /// ADAA scratch (one channel at a time).
    adaa_scratch: AdaaScratch,
    /// Drive per base frame of the block.
    gains: Vec<f64>,
    /// Flush grid of the DC high-pass state.
    grid: FlushGrid,
    spec: Option<ProcessSpec>,
}

impl Saturation {
    /// A saturator with `curve`, oversampled by `factor` (2, 4 or 8; 4 is the default choice).
    pub fn new(curve: Curve, factor: usize) -> Result<Self> {
        if ![2, 4, 8].contains(&factor) {
            return Err(Error::Parameter {
                name: "oversampling",
                value: factor as f64,
                range: Range::closed(2.0, 8.0),
                note: "2, 4 or 8",
            });
        }
        Ok(Saturation {
            curve,
            factor,
            drive_db: 6.0,
            output_db: 0.0,
            mix: 1.0,
            drive: Smoothed::new(db::db_to_gain(6.0)),
            output: Smoothed::new(1.0),
            mix_s: Smoothed::new(1.0),
            os: Vec::new(),
            os_buf: Vec::new(),
            wet: Vec::new(),
            dry: Vec::new(),
            dry_pos: 0,
            dc: Coeffs::IDENTITY,
            dc_state: Vec::new(),
            adaa: Vec::new(),
            adaa_scratch: AdaaScratch::default(),
            gains: Vec::new(),
            grid: FlushGrid::new(),
            spec: None,
        })
    }

    fn set(s: &mut Smoothed, v: f64, prepared: bool) {
        if prepared {
            s.set_target(v)
        } else {
            s.set_immediate(v)
        }
    }

    /// Drive in dB, [0, 36].
    pub fn set_drive_db(&mut self, v: f64) -> Result<()> {
        self.drive_db = validate::in_range("drive_db", v, Range::closed(0.0, 36.0))?;
        Self::set(&mut self.drive, db::db_to_gain(v), self.spec.is_some());
        Ok(())
    }
    /// Output trim in dB, [−36, 12].
    pub fn set_output_db(&mut self, v: f64) -> Result<()> {
        self.output_db = validate::in_range("output_db", v, Range::closed(-36.0, 12.0))?;
        Self::set(&mut self.output, db::db_to_gain(v), self.spec.is_some());
        Ok(())
    }
    /// Wet/dry mix, [0, 1].
    pub fn set_mix(&mut self, v: f64) -> Result<()> {
        self.mix = validate::unit("mix", v)?;
        Self::set(&mut self.mix_s, v, self.spec.is_some());
        Ok(())
    }

    /// The curve's bias (added to the driven input) and its output there (subtracted).
    fn bias(&self) -> (f64, f64) {
        match self.curve {
            Curve::Symmetric => (0.0, 0.0),
            Curve::Asymmetric => (BIAS, math::tanh(BIAS)),
        }
    }
}

impl Saturation {
    /// Processes a piece of a block (between flush points).
    fn run(&mut self, block: &mut [&mut [f32]]) {
        let n = block.first().map_or(0, |c| c.len());
        let l = self.factor;
        let start = (self.drive, self.output, self.mix_s);
        let lat = self.os.first().map_or(0, |o| o.latency());
        let start_pos = self.dry_pos;
        let channels = block.len();
        let bias = self.bias();
        for (c, x) in block.iter_mut().enumerate() {
            let (mut dr, mut out, mut mx) = start;
            let os = &mut self.os[c];
            os.upsample(x, &mut self.os_buf[..n * l]);
            // Drive ramped per base frame.
            for g in self.gains[..n].iter_mut() {
                *g = dr.tick();
            }
            shape(
                &mut self.adaa[c],
                &mut self.adaa_scratch,
                &mut self.os_buf[..n * l],
                &self.gains[..n],
                l,
                bias.0,
                bias.1,
            );
            os.downsample(&self.os_buf[..n * l], &mut self.wet[..n]);
            let line = &mut self.dry[c];
            let mut pos = start_pos;
            let st = &mut self.dc_state[c];
            for (v, w) in x.iter_mut().zip(&self.wet[..n]) {
                let wet = if self.curve == Curve::Asymmetric {
                    st.step(&self.dc, *w as f64) as f32
                } else {
                    *w
                };
                let dry = if lat == 0 { *v } else { line[pos] };
                if lat > 0 {
                    line[pos] = if v.is_finite() { *v } else { 0.0 };
                    pos = if pos + 1 == lat { 0 } else { pos + 1 };
                }
                let (o, m) = (out.tick() as f32, mx.tick() as f32);
                *v = dry * (1.0 - m) + wet * o * m;
            }
            if c + 1 == channels {
                self.drive = dr;
                self.output = out;
                self.mix_s = mx;
                self.dry_pos = pos;
            }
        }
    }
}

impl Processor for Saturation {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        self.spec = Some(spec);
        let m = spec.max_block_frames;
        self.os = (0..spec.channels)
            .map(|_| Oversampler::for_adaa2(self.factor, m))
            .collect::<Result<_>>()?;
        self.os_buf = vec![0.0; m * self.factor];
        self.wet = vec![0.0; m];
        let lat = self.os[0].latency();
        self.dry = vec![vec![0.0; lat.max(1)]; spec.channels];
        self.dc = cookbook(FilterKind::HighPass1, spec.sample_rate, 5.0, 0.7, 0.0);
        self.dc_state = vec![SectionState::default(); spec.channels];
        self.adaa = vec![Adaa2::at_rest(0.0); spec.channels];
        self.adaa_scratch = AdaaScratch::new(m * self.factor);
        self.gains = vec![0.0; m];
        for s in [&mut self.drive, &mut self.output, &mut self.mix_s] {
            s.set_ramp(DEFAULT_GAIN_RAMP_S, spec.sample_rate);
        }
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
                for st in &mut self.dc_state {
                    st.sanitize();
                }
            }
        });
        self.grid = grid;
    }

    fn reset(&mut self) {
        for o in &mut self.os {
            o.reset();
        }
        for d in &mut self.dry {
            d.fill(0.0);
        }
        self.dry_pos = 0;
        self.dc_state.fill(SectionState::default());
        let rest = Adaa2::at_rest(self.bias().0);
        self.adaa.fill(rest);
        self.grid.reset();
        for s in [&mut self.drive, &mut self.output, &mut self.mix_s] {
            s.finish();
        }
    }

    fn latency_frames(&self) -> usize {
        self.os.first().map_or(0, |o| o.latency())
    }
}

impl Describe for Saturation {
    const DESCRIPTION: &'static Description = &Description {
        kind: "saturation",
        aliases: &[],
        class_name: "Saturation",
        summary: "Oversampled tanh soft clipper, symmetric (odd harmonics) or asymmetric (even too), DC-blocked.",
        channels: "any",
        params: Saturation::PARAMS,
        options: &[
            OptionInfo::choice(
                "curve",
                &["symmetric", "asymmetric"],
                "symmetric",
                "Transfer curve: tanh, or tanh with a bias (even harmonics).",
            ),
            OptionInfo::integer(
                "oversample",
                2.0,
                8.0,
                4.0,
                "Oversampling factor: 2, 4 or 8 (4 and 8 keep aliases 60 dB under the tone at any drive; 2 only up to 12 dB).",
            ),
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let curve = match o.choice("curve")? {
            "asymmetric" => Curve::Asymmetric,
            _ => Curve::Symmetric,
        };
        let factor = o.number("oversample")?;
        if ![2.0, 4.0, 8.0].contains(&factor) {
            return Err(Error::Parameter {
                name: "oversample",
                value: factor,
                range: Range::closed(2.0, 8.0),
                note: "2, 4 or 8",
            });
        }
        Saturation::new(curve, factor as usize)
    }

    fn options(&self) -> Settings {
        let curve = match self.curve {
            Curve::Symmetric => "symmetric",
            Curve::Asymmetric => "asymmetric",
        };
        Settings::new()
            .with("curve", curve)
            .with("oversample", self.factor as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn exp_and_ln_1p_are_accurate() {
        for fma in [false, true] {
            for i in 0..=40_000 {
                let x = -40.0 * i as f64 / 40_000.0;
                let e = if fma {
                    exp_neg::<true>(x)
                } else {
                    exp_neg::<false>(x)
                };
                let want = math::exp(x);
                assert!((e - want).abs() <= 1e-15 * want, "exp({x}): {e} vs {want}");
                let t = i as f64 / 40_000.0;
                let l = if fma {
                    ln_1p_unit::<true>(t)
                } else {
                    ln_1p_unit::<false>(t)
                };
                let want = math::ln_1p(t);
                assert!(
                    (l - want).abs() <= 1e-15 * want,
                    "ln_1p({t}): {l} vs {want}"
                );
            }
        }
    }

    #[test]
    fn r_is_the_integral_of_ln_1p_exp() {
        // Simpson's rule on ln(1 + e^(−2τ)), step 1e-4.
        let f = |t: f64| math::ln_1p(math::exp(-2.0 * t));
        let h = 1e-4;
        let mut acc = 0.0;
        let mut a = 0.0;
        for k in 1..=250_000 {
            acc += h / 6.0 * (f(a) + 4.0 * f(a + 0.5 * h) + f(a + h));
            a += h;
            if k % 12_500 == 0 {
                let r = r_t_u::<false>(a).0;
                assert!((r - acc).abs() < 1e-13, "R({a}) = {r}, integral {acc}");
            }
        }
        assert!((r_t_u::<false>(1e6).0 - PI2_24).abs() < 1e-16);
        assert!(r_t_u::<false>(0.0).0.abs() < 1e-16);
    }

    /// The ADAA formula in plain arithmetic with the library's functions and `F₂` in one
    /// piece, for comparison (good to about 1e-7 for inputs up to 20).
    fn reference(x: &[f64]) -> Vec<f64> {
        let f2 = |v: f64| {
            let a = v.abs();
            // R(a) = π²/24 + ½ Li₂(−e^(−2a)), Li₂ by its series in u (as above).
            let u = math::ln_1p(math::exp(-2.0 * a.min(SATURATED)));
            let mut p = 0.0;
            for (k, c) in LI2_SERIES.iter().enumerate() {
                p += c * u.powi(2 * k as i32 + 3);
            }
            let r = PI2_24 - 0.5 * u - 0.125 * u * u - 0.5 * p;
            0.5 * v * a + if v < 0.0 { -r } else { r }
        };
        let f1 = |v: f64| v.abs() + math::ln_1p(math::exp(-2.0 * v.abs().min(SATURATED)));
        let d = |a: f64, b: f64| {
            let h = a - b;
            if h.abs() < EPS {
                let m = 0.5 * (a + b);
                f1(m) + h * h / 24.0 * (1.0 - math::tanh(m).powi(2))
            } else {
                (f2(a) - f2(b)) / h
            }
        };
        let (mut p1, mut p2) = (0.0, 0.0);
        x.iter()
            .map(|&x0| {
                let y = if (x0 - p2).abs() >= EPS {
                    2.0 * (d(x0, p1) - d(p1, p2)) / (x0 - p2)
                } else {
                    let xb = 0.5 * (x0 + p2);
                    let delta = xb - p1;
                    if delta.abs() < EPS {
                        math::tanh(p1 + 2.0 * delta / 3.0)
                    } else {
                        2.0 / delta * (f1(xb) - d(xb, p1))
                    }
                };
                (p1, p2) = (x0, p1);
                y
            })
            .collect()
    }

    #[test]
    fn blocks_match_the_formula() {
        // Steps of every size from 1e-7 to 10, runs of equal values, sign changes, saturation.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut x = Vec::new();
        let mut v = 0.0f64;
        for k in 0..20_000 {
            let step = 10f64.powf(-7.0 + 8.0 * rnd()) * if rnd() < 0.5 { -1.0 } else { 1.0 };
            v = if k % 97 < 5 {
                v
            } else {
                (v + step).clamp(-20.0, 20.0)
            };
            if k % 1000 == 500 {
                v = -v;
            }
            // As the block will see it (f32 in, unit drive).
            x.push(v as f32 as f64);
        }
        let want = reference(&x);
        for fma in [false, true] {
            if fma && !crate::cpu::has_avx2_fma() {
                continue;
            }
            let mut st = Adaa2::at_rest(0.0);
            let mut sc = AdaaScratch::new(512);
            let mut got = Vec::new();
            for chunk in x.chunks(300) {
                let mut buf: Vec<f32> = chunk.iter().map(|v| *v as f32).collect();
                let gains = [1.0; 300];
                if fma {
                    shape(&mut st, &mut sc, &mut buf, &gains, 1, 0.0, 0.0);
                } else {
                    shape_generic::<false>(&mut st, &mut sc, &mut buf, &gains, 1, 0.0, 0.0);
                }
                got.extend(buf.iter().map(|v| *v as f64));
            }
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (g - w).abs() < 1e-6,
                    "fma {fma}, sample {i} (inputs {} {} {}): {g} vs {w}",
                    x[i],
                    x[i.max(1) - 1],
                    x[i.max(2) - 2]
                );
            }
        }
    }

    #[test]
    fn on_a_slow_input_it_is_tanh_one_sample_late() {
        let x: Vec<f64> = (0..4000).map(|i| 3.0 * (i as f64 * 0.002).sin()).collect();
        let mut buf: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        let mut st = Adaa2::at_rest(0.0);
        let mut sc = AdaaScratch::new(4000);
        shape(&mut st, &mut sc, &mut buf, &[1.0; 4000], 1, 0.0, 0.0);
        for i in 2..4000 {
            let want = math::tanh(x[i - 1] as f32 as f64);
            assert!(
                (buf[i] as f64 - want).abs() < 1e-5,
                "{i}: {} vs {want}",
                buf[i]
            );
        }
    }
}
