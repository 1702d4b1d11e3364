//! [`DeEsser`]: reduces sibilance. A detector band (a Linkwitz–Riley high-pass above
//! `frequency_hz`, or a band-pass at `frequency_hz` with `q`) is measured; as far as its peak
//! exceeds the threshold, the gain drops, by at most `amount_db`. The reduction applies to the
//! whole signal (wideband) or to the detector band only (split band).
//!
//! Per frame:
//!
//! 1. detector band `d`: high-pass mode, the 4th-order Linkwitz–Riley high-pass (two
//!    Butterworth sections); band-pass mode, the cookbook band-pass (0 dB at its centre);
//! 2. wanted reduction `min(amount, max(0, peak_dB(d) − threshold))` (linked channels use the
//!    largest peak), smoothed in dB with attack and release one-poles (time constants);
//! 3. output, with `g` the gain of the reduction:
//!    * wideband: `g·x`;
//!    * split band, high-pass mode: `AP(x) − (1 − g)·HP(x)`, where `AP` is the 2nd-order
//!      all-pass that the Linkwitz–Riley low- and high-pass sum to: the low band is untouched,
//!      the high band scaled by `g` (in phase, so the magnitude at frequency `f` is
//!      `1 − (1 − g)·|HP(f)|`), and at rest (`g = 1`) the output is the all-passed input;
//!    * split band, band-pass mode: `x − (1 − g)·BP(x)`: exactly the input at rest, the
//!      band's centre scaled by `g`;
//!    * listen: `d`, the detector band alone.
//!
//! Frequency and Q changes ramp (log scale) and the filters are redesigned every
//! [`COEFF_UPDATE_FRAMES`] frames while they move, on the grid counted from `prepare`.

use alloc::vec;
use alloc::vec::Vec;

use super::biquad::{Coeffs, Design, FilterKind, MAX_SECTIONS, cookbook};
use super::filter::{SectionState, run_cascade};
use crate::db;
use crate::denormal::{self, FlushGrid, FlushGuard};
use crate::error::{Range, Result};
use crate::math;
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};
use crate::smooth::{COEFF_UPDATE_FRAMES, DEFAULT_FILTER_RAMP_S, Smoothed};
use crate::validate;

/// How the detector band is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeEsserDetector {
    /// Everything above `frequency_hz` (Linkwitz–Riley, 24 dB/octave).
    #[default]
    HighPass,
    /// A band around `frequency_hz`, `q` wide.
    BandPass,
}

/// What the reduction applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeEsserMode {
    /// Only the detector band.
    #[default]
    Split,
    /// The whole signal.
    Wideband,
}

crate::params! { DeEsser {
    frequency_hz: [1000.0, 20_000.0] = 6000.0, "Hz", "Detector frequency: the high-pass split, or the band-pass centre.",
        set = DeEsser::set_frequency_hz, get = |d| d.frequency_hz;
    q: [0.1, 10.0] = 1.0, "", "Width of the band-pass detector (band-pass mode).",
        set = DeEsser::set_q, get = |d| d.q;
    threshold_db: [-80.0, 0.0] = -30.0, "dB", "Peak level of the detector band above which it is reduced.",
        set = DeEsser::set_threshold_db, get = |d| d.threshold_db;
    amount_db: [0.0, 40.0] = 6.0, "dB", "Largest reduction.",
        set = DeEsser::set_amount_db, get = |d| d.amount_db;
    attack_ms: [0.05, 100.0] = 1.0, "ms", "Time constant of the reduction rising.",
        set = DeEsser::set_attack_ms, get = |d| d.attack_ms;
    release_ms: [1.0, 1000.0] = 60.0, "ms", "Time constant of the reduction falling.",
        set = DeEsser::set_release_ms, get = |d| d.release_ms;
    listen (toggle): [0.0, 1.0] = 0.0, "", "Output the detector band alone (to tune frequency and Q).",
        set = |d, v| { d.listen = crate::param::toggle("listen", v)?; Ok(()) }, get = |d| if d.listen { 1.0 } else { 0.0 };
} }

/// A de-esser for any number of channels.
///
/// Construction: [`DeEsser::new`] (never fails).
/// Setters: [`DeEsser::set_frequency_hz`], [`DeEsser::set_q`], [`DeEsser::set_threshold_db`],
/// [`DeEsser::set_amount_db`], [`DeEsser::set_attack_ms`], [`DeEsser::set_release_ms`] validate
/// and return a `Result` naming the parameter and its range; [`DeEsser::set_detector`],
/// [`DeEsser::set_mode`], [`DeEsser::set_linked`], [`DeEsser::set_listen`] cannot fail.
/// By name: [`Processor::set_param`] over [`DeEsser::PARAMS`], or the
/// [registry](crate::registry) as kind `"deesser"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct DeEsser {
    frequency_hz: f64,
    q: f64,
    threshold_db: f64,
    amount_db: f64,
    attack_ms: f64,
    release_ms: f64,
    listen: bool,
    detector: DeEsserDetector,
    mode: DeEsserMode,
    linked: bool,
    linked_prepared: bool,
    log2_freq: Smoothed,
    ln_q: Smoothed,
    /// Detector sections (1 or 2), then the all-pass (high-pass split mode).
    det: [Coeffs; MAX_SECTIONS],
    n_det: usize,
    ap: Coeffs,
    attack: f32,
    release: f32,
    state: Vec<[SectionState; 3]>,
    reduction: Vec<f32>,
    /// Detector band per channel, then (split high-pass mode) the all-passed input.
    band: Vec<f32>,
    allpassed: Vec<f32>,
    gains: Vec<f32>,
    grid: FlushGrid,
    spec: Option<ProcessSpec>,
}

impl Default for DeEsser {
    fn default() -> Self {
        DeEsser::new()
    }
}

impl DeEsser {
    /// High-pass detection at 6 kHz, threshold −30 dB, amount 6 dB, attack 1 ms, release
    /// 60 ms, split band, linked.
    pub fn new() -> Self {
        let mut d = DeEsser {
            frequency_hz: 6000.0,
            q: 1.0,
            threshold_db: -30.0,
            amount_db: 6.0,
            attack_ms: 1.0,
            release_ms: 60.0,
            listen: false,
            detector: DeEsserDetector::HighPass,
            mode: DeEsserMode::Split,
            linked: true,
            linked_prepared: true,
            log2_freq: Smoothed::new(math::log2(6000.0)),
            ln_q: Smoothed::new(0.0),
            det: [Coeffs::IDENTITY; MAX_SECTIONS],
            n_det: 1,
            ap: Coeffs::IDENTITY,
            attack: 0.0,
            release: 0.0,
            state: Vec::new(),
            reduction: Vec::new(),
            band: Vec::new(),
            allpassed: Vec::new(),
            gains: Vec::new(),
            grid: FlushGrid::new(),
            spec: None,
        };
        d.update_times();
        d.design();
        d
    }

    /// Detector frequency in Hz, [1000, 20000], below Nyquist once prepared (ramped).
    pub fn set_frequency_hz(&mut self, v: f64) -> Result<()> {
        let nyq = self.spec.map_or(f64::INFINITY, |s| s.sample_rate * 0.5);
        validate::in_range_note(
            "frequency_hz",
            v,
            Range::closed(1000.0, 20_000.0),
            "and below Nyquist",
        )?;
        if v >= nyq {
            return Err(crate::Error::Parameter {
                name: "frequency_hz",
                value: v,
                range: Range::closed_open(1000.0, nyq),
                note: "must be below Nyquist",
            });
        }
        self.frequency_hz = v;
        self.retarget();
        Ok(())
    }
    /// Band-pass Q, [0.1, 10] (ramped).
    pub fn set_q(&mut self, v: f64) -> Result<()> {
        self.q = validate::in_range("q", v, Range::closed(0.1, 10.0))?;
        self.retarget();
        Ok(())
    }
    /// Threshold in dBFS, [−80, 0].
    pub fn set_threshold_db(&mut self, v: f64) -> Result<()> {
        self.threshold_db = validate::in_range("threshold_db", v, Range::closed(-80.0, 0.0))?;
        Ok(())
    }
    /// Largest reduction in dB, [0, 40].
    pub fn set_amount_db(&mut self, v: f64) -> Result<()> {
        self.amount_db = validate::in_range("amount_db", v, Range::closed(0.0, 40.0))?;
        Ok(())
    }
    /// Attack time constant in ms, [0.05, 100].
    pub fn set_attack_ms(&mut self, v: f64) -> Result<()> {
        self.attack_ms = validate::in_range("attack_ms", v, Range::closed(0.05, 100.0))?;
        self.update_times();
        Ok(())
    }
    /// Release time constant in ms, [1, 1000].
    pub fn set_release_ms(&mut self, v: f64) -> Result<()> {
        self.release_ms = validate::in_range("release_ms", v, Range::closed(1.0, 1000.0))?;
        self.update_times();
        Ok(())
    }
    /// Outputs the detector band alone.
    pub fn set_listen(&mut self, on: bool) {
        self.listen = on;
    }
    /// High-pass or band-pass detection.
    pub fn set_detector(&mut self, d: DeEsserDetector) {
        self.detector = d;
        self.design();
    }
    /// Split-band or wideband reduction.
    pub fn set_mode(&mut self, m: DeEsserMode) {
        self.mode = m;
    }
    /// One reduction for all channels (from the largest peak). Takes effect at `prepare`.
    pub fn set_linked(&mut self, linked: bool) {
        self.linked = linked;
    }

    /// The current reduction in dB (positive; the largest over channels).
    pub fn reduction_db(&self) -> f64 {
        self.reduction.iter().fold(0.0f32, |a, &b| a.max(b)) as f64
    }

    fn update_times(&mut self) {
        let fs = self.spec.map_or(48_000.0, |s| s.sample_rate);
        self.attack = math::exp(-1.0 / (self.attack_ms * 0.001 * fs)) as f32;
        self.release = math::exp(-1.0 / (self.release_ms * 0.001 * fs)) as f32;
    }

    fn retarget(&mut self) {
        let (f, q) = (math::log2(self.frequency_hz), math::ln(self.q));
        if self.spec.is_some() {
            self.log2_freq.set_target(f);
            self.ln_q.set_target(q);
        } else {
            self.log2_freq.set_immediate(f);
            self.ln_q.set_immediate(q);
            self.design();
        }
    }

    /// The detector and all-pass coefficients for the current (ramping) frequency and Q.
    fn design(&mut self) {
        let fs = self.spec.map_or(48_000.0, |s| s.sample_rate);
        let f = math::powf(2.0, self.log2_freq.value()).min(fs * 0.4999);
        let q = math::exp(self.ln_q.value());
        match self.detector {
            DeEsserDetector::HighPass => {
                self.n_det = Design::new(FilterKind::LinkwitzRileyHighPass(4), f)
                    .sections_unchecked(fs, &mut self.det);
                self.ap = cookbook(
                    FilterKind::AllPass,
                    fs,
                    f,
                    core::f64::consts::FRAC_1_SQRT_2,
                    0.0,
                );
            }
            DeEsserDetector::BandPass => {
                self.det[0] = cookbook(FilterKind::BandPass, fs, f, q, 0.0);
                self.n_det = 1;
                self.ap = Coeffs::IDENTITY;
            }
        }
    }

    fn detectors(&self) -> usize {
        let c = self.spec.map_or(1, |s| s.channels);
        if self.linked_prepared { 1 } else { c }
    }

    /// Runs frames `range` of the block (a piece within one coefficient-grid step).
    fn run_piece(&mut self, block: &mut [&mut [f32]], a: usize, b: usize, flush: bool) {
        let Some(spec) = self.spec else { return };
        let m = spec.max_block_frames;
        let n = b - a;
        let split_ap =
            self.detector == DeEsserDetector::HighPass && self.mode == DeEsserMode::Split;
        let nd = self.n_det;
        // 1. Detector band (and the all-passed input) per channel, two channels at a time
        //    through the dispatched cascade kernel.
        let channels = block.len();
        for (ch, x) in block.iter().enumerate() {
            for (o, v) in self.band[ch * m..ch * m + n].iter_mut().zip(&x[a..b]) {
                *o = if v.is_finite() { *v } else { 0.0 };
            }
            if split_ap {
                let (src, dst) = (
                    &self.band[ch * m..ch * m + n],
                    &mut self.allpassed[ch * m..],
                );
                dst[..n].copy_from_slice(src);
            }
        }
        let ap = [self.ap];
        let mut ch = 0;
        while ch < channels {
            let pair = ch + 1 < channels;
            let (s0, s1) = self.state.split_at_mut(ch + 1);
            let (st0, st1) = (&mut s0[ch], s1.first_mut());
            let (b0, b1) = self.band[ch * m..].split_at_mut(m);
            let (p0, p1) = self.allpassed[ch * m..].split_at_mut(m);
            let (det0, ap0) = st0.split_at_mut(2);
            match (pair, st1) {
                (true, Some(st1)) => {
                    let (det1, ap1) = st1.split_at_mut(2);
                    run_cascade(
                        &self.det[..nd],
                        &mut det0[..nd],
                        &mut b0[..n],
                        Some((&mut det1[..nd], &mut b1[..n])),
                    );
                    if split_ap {
                        run_cascade(&ap, ap0, &mut p0[..n], Some((ap1, &mut p1[..n])));
                    }
                }
                _ => {
                    run_cascade(&self.det[..nd], &mut det0[..nd], &mut b0[..n], None);
                    if split_ap {
                        run_cascade(&ap, ap0, &mut p0[..n], None);
                    }
                }
            }
            ch += if pair { 2 } else { 1 };
        }
        if flush {
            for st in self.state.iter_mut() {
                for s in st.iter_mut() {
                    s.sanitize();
                }
            }
        }
        // 2. Reduction per frame, per detector, as a gain.
        let det = self.detectors();
        let (t, amount) = (self.threshold_db as f32, self.amount_db as f32);
        let (at, rt) = (self.attack, self.release);
        for d in 0..det {
            let g = &mut self.gains[d * m..d * m + n];
            let chans = if det == 1 { 0..block.len() } else { d..d + 1 };
            g.fill(0.0);
            for ch in chans {
                for (v, s) in g.iter_mut().zip(&self.band[ch * m..ch * m + n]) {
                    *v = math::max_f32(s.abs(), *v);
                }
            }
            let mut red = self.reduction[d];
            for v in g.iter_mut() {
                let over = db::fast_gain_to_db(*v) - t;
                let want = math::min_f32(math::max_f32(over, 0.0), amount);
                let k = if want > red { at } else { rt };
                red = want + k * (red - want);
                *v = red;
            }
            if flush {
                red = denormal::flush_f32(red);
            }
            self.reduction[d] = red;
            for v in g.iter_mut() {
                *v = db::fast_db_to_gain(-*v);
            }
        }
        // 3. Output.
        for (ch, x) in block.iter_mut().enumerate() {
            let g = &self.gains[if det == 1 { 0 } else { ch } * m..][..n];
            let band = &self.band[ch * m..ch * m + n];
            let x = &mut x[a..b];
            if self.listen {
                x.copy_from_slice(band);
                continue;
            }
            match (self.mode, self.detector) {
                (DeEsserMode::Wideband, _) => {
                    for (v, g) in x.iter_mut().zip(g) {
                        *v *= *g;
                    }
                }
                (DeEsserMode::Split, DeEsserDetector::HighPass) => {
                    let ap = &self.allpassed[ch * m..ch * m + n];
                    for ((v, g), (p, h)) in x.iter_mut().zip(g).zip(ap.iter().zip(band)) {
                        *v = *p - (1.0 - *g) * *h;
                    }
                }
                (DeEsserMode::Split, DeEsserDetector::BandPass) => {
                    for ((v, g), h) in x.iter_mut().zip(g).zip(band) {
                        *v -= (1.0 - *g) * *h;
                    }
                }
            }
        }
    }
}

impl Processor for DeEsser {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        // (A frequency at or above Nyquist is designed at 0.4999 × the rate.)
        self.spec = Some(spec);
        self.linked_prepared = self.linked;
        let det = self.detectors();
        let m = spec.max_block_frames;
        self.state = vec![[SectionState::default(); 3]; spec.channels];
        self.reduction = vec![0.0; det];
        self.band = vec![0.0; m * spec.channels];
        self.allpassed = vec![0.0; m * spec.channels];
        self.gains = vec![0.0; m * det];
        self.log2_freq
            .set_ramp(DEFAULT_FILTER_RAMP_S, spec.sample_rate);
        self.ln_q.set_ramp(DEFAULT_FILTER_RAMP_S, spec.sample_rate);
        self.update_times();
        self.reset();
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let _ftz = FlushGuard::new();
        let frames = block.first().map_or(0, |c| c.len());
        let mut pos = 0;
        while pos < frames {
            let g = self.grid.phase() % COEFF_UPDATE_FRAMES;
            let moving = self.log2_freq.is_smoothing() || self.ln_q.is_smoothing();
            let n = if moving || g != 0 {
                if g == 0 {
                    self.log2_freq.advance(COEFF_UPDATE_FRAMES);
                    self.ln_q.advance(COEFF_UPDATE_FRAMES);
                    self.design();
                }
                (COEFF_UPDATE_FRAMES - g).min(frames - pos)
            } else {
                self.grid.until_flush().min(frames - pos)
            };
            let flush = n == self.grid.until_flush();
            self.run_piece(block, pos, pos + n, flush);
            self.grid.advance(n);
            pos += n;
        }
    }

    fn reset(&mut self) {
        for s in self.state.iter_mut() {
            *s = [SectionState::default(); 3];
        }
        self.reduction.fill(0.0);
        self.grid.reset();
        self.log2_freq.finish();
        self.ln_q.finish();
        self.design();
    }
}

impl Describe for DeEsser {
    const DESCRIPTION: &'static Description = &Description {
        kind: "deesser",
        aliases: &["de_esser"],
        class_name: "DeEsser",
        summary: "De-esser: high-pass or band-pass detector, threshold and amount, split-band or wideband reduction, listen.",
        channels: "any",
        params: DeEsser::PARAMS,
        options: &[
            OptionInfo::choice(
                "detector",
                &["high_pass", "band_pass"],
                "high_pass",
                "Detector band: everything above frequency_hz (Linkwitz-Riley 24 dB/oct), or a band-pass at frequency_hz with q.",
            ),
            OptionInfo::choice(
                "mode",
                &["split", "wideband"],
                "split",
                "Reduce only the detector band (split) or the whole signal (wideband).",
            ),
            OptionInfo::switch(
                "linked",
                true,
                "Channels share one reduction (from the largest peak) instead of one each.",
            ),
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let mut d = DeEsser::new();
        d.set_detector(match o.choice("detector")? {
            "band_pass" => DeEsserDetector::BandPass,
            _ => DeEsserDetector::HighPass,
        });
        d.set_mode(match o.choice("mode")? {
            "wideband" => DeEsserMode::Wideband,
            _ => DeEsserMode::Split,
        });
        d.set_linked(o.switch("linked")?);
        Ok(d)
    }

    fn options(&self) -> Settings {
        Settings::new()
            .with(
                "detector",
                match self.detector {
                    DeEsserDetector::HighPass => "high_pass",
                    DeEsserDetector::BandPass => "band_pass",
                },
            )
            .with(
                "mode",
                match self.mode {
                    DeEsserMode::Split => "split",
                    DeEsserMode::Wideband => "wideband",
                },
            )
            .with("linked", self.linked)
    }
}
