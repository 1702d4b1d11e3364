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
