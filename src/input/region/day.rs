//! A day of the region: its minutes, the diurnal shape of traffic over them, and what a weekend day carries.

/// Minutes of a day: the columns `1..1440` of the invocations file.
pub(super) const MINUTES: usize = 1_440;
/// Words of a bit set over the minutes of a day.
pub(super) const MINUTE_WORDS: usize = MINUTES.div_ceil(64);

/// Peak over trough of the diurnal shape (Fig. 4).
pub const PEAK_TO_TROUGH: f64 = 2.0;
/// The minute of the day at which the diurnal shape peaks: 14:00 (assumed).
pub const PEAK_MINUTE: f64 = 14.0 * 60.0;
/// What a Saturday or a Sunday carries of a weekday's traffic (assumed, for Fig. 4's weekly dips).
pub const WEEKEND_FACTOR: f64 = 0.8;

/// The diurnal shape over the minutes of a day: weights of mean 1, and their running share.
pub(super) struct Shape {
    pub(super) weight: Vec<f64>,
    /// `cumulative[m]`: the share of the day's weight in minutes `0..=m`; the last is 1.
    pub(super) cumulative: Vec<f64>,
}

impl Shape {
    pub(super) fn new() -> Shape {
        let a = (PEAK_TO_TROUGH - 1.0) / (PEAK_TO_TROUGH + 1.0);
        let raw: Vec<f64> = (0..MINUTES)
            .map(|m| {
                let phase = (m as f64 + 0.5 - PEAK_MINUTE) / MINUTES as f64;
                1.0 + a * (std::f64::consts::TAU * phase).cos()
            })
            .collect();
        let sum: f64 = raw.iter().sum();
        let weight: Vec<f64> = raw.iter().map(|w| w * MINUTES as f64 / sum).collect();
        let mut running = 0.0;
        let mut cumulative: Vec<f64> = raw
            .iter()
            .map(|w| {
                running += w / sum;
                running
            })
            .collect();
        cumulative[MINUTES - 1] = 1.0;
        Shape { weight, cumulative }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diurnal_shape_has_mean_one_and_the_papers_swing() {
        let s = Shape::new();
        let mean = s.weight.iter().sum::<f64>() / MINUTES as f64;
        assert!((mean - 1.0).abs() < 1e-12);
        let (lo, hi) = s
            .weight
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), &w| (l.min(w), h.max(w)));
        // Minute centres miss the exact extremes by half a minute: cos(π/1440) ≈ 1 − 2.4e-6.
        assert!((hi / lo - PEAK_TO_TROUGH).abs() < 1e-5, "{}", hi / lo);
        assert_eq!(s.cumulative[MINUTES - 1], 1.0);
        assert!(s.cumulative.windows(2).all(|w| w[0] < w[1]));
    }
}
