//! Sessions for JavaScript: the `mixmaster-session` model read from TOML text or from a JS
//! object of the same shape, written back, and rendered from `Float32Array` tracks exactly as
//! the `mixmaster` command renders session files: the same mixer, and the master's loudness
//! target (`[master.normalize]`) applied to the mix when the session names one.

use js_sys::{Array, Object};
use mixmaster::master::ChannelLayout;
use mixmaster::master::normalize as norm;
use mixmaster_session::{Buffer, RenderOptions, Session, TrackSource};
use wasm_bindgen::prelude::*;

use crate::audio;
use crate::convert::{entries, is_plain_object, js_type, set};
use crate::error::{Result, core_in, err, session};

/// A JS value as a TOML value (`path` names it in errors): bools, numbers (whole numbers as
/// integers), strings, arrays and plain objects.
fn to_toml(v: &JsValue, path: &str) -> Result<toml::Value> {
    if let Some(b) = v.as_bool() {
        return Ok(toml::Value::Boolean(b));
    }
    if let Some(x) = v.as_f64() {
        return Ok(if x.fract() == 0.0 && x.abs() < 9.0e15 {
            toml::Value::Integer(x as i64)
        } else {
            toml::Value::Float(x)
        });
    }
    if let Some(s) = v.as_string() {
        return Ok(toml::Value::String(s));
    }
    if Array::is_array(v) {
        let items: &Array = v.unchecked_ref();
        let mut out = Vec::with_capacity(items.length() as usize);
        for (i, item) in items.iter().enumerate() {
            out.push(to_toml(&item, &format!("{path}[{i}]"))?);
        }
        return Ok(toml::Value::Array(out));
    }
    if is_plain_object(v) {
        let mut t = toml::Table::new();
        for (k, item) in entries(v, path)? {
            let child = to_toml(&item, &format!("{path}.{k}"))?;
            t.insert(k, child);
        }
        return Ok(toml::Value::Table(t));
    }
    Err(err(format!(
        "{path} is {}: a session holds numbers, bools, strings, arrays and objects",
        js_type(v)
    )))
}

/// A TOML value as a JS value.
fn from_toml(v: &toml::Value) -> JsValue {
    match v {
        toml::Value::String(s) => JsValue::from_str(s),
        toml::Value::Integer(i) => JsValue::from_f64(*i as f64),
        toml::Value::Float(f) => JsValue::from_f64(*f),
        toml::Value::Boolean(b) => JsValue::from_bool(*b),
        toml::Value::Datetime(d) => JsValue::from_str(&d.to_string()),
        toml::Value::Array(a) => a.iter().map(from_toml).collect::<Array>().into(),
        toml::Value::Table(t) => {
            let o = Object::new();
            for (k, item) in t {
                set(&o, k, from_toml(item));
            }
            o.into()
        }
    }
}

/// One track's audio: a `Float32Array` (mono) or an array of one or two of them.
fn track(v: &JsValue, name: &str) -> Result<Box<dyn TrackSource>> {
    let ch = audio::channels(v, &format!("track `{name}`"))?;
    let data = audio::to_vecs(&ch)?;
    Ok(Box::new(Buffer::new(data).map_err(|e| {
        session(e.context(format!("track `{name}`")))
    })?))
}

/// A session: tracks, buses, sends, automation, the master chain and a loudness target.
#[wasm_bindgen]
pub struct RawSession {
    session: Session,
}

#[wasm_bindgen]
impl RawSession {
    /// A session from TOML text (errors start with the line and column).
    #[wasm_bindgen(js_name = fromToml)]
    pub fn from_toml(text: &str) -> Result<RawSession> {
        Ok(RawSession {
            session: Session::from_toml(text).map_err(session)?,
        })
    }

    /// A session from an object shaped like the TOML (`{ track: [{ name, insert: [...] }] }`).
    #[wasm_bindgen(js_name = fromObject)]
    pub fn from_object(obj: JsValue) -> Result<RawSession> {
        if !is_plain_object(&obj) {
            return Err(err(format!(
                "a session object must be an object like {{ track: [...] }}, not {}",
                js_type(&obj)
            )));
        }
        let v = to_toml(&obj, "session")?;
        let session: Session = v
            .try_into()
            .map_err(|e: toml::de::Error| err(format!("session: {}", e.message().trim())))?;
        Ok(RawSession { session })
    }

    /// The session as TOML text (reads back to an equal session).
    #[wasm_bindgen(js_name = toToml)]
    pub fn to_toml(&self) -> Result<String> {
        self.session.to_toml().map_err(session)
    }

    /// The session as an object shaped like the TOML.
    #[wasm_bindgen(js_name = toObject)]
    pub fn to_object(&self) -> Result<JsValue> {
        let v = toml::Value::try_from(&self.session)
            .map_err(|e| err(format!("cannot convert the session: {e}")))?;
        Ok(from_toml(&v))
    }

    /// The tracks' names, in order.
    #[wasm_bindgen(getter, js_name = trackNames)]
    pub fn track_names(&self) -> Array {
        self.session
            .tracks
            .iter()
            .map(|t| JsValue::from_str(&t.name))
            .collect()
    }

    /// The session's own sample rate, if it names one.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> Option<u32> {
        self.session.sample_rate
    }

    /// Renders the mix from one entry per track (in track order) at `sample_rate`: stereo, the
    /// latency removed, the effects' tail appended (at most `max_tail_s`). If the session has a
    /// loudness target and `master` is true, the mix is normalized to it as the command does.
    /// Returns `{ sampleRate, channels, mix, report }` (`mix` is the unmastered mix; `report`
    /// is the normalization report, or `null`).
    pub fn render(
        &self,
        tracks: JsValue,
        sample_rate: f64,
        pad: bool,
        max_tail_s: f64,
        master: bool,
    ) -> Result<Object> {
        if !sample_rate.is_finite()
            || sample_rate.fract() != 0.0
            || !(1.0..=1.536e6).contains(&sample_rate)
        {
            return Err(err(format!(
                "sampleRate = {sample_rate}: a session mixes at a whole number of Hz (such as 48000)"
            )));
        }
        let rate = sample_rate as u32;
        if !Array::is_array(&tracks) {
            return Err(err(format!(
                "tracks must be an array with one entry per track ({}), not {}",
                self.session
                    .tracks
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                js_type(&tracks)
            )));
        }
        let items: &Array = tracks.unchecked_ref();
        if items.length() as usize != self.session.tracks.len() {
            return Err(err(format!(
                "the session has {} tracks but audio was given for {}",
                self.session.tracks.len(),
                items.length()
            )));
        }
        let mut sources = Vec::with_capacity(self.session.tracks.len());
        for (t, v) in self.session.tracks.iter().zip(items.iter()) {
            sources.push(track(&v, &t.name)?);
        }
        let options = RenderOptions { pad, max_tail_s };
        let mix = self
            .session
            .render(rate, sources, &options)
            .map_err(session)?;
        let o = Object::new();
        set(&o, "sampleRate", mix.sample_rate);
        let mix_js = audio::to_js_channels(&mix.channels);
        match (&self.session.master.normalize, master) {
            (Some(n), true) => {
                let target = n.target().map_err(session)?;
                let mut channels = mix.channels;
                let r = norm::normalize(
                    f64::from(mix.sample_rate),
                    ChannelLayout::Stereo,
                    &mut channels,
                    target,
                )
                .map_err(|e| core_in("mastering the mix", e))?;
                set(&o, "channels", audio::to_js_channels(&channels));
                set(&o, "report", crate::loudness::report(&r));
            }
            _ => {
                set(&o, "channels", mix_js.clone());
                set(&o, "report", JsValue::NULL);
            }
        }
        set(&o, "mix", mix_js);
        Ok(o)
    }
}
