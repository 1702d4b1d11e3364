//! C audio buffers as Rust slices, checked and without allocating: planar buffers
//! (`float *const *channels`, one pointer per channel) become a stack array of at most
//! `MAX_CHANNELS` slices, as the core's own block calls hold them; interleaved buffers
//! (`float *`, `frames * channels` samples) become one slice. The checks: NULL pointers,
//! channel counts, sizes that overflow, misaligned and overlapping channel buffers (two
//! `&mut` slices over the same memory would be undefined behaviour in Rust).

use mixmaster::processor::MAX_CHANNELS;

use crate::guard::{Failure, Result};
use crate::status::MM_ERROR_CHANNELS;

/// Checks a channel count: 1 to `MAX_CHANNELS`.
pub(crate) fn check_channels(name: &'static str, channels: usize) -> Result<()> {
    if (1..=MAX_CHANNELS).contains(&channels) {
        Ok(())
    } else {
        Err(Failure::Count {
            code: MM_ERROR_CHANNELS,
            name,
            value: channels,
            min: 1,
            max: MAX_CHANNELS,
        })
    }
}

/// `frames * channels`, checked against what memory can hold.
fn samples(frames: usize, channels: usize) -> Result<usize> {
    frames
        .checked_mul(channels)
        .filter(|n| *n <= isize::MAX as usize / size_of::<f32>())
        .ok_or(Failure::TooLarge { frames, channels })
}

/// The channel pointers of a planar buffer, checked: not NULL, aligned, not overlapping.
fn channel_pointers(
    ptrs: *const *const f32,
    channels: usize,
    frames: usize,
) -> Result<[*const f32; MAX_CHANNELS]> {
    if ptrs.is_null() {
        return Err(Failure::Null("channels"));
    }
    check_channels("channel_count", channels)?;
    samples(frames, channels)?;
    let mut p = [core::ptr::null::<f32>(); MAX_CHANNELS];
    for (c, slot) in p.iter_mut().enumerate().take(channels) {
        // SAFETY: the C caller's array holds `channels` pointers (the header's rules).
        let ch = unsafe { *ptrs.add(c) };
        if ch.is_null() {
            return Err(Failure::Null(CHANNEL_NAMES[c]));
        }
        if !ch.is_aligned() {
            return Err(Failure::Misaligned(CHANNEL_NAMES[c]));
        }
        *slot = ch;
    }
    let span = frames * size_of::<f32>();
    for b in 1..channels {
        for a in 0..b {
            let (x, y) = (p[a] as usize, p[b] as usize);
            if x < y + span && y < x + span {
                return Err(Failure::Overlap {
                    first: a,
                    second: b,
                });
            }
        }
    }
    Ok(p)
}

/// Names of the channel pointers in messages ("channels[3]").
const CHANNEL_NAMES: [&str; MAX_CHANNELS] = [
    "channels[0]",
    "channels[1]",
    "channels[2]",
    "channels[3]",
    "channels[4]",
    "channels[5]",
    "channels[6]",
    "channels[7]",
    "channels[8]",
    "channels[9]",
    "channels[10]",
    "channels[11]",
    "channels[12]",
    "channels[13]",
    "channels[14]",
    "channels[15]",
    "channels[16]",
    "channels[17]",
    "channels[18]",
    "channels[19]",
    "channels[20]",
    "channels[21]",
    "channels[22]",
    "channels[23]",
    "channels[24]",
    "channels[25]",
    "channels[26]",
    "channels[27]",
    "channels[28]",
    "channels[29]",
    "channels[30]",
    "channels[31]",
];

/// A planar buffer to process in place: `channels` slices of `frames` samples.
pub(crate) struct PlanarMut<'a> {
    parts: [&'a mut [f32]; MAX_CHANNELS],
    channels: usize,
}

impl<'a> PlanarMut<'a> {
    /// Checks and wraps a C planar buffer (`float *const *`).
    pub(crate) fn new(ptrs: *const *mut f32, channels: usize, frames: usize) -> Result<Self> {
        let p = channel_pointers(ptrs.cast(), channels, frames)?;
        let mut parts: [&'a mut [f32]; MAX_CHANNELS] = Default::default();
        for (dst, src) in parts.iter_mut().zip(p).take(channels) {
            // SAFETY: checked above: not NULL, aligned, `frames` samples each (the header's
            // rules), no two overlapping; they live for the call.
            *dst = unsafe { core::slice::from_raw_parts_mut(src.cast_mut(), frames) };
        }
        Ok(PlanarMut { parts, channels })
    }

    /// The channels.
    pub(crate) fn channels(&mut self) -> &mut [&'a mut [f32]] {
        &mut self.parts[..self.channels]
    }
}

/// A planar buffer to read: `channels` slices of `frames` samples.
pub(crate) struct Planar<'a> {
    parts: [&'a [f32]; MAX_CHANNELS],
    channels: usize,
}

impl<'a> Planar<'a> {
    /// Checks and wraps a C planar buffer (`const float *const *`).
    pub(crate) fn new(ptrs: *const *const f32, channels: usize, frames: usize) -> Result<Self> {
        let p = channel_pointers(ptrs, channels, frames)?;
        let mut parts: [&'a [f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
        for (dst, src) in parts.iter_mut().zip(p).take(channels) {
            // SAFETY: checked above: not NULL, aligned, `frames` samples each; they live for
            // the call.
            *dst = unsafe { core::slice::from_raw_parts(src, frames) };
        }
        Ok(Planar { parts, channels })
    }

    /// The channels.
    pub(crate) fn channels(&self) -> &[&'a [f32]] {
        &self.parts[..self.channels]
    }
}

/// Checks and wraps a C interleaved buffer of `frames * channels` samples to process in place.
pub(crate) fn interleaved_mut<'a>(
    ptr: *mut f32,
    channels: usize,
    frames: usize,
) -> Result<&'a mut [f32]> {
    let n = interleaved_len(ptr.cast_const(), channels, frames)?;
    // SAFETY: checked: not NULL, aligned, `n` samples (the header's rules).
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, n) })
}

/// Checks and wraps a C interleaved buffer of `frames * channels` samples to read.
pub(crate) fn interleaved<'a>(
    ptr: *const f32,
    channels: usize,
    frames: usize,
) -> Result<&'a [f32]> {
    let n = interleaved_len(ptr, channels, frames)?;
    // SAFETY: checked: not NULL, aligned, `n` samples (the header's rules).
    Ok(unsafe { core::slice::from_raw_parts(ptr, n) })
}

fn interleaved_len(ptr: *const f32, channels: usize, frames: usize) -> Result<usize> {
    if ptr.is_null() {
        return Err(Failure::Null("samples"));
    }
    if !ptr.is_aligned() {
        return Err(Failure::Misaligned("samples"));
    }
    check_channels("channel_count", channels)?;
    samples(frames, channels)
}
