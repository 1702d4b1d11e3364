//! `meter --plot`: loudness over time (momentary and short-term), with the integrated value and
//! the target; `analyze --plot`: spectra, correlation and loudness over time. Drawn to a PNG
//! with plotters; text uses a font shipped inside a crate (`epaint_default_fonts`), so no
//! system fonts are needed.

use anyhow::{Result, anyhow};
use mixmaster::analysis::Analysis;
use mixmaster::master::LoudnessReport;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::path::Path;
use std::sync::Once;

/// Lowest loudness drawn; quieter values (and silence) sit on this floor.
const FLOOR_LUFS: f64 = -60.0;

fn fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in and valid; a failure would only lose the labels.
        let _ = register_font(
            "sans-serif",
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        );
    });
}

/// A drawing area of the PNG being drawn.
type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

/// Draws `report` to `path` (PNG, 1200 × 500), titled `title`, with a dashed line at `target`.
pub fn loudness(path: &Path, title: &str, report: &LoudnessReport, target_lufs: f64) -> Result<()> {
    fonts();
    let err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let root = BitMapBackend::new(path, (1200, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    loudness_panel(&root, path, title, report, target_lufs)?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// Loudness over time on `root`.
fn loudness_panel(
    root: &Area,
    path: &Path,
    title: &str,
    report: &LoudnessReport,
    target_lufs: f64,
) -> Result<()> {
    let err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let hop = report.hop_s;
    let floor = |v: f64| {
        if v.is_finite() {
            v.max(FLOOR_LUFS)
        } else {
            FLOOR_LUFS
        }
    };
    let top = report
        .max_momentary_lufs
        .max(target_lufs)
        .max(report.integrated_lufs)
        .max(FLOOR_LUFS + 10.0);
    let top = if top.is_finite() {
        (top / 5.0).ceil() * 5.0 + 5.0
    } else {
        0.0
    };
    let end = report.duration_s.max(hop);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..end, FLOOR_LUFS..top)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("time (s)")
        .y_desc("loudness (LUFS)")
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| err(&e))?;
    let series = |v: &[f64]| -> Vec<(f64, f64)> {
        v.iter()
            .enumerate()
            .map(|(i, x)| ((i + 1) as f64 * hop, floor(*x)))
            .collect()
    };
    chart
        .draw_series(LineSeries::new(
            series(&report.momentary_lufs),
            RGBColor(150, 180, 230),
        ))
        .map_err(|e| err(&e))?
        .label("momentary (400 ms)")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RGBColor(150, 180, 230)));
    chart
        .draw_series(LineSeries::new(
            series(&report.short_term_lufs),
            RGBColor(20, 60, 160).stroke_width(2),
        ))
        .map_err(|e| err(&e))?
        .label("short-term (3 s)")
        .legend(|(x, y)| {
            PathElement::new([(x, y), (x + 20, y)], RGBColor(20, 60, 160).stroke_width(2))
        });
    if report.integrated_lufs.is_finite() {
        let i = report.integrated_lufs;
        chart
            .draw_series(LineSeries::new([(0.0, i), (end, i)], RED.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label(format!("integrated {i:.1} LUFS"))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
    }
    let dashes: Vec<_> = (0..((end / (end / 120.0)) as usize))
        .step_by(2)
        .map(|k| {
            let x0 = k as f64 * end / 120.0;
            PathElement::new(
                [(x0, target_lufs), (x0 + end / 120.0, target_lufs)],
                RGBColor(0, 140, 0).stroke_width(2),
            )
        })
        .collect();
    chart
        .draw_series(dashes)
        .map_err(|e| err(&e))?
        .label(format!("target {target_lufs:.1} LUFS"))
        .legend(|(x, y)| {
            PathElement::new([(x, y), (x + 20, y)], RGBColor(0, 140, 0).stroke_width(2))
        });
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(|e| err(&e))?;
    Ok(())
}

/// `analyze --plot`: the long-term spectra of left, right, mid and side, the correlation over
/// time and the loudness over time, one above the other (PNG, 1200 × 1300).
pub fn analysis(path: &Path, title: &str, a: &Analysis) -> Result<()> {
    fonts();
    let err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let root = BitMapBackend::new(path, (1200, 1300)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (top, rest) = root.split_vertically(550);
    let (middle, bottom) = rest.split_vertically(300);
    // Spectra: dB per hertz on a log-frequency axis.
    let s = &a.spectrum;
    let curves = [
        (&s.fine_left_db, "left", RGBColor(30, 90, 200)),
        (&s.fine_right_db, "right", RGBColor(200, 60, 40)),
        (&s.fine_mid_db, "mid", RGBColor(20, 20, 20)),
        (&s.fine_side_db, "side", RGBColor(120, 120, 120)),
    ];
    let hi = curves
        .iter()
        .flat_map(|c| c.0.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(-200.0f64, f64::max);
    let (y_hi, y_lo) = (
        (hi / 10.0).ceil() * 10.0 + 5.0,
        (hi / 10.0).ceil() * 10.0 - 90.0,
    );
    let f_hi = s.fine_hz.last().copied().unwrap_or(20_000.0).max(100.0);
    let mut chart = ChartBuilder::on(&top)
        .caption(format!("{title}: long-term spectrum"), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((20.0f64..f_hi).log_scale(), y_lo..y_hi)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("frequency (Hz)")
        .y_desc("level (dB/Hz)")
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| err(&e))?;
    for (curve, name, colour) in curves {
        let points: Vec<(f64, f64)> = s
            .fine_hz
            .iter()
            .zip(curve.iter())
            .map(|(f, v)| (*f, if v.is_finite() { v.max(y_lo) } else { y_lo }))
            .collect();
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerLeft)
        .draw()
        .map_err(|e| err(&e))?;
    // Correlation over time.
    let st = &a.stereo;
    let end = a.loudness.duration_s.max(st.correlation_hop_s);
    let mut chart = ChartBuilder::on(&middle)
        .caption(
            format!(
                "correlation (400 ms windows; overall {:.2})",
                st.correlation
            ),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..end, -1.0f64..1.0)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("time (s)")
        .y_desc("correlation")
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| err(&e))?;
    chart
        .draw_series(LineSeries::new(
            [(0.0, 0.0), (end, 0.0)],
            RGBColor(180, 180, 180),
        ))
        .map_err(|e| err(&e))?;
    let points: Vec<(f64, f64)> = st
        .correlation_series
        .iter()
        .enumerate()
        .map(|(i, c)| ((i as f64 + 0.5) * st.correlation_hop_s, *c))
        .collect();
    chart
        .draw_series(LineSeries::new(
            points,
            RGBColor(90, 40, 160).stroke_width(2),
        ))
        .map_err(|e| err(&e))?;
    loudness_panel(
        &bottom,
        path,
        "loudness",
        &a.loudness,
        a.loudness.integrated_lufs,
    )?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}
