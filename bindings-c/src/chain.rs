//! `mm_chain`: processors in series (`mixmaster::Chain`), prepared and run as one. Stages are
//! processors made with `mm_processor_create*` and handed over; their parameters are reached
//! by stage index.

use core::cell::Cell;
use core::ffi::c_char;

use mixmaster::{Chain, Processor};

use crate::catalog::MmKindInfo;
use crate::guard::{Failure, Handle, Result, destroy, give, out, run, with_mut, with_ref};
use crate::ops;
use crate::processor::{self, MmProcessor};
use crate::text;

/// Processors in series (opaque).
pub struct MmChain {
    inner: Chain,
    poisoned: Cell<bool>,
}

impl Handle for MmChain {
    const ARG: &'static str = "chain";
    fn poison(&self) -> &Cell<bool> {
        &self.poisoned
    }
}

impl MmChain {
    fn stage(&self, stage: usize) -> Result<&dyn Processor> {
        let n = self.inner.len();
        self.inner
            .stages()
            .get(stage)
            .map(|s| s.as_ref())
            .ok_or(Failure::Index {
                what: "stage",
                index: stage,
                count: n,
            })
    }

    fn stage_mut(&mut self, stage: usize) -> Result<&mut dyn Processor> {
        let n = self.inner.len();
        match self.inner.stages_mut().get_mut(stage) {
            Some(s) => Ok(s.as_mut()),
            None => Err(Failure::Index {
                what: "stage",
                index: stage,
                count: n,
            }),
        }
    }
}

/// Creates an empty chain (it passes audio through) into `*out_chain`. Destroy with
/// `mm_chain_destroy`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_create(out_chain: *mut *mut MmChain) -> i32 {
    run("mm_chain_create", || {
        let o = out(out_chain, "out_chain")?;
        give(
            o,
            MmChain {
                inner: Chain::new(),
                poisoned: Cell::new(false),
            },
        );
        Ok(())
    })
}

/// Destroys a chain and its stages; NULL does nothing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_destroy(chain: *mut MmChain) {
    destroy("mm_chain_destroy", chain);
}

/// Appends `processor` as the last stage. On success the chain owns it and the handle is
/// gone: do not use or destroy `processor` afterwards. On failure it stays the caller's.
/// The chain must be prepared again before processing. Allocates.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_push(chain: *mut MmChain, processor: *mut MmProcessor) -> i32 {
    with_mut("mm_chain_push", chain, |c| {
        let stage = processor::take(processor)?;
        c.inner.push(stage);
        Ok(())
    })
}

/// How many stages the chain has, into `*out_count`.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_len(chain: *const MmChain, out_count: *mut usize) -> i32 {
    with_ref("mm_chain_len", chain, |c| {
        *out(out_count, "out_count")? = c.inner.len();
        Ok(())
    })
}

/// The kind of stage `stage`, into `*out_kind` (an entry of the library's catalogue).
///
/// Errors: `MM_ERROR_NULL`, `MM_ERROR_INDEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_stage_kind(
    chain: *const MmChain,
    stage: usize,
    out_kind: *mut *const MmKindInfo,
) -> i32 {
    with_ref("mm_chain_stage_kind", chain, |c| {
        let o = out(out_kind, "out_kind")?;
        *o = ops::kind(c.stage(stage)?)?;
        Ok(())
    })
}

/// Prepares every stage, as `mm_processor_prepare`.
///
/// Errors: as `mm_processor_prepare` (the first stage that refuses).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_prepare(
    chain: *mut MmChain,
    sample_rate: f64,
    max_block: usize,
    channel_count: usize,
) -> i32 {
    with_mut("mm_chain_prepare", chain, |c| {
        ops::prepare(&mut c.inner, sample_rate, max_block, channel_count)
    })
}

/// Processes a planar block in place through every stage, as `mm_processor_process`.
/// Real-time safe.
///
/// Errors: as `mm_processor_process`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_process(
    chain: *mut MmChain,
    channels: *const *mut f32,
    channel_count: usize,
    frames: usize,
) -> i32 {
    with_mut("mm_chain_process", chain, |c| {
        ops::process(&mut c.inner, channels, channel_count, frames)
    })
}

/// Processes an interleaved block in place through every stage, as
/// `mm_processor_process_interleaved`. Real-time safe.
///
/// Errors: as `mm_processor_process_interleaved`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_process_interleaved(
    chain: *mut MmChain,
    samples: *mut f32,
    channel_count: usize,
    frames: usize,
) -> i32 {
    with_mut("mm_chain_process_interleaved", chain, |c| {
        ops::process_interleaved(&mut c.inner, samples, channel_count, frames)
    })
}

/// Clears the state of every stage. Real-time safe.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_reset(chain: *mut MmChain) -> i32 {
    with_mut("mm_chain_reset", chain, |c| {
        c.inner.reset();
        Ok(())
    })
}

/// The sum of the stages' latencies in frames, into `*out_frames`. Real-time safe.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_latency(chain: *const MmChain, out_frames: *mut usize) -> i32 {
    with_ref("mm_chain_latency", chain, |c| {
        *out(out_frames, "out_frames")? = c.inner.latency_frames();
        Ok(())
    })
}

/// The sum of the stages' tails in frames, into `*out_frames`. Real-time safe.
///
/// Errors: `MM_ERROR_NULL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_tail(chain: *const MmChain, out_frames: *mut usize) -> i32 {
    with_ref("mm_chain_tail", chain, |c| {
        *out(out_frames, "out_frames")? = c.inner.tail_frames();
        Ok(())
    })
}

/// The index of parameter `name` of stage `stage`, into `*out_index`.
///
/// Errors: as `mm_processor_param_index`, and `MM_ERROR_INDEX` (no such stage).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_param_index(
    chain: *const MmChain,
    stage: usize,
    name: *const c_char,
    out_index: *mut usize,
) -> i32 {
    with_ref("mm_chain_param_index", chain, |c| {
        let o = out(out_index, "out_index")?;
        *o = ops::param_index(c.stage(stage)?, text::arg(name, "name")?)?;
        Ok(())
    })
}

/// Sets parameter `index` of stage `stage`, as `mm_processor_set_param`. Real-time safe.
///
/// Errors: as `mm_processor_set_param`, and `MM_ERROR_INDEX` (no such stage).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_set_param(
    chain: *mut MmChain,
    stage: usize,
    index: usize,
    value: f64,
) -> i32 {
    with_mut("mm_chain_set_param", chain, |c| {
        ops::set_param(c.stage_mut(stage)?, index, value)
    })
}

/// The value of parameter `index` of stage `stage`, into `*out_value`. Real-time safe.
///
/// Errors: as `mm_processor_get_param`, and `MM_ERROR_INDEX` (no such stage).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_get_param(
    chain: *const MmChain,
    stage: usize,
    index: usize,
    out_value: *mut f64,
) -> i32 {
    with_ref("mm_chain_get_param", chain, |c| {
        let o = out(out_value, "out_value")?;
        *o = ops::get_param(c.stage(stage)?, index)?;
        Ok(())
    })
}

/// Sets the parameter called `name` of stage `stage`, as `mm_processor_set_param_by_name`.
///
/// Errors: as `mm_processor_set_param_by_name`, and `MM_ERROR_INDEX` (no such stage).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_set_param_by_name(
    chain: *mut MmChain,
    stage: usize,
    name: *const c_char,
    value: f64,
) -> i32 {
    with_mut("mm_chain_set_param_by_name", chain, |c| {
        let p = c.stage_mut(stage)?;
        let i = ops::param_index(p, text::arg(name, "name")?)?;
        ops::set_param(p, i, value)
    })
}

/// The value of the parameter called `name` of stage `stage`, into `*out_value`.
///
/// Errors: as `mm_processor_get_param_by_name`, and `MM_ERROR_INDEX` (no such stage).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mm_chain_get_param_by_name(
    chain: *const MmChain,
    stage: usize,
    name: *const c_char,
    out_value: *mut f64,
) -> i32 {
    with_ref("mm_chain_get_param_by_name", chain, |c| {
        let o = out(out_value, "out_value")?;
        let p = c.stage(stage)?;
        *o = ops::get_param(p, ops::param_index(p, text::arg(name, "name")?)?)?;
        Ok(())
    })
}
