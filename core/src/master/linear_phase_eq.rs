//! [`LinearPhaseEq`]: the biquad EQ's band types as one symmetric FIR (exactly linear phase),
//! applied by uniformly partitioned FFT convolution. Needs feature `std` (rustfft).
//!
//! Design (frequency sampling): the product of the bands' biquad magnitudes is sampled on a
//! grid of `M ≥ 4N` points, given zero phase, transformed to an impulse response, centred,
//! truncated to `N` taps (odd) and Tukey-windowed; the taps are symmetric, so the phase is
//! exactly linear with a delay of `(N − 1)/2` frames. The default length is 4095 taps at
//! 48 kHz, scaled with the rate.
//!
//! Convolution: uniformly partitioned overlap-save with partitions of `B` frames and FFTs of
//! `2B`. Two channels share one complex FFT (one as the real part, one as the imaginary part:
//! the filter is real, so the outputs separate exactly). The spectral multiply-accumulate runs on
//! split real/imaginary arrays so it vectorises. Reported latency: `(N − 1)/2 + B` — the FIR's
//! centre plus one partition of buffering (3071 frames, 64 ms, at the 48 kHz defaults).
//!
//! Parameter changes design the new filter at the next partition (no allocation) and crossfade
//! from the old to the new output over that partition, so moving a band does not click.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use num_complex::Complex32;
use rustfft::{Fft, FftPlanner};

use crate::error::{Error, Range, Result};
use crate::math;
use crate::mix::biquad::{Coeffs, Design, MAX_SECTIONS};
use crate::mix::filter::{BAND_FIELDS, design_from_options, design_settings};
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::validate;

/// Default FIR length at 48 kHz.
pub const DEFAULT_TAPS_48K: usize = 4095;
/// Default partition size: 1024 frames balances speed (fewer partitions to multiply) against
/// the added latency; `set_partition(64)` gives the lowest latency at a higher cost.
pub const DEFAULT_PARTITION: usize = 1024;
/// The `taps` setting of the linear-phase EQs (this one and the match EQ).
pub const TAPS_OPTION: OptionInfo = OptionInfo::integer(
    "taps",
    0.0,
    65_535.0,
    0.0,
    "FIR length, odd, 63 to 65535; 0 scales it with the sample rate (4095 at 48 kHz).",
);
/// Fraction of the length tapered by the window (half at each end).
const TAPER: f64 = 0.1;

/// Tukey window: flat in the middle, cosine tapers over `TAPER / 2` of the length at each end.
/// The flat middle keeps the long, slowly decaying responses of low-frequency bands intact (a
/// Kaiser or Blackman window would scale them down and smear a 30 Hz high-pass by 0.3 dB at
/// 40 Hz); the tapers remove the truncation edge.
fn tukey(i: usize, n: usize) -> f64 {
    let x = i as f64 / (n - 1) as f64;
    let a = TAPER / 2.0;
    if x < a {
        0.5 - 0.5 * math::cos(core::f64::consts::PI * x / a)
    } else if x > 1.0 - a {
        0.5 - 0.5 * math::cos(core::f64::consts::PI * (1.0 - x) / a)
    } else {
        1.0
    }
}

/// Filter spectra of all partitions, split into real and imaginary parts.
#[derive(Debug, Clone, Default)]
struct Spectra {
    re: Vec<f32>,
    im: Vec<f32>,
}

/// Per channel pair: input history frame, frequency-domain delay line, output.
#[derive(Debug, Clone, Default)]
struct PairState {
    /// Frequency-domain delay line, `partitions × 2B`, newest at `head`.
    fdl_re: Vec<f32>,
    fdl_im: Vec<f32>,
}

/// A linear-phase equalizer for any number of channels.
///
/// Construction: [`LinearPhaseEq::new`] (returns a `Result`: invalid arguments are errors naming them).
/// Setters: [`LinearPhaseEq::set_taps`], [`LinearPhaseEq::set_partition`], [`LinearPhaseEq::set_band`] validate and return a `Result` naming the parameter and its range.
/// By name: [`Processor::set_param`] over [`LinearPhaseEq::PARAMS`], or the
/// [registry](crate::registry) as kind `"linear_phase_eq"` (see docs/processors.md).
pub struct LinearPhaseEq {
    bands: Vec<Design>,
    /// An extra magnitude curve: (frequency Hz, gain dB) points, ascending, interpolated
    /// linearly in dB over log-frequency and held flat beyond the ends; scaled by `curve_scale`.
    curve: Vec<(f64, f64)>,
    curve_scale: f64,
    taps_override: Option<usize>,
    partition: usize,
    // Prepared state.
    taps: usize,
    parts: usize,
    fft: Option<Arc<dyn Fft<f32>>>,
    ifft: Option<Arc<dyn Fft<f32>>>,
    design_ifft: Option<Arc<dyn Fft<f32>>>,
    scratch: Vec<Complex32>,
    design_buf: Vec<Complex32>,
    taps_buf: Vec<f32>,
    current: Spectra,
    next: Spectra,
    pending: bool,
    pairs: Vec<PairState>,
    head: usize,
    /// Input FIFO: per channel, the last `2B` frames (previous partition, then the filling one).
    input: Vec<Vec<f32>>,
    /// Output FIFO: per channel, `B` frames ready to be read.
    output: Vec<Vec<f32>>,
    fill: usize,
    work: Vec<Complex32>,
    acc_re: Vec<f32>,
    acc_im: Vec<f32>,
    acc2_re: Vec<f32>,
    acc2_im: Vec<f32>,
    spec: Option<ProcessSpec>,
}

impl core::fmt::Debug for LinearPhaseEq {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LinearPhaseEq")
            .field("bands", &self.bands)
            .field("taps", &self.taps)
            .field("partition", &self.partition)
            .finish()
    }
}

crate::params! { LinearPhaseEq {} }

impl Describe for LinearPhaseEq {
    const DESCRIPTION: &'static Description = &Description {
        kind: "linear_phase_eq",
        aliases: &[],
        class_name: "LinearPhaseEQ",
        summary: "The biquad EQ's magnitude as a linear-phase FIR (partitioned FFT convolution); latency (taps-1)/2 + partition.",
        channels: "any",
        params: LinearPhaseEq::PARAMS,
        options: &[
            OptionInfo::list(
                "bands",
                BAND_FIELDS,
                "The bands whose combined magnitude it takes: tables of kind, order, frequency_hz, q, gain_db.",
            ),
            TAPS_OPTION,
            OptionInfo::integer(
                "partition",
                64.0,
                8192.0,
                DEFAULT_PARTITION as f64,
                "FFT partition in frames, a power of two (latency and cost).",
            ),
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let bands = o.list("bands", design_from_options)?;
        let mut eq = LinearPhaseEq::new(&bands)?;
        let taps = o.number("taps")? as usize;
        if taps != 0 {
            eq.set_taps(taps)?;
        }
        eq.set_partition(o.number("partition")? as usize)?;
        Ok(eq)
    }

    fn options(&self) -> Settings {
        let bands = self.bands.iter().map(design_settings).collect::<Vec<_>>();
        Settings::new()
            .with("bands", bands)
            .with("taps", self.taps_override.unwrap_or(0) as f64)
            .with("partition", self.partition as f64)
    }
}

impl LinearPhaseEq {
    /// An equalizer with `bands` (the biquad EQ's designs), default length and partition.
    pub fn new(bands: &[Design]) -> Result<Self> {
        for b in bands {
            b.validate(1_536_000.0)?;
        }
        Ok(LinearPhaseEq {
            bands: bands.to_vec(),
            curve: Vec::new(),
            curve_scale: 1.0,
            taps_override: None,
            partition: DEFAULT_PARTITION,
            taps: 0,
            parts: 0,
            fft: None,
            ifft: None,
            design_ifft: None,
            scratch: Vec::new(),
            design_buf: Vec::new(),
            taps_buf: Vec::new(),
            current: Spectra::default(),
            next: Spectra::default(),
            pending: false,
            pairs: Vec::new(),
            head: 0,
            input: Vec::new(),
            output: Vec::new(),
            fill: 0,
            work: Vec::new(),
            acc_re: Vec::new(),
            acc_im: Vec::new(),
            acc2_re: Vec::new(),
            acc2_im: Vec::new(),
            spec: None,
        })
    }

    /// Sets the FIR length (odd, 63 to 65535) instead of the rate-scaled default; takes effect
    /// at the next `prepare`.
    pub fn set_taps(&mut self, taps: usize) -> Result<()> {
        validate::in_range("taps", taps as f64, Range::closed(63.0, 65_535.0))?;
        if taps % 2 == 0 {
            return Err(Error::Parameter {
                name: "taps",
                value: taps as f64,
                range: Range::closed(63.0, 65_535.0),
                note: "must be odd (symmetric about a centre tap)",
            });
        }
        self.taps_override = Some(taps);
        Ok(())
    }

    /// Sets the partition size (a power of two, 64 to 8192); takes effect at the next `prepare`.
    pub fn set_partition(&mut self, frames: usize) -> Result<()> {
        if !(64..=8192).contains(&frames) || !frames.is_power_of_two() {
            return Err(Error::Parameter {
                name: "partition",
                value: frames as f64,
                range: Range::closed(64.0, 8192.0),
                note: "a power of two",
            });
        }
        self.partition = frames;
        Ok(())
    }

    /// Replaces band `index` (validated against the sample rate once prepared); the new filter
    /// crossfades in at the next partition. Never allocates.
    pub fn set_band(&mut self, index: usize, design: Design) -> Result<()> {
        let n = self.bands.len();
        if index >= n {
            return Err(Error::Parameter {
                name: "band",
                value: index as f64,
                range: Range::closed_open(0.0, n as f64),
                note: "no such band",
            });
        }
        design.validate(self.spec.map_or(1_536_000.0, |s| s.sample_rate))?;
        self.bands[index] = design;
        if self.spec.is_some() {
            self.pending = true;
        }
        Ok(())
    }

    /// Adds a free magnitude curve to the bands' response: `(frequency_hz, gain_db)` points in
    /// ascending frequency (at least one; gains within ±60 dB), interpolated linearly in dB over
    /// log-frequency and flat beyond the first and last points. Allocates: call it before
    /// `prepare` (after, it applies at the next `prepare` or `reset`).
    pub fn set_curve(&mut self, points: &[(f64, f64)]) -> Result<()> {
        let mut last = 0.0;
        for (i, &(f, g)) in points.iter().enumerate() {
            validate::in_range("frequency_hz", f, Range::open_closed(0.0, 1_000_000.0))?;
            validate::in_range("gain_db", g, Range::closed(-60.0, 60.0))?;
            if i > 0 && f <= last {
                return Err(Error::Parameter {
                    name: "frequency_hz",
                    value: f,
                    range: Range::open_closed(last, 1_000_000.0),
                    note: "curve points must be in ascending frequency",
                });
            }
            last = f;
        }
        self.curve = points.to_vec();
        if self.spec.is_some() {
            self.pending = true;
        }
        Ok(())
    }

    /// The free curve's points.
    pub fn curve(&self) -> &[(f64, f64)] {
        &self.curve
    }

    /// Scales the free curve's gains (0 = flat, 1 = as given); the new filter crossfades in at
    /// the next partition. Never allocates.
    pub fn set_curve_scale(&mut self, scale: f64) -> Result<()> {
        self.curve_scale = validate::in_range("strength", scale, Range::closed(0.0, 1.0))?;
        if self.spec.is_some() {
            self.pending = true;
        }
        Ok(())
    }

    /// The free curve's gain at `f` Hz, dB, scaled.
    pub fn curve_db(&self, f: f64) -> f64 {
        let c = &self.curve;
        let g = match c.iter().position(|p| p.0 >= f) {
            None => c.last().map_or(0.0, |p| p.1),
            Some(0) => c[0].1,
            Some(i) => {
                let (f0, g0) = c[i - 1];
                let (f1, g1) = c[i];
                let t = math::ln(f / f0) / math::ln(f1 / f0);
                g0 + t * (g1 - g0)
            }
        };
        g * self.curve_scale
    }

    /// The bands.
    pub fn bands(&self) -> &[Design] {
        &self.bands
    }

    /// FIR length in use (after `prepare`).
    pub fn taps(&self) -> usize {
        self.taps
    }

    /// The symmetric taps of the current design (after `prepare`).
    pub fn impulse_response(&self) -> &[f32] {
        &self.taps_buf
    }

    /// Magnitude (dB) of the target (the bands' biquads) at `f`.
    pub fn target_response_db(&self, f: f64) -> f64 {
        let fs = self.spec.map_or(48_000.0, |s| s.sample_rate);
        20.0 * math::log10(self.target_magnitude(f, fs).max(1e-30))
    }

    fn target_magnitude(&self, f: f64, fs: f64) -> f64 {
        let mut m = if self.curve.is_empty() {
            1.0
        } else {
            crate::db::db_to_gain(self.curve_db(f.max(1e-3)))
        };
        let mut s = [Coeffs::IDENTITY; MAX_SECTIONS];
        for b in &self.bands {
            let n = b.sections_unchecked(fs, &mut s);
            for c in &s[..n] {
                m *= c.complex_response(f, fs).norm();
            }
        }
        m
    }

    /// Designs the taps into `taps_buf` and the partition spectra into `out`.
    fn design_into(&mut self, into_next: bool) {
        let Some(spec) = self.spec else { return };
        let fs = spec.sample_rate;
        let m = self.design_buf.len();
        // Zero-phase target on the full grid (real and symmetric).
        for k in 0..=m / 2 {
            let v = self.target_magnitude(k as f64 * fs / m as f64, fs) as f32;
            self.design_buf[k] = Complex32::new(v, 0.0);
            if k > 0 && k < m / 2 {
                self.design_buf[m - k] = Complex32::new(v, 0.0);
            }
        }
        if let Some(ifft) = &self.design_ifft {
            ifft.process_with_scratch(&mut self.design_buf, &mut self.scratch);
        }
        let n = self.taps;
        let c = (n - 1) / 2;
        for i in 0..n {
            let k = (i + m - c) % m;
            let w = tukey(i, n);
            self.taps_buf[i] = self.design_buf[k].re / m as f32 * w as f32;
        }
        // Symmetrise exactly (rounding in the transform leaves ~1e-9 asymmetry).
        for i in 0..c {
            let v = 0.5 * (self.taps_buf[i] + self.taps_buf[n - 1 - i]);
            self.taps_buf[i] = v;
            self.taps_buf[n - 1 - i] = v;
        }
        let b = self.partition;
        let out = if into_next {
            &mut self.next
        } else {
            &mut self.current
        };
        for p in 0..self.parts {
            let w = &mut self.work;
            w.fill(Complex32::new(0.0, 0.0));
            for (j, v) in w[..b].iter_mut().enumerate() {
                let t = p * b + j;
                if t < n {
                    *v = Complex32::new(self.taps_buf[t], 0.0);
                }
            }
            if let Some(fft) = &self.fft {
                fft.process_with_scratch(w, &mut self.scratch);
            }
            let base = p * 2 * b;
            for (k, v) in w.iter().enumerate() {
                out.re[base + k] = v.re;
                out.im[base + k] = v.im;
            }
        }
    }

    /// Runs one partition: `input` holds the last 2B frames of every channel; writes B frames of
    /// output per channel into `output`, crossfading if a new design is pending.
    fn run_partition(&mut self) {
        let b = self.partition;
        let n2 = 2 * b;
        let fading = self.pending;
        if fading {
            self.design_into(true);
        }
        let channels = self.input.len();
        let scale = 1.0 / n2 as f32;
        self.head = (self.head + 1) % self.parts;
        for (pi, pair) in self.pairs.iter_mut().enumerate() {
            let (c0, c1) = (2 * pi, 2 * pi + 1);
            let w = &mut self.work;
            // Channel c0 in the real part, c1 (if any) in the imaginary part.
            match self.input.get(c1) {
                Some(x1) => {
                    for ((v, &a), &b) in w.iter_mut().zip(&self.input[c0]).zip(x1) {
                        *v = Complex32::new(a, b);
                    }
                }
                None => {
                    for (v, &a) in w.iter_mut().zip(&self.input[c0]) {
                        *v = Complex32::new(a, 0.0);
                    }
                }
            }
            if let Some(fft) = &self.fft {
                fft.process_with_scratch(w, &mut self.scratch);
            }
            let slot = self.head * n2;
            let fdl = pair.fdl_re[slot..slot + n2]
                .iter_mut()
                .zip(&mut pair.fdl_im[slot..slot + n2]);
            for ((r, i), v) in fdl.zip(w.iter()) {
                *r = v.re;
                *i = v.im;
            }
            for (spectra, (are, aim)) in [
                (&self.current, (&mut self.acc_re, &mut self.acc_im)),
                (&self.next, (&mut self.acc2_re, &mut self.acc2_im)),
            ]
            .into_iter()
            .take(if fading { 2 } else { 1 })
            {
                are.fill(0.0);
                aim.fill(0.0);
                for p in 0..self.parts {
                    let s = ((self.head + self.parts - p) % self.parts) * n2;
                    let (xr, xi) = (&pair.fdl_re[s..s + n2], &pair.fdl_im[s..s + n2]);
                    let (hr, hi) = (
                        &spectra.re[p * n2..(p + 1) * n2],
                        &spectra.im[p * n2..(p + 1) * n2],
                    );
                    cmac(are, aim, xr, xi, hr, hi);
                }
            }
            // The current filter's output, then (while fading) the new one's, crossfaded in.
            let accs = [
                (&self.acc_re, &self.acc_im, false),
                (&self.acc2_re, &self.acc2_im, true),
            ];
            for (re, im, fade) in accs.into_iter().take(if fading { 2 } else { 1 }) {
                let (lo, hi) = self.output.split_at_mut(c1.min(channels));
                let (o0, o1) = (&mut lo[c0], hi.first_mut());
                for (v, (&r, &i)) in w.iter_mut().zip(re.iter().zip(im)) {
                    *v = Complex32::new(r, i);
                }
                if let Some(ifft) = &self.ifft {
                    ifft.process_with_scratch(w, &mut self.scratch);
                }
                unpack(&w[b..], scale, o0, o1, fade);
            }
        }
        if fading {
            core::mem::swap(&mut self.current, &mut self.next);
            self.pending = false;
        }
        // Slide: the filled half becomes the previous half.
        for ch in &mut self.input {
            ch.copy_within(b..2 * b, 0);
        }
    }
}

/// Writes the second half of an inverse transform (the valid overlap-save output) to one or two
/// channels; with `fade`, crossfades linearly from what the channels hold to the new output.
fn unpack(w: &[Complex32], scale: f32, o0: &mut [f32], o1: Option<&mut Vec<f32>>, fade: bool) {
    let b = o0.len();
    let part = |o: &mut [f32], get: &dyn Fn(&Complex32) -> f32| {
        if fade {
            for (j, (o, v)) in o.iter_mut().zip(w).enumerate() {
                *o += (get(v) * scale - *o) * ((j as f32 + 0.5) / b as f32);
            }
        } else {
            for (o, v) in o.iter_mut().zip(w) {
                *o = get(v) * scale;
            }
        }
    };
    part(o0, &|v| v.re);
    if let Some(o1) = o1 {
        part(o1, &|v| v.im);
    }
}

/// Complex multiply-accumulate on split arrays, `acc += x · h`; written with zipped iterators
/// so it compiles without bounds checks and vectorises.
#[inline]
fn cmac(are: &mut [f32], aim: &mut [f32], xr: &[f32], xi: &[f32], hr: &[f32], hi: &[f32]) {
    for (((((ar, ai), &xr), &xi), &hr), &hi) in are
        .iter_mut()
        .zip(aim.iter_mut())
        .zip(xr)
        .zip(xi)
        .zip(hr)
        .zip(hi)
    {
        *ar += xr * hr - xi * hi;
        *ai += xr * hi + xi * hr;
    }
}

impl Processor for LinearPhaseEq {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        for b in &self.bands {
            b.validate(spec.sample_rate)?;
        }
        let taps = self.taps_override.unwrap_or_else(|| {
            let t = math::round(DEFAULT_TAPS_48K as f64 * spec.sample_rate / 48_000.0) as usize;
            (t | 1).max(63)
        });
        let b = self.partition;
        self.spec = Some(spec);
        self.taps = taps;
        self.parts = taps.div_ceil(b);
        let mut planner = FftPlanner::<f32>::new();
        let fft = planner.plan_fft_forward(2 * b);
        let ifft = planner.plan_fft_inverse(2 * b);
        let m = (4 * taps).next_power_of_two();
        let design_ifft = planner.plan_fft_inverse(m);
        let scratch_len = fft
            .get_inplace_scratch_len()
            .max(ifft.get_inplace_scratch_len())
            .max(design_ifft.get_inplace_scratch_len());
        self.scratch = vec![Complex32::new(0.0, 0.0); scratch_len];
        self.fft = Some(fft);
        self.ifft = Some(ifft);
        self.design_ifft = Some(design_ifft);
        self.design_buf = vec![Complex32::new(0.0, 0.0); m];
        self.taps_buf = vec![0.0; taps];
        let size = self.parts * 2 * b;
        self.current = Spectra {
            re: vec![0.0; size],
            im: vec![0.0; size],
        };
        self.next = Spectra {
            re: vec![0.0; size],
            im: vec![0.0; size],
        };
        self.pairs = (0..spec.channels.div_ceil(2))
            .map(|_| PairState {
                fdl_re: vec![0.0; size],
                fdl_im: vec![0.0; size],
            })
            .collect();
        self.input = vec![vec![0.0; 2 * b]; spec.channels];
        self.output = vec![vec![0.0; b]; spec.channels];
        self.work = vec![Complex32::new(0.0, 0.0); 2 * b];
        for v in [
            &mut self.acc_re,
            &mut self.acc_im,
            &mut self.acc2_re,
            &mut self.acc2_im,
        ] {
            *v = vec![0.0; 2 * b];
        }
        self.pending = false;
        self.design_into(false);
        self.reset();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let frames = block.first().map_or(0, |c| c.len());
        let b = self.partition;
        let mut pos = 0;
        while pos < frames {
            let n = (b - self.fill).min(frames - pos);
            for (c, ch) in block.iter_mut().enumerate() {
                let inp = &mut self.input[c][b + self.fill..b + self.fill + n];
                for (d, s) in inp.iter_mut().zip(&ch[pos..pos + n]) {
                    *d = if s.is_finite() { *s } else { 0.0 };
                }
                ch[pos..pos + n].copy_from_slice(&self.output[c][self.fill..self.fill + n]);
            }
            self.fill += n;
            pos += n;
            if self.fill == b {
                self.run_partition();
                self.fill = 0;
            }
        }
    }

    fn reset(&mut self) {
        for p in &mut self.pairs {
            p.fdl_re.fill(0.0);
            p.fdl_im.fill(0.0);
        }
        for c in self.input.iter_mut().chain(self.output.iter_mut()) {
            c.fill(0.0);
        }
        self.fill = 0;
        self.head = 0;
        if self.pending {
            self.design_into(false);
            self.pending = false;
        }
    }

    fn latency_frames(&self) -> usize {
        if self.spec.is_some() {
            (self.taps - 1) / 2 + self.partition
        } else {
            0
        }
    }

    fn tail_frames(&self) -> usize {
        self.latency_frames() + (self.taps - 1) / 2
    }
}
