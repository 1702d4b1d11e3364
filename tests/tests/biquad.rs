//! Biquad designs against analytic references.
//!
//! The cookbook filters are bilinear transforms of analog prototypes with the cutoff prewarped,
//! so the digital response at `f` equals the prototype's at `s = j·tan(πf/fs)/tan(πf0/fs)`.
//! The prototypes (from the Audio EQ Cookbook) are written out here independently of the
//! coefficient code, so this checks the coefficients, not the code against itself.

use mixmaster::mix::biquad::{Coeffs, Design, FilterKind, MAX_SECTIONS};
use mixmaster::mix::{Equalizer, Filter};
use mixmaster::{ProcessSpec, Processor};
use num_complex::Complex64 as C;
use proptest::prelude::*;
use std::f64::consts::PI;

fn prototype(kind: FilterKind, s: C, q: f64, gain_db: f64) -> C {
    let a = 10f64.powf(gain_db / 40.0);
    let one = C::new(1.0, 0.0);
    let den = s * s + s / q + one;
    match kind {
        FilterKind::LowPass => one / den,
        FilterKind::HighPass => s * s / den,
        FilterKind::BandPass => (s / q) / den,
        FilterKind::Notch => (s * s + one) / den,
        FilterKind::AllPass => (s * s - s / q + one) / den,
        FilterKind::Peaking => (s * s + s * (a / q) + one) / (s * s + s / (a * q) + one),
        FilterKind::LowShelf => {
            (s * s + s * (a.sqrt() / q) + a) / (s * s * a + s * (a.sqrt() / q) + one) * a
        }
        FilterKind::HighShelf => {
            (s * s * a + s * (a.sqrt() / q) + one) / (s * s + s * (a.sqrt() / q) + a) * a
        }
        FilterKind::LowPass1 => one / (s + one),
        FilterKind::HighPass1 => s / (s + one),
        _ => unreachable!(),
    }
}

fn freqs(fs: f64) -> Vec<f64> {
    (0..240)
        .map(|i| 10.0 * (0.49 * fs / 10.0).powf(i as f64 / 239.0))
        .collect()
}

#[test]
fn cookbook_matches_analog_prototypes() {
    let kinds = [
        FilterKind::LowPass,
        FilterKind::HighPass,
        FilterKind::BandPass,
        FilterKind::Notch,
        FilterKind::AllPass,
        FilterKind::Peaking,
        FilterKind::LowShelf,
        FilterKind::HighShelf,
        FilterKind::LowPass1,
        FilterKind::HighPass1,
    ];
    let mut checked = 0;
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        for kind in kinds {
            for f0 in [31.0, 440.0, 2_500.0, 12_000.0] {
                for q in [0.3, std::f64::consts::FRAC_1_SQRT_2, 2.0, 10.0] {
                    for gain_db in [-15.0, 6.0] {
                        let d = Design {
                            kind,
                            frequency_hz: f0,
                            q,
                            gain_db,
                        };
                        let k0 = (std::f64::consts::PI * f0 / fs).tan();
                        for f in freqs(fs) {
                            let (mag_db, phase) = d.response(f, fs).unwrap();
                            let s = C::new(0.0, (std::f64::consts::PI * f / fs).tan() / k0);
                            let h = prototype(kind, s, q, gain_db);
                            let got = 10f64.powf(mag_db / 20.0);
                            let want = h.norm();
                            assert!(
                                (got - want).abs() <= 1e-6 * want + 1e-12,
                                "{kind:?} fs={fs} f0={f0} q={q} g={gain_db} f={f}: {got} vs {want}"
                            );
                            if want > 1e-6 {
                                let dphi = (phase - h.arg() + std::f64::consts::PI)
                                    .rem_euclid(2.0 * std::f64::consts::PI)
                                    - std::f64::consts::PI;
                                assert!(
                                    dphi.abs() < 1e-6,
                                    "{kind:?} phase at {f}: {phase} vs {}",
                                    h.arg()
                                );
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 50_000);
}

#[test]
fn butterworth_and_linkwitz_riley_match_closed_forms() {
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        for f0 in [80.0, 1_000.0, 9_000.0] {
            let k0 = (std::f64::consts::PI * f0 / fs).tan();
            for order in 1..=8u8 {
                for high in [false, true] {
                    let kinds = [
                        (
                            if high {
                                FilterKind::ButterworthHighPass(order)
                            } else {
                                FilterKind::ButterworthLowPass(order)
                            },
                            2 * order as i32,
                        ),
                        (
                            if high {
                                FilterKind::LinkwitzRileyHighPass(order)
                            } else {
                                FilterKind::LinkwitzRileyLowPass(order)
                            },
                            order as i32,
                        ),
                    ];
                    for (kind, exp) in kinds {
                        if matches!(kind, FilterKind::LinkwitzRileyLowPass(o) | FilterKind::LinkwitzRileyHighPass(o) if o % 2 == 1)
                        {
                            continue;
                        }
                        let d = Design::new(kind, f0);
                        for f in freqs(fs) {
                            let w = (std::f64::consts::PI * f / fs).tan() / k0;
                            let w = if high { 1.0 / w } else { w };
                            // Butterworth: |H|^2 = 1/(1+w^2N). Linkwitz-Riley of order N: |H| = 1/(1+w^N).
                            let want = if matches!(
                                kind,
                                FilterKind::ButterworthLowPass(_)
                                    | FilterKind::ButterworthHighPass(_)
                            ) {
                                1.0 / (1.0 + w.powi(exp)).sqrt()
                            } else {
                                1.0 / (1.0 + w.powi(exp))
                            };
                            let got = 10f64.powf(d.response(f, fs).unwrap().0 / 20.0);
                            assert!(
                                (got - want).abs() <= 1e-6 * want + 1e-12,
                                "{kind:?} fs={fs} f0={f0} f={f}: {got} vs {want}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn linkwitz_riley_pairs_sum_flat() {
    // LR low + high (in phase, as LR crossovers are) sums to an all-pass: flat magnitude.
    let fs = 48_000.0;
    for order in [2u8, 4, 6, 8] {
        let mut lo = [Coeffs::IDENTITY; MAX_SECTIONS];
        let mut hi = [Coeffs::IDENTITY; MAX_SECTIONS];
        let nl = Design::new(FilterKind::LinkwitzRileyLowPass(order), 1_200.0)
            .sections(fs, &mut lo)
            .unwrap();
        let nh = Design::new(FilterKind::LinkwitzRileyHighPass(order), 1_200.0)
            .sections(fs, &mut hi)
            .unwrap();
        // LR2's two halves are in antiphase (a known property): subtract for order 2 and 6.
        let sign = if order % 4 == 2 { -1.0 } else { 1.0 };
        for f in freqs(fs) {
            let hl: C = lo[..nl].iter().map(|c| c.complex_response(f, fs)).product();
            let hh: C = hi[..nh].iter().map(|c| c.complex_response(f, fs)).product();
            let sum = (hl + hh * sign).norm();
            assert!((sum - 1.0).abs() < 1e-6, "LR{order} at {f}: |sum| = {sum}");
        }
    }
}

/// Measured gain of `filter` at `freq` by running a sine through it and correlating.
fn measured_gain_db(filter: &mut Filter, freq: f64, fs: f64) -> f64 {
    filter.prepare(ProcessSpec::new(fs, 4096, 1)).unwrap();
    let n = fs as usize * 2;
    let mut x = mixmaster_tests::sine(freq, 0.25, 0.0, fs, n);
    filter.process(&mut [&mut x[..]]);
    let settle = n / 2;
    // Amplitude by quadrature correlation over a whole number of seconds.
    let (mut c, mut s) = (0.0f64, 0.0f64);
    for (i, v) in x[settle..].iter().enumerate() {
        let ph = 2.0 * std::f64::consts::PI * freq * (i + settle) as f64 / fs;
        c += *v as f64 * ph.cos();
        s += *v as f64 * ph.sin();
    }
    let amp = 2.0 * (c * c + s * s).sqrt() / (n - settle) as f64;
    20.0 * (amp / 0.25).log10()
}

#[test]
fn processing_matches_the_designed_response() {
    let fs = 96_000.0;
    let cases = [
        Filter::new(FilterKind::Peaking, 1_000.0)
            .unwrap()
            .with_gain_db(9.0)
            .unwrap()
            .with_q(1.5)
            .unwrap(),
        Filter::new(FilterKind::ButterworthHighPass(4), 30.0).unwrap(),
        Filter::new(FilterKind::LowShelf, 20.0)
            .unwrap()
            .with_gain_db(-12.0)
            .unwrap(),
    ];
    for mut f in cases {
        for freq in [20.0, 50.0, 1_000.0, 5_000.0] {
            let want = f.response(freq).0;
            let got = measured_gain_db(&mut f, freq, fs);
            if want > -60.0 {
                assert!(
                    (got - want).abs() < 0.01,
                    "{:?} at {freq}: measured {got} dB, designed {want} dB",
                    f.design()
                );
            }
        }
    }
}

#[test]
fn equalizer_response_is_the_sum_of_its_bands() {
    let eq = Equalizer::from_designs(&[
        Design {
            kind: FilterKind::LowShelf,
            frequency_hz: 100.0,
            q: 0.7,
            gain_db: 4.0,
        },
        Design {
            kind: FilterKind::Peaking,
            frequency_hz: 3_000.0,
            q: 1.0,
            gain_db: -5.0,
        },
    ])
    .unwrap();
    for f in [50.0, 100.0, 3_000.0, 10_000.0] {
        let sum: f64 = eq.bands().iter().map(|b| b.filter.response(f).0).sum();
        assert!((eq.response(f).0 - sum).abs() < 1e-12);
    }
    assert!((eq.response(3_000.0).0 - -5.0).abs() < 0.2);
}

#[test]
fn moving_coefficients_stay_quiet() {
    // Sweep a resonant peaking filter's frequency back and forth at audio rate on a sine: the
    // output must stay bounded and free of jumps much larger than the signal's own slope.
    let fs = 48_000.0;
    let mut f = Filter::new(FilterKind::Peaking, 200.0)
        .unwrap()
        .with_q(4.0)
        .unwrap()
        .with_gain_db(12.0)
        .unwrap();
    f.prepare(ProcessSpec::new(fs, 64, 1)).unwrap();
    let mut x = mixmaster_tests::sine(300.0, 0.1, 0.0, fs, 48_000);
    for (i, chunk) in x.chunks_mut(64).enumerate() {
        if i % 20 == 0 {
            f.set_frequency(if (i / 20) % 2 == 0 { 8_000.0 } else { 200.0 })
                .unwrap();
        }
        f.process(&mut [chunk]);
    }
    let peak = x.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    let max_step = x
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0f32, f32::max);
    // 0.1 amplitude, +12 dB: at most about 0.4; the 300 Hz sine's largest step at +12 dB is 0.016.
    assert!(peak < 0.45, "peak {peak}");
    assert!(max_step < 0.03, "largest sample step {max_step}: a click");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn every_valid_design_is_stable(
        kind_i in 0usize..14,
        fs in prop::sample::select(vec![8_000.0, 22_050.0, 44_100.0, 48_000.0, 96_000.0, 192_000.0]),
        f_frac in 1e-5f64..0.4999,
        q in 0.01f64..100.0,
        gain_db in -36.0f64..36.0,
        order in 1u8..=4,
    ) {
        let kind = [
            FilterKind::LowPass, FilterKind::HighPass, FilterKind::BandPass, FilterKind::Notch,
            FilterKind::AllPass, FilterKind::Peaking, FilterKind::LowShelf, FilterKind::HighShelf,
            FilterKind::LowPass1, FilterKind::HighPass1,
            FilterKind::ButterworthLowPass(order * 2), FilterKind::ButterworthHighPass(order * 2 - 1),
            FilterKind::LinkwitzRileyLowPass(order * 2), FilterKind::LinkwitzRileyHighPass(order * 2),
        ][kind_i];
        let d = Design { kind, frequency_hz: (f_frac * fs).max(1.0), q, gain_db };
        let mut s = [Coeffs::IDENTITY; MAX_SECTIONS];
        let n = d.sections(fs, &mut s).unwrap();
        for c in &s[..n] {
            prop_assert!(c.is_stable() && c.pole_radius() < 1.0, "{:?}: {:?} radius {}", d, c, c.pole_radius());
        }
    }
}

#[test]
fn equalizer_cascade_equals_its_bands_one_by_one_through_moves() {
    // The equalizer runs settled bands as one cascade; the result must be bit-identical to the
    // same filters in series, in any block sizes, before, during and after a parameter move.
    use mixmaster::mix::{Equalizer, Filter};
    use mixmaster::{Chain, ProcessSpec, Processor};
    let designs = [
        Design {
            kind: FilterKind::HighPass,
            frequency_hz: 40.0,
            q: std::f64::consts::FRAC_1_SQRT_2,
            gain_db: 0.0,
        },
        Design {
            kind: FilterKind::Peaking,
            frequency_hz: 800.0,
            q: 1.0,
            gain_db: -3.0,
        },
        Design {
            kind: FilterKind::ButterworthLowPass(6),
            frequency_hz: 12_000.0,
            q: std::f64::consts::FRAC_1_SQRT_2,
            gain_db: 0.0,
        },
        Design {
            kind: FilterKind::HighShelf,
            frequency_hz: 8000.0,
            q: std::f64::consts::FRAC_1_SQRT_2,
            gain_db: 2.0,
        },
    ];
    for channels in [1usize, 2, 3] {
        let spec = ProcessSpec::new(48_000.0, 700, channels);
        let mut eq = Equalizer::from_designs(&designs).unwrap();
        let mut chain = designs.iter().fold(Chain::new(), |c, d| {
            c.with(Filter::from_design(*d).unwrap())
        });
        eq.prepare(spec).unwrap();
        chain.prepare(spec).unwrap();
        let input = mixmaster_tests::programme(channels, 30_000, 48_000.0);
        let (mut a, mut b) = (input.clone(), input.clone());
        let mut rng = mixmaster_tests::Rng::new(11);
        let mut pos = 0;
        let mut k = 0;
        while pos < 30_000 {
            let n = rng.range(1, 700).min(30_000 - pos);
            if k == 7 {
                eq.band_mut(1).unwrap().filter.set_gain_db(6.0).unwrap();
                chain.stages_mut()[1].set_param(2, 6.0).unwrap();
            }
            let mut pa: Vec<&mut [f32]> = a.iter_mut().map(|c| &mut c[pos..pos + n]).collect();
            let mut pb: Vec<&mut [f32]> = b.iter_mut().map(|c| &mut c[pos..pos + n]).collect();
            eq.process(&mut pa);
            chain.process(&mut pb);
            pos += n;
            k += 1;
        }
        assert_eq!(a, b, "{channels} channels");
    }
}

#[test]
fn equalizer_bands_are_numbered_in_order_and_reached_by_index() {
    // `add_band` returns each new band's index; `band_mut` reaches that band (its gain moves
    // the response at its frequency only); a disabled band leaves the response and the output;
    // an index past the last band is an error naming it.
    let design = |f: f64| Design {
        kind: FilterKind::Peaking,
        frequency_hz: f,
        q: 4.0,
        gain_db: 0.0,
    };
    let mut eq = Equalizer::new();
    for (k, f) in [100.0, 1_000.0, 10_000.0].into_iter().enumerate() {
        assert_eq!(eq.add_band(design(f)).unwrap(), k);
    }
    assert_eq!(eq.bands().len(), 3);
    eq.band_mut(1).unwrap().filter.set_gain_db(6.0).unwrap();
    assert!((eq.response(1_000.0).0 - 6.0).abs() < 1e-9);
    assert!(eq.response(100.0).0.abs() < 0.05 && eq.response(10_000.0).0.abs() < 0.05);
    let e = eq.band_mut(3).unwrap_err().to_string();
    assert!(e.contains("band"), "{e}");
    // A 1 kHz tone through the 6 dB band: twice the amplitude; disabled, the tone unchanged.
    let fs = 48_000.0;
    let tone: Vec<f32> = (0..48_000)
        .map(|i| (0.1 * (2.0 * PI * 1_000.0 * i as f64 / fs).sin()) as f32)
        .collect();
    let peak = |eq: &mut Equalizer| {
        eq.prepare(ProcessSpec::new(fs, 512, 1)).unwrap();
        let mut x = [tone.clone()];
        for b in 0..x[0].len() / 512 {
            let mut parts: Vec<&mut [f32]> = x
                .iter_mut()
                .map(|c| &mut c[b * 512..(b + 1) * 512])
                .collect();
            eq.process(&mut parts);
        }
        x[0][24_000..].iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64
    };
    let boosted = peak(&mut eq);
    assert!(
        (20.0 * (boosted / 0.1).log10() - 6.0).abs() < 0.05,
        "{boosted}"
    );
    eq.band_mut(1).unwrap().enabled = false;
    assert!(eq.response(1_000.0).0.abs() < 0.05);
    eq.reset();
    let plain = peak(&mut eq);
    assert!((20.0 * (plain / 0.1).log10()).abs() < 0.05, "{plain}");
}

#[test]
fn q_from_bandwidth_follows_the_cookbook_and_gives_that_bandwidth() {
    // The cookbook's relation, 1/Q = 2 sinh(ln 2 / 2 · BW · w0 / sin w0), written out; and the
    // bandwidth itself: a cookbook band-pass with that Q has its −3 dB points, found on the
    // digital response by bisection, `bw` octaves apart, closely at low frequencies (where the
    // relation's correction for the bilinear transform is close to exact), within 3 % higher up.
    use mixmaster::mix::biquad::{cookbook, q_from_bandwidth};
    let fs = 48_000.0;
    for (f0, bw, tol) in [
        (100.0, 1.0, 1e-4),
        (1_000.0, 0.5, 1e-3),
        (5_000.0, 2.0, 0.06),
        (12_000.0, 1.0 / 3.0, 0.01),
    ] {
        let q = q_from_bandwidth(bw, f0, fs).unwrap();
        let w0 = 2.0 * PI * f0 / fs;
        let want = 1.0 / (2.0 * (std::f64::consts::LN_2 / 2.0 * bw * w0 / w0.sin()).sinh());
        assert!(
            (q - want).abs() < 1e-12 * want,
            "{f0} Hz, {bw} octaves: Q {q} vs {want}"
        );
        let c = cookbook(FilterKind::BandPass, fs, f0, q, 0.0);
        let db = |f: f64| 20.0 * c.complex_response(f, fs).norm().log10();
        let edge = |mut lo: f64, mut hi: f64, rising: bool| {
            for _ in 0..80 {
                let mid = (lo * hi).sqrt();
                if (db(mid) < -3.0103) == rising {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            (lo * hi).sqrt()
        };
        let below = edge(1.0, f0, true);
        let above = edge(f0, fs / 2.0 - 1.0, false);
        let got = (above / below).log2();
        assert!((got - bw).abs() < tol, "{f0} Hz, {bw} octaves: {got}");
    }
    assert!(q_from_bandwidth(0.0, 1_000.0, fs).is_err());
    assert!(q_from_bandwidth(1.0, 30_000.0, fs).is_err());
}

#[test]
fn q_from_shelf_slope_follows_the_cookbook() {
    // The cookbook's shelf slope S: 1/Q = sqrt((A + 1/A)(1/S − 1) + 2), A = 10^(gain/40); S = 1
    // is Q = 1/√2 at any gain, the steepest shelf whose magnitude still does not overshoot.
    use mixmaster::mix::biquad::{cookbook, q_from_shelf_slope};
    for gain in [-12.0, -3.0, 6.0, 15.0] {
        let q = q_from_shelf_slope(1.0, gain).unwrap();
        assert!(
            (q - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12,
            "{gain} dB: {q}"
        );
        let c = cookbook(FilterKind::LowShelf, 48_000.0, 500.0, q, gain);
        let mags: Vec<f64> = (0..400)
            .map(|k| c.complex_response(10.0 * 1.02f64.powi(k), 48_000.0).norm())
            .collect();
        let worst = mags
            .windows(2)
            .map(|w| (w[1] - w[0]) * gain.signum())
            .fold(f64::MIN, f64::max);
        assert!(
            worst <= 1e-6,
            "{gain} dB shelf at S = 1 overshoots by {worst}"
        );
        for s in [0.25, 0.5, 0.9] {
            let a = 10f64.powf(gain / 40.0);
            let want = 1.0 / ((a + 1.0 / a) * (1.0 / s - 1.0) + 2.0).sqrt();
            let got = q_from_shelf_slope(s, gain).unwrap();
            assert!(
                (got - want).abs() < 1e-12,
                "S {s}, {gain} dB: {got} vs {want}"
            );
        }
    }
    assert!(q_from_shelf_slope(0.0, 6.0).is_err());
    assert!(q_from_shelf_slope(1.5, 6.0).is_err());
}

#[test]
fn equalizer_band_changed_while_running_reaches_its_new_response() {
    // A 1 kHz tone through a settled equalizer (0 dB peaking band at 1 kHz), then the band's
    // gain set to +6 dB while running: after the ramp the tone is 6 dB louder, as through an
    // equalizer set so from the start; and bit for bit what its bands give as filters in series
    // (the equalizer runs settled bands as one gathered cascade).
    let fs = 48_000.0;
    let tone: Vec<f32> = (0..96_000)
        .map(|i| (0.1 * (2.0 * PI * 1_000.0 * i as f64 / fs).sin()) as f32)
        .collect();
    let band = |gain_db: f64| Design {
        kind: FilterKind::Peaking,
        frequency_hz: 1_000.0,
        q: 1.0,
        gain_db,
    };
    let mut eq = Equalizer::from_designs(&[band(0.0), band(0.0)]).unwrap();
    eq.prepare(ProcessSpec::new(fs, 512, 1)).unwrap();
    let mut x = tone.clone();
    for (k, c) in x.chunks_mut(480).enumerate() {
        if k == 50 {
            eq.band_mut(0).unwrap().filter.set_gain_db(6.0).unwrap();
        }
        eq.process(&mut [c]);
    }
    // The same bands as two filters in series, one after the other: the same output.
    let mut f: Vec<Filter> = [band(0.0), band(0.0)]
        .iter()
        .map(|d| Filter::from_design(*d).unwrap())
        .collect();
    let mut y = tone.clone();
    for g in f.iter_mut() {
        g.prepare(ProcessSpec::new(fs, 512, 1)).unwrap();
    }
    for (k, c) in y.chunks_mut(480).enumerate() {
        if k == 50 {
            f[0].set_gain_db(6.0).unwrap();
        }
        for g in f.iter_mut() {
            g.process(&mut [&mut *c]);
        }
    }
    assert!(x == y, "the equalizer is not its bands in series");
    let peak = |x: &[f32]| x.iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64;
    let before = 20.0 * (peak(&x[12_000..24_000]) / 0.1).log10();
    let after = 20.0 * (peak(&x[72_000..]) / 0.1).log10();
    assert!(before.abs() < 0.01, "before the change: {before:.3} dB");
    assert!(
        (after - 6.0).abs() < 0.01,
        "after the change: {after:.3} dB"
    );
}
