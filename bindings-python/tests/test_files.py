"""Audio files through the command's readers and writer: `mixmaster.read` against the known
signal of the fixtures and against soundfile, `mixmaster.write` read back by soundfile, the
clip warning, the errors; and a session whose track is at another rate rendered from Python
as the command renders it."""

import pathlib
import subprocess
import warnings

import numpy as np
import pytest

import mixmaster as mm
from conftest import SR, programme
from test_session import SESSION, command

DATA = pathlib.Path(__file__).resolve().parents[2] / "io" / "tests" / "data"


def fixture_signal():
    """io/tests/data/make-fixtures.sh: 1.5 s at 48 kHz, a 1 kHz sine at -20 dBFS on the left,
    the same one radian ahead on the right, 16-bit."""
    i = np.arange(72000)
    a = 10 ** (-20 / 20)
    x = np.stack([a * np.sin(2 * np.pi * 1000 * i / 48000 + c) for c in (0, 1)])
    return np.round(x * 32767) / 32768


@pytest.mark.parametrize("name", ["sine.flac", "sine.aiff"])
def test_lossless_files_read_as_their_samples(name):
    x, sr = mm.read(DATA / name)
    assert sr == 48000 and x.shape == (2, 72000) and x.dtype == np.float32
    np.testing.assert_allclose(x, fixture_signal(), atol=1e-7)
    x64, _ = mm.read(str(DATA / name), dtype="float64")
    assert x64.dtype == np.float64 and np.array_equal(x64, x.astype(np.float64))


@pytest.mark.parametrize("name", ["sine.mp3", "sine.ogg"])
def test_lossy_files_read_aligned_and_at_level(name):
    x, sr = mm.read(DATA / name)
    ref = fixture_signal()
    assert sr == 48000 and x.shape[0] == 2
    # Gapless: the same length and no offset (MP3's encoder delay removed), so the decoded
    # signal correlates with the original at lag 0; its level is the encoder's (lame's MP3 of
    # this file is 0.26 dB low: soundfile decodes the same), within 0.5 dB of the original.
    n = min(x.shape[1], ref.shape[1])
    assert abs(x.shape[1] - ref.shape[1]) <= 1152
    for c in range(2):
        mid = slice(4800, n - 4800)
        corr = np.corrcoef(x[c, mid], ref[c, mid])[0, 1]
        assert corr > 0.999, (name, c, corr)
        level = 20 * np.log10(np.sqrt(np.mean(x[c, mid] ** 2)) / np.sqrt(np.mean(ref[c, mid] ** 2)))
        assert abs(level) < 0.5, (name, c, level)


def test_read_equals_soundfile():
    sf = pytest.importorskip("soundfile")
    ours, sr = mm.read(DATA / "sine.flac")
    theirs, sr2 = sf.read(DATA / "sine.flac", dtype="float32", always_2d=True)
    assert sr == sr2
    np.testing.assert_array_equal(ours, theirs.T)
    # MP3 through two different decoders (symphonia, libsndfile's mpg123): the same length
    # and level.
    ours, _ = mm.read(DATA / "sine.mp3")
    theirs, _ = sf.read(DATA / "sine.mp3", dtype="float32", always_2d=True)
    assert ours.shape == theirs.T.shape
    rms = lambda a: 20 * np.log10(np.sqrt(np.mean(a[:, 4800:-4800] ** 2, axis=1)))
    np.testing.assert_allclose(rms(ours), rms(theirs.T), atol=0.01)


def test_write_then_read_back(tmp_path):
    sf = pytest.importorskip("soundfile")
    x = programme(2, SR, seed=11) * 0.5
    for subtype, tol in [("FLOAT", 0.0), ("PCM_24", 4 / 2**23), ("PCM_16", 8 / 2**15)]:
        path = tmp_path / f"out_{subtype}.wav"
        w = mm.write(path, x, SR, subtype=subtype)
        assert w["clipped"] == 0 and w["peak"] == pytest.approx(np.abs(x).max(), rel=1e-6)
        back, sr = sf.read(path, dtype="float64", always_2d=True)
        info = sf.info(path)
        assert sr == SR and back.shape == (SR, 2) and info.subtype == subtype
        assert np.max(np.abs(back.T - x)) <= tol, subtype
        ours, _ = mm.read(path)
        np.testing.assert_array_equal(ours, back.T.astype(np.float32))
    # Mono, 1-D, float64.
    m = x[0].astype(np.float64)
    mm.write(tmp_path / "mono.wav", m, 44100, subtype="FLOAT")
    back, sr = mm.read(tmp_path / "mono.wav")
    assert sr == 44100 and back.shape == (1, SR)
    np.testing.assert_array_equal(back[0], m.astype(np.float32))


def test_clipping_on_export_is_said(tmp_path):
    x = np.zeros((2, 1000), np.float32)
    x[0, 10:15] = 1.5
    x[1, 20] = -2.0
    with pytest.warns(UserWarning, match="6 samples beyond full scale were clipped"):
        w = mm.write(tmp_path / "hot.wav", x, SR, subtype="PCM_16")
    assert w["clipped"] == 6
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mm.write(tmp_path / "hot_float.wav", x, SR, subtype="FLOAT")["clipped"] == 0


def test_bad_files_and_arguments_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.wav"):
        mm.read(tmp_path / "nothing.wav")
    (tmp_path / "notes.wav").write_text("not audio at all")
    with pytest.raises(ValueError, match="notes.wav"):
        mm.read(tmp_path / "notes.wav")
    with pytest.raises(ValueError, match="dtype"):
        mm.read(DATA / "sine.flac", dtype="int16")
    x = np.zeros((2, 100), np.float32)
    with pytest.raises(ValueError, match="only WAV files are written"):
        mm.write(tmp_path / "out.flac", x, SR)
    with pytest.raises(ValueError, match="subtype"):
        mm.write(tmp_path / "out.wav", x, SR, subtype="PCM_8")
    with pytest.raises(ValueError, match="sample_rate"):
        mm.write(tmp_path / "out.wav", x, 0)
    with pytest.raises(ValueError, match="whole number"):
        mm.write(tmp_path / "out.wav", x, 44100.5)
    with pytest.raises((ValueError, TypeError)):
        mm.write(tmp_path / "out.wav", np.zeros((100, 2, 2), np.float32), SR)
    with pytest.raises(FileNotFoundError):
        mm.write(tmp_path / "no" / "such" / "dir.wav", x, SR)


def test_a_track_at_another_rate_renders_as_the_command_renders_it(tmp_path):
    sf = pytest.importorskip("soundfile")
    exe = command()
    if exe is None:
        pytest.skip("the mixmaster command is not built (cargo build -p mixmaster-cli)")
    drums = programme(1, 2 * SR, seed=4)[0]
    keys = programme(2, 2 * 44100, seed=5)
    sf.write(tmp_path / "drums.wav", drums, SR, subtype="FLOAT")
    sf.write(tmp_path / "keys.wav", keys.T, 44100, subtype="FLOAT")  # resampled to 48 kHz
    (tmp_path / "s.toml").write_text(SESSION)
    out = tmp_path / "out.wav"
    subprocess.run([str(exe), "render", str(tmp_path / "s.toml"), "-o", str(out), "--bits", "32f", "-q"], check=True, capture_output=True)
    by_command, rate = sf.read(out, dtype="float32", always_2d=True)
    from_files = mm.Session.load(tmp_path / "s.toml").render()
    assert rate == SR
    np.testing.assert_array_equal(from_files, by_command.T)
