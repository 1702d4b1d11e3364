//! Long-term average spectrum (Welch: Hann window, 50 % overlap) of a stereo programme, for
//! left, right, mid and side, in 1/3-octave bands (IEC 61260-1 base-10 centres, 25 Hz to
//! 20 kHz) and as a fine curve on a 1/24-octave grid for plots. The cross-spectrum gives the
//! band correlations and the mono fold-down's loss per band.
//!
//! Levels are mean-square power in dB relative to full scale: the band holding a full-scale
//! sine reads −3.0 dB, and the bands of a signal add up to its mean square (Parseval). The fine
//! curve is a density, dB per hertz.
//!
//! Sits under [`crate::analysis`]; FFTs through `realfft` (feature `std`).

use crate::math;
use alloc::sync::Arc;
use alloc::vec::Vec;
use num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

/// IEC 61260 1/3-octave band numbers x (centre 1000·10^(x/10) Hz) from 25 Hz to 20 kHz.
pub const BAND_NUMBERS: core::ops::RangeInclusive<i32> = -16..=13;
/// The nominal (printed) centres of those bands.
pub const NOMINAL_HZ: [f64; 30] = [
    25.0, 31.5, 40.0, 50.0, 63.0, 80.0, 100.0, 125.0, 160.0, 200.0, 250.0, 315.0, 400.0, 500.0,
    630.0, 800.0, 1000.0, 1250.0, 1600.0, 2000.0, 2500.0, 3150.0, 4000.0, 5000.0, 6300.0, 8000.0,
    10000.0, 12500.0, 16000.0, 20000.0,
];

/// Points per octave of the fine curve.
pub const FINE_PER_OCTAVE: usize = 24;

/// The exact centre of 1/3-octave band `x`, Hz.
pub fn band_centre(x: i32) -> f64 {
    1000.0 * math::powf(10.0, f64::from(x) / 10.0)
}

/// The lower and upper edges of the band centred on `centre`, Hz.
pub fn band_edges(centre: f64) -> (f64, f64) {
    let k = math::powf(10.0, 1.0 / 20.0);
    (centre / k, centre * k)
}

/// FFT length for a sample rate: the power of two nearest `sample_rate / 6` (a bin of about
/// 6 Hz: 8192 at 44.1 and 48 kHz, 16384 at 96 kHz).
pub fn fft_len(sample_rate: f64) -> usize {
    let target = (sample_rate / 6.0).max(256.0);
    let up = (target as usize).next_power_of_two();
    if (up as f64) / target > 1.5 {
        up / 2
    } else {
        up
    }
}

/// Welch accumulation of the left and right power spectra and their cross-spectrum.
pub struct Welch {
    n: usize,
    hop: usize,
    window: Vec<f32>,
    /// Scale turning |X|² into mean-square power per bin (one-sided).
    norm: f64,
    fft: Arc<dyn RealToComplex<f32>>,
    buf: [Vec<f32>; 2],
    fill: usize,
    time: Vec<f32>,
    spec: [Vec<Complex<f32>>; 2],
    scratch: Vec<Complex<f32>>,
    /// Sums over segments of |L|², |R|² and Re(L·R̄), per bin.
    pl: Vec<f64>,
    pr: Vec<f64>,
    cross: Vec<f64>,
    segments: u64,
    sample_rate: f64,
}

impl Clone for Welch {
    fn clone(&self) -> Self {
        Welch {
            n: self.n,
            hop: self.hop,
            window: self.window.clone(),
            norm: self.norm,
            fft: Arc::clone(&self.fft),
            buf: self.buf.clone(),
            fill: self.fill,
            time: self.time.clone(),
            spec: self.spec.clone(),
            scratch: self.scratch.clone(),
            pl: self.pl.clone(),
            pr: self.pr.clone(),
            cross: self.cross.clone(),
            segments: self.segments,
            sample_rate: self.sample_rate,
        }
    }
}

impl core::fmt::Debug for Welch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Welch")
            .field("n", &self.n)
            .field("segments", &self.segments)
            .finish_non_exhaustive()
    }
}

/// One segment's spectra, as [`Welch::add_each`] hands them over.
#[derive(Debug)]
pub struct Segment<'a> {
    /// Left channel's windowed FFT (bins 0 to n/2).
    pub left: &'a [Complex<f32>],
    /// Right channel's.
    pub right: &'a [Complex<f32>],
    /// Scale from |X|² to mean-square power per bin (one-sided bins take twice this).
    pub norm: f64,
    /// Hz per bin.
    pub bin_hz: f64,
}

/// The averaged power spectra of a [`Welch`] accumulation.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerSpectra {
    /// Hz per bin.
    pub bin_hz: f64,
    /// Mean-square power per bin of left, right, mid ((L+R)/2) and side ((L−R)/2).
    pub left: Vec<f64>,
    /// Right.
    pub right: Vec<f64>,
    /// Mid.
    pub mid: Vec<f64>,
    /// Side.
    pub side: Vec<f64>,
    /// Real part of the cross-spectrum L·R̄ (same scale).
    pub cross: Vec<f64>,
    /// Segments averaged.
    pub segments: u64,
}

impl Welch {
    /// An accumulator for `sample_rate` with [`fft_len`]'s length.
    pub fn new(sample_rate: f64) -> Self {
        Welch::with_len(sample_rate, fft_len(sample_rate))
    }

    /// An accumulator with FFT length `n` (a power of two, at least 16).
    pub fn with_len(sample_rate: f64, n: usize) -> Self {
        let mut planner = RealFftPlanner::<f32>::new();
        let fft = planner.plan_fft_forward(n);
        // Periodic Hann: 50 % overlap sums to a constant.
        let window: Vec<f32> = (0..n)
            .map(|i| {
                (0.5 - 0.5 * math::cos(2.0 * core::f64::consts::PI * i as f64 / n as f64)) as f32
            })
            .collect();
        let w2: f64 = window.iter().map(|w| f64::from(*w) * f64::from(*w)).sum();
        let bins = n / 2 + 1;
        Welch {
            n,
            hop: n / 2,
            window,
            norm: 1.0 / (n as f64 * w2),
            scratch: alloc::vec![Complex::default(); fft.get_scratch_len()],
            fft,
            buf: [alloc::vec![0.0; n], alloc::vec![0.0; n]],
            fill: 0,
            time: alloc::vec![0.0; n],
            spec: [
                alloc::vec![Complex::default(); bins],
                alloc::vec![Complex::default(); bins],
            ],
            pl: alloc::vec![0.0; bins],
            pr: alloc::vec![0.0; bins],
            cross: alloc::vec![0.0; bins],
            segments: 0,
            sample_rate,
        }
    }

    /// FFT length.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Always false (the FFT length is at least 16); here for `len`'s sake.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Feeds a block of the left and right channels (equal lengths, finite samples).
    pub fn add(&mut self, left: &[f32], right: &[f32]) {
        self.add_each(left, right, |_| {});
    }

    /// [`Welch::add`], calling `each` with every segment's spectra as it completes.
    pub fn add_each(&mut self, left: &[f32], right: &[f32], mut each: impl FnMut(&Segment<'_>)) {
        let mut start = 0;
        while start < left.len() {
            let take = (self.n - self.fill).min(left.len() - start);
            self.buf[0][self.fill..self.fill + take].copy_from_slice(&left[start..start + take]);
            self.buf[1][self.fill..self.fill + take].copy_from_slice(&right[start..start + take]);
            self.fill += take;
            start += take;
            if self.fill == self.n {
                self.segment();
                each(&Segment {
                    left: &self.spec[0],
                    right: &self.spec[1],
                    norm: self.norm,
                    bin_hz: self.sample_rate / self.n as f64,
                });
                for b in &mut self.buf {
                    b.copy_within(self.hop.., 0);
                }
                self.fill = self.n - self.hop;
            }
        }
    }

    fn segment(&mut self) {
        for c in 0..2 {
            for ((t, x), w) in self.time.iter_mut().zip(&self.buf[c]).zip(&self.window) {
                *t = x * w;
            }
            // The buffers are the plan's sizes: this cannot fail.
            let _ =
                self.fft
                    .process_with_scratch(&mut self.time, &mut self.spec[c], &mut self.scratch);
        }
        let [l, r] = &self.spec;
        for (k, (a, b)) in l.iter().zip(r).enumerate() {
            let (ar, ai, br, bi) = (
                f64::from(a.re),
                f64::from(a.im),
                f64::from(b.re),
                f64::from(b.im),
            );
            self.pl[k] += ar * ar + ai * ai;
            self.pr[k] += br * br + bi * bi;
            self.cross[k] += ar * br + ai * bi;
        }
        self.segments += 1;
    }

    /// The averaged spectra so far. A programme shorter than one segment is measured as one
    /// zero-padded segment; the half segment still buffered at the end is left out otherwise.
    pub fn spectra(&self) -> PowerSpectra {
        let mut me;
        let w = if self.segments == 0 && self.fill > 0 {
            me = self.clone();
            for b in &mut me.buf {
                b[self.fill..].fill(0.0);
            }
            me.segment();
            &me
        } else {
            self
        };
        let bins = w.n / 2 + 1;
        let segs = w.segments.max(1) as f64;
        let one_sided = |k: usize| if k == 0 || k == bins - 1 { 1.0 } else { 2.0 };
        let scale = |k: usize, v: f64| v * one_sided(k) * w.norm / segs;
        let left: Vec<f64> = (0..bins).map(|k| scale(k, w.pl[k])).collect();
        let right: Vec<f64> = (0..bins).map(|k| scale(k, w.pr[k])).collect();
        let cross: Vec<f64> = (0..bins).map(|k| scale(k, w.cross[k])).collect();
        let mid = (0..bins)
            .map(|k| ((left[k] + right[k] + 2.0 * cross[k]) / 4.0).max(0.0))
            .collect();
        let side = (0..bins)
            .map(|k| ((left[k] + right[k] - 2.0 * cross[k]) / 4.0).max(0.0))
            .collect();
        PowerSpectra {
            bin_hz: w.sample_rate / w.n as f64,
            left,
            right,
            mid,
            side,
            cross,
            segments: w.segments,
        }
    }
}

impl PowerSpectra {
    /// Sum of `p` over the bins whose centre lies in `[lo, hi)` Hz.
    pub fn sum(&self, p: &[f64], lo: f64, hi: f64) -> f64 {
        let a = math::ceil(lo / self.bin_hz).max(1.0) as usize;
        let b = (math::ceil(hi / self.bin_hz) as usize).min(p.len());
        if a >= b { 0.0 } else { p[a..b].iter().sum() }
    }

    /// Bins whose centre lies in `[lo, hi)` Hz.
    pub fn bins_in(&self, lo: f64, hi: f64) -> usize {
        let a = math::ceil(lo / self.bin_hz).max(1.0) as usize;
        let b = (math::ceil(hi / self.bin_hz) as usize).min(self.left.len());
        b.saturating_sub(a)
    }

    /// Power density of `p` at `f` Hz (per hertz), averaged over the bins within ±1/48 octave
    /// of `f`, or interpolated between the two nearest bins where none lies that close.
    pub fn density(&self, p: &[f64], f: f64) -> f64 {
        let half = math::powf(2.0, 0.5 / FINE_PER_OCTAVE as f64);
        let (lo, hi) = (f / half, f * half);
        let a = math::ceil(lo / self.bin_hz) as usize;
        let b = (math::floor(hi / self.bin_hz) as usize).min(p.len() - 1);
        if a <= b {
            return p[a..=b].iter().sum::<f64>() / ((b - a + 1) as f64 * self.bin_hz);
        }
        let x = f / self.bin_hz;
        let i = (math::floor(x) as usize).min(p.len() - 2);
        let t = x - i as f64;
        (p[i] * (1.0 - t) + p[i + 1] * t) / self.bin_hz
    }
}

/// 10·log10 of a power, `-inf` for zero.
pub fn power_db(p: f64) -> f64 {
    if p > 0.0 {
        10.0 * math::log10(p)
    } else {
        f64::NEG_INFINITY
    }
}

/// The spectrum part of an analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrum {
    /// Exact centres of the 1/3-octave bands below Nyquist, Hz.
    pub band_hz: Vec<f64>,
    /// Their nominal centres (25, 31.5, 40, ... Hz).
    pub nominal_hz: Vec<f64>,
    /// Band levels of left, right, mid and side, dB (mean-square power re full scale).
    pub left_db: Vec<f64>,
    /// Right.
    pub right_db: Vec<f64>,
    /// Mid, (L+R)/2.
    pub mid_db: Vec<f64>,
    /// Side, (L−R)/2.
    pub side_db: Vec<f64>,
    /// Frequencies of the fine curve (1/24 octave from 20 Hz), Hz.
    pub fine_hz: Vec<f64>,
    /// Fine curves, dB per hertz.
    pub fine_left_db: Vec<f64>,
    /// Right.
    pub fine_right_db: Vec<f64>,
    /// Mid.
    pub fine_mid_db: Vec<f64>,
    /// Side.
    pub fine_side_db: Vec<f64>,
}

impl Spectrum {
    /// Band levels and fine curves from averaged spectra.
    pub fn from_spectra(s: &PowerSpectra, sample_rate: f64) -> Spectrum {
        let nyquist = sample_rate / 2.0;
        let mut out = Spectrum {
            band_hz: Vec::new(),
            nominal_hz: Vec::new(),
            left_db: Vec::new(),
            right_db: Vec::new(),
            mid_db: Vec::new(),
            side_db: Vec::new(),
            fine_hz: Vec::new(),
            fine_left_db: Vec::new(),
            fine_right_db: Vec::new(),
            fine_mid_db: Vec::new(),
            fine_side_db: Vec::new(),
        };
        for (x, nominal) in BAND_NUMBERS.zip(NOMINAL_HZ) {
            let centre = band_centre(x);
            let (lo, hi) = band_edges(centre);
            if hi > nyquist {
                break;
            }
            out.band_hz.push(centre);
            out.nominal_hz.push(nominal);
            out.left_db.push(power_db(s.sum(&s.left, lo, hi)));
            out.right_db.push(power_db(s.sum(&s.right, lo, hi)));
            out.mid_db.push(power_db(s.sum(&s.mid, lo, hi)));
            out.side_db.push(power_db(s.sum(&s.side, lo, hi)));
        }
        let top = nyquist.min(20_000.0 * 1.03);
        let mut i = 0;
        loop {
            let f = 20.0 * math::powf(2.0, i as f64 / FINE_PER_OCTAVE as f64);
            if f > top || f >= nyquist - s.bin_hz {
                break;
            }
            out.fine_hz.push(f);
            out.fine_left_db.push(power_db(s.density(&s.left, f)));
            out.fine_right_db.push(power_db(s.density(&s.right, f)));
            out.fine_mid_db.push(power_db(s.density(&s.mid, f)));
            out.fine_side_db.push(power_db(s.density(&s.side, f)));
            i += 1;
        }
        out
    }
}
