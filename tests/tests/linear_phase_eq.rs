//! Linear-phase EQ: magnitude within 0.1 dB of the biquad EQ above 40 Hz at the default length,
//! exactly symmetric taps, latency as reported, block-size independence, click-free changes.

use mixmaster::master::LinearPhaseEq;
use mixmaster::mix::biquad::{Design, FilterKind};
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::{check_contract, render};
use num_complex::Complex32;
use rustfft::FftPlanner;

fn bands() -> Vec<Vec<Design>> {
    vec![
        vec![
            Design {
                kind: FilterKind::LowShelf,
                frequency_hz: 120.0,
                q: 0.7,
                gain_db: 4.0,
            },
            Design {
                kind: FilterKind::Peaking,
                frequency_hz: 2_500.0,
                q: 1.2,
                gain_db: -5.0,
            },
            Design {
                kind: FilterKind::HighShelf,
                frequency_hz: 9_000.0,
                q: 0.7,
                gain_db: 3.0,
            },
        ],
        vec![
            Design::new(FilterKind::HighPass, 30.0),
            Design {
                kind: FilterKind::Peaking,
                frequency_hz: 400.0,
                q: 2.0,
                gain_db: 6.0,
            },
        ],
        vec![
            Design::new(FilterKind::ButterworthLowPass(4), 12_000.0),
            Design {
                kind: FilterKind::Notch,
                frequency_hz: 1_000.0,
                q: 4.0,
                gain_db: 0.0,
            },
        ],
    ]
}

fn prepared(bands: &[Design], fs: f64, channels: usize, block: usize) -> LinearPhaseEq {
    let mut eq = LinearPhaseEq::new(bands).unwrap();
    eq.prepare(ProcessSpec::new(fs, block, channels)).unwrap();
    eq
}

#[test]
fn magnitude_matches_the_biquads_above_40_hz() {
    for fs in [44_100.0, 48_000.0, 96_000.0] {
        for set in bands() {
            let eq = prepared(&set, fs, 2, 512);
            let h = eq.impulse_response();
            let n = 1 << 17;
            let mut buf: Vec<Complex32> = (0..n)
                .map(|i| Complex32::new(h.get(i).copied().unwrap_or(0.0), 0.0))
                .collect();
            FftPlanner::new().plan_fft_forward(n).process(&mut buf);
            for (k, bin) in buf.iter().enumerate().take(n / 2).skip(1) {
                let f = k as f64 * fs / n as f64;
                if !(40.0..=0.45 * fs).contains(&f) {
                    continue;
                }
                let want = eq.target_response_db(f);
                if want < -40.0 {
                    continue; // deep in a stop band (the notch centre): relative dB means nothing
                }
                let got = 20.0 * (bin.norm() as f64).log10();
                // Within 0.1 dB, or, at the bottom of a notch where a dB comparison means little,
                // a linear error below 0.0116 (0.1 dB of unity gain). The target magnitude has a
                // kink at a zero, which magnitude-only frequency sampling follows less closely.
                let lin = (10f64.powf(got / 20.0) - 10f64.powf(want / 20.0)).abs();
                assert!(
                    (got - want).abs() <= 0.1 || lin <= 0.0116,
                    "fs={fs} f={f:.1}: FIR {got:.3} dB vs biquad {want:.3} dB ({set:?})"
                );
            }
        }
    }
}

#[test]
fn taps_are_symmetric_and_latency_is_as_reported() {
    let set = &bands()[0];
    for fs in [44_100.0, 48_000.0] {
        let mut eq = prepared(set, fs, 1, 300);
        let h = eq.impulse_response().to_vec();
        let n = h.len();
        assert_eq!(n % 2, 1);
        assert!(
            (0..n / 2).all(|i| h[i] == h[n - 1 - i]),
            "not exactly symmetric"
        );
        let lat = eq.latency_frames();
        let mut x = vec![0.0f32; lat + n + 2000];
        x[0] = 1.0;
        eq.process(&mut [&mut x[..]]);
        // The output is the taps, placed so the centre tap lands at the reported latency.
        let start = lat - (n - 1) / 2;
        assert!(x[..start].iter().all(|v| v.abs() < 1e-6));
        for i in 0..n {
            assert!(
                (x[start + i] - h[i]).abs() < 1e-5,
                "tap {i}: {} vs {}",
                x[start + i],
                h[i]
            );
        }
        let peak = x
            .iter()
            .enumerate()
            .fold(
                (0, 0.0f32),
                |a, (i, v)| if v.abs() > a.1 { (i, v.abs()) } else { a },
            )
            .0;
        assert_eq!(peak, lat);
    }
}

#[test]
fn contract_and_odd_channel_counts() {
    check_contract(
        "linear-phase eq",
        &|| Box::new(LinearPhaseEq::new(&bands()[0]).unwrap()),
        3,
        &|_| {},
    );
}

#[test]
fn band_changes_crossfade_without_a_click() {
    let fs = 48_000.0;
    let mut eq = prepared(&bands()[0], fs, 1, 256);
    let mut x = mixmaster_tests::sine(2_500.0, 0.3, 0.0, fs, 48_000);
    let mut pos = 0;
    let mut k = 0;
    while pos < x.len() {
        let n = 256.min(x.len() - pos);
        if k % 20 == 10 {
            let g = if (k / 20) % 2 == 0 { 9.0 } else { -9.0 };
            eq.set_band(
                1,
                Design {
                    kind: FilterKind::Peaking,
                    frequency_hz: 2_500.0,
                    q: 1.2,
                    gain_db: g,
                },
            )
            .unwrap();
        }
        eq.process(&mut [&mut x[pos..pos + n]]);
        pos += n;
        k += 1;
    }
    // 0.3 at up to +9 dB is at most 0.85; its largest natural step at 2.5 kHz is 0.28.
    let step = x
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0f32, f32::max);
    assert!(step < 0.3, "largest step {step}");
    assert!(
        eq.set_band(5, Design::new(FilterKind::Peaking, 100.0))
            .is_err()
    );
    assert!(
        eq.set_band(0, Design::new(FilterKind::Peaking, 30_000.0))
            .is_err()
    );
}

#[test]
fn same_output_in_any_block_size() {
    let fs = 44_100.0;
    let input = mixmaster_tests::programme(2, 20_000, fs);
    let mut a = prepared(&bands()[1], fs, 2, 1024);
    let mut b = prepared(&bands()[1], fs, 2, 1024);
    let x = render(&mut a, &input, &mut || 1024);
    let mut rng = mixmaster_tests::Rng::new(5);
    let y = render(&mut b, &input, &mut || rng.range(1, 1024));
    assert_eq!(x, y);
}

#[test]
fn stereo_output_equals_direct_convolution_per_channel() {
    // Two channels share one complex FFT; check each against a plain time-domain convolution.
    let fs = 48_000.0;
    let mut eq = prepared(&bands()[0], fs, 2, 512);
    let h = eq.impulse_response().to_vec();
    let lat = eq.latency_frames();
    let shift = lat - (h.len() - 1) / 2;
    let input = mixmaster_tests::programme(2, 12_000, fs);
    let out = render(&mut eq, &input, &mut || 333);
    for (x, y) in input.iter().zip(&out) {
        for n in (0..x.len()).step_by(97) {
            let Some(m) = n.checked_sub(shift) else {
                continue;
            };
            let want: f64 = (0..h.len())
                .filter(|&k| k <= m)
                .map(|k| h[k] as f64 * x[m - k] as f64)
                .sum();
            assert!(
                (y[n] as f64 - want).abs() < 2e-5,
                "frame {n}: {} vs {want}",
                y[n]
            );
        }
    }
}

#[test]
fn free_curve_is_kept_interpolated_over_log_frequency_and_scaled() {
    // Points kept as given; between two points the gain is linear in dB over log-frequency
    // (the geometric midpoint halfway), flat beyond the ends; the scale multiplies the dB.
    let mut eq = LinearPhaseEq::new(&[]).unwrap();
    let points = [(100.0, 0.0), (1_000.0, 6.0), (8_000.0, -4.0)];
    eq.set_curve(&points).unwrap();
    assert_eq!(eq.curve(), &points);
    let mid = |a: f64, b: f64| (a * b).sqrt();
    for (f, want) in [
        (20.0, 0.0),
        (100.0, 0.0),
        (mid(100.0, 1_000.0), 3.0),
        (1_000.0, 6.0),
        (mid(1_000.0, 8_000.0), 1.0),
        (8_000.0, -4.0),
        (20_000.0, -4.0),
    ] {
        assert!(
            (eq.curve_db(f) - want).abs() < 1e-9,
            "{f} Hz: {}",
            eq.curve_db(f)
        );
    }
    eq.set_curve_scale(0.25).unwrap();
    assert!((eq.curve_db(mid(100.0, 1_000.0)) - 0.75).abs() < 1e-9);
    assert!(eq.set_curve(&[(1_000.0, 0.0), (100.0, 1.0)]).is_err());
}

#[test]
fn partition_must_be_a_power_of_two_in_range() {
    let mut eq = LinearPhaseEq::new(&[]).unwrap();
    for ok in [64, 256, 1024, 8192] {
        eq.set_partition(ok).unwrap();
    }
    for bad in [32, 100, 1000, 16384] {
        let e = eq.set_partition(bad).unwrap_err().to_string();
        assert!(e.contains("partition"), "{bad}: {e}");
    }
}

#[test]
fn an_impulse_rings_out_within_the_tail() {
    // The FIR's response to an impulse ends within `tail_frames` of it, and lasts more than
    // half of that (its far end is small, not zero): the tail is neither short nor padded.
    let mut eq = LinearPhaseEq::new(&[Design {
        kind: FilterKind::Peaking,
        frequency_hz: 200.0,
        q: 2.0,
        gain_db: 6.0,
    }])
    .unwrap();
    eq.prepare(ProcessSpec::new(48_000.0, 1024, 1)).unwrap();
    let tail = eq.tail_frames();
    assert!(tail > eq.latency_frames());
    let mut x = vec![0.0f32; tail + 4096];
    x[0] = 1.0;
    for c in x.chunks_mut(1024) {
        eq.process(&mut [c]);
    }
    // Past the FIR, partitioned FFT convolution leaves rounding noise under 1e-10.
    let last = x.iter().rposition(|v| v.abs() > 1e-9).unwrap();
    assert!(
        last <= tail && last > tail / 2,
        "last output {last}, tail {tail}"
    );
}
