//! Mixing primitives: per-track and per-bus processors.
//!
//! * [`gain::Gain`]: level in dB or linear, smoothed, with mute.
//! * [`pan::Panner`]: mono-to-stereo pan and stereo balance with four pan laws.
//! * [`biquad`]: coefficient design (Audio EQ Cookbook, Butterworth, Linkwitz–Riley) and
//!   frequency responses; [`filter::Filter`] runs them; [`eq::Equalizer`] stacks bands.
//! * [`compressor::Compressor`]: feed-forward compressor with knee, sidechain and meters.
//! * [`gate::Gate`]: noise gate and downward expander with hysteresis, hold and lookahead;
//! * [`deesser::DeEsser`]: de-esser, high-pass or band-pass detection, split or wideband.
//! * [`dynamic_eq::DynamicEq`]: peaking and shelving bands whose gain follows their band's level.
//! * [`crossover::Crossover`]: Linkwitz–Riley band splitting (of the multiband compressor).
//! * `sidechain`: the key input (and its band-pass) of the gate and the other keyed dynamics.
//! * [`delay::Delay`]: fractional delay with damped feedback and ping-pong.
//! * [`reverb::Reverb`]: feedback-delay-network stereo reverb; `convolution_reverb` (with
//!   `std`): a measured impulse response, through the zero-latency `partitioned` convolver.
//! * [`mixer::Mixer`]: tracks, buses, sends and a master bus, with latency compensation;
//!   [`automation`]: the breakpoint envelopes that move its parameters.

pub mod automation;
pub mod biquad;
pub mod compressor;
#[cfg(feature = "std")]
pub mod convolution_reverb;
pub mod crossover;
pub mod deesser;
pub mod delay;
pub mod dynamic_eq;
pub mod eq;
pub mod filter;
pub mod gain;
pub mod gate;
pub mod mixer;
pub(crate) mod pair;
pub mod pan;
#[cfg(feature = "std")]
pub mod partitioned;
pub mod reverb;
pub(crate) mod sidechain;

pub use biquad::{Coeffs, FilterKind};
pub use compressor::{Compressor, Detector};

pub use deesser::{DeEsser, DeEsserDetector, DeEsserMode};
pub use dynamic_eq::{DynamicEq, Dynamics};
pub use eq::Equalizer;
pub use filter::Filter;
pub use gain::Gain;
pub use gate::Gate;
pub use pan::{PanLaw, PanMode, Panner};

#[cfg(feature = "std")]
pub use convolution_reverb::ConvolutionReverb;
pub use delay::Delay;
pub use reverb::Reverb;

pub use automation::{Breakpoint, Curve, Envelope};
pub use mixer::{Mixer, Node, Output, SendPoint, Target};
