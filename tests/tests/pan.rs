//! Pan laws against their formulas, and the balance against the Web Audio `StereoPannerNode`
//! algorithm as the Web Audio specification writes it.

use mixmaster::mix::{PanLaw, PanMode, Panner};
use mixmaster::{ProcessSpec, Processor};
use std::f64::consts::FRAC_PI_2;

/// The Web Audio specification's StereoPannerNode algorithm, transcribed.
fn web_audio(pan: f64, l: f64, r: Option<f64>) -> (f64, f64) {
    let pan = pan.clamp(-1.0, 1.0);
    match r {
        None => {
            let x = (pan + 1.0) / 2.0;
            (l * (x * FRAC_PI_2).cos(), l * (x * FRAC_PI_2).sin())
        }
        Some(r) => {
            let x = if pan <= 0.0 { pan + 1.0 } else { pan };
            let (gl, gr) = ((x * FRAC_PI_2).cos(), (x * FRAC_PI_2).sin());
            if pan <= 0.0 {
                (l + r * gl, r * gr)
            } else {
                (l * gl, r + l * gr)
            }
        }
    }
}

fn run(law: PanLaw, mode: PanMode, pan: f64, l: &[f32], r: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let mut p = Panner::new(law, mode);
    p.set_pan(pan).unwrap();
    p.prepare(ProcessSpec::new(48_000.0, 1024, 2)).unwrap();
    let (mut a, mut b) = (l.to_vec(), r.to_vec());
    p.process(&mut [&mut a[..], &mut b[..]]);
    (a, b)
}

#[test]
fn constant_power_equals_web_audio_for_mono_and_stereo() {
    let l = mixmaster_tests::noise(1, 1.0, 257);
    let r = mixmaster_tests::noise(2, 1.0, 257);
    for i in 0..=40 {
        let pan = -1.0 + i as f64 * 0.05;
        let (ml, mr) = run(PanLaw::ConstantPower, PanMode::MonoToStereo, pan, &l, &r);
        let (sl, sr) = run(PanLaw::ConstantPower, PanMode::Balance, pan, &l, &r);
        for n in 0..l.len() {
            let (wl, wr) = web_audio(pan, l[n] as f64, None);
            assert!(
                (ml[n] as f64 - wl).abs() < 1e-6 && (mr[n] as f64 - wr).abs() < 1e-6,
                "mono pan {pan}"
            );
            let (wl, wr) = web_audio(pan, l[n] as f64, Some(r[n] as f64));
            assert!(
                (sl[n] as f64 - wl).abs() < 1e-6 && (sr[n] as f64 - wr).abs() < 1e-6,
                "stereo pan {pan}"
            );
        }
    }
}

#[test]
fn law_gains_follow_their_formulas() {
    let one = [1.0f32];
    for i in 0..=20 {
        let pan = -1.0 + i as f64 * 0.1;
        let x = (pan + 1.0) / 2.0;
        let expect = [
            (PanLaw::Linear, 1.0 - x, x),
            (
                PanLaw::ConstantPower,
                (x * FRAC_PI_2).cos(),
                (x * FRAC_PI_2).sin(),
            ),
            (
                PanLaw::Compromise,
                ((1.0 - x) * (x * FRAC_PI_2).cos()).sqrt(),
                (x * (x * FRAC_PI_2).sin()).sqrt(),
            ),
            (PanLaw::SquareRoot, (1.0 - x).sqrt(), x.sqrt()),
        ];
        for (law, gl, gr) in expect {
            let (l, r) = run(law, PanMode::MonoToStereo, pan, &one, &[0.0]);
            assert!(
                (l[0] as f64 - gl).abs() < 1e-6 && (r[0] as f64 - gr).abs() < 1e-6,
                "{law:?} at {pan}"
            );
        }
    }
    // Centre levels: linear −6.02 dB, constant power and square root −3.01 dB, compromise −4.5 dB.
    let centre_db = |law| {
        let (l, _) = run(law, PanMode::MonoToStereo, 0.0, &one, &[0.0]);
        20.0 * (l[0] as f64).log10()
    };
    assert!((centre_db(PanLaw::Linear) + 6.0206).abs() < 1e-3);
    assert!((centre_db(PanLaw::ConstantPower) + 3.0103).abs() < 1e-3);
    assert!((centre_db(PanLaw::SquareRoot) + 3.0103).abs() < 1e-3);
    assert!((centre_db(PanLaw::Compromise) + 4.5154).abs() < 1e-3);
}

#[test]
fn constant_power_keeps_power_constant() {
    for i in 0..=20 {
        let (l, r) = run(
            PanLaw::ConstantPower,
            PanMode::MonoToStereo,
            -1.0 + 0.1 * i as f64,
            &[1.0],
            &[0.0],
        );
        assert!(((l[0] * l[0] + r[0] * r[0]) - 1.0).abs() < 1e-6);
    }
}

#[test]
fn pan_moves_without_clicks() {
    let mut p = Panner::default();
    p.prepare(ProcessSpec::new(48_000.0, 128, 2)).unwrap();
    let mut l = vec![0.5f32; 4800];
    let mut r = vec![0.0f32; 4800];
    p.set_pan(-1.0).unwrap();
    p.process(&mut [&mut l[..], &mut r[..]]);
    let step = l
        .windows(2)
        .chain(r.windows(2))
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0f32, f32::max);
    assert!(step < 0.001, "largest step {step}");
    assert!((l[4799] - 0.5).abs() < 1e-6 && r[4799].abs() < 1e-6);
}
