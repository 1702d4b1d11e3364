"""Writes the type stubs (``__init__.pyi``) from the processor registry, so that editors complete
processor classes and their settings. ``python -m mixmaster._stubs > python/mixmaster/__init__.pyi``
regenerates them; a test fails when the committed file is stale."""

from __future__ import annotations

import keyword
from typing import Any, Dict, List

from . import _native


def _py_type(setting: Dict[str, Any], param: bool) -> str:
    if param:
        return "bool" if setting["toggle"] else "float"
    t = setting["type"]
    if t == "choice":
        return "Literal[" + ", ".join(repr(c) for c in setting["choices"]) + "]"
    if t == "switch":
        return "bool"
    if t == "integer":
        return "int"
    if t == "number":
        return "float"
    if t == "audio":
        return "Union[str, os.PathLike[str], Tuple[npt.NDArray[Any], float], None]"
    return "Sequence[Mapping[str, Any]]"


def _setting_type_out(setting: Dict[str, Any], param: bool) -> str:
    if not param and setting["type"] == "list":
        return "List[Dict[str, Any]]"
    if not param and setting["type"] == "audio":
        return "str"
    return _py_type(setting, param)


def _class(desc: Dict[str, Any], variant: Dict[str, Any] | None) -> List[str]:
    fixed = variant["fixed"] if variant else {}
    name = variant["class_name"] if variant else desc["class_name"]
    summary = variant["summary"] if variant else desc["summary"]
    settings = [(o, False) for o in desc["options"] if o["name"] not in fixed]
    settings += [(p, True) for p in desc["params"]]
    lines = [f"class {name}(Processor):", f'    """{summary}"""']
    for s, param in settings:
        n = s["name"]
        if keyword.iskeyword(n):
            continue
        lines.append(f"    {n}: {_setting_type_out(s, param)}")
    args = ", ".join(f"{s['name']}: {_py_type(s, p)} = ..." for s, p in settings)
    star = f"self, *, {args}" if args else "self"
    lines.append(f"    def __init__({star}) -> None: ...")
    return lines


HEADER = '''"""Type stubs for mixmaster, generated from the processor registry by
``python -m mixmaster._stubs``. Do not edit by hand."""

from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Sequence, Tuple, Union
import os

import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.floating[Any]]
Layout = Union[None, str, Sequence[float]]

__version__: str
KINDS: List[Dict[str, Any]]
PRESETS: Dict[str, Dict[str, float]]
MAX_CHANNELS: int

def build_info() -> Dict[str, Any]: ...

class Processor:
    def __call__(self, audio: Audio, sample_rate: float, *, tail: bool = ..., sidechain: Optional[Audio] = ...) -> Audio: ...
    def process(self, audio: Audio, sample_rate: float, reset: bool = ..., *, sidechain: Optional[Audio] = ...) -> Audio: ...
    def reset(self) -> None: ...
    @property
    def latency_samples(self) -> int: ...
    @property
    def has_sidechain(self) -> bool: ...
    @property
    def kind(self) -> str: ...
    def settings(self) -> Dict[str, Any]: ...

def processor(kind: str, /, **settings: Any) -> Processor: ...

class Chain(List[Processor]):
    def __init__(self, processors: Iterable[Processor] = ...) -> None: ...
    def __call__(self, audio: Audio, sample_rate: float, *, tail: bool = ...) -> Audio: ...
    def process(self, audio: Audio, sample_rate: float, reset: bool = ...) -> Audio: ...
    def reset(self) -> None: ...
    @property
    def latency_samples(self) -> int: ...

class Measurement:
    integrated_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: Optional[float]
    true_peak_dbtp_per_channel: Optional[List[float]]
    true_peak_mode: Optional[str]
    sample_peak_dbfs: float
    max_momentary_lufs: float
    max_short_term_lufs: float
    momentary_lufs: npt.NDArray[np.float64]
    short_term_lufs: npt.NDArray[np.float64]
    times_s: npt.NDArray[np.float64]
    duration_s: float
    non_finite_samples: int
    def to_dict(self) -> Dict[str, Any]: ...

def measure(audio: Audio, sample_rate: float, layout: Layout = ..., *, hop_s: float = ..., true_peak: Optional[str] = ...) -> Measurement: ...

def analyze(audio: Audio, sample_rate: float, *, true_peak: str = ...) -> Dict[str, Any]: ...

def profile(audio: Audio, sample_rate: float) -> Dict[str, Any]: ...

def master_to_reference(audio: Audio, sample_rate: float, references: Sequence[Any], *, eq: float = ..., loudness: float = ..., width: float = ..., target_lufs: Optional[float] = ..., ceiling_dbtp: Optional[float] = ...) -> Tuple[npt.NDArray[Any], Dict[str, Any]]: ...

class LoudnessMeter:
    def __init__(self, sample_rate: float, channels: int = ..., layout: Layout = ..., true_peak: Optional[str] = ...) -> None: ...
    def add(self, block: Audio) -> None: ...
    def reset(self) -> None: ...
    sample_rate: float
    channels: int
    integrated_lufs: float
    momentary_lufs: float
    short_term_lufs: float
    max_momentary_lufs: float
    max_short_term_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: Optional[float]
    true_peak_dbtp_per_channel: Optional[List[float]]
    sample_peak_dbfs: float
    duration_s: float
    non_finite_samples: int
    true_peak_mode: Optional[str]

class NormalizeReport:
    before: Dict[str, Any]
    after: Dict[str, Any]
    gain_db: float
    limited: bool
    reached: bool
    ceiling_kept: bool
    target_lufs: float
    ceiling_dbtp: float
    def to_dict(self) -> Dict[str, Any]: ...

class AlbumReport(NormalizeReport):
    album_before: Dict[str, float]
    album_after: Dict[str, float]
    tracks: List[Dict[str, Any]]

def normalize(audio: Audio, sample_rate: float, preset: Optional[str] = ..., *, target_lufs: Optional[float] = ..., ceiling_dbtp: Optional[float] = ..., layout: Layout = ...) -> Tuple[Audio, NormalizeReport]: ...
def normalize_album(tracks: Sequence[Audio], sample_rate: float, preset: Optional[str] = ..., *, target_lufs: Optional[float] = ..., ceiling_dbtp: Optional[float] = ..., layout: Layout = ...) -> Tuple[List[Audio], AlbumReport]: ...

def read(path: Union[str, os.PathLike[str]], dtype: Literal["float32", "float64"] = ...) -> Tuple[npt.NDArray[Any], int]: ...
def write(path: Union[str, os.PathLike[str]], audio: Audio, sample_rate: float, subtype: Literal["PCM_16", "PCM_24", "FLOAT"] = ...) -> Dict[str, Any]: ...

class Session:
    @classmethod
    def load(cls, path: Union[str, os.PathLike[str]]) -> Session: ...
    @classmethod
    def from_toml(cls, text: str, folder: Optional[str] = ...) -> Session: ...
    @classmethod
    def from_dict(cls, d: Dict[str, Any], folder: Optional[str] = ...) -> Session: ...
    def to_toml(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    @property
    def track_names(self) -> List[str]: ...
    @property
    def sample_rate(self) -> Optional[int]: ...
    def render(self, tracks: Union[None, Dict[str, Audio], Sequence[Audio]] = ..., sample_rate: Optional[float] = ..., *, pad: bool = ..., max_tail_s: float = ...) -> Audio: ...

class Mixer:
    sample_rate: int
    def __init__(self, sample_rate: float = ...) -> None: ...
    def add_track(self, name: str, audio: Audio, *, gain_db: float = ..., pan: float = ..., pan_law: Optional[str] = ..., mute: bool = ..., solo: bool = ..., output: Optional[str] = ..., inserts: Sequence[Processor] = ...) -> None: ...
    def add_bus(self, name: str, *, gain_db: float = ..., pan: float = ..., mute: bool = ..., output: Optional[str] = ..., inserts: Sequence[Processor] = ...) -> None: ...
    def add_send(self, track: str, bus: str, level_db: float = ..., *, pre_fader: bool = ...) -> None: ...
    def add_insert(self, name: str, processor: Processor) -> None: ...
    def set_master(self, *, gain_db: Optional[float] = ..., inserts: Optional[Sequence[Processor]] = ...) -> None: ...
    def automate(self, name: str, param: str, points: Sequence[Sequence[Any]]) -> None: ...
    @property
    def session(self) -> Session: ...
    def to_toml(self) -> str: ...
    def render(self, *, pad: bool = ..., max_tail_s: float = ...) -> Audio: ...
'''


def stubs() -> str:
    """The stub file's text."""
    out = [HEADER]
    for desc in _native.kinds():
        out.append("\n".join(_class(desc, None)) + "\n")
        for v in desc["variants"]:
            out.append("\n".join(_class(desc, v)) + "\n")
    return "\n".join(out)


if __name__ == "__main__":
    print(stubs(), end="")
