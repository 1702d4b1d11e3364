"""The examples run: the Dask catalogue job (two worker processes) gives the same table as one
process, and the notebook script writes its plots."""

import csv
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from conftest import SR, programme

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def read_table(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_catalogue_on_a_dask_cluster_equals_one_process(tmp_path):
    sf = pytest.importorskip("soundfile")
    pytest.importorskip("dask.distributed")
    music = tmp_path / "music"
    music.mkdir()
    for i in range(4):
        x = programme(2 if i % 2 == 0 else 1, 3 * SR, seed=10 + i) * (0.3 + 0.5 * i)
        sf.write(music / f"track{i}.wav", x.T, SR, subtype="FLOAT")
    (music / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    run = lambda *extra: subprocess.run(  # noqa: E731
        [sys.executable, str(EXAMPLES / "catalogue_loudness.py"), str(music), *extra],
        capture_output=True, text=True, timeout=300,
    )
    serial = run("--out", str(tmp_path / "serial.csv"), "--serial")
    dask = run("--out", str(tmp_path / "dask.csv"), "--workers", "2", "--normalized", str(tmp_path / "out"))
    assert serial.returncode == 1 and "broken.wav" in serial.stderr  # one bad file, reported
    assert dask.returncode == 1, dask.stderr
    a, b = read_table(tmp_path / "serial.csv"), read_table(tmp_path / "dask.csv")
    assert a == b and len(a) == 5
    good = [r for r in a if not r["error"]]
    assert len(good) == 4
    for r in good:
        assert r["reached"] == "True" and abs(float(r["after_lufs"]) + 14.0) < 0.1
        assert float(r["after_true_peak_dbtp"]) <= -0.95
    assert len(list((tmp_path / "out").glob("*.wav"))) == 4


def test_notebook_script_writes_its_plots(tmp_path):
    pytest.importorskip("matplotlib")
    r = subprocess.run([sys.executable, str(EXAMPLES / "notebook.py"), "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    for name in ("python-eq-response.png", "python-compressor-curve.png", "python-loudness.png"):
        p = tmp_path / name
        assert p.exists() and p.stat().st_size > 5000, name
