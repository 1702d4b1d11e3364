//! The calls a processor handle and a chain handle share, on any `dyn Processor`: prepare,
//! process planar and interleaved C buffers, latency, and parameters by index and by name.
//! Thin: each checks the C arguments and calls the core's own method.

use mixmaster::{ProcessSpec, Processor};

use crate::buffers::{PlanarMut, interleaved_mut};
use crate::catalog::{self, MmKindInfo};
use crate::guard::{Failure, Result};
use crate::status::MM_ERROR_UNKNOWN_NAME;

/// Prepares `p` for `channels` channels at `sample_rate` in blocks of up to `max_block`.
pub(crate) fn prepare(
    p: &mut dyn Processor,
    sample_rate: f64,
    max_block: usize,
    channels: usize,
) -> Result<()> {
    Ok(p.prepare(ProcessSpec::new(sample_rate, max_block, channels))?)
}

/// Processes a C planar buffer in place. Never allocates.
pub(crate) fn process(
    p: &mut dyn Processor,
    channels: *const *mut f32,
    channel_count: usize,
    frames: usize,
) -> Result<()> {
    let mut block = PlanarMut::new(channels, channel_count, frames)?;
    Ok(p.try_process(block.channels())?)
}

/// Processes a C interleaved buffer in place. Never allocates.
pub(crate) fn process_interleaved(
    p: &mut dyn Processor,
    samples: *mut f32,
    channel_count: usize,
    frames: usize,
) -> Result<()> {
    let buf = interleaved_mut(samples, channel_count, frames)?;
    Ok(p.process_interleaved(buf, channel_count)?)
}

/// Checks a parameter index.
fn check_index(p: &dyn Processor, index: usize) -> Result<()> {
    let count = p.params().len();
    if index < count {
        Ok(())
    } else {
        Err(Failure::ParamIndex {
            processor: p.name(),
            index,
            count,
        })
    }
}

/// Sets parameter `index`. Never allocates (nor does its error).
pub(crate) fn set_param(p: &mut dyn Processor, index: usize, value: f64) -> Result<()> {
    check_index(p, index)?;
    Ok(p.set_param(index, value)?)
}

/// The value (target) of parameter `index`.
pub(crate) fn get_param(p: &dyn Processor, index: usize) -> Result<f64> {
    check_index(p, index)?;
    p.param(index).ok_or(Failure::ParamIndex {
        processor: p.name(),
        index,
        count: p.params().len(),
    })
}

/// The index of the parameter called `name`; the error lists the parameters (and says when
/// `name` is an option, which is fixed at creation).
pub(crate) fn param_index(p: &dyn Processor, name: &str) -> Result<usize> {
    if let Some(i) = p.params().iter().position(|info| info.name == name) {
        return Ok(i);
    }
    let names: Vec<&str> = p.params().iter().map(|i| i.name).collect();
    let names = if names.is_empty() {
        "it has none".to_string()
    } else {
        format!("it has: {}", names.join(", "))
    };
    let is_option = p.description().is_some_and(|d| d.option(name).is_some());
    Err(Failure::Message(
        MM_ERROR_UNKNOWN_NAME,
        if is_option {
            format!(
                "`{name}` is an option of {}, fixed at creation, not a parameter: give it in the settings of mm_processor_create_with ({names})",
                p.name()
            )
        } else {
            format!("{} has no parameter `{name}` ({names})", p.name())
        },
    ))
}

/// The catalogue entry of `p`'s kind.
pub(crate) fn kind(p: &dyn Processor) -> Result<&'static MmKindInfo> {
    catalog::kind_named(p.name()).ok_or_else(|| {
        Failure::Message(
            MM_ERROR_UNKNOWN_NAME,
            format!("`{}` is not a registry kind", p.name()),
        )
    })
}
