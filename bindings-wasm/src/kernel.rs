//! The real-time kernel behind the package's AudioWorklet: a chain and a live loudness meter
//! working on planar buffers that live in wasm memory. The worklet views them as
//! `Float32Array`s (through [`Kernel::channel_pointer`] and the module's memory), copies the
//! render quantum in, calls [`Kernel::process`] with the frame count, and copies the result
//! out. Everything is allocated in [`Kernel::new`]: processing allocates nothing, copies
//! nothing on the wasm side, and leaves wasm memory unchanged. Quanta of any size work (up to
//! the capacity per call; the worklet splits longer ones).

use mixmaster::master::{ChannelLayout, LoudnessMeter};
use mixmaster::processor::MAX_CHANNELS;
use mixmaster::{Chain, ProcessSpec, Processor};
use wasm_bindgen::prelude::*;

use crate::convert::{sample_rate, whole};
use crate::error::{Result, core, core_in, err};
use crate::processor::{RawChain, set_setting};

/// The largest capacity (frames per call) a kernel takes.
pub const MAX_CAPACITY: usize = 16384;

/// A prepared chain and meter with their audio buffers in wasm memory.
#[wasm_bindgen]
pub struct Kernel {
    chain: Chain,
    meter: Option<LoudnessMeter>,
    buf: Vec<f32>,
    channels: usize,
    capacity: usize,
    sample_rate: f64,
}

impl Kernel {
    fn stage(&self, stage: f64) -> Result<usize> {
        let n = self.chain.len();
        if !stage.is_finite() || stage.fract() != 0.0 || stage < 0.0 || stage >= n as f64 {
            return Err(err(format!(
                "no stage {stage}: the chain has {n} (indices 0 to {})",
                n as f64 - 1.0
            )));
        }
        Ok(stage as usize)
    }
}

#[wasm_bindgen]
impl Kernel {
    /// A kernel running `stages` (an array of `{ kind, options }`) on `channels` at
    /// `sample_rate`, taking up to `capacity` frames per call, with a live loudness meter on
    /// its output if `meter`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        stages: JsValue,
        sample_rate_hz: f64,
        channels: f64,
        capacity: f64,
        meter: bool,
    ) -> Result<Kernel> {
        let sr = sample_rate(sample_rate_hz)?;
        let channels = whole(channels, "channels", 1, MAX_CHANNELS)?;
        let capacity = whole(capacity, "capacity", 1, MAX_CAPACITY)?;
        let mut chain = RawChain::from_js(&stages)?;
        chain
            .prepare(ProcessSpec::new(sr, capacity, channels))
            .map_err(core)?;
        let meter = if meter {
            Some(
                LoudnessMeter::new(sr, ChannelLayout::for_channels(channels))
                    .map_err(|e| core_in("the loudness meter", e))?,
            )
        } else {
            None
        };
        Ok(Kernel {
            chain,
            meter,
            buf: vec![0.0; channels * capacity],
            channels,
            capacity,
            sample_rate: sr,
        })
    }

    /// The byte address in wasm memory of channel `c`'s buffer (`capacity` floats).
    #[wasm_bindgen(js_name = channelPointer)]
    pub fn channel_pointer(&self, c: usize) -> Result<usize> {
        if c >= self.channels {
            return Err(err(format!(
                "no channel {c}: the kernel has {}",
                self.channels
            )));
        }
        Ok(self.buf[c * self.capacity..].as_ptr() as usize)
    }

    /// Frames per call at most.
    #[wasm_bindgen(getter)]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Channels.
    #[wasm_bindgen(getter)]
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Sample rate.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// Frames by which the output lags the input.
    #[wasm_bindgen(getter, js_name = latencyFrames)]
    pub fn latency_frames(&self) -> usize {
        self.chain.latency_frames()
    }

    /// Number of stages.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.chain.len()
    }

    /// Processes the first `frames` frames (at most the capacity; more are ignored) of the
    /// buffers in place, then meters them. No allocation, no copy.
    pub fn process(&mut self, frames: usize) {
        let n = frames.min(self.capacity);
        if n == 0 {
            return;
        }
        let c = self.channels;
        {
            let mut parts: [&mut [f32]; MAX_CHANNELS] = Default::default();
            for (p, s) in parts
                .iter_mut()
                .zip(self.buf.chunks_exact_mut(self.capacity))
            {
                *p = &mut s[..n];
            }
            self.chain.process(&mut parts[..c]);
        }
        if let Some(m) = self.meter.as_mut() {
            let mut parts: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
            for (p, s) in parts.iter_mut().zip(self.buf.chunks_exact(self.capacity)) {
                *p = &s[..n];
            }
            m.add_planar(&parts[..c]);
        }
    }

    /// Sets parameter `index` (in the kind's `params` order) of stage `stage`, smoothly. No
    /// allocation unless the value is refused.
    #[wasm_bindgen(js_name = setParam)]
    pub fn set_param(&mut self, stage: f64, index: usize, value: f64) -> Result<()> {
        let s = self.stage(stage)?;
        let p = &mut self.chain.stages_mut()[s];
        if index >= p.params().len() {
            return Err(err(format!(
                "stage {s} ({}) has no parameter {index}",
                p.name()
            )));
        }
        let class = p.description().map_or("stage", |d| d.class_name);
        p.set_param(index, value).map_err(|e| core_in(class, e))
    }

    /// Sets any setting of stage `stage` by name: parameters smoothly, other settings by
    /// rebuilding the stage (this allocates and resets that stage: not for every quantum).
    pub fn set(&mut self, stage: f64, name: &str, value: JsValue) -> Result<()> {
        let s = self.stage(stage)?;
        let spec = self.chain.spec();
        set_setting(&mut self.chain.stages_mut()[s], spec, name, &value)
    }

    /// Clears the chain's state.
    pub fn reset(&mut self) {
        self.chain.reset();
    }

    /// Forgets everything the meter measured.
    #[wasm_bindgen(js_name = resetMeter)]
    pub fn reset_meter(&mut self) {
        if let Some(m) = self.meter.as_mut() {
            m.reset();
        }
    }

    /// Whether the kernel meters its output.
    #[wasm_bindgen(getter, js_name = hasMeter)]
    pub fn has_meter(&self) -> bool {
        self.meter.is_some()
    }

    /// Momentary loudness of the output (last 400 ms), LUFS (`-Infinity` without a meter).
    #[wasm_bindgen(getter, js_name = momentaryLufs)]
    pub fn momentary_lufs(&self) -> f64 {
        self.meter
            .as_ref()
            .map_or(f64::NEG_INFINITY, |m| m.momentary_lufs())
    }

    /// Short-term loudness (last 3 s), LUFS.
    #[wasm_bindgen(getter, js_name = shortTermLufs)]
    pub fn short_term_lufs(&self) -> f64 {
        self.meter
            .as_ref()
            .map_or(f64::NEG_INFINITY, |m| m.short_term_lufs())
    }

    /// Integrated loudness since the start (or the last `resetMeter`), LUFS.
    #[wasm_bindgen(getter, js_name = integratedLufs)]
    pub fn integrated_lufs(&self) -> f64 {
        self.meter
            .as_ref()
            .map_or(f64::NEG_INFINITY, |m| m.integrated_lufs())
    }

    /// Largest momentary loudness, LUFS.
    #[wasm_bindgen(getter, js_name = maxMomentaryLufs)]
    pub fn max_momentary_lufs(&self) -> f64 {
        self.meter
            .as_ref()
            .map_or(f64::NEG_INFINITY, |m| m.max_momentary_lufs())
    }

    /// Loudness range, LU.
    #[wasm_bindgen(getter, js_name = loudnessRangeLu)]
    pub fn loudness_range_lu(&self) -> f64 {
        self.meter.as_ref().map_or(0.0, |m| m.loudness_range_lu())
    }

    /// Largest true peak of the output, dBTP.
    #[wasm_bindgen(getter, js_name = truePeakDbtp)]
    pub fn true_peak_dbtp(&self) -> f64 {
        self.meter
            .as_ref()
            .map_or(f64::NEG_INFINITY, |m| m.true_peak_dbtp())
    }

    /// Largest sample peak of the output, dBFS.
    #[wasm_bindgen(getter, js_name = samplePeakDbfs)]
    pub fn sample_peak_dbfs(&self) -> f64 {
        self.meter
            .as_ref()
            .map_or(f64::NEG_INFINITY, |m| m.sample_peak_max_dbfs())
    }

    /// Frames metered.
    #[wasm_bindgen(getter, js_name = meteredFrames)]
    pub fn metered_frames(&self) -> f64 {
        self.meter.as_ref().map_or(0.0, |m| m.frames() as f64)
    }
}
