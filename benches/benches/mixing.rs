//! Throughput of the mixing primitives: stereo, 48 kHz, 512-frame blocks, one core.
//! Throughput is in channel-samples (frames × 2). Run: `cargo bench -p mixmaster-benches --bench mixing`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mixmaster::Processor;
use mixmaster::mix::{Compressor, Delay, Filter, FilterKind, Gain, Reverb};
use mixmaster_benches::{prepare, run_blocks, stereo_signal};
use std::hint::black_box;

const FRAMES: usize = 48_000;

fn bench(c: &mut Criterion, name: &str, mut p: Box<dyn Processor>) {
    prepare(p.as_mut(), 2);
    let input = stereo_signal(FRAMES);
    let mut buf = input.clone();
    let mut g = c.benchmark_group("mixing");
    g.throughput(Throughput::Elements((FRAMES * 2) as u64));
    g.bench_function(name, |b| {
        b.iter(|| {
            buf[0].copy_from_slice(&input[0]);
            buf[1].copy_from_slice(&input[1]);
            run_blocks(p.as_mut(), &mut buf);
            black_box(&buf);
        })
    });
    g.finish();
}

/// Like [`bench`], on one channel (throughput in samples).
fn bench_mono(c: &mut Criterion, name: &str, mut p: Box<dyn Processor>) {
    prepare(p.as_mut(), 1);
    let [input, _] = stereo_signal(FRAMES);
    let mut buf = input.clone();
    let mut g = c.benchmark_group("mixing");
    g.throughput(Throughput::Elements(FRAMES as u64));
    g.bench_function(name, |b| {
        b.iter(|| {
            buf.copy_from_slice(&input);
            for block in buf.chunks_mut(mixmaster_benches::BLOCK) {
                p.process_block(&mut [block]);
            }
            black_box(&buf);
        })
    });
    g.finish();
}

fn mixing(c: &mut Criterion) {
    bench(c, "gain", Box::new(Gain::with_db(-3.0).unwrap()));
    bench(
        c,
        "biquad_peaking",
        Box::new(
            Filter::new(FilterKind::Peaking, 1000.0)
                .unwrap()
                .with_gain_db(6.0)
                .unwrap(),
        ),
    );
    let mut comp = Compressor::new();
    comp.set_threshold_db(-24.0).unwrap();
    bench(c, "compressor", Box::new(comp));
    let mut d = Delay::new(1000.0).unwrap();
    d.set_time_ms(123.4).unwrap();
    d.set_feedback(0.5).unwrap();
    bench(c, "delay", Box::new(d));
    bench(c, "reverb", Box::new(Reverb::new()));
    // Saturation at the default 4x oversampling, driven 18 dB, both curves.
    for (name, curve) in [
        ("saturation", mixmaster::master::Curve::Symmetric),
        (
            "saturation_asymmetric",
            mixmaster::master::Curve::Asymmetric,
        ),
    ] {
        let mut s = mixmaster::master::Saturation::new(curve, 4).unwrap();
        s.set_drive_db(18.0).unwrap();
        bench(c, name, Box::new(s));
    }
    // The limiter on signal driven 12 dB over its ceiling (always limiting).
    bench(
        c,
        "true_peak_limiter",
        Box::new(mixmaster::master::Limiter::new(-13.0, 5.0).unwrap()),
    );
    // Linear-phase EQ, 4097 taps (scipy's oaconvolve does about 78 M/s on this).
    let mut lp = mixmaster::master::LinearPhaseEq::new(&[
        mixmaster::mix::biquad::Design {
            kind: FilterKind::LowShelf,
            frequency_hz: 100.0,
            q: 0.7,
            gain_db: 3.0,
        },
        mixmaster::mix::biquad::Design {
            kind: FilterKind::Peaking,
            frequency_hz: 3000.0,
            q: 1.0,
            gain_db: -4.0,
        },
    ])
    .unwrap();
    lp.set_taps(4097).unwrap();
    bench(c, "linear_phase_eq_4097", Box::new(lp));
    // Mono, as most tracks of a mix are: a 3-band channel EQ and a compressor.
    let mono_eq = mixmaster::mix::Equalizer::from_designs(&[
        mixmaster::mix::biquad::Design::new(FilterKind::HighPass, 40.0),
        mixmaster::mix::biquad::Design {
            kind: FilterKind::Peaking,
            frequency_hz: 800.0,
            q: 1.0,
            gain_db: -2.0,
        },
        mixmaster::mix::biquad::Design {
            kind: FilterKind::HighShelf,
            frequency_hz: 8000.0,
            q: std::f64::consts::FRAC_1_SQRT_2,
            gain_db: 1.5,
        },
    ])
    .unwrap();
    bench_mono(c, "eq3_mono", Box::new(mono_eq));
    let mut comp = Compressor::new();
    comp.set_threshold_db(-24.0).unwrap();
    bench_mono(c, "compressor_mono", Box::new(comp));
    // Issue 15's dynamics: a gate (open on this programme, as on most of a take), a de-esser
    // (split band, reducing), a dynamic EQ with four dynamic bands, a 4-band multiband
    // compressor (Linkwitz-Riley, every band compressing).
    let mut gate = mixmaster::mix::Gate::new();
    gate.set_threshold_db(-30.0).unwrap();
    bench(c, "gate", Box::new(gate));
    let mut ds = mixmaster::mix::DeEsser::new();
    ds.set_threshold_db(-40.0).unwrap();
    bench(c, "deesser", Box::new(ds));
    let mut deq = mixmaster::mix::DynamicEq::new();
    for (kind, f, range) in [
        (FilterKind::LowShelf, 100.0, -4.0),
        (FilterKind::Peaking, 300.0, -6.0),
        (FilterKind::Peaking, 2500.0, 4.0),
        (FilterKind::HighShelf, 8000.0, -6.0),
    ] {
        deq.add_band(
            mixmaster::mix::biquad::Design {
                kind,
                frequency_hz: f,
                q: 1.0,
                gain_db: 0.0,
            },
            mixmaster::mix::Dynamics {
                threshold_db: -40.0,
                ratio: 3.0,
                range_db: range,
                ..mixmaster::mix::Dynamics::default()
            },
        )
        .unwrap();
    }
    bench(c, "dynamic_eq_4", Box::new(deq));
    let mut mb = mixmaster::master::MultibandCompressor::new(
        4,
        mixmaster::master::CrossoverMode::LinkwitzRiley,
    )
    .unwrap();
    for b in 1..=4 {
        mb.set_param_by_name(&format!("band{b}_threshold_db"), -30.0)
            .unwrap();
    }
    bench(c, "multiband_4_lr", Box::new(mb));
    // Copy-only baseline, to read the others against.
    let input = stereo_signal(FRAMES);
    let mut buf = input.clone();
    let mut g = c.benchmark_group("mixing");
    g.throughput(Throughput::Elements((FRAMES * 2) as u64));
    g.bench_function("copy_baseline", |b| {
        b.iter(|| {
            buf[0].copy_from_slice(&input[0]);
            buf[1].copy_from_slice(&input[1]);
            black_box(&buf);
        })
    });
    g.finish();
}

criterion_group!(benches, mixing);
criterion_main!(benches);
