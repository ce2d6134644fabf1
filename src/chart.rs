//! Drawing the check-in trend chart as a PNG, in memory.
//!
//! The data, the gaps and the words are the domain's ([`crate::domain::trend`]); this module
//! only paints them, with plotters. It lives outside the domain because plotters is a rendering
//! library (a bitmap, fonts, an encoder), the kind of thing the domain keeps out so its rules
//! stay pure and fast to test; and outside any adapter because every adapter sends the same
//! picture. The bot calls it and puts the bytes in a [`Block::Image`].
//!
//! Only pure-Rust parts are used, so nothing needs a system library: plotters' bitmap backend
//! draws into a buffer, text is drawn with ab_glyph from the DejaVu Sans font compiled into the
//! binary (`data/fonts/`, with its licence), and the png crate encodes the buffer.
//!
//! The colours are the Okabe-Ito blue and orange, told apart with any colour vision; mood is a
//! solid line with round markers and stress a dashed line with triangles, so the two stay apart
//! in greyscale too. A week without an answer is a gap: no line crosses it. A skipped week is
//! shaded.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::domain::reply::Block;
use crate::domain::trend::{Series, Trend};

/// The picture's size in pixels: wide enough for 52 weeks' labels, small enough to show
/// inline in a chat.
pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 540;

/// Okabe-Ito blue (mood).
pub const MOOD_COLOUR: RGBColor = RGBColor(0, 114, 178);
/// Okabe-Ito orange (stress).
pub const STRESS_COLOUR: RGBColor = RGBColor(230, 159, 0);
/// The shade of a skipped week.
const SKIPPED_SHADE: RGBColor = RGBColor(232, 232, 232);
const INK: RGBColor = RGBColor(33, 33, 33);

static FONT: &[u8] = include_bytes!("../data/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the chart's font could not be read")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] png::EncodingError),
}

fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Registers the shipped font with plotters once per process.
fn font_ready() -> Result<(), ChartError> {
    static READY: OnceLock<bool> = OnceLock::new();
    let ok = *READY.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// The chart as a reply block: the PNG, its name and its alt text.
pub fn image_block(trend: &Trend) -> Result<Block, ChartError> {
    Ok(Block::Image {
        name: trend.file_name(),
        png: render(trend)?,
        alt: trend.alt_text(),
        width: WIDTH,
        height: HEIGHT,
    })
}

/// Draws `trend` and returns the PNG file's bytes ([`WIDTH`] × [`HEIGHT`], RGB).
pub fn render(trend: &Trend) -> Result<Vec<u8>, ChartError> {
    font_ready()?;
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(trend, &mut pixels)?;
    let mut out = Vec::with_capacity(32 * 1024);
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // The picture is mostly flat colour: fast filtering compresses it well enough, and
        // rendering stays a few milliseconds.
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
    }
    Ok(out)
}

fn draw(trend: &Trend, pixels: &mut [u8]) -> Result<(), ChartError> {
    let n = trend.weeks.len().max(1);
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    // The title and the legend above the plot, so the legend never hides a point.
    let (header, body) = root.split_vertically(84);
    header
        .draw(&Text::new(
            trend.title(),
            (24, 14),
            (FAMILY, 26).into_font().color(&INK),
        ))
        .map_err(draw_error)?;
    legend(&header, trend)?;

    let mut chart = ChartBuilder::on(&body)
        .margin_left(16)
        .margin_right(24)
        .margin_bottom(12)
        .x_label_area_size(56)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0.5f64..5.5f64)
        .map_err(draw_error)?;

    // About 12 labels whatever the span: every week for 12 weeks, every fifth for a year.
    let step = n.div_ceil(12).max(1);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(5)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            let i = i as usize;
            if i.is_multiple_of(step) {
                trend.week_label(i)
            } else {
                String::new()
            }
        })
        .x_desc("Week starting")
        .y_desc("Answer (1 to 5)")
        .axis_desc_style((FAMILY, 18).into_font().color(&INK))
        .label_style((FAMILY, 15).into_font().color(&INK))
        .y_max_light_lines(0)
        .bold_line_style(RGBColor(215, 215, 215))
        .axis_style(INK)
        .draw()
        .map_err(draw_error)?;

    // Skipped weeks: a light band, drawn first so lines and points stay on top.
    chart
        .draw_series(trend.skipped().into_iter().map(|i| {
            let x = i as f64;
            Rectangle::new([(x - 0.45, 0.5), (x + 0.45, 5.5)], SKIPPED_SHADE.filled())
        }))
        .map_err(draw_error)?;

    // Lines only within runs of answered weeks: a week without an answer is a gap. A year's
    // 52 weeks get smaller marks, so neighbours stay apart.
    let (mark, width) = if n > 20 { (4, 2) } else { (6, 3) };
    for run in trend.runs(Series::Mood) {
        let points = run.iter().map(|&(i, v)| (i as f64, f64::from(v)));
        chart
            .draw_series(LineSeries::new(
                points.clone(),
                MOOD_COLOUR.stroke_width(width),
            ))
            .map_err(draw_error)?;
        chart
            .draw_series(points.map(|p| Circle::new(p, mark, MOOD_COLOUR.filled())))
            .map_err(draw_error)?;
    }
    for run in trend.runs(Series::Stress) {
        let points = run.iter().map(|&(i, v)| (i as f64, f64::from(v)));
        chart
            .draw_series(DashedLineSeries::new(
                points.clone(),
                10,
                7,
                STRESS_COLOUR.stroke_width(width),
            ))
            .map_err(draw_error)?;
        chart
            .draw_series(points.map(|p| TriangleMarker::new(p, mark + 2, STRESS_COLOUR.filled())))
            .map_err(draw_error)?;
    }
    root.present().map_err(draw_error)?;
    Ok(())
}

/// The legend, in one row under the title: each series' line and marker, and the skipped
/// week's shade when there is one.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    trend: &Trend,
) -> Result<(), ChartError> {
    let font = (FAMILY, 17).into_font().color(&INK);
    let y = 62;
    let mut x = 28;
    let gap = |label: &str| 46 + label.chars().count() as i32 * 9;

    area.draw(&PathElement::new(
        vec![(x, y), (x + 36, y)],
        MOOD_COLOUR.stroke_width(3),
    ))
    .map_err(draw_error)?;
    area.draw(&Circle::new((x + 18, y), 6, MOOD_COLOUR.filled()))
        .map_err(draw_error)?;
    let label = Series::Mood.label();
    area.draw(&Text::new(label, (x + 46, y - 4), font.clone()))
        .map_err(draw_error)?;
    x += gap(label) + 40;

    // Dashes drawn as short segments, as the plot draws them.
    for start in (0..36).step_by(16) {
        area.draw(&PathElement::new(
            vec![(x + start, y), (x + (start + 10).min(36), y)],
            STRESS_COLOUR.stroke_width(3),
        ))
        .map_err(draw_error)?;
    }
    area.draw(&TriangleMarker::new((x + 18, y), 8, STRESS_COLOUR.filled()))
        .map_err(draw_error)?;
    let label = Series::Stress.label();
    area.draw(&Text::new(label, (x + 46, y - 4), font.clone()))
        .map_err(draw_error)?;
    x += gap(label) + 40;

    if !trend.skipped().is_empty() {
        area.draw(&Rectangle::new(
            [(x, y - 10), (x + 36, y + 10)],
            SKIPPED_SHADE.filled(),
        ))
        .map_err(draw_error)?;
        area.draw(&Text::new("Skipped week", (x + 46, y - 4), font))
            .map_err(draw_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
