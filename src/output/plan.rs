//! The files of `coldsim plan`, as bytes (`plan.json`, `plan.csv`), the text it prints, and how it shows an objective: its values in the objective's own unit, and the warning for one that reads like something else.

use crate::analysis::plan::{Minimize, PlanResult, Step, Vary};
use crate::model::objective::{Metric, Slo, Unit};
use crate::output::number::significant;
use crate::output::table::{Column, fit};

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

impl PlanResult {
    /// `plan.json`: pretty-printed, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        crate::output::number::json_file(self)
    }

    /// `plan.csv`: one row per setting examined: its value, whether it meets, its cost and
    /// idle memory, then each objective's value ([ms] for latencies, a fraction for ratios).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec![
            "value".to_string(),
            "meets".into(),
            "cost_usd".into(),
            "idle_gb_s".into(),
        ];
        header.extend(self.slos.iter().cloned());
        let written = w.write_record(&header).and_then(|_| {
            self.examined.iter().try_for_each(|s| {
                let mut row = vec![
                    s.value.clone(),
                    s.meets.to_string(),
                    format!("{:.9}", s.cost_usd),
                    format!("{:.3}", s.idle_gb_s),
                ];
                row.extend(
                    s.values
                        .iter()
                        .map(|v| v.map(|x| format!("{x:.6}")).unwrap_or_default()),
                );
                w.write_record(&row)
            })
        });
        written.unwrap_or_else(|e| unreachable!("csv into memory: {e}"));
        w.into_inner()
            .unwrap_or_else(|e| unreachable!("csv into memory: {e}"))
    }
}

/// What `coldsim plan` prints: the answer (or the closest miss), the notes, and a table of
/// every setting examined, each objective's value in the objective's own unit.
pub fn plan_text(result: &PlanResult, slos: &[Slo], width: Option<usize>) -> String {
    let (vary, minimize) = (result.vary, result.minimize);
    use std::fmt::Write as _;
    let knob = match vary {
        Vary::Provisioned => "provisioned concurrency per function",
        Vary::KeepAlive => "fixed keep-alive window",
        Vary::Memory => "memory size [MB] of every function",
    };
    let by = match minimize {
        Minimize::Cost => "cheapest",
        Minimize::IdleMemory => "least idle memory",
    };
    let values = |s: &Step| -> String {
        s.values
            .iter()
            .zip(slos)
            .map(|(v, o)| format!("{}: {}", o.text, o.show(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = String::new();
    let _ = match (&result.answer, &result.closest_miss) {
        (Some(a), _) => writeln!(
            text,
            "{}: {by} {knob} meeting every objective: {} ({:.6} USD, {:.1} idle GB-s; {})",
            result.scenario,
            a.value,
            a.cost_usd,
            a.idle_gb_s,
            values(a)
        ),
        (None, Some(m)) => writeln!(
            text,
            "{}: no {knob} examined meets every objective; the closest miss is {} ({})",
            result.scenario,
            m.value,
            values(m)
        ),
        (None, None) => writeln!(text, "{}: no {knob} could be examined", result.scenario),
    };
    for n in &result.notes {
        let _ = writeln!(text, "note: {n}");
    }
    let mut columns = vec![
        Column::key(match vary {
            Vary::Provisioned => "provisioned",
            Vary::KeepAlive => "keep-alive",
            Vary::Memory => "memory MB",
        }),
        Column::number("meets", 0),
        Column::number("cost USD", 0),
        Column::number("idle GB-s", 1),
    ];
    columns.extend(slos.iter().map(|o| Column::number(&o.text, 0)));
    let rows: Vec<Vec<String>> = result
        .examined
        .iter()
        .map(|s| {
            let mut row = vec![
                s.value.clone(),
                if s.meets { "yes" } else { "no" }.to_string(),
                format!("{:.6}", s.cost_usd),
                format!("{:.1}", s.idle_gb_s),
            ];
            row.extend(s.values.iter().zip(slos).map(|(v, o)| o.show(*v)));
            row
        })
        .collect();
    text.push_str(&fit(&columns, &rows, width, "plan.csv"));
    text.push('\n');
    text
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
