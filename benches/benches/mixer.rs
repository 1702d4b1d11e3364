//! Throughput of the mixer on the render benchmark's session shape, without file I/O: 16 tracks
//! (12 mono, 4 stereo), each a 3-band EQ, a compressor and two sends (a reverb bus and a delay
//! bus), and a master compressor, EQ and true-peak limiter; 48 kHz, 1024-frame blocks, one
//! core. Throughput is in mix frames: divided by 48,000 it is the real-time factor. Lanes on and
//! off (`Mixer::set_lanes`), which give the same output bit for bit.
//! Run: `cargo bench -p mixmaster-benches --bench mixer`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mixmaster::master::Limiter;
use mixmaster::mix::biquad::Design;
use mixmaster::mix::{Compressor, Delay, Equalizer, FilterKind, Mixer, Node, Reverb, SendPoint};
use mixmaster_benches::{SAMPLE_RATE, stereo_signal};
use std::hint::black_box;

const FRAMES: usize = 48_000;
const BLOCK: usize = 1024;

fn session(lanes: bool) -> Mixer {
    let mut m = Mixer::new();
    m.set_lanes(lanes);
    let reverb = m.add_bus("reverb");
    let delay = m.add_bus("delay");
    let mut r = Reverb::new();
    r.set_mix(1.0).unwrap();
    m.add_insert(Node::Bus(reverb), Box::new(r)).unwrap();
    let mut d = Delay::new(1000.0).unwrap();
    d.set_time_ms(375.0).unwrap();
    d.set_feedback(0.35).unwrap();
    d.set_mix(1.0).unwrap();
    m.add_insert(Node::Bus(delay), Box::new(d)).unwrap();
    for t in 0..16 {
        let id = m
            .add_track(&format!("t{t}"), if t < 12 { 1 } else { 2 })
            .unwrap();
        let eq = Equalizer::from_designs(&[
            Design::new(FilterKind::HighPass, 40.0),
            Design {
                kind: FilterKind::Peaking,
                frequency_hz: 800.0,
                q: 1.0,
                gain_db: -2.0,
            },
            Design {
                kind: FilterKind::HighShelf,
                frequency_hz: 8000.0,
                q: std::f64::consts::FRAC_1_SQRT_2,
                gain_db: 1.5,
            },
        ])
        .unwrap();
        m.add_insert(Node::Track(id), Box::new(eq)).unwrap();
        let mut c = Compressor::new();
        c.set_threshold_db(-24.0).unwrap();
        c.set_ratio(3.0).unwrap();
        c.set_release_ms(120.0).unwrap();
        m.add_insert(Node::Track(id), Box::new(c)).unwrap();
        m.set_fader_db(Node::Track(id), -12.0).unwrap();
        m.set_pan(Node::Track(id), (t as f64 - 7.5) / 12.5).unwrap();
        m.add_send(id, reverb, -15.0, SendPoint::PostFader).unwrap();
        m.add_send(id, delay, -20.0, SendPoint::PostFader).unwrap();
    }
    let mut c = Compressor::new();
    c.set_threshold_db(-12.0).unwrap();
    c.set_ratio(2.0).unwrap();
    m.add_insert(Node::Master, Box::new(c)).unwrap();
    let eq = Equalizer::from_designs(&[Design {
        kind: FilterKind::LowShelf,
        frequency_hz: 90.0,
        q: std::f64::consts::FRAC_1_SQRT_2,
        gain_db: 1.0,
    }])
    .unwrap();
    m.add_insert(Node::Master, Box::new(eq)).unwrap();
    m.add_insert(Node::Master, Box::new(Limiter::new(-1.0, 5.0).unwrap()))
        .unwrap();
    m.prepare(SAMPLE_RATE, BLOCK).unwrap();
    m
}

fn mixer(c: &mut Criterion) {
    let [l, r] = stereo_signal(FRAMES);
    let mut g = c.benchmark_group("mixer");
    g.throughput(Throughput::Elements(FRAMES as u64));
    for lanes in [true, false] {
        let mut m = session(lanes);
        let (mut out_l, mut out_r) = (vec![0.0f32; FRAMES], vec![0.0f32; FRAMES]);
        let name = if lanes {
            "session16_lanes"
        } else {
            "session16_one_by_one"
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                for pos in (0..FRAMES).step_by(BLOCK) {
                    let n = BLOCK.min(FRAMES - pos);
                    let mono = [&l[pos..pos + n]];
                    let stereo = [&l[pos..pos + n], &r[pos..pos + n]];
                    let inputs: [&[&[f32]]; 16] =
                        std::array::from_fn(|t| if t < 12 { &mono[..] } else { &stereo[..] });
                    m.process(
                        &inputs,
                        [&mut out_l[pos..pos + n], &mut out_r[pos..pos + n]],
                    )
                    .unwrap();
                }
                black_box(&out_l);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, mixer);
criterion_main!(benches);
