//! The thread-local error message: what the last failed call on this thread found wrong,
//! prefixed by the function's name. A fixed buffer in thread-local storage, so recording a
//! message never allocates (a message longer than the buffer is cut and ends in "...").

use core::cell::RefCell;
use core::ffi::c_char;
use core::fmt::{self, Write};

/// Bytes of the buffer, NUL included.
const CAPACITY: usize = 2048;
/// Room kept for the "..." of a cut message and the NUL.
const RESERVE: usize = 4;

struct Message {
    buf: [u8; CAPACITY],
    len: usize,
    cut: bool,
}

impl Message {
    const EMPTY: Message = Message {
        buf: [0; CAPACITY],
        len: 0,
        cut: false,
    };

    fn set(&mut self, function: &str, what: &dyn fmt::Display) {
        self.len = 0;
        self.cut = false;
        let _ = write!(self, "{function}: {what}");
        if self.cut {
            self.buf[self.len..self.len + 3].copy_from_slice(b"...");
            self.len += 3;
        }
        self.buf[self.len] = 0;
    }
}

impl Write for Message {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.cut {
            return Ok(());
        }
        let room = CAPACITY - RESERVE - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        // A C string ends at its first NUL: none may come from the message itself.
        for (d, b) in self.buf[self.len..self.len + take]
            .iter_mut()
            .zip(s.bytes())
        {
            *d = if b == 0 { b'?' } else { b };
        }
        self.len += take;
        self.cut = take < s.len();
        Ok(())
    }
}

thread_local! {
    // Const-initialised and without a destructor: no allocation, no registration, and the
    // buffer stays where it is for the life of the thread.
    static LAST: RefCell<Message> = const { RefCell::new(Message::EMPTY) };
}

/// Records `function: what` as this thread's last error.
pub(crate) fn record(function: &str, what: &dyn fmt::Display) {
    let _ = LAST.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.set(function, what);
        }
    });
}

/// The message of the last call that failed on this thread, naming the function and what was
/// wrong (the bad argument or parameter, its value and the allowed range, the valid names):
/// for example `"mm_processor_set_param: parameter `threshold_db` = 5 is out of range: allowed
/// [-80, 0]"`. An empty string before any failure. Successful calls leave it unchanged.
///
/// The text belongs to the library and stays valid on this thread until the next failing call
/// on this thread. Never NULL; never allocates; real-time safe.
#[unsafe(no_mangle)]
pub extern "C" fn mm_last_error_message() -> *const c_char {
    LAST.try_with(|m| {
        // SAFETY: a pointer to the thread-local buffer, not a reference held past `with`.
        unsafe { (*m.as_ptr()).buf.as_ptr().cast::<c_char>() }
    })
    .unwrap_or(c"".as_ptr())
}
