//! The registry as C data, for hosts that build their UI from it: every processor kind with
//! its parameters (name, unit, range, default, doc) and options (choices, switches,
//! construction-time numbers, lists of tables with their fields), and the loudness presets,
//! as `#[repr(C)]` structs with NUL-terminated strings.
//!
//! Built on first use from `mixmaster::registry::kinds()` and `Preset::ALL`, never changed
//! afterwards and shared by all threads: with the thread-local error message, the library's
//! only global data. Nothing here names a processor: a kind or parameter added to the core
//! appears by itself.

use core::ffi::c_char;
use std::ffi::CString;
use std::sync::OnceLock;

use mixmaster::master::normalize::Preset;
use mixmaster::param::ParamInfo;
use mixmaster::registry;
use mixmaster::settings::{OptionInfo, OptionKind};

use crate::guard::{Failure, Result, out, run};
use crate::status::MM_ERROR_UNKNOWN_NAME;
use crate::text;

/// `mm_option_info.kind`: one name of `choices`, given with `mm_settings_set_text`.
pub const MM_OPTION_CHOICE: i32 = 1;
/// `mm_option_info.kind`: on or off, given with `mm_settings_set_bool`.
pub const MM_OPTION_SWITCH: i32 = 2;
/// `mm_option_info.kind`: a number in `[min, max]` (whole when `is_integer`), given with
/// `mm_settings_set_number`.
pub const MM_OPTION_NUMBER: i32 = 3;
/// `mm_option_info.kind`: a list of tables, each with `fields`, given with
/// `mm_settings_add_item`.
pub const MM_OPTION_LIST: i32 = 4;
/// `mm_option_info.kind`: audio data (an impulse response), loaded with
/// `mm_processor_load_audio`; in settings, a file name (sessions) or a label.
pub const MM_OPTION_AUDIO: i32 = 5;

/// One automatable parameter of a kind: set and read by index (`MM_<KIND>_<PARAM>`) or name.
#[repr(C)]
pub struct MmParamInfo {
    /// Its index, as in the `MM_<KIND>_<PARAM>` constant.
    pub index: usize,
    /// Name with its unit suffix ("threshold_db").
    pub name: *const c_char,
    /// Unit for display ("dB", "Hz", "ms", "" ...).
    pub unit: *const c_char,
    /// One line saying what it does.
    pub doc: *const c_char,
    /// Smallest value (some also depend on the sample rate: a frequency stays below Nyquist).
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Value after creation.
    pub default_value: f64,
    /// An on/off switch: 0 or 1 (0.5 and above is on).
    pub is_toggle: bool,
}

/// One option of a kind (or one field of a list option's tables): a setting fixed at creation,
/// given in the `mm_settings` of `mm_processor_create_with`.
#[repr(C)]
pub struct MmOptionInfo {
    /// Name ("detector", "max_ms", "bands").
    pub name: *const c_char,
    /// One line saying what it does.
    pub doc: *const c_char,
    /// `MM_OPTION_CHOICE`, `MM_OPTION_SWITCH`, `MM_OPTION_NUMBER`, `MM_OPTION_LIST` or
    /// `MM_OPTION_AUDIO`.
    pub kind: i32,
    /// Numbers: the unit ("ms", or ""); others "".
    pub unit: *const c_char,
    /// Numbers: smallest value; others 0.
    pub min: f64,
    /// Numbers: largest value; others 0.
    pub max: f64,
    /// Numbers: the default; others 0.
    pub default_number: f64,
    /// Numbers: whether it must be whole.
    pub is_integer: bool,
    /// Switches: the default.
    pub default_bool: bool,
    /// Choices: the default choice; others NULL.
    pub default_choice: *const c_char,
    /// Choices: how many names `choices` holds; others 0.
    pub choice_count: usize,
    /// Choices: the valid names; others NULL.
    pub choices: *const *const c_char,
    /// Lists: how many fields each table has; others 0.
    pub field_count: usize,
    /// Lists: the fields of each table; others NULL.
    pub fields: *const MmOptionInfo,
}

/// One processor kind of the registry.
#[repr(C)]
pub struct MmKindInfo {
    /// Its index (`MM_KIND_<KIND>`), for `mm_kind_get`.
    pub index: usize,
    /// The kind name given to `mm_processor_create` ("compressor").
    pub name: *const c_char,
    /// A class name for bindings ("Compressor").
    pub class_name: *const c_char,
    /// One line saying what it does.
    pub summary: *const c_char,
    /// The channel counts it takes, in words ("any", "2", "1 or 2").
    pub channels: *const c_char,
    /// How many other names `aliases` holds.
    pub alias_count: usize,
    /// Other names accepted for the kind ("eq"); NULL when none.
    pub aliases: *const *const c_char,
    /// How many parameters `params` holds (`MM_<KIND>_PARAM_COUNT`).
    pub param_count: usize,
    /// The automatable parameters, in index order; NULL when none.
    pub params: *const MmParamInfo,
    /// How many options `options` holds.
    pub option_count: usize,
    /// The options (set at creation); NULL when none.
    pub options: *const MmOptionInfo,
}

/// A loudness target of a platform or broadcast standard, for `mm_normalize`.
#[repr(C)]
pub struct MmPreset {
    /// Its name ("spotify", "apple-music", "ebu-r128" ...).
    pub name: *const c_char,
    /// Integrated loudness, LUFS.
    pub target_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
}

struct Catalog {
    kinds: Vec<MmKindInfo>,
    presets: Vec<MmPreset>,
    /// Owners of what the pointers above point into (heap data that never moves).
    _store: Store,
}

// SAFETY: built once and never changed; its pointers point into its own heap data.
unsafe impl Send for Catalog {}
// SAFETY: as above: read-only after construction.
unsafe impl Sync for Catalog {}

#[derive(Default)]
struct Store {
    strings: Vec<CString>,
    names: Vec<Vec<*const c_char>>,
    params: Vec<Vec<MmParamInfo>>,
    options: Vec<Vec<MmOptionInfo>>,
}

impl Store {
    fn text(&mut self, s: &str) -> *const c_char {
        let c = CString::new(s.replace('\0', "?")).unwrap_or_default();
        let p = c.as_ptr();
        self.strings.push(c);
        p
    }

    fn texts(&mut self, list: &[&str]) -> (usize, *const *const c_char) {
        if list.is_empty() {
            return (0, core::ptr::null());
        }
        let v: Vec<*const c_char> = list.iter().map(|s| self.text(s)).collect();
        let p = v.as_ptr();
        self.names.push(v);
        (list.len(), p)
    }

    fn params(&mut self, list: &[ParamInfo]) -> (usize, *const MmParamInfo) {
        if list.is_empty() {
            return (0, core::ptr::null());
        }
        let v: Vec<MmParamInfo> = list
            .iter()
            .enumerate()
            .map(|(index, p)| MmParamInfo {
                index,
                name: self.text(p.name),
                unit: self.text(p.unit),
                doc: self.text(p.doc),
                min: p.min,
                max: p.max,
                default_value: p.default,
                is_toggle: p.is_toggle(),
            })
            .collect();
        let p = v.as_ptr();
        self.params.push(v);
        (list.len(), p)
    }

    fn option(&mut self, o: &OptionInfo) -> MmOptionInfo {
        let mut info = MmOptionInfo {
            name: self.text(o.name),
            doc: self.text(o.doc),
            kind: 0,
            unit: self.text(""),
            min: 0.0,
            max: 0.0,
            default_number: 0.0,
            is_integer: false,
            default_bool: false,
            default_choice: core::ptr::null(),
            choice_count: 0,
            choices: core::ptr::null(),
            field_count: 0,
            fields: core::ptr::null(),
        };
        match o.kind {
            OptionKind::Choice { choices, default } => {
                info.kind = MM_OPTION_CHOICE;
                info.default_choice = self.text(default);
                (info.choice_count, info.choices) = self.texts(choices);
            }
            OptionKind::Switch { default } => {
                info.kind = MM_OPTION_SWITCH;
                info.default_bool = default;
            }
            OptionKind::Number {
                min,
                max,
                default,
                unit,
                integer,
            } => {
                info.kind = MM_OPTION_NUMBER;
                info.unit = self.text(unit);
                (info.min, info.max, info.default_number) = (min, max, default);
                info.is_integer = integer;
            }
            OptionKind::Audio { .. } => {
                info.kind = MM_OPTION_AUDIO;
            }
            OptionKind::List { fields } => {
                info.kind = MM_OPTION_LIST;
                (info.field_count, info.fields) = self.options(fields);
            }
        }
        info
    }

    fn options(&mut self, list: &[OptionInfo]) -> (usize, *const MmOptionInfo) {
        if list.is_empty() {
            return (0, core::ptr::null());
        }
        let v: Vec<MmOptionInfo> = list.iter().map(|o| self.option(o)).collect();
        let p = v.as_ptr();
        self.options.push(v);
        (list.len(), p)
    }
}

fn build() -> Catalog {
    let mut store = Store::default();
    let kinds = registry::kinds()
        .iter()
        .enumerate()
        .map(|(index, k)| {
            let d = k.description;
            let (alias_count, aliases) = store.texts(d.aliases);
            let (param_count, params) = store.params(d.params);
            let (option_count, options) = store.options(d.options);
            MmKindInfo {
                index,
                name: store.text(d.kind),
                class_name: store.text(d.class_name),
                summary: store.text(d.summary),
                channels: store.text(d.channels),
                alias_count,
                aliases,
                param_count,
                params,
                option_count,
                options,
            }
        })
        .collect();
    let presets = Preset::ALL
        .iter()
        .map(|p| MmPreset {
            name: store.text(p.name()),
            target_lufs: p.target().integrated_lufs,
            ceiling_dbtp: p.target().ceiling_dbtp,
        })
        .collect();
    Catalog {
        kinds,
        presets,
        _store: store,
    }
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(build)
}

/// The catalogue entry of the kind called `name` (its canonical name, as processors report).
pub(crate) fn kind_named(name: &str) -> Option<&'static MmKindInfo> {
    registry::kinds()
        .iter()
        .position(|k| k.description.kind == name)
        .map(|i| &catalog().kinds[i])
}

/// The catalogue entry of the kind called `name` or one of its aliases.
fn kind_find(name: &str) -> Result<&'static MmKindInfo> {
    let k = registry::find(name)?;
    let i = registry::kinds()
        .iter()
        .position(|x| core::ptr::eq(x, k))
        .unwrap_or(0);
    Ok(&catalog().kinds[i])
}

/// How many processor kinds the library has (`mm_kind_get` takes 0 to this, exclusive).
/// Thread-safe; the first call of the catalogue functions builds it (allocates).
#[unsafe(no_mangle)]
pub extern "C" fn mm_kind_count() -> usize {
    registry::kinds().len()
}

/// The kind at `index` (0 to `mm_kind_count()`, exclusive; also `MM_KIND_<KIND>`) into
/// `*out_kind`, which points into the library's catalogue, valid for the life of the process.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_INDEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_kind_get(index: usize, out_kind: *mut *const MmKindInfo) -> i32 {
    run("mm_kind_get", || {
        let o = out(out_kind, "out_kind")?;
        let kinds = &catalog().kinds;
        let k = kinds.get(index).ok_or(Failure::Index {
            what: "processor kind",
            index,
            count: kinds.len(),
        })?;
        *o = k;
        Ok(())
    })
}

/// The kind called `name` (or one of its aliases, such as "eq") into `*out_kind`, which points
/// into the library's catalogue, valid for the life of the process.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not UTF-8), `MM_ERROR_UNKNOWN_NAME` (the
/// message lists the kinds).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_kind_find(
    name: *const c_char,
    out_kind: *mut *const MmKindInfo,
) -> i32 {
    run("mm_kind_find", || {
        let o = out(out_kind, "out_kind")?;
        *o = kind_find(text::arg(name, "name")?)?;
        Ok(())
    })
}

/// How many loudness presets there are (`mm_preset_get` takes 0 to this, exclusive).
#[unsafe(no_mangle)]
pub extern "C" fn mm_preset_count() -> usize {
    Preset::ALL.len()
}

/// The preset at `index` into `*out_preset`, which points into the library's catalogue, valid
/// for the life of the process.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_INDEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_preset_get(index: usize, out_preset: *mut *const MmPreset) -> i32 {
    run("mm_preset_get", || {
        let o = out(out_preset, "out_preset")?;
        let presets = &catalog().presets;
        *o = presets.get(index).ok_or(Failure::Index {
            what: "preset",
            index,
            count: presets.len(),
        })?;
        Ok(())
    })
}

/// The preset called `name` (case-insensitive; "apple-music", "apple_music" and "applemusic"
/// all work) into `*out_preset`.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not UTF-8), `MM_ERROR_UNKNOWN_NAME` (the
/// message lists the presets).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_preset_find(
    name: *const c_char,
    out_preset: *mut *const MmPreset,
) -> i32 {
    run("mm_preset_find", || {
        let o = out(out_preset, "out_preset")?;
        let p = preset(text::arg(name, "name")?)?;
        let i = Preset::ALL.iter().position(|q| *q == p).unwrap_or(0);
        *o = &catalog().presets[i];
        Ok(())
    })
}

/// The preset called `name`; the error lists the presets.
pub(crate) fn preset(name: &str) -> Result<Preset> {
    Preset::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Preset::ALL.iter().map(|p| p.name()).collect();
        Failure::Message(
            MM_ERROR_UNKNOWN_NAME,
            format!("unknown preset `{name}` (known: {})", names.join(", ")),
        )
    })
}
