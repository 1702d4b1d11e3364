//! Loudness normalization: every preset reached within 0.1 LU with the true peak at or below
//! the ceiling; quiet material is raised and limited; album mode keeps relative loudness;
//! silent, empty and mismatched input are errors.

use mixmaster::master::{ChannelLayout, Preset, Target, normalize, normalize_album};

fn song(fs: f64, seconds: f64, level: f32, seed: u64) -> Vec<Vec<f32>> {
    let n = (fs * seconds) as usize;
    mixmaster_tests::programme(2, n, fs)
        .into_iter()
        .enumerate()
        .map(|(c, ch)| {
            let nz = mixmaster_tests::noise(seed + c as u64, 0.05, n);
            ch.iter().zip(nz).map(|(v, z)| (v + z) * level).collect()
        })
        .collect()
}

#[test]
fn every_preset_is_met() {
    let fs = 48_000.0;
    for preset in Preset::ALL {
        for level in [0.05f32, 0.9] {
            let mut x = song(fs, 12.0, level, 3);
            let t = preset.target();
            let r = normalize(fs, ChannelLayout::Stereo, &mut x, t).unwrap();
            assert!(
                (r.after.integrated_lufs - t.integrated_lufs).abs() <= 0.1,
                "{preset:?} level {level}: {:?}",
                r.after
            );
            assert!(
                r.after.true_peak_dbtp <= t.ceiling_dbtp,
                "{preset:?}: true peak {}",
                r.after.true_peak_dbtp
            );
            assert!(r.reached);
            assert!((r.before.integrated_lufs - r.after.integrated_lufs).abs() > 0.0);
            assert_eq!(Preset::from_name(preset.name()), Some(preset));
        }
    }
}

#[test]
fn loud_targets_need_the_limiter_and_the_correction_pass() {
    let fs = 44_100.0;
    // Peaky material (quiet body, loud transients) pushed to −9 LUFS: limiting must be heavy.
    let mut x = song(fs, 10.0, 0.3, 5);
    for ch in &mut x {
        for (i, v) in ch.iter_mut().enumerate() {
            if i % 11_025 < 200 {
                *v *= 3.0;
            }
        }
    }
    let original = x.clone();
    // Reachable: the first pass falls short after limiting, the corrections reach it.
    let t = Target::new(-11.0, -1.0).unwrap();
    let r = normalize(fs, ChannelLayout::Stereo, &mut x, t).unwrap();
    assert!(r.limited && r.reached);
    assert!(r.after.true_peak_dbtp <= -1.0);
    assert!(
        (r.after.integrated_lufs - -11.0).abs() <= 0.1,
        "after {}",
        r.after.integrated_lufs
    );
    assert!(
        r.gain_db > -11.0 - r.before.integrated_lufs,
        "no correction was applied"
    );
    // Unreachable without crushing (this material saturates near −8.5 LUFS): reported, not forced.
    let mut y = original;
    let t = Target::new(-7.0, -1.0).unwrap();
    let r = normalize(fs, ChannelLayout::Stereo, &mut y, t).unwrap();
    assert!(!r.reached && r.after.true_peak_dbtp <= -1.0);
    assert!(r.gain_db <= -7.0 - r.before.integrated_lufs + 6.0 + 1e-9);
}

#[test]
fn album_keeps_relative_loudness() {
    let fs = 48_000.0;
    let mut album = vec![
        song(fs, 8.0, 0.1, 1),
        song(fs, 8.0, 0.3, 2),
        song(fs, 8.0, 0.05, 3),
    ];
    let t = Preset::Spotify.target();
    let r = normalize_album(fs, ChannelLayout::Stereo, &mut album, t).unwrap();
    assert!(
        (r.album_after.integrated_lufs - t.integrated_lufs).abs() <= 0.3,
        "{:?}",
        r.album_after
    );
    let diff_before = r.tracks[0].0.integrated_lufs - r.tracks[2].0.integrated_lufs;
    let diff_after = r.tracks[0].1.integrated_lufs - r.tracks[2].1.integrated_lufs;
    assert!(
        (diff_before - diff_after).abs() < 0.2,
        "relative loudness changed: {diff_before} -> {diff_after}"
    );
    for (_, after, _) in &r.tracks {
        assert!(after.true_peak_dbtp <= t.ceiling_dbtp);
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let fs = 48_000.0;
    let t = Preset::Spotify.target();
    let mut silent = vec![vec![0.0f32; 48_000]; 2];
    let e = normalize(fs, ChannelLayout::Stereo, &mut silent, t).unwrap_err();
    assert!(e.to_string().contains("silent"), "{e}");
    let mut empty: Vec<Vec<f32>> = vec![vec![], vec![]];
    assert!(normalize(fs, ChannelLayout::Stereo, &mut empty, t).is_err());
    let mut ragged = vec![vec![0.1f32; 100], vec![0.1f32; 99]];
    assert!(normalize(fs, ChannelLayout::Stereo, &mut ragged, t).is_err());
    let mut mono = vec![vec![0.1f32; 100]];
    assert!(normalize(fs, ChannelLayout::Stereo, &mut mono, t).is_err());
    assert!(
        Target::new(-14.0, 0.5)
            .unwrap_err()
            .to_string()
            .contains("ceiling_dbtp")
    );
    assert!(Target::new(-14.0, -31.0).is_err());
    assert!(Target::new(f64::NAN, -1.0).is_err());
    let mut nan = song(fs, 5.0, 0.1, 9);
    nan[0][1000] = f32::NAN;
    let r = normalize(fs, ChannelLayout::Stereo, &mut nan, t).unwrap();
    assert!(nan.iter().flatten().all(|v| v.is_finite()));
    assert!(r.after.integrated_lufs.is_finite());
}

#[test]
fn bad_shapes_of_a_long_loud_programme_are_errors() {
    // Long and loud enough to pass the silence check and reach the renderer: only the input
    // validation stands between these and a wrong result (or a panic).
    use mixmaster::Error;
    let fs = 48_000.0;
    let t = Preset::Spotify.target();
    let mut ragged = song(fs, 5.0, 0.3, 4);
    let short = ragged[1].len() - 1000;
    ragged[1].truncate(short);
    assert!(matches!(
        normalize(fs, ChannelLayout::Stereo, &mut ragged, t),
        Err(Error::ChannelLengths { .. })
    ));
    let mut longer = song(fs, 5.0, 0.3, 4);
    longer[1].extend(vec![0.2f32; 1000]);
    assert!(matches!(
        normalize(fs, ChannelLayout::Stereo, &mut longer, t),
        Err(Error::ChannelLengths { .. })
    ));
    let mut three = song(fs, 5.0, 0.3, 4);
    three.push(three[0].clone());
    assert!(matches!(
        normalize(fs, ChannelLayout::Stereo, &mut three, t),
        Err(Error::ChannelCount { .. })
    ));
    let mut album = vec![song(fs, 5.0, 0.3, 1), ragged.clone()];
    assert!(matches!(
        normalize_album(fs, ChannelLayout::Stereo, &mut album, t),
        Err(Error::ChannelLengths { .. })
    ));
    // And nothing was written.
    assert_eq!(album[1], ragged);
}

#[test]
fn a_quiet_target_is_a_plain_gain_without_limiting() {
    // Turning a programme down: no limiting, the report says so, one pass reaches the target
    // with the first estimate (target − measured), and the output is the input times that
    // gain, sample for sample.
    let fs = 48_000.0;
    let x = song(fs, 8.0, 0.2, 6);
    let mut y = x.clone();
    let t = Target::new(-30.0, -1.0).unwrap();
    let r = normalize(fs, ChannelLayout::Stereo, &mut y, t).unwrap();
    assert!(!r.limited, "the limiter acted on a programme turned down");
    assert!(r.reached);
    assert_eq!(r.gain_db, -30.0 - r.before.integrated_lufs);
    assert!(r.gain_db < -5.0);
    assert!(
        (r.after.integrated_lufs - -30.0).abs() < 0.01,
        "{:?}",
        r.after
    );
    let g = 10f64.powf(r.gain_db / 20.0) as f32;
    for (a, b) in x.iter().zip(&y) {
        for (u, v) in a.iter().zip(b) {
            assert_eq!(*v, *u * g);
        }
    }
}

#[test]
fn the_correction_loop_converges_to_within_its_stopping_step() {
    use mixmaster::master::loudness::LoudnessMeter;
    use mixmaster::master::normalize::{MAX_CORRECTIONS, Programme, normalize_programme};
    /// An in-memory programme that counts its passes.
    struct Counted<'a> {
        x: &'a [Vec<f32>],
        pos: usize,
        passes: usize,
    }
    impl Programme for Counted<'_> {
        type Error = mixmaster::Error;
        fn channels(&self) -> usize {
            self.x.len()
        }
        fn frames(&self) -> usize {
            self.x[0].len()
        }
        fn rewind(&mut self) -> Result<(), Self::Error> {
            self.pos = 0;
            self.passes += 1;
            Ok(())
        }
        fn read(&mut self, out: &mut [&mut [f32]]) -> Result<(), Self::Error> {
            let n = out[0].len();
            let have = self.frames().saturating_sub(self.pos).min(n);
            for (o, c) in out.iter_mut().zip(self.x) {
                o[..have].copy_from_slice(&c[self.pos..self.pos + have]);
                o[have..].fill(0.0);
            }
            self.pos += have;
            Ok(())
        }
    }
    // Peaky material pushed hard: each pass loses loudness to the limiter, and the secant
    // steps must close the gap to under 0.05 LU (the loop's stopping rule) within its
    // corrections.
    let fs = 44_100.0;
    let mut x = song(fs, 10.0, 0.3, 5);
    for ch in &mut x {
        for (i, v) in ch.iter_mut().enumerate() {
            if i % 11_025 < 200 {
                *v *= 3.0;
            }
        }
    }
    for target in [-12.0, -10.0] {
        let mut p = Counted {
            x: &x,
            pos: 0,
            passes: 0,
        };
        let mut out = vec![vec![0.0f32; x[0].len()]; 2];
        let mut sink = |at: usize, block: &[&[f32]]| -> Result<(), mixmaster::Error> {
            for (o, b) in out.iter_mut().zip(block) {
                o[at..at + b.len()].copy_from_slice(b);
            }
            Ok(())
        };
        let t = Target::new(target, -1.0).unwrap();
        let r = normalize_programme(fs, &ChannelLayout::Stereo, &mut p, t, &mut sink).unwrap();
        assert!(r.limited);
        assert!(
            (r.after.integrated_lufs - target).abs() < 0.05,
            "{target}: {} after {} passes",
            r.after.integrated_lufs,
            p.passes - 1
        );
        // One measuring pass, a first render, at least one correction, at most all of them.
        assert!(
            p.passes >= 3 && p.passes <= 2 + MAX_CORRECTIONS,
            "{} passes",
            p.passes
        );
        assert!(r.gain_db > target - r.before.integrated_lufs + 0.1);
        // The report is the output's: measured again here.
        let mut m = LoudnessMeter::new(fs, ChannelLayout::Stereo).unwrap();
        m.add_planar(&[&out[0], &out[1]]);
        assert!((m.integrated_lufs() - r.after.integrated_lufs).abs() < 1e-9);
    }
}

#[test]
fn reports_say_whether_the_ceiling_was_kept() {
    use mixmaster::master::TruePeakMode;
    use mixmaster::master::normalize::{CEILING_TOLERANCE_DB, Levels, ceiling_kept};
    // Kept up to the tolerance over the ceiling (the limiter's documented worst case on the
    // reconstruction), not a hair more.
    let at = |true_peak_dbtp: f64| Levels {
        integrated_lufs: -14.0,
        true_peak_dbtp,
        true_peak_mode: TruePeakMode::Precise,
        loudness_range_lu: 5.0,
        sample_peak_dbfs: -2.0,
    };
    assert_eq!(CEILING_TOLERANCE_DB, 0.1);
    assert!(ceiling_kept(&at(-3.0), -1.0));
    assert!(ceiling_kept(&at(-0.9), -1.0));
    assert!(!ceiling_kept(&at(-0.89), -1.0));
    assert!(!ceiling_kept(&at(2.0), -1.0));
    // Normalized programmes, one and an album, keep it and say so.
    let fs = 48_000.0;
    let t = Preset::AppleMusic.target();
    let mut x = song(fs, 6.0, 0.3, 11);
    let r = normalize(fs, ChannelLayout::Stereo, &mut x, t).unwrap();
    assert!(r.ceiling_kept(), "{:?}", r.after);
    // The input is measured as BS.1770 reads it; the output where the ceiling is checked, on
    // the 16x reconstruction.
    assert_eq!(r.before.true_peak_mode, TruePeakMode::Standard);
    assert_eq!(r.after.true_peak_mode, TruePeakMode::Precise);
    let mut album = vec![song(fs, 6.0, 0.1, 12), song(fs, 6.0, 0.4, 13)];
    let r = normalize_album(fs, ChannelLayout::Stereo, &mut album, t).unwrap();
    assert!(r.ceiling_kept(), "{:?}", r.album_after);
}

#[test]
fn a_programme_through_a_processor_lines_up_with_the_original() {
    use mixmaster::master::Limiter;
    use mixmaster::master::normalize::{InMemory, Programme, Through};
    use mixmaster::{ProcessSpec, Processor};
    // Through a limiter whose ceiling the programme never reaches (the input delayed by its
    // latency, bit for bit): after each rewind the frames are the original's, the latency
    // removed, in any read sizes, and a second pass reads the same as the first.
    let fs = 48_000.0;
    let x = song(fs, 1.0, 0.1, 14);
    let mut limiter = Limiter::new(0.0, 5.0).unwrap();
    limiter.prepare(ProcessSpec::new(fs, 700, 2)).unwrap();
    assert!(limiter.latency_frames() > 200);
    let mut through = Through::new(InMemory::new(&x), Box::new(limiter));
    assert_eq!((through.channels(), through.frames()), (2, x[0].len()));
    for pass in 0..2 {
        through.rewind().unwrap();
        let mut got = vec![Vec::new(), Vec::new()];
        let mut left = x[0].len();
        let mut k = 0;
        while left > 0 {
            let n = [700, 1, 333][k % 3].min(left);
            let mut buf = vec![vec![0.0f32; n]; 2];
            let mut parts: Vec<&mut [f32]> = buf.iter_mut().map(|b| &mut b[..]).collect();
            through.read(&mut parts).unwrap();
            for (g, b) in got.iter_mut().zip(&buf) {
                g.extend_from_slice(b);
            }
            left -= n;
            k += 1;
        }
        assert!(got == x, "pass {pass}: not the original");
    }
    assert_eq!(through.inner().frames(), x[0].len());
}
