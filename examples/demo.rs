//! Renders a few seconds of synthesized audio through a mixing chain, writes `demo.wav` and
//! prints its levels. Run: `cargo run --release --example demo -- [OUT.wav]`.

use mixmaster::db::gain_to_db;
use mixmaster::master::loudness::LoudnessMeter;
use mixmaster::mix::biquad::{Design, FilterKind};
use mixmaster::mix::{Compressor, Delay, Equalizer, Gain, PanLaw, PanMode, Panner, Reverb};
use mixmaster::{Chain, ProcessSpec, Processor};
use std::f32::consts::TAU;

const FS: f64 = 48_000.0;
const SECONDS: f64 = 6.0;
const BLOCK: usize = 256;

/// A kick, a bass line, a chord pad and hats, each mono.
fn synthesize(frames: usize) -> [Vec<f32>; 4] {
    let fs = FS as f32;
    let beat = (fs * 0.5) as usize; // 120 BPM
    let mut kick = vec![0.0f32; frames];
    let mut bass = vec![0.0f32; frames];
    let mut pad = vec![0.0f32; frames];
    let mut hats = vec![0.0f32; frames];
    let mut seed = 1u32;
    let bass_notes = [55.0f32, 55.0, 65.41, 49.0];
    let chords = [
        [220.0f32, 277.18, 329.63],
        [261.63, 329.63, 392.0],
        [196.0, 246.94, 293.66],
        [220.0, 261.63, 329.63],
    ];
    let mut phase = 0.0f32;
    for n in 0..frames {
        let t_beat = (n % beat) as f32 / fs;
        let bar = (n / (beat * 4)) % 4;
        // Kick: a falling sine with a fast decay.
        let f = 50.0 + 120.0 * (-t_beat * 30.0).exp();
        phase += TAU * f / fs;
        kick[n] = 0.9 * phase.sin() * (-t_beat * 8.0).exp();
        // Bass: a saw-ish tone, plucked each beat.
        let t = n as f32 / fs;
        let fb = bass_notes[bar];
        let saw = 2.0 * (t * fb).fract() - 1.0;
        bass[n] = 0.35 * saw * (-t_beat * 3.0).exp();
        // Pad: three sines.
        pad[n] = chords[bar].iter().map(|f| (TAU * f * t).sin()).sum::<f32>() * 0.08;
        // Hats: noise bursts on the off-beats.
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let off = ((n + beat / 2) % beat) as f32 / fs;
        hats[n] = ((seed as f32 / u32::MAX as f32) * 2.0 - 1.0) * 0.25 * (-off * 40.0).exp();
    }
    [kick, bass, pad, hats]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_path = std::env::args().nth(1).unwrap_or_else(|| "demo.wav".into());
    let frames = (FS * SECONDS) as usize;
    let tracks = synthesize(frames);
    let spec = ProcessSpec::new(FS, BLOCK, 2);

    // Per-track chains: EQ, compression, pan (mono source panned to stereo).
    let pans = [0.0, 0.0, -0.4, 0.5];
    let mut chains: Vec<Chain> = Vec::new();
    for (i, &pan) in pans.iter().enumerate() {
        let mut eq = Equalizer::new();
        eq.add_band(Design::new(
            FilterKind::HighPass,
            if i == 0 { 30.0 } else { 80.0 },
        ))?;
        if i == 2 {
            eq.add_band(Design {
                kind: FilterKind::Peaking,
                frequency_hz: 400.0,
                q: 1.0,
                gain_db: -3.0,
            })?;
        }
        let mut comp = Compressor::new();
        comp.set_threshold_db(-20.0)?;
        comp.set_ratio(3.0)?;
        let mut panner = Panner::new(PanLaw::ConstantPower, PanMode::MonoToStereo);
        panner.set_pan(pan)?;
        let mut chain = Chain::new().with(eq).with(comp).with(panner);
        chain.prepare(spec)?;
        chains.push(chain);
    }
    // Send effects on the mix bus: a delay and a reverb in parallel with the dry mix.
    let mut delay = Delay::new(1000.0)?;
    delay.set_time_ms(375.0)?;
    delay.set_feedback(0.35)?;
    delay.set_mix(1.0)?;
    delay.set_ping_pong(true);
    delay.prepare(spec)?;
    let mut reverb = Reverb::new();
    reverb.set_decay_s(1.8)?;
    reverb.set_mix(1.0)?;
    reverb.prepare(spec)?;
    let mut master = Gain::with_db(-1.0)?;
    master.prepare(spec)?;

    let mut mix_l = vec![0.0f32; frames];
    let mut mix_r = vec![0.0f32; frames];
    let mut l = vec![0.0f32; BLOCK];
    let mut r = vec![0.0f32; BLOCK];
    let mut sl = vec![0.0f32; BLOCK];
    let mut sr = vec![0.0f32; BLOCK];
    let mut rl = vec![0.0f32; BLOCK];
    let mut rr = vec![0.0f32; BLOCK];
    for start in (0..frames).step_by(BLOCK) {
        let n = BLOCK.min(frames - start);
        let (ml, mr) = (&mut mix_l[start..start + n], &mut mix_r[start..start + n]);
        sl[..n].fill(0.0);
        sr[..n].fill(0.0);
        for (track, chain) in tracks.iter().zip(chains.iter_mut()) {
            l[..n].copy_from_slice(&track[start..start + n]);
            r[..n].fill(0.0);
            chain.process(&mut [&mut l[..n], &mut r[..n]]);
            for i in 0..n {
                ml[i] += l[i];
                mr[i] += r[i];
                sl[i] += 0.25 * l[i];
                sr[i] += 0.25 * r[i];
            }
        }
        rl[..n].copy_from_slice(&sl[..n]);
        rr[..n].copy_from_slice(&sr[..n]);
        delay.process(&mut [&mut sl[..n], &mut sr[..n]]);
        reverb.process(&mut [&mut rl[..n], &mut rr[..n]]);
        for i in 0..n {
            ml[i] += 0.5 * sl[i] + rl[i];
            mr[i] += 0.5 * sr[i] + rr[i];
        }
        master.process(&mut [ml, mr]);
    }

    let wav = hound::WavSpec {
        channels: 2,
        sample_rate: FS as u32,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&out_path, wav)?;
    for i in 0..frames {
        w.write_sample(mix_l[i])?;
        w.write_sample(mix_r[i])?;
    }
    w.finalize()?;

    let peak = mix_l
        .iter()
        .chain(&mix_r)
        .fold(0.0f32, |a, v| a.max(v.abs()));
    let rms = (mix_l
        .iter()
        .chain(&mix_r)
        .map(|v| (*v as f64).powi(2))
        .sum::<f64>()
        / (2 * frames) as f64)
        .sqrt();
    let mut meter = LoudnessMeter::new(FS, mixmaster::master::loudness::ChannelLayout::Stereo)?;
    meter.add_planar(&[&mix_l[..], &mix_r[..]]);
    println!("wrote {out_path}: {SECONDS} s stereo at {FS} Hz");
    println!("sample peak      {:7.2} dBFS", gain_to_db(peak as f64));
    println!("RMS              {:7.2} dBFS", gain_to_db(rms));
    println!("integrated       {:7.2} LUFS", meter.integrated_lufs());
    println!("true peak        {:7.2} dBTP", meter.true_peak_dbtp());
    println!("loudness range   {:7.2} LU", meter.loudness_range_lu());
    Ok(())
}
