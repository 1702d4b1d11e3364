//! Status codes: what every fallible entry point returns (`MM_OK` or a positive error code, as
//! libebur128 does), the
//! code of each core error, and `mm_status_string`.

use core::ffi::{CStr, c_char};

use mixmaster::Error;

/// Success.
pub const MM_OK: i32 = 0;
/// A pointer argument that must not be NULL is NULL.
pub const MM_ERROR_NULL: i32 = 1;
/// An invalid argument: a bad count, text that is not UTF-8, a setting of the wrong type,
/// overlapping or misaligned buffers, an empty programme.
pub const MM_ERROR_ARGUMENT: i32 = 2;
/// A value outside its allowed range (a parameter, a sample rate, a block size); the message
/// names it and the range.
pub const MM_ERROR_RANGE: i32 = 3;
/// A name that is not known: a processor kind, a parameter, a setting, a choice, a preset.
/// The message lists the valid names.
pub const MM_ERROR_UNKNOWN_NAME: i32 = 4;
/// An index past the end: a parameter, a stage, a channel, a list item, a track.
pub const MM_ERROR_INDEX: i32 = 5;
/// Processing before a successful prepare.
pub const MM_ERROR_NOT_PREPARED: i32 = 6;
/// A channel count the processor or meter was not prepared for, or does not support.
pub const MM_ERROR_CHANNELS: i32 = 7;
/// A text output buffer too small; the text was cut (and NUL-terminated) and `*needed` says
/// how many bytes the whole text takes with its NUL.
pub const MM_ERROR_BUFFER_TOO_SMALL: i32 = 8;
/// A session that cannot be read or rendered (the message gives the line and column or the
/// track).
pub const MM_ERROR_SESSION: i32 = 9;
/// An internal error (a Rust panic) was caught. The handle involved is unusable from now on:
/// destroy it. Please report it as a bug.
pub const MM_ERROR_PANIC: i32 = 10;

/// A static NUL-terminated description of a status code ("unknown status code" for codes the
/// library never returns). Never NULL, never allocates, thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn mm_status_string(status: i32) -> *const c_char {
    let s: &CStr = match status {
        MM_OK => c"success",
        MM_ERROR_NULL => c"a required pointer argument is NULL",
        MM_ERROR_ARGUMENT => c"invalid argument",
        MM_ERROR_RANGE => c"value out of range",
        MM_ERROR_UNKNOWN_NAME => c"unknown name",
        MM_ERROR_INDEX => c"index out of range",
        MM_ERROR_NOT_PREPARED => c"not prepared",
        MM_ERROR_CHANNELS => c"wrong or unsupported channel count",
        MM_ERROR_BUFFER_TOO_SMALL => c"buffer too small",
        MM_ERROR_SESSION => c"session error",
        MM_ERROR_PANIC => c"internal error (panic caught); destroy the handle",
        _ => c"unknown status code",
    };
    s.as_ptr()
}

/// The status code of a core error.
pub(crate) fn code_of(e: &Error) -> i32 {
    match e {
        Error::Parameter { .. } => MM_ERROR_RANGE,
        Error::UnknownParameter { .. }
        | Error::UnknownKind { .. }
        | Error::UnknownSetting { .. }
        | Error::Choice { .. } => MM_ERROR_UNKNOWN_NAME,
        Error::NotPrepared => MM_ERROR_NOT_PREPARED,
        Error::ChannelCount { .. }
        | Error::UnsupportedChannels { .. }
        | Error::ChannelLengths { .. }
        | Error::BufferShape { .. } => MM_ERROR_CHANNELS,
        Error::NoSuch { .. } => MM_ERROR_INDEX,
        Error::InItem { error, .. } => code_of(error),
        _ => MM_ERROR_ARGUMENT,
    }
}
