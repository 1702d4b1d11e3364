//! Loudness normalization ("master to target"): measure, apply gain, limit to the true-peak
//! ceiling, re-measure, and correct (up to [`MAX_CORRECTIONS`] times) if limiting cost loudness. Offline:
//! over whole buffers ([`normalize`], [`normalize_album`]), or over any [`Programme`] that can
//! be played again for each pass ([`normalize_programme`], which the command uses to stream
//! files from disk in constant memory).

use alloc::vec;
use alloc::vec::Vec;

use super::limiter::Limiter;
use super::loudness::{ChannelLayout, LoudnessMeter, MeterOptions};
use super::true_peak::TruePeakMode;
use crate::db;
use crate::error::{Error, Range, Result};
use crate::processor::{ProcessSpec, Processor};
use crate::validate;

/// Correction passes after the first render when limiting cost loudness.
pub const MAX_CORRECTIONS: usize = 4;

/// The most gain the correction passes add beyond the first estimate, dB. Material that cannot
/// reach its target within this much extra limiting is left there and reported as not reached,
/// rather than crushed.
pub const MAX_CORRECTION_DB: f64 = 6.0;

/// A loudness target: integrated loudness and true-peak ceiling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Integrated loudness, LUFS, in [−40, −5].
    pub integrated_lufs: f64,
    /// True-peak ceiling, dBTP, in [−30, 0].
    pub ceiling_dbtp: f64,
}

impl Target {
    /// A custom target (validated).
    pub fn new(integrated_lufs: f64, ceiling_dbtp: f64) -> Result<Self> {
        validate::in_range("target_lufs", integrated_lufs, Range::closed(-40.0, -5.0))?;
        validate::in_range_note(
            "ceiling_dbtp",
            ceiling_dbtp,
            Range::closed(-30.0, 0.0),
            "a true-peak ceiling from -30 to 0 dBTP",
        )?;
        Ok(Target {
            integrated_lufs,
            ceiling_dbtp,
        })
    }
}

/// Platform and broadcast targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Spotify: −14 LUFS, −1 dBTP.
    Spotify,
    /// Apple Music: −16 LUFS, −1 dBTP.
    AppleMusic,
    /// YouTube: −14 LUFS, −1 dBTP.
    YouTube,
    /// Amazon Music: −14 LUFS, −2 dBTP.
    AmazonMusic,
    /// Tidal: −14 LUFS, −1 dBTP.
    Tidal,
    /// Deezer: −15 LUFS, −1 dBTP.
    Deezer,
    /// EBU R128 broadcast: −23 LUFS, −1 dBTP.
    EbuR128,
    /// ATSC A/85 broadcast: −24 LUFS, −2 dBTP.
    AtscA85,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 8] = [
        Preset::Spotify,
        Preset::AppleMusic,
        Preset::YouTube,
        Preset::AmazonMusic,
        Preset::Tidal,
        Preset::Deezer,
        Preset::EbuR128,
        Preset::AtscA85,
    ];

    /// The preset's target.
    pub fn target(self) -> Target {
        let (i, c) = match self {
            Preset::Spotify | Preset::YouTube | Preset::Tidal => (-14.0, -1.0),
            Preset::AppleMusic => (-16.0, -1.0),
            Preset::AmazonMusic => (-14.0, -2.0),
            Preset::Deezer => (-15.0, -1.0),
            Preset::EbuR128 => (-23.0, -1.0),
            Preset::AtscA85 => (-24.0, -2.0),
        };
        Target {
            integrated_lufs: i,
            ceiling_dbtp: c,
        }
    }

    /// Its name as used on the command line ("spotify", "apple-music", "ebu-r128", ...).
    pub fn name(self) -> &'static str {
        match self {
            Preset::Spotify => "spotify",
            Preset::AppleMusic => "apple-music",
            Preset::YouTube => "youtube",
            Preset::AmazonMusic => "amazon-music",
            Preset::Tidal => "tidal",
            Preset::Deezer => "deezer",
            Preset::EbuR128 => "ebu-r128",
            Preset::AtscA85 => "atsc-a85",
        }
    }

    /// Parses a name (case-insensitive; `_` or `-`).
    pub fn from_name(name: &str) -> Option<Preset> {
        let n = name.to_ascii_lowercase().replace('_', "-");
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == n || p.name().replace('-', "") == n)
    }
}

/// Loudness and peaks of a programme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    /// Integrated loudness, LUFS.
    pub integrated_lufs: f64,
    /// True peak, dBTP, read as [`Levels::true_peak_mode`] says.
    pub true_peak_dbtp: f64,
    /// How the true peak was read: BS.1770's 4× (measurements of the input) or the precise 16×
    /// reconstruction (every output, where the ceiling is checked).
    pub true_peak_mode: TruePeakMode,
    /// Loudness range, LU.
    pub loudness_range_lu: f64,
    /// Sample peak, dBFS.
    pub sample_peak_dbfs: f64,
}

/// What normalization did.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizeReport {
    /// Before.
    pub before: Levels,
    /// After.
    pub after: Levels,
    /// Total gain applied before the limiter, dB.
    pub gain_db: f64,
    /// Whether the limiter had to act.
    pub limited: bool,
    /// Whether the result is within 0.1 LU of the target (false when reaching it would take
    /// more than [`MAX_CORRECTION_DB`] of extra limiting).
    pub reached: bool,
    /// The target.
    pub target: Target,
}

impl NormalizeReport {
    /// Whether the output's true peak, read on the 16× reconstruction, is within
    /// [`CEILING_TOLERANCE_DB`] of the ceiling.
    pub fn ceiling_kept(&self) -> bool {
        ceiling_kept(&self.after, self.target.ceiling_dbtp)
    }
}

/// How far over the ceiling an output's precise true peak may read and still count as kept: the
/// limiter's documented worst case on the reconstructed waveform (docs/true-peak.md).
pub const CEILING_TOLERANCE_DB: f64 = 0.1;

/// Whether `after` keeps `ceiling_dbtp` (see [`CEILING_TOLERANCE_DB`]).
pub fn ceiling_kept(after: &Levels, ceiling_dbtp: f64) -> bool {
    after.true_peak_dbtp <= ceiling_dbtp + CEILING_TOLERANCE_DB
}

/// A meter for outputs: true peak read precisely, where the ceiling is checked.
fn output_meter(sample_rate: f64, layout: &ChannelLayout) -> Result<LoudnessMeter> {
    let options = MeterOptions {
        true_peak_mode: TruePeakMode::Precise,
        ..MeterOptions::default()
    };
    LoudnessMeter::with_options(sample_rate, layout.clone(), options)
}

fn levels(m: &LoudnessMeter) -> Levels {
    Levels {
        integrated_lufs: m.integrated_lufs(),
        true_peak_dbtp: m.true_peak_dbtp(),
        true_peak_mode: m.options().true_peak_mode,
        loudness_range_lu: m.loudness_range_lu(),
        sample_peak_dbfs: m.sample_peak_max_dbfs(),
    }
}

/// A programme that normalization plays from its start as often as it needs: held in memory
/// ([`normalize`]), or read again from a file for each pass, so that memory does not grow with
/// its length (the `mixmaster` command streams files this way).
pub trait Programme {
    /// The reader's error; the core's errors convert into it.
    type Error: From<Error>;
    /// Channels.
    fn channels(&self) -> usize;
    /// Frames per channel.
    fn frames(&self) -> usize;
    /// Starts a new pass at the first frame.
    fn rewind(&mut self) -> core::result::Result<(), Self::Error>;
    /// Fills `out` (one slice per channel, all of one length) with the next frames; silence past
    /// the end.
    fn read(&mut self, out: &mut [&mut [f32]]) -> core::result::Result<(), Self::Error>;
}

/// Where a pass's output goes: called in order with each block's frame offset and its channels.
pub type Sink<'a, E> = dyn FnMut(usize, &[&[f32]]) -> core::result::Result<(), E> + 'a;

/// Frames per block of a pass.
const PASS_BLOCK: usize = 4096;

/// One pass over `programme`, feeding every meter of `meters`.
fn feed<P: Programme>(
    programme: &mut P,
    meters: &mut [&mut LoudnessMeter],
) -> core::result::Result<(), P::Error> {
    programme.rewind()?;
    let (channels, frames) = (programme.channels(), programme.frames());
    let mut buf = vec![vec![0.0f32; PASS_BLOCK]; channels];
    let mut pos = 0;
    while pos < frames {
        let n = PASS_BLOCK.min(frames - pos);
        let mut parts: Vec<&mut [f32]> = buf.iter_mut().map(|b| &mut b[..n]).collect();
        programme.read(&mut parts)?;
        let refs: Vec<&[f32]> = buf.iter().map(|b| &b[..n]).collect();
        for m in meters.iter_mut() {
            m.try_add_planar(&refs)?;
        }
        pos += n;
    }
    Ok(())
}

/// One pass over `programme`: its levels, without changing it.
pub fn measure_programme<P: Programme>(
    sample_rate: f64,
    layout: &ChannelLayout,
    programme: &mut P,
) -> core::result::Result<Levels, P::Error> {
    let mut meter = LoudnessMeter::new(sample_rate, layout.clone())?;
    feed(programme, &mut [&mut meter])?;
    Ok(levels(&meter))
}

/// One pass over `programme` at `gain_db` through the true-peak limiter (lookahead 5 ms, its
/// latency removed): `sink` gets the output in order, block by block with the frame offset of
/// each block, exactly `frames` frames in all. Returns the output's levels and whether the
/// limiter acted.
pub fn render_programme<P: Programme>(
    sample_rate: f64,
    layout: &ChannelLayout,
    programme: &mut P,
    gain_db: f64,
    ceiling_dbtp: f64,
    sink: &mut Sink<'_, P::Error>,
) -> core::result::Result<(Levels, bool), P::Error> {
    let (channels, frames) = (programme.channels(), programme.frames());
    let mut limiter = Limiter::new(ceiling_dbtp, 5.0)?;
    limiter.prepare(ProcessSpec::new(sample_rate, PASS_BLOCK, channels))?;
    let lat = limiter.latency_frames();
    let gain = db::db_to_gain(gain_db) as f32;
    let mut meter = output_meter(sample_rate, layout)?;
    let mut buf = vec![vec![0.0f32; PASS_BLOCK]; channels];
    let mut limited = false;
    let (mut written, mut pos) = (0usize, 0usize);
    programme.rewind()?;
    while written < frames {
        let n = PASS_BLOCK.min(frames + lat - pos);
        {
            // Past the end the programme gives silence: the limiter's tail.
            let mut parts: Vec<&mut [f32]> = buf.iter_mut().map(|b| &mut b[..n]).collect();
            programme.read(&mut parts)?;
            for p in parts.iter_mut() {
                p.iter_mut().for_each(|v| *v *= gain);
            }
            limiter.process(&mut parts);
        }
        limited |= limiter.max_gain_reduction_db() > 0.0;
        // Output frame `pos + i` is input frame `pos + i - lat`.
        let skip = lat.saturating_sub(pos).min(n);
        let take = (n - skip).min(frames - written);
        if take > 0 {
            let parts: Vec<&[f32]> = buf.iter().map(|b| &b[skip..skip + take]).collect();
            meter.try_add_planar(&parts)?;
            sink(written, &parts)?;
            written += take;
        }
        pos += n;
    }
    Ok((levels(&meter), limited))
}

/// Normalizes `programme` to `target`: measures it, then renders it at the gain that meets the
/// target, correcting up to [`MAX_CORRECTIONS`] times when limiting cost loudness (a secant
/// step on the loudness per dB of gain, at most [`MAX_CORRECTION_DB`] beyond the first
/// estimate). `sink` sees every trial pass (see [`render_programme`]); the last one is the
/// result, whose gain the report gives.
///
/// Errors: an empty or silent programme, a programme too far from the target, a bad target.
pub fn normalize_programme<P: Programme>(
    sample_rate: f64,
    layout: &ChannelLayout,
    programme: &mut P,
    target: Target,
    sink: &mut Sink<'_, P::Error>,
) -> core::result::Result<NormalizeReport, P::Error> {
    Target::new(target.integrated_lufs, target.ceiling_dbtp)?;
    if programme.frames() == 0 {
        return Err(Error::Empty { what: "programme" }.into());
    }
    let before = measure_programme(sample_rate, layout, programme)?;
    if !before.integrated_lufs.is_finite() {
        return Err(Error::Empty {
            what: "programme loudness (the programme is silent below the -70 LUFS gate)",
        }
        .into());
    }
    let first = target.integrated_lufs - before.integrated_lufs;
    validate::in_range_note(
        "gain_db",
        first,
        Range::closed(-db::MAX_NORMALIZE_GAIN_DB, db::MAX_NORMALIZE_GAIN_DB),
        "the programme is too far from the target",
    )?;
    let mut gain_db = first;
    let mut previous: Option<(f64, f64)> = None;
    let mut attempt = 0;
    loop {
        let (after, limited) = render_programme(
            sample_rate,
            layout,
            programme,
            gain_db,
            target.ceiling_dbtp,
            sink,
        )?;
        let shortfall = target.integrated_lufs - after.integrated_lufs;
        if attempt == MAX_CORRECTIONS || shortfall.abs() < 0.05 {
            let reached = (after.integrated_lufs - target.integrated_lufs).abs() <= 0.1;
            return Ok(NormalizeReport {
                before,
                after,
                gain_db,
                limited,
                reached,
                target,
            });
        }
        // Limiting took loudness away: push again. The loudness gained per dB of gain falls as
        // the limiter works harder, so step by the shortfall over the slope measured between the
        // last two passes (a secant step; the first correction assumes a slope of 1).
        let slope = match previous {
            Some((g0, l0)) if gain_db != g0 => {
                ((after.integrated_lufs - l0) / (gain_db - g0)).clamp(0.05, 1.0)
            }
            _ => 1.0,
        };
        previous = Some((gain_db, after.integrated_lufs));
        gain_db = (gain_db + shortfall / slope)
            .clamp(first - MAX_CORRECTION_DB, first + MAX_CORRECTION_DB)
            .min(db::MAX_NORMALIZE_GAIN_DB);
        attempt += 1;
    }
}

/// A programme held in memory (planar, all channels one length).
#[derive(Debug)]
pub struct InMemory<'a> {
    channels: &'a [Vec<f32>],
    pos: usize,
}

impl<'a> InMemory<'a> {
    /// The programme `channels`, from its start.
    pub fn new(channels: &'a [Vec<f32>]) -> Self {
        InMemory { channels, pos: 0 }
    }
}

impl Programme for InMemory<'_> {
    type Error = Error;

    fn channels(&self) -> usize {
        self.channels.len()
    }

    fn frames(&self) -> usize {
        self.channels.first().map_or(0, |c| c.len())
    }

    fn rewind(&mut self) -> Result<()> {
        self.pos = 0;
        Ok(())
    }

    fn read(&mut self, out: &mut [&mut [f32]]) -> Result<()> {
        let n = out.first().map_or(0, |c| c.len());
        let have = self.frames().saturating_sub(self.pos).min(n);
        for (o, c) in out.iter_mut().zip(self.channels) {
            o[..have].copy_from_slice(&c[self.pos..self.pos + have]);
            o[have..].fill(0.0);
        }
        self.pos += have;
        Ok(())
    }
}

/// A pass's output in a programme's place, passed through a prepared processor (a mastering
/// chain before the normalization): its latency is removed at each rewind by reading and
/// dropping that many frames, and its tail comes from the silence the programme gives past
/// its end, so the frames line up with the original's.
pub struct Through<P> {
    programme: P,
    processor: alloc::boxed::Box<dyn Processor>,
}

impl<P: Programme> Through<P> {
    /// `programme` through `processor`, which must be prepared for its channels.
    pub fn new(programme: P, processor: alloc::boxed::Box<dyn Processor>) -> Self {
        Through {
            programme,
            processor,
        }
    }

    /// The programme passed through.
    pub fn inner(&self) -> &P {
        &self.programme
    }
}

impl<P: Programme> Programme for Through<P> {
    type Error = P::Error;

    fn channels(&self) -> usize {
        self.programme.channels()
    }

    fn frames(&self) -> usize {
        self.programme.frames()
    }

    fn rewind(&mut self) -> core::result::Result<(), P::Error> {
        self.programme.rewind()?;
        self.processor.reset();
        let mut left = self.processor.latency_frames();
        let mut buf = vec![vec![0.0f32; PASS_BLOCK]; self.channels()];
        while left > 0 {
            let n = left.min(PASS_BLOCK);
            let mut parts: Vec<&mut [f32]> = buf.iter_mut().map(|b| &mut b[..n]).collect();
            self.programme.read(&mut parts)?;
            self.processor.process(&mut parts);
            left -= n;
        }
        Ok(())
    }

    fn read(&mut self, out: &mut [&mut [f32]]) -> core::result::Result<(), P::Error> {
        self.programme.read(out)?;
        self.processor.process(out);
        Ok(())
    }
}

/// A sink that writes each pass's output over `out` (for [`normalize_programme`]).
pub fn into_buffers<'a>(
    out: &'a mut [Vec<f32>],
) -> impl FnMut(usize, &[&[f32]]) -> Result<()> + 'a {
    move |at, block| {
        for (o, b) in out.iter_mut().zip(block) {
            o[at..at + b.len()].copy_from_slice(b);
        }
        Ok(())
    }
}

fn check_input(channels: &[Vec<f32>], layout: &ChannelLayout) -> Result<()> {
    if channels.is_empty() || channels[0].is_empty() {
        return Err(Error::Empty { what: "programme" });
    }
    if channels.len() != layout.weights().len() {
        return Err(Error::ChannelCount {
            expected: layout.weights().len(),
            got: channels.len(),
        });
    }
    let first = channels[0].len();
    for (c, ch) in channels.iter().enumerate() {
        if ch.len() != first {
            return Err(Error::ChannelLengths {
                first,
                channel: c,
                len: ch.len(),
            });
        }
    }
    Ok(())
}

/// Normalizes one programme in place to `target`.
///
/// Errors: empty input, mismatched channel lengths or count, a silent programme (its loudness is
/// `-inf`: no gain reaches a target), a bad target.
pub fn normalize(
    sample_rate: f64,
    layout: ChannelLayout,
    channels: &mut [Vec<f32>],
    target: Target,
) -> Result<NormalizeReport> {
    Target::new(target.integrated_lufs, target.ceiling_dbtp)?;
    check_input(channels, &layout)?;
    let original: Vec<Vec<f32>> = channels.to_vec();
    let mut programme = InMemory::new(&original);
    normalize_programme(
        sample_rate,
        &layout,
        &mut programme,
        target,
        &mut into_buffers(channels),
    )
}

/// One track's result in an album.
#[derive(Debug, Clone, PartialEq)]
pub struct AlbumReport {
    /// The album measured as a whole, before.
    pub album_before: Levels,
    /// The common gain, dB.
    pub gain_db: f64,
    /// Per track: before, after, whether it was limited.
    pub tracks: Vec<(Levels, Levels, bool)>,
    /// The album as a whole, after.
    pub album_after: Levels,
    /// The target.
    pub target: Target,
}

impl AlbumReport {
    /// Whether every track's output keeps the ceiling (see [`ceiling_kept`]).
    pub fn ceiling_kept(&self) -> bool {
        ceiling_kept(&self.album_after, self.target.ceiling_dbtp)
    }
}

/// Normalizes an album: one gain for every track (so their relative loudness is kept), chosen
/// so the album measured as a whole meets `target`; each track is then limited to the ceiling.
/// Limiting is not made up for by more gain (that would change the tracks' relative loudness):
/// when it costs the album loudness, the report's `album_after` shows the shortfall.
pub fn normalize_album(
    sample_rate: f64,
    layout: ChannelLayout,
    tracks: &mut [Vec<Vec<f32>>],
    target: Target,
) -> Result<AlbumReport> {
    for t in tracks.iter() {
        check_input(t, &layout)?;
    }
    let originals: Vec<Vec<Vec<f32>>> = tracks.to_vec();
    let mut programmes: Vec<InMemory<'_>> = originals.iter().map(|t| InMemory::new(t)).collect();
    normalize_album_programmes(
        sample_rate,
        &layout,
        &mut programmes,
        target,
        &mut |i, at, block| into_buffers(&mut tracks[i])(at, block),
    )
}

/// Where an album pass's output goes: the track's index, the block's frame offset, its channels.
pub type AlbumSink<'a, E> = dyn FnMut(usize, usize, &[&[f32]]) -> core::result::Result<(), E> + 'a;

/// [`normalize_album`] over programmes that are read again for each pass (one pass per track to
/// measure, one to render it): `sink` gets every track's output. Memory does not grow with the
/// album's length.
pub fn normalize_album_programmes<P: Programme>(
    sample_rate: f64,
    layout: &ChannelLayout,
    tracks: &mut [P],
    target: Target,
    sink: &mut AlbumSink<'_, P::Error>,
) -> core::result::Result<AlbumReport, P::Error> {
    Target::new(target.integrated_lufs, target.ceiling_dbtp)?;
    if tracks.is_empty() {
        return Err(Error::Empty { what: "album" }.into());
    }
    let expected = layout.weights().len();
    let mut album = LoudnessMeter::new(sample_rate, layout.clone())?;
    let mut befores = Vec::with_capacity(tracks.len());
    for t in tracks.iter_mut() {
        if t.channels() != expected {
            return Err(Error::ChannelCount {
                expected,
                got: t.channels(),
            }
            .into());
        }
        if t.frames() == 0 {
            return Err(Error::Empty {
                what: "album track",
            }
            .into());
        }
        let mut meter = LoudnessMeter::new(sample_rate, layout.clone())?;
        feed(t, &mut [&mut meter, &mut album])?;
        befores.push(levels(&meter));
    }
    let album_before = levels(&album);
    if !album_before.integrated_lufs.is_finite() {
        return Err(Error::Empty {
            what: "album loudness (the album is silent below the -70 LUFS gate)",
        }
        .into());
    }
    let gain_db = target.integrated_lufs - album_before.integrated_lufs;
    validate::in_range_note(
        "gain_db",
        gain_db,
        Range::closed(-db::MAX_NORMALIZE_GAIN_DB, db::MAX_NORMALIZE_GAIN_DB),
        "the album is too far from the target",
    )?;
    let mut after_meter = output_meter(sample_rate, layout)?;
    let mut reports = Vec::with_capacity(tracks.len());
    for (i, (t, before)) in tracks.iter_mut().zip(befores).enumerate() {
        let (after, limited) = render_programme(
            sample_rate,
            layout,
            t,
            gain_db,
            target.ceiling_dbtp,
            &mut |at, block| {
                after_meter.try_add_planar(block)?;
                sink(i, at, block)
            },
        )?;
        reports.push((before, after, limited));
    }
    Ok(AlbumReport {
        album_before,
        gain_db,
        tracks: reports,
        album_after: levels(&after_meter),
        target,
    })
}
