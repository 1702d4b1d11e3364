//! Mix sessions for mixmaster: the session model as a library.
//!
//! A [`Session`] holds tracks (their inserts, sends, fader, pan, mute, solo and automation),
//! buses, the master chain and an optional loudness target. It reads and writes the TOML
//! session format (`docs/session.md`), builds a prepared [`mixmaster::mix::Mixer`] from it, and
//! renders it from the tracks' audio given as [`TrackSource`]s: buffers ([`Buffer`]), or
//! anything that yields blocks (the command's file readers). Inserts are made through the
//! processor [`mixmaster::registry`], so every registered processor and every declared setting
//! is usable in a session without code here.
//!
//! ```
//! use mixmaster_session::{Buffer, Session};
//!
//! let session = Session::from_toml(r#"
//! [[track]]
//! name = "tone"
//! [[track.insert]]
//! type = "compressor"
//! threshold_db = -24.0
//! "#)?;
//! let tone: Vec<f32> = (0..48_000).map(|n| (n as f32 * 0.06).sin() * 0.5).collect();
//! let mix = session.render(48_000, vec![Box::new(Buffer::mono(tone))], &Default::default())?;
//! assert_eq!(mix.channels.len(), 2);
//! # Ok::<(), mixmaster_session::Error>(())
//! ```
//!
//! Layout: [`model`] (the data, with serde), [`format`](mod@format) (TOML in and out, errors with line and
//! column), [`build`] (the mixer from the model), [`render`] (sources and the offline render),
//! [`target`] (loudness targets). Above the core; the command and the bindings use it.

pub mod build;
pub mod error;
pub mod files;
pub mod format;
pub mod model;
pub mod render;
pub mod target;

pub use error::{Error, Result};
pub use files::{AudioFiles, NoFiles};
pub use model::{Automation, Bus, Insert, Master, Normalize, Point, Send, Session, Track};
pub use render::{Buffer, RenderOptions, Rendered, TrackSource};
pub use target::loudness_target;
