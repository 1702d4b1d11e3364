//! The processor contract every mixmaster processor implements, and [`Chain`], which runs
//! processors in series.
//!
//! Implementors write five things: [`Processor::prepare`] (allocate, validate),
//! [`Processor::process_block`] (the DSP, on a block whose shape `prepare` promised),
//! [`Processor::reset`], [`Processor::spec`] and [`Processor::name`]. The trait supplies the
//! entry points callers use: [`Processor::process`] (infallible, cuts long blocks into pieces),
//! [`Processor::try_process`] (reports a bad shape as an error, as bindings want), and the
//! single-buffer forms [`Processor::process_planar`] and [`Processor::process_interleaved`].
//! The trait is object safe: a binding or a [`Chain`] holds `Box<dyn Processor>`.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::error::{Error, Result};
use crate::param::{self, ParamInfo};
use crate::settings::{Description, Settings};

/// The most channels one processor handles.
pub const MAX_CHANNELS: usize = 32;

/// Frames of the stack scratch used by [`Processor::process_interleaved`], over all channels.
const INTERLEAVE_SCRATCH: usize = 4096;

/// What a processor is prepared for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessSpec {
    /// Sample rate in Hz.
    pub sample_rate: f64,
    /// The largest block `process_block` will be given.
    pub max_block_frames: usize,
    /// Channel count.
    pub channels: usize,
}

impl ProcessSpec {
    /// A spec; validated by `prepare`.
    pub const fn new(sample_rate: f64, max_block_frames: usize, channels: usize) -> Self {
        ProcessSpec {
            sample_rate,
            max_block_frames,
            channels,
        }
    }

    /// Checks the numbers: sample rate finite in [1 Hz, 1.536 MHz], block 1..=2^20 frames,
    /// channels 1..=[`MAX_CHANNELS`].
    pub fn validate(&self) -> Result<()> {
        crate::validate::spec(self.sample_rate, self.max_block_frames, self.channels)
    }

    /// Validates, then also checks the channel count against what a processor supports.
    pub fn validate_channels(
        &self,
        processor: &'static str,
        ok: fn(usize) -> bool,
        supported: &'static str,
    ) -> Result<()> {
        self.validate()?;
        if ok(self.channels) {
            Ok(())
        } else {
            Err(Error::UnsupportedChannels {
                processor,
                channels: self.channels,
                supported,
            })
        }
    }
}

/// An audio processor: prepare, process blocks in place, reset.
pub trait Processor: Send + Sync {
    /// A short name for messages ("compressor").
    fn name(&self) -> &'static str;

    /// Prepares for processing; the only call that allocates. Clears the state.
    fn prepare(&mut self, spec: ProcessSpec) -> Result<()>;

    /// The spec of the last successful `prepare`, or `None`.
    fn spec(&self) -> Option<ProcessSpec>;

    /// Processes one block in place. Callers guarantee: prepared, exactly `spec.channels`
    /// slices, all of one length no greater than `spec.max_block_frames`. Use
    /// [`Processor::process`] or [`Processor::try_process`] unless you already know that.
    fn process_block(&mut self, block: &mut [&mut [f32]]);

    /// Clears the state (delay lines, envelopes, filter memories, ramps) without allocating.
    fn reset(&mut self);

    /// Frames by which the output lags the input.
    fn latency_frames(&self) -> usize {
        0
    }

    /// Frames of output that can follow the end of the input (a reverb's decay).
    fn tail_frames(&self) -> usize {
        0
    }

    /// The automatable parameters.
    fn params(&self) -> &'static [ParamInfo] {
        &[]
    }

    /// Sets parameter `index` of [`Processor::params`]; smoothed like the named setter.
    fn set_param(&mut self, index: usize, value: f64) -> Result<()> {
        let _ = value;
        Err(Error::UnknownParameter {
            processor: self.name(),
            index,
            count: self.params().len(),
        })
    }

    /// The value (target) of parameter `index`.
    fn param(&self, index: usize) -> Option<f64> {
        let _ = index;
        None
    }

    /// Whether the processor can take an external key signal for its detector (a compressor's
    /// sidechain) through [`Processor::process_sidechain`].
    fn has_sidechain(&self) -> bool {
        false
    }

    /// Processes `block` in place with its detector fed from `key` (one channel for all, or
    /// one per block channel; missing frames count as silence). Like [`Processor::process`] it
    /// never allocates and takes blocks of any length. Processors without a sidechain leave
    /// the block untouched: check [`Processor::has_sidechain`] first.
    fn process_sidechain(&mut self, block: &mut [&mut [f32]], key: &[&[f32]]) {
        let _ = (block, key);
    }

    /// Loads audio data `name` (an option of kind [`OptionKind::Audio`](crate::settings::OptionKind::Audio),
    /// such as a convolution reverb's `"ir"`): planar samples at `sample_rate`, labelled `label`
    /// (the file name, for the settings read back). Allocates (call it before `prepare`, or
    /// off the audio thread; a prepared processor prepares again). Processors without audio
    /// data say so with [`Error::UnknownSetting`].
    fn load_audio(
        &mut self,
        name: &str,
        channels: &[&[f32]],
        sample_rate: f64,
        label: &str,
    ) -> Result<()> {
        let _ = (channels, sample_rate, label);
        Err(Error::UnknownSetting {
            processor: self.name(),
            name: name.into(),
            valid: "no audio data".into(),
        })
    }

    /// Tells the processor whether its host renders ahead of time (a whole file, an offline
    /// bounce) and removes its reported latency, as `render` in the bindings and session
    /// renders do: it may then trade latency for throughput (the convolution reverb uses large
    /// FFT blocks instead of its zero-latency partitioning). Takes effect at the next
    /// `prepare`; results differ only by float rounding. Most processors ignore it.
    fn set_non_realtime(&mut self, non_realtime: bool) {
        let _ = non_realtime;
    }

    /// The audio data loaded as `name` by [`Processor::load_audio`]: its channels, sample rate
    /// and label; `None` if there is none.
    fn audio_data(&self, name: &str) -> Option<(Vec<&[f32]>, f64, &str)> {
        let _ = name;
        None
    }

    /// The processor's registry declaration (kind, parameters, options), if it has one.
    fn description(&self) -> Option<&'static Description> {
        None
    }

    /// The current values of its options, the settings that are not parameters (choices,
    /// switches, sizes, bands); see [`crate::registry::settings_of`] for all of them.
    fn options(&self) -> Settings {
        Settings::new()
    }

    /// The processor as `Any`, for hosts that handle some concrete types specially (the mixer
    /// runs the equalizers and compressors of several tracks side by side). `None` by default.
    fn as_any_mut(&mut self) -> Option<&mut dyn core::any::Any> {
        None
    }

    /// Sets a parameter by name.
    fn set_param_by_name(&mut self, name: &str, value: f64) -> Result<()> {
        match param::index_of(self.params(), name) {
            Some(i) => self.set_param(i, value),
            None => Err(Error::UnknownSetting {
                processor: self.name(),
                name: name.into(),
                valid: param::names(self.params()),
            }),
        }
    }

    /// Processes a block of any length in place; never fails and never panics.
    ///
    /// Unprepared: the block is left as it is. Channels beyond the prepared count are left as
    /// they are; a block with fewer channels than prepared is left as it is. Channels of unequal
    /// length are processed up to the shortest. Longer blocks than `max_block_frames` are cut
    /// into pieces, which gives the same output as one call.
    fn process(&mut self, block: &mut [&mut [f32]]) {
        let Some(spec) = self.spec() else { return };
        let c = spec.channels;
        if block.len() < c {
            return;
        }
        let frames = block[..c].iter().map(|ch| ch.len()).min().unwrap_or(0);
        if block.len() == c
            && frames <= spec.max_block_frames
            && block.iter().all(|ch| ch.len() == frames)
        {
            self.process_block(block);
            return;
        }
        let mut offset = 0;
        while offset < frames {
            let n = (frames - offset).min(spec.max_block_frames);
            let mut parts: [&mut [f32]; MAX_CHANNELS] = Default::default();
            for (dst, ch) in parts.iter_mut().zip(block.iter_mut()).take(c) {
                *dst = &mut ch[offset..offset + n];
            }
            self.process_block(&mut parts[..c]);
            offset += n;
        }
    }

    /// Like [`Processor::process`], but a block of the wrong shape is an error and is left
    /// untouched: not prepared, a different channel count, or channels of unequal length.
    fn try_process(&mut self, block: &mut [&mut [f32]]) -> Result<()> {
        let spec = self.spec().ok_or(Error::NotPrepared)?;
        check_block(block, spec.channels)?;
        self.process(block);
        Ok(())
    }

    /// Processes one planar buffer: channel `c` occupies `buf[c * frames..(c + 1) * frames]`.
    fn process_planar(&mut self, buf: &mut [f32], channels: usize) -> Result<()> {
        let spec = self.spec().ok_or(Error::NotPrepared)?;
        if channels != spec.channels {
            return Err(Error::ChannelCount {
                expected: spec.channels,
                got: channels,
            });
        }
        if channels == 0 || buf.len() % channels != 0 {
            return Err(Error::BufferShape {
                len: buf.len(),
                channels,
            });
        }
        let frames = buf.len() / channels;
        if frames == 0 {
            return Ok(());
        }
        let mut parts: [&mut [f32]; MAX_CHANNELS] = Default::default();
        for (dst, ch) in parts.iter_mut().zip(buf.chunks_exact_mut(frames)) {
            *dst = ch;
        }
        self.process(&mut parts[..channels]);
        Ok(())
    }

    /// Processes one interleaved buffer (`L R L R ...`) in place, without allocating: frames
    /// go through a stack scratch in pieces, which gives the same output as planar processing.
    fn process_interleaved(&mut self, buf: &mut [f32], channels: usize) -> Result<()> {
        let spec = self.spec().ok_or(Error::NotPrepared)?;
        if channels != spec.channels {
            return Err(Error::ChannelCount {
                expected: spec.channels,
                got: channels,
            });
        }
        if channels == 0 || buf.len() % channels != 0 {
            return Err(Error::BufferShape {
                len: buf.len(),
                channels,
            });
        }
        let chunk = (INTERLEAVE_SCRATCH / channels)
            .min(spec.max_block_frames)
            .max(1);
        let mut scratch = [0.0f32; INTERLEAVE_SCRATCH];
        for frames in buf.chunks_mut(chunk * channels) {
            let n = frames.len() / channels;
            let planar = &mut scratch[..n * channels];
            deinterleave(frames, planar, channels);
            {
                let mut parts: [&mut [f32]; MAX_CHANNELS] = Default::default();
                for (dst, ch) in parts.iter_mut().zip(planar.chunks_exact_mut(n)) {
                    *dst = ch;
                }
                self.process_block(&mut parts[..channels]);
            }
            interleave(planar, frames, channels);
        }
        Ok(())
    }
}

/// Checks that `block` has `channels` channels of equal length.
pub fn check_block(block: &[&mut [f32]], channels: usize) -> Result<()> {
    if block.len() != channels {
        return Err(Error::ChannelCount {
            expected: channels,
            got: block.len(),
        });
    }
    let first = block.first().map_or(0, |c| c.len());
    for (channel, ch) in block.iter().enumerate() {
        if ch.len() != first {
            return Err(Error::ChannelLengths {
                first,
                channel,
                len: ch.len(),
            });
        }
    }
    Ok(())
}

/// Interleaved (`L R L R`) to planar (`L L .. R R ..`); both hold `frames * channels` samples.
pub fn deinterleave(interleaved: &[f32], planar: &mut [f32], channels: usize) {
    let frames = interleaved.len() / channels.max(1);
    for c in 0..channels {
        let dst = &mut planar[c * frames..(c + 1) * frames];
        for (d, frame) in dst.iter_mut().zip(interleaved.chunks_exact(channels)) {
            *d = frame[c];
        }
    }
}

/// Planar (`L L .. R R ..`) to interleaved (`L R L R`).
pub fn interleave(planar: &[f32], interleaved: &mut [f32], channels: usize) {
    let frames = planar.len() / channels.max(1);
    for c in 0..channels {
        let src = &planar[c * frames..(c + 1) * frames];
        for (s, frame) in src.iter().zip(interleaved.chunks_exact_mut(channels)) {
            frame[c] = *s;
        }
    }
}

/// Splits an array of stereo frames `[[l, r]; n]` into the planar pair this crate processes.
pub fn split_stereo_frames(frames: &[[f32; 2]], left: &mut [f32], right: &mut [f32]) {
    for ((f, l), r) in frames.iter().zip(left.iter_mut()).zip(right.iter_mut()) {
        *l = f[0];
        *r = f[1];
    }
}

/// Joins a planar pair back into stereo frames.
pub fn join_stereo_frames(left: &[f32], right: &[f32], frames: &mut [[f32; 2]]) {
    for ((f, l), r) in frames.iter_mut().zip(left).zip(right) {
        *f = [*l, *r];
    }
}

/// Processors in series. Latency and tail are the sums of its members'.
#[derive(Default)]
pub struct Chain {
    stages: Vec<Box<dyn Processor>>,
    spec: Option<ProcessSpec>,
}

impl Chain {
    /// An empty chain (passes audio through).
    pub fn new() -> Self {
        Chain::default()
    }

    /// Appends a stage (builder style). Prepare the chain after adding stages.
    #[must_use]
    pub fn with(mut self, stage: impl Processor + 'static) -> Self {
        self.push(Box::new(stage));
        self
    }

    /// Appends a stage; the chain becomes unprepared until `prepare` is called again.
    pub fn push(&mut self, stage: Box<dyn Processor>) {
        self.stages.push(stage);
        self.spec = None;
    }

    /// The stages.
    pub fn stages(&self) -> &[Box<dyn Processor>] {
        &self.stages
    }

    /// The stages, mutable (for parameter changes).
    pub fn stages_mut(&mut self) -> &mut [Box<dyn Processor>] {
        &mut self.stages
    }

    /// Number of stages.
    pub fn len(&self) -> usize {
        self.stages.len()
    }

    /// Whether the chain has no stages.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }
}

impl Processor for Chain {
    fn name(&self) -> &'static str {
        "chain"
    }

    fn set_non_realtime(&mut self, non_realtime: bool) {
        for p in &mut self.stages {
            p.set_non_realtime(non_realtime);
        }
    }

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        self.spec = None;
        for s in &mut self.stages {
            s.prepare(spec)?;
        }
        self.spec = Some(spec);
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        for s in &mut self.stages {
            s.process_block(block);
        }
    }

    fn reset(&mut self) {
        for s in &mut self.stages {
            s.reset();
        }
    }

    fn latency_frames(&self) -> usize {
        self.stages.iter().map(|s| s.latency_frames()).sum()
    }

    fn tail_frames(&self) -> usize {
        self.stages
            .iter()
            .fold(0usize, |a, s| a.saturating_add(s.tail_frames()))
    }
}
