//! Word length: conversion of `f32` audio to 16-, 24- and 32-bit integers with correct rounding
//! and clipping, and TPDF dither with optional noise shaping for the reduction.
//!
//! Scale: full scale 1.0 maps to `2^(bits−1)`; results are rounded to nearest (halves away from
//! zero) and clipped to `[−2^(bits−1), 2^(bits−1) − 1]`, so +1.0 becomes the largest positive
//! code. TPDF dither adds the sum of two independent uniform values of ±½ LSB each (total error
//! variance ¼ LSB², independent of the signal). Noise shaping feeds the quantization error back
//! through `E(z) = 1 − z⁻¹` (first order) or `(1 − z⁻¹)²` (second order), moving the error
//! towards high frequencies. The generator is a seeded xorshift: the same input and seed give
//! the same output everywhere.

use alloc::vec::Vec;

use crate::error::{Error, Range, Result};
use crate::processor::{ProcessSpec, Processor};
use crate::settings::{Describe, Description, OptionInfo, Options, Settings};

/// Noise-shaping order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoiseShaping {
    /// Flat TPDF dither.
    #[default]
    None,
    /// First-order error feedback, `E(z) = 1 − z⁻¹`.
    FirstOrder,
    /// Second-order error feedback, `E(z) = (1 − z⁻¹)²`.
    SecondOrder,
}

/// Rounds `x · 2^(bits−1)` to the nearest integer and clips it to the word.
#[inline]
pub fn quantize_plain(x: f32, bits: u32) -> i32 {
    let scale = (1u64 << (bits - 1)) as f64;
    let v = x as f64 * scale;
    let v = if v.is_nan() { 0.0 } else { v };
    let r = if v >= 0.0 {
        (v + 0.5) as i64
    } else {
        -((-v + 0.5) as i64)
    };
    r.clamp(-(scale as i64), scale as i64 - 1) as i32
}

/// `f32` to 16-bit, rounded and clipped.
pub fn to_i16(x: f32) -> i16 {
    quantize_plain(x, 16) as i16
}

/// `f32` to 24-bit (in an `i32`), rounded and clipped.
pub fn to_i24(x: f32) -> i32 {
    quantize_plain(x, 24)
}

/// `f32` to 32-bit, rounded and clipped.
pub fn to_i32(x: f32) -> i32 {
    quantize_plain(x, 32)
}

/// A dithering quantizer for one channel (keep one per channel: the shaping has memory).
#[derive(Debug, Clone)]
pub struct Dither {
    bits: u32,
    shaping: NoiseShaping,
    state: u64,
    err: [f64; 2],
}

/// `1.5·2⁵²`: adding and subtracting it rounds an `f64` below 2⁵¹ in magnitude to an integer
/// (ties to even) with two float adds, which keeps the float-to-integer conversion off the
/// error-feedback recursion.
const ROUND: f64 = 6_755_399_441_055_744.0;

impl Dither {
    /// A dither to `bits` (8 to 24) with `shaping` and a seed.
    pub fn new(bits: u32, shaping: NoiseShaping, seed: u64) -> Result<Self> {
        if !(8..=24).contains(&bits) {
            return Err(Error::Parameter {
                name: "bits",
                value: bits as f64,
                range: Range::closed(8.0, 24.0),
                note: "dither targets 8 to 24 bits",
            });
        }
        Ok(Dither {
            bits,
            shaping,
            state: seed.max(1),
            err: [0.0; 2],
        })
    }

    /// The word length.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// TPDF dither in LSB: the sum of two independent uniform values in [−½, ½), both from one
    /// xorshift64* draw (32 bits each).
    #[inline]
    fn tpdf(&mut self) -> f64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        let m = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
        const SCALE: f64 = 1.0 / 4_294_967_296.0;
        ((m >> 32) as f64 + (m as u32) as f64) * SCALE - 1.0
    }

    /// Quantizes one sample to an integer code of `bits` bits.
    ///
    /// The error fed back to the shaper is the dithered rounding error before clipping (at most
    /// 1.5 LSB), so a clipped stretch cannot destabilise it; input beyond ±2 is clipped first
    /// and non-finite input counts as silence.
    #[inline]
    pub fn quantize(&mut self, x: f32) -> i32 {
        let scale = (1u64 << (self.bits - 1)) as f64;
        let x = if x.is_finite() {
            (x as f64).clamp(-2.0, 2.0) * scale
        } else {
            0.0
        };
        let fb = match self.shaping {
            NoiseShaping::None => 0.0,
            NoiseShaping::FirstOrder => self.err[0],
            NoiseShaping::SecondOrder => 2.0 * self.err[0] - self.err[1],
        };
        // (x + d) − fb: the dither is added off the feedback path.
        let v = (x + self.tpdf()) - fb;
        let r = (v + ROUND) - ROUND;
        self.err = [r - (x - fb), self.err[0]];
        r.clamp(-scale, scale - 1.0) as i32
    }

    /// Quantizes a block into `out` (the first `min(len)` samples).
    pub fn quantize_block(&mut self, x: &[f32], out: &mut [i32]) {
        for (o, v) in out.iter_mut().zip(x) {
            *o = self.quantize(*v);
        }
    }

    /// Quantizes planar `channels` (one dither each) into interleaved codes in `out`: frame `i`,
    /// channel `c` goes to `out[i·channels + c]`. Frames past the shortest channel or past what
    /// `out` holds are left alone. Channels are done in pairs, whose recursions overlap.
    pub fn quantize_interleaved(dithers: &mut [Dither], channels: &[&[f32]], out: &mut [i32]) {
        let nch = channels.len().min(dithers.len());
        if nch == 0 {
            return;
        }
        let frames = channels[..nch]
            .iter()
            .map(|c| c.len())
            .min()
            .unwrap_or(0)
            .min(out.len() / nch);
        let mut c = 0;
        while c < nch {
            if c + 1 < nch {
                let (mut d0, mut d1) = (dithers[c].clone(), dithers[c + 1].clone());
                let (x0, x1) = (&channels[c][..frames], &channels[c + 1][..frames]);
                for (i, o) in out.chunks_exact_mut(nch).take(frames).enumerate() {
                    o[c] = d0.quantize(x0[i]);
                    o[c + 1] = d1.quantize(x1[i]);
                }
                dithers[c] = d0;
                dithers[c + 1] = d1;
                c += 2;
            } else {
                let mut d0 = dithers[c].clone();
                for (o, x) in out.chunks_exact_mut(nch).zip(&channels[c][..frames]) {
                    o[c] = d0.quantize(*x);
                }
                dithers[c] = d0;
                c += 1;
            }
        }
    }

    /// Quantizes to 16-bit codes.
    pub fn quantize_i16(&mut self, x: &[f32], out: &mut [i16]) {
        for (o, v) in out.iter_mut().zip(x) {
            *o = self.quantize(*v) as i16;
        }
    }
}

/// Word-length reduction as a processor: each channel is dithered and quantized to `bits` and
/// comes out as the float value of its code (`code / 2^(bits−1)`), so a chain can end with it
/// and the result is what an integer file of that word length would hold.
///
/// Construction: [`DitherProcessor::new`] (returns a `Result`: invalid arguments are errors naming them).
/// By name: [`Processor::set_param`] over [`DitherProcessor::PARAMS`], or the
/// [registry](crate::registry) as kind `"dither"` (see docs/processors.md).
#[derive(Debug, Clone)]
pub struct DitherProcessor {
    bits: u32,
    shaping: NoiseShaping,
    seed: u64,
    channels: Vec<Dither>,
    spec: Option<ProcessSpec>,
}

impl DitherProcessor {
    /// A dither to `bits` (8 to 24) with `shaping`; channel `c` uses seed `seed + c`.
    pub fn new(bits: u32, shaping: NoiseShaping, seed: u64) -> Result<Self> {
        Dither::new(bits, shaping, seed)?;
        Ok(DitherProcessor {
            bits,
            shaping,
            seed,
            channels: Vec::new(),
            spec: None,
        })
    }

    fn fresh(&self, channel: usize) -> Dither {
        Dither {
            bits: self.bits,
            shaping: self.shaping,
            state: self.seed.wrapping_add(channel as u64).max(1),
            err: [0.0; 2],
        }
    }
}

crate::params! { DitherProcessor {} }

const SHAPING_NAMES: &[&str] = &["none", "first_order", "second_order"];

impl Describe for DitherProcessor {
    const DESCRIPTION: &'static Description = &Description {
        kind: "dither",
        aliases: &[],
        class_name: "Dither",
        summary: "TPDF dither and quantization to a word length (optionally noise-shaped); outputs the codes as floats.",
        channels: "any",
        params: DitherProcessor::PARAMS,
        options: &[
            OptionInfo::integer("bits", 8.0, 24.0, 16.0, "Target word length in bits."),
            OptionInfo::choice(
                "shaping",
                SHAPING_NAMES,
                "none",
                "Noise shaping: none (flat TPDF), first_order or second_order error feedback.",
            ),
            OptionInfo::integer(
                "seed",
                1.0,
                9_007_199_254_740_992.0,
                1.0,
                "Seed of the noise generator (channel c uses seed + c): same seed, same output.",
            ),
        ],
        variants: &[],
    };

    fn from_options(o: &mut Options<'_>) -> Result<Self> {
        let bits = o.number("bits")? as u32;
        let shaping = match o.choice("shaping")? {
            "first_order" => NoiseShaping::FirstOrder,
            "second_order" => NoiseShaping::SecondOrder,
            _ => NoiseShaping::None,
        };
        DitherProcessor::new(bits, shaping, o.number("seed")? as u64)
    }

    fn options(&self) -> Settings {
        let shaping = match self.shaping {
            NoiseShaping::None => "none",
            NoiseShaping::FirstOrder => "first_order",
            NoiseShaping::SecondOrder => "second_order",
        };
        Settings::new()
            .with("bits", self.bits)
            .with("shaping", shaping)
            .with("seed", self.seed as f64)
    }
}

impl Processor for DitherProcessor {
    crate::described!();

    fn prepare(&mut self, spec: ProcessSpec) -> Result<()> {
        spec.validate()?;
        self.channels = (0..spec.channels).map(|c| self.fresh(c)).collect();
        self.spec = Some(spec);
        Ok(())
    }

    fn spec(&self) -> Option<ProcessSpec> {
        self.spec
    }

    fn process_block(&mut self, block: &mut [&mut [f32]]) {
        let inv = 1.0 / (1u64 << (self.bits - 1)) as f64;
        for (d, ch) in self.channels.iter_mut().zip(block.iter_mut()) {
            for x in ch.iter_mut() {
                *x = (f64::from(d.quantize(*x)) * inv) as f32;
            }
        }
    }

    fn reset(&mut self) {
        for c in 0..self.channels.len() {
            self.channels[c] = self.fresh(c);
        }
    }
}
