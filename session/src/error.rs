//! The session library's error: one line that says what is wrong and where (the file, line and
//! column, the track, insert or setting).

use std::fmt;

/// A result with the session [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong, as one line; context (the track, the insert) comes first, joined by ": ".
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    message: String,
}

impl Error {
    /// An error with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
    }

    /// The same error with `context` in front (`"track 0 `a`: ..."`).
    #[must_use]
    pub fn context(self, context: impl fmt::Display) -> Self {
        Error {
            message: format!("{context}: {}", self.message),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<mixmaster::Error> for Error {
    fn from(e: mixmaster::Error) -> Self {
        Error::new(e.to_string())
    }
}

/// Adds context to errors of any displayable kind.
pub(crate) trait Context<T> {
    /// Wraps the error with `what` in front.
    fn ctx(self, what: impl fmt::Display) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn ctx(self, what: impl fmt::Display) -> Result<T> {
        self.map_err(|e| e.into().context(what))
    }
}
