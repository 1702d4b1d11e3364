//! Errors for JavaScript: every failure becomes a thrown `Error` whose message says what was
//! wrong, with setting names spelled as JavaScript sees them (`thresholdDb`, not `threshold_db`).

use mixmaster::Error;
use wasm_bindgen::JsValue;

use crate::convert::camel;

/// An error for JavaScript: its message. Thrown as an `Error` when it crosses the boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct Thrown(pub String);

impl Thrown {
    /// The same error with `context: ` before its message.
    pub fn context(self, context: impl core::fmt::Display) -> Thrown {
        Thrown(format!("{context}: {}", self.0))
    }
}

impl From<Thrown> for JsValue {
    fn from(e: Thrown) -> JsValue {
        js_sys::Error::new(&e.0).into()
    }
}

/// The binding's result: `Err` is thrown in JavaScript as an `Error`.
pub type Result<T> = core::result::Result<T, Thrown>;

/// An error with `message`.
pub fn err(message: impl Into<String>) -> Thrown {
    Thrown(message.into())
}

/// A core error's message, with setting names in camelCase.
pub fn message(e: &Error) -> String {
    let text = e.to_string();
    match e {
        Error::Parameter { name, .. } => rename_ticked(text, name),
        Error::SettingType { name, .. } => rename_ticked(text, name),
        Error::Choice { name, .. } => text.replacen(
            &format!("unknown {name} "),
            &format!("unknown {} ", camel(name)),
            1,
        ),
        Error::UnknownSetting {
            processor,
            name,
            valid,
        } => {
            let valid: Vec<String> = valid.split(", ").map(camel).collect();
            format!(
                "{processor} has no setting `{}` (it has: {})",
                camel(name),
                valid.join(", ")
            )
        }
        Error::InItem { what, index, error } => {
            format!("{}[{index}]: {}", camel(what), message(error))
        }
        _ => text,
    }
}

fn rename_ticked(text: String, name: &str) -> String {
    text.replacen(&format!("`{name}`"), &format!("`{}`", camel(name)), 1)
}

/// A core error as a thrown `Error`.
pub fn core(e: Error) -> Thrown {
    err(message(&e))
}

/// A core error as a thrown `Error`, its message prefixed with `context: `.
pub fn core_in(context: &str, e: Error) -> Thrown {
    err(format!("{context}: {}", message(&e)))
}

/// A session error as a thrown `Error`.
pub fn session(e: mixmaster_session::Error) -> Thrown {
    err(e.to_string())
}
