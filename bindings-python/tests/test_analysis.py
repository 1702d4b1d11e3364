"""mixmaster.analyze: the core's mix analysis from numpy. References it did not produce: the DR
value of ``drmeter`` (the DR14 reference implementation) on the same file, scipy's Welch
spectrum for the 1/3-octave band levels, analytic correlations; and the command's JSON for the
same file (one report, whichever way it is asked for)."""

import json
import os
import subprocess

import numpy as np
import pytest
import scipy.signal
import soundfile as sf

import mixmaster

drmeter_algorithm = pytest.importorskip("drmeter.algorithm")
drmeter_models = pytest.importorskip("drmeter.models")


def programme(seconds, rate, seed):
    """Noise and tones under a changing envelope: loud and quiet 3 s blocks, stereo."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    env = np.repeat(rng.uniform(0.05, 1.0, int(np.ceil(seconds / 0.7))), int(0.7 * rate))[:n]
    left = env * (0.3 * rng.standard_normal(n) + 0.4 * np.sin(2 * np.pi * 110 * t))
    right = env * (0.3 * rng.standard_normal(n) + 0.4 * np.sin(2 * np.pi * 165 * t + 1.0))
    x = np.stack([left, right]).astype(np.float32)
    return np.clip(x, -1.0, 1.0)


@pytest.mark.parametrize("rate,seconds,seed", [(44_100, 40.0, 1), (48_000, 61.3, 2), (96_000, 17.0, 3)])
def test_dr_equals_drmeter_on_the_same_file(tmp_path, rate, seconds, seed):
    x = programme(seconds, rate, seed)
    path = tmp_path / "p.wav"
    sf.write(path, x.T, rate, subtype="FLOAT")
    with sf.SoundFile(path) as f:
        ref = drmeter_algorithm.dynamic_range(drmeter_models.AudioData.from_soundfile(f))
    got = mixmaster.analyze(x, rate)["dynamics"]["dr"]
    np.testing.assert_allclose(got["per_channel"], ref.dr_score, atol=1e-3)
    assert abs(got["value"] - float(np.mean(ref.dr_score))) < 1e-3
    assert got["official"] == int(round(float(np.mean(ref.dr_score))))


def test_band_levels_equal_scipys_welch_spectrum():
    rate = 48_000
    x = programme(20.0, rate, 4)
    a = mixmaster.analyze(x, rate)["spectrum"]
    f, p = scipy.signal.welch(x[0].astype(np.float64), rate, window="hann", nperseg=8192,
                              noverlap=4096, detrend=False, scaling="density")
    df = f[1] - f[0]
    for centre, level in zip(a["band_centre_hz"], a["left_db"]):
        lo, hi = centre / 10 ** 0.05, centre * 10 ** 0.05
        band = p[(f >= lo) & (f < hi) & (f > 0)].sum() * df
        assert abs(level - 10 * np.log10(band)) < 0.01, (centre, level)


def test_correlation_width_and_faults_of_known_signals():
    rate = 48_000
    rng = np.random.default_rng(5)
    mono = (0.2 * rng.standard_normal(rate * 3)).astype(np.float32)
    a = mixmaster.analyze(mono, rate)
    assert a["stereo"]["correlation"] == 1.0
    assert a["channels"] == 1
    inv = mixmaster.analyze(np.stack([mono, -mono]), rate)
    assert inv["stereo"]["correlation"] == pytest.approx(-1.0, abs=1e-9)
    assert inv["faults"]["polarity_inverted"] is True
    assert isinstance(inv["stereo"]["correlation_series"], np.ndarray)
    # DC offset and leading silence of known size.
    x = np.concatenate([np.zeros(rate // 2, np.float32), mono + 0.02])
    f = mixmaster.analyze(x, rate)["faults"]
    assert f["leading_silence_s"] == pytest.approx(0.5, abs=3 / rate)
    assert f["dc_offset"][0] == pytest.approx(0.02 * len(mono) / len(x), abs=2e-3)
    # A resonance at 3 kHz in noise, within 1/12 octave.
    b, a_ = scipy.signal.iirpeak(3000, 20, rate)
    y = scipy.signal.lfilter(b, a_, rng.standard_normal(rate * 8)) * 0.5 + 0.05 * rng.standard_normal(rate * 8)
    r = mixmaster.analyze(y.astype(np.float32), rate)["resonances"]
    assert any(abs(np.log2(e["frequency_hz"] / 3000)) < 1 / 12 for e in r), r


def test_the_binding_and_the_command_give_one_report(tmp_path):
    exe = os.environ.get("MIXMASTER_BIN")
    if not exe or not os.path.exists(exe):
        pytest.skip("the command is not built (MIXMASTER_BIN)")
    rate = 48_000
    x = programme(14.0, rate, 6)
    path = tmp_path / "p.wav"
    sf.write(path, x.T, rate, subtype="FLOAT")
    cli = json.loads(subprocess.run([exe, "analyze", "--json", str(path)], check=True,
                                    capture_output=True, text=True).stdout)
    py = mixmaster.analyze(x, rate)
    for section, key in [("loudness", "integrated_lufs"), ("loudness", "true_peak_dbtp"),
                         ("dynamics", "plr_db"), ("dynamics", "psr_min_db"),
                         ("stereo", "correlation"), ("stereo", "width_db"),
                         ("stereo", "mono_change_lu")]:
        assert py[section][key] == pytest.approx(cli[section][key], abs=1e-3), (section, key)
    np.testing.assert_allclose(py["spectrum"]["mid_db"], cli["spectrum"]["mid_db"], atol=1e-3)
    assert py["dynamics"]["dr"]["official"] == cli["dynamics"]["dr"]["official"]
    assert [p["preset"] for p in py["platforms"]] == [p["preset"] for p in cli["platforms"]]


def test_bad_input_raises_errors_that_name_it():
    with pytest.raises(ValueError, match="mono|stereo"):
        mixmaster.analyze(np.zeros((3, 1000), np.float32), 48_000)
    with pytest.raises(ValueError, match="true_peak"):
        mixmaster.analyze(np.zeros((2, 1000), np.float32), 48_000, true_peak="fast")
    with pytest.raises(ValueError, match="sample_rate"):
        mixmaster.analyze(np.zeros((2, 1000), np.float32), 10)
    s = mixmaster.analyze(np.zeros((2, 48_000), np.float32), 48_000)
    assert s["loudness"]["integrated_lufs"] == -np.inf
    assert s["dynamics"]["dr"] is None


def rbj_peaking(f0, q, gain_db, rate):
    """The cookbook peaking biquad (b, a), written out here (not taken from mixmaster)."""
    a = 10 ** (gain_db / 40)
    w = 2 * np.pi * f0 / rate
    alpha = np.sin(w) / (2 * q)
    b = np.array([1 + alpha * a, -2 * np.cos(w), 1 - alpha * a])
    den = np.array([1 + alpha / a, -2 * np.cos(w), 1 - alpha / a])
    return b / den[0], den / den[0]


def test_master_to_reference_recovers_a_known_eq_and_reaches_its_loudness():
    rate = 48_000
    rng = np.random.default_rng(7)
    x = (0.1 * rng.standard_normal((2, rate * 20))).astype(np.float32)
    b, a = rbj_peaking(800.0, 0.8, 6.0, rate)
    ref = scipy.signal.lfilter(b, a, x, axis=1).astype(np.float32) * 1.5
    out, rep = mixmaster.master_to_reference(x, rate, [(ref, rate)])
    assert out.shape == x.shape and out.dtype == np.float32
    _, h = scipy.signal.freqz(b, a, worN=rep["eq_bands"]["band_hz"], fs=rate)
    want = 20 * np.log10(np.abs(h)) + 20 * np.log10(1.5)
    for f, got, w in zip(rep["eq_bands"]["band_hz"], rep["eq_bands"]["mid_db"], want):
        if 40 <= f <= 16_000:
            assert abs(got - w) < 1.0, (f, got, w)
    assert rep["distance_before_db"] > 1.5 and rep["distance_after_predicted_db"] < 0.3
    assert mixmaster.measure(out, rate).integrated_lufs == pytest.approx(
        mixmaster.measure(ref, rate).integrated_lufs, abs=0.3)
    # A saved profile works the same; the curve builds a MatchEQ usable on its own.
    p = mixmaster.profile(ref, rate)
    saved = json.loads(json.dumps({k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in p.items()}))
    out2, rep2 = mixmaster.master_to_reference(x, rate, [saved], width=0.0)
    assert rep2["width_gain_db"] == 0.0
    np.testing.assert_allclose(rep2["eq_bands"]["mid_db"], rep["eq_bands"]["mid_db"], atol=1e-6)
    eq = mixmaster.MatchEQ(curve=rep["curve"])
    y = eq.process(x, rate)
    assert y.shape == x.shape
    # Strength 0 everywhere: the programme is left as it is (but for float rounding).
    same, r0 = mixmaster.master_to_reference(x, rate, [p], eq=0, loudness=0, width=0)
    assert not r0["limited"]
    np.testing.assert_allclose(same, x * 10 ** (r0["gain_db"] / 20), atol=3e-5)
    with pytest.raises(ValueError, match="eq"):
        mixmaster.master_to_reference(x, rate, [p], eq=1.5)
    with pytest.raises(ValueError, match="references\\[0\\]"):
        mixmaster.master_to_reference(x, rate, [{"mid_db": [0.0]}])
