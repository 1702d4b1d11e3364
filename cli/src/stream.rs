//! `master` of one file streamed from disk: the core's normalization passes
//! (`mixmaster::master::normalize::normalize_programme`: measure, then limit at trial gains until
//! the loudness is right) read the file again for each pass instead of holding it in memory, and
//! a last pass writes it, so memory does not grow with the programme's length. The result is
//! the same as mastering the file in memory.

use std::path::{Path, PathBuf};

use anyhow::Result;
use mixmaster::analysis::MatchPlan;
use mixmaster::master::ChannelLayout;
use mixmaster::master::normalize::{
    AlbumReport, NormalizeReport, Programme, Target, Through, normalize_album_programmes,
    normalize_programme, render_programme,
};
use mixmaster::{Chain, ProcessSpec, Processor};

use crate::input::Input;
use crate::wav::{Format, Writer, Written};

/// A file planned for mastering: what the passes found, and what writing it will apply.
pub struct Plan {
    /// The input.
    pub path: PathBuf,
    /// Sample rate, Hz.
    pub sample_rate: u32,
    /// Channels.
    pub channels: usize,
    layout: ChannelLayout,
    /// Before and after, the gain, whether limited and whether the target was reached.
    pub report: NormalizeReport,
    /// NaN or infinite samples per channel (measured and limited as silence).
    pub non_finite: Vec<u64>,
    /// Mastering to a reference: the EQ and width stages the passes run first.
    pub matching: Option<MatchPlan>,
}

/// A file as a programme the passes read again each time; counts non-finite samples on the
/// first pass.
struct FileProgramme<'a> {
    path: &'a Path,
    input: Input,
    passes: usize,
    non_finite: Vec<u64>,
}

impl<'a> FileProgramme<'a> {
    fn open(path: &'a Path) -> Result<Self> {
        let input = Input::open(path)?;
        let non_finite = vec![0; input.channels()];
        Ok(FileProgramme {
            path,
            input,
            passes: 0,
            non_finite,
        })
    }
}

impl Programme for FileProgramme<'_> {
    type Error = anyhow::Error;

    fn channels(&self) -> usize {
        self.input.channels()
    }

    fn frames(&self) -> usize {
        self.input.frames()
    }

    fn rewind(&mut self) -> Result<()> {
        if self.passes > 0 {
            self.input = Input::open(self.path)?;
        }
        self.passes += 1;
        Ok(())
    }

    fn read(&mut self, out: &mut [&mut [f32]]) -> Result<()> {
        let n = self.input.read_into(out)?;
        if self.passes == 1 {
            for (bad, c) in self.non_finite.iter_mut().zip(out.iter()) {
                *bad += c[..n].iter().filter(|v| !v.is_finite()).count() as u64;
            }
        }
        Ok(())
    }
}

/// Measures `path` and finds the gain that meets `target` under its ceiling (a pass over the
/// file per trial), without writing anything.
pub fn plan(path: &Path, layout: ChannelLayout, target: Target) -> Result<Plan> {
    plan_with(path, layout, target, None)
}

/// [`plan`] for mastering to a reference: the passes read the file through the match's EQ and
/// width stages, and normalize to the match's target.
pub fn plan_matched(path: &Path, layout: ChannelLayout, matching: MatchPlan) -> Result<Plan> {
    let target = matching.target;
    plan_with(path, layout, target, Some(matching))
}

/// The file as the passes read it: through the match's EQ and width stages when mastering to a
/// reference, else through an empty chain (which leaves every sample as it is).
fn through<'a>(
    programme: FileProgramme<'a>,
    matching: Option<&MatchPlan>,
    sample_rate: f64,
) -> Result<Through<FileProgramme<'a>>> {
    let channels = programme.channels();
    let chain = match matching {
        Some(m) => m.prepared_chain(sample_rate, channels)?,
        None => {
            let mut c = Chain::new();
            c.prepare(ProcessSpec::new(sample_rate, 4096, channels))?;
            c
        }
    };
    Ok(Through::new(programme, Box::new(chain)))
}

fn plan_with(
    path: &Path,
    layout: ChannelLayout,
    target: Target,
    matching: Option<MatchPlan>,
) -> Result<Plan> {
    let programme = FileProgramme::open(path)?;
    let (sample_rate, channels) = (programme.input.sample_rate(), programme.channels());
    let fs = f64::from(sample_rate);
    let explain = |e: anyhow::Error| match e.downcast::<mixmaster::Error>() {
        Ok(mixmaster::Error::Empty { .. }) if programme_silent(path) => anyhow::anyhow!(
            "{} is silent (below the -70 LUFS gate): no gain reaches a loudness target",
            path.display()
        ),
        Ok(core) => anyhow::Error::new(core).context(path.display().to_string()),
        Err(other) => other,
    };
    let mut p = through(programme, matching.as_ref(), fs)?;
    let none = &mut |_: usize, _: &[&[f32]]| Ok(());
    let report = normalize_programme(fs, &layout, &mut p, target, none).map_err(explain)?;
    let non_finite = p.inner().non_finite.clone();
    Ok(Plan {
        path: path.to_path_buf(),
        sample_rate,
        channels,
        layout,
        report,
        non_finite,
        matching,
    })
}

fn programme_silent(path: &Path) -> bool {
    Input::open(path).is_ok_and(|i| i.frames() > 0)
}

/// The last pass: the planned gain and limiting, written to `out` in `format`.
pub fn write(plan: &Plan, out: &Path, format: Format) -> Result<Written> {
    let programme = FileProgramme::open(&plan.path)?;
    let frames = programme.frames();
    let mut w = Writer::create(out, plan.channels, plan.sample_rate, frames, format)?;
    let r = &plan.report;
    let fs = f64::from(plan.sample_rate);
    let mut p = through(programme, plan.matching.as_ref(), fs)?;
    render_programme(
        fs,
        &plan.layout,
        &mut p,
        r.gain_db,
        r.target.ceiling_dbtp,
        &mut |_, block| w.write(block),
    )?;
    w.finish()
}

/// An album planned for mastering: one common gain, what it does to each track.
pub struct AlbumPlan {
    /// The inputs.
    pub paths: Vec<PathBuf>,
    /// Sample rate, Hz.
    pub sample_rate: u32,
    /// Channels.
    pub channels: usize,
    layout: ChannelLayout,
    /// The album before and after, the common gain, and per track before, after and limited.
    pub report: AlbumReport,
    /// NaN or infinite samples per channel, per track.
    pub non_finite: Vec<Vec<u64>>,
    /// The target.
    pub target: Target,
}

/// Measures the album's tracks and renders them at the common gain (passes over the files,
/// nothing written). Tracks must share one rate and channel count.
pub fn plan_album(paths: &[PathBuf], layout: ChannelLayout, target: Target) -> Result<AlbumPlan> {
    let mut programmes = paths
        .iter()
        .map(|p| FileProgramme::open(p))
        .collect::<Result<Vec<_>>>()?;
    let first = &programmes[0];
    let (sample_rate, channels) = (first.input.sample_rate(), first.channels());
    for (p, path) in programmes.iter().zip(paths) {
        if p.input.sample_rate() != sample_rate || p.channels() != channels {
            anyhow::bail!(
                "album: {} is {} Hz, {} channels but {} is {sample_rate} Hz, {channels} channels; album tracks must match (convert them to one layout and rate first)",
                path.display(),
                p.input.sample_rate(),
                p.channels(),
                paths[0].display(),
            );
        }
    }
    let report = normalize_album_programmes(
        f64::from(sample_rate),
        &layout,
        &mut programmes,
        target,
        &mut |_, _, _| Ok(()),
    )
    .map_err(|e| e.context("album"))?;
    Ok(AlbumPlan {
        paths: paths.to_vec(),
        sample_rate,
        channels,
        layout,
        report,
        non_finite: programmes.into_iter().map(|p| p.non_finite).collect(),
        target,
    })
}

/// Writes track `i` of a planned album to `out` in `format` (the common gain, then limiting).
pub fn write_album_track(
    plan: &AlbumPlan,
    i: usize,
    out: &Path,
    format: Format,
) -> Result<Written> {
    let mut programme = FileProgramme::open(&plan.paths[i])?;
    let frames = programme.frames();
    let mut w = Writer::create(out, plan.channels, plan.sample_rate, frames, format)?;
    render_programme(
        f64::from(plan.sample_rate),
        &plan.layout,
        &mut programme,
        plan.report.gain_db,
        plan.target.ceiling_dbtp,
        &mut |_, block| w.write(block),
    )?;
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wav::Audio;
    use mixmaster::master::normalize::normalize;

    /// Streamed and in memory (the core's `normalize`) give the same samples and report: a
    /// sine that needs no limiting, and bursts that need it (with corrections).
    #[test]
    fn streaming_masters_exactly_as_the_core_does_in_memory() {
        let dir = std::env::temp_dir().join(format!("mixmaster-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let frames = 48_000 * 3 + 123;
        type Signal = fn(usize) -> f32;
        let cases: [(&str, Signal); 2] = [
            ("sine", |n| 0.05 * (n as f32 * 0.05).sin()),
            ("bursts", |n| {
                let a = if (n / 12_000) % 3 == 0 { 0.9 } else { 0.1 };
                a * (n as f32 * 0.013).sin() * (n as f32 * 0.0007).cos()
            }),
        ];
        for (name, f) in cases {
            let audio = Audio {
                sample_rate: 48_000,
                channels: (0..2)
                    .map(|c| (0..frames).map(|n| f(n + c * 7)).collect())
                    .collect(),
            };
            let input = dir.join(format!("{name}.wav"));
            crate::wav::write(&input, &audio, Format::Float32).unwrap();
            let target = Target::new(-9.0, -1.0).unwrap();
            let mut mem = audio.channels.clone();
            let want = normalize(48_000.0, ChannelLayout::Stereo, &mut mem, target).unwrap();
            let p = plan(&input, ChannelLayout::Stereo, target).unwrap();
            assert_eq!(p.report, want, "{name}");
            let out = dir.join(format!("{name}-out.wav"));
            write(&p, &out, Format::Float32).unwrap();
            let got = crate::input::read(&out).unwrap();
            assert!(got.channels == mem, "{name}: samples differ");
            if name == "bursts" {
                assert!(want.limited, "the bursts case exercises the limiter");
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
