//! The crate's error type: every failure names what was wrong.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

/// A result with the crate's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

/// The allowed range of a parameter, for error messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower bound.
    pub min: f64,
    /// Whether `min` itself is allowed.
    pub min_inclusive: bool,
    /// Upper bound.
    pub max: f64,
    /// Whether `max` itself is allowed.
    pub max_inclusive: bool,
}

impl Range {
    /// `[min, max]`.
    pub const fn closed(min: f64, max: f64) -> Self {
        Range {
            min,
            min_inclusive: true,
            max,
            max_inclusive: true,
        }
    }
    /// `(min, max)`.
    pub const fn open(min: f64, max: f64) -> Self {
        Range {
            min,
            min_inclusive: false,
            max,
            max_inclusive: false,
        }
    }
    /// `(min, max]`.
    pub const fn open_closed(min: f64, max: f64) -> Self {
        Range {
            min,
            min_inclusive: false,
            max,
            max_inclusive: true,
        }
    }
    /// `[min, max)`.
    pub const fn closed_open(min: f64, max: f64) -> Self {
        Range {
            min,
            min_inclusive: true,
            max,
            max_inclusive: false,
        }
    }
    /// Whether `v` lies in the range (NaN never does).
    pub fn contains(&self, v: f64) -> bool {
        let lo = if self.min_inclusive {
            v >= self.min
        } else {
            v > self.min
        };
        let hi = if self.max_inclusive {
            v <= self.max
        } else {
            v < self.max
        };
        lo && hi
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = if self.min_inclusive { '[' } else { '(' };
        let r = if self.max_inclusive { ']' } else { ')' };
        write!(f, "{l}{}, {}{r}", self.min, self.max)
    }
}

/// Everything that can go wrong in mixmaster.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A parameter is outside its allowed range (or not finite).
    Parameter {
        /// The parameter's name, as in the setter and in [`crate::ParamInfo`].
        name: &'static str,
        /// The value that was refused.
        value: f64,
        /// What is allowed.
        range: Range,
        /// Extra context, such as "must be below Nyquist (24000 Hz)"; may be empty.
        note: &'static str,
    },
    /// A parameter name or index that the processor does not have.
    UnknownParameter {
        /// The processor's name.
        processor: &'static str,
        /// The index asked for.
        index: usize,
        /// How many parameters it has.
        count: usize,
    },
    /// A processor was used before [`crate::Processor::prepare`].
    NotPrepared,
    /// The block has a different number of channels than the processor was prepared for.
    ChannelCount {
        /// Channels the processor expects.
        expected: usize,
        /// Channels in the block.
        got: usize,
    },
    /// The processor does not support this channel count at all.
    UnsupportedChannels {
        /// The processor's name.
        processor: &'static str,
        /// Channels requested.
        channels: usize,
        /// What it supports, in words.
        supported: &'static str,
    },
    /// The channels of one block have different lengths.
    ChannelLengths {
        /// Length of the first channel.
        first: usize,
        /// Index of the channel that differs.
        channel: usize,
        /// Its length.
        len: usize,
    },
    /// An interleaved or planar buffer whose length is not a multiple of the channel count.
    BufferShape {
        /// Samples in the buffer.
        len: usize,
        /// The channel count it should divide into.
        channels: usize,
    },
    /// The input is empty where content is needed.
    Empty {
        /// What was empty.
        what: &'static str,
    },
    /// An index that names nothing: a track, bus, send, insert or band that does not exist.
    NoSuch {
        /// What was looked for ("track", "bus", "send", "insert").
        what: &'static str,
        /// The index given.
        index: usize,
        /// How many there are.
        count: usize,
    },
    /// A mixer route that cannot be: a bus feeding itself or an earlier bus (a loop).
    Routing {
        /// The bus that routes wrongly.
        bus: usize,
        /// Where it was sent.
        to: usize,
    },
    /// Audio data given to a processor (an impulse response) that it cannot use.
    Audio {
        /// The setting it was given for (`"ir"`).
        name: &'static str,
        /// What is wrong, as a sentence fragment.
        problem: String,
    },
    /// An operation that does not apply to what it was asked of.
    Unsupported {
        /// What cannot be done, as a sentence fragment.
        what: &'static str,
    },
    /// An automation envelope that is not well formed.
    Envelope {
        /// Index of the offending breakpoint.
        point: usize,
        /// What is wrong with it.
        note: &'static str,
    },
    /// A processor kind that the registry does not know.
    UnknownKind {
        /// The name given.
        name: String,
        /// The valid kinds, comma-separated.
        valid: String,
    },
    /// A setting name that a processor kind (or a table, such as a band) does not have.
    UnknownSetting {
        /// The processor kind (or "the table").
        processor: &'static str,
        /// The name given.
        name: String,
        /// Its valid settings, comma-separated.
        valid: String,
    },
    /// A setting given a value of the wrong type (a string where a number belongs).
    SettingType {
        /// The setting.
        name: String,
        /// What it takes ("a number").
        expected: &'static str,
        /// What it was given ("a string").
        got: &'static str,
    },
    /// A choice setting given a name that is not one of its choices.
    Choice {
        /// The setting.
        name: &'static str,
        /// The name given.
        value: String,
        /// The valid names.
        choices: &'static [&'static str],
    },
    /// An error in one item of a list setting (band 2 of an equalizer).
    InItem {
        /// The list setting ("bands").
        what: &'static str,
        /// The item's index.
        index: usize,
        /// What is wrong with it.
        error: Box<Error>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parameter {
                name,
                value,
                range,
                note,
            } => {
                write!(f, "parameter `{name}` = ")?;
                // Huge or tiny values in scientific notation, not hundreds of digits.
                let a = value.abs();
                if a != 0.0 && a.is_finite() && !(1e-6..1e12).contains(&a) {
                    write!(f, "{value:e}")?;
                } else {
                    write!(f, "{value}")?;
                }
                write!(f, " is out of range: allowed {range}")?;
                if !note.is_empty() {
                    write!(f, " ({note})")?;
                }
                Ok(())
            }
            Error::UnknownParameter {
                processor,
                index,
                count: 0,
            } => write!(
                f,
                "{processor} has no parameter {index} (it has no parameters)"
            ),
            Error::UnknownParameter {
                processor,
                index,
                count,
            } => write!(
                f,
                "{processor} has no parameter {index} (its parameters are 0 to {})",
                count - 1
            ),
            Error::NotPrepared => write!(f, "processor used before prepare()"),
            Error::ChannelCount { expected, got } => {
                write!(
                    f,
                    "block has {got} channels, processor was prepared for {expected}"
                )
            }
            Error::UnsupportedChannels {
                processor,
                channels,
                supported,
            } => {
                write!(
                    f,
                    "{processor} does not support {channels} channels (supports {supported})"
                )
            }
            Error::ChannelLengths {
                first,
                channel,
                len,
            } => write!(
                f,
                "channel {channel} has {len} frames but channel 0 has {first}: all channels of a block must have the same length"
            ),
            Error::BufferShape { len, channels } => write!(
                f,
                "buffer of {len} samples is not a whole number of frames of {channels} channels"
            ),
            Error::Empty { what } => write!(f, "{what} is empty"),
            Error::NoSuch { what, index, count } => {
                write!(
                    f,
                    "no {what} {index}: there are {count} (0 to {count} exclusive)"
                )
            }
            Error::Routing { bus, to } => write!(
                f,
                "bus {bus} cannot feed bus {to}: a bus may only feed a later bus or the master (no loops)"
            ),
            Error::Unsupported { what } => write!(f, "{what}"),
            Error::Audio { name, problem } => write!(f, "`{name}`: {problem}"),
            Error::Envelope { point, note } => {
                write!(f, "automation breakpoint {point}: {note}")
            }
            Error::UnknownKind { name, valid } => {
                write!(f, "unknown processor `{name}` (known: {valid})")
            }
            Error::UnknownSetting {
                processor,
                name,
                valid,
            } => write!(f, "{processor} has no parameter `{name}` (it has: {valid})"),
            Error::SettingType {
                name,
                expected,
                got,
            } => write!(f, "`{name}` must be {expected}, not {got}"),
            Error::Choice {
                name,
                value,
                choices,
            } => {
                write!(f, "unknown {name} `{value}` (")?;
                for (i, c) in choices.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{c}")?;
                }
                write!(f, ")")
            }
            Error::InItem { what, index, error } => write!(f, "{what}[{index}]: {error}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
