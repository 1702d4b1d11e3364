//! Mix analysis for Python: `analyze(audio, sample_rate, true_peak)` returns the core's
//! `Analysis` (the report `mixmaster analyze --json` prints) as nested dicts, with numpy arrays
//! for the series and curves; `profile` and `master_to_reference` map the core's reference
//! matching. No analysis happens here: these are mappings of the core's reports.

use mixmaster::analysis::matching::{self, MatchStrengths};
use mixmaster::analysis::{AnalysisOptions, Profile, analyze_mix, measure_profile};
use mixmaster::master::TruePeakMode;
use mixmaster::master::normalize::Target;
use numpy::PyArray1;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::audio;
use crate::errors;

fn array<'py>(py: Python<'py>, v: &[f64]) -> Bound<'py, PyAny> {
    PyArray1::from_slice(py, v).into_any()
}

/// Analyses a mono or stereo programme: loudness and dynamics (PLR, PSR, crest, DR), 1/3-octave
/// and fine spectra of L/R/M/S, stereo image and mono fold-down, faults, resonances and the
/// platform preview.
#[pyfunction]
#[pyo3(signature = (audio, sample_rate, true_peak = "standard"))]
pub fn analyze<'py>(
    py: Python<'py>,
    audio: &Bound<'py, PyAny>,
    sample_rate: f64,
    true_peak: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let sr = audio::sample_rate(sample_rate)?;
    let mode = TruePeakMode::from_name(true_peak).ok_or_else(|| {
        PyValueError::new_err(format!(
            "true_peak must be \"standard\" (BS.1770 4x) or \"precise\" (16x reconstruction), not {true_peak:?}"
        ))
    })?;
    let input = audio::input(audio, "audio")?;
    let mut store = Vec::new();
    let refs = input.slices(&mut store)?;
    let a = py
        .detach(|| {
            analyze_mix(
                &refs,
                sr,
                AnalysisOptions {
                    true_peak_mode: mode,
                },
            )
        })
        .map_err(errors::core)?;
    let l = &a.loudness;
    let loud = PyDict::new(py);
    loud.set_item("integrated_lufs", l.integrated_lufs)?;
    loud.set_item("loudness_range_lu", l.loudness_range_lu)?;
    loud.set_item("true_peak_dbtp", l.true_peak_dbtp)?;
    loud.set_item(
        "true_peak_per_channel_dbtp",
        l.true_peak_per_channel_dbtp.clone(),
    )?;
    loud.set_item("true_peak_mode", l.true_peak_mode.name())?;
    loud.set_item("sample_peak_dbfs", l.sample_peak_dbfs)?;
    loud.set_item("max_momentary_lufs", l.max_momentary_lufs)?;
    loud.set_item("max_short_term_lufs", l.max_short_term_lufs)?;
    loud.set_item("hop_s", l.hop_s)?;
    loud.set_item("momentary_lufs", array(py, &l.momentary_lufs))?;
    loud.set_item("short_term_lufs", array(py, &l.short_term_lufs))?;

    let d = &a.dynamics;
    let dyn_ = PyDict::new(py);
    dyn_.set_item("plr_db", d.plr_db)?;
    dyn_.set_item("psr_min_db", d.psr_min_db)?;
    dyn_.set_item("psr_db", array(py, &d.psr_db))?;
    dyn_.set_item("crest_db", d.crest_db.clone())?;
    match &d.dynamic_range {
        Some(r) => {
            let dr = PyDict::new(py);
            dr.set_item("value", r.value)?;
            dr.set_item("official", r.official)?;
            dr.set_item("per_channel", r.per_channel.clone())?;
            dyn_.set_item("dr", dr)?;
        }
        None => dyn_.set_item("dr", py.None())?,
    }

    let s = &a.spectrum;
    let spec = PyDict::new(py);
    spec.set_item("band_hz", array(py, &s.nominal_hz))?;
    spec.set_item("band_centre_hz", array(py, &s.band_hz))?;
    for (k, v) in [
        ("left_db", &s.left_db),
        ("right_db", &s.right_db),
        ("mid_db", &s.mid_db),
        ("side_db", &s.side_db),
        ("fine_hz", &s.fine_hz),
        ("fine_left_db", &s.fine_left_db),
        ("fine_right_db", &s.fine_right_db),
        ("fine_mid_db", &s.fine_mid_db),
        ("fine_side_db", &s.fine_side_db),
    ] {
        spec.set_item(k, array(py, v))?;
    }

    let st = &a.stereo;
    let stereo = PyDict::new(py);
    stereo.set_item("correlation", st.correlation)?;
    stereo.set_item("correlation_low", st.correlation_low)?;
    stereo.set_item("correlation_mid", st.correlation_mid)?;
    stereo.set_item("correlation_high", st.correlation_high)?;
    stereo.set_item("correlation_hop_s", st.correlation_hop_s)?;
    stereo.set_item("correlation_series", array(py, &st.correlation_series))?;
    stereo.set_item("width_db", st.width_db)?;
    stereo.set_item("balance_lu", st.balance_lu)?;
    stereo.set_item("mono_change_lu", st.mono_change_lu)?;
    let bands = PyList::empty(py);
    for b in &st.mono_loss_bands {
        let e = PyDict::new(py);
        e.set_item("band_hz", b.band_hz)?;
        e.set_item("loss_db", b.loss_db)?;
        bands.append(e)?;
    }
    stereo.set_item("mono_loss_bands", bands)?;

    let f = &a.faults;
    let faults = PyDict::new(py);
    faults.set_item("clipped_runs", f.clipped_runs)?;
    faults.set_item("longest_clipped_run", f.longest_clipped_run)?;
    let clipped = PyList::empty(py);
    for c in &f.clipped {
        let e = PyDict::new(py);
        e.set_item("time_s", c.time_s)?;
        e.set_item("channel", c.channel)?;
        e.set_item("samples", c.samples)?;
        clipped.append(e)?;
    }
    faults.set_item("clipped", clipped)?;
    faults.set_item("overs", f.overs)?;
    let overs = PyList::empty(py);
    for o in &f.over_times {
        let e = PyDict::new(py);
        e.set_item("time_s", o.time_s)?;
        e.set_item("peak_dbtp", o.peak_dbtp)?;
        overs.append(e)?;
    }
    faults.set_item("over_times", overs)?;
    faults.set_item("dc_offset", f.dc_offset.clone())?;
    faults.set_item("polarity_inverted", f.polarity_inverted)?;
    faults.set_item("leading_silence_s", f.leading_silence_s)?;
    faults.set_item("trailing_silence_s", f.trailing_silence_s)?;
    faults.set_item("effective_bits", f.effective_bits)?;
    faults.set_item("non_finite", f.non_finite.clone())?;

    let res = PyList::empty(py);
    for r in &a.resonances {
        let e = PyDict::new(py);
        e.set_item("frequency_hz", r.frequency_hz)?;
        e.set_item("excess_db", r.excess_db)?;
        e.set_item("q", r.q)?;
        e.set_item("suggested_band", r.suggested_band())?;
        res.append(e)?;
    }
    let plat = PyList::empty(py);
    for p in &a.platforms {
        let e = PyDict::new(py);
        e.set_item("preset", p.preset.name())?;
        e.set_item("target_lufs", p.target_lufs)?;
        e.set_item("gain_db", p.gain_db)?;
        e.set_item("plays_at_lufs", p.plays_at_lufs)?;
        e.set_item("turns_up", p.turns_up)?;
        e.set_item("needs_limiting", p.needs_limiting)?;
        plat.append(e)?;
    }

    let out = PyDict::new(py);
    out.set_item("sample_rate", a.sample_rate)?;
    out.set_item("channels", a.channels)?;
    out.set_item("duration_s", l.duration_s)?;
    out.set_item("loudness", loud)?;
    out.set_item("dynamics", dyn_)?;
    out.set_item("spectrum", spec)?;
    out.set_item("stereo", stereo)?;
    out.set_item("faults", faults)?;
    out.set_item("resonances", res)?;
    out.set_item("platforms", plat)?;
    Ok(out)
}

/// A profile as a dict (numpy arrays for the curves).
fn profile_dict<'py>(py: Python<'py>, p: &Profile) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("frequency_hz", array(py, &p.frequency_hz))?;
    d.set_item("mid_db", array(py, &p.mid_db))?;
    d.set_item("side_db", array(py, &p.side_db))?;
    d.set_item("width_db", p.width_db)?;
    d.set_item("integrated_lufs", p.integrated_lufs)?;
    d.set_item("true_peak_dbtp", p.true_peak_dbtp)?;
    d.set_item("sample_rate", p.sample_rate)?;
    d.set_item("duration_s", p.duration_s)?;
    d.set_item("loud_s", p.loud_s)?;
    Ok(d)
}

/// A profile from [`profile_dict`]'s dict (or one loaded from JSON: lists work as arrays).
fn profile_from<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Profile> {
    let d = obj.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a profile dict (from mixmaster.profile) or (audio, sample_rate)"
        ))
    })?;
    let get = |k: &str| -> PyResult<Bound<'py, PyAny>> {
        d.get_item(k)?
            .ok_or_else(|| PyValueError::new_err(format!("{what} has no `{k}`: not a profile")))
    };
    let list = |k: &str| -> PyResult<Vec<f64>> {
        get(k)?
            .extract::<Vec<f64>>()
            .map_err(|_| PyValueError::new_err(format!("{what}[{k:?}] is not a list of numbers")))
    };
    let num = |k: &str| -> PyResult<f64> {
        get(k)?
            .extract::<f64>()
            .map_err(|_| PyValueError::new_err(format!("{what}[{k:?}] is not a number")))
    };
    let p = Profile {
        frequency_hz: list("frequency_hz")?,
        mid_db: list("mid_db")?,
        side_db: list("side_db")?,
        width_db: num("width_db")?,
        integrated_lufs: num("integrated_lufs")?,
        true_peak_dbtp: num("true_peak_dbtp")?,
        sample_rate: num("sample_rate")?,
        duration_s: num("duration_s")?,
        loud_s: num("loud_s")?,
    };
    let n = p.frequency_hz.len();
    if n == 0 || p.mid_db.len() != n || p.side_db.len() != n {
        return Err(PyValueError::new_err(format!(
            "{what}: frequency_hz, mid_db and side_db must have one length"
        )));
    }
    Ok(p)
}

/// Measures a programme's tonal profile (loud-part mid/side spectra on a 1/6-octave grid,
/// width, loudness, true peak), for matching.
#[pyfunction]
pub fn profile<'py>(
    py: Python<'py>,
    audio: &Bound<'py, PyAny>,
    sample_rate: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let sr = audio::sample_rate(sample_rate)?;
    let input = audio::input(audio, "audio")?;
    let mut store = Vec::new();
    let refs = input.slices(&mut store)?;
    let p = py
        .detach(|| measure_profile(&refs, sr))
        .map_err(errors::core)?;
    profile_dict(py, &p)
}

/// Masters `audio` to the references (profile dicts): EQ, width and loudness match with their
/// strengths, then the true-peak limiter. `target_lufs`/`ceiling_dbtp`: a target instead of
/// the references' loudness and true peak. Returns the master and a report dict.
#[pyfunction]
#[pyo3(signature = (audio, sample_rate, references, eq = 1.0, loudness = 1.0, width = 1.0, target_lufs = None, ceiling_dbtp = None))]
#[allow(clippy::too_many_arguments)]
pub fn master_to_reference<'py>(
    py: Python<'py>,
    audio: &Bound<'py, PyAny>,
    sample_rate: f64,
    references: &Bound<'py, PyList>,
    eq: f64,
    loudness: f64,
    width: f64,
    target_lufs: Option<f64>,
    ceiling_dbtp: Option<f64>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>)> {
    let sr = audio::sample_rate(sample_rate)?;
    let refs = references
        .iter()
        .enumerate()
        .map(|(i, r)| profile_from(&r, &format!("references[{i}]")))
        .collect::<PyResult<Vec<_>>>()?;
    let target = match (target_lufs, ceiling_dbtp) {
        (None, None) => None,
        (t, c) => Some(Target::new(t.unwrap_or(-14.0), c.unwrap_or(-1.0)).map_err(errors::core)?),
    };
    let strengths = MatchStrengths {
        eq,
        loudness,
        width,
    };
    let a = audio::read(audio, "audio")?;
    let ch = &a.channels;
    let (out, report, plan) = py
        .detach(|| -> mixmaster::Result<_> {
            let refs_in: Vec<&[f32]> = ch.iter().map(|c| &c[..]).collect();
            let p = measure_profile(&refs_in, sr)?;
            let plan = matching::plan(&p, &refs, strengths, target)?;
            let (out, report) = matching::master_in_memory(sr, ch, &plan)?;
            Ok((out, report, plan))
        })
        .map_err(errors::core)?;
    let d = PyDict::new(py);
    d.set_item("gain_db", report.gain_db)?;
    d.set_item("limited", report.limited)?;
    d.set_item("reached", report.reached)?;
    d.set_item("ceiling_kept", report.ceiling_kept())?;
    d.set_item("target_lufs", report.target.integrated_lufs)?;
    d.set_item("ceiling_dbtp", report.target.ceiling_dbtp)?;
    d.set_item("integrated_lufs", report.after.integrated_lufs)?;
    d.set_item("true_peak_dbtp", report.after.true_peak_dbtp)?;
    let bands = PyDict::new(py);
    let hz: Vec<f64> = plan.bands.iter().map(|b| b.band_hz).collect();
    let mid: Vec<f64> = plan.bands.iter().map(|b| b.mid_db).collect();
    let side: Vec<f64> = plan.bands.iter().map(|b| b.side_db).collect();
    bands.set_item("band_hz", array(py, &hz))?;
    bands.set_item("mid_db", array(py, &mid))?;
    bands.set_item("side_db", array(py, &side))?;
    d.set_item("eq_bands", bands)?;
    let curve = PyList::empty(py);
    for c in &plan.curve {
        let e = PyDict::new(py);
        e.set_item("frequency_hz", c.frequency_hz)?;
        e.set_item("mid_db", c.mid_db)?;
        e.set_item("side_db", c.side_db)?;
        curve.append(e)?;
    }
    d.set_item("curve", curve)?;
    d.set_item("width_gain_db", plan.width_gain_db)?;
    d.set_item("distance_before_db", plan.distance_before_db)?;
    d.set_item("distance_after_predicted_db", plan.distance_after_db)?;
    d.set_item("reference", profile_dict(py, &plan.reference)?)?;
    Ok((audio::write(py, &out, a.dtype, a.one_d)?, d))
}
