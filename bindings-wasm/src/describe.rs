//! The registry's descriptions as plain JS objects: the package makes its classes, property
//! accessors, docs and TypeScript types from them, so a kind or a setting declared in the core
//! reaches JavaScript without code here.

use js_sys::{Array, Object};
use mixmaster::registry;
use mixmaster::settings::{OptionInfo, OptionKind};
use wasm_bindgen::prelude::*;

use crate::convert::{camel, set};

fn strings(items: impl IntoIterator<Item = impl AsRef<str>>) -> Array {
    items
        .into_iter()
        .map(|s| JsValue::from_str(s.as_ref()))
        .collect()
}

fn option(o: &OptionInfo) -> Object {
    let d = Object::new();
    set(&d, "name", camel(o.name));
    set(&d, "key", o.name);
    set(&d, "doc", o.doc);
    match o.kind {
        OptionKind::Choice { choices, default } => {
            set(&d, "type", "choice");
            set(&d, "choices", strings(choices));
            set(&d, "default", default);
        }
        OptionKind::Switch { default } => {
            set(&d, "type", "switch");
            set(&d, "default", default);
        }
        OptionKind::Number {
            min,
            max,
            default,
            unit,
            integer,
        } => {
            set(&d, "type", if integer { "integer" } else { "number" });
            set(&d, "min", min);
            set(&d, "max", max);
            set(&d, "default", default);
            set(&d, "unit", unit);
        }
        OptionKind::Audio { max_channels } => {
            set(&d, "type", "audio");
            set(&d, "maxChannels", max_channels as u32);
            set(&d, "default", JsValue::NULL);
        }
        OptionKind::List { fields } => {
            set(&d, "type", "list");
            let f: Array = fields.iter().map(|x| JsValue::from(option(x))).collect();
            set(&d, "fields", f);
            set(&d, "default", Array::new());
        }
    }
    d
}

/// Every registered processor kind: `{ kind, aliases, className, summary, channels, params,
/// options, variants }`. Params: `{ name (camelCase), key (registry name), index, min, max,
/// default, unit, doc, toggle }`. Options: `{ name, key, doc, type ("choice" | "switch" |
/// "number" | "integer" | "list" | "audio"), default, and choices / min, max, unit / fields /
/// maxChannels }`. Audio options take data through `loadAudio`.
/// Variants: `{ name, className, summary, fixed: { optionName: choice } }`.
#[wasm_bindgen]
pub fn kinds() -> Array {
    let out = Array::new();
    for k in registry::kinds() {
        let d = k.description;
        let o = Object::new();
        set(&o, "kind", d.kind);
        set(&o, "aliases", strings(d.aliases));
        set(&o, "className", d.class_name);
        set(&o, "summary", d.summary);
        set(&o, "channels", d.channels);
        let params = Array::new();
        for (i, p) in d.params.iter().enumerate() {
            let pd = Object::new();
            set(&pd, "name", camel(p.name));
            set(&pd, "key", p.name);
            set(&pd, "index", i as u32);
            set(&pd, "min", p.min);
            set(&pd, "max", p.max);
            set(&pd, "default", p.default);
            set(&pd, "unit", p.unit);
            set(&pd, "doc", p.doc);
            set(&pd, "toggle", p.is_toggle());
            params.push(&pd);
        }
        set(&o, "params", params);
        let options: Array = d.options.iter().map(|x| JsValue::from(option(x))).collect();
        set(&o, "options", options);
        let variants = Array::new();
        for v in d.variants {
            let vd = Object::new();
            set(&vd, "name", v.name);
            set(&vd, "className", v.class_name);
            set(&vd, "summary", v.summary);
            let fixed = Object::new();
            for (n, c) in v.fixed {
                set(&fixed, &camel(n), *c);
            }
            set(&vd, "fixed", fixed);
            variants.push(&vd);
        }
        set(&o, "variants", variants);
        out.push(&o);
    }
    out
}
