//! `meter --plot`: loudness over time (momentary and short-term), with the integrated value and
//! the target, drawn to a PNG with plotters. Text uses a font shipped inside a crate
//! (`epaint_default_fonts`), so no system fonts are needed.

use anyhow::{Result, anyhow};
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

/// Draws `report` to `path` (PNG, 1200 × 500), titled `title`, with a dashed line at `target`.
pub fn loudness(path: &Path, title: &str, report: &LoudnessReport, target_lufs: f64) -> Result<()> {
    fonts();
    let err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let root = BitMapBackend::new(path, (1200, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
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
    let mut chart = ChartBuilder::on(&root)
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
    root.present().map_err(|e| err(&e))?;
    Ok(())
}
