//! Peaks on the reconstructed waveform (issue 12), checked with the 16× reference of
//! `mixmaster_tests::reference` (scipy's `resample_poly` design, written independently), not
//! with the meter the limiter uses:
//!
//! * the reference itself against analytic peaks and the ideal sinc interpolation;
//! * the limiter holds its ceiling within 0.1 dB on hostile material at 44.1, 48 and 96 kHz, in
//!   every block size (bit for bit the same output), and on random signals (proptest);
//! * the meter's precise mode reads within 0.05 dB of the reference on the same material.

use mixmaster::master::{ChannelLayout, Limiter, LoudnessMeter, MeterOptions, TruePeakMode};
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::reference::{ideal_at, true_peak_16x, true_peak_16x_dbtp, true_peak_16x_time};
use mixmaster_tests::{Rng, render};
use proptest::prelude::*;
use std::f64::consts::PI;

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// Gaussian-like noise (sum of four uniforms), unit-ish scale.
fn noise(rng: &mut Rng, n: usize) -> Vec<f32> {
    (0..n)
        .map(|_| (0..4).map(|_| rng.bipolar()).sum::<f32>() * 0.5)
        .collect()
}

/// A windowed-sinc low-pass FIR at `fc` (Hz), applied to `x`.
fn lowpass(x: &[f32], fc: f64, fs: f64) -> Vec<f32> {
    let taps = 255usize;
    let c = (taps - 1) as f64 / 2.0;
    let h: Vec<f64> = (0..taps)
        .map(|i| {
            let m = i as f64 - c;
            let w = 2.0 * fc / fs;
            let s = if m == 0.0 {
                w
            } else {
                (PI * w * m).sin() / (PI * m)
            };
            s * (0.42 - 0.5 * (2.0 * PI * i as f64 / (taps - 1) as f64).cos()
                + 0.08 * (4.0 * PI * i as f64 / (taps - 1) as f64).cos())
        })
        .collect();
    (0..x.len())
        .map(|n| {
            let mut acc = 0.0;
            for (k, hk) in h.iter().enumerate() {
                if n >= k {
                    acc += hk * x[n - k] as f64;
                }
            }
            acc as f32
        })
        .collect()
}

fn scale(x: &[f32], peak: f64) -> Vec<f32> {
    let m = x.iter().fold(0.0f32, |a, v| a.max(v.abs())) as f64;
    x.iter().map(|v| (*v as f64 * peak / m) as f32).collect()
}

/// The hostile set of the issue, stereo, `secs` long, each with its sample peak at `peak`.
fn hostile(fs: f64, secs: f64, peak: f64) -> Vec<(&'static str, Vec<Vec<f32>>)> {
    let n = (fs * secs) as usize;
    let mut rng = Rng::new(7);
    let pair = |rng: &mut Rng, f: &dyn Fn(&mut Rng) -> Vec<f32>| {
        vec![scale(&f(rng), peak), scale(&f(rng), peak)]
    };
    let white = pair(&mut rng, &|r| noise(r, n));
    let lp20 = pair(&mut rng, &|r| {
        lowpass(&noise(r, n), 20_000.0_f64.min(fs * 0.45), fs)
    });
    let clipped = pair(&mut rng, &|r| {
        noise(r, n)
            .iter()
            .map(|v| (v * 6.0).clamp(-1.0, 1.0))
            .collect()
    });
    let drums = pair(&mut rng, &|r| {
        let mut x = vec![0.0f32; n];
        let period = (fs * 0.11) as usize;
        for (k, start) in (0..n).step_by(period).enumerate() {
            let amp = 0.3 + 0.7 * ((k * 7 % 5) as f32 / 4.0);
            x[start] += amp;
            for i in 0..period.min(n - start) {
                let e = (-(i as f32) / (fs as f32 * 0.02)).exp();
                x[start + i] += amp * e * r.bipolar();
            }
        }
        x
    });
    let square = |f: f64, ph: f64| -> Vec<f32> {
        (0..n)
            .map(|i| {
                if (i as f64 * f / fs + ph).fract() < 0.5 {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect()
    };
    let tone = |f: f64, ph: f64| -> Vec<f32> {
        (0..n)
            .map(|i| (2.0 * PI * f * i as f64 / fs + ph).sin() as f32)
            .collect()
    };
    vec![
        ("white noise", white),
        ("noise low-passed at 20 kHz", lp20),
        ("hard-clipped noise", clipped),
        ("drum transients", drums),
        (
            "square 11 kHz",
            vec![
                scale(&square(11_000.0, 0.1), peak),
                scale(&square(11_000.0, 0.3), peak),
            ],
        ),
        (
            "square 997 Hz",
            vec![
                scale(&square(997.0, 0.0), peak),
                scale(&square(997.0, 0.5), peak),
            ],
        ),
        (
            "tone at 0.49 fs",
            vec![
                scale(&tone(0.49 * fs, 0.3), peak),
                scale(&tone(0.47 * fs, 1.0), peak),
            ],
        ),
        (
            "fs/4 at 45 degrees",
            vec![
                scale(&tone(fs / 4.0, PI / 4.0), peak),
                scale(&tone(fs / 4.0, 0.0), peak),
            ],
        ),
    ]
}

/// The limiter's whole output: the input followed by enough silence to flush the lookahead
/// (so the output ends the way the input does, not cut off mid-signal).
fn limit(fs: f64, ceiling: f64, input: &[Vec<f32>], block: usize) -> (Vec<Vec<f32>>, usize) {
    let mut l = Limiter::new(ceiling, 5.0).unwrap();
    l.prepare(ProcessSpec::new(fs, 4096, input.len())).unwrap();
    let pad = l.latency_frames() + 64;
    let padded: Vec<Vec<f32>> = input
        .iter()
        .map(|c| {
            c.iter()
                .copied()
                .chain(std::iter::repeat_n(0.0, pad))
                .collect()
        })
        .collect();
    let out = render(&mut l, &padded, &mut || block);
    (out, l.latency_frames())
}

#[test]
fn the_reference_reads_analytic_peaks() {
    let fs = 48_000.0;
    let n = 9_600;
    // Tones with smooth ends (no edge overshoot): the peak is the amplitude.
    for (f, amp, ph) in [
        (997.0, 0.5, 0.3),
        (10_000.0, 0.8, 1.1),
        (19_000.0, 0.7, 2.0),
    ] {
        let x: Vec<f32> = (0..n)
            .map(|i| {
                let env = (PI * i as f64 / n as f64).sin().powi(2);
                (amp * env * (2.0 * PI * f * i as f64 / fs + ph).sin()) as f32
            })
            .collect();
        let p = true_peak_16x(&x);
        assert!((db(p) - db(amp)).abs() < 0.01, "{f} Hz: {p} vs {amp}");
    }
    // fs/4 at 45 degrees: samples at A/sqrt(2), peaks at A halfway between (BS.1770's example).
    let x: Vec<f32> = (0..n)
        .map(|i| {
            let env = (PI * i as f64 / n as f64).sin().powi(2);
            (env * (PI / 2.0 * i as f64 + PI / 4.0).sin()) as f32
        })
        .collect();
    assert!((db(true_peak_16x(&x))).abs() < 0.005);
    // On band-limited noise the worst point agrees with the ideal sinc interpolation.
    let mut rng = Rng::new(3);
    let x = scale(&lowpass(&noise(&mut rng, 4_800), 18_000.0, fs), 1.0);
    let t = true_peak_16x_time(&x);
    let ideal = (-1..=1)
        .map(|k| ideal_at(&x, t + k as f64 / 64.0).abs())
        .fold(0.0f64, f64::max);
    assert!(
        (db(true_peak_16x(&x)) - db(ideal)).abs() < 0.03,
        "{} vs ideal {}",
        db(true_peak_16x(&x)),
        db(ideal)
    );
}

#[test]
fn limiter_holds_the_ceiling_on_the_reconstructed_waveform() {
    let mut worst = f64::NEG_INFINITY;
    let mut report = String::new();
    let mut failures = String::new();
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        for (ceiling, drive_db) in [(-1.0, 12.0), (0.0, 18.0), (-1.0, 3.0)] {
            let peak = 10f64.powf((ceiling + drive_db) / 20.0);
            for (name, input) in hostile(fs, 0.5, peak) {
                let (out, _) = limit(fs, ceiling, &input, 512);
                let tp = true_peak_16x_dbtp(&out);
                worst = worst.max(tp - ceiling);
                report += &format!("{fs} {ceiling} +{drive_db}: {name}: {:+.3}\n", tp - ceiling);
                if tp > ceiling + 0.1 {
                    failures += &format!(
                        "{name} @{fs} Hz driven {drive_db} dB into {ceiling} dBTP: {tp:.3} dBTP\n"
                    );
                }
                assert!(out.iter().flatten().all(|v| v.is_finite()));
            }
        }
    }
    println!("{report}worst over the ceiling: {worst:+.3} dB");
    assert!(
        failures.is_empty(),
        "over the ceiling + 0.1 dB:\n{failures}"
    );
}

#[test]
fn limiter_output_is_the_same_in_every_block_size() {
    let fs = 48_000.0;
    for (name, input) in hostile(fs, 0.3, 4.0) {
        let (whole, _) = limit(fs, -1.0, &input, 4096);
        for block in [1, 7, 64, 512] {
            let (b, _) = limit(fs, -1.0, &input, block);
            let same = whole
                .iter()
                .zip(&b)
                .all(|(x, y)| x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()));
            assert!(same, "{name}: blocks of {block} differ from blocks of 4096");
        }
    }
}

fn precise_dbtp(fs: f64, x: &[Vec<f32>], block: usize) -> f64 {
    let opts = MeterOptions {
        true_peak_mode: TruePeakMode::Precise,
        ..MeterOptions::default()
    };
    let mut m =
        LoudnessMeter::with_options(fs, ChannelLayout::for_channels(x.len()), opts).unwrap();
    let frames = x[0].len();
    let mut pos = 0;
    while pos < frames {
        let end = (pos + block).min(frames);
        let refs: Vec<&[f32]> = x.iter().map(|c| &c[pos..end]).collect();
        m.add_planar(&refs);
        pos = end;
    }
    m.true_peak_dbtp()
}

#[test]
fn precise_meter_reads_the_reference_within_five_hundredths() {
    let mut worst = 0.0f64;
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        for (name, input) in hostile(fs, 0.5, 0.9) {
            let reference = true_peak_16x_dbtp(&input);
            for block in [4800, 77] {
                let ours = precise_dbtp(fs, &input, block);
                worst = worst.max((ours - reference).abs());
                assert!(
                    (ours - reference).abs() <= 0.05,
                    "{name} @{fs}: precise {ours:.4} vs reference {reference:.4} dBTP"
                );
            }
        }
    }
    println!("largest difference from the reference: {worst:.4} dB");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn limiter_ceiling_holds_on_random_signals(
        seed in 1u64..u64::MAX,
        drive_db in 0.0f64..24.0,
        ceiling in -6.0f64..0.0,
        tone_hz in 20.0f64..23_900.0,
        tone_mix in 0.0f32..1.0,
        clip in 0.25f32..8.0,
        lowpass_hz in 2_000.0f64..24_000.0,
        block in 1usize..2048,
    ) {
        let fs = 48_000.0;
        let n = 12_000;
        let mut rng = Rng::new(seed);
        let peak = 10f64.powf((ceiling + drive_db) / 20.0);
        let input: Vec<Vec<f32>> = (0..2)
            .map(|c| {
                let x: Vec<f32> = lowpass(&noise(&mut rng, n), lowpass_hz.min(23_900.0), fs)
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let t = (2.0 * PI * tone_hz * i as f64 / fs + c as f64).sin() as f32;
                        ((1.0 - tone_mix) * v + tone_mix * t) * clip
                    })
                    .map(|v| v.clamp(-1.0, 1.0))
                    .collect();
                scale(&x, peak)
            })
            .collect();
        let (out, _) = limit(fs, ceiling, &input, block);
        let tp = true_peak_16x_dbtp(&out);
        prop_assert!(out.iter().flatten().all(|v| v.is_finite()));
        prop_assert!(tp <= ceiling + 0.1, "{tp} dBTP over {ceiling}");
    }
}

#[test]
fn bessel_i0_against_its_integral_and_tables() {
    use mixmaster::math::bessel_i0;
    // I0(x) = (1/π) ∫0^π exp(x cos θ) dθ: the trapezoid rule on this periodic integrand
    // converges geometrically, an independent computation of the Kaiser window's kernel.
    let integral = |x: f64| {
        let n = 4000;
        let h = PI / n as f64;
        let mut s = 0.5 * ((x).exp() + (-x).exp());
        for k in 1..n {
            s += (x * (k as f64 * h).cos()).exp();
        }
        s * h / PI
    };
    let mut x = 0.0;
    while x <= 30.0 {
        let (got, want) = (bessel_i0(x), integral(x));
        assert!(
            ((got - want) / want).abs() < 1e-13,
            "I0({x}) = {got}, integral {want}"
        );
        x += 0.37;
    }
    // Tables (Abramowitz & Stegun 9.8; scipy.special.i0).
    for (x, want) in [
        (0.0, 1.0),
        (0.5, 1.063_483_370_741_323_6),
        (2.0, 2.279_585_302_336_067),
        (5.0, 27.239_871_823_604_442),
        (10.0, 2_815.716_628_466_254),
    ] {
        let got = bessel_i0(x);
        assert!(
            ((got - want) / want).abs() < 1e-14,
            "I0({x}) = {got}, table {want}"
        );
    }
}

#[test]
fn the_standard_interpolator_is_its_own_definition() {
    use mixmaster::master::true_peak::Interpolator;
    // libebur128's design (BS.1770 Annex 2), written out: a 49-tap Hann-windowed sinc cut at
    // the input's Nyquist, c[j] = sinc(π m / L) · hann(j), m = j − 24, coefficients under 1e-6
    // dropped. Phase f of the window x[i .. i + taps] is Σ_k c[L (taps − 1 − k) + f] x[i + k];
    // the reading is the largest |phase| over f = 1 .. L − 1 (phase 0 is the sample itself).
    for (fs, l) in [(44_100.0, 4), (48_000.0, 4), (96_000.0, 2), (192_000.0, 1)] {
        let c = |j: usize| -> f64 {
            if j >= 49 {
                return 0.0;
            }
            let m = j as f64 - 24.0;
            let arg = PI * m / l as f64;
            let sinc = if m == 0.0 { 1.0 } else { arg.sin() / arg };
            let hann = 0.5 * (1.0 - (2.0 * PI * j as f64 / 48.0).cos());
            let v = sinc * hann;
            if v.abs() > 1e-6 { v } else { 0.0 }
        };
        let ip = Interpolator::new(fs);
        assert_eq!(ip.factor(), l);
        let taps = if l > 1 { 49usize.div_ceil(l) } else { 1 };
        assert_eq!(ip.taps(), taps);
        let l1 = (1..l)
            .map(|f| {
                (0..taps)
                    .map(|k| c(l * (taps - 1 - k) + f).abs())
                    .sum::<f64>()
            })
            .fold(if l == 1 { 1.0 } else { 0.0 }, f64::max);
        assert!((ip.l1_bound() as f64 - l1).abs() < 1e-5, "{fs}: L1 bound");
        let mut rng = Rng::new(17);
        for n in [64usize, 1, 37] {
            let x = noise(&mut rng, n + taps - 1);
            let mut out = vec![0.0f32; n];
            ip.window_peaks(&x, &mut out);
            for (i, got) in out.iter().enumerate() {
                let want = (1..l)
                    .map(|f| {
                        (0..taps)
                            .map(|k| c(l * (taps - 1 - k) + f) * x[i + k] as f64)
                            .sum::<f64>()
                            .abs()
                    })
                    .fold(0.0, f64::max);
                assert!(
                    (*got as f64 - want).abs() < 1e-5,
                    "{fs}, window {i} of {n}: {got} vs {want}"
                );
            }
        }
    }
}

#[test]
fn windows_taken_one_after_another_read_each_windows_peak() {
    // A loud stretch, 100 ms of silence (longer than any interpolator's memory) and a quiet
    // stretch of noise and silence again, fed in odd blocks, with a window taken after each
    // stretch: each noise window reads its own stretch's true peak (the 16x reference of that stretch alone), in both
    // modes; a window of silence after silence reads 0, a window with nothing new 0; and the windows together read what one
    // detector over the whole signal reads.
    use mixmaster::master::true_peak::PeakDetector;
    let fs = 48_000.0;
    let mut rng = Rng::new(7);
    let loud = scale(&lowpass(&noise(&mut rng, 9_000), 20_000.0, fs), 0.9);
    let quiet = scale(&lowpass(&noise(&mut rng, 9_000), 20_000.0, fs), 0.2);
    let gap = vec![0.0f32; 4_800];
    for mode in [TruePeakMode::Standard, TruePeakMode::Precise] {
        let tol = match mode {
            TruePeakMode::Standard => 0.6,
            TruePeakMode::Precise => 0.05,
        };
        let mut d = PeakDetector::new(fs, mode);
        let mut whole = PeakDetector::new(fs, mode);
        let mut windows = Vec::new();
        for part in [&loud, &gap, &quiet, &gap, &gap] {
            for b in part.chunks(333) {
                d.add(b);
                whole.add(b);
            }
            windows.push(d.take_peak());
        }
        let want = [true_peak_16x(&loud), true_peak_16x(&quiet)];
        for (got, want, what) in [
            (windows[0], want[0], "loud"),
            (windows[2], want[1], "quiet"),
        ] {
            let err = db(got as f64) - db(want);
            assert!(
                err.abs() <= tol,
                "{mode:?} {what}: {got} vs {want} ({err:.3} dB)"
            );
        }
        assert!(windows[4] < 1e-6, "{mode:?}: silence read {}", windows[4]);
        assert_eq!(d.take_peak(), 0.0, "{mode:?}: a window with nothing new");
        let max = windows.iter().cloned().fold(0.0f32, f32::max);
        assert_eq!(max, whole.peak(), "{mode:?}: windows vs the whole");
    }
}

#[test]
fn mode_names_are_the_ones_the_bindings_take() {
    // The names the Python and WebAssembly bindings and the command's reports use.
    for (mode, name) in [
        (TruePeakMode::Standard, "standard"),
        (TruePeakMode::Precise, "precise"),
    ] {
        assert_eq!(mode.name(), name);
        assert_eq!(TruePeakMode::from_name(name), Some(mode));
    }
    for bad in ["", "Precise", "16x", "standard "] {
        assert_eq!(TruePeakMode::from_name(bad), None, "{bad:?}");
    }
    assert_eq!(TruePeakMode::default(), TruePeakMode::Standard);
}

#[test]
fn every_point_count_reads_the_reference_and_the_samples() {
    // The reconstruction at 2, 4, 8 and 16 points per sample period reads band-limited noise,
    // and a tone a hair under Nyquist, within what its points allow of the 16x reference and
    // never more than 0.01 dB over it; the sample peak is the largest |sample| exactly.
    use mixmaster::master::reconstruction::PrecisePeak;
    let fs = 48_000.0;
    let mut rng = Rng::new(21);
    let noise = scale(&lowpass(&noise(&mut rng, 20_000), 21_000.0, fs), 0.7);
    let tone: Vec<f32> = (0..20_000)
        .map(|i| (0.5 * (2.0 * PI * 23_000.0 * i as f64 / fs + 0.3).sin()) as f32)
        .collect();
    for (name, x) in [("noise", &noise), ("tone", &tone)] {
        let want = true_peak_16x(x);
        let sample_peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        // Under: the global maximum's documented bounds (4 and 8 points, docs/true-peak.md).
        for (points, under) in [(2, 0.3), (4, 0.05), (8, 0.005), (16, 0.002)] {
            let over = 0.01;
            let mut d = PrecisePeak::new(points);
            for b in x.chunks(100) {
                d.add(b);
            }
            let err = db(d.finish_peak() as f64) - db(want);
            assert!(
                -under <= err && err <= over,
                "{name}, {points} points: {err:.4} dB from the reference"
            );
            assert_eq!(d.sample_peak(), sample_peak, "{name}, {points} points");
        }
    }
}

#[test]
fn an_inter_sample_peak_next_to_silence_is_read() {
    // Short bursts of a quarter-rate sine at 45°, whose samples are 3 dB under its peak,
    // between stretches of silence: inside one processing chunk (64 frames) straight after
    // silence, and in the last 8 frames of a chunk (its peaks then lie in periods the next,
    // silent, chunk computes). The precise reading is the reference's, not the samples'.
    use mixmaster::master::reconstruction::PrecisePeak;
    for (start, len) in [(1000, 24), (1080, 8)] {
        let mut x = vec![0.0f32; 2100];
        for i in 0..len {
            x[start + i] = (0.8 * (PI / 2.0 * i as f64 + PI / 4.0).sin()) as f32;
        }
        let want = true_peak_16x(&x);
        assert!(
            db(want / (0.8 * 0.5f64.sqrt())) > 2.0,
            "the burst peaks between its samples"
        );
        for split in [0, 1000, 1010, 990] {
            let mut d = PrecisePeak::new(8);
            d.add(&x[..split]);
            d.add(&x[split..]);
            let err = db(d.peak() as f64) - db(want);
            assert!(
                err.abs() < 0.05,
                "burst at {start}, fed from {split}: {err:.3} dB"
            );
        }
    }
}

#[test]
fn the_newest_samples_count_before_the_reconstruction_reaches_them() {
    // The reconstruction runs 9 samples behind the newest (its look-ahead); the samples
    // themselves are peaks of the waveform, so the running reading includes the newest at once.
    use mixmaster::master::reconstruction::PrecisePeak;
    for tail in [0, 3, 8] {
        let mut x = vec![0.0f32; 100];
        x.push(-0.9);
        x.extend(vec![0.0f32; tail]);
        let mut d = PrecisePeak::new(8);
        d.add(&x);
        assert!(
            d.peak() >= 0.9,
            "an impulse {tail} samples from the end: {}",
            d.peak()
        );
        assert_eq!(d.sample_peak(), 0.9);
    }
}
