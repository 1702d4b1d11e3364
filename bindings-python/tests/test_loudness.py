"""Loudness from Python against the EBU Tech 3341/3342 cases (synthesized), libebur128 (through
pyebur128) and pyloudnorm on random programmes, and normalization to presets."""

import warnings

import numpy as np
import pytest

import mixmaster as mm
from conftest import SR, programme


def tone(level_db, secs, fs=SR, start=0, freq=1000.0):
    n = int(round(secs * fs))
    i = np.arange(start, start + n)
    return (10 ** (level_db / 20) * np.sin(2 * np.pi * freq * i / fs)).astype(np.float32)


def segments(segs, fs=SR):
    out = []
    pos = 0
    for level, secs in segs:
        x = tone(level, secs, fs, pos) if level is not None else np.zeros(int(round(secs * fs)), np.float32)
        out.append(x)
        pos += len(x)
    x = np.concatenate(out)
    return np.stack([x, x])


@pytest.mark.parametrize("fs", [48000, 44100])
def test_ebu_3341_cases_1_to_5(fs):
    for level in (-23.0, -33.0):
        m = mm.measure(segments([(level, 20.0)], fs), fs)
        assert m.integrated_lufs == pytest.approx(level, abs=0.1)
        assert m.max_momentary_lufs == pytest.approx(level, abs=0.1)
        assert m.max_short_term_lufs == pytest.approx(level, abs=0.1)
    for segs in (
        [(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)],
        [(-72.0, 10.0), (-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0), (-72.0, 10.0)],
        [(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)],
    ):
        assert mm.measure(segments(segs, fs), fs).integrated_lufs == pytest.approx(-23.0, abs=0.1)


@pytest.mark.parametrize("fs", [48000, 44100])
def test_ebu_3342_loudness_range_cases_1_to_4(fs):
    cases = [
        ([(-20.0, 20.0), (-30.0, 20.0)], 10.0),
        ([(-20.0, 20.0), (-15.0, 20.0)], 5.0),
        ([(-40.0, 20.0), (-20.0, 20.0)], 20.0),
        ([(-50.0, 20.0), (-35.0, 20.0), (-20.0, 20.0), (-35.0, 20.0), (-50.0, 20.0)], 15.0),
    ]
    for segs, lra in cases:
        assert mm.measure(segments(segs, fs), fs).loudness_range_lu == pytest.approx(lra, abs=1.0)


def test_ebu_3341_case_6_surround_weights():
    x = np.stack([tone(-28.0, 20.0), tone(-28.0, 20.0), tone(-24.0, 20.0), tone(-30.0, 20.0), tone(-30.0, 20.0)])
    assert mm.measure(x, SR, "5.0").integrated_lufs == pytest.approx(-23.0, abs=0.1)
    with pytest.raises(ValueError, match="layout has 2 channels but the audio has 5"):
        mm.measure(x, SR, "stereo")
    with pytest.raises(ValueError, match="unknown layout"):
        mm.measure(x, SR, "quad")


def test_true_peak_of_an_inter_sample_peak():
    # EBU 3341 case 20-style: a sine at fs/4 with 45 degree phase peaks between samples at 0 dBFS.
    n = np.arange(SR)
    x = np.sin(2 * np.pi * (SR / 4) * n / SR + np.pi / 4).astype(np.float32)
    m = mm.measure(np.stack([x, x]), SR)
    assert m.sample_peak_dbfs == pytest.approx(-3.01, abs=0.05)
    assert m.true_peak_dbtp == pytest.approx(0.0, abs=0.4)


def random_programme(seed, secs=12.0, channels=2, step_s=0.25):
    rng = np.random.default_rng(seed)
    n = int(secs * SR)
    step = int(step_s * SR)
    env = np.repeat(rng.uniform(0.05, 1.0, n // step + 1), step)[:n]
    return (rng.standard_normal((channels, n)) * 0.2 * env).astype(np.float32)


def test_integrated_lra_and_true_peak_against_libebur128():
    pyebur128 = pytest.importorskip("pyebur128")
    mode = pyebur128.MeasurementMode
    for seed in range(3):
        x = random_programme(seed, secs=40.0, step_s=4.0)
        m = mm.measure(x, SR)
        st = pyebur128.R128State(2, SR, mode.MODE_I | mode.MODE_LRA | mode.MODE_TRUE_PEAK)
        st.add_frames(np.ascontiguousarray(x.T).ravel().astype(np.float64), x.shape[1])
        # Integrated loudness: the same algorithm, equal to float rounding (0.02 LU asked).
        assert m.integrated_lufs == pytest.approx(pyebur128.get_loudness_global(st), abs=0.02)
        # LRA: libebur128 takes one short-term value per second, EBU Tech 3342 and mixmaster
        # ten: on programmes with slow level changes they agree within a fraction of an LU.
        assert m.loudness_range_lu == pytest.approx(pyebur128.get_loudness_range(st), abs=0.6)
        # True peak: both BS.1770 4x interpolators, which read differently near Nyquist.
        ref_tp = max(20 * np.log10(pyebur128.get_true_peak(st, c)) for c in range(2))
        assert m.true_peak_dbtp == pytest.approx(ref_tp, abs=0.3)


def test_integrated_equals_pyloudnorm():
    pyln = pytest.importorskip("pyloudnorm")
    x = random_programme(7)
    ref = pyln.Meter(SR).integrated_loudness(x.T.astype(np.float64))
    assert mm.measure(x, SR).integrated_lufs == pytest.approx(ref, abs=0.05)


def test_measurement_fields_and_series():
    x = segments([(-23.0, 5.0)])
    m = mm.measure(x, SR)
    d = m.to_dict()
    for k in ("integrated_lufs", "loudness_range_lu", "true_peak_dbtp", "true_peak_dbtp_per_channel",
              "sample_peak_dbfs", "max_momentary_lufs", "max_short_term_lufs", "momentary_lufs",
              "short_term_lufs", "times_s"):
        assert k in d
    assert len(m.true_peak_dbtp_per_channel) == 2
    assert len(m.momentary_lufs) == len(m.short_term_lufs) == len(m.times_s) == 50
    assert m.times_s[0] == pytest.approx(0.1) and m.times_s[-1] == pytest.approx(5.0)
    assert m.momentary_lufs[-1] == pytest.approx(-23.0, abs=0.1)
    assert m.duration_s == pytest.approx(5.0)
    silent = mm.measure(np.zeros((2, SR), np.float32), SR)
    assert silent.integrated_lufs == -np.inf


def test_streaming_meter_equals_measure():
    x = random_programme(3, secs=6.0)
    meter = mm.LoudnessMeter(SR, 2)
    for i in range(0, x.shape[1], 1234):
        meter.add(np.ascontiguousarray(x[:, i : i + 1234]))
    m = mm.measure(x, SR)
    assert meter.integrated_lufs == pytest.approx(m.integrated_lufs, abs=1e-9)
    assert meter.true_peak_dbtp == pytest.approx(m.true_peak_dbtp, abs=1e-9)
    assert meter.loudness_range_lu == pytest.approx(m.loudness_range_lu, abs=1e-9)
    assert meter.duration_s == pytest.approx(6.0)
    with pytest.raises(ValueError, match="block has 1 channels but the meter has 2"):
        meter.add(x[0])
    meter.reset()
    assert meter.integrated_lufs == -np.inf
    with pytest.raises(ValueError, match="channels"):
        mm.LoudnessMeter(SR, 0)


def test_true_peak_none_measures_loudness_only():
    x = random_programme(4, secs=20.0)
    full = mm.measure(x, SR)
    only = mm.measure(x, SR, true_peak=None)
    # The same loudness (the true peak is a separate pass), no true-peak figures.
    assert only.integrated_lufs == pytest.approx(full.integrated_lufs, abs=1e-12)
    assert only.loudness_range_lu == pytest.approx(full.loudness_range_lu, abs=1e-12)
    assert only.sample_peak_dbfs == full.sample_peak_dbfs
    assert only.true_peak_dbtp is None and only.true_peak_dbtp_per_channel is None
    assert only.true_peak_mode is None and only.to_dict()["true_peak_dbtp"] is None
    assert "true_peak_dbtp" not in repr(only) and "integrated_lufs" in repr(only)
    meter = mm.LoudnessMeter(SR, 2, true_peak=None)
    meter.add(x)
    assert meter.true_peak_dbtp is None and meter.true_peak_mode is None
    assert meter.true_peak_dbtp_per_channel is None
    assert meter.integrated_lufs == pytest.approx(full.integrated_lufs, abs=1e-9)
    with pytest.raises(ValueError, match="true_peak must be"):
        mm.measure(x, SR, true_peak="none")


def test_normalize_reaches_presets_under_the_ceiling():
    x = programme(2, 10 * SR)
    for name, t in mm.PRESETS.items():
        y, r = mm.normalize(x, SR, name)
        m = mm.measure(y, SR)
        assert r.reached and m.integrated_lufs == pytest.approx(t["target_lufs"], abs=0.1)
        assert m.true_peak_dbtp <= t["ceiling_dbtp"] + 0.05
        assert r.target_lufs == t["target_lufs"] and y.shape == x.shape and y.dtype == x.dtype
    y, r = mm.normalize(x.astype(np.float64), SR, target_lufs=-20.0, ceiling_dbtp=-3.0)
    assert y.dtype == np.float64 and r.after["integrated_lufs"] == pytest.approx(-20.0, abs=0.1)
    with pytest.raises(ValueError, match="unknown preset `loud`.*spotify"):
        mm.normalize(x, SR, "loud")


def test_normalize_says_when_the_target_is_missed():
    x = programme(2, 10 * SR)
    with pytest.warns(UserWarning, match="not reached"):
        y, r = mm.normalize(x, SR, target_lufs=-5.0, ceiling_dbtp=-6.0)
    assert r.reached is False and r.limited is True
    with pytest.raises(ValueError, match="silent"):
        mm.normalize(np.zeros((2, SR), np.float32), SR)


def test_normalize_album_keeps_relative_loudness():
    a, b = programme(2, 8 * SR, seed=1), programme(2, 8 * SR, seed=2) * 0.5
    (ya, yb), r = mm.normalize_album([a, b], SR, "spotify")
    before = mm.measure(a, SR).integrated_lufs - mm.measure(b, SR).integrated_lufs
    after = mm.measure(ya, SR).integrated_lufs - mm.measure(yb, SR).integrated_lufs
    assert after == pytest.approx(before, abs=0.2)
    assert len(r.tracks) == 2 and r.album_after["integrated_lufs"] == pytest.approx(-14.0, abs=0.2)
    with pytest.raises(ValueError, match="channels"):
        mm.normalize_album([a, a[0]], SR)
