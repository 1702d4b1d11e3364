//! Audio between JavaScript and the core: `Float32Array` channels (an `AudioBuffer`'s channel
//! data) checked for shape, and processed in place or rendered into new arrays through a
//! scratch buffer in wasm memory, a block at a time, so wasm memory does not grow with the
//! length of the audio.

use js_sys::{Array, Float32Array, Reflect};
use mixmaster::processor::MAX_CHANNELS;
use mixmaster::{ProcessSpec, Processor};
use wasm_bindgen::{JsCast, JsValue};

use crate::convert::js_type;
use crate::error::{Result, core, err};

/// The block size processors are prepared for unless told otherwise.
pub const DEFAULT_MAX_BLOCK: usize = 4096;
/// The largest block size `prepare` accepts (its scratch is `channels * maxBlock` floats).
pub const MAX_BLOCK_LIMIT: usize = 65536;
/// The longest tail `render(..., { tail: true })` appends, seconds.
pub const MAX_TAIL_S: f64 = 60.0;

/// "1 channel", "2 channels".
pub fn count(n: usize) -> String {
    if n == 1 {
        "1 channel".into()
    } else {
        format!("{n} channels")
    }
}

/// Checked channels: one `Float32Array` per channel, all of one length.
pub struct Channels {
    /// The arrays, in channel order.
    pub arrays: Vec<Float32Array>,
    /// Frames (the common length).
    pub frames: usize,
}

fn type_of_array(v: &JsValue) -> String {
    let name = Reflect::get(v, &JsValue::from_str("constructor"))
        .ok()
        .and_then(|c| Reflect::get(&c, &JsValue::from_str("name")).ok())
        .and_then(|n| n.as_string());
    match name {
        Some(n) if v.is_object() && !Array::is_array(v) => format!("a {n}"),
        _ => js_type(v),
    }
}

/// Reads channels from `v`: an array of `Float32Array`s (or one `Float32Array` for mono).
/// Errors say what was passed and what to pass instead.
pub fn channels(v: &JsValue, what: &str) -> Result<Channels> {
    let arrays: Vec<Float32Array> = if let Some(a) = v.dyn_ref::<Float32Array>() {
        vec![a.clone()]
    } else if Array::is_array(v) {
        let items: &Array = v.unchecked_ref();
        let mut out = Vec::with_capacity(items.length() as usize);
        for (i, item) in items.iter().enumerate() {
            match item.dyn_into::<Float32Array>() {
                Ok(a) => out.push(a),
                Err(item) => {
                    return Err(err(format!(
                        "{what}[{i}] is {}: pass one Float32Array per channel (such as audioBuffer.getChannelData(c))",
                        type_of_array(&item)
                    )));
                }
            }
        }
        out
    } else {
        return Err(err(format!(
            "{what} must be an array of Float32Array channels (or an AudioBuffer), not {}",
            type_of_array(v)
        )));
    };
    if arrays.is_empty() {
        return Err(err(format!("{what} has no channels")));
    }
    if arrays.len() > MAX_CHANNELS {
        return Err(err(format!(
            "{what} has {} channels; at most {MAX_CHANNELS} are supported",
            arrays.len()
        )));
    }
    let frames = arrays[0].length() as usize;
    for (c, a) in arrays.iter().enumerate() {
        if a.length() as usize != frames {
            return Err(err(format!(
                "{what}: channel {c} has {} frames but channel 0 has {frames}: all channels must have the same length",
                a.length()
            )));
        }
    }
    Ok(Channels { arrays, frames })
}

/// A channel copied into wasm memory (for the whole-programme functions of the core).
pub fn to_vec(a: &Float32Array) -> Result<Vec<f32>> {
    let n = a.length() as usize;
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| err(format!("out of memory: cannot hold {n} samples")))?;
    v.resize(n, 0.0);
    a.copy_to(&mut v);
    Ok(v)
}

/// Channels copied into wasm memory.
pub fn to_vecs(ch: &Channels) -> Result<Vec<Vec<f32>>> {
    ch.arrays.iter().map(to_vec).collect()
}

/// A new `Float32Array` holding `v`.
pub fn to_js(v: &[f32]) -> Float32Array {
    let a = Float32Array::new_with_length(v.len() as u32);
    a.copy_from(v);
    a
}

/// Channels as an array of new `Float32Array`s.
pub fn to_js_channels(chans: &[Vec<f32>]) -> Array {
    chans.iter().map(|c| JsValue::from(to_js(c))).collect()
}

/// How a processor (or chain) is prepared, and its scratch buffer in wasm memory.
#[derive(Default)]
pub struct Host {
    prepared: Option<ProcessSpec>,
    scratch: Vec<f32>,
}

impl Host {
    /// The spec of the last successful `prepare`.
    pub fn spec(&self) -> Option<ProcessSpec> {
        self.prepared
    }

    /// Prepares `p` (clearing its state) for `channels` at `sample_rate`, in blocks of at most
    /// `max_block` frames; allocates the scratch.
    pub fn prepare(
        &mut self,
        p: &mut dyn Processor,
        sample_rate: f64,
        channels: usize,
        max_block: usize,
    ) -> Result<()> {
        let spec = ProcessSpec::new(sample_rate, max_block, channels);
        self.prepared = None;
        p.prepare(spec).map_err(core)?;
        let n = channels * max_block;
        self.scratch.clear();
        self.scratch
            .try_reserve_exact(n)
            .map_err(|_| err("out of memory preparing the scratch buffer"))?;
        self.scratch.resize(n, 0.0);
        self.prepared = Some(spec);
        Ok(())
    }

    /// Makes sure `p` is prepared for `channels` (preparing it at `sample_rate` if it was
    /// never prepared); a different channel count or rate than prepared is an error.
    fn ready(
        &mut self,
        p: &mut dyn Processor,
        sample_rate: Option<f64>,
        channels: usize,
        what: &str,
    ) -> Result<ProcessSpec> {
        match (self.prepared, sample_rate) {
            (None, None) => Err(err(format!(
                "{what} is not prepared: pass the sample rate (process(channels, 48000)) or call prepare() first"
            ))),
            (None, Some(sr)) => {
                self.prepare(p, sr, channels, DEFAULT_MAX_BLOCK)?;
                Ok(self.prepared.unwrap_or(ProcessSpec::new(sr, 1, channels)))
            }
            (Some(spec), sr) => {
                if spec.channels != channels {
                    return Err(err(format!(
                        "the audio has {} but {what} was prepared for {}: call prepare() to change",
                        count(channels),
                        spec.channels
                    )));
                }
                if let Some(sr) = sr
                    && sr != spec.sample_rate
                {
                    return Err(err(format!(
                        "sampleRate {sr} differs from the {} Hz {what} was prepared for: call prepare() to change",
                        spec.sample_rate
                    )));
                }
                Ok(spec)
            }
        }
    }

    /// Processes `audio` in place through `p`, keeping its state (streaming).
    pub fn process(
        &mut self,
        p: &mut dyn Processor,
        audio: &JsValue,
        sample_rate: Option<f64>,
        what: &str,
    ) -> Result<()> {
        let ch = channels(audio, "audio")?;
        let spec = self.ready(p, sample_rate, ch.arrays.len(), what)?;
        let block = spec.max_block_frames;
        let c = ch.arrays.len();
        let mut pos = 0;
        while pos < ch.frames {
            let n = block.min(ch.frames - pos);
            for (a, s) in ch.arrays.iter().zip(self.scratch.chunks_exact_mut(block)) {
                a.subarray(pos as u32, (pos + n) as u32)
                    .copy_to(&mut s[..n]);
            }
            run(p, &mut self.scratch, block, c, n);
            for (a, s) in ch.arrays.iter().zip(self.scratch.chunks_exact(block)) {
                a.subarray(pos as u32, (pos + n) as u32).copy_from(&s[..n]);
            }
            pos += n;
        }
        Ok(())
    }

    /// Renders `audio` through `p` from fresh state into new arrays aligned with the input
    /// (latency removed), as long as the input plus, with `tail`, the processor's tail (at
    /// most [`MAX_TAIL_S`]). Prepares `p` again if the rate or channel count differs.
    pub fn render(
        &mut self,
        p: &mut dyn Processor,
        audio: &JsValue,
        sample_rate: Option<f64>,
        tail: bool,
        what: &str,
    ) -> Result<Array> {
        let ch = channels(audio, "audio")?;
        let c = ch.arrays.len();
        let sr = match (sample_rate, self.prepared) {
            (Some(sr), _) => sr,
            (None, Some(spec)) => spec.sample_rate,
            (None, None) => {
                return Err(err(format!(
                    "{what} is not prepared: pass the sample rate (render(channels, 48000))"
                )));
            }
        };
        let max_block = self
            .prepared
            .map_or(DEFAULT_MAX_BLOCK, |s| s.max_block_frames);
        match self.prepared {
            Some(s) if s.sample_rate == sr && s.channels == c => p.reset(),
            _ => self.prepare(p, sr, c, max_block)?,
        }
        let lat = p.latency_frames();
        let tail_frames = if tail {
            p.tail_frames().min((MAX_TAIL_S * sr) as usize)
        } else {
            0
        };
        let out_len = ch.frames + tail_frames;
        let outputs: Vec<Float32Array> = (0..c)
            .map(|_| Float32Array::new_with_length(out_len as u32))
            .collect();
        let total = out_len + lat;
        let block = max_block;
        let mut pos = 0;
        while pos < total {
            let n = block.min(total - pos);
            let have = ch.frames.saturating_sub(pos).min(n);
            for (a, s) in ch.arrays.iter().zip(self.scratch.chunks_exact_mut(block)) {
                if have > 0 {
                    a.subarray(pos as u32, (pos + have) as u32)
                        .copy_to(&mut s[..have]);
                }
                s[have..n].fill(0.0);
            }
            run(p, &mut self.scratch, block, c, n);
            // Output frame `f - lat` is processed frame `f`.
            let start = pos.max(lat);
            if start < pos + n {
                for (o, s) in outputs.iter().zip(self.scratch.chunks_exact(block)) {
                    o.subarray((start - lat) as u32, (pos + n - lat) as u32)
                        .copy_from(&s[start - pos..n]);
                }
            }
            pos += n;
        }
        Ok(outputs.into_iter().map(JsValue::from).collect())
    }
}

/// Runs `p` over the first `n` frames of the first `channels` blocks of `scratch`.
fn run(p: &mut dyn Processor, scratch: &mut [f32], block: usize, channels: usize, n: usize) {
    let mut parts: [&mut [f32]; MAX_CHANNELS] = Default::default();
    for (dst, s) in parts.iter_mut().zip(scratch.chunks_exact_mut(block)) {
        *dst = &mut s[..n];
    }
    p.process(&mut parts[..channels]);
}
