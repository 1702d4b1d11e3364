//! Reverb: RT60 measured on the impulse response by Schroeder backward integration, output
//! finite and bounded, and the same decay at every sample rate.

use mixmaster::mix::Reverb;
use mixmaster::{ProcessSpec, Processor};

/// Impulse response (wet only) of a reverb with `decay_s`, summed over both channels' energy.
fn energy_response(decay_s: f64, size: f64, fs: f64) -> Vec<f64> {
    let mut r = Reverb::new();
    r.set_decay_s(decay_s).unwrap();
    r.set_damping(0.0).unwrap();
    r.set_size(size).unwrap();
    r.set_mix(1.0).unwrap();
    r.set_predelay_ms(0.0).unwrap();
    r.prepare(ProcessSpec::new(fs, 1024, 2)).unwrap();
    let n = (fs * decay_s * 1.6) as usize;
    let mut l = vec![0.0f32; n];
    let mut rr = vec![0.0f32; n];
    l[0] = 1.0;
    rr[0] = 1.0;
    r.process(&mut [&mut l[..], &mut rr[..]]);
    assert!(
        l.iter().chain(&rr).all(|v| v.is_finite() && v.abs() < 2.0),
        "output not finite or not bounded"
    );
    l.iter()
        .zip(&rr)
        .map(|(a, b)| (*a as f64).powi(2) + (*b as f64).powi(2))
        .collect()
}

/// RT60 from the energy decay curve: a line fitted between −5 and −35 dB (T30), extrapolated.
fn schroeder_rt60(energy: &[f64], fs: f64) -> f64 {
    let mut edc = vec![0.0; energy.len()];
    let mut acc = 0.0;
    for i in (0..energy.len()).rev() {
        acc += energy[i];
        edc[i] = acc;
    }
    let total = edc[0];
    let db: Vec<f64> = edc.iter().map(|e| 10.0 * (e / total).log10()).collect();
    let pts: Vec<(f64, f64)> = db
        .iter()
        .enumerate()
        .filter(|(_, d)| **d <= -5.0 && **d >= -35.0)
        .map(|(i, d)| (i as f64 / fs, *d))
        .collect();
    let n = pts.len() as f64;
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let slope = pts.iter().map(|(x, y)| (x - mx) * (y - my)).sum::<f64>()
        / pts.iter().map(|(x, _)| (x - mx).powi(2)).sum::<f64>();
    -60.0 / slope
}

#[test]
fn rt60_within_fifteen_percent() {
    for fs in [44_100.0, 48_000.0] {
        for decay in [0.4, 1.2, 3.0] {
            for size in [0.5, 1.0, 2.0] {
                let rt = schroeder_rt60(&energy_response(decay, size, fs), fs);
                assert!(
                    (rt - decay).abs() <= 0.15 * decay,
                    "fs={fs} size={size}: RT60 {rt} s for setting {decay} s"
                );
            }
        }
    }
}

#[test]
fn damping_shortens_the_high_frequency_decay() {
    let fs = 48_000.0;
    let hf_energy_late = |damping: f64| {
        let mut r = Reverb::new();
        r.set_decay_s(2.0).unwrap();
        r.set_damping(damping).unwrap();
        r.set_mix(1.0).unwrap();
        r.prepare(ProcessSpec::new(fs, 1024, 1)).unwrap();
        let mut x = vec![0.0f32; 48_000];
        x[0] = 1.0;
        r.process(&mut [&mut x[..]]);
        // Energy of the first difference (a crude high-pass) in the second half-second.
        x[24_000..]
            .windows(2)
            .map(|w| ((w[1] - w[0]) as f64).powi(2))
            .sum::<f64>()
    };
    assert!(hf_energy_late(1.0) < 0.1 * hf_energy_late(0.0));
}

#[test]
fn width_zero_gives_a_mono_wet_signal() {
    let mut r = Reverb::new();
    r.set_width(0.0).unwrap();
    r.set_mix(1.0).unwrap();
    r.prepare(ProcessSpec::new(48_000.0, 1024, 2)).unwrap();
    let mut l = mixmaster_tests::noise(3, 0.5, 20_000);
    let mut rr = mixmaster_tests::noise(4, 0.5, 20_000);
    r.process(&mut [&mut l[..], &mut rr[..]]);
    assert!(l.iter().zip(&rr).all(|(a, b)| (a - b).abs() < 1e-6));
}
