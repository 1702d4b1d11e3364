//! Channel layouts of the loudness functions (`MM_LAYOUT_*`): which channel is which, and so
//! its weight in the loudness sum (BS.1770: 1.0 for left, right and centre, 1.41 for the
//! surrounds, LFE left out).

use mixmaster::master::loudness::ChannelLayout;

use crate::guard::{Failure, Result};
use crate::status::MM_ERROR_ARGUMENT;

/// One channel.
pub const MM_LAYOUT_MONO: i32 = 1;
/// Left, right.
pub const MM_LAYOUT_STEREO: i32 = 2;
/// Left, right, centre, left surround, right surround.
pub const MM_LAYOUT_SURROUND_5_0: i32 = 3;
/// Left, right, centre, LFE, left surround, right surround (the order of libebur128's
/// default map, and of WAV files).
pub const MM_LAYOUT_SURROUND_5_1: i32 = 4;
/// Left, right, centre, LFE, left side, right side, left rear, right rear.
pub const MM_LAYOUT_SURROUND_7_1: i32 = 5;

/// The layout of an `MM_LAYOUT_*` code.
pub(crate) fn layout(code: i32) -> Result<ChannelLayout> {
    Ok(match code {
        MM_LAYOUT_MONO => ChannelLayout::Mono,
        MM_LAYOUT_STEREO => ChannelLayout::Stereo,
        MM_LAYOUT_SURROUND_5_0 => ChannelLayout::Surround50,
        MM_LAYOUT_SURROUND_5_1 => ChannelLayout::Surround51,
        MM_LAYOUT_SURROUND_7_1 => ChannelLayout::Surround71,
        _ => {
            return Err(Failure::Message(
                MM_ERROR_ARGUMENT,
                format!(
                    "`layout` = {code} is not a layout: use MM_LAYOUT_MONO (1), MM_LAYOUT_STEREO (2), MM_LAYOUT_SURROUND_5_0 (3), MM_LAYOUT_SURROUND_5_1 (4) or MM_LAYOUT_SURROUND_7_1 (5), or give weights"
                ),
            ));
        }
    })
}
