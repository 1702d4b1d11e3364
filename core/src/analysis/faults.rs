//! Technical faults of a file, found in one streaming pass: clipped runs, DC offset, leading
//! and trailing silence, the effective bit depth, non-finite samples. Inter-sample overs come
//! from the analyzer's windowed true peak and the polarity check from the stereo statistics;
//! both are reported in [`Faults`] too.
//!
//! Sits under [`crate::analysis`]; depends on [`crate::math`] and [`crate::db`].

use crate::{db, math};
use alloc::vec::Vec;

/// A sample this close to full scale or beyond counts as "at full scale" (the largest 16-bit
/// value, 32767/32768, included).
pub const FULL_SCALE: f32 = 32767.0 / 32768.0;
/// Consecutive samples at the same full-scale value that make a clipped run.
pub const CLIP_RUN: usize = 3;
/// Silence: every channel below −60 dBFS.
pub const SILENCE_DBFS: f64 = -60.0;
/// Events listed with their times (the counts cover all of them).
pub const MAX_LISTED: usize = 100;

/// A run of clipped samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClippedRun {
    /// Start, seconds.
    pub time_s: f64,
    /// Channel (0 = left).
    pub channel: usize,
    /// Samples in the run.
    pub samples: usize,
}

/// A stretch whose true peak is above 0 dBTP.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Over {
    /// Start of the stretch, seconds (to the analyzer's 100 ms hop).
    pub time_s: f64,
    /// Its true peak, dBTP.
    pub peak_dbtp: f64,
}

/// The faults found in a programme.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Clipped runs (at least [`CLIP_RUN`] consecutive samples at one full-scale value).
    pub clipped_runs: usize,
    /// The longest one, samples (0 if none).
    pub longest_clipped_run: usize,
    /// The first [`MAX_LISTED`] runs.
    pub clipped: Vec<ClippedRun>,
    /// Stretches with a true peak above 0 dBTP (inter-sample overs and clipped peaks alike).
    pub overs: usize,
    /// The first [`MAX_LISTED`] of them.
    pub over_times: Vec<Over>,
    /// Mean of each channel (the DC offset), linear full scale.
    pub dc_offset: Vec<f64>,
    /// One channel's polarity looks inverted: the channels are negatively correlated in every
    /// band that holds energy (low, mid and high) and overall.
    pub polarity_inverted: bool,
    /// Silence (every channel below [`SILENCE_DBFS`]) before the first sound, seconds.
    pub leading_silence_s: f64,
    /// Silence after the last sound, seconds.
    pub trailing_silence_s: f64,
    /// Bits actually used: 16 for 16-bit audio in a 24-bit or float file; `None` when the
    /// samples need more than 24 bits (float audio); 0 for digital silence.
    pub effective_bits: Option<u32>,
    /// NaN or infinite samples per channel (analysed as silence).
    pub non_finite: Vec<u64>,
}

/// Streaming scan for the per-sample faults.
#[derive(Debug, Clone)]
pub struct FaultScan {
    sample_rate: f64,
    /// Per channel: the open run's value, length and start frame.
    run_value: Vec<f32>,
    run_len: Vec<usize>,
    run_start: Vec<u64>,
    runs: usize,
    longest: usize,
    listed: Vec<ClippedRun>,
    sums: Vec<f64>,
    /// OR of the samples on a 24-bit grid, and whether any sample was off that grid.
    bits: u32,
    off_grid: bool,
    first_sound: Option<u64>,
    last_sound: u64,
    non_finite: Vec<u64>,
    frames: u64,
}

impl FaultScan {
    /// A scan of `channels` at `sample_rate`.
    pub fn new(sample_rate: f64, channels: usize) -> Self {
        FaultScan {
            sample_rate,
            run_value: alloc::vec![0.0; channels],
            run_len: alloc::vec![0; channels],
            run_start: alloc::vec![0; channels],
            runs: 0,
            longest: 0,
            listed: Vec::new(),
            sums: alloc::vec![0.0; channels],
            bits: 0,
            off_grid: false,
            first_sound: None,
            last_sound: 0,
            non_finite: alloc::vec![0; channels],
            frames: 0,
        }
    }

    /// Counts the non-finite samples of a raw block (before they are replaced by silence).
    pub fn count_non_finite(&mut self, raw: &[&[f32]]) {
        for (n, ch) in self.non_finite.iter_mut().zip(raw) {
            *n += ch.iter().filter(|v| !v.is_finite()).count() as u64;
        }
    }

    /// Feeds a planar block of finite samples.
    pub fn add(&mut self, x: &[&[f32]]) {
        let n = x.first().map_or(0, |c| c.len());
        let silence = db::db_to_gain(SILENCE_DBFS) as f32;
        for (c, ch) in x.iter().enumerate() {
            self.sums[c] += ch.iter().map(|v| f64::from(*v)).sum::<f64>();
            // Bit depth: on the 24-bit grid every sample is an integer times 2⁻²³.
            let mut or = 0u32;
            let mut off = false;
            for v in ch.iter() {
                let s = v * 8_388_608.0;
                off |= s != s.trunc() || s.abs() > 8_388_608.0;
                or |= (s as i32).unsigned_abs();
            }
            self.bits |= or;
            self.off_grid |= off;
            // Clipped runs: only blocks that reach full scale (or hold an open run) are walked.
            if self.run_len[c] > 0 || math::peak_abs_finite(ch) >= FULL_SCALE {
                self.scan_runs(c, ch);
            }
        }
        // Silence: the first and last frame where some channel is above the threshold.
        for i in 0..n {
            if x.iter().any(|ch| ch[i].abs() >= silence) {
                self.first_sound.get_or_insert(self.frames + i as u64);
                break;
            }
        }
        for i in (0..n).rev() {
            if x.iter().any(|ch| ch[i].abs() >= silence) {
                self.last_sound = self.frames + i as u64;
                if self.first_sound.is_none() {
                    self.first_sound = Some(self.last_sound);
                }
                break;
            }
        }
        self.frames += n as u64;
    }

    fn scan_runs(&mut self, c: usize, ch: &[f32]) {
        for (i, &v) in ch.iter().enumerate() {
            let at = self.frames + i as u64;
            if self.run_len[c] > 0 && v == self.run_value[c] {
                self.run_len[c] += 1;
                continue;
            }
            self.close_run(c);
            if v.abs() >= FULL_SCALE {
                self.run_value[c] = v;
                self.run_len[c] = 1;
                self.run_start[c] = at;
            }
        }
    }

    fn close_run(&mut self, c: usize) {
        let len = core::mem::take(&mut self.run_len[c]);
        if len >= CLIP_RUN {
            self.runs += 1;
            self.longest = self.longest.max(len);
            if self.listed.len() < MAX_LISTED {
                self.listed.push(ClippedRun {
                    time_s: self.run_start[c] as f64 / self.sample_rate,
                    channel: c,
                    samples: len,
                });
            }
        }
    }

    /// The faults so far. `overs` and `polarity_inverted` are filled in by the analyzer.
    pub fn result(&self) -> Faults {
        let mut me = self.clone();
        for c in 0..me.run_len.len() {
            me.close_run(c);
        }
        me.listed.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
        let frames = self.frames.max(1) as f64;
        let (leading, trailing) = match self.first_sound {
            Some(first) => (first, self.frames - 1 - self.last_sound),
            None => (self.frames, 0),
        };
        let effective_bits = if self.off_grid {
            None
        } else if self.bits == 0 {
            Some(0)
        } else {
            Some(24 - self.bits.trailing_zeros())
        };
        Faults {
            clipped_runs: me.runs,
            longest_clipped_run: me.longest,
            clipped: me.listed,
            overs: 0,
            over_times: Vec::new(),
            dc_offset: self.sums.iter().map(|s| s / frames).collect(),
            polarity_inverted: false,
            leading_silence_s: leading as f64 / self.sample_rate,
            trailing_silence_s: trailing as f64 / self.sample_rate,
            effective_bits,
            non_finite: self.non_finite.clone(),
        }
    }
}
