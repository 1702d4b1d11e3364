//! K-weighting (ITU-R BS.1770): the pre-filter (a high shelf, about +4 dB above 2 kHz) and the
//! RLB high-pass (about 38 Hz), designed for any sample rate from their analog parameters.
//!
//! At 48 kHz the design reproduces the coefficients printed in BS.1770 to about 1e-8; at other
//! rates it is the same analog filter through the bilinear transform, not the 48 kHz
//! coefficients reused (which would shift both corners).

use crate::math;
use crate::mix::biquad::Coeffs;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
