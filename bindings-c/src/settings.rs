//! `mm_settings`: a list of `(name, value)` settings (`mixmaster::Settings`) that creates a
//! processor: its options (choices, switches, sizes, lists of tables such as equalizer bands)
//! and the starting values of its parameters. Also what a processor reports back
//! (`mm_processor_settings`), to save and rebuild it.

use core::cell::Cell;
use core::ffi::c_char;

use mixmaster::settings::{Settings, Value};

use crate::guard::{Failure, Handle, Result, destroy, give, out, run, with_mut, with_ref};
use crate::status::{MM_ERROR_ARGUMENT, MM_ERROR_UNKNOWN_NAME};
use crate::text;

/// A list of settings (opaque).
pub struct MmSettings {
    pub(crate) inner: Settings,
    poisoned: Cell<bool>,
}

impl MmSettings {
    pub(crate) fn new(inner: Settings) -> Self {
        MmSettings {
            inner,
            poisoned: Cell::new(false),
        }
    }
}

impl Handle for MmSettings {
    const ARG: &'static str = "settings";
    fn poison(&self) -> &Cell<bool> {
        &self.poisoned
    }
}

/// The value of `name`; the error lists the settings there are.
fn value<'a>(s: &'a Settings, name: &str) -> Result<&'a Value> {
    s.get(name).ok_or_else(|| {
        let names: Vec<&str> = s.iter().map(|(n, _)| n).collect();
        Failure::Message(
            MM_ERROR_UNKNOWN_NAME,
            if names.is_empty() {
                format!("no setting `{name}` (the settings are empty)")
            } else {
                format!("no setting `{name}` (there are: {})", names.join(", "))
            },
        )
    })
}

/// The error for reading `name` as `wanted` when it holds `v`.
fn wrong_type(name: &str, wanted: &str, v: &Value) -> Failure {
    let getter = match v {
        Value::Number(_) => "mm_settings_get_number",
        Value::Bool(_) => "mm_settings_get_bool",
        Value::Text(_) => "mm_settings_get_text",
        Value::List(_) => "mm_settings_item_count and mm_settings_get_item",
    };
    Failure::Message(
        MM_ERROR_ARGUMENT,
        format!(
            "`{name}` holds {}, not {wanted}: read it with {getter}",
            v.type_name()
        ),
    )
}

/// The list of tables called `list`.
fn items<'a>(s: &'a Settings, list: &str) -> Result<&'a [Settings]> {
    match value(s, list)? {
        Value::List(l) => Ok(l),
        v => Err(wrong_type(list, "a list of tables", v)),
    }
}

/// Creates empty settings (every setting at its default) into `*out_settings`.
/// Destroy with `mm_settings_destroy`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_create(out_settings: *mut *mut MmSettings) -> i32 {
    run("mm_settings_create", || {
        let o = out(out_settings, "out_settings")?;
        give(o, MmSettings::new(Settings::new()));
        Ok(())
    })
}

/// Destroys settings; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_destroy(settings: *mut MmSettings) {
    destroy("mm_settings_destroy", settings);
}

/// Sets `name` to a number (replacing an earlier value): a parameter's starting value
/// (`threshold_db`) or a numeric option (`max_ms`). Values are checked when the processor is
/// created.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_set_number(
    settings: *mut MmSettings,
    name: *const c_char,
    value: f64,
) -> i32 {
    with_mut("mm_settings_set_number", settings, |s| {
        s.inner.set(text::arg(name, "name")?, value);
        Ok(())
    })
}

/// Sets `name` to on or off: a switch option (`ping_pong`) or a toggle parameter (`mute`).
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_set_bool(
    settings: *mut MmSettings,
    name: *const c_char,
    value: bool,
) -> i32 {
    with_mut("mm_settings_set_bool", settings, |s| {
        s.inner.set(text::arg(name, "name")?, value);
        Ok(())
    })
}

/// Sets `name` to a text: a choice option (`detector` = "rms"). The text is copied.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_set_text(
    settings: *mut MmSettings,
    name: *const c_char,
    value: *const c_char,
) -> i32 {
    with_mut("mm_settings_set_text", settings, |s| {
        let name = text::arg(name, "name")?;
        let value = text::arg(value, "value")?;
        s.inner.set(name, value);
        Ok(())
    })
}

/// Appends a copy of `item` (a table of fields, such as one equalizer band: `kind`,
/// `frequency_hz`, `q`, `gain_db`) to the list setting `list` ("bands"), creating the list.
/// `item` stays the caller's.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not UTF-8, or `list` holds something else
/// than a list).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_add_item(
    settings: *mut MmSettings,
    list: *const c_char,
    item: *const MmSettings,
) -> i32 {
    with_mut("mm_settings_add_item", settings, |s| {
        let list = text::arg(list, "list")?;
        if item.is_null() {
            return Err(Failure::Null("item"));
        }
        let copy = if core::ptr::eq(item, s) {
            // A list of tables may hold a copy of its own table.
            s.inner.clone()
        } else {
            // SAFETY: a live settings handle other than `settings` (the header's rules).
            unsafe { &*item }.inner.clone()
        };
        let list_value = match s.inner.get(list) {
            None => vec![copy],
            Some(Value::List(l)) => {
                let mut l = l.clone();
                l.push(copy);
                l
            }
            Some(v) => return Err(wrong_type(list, "a list of tables", v)),
        };
        // Replaces the list in place, keeping the order of the settings.
        s.inner.set(list, list_value);
        Ok(())
    })
}

/// Removes `name`, which goes back to its default.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT`, `MM_ERROR_UNKNOWN_NAME` (not set).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_remove(settings: *mut MmSettings, name: *const c_char) -> i32 {
    with_mut("mm_settings_remove", settings, |s| {
        let name = text::arg(name, "name")?;
        value(&s.inner, name)?;
        s.inner.remove(name);
        Ok(())
    })
}

/// How many settings are set, into `*out_count`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_count(
    settings: *const MmSettings,
    out_count: *mut usize,
) -> i32 {
    with_ref("mm_settings_count", settings, |s| {
        *out(out_count, "out_count")? = s.inner.len();
        Ok(())
    })
}

/// The number `name` holds, into `*out_value`.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not UTF-8, or not a number: the message says
/// which getter reads it), `MM_ERROR_UNKNOWN_NAME` (not set: the message lists the settings).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_get_number(
    settings: *const MmSettings,
    name: *const c_char,
    out_value: *mut f64,
) -> i32 {
    with_ref("mm_settings_get_number", settings, |s| {
        let o = out(out_value, "out_value")?;
        let name = text::arg(name, "name")?;
        match value(&s.inner, name)? {
            Value::Number(x) => *o = *x,
            v => return Err(wrong_type(name, "a number", v)),
        }
        Ok(())
    })
}

/// The switch `name` holds, into `*out_value`.
///
/// Errors: as `mm_settings_get_number`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_get_bool(
    settings: *const MmSettings,
    name: *const c_char,
    out_value: *mut bool,
) -> i32 {
    with_ref("mm_settings_get_bool", settings, |s| {
        let o = out(out_value, "out_value")?;
        let name = text::arg(name, "name")?;
        match value(&s.inner, name)? {
            Value::Bool(b) => *o = *b,
            v => return Err(wrong_type(name, "a bool", v)),
        }
        Ok(())
    })
}

/// The text `name` holds, into `buf` (`capacity` bytes; the size with its NUL into `*needed`
/// when `needed` is not NULL; `buf` NULL with `capacity` 0 asks for the size).
///
/// Errors: as `mm_settings_get_number`, and `MM_ERROR_BUFFER_TOO_SMALL` (cut to fit).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_get_text(
    settings: *const MmSettings,
    name: *const c_char,
    buf: *mut c_char,
    capacity: usize,
    needed: *mut usize,
) -> i32 {
    with_ref("mm_settings_get_text", settings, |s| {
        let name = text::arg(name, "name")?;
        match value(&s.inner, name)? {
            Value::Text(t) => text::write(t, buf, capacity, needed),
            v => Err(wrong_type(name, "a string", v)),
        }
    })
}

/// How many tables the list setting `list` holds, into `*out_count`.
///
/// Errors: as `mm_settings_get_number`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_item_count(
    settings: *const MmSettings,
    list: *const c_char,
    out_count: *mut usize,
) -> i32 {
    with_ref("mm_settings_item_count", settings, |s| {
        let o = out(out_count, "out_count")?;
        *o = items(&s.inner, text::arg(list, "list")?)?.len();
        Ok(())
    })
}

/// A copy of table `index` of the list setting `list`, as new settings into `*out_item`
/// (destroy with `mm_settings_destroy`).
///
/// Errors: as `mm_settings_get_number`, and `MM_ERROR_INDEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_get_item(
    settings: *const MmSettings,
    list: *const c_char,
    index: usize,
    out_item: *mut *mut MmSettings,
) -> i32 {
    with_ref("mm_settings_get_item", settings, |s| {
        let o = out(out_item, "out_item")?;
        *o = core::ptr::null_mut();
        let l = items(&s.inner, text::arg(list, "list")?)?;
        let item = l.get(index).ok_or(Failure::Index {
            what: "item",
            index,
            count: l.len(),
        })?;
        give(o, MmSettings::new(item.clone()));
        Ok(())
    })
}

/// The settings as text (`{threshold_db = -24, detector = "rms"}`), into `buf` as
/// `mm_settings_get_text` does.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_BUFFER_TOO_SMALL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_settings_format(
    settings: *const MmSettings,
    buf: *mut c_char,
    capacity: usize,
    needed: *mut usize,
) -> i32 {
    with_ref("mm_settings_format", settings, |s| {
        text::write(&s.inner.to_string(), buf, capacity, needed)
    })
}
