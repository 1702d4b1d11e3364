//! Output does not depend on the block size, bit for bit, also while it decays into silence:
//! state below the denormal threshold is flushed on a grid of frames counted from
//! `prepare`/`reset` (`mixmaster::denormal::FLUSH_FRAMES`), not at block ends. Each case
//! renders a burst followed by enough silence for the state to fall below 1e-25 in blocks of
//! 1, 7, 64, 512 and 4096 frames, and compares every sample's bits with one whole-buffer call.

use mixmaster::master::{Curve, Saturation, StereoWidth};
use mixmaster::mix::biquad::{Design, FilterKind};
use mixmaster::mix::{Compressor, Delay, Detector, Equalizer, Filter, Mixer, Node, Reverb};
use mixmaster::{Chain, ProcessSpec, Processor};
use mixmaster_tests::{Rng, render};

const FS: f64 = 48_000.0;
const SIZES: [usize; 5] = [1, 7, 64, 512, 4096];

/// A 300-frame noise burst (with a full-scale impulse first) on every channel, then a 1 kHz
/// tone decaying from −6 dBFS to below 1e-26 by frame 30,000, then silence.
fn burst(channels: usize, frames: usize) -> Vec<Vec<f32>> {
    (0..channels)
        .map(|c| {
            let mut rng = Rng::new(11 + c as u64);
            let mut x = vec![0.0f32; frames];
            x[0] = 1.0;
            for v in x[1..300].iter_mut() {
                *v = 0.8 * rng.bipolar();
            }
            for (n, v) in x[300..frames.min(30_000)].iter_mut().enumerate() {
                let t = n as f64;
                *v = (0.5 * 0.998f64.powf(t) * (0.1309 * t + c as f64).sin()) as f32;
            }
            x
        })
        .collect()
}

/// Index and values of the first sample whose bits differ.
fn first_difference(a: &[Vec<f32>], b: &[Vec<f32>]) -> Option<(usize, usize, f32, f32)> {
    for (c, (x, y)) in a.iter().zip(b).enumerate() {
        if let Some(i) = x
            .iter()
            .zip(y)
            .position(|(u, v)| u.to_bits() != v.to_bits())
        {
            return Some((c, i, x[i], y[i]));
        }
    }
    None
}

/// A change made between blocks.
type Change<'a> = &'a dyn Fn(&mut dyn Processor);

/// Renders `input` through a fresh processor from `make`, prepared for the whole length, in
/// one call and in each block size of [`SIZES`]; `change` runs between blocks at frame
/// `at` (if any, so every render makes it at the same frame). Requires the decay to reach the
/// flush threshold and end in exact zeros; returns a line for each block size whose render
/// differs from the one-call render in any bit.
fn check(
    name: &str,
    channels: usize,
    frames: usize,
    make: &dyn Fn() -> Box<dyn Processor>,
    change: Option<(usize, Change)>,
) -> Vec<String> {
    let input = burst(channels, frames);
    let run = |size: usize| {
        let mut p = make();
        p.prepare(ProcessSpec::new(FS, frames, channels)).unwrap();
        let at = change.map_or(frames, |(at, _)| at);
        let head: Vec<Vec<f32>> = input.iter().map(|c| c[..at].to_vec()).collect();
        let mut out = render(p.as_mut(), &head, &mut || size);
        if let Some((_, f)) = change {
            f(p.as_mut());
            let tail: Vec<Vec<f32>> = input.iter().map(|c| c[at..].to_vec()).collect();
            let tail = render(p.as_mut(), &tail, &mut || size);
            for (o, t) in out.iter_mut().zip(tail) {
                o.extend(t);
            }
        }
        out
    };
    let whole = run(frames);
    // The decay went through the range where the flush acts, and ended in exact zeros.
    let tiny = whole
        .iter()
        .flatten()
        .filter(|v| **v != 0.0 && v.abs() < 1e-20)
        .count();
    assert!(tiny > 0, "{name}: the decay never went below 1e-20");
    assert!(
        whole
            .iter()
            .all(|c| c[frames - 64..].iter().all(|v| *v == 0.0)),
        "{name}: the decay did not end in exact zeros"
    );
    SIZES
        .iter()
        .filter_map(|&size| {
            first_difference(&whole, &run(size)).map(|(c, i, a, b)| {
                format!(
                    "{name}: blocks of {size} differ from one call at channel {c} frame {i}: {b:e} vs {a:e}"
                )
            })
        })
        .collect()
}

fn assert_none(failures: Vec<String>) {
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn resonant_low_pass() -> Design {
    Design {
        kind: FilterKind::LowPass,
        frequency_hz: 200.0,
        q: 4.0,
        gain_db: 0.0,
    }
}

#[test]
fn filters_decay_the_same_in_any_block_size() {
    let mut f = Vec::new();
    for channels in [1, 2, 3] {
        f.extend(check(
            &format!("low_pass q 4, {channels} channels"),
            channels,
            40_000,
            &|| Box::new(Filter::from_design(resonant_low_pass()).unwrap()),
            None,
        ));
    }
    f.extend(check(
        "butterworth 8",
        2,
        40_000,
        &|| Box::new(Filter::new(FilterKind::ButterworthLowPass(8), 150.0).unwrap()),
        None,
    ));
    // A parameter move partway: the coefficient grid and the flush grid together.
    f.extend(check(
        "low_pass moving",
        2,
        40_000,
        &|| Box::new(Filter::from_design(resonant_low_pass()).unwrap()),
        Some((1_000, &|p| {
            p.set_param_by_name("frequency_hz", 150.0).unwrap()
        })),
    ));
    assert_none(f);
}

fn equalizer() -> Equalizer {
    Equalizer::from_designs(&[
        Design::new(FilterKind::HighPass, 30.0),
        resonant_low_pass(),
        Design {
            kind: FilterKind::Peaking,
            frequency_hz: 1000.0,
            q: 8.0,
            gain_db: 6.0,
        },
    ])
    .unwrap()
}

fn eq_of(p: &mut dyn Processor) -> &mut Equalizer {
    p.as_any_mut().unwrap().downcast_mut::<Equalizer>().unwrap()
}

#[test]
fn equalizers_decay_the_same_in_any_block_size() {
    let mut f = Vec::new();
    for channels in [1, 2] {
        f.extend(check(
            &format!("equalizer, {channels} channels"),
            channels,
            60_000,
            &|| Box::new(equalizer()),
            None,
        ));
        // Bands on different grids: one switched off for a while, one added after prepare.
        f.extend(check(
            &format!("equalizer, band off, {channels} channels"),
            channels,
            60_000,
            &|| Box::new(equalizer()),
            Some((333, &|p| eq_of(p).band_mut(1).unwrap().enabled = false)),
        ));
        f.extend(check(
            &format!("equalizer, band added, {channels} channels"),
            channels,
            60_000,
            &|| Box::new(equalizer()),
            Some((777, &|p| {
                let eq = eq_of(p);
                eq.band_mut(1).unwrap().enabled = true;
                eq.add_band(Design {
                    kind: FilterKind::LowPass,
                    frequency_hz: 300.0,
                    q: 6.0,
                    gain_db: 0.0,
                })
                .unwrap();
            })),
        ));
    }
    assert_none(f);
}

#[test]
fn width_compressor_saturation_delay_reverb_decay_the_same_in_any_block_size() {
    let mut f = Vec::new();
    f.extend(check(
        "stereo_width bass mono",
        2,
        60_000,
        &|| {
            let mut w = StereoWidth::new();
            w.set_bass_mono_hz(120.0).unwrap();
            w.set_width(1.5).unwrap();
            Box::new(w)
        },
        None,
    ));
    for detector in [Detector::Peak, Detector::Rms] {
        let compressor = move || {
            let mut c = Compressor::new();
            c.set_detector(detector);
            c.set_threshold_db(-30.0).unwrap();
            c.set_sidechain_hpf_hz(100.0).unwrap();
            c
        };
        f.extend(check(
            &format!("compressor {detector:?}"),
            2,
            60_000,
            &move || Box::new(compressor()),
            None,
        ));
        // After an equalizer, so its output decays slowly through the flush threshold.
        f.extend(check(
            &format!("equalizer then compressor {detector:?}"),
            2,
            60_000,
            &move || Box::new(Chain::new().with(equalizer()).with(compressor())),
            None,
        ));
    }
    for curve in [Curve::Symmetric, Curve::Asymmetric] {
        f.extend(check(
            &format!("low-pass then saturation {curve:?}"),
            2,
            160_000,
            &move || {
                let mut s = Saturation::new(curve, 4).unwrap();
                s.set_drive_db(12.0).unwrap();
                s.set_mix(0.7).unwrap();
                Box::new(
                    Chain::new()
                        .with(Filter::from_design(resonant_low_pass()).unwrap())
                        .with(s),
                )
            },
            None,
        ));
    }
    f.extend(check(
        "delay",
        2,
        96_000,
        &|| {
            let mut d = Delay::new(100.0).unwrap();
            d.set_time_ms(10.3).unwrap();
            d.set_feedback(0.5).unwrap();
            d.set_damping_hz(3000.0).unwrap();
            Box::new(d)
        },
        None,
    ));
    f.extend(check(
        "reverb",
        2,
        120_000,
        &|| {
            let mut r = Reverb::new();
            r.set_decay_s(0.2).unwrap();
            r.set_predelay_ms(0.0).unwrap();
            Box::new(r)
        },
        None,
    ));
    assert_none(f);
}

#[test]
fn a_chain_decays_the_same_in_any_block_size() {
    let mut f = Vec::new();
    f.extend(check(
        "chain",
        2,
        160_000,
        &|| {
            let mut c = Compressor::new();
            c.set_threshold_db(-20.0).unwrap();
            c.set_sidechain_hpf_hz(80.0).unwrap();
            let mut s = Saturation::new(Curve::Asymmetric, 4).unwrap();
            s.set_drive_db(6.0).unwrap();
            let mut w = StereoWidth::new();
            w.set_bass_mono_hz(150.0).unwrap();
            let mut d = Delay::new(50.0).unwrap();
            d.set_time_ms(7.0).unwrap();
            Box::new(
                Chain::new()
                    .with(Filter::from_design(resonant_low_pass()).unwrap())
                    .with(equalizer())
                    .with(c)
                    .with(s)
                    .with(w)
                    .with(d),
            )
        },
        None,
    ));
    assert_none(f);
}

/// Eight tracks (four mono, four stereo: one bank of each) with an equalizer and a compressor,
/// lanes on and off, rendered in blocks of each size: one mix, bit for bit.
#[test]
fn the_mixer_decays_the_same_in_any_block_size_lanes_on_and_off() {
    const FRAMES: usize = 60_000;
    let width = |t: usize| if t < 4 { 1 } else { 2 };
    let inputs: Vec<Vec<Vec<f32>>> = (0..8).map(|t| burst(width(t), FRAMES)).collect();
    let render_mix = |lanes: bool, size: usize| {
        let mut m = Mixer::new();
        m.set_lanes(lanes);
        for t in 0..8 {
            let id = m.add_track(&format!("t{t}"), width(t)).unwrap();
            let mut eq = equalizer();
            eq.band_mut(1)
                .unwrap()
                .filter
                .set_frequency(150.0 + 20.0 * t as f64)
                .unwrap();
            m.add_insert(Node::Track(id), Box::new(eq)).unwrap();
            let mut c = Compressor::new();
            c.set_threshold_db(-30.0).unwrap();
            c.set_sidechain_hpf_hz(60.0 + t as f64).unwrap();
            m.add_insert(Node::Track(id), Box::new(c)).unwrap();
        }
        m.prepare(FS, 4096).unwrap();
        let (mut l, mut r) = (vec![0.0f32; FRAMES], vec![0.0f32; FRAMES]);
        let mut pos = 0;
        // Track 2's equalizer loses a band for a while (its grid falls behind the others').
        let events = [(4_100, false), (9_000, true)];
        while pos < FRAMES {
            let next = events
                .iter()
                .map(|e| e.0)
                .find(|&e| e > pos)
                .unwrap_or(FRAMES);
            let n = size.min(next - pos);
            if let Some(&(_, on)) = events.iter().find(|e| e.0 == pos) {
                let eq = m.inserts_mut(Node::Track(2)).unwrap()[0]
                    .as_any_mut()
                    .unwrap();
                eq.downcast_mut::<Equalizer>()
                    .unwrap()
                    .band_mut(2)
                    .unwrap()
                    .enabled = on;
            }
            let chans: Vec<Vec<&[f32]>> = inputs
                .iter()
                .map(|x| x.iter().map(|c| &c[pos..pos + n]).collect())
                .collect();
            let refs: Vec<&[&[f32]]> = chans.iter().map(|c| &c[..]).collect();
            m.process(&refs, [&mut l[pos..pos + n], &mut r[pos..pos + n]])
                .unwrap();
            pos += n;
        }
        vec![l, r]
    };
    let whole = render_mix(false, 4096);
    assert!(
        whole.iter().flatten().any(|v| *v != 0.0 && v.abs() < 1e-20),
        "the mix never went below 1e-20"
    );
    for lanes in [false, true] {
        for size in [1, 7, 64, 512, 4096] {
            if let Some((c, i, a, b)) = first_difference(&whole, &render_mix(lanes, size)) {
                panic!(
                    "mixer (lanes {lanes}): blocks of {size} differ from blocks of 4096 at channel {c} frame {i}: {b:e} vs {a:e}"
                );
            }
        }
    }
}
