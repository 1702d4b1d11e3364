//! Build script of the C binding.
//!
//! * Generates the header: cbindgen over `src/` (config in `cbindgen.toml`) plus a section
//!   generated from the processor registry (the `mixmaster` build-dependency, the same crate
//!   the library links): `MM_KIND_<KIND>` indices, `MM_<KIND>_<PARAM>` parameter indices and
//!   `MM_<KIND>_PARAM_COUNT`, and the version macros. Written to `$OUT_DIR/mixmaster.h`;
//!   `include/mixmaster.h` is the committed copy, which `test.sh` compares with it and
//!   `update-header.sh` rewrites. A stale copy also gets a build warning.
//! * Restricts the symbols the shared library exports to `mm_*` (a linker version script).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mixmaster::registry;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    for f in ["src", "cbindgen.toml", "mixmaster.map"] {
        println!("cargo:rerun-if-changed={f}");
    }

    let header = generate(&dir);
    let generated = out.join("mixmaster.h");
    std::fs::write(&generated, &header).expect("writing the generated header");
    let committed = dir.join("include").join("mixmaster.h");
    if std::fs::read_to_string(&committed).ok().as_deref() != Some(header.as_str()) {
        println!(
            "cargo:warning=bindings-c/include/mixmaster.h is stale (the registry or the API changed): run `bash bindings-c/update-header.sh`"
        );
    }

    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!(
            "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
            dir.join("mixmaster.map").display()
        );
    }
}

/// The whole header: cbindgen's output with the registry section after the includes.
fn generate(dir: &Path) -> String {
    let mut config =
        cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("reading cbindgen.toml");
    let section = registry_section();
    config.after_includes = Some(match config.after_includes.take() {
        Some(before) => format!("{before}\n{section}"),
        None => section,
    });
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src").join("lib.rs"))
        .generate()
        .expect("cbindgen could not generate the header");
    let mut buf = Vec::new();
    bindings.write(&mut buf);
    String::from_utf8(buf).expect("the header is UTF-8")
}

/// A C macro name part: upper case, anything but letters and digits as `_`.
fn macro_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// A number as C source (no exponent for the values the registry uses).
fn num(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    format!("{v}")
}

/// One line of text for a C comment.
fn comment(s: &str) -> String {
    s.replace("*/", "* /").replace('\n', " ")
}

/// The registry section: versions, kind indices and parameter indices.
fn registry_section() -> String {
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    let part = |name: &str| -> u32 {
        std::env::var(name)
            .expect("set by cargo")
            .parse()
            .expect("a version number")
    };
    let (major, minor, patch) = (
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH"),
    );
    let mut s = String::new();
    let mut names = std::collections::BTreeSet::new();
    let mut define = |s: &mut String, name: String, value: String, doc: String| {
        assert!(
            names.insert(name.clone()),
            "two registry constants are both called {name}: rename a kind or parameter"
        );
        if !doc.is_empty() {
            let _ = writeln!(s, "/** {doc} */");
        }
        let _ = writeln!(s, "#define {name} {value}");
    };
    let _ = writeln!(
        s,
        "\n/* ---- Generated from the mixmaster processor registry by bindings-c/build.rs ---- */\n"
    );
    define(
        &mut s,
        "MM_VERSION_MAJOR".into(),
        major.to_string(),
        "Major version of the library this header describes.".into(),
    );
    define(
        &mut s,
        "MM_VERSION_MINOR".into(),
        minor.to_string(),
        "Minor version.".into(),
    );
    define(
        &mut s,
        "MM_VERSION_PATCH".into(),
        patch.to_string(),
        "Patch version.".into(),
    );
    define(
        &mut s,
        "MM_VERSION_NUMBER".into(),
        (major * 10_000 + minor * 100 + patch).to_string(),
        "MAJOR * 10000 + MINOR * 100 + PATCH; compare with mm_version_number().".into(),
    );
    define(
        &mut s,
        "MM_VERSION_STRING".into(),
        format!("\"{version}\""),
        "The version as text; compare with mm_version().".into(),
    );
    define(
        &mut s,
        "MM_KIND_COUNT".into(),
        registry::kinds().len().to_string(),
        "How many processor kinds the registry has (mm_kind_count()).".into(),
    );
    for (k, kind) in registry::kinds().iter().enumerate() {
        let d = kind.description;
        let kp = macro_part(d.kind);
        let _ = writeln!(s, "\n/* {}: {} */", d.kind, comment(d.summary));
        define(
            &mut s,
            format!("MM_KIND_{kp}"),
            k.to_string(),
            format!("Index of kind \"{}\" (mm_kind_get).", d.kind),
        );
        for (i, p) in d.params.iter().enumerate() {
            let unit = if p.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", p.unit)
            };
            let what = if p.is_toggle() {
                "0 or 1".to_string()
            } else {
                format!("{} to {}{unit}", num(p.min), num(p.max))
            };
            define(
                &mut s,
                format!("MM_{kp}_{}", macro_part(p.name)),
                i.to_string(),
                format!(
                    "`{}`: {what}, default {}. {}",
                    p.name,
                    num(p.default),
                    comment(p.doc)
                ),
            );
        }
        define(
            &mut s,
            format!("MM_{kp}_PARAM_COUNT"),
            d.params.len().to_string(),
            String::new(),
        );
    }
    let _ = writeln!(s, "\n/* ---- End of the generated registry section ---- */");
    s
}
