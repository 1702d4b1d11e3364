//! [`Equalizer`]: several [`Filter`] bands in series, with a combined response for plots.

use alloc::vec::Vec;

use super::biquad::{Coeffs, Design};
use super::filter::{
    BAND_FIELDS, Filter, SectionState, design_from_options, design_settings, run_cascade,
};
use crate::cpu::{dispatch, mul_add};
use crate::denormal::FlushGuard;
use crate::error::{Error, Range, Result};
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};

/// One band of an [`Equalizer`].
#[derive(Debug, Clone)]
pub struct Band {
    /// The band's filter.
    pub filter: Filter,
    /// Whether the band runs.
    pub enabled: bool,
}

/// A multi-band equalizer: bands in series, any number of channels.
///
/// Construction: [`Equalizer::new`] (never fails), [`Equalizer::from_designs`] (returns a `Result`: invalid arguments are errors naming them).
/// Bands: [`Equalizer::add_band`] (returns a `Result`), [`Equalizer::band_mut`] then the band filter's setters
/// ([`Filter::set_gain_db`] and the others, each returning a `Result`).
/// By name: [`Processor::set_param`] over [`Equalizer::PARAMS`], or the
/// [registry](crate::registry) as kind `"equalizer"` (see docs/processors.md).
#[derive(Debug, Clone, Default)]
pub struct Equalizer {
    bands: Vec<Band>,
    spec: Option<ProcessSpec>,
}

crate::params! { Equalizer {} }

/// The fields of one equalizer band: a filter's, and whether it runs.
const EQ_BAND_FIELDS: &[OptionInfo] = &[
    BAND_FIELDS[0],
    BAND_FIELDS[1],
    BAND_FIELDS[2],
    BAND_FIELDS[3],
    BAND_FIELDS[4],
    OptionInfo::switch("enabled", true, "Whether the band runs."),
];

impl Describe for Equalizer {
    const DESCRIPTION: &'static Description = &Description {
        kind: "equalizer",
        aliases: &["eq"],
        class_name: "Equalizer",
        summary: "Several filter bands in series (minimum phase), with a combined response for plots.",
        channels: "any",
        params: Equalizer::PARAMS,
        options: &[OptionInfo::list(
            "bands",
            EQ_BAND_FIELDS,
            "The bands, in order: tables of kind, order, frequency_hz, q, gain_db, enabled.",
        )],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let bands = o.list("bands", |b| {
            let d = design_from_options(b)?;
            Ok((d, b.switch("enabled")?))
        })?;
        let mut eq = Equalizer::new();
        for (d, enabled) in bands {
            let i = eq.add_band(d)?;
            eq.bands[i].enabled = enabled;
        }
        Ok(eq)
    }

    fn options(&self) -> Settings {
        let bands = self
            .bands
            .iter()
            .map(|b| design_settings(&b.filter.design()).with("enabled", b.enabled))
            .collect::<Vec<_>>();
        Settings::new().with("bands", bands)
    }
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

/// Equalizers in a bank of [`process_lanes`]: four tracks side by side.
pub(crate) const BANK: usize = 4;

/// One section's coefficients for every lane (struct of arrays, so the lanes vectorise).
#[derive(Clone, Copy)]
struct LaneCoeffs<const L: usize> {
    b0: [f64; L],
    b1: [f64; L],
    b2: [f64; L],
    a1: [f64; L],
    a2: [f64; L],
}

impl<const L: usize> LaneCoeffs<L> {
    const IDENTITY: Self = LaneCoeffs {
        b0: [1.0; L],
        b1: [0.0; L],
        b2: [0.0; L],
        a1: [0.0; L],
        a2: [0.0; L],
    };
}

/// One section's memory for every lane.
#[derive(Clone, Copy)]
struct LaneState<const L: usize> {
    x1: [f64; L],
    x2: [f64; L],
    y1: [f64; L],
    y2: [f64; L],
}

impl<const L: usize> LaneState<L> {
    const ZERO: Self = LaneState {
        x1: [0.0; L],
        x2: [0.0; L],
        y1: [0.0; L],
        y2: [0.0; L],
    };
}

/// [`crate::mix::filter`]'s DF-I step on every lane: the same operations in the same order.
#[inline(always)]
fn lane_step<const L: usize, const FMA: bool>(
    c: &LaneCoeffs<L>,
    s: &mut LaneState<L>,
    x: [f64; L],
) -> [f64; L] {
    let mut y = [0.0f64; L];
    for l in 0..L {
        let t = mul_add::<FMA>(c.b1[l], s.x1[l], c.b0[l] * x[l]);
        let t = mul_add::<FMA>(c.b2[l], s.x2[l], t);
        let t = mul_add::<FMA>(-c.a2[l], s.y2[l], t);
        y[l] = mul_add::<FMA>(-c.a1[l], s.y1[l], t);
    }
    s.x2 = s.x1;
    s.x1 = x;
    s.y2 = s.y1;
    s.y1 = y;
    y
}

fn lane_cascade<const N: usize, const L: usize, const FMA: bool>(
    c: &[LaneCoeffs<L>; N],
    s: &mut [LaneState<L>; N],
    bufs: &mut [&mut [f32]; L],
    n: usize,
) {
    let mut st = *s;
    // Chunks of frames gathered into an interleaved scratch (one vector per frame), run, and
    // scattered back.
    const CHUNK: usize = 128;
    let mut scratch = [[0.0f32; L]; CHUNK];
    let mut pos = 0;
    while pos < n {
        let m = CHUNK.min(n - pos);
        for (l, b) in bufs.iter().enumerate() {
            for (row, v) in scratch[..m].iter_mut().zip(&b[pos..pos + m]) {
                row[l] = *v;
            }
        }
        for row in scratch[..m].iter_mut() {
            let mut x = *row;
            for k in 0..N {
                // Rounded to f32 between sections, as the single-track path does.
                x = lane_step::<L, FMA>(&c[k], &mut st[k], x.map(f64::from)).map(|v| v as f32);
            }
            *row = x;
        }
        for (l, b) in bufs.iter_mut().enumerate() {
            for (row, v) in scratch[..m].iter().zip(&mut b[pos..pos + m]) {
                *v = row[l];
            }
        }
        pos += m;
    }
    *s = st;
}

/// Runs the sections in groups of four, like the single-track cascade.
#[inline(always)]
fn lanes_generic<const L: usize, const FMA: bool>(
    c: &[LaneCoeffs<L>],
    s: &mut [LaneState<L>],
    bufs: &mut [&mut [f32]; L],
    n: usize,
) {
    for (cg, sg) in c.chunks(4).zip(s.chunks_mut(4)) {
        macro_rules! run {
            ($k:literal) => {{
                let (Ok(cg), Ok(sg)) = (
                    <&[LaneCoeffs<L>; $k]>::try_from(cg),
                    <&mut [LaneState<L>; $k]>::try_from(sg),
                ) else {
                    return;
                };
                lane_cascade::<$k, L, FMA>(cg, sg, bufs, n)
            }};
        }
        match cg.len() {
            1 => run!(1),
            2 => run!(2),
            3 => run!(3),
            _ => run!(4),
        }
    }
}

fn lanes4_generic<const FMA: bool>(
    c: &[LaneCoeffs<4>],
    s: &mut [LaneState<4>],
    bufs: &mut [&mut [f32]; 4],
    n: usize,
) {
    lanes_generic::<4, FMA>(c, s, bufs, n)
}

fn lanes8_generic<const FMA: bool>(
    c: &[LaneCoeffs<8>],
    s: &mut [LaneState<8>],
    bufs: &mut [&mut [f32]; 8],
    n: usize,
) {
    lanes_generic::<8, FMA>(c, s, bufs, n)
}

dispatch! {
    /// Four lanes of cascades (four mono tracks; see [`lane_cascade`]).
    fn lanes4(c: &[LaneCoeffs<4>], s: &mut [LaneState<4>], bufs: &mut [&mut [f32]; 4], n: usize) => lanes4_generic
}

dispatch! {
    /// Eight lanes of cascades (four stereo tracks; see [`lane_cascade`]).
    fn lanes8(c: &[LaneCoeffs<8>], s: &mut [LaneState<8>], bufs: &mut [&mut [f32]; 8], n: usize) => lanes8_generic
}

/// Lane `l` is channel `l % channels` of equalizer `l / channels`.
type LaneKernel<const L: usize> =
    fn(&[LaneCoeffs<L>], &mut [LaneState<L>], &mut [&mut [f32]; L], usize);

/// Runs four equalizers of `channels` channels each (1 or 2) over their own blocks side by
/// side, one lane per channel, each lane's arithmetic exactly that of
/// [`Processor::process_block`] on its own. `bufs[e][c]` is channel `c` of equalizer `e`
/// (the second is ignored for mono). Callers check [`Equalizer::lane_ready`] first; a lane with
/// fewer sections runs identity sections (exact) for the rest.
pub(crate) fn process_lanes(
    eqs: [&mut Equalizer; BANK],
    bufs: [[&mut [f32]; 2]; BANK],
    channels: usize,
) {
    let [[a0, a1], [b0, b1], [c0, c1], [d0, d1]] = bufs;
    if channels == 1 {
        run_lanes::<4>(eqs, 1, [a0, b0, c0, d0], lanes4);
    } else {
        run_lanes::<8>(eqs, 2, [a0, a1, b0, b1, c0, c1, d0, d1], lanes8);
    }
}

fn run_lanes<const L: usize>(
    mut eqs: [&mut Equalizer; BANK],
    channels: usize,
    mut bufs: [&mut [f32]; L],
    kernel: LaneKernel<L>,
) {
    let _ftz = FlushGuard::new();
    let n = bufs.iter().map(|b| b.len()).min().unwrap_or(0);
    let total = eqs
        .iter()
        .map(|e| e.enabled_sections())
        .max()
        .unwrap_or(0)
        .min(GATHER);
    let mut c = [LaneCoeffs::<L>::IDENTITY; GATHER];
    let mut st;
    for l in 0..L {
        let mut k = 0;
        for b in eqs[l / channels].bands.iter().filter(|b| b.enabled) {
            for sec in b.filter.current_sections() {
                if k < GATHER {
                    (c[k].b0[l], c[k].b1[l], c[k].b2[l], c[k].a1[l], c[k].a2[l]) =
                        (sec.b0, sec.b1, sec.b2, sec.a1, sec.a2);
                }
                k += 1;
            }
        }
    }
    // In pieces that end where some band's flush grid has a point, so each band's memory is
    // flushed where its own `process_block` would flush it.
    let mut pos = 0;
    while pos < n {
        let m = eqs
            .iter()
            .flat_map(|e| e.bands.iter().filter(|b| b.enabled))
            .map(|b| b.filter.until_flush())
            .min()
            .unwrap_or(usize::MAX)
            .min(n - pos);
        // Lanes with fewer sections run identity sections for the rest, from zero memory each
        // piece (so a NaN in them lasts no longer than in the real sections).
        st = [LaneState::<L>::ZERO; GATHER];
        for l in 0..L {
            let (e, ch) = (l / channels, l % channels);
            let mut k = 0;
            for b in eqs[e].bands.iter_mut().filter(|b| b.enabled) {
                let (sections, state) = b.filter.cascade_parts();
                for mem in state[ch].iter().take(sections.len()) {
                    if k < GATHER {
                        (st[k].x1[l], st[k].x2[l], st[k].y1[l], st[k].y2[l]) = mem.memory();
                    }
                    k += 1;
                }
            }
        }
        let mut piece = bufs.each_mut().map(|b| &mut b[pos..pos + m]);
        kernel(&c[..total], &mut st[..total], &mut piece, m);
        for l in 0..L {
            let (e, ch) = (l / channels, l % channels);
            let mut k = 0;
            for b in eqs[e].bands.iter_mut().filter(|b| b.enabled) {
                let (sections, state) = b.filter.cascade_parts();
                for mem in state[ch].iter_mut().take(sections.len()) {
                    *mem = SectionState::from_memory(
                        st[k].x1[l],
                        st[k].x2[l],
                        st[k].y1[l],
                        st[k].y2[l],
                    );
                    k += 1;
                }
            }
        }
        for eq in eqs.iter_mut() {
            for b in eq.bands.iter_mut().filter(|b| b.enabled) {
                b.filter.advance_grid(m);
            }
        }
        pos += m;
    }
}

impl Equalizer {
    /// Sections of the enabled bands.
    fn enabled_sections(&self) -> usize {
        self.bands
            .iter()
            .filter(|b| b.enabled)
            .map(|b| b.filter.current_sections().len())
            .sum()
    }

    /// Whether [`process_lanes`] can take it now: prepared for `channels` channels (1 or 2),
    /// every enabled band settled, at most 16 sections.
    pub(crate) fn lane_ready(&self, channels: usize) -> bool {
        self.spec
            .is_some_and(|s| s.channels == channels && channels <= 2)
            && self.enabled_sections() <= GATHER
            && self
                .bands
                .iter()
                .filter(|b| b.enabled)
                .all(|b| b.filter.settled())
    }
}

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
        let frames = block.first().map_or(0, |c| c.len());
        // In pieces that end where some band's flush grid has a point (the bands' grids differ
        // only if a band was off for a while or added later).
        let mut pos = 0;
        while pos < frames {
            let n = self
                .bands
                .iter()
                .filter(|b| b.enabled)
                .map(|b| b.filter.until_flush())
                .min()
                .unwrap_or(usize::MAX)
                .min(frames - pos);
            let r = pos..pos + n;
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
                        &mut lo[ch][r.clone()],
                        Some((&mut s1[..total], &mut hi[0][r.clone()])),
                    );
                    self.move_state(ch + 1, &mut s1, true);
                } else {
                    run_cascade(
                        &coeffs[..total],
                        &mut s0[..total],
                        &mut block[ch][r.clone()],
                        None,
                    );
                }
                self.move_state(ch, &mut s0, true);
                ch += if pair { 2 } else { 1 };
            }
            for b in self.bands.iter_mut().filter(|b| b.enabled) {
                b.filter.advance_grid(n);
            }
            pos += n;
        }
    }

    /// Copies channel `ch`'s section states from the bands into `gathered` (or back).
    fn move_state(&mut self, ch: usize, gathered: &mut [SectionState; GATHER], back: bool) {
        let mut k = 0;
        for b in self.bands.iter_mut().filter(|b| b.enabled) {
            let (sections, state) = b.filter.cascade_parts();
            for st in state[ch].iter_mut().take(sections.len()) {
                if back {
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
    crate::described!();

    fn as_any_mut(&mut self) -> Option<&mut dyn core::any::Any> {
        Some(self)
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
