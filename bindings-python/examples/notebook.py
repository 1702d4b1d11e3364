"""A notebook session, run headless: load a mix, measure it, master it to a platform preset,
and plot what the processors do. Saves three PNGs (used in docs/python.md).

    python notebook.py [MIX.wav] [--out FOLDER] [--preset spotify]

Without a file it writes a short synthetic mix to FOLDER/mix.wav first and uses that.
Each cell of the notebook is a function here; run them in order in Jupyter the same way.
"""

from __future__ import annotations

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import soundfile  # noqa: E402

import mixmaster as mm  # noqa: E402


def synthetic_mix(path: str, rate: int = 48000, seconds: float = 12.0) -> None:
    """Kick, bass and a pad with a quiet verse and a loud chorus."""
    t = np.arange(int(rate * seconds)) / rate
    beat = (t * 2.0) % 1.0
    kick = np.sin(2 * np.pi * 55 * t * (1 + 2 * np.exp(-beat * 30))) * np.exp(-beat * 8)
    bass = 0.4 * np.sign(np.sin(2 * np.pi * 55 * t)) * (0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t))
    pad = 0.2 * (np.sin(2 * np.pi * 220 * t) + np.sin(2 * np.pi * 277 * t + 0.5) + np.sin(2 * np.pi * 330 * t + 1))
    section = np.where(t < seconds / 2, 0.3, 1.0)
    left = (0.5 * kick + 0.3 * bass + pad) * section
    right = (0.5 * kick + 0.3 * bass + 0.8 * pad) * section
    soundfile.write(path, np.stack([left, right]).T * 0.4, rate, subtype="PCM_24")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mix", nargs="?")
    ap.add_argument("--out", default=".")
    ap.add_argument("--preset", default="spotify", choices=sorted(mm.PRESETS))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    path = a.mix or os.path.join(a.out, "mix.wav")
    if not a.mix:
        synthetic_mix(path)

    # Load and measure.
    data, rate = soundfile.read(path, dtype="float32", always_2d=True)
    mix = np.ascontiguousarray(data.T)
    before = mm.measure(mix, rate)
    print("before:", before)

    # Master: corrective EQ, glue compression, then loudness to the preset under its ceiling.
    eq = mm.Equalizer(bands=[
        {"kind": "high_pass", "frequency_hz": 30.0, "order": 4},
        {"kind": "peaking", "frequency_hz": 300.0, "q": 1.0, "gain_db": -2.0},
        {"kind": "high_shelf", "frequency_hz": 8000.0, "gain_db": 2.0},
    ])
    comp = mm.Compressor(threshold_db=-20.0, ratio=2.0, attack_ms=20.0, release_ms=200.0, knee_db=6.0, detector="rms")
    glued = mm.Chain([eq, comp])(mix, rate)
    master, report = mm.normalize(glued, rate, a.preset)
    after = mm.measure(master, rate)
    print("after: ", after, "gain", round(report.gain_db, 2), "dB, limited:", report.limited)
    soundfile.write(os.path.join(a.out, "master.wav"), master.T, rate, subtype="PCM_24")

    # The equalizer's frequency response: an impulse through it, then its spectrum.
    n = 1 << 15
    impulse = np.zeros(n, np.float32)
    impulse[0] = 1.0
    h = eq(impulse, rate)
    f = np.fft.rfftfreq(n, 1 / rate)
    mag = 20 * np.log10(np.maximum(np.abs(np.fft.rfft(h)), 1e-9))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.semilogx(f[1:], mag[1:])
    ax.set(xlim=(20, rate / 2), ylim=(-30, 6), xlabel="Hz", ylabel="dB", title="Equalizer response")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "python-eq-response.png"), dpi=100)

    # The compressor's static curve: steady 1 kHz tones at each level, output level after settling.
    levels = np.arange(-60.0, 1.0, 2.0)
    tt = np.arange(rate) / rate
    out_db = []
    for lv in levels:
        tone = (10 ** (lv / 20) * np.sqrt(2) * np.sin(2 * np.pi * 1000 * tt)).astype(np.float32)
        y = comp(tone, rate)
        out_db.append(20 * np.log10(np.sqrt(np.mean(y[rate // 2:] ** 2)) + 1e-12))
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot(levels, out_db, label="Compressor (measured)")
    ax.plot(levels, levels, "--", alpha=0.5, label="unity")
    ax.set(xlabel="input RMS dBFS", ylabel="output RMS dBFS", title="Compressor static curve")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "python-compressor-curve.png"), dpi=100)

    # Loudness over time, before and after mastering.
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(before.times_s, before.short_term_lufs, label="short-term, before")
    ax.plot(after.times_s, after.short_term_lufs, label="short-term, after")
    ax.plot(after.times_s, after.momentary_lufs, alpha=0.4, label="momentary, after")
    ax.axhline(mm.PRESETS[a.preset]["target_lufs"], color="k", ls="--", lw=1, label=f"{a.preset} target")
    ax.set(xlabel="s", ylabel="LUFS", ylim=(-50, 0), title="Loudness over time")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "python-loudness.png"), dpi=100)
    print("wrote", ", ".join(p for p in os.listdir(a.out) if p.endswith(".png")))


if __name__ == "__main__":
    main()
