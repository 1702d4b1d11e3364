//! The multiband compressor against analytic expectations: with every ratio at 1 the
//! Linkwitz–Riley bands sum to a flat magnitude (within 0.01 dB) and the linear-phase bands to
//! the input delayed by the reported latency (within −120 dB); each band's static curve is the
//! single compressor's on a tone inside the band (scaled by the band's analytic crossover
//! magnitude); solo, bypass and stereo link; the contract.

use mixmaster::master::{CrossoverMode, MultibandCompressor};
use mixmaster::mix::Compressor;
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::{check_contract, programme, render_whole, sine};
use rustfft::FftPlanner;
use rustfft::num_complex::Complex64;

const FS: f64 = 48_000.0;

fn rms_db(x: &[f32]) -> f64 {
    let p = x.iter().map(|v| (*v as f64) * (*v as f64)).sum::<f64>() / x.len() as f64;
    10.0 * p.log10()
}

fn multiband(bands: usize, mode: CrossoverMode, crossovers: &[f64]) -> MultibandCompressor {
    let mut m = MultibandCompressor::new(bands, mode).unwrap();
    for (i, f) in crossovers.iter().enumerate() {
        m.set_crossover_hz(i, *f).unwrap();
    }
    m
}

fn set_all_ratios(m: &mut MultibandCompressor, ratio: f64) {
    for b in 1..=5 {
        m.set_param_by_name(&format!("band{b}_ratio"), ratio)
            .unwrap();
    }
}

/// Digital Linkwitz–Riley (4th order, bilinear) magnitudes at `f` for a crossover at `fc`.
fn lr4(f: f64, fc: f64) -> (f64, f64) {
    let r =
        ((std::f64::consts::PI * f / FS).tan() / (std::f64::consts::PI * fc / FS).tan()).powi(4);
    (1.0 / (1.0 + r), r / (1.0 + r))
}

/// The magnitude of band `b` (0-based) at `f` for sorted crossovers `x`.
fn band_mag(b: usize, f: f64, x: &[f64]) -> f64 {
    let mut m = 1.0;
    if b > 0 {
        m *= lr4(f, x[b - 1]).1;
    }
    if b < x.len() {
        m *= lr4(f, x[b]).0;
    }
    m
}

#[test]
fn linkwitz_riley_bands_sum_flat_in_magnitude_at_ratio_one() {
    let n = 1 << 16;
    for (bands, x) in [
        (2, vec![1000.0]),
        (3, vec![200.0, 3000.0]),
        (4, vec![120.0, 1000.0, 6000.0]),
        (5, vec![60.0, 250.0, 2000.0, 9000.0]),
        // Given out of order: they are sorted.
        (4, vec![8000.0, 100.0, 800.0]),
    ] {
        let mut m = multiband(bands, CrossoverMode::LinkwitzRiley, &x);
        set_all_ratios(&mut m, 1.0);
        m.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
        let mut imp = vec![0.0f32; n];
        imp[0] = 1.0;
        let out = render_whole(&mut m, &[imp]);
        let mut buf: Vec<Complex64> = out[0]
            .iter()
            .map(|v| Complex64::new(*v as f64, 0.0))
            .collect();
        FftPlanner::new().plan_fft_forward(n).process(&mut buf);
        let worst = buf[1..n / 2]
            .iter()
            .map(|c| (20.0 * c.norm().log10()).abs())
            .fold(0.0, f64::max);
        println!("LR, {bands} bands at {x:?}: largest deviation from 0 dB {worst:.2e} dB");
        assert!(worst < 0.01, "{bands} bands: {worst} dB");
    }
}

#[test]
fn linear_phase_bands_sum_to_the_delayed_input_at_ratio_one() {
    let frames = 40_000;
    for (bands, x) in [
        (2, vec![1000.0]),
        (4, vec![120.0, 1000.0, 6000.0]),
        (5, vec![60.0, 250.0, 2000.0, 9000.0]),
    ] {
        let mut m = multiband(bands, CrossoverMode::LinearPhase, &x);
        set_all_ratios(&mut m, 1.0);
        m.prepare(ProcessSpec::new(FS, 512, 2)).unwrap();
        let l = m.latency_frames();
        let input = programme(2, frames, FS);
        let mut padded: Vec<Vec<f32>> = input
            .iter()
            .map(|c| {
                let mut v = c.clone();
                v.extend(std::iter::repeat_n(0.0, l));
                v
            })
            .collect();
        padded = render_whole(&mut m, &padded);
        let (mut err, mut sig) = (0.0f64, 0.0f64);
        for (o, i) in padded.iter().zip(&input) {
            for (a, b) in o[l..].iter().zip(i) {
                err += ((*a - *b) as f64).powi(2);
                sig += (*b as f64).powi(2);
            }
        }
        let db = 10.0 * (err / sig).log10();
        println!("linear phase, {bands} bands: latency {l}, error {db:.1} dB");
        assert!(db < -120.0, "{bands} bands: {db} dB");
    }
}

#[test]
fn each_band_follows_the_single_compressors_static_curve() {
    let x = [120.0, 1000.0, 6000.0];
    // (12 kHz, a quarter of the rate, would sample the tone at four fixed phases, which the
    // crossover's phase shift moves: the sample peak would differ.)
    let tones = [50.0, 350.0, 2500.0, 11_000.0];
    let frames = 48_000;
    let s = 24_000;
    for (b, &f) in tones.iter().enumerate() {
        let h = band_mag(b, f, &x);
        for level in [-36.0, -24.0, -12.0, -3.0] {
            let tone = sine(f, 10f64.powf(level / 20.0), 0.0, FS, frames);
            let mut m = multiband(4, CrossoverMode::LinkwitzRiley, &x);
            set_all_ratios(&mut m, 1.0);
            let p = |name: &str| format!("band{}_{name}", b + 1);
            m.set_param_by_name(&p("ratio"), 4.0).unwrap();
            m.set_param_by_name(&p("threshold_db"), -24.0).unwrap();
            m.set_param_by_name(&p("knee_db"), 6.0).unwrap();
            m.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
            let out = render_whole(&mut m, std::slice::from_ref(&tone));
            let got = rms_db(&out[0][s..]) - rms_db(&tone[s..]);
            // The single compressor on the band's share of the tone.
            let mut c = Compressor::new();
            c.set_ratio(4.0).unwrap();
            c.set_threshold_db(-24.0).unwrap();
            c.set_knee_db(6.0).unwrap();
            c.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
            let part: Vec<f32> = tone.iter().map(|v| (*v as f64 * h) as f32).collect();
            let single = render_whole(&mut c, std::slice::from_ref(&part));
            let g = 10f64.powf((rms_db(&single[0][s..]) - rms_db(&part[s..])) / 20.0);
            // The band (gain g) plus the rest of the tone in the other bands (in phase, gain 1).
            let want = 20.0 * (h * g + (1.0 - h)).log10();
            println!(
                "band {} tone {f} Hz at {level} dB: multiband {got:+.4} dB, single compressor predicts {want:+.4} dB (band share {h:.4})",
                b + 1
            );
            assert!(
                (got - want).abs() < 0.05,
                "band {b} {level}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn solo_and_bypass() {
    let x = [120.0, 1000.0, 6000.0];
    let frames = 24_000;
    // Solo band 2: a tone inside it passes by its band magnitude, one in band 4 almost not.
    for f in [350.0, 12_000.0] {
        let tone = sine(f, 0.1, 0.0, FS, frames);
        let mut m = multiband(4, CrossoverMode::LinkwitzRiley, &x);
        set_all_ratios(&mut m, 1.0);
        m.set_param_by_name("band2_solo", 1.0).unwrap();
        m.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
        let out = render_whole(&mut m, std::slice::from_ref(&tone));
        let got = rms_db(&out[0][12_000..]) - rms_db(&tone[12_000..]);
        let want = 20.0 * band_mag(1, f, &x).log10();
        assert!((got - want).abs() < 0.01, "{f}: {got} vs {want}");
    }
    // Bypass: band 3 set to crush, but bypassed: its tone passes untouched.
    let tone = sine(2500.0, 0.5, 0.0, FS, frames);
    let mut m = multiband(4, CrossoverMode::LinkwitzRiley, &x);
    m.set_param_by_name("band3_ratio", 20.0).unwrap();
    m.set_param_by_name("band3_threshold_db", -60.0).unwrap();
    m.set_param_by_name("band3_bypass", 1.0).unwrap();
    m.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let out = render_whole(&mut m, std::slice::from_ref(&tone));
    let got = rms_db(&out[0][12_000..]) - rms_db(&tone[12_000..]);
    assert!(got.abs() < 0.01, "bypassed band changed by {got}");
}

#[test]
fn linked_and_unlinked_stereo() {
    let x = [120.0, 1000.0, 6000.0];
    let frames = 24_000;
    let loud = sine(350.0, 0.5, 0.0, FS, frames);
    let quiet = sine(350.0, 0.01, 0.0, FS, frames);
    for linked in [true, false] {
        let mut m = multiband(4, CrossoverMode::LinkwitzRiley, &x);
        m.set_param_by_name("band2_ratio", 8.0).unwrap();
        m.set_linked(linked);
        m.prepare(ProcessSpec::new(FS, 512, 2)).unwrap();
        let input = vec![loud.clone(), quiet.clone()];
        let out = render_whole(&mut m, &input);
        let l = rms_db(&out[0][12_000..]) - rms_db(&loud[12_000..]);
        let r = rms_db(&out[1][12_000..]) - rms_db(&quiet[12_000..]);
        println!("linked {linked}: left {l:+.3} dB, right {r:+.3} dB");
        assert!(l < -10.0);
        if linked {
            assert!((l - r).abs() < 0.05, "{l} vs {r}");
        } else {
            assert!(r.abs() < 0.05, "{r}");
        }
    }
}

#[test]
fn multiband_contract() {
    for (bands, mode, linked) in [
        (4, CrossoverMode::LinkwitzRiley, true),
        (2, CrossoverMode::LinkwitzRiley, false),
        (5, CrossoverMode::LinkwitzRiley, true),
        (3, CrossoverMode::LinearPhase, true),
    ] {
        let make = move || -> Box<dyn Processor> {
            let mut m = MultibandCompressor::new(bands, mode).unwrap();
            m.set_linked(linked);
            for b in 1..=5 {
                m.set_param_by_name(&format!("band{b}_threshold_db"), -30.0)
                    .unwrap();
                m.set_param_by_name(&format!("band{b}_ratio"), 4.0).unwrap();
            }
            Box::new(m)
        };
        check_contract("multiband_compressor", &make, 2, &|p| {
            p.set_param_by_name("crossover1_hz", 300.0).unwrap();
            p.set_param_by_name("band2_makeup_db", 3.0).unwrap();
            p.set_param_by_name("band1_solo", 1.0).unwrap();
        });
    }
}
