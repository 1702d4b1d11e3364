//! Parameter descriptions: what a processor exposes to bindings, automation and session files.
//!
//! A processor declares its automatable parameters once, with [`params!`](crate::params): name
//! (with its unit suffix), range, default, unit, one doc line, and the setter and getter that
//! serve it. The macro writes the [`ParamInfo`] table and the accessor table;
//! [`param_methods!`](crate::param_methods) writes `params`, `set_param` and `param` of the
//! [`Processor`](crate::Processor) impl from them, so no processor matches indices by hand.
//!
//! Foundation layer: used by every processor and by [`crate::settings`].

use crate::error::{Error, Range, Result};

/// What kind of value a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Any value in the range.
    Continuous,
    /// An on/off switch: 0 or 1 (values of 0.5 and more are on). Bindings show it as a bool.
    Toggle,
}

/// One automatable parameter of a processor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamInfo {
    /// Name, as used by setters, errors, bindings and session files (`"gain_db"`).
    pub name: &'static str,
    /// Smallest allowed value (some parameters also depend on the sample rate, such as a
    /// frequency below Nyquist; the setter checks that).
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Value after construction.
    pub default: f64,
    /// Unit for display: "dB", "Hz", "ms", "s", "" ...
    pub unit: &'static str,
    /// One line saying what it does.
    pub doc: &'static str,
    /// Continuous or a switch.
    pub kind: ParamKind,
}

impl ParamInfo {
    /// Shorthand constructor (continuous, no doc line).
    pub const fn new(
        name: &'static str,
        min: f64,
        max: f64,
        default: f64,
        unit: &'static str,
    ) -> Self {
        ParamInfo {
            name,
            min,
            max,
            default,
            unit,
            doc: "",
            kind: ParamKind::Continuous,
        }
    }

    /// The same with a doc line.
    pub const fn doc(mut self, doc: &'static str) -> Self {
        self.doc = doc;
        self
    }

    /// The same as a switch (0 or 1).
    pub const fn toggle(mut self) -> Self {
        self.kind = ParamKind::Toggle;
        self
    }

    /// The declared range `[min, max]`.
    pub const fn range(&self) -> Range {
        Range::closed(self.min, self.max)
    }

    /// Whether this is an on/off switch.
    pub const fn is_toggle(&self) -> bool {
        matches!(self.kind, ParamKind::Toggle)
    }
}

/// Index of the parameter called `name` in `infos`.
pub fn index_of(infos: &[ParamInfo], name: &str) -> Option<usize> {
    infos.iter().position(|p| p.name == name)
}

/// The setter and getter of one parameter of processor type `P`.
pub struct Access<P> {
    /// Validates and sets the value (smoothed where the processor smooths it).
    pub set: fn(&mut P, f64) -> Result<()>,
    /// The current value (target).
    pub get: fn(&P) -> f64,
}

/// Sets parameter `index` of `p` through its declared setter, which validates the value (its
/// declared range and whatever depends on the state, such as Nyquist) and names it in errors.
pub fn set<P>(
    p: &mut P,
    access: &[Access<P>],
    processor: &'static str,
    index: usize,
    value: f64,
) -> Result<()> {
    match access.get(index) {
        Some(a) => (a.set)(p, value),
        None => Err(Error::UnknownParameter {
            processor,
            index,
            count: access.len(),
        }),
    }
}

/// The parameters' names, comma-separated (for errors), or "none".
pub fn names(params: &[ParamInfo]) -> alloc::string::String {
    if params.is_empty() {
        return "none".into();
    }
    let mut s = alloc::string::String::new();
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(p.name);
    }
    s
}

/// A switch parameter's value: 0 or 1 (anything from 0.5 up is on); the error names it.
pub fn toggle(name: &'static str, value: f64) -> Result<bool> {
    crate::validate::unit(name, value).map(|v| v >= 0.5)
}

/// Declares a processor's automatable parameters: the [`ParamInfo`] table `PARAMS` and the
/// accessor table `PARAM_ACCESS`, as associated constants of the type. One line per parameter:
///
/// ```ignore
/// params! { Compressor {
///     threshold_db: [-80.0, 0.0] = -18.0, "dB", "Level where gain reduction starts.",
///         set = Compressor::set_threshold_db, get = |c| c.threshold_db;
///     ...
/// } }
/// ```
///
/// A parameter declared `toggle` takes 0 or 1 (its setter gets the value; on is `>= 0.5`).
#[macro_export]
macro_rules! params {
    ($ty:ty { $(
        $name:ident $(($toggle:ident))? : [$min:expr, $max:expr] = $default:expr, $unit:literal, $doc:literal,
            set = $set:expr, get = $get:expr;
    )* }) => {
        impl $ty {
            /// The automatable parameters, in index order.
            pub const PARAMS: &'static [$crate::param::ParamInfo] = &[$(
                $crate::params!(@info $name $($toggle)?, $min, $max, $default, $unit, $doc)
            ),*];
            /// Setter and getter of each parameter, in the order of `PARAMS`.
            const PARAM_ACCESS: &'static [$crate::param::Access<$ty>] = &[$(
                $crate::param::Access { set: $set, get: $get }
            ),*];
        }
    };
    (@info $name:ident toggle, $min:expr, $max:expr, $default:expr, $unit:literal, $doc:literal) => {
        $crate::param::ParamInfo::new(stringify!($name), $min, $max, $default, $unit)
            .doc($doc)
            .toggle()
    };
    (@info $name:ident, $min:expr, $max:expr, $default:expr, $unit:literal, $doc:literal) => {
        $crate::param::ParamInfo::new(stringify!($name), $min, $max, $default, $unit).doc($doc)
    };
}

/// Writes `params`, `set_param` and `param` of a [`Processor`](crate::Processor) impl from the
/// tables [`params!`](crate::params) declared. Use inside `impl Processor for T { ... }`.
#[macro_export]
macro_rules! param_methods {
    () => {
        fn params(&self) -> &'static [$crate::param::ParamInfo] {
            Self::PARAMS
        }

        fn set_param(&mut self, index: usize, value: f64) -> $crate::Result<()> {
            let name = $crate::Processor::name(self);
            $crate::param::set(self, Self::PARAM_ACCESS, name, index, value)
        }

        fn param(&self, index: usize) -> Option<f64> {
            Self::PARAM_ACCESS.get(index).map(|a| (a.get)(self))
        }
    };
}
