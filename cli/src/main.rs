//! `mixmaster`: mix sessions, master to platform loudness targets and meter WAV files.
//!
//! Subcommands: `demo` (the built-in song, start here), `render SESSION.toml`, `master IN.wav`,
//! `meter FILE.wav`, `analyze FILE.wav`. Every failure prints one line, `mixmaster: error: ...`, and exits 1;
//! usage mistakes exit 2 (from clap).

mod analyze;
mod demo;
mod plot;
mod processors;
mod reference;
mod report;
mod stream;

// The file readers and writers live in their own crate, shared with the bindings.
use mixmaster_io::{input, session, wav};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use mixmaster::master::normalize::{
    CEILING_TOLERANCE_DB, Levels, MAX_CORRECTION_DB, NormalizeReport, Target, ceiling_kept,
    normalize,
};
use mixmaster::master::{ChannelLayout, LoudnessMeter, LoudnessReport, MeterOptions, TruePeakMode};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use input::Input;
use wav::{Audio, Format};

#[derive(Parser)]
#[command(
    name = "mixmaster",
    version,
    about = "Mix, master and meter audio (WAV) with the mixmaster DSP library"
)]
struct Cli {
    /// No progress bars or notes on stderr (warnings and errors still show).
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// `--true-peak`'s values.
#[derive(Clone, Copy, ValueEnum)]
enum TruePeakArg {
    /// ITU-R BS.1770 4x interpolation.
    Standard,
    /// 16x band-limited reconstruction.
    Precise,
}

impl From<TruePeakArg> for TruePeakMode {
    fn from(a: TruePeakArg) -> Self {
        match a {
            TruePeakArg::Standard => TruePeakMode::Standard,
            TruePeakArg::Precise => TruePeakMode::Precise,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Synthesize a short song, mix it through a session, master it, and report the loudness.
    Demo {
        /// Folder for the stems, session.toml, mix.wav and master.wav.
        #[arg(short, long, default_value = "mixmaster-demo")]
        output: PathBuf,
    },
    /// Render a session file (TOML; see docs/session.md) to a stereo WAV.
    Render {
        /// The session file.
        session: PathBuf,
        /// Output WAV.
        #[arg(short, long)]
        output: PathBuf,
        /// Pad shorter tracks with silence instead of refusing tracks of different lengths.
        #[arg(long)]
        pad: bool,
        /// Output word length.
        #[arg(long, value_enum, default_value = "24")]
        bits: Format,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Normalize loudness to a platform preset or target, limiting true peaks to the ceiling.
    Master {
        /// Input files (WAV, FLAC, MP3, Ogg Vorbis or AIFF).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output WAV (one input) or folder (several inputs).
        #[arg(short, long)]
        output: PathBuf,
        /// Platform preset: spotify, apple-music, youtube, amazon-music, tidal, deezer, ebu-r128, atsc-a85.
        #[arg(long, conflicts_with = "target_lufs")]
        preset: Option<String>,
        /// Integrated loudness target, LUFS (−40 to −5).
        #[arg(long, allow_negative_numbers = true)]
        target_lufs: Option<f64>,
        /// True-peak ceiling, dBTP (−30 to 0).
        #[arg(long, allow_negative_numbers = true)]
        ceiling_dbtp: Option<f64>,
        /// Album mode: one common gain for all inputs, keeping their relative loudness.
        #[arg(long)]
        album: bool,
        /// Output word length.
        #[arg(long, value_enum, default_value = "24")]
        bits: Format,
        /// Print one JSON object per file instead of text.
        #[arg(long)]
        json: bool,
        /// Fail (exit 1, the file not written) when the target cannot be reached under the
        /// ceiling, instead of warning.
        #[arg(long)]
        strict: bool,
        /// Master to a reference (repeat for several, averaged): an audio file, or a profile
        /// saved by `mixmaster profile` (.json). Matches EQ (mid/side), width and loudness; the
        /// ceiling is the reference's true peak unless a preset or target is given.
        #[arg(long)]
        reference: Vec<PathBuf>,
        /// Strength of each match stage, 0 to 1: `eq=1,loudness=1,width=1` (stages not named
        /// stay at 1).
        #[arg(long = "match", requires = "reference")]
        match_strengths: Option<String>,
        /// Also write the match EQ as a session-file insert (TOML) to this file.
        #[arg(long, requires = "reference")]
        save_match: Option<PathBuf>,
    },
    /// Measure a tonal profile (loud-part mid/side spectra, width, loudness, true peak) and save
    /// it as JSON, for `master --reference PROFILE.json`; several files are averaged.
    Profile {
        /// Audio files (WAV, FLAC, MP3, Ogg Vorbis or AIFF), mono or stereo.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The JSON file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Measure loudness (BS.1770 / EBU R128), loudness range and peaks.
    Meter {
        /// Audio files (WAV, FLAC, MP3, Ogg Vorbis or AIFF).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print one JSON object per file, one per line.
        #[arg(long)]
        json: bool,
        /// Draw loudness over time to this PNG (several files: one PNG each, named after them).
        #[arg(long)]
        plot: Option<PathBuf>,
        /// The target drawn on the plot, LUFS.
        #[arg(long, allow_negative_numbers = true, default_value_t = -14.0)]
        target_lufs: f64,
        /// How true peak is read: `standard` (BS.1770 4x, as libebur128 and ffmpeg) or
        /// `precise` (the 16x reconstruction a DAC or an encoder produces; about twice the cost).
        #[arg(long, value_enum, default_value = "standard")]
        true_peak: TruePeakArg,
    },
    /// Analyse mixes: loudness and dynamics (PLR, PSR, crest, DR), 1/3-octave spectra of L/R/M/S,
    /// stereo image and mono compatibility, faults, resonances and a platform preview.
    Analyze {
        /// Audio files (WAV, FLAC, MP3, Ogg Vorbis or AIFF), mono or stereo.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print one JSON object per file, one per line.
        #[arg(long)]
        json: bool,
        /// Draw the spectra, correlation and loudness over time to this PNG (several files:
        /// one PNG each, named after them).
        #[arg(long)]
        plot: Option<PathBuf>,
        /// How true peak is read: `standard` (BS.1770 4x) or `precise` (16x reconstruction).
        #[arg(long, value_enum, default_value = "standard")]
        true_peak: TruePeakArg,
    },
    /// List the processors a session insert can be, with their settings (from the registry).
    Processors {
        /// Only this kind (for example `compressor`).
        kind: Option<String>,
        /// Print the Markdown reference (docs/processors.md).
        #[arg(long)]
        markdown: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Errors already printed one per line (`meter` over several files).
        Err(e) if e.downcast_ref::<Reported>().is_some() => ExitCode::FAILURE,
        Err(e) => {
            error_line(&e);
            ExitCode::FAILURE
        }
    }
}

/// Errors that have been printed already: exit 1 without another line.
#[derive(Debug)]
struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("errors reported above")
    }
}

impl std::error::Error for Reported {}

/// One error line: the context chain joined with ": ".
fn error_line(e: &anyhow::Error) {
    let msg = format!("{e:#}").replace('\n', " ");
    eprintln!("mixmaster: error: {msg}");
}

/// A warning on stderr: shown even with `--quiet` (it says the result is not what was asked).
fn warn(msg: &str) {
    eprintln!("mixmaster: warning: {msg}");
}

/// Prints `text` and a newline on stdout. A closed pipe (`mixmaster meter *.wav | head -1`) ends
/// the program quietly with status 0, as `processors` does; other write errors are errors.
fn say(text: impl std::fmt::Display) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        r => r.context("cannot write to standard output"),
    }
}

fn run(cli: Cli) -> Result<()> {
    // Notes go to stderr unless --quiet; only the progress bar depends on a terminal.
    let quiet = cli.quiet;
    let bar = !cli.quiet && std::io::stderr().is_terminal();
    match cli.command {
        Command::Demo { output } => run_demo(&output, quiet, bar),
        Command::Render {
            session,
            output,
            pad,
            bits,
            json,
        } => run_render(&session, &output, pad, bits, json, quiet, bar),
        Command::Master {
            inputs,
            output,
            preset,
            target_lufs,
            ceiling_dbtp,
            album,
            bits,
            json,
            strict,
            reference,
            match_strengths,
            save_match,
        } => {
            let explicit = preset.is_some() || target_lufs.is_some() || ceiling_dbtp.is_some();
            let target = session::loudness_target(preset.as_deref(), target_lufs, ceiling_dbtp)?;
            let matching = if reference.is_empty() {
                None
            } else {
                if album {
                    bail!(
                        "--reference masters each track to the reference; it cannot be combined with --album"
                    );
                }
                let strengths = match &match_strengths {
                    Some(s) => reference::parse_strengths(s)?,
                    None => mixmaster::analysis::MatchStrengths::default(),
                };
                let profiles = reference
                    .iter()
                    .map(|r| reference::load(r))
                    .collect::<Result<Vec<_>>>()?;
                Some(Matching {
                    profiles,
                    strengths,
                    target: explicit.then_some(target),
                    save: save_match,
                })
            };
            let opts = MasterOptions {
                album,
                bits,
                json,
                strict,
                matching,
            };
            run_master(&inputs, &output, target, &opts)
        }
        Command::Profile { files, output } => run_profile(&files, &output, quiet),
        Command::Meter {
            files,
            json,
            plot,
            target_lufs,
            true_peak,
        } => run_meter(&files, json, plot.as_deref(), target_lufs, true_peak.into()),
        Command::Analyze {
            files,
            json,
            plot,
            true_peak,
        } => run_analyze(&files, json, plot.as_deref(), true_peak.into()),
        Command::Processors { kind, markdown } => processors::run(kind.as_deref(), markdown),
    }
}

fn progress(bar: bool, total: u64, what: &str) -> ProgressBar {
    if !bar {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template("{msg:10} [{bar:40}] {percent:>3}% {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

fn layout(channels: usize, file: &Path) -> Result<ChannelLayout> {
    match channels {
        1 | 2 | 5 | 6 | 8 => Ok(ChannelLayout::for_channels(channels)),
        n => bail!(
            "{}: {n} channels has no standard loudness layout (1, 2, 5, 6 or 8)",
            file.display()
        ),
    }
}

/// Writes `audio` to `path`; samples an integer format had to clip are a warning with a remedy.
fn write_wav(path: &Path, audio: &Audio, bits: Format) -> Result<()> {
    let w = wav::write(path, audio, bits)?;
    warn_clipped(path, &w);
    Ok(())
}

/// Samples an integer format had to clip: a warning with a remedy.
fn warn_clipped(path: &Path, w: &wav::Written) {
    if w.clipped > 0 {
        warn(&format!(
            "{}: {} samples clipped at full scale (peak {:+.2} dBFS); lower the master (its gain_db or the tracks'), add a limiter on the master, or write float with --bits 32f",
            path.display(),
            w.clipped,
            20.0 * f64::from(w.peak).log10()
        ));
    }
}

/// Why mastering one programme can miss its target.
fn why_track() -> String {
    format!(
        "getting louder would take more limiting than mastering applies (at most {MAX_CORRECTION_DB} dB beyond the gain), so lower the target, raise the ceiling or compress the mix first"
    )
}

/// Why an album can miss its target.
const WHY_ALBUM: &str = concat!(
    "album mode applies one gain to every track and does not make up the loudness that ",
    "limiting the loudest tracks to the ceiling takes off, so lower the target or raise the ceiling"
);

/// Why `r` missed its target, for a warning or (`--strict`) an error.
fn not_reached(what: &str, r: &NormalizeReport, why: &str) -> String {
    format!(
        "{what}: target {:.1} LUFS not reached: {:.1} LUFS under the {:.1} dBTP true-peak ceiling; {why}",
        r.target.integrated_lufs, r.after.integrated_lufs, r.target.ceiling_dbtp
    )
}

/// Whether an output kept the ceiling, its true peak read on the 16x reconstruction (what
/// playback produces): the text report's line, and a warning (shown in JSON mode too) when not.
fn ceiling_text(what: &str, after: &Levels, ceiling_dbtp: f64) -> String {
    if ceiling_kept(after, ceiling_dbtp) {
        format!(
            "\n  ceiling kept: true peak {:.2} dBTP on the 16x reconstruction (ceiling {:.1} dBTP)",
            after.true_peak_dbtp, ceiling_dbtp
        )
    } else {
        warn(&format!(
            "{what}: the output's true peak, {:.2} dBTP on the 16x reconstruction, is over the {:.1} dBTP ceiling by more than {CEILING_TOLERANCE_DB} dB",
            after.true_peak_dbtp, ceiling_dbtp
        ));
        format!(
            "\n  ceiling NOT kept: true peak {:.2} dBTP on the 16x reconstruction (ceiling {:.1} dBTP)",
            after.true_peak_dbtp, ceiling_dbtp
        )
    }
}

/// The text report's line for a missed target (empty when reached).
fn not_reached_text(r: &NormalizeReport) -> String {
    if r.reached {
        String::new()
    } else {
        format!(
            "\n  target NOT reached: {:.1} LUFS instead of {:.1} LUFS (limited to the {:.1} dBTP ceiling)",
            r.after.integrated_lufs, r.target.integrated_lufs, r.target.ceiling_dbtp
        )
    }
}

/// NaN or infinite samples in an input are measured as silence: say how many, and where.
fn warn_non_finite(file: &Path, counts: &[u64]) {
    let total: u64 = counts.iter().sum();
    if total > 0 {
        warn(&format!(
            "{}: {total} non-finite samples (NaN or infinite) in {}, measured and mastered as silence",
            file.display(),
            report::channels_with(counts)
        ));
    }
}

/// A programme shorter than one 400 ms gating block has no integrated loudness.
fn check_long_enough(file: &Path, frames: usize, sample_rate: u32) -> Result<()> {
    let seconds = frames as f64 / f64::from(sample_rate);
    if seconds < 0.4 {
        bail!(
            "{} is too short for an integrated loudness: {seconds:.3} s, under the 0.4 s of one gating block",
            file.display()
        );
    }
    Ok(())
}

fn run_demo(dir: &Path, quiet: bool, bar: bool) -> Result<()> {
    let stems_dir = dir.join("stems");
    std::fs::create_dir_all(&stems_dir)
        .with_context(|| format!("cannot create {}", stems_dir.display()))?;
    for (name, audio) in demo::stems() {
        wav::write(
            &stems_dir.join(format!("{name}.wav")),
            &audio,
            Format::Float32,
        )?;
    }
    let session_path = dir.join("session.toml");
    std::fs::write(&session_path, demo::SESSION)
        .with_context(|| format!("cannot write {}", session_path.display()))?;
    if !quiet {
        eprintln!("wrote 4 stems and {}", session_path.display());
    }
    run_render(
        &session_path,
        &dir.join("master.wav"),
        false,
        Format::Int24,
        false,
        quiet,
        bar,
    )
}

fn run_render(
    path: &Path,
    output: &Path,
    pad: bool,
    bits: Format,
    json: bool,
    quiet: bool,
    bar: bool,
) -> Result<()> {
    let mut s = session::load(path, pad)?;
    if !quiet {
        for (name, rate) in &s.resampled {
            eprintln!(
                "note: track `{name}` is at {rate} Hz; resampled to the session's {} Hz",
                s.sample_rate
            );
        }
    }
    let total = (s.frames + s.mixer.tail_frames()) as u64;
    let pb = progress(bar, total, "mixing");
    let mix = session::render(&mut s, 10.0, &|done| pb.set_position(done))?;
    pb.finish_and_clear();
    let Some(norm) = s.normalize.clone() else {
        write_wav(output, &mix, bits)?;
        drop(mix);
        // The report is of the file as written (dithered, and clipped if it had to be), its
        // true peak read on the 16x reconstruction (what playback produces).
        let m = meter_file(output, TruePeakMode::Precise)?;
        let name = output.display().to_string();
        if json {
            say(report::meter_json(
                &name,
                &m.report,
                m.sample_rate,
                m.channels,
            ))?;
        } else {
            say(report::meter_text(&name, &m.report, &m.non_finite))?;
        }
        return Ok(());
    };
    // The session masters to a target: keep the unmastered mix beside the master, in 32-bit
    // float so that it keeps any overs for later mastering.
    let mix_path = output.with_file_name("mix.wav");
    let mix_path = if mix_path == output {
        output.with_extension("mix.wav")
    } else {
        mix_path
    };
    wav::write(&mix_path, &mix, Format::Float32)?;
    let mut channels = mix.channels;
    let r = normalize(
        f64::from(mix.sample_rate),
        ChannelLayout::Stereo,
        &mut channels,
        norm.target()?,
    )
    .context("mastering the mix")?;
    if !r.reached {
        warn(&not_reached(
            &output.display().to_string(),
            &r,
            &why_track(),
        ));
    }
    let master = Audio {
        sample_rate: mix.sample_rate,
        channels,
    };
    write_wav(output, &master, bits)?;
    let ceiling = ceiling_text(
        &output.display().to_string(),
        &r.after,
        r.target.ceiling_dbtp,
    );
    if json {
        say(report::master_json(
            &mix_path.display().to_string(),
            &output.display().to_string(),
            &r,
        ))?;
    } else {
        say(format_args!(
            "mixed {} tracks ({:.1} s) into {}\nmastered to {:.1} LUFS / {:.1} dBTP into {} (gain {:+.2} dB{})\n{}{ceiling}{}",
            s.tracks.len(),
            master.seconds(),
            mix_path.display(),
            r.target.integrated_lufs,
            r.target.ceiling_dbtp,
            output.display(),
            r.gain_db,
            if r.limited { ", limited" } else { "" },
            report::before_after(&r.before, &r.after),
            not_reached_text(&r)
        ))?;
    }
    Ok(())
}

/// `master`'s switches.
struct MasterOptions {
    album: bool,
    bits: Format,
    json: bool,
    strict: bool,
    matching: Option<Matching>,
}

/// `master --reference`: the references' profiles and how to match them.
struct Matching {
    profiles: Vec<mixmaster::analysis::Profile>,
    strengths: mixmaster::analysis::MatchStrengths,
    /// A preset or target given with the references (else theirs is used).
    target: Option<Target>,
    /// Where to write the match EQ as a session insert.
    save: Option<PathBuf>,
}

/// `mixmaster profile`: the averaged profile of `files`, written as JSON.
fn run_profile(files: &[PathBuf], output: &Path, quiet: bool) -> Result<()> {
    let profiles = files
        .iter()
        .map(|f| reference::profile_file(f))
        .collect::<Result<Vec<_>>>()?;
    let p = mixmaster::analysis::matching::average(&profiles)?;
    let text = serde_json::to_string_pretty(&reference::to_json(&p))?;
    std::fs::write(output, text + "\n")
        .with_context(|| format!("cannot write the profile {}", output.display()))?;
    if !quiet {
        eprintln!(
            "profile of {} file(s) written to {} ({:.1} LUFS, {:.1} dBTP, width {:.1} dB)",
            files.len(),
            output.display(),
            p.integrated_lufs,
            p.true_peak_dbtp,
            p.width_db
        );
    }
    Ok(())
}

/// File extensions of audio: `-o` with one of these names a file, never a folder.
const AUDIO_EXTENSIONS: [&str; 8] = ["wav", "wave", "flac", "mp3", "ogg", "aif", "aiff", "m4a"];

/// Where each input's master goes: `output` itself for one input; for several, `output` is a
/// folder and each master is named after its input, as a WAV. Checked before anything is read
/// or written: a file name for several inputs, or two inputs landing on one name, is an error.
fn output_paths(inputs: &[PathBuf], output: &Path) -> Result<Vec<PathBuf>> {
    if inputs.len() == 1 {
        return Ok(vec![output.to_path_buf()]);
    }
    let shown = output.display();
    let audio_name = output
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    if audio_name && !output.is_dir() {
        bail!(
            "-o {shown}: {} inputs go to a folder, one WAV each, not to one file; name a folder",
            inputs.len()
        );
    }
    if output.exists() && !output.is_dir() {
        bail!(
            "-o {shown}: {} inputs go to a folder, and {shown} is a file",
            inputs.len()
        );
    }
    let mut seen: Vec<(PathBuf, &Path)> = Vec::with_capacity(inputs.len());
    for p in inputs {
        let Some(name) = p.file_name() else {
            bail!("{}: not a file name", p.display());
        };
        let out = output.join(Path::new(name).with_extension("wav"));
        if let Some((_, first)) = seen.iter().find(|(o, _)| *o == out) {
            bail!(
                "{} and {} would both be written to {}; master them into different folders",
                first.display(),
                p.display(),
                out.display()
            );
        }
        seen.push((out, p));
    }
    Ok(seen.into_iter().map(|(o, _)| o).collect())
}

fn run_master(
    inputs: &[PathBuf],
    output: &Path,
    target: Target,
    opts: &MasterOptions,
) -> Result<()> {
    let outs = output_paths(inputs, output)?;
    // A folder made here is removed again if it stays empty (an error before any write).
    let made = inputs.len() > 1 && !output.exists();
    let r = master_files(inputs, output, &outs, target, opts);
    if r.is_err() && made {
        let _ = std::fs::remove_dir(output);
    }
    r
}

fn master_files(
    inputs: &[PathBuf],
    output: &Path,
    outs: &[PathBuf],
    target: Target,
    opts: &MasterOptions,
) -> Result<()> {
    if opts.album {
        // Streamed like single files: a pass per track to measure, one to render at the common
        // gain, then one to write; nothing is written before every track is planned.
        let first = Input::open(&inputs[0])?;
        let lay = layout(first.channels(), &inputs[0])?;
        drop(first);
        let plan = stream::plan_album(inputs, lay, target)?;
        for (p, bad) in inputs.iter().zip(&plan.non_finite) {
            warn_non_finite(p, bad);
        }
        // An album is gated as a whole: a short track in it is fine.
        make_folder(inputs, output)?;
        return master_album(inputs, outs, &plan, target, opts);
    }
    // Each input is streamed from disk (measured, then limited at trial gains until its
    // loudness is right, then written), never held in memory. Every input is planned before
    // anything is written, so a bad file or a missed target under --strict writes nothing.
    let mut plans = Vec::with_capacity(inputs.len());
    for p in inputs {
        let input = Input::open(p)?;
        let lay = layout(input.channels(), p)?;
        check_long_enough(p, input.frames(), input.sample_rate())?;
        drop(input);
        let plan = match &opts.matching {
            None => stream::plan(p, lay, target)?,
            Some(m) => {
                let profile = reference::profile_file(p)?;
                let mp = mixmaster::analysis::matching::plan(
                    &profile,
                    &m.profiles,
                    m.strengths,
                    m.target,
                )
                .with_context(|| format!("{}", p.display()))?;
                if let Some(save) = &m.save {
                    std::fs::write(save, reference::session_insert(&mp))
                        .with_context(|| format!("cannot write {}", save.display()))?;
                }
                stream::plan_matched(p, lay, mp)?
            }
        };
        warn_non_finite(p, &plan.non_finite);
        let r = &plan.report;
        if !r.reached {
            let why = not_reached(&p.display().to_string(), r, &why_track());
            if opts.strict {
                bail!("{why} (--strict: nothing written)");
            }
            warn(&why);
        }
        plans.push(plan);
    }
    make_folder(inputs, output)?;
    for (plan, out) in plans.iter().zip(outs) {
        let written = stream::write(plan, out, opts.bits)?;
        warn_clipped(out, &written);
        let (p, r) = (&plan.path, &plan.report);
        let ceiling = ceiling_text(&out.display().to_string(), &r.after, r.target.ceiling_dbtp);
        // Mastered to a reference: the distance the written file is from it, measured.
        let matched = match &plan.matching {
            Some(m) => Some((m, reference::distance_to(&reference::profile_file(out)?, m))),
            None => None,
        };
        if opts.json {
            let mut v =
                report::master_json(&p.display().to_string(), &out.display().to_string(), r);
            if let Some((m, after)) = matched {
                v["match"] = reference::json(m, after);
            }
            say(v)?;
        } else {
            say(format_args!(
                "{} -> {} (target {:.1} LUFS / {:.1} dBTP, gain {:+.2} dB{})\n{}{ceiling}{}",
                p.display(),
                out.display(),
                r.target.integrated_lufs,
                r.target.ceiling_dbtp,
                r.gain_db,
                if r.limited { ", limited" } else { "" },
                report::before_after(&r.before, &r.after),
                not_reached_text(r)
            ))?;
            if let Some((m, after)) = matched {
                say(reference::text(m, after).trim_end())?;
            }
        }
    }
    Ok(())
}

/// Several inputs: the output folder, made once every input has been checked.
fn make_folder(inputs: &[PathBuf], output: &Path) -> Result<()> {
    if inputs.len() > 1 {
        std::fs::create_dir_all(output)
            .with_context(|| format!("cannot create folder {}", output.display()))?;
    }
    Ok(())
}

fn master_album(
    inputs: &[PathBuf],
    outs: &[PathBuf],
    plan: &stream::AlbumPlan,
    target: Target,
    opts: &MasterOptions,
) -> Result<()> {
    let r = &plan.report;
    let reached = (r.album_after.integrated_lufs - target.integrated_lufs).abs() <= 0.1;
    let album_name = format!("the album ({} tracks)", inputs.len());
    if !reached {
        let as_track = NormalizeReport {
            before: r.album_before,
            after: r.album_after,
            gain_db: r.gain_db,
            limited: r.tracks.iter().any(|t| t.2),
            reached,
            target,
        };
        let why = not_reached(&album_name, &as_track, WHY_ALBUM);
        if opts.strict {
            bail!("{why} (--strict: nothing written)");
        }
        warn(&why);
    }
    for (i, ((p, (before, after, limited)), out)) in
        inputs.iter().zip(&r.tracks).zip(outs).enumerate()
    {
        let written = stream::write_album_track(plan, i, out, opts.bits)?;
        warn_clipped(out, &written);
        // What limiting took off this track beyond the common gain: its loudness relative to
        // the other tracks changed by this much.
        let shift = after.integrated_lufs - before.integrated_lufs - r.gain_db;
        let ceiling = ceiling_text(&out.display().to_string(), after, target.ceiling_dbtp);
        if opts.json {
            let mut v = serde_json::json!({
                "file": p.display().to_string(),
                "output": out.display().to_string(),
                "target_lufs": report::num(target.integrated_lufs),
                "ceiling_dbtp": report::num(target.ceiling_dbtp),
                "album_gain_db": report::num(r.gain_db),
                "gain_db": report::num(r.gain_db),
                "limited": limited,
                "reached": reached,
                "ceiling_kept": ceiling_kept(after, target.ceiling_dbtp),
                "relative_change_lu": report::num(shift),
            });
            v["before"] = report::levels_json(before);
            v["after"] = report::levels_json(after);
            v["album_before"] = report::levels_json(&r.album_before);
            v["album_after"] = report::levels_json(&r.album_after);
            say(v)?;
        } else {
            let moved = if shift.abs() >= 0.05 {
                format!(" (limiting moved it {shift:+.1} LU relative to the album gain)")
            } else {
                String::new()
            };
            say(format_args!(
                "{} -> {}{}{moved}\n{}{ceiling}",
                p.display(),
                out.display(),
                if *limited { " (limited)" } else { "" },
                report::before_after(before, after)
            ))?;
        }
    }
    if !opts.json {
        say(format_args!(
            "album gain {:+.2} dB (target {:.1} LUFS / {:.1} dBTP{})\n{}",
            r.gain_db,
            target.integrated_lufs,
            target.ceiling_dbtp,
            if reached { "" } else { ", NOT reached" },
            report::before_after(&r.album_before, &r.album_after)
        ))?;
    }
    Ok(())
}

/// One file measured by [`meter_file`].
struct Metered {
    report: LoudnessReport,
    sample_rate: u32,
    channels: usize,
    /// NaN or infinite samples per channel.
    non_finite: Vec<u64>,
}

/// Measures a file block by block (memory does not grow with its length), with the momentary
/// and short-term series every 0.1 s as [`analyze`] gives them.
fn meter_file(p: &Path, true_peak: TruePeakMode) -> Result<Metered> {
    let mut input = Input::open(p)?;
    let rate = input.sample_rate();
    let nch = input.channels();
    let lay = layout(nch, p)?;
    let options = MeterOptions {
        true_peak_mode: true_peak,
        ..MeterOptions::default()
    };
    let mut meter = LoudnessMeter::with_options(f64::from(rate), lay, options)
        .with_context(|| format!("{}", p.display()))?;
    let q = meter.quantum_frames();
    let hop = ((f64::from(rate) * 0.1).round() as usize / q).max(1) * q;
    let mut bufs = vec![vec![0.0f32; hop]; nch];
    let (mut momentary, mut short_term) = (Vec::new(), Vec::new());
    let mut non_finite = vec![0u64; nch];
    let mut frames = 0usize;
    loop {
        let mut refs: Vec<&mut [f32]> = bufs.iter_mut().map(|b| &mut b[..]).collect();
        let n = input.read_into(&mut refs)?;
        if n == 0 {
            break;
        }
        for (bad, b) in non_finite.iter_mut().zip(&bufs) {
            *bad += b[..n].iter().filter(|v| !v.is_finite()).count() as u64;
        }
        let parts: Vec<&[f32]> = bufs.iter().map(|b| &b[..n]).collect();
        meter.add_planar(&parts);
        frames += n;
        if n < hop {
            break;
        }
        momentary.push(meter.momentary_lufs());
        short_term.push(meter.short_term_lufs());
    }
    let fs = f64::from(rate);
    let report = LoudnessReport {
        integrated_lufs: meter.integrated_lufs(),
        loudness_range_lu: meter.loudness_range_lu(),
        true_peak_dbtp: meter.true_peak_dbtp(),
        true_peak_per_channel_dbtp: (0..nch).map(|c| meter.true_peak_channel_dbtp(c)).collect(),
        true_peak_mode: true_peak,
        sample_peak_dbfs: meter.sample_peak_max_dbfs(),
        max_momentary_lufs: meter.max_momentary_lufs(),
        max_short_term_lufs: meter.max_short_term_lufs(),
        momentary_lufs: momentary,
        short_term_lufs: short_term,
        hop_s: hop as f64 / fs,
        duration_s: frames as f64 / fs,
        non_finite_samples: meter.non_finite_samples(),
    };
    Ok(Metered {
        report,
        sample_rate: rate,
        channels: nch,
        non_finite,
    })
}

/// Checks that a PNG can be created at `path` before drawing: a bad path is one line naming it.
fn check_plot_path(path: &Path) -> Result<()> {
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot write the plot {}: {e}", path.display()))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// Meters every file it can read; each one that fails is an error line of its own, and the
/// command then exits 1 (after the others are reported).
fn run_meter(
    files: &[PathBuf],
    json: bool,
    plot: Option<&Path>,
    target_lufs: f64,
    true_peak: TruePeakMode,
) -> Result<()> {
    each_file(files, |p| {
        meter_one(p, files.len() > 1, json, plot, target_lufs, true_peak)
    })
}

/// Runs `f` on every file; with several, each failure is an error line of its own and the
/// others still run, and the command then exits 1.
fn each_file(files: &[PathBuf], mut f: impl FnMut(&Path) -> Result<()>) -> Result<()> {
    let mut failed = 0;
    for p in files {
        if let Err(e) = f(p) {
            if files.len() == 1 {
                return Err(e);
            }
            error_line(&e);
            failed += 1;
        }
    }
    if failed > 0 {
        return Err(Reported.into());
    }
    Ok(())
}

/// Analyses every file it can read; as `meter`, each failure is an error line of its own.
fn run_analyze(
    files: &[PathBuf],
    json: bool,
    plot: Option<&Path>,
    true_peak: TruePeakMode,
) -> Result<()> {
    each_file(files, |p| {
        let out = plot.map(|o| plot_path(o, p, files.len() > 1));
        if let Some(o) = &out {
            check_plot_path(o)?;
        }
        let a = analyze::analyze_file(p, true_peak)?;
        let name = p.display().to_string();
        if json {
            say(analyze::json(&name, &a))?;
        } else {
            say(analyze::text(&name, &a))?;
        }
        if let Some(o) = &out {
            plot::analysis(o, &name, &a.analysis)?;
        }
        Ok(())
    })
}

/// The PNG for `file`: `out` itself, or with several files `out`'s stem, a dash and the file's.
fn plot_path(out: &Path, file: &Path, several: bool) -> PathBuf {
    if several {
        let stem = file.file_stem().unwrap_or_default().to_string_lossy();
        out.with_file_name(format!(
            "{}-{stem}.png",
            out.file_stem().unwrap_or_default().to_string_lossy()
        ))
    } else {
        out.to_path_buf()
    }
}

fn meter_one(
    p: &Path,
    several: bool,
    json: bool,
    plot: Option<&Path>,
    target_lufs: f64,
    true_peak: TruePeakMode,
) -> Result<()> {
    let m = meter_file(p, true_peak)?;
    let name = p.display().to_string();
    if json {
        say(report::meter_json(
            &name,
            &m.report,
            m.sample_rate,
            m.channels,
        ))?;
    } else {
        say(report::meter_text(&name, &m.report, &m.non_finite))?;
    }
    if let Some(out) = plot {
        let out = plot_path(out, p, several);
        check_plot_path(&out)?;
        plot::loudness(&out, &name, &m.report, target_lufs)?;
    }
    Ok(())
}
