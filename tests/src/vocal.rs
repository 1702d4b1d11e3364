//! A synthetic vocal for the de-esser and dynamic EQ tests: a harmonic tone (150 Hz and its
//! harmonics to 1.5 kHz, amplitude 1/k) with bursts of noise band-limited to 6–9 kHz (made in
//! the frequency domain, so nothing of it lies outside the band), and helpers that measure
//! energy in a frequency band of a stretch of signal.

use rustfft::FftPlanner;
use rustfft::num_complex::Complex64;

use crate::Rng;

/// The vocal's parts.
pub struct Vocal {
    /// Tone plus bursts.
    pub mix: Vec<f32>,
    /// The bursts' spans `(start, end)` in frames.
    pub bursts: Vec<(usize, usize)>,
}

/// Noise with a flat spectrum between `lo` and `hi` Hz and nothing elsewhere, RMS `rms`.
pub fn band_noise(seed: u64, lo: f64, hi: f64, rms: f64, fs: f64, frames: usize) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let n = frames.next_power_of_two();
    let mut spec = vec![Complex64::new(0.0, 0.0); n];
    for (k, v) in spec.iter_mut().enumerate().take(n / 2) {
        let f = k as f64 * fs / n as f64;
        if f >= lo && f <= hi {
            let ph = std::f64::consts::PI * rng.bipolar() as f64;
            *v = Complex64::from_polar(1.0, ph);
        }
    }
    for k in 1..n / 2 {
        spec[n - k] = spec[k].conj();
    }
    FftPlanner::new().plan_fft_inverse(n).process(&mut spec);
    let x: Vec<f64> = spec[..frames].iter().map(|c| c.re).collect();
    let r = (x.iter().map(|v| v * v).sum::<f64>() / frames as f64).sqrt();
    x.iter().map(|v| (v / r * rms) as f32).collect()
}

/// `frames` of the vocal: the tone throughout (peak about −12 dBFS), and a 6–9 kHz burst of
/// RMS `burst_rms` for 120 ms every 400 ms (5 ms fades).
pub fn vocal(fs: f64, frames: usize, burst_rms: f64) -> Vocal {
    let tone: Vec<f64> = (0..frames)
        .map(|n| {
            let t = n as f64 / fs;
            (1..=10)
                .map(|k| {
                    0.06 / k as f64 * (2.0 * std::f64::consts::PI * 150.0 * k as f64 * t).sin()
                })
                .sum()
        })
        .collect();
    let nz = band_noise(5, 6000.0, 9000.0, burst_rms, fs, frames);
    let (on, period, fade) = (
        (0.12 * fs) as usize,
        (0.4 * fs) as usize,
        (0.005 * fs) as usize,
    );
    let mut env = vec![0.0f64; frames];
    let mut bursts = Vec::new();
    let mut s = period / 2;
    while s + on < frames {
        for i in 0..on {
            let ramp = |j: usize| 0.5 - 0.5 * (std::f64::consts::PI * j as f64 / fade as f64).cos();
            env[s + i] = if i < fade {
                ramp(i)
            } else if i >= on - fade {
                ramp(on - i)
            } else {
                1.0
            };
        }
        bursts.push((s, s + on));
        s += period;
    }
    let mix = (0..frames)
        .map(|n| (tone[n] + env[n] * nz[n] as f64) as f32)
        .collect();
    Vocal { mix, bursts }
}

/// Energy of `x` between `lo` and `hi` Hz (rectangular window over the whole stretch, whose
/// leakage is the same for input and output).
pub fn band_energy(x: &[f32], lo: f64, hi: f64, fs: f64) -> f64 {
    let n = x.len();
    let mut buf: Vec<Complex64> = x.iter().map(|v| Complex64::new(*v as f64, 0.0)).collect();
    FftPlanner::new().plan_fft_forward(n).process(&mut buf);
    (0..=n / 2)
        .filter(|&k| {
            let f = k as f64 * fs / n as f64;
            f >= lo && f <= hi
        })
        .map(|k| buf[k].norm_sqr())
        .sum()
}

/// The change in dB of the energy between `lo` and `hi` Hz from `input` to `output`, summed
/// over the stretches `spans`.
pub fn band_change_db(
    input: &[f32],
    output: &[f32],
    spans: &[(usize, usize)],
    lo: f64,
    hi: f64,
    fs: f64,
) -> f64 {
    let (mut a, mut b) = (0.0, 0.0);
    for &(s, e) in spans {
        a += band_energy(&input[s..e], lo, hi, fs);
        b += band_energy(&output[s..e], lo, hi, fs);
    }
    10.0 * (b / a).log10()
}
