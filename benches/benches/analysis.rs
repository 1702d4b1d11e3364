//! Mix analysis (`mixmaster analyze`'s core: loudness, true peak, PSR, DR, L/R/M/S spectra,
//! correlation, faults, resonances) of 3 minutes of stereo 48 kHz in 16384-frame blocks, with
//! the `ebur128` crate metering the same signal (integrated, LRA, true peak: a part of what the
//! analysis does) in the same run. Throughput in frames: divide by 48,000 for the real-time
//! factor (issue 14 asks for at least 200x).
//! Run: `cargo bench -p mixmaster-benches --bench analysis`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ebur128::{EbuR128, Mode};
use mixmaster::analysis::{AnalysisOptions, Analyzer};
use mixmaster_benches::stereo_signal;
use std::hint::black_box;
use std::time::Duration;

const SECONDS: usize = 180;
const BLOCK: usize = 16_384;

fn analysis(c: &mut Criterion) {
    let frames = 48_000 * SECONDS;
    let [l, r] = stereo_signal(frames);
    let mut g = c.benchmark_group("analysis_3min_stereo_48k");
    g.throughput(Throughput::Elements(frames as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(15));
    g.bench_function("mixmaster_analyze", |b| {
        b.iter(|| {
            let mut a = Analyzer::new(48_000.0, 2, AnalysisOptions::default()).unwrap();
            for (x, y) in l.chunks(BLOCK).zip(r.chunks(BLOCK)) {
                a.add_planar(&[x, y]).unwrap();
            }
            black_box(a.report())
        })
    });
    g.bench_function("ebur128_meter_i_lra_true_peak", |b| {
        b.iter(|| {
            let mut m = EbuR128::new(2, 48_000, Mode::I | Mode::LRA | Mode::TRUE_PEAK).unwrap();
            for (x, y) in l.chunks(BLOCK).zip(r.chunks(BLOCK)) {
                m.add_frames_planar_f32(&[x, y]).unwrap();
            }
            black_box((m.loudness_global().unwrap(), m.loudness_range().unwrap()))
        })
    });
    g.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
