//! Drawing: a [`Figure`] drawn twice by the same code, into an SVG string and into an RGB bitmap encoded as PNG, both [`WIDTH`] × [`HEIGHT`] pixels; the [`Chart`] that holds them and the [`ChartError`] when drawing fails.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{BAND_OPACITY, Figure, Mark, Marker, Panel, Swatch};
use super::font::{FONT, FONT_BYTES};
use super::palette::{self, Colour};

/// Width of every chart [px]: fits a laptop screen.
pub const WIDTH: u32 = 960;
/// Height of every chart [px].
pub const HEIGHT: u32 = 540;

/// One chart, drawn twice.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File stem, like `"concurrency"`: the chart is written as `<name>.svg` and `<name>.png`.
    pub name: &'static str,
    /// What the chart shows, as its heading says.
    pub title: String,
    /// The chart as a standalone SVG document.
    pub svg: String,
    /// The chart as a PNG image of [`WIDTH`] × [`HEIGHT`] pixels.
    pub png: Vec<u8>,
}

/// Why a chart could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font could not be read.
    #[error("the embedded chart font cannot be read")]
    Font,
    /// plotters refused to draw.
    #[error("cannot draw the {chart} chart: {message}")]
    Draw {
        /// The chart's name.
        chart: &'static str,
        /// What plotters said.
        message: String,
    },
    /// The bitmap could not be encoded as PNG.
    #[error("cannot encode the {chart} chart as PNG: {source}")]
    Png {
        /// The chart's name.
        chart: &'static str,
        /// What the encoder said.
        source: png::EncodingError,
    },
}

fn rgb(c: Colour) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Draws a marker centred on `(x, y)` [px, in the area's own coordinates]: filled, or hollow
/// (white inside, a 2-pixel outline).
fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    marker: Marker,
    radius: u32,
    colour: Colour,
    hollow: bool,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let c = rgb(colour);
    if marker == Marker::Circle {
        if hollow {
            area.draw(&Circle::new((x, y), radius, WHITE.filled()))?;
            area.draw(&Circle::new((x, y), radius, c.stroke_width(2)))
        } else {
            area.draw(&Circle::new((x, y), radius, c.filled()))
        }
    } else {
        let pts: Vec<(i32, i32)> = marker
            .corners(radius)
            .into_iter()
            .map(|(dx, dy)| (x + dx, y + dy))
            .collect();
        if hollow {
            area.draw(&Polygon::new(pts.clone(), WHITE.filled()))?;
            let mut outline = pts.clone();
            outline.extend(pts.first().copied());
            area.draw(&PathElement::new(outline, c.stroke_width(2)))
        } else {
            area.draw(&Polygon::new(pts, c.filled()))
        }
    }
}

fn font_ready() -> Result<(), ChartError> {
    static READY: OnceLock<bool> = OnceLock::new();
    let ok = *READY.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

fn text_style(size: f64, colour: Colour) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font(),
        color: rgb(colour).to_backend_color(),
        pos: Pos::new(HPos::Left, VPos::Top),
    }
}

/// Draws a figure as SVG and as PNG.
pub(super) fn render(fig: &Figure) -> Result<Chart, ChartError> {
    font_ready()?;
    let chart = fig.name;
    let fail = |message: String| ChartError::Draw { chart, message };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(fig, &root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        draw(fig, &root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let png = encode_png(&pixels).map_err(|source| ChartError::Png { chart, source })?;
    Ok(Chart {
        name: chart,
        title: fig.title.clone(),
        svg,
        png,
    })
}

fn encode_png(rgb_pixels: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header()?;
        w.write_image_data(rgb_pixels)?;
        w.finish()?;
    }
    Ok(out)
}

fn draw<DB: DrawingBackend>(fig: &Figure, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    root.draw_text(&fig.title, &text_style(21.0, palette::INK), (16, 12))
        .map_err(e)?;
    // The legend: rows of swatches under the title, wrapped to the width.
    let legend_font = text_style(15.0, palette::INK);
    let (mut x, mut y) = (16i32, 42i32);
    for (swatch, colour, text) in &fig.legend {
        let w = root.estimate_text_size(text, &legend_font).map_err(e)?.0 as i32 + 48;
        if x + w > WIDTH as i32 - 16 && x > 16 {
            x = 16;
            y += 22;
        }
        let c = rgb(*colour);
        match swatch {
            Swatch::Block => root
                .draw(&Rectangle::new([(x, y + 3), (x + 22, y + 15)], c.filled()))
                .map_err(e)?,
            Swatch::Line => root
                .draw(&PathElement::new(
                    vec![(x, y + 9), (x + 22, y + 9)],
                    c.stroke_width(3),
                ))
                .map_err(e)?,
            Swatch::Dot => root
                .draw(&Circle::new((x + 11, y + 9), 5, c.filled()))
                .map_err(e)?,
            Swatch::Ring => root
                .draw(&Circle::new((x + 11, y + 9), 5, c.stroke_width(2)))
                .map_err(e)?,
            Swatch::Band => {
                root.draw(&Rectangle::new(
                    [(x, y + 2), (x + 22, y + 16)],
                    c.mix(BAND_OPACITY).filled(),
                ))
                .map_err(e)?;
                root.draw(&PathElement::new(
                    vec![(x, y + 9), (x + 22, y + 9)],
                    c.stroke_width(3),
                ))
                .map_err(e)?
            }
            Swatch::Dashed => {
                for k in 0..3 {
                    root.draw(&PathElement::new(
                        vec![(x + k * 9, y + 9), (x + k * 9 + 5, y + 9)],
                        c.stroke_width(2),
                    ))
                    .map_err(e)?
                }
            }
        }
        root.draw_text(text, &legend_font, (x + 28, y + 1))
            .map_err(e)?;
        x += w;
    }
    let top = if fig.legend.is_empty() { 44 } else { y + 30 };
    let (_, body) = root.split_vertically(top as u32);
    let total: u32 = fig
        .panels
        .iter()
        .map(|p| p.weight.max(1))
        .sum::<u32>()
        .max(1);
    let height = HEIGHT.saturating_sub(top as u32);
    let room = |p: &Panel| if p.y_labels { fig.y_label_room } else { 0 };
    // Side by side, the plotting areas share what the label rooms leave by weight.
    let plots = WIDTH
        .saturating_sub(fig.panels.iter().map(room).sum::<u32>() + 36 * fig.panels.len() as u32);
    let mut rest = body;
    for (i, p) in fig.panels.iter().enumerate() {
        let area = if i + 1 == fig.panels.len() {
            rest.clone()
        } else if fig.side_by_side {
            let (a, b) = rest.split_horizontally(room(p) + 36 + plots * p.weight.max(1) / total);
            rest = b;
            a
        } else {
            let (a, b) = rest.split_vertically(height * p.weight.max(1) / total);
            rest = b;
            a
        };
        draw_panel(p, &area, room(p)).map_err(e)?;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    p: &Panel,
    area: &DrawingArea<DB, Shift>,
    y_room: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = ChartBuilder::on(area)
        .margin_left(8)
        .margin_right(28)
        .margin_top(6)
        .margin_bottom(if p.x_labels { 6 } else { 2 })
        .x_label_area_size(if p.x_labels { 54 } else { 6 })
        .y_label_area_size(y_room)
        .build_cartesian_2d(p.x.coord(), p.y.coord())?;
    let x_fmt = |v: &f64| {
        if p.x_labels {
            p.x.label(*v)
        } else {
            String::new()
        }
    };
    let y_fmt = |v: &f64| {
        if p.y_labels {
            p.y.label(*v)
        } else {
            String::new()
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(rgb(palette::GRID).stroke_width(1))
        .light_line_style(rgb(palette::GRID).mix(0.4).stroke_width(1))
        .axis_style(rgb(palette::INK).stroke_width(1))
        .label_style(text_style(15.0, palette::INK))
        .axis_desc_style(text_style(16.0, palette::INK))
        .y_label_formatter(&y_fmt)
        .x_label_formatter(&x_fmt);
    if p.x_labels {
        mesh.x_desc(p.x.title.clone());
    }
    if p.y_labels {
        mesh.y_desc(p.y.title.clone());
    }
    mesh.draw()?;
    let (x, y) = (&p.x, &p.y);
    let at = |(a, b): (f64, f64)| (x.at(a), y.at(b));
    let (bx, by) = area.get_base_pixel();
    // What tags keep off: the dots, then each tag drawn, as (left, right, top, bottom) [px].
    let mut placed: Vec<(i32, i32, i32, i32)> = p
        .marks
        .iter()
        .filter_map(|m| match m {
            Mark::Dot { at: q, radius, .. } | Mark::Ring { at: q, radius, .. } => {
                let (px, py) = chart.backend_coord(&at(*q));
                let r = *radius as i32;
                Some((px - r, px + r, py - r, py + r))
            }
            _ => None,
        })
        .collect();
    for m in &p.marks {
        match m {
            Mark::Line {
                points,
                colour,
                width,
                dashed,
            } => {
                let style = rgb(*colour).stroke_width(*width);
                let pts = points.iter().map(|q| at(*q));
                if *dashed {
                    chart.draw_series(DashedLineSeries::new(pts, 8, 5, style))?;
                } else {
                    chart.draw_series(LineSeries::new(pts, style))?;
                }
            }
            Mark::Band {
                upper,
                lower,
                colour,
                opacity,
            } => {
                if upper.len() < 2 {
                    continue;
                }
                let mut poly: Vec<(f64, f64)> = upper.iter().map(|q| at(*q)).collect();
                poly.extend(lower.iter().rev().map(|q| at(*q)));
                chart.draw_series(std::iter::once(Polygon::new(
                    poly,
                    rgb(*colour).mix(*opacity).filled(),
                )))?;
            }
            Mark::Rect {
                from,
                to,
                colour,
                opacity,
            } => {
                // In pixels, at least two wide: a bucket narrower than that still shows.
                let (x0, y0) = chart.backend_coord(&at(*from));
                let (x1, y1) = chart.backend_coord(&at(*to));
                let (left, right) = (x0.min(x1), x0.max(x1).max(x0.min(x1) + 2));
                area.draw(&Rectangle::new(
                    [(left - bx, y0 - by), (right - bx, y1 - by)],
                    rgb(*colour).mix(*opacity).filled(),
                ))?;
            }
            Mark::Dot {
                at: q,
                colour,
                radius,
                marker,
            }
            | Mark::Ring {
                at: q,
                colour,
                radius,
                marker,
            } => {
                let (px, py) = chart.backend_coord(&at(*q));
                let hollow = matches!(m, Mark::Ring { .. });
                draw_marker(area, (px - bx, py - by), *marker, *radius, *colour, hollow)?;
            }
            Mark::Sign {
                at: q,
                colour,
                radius,
                marker,
                dx,
            } => {
                let (px, py) = chart.backend_coord(&at(*q));
                draw_marker(
                    area,
                    (px + dx - bx, py - by),
                    *marker,
                    *radius,
                    *colour,
                    false,
                )?;
            }
            Mark::Label {
                at: q,
                text,
                colour,
                dx,
            } => {
                let style = text_style(14.0, *colour).pos(Pos::new(HPos::Left, VPos::Center));
                let (px, py) = chart.backend_coord(&at(*q));
                area.draw_text(text, &style, (px + dx - bx, py - by))?;
            }
            Mark::Tag {
                at: q,
                text,
                colour,
            } => {
                let style = text_style(14.0, *colour).pos(Pos::new(HPos::Left, VPos::Center));
                let (px, py) = chart.backend_coord(&at(*q));
                let (w, _) = area.estimate_text_size(text, &style)?;
                let (left, top) = chart.backend_coord(&(x.at(x.lo), y.at(y.hi)));
                let (right, bottom) = chart.backend_coord(&(x.at(x.hi), y.at(y.lo)));
                let (dx, dy) = place_tag(&placed, (px, py), w as i32, (left, top, right, bottom));
                let half = TAG_LINE / 2;
                placed.push((px + dx, px + dx + w as i32, py + dy - half, py + dy + half));
                area.draw_text(text, &style, (px + dx - bx, py + dy - by))?;
            }
        }
    }
    if let Some(note) = &p.empty {
        let centre = (
            (x.at(x.lo) + x.at(x.hi)) / 2.0,
            (y.at(y.lo) + y.at(y.hi)) / 2.0,
        );
        let (px, py) = chart.backend_coord(&centre);
        let style = text_style(22.0, palette::MUTED).pos(Pos::new(HPos::Center, VPos::Center));
        area.draw_text(note, &style, (px - bx, py - by))?;
    }
    Ok(())
}

/// The height of a tag's line [px].
const TAG_LINE: i32 = 16;

/// Where a tag `w` pixels wide goes beside a dot at `(x, y)` [px] so that it overlaps nothing
/// of `placed` (left, right, top, bottom) and stays inside `bounds` (left, top, right,
/// bottom): its (dx, dy) from the dot. On the right first, then on the left, a line up or
/// down at a time: tags of dots at one place stand in a column beside it.
fn place_tag(
    placed: &[(i32, i32, i32, i32)],
    (x, y): (i32, i32),
    w: i32,
    (left, top, right, bottom): (i32, i32, i32, i32),
) -> (i32, i32) {
    const LINE: i32 = TAG_LINE;
    const GAP: i32 = 11;
    let fits_right = x + GAP + w <= right;
    let fits_left = x - GAP - w >= left;
    let mut sides = Vec::new();
    if fits_right || !fits_left {
        sides.push(GAP);
    }
    if fits_left {
        sides.push(-GAP - w);
    }
    let free = |dx: i32, dy: i32| {
        let (l, r, t, b) = (x + dx, x + dx + w, y + dy - LINE / 2, y + dy + LINE / 2);
        t >= top
            && b <= bottom
            && placed
                .iter()
                .all(|(pl, pr, pt, pb)| r < *pl || l > *pr || b <= *pt || t >= *pb)
    };
    // 0, one line down, one up, two down...
    let shifts = |n: i32| {
        (0..=2 * n).map(|k| {
            let lines = if k % 2 == 1 { (k + 1) / 2 } else { -k / 2 };
            lines * LINE
        })
    };
    // Near the dot on either side first, then farther away.
    for reach in [2, 12] {
        for &dx in &sides {
            for dy in shifts(reach) {
                if free(dx, dy) {
                    return (dx, dy);
                }
            }
        }
    }
    (sides[0], 0)
}
