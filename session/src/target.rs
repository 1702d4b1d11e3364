//! Loudness targets: a platform preset by name, or explicit numbers.

use mixmaster::master::normalize::{Preset, Target};

use crate::error::{Error, Result};
use crate::model::Normalize;

/// A loudness target from a preset name or numbers (numbers override the preset's); no preset
/// and no numbers is Spotify's. An unknown preset lists the known ones.
pub fn loudness_target(
    preset: Option<&str>,
    lufs: Option<f64>,
    ceiling: Option<f64>,
) -> Result<Target> {
    let base = match preset {
        Some(name) => Preset::from_name(name)
            .ok_or_else(|| {
                let names: Vec<_> = Preset::ALL.iter().map(|p| p.name()).collect();
                Error::new(format!(
                    "unknown preset `{name}` (known: {})",
                    names.join(", ")
                ))
            })?
            .target(),
        None if lufs.is_none() => Preset::Spotify.target(),
        None => Target {
            integrated_lufs: -14.0,
            ceiling_dbtp: -1.0,
        },
    };
    Ok(Target::new(
        lufs.unwrap_or(base.integrated_lufs),
        ceiling.unwrap_or(base.ceiling_dbtp),
    )?)
}

impl Normalize {
    /// The target it names.
    pub fn target(&self) -> Result<Target> {
        loudness_target(self.preset.as_deref(), self.target_lufs, self.ceiling_dbtp)
    }
}
