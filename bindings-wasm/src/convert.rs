//! Values between JavaScript and the core: JS objects of settings (camelCase keys, or the
//! registry's snake_case ones) to [`Settings`] checked against a kind's [`Description`], and
//! settings back to JS objects. Names map one to one: `threshold_db` is `thresholdDb`.

use js_sys::{Array, Object, Reflect};
use mixmaster::ParamInfo;
use mixmaster::settings::{Description, OptionInfo, OptionKind, Settings, Value};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Result, err};

/// `snake_case` to `camelCase` (`threshold_db` to `thresholdDb`).
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for ch in snake.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// A setting of a kind: a parameter or another option.
#[derive(Clone, Copy)]
pub enum Setting {
    /// An automatable parameter.
    Param(usize, &'static ParamInfo),
    /// A construction-time option.
    Option(&'static OptionInfo),
}

impl Setting {
    /// The registry's (snake_case) name.
    pub fn name(&self) -> &'static str {
        match self {
            Setting::Param(_, p) => p.name,
            Setting::Option(o) => o.name,
        }
    }
}

/// The setting of `desc` called `key` (camelCase or the registry's name).
pub fn resolve(desc: &'static Description, key: &str) -> Option<Setting> {
    if let Some(o) = desc
        .options
        .iter()
        .find(|o| o.name == key || camel(o.name) == key)
    {
        return Some(Setting::Option(o));
    }
    desc.params
        .iter()
        .enumerate()
        .find(|(_, p)| p.name == key || camel(p.name) == key)
        .map(|(i, p)| Setting::Param(i, p))
}

/// Every setting name of `desc` in camelCase, options first, for messages.
pub fn setting_names(desc: &Description) -> String {
    let names: Vec<String> = desc
        .options
        .iter()
        .map(|o| camel(o.name))
        .chain(desc.params.iter().map(|p| camel(p.name)))
        .collect();
    names.join(", ")
}

/// What a JS value is, for messages ("a string", "null", "an array").
pub fn js_type(v: &JsValue) -> String {
    if v.is_null() {
        return "null".into();
    }
    if Array::is_array(v) {
        return "an array".into();
    }
    match v.js_typeof().as_string().as_deref() {
        Some("number") => "a number".into(),
        Some("string") => "a string".into(),
        Some("boolean") => "a bool".into(),
        Some("undefined") => "undefined".into(),
        Some("bigint") => "a bigint".into(),
        Some("function") => "a function".into(),
        Some("symbol") => "a symbol".into(),
        _ => "an object".into(),
    }
}

/// Whether `v` is a non-null object that is not an array or a function.
pub fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v) && !v.is_function()
}

/// `obj[key]`; a throwing getter becomes an error naming `what`.
pub fn get(obj: &JsValue, key: &str, what: &str) -> Result<JsValue> {
    Reflect::get(obj, &JsValue::from_str(key))
        .map_err(|_| err(format!("reading `{key}` of {what} failed")))
}

/// `obj[key] = value` on an object this binding made.
pub fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    // Setting a data property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

/// The own enumerable string keys of `obj`, with their values (`undefined` values skipped:
/// `{ ratio: undefined }` is the same as `{}`).
pub fn entries(obj: &JsValue, what: &str) -> Result<Vec<(String, JsValue)>> {
    let obj: &Object = obj.unchecked_ref();
    let keys = Object::keys(obj);
    let mut out = Vec::with_capacity(keys.length() as usize);
    for k in keys.iter() {
        let key = k.as_string().unwrap_or_default();
        let v = get(obj, &key, what)?;
        if !v.is_undefined() {
            out.push((key, v));
        }
    }
    Ok(out)
}

/// A JS value as a setting value: number, bool, string, or (for list settings, whose table
/// `fields` are given) an array of objects. `name` is the setting's JS name, for messages.
pub fn value_from_js(
    v: &JsValue,
    name: &str,
    fields: Option<&'static [OptionInfo]>,
) -> Result<Value> {
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(x) = v.as_f64() {
        return Ok(Value::Number(x));
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::Text(s));
    }
    if Array::is_array(v)
        && let Some(fields) = fields
    {
        let items: &Array = v.unchecked_ref();
        let mut tables = Vec::with_capacity(items.length() as usize);
        for (i, item) in items.iter().enumerate() {
            tables.push(table_from_js(&item, fields, &format!("{name}[{i}]"))?);
        }
        return Ok(Value::List(tables));
    }
    let expected = match fields {
        Some(_) => "an array of objects",
        None => "a number, a bool or a string",
    };
    Err(err(format!(
        "`{name}` must be {expected}, not {}",
        js_type(v)
    )))
}

/// One table of a list setting (an equalizer band) from a JS object, keys checked against
/// `fields`.
fn table_from_js(v: &JsValue, fields: &'static [OptionInfo], what: &str) -> Result<Settings> {
    if !is_plain_object(v) {
        return Err(err(format!(
            "`{what}` must be an object of fields, not {}",
            js_type(v)
        )));
    }
    let mut s = Settings::new();
    for (key, value) in entries(v, what)? {
        let Some(f) = fields
            .iter()
            .find(|f| f.name == key || camel(f.name) == key)
        else {
            let names: Vec<String> = fields.iter().map(|f| camel(f.name)).collect();
            return Err(err(format!(
                "`{what}` has no field `{key}` (fields: {})",
                names.join(", ")
            )));
        };
        if s.get(f.name).is_some() {
            return Err(err(format!(
                "`{what}`: `{}` is given twice (as {} and {})",
                camel(f.name),
                f.name,
                camel(f.name)
            )));
        }
        let sub = match f.kind {
            OptionKind::List { fields } => Some(fields),
            _ => None,
        };
        let value = value_from_js(&value, &format!("{what}.{}", camel(f.name)), sub)?;
        s.set(f.name, value);
    }
    Ok(s)
}

/// A JS object of settings for a kind (`undefined` or `null`: none), keys checked against its
/// description; errors name the class and list its settings.
pub fn settings_from_js(obj: &JsValue, desc: &'static Description) -> Result<Settings> {
    if obj.is_undefined() || obj.is_null() {
        return Ok(Settings::new());
    }
    if !is_plain_object(obj) {
        return Err(err(format!(
            "{} options must be an object (such as {{ {}: ... }}), not {}",
            desc.class_name,
            desc.params
                .first()
                .map(|p| camel(p.name))
                .unwrap_or_else(|| "name".into()),
            js_type(obj)
        )));
    }
    let mut s = Settings::new();
    for (key, value) in entries(obj, "the options")? {
        let Some(setting) = resolve(desc, &key) else {
            return Err(err(format!(
                "{} has no setting `{key}` (it has: {})",
                desc.class_name,
                setting_names(desc)
            )));
        };
        let name = setting.name();
        if s.get(name).is_some() {
            return Err(err(format!(
                "{}: `{}` is given twice (as {name} and {})",
                desc.class_name,
                camel(name),
                camel(name)
            )));
        }
        let fields = match setting {
            Setting::Option(OptionInfo {
                kind: OptionKind::List { fields },
                ..
            }) => Some(*fields),
            _ => None,
        };
        s.set(name, value_from_js(&value, &camel(name), fields)?);
    }
    Ok(s)
}

/// A setting value as a JS value (tables as objects with `camel` or registry keys).
pub fn value_to_js(v: &Value, camel_keys: bool) -> JsValue {
    match v {
        Value::Number(x) => JsValue::from_f64(*x),
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Text(t) => JsValue::from_str(t),
        Value::List(l) => {
            let a = Array::new();
            for t in l {
                a.push(&settings_to_js(t, camel_keys));
            }
            a.into()
        }
    }
}

/// Settings as a JS object, in order.
pub fn settings_to_js(s: &Settings, camel_keys: bool) -> Object {
    let o = Object::new();
    for (k, v) in s.iter() {
        let key = if camel_keys { camel(k) } else { k.to_string() };
        set(&o, &key, value_to_js(v, camel_keys));
    }
    o
}

/// A JS number that must be a whole number in `[min, max]`; errors name it.
pub fn whole(v: f64, name: &str, min: usize, max: usize) -> Result<usize> {
    if !v.is_finite() || v.fract() != 0.0 || v < min as f64 || v > max as f64 {
        return Err(err(format!(
            "`{name}` = {v}: a whole number from {min} to {max}"
        )));
    }
    Ok(v as usize)
}

/// A sample rate: finite, positive (the core checks its own range).
pub fn sample_rate(v: f64) -> Result<f64> {
    if !v.is_finite() || v <= 0.0 {
        return Err(err(format!(
            "`sampleRate` = {v}: a positive number of Hz (such as 48000)"
        )));
    }
    Ok(v)
}
