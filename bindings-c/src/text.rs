//! C strings in and out: NUL-terminated UTF-8 arguments as `&str`, and text written into a
//! caller's buffer (`buf`, `capacity`, `*needed`) the way `snprintf` does.

use core::ffi::{CStr, c_char};

use crate::guard::{Failure, Result, write_opt};

/// The NUL-terminated UTF-8 argument `name` as a `&str`.
pub(crate) fn arg<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Failure::Null(name));
    }
    // SAFETY: the C caller passes a NUL-terminated string that outlives the call.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| Failure::Utf8(name))
}

/// Writes `text` into `buf` (at most `capacity` bytes, NUL included) and its full size with
/// the NUL into `*needed` (when `needed` is not NULL).
///
/// `buf` may be NULL when `capacity` is 0: a size query, which succeeds. Too small a buffer
/// gets the text cut at `capacity - 1` bytes and NUL-terminated, and the call fails with
/// `MM_ERROR_BUFFER_TOO_SMALL`.
pub(crate) fn write(
    text: &str,
    buf: *mut c_char,
    capacity: usize,
    needed: *mut usize,
) -> Result<()> {
    let size = text.len() + 1;
    write_opt(needed, size);
    if capacity == 0 {
        return Ok(());
    }
    if buf.is_null() {
        return Err(Failure::Null("buf"));
    }
    let n = text.len().min(capacity - 1);
    // SAFETY: the C caller's buffer holds `capacity` bytes (the header's rules); `n + 1` of
    // them are written.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
        *buf.add(n) = 0;
    }
    if n < text.len() {
        return Err(Failure::BufferTooSmall {
            needed: size,
            capacity,
        });
    }
    Ok(())
}
