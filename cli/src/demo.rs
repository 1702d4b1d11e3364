//! `mixmaster demo`: a deterministic 20-second song (drums, bass, chords, lead) synthesized
//! here, written as stems with a session file, mixed through that session (EQ, compression,
//! pan, sends to a reverb and a delay, fader and send automation) and mastered to a preset.

use std::f32::consts::TAU;

use crate::wav::Audio;

/// Sample rate of the demo.
pub const FS: u32 = 48_000;
/// Tempo.
const BPM: f32 = 120.0;
/// Bars (2 s each at 120 BPM): 20 s.
const BARS: usize = 10;

/// The demo's session file; `render` reads the stems it names from the same folder.
pub const SESSION: &str = r#"# The mixmaster demo session: four stems, a reverb and a delay on aux buses,
# automation of a fader and a send, and a master chain mastered to Spotify's target.
sample_rate = 48000

[[track]]
name = "drums"
file = "stems/drums.wav"
gain_db = -7.0
[[track.insert]]
type = "eq"
bands = [
  { kind = "high_pass", frequency_hz = 35.0 },
  { kind = "peaking", frequency_hz = 400.0, q = 1.2, gain_db = -2.5 },
  { kind = "high_shelf", frequency_hz = 6000.0, gain_db = 2.0 },
]
[[track.insert]]
type = "compressor"
threshold_db = -16.0
ratio = 4.0
attack_ms = 8.0
release_ms = 120.0
makeup_db = 3.0
[[track.send]]
bus = "reverb"
level_db = -20.0

[[track]]
name = "bass"
file = "stems/bass.wav"
gain_db = -8.0
[[track.insert]]
type = "filter"
kind = "low_pass"
frequency_hz = 1800.0
[[track.insert]]
type = "compressor"
threshold_db = -20.0
ratio = 3.0
attack_ms = 15.0
release_ms = 150.0
makeup_db = 2.0

[[track]]
name = "chords"
file = "stems/chords.wav"
gain_db = -14.0
[[track.insert]]
type = "eq"
bands = [
  { kind = "high_pass", frequency_hz = 180.0 },
  { kind = "peaking", frequency_hz = 2500.0, q = 1.0, gain_db = -2.0 },
]
[[track.send]]
bus = "reverb"
level_db = -8.0
# The chords fade in over the first two bars and dip for the last one.
[[track.automation]]
param = "gain_db"
points = [[0.0, -40.0], [4.0, -14.0], [18.0, -14.0], [20.0, -20.0]]

[[track]]
name = "lead"
file = "stems/lead.wav"
gain_db = -12.0
pan = 0.25
[[track.insert]]
type = "eq"
bands = [{ kind = "peaking", frequency_hz = 3000.0, q = 0.8, gain_db = 2.0 }]
[[track.insert]]
type = "compressor"
threshold_db = -22.0
ratio = 3.0
[[track.send]]
bus = "reverb"
level_db = -14.0
[[track.send]]
bus = "delay"
level_db = -40.0
# The delay throw opens for the second half of the song.
[[track.automation]]
param = "send.delay"
points = [[0.0, -40.0, "hold"], [10.0, -12.0], [20.0, -12.0]]

[[bus]]
name = "reverb"
[[bus.insert]]
type = "reverb"
decay_s = 2.2
predelay_ms = 20.0
damping = 0.5
mix = 1.0
[[bus.insert]]
type = "filter"
kind = "high_pass"
frequency_hz = 250.0

[[bus]]
name = "delay"
pan = -0.3
[[bus.insert]]
type = "delay"
time_ms = 375.0
feedback = 0.4
damping_hz = 4000.0
mix = 1.0
ping_pong = true

[master]
[[master.insert]]
type = "compressor"
threshold_db = -14.0
ratio = 2.0
attack_ms = 25.0
release_ms = 250.0
knee_db = 6.0
[[master.insert]]
type = "eq"
bands = [{ kind = "low_shelf", frequency_hz = 90.0, gain_db = 1.0, q = 0.7 }]
[master.normalize]
preset = "spotify"
"#;

/// Deterministic noise in [−1, 1).
struct Noise(u32);
impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 as f32 / u32::MAX as f32) * 2.0 - 1.0
    }
}

fn midi(note: f32) -> f32 {
    440.0 * 2f32.powf((note - 69.0) / 12.0)
}

/// The four stems, in the session's track order: (name, audio).
pub fn stems() -> Vec<(&'static str, Audio)> {
    let fs = FS as f32;
    let beat = (fs * 60.0 / BPM) as usize;
    let frames = beat * 4 * BARS;
    let mut noise = Noise(0x1234_5678);
    let (mut dl, mut dr) = (vec![0.0f32; frames], vec![0.0f32; frames]);
    let mut bass = vec![0.0f32; frames];
    let (mut cl, mut cr) = (vec![0.0f32; frames], vec![0.0f32; frames]);
    let mut lead = vec![0.0f32; frames];
    let roots = [45.0f32, 41.0, 48.0, 43.0]; // A, F, C, G
    let chord = |bar: usize| {
        let r = roots[bar % 4] + 12.0;
        let third = if bar.is_multiple_of(4) { 3.0 } else { 4.0 };
        [r, r + third, r + 7.0, r + 12.0]
    };
    let melody = [76.0f32, 74.0, 72.0, 74.0, 76.0, 79.0, 76.0, 74.0];
    let (mut kick_phase, mut bass_phase, mut lead_phase) = (0.0f32, 0.0f32, 0.0f32);
    let mut chord_phase = [[0.0f32; 4]; 2];
    let mut hat_lp = 0.0f32;
    let mut bass_lp = 0.0f32;
    for n in 0..frames {
        let in_beat = n % beat;
        let beat_no = n / beat;
        let bar = beat_no / 4;
        let tb = in_beat as f32 / fs;
        // Kick on every beat: a pitch-swept sine.
        let kf = 45.0 + 110.0 * (-tb * 35.0).exp();
        kick_phase = (kick_phase + TAU * kf / fs) % TAU;
        let kick = 0.9 * kick_phase.sin() * (-tb * 7.0).exp();
        // Snare on beats 2 and 4: noise plus a 190 Hz body.
        let snare = if beat_no % 2 == 1 {
            (0.35 * noise.next() * (-tb * 18.0).exp())
                + 0.25 * (TAU * 190.0 * tb).sin() * (-tb * 25.0).exp()
        } else {
            0.0
        };
        // Hats on eighths: high-passed noise.
        let t8 = (n % (beat / 2)) as f32 / fs;
        let white = noise.next();
        hat_lp += 0.35 * (white - hat_lp);
        let hat = 0.15 * (white - hat_lp) * (-t8 * 60.0).exp();
        dl[n] = kick + snare + hat * 0.8;
        dr[n] = kick + snare * 0.9 + hat;
        // Bass: a saw on the root, eighth-note plucks, one-pole smoothed.
        let bf = midi(roots[bar % 4]);
        bass_phase = (bass_phase + bf / fs) % 1.0;
        let saw = 2.0 * bass_phase - 1.0;
        bass_lp += 0.15 * (saw - bass_lp);
        bass[n] = 0.5 * bass_lp * (0.4 + 0.6 * (-t8 * 6.0).exp());
        // Chords: detuned sines (with a second harmonic) per side, slow attack per bar.
        let tbar = (n % (beat * 4)) as f32 / fs;
        let env = (tbar * 4.0).min(1.0) * (0.85 + 0.15 * (TAU * 0.5 * tbar).cos());
        for (side, out) in [&mut cl, &mut cr].into_iter().enumerate() {
            let detune = if side == 0 { 0.997 } else { 1.003 };
            let mut v = 0.0;
            for (k, note) in chord(bar).iter().enumerate() {
                let ph = &mut chord_phase[side][k];
                *ph = (*ph + TAU * midi(*note) * detune / fs) % TAU;
                v += ph.sin() + 0.3 * (2.0 * *ph).sin();
            }
            out[n] = 0.08 * v * env;
        }
        // Lead from bar 2: a square-ish tone with vibrato, one note per half bar.
        if bar >= 2 {
            let step = (n / (beat * 2)) % melody.len();
            let t_note = (n % (beat * 2)) as f32 / fs;
            let vib = 1.0 + 0.004 * (TAU * 5.5 * t_note).sin();
            lead_phase = (lead_phase + midi(melody[step]) * vib / fs) % 1.0;
            let sq = (TAU * lead_phase).sin()
                + (3.0 * TAU * lead_phase).sin() / 3.0
                + (5.0 * TAU * lead_phase).sin() / 5.0;
            let a = (t_note * 30.0).min(1.0) * (-t_note * 0.8).exp();
            lead[n] = 0.3 * sq * a;
        }
    }
    let audio = |channels: Vec<Vec<f32>>| Audio {
        sample_rate: FS,
        channels,
    };
    vec![
        ("drums", audio(vec![dl, dr])),
        ("bass", audio(vec![bass])),
        ("chords", audio(vec![cl, cr])),
        ("lead", audio(vec![lead])),
    ]
}
