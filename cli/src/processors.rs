//! `mixmaster processors`: the processor reference, read from the core's registry. Text for the
//! terminal (all kinds, or one), or Markdown: `docs/processors.md` is this command's output and
//! a test keeps it current.

use anyhow::Result;
use mixmaster::ParamInfo;
use mixmaster::registry::{self, Kind};
use mixmaster::settings::{OptionInfo, OptionKind};
use std::fmt::Write;
use std::io::Write as _;

/// Prints the reference for `kind` (or every kind), as text or Markdown.
pub fn run(kind: Option<&str>, markdown: bool) -> Result<()> {
    let kinds: Vec<&Kind> = match kind {
        Some(name) => vec![registry::find(name)?],
        None => registry::kinds().iter().collect(),
    };
    let out = if markdown {
        markdown_reference(&kinds)
    } else {
        text_reference(&kinds)
    };
    // A closed pipe (`mixmaster processors | head`) ends quietly.
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn number(v: f64) -> String {
    if v == f64::INFINITY {
        "inf".into()
    } else if v == f64::NEG_INFINITY {
        "-inf".into()
    } else if v.abs() >= 1e9 {
        format!("{v:e}")
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn unit(u: &str) -> String {
    if u.is_empty() {
        String::new()
    } else {
        format!(" {u}")
    }
}

fn param_row(p: &ParamInfo) -> (String, String, String, String) {
    if p.is_toggle() {
        (
            "switch (0/1, automatable)".into(),
            "false, true".into(),
            if p.default >= 0.5 { "true" } else { "false" }.into(),
            p.doc.into(),
        )
    } else {
        (
            format!("number{} (automatable)", unit(p.unit)),
            format!("{} to {}", number(p.min), number(p.max)),
            number(p.default),
            p.doc.into(),
        )
    }
}

fn option_row(o: &OptionInfo) -> (String, String, String, String) {
    match o.kind {
        OptionKind::Choice { choices, default } => (
            "choice".into(),
            choices.join(", "),
            default.into(),
            o.doc.into(),
        ),
        OptionKind::Switch { default } => (
            "switch".into(),
            "false, true".into(),
            default.to_string(),
            o.doc.into(),
        ),
        OptionKind::Number {
            min,
            max,
            default,
            unit: u,
            integer,
        } => (
            format!("{}{}", if integer { "integer" } else { "number" }, unit(u)),
            format!("{} to {}", number(min), number(max)),
            number(default),
            o.doc.into(),
        ),
        OptionKind::Audio { max_channels } => (
            "audio".into(),
            format!("a file (sessions) or an array (bindings), 1 to {max_channels} channels"),
            "none".into(),
            o.doc.into(),
        ),
        OptionKind::List { fields } => {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            (
                "list of tables".into(),
                format!("tables of {}", names.join(", ")),
                "[]".into(),
                o.doc.into(),
            )
        }
    }
}

fn rows(k: &Kind) -> Vec<(String, (String, String, String, String))> {
    let d = k.description;
    d.options
        .iter()
        .map(|o| (o.name.to_string(), option_row(o)))
        .chain(d.params.iter().map(|p| (p.name.to_string(), param_row(p))))
        .collect()
}

/// The Markdown reference of `kinds` (docs/processors.md for all of them).
pub fn markdown_reference(kinds: &[&Kind]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Processor reference\n\n\
         Generated from the processor registry (`core/src/registry.rs`) by \
         `cargo run -p mixmaster-cli -- processors --markdown > docs/processors.md`; a test fails \
         when this file is stale. Every kind below can be an insert in a session file \
         (`type = \"KIND\"`, settings by name beside it; see [session.md](session.md)), built with \
         `mixmaster::registry::build(\"KIND\", &settings)`, and reached from the bindings by its \
         class name.\n\n\
         Parameters are automatable and smoothed (`set_param`, session automation \
         `insert.N.NAME`); the other settings are fixed when the processor is built (changing \
         one rebuilds it).\n"
    );
    let _ = writeln!(s, "| kind | class | channels | what |\n|---|---|---|---|");
    for k in kinds {
        let d = k.description;
        let _ = writeln!(
            s,
            "| [`{}`](#{}) | `{}` | {} | {} |",
            d.kind, d.kind, d.class_name, d.channels, d.summary
        );
    }
    for k in kinds {
        let d = k.description;
        let _ = writeln!(s, "\n## {}\n\n{}\n", d.kind, d.summary);
        let _ = write!(s, "Class `{}`; channels: {}", d.class_name, d.channels);
        if !d.aliases.is_empty() {
            let a: Vec<String> = d.aliases.iter().map(|a| format!("`{a}`")).collect();
            let _ = write!(s, "; also accepted as {}", a.join(", "));
        }
        let _ = writeln!(s, ".\n");
        let r = rows(k);
        if r.is_empty() {
            let _ = writeln!(s, "No settings.");
        } else {
            let _ = writeln!(
                s,
                "| setting | type | values | default | what |\n|---|---|---|---|---|"
            );
            for (name, (ty, values, default, doc)) in r {
                let _ = writeln!(s, "| `{name}` | {ty} | {values} | {default} | {doc} |");
            }
        }
        for o in d.options {
            if let OptionKind::List { fields } = o.kind {
                let _ = writeln!(
                    s,
                    "\nFields of each `{}` table:\n\n| field | type | values | default | what |\n|---|---|---|---|---|",
                    o.name
                );
                for f in fields {
                    let (ty, values, default, doc) = option_row(f);
                    let _ = writeln!(s, "| `{}` | {ty} | {values} | {default} | {doc} |", f.name);
                }
            }
        }
        if !d.variants.is_empty() {
            let _ = writeln!(
                s,
                "\nVariants (the same kind with settings fixed; classes in the bindings):\n"
            );
            for v in d.variants {
                let fixed: Vec<String> = v
                    .fixed
                    .iter()
                    .map(|(n, c)| format!("{n} = \"{c}\""))
                    .collect();
                let _ = writeln!(
                    s,
                    "- `{}` ({}): {}",
                    v.class_name,
                    fixed.join(", "),
                    v.summary
                );
            }
        }
    }
    s
}

fn text_reference(kinds: &[&Kind]) -> String {
    let mut s = String::new();
    for k in kinds {
        let d = k.description;
        let _ = writeln!(s, "{} ({} channels): {}", d.kind, d.channels, d.summary);
        for (name, (ty, values, default, doc)) in rows(k) {
            let _ = writeln!(s, "  {name:<18} {ty}; {values}; default {default}. {doc}");
        }
        s.push('\n');
    }
    s
}
