//! Independent references for peak measurements, written from their definitions and not from
//! the core's code:
//!
//! * [`true_peak_16x`]: the 16× band-limited reconstruction that mastering engineers and the
//!   project's issues measure with, `scipy.signal.resample_poly(x, 16, 1, window=('kaiser',
//!   12.0))` (scipy's `firwin` design: 321 taps, cutoff at the input's Nyquist frequency, a
//!   Kaiser window of β = 12, scaled to unit DC gain times 16), zero-padded at both ends, in
//!   `f64`, every one of the 16 phases;
//! * [`ideal_at`]: the ideal (infinitely long) sinc interpolation at one instant, to cross-check
//!   the worst points.

use std::f64::consts::PI;

/// `I0(x)` by its power series, summed until the terms vanish.
fn i0(x: f64) -> f64 {
    let (mut sum, mut term, mut k) = (1.0f64, 1.0f64, 1.0f64);
    while term > 1e-20 * sum {
        term *= (x / (2.0 * k)).powi(2);
        sum += term;
        k += 1.0;
    }
    sum
}

/// scipy's `firwin(321, 1/16, window=('kaiser', 12.0))`, times 16.
fn filter() -> Vec<f64> {
    let n = 321usize;
    let alpha = 0.5 * (n - 1) as f64;
    let cutoff = 1.0 / 16.0;
    let mut h: Vec<f64> = (0..n)
        .map(|i| {
            let m = i as f64 - alpha;
            let sinc = if m == 0.0 {
                1.0
            } else {
                (PI * cutoff * m).sin() / (PI * cutoff * m)
            };
            // numpy's kaiser(M, beta): I0(beta * sqrt(1 - (2n/(M-1) - 1)^2)) / I0(beta).
            let r = 2.0 * i as f64 / (n - 1) as f64 - 1.0;
            let w = i0(12.0 * (1.0 - r * r).max(0.0).sqrt()) / i0(12.0);
            cutoff * sinc * w
        })
        .collect();
    let s: f64 = h.iter().sum();
    h.iter_mut().for_each(|v| *v *= 16.0 / s);
    h
}

/// Largest magnitude of the 16× reconstruction of `x` (one channel), linear.
pub fn true_peak_16x(x: &[f32]) -> f64 {
    let h = filter();
    let l = 16usize;
    // Upsampled y[j] = sum_i h[j - 16 i] x[i], for every j where any term is non-zero.
    let n = x.len();
    let mut peak = 0.0f64;
    for j in 0..(n * l + h.len()) {
        // i with 0 <= j - 16 i < len(h)  <=>  (j - len(h)) / 16 < i <= j / 16
        let hi = (j / l).min(n.saturating_sub(1));
        let lo = (j + l).saturating_sub(h.len()).div_ceil(l);
        if n == 0 || lo > hi {
            continue;
        }
        let mut acc = 0.0f64;
        for i in lo..=hi {
            acc += h[j - l * i] * x[i] as f64;
        }
        peak = peak.max(acc.abs());
    }
    peak
}

/// Largest 16× reconstructed peak over channels, dBTP.
pub fn true_peak_16x_dbtp(channels: &[Vec<f32>]) -> f64 {
    let p = channels
        .iter()
        .map(|c| true_peak_16x(c))
        .fold(0.0f64, f64::max);
    20.0 * p.log10()
}

/// The ideal band-limited interpolation of `x` at time `t` (in samples).
pub fn ideal_at(x: &[f32], t: f64) -> f64 {
    x.iter()
        .enumerate()
        .map(|(i, v)| {
            let d = t - i as f64;
            let s = if d == 0.0 {
                1.0
            } else {
                (PI * d).sin() / (PI * d)
            };
            *v as f64 * s
        })
        .sum()
}

/// The time (in samples) of the largest magnitude of the 16× reconstruction, to a 16th.
pub fn true_peak_16x_time(x: &[f32]) -> f64 {
    let h = filter();
    let n = x.len();
    let (mut best, mut at) = (0.0f64, 0.0f64);
    for j in 0..(n * 16 + h.len()) {
        let hi = (j / 16).min(n.saturating_sub(1));
        let lo = (j + 16).saturating_sub(h.len()).div_ceil(16);
        if n == 0 || lo > hi {
            continue;
        }
        let acc: f64 = (lo..=hi).map(|i| h[j - 16 * i] * x[i] as f64).sum();
        if acc.abs() > best {
            best = acc.abs();
            // The filter's delay is 160 output samples (10 input samples).
            at = (j as f64 - 160.0) / 16.0;
        }
    }
    at
}
