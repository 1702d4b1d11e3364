//! Loudness meter: ITU-R BS.1770-4/-5, EBU R128, EBU Tech 3341 (momentary, short-term,
//! integrated, true peak) and Tech 3342 (loudness range).
//!
//! Structure:
//! * per channel: K-weighting ([`super::kweighting`]) in `f64`, squared and summed;
//! * channel energies weighted (1.0 for L, R, C; 1.41 for surrounds; LFE excluded) and
//!   accumulated in *quanta* of at most 5 ms that divide 100 ms exactly (240 frames at 48 kHz,
//!   210 at 44.1 kHz). Momentary (400 ms) and short-term (3 s) loudness are sums of the last
//!   quanta, so their maxima are tracked at a hop of at most 5 ms;
//! * every 100 ms a 400 ms gating block (75 % overlap) goes into a histogram for the integrated
//!   loudness, and a short-term value into another for the loudness range. The histograms have
//!   0.01 LU bins from −70 to +30 LUFS and keep each bin's *exact* energy sum as well as its
//!   count, so memory is constant for any programme length while the integrated loudness is
//!   exact but for the blocks that fall in the same 0.01 LU bin as the relative gate;
//! * sample peak and true peak ([`super::true_peak`]) per channel.
//!
//! Non-finite samples are counted ([`LoudnessMeter::non_finite_samples`]) and measured as
//! silence. Loudness of silence is `-inf` (never NaN).

use alloc::vec;
use alloc::vec::Vec;

use super::kweighting::{k_weighting, kweight, kweight_two, programme_energies};
use super::true_peak::{PeakDetector, TruePeakMode};
use crate::db;
use crate::denormal::FlushGuard;
use crate::error::{Error, Range, Result};
use crate::math;
use crate::mix::biquad::Coeffs;
use crate::mix::filter::SectionState;
use crate::validate;

/// Absolute gate, LUFS.
pub const ABSOLUTE_GATE_LUFS: f64 = -70.0;
/// Relative gate of the integrated loudness, LU below the absolute-gated mean.
pub const RELATIVE_GATE_LU: f64 = -10.0;
/// Relative gate of the loudness range, LU.
pub const LRA_RELATIVE_GATE_LU: f64 = -20.0;
/// Weight of surround channels.
pub const SURROUND_WEIGHT: f64 = 1.41;

const HIST_MIN: f64 = -70.0;
const HIST_MAX: f64 = 30.0;
const HIST_STEP: f64 = 0.01;
const HIST_BINS: usize = ((HIST_MAX - HIST_MIN) / HIST_STEP) as usize;

/// Channel order and weights.
#[derive(Debug, Clone, PartialEq)]
pub enum ChannelLayout {
    /// One channel, weight 1.
    Mono,
    /// L, R.
    Stereo,
    /// L, R, C, Ls, Rs.
    Surround50,
    /// L, R, C, LFE, Ls, Rs (LFE excluded).
    Surround51,
    /// L, R, C, LFE, Lss, Rss, Lrs, Rrs (LFE excluded).
    Surround71,
    /// Any channels with the given weights (0 excludes a channel).
    Custom(Vec<f64>),
}

impl ChannelLayout {
    /// The weight of each channel.
    pub fn weights(&self) -> Vec<f64> {
        let s = SURROUND_WEIGHT;
        match self {
            ChannelLayout::Mono => vec![1.0],
            ChannelLayout::Stereo => vec![1.0, 1.0],
            ChannelLayout::Surround50 => vec![1.0, 1.0, 1.0, s, s],
            ChannelLayout::Surround51 => vec![1.0, 1.0, 1.0, 0.0, s, s],
            ChannelLayout::Surround71 => vec![1.0, 1.0, 1.0, 0.0, s, s, s, s],
            ChannelLayout::Custom(w) => w.clone(),
        }
    }

    /// Mono for 1 channel, stereo for 2, 5.1 for 6, 7.1 for 8, all weight 1 otherwise.
    pub fn for_channels(channels: usize) -> ChannelLayout {
        match channels {
            1 => ChannelLayout::Mono,
            2 => ChannelLayout::Stereo,
            5 => ChannelLayout::Surround50,
            6 => ChannelLayout::Surround51,
            8 => ChannelLayout::Surround71,
            n => ChannelLayout::Custom(vec![1.0; n]),
        }
    }
}

/// What the meter computes beyond momentary, short-term and integrated loudness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeterOptions {
    /// True peak per channel (the costliest part).
    pub true_peak: bool,
    /// How true peak is read: BS.1770's 4× interpolation (the default, as libebur128 and the
    /// EBU cases) or the precise 16× reconstruction.
    pub true_peak_mode: TruePeakMode,
    /// Loudness range.
    pub loudness_range: bool,
    /// Tenths of a second between the short-term blocks the loudness range is computed from:
    /// 1 (10 Hz, what EBU Tech 3342 asks since 2016: an overlap of at least 2.9 s) by default;
    /// 10 gives libebur128's 1 s cadence (the 2011 text), for results equal to its range.
    pub loudness_range_hop_100ms: u16,
    /// Sample peak per channel.
    pub sample_peak: bool,
}

impl Default for MeterOptions {
    fn default() -> Self {
        MeterOptions {
            true_peak: true,
            true_peak_mode: TruePeakMode::Standard,
            loudness_range: true,
            loudness_range_hop_100ms: 1,
            sample_peak: true,
        }
    }
}

impl MeterOptions {
    /// Loudness only (momentary, short-term, integrated): no peaks, no loudness range.
    pub const LOUDNESS_ONLY: MeterOptions = MeterOptions {
        true_peak: false,
        true_peak_mode: TruePeakMode::Standard,
        loudness_range: false,
        loudness_range_hop_100ms: 1,
        sample_peak: false,
    };
}

/// A histogram of block loudness with each bin's exact energy sum.
#[derive(Debug, Clone)]
struct Histogram {
    count: Vec<u32>,
    energy: Vec<f64>,
    total: u64,
}

impl Histogram {
    fn new() -> Self {
        Histogram {
            count: vec![0; HIST_BINS],
            energy: vec![0.0; HIST_BINS],
            total: 0,
        }
    }
    fn clear(&mut self) {
        self.count.fill(0);
        self.energy.fill(0.0);
        self.total = 0;
    }
    fn bin(lufs: f64) -> usize {
        (((lufs - HIST_MIN) / HIST_STEP) as usize).min(HIST_BINS - 1)
    }
    /// Adds a block of mean-square energy `z` (already weighted), if above the absolute gate.
    fn add(&mut self, z: f64) {
        let l = energy_to_lufs(z);
        if l >= ABSOLUTE_GATE_LUFS {
            let b = Self::bin(l);
            self.count[b] += 1;
            self.energy[b] += z;
            self.total += 1;
        }
    }
    /// Power mean (as LUFS) of the blocks at or above `gate` LUFS; the bin holding the gate is
    /// included when its own mean is at or above it.
    fn gated_mean(&self, gate: f64) -> f64 {
        let start = if gate <= HIST_MIN { 0 } else { Self::bin(gate) };
        let (mut e, mut n) = (0.0, 0u64);
        for b in start..HIST_BINS {
            let c = self.count[b];
            if c == 0 {
                continue;
            }
            if b == start && energy_to_lufs(self.energy[b] / c as f64) < gate {
                continue;
            }
            e += self.energy[b];
            n += c as u64;
        }
        if n == 0 {
            f64::NEG_INFINITY
        } else {
            energy_to_lufs(e / n as f64)
        }
    }
    /// Loudness at rank `(n - 1) * p` (rounded) among blocks at or above `gate`, as the centre of
    /// its bin.
    fn percentile(&self, gate: f64, p: f64) -> Option<f64> {
        let start = if gate <= HIST_MIN { 0 } else { Self::bin(gate) };
        let n: u64 = self.count[start..].iter().map(|&c| c as u64).sum();
        if n == 0 {
            return None;
        }
        let rank = ((n - 1) as f64 * p + 0.5) as u64;
        let mut seen = 0u64;
        for b in start..HIST_BINS {
            seen += self.count[b] as u64;
            if seen > rank {
                return Some(HIST_MIN + (b as f64 + 0.5) * HIST_STEP);
            }
        }
        None
    }
}

/// LUFS of a weighted mean-square energy.
#[inline]
pub fn energy_to_lufs(z: f64) -> f64 {
    if z <= 0.0 {
        f64::NEG_INFINITY
    } else {
        -0.691 + 10.0 * math::log10(z)
    }
}

/// Weighted mean-square energy of a loudness in LUFS.
#[inline]
pub fn lufs_to_energy(lufs: f64) -> f64 {
    db::db_to_power(lufs + 0.691)
}

/// A streaming BS.1770 / EBU R128 loudness meter.
#[derive(Debug, Clone)]
pub struct LoudnessMeter {
    sample_rate: f64,
    weights: Vec<f64>,
    options: MeterOptions,
    shelf: Coeffs,
    highpass: Coeffs,
    state: Vec<[SectionState; 2]>,
    /// Frames per quantum, and quanta per 100 ms.
    quantum: usize,
    per_100ms: usize,
    /// Frames into the current quantum, and its weighted energy so far (sum, not mean).
    quantum_pos: usize,
    quantum_acc: f64,
    /// The last 30 * per_100ms quantum energies (a ring), and how many quanta have completed.
    ring: Vec<f64>,
    quanta: u64,
    momentary_sum: f64,
    short_sum: f64,
    /// Mean-square energies of the last momentary and short-term windows and their maxima
    /// (read out in LUFS: the conversion is monotonic, so the maximum's loudness is the
    /// largest loudness, without a logarithm per quantum).
    momentary: f64,
    short_term: f64,
    max_momentary: f64,
    max_short_term: f64,
    gating: Histogram,
    lra: Histogram,
    sample_peak: Vec<f32>,
    true_peak: Vec<PeakDetector>,
    non_finite: u64,
    frames: u64,
}

impl LoudnessMeter {
    /// A meter with every measurement on.
    pub fn new(sample_rate: f64, layout: ChannelLayout) -> Result<Self> {
        Self::with_options(sample_rate, layout, MeterOptions::default())
    }

    /// A meter with some measurements off (for speed).
    pub fn with_options(
        sample_rate: f64,
        layout: ChannelLayout,
        options: MeterOptions,
    ) -> Result<Self> {
        validate::in_range(
            "sample_rate",
            sample_rate,
            Range::closed(8_000.0, 768_000.0),
        )?;
        validate::in_range(
            "loudness_range_hop_100ms",
            f64::from(options.loudness_range_hop_100ms),
            Range::closed(1.0, 30.0),
        )?;
        let weights = layout.weights();
        if weights.is_empty() || weights.len() > crate::processor::MAX_CHANNELS {
            return Err(Error::UnsupportedChannels {
                processor: "loudness meter",
                channels: weights.len(),
                supported: "1 to 32",
            });
        }
        for w in &weights {
            validate::in_range("channel_weight", *w, Range::closed(0.0, 10.0))?;
        }
        let (shelf, highpass) = k_weighting(sample_rate);
        let n100 = math::round(sample_rate * 0.1) as usize;
        let max_quantum = (sample_rate * 0.005) as usize;
        let mut per = n100.div_ceil(max_quantum.max(1)).max(1);
        while n100 % per != 0 && per < n100 {
            per += 1;
        }
        let quantum = n100 / per;
        let channels = weights.len();
        Ok(LoudnessMeter {
            sample_rate,
            options,
            shelf,
            highpass,
            state: vec![[SectionState::default(); 2]; channels],
            quantum,
            per_100ms: per,
            quantum_pos: 0,
            quantum_acc: 0.0,
            ring: vec![0.0; 30 * per],
            quanta: 0,
            momentary_sum: 0.0,
            short_sum: 0.0,
            momentary: 0.0,
            short_term: 0.0,
            max_momentary: 0.0,
            max_short_term: 0.0,
            gating: Histogram::new(),
            lra: if options.loudness_range {
                Histogram::new()
            } else {
                Histogram {
                    count: Vec::new(),
                    energy: Vec::new(),
                    total: 0,
                }
            },
            sample_peak: vec![0.0; channels],
            true_peak: if options.true_peak {
                (0..channels)
                    .map(|_| PeakDetector::new(sample_rate, options.true_peak_mode))
                    .collect()
            } else {
                Vec::new()
            },
            non_finite: 0,
            frames: 0,
            weights,
        })
    }

    /// Channels measured.
    pub fn channels(&self) -> usize {
        self.weights.len()
    }

    /// Sample rate.
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// Frames per quantum (the hop of the maximum momentary and short-term tracking).
    pub fn quantum_frames(&self) -> usize {
        self.quantum
    }

    /// Forgets everything measured.
    pub fn reset(&mut self) {
        self.state
            .iter_mut()
            .for_each(|s| *s = [SectionState::default(); 2]);
        self.quantum_pos = 0;
        self.quantum_acc = 0.0;
        self.ring.fill(0.0);
        self.quanta = 0;
        self.momentary_sum = 0.0;
        self.short_sum = 0.0;
        self.momentary = 0.0;
        self.short_term = 0.0;
        self.max_momentary = 0.0;
        self.max_short_term = 0.0;
        self.gating.clear();
        if self.options.loudness_range {
            self.lra.clear();
        }
        self.sample_peak.fill(0.0);
        self.true_peak.iter_mut().for_each(PeakDetector::reset);
        self.non_finite = 0;
        self.frames = 0;
    }

    /// Adds planar audio: one slice per channel, equal lengths (extra frames of longer channels
    /// are ignored). A different channel count is an error.
    pub fn try_add_planar(&mut self, channels: &[&[f32]]) -> Result<()> {
        if channels.len() != self.channels() {
            return Err(Error::ChannelCount {
                expected: self.channels(),
                got: channels.len(),
            });
        }
        self.add_planar(channels);
        Ok(())
    }

    /// What this meter computes.
    pub fn options(&self) -> MeterOptions {
        self.options
    }

    /// Switches how true peak is read (allocates the new detectors) and forgets everything
    /// measured, as [`LoudnessMeter::reset`] does. Turns true peak on if it was off.
    pub fn set_true_peak_mode(&mut self, mode: TruePeakMode) {
        self.options.true_peak = true;
        self.options.true_peak_mode = mode;
        let rate = self.sample_rate;
        self.true_peak = (0..self.channels())
            .map(|_| PeakDetector::new(rate, mode))
            .collect();
        self.reset();
    }

    /// Sets the loudness range's block cadence in tenths of a second (1 to 30; see
    /// [`MeterOptions::loudness_range_hop_100ms`]) and forgets everything measured.
    pub fn set_loudness_range_hop_100ms(&mut self, hop: u16) -> Result<()> {
        validate::in_range(
            "loudness_range_hop_100ms",
            f64::from(hop),
            Range::closed(1.0, 30.0),
        )?;
        self.options.loudness_range_hop_100ms = hop;
        self.reset();
        Ok(())
    }

    /// Adds planar audio; with the wrong channel count nothing is measured.
    pub fn add_planar(&mut self, channels: &[&[f32]]) {
        if channels.len() != self.channels() {
            return;
        }
        let _ftz = FlushGuard::new();
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        self.add_peaks(channels, frames);
        let mut pos = 0;
        while pos < frames {
            let n = (self.quantum - self.quantum_pos).min(frames - pos);
            let mut acc = 0.0;
            let mut c = 0;
            while c < channels.len() {
                if c + 1 < channels.len() {
                    let (e0, e1) = self.kweight_pair(
                        c,
                        &channels[c][pos..pos + n],
                        &channels[c + 1][pos..pos + n],
                    );
                    acc += self.weights[c] * e0 + self.weights[c + 1] * e1;
                    c += 2;
                } else {
                    acc += self.weights[c] * self.kweight_one(c, &channels[c][pos..pos + n]);
                    c += 1;
                }
            }
            self.quantum_acc += acc;
            self.quantum_pos += n;
            pos += n;
            if self.quantum_pos == self.quantum {
                self.end_quantum();
            }
        }
        for s in self.state.iter_mut().flatten() {
            s.sanitize();
        }
        self.frames += frames as u64;
    }

    /// Adds interleaved audio (`frames * channels` samples; a trailing partial frame is ignored).
    /// Never allocates: frames go through a stack buffer (256 frames at a time up to 8
    /// channels, 32 for wider layouts).
    pub fn add_interleaved(&mut self, samples: &[f32]) {
        let ch = self.channels();
        if ch == 0 {
            return;
        }
        if ch <= 8 {
            self.add_interleaved_via::<8, 256>(samples);
        } else {
            self.add_interleaved_via::<{ crate::processor::MAX_CHANNELS }, 32>(samples);
        }
    }

    /// [`LoudnessMeter::add_interleaved`] through a `C` × `F` stack buffer.
    fn add_interleaved_via<const C: usize, const F: usize>(&mut self, samples: &[f32]) {
        let ch = self.channels().min(C);
        let mut planar = [[0.0f32; F]; C];
        for chunk in samples.chunks(F * ch) {
            let n = chunk.len() / ch;
            for (f, frame) in chunk.chunks_exact(ch).enumerate() {
                for (c, v) in frame.iter().enumerate() {
                    planar[c][f] = *v;
                }
            }
            let mut refs: [&[f32]; C] = [&[]; C];
            for (r, p) in refs.iter_mut().zip(planar.iter()) {
                *r = &p[..n];
            }
            self.add_planar(&refs[..ch]);
        }
    }

    /// Sample and true peaks of the first `frames` frames of `channels`.
    fn add_peaks(&mut self, channels: &[&[f32]], frames: usize) {
        for (c, x) in channels.iter().enumerate() {
            // The true-peak pass finds the sample peak on its way; without it, a pass of its own.
            if let Some(tp) = self.true_peak.get_mut(c) {
                tp.add(&x[..frames]);
                self.sample_peak[c] = tp.sample_peak();
            } else if self.options.sample_peak {
                let pk = math::peak_abs_finite(&x[..frames]);
                self.sample_peak[c] = self.sample_peak[c].max(pk);
            }
        }
    }

    /// Ends a quantum whose weighted energy `e` was computed outside the meter.
    fn push_quantum(&mut self, e: f64) {
        self.quantum_acc = e;
        self.quantum_pos = self.quantum;
        self.end_quantum();
    }

    fn kweight_one(&mut self, c: usize, x: &[f32]) -> f64 {
        let (e, bad) = kweight(&[self.shelf, self.highpass], &mut self.state[c], x);
        self.non_finite += bad;
        e
    }

    fn kweight_pair(&mut self, c: usize, a: &[f32], b: &[f32]) -> (f64, f64) {
        let (lo, hi) = self.state.split_at_mut(c + 1);
        let (ea, eb, bad) = kweight_two(&[self.shelf, self.highpass], &mut lo[c], &mut hi[0], a, b);
        self.non_finite += bad;
        (ea, eb)
    }

    fn end_quantum(&mut self) {
        let len = self.ring.len();
        let idx = (self.quanta % len as u64) as usize;
        let m_len = 4 * self.per_100ms;
        let e = self.quantum_acc;
        // Running sums: add the new quantum, drop the one leaving each window.
        let leaving_s = self.ring[idx];
        let leaving_m = self.ring[(idx + len - m_len) % len];
        self.ring[idx] = e;
        self.quanta += 1;
        self.momentary_sum += e - if self.quanta > m_len as u64 {
            leaving_m
        } else {
            0.0
        };
        self.short_sum += e - if self.quanta > len as u64 {
            leaving_s
        } else {
            0.0
        };
        self.quantum_acc = 0.0;
        self.quantum_pos = 0;
        let every_100ms = self.quanta % self.per_100ms as u64 == 0;
        if every_100ms {
            // Re-sum exactly so rounding in the running sums never accumulates: newest first,
            // the ring read as its two contiguous pieces (no index arithmetic per value).
            let (mut m, mut s) = (0.0, 0.0);
            let count = len.min(self.quanta as usize);
            let (upto_newest, before) = self.ring.split_at(idx + 1);
            for (k, v) in upto_newest
                .iter()
                .rev()
                .chain(before.iter().rev())
                .enumerate()
            {
                if k == count {
                    break;
                }
                s += v;
                if k < m_len {
                    m += v;
                }
            }
            self.momentary_sum = m;
            self.short_sum = s;
        }
        let q = self.quantum as f64;
        let zm = self.momentary_sum.max(0.0) / (m_len as f64 * q);
        let zs = self.short_sum.max(0.0) / (len as f64 * q);
        self.momentary = zm;
        self.short_term = zs;
        if self.quanta >= m_len as u64 {
            self.max_momentary = self.max_momentary.max(self.momentary);
            if every_100ms {
                self.gating.add(zm);
            }
        }
        if self.quanta >= len as u64 {
            self.max_short_term = self.max_short_term.max(self.short_term);
            let hop = u64::from(self.options.loudness_range_hop_100ms.max(1));
            let tenths = self.quanta / self.per_100ms as u64;
            let on_hop = (tenths - (len / self.per_100ms) as u64) % hop == 0;
            if every_100ms && on_hop && self.options.loudness_range {
                self.lra.add(zs);
            }
        }
    }

    /// Momentary loudness (last 400 ms), LUFS; `-inf` for silence.
    pub fn momentary_lufs(&self) -> f64 {
        energy_to_lufs(self.momentary)
    }

    /// Short-term loudness (last 3 s), LUFS.
    pub fn short_term_lufs(&self) -> f64 {
        energy_to_lufs(self.short_term)
    }

    /// Largest momentary loudness so far (hop of one quantum, at most 5 ms), LUFS.
    pub fn max_momentary_lufs(&self) -> f64 {
        energy_to_lufs(self.max_momentary)
    }

    /// Largest short-term loudness so far, LUFS.
    pub fn max_short_term_lufs(&self) -> f64 {
        energy_to_lufs(self.max_short_term)
    }

    /// Integrated (gated) loudness so far, LUFS; `-inf` when no block passes the gates.
    pub fn integrated_lufs(&self) -> f64 {
        let ungated = self.gating.gated_mean(ABSOLUTE_GATE_LUFS);
        if ungated == f64::NEG_INFINITY {
            return ungated;
        }
        self.gating.gated_mean(ungated + RELATIVE_GATE_LU)
    }

    /// The relative gate of the integrated loudness (for reports), LUFS.
    pub fn relative_gate_lufs(&self) -> f64 {
        self.gating.gated_mean(ABSOLUTE_GATE_LUFS) + RELATIVE_GATE_LU
    }

    /// Loudness range (EBU Tech 3342), LU; 0 when too little passed the gates, NaN never.
    pub fn loudness_range_lu(&self) -> f64 {
        if !self.options.loudness_range {
            return 0.0;
        }
        let mean = self.lra.gated_mean(ABSOLUTE_GATE_LUFS);
        if mean == f64::NEG_INFINITY {
            return 0.0;
        }
        let gate = mean + LRA_RELATIVE_GATE_LU;
        match (
            self.lra.percentile(gate, 0.10),
            self.lra.percentile(gate, 0.95),
        ) {
            (Some(lo), Some(hi)) => (hi - lo).max(0.0),
            _ => 0.0,
        }
    }

    /// Sample peak of channel `c`, dBFS (`-inf` for silence or no such channel).
    pub fn sample_peak_dbfs(&self, c: usize) -> f64 {
        self.sample_peak
            .get(c)
            .map_or(f64::NEG_INFINITY, |p| db::gain_to_db(*p as f64))
    }

    /// Largest sample peak over channels, dBFS.
    pub fn sample_peak_max_dbfs(&self) -> f64 {
        db::gain_to_db(self.sample_peak.iter().fold(0.0f32, |a, b| a.max(*b)) as f64)
    }

    /// True peak of channel `c`, dBTP (`-inf` if true peak is off, for silence or no channel).
    pub fn true_peak_channel_dbtp(&self, c: usize) -> f64 {
        self.true_peak
            .get(c)
            .map_or(f64::NEG_INFINITY, |t| db::gain_to_db(t.peak() as f64))
    }

    /// Largest true peak over channels, dBTP.
    pub fn true_peak_dbtp(&self) -> f64 {
        db::gain_to_db(self.true_peak.iter().fold(0.0f32, |a, t| a.max(t.peak())) as f64)
    }

    /// Samples that were NaN or infinite (measured as silence).
    pub fn non_finite_samples(&self) -> u64 {
        self.non_finite
    }

    /// Frames measured.
    pub fn frames(&self) -> u64 {
        self.frames
    }
}

/// Everything [`analyze`] measures about a programme.
#[derive(Debug, Clone, PartialEq)]
pub struct LoudnessReport {
    /// Integrated loudness, LUFS (`-inf` for silence).
    pub integrated_lufs: f64,
    /// Loudness range, LU.
    pub loudness_range_lu: f64,
    /// Largest true peak over channels, dBTP.
    pub true_peak_dbtp: f64,
    /// True peak per channel, dBTP.
    pub true_peak_per_channel_dbtp: Vec<f64>,
    /// How the true peaks were read.
    pub true_peak_mode: TruePeakMode,
    /// Largest sample peak over channels, dBFS.
    pub sample_peak_dbfs: f64,
    /// Largest momentary loudness, LUFS.
    pub max_momentary_lufs: f64,
    /// Largest short-term loudness, LUFS.
    pub max_short_term_lufs: f64,
    /// Momentary loudness every `hop_s` seconds.
    pub momentary_lufs: Vec<f64>,
    /// Short-term loudness every `hop_s` seconds.
    pub short_term_lufs: Vec<f64>,
    /// The hop of the two series, seconds (a whole number of meter quanta).
    pub hop_s: f64,
    /// Programme length, seconds.
    pub duration_s: f64,
    /// NaN or infinite samples found (measured as silence).
    pub non_finite_samples: u64,
}

/// Measures a whole programme in one call. `hop_s` sets the spacing of the momentary and
/// short-term series (rounded to whole quanta, at least one).
pub fn analyze(
    sample_rate: f64,
    layout: ChannelLayout,
    channels: &[&[f32]],
    hop_s: f64,
) -> Result<LoudnessReport> {
    analyze_with(
        sample_rate,
        layout,
        channels,
        hop_s,
        MeterOptions::default(),
    )
}

/// [`analyze`] with the meter's [`MeterOptions`] (for example the precise true peak).
pub fn analyze_with(
    sample_rate: f64,
    layout: ChannelLayout,
    channels: &[&[f32]],
    hop_s: f64,
    options: MeterOptions,
) -> Result<LoudnessReport> {
    let mut meter = LoudnessMeter::with_options(sample_rate, layout, options)?;
    if channels.len() != meter.channels() {
        return Err(Error::ChannelCount {
            expected: meter.channels(),
            got: channels.len(),
        });
    }
    validate::in_range("hop_s", hop_s, Range::closed(0.001, 60.0))?;
    let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
    let q = meter.quantum_frames();
    let hop = ((math::round(hop_s * sample_rate) as usize / q).max(1)) * q;
    let mut momentary = Vec::with_capacity(frames / hop + 1);
    let mut short_term = Vec::with_capacity(frames / hop + 1);
    // The whole programme is here: each channel's K-weighted energy per quantum in one pass
    // over it (stretches of it filtered side by side), then the quanta through the meter.
    let _ftz = FlushGuard::new();
    let channels: Vec<&[f32]> = channels.iter().map(|c| &c[..frames]).collect();
    if meter.options.true_peak {
        meter.add_peaks(&channels, frames);
    }
    let whole = frames / q;
    let k = [meter.shelf, meter.highpass];
    let mut energy = vec![0.0f64; whole];
    let mut one = vec![0.0f64; whole];
    let mut tail = 0.0;
    for (c, (x, &w)) in channels.iter().zip(&meter.weights).enumerate() {
        let (t, bad, peak) = programme_energies(&k, x, q, &mut one);
        if !meter.options.true_peak && meter.options.sample_peak {
            meter.sample_peak[c] = peak;
        }
        for (e, o) in energy.iter_mut().zip(&one) {
            *e += w * o;
        }
        tail += w * t;
        meter.non_finite += bad;
    }
    let per_hop = hop / q;
    for (i, e) in energy.into_iter().enumerate() {
        meter.push_quantum(e);
        if (i + 1) % per_hop == 0 {
            momentary.push(meter.momentary_lufs());
            short_term.push(meter.short_term_lufs());
        }
    }
    meter.quantum_acc = tail;
    meter.quantum_pos = frames - whole * q;
    meter.frames = frames as u64;
    Ok(LoudnessReport {
        integrated_lufs: meter.integrated_lufs(),
        loudness_range_lu: meter.loudness_range_lu(),
        true_peak_dbtp: meter.true_peak_dbtp(),
        true_peak_per_channel_dbtp: (0..meter.channels())
            .map(|c| meter.true_peak_channel_dbtp(c))
            .collect(),
        true_peak_mode: meter.options().true_peak_mode,
        sample_peak_dbfs: meter.sample_peak_max_dbfs(),
        max_momentary_lufs: meter.max_momentary_lufs(),
        max_short_term_lufs: meter.max_short_term_lufs(),
        momentary_lufs: momentary,
        short_term_lufs: short_term,
        hop_s: hop as f64 / sample_rate,
        duration_s: frames as f64 / sample_rate,
        non_finite_samples: meter.non_finite_samples(),
    })
}
