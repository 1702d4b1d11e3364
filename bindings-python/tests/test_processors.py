"""Every processor class, generically from the registry: construction, attributes, repr, pickle,
processing (dtype and shape kept, streaming equals one call, latency compensation, tails) and
every kind of bad input."""

import copy
import math
import pickle

import numpy as np
import pytest

import mixmaster as mm
from conftest import SR, channels_for, default_settings, programme


def test_every_registered_kind_and_variant_is_a_class():
    for d in mm.KINDS:
        cls = getattr(mm, d["class_name"])
        assert issubclass(cls, mm.Processor)
        assert d["kind"] in cls.__doc__ and d["summary"] in cls.__doc__
        for p in d["params"]:
            assert p["name"] in cls.__doc__
            assert isinstance(getattr(cls, p["name"]), property)
        for v in d["variants"]:
            assert issubclass(getattr(mm, v["class_name"]), mm.Processor)
    assert mm.processor("eq").kind == "equalizer"  # aliases
    with pytest.raises(ValueError, match="unknown processor `wobble`.*compressor"):
        mm.processor("wobble")


def test_defaults_process_keep_dtype_and_shape(kind_class):
    desc, variant, cls = kind_class
    p = cls(**default_settings(desc))
    for ch in channels_for(desc):
        for dtype in (np.float32, np.float64):
            x = programme(ch, 6000).astype(dtype)
            y = p(x, SR)
            assert y.dtype == dtype and y.shape == x.shape
            assert np.all(np.isfinite(y))
            z = p.process(x, SR, reset=True)
            assert z.dtype == dtype and z.shape == x.shape
    if channels_for(desc) == [1, 2]:
        mono = programme(1, 3000)[0]
        y = p(mono, SR)
        assert y.shape == mono.shape and y.dtype == np.float32


def test_attributes_read_set_and_validate(kind_class):
    desc, variant, cls = kind_class
    p = cls(**default_settings(desc))
    for prm in desc["params"]:
        name = prm["name"]
        v = getattr(p, name)
        if prm["toggle"]:
            assert v == bool(prm["default"] >= 0.5)
            setattr(p, name, True)
            assert getattr(p, name) is True
            continue
        assert v == pytest.approx(prm["default"]) or default_settings(desc)
        for bad in (prm["max"] + abs(prm["max"]) + 1.0, float("nan"), float("inf")):
            with pytest.raises(ValueError, match=name):
                setattr(p, name, bad)
        assert getattr(p, name) == v, "a refused value changes nothing"
        with pytest.raises(TypeError, match=name):
            setattr(p, name, "loud")
    for opt in desc["options"]:
        if variant and opt["name"] in variant["fixed"]:
            with pytest.raises(AttributeError):
                setattr(p, opt["name"], opt["default"])
            continue
        if opt["type"] == "choice":
            for c in opt["choices"][:3]:
                try:
                    setattr(p, opt["name"], c)
                except ValueError as e:  # some choices need other settings (a filter's order)
                    assert opt["name"] in str(e) or "order" in str(e)
                    continue
                assert getattr(p, opt["name"]) == c
            with pytest.raises(ValueError, match=opt["name"]):
                setattr(p, opt["name"], "no-such-choice")
        elif opt["type"] == "switch":
            setattr(p, opt["name"], not opt["default"])
            assert getattr(p, opt["name"]) == (not opt["default"])
    with pytest.raises(AttributeError, match="no setting `not_a_setting`"):
        p.not_a_setting = 1.0
    with pytest.raises(AttributeError):
        p.not_a_setting  # noqa: B018
    with pytest.raises(TypeError, match="keyword"):
        cls(1.0)


def test_repr_pastes_back_and_pickle_round_trips(kind_class):
    desc, variant, cls = kind_class
    p = cls(**default_settings(desc))
    q = eval(repr(p), vars(mm))  # noqa: S307 - our own repr
    assert type(q) is type(p) and q.settings() == p.settings() and q == p
    r = pickle.loads(pickle.dumps(p))
    assert r == p
    assert copy.deepcopy(p) == p
    ch = channels_for(desc)[-1]
    x = programme(ch, 4000)
    np.testing.assert_array_equal(p(x, SR), r(x, SR))


def test_streaming_in_blocks_equals_one_call(kind_class):
    desc, variant, cls = kind_class
    p = cls(**default_settings(desc))
    ch = channels_for(desc)[-1]
    x = programme(ch, 20000)
    whole = p.process(x, SR, reset=True)
    rng = np.random.default_rng(3)
    p.reset()
    parts, pos = [], 0
    while pos < x.shape[1]:
        n = int(rng.integers(1, 5000))
        parts.append(p.process(np.ascontiguousarray(x[:, pos : pos + n]), SR))
        assert parts[-1].shape[1] == min(n, x.shape[1] - pos)
        pos += n
    np.testing.assert_array_equal(np.concatenate(parts, axis=1), whole)
    # __call__ is the stream after the latency, aligned with the input.
    lat = p.latency_samples
    called = p(x, SR)
    padded = np.concatenate([x, np.zeros((ch, lat), np.float32)], axis=1)
    streamed = p.process(padded, SR, reset=True)[:, lat:]
    np.testing.assert_array_equal(called, streamed)


def test_latency_is_removed_by_call():
    lim = mm.LinearPhaseEQ(bands=[{"kind": "peaking", "frequency_hz": 2000, "gain_db": 0.0}])
    x = np.zeros((1, 20000), np.float32)
    x[0, 1000] = 1.0
    y = lim(x, SR)
    assert lim.latency_samples > 1000
    assert int(np.argmax(np.abs(y[0]))) == 1000  # a flat linear-phase EQ is a pure delay
    assert y[0, 1000] == pytest.approx(1.0, abs=1e-3)


def test_tail_appends_the_reverb_decay():
    r = mm.Reverb(decay_s=0.5, mix=1.0)
    x = programme(2, 4800)
    y = r(x, SR, tail=True)
    assert y.shape[1] > x.shape[1]
    tail = y[:, x.shape[1] :]
    assert np.max(np.abs(tail[:, :2000])) > 1e-3  # the decay is there
    assert r(x, SR).shape == x.shape


def test_analytic_gain_and_filter_results():
    x = programme(2, 10000)
    np.testing.assert_allclose(mm.Gain(gain_db=-6.0)(x, SR), x * 10 ** (-6 / 20), rtol=1e-6, atol=1e-7)
    # A 1 kHz sine through a +6 dB peak at 1 kHz comes out 6 dB louder (steady state).
    t = np.arange(SR) / SR
    s = (0.1 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    y = mm.PeakFilter(frequency_hz=1000, gain_db=6.0, q=1.0)(s, SR)
    gain = 20 * np.log10(np.sqrt(np.mean(y[SR // 2 :] ** 2)) / np.sqrt(np.mean(s[SR // 2 :] ** 2)))
    assert gain == pytest.approx(6.0, abs=0.02)
    # A 4th-order high-pass at 1 kHz: 24 dB/octave, so 250 Hz is about 48 dB down.
    s2 = (0.5 * np.sin(2 * np.pi * 250 * t)).astype(np.float32)
    y2 = mm.HighPass(frequency_hz=1000, order=4)(s2, SR)
    att = 20 * np.log10(np.sqrt(np.mean(y2[SR // 2 :] ** 2)) / np.sqrt(np.mean(s2[SR // 2 :] ** 2)))
    assert att == pytest.approx(-48.2, abs=0.5)


def test_compressor_sidechain_ducks():
    t = np.arange(SR) / SR
    music = (0.1 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    key = np.zeros_like(music)
    key[SR // 2 :] = 0.9  # loud voice in the second half
    c = mm.Compressor(threshold_db=-30, ratio=10, attack_ms=1, release_ms=50)
    assert c.has_sidechain
    y = c(music, SR, sidechain=key)
    first, second = np.max(np.abs(y[SR // 4 : SR // 2])), np.max(np.abs(y[3 * SR // 4 :]))
    assert second < first * 0.2  # ducked by the key
    assert first == pytest.approx(0.1, rel=0.01)  # untouched without key
    with pytest.raises(ValueError, match="same length"):
        c(music, SR, sidechain=key[:100])
    with pytest.raises(ValueError, match="no sidechain"):
        mm.Gain()(music, SR, sidechain=key)


BAD_AUDIO = [
    (np.zeros((48000, 2), np.float32), ValueError, "looks like \\(samples, channels\\)"),
    (np.zeros((2, 10), np.int16), TypeError, "dtype int16"),
    (np.zeros((2, 10), np.complex64), TypeError, "dtype"),
    ([0.0, 1.0], TypeError, "numpy array"),
    (np.zeros((2, 20), np.float32)[:, ::2], ValueError, "contiguous"),
    (np.zeros((2, 20), np.float32).T.copy().T, ValueError, "contiguous"),
    (np.zeros((1, 2, 3), np.float32), ValueError, "3 dimensions"),
    (np.zeros((0, 10), np.float32), ValueError, "0 channels"),
    (np.zeros((33, 10), np.float32), ValueError, "33 channels"),
]


@pytest.mark.parametrize("audio,exc,msg", BAD_AUDIO)
def test_bad_audio_is_a_clear_error(audio, exc, msg):
    for fn in (mm.Compressor(), mm.Chain([mm.Gain()])):
        with pytest.raises(exc, match=msg):
            fn(audio, SR)
        with pytest.raises(exc, match=msg):
            fn.process(audio, SR)
    with pytest.raises(exc, match=msg):
        mm.measure(audio, SR)


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), 0.0, -48000.0, 1e12])
def test_bad_sample_rate_is_a_clear_error(rate):
    with pytest.raises(ValueError, match="sample_rate"):
        mm.Compressor()(programme(2, 100), rate)
    with pytest.raises(ValueError, match="sample_rate"):
        mm.measure(programme(2, 100), rate)


def test_channel_limits_and_stereo_only_kinds():
    with pytest.raises(ValueError, match="does not support 1 channels"):
        mm.StereoWidth()(programme(1, 100), SR)
    x = programme(mm.MAX_CHANNELS, 200)
    assert mm.Gain(gain_db=-3)(x, SR).shape == x.shape
    assert mm.Gain()(np.zeros((2, 0), np.float32), SR).shape == (2, 0)


def test_nan_input_does_not_poison_state():
    c = mm.Compressor()
    x = programme(2, 8000)
    x[0, 100] = np.nan
    x[1, 200] = np.inf
    c.process(x, SR, reset=True)
    y = c.process(programme(2, 8000), SR)
    assert np.all(np.isfinite(y[:, 4096:]))


def test_options_rebuild_and_parameters_keep_state():
    d = mm.Delay(max_ms=100.0, time_ms=10.0, feedback=0.0, mix=1.0)
    with pytest.raises(ValueError, match="time_ms"):
        d.time_ms = 200.0  # beyond max_ms
    d.max_ms = 500.0  # an option: rebuilds
    d.time_ms = 200.0
    assert d.settings()["max_ms"] == 500.0 and d.time_ms == 200.0
    with pytest.raises(ValueError, match="oversample"):
        mm.Saturation(oversample=3)
    with pytest.raises(TypeError, match="`ratio` must be a number"):
        mm.Compressor(ratio="high")
    with pytest.raises(ValueError, match="no parameter `threshhold_db`"):
        mm.Compressor(threshhold_db=-3)
    with pytest.raises(ValueError, match=r"bands\[0\]"):
        mm.Equalizer(bands=[{"kind": "peaking", "frequency_hz": 1000, "gain": 3}])
    with pytest.raises(TypeError, match="fixes `kind`"):
        mm.PeakFilter(kind="notch")


def test_chain_is_a_list_and_runs_in_series():
    eq = mm.Equalizer(bands=[{"kind": "peaking", "frequency_hz": 2500, "gain_db": -2, "q": 1.4}])
    comp, lim = mm.Compressor(threshold_db=-20, ratio=2), mm.Limiter(ceiling_dbtp=-1)
    chain = mm.Chain([eq, comp, lim])
    x = programme(2, 20000) * 2
    y = chain(x, SR)
    # Equal to the members one after another, with the summed latency removed.
    lat = sum(p.latency_samples for p in chain)
    assert chain.latency_samples == lat > 0
    z = np.concatenate([x, np.zeros((2, lat), np.float32)], axis=1)
    for p in (eq, comp, lim):
        z = p.process(z, SR, reset=True)
    np.testing.assert_array_equal(y, z[:, lat:])
    streamed = np.concatenate(
        [chain.process(np.ascontiguousarray(x[:, i : i + 3000]), SR, reset=(i == 0)) for i in range(0, 20000, 3000)],
        axis=1,
    )
    chain.reset()
    np.testing.assert_array_equal(streamed, chain.process(x, SR))
    chain.append(mm.Gain(gain_db=-1))
    assert len(chain) == 4 and "Gain(gain_db=-1.0" in repr(chain)
    assert pickle.loads(pickle.dumps(chain)) == chain
    with pytest.raises(TypeError, match="not a mixmaster processor"):
        mm.Chain([eq, "gain"])
    with pytest.raises(ValueError, match="twice"):
        mm.Chain([comp, comp])(x, SR)
