//! Settings between Python and the core: Python values to [`Value`]s and back, and the
//! registry's descriptions as plain dicts (the package builds its classes, docstrings and stubs
//! from them).

use mixmaster::registry;
use mixmaster::settings::{OptionInfo, OptionKind, Settings, Value};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// A Python value as a setting value: bool, int, float (or anything with `__float__`, such as a
/// numpy scalar), str, or a list/tuple of dicts (band tables).
pub fn to_value(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
    if obj.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(obj.extract()?));
    }
    if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>() {
        return Ok(Value::Number(obj.extract()?));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::Text(s.extract::<String>()?));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            let item = item?;
            let d = item.cast::<PyDict>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "`{name}[{i}]` must be a dict of settings, not {}",
                    type_name(&item)
                ))
            })?;
            items.push(to_settings(d)?);
        }
        return Ok(Value::List(items));
    }
    if obj.hasattr("__float__")? && !obj.hasattr("__len__")? {
        if let Ok(x) = obj
            .call_method0("__float__")
            .and_then(|f| f.extract::<f64>())
        {
            return Ok(Value::Number(x));
        }
    }
    Err(PyTypeError::new_err(format!(
        "`{name}` must be a number, bool, str or list of dicts, not {}",
        type_name(obj)
    )))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// A dict of settings.
pub fn to_settings(d: &Bound<'_, PyDict>) -> PyResult<Settings> {
    let mut s = Settings::new();
    for (k, v) in d.iter() {
        let name: String = k
            .extract()
            .map_err(|_| PyTypeError::new_err("setting names must be strings"))?;
        let value = to_value(&v, &name)?;
        s.set(&name, value);
    }
    Ok(s)
}

/// A setting value as a Python object.
pub fn from_value<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Number(x) => PyFloat::new(py, *x).into_any(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Text(t) => PyString::new(py, t).into_any(),
        Value::List(l) => {
            let list = PyList::empty(py);
            for t in l {
                list.append(from_settings(py, t)?)?;
            }
            list.into_any()
        }
    })
}

/// Settings as a dict, in order.
pub fn from_settings<'py>(py: Python<'py>, s: &Settings) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in s.iter() {
        d.set_item(k, from_value(py, v)?)?;
    }
    Ok(d)
}

fn option_dict<'py>(py: Python<'py>, o: &OptionInfo) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", o.name)?;
    d.set_item("doc", o.doc)?;
    match o.kind {
        OptionKind::Choice { choices, default } => {
            d.set_item("type", "choice")?;
            d.set_item("choices", choices.to_vec())?;
            d.set_item("default", default)?;
        }
        OptionKind::Switch { default } => {
            d.set_item("type", "switch")?;
            d.set_item("default", default)?;
        }
        OptionKind::Number {
            min,
            max,
            default,
            unit,
            integer,
        } => {
            d.set_item("type", if integer { "integer" } else { "number" })?;
            d.set_item("min", min)?;
            d.set_item("max", max)?;
            d.set_item("default", default)?;
            d.set_item("unit", unit)?;
        }
        OptionKind::Audio { max_channels } => {
            d.set_item("type", "audio")?;
            d.set_item("max_channels", max_channels)?;
            d.set_item("default", py.None())?;
        }
        OptionKind::List { fields } => {
            d.set_item("type", "list")?;
            let f = PyList::empty(py);
            for field in fields {
                f.append(option_dict(py, field)?)?;
            }
            d.set_item("fields", f)?;
            d.set_item("default", PyList::empty(py))?;
        }
    }
    Ok(d)
}

/// Every registered processor kind as a dict: `kind`, `aliases`, `class_name`, `summary`,
/// `channels`, `params` (name, min, max, default, unit, doc, toggle), `options` (name, doc,
/// type, and choices / range / fields), `variants` (name, class_name, summary, fixed).
#[pyfunction]
pub fn kinds(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let out = PyList::empty(py);
    for k in registry::kinds() {
        let d = k.description;
        let k = PyDict::new(py);
        k.set_item("kind", d.kind)?;
        k.set_item("aliases", d.aliases.to_vec())?;
        k.set_item("class_name", d.class_name)?;
        k.set_item("summary", d.summary)?;
        k.set_item("channels", d.channels)?;
        let params = PyList::empty(py);
        for p in d.params {
            let pd = PyDict::new(py);
            pd.set_item("name", p.name)?;
            pd.set_item("min", p.min)?;
            pd.set_item("max", p.max)?;
            pd.set_item("default", p.default)?;
            pd.set_item("unit", p.unit)?;
            pd.set_item("doc", p.doc)?;
            pd.set_item("toggle", p.is_toggle())?;
            params.append(pd)?;
        }
        k.set_item("params", params)?;
        let options = PyList::empty(py);
        for o in d.options {
            options.append(option_dict(py, o)?)?;
        }
        k.set_item("options", options)?;
        let variants = PyList::empty(py);
        for v in d.variants {
            let vd = PyDict::new(py);
            vd.set_item("name", v.name)?;
            vd.set_item("class_name", v.class_name)?;
            vd.set_item("summary", v.summary)?;
            let fixed = PyDict::new(py);
            for (n, c) in v.fixed {
                fixed.set_item(n, c)?;
            }
            vd.set_item("fixed", fixed)?;
            variants.append(vd)?;
        }
        k.set_item("variants", variants)?;
        out.append(k)?;
    }
    Ok(out)
}
