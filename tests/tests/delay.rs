//! Delay: an impulse comes out exactly at the set delay; fractional delays interpolate a sine
//! with a bounded error; feedback echoes decay by the feedback gain; ping-pong alternates.

use mixmaster::mix::Delay;
use mixmaster::{ProcessSpec, Processor};

fn wet_delay(ms: f64, feedback: f64, fs: f64) -> Delay {
    let mut d = Delay::new(2000.0).unwrap();
    d.set_time_ms(ms).unwrap();
    d.set_feedback(feedback).unwrap();
    d.set_mix(1.0).unwrap();
    d.set_damping_hz(40_000.0).unwrap();
    d.prepare(ProcessSpec::new(fs, 333, 1)).unwrap();
    d
}

#[test]
fn impulse_comes_out_at_exactly_the_delay() {
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        for frames in [2usize, 3, 17, 480, 4410, 44_100] {
            let ms = frames as f64 * 1000.0 / fs;
            let mut d = wet_delay(ms, 0.0, fs);
            let mut x = vec![0.0f32; frames + 100];
            x[0] = 1.0;
            d.process(&mut [&mut x[..]]);
            for (n, v) in x.iter().enumerate() {
                let want = if n == frames { 1.0 } else { 0.0 };
                assert!(
                    (v - want).abs() < 1e-6,
                    "fs={fs} delay {frames}: x[{n}] = {v}"
                );
            }
        }
    }
}

#[test]
fn fractional_delay_error_is_bounded() {
    let fs = 48_000.0;
    // 4-point Hermite (Catmull-Rom slopes) is third-order accurate: its error on a unit sine
    // grows as ω³ (ω in radians per sample), about ω³/60 at worst. Bound it by ω³/40 plus f32
    // rounding.
    for freq in [100.0, 1_000.0, 4_000.0] {
        let w: f64 = 2.0 * std::f64::consts::PI * freq / fs;
        let bound = w.powi(3) / 40.0 + 1e-6;
        for frac in [0.1, 0.25, 0.5, 0.77] {
            let delay = 100.0 + frac;
            let mut d = wet_delay(delay * 1000.0 / fs, 0.0, fs);
            let mut x = mixmaster_tests::sine(freq, 1.0, 0.0, fs, 4000);
            d.process(&mut [&mut x[..]]);
            let mut worst = 0.0f64;
            for (n, v) in x.iter().enumerate().skip(200) {
                let want = (2.0 * std::f64::consts::PI * freq * (n as f64 - delay) / fs).sin();
                worst = worst.max((*v as f64 - want).abs());
            }
            assert!(
                worst < bound,
                "{freq} Hz, delay {delay}: error {worst} above {bound}"
            );
        }
    }
}

#[test]
fn feedback_echoes_decay_by_the_feedback_gain() {
    let fs = 48_000.0;
    let mut d = wet_delay(10.0, 0.5, fs);
    let mut x = vec![0.0f32; 2000];
    x[0] = 1.0;
    d.process(&mut [&mut x[..]]);
    // The damping low-pass at its top setting (0.45 fs) still rounds the impulse; sum each echo.
    let echo = |k: usize| x[k * 480 - 5..k * 480 + 20].iter().sum::<f32>();
    assert!((echo(1) - 1.0).abs() < 1e-3, "{}", echo(1));
    assert!((echo(2) - 0.5).abs() < 1e-3, "{}", echo(2));
    assert!((echo(3) - 0.25).abs() < 1e-3, "{}", echo(3));
}

#[test]
fn ping_pong_alternates_sides() {
    let fs = 48_000.0;
    let mut d = Delay::new(100.0).unwrap();
    d.set_time_ms(10.0).unwrap();
    d.set_feedback(0.5).unwrap();
    d.set_mix(1.0).unwrap();
    d.set_ping_pong(true);
    d.prepare(ProcessSpec::new(fs, 4096, 2)).unwrap();
    let mut l = vec![0.0f32; 2000];
    let mut r = vec![0.0f32; 2000];
    l[0] = 1.0;
    r[0] = 1.0;
    d.process(&mut [&mut l[..], &mut r[..]]);
    let e = |c: &[f32], k: usize| {
        c[k * 480 - 5..k * 480 + 20]
            .iter()
            .map(|v| v.abs())
            .sum::<f32>()
    };
    assert!(e(&l, 1) > 0.9 && e(&r, 1) < 1e-3);
    assert!(e(&r, 2) > 0.4 && e(&l, 2) < 1e-3);
    assert!(e(&l, 3) > 0.2 && e(&r, 3) < 1e-3);
}

#[test]
fn time_changes_glide_without_clicks() {
    let fs = 48_000.0;
    let mut d = wet_delay(100.0, 0.0, fs);
    let mut x = mixmaster_tests::sine(200.0, 0.5, 0.0, fs, 48_000);
    let (a, b) = x.split_at_mut(12_000);
    d.process(&mut [a]);
    d.set_time_ms(37.0).unwrap();
    d.process(&mut [b]);
    let step = x[5000..]
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0f32, f32::max);
    // The sine's own largest step is 0.5 * 2π * 200 / 48000 = 0.013; a glide raises the pitch a bit.
    assert!(step < 0.03, "largest step {step}");
}
