//! The session library end to end: TOML round trips, every declared setting of every processor
//! kind reaching session files, rendering from buffers, and errors that name what is wrong.

use mixmaster::mix::Node;
use mixmaster::registry;
use mixmaster::settings::{OptionKind, Settings, Value};
use mixmaster_session::{Buffer, Insert, RenderOptions, Session, TrackSource};

/// A session with every part of the format: buses, sends, automation of each kind, inserts of
/// several kinds with options and band lists, a master chain and a loudness target.
const FULL: &str = r#"
sample_rate = 48000

[[track]]
name = "drums"
gain_db = -3.0
pan = -0.2
[[track.insert]]
type = "eq"
bands = [
  { kind = "high_pass", frequency_hz = 35.0 },
  { kind = "peaking", frequency_hz = 400.0, q = 1.2, gain_db = -2.5 },
]
[[track.insert]]
type = "compressor"
threshold_db = -20.0
detector = "rms"
linked = false
[[track.send]]
bus = "verb"
level_db = -12.0
[[track.automation]]
param = "gain_db"
points = [[0.0, -3.0], [0.5, -9.0, "exponential"], [1.0, -3.0, "hold"]]
[[track.automation]]
param = "send.verb"
points = [[0.0, -30.0], [1.0, -6.0]]

[[track]]
name = "keys"
pan_law = "linear"
output = "group"
[[track.insert]]
type = "filter"
kind = "high_pass"
order = 4
frequency_hz = 120.0
[[track.insert]]
type = "saturation"
curve = "asymmetric"
drive_db = 9.0
[[track.automation]]
param = "insert.1.drive_db"
points = [[0.0, 3.0], [1.0, 12.0]]
[[track.send]]
bus = "verb"
level_db = -18.0
pre_fader = true

[[bus]]
name = "group"
gain_db = -1.0
[[bus.insert]]
type = "delay"
max_ms = 500.0
time_ms = 120.0
ping_pong = true

[[bus]]
name = "verb"
[[bus.insert]]
type = "reverb"
mix = 1.0
decay_s = 1.2

[master]
gain_db = -0.5
[[master.insert]]
type = "linear_phase_eq"
taps = 1023
bands = [{ kind = "low_shelf", frequency_hz = 100.0, gain_db = 1.5 }]
[[master.insert]]
type = "limiter"
ceiling_dbtp = -1.0
lookahead_ms = 3.0
auto_release = true
[[master.automation]]
param = "pan"
points = [[0.0, 0.0]]
[master.normalize]
preset = "spotify"
"#;

fn tone(freq: f32, frames: usize, phase: f32) -> Vec<f32> {
    (0..frames)
        .map(|n| {
            let t = n as f32 / 48_000.0;
            0.4 * (std::f32::consts::TAU * freq * t + phase).sin()
                + 0.1 * (std::f32::consts::TAU * freq * 3.1 * t).sin()
        })
        .collect()
}

fn sources(frames: usize) -> Vec<Box<dyn TrackSource>> {
    vec![
        Box::new(Buffer::mono(tone(110.0, frames, 0.0))),
        Box::new(Buffer::new(vec![tone(330.0, frames, 0.3), tone(440.0, frames, 1.0)]).unwrap()),
    ]
}

fn bits(channels: &[Vec<f32>]) -> Vec<u32> {
    channels.iter().flatten().map(|x| x.to_bits()).collect()
}

#[test]
fn load_save_load_gives_the_same_session_and_the_same_mix_bit_for_bit() {
    let a = Session::from_toml(FULL).unwrap();
    let text = a.to_toml().unwrap();
    let b = Session::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(a, b, "{text}");
    assert_eq!(b.to_toml().unwrap(), text, "writing is stable");
    let opts = RenderOptions::default();
    let ma = a.render(48_000, sources(48_000), &opts).unwrap();
    let mb = b.render(48_000, sources(48_000), &opts).unwrap();
    assert_eq!(ma.channels[0].len(), mb.channels[0].len());
    assert!(ma.channels[0].len() >= 48_000);
    assert_eq!(bits(&ma.channels), bits(&mb.channels));
    // The mix is not silence, and it is finite.
    let peak = ma
        .channels
        .iter()
        .flatten()
        .fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(peak > 0.01 && peak.is_finite(), "peak {peak}");
    // The model holds what the file says.
    assert_eq!(
        a.tracks[1].inserts[0].settings.get("order"),
        Some(&Value::Number(4.0))
    );
    assert_eq!(a.buses.len(), 2);
    assert_eq!(
        a.master.normalize.as_ref().unwrap().preset.as_deref(),
        Some("spotify")
    );
}

#[test]
fn a_session_built_in_code_renders_as_its_toml_does() {
    let mut s = Session::from_toml("[[track]]\nname = \"a\"\n").unwrap();
    s.tracks[0].inserts.push(Insert::new(
        "compressor",
        Settings::new()
            .with("threshold_db", -30.0)
            .with("ratio", 8.0),
    ));
    let again = Session::from_toml(&s.to_toml().unwrap()).unwrap();
    let one = |s: &Session| {
        s.render(
            48_000,
            vec![Box::new(Buffer::mono(tone(200.0, 9_600, 0.0)))],
            &RenderOptions::default(),
        )
        .unwrap()
    };
    assert_eq!(bits(&one(&s).channels), bits(&one(&again).channels));
}

/// Candidate non-default values for a setting, from its declaration alone.
fn candidates(kind: &OptionKind) -> Vec<Value> {
    match *kind {
        OptionKind::Choice { choices, default } => choices
            .iter()
            .filter(|c| **c != default)
            .map(|c| Value::Text(c.to_string()))
            .collect(),
        OptionKind::Switch { default } => vec![Value::Bool(!default)],
        OptionKind::Number {
            min,
            max,
            default,
            integer,
            ..
        } => number_candidates(min, max, default, integer),
        // A file name (the test's reader hands over a short response for any name).
        OptionKind::Audio { .. } => vec![Value::Text("room.wav".into())],
        OptionKind::List { fields } => {
            // One band with every field at a non-default value that builds.
            let mut band = Settings::new();
            for f in fields {
                if let Some(v) = candidates(&f.kind).into_iter().next() {
                    band.set(f.name, v);
                }
            }
            vec![
                Value::List(vec![
                    Settings::new()
                        .with("kind", "peaking")
                        .with("frequency_hz", 900.0)
                        .with("q", 2.0)
                        .with("gain_db", -4.0),
                ]),
                Value::List(vec![band]),
            ]
        }
    }
}

fn number_candidates(min: f64, max: f64, default: f64, integer: bool) -> Vec<Value> {
    let mut v = vec![
        default + 0.1 * (max - default),
        default - 0.1 * (default - min),
        default * 1.5,
        min,
        max,
        0.5 * (min + max),
        100.0,
        1.0,
    ];
    if integer {
        v.iter_mut().for_each(|x| *x = x.round());
    }
    v.into_iter()
        .filter(|x| *x != default && *x >= min && *x <= max)
        .map(Value::Number)
        .collect()
}

/// Writes one insert table with `settings` as TOML by hand (not through the library's writer).
fn insert_toml(kind: &str, settings: &Settings) -> String {
    let mut t = format!("[[track.insert]]\ntype = \"{kind}\"\n");
    for (name, v) in settings.iter() {
        t += &format!("{name} = {}\n", toml_value(v));
    }
    t
}

fn toml_value(v: &Value) -> String {
    match v {
        Value::Number(x) if x.is_infinite() => (if *x > 0.0 { "inf" } else { "-inf" }).into(),
        Value::Number(x) => format!("{x:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Text(s) => format!("\"{s}\""),
        Value::List(l) => {
            let items: Vec<String> = l
                .iter()
                .map(|t| {
                    let f: Vec<String> = t
                        .iter()
                        .map(|(n, v)| format!("{n} = {}", toml_value(v)))
                        .collect();
                    format!("{{ {} }}", f.join(", "))
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// Hands over a short stereo response for any file name.
struct AnyFile;

impl mixmaster_session::AudioFiles for AnyFile {
    fn load(&mut self, _: &str, _: u32) -> mixmaster_session::Result<Vec<Vec<f32>>> {
        Ok(vec![vec![1.0, 0.5, 0.25]; 2])
    }
}

/// Builds a session with one insert of `kind` given `settings`, through the TOML text, and
/// returns the insert's settings as the built processor reports them.
fn through_a_session_file(
    kind: &str,
    channels: usize,
    settings: &Settings,
) -> Result<Settings, String> {
    let text = format!("[[track]]\nname = \"t\"\n{}", insert_toml(kind, settings));
    let s = Session::from_toml(&text).map_err(|e| e.to_string())?;
    // And through the library's writer too.
    let s = Session::from_toml(&s.to_toml().unwrap()).map_err(|e| e.to_string())?;
    let mut m = s
        .build_mixer_with(48_000, &[channels], &mut AnyFile)
        .map_err(|e| e.to_string())?;
    let inserts = m.inserts_mut(Node::Track(0)).unwrap();
    Ok(registry::settings_of(inserts[0].as_ref()))
}

fn same(given: &Value, got: &Value) -> bool {
    match (given, got) {
        (Value::Number(a), Value::Number(b)) => a == b,
        (Value::Number(a), Value::Bool(b)) | (Value::Bool(b), Value::Number(a)) => {
            (*a == 1.0) == *b
        }
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|(ta, tb)| {
                    ta.iter()
                        .all(|(n, v)| tb.get(n).is_some_and(|w| same(v, w)))
                })
        }
        (a, b) => a == b,
    }
}

/// Adding a setting to a processor's declaration is all it takes for it to reach session
/// files: every declared option and parameter of every registered kind, set to a value other
/// than its default in a session file, comes back from the built insert.
#[test]
fn every_declared_setting_of_every_kind_reaches_session_files() {
    let mut checked = 0;
    for k in registry::kinds() {
        let d = k.description;
        let channels = if d.channels == "2" { 2 } else { 1 };
        let mut settings: Vec<(&str, Vec<Value>)> = d
            .options
            .iter()
            .map(|o| (o.name, candidates(&o.kind)))
            .collect();
        for p in d.params {
            let c = if p.is_toggle() {
                vec![Value::Bool(p.default < 0.5)]
            } else {
                number_candidates(p.min, p.max, p.default, false)
            };
            settings.push((p.name, c));
        }
        // Some values only make sense with another choice (a filter's order with a pass type):
        // try each candidate alone, then beside each choice of the kind's other options.
        let contexts: Vec<Settings> = std::iter::once(Settings::new())
            .chain(d.options.iter().flat_map(|o| {
                match o.kind {
                    OptionKind::Choice { choices, .. } => choices
                        .iter()
                        .map(|c| Settings::new().with(o.name, *c))
                        .collect::<Vec<_>>(),
                    _ => vec![],
                }
            }))
            .collect();
        for (name, values) in settings {
            assert!(!values.is_empty(), "{}.{name}: no candidate values", d.kind);
            let ok = values.iter().any(|v| {
                contexts
                    .iter()
                    .filter(|c| c.get(name).is_none())
                    .any(|ctx| {
                        let s = ctx.clone().with(name, v.clone());
                        match through_a_session_file(d.kind, channels, &s) {
                            Ok(back) => {
                                let got = back.get(name).unwrap_or_else(|| {
                                    panic!("{}.{name} is not reported back: {back}", d.kind)
                                });
                                assert!(same(v, got), "{}.{name}: set {v}, got {got}", d.kind);
                                true
                            }
                            Err(_) => false,
                        }
                    })
            });
            assert!(
                ok,
                "{}.{name}: no non-default value could be set from a session file",
                d.kind
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} settings checked");
}

#[test]
fn errors_name_the_kind_the_setting_and_the_place() {
    let bad = |insert: &str| {
        let text = format!("[[track]]\nname = \"a\"\n[[track.insert]]\n{insert}\n");
        match Session::from_toml(&text).and_then(|s| s.build_mixer(48_000, &[1])) {
            Ok(_) => panic!("accepted: {insert}"),
            Err(e) => e.to_string(),
        }
    };
    let e = bad("type = \"compresor\"");
    assert!(
        e.contains("unknown processor `compresor`") && e.contains("compressor, delay"),
        "{e}"
    );
    let e = bad("type = \"compressor\"\nthreshhold_db = -3.0");
    assert!(
        e.contains("track 0 `a` insert 0 (compressor): compressor has no parameter `threshhold_db` (it has: detector, linked, threshold_db"),
        "{e}"
    );
    let e = bad("type = \"compressor\"\nratio = \"high\"");
    assert!(e.contains("`ratio` must be a number, not a string"), "{e}");
    let e = bad("type = \"compressor\"\ndetector = \"loud\"");
    assert!(e.contains("unknown detector `loud` (peak, rms)"), "{e}");
    let e = bad("type = \"compressor\"\nratio = 0.5");
    assert!(e.contains("`ratio` = 0.5 is out of range"), "{e}");
    let e = bad("type = \"filter\"\nkind = \"wobble\"");
    assert!(
        e.contains("unknown kind `wobble` (low_pass, high_pass"),
        "{e}"
    );
    let e =
        bad("type = \"eq\"\nbands = [{ kind = \"peaking\", frequency_hz = 100.0, gain = 3.0 }]");
    assert!(
        e.contains("bands[0]") && e.contains("`gain`") && e.contains("gain_db"),
        "{e}"
    );
    let e = bad("type = \"eq\"\nbands = [{ kind = \"peaking\", frequency_hz = 30000.0 }]");
    assert!(e.contains("frequency_hz"), "{e}");
    let e = bad("type = \"eq\"\nbands = 3");
    assert!(
        e.contains("`bands` must be a list of tables, not a number"),
        "{e}"
    );
    let e = bad("type = \"delay\"\nmax_ms = 100.0\ntime_ms = 200.0");
    assert!(e.contains("time_ms"), "{e}");
    let e = bad("type = \"saturation\"\noversample = 3");
    assert!(e.contains("oversample") && e.contains("2, 4 or 8"), "{e}");
    // The fader and pan are named once, as the session file spells them.
    let s = Session::from_toml("[[track]]\nname = \"a\"\ngain_db = 100.0\n").unwrap();
    let e = s.build_mixer(48_000, &[1]).unwrap_err().to_string();
    assert_eq!(
        e,
        "track 0 `a`: parameter `gain_db` = 100 is out of range: allowed [-150, 48]"
    );
    let s = Session::from_toml("[[track]]\nname = \"a\"\npan = -2.0\n").unwrap();
    let e = s.build_mixer(48_000, &[1]).unwrap_err().to_string();
    assert_eq!(
        e,
        "track 0 `a`: parameter `pan` = -2 is out of range: allowed [-1, 1]"
    );
    // TOML errors carry the line and column.
    let e = Session::from_toml("[[track]]\nname = \"a\"\ngian_db = 1.0\n").unwrap_err();
    assert!(
        e.to_string().starts_with("3:1:") && e.to_string().contains("gian_db"),
        "{e}"
    );
    // Audio that does not fit the session.
    let s = Session::from_toml("[[track]]\nname = \"a\"\n[[track]]\nname = \"b\"\n").unwrap();
    let e = s
        .render(
            48_000,
            vec![Box::new(Buffer::mono(vec![0.0; 10]))],
            &Default::default(),
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("2 tracks but audio was given for 1"),
        "{e}"
    );
    let e = s
        .render(
            48_000,
            vec![
                Box::new(Buffer::mono(vec![0.0; 100])),
                Box::new(Buffer::mono(vec![0.0; 50])),
            ],
            &Default::default(),
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("track `b`") && e.to_string().contains("pad"),
        "{e}"
    );
    let padded = s
        .render(
            48_000,
            vec![
                Box::new(Buffer::mono(vec![0.5; 100])),
                Box::new(Buffer::mono(vec![0.5; 50])),
            ],
            &RenderOptions {
                pad: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(padded.channels[0].len(), 100);
    let s = Session::from_toml("sample_rate = 44100\n[[track]]\nname = \"a\"\n").unwrap();
    let e = s
        .render(
            48_000,
            vec![Box::new(Buffer::mono(vec![0.0; 10]))],
            &Default::default(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("44100"), "{e}");
    assert!(Buffer::new(vec![vec![0.0; 3]; 3]).is_err());
    assert!(Buffer::new(vec![vec![0.0; 3], vec![0.0; 4]]).is_err());
}
