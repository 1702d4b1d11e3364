//! Compressor: the static curve against the designed curve, and the attack and release time
//! constants against their settings.

use mixmaster::mix::{Compressor, Detector};
use mixmaster::{ProcessSpec, Processor};

/// The designed curve, written out independently: hard below/above the knee, quadratic inside.
fn designed(x: f64, t: f64, r: f64, w: f64) -> f64 {
    if 2.0 * (x - t) < -w {
        x
    } else if w > 0.0 && 2.0 * (x - t).abs() <= w {
        x + (1.0 / r - 1.0) * (x - t + w / 2.0).powi(2) / (2.0 * w)
    } else {
        t + (x - t) / r
    }
}

fn settled_output_db(c: &mut Compressor, input: &mut [f32]) -> f64 {
    c.reset();
    c.process(&mut [input]);
    20.0 * (input[input.len() - 1].abs() as f64).log10()
}

#[test]
fn static_curve_within_a_tenth_of_a_db() {
    let fs = 48_000.0;
    for (t, r, w) in [(-20.0, 4.0, 10.0), (-30.0, 2.0, 0.0), (-10.0, 20.0, 6.0)] {
        for det in [Detector::Peak, Detector::Rms] {
            let mut c = Compressor::new();
            c.set_threshold_db(t).unwrap();
            c.set_ratio(r).unwrap();
            c.set_knee_db(w).unwrap();
            c.set_attack_ms(1.0).unwrap();
            c.set_release_ms(20.0).unwrap();
            c.set_detector(det);
            c.set_rms_window_ms(50.0).unwrap();
            c.prepare(ProcessSpec::new(fs, 4096, 1)).unwrap();
            let mut level = -60.0;
            while level <= 0.0 {
                let out = match det {
                    // A constant: its peak level is its value.
                    Detector::Peak => {
                        let mut x = vec![10f64.powf(level / 20.0) as f32; 24_000];
                        settled_output_db(&mut c, &mut x)
                    }
                    // A 1 kHz sine whose RMS is at `level`: compare RMS over the last 1000 periods' worth.
                    Detector::Rms => {
                        let amp = 10f64.powf(level / 20.0) * 2f64.sqrt();
                        let mut x = mixmaster_tests::sine(1000.0, amp, 0.0, fs, 48_000);
                        c.reset();
                        c.process(&mut [&mut x[..]]);
                        let tail = &x[24_000..];
                        let rms = (tail.iter().map(|v| (*v as f64).powi(2)).sum::<f64>()
                            / tail.len() as f64)
                            .sqrt();
                        20.0 * rms.log10()
                    }
                };
                let want = designed(level, t, r, w);
                assert!(
                    (out - want).abs() < 0.1,
                    "{det:?} T={t} R={r} W={w} at {level} dB: {out} vs {want}"
                );
                level += 1.0;
            }
        }
    }
}

/// Frames until the gain reduction covers 63.2 % of the step from `from` to `to`.
fn time_constant_frames(
    c: &mut Compressor,
    level_db: f64,
    frames: usize,
    from: f64,
    to: f64,
) -> usize {
    let v = 10f64.powf(level_db / 20.0) as f32;
    let goal = from + (to - from) * (1.0 - (-1.0f64).exp());
    for n in 0..frames {
        let mut x = [v];
        c.process(&mut [&mut x[..]]);
        let gr = c.gain_reduction_db();
        if (to > from && gr >= goal) || (to < from && gr <= goal) {
            return n + 1;
        }
    }
    panic!("gain reduction never reached {goal} dB");
}

#[test]
fn attack_and_release_time_constants_within_ten_percent() {
    for fs in [44_100.0, 48_000.0] {
        for (attack_ms, release_ms) in [(5.0, 50.0), (20.0, 300.0), (1.0, 10.0)] {
            let mut c = Compressor::new();
            c.set_threshold_db(-20.0).unwrap();
            c.set_ratio(4.0).unwrap();
            c.set_knee_db(0.0).unwrap();
            c.set_attack_ms(attack_ms).unwrap();
            c.set_release_ms(release_ms).unwrap();
            c.prepare(ProcessSpec::new(fs, 1, 1)).unwrap();
            // 0 dB input: reduction settles at 0 − (−20 + 20/4) = 15 dB.
            let a = time_constant_frames(&mut c, 0.0, fs as usize, 0.0, 15.0) as f64 / fs * 1000.0;
            assert!(
                (a - attack_ms).abs() <= 0.1 * attack_ms,
                "attack {a} ms vs {attack_ms} ms at {fs}"
            );
            for _ in 0..(fs as usize) {
                c.process(&mut [&mut [1.0f32][..]]);
            }
            let r = time_constant_frames(&mut c, -60.0, 10 * fs as usize, 15.0, 0.0) as f64 / fs
                * 1000.0;
            assert!(
                (r - release_ms).abs() <= 0.1 * release_ms,
                "release {r} ms vs {release_ms} ms at {fs}"
            );
        }
    }
}

#[test]
fn linked_detection_applies_one_gain_and_sidechain_keys_the_gain() {
    let fs = 48_000.0;
    let mut c = Compressor::new();
    c.set_threshold_db(-30.0).unwrap();
    c.set_ratio(10.0).unwrap();
    c.prepare(ProcessSpec::new(fs, 512, 2)).unwrap();
    // Loud left, quiet right: linked, both get the same gain.
    let mut l = vec![0.9f32; 9600];
    let mut r = vec![0.01f32; 9600];
    c.process(&mut [&mut l[..], &mut r[..]]);
    let (gl, gr) = (l[9599] / 0.9, r[9599] / 0.01);
    assert!((gl - gr).abs() < 1e-5 && gl < 0.2, "{gl} {gr}");

    // Unlinking takes effect at the next prepare (not in the middle of processing).
    c.set_linked(false);
    c.reset();
    let (mut l, mut r) = (vec![0.9f32; 9600], vec![0.01f32; 9600]);
    c.process(&mut [&mut l[..], &mut r[..]]);
    assert!((l[9599] / 0.9 - r[9599] / 0.01).abs() < 1e-5);
    c.prepare(ProcessSpec::new(fs, 512, 2)).unwrap();
    let (mut l, mut r) = (vec![0.9f32; 9600], vec![0.01f32; 9600]);
    c.process(&mut [&mut l[..], &mut r[..]]);
    assert!(
        l[9599] / 0.9 < 0.2 && (r[9599] - 0.01).abs() < 1e-6,
        "unlinked: each its own gain"
    );

    // External key: a quiet signal ducks under a loud key, and passes without it.
    let mut duck = Compressor::new();
    duck.set_threshold_db(-30.0).unwrap();
    duck.set_ratio(10.0).unwrap();
    duck.prepare(ProcessSpec::new(fs, 512, 1)).unwrap();
    let key = vec![0.9f32; 9600];
    let mut x = vec![0.01f32; 9600];
    duck.process_with_sidechain(&mut [&mut x[..]], &[&key[..]]);
    assert!(x[9599] < 0.002, "{}", x[9599]);
    assert!(duck.gain_reduction_db() > 20.0);
    duck.reset();
    let silent = vec![0.0f32; 9600];
    let mut y = vec![0.01f32; 9600];
    duck.process_with_sidechain(&mut [&mut y[..]], &[&silent[..]]);
    assert!((y[9599] - 0.01).abs() < 1e-6);
}

#[test]
fn sidechain_high_pass_ignores_bass() {
    let fs = 48_000.0;
    let run = |hpf: f64, tone_hz: f64| {
        let mut c = Compressor::new();
        c.set_threshold_db(-20.0).unwrap();
        c.set_sidechain_hpf_hz(hpf).unwrap();
        c.prepare(ProcessSpec::new(fs, 1024, 1)).unwrap();
        let mut x = mixmaster_tests::sine(tone_hz, 0.9, 0.0, fs, 48_000);
        c.process(&mut [&mut x[..]]);
        c.gain_reduction_db()
    };
    assert!(run(0.0, 30.0) > 10.0);
    assert!(run(500.0, 30.0) < 1.0);
    // Above the high-pass the key passes: a 5 kHz tone is compressed as without it (within
    // the filter's 0.0x dB there).
    let (with, without) = (run(500.0, 5_000.0), run(0.0, 5_000.0));
    assert!(
        with > 10.0 && (with - without).abs() < 0.1,
        "{with} vs {without} dB"
    );
}

#[test]
fn mix_blends_dry_and_wet() {
    let fs = 48_000.0;
    let mut c = Compressor::new();
    c.set_threshold_db(-40.0).unwrap();
    c.set_ratio(100.0).unwrap();
    c.set_knee_db(0.0).unwrap();
    c.set_mix(0.5).unwrap();
    c.prepare(ProcessSpec::new(fs, 1024, 1)).unwrap();
    let mut x = vec![0.5f32; 48_000];
    c.process(&mut [&mut x[..]]);
    let wet = 10f64.powf((-40.0 + (20.0 * 0.5f64.log10() + 40.0) / 100.0) / 20.0);
    let want = 0.5 * 0.5 + 0.5 * wet;
    assert!(
        ((x[47_999] as f64) - want).abs() < 1e-3,
        "{} vs {want}",
        x[47_999]
    );
}

/// Runs `frames` of DC at `v` through `c` in blocks of 480; returns the output.
fn dc_through(c: &mut Compressor, v: f32, frames: usize) -> Vec<f32> {
    let mut x = vec![v; frames];
    for chunk in x.chunks_mut(480) {
        c.process(&mut [chunk]);
    }
    x
}

#[test]
fn makeup_or_mix_alone_changed_after_prepare_takes_effect() {
    let fs = 48_000.0;
    // Below the threshold: the output is the input times the makeup gain.
    let mut c = Compressor::new();
    c.set_threshold_db(-10.0).unwrap();
    c.set_knee_db(0.0).unwrap();
    c.prepare(ProcessSpec::new(fs, 480, 1)).unwrap();
    let before = dc_through(&mut c, 0.1, 4800);
    assert!((before[4799] - 0.1).abs() < 1e-6);
    c.set_makeup_db(6.0).unwrap();
    let after = dc_through(&mut c, 0.1, 4800);
    let want = 0.1 * 10f32.powf(6.0 / 20.0);
    assert!(
        (after[4799] - want).abs() < 1e-4,
        "{} vs {want}",
        after[4799]
    );
    // Ramped, not stepped.
    assert!(after[0] < 0.11 && after[480] > after[0] && after[480] < want);
    // Mix alone: dry + wet in proportion (the wet level as in `mix_blends_dry_and_wet`).
    let mut c = Compressor::new();
    c.set_threshold_db(-40.0).unwrap();
    c.set_ratio(100.0).unwrap();
    c.set_knee_db(0.0).unwrap();
    c.prepare(ProcessSpec::new(fs, 480, 1)).unwrap();
    let wet = 10f64.powf((-40.0 + (20.0 * 0.5f64.log10() + 40.0) / 100.0) / 20.0);
    let settled = dc_through(&mut c, 0.5, 48_000);
    assert!((settled[47_999] as f64 - wet).abs() < 1e-3);
    c.set_mix(0.25).unwrap();
    let mixed = dc_through(&mut c, 0.5, 4800);
    let want = 0.75 * 0.5 + 0.25 * wet;
    assert!(
        (mixed[4799] as f64 - want).abs() < 1e-3,
        "{} vs {want}",
        mixed[4799]
    );
}

#[test]
fn gain_reduction_meters_read_what_the_output_shows() {
    // DC at −6.02 dBFS into a hard knee at −20 dB, 4:1: the settled reduction is
    // (20 − 6.02) × (1 − 1/4) = 10.49 dB. Each block's meter is the largest reduction the
    // output shows in that block, measured as in/out.
    let fs = 48_000.0;
    let mut c = Compressor::new();
    c.set_threshold_db(-20.0).unwrap();
    c.set_ratio(4.0).unwrap();
    c.set_knee_db(0.0).unwrap();
    c.set_attack_ms(5.0).unwrap();
    c.set_release_ms(50.0).unwrap();
    c.prepare(ProcessSpec::new(fs, 480, 1)).unwrap();
    assert_eq!(c.max_gain_reduction_db(), 0.0);
    let level = |k: usize| if k < 20 { 0.5f32 } else { 0.05 };
    let mut largest = 0.0f64;
    for k in 0..40 {
        let v = level(k);
        let mut x = vec![v; 480];
        c.process(&mut [&mut x[..]]);
        let shown: Vec<f64> = x.iter().map(|y| -20.0 * (*y / v).log10() as f64).collect();
        let most = shown.iter().cloned().fold(0.0f64, f64::max);
        assert!(
            (c.max_gain_reduction_db() - most).abs() < 0.02,
            "block {k}: meter {} output {most}",
            c.max_gain_reduction_db()
        );
        assert!((c.gain_reduction_db() - shown[479]).abs() < 0.02);
        largest = largest.max(most);
    }
    let settled = (20.0 + 20.0 * 0.5f64.log10()) * 0.75;
    assert!((largest - settled).abs() < 0.05, "{largest} vs {settled}");
    // 200 ms into the 50 ms release, the meter is down to 10.49 × e^−4 = 0.19 dB.
    assert!(c.max_gain_reduction_db() < 0.25);
}
