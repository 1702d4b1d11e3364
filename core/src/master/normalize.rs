//! Loudness normalization ("master to target"): measure, apply gain, limit to the true-peak
//! ceiling, re-measure, and correct (up to [`MAX_CORRECTIONS`] times) if limiting cost loudness. Offline, over whole
//! buffers; one track or an album with one common gain.

use alloc::vec;
use alloc::vec::Vec;

use super::limiter::Limiter;
use super::loudness::{ChannelLayout, LoudnessMeter};
use crate::db;
use crate::error::{Error, Range, Result};
use crate::processor::{ProcessSpec, Processor};
use crate::validate;

/// Correction passes after the first render when limiting cost loudness.
pub const MAX_CORRECTIONS: usize = 4;

/// The most gain the correction passes add beyond the first estimate, dB. Material that cannot
/// reach its target within this much extra limiting is left there and reported as not reached,
/// rather than crushed.
pub const MAX_CORRECTION_DB: f64 = 6.0;

/// A loudness target: integrated loudness and true-peak ceiling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Integrated loudness, LUFS, in [−40, −5].
    pub integrated_lufs: f64,
    /// True-peak ceiling, dBTP, in [−30, 0].
    pub ceiling_dbtp: f64,
}

impl Target {
    /// A custom target (validated).
    pub fn new(integrated_lufs: f64, ceiling_dbtp: f64) -> Result<Self> {
        validate::in_range("target_lufs", integrated_lufs, Range::closed(-40.0, -5.0))?;
        validate::in_range_note(
            "ceiling_dbtp",
            ceiling_dbtp,
            Range::closed(-30.0, 0.0),
            "a true-peak ceiling from -30 to 0 dBTP",
        )?;
        Ok(Target {
            integrated_lufs,
            ceiling_dbtp,
        })
    }
}

/// Platform and broadcast targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Spotify: −14 LUFS, −1 dBTP.
    Spotify,
    /// Apple Music: −16 LUFS, −1 dBTP.
    AppleMusic,
    /// YouTube: −14 LUFS, −1 dBTP.
    YouTube,
    /// Amazon Music: −14 LUFS, −2 dBTP.
    AmazonMusic,
    /// Tidal: −14 LUFS, −1 dBTP.
    Tidal,
    /// Deezer: −15 LUFS, −1 dBTP.
    Deezer,
    /// EBU R128 broadcast: −23 LUFS, −1 dBTP.
    EbuR128,
    /// ATSC A/85 broadcast: −24 LUFS, −2 dBTP.
    AtscA85,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 8] = [
        Preset::Spotify,
        Preset::AppleMusic,
        Preset::YouTube,
        Preset::AmazonMusic,
        Preset::Tidal,
        Preset::Deezer,
        Preset::EbuR128,
        Preset::AtscA85,
    ];

    /// The preset's target.
    pub fn target(self) -> Target {
        let (i, c) = match self {
            Preset::Spotify | Preset::YouTube | Preset::Tidal => (-14.0, -1.0),
            Preset::AppleMusic => (-16.0, -1.0),
            Preset::AmazonMusic => (-14.0, -2.0),
            Preset::Deezer => (-15.0, -1.0),
            Preset::EbuR128 => (-23.0, -1.0),
            Preset::AtscA85 => (-24.0, -2.0),
        };
        Target {
            integrated_lufs: i,
            ceiling_dbtp: c,
        }
    }

    /// Its name as used on the command line ("spotify", "apple-music", "ebu-r128", ...).
    pub fn name(self) -> &'static str {
        match self {
            Preset::Spotify => "spotify",
            Preset::AppleMusic => "apple-music",
            Preset::YouTube => "youtube",
            Preset::AmazonMusic => "amazon-music",
            Preset::Tidal => "tidal",
            Preset::Deezer => "deezer",
            Preset::EbuR128 => "ebu-r128",
            Preset::AtscA85 => "atsc-a85",
        }
    }

    /// Parses a name (case-insensitive; `_` or `-`).
    pub fn from_name(name: &str) -> Option<Preset> {
        let n = name.to_ascii_lowercase().replace('_', "-");
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == n || p.name().replace('-', "") == n)
    }
}

/// Loudness and peaks of a programme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    /// Integrated loudness, LUFS.
    pub integrated_lufs: f64,
    /// True peak, dBTP.
    pub true_peak_dbtp: f64,
    /// Loudness range, LU.
    pub loudness_range_lu: f64,
    /// Sample peak, dBFS.
    pub sample_peak_dbfs: f64,
}

/// What normalization did.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizeReport {
    /// Before.
    pub before: Levels,
    /// After.
    pub after: Levels,
    /// Total gain applied before the limiter, dB.
    pub gain_db: f64,
    /// Whether the limiter had to act.
    pub limited: bool,
    /// Whether the result is within 0.1 LU of the target (false when reaching it would take
    /// more than [`MAX_CORRECTION_DB`] of extra limiting).
    pub reached: bool,
    /// The target.
    pub target: Target,
}

fn measure(sample_rate: f64, layout: &ChannelLayout, channels: &[&[f32]]) -> Result<Levels> {
    let mut m = LoudnessMeter::new(sample_rate, layout.clone())?;
    m.try_add_planar(channels)?;
    Ok(levels(&m))
}

fn levels(m: &LoudnessMeter) -> Levels {
    Levels {
        integrated_lufs: m.integrated_lufs(),
        true_peak_dbtp: m.true_peak_dbtp(),
        loudness_range_lu: m.loudness_range_lu(),
        sample_peak_dbfs: m.sample_peak_max_dbfs(),
    }
}

/// `original * gain` into `out`, then through the limiter with its latency compensated.
fn render(
    sample_rate: f64,
    original: &[Vec<f32>],
    out: &mut [Vec<f32>],
    gain: f32,
    ceiling_dbtp: f64,
) -> Result<bool> {
    let channels = original.len();
    let frames = original[0].len();
    let mut limiter = Limiter::new(ceiling_dbtp, 5.0)?;
    let block = 4096;
    limiter.prepare(ProcessSpec::new(sample_rate, block, channels))?;
    let lat = limiter.latency_frames();
    let mut buf = vec![vec![0.0f32; block]; channels];
    let mut limited = false;
    let mut written = 0usize;
    let mut pos = 0usize;
    while written < frames {
        let n = block.min(frames + lat - pos);
        for (b, o) in buf.iter_mut().zip(original) {
            for (i, v) in b[..n].iter_mut().enumerate() {
                *v = o.get(pos + i).map_or(0.0, |x| x * gain);
            }
        }
        {
            let mut parts: Vec<&mut [f32]> = buf.iter_mut().map(|b| &mut b[..n]).collect();
            limiter.process(&mut parts);
        }
        limited |= limiter.max_gain_reduction_db() > 0.0;
        // Output frame `pos + i` is input frame `pos + i - lat`.
        for i in 0..n {
            let f = pos + i;
            if f >= lat && f - lat < frames {
                for (o, b) in out.iter_mut().zip(&buf) {
                    o[f - lat] = b[i];
                }
                written += 1;
            }
        }
        pos += n;
    }
    Ok(limited)
}

fn check_input(channels: &[Vec<f32>], layout: &ChannelLayout) -> Result<()> {
    if channels.is_empty() || channels[0].is_empty() {
        return Err(Error::Empty { what: "programme" });
    }
    if channels.len() != layout.weights().len() {
        return Err(Error::ChannelCount {
            expected: layout.weights().len(),
            got: channels.len(),
        });
    }
    let first = channels[0].len();
    for (c, ch) in channels.iter().enumerate() {
        if ch.len() != first {
            return Err(Error::ChannelLengths {
                first,
                channel: c,
                len: ch.len(),
            });
        }
    }
    Ok(())
}

/// Normalizes one programme in place to `target`.
///
/// Errors: empty input, mismatched channel lengths or count, a silent programme (its loudness is
/// `-inf`: no gain reaches a target), a bad target.
pub fn normalize(
    sample_rate: f64,
    layout: ChannelLayout,
    channels: &mut [Vec<f32>],
    target: Target,
) -> Result<NormalizeReport> {
    Target::new(target.integrated_lufs, target.ceiling_dbtp)?;
    check_input(channels, &layout)?;
    let refs: Vec<&[f32]> = channels.iter().map(|c| &c[..]).collect();
    let before = measure(sample_rate, &layout, &refs)?;
    if !before.integrated_lufs.is_finite() {
        return Err(Error::Empty {
            what: "programme loudness (the programme is silent below the -70 LUFS gate)",
        });
    }
    let gain_db = target.integrated_lufs - before.integrated_lufs;
    let (after, gain_db, limited) = apply(sample_rate, &layout, channels, gain_db, target)?;
    let reached = (after.integrated_lufs - target.integrated_lufs).abs() <= 0.1;
    Ok(NormalizeReport {
        before,
        after,
        gain_db,
        limited,
        reached,
        target,
    })
}

/// Applies `gain_db`, limits, re-measures, and corrects if limiting cost loudness.
fn apply(
    sample_rate: f64,
    layout: &ChannelLayout,
    channels: &mut [Vec<f32>],
    gain_db: f64,
    target: Target,
) -> Result<(Levels, f64, bool)> {
    validate::in_range_note(
        "gain_db",
        gain_db,
        Range::closed(-db::MAX_NORMALIZE_GAIN_DB, db::MAX_NORMALIZE_GAIN_DB),
        "the programme is too far from the target",
    )?;
    let original: Vec<Vec<f32>> = channels.to_vec();
    let first = gain_db;
    let mut gain_db = gain_db;
    let mut previous: Option<(f64, f64)> = None;
    let mut attempt = 0;
    loop {
        let limited = render(
            sample_rate,
            &original,
            channels,
            db::db_to_gain(gain_db) as f32,
            target.ceiling_dbtp,
        )?;
        let refs: Vec<&[f32]> = channels.iter().map(|c| &c[..]).collect();
        let after = measure(sample_rate, layout, &refs)?;
        let shortfall = target.integrated_lufs - after.integrated_lufs;
        if attempt == MAX_CORRECTIONS || shortfall.abs() < 0.05 {
            return Ok((after, gain_db, limited));
        }
        // Limiting took loudness away: push again. The loudness gained per dB of gain falls as
        // the limiter works harder, so step by the shortfall over the slope measured between the
        // last two passes (a secant step; the first correction assumes a slope of 1).
        let slope = match previous {
            Some((g0, l0)) if gain_db != g0 => {
                ((after.integrated_lufs - l0) / (gain_db - g0)).clamp(0.05, 1.0)
            }
            _ => 1.0,
        };
        previous = Some((gain_db, after.integrated_lufs));
        gain_db = (gain_db + shortfall / slope)
            .clamp(first - MAX_CORRECTION_DB, first + MAX_CORRECTION_DB)
            .min(db::MAX_NORMALIZE_GAIN_DB);
        attempt += 1;
    }
}

/// One track's result in an album.
#[derive(Debug, Clone, PartialEq)]
pub struct AlbumReport {
    /// The album measured as a whole, before.
    pub album_before: Levels,
    /// The common gain, dB.
    pub gain_db: f64,
    /// Per track: before, after, whether it was limited.
    pub tracks: Vec<(Levels, Levels, bool)>,
    /// The album as a whole, after.
    pub album_after: Levels,
}

/// Normalizes an album: one gain for every track (so their relative loudness is kept), chosen
/// so the album measured as a whole meets `target`; each track is then limited to the ceiling.
pub fn normalize_album(
    sample_rate: f64,
    layout: ChannelLayout,
    tracks: &mut [Vec<Vec<f32>>],
    target: Target,
) -> Result<AlbumReport> {
    Target::new(target.integrated_lufs, target.ceiling_dbtp)?;
    if tracks.is_empty() {
        return Err(Error::Empty { what: "album" });
    }
    let mut album = LoudnessMeter::new(sample_rate, layout.clone())?;
    let mut befores = Vec::with_capacity(tracks.len());
    for t in tracks.iter() {
        check_input(t, &layout)?;
        let refs: Vec<&[f32]> = t.iter().map(|c| &c[..]).collect();
        album.try_add_planar(&refs)?;
        befores.push(measure(sample_rate, &layout, &refs)?);
    }
    let album_before = levels(&album);
    if !album_before.integrated_lufs.is_finite() {
        return Err(Error::Empty {
            what: "album loudness (the album is silent below the -70 LUFS gate)",
        });
    }
    let gain_db = target.integrated_lufs - album_before.integrated_lufs;
    validate::in_range_note(
        "gain_db",
        gain_db,
        Range::closed(-db::MAX_NORMALIZE_GAIN_DB, db::MAX_NORMALIZE_GAIN_DB),
        "the album is too far from the target",
    )?;
    let mut after_meter = LoudnessMeter::new(sample_rate, layout.clone())?;
    let mut reports = Vec::with_capacity(tracks.len());
    for (t, before) in tracks.iter_mut().zip(befores) {
        let original: Vec<Vec<f32>> = t.clone();
        let limited = render(
            sample_rate,
            &original,
            t,
            db::db_to_gain(gain_db) as f32,
            target.ceiling_dbtp,
        )?;
        let refs: Vec<&[f32]> = t.iter().map(|c| &c[..]).collect();
        after_meter.try_add_planar(&refs)?;
        reports.push((before, measure(sample_rate, &layout, &refs)?, limited));
    }
    Ok(AlbumReport {
        album_before,
        gain_db,
        tracks: reports,
        album_after: levels(&after_meter),
    })
}
