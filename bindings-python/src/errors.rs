//! Core and session errors as Python exceptions: a wrong type is a `TypeError`, everything
//! else a `ValueError`, with the core's message (which names the parameter and its range).

use mixmaster::Error;
use pyo3::PyErr;
use pyo3::exceptions::{PyTypeError, PyValueError};

/// The exception for a core error.
pub fn core(e: Error) -> PyErr {
    match e {
        Error::SettingType { .. } => PyTypeError::new_err(e.to_string()),
        _ => PyValueError::new_err(e.to_string()),
    }
}

/// The exception for a session error.
pub fn session(e: mixmaster_session::Error) -> PyErr {
    PyValueError::new_err(e.to_string())
}
