//! # mixmaster-c: the C binding of mixmaster
//!
//! Builds `libmixmaster.so` and `libmixmaster.a`. Their interface, `include/mixmaster.h`, is
//! generated from these files by cbindgen in `build.rs`, together with a section generated from
//! the processor registry (the `MM_<KIND>_<PARAM>` parameter indices), and committed; the
//! test script fails when the committed header is stale (`bash bindings-c/update-header.sh`
//! rewrites it). The header's preamble (in `cbindgen.toml`) states the rules of the API:
//! ownership, threading, real-time safety, status codes and errors. `docs/c-api.md` shows it
//! in use.
//!
//! Processors are made and set through `mixmaster::registry`: there is no per-processor code
//! and no DSP here, so a kind or parameter added to the core reaches C by rebuilding (and
//! regenerating the header for its index constants).
//!
//! Every entry point runs through [`guard`]: NULL pointers, counts and ranges are checked,
//! panics are caught, and failures return a status code with a message in a thread-local
//! buffer. Layout, one concept per file:
//! * [`status`]: the status codes; [`last_error`]: the thread-local message; [`guard`]: the
//!   entry-point wrapper; [`version`]: version and CPU queries;
//! * [`text`]: C strings in and out; [`buffers`]: C audio buffers as slices;
//! * [`catalog`]: the registry's kinds, parameters, options and presets as C data;
//! * [`settings`]: `mm_settings`; [`processor`]: `mm_processor`; [`chain`]: `mm_chain`;
//!   [`ops`]: what the last two share;
//! * [`layout`]: channel layouts; [`meter`]: `mm_meter`; [`normalize`]: `mm_normalize`;
//! * [`session`]: `mm_session` and `mm_mix`.

// The safety contract of every entry point is the one stated in the header's preamble (valid
// handles, buffers of the stated sizes, one thread per handle at a time), not a per-function
// `# Safety` section, which would repeat it some ninety times in the header.
#![allow(clippy::missing_safety_doc)]

// In the order of the header (cbindgen follows the modules in this order).
pub mod status;

pub mod last_error;

pub mod version;

pub mod catalog;

pub mod settings;

pub mod processor;

pub mod chain;

pub mod layout;

pub mod meter;

pub mod normalize;

pub mod session;

mod buffers;
mod guard;
mod ops;
mod text;
