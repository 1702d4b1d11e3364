//! Mix analysis: the measurements a mastering engineer reads beside the loudness meter, in one
//! streaming pass ([`Analyzer`], or [`analyze_mix`] for a programme in memory).
//!
//! * [`dynamic_range`]: the DR14 ("TT Dynamic Range") value, as the `drmeter` reference;
//! * [`spectrum`]: long-term average spectra of L, R, mid and side (Welch), 1/3-octave bands
//!   and fine curves;
//! * [`stereo`]: correlation (overall, over time, per band), width, balance, mono fold-down;
//! * [`faults`]: clipped runs, inter-sample overs, DC offset, inverted polarity, silence at
//!   the ends, effective bit depth;
//! * [`resonance`]: narrow resonances, each as a suggested peaking cut;
//! * [`platform`]: what each streaming platform's normalization would do to the file;
//! * [`profile`] and [`matching`]: a programme's tonal profile, and the plan for mastering it
//!   to one or more references (EQ, width and loudness match);
//! * [`analyzer`]: the pass that drives them all and the [`Analysis`] report.
//!
//! Sits above [`crate::master`] (it reads the loudness meter and the true-peak detectors) and
//! needs feature `std` (its FFTs).

pub mod analyzer;
pub mod dynamic_range;
pub mod faults;
pub mod matching;
pub mod platform;
pub mod profile;
pub mod resonance;
pub mod spectrum;
pub mod stereo;

pub use analyzer::{Analysis, AnalysisOptions, Analyzer, Dynamics, analyze_mix};
pub use dynamic_range::DynamicRange;
pub use faults::Faults;
pub use matching::{MatchPlan, MatchStrengths};
pub use platform::PlatformPreview;
pub use profile::{Profile, ProfileMeter, measure_profile};
pub use resonance::Resonance;
pub use spectrum::Spectrum;
pub use stereo::Stereo;
