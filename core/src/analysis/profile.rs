//! A programme's tonal profile, the measurement that mastering to a reference compares: the
//! average spectra of its mid and side over its loud parts on a fixed 1/6-octave grid (so
//! profiles of any sample rate and length compare directly, without resampling), its width
//! over the same parts, its integrated loudness and true peak. Measured once, a profile can be
//! saved and matched against many tracks.
//!
//! "Loud parts": the Welch segments (about 170 ms) whose level is no more than 10 dB under the
//! power mean of the segments above −70 dBFS, the integrated loudness' relative gate applied
//! to segments. Segments are kept in 1 dB level classes while streaming, so the gate is found
//! at the end without a second pass.
//!
//! Sits under [`crate::analysis`]; reads [`super::spectrum::Welch`]'s segments and the loudness
//! meter of [`crate::master::loudness`].

use super::spectrum::{Segment, Welch, power_db};
use crate::error::{Error, Result};
use crate::master::loudness::{ChannelLayout, LoudnessMeter, MeterOptions};
use crate::master::true_peak::TruePeakMode;
use crate::math;
use alloc::vec::Vec;

/// Points per octave of the profile grid.
pub const POINTS_PER_OCTAVE: usize = 6;
/// Lowest and highest grid frequency, Hz.
pub const GRID_HZ: (f64, f64) = (20.0, 20_000.0);
/// Level classes of segments, dB: from −100 dBFS in 1 dB steps.
const CLASSES: usize = 112;
const CLASS_FLOOR_DB: f64 = -100.0;
/// Segments under this level are silence, not programme.
const ABSOLUTE_GATE_DB: f64 = -70.0;
/// The loud parts: within this of the power mean of the segments above the absolute gate.
pub const RELATIVE_GATE_DB: f64 = -10.0;

/// The grid frequencies below `limit_hz`: 20 Hz · 2^(i/6) up to 20 kHz.
pub fn grid(limit_hz: f64) -> Vec<f64> {
    (0..)
        .map(|i| GRID_HZ.0 * math::powf(2.0, i as f64 / POINTS_PER_OCTAVE as f64))
        .take_while(|f| *f <= GRID_HZ.1 * 1.001 && *f <= limit_hz)
        .collect()
}

/// A measured profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Grid frequencies, Hz (the first points of [`grid`]; fewer for low sample rates).
    pub frequency_hz: Vec<f64>,
    /// Mid power density at each, dB per hertz re full scale, averaged over the loud parts.
    pub mid_db: Vec<f64>,
    /// Side power density, same scale (`-inf` for a mono programme).
    pub side_db: Vec<f64>,
    /// Side against mid energy over the loud parts, dB.
    pub width_db: f64,
    /// Integrated loudness, LUFS.
    pub integrated_lufs: f64,
    /// True peak (BS.1770 4x), dBTP.
    pub true_peak_dbtp: f64,
    /// Sample rate it was measured at, Hz.
    pub sample_rate: f64,
    /// Seconds of programme measured, and of it in the loud parts.
    pub duration_s: f64,
    /// Seconds in the loud parts.
    pub loud_s: f64,
}

#[derive(Debug, Clone, Default)]
struct Class {
    segments: u64,
    power: f64,
    mid: Vec<f64>,
    side: Vec<f64>,
    mid_total: f64,
    side_total: f64,
}

/// Streaming profile measurement of a mono or stereo programme.
#[derive(Debug, Clone)]
pub struct ProfileMeter {
    welch: Welch,
    freqs: Vec<f64>,
    /// Per grid point: the bins averaged (a ±1/12-octave span, at least the nearest bin).
    spans: Vec<(usize, usize)>,
    classes: Vec<Class>,
    meter: LoudnessMeter,
    channels: usize,
    sample_rate: f64,
    frames: u64,
    mid: Vec<f64>,
    side: Vec<f64>,
}

impl ProfileMeter {
    /// A meter for `channels` (1 or 2) at `sample_rate`.
    pub fn new(sample_rate: f64, channels: usize) -> Result<Self> {
        if !(1..=2).contains(&channels) {
            return Err(Error::UnsupportedChannels {
                processor: "profile",
                channels,
                supported: "1 (mono) or 2 (stereo)",
            });
        }
        let meter = LoudnessMeter::with_options(
            sample_rate,
            ChannelLayout::for_channels(channels),
            MeterOptions {
                true_peak_mode: TruePeakMode::Standard,
                loudness_range: false,
                ..MeterOptions::default()
            },
        )?;
        let welch = Welch::new(sample_rate);
        let n = welch.len();
        let bin_hz = sample_rate / n as f64;
        let freqs = grid(0.45 * sample_rate);
        let half = math::powf(2.0, 0.5 / POINTS_PER_OCTAVE as f64);
        let spans = freqs
            .iter()
            .map(|f| {
                let a = (math::ceil(f / half / bin_hz) as usize).max(1);
                let b = (math::floor(f * half / bin_hz) as usize).min(n / 2);
                if a <= b {
                    (a, b + 1)
                } else {
                    let k = (math::round(f / bin_hz) as usize).clamp(1, n / 2);
                    (k, k + 1)
                }
            })
            .collect();
        let g = freqs.len();
        Ok(ProfileMeter {
            welch,
            spans,
            classes: (0..CLASSES)
                .map(|_| Class {
                    mid: alloc::vec![0.0; g],
                    side: alloc::vec![0.0; g],
                    ..Class::default()
                })
                .collect(),
            meter,
            channels,
            sample_rate,
            frames: 0,
            mid: alloc::vec![0.0; g],
            side: alloc::vec![0.0; g],
            freqs,
        })
    }

    /// Feeds planar audio (one slice per channel, equal lengths; non-finite samples count as
    /// silence).
    pub fn add_planar(&mut self, x: &[&[f32]]) -> Result<()> {
        let n = crate::validate::planar(x, self.channels)?;
        self.meter.add_planar(x);
        let clean = |c: &[f32]| -> Vec<f32> {
            c.iter()
                .map(|v| if v.is_finite() { *v } else { 0.0 })
                .collect()
        };
        let l = clean(x[0]);
        let r = if self.channels == 2 {
            clean(x[1])
        } else {
            l.clone()
        };
        let (spans, classes, mid, side) = (
            &self.spans,
            &mut self.classes,
            &mut self.mid,
            &mut self.side,
        );
        self.welch
            .add_each(&l, &r, |s| accumulate(s, spans, classes, mid, side));
        self.frames += n as u64;
        Ok(())
    }

    /// The profile so far; an error when nothing rose above the −70 dBFS gate.
    pub fn profile(&self) -> Result<Profile> {
        let above: Vec<&Class> = self
            .classes
            .iter()
            .enumerate()
            .filter(|(i, _)| class_db(*i) >= ABSOLUTE_GATE_DB)
            .map(|(_, c)| c)
            .collect();
        let count: u64 = above.iter().map(|c| c.segments).sum();
        if count == 0 {
            return Err(Error::Empty {
                what: "programme for a profile (nothing above -70 dBFS in a whole analysis segment)",
            });
        }
        let mean = above.iter().map(|c| c.power).sum::<f64>() / count as f64;
        let gate = power_db(mean) + RELATIVE_GATE_DB;
        let g = self.freqs.len();
        let (mut mid, mut side) = (alloc::vec![0.0; g], alloc::vec![0.0; g]);
        let (mut mid_total, mut side_total, mut loud) = (0.0, 0.0, 0u64);
        for (i, c) in self.classes.iter().enumerate() {
            // A class holds the segments from its floor to 1 dB above: it is loud when its top
            // reaches the gate.
            if class_db(i) + 1.0 < gate || c.segments == 0 {
                continue;
            }
            for k in 0..g {
                mid[k] += c.mid[k];
                side[k] += c.side[k];
            }
            mid_total += c.mid_total;
            side_total += c.side_total;
            loud += c.segments;
        }
        let segs = loud.max(1) as f64;
        let hop_s = self.welch.len() as f64 / 2.0 / self.sample_rate;
        Ok(Profile {
            frequency_hz: self.freqs.clone(),
            mid_db: mid.iter().map(|v| power_db(v / segs)).collect(),
            side_db: side.iter().map(|v| power_db(v / segs)).collect(),
            width_db: if side_total > 0.0 {
                power_db(side_total) - power_db(mid_total)
            } else {
                f64::NEG_INFINITY
            },
            integrated_lufs: self.meter.integrated_lufs(),
            true_peak_dbtp: self.meter.true_peak_dbtp(),
            sample_rate: self.sample_rate,
            duration_s: self.frames as f64 / self.sample_rate,
            loud_s: loud as f64 * hop_s,
        })
    }
}

fn class_db(i: usize) -> f64 {
    CLASS_FLOOR_DB + i as f64
}

/// Adds one segment's grid densities to its level class.
fn accumulate(
    s: &Segment<'_>,
    spans: &[(usize, usize)],
    classes: &mut [Class],
    mid: &mut [f64],
    side: &mut [f64],
) {
    let bins = s.left.len();
    let mut total = 0.0;
    let (mut mid_total, mut side_total) = (0.0, 0.0);
    let power = |k: usize| -> (f64, f64) {
        let (a, b) = (s.left[k], s.right[k]);
        let (mr, mi) = (0.5 * f64::from(a.re + b.re), 0.5 * f64::from(a.im + b.im));
        let (sr, si) = (0.5 * f64::from(a.re - b.re), 0.5 * f64::from(a.im - b.im));
        let w = if k == 0 || k == bins - 1 { 1.0 } else { 2.0 };
        (
            w * s.norm * (mr * mr + mi * mi),
            w * s.norm * (sr * sr + si * si),
        )
    };
    for k in 1..bins {
        let (m, sd) = power(k);
        mid_total += m;
        side_total += sd;
    }
    total += mid_total + side_total;
    for (i, &(a, b)) in spans.iter().enumerate() {
        let (mut m, mut sd) = (0.0, 0.0);
        for k in a..b {
            let (pm, ps) = power(k);
            m += pm;
            sd += ps;
        }
        let width = (b - a) as f64 * s.bin_hz;
        mid[i] = m / width;
        side[i] = sd / width;
    }
    let level = power_db(total);
    let class = if level.is_finite() {
        ((level - CLASS_FLOOR_DB).floor().max(0.0) as usize).min(CLASSES - 1)
    } else {
        0
    };
    let c = &mut classes[class];
    c.segments += 1;
    c.power += total;
    c.mid_total += mid_total;
    c.side_total += side_total;
    for (d, v) in c.mid.iter_mut().zip(mid.iter()) {
        *d += v;
    }
    for (d, v) in c.side.iter_mut().zip(side.iter()) {
        *d += v;
    }
}

/// Measures a whole programme's profile (planar mono or stereo).
pub fn measure_profile(channels: &[&[f32]], sample_rate: f64) -> Result<Profile> {
    let mut m = ProfileMeter::new(sample_rate, channels.len())?;
    m.add_planar(channels)?;
    m.profile()
}
