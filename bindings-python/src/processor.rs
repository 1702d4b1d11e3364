//! Processors from the registry as one native class, `Processor(kind, settings)`, and chains
//! of them. The package (`mixmaster/__init__.py`) makes a class per registered kind on top.
//!
//! Two ways to process, as users of pedalboard expect: `render` (the package's `__call__`)
//! starts from fresh state and returns audio aligned with the input (latency removed, the same
//! length, or with the effect's tail appended); `process` streams, keeping state, each block
//! returning exactly its own length. Parameters change smoothly (`set_setting` on a parameter);
//! other settings rebuild the processor (its state starts fresh).

use mixmaster::registry;
use mixmaster::{ProcessSpec, Processor};
use pyo3::exceptions::{PyAttributeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::audio::{self, Input};
use crate::errors;
use crate::stream::{self, Job};
use crate::value;

/// The block size processors are prepared for (longer arrays are processed in pieces).
const MAX_BLOCK: usize = 4096;
/// The longest tail `render(tail=True)` appends, in seconds.
const MAX_TAIL_S: f64 = 60.0;

/// A processor of any registered kind.
#[pyclass(name = "Processor", module = "mixmaster._native", subclass)]
pub struct NativeProcessor {
    inner: Box<dyn Processor>,
    /// Sample rate and channels it is prepared for, and whether for whole renders
    /// (`Processor::set_non_realtime`: latency traded for speed, then removed).
    prepared: Option<(f64, usize)>,
    non_realtime: bool,
}

impl NativeProcessor {
    fn ensure_prepared(
        &mut self,
        sample_rate: f64,
        channels: usize,
        non_realtime: bool,
    ) -> PyResult<()> {
        if self.prepared != Some((sample_rate, channels)) || self.non_realtime != non_realtime {
            self.inner.set_non_realtime(non_realtime);
            self.non_realtime = non_realtime;
            self.prepared = None;
            self.inner
                .prepare(ProcessSpec::new(sample_rate, MAX_BLOCK, channels))
                .map_err(errors::core)?;
            self.prepared = Some((sample_rate, channels));
        }
        Ok(())
    }

    fn unknown(&self, name: &str) -> PyErr {
        let d = self.inner.description().map(|d| d.setting_names());
        PyAttributeError::new_err(format!(
            "{} has no setting `{name}` (it has: {})",
            self.inner.name(),
            d.unwrap_or_default()
        ))
    }
}

fn key_of<'py>(
    sidechain: Option<&Bound<'py, PyAny>>,
    input: &Input<'py>,
) -> PyResult<Option<Input<'py>>> {
    let Some(obj) = sidechain else {
        return Ok(None);
    };
    let key = audio::input(obj, "sidechain")?;
    if key.frames != input.frames {
        return Err(PyValueError::new_err(format!(
            "sidechain has {} samples but audio has {}: they must have the same length",
            key.frames, input.frames
        )));
    }
    if key.channels != 1 && key.channels != input.channels {
        return Err(PyValueError::new_err(format!(
            "sidechain has {} channels: give 1 (used for all) or as many as the audio ({})",
            key.channels, input.channels
        )));
    }
    Ok(Some(key))
}

/// Runs `input` through `procs` in series into a new array of `out_frames` frames, dropping
/// the first `skip` frames of output; the GIL is released while it runs.
fn execute<'py>(
    py: Python<'py>,
    procs: &mut [&mut (dyn Processor + 'static)],
    input: &Input<'py>,
    key: Option<&Input<'py>>,
    skip: usize,
    out_frames: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let out = audio::new_output(py, input.dtype, input.one_d, input.channels, out_frames);
    {
        let key = match key {
            Some(k) => Some((k.samples()?, k.channels)),
            None => None,
        };
        let job = Job {
            input: input.samples()?,
            channels: input.channels,
            frames: input.frames,
            key,
            skip,
            out_frames,
        };
        let dst = out.samples_mut()?;
        py.detach(|| stream::run(procs, &job, dst));
    }
    Ok(out.into_any())
}

#[pymethods]
impl NativeProcessor {
    /// A processor of `kind` (see `mixmaster.kinds()`) with `settings` by name.
    #[new]
    #[pyo3(signature = (kind, settings = None))]
    fn new(kind: &str, settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let s = match settings {
            Some(d) => value::to_settings(d)?,
            None => Default::default(),
        };
        Ok(NativeProcessor {
            inner: registry::build(kind, &s).map_err(errors::core)?,
            prepared: None,
            non_realtime: false,
        })
    }

    /// The registry kind ("compressor").
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.name()
    }

    /// Loads audio data `name` (an option of type "audio", such as a convolution reverb's
    /// "ir"): `(channels, samples)` or 1-D, recorded at `sample_rate`, labelled `label` in the
    /// settings. Copies it; a prepared processor prepares again.
    #[pyo3(signature = (name, audio, sample_rate, label = "array"))]
    fn load_audio(
        &mut self,
        name: &str,
        audio: &Bound<'_, PyAny>,
        sample_rate: f64,
        label: &str,
    ) -> PyResult<()> {
        let sr = audio::sample_rate(sample_rate)?;
        let input = audio::input(audio, "audio")?;
        let mut store = Vec::new();
        let refs = input.slices(&mut store)?;
        self.inner
            .load_audio(name, &refs, sr, label)
            .map_err(errors::core)
    }

    /// The audio data loaded as `name`: `(audio (channels, samples) float32, sample_rate,
    /// label)`, or None.
    fn audio_data<'py>(
        &self,
        py: Python<'py>,
        name: &str,
    ) -> PyResult<Option<(Bound<'py, PyAny>, f64, String)>> {
        let Some((chans, rate, label)) = self.inner.audio_data(name) else {
            return Ok(None);
        };
        let owned: Vec<Vec<f32>> = chans.iter().map(|c| c.to_vec()).collect();
        Ok(Some((
            audio::write(py, &owned, audio::Dtype::F32, false)?,
            rate,
            label.to_string(),
        )))
    }

    /// Every setting's current value, as a dict (options, then parameters).
    fn settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        value::from_settings(py, &registry::settings_of(self.inner.as_ref()))
    }

    /// One setting's value; `AttributeError` naming the valid ones if there is no such setting.
    fn get_setting<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let s = registry::settings_of(self.inner.as_ref());
        match s.get(name) {
            Some(v) => value::from_value(py, v),
            None => Err(self.unknown(name)),
        }
    }

    /// Sets one setting. A parameter changes smoothly and keeps the state; any other setting
    /// rebuilds the processor (fresh state, prepared again if it was). Invalid values raise
    /// `ValueError`/`TypeError` naming the setting and its range, and change nothing.
    fn set_setting(&mut self, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = value::to_value(value, name)?;
        let params = self.inner.params();
        if let Some(i) = mixmaster::param::index_of(params, name) {
            let x = mixmaster::settings::param_number(&params[i], &v).map_err(errors::core)?;
            return self.inner.set_param(i, x).map_err(errors::core);
        }
        let desc = self.inner.description();
        if desc.and_then(|d| d.option(name)).is_none() {
            return Err(self.unknown(name));
        }
        let mut s = registry::settings_of(self.inner.as_ref());
        s.set(name, v);
        let mut fresh = registry::rebuild_with(self.inner.as_ref(), &s).map_err(errors::core)?;
        fresh.set_non_realtime(self.non_realtime);
        if let Some((rate, channels)) = self.prepared {
            fresh
                .prepare(ProcessSpec::new(rate, MAX_BLOCK, channels))
                .map_err(errors::core)?;
        }
        self.inner = fresh;
        Ok(())
    }

    /// Streams one block: keeps the state between calls and returns exactly the block's
    /// length (the processor's latency is inside it). `reset=True` clears the state first.
    #[pyo3(signature = (audio, sample_rate, reset = false, sidechain = None))]
    fn process<'py>(
        &mut self,
        py: Python<'py>,
        audio: &Bound<'py, PyAny>,
        sample_rate: f64,
        reset: bool,
        sidechain: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (input, key, _) = self.begin(audio, sample_rate, sidechain, false)?;
        if reset {
            self.inner.reset();
        }
        let frames = input.frames;
        execute(
            py,
            &mut [self.inner.as_mut()],
            &input,
            key.as_ref(),
            0,
            frames,
        )
    }

    /// Processes a whole programme from fresh state: the output is aligned with the input and
    /// as long (latency removed), with the effect's tail appended if `tail` (at most 60 s).
    #[pyo3(signature = (audio, sample_rate, tail = false, sidechain = None))]
    fn render<'py>(
        &mut self,
        py: Python<'py>,
        audio: &Bound<'py, PyAny>,
        sample_rate: f64,
        tail: bool,
        sidechain: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (input, key, sr) = self.begin(audio, sample_rate, sidechain, true)?;
        self.inner.reset();
        let lat = self.inner.latency_frames();
        let extra = if tail {
            tail_frames(self.inner.as_ref(), sr)
        } else {
            0
        };
        let frames = input.frames + extra;
        execute(
            py,
            &mut [self.inner.as_mut()],
            &input,
            key.as_ref(),
            lat,
            frames,
        )
    }

    /// Clears the state (delay lines, envelopes) without changing settings.
    fn reset(&mut self) {
        self.inner.reset();
    }

    /// Frames by which the output lags the input, at the sample rate last processed (0 before).
    #[getter]
    fn latency_samples(&self) -> usize {
        if self.prepared.is_some() {
            self.inner.latency_frames()
        } else {
            0
        }
    }

    /// Whether `process` and `render` take a `sidechain` array (the compressor does).
    #[getter]
    fn has_sidechain(&self) -> bool {
        self.inner.has_sidechain()
    }
}

impl NativeProcessor {
    /// Checks the arguments of a processing call and prepares for them: the input, the key
    /// and the sample rate.
    fn begin<'py>(
        &mut self,
        audio: &Bound<'py, PyAny>,
        sample_rate: f64,
        sidechain: Option<&Bound<'py, PyAny>>,
        non_realtime: bool,
    ) -> PyResult<(Input<'py>, Option<Input<'py>>, f64)> {
        let sr = audio::sample_rate(sample_rate)?;
        let input = audio::input(audio, "audio")?;
        let key = key_of(sidechain, &input)?;
        if key.is_some() && !self.inner.has_sidechain() {
            return Err(PyValueError::new_err(format!(
                "{} has no sidechain input",
                self.inner.name()
            )));
        }
        self.ensure_prepared(sr, input.channels, non_realtime)?;
        Ok((input, key, sr))
    }
}

fn tail_frames(p: &dyn Processor, sr: f64) -> usize {
    p.tail_frames().min((MAX_TAIL_S * sr) as usize)
}

/// Borrows every member of a chain mutably; the same object twice is an error.
fn borrow_all<'py>(members: &Bound<'py, PyList>) -> PyResult<Vec<PyRefMut<'py, NativeProcessor>>> {
    let mut out = Vec::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        let p = m.cast::<NativeProcessor>().map_err(|_| {
            PyValueError::new_err(format!("chain item {i} is not a mixmaster processor"))
        })?;
        let r = p.try_borrow_mut().map_err(|_| {
            PyValueError::new_err(format!(
                "chain item {i} is in use elsewhere (the same processor twice in a chain, or used from two threads at once)"
            ))
        })?;
        out.push(r);
    }
    Ok(out)
}

/// Streams `audio` through `members` in series, keeping their state (the package's
/// `Chain.process`).
#[pyfunction]
#[pyo3(signature = (members, audio, sample_rate, reset = false))]
pub fn run_chain<'py>(
    py: Python<'py>,
    members: &Bound<'py, PyList>,
    audio: &Bound<'py, PyAny>,
    sample_rate: f64,
    reset: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let sr = audio::sample_rate(sample_rate)?;
    let input = audio::input(audio, "audio")?;
    let mut refs = borrow_all(members)?;
    for r in refs.iter_mut() {
        r.ensure_prepared(sr, input.channels, false)?;
        if reset {
            r.inner.reset();
        }
    }
    let mut procs: Vec<&mut (dyn Processor + 'static)> =
        refs.iter_mut().map(|r| r.inner.as_mut()).collect();
    let frames = input.frames;
    execute(py, &mut procs, &input, None, 0, frames)
}

/// Runs `audio` through `members` in series from fresh state, aligned with the input (the sum
/// of their latencies removed), with the tails appended if `tail` (the package's
/// `Chain.__call__`).
#[pyfunction]
#[pyo3(signature = (members, audio, sample_rate, tail = false))]
pub fn render_chain<'py>(
    py: Python<'py>,
    members: &Bound<'py, PyList>,
    audio: &Bound<'py, PyAny>,
    sample_rate: f64,
    tail: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let sr = audio::sample_rate(sample_rate)?;
    let input = audio::input(audio, "audio")?;
    let mut refs = borrow_all(members)?;
    let (mut lat, mut tails) = (0usize, 0usize);
    for r in refs.iter_mut() {
        r.ensure_prepared(sr, input.channels, true)?;
        r.inner.reset();
        lat += r.inner.latency_frames();
        tails = tails.saturating_add(tail_frames(r.inner.as_ref(), sr));
    }
    let extra = if tail {
        tails.min((MAX_TAIL_S * sr) as usize)
    } else {
        0
    };
    let mut procs: Vec<&mut (dyn Processor + 'static)> =
        refs.iter_mut().map(|r| r.inner.as_mut()).collect();
    let frames = input.frames + extra;
    execute(py, &mut procs, &input, None, lat, frames)
}
