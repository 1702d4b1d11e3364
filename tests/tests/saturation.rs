//! Saturation: alias products of sines at 1, 5 and 9 kHz (48 kHz), at full scale and 12 dB
//! under, stay 60 dB below the fundamental over the whole drive range with 4x and 8x
//! oversampling; the harmonics that should be there are; the dry path lines up with the wet;
//! and the processor contract holds.

use mixmaster::master::{Curve, Saturation};
use mixmaster::oversample::Oversampler;
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::{check_contract, sine};
use num_complex::{Complex32, Complex64};
use rustfft::FftPlanner;

/// Magnitude spectrum (1 Hz bins) of one second of steady output.
fn spectrum(x: &[f32]) -> Vec<f32> {
    let mut buf: Vec<Complex32> = x.iter().map(|v| Complex32::new(*v, 0.0)).collect();
    FftPlanner::new()
        .plan_fft_forward(buf.len())
        .process(&mut buf);
    buf[..buf.len() / 2].iter().map(|c| c.norm()).collect()
}

fn saturate(curve: Curve, factor: usize, drive_db: f64, x: &[f32]) -> Vec<f32> {
    let mut s = Saturation::new(curve, factor).unwrap();
    s.set_drive_db(drive_db).unwrap();
    s.prepare(ProcessSpec::new(48_000.0, 480, 1)).unwrap();
    let mut y = x.to_vec();
    s.process(&mut [&mut y[..]]);
    y
}

/// The drives, tones and levels the aliasing is measured at: every 6 dB of the drive range, a
/// low, a middle and a high tone (997 Hz rather than 1 kHz, so its aliases do not land on its
/// own harmonics as they would with 48 kHz a multiple of it), at full scale and 12 dB under.
const DRIVES_DB: [f64; 7] = [0.0, 6.0, 12.0, 18.0, 24.0, 30.0, 36.0];
const TONES_HZ: [f64; 3] = [997.0, 5_000.0, 9_000.0];
const LEVELS_DB: [f64; 2] = [0.0, -12.0];

/// 4-term Blackman-Harris window (side lobes at −92 dB).
fn blackman_harris(n: usize) -> Vec<f64> {
    let a = [0.35875, 0.48829, 0.14128, 0.01168];
    (0..n)
        .map(|i| {
            let w = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
            a[0] - a[1] * w.cos() + a[2] * (2.0 * w).cos() - a[3] * (3.0 * w).cos()
        })
        .collect()
}

/// The strongest spectral component of `y` (one second at 48 kHz, 1 Hz bins, Blackman-Harris)
/// that is not a harmonic of `f0` (nor DC), relative to the fundamental in dB, and its
/// frequency in Hz. Harmonics and DC are the ±6 bins around them (the window's main lobe is ±4).
fn worst_alias(y: &[f32], f0: f64) -> (f64, usize) {
    let w = blackman_harris(y.len());
    let mut buf: Vec<Complex64> = y
        .iter()
        .zip(&w)
        .map(|(v, w)| Complex64::new(*v as f64 * w, 0.0))
        .collect();
    FftPlanner::new()
        .plan_fft_forward(buf.len())
        .process(&mut buf);
    let mag: Vec<f64> = buf[..buf.len() / 2 + 1].iter().map(|c| c.norm()).collect();
    let harmonic = |f: usize| {
        let k = (f as f64 / f0).round();
        f < 7 || (f as f64 - k * f0).abs() <= 6.0
    };
    let (f, m) = mag
        .iter()
        .enumerate()
        .filter(|(f, _)| !harmonic(*f))
        .fold((0, 0.0f64), |b, (f, m)| if *m > b.1 { (f, *m) } else { b });
    (20.0 * (m / mag[f0 as usize]).log10(), f)
}

/// The worst alias of a saturator on a sine of `f0` Hz at `level_db` dBFS, over one second
/// after half a second of settling.
fn alias_of(curve: Curve, factor: usize, drive_db: f64, f0: f64, level_db: f64) -> (f64, usize) {
    let fs = 48_000.0;
    let amp = 10f64.powf(level_db / 20.0);
    let x = sine(f0, amp, 0.0, fs, 72_000);
    let y = saturate(curve, factor, drive_db, &x);
    worst_alias(&y[24_000..72_000], f0)
}

/// The worst alias over the tones and levels at one drive: (dB, tone, level, alias frequency).
fn worst_at(curve: Curve, factor: usize, drive_db: f64) -> (f64, f64, f64, usize) {
    let mut worst = (f64::NEG_INFINITY, 0.0, 0.0, 0);
    for f0 in TONES_HZ {
        for level in LEVELS_DB {
            let (db, f) = alias_of(curve, factor, drive_db, f0, level);
            if db > worst.0 {
                worst = (db, f0, level, f);
            }
        }
    }
    worst
}

#[test]
fn aliases_stay_60_db_below_the_fundamental_over_the_whole_drive_range() {
    let mut failures = Vec::new();
    for factor in [4, 8] {
        for curve in [Curve::Symmetric, Curve::Asymmetric] {
            for drive in DRIVES_DB {
                let (db, f0, level, f) = worst_at(curve, factor, drive);
                if db > -60.0 {
                    failures.push(format!(
                        "{factor}x {curve:?} drive {drive} dB: {f0} Hz at {level} dBFS aliases at {f} Hz, {db:.1} dBc"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_wanted_harmonics_are_there() {
    let x = sine(5_000.0, 0.5, 0.0, 48_000.0, 96_000);
    for curve in [Curve::Symmetric, Curve::Asymmetric] {
        for drive in [12.0, 24.0] {
            let y = saturate(curve, 4, drive, &x);
            let spec = spectrum(&y[48_000..]);
            let fundamental = spec[5_000];
            // Odd harmonics for symmetric; even too for asymmetric.
            assert!(spec[15_000] / fundamental > 1e-3);
            if curve == Curve::Asymmetric {
                assert!(spec[10_000] / fundamental > 1e-3);
            }
        }
    }
}

/// Prints the worst alias (dBc) per drive for each oversampling factor, curve, tone and level,
/// as a Markdown table: `cargo test -p mixmaster-tests --test saturation -- --ignored
/// --nocapture aliasing_table`.
#[test]
#[ignore]
fn aliasing_table() {
    let head: Vec<String> = DRIVES_DB.iter().map(|d| format!("{d} dB")).collect();
    println!(
        "| oversampling | curve | tone | level | {} |",
        head.join(" | ")
    );
    println!("|---|---|---|---|{}", "---|".repeat(DRIVES_DB.len()));
    for factor in [2, 4, 8] {
        for curve in [Curve::Symmetric, Curve::Asymmetric] {
            for f0 in TONES_HZ {
                for level in LEVELS_DB {
                    let cells: Vec<String> = DRIVES_DB
                        .iter()
                        .map(|&d| format!("{:.1}", alias_of(curve, factor, d, f0, level).0))
                        .collect();
                    println!(
                        "| {factor}x | {curve:?} | {f0} Hz | {level} dBFS | {} |",
                        cells.join(" | ")
                    );
                }
            }
        }
    }
}

#[test]
fn without_oversampling_the_same_curve_would_alias() {
    // The reference the test above guards against: tanh at the base rate.
    let x = sine(5_000.0, 0.5, 0.0, 48_000.0, 48_000);
    let g = 10f32.powf(24.0 / 20.0);
    let y: Vec<f32> = x.iter().map(|v| (g * v).tanh()).collect();
    let spec = spectrum(&y);
    assert!(20.0 * (spec[23_000] / spec[5_000]).log10() > -40.0);
}

#[test]
fn oversampler_is_transparent_below_the_band_edge() {
    let mut os = Oversampler::new(4, 512).unwrap();
    let lat = os.latency();
    let x = sine(3_000.0, 0.5, 0.0, 48_000.0, 8192);
    let mut up = vec![0.0f32; 4 * 512];
    let mut y = vec![0.0f32; 8192];
    for (xi, yi) in x.chunks(512).zip(y.chunks_mut(512)) {
        os.upsample(xi, &mut up[..4 * xi.len()]);
        os.downsample(&up[..4 * xi.len()], yi);
    }
    for i in 1000..8192 {
        assert!(
            (y[i] - x[i - lat]).abs() < 1e-3,
            "frame {i}: {} vs {}",
            y[i],
            x[i - lat]
        );
    }
}

#[test]
fn at_low_level_the_wet_signal_is_the_input_delayed_by_the_latency() {
    // Where tanh is a straight line, the wet path (oversampling, anti-aliasing, decimation) is
    // the input delayed by exactly the reported latency, with a flat passband: so a blend with
    // the delayed dry signal is phase-aligned.
    for factor in [2, 4, 8] {
        for f in [1_000.0, 5_000.0, 12_000.0] {
            let amp = 0.01;
            let x = sine(f, amp, 0.3, 48_000.0, 12_000);
            let mut s = Saturation::new(Curve::Symmetric, factor).unwrap();
            s.set_drive_db(0.0).unwrap();
            s.prepare(ProcessSpec::new(48_000.0, 512, 1)).unwrap();
            let lat = s.latency_frames();
            let mut y = x.clone();
            s.process(&mut [&mut y[..]]);
            let err = (2_000..12_000)
                .map(|n| (y[n] - x[n - lat]).abs())
                .fold(0.0f32, f32::max);
            // What is left of the anti-aliasing's passband smoothing at 12 kHz: 0.8 % at 2x.
            let tol = if factor == 2 { 0.012 } else { 0.001 };
            assert!(
                err <= tol * amp as f32,
                "{factor}x, {f} Hz: wet differs from the input delayed by {lat} by {:.4} of its level",
                err / amp as f32
            );
        }
    }
}

#[test]
fn mix_zero_is_the_dry_signal_delayed() {
    let mut s = Saturation::new(Curve::Symmetric, 4).unwrap();
    s.set_mix(0.0).unwrap();
    s.prepare(ProcessSpec::new(48_000.0, 256, 1)).unwrap();
    let lat = s.latency_frames();
    let x = mixmaster_tests::noise(4, 0.8, 4000);
    let mut y = x.clone();
    s.process(&mut [&mut y[..]]);
    assert_eq!(&y[lat..], &x[..4000 - lat]);
}

#[test]
fn saturation_contract() {
    for curve in [Curve::Symmetric, Curve::Asymmetric] {
        check_contract(
            "saturation",
            &move || Box::new(Saturation::new(curve, 4).unwrap()),
            2,
            &|p| {
                p.set_param_by_name("drive_db", 18.0).unwrap();
                p.set_param_by_name("mix", 0.6).unwrap();
            },
        );
    }
    assert!(Saturation::new(Curve::Symmetric, 3).is_err());
}

#[test]
fn the_asymmetric_curve_leans_the_way_its_bias_says() {
    // tanh(g·x + b) − tanh(b) with b = 0.35, the asymmetric curve: expanding about b, a sine
    // x = a·sin ωt gets a second harmonic of +t(1 − t²)(g·a)²/2 · cos 2ωt, t = tanh b > 0. Read
    // from the output (delayed by the latency; 200 Hz, far inside the oversampler's passband
    // and above the DC blocker): a positive cosine component, within 30 % under the one the
    // expansion's leading term gives at this drive (higher orders take some back), and no sine
    // component to speak of.
    let fs = 48_000.0;
    let f = 200.0;
    let x = sine(f, 0.25, 0.0, fs, 96_000);
    let mut s = Saturation::new(Curve::Asymmetric, 4).unwrap();
    s.set_drive_db(6.0).unwrap();
    s.prepare(ProcessSpec::new(fs, 480, 1)).unwrap();
    let lat = s.latency_frames();
    let mut y = x.clone();
    s.process(&mut [&mut y[..]]);
    let (from, to) = (48_000, 48_000 + 240 * 100);
    let w = 2.0 * std::f64::consts::PI * 2.0 * f / fs;
    let (mut c, mut q) = (0.0, 0.0);
    for (n, v) in y.iter().enumerate().take(to).skip(from) {
        let ph = w * (n - lat) as f64;
        c += *v as f64 * ph.cos();
        q += *v as f64 * ph.sin();
    }
    let (c, q) = (2.0 * c / (to - from) as f64, 2.0 * q / (to - from) as f64);
    let t = 0.35f64.tanh();
    let ga = 10f64.powf(6.0 / 20.0) * 0.25;
    let want = t * (1.0 - t * t) * ga * ga / 2.0;
    assert!(
        c > 0.7 * want && c < want && q.abs() < 0.05 * c,
        "second harmonic: cos {c:.3e} (leading term {want:.3e}), sin {q:.3e}"
    );
}
