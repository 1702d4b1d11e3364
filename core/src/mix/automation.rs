//! Automation: breakpoint envelopes that move a parameter over time, sample-accurately.
//!
//! An [`Envelope`] is a list of [`Breakpoint`]s (time in seconds, value in the parameter's own
//! unit, and the [`Curve`] of the segment that starts at that point). Before the first point the
//! value is the first point's; after the last, the last point's. At a breakpoint's sample (its
//! time × sample rate, rounded) the value is exactly the breakpoint's value.
//!
//! The [`crate::mix::Mixer`] renders fader, pan and send envelopes per sample, and sets insert
//! parameters from envelopes on a fixed grid of [`AUTOMATION_GRID`] frames counted from the start,
//! so the result never depends on the block size. [`Envelope::prepare`] converts times to frames
//! once; rendering afterwards neither allocates nor fails.

use alloc::vec::Vec;

use crate::error::{Error, Range, Result};
use crate::{math, validate};

/// Insert (processor) parameters follow their envelopes at this grid, in frames.
pub const AUTOMATION_GRID: u64 = crate::smooth::COEFF_UPDATE_FRAMES as u64;

/// Shape of the segment from one breakpoint to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Curve {
    /// Straight line in the parameter's unit (a fader in dB moves linearly in dB).
    #[default]
    Linear,
    /// Geometric (constant ratio per sample), for frequencies and times; falls back to linear
    /// when the two values do not share a sign or one is zero.
    Exponential,
    /// Holds the value until the next breakpoint, then jumps to it.
    Hold,
}

impl Curve {
    /// Parses "linear", "exponential" (or "exp"), "hold" (or "step").
    pub fn from_name(name: &str) -> Option<Curve> {
        match name.to_ascii_lowercase().as_str() {
            "linear" | "lin" => Some(Curve::Linear),
            "exponential" | "exp" => Some(Curve::Exponential),
            "hold" | "step" => Some(Curve::Hold),
            _ => None,
        }
    }
}

/// One point of an envelope.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breakpoint {
    /// Time from the start, seconds.
    pub time_s: f64,
    /// Value, in the automated parameter's unit.
    pub value: f64,
    /// Shape of the segment from this point to the next.
    pub curve: Curve,
}

impl Breakpoint {
    /// A point with a linear segment after it.
    pub const fn new(time_s: f64, value: f64) -> Self {
        Breakpoint {
            time_s,
            value,
            curve: Curve::Linear,
        }
    }

    /// The same point with another curve.
    #[must_use]
    pub const fn with_curve(mut self, curve: Curve) -> Self {
        self.curve = curve;
        self
    }
}

/// A breakpoint envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    points: Vec<Breakpoint>,
    /// Frame of each point, after `prepare`.
    frames: Vec<u64>,
    /// Segment of the last lookup (playback moves forward, so this makes lookups O(1)).
    cursor: usize,
}

impl Envelope {
    /// An envelope through `points`: at least one, times finite, ≥ 0 and not decreasing,
    /// values finite. Two points may share a time (a jump).
    pub fn new(points: &[Breakpoint]) -> Result<Self> {
        if points.is_empty() {
            return Err(Error::Empty {
                what: "automation envelope",
            });
        }
        let mut last = 0.0;
        for (i, p) in points.iter().enumerate() {
            if !p.time_s.is_finite() || p.time_s < 0.0 {
                return Err(Error::Envelope {
                    point: i,
                    note: "time must be finite and at least 0 s",
                });
            }
            if p.time_s < last {
                return Err(Error::Envelope {
                    point: i,
                    note: "times must not decrease",
                });
            }
            if !p.value.is_finite() {
                return Err(Error::Envelope {
                    point: i,
                    note: "value must be finite",
                });
            }
            last = p.time_s;
        }
        let mut e = Envelope {
            points: points.to_vec(),
            frames: alloc::vec![0; points.len()],
            cursor: 0,
        };
        // Frames at 48 kHz until `prepare` gives the real rate.
        e.prepare(48_000.0);
        Ok(e)
    }

    /// A constant envelope.
    pub fn constant(value: f64) -> Result<Self> {
        Envelope::new(&[Breakpoint::new(0.0, value)])
    }

    /// Checks every value against `range`; the error names the parameter.
    pub fn validate_values(&self, name: &'static str, range: Range) -> Result<()> {
        for p in &self.points {
            validate::in_range(name, p.value, range)?;
        }
        Ok(())
    }

    /// The points.
    pub fn points(&self) -> &[Breakpoint] {
        &self.points
    }

    /// Converts the times to frames at `sample_rate` (rounded to the nearest frame).
    pub fn prepare(&mut self, sample_rate: f64) {
        for (f, p) in self.frames.iter_mut().zip(&self.points) {
            *f = math::round(p.time_s * sample_rate) as u64;
        }
        self.cursor = 0;
    }

    /// Frame of point `i` (after `prepare`).
    pub fn frame_of(&self, i: usize) -> Option<u64> {
        self.frames.get(i).copied()
    }

    /// Index of the last point at or before `frame` (`None` before the first point).
    fn segment(&mut self, frame: u64) -> Option<usize> {
        let f = &self.frames;
        // Move the cursor; fall back to a binary search after a jump backwards.
        let mut i = self.cursor.min(f.len() - 1);
        if f[i] > frame {
            i = f.partition_point(|&x| x <= frame).checked_sub(1)?;
        }
        while i + 1 < f.len() && f[i + 1] <= frame {
            i += 1;
        }
        self.cursor = i;
        (f[i] <= frame).then_some(i)
    }

    /// The value at `frame`.
    pub fn value_at(&mut self, frame: u64) -> f64 {
        let Some(i) = self.segment(frame) else {
            return self.points[0].value;
        };
        self.interpolate(i, frame)
    }

    fn interpolate(&self, i: usize, frame: u64) -> f64 {
        let p0 = self.points[i];
        let Some(p1) = self.points.get(i + 1) else {
            return p0.value;
        };
        let (f0, f1) = (self.frames[i], self.frames[i + 1]);
        if f1 <= f0 {
            return p1.value;
        }
        let t = (frame - f0) as f64 / (f1 - f0) as f64;
        match p0.curve {
            Curve::Hold => p0.value,
            Curve::Exponential if p0.value * p1.value > 0.0 => {
                p0.value * math::powf(p1.value / p0.value, t)
            }
            _ => p0.value + (p1.value - p0.value) * t,
        }
    }

    /// Whether the value is the same for every frame of `[start, start + len)`; returns it.
    pub fn constant_over(&mut self, start: u64, len: usize) -> Option<f64> {
        let end = start + len as u64;
        let a = self.segment(start);
        let moving = match a {
            None => self.frames[0] < end,
            Some(i) => {
                let next_starts = self.frames.get(i + 1).is_some_and(|&f| f < end);
                let flat = match self.points.get(i + 1) {
                    None => true,
                    Some(p1) => {
                        self.points[i].curve == Curve::Hold || p1.value == self.points[i].value
                    }
                };
                next_starts || !flat
            }
        };
        (!moving).then(|| self.value_at(start))
    }

    /// Writes the value of each frame from `start` into `out`.
    pub fn render(&mut self, start: u64, out: &mut [f32]) {
        if let Some(v) = self.constant_over(start, out.len()) {
            out.fill(v as f32);
            return;
        }
        for (k, o) in out.iter_mut().enumerate() {
            *o = self.value_at(start + k as u64) as f32;
        }
    }

    /// Rewinds the lookup cursor (after a seek or reset).
    pub fn rewind(&mut self) {
        self.cursor = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn env(points: &[(f64, f64, Curve)]) -> Envelope {
        let pts: Vec<_> = points
            .iter()
            .map(|&(t, v, c)| Breakpoint::new(t, v).with_curve(c))
            .collect();
        let mut e = Envelope::new(&pts).unwrap();
        e.prepare(1000.0);
        e
    }

    #[test]
    fn each_breakpoint_is_reached_at_its_frame() {
        let mut e = env(&[
            (0.1, -10.0, Curve::Linear),
            (0.2, 0.0, Curve::Hold),
            (0.3, -20.0, Curve::Exponential),
            (0.5, -5.0, Curve::Linear),
        ]);
        assert_eq!(e.value_at(0), -10.0);
        assert_eq!(e.value_at(100), -10.0);
        assert_eq!(e.value_at(150), -5.0);
        assert_eq!(e.value_at(200), 0.0);
        assert_eq!(e.value_at(299), 0.0); // hold
        assert_eq!(e.value_at(300), -20.0);
        // Geometric: halfway between -20 and -5 is -10 (sqrt(20 * 5)).
        assert!((e.value_at(400) + 10.0).abs() < 1e-12);
        assert_eq!(e.value_at(500), -5.0);
        assert_eq!(e.value_at(10_000), -5.0);
        // Backwards after forwards still works.
        assert_eq!(e.value_at(150), -5.0);
    }

    #[test]
    fn render_matches_value_at_in_any_pieces() {
        let mut e = env(&[
            (0.0, 1.0, Curve::Linear),
            (0.05, 3.0, Curve::Exponential),
            (0.07, 0.5, Curve::Hold),
            (0.1, 2.0, Curve::Linear),
        ]);
        let mut whole = vec![0.0f32; 150];
        e.render(0, &mut whole);
        let mut pieces = vec![0.0f32; 150];
        let mut s = 0;
        for n in [1usize, 7, 30, 2, 50, 60] {
            e.render(s as u64, &mut pieces[s..s + n]);
            s += n;
        }
        assert_eq!(whole, pieces);
        let mut fresh = e.clone();
        for (k, w) in whole.iter().enumerate() {
            assert_eq!(*w, fresh.value_at(k as u64) as f32);
        }
    }

    #[test]
    fn bad_envelopes_are_errors_naming_the_point() {
        assert!(matches!(Envelope::new(&[]), Err(Error::Empty { .. })));
        let e = Envelope::new(&[Breakpoint::new(1.0, 0.0), Breakpoint::new(0.5, 1.0)]);
        assert!(matches!(e, Err(Error::Envelope { point: 1, .. })));
        let e = Envelope::new(&[Breakpoint::new(0.0, f64::NAN)]);
        assert!(matches!(e, Err(Error::Envelope { point: 0, .. })));
        let e = Envelope::new(&[Breakpoint::new(-1.0, 0.0)]);
        assert!(matches!(e, Err(Error::Envelope { point: 0, .. })));
        let e = Envelope::new(&[Breakpoint::new(0.0, 30.0)]).unwrap();
        assert!(
            e.validate_values("gain_db", Range::closed(-150.0, 24.0))
                .is_err()
        );
    }
}
