//! The files of `coldsim sweep` and `coldsim merge`, as bytes: `sweep.csv`, `sweep.json` and a shard's `shard-I-of-N.json`.

use serde::Serialize;

use crate::analysis::sweep::{
    Crossing, METRIC_UNITS, METRICS, SHARD_FORMAT, Set, ShardFile, ShardPoint, ShardRun,
    SweepResult, crossings,
};

/// Decimals of each metric in `sweep.csv` (mean and half-width alike).
const DECIMALS: [usize; 10] = [3, 6, 3, 3, 4, 3, 3, 3, 9, 3];

/// A mean and its half-width, as `sweep.json` holds them.
#[derive(Debug, Serialize)]
struct Stat {
    mean: Option<f64>,
    ci95: Option<f64>,
}

/// Named entries serialized as a JSON object in the order given (serde_json's map would sort them).
#[derive(Debug)]
struct Ordered<T>(Vec<(&'static str, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Debug, Serialize)]
struct JsonRow {
    index: u64,
    values: Vec<String>,
    seeds: Vec<u64>,
    metrics: Ordered<Stat>,
}

#[derive(Debug, Serialize)]
struct JsonSweep<'a> {
    scenario: &'a str,
    seed: u64,
    replications: u32,
    seed_rule: &'static str,
    confidence: &'static str,
    grid: &'a [Set],
    grid_points: u64,
    units: Ordered<&'static str>,
    rows: Vec<JsonRow>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    break_even: Vec<Crossing>,
}

impl SweepResult {
    /// `sweep.csv`: one row per point in grid order; the swept keys in `--set` order (values as
    /// written), then `METRIC_mean` and `METRIC_ci95` for each of [`METRICS`]; empty cells
    /// where undefined.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut header: Vec<String> = self.sets.iter().map(|s| s.key.clone()).collect();
        for m in METRICS {
            header.push(format!("{m}_mean"));
            header.push(format!("{m}_ci95"));
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let written = w.write_record(&header).and_then(|_| {
            self.points.iter().try_for_each(|p| {
                let mut row = p.values.clone();
                for (m, d) in DECIMALS.iter().enumerate() {
                    let (mean, ci) = p.stat(m);
                    let f = |x: Option<f64>| x.map(|x| format!("{x:.d$}")).unwrap_or_default();
                    row.push(f(mean));
                    row.push(f(ci));
                }
                w.write_record(&row)
            })
        });
        written.unwrap_or_else(|e| unreachable!("csv into memory: {e}"));
        w.into_inner()
            .unwrap_or_else(|e| unreachable!("csv into memory: {e}"))
    }

    /// `sweep.json`: the scenario, seed, replications, grid and one row per point (its values,
    /// seeds and each metric's `mean` and `ci95` at full precision), and the platforms'
    /// break-even crossings when there are some; pretty, ending in a newline.
    pub fn to_json(&self) -> Vec<u8> {
        let units = Ordered(METRICS.into_iter().zip(METRIC_UNITS).collect());
        let rows = self
            .points
            .iter()
            .map(|p| JsonRow {
                index: p.index,
                values: p.values.clone(),
                seeds: p.runs.iter().map(|r| r.seed).collect(),
                metrics: Ordered(
                    METRICS
                        .iter()
                        .enumerate()
                        .map(|(m, name)| {
                            let (mean, ci95) = p.stat(m);
                            (*name, Stat { mean, ci95 })
                        })
                        .collect(),
                ),
            })
            .collect();
        let doc = JsonSweep {
            scenario: &self.scenario,
            seed: self.seed,
            replications: self.replications,
            seed_rule: "replication r (0-based) runs with seed + r",
            confidence: "ci95: half-width of the 95 % Student t interval over the replications; null with one",
            grid: &self.sets,
            grid_points: self.grid_points,
            units,
            rows,
            break_even: crossings(self),
        };
        crate::output::number::json_file(&doc)
    }

    /// The file name of this shard's file: `shard-I-of-N.json` (`shard-0-of-1.json` for a whole grid).
    pub fn shard_file_name(&self) -> String {
        let (i, n) = self.shard.unwrap_or((0, 1));
        format!("shard-{i}-of-{n}.json")
    }

    /// A shard file: everything [`merge`] needs, each run's metrics at full precision (as
    /// decimal strings that read back to the same `f64`).
    ///
    /// [`merge`]: fn@crate::analysis::sweep::merge
    pub fn to_shard_json(&self) -> Vec<u8> {
        let (i, n) = self.shard.unwrap_or((0, 1));
        let file = ShardFile {
            format: SHARD_FORMAT.into(),
            fingerprint: self.fingerprint.clone(),
            scenario: self.scenario.clone(),
            seed: self.seed,
            replications: self.replications,
            sets: self.sets.clone(),
            grid_points: self.grid_points,
            shard: [i, n],
            metrics: METRICS.iter().map(|m| m.to_string()).collect(),
            points: self
                .points
                .iter()
                .map(|p| ShardPoint {
                    index: p.index,
                    values: p.values.clone(),
                    runs: p
                        .runs
                        .iter()
                        .map(|r| ShardRun {
                            seed: r.seed,
                            metrics: r
                                .metrics
                                .iter()
                                .map(|x| x.map(|x| format!("{x:?}")))
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            origin: String::new(),
        };
        crate::output::number::json_file(&file)
    }
}

impl Crossing {
    /// One sentence: `google-cloud-run becomes cheaper than aws-lambda at traffic_scale 2.5
    /// (between 2 and 4), at $2.50`.
    pub fn sentence(&self) -> String {
        let at = if self.at.is_empty() {
            String::new()
        } else {
            format!(" with {}", self.at.join(", "))
        };
        format!(
            "{} becomes cheaper than {} at {} {} (between {} and {}), at {}{at}",
            self.cheaper_above,
            self.cheaper_below,
            self.axis,
            crate::output::number::significant(self.value),
            self.between.0,
            self.between.1,
            crate::output::chart::usd(self.cost_usd),
        )
    }
}
