//! A what-if applied to every function of a scenario, as `coldsim compare` and `coldsim plan` make them: another keep-alive, provisioned containers, a warmer, SnapStart, another memory size, or another platform.

use crate::cost::Prices;
use crate::model::dist::TimeDist;
use crate::model::function::Warmer;
use crate::model::keep_alive::KeepAliveSpec;
use crate::model::scenario::PlatformTarget;

/// The price sheet a platform what-if bills with, and where it came from ("built-in" or a path).
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// The sheet.
    pub prices: Prices,
    /// "built-in" or its path.
    pub source: String,
}

impl Sheet {
    /// The built-in sheet of `target`'s platform.
    pub fn built_in(target: PlatformTarget) -> Sheet {
        Sheet {
            prices: Prices::built_in(target.kind),
            source: "built-in".into(),
        }
    }
}

/// What a compared policy changes, for every function.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Every function's keep-alive policy.
    KeepAlive(KeepAliveSpec),
    /// Every function's provisioned concurrency (its keep-alive as the scenario has it).
    Provisioned(u32),
    /// A warmer on every function (its keep-alive as the scenario has it).
    Warmer(Warmer),
    /// Lambda SnapStart on every function, cold starts restoring in this time (no
    /// provisioned concurrency, which AWS refuses beside it).
    SnapStart(TimeDist),
    /// Every function's memory size [MB] (times scale by its `cpu_fraction`).
    Memory(u32),
    /// Every function on another platform with its defaults, billed with `sheet`.
    Platform(PlatformTarget, Sheet),
}

/// A compared policy: its label as written and what it changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The spec as the user wrote it, e.g. `fixed:10m`.
    pub label: String,
    /// What it changes.
    pub change: Change,
}
