"""Shared helpers for the binding's tests."""

import os
import pathlib

import numpy as np
import pytest

import mixmaster as mm

REPO = pathlib.Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
SR = 48000


def programme(channels=2, frames=SR, seed=1, level=0.3):
    """Tones and noise with loud and quiet parts (deterministic)."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / SR
    out = np.empty((channels, frames), dtype=np.float32)
    for c in range(channels):
        env = np.where((np.arange(frames) // 3000) % 3 == 0, 1.0, 0.1)
        x = 0.5 * np.sin(2 * np.pi * 220 * (c + 1) * t + 0.3 * c) + rng.uniform(-level, level, frames)
        out[c] = (x * env).astype(np.float32)
    return out


def channels_for(desc):
    """The channel counts a kind takes, from its description."""
    return {"any": [1, 2], "1 or 2": [1, 2], "2": [2]}[desc["channels"]]


def default_settings(desc):
    """Settings that build the kind usefully (the equalizers get bands)."""
    if any(o["name"] == "bands" and o["type"] == "list" for o in desc["options"]):
        return {"bands": [{"kind": "peaking", "frequency_hz": 1000.0, "gain_db": 4.0, "q": 1.0},
                          {"kind": "high_shelf", "frequency_hz": 8000.0, "gain_db": -3.0}]}
    return {}


ALL_CLASSES = [(d, None) for d in mm.KINDS] + [(d, v) for d in mm.KINDS for v in d["variants"]]


def class_of(desc, variant):
    return getattr(mm, variant["class_name"] if variant else desc["class_name"])


def ids(item):
    d, v = item
    return v["class_name"] if v else d["class_name"]


@pytest.fixture(params=ALL_CLASSES, ids=[ids(i) for i in ALL_CLASSES])
def kind_class(request):
    desc, variant = request.param
    return desc, variant, class_of(desc, variant)
