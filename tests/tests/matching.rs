//! Mastering to a reference (`mixmaster::analysis::{profile, matching}`): a programme matched
//! to a copy of itself through a known EQ recovers that EQ's curve (the biquads' own magnitude
//! is the reference); matching to itself changes nothing; two references give their average;
//! strength 0 leaves a stage out; the width and loudness stages reach the reference.

use mixmaster::analysis::matching::{MatchStrengths, average, master_in_memory, plan};
use mixmaster::analysis::profile::measure_profile;
use mixmaster::analysis::{AnalysisOptions, Profile, analyze_mix};
use mixmaster::master::Target;
use mixmaster::master::width::{ms_decode, ms_encode};
use mixmaster::mix::biquad::Design;
use mixmaster::mix::{Equalizer, FilterKind};
use mixmaster::{Error, ProcessSpec, Processor};
use mixmaster_tests::noise;

const FS: f64 = 48_000.0;

/// 30 s of stereo noise (partly correlated), −20 dBFS-ish.
fn programme() -> Vec<Vec<f32>> {
    let n = (30.0 * FS) as usize;
    let a = noise(21, 0.25, n);
    let b = noise(22, 0.25, n);
    let l: Vec<f32> = a.iter().zip(&b).map(|(x, y)| 0.8 * x + 0.2 * y).collect();
    let r: Vec<f32> = a.iter().zip(&b).map(|(x, y)| 0.8 * x - 0.2 * y).collect();
    vec![l, r]
}

fn eq(bands: &[Design]) -> Equalizer {
    let mut e = Equalizer::from_designs(bands).unwrap();
    e.prepare(ProcessSpec::new(FS, 4096, 2)).unwrap();
    e
}

fn through(e: &mut Equalizer, x: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let mut y = x.to_vec();
    let mut parts: Vec<&mut [f32]> = y.iter_mut().map(|c| &mut c[..]).collect();
    e.process(&mut parts);
    y
}

fn profile(x: &[Vec<f32>]) -> Profile {
    let refs: Vec<&[f32]> = x.iter().map(|c| &c[..]).collect();
    measure_profile(&refs, FS).unwrap()
}

fn design(kind: FilterKind, f: f64, q: f64, gain_db: f64) -> Design {
    let mut d = Design::new(kind, f);
    d.q = q;
    d.gain_db = gain_db;
    d
}

fn known_eq() -> Vec<Design> {
    vec![
        design(FilterKind::LowShelf, 120.0, 0.7, 4.0),
        design(FilterKind::Peaking, 1000.0, 0.9, -5.0),
        design(FilterKind::HighShelf, 7000.0, 0.7, 3.0),
    ]
}

#[test]
fn matching_to_an_eqd_copy_recovers_the_eq_curve_within_1_db() {
    let x = programme();
    let mut e = eq(&known_eq());
    let reference = through(&mut e, &x);
    let p = plan(
        &profile(&x),
        &[profile(&reference)],
        MatchStrengths::default(),
        None,
    )
    .unwrap();
    let mut checked = 0;
    for b in &p.bands {
        if b.band_hz < 40.0 || b.band_hz > 16_000.0 {
            continue;
        }
        let want = e.response(b.band_hz).0;
        assert!(
            (b.mid_db - want).abs() < 1.0,
            "{} Hz: curve {:.2} dB, EQ {want:.2} dB",
            b.band_hz,
            b.mid_db
        );
        assert!((b.side_db - want).abs() < 1.0, "{} Hz side", b.band_hz);
        checked += 1;
    }
    assert_eq!(checked, 27);
    assert!(
        p.distance_before_db > 2.0 && p.distance_after_db < 0.5,
        "{p:?}"
    );
    // The mastered programme's spectrum is the reference's, band by band, within 1 dB (with
    // its level: the loudness stage takes it to the reference's loudness).
    let (out, report) = master_in_memory(FS, &x, &p).unwrap();
    assert!(report.reached, "{report:?}");
    let got = analyze_mix(&[&out[0], &out[1]], FS, AnalysisOptions::default()).unwrap();
    let want = analyze_mix(
        &[&reference[0], &reference[1]],
        FS,
        AnalysisOptions::default(),
    )
    .unwrap();
    assert!((got.loudness.integrated_lufs - want.loudness.integrated_lufs).abs() < 0.3);
    for (i, f) in got.spectrum.nominal_hz.iter().enumerate() {
        if (40.0..=16_000.0).contains(f) {
            let d = got.spectrum.mid_db[i] - want.spectrum.mid_db[i];
            assert!(d.abs() < 1.0, "{f} Hz: {d:.2} dB from the reference");
        }
    }
}

#[test]
fn matching_to_itself_changes_the_spectrum_by_less_than_a_tenth_of_a_db() {
    let x: Vec<Vec<f32>> = programme()
        .into_iter()
        .map(|c| c.into_iter().map(|v| v * 0.5).collect())
        .collect();
    let p0 = profile(&x);
    let p = plan(
        &p0,
        std::slice::from_ref(&p0),
        MatchStrengths::default(),
        None,
    )
    .unwrap();
    assert!(p.curve.iter().all(|c| c.mid_db == 0.0 && c.side_db == 0.0));
    assert_eq!(p.width_gain_db, 0.0);
    assert!(p.distance_before_db < 1e-9);
    let (out, _) = master_in_memory(FS, &x, &p).unwrap();
    let a = analyze_mix(&[&x[0], &x[1]], FS, AnalysisOptions::default()).unwrap();
    let b = analyze_mix(&[&out[0], &out[1]], FS, AnalysisOptions::default()).unwrap();
    for (u, v) in a.spectrum.left_db.iter().zip(&b.spectrum.left_db) {
        assert!((u - v).abs() < 0.1, "{u} vs {v}");
    }
    for (u, v) in a.spectrum.side_db.iter().zip(&b.spectrum.side_db) {
        assert!((u - v).abs() < 0.1, "{u} vs {v}");
    }
}

#[test]
fn two_references_give_their_average() {
    let x = programme();
    let shelf = |g| vec![design(FilterKind::LowShelf, 200.0, 0.7, g)];
    let a = through(&mut eq(&shelf(6.0)), &x);
    let b = through(&mut eq(&shelf(-2.0)), &x);
    let mean = through(&mut eq(&shelf(2.0)), &x);
    let src = profile(&x);
    let two = plan(
        &src,
        &[profile(&a), profile(&b)],
        MatchStrengths::default(),
        None,
    )
    .unwrap();
    let one = plan(&src, &[profile(&mean)], MatchStrengths::default(), None).unwrap();
    for (t, o) in two.bands.iter().zip(&one.bands) {
        if (40.0..=16_000.0).contains(&t.band_hz) {
            // A +6 and a −2 dB shelf average (in dB) to a +2 dB one.
            assert!(
                (t.mid_db - o.mid_db).abs() < 0.3,
                "{} Hz: {} vs {}",
                t.band_hz,
                t.mid_db,
                o.mid_db
            );
        }
    }
    let avg = average(&[profile(&a), profile(&b)]).unwrap();
    assert!((two.reference.integrated_lufs - avg.integrated_lufs).abs() < 1e-12);
}

#[test]
fn strength_zero_leaves_eq_and_width_untouched() {
    let x = programme();
    let reference = through(&mut eq(&known_eq()), &x);
    let s = MatchStrengths {
        eq: 0.0,
        loudness: 0.0,
        width: 0.0,
    };
    let p = plan(&profile(&x), &[profile(&reference)], s, None).unwrap();
    assert!(p.curve.iter().all(|c| c.mid_db == 0.0 && c.side_db == 0.0));
    assert_eq!(p.width_gain_db, 0.0);
    let src = profile(&x);
    assert!((p.target.integrated_lufs - src.integrated_lufs).abs() < 1e-12);
    // The EQ stage is then an exact delay and the width stage the identity: the output is the
    // input up to the normalization's fraction of a dB and no limiting.
    let quiet: Vec<Vec<f32>> = x
        .iter()
        .map(|c| c.iter().map(|v| v * 0.3).collect())
        .collect();
    let q = plan(
        &profile(&quiet),
        &[profile(&reference)],
        s,
        Some(Target::new(-14.0, -1.0).unwrap()),
    )
    .unwrap();
    let (out, report) = master_in_memory(FS, &quiet, &q).unwrap();
    assert!(!report.limited && report.gain_db.abs() < 0.01, "{report:?}");
    let g = mixmaster::db::db_to_gain(report.gain_db) as f32;
    for (o, i) in out.iter().zip(&quiet) {
        for (a, b) in o.iter().zip(i) {
            assert!((a - b * g).abs() < 2e-5, "{a} vs {b}");
        }
    }
}

#[test]
fn width_and_loudness_stages_move_toward_the_reference() {
    let x = programme();
    // The reference: the side at half (−6.02 dB of width) and 4 dB louder.
    let g = mixmaster::db::db_to_gain(4.0) as f32;
    let reference: Vec<Vec<f32>> = {
        let (mut l, mut r) = (x[0].clone(), x[1].clone());
        for (a, b) in l.iter_mut().zip(r.iter_mut()) {
            let (m, s) = ms_encode(*a, *b);
            (*a, *b) = ms_decode(g * m, g * 0.5 * s);
        }
        vec![l, r]
    };
    let only_width = MatchStrengths {
        eq: 0.0,
        loudness: 1.0,
        width: 1.0,
    };
    let p = plan(&profile(&x), &[profile(&reference)], only_width, None).unwrap();
    assert!((p.width_gain_db + 6.02).abs() < 0.1, "{}", p.width_gain_db);
    let (out, report) = master_in_memory(FS, &x, &p).unwrap();
    assert!(report.reached);
    let got = profile(&out);
    let want = profile(&reference);
    assert!(
        (got.width_db - want.width_db).abs() < 0.2,
        "{} vs {}",
        got.width_db,
        want.width_db
    );
    assert!((got.integrated_lufs - want.integrated_lufs).abs() < 0.3);
    // Half strength: half the width change (in dB).
    let half = MatchStrengths {
        width: 0.5,
        ..only_width
    };
    let h = plan(&profile(&x), &[profile(&reference)], half, None).unwrap();
    assert!((h.width_gain_db - p.width_gain_db / 2.0).abs() < 1e-9);
}

#[test]
fn profiles_of_other_rates_and_lengths_compare_and_bad_input_is_named() {
    let x = programme();
    let p48 = profile(&x);
    // The same noise at 44.1 kHz and a third of the length has the same density curve.
    let short: Vec<Vec<f32>> = x
        .iter()
        .map(|c| c[..(10.0 * 44_100.0) as usize].to_vec())
        .collect();
    let refs: Vec<&[f32]> = short.iter().map(|c| &c[..]).collect();
    let p44 = measure_profile(&refs, 44_100.0).unwrap();
    let d = mixmaster::analysis::matching::spectral_distance(
        &p48.frequency_hz[..p44.frequency_hz.len()],
        &p48.mid_db[..p44.frequency_hz.len()],
        &p44.mid_db,
    );
    assert!(d < 0.3, "{d}");
    let bad = MatchStrengths {
        eq: 1.5,
        ..MatchStrengths::default()
    };
    let e = plan(&p48, std::slice::from_ref(&p48), bad, None).unwrap_err();
    assert!(e.to_string().contains("eq"), "{e}");
    assert!(matches!(
        plan(&p48, &[], MatchStrengths::default(), None),
        Err(Error::Empty { .. })
    ));
    let silence = vec![vec![0.0f32; 48_000]; 2];
    let refs: Vec<&[f32]> = silence.iter().map(|c| &c[..]).collect();
    assert!(matches!(
        measure_profile(&refs, FS),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn match_eq_strength_scales_the_curve_in_db_and_in_the_output() {
    // A flat +6 dB mid, −6 dB side curve: at strength 1 the response reads the points, at 0.5
    // half their dB, and a 1 kHz tone in the mid (left = right) comes out at +3 dB once the
    // crossfade to the new strength is over; a strength outside [0, 1] is an error naming it.
    use mixmaster::master::MatchEq;
    use mixmaster::master::match_eq::CurvePoint;
    let points: Vec<CurvePoint> = [100.0, 1_000.0, 10_000.0]
        .iter()
        .map(|&f| CurvePoint {
            frequency_hz: f,
            mid_db: 6.0,
            side_db: -6.0,
        })
        .collect();
    let mut m = MatchEq::new(&points).unwrap();
    assert_eq!(m.points(), &points[..]);
    assert_eq!(m.gain_db(1_000.0), (6.0, -6.0));
    m.set_strength(0.5).unwrap();
    assert_eq!(m.gain_db(1_000.0), (3.0, -3.0));
    assert!(
        m.set_strength(1.5)
            .unwrap_err()
            .to_string()
            .contains("strength")
    );
    let fs = 48_000.0;
    m.prepare(ProcessSpec::new(fs, 1024, 2)).unwrap();
    let n = 96_000;
    let tone: Vec<f32> = (0..n)
        .map(|i| (0.1 * (2.0 * std::f64::consts::PI * 1_000.0 * i as f64 / fs).sin()) as f32)
        .collect();
    let (mut l, mut r) = (tone.clone(), tone.clone());
    for (a, b) in l.chunks_mut(1024).zip(r.chunks_mut(1024)) {
        m.process(&mut [a, b]);
    }
    let peak = l[n / 2..].iter().fold(0.0f32, |p, v| p.max(v.abs())) as f64;
    let db = 20.0 * (peak / 0.1).log10();
    assert!((db - 3.0).abs() < 0.05, "mid at strength 0.5: {db:.3} dB");
    assert_eq!(l, r);
    // Mono is the mid: +6 dB at full strength.
    let mut m = MatchEq::new(&points).unwrap();
    m.prepare(ProcessSpec::new(fs, 1024, 1)).unwrap();
    let mut x = tone.clone();
    for c in x.chunks_mut(1024) {
        m.process(&mut [c]);
    }
    let peak = x[n / 2..].iter().fold(0.0f32, |p, v| p.max(v.abs())) as f64;
    let db = 20.0 * (peak / 0.1).log10();
    assert!((db - 6.0).abs() < 0.05, "mono at strength 1: {db:.3} dB");
    // The tail: an impulse rings out within `tail_frames` after it (and for more than half of
    // it: the FIR's far end is small but not zero).
    m.reset();
    let tail = m.tail_frames();
    let mut x = vec![0.0f32; tail + 4096];
    x[0] = 1.0;
    for c in x.chunks_mut(1024) {
        m.process(&mut [c]);
    }
    // (Past the FIR, FFT convolution leaves rounding noise under 1e-10.)
    let last = x.iter().rposition(|v| v.abs() > 1e-9).unwrap();
    assert!(
        last <= tail && last > tail / 2,
        "last output {last}, tail {tail}"
    );
}
