//! Runtime CPU dispatch for the hottest kernels (biquad cascades, the compressor).
//!
//! Those kernels are written once, generic over `const FMA: bool`, and compiled twice: for the
//! build's baseline target, and (x86-64 with `std`) inside a function with AVX2 and FMA enabled,
//! chosen at run time when the CPU has them. Fused multiply-adds shorten the feedback paths
//! that limit recursive filters and envelopes, and AVX2 doubles the width of the vector passes.
//! The two versions round differently (a fused multiply-add rounds once), so results may differ
//! between machines by float rounding; on one machine they never depend on the block size.

/// Whether this CPU runs the AVX2 + FMA versions (detected once, then cached by `std`).
#[inline]
pub fn has_avx2_fma() -> bool {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(all(feature = "std", target_arch = "x86_64")))]
    {
        false
    }
}

/// `a · b + c`: one fused operation in the FMA build, a multiply and an add otherwise.
#[inline(always)]
pub fn mul_add<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    #[cfg(feature = "std")]
    if FMA {
        return a.mul_add(b, c);
    }
    a * b + c
}

/// `f32` version of [`mul_add`].
#[inline(always)]
pub fn mul_add_f32<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    #[cfg(feature = "std")]
    if FMA {
        return a.mul_add(b, c);
    }
    a * b + c
}

/// Defines `$name(args) -> R`, which runs `$generic::<true>(args)` compiled for AVX2 + FMA when
/// the CPU has them and `$generic::<false>(args)` otherwise.
macro_rules! dispatch {
    ($(#[$m:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? => $generic:ident) => {
        $(#[$m])*
        #[inline]
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(all(feature = "std", target_arch = "x86_64"))]
            {
                #[target_feature(enable = "avx2,fma")]
                fn fast($($arg: $ty),*) $(-> $ret)? {
                    $generic::<true>($($arg),*)
                }
                if $crate::cpu::has_avx2_fma() {
                    // SAFETY: the CPU supports the features `fast` was compiled for.
                    return unsafe { fast($($arg),*) };
                }
            }
            $generic::<false>($($arg),*)
        }
    };
}
pub(crate) use dispatch;
