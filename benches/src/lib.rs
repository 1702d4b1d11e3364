//! Helpers shared by the criterion benches: a stereo test signal and a block-by-block runner.

use mixmaster::{ProcessSpec, Processor};

/// Frames per block in the benches.
pub const BLOCK: usize = 512;
/// Sample rate of the benches.
pub const SAMPLE_RATE: f64 = 48_000.0;

/// One second of stereo programme-like signal (tones plus noise).
pub fn stereo_signal(frames: usize) -> [Vec<f32>; 2] {
    let mut seed = 0x1234_5678_u32;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed as f32 / u32::MAX as f32) * 2.0 - 1.0
    };
    let mut l = Vec::with_capacity(frames);
    let mut r = Vec::with_capacity(frames);
    for n in 0..frames {
        let t = n as f32 / SAMPLE_RATE as f32;
        l.push(0.4 * (2.0 * std::f32::consts::PI * 220.0 * t).sin() + 0.2 * noise());
        r.push(0.4 * (2.0 * std::f32::consts::PI * 330.0 * t).sin() + 0.2 * noise());
    }
    [l, r]
}

/// Prepares `p` for stereo at the bench rate and block size.
pub fn prepare(p: &mut dyn Processor, channels: usize) {
    p.prepare(ProcessSpec::new(SAMPLE_RATE, BLOCK, channels))
        .expect("prepare");
}

/// Runs `p` over `buf` block by block, in place.
pub fn run_blocks(p: &mut dyn Processor, buf: &mut [Vec<f32>; 2]) {
    let [l, r] = buf;
    for (a, b) in l.chunks_mut(BLOCK).zip(r.chunks_mut(BLOCK)) {
        p.process_block(&mut [a, b]);
    }
}
