//! The wrapper of every entry point: the body runs under `catch_unwind`, and a failure becomes
//! its status code with its message (prefixed by the function's name) recorded in the
//! thread-local error. Handles carry a poison flag: a panic inside a call on a handle makes
//! the handle refuse further calls (its state may be half-updated), so nothing unwinds into C
//! and nothing runs on broken state. Also the checks of output pointers.

use core::cell::Cell;
use core::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::last_error::record;
use crate::status::*;

/// What went wrong in a call: its status code and its message. The variants used on
/// real-time paths hold no heap data, so reporting them never allocates.
pub(crate) enum Failure {
    /// A core error (its message names the parameter and the range).
    Core(mixmaster::Error),
    /// A session error (line and column, or the track).
    Session(mixmaster_session::Error),
    /// A NULL pointer argument.
    Null(&'static str),
    /// A handle left unusable by an earlier panic.
    Poisoned(&'static str),
    /// A panic was caught.
    Panic,
    /// Text that is not UTF-8.
    Utf8(&'static str),
    /// A count outside `[min, max]`.
    Count {
        code: i32,
        name: &'static str,
        value: usize,
        min: usize,
        max: usize,
    },
    /// An index past the end of something with `count` elements.
    Index {
        what: &'static str,
        index: usize,
        count: usize,
    },
    /// A parameter index past the end of a processor's parameters.
    ParamIndex {
        processor: &'static str,
        index: usize,
        count: usize,
    },
    /// Two channel buffers that overlap.
    Overlap { first: usize, second: usize },
    /// A buffer pointer not aligned for `float`.
    Misaligned(&'static str),
    /// `frames * channels` beyond what memory can hold.
    TooLarge { frames: usize, channels: usize },
    /// A text output buffer too small.
    BufferTooSmall { needed: usize, capacity: usize },
    /// Anything else: a code and a message.
    Message(i32, String),
}

impl Failure {
    /// The status code.
    pub(crate) fn code(&self) -> i32 {
        match self {
            Failure::Core(e) => code_of(e),
            Failure::Session(_) => MM_ERROR_SESSION,
            Failure::Null(_) => MM_ERROR_NULL,
            Failure::Poisoned(_) | Failure::Panic => MM_ERROR_PANIC,
            Failure::Utf8(_) | Failure::Overlap { .. } | Failure::Misaligned(_) => {
                MM_ERROR_ARGUMENT
            }
            Failure::TooLarge { .. } => MM_ERROR_ARGUMENT,
            Failure::Count { code, .. } | Failure::Message(code, _) => *code,
            Failure::Index { .. } | Failure::ParamIndex { .. } => MM_ERROR_INDEX,
            Failure::BufferTooSmall { .. } => MM_ERROR_BUFFER_TOO_SMALL,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Core(e) => write!(f, "{e}"),
            Failure::Session(e) => write!(f, "{e}"),
            Failure::Null(arg) => write!(f, "argument `{arg}` is NULL"),
            Failure::Poisoned(arg) => write!(
                f,
                "this {arg} is unusable after an internal error (a panic, reported earlier): destroy it"
            ),
            Failure::Panic => write!(
                f,
                "internal error: a panic was caught (its message went to stderr); the handle involved is unusable now: destroy it"
            ),
            Failure::Utf8(arg) => write!(f, "argument `{arg}` is not valid UTF-8"),
            Failure::Count {
                name,
                value,
                min,
                max,
                ..
            } => write!(
                f,
                "`{name}` = {value} is out of range: allowed {min} to {max}"
            ),
            Failure::Index { what, index, count } => write!(
                f,
                "no {what} {index}: there are {count} (indices 0 to {count} exclusive)"
            ),
            Failure::ParamIndex {
                processor,
                index,
                count,
            } => write!(
                f,
                "{processor} has no parameter {index}: it has {count} (indices 0 to {count} exclusive)"
            ),
            Failure::Overlap { first, second } => write!(
                f,
                "channel {second} overlaps channel {first}: each channel needs a buffer of its own"
            ),
            Failure::Misaligned(arg) => {
                write!(f, "argument `{arg}` is not aligned for float (4 bytes)")
            }
            Failure::TooLarge { frames, channels } => write!(
                f,
                "{frames} frames of {channels} channels do not fit in memory"
            ),
            Failure::BufferTooSmall { needed, capacity } => write!(
                f,
                "the text needs {needed} bytes with its NUL but the buffer holds {capacity}: it was cut"
            ),
            Failure::Message(_, m) => f.write_str(m),
        }
    }
}

impl From<mixmaster::Error> for Failure {
    fn from(e: mixmaster::Error) -> Self {
        Failure::Core(e)
    }
}

impl From<mixmaster_session::Error> for Failure {
    fn from(e: mixmaster_session::Error) -> Self {
        Failure::Session(e)
    }
}

/// A result whose error is a [`Failure`].
pub(crate) type Result<T> = core::result::Result<T, Failure>;

/// Runs the body of entry point `function`: `MM_OK`, or the failure's code with its message
/// recorded. A panic is caught and reported as `MM_ERROR_PANIC`.
pub(crate) fn run(function: &'static str, body: impl FnOnce() -> Result<()>) -> i32 {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return MM_OK,
        Ok(Err(f)) => f,
        Err(_) => Failure::Panic,
    };
    record(function, &failure);
    failure.code()
}

/// A handle type of the C API: it knows its argument name for messages and carries the
/// poison flag.
pub(crate) trait Handle {
    /// The name of the handle argument in messages ("processor").
    const ARG: &'static str;
    /// The poison flag.
    fn poison(&self) -> &Cell<bool>;
}

/// Runs `body` on a handle given by pointer: NULL and poisoned handles are refused, and a
/// panic in `body` poisons the handle.
pub(crate) fn with_mut<H: Handle>(
    function: &'static str,
    handle: *mut H,
    body: impl FnOnce(&mut H) -> Result<()>,
) -> i32 {
    run(function, || {
        // SAFETY: the C caller passes NULL or a live handle of this type from this library,
        // used by one thread at a time (the header's rules).
        let h = unsafe { handle.as_mut() }.ok_or(Failure::Null(H::ARG))?;
        if h.poison().get() {
            return Err(Failure::Poisoned(H::ARG));
        }
        match catch_unwind(AssertUnwindSafe(|| body(&mut *h))) {
            Ok(r) => r,
            Err(_) => {
                h.poison().set(true);
                Err(Failure::Panic)
            }
        }
    })
}

/// [`with_mut`] for calls that only read the handle.
pub(crate) fn with_ref<H: Handle>(
    function: &'static str,
    handle: *const H,
    body: impl FnOnce(&H) -> Result<()>,
) -> i32 {
    run(function, || {
        // SAFETY: as in `with_mut`.
        let h = unsafe { handle.as_ref() }.ok_or(Failure::Null(H::ARG))?;
        if h.poison().get() {
            return Err(Failure::Poisoned(H::ARG));
        }
        match catch_unwind(AssertUnwindSafe(|| body(h))) {
            Ok(r) => r,
            Err(_) => {
                h.poison().set(true);
                Err(Failure::Panic)
            }
        }
    })
}

/// Destroys a handle made by `Box::into_raw`; NULL does nothing. A panic while dropping is
/// caught (the memory may then leak, but the host goes on).
pub(crate) fn destroy<H>(function: &'static str, handle: *mut H) {
    if handle.is_null() {
        return;
    }
    run(function, || {
        // SAFETY: a handle from `Box::into_raw` in this library, not used afterwards (the
        // header's rules).
        drop(unsafe { Box::from_raw(handle) });
        Ok(())
    });
}

/// The output pointer `out`, checked: a reference to write through.
pub(crate) fn out<'a, T>(ptr: *mut T, name: &'static str) -> Result<&'a mut T> {
    // SAFETY: the C caller passes NULL or a pointer to a writable `T` (the header's rules).
    unsafe { ptr.as_mut() }.ok_or(Failure::Null(name))
}

/// Writes `value` through `ptr` when it is not NULL (optional outputs).
pub(crate) fn write_opt<T>(ptr: *mut T, value: T) {
    // SAFETY: as in `out`.
    if let Some(r) = unsafe { ptr.as_mut() } {
        *r = value;
    }
}

/// Hands a new handle to C through `out`.
pub(crate) fn give<T>(out_ptr: &mut *mut T, value: T) {
    *out_ptr = Box::into_raw(Box::new(value));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::last_error::mm_last_error_message;
    use core::ffi::CStr;

    struct Thing {
        value: i32,
        poisoned: Cell<bool>,
    }

    impl Handle for Thing {
        const ARG: &'static str = "thing";
        fn poison(&self) -> &Cell<bool> {
            &self.poisoned
        }
    }

    fn message() -> String {
        // SAFETY: the library's own thread-local message.
        unsafe { CStr::from_ptr(mm_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_is_caught_reported_and_poisons_the_handle() {
        let mut thing = Thing {
            value: 1,
            poisoned: Cell::new(false),
        };
        let p: *mut Thing = &mut thing;
        assert_eq!(
            with_mut("mm_thing_poke", p, |t| {
                t.value += 1;
                Ok(())
            }),
            MM_OK
        );
        let st = with_mut("mm_thing_poke", p, |_| -> Result<()> { panic!("a bug") });
        assert_eq!(st, MM_ERROR_PANIC);
        assert!(message().starts_with("mm_thing_poke: internal error: a panic was caught"));
        let st = with_ref("mm_thing_read", p.cast_const(), |_| Ok(()));
        assert_eq!(st, MM_ERROR_PANIC);
        assert!(message().contains("this thing is unusable after an internal error"));
        assert_eq!(thing.value, 2);
    }

    #[test]
    fn null_handles_and_outputs_are_named() {
        let st = with_mut("mm_thing_poke", core::ptr::null_mut::<Thing>(), |_| Ok(()));
        assert_eq!(st, MM_ERROR_NULL);
        assert_eq!(message(), "mm_thing_poke: argument `thing` is NULL");
        let st = run("mm_thing_get", || {
            out(core::ptr::null_mut::<f64>(), "out_value")?;
            Ok(())
        });
        assert_eq!(st, MM_ERROR_NULL);
        assert_eq!(message(), "mm_thing_get: argument `out_value` is NULL");
    }

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let long = "é".repeat(5000);
        let st = run("mm_long", || {
            Err(Failure::Message(MM_ERROR_ARGUMENT, long.clone()))
        });
        assert_eq!(st, MM_ERROR_ARGUMENT);
        let m = message();
        assert!(m.starts_with("mm_long: éé") && m.ends_with("é..."));
        assert!(m.len() < 2048);
    }

    #[test]
    fn messages_are_per_thread() {
        run("mm_here", || Err(Failure::Null("x")));
        std::thread::spawn(|| {
            assert_eq!(message(), "");
            run("mm_there", || Err(Failure::Null("y")));
            assert_eq!(message(), "mm_there: argument `y` is NULL");
        })
        .join()
        .unwrap();
        assert_eq!(message(), "mm_here: argument `x` is NULL");
    }
}
