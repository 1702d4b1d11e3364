//! `mm_session` and `mm_mix`: a mix session (`mixmaster-session`: tracks with inserts, sends,
//! faders, pans and automation, buses, the master chain) read from TOML and rendered offline
//! from planar track buffers into a stereo mix, which C reads as planar or interleaved audio.

use core::cell::Cell;
use core::ffi::c_char;

use mixmaster_session::{Buffer, RenderOptions, Rendered, Session, TrackSource};

use crate::buffers::{Planar, interleaved_mut};
use crate::guard::{Failure, Handle, destroy, give, out, run, with_mut, with_ref, write_opt};
use crate::status::{MM_ERROR_ARGUMENT, MM_ERROR_RANGE};
use crate::text;

/// A mix session (opaque).
pub struct MmSession {
    inner: Session,
    poisoned: Cell<bool>,
}

impl Handle for MmSession {
    const ARG: &'static str = "session";
    fn poison(&self) -> &Cell<bool> {
        &self.poisoned
    }
}

/// A rendered stereo mix (opaque).
pub struct MmMix {
    inner: Rendered,
    poisoned: Cell<bool>,
}

impl Handle for MmMix {
    const ARG: &'static str = "mix";
    fn poison(&self) -> &Cell<bool> {
        &self.poisoned
    }
}

/// The audio of one track: `channel_count` (1 or 2) planar channels of `frames` floats.
#[repr(C)]
pub struct MmTrack {
    /// `channels[c]` points to the `frames` floats of channel `c`.
    pub channels: *const *const f32,
    /// 1 (mono) or 2 (stereo).
    pub channel_count: usize,
    /// Frames of each channel.
    pub frames: usize,
}

/// How to render a session.
#[repr(C)]
pub struct MmRenderOptions {
    /// Pad shorter tracks with silence instead of refusing tracks of different lengths.
    pub pad: bool,
    /// The longest effects tail kept after the end of the tracks, in seconds.
    pub max_tail_s: f64,
}

/// The default render options: no padding, at most 10 s of tail.
#[unsafe(no_mangle)]
pub extern "C" fn mm_render_options_default() -> MmRenderOptions {
    let d = RenderOptions::default();
    MmRenderOptions {
        pad: d.pad,
        max_tail_s: d.max_tail_s,
    }
}

/// Reads a session from TOML text (the format of docs/session.md) into `*out_session`.
/// Destroy with `mm_session_destroy`. Allocates.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (not UTF-8), `MM_ERROR_SESSION` (the message
/// starts with `LINE:COL:`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_session_from_toml(
    toml_text: *const c_char,
    out_session: *mut *mut MmSession,
) -> i32 {
    run("mm_session_from_toml", || {
        let o = out(out_session, "out_session")?;
        *o = core::ptr::null_mut();
        let inner = Session::from_toml(text::arg(toml_text, "toml_text")?)?;
        give(
            o,
            MmSession {
                inner,
                poisoned: Cell::new(false),
            },
        );
        Ok(())
    })
}

/// Destroys a session; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_session_destroy(session: *mut MmSession) {
    destroy("mm_session_destroy", session);
}

/// The session as TOML text (which `mm_session_from_toml` reads back to an equal session) into
/// `buf` (`capacity` bytes; the size with its NUL into `*needed` when `needed` is not NULL;
/// `buf` NULL with `capacity` 0 asks for the size).
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_SESSION`, `MM_ERROR_BUFFER_TOO_SMALL` (cut to fit).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_session_to_toml(
    session: *const MmSession,
    buf: *mut c_char,
    capacity: usize,
    needed: *mut usize,
) -> i32 {
    with_ref("mm_session_to_toml", session, |s| {
        text::write(&s.inner.to_toml()?, buf, capacity, needed)
    })
}

/// How many tracks the session has (the render takes one `mm_track` each), into `*out_count`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_session_track_count(
    session: *const MmSession,
    out_count: *mut usize,
) -> i32 {
    with_ref("mm_session_track_count", session, |s| {
        *out(out_count, "out_count")? = s.inner.tracks.len();
        Ok(())
    })
}

/// The name of track `track` into `buf`, as `mm_session_to_toml` writes text.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_INDEX`, `MM_ERROR_BUFFER_TOO_SMALL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_session_track_name(
    session: *const MmSession,
    track: usize,
    buf: *mut c_char,
    capacity: usize,
    needed: *mut usize,
) -> i32 {
    with_ref("mm_session_track_name", session, |s| {
        let t = s.inner.tracks.get(track).ok_or(Failure::Index {
            what: "track",
            index: track,
            count: s.inner.tracks.len(),
        })?;
        text::write(&t.name, buf, capacity, needed)
    })
}

/// The sample rate the session names, into `*out_rate` (0 when it names none: it then mixes
/// at the rate of its audio).
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_session_sample_rate(
    session: *const MmSession,
    out_rate: *mut u32,
) -> i32 {
    with_ref("mm_session_sample_rate", session, |s| {
        *out(out_rate, "out_rate")? = s.inner.sample_rate.unwrap_or(0);
        Ok(())
    })
}

/// The loudness target of the session's `[master.normalize]`, if it has one: `*out_has_target`
/// says whether; when it does, `*out_target_lufs` and `*out_ceiling_dbtp` (either may be NULL)
/// get the target, for `mm_normalize_to` on the rendered mix.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_SESSION` (an unknown preset or a target out of range).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_session_target(
    session: *const MmSession,
    out_has_target: *mut bool,
    out_target_lufs: *mut f64,
    out_ceiling_dbtp: *mut f64,
) -> i32 {
    with_ref("mm_session_target", session, |s| {
        let has = out(out_has_target, "out_has_target")?;
        let target = match &s.inner.master.normalize {
            Some(n) => Some(n.target()?),
            None => None,
        };
        *has = target.is_some();
        if let Some(t) = target {
            write_opt(out_target_lufs, t.integrated_lufs);
            write_opt(out_ceiling_dbtp, t.ceiling_dbtp);
        }
        Ok(())
    })
}

/// Renders the session into a new stereo mix `*out_mix` (destroy with `mm_mix_destroy`):
/// `tracks` holds one `mm_track` per session track, in order, all at `sample_rate` Hz (which
/// must be the session's own rate when it names one). The mix has the latency removed and the
/// effects' tail appended. `options` may be NULL for the defaults. The track audio is copied.
/// Offline: allocates and takes time proportional to the audio.
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_ARGUMENT` (a track's buffers), `MM_ERROR_CHANNELS`,
/// `MM_ERROR_SESSION` (the wrong number of tracks, tracks of different lengths without `pad`,
/// a rate that is not the session's, an insert that cannot be built: the message names the
/// track and the setting).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_session_render(
    session: *const MmSession,
    sample_rate: u32,
    tracks: *const MmTrack,
    track_count: usize,
    options: *const MmRenderOptions,
    out_mix: *mut *mut MmMix,
) -> i32 {
    with_ref("mm_session_render", session, |s| {
        let o = out(out_mix, "out_mix")?;
        *o = core::ptr::null_mut();
        if tracks.is_null() && track_count > 0 {
            return Err(Failure::Null("tracks"));
        }
        let tracks: &[MmTrack] = if track_count == 0 {
            &[]
        } else {
            // SAFETY: the caller's array holds `track_count` tracks (the header's rules).
            unsafe { core::slice::from_raw_parts(tracks, track_count) }
        };
        let mut sources: Vec<Box<dyn TrackSource>> = Vec::with_capacity(tracks.len());
        for (i, t) in tracks.iter().enumerate() {
            let audio = Planar::new(t.channels, t.channel_count, t.frames)
                .map_err(|e| Failure::Message(e.code(), format!("tracks[{i}]: {e}")))?;
            let owned: Vec<Vec<f32>> = audio.channels().iter().map(|c| c.to_vec()).collect();
            let buffer = Buffer::new(owned)
                .map_err(|e| Failure::Message(MM_ERROR_ARGUMENT, format!("tracks[{i}]: {e}")))?;
            sources.push(Box::new(buffer));
        }
        // SAFETY: NULL or the caller's options (the header's rules).
        let options = match unsafe { options.as_ref() } {
            Some(o) => RenderOptions {
                pad: o.pad,
                max_tail_s: o.max_tail_s,
            },
            None => RenderOptions::default(),
        };
        let inner = s.inner.render(sample_rate, sources, &options)?;
        give(
            o,
            MmMix {
                inner,
                poisoned: Cell::new(false),
            },
        );
        Ok(())
    })
}

/// Destroys a mix; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_mix_destroy(mix: *mut MmMix) {
    destroy("mm_mix_destroy", mix);
}

/// Frames of the mix (each of its two channels), into `*out_frames`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_mix_frames(mix: *const MmMix, out_frames: *mut usize) -> i32 {
    with_ref("mm_mix_frames", mix, |m| {
        *out(out_frames, "out_frames")? = m.inner.channels.first().map_or(0, |c| c.len());
        Ok(())
    })
}

/// The mix's sample rate, Hz, into `*out_rate`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_mix_sample_rate(mix: *const MmMix, out_rate: *mut u32) -> i32 {
    with_ref("mm_mix_sample_rate", mix, |m| {
        *out(out_rate, "out_rate")? = m.inner.sample_rate;
        Ok(())
    })
}

/// Channel `channel` of the mix (0 left, 1 right) into `*out_samples`: `mm_mix_frames` floats
/// that belong to the mix (valid until `mm_mix_destroy`; they may be changed in place, for
/// example by `mm_normalize_to`).
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_INDEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_mix_channel(
    mix: *mut MmMix,
    channel: usize,
    out_samples: *mut *mut f32,
) -> i32 {
    with_mut("mm_mix_channel", mix, |m| {
        let o = out(out_samples, "out_samples")?;
        let n = m.inner.channels.len();
        let c = m.inner.channels.get_mut(channel).ok_or(Failure::Index {
            what: "channel",
            index: channel,
            count: n,
        })?;
        *o = c.as_mut_ptr();
        Ok(())
    })
}

/// Copies `frames` frames of the mix from frame `offset` into `samples` interleaved (`L R L R
/// ...`, `2 * frames` floats).
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_RANGE` (past the end of the mix).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_mix_read_interleaved(
    mix: *const MmMix,
    offset: usize,
    samples: *mut f32,
    frames: usize,
) -> i32 {
    with_ref("mm_mix_read_interleaved", mix, |m| {
        let total = m.inner.channels.first().map_or(0, |c| c.len());
        let end = offset.checked_add(frames).filter(|e| *e <= total);
        let Some(end) = end else {
            return Err(Failure::Message(
                MM_ERROR_RANGE,
                format!(
                    "frames {offset} to {} are past the end of the mix ({total} frames)",
                    offset.saturating_add(frames)
                ),
            ));
        };
        let ch = m.inner.channels.len();
        let dst = interleaved_mut(samples, ch, frames)?;
        let parts: Vec<&[f32]> = m.inner.channels.iter().map(|c| &c[offset..end]).collect();
        for (f, frame) in dst.chunks_exact_mut(ch).enumerate() {
            for (d, c) in frame.iter_mut().zip(&parts) {
                *d = c[f];
            }
        }
        Ok(())
    })
}
