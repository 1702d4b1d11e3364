//! [`Equalizer`]: several [`Filter`] bands in series, with a combined response for plots.

use alloc::vec::Vec;

use super::biquad::Design;
use super::filter::Filter;
use crate::error::{Error, Range, Result};
use crate::processor::{ProcessSpec, Processor};

/// One band of an [`Equalizer`].
#[derive(Debug, Clone)]
pub struct Band {
    /// The band's filter.
    pub filter: Filter,
    /// Whether the band runs.
    pub enabled: bool,
}

/// A multi-band equalizer: bands in series, any number of channels.
#[derive(Debug, Clone, Default)]
pub struct Equalizer {
    bands: Vec<Band>,
    spec: Option<ProcessSpec>,
}

impl Equalizer {
    /// An equalizer with no bands.
    pub fn new() -> Self {
        Equalizer::default()
    }

    /// An equalizer with one band per design.
    pub fn from_designs(designs: &[Design]) -> Result<Self> {
        let mut eq = Equalizer::new();
        for d in designs {
            eq.add_band(*d)?;
        }
        Ok(eq)
    }

    /// Adds a band (allocates: not for the audio thread). Prepares it if the EQ is prepared.
    pub fn add_band(&mut self, design: Design) -> Result<usize> {
        let mut filter = Filter::from_design(design)?;
        if let Some(spec) = self.spec {
            filter.prepare(spec)?;
        }
        self.bands.push(Band {
            filter,
            enabled: true,
        });
        Ok(self.bands.len() - 1)
    }

    /// The bands.
    pub fn bands(&self) -> &[Band] {
        &self.bands
    }

    /// Band `index`, for parameter changes (`eq.band_mut(0)?.filter.set_gain_db(3.0)`).
    pub fn band_mut(&mut self, index: usize) -> Result<&mut Band> {
        let n = self.bands.len();
        self.bands.get_mut(index).ok_or(Error::Parameter {
            name: "band",
            value: index as f64,
            range: Range::closed_open(0.0, n as f64),
            note: "no such band",
        })
    }

    /// Combined magnitude (dB) and phase (radians) of the enabled bands at `frequency_hz`.
    pub fn response(&self, frequency_hz: f64) -> (f64, f64) {
        self.bands
            .iter()
            .filter(|b| b.enabled)
            .fold((0.0, 0.0), |(m, p), b| {
                let (bm, bp) = b.filter.response(frequency_hz);
                (m + bm, p + bp)
            })
    }
}

impl Processor for Equalizer {
    fn name(&self) -> &'static str {
        "equalizer"
    }

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        self.spec = None;
        for b in &mut self.bands {
            b.filter.prepare(spec)?;
        }
        self.spec = Some(spec);
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        for b in self.bands.iter_mut().filter(|b| b.enabled) {
            b.filter.process_block(block);
        }
    }

    fn reset(&mut self) {
        for b in &mut self.bands {
            b.filter.reset();
        }
    }
}
