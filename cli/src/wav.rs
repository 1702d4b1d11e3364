//! WAV files in and out (through `hound`): planar `f32` audio, clear errors naming the file.

use anyhow::{Context, Result, anyhow, bail};
use hound::{SampleFormat, WavReader, WavSpec, WavWriter};
use mixmaster::master::dither::{Dither, NoiseShaping};
use std::path::Path;

/// Planar audio with its sample rate.
#[derive(Debug, Clone)]
pub struct Audio {
    /// Sample rate, Hz.
    pub sample_rate: u32,
    /// One vector per channel, all of one length.
    pub channels: Vec<Vec<f32>>,
}

impl Audio {
    /// Frames per channel.
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, |c| c.len())
    }

    /// Length in seconds.
    pub fn seconds(&self) -> f64 {
        self.frames() as f64 / f64::from(self.sample_rate)
    }
}

/// Output word length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 16-bit integer, TPDF-dithered with noise shaping (CD).
    #[value(name = "16")]
    Int16,
    /// 24-bit integer, TPDF-dithered.
    #[value(name = "24")]
    Int24,
    /// 32-bit float, no dither.
    #[value(name = "32f")]
    Float32,
}

/// Reads a WAV file (8/16/24/32-bit integer or 32-bit float) as planar `f32`.
pub fn read(path: &Path) -> Result<Audio> {
    let shown = path.display();
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {shown}"))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        bail!("{shown} is empty (0 bytes), not a WAV file");
    }
    let reader = WavReader::new(std::io::BufReader::new(file)).map_err(|e| match e {
        hound::Error::IoError(_) => {
            anyhow!("{shown} is not a WAV file (it ends before a complete header)")
        }
        hound::Error::FormatError(m) => anyhow!("{shown} is not a WAV file ({m})"),
        hound::Error::Unsupported => {
            anyhow!("{shown}: unsupported WAV encoding (use PCM integer or 32-bit float)")
        }
        e => anyhow!("{shown}: {e}"),
    })?;
    let spec = reader.spec();
    let nch = usize::from(spec.channels);
    if nch == 0 {
        bail!("{shown} has no channels");
    }
    let expected = reader.len() as usize;
    let interleaved: Vec<f32> = match spec.sample_format {
        SampleFormat::Float => {
            if spec.bits_per_sample != 32 {
                bail!(
                    "{shown}: {}-bit float WAV is not supported (32-bit float is)",
                    spec.bits_per_sample
                );
            }
            collect(reader.into_samples::<f32>(), &shown.to_string(), |s| s)?
        }
        SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            collect(reader.into_samples::<i32>(), &shown.to_string(), |s| {
                s as f32 * scale
            })?
        }
    };
    if interleaved.len() < expected {
        bail!(
            "{shown} is truncated: its header promises {expected} samples but the file holds {}",
            interleaved.len()
        );
    }
    let frames = interleaved.len() / nch;
    let mut channels = vec![Vec::with_capacity(frames); nch];
    for frame in interleaved.chunks_exact(nch) {
        for (c, s) in channels.iter_mut().zip(frame) {
            c.push(*s);
        }
    }
    Ok(Audio {
        sample_rate: spec.sample_rate,
        channels,
    })
}

fn collect<T, I: Iterator<Item = hound::Result<T>>>(
    samples: I,
    shown: &str,
    f: impl Fn(T) -> f32,
) -> Result<Vec<f32>> {
    let mut out = Vec::with_capacity(samples.size_hint().0);
    for s in samples {
        match s {
            Ok(v) => out.push(f(v)),
            // hound reports a short read as an I/O error (UnexpectedEof, or "Failed to read
            // enough bytes"): the data chunk promises more than the file holds.
            Err(hound::Error::IoError(_)) => {
                bail!(
                    "{shown} is truncated: the audio data ends early ({} samples read)",
                    out.len()
                )
            }
            Err(e) => bail!("{shown}: {e}"),
        }
    }
    Ok(out)
}

/// Writes planar audio to a WAV file in `format` (integer formats dithered with TPDF).
pub fn write(path: &Path, audio: &Audio, format: Format) -> Result<()> {
    let nch = audio.channels.len();
    let (bits, sample_format) = match format {
        Format::Int16 => (16, SampleFormat::Int),
        Format::Int24 => (24, SampleFormat::Int),
        Format::Float32 => (32, SampleFormat::Float),
    };
    let spec = WavSpec {
        channels: nch as u16,
        sample_rate: audio.sample_rate,
        bits_per_sample: bits,
        sample_format,
    };
    let shown = path.display();
    let mut w = WavWriter::create(path, spec).with_context(|| format!("cannot create {shown}"))?;
    let frames = audio.frames();
    match format {
        Format::Float32 => {
            for n in 0..frames {
                for c in &audio.channels {
                    w.write_sample(c[n])
                        .with_context(|| format!("writing {shown}"))?;
                }
            }
        }
        Format::Int16 | Format::Int24 => {
            let shaping = if bits == 16 {
                NoiseShaping::FirstOrder
            } else {
                NoiseShaping::None
            };
            let mut dithers: Vec<Dither> = (0..nch)
                .map(|c| Dither::new(u32::from(bits), shaping, 0x6d69_786d + c as u64))
                .collect::<mixmaster::Result<_>>()?;
            for n in 0..frames {
                for (c, d) in audio.channels.iter().zip(dithers.iter_mut()) {
                    w.write_sample(d.quantize(c[n]))
                        .with_context(|| format!("writing {shown}"))?;
                }
            }
        }
    }
    w.finalize().with_context(|| format!("finishing {shown}"))?;
    Ok(())
}
