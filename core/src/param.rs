//! Parameter descriptions: what a processor exposes to bindings, automation and session files.

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
}

impl ParamInfo {
    /// Shorthand constructor.
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
        }
    }
}

/// Index of the parameter called `name` in `infos`.
pub fn index_of(infos: &[ParamInfo], name: &str) -> Option<usize> {
    infos.iter().position(|p| p.name == name)
}
