//! [`MatchEq`]: a mid/side linear-phase equalizer drawing a free correction curve, the EQ stage
//! of mastering to a reference (`mixmaster::analysis::matching` measures the curve from
//! profiles). The curve is a list of points `{ frequency_hz, mid_db, side_db }`, interpolated
//! in dB over log-frequency; `strength` scales it (0 flat, 1 all of it) and moves without a
//! click (the new filter crossfades in at the next partition). Needs feature `std`.
//!
//! Stereo input is encoded to mid and side, each filtered by its own [`LinearPhaseEq`] (same
//! length, so the same latency) and decoded; mono input gets the mid curve.
//!
//! Sits in `master/` on [`super::linear_phase_eq`] and [`super::width`]'s mid/side helpers.

use alloc::vec::Vec;

use super::linear_phase_eq::{LinearPhaseEq, TAPS_OPTION};
use super::width::{ms_decode_in_place, ms_encode_in_place};
use crate::error::{Range, Result};
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::validate;

/// Largest correction a curve point may ask, dB (either way).
pub const MAX_CURVE_DB: f64 = 24.0;

/// One point of a correction curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// Frequency, Hz.
    pub frequency_hz: f64,
    /// Gain of the mid (L+R)/2 at it, dB.
    pub mid_db: f64,
    /// Gain of the side (L−R)/2 at it, dB.
    pub side_db: f64,
}

/// The fields of a curve point table.
pub const POINT_FIELDS: &[OptionInfo] = &[
    OptionInfo::number(
        "frequency_hz",
        1.0,
        768_000.0,
        1000.0,
        "Hz",
        "Frequency of the point; points in ascending order.",
    ),
    OptionInfo::number(
        "mid_db",
        -MAX_CURVE_DB,
        MAX_CURVE_DB,
        0.0,
        "dB",
        "Gain of the mid at this frequency.",
    ),
    OptionInfo::number(
        "side_db",
        -MAX_CURVE_DB,
        MAX_CURVE_DB,
        0.0,
        "dB",
        "Gain of the side at this frequency.",
    ),
];

crate::params! { MatchEq {
    strength: [0.0, 1.0] = 1.0, "", "How much of the curve is applied: 0 flat, 1 all of it.",
        set = MatchEq::set_strength, get = |m| m.strength;
} }

/// Mid/side linear-phase EQ with a free curve (the reference-matching EQ).
///
/// Construction: [`MatchEq::new`] (returns a `Result`: a bad curve is an error naming the point).
/// Setters: [`MatchEq::set_strength`] validates and returns a `Result`.
/// By name: [`Processor::set_param`] over [`MatchEq::PARAMS`], or the
/// [registry](crate::registry) as kind `"match_eq"` (see docs/processors.md).
#[derive(Debug)]
pub struct MatchEq {
    points: Vec<CurvePoint>,
    strength: f64,
    taps: usize,
    mid: LinearPhaseEq,
    side: LinearPhaseEq,
    spec: Option<ProcessSpec>,
}

impl MatchEq {
    /// An EQ drawing `points` (ascending frequency; gains within ±24 dB) at full strength.
    pub fn new(points: &[CurvePoint]) -> Result<Self> {
        let mut mid = LinearPhaseEq::new(&[])?;
        let mut side = LinearPhaseEq::new(&[])?;
        for p in points {
            validate::in_range(
                "mid_db",
                p.mid_db,
                Range::closed(-MAX_CURVE_DB, MAX_CURVE_DB),
            )?;
            validate::in_range(
                "side_db",
                p.side_db,
                Range::closed(-MAX_CURVE_DB, MAX_CURVE_DB),
            )?;
        }
        let m: Vec<(f64, f64)> = points.iter().map(|p| (p.frequency_hz, p.mid_db)).collect();
        let s: Vec<(f64, f64)> = points.iter().map(|p| (p.frequency_hz, p.side_db)).collect();
        mid.set_curve(&m)?;
        side.set_curve(&s)?;
        Ok(MatchEq {
            points: points.to_vec(),
            strength: 1.0,
            taps: 0,
            mid,
            side,
            spec: None,
        })
    }

    /// The curve.
    pub fn points(&self) -> &[CurvePoint] {
        &self.points
    }

    /// Strength in [0, 1] (scales the curve's dB); crossfades in, never allocates.
    pub fn set_strength(&mut self, strength: f64) -> Result<()> {
        self.mid.set_curve_scale(strength)?;
        self.side.set_curve_scale(strength)?;
        self.strength = strength;
        Ok(())
    }

    /// FIR length (odd, 63 to 65535) instead of the rate-scaled default; at the next `prepare`.
    pub fn set_taps(&mut self, taps: usize) -> Result<()> {
        self.mid.set_taps(taps)?;
        self.side.set_taps(taps)?;
        self.taps = taps;
        Ok(())
    }

    /// The applied gain of the mid and side at `f` Hz (the curve times the strength), dB.
    pub fn gain_db(&self, f: f64) -> (f64, f64) {
        (self.mid.curve_db(f), self.side.curve_db(f))
    }
}

impl Processor for MatchEq {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate_channels("match EQ", |c| c == 1 || c == 2, "1 or 2")?;
        let one = ProcessSpec::new(spec.sample_rate, spec.max_block_frames, 1);
        self.mid.prepare(one)?;
        self.side.prepare(one)?;
        self.spec = Some(spec);
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        match block {
            [mono] => self.mid.process_block(&mut [&mut **mono]),
            [left, right] => {
                ms_encode_in_place(left, right);
                self.mid.process_block(&mut [&mut **left]);
                self.side.process_block(&mut [&mut **right]);
                ms_decode_in_place(left, right);
            }
            _ => {}
        }
    }

    fn reset(&mut self) {
        self.mid.reset();
        self.side.reset();
    }

    fn latency_frames(&self) -> usize {
        self.mid.latency_frames()
    }

    fn tail_frames(&self) -> usize {
        self.mid.tail_frames()
    }
}

impl Describe for MatchEq {
    const DESCRIPTION: &'static Description = &Description {
        kind: "match_eq",
        aliases: &[],
        class_name: "MatchEQ",
        summary: "Mid/side linear-phase EQ drawing a free curve (mastering to a reference); latency as the linear-phase EQ.",
        channels: "1 or 2",
        params: MatchEq::PARAMS,
        options: &[
            OptionInfo::list(
                "curve",
                POINT_FIELDS,
                "The correction: tables of frequency_hz, mid_db, side_db in ascending frequency (from `mixmaster master --reference` or a measured profile).",
            ),
            TAPS_OPTION,
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let points = o.list("curve", |p| {
            Ok(CurvePoint {
                frequency_hz: p.number("frequency_hz")?,
                mid_db: p.number("mid_db")?,
                side_db: p.number("side_db")?,
            })
        })?;
        let mut eq = MatchEq::new(&points)?;
        let taps = o.number("taps")? as usize;
        if taps != 0 {
            eq.set_taps(taps)?;
        }
        Ok(eq)
    }

    fn options(&self) -> Settings {
        let curve = self
            .points
            .iter()
            .map(|p| {
                Settings::new()
                    .with("frequency_hz", p.frequency_hz)
                    .with("mid_db", p.mid_db)
                    .with("side_db", p.side_db)
            })
            .collect::<Vec<_>>();
        Settings::new()
            .with("curve", curve)
            .with("taps", self.taps as f64)
    }
}
