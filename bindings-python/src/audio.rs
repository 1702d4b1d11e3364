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

use crate::stream::{Samples, SamplesMut};

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

/// A validated input array, borrowed read-only from numpy (no copy).
pub struct Input<'py> {
    ro32: Option<numpy::PyReadonlyArrayDyn<'py, f32>>,
    ro64: Option<numpy::PyReadonlyArrayDyn<'py, f64>>,
    /// The input's dtype.
    pub dtype: Dtype,
    /// Whether it is 1-D (mono).
    pub one_d: bool,
    /// Channels (rows).
    pub channels: usize,
    /// Frames (columns).
    pub frames: usize,
}

impl Input<'_> {
    /// The samples, planar, straight from numpy's buffer.
    pub fn samples(&self) -> PyResult<Samples<'_>> {
        Ok(match (&self.ro32, &self.ro64) {
            (Some(a), _) => Samples::F32(a.as_slice()?),
            (_, Some(a)) => Samples::F64(a.as_slice()?),
            _ => unreachable!("an input holds one of the two dtypes"),
        })
    }

    /// The samples as planar `f32` vectors (a copy).
    pub fn to_audio(&self) -> PyResult<Audio> {
        let n = self.frames;
        let channels = match self.samples()? {
            Samples::F32(s) => (0..self.channels)
                .map(|c| s[c * n..(c + 1) * n].to_vec())
                .collect(),
            Samples::F64(s) => (0..self.channels)
                .map(|c| s[c * n..(c + 1) * n].iter().map(|&x| x as f32).collect())
                .collect(),
        };
        Ok(Audio {
            channels,
            dtype: self.dtype,
            one_d: self.one_d,
        })
    }

    /// The channels as `f32` slices: borrowed for float32 input, converted into `store` for
    /// float64.
    pub fn slices<'a>(&'a self, store: &'a mut Vec<Vec<f32>>) -> PyResult<Vec<&'a [f32]>> {
        let n = self.frames;
        Ok(match self.samples()? {
            Samples::F32(s) => (0..self.channels).map(|c| &s[c * n..(c + 1) * n]).collect(),
            Samples::F64(s) => {
                *store = (0..self.channels)
                    .map(|c| s[c * n..(c + 1) * n].iter().map(|&x| x as f32).collect())
                    .collect();
                store.iter().map(|c| &c[..]).collect()
            }
        })
    }
}

/// Checks `obj` as audio and borrows it; `what` names it in errors ("audio", "sidechain").
pub fn input<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Input<'py>> {
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
        let hint = if (1..=MAX_CHANNELS).contains(&frames) {
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
    let (ro32, ro64, dtype) = if dt.is_equiv_to(&numpy::dtype::<f32>(py)) {
        (
            Some(obj.cast::<PyArrayDyn<f32>>()?.readonly()),
            None,
            Dtype::F32,
        )
    } else if dt.is_equiv_to(&numpy::dtype::<f64>(py)) {
        (
            None,
            Some(obj.cast::<PyArrayDyn<f64>>()?.readonly()),
            Dtype::F64,
        )
    } else {
        return Err(PyTypeError::new_err(format!(
            "{what} has dtype {}; use float32 or float64 ({what}.astype(numpy.float32))",
            dt.str()?
        )));
    };
    Ok(Input {
        ro32,
        ro64,
        dtype,
        one_d,
        channels,
        frames,
    })
}

/// Reads `obj` as audio into planar `f32` vectors (a copy).
pub fn read(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Audio> {
    input(obj, what)?.to_audio()
}

/// A new zeroed array of `dtype`, (channels, frames) or (frames,) if `one_d`.
pub fn new_output<'py>(
    py: Python<'py>,
    dtype: Dtype,
    one_d: bool,
    channels: usize,
    frames: usize,
) -> Output<'py> {
    let shape: Vec<usize> = if one_d && channels == 1 {
        vec![frames]
    } else {
        vec![channels, frames]
    };
    match dtype {
        Dtype::F32 => Output::F32(PyArrayDyn::<f32>::zeros(py, shape.as_slice(), false)),
        Dtype::F64 => Output::F64(PyArrayDyn::<f64>::zeros(py, shape.as_slice(), false)),
    }
}

/// A new output array.
pub enum Output<'py> {
    /// float32
    F32(Bound<'py, PyArrayDyn<f32>>),
    /// float64
    F64(Bound<'py, PyArrayDyn<f64>>),
}

impl<'py> Output<'py> {
    /// Its buffer, to fill (the array is new: nothing else refers to it yet).
    pub fn samples_mut(&self) -> PyResult<SamplesMut<'_>> {
        // SAFETY: the array was just made by `new_output` and has not been handed to Python,
        // so no other reference to its buffer exists while the slice lives.
        Ok(unsafe {
            match self {
                Output::F32(a) => SamplesMut::F32(a.as_slice_mut()?),
                Output::F64(a) => SamplesMut::F64(a.as_slice_mut()?),
            }
        })
    }

    /// The array as a Python object.
    pub fn into_any(self) -> Bound<'py, PyAny> {
        match self {
            Output::F32(a) => a.into_any(),
            Output::F64(a) => a.into_any(),
        }
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
