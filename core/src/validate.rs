//! Parameter validation: the one place that turns a bad value into an [`Error`] naming it.

use crate::error::{Error, Range, Result};

/// Checks that `value` lies in `range`; the error names `name`.
#[inline]
pub fn in_range(name: &'static str, value: f64, range: Range) -> Result<f64> {
    in_range_note(name, value, range, "")
}

/// Like [`in_range`] with a note that explains the bound.
#[inline]
pub fn in_range_note(
    name: &'static str,
    value: f64,
    range: Range,
    note: &'static str,
) -> Result<f64> {
    if value.is_finite() && range.contains(value) {
        Ok(value)
    } else {
        Err(Error::Parameter {
            name,
            value,
            range,
            note,
        })
    }
}

/// A sample rate: finite, from 1 Hz to 1.536 MHz (32 × 48 kHz).
pub fn sample_rate(value: f64) -> Result<f64> {
    in_range("sample_rate", value, Range::closed(1.0, 1_536_000.0))
}

/// A frequency in Hz strictly between 0 and Nyquist of `sample_rate`.
pub fn frequency(name: &'static str, value: f64, sample_rate: f64) -> Result<f64> {
    in_range_note(
        name,
        value,
        Range::open(0.0, sample_rate * 0.5),
        "must be above 0 and below Nyquist",
    )
}

/// A time in milliseconds from 0 to `max`.
pub fn time_ms(name: &'static str, value: f64, max: f64) -> Result<f64> {
    in_range(name, value, Range::closed(0.0, max))
}

/// A fraction from 0 to 1 (mixes, amounts).
pub fn unit(name: &'static str, value: f64) -> Result<f64> {
    in_range(name, value, Range::closed(0.0, 1.0))
}

/// Validates a processing spec's numbers.
pub fn spec(sample_rate_hz: f64, max_block_frames: usize, channels: usize) -> Result<()> {
    sample_rate(sample_rate_hz)?;
    in_range(
        "max_block_frames",
        max_block_frames as f64,
        Range::closed(1.0, 1_048_576.0),
    )?;
    in_range(
        "channels",
        channels as f64,
        Range::closed(1.0, crate::processor::MAX_CHANNELS as f64),
    )?;
    Ok(())
}

/// Checks that planar audio `x` has `channels` channels of one length; returns that length.
pub fn planar(x: &[&[f32]], channels: usize) -> Result<usize> {
    if x.len() != channels {
        return Err(Error::ChannelCount {
            expected: channels,
            got: x.len(),
        });
    }
    let frames = x.first().map_or(0, |c| c.len());
    match x.iter().enumerate().find(|(_, c)| c.len() != frames) {
        Some((channel, c)) => Err(Error::ChannelLengths {
            first: frames,
            channel,
            len: c.len(),
        }),
        None => Ok(frames),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_parameter() {
        let e = frequency("frequency_hz", 30000.0, 48000.0).unwrap_err();
        let msg = alloc::format!("{e}");
        assert!(
            msg.contains("frequency_hz") && msg.contains("30000") && msg.contains("24000"),
            "{msg}"
        );
        let huge = alloc::format!(
            "{}",
            in_range("send_db", 1e300, Range::closed(-150.0, 24.0)).unwrap_err()
        );
        assert!(huge.contains("`send_db` = 1e300 is out of range"), "{huge}");
        let tiny = alloc::format!(
            "{}",
            in_range("q", 1e-9, Range::closed(0.001, 100.0)).unwrap_err()
        );
        assert!(tiny.contains("`q` = 1e-9 is out of range"), "{tiny}");
        assert!(sample_rate(f64::NAN).is_err());
        assert!(sample_rate(0.0).is_err());
        assert!(unit("mix", 1.0).is_ok());
        assert!(unit("mix", 1.0001).is_err());
    }
}
