//! The dynamic EQ on a synthetic vocal (a harmonic tone to 1.5 kHz with 6–9 kHz noise bursts):
//! a dynamic high shelf takes the bursts' band down by its range while the rest of the
//! spectrum stays; with every ratio at 1 it is the static peaking filter; a keyed band follows
//! the key; the contract.

use mixmaster::mix::biquad::{Design, FilterKind};
use mixmaster::mix::{DynamicEq, Dynamics, Filter};
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::vocal::{band_change_db, vocal};
use mixmaster_tests::{check_contract, programme, render, render_whole, sine};

const FS: f64 = 48_000.0;

fn ms(v: f64) -> usize {
    (v * 0.001 * FS).round() as usize
}

fn rms_db(x: &[f32]) -> f64 {
    let p = x.iter().map(|v| (*v as f64) * (*v as f64)).sum::<f64>() / x.len() as f64;
    10.0 * p.log10()
}

fn design(kind: FilterKind, f: f64, q: f64, gain_db: f64) -> Design {
    Design {
        kind,
        frequency_hz: f,
        q,
        gain_db,
    }
}

#[test]
fn a_dynamic_shelf_takes_the_bursts_down_by_its_range_and_leaves_the_rest() {
    let v = vocal(FS, ms(2400.0), 0.1);
    let input = vec![v.mix.clone(), v.mix.clone()];
    let inner: Vec<(usize, usize)> = v
        .bursts
        .iter()
        .map(|&(a, b)| (a + ms(10.0), b - ms(5.0)))
        .collect();
    for range in [-3.0, -6.0, -10.0] {
        let mut eq = DynamicEq::new();
        eq.add_band(
            design(FilterKind::HighShelf, 3000.0, 0.9, 0.0),
            Dynamics {
                threshold_db: -40.0,
                ratio: 100.0,
                attack_ms: 0.5,
                release_ms: 60.0,
                range_db: range,
                sidechain: false,
            },
        )
        .unwrap();
        eq.prepare(ProcessSpec::new(FS, 512, 2)).unwrap();
        let out = render_whole(&mut eq, &input);
        let burst = band_change_db(&input[0], &out[0], &inner, 6000.0, 9000.0, FS);
        let rest_in_bursts = band_change_db(&input[0], &out[0], &inner, 50.0, 2000.0, FS);
        let rest = band_change_db(&input[0], &out[0], &[(0, input[0].len())], 50.0, 2000.0, FS);
        println!(
            "range {range} dB: 6-9 kHz in the bursts {burst:+.3} dB; 50 Hz-2 kHz {rest:+.3} dB overall, {rest_in_bursts:+.3} dB during the bursts"
        );
        assert!(
            (burst - range).abs() < 1.0,
            "range {range}: bursts {burst} dB"
        );
        assert!(rest.abs() < 0.5, "range {range}: rest {rest} dB");
        assert!(
            rest_in_bursts.abs() < 0.5,
            "range {range}: rest in bursts {rest_in_bursts} dB"
        );
    }
}

#[test]
fn with_ratio_one_it_is_the_static_peaking_filter() {
    let input = programme(2, 30_000, FS);
    for gain in [-9.0, 4.0] {
        let d = design(FilterKind::Peaking, 1200.0, 1.5, gain);
        let mut eq = DynamicEq::new();
        eq.add_band(
            d,
            Dynamics {
                threshold_db: -60.0,
                ratio: 1.0,
                range_db: -12.0,
                ..Dynamics::default()
            },
        )
        .unwrap();
        eq.prepare(ProcessSpec::new(FS, 512, 2)).unwrap();
        let mut rng = mixmaster_tests::Rng::new(9);
        let a = render(&mut eq, &input, &mut || rng.range(1, 600));
        let mut f = Filter::from_design(d).unwrap();
        f.prepare(ProcessSpec::new(FS, 512, 2)).unwrap();
        let b = render_whole(&mut f, &input);
        let diff = mixmaster_tests::max_diff(&a, &b);
        println!("ratio 1, gain {gain} dB: largest difference from the peaking filter {diff:e}");
        assert!(diff <= 1e-6, "gain {gain}: {diff}");
    }
}

#[test]
fn a_loud_tone_in_a_peaking_band_is_cut_by_the_range_and_a_quiet_one_is_not() {
    // A peaking band at 2 kHz, static +0 dB, range −8 dB, hard ratio: a tone at its centre
    // far above the threshold ends 8 dB down; below the threshold it passes.
    for (level, want) in [(-10.0, -8.0), (-50.0, 0.0)] {
        let x = sine(2000.0, 10f64.powf(level / 20.0), 0.0, FS, ms(500.0));
        let mut eq = DynamicEq::new();
        eq.add_band(
            design(FilterKind::Peaking, 2000.0, 2.0, 0.0),
            Dynamics {
                threshold_db: -30.0,
                ratio: 100.0,
                attack_ms: 2.0,
                release_ms: 50.0,
                range_db: -8.0,
                sidechain: false,
            },
        )
        .unwrap();
        eq.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
        let out = render_whole(&mut eq, std::slice::from_ref(&x));
        let s = ms(300.0);
        let d = rms_db(&out[0][s..]) - rms_db(&x[s..]);
        println!("tone at {level} dBFS: {d:+.4} dB (want {want})");
        assert!((d - want).abs() < 0.1, "{level}: {d}");
    }
    // A ratio of 3 with the tone 6 dB over: the band moves by 6 · (1 − 1/3) = 4 dB.
    let x = sine(2000.0, 10f64.powf(-24.0 / 20.0), 0.0, FS, ms(500.0));
    let mut eq = DynamicEq::new();
    eq.add_band(
        design(FilterKind::Peaking, 2000.0, 2.0, 0.0),
        Dynamics {
            threshold_db: -30.0,
            ratio: 3.0,
            attack_ms: 2.0,
            release_ms: 50.0,
            range_db: -12.0,
            sidechain: false,
        },
    )
    .unwrap();
    eq.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let out = render_whole(&mut eq, std::slice::from_ref(&x));
    let d = rms_db(&out[0][ms(300.0)..]) - rms_db(&x[ms(300.0)..]);
    println!("ratio 3, 6 dB over: {d:+.4} dB (want -4)");
    assert!((d + 4.0).abs() < 0.1, "{d}");
}

#[test]
fn a_keyed_band_follows_the_sidechain() {
    // The main signal is quiet; the key is loud in the band: the band is cut anyway.
    let x = sine(2000.0, 0.01, 0.0, FS, ms(500.0));
    let key = sine(2000.0, 0.5, 0.0, FS, ms(500.0));
    let mut eq = DynamicEq::new();
    eq.add_band(
        design(FilterKind::Peaking, 2000.0, 2.0, 0.0),
        Dynamics {
            threshold_db: -30.0,
            ratio: 100.0,
            attack_ms: 2.0,
            release_ms: 50.0,
            range_db: -6.0,
            sidechain: true,
        },
    )
    .unwrap();
    eq.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let mut out = x.clone();
    eq.process_with_sidechain(&mut [&mut out[..]], &[&key[..]]);
    let d = rms_db(&out[ms(300.0)..]) - rms_db(&x[ms(300.0)..]);
    assert!((d + 6.0).abs() < 0.1, "{d}");
}

#[test]
fn dynamic_eq_contract() {
    let make = || -> Box<dyn Processor> {
        let mut eq = DynamicEq::new();
        let dy = Dynamics {
            threshold_db: -40.0,
            ratio: 4.0,
            attack_ms: 1.0,
            release_ms: 80.0,
            range_db: -9.0,
            sidechain: false,
        };
        eq.add_band(Design::new(FilterKind::HighPass, 40.0), dy)
            .unwrap();
        eq.add_band(
            design(FilterKind::LowShelf, 200.0, 0.7, 2.0),
            Dynamics {
                range_db: 6.0,
                ..dy
            },
        )
        .unwrap();
        eq.add_band(design(FilterKind::Peaking, 1000.0, 1.0, 0.0), dy)
            .unwrap();
        eq.add_band(design(FilterKind::HighShelf, 6000.0, 0.7, -2.0), dy)
            .unwrap();
        Box::new(eq)
    };
    check_contract("dynamic_eq", &make, 2, &|_| {});
    check_contract("dynamic_eq mono", &make, 1, &|_| {});
}
