//! Gain: a level in dB (or linear), smoothed per sample, with mute.
//!
//! The simplest processor, and the model for the others: parameters are targets, a [`Smoothed`]
//! ramps the linear gain, and the steady state is a plain multiply that the compiler vectorises.

use crate::db;
use crate::error::{Range, Result};
use crate::param;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, Options, Settings};
use crate::smooth::{DEFAULT_GAIN_RAMP_S, Smoothed};
use crate::validate;

/// Largest gain, in dB.
pub const MAX_GAIN_DB: f64 = 48.0;
/// Smallest gain other than silence, in dB; lower values (and `-inf`) mean silence.
pub const MIN_GAIN_DB: f64 = -150.0;

crate::params! { Gain {
    gain_db: [MIN_GAIN_DB, MAX_GAIN_DB] = 0.0, "dB", "Gain in dB; -inf is silence.",
        set = Gain::set_gain_db, get = |g| g.gain_db;
    mute(toggle): [0.0, 1.0] = 0.0, "", "Silences the output (smoothed).",
        set = |g, v| { g.set_muted(param::toggle("mute", v)?); Ok(()) },
        get = |g| f64::from(u8::from(g.muted));
} }

impl Describe for Gain {
    const DESCRIPTION: &'static Description = &Description {
        kind: "gain",
        aliases: &[],
        class_name: "Gain",
        summary: "A level change in dB, smoothed per sample, with mute.",
        channels: "any",
        params: Gain::PARAMS,
        options: &[],
        variants: &[],
    };

    fn from_options(_: &mut Options<'_>) -> Result<Self> {
        Ok(Gain::new())
    }

    fn options(&self) -> Settings {
        Settings::new()
    }
}

/// A smoothed gain with mute, for any number of channels.
///
/// Construction: [`Gain::new`] (never fails), [`Gain::with_db`] (returns a `Result`: invalid arguments are errors naming them).
/// Setters: [`Gain::set_gain_db`], [`Gain::set_gain_linear`], [`Gain::set_ramp_seconds`] validate and return a `Result` naming the parameter and its range; [`Gain::set_muted`] cannot fail.
/// By name: [`Processor::set_param`] over [`Gain::PARAMS`], or the
/// [registry](crate::registry) as kind `"gain"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct Gain {
    gain_db: f64,
    muted: bool,
    ramp_s: f64,
    smoother: Smoothed,
    spec: Option<ProcessSpec>,
}

impl Default for Gain {
    fn default() -> Self {
        Gain::new()
    }
}

impl Gain {
    /// Unity gain, not muted.
    pub fn new() -> Self {
        Gain {
            gain_db: 0.0,
            muted: false,
            ramp_s: DEFAULT_GAIN_RAMP_S,
            smoother: Smoothed::new(1.0),
            spec: None,
        }
    }

    /// A gain of `db` decibels (builder; panics never, clamps nothing: invalid values error).
    pub fn with_db(db: f64) -> Result<Self> {
        let mut g = Gain::new();
        g.set_gain_db(db)?;
        g.smoother.finish();
        Ok(g)
    }

    /// Sets the gain in dB, in [-150, 48]; `-inf` is accepted and means silence.
    pub fn set_gain_db(&mut self, db: f64) -> Result<()> {
        if db != f64::NEG_INFINITY {
            validate::in_range("gain_db", db, Range::closed(MIN_GAIN_DB, MAX_GAIN_DB))?;
        }
        self.gain_db = db;
        self.retarget();
        Ok(())
    }

    /// Sets the gain as a linear factor in [0, 251.19] (+48 dB).
    pub fn set_gain_linear(&mut self, gain: f64) -> Result<()> {
        validate::in_range(
            "gain_linear",
            gain,
            Range::closed(0.0, db::db_to_gain(MAX_GAIN_DB)),
        )?;
        self.set_gain_db(if gain == 0.0 {
            f64::NEG_INFINITY
        } else {
            db::gain_to_db(gain).max(MIN_GAIN_DB)
        })
    }

    /// The gain in dB (the target, not the ramping value).
    pub fn gain_db(&self) -> f64 {
        self.gain_db
    }

    /// Mutes (ramps to silence) or unmutes.
    pub fn set_muted(&mut self, muted: bool) {
        self.muted = muted;
        self.retarget();
    }

    /// Whether muted.
    pub fn muted(&self) -> bool {
        self.muted
    }

    /// Sets the smoothing ramp in seconds, [0, 10].
    pub fn set_ramp_seconds(&mut self, seconds: f64) -> Result<()> {
        self.ramp_s = validate::in_range("ramp_seconds", seconds, Range::closed(0.0, 10.0))?;
        if let Some(spec) = self.spec {
            self.smoother.set_ramp(seconds, spec.sample_rate);
        }
        Ok(())
    }

    fn target_linear(&self) -> f64 {
        if self.muted {
            0.0
        } else {
            db::db_to_gain(self.gain_db)
        }
    }

    fn retarget(&mut self) {
        let t = self.target_linear();
        if self.spec.is_some() {
            self.smoother.set_target(t);
        } else {
            self.smoother.set_immediate(t);
        }
    }
}

/// Multiplies every channel by a ramp from `smoother`, leaving `smoother` advanced by one block.
/// Shared by the processors whose output gain is smoothed per sample.
pub(crate) fn apply_smoothed_gain(smoother: &mut Smoothed, block: &mut [&mut [f32]]) {
    if !smoother.is_smoothing() {
        let g = smoother.value() as f32;
        if g != 1.0 {
            for ch in block.iter_mut() {
                for x in ch.iter_mut() {
                    *x *= g;
                }
            }
        }
        return;
    }
    let start = *smoother;
    for ch in block.iter_mut() {
        let mut s = start;
        for x in ch.iter_mut() {
            *x *= s.tick() as f32;
        }
        *smoother = s;
    }
}

impl Processor for Gain {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        self.spec = Some(spec);
        self.smoother.set_ramp(self.ramp_s, spec.sample_rate);
        self.smoother.set_immediate(self.target_linear());
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        apply_smoothed_gain(&mut self.smoother, block);
    }

    fn reset(&mut self) {
        self.smoother.set_immediate(self.target_linear());
    }
}
