//! `mixmaster`: mix sessions, master to platform loudness targets and meter WAV files.
//!
//! Subcommands: `demo` (the built-in song, start here), `render SESSION.toml`, `master IN.wav`,
//! `meter FILE.wav`. Every failure prints one line, `mixmaster: error: ...`, and exits 1;
//! usage mistakes exit 2 (from clap).

mod decode;
mod demo;
mod input;
mod plot;
mod processors;
mod report;
mod resample;
mod session;
mod wav;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use mixmaster::master::normalize::{normalize, normalize_album};
use mixmaster::master::{ChannelLayout, analyze};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wav::{Audio, Format};

#[derive(Parser)]
#[command(
    name = "mixmaster",
    version,
    about = "Mix, master and meter audio (WAV) with the mixmaster DSP library"
)]
struct Cli {
    /// No progress bars or notes on stderr.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
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
        Err(e) => {
            // One line: the context chain joined with ": ".
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("mixmaster: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let quiet = cli.quiet || !std::io::stderr().is_terminal();
    match cli.command {
        Command::Demo { output } => run_demo(&output, quiet),
        Command::Render {
            session,
            output,
            pad,
            bits,
            json,
        } => run_render(&session, &output, pad, bits, json, quiet),
        Command::Master {
            inputs,
            output,
            preset,
            target_lufs,
            ceiling_dbtp,
            album,
            bits,
            json,
        } => {
            let target = session::loudness_target(preset.as_deref(), target_lufs, ceiling_dbtp)?;
            run_master(&inputs, &output, target, album, bits, json)
        }
        Command::Meter {
            files,
            json,
            plot,
            target_lufs,
        } => run_meter(&files, json, plot.as_deref(), target_lufs),
        Command::Processors { kind, markdown } => processors::run(kind.as_deref(), markdown),
    }
}

fn progress(quiet: bool, total: u64, what: &str) -> ProgressBar {
    if quiet {
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

fn run_demo(dir: &Path, quiet: bool) -> Result<()> {
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
    )
}

fn run_render(
    path: &Path,
    output: &Path,
    pad: bool,
    bits: Format,
    json: bool,
    quiet: bool,
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
    let pb = progress(quiet, total, "mixing");
    let mix = session::render(&mut s, 10.0, &|done| pb.set_position(done))?;
    pb.finish_and_clear();
    let Some(norm) = s.normalize.clone() else {
        wav::write(output, &mix, bits)?;
        let refs: Vec<&[f32]> = mix.channels.iter().map(|c| &c[..]).collect();
        let r = analyze(
            f64::from(mix.sample_rate),
            ChannelLayout::Stereo,
            &refs,
            0.1,
        )?;
        let name = output.display().to_string();
        if json {
            println!("{}", report::meter_json(&name, &r, mix.sample_rate, 2));
        } else {
            println!("{}", report::meter_text(&name, &r));
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
    let master = Audio {
        sample_rate: mix.sample_rate,
        channels,
    };
    wav::write(output, &master, bits)?;
    if json {
        println!(
            "{}",
            report::master_json(
                &mix_path.display().to_string(),
                &output.display().to_string(),
                &r
            )
        );
    } else {
        println!(
            "mixed {} tracks ({:.1} s) into {}\nmastered to {:.1} LUFS / {:.1} dBTP into {} (gain {:+.2} dB{})\n{}",
            s.tracks.len(),
            master.seconds(),
            mix_path.display(),
            r.target.integrated_lufs,
            r.target.ceiling_dbtp,
            output.display(),
            r.gain_db,
            if r.limited { ", limited" } else { "" },
            report::before_after(&r.before, &r.after)
        );
    }
    Ok(())
}

fn run_master(
    inputs: &[PathBuf],
    output: &Path,
    target: mixmaster::master::normalize::Target,
    album: bool,
    bits: Format,
    json: bool,
) -> Result<()> {
    let several = inputs.len() > 1;
    if several {
        std::fs::create_dir_all(output)
            .with_context(|| format!("cannot create folder {}", output.display()))?;
    }
    let out_path = |input: &Path| -> PathBuf {
        if several {
            output.join(input.file_name().unwrap_or_default())
        } else {
            output.to_path_buf()
        }
    };
    let mut audios = Vec::with_capacity(inputs.len());
    for p in inputs {
        let a = input::read(p)?;
        layout(a.channels.len(), p)?;
        audios.push(a);
    }
    if album {
        let first = &audios[0];
        for (a, p) in audios.iter().zip(inputs) {
            if a.sample_rate != first.sample_rate || a.channels.len() != first.channels.len() {
                bail!(
                    "album: {} is {} Hz, {} channels but {} is {} Hz, {} channels; album tracks must match",
                    p.display(),
                    a.sample_rate,
                    a.channels.len(),
                    inputs[0].display(),
                    first.sample_rate,
                    first.channels.len()
                );
            }
        }
        let fs = f64::from(first.sample_rate);
        let lay = layout(first.channels.len(), &inputs[0])?;
        let mut tracks: Vec<Vec<Vec<f32>>> = audios.iter().map(|a| a.channels.clone()).collect();
        let r = normalize_album(fs, lay, &mut tracks, target).context("album")?;
        for ((p, ch), (before, after, limited)) in inputs.iter().zip(tracks).zip(&r.tracks) {
            let out = out_path(p);
            wav::write(
                &out,
                &Audio {
                    sample_rate: first.sample_rate,
                    channels: ch,
                },
                bits,
            )?;
            if json {
                let mut v = serde_json::json!({"file": p.display().to_string(), "output": out.display().to_string(), "album_gain_db": report::num(r.gain_db), "limited": limited});
                v["before"] = report::levels_json(before);
                v["after"] = report::levels_json(after);
                println!("{v}");
            } else {
                println!(
                    "{} -> {}{}\n{}",
                    p.display(),
                    out.display(),
                    if *limited { " (limited)" } else { "" },
                    report::before_after(before, after)
                );
            }
        }
        if !json {
            println!(
                "album gain {:+.2} dB\n{}",
                r.gain_db,
                report::before_after(&r.album_before, &r.album_after)
            );
        }
        return Ok(());
    }
    for (p, a) in inputs.iter().zip(audios) {
        let out = out_path(p);
        let lay = layout(a.channels.len(), p)?;
        let mut ch = a.channels;
        let r = normalize(f64::from(a.sample_rate), lay, &mut ch, target)
            .with_context(|| format!("{}", p.display()))?;
        wav::write(
            &out,
            &Audio {
                sample_rate: a.sample_rate,
                channels: ch,
            },
            bits,
        )?;
        if json {
            println!(
                "{}",
                report::master_json(&p.display().to_string(), &out.display().to_string(), &r)
            );
        } else {
            println!(
                "{} -> {} (target {:.1} LUFS / {:.1} dBTP, gain {:+.2} dB{})\n{}",
                p.display(),
                out.display(),
                r.target.integrated_lufs,
                r.target.ceiling_dbtp,
                r.gain_db,
                if r.limited { ", limited" } else { "" },
                report::before_after(&r.before, &r.after)
            );
        }
    }
    Ok(())
}

fn run_meter(files: &[PathBuf], json: bool, plot: Option<&Path>, target_lufs: f64) -> Result<()> {
    for p in files {
        let a = input::read(p)?;
        let lay = layout(a.channels.len(), p)?;
        let refs: Vec<&[f32]> = a.channels.iter().map(|c| &c[..]).collect();
        let r = analyze(f64::from(a.sample_rate), lay, &refs, 0.1)
            .with_context(|| format!("{}", p.display()))?;
        let name = p.display().to_string();
        if json {
            println!(
                "{}",
                report::meter_json(&name, &r, a.sample_rate, a.channels.len())
            );
        } else {
            println!("{}", report::meter_text(&name, &r));
        }
        if let Some(out) = plot {
            let out = if files.len() > 1 {
                let stem = p.file_stem().unwrap_or_default().to_string_lossy();
                out.with_file_name(format!(
                    "{}-{stem}.png",
                    out.file_stem().unwrap_or_default().to_string_lossy()
                ))
            } else {
                out.to_path_buf()
            };
            plot::loudness(&out, &name, &r, target_lufs)?;
        }
    }
    Ok(())
}
