//! Pan laws, mono-to-stereo panning and stereo balance.
//!
//! A pan law maps a position `x` in [0, 1] (0 hard left, 1 hard right; `x = (pan + 1) / 2`) to a
//! pair of gains `(gL, gR)`. Every law gives (1, 0) at the left and (0, 1) at the right; they
//! differ in the centre:
//!
//! | law | gL(x), gR(x) | centre gain |
//! |---|---|---|
//! | [`PanLaw::Linear`] | 1 − x, x | 0.5 (−6.02 dB) |
//! | [`PanLaw::ConstantPower`] | cos(xπ/2), sin(xπ/2) | 0.7071 (−3.01 dB) |
//! | [`PanLaw::Compromise`] | √((1 − x)·cos(xπ/2)), √(x·sin(xπ/2)) | 0.5946 (−4.5 dB) |
//! | [`PanLaw::SquareRoot`] | √(1 − x), √x | 0.7071 (−3.01 dB) |
//!
//! The gains are not renormalised: at the centre each channel gets the centre gain above (the
//! usual convention on desks and in the Web Audio API). Multiply by `1 / centre_gain()` for a law
//! that is unity at the centre.
//!
//! Stereo balance uses the Web Audio `StereoPannerNode` structure for every law: for pan ≤ 0 the
//! right input is moved into the left (`L' = L + R·gL(x)`, `R' = R·gR(x)` with `x = pan + 1`),
//! for pan > 0 the left into the right (`L' = L·gL(x)`, `R' = R + L·gR(x)` with `x = pan`). With
//! [`PanLaw::ConstantPower`] it is exactly the Web Audio algorithm, for mono and stereo input.

use crate::error::{Range, Result};
use crate::math;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::smooth::{DEFAULT_GAIN_RAMP_S, Smoothed};
use crate::validate;
use core::f64::consts::FRAC_PI_2;

/// How gains depend on the pan position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PanLaw {
    /// Linear, −6 dB at the centre.
    Linear,
    /// Sine/cosine constant power, −3 dB at the centre (Web Audio).
    #[default]
    ConstantPower,
    /// Geometric mean of linear and constant power, −4.5 dB at the centre.
    Compromise,
    /// Square root of linear, −3 dB at the centre.
    SquareRoot,
}

impl PanLaw {
    /// Gains `(left, right)` at position `x` in [0, 1] (clamped).
    #[inline]
    pub fn gains(self, x: f64) -> (f64, f64) {
        let x = x.clamp(0.0, 1.0);
        match self {
            PanLaw::Linear => (1.0 - x, x),
            PanLaw::ConstantPower => (math::cos(x * FRAC_PI_2), math::sin(x * FRAC_PI_2)),
            PanLaw::Compromise => (
                math::sqrt((1.0 - x) * math::cos(x * FRAC_PI_2).max(0.0)),
                math::sqrt(x * math::sin(x * FRAC_PI_2)),
            ),
            PanLaw::SquareRoot => (math::sqrt(1.0 - x), math::sqrt(x)),
        }
    }

    /// Gain of each channel at the centre.
    pub fn centre_gain(self) -> f64 {
        self.gains(0.5).0
    }

    /// Parses "linear", "constant_power" (or "equal_power", "sincos", "-3db"), "compromise"
    /// (or "-4.5db"), "square_root" (or "sqrt").
    pub fn from_name(name: &str) -> Option<PanLaw> {
        Some(match name {
            "linear" | "-6db" => PanLaw::Linear,
            "constant_power" | "equal_power" | "sincos" | "-3db" => PanLaw::ConstantPower,
            "compromise" | "-4.5db" => PanLaw::Compromise,
            "square_root" | "sqrt" => PanLaw::SquareRoot,
            _ => return None,
        })
    }
}

/// Gains `(a, b)` of the balance structure: see the module docs.
#[inline]
fn balance_gains(law: PanLaw, pan: f64) -> (f64, f64) {
    if pan <= 0.0 {
        law.gains(pan + 1.0)
    } else {
        law.gains(pan)
    }
}

/// What the panner does with its two channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PanMode {
    /// Channel 0 is a mono source; it is panned into channels 0 and 1 (channel 1's input is
    /// ignored).
    #[default]
    MonoToStereo,
    /// Stereo balance (Web Audio `StereoPannerNode` structure for stereo input).
    Balance,
}

crate::params! { Panner {
    pan: [-1.0, 1.0] = 0.0, "", "Position: -1 hard left, 0 centre, +1 hard right.",
        set = Panner::set_pan, get = |p| p.pan.target();
} }

/// A two-channel panner, smoothed per sample.
///
/// Construction: [`Panner::new`] (never fails).
/// Setters: [`Panner::set_pan`] validate and return a `Result` naming the parameter and its range; [`Panner::set_law`], [`Panner::set_mode`] cannot fail.
/// By name: [`Processor::set_param`] over [`Panner::PARAMS`], or the
/// [registry](crate::registry) as kind `"pan"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct Panner {
    law: PanLaw,
    mode: PanMode,
    pan: Smoothed,
    spec: Option<ProcessSpec>,
}

impl Default for Panner {
    fn default() -> Self {
        Panner::new(PanLaw::default(), PanMode::default())
    }
}

impl Panner {
    /// A centred panner.
    pub fn new(law: PanLaw, mode: PanMode) -> Self {
        Panner {
            law,
            mode,
            pan: Smoothed::new(0.0),
            spec: None,
        }
    }

    /// Sets the position: −1 hard left, 0 centre, +1 hard right.
    pub fn set_pan(&mut self, pan: f64) -> Result<()> {
        validate::in_range("pan", pan, Range::closed(-1.0, 1.0))?;
        if self.spec.is_some() {
            self.pan.set_target(pan);
        } else {
            self.pan.set_immediate(pan);
        }
        Ok(())
    }

    /// The position (target).
    pub fn pan(&self) -> f64 {
        self.pan.target()
    }

    /// Sets the law (takes effect at once).
    pub fn set_law(&mut self, law: PanLaw) {
        self.law = law;
    }

    /// The law.
    pub fn law(&self) -> PanLaw {
        self.law
    }

    /// Sets the mode.
    pub fn set_mode(&mut self, mode: PanMode) {
        self.mode = mode;
    }

    /// Output gains `(left, right)` for a mono source at the current target position.
    pub fn mono_gains(&self) -> (f64, f64) {
        self.law.gains((self.pan.target() + 1.0) * 0.5)
    }

    /// A block through the panner at a fixed position `pan` (−1 to 1), in place.
    pub fn block(law: PanLaw, mode: PanMode, pan: f64, left: &mut [f32], right: &mut [f32]) {
        match mode {
            PanMode::MonoToStereo => {
                let (gl, gr) = law.gains((pan + 1.0) * 0.5);
                let (gl, gr) = (gl as f32, gr as f32);
                for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                    let m = *l;
                    *l = m * gl;
                    *r = m * gr;
                }
            }
            PanMode::Balance => {
                let (gl, gr) = balance_gains(law, pan);
                let (gl, gr) = (gl as f32, gr as f32);
                if pan <= 0.0 {
                    for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                        *l += *r * gl;
                        *r *= gr;
                    }
                } else {
                    for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                        *r += *l * gr;
                        *l *= gl;
                    }
                }
            }
        }
    }

    /// One frame through the panner at position `pan` (−1 to 1): the per-sample math the
    /// processor uses, for callers (such as the mixer) that pan with their own gains.
    #[inline]
    pub fn frame(law: PanLaw, mode: PanMode, pan: f64, l: f32, r: f32) -> (f32, f32) {
        match mode {
            PanMode::MonoToStereo => {
                let (gl, gr) = law.gains((pan + 1.0) * 0.5);
                (l * gl as f32, l * gr as f32)
            }
            PanMode::Balance => {
                let (gl, gr) = balance_gains(law, pan);
                if pan <= 0.0 {
                    (l + r * gl as f32, r * gr as f32)
                } else {
                    (l * gl as f32, r + l * gr as f32)
                }
            }
        }
    }
}

impl Processor for Panner {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate_channels("panner", |c| c == 2, "exactly 2")?;
        self.spec = Some(spec);
        self.pan.set_ramp(DEFAULT_GAIN_RAMP_S, spec.sample_rate);
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let [left, right] = block else { return };
        let (law, mode) = (self.law, self.mode);
        if self.pan.is_smoothing() {
            for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                let p = self.pan.tick();
                (*l, *r) = Self::frame(law, mode, p, *l, *r);
            }
            return;
        }
        Self::block(law, mode, self.pan.value(), left, right);
    }

    fn reset(&mut self) {
        self.pan.finish();
    }
}

const LAW_NAMES: &[&str] = &["constant_power", "linear", "compromise", "square_root"];

impl Describe for Panner {
    const DESCRIPTION: &'static Description = &Description {
        kind: "pan",
        aliases: &["panner"],
        class_name: "Pan",
        summary: "Two-channel panner: a mono source into stereo, or stereo balance, with a choice of pan law.",
        channels: "2",
        params: Panner::PARAMS,
        options: &[
            OptionInfo::choice(
                "law",
                LAW_NAMES,
                "constant_power",
                "Pan law: constant_power (-3 dB centre, Web Audio), linear (-6 dB), compromise (-4.5 dB), square_root (-3 dB).",
            ),
            OptionInfo::choice(
                "mode",
                &["mono_to_stereo", "balance"],
                "mono_to_stereo",
                "mono_to_stereo pans channel 0 into both; balance moves a stereo image.",
            ),
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let law = o.choice_with_aliases(
            "law",
            &[
                ("equal_power", "constant_power"),
                ("sincos", "constant_power"),
                ("-3db", "constant_power"),
                ("-6db", "linear"),
                ("-4.5db", "compromise"),
                ("sqrt", "square_root"),
            ],
        )?;
        let law = PanLaw::from_name(law).unwrap_or_default();
        let mode = match o.choice("mode")? {
            "balance" => PanMode::Balance,
            _ => PanMode::MonoToStereo,
        };
        Ok(Panner::new(law, mode))
    }

    fn options(&self) -> Settings {
        let law = match self.law {
            PanLaw::ConstantPower => "constant_power",
            PanLaw::Linear => "linear",
            PanLaw::Compromise => "compromise",
            PanLaw::SquareRoot => "square_root",
        };
        let mode = match self.mode {
            PanMode::MonoToStereo => "mono_to_stereo",
            PanMode::Balance => "balance",
        };
        Settings::new().with("law", law).with("mode", mode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn centre_gains_are_as_documented() {
        assert_relative_eq!(PanLaw::Linear.centre_gain(), 0.5, epsilon = 1e-12);
        assert_relative_eq!(
            PanLaw::ConstantPower.centre_gain(),
            core::f64::consts::FRAC_1_SQRT_2,
            epsilon = 1e-12
        );
        assert_relative_eq!(
            crate::db::gain_to_db(PanLaw::Compromise.centre_gain()),
            -4.515,
            epsilon = 0.01
        );
        assert_relative_eq!(
            PanLaw::SquareRoot.centre_gain(),
            core::f64::consts::FRAC_1_SQRT_2,
            epsilon = 1e-12
        );
        for law in [
            PanLaw::Linear,
            PanLaw::ConstantPower,
            PanLaw::Compromise,
            PanLaw::SquareRoot,
        ] {
            let (l0, r0) = law.gains(0.0);
            let (l1, r1) = law.gains(1.0);
            assert_relative_eq!(l0, 1.0, epsilon = 1e-12);
            assert!(r0.abs() < 1e-12 && l1.abs() < 1e-7);
            assert_relative_eq!(r1, 1.0, epsilon = 1e-12);
        }
    }
}
