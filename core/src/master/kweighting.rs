//! K-weighting (ITU-R BS.1770): the pre-filter (a high shelf, about +4 dB above 2 kHz) and the
//! RLB high-pass (about 38 Hz), designed for any sample rate from their analog parameters.
//!
//! At 48 kHz the design reproduces the coefficients printed in BS.1770 to about 1e-8; at other
//! rates it is the same analog filter through the bilinear transform, not the 48 kHz
//! coefficients reused (which would shift both corners).
//!
//! Also the energy kernels the meter runs (crate-private): `kweight` and `kweight_two` for
//! streaming, and `programme_energies` for a whole channel held in memory, which filters several
//! stretches of it side by side (the lanes of vectors) instead of one sample after the other.

use crate::cpu::{dispatch, mul_add};
use crate::math;
use crate::mix::biquad::Coeffs;
use crate::mix::filter::SectionState;
use core::f64::consts::PI;

/// Shelf corner, gain and Q of the BS.1770 pre-filter.
const SHELF_F0: f64 = 1_681.974_450_955_533;
const SHELF_GAIN_DB: f64 = 3.999_843_853_973_347;
const SHELF_Q: f64 = 0.707_175_236_955_419_6;
/// Corner and Q of the RLB high-pass.
const HP_F0: f64 = 38.135_470_876_024_44;
const HP_Q: f64 = 0.500_327_037_323_877_3;

/// The two K-weighting stages for `sample_rate`: (pre-filter shelf, RLB high-pass).
pub fn k_weighting(sample_rate: f64) -> (Coeffs, Coeffs) {
    let k = math::tan(PI * SHELF_F0 / sample_rate);
    let vh = math::powf(10.0, SHELF_GAIN_DB / 20.0);
    let vb = math::powf(vh, 0.499_666_774_154_541_6);
    let a0 = 1.0 + k / SHELF_Q + k * k;
    let shelf = Coeffs {
        b0: (vh + vb * k / SHELF_Q + k * k) / a0,
        b1: 2.0 * (k * k - vh) / a0,
        b2: (vh - vb * k / SHELF_Q + k * k) / a0,
        a1: 2.0 * (k * k - 1.0) / a0,
        a2: (1.0 - k / SHELF_Q + k * k) / a0,
    };
    let k = math::tan(PI * HP_F0 / sample_rate);
    let a0 = 1.0 + k / HP_Q + k * k;
    let hp = Coeffs {
        b0: 1.0,
        b1: -2.0,
        b2: 1.0,
        a1: 2.0 * (k * k - 1.0) / a0,
        a2: (1.0 - k / HP_Q + k * k) / a0,
    };
    (shelf, hp)
}

/// K-weights `L` channels at once (shelf, then the RLB high-pass; non-finite samples as silence)
/// and returns each one's sum of squares and how many samples were not finite.
///
/// The high-pass numerator is exactly `(1, −2, 1)`, so its input memory is the shelf's output
/// memory: six values of state per channel instead of eight, and no multiplies for it. The
/// operations and their order are those of two [`df1_step_fma`] calls, so the result is the
/// same. The channels are lanes of small arrays, which the compiler turns into vector code.
#[inline(always)]
// Frames outer, lanes inner: indexing by frame is the point (the lanes become one vector).
#[allow(clippy::needless_range_loop)]
fn kweight_generic<const L: usize, const FMA: bool>(
    k: &[Coeffs; 2],
    state: [&mut [SectionState; 2]; L],
    x: [&[f32]; L],
) -> ([f64; L], u64) {
    let (sh, hp) = (&k[0], &k[1]);
    let mut x1 = [0.0f64; L];
    let mut x2 = [0.0f64; L];
    let mut y1 = [0.0f64; L];
    let mut y2 = [0.0f64; L];
    let mut z1 = [0.0f64; L];
    let mut z2 = [0.0f64; L];
    for (c, st) in state.iter().enumerate() {
        (x1[c], x2[c], y1[c], y2[c]) = st[0].memory();
        let (_, _, a, b) = st[1].memory();
        (z1[c], z2[c]) = (a, b);
    }
    let n = x.iter().map(|c| c.len()).min().unwrap_or(0);
    let mut e = [0.0f64; L];
    let mut bad = 0u64;
    for i in 0..n {
        for c in 0..L {
            let v = x[c][i];
            let finite = v.is_finite();
            bad += u64::from(!finite);
            let v = if finite { v as f64 } else { 0.0 };
            let t = mul_add::<FMA>(sh.b1, x1[c], sh.b0 * v);
            let t = mul_add::<FMA>(sh.b2, x2[c], t);
            let t = mul_add::<FMA>(-sh.a2, y2[c], t);
            let y = mul_add::<FMA>(-sh.a1, y1[c], t);
            let t = mul_add::<FMA>(-2.0, y1[c], y);
            let t = mul_add::<FMA>(1.0, y2[c], t);
            let t = mul_add::<FMA>(-hp.a2, z2[c], t);
            let z = mul_add::<FMA>(-hp.a1, z1[c], t);
            e[c] = mul_add::<FMA>(z, z, e[c]);
            (x2[c], x1[c]) = (x1[c], v);
            (y2[c], y1[c]) = (y1[c], y);
            (z2[c], z1[c]) = (z1[c], z);
        }
    }
    for (c, st) in state.into_iter().enumerate() {
        st[0] = SectionState::from_memory(x1[c], x2[c], y1[c], y2[c]);
        st[1] = SectionState::from_memory(y1[c], y2[c], z1[c], z2[c]);
    }
    (e, bad)
}

fn kweight_one_generic<const FMA: bool>(
    k: &[Coeffs; 2],
    st: &mut [SectionState; 2],
    x: &[f32],
) -> (f64, u64) {
    let ([e], bad) = kweight_generic::<1, FMA>(k, [st], [x]);
    (e, bad)
}

fn kweight_two_generic<const FMA: bool>(
    k: &[Coeffs; 2],
    sa: &mut [SectionState; 2],
    sb: &mut [SectionState; 2],
    a: &[f32],
    b: &[f32],
) -> (f64, f64, u64) {
    let ([ea, eb], bad) = kweight_generic::<2, FMA>(k, [sa, sb], [a, b]);
    (ea, eb, bad)
}

dispatch! {
    /// K-weighted energy of one channel's block, and its count of non-finite samples.
    pub(crate) fn kweight(k: &[Coeffs; 2], st: &mut [SectionState; 2], x: &[f32]) -> (f64, u64) => kweight_one_generic
}

dispatch! {
    /// K-weighted energies of two channels' blocks, and their count of non-finite samples.
    pub(crate) fn kweight_two(
        k: &[Coeffs; 2],
        sa: &mut [SectionState; 2],
        sb: &mut [SectionState; 2],
        a: &[f32],
        b: &[f32],
    ) -> (f64, f64, u64) => kweight_two_generic
}

/// Lanes of [`programme_energies`]: stretches of one channel filtered side by side.
const LANES: usize = 8;
/// Frames per call of the kernel while a lane warms up.
const WARM_CHUNK: usize = 256;
static SILENCE: [f32; WARM_CHUNK] = [0.0; WARM_CHUNK];

/// Frames after which a change of the filters' state has decayed below 1e-20 of itself: how
/// long a lane that starts inside the programme runs on the audio before its stretch, so that
/// its state is the one a single pass would have reached (to the last bits of an `f64`).
pub(crate) fn settling_frames(k: &[Coeffs; 2]) -> usize {
    let radius = |c: &Coeffs| {
        let disc = c.a1 * c.a1 - 4.0 * c.a2;
        if disc < 0.0 {
            math::sqrt(c.a2)
        } else {
            let s = math::sqrt(disc);
            ((-c.a1 + s) / 2.0).abs().max(((-c.a1 - s) / 2.0).abs())
        }
    };
    let r = radius(&k[0]).max(radius(&k[1])).clamp(0.0, 0.999_999);
    let frames = math::ln(1e-20) / math::ln(r);
    (math::ceil(frames) as usize).clamp(1_024, 1 << 22)
}

/// K-weighted energy (sum of squares) of every whole `quantum` of a channel that starts from
/// silence, into `out` (`x.len() / quantum` values); returns the energy of the trailing partial
/// quantum, the count of non-finite samples (measured as silence) and the largest finite
/// `|sample|` (the sample peak, found on the way).
///
/// The same values as [`kweight`] over the channel in one pass, but for rounding: the channel
/// is cut into [`LANES`] stretches filtered side by side, each starting [`settling_frames`]
/// early on the audio before it (the first on silence, exactly as a single pass starts), so
/// the filters run at the machine's throughput rather than at the latency of one recursion.
pub(crate) fn programme_energies(
    k: &[Coeffs; 2],
    x: &[f32],
    quantum: usize,
    out: &mut [f64],
) -> (f64, u64, f32) {
    let whole = x.len() / quantum;
    debug_assert_eq!(out.len(), whole);
    let warm = settling_frames(k);
    let per_lane = whole / LANES;
    let mut bad = 0u64;
    let mut peak = 0.0f32;
    let mut lanes = [[SectionState::default(); 2]; LANES];
    let mut done = 0; // quanta finished by the lanes
    if per_lane * quantum >= warm {
        let start = |j: usize| j * per_lane * quantum;
        let mut off = 0;
        while off < warm {
            let n = WARM_CHUNK.min(warm - off);
            let xs: [&[f32]; LANES] = core::array::from_fn(|j| {
                if j == 0 {
                    &SILENCE[..n]
                } else {
                    &x[start(j) - warm + off..][..n]
                }
            });
            let _ = kweight_lanes(k, lanes.each_mut(), xs);
            off += n;
        }
        for qi in 0..per_lane {
            let xs: [&[f32]; LANES] =
                core::array::from_fn(|j| &x[start(j) + qi * quantum..][..quantum]);
            let (e, b, p) = kweight_lanes(k, lanes.each_mut(), xs);
            peak = peak.max(p);
            for (j, e) in e.into_iter().enumerate() {
                out[j * per_lane + qi] = e;
            }
            bad += b;
        }
        done = LANES * per_lane;
    }
    // The rest in one lane: the last lane's state goes on (or all of it, if too short to cut).
    let st = if done > 0 {
        &mut lanes[LANES - 1]
    } else {
        &mut lanes[0]
    };
    for (qi, o) in out.iter_mut().enumerate().skip(done) {
        let (e, b) = kweight(k, st, &x[qi * quantum..][..quantum]);
        *o = e;
        bad += b;
    }
    let (tail, b) = kweight(k, st, &x[whole * quantum..]);
    let rest = math::peak_abs_finite(&x[done * quantum..]);
    (tail, bad + b, peak.max(rest))
}

/// K-weighted energies of [`LANES`] stretches of equal length at once, their count of
/// non-finite samples and their largest finite `|sample|`: [`kweight_generic`], with AVX2 + FMA
/// vectors written out where the CPU has them (the compiler does not turn the lanes into one
/// vector by itself here). Same operations in the same order, so the same results as the
/// generic code with FMA.
fn kweight_lanes(
    k: &[Coeffs; 2],
    state: [&mut [SectionState; 2]; LANES],
    x: [&[f32]; LANES],
) -> ([f64; LANES], u64, f32) {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if crate::cpu::has_avx2_fma() {
        // SAFETY: the CPU supports the features `avx2::kweight_lanes` was compiled for.
        return unsafe { avx2::kweight_lanes(k, state, x) };
    }
    let peak = x
        .iter()
        .fold(0.0f32, |a, x| a.max(math::peak_abs_finite(x)));
    let (e, bad) = kweight_generic::<LANES, false>(k, state, x);
    (e, bad, peak)
}

#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod avx2 {
    use super::{Coeffs, LANES, SectionState};
    use core::arch::x86_64::*;

    /// One frame of the four lanes through both sections (as `kweight_generic` with FMA).
    struct Filter {
        b0: __m256d,
        b1: __m256d,
        b2: __m256d,
        na1: __m256d,
        na2: __m256d,
        m2: __m256d,
        nh1: __m256d,
        nh2: __m256d,
        x1: __m256d,
        x2: __m256d,
        y1: __m256d,
        y2: __m256d,
        z1: __m256d,
        z2: __m256d,
        e: __m256d,
    }

    impl Filter {
        #[inline(always)]
        fn step(&mut self, v: __m256d) {
            // SAFETY (all below): plain vector arithmetic, AVX2 + FMA enabled by the caller.
            unsafe {
                let t = _mm256_fmadd_pd(self.b1, self.x1, _mm256_mul_pd(self.b0, v));
                let t = _mm256_fmadd_pd(self.b2, self.x2, t);
                let t = _mm256_fmadd_pd(self.na2, self.y2, t);
                let y = _mm256_fmadd_pd(self.na1, self.y1, t);
                let t = _mm256_fmadd_pd(self.m2, self.y1, y);
                // fma(1, a, b) rounds once, as an add does.
                let t = _mm256_add_pd(self.y2, t);
                let t = _mm256_fmadd_pd(self.nh2, self.z2, t);
                let z = _mm256_fmadd_pd(self.nh1, self.z1, t);
                self.e = _mm256_fmadd_pd(z, z, self.e);
                (self.x2, self.x1) = (self.x1, v);
                (self.y2, self.y1) = (self.y1, y);
                (self.z2, self.z1) = (self.z1, z);
            }
        }
    }

    /// Non-finite samples of `v` as zeros, and how many there were.
    #[inline(always)]
    fn finite(v: __m128) -> (__m128, u32) {
        // SAFETY: plain vector arithmetic, SSE available on x86_64.
        unsafe {
            let exp = _mm_set1_epi32(0x7f80_0000);
            let bits = _mm_and_si128(_mm_castps_si128(v), exp);
            let bad = _mm_castsi128_ps(_mm_cmpeq_epi32(bits, exp));
            (_mm_andnot_ps(bad, v), _mm_movemask_ps(bad).count_ones())
        }
    }

    /// `peak` raised to `|v|` lane by lane.
    #[inline(always)]
    fn raise(peak: __m128, v: __m128) -> __m128 {
        // SAFETY: plain vector arithmetic, SSE available on x86_64.
        unsafe { _mm_max_ps(peak, _mm_andnot_ps(_mm_set1_ps(-0.0), v)) }
    }

    impl Filter {
        /// Four lanes of `state` (`lanes` = their indices) with the coefficients `k`.
        #[inline(always)]
        fn new(k: &[Coeffs; 2], state: &[&mut [SectionState; 2]; LANES], lanes: usize) -> Self {
            let (sh, hp) = (&k[0], &k[1]);
            let mem = |f: &dyn Fn(&[SectionState; 2]) -> f64| {
                let s = |i: usize| f(state[lanes + i]);
                // SAFETY: plain vector construction.
                unsafe { _mm256_setr_pd(s(0), s(1), s(2), s(3)) }
            };
            // SAFETY: plain vector construction.
            let c = |v: f64| unsafe { _mm256_set1_pd(v) };
            Filter {
                b0: c(sh.b0),
                b1: c(sh.b1),
                b2: c(sh.b2),
                na1: c(-sh.a1),
                na2: c(-sh.a2),
                m2: c(-2.0),
                nh1: c(-hp.a1),
                nh2: c(-hp.a2),
                x1: mem(&|s| s[0].memory().0),
                x2: mem(&|s| s[0].memory().1),
                y1: mem(&|s| s[0].memory().2),
                y2: mem(&|s| s[0].memory().3),
                z1: mem(&|s| s[1].memory().2),
                z2: mem(&|s| s[1].memory().3),
                // SAFETY: plain vector construction.
                e: unsafe { _mm256_setzero_pd() },
            }
        }

        /// Writes the four lanes' state back, and returns their energies.
        #[inline(always)]
        fn finish(self, state: &mut [&mut [SectionState; 2]; LANES], lanes: usize) -> [f64; 4] {
            let mut out = [[0.0f64; 4]; 7];
            for (o, v) in out
                .iter_mut()
                .zip([self.x1, self.x2, self.y1, self.y2, self.z1, self.z2, self.e])
            {
                // SAFETY: `o` holds four f64.
                unsafe { _mm256_storeu_pd(o.as_mut_ptr(), v) };
            }
            let [x1, x2, y1, y2, z1, z2, e] = out;
            for c in 0..4 {
                let st = &mut state[lanes + c];
                st[0] = SectionState::from_memory(x1[c], x2[c], y1[c], y2[c]);
                st[1] = SectionState::from_memory(y1[c], y2[c], z1[c], z2[c]);
            }
            e
        }
    }

    /// Four frames of lanes `j..j + 4` from frame `i`, checked for non-finite samples and
    /// transposed: four vectors of one frame each (in `f64`), and the count of bad samples.
    #[inline(always)]
    fn quad(x: &[&[f32]; LANES], j: usize, i: usize, peak: &mut __m128) -> ([__m256d; 4], u32) {
        let load = |j: usize| {
            let q: &[f32; 4] = x[j][i..i + 4].try_into().unwrap_or(&[0.0; 4]);
            // SAFETY: `q` is four readable f32.
            finite(unsafe { _mm_loadu_ps(q.as_ptr()) })
        };
        let ((a, na), (b, nb), (c, nc), (d, nd)) = (load(j), load(j + 1), load(j + 2), load(j + 3));
        *peak = raise(raise(*peak, a), b);
        *peak = raise(raise(*peak, c), d);
        // SAFETY: plain vector shuffles and conversions.
        unsafe {
            let ab_lo = _mm_unpacklo_ps(a, b);
            let ab_hi = _mm_unpackhi_ps(a, b);
            let cd_lo = _mm_unpacklo_ps(c, d);
            let cd_hi = _mm_unpackhi_ps(c, d);
            (
                [
                    _mm256_cvtps_pd(_mm_movelh_ps(ab_lo, cd_lo)),
                    _mm256_cvtps_pd(_mm_movehl_ps(cd_lo, ab_lo)),
                    _mm256_cvtps_pd(_mm_movelh_ps(ab_hi, cd_hi)),
                    _mm256_cvtps_pd(_mm_movehl_ps(cd_hi, ab_hi)),
                ],
                na + nb + nc + nd,
            )
        }
    }

    /// Two vectors of four lanes each, stepped in turn so their recursions overlap.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn kweight_lanes(
        k: &[Coeffs; 2],
        mut state: [&mut [SectionState; 2]; LANES],
        x: [&[f32]; LANES],
    ) -> ([f64; LANES], u64, f32) {
        let mut lo = Filter::new(k, &state, 0);
        let mut hi = Filter::new(k, &state, 4);
        let n = x.iter().map(|c| c.len()).min().unwrap_or(0);
        let x: [&[f32]; LANES] = core::array::from_fn(|j| &x[j][..n]);
        let mut bad = 0u64;
        let mut peak = _mm_setzero_ps();
        let quads = n / 4;
        for i in 0..quads {
            let (a, na) = quad(&x, 0, 4 * i, &mut peak);
            let (b, nb) = quad(&x, 4, 4 * i, &mut peak);
            bad += u64::from(na + nb);
            for (a, b) in a.into_iter().zip(b) {
                lo.step(a);
                hi.step(b);
            }
        }
        // The last frames, fewer than four: one frame of the lanes at a time.
        #[allow(clippy::needless_range_loop)]
        for i in 4 * quads..n {
            let mut v = |j: usize| {
                let (v, nb) = finite(_mm_setr_ps(x[j][i], x[j + 1][i], x[j + 2][i], x[j + 3][i]));
                peak = raise(peak, v);
                (_mm256_cvtps_pd(v), nb)
            };
            let ((a, na), (b, nb)) = (v(0), v(4));
            bad += u64::from(na + nb);
            lo.step(a);
            hi.step(b);
        }
        let el = lo.finish(&mut state, 0);
        let eh = hi.finish(&mut state, 4);
        let mut p = [0.0f32; 4];
        // SAFETY: `p` holds four f32.
        unsafe { _mm_storeu_ps(p.as_mut_ptr(), peak) };
        let peak = p.into_iter().fold(0.0f32, f32::max);
        let e = core::array::from_fn(|j| if j < 4 { el[j] } else { eh[j - 4] });
        (e, bad, peak)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn matches_the_48k_coefficients_of_bs1770() {
        let (s, h) = k_weighting(48_000.0);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-8;
        assert!(
            close(s.b0, 1.535_124_859_586_97)
                && close(s.b1, -2.691_696_189_406_38)
                && close(s.b2, 1.198_392_810_852_85)
        );
        assert!(close(s.a1, -1.690_659_293_182_41) && close(s.a2, 0.732_480_774_215_85));
        assert!(close(h.a1, -1.990_047_454_833_98) && close(h.a2, 0.990_072_250_366_21));
    }

    /// The side-by-side pass gives each quantum the energy one sequential pass gives it (to
    /// rounding), at every length around the cut points, at low and high rates, with
    /// non-finite samples counted once. "Rounding" is 1e-9 relative (4e-9 dB): two passes whose
    /// states differ in the last bit stay apart by the filters' rounding noise, which the
    /// high-pass near 38 Hz amplifies (measured: up to 2e-11).
    #[test]
    fn programme_energies_equal_one_sequential_pass() {
        for rate in [11_025.0, 48_000.0, 192_000.0] {
            let k = {
                let (a, b) = k_weighting(rate);
                [a, b]
            };
            let q = 97;
            let warm = settling_frames(&k);
            let mut seed = 1u64;
            let mut noise = || {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                ((seed >> 40) as f32 / (1u64 << 24) as f32) - 0.5
            };
            let long = LANES * warm + 5 * q * LANES + 33;
            for len in [0, 5, q, 3 * q + 1, LANES * warm - 1, long] {
                let mut x: Vec<f32> = (0..len)
                    .map(|i| noise() * if (i / 5000) % 2 == 0 { 1.0 } else { 0.01 })
                    .collect();
                if len > 1000 {
                    x[len / 3] = f32::NAN;
                    x[len - 10] = f32::INFINITY;
                }
                let whole = len / q;
                let mut out = vec![0.0; whole];
                let (tail, bad, peak) = programme_energies(&k, &x, q, &mut out);
                assert_eq!(peak, math::peak_abs_finite(&x), "{rate} {len}");
                let mut st = [SectionState::default(); 2];
                let mut bad_ref = 0;
                for (i, o) in out.iter().enumerate() {
                    let (e, b) = kweight(&k, &mut st, &x[i * q..(i + 1) * q]);
                    bad_ref += b;
                    assert!(
                        (o - e).abs() <= 1e-9 * e.abs() + 1e-300,
                        "{rate} {len} {i}: {o} {e}"
                    );
                }
                let (t, b) = kweight(&k, &mut st, &x[whole * q..]);
                assert!((tail - t).abs() <= 1e-9 * t.abs() + 1e-300);
                assert_eq!(bad, bad_ref + b, "{rate} {len}");
            }
        }
    }

    /// A settled lane: the state reached after `settling_frames` from silence equals the
    /// state of a pass from the start of the audio, so the cut cannot show.
    #[test]
    fn settling_is_long_enough_for_the_slowest_pole() {
        for rate in [8_000.0, 44_100.0, 192_000.0, 768_000.0] {
            let (a, b) = k_weighting(rate);
            let k = [a, b];
            let w = settling_frames(&k);
            // The RLB pole radius is about 1 - 2*pi*38/rate: decay to 1e-20 takes
            // ln(1e20) / (2*pi*38/rate) frames, within a factor of two.
            let expect = 46.05 / (2.0 * core::f64::consts::PI * 38.1 / rate);
            assert!(
                w as f64 > 0.5 * expect && (w as f64) < 2.0 * expect.max(1024.0),
                "{rate}: {w}"
            );
        }
    }
}
