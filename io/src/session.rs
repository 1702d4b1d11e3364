//! Session files with their audio: the session library's model (`mixmaster-session`), with each
//! track's audio read from its file (any supported format, block by block) and resampled to the
//! session's rate. The command's `render` and Python's `Session.render()` both open sessions
//! here, so a session renders the same from either. The format is documented in
//! `docs/session.md`.

use anyhow::{Context, Result, anyhow, bail};
use mixmaster::mix::Mixer;
use mixmaster_session::render::render_mixer;
use mixmaster_session::{AudioFiles, Normalize, RenderOptions, TrackSource};
use std::path::Path;

pub use mixmaster_session::loudness_target;

use crate::input::Input;
use crate::resample::Source;
use crate::wav::Audio;

/// A session ready to render.
pub struct Session {
    /// The mixer, prepared.
    pub mixer: Mixer,
    /// Track files, open for reading block by block at the session's rate, in track order.
    pub tracks: Vec<Box<dyn TrackSource>>,
    /// Sample rate.
    pub sample_rate: u32,
    /// Frames of the longest track.
    pub frames: usize,
    /// Tracks whose files are resampled: name and the file's rate.
    pub resampled: Vec<(String, u32)>,
    /// The master's loudness target, if the session names one.
    pub normalize: Option<Normalize>,
}

/// The audio files a session's inserts name (an impulse response), read relative to the
/// session's folder and resampled to its rate: what `mixmaster-session` asks through
/// [`AudioFiles`].
pub struct Files<'a> {
    /// The session file's folder.
    pub dir: &'a Path,
}

impl AudioFiles for Files<'_> {
    fn load(&mut self, file: &str, sample_rate: u32) -> mixmaster_session::Result<Vec<Vec<f32>>> {
        let path = self.dir.join(file);
        read_at(&path, sample_rate).map_err(|e| mixmaster_session::Error::new(format!("{e:#}")))
    }
}

/// A whole file at `sample_rate` (resampled if it is at another rate).
pub fn read_at(path: &Path, sample_rate: u32) -> Result<Vec<Vec<f32>>> {
    let input = Input::open(path)?;
    let mut source = Source::new(input, sample_rate)
        .with_context(|| format!("{} at {sample_rate} Hz", path.display()))?;
    let mut channels = vec![vec![0.0f32; source.frames()]; source.channels()];
    let mut refs: Vec<&mut [f32]> = channels.iter_mut().map(|c| &mut c[..]).collect();
    source.read_into(&mut refs)?;
    Ok(channels)
}

/// A track file as a source of blocks for the session library.
struct FileTrack(Source);

impl TrackSource for FileTrack {
    fn channels(&self) -> usize {
        self.0.channels()
    }

    fn frames(&self) -> usize {
        self.0.frames()
    }

    /// A resampled file may come out one frame short of a track recorded at the session's rate
    /// (its length is rounded up from a fraction): that is not a different length.
    fn length_tolerance(&self) -> usize {
        usize::from(self.0.resampled())
    }

    fn read_into(&mut self, out: &mut [&mut [f32]]) -> mixmaster_session::Result<()> {
        self.0
            .read_into(out)
            .map(|_| ())
            .map_err(|e| mixmaster_session::Error::new(format!("{e:#}")))
    }
}

/// Loads, checks and prepares a session file. `pad` lets tracks of different lengths be padded
/// with silence to the longest (otherwise that is an error naming them).
pub fn load(path: &Path, pad: bool) -> Result<Session> {
    let def = mixmaster_session::Session::load(path)?;
    open(def, path.parent().unwrap_or(Path::new(".")), pad)
}

/// Opens the track files of a session already read (their paths relative to `dir`, the
/// session file's folder), checks and prepares it, as [`load`] does.
pub fn open(def: mixmaster_session::Session, dir: &Path, pad: bool) -> Result<Session> {
    if def.tracks.is_empty() {
        bail!("the session has no [[track]]");
    }
    let mut inputs = Vec::with_capacity(def.tracks.len());
    for (i, t) in def.tracks.iter().enumerate() {
        let file = t
            .file
            .as_ref()
            .ok_or_else(|| anyhow!("track {i} `{}` has no `file`", t.name))?;
        let file = dir.join(file);
        let audio = Input::open(&file).with_context(|| format!("track {i} `{}`", t.name))?;
        if audio.channels() > 2 {
            bail!(
                "track {i} `{}`: {} has {} channels; tracks are mono or stereo",
                t.name,
                file.display(),
                audio.channels()
            );
        }
        inputs.push((file, audio));
    }
    let sample_rate = def.rate_for(inputs[0].1.sample_rate());
    mixmaster::validate::sample_rate(f64::from(sample_rate))
        .context("the session's sample_rate")?;
    // Files at another rate are resampled (rubato's FFT resampler).
    let mut resampled = Vec::new();
    let mut tracks: Vec<Box<dyn TrackSource>> = Vec::with_capacity(inputs.len());
    for (t, (file, a)) in def.tracks.iter().zip(inputs) {
        let rate = a.sample_rate();
        let source = Source::new(a, sample_rate).with_context(|| {
            format!(
                "track `{}`: {} is at {rate} Hz, the session at {sample_rate} Hz",
                t.name,
                file.display()
            )
        })?;
        if source.resampled() {
            resampled.push((t.name.clone(), source.file_rate()));
        }
        tracks.push(Box::new(FileTrack(source)));
    }
    let frames = def.check_lengths(sample_rate, &tracks, pad)?;
    let channels: Vec<usize> = tracks.iter().map(|t| t.channels()).collect();
    let mixer = def.build_mixer_with(sample_rate, &channels, &mut Files { dir })?;
    Ok(Session {
        mixer,
        tracks,
        sample_rate,
        frames,
        resampled,
        normalize: def.master.normalize,
    })
}

/// Renders the session: the whole mix, latency removed, plus the effects' tail (at most
/// `max_tail_s` seconds). `progress` is told the frames done.
pub fn render(s: &mut Session, max_tail_s: f64, progress: &dyn Fn(u64)) -> Result<Audio> {
    let options = RenderOptions {
        pad: true,
        max_tail_s,
    };
    let r = render_mixer(
        &mut s.mixer,
        &mut s.tracks,
        s.frames,
        s.sample_rate,
        &options,
        progress,
    )?;
    Ok(Audio {
        sample_rate: r.sample_rate,
        channels: r.channels,
    })
}
