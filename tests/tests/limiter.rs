//! True-peak limiter: the output's true peak, as this project's meter measures it, never exceeds
//! the ceiling; below the ceiling the output is the input delayed, bit for bit; the reported
//! latency is the real one; block size does not matter.

use mixmaster::master::{ChannelLayout, Limiter, LoudnessMeter};
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::{Rng, check_contract, render};
use std::f64::consts::PI;

fn limit(fs: f64, ceiling: f64, input: &[Vec<f32>], block: usize) -> (Vec<Vec<f32>>, usize) {
    let mut l = Limiter::new(ceiling, 5.0).unwrap();
    l.prepare(ProcessSpec::new(fs, 1024, input.len())).unwrap();
    let out = render(&mut l, input, &mut || block);
    (out, l.latency_frames())
}

fn true_peak_dbtp(fs: f64, x: &[Vec<f32>]) -> f64 {
    let mut m = LoudnessMeter::new(fs, ChannelLayout::for_channels(x.len())).unwrap();
    let refs: Vec<&[f32]> = x.iter().map(|c| &c[..]).collect();
    m.add_planar(&refs);
    m.true_peak_dbtp()
}

/// The hostile inputs the issue lists, stereo, a few seconds each.
fn torture(fs: f64) -> Vec<(&'static str, Vec<Vec<f32>>)> {
    let n = (fs * 3.0) as usize;
    let t = |i: usize| i as f64 / fs;
    let square: Vec<f32> = (0..n)
        .map(|i| {
            if (t(i) * 997.0).fract() < 0.5 {
                1.0
            } else {
                -1.0
            }
        })
        .collect();
    let mut rng = Rng::new(11);
    let clipped: Vec<f32> = (0..n)
        .map(|_| (rng.bipolar() * 10.0).clamp(-1.0, 1.0))
        .collect();
    let mut impulses = vec![0.0f32; n];
    for k in (100..n).step_by(4321) {
        impulses[k] = if k % 2 == 0 { 1.0 } else { -1.0 };
    }
    let isp: Vec<f32> = (0..n)
        .map(|i| (1.41 * (2.0 * PI * fs / 4.0 * t(i) + PI / 4.0).sin()) as f32)
        .collect();
    let sweep: Vec<f32> = (0..n)
        .map(|i| {
            let (f0, f1, dur) = (20.0f64, fs * 0.45, 3.0);
            let k = (f1 / f0).ln() / dur;
            (0.99 * (2.0 * PI * f0 * ((k * t(i)).exp() - 1.0) / k).sin()) as f32
        })
        .collect();
    let prog = mixmaster_tests::programme(2, n, fs);
    let hot: Vec<Vec<f32>> = prog
        .iter()
        .map(|c| c.iter().map(|v| v * 10.0).collect())
        .collect();
    vec![
        (
            "square",
            vec![square.clone(), square.iter().map(|v| -v).collect()],
        ),
        (
            "clipped noise",
            vec![clipped.clone(), clipped.iter().rev().copied().collect()],
        ),
        ("impulses", vec![impulses.clone(), impulses]),
        ("fs/4 at 45 degrees", vec![isp.clone(), isp]),
        ("sweep", vec![sweep.clone(), sweep]),
        ("programme +20 dB", hot),
    ]
}

#[test]
fn true_peak_never_exceeds_the_ceiling() {
    for fs in [48_000.0, 44_100.0] {
        for ceiling in [-1.0, -0.1, -6.0] {
            for (name, input) in torture(fs) {
                let before = true_peak_dbtp(fs, &input);
                let (out, _) = limit(fs, ceiling, &input, 512);
                let after = true_peak_dbtp(fs, &out);
                assert!(
                    after <= ceiling,
                    "{name} @{fs}, ceiling {ceiling}: output {after:.4} dBTP (input {before:.2})"
                );
                assert!(out.iter().flatten().all(|v| v.is_finite()));
            }
        }
    }
}

#[test]
fn limiting_is_not_overdone() {
    // A sine 6 dB over the ceiling comes out at the ceiling (within the margin and 0.2 dB).
    let fs = 48_000.0;
    let x: Vec<f32> = (0..96_000)
        .map(|i| (2.0 * (2.0 * PI * 440.0 * i as f64 / fs).sin()) as f32)
        .collect();
    let (out, lat) = limit(fs, -1.0, &[x.clone(), x], 256);
    let tail: Vec<Vec<f32>> = out.iter().map(|c| c[lat + 48_000..].to_vec()).collect();
    let tp = true_peak_dbtp(fs, &tail);
    assert!(tp <= -1.0 && tp > -1.3, "steady sine limited to {tp} dBTP");
}

#[test]
fn transparent_below_the_ceiling_and_latency_is_exact() {
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        let x = mixmaster_tests::programme(2, 40_000, fs);
        let peak = x.iter().flatten().fold(0.0f32, |a, v| a.max(v.abs()));
        let quiet: Vec<Vec<f32>> = x
            .iter()
            .map(|c| c.iter().map(|v| v * 0.5 / peak).collect())
            .collect();
        let (out, lat) = limit(fs, -1.0, &quiet, 333);
        assert!(lat > 0);
        for (o, i) in out.iter().zip(&quiet) {
            assert!(o[..lat].iter().all(|v| *v == 0.0));
            assert_eq!(
                &o[lat..],
                &i[..i.len() - lat],
                "not the input delayed by {lat} at {fs}"
            );
        }
    }
}

#[test]
fn block_size_does_not_matter_and_contract_holds() {
    let fs = 48_000.0;
    let input = torture(fs).remove(5).1;
    let (a, _) = limit(fs, -1.0, &input, 4096);
    let (b, _) = limit(fs, -1.0, &input, 1);
    let (c, _) = limit(fs, -1.0, &input, 77);
    assert_eq!(a, b);
    assert_eq!(a, c);
    check_contract(
        "limiter",
        &|| Box::new(Limiter::new(-6.0, 3.0).unwrap()),
        2,
        &|p| {
            p.set_param_by_name("ceiling_dbtp", -9.0).unwrap();
            p.set_param_by_name("release_ms", 30.0).unwrap();
        },
    );
}

#[test]
fn bad_settings_are_errors() {
    assert!(
        Limiter::new(0.5, 5.0)
            .unwrap_err()
            .to_string()
            .contains("ceiling_dbtp")
    );
    assert!(Limiter::new(-31.0, 5.0).is_err());
    assert!(
        Limiter::new(-1.0, 0.0)
            .unwrap_err()
            .to_string()
            .contains("lookahead_ms")
    );
    assert!(Limiter::new(-1.0, f64::NAN).is_err());
}

#[test]
fn shortest_lookahead_with_blocks_longer_than_the_ring() {
    // 0.5 ms at 8 kHz is a 4-frame lookahead: the delay ring (lookahead + interpolator) is
    // shorter than a 64-frame processing chunk, so the output pass wraps it several times.
    let fs = 8_000.0;
    let input = torture(fs).remove(5).1;
    let run = |block: usize| {
        let mut l = Limiter::new(-1.0, 0.5).unwrap();
        l.prepare(ProcessSpec::new(fs, block, input.len())).unwrap();
        let lat = l.latency_frames();
        (mixmaster_tests::render(&mut l, &input, &mut || block), lat)
    };
    let ((a, lat), (b, _)) = (run(4096), run(1));
    assert_eq!(a, b);
    assert!(true_peak_dbtp(fs, &a) <= -1.0 + 1e-3);
    // Below the ceiling the output is the input delayed exactly.
    let quiet: Vec<Vec<f32>> = input
        .iter()
        .map(|c| c.iter().map(|v| v * 1e-3).collect())
        .collect();
    let mut l = Limiter::new(-1.0, 0.5).unwrap();
    l.prepare(ProcessSpec::new(fs, 4096, quiet.len())).unwrap();
    let y = mixmaster_tests::render(&mut l, &quiet, &mut || 4096);
    for (x, y) in quiet.iter().zip(&y) {
        assert_eq!(&y[lat..], &x[..x.len() - lat]);
    }
}
