//! What `coldsim gen-trace` wrote: the region's size, its tail and its trigger mix, printed in three lines for a person.

use std::fmt;

use super::fit::Trigger;

/// What [`Region::write`](super::plan::Region::write) wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Functions.
    pub functions: u64,
    /// Apps.
    pub apps: u64,
    /// Owners.
    pub owners: u64,
    /// Days written.
    pub days: u32,
    /// The seed.
    pub seed: u64,
    /// Invocations over all days.
    pub invocations: u64,
    /// Invocations of the busiest function over all days.
    pub busiest: u64,
    /// Per trigger, in the order of [`Trigger::ALL`]: functions, and their invocations.
    pub triggers: [(u64, u64); 7],
    /// Apps invoked at most once an hour on average (24 a day).
    pub apps_hourly: u64,
    /// Apps invoked at most once a minute on average (1,440 a day).
    pub apps_minutely: u64,
}

impl fmt::Display for Summary {
    /// Three lines for a person: the size, the tail, the trigger mix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = |part: u64, whole: u64| 100.0 * part as f64 / whole.max(1) as f64;
        let plural = |n: u64, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        writeln!(
            f,
            "{} in {} of {}, {}, seed {}: {} invocations ({:.0} a day)",
            plural(self.functions, "function", "functions"),
            plural(self.apps, "app", "apps"),
            plural(self.owners, "owner", "owners"),
            plural(u64::from(self.days), "day", "days"),
            self.seed,
            self.invocations,
            self.invocations as f64 / f64::from(self.days.max(1)),
        )?;
        writeln!(
            f,
            "busiest function: {:.2} % of the invocations; apps invoked at most once an hour on average: {:.1} %, at most once a minute: {:.1} % (Shahrad et al.: 45 %, 81 %)",
            pct(self.busiest, self.invocations),
            pct(self.apps_hourly, self.apps),
            pct(self.apps_minutely, self.apps),
        )?;
        let mix: Vec<String> = Trigger::ALL
            .iter()
            .zip(&self.triggers)
            .map(|(t, &(n, inv))| {
                format!(
                    "{} {:.1} ({:.1})",
                    t.name(),
                    pct(n, self.functions),
                    pct(inv, self.invocations)
                )
            })
            .collect();
        write!(
            f,
            "triggers, % of functions (% of invocations): {}",
            mix.join(", ")
        )
    }
}
