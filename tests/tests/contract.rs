//! Every processor against the shared contract: block-size independence, reset, NaN recovery,
//! denormals; plus the contract's own entry points and errors.

use mixmaster::master::Limiter;
use mixmaster::mix::biquad::{Design, FilterKind};
use mixmaster::mix::{
    Compressor, Delay, Detector, Equalizer, Filter, Gain, PanLaw, PanMode, Panner, Reverb,
};
use mixmaster::{Chain, Error, ProcessSpec, Processor};
use mixmaster_tests::{check_contract, max_diff, programme, render_whole};

#[test]
fn gain_contract() {
    check_contract(
        "gain",
        &|| Box::new(Gain::with_db(-3.0).unwrap()),
        2,
        &|p| p.set_param_by_name("gain_db", 6.0).unwrap(),
    );
}

#[test]
fn panner_contract() {
    for (law, mode) in [
        (PanLaw::ConstantPower, PanMode::MonoToStereo),
        (PanLaw::Compromise, PanMode::Balance),
    ] {
        check_contract(
            "panner",
            &move || Box::new(Panner::new(law, mode)),
            2,
            &|p| p.set_param_by_name("pan", -0.7).unwrap(),
        );
    }
}

#[test]
fn filter_contract() {
    for kind in [
        FilterKind::Peaking,
        FilterKind::LowPass,
        FilterKind::ButterworthHighPass(5),
        FilterKind::LinkwitzRileyLowPass(8),
    ] {
        check_contract(
            "filter",
            &move || {
                Box::new(
                    Filter::new(kind, 1000.0)
                        .unwrap()
                        .with_gain_db(6.0)
                        .unwrap(),
                )
            },
            2,
            &|p| {
                p.set_param_by_name("frequency_hz", 3000.0).unwrap();
                p.set_param_by_name("gain_db", -9.0).unwrap();
            },
        );
    }
}

#[test]
fn equalizer_contract() {
    let make = || -> Box<dyn Processor> {
        Box::new(
            Equalizer::from_designs(&[
                Design::new(FilterKind::HighPass, 40.0),
                Design {
                    kind: FilterKind::Peaking,
                    frequency_hz: 2500.0,
                    q: 2.0,
                    gain_db: -4.0,
                },
                Design {
                    kind: FilterKind::HighShelf,
                    frequency_hz: 9000.0,
                    q: 0.7,
                    gain_db: 3.0,
                },
            ])
            .unwrap(),
        )
    };
    check_contract("equalizer", &make, 3, &|_| {});
}

#[test]
fn compressor_contract() {
    for det in [Detector::Peak, Detector::Rms] {
        for linked in [true, false] {
            let make = move || -> Box<dyn Processor> {
                let mut c = Compressor::new();
                c.set_detector(det);
                c.set_linked(linked);
                c.set_threshold_db(-20.0).unwrap();
                c.set_sidechain_hpf_hz(80.0).unwrap();
                Box::new(c)
            };
            check_contract("compressor", &make, 2, &|p| {
                p.set_param_by_name("ratio", 8.0).unwrap();
                p.set_param_by_name("makeup_db", 4.0).unwrap();
                p.set_param_by_name("mix", 0.5).unwrap();
            });
        }
    }
}

#[test]
fn delay_contract() {
    for ping_pong in [false, true] {
        let make = move || -> Box<dyn Processor> {
            let mut d = Delay::new(1000.0).unwrap();
            d.set_time_ms(120.0).unwrap();
            d.set_feedback(0.6).unwrap();
            d.set_ping_pong(ping_pong);
            Box::new(d)
        };
        check_contract("delay", &make, 2, &|p| {
            p.set_param_by_name("time_ms", 77.7).unwrap()
        });
    }
}

#[test]
fn reverb_contract() {
    check_contract("reverb", &|| Box::new(Reverb::new()), 2, &|p| {
        p.set_param_by_name("size", 1.5).unwrap();
        p.set_param_by_name("decay_s", 0.8).unwrap();
    });
    check_contract("reverb mono", &|| Box::new(Reverb::new()), 1, &|p| {
        p.set_param_by_name("mix", 1.0).unwrap()
    });
}

#[test]
fn chain_sums_latency_and_matches_stages_in_series() {
    let spec = ProcessSpec::new(48_000.0, 256, 2);
    let mut chain = Chain::new()
        .with(Filter::new(FilterKind::HighPass, 100.0).unwrap())
        .with(Gain::with_db(-6.0).unwrap());
    chain.prepare(spec).unwrap();
    assert_eq!(chain.latency_frames(), 0);
    let input = programme(2, 5000, 48_000.0);
    let a = render_whole(&mut chain, &input);
    let mut f = Filter::new(FilterKind::HighPass, 100.0).unwrap();
    let mut g = Gain::with_db(-6.0).unwrap();
    f.prepare(spec).unwrap();
    g.prepare(spec).unwrap();
    let b = render_whole(&mut g, &render_whole(&mut f, &input));
    assert_eq!(max_diff(&a, &b), 0.0);
}

#[test]
fn shapes_are_checked() {
    let mut g = Gain::new();
    let mut l = [0.0f32; 10];
    let mut r = [0.0f32; 9];
    assert_eq!(g.try_process(&mut [&mut l[..]]), Err(Error::NotPrepared));
    g.prepare(ProcessSpec::new(48_000.0, 64, 2)).unwrap();
    assert!(matches!(
        g.try_process(&mut [&mut l[..]]),
        Err(Error::ChannelCount {
            expected: 2,
            got: 1
        })
    ));
    assert!(matches!(
        g.try_process(&mut [&mut l[..], &mut r[..]]),
        Err(Error::ChannelLengths { .. })
    ));
    let mut buf = vec![0.0f32; 7];
    assert!(matches!(
        g.process_interleaved(&mut buf, 2),
        Err(Error::BufferShape { .. })
    ));
    // The infallible form never panics on any of these.
    g.process(&mut [&mut l[..], &mut r[..]]);
    g.process(&mut [&mut l[..]]);
    assert!(Gain::new().prepare(ProcessSpec::new(0.0, 64, 2)).is_err());
    assert!(
        Gain::new()
            .prepare(ProcessSpec::new(f64::NAN, 64, 2))
            .is_err()
    );
    assert!(
        Gain::new()
            .prepare(ProcessSpec::new(48_000.0, 0, 2))
            .is_err()
    );
    assert!(
        Panner::default()
            .prepare(ProcessSpec::new(48_000.0, 64, 1))
            .is_err()
    );
}

#[test]
fn interleaved_and_planar_match_slices() {
    let spec = ProcessSpec::new(48_000.0, 300, 2);
    let input = programme(2, 10_000, 48_000.0);
    let make = || {
        let mut c = Compressor::new();
        c.set_threshold_db(-30.0).unwrap();
        c
    };
    let mut a = make();
    a.prepare(spec).unwrap();
    let planar_ref = render_whole(&mut a, &input);

    let mut b = make();
    b.prepare(spec).unwrap();
    let mut inter: Vec<f32> = (0..10_000)
        .flat_map(|n| [input[0][n], input[1][n]])
        .collect();
    b.process_interleaved(&mut inter, 2).unwrap();
    let mut c = make();
    c.prepare(spec).unwrap();
    let mut planar: Vec<f32> = input.concat();
    c.process_planar(&mut planar, 2).unwrap();
    for n in 0..10_000 {
        assert_eq!(inter[2 * n], planar_ref[0][n]);
        assert_eq!(inter[2 * n + 1], planar_ref[1][n]);
        assert_eq!(planar[n], planar_ref[0][n]);
        assert_eq!(planar[10_000 + n], planar_ref[1][n]);
    }
}

#[test]
fn parameter_errors_name_the_parameter() {
    let fs = 48_000.0;
    let mut f = Filter::new(FilterKind::Peaking, 1000.0).unwrap();
    f.prepare(ProcessSpec::new(fs, 64, 1)).unwrap();
    let e = f.set_frequency(24_000.0).unwrap_err();
    assert!(
        e.to_string().contains("frequency_hz") && e.to_string().contains("24000"),
        "{e}"
    );
    let e = f.set_q(0.0).unwrap_err();
    assert!(e.to_string().contains("`q`"), "{e}");
    let e = Compressor::new().set_ratio(0.5).unwrap_err();
    assert!(
        e.to_string().contains("ratio") && e.to_string().contains("0.5"),
        "{e}"
    );
    let e = Delay::new(100.0).unwrap().set_time_ms(200.0).unwrap_err();
    assert!(e.to_string().contains("time_ms"), "{e}");
    assert!(
        Filter::new(FilterKind::LinkwitzRileyLowPass(3), 100.0)
            .unwrap_err()
            .to_string()
            .contains("order")
    );
    assert!(Filter::new(FilterKind::ButterworthLowPass(9), 100.0).is_err());
    let mut high = Filter::new(FilterKind::LowPass, 30_000.0).unwrap();
    assert!(
        high.prepare(ProcessSpec::new(fs, 64, 1)).is_err(),
        "a cutoff above Nyquist must fail at prepare"
    );
    assert!(Reverb::new().set_decay_s(f64::INFINITY).is_err());
    assert!(Gain::new().set_param_by_name("nope", 1.0).is_err());
    // Every ParamInfo's default and both of its bounds are accepted by its own setter and read
    // back; a value past either bound, or NaN, is refused and leaves the value as it was.
    let procs: Vec<Box<dyn Processor>> = vec![
        Box::new(Gain::new()),
        Box::new(Panner::default()),
        Box::new(Compressor::new()),
        // Its time_ms range as documented needs the longest max_ms (set per instance).
        Box::new(Delay::new(60_000.0).unwrap()),
        Box::new(Reverb::new()),
        Box::new(Limiter::new(-1.0, 5.0).unwrap()),
    ];
    for mut p in procs {
        for (i, info) in p.params().iter().enumerate() {
            for v in [info.min, info.max, info.default] {
                p.set_param(i, v)
                    .unwrap_or_else(|e| panic!("{}: {v} for {}: {e}", p.name(), info.name));
                assert_eq!(p.param(i), Some(v), "{}.{}", p.name(), info.name);
            }
            let below = info.min - info.min.abs().max(1.0) * 1e-6;
            let above = info.max + info.max.abs().max(1.0) * 1e-6;
            for bad in [below, info.min - 1.0, above] {
                assert!(
                    p.set_param(i, bad).is_err(),
                    "{}.{} = {bad} outside [{}, {}]",
                    p.name(),
                    info.name,
                    info.min,
                    info.max
                );
                assert_eq!(p.param(i), Some(info.default));
            }
            assert!(
                p.set_param(i, info.max + 1.0).is_err(),
                "{}.{} above max",
                p.name(),
                info.name
            );
            assert!(
                p.set_param(i, f64::NAN).is_err(),
                "{}.{} NaN",
                p.name(),
                info.name
            );
        }
    }
}
