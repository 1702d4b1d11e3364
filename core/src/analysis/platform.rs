//! Platform preview (the "loudness penalty"): for each preset, the gain that platform's
//! loudness normalization would apply to the file as it is, the loudness it would then play
//! at, and whether turning it up would need limiting.
//!
//! Playback behaviour as the services document it (late 2026; it changes): Spotify, Apple
//! Music (Sound Check) and Amazon Music turn quiet tracks up as well as loud ones down; YouTube,
//! Tidal and Deezer only turn down. Broadcast targets (EBU R128, ATSC A/85) are delivery specs:
//! their gain is what a loudness-normalizing playout would apply, either way. A platform that
//! turns up does so only as far as its true-peak ceiling allows unless it limits (Spotify's
//! "loud" setting does); the preview reports the gain asked for and flags when it passes the
//! ceiling.
//!
//! Sits under [`crate::analysis`]; reads [`crate::master::normalize::Preset`].

use crate::master::normalize::Preset;
use alloc::vec::Vec;

/// Whether the platform of `preset` turns quiet programmes up.
pub fn turns_up(preset: Preset) -> bool {
    !matches!(preset, Preset::YouTube | Preset::Tidal | Preset::Deezer)
}

/// What one platform would do with the programme.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformPreview {
    /// The preset.
    pub preset: Preset,
    /// Its loudness target, LUFS.
    pub target_lufs: f64,
    /// Gain the platform would apply, dB (0 where it only turns down and the file is quieter).
    pub gain_db: f64,
    /// The loudness the file would play at, LUFS.
    pub plays_at_lufs: f64,
    /// Whether the platform turns quiet files up at all.
    pub turns_up: bool,
    /// Turning up by `gain_db` would put the true peak above the platform's ceiling: the
    /// platform would need a limiter (or turns up less, and the file plays quieter).
    pub needs_limiting: bool,
}

/// The preview for every preset, given the programme's integrated loudness (LUFS) and true peak
/// (dBTP). A silent programme gets no gain.
pub fn preview(integrated_lufs: f64, true_peak_dbtp: f64) -> Vec<PlatformPreview> {
    Preset::ALL
        .into_iter()
        .map(|preset| {
            let target = preset.target();
            let up = turns_up(preset);
            let wanted = if integrated_lufs.is_finite() {
                target.integrated_lufs - integrated_lufs
            } else {
                0.0
            };
            let gain_db = if wanted > 0.0 && !up { 0.0 } else { wanted };
            PlatformPreview {
                preset,
                target_lufs: target.integrated_lufs,
                gain_db,
                plays_at_lufs: integrated_lufs + gain_db,
                turns_up: up,
                needs_limiting: gain_db > 0.0 && true_peak_dbtp + gain_db > target.ceiling_dbtp,
            }
        })
        .collect()
}
