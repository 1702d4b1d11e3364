//! Biquad sections over two channels as one pair of `f64` lanes (`[f64; 2]`), the form the
//! compiler puts in one vector register: a stereo step costs what a mono one does.
//!
//! The step is direct form I in `f64` like the filter module's, with the terms ordered so the
//! input enters by the second-to-last multiply-add and the feedback `a1·y1` by the last: a
//! cascade's latency from input to output is then two multiply-adds per section (not five), so
//! the CPU overlaps many sections and frames. Used where a processor runs a fixed network of
//! sections per frame: the [crossover network](super::crossover) and the
//! [dynamic EQ](super::dynamic_eq). Two sections that read the same input (a crossover's first
//! low-pass and its all-pass) run as one [`Quad`] of four lanes, one 256-bit vector.

use super::biquad::Coeffs;
use crate::cpu::{dispatch, mul_add};
use crate::denormal;

/// One value per lane (left, right; or a channel and silence).
pub(crate) type Pair = [f64; 2];

/// Direct-form-I memory of one section on both lanes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct PairState {
    x1: Pair,
    x2: Pair,
    y1: Pair,
    y2: Pair,
}

impl PairState {
    /// Zeroes tiny or non-finite memory (denormals, and NaN that must not stick).
    pub(crate) fn sanitize(&mut self) {
        for v in [&mut self.x1, &mut self.x2, &mut self.y1, &mut self.y2] {
            for x in v.iter_mut() {
                *x = denormal::flush(*x);
            }
        }
    }
}

/// One step of section `c` on both lanes.
#[inline(always)]
pub(crate) fn step<const FMA: bool>(c: &Coeffs, s: &mut PairState, x: Pair) -> Pair {
    let mut y = [0.0; 2];
    for l in 0..2 {
        let t = mul_add::<FMA>(c.b2, s.x2[l], c.b1 * s.x1[l]);
        let t = mul_add::<FMA>(-c.a2, s.y2[l], t);
        let t = mul_add::<FMA>(c.b0, x[l], t);
        y[l] = mul_add::<FMA>(-c.a1, s.y1[l], t);
    }
    s.x2 = s.x1;
    s.x1 = x;
    s.y2 = s.y1;
    s.y1 = y;
    y
}

/// Two sections' memory side by side as four lanes (two pairs), for two sections that read
/// the same input in one step of a 256-bit vector.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quad {
    x1: [f64; 4],
    x2: [f64; 4],
    y1: [f64; 4],
    y2: [f64; 4],
}

/// Coefficients of a [`Quad`], per lane.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QuadCoeffs {
    b0: [f64; 4],
    b1: [f64; 4],
    b2: [f64; 4],
    a1: [f64; 4],
    a2: [f64; 4],
}

impl Quad {
    /// Sections `c` (memory `s`, lanes 0 and 1) and `d` (memory `t`, lanes 2 and 3).
    #[inline(always)]
    pub(crate) fn join(s: &PairState, t: &PairState, c: &Coeffs, d: &Coeffs) -> (Quad, QuadCoeffs) {
        let j = |a: Pair, b: Pair| [a[0], a[1], b[0], b[1]];
        let k = |a: f64, b: f64| [a, a, b, b];
        (
            Quad {
                x1: j(s.x1, t.x1),
                x2: j(s.x2, t.x2),
                y1: j(s.y1, t.y1),
                y2: j(s.y2, t.y2),
            },
            QuadCoeffs {
                b0: k(c.b0, d.b0),
                b1: k(c.b1, d.b1),
                b2: k(c.b2, d.b2),
                a1: k(c.a1, d.a1),
                a2: k(c.a2, d.a2),
            },
        )
    }

    /// The two sections' memory again.
    #[inline(always)]
    pub(crate) fn split(&self) -> (PairState, PairState) {
        let h = |v: [f64; 4]| ([v[0], v[1]], [v[2], v[3]]);
        let ((x1a, x1b), (x2a, x2b)) = (h(self.x1), h(self.x2));
        let ((y1a, y1b), (y2a, y2b)) = (h(self.y1), h(self.y2));
        (
            PairState {
                x1: x1a,
                x2: x2a,
                y1: y1a,
                y2: y2a,
            },
            PairState {
                x1: x1b,
                x2: x2b,
                y1: y1b,
                y2: y2b,
            },
        )
    }

    /// One step on all four lanes (the arithmetic of [`step`]).
    #[inline(always)]
    pub(crate) fn step<const FMA: bool>(&mut self, c: &QuadCoeffs, x: [f64; 4]) -> [f64; 4] {
        let mut y = [0.0; 4];
        for l in 0..4 {
            let t = mul_add::<FMA>(c.b2[l], self.x2[l], c.b1[l] * self.x1[l]);
            let t = mul_add::<FMA>(-c.a2[l], self.y2[l], t);
            let t = mul_add::<FMA>(c.b0[l], x[l], t);
            y[l] = mul_add::<FMA>(-c.a1[l], self.y1[l], t);
        }
        self.x2 = self.x1;
        self.x1 = x;
        self.y2 = self.y1;
        self.y1 = y;
        y
    }
}

/// `a − b` lane by lane.
#[inline(always)]
pub(crate) fn sub(a: Pair, b: Pair) -> Pair {
    [a[0] - b[0], a[1] - b[1]]
}

/// Frames a kernel moves between `f32` buffers and its `f64` lanes at a time.
pub(crate) const CHUNK: usize = 64;

/// Reads frames `pos..pos + len` of `x0` and `x1` (`None`: silence) into `rows` as pairs;
/// non-finite samples read as silence.
#[inline(always)]
pub(crate) fn load(rows: &mut [Pair], x0: &[f32], x1: Option<&[f32]>) {
    let clean = |v: f32| if v.is_finite() { v as f64 } else { 0.0 };
    for (r, v) in rows.iter_mut().zip(x0) {
        r[0] = clean(*v);
    }
    match x1 {
        Some(x1) => {
            for (r, v) in rows.iter_mut().zip(x1) {
                r[1] = clean(*v);
            }
        }
        None => {
            for r in rows.iter_mut() {
                r[1] = 0.0;
            }
        }
    }
}

/// Writes `rows` out to `y0` and `y1` (when given), rounded to `f32`.
#[inline(always)]
pub(crate) fn store(rows: &[Pair], y0: &mut [f32], y1: Option<&mut [f32]>) {
    for (d, r) in y0.iter_mut().zip(rows) {
        *d = r[0] as f32;
    }
    if let Some(y1) = y1 {
        for (d, r) in y1.iter_mut().zip(rows) {
            *d = r[1] as f32;
        }
    }
}

/// Runs the `N` sections `c` one after another over `x0` and `x1` (`None`: one channel) in
/// place, each frame through every section before the next frame.
fn cascade<const N: usize, const FMA: bool>(
    c: &[Coeffs; N],
    s: &mut [PairState; N],
    x0: &mut [f32],
    mut x1: Option<&mut [f32]>,
) {
    let mut st = *s;
    let mut rows = [[0.0f64; 2]; CHUNK];
    let n = x1.as_ref().map_or(x0.len(), |x| x.len().min(x0.len()));
    let mut pos = 0;
    while pos < n {
        let len = CHUNK.min(n - pos);
        let rows = &mut rows[..len];
        for (r, v) in rows.iter_mut().zip(&x0[pos..pos + len]) {
            r[0] = *v as f64;
        }
        if let Some(x1) = x1.as_deref() {
            for (r, v) in rows.iter_mut().zip(&x1[pos..pos + len]) {
                r[1] = *v as f64;
            }
        }
        for r in rows.iter_mut() {
            let mut y = *r;
            for k in 0..N {
                y = step::<FMA>(&c[k], &mut st[k], y);
            }
            *r = y;
        }
        store(
            rows,
            &mut x0[pos..pos + len],
            x1.as_deref_mut().map(|x| &mut x[pos..pos + len]),
        );
        pos += len;
    }
    *s = st;
}

/// Sections run together per frame (more would not fit the registers).
const GROUP: usize = 4;

/// The body of [`run_cascade`], for either build.
fn run_cascade_generic<const FMA: bool>(
    sections: &[Coeffs],
    state: &mut [PairState],
    x0: &mut [f32],
    mut x1: Option<&mut [f32]>,
) {
    for (c, s) in sections.chunks(GROUP).zip(state.chunks_mut(GROUP)) {
        macro_rules! run {
            ($n:literal) => {{
                let (Ok(c), Ok(s)) = (
                    <&[Coeffs; $n]>::try_from(c),
                    <&mut [PairState; $n]>::try_from(s),
                ) else {
                    return;
                };
                cascade::<$n, FMA>(c, s, x0, x1.as_deref_mut())
            }};
        }
        match c.len() {
            1 => run!(1),
            2 => run!(2),
            3 => run!(3),
            _ => run!(4),
        }
    }
}

dispatch! {
    /// Runs a cascade of `sections` (any number; `state[k]` is section `k`'s memory) over one
    /// channel (`x1 = None`) or two, in place, in groups of [`GROUP`] (rounded to `f32`
    /// between groups).
    pub(crate) fn run_cascade(
        sections: &[Coeffs],
        state: &mut [PairState],
        x0: &mut [f32],
        x1: Option<&mut [f32]>,
    ) => run_cascade_generic
}
