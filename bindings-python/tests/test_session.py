"""Sessions and the mixer from Python: the command's session files render the same, bit for bit;
TOML and dict round trips; errors name the line, the track, the insert and the setting."""

import os
import pathlib
import pickle
import shutil
import subprocess

import numpy as np
import pytest

import mixmaster as mm
from conftest import REPO, SR, programme

SESSION = """
sample_rate = 48000

[[track]]
name = "drums"
file = "drums.wav"
gain_db = -3.0
[[track.insert]]
type = "eq"
bands = [{ kind = "high_pass", frequency_hz = 40.0 }, { kind = "peaking", frequency_hz = 400.0, q = 1.2, gain_db = -2.5 }]
[[track.insert]]
type = "compressor"
threshold_db = -20.0
detector = "rms"
[[track.send]]
bus = "verb"
level_db = -12.0
[[track.automation]]
param = "gain_db"
points = [[0.0, -3.0], [0.5, -9.0, "exponential"], [1.0, -3.0]]

[[track]]
name = "keys"
file = "keys.wav"
pan = 0.3
[[track.insert]]
type = "saturation"
drive_db = 9.0

[[bus]]
name = "verb"
[[bus.insert]]
type = "reverb"
mix = 1.0
decay_s = 1.2

[master]
[[master.insert]]
type = "limiter"
ceiling_dbtp = -1.0
"""


def command():
    if os.environ.get("MIXMASTER_BIN"):
        exe = pathlib.Path(os.environ["MIXMASTER_BIN"])
        return exe if exe.exists() else None
    for profile in ("debug", "release"):
        exe = REPO / "target" / profile / "mixmaster"
        if exe.exists():
            return exe
    return None


def write_tracks(folder):
    sf = pytest.importorskip("soundfile")
    drums, keys = programme(1, 2 * SR, seed=4)[0], programme(2, 2 * SR, seed=5)
    sf.write(folder / "drums.wav", drums, SR, subtype="FLOAT")
    sf.write(folder / "keys.wav", keys.T, SR, subtype="FLOAT")
    return drums, keys


def test_a_session_file_renders_as_the_command_renders_it(tmp_path):
    sf = pytest.importorskip("soundfile")
    exe = command()
    if exe is None:
        pytest.skip("the mixmaster command is not built (cargo build -p mixmaster-cli)")
    drums, keys = write_tracks(tmp_path)
    (tmp_path / "s.toml").write_text(SESSION)
    out = tmp_path / "out.wav"
    subprocess.run([str(exe), "render", str(tmp_path / "s.toml"), "-o", str(out), "--bits", "32f", "-q"], check=True, capture_output=True)
    by_command, rate = sf.read(out, dtype="float32", always_2d=True)
    session = mm.Session.load(tmp_path / "s.toml")
    from_files = session.render()
    from_arrays = session.render({"drums": drums, "keys": keys})
    assert rate == SR
    np.testing.assert_array_equal(from_files, by_command.T)
    np.testing.assert_array_equal(from_arrays, by_command.T)


def test_toml_and_dict_round_trips_give_the_same_mix():
    s = mm.Session.from_toml(SESSION)
    tracks = [programme(1, SR, seed=4)[0], programme(2, SR, seed=5)]
    mix = s.render(tracks)
    assert mix.shape[0] == 2 and mix.shape[1] >= SR and mix.dtype == np.float32
    for again in (mm.Session.from_toml(s.to_toml()), mm.Session.from_dict(s.to_dict()), pickle.loads(pickle.dumps(s))):
        np.testing.assert_array_equal(again.render(tracks), mix)
    assert s.track_names == ["drums", "keys"] and s.sample_rate == 48000


def test_mixer_equals_the_session_it_describes():
    vocals, music = programme(1, SR, seed=6)[0], programme(2, SR, seed=7)
    m = mm.Mixer(SR)
    m.add_track("vox", vocals, gain_db=-3, pan=-0.2, inserts=[mm.Compressor(ratio=3, threshold_db=-24)])
    m.add_track("music", music, output="group")
    m.add_bus("group", gain_db=-2, inserts=[mm.StereoWidth(width=1.3)])
    m.add_bus("verb", inserts=[mm.Reverb(mix=1.0)])
    m.add_send("vox", "verb", level_db=-12)
    m.automate("vox", "gain_db", [(0.0, -3.0), (0.5, -12.0, "exponential")])
    m.automate("vox", "insert.0.threshold_db", [(0.0, -24.0), (1.0, -30.0)])
    m.set_master(gain_db=-1.0, inserts=[mm.Limiter(ceiling_dbtp=-1.0)])
    mix = m.render()
    again = mm.Session.from_toml(m.to_toml()).render([vocals, music], SR)
    np.testing.assert_array_equal(mix, again)
    assert mm.measure(mix, SR).true_peak_dbtp <= -0.9
    # Solo and mute change the mix.
    m2 = mm.Mixer(SR)
    m2.add_track("a", vocals, mute=True)
    m2.add_track("b", vocals * 0.5)
    np.testing.assert_allclose(m2.render()[0][: SR // 2], (vocals * 0.5)[: SR // 2] * np.cos(np.pi / 4), atol=1e-6)


def test_session_errors_name_what_is_wrong(tmp_path):
    with pytest.raises(ValueError, match="3:1: unknown field `gian_db`"):
        mm.Session.from_toml('[[track]]\nname = "a"\ngian_db = 1.0\n')
    s = mm.Session.from_toml('[[track]]\nname = "a"\n[[track.insert]]\ntype = "compressor"\nthreshhold_db = -3.0\n')
    with pytest.raises(ValueError, match="track 0 `a` insert 0 \\(compressor\\): compressor has no parameter `threshhold_db`"):
        s.render([np.zeros(100, np.float32)], SR)
    ok = mm.Session.from_toml('[[track]]\nname = "a"\n[[track]]\nname = "b"\n')
    with pytest.raises(ValueError, match="2 tracks but audio was given for 1"):
        ok.render([np.zeros(100, np.float32)], SR)
    with pytest.raises(ValueError, match="tracks must be the same length"):
        ok.render([np.zeros(100, np.float32), np.zeros(50, np.float32)], SR)
    assert ok.render([np.ones(100, np.float32), np.ones(50, np.float32)], SR, pad=True).shape == (2, 100)
    with pytest.raises(ValueError, match="missing"):
        ok.render({"a": np.zeros(10, np.float32)}, SR)
    with pytest.raises(ValueError, match="sample_rate"):
        ok.render([np.zeros(10, np.float32)] * 2)
    with pytest.raises(ValueError, match="cannot read session"):
        mm.Session.load(tmp_path / "missing.toml")
    m = mm.Mixer(SR)
    with pytest.raises(ValueError, match="no tracks"):
        m.render()
    m.add_track("a", np.zeros(10, np.float32))
    with pytest.raises(ValueError, match="taken"):
        m.add_track("a", np.zeros(10, np.float32))
    with pytest.raises(ValueError, match="no track or bus named `b`"):
        m.add_insert("b", mm.Gain())
    m.add_send("a", "nowhere")
    with pytest.raises(ValueError, match="no bus named `nowhere`"):
        m.render()
    with pytest.raises(ValueError, match="positive"):
        mm.Mixer(float("nan"))
