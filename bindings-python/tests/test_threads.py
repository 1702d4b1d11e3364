"""The GIL is released while audio is processed: two threads on two cores finish two jobs
measurably faster than one thread does both (with a generous margin). One object used from two
threads at once is a clear error, not corruption."""

import os
import threading
import time

import numpy as np
import pytest

import mixmaster as mm
from conftest import SR, programme


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
def test_two_threads_run_in_parallel():
    x = np.tile(programme(2, SR), (1, 60))  # 60 s of stereo
    jobs = [mm.Chain([mm.Reverb(), mm.Compressor(), mm.Limiter()]) for _ in range(2)]
    for j in jobs:
        j(np.ascontiguousarray(x[:, :1000]), SR)  # prepare outside the timing

    def run(j):
        j(x, SR)

    def best(f, n=5):
        times = []
        for _ in range(n):
            t = time.perf_counter()
            f()
            times.append(time.perf_counter() - t)
        return min(times)

    def parallel():
        ts = [threading.Thread(target=run, args=(j,)) for j in jobs]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    # Up to three tries: another process busy on the second core (a build) can make one try
    # slow; a held GIL makes every try fail.
    for _ in range(3):
        serial = best(lambda: [run(j) for j in jobs])
        par = best(parallel)
        if par < serial * 0.8:
            break
    assert par < serial * 0.8, f"parallel {par:.3f} s vs serial {serial:.3f} s: the GIL is held"


def test_python_runs_while_a_call_processes():
    """Load-independent: while one thread renders, the main thread keeps running Python; with
    the GIL held it would stall for the whole call."""
    x = np.tile(programme(2, SR), (1, 120))  # 120 s of stereo
    chain = mm.Chain([mm.Reverb(), mm.Compressor(), mm.Limiter()])
    chain(np.ascontiguousarray(x[:, :1000]), SR)
    t = threading.Thread(target=chain, args=(x, SR))
    start = time.perf_counter()
    t.start()
    last, gap, steps = start, 0.0, 0
    while t.is_alive():
        now = time.perf_counter()
        gap, last, steps = max(gap, now - last), now, steps + 1
    t.join()
    took = time.perf_counter() - start
    assert steps > 100 and gap < 0.5 * took, f"main thread stalled {gap:.3f} s of a {took:.3f} s call"


def test_one_object_from_two_threads_is_an_error_not_corruption():
    c = mm.Reverb()
    x = np.tile(programme(2, SR), (1, 20))
    errors = []

    def run():
        try:
            c(x, SR)
        except RuntimeError as e:
            errors.append(str(e))

    ts = [threading.Thread(target=run) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    # Either they happened not to overlap, or the second got a clear error.
    assert all("borrowed" in e.lower() for e in errors)
    assert np.all(np.isfinite(c(np.ascontiguousarray(x[:, :1000]), SR)))
