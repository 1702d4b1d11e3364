"""The precise true peak against scipy's 16x band-limited reconstruction (the reference the
project's issues measure with), and the ceiling check of normalization."""

import warnings

import numpy as np
import pytest
import scipy.signal as ss

import mixmaster as mm


def reference_dbtp(x):
    """``resample_poly(x, 16, 1, window=('kaiser', 12))`` per channel, the largest magnitude."""
    y = ss.resample_poly(np.asarray(x, np.float64), 16, 1, axis=-1, window=("kaiser", 12.0))
    return 20 * np.log10(np.max(np.abs(y)))


def hostile(fs, n, seed=5):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    white = rng.standard_normal((2, n))
    lp = ss.lfilter(ss.firwin(255, min(20000, 0.45 * fs), fs=fs), 1, rng.standard_normal((2, n)))
    clipped = np.clip(rng.standard_normal((2, n)) * 4, -1, 1)
    square = np.sign(np.sin(2 * np.pi * 11000 * t + np.array([[0.1], [0.7]])))
    near_nyquist = np.sin(2 * np.pi * 0.49 * fs * t + np.array([[0.3], [1.3]]))
    for name, x in [
        ("white", white),
        ("low-passed 20 kHz", lp),
        ("clipped", clipped),
        ("square 11 kHz", square),
        ("0.49 fs", near_nyquist),
    ]:
        yield name, (0.9 * x / np.max(np.abs(x))).astype(np.float32)


@pytest.mark.parametrize("fs", [44100, 48000, 96000])
def test_precise_true_peak_is_within_five_hundredths_of_the_reference(fs):
    for name, x in hostile(fs, fs // 2):
        ref = reference_dbtp(x)
        m = mm.measure(x, fs, true_peak="precise")
        assert m.true_peak_mode == "precise"
        assert abs(m.true_peak_dbtp - ref) <= 0.05, (name, m.true_peak_dbtp, ref)
        per = [reference_dbtp(c) for c in x]
        assert np.allclose(m.true_peak_dbtp_per_channel, per, atol=0.05), name
        # The streaming meter reads the same in blocks.
        meter = mm.LoudnessMeter(fs, 2, true_peak="precise")
        for i in range(0, x.shape[1], 1000):
            meter.add(np.ascontiguousarray(x[:, i : i + 1000]))
        assert meter.true_peak_mode == "precise"
        assert meter.true_peak_dbtp == pytest.approx(m.true_peak_dbtp, abs=1e-6)


def test_standard_stays_the_default_and_bad_modes_are_errors():
    x = np.zeros((2, 48000), np.float32)
    x[:, 100] = 0.5
    assert mm.measure(x, 48000).true_peak_mode == "standard"
    with pytest.raises(ValueError, match="true_peak"):
        mm.measure(x, 48000, true_peak="exact")
    with pytest.raises(ValueError, match="true_peak"):
        mm.LoudnessMeter(48000, 2, true_peak="16x")


def test_normalize_checks_the_ceiling_on_the_reconstruction():
    fs = 48000
    rng = np.random.default_rng(9)
    x = (0.25 * rng.standard_normal((2, fs * 4))).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y, r = mm.normalize(x, fs, target_lufs=-8.0, ceiling_dbtp=-1.0)
    assert r.limited
    assert r.after["true_peak_mode"] == "precise"
    assert r.before["true_peak_mode"] == "standard"
    assert r.ceiling_kept
    assert reference_dbtp(y) <= -1.0 + 0.1
