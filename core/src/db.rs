//! Decibel conversions: the one place in the crate that turns dB into linear gain and back.

use crate::math;

/// The level, in dB, that stands for silence where a finite number is needed (meters, floors).
pub const SILENCE_DB: f64 = -200.0;

/// Amplitude gain for a level in dB: `10^(db / 20)`. `-inf` gives 0.
#[inline]
pub fn db_to_gain(db: f64) -> f64 {
    if db == f64::NEG_INFINITY {
        0.0
    } else {
        math::powf(10.0, db / 20.0)
    }
}

/// Level in dB of an amplitude gain: `20 log10(|gain|)`. Zero gives `-inf`.
#[inline]
pub fn gain_to_db(gain: f64) -> f64 {
    if gain == 0.0 {
        f64::NEG_INFINITY
    } else {
        20.0 * math::log10(gain.abs())
    }
}

/// Power ratio for a level in dB: `10^(db / 10)`.
#[inline]
pub fn db_to_power(db: f64) -> f64 {
    if db == f64::NEG_INFINITY {
        0.0
    } else {
        math::powf(10.0, db / 10.0)
    }
}

/// Level in dB of a power ratio: `10 log10(power)`. Zero gives `-inf`.
#[inline]
pub fn power_to_db(power: f64) -> f64 {
    if power <= 0.0 {
        f64::NEG_INFINITY
    } else {
        10.0 * math::log10(power)
    }
}

/// Largest gain loudness normalization applies, in dB (a quieter programme is an error).
pub const MAX_NORMALIZE_GAIN_DB: f64 = 60.0;

/// Conversion factor from log2 to dB of amplitude: `20 log10(2)`.
pub const DB_PER_LOG2: f32 = 6.020_6;

/// Fast dB of an `f32` amplitude (audio path of the dynamics processors), error below 0.001 dB.
/// The input is floored at about -400 dB so zero stays finite.
#[inline]
pub fn fast_gain_to_db(gain: f32) -> f32 {
    crate::math::fast_log2(crate::math::max_f32(gain.abs(), 1e-20)) * DB_PER_LOG2
}

/// Fast linear gain of a level in dB (audio path of the dynamics processors).
#[inline]
pub fn fast_db_to_gain(db: f32) -> f32 {
    crate::math::fast_exp2(db * (1.0 / DB_PER_LOG2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn round_trips() {
        for db in [-120.0, -60.0, -6.0, 0.0, 3.0, 24.0] {
            assert_relative_eq!(gain_to_db(db_to_gain(db)), db, epsilon = 1e-12);
            assert_relative_eq!(power_to_db(db_to_power(db)), db, epsilon = 1e-12);
        }
        assert_relative_eq!(db_to_gain(-6.020_599_913_279_624), 0.5, epsilon = 1e-12);
        assert_eq!(gain_to_db(0.0), f64::NEG_INFINITY);
        assert_eq!(db_to_gain(f64::NEG_INFINITY), 0.0);
    }

    #[test]
    fn fast_versions_agree() {
        for db in [-90.0f32, -40.0, -12.5, 0.0, 6.0, 30.0] {
            assert!((fast_gain_to_db(db_to_gain(db as f64) as f32) - db).abs() < 1e-3);
            assert!((fast_db_to_gain(db) as f64 / db_to_gain(db as f64) - 1.0).abs() < 1e-5);
        }
    }
}
