//! WAV files in and out (through `hound`): planar `f32` audio, clear errors naming the file.

use anyhow::{Context, Result, anyhow, bail};
use hound::{SampleFormat, WavReader, WavSpec, WavWriter};
use mixmaster::master::dither::{Dither, NoiseShaping};
use std::io::{Read, Seek, SeekFrom, Write};
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

/// A RIFF file whose header or encoding this reader does not handle (64-bit float, A-law,
/// μ-law, ADPCM, ...): [`crate::input`] then tries the general decoder before giving this error.
#[derive(Debug)]
pub struct NotHandled(pub String);

impl std::fmt::Display for NotHandled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotHandled {}

/// Output word length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Format {
    /// 16-bit integer, TPDF-dithered with noise shaping (CD).
    #[cfg_attr(feature = "clap", value(name = "16"))]
    Int16,
    /// 24-bit integer, TPDF-dithered.
    #[cfg_attr(feature = "clap", value(name = "24"))]
    Int24,
    /// 32-bit float, no dither.
    #[cfg_attr(feature = "clap", value(name = "32f"))]
    Float32,
}

/// How samples are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    U8,
    I16,
    I24,
    /// 24-bit in a 4-byte container (low three bytes, as hound reads it).
    I24In32,
    I32,
    F32,
}

impl Encoding {
    /// How the samples are stored, in words ("16-bit", "32-bit float").
    fn name(self) -> &'static str {
        match self {
            Encoding::U8 => "8-bit",
            Encoding::I16 => "16-bit",
            Encoding::I24 | Encoding::I24In32 => "24-bit",
            Encoding::I32 => "32-bit",
            Encoding::F32 => "32-bit float",
        }
    }

    fn width(self) -> usize {
        match self {
            Encoding::U8 => 1,
            Encoding::I16 => 2,
            Encoding::I24 => 3,
            Encoding::I24In32 | Encoding::I32 | Encoding::F32 => 4,
        }
    }
}

/// A WAV file opened for reading block by block: the header is checked (and the file's length
/// against it) at `open`; audio is decoded on demand, so a long session never sits in memory.
pub struct Reader {
    data: std::fs::File,
    shown: String,
    encoding: Encoding,
    /// Sample rate, Hz.
    pub sample_rate: u32,
    /// Channels.
    pub channels: usize,
    /// Frames in the file.
    pub frames: usize,
    done: usize,
    /// Bytes read ahead from the file; `bytes[head..]` not decoded yet.
    bytes: Vec<u8>,
    head: usize,
}

/// Frames the reader asks the file for at once.
const READ_AHEAD_FRAMES: usize = 16_384;

impl Reader {
    /// How the file stores its samples, in words ("16-bit", "24-bit", "32-bit float").
    pub fn sample_format(&self) -> &'static str {
        self.encoding.name()
    }

    /// Opens `path`: a clear error for a missing, empty, non-WAV, unsupported or truncated file.
    pub fn open(path: &Path) -> Result<Reader> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).with_context(|| format!("cannot open {shown}"))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len == 0 {
            bail!("{shown} is empty (0 bytes), not a WAV file");
        }
        let reader = WavReader::new(std::io::BufReader::with_capacity(1 << 16, file)).map_err(
            |e| match e {
                hound::Error::IoError(_) => {
                    anyhow!("{shown} is not a WAV file (it ends before a complete header)")
                }
                hound::Error::FormatError(m) => {
                    anyhow::Error::new(NotHandled(format!("{shown} is not a WAV file ({m})")))
                }
                hound::Error::Unsupported => anyhow::Error::new(NotHandled(format!(
                    "{shown}: unsupported WAV encoding (use PCM integer or 32-bit float)"
                ))),
                e => anyhow!("{shown}: {e}"),
            },
        )?;
        let spec = reader.spec();
        let nch = usize::from(spec.channels);
        if nch == 0 {
            bail!("{shown} has no channels");
        }
        mixmaster::validate::sample_rate(f64::from(spec.sample_rate))
            .with_context(|| format!("{shown}: its header gives a bad sample rate"))?;
        let samples = reader.len() as usize;
        // hound has parsed and checked the header and stops at the start of the data chunk,
        // whose size field is the 4 bytes just before it: that gives the container size of a
        // sample exactly. Samples are then decoded here in tight loops (hound's per-sample
        // iterator costs more than the mixing itself on long sessions).
        let mut data = reader.into_inner();
        let start = data
            .stream_position()
            .with_context(|| format!("reading {shown}"))?;
        let mut size = [0u8; 4];
        data.seek(SeekFrom::Start(start.saturating_sub(4)))
            .and_then(|_| data.read_exact(&mut size))
            .with_context(|| format!("reading {shown}"))?;
        let data_len = u32::from_le_bytes(size) as usize;
        let width = data_len.checked_div(samples).unwrap_or(0);
        let encoding = match (spec.sample_format, width, spec.bits_per_sample) {
            (SampleFormat::Float, 4, 32) => Encoding::F32,
            (SampleFormat::Int, 1, 8) => Encoding::U8,
            (SampleFormat::Int, 2, 16) => Encoding::I16,
            (SampleFormat::Int, 3, 24) => Encoding::I24,
            (SampleFormat::Int, 4, 24) => Encoding::I24In32,
            (SampleFormat::Int, 4, 32) => Encoding::I32,
            // No samples at all: nothing will be decoded, any encoding does.
            (_, 0, _) => Encoding::I16,
            (format, width, bits) => {
                return Err(anyhow::Error::new(NotHandled(format!(
                    "{shown}: unsupported WAV encoding ({bits}-bit {} in {width}-byte samples; use 8/16/24/32-bit integer or 32-bit float)",
                    if format == SampleFormat::Float {
                        "float"
                    } else {
                        "integer"
                    }
                ))));
            }
        };
        // From here on the file is read in large runs straight into `bytes` (one copy).
        let mut data = data.into_inner();
        data.seek(SeekFrom::Start(start))
            .with_context(|| format!("reading {shown}"))?;
        let held = (len.saturating_sub(start) as usize).min(data_len);
        if held < data_len {
            bail!(
                "{shown} is truncated: its header promises {samples} samples but the file holds {}",
                held / width.max(1)
            );
        }
        Ok(Reader {
            data,
            shown,
            encoding,
            sample_rate: spec.sample_rate,
            channels: nch,
            frames: samples / nch,
            done: 0,
            bytes: Vec::new(),
            head: 0,
        })
    }

    /// Decodes the next frames into `out` (one slice per channel, all of one length); frames
    /// past the end of the file are silence. Returns how many frames came from the file.
    pub fn read_into(&mut self, out: &mut [&mut [f32]]) -> Result<usize> {
        let want = out.first().map_or(0, |c| c.len());
        let n = want.min(self.frames - self.done);
        let width = self.encoding.width();
        let frame_bytes = width * self.channels;
        let need = n * frame_bytes;
        if self.bytes.len() - self.head < need {
            // Keep what is left, then read ahead up to what the file still holds.
            let left = self.bytes.len() - self.head;
            self.bytes.copy_within(self.head.., 0);
            let ahead = (self.frames - self.done).min(n.max(READ_AHEAD_FRAMES)) * frame_bytes;
            self.bytes.resize(ahead.max(left), 0);
            self.head = 0;
            self.data
                .read_exact(&mut self.bytes[left..])
                .map_err(|_| anyhow!("{} is truncated: the audio data ends early", self.shown))?;
        }
        let b = &self.bytes[self.head..self.head + need];
        self.head += need;
        let nch = self.channels;
        match self.encoding {
            Encoding::F32 => split(b, nch, out, |b: [u8; 4]| f32::from_le_bytes(b)),
            Encoding::U8 => split(b, nch, out, |b: [u8; 1]| (f32::from(b[0]) - 128.0) / 128.0),
            Encoding::I16 => split(b, nch, out, |b: [u8; 2]| {
                f32::from(i16::from_le_bytes(b)) / 32_768.0
            }),
            Encoding::I24 => split(b, nch, out, |b: [u8; 3]| {
                (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0
            }),
            Encoding::I24In32 => split(b, nch, out, |b: [u8; 4]| {
                (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0
            }),
            Encoding::I32 => split(b, nch, out, |b: [u8; 4]| {
                i32::from_le_bytes(b) as f32 / 2_147_483_648.0
            }),
        }
        for ch in out.iter_mut() {
            ch[n..].fill(0.0);
        }
        self.done += n;
        Ok(n)
    }
}

/// Interleaved samples of `W` bytes to the planar `out` through `decode`.
fn split<const W: usize>(
    data: &[u8],
    nch: usize,
    out: &mut [&mut [f32]],
    decode: impl Fn([u8; W]) -> f32,
) {
    for (c, ch) in out.iter_mut().enumerate().take(nch) {
        for (o, frame) in ch.iter_mut().zip(data.chunks_exact(W * nch)) {
            let mut b = [0u8; W];
            b.copy_from_slice(&frame[c * W..c * W + W]);
            *o = decode(b);
        }
    }
}

/// What [`write()`] had to do to the samples.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Written {
    /// Samples beyond full scale that an integer format clipped (0 for float).
    pub clipped: u64,
    /// Largest finite sample magnitude written (1.0 is full scale).
    pub peak: f32,
}

/// Writes planar audio to a WAV file in `format` (integer formats dithered with TPDF). Integer
/// formats clip samples beyond full scale: the result says how many, for a warning.
pub fn write(path: &Path, audio: &Audio, format: Format) -> Result<Written> {
    let mut w = Writer::create(
        path,
        audio.channels.len(),
        audio.sample_rate,
        audio.frames(),
        format,
    )?;
    let parts: Vec<&[f32]> = audio.channels.iter().map(|c| &c[..]).collect();
    w.write(&parts)?;
    w.finish()
}

/// A WAV file written block by block (what [`write()`] does in one call): the header for the
/// frames announced at [`Writer::create`], samples appended as they come, the sizes patched at
/// [`Writer::finish`].
pub struct Writer {
    out: std::io::BufWriter<std::fs::File>,
    shown: String,
    format: Format,
    nch: usize,
    width: usize,
    /// Where the samples start.
    header: u64,
    /// Whether the header is ours (float, with a `fact` chunk to patch).
    fact: bool,
    frames: usize,
    dithers: Vec<Dither>,
    bytes: Vec<u8>,
    codes: Vec<i32>,
    written: Written,
}

/// Frames converted at once.
const CHUNK: usize = 4096;

/// A hound error with its operating-system error, if it is one, kept as the source (so a
/// caller can tell a missing folder from a bad format).
fn io_error(e: hound::Error) -> anyhow::Error {
    match e {
        hound::Error::IoError(io) => anyhow::Error::new(io),
        e => anyhow::Error::new(e),
    }
}

impl Writer {
    /// Creates `path` for `frames` frames of `channels` channels at `sample_rate` in `format`.
    pub fn create(
        path: &Path,
        channels: usize,
        sample_rate: u32,
        frames: usize,
        format: Format,
    ) -> Result<Writer> {
        let nch = channels;
        let (bits, sample_format) = match format {
            Format::Int16 => (16, SampleFormat::Int),
            Format::Int24 => (24, SampleFormat::Int),
            Format::Float32 => (32, SampleFormat::Float),
        };
        let spec = WavSpec {
            channels: nch as u16,
            sample_rate,
            bits_per_sample: bits,
            sample_format,
        };
        let shown = path.display();
        let width = usize::from(bits / 8);
        let data_len = frames * nch * width;
        if data_len > u32::MAX as usize - 64 {
            bail!(
                "{shown}: {frames} frames of {nch} channels do not fit a WAV file (4 GiB at most)"
            );
        }
        // hound writes the header (for an empty file); the samples are then appended in blocks
        // and the two size fields patched, which is much faster than a call per sample. Mono and
        // stereo float get a plain IEEE-float header with a `fact` chunk instead of hound's
        // extensible one, which sox reads with a warning ("wave header missing extended part of
        // fmt chunk").
        let fact = format == Format::Float32 && nch <= 2;
        if fact {
            std::fs::write(path, float_header(nch as u16, sample_rate, frames as u32))
                .with_context(|| format!("cannot create {shown}"))?;
        } else {
            WavWriter::create(path, spec)
                .and_then(|w| w.finalize())
                .map_err(io_error)
                .with_context(|| format!("cannot create {shown}"))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .with_context(|| format!("cannot open {shown} for writing"))?;
        let header = file
            .seek(SeekFrom::End(0))
            .with_context(|| format!("writing {shown}"))?;
        let mut tail = [0u8; 8];
        file.seek(SeekFrom::Start(header - 8))
            .and_then(|_| file.read_exact(&mut tail))
            .with_context(|| format!("writing {shown}"))?;
        if &tail != b"data\0\0\0\0" {
            bail!("{shown}: unexpected WAV header layout from hound");
        }
        let dithers: Vec<Dither> = match format {
            Format::Float32 => Vec::new(),
            _ => {
                let shaping = if bits == 16 {
                    NoiseShaping::FirstOrder
                } else {
                    NoiseShaping::None
                };
                (0..nch)
                    .map(|c| Dither::new(u32::from(bits), shaping, 0x6d69_786d + c as u64))
                    .collect::<mixmaster::Result<_>>()?
            }
        };
        Ok(Writer {
            out: std::io::BufWriter::with_capacity(1 << 20, file),
            shown: shown.to_string(),
            format,
            nch,
            width,
            header,
            fact,
            frames: 0,
            dithers,
            bytes: vec![0u8; CHUNK * nch * width],
            codes: vec![0i32; CHUNK * nch],
            written: Written::default(),
        })
    }

    /// Appends frames: one slice per channel, all of one length.
    pub fn write(&mut self, block: &[&[f32]]) -> Result<()> {
        let (nch, width, format) = (self.nch, self.width, self.format);
        let frames = block.first().map_or(0, |c| c.len());
        let mut parts: Vec<&[f32]> = Vec::with_capacity(nch);
        for start in (0..frames).step_by(CHUNK) {
            let end = (start + CHUNK).min(frames);
            let len = (end - start) * nch;
            parts.clear();
            parts.extend(block.iter().map(|c| &c[start..end]));
            let buf = &mut self.bytes[..len * width];
            for ch in &parts {
                for v in ch.iter().filter(|v| v.is_finite()) {
                    let a = v.abs();
                    self.written.peak = self.written.peak.max(a);
                    // Integer codes stop one step short of +1.0; beyond ±1.0 is an over.
                    self.written.clipped += u64::from(a > 1.0 && format != Format::Float32);
                }
            }
            let codes = &mut self.codes[..len];
            match format {
                Format::Float32 => {
                    for (c, ch) in parts.iter().enumerate() {
                        for (i, v) in ch.iter().enumerate() {
                            let k = (i * nch + c) * 4;
                            buf[k..k + 4].copy_from_slice(&v.to_le_bytes());
                        }
                    }
                }
                Format::Int16 => {
                    Dither::quantize_interleaved(&mut self.dithers, &parts, codes);
                    for (b, q) in buf.chunks_exact_mut(2).zip(codes.iter()) {
                        b.copy_from_slice(&(*q as i16).to_le_bytes());
                    }
                }
                Format::Int24 => {
                    Dither::quantize_interleaved(&mut self.dithers, &parts, codes);
                    for (b, q) in buf.chunks_exact_mut(3).zip(codes.iter()) {
                        b.copy_from_slice(&q.to_le_bytes()[..3]);
                    }
                }
            }
            self.out
                .write_all(buf)
                .with_context(|| format!("writing {}", self.shown))?;
        }
        self.frames += frames;
        Ok(())
    }

    /// Pads the data to an even length and patches the sizes: the file is complete.
    pub fn finish(mut self) -> Result<Written> {
        let shown = self.shown.clone();
        let data_len = self.frames * self.nch * self.width;
        if data_len > u32::MAX as usize - 64 {
            bail!("{shown}: too much audio for a WAV file (4 GiB at most)");
        }
        // RIFF chunks are padded to an even length.
        if data_len % 2 == 1 {
            self.out
                .write_all(&[0])
                .with_context(|| format!("writing {shown}"))?;
        }
        self.out
            .flush()
            .with_context(|| format!("writing {shown}"))?;
        let mut file = self
            .out
            .into_inner()
            .map_err(|e| anyhow!("writing {shown}: {}", e.error()))?;
        let header = self.header;
        let riff = (header - 8) as usize + data_len + data_len % 2;
        file.seek(SeekFrom::Start(header - 4))
            .and_then(|_| file.write_all(&(data_len as u32).to_le_bytes()))
            .and_then(|_| file.seek(SeekFrom::Start(4)))
            .and_then(|_| file.write_all(&(riff as u32).to_le_bytes()))
            .with_context(|| format!("finishing {shown}"))?;
        if self.fact {
            // The `fact` chunk's frame count sits 16 bytes before the samples.
            file.seek(SeekFrom::Start(header - 12))
                .and_then(|_| file.write_all(&(self.frames as u32).to_le_bytes()))
                .with_context(|| format!("finishing {shown}"))?;
        }
        Ok(self.written)
    }
}

/// The header of a 32-bit float WAV (format tag 3, `WAVE_FORMAT_IEEE_FLOAT`) of `frames`
/// frames: `fmt ` with an empty extension, `fact` (frames per channel, required for non-PCM
/// data), and an empty `data` chunk whose size, like the RIFF size, is patched after the samples.
fn float_header(channels: u16, sample_rate: u32, frames: u32) -> Vec<u8> {
    let align = 4 * channels;
    let mut h = Vec::with_capacity(58);
    h.extend_from_slice(b"RIFF\0\0\0\0WAVEfmt ");
    h.extend_from_slice(&18u32.to_le_bytes());
    h.extend_from_slice(&3u16.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&sample_rate.to_le_bytes());
    h.extend_from_slice(&(sample_rate * u32::from(align)).to_le_bytes());
    h.extend_from_slice(&align.to_le_bytes());
    h.extend_from_slice(&32u16.to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(b"fact");
    h.extend_from_slice(&4u32.to_le_bytes());
    h.extend_from_slice(&frames.to_le_bytes());
    h.extend_from_slice(b"data\0\0\0\0");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our writer read back by hound: sizes right (an odd data length gets its pad byte), float
    /// exact, integers within the dither: TPDF spans ±1 LSB plus rounding; the 16-bit export's
    /// first-order noise shaping adds the previous error again, so up to ±3 LSB there.
    #[test]
    fn hound_reads_what_we_write() {
        let dir = std::env::temp_dir().join(format!("mixmaster-wavw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for channels in [1usize, 2] {
            let frames = 4097 * 3 + 1; // odd, and more than one write block
            let audio = Audio {
                sample_rate: 44_100,
                channels: (0..channels)
                    .map(|c| {
                        (0..frames)
                            .map(|n| ((n * (c + 3)) as f32 * 0.001).sin() * 0.8)
                            .collect()
                    })
                    .collect(),
            };
            for (format, bits) in [
                (Format::Int16, 16u16),
                (Format::Int24, 24),
                (Format::Float32, 32),
            ] {
                let path = dir.join(format!("w{channels}-{bits}.wav"));
                write(&path, &audio, format).unwrap();
                let r = WavReader::open(&path).unwrap();
                let spec = r.spec();
                assert_eq!(
                    (
                        spec.channels as usize,
                        spec.sample_rate,
                        spec.bits_per_sample
                    ),
                    (channels, 44_100, bits)
                );
                assert_eq!(r.duration() as usize, frames);
                let got: Vec<f32> = match format {
                    Format::Float32 => r.into_samples::<f32>().map(|s| s.unwrap()).collect(),
                    _ => r
                        .into_samples::<i32>()
                        .map(|s| s.unwrap() as f32 / (1u32 << (bits - 1)) as f32)
                        .collect(),
                };
                let lsb = 1.0 / (1u32 << (bits - 1)) as f32;
                let tol = match format {
                    Format::Float32 => 0.0,
                    Format::Int24 => 1.5 * lsb,
                    Format::Int16 => 3.5 * lsb,
                };
                for (k, v) in got.iter().enumerate() {
                    let want = audio.channels[k % channels][k / channels];
                    assert!(
                        (v - want).abs() <= tol,
                        "{bits}-bit sample {k}: {v} vs {want}"
                    );
                }
                assert_eq!(crate::input::read(&path).unwrap().frames(), frames);
            }
        }
    }

    /// Our reader against hound's own per-sample decoder, for every encoding we accept.
    #[test]
    fn reads_what_hound_reads_in_every_supported_encoding() {
        // More than the reader's read-ahead, so blocks straddle its refills.
        const FRAMES: usize = 40_000;
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
            for n in 0..FRAMES {
                for c in 0..3 {
                    let x = ((n * 7 + c * 13) as f64 * 0.01).sin() * 0.9;
                    match format {
                        SampleFormat::Float => w.write_sample(x as f32).unwrap(),
                        SampleFormat::Int => w.write_sample((x * full) as i32).unwrap(),
                    }
                }
            }
            w.finalize().unwrap();
            let ours = crate::input::read(&path).unwrap();
            assert_eq!(
                (ours.sample_rate, ours.channels.len(), ours.frames()),
                (44_100, 3, FRAMES)
            );
            // Block by block in uneven sizes, past the end: the same samples, then silence.
            let mut r = Reader::open(&path).unwrap();
            let mut got: Vec<Vec<f32>> = vec![Vec::new(); 3];
            let mut k = 0;
            loop {
                let n = [1, 7, 1000, 20_000, 333][k % 5];
                k += 1;
                let mut bufs = vec![vec![1.0f32; n]; 3];
                let mut refs: Vec<&mut [f32]> = bufs.iter_mut().map(|b| &mut b[..]).collect();
                let done = r.read_into(&mut refs).unwrap();
                for (g, b) in got.iter_mut().zip(&bufs) {
                    assert!(b[done..].iter().all(|v| *v == 0.0));
                    g.extend_from_slice(&b[..done]);
                }
                if done < n {
                    break;
                }
            }
            assert!(
                got == ours.channels,
                "{bits}-bit {format:?} read block by block"
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
