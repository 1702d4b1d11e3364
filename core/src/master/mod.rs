//! Mastering: measurement and processing of a finished mix.
//!
//! * [`loudness`]: BS.1770 / EBU R128 loudness meter (momentary, short-term, integrated, LRA,
//!   sample and true peak) and one-call analysis;
//! * [`limiter`]: true-peak brickwall lookahead limiter;
//! * [`mod@normalize`]: loudness normalization to platform targets, one track or an album;
//! * [`width`]: mid/side stereo width with bass mono; [`dither`]: TPDF dither, noise shaping
//!   and integer conversion;
//! * [`saturation`]: oversampled soft clipping;
//! * [`multiband`]: multiband compressor (Linkwitz–Riley or linear-phase crossovers);
//! * `linear_phase_eq` (feature `std`): the biquad EQ's bands as a linear-phase FIR;
//! * `match_eq` (feature `std`): a mid/side linear-phase EQ drawing a free curve (mastering to
//!   a reference);
//! * [`kweighting`], [`true_peak`] and [`reconstruction`] (the 16× reference reconstruction
//!   the limiter and the precise true peak read): building blocks, usable alone.

pub mod dither;
pub mod kweighting;
pub mod limiter;
#[cfg(feature = "std")]
pub mod linear_phase_eq;
pub mod loudness;
#[cfg(feature = "std")]
pub mod match_eq;
pub mod multiband;
pub mod normalize;
pub mod reconstruction;
pub mod saturation;
pub mod true_peak;
pub mod width;

pub use dither::{Dither, DitherProcessor, NoiseShaping};
pub use limiter::Limiter;
#[cfg(feature = "std")]
pub use linear_phase_eq::LinearPhaseEq;
pub use loudness::{
    ChannelLayout, LoudnessMeter, LoudnessReport, MeterOptions, analyze, analyze_with,
};
#[cfg(feature = "std")]
pub use match_eq::MatchEq;
pub use multiband::{CrossoverMode, MultibandCompressor};
pub use normalize::{
    AlbumReport, Levels, NormalizeReport, Preset, Target, normalize, normalize_album,
};
pub use saturation::{Curve, Saturation};
pub use true_peak::TruePeakMode;
pub use width::StereoWidth;
