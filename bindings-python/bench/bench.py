"""Speed of mixmaster from Python against its peers, in one run: pedalboard for processors,
pyebur128 (libebur128) and pyloudnorm for loudness. 60 s of stereo 48 kHz float32; each figure
is the best of several runs of one whole call (including the copies in and out).

The limiter is compared with pedalboard's lookahead limiter, `BrickwallLimiter`, in its
true-peak mode (the same job); its sample-peak mode and pedalboard's `Limiter` (JUCE's, no
lookahead) are listed too, with the true peak each leaves at a -1 dBTP setting, since neither
holds a true-peak ceiling.

    python bench/bench.py [--seconds 60] [--repeat 5] [--markdown]

Prints a table: seconds per call and how many times faster mixmaster is.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import mixmaster as mm


def best(f, repeat):
    f()  # warm up (prepares processors, loads code)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    import pedalboard as pb
    import pyebur128
    import pyloudnorm

    sr = 48000
    n = int(a.seconds * sr)
    rng = np.random.default_rng(0)
    t = np.arange(n) / sr
    env = np.repeat(rng.uniform(0.1, 1.0, n // sr + 1), sr)[:n]
    x = np.stack([
        0.3 * np.sin(2 * np.pi * 220 * t) + 0.2 * rng.standard_normal(n) * env,
        0.3 * np.sin(2 * np.pi * 330 * t) + 0.2 * rng.standard_normal(n) * env,
    ]).astype(np.float32)
    xi = np.ascontiguousarray(x.T)  # interleaved for the meters that want it

    rows = []

    def pair(name, ours, theirs, peer):
        ta, tb = best(ours, a.repeat), best(theirs, a.repeat)
        rows.append((name, ta, tb, peer, tb / ta))

    procs = {
        "Gain": (mm.Gain(gain_db=-6.0), pb.Gain(gain_db=-6.0)),
        "PeakFilter": (mm.PeakFilter(frequency_hz=1000.0, gain_db=6.0, q=1.0), pb.PeakFilter(cutoff_frequency_hz=1000.0, gain_db=6.0, q=1.0)),
        "Compressor": (mm.Compressor(threshold_db=-18.0, ratio=4.0, attack_ms=10.0, release_ms=100.0), pb.Compressor(threshold_db=-18.0, ratio=4.0, attack_ms=10.0, release_ms=100.0)),
        "Reverb": (mm.Reverb(), pb.Reverb()),
    }
    for name, (ours, theirs) in procs.items():
        pair(name, lambda o=ours: o(x, sr), lambda p=theirs: p(x, sr), "pedalboard")

    def peak_after(p):
        return mm.measure(p(x, sr), sr, true_peak="precise").true_peak_dbtp

    ours = mm.Limiter(ceiling_dbtp=-1.0, lookahead_ms=5.0, release_ms=100.0)
    limiters = [
        ("BrickwallLimiter(true_peak=True)", pb.BrickwallLimiter(ceiling_db=-1.0, release_ms=100.0, lookahead_ms=5.0, true_peak=True)),
        ("BrickwallLimiter (sample peak)", pb.BrickwallLimiter(ceiling_db=-1.0, release_ms=100.0, lookahead_ms=5.0)),
        ("Limiter (JUCE, no lookahead)", pb.Limiter(threshold_db=-1.0, release_ms=100.0)),
    ]
    peaks = {"mixmaster": peak_after(ours)}
    for peer, theirs in limiters:
        pair("Limiter (true peak, -1 dBTP)", lambda: ours(x, sr), lambda p=theirs: p(x, sr), "pedalboard " + peer)
        peaks[peer] = peak_after(theirs)
    chain = mm.Chain([mm.PeakFilter(frequency_hz=1000.0, gain_db=6.0, q=1.0), mm.Compressor(threshold_db=-18.0, ratio=4.0), mm.Limiter(ceiling_dbtp=-1.0)])
    for peer, lim in [
        ("BrickwallLimiter(true_peak=True)", pb.BrickwallLimiter(ceiling_db=-1.0, true_peak=True)),
        ("Limiter", pb.Limiter(threshold_db=-1.0)),
    ]:
        board = pb.Pedalboard([pb.PeakFilter(cutoff_frequency_hz=1000.0, gain_db=6.0, q=1.0), pb.Compressor(threshold_db=-18.0, ratio=4.0), lim])
        pair("Chain (peak EQ, compressor, limiter)", lambda: chain(x, sr), lambda b=board: b(x, sr), "pedalboard with " + peer)

    # Convolution reverb, 2 s stereo response, wet only, against scipy's overlap-add
    # convolution of each channel (the same offline job; float32 in both).
    import scipy.signal

    ir_n = 2 * sr
    ir = (rng.standard_normal((2, ir_n)) * 10 ** (-3 * np.arange(ir_n) / (1.8 * sr)) * 0.1).astype(np.float32)
    conv = mm.ConvolutionReverb(ir=(ir, sr), mix=1.0)
    pair(
        "ConvolutionReverb (2 s stereo IR, wet)",
        lambda: conv(x, sr),
        lambda: [scipy.signal.oaconvolve(x[c], ir[c])[:n] for c in range(2)],
        "scipy.signal.oaconvolve",
    )

    def ebur():
        mode = pyebur128.MeasurementMode
        st = pyebur128.R128State(2, sr, mode.MODE_I | mode.MODE_LRA | mode.MODE_TRUE_PEAK)
        st.add_frames(xi.ravel(), n)
        return pyebur128.get_loudness_global(st), pyebur128.get_loudness_range(st), pyebur128.get_true_peak(st, 0)

    pair("measure (integrated, LRA, true peak)", lambda: mm.measure(x, sr), ebur, "pyebur128")
    meter = pyloudnorm.Meter(sr)
    xd = xi.astype(np.float64)
    pair("measure (integrated, LRA, true peak)", lambda: mm.measure(x, sr), lambda: meter.integrated_loudness(xd), "pyloudnorm (integrated only)")
    pair("measure(true_peak=None) (integrated, LRA)", lambda: mm.measure(x, sr, true_peak=None), lambda: meter.integrated_loudness(xd), "pyloudnorm (integrated only)")

    # Integrated loudness agrees with libebur128's.
    diff = abs(mm.measure(x, sr).integrated_lufs - ebur()[0])

    print(f"{a.seconds:g} s stereo 48 kHz float32, best of {a.repeat}; {platform.processor() or platform.machine()}, "
          f"mixmaster {mm.__version__} (AVX2+FMA: {mm.build_info()['avx2_fma']}), pedalboard {pb.__version__}")
    if a.markdown:
        print("\n| task | mixmaster s | peer s | peer | mixmaster is |\n|---|---|---|---|---|")
        for name, ta, tb, peer, r in rows:
            print(f"| {name} | {ta:.4f} | {tb:.4f} | {peer} | {r:.1f}x faster |")
    else:
        for name, ta, tb, peer, r in rows:
            print(f"{name:40s} {ta:8.4f} s  {peer:30s} {tb:8.4f} s  {r:6.1f}x")
    print(f"\nintegrated loudness, mixmaster - libebur128: {diff:.2e} LU")
    print("true peak of each limiter's output at a -1 dBTP setting (16x reconstruction): "
          + ", ".join(f"{k} {v:+.2f} dBTP" for k, v in peaks.items()))


if __name__ == "__main__":
    main()
