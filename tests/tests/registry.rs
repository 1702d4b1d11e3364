//! Every registered processor kind, exercised generically through the registry: built from
//! its defaults and from random valid settings (drawn from its description alone), it keeps
//! the processor contract; its settings round-trip bit for bit; invalid settings are errors
//! that name the setting, never panics.
//!
//! No kind is listed by hand: the tests iterate `registry::kinds()`, so a new kind is covered
//! as soon as it is registered.

use std::panic::{AssertUnwindSafe, catch_unwind};

use mixmaster::param::ParamInfo;
use mixmaster::registry::{self, Kind};
use mixmaster::settings::{Description, OptionInfo, OptionKind, Settings, Value};
use mixmaster::{ProcessSpec, Processor};
use mixmaster_tests::kinds::{
    change_every_param, channel_counts, default_settings, example_tables, names, usable_range,
};
use mixmaster_tests::{Rng, check_contract, max_diff, programme, render, render_whole};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

const SR: f64 = 48_000.0;
const MAX_BLOCK: usize = 512;
/// Frames of programme rendered per check, beyond the processor's latency.
const FRAMES: usize = 4096;

/// The message of a caught panic.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

/// Runs `f`, turning a panic into an error that says what was being done.
fn no_panic<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(format!("{what}: PANICKED: {}", panic_message(p.as_ref()))),
    }
}

fn all_finite(x: &[Vec<f32>]) -> bool {
    x.iter().flatten().all(|v| v.is_finite())
}

fn same_bits(a: &[Vec<f32>], b: &[Vec<f32>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.len() == y.len() && x.iter().zip(y).all(|(u, v)| u.to_bits() == v.to_bits())
        })
}

fn peak(x: &[Vec<f32>]) -> f32 {
    x.iter().flatten().fold(0.0, |m, v| m.max(v.abs()))
}

/// The programme for a processor: `FRAMES` frames after its latency (capped), so that some
/// of the input reaches the output even behind a long FIR.
fn input_for(p: &dyn Processor, channels: usize) -> Vec<Vec<f32>> {
    programme(channels, FRAMES + p.latency_frames().min(1 << 16), SR)
}

// ---------------------------------------------------------------------------------------------
// 1. Defaults keep the contract.

#[test]
fn every_kind_built_from_defaults_keeps_the_contract() {
    let mut failures = Vec::new();
    for kind in registry::kinds() {
        let d = kind.description;
        let settings = default_settings(d);
        for channels in channel_counts(d) {
            let who = format!("{} ({channels} ch) with {settings}", d.kind);
            let make = || -> Box<dyn Processor> {
                kind.build(&settings)
                    .unwrap_or_else(|e| panic!("{who}: build failed: {e}"))
            };
            // Every parameter changes mid-way to a valid value (valid at 44.1 kHz too, the
            // lower of the two rates the contract runs at).
            let change = |p: &mut dyn Processor| {
                change_every_param(p, 44_100.0);
            };
            if let Err(e) = no_panic(&who, || {
                check_contract(&who, &make, channels, &change);
                Ok(())
            }) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 2. Random valid settings, drawn from a description alone, keep the contract.

/// Random numbers in the usable part of `[min, max]`: mostly uniform, sometimes an end or the
/// default. Whole numbers (for integer options) are drawn as the default, an end, uniform, or
/// a power of two or one less (sizes and FIR lengths often must be one of those; a build error
/// naming the setting is allowed for the rest).
fn numbers(name: &str, min: f64, max: f64, default: f64, integer: bool) -> BoxedStrategy<f64> {
    let (lo, hi) = usable_range(name, min, max, SR);
    if integer {
        let (lo, hi) = (lo.ceil(), hi.floor());
        let default = if (lo..=hi).contains(&default) {
            default
        } else {
            lo
        };
        let mut nice: Vec<f64> = (0..63)
            .map(|e| 2f64.powi(e))
            .flat_map(|p| [p, p - 1.0])
            .filter(|v| (lo..=hi).contains(v))
            .collect();
        if nice.is_empty() {
            nice.push(default);
        }
        prop_oneof![
            3 => Just(default),
            2 => prop::sample::select(vec![lo, hi]),
            2 => ((lo as i64)..=(hi as i64)).prop_map(|v| v as f64),
            2 => prop::sample::select(nice),
        ]
        .boxed()
    } else if lo < hi {
        let default = default.clamp(lo, hi);
        prop_oneof![
            8 => lo..=hi,
            1 => prop::sample::select(vec![lo, hi]),
            1 => Just(default),
        ]
        .boxed()
    } else {
        Just(lo).boxed()
    }
}

fn param_values(p: &ParamInfo) -> BoxedStrategy<Value> {
    if p.is_toggle() {
        any::<bool>().prop_map(Value::Bool).boxed()
    } else {
        numbers(p.name, p.min, p.max, p.default, false)
            .prop_map(Value::Number)
            .boxed()
    }
}

fn option_values(o: &OptionInfo) -> BoxedStrategy<Value> {
    match o.kind {
        OptionKind::Choice { choices, .. } => prop::sample::select(choices.to_vec())
            .prop_map(Value::from)
            .boxed(),
        OptionKind::Switch { .. } => any::<bool>().prop_map(Value::Bool).boxed(),
        OptionKind::Number {
            min,
            max,
            default,
            integer,
            ..
        } => numbers(o.name, min, max, default, integer)
            .prop_map(Value::Number)
            .boxed(),
        OptionKind::List { fields } => prop::collection::vec(table(fields, &[]), 0..=4)
            .prop_map(Value::List)
            .boxed(),
        // A name only: the data comes through `load_audio`.
        OptionKind::Audio { .. } => "[a-z]{0,8}(\\.wav)?".prop_map(Value::Text).boxed(),
    }
}

/// Settings from `(name, values)` entries, each present with probability 0.85 (absent ones
/// take their defaults).
fn table(options: &'static [OptionInfo], params: &'static [ParamInfo]) -> BoxedStrategy<Settings> {
    let entries: Vec<BoxedStrategy<Option<(&'static str, Value)>>> = options
        .iter()
        .map(|o| (o.name, option_values(o)))
        .chain(params.iter().map(|p| (p.name, param_values(p))))
        .map(|(name, values)| {
            prop::option::weighted(0.85, values)
                .prop_map(move |v| v.map(|v| (name, v)))
                .boxed()
        })
        .collect();
    entries
        .prop_map(|e| e.into_iter().flatten().collect::<Settings>())
        .boxed()
}

/// Random valid settings of a kind: every option and parameter drawn from its declaration.
fn settings_of_kind(d: &Description) -> BoxedStrategy<Settings> {
    table(d.options, d.params)
}

/// Random valid settings for every kind, in registry order.
fn settings_of_every_kind() -> Vec<BoxedStrategy<Settings>> {
    registry::kinds()
        .iter()
        .map(|k| settings_of_kind(k.description))
        .collect()
}

/// What building from settings the declaration allows gave.
enum Built {
    /// The processor, and the settings it was built from.
    Ok(Box<dyn Processor>, Settings),
    /// Refused, with errors naming settings given, until nothing was left to take out.
    Refused,
}

/// Builds `kind` from `settings`, which the declaration allows but which may break a
/// constraint it cannot state (an odd FIR length, a power-of-two partition, a filter order the
/// filter type has not). Such an error must name one of the settings given; then that setting
/// (or, for a list, the table the error names) is taken out and the build tried again, up to
/// 8 times, so that most random cases still test something.
fn build_valid(kind: &Kind, settings: &Settings) -> Result<Built, String> {
    let d = kind.description;
    let mut s = settings.clone();
    for _ in 0..8 {
        let msg = match kind.build(&s) {
            Ok(p) => return Ok(Built::Ok(p, s)),
            Err(e) => e.to_string(),
        };
        let Some((name, value)) = s.iter().find(|(n, _)| names(&msg, n)) else {
            return Err(format!(
                "{} with {s}: build failed with an error that names none of the settings given: {msg}",
                d.kind
            ));
        };
        let name = name.to_string();
        let table = match value {
            Value::List(l) => (0..l.len()).find(|i| msg.contains(&format!("{name}[{i}]"))),
            _ => None,
        };
        // Take the setting out; a list keeps its other tables.
        if let (Some(Value::List(mut l)), Some(i)) = (s.remove(&name), table) {
            l.remove(i);
            s.set(&name, l);
        }
    }
    Ok(Built::Refused)
}

fn prepared(
    kind: &Kind,
    settings: &Settings,
    spec: ProcessSpec,
) -> Result<Box<dyn Processor>, String> {
    let mut p = kind
        .build(settings)
        .map_err(|e| format!("second build failed: {e}"))?;
    p.prepare(spec).map_err(|e| {
        format!(
            "prepare({} Hz, {} ch) failed: {e}",
            spec.sample_rate, spec.channels
        )
    })?;
    Ok(p)
}

/// The parameter values of `changes` (other random settings of the kind) that `p` accepts, as
/// `(index, value)`. A refusal must name the parameter (a range that depends on another
/// setting, such as a delay time beyond `max_ms`).
fn accepted_changes(
    p: &mut dyn Processor,
    changes: &Settings,
) -> Result<Vec<(usize, f64)>, String> {
    let mut ok = Vec::new();
    for (i, info) in p.params().iter().enumerate() {
        let v = match changes.get(info.name) {
            Some(Value::Number(x)) => *x,
            Some(Value::Bool(b)) => f64::from(u8::from(*b)),
            _ => continue,
        };
        match p.set_param(i, v) {
            Ok(()) => ok.push((i, v)),
            Err(e) if names(&e.to_string(), info.name) => {}
            Err(e) => {
                return Err(format!(
                    "set_param({i} = `{}`, {v}) failed with an error that does not name it: {e}",
                    info.name
                ));
            }
        }
    }
    Ok(ok)
}

/// Renders `input` in blocks of `sizes`, setting the parameters `changes` partway through
/// (at a frame that is no block boundary of the one-block render).
fn render_with_changes(
    p: &mut dyn Processor,
    input: &[Vec<f32>],
    sizes: &mut dyn FnMut() -> usize,
    changes: &[(usize, f64)],
) -> Result<Vec<Vec<f32>>, String> {
    let cut = input[0].len() / 2 + 7;
    let first: Vec<Vec<f32>> = input.iter().map(|c| c[..cut].to_vec()).collect();
    let rest: Vec<Vec<f32>> = input.iter().map(|c| c[cut..].to_vec()).collect();
    let mut out = render(p, &first, sizes);
    for &(i, v) in changes {
        p.set_param(i, v)
            .map_err(|e| format!("set_param({i}, {v}) refused the second time: {e}"))?;
    }
    for (o, r) in out.iter_mut().zip(render(p, &rest, sizes)) {
        o.extend(r);
    }
    Ok(out)
}

/// The contract for one kind and one set of valid settings: builds (or a named error),
/// prepares at 48 kHz, renders the same in one block as in random blocks (with the parameters
/// of `changes` set partway through), reset reproduces the first render, finite in → finite
/// out, and NaN/inf in the input are gone after one block of finite input.
fn random_settings_keep_the_contract(
    kind: &Kind,
    settings: &Settings,
    changes: &Settings,
    seed: u64,
) -> Result<(), String> {
    let d = kind.description;
    let who = format!("{} with {settings}", d.kind);
    no_panic(&who, || {
        let Built::Ok(_, settings) = build_valid(kind, settings)? else {
            return Ok(());
        };
        let settings = &settings;
        for channels in channel_counts(d) {
            let at = |what: &str| format!("{who}, {channels} ch: {what}");
            let spec = ProcessSpec::new(SR, MAX_BLOCK, channels);
            let mut p = prepared(kind, settings, spec).map_err(|e| at(&e))?;
            let input = input_for(p.as_ref(), channels);

            let first = render_whole(p.as_mut(), &input);
            if !all_finite(&first) {
                return Err(at("non-finite output for finite input"));
            }
            p.reset();
            let again = render_whole(p.as_mut(), &input);
            if !same_bits(&first, &again) {
                return Err(at(&format!(
                    "reset does not reproduce the first render (max diff {})",
                    max_diff(&first, &again)
                )));
            }

            let changes = {
                let mut probe = prepared(kind, settings, spec).map_err(|e| at(&e))?;
                accepted_changes(probe.as_mut(), changes).map_err(|e| at(&e))?
            };
            let mut q = prepared(kind, settings, spec).map_err(|e| at(&e))?;
            let n = input[0].len();
            let whole =
                render_with_changes(q.as_mut(), &input, &mut || n, &changes).map_err(|e| at(&e))?;
            let mut q = prepared(kind, settings, spec).map_err(|e| at(&e))?;
            let mut rng = Rng::new(seed);
            let pieces =
                render_with_changes(q.as_mut(), &input, &mut || rng.range(1, 700), &changes)
                    .map_err(|e| at(&e))?;
            if !all_finite(&whole) {
                return Err(at(&format!(
                    "non-finite output for finite input after the changes {changes:?}"
                )));
            }
            // Bit-identical, or equal to float rounding (relative to the level, for gains of
            // up to +48 dB).
            let diff = max_diff(&whole, &pieces);
            let close = all_finite(&pieces) && diff <= 1e-6 * peak(&whole).max(1.0);
            if !close && !same_bits(&whole, &pieces) {
                return Err(at(&format!(
                    "block-size dependence with the changes {changes:?} partway: one block vs random blocks (seed {seed}) differ by {diff}"
                )));
            }

            let mut r = prepared(kind, settings, spec).map_err(|e| at(&e))?;
            let mut bad: Vec<Vec<f32>> = input.iter().map(|c| c[..2048].to_vec()).collect();
            bad[0][100] = f32::NAN;
            bad[channels - 1][200] = f32::INFINITY;
            bad[0][300] = f32::NEG_INFINITY;
            bad[channels - 1][2047] = f32::NAN;
            render(r.as_mut(), &bad, &mut || MAX_BLOCK);
            let after = render(r.as_mut(), &input, &mut || MAX_BLOCK);
            if let Some(i) = after
                .iter()
                .flat_map(|c| c.iter().enumerate().skip(MAX_BLOCK))
                .find(|(_, v)| !v.is_finite())
                .map(|(i, _)| i)
            {
                return Err(at(&format!(
                    "non-finite output at frame {i} of the finite input after NaN/inf (more than one block)"
                )));
            }
        }
        Ok(())
    })
}

proptest! {
    // 24 cases × every kind; a failure is reported with the kind and the settings.
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_valid_settings_keep_the_contract(
        every in settings_of_every_kind(),
        changes in settings_of_every_kind(),
        seed in 1u64..u64::MAX,
    ) {
        let mut failures = Vec::new();
        for ((kind, settings), changes) in registry::kinds().iter().zip(&every).zip(&changes) {
            if let Err(e) = random_settings_keep_the_contract(kind, settings, changes, seed) {
                failures.push(e);
            }
        }
        prop_assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Settings round-trip.

/// Every declared value of every choice (its canonical spellings) and both states of every
/// switch, given alone: the processor built reports it back. An option whose value the
/// processor ignored (a choice arm that fell through to the default) shows here; the round
/// trip below would not see it, as the processor reports the value it did take.
#[test]
fn every_choice_and_switch_value_is_taken() {
    let mut failures = Vec::new();
    for kind in registry::kinds() {
        let d = kind.description;
        for o in d.options {
            let values: Vec<Value> = match o.kind {
                OptionKind::Choice { choices, .. } => {
                    choices.iter().map(|c| Value::Text(c.to_string())).collect()
                }
                OptionKind::Switch { .. } => vec![Value::Bool(false), Value::Bool(true)],
                _ => continue,
            };
            for v in values {
                let mut s = default_settings(d);
                s.set(o.name, v.clone());
                let who = format!("{} with {s}", d.kind);
                match no_panic(&who, || kind.build(&s).map_err(|e| e.to_string())) {
                    Ok(p) => {
                        let back = registry::settings_of(p.as_ref());
                        // The filter's first-order kinds are read back as the kind and its
                        // order (an option of its own).
                        let alias = match (d.kind, o.name, &v) {
                            ("filter", "kind", Value::Text(t)) => t.strip_suffix("_1"),
                            _ => None,
                        };
                        let want = alias.map_or(v.clone(), |a| Value::Text(a.to_string()));
                        if alias.is_some() && back.get("order") != Some(&Value::Number(1.0)) {
                            failures.push(format!("{who}: order {:?}", back.get("order")));
                        }
                        if back.get(o.name) != Some(&want) {
                            failures.push(format!(
                                "{who}: `{}` reads back as {:?}",
                                o.name,
                                back.get(o.name)
                            ));
                        }
                    }
                    Err(e) => failures.push(format!("{who}: does not build: {e}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every list option (an equalizer's bands, a match curve's points) given example tables: the
/// processor built reports as many tables, each with every given field at the given value.
#[test]
fn every_list_option_is_taken() {
    let mut failures = Vec::new();
    for kind in registry::kinds() {
        let d = kind.description;
        for o in d.options {
            if !matches!(o.kind, OptionKind::List { .. }) {
                continue;
            }
            let given = example_tables(o);
            let s = Settings::new().with(o.name, given.clone());
            let who = format!("{} with {s}", d.kind);
            let p = match no_panic(&who, || kind.build(&s).map_err(|e| e.to_string())) {
                Ok(p) => p,
                Err(e) => {
                    failures.push(format!("{who}: does not build: {e}"));
                    continue;
                }
            };
            let back = registry::settings_of(p.as_ref());
            let Some(Value::List(tables)) = back.get(o.name) else {
                failures.push(format!(
                    "{who}: `{}` reads back as {:?}",
                    o.name,
                    back.get(o.name)
                ));
                continue;
            };
            if tables.len() != given.len() {
                failures.push(format!("{who}: {} tables read back", tables.len()));
                continue;
            }
            for (g, t) in given.iter().zip(tables) {
                for (name, v) in g.iter() {
                    if t.get(name) != Some(v) {
                        failures.push(format!(
                            "{who}: `{name}` = {v} reads back as {:?}",
                            t.get(name)
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `settings_of` → `build` gives a processor that reports the same settings and, prepared the
/// same way, renders the same input to the same bits. Also: `settings_of` reports every
/// declared setting, and every parameter as given.
fn round_trip(kind: &Kind, settings: &Settings) -> Result<(), String> {
    let d = kind.description;
    let who = format!("{} with {settings}", d.kind);
    no_panic(&who, || {
        let Built::Ok(original, settings) = build_valid(kind, settings)? else {
            return Ok(());
        };
        let settings = &settings;
        let reported = registry::settings_of(original.as_ref());

        let declared: Vec<&str> = d
            .options
            .iter()
            .map(|o| o.name)
            .chain(d.params.iter().map(|p| p.name))
            .collect();
        let got: Vec<&str> = reported.iter().map(|(n, _)| n).collect();
        if got.len() != declared.len() || declared.iter().any(|n| !got.contains(n)) {
            return Err(format!(
                "{who}: settings_of gives {got:?}, the description declares {declared:?}"
            ));
        }
        // Parameters are reported as given (options may come back in their canonical
        // spelling: a filter `kind` of "high_pass_1" as "high_pass" of order 1).
        for (name, given) in settings.iter().filter(|(n, _)| d.param(n).is_some()) {
            let back = reported.get(name);
            if back != Some(given) {
                return Err(format!(
                    "{who}: `{name}` was given {given} but settings_of reports {back:?}"
                ));
            }
        }

        let rebuilt = registry::build(d.kind, &reported).map_err(|e| {
            format!("{who}: settings_of gave {reported}, which does not build: {e}")
        })?;
        let again = registry::settings_of(rebuilt.as_ref());
        if again != reported {
            return Err(format!(
                "{who}: settings_of differs after rebuilding:\n  {reported}\n  {again}"
            ));
        }

        for channels in channel_counts(d) {
            let spec = ProcessSpec::new(SR, MAX_BLOCK, channels);
            let mut a = prepared(kind, settings, spec).map_err(|e| format!("{who}: {e}"))?;
            let mut b = registry::build(d.kind, &reported).map_err(|e| e.to_string())?;
            b.prepare(spec)
                .map_err(|e| format!("{who}: rebuilt one does not prepare: {e}"))?;
            if a.latency_frames() != b.latency_frames() {
                return Err(format!(
                    "{who}: latency {} vs {} after the round trip",
                    a.latency_frames(),
                    b.latency_frames()
                ));
            }
            let input = input_for(a.as_ref(), channels);
            let x = render_whole(a.as_mut(), &input);
            let y = render_whole(b.as_mut(), &input);
            if !same_bits(&x, &y) {
                return Err(format!(
                    "{who}, {channels} ch: the rebuilt processor's output differs (max diff {})",
                    max_diff(&x, &y)
                ));
            }
        }
        Ok(())
    })
}

#[test]
fn settings_round_trip_gives_the_same_output_bit_for_bit() {
    let mut runner = TestRunner::deterministic();
    let mut failures = Vec::new();
    for kind in registry::kinds() {
        let d = kind.description;
        let strategy = settings_of_kind(d);
        let mut cases = vec![Settings::new(), default_settings(d)];
        for _ in 0..6 {
            cases.push(strategy.new_tree(&mut runner).unwrap().current());
        }
        for s in &cases {
            if let Err(e) = round_trip(kind, s) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_alias_builds_its_kind() {
    for kind in registry::kinds() {
        let d = kind.description;
        for alias in d.aliases {
            let p = registry::build(alias, &Settings::new())
                .unwrap_or_else(|e| panic!("alias `{alias}` of {}: {e}", d.kind));
            assert_eq!(p.name(), d.kind, "alias `{alias}`");
        }
        let p = registry::build(d.kind, &Settings::new()).unwrap();
        assert_eq!(p.name(), d.kind);
        assert_eq!(p.description(), Some(d), "{}: description", d.kind);
        assert_eq!(p.params(), d.params, "{}: params", d.kind);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Invalid settings are errors naming the setting.
//
// KNOWN CORE BUGS these tests find (reported, not fixed here; the tests fail until they are):
// - filter: the parameters `frequency_hz` and `q` are declared [1, 768000] and [0.001, 100],
//   but `Filter::set_frequency` accepts anything in (0, Nyquist) and `Filter::set_q` anything
//   in (0, 100], so `registry::build("filter", {frequency_hz = 0.999999})` and
//   `{q = 0.000999}` (even 1e-6 Hz, Q 1e-9) are accepted. The equalizer's band tables check
//   the declared ranges and refuse the same values.
// - delay: the parameter `time_ms` is declared [0, 10000], but `Delay::set_time_ms` accepts
//   up to `max_ms` (declared up to 60000): `{max_ms = 60000, time_ms = 15001}` is accepted.

/// Builds `kind_name` from `settings`, which must fail (not panic) with an error naming every
/// one of `must_name`.
fn refused(kind_name: &str, settings: &Settings, must_name: &[&str]) -> Result<(), String> {
    let who = format!("{kind_name} with {settings}");
    no_panic(&who, || match registry::build(kind_name, settings) {
        Ok(_) => Err(format!(
            "{who}: accepted (expected an error naming {must_name:?})"
        )),
        Err(e) => {
            let msg = e.to_string();
            let missing: Vec<&&str> = must_name.iter().filter(|n| !names(&msg, n)).collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("{who}: the error does not name {missing:?}: {msg}"))
            }
        }
    })
}

/// Documented exceptions to "out of the declared range is an error".
fn accepted_by_design(kind: &str, name: &str, v: f64) -> bool {
    // A gain of -inf dB is silence.
    kind == "gain" && name == "gain_db" && v == f64::NEG_INFINITY
}

/// Numbers outside `[min, max]`: just outside each end, far outside, NaN, ±inf, ±1e300.
fn out_of_range(min: f64, max: f64) -> Vec<f64> {
    let span = (max - min).max(1.0);
    let eps = |b: f64| 1e-6 * b.abs().max(1.0);
    [
        min - eps(min),
        max + eps(max),
        min - 0.5 * span - 1.0,
        max + 0.5 * span + 1.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e300,
        -1e300,
    ]
    .into_iter()
    .filter(|v| !(min..=max).contains(v))
    .collect()
}

/// One invalid value of a setting, with what the error must name.
struct Invalid {
    value: Value,
    what: String,
}

fn invalid(value: impl Into<Value>, what: &str) -> Invalid {
    Invalid {
        value: value.into(),
        what: what.to_string(),
    }
}

/// Every invalid value of an option the tests can derive from its declaration.
fn invalid_option_values(o: &OptionInfo) -> Vec<Invalid> {
    let mut v = Vec::new();
    let list = Value::List(vec![Settings::new()]);
    match o.kind {
        OptionKind::Choice { choices, .. } => {
            v.push(invalid("definitely_not_a_choice", "unknown choice"));
            v.push(invalid("", "empty choice"));
            if let Some(c) = choices.first() {
                v.push(invalid(c.to_uppercase(), "choice in capitals"));
                v.push(invalid(format!(" {c}"), "choice with a space"));
            }
            v.push(invalid(1.0, "number for a choice"));
            v.push(invalid(true, "bool for a choice"));
            v.push(invalid(list, "list for a choice"));
        }
        OptionKind::Switch { .. } => {
            for x in [0.5, 2.0, -1.0, f64::NAN, f64::INFINITY] {
                v.push(invalid(x, &format!("number {x} for a switch")));
            }
            v.push(invalid("true", "string for a switch"));
            v.push(invalid(list, "list for a switch"));
        }
        OptionKind::Number {
            min, max, integer, ..
        } => {
            for x in out_of_range(min, max) {
                v.push(invalid(x, &format!("{x}")));
            }
            if integer && min + 0.5 < max {
                v.push(invalid(min + 0.5, "not a whole number"));
            }
            v.push(invalid("12", "string for a number"));
            v.push(invalid(true, "bool for a number"));
            v.push(invalid(list, "list for a number"));
        }
        OptionKind::List { .. } => {
            v.push(invalid(1.0, "number for a list"));
            v.push(invalid("bands", "string for a list"));
            v.push(invalid(true, "bool for a list"));
        }
        OptionKind::Audio { .. } => {
            v.push(invalid(1.0, "number for an audio name"));
            v.push(invalid(true, "bool for an audio name"));
            v.push(invalid(list, "list for an audio name"));
        }
    }
    v
}

fn invalid_param_values(kind: &str, p: &ParamInfo) -> Vec<Invalid> {
    let mut v: Vec<Invalid> = out_of_range(p.min, p.max)
        .into_iter()
        .filter(|&x| !accepted_by_design(kind, p.name, x))
        .map(|x| invalid(x, &format!("{x}")))
        .collect();
    v.push(invalid("1", "string for a parameter"));
    v.push(invalid(Value::List(Vec::new()), "list for a parameter"));
    if !p.is_toggle() {
        v.push(invalid(true, "bool for a continuous parameter"));
    }
    v
}

/// Valid settings to start the invalid cases from: the defaults, and every number option at
/// the top (then the bottom) of its usable range, since the range of a parameter may depend on
/// an option (a delay's time on its `max_ms`).
fn bases(d: &Description) -> Vec<(&'static str, Settings)> {
    let ends = |top: bool| -> Settings {
        let mut s = Settings::new();
        for o in d.options {
            if let OptionKind::Number { min, max, .. } = o.kind {
                let (lo, hi) = usable_range(o.name, min, max, SR);
                s.set(o.name, if top { hi } else { lo });
            }
        }
        s
    };
    vec![
        ("defaults", Settings::new()),
        ("number options at their maxima", ends(true)),
        ("number options at their minima", ends(false)),
    ]
}

/// The fixed invalid cases of one kind, each from `base`: `(settings, names the error must
/// contain, what)`.
fn invalid_cases(d: &Description, base: &Settings) -> Vec<(Settings, Vec<String>, String)> {
    let mut cases = Vec::new();
    let mut every_name: Vec<String> = d
        .options
        .iter()
        .map(|o| o.name.to_string())
        .chain(d.params.iter().map(|p| p.name.to_string()))
        .collect();
    every_name.push("no_such_setting".into());
    cases.push((
        base.clone().with("no_such_setting", 1.0),
        every_name,
        "unknown setting".to_string(),
    ));
    for p in d.params {
        for bad in invalid_param_values(d.kind, p) {
            cases.push((
                base.clone().with(p.name, bad.value),
                vec![p.name.to_string()],
                bad.what,
            ));
        }
    }
    for o in d.options {
        for bad in invalid_option_values(o) {
            cases.push((
                base.clone().with(o.name, bad.value),
                vec![o.name.to_string()],
                bad.what,
            ));
        }
        let OptionKind::List { fields } = o.kind else {
            continue;
        };
        // Bad tables: after a valid one, so the error must say which (and name the field).
        let good = example_tables(o).remove(0);
        let with_table = |t: Settings| base.clone().with(o.name, vec![good.clone(), t]);
        let mut all_fields: Vec<String> = fields.iter().map(|f| f.name.to_string()).collect();
        all_fields.push(o.name.to_string());
        all_fields.push("no_such_field".to_string());
        cases.push((
            with_table(good.clone().with("no_such_field", 1.0)),
            all_fields,
            "unknown field".to_string(),
        ));
        cases.push((
            with_table(good.clone().with("frequency_hz", "1000")),
            vec![o.name.to_string(), "frequency_hz".to_string()],
            "string frequency".to_string(),
        ));
        for f in fields {
            for bad in invalid_option_values(f) {
                cases.push((
                    with_table(good.clone().with(f.name, bad.value)),
                    vec![o.name.to_string(), f.name.to_string()],
                    format!("field: {}", bad.what),
                ));
            }
        }
    }
    cases
}

// Fails until the KNOWN CORE BUGS above are fixed (filter `frequency_hz` and `q`, delay
// `time_ms`): it lists every case it finds.
#[test]
fn invalid_settings_are_errors_naming_the_setting() {
    let mut failures = Vec::new();

    // An unknown kind: the error names it and lists the valid ones.
    let kinds: Vec<&str> = registry::kinds()
        .iter()
        .map(|k| k.description.kind)
        .collect();
    assert!(kinds.contains(&"compressor"));
    for name in ["no_such_processor", "compresor", "compressor_"] {
        let mut must = kinds.clone();
        must.push(name);
        if let Err(e) = refused(name, &Settings::new().with("ratio", 4.0), &must) {
            failures.push(e);
        }
    }
    if let Err(e) = refused("", &Settings::new(), &kinds) {
        failures.push(e);
    }

    let mut count = 0;
    for kind in registry::kinds() {
        let d = kind.description;
        let mut tried: Vec<Settings> = Vec::new();
        for (base_name, base) in bases(d) {
            // (Minus any setting the kind refuses with an error naming it: a filter order
            // other than 2 for the default peaking type.)
            let base = match build_valid(kind, &base) {
                Ok(Built::Ok(_, base)) if !tried.contains(&base) => base,
                Ok(_) => continue,
                Err(e) => {
                    failures.push(format!("({base_name}) {e}"));
                    continue;
                }
            };
            tried.push(base.clone());
            for (settings, must, what) in invalid_cases(d, &base) {
                count += 1;
                let must: Vec<&str> = must.iter().map(|s| s.as_str()).collect();
                if let Err(e) = refused(d.kind, &settings, &must) {
                    failures.push(format!("[{what}] {e}"));
                }
            }
        }
    }
    assert!(count > 200, "only {count} invalid cases");
    assert!(
        failures.is_empty(),
        "{} of {count} invalid settings were not refused with an error naming them:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A random invalid value, applied to a setting chosen at random.
#[derive(Debug, Clone)]
enum Bad {
    /// Below the minimum by `10^e × max(1, max − min)`.
    Below(f64),
    /// Above the maximum by as much.
    Above(f64),
    NonFinite(f64),
    /// A whole number plus a fraction (for integer options).
    NotWhole(f64, f64),
    Text(String),
    Bool(bool),
    List,
    /// A setting (or band field) name that is not declared.
    UnknownName(String),
}

fn bad_values() -> impl Strategy<Value = Bad> {
    prop_oneof![
        // Just outside (off-by-a-bit range checks) or well outside.
        prop_oneof![-9.0f64..-3.0, -3.0f64..6.0].prop_map(Bad::Below),
        prop_oneof![-9.0f64..-3.0, -3.0f64..6.0].prop_map(Bad::Above),
        prop::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN
        ])
        .prop_map(Bad::NonFinite),
        (0.0f64..1.0, 0.01f64..0.99).prop_map(|(a, b)| Bad::NotWhole(a, b)),
        "[a-z_]{1,12}".prop_map(Bad::Text),
        any::<bool>().prop_map(Bad::Bool),
        Just(Bad::List),
        "[a-z_]{1,12}".prop_map(Bad::UnknownName),
    ]
}

/// A setting the random invalid value goes to.
#[derive(Clone, Copy)]
enum Target {
    Param(&'static ParamInfo),
    Option(&'static OptionInfo),
    /// A field of one table of a list option.
    Field(&'static OptionInfo, &'static OptionInfo),
}

fn targets(d: &'static Description) -> Vec<Target> {
    let mut t: Vec<Target> = d.params.iter().map(Target::Param).collect();
    for o in d.options {
        t.push(Target::Option(o));
        if let OptionKind::List { fields } = o.kind {
            t.extend(fields.iter().map(|f| Target::Field(o, f)));
        }
    }
    t
}

/// The invalid number `bad` gives for range `[min, max]`, if it gives one.
fn bad_number(bad: &Bad, min: f64, max: f64, integer: bool) -> Option<f64> {
    let span = (max - min).max(1.0);
    let v = match *bad {
        Bad::Below(e) => min - 10f64.powf(e) * span,
        Bad::Above(e) => max + 10f64.powf(e) * span,
        Bad::NonFinite(x) => x,
        Bad::NotWhole(a, f) if integer => (min + a * (max - min)).floor() + f,
        _ => return None,
    };
    (!(min..=max).contains(&v) || (integer && v.floor() != v)).then_some(v)
}

/// The invalid value of `bad` for a non-list option, if `bad` makes one for it.
fn bad_option_value(o: &OptionInfo, bad: &Bad) -> Option<Value> {
    match (o.kind, bad) {
        (_, Bad::UnknownName(_)) => None,
        (OptionKind::Choice { choices, .. }, Bad::Text(s)) => {
            let s = format!("not_{s}");
            (!choices.contains(&s.as_str())).then_some(Value::Text(s))
        }
        (OptionKind::Choice { .. }, Bad::Bool(b)) => Some(Value::Bool(*b)),
        (OptionKind::Choice { .. }, Bad::List) => text_or_list(bad),
        (OptionKind::Choice { .. }, _) => Some(Value::Number(
            bad_number(bad, 0.0, 0.0, false).unwrap_or(1.0),
        )),
        (OptionKind::Switch { .. }, Bad::Bool(_)) => None,
        (OptionKind::Number { .. }, Bad::Bool(b)) => Some(Value::Bool(*b)),
        (OptionKind::Switch { .. }, _) => bad_number(bad, 0.0, 1.0, true)
            .map(Value::Number)
            .or_else(|| text_or_list(bad)),
        (
            OptionKind::Number {
                min, max, integer, ..
            },
            _,
        ) => bad_number(bad, min, max, integer)
            .map(Value::Number)
            .or_else(|| text_or_list(bad)),
        (OptionKind::List { .. }, Bad::List) => None,
        (OptionKind::List { .. }, Bad::Bool(b)) => Some(Value::Bool(*b)),
        (OptionKind::List { .. }, _) => bad_number(bad, 0.0, 0.0, false)
            .map(Value::Number)
            .or_else(|| text_or_list(bad)),
        // Any text is a name; anything else is refused.
        (OptionKind::Audio { .. }, Bad::Text(_)) => None,
        (OptionKind::Audio { .. }, Bad::Bool(b)) => Some(Value::Bool(*b)),
        (OptionKind::Audio { .. }, Bad::List) => Some(Value::List(Vec::new())),
        (OptionKind::Audio { .. }, _) => Some(Value::Number(
            bad_number(bad, 0.0, 0.0, false).unwrap_or(1.0),
        )),
    }
}

fn text_or_list(bad: &Bad) -> Option<Value> {
    match bad {
        Bad::Text(s) => Some(Value::Text(s.clone())),
        Bad::List => Some(Value::List(vec![Settings::new()])),
        _ => None,
    }
}

/// Applies `bad` to `target` in `base` (valid settings of `d`'s kind). Returns the settings
/// and the names the error must contain, or `None` if `bad` makes no invalid value for it.
fn make_invalid(
    d: &Description,
    base: &Settings,
    target: Target,
    bad: &Bad,
) -> Option<(Settings, Vec<String>)> {
    let mut s = base.clone();
    match target {
        Target::Param(p) => {
            let v = match bad {
                Bad::UnknownName(n) => {
                    let n = format!("no_{n}");
                    s.set(&n, 1.0);
                    return Some((s, vec![n]));
                }
                Bad::Bool(b) if !p.is_toggle() => Value::Bool(*b),
                Bad::Bool(_) => return None,
                _ => bad_number(bad, p.min, p.max, false)
                    .filter(|&x| !accepted_by_design(d.kind, p.name, x))
                    .map(Value::Number)
                    .or_else(|| text_or_list(bad))?,
            };
            s.set(p.name, v);
            Some((s, vec![p.name.to_string()]))
        }
        Target::Option(o) => {
            s.set(o.name, bad_option_value(o, bad)?);
            Some((s, vec![o.name.to_string()]))
        }
        Target::Field(list, f) => {
            let mut t = example_tables(list).remove(0);
            let field = match bad {
                Bad::UnknownName(n) => {
                    let n = format!("no_{n}");
                    t.set(&n, 1.0);
                    n
                }
                _ => {
                    t.set(f.name, bad_option_value(f, bad)?);
                    f.name.to_string()
                }
            };
            let mut tables = match s.get(list.name) {
                Some(Value::List(l)) => l.clone(),
                _ => Vec::new(),
            };
            tables.push(t);
            s.set(list.name, tables);
            Some((s, vec![list.name.to_string(), field]))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    })]

    // Fails until the KNOWN CORE BUGS above are fixed (it finds the delay `time_ms` one in
    // nearly every run, the filter ones often).
    /// Random valid settings of every kind with one setting (or band field) made invalid by
    /// a random bad value, for each setting in turn: an `Err` naming it, never a panic, never
    /// accepted.
    #[test]
    fn random_invalid_settings_are_errors_naming_the_setting(
        every in settings_of_every_kind(),
        bad in bad_values(),
    ) {
        let mut failures = Vec::new();
        for (kind, base) in registry::kinds().iter().zip(&every) {
            let d = kind.description;
            // A base that builds, so that the error can only come from the invalid setting.
            let base = match build_valid(kind, base) {
                Ok(Built::Ok(_, base)) => base,
                _ => Settings::new(),
            };
            for target in targets(d) {
                let Some((settings, must)) = make_invalid(d, &base, target, &bad) else {
                    continue;
                };
                let must: Vec<&str> = must.iter().map(|s| s.as_str()).collect();
                if let Err(e) = refused(d.kind, &settings, &must) {
                    failures.push(format!("[{bad:?}] {e}"));
                }
            }
        }
        prop_assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

#[test]
fn unknown_parameters_are_named_by_index_and_by_name() {
    let mut p =
        mixmaster::registry::build("compressor", &mixmaster::settings::Settings::new()).unwrap();
    let count = p.params().len();
    let e = p.set_param(count, 1.0).unwrap_err().to_string();
    assert!(
        e.contains(&format!("no parameter {count}")) && e.contains(&format!("0 to {}", count - 1)),
        "{e}"
    );
    let e = p
        .set_param_by_name("treshold_db", -10.0)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`treshold_db`") && e.contains("threshold_db"),
        "{e}"
    );
}
