//! WAV files in and out (through `hound`): planar `f32` audio, clear errors naming the file.

use anyhow::{Context, Result, anyhow, bail};
use hound::{SampleFormat, WavReader, WavSpec, WavWriter};
use mixmaster::master::dither::{Dither, NoiseShaping};
use std::io::{Read, Seek, SeekFrom};
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
    let samples = reader.len() as usize;
    // hound has parsed and checked the header and stops at the start of the data chunk, whose
    // size field is the 4 bytes just before it: that gives the container size of a sample
    // exactly. The data is then read in one piece and converted in tight loops (hound's
    // per-sample iterator costs more than the mixing itself on long sessions).
    let mut inner = reader.into_inner();
    let start = inner
        .stream_position()
        .with_context(|| format!("reading {shown}"))?;
    let mut size = [0u8; 4];
    inner
        .seek(SeekFrom::Start(start.saturating_sub(4)))
        .and_then(|_| inner.read_exact(&mut size))
        .with_context(|| format!("reading {shown}"))?;
    let data_len = u32::from_le_bytes(size) as usize;
    let width = data_len.checked_div(samples).unwrap_or(0);
    let mut data = Vec::with_capacity(data_len);
    (&mut inner)
        .take(data_len as u64)
        .read_to_end(&mut data)
        .with_context(|| format!("reading {shown}"))?;
    if data.len() < data_len {
        bail!(
            "{shown} is truncated: its header promises {samples} samples but the file holds {}",
            data.len() / width.max(1)
        );
    }
    let bits = spec.bits_per_sample;
    let channels = match (spec.sample_format, width, bits) {
        (SampleFormat::Float, 4, 32) => split(&data, width, nch, |b: &[u8]| {
            f32::from_le_bytes([b[0], b[1], b[2], b[3]])
        }),
        (SampleFormat::Int, 1, 8) => split(&data, width, nch, |b: &[u8]| {
            (f32::from(b[0]) - 128.0) / 128.0
        }),
        (SampleFormat::Int, 2, 16) => split(&data, width, nch, |b: &[u8]| {
            f32::from(i16::from_le_bytes([b[0], b[1]])) / 32_768.0
        }),
        (SampleFormat::Int, 3, 24) => split(&data, width, nch, |b: &[u8]| {
            (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0
        }),
        (SampleFormat::Int, 4, 24) => split(&data, width, nch, |b: &[u8]| {
            (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0
        }),
        (SampleFormat::Int, 4, 32) => split(&data, width, nch, |b: &[u8]| {
            i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32 / 2_147_483_648.0
        }),
        (format, width, bits) => bail!(
            "{shown}: unsupported WAV encoding ({bits}-bit {} in {width}-byte samples; use 8/16/24/32-bit integer or 32-bit float)",
            if format == SampleFormat::Float {
                "float"
            } else {
                "integer"
            }
        ),
    };
    Ok(Audio {
        sample_rate: spec.sample_rate,
        channels,
    })
}

/// Interleaved samples of `width` bytes to planar `f32` through `decode`.
fn split(data: &[u8], width: usize, nch: usize, decode: impl Fn(&[u8]) -> f32) -> Vec<Vec<f32>> {
    let frames = data.len() / (width * nch).max(1);
    let mut channels = vec![Vec::with_capacity(frames); nch];
    for (c, ch) in channels.iter_mut().enumerate() {
        ch.extend(
            data.chunks_exact(width * nch)
                .map(|frame| decode(&frame[c * width..(c + 1) * width])),
        );
    }
    channels
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Our reader against hound's own per-sample decoder, for every encoding we accept.
    #[test]
    fn reads_what_hound_reads_in_every_supported_encoding() {
        let dir = std::env::temp_dir().join(format!("mixmaster-wav-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (bits, format) in [
            (8, SampleFormat::Int),
            (16, SampleFormat::Int),
            (24, SampleFormat::Int),
            (32, SampleFormat::Int),
            (32, SampleFormat::Float),
        ] {
            let path = dir.join(format!("t{bits}{format:?}.wav"));
            let spec = WavSpec {
                channels: 3,
                sample_rate: 44_100,
                bits_per_sample: bits,
                sample_format: format,
            };
            let mut w = WavWriter::create(&path, spec).unwrap();
            let full = ((1i64 << (bits - 1)) - 1) as f64;
            for n in 0..1000 {
                for c in 0..3 {
                    let x = ((n * 7 + c * 13) as f64 * 0.01).sin() * 0.9;
                    match format {
                        SampleFormat::Float => w.write_sample(x as f32).unwrap(),
                        SampleFormat::Int => w.write_sample((x * full) as i32).unwrap(),
                    }
                }
            }
            w.finalize().unwrap();
            let ours = read(&path).unwrap();
            assert_eq!(
                (ours.sample_rate, ours.channels.len(), ours.frames()),
                (44_100, 3, 1000)
            );
            let r = WavReader::open(&path).unwrap();
            let theirs: Vec<f32> = match format {
                SampleFormat::Float => r.into_samples::<f32>().map(|s| s.unwrap()).collect(),
                SampleFormat::Int => {
                    let scale = 1.0 / (1u64 << (bits - 1)) as f32;
                    r.into_samples::<i32>()
                        .map(|s| s.unwrap() as f32 * scale)
                        .collect()
                }
            };
            for (k, v) in theirs.iter().enumerate() {
                assert_eq!(
                    ours.channels[k % 3][k / 3],
                    *v,
                    "{bits}-bit {format:?} sample {k}"
                );
            }
        }
    }
}
