//! `mm_meter`: the streaming BS.1770 / EBU R128 loudness meter (`mixmaster::master::
//! LoudnessMeter`) in the shape of libebur128: create with a channel layout or weights, add
//! planar or interleaved frames, read integrated, momentary, short-term loudness, loudness
//! range, sample and true peak. Adding frames and reading never allocate.

use core::cell::Cell;

use mixmaster::master::TruePeakMode;
use mixmaster::master::loudness::{ChannelLayout, LoudnessMeter};
use mixmaster::processor::{MAX_CHANNELS, deinterleave};

use crate::buffers::{Planar, check_channels, interleaved};
use crate::guard::{Failure, Handle, Result, destroy, give, out, run, with_mut, with_ref};
use crate::layout::layout;

/// Samples of the stack scratch that interleaved frames go through.
const SCRATCH: usize = 4096;

/// A loudness meter (opaque).
pub struct MmMeter {
    inner: LoudnessMeter,
    poisoned: Cell<bool>,
}

impl Handle for MmMeter {
    const ARG: &'static str = "meter";
    fn poison(&self) -> &Cell<bool> {
        &self.poisoned
    }
}

fn create(sample_rate: f64, layout: ChannelLayout, out_meter: &mut *mut MmMeter) -> Result<()> {
    let inner = LoudnessMeter::new(sample_rate, layout)?;
    give(
        out_meter,
        MmMeter {
            inner,
            poisoned: Cell::new(false),
        },
    );
    Ok(())
}

/// Creates a meter for `layout` (`MM_LAYOUT_STEREO` ...) at `sample_rate` Hz (8 kHz to
/// 768 kHz) into `*out_meter`, measuring everything (loudness, range, sample and true peak).
/// Destroy with `mm_meter_destroy`. Allocates.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not a layout), `MM_ERROR_RANGE` (the rate).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_create(
    sample_rate: f64,
    layout_code: i32,
    out_meter: *mut *mut MmMeter,
) -> i32 {
    run("mm_meter_create", || {
        let o = out(out_meter, "out_meter")?;
        *o = core::ptr::null_mut();
        create(sample_rate, layout(layout_code)?, o)
    })
}

/// Creates a meter for `channel_count` channels (1 to 32) with the given weights (1.0 for
/// front channels, 1.41 for surrounds, 0 to leave a channel out; 0 to 10) into `*out_meter`.
/// `weights` is copied. Allocates.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_CHANNELS` (the count), `MM_ERROR_RANGE` (a weight, or
/// the rate).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_create_weighted(
    sample_rate: f64,
    weights: *const f64,
    channel_count: usize,
    out_meter: *mut *mut MmMeter,
) -> i32 {
    run("mm_meter_create_weighted", || {
        let o = out(out_meter, "out_meter")?;
        *o = core::ptr::null_mut();
        if weights.is_null() {
            return Err(Failure::Null("weights"));
        }
        check_channels("channel_count", channel_count)?;
        // SAFETY: the caller's array holds `channel_count` weights (the header's rules).
        let w = unsafe { core::slice::from_raw_parts(weights, channel_count) };
        create(sample_rate, ChannelLayout::Custom(w.to_vec()), o)
    })
}

/// True peak read as ITU-R BS.1770 specifies (4x interpolation), as libebur128 and ffmpeg
/// read it: the default.
pub const MM_TRUE_PEAK_STANDARD: i32 = 0;
/// True peak read on the 16x band-limited reconstruction a DAC or an encoder produces (within
/// 0.05 dB of a 16x Kaiser-sinc reference on any input; about twice the cost).
pub const MM_TRUE_PEAK_PRECISE: i32 = 1;

/// Sets how the meter reads true peak (`MM_TRUE_PEAK_STANDARD` or `MM_TRUE_PEAK_PRECISE`) and
/// forgets everything measured, as `mm_meter_reset`. Allocates: call it before adding frames.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not a mode).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_set_true_peak_mode(meter: *mut MmMeter, mode: i32) -> i32 {
    with_mut("mm_meter_set_true_peak_mode", meter, |m| {
        let mode = match mode {
            MM_TRUE_PEAK_STANDARD => TruePeakMode::Standard,
            MM_TRUE_PEAK_PRECISE => TruePeakMode::Precise,
            _ => {
                return Err(Failure::Message(
                    crate::status::MM_ERROR_ARGUMENT,
                    format!(
                        "`mode` = {mode} is not a true-peak mode: use MM_TRUE_PEAK_STANDARD (0) or MM_TRUE_PEAK_PRECISE (1)"
                    ),
                ));
            }
        };
        m.inner.set_true_peak_mode(mode);
        Ok(())
    })
}

/// Sets the seconds between the short-term blocks the loudness range is computed from (0.1 to
/// 3.0, in tenths) and forgets everything measured. 0.1 (the default) is what EBU Tech 3342
/// asks since 2016; 1.0 is libebur128's cadence, for a loudness range equal to its. Real-time
/// safe (does not allocate).
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_RANGE` (out of range or not a whole number of tenths).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_set_loudness_range_hop(meter: *mut MmMeter, hop_s: f64) -> i32 {
    with_mut("mm_meter_set_loudness_range_hop", meter, |m| {
        let tenths = (hop_s * 10.0).round();
        let whole_tenths = hop_s.is_finite() && (hop_s * 10.0 - tenths).abs() < 1e-9;
        if !(whole_tenths && (1.0..=30.0).contains(&tenths)) {
            return Err(Failure::Message(
                crate::status::MM_ERROR_RANGE,
                format!(
                    "`hop_s` = {hop_s} is out of range: allowed 0.1 to 3.0 s in tenths of a second (1.0 is libebur128's cadence)"
                ),
            ));
        }
        m.inner.set_loudness_range_hop_100ms(tenths as u16)?;
        Ok(())
    })
}

/// Destroys a meter; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_destroy(meter: *mut MmMeter) {
    destroy("mm_meter_destroy", meter);
}

/// Forgets everything measured. Real-time safe.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_reset(meter: *mut MmMeter) -> i32 {
    with_mut("mm_meter_reset", meter, |m| {
        m.inner.reset();
        Ok(())
    })
}

/// How many channels the meter measures, into `*out_count`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_channels(meter: *const MmMeter, out_count: *mut usize) -> i32 {
    with_ref("mm_meter_channels", meter, |m| {
        *out(out_count, "out_count")? = m.inner.channels();
        Ok(())
    })
}

/// Measures a planar block: `channels[c]` points to `frames` floats of channel `c`, for the
/// meter's `channel_count` channels. Any `frames`. NaN and infinite samples count as silence
/// (and are counted). Real-time safe: never allocates, locks or blocks.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_CHANNELS` (not the meter's count), `MM_ERROR_ARGUMENT`
/// (overlapping or misaligned buffers). On error nothing is measured.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_add_planar(
    meter: *mut MmMeter,
    channels: *const *const f32,
    channel_count: usize,
    frames: usize,
) -> i32 {
    with_mut("mm_meter_add_planar", meter, |m| {
        let block = Planar::new(channels, channel_count, frames)?;
        Ok(m.inner.try_add_planar(block.channels())?)
    })
}

/// Measures an interleaved block: `samples` holds `frames * channel_count` floats
/// (`L R L R ...`). Gives the same results as the planar call. Real-time safe.
///
/// Errors: as `mm_meter_add_planar` (`samples` for the NULL pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_add_interleaved(
    meter: *mut MmMeter,
    samples: *const f32,
    channel_count: usize,
    frames: usize,
) -> i32 {
    with_mut("mm_meter_add_interleaved", meter, |m| {
        let buf = interleaved(samples, channel_count, frames)?;
        let ch = channel_count;
        if ch != m.inner.channels() {
            return Err(mixmaster::Error::ChannelCount {
                expected: m.inner.channels(),
                got: ch,
            }
            .into());
        }
        // In pieces through a stack scratch: no allocation for any channel count.
        let mut scratch = [0.0f32; SCRATCH];
        for part in buf.chunks(SCRATCH / ch * ch) {
            let n = part.len() / ch;
            let planar = &mut scratch[..n * ch];
            deinterleave(part, planar, ch);
            let mut refs: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
            for (r, c) in refs.iter_mut().zip(planar.chunks_exact(n)) {
                *r = c;
            }
            m.inner.try_add_planar(&refs[..ch])?;
        }
        Ok(())
    })
}

/// Runs a read-out of the meter into `*out_value`.
fn read<T>(
    function: &'static str,
    meter: *const MmMeter,
    (out_value, name): (*mut T, &'static str),
    f: impl FnOnce(&LoudnessMeter) -> Result<T>,
) -> i32 {
    with_ref(function, meter, |m| {
        let o = out(out_value, name)?;
        *o = f(&m.inner)?;
        Ok(())
    })
}

/// The channel index `channel`, checked.
fn channel(m: &LoudnessMeter, channel: usize) -> Result<usize> {
    if channel < m.channels() {
        Ok(channel)
    } else {
        Err(Failure::Index {
            what: "channel",
            index: channel,
            count: m.channels(),
        })
    }
}

/// Integrated (gated) loudness of everything added, LUFS, into `*out_value` (-HUGE_VAL, that
/// is -inf, when nothing passes the gates: silence). Real-time safe (like every read-out).
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_integrated(meter: *const MmMeter, out_value: *mut f64) -> i32 {
    read(
        "mm_meter_integrated",
        meter,
        (out_value, "out_value"),
        |m| Ok(m.integrated_lufs()),
    )
}

/// Momentary loudness (the last 400 ms), LUFS (-inf for silence), into `*out_value`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_momentary(meter: *const MmMeter, out_value: *mut f64) -> i32 {
    read("mm_meter_momentary", meter, (out_value, "out_value"), |m| {
        Ok(m.momentary_lufs())
    })
}

/// Short-term loudness (the last 3 s), LUFS (-inf for silence), into `*out_value`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_short_term(meter: *const MmMeter, out_value: *mut f64) -> i32 {
    read(
        "mm_meter_short_term",
        meter,
        (out_value, "out_value"),
        |m| Ok(m.short_term_lufs()),
    )
}

/// The largest momentary loudness so far (hop of at most 5 ms), LUFS, into `*out_value`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_max_momentary(meter: *const MmMeter, out_value: *mut f64) -> i32 {
    read(
        "mm_meter_max_momentary",
        meter,
        (out_value, "out_value"),
        |m| Ok(m.max_momentary_lufs()),
    )
}

/// The largest short-term loudness so far, LUFS, into `*out_value`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_max_short_term(
    meter: *const MmMeter,
    out_value: *mut f64,
) -> i32 {
    read(
        "mm_meter_max_short_term",
        meter,
        (out_value, "out_value"),
        |m| Ok(m.max_short_term_lufs()),
    )
}

/// Loudness range (EBU Tech 3342), LU, into `*out_value` (0 when too little passed the gates).
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_loudness_range(
    meter: *const MmMeter,
    out_value: *mut f64,
) -> i32 {
    read(
        "mm_meter_loudness_range",
        meter,
        (out_value, "out_value"),
        |m| Ok(m.loudness_range_lu()),
    )
}

/// Sample peak of channel `channel`, dBFS (-inf for silence), into `*out_value`. (libebur128
/// gives peaks as linear gains: this is `20 log10` of that.)
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_INDEX` (no such channel).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_sample_peak(
    meter: *const MmMeter,
    channel_index: usize,
    out_value: *mut f64,
) -> i32 {
    read(
        "mm_meter_sample_peak",
        meter,
        (out_value, "out_value"),
        |m| Ok(m.sample_peak_dbfs(channel(m, channel_index)?)),
    )
}

/// The largest sample peak over the channels, dBFS, into `*out_value`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_sample_peak_max(
    meter: *const MmMeter,
    out_value: *mut f64,
) -> i32 {
    read(
        "mm_meter_sample_peak_max",
        meter,
        (out_value, "out_value"),
        |m| Ok(m.sample_peak_max_dbfs()),
    )
}

/// True peak (4x oversampled, BS.1770-4 Annex 2) of channel `channel`, dBTP (-inf for
/// silence), into `*out_value`.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_INDEX` (no such channel).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_true_peak(
    meter: *const MmMeter,
    channel_index: usize,
    out_value: *mut f64,
) -> i32 {
    read("mm_meter_true_peak", meter, (out_value, "out_value"), |m| {
        Ok(m.true_peak_channel_dbtp(channel(m, channel_index)?))
    })
}

/// The largest true peak over the channels, dBTP, into `*out_value`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_true_peak_max(meter: *const MmMeter, out_value: *mut f64) -> i32 {
    read(
        "mm_meter_true_peak_max",
        meter,
        (out_value, "out_value"),
        |m| Ok(m.true_peak_dbtp()),
    )
}

/// Frames measured since creation or reset, into `*out_frames`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_frames(meter: *const MmMeter, out_frames: *mut u64) -> i32 {
    read("mm_meter_frames", meter, (out_frames, "out_frames"), |m| {
        Ok(m.frames())
    })
}

/// NaN or infinite samples met (measured as silence), into `*out_count`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_meter_non_finite_samples(
    meter: *const MmMeter,
    out_count: *mut u64,
) -> i32 {
    read(
        "mm_meter_non_finite_samples",
        meter,
        (out_count, "out_count"),
        |m| Ok(m.non_finite_samples()),
    )
}
