//! A what-if applied to every function of a scenario, as `coldsim compare` and `coldsim plan` make them: another keep-alive, provisioned containers, a warmer, or another memory size.

use crate::model::function::Warmer;
use crate::model::keep_alive::KeepAliveSpec;

/// What a compared policy changes, for every function.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Every function's keep-alive policy.
    KeepAlive(KeepAliveSpec),
    /// Every function's provisioned concurrency (its keep-alive as the scenario has it).
    Provisioned(u32),
    /// A warmer on every function (its keep-alive as the scenario has it).
    Warmer(Warmer),
    /// Every function's memory size [MB] (times scale by its `cpu_fraction`).
    Memory(u32),
}

/// A compared policy: its label as written and what it changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The spec as the user wrote it, e.g. `fixed:10m`.
    pub label: String,
    /// What it changes.
    pub change: Change,
}
