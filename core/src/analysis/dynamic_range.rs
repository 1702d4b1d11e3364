//! The "TT Dynamic Range" (DR14) value: per channel, 3 s blocks, the RMS of the loudest 20 % of
//! blocks against the second-highest block peak. Same algorithm and rounding as the `drmeter`
//! reference implementation (its value is the mean of the channels' values; the "official"
//! figure is that mean rounded to a whole number). Streaming: a few bytes per 3 s block.
//!
//! Sits under [`crate::analysis`]; depends only on [`crate::math`].

use crate::math;
use alloc::vec::Vec;

/// Block length, seconds.
pub const BLOCK_S: f64 = 3.0;
/// Fraction of the loudest blocks whose RMS is used.
pub const UPMOST_RATIO: f64 = 0.2;
/// Fewest blocks a DR value needs (so at least one block is in the loudest 20 %).
pub const MIN_BLOCKS: usize = 5;

/// The DR value of a programme.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicRange {
    /// DR per channel, dB (0 for a silent channel, as `drmeter`).
    pub per_channel: Vec<f64>,
    /// Mean of the channels' values, dB.
    pub value: f64,
    /// The value as DR meters print it: rounded to a whole number ("DR8").
    pub official: i32,
}

/// Streaming DR measurement.
#[derive(Debug, Clone)]
pub struct DrMeter {
    block: usize,
    pos: usize,
    /// Per channel: sum of squares and peak of the block being filled.
    sum: Vec<f64>,
    peak: Vec<f32>,
    /// Per finished block and channel: RMS (√(2·mean square), as the DR algorithm defines it)
    /// and peak, channel-major per block.
    rms: Vec<f64>,
    peaks: Vec<f64>,
    channels: usize,
}

impl DrMeter {
    /// A meter for `channels` at `sample_rate`.
    pub fn new(sample_rate: f64, channels: usize) -> Self {
        DrMeter {
            block: (math::round(BLOCK_S * sample_rate) as usize).max(1),
            pos: 0,
            sum: alloc::vec![0.0; channels],
            peak: alloc::vec![0.0; channels],
            rms: Vec::new(),
            peaks: Vec::new(),
            channels,
        }
    }

    /// Feeds a planar block (all channels the same length, finite samples).
    pub fn add(&mut self, x: &[&[f32]]) {
        let n = x.first().map_or(0, |c| c.len());
        let mut start = 0;
        while start < n {
            let take = (self.block - self.pos).min(n - start);
            for (c, ch) in x.iter().enumerate() {
                let part = &ch[start..start + take];
                self.sum[c] += math::sum_squares(part);
                let p = math::peak_abs_finite(part);
                if p > self.peak[c] {
                    self.peak[c] = p;
                }
            }
            self.pos += take;
            start += take;
            if self.pos == self.block {
                self.close_block();
            }
        }
    }

    fn close_block(&mut self) {
        let len = self.pos as f64;
        for c in 0..self.channels {
            self.rms.push(math::sqrt(2.0 * self.sum[c] / len));
            self.peaks.push(f64::from(self.peak[c]));
            self.sum[c] = 0.0;
            self.peak[c] = 0.0;
        }
        self.pos = 0;
    }

    /// The DR value so far (the block being filled counts, as `drmeter` counts a file's last,
    /// shorter block); `None` when fewer than [`MIN_BLOCKS`] blocks were seen.
    pub fn result(&self) -> Option<DynamicRange> {
        let mut me = self.clone();
        if me.pos > 0 {
            me.close_block();
        }
        let blocks = me.rms.len() / self.channels.max(1);
        if blocks < MIN_BLOCKS || self.channels == 0 {
            return None;
        }
        let upmost = (math::round(blocks as f64 * UPMOST_RATIO) as usize).max(1);
        let per_channel: Vec<f64> = (0..self.channels)
            .map(|c| {
                let mut rms: Vec<f64> = me
                    .rms
                    .iter()
                    .skip(c)
                    .step_by(self.channels)
                    .copied()
                    .collect();
                let mut peaks: Vec<f64> = me
                    .peaks
                    .iter()
                    .skip(c)
                    .step_by(self.channels)
                    .copied()
                    .collect();
                rms.sort_by(f64::total_cmp);
                peaks.sort_by(f64::total_cmp);
                let top = &rms[blocks - upmost..];
                let loud = math::sqrt(top.iter().map(|r| r * r).sum::<f64>() / upmost as f64);
                let second = peaks[blocks - 2];
                if loud > 0.0 && second > 0.0 {
                    20.0 * math::log10(second / loud)
                } else {
                    0.0
                }
            })
            .collect();
        let value = per_channel.iter().sum::<f64>() / per_channel.len() as f64;
        Some(DynamicRange {
            official: math::round(value) as i32,
            per_channel,
            value,
        })
    }
}
