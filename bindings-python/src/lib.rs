//! `mixmaster._native`: the Python binding's native module. A mapping of the core, not a second
//! implementation: processors are made generically from the core's registry (one native class,
//! `Processor`, built by kind name; the Python package turns every registered kind into its own
//! class), sessions come from `mixmaster-session`, loudness and normalization from the core's
//! `master` module, audio files from `mixmaster-io` (the command's readers and writer). Audio
//! crosses as numpy arrays of shape (channels, samples).
//!
//! Every entry point validates its input and turns every core error into a Python exception;
//! the GIL is released while audio is processed.

mod analysis;
mod audio;
mod errors;
mod files;
mod loudness;
mod processor;
mod session;
mod stream;
mod value;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<processor::NativeProcessor>()?;
    m.add_class::<loudness::NativeMeter>()?;
    m.add_class::<session::NativeSession>()?;
    m.add_function(wrap_pyfunction!(value::kinds, m)?)?;
    m.add_function(wrap_pyfunction!(processor::run_chain, m)?)?;
    m.add_function(wrap_pyfunction!(processor::render_chain, m)?)?;
    m.add_function(wrap_pyfunction!(loudness::measure, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::analyze, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::profile, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::master_to_reference, m)?)?;
    m.add_function(wrap_pyfunction!(loudness::normalize, m)?)?;
    m.add_function(wrap_pyfunction!(loudness::normalize_album, m)?)?;
    m.add_function(wrap_pyfunction!(loudness::presets, m)?)?;
    m.add_function(wrap_pyfunction!(files::read, m)?)?;
    m.add_function(wrap_pyfunction!(files::write, m)?)?;
    m.add_function(wrap_pyfunction!(build_info, m)?)?;
    m.add("MAX_CHANNELS", mixmaster::processor::MAX_CHANNELS)?;
    Ok(())
}

/// Facts about this build: version, and whether the CPU runs the core's AVX2+FMA kernels
/// (results are bit-identical to the Rust core on the same machine; other machines may differ
/// by float rounding).
#[pyfunction]
fn build_info(py: Python<'_>) -> PyResult<Bound<'_, pyo3::types::PyDict>> {
    let d = pyo3::types::PyDict::new(py);
    d.set_item("version", env!("CARGO_PKG_VERSION"))?;
    d.set_item("avx2_fma", mixmaster::cpu::has_avx2_fma())?;
    Ok(d)
}
