//! Audio between numpy and the core: arrays of shape (channels, samples), or (samples,) for
//! mono, in float32 or float64, C-contiguous. Anything else is a clear `TypeError` or
//! `ValueError`; the layout is never guessed. Output arrays have the input's dtype and shape.

use mixmaster::processor::MAX_CHANNELS;
use numpy::{
    PyArray1, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyUntypedArray,
    PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// The element type of an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    /// float32
    F32,
    /// float64
    F64,
}

/// Audio copied out of a numpy array, planar `f32`.
pub struct Audio {
    /// One vector per channel.
    pub channels: Vec<Vec<f32>>,
    /// The input's dtype.
    pub dtype: Dtype,
    /// Whether the input was 1-D (mono).
    pub one_d: bool,
}

impl Audio {
    /// Frames per channel.
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, |c| c.len())
    }
}

/// Reads `obj` as audio; `what` names it in errors ("audio", "sidechain").
pub fn read(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Audio> {
    let py = obj.py();
    let arr = obj.cast::<PyUntypedArray>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a numpy array of shape (channels, samples) or (samples,), not {}",
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })?;
    let shape = arr.shape().to_vec();
    let (channels, frames, one_d) = match shape.as_slice() {
        [n] => (1, *n, true),
        [c, n] => (*c, *n, false),
        _ => {
            return Err(PyValueError::new_err(format!(
                "{what} has {} dimensions (shape {shape:?}); audio is (channels, samples) or (samples,)",
                shape.len()
            )));
        }
    };
    if channels == 0 || channels > MAX_CHANNELS {
        let hint = if frames >= 1 && frames <= MAX_CHANNELS {
            format!(
                "; shape {shape:?} looks like (samples, channels): pass {what}.T (and numpy.ascontiguousarray)"
            )
        } else {
            String::new()
        };
        return Err(PyValueError::new_err(format!(
            "{what} has {channels} channels (rows); 1 to {MAX_CHANNELS} are supported, as (channels, samples){hint}"
        )));
    }
    if !arr.is_c_contiguous() {
        return Err(PyValueError::new_err(format!(
            "{what} is not C-contiguous (a transposed or strided view): pass numpy.ascontiguousarray({what})"
        )));
    }
    let dt = arr.dtype();
    let planar = |flat: &[f32]| -> Vec<Vec<f32>> {
        if frames == 0 {
            vec![Vec::new(); channels]
        } else {
            flat.chunks_exact(frames).map(|c| c.to_vec()).collect()
        }
    };
    if dt.is_equiv_to(&numpy::dtype::<f32>(py)) {
        let a = obj.cast::<PyArrayDyn<f32>>()?.readonly();
        let flat = a.as_slice()?;
        Ok(Audio {
            channels: planar(flat),
            dtype: Dtype::F32,
            one_d,
        })
    } else if dt.is_equiv_to(&numpy::dtype::<f64>(py)) {
        let a = obj.cast::<PyArrayDyn<f64>>()?.readonly();
        let flat: Vec<f32> = a.as_slice()?.iter().map(|&x| x as f32).collect();
        Ok(Audio {
            channels: planar(&flat),
            dtype: Dtype::F64,
            one_d,
        })
    } else {
        Err(PyTypeError::new_err(format!(
            "{what} has dtype {}; use float32 or float64 ({what}.astype(numpy.float32))",
            dt.str()?
        )))
    }
}

/// Planar channels as a numpy array of `dtype`: (channels, samples), or (samples,) if `one_d`.
pub fn write<'py>(
    py: Python<'py>,
    channels: &[Vec<f32>],
    dtype: Dtype,
    one_d: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let c = channels.len();
    let n = channels.first().map_or(0, |ch| ch.len());
    let shape: Vec<usize> = if one_d && c == 1 { vec![n] } else { vec![c, n] };
    let out = match dtype {
        Dtype::F32 => {
            let flat: Vec<f32> = channels.concat();
            PyArray1::from_vec(py, flat).reshape(shape)?.into_any()
        }
        Dtype::F64 => {
            let flat: Vec<f64> = channels.iter().flatten().map(|&x| f64::from(x)).collect();
            PyArray1::from_vec(py, flat).reshape(shape)?.into_any()
        }
    };
    Ok(out)
}

/// A sample rate: finite and positive (the core checks the range).
pub fn sample_rate(v: f64) -> PyResult<f64> {
    mixmaster::validate::sample_rate(v).map_err(crate::errors::core)
}
