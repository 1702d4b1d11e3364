//! The analyzer: one streaming pass over a mono or stereo programme that feeds every
//! measurement of [`crate::analysis`] and assembles the [`Analysis`] report. Memory does not
//! depend on the programme's length beyond its time series (a few values per second).
//!
//! Sits at the top of [`crate::analysis`]: it drives the loudness meter of
//! [`crate::master::loudness`], the true-peak detectors of [`crate::master::true_peak`] and the
//! analysis parts beside it.

use super::dynamic_range::{DrMeter, DynamicRange};
use super::faults::{FaultScan, Faults, MAX_LISTED, Over};
use super::platform::{self, PlatformPreview};
use super::resonance::{self, Resonance};
use super::spectrum::{Spectrum, Welch};
use super::stereo::{Stereo, StereoStats};
use crate::db;
use crate::error::{Error, Result};
use crate::master::loudness::{ChannelLayout, LoudnessMeter, LoudnessReport, MeterOptions};
use crate::master::true_peak::{PeakDetector, TruePeakMode};
use crate::math;
use alloc::vec::Vec;

/// Spacing of the loudness and PSR series, seconds (rounded to the meter's quantum).
pub const HOP_S: f64 = 0.1;
/// Hops in the short-term window (3 s), over which PSR takes its true peak.
const SHORT_TERM_HOPS: usize = 30;
/// Frames per step of [`Analyzer::add_interleaved`]'s de-interleaving.
const STEP: usize = 4096;

/// What the analyzer is asked to do differently from its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnalysisOptions {
    /// How true peak is read (BS.1770's 4× interpolation by default).
    pub true_peak_mode: TruePeakMode,
}

/// Dynamics beyond the loudness meter's read-outs.
#[derive(Debug, Clone, PartialEq)]
pub struct Dynamics {
    /// Peak-to-loudness ratio: true peak minus integrated loudness, dB (`-inf` for silence).
    pub plr_db: f64,
    /// Peak-to-short-term-loudness ratio every [`HOP_S`]: the true peak of the last 3 s minus
    /// the short-term loudness, dB (`+inf` while the window is silent).
    pub psr_db: Vec<f64>,
    /// Smallest PSR (the most squashed moment), dB (`+inf` for silence).
    pub psr_min_db: f64,
    /// Crest factor per channel: sample peak over RMS, dB (`-inf` for a silent channel).
    pub crest_db: Vec<f64>,
    /// The DR value (DR14 / "TT Dynamic Range"); `None` for programmes under 12 s.
    pub dynamic_range: Option<DynamicRange>,
}

/// Everything `mixmaster analyze` reports about a programme.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Sample rate, Hz.
    pub sample_rate: f64,
    /// Channels (1 or 2).
    pub channels: usize,
    /// Loudness, true and sample peak and their series, as the meter gives them (true peak
    /// read in the analysis' mode).
    pub loudness: LoudnessReport,
    /// PLR, PSR, crest factors and DR.
    pub dynamics: Dynamics,
    /// Long-term spectra.
    pub spectrum: Spectrum,
    /// Stereo image and mono compatibility (a mono programme is analysed as identical
    /// channels: correlation 1, no side).
    pub stereo: Stereo,
    /// Technical faults.
    pub faults: Faults,
    /// Narrow resonances, lowest first.
    pub resonances: Vec<Resonance>,
    /// What each platform preset's normalization would do.
    pub platforms: Vec<PlatformPreview>,
}

/// Streaming analysis of a mono or stereo programme.
#[derive(Debug, Clone)]
pub struct Analyzer {
    sample_rate: f64,
    channels: usize,
    options: AnalysisOptions,
    meter: LoudnessMeter,
    /// Stereo only: each channel alone, and the fold-down played on both speakers.
    side_meters: Option<[LoudnessMeter; 3]>,
    peaks: Vec<PeakDetector>,
    channel_peak: Vec<f32>,
    hop: usize,
    /// Input frames waiting in `buf` for their hop to fill.
    pending: usize,
    buf: Vec<Vec<f32>>,
    hops: u64,
    momentary: Vec<f64>,
    short_term: Vec<f64>,
    psr: Vec<f64>,
    ring: [f32; SHORT_TERM_HOPS],
    overs: usize,
    over_times: Vec<Over>,
    in_over: bool,
    squares: Vec<f64>,
    dr: DrMeter,
    welch: Welch,
    stereo: StereoStats,
    faults: FaultScan,
    clean: Vec<Vec<f32>>,
    mid: Vec<f32>,
    frames: u64,
}

impl Analyzer {
    /// An analyzer for `channels` (1 or 2) at `sample_rate` (8 to 768 kHz).
    pub fn new(sample_rate: f64, channels: usize, options: AnalysisOptions) -> Result<Self> {
        if !(1..=2).contains(&channels) {
            return Err(Error::UnsupportedChannels {
                processor: "analysis",
                channels,
                supported: "1 (mono) or 2 (stereo)",
            });
        }
        let layout = ChannelLayout::for_channels(channels);
        let meter = LoudnessMeter::with_options(
            sample_rate,
            layout,
            MeterOptions {
                true_peak: false,
                ..MeterOptions::default()
            },
        )?;
        let one = |weight: f64| {
            LoudnessMeter::with_options(
                sample_rate,
                ChannelLayout::Custom(alloc::vec![weight]),
                MeterOptions::LOUDNESS_ONLY,
            )
        };
        let side_meters = if channels == 2 {
            Some([one(1.0)?, one(1.0)?, one(2.0)?])
        } else {
            None
        };
        let q = meter.quantum_frames();
        let hop = ((math::round(sample_rate * HOP_S) as usize / q).max(1)) * q;
        Ok(Analyzer {
            sample_rate,
            channels,
            options,
            meter,
            side_meters,
            peaks: (0..channels)
                .map(|_| PeakDetector::new(sample_rate, options.true_peak_mode))
                .collect(),
            channel_peak: alloc::vec![0.0; channels],
            hop,
            pending: 0,
            buf: alloc::vec![alloc::vec![0.0; hop]; channels],
            hops: 0,
            momentary: Vec::new(),
            short_term: Vec::new(),
            psr: Vec::new(),
            ring: [0.0; SHORT_TERM_HOPS],
            overs: 0,
            over_times: Vec::new(),
            in_over: false,
            squares: alloc::vec![0.0; channels],
            dr: DrMeter::new(sample_rate, channels),
            welch: Welch::new(sample_rate),
            stereo: StereoStats::new(sample_rate),
            faults: FaultScan::new(sample_rate, channels),
            clean: alloc::vec![alloc::vec![0.0; hop]; channels],
            mid: alloc::vec![0.0; hop],
            frames: 0,
        })
    }

    /// Channels analysed.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Frames analysed so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Feeds planar audio: one slice per channel, all the same length. NaN and infinite samples
    /// are analysed as silence and counted ([`Faults::non_finite`]).
    pub fn add_planar(&mut self, x: &[&[f32]]) -> Result<()> {
        let n = crate::validate::planar(x, self.channels)?;
        // Input collects into whole hops, so every measurement sees the same pieces whatever
        // the caller's block sizes: results do not depend on them, bit for bit.
        let mut start = 0;
        while start < n {
            let take = (n - start).min(self.hop - self.pending);
            for (b, c) in self.buf.iter_mut().zip(x) {
                b[self.pending..self.pending + take].copy_from_slice(&c[start..start + take]);
            }
            self.pending += take;
            start += take;
            if self.pending == self.hop {
                self.step(self.hop);
                self.pending = 0;
                self.end_hop();
            }
        }
        Ok(())
    }

    /// Feeds interleaved audio (`channels` samples per frame).
    pub fn add_interleaved(&mut self, x: &[f32]) -> Result<()> {
        if x.len() % self.channels != 0 {
            return Err(Error::BufferShape {
                len: x.len(),
                channels: self.channels,
            });
        }
        let frames = x.len() / self.channels;
        let mut planar = alloc::vec![alloc::vec![0.0f32; frames.min(STEP)]; self.channels];
        for chunk in x.chunks(STEP * self.channels) {
            let n = chunk.len() / self.channels;
            for (c, p) in planar.iter_mut().enumerate() {
                for (i, v) in p[..n].iter_mut().enumerate() {
                    *v = chunk[i * self.channels + c];
                }
            }
            let refs: Vec<&[f32]> = planar.iter().map(|p| &p[..n]).collect();
            self.add_planar(&refs)?;
        }
        Ok(())
    }

    /// Measures the first `n` buffered frames.
    fn step(&mut self, n: usize) {
        let raw: Vec<&[f32]> = self.buf.iter().map(|b| &b[..n]).collect();
        self.faults.count_non_finite(&raw);
        self.meter.add_planar(&raw);
        for (c, r) in raw.iter().enumerate() {
            for (d, s) in self.clean[c][..n].iter_mut().zip(r.iter()) {
                *d = if s.is_finite() { *s } else { 0.0 };
            }
        }
        let clean: Vec<&[f32]> = self.clean.iter().map(|c| &c[..n]).collect();
        let (l, r) = (clean[0], clean[self.channels - 1]);
        if let Some(m) = &mut self.side_meters {
            for ((d, a), b) in self.mid[..n].iter_mut().zip(l).zip(r) {
                *d = 0.5 * (a + b);
            }
            m[0].add_planar(&[l]);
            m[1].add_planar(&[r]);
            m[2].add_planar(&[&self.mid[..n]]);
        }
        for (c, x) in clean.iter().enumerate() {
            self.peaks[c].add(x);
            self.squares[c] += math::sum_squares(x);
        }
        self.dr.add(&clean);
        self.welch.add(l, r);
        self.stereo.add(l, r);
        self.faults.add(&clean);
        self.frames += n as u64;
    }

    /// Closes a [`HOP_S`] window: the series' next values, the PSR, the overs.
    fn end_hop(&mut self) {
        let mut p = 0.0f32;
        for (c, d) in self.peaks.iter_mut().enumerate() {
            let v = d.take_peak();
            self.channel_peak[c] = self.channel_peak[c].max(v);
            p = p.max(v);
        }
        self.note_over(p, self.hops);
        self.ring[(self.hops % SHORT_TERM_HOPS as u64) as usize] = p;
        self.hops += 1;
        self.momentary.push(self.meter.momentary_lufs());
        let st = self.meter.short_term_lufs();
        self.short_term.push(st);
        let window_peak = self.ring.iter().fold(0.0f32, |a, &b| a.max(b));
        self.psr.push(db::gain_to_db(f64::from(window_peak)) - st);
    }

    fn note_over(&mut self, peak: f32, hop: u64) {
        if peak > 1.0 {
            let dbtp = db::gain_to_db(f64::from(peak));
            if !self.in_over {
                self.overs += 1;
                if self.over_times.len() < MAX_LISTED {
                    self.over_times.push(Over {
                        time_s: (hop * self.hop as u64) as f64 / self.sample_rate,
                        peak_dbtp: dbtp,
                    });
                }
            } else if self.overs <= MAX_LISTED {
                if let Some(last) = self.over_times.last_mut() {
                    last.peak_dbtp = last.peak_dbtp.max(dbtp);
                }
            }
            self.in_over = true;
        } else {
            self.in_over = false;
        }
    }

    /// The report for everything fed so far.
    pub fn report(&self) -> Analysis {
        if self.pending > 0 {
            let mut me = self.clone();
            me.step(me.pending);
            me.pending = 0;
            return me.report_measured(self.pending);
        }
        self.report_measured(0)
    }

    /// The report once every frame is measured; the last `partial` frames are a window not yet
    /// closed by [`Analyzer::end_hop`].
    fn report_measured(&self, partial: usize) -> Analysis {
        let fs = self.sample_rate;
        // The last, partial window: read on copies (the precise detector adds its look-ahead).
        let mut channel_peak = self.channel_peak.clone();
        let mut last = 0.0f32;
        for (c, d) in self.peaks.iter().enumerate() {
            let mut d = d.clone();
            let v = d.take_peak().max(d.peak());
            channel_peak[c] = channel_peak[c].max(v);
            last = last.max(v);
        }
        let mut me_overs = (self.overs, self.over_times.clone());
        if partial > 0 && last > 1.0 && !self.in_over {
            me_overs.0 += 1;
            if me_overs.1.len() < MAX_LISTED {
                me_overs.1.push(Over {
                    time_s: (self.hops * self.hop as u64) as f64 / fs,
                    peak_dbtp: db::gain_to_db(f64::from(last)),
                });
            }
        }
        let tp_channel: Vec<f64> = channel_peak
            .iter()
            .map(|p| db::gain_to_db(f64::from(*p)))
            .collect();
        let true_peak = tp_channel.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let integrated = self.meter.integrated_lufs();
        let loudness = LoudnessReport {
            integrated_lufs: integrated,
            loudness_range_lu: self.meter.loudness_range_lu(),
            true_peak_dbtp: true_peak,
            true_peak_per_channel_dbtp: tp_channel,
            true_peak_mode: self.options.true_peak_mode,
            sample_peak_dbfs: self.meter.sample_peak_max_dbfs(),
            max_momentary_lufs: self.meter.max_momentary_lufs(),
            max_short_term_lufs: self.meter.max_short_term_lufs(),
            momentary_lufs: self.momentary.clone(),
            short_term_lufs: self.short_term.clone(),
            hop_s: self.hop as f64 / fs,
            duration_s: self.frames as f64 / fs,
            non_finite_samples: self.meter.non_finite_samples(),
        };
        let frames = self.frames.max(1) as f64;
        let crest_db = (0..self.channels)
            .map(|c| {
                let rms = math::sqrt(self.squares[c] / frames);
                if rms > 0.0 {
                    self.meter.sample_peak_dbfs(c) - db::gain_to_db(rms)
                } else {
                    f64::NEG_INFINITY
                }
            })
            .collect();
        let psr_min_db = self
            .psr
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min);
        let dynamics = Dynamics {
            plr_db: if integrated.is_finite() {
                true_peak - integrated
            } else {
                f64::NEG_INFINITY
            },
            psr_db: self.psr.clone(),
            psr_min_db,
            crest_db,
            dynamic_range: self.dr.result(),
        };
        let spectra = self.welch.spectra();
        let spectrum = Spectrum::from_spectra(&spectra, fs);
        let (l, r, m) = match &self.side_meters {
            Some(s) => (
                s[0].integrated_lufs(),
                s[1].integrated_lufs(),
                s[2].integrated_lufs(),
            ),
            None => (integrated, integrated, integrated),
        };
        let stereo = self.stereo.result(&spectra, &spectrum, integrated, l, r, m);
        let mut faults = self.faults.result();
        faults.overs = me_overs.0;
        faults.over_times = me_overs.1;
        faults.polarity_inverted = self.channels == 2
            && stereo.correlation < -0.3
            && stereo.correlation_low <= 0.0
            && stereo.correlation_mid <= 0.0
            && stereo.correlation_high <= 0.0;
        let mean: Vec<f64> = spectra
            .left
            .iter()
            .zip(&spectra.right)
            .map(|(a, b)| 0.5 * (a + b))
            .collect();
        let resonances = resonance::find(&spectra, &mean);
        Analysis {
            sample_rate: fs,
            channels: self.channels,
            platforms: platform::preview(integrated, loudness.true_peak_dbtp),
            loudness,
            dynamics,
            spectrum,
            stereo,
            faults,
            resonances,
        }
    }
}

/// Analyses a whole programme in one call: planar mono or stereo audio at `sample_rate`.
pub fn analyze_mix(
    channels: &[&[f32]],
    sample_rate: f64,
    options: AnalysisOptions,
) -> Result<Analysis> {
    let mut a = Analyzer::new(sample_rate, channels.len(), options)?;
    if channels.iter().all(|c| c.is_empty()) {
        return Err(Error::Empty { what: "audio" });
    }
    a.add_planar(channels)?;
    Ok(a.report())
}
