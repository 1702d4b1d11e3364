//! Mix analysis (`mixmaster::analysis`) on synthesized programmes with known properties: the
//! faults it must find (and only those), correlation and width of known channel pairs, band
//! levels against Parseval, DR against a hand computation of the DR14 algorithm, streaming in
//! any block size, and errors for bad input.

use mixmaster::analysis::{Analysis, AnalysisOptions, Analyzer, analyze_mix};
use mixmaster::master::Preset;
use mixmaster::mix::{Filter, FilterKind};
use mixmaster::{Error, ProcessSpec, Processor};
use mixmaster_tests::{Rng, noise, sine};

const FS: f64 = 48_000.0;

fn run(ch: &[Vec<f32>]) -> Analysis {
    let refs: Vec<&[f32]> = ch.iter().map(|c| &c[..]).collect();
    analyze_mix(&refs, FS, AnalysisOptions::default()).unwrap()
}

fn secs(s: f64) -> usize {
    (s * FS) as usize
}

/// White noise low-passed at `hz` (so it has no inter-sample overs of its own).
fn soft_noise(seed: u64, amp: f32, frames: usize, hz: f64) -> Vec<f32> {
    let mut x = noise(seed, amp, frames);
    let mut f = Filter::new(FilterKind::LowPass, hz).unwrap();
    f.prepare(ProcessSpec::new(FS, 4096, 1)).unwrap();
    f.process(&mut [&mut x[..]]);
    x
}

#[test]
fn a_mono_file_correlates_one_and_an_inverted_pair_minus_one() {
    let x = soft_noise(1, 0.3, secs(4.0), 8000.0);
    let mono = run(std::slice::from_ref(&x));
    assert_eq!(mono.stereo.correlation, 1.0);
    assert!(mono.stereo.correlation_series.iter().all(|c| *c == 1.0));
    assert_eq!(mono.stereo.width_db, f64::NEG_INFINITY);
    assert_eq!(mono.stereo.mono_change_lu, 0.0);
    assert!(!mono.faults.polarity_inverted);

    let same = run(&[x.clone(), x.clone()]);
    assert!((same.stereo.correlation - 1.0).abs() < 1e-9);
    assert!(same.stereo.mono_change_lu.abs() < 1e-6);
    assert!(same.stereo.mono_loss_bands.is_empty());

    let inv: Vec<f32> = x.iter().map(|v| -v).collect();
    let a = run(&[x.clone(), inv]);
    assert!(
        (a.stereo.correlation + 1.0).abs() < 1e-9,
        "{}",
        a.stereo.correlation
    );
    assert!(
        a.stereo
            .correlation_series
            .iter()
            .all(|c| (*c + 1.0).abs() < 1e-6)
    );
    assert!(a.faults.polarity_inverted);
    assert_eq!(a.stereo.mono_change_lu, f64::NEG_INFINITY);
    // Unrelated channels: correlation near 0, width 0 dB (side and mid equal), mono −3 LU.
    let y = soft_noise(2, 0.3, secs(4.0), 8000.0);
    let u = run(&[x, y]);
    assert!(u.stereo.correlation.abs() < 0.05);
    assert!(u.stereo.width_db.abs() < 0.2, "{}", u.stereo.width_db);
    assert!(
        (u.stereo.mono_change_lu + 3.01).abs() < 0.2,
        "{}",
        u.stereo.mono_change_lu
    );
    assert!(!u.faults.polarity_inverted);
    assert!(
        u.stereo.mono_loss_bands.is_empty(),
        "{:?}",
        u.stereo.mono_loss_bands
    );
}

#[test]
fn width_and_balance_of_known_pairs() {
    let x = soft_noise(3, 0.3, secs(5.0), 8000.0);
    // R = x/2: mid 0.75x, side 0.25x, width 20·log10(1/3); balance +6.02 LU (left louder).
    let half: Vec<f32> = x.iter().map(|v| v * 0.5).collect();
    let a = run(&[x, half]);
    let want = 20.0 * (1.0f64 / 3.0).log10();
    assert!(
        (a.stereo.width_db - want).abs() < 1e-3,
        "{}",
        a.stereo.width_db
    );
    assert!(
        (a.stereo.balance_lu - 6.0206).abs() < 0.01,
        "{}",
        a.stereo.balance_lu
    );
}

#[test]
fn a_phase_shifted_pair_that_cancels_in_mono_is_found_band_by_band() {
    // Low tone in opposite polarity, everything above shared: the low band cancels in mono,
    // the rest does not, and the file is not called polarity-inverted.
    let n = secs(6.0);
    let tone = sine(100.0, 0.4, 0.0, FS, n);
    let hi = soft_noise(4, 0.2, n, 8000.0);
    let mut hp = Filter::new(FilterKind::HighPass, 1000.0).unwrap();
    hp.prepare(ProcessSpec::new(FS, 4096, 1)).unwrap();
    let mut hi = hi;
    hp.process(&mut [&mut hi[..]]);
    let l: Vec<f32> = tone.iter().zip(&hi).map(|(t, h)| t + h).collect();
    let r: Vec<f32> = tone.iter().zip(&hi).map(|(t, h)| -t + h).collect();
    let a = run(&[l, r]);
    assert!(
        a.stereo.correlation_low < -0.99,
        "{}",
        a.stereo.correlation_low
    );
    assert!(
        a.stereo.correlation_high > 0.99,
        "{}",
        a.stereo.correlation_high
    );
    assert!(!a.faults.polarity_inverted);
    let bands: Vec<f64> = a.stereo.mono_loss_bands.iter().map(|b| b.band_hz).collect();
    assert!(bands.contains(&100.0), "{bands:?}");
    assert!(bands.iter().all(|b| *b <= 160.0), "{bands:?}");
    assert!(
        a.stereo.mono_change_lu < -1.0,
        "{}",
        a.stereo.mono_change_lu
    );
}

#[test]
fn clipped_runs_are_found_at_their_times_and_nowhere_else() {
    let n = secs(5.0);
    let mut l = sine(440.0, 0.5, 0.0, FS, n);
    let mut r = sine(550.0, 0.5, 0.0, FS, n);
    // Three runs: 5 samples at +1 in the left at 1.0 s, 12 at −1 in the right at 2.5 s, and 3
    // at +1 in the left at 4.0 s; two full-scale samples (not a run) at 3.0 s.
    for (c, at, len, v) in [
        (0, 1.0, 5, 1.0f32),
        (1, 2.5, 12, -1.0),
        (0, 4.0, 3, 1.0),
        (1, 3.0, 2, 1.0),
    ] {
        let s = secs(at);
        let ch = if c == 0 { &mut l } else { &mut r };
        ch[s..s + len].fill(v);
    }
    let a = run(&[l, r]);
    let f = &a.faults;
    assert_eq!(f.clipped_runs, 3);
    assert_eq!(f.longest_clipped_run, 12);
    let got: Vec<(f64, usize, usize)> = f
        .clipped
        .iter()
        .map(|c| (c.time_s, c.channel, c.samples))
        .collect();
    assert_eq!(got, vec![(1.0, 0, 5), (2.5, 1, 12), (4.0, 0, 3)]);
    // A clean file has none.
    let clean = run(&[sine(440.0, 0.99, 0.0, FS, n)]);
    assert_eq!(clean.faults.clipped_runs, 0);
}

#[test]
fn dc_offset_silence_and_bit_depth() {
    let n = secs(4.0);
    let lead = secs(1.5);
    let tail = secs(0.25);
    let body = soft_noise(5, 0.25, n, 6000.0);
    let mut l = vec![0.0f32; lead];
    l.extend(body.iter().map(|v| v + 0.05));
    l.extend(vec![0.0f32; tail]);
    let mut r = vec![0.0f32; lead];
    r.extend(&body);
    r.extend(vec![0.0f32; tail]);
    let a = run(&[l, r]);
    let total = (lead + n + tail) as f64;
    assert!((a.faults.dc_offset[0] - 0.05 * n as f64 / total).abs() < 1e-3);
    assert!(a.faults.dc_offset[1].abs() < 2e-3);
    // The first sample of the body may itself be under −60 dBFS: within a few samples.
    assert!(
        (a.faults.leading_silence_s - 1.5).abs() < 5.0 / FS,
        "{}",
        a.faults.leading_silence_s
    );
    assert!((a.faults.trailing_silence_s - 0.25).abs() < 5.0 / FS);
    // Float noise uses more than 24 bits; the same noise on a 16-bit grid reads 16.
    assert_eq!(a.faults.effective_bits, None);
    let q16: Vec<f32> = body
        .iter()
        .map(|v| (v * 32768.0).round() / 32768.0)
        .collect();
    assert_eq!(
        run(std::slice::from_ref(&q16)).faults.effective_bits,
        Some(16)
    );
    let q24: Vec<f32> = body
        .iter()
        .map(|v| (v * 8388608.0).round() / 8388608.0)
        .collect();
    assert_eq!(run(&[q24]).faults.effective_bits, Some(24));
    let q8: Vec<f32> = body.iter().map(|v| (v * 128.0).round() / 128.0).collect();
    assert_eq!(run(&[q8]).faults.effective_bits, Some(8));
}

#[test]
fn inter_sample_overs_are_counted_at_their_times() {
    // fs/4 tone at 45°: samples at ±0.707·A, the waveform at ±A. A = 1.3 reaches +2.3 dBTP
    // with every sample below full scale; two bursts, at 1.0 s and 3.0 s.
    let n = secs(5.0);
    let mut x = soft_noise(6, 0.1, n, 4000.0);
    for at in [1.0, 3.0] {
        let s = secs(at);
        for (i, v) in x[s..s + secs(0.3)].iter_mut().enumerate() {
            *v = (1.3
                * (std::f64::consts::FRAC_PI_2 * i as f64 + std::f64::consts::FRAC_PI_4).sin())
                as f32;
        }
    }
    let a = run(std::slice::from_ref(&x));
    assert_eq!(a.faults.clipped_runs, 0);
    assert_eq!(a.faults.overs, 2, "{:?}", a.faults.over_times);
    for (o, at) in a.faults.over_times.iter().zip([1.0, 3.0]) {
        assert!((o.time_s - at).abs() <= 0.1 + 1e-9, "{o:?}");
        assert!((o.peak_dbtp - 20.0 * 1.3f64.log10()).abs() < 0.3, "{o:?}");
    }
    assert!(a.loudness.true_peak_dbtp > 2.0);
    assert!(
        (a.dynamics.plr_db - (a.loudness.true_peak_dbtp - a.loudness.integrated_lufs)).abs()
            < 1e-12
    );
}

#[test]
fn a_resonance_is_found_within_a_twelfth_of_an_octave() {
    // Noise with a narrow +15 dB peak (Q 15) at 1234 Hz: one resonance, near 1234 Hz, cut
    // suggested in the session syntax.
    let n = secs(10.0);
    let mut x = noise(7, 0.2, n);
    let mut peak = Filter::new(FilterKind::Peaking, 1234.0).unwrap();
    peak.set_q(15.0).unwrap();
    peak.set_gain_db(15.0).unwrap();
    peak.prepare(ProcessSpec::new(FS, 4096, 1)).unwrap();
    peak.process(&mut [&mut x[..]]);
    let a = run(&[x.clone(), x]);
    assert_eq!(a.resonances.len(), 1, "{:?}", a.resonances);
    let r = &a.resonances[0];
    let octaves = (r.frequency_hz / 1234.0).log2().abs();
    assert!(octaves < 1.0 / 12.0, "{r:?}");
    assert!(r.excess_db > 10.0 && r.excess_db < 17.0, "{r:?}");
    assert!(r.q > 5.0 && r.q < 40.0, "{r:?}");
    let s = r.suggested_band();
    assert!(
        s.starts_with("{ kind = \"peaking\", frequency_hz = 12"),
        "{s}"
    );
    // Plain noise has none.
    assert!(run(&[noise(8, 0.2, n)]).resonances.is_empty());
}

#[test]
fn band_levels_follow_parseval_and_a_full_scale_sine_reads_minus_three() {
    let a = run(&[sine(1000.0, 1.0, 0.0, FS, secs(3.0))]);
    let i = a
        .spectrum
        .nominal_hz
        .iter()
        .position(|f| *f == 1000.0)
        .unwrap();
    assert!(
        (a.spectrum.left_db[i] + 3.0103).abs() < 0.05,
        "{}",
        a.spectrum.left_db[i]
    );
    assert!(a.spectrum.left_db[i - 2] < -40.0 && a.spectrum.left_db[i + 2] < -40.0);
    // White noise: the bands' powers add up to its mean square (up to the bands' 22 Hz to 22 kHz
    // span), and each band's share is its width.
    let x = noise(9, 0.5, secs(8.0));
    let ms = x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len() as f64;
    let a = run(&[x]);
    let total: f64 = a
        .spectrum
        .left_db
        .iter()
        .map(|d| 10f64.powf(d / 10.0))
        .sum();
    let span = (22_387.0 - 22.39) / 24_000.0;
    assert!((10.0 * (total / (ms * span)).log10()).abs() < 0.1);
    for (c, d) in a.spectrum.band_hz.iter().zip(&a.spectrum.left_db) {
        if *c < 100.0 {
            continue; // a few bins only: the estimate scatters
        }
        let width = c * (10f64.powf(0.05) - 10f64.powf(-0.05));
        let want = 10.0 * (ms * width / 24_000.0).log10();
        assert!((d - want).abs() < 0.5, "{c} Hz: {d} vs {want}");
    }
    assert_eq!(a.spectrum.fine_hz.len(), a.spectrum.fine_mid_db.len());
    assert!((a.spectrum.fine_hz[0] - 20.0).abs() < 1e-9);
}

#[test]
fn dr_follows_the_dr14_definition() {
    // Ten 3 s blocks of sines with amplitudes a_i: block RMS (√2·rms) is a_i, block peak a_i.
    // DR = 20·log10(second-highest peak / RMS of the loudest 20 % (two blocks)).
    let amps = [0.2, 0.5, 0.9, 0.3, 0.7, 0.4, 0.8, 0.25, 0.6, 0.35];
    let mut x = Vec::new();
    for a in amps {
        x.extend(sine(1000.0, a, 0.0, FS, secs(3.0)));
    }
    let a = run(&[x.clone(), x]);
    let dr = a.dynamics.dynamic_range.clone().unwrap();
    let top = ((0.9f64 * 0.9 + 0.8 * 0.8) / 2.0).sqrt();
    let want = 20.0 * (0.8f64 / top).log10();
    assert!((dr.value - want).abs() < 0.01, "{} vs {want}", dr.value);
    assert_eq!(dr.per_channel.len(), 2);
    assert_eq!(dr.official, want.round() as i32);
    // Under five blocks: no value.
    assert!(
        run(&[sine(1000.0, 0.5, 0.0, FS, secs(11.0))])
            .dynamics
            .dynamic_range
            .is_none()
    );
}

#[test]
fn platform_preview_turns_down_everywhere_and_up_where_platforms_do() {
    // A 997 Hz sine at −20 dBFS RMS per channel, stereo: −20 + 3.01 − 3.01 ≈ −20 LUFS.
    let x = sine(997.0, 0.1 * 2f64.sqrt(), 0.0, FS, secs(5.0));
    let a = run(&[x.clone(), x]);
    let i = a.loudness.integrated_lufs;
    assert!((i + 16.99).abs() < 0.1, "{i}");
    for p in &a.platforms {
        let want = p.target_lufs - i;
        match p.preset {
            Preset::YouTube | Preset::Tidal | Preset::Deezer => assert_eq!(p.gain_db, 0.0),
            Preset::AppleMusic => assert!((p.gain_db - want).abs() < 1e-9),
            _ => assert!((p.gain_db - want).abs() < 1e-9),
        }
        assert!((p.plays_at_lufs - (i + p.gain_db)).abs() < 1e-9);
        assert_eq!(
            p.needs_limiting,
            p.gain_db > 0.0
                && a.loudness.true_peak_dbtp + p.gain_db > p.preset.target().ceiling_dbtp
        );
    }
    let ebu = a
        .platforms
        .iter()
        .find(|p| p.preset == Preset::EbuR128)
        .unwrap();
    assert!(ebu.gain_db < -5.0 && !ebu.needs_limiting);
}

/// Equal reports, naming the first part that differs (the whole report is long).
fn same(a: &Analysis, b: &Analysis) {
    let parts = |x: &Analysis| {
        [
            format!("{:?}", x.loudness),
            format!("{:?}", x.dynamics),
            format!("{:?}", x.spectrum),
            format!("{:?}", x.stereo),
            format!("{:?}", x.faults),
            format!("{:?}", x.resonances),
            format!("{:?}", x.platforms),
        ]
    };
    let names = [
        "loudness",
        "dynamics",
        "spectrum",
        "stereo",
        "faults",
        "resonances",
        "platforms",
    ];
    for ((x, y), name) in parts(a).iter().zip(parts(b)).zip(names) {
        assert!(*x == y, "{name} differs");
    }
    assert!(a == b);
}

#[test]
fn block_size_does_not_change_the_report() {
    let x = mixmaster_tests::programme(2, secs(14.0), FS);
    let whole = run(&x);
    let mut a = Analyzer::new(FS, 2, AnalysisOptions::default()).unwrap();
    let mut rng = Rng::new(11);
    let mut at = 0;
    while at < x[0].len() {
        let n = rng.range(1, 9000).min(x[0].len() - at);
        a.add_planar(&[&x[0][at..at + n], &x[1][at..at + n]])
            .unwrap();
        at += n;
    }
    same(&a.report(), &whole);
    // Interleaved input is the same programme.
    let inter: Vec<f32> = (0..x[0].len()).flat_map(|i| [x[0][i], x[1][i]]).collect();
    let mut b = Analyzer::new(FS, 2, AnalysisOptions::default()).unwrap();
    b.add_interleaved(&inter).unwrap();
    same(&b.report(), &whole);
    assert!(whole.dynamics.dynamic_range.is_some());
    assert!(whole.dynamics.psr_min_db.is_finite());
    assert_eq!(
        whole.dynamics.psr_db.len(),
        whole.loudness.short_term_lufs.len()
    );
}

#[test]
fn non_finite_samples_are_counted_and_analysed_as_silence() {
    let mut x = sine(440.0, 0.5, 0.0, FS, secs(2.0));
    x[1000] = f32::NAN;
    x[2000] = f32::INFINITY;
    let a = run(std::slice::from_ref(&x));
    assert_eq!(a.faults.non_finite, vec![2]);
    assert!(a.loudness.true_peak_dbtp.is_finite() && a.loudness.true_peak_dbtp < 0.0);
    assert!(a.spectrum.left_db.iter().all(|d| !d.is_nan()));
    assert!(a.stereo.correlation == 1.0);
}

#[test]
fn bad_input_is_an_error_that_names_it() {
    let x = vec![0.0f32; 100];
    let e = analyze_mix(&[&x, &x, &x], FS, AnalysisOptions::default()).unwrap_err();
    assert!(
        matches!(e, Error::UnsupportedChannels { channels: 3, .. }),
        "{e}"
    );
    let e = analyze_mix(&[&x, &x[..50]], FS, AnalysisOptions::default()).unwrap_err();
    assert!(matches!(e, Error::ChannelLengths { .. }), "{e}");
    let e = analyze_mix(&[&x], 1000.0, AnalysisOptions::default()).unwrap_err();
    assert!(e.to_string().contains("sample_rate"), "{e}");
    let e = analyze_mix(&[&[]], FS, AnalysisOptions::default()).unwrap_err();
    assert!(matches!(e, Error::Empty { .. }), "{e}");
    let mut a = Analyzer::new(FS, 2, AnalysisOptions::default()).unwrap();
    assert!(matches!(
        a.add_interleaved(&[0.0; 3]),
        Err(Error::BufferShape { .. })
    ));
    // Silence is analysed without NaN.
    let s = analyze_mix(&[&x, &x], FS, AnalysisOptions::default()).unwrap();
    assert_eq!(s.loudness.integrated_lufs, f64::NEG_INFINITY);
    assert_eq!(s.stereo.correlation, 0.0);
    assert!(!s.stereo.width_db.is_nan() && !s.stereo.balance_lu.is_nan());
    assert!(s.platforms.iter().all(|p| p.gain_db == 0.0));
}
