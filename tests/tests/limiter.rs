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

/// A mono limiter (ceiling −1 dBTP) over `input` at 48 kHz in blocks of 100; returns the
/// output and the latency.
fn run_mono(lookahead_ms: f64, set: impl Fn(&mut Limiter), input: &[f32]) -> (Vec<f32>, usize) {
    let mut l = Limiter::new(-1.0, lookahead_ms).unwrap();
    set(&mut l);
    l.prepare(ProcessSpec::new(48_000.0, 100, 1)).unwrap();
    let out = render(&mut l, &[input.to_vec()], &mut || 100);
    (out.into_iter().next().unwrap(), l.latency_frames())
}

/// DC at 0.25 (under the ceiling, so the gain reads as output / delayed input) with spikes to
/// 1.0 (over it) at `spikes`.
fn carrier_with_spikes(frames: usize, spikes: &[usize]) -> Vec<f32> {
    let mut x = vec![0.25f32; frames];
    for &p in spikes {
        x[p] = 1.0;
    }
    x
}

/// The gain applied to each output frame: output over the input `lat` frames earlier (1 before
/// any input came out).
fn gain_of(input: &[f32], out: &[f32], lat: usize) -> Vec<f32> {
    (0..out.len())
        .map(|t| {
            if t < lat {
                1.0
            } else {
                out[t] / input[t - lat]
            }
        })
        .collect()
}

#[test]
fn gain_reduction_starts_one_lookahead_before_the_peak() {
    // The latency is the lookahead plus the 16 frames of the detector's window (docs/limiter.md);
    // the gain starts to fall exactly that long before the peak comes out, falls monotonically
    // and is at its lowest under the peak.
    for ms in [0.5, 1.0, 5.0, 12.5] {
        let d = (ms * 48.0_f64).round() as usize;
        let p = 3000;
        let x = carrier_with_spikes(8000, &[p]);
        let (y, lat) = run_mono(ms, |_| {}, &x);
        assert_eq!(lat, d + 16, "latency at {ms} ms");
        let g = gain_of(&x, &y, lat);
        let onset = g.iter().position(|v| *v < 1.0).unwrap();
        let peak = p + lat;
        assert_eq!(
            peak - onset,
            lat,
            "reduction starts {} frames early",
            peak - onset
        );
        assert!(g[onset..=peak].windows(2).all(|w| w[1] <= w[0]));
        let lowest = g.iter().cloned().fold(1.0f32, f32::min);
        assert!(
            (g[peak] - lowest).abs() < 1e-6,
            "{ms} ms: {} vs {lowest}",
            g[peak]
        );
        assert!(y[peak] <= 10f32.powf(-1.0 / 20.0));
    }
}

#[test]
fn the_hold_bridges_peaks_a_hold_apart_and_not_a_window_more() {
    // Each window's need is held for M = D + T − 1 frames. A spike is read over the ceiling by
    // the window ending at it (its own sample) and by at most T − 1 later ones, so two equal
    // spikes M frames apart keep the gain at its lowest from the first peak's output to the
    // second's, while M + T apart the envelope releases between them (a 1 ms release, fast
    // enough to see). D = 239 and T = 18 at 48 kHz make M = 256, a multiple of the 64-frame
    // processing chunk (as M + T = 274 is not: the spikes' readings may differ by rounding).
    let ms = 239.0 / 48.0;
    let (d, t) = (239, 18);
    let m = d + t - 1;
    let p = 2048 + 5;
    let fast = |l: &mut Limiter| l.set_release_ms(1.0).unwrap();
    let x = carrier_with_spikes(6000, &[p, p + m]);
    let (y, lat) = run_mono(ms, fast, &x);
    assert_eq!(lat, d + t - 2);
    let g = gain_of(&x, &y, lat);
    let lowest = g[p + lat];
    assert!(lowest < 0.95);
    for (k, v) in g.iter().enumerate().take(p + m + lat + 1).skip(p + lat) {
        assert!(
            (v - lowest).abs() < 1e-6,
            "frame {k}: gain {v} rose from {lowest}"
        );
    }
    let x = carrier_with_spikes(6000, &[p, p + m + t]);
    let (y, lat) = run_mono(ms, fast, &x);
    let g = gain_of(&x, &y, lat);
    let between = g[p + lat..p + m + t + lat]
        .iter()
        .cloned()
        .fold(0.0f32, f32::max);
    assert!(between > g[p + lat] + 2e-6, "{between} {}", g[p + lat]);
    // The hold's length exactly: the gain is the envelope's box average over D frames, so the
    // envelope can be read back from it, `env[t] = D (g[t] − g[t−1]) + env[t−D]` (1 before the
    // spike). Two full-scale samples in a row peak some 1.6 dB higher between them, read by one
    // window only: the envelope's last fall is to that window's need, and it rises (releases)
    // exactly M frames later.
    let mut x = vec![0.25f32; 6000];
    x[p] = 1.0;
    x[p + 1] = 1.0;
    let (y, lat) = run_mono(ms, fast, &x);
    let (held, deepest) = hold_read_back(&gain_of(&x, &y, lat), d, p, p + m, p + 3 * d);
    assert!(deepest < 0.8, "{deepest}");
    assert_eq!(held, m, "held {held} frames");
}

/// The envelope read back from the gain `g` of a limiter with a D-frame box average (1 before
/// frame `from`): `env[t] = D (g[t] − g[t−1]) + env[t−D]`. Returns how long it stays at its
/// last fall before `fall_before` until it rises (before `end`), and its value there.
fn hold_read_back(
    g: &[f32],
    d: usize,
    from: usize,
    fall_before: usize,
    end: usize,
) -> (usize, f64) {
    let mut env = vec![1.0f64; g.len()];
    for k in from..end {
        env[k] = d as f64 * (g[k] as f64 - g[k - 1] as f64) + env[k - d];
    }
    let fall = (from + 1..fall_before)
        .rev()
        .find(|&k| env[k] < env[k - 1] - 1e-4)
        .unwrap();
    let rise = (fall..end).find(|&k| env[k] > env[k - 1] + 1e-4).unwrap();
    (rise - fall, env[fall])
}

#[test]
fn the_hold_lasts_its_length_at_every_lookahead_and_level() {
    // The envelope read back from the output as in the test above, for the pair of samples
    // whose inter-sample peak only one detector window reads, at other lookaheads, levels and
    // positions against the 64-frame chunks: after its last fall the envelope holds for
    // exactly M = D + T − 1 frames, then rises.
    let t = 18;
    for (ms, level, p) in [
        (1.0, 1.0, 3001),
        (1.0, 0.8, 3040),
        (5.0, 0.9, 2053),
        (10.0, 1.0, 4000),
        (10.0, 4.0, 4033),
    ] {
        let d = (ms * 48.0_f64).round() as usize;
        let m = d + t - 1;
        let mut x = vec![0.25f32; p + 6 * d + 1000];
        x[p] = level;
        x[p + 1] = level;
        let fast = |l: &mut Limiter| l.set_release_ms(1.0).unwrap();
        let (y, lat) = run_mono(ms, fast, &x);
        assert_eq!(lat, d + t - 2);
        let end = p + 3 * d + 2 * t;
        let (held, deepest) = hold_read_back(&gain_of(&x, &y, lat), d, p, p + t, end);
        assert!(deepest < 0.95, "{ms} ms: deepest {deepest}");
        assert_eq!(held, m, "{ms} ms, level {level}: held {held} frames");
    }
}

/// The release's time constant measured from the output: after the hold and the lookahead's
/// box average, `1 − gain` decays as `exp(−t / τ)`; τ from its ratio over `span` frames from
/// `from` frames after the peak comes out.
fn measured_release_ms(
    x: &[f32],
    y: &[f32],
    lat: usize,
    peak: usize,
    from: usize,
    span: usize,
) -> f64 {
    let g = gain_of(x, y, lat);
    let a = 1.0 - g[peak + lat + from] as f64;
    let b = 1.0 - g[peak + lat + from + span] as f64;
    assert!(a > 1e-3 && b > 1e-4 && b < a, "{a} {b}");
    span as f64 / (a / b).ln() / 48.0
}

#[test]
fn release_time_constant_is_the_one_set() {
    for release in [5.0, 40.0, 300.0] {
        let p = 1000;
        let span = (release * 48.0 * 0.5) as usize;
        let x = carrier_with_spikes(p + 1000 + 2 * span, &[p]);
        let (y, lat) = run_mono(5.0, |l| l.set_release_ms(release).unwrap(), &x);
        let tau = measured_release_ms(&x, &y, lat, p, 600, span);
        assert!(
            (tau / release - 1.0).abs() < 0.01,
            "release {release} ms measured {tau:.3} ms"
        );
    }
}

#[test]
fn auto_release_slows_down_after_long_deep_limiting_only() {
    let release = 20.0;
    let span = 480; // 10 ms
    // One spike: a little limiting (its one-second average reduction is some 0.003, which
    // slows the release by 1 + 12 × 0.003), so the release stays within 6 % of the set time.
    let p = 1000;
    let x = carrier_with_spikes(4000, &[p]);
    let auto = |l: &mut Limiter| {
        l.set_release_ms(release).unwrap();
        l.set_auto_release(true);
    };
    let (y, lat) = run_mono(5.0, auto, &x);
    let tau = measured_release_ms(&x, &y, lat, p, 600, span);
    assert!(
        tau >= release && tau < 1.06 * release,
        "after a spike: {tau} ms"
    );
    // Two seconds 12 dB over the ceiling: the average reduction saturates the slow-down, and
    // the release is four times the set time (while the average is still over a quarter).
    let loud = 96_000;
    let mut x = mixmaster_tests::sine(1000.0, 4.0, 0.0, 48_000.0, loud);
    x.extend(std::iter::repeat_n(0.25f32, 4000));
    let end = loud - 1;
    let (y, lat) = run_mono(5.0, auto, &x);
    let tau = measured_release_ms(&x, &y, lat, end, 600, span);
    assert!(
        (tau / (4.0 * release) - 1.0).abs() < 0.03,
        "after deep limiting: {tau} ms"
    );
    // Off, the same programme releases at the set time.
    let (y, lat) = run_mono(5.0, |l| l.set_release_ms(release).unwrap(), &x);
    let tau = measured_release_ms(&x, &y, lat, end, 600, span);
    assert!(
        (tau / release - 1.0).abs() < 0.01,
        "auto release off: {tau} ms"
    );
}

#[test]
fn gain_reduction_meters_read_the_gain_the_output_shows() {
    let fs = 48_000.0;
    let p = 3000;
    let x = carrier_with_spikes(6000, &[p, p + 1500]);
    let mut l = Limiter::new(-1.0, 5.0).unwrap();
    assert_eq!((l.latency_frames(), l.tail_frames()), (0, 0));
    l.prepare(ProcessSpec::new(fs, 100, 1)).unwrap();
    let lat = l.latency_frames();
    assert_eq!(l.max_gain_reduction_db(), 0.0);
    let mut y = x.clone();
    let mut lowest = 1.0f32;
    for (k, block) in y.chunks_mut(100).enumerate() {
        l.process(&mut [block]);
        let end = (k + 1) * 100 - 1;
        let g = if end < lat {
            1.0
        } else {
            block[99] / x[end - lat]
        };
        lowest = lowest.min(g);
        assert_eq!(l.current_gain(), g, "block {k}");
        let db = -20.0 * (g as f64).log10();
        assert!((l.gain_reduction_db() - db).abs() < 1e-9, "block {k}");
    }
    let g = gain_of(&x, &y, lat);
    let lowest_all = g.iter().cloned().fold(1.0f32, f32::min);
    assert!(lowest_all < lowest, "the lowest gain fell inside a block");
    let max_db = -20.0 * (lowest_all as f64).log10();
    assert!((l.max_gain_reduction_db() - max_db).abs() < 1e-9);
    // At least what the spike needs: 1.0 brought under −1 dBTP.
    assert!(l.max_gain_reduction_db() > 1.0);
    l.reset();
    assert_eq!(l.max_gain_reduction_db(), 0.0);
    assert_eq!(l.gain_reduction_db(), 0.0);
    // A sine 6 dB over full scale under a −1 dBTP ceiling: 7 dB and a little more.
    let mut l = Limiter::new(-1.0, 5.0).unwrap();
    l.prepare(ProcessSpec::new(fs, 1000, 1)).unwrap();
    let mut s = mixmaster_tests::sine(997.0, 2.0, 0.0, fs, 48_000);
    l.process(&mut [&mut s[..]]);
    let gr = l.max_gain_reduction_db();
    assert!(gr > 20.0 * 2f64.log10() + 1.0 && gr < 7.6, "{gr}");
}

#[test]
fn tail_is_the_latency_and_the_last_input_comes_out_at_its_end() {
    for (fs, window) in [(48_000.0, 18), (44_100.0, 18), (96_000.0, 25)] {
        let mut l = Limiter::new(-1.0, 2.0).unwrap();
        l.prepare(ProcessSpec::new(fs, 256, 1)).unwrap();
        let d = (2.0 * fs / 1000.0_f64).round() as usize;
        assert_eq!(l.latency_frames(), d + window - 2, "{fs}");
        let tail = l.tail_frames();
        assert_eq!(tail, l.latency_frames());
        let n = 1000;
        let mut x = vec![0.0f32; n + tail];
        x[n - 1] = 0.5;
        let y = render(&mut l, &[x], &mut || 256).remove(0);
        assert_eq!(y.iter().rposition(|v| *v != 0.0), Some(n - 1 + tail));
        assert_eq!(y[n - 1 + tail], 0.5);
    }
}

#[test]
fn settings_read_back_and_a_ceiling_changed_while_running_is_kept() {
    let mut l = Limiter::new(-3.0, 5.0).unwrap();
    assert_eq!(l.ceiling_dbtp(), -3.0);
    l.set_param_by_name("ceiling_dbtp", -6.5).unwrap();
    l.set_param_by_name("release_ms", 250.0).unwrap();
    l.set_param_by_name("auto_release", 1.0).unwrap();
    assert_eq!(l.ceiling_dbtp(), -6.5);
    let names: Vec<&str> = l.params().iter().map(|p| p.name).collect();
    let get = |l: &Limiter, name: &str| l.param(names.iter().position(|n| *n == name).unwrap());
    assert_eq!(get(&l, "ceiling_dbtp"), Some(-6.5));
    assert_eq!(get(&l, "release_ms"), Some(250.0));
    assert_eq!(get(&l, "auto_release"), Some(1.0));
    l.set_auto_release(false);
    assert_eq!(get(&l, "auto_release"), Some(0.0));
    // Running at −1 dBTP, then −6: a steady sine 6 dB over full scale follows the new ceiling.
    let fs = 48_000.0;
    let mut l = Limiter::new(-1.0, 5.0).unwrap();
    l.prepare(ProcessSpec::new(fs, 1000, 1)).unwrap();
    let x = mixmaster_tests::sine(440.0, 2.0, 0.0, fs, 48_000);
    let first = render(&mut l, std::slice::from_ref(&x), &mut || 1000).remove(0);
    l.set_ceiling_dbtp(-6.0).unwrap();
    assert_eq!(l.ceiling_dbtp(), -6.0);
    let second = render(&mut l, &[x], &mut || 1000).remove(0);
    let tp_first = true_peak_dbtp(fs, &[first[24_000..].to_vec()]);
    let tp = true_peak_dbtp(fs, &[second[24_000..].to_vec()]);
    assert!(tp_first <= -1.0 && tp_first > -1.3, "{tp_first}");
    assert!(tp <= -6.0 && tp > -6.3, "{tp}");
}

#[test]
fn reset_right_after_limiting_forgets_the_held_gain() {
    // Loud audio that ends while the limiter is holding its gain down, then reset: the next
    // programme comes out exactly as from a fresh limiter (nothing held, nothing delayed).
    let loud = mixmaster_tests::sine(997.0, 3.0, 0.0, 48_000.0, 10_000);
    let x = carrier_with_spikes(4000, &[1500]);
    let mut l = Limiter::new(-1.0, 5.0).unwrap();
    l.prepare(ProcessSpec::new(48_000.0, 100, 1)).unwrap();
    let _ = render(&mut l, &[loud], &mut || 100);
    assert!(l.current_gain() < 0.5);
    l.reset();
    assert_eq!((l.current_gain(), l.max_gain_reduction_db()), (1.0, 0.0));
    let after = render(&mut l, std::slice::from_ref(&x), &mut || 100).remove(0);
    let (fresh, _) = run_mono(5.0, |_| {}, &x);
    assert_eq!(after, fresh);
}

#[test]
fn auto_release_recovers_its_set_time_after_a_rest() {
    // The slow-down follows the limiting of the last second or so: after two seconds 12 dB
    // over, then six seconds under the ceiling, the release after a spike is back within 10 %
    // of the set time (the average has decayed to e^-6 of itself).
    let release = 20.0;
    let mut x = mixmaster_tests::sine(1000.0, 4.0, 0.0, 48_000.0, 96_000);
    x.extend(std::iter::repeat_n(0.25f32, 6 * 48_000));
    let p = x.len();
    x.extend(carrier_with_spikes(4000, &[0]));
    let auto = |l: &mut Limiter| {
        l.set_release_ms(release).unwrap();
        l.set_auto_release(true);
    };
    let (y, lat) = run_mono(5.0, auto, &x);
    let tau = measured_release_ms(&x, &y, lat, p, 600, 480);
    assert!(
        tau >= release && tau < 1.1 * release,
        "after a rest: {tau} ms"
    );
}

#[test]
fn auto_release_turned_on_again_starts_from_no_history() {
    // Limiting heard while auto release was off does not slow the release down once it is
    // turned on (the average starts from nothing): on for two seconds 12 dB over, off, then on
    // again before a spike, the release is the set time.
    let release = 20.0;
    let mut l = Limiter::new(-1.0, 5.0).unwrap();
    l.set_release_ms(release).unwrap();
    l.set_auto_release(true);
    l.prepare(ProcessSpec::new(48_000.0, 100, 1)).unwrap();
    let loud = mixmaster_tests::sine(1000.0, 4.0, 0.0, 48_000.0, 96_000);
    let _ = render(&mut l, &[loud], &mut || 100);
    l.set_auto_release(false);
    let rest = vec![0.25f32; 4800];
    let _ = render(&mut l, &[rest], &mut || 100);
    l.set_auto_release(true);
    let x = carrier_with_spikes(4000, &[1000]);
    let y = render(&mut l, std::slice::from_ref(&x), &mut || 100).remove(0);
    let tau = measured_release_ms(&x, &y, l.latency_frames(), 1000, 600, 480);
    assert!(tau >= release && tau < 1.06 * release, "{tau} ms");
}

#[test]
fn shortest_lookahead_from_rest_into_limiting() {
    // 0.5 ms at 8 kHz: a 4-frame box average, shorter than a 64-frame chunk. Quiet (at rest,
    // the box skipped a chunk at a time), then 12 dB over: the ceiling holds, bit for bit the
    // same in any block size.
    let fs = 8_000.0;
    let mut x = vec![0.01f32; 3000];
    x.extend(mixmaster_tests::sine(300.0, 4.0, 0.0, fs, 3000));
    let run = |block: usize| {
        let mut l = Limiter::new(-1.0, 0.5).unwrap();
        l.prepare(ProcessSpec::new(fs, block, 1)).unwrap();
        render(&mut l, std::slice::from_ref(&x), &mut || block).remove(0)
    };
    let (a, b) = (run(4096), run(1));
    assert_eq!(a, b);
    assert!(true_peak_dbtp(fs, &[a]) <= -1.0 + 1e-3);
}

#[test]
fn after_limiting_the_release_completes_and_the_output_is_transparent_again() {
    // docs/limiter.md: below the ceiling the output is the input delayed, bit for bit. After a
    // peak has been limited and the release has run its course (here 20 time constants), that
    // holds again and the meters read no reduction, for short and long releases.
    for release in [10.0, 100.0, 2000.0] {
        let fs = 48_000.0;
        let rest = (release * 48.0 * 20.0) as usize + 48_000;
        let x = carrier_with_spikes(1000 + rest, &[1000]);
        let (y, lat) = run_mono(5.0, |l| l.set_release_ms(release).unwrap(), &x);
        let tail = x.len() - 4800;
        assert!(
            y[tail..] == x[tail - lat..x.len() - lat],
            "release {release} ms: gain still {} long after the peak",
            y[x.len() - 1] / x[x.len() - 1 - lat]
        );
        let mut l = Limiter::new(-1.0, 5.0).unwrap();
        l.set_release_ms(release).unwrap();
        l.prepare(ProcessSpec::new(fs, 100, 1)).unwrap();
        let _ = render(&mut l, &[x], &mut || 100);
        assert_eq!(l.current_gain(), 1.0);
        assert_eq!(l.gain_reduction_db(), 0.0);
    }
}
