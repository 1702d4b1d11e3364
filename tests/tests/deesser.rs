//! The de-esser on a synthetic vocal (a harmonic tone to 1.5 kHz with 6–9 kHz noise bursts):
//! the bursts' band drops by the set amount, the rest of the spectrum stays; plus the
//! band-pass detector's centre, wideband mode, listen, and the contract.

use mixmaster::mix::biquad::FilterKind;
use mixmaster::mix::{DeEsser, DeEsserDetector, DeEsserMode, Filter};
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::vocal::{band_change_db, vocal};
use mixmaster_tests::{check_contract, render_whole, sine};

const FS: f64 = 48_000.0;

fn ms(v: f64) -> usize {
    (v * 0.001 * FS).round() as usize
}

fn rms_db(x: &[f32]) -> f64 {
    let p = x.iter().map(|v| (*v as f64) * (*v as f64)).sum::<f64>() / x.len() as f64;
    10.0 * p.log10()
}

#[test]
fn split_band_reduces_the_bursts_by_the_amount_and_leaves_the_rest() {
    let v = vocal(FS, ms(2400.0), 0.1);
    let input = vec![v.mix.clone(), v.mix.clone()];
    // The bursts' interiors: after the fade-in and the attack, before the fade-out.
    let inner: Vec<(usize, usize)> = v
        .bursts
        .iter()
        .map(|&(a, b)| (a + ms(10.0), b - ms(5.0)))
        .collect();
    for amount in [3.0, 6.0, 10.0] {
        let mut d = DeEsser::new();
        d.set_frequency_hz(3000.0).unwrap();
        d.set_threshold_db(-40.0).unwrap();
        d.set_amount_db(amount).unwrap();
        d.set_attack_ms(0.5).unwrap();
        d.prepare(ProcessSpec::new(FS, 512, 2)).unwrap();
        let out = render_whole(&mut d, &input);
        let burst = band_change_db(&input[0], &out[0], &inner, 6000.0, 9000.0, FS);
        let rest_in_bursts = band_change_db(&input[0], &out[0], &inner, 50.0, 2000.0, FS);
        let all = [(0, input[0].len())];
        let rest = band_change_db(&input[0], &out[0], &all, 50.0, 2000.0, FS);
        println!(
            "amount {amount} dB: 6-9 kHz in the bursts {burst:+.3} dB; 50 Hz-2 kHz {rest:+.3} dB overall, {rest_in_bursts:+.3} dB during the bursts"
        );
        assert!(
            (burst + amount).abs() < 1.0,
            "amount {amount}: bursts changed by {burst} dB"
        );
        assert!(
            rest.abs() < 0.5,
            "amount {amount}: rest changed by {rest} dB"
        );
        assert!(
            rest_in_bursts.abs() < 0.5,
            "amount {amount}: rest during the bursts changed by {rest_in_bursts} dB"
        );
    }
}

#[test]
fn band_pass_split_reduces_its_centre_by_the_amount_and_is_exact_at_rest() {
    let x = sine(7000.0, 0.3, 0.0, FS, ms(400.0));
    let mut d = DeEsser::new();
    d.set_detector(DeEsserDetector::BandPass);
    d.set_frequency_hz(7000.0).unwrap();
    d.set_q(2.0).unwrap();
    d.set_threshold_db(-40.0).unwrap();
    d.set_amount_db(8.0).unwrap();
    d.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let out = render_whole(&mut d, std::slice::from_ref(&x));
    let s = ms(200.0);
    let change = rms_db(&out[0][s..]) - rms_db(&x[s..]);
    println!("band-pass centre tone: {change:+.4} dB (amount 8)");
    assert!((change + 8.0).abs() < 0.1, "{change}");
    // Below the threshold nothing happens: the output is the input, bit for bit.
    let quiet = sine(7000.0, 0.001, 0.0, FS, ms(100.0));
    let mut d = DeEsser::new();
    d.set_detector(DeEsserDetector::BandPass);
    d.set_threshold_db(-20.0).unwrap();
    d.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let out = render_whole(&mut d, std::slice::from_ref(&quiet));
    assert_eq!(out[0], quiet);
}

#[test]
fn wideband_reduces_everything_by_the_amount() {
    let tone = sine(200.0, 0.2, 0.0, FS, ms(400.0));
    let ess = sine(8000.0, 0.2, 0.0, FS, ms(400.0));
    let x: Vec<f32> = tone.iter().zip(&ess).map(|(a, b)| a + b).collect();
    let mut d = DeEsser::new();
    d.set_mode(DeEsserMode::Wideband);
    d.set_threshold_db(-30.0).unwrap();
    d.set_amount_db(5.0).unwrap();
    d.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let out = render_whole(&mut d, std::slice::from_ref(&x));
    let s = ms(200.0);
    let change = rms_db(&out[0][s..]) - rms_db(&x[s..]);
    println!("wideband: {change:+.4} dB (amount 5)");
    assert!((change + 5.0).abs() < 0.1, "{change}");
}

#[test]
fn listen_outputs_the_detector_band() {
    let v = vocal(FS, ms(500.0), 0.1);
    let mut d = DeEsser::new();
    d.set_frequency_hz(5000.0).unwrap();
    d.set_listen(true);
    d.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let out = render_whole(&mut d, std::slice::from_ref(&v.mix));
    let mut f = Filter::new(FilterKind::LinkwitzRileyHighPass(4), 5000.0).unwrap();
    f.prepare(ProcessSpec::new(FS, 512, 1)).unwrap();
    let want = render_whole(&mut f, std::slice::from_ref(&v.mix));
    let err = out[0]
        .iter()
        .zip(&want[0])
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    assert!(err < 1e-6, "{err}");
}

#[test]
fn deesser_contract() {
    for det in [DeEsserDetector::HighPass, DeEsserDetector::BandPass] {
        for mode in [DeEsserMode::Split, DeEsserMode::Wideband] {
            for linked in [true, false] {
                let make = move || -> Box<dyn Processor> {
                    let mut d = DeEsser::new();
                    d.set_detector(det);
                    d.set_mode(mode);
                    d.set_linked(linked);
                    d.set_frequency_hz(2500.0).unwrap();
                    d.set_threshold_db(-40.0).unwrap();
                    Box::new(d)
                };
                check_contract("deesser", &make, 2, &|p| {
                    p.set_param_by_name("frequency_hz", 5000.0).unwrap();
                    p.set_param_by_name("amount_db", 12.0).unwrap();
                    p.set_param_by_name("q", 3.0).unwrap();
                });
            }
        }
    }
}
