//! Problem frequencies: narrow peaks of the long-term spectrum standing well above the
//! spectrum around them (ringing drums, room modes, harsh whistles), each with its frequency,
//! how far it stands out and an estimated Q, written as the peaking cut that would tame it.
//!
//! The reference level at a peak is the median level (dB) of the bins within half an octave on
//! either side, leaving out the peak's own main lobe: an octave-smoothed spectrum that the peak
//! does not pull up.
//!
//! Sits under [`crate::analysis`]; reads [`super::spectrum::PowerSpectra`].

use super::spectrum::{PowerSpectra, power_db};
use crate::math;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// A peak is listed when it stands this far above its surroundings, dB.
pub const EXCESS_DB: f64 = 6.0;
/// Lowest and highest frequency searched, Hz.
pub const SEARCH_HZ: (f64, f64) = (30.0, 16_000.0);
/// Peaks listed at most (the largest excesses).
pub const MAX_RESONANCES: usize = 12;

/// A narrow resonance.
#[derive(Debug, Clone, PartialEq)]
pub struct Resonance {
    /// Frequency, Hz (interpolated between bins).
    pub frequency_hz: f64,
    /// Level above the octave-smoothed spectrum, dB.
    pub excess_db: f64,
    /// Estimated Q (centre over −3 dB bandwidth, the analysis window's own width removed),
    /// between 0.5 and 40.
    pub q: f64,
}

impl Resonance {
    /// The suggested cut as an equalizer band in the session-file syntax (docs/session.md).
    pub fn suggested_band(&self) -> String {
        format!(
            "{{ kind = \"peaking\", frequency_hz = {:.1}, q = {:.1}, gain_db = {:.1} }}",
            self.frequency_hz,
            self.q,
            -self.excess_db.min(12.0)
        )
    }
}

/// Finds the resonances of `p` (power per bin, for example the mean of left and right).
pub fn find(s: &PowerSpectra, p: &[f64]) -> Vec<Resonance> {
    let bins = p.len();
    let db: Vec<f64> = p.iter().map(|v| power_db(*v).max(-300.0)).collect();
    let lo = (math::ceil(SEARCH_HZ.0 / s.bin_hz) as usize).max(3);
    let hi = (math::floor(SEARCH_HZ.1 / s.bin_hz) as usize).min(bins.saturating_sub(4));
    let half_octave = math::sqrt(2.0);
    let mut found: Vec<(usize, Resonance)> = Vec::new();
    let mut around = Vec::new();
    for k in lo..hi {
        if !(db[k] > db[k - 1] && db[k] >= db[k + 1]) || p[k] <= 0.0 {
            continue;
        }
        let f = k as f64 * s.bin_hz;
        let a = (math::floor(f / half_octave / s.bin_hz) as usize).max(1);
        let b = (math::ceil(f * half_octave / s.bin_hz) as usize).min(bins - 1);
        around.clear();
        around.extend((a..=b).filter(|&j| j.abs_diff(k) > 2).map(|j| db[j]));
        if around.len() < 4 {
            continue;
        }
        around.sort_by(f64::total_cmp);
        let smooth = around[around.len() / 2];
        // Parabolic interpolation of the peak on the dB curve.
        let (y0, y1, y2) = (db[k - 1], db[k], db[k + 1]);
        let den = y0 - 2.0 * y1 + y2;
        let (delta, top) = if den < 0.0 {
            let d = (0.5 * (y0 - y2) / den).clamp(-0.5, 0.5);
            (d, y1 - 0.25 * (y0 - y2) * d)
        } else {
            (0.0, y1)
        };
        let excess = top - smooth;
        if excess < EXCESS_DB {
            continue;
        }
        let frequency_hz = (k as f64 + delta) * s.bin_hz;
        let q = estimate_q(&db, k, top, frequency_hz, s.bin_hz);
        found.push((
            k,
            Resonance {
                frequency_hz,
                excess_db: excess,
                q,
            },
        ));
    }
    // Of peaks closer than 1/6 octave keep the one that stands out most.
    found.sort_by(|a, b| b.1.excess_db.total_cmp(&a.1.excess_db));
    let mut kept: Vec<Resonance> = Vec::new();
    let sixth = math::powf(2.0, 1.0 / 6.0);
    for (_, r) in found {
        let near = kept.iter().any(|k| {
            let ratio = r.frequency_hz / k.frequency_hz;
            ratio < sixth && ratio > 1.0 / sixth
        });
        if !near && kept.len() < MAX_RESONANCES {
            kept.push(r);
        }
    }
    kept.sort_by(|a, b| a.frequency_hz.total_cmp(&b.frequency_hz));
    kept
}

/// Q from the −3 dB points either side of the peak (linear interpolation between bins), with
/// the Hann window's own −3 dB width (1.44 bins) removed in quadrature.
fn estimate_q(db: &[f64], k: usize, top: f64, f0: f64, bin_hz: f64) -> f64 {
    let level = top - 3.0;
    let edge = |step: isize| -> f64 {
        let mut j = k as isize;
        loop {
            let next = j + step;
            if next < 0 || next as usize >= db.len() || (next - k as isize).abs() > 400 {
                return j as f64;
            }
            if db[next as usize] <= level {
                let (a, b) = (db[j as usize], db[next as usize]);
                let t = if a > b { (a - level) / (a - b) } else { 0.0 };
                return j as f64 + t * step as f64;
            }
            j = next;
        }
    };
    let width_bins = edge(1) - edge(-1);
    let own = 1.44;
    let bw = math::sqrt((width_bins * width_bins - own * own).max(0.25)) * bin_hz;
    (f0 / bw).clamp(0.5, 40.0)
}
