//! Builds a prepared [`Mixer`] from a [`Session`]: strips, routing, sends, inserts (through the
//! processor registry) and automation. Errors name the track, bus or insert and the setting.

use mixmaster::mix::{Breakpoint, Curve, Envelope, Mixer, Node, Output, PanLaw, SendPoint, Target};
use mixmaster::settings::{OptionKind, Settings, Value};
use mixmaster::{Processor, registry};

use crate::error::{Context, Error, Result};
use crate::files::{AudioFiles, NoFiles};
use crate::model::{Automation, Insert, Point, Send, Session};

/// The block size a built mixer is prepared for (the render's block).
pub const BLOCK: usize = 1024;

impl Session {
    /// A mixer for this session at `sample_rate`, prepared for blocks of up to [`BLOCK`]
    /// frames; `track_channels[i]` is track `i`'s channel count (1 or 2).
    pub fn build_mixer(&self, sample_rate: u32, track_channels: &[usize]) -> Result<Mixer> {
        self.build_mixer_with(sample_rate, track_channels, &mut NoFiles)
    }

    /// [`Session::build_mixer`], reading the audio files inserts name (an impulse response)
    /// through `files`.
    pub fn build_mixer_with(
        &self,
        sample_rate: u32,
        track_channels: &[usize],
        files: &mut dyn AudioFiles,
    ) -> Result<Mixer> {
        if self.tracks.is_empty() {
            return Err(Error::new("the session has no [[track]]"));
        }
        if track_channels.len() != self.tracks.len() {
            return Err(Error::new(format!(
                "the session has {} tracks but audio was given for {}",
                self.tracks.len(),
                track_channels.len()
            )));
        }
        mixmaster::validate::sample_rate(f64::from(sample_rate))
            .ctx("the session's sample_rate")?;
        let fs = f64::from(sample_rate);
        let mut m = Mixer::new();
        for (i, b) in self.buses.iter().enumerate() {
            if self.buses[..i].iter().any(|o| o.name == b.name) {
                return Err(Error::new(format!("bus `{}` is defined twice", b.name)));
            }
            m.add_bus(&b.name);
        }
        for (i, (t, &channels)) in self.tracks.iter().zip(track_channels).enumerate() {
            let what = format!("track {i} `{}`", t.name);
            if !(1..=2).contains(&channels) {
                return Err(Error::new(format!(
                    "{what}: the audio has {channels} channels; tracks are mono or stereo"
                )));
            }
            let id = m.add_track(&t.name, channels).ctx(&what)?;
            let node = Node::Track(id);
            self.strip(
                files,
                sample_rate,
                &mut m,
                node,
                &what,
                t.gain_db,
                t.pan,
                t.mute,
                &t.inserts,
            )?;
            if let Some(law) = &t.pan_law {
                let law = PanLaw::from_name(law).ok_or_else(|| {
                    Error::new(format!(
                        "{what}: unknown pan_law `{law}` (linear, constant_power, compromise, square_root)"
                    ))
                })?;
                m.set_pan_law(node, law).ctx(&what)?;
            }
            m.set_solo(id, t.solo).ctx(&what)?;
            let out = self.route(&m, t.output.as_deref(), &what)?;
            m.set_output(node, out).ctx(&what)?;
            for (k, s) in t.sends.iter().enumerate() {
                let bus = self.bus_of(&m, &s.bus, &format!("{what} send {k}"))?;
                let point = if s.pre_fader {
                    SendPoint::PreFader
                } else {
                    SendPoint::PostFader
                };
                m.add_send(id, bus, s.level_db, point)
                    .ctx(format!("{what} send {k} (to `{}`)", s.bus))?;
            }
            for a in &t.automation {
                automate(&mut m, node, &what, a, Some(&t.sends))?;
            }
        }
        for (i, b) in self.buses.iter().enumerate() {
            let what = format!("bus `{}`", b.name);
            let node = Node::Bus(i);
            self.strip(
                files,
                sample_rate,
                &mut m,
                node,
                &what,
                b.gain_db,
                b.pan,
                b.mute,
                &b.inserts,
            )?;
            let out = self.route(&m, b.output.as_deref(), &what)?;
            m.set_output(node, out).ctx(format!("{what} output"))?;
            for a in &b.automation {
                automate(&mut m, node, &what, a, None)?;
            }
        }
        let master = &self.master;
        self.strip(
            files,
            sample_rate,
            &mut m,
            Node::Master,
            "master",
            master.gain_db,
            0.0,
            false,
            &master.inserts,
        )?;
        for a in &master.automation {
            automate(&mut m, Node::Master, "master", a, None)?;
        }
        if let Some(n) = &master.normalize {
            n.target().ctx("master.normalize")?;
        }
        m.prepare(fs, BLOCK).ctx("preparing the mixer")?;
        Ok(m)
    }

    fn bus_of(&self, m: &Mixer, name: &str, what: &str) -> Result<usize> {
        m.bus_index(name).ok_or_else(|| {
            let known: Vec<_> = self.buses.iter().map(|b| b.name.as_str()).collect();
            Error::new(format!(
                "{what}: no bus named `{name}` (buses: {})",
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ))
        })
    }

    fn route(&self, m: &Mixer, output: Option<&str>, what: &str) -> Result<Output> {
        match output {
            None | Some("master") => Ok(Output::Master),
            Some(name) => Ok(Output::Bus(self.bus_of(m, name, what)?)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn strip(
        &self,
        files: &mut dyn AudioFiles,
        sample_rate: u32,
        m: &mut Mixer,
        node: Node,
        what: &str,
        gain_db: f64,
        pan: f64,
        mute: bool,
        inserts: &[Insert],
    ) -> Result<()> {
        // The core's errors, with the session's names for the fader and the pan.
        m.set_fader_db(node, gain_db)
            .map_err(|e| named(e, "gain_db"))
            .ctx(what)?;
        if node != Node::Master {
            m.set_pan(node, pan)
                .map_err(|e| named(e, "pan"))
                .ctx(what)?;
            m.set_mute(node, mute).ctx(what)?;
        }
        for (k, ins) in inserts.iter().enumerate() {
            let place = format!("{what} insert {k} ({})", ins.kind);
            let mut p = registry::build(&ins.kind, &ins.settings).ctx(&place)?;
            load_audio(p.as_mut(), &ins.settings, files, sample_rate).ctx(&place)?;
            m.add_insert(node, p).ctx(what)?;
        }
        Ok(())
    }
}

/// Loads the audio files `settings` name for `p`'s audio options (an impulse response).
fn load_audio(
    p: &mut dyn Processor,
    settings: &Settings,
    files: &mut dyn AudioFiles,
    sample_rate: u32,
) -> Result<()> {
    let Some(d) = p.description() else {
        return Ok(());
    };
    for o in d.options {
        if !matches!(o.kind, OptionKind::Audio { .. }) {
            continue;
        }
        let Some(Value::Text(file)) = settings.get(o.name) else {
            continue;
        };
        if file.is_empty() {
            continue;
        }
        let data = files.load(file, sample_rate).ctx(format!("`{}`", o.name))?;
        let refs: Vec<&[f32]> = data.iter().map(|c| c.as_slice()).collect();
        p.load_audio(o.name, &refs, f64::from(sample_rate), file)
            .ctx(format!("`{} = \"{file}\"`", o.name))?;
    }
    Ok(())
}

/// A parameter error with the setting's name as the session file spells it.
fn named(e: mixmaster::Error, name: &'static str) -> mixmaster::Error {
    match e {
        mixmaster::Error::Parameter {
            value, range, note, ..
        } => mixmaster::Error::Parameter {
            name,
            value,
            range,
            note,
        },
        other => other,
    }
}

fn automate(
    m: &mut Mixer,
    node: Node,
    what: &str,
    a: &Automation,
    sends: Option<&[Send]>,
) -> Result<()> {
    let ctx = format!("{what} automation of `{}`", a.param);
    let mut points = Vec::with_capacity(a.points.len());
    for p in &a.points {
        points.push(match p {
            Point::Plain(t, v) => Breakpoint::new(*t, *v),
            Point::Shaped(t, v, c) => {
                let curve = Curve::from_name(c).ok_or_else(|| {
                    Error::new(format!(
                        "{ctx}: unknown curve `{c}` (linear, exponential, hold)"
                    ))
                })?;
                Breakpoint::new(*t, *v).with_curve(curve)
            }
        });
    }
    let env = Envelope::new(&points).ctx(&ctx)?;
    let parts: Vec<&str> = a.param.split('.').collect();
    let fail = |msg: String| Error::new(msg).context(&ctx);
    let target = match parts.as_slice() {
        ["gain_db"] => Target::Fader,
        ["pan"] => Target::Pan,
        ["send", bus] => {
            let sends = sends.ok_or_else(|| fail("only tracks have sends".into()))?;
            let k = sends
                .iter()
                .position(|s| s.bus == *bus)
                .ok_or_else(|| fail(format!("no send to `{bus}`")))?;
            Target::Send(k)
        }
        ["insert", index, name] => {
            let insert: usize = index
                .parse()
                .map_err(|_| fail(format!("`{index}` is not an insert index")))?;
            let stages = m.inserts_mut(node).ctx(&ctx)?;
            let n = stages.len();
            let stage = stages
                .get(insert)
                .ok_or_else(|| fail(format!("no insert {insert} (there are {n})")))?;
            let param = mixmaster::param::index_of(stage.params(), name)
                .ok_or_else(|| fail(unknown_param(stage.as_ref(), name)))?;
            Target::Insert { insert, param }
        }
        _ => {
            return Err(fail(
                "param must be gain_db, pan, send.BUS or insert.N.PARAM".into(),
            ));
        }
    };
    m.automate(node, target, env).ctx(&ctx)?;
    Ok(())
}

fn unknown_param(p: &dyn Processor, name: &str) -> String {
    let known: Vec<_> = p.params().iter().map(|i| i.name).collect();
    format!(
        "{} has no automatable parameter `{name}` (it has: {})",
        p.name(),
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    )
}
