//! Charts of a run, of a cost report, of a policy comparison and of a sweep, each as SVG and PNG: the only module that knows plotters.
//!
//! A chart is first described as a [`Figure`](figure::Figure) (a title, a legend, one or more
//! panels of marks in data units, each panel with its two axes), then drawn twice by the same
//! code: into an SVG string and into an RGB bitmap encoded as PNG. Every chart of the crate is
//! built from the same few helpers ([`Axis`](figure::Axis), [`Mark`](figure::Mark),
//! [`bars`](shared::bars), [`cdf_steps`](shared::cdf_steps)), so a new one (a policy frontier:
//! labelled dots and a line; a sweep: lines and bands) is a new function that fills a
//! `Figure`, not new drawing code.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary (`fonts/`), so the PNGs look the
//! same on every machine whatever fonts it has; SVG text names the same family, with the
//! browser's sans-serif as the fallback. Colours come from [`palette`]: one colour means one
//! thing in every chart.
//!
//! `figure` describes a chart and `draw` draws it, in the embedded `font`; `format` writes its
//! numbers and `palette` gives its colours. `shared` holds the builders the charts of a run and
//! of a cost report have in common; `run`, `cost`, `compare`, `platforms` and `sweep` build the
//! charts of each report. This file only declares them and re-exports what the crate uses.

mod compare;
mod cost;
mod draw;
mod figure;
mod font;
mod format;
pub mod palette;
mod platforms;
mod run;
mod shared;
mod sweep;

pub use compare::{PolicyStyle, compare_charts, frontier, policy_style};
pub use cost::cost_charts;
pub use draw::{Chart, ChartError, HEIGHT, WIDTH};
pub use figure::Marker;
pub use format::{count, usd};
pub use platforms::platform_charts;
pub use run::{Limits, run_charts};
pub use shared::MAX_BARS;
pub use sweep::sweep_charts;
