//! Biquad coefficient design and frequency responses. No state lives here: [`super::filter`]
//! runs the coefficients.
//!
//! Second-order types follow Robert Bristow-Johnson's Audio EQ Cookbook exactly (bilinear
//! transform with the cutoff prewarped): low-pass, high-pass, band-pass (0 dB peak), notch,
//! all-pass, peaking, low shelf, high shelf. First-order low- and high-pass come from the same
//! transform. Butterworth (orders 1 to 8) and Linkwitz–Riley (even orders 2 to 8) are cascades of
//! at most [`MAX_SECTIONS`] sections. Everything is designed in `f64`.

use crate::db;
use crate::error::{Error, Range, Result};
use crate::math;
use crate::validate;
use core::f64::consts::PI;
use num_complex::Complex64 as Complex;

/// Most sections in one cascade (an 8th-order filter).
pub const MAX_SECTIONS: usize = 4;

/// Normalised biquad coefficients (`a0 = 1`):
/// `y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coeffs {
    /// Feed-forward 0.
    pub b0: f64,
    /// Feed-forward 1.
    pub b1: f64,
    /// Feed-forward 2.
    pub b2: f64,
    /// Feedback 1.
    pub a1: f64,
    /// Feedback 2.
    pub a2: f64,
}

impl Coeffs {
    /// The identity filter.
    pub const IDENTITY: Coeffs = Coeffs {
        b0: 1.0,
        b1: 0.0,
        b2: 0.0,
        a1: 0.0,
        a2: 0.0,
    };

    fn normalised(b0: f64, b1: f64, b2: f64, a0: f64, a1: f64, a2: f64) -> Coeffs {
        let inv = 1.0 / a0;
        Coeffs {
            b0: b0 * inv,
            b1: b1 * inv,
            b2: b2 * inv,
            a1: a1 * inv,
            a2: a2 * inv,
        }
    }

    /// Complex response at `frequency_hz`.
    pub fn complex_response(&self, frequency_hz: f64, sample_rate: f64) -> Complex {
        let w = 2.0 * PI * frequency_hz / sample_rate;
        let z1 = Complex::new(math::cos(w), -math::sin(w)); // z^-1
        let z2 = z1 * z1;
        let num = Complex::new(self.b0, 0.0) + z1 * self.b1 + z2 * self.b2;
        let den = Complex::new(1.0, 0.0) + z1 * self.a1 + z2 * self.a2;
        num / den
    }

    /// Whether both poles lie strictly inside the unit circle (the stability triangle).
    pub fn is_stable(&self) -> bool {
        self.a2.abs() < 1.0 && self.a1.abs() < 1.0 + self.a2
    }

    /// Largest pole radius.
    pub fn pole_radius(&self) -> f64 {
        let disc = self.a1 * self.a1 - 4.0 * self.a2;
        if disc >= 0.0 {
            let s = math::sqrt(disc);
            ((-self.a1 + s) * 0.5)
                .abs()
                .max(((-self.a1 - s) * 0.5).abs())
        } else {
            math::sqrt(self.a2)
        }
    }
}

/// Filter types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    /// Cookbook second-order low-pass (Q sets the resonance; 0.7071 is Butterworth).
    LowPass,
    /// Cookbook second-order high-pass.
    HighPass,
    /// Cookbook band-pass with 0 dB peak gain.
    BandPass,
    /// Cookbook notch.
    Notch,
    /// Cookbook all-pass.
    AllPass,
    /// Cookbook peaking (bell) EQ.
    Peaking,
    /// Cookbook low shelf.
    LowShelf,
    /// Cookbook high shelf.
    HighShelf,
    /// First-order low-pass.
    LowPass1,
    /// First-order high-pass.
    HighPass1,
    /// Butterworth low-pass of order 1 to 8 (Q ignored).
    ButterworthLowPass(u8),
    /// Butterworth high-pass of order 1 to 8.
    ButterworthHighPass(u8),
    /// Linkwitz–Riley low-pass of order 2, 4, 6 or 8 (two cascaded Butterworths, −6 dB at the
    /// cutoff).
    LinkwitzRileyLowPass(u8),
    /// Linkwitz–Riley high-pass of order 2, 4, 6 or 8.
    LinkwitzRileyHighPass(u8),
}

impl FilterKind {
    /// Whether the gain parameter affects this type.
    pub fn uses_gain(self) -> bool {
        matches!(
            self,
            FilterKind::Peaking | FilterKind::LowShelf | FilterKind::HighShelf
        )
    }

    /// Whether the Q parameter affects this type.
    pub fn uses_q(self) -> bool {
        matches!(
            self,
            FilterKind::LowPass
                | FilterKind::HighPass
                | FilterKind::BandPass
                | FilterKind::Notch
                | FilterKind::AllPass
                | FilterKind::Peaking
                | FilterKind::LowShelf
                | FilterKind::HighShelf
        )
    }

    /// Parses a name such as "peaking", "low_shelf", "butterworth_low_pass" (order given apart).
    pub fn from_name(name: &str, order: u8) -> Option<FilterKind> {
        Some(match name {
            "low_pass" | "lowpass" | "lpf" => FilterKind::LowPass,
            "high_pass" | "highpass" | "hpf" => FilterKind::HighPass,
            "band_pass" | "bandpass" => FilterKind::BandPass,
            "notch" => FilterKind::Notch,
            "all_pass" | "allpass" => FilterKind::AllPass,
            "peaking" | "bell" | "peak" => FilterKind::Peaking,
            "low_shelf" | "lowshelf" => FilterKind::LowShelf,
            "high_shelf" | "highshelf" => FilterKind::HighShelf,
            "low_pass_1" => FilterKind::LowPass1,
            "high_pass_1" => FilterKind::HighPass1,
            "butterworth_low_pass" => FilterKind::ButterworthLowPass(order),
            "butterworth_high_pass" => FilterKind::ButterworthHighPass(order),
            "linkwitz_riley_low_pass" => FilterKind::LinkwitzRileyLowPass(order),
            "linkwitz_riley_high_pass" => FilterKind::LinkwitzRileyHighPass(order),
            _ => return None,
        })
    }
}

/// What a filter is asked to be: type, frequency, Q and gain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Design {
    /// The type.
    pub kind: FilterKind,
    /// Cutoff or centre frequency in Hz.
    pub frequency_hz: f64,
    /// Quality factor (cookbook Q).
    pub q: f64,
    /// Gain in dB (peaking and shelves).
    pub gain_db: f64,
}

/// Largest Q accepted.
pub const MAX_Q: f64 = 100.0;
/// Smallest Q accepted.
pub const MIN_Q: f64 = 0.001;
/// Lowest filter frequency accepted, in Hz.
pub const MIN_FREQUENCY_HZ: f64 = 1.0;
/// Largest |gain| of peaking and shelf filters, in dB.
pub const MAX_EQ_GAIN_DB: f64 = 36.0;

/// A filter frequency: from [`MIN_FREQUENCY_HZ`] to below Nyquist of `sample_rate`.
pub fn check_frequency(hz: f64, sample_rate: f64) -> Result<f64> {
    validate::in_range_note(
        "frequency_hz",
        hz,
        Range::closed_open(MIN_FREQUENCY_HZ, sample_rate * 0.5),
        "from 1 Hz to below Nyquist",
    )
}

/// A Q from [`MIN_Q`] to [`MAX_Q`].
pub fn check_q(q: f64) -> Result<f64> {
    validate::in_range("q", q, Range::closed(MIN_Q, MAX_Q))
}

impl Design {
    /// A design with Q = 0.7071 and 0 dB gain.
    pub const fn new(kind: FilterKind, frequency_hz: f64) -> Self {
        Design {
            kind,
            frequency_hz,
            q: core::f64::consts::FRAC_1_SQRT_2,
            gain_db: 0.0,
        }
    }

    /// Checks every field for `sample_rate`.
    pub fn validate(&self, sample_rate: f64) -> Result<()> {
        validate::sample_rate(sample_rate)?;
        check_frequency(self.frequency_hz, sample_rate)?;
        check_q(self.q)?;
        validate::in_range(
            "gain_db",
            self.gain_db,
            Range::closed(-MAX_EQ_GAIN_DB, MAX_EQ_GAIN_DB),
        )?;
        match self.kind {
            FilterKind::ButterworthLowPass(o) | FilterKind::ButterworthHighPass(o)
                if !(1..=8).contains(&o) =>
            {
                Err(Error::Parameter {
                    name: "order",
                    value: o as f64,
                    range: Range::closed(1.0, 8.0),
                    note: "",
                })
            }
            FilterKind::LinkwitzRileyLowPass(o) | FilterKind::LinkwitzRileyHighPass(o)
                if !(2..=8).contains(&o) || o % 2 != 0 =>
            {
                Err(Error::Parameter {
                    name: "order",
                    value: o as f64,
                    range: Range::closed(2.0, 8.0),
                    note: "Linkwitz-Riley orders are even: 2, 4, 6 or 8",
                })
            }
            _ => Ok(()),
        }
    }

    /// Designs the cascade into `out`, returning the number of sections used. Validates first.
    pub fn sections(&self, sample_rate: f64, out: &mut [Coeffs; MAX_SECTIONS]) -> Result<usize> {
        self.validate(sample_rate)?;
        Ok(self.sections_unchecked(sample_rate, out))
    }

    /// Designs without validating (callers have validated; used on the smoothing path).
    pub(crate) fn sections_unchecked(&self, fs: f64, out: &mut [Coeffs; MAX_SECTIONS]) -> usize {
        let f = self.frequency_hz;
        match self.kind {
            FilterKind::ButterworthLowPass(n) => butterworth(n, f, fs, false, out, 0),
            FilterKind::ButterworthHighPass(n) => butterworth(n, f, fs, true, out, 0),
            FilterKind::LinkwitzRileyLowPass(n) | FilterKind::LinkwitzRileyHighPass(n) => {
                let hp = matches!(self.kind, FilterKind::LinkwitzRileyHighPass(_));
                let k = butterworth(n / 2, f, fs, hp, out, 0);
                for i in 0..k {
                    out[k + i] = out[i];
                }
                2 * k
            }
            kind => {
                out[0] = cookbook(kind, fs, f, self.q, self.gain_db);
                1
            }
        }
    }

    /// Magnitude (dB) and phase (radians) of the whole cascade at `frequency_hz`.
    pub fn response(&self, frequency_hz: f64, sample_rate: f64) -> Result<(f64, f64)> {
        let mut s = [Coeffs::IDENTITY; MAX_SECTIONS];
        let n = self.sections(sample_rate, &mut s)?;
        Ok(cascade_response(&s[..n], frequency_hz, sample_rate))
    }
}

/// Magnitude (dB) and phase (radians, wrapped to (−π, π]) of a cascade at `frequency_hz`.
pub fn cascade_response(sections: &[Coeffs], frequency_hz: f64, sample_rate: f64) -> (f64, f64) {
    let mut h = Complex::new(1.0, 0.0);
    for s in sections {
        h *= s.complex_response(frequency_hz, sample_rate);
    }
    (db::gain_to_db(h.norm()), h.arg())
}

/// Q of a cookbook filter whose bandwidth is `octaves` (between −3 dB points for band-pass and
/// notch, midpoint gain for peaking) at `frequency_hz`.
pub fn q_from_bandwidth(octaves: f64, frequency_hz: f64, sample_rate: f64) -> Result<f64> {
    validate::in_range("bandwidth_octaves", octaves, Range::open_closed(0.0, 10.0))?;
    validate::frequency("frequency_hz", frequency_hz, sample_rate)?;
    let w0 = 2.0 * PI * frequency_hz / sample_rate;
    Ok(1.0 / (2.0 * math::sinh(core::f64::consts::LN_2 / 2.0 * octaves * w0 / math::sin(w0))))
}

/// Q of a cookbook shelf with slope `s` (1 is the steepest without overshoot) and `gain_db`.
pub fn q_from_shelf_slope(s: f64, gain_db: f64) -> Result<f64> {
    validate::in_range("shelf_slope", s, Range::open_closed(0.0, 1.0))?;
    let a = db::db_to_gain(gain_db / 2.0);
    Ok(1.0 / math::sqrt((a + 1.0 / a) * (1.0 / s - 1.0) + 2.0))
}

/// One cookbook section (second order, or first order for `LowPass1`/`HighPass1`).
pub fn cookbook(kind: FilterKind, fs: f64, f0: f64, q: f64, gain_db: f64) -> Coeffs {
    let w0 = 2.0 * PI * f0 / fs;
    let (sn, cs) = (math::sin(w0), math::cos(w0));
    let alpha = sn / (2.0 * q);
    let a = math::powf(10.0, gain_db / 40.0);
    match kind {
        FilterKind::LowPass => Coeffs::normalised(
            (1.0 - cs) / 2.0,
            1.0 - cs,
            (1.0 - cs) / 2.0,
            1.0 + alpha,
            -2.0 * cs,
            1.0 - alpha,
        ),
        FilterKind::HighPass => Coeffs::normalised(
            (1.0 + cs) / 2.0,
            -(1.0 + cs),
            (1.0 + cs) / 2.0,
            1.0 + alpha,
            -2.0 * cs,
            1.0 - alpha,
        ),
        FilterKind::BandPass => {
            Coeffs::normalised(alpha, 0.0, -alpha, 1.0 + alpha, -2.0 * cs, 1.0 - alpha)
        }
        FilterKind::Notch => {
            Coeffs::normalised(1.0, -2.0 * cs, 1.0, 1.0 + alpha, -2.0 * cs, 1.0 - alpha)
        }
        FilterKind::AllPass => Coeffs::normalised(
            1.0 - alpha,
            -2.0 * cs,
            1.0 + alpha,
            1.0 + alpha,
            -2.0 * cs,
            1.0 - alpha,
        ),
        FilterKind::Peaking | FilterKind::LowShelf | FilterKind::HighShelf => {
            gain_section(kind, a, math::sqrt(a), cs, alpha)
        }
        FilterKind::LowPass1 | FilterKind::HighPass1 => {
            first_order(kind == FilterKind::HighPass1, f0, fs)
        }
        // Cascades are designed by `Design::sections`; a lone section of one is its first stage.
        FilterKind::ButterworthLowPass(_) | FilterKind::LinkwitzRileyLowPass(_) => {
            first_order(false, f0, fs)
        }
        FilterKind::ButterworthHighPass(_) | FilterKind::LinkwitzRileyHighPass(_) => {
            first_order(true, f0, fs)
        }
    }
}

/// The cookbook's peaking (any other `kind`), low-shelf and high-shelf sections from
/// `A = 10^(gain/40)`, its square root, `cos w0` and `alpha`. Shared with the dynamic EQ, which
/// recomputes its sections at control rate with a fast `A` (no `powf` per update).
pub(crate) fn gain_section(kind: FilterKind, a: f64, sqrt_a: f64, cs: f64, alpha: f64) -> Coeffs {
    match kind {
        FilterKind::LowShelf => {
            let sa = 2.0 * sqrt_a * alpha;
            Coeffs::normalised(
                a * ((a + 1.0) - (a - 1.0) * cs + sa),
                2.0 * a * ((a - 1.0) - (a + 1.0) * cs),
                a * ((a + 1.0) - (a - 1.0) * cs - sa),
                (a + 1.0) + (a - 1.0) * cs + sa,
                -2.0 * ((a - 1.0) + (a + 1.0) * cs),
                (a + 1.0) + (a - 1.0) * cs - sa,
            )
        }
        FilterKind::HighShelf => {
            let sa = 2.0 * sqrt_a * alpha;
            Coeffs::normalised(
                a * ((a + 1.0) + (a - 1.0) * cs + sa),
                -2.0 * a * ((a - 1.0) + (a + 1.0) * cs),
                a * ((a + 1.0) + (a - 1.0) * cs - sa),
                (a + 1.0) - (a - 1.0) * cs + sa,
                2.0 * ((a - 1.0) - (a + 1.0) * cs),
                (a + 1.0) - (a - 1.0) * cs - sa,
            )
        }
        _ => Coeffs::normalised(
            1.0 + alpha * a,
            -2.0 * cs,
            1.0 - alpha * a,
            1.0 + alpha / a,
            -2.0 * cs,
            1.0 - alpha / a,
        ),
    }
}

fn first_order(high: bool, f0: f64, fs: f64) -> Coeffs {
    let k = math::tan(PI * f0 / fs);
    let a1 = (k - 1.0) / (k + 1.0);
    if high {
        let b = 1.0 / (1.0 + k);
        Coeffs {
            b0: b,
            b1: -b,
            b2: 0.0,
            a1,
            a2: 0.0,
        }
    } else {
        let b = k / (1.0 + k);
        Coeffs {
            b0: b,
            b1: b,
            b2: 0.0,
            a1,
            a2: 0.0,
        }
    }
}

/// Butterworth of `order` as second-order sections (plus one first-order for odd orders),
/// written from `out[start]`; returns the number of sections.
fn butterworth(
    order: u8,
    f0: f64,
    fs: f64,
    high: bool,
    out: &mut [Coeffs; MAX_SECTIONS],
    start: usize,
) -> usize {
    let n = order as usize;
    let kind = if high {
        FilterKind::HighPass
    } else {
        FilterKind::LowPass
    };
    let mut i = start;
    for k in 0..n / 2 {
        let q = 1.0 / (2.0 * math::sin((2 * k + 1) as f64 * PI / (2 * n) as f64));
        out[i] = cookbook(kind, fs, f0, q, 0.0);
        i += 1;
    }
    if n % 2 == 1 {
        out[i] = first_order(high, f0, fs);
        i += 1;
    }
    i - start
}
