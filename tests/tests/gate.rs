//! The gate against analytic expectations: a tone in bursts over noise (the noise between the
//! bursts drops by the range, the tone passes untouched), opening and closing times against
//! the settings, hysteresis against chatter, the expander's curve, lookahead latency.

use mixmaster::mix::Gate;
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::{check_contract, noise, render_whole, sine};

const FS: f64 = 48_000.0;

fn rms_db(x: &[f32]) -> f64 {
    let p = x.iter().map(|v| (*v as f64) * (*v as f64)).sum::<f64>() / x.len() as f64;
    10.0 * p.log10()
}

fn ms(v: f64) -> usize {
    (v * 0.001 * FS).round() as usize
}

/// Bursts of a 1 kHz tone at −12 dBFS: `on` ms on, `off` ms off, starting with `off`.
fn bursts(frames: usize, on: f64, off: f64) -> (Vec<f32>, Vec<(usize, usize)>) {
    let tone = sine(1000.0, 0.25, 0.0, FS, frames);
    let (on, off) = (ms(on), ms(off));
    let mut x = vec![0.0f32; frames];
    let mut spans = Vec::new();
    let mut start = off;
    while start + on < frames {
        x[start..start + on].copy_from_slice(&tone[start..start + on]);
        spans.push((start, start + on));
        start += on + off;
    }
    (x, spans)
}

fn gate(range: f64, attack: f64, hold: f64, release: f64) -> Gate {
    let mut g = Gate::new();
    g.set_threshold_db(-30.0).unwrap();
    g.set_range_db(range).unwrap();
    g.set_attack_ms(attack).unwrap();
    g.set_hold_ms(hold).unwrap();
    g.set_release_ms(release).unwrap();
    g
}

#[test]
fn noise_between_bursts_drops_by_the_range_and_the_tone_passes() {
    let frames = ms(3000.0);
    let (tone, spans) = bursts(frames, 200.0, 300.0);
    // Noise at about −60 dBFS peak, well under the −30 dB threshold.
    let nz = noise(3, 0.001, frames);
    let x: Vec<f32> = tone.iter().zip(&nz).map(|(a, b)| a + b).collect();
    let input = vec![x.clone(), x];
    for range in [20.0, 40.0, 80.0] {
        let (attack, hold, release) = (1.0, 20.0, 50.0);
        let mut g = gate(range, attack, hold, release);
        g.prepare(ProcessSpec::new(FS, 512, 2)).unwrap();
        let out = render_whole(&mut g, &input);
        for (k, &(a, b)) in spans.iter().enumerate() {
            // Inside the burst, after the attack.
            let (s, e) = (a + ms(attack + 2.0), b);
            for ch in 0..2 {
                let d = rms_db(&out[ch][s..e]) - rms_db(&input[ch][s..e]);
                println!("range {range}: burst {k} ch {ch}: {d:+.4} dB");
                assert!(d.abs() < 0.1, "range {range}: burst {k} changed by {d} dB");
            }
            // Between this burst and the next, once closed: detector window (12.5 ms), hold,
            // release, and a margin.
            let s = b + ms(12.5 + hold + release + 10.0);
            let e = spans.get(k + 1).map_or(frames, |n| n.0) - ms(2.0);
            for ch in 0..2 {
                let d = rms_db(&out[ch][s..e]) - rms_db(&input[ch][s..e]);
                println!("range {range}: noise after burst {k} ch {ch}: {d:+.3} dB");
                assert!(
                    (d + range).abs() < 0.5,
                    "range {range}: noise after burst {k} changed by {d} dB"
                );
            }
        }
    }
}

/// The gain per frame, read from a constant main input with the bursts as the key.
fn gain_curve(g: &mut Gate, key: &[f32]) -> Vec<f64> {
    let frames = key.len();
    g.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let mut main = vec![0.5f32; frames];
    g.process_with_sidechain(&mut [&mut main[..]], &[key]);
    main.iter().map(|v| *v as f64 / 0.5).collect()
}

#[test]
fn opening_and_closing_times_match_the_settings() {
    let frames = ms(2000.0);
    let (key, spans) = bursts(frames, 300.0, 400.0);
    for (attack, hold, release) in [(5.0, 0.0, 80.0), (20.0, 30.0, 300.0), (0.5, 10.0, 20.0)] {
        let range = 40.0;
        let floor = 10f64.powf(-range / 20.0);
        let mut g = gate(range, attack, hold, release);
        let gain = gain_curve(&mut g, &key);
        let (a, b) = spans[0];
        // Opening: from the first frame off the floor to the first frame fully open.
        let rise = (0..frames).find(|&i| gain[i] > floor * 1.01).unwrap();
        let open = (rise..frames).find(|&i| gain[i] >= 1.0 - 1e-6).unwrap();
        assert!(
            rise >= a && rise <= a + 2,
            "attack {attack}: opens at {rise}, burst at {a}"
        );
        let t_open = (open - rise) as f64 / FS * 1000.0;
        assert!(
            (t_open / attack - 1.0).abs() < 0.1,
            "attack {attack} ms: opening took {t_open} ms"
        );
        // Closing: from the first frame below fully open to the floor (within 0.5 dB of it,
        // which the linear-in-dB fall reaches 0.5/range early).
        let fall = (b..frames).find(|&i| gain[i] < 1.0 - 1e-6).unwrap();
        let closed = (fall..frames)
            .find(|&i| gain[i] <= floor * 10f64.powf(0.5 / 20.0))
            .unwrap();
        let t_close = (closed - fall) as f64 / FS * 1000.0;
        let want = release * (1.0 - 0.5 / range);
        assert!(
            (t_close / want - 1.0).abs() < 0.1,
            "release {release} ms: closing took {t_close} ms (want {want})"
        );
        // It starts closing after the detector's hold and the gate's hold.
        let delay = (fall - b) as f64 / FS * 1000.0;
        println!(
            "attack {attack} ms: opened in {t_open:.3} ms; release {release} ms: closed (to 0.5 dB of the floor) in {t_close:.3} ms (want {want:.3}); closing began {delay:.2} ms after the key"
        );
        let want_delay = mixmaster::mix::gate::DETECTOR_WINDOW_MS + hold;
        assert!(
            delay >= want_delay - 1.0 && delay <= want_delay + 2.5 + 1.0,
            "hold {hold}: closing started {delay} ms after the burst (want {want_delay})"
        );
        // And the gain is exactly the floor once closed.
        let late = b + ms(12.5 + hold + release + 5.0);
        assert!(
            (gain[late] / floor - 1.0).abs() < 1e-3,
            "not at the floor: {}",
            gain[late]
        );
    }
}

/// How often the gate opens or closes while `x` plays, read per 16-frame block.
fn transitions(g: &mut Gate, x: &[f32]) -> usize {
    g.prepare(ProcessSpec::new(FS, 16, 1)).unwrap();
    let mut buf = x.to_vec();
    let mut last = false;
    let mut count = 0;
    for chunk in buf.chunks_mut(16) {
        g.process(&mut [chunk]);
        if g.is_open() != last {
            count += 1;
            last = g.is_open();
        }
    }
    count
}

#[test]
fn hysteresis_prevents_chatter_at_the_threshold() {
    // A 1 kHz tone whose peak wobbles ±1 dB around the −30 dB threshold, 4 times a second.
    let frames = ms(3000.0);
    let x: Vec<f32> = (0..frames)
        .map(|n| {
            let t = n as f64 / FS;
            let level_db = -30.0 + (2.0 * std::f64::consts::PI * 4.0 * t).sin();
            (10f64.powf(level_db / 20.0) * (2.0 * std::f64::consts::PI * 1000.0 * t).sin()) as f32
        })
        .collect();
    let mut chattering = gate(40.0, 1.0, 0.0, 50.0);
    chattering.set_hysteresis_db(0.0).unwrap();
    let n0 = transitions(&mut chattering, &x);
    assert!(
        n0 >= 20,
        "without hysteresis it should open and close each wobble: {n0}"
    );
    let mut steady = gate(40.0, 1.0, 0.0, 50.0);
    steady.set_hysteresis_db(3.0).unwrap();
    let n3 = transitions(&mut steady, &x);
    println!("transitions over 3 s: {n0} without hysteresis, {n3} with 3 dB");
    assert_eq!(
        n3, 1,
        "with 3 dB of hysteresis it opens once and stays open"
    );
}

#[test]
fn the_expander_follows_its_curve_below_the_threshold() {
    // A steady tone 6 dB under the threshold: ratio R attenuates it by (R − 1)·6 dB.
    let frames = ms(500.0);
    let x = sine(1000.0, 10f64.powf(-36.0 / 20.0), 0.0, FS, frames);
    for ratio in [1.5, 2.0, 4.0] {
        let mut g = gate(60.0, 1.0, 0.0, 50.0);
        g.set_ratio(ratio).unwrap();
        g.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
        let out = render_whole(&mut g, std::slice::from_ref(&x));
        let s = ms(200.0);
        let d = rms_db(&out[0][s..]) - rms_db(&x[s..]);
        let want = -(ratio - 1.0) * 6.0;
        println!("ratio {ratio}: {d:+.4} dB (want {want})");
        assert!((d - want).abs() < 0.1, "ratio {ratio}: {d} dB, want {want}");
    }
}

#[test]
fn lookahead_delays_the_audio_by_the_reported_latency() {
    let frames = ms(300.0);
    let x = sine(440.0, 0.5, 0.0, FS, frames);
    let mut g = gate(40.0, 1.0, 20.0, 50.0);
    g.set_lookahead_ms(5.0).unwrap();
    g.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let l = g.latency_frames();
    assert_eq!(l, 240);
    let out = render_whole(&mut g, std::slice::from_ref(&x));
    // The gate opened (instantly: attack 1 ms is shorter than the lookahead) before the tone
    // reached the output, so the output is the delayed input from about 1 ms on.
    for n in l..frames {
        assert!(
            (out[0][n] - x[n - l]).abs() < 1e-6,
            "frame {n}: {} vs {}",
            out[0][n],
            x[n - l]
        );
    }
}

#[test]
fn gate_contract() {
    for linked in [true, false] {
        for lookahead in [0.0, 3.0] {
            let make = move || -> Box<dyn Processor> {
                let mut g = Gate::new();
                g.set_linked(linked);
                g.set_lookahead_ms(lookahead).unwrap();
                g.set_threshold_db(-20.0).unwrap();
                g.set_sidechain_hpf_hz(100.0).unwrap();
                g.set_sidechain_lpf_hz(8000.0).unwrap();
                Box::new(g)
            };
            check_contract("gate", &make, 2, &|p| {
                p.set_param_by_name("ratio", 3.0).unwrap();
                p.set_param_by_name("range_db", 20.0).unwrap();
                p.set_param_by_name("threshold_db", -30.0).unwrap();
            });
        }
    }
}
