//! The TOML session format: reading (errors name the line and column) and writing.

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Session;

impl Session {
    /// Reads a session from TOML text. Errors start with `LINE:COL:` where the text is wrong.
    pub fn from_toml(text: &str) -> Result<Session> {
        toml::from_str(text).map_err(|e| toml_error(text, &e))
    }

    /// Reads a session file. Errors start with `PATH:LINE:COL:`.
    pub fn load(path: &Path) -> Result<Session> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new(format!("cannot read session {}: {e}", path.display())))?;
        Session::from_toml(&text).map_err(|e| {
            // `LINE:COL: message` becomes `PATH:LINE:COL: message`; other errors `PATH: ...`.
            let m = e.message();
            let sep = if m.starts_with(|c: char| c.is_ascii_digit()) {
                ":"
            } else {
                ": "
            };
            Error::new(format!("{}{sep}{m}", path.display()))
        })
    }

    /// The session as TOML text, which [`Session::from_toml`] reads back to an equal session.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| Error::new(format!("cannot write the session: {e}")))
    }

    /// Writes the session to a file.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_toml()?)
            .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))
    }
}

/// One line: `LINE:COL: message`.
fn toml_error(text: &str, e: &toml::de::Error) -> Error {
    let at = e.span().map(|s| {
        let before = &text[..s.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        format!("{line}:{col}: ")
    });
    Error::new(format!(
        "{}{}",
        at.unwrap_or_default(),
        e.message().trim().replace('\n', " ")
    ))
}
