//! Helpers for tests that run every registered processor kind generically, from its
//! [`Description`] alone: the channel counts to test, settings that give the list options
//! (equalizer bands) some content, and valid parameter changes.
//!
//! Nothing here names a particular kind, so a kind added to the registry is covered by the
//! tests that use these helpers without changing them.

use mixmaster::Processor;
use mixmaster::param::ParamInfo;
use mixmaster::settings::{Description, OptionInfo, OptionKind, Settings, Value};

/// The channel counts to test a kind at, read from its description: "any" and "1 or 2" give
/// 1 and 2, "2" gives 2. Panics on a wording it cannot read, so a new wording is noticed.
pub fn channel_counts(d: &Description) -> Vec<usize> {
    if d.channels.trim() == "any" {
        return vec![1, 2];
    }
    let counts: Vec<usize> = d
        .channels
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect();
    assert!(
        !counts.is_empty() && counts.iter().all(|&c| (1..=32).contains(&c)),
        "{}: cannot read the channel counts {:?}",
        d.kind,
        d.channels
    );
    counts
}

/// Whether `msg` names `name` as a whole word (not as part of a longer name: `q` is not named
/// by "frequency_hz").
pub fn names(msg: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    msg.match_indices(name).any(|(i, _)| {
        let before = msg[..i].chars().next_back();
        let after = msg[i + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// The part of `[min, max]` that tests use as "valid" without knowing the processor: a
/// frequency (a name ending in `_hz`) at most 0.45 × the sample rate, and a Q of at least 0.1.
pub fn usable_range(name: &str, min: f64, max: f64, sample_rate: f64) -> (f64, f64) {
    let mut hi = max;
    let mut lo = min;
    if name.ends_with("_hz") {
        hi = hi.min(0.45 * sample_rate);
    }
    if name == "q" {
        lo = lo.max(0.1);
    }
    assert!(lo <= hi, "`{name}`: no usable range in [{min}, {max}]");
    (lo, hi)
}

/// Example tables for a list option: for equalizer bands, a peaking band at 1 kHz +4 dB, a
/// high shelf at 8 kHz −3 dB and a high-pass at 40 Hz; for a match EQ's curve, three points
/// (100 Hz mid +3 dB, 1 kHz side −2 dB, 8 kHz mid −4 dB side +1 dB). Panics if the list does
/// not declare the fields used, so a list option of another shape is noticed.
pub fn example_tables(list: &OptionInfo) -> Vec<Settings> {
    let OptionKind::List { fields } = list.kind else {
        panic!("`{}` is not a list option", list.name)
    };
    let point = |f: f64, m: f64, s: f64| -> Vec<(&str, Value)> {
        vec![
            ("frequency_hz", Value::from(f)),
            ("mid_db", Value::from(m)),
            ("side_db", Value::from(s)),
        ]
    };
    let curve = [
        point(100.0, 3.0, 0.0),
        point(1000.0, 0.0, -2.0),
        point(8000.0, -4.0, 1.0),
    ];
    let bands: [&[(&str, Value)]; 3] = [
        &[
            ("kind", Value::from("peaking")),
            ("frequency_hz", Value::from(1000.0)),
            ("q", Value::from(1.0)),
            ("gain_db", Value::from(4.0)),
        ],
        &[
            ("kind", Value::from("high_shelf")),
            ("frequency_hz", Value::from(8000.0)),
            ("gain_db", Value::from(-3.0)),
        ],
        &[
            ("kind", Value::from("high_pass")),
            ("frequency_hz", Value::from(40.0)),
        ],
    ];
    let tables: Vec<&[(&str, Value)]> = if fields.iter().any(|f| f.name == "mid_db") {
        curve.iter().map(|p| &p[..]).collect()
    } else {
        bands.to_vec()
    };
    tables
        .iter()
        .map(|t| {
            t.iter()
                .map(|(name, v)| {
                    assert!(
                        fields.iter().any(|f| f.name == *name),
                        "list option `{}` has no field `{name}`: teach example_tables its fields",
                        list.name
                    );
                    (*name, v.clone())
                })
                .collect()
        })
        .collect()
}

/// A kind's default settings, except that every list option (equalizer bands, whose default
/// is empty) gets the [`example_tables`].
pub fn default_settings(d: &Description) -> Settings {
    let mut s = Settings::new();
    for o in d.options {
        if matches!(o.kind, OptionKind::List { .. }) {
            s.set(o.name, example_tables(o));
        }
    }
    s
}

/// Values to try for parameter `info` that differ from its default, nearest to the default
/// last: halfway, a quarter, a tenth and a hundredth of the way to the far end of its usable
/// range (a toggle: the other state). Some ranges also depend on other settings (a delay's
/// time on its maximum), which a description does not say: hence several candidates.
pub fn change_candidates(info: &ParamInfo, sample_rate: f64) -> Vec<f64> {
    if info.is_toggle() {
        return vec![if info.default >= 0.5 { 0.0 } else { 1.0 }];
    }
    let (lo, hi) = usable_range(info.name, info.min, info.max, sample_rate);
    let from = info.default.clamp(lo, hi);
    let to = if hi - from >= from - lo { hi } else { lo };
    [0.5, 0.25, 0.1, 0.01]
        .iter()
        .map(|f| from + (to - from) * f)
        .collect()
}

/// Sets every parameter of `p` to a valid value other than its default (the first of
/// [`change_candidates`] it accepts) and returns the `(index, value)` pairs set. Panics if it
/// refuses all of them, or refuses one with an error that does not name the parameter.
pub fn change_every_param(p: &mut dyn Processor, sample_rate: f64) -> Vec<(usize, f64)> {
    let mut set = Vec::new();
    for (i, info) in p.params().iter().enumerate() {
        let mut refused = Vec::new();
        for v in change_candidates(info, sample_rate) {
            match p.set_param(i, v) {
                Ok(()) => {
                    set.push((i, v));
                    break;
                }
                Err(e) => {
                    let msg = e.to_string();
                    assert!(
                        names(&msg, info.name),
                        "{}: set_param({i} = `{}`, {v}) failed with an error that does not name it: {msg}",
                        p.name(),
                        info.name
                    );
                    refused.push(format!("{v}: {msg}"));
                }
            }
        }
        assert!(
            refused.len() < change_candidates(info, sample_rate).len(),
            "{}: every change of `{}` was refused: {refused:?}",
            p.name(),
            info.name
        );
    }
    set
}
