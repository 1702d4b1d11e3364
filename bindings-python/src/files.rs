//! Audio files for Python: `read` and `write` through the command's own readers and writer
//! (`mixmaster-io`), so a file reads in a notebook exactly as the command reads it. A mapping:
//! the formats, the dither of integer output and the clip count are the io crate's.

use std::path::PathBuf;

use mixmaster_io::wav::{Audio, Format};
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::audio;

/// An io error chain as a Python exception: a missing file is `FileNotFoundError`, another
/// operating-system failure `OSError`, anything else (a format, a header) `ValueError`; the
/// message is the whole chain, which names the file.
pub fn error(e: anyhow::Error) -> PyErr {
    let msg = format!("{e:#}");
    match e.chain().find_map(|c| c.downcast_ref::<std::io::Error>()) {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(msg),
        Some(_) => PyOSError::new_err(msg),
        None => PyValueError::new_err(msg),
    }
}

/// Reads a whole audio file (WAV, FLAC, MP3, Ogg Vorbis, AIFF) at its own rate: the samples
/// `(channels, samples)` in `dtype` and the sample rate.
#[pyfunction]
#[pyo3(signature = (path, dtype = "float32"))]
pub fn read<'py>(
    py: Python<'py>,
    path: PathBuf,
    dtype: &str,
) -> PyResult<(Bound<'py, PyAny>, u32)> {
    let dt = match dtype {
        "float32" => audio::Dtype::F32,
        "float64" => audio::Dtype::F64,
        other => {
            return Err(PyValueError::new_err(format!(
                "dtype must be \"float32\" or \"float64\", not {other:?}"
            )));
        }
    };
    let a = py.detach(|| mixmaster_io::read(&path)).map_err(error)?;
    Ok((audio::write(py, &a.channels, dt, false)?, a.sample_rate))
}

/// The word length for a soundfile-style subtype name.
fn format(subtype: &str) -> PyResult<Format> {
    match subtype {
        "PCM_16" => Ok(Format::Int16),
        "PCM_24" => Ok(Format::Int24),
        "FLOAT" => Ok(Format::Float32),
        other => Err(PyValueError::new_err(format!(
            "subtype must be \"PCM_16\" (dithered, noise-shaped), \"PCM_24\" (dithered) or \"FLOAT\", not {other:?}"
        ))),
    }
}

/// Writes `(channels, samples)` (or mono `(samples,)`) audio to a WAV file as 16 or 24-bit
/// integer (TPDF-dithered) or 32-bit float. Returns `{"clipped": n, "peak": x}`: samples beyond
/// full scale that an integer format clipped, and the largest magnitude written.
#[pyfunction]
#[pyo3(signature = (path, audio, sample_rate, subtype = "PCM_24"))]
pub fn write<'py>(
    py: Python<'py>,
    path: PathBuf,
    audio: &Bound<'py, PyAny>,
    sample_rate: f64,
    subtype: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let format = format(subtype)?;
    let sr = audio::sample_rate(sample_rate)?;
    if sr.fract() != 0.0 || sr > f64::from(u32::MAX) {
        return Err(PyValueError::new_err(format!(
            "sample_rate = {sr}: a WAV file's rate is a whole number of Hz"
        )));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() != Some("wav") {
        return Err(PyValueError::new_err(format!(
            "{}: only WAV files are written (name it .wav); read() also reads FLAC, MP3, Ogg Vorbis and AIFF",
            path.display()
        )));
    }
    let a = audio::read(audio, "audio")?;
    let file = Audio {
        sample_rate: sr as u32,
        channels: a.channels,
    };
    let w = py
        .detach(|| mixmaster_io::write(&path, &file, format))
        .map_err(error)?;
    let d = PyDict::new(py);
    d.set_item("clipped", w.clipped)?;
    d.set_item("peak", w.peak)?;
    Ok(d)
}
