//! Mastering to a reference: from the [`Profile`] of a programme and of one or more references,
//! the plan of three stages, each with a strength from 0 (untouched) to 1 (all the way):
//!
//! * **EQ match**: the references' mid and side spectra (averaged in dB when there are
//!   several) minus the programme's, smoothed over 1/3 octave on the log-frequency grid, its
//!   shape limited to ±12 dB around its mean, drawn by a [`MatchEq`] (mid/side linear-phase
//!   FIR). The curve keeps the level difference too; the loudness stage sets the final level.
//! * **Width match**: a side gain ([`StereoWidth`]) toward the references' side/mid energy,
//!   from the width the EQ stage leaves (which, at full EQ strength, already matches).
//! * **Loudness match**: the target the normalization then reaches, `programme + strength ·
//!   (reference − programme)` in LUFS (or a preset's), under the references' true peak as the
//!   ceiling (or the one given), through the true-peak limiter ([`mod@crate::master::normalize`]).
//!
//! The plan reports the applied curve per 1/3-octave band and the spectral distance to the
//! references before and (predicted) after: the RMS over the 1/3-octave bands from 40 Hz to
//! 16 kHz of the mid level difference, with the mean difference (a level) removed.
//!
//! Sits under [`crate::analysis`], above [`crate::master`] (whose `MatchEq`, `StereoWidth` and
//! normalization it plans for).

use super::profile::Profile;
use super::spectrum::{BAND_NUMBERS, NOMINAL_HZ, band_centre, band_edges, power_db};
use crate::db;
use crate::error::{Error, Range, Result};
use crate::master::loudness::ChannelLayout;
use crate::master::match_eq::{CurvePoint, MatchEq};
use crate::master::normalize::{
    InMemory, NormalizeReport, Programme, Sink, Target, Through, into_buffers, normalize_programme,
};
use crate::master::width::StereoWidth;
use crate::math;
use crate::processor::{Chain, ProcessSpec, Processor};
use crate::validate;
use alloc::boxed::Box;
use alloc::vec::Vec;

/// Limit of the curve's shape around its mean, dB.
pub const MAX_SHAPE_DB: f64 = 12.0;
/// Range of the width stage's side gain, dB (a width factor of at most 2).
pub const WIDTH_GAIN_DB: (f64, f64) = (-12.0, 6.0);
/// The bands the distance and the curve's mean are taken over, Hz.
pub const COMPARE_HZ: (f64, f64) = (40.0, 16_000.0);

/// How much of each stage to apply (each from 0 to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchStrengths {
    /// EQ match.
    pub eq: f64,
    /// Loudness match.
    pub loudness: f64,
    /// Width match.
    pub width: f64,
}

impl Default for MatchStrengths {
    fn default() -> Self {
        MatchStrengths {
            eq: 1.0,
            loudness: 1.0,
            width: 1.0,
        }
    }
}

impl MatchStrengths {
    /// Checks each strength is in [0, 1], naming the one that is not.
    pub fn validate(&self) -> Result<()> {
        validate::unit("eq", self.eq)?;
        validate::unit("loudness", self.loudness)?;
        validate::unit("width", self.width)?;
        Ok(())
    }
}

/// The applied correction in one 1/3-octave band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandCorrection {
    /// Nominal centre, Hz.
    pub band_hz: f64,
    /// Mid gain, dB.
    pub mid_db: f64,
    /// Side gain, dB.
    pub side_db: f64,
}

/// What mastering to the references will do.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchPlan {
    /// The EQ curve on the profile grid (strength applied).
    pub curve: Vec<CurvePoint>,
    /// The curve per 1/3-octave band (25 Hz – 20 kHz, below the profiles' top).
    pub bands: Vec<BandCorrection>,
    /// Side gain of the width stage, dB.
    pub width_gain_db: f64,
    /// The loudness target, LUFS, and ceiling, dBTP, of the normalization stage.
    pub target: Target,
    /// The references' profile (their average).
    pub reference: Profile,
    /// Spectral distance of the programme to the references, dB, before matching.
    pub distance_before_db: f64,
    /// The distance the EQ stage leaves, predicted from the profiles, dB.
    pub distance_after_db: f64,
}

/// The average of several profiles: spectra averaged in dB on their common grid, widths and
/// loudness in dB, the highest true peak.
pub fn average(profiles: &[Profile]) -> Result<Profile> {
    let first = profiles
        .first()
        .ok_or(Error::Empty { what: "references" })?;
    let g = profiles
        .iter()
        .map(|p| p.frequency_hz.len())
        .min()
        .unwrap_or(0);
    let n = profiles.len() as f64;
    let mean = |f: &dyn Fn(&Profile) -> f64| profiles.iter().map(f).sum::<f64>() / n;
    let curve = |f: &dyn Fn(&Profile, usize) -> f64| -> Vec<f64> {
        (0..g)
            .map(|k| profiles.iter().map(|p| f(p, k)).sum::<f64>() / n)
            .collect()
    };
    Ok(Profile {
        frequency_hz: first.frequency_hz[..g].to_vec(),
        mid_db: curve(&|p, k| p.mid_db[k]),
        side_db: curve(&|p, k| p.side_db[k]),
        width_db: mean(&|p| p.width_db),
        integrated_lufs: mean(&|p| p.integrated_lufs),
        true_peak_dbtp: profiles
            .iter()
            .map(|p| p.true_peak_dbtp)
            .fold(f64::NEG_INFINITY, f64::max),
        sample_rate: first.sample_rate,
        duration_s: profiles.iter().map(|p| p.duration_s).sum(),
        loud_s: profiles.iter().map(|p| p.loud_s).sum(),
    })
}

/// 1/3-octave smoothing of a curve on the 1/6-octave grid: each point with its neighbours,
/// weights ½, 1, ½ (half-weight ends: the window spans one third of an octave).
fn smooth(c: &[f64]) -> Vec<f64> {
    (0..c.len())
        .map(|i| {
            let (mut s, mut w) = (c[i], 1.0);
            if i > 0 {
                s += 0.5 * c[i - 1];
                w += 0.5;
            }
            if i + 1 < c.len() {
                s += 0.5 * c[i + 1];
                w += 0.5;
            }
            s / w
        })
        .collect()
}

/// Difference of two dB curves where both hold signal; 0 where either is silent.
fn difference(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            if x.is_finite() && y.is_finite() {
                x - y
            } else {
                0.0
            }
        })
        .collect()
}

/// The curve limited to ±[`MAX_SHAPE_DB`] around its mean over [`COMPARE_HZ`], within the
/// match EQ's ±24 dB.
fn limit(c: &[f64], freqs: &[f64]) -> Vec<f64> {
    let inside: Vec<f64> = c
        .iter()
        .zip(freqs)
        .filter(|(_, f)| (COMPARE_HZ.0..=COMPARE_HZ.1).contains(*f))
        .map(|(v, _)| *v)
        .collect();
    let mean = if inside.is_empty() {
        0.0
    } else {
        inside.iter().sum::<f64>() / inside.len() as f64
    };
    let max = crate::master::match_eq::MAX_CURVE_DB;
    c.iter()
        .map(|v| (mean + (v - mean).clamp(-MAX_SHAPE_DB, MAX_SHAPE_DB)).clamp(-max, max))
        .collect()
}

/// Power of a dB-density curve over the grid points inside `[lo, hi)` Hz (each point stands
/// for its 1/6 octave).
fn band_power(freqs: &[f64], density_db: &[f64], lo: f64, hi: f64) -> f64 {
    let w = math::powf(2.0, 1.0 / 6.0) - 1.0;
    freqs
        .iter()
        .zip(density_db)
        .filter(|(f, d)| **f >= lo && **f < hi && d.is_finite())
        .map(|(f, d)| db::db_to_power(*d) * f * w)
        .sum()
}

/// RMS over the 1/3-octave bands in [`COMPARE_HZ`] of `a − b` (band levels), mean removed.
pub fn spectral_distance(freqs: &[f64], a: &[f64], b: &[f64]) -> f64 {
    let mut d = Vec::new();
    for x in BAND_NUMBERS {
        let c = band_centre(x);
        if c < COMPARE_HZ.0 * 0.99 || c > COMPARE_HZ.1 * 1.01 {
            continue;
        }
        let (lo, hi) = band_edges(c);
        let (pa, pb) = (band_power(freqs, a, lo, hi), band_power(freqs, b, lo, hi));
        if pa > 0.0 && pb > 0.0 {
            d.push(power_db(pa) - power_db(pb));
        }
    }
    if d.is_empty() {
        return 0.0;
    }
    let mean = d.iter().sum::<f64>() / d.len() as f64;
    math::sqrt(d.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / d.len() as f64)
}

/// Plans the match of `programme` to `references` (averaged). `target`: a loudness target
/// (a preset's) instead of the references' loudness, and its ceiling; without one the target is
/// the references' loudness and the ceiling their true peak (at most −0.1 dBTP, at least −30).
pub fn plan(
    programme: &Profile,
    references: &[Profile],
    strengths: MatchStrengths,
    target: Option<Target>,
) -> Result<MatchPlan> {
    strengths.validate()?;
    let reference = average(references)?;
    let g = programme
        .frequency_hz
        .len()
        .min(reference.frequency_hz.len());
    if g == 0 {
        return Err(Error::Empty {
            what: "profile grid",
        });
    }
    let freqs = &programme.frequency_hz[..g];
    let raw_mid = difference(&reference.mid_db[..g], &programme.mid_db[..g]);
    let raw_side = difference(&reference.side_db[..g], &programme.side_db[..g]);
    let mid = limit(&smooth(&raw_mid), freqs);
    let side = limit(&smooth(&raw_side), freqs);
    let curve: Vec<CurvePoint> = (0..g)
        .map(|k| CurvePoint {
            frequency_hz: freqs[k],
            mid_db: strengths.eq * mid[k],
            side_db: strengths.eq * side[k],
        })
        .collect();
    let after_mid: Vec<f64> = (0..g)
        .map(|k| programme.mid_db[k] + curve[k].mid_db)
        .collect();
    let after_side: Vec<f64> = (0..g)
        .map(|k| programme.side_db[k] + curve[k].side_db)
        .collect();
    // Width after the EQ stage, then the side gain toward the references'; both read from
    // the grid, so a programme matched to itself asks for no gain at all.
    let grid_width = |side: &[f64], mid: &[f64]| {
        power_db(band_power(freqs, side, 0.0, f64::INFINITY))
            - power_db(band_power(freqs, mid, 0.0, f64::INFINITY))
    };
    let width_after_eq = grid_width(&after_side, &after_mid);
    let width_ref = grid_width(&reference.side_db[..g], &reference.mid_db[..g]);
    let width_gain_db = if width_after_eq.is_finite() && width_ref.is_finite() {
        (strengths.width * (width_ref - width_after_eq)).clamp(WIDTH_GAIN_DB.0, WIDTH_GAIN_DB.1)
    } else {
        0.0
    };
    let target = match target {
        Some(t) => Target::new(
            programme.integrated_lufs
                + strengths.loudness * (t.integrated_lufs - programme.integrated_lufs),
            t.ceiling_dbtp,
        )?,
        None => Target::new(
            programme.integrated_lufs
                + strengths.loudness * (reference.integrated_lufs - programme.integrated_lufs),
            reference.true_peak_dbtp.clamp(-30.0, -0.1),
        )?,
    };
    let mut eq = MatchEq::new(&curve)?;
    eq.set_strength(1.0)?;
    let bands = BAND_NUMBERS
        .zip(NOMINAL_HZ)
        .map(|(x, nominal)| (band_centre(x), nominal))
        .filter(|(c, _)| *c <= freqs[g - 1] * 1.01)
        .map(|(c, nominal)| {
            let (m, s) = eq.gain_db(c);
            BandCorrection {
                band_hz: nominal,
                mid_db: m,
                side_db: s,
            }
        })
        .collect();
    Ok(MatchPlan {
        distance_before_db: spectral_distance(
            freqs,
            &programme.mid_db[..g],
            &reference.mid_db[..g],
        ),
        distance_after_db: spectral_distance(freqs, &after_mid, &reference.mid_db[..g]),
        curve,
        bands,
        width_gain_db,
        target,
        reference,
    })
}

impl MatchPlan {
    /// The EQ stage.
    pub fn eq(&self) -> Result<MatchEq> {
        MatchEq::new(&self.curve)
    }

    /// The width stage (a side gain; width 1 when there is none).
    pub fn width(&self) -> Result<StereoWidth> {
        let mut w = StereoWidth::new();
        w.set_width(db::db_to_gain(self.width_gain_db).clamp(0.0, 2.0))?;
        Ok(w)
    }

    /// [`MatchPlan::chain`], prepared for `sample_rate` and `channels` (blocks of any size).
    pub fn prepared_chain(&self, sample_rate: f64, channels: usize) -> Result<Chain> {
        let mut chain = self.chain(channels)?;
        chain.prepare(ProcessSpec::new(sample_rate, 4096, channels))?;
        Ok(chain)
    }

    /// The EQ and width stages as one chain for `channels` (mono: the EQ alone); prepare it
    /// before use.
    pub fn chain(&self, channels: usize) -> Result<Chain> {
        validate::in_range("channels", channels as f64, Range::closed(1.0, 2.0))?;
        let mut chain = Chain::new().with(self.eq()?);
        if channels == 2 {
            chain = chain.with(self.width()?);
        }
        Ok(chain)
    }
}

/// Masters `programme` by `plan`: through the EQ and width stages, then normalized to the
/// plan's target through the true-peak limiter ([`normalize_programme`]); `sink` sees every
/// trial pass, the last being the result. Returns the normalization's report.
pub fn master_programme<P: Programme>(
    sample_rate: f64,
    programme: P,
    plan: &MatchPlan,
    sink: &mut Sink<'_, P::Error>,
) -> core::result::Result<NormalizeReport, P::Error> {
    let channels = programme.channels();
    let chain = plan.prepared_chain(sample_rate, channels)?;
    let mut through = Through::new(programme, Box::new(chain));
    normalize_programme(
        sample_rate,
        &ChannelLayout::for_channels(channels),
        &mut through,
        plan.target,
        sink,
    )
}

/// [`master_programme`] for a programme in memory: returns the mastered channels and the
/// report.
pub fn master_in_memory(
    sample_rate: f64,
    channels: &[Vec<f32>],
    plan: &MatchPlan,
) -> Result<(Vec<Vec<f32>>, NormalizeReport)> {
    let frames = channels.first().map_or(0, |c| c.len());
    if frames == 0 {
        return Err(Error::Empty { what: "programme" });
    }
    if let Some((c, ch)) = channels.iter().enumerate().find(|(_, c)| c.len() != frames) {
        return Err(Error::ChannelLengths {
            first: frames,
            channel: c,
            len: ch.len(),
        });
    }
    let mut out = alloc::vec![alloc::vec![0.0f32; frames]; channels.len()];
    let report = master_programme(
        sample_rate,
        InMemory::new(channels),
        plan,
        &mut into_buffers(&mut out),
    )?;
    Ok((out, report))
}
