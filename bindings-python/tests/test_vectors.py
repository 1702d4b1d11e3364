"""The binding gives the Rust core's output on the shared test vectors (tests/vectors): bit for
bit on a CPU with AVX2+FMA (where the vectors were made), within float rounding elsewhere."""

import json

import numpy as np
import pytest

import mixmaster as mm
from conftest import VECTORS

CASES = json.loads((VECTORS / "cases.json").read_text())


def planar(name, channels, frames):
    return np.fromfile(VECTORS / name, dtype="<f4").reshape(channels, frames)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector(case):
    x = planar(case["input"], case["channels"], case["frames"])
    want = planar(case["output"], case["channels"], case["frames"])
    chain = mm.Chain(mm.processor(s["kind"], **s["settings"]) for s in case["stages"])
    # Streamed in the case's blocks (latency inside), like the core rendered it.
    b = case["block"]
    got = np.concatenate(
        [chain.process(np.ascontiguousarray(x[:, i : i + b]), case["sample_rate"]) for i in range(0, case["frames"], b)],
        axis=1,
    )
    if mm.build_info()["avx2_fma"]:
        np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    # The whole programme in one call gives the same as the blocks.
    chain.reset()
    np.testing.assert_array_equal(chain.process(x, case["sample_rate"]), got)
