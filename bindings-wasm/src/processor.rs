//! Processors from the registry as one generic class, [`RawProcessor`] (built by kind name and
//! a JS object of settings), and [`RawChain`], processors in series. The package's JS makes a
//! class per registered kind on top, with a property per setting.
//!
//! Parameters change smoothly and keep the state; any other setting (a choice, a size, the
//! bands) rebuilds the processor, prepared again if it was, with fresh state.

use js_sys::{Array, Object};
use mixmaster::registry;
use mixmaster::settings::{Description, OptionKind, param_number, param_value};
use mixmaster::{Chain, ProcessSpec, Processor};
use wasm_bindgen::prelude::*;

use crate::audio::{DEFAULT_MAX_BLOCK, Host, MAX_BLOCK_LIMIT};
use crate::convert::{
    self, Setting, camel, is_plain_object, js_type, resolve, sample_rate, setting_names,
    settings_from_js, settings_to_js, value_from_js, value_to_js, whole,
};
use crate::error::{Result, Thrown, core_in, err};

fn description(p: &dyn Processor) -> Result<&'static Description> {
    p.description()
        .ok_or_else(|| err(format!("{} has no registry description", p.name())))
}

fn unknown(desc: &Description, name: &str) -> Thrown {
    err(format!(
        "{} has no setting `{name}` (it has: {})",
        desc.class_name,
        setting_names(desc)
    ))
}

/// Builds a processor of `kind` from a JS object of settings.
pub fn build(kind: &str, options: &JsValue) -> Result<Box<dyn Processor>> {
    let k = registry::find(kind).map_err(crate::error::core)?;
    let d = k.description;
    let s = settings_from_js(options, d)?;
    k.build(&s).map_err(|e| core_in(d.class_name, e))
}

/// One setting's value (camelCase or registry name).
pub fn get_setting(p: &dyn Processor, name: &str) -> Result<JsValue> {
    let d = description(p)?;
    match resolve(d, name) {
        Some(Setting::Param(i, info)) => Ok(p.param(i).map_or(JsValue::UNDEFINED, |v| {
            value_to_js(&param_value(info, v), true)
        })),
        Some(Setting::Option(o)) => Ok(p
            .options()
            .get(o.name)
            .map_or(JsValue::UNDEFINED, |v| value_to_js(v, true))),
        None => Err(unknown(d, name)),
    }
}

/// Sets one setting of the processor in `slot`: a parameter smoothly (state kept); any other
/// setting by rebuilding it (prepared again with `spec` if given). Invalid values change
/// nothing and throw an error naming the setting and its range.
pub fn set_setting(
    slot: &mut Box<dyn Processor>,
    spec: Option<ProcessSpec>,
    name: &str,
    value: &JsValue,
) -> Result<()> {
    let d = description(slot.as_ref())?;
    match resolve(d, name) {
        Some(Setting::Param(i, info)) => {
            let v = value_from_js(value, &camel(info.name), None)?;
            let x = param_number(info, &v).map_err(|e| core_in(d.class_name, e))?;
            slot.set_param(i, x).map_err(|e| core_in(d.class_name, e))
        }
        Some(Setting::Option(o)) => {
            let fields = match o.kind {
                OptionKind::List { fields } => Some(fields),
                _ => None,
            };
            let v = value_from_js(value, &camel(o.name), fields)?;
            let mut s = registry::settings_of(slot.as_ref());
            s.set(o.name, v);
            let mut fresh =
                registry::rebuild_with(slot.as_ref(), &s).map_err(|e| core_in(d.class_name, e))?;
            if let Some(spec) = spec {
                fresh.prepare(spec).map_err(|e| core_in(d.class_name, e))?;
            }
            *slot = fresh;
            Ok(())
        }
        None => Err(unknown(d, name)),
    }
}

/// Checks `prepare`'s numbers and prepares through `host`.
fn prepare(
    host: &mut Host,
    p: &mut dyn Processor,
    rate: f64,
    channels: f64,
    max_block: Option<f64>,
) -> Result<()> {
    let rate = sample_rate(rate)?;
    let channels = whole(channels, "channels", 1, mixmaster::processor::MAX_CHANNELS)?;
    let max_block = match max_block {
        Some(b) => whole(b, "maxBlock", 1, MAX_BLOCK_LIMIT)?,
        None => DEFAULT_MAX_BLOCK,
    };
    host.prepare(p, rate, channels, max_block)
}

fn optional_rate(rate: Option<f64>) -> Result<Option<f64>> {
    rate.map(sample_rate).transpose()
}

/// A processor of any registered kind.
#[wasm_bindgen]
pub struct RawProcessor {
    inner: Box<dyn Processor>,
    host: Host,
}

#[wasm_bindgen]
impl RawProcessor {
    /// A processor of `kind` (a registry kind or alias) with `options` (camelCase or registry
    /// names); errors name the unknown kind or setting, the wrong type, or the range.
    #[wasm_bindgen(constructor)]
    pub fn new(kind: &str, options: JsValue) -> Result<RawProcessor> {
        Ok(RawProcessor {
            inner: build(kind, &options)?,
            host: Host::default(),
        })
    }

    /// The registry kind ("compressor").
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.inner.name().to_string()
    }

    /// One setting's current value.
    pub fn get(&self, name: &str) -> Result<JsValue> {
        get_setting(self.inner.as_ref(), name)
    }

    /// Sets one setting (see the module doc).
    pub fn set(&mut self, name: &str, value: JsValue) -> Result<()> {
        let spec = self.host.spec();
        set_setting(&mut self.inner, spec, name, &value)
    }

    /// Every setting, options then parameters, as an object (camelCase keys, or the registry's
    /// names if `camel_keys` is false).
    pub fn settings(&self, camel_keys: bool) -> Object {
        settings_to_js(&registry::settings_of(self.inner.as_ref()), camel_keys)
    }

    /// Prepares for `channels` at `sample_rate` in blocks of at most `max_block` frames
    /// (default 4096; longer audio is processed in pieces). Clears the state.
    pub fn prepare(
        &mut self,
        sample_rate: f64,
        channels: f64,
        max_block: Option<f64>,
    ) -> Result<()> {
        prepare(
            &mut self.host,
            self.inner.as_mut(),
            sample_rate,
            channels,
            max_block,
        )
    }

    /// Processes `audio` (an array of `Float32Array` channels) in place, keeping the state.
    pub fn process(&mut self, audio: JsValue, sample_rate: Option<f64>) -> Result<()> {
        let sr = optional_rate(sample_rate)?;
        let what = self
            .inner
            .description()
            .map_or("the processor", |d| d.class_name);
        self.host.process(self.inner.as_mut(), &audio, sr, what)
    }

    /// Renders `audio` from fresh state into new arrays (latency removed; `tail` appends the
    /// effect's tail).
    pub fn render(
        &mut self,
        audio: JsValue,
        sample_rate: Option<f64>,
        tail: bool,
    ) -> Result<Array> {
        let sr = optional_rate(sample_rate)?;
        let what = self
            .inner
            .description()
            .map_or("the processor", |d| d.class_name);
        self.host
            .render(self.inner.as_mut(), &audio, sr, tail, what)
    }

    /// Loads audio data `name` (an option of type "audio", such as a convolution reverb's
    /// `ir`): an array of `Float32Array` channels (or one for mono) recorded at `sample_rate`,
    /// labelled `label` in the settings. Copies it; a prepared processor prepares again.
    #[wasm_bindgen(js_name = loadAudio)]
    pub fn load_audio(
        &mut self,
        name: &str,
        audio: JsValue,
        sample_rate: f64,
        label: Option<String>,
    ) -> Result<()> {
        let rate = crate::convert::sample_rate(sample_rate)?;
        let ch = crate::audio::channels(&audio, "audio")?;
        let data = crate::audio::to_vecs(&ch)?;
        let refs: Vec<&[f32]> = data.iter().map(|c| c.as_slice()).collect();
        let what = self
            .inner
            .description()
            .map_or("the processor", |d| d.class_name);
        self.inner
            .load_audio(name, &refs, rate, label.as_deref().unwrap_or("array"))
            .map_err(|e| core_in(what, e))
    }

    /// Clears the state (delay lines, envelopes) without allocating.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Frames by which the output lags the input.
    #[wasm_bindgen(getter, js_name = latencyFrames)]
    pub fn latency_frames(&self) -> usize {
        self.inner.latency_frames()
    }

    /// Frames of output that can follow the end of the input.
    #[wasm_bindgen(getter, js_name = tailFrames)]
    pub fn tail_frames(&self) -> usize {
        self.inner.tail_frames()
    }

    /// The prepared sample rate, if prepared.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> Option<f64> {
        self.host.spec().map(|s| s.sample_rate)
    }

    /// The prepared channel count, if prepared.
    #[wasm_bindgen(getter)]
    pub fn channels(&self) -> Option<usize> {
        self.host.spec().map(|s| s.channels)
    }
}

/// A stage description from JS: `{ kind, options }`.
fn stage_from_js(v: &JsValue, i: usize) -> Result<Box<dyn Processor>> {
    if !is_plain_object(v) {
        return Err(err(format!(
            "stage {i} must be a processor or {{ kind, options }}, not {}",
            js_type(v)
        )));
    }
    let kind = convert::get(v, "kind", "the stage")?;
    let Some(kind) = kind.as_string() else {
        return Err(err(format!(
            "stage {i}: `kind` must be a processor kind name (such as \"compressor\"), not {}",
            js_type(&kind)
        )));
    };
    let options = convert::get(v, "options", "the stage")?;
    build(&kind, &options).map_err(|e| e.context(format_args!("stage {i} ({kind})")))
}

/// Processors in series, with each stage's settings reachable by index.
#[wasm_bindgen]
pub struct RawChain {
    chain: Chain,
    host: Host,
}

impl RawChain {
    fn stage_index(&self, i: f64) -> Result<usize> {
        let n = self.chain.len();
        if n == 0 || !i.is_finite() || i.fract() != 0.0 || i < 0.0 || i >= n as f64 {
            return Err(err(format!(
                "no stage {i}: the chain has {n} (indices 0 to {})",
                n as f64 - 1.0
            )));
        }
        Ok(i as usize)
    }

    /// The chain (for the real-time kernel).
    pub fn into_chain(self) -> Chain {
        self.chain
    }

    /// A chain from an array of `{ kind, options }`.
    pub fn from_js(stages: &JsValue) -> Result<Chain> {
        if !Array::is_array(stages) {
            return Err(err(format!(
                "a chain takes an array of processors, not {}",
                js_type(stages)
            )));
        }
        let items: &Array = stages.unchecked_ref();
        let mut chain = Chain::new();
        for (i, s) in items.iter().enumerate() {
            chain.push(stage_from_js(&s, i)?);
        }
        Ok(chain)
    }
}

#[wasm_bindgen]
impl RawChain {
    /// A chain of `stages`: an array of `{ kind, options }`.
    #[wasm_bindgen(constructor)]
    pub fn new(stages: JsValue) -> Result<RawChain> {
        Ok(RawChain {
            chain: Self::from_js(&stages)?,
            host: Host::default(),
        })
    }

    /// Number of stages.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.chain.len()
    }

    /// The kind of stage `i`.
    #[wasm_bindgen(js_name = stageKind)]
    pub fn stage_kind(&self, i: f64) -> Result<String> {
        let i = self.stage_index(i)?;
        Ok(self.chain.stages()[i].name().to_string())
    }

    /// One setting of stage `i`.
    #[wasm_bindgen(js_name = stageGet)]
    pub fn stage_get(&self, i: f64, name: &str) -> Result<JsValue> {
        let i = self.stage_index(i)?;
        get_setting(self.chain.stages()[i].as_ref(), name)
    }

    /// Sets one setting of stage `i` (parameters smoothly; others rebuild the stage).
    #[wasm_bindgen(js_name = stageSet)]
    pub fn stage_set(&mut self, i: f64, name: &str, value: JsValue) -> Result<()> {
        let i = self.stage_index(i)?;
        let spec = self.chain.spec();
        set_setting(&mut self.chain.stages_mut()[i], spec, name, &value)
    }

    /// Every setting of stage `i`.
    #[wasm_bindgen(js_name = stageSettings)]
    pub fn stage_settings(&self, i: f64, camel_keys: bool) -> Result<Object> {
        let i = self.stage_index(i)?;
        Ok(settings_to_js(
            &registry::settings_of(self.chain.stages()[i].as_ref()),
            camel_keys,
        ))
    }

    /// Prepares every stage (see [`RawProcessor::prepare`]).
    pub fn prepare(
        &mut self,
        sample_rate: f64,
        channels: f64,
        max_block: Option<f64>,
    ) -> Result<()> {
        prepare(
            &mut self.host,
            &mut self.chain,
            sample_rate,
            channels,
            max_block,
        )
    }

    /// Processes `audio` in place, keeping the state.
    pub fn process(&mut self, audio: JsValue, sample_rate: Option<f64>) -> Result<()> {
        let sr = optional_rate(sample_rate)?;
        self.host.process(&mut self.chain, &audio, sr, "the chain")
    }

    /// Renders `audio` from fresh state into new arrays (latency removed).
    pub fn render(
        &mut self,
        audio: JsValue,
        sample_rate: Option<f64>,
        tail: bool,
    ) -> Result<Array> {
        let sr = optional_rate(sample_rate)?;
        self.host
            .render(&mut self.chain, &audio, sr, tail, "the chain")
    }

    /// Clears every stage's state.
    pub fn reset(&mut self) {
        self.chain.reset();
    }

    /// The sum of the stages' latencies, frames.
    #[wasm_bindgen(getter, js_name = latencyFrames)]
    pub fn latency_frames(&self) -> usize {
        self.chain.latency_frames()
    }

    /// The sum of the stages' tails, frames.
    #[wasm_bindgen(getter, js_name = tailFrames)]
    pub fn tail_frames(&self) -> usize {
        self.chain.tail_frames()
    }

    /// The prepared sample rate, if prepared.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> Option<f64> {
        self.host.spec().map(|s| s.sample_rate)
    }

    /// The prepared channel count, if prepared.
    #[wasm_bindgen(getter)]
    pub fn channels(&self) -> Option<usize> {
        self.host.spec().map(|s| s.channels)
    }
}
