//! Writes the render benchmark's session: 16 tracks (12 mono, 4 stereo) of 3 minutes at 48 kHz,
//! each with a 3-band EQ, a compressor and two post-fader sends (reverb, delay), two aux buses,
//! and a master chain (compressor, EQ, true-peak limiter).
//! Run: `cargo run --release -p mixmaster-cli --example bench_session -- DIR [SECONDS]`;
//! `scripts/bench-render` runs it and times `mixmaster render DIR/session.toml`.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "bench-session".into()));
    let seconds: f64 = args
        .next()
        .map_or(180.0, |s| s.parse().expect("SECONDS is a number"));
    let fs = 48_000u32;
    let frames = (seconds * f64::from(fs)) as usize;
    std::fs::create_dir_all(&dir).expect("create the folder");
    let mut toml = String::from("sample_rate = 48000\n");
    let mut seed = 0x2545_f491_u32;
    for t in 0..16 {
        let channels: u16 = if t < 12 { 1 } else { 2 };
        let name = format!("track{t:02}");
        let spec = hound::WavSpec {
            channels,
            sample_rate: fs,
            bits_per_sample: 24,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w =
            hound::WavWriter::create(dir.join(format!("{name}.wav")), spec).expect("write a track");
        let f0 = 55.0 * (1.0 + t as f64 * 0.37);
        for n in 0..frames {
            let tt = n as f64 / f64::from(fs);
            // A tone with a beat-synced envelope plus a little noise: programme-like levels.
            let env = 0.3 + 0.7 * (-(tt * 2.0).fract() * 6.0).exp();
            for c in 0..channels {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let noise = (seed as f64 / u32::MAX as f64) * 2.0 - 1.0;
                let x = 0.25
                    * env
                    * (2.0 * std::f64::consts::PI * f0 * (1.0 + 0.002 * f64::from(c)) * tt).sin()
                    + 0.03 * noise;
                w.write_sample((x * 8_388_607.0) as i32)
                    .expect("write a sample");
            }
        }
        w.finalize().expect("finish a track");
        let pan = (t as f64 / 7.5 - 1.0).clamp(-1.0, 1.0) * 0.6;
        write!(
            toml,
            r#"
[[track]]
name = "{name}"
file = "{name}.wav"
gain_db = -12.0
pan = {pan:.2}
[[track.insert]]
type = "eq"
bands = [
  {{ kind = "high_pass", frequency_hz = 40.0 }},
  {{ kind = "peaking", frequency_hz = 800.0, q = 1.0, gain_db = -2.0 }},
  {{ kind = "high_shelf", frequency_hz = 8000.0, gain_db = 1.5 }},
]
[[track.insert]]
type = "compressor"
threshold_db = -24.0
ratio = 3.0
attack_ms = 10.0
release_ms = 120.0
[[track.send]]
bus = "reverb"
level_db = -15.0
[[track.send]]
bus = "delay"
level_db = -20.0
"#
        )
        .expect("format");
    }
    toml.push_str(
        r#"
[[bus]]
name = "reverb"
[[bus.insert]]
type = "reverb"
decay_s = 2.0
mix = 1.0

[[bus]]
name = "delay"
[[bus.insert]]
type = "delay"
time_ms = 375.0
feedback = 0.35
mix = 1.0

[master]
[[master.insert]]
type = "compressor"
threshold_db = -12.0
ratio = 2.0
[[master.insert]]
type = "eq"
bands = [{ kind = "low_shelf", frequency_hz = 90.0, gain_db = 1.0 }]
[[master.insert]]
type = "limiter"
ceiling_dbtp = -1.0
"#,
    );
    std::fs::write(dir.join("session.toml"), toml).expect("write session.toml");
    println!("{}", dir.join("session.toml").display());
}
