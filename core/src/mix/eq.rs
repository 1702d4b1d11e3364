//! [`Equalizer`]: several [`Filter`] bands in series, with a combined response for plots.

use alloc::vec::Vec;

use super::biquad::{Coeffs, Design};
use super::filter::{Filter, SectionState, run_cascade};
use crate::denormal::FlushGuard;
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

/// Most sections the equalizer runs as one cascade.
const GATHER: usize = 16;

impl Equalizer {
    /// Runs every enabled band's sections as one cascade (all settled): each sample goes through
    /// all bands before the next, which overlaps their recursions. Same arithmetic, same output
    /// as band after band.
    fn run_gathered(&mut self, block: &mut [&mut [f32]], total: usize) {
        let _ftz = FlushGuard::new();
        let mut coeffs = [Coeffs::IDENTITY; GATHER];
        let mut k = 0;
        for b in self.bands.iter().filter(|b| b.enabled) {
            for c in b.filter.current_sections() {
                coeffs[k] = *c;
                k += 1;
            }
        }
        let mut ch = 0;
        while ch < block.len() {
            let pair = ch + 1 < block.len();
            let mut s0 = [SectionState::default(); GATHER];
            let mut s1 = [SectionState::default(); GATHER];
            self.move_state(ch, &mut s0, false);
            if pair {
                self.move_state(ch + 1, &mut s1, false);
                let (lo, hi) = block.split_at_mut(ch + 1);
                run_cascade(
                    &coeffs[..total],
                    &mut s0[..total],
                    lo[ch],
                    Some((&mut s1[..total], &mut *hi[0])),
                );
                self.move_state(ch + 1, &mut s1, true);
            } else {
                run_cascade(&coeffs[..total], &mut s0[..total], block[ch], None);
            }
            self.move_state(ch, &mut s0, true);
            ch += if pair { 2 } else { 1 };
        }
        let frames = block.first().map_or(0, |c| c.len());
        for b in self.bands.iter_mut().filter(|b| b.enabled) {
            b.filter.advance_grid(frames);
        }
    }

    /// Copies channel `ch`'s section states from the bands into `gathered` (or back, sanitized).
    fn move_state(&mut self, ch: usize, gathered: &mut [SectionState; GATHER], back: bool) {
        let mut k = 0;
        for b in self.bands.iter_mut().filter(|b| b.enabled) {
            let (sections, state) = b.filter.cascade_parts();
            for st in state[ch].iter_mut().take(sections.len()) {
                if back {
                    gathered[k].sanitize();
                    *st = gathered[k];
                } else {
                    gathered[k] = *st;
                }
                k += 1;
            }
        }
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
        let total: usize = self
            .bands
            .iter()
            .filter(|b| b.enabled)
            .map(|b| b.filter.current_sections().len())
            .sum();
        let settled = self
            .bands
            .iter()
            .filter(|b| b.enabled)
            .all(|b| b.filter.settled());
        if settled && total <= GATHER {
            self.run_gathered(block, total);
        } else {
            for b in self.bands.iter_mut().filter(|b| b.enabled) {
                b.filter.process_block(block);
            }
        }
    }

    fn reset(&mut self) {
        for b in &mut self.bands {
            b.filter.reset();
        }
    }
}
