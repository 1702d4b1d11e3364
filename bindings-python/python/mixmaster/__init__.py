"""mixmaster: mixing and mastering DSP for numpy.

Audio is a numpy array of shape ``(channels, samples)`` (1-D means mono), float32 or float64;
outputs keep the input's dtype and shape. Nothing is guessed: another layout, dtype or a
non-contiguous array is a ``TypeError`` or ``ValueError`` that says what to pass instead.

* Processors: one class per kind of the core's processor registry (``Compressor``, ``Limiter``,
  ``Equalizer``, ``PeakFilter``, ...), with keyword settings named with their units, readable
  and settable as attributes (validated), a ``repr`` that pastes back, and pickling.
  ``processor(audio, sample_rate)`` processes a whole programme from fresh state, aligned with
  the input (latency removed; ``tail=True`` appends the effect's tail);
  ``processor.process(block, sample_rate)`` streams, keeping state.
* ``Chain([...])`` runs processors in series; ``Mixer`` and ``Session`` mix tracks through
  buses, sends, automation and a master chain, exactly as the ``mixmaster`` command renders
  session files.
* ``measure``, ``LoudnessMeter``, ``normalize``, ``normalize_album`` and ``PRESETS``: BS.1770 /
  EBU R128 loudness, true peak, and normalization to platform targets.
* ``read(path)`` / ``write(path, audio, sample_rate, subtype=...)``: audio files through the
  command's own readers (WAV, FLAC, MP3, Ogg Vorbis, AIFF) and WAV writer (dithered integer or
  float).

Threads: the GIL is released while audio is processed, so separate objects run in parallel
on several cores. One object is used by one thread at a time; using it from two at once
raises ``RuntimeError`` ("Already borrowed") instead of corrupting its state.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native

__version__ = _native.build_info()["version"]

#: The registry's description of every processor kind (plain dicts).
KINDS: List[Dict[str, Any]] = list(_native.kinds())

#: Platform loudness presets: name -> {"target_lufs": ..., "ceiling_dbtp": ...}.
PRESETS: Dict[str, Dict[str, float]] = {
    name: {"target_lufs": lufs, "ceiling_dbtp": ceiling}
    for name, (lufs, ceiling) in _native.presets().items()
}

MAX_CHANNELS: int = _native.MAX_CHANNELS


def build_info() -> Dict[str, Any]:
    """Version, and whether this CPU runs the core's AVX2+FMA kernels."""
    return dict(_native.build_info())


# --------------------------------------------------------------------------------------------
# Processors, one class per registered kind (and per variant, such as PeakFilter)
# --------------------------------------------------------------------------------------------


class Processor:
    """Base class of every processor. Subclasses are made from the core's registry."""

    __slots__ = ("_p",)
    _kind: str = ""
    _fixed: Dict[str, Any] = {}
    _settings: Tuple[str, ...] = ()
    _integers: frozenset = frozenset()
    _audio: frozenset = frozenset()

    def __init__(self, *args: Any, **settings: Any) -> None:
        if args:
            raise TypeError(
                f"{type(self).__name__} takes settings by keyword only, "
                f"for example {type(self).__name__}({self._example()})"
            )
        for name in settings:
            if name in self._fixed:
                raise TypeError(
                    f"{type(self).__name__} fixes `{name}` = {self._fixed[name]!r}; "
                    f"use {_class_of_kind(self._kind)} to choose it"
                )
        audio = {k: settings.pop(k) for k in list(settings) if k in self._audio}
        object.__setattr__(self, "_p", _native.Processor(self._kind, {**self._fixed, **settings}))
        for name, value in audio.items():
            _load_audio(self, name, value)

    @classmethod
    def _example(cls) -> str:
        names = [s for s in cls._settings if s not in cls._fixed][:2]
        return ", ".join(f"{n}=..." for n in names)

    # Processing ------------------------------------------------------------------------------

    def __call__(
        self,
        audio: np.ndarray,
        sample_rate: float,
        *,
        tail: bool = False,
        sidechain: Optional[np.ndarray] = None,
    ) -> np.ndarray:
        """Processes a whole programme from fresh state. The output is aligned with the input
        and as long (latency removed); ``tail=True`` appends the effect's tail (at most 60 s).
        ``sidechain`` feeds the detector of processors that have one (the compressor)."""
        return self._p.render(audio, sample_rate, tail, sidechain)

    def process(
        self,
        audio: np.ndarray,
        sample_rate: float,
        reset: bool = False,
        *,
        sidechain: Optional[np.ndarray] = None,
    ) -> np.ndarray:
        """Streams one block, keeping state between calls; returns exactly the block's length
        (the latency is inside it). Blocks of any sizes give the same output as one call."""
        return self._p.process(audio, sample_rate, reset, sidechain)

    def reset(self) -> None:
        """Clears the state (delay lines, envelopes, filter memories)."""
        self._p.reset()

    @property
    def latency_samples(self) -> int:
        """Frames the output lags the input, at the sample rate last processed (0 before)."""
        return self._p.latency_samples

    @property
    def has_sidechain(self) -> bool:
        """Whether a ``sidechain`` array can be given."""
        return self._p.has_sidechain

    @property
    def kind(self) -> str:
        """The registry kind (``"compressor"``)."""
        return self._p.kind

    def settings(self) -> Dict[str, Any]:
        """Every setting's current value (without the ones a variant fixes)."""
        return {
            k: int(v) if k in self._integers else v
            for k, v in self._p.settings().items()
            if k not in self._fixed
        }

    # Python protocol -------------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or name not in type(self)._settings:
            raise AttributeError(
                f"{type(self).__name__} has no setting `{name}` "
                f"(it has: {', '.join(s for s in self._settings if s not in self._fixed)})"
            )
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_py_repr(v)}" for k, v in self.settings().items())
        return f"{type(self).__name__}({args})"

    def __reduce__(self):
        settings = self.settings()
        for name in self._audio:
            data = self._p.audio_data(name)
            if data is not None:
                settings[name] = (data[0], data[1], data[2])
        return (_rebuild, (type(self).__name__, settings))

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.settings() == other.settings()  # type: ignore[union-attr]

    __hash__ = None  # type: ignore[assignment]


def _py_repr(v: Any) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return repr(float(v))
    return repr(v)


def _rebuild(class_name: str, settings: Dict[str, Any]) -> Processor:
    return globals()[class_name](**settings)


def _class_of_kind(kind: str) -> str:
    for k in KINDS:
        if k["kind"] == kind:
            return k["class_name"]
    return kind


def _load_audio(p: Processor, name: str, value: Any) -> None:
    """Loads an audio setting: a file path (read with ``read``), an ``(array, sample_rate)``
    pair, an ``(array, sample_rate, label)`` triple, or None or "" (nothing, as the default's
    repr says)."""
    if value is None or (isinstance(value, str) and value == ""):
        return
    if isinstance(value, (str, os.PathLike)):
        audio, rate = read(value)
        label = os.fspath(value)
    elif isinstance(value, tuple) and len(value) in (2, 3):
        audio, rate = value[0], value[1]
        label = value[2] if len(value) == 3 else "array"
    else:
        raise TypeError(
            f"`{name}` takes a file path or an (array, sample_rate) pair, not {type(value).__name__}"
        )
    p._p.load_audio(name, np.ascontiguousarray(audio), float(rate), str(label))


def _setting_property(name: str, doc: str, audio: bool = False) -> property:
    def fget(self: Processor) -> Any:
        v = self._p.get_setting(name)
        return int(v) if name in self._integers else v

    def fset(self: Processor, value: Any) -> None:
        if audio:
            _load_audio(self, name, value)
        else:
            self._p.set_setting(name, value)

    return property(fget, fset, doc=doc)


def _describe_param(p: Dict[str, Any]) -> str:
    unit = f" {p['unit']}" if p["unit"] else ""
    if p["toggle"]:
        return f"bool (automatable), default {bool(p['default'] >= 0.5)}. {p['doc']}"
    return (
        f"float{unit}, {p['min']:g} to {p['max']:g}, default {p['default']:g} "
        f"(automatable, smoothed). {p['doc']}"
    )


def _describe_option(o: Dict[str, Any]) -> str:
    t = o["type"]
    if t == "choice":
        return f"one of {', '.join(repr(c) for c in o['choices'])}; default {o['default']!r}. {o['doc']}"
    if t == "switch":
        return f"bool, default {o['default']}. {o['doc']}"
    if t in ("number", "integer"):
        unit = f" {o['unit']}" if o.get("unit") else ""
        kind = "int" if t == "integer" else "float"
        return f"{kind}{unit}, {o['min']:g} to {o['max']:g}, default {o['default']:g}. {o['doc']}"
    if t == "audio":
        return (
            f"audio: a file path, or an (array, sample_rate) pair, array (channels, samples) "
            f"with up to {o['max_channels']} channels; its name reads back. {o['doc']}"
        )
    fields = ", ".join(f["name"] for f in o["fields"])
    return f"list of dicts with keys {fields}; default []. {o['doc']}"


def _make_class(desc: Dict[str, Any], variant: Optional[Dict[str, Any]] = None) -> type:
    fixed = dict(variant["fixed"]) if variant else {}
    class_name = variant["class_name"] if variant else desc["class_name"]
    summary = variant["summary"] if variant else desc["summary"]
    settings = [o["name"] for o in desc["options"]] + [p["name"] for p in desc["params"]]
    lines = [summary, "", f"Registry kind ``{desc['kind']}``; channels: {desc['channels']}.", ""]
    if fixed:
        lines += [f"Fixes {', '.join(f'{k}={v!r}' for k, v in fixed.items())}.", ""]
    lines.append("Settings (keyword arguments and attributes):")
    ns: Dict[str, Any] = {}
    for o in desc["options"]:
        if o["name"] in fixed:
            continue
        d = _describe_option(o)
        lines.append(f"    {o['name']}: {d}")
        if o["type"] == "audio":
            ns[o["name"]] = _setting_property(o["name"], d, audio=True)
        else:
            ns[o["name"]] = _setting_property(o["name"], d + " Setting it rebuilds the processor.")
    for p in desc["params"]:
        d = _describe_param(p)
        lines.append(f"    {p['name']}: {d}")
        ns[p["name"]] = _setting_property(p["name"], d)
    ns.update(
        __doc__="\n".join(lines),
        __slots__=(),
        __module__=__name__,
        _kind=desc["kind"],
        _fixed=fixed,
        _settings=tuple(settings),
        _integers=frozenset(o["name"] for o in desc["options"] if o["type"] == "integer"),
        _audio=frozenset(o["name"] for o in desc["options"] if o["type"] == "audio"),
        __qualname__=class_name,
    )
    return type(class_name, (Processor,), ns)


_PROCESSOR_CLASSES: Dict[str, type] = {}
for _desc in KINDS:
    _PROCESSOR_CLASSES[_desc["class_name"]] = _make_class(_desc)
    for _v in _desc["variants"]:
        _PROCESSOR_CLASSES[_v["class_name"]] = _make_class(_desc, _v)
globals().update(_PROCESSOR_CLASSES)


def processor(kind: str, /, **settings: Any) -> Processor:
    """A processor by registry kind name: ``processor("compressor", ratio=4)``."""
    for d in KINDS:
        if kind == d["kind"] or kind in d["aliases"]:
            return _PROCESSOR_CLASSES[d["class_name"]](**settings)
    raise ValueError(
        f"unknown processor `{kind}` (known: {', '.join(d['kind'] for d in KINDS)})"
    )


# --------------------------------------------------------------------------------------------
# Chains
# --------------------------------------------------------------------------------------------


class Chain(list):
    """Processors in series; a list, so it can be edited like one.

    ``chain(audio, sample_rate)`` processes from fresh state with the whole chain's latency
    removed; ``chain.process(block, sample_rate)`` streams, keeping every member's state.
    """

    def __init__(self, processors: Iterable[Processor] = ()) -> None:
        items = list(processors)
        for i, p in enumerate(items):
            if not isinstance(p, Processor):
                raise TypeError(f"Chain item {i} is {type(p).__name__}, not a mixmaster processor")
        super().__init__(items)

    def _members(self) -> list:
        for i, p in enumerate(self):
            if not isinstance(p, Processor):
                raise TypeError(f"Chain item {i} is {type(p).__name__}, not a mixmaster processor")
        return [p._p for p in self]

    def __call__(self, audio: np.ndarray, sample_rate: float, *, tail: bool = False) -> np.ndarray:
        """Processes a whole programme from fresh state, aligned with the input."""
        return _native.render_chain(self._members(), audio, sample_rate, tail)

    def process(self, audio: np.ndarray, sample_rate: float, reset: bool = False) -> np.ndarray:
        """Streams one block through every member, keeping their state."""
        return _native.run_chain(self._members(), audio, sample_rate, reset)

    def reset(self) -> None:
        """Clears every member's state."""
        for p in self:
            p.reset()

    @property
    def latency_samples(self) -> int:
        """The sum of the members' latencies (at the sample rate last processed)."""
        return sum(p.latency_samples for p in self)

    def __repr__(self) -> str:
        return f"Chain([{', '.join(repr(p) for p in self)}])"

    def __reduce__(self):
        return (Chain, (list(self),))


# --------------------------------------------------------------------------------------------
# Loudness
# --------------------------------------------------------------------------------------------


class Measurement:
    """What ``measure`` found. Loudness in LUFS, ranges in LU, peaks in dBTP / dBFS; ``-inf``
    where there is nothing to measure (silence)."""

    __slots__ = (
        "integrated_lufs",
        "loudness_range_lu",
        "true_peak_dbtp",
        "true_peak_dbtp_per_channel",
        "true_peak_mode",
        "sample_peak_dbfs",
        "max_momentary_lufs",
        "max_short_term_lufs",
        "momentary_lufs",
        "short_term_lufs",
        "times_s",
        "duration_s",
        "non_finite_samples",
    )

    def __init__(self, d: Dict[str, Any]) -> None:
        for k in self.__slots__:
            v = d[k]
            if k == "true_peak_dbtp_per_channel" and v is not None:
                v = list(v)
            object.__setattr__(self, k, v)

    def to_dict(self) -> Dict[str, Any]:
        """Every figure; the series as lists."""
        out = {}
        for k in self.__slots__:
            v = getattr(self, k)
            out[k] = v.tolist() if isinstance(v, np.ndarray) else v
        return out

    def __repr__(self) -> str:
        return (
            f"Measurement(integrated_lufs={self.integrated_lufs:.2f}, "
            f"loudness_range_lu={self.loudness_range_lu:.2f}, "
            + (f"true_peak_dbtp={self.true_peak_dbtp:.2f}, " if self.true_peak_dbtp is not None else "")
            + f"duration_s={self.duration_s:.3f})"
        )


def measure(
    audio: np.ndarray,
    sample_rate: float,
    layout: Union[None, str, Sequence[float]] = None,
    *,
    hop_s: float = 0.1,
    true_peak: Optional[str] = "standard",
) -> Measurement:
    """Measures a programme (BS.1770-4 / EBU R128): integrated loudness, loudness range, true
    and sample peaks, the momentary and short-term maxima and their series every ``hop_s``.

    ``layout``: None (from the channel count: mono, stereo, 5.0, 5.1, 7.1), a name, or a list
    of channel weights (0 excludes a channel). ``true_peak``: ``"standard"`` (BS.1770's 4x
    interpolation, as libebur128 and ffmpeg read it) or ``"precise"`` (the 16x band-limited
    reconstruction a DAC or an encoder produces, within 0.05 dB of a 16x Kaiser-sinc
    reference; about twice the cost) or ``None`` (not measured: the true-peak fields are
    ``None``, and loudness alone is about three times faster)."""
    return Measurement(_native.measure(audio, sample_rate, layout, hop_s, true_peak))


def analyze(
    audio: np.ndarray,
    sample_rate: float,
    *,
    true_peak: str = "standard",
) -> Dict[str, Any]:
    """Analyses a mono or stereo mix, as ``mixmaster analyze --json`` does for a file: a dict
    with ``loudness`` (the meter's figures and series), ``dynamics`` (PLR, PSR series and
    minimum, crest factor per channel, ``dr``: the DR14 value as ``drmeter`` computes it, None
    under 12 s), ``spectrum`` (1/3-octave band levels of left, right, mid and side in dB, and
    fine curves in dB/Hz on a 1/24-octave grid), ``stereo`` (correlation overall, per 400 ms and
    per band; width; balance; mono fold-down change and the bands it loses), ``faults``
    (clipped runs, overs above 0 dBTP, DC offset, inverted polarity, leading and trailing
    silence, effective bit depth, non-finite samples), ``resonances`` (each with a suggested
    peaking cut in the session-file syntax) and ``platforms`` (the gain each preset's
    normalization would apply). Series and curves are numpy arrays; ``-inf`` marks silence.
    ``true_peak``: ``"standard"`` (BS.1770 4x) or ``"precise"`` (16x reconstruction)."""
    return _native.analyze(audio, sample_rate, true_peak)


def profile(audio: np.ndarray, sample_rate: float) -> Dict[str, Any]:
    """The tonal profile of a mono or stereo programme, as ``mixmaster profile`` saves it:
    ``frequency_hz`` (a 1/6-octave grid, 20 Hz to 20 kHz), ``mid_db`` and ``side_db`` (power
    density of the loud parts, dB/Hz), ``width_db``, ``integrated_lufs``, ``true_peak_dbtp``,
    ``sample_rate``, ``duration_s``, ``loud_s``. Profiles of any sample rate and length compare
    directly; ``json.dump`` it (after ``.tolist()`` on the arrays) to keep it."""
    return _native.profile(audio, sample_rate)


def master_to_reference(
    audio: np.ndarray,
    sample_rate: float,
    references: Sequence[Any],
    *,
    eq: float = 1.0,
    loudness: float = 1.0,
    width: float = 1.0,
    target_lufs: Optional[float] = None,
    ceiling_dbtp: Optional[float] = None,
) -> Tuple[np.ndarray, Dict[str, Any]]:
    """Masters ``audio`` to one or more references, as ``mixmaster master --reference`` does:
    EQ match (mid/side linear-phase), width match and loudness match, each with a strength from
    0 to 1, then the true-peak limiter. Each reference is a profile (``mixmaster.profile``) or
    an ``(audio, sample_rate)`` pair of any rate. The target is the references' loudness under
    their true peak unless ``target_lufs`` / ``ceiling_dbtp`` are given. Returns the master and
    a report: ``eq_bands`` (the curve per 1/3-octave band), ``curve`` (the ``MatchEQ`` points,
    reusable as ``MatchEQ(curve=...)`` or in a session), ``width_gain_db``, the spectral distance
    before and predicted after, the normalization's ``gain_db``, ``limited``, ``reached``."""
    profiles = []
    for i, r in enumerate(references):
        if isinstance(r, tuple) and len(r) == 2:
            profiles.append(_native.profile(r[0], r[1]))
        else:
            profiles.append(r)
    out, report = _native.master_to_reference(
        audio, sample_rate, profiles, eq, loudness, width, target_lufs, ceiling_dbtp
    )
    if not report["reached"]:
        warnings.warn(
            f"the match target {report['target_lufs']:.1f} LUFS was not reached under the "
            f"{report['ceiling_dbtp']:.1f} dBTP ceiling: the master is at "
            f"{report['integrated_lufs']:.1f} LUFS",
            UserWarning,
            stacklevel=2,
        )
    return out, report


LoudnessMeter = _native.LoudnessMeter
LoudnessMeter.__doc__ = """A streaming loudness meter: ``LoudnessMeter(sample_rate, channels=2,
layout=None, true_peak="standard")`` (``"precise"``: the 16x reconstruction; ``None``: no
true peak, its read-outs are ``None``); ``add(block)`` with blocks of any size, then read ``integrated_lufs``,
``momentary_lufs``, ``short_term_lufs``, ``loudness_range_lu``, ``true_peak_dbtp``,
``true_peak_dbtp_per_channel``, ``sample_peak_dbfs`` and the maxima at any time; ``reset()``."""


class NormalizeReport:
    """What ``normalize`` did: ``before`` and ``after`` levels (dicts; the after true peak is
    read on the 16x reconstruction, ``true_peak_mode`` says which), ``gain_db``, ``limited``,
    ``reached`` (within 0.1 LU of the target), ``ceiling_kept`` (the output's precise true
    peak within 0.1 dB of the ceiling), ``target_lufs``, ``ceiling_dbtp``."""

    def __init__(self, d: Dict[str, Any]) -> None:
        self.__dict__.update(d)

    def to_dict(self) -> Dict[str, Any]:
        return dict(self.__dict__)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({fields})"


class AlbumReport(NormalizeReport):
    """What ``normalize_album`` did: ``album_before``/``album_after`` levels, the common
    ``gain_db``, per-track ``tracks`` (before, after, limited), ``reached``, the target."""


def _target(preset: Optional[str], target_lufs: Optional[float], ceiling_dbtp: Optional[float]):
    if preset is not None:
        if preset not in PRESETS:
            raise ValueError(f"unknown preset `{preset}` (known: {', '.join(PRESETS)})")
        base = PRESETS[preset]
    elif target_lufs is None:
        base = PRESETS["spotify"]
    else:
        base = {"target_lufs": -14.0, "ceiling_dbtp": -1.0}
    lufs = base["target_lufs"] if target_lufs is None else target_lufs
    ceiling = base["ceiling_dbtp"] if ceiling_dbtp is None else ceiling_dbtp
    return float(lufs), float(ceiling)


def _warn_ceiling(what: str, kept: bool, after: Dict[str, Any], ceiling: float) -> None:
    if not kept:
        warnings.warn(
            f"{what}: the output's true peak, {after['true_peak_dbtp']:.2f} dBTP on the 16x "
            f"reconstruction, is over the {ceiling} dBTP ceiling by more than 0.1 dB",
            UserWarning,
            stacklevel=3,
        )


def normalize(
    audio: np.ndarray,
    sample_rate: float,
    preset: Optional[str] = None,
    *,
    target_lufs: Optional[float] = None,
    ceiling_dbtp: Optional[float] = None,
    layout: Union[None, str, Sequence[float]] = None,
) -> Tuple[np.ndarray, NormalizeReport]:
    """Normalizes a programme to a preset (``"spotify"`` by default) or to ``target_lufs``
    under ``ceiling_dbtp``, with the true-peak limiter where the gain would exceed the ceiling.
    Returns ``(audio, report)``. If the target cannot be reached under the ceiling,
    ``report.reached`` is False and a ``UserWarning`` says so."""
    lufs, ceiling = _target(preset, target_lufs, ceiling_dbtp)
    out, d = _native.normalize(audio, sample_rate, lufs, ceiling, layout)
    report = NormalizeReport(d)
    _warn_ceiling("normalize", report.ceiling_kept, report.after, ceiling)
    if not report.reached:
        warnings.warn(
            f"normalize: the target {lufs} LUFS was not reached under the {ceiling} dBTP ceiling: "
            f"the result is {report.after['integrated_lufs']:.2f} LUFS",
            UserWarning,
            stacklevel=2,
        )
    return out, report


def normalize_album(
    tracks: Sequence[np.ndarray],
    sample_rate: float,
    preset: Optional[str] = None,
    *,
    target_lufs: Optional[float] = None,
    ceiling_dbtp: Optional[float] = None,
    layout: Union[None, str, Sequence[float]] = None,
) -> Tuple[List[np.ndarray], AlbumReport]:
    """Normalizes an album with one common gain (relative loudness kept), chosen so the album
    as a whole meets the target; each track is limited to the ceiling. Returns
    ``(tracks, report)``; a ``UserWarning`` if the target was not reached."""
    lufs, ceiling = _target(preset, target_lufs, ceiling_dbtp)
    out, d = _native.normalize_album(list(tracks), sample_rate, lufs, ceiling, layout)
    report = AlbumReport(d)
    _warn_ceiling("normalize_album", report.ceiling_kept, report.album_after, ceiling)
    if not report.reached:
        warnings.warn(
            f"normalize_album: the target {lufs} LUFS was not reached under the {ceiling} dBTP "
            f"ceiling: the album is {report.album_after['integrated_lufs']:.2f} LUFS",
            UserWarning,
            stacklevel=2,
        )
    return list(out), report


# --------------------------------------------------------------------------------------------
# Sessions and the mixer
# --------------------------------------------------------------------------------------------


def read(path: Union[str, os.PathLike], dtype: str = "float32") -> Tuple[np.ndarray, int]:
    """Reads a whole audio file, WAV (8 to 32-bit integer, 32-bit float), FLAC, MP3 (gapless),
    Ogg Vorbis or AIFF, with the ``mixmaster`` command's own readers: returns
    ``(audio, sample_rate)``, audio of shape ``(channels, samples)`` (note: soundfile returns
    ``(samples, channels)``) in ``dtype`` ("float32" or "float64"), at the file's own rate.
    A missing file is ``FileNotFoundError``; a file that is not audio, or a format not read,
    ``ValueError`` naming the file."""
    return _native.read(os.fspath(path), dtype)


def write(
    path: Union[str, os.PathLike],
    audio: np.ndarray,
    sample_rate: float,
    subtype: str = "PCM_24",
) -> Dict[str, Any]:
    """Writes ``(channels, samples)`` (or mono 1-D) audio to a WAV file with the command's own
    writer: ``subtype`` "PCM_24" (TPDF-dithered, the default), "PCM_16" (TPDF-dithered with
    noise shaping) or "FLOAT" (32-bit, no dither). Returns ``{"clipped": n, "peak": x}``;
    samples beyond full scale that an integer format had to clip raise a ``UserWarning``
    saying how many (write "FLOAT", or lower the level, to keep them)."""
    w = _native.write(os.fspath(path), audio, sample_rate, subtype)
    if w["clipped"]:
        warnings.warn(
            f"{os.fspath(path)}: {w['clipped']} samples beyond full scale were clipped "
            f"(peak {w['peak']:.3f}); lower the level or write subtype=\"FLOAT\"",
            UserWarning,
            stacklevel=2,
        )
    return w


def _insert_dict(p: Processor) -> Dict[str, Any]:
    if not isinstance(p, Processor):
        raise TypeError(f"an insert must be a mixmaster processor, not {type(p).__name__}")
    return {"type": p.kind, **p._p.settings()}


class Session:
    """A session: tracks, buses, sends, automation, the master chain and an optional loudness
    target, in the command's TOML format (docs/session.md).

    ``Session.load(path)`` / ``Session.from_toml(text)``; ``render()`` reads the tracks' files
    (with the command's readers, resampled to the session's rate as the command does) or takes
    arrays; ``to_toml()`` writes it back."""

    def __init__(self, native: "_native.Session", folder: Optional[str] = None) -> None:
        self._s = native
        self._folder = folder

    @classmethod
    def load(cls, path: Union[str, os.PathLike]) -> "Session":
        """Reads a session file; track files are relative to its folder."""
        path = os.fspath(path)
        return cls(_native.Session.load(path), os.path.dirname(os.path.abspath(path)))

    @classmethod
    def from_toml(cls, text: str, folder: Optional[str] = None) -> "Session":
        """A session from TOML text (track files, if any, relative to ``folder``)."""
        return cls(_native.Session.from_toml(text), folder)

    @classmethod
    def from_dict(cls, d: Dict[str, Any], folder: Optional[str] = None) -> "Session":
        """A session from a dict shaped like the TOML."""
        return cls(_native.Session.from_dict(d), folder)

    def to_toml(self) -> str:
        """The session as TOML (reads back to an equal session)."""
        return self._s.to_toml()

    def to_dict(self) -> Dict[str, Any]:
        """The session as a dict shaped like the TOML."""
        return self._s.to_dict()

    @property
    def track_names(self) -> List[str]:
        return [name for name, _ in self._s.tracks()]

    @property
    def sample_rate(self) -> Optional[int]:
        """The session's own sample rate, if it names one."""
        return self._s.sample_rate

    def render(
        self,
        tracks: Union[None, Dict[str, np.ndarray], Sequence[np.ndarray]] = None,
        sample_rate: Optional[float] = None,
        *,
        pad: bool = False,
        max_tail_s: float = 10.0,
    ) -> np.ndarray:
        """Renders the mix, ``(2, samples)`` float32, latency removed, effects' tails appended
        (at most ``max_tail_s``). ``tracks``: None (read the files the session names, relative
        to its folder, any format the command reads; files at another rate are resampled to
        the session's rate: the same mix as ``mixmaster render --bits 32f``), a dict by track
        name, or a list in track order; ``sample_rate``: the arrays' rate (default the
        session's; with files, the session's rate, else the first file's). Tracks of
        different lengths are an error unless ``pad``."""
        if tracks is None:
            return self._s.render_files(
                self._folder or os.getcwd(),
                None if sample_rate is None else int(sample_rate),
                pad,
                max_tail_s,
            )
        if isinstance(tracks, dict):
            missing = [n for n in self.track_names if n not in tracks]
            extra = [n for n in tracks if n not in self.track_names]
            if missing or extra:
                raise ValueError(
                    f"tracks given do not match the session: missing {missing}, unknown {extra}"
                )
            arrays = [tracks[n] for n in self.track_names]
        else:
            arrays = list(tracks)
        if sample_rate is None:
            sample_rate = self.sample_rate
        if sample_rate is None:
            raise ValueError("give sample_rate: the session does not name one")
        return self._s.render(arrays, float(sample_rate), pad, max_tail_s, self._folder)

    def __repr__(self) -> str:
        return f"Session(tracks={self.track_names!r})"

    def __reduce__(self):
        return (_session_from_toml, (self.to_toml(), self._folder))


def _session_from_toml(text: str, folder: Optional[str]) -> Session:
    return Session.from_toml(text, folder)


class Mixer:
    """A mixer built in code: tracks from arrays, buses, sends, mute/solo, automation and a
    master chain. It is a session underneath (``mixer.session``, ``mixer.to_toml()``), so it
    renders exactly as the command renders the same session file.

    >>> m = Mixer(48000)
    >>> m.add_track("vox", vocals, gain_db=-3, inserts=[Compressor(ratio=3)])
    >>> m.add_bus("verb", inserts=[Reverb(mix=1.0)])
    >>> m.add_send("vox", "verb", level_db=-12)
    >>> mix = m.render()
    """

    def __init__(self, sample_rate: float = 48000) -> None:
        if not (isinstance(sample_rate, (int, float)) and np.isfinite(sample_rate) and sample_rate > 0):
            raise ValueError(f"sample_rate = {sample_rate!r}: a positive number of Hz")
        if float(sample_rate) != int(sample_rate):
            raise ValueError(f"sample_rate = {sample_rate}: a whole number of Hz")
        self.sample_rate = int(sample_rate)
        self._tracks: List[Dict[str, Any]] = []
        self._audio: List[np.ndarray] = []
        self._buses: List[Dict[str, Any]] = []
        self._master: Dict[str, Any] = {}

    def _strip(self, name: str) -> Dict[str, Any]:
        if name == "master":
            return self._master
        for s in self._tracks + self._buses:
            if s["name"] == name:
                return s
        raise ValueError(
            f"no track or bus named `{name}` (tracks: {[t['name'] for t in self._tracks]}, "
            f"buses: {[b['name'] for b in self._buses]})"
        )

    def _check_new(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError("a track or bus needs a non-empty name")
        if name == "master" or any(s["name"] == name for s in self._tracks + self._buses):
            raise ValueError(f"the name `{name}` is taken")

    def add_track(
        self,
        name: str,
        audio: np.ndarray,
        *,
        gain_db: float = 0.0,
        pan: float = 0.0,
        pan_law: Optional[str] = None,
        mute: bool = False,
        solo: bool = False,
        output: Optional[str] = None,
        inserts: Sequence[Processor] = (),
    ) -> None:
        """Adds a mono (1-D or (1, n)) or stereo ((2, n)) track."""
        self._check_new(name)
        t: Dict[str, Any] = {
            "name": name,
            "gain_db": float(gain_db),
            "pan": float(pan),
            "mute": bool(mute),
            "solo": bool(solo),
            "insert": [_insert_dict(p) for p in inserts],
        }
        if pan_law is not None:
            t["pan_law"] = pan_law
        if output is not None:
            t["output"] = output
        self._tracks.append(t)
        self._audio.append(audio)

    def add_bus(
        self,
        name: str,
        *,
        gain_db: float = 0.0,
        pan: float = 0.0,
        mute: bool = False,
        output: Optional[str] = None,
        inserts: Sequence[Processor] = (),
    ) -> None:
        """Adds a group or aux bus (it may feed a later bus or the master)."""
        self._check_new(name)
        b: Dict[str, Any] = {
            "name": name,
            "gain_db": float(gain_db),
            "pan": float(pan),
            "mute": bool(mute),
            "insert": [_insert_dict(p) for p in inserts],
        }
        if output is not None:
            b["output"] = output
        self._buses.append(b)

    def add_send(self, track: str, bus: str, level_db: float = 0.0, *, pre_fader: bool = False) -> None:
        """Sends a track to a bus, post-fader unless ``pre_fader``."""
        t = self._strip(track)
        if t not in self._tracks:
            raise ValueError(f"`{track}` is not a track: only tracks have sends")
        t.setdefault("send", []).append(
            {"bus": bus, "level_db": float(level_db), "pre_fader": bool(pre_fader)}
        )

    def add_insert(self, name: str, processor: Processor) -> None:
        """Appends an insert to a track, a bus or ``"master"``."""
        self._strip(name).setdefault("insert", []).append(_insert_dict(processor))

    def set_master(self, *, gain_db: Optional[float] = None, inserts: Optional[Sequence[Processor]] = None) -> None:
        """Sets the master fader and/or replaces the master chain."""
        if gain_db is not None:
            self._master["gain_db"] = float(gain_db)
        if inserts is not None:
            self._master["insert"] = [_insert_dict(p) for p in inserts]

    def automate(self, name: str, param: str, points: Sequence[Sequence[Any]]) -> None:
        """Automates ``param`` of a track, bus or ``"master"``: ``gain_db``, ``pan``,
        ``send.BUS`` or ``insert.N.PARAM``; ``points`` are ``(time_s, value)`` or
        ``(time_s, value, "linear" | "exponential" | "hold")``."""
        pts = [list(p) for p in points]
        self._strip(name).setdefault("automation", []).append({"param": param, "points": pts})

    @property
    def session(self) -> Session:
        """The session this mixer describes."""
        d: Dict[str, Any] = {"sample_rate": self.sample_rate, "track": self._tracks}
        if self._buses:
            d["bus"] = self._buses
        if self._master:
            d["master"] = self._master
        return Session.from_dict(d)

    def to_toml(self) -> str:
        """The mixer as a session file (the audio is not in it)."""
        return self.session.to_toml()

    def render(self, *, pad: bool = False, max_tail_s: float = 10.0) -> np.ndarray:
        """Renders the mix: ``(2, samples)`` float32, latency removed, tails appended."""
        if not self._tracks:
            raise ValueError("the mixer has no tracks")
        return self.session.render(self._audio, self.sample_rate, pad=pad, max_tail_s=max_tail_s)


__all__ = [
    "AlbumReport",
    "Chain",
    "KINDS",
    "LoudnessMeter",
    "MAX_CHANNELS",
    "Measurement",
    "Mixer",
    "NormalizeReport",
    "PRESETS",
    "Processor",
    "Session",
    "build_info",
    "measure",
    "analyze",
    "profile",
    "master_to_reference",
    "normalize",
    "normalize_album",
    "processor",
    "read",
    "write",
] + sorted(_PROCESSOR_CLASSES)
