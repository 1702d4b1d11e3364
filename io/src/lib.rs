//! Audio files in and out, for the `mixmaster` command and the bindings (Python's
//! `mixmaster.read` / `mixmaster.write`): one reader and one writer, so a file reads the same
//! everywhere.
//!
//! * [`wav`]: WAV read block by block (8/16/24/32-bit integer, 32-bit float, extensible
//!   headers) and written as 16 or 24-bit integer (TPDF-dithered by the core's dither) or
//!   32-bit float, with the clipped samples counted;
//! * [`decode`]: FLAC, MP3 (gapless), Ogg Vorbis and AIFF through symphonia;
//! * [`input`]: any of them opened by content, block by block or whole ([`input::read`]);
//! * [`resample`]: a file at another rate brought to a session's rate (rubato's FFT resampler);
//! * [`session`]: a session file with its tracks' files open, ready to render.
//!
//! Top of the stack, beside `mixmaster-session`: it holds no DSP of its own (dither is the
//! core's, resampling rubato's) and nothing in the core imports it. Errors are `anyhow` chains
//! that name the file.

pub mod decode;
pub mod input;
pub mod resample;
pub mod session;
pub mod wav;

pub use input::{Input, read};
pub use wav::{Audio, Format, Written, write};
