//! The convolution reverb with a 2 s stereo response (and a 5 s one), stereo 48 kHz,
//! 512-frame blocks, one core: throughput in channel-samples; real time is 96 k/s, so
//! "× real time" is the figure divided by 96,000.
//! Run: `cargo bench -p mixmaster-benches --bench convolution`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mixmaster::mix::ConvolutionReverb;
use mixmaster_benches::{SAMPLE_RATE, prepare, run_blocks, stereo_signal};
use std::hint::black_box;
use std::time::Duration;

/// Ten seconds, so that the largest FFT tier (every 16,384 frames) runs its share.
const FRAMES: usize = 480_000;

/// A stereo room: decaying noise, RT60 a little under the length.
fn response(seconds: f64) -> Vec<Vec<f32>> {
    let n = (seconds * SAMPLE_RATE) as usize;
    let [l, r] = stereo_signal(n);
    [l, r]
        .into_iter()
        .map(|c| {
            c.iter()
                .enumerate()
                .map(|(i, v)| v * 10f32.powf(-3.0 * i as f32 / n as f32) * 0.1)
                .collect()
        })
        .collect()
}

fn convolution(c: &mut Criterion) {
    let input = stereo_signal(FRAMES);
    let mut g = c.benchmark_group("convolution");
    g.throughput(Throughput::Elements((FRAMES * 2) as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    for seconds in [2.0, 5.0] {
        let ir = response(seconds);
        let refs: Vec<&[f32]> = ir.iter().map(|c| c.as_slice()).collect();
        let mut p = ConvolutionReverb::with_impulse_response(&refs, SAMPLE_RATE).unwrap();
        p.set_mix(1.0).unwrap();
        prepare(&mut p, 2);
        let mut buf = input.clone();
        g.bench_function(format!("convolution_reverb_{seconds}s_stereo_ir"), |b| {
            b.iter(|| {
                buf[0].copy_from_slice(&input[0]);
                buf[1].copy_from_slice(&input[1]);
                run_blocks(&mut p, &mut buf);
                black_box(&buf);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, convolution);
criterion_main!(benches);
