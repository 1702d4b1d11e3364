//! [`ConvolutionReverb`]: a room (or any linear space) from a measured impulse response.
//!
//! The response comes as audio data, not a parameter: [`ConvolutionReverb::with_impulse_response`]
//! or [`Processor::load_audio`] with planar samples at the processing rate (session files name a
//! file, `ir = "hall.wav"`, which `mixmaster-io` reads and resamples; bindings pass arrays).
//! Mono, stereo and true-stereo (four channels: L→L, L→R, R→L, R→R) responses; mono audio uses
//! the response's first channel. Pre-delay, wet level and wet/dry mix; no added latency, by
//! the [`PartitionedConvolver`] under it.
//!
//! `std` only (its FFT).

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::partitioned::{PartitionedConvolver, Route};
use crate::db;
use crate::denormal::FlushGuard;
use crate::error::{Error, Range, Result};
use crate::math;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::smooth::{DEFAULT_GAIN_RAMP_S, Smoothed};
use crate::validate;

/// Longest response taken, seconds at the processing rate (a cathedral is 10 s).
pub const MAX_IR_SECONDS: f64 = 30.0;
const MAX_PREDELAY_MS: f64 = 500.0;

crate::params! { ConvolutionReverb {
    mix: [0.0, 1.0] = 0.3, "", "Wet/dry mix (1 on an aux bus).",
        set = ConvolutionReverb::set_mix, get = |r| r.mix;
    gain_db: [-60.0, 24.0] = 0.0, "dB", "Level of the wet signal.",
        set = ConvolutionReverb::set_gain_db, get = |r| r.gain_db;
} }

const OPTIONS: &[OptionInfo] = &[
    OptionInfo::audio(
        "ir",
        4,
        "Impulse response: 1 channel, 2 (left, right) or 4 (true stereo: L→L, L→R, R→L, R→R). A file in session files (relative to the session, resampled to its rate); an array in the bindings.",
    ),
    OptionInfo::number(
        "predelay_ms",
        0.0,
        MAX_PREDELAY_MS,
        0.0,
        "ms",
        "Delay before the response starts (fixed at construction).",
    ),
];

/// A convolution reverb.
///
/// Construction: [`ConvolutionReverb::new`] (no response yet: the wet signal is silence until
/// one is loaded), [`ConvolutionReverb::with_impulse_response`].
/// Setters: [`ConvolutionReverb::set_mix`], [`ConvolutionReverb::set_gain_db`] validate and
/// return a `Result` naming the parameter and its range.
/// By name: the [registry](crate::registry) as kind `"convolution_reverb"`.
pub struct ConvolutionReverb {
    mix: f64,
    gain_db: f64,
    predelay_ms: f64,
    ir_label: String,
    ir: Vec<Vec<f32>>,
    ir_rate: f64,
    conv: Option<PartitionedConvolver>,
    /// Rendering ahead ([`Processor::set_non_realtime`]): large FFT blocks, with latency.
    non_realtime: bool,
    /// The dry signal delayed by the convolver's latency (offline), and the write position.
    dry: Vec<Vec<f32>>,
    dry_pos: usize,
    /// Pre-delay: one ring per channel, and the write position.
    pre: Vec<Vec<f32>>,
    pre_frames: usize,
    pre_pos: usize,
    /// Per channel: the (pre-delayed, finite) input of the convolver, and its output.
    input: Vec<Vec<f32>>,
    wet: Vec<Vec<f32>>,
    mix_s: Smoothed,
    gain_s: Smoothed,
    spec: Option<ProcessSpec>,
}

impl core::fmt::Debug for ConvolutionReverb {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ConvolutionReverb")
            .field("ir", &self.ir_label)
            .field("ir_channels", &self.ir.len())
            .field("ir_frames", &self.ir.first().map_or(0, Vec::len))
            .field("mix", &self.mix)
            .field("gain_db", &self.gain_db)
            .field("predelay_ms", &self.predelay_ms)
            .finish()
    }
}

impl Default for ConvolutionReverb {
    fn default() -> Self {
        ConvolutionReverb::new()
    }
}

impl ConvolutionReverb {
    /// No response, mix 0.3, gain 0 dB, no pre-delay.
    pub fn new() -> Self {
        ConvolutionReverb {
            mix: 0.3,
            gain_db: 0.0,
            predelay_ms: 0.0,
            ir_label: String::new(),
            ir: Vec::new(),
            ir_rate: 0.0,
            conv: None,
            non_realtime: false,
            dry: Vec::new(),
            dry_pos: 0,
            pre: Vec::new(),
            pre_frames: 0,
            pre_pos: 0,
            input: Vec::new(),
            wet: Vec::new(),
            mix_s: Smoothed::new(0.3),
            gain_s: Smoothed::new(1.0),
            spec: None,
        }
    }

    /// With the response `ir` (planar) recorded at `sample_rate`.
    pub fn with_impulse_response(ir: &[&[f32]], sample_rate: f64) -> Result<Self> {
        let mut r = ConvolutionReverb::new();
        r.load_audio("ir", ir, sample_rate, "array")?;
        Ok(r)
    }

    /// With `predelay_ms` of pre-delay, [0, 500].
    pub fn with_predelay_ms(mut self, ms: f64) -> Result<Self> {
        self.predelay_ms =
            validate::in_range("predelay_ms", ms, Range::closed(0.0, MAX_PREDELAY_MS))?;
        if let Some(spec) = self.spec {
            self.prepare(spec)?;
        }
        Ok(self)
    }

    /// Wet/dry mix, [0, 1].
    pub fn set_mix(&mut self, v: f64) -> Result<()> {
        self.mix = validate::in_range("mix", v, Range::closed(0.0, 1.0))?;
        self.mix_s.set_target(self.mix);
        Ok(())
    }

    /// Wet level in dB, [−60, 24].
    pub fn set_gain_db(&mut self, v: f64) -> Result<()> {
        self.gain_db = validate::in_range("gain_db", v, Range::closed(-60.0, 24.0))?;
        self.gain_s.set_target(db::db_to_gain(self.gain_db));
        Ok(())
    }

    /// Channels and frames of the loaded response (0, 0 when none).
    pub fn impulse_response_shape(&self) -> (usize, usize) {
        (self.ir.len(), self.ir.first().map_or(0, Vec::len))
    }

    /// The routes for `channels` of audio through a response of `ir` channels.
    fn routes(channels: usize, ir: usize) -> Vec<Route> {
        let r = |input, ir, output| Route { input, ir, output };
        match (channels, ir) {
            (1, _) => vec![r(0, 0, 0)],
            (_, 1) => vec![r(0, 0, 0), r(1, 0, 1)],
            (_, 2) => vec![r(0, 0, 0), r(1, 1, 1)],
            _ => vec![r(0, 0, 0), r(0, 1, 1), r(1, 2, 0), r(1, 3, 1)],
        }
    }
}

impl Processor for ConvolutionReverb {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate_channels("convolution reverb", |c| c <= 2, "1 or 2")?;
        if !self.ir.is_empty() && (self.ir_rate - spec.sample_rate).abs() > 1e-9 {
            return Err(Error::Audio {
                name: "ir",
                problem: alloc::format!(
                    "the impulse response is at {} Hz but the audio at {} Hz: resample it (session files and the command do)",
                    self.ir_rate,
                    spec.sample_rate
                ),
            });
        }
        self.spec = Some(spec);
        let refs: Vec<&[f32]> = self.ir.iter().map(|c| c.as_slice()).collect();
        let routes = Self::routes(spec.channels, refs.len());
        self.conv = (!refs.is_empty()).then(|| {
            if self.non_realtime {
                // Blocks near half the response (as an overlap-add convolution of the whole
                // programme would choose), 4,096 to 65,536 frames.
                let block = (refs[0].len() / 2).next_power_of_two().clamp(4_096, 65_536);
                PartitionedConvolver::with_latency(
                    &refs,
                    spec.channels,
                    spec.channels,
                    &routes,
                    block,
                )
            } else {
                PartitionedConvolver::new(&refs, spec.channels, spec.channels, &routes)
            }
        });
        let latency = self.conv.as_ref().map_or(0, PartitionedConvolver::latency);
        self.dry = vec![vec![0.0; latency.max(1)]; if latency > 0 { spec.channels } else { 0 }];
        self.pre_frames = math::round(self.predelay_ms * 0.001 * spec.sample_rate) as usize;
        self.pre = vec![vec![0.0; self.pre_frames + 1]; spec.channels];
        self.input = vec![vec![0.0; spec.max_block_frames]; spec.channels];
        self.wet = vec![vec![0.0; spec.max_block_frames]; spec.channels];
        self.mix_s.set_ramp(DEFAULT_GAIN_RAMP_S, spec.sample_rate);
        self.gain_s.set_ramp(DEFAULT_GAIN_RAMP_S, spec.sample_rate);
        self.reset();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let _ftz = FlushGuard::new();
        let frames = block.iter().map(|c| c.len()).min().unwrap_or(0);
        let Some(spec) = self.spec else { return };
        let ch = block.len().min(spec.channels);
        let mut pos = 0;
        while pos < frames {
            let n = (frames - pos).min(spec.max_block_frames);
            // The convolver's input: pre-delayed, non-finite samples as silence (one NaN would
            // otherwise stay in the response's memory for its whole length).
            let len = self.pre_frames + 1;
            for ((ring, input), src) in self.pre.iter_mut().zip(&mut self.input).zip(block.iter()) {
                let mut w = self.pre_pos;
                for (d, &x) in input[..n].iter_mut().zip(&src[pos..pos + n]) {
                    ring[w] = if x.is_finite() { x } else { 0.0 };
                    let r = if w >= self.pre_frames {
                        w - self.pre_frames
                    } else {
                        w + len - self.pre_frames
                    };
                    *d = ring[r];
                    w = if w + 1 == len { 0 } else { w + 1 };
                }
            }
            self.pre_pos = (self.pre_pos + n) % len;
            match &mut self.conv {
                Some(conv) => {
                    // Slices on the stack: no allocation.
                    let mut inputs: [&[f32]; 2] = [&[], &[]];
                    for (i, s) in inputs.iter_mut().zip(&self.input).take(ch) {
                        *i = &s[..n];
                    }
                    let first = 1.min(self.wet.len());
                    let (w0, w1) = self.wet.split_at_mut(first);
                    let mut outs: [&mut [f32]; 2] = [&mut [], &mut []];
                    if let Some(w) = w0.first_mut() {
                        outs[0] = &mut w[..n];
                    }
                    if let Some(w) = w1.first_mut() {
                        outs[1] = &mut w[..n];
                    }
                    conv.process(&inputs[..ch], &mut outs[..ch]);
                }
                None => self.wet.iter_mut().for_each(|w| w[..n].fill(0.0)),
            }
            // Offline, the dry signal waits for the wet one.
            if !self.dry.is_empty() {
                let len = self.dry[0].len();
                for (ring, out) in self.dry.iter_mut().zip(block.iter_mut()) {
                    let mut p = self.dry_pos;
                    for y in out[pos..pos + n].iter_mut() {
                        core::mem::swap(&mut ring[p], y);
                        p = if p + 1 == len { 0 } else { p + 1 };
                    }
                }
                self.dry_pos = (self.dry_pos + n) % len;
            }
            for i in 0..n {
                let mix = self.mix_s.tick() as f32;
                let gain = self.gain_s.tick() as f32;
                for (out, wet) in block.iter_mut().zip(&self.wet).take(ch) {
                    let y = &mut out[pos + i];
                    *y = *y * (1.0 - mix) + wet[i] * gain * mix;
                }
            }
            pos += n;
        }
    }

    fn reset(&mut self) {
        if let Some(c) = &mut self.conv {
            c.reset();
        }
        self.pre.iter_mut().for_each(|r| r.fill(0.0));
        self.pre_pos = 0;
        self.dry.iter_mut().for_each(|r| r.fill(0.0));
        self.dry_pos = 0;
        self.mix_s.set_immediate(self.mix);
        self.gain_s.set_immediate(db::db_to_gain(self.gain_db));
    }

    fn latency_frames(&self) -> usize {
        self.conv.as_ref().map_or(0, PartitionedConvolver::latency)
    }

    fn set_non_realtime(&mut self, non_realtime: bool) {
        self.non_realtime = non_realtime;
    }

    fn tail_frames(&self) -> usize {
        self.pre_frames + self.conv.as_ref().map_or(0, PartitionedConvolver::len)
    }

    fn audio_data(&self, name: &str) -> Option<(Vec<&[f32]>, f64, &str)> {
        (name == "ir" && !self.ir.is_empty()).then(|| {
            (
                self.ir.iter().map(|c| c.as_slice()).collect(),
                self.ir_rate,
                self.ir_label.as_str(),
            )
        })
    }

    fn load_audio(
        &mut self,
        name: &str,
        channels: &[&[f32]],
        sample_rate: f64,
        label: &str,
    ) -> Result<()> {
        if name != "ir" {
            return Err(Error::UnknownSetting {
                processor: "convolution_reverb",
                name: name.into(),
                valid: "ir".into(),
            });
        }
        let bad = |problem: String| {
            Err(Error::Audio {
                name: "ir",
                problem,
            })
        };
        validate::sample_rate(sample_rate)?;
        if !matches!(channels.len(), 1 | 2 | 4) {
            return bad(alloc::format!(
                "{} channels: an impulse response has 1, 2 or 4 (true stereo)",
                channels.len()
            ));
        }
        let frames = channels[0].len();
        if channels.iter().any(|c| c.len() != frames) {
            return bad("its channels differ in length".to_string());
        }
        if frames == 0 {
            return bad("it is empty".to_string());
        }
        if frames as f64 > MAX_IR_SECONDS * sample_rate {
            return bad(alloc::format!(
                "{:.1} s long: at most {MAX_IR_SECONDS} s",
                frames as f64 / sample_rate
            ));
        }
        if let Some(c) = channels
            .iter()
            .position(|c| c.iter().any(|v| !v.is_finite()))
        {
            return bad(alloc::format!("channel {c} has NaN or infinite samples"));
        }
        self.ir = channels.iter().map(|c| c.to_vec()).collect();
        self.ir_rate = sample_rate;
        self.ir_label = label.to_string();
        if let Some(spec) = self.spec {
            self.prepare(spec)?;
        }
        Ok(())
    }
}

impl Describe for ConvolutionReverb {
    const DESCRIPTION: &'static Description = &Description {
        kind: "convolution_reverb",
        aliases: &["convolution"],
        class_name: "ConvolutionReverb",
        summary: "Convolution reverb: a measured impulse response (mono, stereo or true stereo), zero latency.",
        channels: "1 or 2",
        params: ConvolutionReverb::PARAMS,
        options: OPTIONS,
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let mut r = ConvolutionReverb::new().with_predelay_ms(o.number("predelay_ms")?)?;
        r.ir_label = o.audio_name("ir")?;
        Ok(r)
    }

    fn options(&self) -> Settings {
        Settings::new()
            .with("ir", self.ir_label.as_str())
            .with("predelay_ms", self.predelay_ms)
    }
}
