"""Loudness compliance over a catalogue, on a Dask cluster.

Meters every audio file in a folder (integrated loudness, loudness range, true peak), normalizes
it to a platform preset, and writes a table (CSV) of the per-file figures and the gain applied;
optionally writes the normalized files. Each file is one task: the same code runs on a
``LocalCluster`` here or on a real cluster (pass ``--scheduler tcp://host:8786``).

    python catalogue_loudness.py MUSIC_DIR --out loudness.csv --workers 4 --preset spotify
    python catalogue_loudness.py MUSIC_DIR --out loudness.csv --serial   # no Dask, one process
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import warnings
from typing import Dict, List, Optional

import numpy as np
import soundfile

import mixmaster as mm

EXTENSIONS = (".wav", ".flac", ".aiff", ".aif", ".ogg")
COLUMNS = [
    "file",
    "sample_rate",
    "channels",
    "duration_s",
    "integrated_lufs",
    "loudness_range_lu",
    "true_peak_dbtp",
    "gain_db",
    "limited",
    "reached",
    "after_lufs",
    "after_true_peak_dbtp",
    "error",
]


def meter_and_normalize(path: str, preset: str, out_dir: Optional[str]) -> Dict[str, object]:
    """One file: read, measure, normalize, optionally write. Errors become a row, not a crash."""
    row: Dict[str, object] = {c: "" for c in COLUMNS}
    row["file"] = os.path.basename(path)
    try:
        data, rate = soundfile.read(path, dtype="float32", always_2d=True)
        audio = np.ascontiguousarray(data.T)
        m = mm.measure(audio, rate)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # `reached` goes into the table
            out, report = mm.normalize(audio, rate, preset)
        row.update(
            sample_rate=rate,
            channels=audio.shape[0],
            duration_s=round(m.duration_s, 6),
            integrated_lufs=round(m.integrated_lufs, 4),
            loudness_range_lu=round(m.loudness_range_lu, 4),
            true_peak_dbtp=round(m.true_peak_dbtp, 4),
            gain_db=round(report.gain_db, 4),
            limited=report.limited,
            reached=report.reached,
            after_lufs=round(report.after["integrated_lufs"], 4),
            after_true_peak_dbtp=round(report.after["true_peak_dbtp"], 4),
        )
        if out_dir:
            soundfile.write(os.path.join(out_dir, row["file"]), out.T, rate, subtype="PCM_24")
    except Exception as e:  # noqa: BLE001 - reported per file
        row["error"] = f"{type(e).__name__}: {e}"
    return row


def files_in(folder: str) -> List[str]:
    return sorted(
        os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(EXTENSIONS)
    )


def run(folder: str, preset: str, out_dir: Optional[str], workers: int, scheduler: Optional[str], serial: bool) -> List[Dict[str, object]]:
    files = files_in(folder)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    if serial:
        return [meter_and_normalize(f, preset, out_dir) for f in files]
    from dask.distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(meter_and_normalize, files, preset=preset, out_dir=out_dir, pure=False)
        return client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def write_table(rows: List[Dict[str, object]], path: str) -> None:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in sorted(rows, key=lambda r: str(r["file"])):
            w.writerow(r)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--out", required=True, help="CSV table to write")
    ap.add_argument("--preset", default="spotify", choices=sorted(mm.PRESETS))
    ap.add_argument("--normalized", help="folder for the normalized files (24-bit WAV)")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    ap.add_argument("--scheduler", help="address of an existing Dask scheduler")
    ap.add_argument("--serial", action="store_true", help="one process, no Dask")
    a = ap.parse_args(argv)
    rows = run(a.folder, a.preset, a.normalized, a.workers, a.scheduler, a.serial)
    write_table(rows, a.out)
    failed = [r for r in rows if r["error"]]
    print(f"{len(rows)} files, {len(failed)} failed; table in {a.out}")
    for r in failed:
        print(f"  {r['file']}: {r['error']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
