//! What the commands print: loudness levels as aligned text or as one JSON object per line.

use mixmaster::master::normalize::{Levels, NormalizeReport};
use mixmaster::master::{LoudnessReport, TruePeakMode};
use serde_json::{Value, json};

/// A number for JSON: minus infinity (silence) and NaN become `null`.
pub fn num(x: f64) -> Value {
    if x.is_finite() {
        json!((x * 1000.0).round() / 1000.0)
    } else {
        Value::Null
    }
}

/// A number for text: `-inf` for silence.
pub fn txt(x: f64) -> String {
    if x.is_finite() {
        format!("{x:7.2}")
    } else {
        "   -inf".into()
    }
}

/// What the text reports add after a true peak read precisely.
pub fn mode_note(mode: TruePeakMode) -> &'static str {
    match mode {
        TruePeakMode::Standard => "",
        TruePeakMode::Precise => " (precise: 16x reconstruction)",
    }
}

/// The meter's JSON object for one file.
pub fn meter_json(file: &str, r: &LoudnessReport, sample_rate: u32, channels: usize) -> Value {
    json!({
        "file": file,
        "integrated_lufs": num(r.integrated_lufs),
        "loudness_range_lu": num(r.loudness_range_lu),
        "true_peak_dbtp": num(r.true_peak_dbtp),
        "sample_peak_dbfs": num(r.sample_peak_dbfs),
        "max_momentary_lufs": num(r.max_momentary_lufs),
        "max_short_term_lufs": num(r.max_short_term_lufs),
        "true_peak_per_channel_dbtp": r.true_peak_per_channel_dbtp.iter().map(|v| num(*v)).collect::<Vec<_>>(),
        "true_peak_mode": r.true_peak_mode.name(),
        "duration_s": num(r.duration_s),
        "sample_rate": sample_rate,
        "channels": channels,
        "non_finite_samples": r.non_finite_samples,
    })
}

/// The meter's text block for one file. `non_finite` counts NaN or infinite samples per channel
/// (may be empty when not counted): any are reported, as is a programme too short to gate.
pub fn meter_text(file: &str, r: &LoudnessReport, non_finite: &[u64]) -> String {
    let mut notes = String::new();
    if r.duration_s < 0.4 {
        notes += "\n  (too short for an integrated loudness: under the 0.4 s of one gating block)";
    }
    if r.non_finite_samples > 0 {
        let which = channels_with(non_finite);
        notes += &format!(
            "\n  non-finite      {} samples (NaN or infinite, measured as silence){}{which}",
            r.non_finite_samples,
            if which.is_empty() { "" } else { " in " },
        );
    }
    let text = format!(
        "{file}\n  integrated      {} LUFS\n  loudness range  {} LU\n  true peak       {} dBTP{}\n  sample peak     {} dBFS\n  max momentary   {} LUFS\n  max short-term  {} LUFS\n  duration        {:7.2} s",
        txt(r.integrated_lufs),
        txt(r.loudness_range_lu),
        txt(r.true_peak_dbtp),
        mode_note(r.true_peak_mode),
        txt(r.sample_peak_dbfs),
        txt(r.max_momentary_lufs),
        txt(r.max_short_term_lufs),
        r.duration_s
    );
    text + &notes
}

/// The channels (numbered from 1) with a non-zero count, and their counts: `channel 2 (4)`.
pub fn channels_with(counts: &[u64]) -> String {
    let which: Vec<String> = counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| format!("channel {} ({n})", c + 1))
        .collect();
    which.join(", ")
}

/// Levels as JSON.
pub fn levels_json(l: &Levels) -> Value {
    json!({
        "integrated_lufs": num(l.integrated_lufs),
        "true_peak_dbtp": num(l.true_peak_dbtp),
        "true_peak_mode": l.true_peak_mode.name(),
        "loudness_range_lu": num(l.loudness_range_lu),
        "sample_peak_dbfs": num(l.sample_peak_dbfs),
    })
}

/// A before/after table.
pub fn before_after(before: &Levels, after: &Levels) -> String {
    format!(
        "                  before    after\n  integrated     {}  {} LUFS\n  true peak      {}  {} dBTP{}\n  loudness range {}  {} LU\n  sample peak    {}  {} dBFS",
        txt(before.integrated_lufs),
        txt(after.integrated_lufs),
        txt(before.true_peak_dbtp),
        txt(after.true_peak_dbtp),
        match (before.true_peak_mode, after.true_peak_mode) {
            (TruePeakMode::Standard, TruePeakMode::Precise) =>
                " (after: precise, 16x reconstruction)",
            (a, b) if a == b => mode_note(a),
            _ => " (before: precise)",
        },
        txt(before.loudness_range_lu),
        txt(after.loudness_range_lu),
        txt(before.sample_peak_dbfs),
        txt(after.sample_peak_dbfs),
    )
}

/// The `master` command's JSON for one file.
pub fn master_json(input: &str, output: &str, r: &NormalizeReport) -> Value {
    json!({
        "file": input,
        "output": output,
        "target_lufs": num(r.target.integrated_lufs),
        "ceiling_dbtp": num(r.target.ceiling_dbtp),
        "gain_db": num(r.gain_db),
        "limited": r.limited,
        "reached": r.reached,
        "ceiling_kept": r.ceiling_kept(),
        "before": levels_json(&r.before),
        "after": levels_json(&r.after),
    })
}
