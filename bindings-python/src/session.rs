//! Sessions for Python: the `mixmaster-session` model read from TOML (text or file) or from a
//! dict of the same shape, written back to TOML, and rendered from numpy arrays. The package's
//! `Session` and `Mixer` classes are built on this.

use mixmaster_session::{Buffer, RenderOptions, Session, TrackSource};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::audio;
use crate::errors;

/// A session (tracks, buses, sends, automation, master chain, loudness target).
#[pyclass(name = "Session", module = "mixmaster._native")]
pub struct NativeSession {
    session: Session,
}

fn to_toml(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<toml::Value> {
    if obj.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(obj.extract()?));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(match obj.extract::<i64>() {
            Ok(i) => toml::Value::Integer(i),
            Err(_) => toml::Value::Float(obj.extract()?),
        });
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(toml::Value::Float(obj.extract()?));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(toml::Value::String(s.extract::<String>()?));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut t = toml::Table::new();
        for (k, v) in d.iter() {
            let k: String = k
                .extract()
                .map_err(|_| PyTypeError::new_err(format!("{path}: keys must be strings")))?;
            let child = to_toml(&v, &format!("{path}.{k}"))?;
            t.insert(k, child);
        }
        return Ok(toml::Value::Table(t));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            items.push(to_toml(&item?, &format!("{path}[{i}]"))?);
        }
        return Ok(toml::Value::Array(items));
    }
    if let Ok(x) = obj
        .call_method0("__float__")
        .and_then(|f| f.extract::<f64>())
    {
        return Ok(toml::Value::Float(x));
    }
    Err(PyTypeError::new_err(format!(
        "{path}: {} cannot go in a session (numbers, bools, strings, lists and dicts can)",
        obj.get_type().name()?
    )))
}

fn from_toml<'py>(py: Python<'py>, v: &toml::Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        toml::Value::String(s) => PyString::new(py, s).into_any(),
        toml::Value::Integer(i) => i.into_pyobject(py)?.into_any(),
        toml::Value::Float(f) => PyFloat::new(py, *f).into_any(),
        toml::Value::Boolean(b) => PyBool::new(py, *b).to_owned().into_any(),
        toml::Value::Datetime(d) => PyString::new(py, &d.to_string()).into_any(),
        toml::Value::Array(a) => {
            let l = PyList::empty(py);
            for item in a {
                l.append(from_toml(py, item)?)?;
            }
            l.into_any()
        }
        toml::Value::Table(t) => {
            let d = PyDict::new(py);
            for (k, item) in t {
                d.set_item(k, from_toml(py, item)?)?;
            }
            d.into_any()
        }
    })
}

#[pymethods]
impl NativeSession {
    /// A session from TOML text (errors name the line and column).
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        Ok(NativeSession {
            session: Session::from_toml(text).map_err(errors::session)?,
        })
    }

    /// A session from a file (errors name the file, line and column).
    #[staticmethod]
    fn load(path: std::path::PathBuf) -> PyResult<Self> {
        Ok(NativeSession {
            session: Session::load(&path).map_err(errors::session)?,
        })
    }

    /// A session from a dict shaped like the TOML (`{"track": [{"name": ..., "insert": [...]}]}`).
    #[staticmethod]
    fn from_dict(d: &Bound<'_, PyDict>) -> PyResult<Self> {
        let v = to_toml(d.as_any(), "session")?;
        let session: Session = v.try_into().map_err(|e: toml::de::Error| {
            PyValueError::new_err(format!("session: {}", e.message().trim()))
        })?;
        Ok(NativeSession { session })
    }

    /// The session as TOML text (reads back to an equal session).
    fn to_toml(&self) -> PyResult<String> {
        self.session.to_toml().map_err(errors::session)
    }

    /// The session as a dict shaped like the TOML.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = toml::Value::try_from(&self.session)
            .map_err(|e| PyValueError::new_err(format!("cannot convert the session: {e}")))?;
        from_toml(py, &v)
    }

    /// The tracks' names and files (`None` where the file is not given), in order.
    fn tracks(&self) -> Vec<(String, Option<String>)> {
        self.session
            .tracks
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    t.file.as_ref().map(|f| f.to_string_lossy().into_owned()),
                )
            })
            .collect()
    }

    /// The session's own sample rate, if it names one.
    #[getter]
    fn sample_rate(&self) -> Option<u32> {
        self.session.sample_rate
    }

    /// Renders the session from the track files it names (relative to `folder`), read and
    /// resampled to the session's rate (or `sample_rate`, if given) by the command's own code:
    /// the same mix as `mixmaster render --bits 32f`.
    #[pyo3(signature = (folder, sample_rate = None, pad = false, max_tail_s = 10.0))]
    fn render_files<'py>(
        &self,
        py: Python<'py>,
        folder: std::path::PathBuf,
        sample_rate: Option<u32>,
        pad: bool,
        max_tail_s: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut def = self.session.clone();
        if let Some(rate) = sample_rate {
            def.sample_rate = Some(rate);
        }
        let r = py
            .detach(|| {
                let mut s = mixmaster_io::session::open(def, &folder, pad)?;
                mixmaster_io::session::render(&mut s, max_tail_s, &|_| {})
            })
            .map_err(crate::files::error)?;
        audio::write(py, &r.channels, audio::Dtype::F32, false)
    }

    /// Renders the session from one array per track (mono `(samples,)` or `(1|2, samples)`),
    /// all at `sample_rate`; returns the stereo mix `(2, samples)` as float32, latency removed,
    /// with the effects' tail (at most `max_tail_s`).
    /// Audio files the inserts name (an impulse response) are read relative to `folder` (and
    /// refused, saying so, without one).
    #[pyo3(signature = (tracks, sample_rate, pad = false, max_tail_s = 10.0, folder = None))]
    fn render<'py>(
        &self,
        py: Python<'py>,
        tracks: &Bound<'py, PyList>,
        sample_rate: f64,
        pad: bool,
        max_tail_s: f64,
        folder: Option<std::path::PathBuf>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sr = audio::sample_rate(sample_rate)?;
        if sr.fract() != 0.0 {
            return Err(PyValueError::new_err(format!(
                "sample_rate = {sr}: a session's rate is a whole number of Hz"
            )));
        }
        let mut sources: Vec<Box<dyn TrackSource>> = Vec::with_capacity(tracks.len());
        for (i, t) in tracks.iter().enumerate() {
            let a = audio::read(&t, &format!("tracks[{i}]"))?;
            sources.push(Box::new(Buffer::new(a.channels).map_err(errors::session)?));
        }
        let options = RenderOptions { pad, max_tail_s };
        let s = &self.session;
        let r = py
            .detach(|| match &folder {
                Some(dir) => s.render_with(
                    sr as u32,
                    sources,
                    &options,
                    &mut mixmaster_io::session::Files { dir },
                ),
                None => s.render(sr as u32, sources, &options),
            })
            .map_err(errors::session)?;
        audio::write(py, &r.channels, audio::Dtype::F32, false)
    }
}
