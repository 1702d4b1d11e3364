//! Shared test vectors: input signals, processor settings and the outputs the core renders
//! from them, kept in `tests/vectors/` so that every binding (Python, WebAssembly, C) checks
//! that it gives the core's output. `cargo run -p mixmaster-tests --bin make-vectors` writes
//! them; the `vectors` test fails when the committed files are stale.
//!
//! Files: `cases.json` (the manifest, for Python and JavaScript), `cases.txt` (the same in a
//! line format for C), and per case `NAME.in.f32` / `NAME.out.f32`: planar little-endian `f32`,
//! channel after channel. Each case is a chain of one or more stages built through the registry
//! from its settings, prepared at `sample_rate` for blocks of `block` frames and `channels`
//! channels, and run over the input in blocks of `block` frames (streaming, latency included).
//!
//! The outputs were rendered on x86-64 with AVX2 and FMA (the core's fast path). Other builds
//! round differently (FMA, libm): compare bit for bit where `has_avx2_fma` holds, else within a
//! small tolerance.

use mixmaster::registry;
use mixmaster::settings::{Settings, Value};
use mixmaster::{Chain, ProcessSpec, Processor};
use std::fmt::Write as _;

/// One stage of a case: a kind and its settings.
pub struct Stage {
    /// The registry kind.
    pub kind: &'static str,
    /// Its settings.
    pub settings: Settings,
}

/// One test vector.
pub struct Case {
    /// File stem.
    pub name: &'static str,
    /// Sample rate in Hz.
    pub sample_rate: f64,
    /// Channels.
    pub channels: usize,
    /// Frames.
    pub frames: usize,
    /// Block size (prepare's maximum and the processing block).
    pub block: usize,
    /// Input level in linear gain over the harness programme.
    pub drive: f32,
    /// The chain.
    pub stages: Vec<Stage>,
}

fn stage(kind: &'static str, settings: Settings) -> Stage {
    Stage { kind, settings }
}

fn band(kind: &str, f: f64, q: f64, g: f64) -> Settings {
    Settings::new()
        .with("kind", kind)
        .with("frequency_hz", f)
        .with("q", q)
        .with("gain_db", g)
}

/// The cases.
pub fn cases() -> Vec<Case> {
    let case = |name, channels, drive, stages| Case {
        name,
        sample_rate: 48_000.0,
        channels,
        frames: 8192,
        block: 512,
        drive,
        stages,
    };
    vec![
        case(
            "gain",
            2,
            1.0,
            vec![stage("gain", Settings::new().with("gain_db", -6.5))],
        ),
        case(
            "pan",
            2,
            1.0,
            vec![stage(
                "pan",
                Settings::new()
                    .with("pan", 0.4)
                    .with("law", "linear")
                    .with("mode", "balance"),
            )],
        ),
        case(
            "filter_peak",
            1,
            1.0,
            vec![stage(
                "filter",
                Settings::new()
                    .with("kind", "peaking")
                    .with("frequency_hz", 1000.0)
                    .with("q", 2.0)
                    .with("gain_db", 6.0),
            )],
        ),
        case(
            "filter_high_pass_4",
            2,
            1.0,
            vec![stage(
                "filter",
                Settings::new()
                    .with("kind", "high_pass")
                    .with("order", 4.0)
                    .with("frequency_hz", 120.0),
            )],
        ),
        case(
            "equalizer",
            2,
            1.0,
            vec![stage(
                "equalizer",
                Settings::new().with(
                    "bands",
                    vec![
                        band("high_pass", 40.0, 0.75, 0.0),
                        band("peaking", 400.0, 1.2, -3.0),
                        band("high_shelf", 6000.0, 0.75, 2.5).with("enabled", false),
                        band("low_shelf", 150.0, 0.75, 2.0),
                    ],
                ),
            )],
        ),
        case(
            "compressor",
            2,
            1.0,
            vec![stage(
                "compressor",
                Settings::new()
                    .with("threshold_db", -24.0)
                    .with("ratio", 4.0)
                    .with("attack_ms", 5.0)
                    .with("release_ms", 80.0)
                    .with("makeup_db", 3.0)
                    .with("detector", "rms"),
            )],
        ),
        case(
            "delay",
            2,
            1.0,
            vec![stage(
                "delay",
                Settings::new()
                    .with("max_ms", 200.0)
                    .with("time_ms", 37.5)
                    .with("feedback", 0.5)
                    .with("ping_pong", true),
            )],
        ),
        case(
            "reverb",
            2,
            1.0,
            vec![stage(
                "reverb",
                Settings::new().with("decay_s", 1.5).with("mix", 0.4),
            )],
        ),
        case(
            "linear_phase_eq",
            2,
            1.0,
            vec![stage(
                "linear_phase_eq",
                Settings::new()
                    .with("taps", 1023.0)
                    .with("partition", 256.0)
                    .with("bands", vec![band("low_shelf", 200.0, 0.75, 3.0)]),
            )],
        ),
        case(
            "limiter",
            2,
            4.0,
            vec![stage(
                "limiter",
                Settings::new()
                    .with("ceiling_dbtp", -1.0)
                    .with("lookahead_ms", 3.0)
                    .with("release_ms", 50.0),
            )],
        ),
        case(
            "saturation",
            2,
            1.0,
            vec![stage(
                "saturation",
                Settings::new()
                    .with("drive_db", 12.0)
                    .with("curve", "asymmetric"),
            )],
        ),
        case(
            "stereo_width",
            2,
            1.0,
            vec![stage(
                "stereo_width",
                Settings::new()
                    .with("width", 1.5)
                    .with("bass_mono_hz", 120.0),
            )],
        ),
        case(
            "dither",
            2,
            0.01,
            vec![stage(
                "dither",
                Settings::new()
                    .with("bits", 16.0)
                    .with("shaping", "second_order")
                    .with("seed", 7.0),
            )],
        ),
        case(
            "master_chain",
            2,
            2.0,
            vec![
                stage(
                    "equalizer",
                    Settings::new().with("bands", vec![band("peaking", 2500.0, 1.4, -2.0)]),
                ),
                stage(
                    "compressor",
                    Settings::new()
                        .with("threshold_db", -20.0)
                        .with("ratio", 2.0),
                ),
                stage("limiter", Settings::new().with("ceiling_dbtp", -1.0)),
            ],
        ),
    ]
}

/// The case's input, planar.
pub fn input(c: &Case) -> Vec<Vec<f32>> {
    crate::programme(c.channels, c.frames, c.sample_rate)
        .into_iter()
        .map(|ch| ch.into_iter().map(|x| x * c.drive).collect())
        .collect()
}

/// The case's chain, built through the registry.
pub fn chain(c: &Case) -> Chain {
    let mut chain = Chain::new();
    for s in &c.stages {
        chain.push(registry::build(s.kind, &s.settings).expect("vector settings are valid"));
    }
    chain
}

/// Renders a case through the core: blocks of `block` frames, streaming.
pub fn render(c: &Case) -> Vec<Vec<f32>> {
    let mut chain = chain(c);
    chain
        .prepare(ProcessSpec::new(c.sample_rate, c.block, c.channels))
        .expect("vector spec is valid");
    let input = input(c);
    let block = c.block;
    crate::render(&mut chain, &input, &mut || block)
}

/// Planar `f32` little-endian bytes.
pub fn to_bytes(planar: &[Vec<f32>]) -> Vec<u8> {
    planar
        .iter()
        .flatten()
        .flat_map(|x| x.to_le_bytes())
        .collect()
}

fn json_value(v: &Value) -> String {
    match v {
        Value::Number(x) => format!("{x:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Text(s) => format!("\"{s}\""),
        Value::List(l) => {
            let items: Vec<String> = l.iter().map(json_settings).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

fn json_settings(s: &Settings) -> String {
    let fields: Vec<String> = s
        .iter()
        .map(|(n, v)| format!("\"{n}\": {}", json_value(v)))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

/// The JSON manifest.
pub fn manifest_json(cases: &[Case]) -> String {
    let mut s = String::from("[\n");
    for (i, c) in cases.iter().enumerate() {
        let stages: Vec<String> = c
            .stages
            .iter()
            .map(|st| {
                format!(
                    "{{\"kind\": \"{}\", \"settings\": {}}}",
                    st.kind,
                    json_settings(&st.settings)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "  {{\"name\": \"{n}\", \"sample_rate\": {sr:?}, \"channels\": {ch}, \"frames\": {fr}, \"block\": {bl}, \"input\": \"{n}.in.f32\", \"output\": \"{n}.out.f32\", \"stages\": [{st}]}}{comma}",
            n = c.name,
            sr = c.sample_rate,
            ch = c.channels,
            fr = c.frames,
            bl = c.block,
            st = stages.join(", "),
            comma = if i + 1 < cases.len() { "," } else { "" }
        );
    }
    s.push_str("]\n");
    s
}

/// The line manifest for C: `case NAME RATE CHANNELS FRAMES BLOCK`, `stage KIND`, settings as
/// `number|bool|text NAME VALUE`, list items as `item LIST` followed by `inumber|ibool|itext`
/// fields, and `end`.
pub fn manifest_txt(cases: &[Case]) -> String {
    let mut s =
        String::from("# mixmaster test vectors (see tests/src/vectors.rs); one setting per line\n");
    for c in cases {
        let _ = writeln!(
            s,
            "case {} {:?} {} {} {}",
            c.name, c.sample_rate, c.channels, c.frames, c.block
        );
        for st in &c.stages {
            let _ = writeln!(s, "stage {}", st.kind);
            for (n, v) in st.settings.iter() {
                match v {
                    Value::List(items) => {
                        for item in items {
                            let _ = writeln!(s, "item {n}");
                            for (f, fv) in item.iter() {
                                let _ = writeln!(s, "i{}", txt_setting(f, fv));
                            }
                        }
                    }
                    _ => {
                        let _ = writeln!(s, "{}", txt_setting(n, v));
                    }
                }
            }
        }
        s.push_str("end\n");
    }
    s
}

fn txt_setting(name: &str, v: &Value) -> String {
    match v {
        Value::Number(x) => format!("number {name} {x:?}"),
        Value::Bool(b) => format!("bool {name} {}", u8::from(*b)),
        Value::Text(t) => format!("text {name} {t}"),
        Value::List(_) => unreachable!("nested lists are not used"),
    }
}
