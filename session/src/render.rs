//! Rendering a session offline: the tracks' audio comes from [`TrackSource`]s (buffers, or
//! readers that yield blocks), goes through the built mixer block by block, and comes out as
//! one stereo buffer with the latency removed and the effects' tail appended.

use mixmaster::mix::Mixer;

use crate::build::BLOCK;
use crate::error::{Context, Error, Result};
use crate::model::Session;

/// Where a track's audio comes from: block by block, at the session's sample rate.
pub trait TrackSource: Send {
    /// Channel count (1 or 2).
    fn channels(&self) -> usize;

    /// Length in frames.
    fn frames(&self) -> usize;

    /// Frames by which this source may fall short of the longest track without counting as
    /// shorter (a resampled file whose length was rounded); 0 by default.
    fn length_tolerance(&self) -> usize {
        0
    }

    /// Fills `out` (`channels()` slices of one length) with the next frames; silence past the
    /// end.
    fn read_into(&mut self, out: &mut [&mut [f32]]) -> Result<()>;
}

/// A track's audio held in memory, planar.
#[derive(Debug, Clone, PartialEq)]
pub struct Buffer {
    channels: Vec<Vec<f32>>,
    pos: usize,
}

impl Buffer {
    /// A buffer of one or two channels of equal length.
    pub fn new(channels: Vec<Vec<f32>>) -> Result<Buffer> {
        if !(1..=2).contains(&channels.len()) {
            return Err(Error::new(format!(
                "a track has 1 or 2 channels, not {}",
                channels.len()
            )));
        }
        if channels.iter().any(|c| c.len() != channels[0].len()) {
            return Err(Error::new(format!(
                "the channels of a track must have one length (got {} and {})",
                channels[0].len(),
                channels[1].len()
            )));
        }
        Ok(Buffer { channels, pos: 0 })
    }

    /// A mono buffer.
    pub fn mono(samples: Vec<f32>) -> Buffer {
        Buffer {
            channels: vec![samples],
            pos: 0,
        }
    }
}

impl TrackSource for Buffer {
    fn channels(&self) -> usize {
        self.channels.len()
    }

    fn frames(&self) -> usize {
        self.channels[0].len()
    }

    fn read_into(&mut self, out: &mut [&mut [f32]]) -> Result<()> {
        let n = out.first().map_or(0, |c| c.len());
        let have = self.frames().saturating_sub(self.pos).min(n);
        for (o, c) in out.iter_mut().zip(&self.channels) {
            o[..have].copy_from_slice(&c[self.pos..self.pos + have]);
            o[have..].fill(0.0);
        }
        self.pos += have;
        Ok(())
    }
}

/// How to render.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// Pad shorter tracks with silence instead of refusing tracks of different lengths.
    pub pad: bool,
    /// The longest effects tail kept after the end of the tracks, in seconds.
    pub max_tail_s: f64,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            pad: false,
            max_tail_s: 10.0,
        }
    }
}

/// A rendered mix.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Left and right.
    pub channels: Vec<Vec<f32>>,
}

impl Session {
    /// The sample rate to mix at: the session's own, or else `sources_rate`.
    pub fn rate_for(&self, sources_rate: u32) -> u32 {
        self.sample_rate.unwrap_or(sources_rate)
    }

    /// Renders the session from the tracks' audio, all at `sample_rate` (which must be the
    /// session's `sample_rate` when it names one: resample the audio first).
    pub fn render(
        &self,
        sample_rate: u32,
        sources: Vec<Box<dyn TrackSource>>,
        options: &RenderOptions,
    ) -> Result<Rendered> {
        self.render_with(sample_rate, sources, options, &mut crate::NoFiles)
    }

    /// [`Session::render`], reading the audio files inserts name (an impulse response) through
    /// `files`.
    pub fn render_with(
        &self,
        sample_rate: u32,
        mut sources: Vec<Box<dyn TrackSource>>,
        options: &RenderOptions,
        files: &mut dyn crate::AudioFiles,
    ) -> Result<Rendered> {
        if let Some(r) = self.sample_rate
            && r != sample_rate
        {
            return Err(Error::new(format!(
                "the session's sample_rate is {r} Hz but its audio is at {sample_rate} Hz: resample the audio first"
            )));
        }
        let frames = self.check_lengths(sample_rate, &sources, options.pad)?;
        let channels: Vec<usize> = sources.iter().map(|s| s.channels()).collect();
        let mut mixer = self.build_mixer_with(sample_rate, &channels, files)?;
        render_mixer(
            &mut mixer,
            &mut sources,
            frames,
            sample_rate,
            options,
            &|_| {},
        )
    }

    /// The frames of the longest source. Unless `pad`, a source shorter than that (beyond its
    /// tolerance) is an error naming both tracks.
    pub fn check_lengths(
        &self,
        sample_rate: u32,
        sources: &[Box<dyn TrackSource>],
        pad: bool,
    ) -> Result<usize> {
        if sources.len() != self.tracks.len() {
            return Err(Error::new(format!(
                "the session has {} tracks but audio was given for {}",
                self.tracks.len(),
                sources.len()
            )));
        }
        let frames = sources.iter().map(|s| s.frames()).max().unwrap_or(0);
        let short = self
            .tracks
            .iter()
            .zip(sources)
            .find(|(_, s)| s.frames() + s.length_tolerance() < frames);
        if let (false, Some((t, s))) = (pad, short) {
            let longest = self
                .tracks
                .iter()
                .zip(sources)
                .find(|(_, s)| s.frames() == frames)
                .map_or("", |(t, _)| t.name.as_str());
            let fs = f64::from(sample_rate);
            return Err(Error::new(format!(
                "track `{}` is {:.3} s long but `{longest}` is {:.3} s: tracks must be the same length (pass --pad, or pad = True, to pad shorter tracks with silence)",
                t.name,
                s.frames() as f64 / fs,
                frames as f64 / fs
            )));
        }
        Ok(frames)
    }
}

/// Renders `frames` of `sources` through `mixer` (built by [`Session::build_mixer`]) plus the
/// effects' tail (at most `options.max_tail_s`), with the mixer's latency removed. `progress`
/// is told the frames done.
pub fn render_mixer(
    mixer: &mut Mixer,
    sources: &mut [Box<dyn TrackSource>],
    frames: usize,
    sample_rate: u32,
    options: &RenderOptions,
    progress: &dyn Fn(u64),
) -> Result<Rendered> {
    let fs = f64::from(sample_rate);
    let lat = mixer.latency_frames();
    let max_tail = if options.max_tail_s.is_finite() && options.max_tail_s > 0.0 {
        (options.max_tail_s * fs) as usize
    } else {
        0
    };
    let tail = mixer.tail_frames().min(max_tail + lat).max(lat);
    let total = frames + tail;
    let (mut l, mut r) = (vec![0.0f32; total], vec![0.0f32; total]);
    // Each block of each track is read into scratch, silence past a track's end.
    let mut scratch: Vec<Vec<Vec<f32>>> = sources
        .iter()
        .map(|a| vec![vec![0.0; BLOCK]; a.channels()])
        .collect();
    let mut pos = 0;
    while pos < total {
        let n = BLOCK.min(total - pos);
        for (a, sc) in sources.iter_mut().zip(scratch.iter_mut()) {
            let mut chans: Vec<&mut [f32]> = sc.iter_mut().map(|c| &mut c[..n]).collect();
            a.read_into(&mut chans)?;
        }
        let inputs: Vec<Vec<&[f32]>> = scratch
            .iter()
            .map(|t| t.iter().map(|c| &c[..n]).collect())
            .collect();
        let refs: Vec<&[&[f32]]> = inputs.iter().map(|t| &t[..]).collect();
        mixer
            .process(&refs, [&mut l[pos..pos + n], &mut r[pos..pos + n]])
            .ctx("mixing")?;
        pos += n;
        progress(pos as u64);
    }
    l.drain(..lat);
    r.drain(..lat);
    Ok(Rendered {
        sample_rate,
        channels: vec![l, r],
    })
}
