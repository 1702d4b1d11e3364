//! Saturation: alias products of a strongly driven 5 kHz sine at 48 kHz stay 60 dB below the
//! fundamental; the harmonics that should be there are; the dry path lines up with the wet;
//! and the processor contract holds.

use mixmaster::master::{Curve, Saturation};
use mixmaster::oversample::Oversampler;
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::{check_contract, sine};
use num_complex::Complex32;
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

#[test]
fn aliases_stay_60_db_below_the_fundamental() {
    let fs = 48_000.0;
    let x = sine(5_000.0, 0.5, 0.0, fs, 96_000);
    for curve in [Curve::Symmetric, Curve::Asymmetric] {
        for drive in [12.0, 24.0] {
            let y = saturate(curve, 4, drive, &x);
            let spec = spectrum(&y[48_000..]);
            let fundamental = spec[5_000];
            // Harmonics of 5 kHz below Nyquist are legitimate; everything else above the noise
            // floor is an alias (they land on other whole-kHz bins: 23k, 13k, 3k, ...).
            let mut worst = (0.0f32, 0usize);
            for (f, m) in spec.iter().enumerate().skip(20) {
                if f % 5_000 != 0 && *m > worst.0 {
                    worst = (*m, f);
                }
            }
            let rel = 20.0 * (worst.0 / fundamental).log10();
            assert!(
                rel <= -60.0,
                "{curve:?} drive {drive}: alias at {} Hz is {rel:.1} dB",
                worst.1
            );
            // And the wanted harmonics exist (odd for symmetric; even too for asymmetric).
            assert!(spec[15_000] / fundamental > 1e-3);
            if curve == Curve::Asymmetric {
                assert!(spec[10_000] / fundamental > 1e-3);
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
