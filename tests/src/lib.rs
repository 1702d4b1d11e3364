//! Shared test harness for mixmaster, in the spirit of fundsp's: every processor is rendered
//! in one block and in random block sizes, reset and rendered again, fed NaN and infinities,
//! and left in silence, and the results are compared.

pub mod alloc_counter;
pub mod kinds;
pub mod reference;
pub mod vectors;
pub mod vocal;

use mixmaster::{ProcessSpec, Processor};

/// A small deterministic PRNG (xorshift64*), so test signals are the same everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [-1, 1).
    pub fn bipolar(&mut self) -> f32 {
        ((self.next_u64() >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
    /// Uniform integer in [lo, hi].
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
}

/// `frames` of a sine at `freq` Hz, amplitude `amp`, starting phase `phase` radians.
pub fn sine(freq: f64, amp: f64, phase: f64, sample_rate: f64, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|n| {
            (amp * (2.0 * std::f64::consts::PI * freq * n as f64 / sample_rate + phase).sin())
                as f32
        })
        .collect()
}

/// `frames` of white noise at amplitude `amp`.
pub fn noise(seed: u64, amp: f32, frames: usize) -> Vec<f32> {
    let mut r = Rng::new(seed);
    (0..frames).map(|_| r.bipolar() * amp).collect()
}

/// A test programme: a few tones and noise bursts, with loud and quiet parts, per channel.
pub fn programme(channels: usize, frames: usize, sample_rate: f64) -> Vec<Vec<f32>> {
    (0..channels)
        .map(|c| {
            let tone = sine(
                220.0 * (c + 1) as f64,
                0.5,
                0.3 * c as f64,
                sample_rate,
                frames,
            );
            let nz = noise(7 + c as u64, 0.3, frames);
            tone.iter()
                .zip(&nz)
                .enumerate()
                .map(|(n, (t, z))| {
                    let env = if (n / 3000) % 3 == 0 { 1.0 } else { 0.1 };
                    (t + z) * env
                })
                .collect()
        })
        .collect()
}

/// Renders `input` through `p` in blocks whose sizes `sizes` yields (cycled), returning the output.
pub fn render(
    p: &mut dyn Processor,
    input: &[Vec<f32>],
    sizes: &mut dyn FnMut() -> usize,
) -> Vec<Vec<f32>> {
    let mut out: Vec<Vec<f32>> = input.to_vec();
    let frames = input[0].len();
    let mut pos = 0;
    while pos < frames {
        let n = sizes().clamp(1, frames - pos);
        let mut parts: Vec<&mut [f32]> = out.iter_mut().map(|c| &mut c[pos..pos + n]).collect();
        p.process(&mut parts);
        pos += n;
    }
    out
}

/// Renders in one call.
pub fn render_whole(p: &mut dyn Processor, input: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let n = input[0].len();
    render(p, input, &mut || n)
}

/// Largest absolute difference between two renders.
pub fn max_diff(a: &[Vec<f32>], b: &[Vec<f32>]) -> f32 {
    a.iter()
        .zip(b)
        .flat_map(|(x, y)| x.iter().zip(y).map(|(u, v)| (u - v).abs()))
        .fold(0.0, f32::max)
}

/// The standard checks every processor must pass. `make` builds a fresh, configured
/// processor; `change` changes its parameters (called between blocks partway through).
pub fn check_contract(
    name: &str,
    make: &dyn Fn() -> Box<dyn Processor>,
    channels: usize,
    change: &dyn Fn(&mut dyn Processor),
) {
    for sr in [44_100.0, 48_000.0] {
        let max_block = 512;
        let spec = ProcessSpec::new(sr, max_block, channels);
        let frames = 24_000;
        let input = programme(channels, frames, sr);

        // 1. One block (longer than max: processed in pieces) against random block sizes,
        //    with a parameter change at a fixed frame.
        let run = |sizes: &mut dyn FnMut() -> usize| {
            let mut p = make();
            assert_eq!(p.spec(), None, "{name}: a spec before prepare");
            p.prepare(spec).unwrap();
            // `process` runs only what reports its spec: a prepared processor must.
            assert_eq!(p.spec(), Some(spec), "{name}: spec after prepare");
            let first = 9_000;
            let mut a = input
                .iter()
                .map(|c| c[..first].to_vec())
                .collect::<Vec<_>>();
            a = render(p.as_mut(), &a, sizes);
            change(p.as_mut());
            let b = input
                .iter()
                .map(|c| c[first..].to_vec())
                .collect::<Vec<_>>();
            let b = render(p.as_mut(), &b, sizes);
            a.iter()
                .zip(b)
                .map(|(x, y)| [x.clone(), y].concat())
                .collect::<Vec<_>>()
        };
        let whole = run(&mut || usize::MAX);
        let mut rng = Rng::new(42);
        let random = run(&mut || rng.range(1, 700));
        let d = max_diff(&whole, &random);
        assert!(d <= 1e-6, "{name} @ {sr}: block-size dependence {d}");
        assert!(
            whole.iter().flatten().all(|x| x.is_finite()),
            "{name}: non-finite output"
        );

        // 2. reset() reproduces the first render.
        let mut p = make();
        p.prepare(spec).unwrap();
        let first = render_whole(p.as_mut(), &input);
        p.reset();
        let again = render_whole(p.as_mut(), &input);
        assert_eq!(
            max_diff(&first, &again),
            0.0,
            "{name} @ {sr}: reset does not reproduce the first render"
        );

        // 3. NaN and infinity do not poison the state: finite again within one block of finite input.
        let mut p = make();
        p.prepare(spec).unwrap();
        let mut bad = input.iter().map(|c| c[..2048].to_vec()).collect::<Vec<_>>();
        bad[0][100] = f32::NAN;
        bad[channels - 1][200] = f32::INFINITY;
        bad[0][300] = f32::NEG_INFINITY;
        render(p.as_mut(), &bad, &mut || max_block);
        let after = render(
            p.as_mut(),
            &input.iter().map(|c| c[..8192].to_vec()).collect::<Vec<_>>(),
            &mut || max_block,
        );
        let tail_start = max_block;
        assert!(
            after
                .iter()
                .all(|c| c[tail_start..].iter().all(|x| x.is_finite())),
            "{name} @ {sr}: non-finite output persists after finite input"
        );

        // 4. Silence after signal decays to exact zeros or normal numbers, never subnormals.
        let mut p = make();
        p.prepare(spec).unwrap();
        render(p.as_mut(), &input, &mut || max_block);
        let silence = vec![vec![0.0f32; sr as usize * 4]; channels];
        let out = render(p.as_mut(), &silence, &mut || max_block);
        let subnormal = out.iter().flatten().filter(|x| x.is_subnormal()).count();
        assert_eq!(
            subnormal, 0,
            "{name} @ {sr}: {subnormal} subnormal samples in the decay"
        );
    }
}
