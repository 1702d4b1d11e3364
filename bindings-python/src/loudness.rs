//! Loudness (BS.1770 / EBU R128) and normalization for Python: `measure`, a streaming meter,
//! `normalize` to a target and `normalize_album`, and the platform presets. Results are dicts
//! (the package wraps them in result classes); series are numpy arrays.

use mixmaster::master::normalize::{self as norm, Levels, Preset, Target};
use mixmaster::master::{ChannelLayout, LoudnessMeter, MeterOptions, TruePeakMode, analyze_with};
use numpy::PyArray1;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::audio;
use crate::errors;

/// A channel layout from `None` (by channel count), a name, or a list of weights.
fn layout(obj: Option<&Bound<'_, PyAny>>, channels: usize) -> PyResult<ChannelLayout> {
    let l = match obj {
        None => ChannelLayout::for_channels(channels),
        Some(o) if o.is_none() => ChannelLayout::for_channels(channels),
        Some(o) => {
            if let Ok(s) = o.cast::<PyString>() {
                match s.extract::<String>()?.as_str() {
                    "mono" => ChannelLayout::Mono,
                    "stereo" => ChannelLayout::Stereo,
                    "5.0" => ChannelLayout::Surround50,
                    "5.1" => ChannelLayout::Surround51,
                    "7.1" => ChannelLayout::Surround71,
                    other => {
                        return Err(PyValueError::new_err(format!(
                            "unknown layout `{other}` (mono, stereo, 5.0, 5.1, 7.1, or a list of channel weights)"
                        )));
                    }
                }
            } else if let Ok(w) = o.extract::<Vec<f64>>() {
                ChannelLayout::Custom(w)
            } else {
                return Err(PyTypeError::new_err(
                    "layout must be None, a name (mono, stereo, 5.0, 5.1, 7.1) or a list of channel weights",
                ));
            }
        }
    };
    let n = l.weights().len();
    if n != channels {
        return Err(PyValueError::new_err(format!(
            "layout has {n} channels but the audio has {channels}"
        )));
    }
    Ok(l)
}

fn array<'py>(py: Python<'py>, v: Vec<f64>) -> Bound<'py, PyAny> {
    PyArray1::from_vec(py, v).into_any()
}

/// The meter's options for `true_peak = "standard" | "precise" | None` (None: not measured).
fn options(true_peak: Option<&str>) -> PyResult<MeterOptions> {
    let Some(true_peak) = true_peak else {
        return Ok(MeterOptions {
            true_peak: false,
            ..MeterOptions::default()
        });
    };
    let mode = TruePeakMode::from_name(true_peak).ok_or_else(|| {
        PyValueError::new_err(format!(
            "true_peak must be \"standard\" (BS.1770 4x), \"precise\" (16x reconstruction) or None (not measured), not {true_peak:?}"
        ))
    })?;
    Ok(MeterOptions {
        true_peak_mode: mode,
        ..MeterOptions::default()
    })
}

/// Measures a whole programme: integrated loudness, loudness range, true and sample peaks, the
/// maxima and the momentary and short-term series (every `hop_s`, at the end of each hop).
#[pyfunction]
#[pyo3(signature = (audio, sample_rate, layout = None, hop_s = 0.1, true_peak = "standard"))]
pub fn measure<'py>(
    py: Python<'py>,
    audio: &Bound<'py, PyAny>,
    sample_rate: f64,
    layout: Option<&Bound<'py, PyAny>>,
    hop_s: f64,
    true_peak: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let sr = audio::sample_rate(sample_rate)?;
    let opts = options(true_peak)?;
    let input = audio::input(audio, "audio")?;
    let l = self::layout(layout, input.channels)?;
    let mut store = Vec::new();
    let refs = input.slices(&mut store)?;
    let r = py
        .detach(|| analyze_with(sr, l, &refs, hop_s, opts))
        .map_err(errors::core)?;
    let d = PyDict::new(py);
    d.set_item("integrated_lufs", r.integrated_lufs)?;
    d.set_item("loudness_range_lu", r.loudness_range_lu)?;
    if opts.true_peak {
        d.set_item("true_peak_dbtp", r.true_peak_dbtp)?;
        d.set_item(
            "true_peak_dbtp_per_channel",
            r.true_peak_per_channel_dbtp.clone(),
        )?;
        d.set_item("true_peak_mode", r.true_peak_mode.name())?;
    } else {
        d.set_item("true_peak_dbtp", py.None())?;
        d.set_item("true_peak_dbtp_per_channel", py.None())?;
        d.set_item("true_peak_mode", py.None())?;
    }
    d.set_item("sample_peak_dbfs", r.sample_peak_dbfs)?;
    d.set_item("max_momentary_lufs", r.max_momentary_lufs)?;
    d.set_item("max_short_term_lufs", r.max_short_term_lufs)?;
    let times: Vec<f64> = (1..=r.momentary_lufs.len())
        .map(|i| i as f64 * r.hop_s)
        .collect();
    d.set_item("momentary_lufs", array(py, r.momentary_lufs))?;
    d.set_item("short_term_lufs", array(py, r.short_term_lufs))?;
    d.set_item("times_s", array(py, times))?;
    d.set_item("duration_s", r.duration_s)?;
    d.set_item("non_finite_samples", r.non_finite_samples)?;
    Ok(d)
}

/// A streaming loudness meter: add blocks of any size, read the values at any time.
#[pyclass(name = "LoudnessMeter", module = "mixmaster._native")]
pub struct NativeMeter {
    meter: LoudnessMeter,
}

#[pymethods]
impl NativeMeter {
    #[new]
    #[pyo3(signature = (sample_rate, channels = 2, layout = None, true_peak = "standard"))]
    fn new(
        sample_rate: f64,
        channels: usize,
        layout: Option<&Bound<'_, PyAny>>,
        true_peak: Option<&str>,
    ) -> PyResult<Self> {
        let sr = audio::sample_rate(sample_rate)?;
        let opts = options(true_peak)?;
        if !(1..=mixmaster::processor::MAX_CHANNELS).contains(&channels) {
            return Err(PyValueError::new_err(format!(
                "channels = {channels}: 1 to {} are supported",
                mixmaster::processor::MAX_CHANNELS
            )));
        }
        let l = self::layout(layout, channels)?;
        Ok(NativeMeter {
            meter: LoudnessMeter::with_options(sr, l, opts).map_err(errors::core)?,
        })
    }

    /// Adds a block (channels, samples) — or (samples,) for a mono meter.
    fn add(&mut self, py: Python<'_>, block: &Bound<'_, PyAny>) -> PyResult<()> {
        let input = audio::input(block, "block")?;
        if input.channels != self.meter.channels() {
            return Err(PyValueError::new_err(format!(
                "block has {} channels but the meter has {}",
                input.channels,
                self.meter.channels()
            )));
        }
        let mut store = Vec::new();
        let refs = input.slices(&mut store)?;
        let m = &mut self.meter;
        py.detach(|| m.try_add_planar(&refs)).map_err(errors::core)
    }

    /// Clears everything measured.
    fn reset(&mut self) {
        self.meter.reset();
    }

    #[getter]
    fn sample_rate(&self) -> f64 {
        self.meter.sample_rate()
    }
    #[getter]
    fn channels(&self) -> usize {
        self.meter.channels()
    }
    #[getter]
    fn integrated_lufs(&self) -> f64 {
        self.meter.integrated_lufs()
    }
    #[getter]
    fn momentary_lufs(&self) -> f64 {
        self.meter.momentary_lufs()
    }
    #[getter]
    fn short_term_lufs(&self) -> f64 {
        self.meter.short_term_lufs()
    }
    #[getter]
    fn max_momentary_lufs(&self) -> f64 {
        self.meter.max_momentary_lufs()
    }
    #[getter]
    fn max_short_term_lufs(&self) -> f64 {
        self.meter.max_short_term_lufs()
    }
    #[getter]
    fn loudness_range_lu(&self) -> f64 {
        self.meter.loudness_range_lu()
    }
    /// None when the meter was made with `true_peak=None`.
    #[getter]
    fn true_peak_dbtp(&self) -> Option<f64> {
        self.meter
            .options()
            .true_peak
            .then(|| self.meter.true_peak_dbtp())
    }
    #[getter]
    fn true_peak_dbtp_per_channel(&self) -> Option<Vec<f64>> {
        self.meter.options().true_peak.then(|| {
            (0..self.meter.channels())
                .map(|c| self.meter.true_peak_channel_dbtp(c))
                .collect()
        })
    }
    #[getter]
    fn sample_peak_dbfs(&self) -> f64 {
        self.meter.sample_peak_max_dbfs()
    }
    #[getter]
    fn duration_s(&self) -> f64 {
        self.meter.frames() as f64 / self.meter.sample_rate()
    }
    #[getter]
    fn non_finite_samples(&self) -> u64 {
        self.meter.non_finite_samples()
    }
    /// How true peak is read: "standard" (BS.1770 4x), "precise" (16x reconstruction), or
    /// None (not measured).
    #[getter]
    fn true_peak_mode(&self) -> Option<&'static str> {
        let o = self.meter.options();
        o.true_peak.then(|| o.true_peak_mode.name())
    }
}

fn levels<'py>(py: Python<'py>, l: &Levels) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("integrated_lufs", l.integrated_lufs)?;
    d.set_item("true_peak_dbtp", l.true_peak_dbtp)?;
    d.set_item("true_peak_mode", l.true_peak_mode.name())?;
    d.set_item("loudness_range_lu", l.loudness_range_lu)?;
    d.set_item("sample_peak_dbfs", l.sample_peak_dbfs)?;
    Ok(d)
}

fn target(lufs: f64, ceiling: f64) -> PyResult<Target> {
    Target::new(lufs, ceiling).map_err(errors::core)
}

/// Normalizes a programme to `target_lufs` under `ceiling_dbtp` (true-peak limited if needed).
/// Returns the new audio and a report dict.
#[pyfunction]
#[pyo3(signature = (audio, sample_rate, target_lufs, ceiling_dbtp, layout = None))]
pub fn normalize<'py>(
    py: Python<'py>,
    audio: &Bound<'py, PyAny>,
    sample_rate: f64,
    target_lufs: f64,
    ceiling_dbtp: f64,
    layout: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>)> {
    let sr = audio::sample_rate(sample_rate)?;
    let t = target(target_lufs, ceiling_dbtp)?;
    let mut a = audio::read(audio, "audio")?;
    let l = self::layout(layout, a.channels.len())?;
    let ch = &mut a.channels;
    let r = py
        .detach(|| norm::normalize(sr, l, ch, t))
        .map_err(errors::core)?;
    let d = PyDict::new(py);
    d.set_item("before", levels(py, &r.before)?)?;
    d.set_item("after", levels(py, &r.after)?)?;
    d.set_item("gain_db", r.gain_db)?;
    d.set_item("limited", r.limited)?;
    d.set_item("reached", r.reached)?;
    d.set_item("ceiling_kept", r.ceiling_kept())?;
    d.set_item("target_lufs", r.target.integrated_lufs)?;
    d.set_item("ceiling_dbtp", r.target.ceiling_dbtp)?;
    Ok((audio::write(py, &a.channels, a.dtype, a.one_d)?, d))
}

/// Normalizes an album with one common gain (relative loudness kept), each track limited to
/// the ceiling. Returns the new tracks and a report dict.
#[pyfunction]
#[pyo3(signature = (tracks, sample_rate, target_lufs, ceiling_dbtp, layout = None))]
pub fn normalize_album<'py>(
    py: Python<'py>,
    tracks: &Bound<'py, PyList>,
    sample_rate: f64,
    target_lufs: f64,
    ceiling_dbtp: f64,
    layout: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyDict>)> {
    let sr = audio::sample_rate(sample_rate)?;
    let t = target(target_lufs, ceiling_dbtp)?;
    let mut audios = Vec::with_capacity(tracks.len());
    for (i, tr) in tracks.iter().enumerate() {
        audios.push(audio::read(&tr, &format!("tracks[{i}]"))?);
    }
    let Some(first) = audios.first() else {
        return Err(PyValueError::new_err("the album has no tracks"));
    };
    let channels = first.channels.len();
    if let Some((i, a)) = audios
        .iter()
        .enumerate()
        .find(|(_, a)| a.channels.len() != channels)
    {
        return Err(PyValueError::new_err(format!(
            "tracks[{i}] has {} channels but tracks[0] has {channels}: an album's tracks share one layout",
            a.channels.len()
        )));
    }
    let l = self::layout(layout, channels)?;
    let mut planar: Vec<Vec<Vec<f32>>> = audios
        .iter_mut()
        .map(|a| std::mem::take(&mut a.channels))
        .collect();
    let r = py
        .detach(|| norm::normalize_album(sr, l, &mut planar, t))
        .map_err(errors::core)?;
    let out = PyList::empty(py);
    for (a, p) in audios.iter().zip(&planar) {
        out.append(audio::write(py, p, a.dtype, a.one_d)?)?;
    }
    let d = PyDict::new(py);
    d.set_item("album_before", levels(py, &r.album_before)?)?;
    d.set_item("album_after", levels(py, &r.album_after)?)?;
    d.set_item("gain_db", r.gain_db)?;
    let per = PyList::empty(py);
    for (before, after, limited) in &r.tracks {
        let td = PyDict::new(py);
        td.set_item("before", levels(py, before)?)?;
        td.set_item("after", levels(py, after)?)?;
        td.set_item("limited", *limited)?;
        per.append(td)?;
    }
    d.set_item("tracks", per)?;
    d.set_item("ceiling_kept", r.ceiling_kept())?;
    d.set_item("target_lufs", t.integrated_lufs)?;
    d.set_item("ceiling_dbtp", t.ceiling_dbtp)?;
    d.set_item(
        "reached",
        (r.album_after.integrated_lufs - t.integrated_lufs).abs() <= 0.1,
    )?;
    Ok((out, d))
}

/// The platform presets: name → (target LUFS, ceiling dBTP).
#[pyfunction]
pub fn presets(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    for p in Preset::ALL {
        let t = p.target();
        d.set_item(p.name(), (t.integrated_lufs, t.ceiling_dbtp))?;
    }
    Ok(d)
}
