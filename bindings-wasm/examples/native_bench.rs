//! Native timing of the master chain that `bench/bench.mjs` times in wasm: the same signal (60 s
//! of stereo at 48 kHz), the same chain (a three-band EQ, a compressor, a true-peak limiter),
//! processed in place in blocks of 128 frames (render quanta) and of 4096 frames. Prints the
//! best of several runs as nanoseconds per frame, in CPU time (user + system, from
//! /proc/self/stat, so that other work on a shared machine counts less; wall time where /proc
//! is missing), as bench.mjs measures the wasm build.
//!
//! ```text
//! cargo run --release -p mixmaster-wasm --example native_bench
//! ```

use std::time::Instant;

use mixmaster::registry;
use mixmaster::settings::Settings;
use mixmaster::{Chain, ProcessSpec, Processor};

const RATE: f64 = 48_000.0;
const SECONDS: usize = 60;
const RUNS: usize = 7;

/// The bench signal: tones, a slow envelope and noise (an LCG), the same formula as bench.mjs.
fn signal() -> [Vec<f32>; 2] {
    let n = RATE as usize * SECONDS;
    let mut seed: u32 = 2024;
    let mut rnd = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        f64::from(seed) / 4_294_967_296.0 * 2.0 - 1.0
    };
    let mut l = vec![0.0f32; n];
    let mut r = vec![0.0f32; n];
    for i in 0..n {
        let t = i as f64 / RATE;
        let env = 0.6 + 0.4 * (2.0 * std::f64::consts::PI * 0.5 * t).sin();
        let noise = 0.15 * rnd();
        l[i] = (env * 0.7 * (2.0 * std::f64::consts::PI * 110.0 * t).sin()
            + 0.2 * (2.0 * std::f64::consts::PI * 2500.0 * t).sin()
            + noise) as f32;
        r[i] = (env * 0.7 * (2.0 * std::f64::consts::PI * 165.0 * t).sin()
            + 0.2 * (2.0 * std::f64::consts::PI * 3700.0 * t).sin()
            + noise) as f32;
    }
    [l, r]
}

fn band(kind: &str, hz: f64, q: f64, gain: f64) -> Settings {
    Settings::new()
        .with("kind", kind)
        .with("frequency_hz", hz)
        .with("q", q)
        .with("gain_db", gain)
}

/// The master chain of bench.mjs (`only`: None), or one of its stages (0, 1, 2).
fn chain_of(block: usize, only: Option<usize>) -> Chain {
    let eq = Settings::new().with(
        "bands",
        vec![
            band("low_shelf", 120.0, 0.75, 2.0),
            band("peaking", 2500.0, 1.4, -2.0),
            band("high_shelf", 9000.0, 0.75, 1.5),
        ],
    );
    let comp = Settings::new()
        .with("threshold_db", -20.0)
        .with("ratio", 3.0)
        .with("attack_ms", 10.0)
        .with("release_ms", 120.0);
    let lim = Settings::new().with("ceiling_dbtp", -1.0);
    let mut c = Chain::new();
    for (i, (kind, s)) in [("equalizer", eq), ("compressor", comp), ("limiter", lim)]
        .into_iter()
        .enumerate()
    {
        if only.is_none_or(|o| o == i) {
            c.push(registry::build(kind, &s).expect("valid settings"));
        }
    }
    c.prepare(ProcessSpec::new(RATE, block, 2))
        .expect("valid spec");
    c
}

/// CPU seconds of this process so far (user + system), or wall seconds without /proc.
fn cpu_seconds(start: Instant) -> f64 {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the command.
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        });
    match ticks {
        // Linux reports these in USER_HZ = 100 ticks per second.
        Some(t) => t as f64 / 100.0,
        None => start.elapsed().as_secs_f64(),
    }
}

/// Passes over the signal per timed run: enough CPU time for the 10 ms clock of /proc.
const PASSES: usize = 10;

/// Best CPU time per frame of processing `input` with the chain, in blocks of `block` frames.
/// Each run makes [`PASSES`] passes, each on a fresh copy of the input; the time of the copies
/// alone is measured the same way and taken off.
fn time_of(input: &[Vec<f32>; 2], block: usize, only: Option<usize>) -> f64 {
    let frames = input[0].len();
    let [mut l, mut r] = input.clone();
    let mut best = f64::INFINITY;
    let mut copies = f64::INFINITY;
    for _ in 0..RUNS {
        let epoch = Instant::now();
        let t0 = cpu_seconds(epoch);
        for _ in 0..PASSES {
            l.copy_from_slice(&input[0]);
            r.copy_from_slice(&input[1]);
            std::hint::black_box((&mut l, &mut r));
        }
        copies = copies.min(cpu_seconds(epoch) - t0);
        let mut c = chain_of(block, only);
        let t0 = cpu_seconds(epoch);
        for _ in 0..PASSES {
            l.copy_from_slice(&input[0]);
            r.copy_from_slice(&input[1]);
            c.reset();
            let mut pos = 0;
            while pos < frames {
                let n = block.min(frames - pos);
                let mut parts = [&mut l[pos..pos + n], &mut r[pos..pos + n]];
                c.process(&mut parts);
                pos += n;
            }
            std::hint::black_box((&l, &r));
        }
        best = best.min(cpu_seconds(epoch) - t0);
    }
    (best - copies).max(0.0) / (frames * PASSES) as f64 * 1e9
}

fn time(input: &[Vec<f32>; 2], block: usize) -> f64 {
    time_of(input, block, None)
}

fn main() {
    let input = signal();
    println!(
        "native master chain (EQ 3 bands, compressor, true-peak limiter), {SECONDS} s stereo at 48 kHz, best of {RUNS}; AVX2+FMA kernels: {}",
        mixmaster::cpu::has_avx2_fma()
    );
    for block in [128, 4096] {
        let ns = time(&input, block);
        println!(
            "native block {block:>4}: {ns:8.1} ns/frame ({:6.1}x real time)",
            1e9 / RATE / ns
        );
    }
    for (i, name) in ["equalizer", "compressor", "limiter"].iter().enumerate() {
        let ns = time_of(&input, 4096, Some(i));
        println!("native stage {name:>10}, block 4096: {ns:8.1} ns/frame");
    }
}
