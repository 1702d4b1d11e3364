//! [`MultibandCompressor`]: 2 to 5 bands split by crossovers, a [`Compressor`] per band, per-band
//! solo and bypass, linked or unlinked stereo.
//!
//! Crossovers:
//!
//! * `linkwitz_riley` (default): 4th-order Linkwitz–Riley ([`Crossover`]); the bands sum to an
//!   all-pass of the input (flat magnitude, no latency);
//! * `linear_phase` (feature `std`): each crossover is a linear-phase low-pass FIR with the
//!   Linkwitz–Riley magnitude, run by the linear-phase EQ's machinery ([`LinearPhaseEq`]); band
//!   1 is the lowest low-pass, band `i` the difference of two neighbouring low-passes, the top
//!   band the delayed input minus the highest low-pass, so the bands sum to exactly the input
//!   delayed by the reported latency (up to float rounding).
//!
//! The crossover frequencies are parameters `crossover1_hz` … `crossover4_hz`; the lowest
//! `bands − 1` of them are used, sorted, so they can never cross: band 1 always lies below the
//! lowest. They ramp (log scale) and the filters are redesigned every
//! [`COEFF_UPDATE_FRAMES`] frames while they move (linear phase: at the next partition, with a
//! crossfade). Each band's compressor is the mixing [`Compressor`], parameters
//! `band{k}_threshold_db` … `band{k}_makeup_db`, with switches `band{k}_solo` and
//! `band{k}_bypass`.

use alloc::vec;
use alloc::vec::Vec;

use crate::denormal::{FlushGrid, FlushGuard};
use crate::error::{Error, Result};
#[cfg(feature = "std")]
use crate::master::linear_phase_eq::LinearPhaseEq;
use crate::math;
#[cfg(feature = "std")]
use crate::mix::biquad::{Design, FilterKind};
use crate::mix::compressor::{self, Compressor};
use crate::mix::crossover::{Crossover, MAX_BANDS};
use crate::param;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::smooth::{COEFF_UPDATE_FRAMES, DEFAULT_FILTER_RAMP_S, Smoothed};
use crate::validate;

/// Parameters per band, in the order of [`MultibandCompressor::PARAMS`].
const PER_BAND: usize = 8;
/// Crossover parameters before the bands'.
const CROSSOVERS: usize = MAX_BANDS - 1;

/// One per-band setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Threshold,
    Ratio,
    Knee,
    Attack,
    Release,
    Makeup,
    Solo,
    Bypass,
}

/// How the bands are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CrossoverMode {
    /// 4th-order Linkwitz–Riley: flat magnitude sum, no latency.
    #[default]
    LinkwitzRiley,
    /// Linear-phase FIRs (feature `std`): the sum is the delayed input.
    LinearPhase,
}

crate::params! { MultibandCompressor {
    crossover1_hz: [20.0, 20_000.0] = 120.0, "Hz", "Crossover frequency 1 (the lowest `bands − 1` crossovers are used, in ascending order).",
        set = |m, v| m.set_crossover_hz(0, v), get = |m| m.crossovers[0];
    crossover2_hz: [20.0, 20_000.0] = 1000.0, "Hz", "Crossover frequency 2 (the lowest `bands − 1` crossovers are used, in ascending order).",
        set = |m, v| m.set_crossover_hz(1, v), get = |m| m.crossovers[1];
    crossover3_hz: [20.0, 20_000.0] = 6000.0, "Hz", "Crossover frequency 3 (the lowest `bands − 1` crossovers are used, in ascending order).",
        set = |m, v| m.set_crossover_hz(2, v), get = |m| m.crossovers[2];
    crossover4_hz: [20.0, 20_000.0] = 12000.0, "Hz", "Crossover frequency 4 (the lowest `bands − 1` crossovers are used, in ascending order).",
        set = |m, v| m.set_crossover_hz(3, v), get = |m| m.crossovers[3];
    band1_threshold_db: [-80.0, 0.0] = -24.0, "dB", "Threshold of band 1's compressor.",
        set = |m, v| m.set_band_param(0, Field::Threshold, v), get = |m| m.band_value(0, Field::Threshold);
    band1_ratio: [1.0, 100.0] = 2.0, ":1", "Ratio of band 1's compressor (1 = none).",
        set = |m, v| m.set_band_param(0, Field::Ratio, v), get = |m| m.band_value(0, Field::Ratio);
    band1_knee_db: [0.0, 24.0] = 6.0, "dB", "Knee of band 1's compressor.",
        set = |m, v| m.set_band_param(0, Field::Knee, v), get = |m| m.band_value(0, Field::Knee);
    band1_attack_ms: [0.01, 500.0] = 10.0, "ms", "Attack time constant of band 1's compressor.",
        set = |m, v| m.set_band_param(0, Field::Attack, v), get = |m| m.band_value(0, Field::Attack);
    band1_release_ms: [1.0, 5000.0] = 100.0, "ms", "Release time constant of band 1's compressor.",
        set = |m, v| m.set_band_param(0, Field::Release, v), get = |m| m.band_value(0, Field::Release);
    band1_makeup_db: [-24.0, 48.0] = 0.0, "dB", "Makeup gain of band 1.",
        set = |m, v| m.set_band_param(0, Field::Makeup, v), get = |m| m.band_value(0, Field::Makeup);
    band1_solo (toggle): [0.0, 1.0] = 0.0, "", "Solo band 1 (only soloed bands are heard).",
        set = |m, v| m.set_band_param(0, Field::Solo, v), get = |m| m.band_value(0, Field::Solo);
    band1_bypass (toggle): [0.0, 1.0] = 0.0, "", "Bypass band 1's compressor.",
        set = |m, v| m.set_band_param(0, Field::Bypass, v), get = |m| m.band_value(0, Field::Bypass);
    band2_threshold_db: [-80.0, 0.0] = -24.0, "dB", "Threshold of band 2's compressor.",
        set = |m, v| m.set_band_param(1, Field::Threshold, v), get = |m| m.band_value(1, Field::Threshold);
    band2_ratio: [1.0, 100.0] = 2.0, ":1", "Ratio of band 2's compressor (1 = none).",
        set = |m, v| m.set_band_param(1, Field::Ratio, v), get = |m| m.band_value(1, Field::Ratio);
    band2_knee_db: [0.0, 24.0] = 6.0, "dB", "Knee of band 2's compressor.",
        set = |m, v| m.set_band_param(1, Field::Knee, v), get = |m| m.band_value(1, Field::Knee);
    band2_attack_ms: [0.01, 500.0] = 10.0, "ms", "Attack time constant of band 2's compressor.",
        set = |m, v| m.set_band_param(1, Field::Attack, v), get = |m| m.band_value(1, Field::Attack);
    band2_release_ms: [1.0, 5000.0] = 100.0, "ms", "Release time constant of band 2's compressor.",
        set = |m, v| m.set_band_param(1, Field::Release, v), get = |m| m.band_value(1, Field::Release);
    band2_makeup_db: [-24.0, 48.0] = 0.0, "dB", "Makeup gain of band 2.",
        set = |m, v| m.set_band_param(1, Field::Makeup, v), get = |m| m.band_value(1, Field::Makeup);
    band2_solo (toggle): [0.0, 1.0] = 0.0, "", "Solo band 2 (only soloed bands are heard).",
        set = |m, v| m.set_band_param(1, Field::Solo, v), get = |m| m.band_value(1, Field::Solo);
    band2_bypass (toggle): [0.0, 1.0] = 0.0, "", "Bypass band 2's compressor.",
        set = |m, v| m.set_band_param(1, Field::Bypass, v), get = |m| m.band_value(1, Field::Bypass);
    band3_threshold_db: [-80.0, 0.0] = -24.0, "dB", "Threshold of band 3's compressor.",
        set = |m, v| m.set_band_param(2, Field::Threshold, v), get = |m| m.band_value(2, Field::Threshold);
    band3_ratio: [1.0, 100.0] = 2.0, ":1", "Ratio of band 3's compressor (1 = none).",
        set = |m, v| m.set_band_param(2, Field::Ratio, v), get = |m| m.band_value(2, Field::Ratio);
    band3_knee_db: [0.0, 24.0] = 6.0, "dB", "Knee of band 3's compressor.",
        set = |m, v| m.set_band_param(2, Field::Knee, v), get = |m| m.band_value(2, Field::Knee);
    band3_attack_ms: [0.01, 500.0] = 10.0, "ms", "Attack time constant of band 3's compressor.",
        set = |m, v| m.set_band_param(2, Field::Attack, v), get = |m| m.band_value(2, Field::Attack);
    band3_release_ms: [1.0, 5000.0] = 100.0, "ms", "Release time constant of band 3's compressor.",
        set = |m, v| m.set_band_param(2, Field::Release, v), get = |m| m.band_value(2, Field::Release);
    band3_makeup_db: [-24.0, 48.0] = 0.0, "dB", "Makeup gain of band 3.",
        set = |m, v| m.set_band_param(2, Field::Makeup, v), get = |m| m.band_value(2, Field::Makeup);
    band3_solo (toggle): [0.0, 1.0] = 0.0, "", "Solo band 3 (only soloed bands are heard).",
        set = |m, v| m.set_band_param(2, Field::Solo, v), get = |m| m.band_value(2, Field::Solo);
    band3_bypass (toggle): [0.0, 1.0] = 0.0, "", "Bypass band 3's compressor.",
        set = |m, v| m.set_band_param(2, Field::Bypass, v), get = |m| m.band_value(2, Field::Bypass);
    band4_threshold_db: [-80.0, 0.0] = -24.0, "dB", "Threshold of band 4's compressor.",
        set = |m, v| m.set_band_param(3, Field::Threshold, v), get = |m| m.band_value(3, Field::Threshold);
    band4_ratio: [1.0, 100.0] = 2.0, ":1", "Ratio of band 4's compressor (1 = none).",
        set = |m, v| m.set_band_param(3, Field::Ratio, v), get = |m| m.band_value(3, Field::Ratio);
    band4_knee_db: [0.0, 24.0] = 6.0, "dB", "Knee of band 4's compressor.",
        set = |m, v| m.set_band_param(3, Field::Knee, v), get = |m| m.band_value(3, Field::Knee);
    band4_attack_ms: [0.01, 500.0] = 10.0, "ms", "Attack time constant of band 4's compressor.",
        set = |m, v| m.set_band_param(3, Field::Attack, v), get = |m| m.band_value(3, Field::Attack);
    band4_release_ms: [1.0, 5000.0] = 100.0, "ms", "Release time constant of band 4's compressor.",
        set = |m, v| m.set_band_param(3, Field::Release, v), get = |m| m.band_value(3, Field::Release);
    band4_makeup_db: [-24.0, 48.0] = 0.0, "dB", "Makeup gain of band 4.",
        set = |m, v| m.set_band_param(3, Field::Makeup, v), get = |m| m.band_value(3, Field::Makeup);
    band4_solo (toggle): [0.0, 1.0] = 0.0, "", "Solo band 4 (only soloed bands are heard).",
        set = |m, v| m.set_band_param(3, Field::Solo, v), get = |m| m.band_value(3, Field::Solo);
    band4_bypass (toggle): [0.0, 1.0] = 0.0, "", "Bypass band 4's compressor.",
        set = |m, v| m.set_band_param(3, Field::Bypass, v), get = |m| m.band_value(3, Field::Bypass);
    band5_threshold_db: [-80.0, 0.0] = -24.0, "dB", "Threshold of band 5's compressor.",
        set = |m, v| m.set_band_param(4, Field::Threshold, v), get = |m| m.band_value(4, Field::Threshold);
    band5_ratio: [1.0, 100.0] = 2.0, ":1", "Ratio of band 5's compressor (1 = none).",
        set = |m, v| m.set_band_param(4, Field::Ratio, v), get = |m| m.band_value(4, Field::Ratio);
    band5_knee_db: [0.0, 24.0] = 6.0, "dB", "Knee of band 5's compressor.",
        set = |m, v| m.set_band_param(4, Field::Knee, v), get = |m| m.band_value(4, Field::Knee);
    band5_attack_ms: [0.01, 500.0] = 10.0, "ms", "Attack time constant of band 5's compressor.",
        set = |m, v| m.set_band_param(4, Field::Attack, v), get = |m| m.band_value(4, Field::Attack);
    band5_release_ms: [1.0, 5000.0] = 100.0, "ms", "Release time constant of band 5's compressor.",
        set = |m, v| m.set_band_param(4, Field::Release, v), get = |m| m.band_value(4, Field::Release);
    band5_makeup_db: [-24.0, 48.0] = 0.0, "dB", "Makeup gain of band 5.",
        set = |m, v| m.set_band_param(4, Field::Makeup, v), get = |m| m.band_value(4, Field::Makeup);
    band5_solo (toggle): [0.0, 1.0] = 0.0, "", "Solo band 5 (only soloed bands are heard).",
        set = |m, v| m.set_band_param(4, Field::Solo, v), get = |m| m.band_value(4, Field::Solo);
    band5_bypass (toggle): [0.0, 1.0] = 0.0, "", "Bypass band 5's compressor.",
        set = |m, v| m.set_band_param(4, Field::Bypass, v), get = |m| m.band_value(4, Field::Bypass);
} }

/// A multiband compressor for any number of channels.
///
/// Construction: [`MultibandCompressor::new`] (returns a `Result`: a band count outside 2 to 5
/// or a mode the build lacks is an error naming it).
/// Setters: [`MultibandCompressor::set_crossover_hz`] and the per-band parameters by name
/// ([`Processor::set_param_by_name`], e.g. `"band2_ratio"`) validate and return a `Result`
/// naming the parameter; [`MultibandCompressor::set_linked`] cannot fail.
/// By name: the [registry](crate::registry) as kind `"multiband_compressor"` (see
/// docs/processors.md).
#[derive(Debug)]
pub struct MultibandCompressor {
    bands: usize,
    mode: CrossoverMode,
    linked: bool,
    crossovers: [f64; CROSSOVERS],
    log2_x: [Smoothed; CROSSOVERS],
    values: [[f64; PER_BAND]; MAX_BANDS],
    comps: Vec<Compressor>,
    network: Crossover,
    /// The crossover frequencies the filters were last designed at (sorted).
    applied: [f64; CROSSOVERS],
    #[cfg(feature = "std")]
    lin: Vec<LinearPhaseEq>,
    /// Delay line of the input (linear phase), `latency` frames per channel.
    dry: Vec<f32>,
    dry_pos: usize,
    latency: usize,
    /// Band signals, `bands × channels × max_block_frames`.
    bufs: Vec<f32>,
    /// Scratch of the crossover network, `channels × max_block_frames`.
    tmp: Vec<f32>,
    grid: FlushGrid,
    spec: Option<ProcessSpec>,
}

impl MultibandCompressor {
    /// `bands` bands (2 to 5) split by `mode`; crossovers at 120, 1000, 6000 and 12000 Hz
    /// (the lowest `bands − 1` used); every band threshold −24 dB, ratio 2, knee 6 dB,
    /// attack 10 ms, release 100 ms; linked.
    pub fn new(bands: usize, mode: CrossoverMode) -> Result<Self> {
        validate::in_range_note(
            "bands",
            bands as f64,
            crate::error::Range::closed(2.0, MAX_BANDS as f64),
            "2 to 5 bands",
        )?;
        #[cfg(not(feature = "std"))]
        if mode == CrossoverMode::LinearPhase {
            return Err(Error::Choice {
                name: "crossover",
                value: "linear_phase".into(),
                choices: &["linkwitz_riley"],
            });
        }
        let mut values = [[0.0; PER_BAND]; MAX_BANDS];
        for (b, row) in values.iter_mut().enumerate() {
            for (f, v) in row.iter_mut().enumerate() {
                *v = Self::PARAMS[CROSSOVERS + b * PER_BAND + f].default;
            }
        }
        let crossovers = [120.0, 1000.0, 6000.0, 12_000.0];
        let mut m = MultibandCompressor {
            bands,
            mode,
            linked: true,
            crossovers,
            log2_x: crossovers.map(|f| Smoothed::new(math::log2(f))),
            values,
            comps: (0..MAX_BANDS).map(|_| Compressor::new()).collect(),
            network: Crossover::new(bands),
            applied: [0.0; CROSSOVERS],
            #[cfg(feature = "std")]
            lin: Vec::new(),
            dry: Vec::new(),
            dry_pos: 0,
            latency: 0,
            bufs: Vec::new(),
            tmp: Vec::new(),
            grid: FlushGrid::new(),
            spec: None,
        };
        for b in 0..MAX_BANDS {
            for f in [
                Field::Threshold,
                Field::Ratio,
                Field::Knee,
                Field::Attack,
                Field::Release,
                Field::Makeup,
            ] {
                m.apply(b, f);
            }
        }
        Ok(m)
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// Band `band`'s compressor (for its meters).
    pub fn compressor(&self, band: usize) -> Option<&Compressor> {
        self.comps.get(band)
    }

    /// One gain per band for all channels (from the loudest) or one per channel. Takes effect
    /// at the next `prepare`.
    pub fn set_linked(&mut self, linked: bool) {
        self.linked = linked;
        for c in self.comps.iter_mut() {
            c.set_linked(linked);
        }
    }

    /// Crossover `index` (0 to 3) in Hz, [20, 20000] (ramped; capped at 0.45 × the rate).
    pub fn set_crossover_hz(&mut self, index: usize, hz: f64) -> Result<()> {
        let info = Self::PARAMS.get(index).ok_or(Error::UnknownParameter {
            processor: "multiband_compressor",
            index,
            count: CROSSOVERS,
        })?;
        let hz = validate::in_range(info.name, hz, info.range())?;
        self.crossovers[index] = hz;
        if self.spec.is_some() {
            self.log2_x[index].set_target(math::log2(hz));
        } else {
            self.log2_x[index].set_immediate(math::log2(hz));
        }
        Ok(())
    }

    fn set_band_param(&mut self, band: usize, field: Field, v: f64) -> Result<()> {
        let info = &Self::PARAMS[CROSSOVERS + band * PER_BAND + field as usize];
        let v = if info.is_toggle() {
            if param::toggle(info.name, v)? {
                1.0
            } else {
                0.0
            }
        } else {
            validate::in_range(info.name, v, info.range())?
        };
        self.values[band][field as usize] = v;
        self.apply(band, field);
        Ok(())
    }

    fn band_value(&self, band: usize, field: Field) -> f64 {
        self.values[band][field as usize]
    }

    /// Passes a stored value on to the band's compressor (already validated: the ranges are
    /// the compressor's).
    fn apply(&mut self, band: usize, field: Field) {
        let v = self.values[band][field as usize];
        let c = &mut self.comps[band];
        let _ = match field {
            Field::Threshold => c.set_threshold_db(v),
            Field::Ratio => c.set_ratio(v),
            Field::Knee => c.set_knee_db(v),
            Field::Attack => c.set_attack_ms(v),
            Field::Release => c.set_release_ms(v),
            Field::Makeup => c.set_makeup_db(v),
            Field::Solo | Field::Bypass => Ok(()),
        };
    }

    /// The crossover frequencies in use now (the ramps' values), sorted.
    fn frequencies(&self) -> [f64; CROSSOVERS] {
        let k = self.bands - 1;
        let mut f = [0.0; CROSSOVERS];
        for (d, s) in f.iter_mut().zip(&self.log2_x).take(k) {
            *d = math::powf(2.0, s.value());
        }
        f[..k].sort_by(|a, b| a.total_cmp(b));
        for v in f[k..].iter_mut() {
            *v = 20_000.0;
        }
        f
    }

    fn redesign(&mut self) {
        let Some(spec) = self.spec else { return };
        let f = self.frequencies();
        if f == self.applied {
            return;
        }
        self.applied = f;
        match self.mode {
            CrossoverMode::LinkwitzRiley => self.network.design(&f, spec.sample_rate),
            CrossoverMode::LinearPhase =>
            {
                #[cfg(feature = "std")]
                for (eq, &hz) in self.lin.iter_mut().zip(&f) {
                    let d = Design::new(
                        FilterKind::LinkwitzRileyLowPass(4),
                        hz.min(spec.sample_rate * 0.45),
                    );
                    let _ = eq.set_band(0, d);
                }
            }
        }
    }

    fn smoothing(&self) -> bool {
        self.log2_x.iter().any(|s| s.is_smoothing())
    }

    /// The bands' compressors over frames `0..n` of the band buffers, then their sum (or the
    /// soloed bands') into `block[..][pos..pos + n]`.
    fn compress_and_sum(&mut self, block: &mut [&mut [f32]], pos: usize, n: usize) {
        let Some(spec) = self.spec else { return };
        let (m, channels, k) = (spec.max_block_frames, spec.channels, self.bands);
        let stride = channels * m;
        let bypass = |b: usize| self.values[b][Field::Bypass as usize] >= 0.5;
        let all_on = (0..k).all(|b| !bypass(b));
        if k == 4
            && all_on
            && channels <= 2
            && self.comps[..4].iter().all(|c| c.lane_ready(channels))
        {
            // Four bands side by side through the compressors' lane kernel.
            let mut it = self.bufs.chunks_mut(stride);
            let mut lanes: [[&mut [f32]; 2]; 4] = Default::default();
            for lane in lanes.iter_mut() {
                if let Some(buf) = it.next() {
                    let (l, r) = buf.split_at_mut(m);
                    lane[0] = &mut l[..n];
                    lane[1] = if channels == 2 { &mut r[..n] } else { &mut [] };
                }
            }
            let [c0, c1, c2, c3, ..] = &mut self.comps[..] else {
                return;
            };
            compressor::process_lanes([c0, c1, c2, c3], lanes, channels);
        } else {
            for b in 0..k {
                if self.values[b][Field::Bypass as usize] >= 0.5 {
                    continue;
                }
                let buf = &mut self.bufs[b * stride..(b + 1) * stride];
                let mut parts: [&mut [f32]; crate::processor::MAX_CHANNELS] = Default::default();
                for (d, ch) in parts.iter_mut().zip(buf.chunks_mut(m)) {
                    *d = &mut ch[..n];
                }
                self.comps[b].process_block(&mut parts[..channels]);
            }
        }
        let any_solo = (0..k).any(|b| self.values[b][Field::Solo as usize] >= 0.5);
        for (ch, x) in block.iter_mut().enumerate() {
            let out = &mut x[pos..pos + n];
            out.fill(0.0);
            for b in 0..k {
                if any_solo && self.values[b][Field::Solo as usize] < 0.5 {
                    continue;
                }
                let src = &self.bufs[b * stride + ch * m..][..n];
                for (o, s) in out.iter_mut().zip(src) {
                    *o += *s;
                }
            }
        }
    }

    fn process_lr(&mut self, block: &mut [&mut [f32]]) {
        let Some(spec) = self.spec else { return };
        let (m, channels) = (spec.max_block_frames, spec.channels);
        let frames = block.first().map_or(0, |c| c.len());
        let mut pos = 0;
        while pos < frames {
            let g = self.grid.phase() % COEFF_UPDATE_FRAMES;
            let n = if self.smoothing() || g != 0 {
                if g == 0 {
                    for s in self.log2_x.iter_mut() {
                        s.advance(COEFF_UPDATE_FRAMES);
                    }
                    self.redesign();
                }
                (COEFF_UPDATE_FRAMES - g).min(frames - pos)
            } else {
                self.grid.until_flush().min(frames - pos)
            };
            {
                let mut ins: [&[f32]; crate::processor::MAX_CHANNELS] =
                    [&[]; crate::processor::MAX_CHANNELS];
                for (d, x) in ins.iter_mut().zip(block.iter()) {
                    *d = &x[pos..pos + n];
                }
                self.network
                    .split_block(&ins[..channels], &mut self.bufs, m, n, &mut self.tmp);
            }
            if self.grid.advance(n) {
                self.network.sanitize();
            }
            self.compress_and_sum(block, pos, n);
            pos += n;
        }
    }

    #[cfg(feature = "std")]
    fn process_linear(&mut self, block: &mut [&mut [f32]]) {
        let Some(spec) = self.spec else { return };
        let (m, channels, k) = (spec.max_block_frames, spec.channels, self.bands);
        let stride = channels * m;
        let frames = block.first().map_or(0, |c| c.len());
        // Crossover moves: the FIRs crossfade to the new design at their next partition.
        for s in self.log2_x.iter_mut() {
            s.finish();
        }
        self.redesign();
        let l = self.latency;
        let mut pos = 0;
        while pos < frames {
            let n = (frames - pos).min(m);
            // Low-passes 0..k−1 into slots 0..k−1; the delayed input into slot k−1.
            for (i, eq) in self.lin.iter_mut().enumerate() {
                let buf = &mut self.bufs[i * stride..(i + 1) * stride];
                let mut parts: [&mut [f32]; crate::processor::MAX_CHANNELS] = Default::default();
                for ((d, ch), x) in parts.iter_mut().zip(buf.chunks_mut(m)).zip(block.iter()) {
                    ch[..n].copy_from_slice(&x[pos..pos + n]);
                    *d = &mut ch[..n];
                }
                eq.process_block(&mut parts[..channels]);
            }
            let top = &mut self.bufs[(k - 1) * stride..k * stride];
            for (ch, x) in block.iter().enumerate() {
                let line = &mut self.dry[ch * l..(ch + 1) * l];
                let dst = &mut top[ch * m..ch * m + n];
                let mut p = self.dry_pos;
                for (d, v) in dst.iter_mut().zip(&x[pos..pos + n]) {
                    *d = line[p];
                    line[p] = if v.is_finite() { *v } else { 0.0 };
                    p += 1;
                    if p == l {
                        p = 0;
                    }
                }
            }
            self.dry_pos = (self.dry_pos + n) % l.max(1);
            // Bands from the top down: b = LP_b − LP_{b−1}, the top = delayed input − LP_{k−2}.
            for b in (1..k).rev() {
                let (lo, hi) = self.bufs.split_at_mut(b * stride);
                let below = &lo[(b - 1) * stride..b * stride];
                for ch in 0..channels {
                    let r = ch * m..ch * m + n;
                    for (h, l) in hi[r.clone()].iter_mut().zip(&below[r]) {
                        *h -= *l;
                    }
                }
            }
            self.compress_and_sum(block, pos, n);
            pos += n;
        }
    }
}

impl Processor for MultibandCompressor {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        for c in self.comps.iter_mut() {
            c.set_linked(self.linked);
            c.prepare(spec)?;
        }
        self.network = Crossover::new(self.bands);
        self.network.prepare(spec.channels);
        for s in self.log2_x.iter_mut() {
            s.set_ramp(DEFAULT_FILTER_RAMP_S, spec.sample_rate);
        }
        self.bufs = vec![0.0; MAX_BANDS * spec.channels * spec.max_block_frames];
        self.tmp = vec![0.0; spec.channels * spec.max_block_frames];
        self.latency = 0;
        #[cfg(feature = "std")]
        if self.mode == CrossoverMode::LinearPhase {
            self.lin.clear();
            for _ in 0..self.bands - 1 {
                let mut eq = LinearPhaseEq::new(&[Design::new(
                    FilterKind::LinkwitzRileyLowPass(4),
                    1000.0,
                )])?;
                eq.prepare(spec)?;
                self.lin.push(eq);
            }
            self.latency = self.lin[0].latency_frames();
        }
        self.dry = vec![0.0; self.latency * spec.channels];
        self.spec = Some(spec);
        self.applied = [0.0; CROSSOVERS];
        self.reset();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let _ftz = FlushGuard::new();
        match self.mode {
            CrossoverMode::LinkwitzRiley => self.process_lr(block),
            CrossoverMode::LinearPhase => {
                #[cfg(feature = "std")]
                self.process_linear(block);
            }
        }
    }

    fn reset(&mut self) {
        for c in self.comps.iter_mut() {
            c.reset();
        }
        self.network.reset();
        for s in self.log2_x.iter_mut() {
            s.finish();
        }
        #[cfg(feature = "std")]
        {
            self.redesign();
            for eq in self.lin.iter_mut() {
                eq.reset();
            }
        }
        #[cfg(not(feature = "std"))]
        self.redesign();
        self.dry.fill(0.0);
        self.dry_pos = 0;
        self.grid.reset();
    }

    fn latency_frames(&self) -> usize {
        self.latency
    }
}

impl Describe for MultibandCompressor {
    const DESCRIPTION: &'static Description = &Description {
        kind: "multiband_compressor",
        aliases: &["multiband"],
        class_name: "MultibandCompressor",
        summary: "2 to 5 bands split by Linkwitz-Riley (or linear-phase) crossovers, a compressor per band, solo and bypass per band, linked or unlinked.",
        channels: "any",
        params: MultibandCompressor::PARAMS,
        options: &[
            OptionInfo::integer("bands", 2.0, MAX_BANDS as f64, 4.0, "Number of bands."),
            OptionInfo::choice(
                "crossover",
                &["linkwitz_riley", "linear_phase"],
                "linkwitz_riley",
                "Linkwitz-Riley 24 dB/oct (flat magnitude sum, no latency) or linear-phase FIRs (the sum is the delayed input; feature std).",
            ),
            OptionInfo::switch(
                "linked",
                true,
                "Channels share one gain per band (from the loudest) instead of one each.",
            ),
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let bands = o.number("bands")? as usize;
        let mode = match o.choice("crossover")? {
            "linear_phase" => CrossoverMode::LinearPhase,
            _ => CrossoverMode::LinkwitzRiley,
        };
        let mut m = MultibandCompressor::new(bands, mode)?;
        m.set_linked(o.switch("linked")?);
        Ok(m)
    }

    fn options(&self) -> Settings {
        Settings::new()
            .with("bands", self.bands as f64)
            .with(
                "crossover",
                match self.mode {
                    CrossoverMode::LinkwitzRiley => "linkwitz_riley",
                    CrossoverMode::LinearPhase => "linear_phase",
                },
            )
            .with("linked", self.linked)
    }
}
