//! The writer of the dataset's three files per day: a function's row for every day before the next function's, an app's memory rows once its functions are done.

use std::io::{self, Write};

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use super::config::MAX_DAYS;
use super::day::{MINUTES, Shape, WEEKEND_FACTOR};
use super::fit::{HOURLY_PER_DAY, MINUTELY_PER_DAY};
use super::layout::{App, Function, Layout};
use super::plan::Region;
use super::row::{AppDay, Ids, push_u64};
use super::summary::Summary;
use crate::rng::{SimRng, Streams};

/// A function expecting at most this many invocations in a day draws the day's count and
/// places each invocation; busier ones draw each minute.
const PLACE_LIMIT: f64 = MINUTES as f64;

const INVOCATIONS_HEADER: &str = "HashOwner,HashApp,HashFunction,Trigger";
const DURATIONS_HEADER: &str = "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n";
const MEMORY_HEADER: &str = "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n";

impl Region {
    /// The files [`Region::write`] fills, in its order: per day, invocations, durations, memory.
    pub fn file_names(&self) -> Vec<String> {
        (1..=self.config.days)
            .flat_map(|d| {
                [
                    format!("invocations_per_function_md.anon.d{d:02}.csv"),
                    format!("function_durations_percentiles.anon.d{d:02}.csv"),
                    format!("app_memory_percentiles.anon.d{d:02}.csv"),
                ]
            })
            .collect()
    }

    /// Writes the region into `files`, one per name of [`Region::file_names`] and in that order,
    /// row by row, and returns what it wrote.
    pub fn write<W: Write>(&self, files: &mut [W]) -> io::Result<Summary> {
        let days = self.config.days as usize;
        if files.len() != 3 * days {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} files for {days} days; expected {}",
                    files.len(),
                    3 * days
                ),
            ));
        }
        let mut header = String::from(INVOCATIONS_HEADER);
        for m in 1..=MINUTES {
            header.push(',');
            header.push_str(&m.to_string());
        }
        header.push('\n');
        for day in files.chunks_mut(3) {
            day[0].write_all(header.as_bytes())?;
            day[1].write_all(DURATIONS_HEADER.as_bytes())?;
            day[2].write_all(MEMORY_HEADER.as_bytes())?;
        }

        let shape = Shape::new();
        let mut streams = Streams::new(self.config.seed);
        let _layout_stream = streams.stream();
        let mut day_rngs: Vec<SimRng> = (0..MAX_DAYS).map(|_| streams.stream()).collect();
        let mut layout = Layout::new(&self.config);
        let mut summary = Summary {
            functions: self.config.functions,
            apps: self.apps,
            owners: self.owners,
            days: self.config.days,
            seed: self.config.seed,
            invocations: 0,
            busiest: 0,
            triggers: [(0, 0); 7],
            apps_hourly: 0,
            apps_minutely: 0,
        };
        let mut counts = vec![0u32; MINUTES];
        let mut line: Vec<u8> = Vec::with_capacity(8 * MINUTES);
        let mut app_days = vec![AppDay::default(); days];
        let mut app = App::default();
        while layout.next_app(&mut app) {
            app_days.fill(AppDay::default());
            for f in &app.functions {
                let ids = Ids::of(&layout.keys, app.owner, app.index, f.index);
                let mut function_total = 0u64;
                for (d, (day_files, rng)) in files.chunks_mut(3).zip(&mut day_rngs).enumerate() {
                    let day_total = self.fill_counts(f, d, &shape, rng, &mut counts);
                    function_total += day_total;

                    line.clear();
                    ids.push_function(&mut line);
                    line.push(b',');
                    line.extend_from_slice(f.trigger.name().as_bytes());
                    for &c in &counts {
                        line.push(b',');
                        push_u64(&mut line, u64::from(c));
                    }
                    line.push(b'\n');
                    day_files[0].write_all(&line)?;

                    line.clear();
                    ids.push_function(&mut line);
                    f.push_durations(&mut line, day_total);
                    day_files[1].write_all(&line)?;

                    let a = &mut app_days[d];
                    a.invocations += day_total;
                    for (m, &c) in counts.iter().enumerate() {
                        if c > 0 {
                            a.active[m / 64] |= 1 << (m % 64);
                        }
                    }
                }
                summary.invocations += function_total;
                summary.busiest = summary.busiest.max(function_total);
                let t = &mut summary.triggers[f.trigger.index()];
                t.0 += 1;
                t.1 += function_total;
            }
            let ids = Ids::of(&layout.keys, app.owner, app.index, 0);
            for (day_files, a) in files.chunks_mut(3).zip(&app_days) {
                line.clear();
                ids.push_app(&mut line);
                app.push_memory(&mut line, a);
                day_files[2].write_all(&line)?;
            }
            let per_day = app_days.iter().map(|a| a.invocations).sum::<u64>() as f64 / days as f64;
            summary.apps_hourly += u64::from(per_day <= HOURLY_PER_DAY);
            summary.apps_minutely += u64::from(per_day <= MINUTELY_PER_DAY);
        }
        Ok(summary)
    }

    /// Fills `counts` with function `f`'s invocations in each minute of day `d` (0-based) and
    /// returns their sum.
    fn fill_counts(
        &self,
        f: &Function,
        d: usize,
        shape: &Shape,
        rng: &mut SimRng,
        counts: &mut [u32],
    ) -> u64 {
        counts.fill(0);
        if let Some(t) = f.timer {
            t.fill(counts);
            return t.per_day();
        }
        let weekend = d % 7 >= 5;
        let expected = f.rate * self.scale * if weekend { WEEKEND_FACTOR } else { 1.0 };
        if expected <= PLACE_LIMIT {
            let n = poisson(expected, rng);
            for _ in 0..n {
                let u: f64 = rng.random();
                let m = shape
                    .cumulative
                    .partition_point(|&c| c <= u)
                    .min(MINUTES - 1);
                counts[m] += 1;
            }
            n
        } else {
            let per_minute = expected / MINUTES as f64;
            let mut n = 0;
            for (c, &w) in counts.iter_mut().zip(&shape.weight) {
                // At most MAX_INVOCATIONS_PER_DAY · (1 + a) / 1440 ≈ 9.3e7 expected: a draw
                // beyond u32::MAX has no chance worth naming, and would saturate.
                let k = poisson(per_minute * w, rng);
                *c = u32::try_from(k).unwrap_or(u32::MAX);
                n += u64::from(*c);
            }
            n
        }
    }
}

/// A Poisson draw of mean `lambda`; 0 for a mean of 0. Means here stay far below the largest
/// the sampler takes (1.8e19).
fn poisson(lambda: f64, rng: &mut SimRng) -> u64 {
    Poisson::new(lambda).map_or(0, |p| p.sample(rng) as u64)
}
