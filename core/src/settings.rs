//! Settings and descriptions: the one declaration each processor makes of itself, and the
//! `(name, value)` lists that build a processor and that it reports back.
//!
//! A processor's [`Description`] states its kind name (`"compressor"`), a one-line summary, its
//! automatable parameters ([`ParamInfo`], declared with [`params!`](crate::params)) and its other
//! settings ([`OptionInfo`]): choices (`detector = "peak" | "rms"`), switches, construction-time
//! numbers (a delay's maximum time, oversampling, FIR taps) and lists of tables (equalizer
//! bands). [`Describe`] joins a description to the code that builds the processor from its
//! options and reports them back. The [`registry`](crate::registry) lists every kind; bindings,
//! session files and the generated docs read from there.
//!
//! Foundation layer: nothing here knows a particular processor.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::error::{Error, Range, Result};
use crate::param::ParamInfo;
use crate::processor::Processor;

/// The value of one setting.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number (parameters and sizes).
    Number(f64),
    /// On or off (switches; also accepted for toggle parameters).
    Bool(bool),
    /// A name (choices).
    Text(String),
    /// A list of tables (an equalizer's bands).
    List(Vec<Settings>),
}

impl Value {
    /// The type's name for messages: "number", "bool", "string", "list".
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Number(_) => "a number",
            Value::Bool(_) => "a bool",
            Value::Text(_) => "a string",
            Value::List(_) => "a list of tables",
        }
    }

    /// The number, if it is one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(v) => Some(*v),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(v) => write!(f, "{v}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::List(l) => {
                write!(f, "[")?;
                for (i, t) in l.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{t}")?;
                }
                write!(f, "]")
            }
        }
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Number(v)
    }
}
impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::Number(f64::from(v))
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Number(f64::from(v))
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Number(f64::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<Vec<Settings>> for Value {
    fn from(v: Vec<Settings>) -> Self {
        Value::List(v)
    }
}

/// An ordered list of `(name, value)` settings; a name appears at most once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings(Vec<(String, Value)>);

impl Settings {
    /// No settings: every one at its default.
    pub fn new() -> Self {
        Settings(Vec::new())
    }

    /// Builder: sets `name` (replacing an earlier value).
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.set(name, value);
        self
    }

    /// Sets `name`, replacing an earlier value or appending.
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        let value = value.into();
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value,
            None => self.0.push((name.to_string(), value)),
        }
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Removes `name` and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let i = self.0.iter().position(|(n, _)| n == name)?;
        Some(self.0.remove(i).1)
    }

    /// The settings in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Number of settings.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        for (i, (n, v)) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{n} = {v}")?;
        }
        write!(f, "}}")
    }
}

impl<S: Into<String>, V: Into<Value>> FromIterator<(S, V)> for Settings {
    fn from_iter<I: IntoIterator<Item = (S, V)>>(iter: I) -> Self {
        let mut s = Settings::new();
        for (n, v) in iter {
            s.set(&n.into(), v);
        }
        s
    }
}

/// What kind of value a non-parameter setting takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionKind {
    /// One name of `choices`.
    Choice {
        /// The valid names (canonical spellings).
        choices: &'static [&'static str],
        /// The default name.
        default: &'static str,
    },
    /// On or off.
    Switch {
        /// The default.
        default: bool,
    },
    /// A number fixed at construction (sizes, factors, seeds).
    Number {
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
        /// The default.
        default: f64,
        /// Unit for display.
        unit: &'static str,
        /// Whether it must be a whole number.
        integer: bool,
    },
    /// A list of tables, each described by `fields` (an equalizer's bands).
    List {
        /// The fields of each table.
        fields: &'static [OptionInfo],
    },
    /// Audio data (an impulse response). In settings its value is a name: a file name in
    /// session files (read, resampled and handed over by whoever reads files), or a label
    /// when a binding gives an array. The samples themselves reach the processor through
    /// [`Processor::load_audio`].
    Audio {
        /// The most channels it takes.
        max_channels: usize,
    },
}

/// A setting that is not an automatable parameter: fixed at construction, or changed by
/// rebuilding the processor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionInfo {
    /// Name, as in session files and bindings.
    pub name: &'static str,
    /// One line saying what it does.
    pub doc: &'static str,
    /// Its kind, with its choices, range and default.
    pub kind: OptionKind,
}

impl OptionInfo {
    /// A choice among `choices`.
    pub const fn choice(
        name: &'static str,
        choices: &'static [&'static str],
        default: &'static str,
        doc: &'static str,
    ) -> Self {
        OptionInfo {
            name,
            doc,
            kind: OptionKind::Choice { choices, default },
        }
    }

    /// An on/off switch.
    pub const fn switch(name: &'static str, default: bool, doc: &'static str) -> Self {
        OptionInfo {
            name,
            doc,
            kind: OptionKind::Switch { default },
        }
    }

    /// A number in `[min, max]`.
    pub const fn number(
        name: &'static str,
        min: f64,
        max: f64,
        default: f64,
        unit: &'static str,
        doc: &'static str,
    ) -> Self {
        OptionInfo {
            name,
            doc,
            kind: OptionKind::Number {
                min,
                max,
                default,
                unit,
                integer: false,
            },
        }
    }

    /// A whole number in `[min, max]`.
    pub const fn integer(
        name: &'static str,
        min: f64,
        max: f64,
        default: f64,
        doc: &'static str,
    ) -> Self {
        OptionInfo {
            name,
            doc,
            kind: OptionKind::Number {
                min,
                max,
                default,
                unit: "",
                integer: true,
            },
        }
    }

    /// Audio data of up to `max_channels` channels, named by a file (see [`OptionKind::Audio`]).
    pub const fn audio(name: &'static str, max_channels: usize, doc: &'static str) -> Self {
        OptionInfo {
            name,
            doc,
            kind: OptionKind::Audio { max_channels },
        }
    }

    /// A list of tables with `fields`.
    pub const fn list(
        name: &'static str,
        fields: &'static [OptionInfo],
        doc: &'static str,
    ) -> Self {
        OptionInfo {
            name,
            doc,
            kind: OptionKind::List { fields },
        }
    }

    /// The default as a [`Value`] (an empty list for lists).
    pub fn default_value(&self) -> Value {
        match self.kind {
            OptionKind::Choice { default, .. } => Value::Text(default.to_string()),
            OptionKind::Switch { default } => Value::Bool(default),
            OptionKind::Number { default, .. } => Value::Number(default),
            OptionKind::List { .. } => Value::List(Vec::new()),
            OptionKind::Audio { .. } => Value::Text(String::new()),
        }
    }
}

/// A convenience form of a kind with some options fixed, such as a filter whose `kind` is
/// `"peaking"`. Bindings may offer it as its own class (`PeakFilter`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variant {
    /// Its name in snake case (`"peak_filter"`).
    pub name: &'static str,
    /// Its class name for bindings (`"PeakFilter"`).
    pub class_name: &'static str,
    /// One line saying what it is.
    pub summary: &'static str,
    /// The options it fixes: `(option name, choice)`.
    pub fixed: &'static [(&'static str, &'static str)],
}

/// The one declaration of a processor kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Description {
    /// The kind name used by session files, the registry and bindings (`"compressor"`).
    pub kind: &'static str,
    /// Other names accepted for the kind (`"eq"` for `"equalizer"`).
    pub aliases: &'static [&'static str],
    /// Its class name for bindings (`"Compressor"`).
    pub class_name: &'static str,
    /// One line saying what it does.
    pub summary: &'static str,
    /// The channel counts it takes, in words ("any", "2").
    pub channels: &'static str,
    /// The automatable parameters (also its [`Processor::params`]).
    pub params: &'static [ParamInfo],
    /// The other settings.
    pub options: &'static [OptionInfo],
    /// Convenience forms with some options fixed.
    pub variants: &'static [Variant],
}

impl Description {
    /// The option called `name`.
    pub fn option(&self, name: &str) -> Option<&'static OptionInfo> {
        self.options.iter().find(|o| o.name == name)
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&'static ParamInfo> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Every setting name, options first, for messages.
    pub fn setting_names(&self) -> String {
        let names: Vec<&str> = self
            .options
            .iter()
            .map(|o| o.name)
            .chain(self.params.iter().map(|p| p.name))
            .collect();
        names.join(", ")
    }

    /// Whether `name` is the kind or one of its aliases.
    pub fn answers_to(&self, name: &str) -> bool {
        self.kind == name || self.aliases.contains(&name)
    }
}

/// A processor kind that can be built from settings and report them back. Implemented next to
/// each processor; the [`registry`](crate::registry) holds one entry per implementor.
pub trait Describe: Processor + Sized + 'static {
    /// The declaration.
    const DESCRIPTION: &'static Description;

    /// Builds the processor from its options (read through `options`, which knows their
    /// declared kinds and defaults). Its parameters are set afterwards, by name.
    fn from_options(options: &mut Options<'_>) -> Result<Self>;

    /// The current values of its options (every declared option, in declaration order).
    fn options(&self) -> Settings;
}

/// Reads the options of one table of settings by their declarations: type checks, defaults,
/// ranges, and a record of which names were read, so that the rest can be treated as
/// parameters (or reported as unknown).
pub struct Options<'a> {
    settings: &'a Settings,
    infos: &'static [OptionInfo],
    used: Vec<bool>,
}

impl<'a> Options<'a> {
    /// A reader of `settings` against the declarations `infos`.
    pub fn new(settings: &'a Settings, infos: &'static [OptionInfo]) -> Self {
        Options {
            settings,
            infos,
            used: alloc::vec![false; settings.len()],
        }
    }

    fn info(&self, name: &str) -> &'static OptionInfo {
        self.infos
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| unreachable_option(name))
    }

    fn value(&mut self, name: &str) -> Option<&'a Value> {
        let i = self.settings.0.iter().position(|(n, _)| n == name)?;
        self.used[i] = true;
        Some(&self.settings.0[i].1)
    }

    /// A choice: the name given (checked against the declared choices) or the default.
    /// `aliases` maps other accepted spellings to declared ones.
    pub fn choice(&mut self, name: &str) -> Result<&'static str> {
        self.choice_with_aliases(name, &[])
    }

    /// A choice that also accepts the `(alias, choice)` spellings.
    pub fn choice_with_aliases(
        &mut self,
        name: &str,
        aliases: &[(&str, &'static str)],
    ) -> Result<&'static str> {
        let info = self.info(name);
        let OptionKind::Choice { choices, default } = info.kind else {
            unreachable_option(name)
        };
        match self.value(name) {
            None => Ok(default),
            Some(Value::Text(s)) => choices
                .iter()
                .copied()
                .find(|c| *c == s)
                .or_else(|| aliases.iter().find(|(a, _)| *a == s).map(|(_, c)| *c))
                .ok_or_else(|| Error::Choice {
                    name: info.name,
                    value: s.clone(),
                    choices,
                }),
            Some(v) => Err(type_error(info.name, "a string", v)),
        }
    }

    /// An audio option's name (a file name or a label), or "" when not given.
    pub fn audio_name(&mut self, name: &str) -> Result<String> {
        let info = self.info(name);
        let OptionKind::Audio { .. } = info.kind else {
            unreachable_option(name)
        };
        match self.value(name) {
            None => Ok(String::new()),
            Some(Value::Text(s)) => Ok(s.clone()),
            Some(v) => Err(type_error(info.name, "a file name", v)),
        }
    }

    /// A switch: a bool (or the number 0 or 1), or the default.
    pub fn switch(&mut self, name: &str) -> Result<bool> {
        let info = self.info(name);
        let OptionKind::Switch { default } = info.kind else {
            unreachable_option(name)
        };
        match self.value(name) {
            None => Ok(default),
            Some(v) => bool_of(info.name, v),
        }
    }

    /// A number in its declared range (and whole, if declared so), or the default.
    pub fn number(&mut self, name: &str) -> Result<f64> {
        let info = self.info(name);
        let OptionKind::Number {
            min,
            max,
            default,
            integer,
            ..
        } = info.kind
        else {
            unreachable_option(name)
        };
        let v = match self.value(name) {
            None => return Ok(default),
            Some(Value::Number(v)) => *v,
            Some(v) => return Err(type_error(info.name, "a number", v)),
        };
        crate::validate::in_range(info.name, v, Range::closed(min, max))?;
        if integer && crate::math::floor(v) != v {
            return Err(Error::Parameter {
                name: info.name,
                value: v,
                range: Range::closed(min, max),
                note: "must be a whole number",
            });
        }
        Ok(v)
    }

    /// A list of tables, each read by `item` (with an [`Options`] over the declared fields,
    /// which must all be read); errors name the item's index. Absent: an empty list.
    pub fn list<T>(
        &mut self,
        name: &str,
        mut item: impl FnMut(&mut Options<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let info = self.info(name);
        let OptionKind::List { fields } = info.kind else {
            unreachable_option(name)
        };
        let tables = match self.value(name) {
            None => return Ok(Vec::new()),
            Some(Value::List(l)) => l,
            Some(v) => return Err(type_error(info.name, "a list of tables", v)),
        };
        tables
            .iter()
            .enumerate()
            .map(|(index, t)| {
                let mut r = Options::new(t, fields);
                let v = item(&mut r).and_then(|v| {
                    r.finish_fields()?;
                    Ok(v)
                });
                v.map_err(|e| Error::InItem {
                    what: info.name,
                    index,
                    error: Box::new(e),
                })
            })
            .collect()
    }

    /// The settings no option read, in order: the parameters (or unknown names).
    pub fn rest(&self) -> impl Iterator<Item = (&'a str, &'a Value)> + '_ {
        self.settings
            .0
            .iter()
            .zip(&self.used)
            .filter(|(_, u)| !**u)
            .map(|((n, v), _)| (n.as_str(), v))
    }

    /// For a table of fields only: any name not read is unknown.
    fn finish_fields(&self) -> Result<()> {
        if let Some((name, _)) = self.rest().next() {
            let valid: Vec<&str> = self.infos.iter().map(|o| o.name).collect();
            return Err(Error::UnknownSetting {
                processor: "the table",
                name: name.to_string(),
                valid: valid.join(", "),
            });
        }
        Ok(())
    }
}

#[cold]
fn unreachable_option(name: &str) -> ! {
    // A processor's build code asked for an option its own description does not declare:
    // a programming error in that processor, caught by the registry tests.
    panic!("option `{name}` is read but not declared (or declared with another kind)")
}

/// The error for a value of the wrong type.
pub fn type_error(name: &str, expected: &'static str, got: &Value) -> Error {
    Error::SettingType {
        name: name.to_string(),
        expected,
        got: got.type_name(),
    }
}

/// A bool from a bool or the number 0 or 1.
pub fn bool_of(name: &'static str, v: &Value) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Number(x) if *x == 0.0 || *x == 1.0 => Ok(*x == 1.0),
        Value::Number(x) => Err(Error::Parameter {
            name,
            value: *x,
            range: Range::closed(0.0, 1.0),
            note: "a switch: true/false or 1/0",
        }),
        other => Err(type_error(name, "a bool", other)),
    }
}

/// The number of a parameter setting: a number, or a bool for a toggle.
pub fn param_number(info: &ParamInfo, v: &Value) -> Result<f64> {
    match v {
        Value::Number(x) => Ok(*x),
        Value::Bool(b) if info.is_toggle() => Ok(if *b { 1.0 } else { 0.0 }),
        other => Err(type_error(
            info.name,
            if info.is_toggle() {
                "a bool or a number"
            } else {
                "a number"
            },
            other,
        )),
    }
}

/// A parameter's value as a setting: a bool for toggles, else a number.
pub fn param_value(info: &ParamInfo, v: f64) -> Value {
    if info.is_toggle() {
        Value::Bool(v >= 0.5)
    } else {
        Value::Number(v)
    }
}

/// Writes the parts of a [`Processor`] impl that come from the type's [`Describe`] impl and its
/// [`params!`](crate::params) tables: `name` (the kind), `params`, `set_param`, `param`,
/// `description` and `options`. Use inside `impl Processor for T { ... }`.
#[macro_export]
macro_rules! described {
    () => {
        fn name(&self) -> &'static str {
            <Self as $crate::settings::Describe>::DESCRIPTION.kind
        }

        $crate::param_methods!();

        fn description(&self) -> Option<&'static $crate::settings::Description> {
            Some(<Self as $crate::settings::Describe>::DESCRIPTION)
        }

        fn options(&self) -> $crate::settings::Settings {
            <Self as $crate::settings::Describe>::options(self)
        }
    };
}
