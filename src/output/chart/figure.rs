//! The description of a chart in data units, before it is drawn: a [`Figure`] (a title, a legend of [`Swatch`]es and one or more panels), each [`Panel`] with its two [`Axis`] and its [`Mark`]s, and the [`Marker`] shapes that tell series apart.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;

use super::format::nice_ticks;
use super::palette::Colour;

/// The shape of a point mark: beside its colour, what tells one series from another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// A disc.
    Circle,
    /// A triangle pointing up.
    Triangle,
    /// A square.
    Square,
    /// A square standing on a corner.
    Diamond,
}

impl Marker {
    /// The corners of the shape around its centre [px] (none for a circle): each shape about
    /// as large to the eye as a circle of `radius`.
    pub(super) fn corners(self, radius: u32) -> Vec<(i32, i32)> {
        let r = f64::from(radius);
        let px = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
        match self {
            Marker::Circle => Vec::new(),
            Marker::Triangle => {
                let (a, h) = (1.35 * r, 1.35 * r * 0.5);
                vec![px(0.0, -a), px(a * 0.866, h), px(-a * 0.866, h)]
            }
            Marker::Square => {
                let h = 0.9 * r;
                vec![px(-h, -h), px(h, -h), px(h, h), px(-h, h)]
            }
            Marker::Diamond => {
                let a = 1.25 * r;
                vec![px(0.0, -a), px(a, 0.0), px(0.0, a), px(-a, 0.0)]
            }
        }
    }
}

/// An axis: its title (with the unit), its scale, its range in data units and its ticks.
#[derive(Clone, Debug)]
pub(crate) struct Axis {
    pub(super) title: String,
    pub(super) log: bool,
    pub(super) lo: f64,
    pub(super) hi: f64,
    /// (position in data units, label).
    pub(super) ticks: Vec<(f64, String)>,
    /// Unlabelled grid lines (the 2 to 9 of a log decade).
    pub(super) minor: Vec<f64>,
}

impl Axis {
    /// A linear axis over `[lo, hi]` with about six round ticks labelled by `fmt`.
    pub(super) fn linear(
        title: impl Into<String>,
        lo: f64,
        hi: f64,
        fmt: fn(f64) -> String,
    ) -> Axis {
        Axis::linear_n(title, lo, hi, fmt, 6)
    }

    /// A linear axis with about `n` ticks (fewer for a short panel).
    pub(super) fn linear_n(
        title: impl Into<String>,
        lo: f64,
        hi: f64,
        fmt: fn(f64) -> String,
        n: usize,
    ) -> Axis {
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
        let ticks = nice_ticks(lo, hi, n)
            .into_iter()
            .map(|v| (v, fmt(v)))
            .collect();
        Axis {
            title: title.into(),
            log: false,
            lo,
            hi,
            ticks,
            minor: Vec::new(),
        }
    }

    /// A log axis covering `[lo, hi]` (both > 0) widened to whole decades; ticks at powers
    /// of ten (every other one past 8 decades), and at 2 and 5 times them over 2 decades or less.
    pub(super) fn log(title: impl Into<String>, lo: f64, hi: f64, fmt: fn(f64) -> String) -> Axis {
        let lo = if lo.is_finite() && lo > 0.0 { lo } else { 1.0 };
        let hi = if hi.is_finite() && hi > lo {
            hi
        } else {
            lo * 10.0
        };
        let a = lo.log10().floor() as i32;
        let b = (hi.log10().ceil() as i32).max(a + 1);
        let decades = b - a;
        let step = if decades > 8 { 2 } else { 1 };
        let mut ticks = Vec::new();
        let mut minor = Vec::new();
        for e in a..=b {
            let p = 10f64.powi(e);
            if (e - a) % step == 0 {
                ticks.push((p, fmt(p)));
            }
            if e < b {
                for m in 2..10 {
                    let v = p * f64::from(m);
                    if decades <= 2 && (m == 2 || m == 5) {
                        ticks.push((v, fmt(v)));
                    } else if decades <= 6 {
                        minor.push(v);
                    }
                }
            }
        }
        ticks.sort_by(|x, y| x.0.total_cmp(&y.0));
        Axis {
            title: title.into(),
            log: true,
            lo: 10f64.powi(a),
            hi: 10f64.powi(b),
            ticks,
            minor,
        }
    }

    /// A categorical axis: one slot per label, the first at the top of a vertical axis.
    pub(super) fn categories(title: impl Into<String>, labels: &[String]) -> Axis {
        let n = labels.len().max(1) as f64;
        Axis {
            title: title.into(),
            log: false,
            lo: 0.0,
            hi: n,
            ticks: labels
                .iter()
                .enumerate()
                .map(|(i, l)| (n - i as f64 - 0.5, l.clone()))
                .collect(),
            minor: Vec::new(),
        }
    }

    /// A value on the drawing coordinate: log10 on a log axis; clamped to the range.
    pub(super) fn at(&self, v: f64) -> f64 {
        let v = if v.is_nan() {
            self.lo
        } else {
            v.clamp(self.lo, self.hi)
        };
        if self.log { v.log10() } else { v }
    }

    pub(super) fn coord(&self) -> Coord {
        Coord {
            lo: self.at(self.lo),
            hi: self.at(self.hi),
            ticks: self.ticks.iter().map(|t| self.at(t.0)).collect(),
            minor: self.minor.iter().map(|v| self.at(*v)).collect(),
        }
    }

    /// The label of the tick at a drawing coordinate.
    pub(super) fn label(&self, coord: f64) -> String {
        self.ticks
            .iter()
            .find(|t| (self.at(t.0) - coord).abs() < 1e-9)
            .map(|t| t.1.clone())
            .unwrap_or_default()
    }
}

/// An axis as plotters sees it: drawing coordinates (log10 of the value on a log axis) with
/// our own ticks (labelled through [`Axis::label`]) and minor grid lines.
pub(super) struct Coord {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    minor: Vec<f64>,
}

impl Ranged for Coord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if span <= 0.0 || !v.is_finite() {
            return (limit.0 + limit.1) / 2;
        }
        let f = (v - self.lo) / span;
        limit.0 + (f * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// Something drawn in a panel, in data units.
#[derive(Clone, Debug)]
pub(crate) enum Mark {
    /// A polyline.
    Line {
        points: Vec<(f64, f64)>,
        colour: Colour,
        width: u32,
        dashed: bool,
    },
    /// The region between two polylines over the same x values (a stacked area, a band).
    Band {
        upper: Vec<(f64, f64)>,
        lower: Vec<(f64, f64)>,
        colour: Colour,
        opacity: f64,
    },
    /// A filled rectangle between two corners.
    Rect {
        from: (f64, f64),
        to: (f64, f64),
        colour: Colour,
        opacity: f64,
    },
    /// A filled marker about `radius` pixels from its centre to its edge.
    Dot {
        at: (f64, f64),
        colour: Colour,
        radius: u32,
        marker: Marker,
    },
    /// A hollow marker of `radius` pixels, its outline 2 pixels wide.
    Ring {
        at: (f64, f64),
        colour: Colour,
        radius: u32,
        marker: Marker,
    },
    /// A filled marker centred `dx` pixels right of a point: a policy's sign after its bar.
    Sign {
        at: (f64, f64),
        colour: Colour,
        radius: u32,
        marker: Marker,
        dx: i32,
    },
    /// A text left-aligned on a point and vertically centred on it, shifted by `dx` pixels.
    Label {
        at: (f64, f64),
        text: String,
        colour: Colour,
        dx: i32,
    },
    /// The name of a dot, put beside it where it overlaps no tag drawn before: on its right
    /// (on its left near the right edge), moved up or down by whole lines when needed.
    Tag {
        at: (f64, f64),
        text: String,
        colour: Colour,
    },
}

/// One plotting area with its axes and marks.
#[derive(Clone, Debug)]
pub(crate) struct Panel {
    pub(super) x: Axis,
    pub(super) y: Axis,
    pub(super) marks: Vec<Mark>,
    /// Written in the middle of the panel when there is nothing to draw ("no cold starts").
    pub(super) empty: Option<String>,
    /// Whether the x axis carries its title and tick labels (not in an upper panel).
    pub(super) x_labels: bool,
    /// Whether the y axis carries its title and tick labels (not in a panel on the right of
    /// one with the same categories).
    pub(super) y_labels: bool,
    /// Relative height among the figure's panels.
    pub(super) weight: u32,
}

impl Panel {
    pub(super) fn new(x: Axis, y: Axis) -> Panel {
        Panel {
            x,
            y,
            marks: Vec::new(),
            empty: None,
            x_labels: true,
            y_labels: true,
            weight: 1,
        }
    }
}

/// How a legend entry shows its colour.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Swatch {
    Line,
    Dashed,
    Block,
    Dot,
    /// A hollow dot.
    Ring,
    /// A line over a pale block of the same colour: a mean and its confidence band.
    Band,
}

/// A whole chart: title, legend (above the panels, never over the data) and panels.
/// The opacity of a confidence band, in a chart and in its legend swatch.
pub(super) const BAND_OPACITY: f64 = 0.2;

#[derive(Clone, Debug)]
pub(crate) struct Figure {
    pub(super) name: &'static str,
    pub(super) title: String,
    pub(super) legend: Vec<(Swatch, Colour, String)>,
    pub(super) panels: Vec<Panel>,
    /// Room left of the panels for the y axis title and tick labels [px].
    pub(super) y_label_room: u32,
    /// Panels side by side (widths by weight) instead of one above the other.
    pub(super) side_by_side: bool,
}

impl Figure {
    pub(super) fn new(name: &'static str, title: impl Into<String>) -> Figure {
        Figure {
            name,
            title: title.into(),
            legend: Vec::new(),
            panels: Vec::new(),
            y_label_room: 80,
            side_by_side: false,
        }
    }

    pub(super) fn key(&mut self, swatch: Swatch, colour: Colour, text: impl Into<String>) {
        self.legend.push((swatch, colour, text.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::chart::format::num;

    #[test]
    fn log_axes_cover_whole_decades() {
        let a = Axis::log("t", 3.0, 4500.0, num);
        assert_eq!((a.lo, a.hi), (1.0, 10_000.0));
        assert_eq!(a.ticks.first().map(|t| t.1.as_str()), Some("1"));
        assert_eq!(a.ticks.last().map(|t| t.1.as_str()), Some("10k"));
    }
}
