//! The stereo image: correlation (overall, over time in 400 ms windows, and in three bands),
//! width (side against mid energy), left/right balance, and mono compatibility (the loudness
//! change of the mono fold-down and the 1/3-octave bands that lose most in it).
//!
//! Correlation is the correlation meter's: Σ L·R / √(Σ L² · Σ R²), +1 for mono, −1 for a
//! channel pair of opposite polarity, 0 for unrelated channels and for silence.
//!
//! Sits under [`crate::analysis`]; reads the [`super::spectrum`] cross-spectrum.

use super::spectrum::{PowerSpectra, Spectrum, band_edges, power_db};
use crate::math;
use alloc::vec::Vec;

/// Window of the correlation series, seconds.
pub const CORRELATION_WINDOW_S: f64 = 0.4;
/// Upper edge of the low band, Hz.
pub const LOW_BAND_HZ: f64 = 200.0;
/// Lower edge of the high band, Hz.
pub const HIGH_BAND_HZ: f64 = 5000.0;
/// A band is listed as lost in mono when its fold-down is this much below the stereo level.
/// Unrelated (decorrelated) channels lose 3.0 dB, which is mono-safe; the margin above it and
/// the significance test below keep estimation noise on such content out of the list.
pub const MONO_LOSS_DB: f64 = 3.5;
/// ... and when the band's correlation is negative beyond this many standard errors of the
/// estimate of unrelated channels (1/√(bins · segments)).
pub const MONO_LOSS_SIGMAS: f64 = 3.0;

/// A 1/3-octave band that loses level in the mono fold-down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonoLoss {
    /// Nominal band centre, Hz.
    pub band_hz: f64,
    /// Level of the fold-down (L+R)/2 against the mean of the channels, dB (negative; `-inf`
    /// where it cancels completely).
    pub loss_db: f64,
}

/// The stereo part of an analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Stereo {
    /// Correlation over the whole programme.
    pub correlation: f64,
    /// Correlation per 400 ms window.
    pub correlation_series: Vec<f64>,
    /// Spacing of that series, seconds.
    pub correlation_hop_s: f64,
    /// Correlation below 200 Hz.
    pub correlation_low: f64,
    /// Correlation from 200 Hz to 5 kHz.
    pub correlation_mid: f64,
    /// Correlation above 5 kHz.
    pub correlation_high: f64,
    /// Side energy against mid energy, dB (`-inf` for mono).
    pub width_db: f64,
    /// Loudness of the left channel alone minus the right's, LU (positive: leans left).
    pub balance_lu: f64,
    /// Integrated loudness of the mono fold-down (L+R)/2 played on both speakers minus the
    /// stereo programme's, LU (0 for mono, −3 for unrelated channels).
    pub mono_change_lu: f64,
    /// Bands whose fold-down is more than [`MONO_LOSS_DB`] below the channels' mean level.
    pub mono_loss_bands: Vec<MonoLoss>,
}

/// Streaming time-domain statistics: correlation sums and the 400 ms series.
#[derive(Debug, Clone)]
pub struct StereoStats {
    window: usize,
    pos: usize,
    win: [f64; 3],
    total: [f64; 3],
    mid: f64,
    side: f64,
    series: Vec<f64>,
    sample_rate: f64,
}

/// Correlation from Σ L·R, Σ L², Σ R²: 0 when either channel is silent.
pub fn correlation(lr: f64, ll: f64, rr: f64) -> f64 {
    let d = ll * rr;
    if d > 0.0 {
        (lr / math::sqrt(d)).clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

impl StereoStats {
    /// Statistics at `sample_rate`.
    pub fn new(sample_rate: f64) -> Self {
        StereoStats {
            window: (math::round(CORRELATION_WINDOW_S * sample_rate) as usize).max(1),
            pos: 0,
            win: [0.0; 3],
            total: [0.0; 3],
            mid: 0.0,
            side: 0.0,
            series: Vec::new(),
            sample_rate,
        }
    }

    /// Feeds a block of left and right (equal lengths, finite samples).
    pub fn add(&mut self, left: &[f32], right: &[f32]) {
        let mut start = 0;
        while start < left.len() {
            let take = (self.window - self.pos).min(left.len() - start);
            let (l, r) = (&left[start..start + take], &right[start..start + take]);
            let mut s = [0.0f64; 5];
            for (a, b) in l.iter().zip(r) {
                let (a, b) = (f64::from(*a), f64::from(*b));
                s[0] += a * b;
                s[1] += a * a;
                s[2] += b * b;
                s[3] += (a + b) * (a + b);
                s[4] += (a - b) * (a - b);
            }
            for ((w, t), v) in self.win.iter_mut().zip(&mut self.total).zip(&s) {
                *w += v;
                *t += v;
            }
            self.mid += s[3];
            self.side += s[4];
            self.pos += take;
            start += take;
            if self.pos == self.window {
                self.series
                    .push(correlation(self.win[0], self.win[1], self.win[2]));
                self.win = [0.0; 3];
                self.pos = 0;
            }
        }
    }

    /// The stereo report, given the spectra and the loudness read-outs the analyzer holds
    /// (integrated loudness of the programme, of each channel alone and of the fold-down).
    pub fn result(
        &self,
        spectra: &PowerSpectra,
        spectrum: &Spectrum,
        integrated: f64,
        left_lufs: f64,
        right_lufs: f64,
        mono_lufs: f64,
    ) -> Stereo {
        let band = |lo: f64, hi: f64| {
            correlation(
                spectra.sum(&spectra.cross, lo, hi),
                spectra.sum(&spectra.left, lo, hi),
                spectra.sum(&spectra.right, lo, hi),
            )
        };
        let mut series = self.series.clone();
        if self.pos > self.window / 2 {
            series.push(correlation(self.win[0], self.win[1], self.win[2]));
        }
        let loudest = spectrum
            .left_db
            .iter()
            .chain(&spectrum.right_db)
            .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let mut mono_loss_bands = Vec::new();
        for (i, &centre) in spectrum.band_hz.iter().enumerate() {
            let (lo, hi) = band_edges(centre);
            let mean =
                (spectra.sum(&spectra.left, lo, hi) + spectra.sum(&spectra.right, lo, hi)) / 2.0;
            // Bands 60 dB below the loudest hold nothing worth listing.
            if mean <= 0.0 || power_db(mean) < loudest - 60.0 {
                continue;
            }
            let loss = power_db(spectra.sum(&spectra.mid, lo, hi)) - power_db(mean);
            let r = band(lo, hi);
            let dof = (spectra.bins_in(lo, hi) as f64 * spectra.segments as f64).max(1.0);
            if loss < -MONO_LOSS_DB && r < -MONO_LOSS_SIGMAS / math::sqrt(dof) {
                mono_loss_bands.push(MonoLoss {
                    band_hz: spectrum.nominal_hz[i],
                    loss_db: loss,
                });
            }
        }
        let diff = |a: f64, b: f64| {
            if a == b { 0.0 } else { a - b }
        };
        Stereo {
            correlation: correlation(self.total[0], self.total[1], self.total[2]),
            correlation_series: series,
            correlation_hop_s: self.window as f64 / self.sample_rate,
            correlation_low: band(0.0, LOW_BAND_HZ),
            correlation_mid: band(LOW_BAND_HZ, HIGH_BAND_HZ),
            correlation_high: band(HIGH_BAND_HZ, f64::INFINITY),
            width_db: if self.side > 0.0 {
                power_db(self.side) - power_db(self.mid)
            } else {
                f64::NEG_INFINITY
            },
            balance_lu: diff(left_lufs, right_lufs),
            mono_change_lu: diff(mono_lufs, integrated),
            mono_loss_bands,
        }
    }
}
