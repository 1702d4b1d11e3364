"""The convolution reverb from Python: against scipy.signal.fftconvolve (the reference, in
float64) on long signals with 2 s responses, stereo and true stereo; streaming equals one call;
responses from files; pickling; errors; and a session whose reverb names a response file,
rendered from Python as the command renders it."""

import pickle
import subprocess

import numpy as np
import pytest

import mixmaster as mm
from test_session import command

SR = 48000
scipy_signal = pytest.importorskip("scipy.signal")


def room(channels, seconds=2.0, seed=0, rt60=1.5):
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    env = 10 ** (-3 * np.arange(n) / (rt60 * SR))
    return (rng.standard_normal((channels, n)) * env * 0.1).astype(np.float32)


def signal(channels, seconds, seed=1):
    return (np.random.default_rng(seed).standard_normal((channels, int(seconds * SR))) * 0.2).astype(np.float32)


def rel_err(got, want):
    return np.max(np.abs(got - want)) / np.max(np.abs(want))


def test_stereo_equals_fftconvolve():
    ir, x = room(2), signal(2, 10.0)
    y = mm.ConvolutionReverb(ir=(ir, SR), mix=1.0)(x, SR)
    want = np.stack([scipy_signal.fftconvolve(x[c].astype(np.float64), ir[c].astype(np.float64))[: x.shape[1]] for c in range(2)])
    assert y.shape == x.shape and y.dtype == np.float32
    assert rel_err(y, want) < 1e-5


def test_true_stereo_and_tail_equal_fftconvolve():
    ir, x = room(4, seconds=1.0, seed=3), signal(2, 4.0, seed=4)
    y = mm.ConvolutionReverb(ir=(ir, SR), mix=1.0)(x, SR, tail=True)
    conv = lambda a, h: scipy_signal.fftconvolve(x[a].astype(np.float64), ir[h].astype(np.float64))
    want = np.stack([conv(0, 0) + conv(1, 2), conv(0, 1) + conv(1, 3)])
    n = min(y.shape[1], want.shape[1])
    assert y.shape[1] >= x.shape[1] + ir.shape[1] - 1
    assert rel_err(y[:, :n], want[:, :n]) < 1e-5


def test_streaming_equals_one_call_and_pickle():
    ir, x = room(2, seconds=0.5), signal(2, 3.0)
    r = mm.ConvolutionReverb(ir=(ir, SR), mix=0.4, predelay_ms=12.0, gain_db=-3.0)
    # A whole call renders ahead (large FFT blocks, latency removed); streaming runs the
    # zero-latency convolution: the same output to float rounding, and no latency streaming.
    whole = r(x, SR)
    r.reset()
    parts, i, step = [], 0, 1
    while i < x.shape[1]:
        parts.append(r.process(np.ascontiguousarray(x[:, i : i + step]), SR))
        i += step
        step = step * 3 % 4099 + 1
    assert r.latency_samples == 0
    streamed = np.concatenate(parts, axis=1)
    assert rel_err(streamed, whole) < 1e-5
    again = pickle.loads(pickle.dumps(r))
    assert again.predelay_ms == 12.0 and again.ir == "array"
    np.testing.assert_array_equal(again(x, SR), whole)
    # Changing an option rebuilds the processor but keeps the response.
    r.predelay_ms = 0.0
    assert r.ir == "array" and np.any(r(x, SR) != 0)


def test_response_from_a_file_and_errors(tmp_path):
    ir = room(2, seconds=0.3)
    mm.write(tmp_path / "ir.wav", ir, SR, subtype="FLOAT")
    r = mm.ConvolutionReverb(ir=tmp_path / "ir.wav", mix=1.0)
    assert r.ir.endswith("ir.wav")
    x = signal(2, 1.0)
    np.testing.assert_array_equal(r(x, SR), mm.ConvolutionReverb(ir=(ir, SR), mix=1.0)(x, SR))
    with pytest.raises(ValueError, match="44100 Hz but the audio at 48000 Hz"):
        mm.ConvolutionReverb(ir=(ir, 44100))(x, SR)
    with pytest.raises(ValueError, match="3 channels"):
        mm.ConvolutionReverb(ir=(np.zeros((3, 100), np.float32), SR))
    with pytest.raises(ValueError, match="NaN"):
        bad = ir.copy()
        bad[0, 5] = np.nan
        mm.ConvolutionReverb(ir=(bad, SR))
    with pytest.raises(TypeError, match="file path or an"):
        mm.ConvolutionReverb(ir=42)
    with pytest.raises(FileNotFoundError):
        mm.ConvolutionReverb(ir=tmp_path / "none.wav")
    # No response: the wet signal is silence, the dry passes.
    np.testing.assert_allclose(mm.ConvolutionReverb(mix=0.25)(x, SR), 0.75 * x, rtol=1e-6)


SESSION = """
[[track]]
name = "keys"
file = "keys.wav"
[[track.send]]
bus = "room"
level_db = -6.0

[[bus]]
name = "room"
[[bus.insert]]
type = "convolution_reverb"
ir = "ir.wav"
mix = 1.0
predelay_ms = 8.0
"""


def test_a_session_with_a_response_file_renders_as_the_command_renders_it(tmp_path):
    sf = pytest.importorskip("soundfile")
    exe = command()
    if exe is None:
        pytest.skip("the mixmaster command is not built (cargo build -p mixmaster-cli)")
    sf.write(tmp_path / "keys.wav", signal(2, 2.0).T, SR, subtype="FLOAT")
    # The response at 44.1 kHz: read and resampled to the session's 48 kHz by both.
    sf.write(tmp_path / "ir.wav", room(2, seconds=0.5).T[: int(0.5 * 44100)], 44100, subtype="FLOAT")
    (tmp_path / "s.toml").write_text(SESSION)
    out = tmp_path / "out.wav"
    subprocess.run([str(exe), "render", str(tmp_path / "s.toml"), "-o", str(out), "--bits", "32f", "-q"], check=True, capture_output=True)
    by_command, rate = sf.read(out, dtype="float32", always_2d=True)
    session = mm.Session.load(tmp_path / "s.toml")
    from_files = session.render()
    from_arrays = session.render({"keys": signal(2, 2.0)}, SR)
    np.testing.assert_array_equal(from_files, by_command.T)
    np.testing.assert_array_equal(from_arrays, by_command.T)
    dry = mm.Session.from_toml(SESSION.replace('ir = "ir.wav"\n', "")).render({"keys": signal(2, 2.0)}, SR)
    assert np.max(np.abs(from_files[:, : dry.shape[1]] - dry)) > 1e-3, "the reverb did nothing"
    with pytest.raises(ValueError, match="names the audio file `ir.wav`"):
        mm.Session.from_toml(SESSION).render({"keys": signal(2, 2.0)}, SR)
