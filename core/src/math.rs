//! Math functions that work with and without `std`.
//!
//! On stable Rust, `core` has no `sin`, `exp`, `powf` and friends: with feature `std` these
//! forward to the inherent `f64` methods, otherwise to `libm`. Everything else in the crate calls
//! these, never `f64::sin` directly, so the `no_std` build stays honest.

macro_rules! unary {
    ($($(#[$m:meta])* $name:ident => $libm:ident;)*) => {$(
        $(#[$m])*
        #[inline]
        pub fn $name(x: f64) -> f64 {
            #[cfg(feature = "std")]
            { x.$name() }
            #[cfg(not(feature = "std"))]
            { libm::$libm(x) }
        }
    )*};
}

unary! {
    /// Sine.
    sin => sin;
    /// Cosine.
    cos => cos;
    /// Tangent.
    tan => tan;
    /// Arc tangent.
    atan => atan;
    /// Square root.
    sqrt => sqrt;
    /// e to the power x.
    exp => exp;
    /// Natural logarithm.
    ln => log;
    /// `ln(1 + x)`, accurate for small `x`.
    ln_1p => log1p;
    /// Base-10 logarithm.
    log10 => log10;
    /// Base-2 logarithm.
    log2 => log2;
    /// Largest integer not above x.
    floor => floor;
    /// Smallest integer not below x.
    ceil => ceil;
    /// Nearest integer, halves away from zero.
    round => round;
    /// Hyperbolic tangent.
    tanh => tanh;
    /// Hyperbolic sine.
    sinh => sinh;
}

/// `x` to the power `y`.
#[inline]
pub fn powf(x: f64, y: f64) -> f64 {
    #[cfg(feature = "std")]
    {
        x.powf(y)
    }
    #[cfg(not(feature = "std"))]
    {
        libm::pow(x, y)
    }
}

/// Two-argument arc tangent of `y / x`.
#[inline]
pub fn atan2(y: f64, x: f64) -> f64 {
    #[cfg(feature = "std")]
    {
        y.atan2(x)
    }
    #[cfg(not(feature = "std"))]
    {
        libm::atan2(y, x)
    }
}

/// Absolute value (in `core`, but kept here so call sites read alike).
#[inline]
pub fn abs(x: f64) -> f64 {
    x.abs()
}

/// Fast base-2 logarithm of a positive `f32`, abs error below 1e-6 (far below 0.001 dB).
///
/// Used on the audio path of the dynamics processors, where a level in dB is needed per sample.
/// Callers floor their input away from zero and subnormals first.
#[inline]
pub fn fast_log2(x: f32) -> f32 {
    let bits = x.to_bits();
    let e = ((bits >> 23) & 0xff) as i32 - 127;
    // Mantissa in [1, 2), then folded into [sqrt(1/2), sqrt(2)) (branch-free, so loops vectorise).
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    let big = m > core::f32::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    let e = e + big as i32;
    // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172: the series to s^7 is exact to 2e-8.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let ln_m = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0))));
    e as f32 + ln_m * core::f32::consts::LOG2_E
}

/// The larger of `a` and `b`; `b` if either is NaN. A compare and select (vectorises on every
/// target, unlike `f32::max`, whose NaN rule is a library call on wasm).
#[inline(always)]
pub fn max_f32(a: f32, b: f32) -> f32 {
    if a > b { a } else { b }
}

/// The smaller of `a` and `b`; `b` if either is NaN. See [`max_f32`].
#[inline(always)]
pub fn min_f32(a: f32, b: f32) -> f32 {
    if a < b { a } else { b }
}

/// Fast 2 to the power `x`, clamped to [-126, 126], relative error below 1e-6.
///
/// Compares written as selects throughout this module's per-sample helpers: they give the same
/// values as `f32::max`/`min` for numbers and vectorise on every target.
#[inline]
pub fn fast_exp2(x: f32) -> f32 {
    // Clamped with compares (NaN goes to −126): `f32::clamp`/`max` carry NaN rules that some
    // targets (wasm) only meet with a library call per sample, which also stops vectorising.
    let x = if x > -126.0 { x } else { -126.0 };
    let x = if x < 126.0 { x } else { 126.0 };
    // Round to the nearest integer with the 1.5·2²³ trick: adding it pushes the fraction out of
    // the mantissa, whose low bits then hold the integer. Only float adds and integer bit
    // operations, so loops over this vectorise (a float-to-int `as` cast would not).
    const MAGIC: f32 = 12_582_912.0;
    let t = x + MAGIC;
    let xi = t - MAGIC;
    let f = (x - xi) * core::f32::consts::LN_2;
    // Taylor series of e^f, |f| <= 0.347: to f^6 the error is below 2e-7.
    let p = 1.0
        + f * (1.0
            + f * (0.5
                + f * (1.0 / 6.0 + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f * (1.0 / 720.0))))));
    let n = t.to_bits().wrapping_sub(MAGIC.to_bits()) as i32;
    let bits = ((n + 127) as u32) << 23;
    f32::from_bits(bits) * p
}

/// Largest value of `x`, whose values are all finite and ≥ 0 (levels, reductions, |samples|),
/// over eight lanes so it vectorises (`f32::max`'s NaN rule would make a serial chain).
#[inline(always)]
pub fn max_nonneg(x: &[f32]) -> f32 {
    let mut m = [0.0f32; 8];
    let chunks = x.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (m, v) in m.iter_mut().zip(c) {
            *m = if *v > *m { *v } else { *m };
        }
    }
    for (m, v) in m.iter_mut().zip(rest) {
        *m = if *v > *m { *v } else { *m };
    }
    m.iter().fold(0.0f32, |a, &v| if v > a { v } else { a })
}

/// Largest `|x|` over the finite samples of `x` (NaN and ±inf are skipped). Branch-free over
/// eight lanes, so it vectorises (a fold with `f32::max` does not: its NaN rule makes a serial
/// chain).
#[inline]
pub fn peak_abs_finite(x: &[f32]) -> f32 {
    const L: usize = 8;
    let mut m = [0.0f32; L];
    let mut lanes = |c: &[f32]| {
        for (m, v) in m.iter_mut().zip(c) {
            let a = v.abs();
            // False for NaN and infinity alike.
            let finite = a < f32::INFINITY;
            *m = if finite && a > *m { a } else { *m };
        }
    };
    let chunks = x.chunks_exact(L);
    let rest = chunks.remainder();
    for c in chunks {
        lanes(c);
    }
    lanes(rest);
    max_nonneg(&m)
}

/// Zeroth-order modified Bessel function of the first kind, `I0(x)`, by its power series
/// (summed until a term is under 1e-17 of the sum): the Kaiser window's kernel.
pub fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let q = x * x / 4.0;
    for k in 1..200 {
        term *= q / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

/// Sum of `x²` in `f64`, over four lanes so it vectorises (a single running sum would be a
/// serial chain). Non-finite samples make the sum non-finite: callers pass finite audio.
#[inline]
pub fn sum_squares(x: &[f32]) -> f64 {
    let mut s = [0.0f64; 4];
    let chunks = x.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for (s, v) in s.iter_mut().zip(c) {
            let v = f64::from(*v);
            *s += v * v;
        }
    }
    for v in rest {
        s[0] += f64::from(*v) * f64::from(*v);
    }
    (s[0] + s[1]) + (s[2] + s[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bessel_matches_series_values() {
        // I0(1) and I0(12) from tables (Abramowitz & Stegun 9.8, exact digits).
        assert!((bessel_i0(1.0) - 1.266_065_877_752_008_4).abs() < 1e-15);
        assert!((bessel_i0(12.0) - 18_948.925_349_296_31).abs() < 1e-8);
    }

    #[test]
    fn fast_log2_matches_log2() {
        let mut x = 1e-6f32;
        while x < 1e6 {
            let err = (fast_log2(x) - log2(x as f64) as f32).abs();
            assert!(err < 2e-6, "x={x} err={err}");
            x *= 1.013;
        }
    }

    #[test]
    fn peak_abs_finite_skips_non_finite() {
        let mut x: alloc::vec::Vec<f32> = (0..37).map(|i| (i as f32 * 0.37).sin() * 0.5).collect();
        x[3] = f32::NAN;
        x[20] = f32::INFINITY;
        x[36] = f32::NEG_INFINITY;
        x[11] = -0.75;
        assert_eq!(peak_abs_finite(&x), 0.75);
        assert_eq!(peak_abs_finite(&[]), 0.0);
    }

    #[test]
    fn fast_exp2_matches_exp2() {
        let mut x = -100.0f32;
        while x < 100.0 {
            let exact = powf(2.0, x as f64);
            let rel = ((fast_exp2(x) as f64 - exact) / exact).abs();
            assert!(rel < 2e-6, "x={x} rel={rel}");
            x += 0.0137;
        }
    }
}
