//! [`AudioFiles`]: how the audio a session names besides its tracks (a convolution reverb's
//! `ir = "hall.wav"`) reaches the processors. The session library reads no files: whoever
//! opens a session with files (the command, Python's `Session.load`, through `mixmaster-io`)
//! passes a reader; [`NoFiles`] refuses with a message saying so.

use crate::error::{Error, Result};

/// Reads an audio file a session names, at the session's rate.
pub trait AudioFiles {
    /// The samples of `file` (as written in the session: relative to the session file), planar,
    /// resampled to `sample_rate` if the file is at another rate.
    fn load(&mut self, file: &str, sample_rate: u32) -> Result<Vec<Vec<f32>>>;
}

/// No files: a session that names one is an error saying how to open it.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl AudioFiles for NoFiles {
    fn load(&mut self, file: &str, _: u32) -> Result<Vec<Vec<f32>>> {
        Err(Error::new(format!(
            "the session names the audio file `{file}`, and this renderer reads no files: open the session from its file (the mixmaster command, Python's Session.load, or mixmaster-io)"
        )))
    }
}
