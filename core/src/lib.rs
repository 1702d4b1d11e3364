//! # mixmaster
//!
//! Composable DSP for mixing and mastering audio.
//!
//! Every processor follows one contract, [`Processor`]:
//!
//! 1. [`Processor::prepare`] with a [`ProcessSpec`] (sample rate, largest block, channel count).
//!    It is the only call that allocates, and it validates its input.
//! 2. [`Processor::process`] a block in place: planar `f32`, one slice per channel. It never
//!    allocates, locks, blocks or panics; blocks longer than the prepared maximum are processed
//!    in pieces. [`Processor::try_process`] checks the block's shape and reports problems as
//!    errors; [`Processor::process_interleaved`] and [`Processor::process_planar`] accept a
//!    single buffer.
//! 3. [`Processor::reset`] clears the state without allocating.
//!
//! Parameter setters validate and return an [`Error`] that names the parameter, the value and
//! the allowed range. Parameter changes are smoothed: gains, pans and mixes per sample, filter
//! coefficients every [`smooth::COEFF_UPDATE_FRAMES`] frames on a grid that does not depend on
//! the block size, so the output does not depend on how the audio is cut into blocks.
//!
//! ```
//! use mixmaster::mix::{Compressor, Filter, FilterKind};
//! use mixmaster::master::Limiter;
//! use mixmaster::{Chain, ProcessSpec, Processor};
//!
//! # fn main() -> Result<(), mixmaster::Error> {
//! // Constructors that validate return a Result (`Filter::new`, `Limiter::new`); `new()`
//! // without arguments never fails (`Compressor::new`). Setters validate and name the
//! // parameter in their error.
//! let mut comp = Compressor::new();
//! comp.set_threshold_db(-20.0)?;
//! let mut chain = Chain::new()
//!     .with(Filter::new(FilterKind::HighPass, 30.0)?)
//!     .with(comp)
//!     .with(Limiter::new(-1.0, 5.0)?);
//! chain.prepare(ProcessSpec::new(48_000.0, 1024, 2))?;
//!
//! // Offline: process the programme, then flush the latency with silence so the output is
//! // complete, and drop the first `latency` frames so it lines up with the input.
//! let input = vec![vec![0.1f32; 48_000]; 2];
//! let latency = chain.latency_frames();
//! let mut out: Vec<Vec<f32>> = input
//!     .iter()
//!     .map(|c| c.iter().copied().chain(std::iter::repeat_n(0.0, latency)).collect())
//!     .collect();
//! let mut parts: Vec<&mut [f32]> = out.iter_mut().map(|c| &mut c[..]).collect();
//! chain.process(&mut parts); // any length: processed in pieces of at most 1024 frames
//! for c in &mut out {
//!     c.drain(..latency);
//! }
//! assert_eq!(out[0].len(), input[0].len());
//! # Ok(())
//! # }
//! ```
//!
//! Every processor also describes itself ([`settings::Describe`]): the [`registry`] builds any
//! kind by name from `(name, value)` [`Settings`] and reports them back, which is what session
//! files and the Python, C and WebAssembly bindings use.
//!
//! Layout: [`mix`] holds the mixing primitives (gain, pan, biquad EQ, compressor, delay, reverb);
//! [`master`] the mastering ones. Shared pieces live in one place each: dB conversions in [`db`],
//! smoothing in [`smooth`], validation in [`validate`], math in [`math`].
//!
//! `no_std`: the crate is `#![no_std]` with `alloc`. Feature `std` (default) uses the standard
//! library's math; feature `libm` provides math without `std`.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(not(any(feature = "std", feature = "libm")))]
compile_error!("mixmaster needs feature `std` or feature `libm` for its math");

#[cfg(feature = "std")]
pub mod analysis;
pub mod cpu;
pub mod db;
pub mod denormal;
pub mod error;
pub mod master;
pub mod math;
pub mod mix;
pub mod oversample;
pub mod param;
pub mod processor;
pub mod registry;
pub mod settings;
pub mod smooth;
pub mod validate;

pub use error::{Error, Result};
pub use param::ParamInfo;
pub use processor::{Chain, ProcessSpec, Processor};
pub use settings::{Settings, Value};

/// The README's Rust examples, compiled and run as doctests so that they work when pasted.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
