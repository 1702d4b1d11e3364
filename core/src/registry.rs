//! The registry: every processor kind of the crate, by name, with its [`Description`].
//!
//! Build a processor from a kind name and `(name, value)` [`Settings`], read a processor's
//! settings back, and rebuild it from them:
//!
//! ```
//! use mixmaster::registry;
//! use mixmaster::settings::Settings;
//!
//! let comp = registry::build(
//!     "compressor",
//!     &Settings::new().with("threshold_db", -24.0).with("detector", "rms"),
//! )?;
//! let back = registry::settings_of(comp.as_ref());
//! assert_eq!(back.get("detector").unwrap().to_string(), "\"rms\"");
//! let again = registry::build(comp.name(), &back)?; // the same processor
//! # Ok::<(), mixmaster::Error>(())
//! ```
//!
//! Construction time only: building allocates. A built processor is an ordinary
//! `Box<dyn Processor>`: prepare it, then process. Bindings, session files and the generated
//! processor reference (docs/processors.md) all read this list, so a processor or a parameter
//! declared in its [`Describe`] impl reaches all of them.
//!
//! Top of the core: it names every processor; nothing in the core imports it.

use alloc::boxed::Box;
use alloc::string::ToString;
use alloc::vec::Vec;

use crate::error::{Error, Result};
use crate::master::{DitherProcessor, Limiter, MultibandCompressor, Saturation, StereoWidth};
#[cfg(feature = "std")]
use crate::master::{LinearPhaseEq, MatchEq};
#[cfg(feature = "std")]
use crate::mix::ConvolutionReverb;
use crate::mix::{
    Compressor, DeEsser, Delay, DynamicEq, Equalizer, Filter, Gain, Gate, Panner, Reverb,
};
use crate::param;
use crate::processor::Processor;
use crate::settings::{Describe, Description, Options, Settings, param_number, param_value};

/// One processor kind: its description and how to build it.
pub struct Kind {
    /// The declaration: name, summary, parameters, options.
    pub description: &'static Description,
    make: fn(&Settings) -> Result<Box<dyn Processor>>,
}

impl Kind {
    /// Builds one from `settings` (absent settings take their defaults).
    pub fn build(&self, settings: &Settings) -> Result<Box<dyn Processor>> {
        (self.make)(settings)
    }
}

impl core::fmt::Debug for Kind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Kind")
            .field("kind", &self.description.kind)
            .finish()
    }
}

const fn entry<P: Describe>() -> Kind {
    Kind {
        description: P::DESCRIPTION,
        make: make_boxed::<P>,
    }
}

fn make_boxed<P: Describe>(settings: &Settings) -> Result<Box<dyn Processor>> {
    Ok(Box::new(build_as::<P>(settings)?))
}

/// Every kind, in the order of the reference docs.
macro_rules! kinds {
    ($($(#[$m:meta])* $ty:ty),* $(,)?) => {
        static KINDS: &[Kind] = &[$(entry::<$ty>()),*];
    };
}

#[cfg(feature = "std")]
kinds![
    Gain,
    Panner,
    Filter,
    Equalizer,
    Compressor,
    Delay,
    Reverb,
    ConvolutionReverb,
    Gate,
    DeEsser,
    DynamicEq,
    LinearPhaseEq,
    MatchEq,
    MultibandCompressor,
    Limiter,
    Saturation,
    StereoWidth,
    DitherProcessor,
];
// The linear-phase EQs and the convolution reverb need `std` (their FFTs).
#[cfg(not(feature = "std"))]
kinds![
    Gain,
    Panner,
    Filter,
    Equalizer,
    Compressor,
    Delay,
    Reverb,
    Gate,
    DeEsser,
    DynamicEq,
    MultibandCompressor,
    Limiter,
    Saturation,
    StereoWidth,
    DitherProcessor,
];

/// Every processor kind.
pub fn kinds() -> &'static [Kind] {
    KINDS
}

/// The kind called `name` (or one of its aliases); the error lists the valid kinds.
pub fn find(name: &str) -> Result<&'static Kind> {
    KINDS
        .iter()
        .find(|k| k.description.answers_to(name))
        .ok_or_else(|| Error::UnknownKind {
            name: name.to_string(),
            valid: KINDS
                .iter()
                .map(|k| k.description.kind)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Builds a processor of kind `name` from `settings`. Errors name the unknown kind, the
/// unknown setting (listing the valid ones), the wrong value type, or the value out of range.
pub fn build(name: &str, settings: &Settings) -> Result<Box<dyn Processor>> {
    find(name)?.build(settings)
}

/// Builds a processor of a known type from `settings` (options first, then parameters by name).
pub fn build_as<P: Describe>(settings: &Settings) -> Result<P> {
    let d = P::DESCRIPTION;
    let mut options = Options::new(settings, d.options);
    let mut p = P::from_options(&mut options)?;
    for (name, value) in options.rest() {
        let Some(i) = param::index_of(d.params, name) else {
            return Err(Error::UnknownSetting {
                processor: d.kind,
                name: name.to_string(),
                valid: d.setting_names(),
            });
        };
        p.set_param(i, param_number(&d.params[i], value)?)?;
    }
    Ok(p)
}

/// A processor's current settings: its options, then its parameters (targets), every declared
/// one. Building its kind from them gives an identical processor.
pub fn settings_of(p: &dyn Processor) -> Settings {
    let mut s = p.options();
    for (i, info) in p.params().iter().enumerate() {
        if let Some(v) = p.param(i) {
            s.set(info.name, param_value(info, v));
        }
    }
    s
}

/// A fresh processor with the same settings as `p` (unprepared, with fresh state) and the
/// same audio data.
pub fn rebuild(p: &dyn Processor) -> Result<Box<dyn Processor>> {
    rebuild_with(p, &settings_of(p))
}

/// A fresh processor of `p`'s kind with `settings` (unprepared, with fresh state), keeping the
/// audio data `p` holds (an impulse response) for each audio option whose name in `settings`
/// is unchanged: how bindings change an option without losing a loaded response.
pub fn rebuild_with(p: &dyn Processor, settings: &Settings) -> Result<Box<dyn Processor>> {
    let mut fresh = build(p.name(), settings)?;
    if let Some(d) = p.description() {
        for o in d.options {
            if !matches!(o.kind, crate::settings::OptionKind::Audio { .. }) {
                continue;
            }
            if let Some((channels, rate, label)) = p.audio_data(o.name) {
                let same = match settings.get(o.name) {
                    Some(crate::settings::Value::Text(t)) => t == label,
                    None => true,
                    Some(_) => false,
                };
                if same {
                    fresh.load_audio(o.name, &channels, rate, label)?;
                }
            }
        }
    }
    Ok(fresh)
}
