//! Session files (TOML): tracks with their files, inserts, sends and automation; buses; the
//! master chain and an optional loudness target. Parsed into a [`mixmaster::mix::Mixer`] and
//! rendered offline. The format is documented in `docs/session.md`.

use anyhow::{Context, Result, anyhow, bail};
use mixmaster::Processor;
use mixmaster::master::normalize::{Preset, Target as LoudnessTarget};
use mixmaster::master::saturation::{Curve as SatCurve, Saturation};
use mixmaster::master::{Limiter, LinearPhaseEq, StereoWidth};
use mixmaster::mix::biquad::{Design, FilterKind};
use mixmaster::mix::{
    Breakpoint, Compressor, Curve, Delay, Detector, Envelope, Equalizer, Filter, Gain, Mixer, Node,
    Output, PanLaw, Reverb, SendPoint, Target,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::input::Input;
use crate::resample::Source;
use crate::wav::Audio;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionFile {
    sample_rate: Option<u32>,
    #[serde(default)]
    track: Vec<TrackDef>,
    #[serde(default)]
    bus: Vec<BusDef>,
    #[serde(default)]
    master: MasterDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackDef {
    name: String,
    file: PathBuf,
    #[serde(default)]
    gain_db: f64,
    #[serde(default)]
    pan: f64,
    pan_law: Option<String>,
    #[serde(default)]
    mute: bool,
    #[serde(default)]
    solo: bool,
    output: Option<String>,
    #[serde(default)]
    insert: Vec<InsertDef>,
    #[serde(default)]
    send: Vec<SendDef>,
    #[serde(default)]
    automation: Vec<AutomationDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BusDef {
    name: String,
    #[serde(default)]
    gain_db: f64,
    #[serde(default)]
    pan: f64,
    #[serde(default)]
    mute: bool,
    output: Option<String>,
    #[serde(default)]
    insert: Vec<InsertDef>,
    #[serde(default)]
    automation: Vec<AutomationDef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MasterDef {
    #[serde(default)]
    gain_db: f64,
    #[serde(default)]
    insert: Vec<InsertDef>,
    #[serde(default)]
    automation: Vec<AutomationDef>,
    normalize: Option<NormalizeDef>,
}

/// A loudness target for the master: a platform preset, or explicit numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormalizeDef {
    preset: Option<String>,
    target_lufs: Option<f64>,
    ceiling_dbtp: Option<f64>,
}

impl NormalizeDef {
    /// The target it names.
    pub fn target(&self) -> Result<LoudnessTarget> {
        loudness_target(self.preset.as_deref(), self.target_lufs, self.ceiling_dbtp)
    }
}

/// A loudness target from a preset name or numbers (numbers override the preset's).
pub fn loudness_target(
    preset: Option<&str>,
    lufs: Option<f64>,
    ceiling: Option<f64>,
) -> Result<LoudnessTarget> {
    let base = match preset {
        Some(name) => Preset::from_name(name)
            .ok_or_else(|| {
                let names: Vec<_> = Preset::ALL.iter().map(|p| p.name()).collect();
                anyhow!("unknown preset `{name}` (known: {})", names.join(", "))
            })?
            .target(),
        None if lufs.is_none() => Preset::Spotify.target(),
        None => LoudnessTarget {
            integrated_lufs: -14.0,
            ceiling_dbtp: -1.0,
        },
    };
    Ok(LoudnessTarget::new(
        lufs.unwrap_or(base.integrated_lufs),
        ceiling.unwrap_or(base.ceiling_dbtp),
    )?)
}

#[derive(Debug, Deserialize)]
struct InsertDef {
    #[serde(rename = "type")]
    kind: String,
    #[serde(flatten)]
    params: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SendDef {
    bus: String,
    #[serde(default)]
    level_db: f64,
    #[serde(default)]
    pre_fader: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AutomationDef {
    param: String,
    points: Vec<PointDef>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PointDef {
    Plain(f64, f64),
    Shaped(f64, f64, String),
}

/// A session ready to render.
pub struct Session {
    /// The mixer, prepared.
    pub mixer: Mixer,
    /// Track files, open for reading block by block at the session's rate, in track order.
    pub tracks: Vec<Source>,
    /// Sample rate.
    pub sample_rate: u32,
    /// Frames of the longest track.
    pub frames: usize,
    /// Tracks whose files are resampled: name and the file's rate.
    pub resampled: Vec<(String, u32)>,
    /// The master's loudness target, if the session names one.
    pub normalize: Option<NormalizeDef>,
}

/// Render block size.
pub const BLOCK: usize = 1024;

/// Turns a TOML error into one line: `FILE:LINE:COL: message`.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let at = e.span().map(|s| {
        let before = &text[..s.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        format!(":{line}:{col}")
    });
    anyhow!(
        "{}{}: {}",
        path.display(),
        at.unwrap_or_default(),
        e.message().trim()
    )
}

/// Loads, checks and prepares a session file. `pad` lets tracks of different lengths be padded
/// with silence to the longest (otherwise that is an error naming them).
pub fn load(path: &Path, pad: bool) -> Result<Session> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read session {}", path.display()))?;
    let def: SessionFile = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tracks = Vec::with_capacity(def.track.len());
    for (i, t) in def.track.iter().enumerate() {
        let file = dir.join(&t.file);
        let audio = Input::open(&file).with_context(|| format!("track {i} `{}`", t.name))?;
        if audio.channels() > 2 {
            bail!(
                "track {i} `{}`: {} has {} channels; tracks are mono or stereo",
                t.name,
                file.display(),
                audio.channels()
            );
        }
        tracks.push(audio);
    }
    build(def, tracks, pad)
}

/// Builds a session from already-loaded track audio (the demo uses this too).
fn build(def: SessionFile, tracks: Vec<Input>, pad: bool) -> Result<Session> {
    if def.track.is_empty() {
        bail!("the session has no [[track]]");
    }
    let sample_rate = def.sample_rate.unwrap_or(tracks[0].sample_rate());
    mixmaster::validate::sample_rate(f64::from(sample_rate))
        .context("the session's sample_rate")?;
    // Files at another rate are resampled (rubato's FFT resampler).
    let tracks = def
        .track
        .iter()
        .zip(tracks)
        .map(|(t, a)| {
            let rate = a.sample_rate();
            Source::new(a, sample_rate).with_context(|| {
                format!(
                    "track `{}`: {} is at {rate} Hz, the session at {sample_rate} Hz",
                    t.name,
                    t.file.display()
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let frames = tracks.iter().map(|t| t.frames()).max().unwrap_or(0);
    let resampled = def
        .track
        .iter()
        .zip(&tracks)
        .filter(|(_, a)| a.resampled())
        .map(|(t, a)| (t.name.clone(), a.file_rate()))
        .collect();
    // A resampled track may come out one frame short of a track recorded at the session's
    // rate (its length is rounded up from a fraction): that is not a different length.
    let short = def
        .track
        .iter()
        .zip(&tracks)
        .find(|(_, a)| a.frames() + usize::from(a.resampled()) < frames);
    if let (false, Some((t, a))) = (pad, short) {
        let longest = def
            .track
            .iter()
            .zip(&tracks)
            .find(|(_, a)| a.frames() == frames)
            .map_or("", |(t, _)| t.name.as_str());
        bail!(
            "track `{}` is {:.3} s long but `{longest}` is {:.3} s: tracks must be the same length (pass --pad to pad shorter tracks with silence)",
            t.name,
            a.frames() as f64 / f64::from(sample_rate),
            frames as f64 / f64::from(sample_rate)
        );
    }
    let fs = f64::from(sample_rate);
    let mut m = Mixer::new();
    for (i, b) in def.bus.iter().enumerate() {
        if def.bus[..i].iter().any(|o| o.name == b.name) {
            bail!("bus `{}` is defined twice", b.name);
        }
        m.add_bus(&b.name);
    }
    let bus_of = |m: &Mixer, name: &str, what: &str| -> Result<usize> {
        m.bus_index(name).ok_or_else(|| {
            let known: Vec<_> = def.bus.iter().map(|b| b.name.as_str()).collect();
            anyhow!(
                "{what}: no bus named `{name}` (buses: {})",
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            )
        })
    };
    let route = |m: &Mixer, o: &Option<String>, what: &str| -> Result<Output> {
        match o.as_deref() {
            None | Some("master") => Ok(Output::Master),
            Some(name) => Ok(Output::Bus(bus_of(m, name, what)?)),
        }
    };
    for (i, t) in def.track.iter().enumerate() {
        let what = format!("track {i} `{}`", t.name);
        let id = m.add_track(&t.name, tracks[i].channels())?;
        let node = Node::Track(id);
        strip(&mut m, node, &what, t.gain_db, t.pan, t.mute, &t.insert, fs)?;
        if let Some(law) = &t.pan_law {
            let law = PanLaw::from_name(law).ok_or_else(|| anyhow!("{what}: unknown pan_law `{law}` (linear, constant_power, compromise, square_root)"))?;
            m.set_pan_law(node, law)?;
        }
        m.set_solo(id, t.solo)?;
        let out = route(&m, &t.output, &what)?;
        m.set_output(node, out).with_context(|| what.clone())?;
        for (k, s) in t.send.iter().enumerate() {
            let bus = bus_of(&m, &s.bus, &format!("{what} send {k}"))?;
            let point = if s.pre_fader {
                SendPoint::PreFader
            } else {
                SendPoint::PostFader
            };
            m.add_send(id, bus, s.level_db, point)
                .with_context(|| format!("{what} send {k} (to `{}`)", s.bus))?;
        }
        for a in &t.automation {
            automate(&mut m, node, &what, a, Some(&t.send))?;
        }
    }
    for (i, b) in def.bus.iter().enumerate() {
        let what = format!("bus `{}`", b.name);
        let node = Node::Bus(i);
        strip(&mut m, node, &what, b.gain_db, b.pan, b.mute, &b.insert, fs)?;
        let out = route(&m, &b.output, &what)?;
        m.set_output(node, out)
            .with_context(|| format!("{what} output"))?;
        for a in &b.automation {
            automate(&mut m, node, &what, a, None)?;
        }
    }
    let mdef = &def.master;
    strip(
        &mut m,
        Node::Master,
        "master",
        mdef.gain_db,
        0.0,
        false,
        &mdef.insert,
        fs,
    )?;
    for a in &mdef.automation {
        automate(&mut m, Node::Master, "master", a, None)?;
    }
    if let Some(n) = &mdef.normalize {
        n.target().context("master.normalize")?;
    }
    m.prepare(fs, BLOCK).context("preparing the mixer")?;
    Ok(Session {
        mixer: m,
        tracks,
        sample_rate,
        frames,
        resampled,
        normalize: def.master.normalize,
    })
}

#[allow(clippy::too_many_arguments)]
fn strip(
    m: &mut Mixer,
    node: Node,
    what: &str,
    gain_db: f64,
    pan: f64,
    mute: bool,
    inserts: &[InsertDef],
    fs: f64,
) -> Result<()> {
    m.set_fader_db(node, gain_db)
        .with_context(|| format!("{what}: gain_db"))?;
    if node != Node::Master {
        m.set_pan(node, pan)
            .with_context(|| format!("{what}: pan"))?;
        m.set_mute(node, mute)?;
    }
    for (k, ins) in inserts.iter().enumerate() {
        let p = processor(ins, fs).with_context(|| format!("{what} insert {k} ({})", ins.kind))?;
        m.add_insert(node, p)?;
    }
    Ok(())
}

fn automate(
    m: &mut Mixer,
    node: Node,
    what: &str,
    a: &AutomationDef,
    sends: Option<&[SendDef]>,
) -> Result<()> {
    let ctx = || format!("{what} automation of `{}`", a.param);
    let mut points = Vec::with_capacity(a.points.len());
    for p in &a.points {
        points.push(match p {
            PointDef::Plain(t, v) => Breakpoint::new(*t, *v),
            PointDef::Shaped(t, v, c) => {
                let curve = Curve::from_name(c)
                    .ok_or_else(|| anyhow!("unknown curve `{c}` (linear, exponential, hold)"))
                    .with_context(ctx)?;
                Breakpoint::new(*t, *v).with_curve(curve)
            }
        });
    }
    let env = Envelope::new(&points).with_context(ctx)?;
    let parts: Vec<&str> = a.param.split('.').collect();
    let target = match parts.as_slice() {
        ["gain_db"] => Target::Fader,
        ["pan"] => Target::Pan,
        ["send", bus] => {
            let sends = sends
                .ok_or_else(|| anyhow!("only tracks have sends"))
                .with_context(ctx)?;
            let k = sends
                .iter()
                .position(|s| s.bus == *bus)
                .ok_or_else(|| anyhow!("no send to `{bus}`"))
                .with_context(ctx)?;
            Target::Send(k)
        }
        ["insert", index, name] => {
            let insert: usize = index
                .parse()
                .map_err(|_| anyhow!("`{index}` is not an insert index"))
                .with_context(ctx)?;
            let stages = m.inserts_mut(node)?;
            let n = stages.len();
            let stage = stages
                .get(insert)
                .ok_or_else(|| anyhow!("no insert {insert} (there are {n})"))
                .with_context(ctx)?;
            let param = mixmaster::param::index_of(stage.params(), name)
                .ok_or_else(|| unknown_param(stage.as_ref(), name))
                .with_context(ctx)?;
            Target::Insert { insert, param }
        }
        _ => {
            return Err(anyhow!(
                "param must be gain_db, pan, send.BUS or insert.N.PARAM"
            ))
            .with_context(ctx);
        }
    };
    m.automate(node, target, env).with_context(ctx)?;
    Ok(())
}

fn unknown_param(p: &dyn Processor, name: &str) -> anyhow::Error {
    let known: Vec<_> = p.params().iter().map(|i| i.name).collect();
    anyhow!(
        "{} has no parameter `{name}` (it has: {})",
        p.name(),
        known.join(", ")
    )
}

fn number(v: &toml::Value, key: &str) -> Result<f64> {
    match v {
        toml::Value::Float(f) => Ok(*f),
        toml::Value::Integer(i) => Ok(*i as f64),
        toml::Value::Boolean(b) => Ok(if *b { 1.0 } else { 0.0 }),
        other => bail!("`{key}` must be a number, not {}", other.type_str()),
    }
}

fn string<'a>(params: &'a BTreeMap<String, toml::Value>, key: &str) -> Result<Option<&'a str>> {
    match params.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s)),
        Some(other) => bail!("`{key}` must be a string, not {}", other.type_str()),
    }
}

fn design(params: &BTreeMap<String, toml::Value>) -> Result<Design> {
    let kind_name = string(params, "kind")?
        .ok_or_else(|| anyhow!("missing `kind` (peaking, low_shelf, high_pass, ...)"))?;
    let order = params
        .get("order")
        .map(|v| number(v, "order"))
        .transpose()?
        .unwrap_or(2.0) as u8;
    let kind = FilterKind::from_name(kind_name, order)
        .ok_or_else(|| anyhow!("unknown filter kind `{kind_name}`"))?;
    let f = params
        .get("frequency_hz")
        .ok_or_else(|| anyhow!("missing `frequency_hz`"))?;
    let mut d = Design::new(kind, number(f, "frequency_hz")?);
    if let Some(q) = params.get("q") {
        d.q = number(q, "q")?;
    }
    if let Some(g) = params.get("gain_db") {
        d.gain_db = number(g, "gain_db")?;
    }
    for k in params.keys() {
        if !["kind", "order", "frequency_hz", "q", "gain_db"].contains(&k.as_str()) {
            bail!("unknown band field `{k}` (kind, order, frequency_hz, q, gain_db)");
        }
    }
    Ok(d)
}

fn bands(params: &BTreeMap<String, toml::Value>) -> Result<Vec<Design>> {
    let Some(toml::Value::Array(list)) = params.get("bands") else {
        bail!("missing `bands` (an array of {{ kind, frequency_hz, q, gain_db }})");
    };
    list.iter()
        .enumerate()
        .map(|(i, b)| match b {
            toml::Value::Table(t) => {
                let m: BTreeMap<String, toml::Value> = t.clone().into_iter().collect();
                design(&m).with_context(|| format!("band {i}"))
            }
            _ => bail!("band {i} must be a table {{ kind = ..., frequency_hz = ... }}"),
        })
        .collect()
}

/// Makes one insert from its table: `type` picks the processor; the other keys are its
/// parameters by name (plus a few structural keys such as a filter's `kind`).
fn processor(def: &InsertDef, fs: f64) -> Result<Box<dyn Processor>> {
    let p = &def.params;
    let num = |k: &str| p.get(k).map(|v| number(v, k)).transpose();
    let (mut proc, structural): (Box<dyn Processor>, &[&str]) = match def.kind.as_str() {
        "gain" => (Box::new(Gain::new()), &[]),
        "filter" => {
            let d = design(
                &p.iter()
                    .filter(|(k, _)| {
                        ["kind", "order", "frequency_hz", "q", "gain_db"].contains(&k.as_str())
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )?;
            d.validate(fs)?;
            (
                Box::new(Filter::from_design(d)?),
                &["kind", "order", "frequency_hz", "q", "gain_db"],
            )
        }
        "eq" => {
            let b = bands(p)?;
            for d in &b {
                d.validate(fs)?;
            }
            (Box::new(Equalizer::from_designs(&b)?), &["bands"])
        }
        "linear_phase_eq" => {
            let b = bands(p)?;
            let mut eq = LinearPhaseEq::new(&b)?;
            if let Some(t) = num("taps")? {
                eq.set_taps(t as usize)?;
            }
            (Box::new(eq), &["bands", "taps"])
        }
        "compressor" => {
            let mut c = Compressor::new();
            match string(p, "detector")? {
                None | Some("peak") => {}
                Some("rms") => c.set_detector(Detector::Rms),
                Some(o) => bail!("unknown detector `{o}` (peak, rms)"),
            }
            if let Some(v) = p.get("linked") {
                c.set_linked(number(v, "linked")? != 0.0);
            }
            (Box::new(c), &["detector", "linked"])
        }
        "delay" => {
            let max = num("max_ms")?.unwrap_or(2000.0);
            let mut d = Delay::new(max)?;
            if let Some(v) = p.get("ping_pong") {
                d.set_ping_pong(number(v, "ping_pong")? != 0.0);
            }
            (Box::new(d), &["max_ms", "ping_pong"])
        }
        "reverb" => (Box::new(Reverb::new()), &[]),
        "limiter" => {
            let ceiling = num("ceiling_dbtp")?.unwrap_or(-1.0);
            let look = num("lookahead_ms")?.unwrap_or(5.0);
            (
                Box::new(Limiter::new(ceiling, look)?),
                &["ceiling_dbtp", "lookahead_ms"],
            )
        }
        "saturation" => {
            let curve = match string(p, "curve")? {
                None | Some("symmetric") => SatCurve::Symmetric,
                Some("asymmetric") => SatCurve::Asymmetric,
                Some(o) => bail!("unknown curve `{o}` (symmetric, asymmetric)"),
            };
            let factor = num("oversample")?.unwrap_or(4.0) as usize;
            (
                Box::new(Saturation::new(curve, factor)?),
                &["curve", "oversample"],
            )
        }
        "width" => (Box::new(StereoWidth::new()), &[]),
        other => bail!(
            "unknown insert type `{other}` (gain, filter, eq, linear_phase_eq, compressor, delay, reverb, limiter, saturation, width)"
        ),
    };
    for (k, v) in p {
        if structural.contains(&k.as_str()) {
            continue;
        }
        let i = mixmaster::param::index_of(proc.params(), k)
            .ok_or_else(|| unknown_param(proc.as_ref(), k))?;
        proc.set_param(i, number(v, k)?)
            .with_context(|| format!("`{k}`"))?;
    }
    Ok(proc)
}

/// Renders the session: the whole mix, latency removed, plus the effects' tail (at most
/// `max_tail_s` seconds). `progress` is told the frames done.
pub fn render(s: &mut Session, max_tail_s: f64, progress: &dyn Fn(u64)) -> Result<Audio> {
    let fs = f64::from(s.sample_rate);
    let lat = s.mixer.latency_frames();
    let tail = s
        .mixer
        .tail_frames()
        .min((max_tail_s * fs) as usize + lat)
        .max(lat);
    let total = s.frames + tail;
    let (mut l, mut r) = (vec![0.0f32; total], vec![0.0f32; total]);
    // Each block of each track is decoded into scratch, silence past a track's end.
    let mut scratch: Vec<Vec<Vec<f32>>> = s
        .tracks
        .iter()
        .map(|a| vec![vec![0.0; BLOCK]; a.channels()])
        .collect();
    let mut pos = 0;
    while pos < total {
        let n = BLOCK.min(total - pos);
        for (a, sc) in s.tracks.iter_mut().zip(scratch.iter_mut()) {
            let mut chans: Vec<&mut [f32]> = sc.iter_mut().map(|c| &mut c[..n]).collect();
            a.read_into(&mut chans)?;
        }
        let inputs: Vec<Vec<&[f32]>> = scratch
            .iter()
            .map(|t| t.iter().map(|c| &c[..n]).collect())
            .collect();
        let refs: Vec<&[&[f32]]> = inputs.iter().map(|t| &t[..]).collect();
        s.mixer
            .process(&refs, [&mut l[pos..pos + n], &mut r[pos..pos + n]])?;
        pos += n;
        progress(pos as u64);
    }
    l.drain(..lat);
    r.drain(..lat);
    Ok(Audio {
        sample_rate: s.sample_rate,
        channels: vec![l, r],
    })
}
