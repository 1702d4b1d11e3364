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
