//! Mastering to a reference on the command line: profiles measured from audio files (streamed)
//! or read from JSON (`mixmaster profile` writes them), `--match eq=1,loudness=1,width=1`, and
//! the match's report. The matching itself is the core's (`mixmaster::analysis::matching`).

use std::path::Path;

use anyhow::{Context, Result, bail};
use mixmaster::analysis::matching::spectral_distance;
use mixmaster::analysis::{MatchPlan, MatchStrengths, Profile, ProfileMeter};
use serde_json::{Value, json};

use crate::input::Input;
use crate::report::num;

/// Frames read per block.
const BLOCK: usize = 16_384;

/// Measures the profile of an audio file, block by block.
pub fn profile_file(path: &Path) -> Result<Profile> {
    let shown = path.display();
    let mut input = Input::open(path)?;
    let nch = input.channels();
    let mut meter = ProfileMeter::new(f64::from(input.sample_rate()), nch).map_err(|e| {
        anyhow::anyhow!("{shown}: {e} (profiles are of mono and stereo files; {nch} channels here)")
    })?;
    input.for_each_block(BLOCK, |parts| {
        meter.add_planar(parts).with_context(|| format!("{shown}"))
    })?;
    meter.profile().with_context(|| format!("{shown}"))
}

/// A reference: a profile saved as JSON (`.json`), or an audio file to measure.
pub fn load(path: &Path) -> Result<Profile> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the profile {}", path.display()))?;
        let v: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        from_json(&v).with_context(|| format!("{} is not a mixmaster profile", path.display()))
    } else {
        profile_file(path)
    }
}

/// A profile as JSON (what `mixmaster profile` writes).
pub fn to_json(p: &Profile) -> Value {
    let curve = |v: &[f64]| -> Vec<Value> { v.iter().map(|x| num(*x)).collect() };
    json!({
        "mixmaster_profile": 1,
        "frequency_hz": curve(&p.frequency_hz),
        "mid_db": curve(&p.mid_db),
        "side_db": curve(&p.side_db),
        "width_db": num(p.width_db),
        "integrated_lufs": num(p.integrated_lufs),
        "true_peak_dbtp": num(p.true_peak_dbtp),
        "sample_rate": p.sample_rate,
        "duration_s": num(p.duration_s),
        "loud_s": num(p.loud_s),
    })
}

/// Reads [`to_json`]'s object back (`null` stands for `-inf`).
pub fn from_json(v: &Value) -> Result<Profile> {
    if v.get("mixmaster_profile").and_then(Value::as_u64) != Some(1) {
        bail!("no `mixmaster_profile: 1` key");
    }
    let number = |k: &str| -> Result<f64> {
        match v.get(k) {
            Some(Value::Null) => Ok(f64::NEG_INFINITY),
            Some(x) => x.as_f64().with_context(|| format!("`{k}` is not a number")),
            None => bail!("`{k}` is missing"),
        }
    };
    let list = |k: &str| -> Result<Vec<f64>> {
        let a = v
            .get(k)
            .and_then(Value::as_array)
            .with_context(|| format!("`{k}` is not a list"))?;
        a.iter()
            .map(|x| match x {
                Value::Null => Ok(f64::NEG_INFINITY),
                x => x
                    .as_f64()
                    .with_context(|| format!("`{k}` holds a non-number")),
            })
            .collect()
    };
    let p = Profile {
        frequency_hz: list("frequency_hz")?,
        mid_db: list("mid_db")?,
        side_db: list("side_db")?,
        width_db: number("width_db")?,
        integrated_lufs: number("integrated_lufs")?,
        true_peak_dbtp: number("true_peak_dbtp")?,
        sample_rate: number("sample_rate")?,
        duration_s: number("duration_s")?,
        loud_s: number("loud_s")?,
    };
    let n = p.frequency_hz.len();
    if n == 0 || p.mid_db.len() != n || p.side_db.len() != n {
        bail!("`frequency_hz`, `mid_db` and `side_db` must be lists of one length");
    }
    if p.frequency_hz.windows(2).any(|w| w[1] <= w[0]) {
        bail!("`frequency_hz` must ascend");
    }
    Ok(p)
}

/// Parses `--match eq=1,loudness=0.5,width=0` (stages not named keep strength 1).
pub fn parse_strengths(spec: &str) -> Result<MatchStrengths> {
    let mut s = MatchStrengths::default();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').with_context(|| {
            format!("--match: `{part}` is not STAGE=STRENGTH (eq, loudness, width)")
        })?;
        let v: f64 = v
            .trim()
            .parse()
            .with_context(|| format!("--match: `{v}` is not a number (in `{part}`)"))?;
        match k.trim() {
            "eq" => s.eq = v,
            "loudness" => s.loudness = v,
            "width" => s.width = v,
            other => bail!("--match: unknown stage `{other}` (eq, loudness, width)"),
        }
    }
    s.validate().map_err(|e| anyhow::anyhow!("--match: {e}"))?;
    Ok(s)
}

/// The distance of a mastered file's profile to the references'.
pub fn distance_to(out: &Profile, plan: &MatchPlan) -> f64 {
    let g = out
        .frequency_hz
        .len()
        .min(plan.reference.frequency_hz.len());
    spectral_distance(
        &out.frequency_hz[..g],
        &out.mid_db[..g],
        &plan.reference.mid_db[..g],
    )
}

/// The match's text: the curve per 1/3-octave band, width, distances.
pub fn text(plan: &MatchPlan, measured_after: f64) -> String {
    let mut out = String::from("  match EQ per 1/3-octave band (dB, mid / side):\n");
    let cells: Vec<String> = plan
        .bands
        .iter()
        .map(|b| format!("{:>6} {:+5.1}/{:+5.1}", b.band_hz, b.mid_db, b.side_db))
        .collect();
    for row in cells.chunks(4) {
        out += &format!("    {}\n", row.join("   "));
    }
    out += &format!(
        "  width {:+.1} dB side; spectral distance to the reference {:.2} dB before, {:.2} dB after (predicted {:.2})\n",
        plan.width_gain_db, plan.distance_before_db, measured_after, plan.distance_after_db
    );
    out
}

/// The match's JSON.
pub fn json(plan: &MatchPlan, measured_after: f64) -> Value {
    json!({
        "bands": plan.bands.iter().map(|b| json!({
            "band_hz": b.band_hz, "mid_db": num(b.mid_db), "side_db": num(b.side_db)
        })).collect::<Vec<_>>(),
        "width_gain_db": num(plan.width_gain_db),
        "distance_before_db": num(plan.distance_before_db),
        "distance_after_db": num(measured_after),
        "distance_after_predicted_db": num(plan.distance_after_db),
        "reference_lufs": num(plan.reference.integrated_lufs),
        "reference_true_peak_dbtp": num(plan.reference.true_peak_dbtp),
        "curve": plan.curve.iter().map(|c| json!({
            "frequency_hz": num(c.frequency_hz), "mid_db": num(c.mid_db), "side_db": num(c.side_db)
        })).collect::<Vec<_>>(),
    })
}

/// The EQ stage as a session-file insert (TOML), to reuse the correction in a session.
pub fn session_insert(plan: &MatchPlan) -> String {
    let mut s = String::from("[[master.insert]]\ntype = \"match_eq\"\ncurve = [\n");
    for c in &plan.curve {
        s += &format!(
            "  {{ frequency_hz = {:.3}, mid_db = {:.3}, side_db = {:.3} }},\n",
            c.frequency_hz, c.mid_db, c.side_db
        );
    }
    s += "]\n";
    s
}
