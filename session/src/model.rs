//! The session model: tracks, buses, sends, automation, the master chain and a loudness target,
//! as plain data that serde reads from and writes to TOML (`docs/session.md`).
//!
//! Inserts hold a processor kind and its [`Settings`], the same `(name, value)` lists the
//! processor registry builds from, so any registered processor can be an insert.

use mixmaster::settings::{Settings, Value};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A whole session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// The rate to mix at; tracks at other rates are resampled by whoever reads them (the
    /// command does). Absent: the first track's rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u32>,
    /// The tracks, in order (`[[track]]`).
    #[serde(default, rename = "track", skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<Track>,
    /// The buses, in order (`[[bus]]`); a bus may feed only a later bus or the master.
    #[serde(default, rename = "bus", skip_serializing_if = "Vec::is_empty")]
    pub buses: Vec<Bus>,
    /// The master strip.
    #[serde(default, skip_serializing_if = "Master::is_default")]
    pub master: Master,
}

/// One track: a mono or stereo source with its strip.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Track {
    /// Its name (unique names make automation and messages clear).
    pub name: String,
    /// The audio file, relative to the session file; optional when the audio is given as
    /// buffers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// Fader in dB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gain_db: f64,
    /// Pan, −1 to 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pan: f64,
    /// Pan law by name (`constant_power`, `linear`, `compromise`, `square_root`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pan_law: Option<String>,
    /// Muted.
    #[serde(default, skip_serializing_if = "is_false")]
    pub mute: bool,
    /// Soloed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub solo: bool,
    /// Where it goes: `master` (default) or a bus name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Insert processors in order (`[[track.insert]]`).
    #[serde(default, rename = "insert", skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<Insert>,
    /// Sends to buses (`[[track.send]]`).
    #[serde(default, rename = "send", skip_serializing_if = "Vec::is_empty")]
    pub sends: Vec<Send>,
    /// Automation lanes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub automation: Vec<Automation>,
}

/// A group or aux bus.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bus {
    /// Its name, used by sends and outputs.
    pub name: String,
    /// Fader in dB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gain_db: f64,
    /// Pan (balance), −1 to 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pan: f64,
    /// Muted.
    #[serde(default, skip_serializing_if = "is_false")]
    pub mute: bool,
    /// Where it goes: `master` (default) or a later bus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Insert processors in order.
    #[serde(default, rename = "insert", skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<Insert>,
    /// Automation lanes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub automation: Vec<Automation>,
}

/// The master strip.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Master {
    /// Fader in dB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gain_db: f64,
    /// Insert processors in order (the mastering chain).
    #[serde(default, rename = "insert", skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<Insert>,
    /// Automation lanes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub automation: Vec<Automation>,
    /// A loudness target the rendered mix is normalized to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalize: Option<Normalize>,
}

impl Master {
    fn is_default(&self) -> bool {
        *self == Master::default()
    }
}

/// A loudness target: a platform preset, or explicit numbers (numbers override the preset's).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Normalize {
    /// A preset name (`spotify`, `apple-music`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Integrated loudness target in LUFS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_lufs: Option<f64>,
    /// True-peak ceiling in dBTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling_dbtp: Option<f64>,
}

/// A send from a track to a bus.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Send {
    /// The bus's name.
    pub bus: String,
    /// Send level in dB.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub level_db: f64,
    /// Taken before the fader (and pan) instead of after.
    #[serde(default, skip_serializing_if = "is_false")]
    pub pre_fader: bool,
}

/// One insert: a processor kind from the registry and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "InsertTable", into = "InsertTable")]
pub struct Insert {
    /// The kind (`"compressor"`; see docs/processors.md).
    pub kind: String,
    /// Its settings by name; absent ones take their defaults.
    pub settings: Settings,
}

impl Insert {
    /// An insert of `kind` with `settings`.
    pub fn new(kind: impl Into<String>, settings: Settings) -> Self {
        Insert {
            kind: kind.into(),
            settings,
        }
    }
}

/// An automation lane: a parameter and its breakpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Automation {
    /// `gain_db`, `pan`, `send.BUS` or `insert.N.PARAM`.
    pub param: String,
    /// Breakpoints `[time_s, value]` or `[time_s, value, "curve"]`.
    pub points: Vec<Point>,
}

/// A breakpoint: time in seconds, value, and the curve from the previous point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Point {
    /// Linear from the previous point.
    Plain(f64, f64),
    /// With a curve name (`linear`, `exponential`, `hold`).
    Shaped(f64, f64, String),
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

fn is_false(v: &bool) -> bool {
    !*v
}

/// An insert as TOML has it: `type` and the settings beside it.
#[derive(Serialize, Deserialize)]
struct InsertTable {
    #[serde(rename = "type")]
    kind: String,
    #[serde(flatten)]
    settings: toml::Table,
}

impl TryFrom<InsertTable> for Insert {
    type Error = String;

    fn try_from(t: InsertTable) -> Result<Self, String> {
        Ok(Insert {
            settings: settings_from_table(&t.settings)
                .map_err(|e| format!("insert `{}`: {e}", t.kind))?,
            kind: t.kind,
        })
    }
}

impl From<Insert> for InsertTable {
    fn from(i: Insert) -> Self {
        InsertTable {
            kind: i.kind,
            settings: table_from_settings(&i.settings),
        }
    }
}

/// Settings from a TOML table: numbers, bools, strings and arrays of tables.
pub fn settings_from_table(t: &toml::Table) -> Result<Settings, String> {
    let mut s = Settings::new();
    for (k, v) in t {
        s.set(k, value_from_toml(k, v)?);
    }
    Ok(s)
}

fn value_from_toml(key: &str, v: &toml::Value) -> Result<Value, String> {
    Ok(match v {
        toml::Value::Integer(i) => Value::Number(*i as f64),
        toml::Value::Float(f) => Value::Number(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::String(s) => Value::Text(s.clone()),
        toml::Value::Array(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    toml::Value::Table(t) => {
                        settings_from_table(t).map_err(|e| format!("{key}[{i}]: {e}"))
                    }
                    other => Err(format!(
                        "{key}[{i}] must be a table {{ name = value, ... }}, not {}",
                        other.type_str()
                    )),
                })
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(_) | toml::Value::Datetime(_) => {
            return Err(format!(
                "`{key}` must be a number, bool, string or list of tables, not {}",
                v.type_str()
            ));
        }
    })
}

/// A TOML table from settings.
pub fn table_from_settings(s: &Settings) -> toml::Table {
    s.iter()
        .map(|(k, v)| (k.to_string(), toml_from_value(v)))
        .collect()
}

fn toml_from_value(v: &Value) -> toml::Value {
    match v {
        // Whole numbers as integers (`bits = 16`), the rest as floats (including ±inf).
        Value::Number(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => toml::Value::Integer(*x as i64),
        Value::Number(x) => toml::Value::Float(*x),
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Text(s) => toml::Value::String(s.clone()),
        Value::List(l) => toml::Value::Array(
            l.iter()
                .map(|t| toml::Value::Table(table_from_settings(t)))
                .collect(),
        ),
    }
}
