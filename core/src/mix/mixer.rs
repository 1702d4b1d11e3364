//! [`Mixer`]: many tracks summed to one stereo master, the way a mixing desk does it.
//!
//! Signal flow, per block:
//!
//! ```text
//! track input → inserts → pan (with mute/solo) ─┬─ × fader ──────────→ output (master or a bus)
//!                                               ├─ × send level ─────→ aux bus   (pre-fader)
//!                                               └─ × fader × level ──→ aux bus   (post-fader)
//! bus input (sum) → inserts → balance → × fader → output (master or a later bus)
//! master input (sum) → inserts (mastering) → × fader → out
//! ```
//!
//! * Tracks are mono or stereo; buses and the master are stereo. Group buses and aux (effect)
//!   buses are the same thing: a bus fed by track outputs is a group, one fed by sends is an aux.
//!   A bus may feed the master or a bus added after it, so routing never loops.
//! * Solo is solo-in-place: while any track is soloed, the tracks that are not are silent, and
//!   buses keep playing (so a soloed track is heard with its reverb, as on a desk). Mute and solo
//!   fade over [`crate::smooth::DEFAULT_GAIN_RAMP_S`] rather than click.
//! * Latency compensation: every path into a bus or the master is delayed so that all arrive
//!   with the same latency, whatever their inserts report. [`Mixer::latency_frames`] is the
//!   latency of the whole mix.
//! * Automation ([`Envelope`]): faders, pans and send levels follow their envelopes per sample;
//!   insert parameters on a fixed grid of [`AUTOMATION_GRID`] frames from the start, each
//!   through its processor's own smoothing. Output does not depend on the block size.
//!
//! [`Mixer::prepare`] allocates everything; [`Mixer::process`] allocates nothing.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::automation::{AUTOMATION_GRID, Envelope};
use super::compressor::{Compressor, process_lanes as process_comp_lanes};
use super::eq::{Equalizer, process_lanes as process_eq_lanes};
use super::gain::{MAX_GAIN_DB, MIN_GAIN_DB};
use super::pan::{PanLaw, PanMode, Panner};
use crate::db::db_to_gain;
use crate::error::{Error, Range, Result};
use crate::processor::{Chain, ProcessSpec, Processor};
use crate::smooth::{DEFAULT_GAIN_RAMP_S, Smoothed};
use crate::validate;

/// Allowed range of faders and send levels, dB.
pub const LEVEL_RANGE: Range = Range::closed(MIN_GAIN_DB, MAX_GAIN_DB);
/// Allowed range of pans.
pub const PAN_RANGE: Range = Range::closed(-1.0, 1.0);

/// Where a track or bus sends its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// The master bus.
    #[default]
    Master,
    /// Bus `index` (as returned by [`Mixer::add_bus`]).
    Bus(usize),
}

/// Where a send taps the track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SendPoint {
    /// Before the fader (after inserts, pan and mute): the fader does not change it.
    PreFader,
    /// After the fader: the fader scales it.
    #[default]
    PostFader,
}

/// A strip of the mixer, for automation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// Track `index`.
    Track(usize),
    /// Bus `index`.
    Bus(usize),
    /// The master bus.
    Master,
}

/// What an envelope moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The fader, dB.
    Fader,
    /// The pan (tracks) or balance (buses), −1 to 1.
    Pan,
    /// The level of send `index` of a track, dB.
    Send(usize),
    /// Parameter `param` (an index into the processor's [`Processor::params`]) of insert
    /// `insert`.
    Insert {
        /// Insert index in the strip's chain.
        insert: usize,
        /// Parameter index.
        param: usize,
    },
}

/// A value that is either smoothed towards what a setter asked for, or follows an envelope.
#[derive(Debug, Clone)]
struct Param {
    smoothed: Smoothed,
    envelope: Option<Envelope>,
}

impl Param {
    fn new(value: f64) -> Self {
        Param {
            smoothed: Smoothed::new(value),
            envelope: None,
        }
    }

    fn set(&mut self, value: f64, prepared: bool) {
        if prepared {
            self.smoothed.set_target(value);
        } else {
            self.smoothed.set_immediate(value);
        }
    }

    fn prepare(&mut self, sample_rate: f64) {
        self.smoothed.set_ramp(DEFAULT_GAIN_RAMP_S, sample_rate);
        if let Some(e) = &mut self.envelope {
            e.prepare(sample_rate);
        }
    }

    /// The value over `out.len()` frames from `frame`: `Some(v)` if constant, else written to
    /// `out` per frame (through `map`, which turns the parameter into what the mixer multiplies).
    fn render(&mut self, frame: u64, out: &mut [f32], map: impl Fn(f64) -> f64) -> Option<f32> {
        if let Some(e) = &mut self.envelope {
            if let Some(v) = e.constant_over(frame, out.len()) {
                return Some(map(v) as f32);
            }
            for (k, o) in out.iter_mut().enumerate() {
                *o = map(e.value_at(frame + k as u64)) as f32;
            }
            return None;
        }
        if !self.smoothed.is_smoothing() {
            return Some(map(self.smoothed.value()) as f32);
        }
        for o in out.iter_mut() {
            *o = map(self.smoothed.tick()) as f32;
        }
        None
    }

    fn reset(&mut self) {
        self.smoothed.finish();
        if let Some(e) = &mut self.envelope {
            e.rewind();
        }
    }
}

/// A whole-frame delay that lines up paths of different latency before they are summed.
#[derive(Debug, Clone, Default)]
struct AlignDelay {
    ring: [Vec<f32>; 2],
    pos: usize,
}

impl AlignDelay {
    fn prepare(&mut self, frames: usize) {
        self.ring = [vec![0.0; frames], vec![0.0; frames]];
        self.pos = 0;
    }

    fn reset(&mut self) {
        self.ring.iter_mut().for_each(|r| r.fill(0.0));
        self.pos = 0;
    }

    /// `dst += delayed(src × gain)`, with `gain` constant (`Some`) or per frame (`per`).
    fn add(&mut self, src: [&[f32]; 2], gain: Option<f32>, per: &[f32], dst: [&mut [f32]; 2]) {
        let d = self.ring[0].len();
        let g = |k: usize| gain.unwrap_or_else(|| per[k]);
        if d == 0 {
            for (s, o) in src.into_iter().zip(dst) {
                match gain {
                    Some(g) => o.iter_mut().zip(s).for_each(|(o, s)| *o += s * g),
                    None => o
                        .iter_mut()
                        .zip(s)
                        .zip(per)
                        .for_each(|((o, s), g)| *o += s * g),
                }
            }
            return;
        }
        let (start, n) = (self.pos, src[0].len());
        for ((s, o), ring) in src.into_iter().zip(dst).zip(self.ring.iter_mut()) {
            let mut p = start;
            for (k, (o, s)) in o.iter_mut().zip(s).enumerate() {
                *o += ring[p];
                ring[p] = s * g(k);
                p += 1;
                if p == d {
                    p = 0;
                }
            }
        }
        self.pos = (start + n) % d;
    }
}

/// Insert automation: an envelope driving one parameter of one insert.
#[derive(Debug, Clone)]
struct InsertAutomation {
    insert: usize,
    param: usize,
    envelope: Envelope,
}

/// What tracks, buses and the master share: inserts, fader, pan, mute, automation, and the
/// delay that aligns the output with the other paths into the same destination.
struct Strip {
    name: String,
    channels: usize,
    inserts: Chain,
    fader: Param,
    pan: Param,
    law: PanLaw,
    mute: bool,
    /// Mute and solo as a gain from 0 to 1, faded.
    on: Smoothed,
    output: Output,
    automation: Vec<InsertAutomation>,
    /// Working buffers: the strip's audio (tracks: after input; buses: their summed input).
    buf: [Vec<f32>; 2],
    align: AlignDelay,
    /// Latency at the strip's output, from the start of the mix (set by `prepare`).
    latency: usize,
}

impl Strip {
    fn new(name: &str, channels: usize) -> Self {
        Strip {
            name: name.into(),
            channels,
            inserts: Chain::new(),
            fader: Param::new(0.0),
            pan: Param::new(0.0),
            law: PanLaw::ConstantPower,
            mute: false,
            on: Smoothed::new(1.0),
            output: Output::Master,
            automation: Vec::new(),
            buf: [Vec::new(), Vec::new()],
            align: AlignDelay::default(),
            latency: 0,
        }
    }

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        self.inserts.prepare(ProcessSpec::new(
            spec.sample_rate,
            spec.max_block_frames,
            self.channels,
        ))?;
        self.fader.prepare(spec.sample_rate);
        self.pan.prepare(spec.sample_rate);
        self.on.set_ramp(DEFAULT_GAIN_RAMP_S, spec.sample_rate);
        for a in &mut self.automation {
            a.envelope.prepare(spec.sample_rate);
        }
        self.buf = [
            vec![0.0; spec.max_block_frames],
            vec![0.0; spec.max_block_frames],
        ];
        Ok(())
    }

    fn reset(&mut self) {
        self.inserts.reset();
        self.fader.reset();
        self.pan.reset();
        self.on.finish();
        self.align.reset();
        for a in &mut self.automation {
            a.envelope.rewind();
        }
    }

    /// Sets insert parameters from their envelopes when `frame` is on the automation grid.
    fn automate_inserts(&mut self, frame: u64) {
        if frame % AUTOMATION_GRID != 0 {
            return;
        }
        for a in &mut self.automation {
            let v = a.envelope.value_at(frame);
            if let Some(stage) = self.inserts.stages_mut().get_mut(a.insert) {
                // Values were checked against the parameter's range when the envelope was set;
                // a value the processor still refuses (a frequency above this rate's Nyquist)
                // leaves the parameter where it was.
                let _ = stage.set_param(a.param, v);
            }
        }
    }

    fn has_insert_automation(&self) -> bool {
        !self.automation.is_empty()
    }

    /// Runs the inserts from `first_insert` on, then pans (mono → stereo, or stereo balance) and
    /// applies mute/solo, leaving the stereo pre-fader signal in `buf[0..2][..n]`.
    fn run(&mut self, frame: u64, n: usize, scratch: &mut [f32], first_insert: usize) {
        {
            let [a, b] = &mut self.buf;
            let mut block: [&mut [f32]; 2] = [&mut a[..n], &mut b[..n]];
            for stage in self.inserts.stages_mut().iter_mut().skip(first_insert) {
                stage.process_block(&mut block[..self.channels]);
            }
        }
        let mode = if self.channels == 1 {
            PanMode::MonoToStereo
        } else {
            PanMode::Balance
        };
        let law = self.law;
        let [l, r] = &mut self.buf;
        let (l, r) = (&mut l[..n], &mut r[..n]);
        let scratch = &mut scratch[..n];
        match self.pan.render(frame, scratch, |p| p) {
            // A stereo strip at the centre passes unchanged (balance 0 is the identity).
            Some(p) if mode == PanMode::Balance && p == 0.0 => {}
            Some(p) => Panner::block(law, mode, f64::from(p), l, r),
            None => {
                for ((l, r), p) in l.iter_mut().zip(r.iter_mut()).zip(scratch.iter()) {
                    (*l, *r) = Panner::frame(law, mode, f64::from(*p), *l, *r);
                }
            }
        }
        if self.on.is_smoothing() {
            for (l, r) in l.iter_mut().zip(r.iter_mut()) {
                let g = self.on.tick() as f32;
                *l *= g;
                *r *= g;
            }
        } else if self.on.value() != 1.0 {
            l.fill(0.0);
            r.fill(0.0);
        }
    }
}

/// One send of a track to an aux bus.
struct Send {
    bus: usize,
    point: SendPoint,
    level: Param,
    align: AlignDelay,
}

/// A mixer: tracks, buses and a master bus. See the module docs for the signal flow.
pub struct Mixer {
    tracks: Vec<Strip>,
    solo: Vec<bool>,
    sends: Vec<Vec<Send>>,
    buses: Vec<Strip>,
    master: Strip,
    spec: Option<ProcessSpec>,
    frame: u64,
    fader_gain: Vec<f32>,
    send_gain: Vec<f32>,
    scratch: Vec<f32>,
    /// Groups of four tracks of one width (mono or stereo) whose first inserts (an equalizer,
    /// then a compressor) run side by side in vector lanes; `banked[t]` marks their members.
    banks: Vec<[usize; 4]>,
    banked: Vec<bool>,
    lanes: bool,
}

impl Default for Mixer {
    fn default() -> Self {
        Mixer::new()
    }
}

impl core::fmt::Debug for Mixer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Mixer")
            .field(
                "tracks",
                &self.tracks.iter().map(|t| &t.name).collect::<Vec<_>>(),
            )
            .field(
                "buses",
                &self.buses.iter().map(|b| &b.name).collect::<Vec<_>>(),
            )
            .field("spec", &self.spec)
            .finish()
    }
}

/// Copies a track's input block into its buffer; non-finite samples become silence.
fn load_input(track: &mut Strip, input: &[&[f32]], pos: usize, n: usize) {
    for (c, input) in input.iter().enumerate() {
        for (d, s) in track.buf[c][..n].iter_mut().zip(&input[pos..pos + n]) {
            *d = if s.is_finite() { *s } else { 0.0 };
        }
    }
}

/// Four distinct elements of `v`, at strictly increasing indices (`None` otherwise).
fn four_mut<T>(v: &mut [T], ids: [usize; 4]) -> Option<[&mut T; 4]> {
    let [i0, i1, i2, i3] = ids;
    if !(i0 < i1 && i1 < i2 && i2 < i3 && i3 < v.len()) {
        return None;
    }
    let (a, rest) = v.split_at_mut(i1);
    let (b, rest) = rest.split_at_mut(i2 - i1);
    let (c, d) = rest.split_at_mut(i3 - i2);
    Some([&mut a[i0], &mut b[0], &mut c[0], &mut d[0]])
}

/// The inserts and the buffers of one bank member (the second unused for mono).
type BankPart<'a> = (
    &'a mut [alloc::boxed::Box<dyn Processor>],
    [&'a mut [f32]; 2],
);

/// Runs one insert of four bank members side by side: the processors, their buffers
/// (`[member][channel]`) and the channel count.
type LaneFn<T> = fn([&mut T; 4], [[&mut [f32]; 2]; 4], usize);

/// Runs insert `stage` of the four bank members (each of `channels` channels): side by side
/// through `lanes` when every one is a `T` that `ready` accepts, otherwise one by one (the
/// output is the same either way).
fn bank_stage<T: 'static>(
    parts: &mut [BankPart<'_>; 4],
    stage: usize,
    channels: usize,
    ready: fn(&T, usize) -> bool,
    lanes: LaneFn<T>,
) {
    fn get<T: 'static>(p: &mut alloc::boxed::Box<dyn Processor>) -> Option<&mut T> {
        p.as_any_mut()?.downcast_mut::<T>()
    }
    let all = parts
        .iter_mut()
        .all(|(st, _)| get::<T>(&mut st[stage]).is_some_and(|t| ready(t, channels)));
    if all {
        let [p0, p1, p2, p3] = parts;
        if let (Some(a), Some(b), Some(c), Some(d)) = (
            get::<T>(&mut p0.0[stage]),
            get::<T>(&mut p1.0[stage]),
            get::<T>(&mut p2.0[stage]),
            get::<T>(&mut p3.0[stage]),
        ) {
            let bufs =
                [&mut p0.1, &mut p1.1, &mut p2.1, &mut p3.1].map(|[x, y]| [&mut **x, &mut **y]);
            lanes([a, b, c, d], bufs, channels);
            return;
        }
    }
    for (st, bufs) in parts.iter_mut() {
        let [x, y] = bufs;
        st[stage].process_block(&mut [&mut **x, &mut **y][..channels]);
    }
}

fn no_such(what: &'static str, index: usize, count: usize) -> Error {
    Error::NoSuch { what, index, count }
}

impl Mixer {
    /// An empty mixer (no tracks, no buses, an empty master chain).
    pub fn new() -> Self {
        Mixer {
            tracks: Vec::new(),
            solo: Vec::new(),
            sends: Vec::new(),
            buses: Vec::new(),
            master: Strip::new("master", 2),
            spec: None,
            frame: 0,
            fader_gain: Vec::new(),
            send_gain: Vec::new(),
            scratch: Vec::new(),
            banks: Vec::new(),
            banked: Vec::new(),
            lanes: true,
        }
    }

    /// Whether tracks may run side by side in vector lanes (on by default; the output is the
    /// same either way, bit for bit). Takes effect at the next `prepare`.
    pub fn set_lanes(&mut self, on: bool) {
        self.lanes = on;
        self.spec = None;
    }

    /// Adds a track of 1 (mono) or 2 (stereo) channels; returns its index. Unprepares the mixer.
    pub fn add_track(&mut self, name: &str, channels: usize) -> Result<usize> {
        if !(1..=2).contains(&channels) {
            return Err(Error::UnsupportedChannels {
                processor: "mixer track",
                channels,
                supported: "1 or 2",
            });
        }
        self.tracks.push(Strip::new(name, channels));
        self.solo.push(false);
        self.sends.push(Vec::new());
        self.spec = None;
        Ok(self.tracks.len() - 1)
    }

    /// Adds a stereo bus (group or aux); returns its index. Unprepares the mixer.
    pub fn add_bus(&mut self, name: &str) -> usize {
        self.buses.push(Strip::new(name, 2));
        self.spec = None;
        self.buses.len() - 1
    }

    /// Number of tracks.
    pub fn track_count(&self) -> usize {
        self.tracks.len()
    }

    /// Number of buses.
    pub fn bus_count(&self) -> usize {
        self.buses.len()
    }

    /// Channels of track `t`.
    pub fn track_channels(&self, t: usize) -> Result<usize> {
        Ok(self.track(t)?.channels)
    }

    /// Name of a strip.
    pub fn name(&self, node: Node) -> Result<&str> {
        Ok(&self.strip(node)?.name)
    }

    /// Index of the bus called `name`.
    pub fn bus_index(&self, name: &str) -> Option<usize> {
        self.buses.iter().position(|b| b.name == name)
    }

    fn track(&self, t: usize) -> Result<&Strip> {
        self.tracks
            .get(t)
            .ok_or(no_such("track", t, self.tracks.len()))
    }

    fn strip(&self, node: Node) -> Result<&Strip> {
        match node {
            Node::Track(t) => self.track(t),
            Node::Bus(b) => self.buses.get(b).ok_or(no_such("bus", b, self.buses.len())),
            Node::Master => Ok(&self.master),
        }
    }

    fn strip_mut(&mut self, node: Node) -> Result<&mut Strip> {
        let (nt, nb) = (self.tracks.len(), self.buses.len());
        match node {
            Node::Track(t) => self.tracks.get_mut(t).ok_or(no_such("track", t, nt)),
            Node::Bus(b) => self.buses.get_mut(b).ok_or(no_such("bus", b, nb)),
            Node::Master => Ok(&mut self.master),
        }
    }

    /// The inserts of a strip, to change their parameters (add inserts with
    /// [`Mixer::add_insert`]).
    pub fn inserts_mut(&mut self, node: Node) -> Result<&mut [alloc::boxed::Box<dyn Processor>]> {
        Ok(self.strip_mut(node)?.inserts.stages_mut())
    }

    /// Appends a processor to a strip's inserts. Unprepares the mixer.
    pub fn add_insert(&mut self, node: Node, p: alloc::boxed::Box<dyn Processor>) -> Result<usize> {
        let s = self.strip_mut(node)?;
        s.inserts.push(p);
        let i = s.inserts.len() - 1;
        self.spec = None;
        Ok(i)
    }

    /// Sets a fader, dB (−150 to +48), smoothed.
    pub fn set_fader_db(&mut self, node: Node, db: f64) -> Result<()> {
        validate::in_range("fader_db", db, LEVEL_RANGE)?;
        let prepared = self.spec.is_some();
        self.strip_mut(node)?.fader.set(db, prepared);
        Ok(())
    }

    /// Sets a pan (tracks) or balance (buses), −1 to 1, smoothed.
    pub fn set_pan(&mut self, node: Node, pan: f64) -> Result<()> {
        validate::in_range("pan", pan, PAN_RANGE)?;
        let prepared = self.spec.is_some();
        self.strip_mut(node)?.pan.set(pan, prepared);
        Ok(())
    }

    /// Sets the pan law of a strip.
    pub fn set_pan_law(&mut self, node: Node, law: PanLaw) -> Result<()> {
        self.strip_mut(node)?.law = law;
        Ok(())
    }

    /// Mutes or unmutes a track or bus (faded).
    pub fn set_mute(&mut self, node: Node, mute: bool) -> Result<()> {
        self.strip_mut(node)?.mute = mute;
        self.update_on();
        Ok(())
    }

    /// Solos or unsolos a track (solo in place; faded).
    pub fn set_solo(&mut self, track: usize, solo: bool) -> Result<()> {
        self.track(track)?;
        self.solo[track] = solo;
        self.update_on();
        Ok(())
    }

    /// Routes a track or bus output to the master or a bus. A bus may only feed a later bus.
    pub fn set_output(&mut self, node: Node, output: Output) -> Result<()> {
        if let Output::Bus(to) = output {
            if to >= self.buses.len() {
                return Err(no_such("bus", to, self.buses.len()));
            }
            if let Node::Bus(b) = node {
                if to <= b {
                    return Err(Error::Routing { bus: b, to });
                }
            }
        }
        if node == Node::Master {
            return Err(Error::Unsupported {
                what: "the master bus is the end of the mix: it has no output to route",
            });
        }
        self.strip_mut(node)?.output = output;
        self.spec = None;
        Ok(())
    }

    /// Adds a send from track `track` to bus `bus` at `level_db`; returns the send's index.
    /// Unprepares the mixer.
    pub fn add_send(
        &mut self,
        track: usize,
        bus: usize,
        level_db: f64,
        point: SendPoint,
    ) -> Result<usize> {
        self.track(track)?;
        if bus >= self.buses.len() {
            return Err(no_such("bus", bus, self.buses.len()));
        }
        validate::in_range("send_db", level_db, LEVEL_RANGE)?;
        self.sends[track].push(Send {
            bus,
            point,
            level: Param::new(level_db),
            align: AlignDelay::default(),
        });
        self.spec = None;
        Ok(self.sends[track].len() - 1)
    }

    /// Sets the level of send `send` of track `track`, dB, smoothed.
    pub fn set_send_db(&mut self, track: usize, send: usize, level_db: f64) -> Result<()> {
        validate::in_range("send_db", level_db, LEVEL_RANGE)?;
        let prepared = self.spec.is_some();
        let sends = self
            .sends
            .get_mut(track)
            .ok_or(no_such("track", track, self.tracks.len()))?;
        let n = sends.len();
        sends
            .get_mut(send)
            .ok_or(no_such("send", send, n))?
            .level
            .set(level_db, prepared);
        Ok(())
    }

    /// Makes `target` of `node` follow `envelope` (replacing any envelope it had). Values are
    /// checked against the target's range. Unprepares the mixer.
    pub fn automate(&mut self, node: Node, target: Target, envelope: Envelope) -> Result<()> {
        match target {
            Target::Fader => {
                envelope.validate_values("fader_db", LEVEL_RANGE)?;
                self.strip_mut(node)?.fader.envelope = Some(envelope);
            }
            Target::Pan => {
                envelope.validate_values("pan", PAN_RANGE)?;
                self.strip_mut(node)?.pan.envelope = Some(envelope);
            }
            Target::Send(s) => {
                let Node::Track(t) = node else {
                    return Err(no_such("send", s, 0));
                };
                self.track(t)?;
                envelope.validate_values("send_db", LEVEL_RANGE)?;
                let n = self.sends[t].len();
                self.sends[t]
                    .get_mut(s)
                    .ok_or(no_such("send", s, n))?
                    .level
                    .envelope = Some(envelope);
            }
            Target::Insert { insert, param } => {
                let strip = self.strip_mut(node)?;
                let n = strip.inserts.len();
                let stage = strip
                    .inserts
                    .stages()
                    .get(insert)
                    .ok_or(no_such("insert", insert, n))?;
                let infos = stage.params();
                let info = infos
                    .get(param)
                    .ok_or(no_such("parameter", param, infos.len()))?;
                envelope.validate_values(info.name, Range::closed(info.min, info.max))?;
                strip
                    .automation
                    .retain(|a| !(a.insert == insert && a.param == param));
                strip.automation.push(InsertAutomation {
                    insert,
                    param,
                    envelope,
                });
            }
        }
        self.spec = None;
        Ok(())
    }

    fn update_on(&mut self) {
        let any_solo = self.solo.iter().any(|&s| s);
        for (t, s) in self.tracks.iter_mut().zip(&self.solo) {
            let on = !t.mute && (!any_solo || *s);
            t.on.set_target(if on { 1.0 } else { 0.0 });
        }
        for b in self
            .buses
            .iter_mut()
            .chain(core::iter::once(&mut self.master))
        {
            b.on.set_target(if b.mute { 0.0 } else { 1.0 });
        }
        if self.spec.is_none() {
            for s in self.all_strips_mut() {
                s.on.finish();
            }
        }
    }

    fn all_strips_mut(&mut self) -> impl Iterator<Item = &mut Strip> {
        self.tracks
            .iter_mut()
            .chain(self.buses.iter_mut())
            .chain(core::iter::once(&mut self.master))
    }

    /// Prepares every strip for `sample_rate` and blocks of up to `max_block_frames`; computes
    /// the latency compensation. The only call that allocates.
    pub fn prepare(&mut self, sample_rate: f64, max_block_frames: usize) -> Result<()> {
        let spec = ProcessSpec::new(sample_rate, max_block_frames, 2);
        spec.validate()?;
        self.spec = None;
        for (b, bus) in self.buses.iter().enumerate() {
            if let Output::Bus(to) = bus.output {
                if to <= b || to >= self.buses.len() {
                    return Err(Error::Routing { bus: b, to });
                }
            }
        }
        for s in self.all_strips_mut() {
            s.prepare(spec)?;
        }
        for sends in &mut self.sends {
            for s in sends {
                s.level.prepare(sample_rate);
            }
        }
        self.compensate();
        self.find_banks();
        self.fader_gain = vec![0.0; max_block_frames];
        self.send_gain = vec![0.0; max_block_frames];
        self.scratch = vec![0.0; max_block_frames];
        self.spec = Some(spec);
        self.update_on();
        for s in self.all_strips_mut() {
            s.on.finish();
        }
        self.frame = 0;
        Ok(())
    }

    /// Groups tracks of one width (mono or stereo) whose inserts start with an equalizer and a
    /// compressor into banks of four (the rest run alone).
    fn find_banks(&mut self) {
        self.banks.clear();
        self.banked = vec![false; self.tracks.len()];
        if !self.lanes {
            return;
        }
        // Members gathered so far, per width.
        let mut group = [[0usize; 4]; 2];
        let mut k = [0usize; 2];
        for (t, track) in self.tracks.iter_mut().enumerate() {
            let w = track.channels - 1;
            let stages = track.inserts.stages_mut();
            let shape = stages.len() >= 2
                && stages[0].as_any_mut().is_some_and(|a| a.is::<Equalizer>())
                && stages[1].as_any_mut().is_some_and(|a| a.is::<Compressor>());
            if shape {
                group[w][k[w]] = t;
                k[w] += 1;
                if k[w] == 4 {
                    self.banks.push(group[w]);
                    group[w].iter().for_each(|&t| self.banked[t] = true);
                    k[w] = 0;
                }
            }
        }
    }

    /// For each bank: inputs and insert automation, then the four equalizers side by side (when
    /// all are settled; otherwise one by one) and the four compressors side by side.
    fn run_banks(&mut self, inputs: &[&[&[f32]]], pos: usize, n: usize) {
        let frame = self.frame;
        for b in 0..self.banks.len() {
            let ids = self.banks[b];
            let Some(mut strips) = four_mut(&mut self.tracks, ids) else {
                continue;
            };
            for (s, &t) in strips.iter_mut().zip(&ids) {
                load_input(s, inputs[t], pos, n);
                s.automate_inserts(frame);
            }
            let channels = strips[0].channels;
            let [s0, s1, s2, s3] = &mut strips;
            let mut parts = [s0, s1, s2, s3].map(|s| {
                let Strip { inserts, buf, .. } = &mut **s;
                let [a, b] = buf;
                (inserts.stages_mut(), [&mut a[..n], &mut b[..n]])
            });
            bank_stage(
                &mut parts,
                0,
                channels,
                Equalizer::lane_ready,
                process_eq_lanes,
            );
            bank_stage(
                &mut parts,
                1,
                channels,
                Compressor::lane_ready,
                process_comp_lanes,
            );
        }
    }

    /// Latency compensation: the latency at each bus input is the largest of the paths into it;
    /// every path is delayed by the difference.
    fn compensate(&mut self) {
        let nb = self.buses.len();
        // Latency at each destination's input: buses 0..nb, then the master.
        let mut arrive = vec![0usize; nb + 1];
        let dest = |o: Output| match o {
            Output::Master => nb,
            Output::Bus(b) => b,
        };
        for t in &mut self.tracks {
            t.latency = t.inserts.latency_frames();
        }
        for (t, track) in self.tracks.iter().enumerate() {
            let d = dest(track.output);
            arrive[d] = arrive[d].max(track.latency);
            for s in &self.sends[t] {
                arrive[s.bus] = arrive[s.bus].max(track.latency);
            }
        }
        // Buses only feed later buses, so one pass in order settles every bus.
        for b in 0..nb {
            let lat = arrive[b] + self.buses[b].inserts.latency_frames();
            self.buses[b].latency = lat;
            let d = dest(self.buses[b].output);
            arrive[d] = arrive[d].max(lat);
        }
        self.master.latency = arrive[nb] + self.master.inserts.latency_frames();
        for (t, track) in self.tracks.iter_mut().enumerate() {
            track
                .align
                .prepare(arrive[dest(track.output)] - track.latency);
            for s in &mut self.sends[t] {
                s.align.prepare(arrive[s.bus] - track.latency);
            }
        }
        for bus in &mut self.buses {
            bus.align.prepare(arrive[dest(bus.output)] - bus.latency);
        }
    }

    /// Latency of the mix: how many frames the output lags the track inputs.
    pub fn latency_frames(&self) -> usize {
        self.master.latency
    }

    /// Frames of output that may follow the end of the input (reverb and delay tails, plus the
    /// latency): render this many more frames of silence to hear the whole mix.
    pub fn tail_frames(&self) -> usize {
        let max = |v: &[Strip]| v.iter().map(|s| s.inserts.tail_frames()).max().unwrap_or(0);
        max(&self.tracks)
            .saturating_add(max(&self.buses))
            .saturating_add(self.master.inserts.tail_frames())
            .saturating_add(self.master.latency)
    }

    /// Clears all state (inserts, delays, ramps) and rewinds automation to frame 0.
    pub fn reset(&mut self) {
        for s in self.all_strips_mut() {
            s.reset();
        }
        for sends in &mut self.sends {
            for s in sends {
                s.level.reset();
                s.align.reset();
            }
        }
        self.frame = 0;
    }

    /// Frames processed since `prepare` or `reset` (the automation clock).
    pub fn position_frames(&self) -> u64 {
        self.frame
    }

    /// Mixes one block: `inputs[t]` holds track `t`'s channels (1 or 2 slices), all of the
    /// length of `out`'s two channels, which receive the master. Any length; never allocates.
    /// A wrong shape is an error and leaves `out` untouched.
    pub fn process(&mut self, inputs: &[&[&[f32]]], out: [&mut [f32]; 2]) -> Result<()> {
        let spec = self.spec.ok_or(Error::NotPrepared)?;
        let frames = out[0].len();
        if out[1].len() != frames {
            return Err(Error::ChannelLengths {
                first: frames,
                channel: 1,
                len: out[1].len(),
            });
        }
        if inputs.len() != self.tracks.len() {
            return Err(Error::ChannelCount {
                expected: self.tracks.len(),
                got: inputs.len(),
            });
        }
        for (input, track) in inputs.iter().zip(&self.tracks) {
            if input.len() != track.channels {
                return Err(Error::UnsupportedChannels {
                    processor: "mixer track input",
                    channels: input.len(),
                    supported: if track.channels == 1 {
                        "1 (mono track)"
                    } else {
                        "2 (stereo track)"
                    },
                });
            }
            if let Some(c) = input.iter().position(|ch| ch.len() != frames) {
                return Err(Error::ChannelLengths {
                    first: frames,
                    channel: c,
                    len: input[c].len(),
                });
            }
        }
        let gridded = self.all_strips_mut().any(|s| s.has_insert_automation());
        let [out_l, out_r] = out;
        let mut pos = 0;
        while pos < frames {
            let mut n = (frames - pos).min(spec.max_block_frames);
            if gridded {
                let to_grid = AUTOMATION_GRID - self.frame % AUTOMATION_GRID;
                n = n.min(to_grid as usize);
            }
            self.run_chunk(
                inputs,
                pos,
                n,
                &mut out_l[pos..pos + n],
                &mut out_r[pos..pos + n],
            );
            pos += n;
            self.frame += n as u64;
        }
        Ok(())
    }

    fn run_chunk(
        &mut self,
        inputs: &[&[&[f32]]],
        pos: usize,
        n: usize,
        out_l: &mut [f32],
        out_r: &mut [f32],
    ) {
        let frame = self.frame;
        for b in self
            .buses
            .iter_mut()
            .chain(core::iter::once(&mut self.master))
        {
            b.buf[0][..n].fill(0.0);
            b.buf[1][..n].fill(0.0);
        }
        let nb = self.buses.len();
        self.run_banks(inputs, pos, n);
        for (t, track) in self.tracks.iter_mut().enumerate() {
            let banked = self.banked[t];
            if !banked {
                load_input(track, inputs[t], pos, n);
                track.automate_inserts(frame);
            }
            track.run(frame, n, &mut self.scratch, if banked { 2 } else { 0 });
            let fader = track
                .fader
                .render(frame, &mut self.fader_gain[..n], db_to_gain);
            let src = [&track.buf[0][..n], &track.buf[1][..n]];
            for send in &mut self.sends[t] {
                let level = send
                    .level
                    .render(frame, &mut self.send_gain[..n], db_to_gain);
                let gain = match (send.point, level, fader) {
                    (SendPoint::PreFader, l, _) => l,
                    (SendPoint::PostFader, Some(l), Some(f)) => Some(l * f),
                    (SendPoint::PostFader, l, f) => {
                        for (k, g) in self.send_gain[..n].iter_mut().enumerate() {
                            *g = l.unwrap_or(*g) * f.unwrap_or(self.fader_gain[k]);
                        }
                        None
                    }
                };
                let [bl, br] = &mut self.buses[send.bus].buf;
                send.align.add(
                    src,
                    gain,
                    &self.send_gain[..n],
                    [&mut bl[..n], &mut br[..n]],
                );
            }
            let dest = match track.output {
                Output::Master => &mut self.master,
                Output::Bus(b) => &mut self.buses[b],
            };
            let [dl, dr] = &mut dest.buf;
            track.align.add(
                src,
                fader,
                &self.fader_gain[..n],
                [&mut dl[..n], &mut dr[..n]],
            );
        }
        for b in 0..nb {
            let (head, tail) = self.buses.split_at_mut(b + 1);
            let bus = &mut head[b];
            bus.automate_inserts(frame);
            bus.run(frame, n, &mut self.scratch, 0);
            let fader = bus
                .fader
                .render(frame, &mut self.fader_gain[..n], db_to_gain);
            let dest = match bus.output {
                Output::Master => &mut self.master,
                Output::Bus(to) => &mut tail[to - b - 1],
            };
            let [dl, dr] = &mut dest.buf;
            let src = [&bus.buf[0][..n], &bus.buf[1][..n]];
            bus.align.add(
                src,
                fader,
                &self.fader_gain[..n],
                [&mut dl[..n], &mut dr[..n]],
            );
        }
        let m = &mut self.master;
        m.automate_inserts(frame);
        m.run(frame, n, &mut self.scratch, 0);
        let fader = m.fader.render(frame, &mut self.fader_gain[..n], db_to_gain);
        for (o, s) in [(out_l, &m.buf[0]), (out_r, &m.buf[1])] {
            for (k, (o, s)) in o.iter_mut().zip(&s[..n]).enumerate() {
                *o = s * fader.unwrap_or_else(|| self.fader_gain[k]);
            }
        }
    }
}
