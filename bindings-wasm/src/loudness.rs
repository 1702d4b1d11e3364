//! Loudness (BS.1770 / EBU R128) and normalization for JavaScript: `measure`, a streaming
//! meter, `normalize` and `normalizeAlbum` to a platform preset or explicit target, and the
//! presets. All of it is the core's `master` module; results are plain objects.

use js_sys::{Array, Float64Array, Object};
use mixmaster::master::normalize::{self as norm, Levels, Preset, Target};
use mixmaster::master::{ChannelLayout, LoudnessMeter, MeterOptions, TruePeakMode, analyze_with};
use mixmaster::processor::MAX_CHANNELS;
use wasm_bindgen::prelude::*;

use crate::audio::{self, Channels};
use crate::convert::{entries, is_plain_object, js_type, sample_rate, set, whole};
use crate::error::{Result, core, err, session};

/// Frames copied into the meter's scratch at a time.
const METER_BLOCK: usize = 4096;

/// A channel layout from JS: `undefined`/`null` (by channel count), a name ("mono", "stereo",
/// "5.0", "5.1", "7.1"), or an array of channel weights.
pub fn layout(v: &JsValue, channels: usize) -> Result<ChannelLayout> {
    let l = if v.is_undefined() || v.is_null() {
        ChannelLayout::for_channels(channels)
    } else if let Some(s) = v.as_string() {
        match s.as_str() {
            "mono" => ChannelLayout::Mono,
            "stereo" => ChannelLayout::Stereo,
            "5.0" => ChannelLayout::Surround50,
            "5.1" => ChannelLayout::Surround51,
            "7.1" => ChannelLayout::Surround71,
            other => {
                return Err(err(format!(
                    "unknown layout `{other}` (mono, stereo, 5.0, 5.1, 7.1, or an array of channel weights)"
                )));
            }
        }
    } else if Array::is_array(v) {
        let items: &Array = v.unchecked_ref();
        let mut w = Vec::with_capacity(items.length() as usize);
        for (i, x) in items.iter().enumerate() {
            w.push(x.as_f64().ok_or_else(|| {
                err(format!(
                    "layout[{i}] must be a number (a channel weight), not {}",
                    js_type(&x)
                ))
            })?);
        }
        ChannelLayout::Custom(w)
    } else {
        return Err(err(format!(
            "layout must be a name (mono, stereo, 5.0, 5.1, 7.1) or an array of channel weights, not {}",
            js_type(v)
        )));
    };
    let n = l.weights().len();
    if n != channels {
        return Err(err(format!(
            "the layout has {} but the audio has {}",
            audio::count(n),
            audio::count(channels)
        )));
    }
    Ok(l)
}

/// How true peak is read: `"standard"` (BS.1770 4x, the default) or `"precise"` (16x).
fn true_peak_mode(v: Option<String>) -> Result<TruePeakMode> {
    match v.as_deref() {
        None => Ok(TruePeakMode::Standard),
        Some(name) => TruePeakMode::from_name(name).ok_or_else(|| {
            err(format!(
                "truePeak must be \"standard\" (BS.1770 4x) or \"precise\" (16x reconstruction), not {name:?}"
            ))
        }),
    }
}

/// Levels as `{ integratedLufs, truePeakDbtp, truePeakMode, loudnessRangeLu, samplePeakDbfs }`.
pub fn levels(l: &Levels) -> Object {
    let o = Object::new();
    set(&o, "integratedLufs", l.integrated_lufs);
    set(&o, "truePeakDbtp", l.true_peak_dbtp);
    set(&o, "truePeakMode", l.true_peak_mode.name());
    set(&o, "loudnessRangeLu", l.loudness_range_lu);
    set(&o, "samplePeakDbfs", l.sample_peak_dbfs);
    o
}

fn f64_array(v: &[f64]) -> Float64Array {
    let a = Float64Array::new_with_length(v.len() as u32);
    a.copy_from(v);
    a
}

/// Measures a whole programme: integrated loudness, loudness range, true and sample peaks,
/// the maxima, and the momentary and short-term series every `hopS` seconds (default 0.1).
#[wasm_bindgen]
pub fn measure(
    audio: JsValue,
    sample_rate_hz: f64,
    layout_: JsValue,
    hop_s: Option<f64>,
    true_peak: Option<String>,
) -> Result<Object> {
    let sr = sample_rate(sample_rate_hz)?;
    let options = MeterOptions {
        true_peak_mode: true_peak_mode(true_peak)?,
        ..MeterOptions::default()
    };
    let ch = audio::channels(&audio, "audio")?;
    let l = layout(&layout_, ch.arrays.len())?;
    let data = audio::to_vecs(&ch)?;
    let refs: Vec<&[f32]> = data.iter().map(|c| &c[..]).collect();
    let r = analyze_with(sr, l, &refs, hop_s.unwrap_or(0.1), options).map_err(core)?;
    let o = Object::new();
    set(&o, "integratedLufs", r.integrated_lufs);
    set(&o, "loudnessRangeLu", r.loudness_range_lu);
    set(&o, "truePeakDbtp", r.true_peak_dbtp);
    let per: Array = r
        .true_peak_per_channel_dbtp
        .iter()
        .map(|x| JsValue::from_f64(*x))
        .collect();
    set(&o, "truePeakDbtpPerChannel", per);
    set(&o, "truePeakMode", r.true_peak_mode.name());
    set(&o, "samplePeakDbfs", r.sample_peak_dbfs);
    set(&o, "maxMomentaryLufs", r.max_momentary_lufs);
    set(&o, "maxShortTermLufs", r.max_short_term_lufs);
    let times: Vec<f64> = (1..=r.momentary_lufs.len())
        .map(|i| i as f64 * r.hop_s)
        .collect();
    set(&o, "momentaryLufs", f64_array(&r.momentary_lufs));
    set(&o, "shortTermLufs", f64_array(&r.short_term_lufs));
    set(&o, "timesS", f64_array(&times));
    set(&o, "hopS", r.hop_s);
    set(&o, "durationS", r.duration_s);
    set(&o, "nonFiniteSamples", r.non_finite_samples as f64);
    Ok(o)
}

/// The normalize options: `{ preset, targetLufs, ceilingDbtp, layout }` (numbers override the
/// preset's; none at all is Spotify's target).
fn target_and_layout(options: &JsValue, channels: usize) -> Result<(Target, ChannelLayout)> {
    let mut preset = None;
    let mut lufs = None;
    let mut ceiling = None;
    let mut lay = JsValue::UNDEFINED;
    if !(options.is_undefined() || options.is_null()) {
        if !is_plain_object(options) {
            return Err(err(format!(
                "normalize options must be an object such as {{ preset: \"spotify\" }}, not {}",
                js_type(options)
            )));
        }
        for (k, v) in entries(options, "the options")? {
            let number = |v: &JsValue| {
                v.as_f64()
                    .ok_or_else(|| err(format!("`{k}` must be a number, not {}", js_type(v))))
            };
            match k.as_str() {
                "preset" => {
                    preset = Some(v.as_string().ok_or_else(|| {
                        err(format!(
                            "`preset` must be a preset name such as \"spotify\", not {}",
                            js_type(&v)
                        ))
                    })?)
                }
                "targetLufs" => lufs = Some(number(&v)?),
                "ceilingDbtp" => ceiling = Some(number(&v)?),
                "layout" => lay = v,
                other => {
                    return Err(err(format!(
                        "normalize has no option `{other}` (it has: preset, targetLufs, ceilingDbtp, layout)"
                    )));
                }
            }
        }
    }
    // The numbers checked first, so that errors name them as JavaScript spells them.
    Target::new(lufs.unwrap_or(-14.0), ceiling.unwrap_or(-1.0)).map_err(core)?;
    let target =
        mixmaster_session::loudness_target(preset.as_deref(), lufs, ceiling).map_err(session)?;
    Ok((target, layout(&lay, channels)?))
}

/// A normalization report as an object.
pub fn report(r: &norm::NormalizeReport) -> Object {
    let o = Object::new();
    set(&o, "before", levels(&r.before));
    set(&o, "after", levels(&r.after));
    set(&o, "gainDb", r.gain_db);
    set(&o, "limited", r.limited);
    set(&o, "reached", r.reached);
    set(&o, "ceilingKept", r.ceiling_kept());
    set(&o, "targetLufs", r.target.integrated_lufs);
    set(&o, "ceilingDbtp", r.target.ceiling_dbtp);
    o
}

/// Normalizes a programme to a loudness target, limiting to the true-peak ceiling where the
/// gain would exceed it. Returns `{ channels, report }` with new arrays.
#[wasm_bindgen]
pub fn normalize(audio: JsValue, sample_rate_hz: f64, options: JsValue) -> Result<Object> {
    let sr = sample_rate(sample_rate_hz)?;
    let ch = audio::channels(&audio, "audio")?;
    let (target, l) = target_and_layout(&options, ch.arrays.len())?;
    let mut data = audio::to_vecs(&ch)?;
    let r = norm::normalize(sr, l, &mut data, target).map_err(core)?;
    let o = Object::new();
    set(&o, "channels", audio::to_js_channels(&data));
    set(&o, "report", report(&r));
    Ok(o)
}

/// Normalizes an album with one common gain (relative loudness kept); each track is limited
/// to the ceiling. Returns `{ tracks, report }` with new arrays.
#[wasm_bindgen(js_name = normalizeAlbum)]
pub fn normalize_album(tracks: JsValue, sample_rate_hz: f64, options: JsValue) -> Result<Object> {
    let sr = sample_rate(sample_rate_hz)?;
    if !Array::is_array(&tracks) {
        return Err(err(format!(
            "tracks must be an array of tracks (each an array of Float32Array channels), not {}",
            js_type(&tracks)
        )));
    }
    let items: &Array = tracks.unchecked_ref();
    let mut chans: Vec<Channels> = Vec::with_capacity(items.length() as usize);
    for (i, t) in items.iter().enumerate() {
        chans.push(audio::channels(&t, &format!("tracks[{i}]"))?);
    }
    let n = chans.first().map_or(0, |c| c.arrays.len());
    if let Some((i, c)) = chans.iter().enumerate().find(|(_, c)| c.arrays.len() != n) {
        return Err(err(format!(
            "tracks[{i}] has {} channels but tracks[0] has {n}: an album has one channel count",
            c.arrays.len()
        )));
    }
    let (target, l) = target_and_layout(&options, n.max(1))?;
    let mut data: Vec<Vec<Vec<f32>>> = chans.iter().map(audio::to_vecs).collect::<Result<_>>()?;
    let r = norm::normalize_album(sr, l, &mut data, target).map_err(core)?;
    let o = Object::new();
    let out: Array = data
        .iter()
        .map(|t| JsValue::from(audio::to_js_channels(t)))
        .collect();
    set(&o, "tracks", out);
    let rep = Object::new();
    set(&rep, "albumBefore", levels(&r.album_before));
    set(&rep, "albumAfter", levels(&r.album_after));
    set(&rep, "gainDb", r.gain_db);
    set(&rep, "ceilingKept", r.ceiling_kept());
    let per: Array = r
        .tracks
        .iter()
        .map(|(b, a, lim)| {
            let t = Object::new();
            set(&t, "before", levels(b));
            set(&t, "after", levels(a));
            set(&t, "limited", *lim);
            JsValue::from(t)
        })
        .collect();
    set(&rep, "tracks", per);
    set(
        &rep,
        "reached",
        (r.album_after.integrated_lufs - target.integrated_lufs).abs() <= 0.1,
    );
    set(&rep, "targetLufs", target.integrated_lufs);
    set(&rep, "ceilingDbtp", target.ceiling_dbtp);
    set(&o, "report", rep);
    Ok(o)
}

/// The platform presets: `{ spotify: { targetLufs, ceilingDbtp }, ... }`.
#[wasm_bindgen]
pub fn presets() -> Object {
    let o = Object::new();
    for p in Preset::ALL {
        let t = p.target();
        let d = Object::new();
        set(&d, "targetLufs", t.integrated_lufs);
        set(&d, "ceilingDbtp", t.ceiling_dbtp);
        set(&o, p.name(), d);
    }
    o
}

/// A streaming loudness meter: add blocks of any size, read the values at any time.
#[wasm_bindgen]
pub struct RawMeter {
    meter: LoudnessMeter,
    scratch: Vec<f32>,
}

#[wasm_bindgen]
impl RawMeter {
    /// A meter for `channels` at `sample_rate` with an optional `layout`.
    #[wasm_bindgen(constructor)]
    pub fn new(sample_rate_hz: f64, channels: f64, layout_: JsValue) -> Result<RawMeter> {
        let sr = sample_rate(sample_rate_hz)?;
        let channels = whole(channels, "channels", 1, MAX_CHANNELS)?;
        let l = layout(&layout_, channels)?;
        Ok(RawMeter {
            meter: LoudnessMeter::new(sr, l).map_err(core)?,
            scratch: vec![0.0; channels * METER_BLOCK],
        })
    }

    /// Sets how true peak is read (`"standard"` or `"precise"`) and forgets everything
    /// measured.
    #[wasm_bindgen(js_name = setTruePeakMode)]
    pub fn set_true_peak_mode(&mut self, mode: String) -> Result<()> {
        let m = true_peak_mode(Some(mode))?;
        self.meter.set_true_peak_mode(m);
        Ok(())
    }

    /// How true peak is read: `"standard"` or `"precise"`.
    #[wasm_bindgen(getter, js_name = truePeakMode)]
    pub fn true_peak_mode_name(&self) -> String {
        self.meter.options().true_peak_mode.name().into()
    }

    /// Adds audio: an array of `Float32Array` channels (the meter's channel count).
    pub fn add(&mut self, audio: JsValue) -> Result<()> {
        let ch = audio::channels(&audio, "audio")?;
        let n = self.meter.channels();
        if ch.arrays.len() != n {
            return Err(err(format!(
                "the audio has {} but the meter measures {}",
                audio::count(ch.arrays.len()),
                audio::count(n)
            )));
        }
        let mut pos = 0;
        while pos < ch.frames {
            let k = METER_BLOCK.min(ch.frames - pos);
            for (a, s) in ch
                .arrays
                .iter()
                .zip(self.scratch.chunks_exact_mut(METER_BLOCK))
            {
                a.subarray(pos as u32, (pos + k) as u32)
                    .copy_to(&mut s[..k]);
            }
            let mut parts: [&[f32]; MAX_CHANNELS] = [&[]; MAX_CHANNELS];
            for (p, s) in parts.iter_mut().zip(self.scratch.chunks_exact(METER_BLOCK)) {
                *p = &s[..k];
            }
            self.meter.add_planar(&parts[..n]);
            pos += k;
        }
        Ok(())
    }

    /// Forgets everything measured.
    pub fn reset(&mut self) {
        self.meter.reset();
    }

    /// Channels measured.
    #[wasm_bindgen(getter)]
    pub fn channels(&self) -> usize {
        self.meter.channels()
    }

    /// Sample rate.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> f64 {
        self.meter.sample_rate()
    }

    /// Momentary loudness (last 400 ms), LUFS.
    #[wasm_bindgen(getter, js_name = momentaryLufs)]
    pub fn momentary_lufs(&self) -> f64 {
        self.meter.momentary_lufs()
    }

    /// Short-term loudness (last 3 s), LUFS.
    #[wasm_bindgen(getter, js_name = shortTermLufs)]
    pub fn short_term_lufs(&self) -> f64 {
        self.meter.short_term_lufs()
    }

    /// Integrated (gated) loudness so far, LUFS.
    #[wasm_bindgen(getter, js_name = integratedLufs)]
    pub fn integrated_lufs(&self) -> f64 {
        self.meter.integrated_lufs()
    }

    /// Largest momentary loudness so far, LUFS.
    #[wasm_bindgen(getter, js_name = maxMomentaryLufs)]
    pub fn max_momentary_lufs(&self) -> f64 {
        self.meter.max_momentary_lufs()
    }

    /// Largest short-term loudness so far, LUFS.
    #[wasm_bindgen(getter, js_name = maxShortTermLufs)]
    pub fn max_short_term_lufs(&self) -> f64 {
        self.meter.max_short_term_lufs()
    }

    /// Loudness range, LU.
    #[wasm_bindgen(getter, js_name = loudnessRangeLu)]
    pub fn loudness_range_lu(&self) -> f64 {
        self.meter.loudness_range_lu()
    }

    /// Largest true peak over channels, dBTP.
    #[wasm_bindgen(getter, js_name = truePeakDbtp)]
    pub fn true_peak_dbtp(&self) -> f64 {
        self.meter.true_peak_dbtp()
    }

    /// True peak per channel, dBTP.
    #[wasm_bindgen(getter, js_name = truePeakDbtpPerChannel)]
    pub fn true_peak_dbtp_per_channel(&self) -> Vec<f64> {
        (0..self.meter.channels())
            .map(|c| self.meter.true_peak_channel_dbtp(c))
            .collect()
    }

    /// Largest sample peak over channels, dBFS.
    #[wasm_bindgen(getter, js_name = samplePeakDbfs)]
    pub fn sample_peak_dbfs(&self) -> f64 {
        self.meter.sample_peak_max_dbfs()
    }

    /// Frames measured.
    #[wasm_bindgen(getter)]
    pub fn frames(&self) -> f64 {
        self.meter.frames() as f64
    }
}
