//! The processing engine between numpy arrays and processors: reads the input array in chunks
//! straight from numpy's buffer, runs them through one or more processors in a small scratch
//! that stays in cache, and writes the result straight into the output array. One pass over
//! the input and one over the output, whatever the dtype; the GIL is released meanwhile.
//!
//! Chunks may be of any size: the core's processors give the same output for any block size.
//! Latency compensation drops the first `skip` frames of output and feeds silence after the
//! input's end, so the result lines up with the input.

use mixmaster::Processor;

/// Frames per chunk.
const CHUNK: usize = 1024;

/// Planar samples of one of the two dtypes, channel after channel (`channels * frames`).
#[derive(Clone, Copy)]
pub enum Samples<'a> {
    /// float32
    F32(&'a [f32]),
    /// float64
    F64(&'a [f64]),
}

/// A planar output buffer of one of the two dtypes.
pub enum SamplesMut<'a> {
    /// float32
    F32(&'a mut [f32]),
    /// float64
    F64(&'a mut [f64]),
}

impl Samples<'_> {
    /// Copies frames `[start, start + n)` of channel `c` (of `frames` per channel) into `dst`,
    /// silence past the end.
    fn read(&self, c: usize, frames: usize, start: usize, dst: &mut [f32]) {
        let have = frames.saturating_sub(start).min(dst.len());
        let base = c * frames + start.min(frames);
        match self {
            Samples::F32(s) => dst[..have].copy_from_slice(&s[base..base + have]),
            Samples::F64(s) => {
                for (d, x) in dst[..have].iter_mut().zip(&s[base..base + have]) {
                    *d = *x as f32;
                }
            }
        }
        dst[have..].fill(0.0);
    }
}

impl SamplesMut<'_> {
    fn write(&mut self, c: usize, frames: usize, start: usize, src: &[f32]) {
        let base = c * frames + start;
        match self {
            SamplesMut::F32(s) => s[base..base + src.len()].copy_from_slice(src),
            SamplesMut::F64(s) => {
                for (d, x) in s[base..base + src.len()].iter_mut().zip(src) {
                    *d = f64::from(*x);
                }
            }
        }
    }
}

/// What to run: `input` (`channels` × `frames`), an optional detector key (`key_channels` ×
/// `frames`), `skip` frames of output dropped at the start (the latency), `out_frames` frames
/// written to `out` (`channels` × `out_frames`).
pub struct Job<'a> {
    pub input: Samples<'a>,
    pub channels: usize,
    pub frames: usize,
    pub key: Option<(Samples<'a>, usize)>,
    pub skip: usize,
    pub out_frames: usize,
}

/// Runs `job` through `procs` in series into `out`.
pub fn run(procs: &mut [&mut (dyn Processor + 'static)], job: &Job<'_>, mut out: SamplesMut<'_>) {
    let c = job.channels;
    let mut scratch = vec![0.0f32; c * CHUNK];
    let key_channels = job.key.map_or(0, |(_, k)| k);
    let mut key = vec![0.0f32; key_channels * CHUNK];
    let total = job.skip + job.out_frames;
    let mut pos = 0;
    while pos < total {
        let n = CHUNK.min(total - pos);
        for (ch, s) in scratch.chunks_exact_mut(CHUNK).enumerate() {
            job.input.read(ch, job.frames, pos, &mut s[..n]);
        }
        let mut parts: Vec<&mut [f32]> = scratch
            .chunks_exact_mut(CHUNK)
            .map(|s| &mut s[..n])
            .collect();
        match job.key {
            Some((k, kc)) => {
                for (ch, s) in key.chunks_exact_mut(CHUNK).enumerate().take(kc) {
                    k.read(ch, job.frames, pos, &mut s[..n]);
                }
                let keys: Vec<&[f32]> = key.chunks_exact(CHUNK).map(|s| &s[..n]).collect();
                for p in procs.iter_mut() {
                    p.process_sidechain(&mut parts, &keys);
                }
            }
            None => {
                for p in procs.iter_mut() {
                    p.process(&mut parts);
                }
            }
        }
        // Output frame `pos + i` lands at `pos + i - skip`.
        let from = job.skip.saturating_sub(pos).min(n);
        if from < n {
            let at = pos + from - job.skip;
            for (ch, s) in scratch.chunks_exact(CHUNK).enumerate() {
                out.write(ch, job.out_frames, at, &s[from..n]);
            }
        }
        pos += n;
    }
}
