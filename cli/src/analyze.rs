//! `mixmaster analyze FILE...`: the core's mix analysis (`mixmaster::analysis`) of each file,
//! read block by block (memory does not grow with the file), printed as text or as one JSON
//! object per line, and optionally drawn to a PNG.

use std::path::Path;

use anyhow::{Context, Result};
use mixmaster::analysis::{Analysis, AnalysisOptions, Analyzer};
use mixmaster::master::TruePeakMode;
use serde_json::{Value, json};

use crate::input::Input;
use crate::report::{mode_note, num};

/// Frames read per block.
const BLOCK: usize = 16_384;

/// One analysed file.
pub struct Analysed {
    /// The report.
    pub analysis: Analysis,
    /// How the file stores its samples ("24-bit").
    pub sample_format: &'static str,
}

/// Analyses `path` block by block.
pub fn analyze_file(path: &Path, true_peak: TruePeakMode) -> Result<Analysed> {
    let mut input = Input::open(path)?;
    let shown = path.display();
    let nch = input.channels();
    let mut analyzer = Analyzer::new(
        f64::from(input.sample_rate()),
        nch,
        AnalysisOptions {
            true_peak_mode: true_peak,
        },
    )
    .map_err(|e| {
        anyhow::anyhow!("{shown}: {e} (analyze reads mono and stereo files; {nch} channels here)")
    })?;
    input.for_each_block(BLOCK, |parts| {
        analyzer
            .add_planar(parts)
            .with_context(|| format!("{shown}"))
    })?;
    if analyzer.frames() == 0 {
        anyhow::bail!("{shown} holds no audio (0 frames)");
    }
    Ok(Analysed {
        analysis: analyzer.report(),
        sample_format: input.sample_format(),
    })
}

fn nums(v: &[f64]) -> Vec<Value> {
    v.iter().map(|x| num(*x)).collect()
}

fn channel_name(c: usize, channels: usize) -> &'static str {
    match (channels, c) {
        (1, _) => "mono",
        (_, 0) => "L",
        _ => "R",
    }
}

/// The JSON object for one file (the same figures as the text, plus the series and curves).
pub fn json(file: &str, f: &Analysed) -> Value {
    let a = &f.analysis;
    let l = &a.loudness;
    let d = &a.dynamics;
    let s = &a.spectrum;
    let st = &a.stereo;
    let fl = &a.faults;
    json!({
        "file": file,
        "sample_rate": a.sample_rate,
        "channels": a.channels,
        "sample_format": f.sample_format,
        "duration_s": num(l.duration_s),
        "loudness": {
            "integrated_lufs": num(l.integrated_lufs),
            "loudness_range_lu": num(l.loudness_range_lu),
            "true_peak_dbtp": num(l.true_peak_dbtp),
            "true_peak_per_channel_dbtp": nums(&l.true_peak_per_channel_dbtp),
            "true_peak_mode": l.true_peak_mode.name(),
            "sample_peak_dbfs": num(l.sample_peak_dbfs),
            "max_momentary_lufs": num(l.max_momentary_lufs),
            "max_short_term_lufs": num(l.max_short_term_lufs),
            "hop_s": num(l.hop_s),
            "momentary_lufs": nums(&l.momentary_lufs),
            "short_term_lufs": nums(&l.short_term_lufs),
        },
        "dynamics": {
            "plr_db": num(d.plr_db),
            "psr_min_db": num(d.psr_min_db),
            "psr_db": nums(&d.psr_db),
            "crest_db": nums(&d.crest_db),
            "dr": d.dynamic_range.as_ref().map(|r| json!({
                "value": num(r.value),
                "official": r.official,
                "per_channel": nums(&r.per_channel),
            })),
        },
        "spectrum": {
            "band_hz": s.nominal_hz,
            "left_db": nums(&s.left_db),
            "right_db": nums(&s.right_db),
            "mid_db": nums(&s.mid_db),
            "side_db": nums(&s.side_db),
            "fine_hz": nums(&s.fine_hz),
            "fine_left_db": nums(&s.fine_left_db),
            "fine_right_db": nums(&s.fine_right_db),
            "fine_mid_db": nums(&s.fine_mid_db),
            "fine_side_db": nums(&s.fine_side_db),
        },
        "stereo": {
            "correlation": num(st.correlation),
            "correlation_low": num(st.correlation_low),
            "correlation_mid": num(st.correlation_mid),
            "correlation_high": num(st.correlation_high),
            "correlation_hop_s": num(st.correlation_hop_s),
            "correlation_series": nums(&st.correlation_series),
            "width_db": num(st.width_db),
            "balance_lu": num(st.balance_lu),
            "mono_change_lu": num(st.mono_change_lu),
            "mono_loss_bands": st.mono_loss_bands.iter().map(|b| json!({
                "band_hz": b.band_hz, "loss_db": num(b.loss_db)
            })).collect::<Vec<_>>(),
        },
        "faults": {
            "clipped_runs": fl.clipped_runs,
            "longest_clipped_run": fl.longest_clipped_run,
            "clipped": fl.clipped.iter().map(|c| json!({
                "time_s": num(c.time_s), "channel": c.channel, "samples": c.samples
            })).collect::<Vec<_>>(),
            "overs": fl.overs,
            "over_times": fl.over_times.iter().map(|o| json!({
                "time_s": num(o.time_s), "peak_dbtp": num(o.peak_dbtp)
            })).collect::<Vec<_>>(),
            "dc_offset": fl.dc_offset.iter().map(|v| json!((v * 1e6).round() / 1e6)).collect::<Vec<_>>(),
            "polarity_inverted": fl.polarity_inverted,
            "leading_silence_s": num(fl.leading_silence_s),
            "trailing_silence_s": num(fl.trailing_silence_s),
            "effective_bits": fl.effective_bits,
            "non_finite": fl.non_finite,
        },
        "resonances": a.resonances.iter().map(|r| json!({
            "frequency_hz": num(r.frequency_hz),
            "excess_db": num(r.excess_db),
            "q": num(r.q),
            "suggested_band": r.suggested_band(),
        })).collect::<Vec<_>>(),
        "platforms": a.platforms.iter().map(|p| json!({
            "preset": p.preset.name(),
            "target_lufs": p.target_lufs,
            "gain_db": num(p.gain_db),
            "plays_at_lufs": num(p.plays_at_lufs),
            "turns_up": p.turns_up,
            "needs_limiting": p.needs_limiting,
        })).collect::<Vec<_>>(),
    })
}

fn db(x: f64, unit: &str) -> String {
    if x.is_finite() {
        // `+ 0.0` prints a rounded −0.04 as 0.0, not −0.0.
        format!("{:.1} {unit}", (x * 10.0).round() / 10.0 + 0.0)
    } else if x > 0.0 {
        format!("+inf {unit}")
    } else {
        format!("-inf {unit}")
    }
}

fn clock(s: f64) -> String {
    let m = (s / 60.0).floor();
    format!("{}:{:05.2}", m as u64, s - 60.0 * m)
}

/// The text report for one file.
pub fn text(file: &str, f: &Analysed) -> String {
    let a = &f.analysis;
    let (l, d, s, st, fl) = (&a.loudness, &a.dynamics, &a.spectrum, &a.stereo, &a.faults);
    let n = a.channels;
    let mut out = format!(
        "{file}  ({} Hz, {} ch, {}, {})\n",
        a.sample_rate,
        n,
        f.sample_format,
        clock(l.duration_s)
    );
    let per_channel = |v: &[f64], unit: &str| -> String {
        v.iter()
            .enumerate()
            .map(|(c, x)| format!("{} {}", channel_name(c, n), db(*x, unit)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out += &format!(
        "  loudness    integrated {}, range {}, max momentary {}, max short-term {}\n",
        db(l.integrated_lufs, "LUFS"),
        db(l.loudness_range_lu, "LU"),
        db(l.max_momentary_lufs, "LUFS"),
        db(l.max_short_term_lufs, "LUFS"),
    );
    out += &format!(
        "  peaks       true peak {}{} ({}), sample peak {}\n",
        db(l.true_peak_dbtp, "dBTP"),
        mode_note(l.true_peak_mode),
        per_channel(&l.true_peak_per_channel_dbtp, "dBTP"),
        db(l.sample_peak_dbfs, "dBFS"),
    );
    let dr = match &d.dynamic_range {
        Some(r) => format!("DR{} ({:.2})", r.official, r.value + 0.0),
        None => "DR: too short (needs 12 s)".into(),
    };
    out += &format!(
        "  dynamics    PLR {}, PSR min {}, crest {}, {dr}\n",
        db(d.plr_db, "dB"),
        db(d.psr_min_db, "dB"),
        per_channel(&d.crest_db, "dB"),
    );
    if n == 2 {
        out += &format!(
            "  stereo      correlation {:.2} (low {:.2}, mid {:.2}, high {:.2}), width {}, balance {:+.1} LU\n",
            st.correlation,
            st.correlation_low,
            st.correlation_mid,
            st.correlation_high,
            db(st.width_db, "dB"),
            st.balance_lu,
        );
        let lost = if st.mono_loss_bands.is_empty() {
            "no band loses more than 3.5 dB".to_string()
        } else {
            let mut worst = st.mono_loss_bands.clone();
            worst.sort_by(|a, b| a.loss_db.total_cmp(&b.loss_db));
            let more = worst.len().saturating_sub(6);
            format!(
                "bands losing more than 3.5 dB: {}{}",
                worst
                    .iter()
                    .take(6)
                    .map(|b| format!("{} Hz ({})", b.band_hz, db(b.loss_db, "dB")))
                    .collect::<Vec<_>>()
                    .join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        };
        out += &format!(
            "  mono        fold-down {}; {lost}\n",
            db(st.mono_change_lu, "LU")
        );
    } else {
        out += "  stereo      mono file\n";
    }
    out += "  spectrum    1/3-octave band levels, dB:\n";
    out += &format!(
        "              {:>7} {:>7} {:>7} {:>7} {:>7}\n",
        "Hz", "left", "right", "mid", "side"
    );
    let cell = |x: f64| {
        if x.is_finite() {
            format!("{x:7.1}")
        } else {
            "   -inf".to_string()
        }
    };
    for i in 0..s.band_hz.len() {
        out += &format!(
            "              {:>7} {} {} {} {}\n",
            s.nominal_hz[i],
            cell(s.left_db[i]),
            cell(s.right_db[i]),
            cell(s.mid_db[i]),
            cell(s.side_db[i]),
        );
    }
    let mut faults = Vec::new();
    if fl.clipped_runs > 0 {
        let at: Vec<String> = fl
            .clipped
            .iter()
            .take(5)
            .map(|c| format!("{} ({})", clock(c.time_s), channel_name(c.channel, n)))
            .collect();
        faults.push(format!(
            "{} clipped run(s), longest {} samples, at {}{}",
            fl.clipped_runs,
            fl.longest_clipped_run,
            at.join(", "),
            if fl.clipped_runs > 5 { ", ..." } else { "" }
        ));
    }
    if fl.overs > 0 {
        let at: Vec<String> = fl
            .over_times
            .iter()
            .take(5)
            .map(|o| format!("{} ({})", clock(o.time_s), db(o.peak_dbtp, "dBTP")))
            .collect();
        faults.push(format!(
            "{} stretch(es) over 0 dBTP, at {}{}",
            fl.overs,
            at.join(", "),
            if fl.overs > 5 { ", ..." } else { "" }
        ));
    }
    for (c, dc) in fl.dc_offset.iter().enumerate() {
        if dc.abs() > 1e-3 {
            faults.push(format!(
                "DC offset {} {:+.4} ({:.1} dBFS)",
                channel_name(c, n),
                dc,
                20.0 * dc.abs().log10()
            ));
        }
    }
    if fl.polarity_inverted {
        faults.push(
            "one channel's polarity looks inverted (negative correlation in every band)".into(),
        );
    }
    if fl.leading_silence_s >= 0.5 {
        faults.push(format!("{:.2} s of leading silence", fl.leading_silence_s));
    }
    if fl.trailing_silence_s >= 2.0 {
        faults.push(format!(
            "{:.2} s of trailing silence",
            fl.trailing_silence_s
        ));
    }
    let total_bad: u64 = fl.non_finite.iter().sum();
    if total_bad > 0 {
        faults.push(format!(
            "{total_bad} NaN or infinite sample(s), analysed as silence"
        ));
    }
    match fl.effective_bits {
        Some(b)
            if b > 0
                && (f.sample_format.starts_with("24")
                    || f.sample_format.contains("float")
                    || f.sample_format.starts_with("32"))
                && b <= 16 =>
        {
            faults.push(format!("{b}-bit audio in a {} file", f.sample_format));
        }
        _ => {}
    }
    out += &format!(
        "  faults      {}\n",
        if faults.is_empty() {
            "none found".to_string()
        } else {
            faults.join("\n              ")
        }
    );
    let bits = match fl.effective_bits {
        Some(0) => "digital silence".to_string(),
        Some(b) => format!("{b} bits used"),
        None => "more than 24 bits used (float)".to_string(),
    };
    out += &format!(
        "              (silence: leading {:.2} s, trailing {:.2} s; {bits})\n",
        fl.leading_silence_s, fl.trailing_silence_s
    );
    if a.resonances.is_empty() {
        out += "  resonances  none standing 6 dB above the octave around them\n";
    } else {
        out += "  resonances  (suggested cut, session syntax)\n";
        for r in &a.resonances {
            out += &format!(
                "              {:8.1} Hz  +{:.1} dB  Q {:.1}  {}\n",
                r.frequency_hz,
                r.excess_db,
                r.q,
                r.suggested_band()
            );
        }
    }
    out += "  platforms   gain applied -> plays at\n";
    for p in &a.platforms {
        let mut note = String::new();
        if !p.turns_up && p.target_lufs > l.integrated_lufs {
            note += "  (only turns down)";
        }
        if p.needs_limiting {
            note += "  (turning up passes its ceiling: needs limiting)";
        }
        out += &format!(
            "              {:<13} {:>+6.1} dB -> {}{note}\n",
            p.preset.name(),
            (p.gain_db * 10.0).round() / 10.0 + 0.0,
            db(p.plays_at_lufs, "LUFS"),
        );
    }
    out.pop();
    out
}
