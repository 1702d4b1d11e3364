//! Track sources at the session's sample rate: an [`Input`] file as it is, or resampled with
//! rubato's FFT resampler when the file runs at another rate. Either way the render asks for
//! blocks of frames and gets them in the session's rate, silence past the end.

use anyhow::{Context, Result, anyhow};
use rubato::{FftFixedOut, Resampler};

use crate::input::Input;

/// About how many output frames the resampler makes per call.
const CHUNK_OUT: usize = 1024;

/// The output chunk for `rin` → `rout`: an even number of rubato's smallest FFT blocks
/// (`rout / gcd` frames), near [`CHUNK_OUT`]. With an even count both FFT sizes are even, so
/// the filter's delay is exactly the whole number of frames `output_delay()` reports (with an
/// odd input size it is half an input frame less, which would leave the track misaligned).
fn chunk_out(rin: usize, rout: usize) -> usize {
    let (mut a, mut b) = (rin, rout);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    let block = rout / a;
    2 * block * CHUNK_OUT.div_ceil(2 * block)
}

/// A track file at the session's rate.
pub enum Source {
    /// The file is at the session's rate.
    Direct(Input),
    /// The file is resampled.
    Resampled(Box<Resampled>),
}

impl Source {
    /// `reader` at `rate` Hz: direct when the rates match, otherwise resampled.
    pub fn new(reader: Input, rate: u32) -> Result<Source> {
        if reader.sample_rate() == rate {
            Ok(Source::Direct(reader))
        } else {
            Ok(Source::Resampled(Box::new(Resampled::new(reader, rate)?)))
        }
    }

    /// Channels.
    pub fn channels(&self) -> usize {
        match self {
            Source::Direct(r) => r.channels(),
            Source::Resampled(r) => r.reader.channels(),
        }
    }

    /// Frames at the session's rate.
    pub fn frames(&self) -> usize {
        match self {
            Source::Direct(r) => r.frames(),
            Source::Resampled(r) => r.frames,
        }
    }

    /// The file's own sample rate.
    pub fn file_rate(&self) -> u32 {
        match self {
            Source::Direct(r) => r.sample_rate(),
            Source::Resampled(r) => r.reader.sample_rate(),
        }
    }

    /// Whether the file is resampled.
    pub fn resampled(&self) -> bool {
        matches!(self, Source::Resampled(_))
    }

    /// Decodes the next frames into `out` (one slice per channel, all of one length); frames
    /// past the end are silence. Returns how many frames came from the file.
    pub fn read_into(&mut self, out: &mut [&mut [f32]]) -> Result<usize> {
        match self {
            Source::Direct(r) => r.read_into(out),
            Source::Resampled(r) => r.read_into(out),
        }
    }
}

/// A reader behind an FFT resampler, its delay removed, its length
/// `ceil(frames · rate_out / rate_in)`.
pub struct Resampled {
    reader: Input,
    resampler: FftFixedOut<f32>,
    input: Vec<Vec<f32>>,
    output: Vec<Vec<f32>>,
    /// Frames in `output`, and how many of them are used up.
    available: usize,
    used: usize,
    /// Frames of the resampler's delay still to drop.
    skip: usize,
    frames: usize,
    done: usize,
}

impl Resampled {
    fn new(reader: Input, rate: u32) -> Result<Resampled> {
        let (rin, rout) = (reader.sample_rate() as usize, rate as usize);
        let channels = reader.channels();
        let resampler = FftFixedOut::<f32>::new(rin, rout, chunk_out(rin, rout), 1, channels)
            .map_err(|e| anyhow!("cannot resample {rin} Hz to {rout} Hz: {e}"))?;
        let frames = (reader.frames() as u128 * rout as u128).div_ceil(rin as u128) as usize;
        Ok(Resampled {
            input: vec![vec![0.0; resampler.input_frames_max()]; channels],
            output: vec![vec![0.0; resampler.output_frames_max()]; channels],
            available: 0,
            used: 0,
            skip: resampler.output_delay(),
            resampler,
            reader,
            frames,
            done: 0,
        })
    }

    fn read_into(&mut self, out: &mut [&mut [f32]]) -> Result<usize> {
        let want = out.first().map_or(0, |c| c.len());
        let n = want.min(self.frames - self.done);
        let mut filled = 0;
        while filled < n {
            if self.used == self.available {
                self.refill()?;
                continue;
            }
            let k = (self.available - self.used).min(n - filled);
            for (o, src) in out.iter_mut().zip(&self.output) {
                o[filled..filled + k].copy_from_slice(&src[self.used..self.used + k]);
            }
            self.used += k;
            filled += k;
        }
        for ch in out.iter_mut() {
            ch[n..].fill(0.0);
        }
        self.done += n;
        Ok(n)
    }

    /// Runs the resampler once on the next input frames (silence past the file's end).
    fn refill(&mut self) -> Result<()> {
        let need = self.resampler.input_frames_next();
        let mut parts: Vec<&mut [f32]> = self.input.iter_mut().map(|c| &mut c[..need]).collect();
        self.reader.read_into(&mut parts)?;
        let (_, made) = self
            .resampler
            .process_into_buffer(&self.input, &mut self.output, None)
            .context("resampling")?;
        let dropped = self.skip.min(made);
        self.skip -= dropped;
        self.available = made;
        self.used = dropped;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hound::{SampleFormat, WavSpec, WavWriter};

    /// A 997 Hz sine written at one rate and read at another in uneven blocks matches the same
    /// sine computed at the new rate (the analytic reference) to better than −80 dB, aligned to
    /// the sample, and has the converted length.
    #[test]
    fn a_sine_resampled_is_the_sine_at_the_new_rate() {
        let dir = std::env::temp_dir().join(format!("mixmaster-rs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (rin, rout) in [
            (44_100u32, 48_000u32),
            (48_000, 44_100),
            (96_000, 48_000),
            (22_050, 48_000),
        ] {
            let path = dir.join(format!("sine{rin}.wav"));
            let spec = WavSpec {
                channels: 2,
                sample_rate: rin,
                bits_per_sample: 32,
                sample_format: SampleFormat::Float,
            };
            let mut w = WavWriter::create(&path, spec).unwrap();
            let sine =
                |t: f64, c: usize| 0.5 * (2.0 * std::f64::consts::PI * 997.0 * t + c as f64).sin();
            for n in 0..rin {
                for c in 0..2 {
                    w.write_sample(sine(n as f64 / f64::from(rin), c) as f32)
                        .unwrap();
                }
            }
            w.finalize().unwrap();
            let mut s = Source::new(Input::open(&path).unwrap(), rout).unwrap();
            assert!(s.resampled() && s.file_rate() == rin && s.channels() == 2);
            let len = rout as usize;
            assert_eq!(s.frames(), len, "one second at {rout} Hz");
            let mut got: Vec<Vec<f32>> = vec![Vec::new(); 2];
            let mut k = 0;
            loop {
                let n = [1000, 1, 4096, 333][k % 4];
                k += 1;
                let mut bufs = vec![vec![1.0f32; n]; 2];
                let mut refs: Vec<&mut [f32]> = bufs.iter_mut().map(|b| &mut b[..]).collect();
                let done = s.read_into(&mut refs).unwrap();
                for (g, b) in got.iter_mut().zip(&bufs) {
                    assert!(b[done..].iter().all(|v| *v == 0.0));
                    g.extend_from_slice(&b[..done]);
                }
                if done < n {
                    break;
                }
            }
            assert_eq!(got[0].len(), len);
            // Away from the edges (where the file starts and stops abruptly).
            for (c, ch) in got.iter().enumerate() {
                let (mut err, mut sig) = (0.0f64, 0.0f64);
                for (n, v) in ch.iter().enumerate().take(len - len / 20).skip(len / 20) {
                    let want = sine(n as f64 / f64::from(rout), c);
                    err += (*v as f64 - want).powi(2);
                    sig += want * want;
                }
                let db = 10.0 * (err / sig).log10();
                assert!(
                    db < -80.0,
                    "{rin} -> {rout} Hz, channel {c}: error {db:.1} dB"
                );
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
