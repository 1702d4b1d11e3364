//! Stereo width and dither.

use mixmaster::master::dither::{quantize_plain, to_i16, to_i24, to_i32};
use mixmaster::master::{Dither, NoiseShaping, StereoWidth};
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::{check_contract, noise, sine};

fn run_width(w: f64, bass: f64, l: &[f32], r: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let mut p = StereoWidth::new();
    p.set_width(w).unwrap();
    p.set_bass_mono_hz(bass).unwrap();
    p.prepare(ProcessSpec::new(48_000.0, 512, 2)).unwrap();
    let (mut a, mut b) = (l.to_vec(), r.to_vec());
    p.process(&mut [&mut a[..], &mut b[..]]);
    (a, b)
}

#[test]
fn width_scales_the_side_signal() {
    let (l, r) = (noise(1, 0.5, 4800), noise(2, 0.5, 4800));
    let (a, b) = run_width(1.0, 0.0, &l, &r);
    assert!(
        a.iter()
            .zip(&l)
            .chain(b.iter().zip(&r))
            .all(|(x, y)| (x - y).abs() < 1e-6)
    );
    let (a, b) = run_width(0.0, 0.0, &l, &r);
    assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-7));
    let (a, b) = run_width(2.0, 0.0, &l, &r);
    for i in 0..l.len() {
        let (m, s) = (0.5 * (l[i] + r[i]), 0.5 * (l[i] - r[i]));
        assert!((a[i] - (m + 2.0 * s)).abs() < 1e-6 && (b[i] - (m - 2.0 * s)).abs() < 1e-6);
    }
}

#[test]
fn bass_mono_makes_lows_mono_and_keeps_highs() {
    let fs = 48_000.0;
    let low = sine(40.0, 0.5, 0.0, fs, 48_000);
    let high = sine(5_000.0, 0.5, 0.0, fs, 48_000);
    let zero = vec![0.0f32; 48_000];
    // 40 Hz in the left only: comes out equally in both channels.
    let (a, b) = run_width(1.0, 150.0, &low, &zero);
    let rms = |x: &[f32]| (x[24_000..].iter().map(|v| v * v).sum::<f32>() / 24_000.0).sqrt();
    // The LR4 high-pass still passes (40/150)^4 = 0.5 % at 40 Hz into the left: up to 1 % apart.
    assert!(
        (rms(&a) - rms(&b)).abs() < 0.02 * rms(&a),
        "{} vs {}",
        rms(&a),
        rms(&b)
    );
    // 5 kHz in the left only stays in the left.
    let (a, b) = run_width(1.0, 150.0, &high, &zero);
    assert!(rms(&b) < 0.01 * rms(&a));
    assert!((rms(&a) - 0.5 / 2f32.sqrt()).abs() < 0.01);
}

#[test]
fn width_contract() {
    check_contract("width", &|| Box::new(StereoWidth::new()), 2, &|p| {
        p.set_param_by_name("width", 1.7).unwrap()
    });
    let make = || -> Box<dyn Processor> {
        let mut w = StereoWidth::new();
        w.set_bass_mono_hz(120.0).unwrap();
        Box::new(w)
    };
    check_contract("width bass mono", &make, 2, &|p| {
        p.set_param_by_name("width", 0.3).unwrap()
    });
    assert!(StereoWidth::new().set_width(2.5).is_err());
    assert!(StereoWidth::new().set_bass_mono_hz(5.0).is_err());
}

#[test]
fn integer_conversion_rounds_and_clips() {
    assert_eq!(to_i16(1.0), 32_767);
    assert_eq!(to_i16(2.0), 32_767);
    assert_eq!(to_i16(-1.0), -32_768);
    assert_eq!(to_i16(-3.0), -32_768);
    assert_eq!(to_i16(0.5 / 32_768.0), 1);
    assert_eq!(to_i16(-0.5 / 32_768.0), -1);
    assert_eq!(to_i16(0.49 / 32_768.0), 0);
    assert_eq!(to_i16(f32::NAN), 0);
    assert_eq!(to_i16(f32::INFINITY), 32_767);
    assert_eq!(to_i24(1.0), 8_388_607);
    assert_eq!(to_i24(-1.0), -8_388_608);
    assert_eq!(to_i32(1.0), i32::MAX);
    assert_eq!(to_i32(-1.0), i32::MIN);
    assert_eq!(quantize_plain(0.25, 8), 32);
    assert!(Dither::new(7, NoiseShaping::None, 1).is_err());
}

fn dither_error(shaping: NoiseShaping, x: &[f32]) -> Vec<f64> {
    let mut d = Dither::new(16, shaping, 7).unwrap();
    x.iter()
        .map(|v| d.quantize(*v) as f64 - *v as f64 * 32_768.0)
        .collect()
}

#[test]
fn tpdf_error_has_the_analytic_variance_and_no_signal_in_it() {
    let x = sine(997.0, 0.3, 0.0, 48_000.0, 200_000);
    let e = dither_error(NoiseShaping::None, &x);
    let mean = e.iter().sum::<f64>() / e.len() as f64;
    let var = e.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / e.len() as f64;
    // Rounding (1/12) plus two uniform ±1/2 (1/12 each): 1/4 LSB².
    assert!(mean.abs() < 0.01, "mean {mean}");
    assert!((var - 0.25).abs() < 0.01, "variance {var}");
    let exx: f64 = x.iter().map(|v| (*v as f64).powi(2)).sum();
    let eee: f64 = e.iter().map(|v| v * v).sum();
    let corr = e.iter().zip(&x).map(|(a, b)| a * *b as f64).sum::<f64>() / (eee * exx).sqrt();
    assert!(
        corr.abs() < 0.01,
        "error correlates with the signal: {corr}"
    );
}

#[test]
fn dither_keeps_a_signal_below_one_lsb() {
    // A sine of 0.4 LSB amplitude: plain rounding erases it, dither keeps it on average.
    let amp = 0.4 / 32_768.0;
    let x = sine(1_000.0, amp, 0.0, 48_000.0, 480_000);
    assert!(x.iter().all(|v| to_i16(*v) == 0));
    let mut d = Dither::new(16, NoiseShaping::None, 3).unwrap();
    let q: Vec<f64> = x.iter().map(|v| d.quantize(*v) as f64).collect();
    let (mut c, mut s) = (0.0, 0.0);
    for (n, v) in q.iter().enumerate() {
        let ph = 2.0 * std::f64::consts::PI * 1_000.0 * n as f64 / 48_000.0;
        c += v * ph.cos();
        s += v * ph.sin();
    }
    let recovered = 2.0 * (c * c + s * s).sqrt() / q.len() as f64;
    assert!((recovered - 0.4).abs() < 0.02, "recovered {recovered} LSB");
}

#[test]
fn noise_shaping_moves_error_out_of_the_low_band() {
    let x = noise(3, 0.2, 96_000);
    let low_power = |e: &[f64]| {
        // Error power below 2 kHz, through an 8th-order Butterworth low-pass.
        let mut lp =
            mixmaster::mix::Filter::new(mixmaster::mix::FilterKind::ButterworthLowPass(8), 2_000.0)
                .unwrap();
        lp.prepare(ProcessSpec::new(48_000.0, 4096, 1)).unwrap();
        let mut v: Vec<f32> = e.iter().map(|x| *x as f32).collect();
        lp.process(&mut [&mut v[..]]);
        v[1000..].iter().map(|x| (*x as f64).powi(2)).sum::<f64>() / (v.len() - 1000) as f64
    };
    let flat = low_power(&dither_error(NoiseShaping::None, &x));
    let first = low_power(&dither_error(NoiseShaping::FirstOrder, &x));
    let second = low_power(&dither_error(NoiseShaping::SecondOrder, &x));
    assert!(
        first < 0.3 * flat && second < first,
        "flat {flat}, first {first}, second {second}"
    );
}

#[test]
fn interleaved_quantization_equals_one_channel_at_a_time() {
    let chans = [
        noise(11, 0.5, 1001),
        noise(12, 0.5, 1001),
        noise(13, 0.5, 1001),
    ];
    for nch in 1..=3 {
        let new = |c: usize| Dither::new(16, NoiseShaping::SecondOrder, 40 + c as u64).unwrap();
        let mut ds: Vec<Dither> = (0..nch).map(new).collect();
        let planar: Vec<&[f32]> = chans[..nch].iter().map(|c| &c[..]).collect();
        let mut out = vec![0i32; 1001 * nch];
        // Two calls, so the dithers' state must carry over.
        let split = 400 * nch;
        let (a, b) = out.split_at_mut(split);
        let first: Vec<&[f32]> = planar.iter().map(|c| &c[..400]).collect();
        let rest: Vec<&[f32]> = planar.iter().map(|c| &c[400..]).collect();
        Dither::quantize_interleaved(&mut ds, &first, a);
        Dither::quantize_interleaved(&mut ds, &rest, b);
        for (c, ch) in planar.iter().enumerate() {
            let mut d = new(c);
            for (i, x) in ch.iter().enumerate() {
                assert_eq!(
                    out[i * nch + c],
                    d.quantize(*x),
                    "channel {c} of {nch}, frame {i}"
                );
            }
        }
    }
}

#[test]
fn noise_shaping_recovers_after_clipping_and_bad_input() {
    // Half a second far over full scale (clipped, and NaN/inf among it), then a quiet sine: the
    // error on the sine must have the same low-band behaviour as without the overload.
    let mut x = noise(5, 3.0, 24_000);
    x[100] = f32::NAN;
    x[200] = f32::INFINITY;
    let quiet = sine(440.0, 0.01, 0.0, 48_000.0, 48_000);
    x.extend_from_slice(&quiet);
    let mut d = Dither::new(16, NoiseShaping::SecondOrder, 9).unwrap();
    let q: Vec<i32> = x.iter().map(|v| d.quantize(*v)).collect();
    assert!(q[..24_000].iter().all(|v| (-32_768..=32_767).contains(v)));
    let e: Vec<f64> = q[24_000..]
        .iter()
        .zip(&quiet)
        .map(|(q, v)| *q as f64 - *v as f64 * 32_768.0)
        .collect();
    // Second-order shaping multiplies the ¼ LSB² TPDF power by |1 − z⁻¹|⁴ on average (6).
    let var = e[100..].iter().map(|v| v * v).sum::<f64>() / (e.len() - 100) as f64;
    assert!(
        (var - 1.5).abs() < 0.15,
        "error power {var} LSB², expected 1.5"
    );
}

#[test]
fn tpdf_dither_of_silence_is_triangular_and_white() {
    // Silence quantized with TPDF dither: the code is the rounded sum of two uniform values in
    // [−½, ½), so −1 and +1 each with probability 1/8 and 0 with 3/4; successive codes are
    // uncorrelated (white), and seeds give different sequences.
    let n = 400_000;
    let codes = |seed: u64| -> Vec<i32> {
        let mut d = Dither::new(16, NoiseShaping::None, seed).unwrap();
        (0..n).map(|_| d.quantize(0.0)).collect()
    };
    let q = codes(11);
    let share = |v: i32| q.iter().filter(|c| **c == v).count() as f64 / n as f64;
    for (v, p) in [(-1, 0.125), (0, 0.75), (1, 0.125)] {
        assert!((share(v) - p).abs() < 0.004, "P({v}) = {} vs {p}", share(v));
    }
    let var = q.iter().map(|c| (*c as f64).powi(2)).sum::<f64>() / n as f64;
    for lag in 1..=16 {
        let r = q
            .iter()
            .zip(&q[lag..])
            .map(|(a, b)| (*a * *b) as f64)
            .sum::<f64>()
            / (n - lag) as f64
            / var;
        assert!(r.abs() < 0.01, "lag {lag}: correlation {r}");
    }
    assert_ne!(q[..64], codes(12)[..64]);
}

#[test]
fn mid_side_in_place_is_the_formula_and_round_trips() {
    use mixmaster::master::width::{ms_decode_in_place, ms_encode_in_place};
    let (l, r) = (noise(31, 0.5, 1000), noise(32, 0.5, 1000));
    let (mut m, mut s) = (l.clone(), r.clone());
    ms_encode_in_place(&mut m, &mut s);
    for i in 0..l.len() {
        assert_eq!(m[i], 0.5 * (l[i] + r[i]));
        assert_eq!(s[i], 0.5 * (l[i] - r[i]));
    }
    ms_decode_in_place(&mut m, &mut s);
    for i in 0..l.len() {
        assert!(
            (m[i] - l[i]).abs() < 1e-7 && (s[i] - r[i]).abs() < 1e-7,
            "frame {i}"
        );
    }
}

#[test]
fn bass_mono_frequency_changed_while_running_moves_the_crossover() {
    // A 200 Hz tone in the left only: with the bass made mono below 100 Hz it stays mostly in
    // the left; with the crossover moved to 400 Hz while running, much more of it reaches the
    // right, as from a processor set to 400 Hz from the start.
    let fs = 48_000.0;
    let tone = sine(200.0, 0.5, 0.0, fs, 96_000);
    let zero = vec![0.0f32; 96_000];
    let rms = |x: &[f32]| (x[72_000..].iter().map(|v| v * v).sum::<f32>() / 24_000.0).sqrt();
    let mut p = StereoWidth::new();
    p.set_bass_mono_hz(100.0).unwrap();
    p.prepare(ProcessSpec::new(fs, 512, 2)).unwrap();
    let (mut a, mut b) = (tone.clone(), zero.clone());
    p.process(&mut [&mut a[..48_000], &mut b[..48_000]]);
    let early =
        |x: &[f32]| (x[24_000..48_000].iter().map(|v| v * v).sum::<f32>() / 24_000.0).sqrt();
    assert!(
        early(&b) < 0.3 * early(&a),
        "at 100 Hz: {} vs {}",
        early(&a),
        early(&b)
    );
    p.set_bass_mono_hz(400.0).unwrap();
    p.process(&mut [&mut a[48_000..], &mut b[48_000..]]);
    let (fa, fb) = run_width(1.0, 400.0, &tone, &zero);
    for (got, want) in [(rms(&a), rms(&fa)), (rms(&b), rms(&fb))] {
        assert!((got - want).abs() < 0.01 * want, "{got} vs {want}");
    }
    assert!(
        rms(&b) > 2.0 * early(&b),
        "at 400 Hz: {} vs {}",
        rms(&a),
        rms(&b)
    );
}

#[test]
fn the_dither_processor_quantizes_what_it_is_given() {
    // Prepared, it reports its spec and every output sample is a 16-bit code over 2^15 (and
    // not the input: 0.3 is not a code), in any block size.
    use mixmaster::master::DitherProcessor;
    let spec = ProcessSpec::new(48_000.0, 256, 2);
    let mut d = DitherProcessor::new(16, NoiseShaping::FirstOrder, 3).unwrap();
    assert_eq!(d.spec(), None);
    d.prepare(spec).unwrap();
    assert_eq!(d.spec(), Some(spec));
    let (mut l, mut r) = (noise(41, 0.3, 1000), vec![0.3f32; 1000]);
    d.process(&mut [&mut l[..], &mut r[..]]);
    for v in l.iter().chain(&r) {
        let code = *v as f64 * 32_768.0;
        assert_eq!(code, code.round(), "{v} is not a 16-bit code");
    }
    assert!(r.iter().all(|v| (v - 0.3).abs() < 3.0 / 32_768.0));
}
