//! End-to-end tests of the `mixmaster` binary: every subcommand, the JSON shape, and the errors
//! a user meets (bad files, bad session fields) as one line and a non-zero exit.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mixmaster"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mixmaster-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run mixmaster")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes a stereo (or mono) WAV of a sine at `dbfs` peak per channel.
fn sine_wav(path: &Path, channels: u16, rate: u32, seconds: f64, dbfs: f64, bits: u16) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: if bits == 32 {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let a = 10f64.powf(dbfs / 20.0);
    for n in 0..(seconds * rate as f64) as usize {
        let x = a * (2.0 * std::f64::consts::PI * 1000.0 * n as f64 / rate as f64).sin();
        for _ in 0..channels {
            if bits == 32 {
                w.write_sample(x as f32).unwrap();
            } else {
                w.write_sample((x * ((1i64 << (bits - 1)) - 1) as f64).round() as i32)
                    .unwrap();
            }
        }
    }
    w.finalize().unwrap();
}

fn meter(path: &Path) -> Value {
    let o = run(&["meter", "--json", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(stdout(&o).trim()).unwrap()
}

/// A user mistake: non-zero exit, one line on stderr that starts with the program's name and
/// contains `needle`, and no panic.
fn fails_with(o: &Output, needle: &str) {
    let err = stderr(o);
    assert!(
        !o.status.success(),
        "expected failure, got success: {}",
        stdout(o)
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("mixmaster: error:"), "{err}");
    assert!(err.contains(needle), "`{needle}` not in: {err}");
}

#[test]
fn meter_json_has_one_object_per_file_with_the_documented_keys() {
    let d = tmp("meter");
    let a = d.join("a.wav");
    let b = d.join("b.wav");
    // EBU Tech 3341 case 1: a 1 kHz sine at −23 dBFS on L and R reads −23.0 LUFS.
    sine_wav(&a, 2, 48_000, 20.0, -23.0, 24);
    sine_wav(&b, 1, 44_100, 5.0, -12.0, 16);
    let silent = d.join("silent.wav");
    sine_wav(&silent, 2, 48_000, 2.0, -200.0, 32);
    let o = run(&[
        "meter",
        "--json",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        silent.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<_> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(lines.len(), 3);
    let keys = [
        "integrated_lufs",
        "loudness_range_lu",
        "true_peak_dbtp",
        "sample_peak_dbfs",
        "max_momentary_lufs",
        "max_short_term_lufs",
    ];
    for line in &lines {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v["file"].is_string());
        for k in keys {
            assert!(v[k].is_number() || v[k].is_null(), "{k} in {line}");
        }
    }
    let a: Value = serde_json::from_str(&lines[0]).unwrap();
    assert!(
        (a["integrated_lufs"].as_f64().unwrap() + 23.0).abs() < 0.05,
        "{a}"
    );
    assert!((a["max_momentary_lufs"].as_f64().unwrap() + 23.0).abs() < 0.1);
    assert!((a["true_peak_dbtp"].as_f64().unwrap() + 23.0).abs() < 0.1);
    let s: Value = serde_json::from_str(&lines[2]).unwrap();
    assert!(
        s["integrated_lufs"].is_null(),
        "silence is minus infinity, printed as null: {s}"
    );
    // Text mode prints the same figures for people.
    let o = run(&["meter", a["file"].as_str().unwrap()]);
    assert!(stdout(&o).contains("-23.0"), "{}", stdout(&o));
}

#[test]
fn master_reaches_presets_and_custom_targets_under_the_ceiling() {
    let d = tmp("master");
    let input = d.join("in.wav");
    sine_wav(&input, 2, 48_000, 12.0, -30.0, 24);
    let out = d.join("out.wav");
    let o = run(&[
        "master",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--preset",
        "spotify",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(r["target_lufs"].as_f64(), Some(-14.0));
    assert!(r["before"]["integrated_lufs"].as_f64().unwrap() < -29.0);
    let m = meter(&out);
    assert!(
        (m["integrated_lufs"].as_f64().unwrap() + 14.0).abs() < 0.1,
        "{m}"
    );
    assert!(m["true_peak_dbtp"].as_f64().unwrap() <= -1.0 + 0.01, "{m}");
    // A custom target with a lower ceiling; a loud sine must be limited to get there.
    let loud = d.join("loud.wav");
    sine_wav(&loud, 2, 44_100, 8.0, -3.0, 32);
    let out2 = d.join("out2.wav");
    let o = run(&[
        "master",
        loud.to_str().unwrap(),
        "-o",
        out2.to_str().unwrap(),
        "--target-lufs",
        "-16",
        "--ceiling-dbtp",
        "-2",
        "--bits",
        "16",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = meter(&out2);
    assert!(
        (m["integrated_lufs"].as_f64().unwrap() + 16.0).abs() < 0.2,
        "{m}"
    );
    assert!(m["true_peak_dbtp"].as_f64().unwrap() <= -2.0 + 0.02, "{m}");
    // Bad targets name the parameter.
    let o = run(&[
        "master",
        loud.to_str().unwrap(),
        "-o",
        out2.to_str().unwrap(),
        "--ceiling-dbtp",
        "3",
    ]);
    fails_with(&o, "ceiling_dbtp");
    let o = run(&[
        "master",
        loud.to_str().unwrap(),
        "-o",
        out2.to_str().unwrap(),
        "--preset",
        "myspace",
    ]);
    fails_with(&o, "unknown preset `myspace`");
}

#[test]
fn album_mode_keeps_relative_loudness() {
    let d = tmp("album");
    let (a, b) = (d.join("a.wav"), d.join("b.wav"));
    sine_wav(&a, 2, 48_000, 10.0, -26.0, 24);
    sine_wav(&b, 2, 48_000, 10.0, -32.0, 24);
    let out = d.join("out");
    let o = run(&[
        "master",
        "--album",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--preset",
        "apple-music",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (ma, mb) = (meter(&out.join("a.wav")), meter(&out.join("b.wav")));
    let diff = ma["integrated_lufs"].as_f64().unwrap() - mb["integrated_lufs"].as_f64().unwrap();
    assert!((diff - 6.0).abs() < 0.1, "relative loudness kept: {diff}");
}

#[test]
fn demo_writes_stems_mix_and_a_master_at_the_preset() {
    let d = tmp("demo");
    let o = run(&["demo", "-o", d.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "stems/drums.wav",
        "stems/bass.wav",
        "stems/chords.wav",
        "stems/lead.wav",
        "session.toml",
        "mix.wav",
        "master.wav",
    ] {
        assert!(d.join(f).is_file(), "{f} missing");
    }
    assert!(
        stdout(&o).contains("before"),
        "prints a before/after report: {}",
        stdout(&o)
    );
    let m = meter(&d.join("master.wav"));
    assert!(
        (m["integrated_lufs"].as_f64().unwrap() + 14.0).abs() <= 0.5,
        "{m}"
    );
    assert!(m["true_peak_dbtp"].as_f64().unwrap() <= -1.0 + 0.01, "{m}");
    assert!(m["duration_s"].as_f64().unwrap() >= 20.0);
    // The guide shows this very session as its complete example.
    let written = std::fs::read_to_string(d.join("session.toml")).unwrap();
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/session.md"))
        .unwrap();
    assert!(
        guide.contains(&written),
        "docs/session.md no longer shows the demo session"
    );
    // The session it wrote renders again through `render`, to the same master.
    let again = d.join("again.wav");
    let o = run(&[
        "render",
        d.join("session.toml").to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m2 = meter(&again);
    assert_eq!(m["integrated_lufs"], m2["integrated_lufs"]);
}

#[test]
fn bad_files_give_one_line_errors_naming_them() {
    let d = tmp("bad");
    let missing = d.join("nope.wav");
    fails_with(&run(&["meter", missing.to_str().unwrap()]), "nope.wav");
    let empty = d.join("empty.wav");
    std::fs::write(&empty, b"").unwrap();
    fails_with(
        &run(&["meter", empty.to_str().unwrap()]),
        "empty.wav is empty",
    );
    let text = d.join("notes.wav");
    std::fs::write(&text, b"these are my mixing notes, not audio").unwrap();
    fails_with(&run(&["meter", text.to_str().unwrap()]), "not a WAV file");
    let good = d.join("good.wav");
    sine_wav(&good, 2, 48_000, 1.0, -20.0, 16);
    let bytes = std::fs::read(&good).unwrap();
    let cut = d.join("cut.wav");
    std::fs::write(&cut, &bytes[..bytes.len() / 2 + 1]).unwrap();
    fails_with(&run(&["meter", cut.to_str().unwrap()]), "truncated");
    let header_only = d.join("header.wav");
    std::fs::write(&header_only, &bytes[..20]).unwrap();
    fails_with(
        &run(&["meter", header_only.to_str().unwrap()]),
        "not a WAV file",
    );
    fails_with(
        &run(&[
            "master",
            cut.to_str().unwrap(),
            "-o",
            d.join("o.wav").to_str().unwrap(),
        ]),
        "truncated",
    );
}

fn session_dir(name: &str, session: &str, files: &[(&str, u16, u32, f64)]) -> PathBuf {
    let d = tmp(name);
    for (f, ch, rate, secs) in files {
        sine_wav(&d.join(f), *ch, *rate, *secs, -20.0, 24);
    }
    std::fs::write(d.join("s.toml"), session).unwrap();
    d
}

fn render(d: &Path, extra: &[&str]) -> Output {
    let s = d.join("s.toml");
    let o = d.join("out.wav");
    let mut args = vec!["render", s.to_str().unwrap(), "-o", o.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn render_mixes_a_session_and_names_what_is_wrong_in_one() {
    let ok = r#"
[[track]]
name = "a"
file = "a.wav"
gain_db = -6.0
pan = -0.5
[[track.insert]]
type = "compressor"
threshold_db = -30.0
[[track.send]]
bus = "verb"
level_db = -10.0
[[bus]]
name = "verb"
[[bus.insert]]
type = "reverb"
mix = 1.0
"#;
    let d = session_dir("render-ok", ok, &[("a.wav", 1, 48_000, 2.0)]);
    let o = render(&d, &["--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(v["integrated_lufs"].as_f64().unwrap() < -10.0);
    let m = meter(&d.join("out.wav"));
    assert!(m["duration_s"].as_f64().unwrap() >= 2.0);

    let typo = ok.replace("gain_db = -6.0", "gian_db = -6.0");
    let d = session_dir("render-typo", &typo, &[("a.wav", 1, 48_000, 2.0)]);
    let o = render(&d, &[]);
    fails_with(&o, "gian_db");
    assert!(
        stderr(&o).contains("s.toml:5:1"),
        "names the line: {}",
        stderr(&o)
    );

    let bad_param = ok.replace("threshold_db = -30.0", "threshhold_db = -30.0");
    let d = session_dir("render-param", &bad_param, &[("a.wav", 1, 48_000, 2.0)]);
    fails_with(
        &render(&d, &[]),
        "track 0 `a` insert 0 (compressor): compressor has no parameter `threshhold_db`",
    );

    let out_of_range = ok.replace("threshold_db = -30.0", "ratio = 0.5");
    let d = session_dir("render-range", &out_of_range, &[("a.wav", 1, 48_000, 2.0)]);
    fails_with(&render(&d, &[]), "ratio");

    let d = session_dir("render-missing", ok, &[]);
    fails_with(&render(&d, &[]), "a.wav");

    let no_bus = ok.replace("bus = \"verb\"", "bus = \"hall\"");
    let d = session_dir("render-bus", &no_bus, &[("a.wav", 1, 48_000, 2.0)]);
    fails_with(&render(&d, &[]), "no bus named `hall`");

    let two = format!("{ok}\n[[track]]\nname = \"b\"\nfile = \"b.wav\"\n");
    // A track at another rate is resampled to the session's.
    let d = session_dir(
        "render-rate",
        &two,
        &[("a.wav", 1, 48_000, 2.0), ("b.wav", 2, 44_100, 2.0)],
    );
    let o = render(&d, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(meter(&d.join("out.wav"))["sample_rate"], 48_000);
    // Resampling keeps the loudness and the peak: one 44.1 kHz track alone at unity, rendered
    // at 48 kHz, meters as the file itself (the meter's own reading is the reference).
    let alone = "sample_rate = 48000\n[[track]]\nname = \"b\"\nfile = \"b.wav\"\n";
    let d = session_dir("render-rate-alone", alone, &[("b.wav", 2, 44_100, 3.0)]);
    let o = render(&d, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (src, out) = (meter(&d.join("b.wav")), meter(&d.join("out.wav")));
    assert_eq!(out["sample_rate"], 48_000);
    assert!(
        (out["duration_s"].as_f64().unwrap() - 3.0).abs() < 1e-3,
        "{out}"
    );
    for key in ["integrated_lufs", "true_peak_dbtp", "max_short_term_lufs"] {
        let (a, b) = (src[key].as_f64().unwrap(), out[key].as_f64().unwrap());
        assert!(
            (a - b).abs() < 0.05,
            "{key}: {a} in the file, {b} resampled"
        );
    }
    let zero = format!("sample_rate = 0\n{two}");
    let d = session_dir(
        "render-rate-zero",
        &zero,
        &[("a.wav", 1, 48_000, 2.0), ("b.wav", 2, 48_000, 2.0)],
    );
    fails_with(&render(&d, &[]), "sample_rate");
    // A WAV whose header says 0 Hz (bytes 24..28 of the canonical header).
    let mut bytes = std::fs::read(d.join("b.wav")).unwrap();
    bytes[24..28].copy_from_slice(&0u32.to_le_bytes());
    std::fs::write(d.join("b.wav"), &bytes).unwrap();
    fails_with(&run(&["meter", d.join("b.wav").to_str().unwrap()]), "b.wav");
    let d = session_dir(
        "render-len",
        &two,
        &[("a.wav", 1, 48_000, 2.0), ("b.wav", 2, 48_000, 1.5)],
    );
    fails_with(&render(&d, &[]), "--pad");
    let o = render(&d, &["--pad"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn meter_plot_writes_a_png_per_file() {
    let d = tmp("plot");
    let (a, b) = (d.join("a.wav"), d.join("b.wav"));
    sine_wav(&a, 2, 48_000, 5.0, -20.0, 24);
    sine_wav(&b, 1, 48_000, 5.0, -30.0, 24);
    let png = d.join("loud.png");
    let o = run(&[
        "meter",
        a.to_str().unwrap(),
        "--plot",
        png.to_str().unwrap(),
        "--target-lufs",
        "-23",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(bytes.len() > 10_000, "a real picture, not an empty canvas");
    let o = run(&[
        "meter",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--plot",
        png.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(d.join("loud-a.png").is_file() && d.join("loud-b.png").is_file());
}

#[test]
fn flac_mp3_ogg_and_aiff_are_read_everywhere_a_wav_is() {
    // The fixtures (tests/data/make-fixtures.sh): 1.5 s of a 1 kHz sine at −20 dBFS on both
    // channels, so −20 LUFS (EBU Tech 3341 case 1 scaled); lossy files within 0.3 LU.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../io/tests/data");
    let names = ["sine.flac", "sine.aiff", "sine.mp3", "sine.ogg"];
    let paths: Vec<String> = names
        .iter()
        .map(|n| data.join(n).to_str().unwrap().to_string())
        .collect();
    let mut args = vec!["meter", "--json"];
    args.extend(paths.iter().map(|p| p.as_str()));
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    for (v, name) in lines.iter().zip(names) {
        let tol = if name.ends_with("flac") || name.ends_with("aiff") {
            0.05
        } else {
            0.3
        };
        let i = v["integrated_lufs"].as_f64().unwrap();
        assert!((i + 20.0).abs() < tol, "{name}: {i} LUFS");
        assert_eq!(v["duration_s"].as_f64().unwrap(), 1.5, "{name}");
    }

    // Mastering an MP3 writes a WAV at the preset.
    let d = tmp("formats");
    let out = d.join("master.wav");
    let o = run(&[
        "master",
        &paths[2],
        "-o",
        out.to_str().unwrap(),
        "--preset",
        "spotify",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = meter(&out);
    assert!(
        (m["integrated_lufs"].as_f64().unwrap() + 14.0).abs() < 0.2,
        "{m}"
    );

    // A session mixing all four with a WAV of the same length: no --pad needed (the decoded
    // lengths are exact), and the mix holds all five.
    sine_wav(&d.join("w.wav"), 2, 48_000, 1.5, -20.0, 24);
    let mut session = String::from("[[track]]\nname = \"w\"\nfile = \"w.wav\"\n");
    for (n, p) in names.iter().zip(&paths) {
        session += &format!("[[track]]\nname = \"{n}\"\nfile = \"{p}\"\ngain_db = -6.0\n");
    }
    std::fs::write(d.join("s.toml"), session).unwrap();
    let o = render(&d, &["--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mix = meter(&d.join("out.wav"));
    assert_eq!(mix["duration_s"].as_f64().unwrap(), 1.5);
    // In-phase sines: the w track at 0 dB plus four at −6 dB, all the same 1 kHz tone (the
    // right channels one radian ahead): amplitude 0.1 · (1 + 4 · 0.501) = 0.300 → −10.5 dBFS.
    let peak = mix["sample_peak_dbfs"].as_f64().unwrap();
    assert!((peak + 10.46).abs() < 0.3, "mix peak {peak} dBFS");
}

#[test]
fn the_processor_reference_in_docs_is_current() {
    let o = run(&["processors", "--markdown"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/processors.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == stdout(&o),
        "docs/processors.md is stale: run `cargo run -p mixmaster-cli -- processors --markdown > docs/processors.md`"
    );
    // Every registered kind is in it, with each of its settings.
    for k in mixmaster::registry::kinds() {
        let d = k.description;
        assert!(
            committed.contains(&format!("\n## {}\n", d.kind)),
            "{}",
            d.kind
        );
        for p in d.params {
            assert!(
                committed.contains(&format!("| `{}` |", p.name)),
                "{}",
                p.name
            );
        }
    }
    let o = run(&["processors", "compresor"]);
    fails_with(
        &o,
        "unknown processor `compresor` (known: gain, pan, filter",
    );
    let o = run(&["processors", "limiter"]);
    assert!(stdout(&o).contains("ceiling_dbtp") && stdout(&o).contains("lookahead_ms"));
}

/// Writes a stereo 16-bit WAV of `f(n)` (clamped to full scale) at 48 kHz.
fn signal_wav(path: &Path, seconds: f64, f: impl Fn(usize) -> f64) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..(seconds * 48_000.0) as usize {
        let v = (f(n).clamp(-1.0, 1.0) * 32_767.0).round() as i32;
        w.write_sample(v).unwrap();
        w.write_sample(v).unwrap();
    }
    w.finalize().unwrap();
}

#[test]
fn master_says_when_the_target_is_out_of_reach_and_strict_fails() {
    let d = tmp("unreached");
    // A 30 Hz bass line: K-weighting hears little of it, so no limiting under −1 dBTP gets it
    // anywhere near −6 LUFS.
    let input = d.join("bass.wav");
    signal_wav(&input, 4.0, |n| {
        0.1 * (2.0 * std::f64::consts::PI * 30.0 * n as f64 / 48_000.0).sin()
    });
    let out = d.join("out.wav");
    let args = [
        "master",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--target-lufs",
        "-6",
    ];
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("mixmaster: warning:")
            && err.contains("bass.wav")
            && err.contains("target -6.0 LUFS not reached")
            && err.contains("-1.0 dBTP"),
        "{err}"
    );
    assert!(stdout(&o).contains("target NOT reached"), "{}", stdout(&o));
    assert!(out.is_file());
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let o = run(&with_json);
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["reached"], false);
    assert!(stderr(&o).contains("not reached"));
    // --strict: an error, and no file.
    std::fs::remove_file(&out).unwrap();
    let mut strict = args.to_vec();
    strict.push("--strict");
    fails_with(&run(&strict), "target -6.0 LUFS not reached");
    assert!(!out.exists());
    // A reachable target stays silent.
    let o = run(&[
        "master",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--target-lufs",
        "-30",
        "--strict",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn render_warns_when_integer_output_clips() {
    let loud = "[[track]]\nname = \"a\"\nfile = \"a.wav\"\ngain_db = 26.0\n";
    let d = session_dir("render-clip", loud, &[("a.wav", 2, 48_000, 1.0)]);
    let o = render(&d, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("mixmaster: warning:")
            && err.contains("out.wav")
            && err.contains("samples clipped")
            && err.contains("dBFS")
            && err.contains("--bits 32f"),
        "{err}"
    );
    // The peak is named: a −20 dBFS sine raised 26 dB peaks near +6 dBFS.
    assert!(
        err.contains("peak +6.0") || err.contains("peak +5.9"),
        "{err}"
    );
    // The report is of the file written: clipped at full scale, not the +6 dBFS mix.
    let o = render(&d, &["--json"]);
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let peak = v["sample_peak_dbfs"].as_f64().unwrap();
    assert!((-0.01..=0.0).contains(&peak), "reported sample peak {peak}");
    // Float keeps the overs: nothing to say, and the report shows them.
    let o = render(&d, &["--bits", "32f", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("clipped"), "{}", stderr(&o));
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(v["sample_peak_dbfs"].as_f64().unwrap() > 5.5, "{v}");
}

#[test]
fn notes_go_to_stderr_when_it_is_not_a_terminal() {
    let alone = "sample_rate = 48000\n[[track]]\nname = \"b\"\nfile = \"b.wav\"\n";
    let d = session_dir("notes", alone, &[("b.wav", 2, 44_100, 1.0)]);
    let o = render(&d, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("track `b` is at 44100 Hz; resampled"),
        "{}",
        stderr(&o)
    );
    let o = render(&d, &["--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn meter_text_reports_non_finite_samples_and_their_channels() {
    let d = tmp("nan");
    let path = d.join("nan.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for n in 0..48_000 {
        let x = 0.1 * (n as f32 * 0.1).sin();
        w.write_sample(x).unwrap();
        let right = match n {
            100..=102 => f32::NAN,
            200 => f32::INFINITY,
            _ => x,
        };
        w.write_sample(right).unwrap();
    }
    w.finalize().unwrap();
    let o = run(&["meter", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("non-finite") && text.contains("4 samples") && text.contains("channel 2 (4)"),
        "{text}"
    );
    assert!(!text.contains("channel 1"), "{text}");
    assert_eq!(meter(&path)["non_finite_samples"], 4);
    // Mastering it says so too.
    let o = run(&[
        "master",
        path.to_str().unwrap(),
        "-o",
        d.join("out.wav").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("mixmaster: warning:")
            && err.contains("4 non-finite samples")
            && err.contains("channel 2 (4)"),
        "{err}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let d = tmp("pipe");
    let a = d.join("a.wav");
    sine_wav(&a, 2, 48_000, 1.0, -20.0, 16);
    let args: Vec<&str> = std::iter::once("meter")
        .chain(std::iter::repeat_n(a.to_str().unwrap(), 30))
        .collect();
    let mut child = bin()
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away at once (`| head -0`): every write meets a closed pipe.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert!(o.status.success(), "{:?}", o.status);
}

#[test]
fn meter_reports_every_readable_file_and_an_error_for_each_other() {
    let d = tmp("meter-some");
    let (a, b) = (d.join("a.wav"), d.join("b.wav"));
    sine_wav(&a, 2, 48_000, 1.0, -20.0, 16);
    sine_wav(&b, 1, 48_000, 1.0, -30.0, 16);
    let missing = d.join("missing.wav");
    let text = d.join("notes.wav");
    std::fs::write(&text, b"not audio at all, just some notes").unwrap();
    let o = run(&[
        "meter",
        "--json",
        a.to_str().unwrap(),
        missing.to_str().unwrap(),
        b.to_str().unwrap(),
        text.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", stdout(&o));
    assert!(lines[0]["file"].as_str().unwrap().ends_with("a.wav"));
    assert!(lines[1]["file"].as_str().unwrap().ends_with("b.wav"));
    let err = stderr(&o);
    let errs: Vec<&str> = err.lines().collect();
    assert_eq!(errs.len(), 2, "{err}");
    assert!(errs[0].starts_with("mixmaster: error:") && errs[0].contains("missing.wav"));
    assert!(errs[1].starts_with("mixmaster: error:") && errs[1].contains("notes.wav"));
    assert!(!err.contains("panicked"));
}

#[test]
fn master_checks_output_names_before_writing_anything() {
    let d = tmp("master-names");
    std::fs::create_dir_all(d.join("x")).unwrap();
    std::fs::create_dir_all(d.join("y")).unwrap();
    let (a, b) = (d.join("x/song.wav"), d.join("y/song.wav"));
    sine_wav(&a, 2, 48_000, 1.0, -20.0, 16);
    sine_wav(&b, 2, 48_000, 1.0, -26.0, 16);
    let out = d.join("out");
    let o = run(&[
        "master",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    fails_with(&o, "would both be written to");
    assert!(!out.exists(), "nothing written, no folder left");
    // One file name for several inputs.
    let album = d.join("album.wav");
    let o = run(&[
        "master",
        a.to_str().unwrap(),
        d.join("other.wav").to_str().unwrap(),
        "-o",
        album.to_str().unwrap(),
    ]);
    fails_with(&o, "album.wav");
    assert!(!album.exists());
    // An input that fails to read: the folder is not left behind.
    let o = run(&[
        "master",
        a.to_str().unwrap(),
        d.join("missing.wav").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    fails_with(&o, "missing.wav");
    assert!(!out.exists());
    // Album tracks of different layouts are refused before anything is written.
    let mono = d.join("mono.wav");
    sine_wav(&mono, 1, 48_000, 1.0, -20.0, 16);
    let o = run(&[
        "master",
        "--album",
        a.to_str().unwrap(),
        mono.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    fails_with(&o, "album tracks must match");
    assert!(!out.exists());
}

#[test]
fn errors_name_unsupported_formats_short_programmes_and_bad_plot_paths() {
    let d = tmp("errors");
    let m4a = d.join("song.m4a");
    let mut bytes = b"\0\0\0\x18ftypM4A \0\0\0\0M4A isom\0\0\0\x08free".to_vec();
    bytes.extend((0..4000u32).map(|n| (n.wrapping_mul(2_654_435_761) >> 13) as u8));
    std::fs::write(&m4a, &bytes).unwrap();
    fails_with(&run(&["meter", m4a.to_str().unwrap()]), "not supported");
    assert!(!stderr(&run(&["meter", m4a.to_str().unwrap()])).contains("truncated"));
    let junk = d.join("data.bin");
    std::fs::write(&junk, &bytes[40..]).unwrap();
    fails_with(&run(&["meter", junk.to_str().unwrap()]), "not supported");
    let short = d.join("short.wav");
    sine_wav(&short, 2, 48_000, 0.2, -20.0, 16);
    let o = run(&[
        "master",
        short.to_str().unwrap(),
        "-o",
        d.join("o.wav").to_str().unwrap(),
    ]);
    fails_with(&o, "too short for an integrated loudness");
    assert!(!stderr(&o).contains("silent"));
    let o = run(&["meter", short.to_str().unwrap()]);
    assert!(stdout(&o).contains("too short"), "{}", stdout(&o));
    let good = d.join("good.wav");
    sine_wav(&good, 2, 48_000, 1.0, -20.0, 16);
    let bad = d.join("no/such/dir/plot.png");
    fails_with(
        &run(&[
            "meter",
            good.to_str().unwrap(),
            "--plot",
            bad.to_str().unwrap(),
        ]),
        &format!("cannot write the plot {}", bad.display()),
    );
}

#[test]
fn album_json_carries_the_target_and_what_limiting_changed() {
    let d = tmp("album-json");
    let (a, b) = (d.join("a.wav"), d.join("b.wav"));
    // A short loud track and a long quiet one: the album reads about −15 LUFS, so reaching
    // −9 raises both by 6 dB, which takes a's peak to 0 dBFS: only a is limited, and limiting
    // pulls it down relative to b.
    sine_wav(&a, 2, 48_000, 2.0, -6.0, 24);
    sine_wav(&b, 2, 48_000, 20.0, -20.0, 24);
    let out = d.join("out");
    let o = run(&[
        "master",
        "--album",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--target-lufs",
        "-9",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for v in &lines {
        assert_eq!(v["target_lufs"].as_f64(), Some(-9.0), "{v}");
        assert_eq!(v["ceiling_dbtp"].as_f64(), Some(-1.0), "{v}");
        assert!(v["reached"].is_boolean(), "{v}");
        assert!(v["relative_change_lu"].is_number(), "{v}");
    }
    assert_eq!(lines[0]["limited"], true);
    assert!(lines[0]["relative_change_lu"].as_f64().unwrap() < -0.5);
    assert!(lines[1]["relative_change_lu"].as_f64().unwrap().abs() < 0.05);
    let o = run(&[
        "master",
        "--album",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--target-lufs",
        "-9",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("relative to the album gain")
            && stdout(&o).contains("target -9.0 LUFS"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn float_wavs_have_a_header_sox_reads_without_a_warning() {
    let alone = "[[track]]\nname = \"a\"\nfile = \"a.wav\"\n";
    let d = session_dir("float-header", alone, &[("a.wav", 2, 48_000, 1.0)]);
    let o = render(&d, &["--bits", "32f"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = d.join("out.wav");
    let bytes = std::fs::read(&out).unwrap();
    // RIFF/WAVE, a `fmt ` chunk of 18 bytes with format tag 3 (IEEE float) and an empty
    // extension, then `fact` with the frame count, then `data`.
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(&bytes[12..16], b"fmt ");
    assert_eq!(u32::from_le_bytes(bytes[16..20].try_into().unwrap()), 18);
    assert_eq!(u16::from_le_bytes([bytes[20], bytes[21]]), 3);
    assert_eq!(&bytes[38..42], b"fact");
    let frames = u32::from_le_bytes(bytes[46..50].try_into().unwrap()) as usize;
    assert_eq!(&bytes[50..54], b"data");
    let data = u32::from_le_bytes(bytes[54..58].try_into().unwrap()) as usize;
    assert_eq!(data, frames * 8);
    assert_eq!(
        u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize,
        bytes.len() - 8
    );
    let m = meter(&out);
    assert_eq!(m["duration_s"].as_f64(), Some(frames as f64 / 48_000.0));
    // sox, where installed, reads it without a warning.
    if let Ok(o) = Command::new("sox").arg("--i").arg(&out).output() {
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stderr(&o).contains("WARN"), "{}", stderr(&o));
        assert!(
            stdout(&o).contains("32-bit Floating Point"),
            "{}",
            stdout(&o)
        );
    }
}

/// The peak resident memory of `mixmaster ARGS`, in kB, read from `/proc` while it runs (the
/// largest `VmHWM` seen), with how many readings were taken.
#[cfg(target_os = "linux")]
fn peak_rss_kb(args: &[&str]) -> (u64, usize) {
    let mut child = bin()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let (mut peak, mut readings) = (0, 0);
    while child.try_wait().unwrap().is_none() {
        if let Ok(s) = std::fs::read_to_string(&status) {
            for line in s.lines().filter(|l| l.starts_with("VmHWM:")) {
                let kb: u64 = line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                peak = peak.max(kb);
                readings += 1;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    (peak, readings)
}

#[cfg(target_os = "linux")]
#[test]
fn meter_streams_long_files_in_little_memory() {
    // Ten minutes of 16-bit stereo silence (115 MB, a sparse file): read whole as f32 that
    // would be 230 MB; streamed, the meter needs a few MB whatever the length.
    let d = tmp("meter-long");
    let path = d.join("long.wav");
    let frames: u32 = 48_000 * 600;
    let data = frames * 4;
    let mut h = b"RIFF".to_vec();
    h.extend_from_slice(&(36 + data).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 2] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    for v in [48_000u32, 48_000 * 4] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    for v in [4u16, 16] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data.to_le_bytes());
    std::fs::write(&path, &h).unwrap();
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(h.len() as u64 + u64::from(data)).unwrap();
    drop(f);
    let (peak, readings) = peak_rss_kb(&["meter", path.to_str().unwrap()]);
    assert!(readings > 0, "the meter ended before it could be watched");
    assert!(
        peak < 80_000,
        "meter peaked at {peak} kB on a 10-minute file"
    );
    let m = meter(&path);
    assert_eq!(m["duration_s"].as_f64(), Some(600.0));
    std::fs::remove_file(&path).ok();
}

#[cfg(target_os = "linux")]
/// A 16-bit stereo 1 kHz sine at −20 dBFS of `seconds`, written straight as bytes.
fn long_sine_wav(path: &Path, seconds: u32) {
    let second: Vec<u8> = (0..48_000)
        .flat_map(|n| {
            let x = 0.1 * (2.0 * std::f64::consts::PI * 1000.0 * n as f64 / 48_000.0).sin();
            let v = ((x * 32_767.0).round() as i16).to_le_bytes();
            [v[0], v[1], v[0], v[1]]
        })
        .collect();
    let data = second.len() as u32 * seconds;
    let mut bytes = b"RIFF".to_vec();
    bytes.extend_from_slice(&(36 + data).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 2] {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    for v in [48_000u32, 48_000 * 4] {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    for v in [4u16, 16] {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&data.to_le_bytes());
    for _ in 0..seconds {
        bytes.extend_from_slice(&second);
    }
    std::fs::write(path, &bytes).unwrap();
}

#[test]
fn album_mastering_streams_its_tracks_in_little_memory() {
    // Two 4-minute tracks (46 MB each as 16-bit; 92 MB as f32 each in memory): the album's
    // passes read them from disk, so the peak stays a few MB.
    let d = tmp("album-long");
    let (a, b) = (d.join("a.wav"), d.join("b.wav"));
    long_sine_wav(&a, 240);
    long_sine_wav(&b, 240);
    let out = d.join("out");
    let (peak, readings) = peak_rss_kb(&[
        "master",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--album",
        "-o",
        out.to_str().unwrap(),
        "--preset",
        "spotify",
    ]);
    assert!(
        readings > 0,
        "master --album ended before it could be watched"
    );
    assert!(peak < 80_000, "master --album peaked at {peak} kB");
    for name in ["a.wav", "b.wav"] {
        let m = meter(&out.join(name));
        assert!(
            (m["integrated_lufs"].as_f64().unwrap() + 14.0).abs() < 0.1,
            "{name}: {m}"
        );
        assert_eq!(m["duration_s"].as_f64(), Some(240.0));
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn master_streams_long_files_in_little_memory() {
    // Five minutes of a 16-bit stereo sine at −20 dBFS (58 MB): in memory as f32 that would be
    // 115 MB, and mastering keeps a copy or two more; streamed, a few MB whatever the length.
    let d = tmp("master-long");
    let path = d.join("long.wav");
    long_sine_wav(&path, 300);
    let out = d.join("master.wav");
    let (peak, readings) = peak_rss_kb(&[
        "master",
        path.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--preset",
        "spotify",
    ]);
    assert!(readings > 0, "master ended before it could be watched");
    assert!(
        peak < 80_000,
        "master peaked at {peak} kB on a 5-minute file"
    );
    let m = meter(&out);
    assert!(
        (m["integrated_lufs"].as_f64().unwrap() + 14.0).abs() < 0.1,
        "{m}"
    );
    assert_eq!(m["duration_s"].as_f64(), Some(300.0));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn true_peak_precise_on_request_and_the_master_ceiling_checked_precisely() {
    let d = tmp("true-peak");
    // Noise driven hard: full-band, the material whose inter-sample peaks BS.1770's 4x reading
    // and the 16x reconstruction read differently.
    let noise = d.join("noise.wav");
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let samples: Vec<f64> = (0..48_000 * 3).map(|_| 0.9 * rnd()).collect();
    signal_wav(&noise, 3.0, |n| samples[n]);
    let standard = meter(&noise);
    assert_eq!(standard["true_peak_mode"], "standard");
    let o = run(&[
        "meter",
        "--json",
        "--true-peak",
        "precise",
        noise.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let precise: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(precise["true_peak_mode"], "precise");
    let (s, p) = (
        standard["true_peak_dbtp"].as_f64().unwrap(),
        precise["true_peak_dbtp"].as_f64().unwrap(),
    );
    assert!(
        s.is_finite() && p.is_finite() && (s - p).abs() < 1.5,
        "{s} vs {p}"
    );
    let o = run(&["meter", "--true-peak", "precise", noise.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("dBTP (precise: 16x reconstruction)"),
        "{}",
        stdout(&o)
    );
    let o = run(&["meter", "--true-peak", "exact", noise.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("'exact'") && stderr(&o).contains("standard, precise"),
        "{}",
        stderr(&o)
    );
    // Mastering it loud: the report says the after reading is precise and the ceiling held.
    let out = d.join("out.wav");
    let o = run(&[
        "master",
        noise.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--target-lufs",
        "-9",
        "--ceiling-dbtp",
        "-1",
        "--bits",
        "32f",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(r["after"]["true_peak_mode"], "precise");
    assert_eq!(r["before"]["true_peak_mode"], "standard");
    assert_eq!(r["ceiling_kept"], true, "{r}");
    assert!(
        r["after"]["true_peak_dbtp"].as_f64().unwrap() <= -1.0 + 0.1,
        "{r}"
    );
    let o = run(&[
        "master",
        noise.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--target-lufs",
        "-9",
    ]);
    assert!(
        stdout(&o).contains("ceiling kept: true peak"),
        "{}",
        stdout(&o)
    );
}

/// Writes a 24-bit stereo WAV whose samples are 16-bit values (`f(n)` on the 16-bit grid).
fn wav_16_in_24(path: &Path, seconds: f64, f: impl Fn(usize) -> (f64, f64)) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..(seconds * 48_000.0) as usize {
        let (l, r) = f(n);
        for v in [l, r] {
            let q = (v.clamp(-1.0, 1.0) * 32_767.0).round() as i32;
            w.write_sample(q * 256).unwrap();
        }
    }
    w.finalize().unwrap();
}

#[test]
fn analyze_reports_faults_stereo_and_platforms_as_text_json_and_a_plot() {
    let d = tmp("analyze");
    let f = d.join("faulty.wav");
    // 3 s of silence, then a tone whose right channel is inverted, clipped for 8 samples at 5 s;
    // 16-bit values in a 24-bit file.
    wav_16_in_24(&f, 16.0, |n| {
        let t = n as f64 / 48_000.0;
        if t < 3.0 {
            return (0.0, 0.0);
        }
        let mut v = 0.5 * (2.0 * std::f64::consts::PI * 440.0 * t).sin();
        let at = 5 * 48_000;
        if (at..at + 8).contains(&n) {
            v = 1.0;
        }
        (v, -v)
    });
    let o = run(&["analyze", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in [
        "2 clipped run(s), longest 8 samples, at 0:05.00 (L), 0:05.00 (R)",
        "polarity looks inverted",
        "3.00 s of leading silence",
        "16-bit audio in a 24-bit file",
        "DR",
        "youtube",
        "correlation -1.00",
    ] {
        assert!(text.contains(needle), "`{needle}` not in:\n{text}");
    }
    let png = d.join("a.png");
    let o = run(&[
        "analyze",
        "--json",
        "--plot",
        png.to_str().unwrap(),
        f.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["faults"]["clipped_runs"], 2);
    assert_eq!(v["faults"]["clipped"][0]["channel"], 0);
    assert_eq!(v["faults"]["polarity_inverted"], true);
    assert_eq!(v["faults"]["effective_bits"], 16);
    assert_eq!(v["stereo"]["correlation"], -1.0);
    assert!(v["dynamics"]["dr"]["official"].is_i64());
    assert_eq!(v["spectrum"]["band_hz"].as_array().unwrap().len(), 30);
    assert_eq!(v["platforms"].as_array().unwrap().len(), 8);
    assert!(v["loudness"]["integrated_lufs"].is_f64());
    assert!(std::fs::metadata(&png).unwrap().len() > 10_000);
    // A 3-channel file is refused by name; a missing one is an error line of its own.
    let three = d.join("three.wav");
    sine_wav(&three, 3, 48_000, 1.0, -12.0, 16);
    let o = run(&["analyze", three.to_str().unwrap()]);
    fails_with(&o, "three.wav");
    assert!(stderr(&o).contains("mono and stereo"), "{}", stderr(&o));
    let o = run(&["analyze", "--json", f.to_str().unwrap(), "nope.wav"]);
    assert!(!o.status.success());
    assert_eq!(stdout(&o).lines().count(), 1);
    assert!(stderr(&o).contains("nope.wav"));
}

/// Writes a stereo float WAV of `(left, right)` at 48 kHz.
fn stereo_float_wav(path: &Path, l: &[f32], r: &[f32]) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for (a, b) in l.iter().zip(r) {
        w.write_sample(*a).unwrap();
        w.write_sample(*b).unwrap();
    }
    w.finalize().unwrap();
}

#[test]
fn master_to_a_reference_file_or_profile_matches_loudness_and_reports_the_curve() {
    let d = tmp("reference");
    // A: noise; B: half of it plus its low end (a two-pole low-pass at about 76 Hz).
    let n = 48_000 * 12;
    let mut seed = 1u64;
    let mut rnd = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    };
    let l: Vec<f32> = (0..n).map(|_| 0.2 * rnd()).collect();
    let r: Vec<f32> = (0..n).map(|_| 0.2 * rnd()).collect();
    let boost = |x: &[f32]| -> Vec<f32> {
        let (mut y1, mut y2) = (0.0f32, 0.0f32);
        x.iter()
            .map(|v| {
                y1 += 0.01 * (v - y1);
                y2 += 0.01 * (y1 - y2);
                0.5 * (v + 2.0 * y2)
            })
            .collect()
    };
    let (a, b) = (d.join("a.wav"), d.join("b.wav"));
    stereo_float_wav(&a, &l, &r);
    stereo_float_wav(&b, &boost(&l), &boost(&r));
    let out = d.join("out.wav");
    let o = run(&[
        "master",
        a.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--reference",
        b.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let m = &v["match"];
    let before = m["distance_before_db"].as_f64().unwrap();
    let after = m["distance_after_db"].as_f64().unwrap();
    assert!(before > 1.0 && after < before / 2.0, "{m}");
    // Above the boost B is A at half level: −6 dB; at 25 Hz it is A plus its low-passed copy.
    let band = |f: f64| {
        m["bands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["band_hz"] == f)
            .unwrap()["mid_db"]
            .as_f64()
            .unwrap()
    };
    assert!((band(8000.0) + 6.02).abs() < 1.0, "{m}");
    assert!(band(25.0) > band(8000.0) + 5.0, "{m}");
    let want = meter(&b)["integrated_lufs"].as_f64().unwrap();
    let got = meter(&out)["integrated_lufs"].as_f64().unwrap();
    assert!((got - want).abs() < 0.5, "{got} vs {want}");
    // A saved profile is the same reference; --match strengths and the session insert.
    let prof = d.join("b.json");
    let o = run(&["profile", b.to_str().unwrap(), "-o", prof.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ins = d.join("match.toml");
    let o = run(&[
        "master",
        a.to_str().unwrap(),
        "-o",
        d.join("out2.wav").to_str().unwrap(),
        "--reference",
        prof.to_str().unwrap(),
        "--match",
        "eq=0, width=0",
        "--save-match",
        ins.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(
        v["match"]["bands"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["mid_db"] == 0.0)
    );
    let toml = std::fs::read_to_string(&ins).unwrap();
    assert!(
        toml.starts_with("[[master.insert]]\ntype = \"match_eq\""),
        "{toml}"
    );
    // Mistakes are one line each.
    let args = |extra: &[&str]| {
        let mut v = vec!["master", a.to_str().unwrap(), "-o", "x.wav", "--reference"];
        v.extend_from_slice(extra);
        run(&v)
    };
    fails_with(&args(&[b.to_str().unwrap(), "--match", "eq=2"]), "eq");
    fails_with(
        &args(&[b.to_str().unwrap(), "--match", "bass=1"]),
        "unknown stage `bass`",
    );
    fails_with(&args(&[b.to_str().unwrap(), "--album"]), "--album");
    let bad = d.join("bad.json");
    std::fs::write(&bad, "{\"x\": 1}").unwrap();
    fails_with(&args(&[bad.to_str().unwrap()]), "not a mixmaster profile");
    fails_with(&args(&["missing.wav"]), "missing.wav");
}
