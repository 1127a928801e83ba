//! How `coldsim plan` shows an objective: its values in the objective's own unit, and the warning for one that reads like something else.

use crate::model::objective::{Metric, Slo, Unit};
use crate::output::number::significant;

impl Slo {
    /// A value of the metric ([ms] or a fraction) in the objective's own unit, with its
    /// symbol: `322.3 ms`, `0.0034 %`; `-` when there is none.
    pub fn show(&self, value: Option<f64>) -> String {
        match value {
            Some(v) => format!(
                "{}{}",
                significant(v / self.unit.scale()),
                self.unit.symbol()
            ),
            None => "-".into(),
        }
    }

    /// A warning for an objective that reads like something else: a bare ratio above 0.5
    /// (`cold_start_ratio<1` allows every arrival to be cold; `1%` was likely meant).
    pub fn warning(&self) -> Option<String> {
        let ratio = matches!(self.metric, Metric::ColdStartRatio | Metric::ThrottledRatio);
        (ratio && self.unit == Unit::Fraction && self.bound > 0.5).then(|| {
            format!(
                "--slo {}: a bare ratio is a fraction, so this allows {} % of arrivals; write {}% for a percentage",
                self.text,
                significant(self.bound * 100.0),
                significant(self.bound)
            )
        })
    }
}

#[cfg(test)]
mod tests {

    use crate::output::number::significant;

    #[test]
    fn values_show_in_the_unit_of_the_objective() {
        let show = |slo: &str, v: f64| crate::input::spec::slo(slo).expect("ok").show(Some(v));
        assert_eq!(show("p99<300ms", 322.303), "322.3 ms");
        assert_eq!(show("p99<300", 322.0), "322.0 ms");
        assert_eq!(show("p99<1.5s", 858.3), "0.8583 s");
        assert_eq!(show("p99<2m", 90_000.0), "1.5 min");
        assert_eq!(show("p99<900us", 0.25), "250.0 us");
        assert_eq!(show("cold_start_ratio<0.01%", 0.000_034_26), "0.003426 %");
        assert_eq!(show("cold_start_ratio<0.01", 0.000_034_26), "0.00003426");
        assert_eq!(show("cold_start_ratio<0.01", 0.0), "0");
        assert_eq!(
            crate::input::spec::slo("p99<1s").expect("ok").show(None),
            "-"
        );
        assert_eq!(significant(12.345_6), "12.35");
        assert_eq!(significant(1736.703), "1736.7");
        assert_eq!(significant(99.99), "99.99");
        assert_eq!(significant(100.0), "100.0");
        assert_eq!(significant(0.5), "0.5");
    }
}
