//! Loudness metering of 10 minutes of stereo 48 kHz, against the `ebur128` crate (a Rust port
//! of libebur128) on the same signal in the same run. Throughput in channel-samples.
//! Run: `cargo bench -p mixmaster-benches --bench loudness`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ebur128::{EbuR128, Mode};
use mixmaster::master::TruePeakMode;
use mixmaster::master::loudness::{ChannelLayout, LoudnessMeter, MeterOptions, analyze_with};
use mixmaster_benches::stereo_signal;
use std::hint::black_box;
use std::time::Duration;

const SECONDS: usize = 600;
const BLOCK: usize = 4800;

fn loudness(c: &mut Criterion) {
    let frames = 48_000 * SECONDS;
    let [l, r] = stereo_signal(frames);
    let mut g = c.benchmark_group("loudness_10min_stereo_48k");
    g.throughput(Throughput::Elements((frames * 2) as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));

    let ours = |opts: MeterOptions| {
        let mut m = LoudnessMeter::with_options(48_000.0, ChannelLayout::Stereo, opts).unwrap();
        for (a, b) in l.chunks(BLOCK).zip(r.chunks(BLOCK)) {
            m.add_planar(&[a, b]);
        }
        black_box((
            m.integrated_lufs(),
            m.loudness_range_lu(),
            m.max_momentary_lufs(),
            m.max_short_term_lufs(),
            m.true_peak_dbtp(),
        ))
    };
    let theirs = |mode: Mode| {
        let mut m = EbuR128::new(2, 48_000, mode).unwrap();
        for (a, b) in l.chunks(BLOCK).zip(r.chunks(BLOCK)) {
            m.add_frames_planar_f32(&[a, b]).unwrap();
        }
        black_box(m.loudness_global().unwrap())
    };
    g.bench_function("mixmaster_integrated", |b| {
        b.iter(|| ours(MeterOptions::LOUDNESS_ONLY))
    });
    g.bench_function("ebur128_integrated", |b| b.iter(|| theirs(Mode::I)));
    // A whole programme in one call (`analyze_with`, what `measure` in the bindings runs): the
    // K-weighting filters stretches of each channel side by side.
    let whole = |opts: MeterOptions| {
        let r = analyze_with(48_000.0, ChannelLayout::Stereo, &[&l, &r], 0.1, opts).unwrap();
        black_box((r.integrated_lufs, r.loudness_range_lu, r.true_peak_dbtp))
    };
    g.bench_function("mixmaster_analyze_integrated_lra", |b| {
        b.iter(|| {
            whole(MeterOptions {
                loudness_range: true,
                ..MeterOptions::LOUDNESS_ONLY
            })
        })
    });
    g.bench_function("mixmaster_analyze_full", |b| {
        b.iter(|| whole(MeterOptions::default()))
    });
    g.bench_function("mixmaster_full", |b| {
        b.iter(|| ours(MeterOptions::default()))
    });
    // The precise true peak (16x reconstruction) instead of BS.1770's 4x.
    g.bench_function("mixmaster_full_precise_true_peak", |b| {
        b.iter(|| {
            ours(MeterOptions {
                true_peak_mode: TruePeakMode::Precise,
                ..MeterOptions::default()
            })
        })
    });
    g.bench_function("ebur128_full", |b| {
        b.iter(|| {
            theirs(Mode::I | Mode::LRA | Mode::M | Mode::S | Mode::TRUE_PEAK | Mode::SAMPLE_PEAK)
        })
    });
    g.finish();
}

criterion_group!(benches, loudness);
criterion_main!(benches);
