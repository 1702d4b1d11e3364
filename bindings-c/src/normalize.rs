//! Offline loudness normalization (`mixmaster::master::normalize`): a whole programme, in
//! place, to a preset ("spotify", "ebu-r128" ...) or to explicit numbers: measure, apply gain,
//! limit to the true-peak ceiling, re-measure and correct.

use core::ffi::c_char;

use mixmaster::master::normalize::{self, Levels, NormalizeReport, Target};

use crate::buffers::PlanarMut;
use crate::catalog;
use crate::guard::{Result, run, write_opt};
use crate::layout::layout;
use crate::text;

/// Loudness and peaks of a programme.
#[repr(C)]
pub struct MmLevels {
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
#[repr(C)]
pub struct MmNormalizeReport {
    /// Before.
    pub before: MmLevels,
    /// After.
    pub after: MmLevels,
    /// Gain applied before the limiter, dB.
    pub gain_db: f64,
    /// Whether the limiter acted.
    pub limited: bool,
    /// Whether the result is within 0.1 LU of the target (false when that would take more
    /// than 6 dB of extra limiting).
    pub reached: bool,
    /// The target's integrated loudness, LUFS.
    pub target_lufs: f64,
    /// The target's true-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
    /// Whether the output's true peak, read on the 16x reconstruction (`after.true_peak_dbtp`
    /// is that reading; `before.true_peak_dbtp` is BS.1770's 4x), is within 0.1 dB of the
    /// ceiling.
    pub ceiling_kept: bool,
}

fn levels(l: &Levels) -> MmLevels {
    MmLevels {
        integrated_lufs: l.integrated_lufs,
        true_peak_dbtp: l.true_peak_dbtp,
        loudness_range_lu: l.loudness_range_lu,
        sample_peak_dbfs: l.sample_peak_dbfs,
    }
}

fn report(r: &NormalizeReport) -> MmNormalizeReport {
    MmNormalizeReport {
        before: levels(&r.before),
        after: levels(&r.after),
        gain_db: r.gain_db,
        limited: r.limited,
        reached: r.reached,
        target_lufs: r.target.integrated_lufs,
        ceiling_dbtp: r.target.ceiling_dbtp,
        ceiling_kept: r.ceiling_kept(),
    }
}

/// Normalizes the C planar buffer in place (through a copy: the core works on owned buffers).
fn run_normalize(
    sample_rate: f64,
    layout_code: i32,
    channels: *const *mut f32,
    channel_count: usize,
    frames: usize,
    target: Target,
    out_report: *mut MmNormalizeReport,
) -> Result<()> {
    let layout = layout(layout_code)?;
    let mut block = PlanarMut::new(channels, channel_count, frames)?;
    let mut owned: Vec<Vec<f32>> = block.channels().iter().map(|c| c.to_vec()).collect();
    let r = normalize::normalize(sample_rate, layout, &mut owned, target)?;
    for (dst, src) in block.channels().iter_mut().zip(&owned) {
        dst.copy_from_slice(src);
    }
    write_opt(out_report, report(&r));
    Ok(())
}

/// Normalizes a whole programme in place to the loudness preset `preset` ("spotify",
/// "apple-music", "youtube", "amazon-music", "tidal", "deezer", "ebu-r128", "atsc-a85"; see
/// `mm_preset_get`): `channels[c]` points to `frames` floats of channel `c` in the order of
/// `layout` (`MM_LAYOUT_*`). Fills `*out_report` when it is not NULL. Offline: allocates and
/// takes time proportional to the programme.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_UNKNOWN_NAME` (the preset: the message lists them),
/// `MM_ERROR_ARGUMENT` (not a layout, an empty or silent programme), `MM_ERROR_CHANNELS`
/// (`channel_count` is not the layout's), `MM_ERROR_RANGE` (the rate, or a programme too far
/// from the target). On error the audio is left untouched.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_normalize(
    sample_rate: f64,
    layout_code: i32,
    channels: *const *mut f32,
    channel_count: usize,
    frames: usize,
    preset: *const c_char,
    out_report: *mut MmNormalizeReport,
) -> i32 {
    run("mm_normalize", || {
        let target = catalog::preset(text::arg(preset, "preset")?)?.target();
        run_normalize(
            sample_rate,
            layout_code,
            channels,
            channel_count,
            frames,
            target,
            out_report,
        )
    })
}

/// Normalizes a whole programme in place to `target_lufs` (-40 to -5 LUFS) with its true peak
/// under `ceiling_dbtp` (-30 to 0 dBTP), as `mm_normalize`.
///
/// Errors: as `mm_normalize`; `MM_ERROR_RANGE` names a target out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_normalize_to(
    sample_rate: f64,
    layout_code: i32,
    channels: *const *mut f32,
    channel_count: usize,
    frames: usize,
    target_lufs: f64,
    ceiling_dbtp: f64,
    out_report: *mut MmNormalizeReport,
) -> i32 {
    run("mm_normalize_to", || {
        let target = Target::new(target_lufs, ceiling_dbtp)?;
        run_normalize(
            sample_rate,
            layout_code,
            channels,
            channel_count,
            frames,
            target,
            out_report,
        )
    })
}
