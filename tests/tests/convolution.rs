//! The convolution reverb against references it did not produce: a direct convolution in
//! `f64`, analytic routings of true-stereo responses, the RT60 of a synthetic exponential
//! response measured from the output; plus the processor contract (any block size, reset,
//! non-finite input, no subnormals, no latency) and its errors.

use mixmaster::mix::{ConvolutionReverb, Gain};
use mixmaster::registry;
use mixmaster::settings::Settings;
use mixmaster::{Error, ProcessSpec, Processor};
use mixmaster_tests::{max_diff, noise, render};

const FS: f64 = 48_000.0;

fn reverb(ir: &[Vec<f32>], mix: f64) -> ConvolutionReverb {
    let refs: Vec<&[f32]> = ir.iter().map(|c| c.as_slice()).collect();
    let mut r = ConvolutionReverb::with_impulse_response(&refs, FS).unwrap();
    r.set_mix(mix).unwrap();
    r
}

fn direct(x: &[f32], h: &[f32]) -> Vec<f64> {
    let mut y = vec![0.0f64; x.len()];
    for (k, &hk) in h.iter().enumerate() {
        if hk == 0.0 {
            continue;
        }
        for (n, yn) in y.iter_mut().enumerate().skip(k) {
            *yn += f64::from(x[n - k]) * f64::from(hk);
        }
    }
    y
}

/// Largest error relative to the reference's peak.
fn relative_error(got: &[f32], want: &[f64]) -> f64 {
    let peak = want.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let err = got
        .iter()
        .zip(want)
        .fold(0.0f64, |a, (g, w)| a.max((f64::from(*g) - w).abs()));
    err / peak
}

/// Wet only: equal to the direct convolution within 1e-5 of its peak, for a stereo response
/// long enough for all three FFT tiers, in blocks of 1, 7, 64, 512 and 4096 frames, bit for
/// bit the same in each, with nothing delayed (latency 0).
#[test]
fn equals_direct_convolution_in_every_block_size_with_no_latency() {
    let ir = vec![noise(11, 0.3, 21_000), noise(12, 0.3, 21_000)];
    let x = vec![noise(1, 0.5, 60_000), noise(2, 0.5, 60_000)];
    let want: Vec<Vec<f64>> = (0..2).map(|c| direct(&x[c], &ir[c])).collect();
    let spec = ProcessSpec::new(FS, 4096, 2);
    let mut first: Option<Vec<Vec<f32>>> = None;
    for block in [1usize, 7, 64, 512, 4096] {
        let mut r = reverb(&ir, 1.0);
        r.prepare(spec).unwrap();
        assert_eq!(r.latency_frames(), 0);
        let out = render(&mut r, &x, &mut || block);
        for c in 0..2 {
            let e = relative_error(&out[c], &want[c]);
            assert!(e <= 1e-5, "block {block}, channel {c}: error {e:e}");
        }
        match &first {
            None => first = Some(out),
            Some(f) => assert_eq!(max_diff(f, &out), 0.0, "block {block} differs"),
        }
    }
}

/// True stereo: L→L, L→R, R→L, R→R each a scaled, delayed impulse; the outputs are their
/// analytic sums. A mono response feeds both channels; mono audio takes the first channel.
#[test]
fn routes_mono_stereo_and_true_stereo_responses() {
    let imp = |n: usize, at: usize, g: f32| {
        let mut v = vec![0.0f32; n];
        v[at] = g;
        v
    };
    let n = 3_000;
    let ir = vec![
        imp(n, 0, 1.0),
        imp(n, 10, 0.5),
        imp(n, 2_000, 0.25),
        imp(n, 5, -1.0),
    ];
    let x = vec![noise(3, 0.5, 8_000), noise(4, 0.5, 8_000)];
    let mut r = reverb(&ir, 1.0);
    r.prepare(ProcessSpec::new(FS, 512, 2)).unwrap();
    let out = render(&mut r, &x, &mut || 333);
    let at = |c: usize, i: usize, d: usize| if i >= d { x[c][i - d] } else { 0.0 };
    #[allow(clippy::needless_range_loop)] // i indexes the input at several delays
    for i in 0..8_000 {
        let l = at(0, i, 0) + 0.25 * at(1, i, 2_000);
        let rr = 0.5 * at(0, i, 10) - at(1, i, 5);
        assert!(
            (out[0][i] - l).abs() < 1e-5,
            "L at {i}: {} vs {l}",
            out[0][i]
        );
        assert!(
            (out[1][i] - rr).abs() < 1e-5,
            "R at {i}: {} vs {rr}",
            out[1][i]
        );
    }
    // Mono response on stereo audio: both channels through it.
    let mut r = reverb(&[imp(100, 3, 0.5)], 1.0);
    r.prepare(ProcessSpec::new(FS, 512, 2)).unwrap();
    let out = render(&mut r, &x, &mut || 512);
    for c in 0..2 {
        assert!((out[c][100] - 0.5 * x[c][97]).abs() < 1e-6);
    }
    // Mono audio, stereo response: its first channel.
    let mut r = reverb(&[imp(100, 3, 0.5), imp(100, 7, 1.0)], 1.0);
    r.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let out = render(&mut r, &x[..1], &mut || 512);
    assert!((out[0][100] - 0.5 * x[0][97]).abs() < 1e-6);
}

/// A synthetic room: noise under an exponential decay of RT60 = 1.2 s. A noise burst through
/// it decays at the response's rate: RT60 measured from the output (−5 to −35 dB after the
/// burst, a line fitted to the 20 ms energy envelope) within 5 %.
#[test]
fn keeps_the_rt60_of_an_exponential_response() {
    let rt60 = 1.2;
    let n = (2.5 * FS) as usize;
    let env = |i: usize| 10f64.powf(-3.0 * i as f64 / (rt60 * FS)) as f32;
    let h = noise(21, 0.5, n);
    let ir = vec![
        h.iter()
            .enumerate()
            .map(|(i, v)| v * env(i))
            .collect::<Vec<f32>>(),
    ];
    let burst = (0.5 * FS) as usize;
    let mut x = noise(5, 0.5, burst);
    x.resize(burst + n, 0.0);
    let mut r = reverb(&ir, 1.0);
    r.prepare(ProcessSpec::new(FS, 1024, 1)).unwrap();
    let out = render(&mut r, &[x], &mut || 1024);
    let win = (0.02 * FS) as usize;
    let level: Vec<f64> = out[0][burst..]
        .chunks(win)
        .map(|c| 10.0 * (c.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / win as f64).log10())
        .collect();
    let top = level[0];
    let pts: Vec<(f64, f64)> = level
        .iter()
        .enumerate()
        .filter(|(_, l)| **l < top - 5.0 && **l > top - 35.0)
        .map(|(i, l)| (i as f64 * 0.02, *l))
        .collect();
    let m = pts.len() as f64;
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
    let (sxx, sxy) = pts
        .iter()
        .fold((0.0, 0.0), |a, p| (a.0 + p.0 * p.0, a.1 + p.0 * p.1));
    let slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
    let measured = -60.0 / slope;
    assert!(
        (measured - rt60).abs() < 0.05 * rt60,
        "RT60 {measured:.3} s vs {rt60} s ({} points)",
        pts.len()
    );
}

/// Pre-delay shifts the wet signal by its length; mix and gain set the levels.
#[test]
fn predelay_mix_and_gain() {
    let mut ir = vec![0.0f32; 500];
    ir[0] = 1.0;
    let mut r = reverb(&[ir], 0.5).with_predelay_ms(10.0).unwrap();
    r.set_gain_db(-6.0).unwrap();
    r.prepare(ProcessSpec::new(FS, 256, 1)).unwrap();
    let x = vec![noise(6, 0.5, 4_000)];
    let out = render(&mut r, &x, &mut || 256);
    let g = 10f32.powf(-6.0 / 20.0);
    for i in 1_000..4_000 {
        let want = 0.5 * x[0][i] + 0.5 * g * x[0][i - 480];
        assert!((out[0][i] - want).abs() < 1e-5, "{i}");
    }
    assert_eq!(r.tail_frames(), 480 + 500);
}

/// Reset, non-finite input and silence after signal: as every processor must.
#[test]
fn reset_nan_recovery_and_no_subnormals() {
    let ir = vec![noise(31, 0.2, 30_000), noise(32, 0.2, 30_000)];
    let x = vec![noise(7, 0.5, 40_000), noise(8, 0.5, 40_000)];
    let spec = ProcessSpec::new(FS, 1024, 2);
    let mut r = reverb(&ir, 0.7);
    r.prepare(spec).unwrap();
    let first = render(&mut r, &x, &mut || 700);
    r.reset();
    let again = render(&mut r, &x, &mut || 700);
    assert_eq!(max_diff(&first, &again), 0.0, "reset");
    let mut bad = x.clone();
    bad[0][100] = f32::NAN;
    bad[1][200] = f32::INFINITY;
    let out = render(&mut r, &bad, &mut || 1024);
    assert!(out.iter().all(|c| c[1024..].iter().all(|v| v.is_finite())));
    let after = render(&mut r, &x, &mut || 1024);
    assert!(
        after.iter().flatten().all(|v| v.is_finite()),
        "NaN kept in the response's memory"
    );
    let silence = vec![vec![0.0f32; 4 * FS as usize]; 2];
    let out = render(&mut r, &silence, &mut || 1024);
    assert_eq!(out.iter().flatten().filter(|v| v.is_subnormal()).count(), 0);
    assert!(
        out.iter()
            .all(|c| c[(FS as usize)..].iter().all(|v| *v == 0.0)),
        "silence after the tail"
    );
}

/// Bad responses and settings are errors naming `ir` and the problem; other processors have no
/// audio data; a rebuild keeps the response unless its name changes.
#[test]
fn errors_and_rebuilds() {
    let one = vec![0.5f32; 100];
    let mut r = ConvolutionReverb::new();
    let msg = |e: Error| e.to_string();
    let e = msg(r
        .load_audio("ir", &[&one, &one, &one], FS, "x")
        .unwrap_err());
    assert!(e.contains("`ir`") && e.contains("3 channels"), "{e}");
    let e = msg(r.load_audio("ir", &[&[]], FS, "x").unwrap_err());
    assert!(e.contains("empty"), "{e}");
    let e = msg(r
        .load_audio("ir", &[&one, &one[..50]], FS, "x")
        .unwrap_err());
    assert!(e.contains("differ in length"), "{e}");
    let mut nan = one.clone();
    nan[3] = f32::NAN;
    let e = msg(r.load_audio("ir", &[&nan], FS, "x").unwrap_err());
    assert!(e.contains("NaN"), "{e}");
    let long = vec![0.0f32; 31 * 8_000];
    let e = msg(r.load_audio("ir", &[&long], 8_000.0, "x").unwrap_err());
    assert!(e.contains("at most 30 s"), "{e}");
    let e = msg(r.load_audio("impulse", &[&one], FS, "x").unwrap_err());
    assert!(e.contains("impulse") && e.contains("ir"), "{e}");
    assert!(r.load_audio("ir", &[&one], -1.0, "x").is_err());
    r.load_audio("ir", &[&one], 44_100.0, "room.wav").unwrap();
    let e = msg(r.prepare(ProcessSpec::new(FS, 256, 2)).unwrap_err());
    assert!(e.contains("44100 Hz") && e.contains("48000 Hz"), "{e}");
    assert!(r.prepare(ProcessSpec::new(FS, 256, 3)).is_err());
    let mut g = Gain::new();
    assert!(matches!(
        g.load_audio("ir", &[&one], FS, "x"),
        Err(Error::UnknownSetting { .. })
    ));

    // Rebuilding through the registry (how bindings change an option) keeps the response.
    let mut r = reverb(&[vec![1.0, 0.5]], 1.0);
    r.load_audio("ir", &[&[1.0, 0.5]], FS, "hall.wav").unwrap();
    let mut s = registry::settings_of(&r);
    s.set("predelay_ms", 5.0);
    let fresh = registry::rebuild_with(&r, &s).unwrap();
    assert_eq!(fresh.audio_data("ir").unwrap().0, vec![&[1.0f32, 0.5][..]]);
    s.set("ir", "other.wav");
    let fresh = registry::rebuild_with(&r, &s).unwrap();
    assert!(
        fresh.audio_data("ir").is_none(),
        "a new name drops the old data"
    );
    // Built from settings alone: a name, no data (the session's reader loads it).
    let p = registry::build(
        "convolution_reverb",
        &Settings::new().with("ir", "hall.wav"),
    )
    .unwrap();
    assert!(p.audio_data("ir").is_none());
    assert_eq!(
        registry::settings_of(p.as_ref())
            .get("ir")
            .unwrap()
            .to_string(),
        "\"hall.wav\""
    );
}

/// Rendering ahead (`set_non_realtime`): large FFT blocks with latency, reported; with the
/// latency removed, the same output as the zero-latency convolution (dry and wet), to float
/// rounding.
#[test]
fn offline_rendering_equals_realtime_after_its_latency() {
    let ir = vec![noise(41, 0.2, 30_000), noise(42, 0.2, 30_000)];
    let x = vec![noise(9, 0.5, 100_000), noise(10, 0.5, 100_000)];
    let spec = ProcessSpec::new(FS, 1024, 2);
    let mut rt = reverb(&ir, 0.6);
    rt.prepare(spec).unwrap();
    let a = render(&mut rt, &x, &mut || 1024);
    let mut off = reverb(&ir, 0.6);
    off.set_non_realtime(true);
    off.prepare(spec).unwrap();
    let lat = off.latency_frames();
    assert_eq!(lat, 16_384);
    let b = render(&mut off, &x, &mut || 777);
    let peak = a.iter().flatten().fold(0.0f32, |m, v| m.max(v.abs()));
    for c in 0..2 {
        let err = a[c][..100_000 - lat]
            .iter()
            .zip(&b[c][lat..])
            .fold(0.0f32, |m, (p, q)| m.max((p - q).abs()));
        assert!(err <= 1e-5 * peak, "channel {c}: {err:e} of {peak}");
    }
    // Back to real time at the next prepare.
    off.set_non_realtime(false);
    off.prepare(spec).unwrap();
    assert_eq!(off.latency_frames(), 0);
}
