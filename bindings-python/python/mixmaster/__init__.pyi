"""Type stubs for mixmaster, generated from the processor registry by
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

class Gain(Processor):
    """A level change in dB, smoothed per sample, with mute."""
    gain_db: float
    mute: bool
    def __init__(self, *, gain_db: float = ..., mute: bool = ...) -> None: ...

class Pan(Processor):
    """Two-channel panner: a mono source into stereo, or stereo balance, with a choice of pan law."""
    law: Literal['constant_power', 'linear', 'compromise', 'square_root']
    mode: Literal['mono_to_stereo', 'balance']
    pan: float
    def __init__(self, *, law: Literal['constant_power', 'linear', 'compromise', 'square_root'] = ..., mode: Literal['mono_to_stereo', 'balance'] = ..., pan: float = ...) -> None: ...

class Filter(Processor):
    """One biquad filter or a cascade: cookbook types, Butterworth and Linkwitz-Riley up to 8th order."""
    kind: Literal['low_pass', 'high_pass', 'band_pass', 'notch', 'all_pass', 'peaking', 'low_shelf', 'high_shelf', 'low_pass_1', 'high_pass_1', 'butterworth_low_pass', 'butterworth_high_pass', 'linkwitz_riley_low_pass', 'linkwitz_riley_high_pass']
    order: int
    frequency_hz: float
    q: float
    gain_db: float
    def __init__(self, *, kind: Literal['low_pass', 'high_pass', 'band_pass', 'notch', 'all_pass', 'peaking', 'low_shelf', 'high_shelf', 'low_pass_1', 'high_pass_1', 'butterworth_low_pass', 'butterworth_high_pass', 'linkwitz_riley_low_pass', 'linkwitz_riley_high_pass'] = ..., order: int = ..., frequency_hz: float = ..., q: float = ..., gain_db: float = ...) -> None: ...

class LowPass(Processor):
    """Low-pass filter (order 1 to 8; Q for order 2)."""
    order: int
    frequency_hz: float
    q: float
    gain_db: float
    def __init__(self, *, order: int = ..., frequency_hz: float = ..., q: float = ..., gain_db: float = ...) -> None: ...

class HighPass(Processor):
    """High-pass filter (order 1 to 8; Q for order 2)."""
    order: int
    frequency_hz: float
    q: float
    gain_db: float
    def __init__(self, *, order: int = ..., frequency_hz: float = ..., q: float = ..., gain_db: float = ...) -> None: ...

class BandPass(Processor):
    """Band-pass filter with 0 dB peak gain."""
    order: int
    frequency_hz: float
    q: float
    gain_db: float
    def __init__(self, *, order: int = ..., frequency_hz: float = ..., q: float = ..., gain_db: float = ...) -> None: ...

class Notch(Processor):
    """Notch (band-stop) filter."""
    order: int
    frequency_hz: float
    q: float
    gain_db: float
    def __init__(self, *, order: int = ..., frequency_hz: float = ..., q: float = ..., gain_db: float = ...) -> None: ...

class AllPass(Processor):
    """All-pass filter: phase only."""
    order: int
    frequency_hz: float
    q: float
    gain_db: float
    def __init__(self, *, order: int = ..., frequency_hz: float = ..., q: float = ..., gain_db: float = ...) -> None: ...

class PeakFilter(Processor):
    """Peaking (bell) EQ band."""
    order: int
    frequency_hz: float
    q: float
    gain_db: float
    def __init__(self, *, order: int = ..., frequency_hz: float = ..., q: float = ..., gain_db: float = ...) -> None: ...

class LowShelf(Processor):
    """Low-shelf EQ band."""
    order: int
    frequency_hz: float
    q: float
    gain_db: float
    def __init__(self, *, order: int = ..., frequency_hz: float = ..., q: float = ..., gain_db: float = ...) -> None: ...

class HighShelf(Processor):
    """High-shelf EQ band."""
    order: int
    frequency_hz: float
    q: float
    gain_db: float
    def __init__(self, *, order: int = ..., frequency_hz: float = ..., q: float = ..., gain_db: float = ...) -> None: ...

class Equalizer(Processor):
    """Several filter bands in series (minimum phase), with a combined response for plots."""
    bands: List[Dict[str, Any]]
    def __init__(self, *, bands: Sequence[Mapping[str, Any]] = ...) -> None: ...

class Compressor(Processor):
    """Feed-forward compressor: soft knee, peak or RMS detection, stereo link, sidechain high-pass, makeup and mix."""
    detector: Literal['peak', 'rms']
    linked: bool
    threshold_db: float
    ratio: float
    knee_db: float
    attack_ms: float
    release_ms: float
    makeup_db: float
    mix: float
    sidechain_hpf_hz: float
    rms_window_ms: float
    def __init__(self, *, detector: Literal['peak', 'rms'] = ..., linked: bool = ..., threshold_db: float = ..., ratio: float = ..., knee_db: float = ..., attack_ms: float = ..., release_ms: float = ..., makeup_db: float = ..., mix: float = ..., sidechain_hpf_hz: float = ..., rms_window_ms: float = ...) -> None: ...

class Delay(Processor):
    """Fractional delay with damped feedback and optional ping-pong."""
    max_ms: float
    ping_pong: bool
    time_ms: float
    feedback: float
    damping_hz: float
    mix: float
    def __init__(self, *, max_ms: float = ..., ping_pong: bool = ..., time_ms: float = ..., feedback: float = ..., damping_hz: float = ..., mix: float = ...) -> None: ...

class Reverb(Processor):
    """Algorithmic reverb: an 8-line feedback delay network with RT60 and damping."""
    decay_s: float
    predelay_ms: float
    damping: float
    size: float
    width: float
    mix: float
    def __init__(self, *, decay_s: float = ..., predelay_ms: float = ..., damping: float = ..., size: float = ..., width: float = ..., mix: float = ...) -> None: ...

class ConvolutionReverb(Processor):
    """Convolution reverb: a measured impulse response (mono, stereo or true stereo), zero latency."""
    ir: str
    predelay_ms: float
    mix: float
    gain_db: float
    def __init__(self, *, ir: Union[str, os.PathLike[str], Tuple[npt.NDArray[Any], float], None] = ..., predelay_ms: float = ..., mix: float = ..., gain_db: float = ...) -> None: ...

class Gate(Processor):
    """Noise gate / downward expander: range, ratio, hysteresis, hold, lookahead, sidechain band-pass, stereo link."""
    linked: bool
    lookahead_ms: float
    threshold_db: float
    range_db: float
    ratio: float
    attack_ms: float
    hold_ms: float
    release_ms: float
    hysteresis_db: float
    sidechain_hpf_hz: float
    sidechain_lpf_hz: float
    def __init__(self, *, linked: bool = ..., lookahead_ms: float = ..., threshold_db: float = ..., range_db: float = ..., ratio: float = ..., attack_ms: float = ..., hold_ms: float = ..., release_ms: float = ..., hysteresis_db: float = ..., sidechain_hpf_hz: float = ..., sidechain_lpf_hz: float = ...) -> None: ...

class DeEsser(Processor):
    """De-esser: high-pass or band-pass detector, threshold and amount, split-band or wideband reduction, listen."""
    detector: Literal['high_pass', 'band_pass']
    mode: Literal['split', 'wideband']
    linked: bool
    frequency_hz: float
    q: float
    threshold_db: float
    amount_db: float
    attack_ms: float
    release_ms: float
    listen: bool
    def __init__(self, *, detector: Literal['high_pass', 'band_pass'] = ..., mode: Literal['split', 'wideband'] = ..., linked: bool = ..., frequency_hz: float = ..., q: float = ..., threshold_db: float = ..., amount_db: float = ..., attack_ms: float = ..., release_ms: float = ..., listen: bool = ...) -> None: ...

class DynamicEQ(Processor):
    """Equalizer whose peaking and shelving bands move their gain with the level in their band (threshold, ratio, attack, release, range, sidechain)."""
    bands: List[Dict[str, Any]]
    def __init__(self, *, bands: Sequence[Mapping[str, Any]] = ...) -> None: ...

class LinearPhaseEQ(Processor):
    """The biquad EQ's magnitude as a linear-phase FIR (partitioned FFT convolution); latency (taps-1)/2 + partition."""
    bands: List[Dict[str, Any]]
    taps: int
    partition: int
    def __init__(self, *, bands: Sequence[Mapping[str, Any]] = ..., taps: int = ..., partition: int = ...) -> None: ...

class MatchEQ(Processor):
    """Mid/side linear-phase EQ drawing a free curve (mastering to a reference); latency as the linear-phase EQ."""
    curve: List[Dict[str, Any]]
    taps: int
    strength: float
    def __init__(self, *, curve: Sequence[Mapping[str, Any]] = ..., taps: int = ..., strength: float = ...) -> None: ...

class MultibandCompressor(Processor):
    """2 to 5 bands split by Linkwitz-Riley (or linear-phase) crossovers, a compressor per band, solo and bypass per band, linked or unlinked."""
    bands: int
    crossover: Literal['linkwitz_riley', 'linear_phase']
    linked: bool
    crossover1_hz: float
    crossover2_hz: float
    crossover3_hz: float
    crossover4_hz: float
    band1_threshold_db: float
    band1_ratio: float
    band1_knee_db: float
    band1_attack_ms: float
    band1_release_ms: float
    band1_makeup_db: float
    band1_solo: bool
    band1_bypass: bool
    band2_threshold_db: float
    band2_ratio: float
    band2_knee_db: float
    band2_attack_ms: float
    band2_release_ms: float
    band2_makeup_db: float
    band2_solo: bool
    band2_bypass: bool
    band3_threshold_db: float
    band3_ratio: float
    band3_knee_db: float
    band3_attack_ms: float
    band3_release_ms: float
    band3_makeup_db: float
    band3_solo: bool
    band3_bypass: bool
    band4_threshold_db: float
    band4_ratio: float
    band4_knee_db: float
    band4_attack_ms: float
    band4_release_ms: float
    band4_makeup_db: float
    band4_solo: bool
    band4_bypass: bool
    band5_threshold_db: float
    band5_ratio: float
    band5_knee_db: float
    band5_attack_ms: float
    band5_release_ms: float
    band5_makeup_db: float
    band5_solo: bool
    band5_bypass: bool
    def __init__(self, *, bands: int = ..., crossover: Literal['linkwitz_riley', 'linear_phase'] = ..., linked: bool = ..., crossover1_hz: float = ..., crossover2_hz: float = ..., crossover3_hz: float = ..., crossover4_hz: float = ..., band1_threshold_db: float = ..., band1_ratio: float = ..., band1_knee_db: float = ..., band1_attack_ms: float = ..., band1_release_ms: float = ..., band1_makeup_db: float = ..., band1_solo: bool = ..., band1_bypass: bool = ..., band2_threshold_db: float = ..., band2_ratio: float = ..., band2_knee_db: float = ..., band2_attack_ms: float = ..., band2_release_ms: float = ..., band2_makeup_db: float = ..., band2_solo: bool = ..., band2_bypass: bool = ..., band3_threshold_db: float = ..., band3_ratio: float = ..., band3_knee_db: float = ..., band3_attack_ms: float = ..., band3_release_ms: float = ..., band3_makeup_db: float = ..., band3_solo: bool = ..., band3_bypass: bool = ..., band4_threshold_db: float = ..., band4_ratio: float = ..., band4_knee_db: float = ..., band4_attack_ms: float = ..., band4_release_ms: float = ..., band4_makeup_db: float = ..., band4_solo: bool = ..., band4_bypass: bool = ..., band5_threshold_db: float = ..., band5_ratio: float = ..., band5_knee_db: float = ..., band5_attack_ms: float = ..., band5_release_ms: float = ..., band5_makeup_db: float = ..., band5_solo: bool = ..., band5_bypass: bool = ...) -> None: ...

class Limiter(Processor):
    """True-peak lookahead limiter: holds the ceiling on the 16x reconstructed waveform and on BS.1770 meters, smooth gain, latency = lookahead + 16 frames (+ 23 from 96 to 192 kHz)."""
    lookahead_ms: float
    ceiling_dbtp: float
    release_ms: float
    auto_release: bool
    def __init__(self, *, lookahead_ms: float = ..., ceiling_dbtp: float = ..., release_ms: float = ..., auto_release: bool = ...) -> None: ...

class Saturation(Processor):
    """Oversampled tanh soft clipper, symmetric (odd harmonics) or asymmetric (even too), DC-blocked."""
    curve: Literal['symmetric', 'asymmetric']
    oversample: int
    drive_db: float
    output_db: float
    mix: float
    def __init__(self, *, curve: Literal['symmetric', 'asymmetric'] = ..., oversample: int = ..., drive_db: float = ..., output_db: float = ..., mix: float = ...) -> None: ...

class StereoWidth(Processor):
    """Mid/side stereo width with an optional mono bass below a crossover."""
    width: float
    bass_mono_hz: float
    def __init__(self, *, width: float = ..., bass_mono_hz: float = ...) -> None: ...

class Dither(Processor):
    """TPDF dither and quantization to a word length (optionally noise-shaped); outputs the codes as floats."""
    bits: int
    shaping: Literal['none', 'first_order', 'second_order']
    seed: int
    def __init__(self, *, bits: int = ..., shaping: Literal['none', 'first_order', 'second_order'] = ..., seed: int = ...) -> None: ...
