//! Audio files other than WAV (FLAC, MP3, Ogg Vorbis, AIFF), decoded with symphonia and
//! handed out block by block like the WAV [`crate::wav::Reader`]: the render streams them, the
//! meter and the mastering read them whole. MP3 encoder delay and padding are removed (gapless),
//! so a decoded file lines up with the others in a session.

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CODEC_TYPE_NULL, Decoder, DecoderOptions};
use symphonia::core::errors::Error as DecodeError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// The formats this reads besides WAV, for messages.
pub const FORMATS: &str = "FLAC, MP3, Ogg Vorbis or AIFF";

/// A decoded file, read block by block.
pub struct Decoded {
    shown: String,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track: u32,
    /// Sample rate, Hz.
    pub sample_rate: u32,
    /// Channels.
    pub channels: usize,
    /// Frames in the file.
    pub frames: usize,
    done: usize,
    /// Decoded frames not handed out yet: `pending[c][head..]`.
    pending: Vec<Vec<f32>>,
    head: usize,
    samples: Option<SampleBuffer<f32>>,
}

/// Runs `f`, turning a panic inside the decoder (a malformed file can trip one of symphonia's
/// assertions, e.g. a sample rate of 0) into an error naming the file, without a panic message.
fn guarded<T>(shown: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    r.unwrap_or_else(|_| {
        Err(anyhow!(
            "{shown} cannot be read: the decoder failed on it (damaged, or not what its header says)"
        ))
    })
}

impl Decoded {
    /// Opens `path` (not a WAV file the WAV reader takes: the caller has checked): a clear error
    /// for anything that is not audio in one of [`FORMATS`].
    pub fn open(path: &Path) -> Result<Decoded> {
        guarded(&path.display().to_string(), || Self::open_unguarded(path))
    }

    fn open_unguarded(path: &Path) -> Result<Decoded> {
        let mut d = Self::start(path)?;
        // symphonia 0.5 takes an AIFF's length from its sound chunk's size, which counts the
        // chunk's 8-byte header too (two frames too many for 16-bit stereo): count those.
        let mut magic = [0u8; 4];
        let aiff = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
            .is_ok()
            && &magic == b"FORM";
        if d.frames == usize::MAX || aiff {
            // The container does not say how long it is (or not exactly): count by decoding
            // once.
            let said = d.frames;
            let mut n = 0;
            while d.decode_packet()? {
                n += d.pending[0].len() - d.head;
                d.head = d.pending[0].len();
            }
            // The AIFF over-count is 8 bytes: at most 8 frames (8-bit mono).
            if said != usize::MAX && n + 8 < said {
                bail!(
                    "{} is truncated: the audio ends at {:.3} s but the file says {:.3} s",
                    d.shown,
                    n as f64 / f64::from(d.sample_rate),
                    said as f64 / f64::from(d.sample_rate)
                );
            }
            d = Self::start(path)?;
            d.frames = n;
        }
        Ok(d)
    }

    fn start(path: &Path) -> Result<Decoded> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| anyhow!("cannot open {shown}: {e}"))?;
        let stream = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let options = FormatOptions {
            enable_gapless: true,
            ..Default::default()
        };
        let probed = symphonia::default::get_probe()
            .format(&hint, stream, &options, &MetadataOptions::default())
            .map_err(|e| match e {
                DecodeError::Unsupported(_) => anyhow!(
                    "{shown} is not a WAV file nor another audio format mixmaster reads ({FORMATS})"
                ),
                e => anyhow!("{shown} cannot be read ({e}): it may be truncated or damaged"),
            })?;
        let format = probed.format;
        let Some(track) = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        else {
            bail!("{shown} holds no audio track");
        };
        let params = track.codec_params.clone();
        let id = track.id;
        let Some(sample_rate) = params.sample_rate.filter(|r| *r > 0) else {
            bail!("{shown}: the file does not give its sample rate");
        };
        let channels = params.channels.map_or(0, |c| c.count());
        if channels == 0 {
            bail!("{shown}: the file does not say how many channels it has");
        }
        let decoder = symphonia::default::get_codecs()
            .make(&params, &DecoderOptions::default())
            .map_err(|e| anyhow!("{shown}: unsupported audio encoding ({e})"))?;
        Ok(Decoded {
            shown,
            format,
            decoder,
            track: id,
            sample_rate,
            channels,
            frames: params.n_frames.map_or(usize::MAX, |n| n as usize),
            done: 0,
            pending: vec![Vec::new(); channels],
            head: 0,
            samples: None,
        })
    }

    /// Decodes the next packet of the track onto `pending`; `false` at the end of the stream.
    fn decode_packet(&mut self) -> Result<bool> {
        let shown = self.shown.clone();
        guarded(&shown, || self.decode_packet_unguarded())
    }

    fn decode_packet_unguarded(&mut self) -> Result<bool> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(p) => p,
                Err(DecodeError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(false);
                }
                // A new chained stream (Ogg): what follows is another piece of audio.
                Err(DecodeError::ResetRequired) => return Ok(false),
                Err(e) => bail!("{}: cannot read the audio ({e})", self.shown),
            };
            if packet.track_id() != self.track {
                continue;
            }
            let audio = match self.decoder.decode(&packet) {
                Ok(a) => a,
                Err(DecodeError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(false);
                }
                Err(e) => bail!(
                    "{}: corrupt audio after {:.2} s ({e})",
                    self.shown,
                    (self.done + self.pending[0].len() - self.head) as f64
                        / f64::from(self.sample_rate)
                ),
            };
            let frames = audio.frames();
            if frames == 0 {
                continue;
            }
            let spec = *audio.spec();
            let fits = self
                .samples
                .as_ref()
                .is_some_and(|b| b.capacity() >= frames * spec.channels.count());
            if !fits {
                self.samples = Some(SampleBuffer::new(audio.capacity() as u64, spec));
            }
            let Some(buf) = self.samples.as_mut() else {
                continue;
            };
            buf.copy_planar_ref(audio);
            let planar = buf.samples();
            // Keep only what is not handed out yet, then append the packet per channel.
            for (c, p) in self.pending.iter_mut().enumerate() {
                p.drain(..self.head);
                if let Some(ch) = planar.get(c * frames..(c + 1) * frames) {
                    p.extend_from_slice(ch);
                } else {
                    p.resize(p.len() + frames, 0.0);
                }
            }
            self.head = 0;
            return Ok(true);
        }
    }

    /// Decodes the next frames into `out` (one slice per channel, all of one length); frames
    /// past the end of the file are silence. Returns how many frames came from the file. A
    /// stream that ends before the length its header gives is an error (truncated).
    pub fn read_into(&mut self, out: &mut [&mut [f32]]) -> Result<usize> {
        let want = out.first().map_or(0, |c| c.len());
        let n = want.min(self.frames - self.done);
        while self.pending[0].len() - self.head < n {
            if !self.decode_packet()? {
                bail!(
                    "{} is truncated: the audio ends at {:.3} s but the file says {:.3} s",
                    self.shown,
                    (self.done + self.pending[0].len() - self.head) as f64
                        / f64::from(self.sample_rate),
                    self.frames as f64 / f64::from(self.sample_rate)
                );
            }
        }
        for (o, p) in out.iter_mut().zip(&self.pending) {
            o[..n].copy_from_slice(&p[self.head..self.head + n]);
            o[n..].fill(0.0);
        }
        self.head += n;
        self.done += n;
        Ok(n)
    }
}
