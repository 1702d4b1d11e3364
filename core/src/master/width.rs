//! Stereo width: mid/side scaling from 0 (mono) through 1 (unchanged) to 2 (wide), with an
//! optional bass-mono below a crossover, and mid/side encode/decode helpers.
//!
//! `M = (L + R)/2`, `S = (L − R)/2`; width `w` gives `L' = M + wS`, `R' = M − wS`. Bass mono
//! splits each channel with a 4th-order Linkwitz–Riley crossover (low + high sum to an all-pass
//! with flat magnitude), sums the lows to mono, and applies the width to the highs only.

use crate::error::{Range, Result};
use crate::mix::biquad::FilterKind;
use crate::mix::filter::Filter;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, Options, Settings};
use crate::smooth::{DEFAULT_GAIN_RAMP_S, Smoothed};
use crate::validate;
use alloc::vec;
use alloc::vec::Vec;

/// `(mid, side)` of a stereo sample pair.
#[inline]
pub fn ms_encode(l: f32, r: f32) -> (f32, f32) {
    (0.5 * (l + r), 0.5 * (l - r))
}

/// `(left, right)` of a mid/side pair.
#[inline]
pub fn ms_decode(m: f32, s: f32) -> (f32, f32) {
    (m + s, m - s)
}

/// Encodes planar stereo to mid/side in place (left becomes mid, right becomes side).
pub fn ms_encode_in_place(left: &mut [f32], right: &mut [f32]) {
    for (l, r) in left.iter_mut().zip(right.iter_mut()) {
        (*l, *r) = ms_encode(*l, *r);
    }
}

/// Decodes planar mid/side to stereo in place.
pub fn ms_decode_in_place(mid: &mut [f32], side: &mut [f32]) {
    for (m, s) in mid.iter_mut().zip(side.iter_mut()) {
        (*m, *s) = ms_decode(*m, *s);
    }
}

crate::params! { StereoWidth {
    width: [0.0, 2.0] = 1.0, "", "Side level relative to mid: 0 mono, 1 unchanged, 2 twice as wide.",
        set = StereoWidth::set_width, get = |w| w.width.target();
    bass_mono_hz: [0.0, 500.0] = 0.0, "Hz", "Below this frequency the side is removed (0 = off).",
        set = StereoWidth::set_bass_mono_hz, get = |w| w.bass_mono_hz;
} }

/// Stereo width with optional bass mono. Two channels.
///
/// Construction: [`StereoWidth::new`] (never fails).
/// Setters: [`StereoWidth::set_width`], [`StereoWidth::set_bass_mono_hz`] validate and return a `Result` naming the parameter and its range.
/// By name: [`Processor::set_param`] over [`StereoWidth::PARAMS`], or the
/// [registry](crate::registry) as kind `"stereo_width"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct StereoWidth {
    width: Smoothed,
    bass_mono_hz: f64,
    low: Option<Filter>,
    high: Option<Filter>,
    scratch: Vec<f32>,
    spec: Option<ProcessSpec>,
}

impl Default for StereoWidth {
    fn default() -> Self {
        StereoWidth::new()
    }
}

impl StereoWidth {
    /// Width 1, bass mono off.
    pub fn new() -> Self {
        StereoWidth {
            width: Smoothed::new(1.0),
            bass_mono_hz: 0.0,
            low: None,
            high: None,
            scratch: Vec::new(),
            spec: None,
        }
    }

    /// Width in [0, 2] (smoothed).
    pub fn set_width(&mut self, w: f64) -> Result<()> {
        validate::in_range("width", w, Range::closed(0.0, 2.0))?;
        if self.spec.is_some() {
            self.width.set_target(w)
        } else {
            self.width.set_immediate(w)
        }
        Ok(())
    }

    /// Bass-mono crossover in Hz: 0 (off) or [20, 500]. Takes effect at the next `prepare`
    /// when turned on or off, at once when only moved.
    pub fn set_bass_mono_hz(&mut self, hz: f64) -> Result<()> {
        if hz != 0.0 {
            validate::in_range_note(
                "bass_mono_hz",
                hz,
                Range::closed(20.0, 500.0),
                "0 turns it off",
            )?;
        }
        self.bass_mono_hz = hz;
        if let (Some(l), Some(h)) = (&mut self.low, &mut self.high)
            && hz > 0.0
        {
            l.set_frequency(hz)?;
            h.set_frequency(hz)?;
        }
        Ok(())
    }
}

impl Processor for StereoWidth {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate_channels("stereo width", |c| c == 2, "exactly 2")?;
        self.spec = Some(spec);
        self.width.set_ramp(DEFAULT_GAIN_RAMP_S, spec.sample_rate);
        if self.bass_mono_hz > 0.0 {
            let mut l = Filter::new(FilterKind::LinkwitzRileyLowPass(4), self.bass_mono_hz)?;
            let mut h = Filter::new(FilterKind::LinkwitzRileyHighPass(4), self.bass_mono_hz)?;
            l.prepare(spec)?;
            h.prepare(spec)?;
            self.low = Some(l);
            self.high = Some(h);
            self.scratch = vec![0.0; 2 * spec.max_block_frames];
        } else {
            self.low = None;
            self.high = None;
        }
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let [left, right] = block else { return };
        let n = left.len();
        let mut lows = None;
        if let (Some(lo), Some(hi)) = (&mut self.low, &mut self.high) {
            let (sl, sr) = self.scratch.split_at_mut(n.max(1));
            let (sl, sr) = (&mut sl[..n], &mut sr[..n]);
            sl.copy_from_slice(left);
            sr.copy_from_slice(right);
            lo.process_block(&mut [&mut *sl, &mut *sr]);
            hi.process_block(&mut [&mut **left, &mut **right]);
            for (a, b) in sl.iter_mut().zip(sr.iter()) {
                *a = 0.5 * (*a + *b);
            }
            lows = Some(());
        }
        let smoothing = self.width.is_smoothing();
        let w0 = self.width.value() as f32;
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            let w = if smoothing {
                self.width.tick() as f32
            } else {
                w0
            };
            let (m, s) = ms_encode(*l, *r);
            (*l, *r) = ms_decode(m, w * s);
        }
        if lows.is_some() {
            let mono = &self.scratch[..n];
            for ((l, r), m) in left.iter_mut().zip(right.iter_mut()).zip(mono) {
                *l += *m;
                *r += *m;
            }
        }
    }

    fn reset(&mut self) {
        self.width.finish();
        if let Some(f) = &mut self.low {
            f.reset();
        }
        if let Some(f) = &mut self.high {
            f.reset();
        }
    }
}

impl Describe for StereoWidth {
    const DESCRIPTION: &'static Description = &Description {
        kind: "stereo_width",
        aliases: &["width"],
        class_name: "StereoWidth",
        summary: "Mid/side stereo width with an optional mono bass below a crossover.",
        channels: "2",
        params: StereoWidth::PARAMS,
        options: &[],
        variants: &[],
    };

    fn from_options(_: &mut Options<'_>) -> Result<Self> {
        Ok(StereoWidth::new())
    }

    fn options(&self) -> Settings {
        Settings::new()
    }
}
