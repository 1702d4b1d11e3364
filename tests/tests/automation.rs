//! Automation envelopes (`mix::automation`): curve names as sessions spell them, the points
//! kept as given, each curve's values against its formula (linear in the unit, geometric,
//! held), jumps, seeking backwards, constant stretches, and bad envelopes as errors naming
//! the point.

use mixmaster::mix::automation::{Breakpoint, Curve, Envelope};

fn point(time_s: f64, value: f64, curve: Curve) -> Breakpoint {
    Breakpoint {
        time_s,
        value,
        curve,
    }
}

#[test]
fn curve_names_and_their_aliases() {
    for (names, curve) in [
        (&["linear", "lin", "Linear"][..], Curve::Linear),
        (&["exponential", "exp", "EXP"][..], Curve::Exponential),
        (&["hold", "step", "Hold"][..], Curve::Hold),
    ] {
        for n in names {
            assert_eq!(Curve::from_name(n), Some(curve), "{n}");
        }
    }
    for bad in ["", "log", "linear ", "smooth"] {
        assert_eq!(Curve::from_name(bad), None, "{bad:?}");
    }
}

#[test]
fn each_curve_follows_its_formula_between_points() {
    // At 1 kHz (frames are milliseconds): 0.2 → 3.2 linearly over 0..100, then geometrically
    // 3.2 → 0.05 over 100..300, then held at 0.05 until the jump to 7 at 400, held after it.
    let points = [
        point(0.0, 0.2, Curve::Linear),
        point(0.1, 3.2, Curve::Exponential),
        point(0.3, 0.05, Curve::Hold),
        point(0.4, 7.0, Curve::Linear),
    ];
    let mut e = Envelope::new(&points).unwrap();
    assert_eq!(e.points(), &points);
    e.prepare(1_000.0);
    for (i, want) in [0, 100, 300, 400].into_iter().enumerate() {
        assert_eq!(e.frame_of(i), Some(want));
    }
    assert_eq!(e.frame_of(4), None);
    let want = |f: u64| -> f64 {
        let t = f as f64;
        match f {
            0..100 => 0.2 + 3.0 * t / 100.0,
            100..300 => 3.2 * (0.05f64 / 3.2).powf((t - 100.0) / 200.0),
            300..400 => 0.05,
            _ => 7.0,
        }
    };
    let mut out = vec![0.0f32; 600];
    e.render(0, &mut out);
    for (f, v) in out.iter().enumerate() {
        let w = want(f as u64);
        assert!(
            ((*v as f64) - w).abs() <= 1e-6 * w.abs().max(1.0),
            "frame {f}: {v} vs {w}"
        );
    }
    // Backwards (a seek): the same values.
    for f in [450u64, 250, 50, 399, 0] {
        let got = e.value_at(f);
        assert!(
            (got - want(f)).abs() <= 1e-9 * want(f).abs().max(1.0),
            "frame {f}: {got}"
        );
    }
    // Constant over a held stretch and after the last point, not across a point.
    assert_eq!(e.constant_over(310, 50), Some(0.05));
    assert_eq!(e.constant_over(500, 1000), Some(7.0));
    assert_eq!(e.constant_over(350, 100), None);
    assert_eq!(e.constant_over(20, 10), None);
}

#[test]
fn before_the_first_point_the_value_is_the_first_points() {
    // An envelope starting at 0.1 s (frame 100 at 1 kHz): constant up to that frame, moving
    // across it.
    let mut e = Envelope::new(&[
        point(0.1, 2.0, Curve::Linear),
        point(0.2, 4.0, Curve::Linear),
    ])
    .unwrap();
    e.prepare(1_000.0);
    assert_eq!(e.constant_over(0, 100), Some(2.0));
    assert_eq!(e.constant_over(50, 50), Some(2.0));
    assert_eq!(e.constant_over(50, 51), None);
    assert_eq!(e.value_at(10), 2.0);
    assert_eq!(e.value_at(150), 3.0);
}

#[test]
fn exponential_between_values_of_different_sign_is_linear() {
    let mut e = Envelope::new(&[
        point(0.0, -1.0, Curve::Exponential),
        point(1.0, 3.0, Curve::Linear),
    ])
    .unwrap();
    e.prepare(100.0);
    assert!((e.value_at(25) - 0.0).abs() < 1e-12);
    assert!((e.value_at(50) - 1.0).abs() < 1e-12);
}

#[test]
fn points_sharing_a_time_jump_and_bad_envelopes_are_errors() {
    let mut e = Envelope::new(&[
        point(0.0, 1.0, Curve::Linear),
        point(0.5, 2.0, Curve::Linear),
        point(0.5, 8.0, Curve::Linear),
    ])
    .unwrap();
    e.prepare(10.0);
    assert_eq!(e.value_at(4), 1.8);
    assert_eq!(e.value_at(5), 8.0);
    assert!(Envelope::new(&[]).is_err());
    for (points, bad) in [
        (
            vec![
                point(0.0, 1.0, Curve::Linear),
                point(-1.0, 1.0, Curve::Linear),
            ],
            1,
        ),
        (
            vec![
                point(1.0, 1.0, Curve::Linear),
                point(0.5, 1.0, Curve::Linear),
            ],
            1,
        ),
        (vec![point(f64::NAN, 1.0, Curve::Linear)], 0),
        (
            vec![
                point(0.0, 1.0, Curve::Linear),
                point(1.0, f64::INFINITY, Curve::Linear),
            ],
            1,
        ),
    ] {
        let e = Envelope::new(&points).unwrap_err().to_string();
        assert!(e.contains(&format!("breakpoint {bad}")), "point {bad}: {e}");
    }
}
