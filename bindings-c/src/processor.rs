//! `mm_processor`: one processor of any registry kind, made by name from settings, prepared,
//! run over planar or interleaved blocks, its parameters set by index or name. Every kind goes
//! through `mixmaster::registry`: nothing here knows a particular processor.

use core::cell::Cell;
use core::ffi::c_char;

use mixmaster::settings::Settings;
use mixmaster::{Processor, registry};

use crate::catalog::MmKindInfo;
use crate::guard::{Failure, Handle, destroy, give, out, run, with_mut, with_ref};
use crate::ops;
use crate::settings::MmSettings;
use crate::text;

/// A processor (opaque).
pub struct MmProcessor {
    pub(crate) inner: Box<dyn Processor>,
    poisoned: Cell<bool>,
}

impl Handle for MmProcessor {
    const ARG: &'static str = "processor";
    fn poison(&self) -> &Cell<bool> {
        &self.poisoned
    }
}

/// Creates a processor of kind `kind` ("compressor", or an alias such as "eq") with every
/// setting at its default, into `*out_processor` (set to NULL on failure). Destroy with
/// `mm_processor_destroy`. Allocates.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not UTF-8), `MM_ERROR_UNKNOWN_NAME` (the
/// message lists the kinds).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_create(
    kind: *const c_char,
    out_processor: *mut *mut MmProcessor,
) -> i32 {
    // SAFETY: forwarded arguments, same rules.
    unsafe {
        create(
            "mm_processor_create",
            kind,
            core::ptr::null(),
            out_processor,
        )
    }
}

/// Creates a processor of kind `kind` from `settings` (NULL: all defaults): its options
/// (`detector` = "rms", a delay's `max_ms`, an equalizer's `bands`) and the starting values of
/// its parameters. `settings` stays the caller's. Allocates.
///
/// Errors: as `mm_processor_create`, and those of the settings: `MM_ERROR_UNKNOWN_NAME` (a
/// setting or choice the kind does not have: the message lists the valid ones),
/// `MM_ERROR_RANGE` (a value out of range: the message names it and the range),
/// `MM_ERROR_ARGUMENT` (a value of the wrong type). Errors in a list item name its index
/// (`bands[2]: ...`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_create_with(
    kind: *const c_char,
    settings: *const MmSettings,
    out_processor: *mut *mut MmProcessor,
) -> i32 {
    // SAFETY: forwarded arguments, same rules.
    unsafe { create("mm_processor_create_with", kind, settings, out_processor) }
}

unsafe fn create(
    function: &'static str,
    kind: *const c_char,
    settings: *const MmSettings,
    out_processor: *mut *mut MmProcessor,
) -> i32 {
    run(function, || {
        let o = out(out_processor, "out_processor")?;
        *o = core::ptr::null_mut();
        let kind = text::arg(kind, "kind")?;
        let empty = Settings::new();
        // SAFETY: NULL or a live settings handle (the header's rules).
        let settings = unsafe { settings.as_ref() }.map_or(&empty, |s| &s.inner);
        let inner = registry::build(kind, settings)?;
        give(
            o,
            MmProcessor {
                inner,
                poisoned: Cell::new(false),
            },
        );
        Ok(())
    })
}

/// Destroys a processor; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_destroy(processor: *mut MmProcessor) {
    destroy("mm_processor_destroy", processor);
}

/// The processor's kind (its parameters and options), into `*out_kind`: an entry of the
/// library's catalogue, valid for the life of the process.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_kind(
    processor: *const MmProcessor,
    out_kind: *mut *const MmKindInfo,
) -> i32 {
    with_ref("mm_processor_kind", processor, |p| {
        let o = out(out_kind, "out_kind")?;
        *o = ops::kind(p.inner.as_ref())?;
        Ok(())
    })
}

/// The processor's current settings (every option and every parameter), as new settings into
/// `*out_settings` (destroy with `mm_settings_destroy`). Creating its kind from them gives the
/// same processor. Allocates.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_settings(
    processor: *const MmProcessor,
    out_settings: *mut *mut MmSettings,
) -> i32 {
    with_ref("mm_processor_settings", processor, |p| {
        let o = out(out_settings, "out_settings")?;
        give(o, MmSettings::new(registry::settings_of(p.inner.as_ref())));
        Ok(())
    })
}

/// Prepares the processor for `channel_count` channels at `sample_rate` Hz in blocks of up to
/// `max_block` frames (longer blocks are processed in pieces), and clears its state. The only
/// call besides creation that allocates. Call again to change any of the three.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_RANGE` (sample rate 1 Hz to 1.536 MHz, block 1 to
/// 1048576 frames, 1 to 32 channels), `MM_ERROR_CHANNELS` (a count the kind does not support,
/// such as 1 for `stereo_width`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_prepare(
    processor: *mut MmProcessor,
    sample_rate: f64,
    max_block: usize,
    channel_count: usize,
) -> i32 {
    with_mut("mm_processor_prepare", processor, |p| {
        ops::prepare(p.inner.as_mut(), sample_rate, max_block, channel_count)
    })
}

/// Processes a planar block in place: `channels[c]` points to `frames` floats of channel `c`,
/// for `channel_count` channels (the prepared count), each buffer its own. Any `frames`,
/// including 0 and more than `max_block`. Real-time safe: never allocates, locks or blocks.
///
/// Errors: `MM_ERROR_NULL` (`channels` or one of its pointers), `MM_ERROR_NOT_PREPARED`,
/// `MM_ERROR_CHANNELS` (not the prepared count), `MM_ERROR_ARGUMENT` (overlapping or
/// misaligned buffers). On error the block is left untouched.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_process(
    processor: *mut MmProcessor,
    channels: *const *mut f32,
    channel_count: usize,
    frames: usize,
) -> i32 {
    with_mut("mm_processor_process", processor, |p| {
        ops::process(p.inner.as_mut(), channels, channel_count, frames)
    })
}

/// Processes an interleaved block in place: `samples` holds `frames * channel_count` floats
/// (`L R L R ...`), `channel_count` being the prepared count. The output equals planar
/// processing of the same audio. Real-time safe: never allocates, locks or blocks.
///
/// Errors: as `mm_processor_process` (`samples` for the NULL pointer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_process_interleaved(
    processor: *mut MmProcessor,
    samples: *mut f32,
    channel_count: usize,
    frames: usize,
) -> i32 {
    with_mut("mm_processor_process_interleaved", processor, |p| {
        ops::process_interleaved(p.inner.as_mut(), samples, channel_count, frames)
    })
}

/// Loads audio data `name` (an option of kind `MM_OPTION_AUDIO`, such as `convolution_reverb`'s
/// `"ir"`): `channels[c]` points to `frames` floats of channel `c`, for `channel_count`
/// channels, recorded at `sample_rate`; `label` (may be NULL) names it in the settings read
/// back. The data is copied. Allocates: call it before `mm_processor_prepare`, or off the audio
/// thread (a prepared processor prepares again, with fresh state).
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_UNKNOWN_NAME` (the kind takes no such data),
/// `MM_ERROR_ARGUMENT` (a channel count, length, rate or sample the kind cannot use: the
/// message says which).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_load_audio(
    processor: *mut MmProcessor,
    name: *const c_char,
    channels: *const *const f32,
    channel_count: usize,
    frames: usize,
    sample_rate: f64,
    label: *const c_char,
) -> i32 {
    with_mut("mm_processor_load_audio", processor, |p| {
        let name = text::arg(name, "name")?;
        let label = if label.is_null() {
            "array"
        } else {
            text::arg(label, "label")?
        };
        crate::buffers::check_channels("channel_count", channel_count)?;
        let planar = crate::buffers::Planar::new(channels, channel_count, frames)?;
        p.inner
            .load_audio(name, planar.channels(), sample_rate, label)
            .map_err(Failure::from)
    })
}

/// Clears the state (delay lines, envelopes, filter memories) as if freshly prepared. Real-time
/// safe.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_reset(processor: *mut MmProcessor) -> i32 {
    with_mut("mm_processor_reset", processor, |p| {
        p.inner.reset();
        Ok(())
    })
}

/// Frames by which the output lags the input (the limiter's lookahead, the linear-phase EQ's
/// delay), into `*out_frames`; valid after prepare. Real-time safe.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_latency(
    processor: *const MmProcessor,
    out_frames: *mut usize,
) -> i32 {
    with_ref("mm_processor_latency", processor, |p| {
        *out(out_frames, "out_frames")? = p.inner.latency_frames();
        Ok(())
    })
}

/// Frames of output that can follow the end of the input (a reverb's or delay's decay), into
/// `*out_frames`; valid after prepare. Real-time safe.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_tail(
    processor: *const MmProcessor,
    out_frames: *mut usize,
) -> i32 {
    with_ref("mm_processor_tail", processor, |p| {
        *out(out_frames, "out_frames")? = p.inner.tail_frames();
        Ok(())
    })
}

/// The index of the parameter called `name` (equal to its `MM_<KIND>_<PARAM>` constant), into
/// `*out_index`.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT`, `MM_ERROR_UNKNOWN_NAME` (the message lists
/// the parameters, and says when the name is an option, fixed at creation).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_param_index(
    processor: *const MmProcessor,
    name: *const c_char,
    out_index: *mut usize,
) -> i32 {
    with_ref("mm_processor_param_index", processor, |p| {
        let o = out(out_index, "out_index")?;
        *o = ops::param_index(p.inner.as_ref(), text::arg(name, "name")?)?;
        Ok(())
    })
}

/// Sets parameter `index` (`MM_COMPRESSOR_THRESHOLD_DB` ...) to `value`, smoothed as the
/// processor smooths it. Real-time safe: never allocates, locks or blocks, also when it fails.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_INDEX`, `MM_ERROR_RANGE` (the message names the
/// parameter, the value and the allowed range; the parameter keeps its value).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_set_param(
    processor: *mut MmProcessor,
    index: usize,
    value: f64,
) -> i32 {
    with_mut("mm_processor_set_param", processor, |p| {
        ops::set_param(p.inner.as_mut(), index, value)
    })
}

/// The value (target, before smoothing) of parameter `index`, into `*out_value`. Real-time
/// safe.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_INDEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_get_param(
    processor: *const MmProcessor,
    index: usize,
    out_value: *mut f64,
) -> i32 {
    with_ref("mm_processor_get_param", processor, |p| {
        let o = out(out_value, "out_value")?;
        *o = ops::get_param(p.inner.as_ref(), index)?;
        Ok(())
    })
}

/// Sets the parameter called `name` ("threshold_db"). A string lookup: in hot code prefer
/// `mm_processor_set_param` with the index constant. Does not allocate unless it fails.
///
/// Errors: as `mm_processor_set_param` and `mm_processor_param_index`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_set_param_by_name(
    processor: *mut MmProcessor,
    name: *const c_char,
    value: f64,
) -> i32 {
    with_mut("mm_processor_set_param_by_name", processor, |p| {
        let i = ops::param_index(p.inner.as_ref(), text::arg(name, "name")?)?;
        ops::set_param(p.inner.as_mut(), i, value)
    })
}

/// The value of the parameter called `name`, into `*out_value`.
///
/// Errors: as `mm_processor_get_param` and `mm_processor_param_index`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_processor_get_param_by_name(
    processor: *const MmProcessor,
    name: *const c_char,
    out_value: *mut f64,
) -> i32 {
    with_ref("mm_processor_get_param_by_name", processor, |p| {
        let o = out(out_value, "out_value")?;
        let i = ops::param_index(p.inner.as_ref(), text::arg(name, "name")?)?;
        *o = ops::get_param(p.inner.as_ref(), i)?;
        Ok(())
    })
}

/// Takes the processor out of its handle (the handle is freed), for `mm_chain_push`.
pub(crate) fn take(processor: *mut MmProcessor) -> Result<Box<dyn Processor>, Failure> {
    if processor.is_null() {
        return Err(Failure::Null("processor"));
    }
    // SAFETY: a live processor handle from `Box::into_raw` (the header's rules); the caller
    // must not use it afterwards, as `mm_chain_push` documents.
    let h = unsafe { Box::from_raw(processor) };
    if h.poisoned.get() {
        // Leave it to the caller, who still owns it.
        let _ = Box::into_raw(h);
        return Err(Failure::Poisoned("processor"));
    }
    Ok(h.inner)
}
