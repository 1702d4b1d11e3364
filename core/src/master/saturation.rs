//! [`Saturation`]: analog-style soft clipping, oversampled so the harmonics it creates above
//! Nyquist are filtered away instead of folding back as aliases.
//!
//! Curves: [`Curve::Symmetric`] `tanh(g·x)` (odd harmonics, tape-like), [`Curve::Asymmetric`]
//! `tanh(g·x + b) − tanh(b)` (even and odd harmonics, tube-like; the DC it makes is removed by a
//! 5 Hz high-pass). `drive_db` sets `g`, `output_db` trims the level, `mix` blends with the dry
//! signal, which is delayed by the oversampler's latency so the blend is phase-aligned.

use alloc::vec;
use alloc::vec::Vec;

use crate::db;
use crate::denormal::{self, FlushGrid};
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
const BIAS: f32 = 0.35;

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

/// Oversampled soft clipper for any number of channels.
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

    #[inline]
    fn shape(curve: Curve, g: f32, x: f32) -> f32 {
        match curve {
            Curve::Symmetric => math::tanh((g * x) as f64) as f32,
            Curve::Asymmetric => {
                (math::tanh((g * x + BIAS) as f64) - math::tanh(BIAS as f64)) as f32
            }
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
        for (c, x) in block.iter_mut().enumerate() {
            let (mut dr, mut out, mut mx) = start;
            let os = &mut self.os[c];
            os.upsample(x, &mut self.os_buf[..n * l]);
            // Drive per oversampled sample, ramped per base frame.
            for chunk in self.os_buf[..n * l].chunks_exact_mut(l) {
                let g = dr.tick() as f32;
                for v in chunk.iter_mut() {
                    *v = Self::shape(self.curve, g, *v);
                }
            }
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
            .map(|_| Oversampler::new(self.factor, m))
            .collect::<Result<_>>()?;
        self.os_buf = vec![0.0; m * self.factor];
        self.wet = vec![0.0; m];
        let lat = self.os[0].latency();
        self.dry = vec![vec![0.0; lat.max(1)]; spec.channels];
        self.dc = cookbook(FilterKind::HighPass1, spec.sample_rate, 5.0, 0.7, 0.0);
        self.dc_state = vec![SectionState::default(); spec.channels];
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
                "Oversampling factor: 2, 4 or 8 (less aliasing, more cost).",
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
