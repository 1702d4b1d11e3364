//! Opening an audio file of any format the command reads: WAV through the crate's own
//! [`Reader`] (on `hound`'s header parsing), everything else through [`Decoded`] (symphonia).
//! Both are read block by block at the file's own rate.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::decode::Decoded;
use crate::wav::{Audio, NotHandled, Reader};

/// An open audio file.
pub enum Input {
    /// A WAV file.
    Wav(Reader),
    /// FLAC, MP3, Ogg Vorbis or AIFF.
    Decoded(Box<Decoded>),
}

impl Input {
    /// Opens `path`: a clear error for a missing, empty, unreadable, truncated or non-audio
    /// file. RIFF/WAVE files go to the WAV reader (and its errors), others to the decoder.
    pub fn open(path: &Path) -> Result<Input> {
        let shown = path.display();
        let mut head = [0u8; 12];
        let mut file = std::fs::File::open(path).with_context(|| format!("cannot open {shown}"))?;
        let got = file
            .read(&mut head)
            .with_context(|| format!("cannot read {shown}"))?;
        if got == 0 {
            bail!("{shown} is empty (0 bytes), not a WAV file");
        }
        if head.starts_with(b"RIFF") || got < 12 {
            match Reader::open(path) {
                Ok(r) => Ok(Input::Wav(r)),
                // Encodings the WAV reader leaves alone (64-bit float, A-law, μ-law, ADPCM):
                // the general decoder may read them; if not, the WAV reader's error stands.
                Err(e) if e.downcast_ref::<NotHandled>().is_some() => Decoded::open(path)
                    .map(|d| Input::Decoded(Box::new(d)))
                    .map_err(|_| e),
                Err(e) => Err(e),
            }
        } else if let Some(kind) = unsupported(&head[..got]) {
            bail!(
                "{shown} is {kind}: that format is not supported (mixmaster reads WAV, {})",
                crate::decode::FORMATS
            );
        } else if known(&head[..got]) {
            Ok(Input::Decoded(Box::new(Decoded::open(path)?)))
        } else {
            // No signature of a format read: the decoder may still find a stream in it (an MP3
            // after junk), but if not, the format is the problem, not damage.
            Decoded::open(path)
                .map(|d| Input::Decoded(Box::new(d)))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "{shown} is not a WAV file nor another audio format mixmaster reads ({}): its format is not supported",
                        crate::decode::FORMATS
                    )
                })
        }
    }

    /// Sample rate, Hz.
    pub fn sample_rate(&self) -> u32 {
        match self {
            Input::Wav(r) => r.sample_rate,
            Input::Decoded(d) => d.sample_rate,
        }
    }

    /// Channels.
    pub fn channels(&self) -> usize {
        match self {
            Input::Wav(r) => r.channels,
            Input::Decoded(d) => d.channels,
        }
    }

    /// How the file stores its samples: "16-bit", "24-bit", "32-bit float" for WAV,
    /// "compressed" for the formats decoded by symphonia.
    pub fn sample_format(&self) -> &'static str {
        match self {
            Input::Wav(r) => r.sample_format(),
            Input::Decoded(_) => "compressed",
        }
    }

    /// Frames in the file.
    pub fn frames(&self) -> usize {
        match self {
            Input::Wav(r) => r.frames,
            Input::Decoded(d) => d.frames,
        }
    }

    /// Reads the rest of the file in blocks of `block` frames, handing each to `f` (one slice
    /// per channel); returns the frames read. Memory: one block.
    pub fn for_each_block(
        &mut self,
        block: usize,
        mut f: impl FnMut(&[&[f32]]) -> Result<()>,
    ) -> Result<u64> {
        let mut bufs = vec![vec![0.0f32; block.max(1)]; self.channels()];
        let mut total = 0u64;
        loop {
            let mut refs: Vec<&mut [f32]> = bufs.iter_mut().map(|b| &mut b[..]).collect();
            let n = self.read_into(&mut refs)?;
            if n == 0 {
                break;
            }
            let parts: Vec<&[f32]> = bufs.iter().map(|b| &b[..n]).collect();
            f(&parts)?;
            total += n as u64;
            if n < block {
                break;
            }
        }
        Ok(total)
    }

    /// Decodes the next frames into `out` (one slice per channel, all of one length); frames
    /// past the end are silence. Returns how many frames came from the file.
    pub fn read_into(&mut self, out: &mut [&mut [f32]]) -> Result<usize> {
        match self {
            Input::Wav(r) => r.read_into(out),
            Input::Decoded(d) => d.read_into(out),
        }
    }
}

/// Whether `head` starts like a FLAC, Ogg, MP3 (ID3 tag or frame) or AIFF file.
fn known(head: &[u8]) -> bool {
    let magic: [&[u8]; 4] = [b"fLaC", b"OggS", b"ID3", b"FORM"];
    // An MPEG audio frame: 11 sync bits.
    magic.iter().any(|k| head.starts_with(k))
        || (head.len() >= 2 && head[0] == 0xff && head[1] & 0xe0 == 0xe0)
}

/// What a file that is surely not in one of the formats read is, from its first bytes: `None`
/// when it may be one (the decoder then decides). The decoder's probe scans a file for anything
/// resembling a frame, so on another container it reports a "damaged" stream instead.
fn unsupported(head: &[u8]) -> Option<&'static str> {
    if known(head) {
        return None;
    }
    Some(match head {
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => "an MP4/M4A file (AAC or ALAC)",
        [0x30, 0x26, 0xb2, 0x75, ..] => "a Windows Media (WMA/ASF) file",
        [b'c', b'a', b'f', b'f', ..] => "a Core Audio (CAF) file",
        [0x1a, 0x45, 0xdf, 0xa3, ..] => "a Matroska/WebM file",
        [b'R', b'F', b'6', b'4', ..] => "an RF64 file",
        [b'w', b'v', b'p', b'k', ..] => "a WavPack file",
        [b'M', b'A', b'C', b' ', ..] => "a Monkey's Audio file",
        _ => return None,
    })
}

/// Reads a whole audio file (WAV, or one of [`crate::decode::FORMATS`]) as planar `f32` at the
/// file's own rate (the command streams instead; the bindings and tests read whole files).
pub fn read(path: &Path) -> Result<Audio> {
    let mut r = Input::open(path)?;
    let mut channels = vec![vec![0.0f32; r.frames()]; r.channels()];
    let mut refs: Vec<&mut [f32]> = channels.iter_mut().map(|c| &mut c[..]).collect();
    r.read_into(&mut refs)?;
    Ok(Audio {
        sample_rate: r.sample_rate(),
        channels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name)
    }

    /// The whole error chain reading `path` gives (empty if it reads).
    fn error_of(path: &Path) -> String {
        read(path)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default()
    }

    /// The fixtures' signal (`tests/data/make-fixtures.sh`): 1 kHz at −20 dBFS, the right
    /// channel one radian ahead.
    fn sine(n: usize, c: usize) -> f64 {
        0.1 * (2.0 * std::f64::consts::PI * 1000.0 * n as f64 / 48_000.0 + c as f64).sin()
    }

    #[test]
    fn lossless_files_decode_to_the_samples_encoded() {
        for name in ["sine.flac", "sine.aiff"] {
            let a = read(&fixture(name)).unwrap();
            assert_eq!(
                (a.sample_rate, a.channels.len(), a.frames()),
                (48_000, 2, 72_000),
                "{name}"
            );
            let mut exact = 0;
            for (c, ch) in a.channels.iter().enumerate() {
                for (n, v) in ch.iter().enumerate() {
                    // 16-bit codes of the sine, read back at 1/32768 per code.
                    let code = (sine(n, c) * 32_767.0).round();
                    let diff = (*v as f64 * 32_768.0 - code).abs();
                    assert!(
                        diff <= 1.0,
                        "{name} channel {c} frame {n}: {diff} codes off"
                    );
                    exact += usize::from(diff == 0.0);
                }
            }
            assert!(
                exact >= 143_900,
                "{name}: only {exact} of 144000 samples exact"
            );
        }
    }

    #[test]
    fn lossy_files_decode_aligned_and_at_their_length() {
        // Gapless: the encoder's delay and padding are gone, so the decoded sine lines up with
        // the original to the sample (one frame off would be an error of −18 dB).
        for name in ["sine.mp3", "sine.ogg"] {
            let a = read(&fixture(name)).unwrap();
            assert_eq!(
                (a.sample_rate, a.channels.len(), a.frames()),
                (48_000, 2, 72_000),
                "{name}"
            );
            for (c, ch) in a.channels.iter().enumerate() {
                let (mut err, mut sig) = (0.0f64, 0.0f64);
                for (n, v) in ch.iter().enumerate().skip(2_000).take(68_000) {
                    err += (*v as f64 - sine(n, c)).powi(2);
                    sig += sine(n, c).powi(2);
                }
                let db = 10.0 * (err / sig).log10();
                assert!(db < -30.0, "{name} channel {c}: error {db:.1} dB");
            }
        }
    }

    /// A WAV file of `format` (tag), one channel at 48 kHz, `bits` per sample, over `data`.
    fn riff(format: u16, bits: u16, data: &[u8]) -> Vec<u8> {
        let align = bits / 8;
        let mut fmt = Vec::new();
        for v in [format, 1] {
            fmt.extend_from_slice(&v.to_le_bytes());
        }
        for v in [48_000u32, 48_000 * u32::from(align)] {
            fmt.extend_from_slice(&v.to_le_bytes());
        }
        for v in [align, bits, 0] {
            fmt.extend_from_slice(&v.to_le_bytes());
        }
        let mut body = b"WAVEfmt ".to_vec();
        body.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
        body.extend_from_slice(&fmt);
        body.extend_from_slice(b"data");
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn wav_encodings_the_wav_reader_leaves_go_to_the_decoder() {
        let dir = std::env::temp_dir().join(format!("mixmaster-enc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // 64-bit float (IEEE float, tag 3): read, each sample rounded to f32.
        let x: Vec<f64> = (0..4800).map(|n| sine(n, 0) * 3.0).collect();
        let bytes: Vec<u8> = x.iter().flat_map(|v| v.to_le_bytes()).collect();
        let path = dir.join("f64.wav");
        std::fs::write(&path, riff(3, 64, &bytes)).unwrap();
        let a = read(&path).unwrap();
        assert_eq!(
            (a.sample_rate, a.channels.len(), a.frames()),
            (48_000, 1, 4800)
        );
        assert!(a.channels[0].iter().zip(&x).all(|(g, w)| *g == *w as f32));
        // An encoding nobody reads: the WAV reader's own message.
        let path = dir.join("odd.wav");
        std::fs::write(&path, riff(0x1234, 16, &[0; 96])).unwrap();
        let e = error_of(&path);
        assert!(
            e.contains("odd.wav") && e.contains("unsupported WAV encoding"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn broken_files_name_the_problem() {
        let dir = std::env::temp_dir().join(format!("mixmaster-in-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Each format cut in half: an error naming the file, never a short or padded read.
        for ext in ["flac", "mp3", "ogg", "aiff"] {
            let bytes = std::fs::read(fixture(&format!("sine.{ext}"))).unwrap();
            let cut = dir.join(format!("cut.{ext}"));
            std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
            let e = error_of(&cut);
            let named = e.contains(&format!("cut.{ext}"));
            assert!(
                named && (e.contains("truncated") || e.contains("damaged")),
                "{e}"
            );
        }
        let junk = dir.join("junk.flac");
        std::fs::write(&junk, b"fLaC but then not really a stream at all").unwrap();
        let e = error_of(&junk);
        assert!(e.contains("junk.flac"), "{e}");
        // An AIFF claiming 0 Hz trips an assertion inside the decoder: still an error, no panic.
        let zero = dir.join("zero.aiff");
        let mut aiff = b"FORM\0\0\0\x2eAIFFCOMM\0\0\0\x12\0\x01\0\0\0\x10\0\x10".to_vec();
        aiff.extend_from_slice(&[0; 10]);
        aiff.extend_from_slice(b"SSND\0\0\0\x08");
        aiff.extend_from_slice(&[0; 8]);
        std::fs::write(&zero, &aiff).unwrap();
        let e = error_of(&zero);
        assert!(e.contains("zero.aiff"), "{e}");
        let text = dir.join("notes.mp3");
        std::fs::write(&text, b"these are my mixing notes, not audio").unwrap();
        let e = error_of(&text);
        assert!(
            e.contains("notes.mp3") && e.contains("not a WAV file"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
