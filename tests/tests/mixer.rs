//! The mixer: latency compensation, sample-accurate automation, solo and mute as on a desk,
//! sends, block-size independence, and errors for bad shapes and routes.

use mixmaster::Error;
use mixmaster::db::db_to_gain;
use mixmaster::master::{Limiter, LinearPhaseEq};
use mixmaster::mix::biquad::{Design, FilterKind};
use mixmaster::mix::{
    Breakpoint, Compressor, Curve, Envelope, Mixer, Node, Output, PanLaw, Reverb, SendPoint, Target,
};
use mixmaster_tests::Rng;

const FS: f64 = 48_000.0;

/// Runs `mixer` over mono inputs (one per track) in blocks from `sizes`; returns (L, R).
fn run(mixer: &mut Mixer, inputs: &[Vec<f32>], sizes: &mut dyn FnMut() -> usize) -> [Vec<f32>; 2] {
    let frames = inputs[0].len();
    let (mut l, mut r) = (vec![0.0f32; frames], vec![0.0f32; frames]);
    let mut pos = 0;
    while pos < frames {
        let n = sizes().min(frames - pos);
        let chans: Vec<[&[f32]; 1]> = inputs.iter().map(|x| [&x[pos..pos + n]]).collect();
        let refs: Vec<&[&[f32]]> = chans.iter().map(|c| &c[..]).collect();
        mixer
            .process(&refs, [&mut l[pos..pos + n], &mut r[pos..pos + n]])
            .unwrap();
        pos += n;
    }
    [l, r]
}

fn click(frames: usize, at: usize, amp: f32) -> Vec<f32> {
    let mut x = vec![0.0; frames];
    x[at] = amp;
    x
}

#[test]
fn latency_compensation_keeps_a_click_aligned_across_tracks_and_buses() {
    let mut m = Mixer::new();
    let plain = m.add_track("plain", 1).unwrap();
    let limited = m.add_track("limited", 1).unwrap();
    let linear = m.add_track("linear-phase", 1).unwrap();
    let grouped = m.add_track("grouped", 1).unwrap();
    let group = m.add_bus("group");
    // Real processors with latency: a lookahead limiter (far above the click) and a
    // linear-phase EQ whose band is flat (so its FIR is a delayed unit impulse).
    m.add_insert(
        Node::Track(limited),
        Box::new(Limiter::new(0.0, 5.0).unwrap()),
    )
    .unwrap();
    let flat = Design {
        kind: FilterKind::Peaking,
        frequency_hz: 1000.0,
        q: 1.0,
        gain_db: 0.0,
    };
    m.add_insert(
        Node::Track(linear),
        Box::new(LinearPhaseEq::new(&[flat]).unwrap()),
    )
    .unwrap();
    m.add_insert(Node::Bus(group), Box::new(Limiter::new(0.0, 2.0).unwrap()))
        .unwrap();
    m.set_output(Node::Track(grouped), Output::Bus(group))
        .unwrap();
    for t in [plain, limited, linear, grouped] {
        m.set_pan_law(Node::Track(t), PanLaw::Linear).unwrap();
    }
    m.prepare(FS, 256).unwrap();
    let lat = m.latency_frames();
    // The slowest path is the linear-phase EQ (4095 taps: 2047 + its 1024-frame partition).
    assert_eq!(lat, 2047 + 1024);
    let at = 1000;
    let frames = lat + 4000;
    let amp = 0.25;
    let inputs: Vec<_> = (0..4).map(|_| click(frames, at, amp)).collect();
    let [l, r] = run(&mut m, &inputs, &mut || 256);
    // All four clicks land on one sample: 4 × 0.25 × 0.5 (linear law, centre) = 0.5 per side.
    for ch in [&l, &r] {
        let (peak_at, peak) =
            ch.iter().enumerate().fold(
                (0, 0.0f32),
                |a, (i, v)| if v.abs() > a.1 { (i, v.abs()) } else { a },
            );
        assert_eq!(peak_at, at + lat);
        assert!((peak - 0.5).abs() < 2e-3, "peak {peak}");
        let elsewhere = ch
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != at + lat)
            .map(|(_, v)| v.abs())
            .fold(0.0f32, f32::max);
        assert!(
            elsewhere < 2e-3,
            "energy off the aligned sample: {elsewhere}"
        );
    }
}

#[test]
fn automation_reaches_each_breakpoint_at_its_sample_in_any_block_size() {
    let points = [
        Breakpoint::new(0.01, -20.0),
        Breakpoint::new(0.05, 0.0).with_curve(Curve::Hold),
        Breakpoint::new(0.08, -6.0).with_curve(Curve::Exponential),
        Breakpoint::new(0.12, -12.0),
    ];
    let build = || {
        let mut m = Mixer::new();
        let t = m.add_track("dc", 1).unwrap();
        let aux = m.add_bus("aux");
        m.set_pan(Node::Track(t), -1.0).unwrap(); // hard left: gain 1 on L, 0 on R
        m.automate(
            Node::Track(t),
            Target::Fader,
            Envelope::new(&points).unwrap(),
        )
        .unwrap();
        // A pre-fader send, automated, to an aux bus balanced hard right.
        let s = m.add_send(t, aux, -150.0, SendPoint::PreFader).unwrap();
        let send_env = Envelope::new(&[Breakpoint::new(0.02, -30.0), Breakpoint::new(0.1, -3.0)]);
        m.automate(Node::Track(t), Target::Send(s), send_env.unwrap())
            .unwrap();
        m.set_pan(Node::Bus(aux), 1.0).unwrap();
        m.prepare(FS, 512).unwrap();
        m
    };
    let frames = (0.15 * FS) as usize;
    let dc = vec![vec![1.0f32; frames]];
    let [l, r] = run(&mut build(), &dc, &mut || 512);
    for p in &points {
        let k = (p.time_s * FS).round() as usize;
        let want = db_to_gain(p.value) as f32;
        assert!(
            (l[k] - want).abs() < 1e-6 * want.max(1.0),
            "t={} l={} want {want}",
            p.time_s,
            l[k]
        );
    }
    // Hold keeps 0 dB until the next point; linear in dB between the first two.
    assert!((l[(0.079 * FS) as usize] - 1.0).abs() < 1e-6);
    let mid = db_to_gain(-10.0) as f32;
    assert!((l[(0.03 * FS) as usize] - mid).abs() < 1e-5);
    // The send, on the right: balance hard right moves L into R; the send carries only the
    // panned-left track, so R = send gain (pre-fader: the fader does not scale it).
    for (t, db) in [(0.02, -30.0), (0.1, -3.0), (0.06, -30.0 + 27.0 * 0.5)] {
        let k = (t * FS).round() as usize;
        let want = db_to_gain(db) as f32;
        assert!(
            (r[k] - want).abs() < 1e-5,
            "send at {t}: {} want {want}",
            r[k]
        );
    }
    let mut rng = Rng::new(3);
    let [l2, r2] = run(&mut build(), &dc, &mut || rng.range(1, 700));
    assert_eq!(l, l2);
    assert_eq!(r, r2);
}

#[test]
fn insert_automation_is_block_size_independent() {
    let build = || {
        let mut m = Mixer::new();
        let t = m.add_track("t", 2).unwrap();
        let mut c = Compressor::new();
        c.set_threshold_db(-30.0).unwrap();
        m.add_insert(Node::Track(t), Box::new(c)).unwrap();
        let env =
            Envelope::new(&[Breakpoint::new(0.0, -30.0), Breakpoint::new(0.2, -5.0)]).unwrap();
        m.automate(
            Node::Track(t),
            Target::Insert {
                insert: 0,
                param: 0,
            },
            env,
        )
        .unwrap();
        m.prepare(FS, 1024).unwrap();
        m
    };
    let input = mixmaster_tests::programme(2, 12_000, FS);
    let render = |m: &mut Mixer, sizes: &mut dyn FnMut() -> usize| {
        let frames = input[0].len();
        let (mut l, mut r) = (vec![0.0f32; frames], vec![0.0f32; frames]);
        let mut pos = 0;
        while pos < frames {
            let n = sizes().min(frames - pos);
            let ch: [&[f32]; 2] = [&input[0][pos..pos + n], &input[1][pos..pos + n]];
            m.process(&[&ch], [&mut l[pos..pos + n], &mut r[pos..pos + n]])
                .unwrap();
            pos += n;
        }
        (l, r)
    };
    let a = render(&mut build(), &mut || 1024);
    let mut rng = Rng::new(9);
    let b = render(&mut build(), &mut || rng.range(1, 1024));
    assert_eq!(a, b);
    // And the threshold really moved: late in the render, less gain reduction than early.
    let mut m = build();
    let _ = render(&mut m, &mut || 1024);
    let gr = m.inserts_mut(Node::Track(0)).unwrap()[0].param(0).unwrap();
    assert!(gr > -30.0, "threshold followed its envelope to {gr}");
}

#[test]
fn mute_and_solo_do_what_a_desk_does() {
    // DC on three tracks at 1, 2 and 4 (powers of two, so every combination sums uniquely);
    // track 0 sends post-fader to an aux at 0 dB, whose return is heard while soloing.
    let mut m = Mixer::new();
    for name in ["a", "b", "c"] {
        let t = m.add_track(name, 1).unwrap();
        m.set_pan(Node::Track(t), -1.0).unwrap();
    }
    let aux = m.add_bus("aux");
    m.set_pan(Node::Bus(aux), -1.0).unwrap(); // balance hard left: R moves into L
    m.add_send(0, aux, 0.0, SendPoint::PostFader).unwrap();
    m.prepare(FS, 256).unwrap();
    let level = |m: &mut Mixer| {
        let frames = 4800; // 100 ms: the 20 ms fades are over by the end
        let inputs: Vec<_> = [1.0f32, 2.0, 4.0]
            .iter()
            .map(|&v| vec![v; frames])
            .collect();
        let [l, _] = run(m, &inputs, &mut || 256);
        l[frames - 1]
    };
    // a (1) + b (2) + c (4) + aux return of a (1).
    assert!((level(&mut m) - 8.0).abs() < 1e-5);
    m.set_mute(Node::Track(1), true).unwrap();
    assert!((level(&mut m) - 6.0).abs() < 1e-5);
    m.set_solo(2, true).unwrap();
    assert!((level(&mut m) - 4.0).abs() < 1e-5, "solo c: only c");
    m.set_solo(0, true).unwrap();
    assert!(
        (level(&mut m) - 6.0).abs() < 1e-5,
        "solo a and c: a, its reverb send, c"
    );
    m.set_solo(1, true).unwrap();
    assert!((level(&mut m) - 6.0).abs() < 1e-5, "mute wins over solo");
    m.set_mute(Node::Bus(aux), true).unwrap();
    assert!((level(&mut m) - 5.0).abs() < 1e-5, "muted aux return");
    for t in 0..3 {
        m.set_solo(t, false).unwrap();
    }
    m.set_mute(Node::Track(1), false).unwrap();
    m.set_mute(Node::Bus(aux), false).unwrap();
    assert!((level(&mut m) - 8.0).abs() < 1e-5);
}

#[test]
fn mute_fades_instead_of_clicking() {
    let mut m = Mixer::new();
    m.add_track("t", 1).unwrap();
    m.prepare(FS, 64).unwrap();
    let frames = 4800;
    let x = mixmaster_tests::sine(100.0, 0.5, 0.0, FS, frames);
    let [a, _] = run(&mut m, std::slice::from_ref(&x), &mut || 64);
    m.set_mute(Node::Track(0), true).unwrap();
    let [b, _] = run(&mut m, &[x], &mut || 64);
    let largest_step = a
        .iter()
        .chain(&b)
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0f32, f32::max);
    // A 100 Hz sine at 0.5 × 0.707 moves at most 0.0047 per sample; a hard mute would step 0.35.
    assert!(largest_step < 0.01, "step {largest_step}");
    assert!(b[frames - 1].abs() < 1e-9);
}

#[test]
fn reverb_on_an_aux_send_is_heard_and_the_mix_is_finite_after_nan_input() {
    let mut m = Mixer::new();
    let t = m.add_track("vox", 1).unwrap();
    let verb = m.add_bus("verb");
    let mut r = Reverb::new();
    r.set_mix(1.0).unwrap();
    m.add_insert(Node::Bus(verb), Box::new(r)).unwrap();
    m.add_send(t, verb, -6.0, SendPoint::PostFader).unwrap();
    m.set_fader_db(Node::Track(t), -150.0).unwrap();
    m.prepare(FS, 128).unwrap();
    let mut x = click(48_000, 100, 1.0);
    x[50] = f32::NAN;
    x[60] = f32::INFINITY;
    let [l, r] = run(&mut m, &[x], &mut || 128);
    assert!(l.iter().chain(&r).all(|v| v.is_finite()));
    // Fader at −150 dB with a post-fader send: next to nothing reaches the reverb.
    assert!(l.iter().map(|v| v.abs()).fold(0.0f32, f32::max) < 1e-6);
    m.reset();
    m.set_fader_db(Node::Track(t), 0.0).unwrap();
    m.reset(); // settle the fader ramp
    let [l, _] = run(&mut m, &[click(48_000, 100, 1.0)], &mut || 128);
    let tail: f32 = l[24_000..].iter().map(|v| v * v).sum();
    assert!(tail > 1e-6, "the reverb tail is heard");
}

#[test]
fn bad_shapes_routes_and_indices_are_errors() {
    let mut m = Mixer::new();
    assert!(matches!(
        m.add_track("x", 3),
        Err(Error::UnsupportedChannels { .. })
    ));
    let t = m.add_track("t", 2).unwrap();
    let b0 = m.add_bus("b0");
    let b1 = m.add_bus("b1");
    assert!(matches!(
        m.set_output(Node::Bus(b1), Output::Bus(b0)),
        Err(Error::Routing { .. })
    ));
    assert!(matches!(
        m.set_output(Node::Bus(b0), Output::Bus(b0)),
        Err(Error::Routing { .. })
    ));
    assert!(m.set_output(Node::Bus(b0), Output::Bus(b1)).is_ok());
    let e = m.set_output(Node::Master, Output::Bus(b1)).unwrap_err();
    assert!(e.to_string().contains("master bus"), "{e}");
    assert!(matches!(
        m.add_send(t, 7, 0.0, SendPoint::PreFader),
        Err(Error::NoSuch { what: "bus", .. })
    ));
    assert!(matches!(
        m.set_fader_db(Node::Track(5), 0.0),
        Err(Error::NoSuch { what: "track", .. })
    ));
    assert!(matches!(
        m.set_pan(Node::Track(t), 1.5),
        Err(Error::Parameter { name: "pan", .. })
    ));
    let loud = Envelope::new(&[Breakpoint::new(0.0, 90.0)]).unwrap();
    assert!(matches!(
        m.automate(Node::Master, Target::Fader, loud),
        Err(Error::Parameter {
            name: "fader_db",
            ..
        })
    ));
    let e = Envelope::constant(1.0).unwrap();
    assert!(matches!(
        m.automate(
            Node::Track(t),
            Target::Insert {
                insert: 0,
                param: 0
            },
            e
        ),
        Err(Error::NoSuch { what: "insert", .. })
    ));
    let (mut l, mut r) = (vec![0.0f32; 10], vec![0.0f32; 10]);
    assert_eq!(m.process(&[], [&mut l, &mut r]), Err(Error::NotPrepared));
    m.prepare(FS, 64).unwrap();
    let mono = [0.0f32; 10];
    assert!(
        m.process(&[&[&mono]], [&mut l, &mut r]).is_err(),
        "mono input for a stereo track"
    );
    let short = [0.0f32; 9];
    assert!(
        m.process(&[&[&mono, &short]], [&mut l, &mut r]).is_err(),
        "channels of unequal length"
    );
    assert!(
        m.process(&[], [&mut l, &mut r]).is_err(),
        "missing track input"
    );
    assert!(m.process(&[&[&mono, &mono]], [&mut l, &mut r]).is_ok());
}

#[test]
fn tracks_side_by_side_in_lanes_give_the_same_mix_bit_for_bit() {
    use mixmaster::mix::{Detector, Equalizer, Gain};
    // Eleven mono and ten stereo tracks, interleaved, with an equalizer and a compressor first
    // (two banks of four of each width, and some left over), with different band counts, EQ
    // bands that move mid-render, compressor automation, sidechain high-passes, RMS detection,
    // an unlinked stereo compressor (its bank's compressors run one by one), and a third
    // insert on some.
    const TRACKS: usize = 21;
    let width = |t: usize| if t % 2 == 1 { 2 } else { 1 };
    let build = |lanes: bool| {
        let mut m = Mixer::new();
        m.set_lanes(lanes);
        for t in 0..TRACKS {
            let id = m.add_track(&format!("t{t}"), width(t)).unwrap();
            let mut bands = vec![Design::new(FilterKind::HighPass, 30.0 + 10.0 * t as f64)];
            for b in 0..(t % 4) {
                bands.push(Design {
                    kind: FilterKind::Peaking,
                    frequency_hz: 300.0 * (b + 1) as f64,
                    q: 1.0,
                    gain_db: 3.0 - t as f64,
                });
            }
            if t == 5 {
                bands.push(Design::new(FilterKind::ButterworthLowPass(6), 9000.0));
            }
            m.add_insert(
                Node::Track(id),
                Box::new(Equalizer::from_designs(&bands).unwrap()),
            )
            .unwrap();
            let mut c = Compressor::new();
            c.set_threshold_db(-30.0 + t as f64).unwrap();
            c.set_attack_ms(1.0 + t as f64).unwrap();
            if t == 2 || t == 9 {
                c.set_detector(Detector::Rms);
            }
            if t == 15 {
                c.set_linked(false);
            }
            if t == 6 || t == 5 {
                c.set_sidechain_hpf_hz(120.0).unwrap();
                c.set_release_ms(0.5 + 1.0).unwrap();
                c.set_attack_ms(300.0).unwrap(); // attack slower than release: the "min" lanes
            }
            if (8..=14).contains(&t) && t % 2 == 0 {
                // A whole bank (the second mono one) with attack slower than release.
                c.set_release_ms(2.0 + t as f64).unwrap();
                c.set_attack_ms(200.0).unwrap();
            }
            m.add_insert(Node::Track(id), Box::new(c)).unwrap();
            if t % 3 == 0 {
                m.add_insert(Node::Track(id), Box::new(Gain::with_db(-2.0).unwrap()))
                    .unwrap();
            }
            m.set_pan(Node::Track(id), (t as f64 - 10.0) / 11.0)
                .unwrap();
        }
        let env =
            Envelope::new(&[Breakpoint::new(0.0, -30.0), Breakpoint::new(0.2, -10.0)]).unwrap();
        m.automate(
            Node::Track(1),
            Target::Insert {
                insert: 1,
                param: 0,
            },
            env,
        )
        .unwrap();
        m.prepare(FS, 512).unwrap();
        m
    };
    let inputs: Vec<Vec<Vec<f32>>> = (0..TRACKS)
        .map(|t| {
            mixmaster_tests::programme(width(t), 24_000, FS)
                .into_iter()
                .enumerate()
                .map(|(c, ch)| {
                    ch.iter()
                        .map(|v| v * (0.5 + 0.05 * t as f32 - 0.1 * c as f32))
                        .collect()
                })
                .collect()
        })
        .collect();
    let render = |lanes: bool, seed: u64| {
        let mut m = build(lanes);
        let mut rng = Rng::new(seed);
        let frames = inputs[0][0].len();
        let (mut l, mut r) = (vec![0.0f32; frames], vec![0.0f32; frames]);
        let mut pos = 0;
        let mut k = 0;
        while pos < frames {
            let n = rng.range(1, 700).min(frames - pos);
            if k == 9 {
                // Bands move on banked tracks (one stereo, one mono): those chunks fall back
                // to one by one.
                for t in [3, 6] {
                    let eq = m.inserts_mut(Node::Track(t)).unwrap()[0]
                        .as_any_mut()
                        .unwrap();
                    let eq = eq.downcast_mut::<Equalizer>().unwrap();
                    eq.band_mut(1).unwrap().filter.set_gain_db(9.0).unwrap();
                }
            }
            let chans: Vec<Vec<&[f32]>> = inputs
                .iter()
                .map(|x| x.iter().map(|c| &c[pos..pos + n]).collect())
                .collect();
            let refs: Vec<&[&[f32]]> = chans.iter().map(|c| &c[..]).collect();
            m.process(&refs, [&mut l[pos..pos + n], &mut r[pos..pos + n]])
                .unwrap();
            pos += n;
            k += 1;
        }
        (l, r)
    };
    // The band change happens at the tenth block, so each block-size sequence is compared
    // with itself, lanes on and off.
    for seed in [1, 2, 3] {
        let alone = render(false, seed);
        assert!(
            render(true, seed) == alone,
            "lanes changed the mix (block sizes {seed})"
        );
        assert!(
            alone.0.iter().any(|v| v.abs() > 0.01),
            "the mix is not silent"
        );
    }
}

/// Runs `mixer` over tracks of one or two channels each, in blocks of `block`; returns (L, R).
fn run_tracks(mixer: &mut Mixer, inputs: &[Vec<Vec<f32>>], block: usize) -> [Vec<f32>; 2] {
    let frames = inputs[0][0].len();
    let (mut l, mut r) = (vec![0.0f32; frames], vec![0.0f32; frames]);
    let mut pos = 0;
    while pos < frames {
        let n = block.min(frames - pos);
        let chans: Vec<Vec<&[f32]>> = inputs
            .iter()
            .map(|x| x.iter().map(|c| &c[pos..pos + n]).collect())
            .collect();
        let refs: Vec<&[&[f32]]> = chans.iter().map(|c| &c[..]).collect();
        mixer
            .process(&refs, [&mut l[pos..pos + n], &mut r[pos..pos + n]])
            .unwrap();
        pos += n;
    }
    [l, r]
}

#[test]
fn the_master_fader_scales_both_channels_by_its_level() {
    // A stereo track of DC (1 left, 0.5 right) at the centre (balance 0 passes it unchanged),
    // master fader set before prepare (no ramp): out = in × 10^(dB/20) on each side.
    for db in [-6.0, 4.5, 0.0] {
        let mut m = Mixer::new();
        m.add_track("dc", 2).unwrap();
        m.set_fader_db(Node::Master, db).unwrap();
        m.prepare(FS, 128).unwrap();
        let frames = 1000;
        let [l, r] = run_tracks(&mut m, &[vec![vec![1.0; frames], vec![0.5; frames]]], 128);
        let g = 10f64.powf(db / 20.0) as f32;
        for k in [0, 500, frames - 1] {
            assert!((l[k] - g).abs() < 1e-6, "{db} dB: left {} want {g}", l[k]);
            assert!((r[k] - 0.5 * g).abs() < 1e-6, "{db} dB: right {}", r[k]);
        }
    }
    // Automated: the master follows its envelope on both channels, per sample.
    let mut m = Mixer::new();
    m.add_track("dc", 2).unwrap();
    let env = Envelope::new(&[Breakpoint::new(0.0, -12.0), Breakpoint::new(0.01, 6.0)]).unwrap();
    m.automate(Node::Master, Target::Fader, env).unwrap();
    m.prepare(FS, 100).unwrap();
    let frames = 960;
    let [l, r] = run_tracks(&mut m, &[vec![vec![1.0; frames], vec![0.5; frames]]], 100);
    for k in [0usize, 240, 480, 959] {
        // Linear in dB from −12 at frame 0 to +6 at frame 480.
        let db = -12.0 + 18.0 * (k.min(480) as f64 / 480.0);
        let g = 10f64.powf(db / 20.0) as f32;
        assert!(
            (l[k] - g).abs() < 1e-5 * g.max(1.0),
            "frame {k}: {} {g}",
            l[k]
        );
        assert!(
            (r[k] - 0.5 * g).abs() < 1e-5 * g.max(1.0),
            "frame {k}: {}",
            r[k]
        );
    }
}

#[test]
fn a_mute_fades_both_channels_alike() {
    // Stereo DC, 1 left and 0.5 right: while the mute fades, right stays half of left, both
    // fall monotonically, and both are silent once the 20 ms ramp is over.
    let mut m = Mixer::new();
    let t = m.add_track("dc", 2).unwrap();
    m.prepare(FS, 64).unwrap();
    let frames = 2400;
    let dc = vec![vec![vec![1.0f32; frames], vec![0.5; frames]]];
    let _ = run_tracks(&mut m, &dc, 64);
    m.set_mute(Node::Track(t), true).unwrap();
    let [l, r] = run_tracks(&mut m, &dc, 64);
    let ramp = (0.02 * FS) as usize;
    assert!(
        l[0] > 0.9 && l[ramp / 2] > 0.3 && l[ramp / 2] < 0.7,
        "{}",
        l[ramp / 2]
    );
    for k in 0..frames {
        assert!(
            (r[k] - 0.5 * l[k]).abs() < 1e-6,
            "frame {k}: L {} R {}",
            l[k],
            r[k]
        );
        if k > 0 {
            assert!(l[k] <= l[k - 1] && r[k] <= r[k - 1], "frame {k} rises");
        }
    }
    assert_eq!((l[ramp + 1], r[ramp + 1]), (0.0, 0.0));
    assert_eq!((l[frames - 1], r[frames - 1]), (0.0, 0.0));
}

#[test]
fn automating_a_second_insert_parameter_keeps_the_first() {
    let mut m = Mixer::new();
    let t = m.add_track("t", 1).unwrap();
    m.add_insert(Node::Track(t), Box::new(Compressor::new()))
        .unwrap();
    let insert = |param| Target::Insert { insert: 0, param };
    let constant = |v| Envelope::constant(v).unwrap();
    // Parameter 0 is the threshold, 1 the ratio (Compressor::PARAMS).
    m.automate(Node::Track(t), insert(0), constant(-40.0))
        .unwrap();
    m.automate(Node::Track(t), insert(1), constant(7.0))
        .unwrap();
    // Automating the same parameter again replaces its envelope.
    m.automate(Node::Track(t), insert(1), constant(9.0))
        .unwrap();
    m.prepare(FS, 256).unwrap();
    let _ = run(&mut m, &[vec![0.1; 1024]], &mut || 256);
    let c = &mut m.inserts_mut(Node::Track(t)).unwrap()[0];
    assert_eq!(c.param(0), Some(-40.0), "threshold automation was dropped");
    assert_eq!(c.param(1), Some(9.0), "ratio automation");
}

#[test]
fn post_fader_sends_follow_an_automated_fader_and_send_level() {
    // DC 1, panned hard left, on the master's left; its post-fader send feeds an aux balanced
    // hard right, so the master's right is the send alone: fader × send level, per sample.
    let fader_env = || Envelope::new(&[Breakpoint::new(0.0, -20.0), Breakpoint::new(0.01, 0.0)]);
    let send_env = || Envelope::new(&[Breakpoint::new(0.0, 0.0), Breakpoint::new(0.01, -30.0)]);
    let lin = |a: f64, b: f64, k: usize| a + (b - a) * (k.min(480) as f64 / 480.0);
    for (auto_fader, auto_send) in [(true, false), (false, true), (true, true)] {
        let mut m = Mixer::new();
        let t = m.add_track("dc", 1).unwrap();
        let aux = m.add_bus("aux");
        m.set_pan(Node::Track(t), -1.0).unwrap();
        m.set_pan(Node::Bus(aux), 1.0).unwrap();
        m.set_fader_db(Node::Track(t), -6.0).unwrap();
        let s = m.add_send(t, aux, -3.0, SendPoint::PostFader).unwrap();
        if auto_fader {
            m.automate(Node::Track(t), Target::Fader, fader_env().unwrap())
                .unwrap();
        }
        if auto_send {
            m.automate(Node::Track(t), Target::Send(s), send_env().unwrap())
                .unwrap();
        }
        m.prepare(FS, 128).unwrap();
        let [l, r] = run(&mut m, &[vec![1.0; 960]], &mut || 128);
        for k in [0usize, 100, 240, 479, 700] {
            let f = if auto_fader { lin(-20.0, 0.0, k) } else { -6.0 };
            let s = if auto_send { lin(0.0, -30.0, k) } else { -3.0 };
            let (f, s) = (db_to_gain(f) as f32, db_to_gain(s) as f32);
            let what = format!("fader automated {auto_fader}, send {auto_send}, frame {k}");
            assert!((l[k] - f).abs() < 1e-5, "{what}: L {} want {f}", l[k]);
            assert!(
                (r[k] - f * s).abs() < 1e-5,
                "{what}: R {} want {}",
                r[k],
                f * s
            );
        }
    }
}

/// A mix whose every alignment delay is non-zero: a plain track and a limited one into the
/// master and (by sends) an aux; the limited track reaches the master through a bus with a
/// second limiter. The limiters' ceilings are above the signals (they only delay).
fn delayed_paths_mix() -> Mixer {
    let mut m = Mixer::new();
    let plain = m.add_track("plain", 1).unwrap();
    let limited = m.add_track("limited", 1).unwrap();
    let aux = m.add_bus("aux");
    let lb = m.add_bus("limited bus");
    m.add_insert(
        Node::Track(limited),
        Box::new(Limiter::new(0.0, 3.0).unwrap()),
    )
    .unwrap();
    m.add_insert(Node::Bus(lb), Box::new(Limiter::new(0.0, 2.0).unwrap()))
        .unwrap();
    m.set_output(Node::Track(limited), Output::Bus(lb)).unwrap();
    for t in [plain, limited] {
        m.add_send(t, aux, -6.0, SendPoint::PostFader).unwrap();
        m.add_send(t, aux, -12.0, SendPoint::PreFader).unwrap();
    }
    m.prepare(FS, 256).unwrap();
    m
}

#[test]
fn reset_clears_the_latency_compensation_delays() {
    let frames = 3000;
    let loud = vec![
        mixmaster_tests::noise(1, 0.4, frames),
        mixmaster_tests::noise(2, 0.4, frames),
    ];
    let other = vec![
        mixmaster_tests::sine(330.0, 0.2, 0.0, FS, frames),
        mixmaster_tests::noise(3, 0.1, frames),
    ];
    let mut used = delayed_paths_mix();
    assert!(used.latency_frames() > 200);
    let _ = run(&mut used, &loud, &mut || 256);
    used.reset();
    assert_eq!(used.position_frames(), 0);
    let after_reset = run(&mut used, &other, &mut || 256);
    let fresh = run(&mut delayed_paths_mix(), &other, &mut || 256);
    assert!(fresh[0].iter().any(|v| v.abs() > 0.01));
    assert_eq!(
        after_reset, fresh,
        "old audio came out of a delay after reset"
    );
}

#[test]
fn tail_frames_covers_the_longest_tail_of_each_stage_and_the_latency() {
    use mixmaster::Processor;
    use mixmaster::mix::Delay;
    let delay = |ms: f64| {
        let mut d = Delay::new(1000.0).unwrap();
        d.set_time_ms(ms).unwrap();
        d.set_feedback(0.0).unwrap();
        d.set_mix(1.0).unwrap();
        d
    };
    let mut m = Mixer::new();
    let a = m.add_track("a", 1).unwrap();
    let b = m.add_track("b", 1).unwrap();
    let bus = m.add_bus("bus");
    m.add_insert(Node::Track(a), Box::new(delay(10.0))).unwrap();
    m.add_insert(Node::Track(b), Box::new(delay(25.0))).unwrap();
    m.add_insert(Node::Bus(bus), Box::new(delay(40.0))).unwrap();
    m.add_insert(Node::Master, Box::new(Limiter::new(0.0, 4.0).unwrap()))
        .unwrap();
    m.set_output(Node::Track(b), Output::Bus(bus)).unwrap();
    m.set_pan_law(Node::Track(b), PanLaw::Linear).unwrap();
    m.prepare(FS, 256).unwrap();
    // Each part's own tail, from the processors themselves.
    let tail = |mut p: Box<dyn Processor>| {
        p.prepare(mixmaster::ProcessSpec::new(FS, 256, 1)).unwrap();
        p.tail_frames()
    };
    let (ta, tb, tbus) = (
        tail(Box::new(delay(10.0))),
        tail(Box::new(delay(25.0))),
        tail(Box::new(delay(40.0))),
    );
    let tm = tail(Box::new(Limiter::new(0.0, 4.0).unwrap()));
    assert!(ta < tb && tb > 0 && tbus > 0 && tm > 0);
    let lat = m.latency_frames();
    assert_eq!(lat, tm, "the master limiter's latency");
    assert_eq!(m.tail_frames(), tb + tbus + tm + lat);
    // What it promises: a click on track b is delayed 25 + 40 ms by the delays and by the
    // limiter's latency, and all of it is within the tail.
    let frames = m.tail_frames() + 1;
    let [l, _] = run(
        &mut m,
        &[vec![0.0; frames], click(frames, 0, 0.5)],
        &mut || 256,
    );
    let last = l.iter().rposition(|v| v.abs() > 1e-6).unwrap();
    assert_eq!(last, (0.065 * FS) as usize + lat);
    assert!(last < m.tail_frames());
}

#[test]
fn fader_pan_and_send_changes_while_running_ramp_to_their_new_values() {
    // Set after prepare, between blocks: each moves linearly over the 20 ms gain ramp
    // (smooth::DEFAULT_GAIN_RAMP_S) and then stays at its new value.
    let mut m = Mixer::new();
    let t = m.add_track("dc", 1).unwrap();
    let aux = m.add_bus("aux");
    m.set_pan_law(Node::Track(t), PanLaw::Linear).unwrap();
    m.set_pan(Node::Track(t), -1.0).unwrap();
    m.set_pan(Node::Bus(aux), 1.0).unwrap();
    let s = m.add_send(t, aux, -150.0, SendPoint::PreFader).unwrap();
    m.prepare(FS, 64).unwrap();
    let dc = || vec![vec![1.0f32; 2400]];
    let [l, r] = run(&mut m, &dc(), &mut || 64);
    assert!(l[2399] == 1.0 && r[2399] < 1e-7, "{} {}", l[2399], r[2399]);
    m.set_fader_db(Node::Track(t), -6.0).unwrap();
    m.set_send_db(t, s, -12.0).unwrap();
    let [l, r] = run(&mut m, &dc(), &mut || 64);
    let (f, g) = (db_to_gain(-6.0) as f32, db_to_gain(-12.0) as f32);
    let ramp = (0.02 * FS) as usize;
    assert!(
        l[ramp / 2] < 0.95 && l[ramp / 2] > f + 0.05,
        "fader mid-ramp {}",
        l[ramp / 2]
    );
    assert!(
        r[ramp / 2] > 0.0 && r[ramp / 2] < g,
        "send mid-ramp {}",
        r[ramp / 2]
    );
    for k in [ramp + 1, 2399] {
        assert!((l[k] - f).abs() < 1e-6, "fader {k}: {}", l[k]);
        assert!((r[k] - g).abs() < 1e-6, "send {k}: {}", r[k]);
    }
    // The pan, from hard left to the centre (linear law: 0.5 each side).
    m.set_send_db(t, s, -150.0).unwrap();
    m.set_fader_db(Node::Track(t), 0.0).unwrap();
    let _ = run(&mut m, &dc(), &mut || 64);
    m.set_pan(Node::Track(t), 0.0).unwrap();
    let [l, r] = run(&mut m, &dc(), &mut || 64);
    assert!(l[ramp / 2] > 0.6 && r[ramp / 2] > 0.1 && r[ramp / 2] < 0.4);
    assert!((l[2399] - 0.5).abs() < 1e-6 && (r[2399] - 0.5).abs() < 1e-6);
}

#[test]
fn accessors_report_what_was_built() {
    let mut m = Mixer::new();
    assert_eq!((m.track_count(), m.bus_count()), (0, 0));
    let a = m.add_track("mono", 1).unwrap();
    let b = m.add_track("stereo", 2).unwrap();
    let verb = m.add_bus("verb");
    let group = m.add_bus("group");
    assert_eq!((a, b, verb, group), (0, 1, 0, 1));
    assert_eq!((m.track_count(), m.bus_count()), (2, 2));
    assert_eq!(m.track_channels(a).unwrap(), 1);
    assert_eq!(m.track_channels(b).unwrap(), 2);
    assert!(m.track_channels(2).is_err());
    assert_eq!(m.name(Node::Track(b)).unwrap(), "stereo");
    assert_eq!(m.name(Node::Bus(group)).unwrap(), "group");
    assert!(m.name(Node::Bus(2)).is_err());
    assert_eq!(m.bus_index("group"), Some(group));
    assert_eq!(m.bus_index("verb"), Some(verb));
    assert_eq!(m.bus_index("nope"), None);
    m.prepare(FS, 64).unwrap();
    let x = vec![0.0f32; 100];
    m.process(
        &[&[&x], &[&x, &x]],
        [&mut vec![0.0; 100], &mut vec![0.0; 100]],
    )
    .unwrap();
    assert_eq!(m.position_frames(), 100);
    m.reset();
    assert_eq!(m.position_frames(), 0);
}

#[test]
fn insert_automation_on_every_strip_keeps_to_its_grid() {
    // Every strip (the track and the master) has insert automation: the mix still updates the
    // parameters on the 64-frame grid from the start, whatever the block sizes.
    use mixmaster::mix::Gain;
    let build = || {
        let mut m = Mixer::new();
        let t = m.add_track("t", 1).unwrap();
        let mut c = Compressor::new();
        c.set_threshold_db(-30.0).unwrap();
        assert_eq!(m.add_insert(Node::Track(t), Box::new(c)).unwrap(), 0);
        assert_eq!(
            m.add_insert(Node::Track(t), Box::new(Gain::new())).unwrap(),
            1
        );
        m.add_insert(Node::Master, Box::new(Gain::new())).unwrap();
        let ramp = |a, b| Envelope::new(&[Breakpoint::new(0.0, a), Breakpoint::new(0.2, b)]);
        let insert = |insert| Target::Insert { insert, param: 0 };
        m.automate(Node::Track(t), insert(0), ramp(-30.0, -5.0).unwrap())
            .unwrap();
        m.automate(Node::Master, insert(0), ramp(0.0, -12.0).unwrap())
            .unwrap();
        m.prepare(FS, 1024).unwrap();
        m
    };
    let x = mixmaster_tests::programme(1, 12_000, FS);
    let a = run(&mut build(), &x, &mut || 1024);
    let mut rng = Rng::new(5);
    let b = run(&mut build(), &x, &mut || rng.range(1, 1024));
    assert_eq!(a, b);
}
